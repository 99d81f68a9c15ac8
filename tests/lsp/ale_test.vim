" ale_test.vim - Vim with ALE (Debian: vim-ale) runs `bfplan lsp` as the
" linter of a plan with a mistake, configured as docs/lsp.md says, and
" writes the location list ALE made from the server's diagnostics to $OUT.
" tests/lsp/run.sh compares it with what it must be.
set nocompatible
" the tests run with LC_ALL=C, where Vim would read the plan as Latin-1
set encoding=utf-8
" Debian's vim-ale is an optional package of Vim's system-wide files, as docs/lsp.md says
let &packpath = $VIMFILES . ',' . &packpath
packadd ale
filetype plugin on
autocmd BufRead,BufNewFile *.plan setfiletype bfplan
let g:ale_linters = {'bfplan': ['bfplan']}
call ale#linter#Define('bfplan', {
\   'name': 'bfplan',
\   'lsp': 'stdio',
\   'executable': $BFPLAN,
\   'command': '%e lsp',
\   'project_root': {buffer -> fnamemodify(bufname(buffer), ':p:h')},
\})
execute 'edit ' . fnameescape($PLAN)
" `sleep` lets ALE's jobs and channels run; ten seconds at most
let s:waited = 0
while s:waited < 100 && empty(ale#engine#GetLoclist(bufnr('')))
  sleep 100m
  let s:waited += 1
endwhile
let s:lines = []
for s:item in ale#engine#GetLoclist(bufnr(''))
  call add(s:lines, printf('%d:%d: %s %s [%s]', s:item.lnum, s:item.col, s:item.type,
        \ substitute(s:item.text, ' help: .*', '', ''), get(s:item, 'code', '')))
endfor
call writefile(empty(s:lines) ? ['no diagnostic arrived in 10 s'] : s:lines, $OUT)
qall!
