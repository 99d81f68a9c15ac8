" Vim filetype detection file
" Language:	bfplan plans (cluster patching plans for BigFix)
" Files:	*.plan
autocmd BufRead,BufNewFile *.plan setfiletype bfplan
