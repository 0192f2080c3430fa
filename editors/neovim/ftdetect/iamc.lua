-- `*.iamc` files are iamc policy files.
vim.filetype.add({ extension = { iamc = 'iamc' } })
