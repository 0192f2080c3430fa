//! The build settings of `iamc.toml`: which targets `iamc build` writes, how the
//! deployable templates are split and where their templates come from (`[build]`), what
//! a deployed template takes from the account it is deployed in (`[deploy]`), and the
//! CloudFormation format (`[cloudformation]`).
//!
//! ```toml
//! [build]
//! targets = ["json", "cloudformation", "terraform"]   # default: ["json"]
//! per = "project"            # or "module": one template per project or per module
//! templates = "templates"    # a folder of .tera files replacing the embedded ones
//!
//! [deploy]
//! account = "account"        # uses of env.account become the deployed account's id
//! region = "region"          # uses of env.region become the deployed region
//! partition = true           # `arn:aws:` becomes the deployed partition
//! managed_policies_per_role = 10
//!
//! [cloudformation]
//! format = "yaml"            # or "json"
//! ```

use crate::source::{FileId, Span};
use serde::Deserialize;

/// One output format of `iamc build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// One `<Name>.json` policy document per declaration.
    Json,
    /// CloudFormation templates (`AWS::IAM::ManagedPolicy`, `AWS::IAM::Role`, ...).
    Cloudformation,
    /// Terraform configurations (`aws_iam_policy`, `aws_iam_role`, ...).
    Terraform,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Json, Target::Cloudformation, Target::Terraform];

    pub fn name(self) -> &'static str {
        match self {
            Target::Json => "json",
            Target::Cloudformation => "cloudformation",
            Target::Terraform => "terraform",
        }
    }
}

/// How the deployable targets group declarations into templates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// One template for the whole project (and one for its organization policies).
    #[default]
    Project,
    /// One template per module (and one per module with organization policies).
    Module,
}

/// The text format of CloudFormation templates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CfnFormat {
    #[default]
    Yaml,
    Json,
}

/// A setting's value with the span of the value in `iamc.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub span: Span,
}

/// The build settings; the defaults when `iamc.toml` says nothing (and for plain files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSettings {
    pub targets: Vec<Target>,
    pub per: Per,
    /// The folder of template overrides, relative to the project.
    pub templates: Option<Setting<String>>,
    /// The environment constant that is the account a template is deployed in.
    pub account: Option<Setting<String>>,
    /// The environment constant that is the region a template is deployed in.
    pub region: Option<Setting<String>>,
    /// Whether `arn:aws:` becomes the deployed partition.
    pub partition: bool,
    /// IAM's quota of managed policies attached to one role (10 unless raised).
    pub managed_policies_per_role: Setting<u32>,
    pub cloudformation_format: CfnFormat,
}

/// IAM's default quota of managed policies per role.
pub const MANAGED_POLICIES_PER_ROLE: u32 = 10;

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            targets: vec![Target::Json],
            per: Per::Project,
            templates: None,
            account: None,
            region: None,
            partition: false,
            managed_policies_per_role: Setting {
                value: MANAGED_POLICIES_PER_ROLE,
                span: Span::default(),
            },
            cloudformation_format: CfnFormat::Yaml,
        }
    }
}

/// `[build]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBuild {
    targets: Option<Vec<Target>>,
    per: Option<Per>,
    templates: Option<toml::Spanned<String>>,
}

/// `[deploy]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDeploy {
    account: Option<toml::Spanned<String>>,
    region: Option<toml::Spanned<String>>,
    partition: Option<bool>,
    managed_policies_per_role: Option<toml::Spanned<u32>>,
}

/// `[cloudformation]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCloudFormation {
    format: Option<CfnFormat>,
}

/// The settings from the three tables (each may be missing).
pub(super) fn settings(
    file: FileId,
    build: Option<RawBuild>,
    deploy: Option<RawDeploy>,
    cfn: Option<RawCloudFormation>,
) -> BuildSettings {
    let build = build.unwrap_or_default();
    let deploy = deploy.unwrap_or_default();
    let cfn = cfn.unwrap_or_default();
    let setting = |s: toml::Spanned<String>| Setting {
        span: Span::new(file, s.span().start, s.span().end),
        value: s.into_inner(),
    };
    let defaults = BuildSettings::default();
    let mut targets = build.targets.unwrap_or(defaults.targets);
    targets.sort();
    targets.dedup();
    BuildSettings {
        targets,
        per: build.per.unwrap_or_default(),
        templates: build.templates.map(setting),
        account: deploy.account.map(setting),
        region: deploy.region.map(setting),
        partition: deploy.partition.unwrap_or(false),
        managed_policies_per_role: deploy
            .managed_policies_per_role
            .map(|n| Setting {
                span: Span::new(file, n.span().start, n.span().end),
                value: n.into_inner(),
            })
            .unwrap_or(defaults.managed_policies_per_role),
        cloudformation_format: cfn.format.unwrap_or_default(),
    }
}
