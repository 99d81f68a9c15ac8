" Vim autoload file for bfplan plans
"
" bfplan#format() is the 'formatexpr' of plan buffers: `gq` formats the
" whole buffer through `bfplan fmt -` (a plan is formatted as a whole: a
" few lines of one do not parse on their own).  When fmt fails, the buffer
" is left as it was and the errors go to the location list, instead of
" replacing the lines as a 'formatprg' filter would.

let s:cpo_save = &cpo
set cpo&vim

function! bfplan#format() abort
  " Insert mode calls 'formatexpr' to wrap long lines: Vim's own wrapping does that.
  if mode() =~# '^[iR]'
    return 1
  endif
  let l:lines = getline(1, '$')
  let l:errors = tempname()
  let l:name = expand('%') ==# '' ? '<stdin>' : expand('%')
  let l:out = systemlist('bfplan fmt --color=never --stdin-filename=' . shellescape(l:name)
        \ . ' - 2>' . shellescape(l:errors), l:lines)
  let l:failed = v:shell_error
  let l:messages = filereadable(l:errors) ? readfile(l:errors) : []
  call delete(l:errors)
  if l:failed
    " the text form, read with the errorformat of the compiler file (which the ftplugin sets)
    call setloclist(0, [], ' ', {'lines': l:messages, 'efm': &errorformat, 'title': 'bfplan fmt'})
    echohl ErrorMsg
    echomsg empty(l:messages) ? 'bfplan fmt failed' : l:messages[0]
    echohl None
    return 0
  endif
  if l:out !=# l:lines
    let l:view = winsaveview()
    call setline(1, l:out)
    if line('$') > len(l:out)
      silent execute (len(l:out) + 1) . ',$delete _'
    endif
    call winrestview(l:view)
  endif
  return 0
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
