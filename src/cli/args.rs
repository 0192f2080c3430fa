//! The command-line surface (clap derive). Every command that reports takes `--format`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "iamc",
    version,
    about = "A typed policy-as-code compiler for AWS IAM"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For people (colour only on a terminal).
    #[default]
    Text,
    /// For machines: one JSON document on stdout.
    Json,
}

/// What `iamc catalog search --kind` keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SearchKind {
    Service,
    Action,
    Key,
}

#[derive(Args, Debug, Clone)]
pub struct SourceArgs {
    /// Plain `.iamc` files to compile without a project.
    pub files: Vec<PathBuf>,
    /// The project folder (holding `iamc.toml`); defaults to the current folder.
    #[arg(long, short = 'p')]
    pub project: Option<PathBuf>,
    /// The environment from `iamc.toml` whose constants to use.
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// An output format of `iamc build` (see `[build] targets` in `iamc.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// One `<Name>.json` policy document per declaration.
    Json,
    /// CloudFormation templates (see docs/cloudformation.md).
    Cloudformation,
    /// Terraform configurations (see docs/terraform.md).
    Terraform,
}

/// The CloudFormation template format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CfnFormatArg {
    Yaml,
    Json,
}

/// What to build; each flag overrides the project's `iamc.toml`.
#[derive(Args, Debug, Clone, Default)]
pub struct TargetArgs {
    /// The outputs to write, instead of `[build] targets` (repeat or separate with commas:
    /// `--target json,cloudformation`).
    #[arg(long, short = 't', value_enum, value_delimiter = ',')]
    pub target: Vec<TargetArg>,
    /// CloudFormation in YAML or JSON, instead of `[cloudformation] format`.
    #[arg(long, value_enum)]
    pub cloudformation_format: Option<CfnFormatArg>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile the project (or the given files) and write its outputs: one JSON file per
    /// declaration, CloudFormation templates, Terraform configurations.
    Build {
        #[command(flatten)]
        sources: SourceArgs,
        #[command(flatten)]
        targets: TargetArgs,
        /// Where to write the output (default: the project's `out`, or `./out`).
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Write minified JSON instead of pretty JSON.
        #[arg(long)]
        minify: bool,
    },
    /// Do all the work of `build` but write nothing.
    Check {
        #[command(flatten)]
        sources: SourceArgs,
        #[command(flatten)]
        targets: TargetArgs,
    },
    /// Decide every `prove` property and report each with its time (see docs/prover.md).
    Prove {
        #[command(flatten)]
        sources: SourceArgs,
        /// Write each counterexample as an `iamc eval` scenario in this folder
        /// (`<Subject>.<n>.json`, and `<Subject>.<n>.other.json` for `within`/`equivalent`).
        #[arg(long, value_name = "DIR")]
        emit_counterexample: Option<PathBuf>,
    },
    /// AWS's decision for one request (see docs/eval-scenario.md).
    Eval {
        /// The scenario file, or `-` for standard input.
        scenario: PathBuf,
        /// Read JSON Lines, one scenario per line; answer one line each.
        #[arg(long)]
        batch: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Look things up in the embedded AWS catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// The actions an action pattern matches today (`iamc expand 's3:Get*'`).
    Expand {
        pattern: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The long explanation of a diagnostic code (`iamc explain E0201`).
    Explain {
        code: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Rewrite `.iamc` files in the canonical layout (see docs/fmt.md).
    Fmt {
        /// The files to format (default: the project's sources).
        files: Vec<PathBuf>,
        /// The project folder (holding `iamc.toml`); defaults to the current folder.
        #[arg(long, short = 'p')]
        project: Option<PathBuf>,
        /// Write nothing; list the files that would change and exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// The language server, on standard input and output (see docs/lsp.md).
    Lsp,
}

#[derive(Subcommand, Debug)]
pub enum CatalogCommand {
    /// An action (`s3:GetObject`), a service (`s3`) or a condition key (`aws:SourceIp`).
    Show {
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Search actions, services and condition keys by text.
    Search {
        text: String,
        /// Only this service's actions and keys, and the service itself (`ec2`; `aws` for
        /// the global keys).
        #[arg(long)]
        service: Option<String>,
        /// Only services, actions or condition keys.
        #[arg(long, value_enum)]
        kind: Option<SearchKind>,
        /// At most this many results of each kind.
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Counts of what the catalog holds.
    Stats {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Regenerate the catalog from AWS service reference JSON files.
    Update {
        /// A folder of `<prefix>.json` service reference files (and optionally
        /// `global-condition-keys.json`).
        #[arg(long)]
        from: PathBuf,
        /// Where to write the compact catalog (default: the user's catalog override file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}
