//! The Zed extension for iamc: starts `iamc lsp` for `.iamc` files.
//!
//! The binary is `lsp.iamc.binary.path` from Zed's settings when set, else `iamc` found on
//! the worktree's PATH; `lsp.iamc.binary.arguments` replace the default `["lsp"]`.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

/// The language server's name in `extension.toml` and in the `lsp` settings.
const SERVER: &str = "iamc";

struct IamcExtension;

impl zed::Extension for IamcExtension {
    fn new() -> Self {
        IamcExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let (path, arguments, env) = match binary {
            Some(b) => (b.path, b.arguments, b.env),
            None => (None, None, None),
        };
        let command = path.or_else(|| worktree.which("iamc")).ok_or_else(|| {
            "iamc: the language server `iamc` was not found on PATH. Install it with \
             `cargo install --path . --locked` in the iamc repository, or set \
             `lsp.iamc.binary.path` in Zed's settings."
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args: arguments.unwrap_or_else(|| vec!["lsp".to_string()]),
            env: env.map(|e| e.into_iter().collect()).unwrap_or_default(),
        })
    }
}

zed::register_extension!(IamcExtension);
