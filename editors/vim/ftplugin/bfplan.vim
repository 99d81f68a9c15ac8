" Vim filetype plugin file
" Language:	bfplan plans (cluster patching plans for BigFix)
"
" The layout of `bfplan fmt`: four spaces per level, '#' comments.
" `gq` formats through `bfplan fmt -`, and :make runs `bfplan check`.

if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal expandtab shiftwidth=4 softtabstop=4
setlocal comments=:# commentstring=#\ %s
setlocal formatprg=bfplan\ fmt\ -
setlocal iskeyword=@,48-57,_,-,.
compiler bfplan

let b:undo_ftplugin = "setlocal expandtab< shiftwidth< softtabstop< comments< commentstring<"
      \ . " formatprg< iskeyword< makeprg< errorformat<"

let &cpo = s:cpo_save
unlet s:cpo_save
