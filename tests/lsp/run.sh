#!/bin/sh
# tests/lsp/run.sh - `bfplan lsp`, the language server, driven three ways.
#
# usage: sh tests/lsp/run.sh path/to/bfplan
#
# 1. A scripted client (session.py, with lspclient.py): a whole editor
#    session on the plans in tests/lsp/plans, every answer asserted, then
#    hostile input; and parity.py: every golden plan's diagnostics from
#    the server are those of `bfplan check --format=json`.
# 2. Neovim's built-in client, headless (nvim_test.lua): a plan with a
#    misspelt step shows its diagnostic in vim.diagnostic.get(), and a
#    messy plan formatted through the server reads as `bfplan fmt` prints.
# 3. Vim with ALE (Debian: vim-ale), configured as docs/lsp.md says
#    (ale_test.vim): the same plan's diagnostic in ALE's location list.
# 4. The VS Code extension (editors/vscode), without VS Code
#    (vscode_test.js, in Node): its package.json, its activate() with
#    stand-ins for VS Code's modules, and the server command line it asks
#    for, spawned.
# Also the command line itself: options lsp does not take are refused.
#
# Neovim, Vim with ALE or Node absent: that part says SKIP with the reason.
[ $# -eq 1 ] || { echo "usage: sh tests/lsp/run.sh path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
here=tests/lsp
python=/usr/bin/python3
suite=lsp
. tests/lib.sh

# ---- 1. the scripted session ----------------------------------------------------------------

if "$python" "$here/session.py" "$bfplan" >"$tmp/session.out" 2>&1; then
	pass "scripted session ($(grep -c '^ok' "$tmp/session.out") assertions)"
else
	grep -v '^ok' "$tmp/session.out"
	fail "scripted session"
fi

# the same diagnostics as bfplan check, for every golden plan
if "$python" "$here/parity.py" "$bfplan" >"$tmp/parity.out" 2>&1; then
	pass "$(tail -n 1 "$tmp/parity.out"): the server's diagnostics are check's"
else
	cat "$tmp/parity.out"
	fail "the server's diagnostics are check's, for every golden plan"
fi

# ---- 2. Neovim ------------------------------------------------------------------------------

cp -r "$here/plans" "$tmp/nvim"
sed 's/^        pause$/        paus/' "$here/plans/main.plan" >"$tmp/nvim/mistake.plan"
sed 's/^    max-down 1$/  max-down    1/' "$here/plans/main.plan" >"$tmp/nvim/messy.plan"
if ! command -v nvim >/dev/null 2>&1; then
	skip "Neovim: nvim is not installed (apt-get install neovim)"
elif cmp -s "$tmp/nvim/messy.plan" "$here/plans/main.plan"; then
	fail "Neovim: the messy copy is not messy"
else
	(cd "$tmp/nvim" && BFPLAN=$bfplan OUT=$tmp/nvim.out PLAN=$tmp/nvim/mistake.plan MESSY=$tmp/nvim/messy.plan \
		timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $top/$here/nvim_test.lua" \
		>"$tmp/nvim.log" 2>&1)
	echo "22:9: error unknown step 'paus' [BFP204]" >"$tmp/nvim.want"
	if cmp -s "$tmp/nvim.out" "$tmp/nvim.want"; then
		pass "Neovim: the diagnostic of a misspelt step, in vim.diagnostic.get()"
	else
		cat "$tmp/nvim.log" "$tmp/nvim.out" 2>/dev/null
		fail "Neovim: the diagnostic of a misspelt step, in vim.diagnostic.get()"
	fi
	"$bfplan" fmt "$tmp/nvim/messy.plan" >"$tmp/nvim.fmt.want"
	if cmp -s "$tmp/nvim.out.fmt" "$tmp/nvim.fmt.want"; then
		pass "Neovim: formatting through the server gives bfplan fmt's layout"
	else
		diff "$tmp/nvim.fmt.want" "$tmp/nvim.out.fmt"
		fail "Neovim: formatting through the server gives bfplan fmt's layout"
	fi
fi

# ---- 3. Vim with ALE -----------------------------------------------------------------------

vimfiles=/usr/share/vim/vimfiles
if ! command -v vim >/dev/null 2>&1; then
	skip "Vim with ALE: vim is not installed (apt-get install vim)"
elif [ ! -f "$vimfiles/pack/dist-bundle/opt/ale/plugin/ale.vim" ]; then
	skip "Vim with ALE: ALE is not installed (apt-get install vim-ale)"
else
	(cd "$tmp/nvim" && VIMFILES=$vimfiles BFPLAN=$bfplan OUT=$tmp/ale.out PLAN=$tmp/nvim/mistake.plan \
		timeout 60 vim --not-a-term -N -u NONE -i NONE -n -S "$top/$here/ale_test.vim" </dev/null >/dev/null 2>&1)
	echo "22:9: E unknown step 'paus' [BFP204]" >"$tmp/ale.want"
	if cmp -s "$tmp/ale.out" "$tmp/ale.want"; then
		pass "Vim with ALE: the diagnostic of a misspelt step, in ALE's location list"
	else
		cat "$tmp/ale.out" 2>/dev/null
		fail "Vim with ALE: the diagnostic of a misspelt step, in ALE's location list"
	fi
fi

# ---- 4. VS Code -----------------------------------------------------------------------------

if ! command -v node >/dev/null 2>&1; then
	skip "VS Code extension: node is not installed (apt-get install nodejs)"
elif NODE_PATH=$top/$here/vscode-stubs node "$here/vscode_test.js" "$bfplan" "$top/$here/plans" \
	>"$tmp/vscode.out" 2>&1; then
	pass "VS Code extension: package.json, activate() and the server it starts"
else
	grep -v '^ok' "$tmp/vscode.out"
	fail "VS Code extension: package.json, activate() and the server it starts"
fi

# ---- the command line -----------------------------------------------------------------------

run lsp --socket </dev/null
if [ "$status" -eq 2 ] && grep -q "unknown option '--socket'" "$tmp/err"; then
	pass "lsp refuses an option it does not take (exit 2)"
else
	fail "lsp refuses an option it does not take (status $status)"
fi
run lsp --stdio -I "$here/plans" </dev/null
if [ "$status" -eq 1 ] && [ ! -s "$tmp/out" ]; then
	pass "lsp with its input closed before shutdown ends with status 1, writing nothing"
else
	fail "lsp with its input closed before shutdown (status $status)"
fi

finish
