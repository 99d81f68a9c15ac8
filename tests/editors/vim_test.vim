" vim_test.vim - the Vim files of editors/vim, run by tests/editors/run.sh:
"
"   vim -Nu NONE -i NONE -es --cmd 'set rtp^=editors/vim' \
"       -c 'let g:sample = "..." | let g:continued = "..." | ...' \
"       -S tests/editors/vim_test.vim
"
" g:sample is a plan file, g:continued one with a list broken after a
" comma, g:broken one with an error, g:diagnostics what `bfplan check` printed for
" tests/formats/cases/three-problems.plan; each check that fails adds a
" line to v:errors, and they are written to g:out ("ok" when there are none).

filetype plugin on
syntax on

function! s:group_at(pattern, offset) abort
  " the syntax group at the first match of pattern (plus offset columns)
  call cursor(1, 1)
  let l:pos = searchpos(a:pattern, 'cW')
  if l:pos == [0, 0]
    return 'no match for ' . a:pattern
  endif
  return synIDattr(synID(l:pos[0], l:pos[1] + a:offset, 1), 'name')
endfunction

" ---- ftdetect, ftplugin ------------------------------------------------------
execute 'edit ' . fnameescape(g:sample)
call assert_equal('bfplan', &filetype, 'filetype of a .plan file')
call assert_equal('# %s', &commentstring, 'commentstring')
call assert_equal(4, &shiftwidth, 'shiftwidth')
call assert_true(&expandtab, 'expandtab')
call assert_equal('bfplan#format()', &formatexpr, 'formatexpr')
call assert_match('^bfplan check ', &makeprg, 'makeprg from the compiler file')

" ---- syntax ----------------------------------------------------------------------
call assert_equal('bfplan', get(b:, 'current_syntax', ''), 'syntax loaded')
call assert_equal('bfplanComment', s:group_at('^# ', 0), 'a comment line')
call assert_equal('bfplanComment', s:group_at('  # ', 2), 'a trailing comment')
call assert_equal('bfplanUse', s:group_at('^use ', 0), 'use')
call assert_equal('bfplanString', s:group_at('^use "', 5), 'the path of use')
call assert_equal('bfplanDeclaration', s:group_at('^cluster ', 0), 'a declaration keyword')
call assert_equal('bfplanName', s:group_at('^cluster ', 8), 'the declared name')
call assert_equal('bfplanStatement', s:group_at('^    nodes ', 4), 'a statement word')
call assert_equal('bfplanDuration', s:group_at('window \d', 7), 'a duration')
call assert_equal('bfplanNumber', s:group_at('fixlet \d', 7), 'an integer')
call assert_equal('', s:group_at('require dotnet-4.0', 16), 'the 4 of dotnet-4.0 is part of a name')
call assert_equal('bfplanDelimiter', s:group_at('^}', 0), 'a closing brace')
execute 'edit ' . fnameescape(g:continued)
call assert_equal('bfplanStatement', s:group_at('^    nodes ', 4), 'a statement word before a list')
call assert_equal('', s:group_at('^\s\+FSNODE3', 10), 'the first word of a list that goes on')

" strings: escapes good and bad, and no declaration inside one
enew
setfiletype bfplan
call setline(1, ['os a "x\u{E9}\q\"y" # c', 'plan p {', '    timeout patch 30min', '}'])
call assert_equal('bfplanEscape', s:group_at('\\u', 0), 'a \u{...} escape')
call assert_equal('bfplanBadEscape', s:group_at('\\q', 0), 'an unknown escape')
call assert_equal('bfplanEscape', s:group_at('\\"', 0), 'an escaped quote')
call assert_equal('bfplanString', s:group_at('y"', 0), 'the string goes on after an escaped quote')
call assert_equal('bfplanComment', s:group_at('# c', 0), 'a comment after a string')
call assert_equal('bfplanBadNumber', s:group_at('30min', 0), 'a malformed duration')

" ---- compiler: the text form into the quickfix list ------------------------------------
compiler bfplan
execute 'cgetfile ' . fnameescape(g:diagnostics)
let s:qf = getqflist()
let s:located = filter(copy(s:qf), 'v:val.lnum > 0')
call assert_equal(['e', 'n', 'w', 'e', 'n', 'n'], map(copy(s:located), 'v:val.type'), 'types')
call assert_equal([12, 12, 28, 31, 122, 181], map(copy(s:located), 'v:val.lnum'), 'lines')
call assert_equal([78, 60, 13, 9, 5, 14], map(copy(s:located), 'v:val.col'), 'byte columns')
call assert_equal("node 'FSNODE2' is listed twice in cluster 'files01' [BFP316]", s:located[0].text, 'message')
call assert_match('three-problems\.plan$', bufname(s:located[0].bufnr), 'file of the first entry')
call assert_match('server-automation\.plan$', bufname(s:located[4].bufnr), 'file of a note')
let s:help = filter(copy(s:qf), 'v:val.text =~# "^help: "')
call assert_equal(3, len(s:help), 'one help line per diagnostic')
call assert_equal(0, len(filter(copy(s:qf), 'v:val.text =~# "^\\s*\\d* |"')), 'quoted lines left out')
call assert_equal(len(s:located) + len(s:help), len(s:qf), 'nothing else in the list')

" ---- :make runs bfplan check on the file -----------------------------------------------
execute 'edit! ' . fnameescape(g:broken)
silent make
let s:made = filter(getqflist(), 'v:val.lnum > 0')
call assert_equal(1, len(s:made), ':make finds one error')
if len(s:made) == 1
  call assert_equal([1, 17, 'e'], [s:made[0].lnum, s:made[0].col, s:made[0].type], ':make entry')
endif

" ---- gq formats the buffer through bfplan fmt, and leaves a broken one alone -------------
execute 'edit! ' . fnameescape(g:messy)
normal! gggqG
call assert_equal(readfile(g:good), getline(1, '$'), 'gq formats a plan')
execute 'edit! ' . fnameescape(g:broken)
let s:before = getline(1, '$')
silent! normal! gggqG
call assert_equal(s:before, getline(1, '$'), 'gq leaves a plan that does not parse as it was')
let s:loc = filter(getloclist(0), 'v:val.lnum > 0')
call assert_equal(1, len(s:loc), 'gq puts the error in the location list')
if len(s:loc) == 1
  call assert_equal([1, 17, 'e'], [s:loc[0].lnum, s:loc[0].col, s:loc[0].type], 'the location list entry')
endif

call writefile(empty(v:errors) ? ['ok'] : v:errors, g:out)
qall!
