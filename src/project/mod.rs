//! Projects: `iamc.toml` (sources, output folder, environments, build settings), the
//! selected environment, and loading a compilation's sources through a [`FileSystem`]
//! (E09xx).
//!
//! ```toml
//! [project]
//! name = "seeds"
//! sources = ["iam"]      # folders (relative to the project) holding .iamc files
//! out = "out"            # where `iamc build` writes
//! default = "dev"        # the environment used without --env (default: the first)
//!
//! [env.dev]
//! account = "123412341234"
//! regions = ["eu-west-1"] # strings, numbers, booleans and lists of them
//! ```
//!
//! Architecture invariant: this module does no I/O; the caller hands it a file system.

pub mod build;
pub mod env;
pub mod fs;
pub mod load;
pub mod manifest;

pub use build::{BuildSettings, CfnFormat, Per, Setting, Target};
pub use env::{EnvConstant, EnvValue, Environment};
pub use fs::{FileSystem, FsError, FsErrorKind, MemoryFs};
pub use load::{
    load_files, load_project, module_path, source_files, source_modules, LoadError, Loaded,
};
pub use manifest::{parse, Project, ProveSettings};
