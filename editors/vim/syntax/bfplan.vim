" Vim syntax file
" Language:	bfplan plans (cluster patching plans for BigFix)
" Files:	*.plan
"
" A file is `use` lines and declarations; a declaration is a keyword, a
" name, values and a block of statements of the same shape (docs/language.md).
" Declarations are recognised at the start of an unindented line, as
" `bfplan fmt` lays them out; the first word of an indented line is a
" statement.  Names may hold '-' and '.', as in dotnet-4.0.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn iskeyword @,48-57,_,-,.
syn case match

syn keyword bfplanTodo contained TODO FIXME XXX
syn match   bfplanComment "#.*$" contains=bfplanTodo,@Spell

syn region  bfplanString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline
      \ contains=bfplanEscape,bfplanBadEscape,@Spell
syn match   bfplanBadEscape contained +\\.+
syn match   bfplanEscape contained +\\[\\"nt]+
syn match   bfplanEscape contained +\\u{\x\{1,6}}+

" later matches win at the same place: a malformed number, then the good ones
syn match   bfplanBadNumber "\<\d[A-Za-z0-9_.-]*\>"
syn match   bfplanNumber "\<\d\+\>"
syn match   bfplanDuration "\<\(\d\+[smhd]\)\+\>"

" the first word of an indented line, unless the line above ends in a comma (a list goes on)
syn match   bfplanStatement "\%(,\s*\%(#.*\)\=\n\)\@<!\_^\s\+\zs[A-Za-z_][A-Za-z0-9_.-]*"
syn match   bfplanUse "^use\>"
syn match   bfplanDeclaration
      \ "^\%(site\|os\|state\|prerequisite\|fixlet\|task\|step\|role\|cluster\|baseline\|plan\)\>"
      \ nextgroup=bfplanName skipwhite
syn match   bfplanName contained "[A-Za-z_][A-Za-z0-9_.-]*"
syn match   bfplanDelimiter "[{},]"

hi def link bfplanTodo        Todo
hi def link bfplanComment     Comment
hi def link bfplanString      String
hi def link bfplanEscape      SpecialChar
hi def link bfplanBadEscape   Error
hi def link bfplanBadNumber   Error
hi def link bfplanNumber      Number
hi def link bfplanDuration    Number
hi def link bfplanStatement   Statement
hi def link bfplanUse         Include
hi def link bfplanDeclaration Keyword
hi def link bfplanName        Identifier
hi def link bfplanDelimiter   Delimiter

let b:current_syntax = "bfplan"

let &cpo = s:cpo_save
unlet s:cpo_save
