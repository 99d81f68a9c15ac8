-- nvim_test.lua - Neovim's built-in LSP client runs `bfplan lsp` on a plan
-- with a mistake, headless, and writes what vim.diagnostic.get() holds to
-- $OUT; then it formats a messy plan through the server and writes the
-- buffer to $OUT.fmt.  tests/lsp/run.sh compares both with what they must
-- be.  Written for Neovim 0.7 (Debian 12), whose client is started with
-- vim.lsp.start_client() and attached per buffer.
local bfplan, out = vim.env.BFPLAN, vim.env.OUT


local function fail(why)
  vim.fn.writefile({ 'FAIL ' .. why }, out)
  vim.cmd('qa!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.PLAN))
local id = vim.lsp.start_client({
  name = 'bfplan',
  cmd = { bfplan, 'lsp' },
  root_dir = vim.fn.fnamemodify(vim.env.PLAN, ':p:h'),
})
vim.lsp.buf_attach_client(0, id)
if not vim.wait(10000, function() return #vim.diagnostic.get(0) > 0 end, 20) then
  fail('no diagnostic arrived in 10 s')
end
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ''
  local first = d.message:gsub('\n.*', '')
  table.insert(lines, string.format('%d:%d: %s %s [%s]', d.lnum + 1, d.col + 1,
    d.severity == vim.diagnostic.severity.ERROR and 'error' or 'warning', first, code))
end
vim.fn.writefile(lines, out)

-- formatting: the server's edits applied by the editor give bfplan fmt's layout
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.MESSY))
vim.lsp.buf_attach_client(0, id)
vim.lsp.buf.formatting_sync(nil, 10000)
vim.fn.writefile(vim.api.nvim_buf_get_lines(0, 0, -1, false), out .. '.fmt')
vim.lsp.stop_client(id)
vim.cmd('qa!')
