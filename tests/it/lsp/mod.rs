//! `iamc lsp` driven as an editor drives it: the binary is started as a process and every
//! test speaks JSON-RPC over its standard input and output (`client`). The answers are
//! compared with what the library says about the same sources (the analysis, the
//! formatter, the lowered documents), so the server is checked against the compiler it
//! wraps, not against itself.

mod client;
mod diagnostics;
mod editing;
mod navigation;
mod proofs;
mod robustness;
mod session;

use client::{uri, Client};
use std::path::PathBuf;

/// Two files of one project: `iam/common.iamc` declares a constant and a template,
/// `iam/app.iamc` imports and uses them.
pub const COMMON: &str = "/// The bucket the app reads.
const bucket: ArnPattern = arn\"arn:aws:s3:::app-data/*\"

/// Read access to a bucket's objects.
template read(objects: ArnPattern) {
    allow s3:GetObject on objects
}
";

pub const APP: &str = "import common.{bucket, read}

policy App {
    use read(objects: bucket)
    allow s3:PutObject on bucket
    deny * on * when not aws:MultiFactorAuthPresent
    allow s3:ListBucket on arn\"arn:aws:s3:::app-data\" when aws:SourceIp in [cidr\"10.0.0.0/8\"]
}
";

/// The two-file project in a fresh folder.
pub fn two_files(name: &str) -> PathBuf {
    client::project(
        name,
        &[
            ("iamc.toml", "[project]\nsources = [\"iam\"]\n"),
            ("iam/common.iamc", COMMON),
            ("iam/app.iamc", APP),
        ],
    )
}

/// A server with the two-file project and `iam/app.iamc` open.
pub struct Session {
    pub c: Client,
    pub dir: PathBuf,
    pub app: String,
    pub common: String,
}

pub fn app_open(name: &str) -> Session {
    let dir = two_files(name);
    let app = uri(&dir.join("iam/app.iamc"));
    let common = uri(&dir.join("iam/common.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&app, APP);
    Session {
        c,
        dir,
        app,
        common,
    }
}
