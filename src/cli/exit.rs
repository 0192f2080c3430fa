//! Exit codes: stable and documented in the README.

/// 0 ok, 1 errors in the sources (or a failed proof), 2 usage or I/O.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    SourceErrors = 1,
    UsageOrIo = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(e as u8)
    }
}
