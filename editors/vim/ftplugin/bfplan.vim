" Vim filetype plugin file
" Language:	bfplan plans (cluster patching plans for BigFix)
"
" The layout of `bfplan fmt`: four spaces per level, '#' comments.
" `gq` formats the whole buffer through `bfplan fmt -` (bfplan#format(),
" which leaves the buffer alone and fills the location list when the plan
" does not parse), and :make runs `bfplan check`.

if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal expandtab shiftwidth=4 softtabstop=4
setlocal comments=:# commentstring=#\ %s
setlocal formatexpr=bfplan#format()
setlocal iskeyword=@,48-57,_,-,.
compiler bfplan

let b:undo_ftplugin = "setlocal expandtab< shiftwidth< softtabstop< comments< commentstring<"
      \ . " formatexpr< iskeyword< makeprg< errorformat<"

let &cpo = s:cpo_save
unlet s:cpo_save
