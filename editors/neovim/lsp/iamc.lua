-- The iamc language server (`iamc lsp`) for Neovim 0.11+: with this folder on 'runtimepath',
-- `vim.lsp.enable('iamc')` starts it for `*.iamc` files (see editors/README.md). Override any
-- field with `vim.lsp.config('iamc', { cmd = { '/path/to/iamc', 'lsp' } })`.

---@type vim.lsp.Config
return {
  cmd = { 'iamc', 'lsp' },
  filetypes = { 'iamc' },
  -- The project file, else the repository: the server reads the project's other files.
  root_markers = { 'iamc.toml', '.git' },
}
