" Vim compiler file
" Compiler:	bfplan check
"
" :make checks the current file; the quickfix list gets one entry per
" error, warning and note (types e, w and n), at its line and byte
" column, and the help line that closes each diagnostic as a text entry.
" The quoted source lines and underlines are left out.  A problem with no
" place in a file ("bfplan: error: cannot read ...") is an entry without
" a file.

if exists("current_compiler")
  finish
endif
let current_compiler = "bfplan"

let s:cpo_save = &cpo
set cpo&vim

CompilerSet makeprg=bfplan\ check\ --color=never\ %:S

CompilerSet errorformat=
      \%f:%l:%c:\ %trror:\ %m,
      \%f:%l:%c:\ %tarning:\ %m,
      \%f:%l:%c:\ %tote:\ %m,
      \bfplan:\ %trror:\ %m,
      \bfplan:\ %tarning:\ %m,
      \%+Ghelp:\ %.%#,
      \%+Gnote:\ %.%#,
      \%+Gbfplan:\ %.%#,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
