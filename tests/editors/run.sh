#!/bin/sh
# tests/editors/run.sh - the files around bfplan: editors, shell completion,
# pre-commit hooks, the GitHub workflow, the man page and `make install`.
#
# usage: sh tests/editors/run.sh path/to/bfplan
#
# 1. Vim (editors/vim), in batch mode (vim -es): filetype detection, the
#    filetype plugin, syntax groups at chosen places, and the compiler
#    file's errorformat reading the text form into the quickfix list, then
#    :make on a broken file (tests/editors/vim_test.vim).
# 2. VS Code (editors/vscode): the TextMate grammar run with Oniguruma
#    over the examples and the standard library, the tokens of a sample,
#    the language configuration and the problem matcher
#    (tests/editors/textmate.py).
# 3. Bash completion (completion/bfplan): COMP_WORDS simulated in bash.
# 4. .pre-commit-hooks.yaml with pre-commit's own try-repo, offline.
# 5. docs/github-workflow.yml: its bfplan steps run on a clean and a broken
#    plan, and the SARIF it writes parses; its bfplan diff step runs in a
#    git repository with a base branch, and the comment it posts is read.
# 6. The man page names every command and option of `bfplan --help`.
# 7. `make install DESTDIR=...` puts everything in place, and bash-completion
#    finds the installed completion.
#
# A tool that is absent (vim, pre-commit, bash-completion, libonig5) makes
# its part say SKIP with the reason.  Ends with "editors: N passed, M
# failed"; exits non-zero on a failure.

[ $# -eq 1 ] || { echo "usage: sh tests/editors/run.sh path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
bindir=$(dirname "$bfplan")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
here=tests/editors
python=/usr/bin/python3
suite=editors
. tests/lib.sh

# plans of the tests' own: one clean and fmt-clean, one with an error, one messy
mkdir -p "$tmp/plans"
cat >"$tmp/good.plan" <<'EOF'
# good.plan - checks clean and is in the layout of bfplan fmt
use "windows/os"

cluster files01 "File server cluster" {
    os windows-2008
    nodes FSNODE1, FSNODE2  # two nodes
}
EOF
printf 'os windows-2008 = "Windows Server 2008"\n' >"$tmp/bad.plan"
sed 's/^    nodes/  nodes/' "$tmp/good.plan" >"$tmp/messy.plan"

# ---- 1. Vim ---------------------------------------------------------------------------

if command -v vim >/dev/null 2>&1; then
	(cd tests/formats/cases && "$bfplan" check three-problems.plan 2>"$tmp/three.txt")
	cp "$tmp/bad.plan" "$tmp/broken.plan"
	rm -f "$tmp/vim.out"
	PATH=$bindir:$PATH vim -Nu NONE -i NONE -es --cmd 'set rtp^=editors/vim' \
		-c "let g:sample = 'examples/exchange2007-windows2008.plan'" \
		-c "let g:continued = 'examples/file-server-4node.plan'" \
		-c "let g:diagnostics = '$tmp/three.txt' | let g:broken = '$tmp/broken.plan'" \
		-c "let g:out = '$tmp/vim.out'" \
		-c "let g:messy = '$tmp/messy.plan' | let g:good = '$tmp/good.plan'" \
		-S $here/vim_test.vim >"$tmp/vim.log" 2>&1 </dev/null
	if [ "$(cat "$tmp/vim.out" 2>/dev/null)" = ok ]; then
		pass "vim: filetype, plugin, syntax, errorformat, :make and gq"
	else
		fail "vim: filetype, plugin, syntax, errorformat, :make and gq"
		sed 's/^/    /' "$tmp/vim.out" "$tmp/vim.log" 2>/dev/null | head -n 20
	fi
else
	skip "vim: vim is not installed (apt-get install vim)"
fi

# ---- 2. VS Code -------------------------------------------------------------------------

if [ -x "$python" ]; then
	cat tests/golden/*.err >"$tmp/golden.txt"
	"$python" $here/textmate.py $here/sample.tokens $here/sample.plan "$tmp/golden.txt" \
		examples/*.plan $(find stdlib -name '*.plan' | LC_ALL=C sort) >"$tmp/vscode.log" 2>&1
	rc=$?
	sed 's/^/    /' "$tmp/vscode.log"
	if [ "$rc" -eq 0 ]; then
		pass "vscode: the grammar, language configuration and problem matcher"
	else
		fail "vscode: the grammar, language configuration and problem matcher"
	fi
else
	skip "vscode: $python is absent"
fi

# ---- 3. bash completion -------------------------------------------------------------------

# complete WORD... : what the completion offers for a command line ending in the last word
complete_words() {
	(cd "$tmp/plans" && bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_bfplan
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "' _ "$top/completion/bfplan" "$@")
}

# expect_completion "WORD..." "WANTED": a line that ends in a blank completes an empty word
expect_completion() {
	case $1 in
	*" ") set -- "$1" "$2" "" ;;
	*) set -- "$1" "$2" ;;
	esac
	# shellcheck disable=SC2086
	got=$(complete_words $1 ${3+"$3"})
	if [ "$got" = "$2" ]; then
		pass "completion of '$1'"
	else
		fail "completion of '$1': got '$got', want '$2'"
	fi
}

if command -v bash >/dev/null 2>&1; then
	cp "$tmp/good.plan" "$tmp/plans/good.plan"
	cp "$tmp/bad.plan" "$tmp/plans/bad.plan"
	: >"$tmp/plans/notes.txt"
	mkdir -p "$tmp/plans/sub"
	if bash -c 'source "$1"; complete -p bfplan' _ completion/bfplan | grep -q -- '-F _bfplan bfplan$'; then
		pass "completion: complete -p bfplan"
	else
		fail "completion: complete -p bfplan"
	fi
	expect_completion "$bfplan " "--help --version build check diff explain fmt graph import init lsp run simulate "
	expect_completion "$bfplan simulate --f" "--faults= --format= "
	expect_completion "$bfplan simulate --format = " "json text "
	expect_completion "$bfplan ch" "check "
	expect_completion "$bfplan check --f" "--fix --format= "
	expect_completion "$bfplan check --format = " "github json sarif text "
	expect_completion "$bfplan check --format = s" "sarif "
	expect_completion "$bfplan fmt --color = n" "never "
	expect_completion "$bfplan build --components = " "full reference "
	expect_completion "$bfplan fmt --" "--allow-outside --check --color= --diff --format= --help --stdin-filename= "
	expect_completion "$bfplan build -M" "-MD -MF -MP -MT "
	expect_completion "$bfplan check " "bad.plan good.plan sub "
	expect_completion "$bfplan check g" "good.plan "
	expect_completion "$bfplan build -o " "sub "
	expect_completion "$bfplan graph -o g" "good.plan "
	expect_completion "$bfplan diff --format = " "json text "
	expect_completion "$bfplan import --" "--allow-outside --allow= --color= --deny= --help --id= --quiet --site= --werror "
	expect_completion "$bfplan check --al" "--allow-outside --allow= "
	expect_completion "$bfplan build --q" "--quiet "
	expect_completion "$bfplan build --emit = bes,c" "bes,checklist "
	expect_completion "$bfplan check -I " "sub "
	expect_completion "$bfplan explain BFP10" "BFP101 BFP102 BFP103 BFP104 BFP105 BFP106 BFP107 BFP108 BFP109 "
	expect_completion "$bfplan explain BFP50" "BFP501 BFP502 BFP503 "
	expect_completion "$bfplan explain --" "--list "
	count=$(complete_words "$bfplan" explain "" | wc -w)
	codes=$(grep -c '^X(BFP' compiler/diag/codes.def)
	if [ "$count" -eq $((codes + 1)) ]; then
		pass "completion: every diagnostic code after explain ($codes)"
	else
		fail "completion: $count words after explain for $codes codes"
	fi
else
	skip "completion: bash is not installed"
fi

# ---- 4. pre-commit --------------------------------------------------------------------------

# hook ID FILE: runs one hook of this repository's .pre-commit-hooks.yaml on FILE, offline
hook() {
	(cd "$tmp/project" && PRE_COMMIT_HOME=$tmp/pre-commit-home PATH=$bindir:$PATH \
		pre-commit try-repo "$tmp/hooks" "$1" --files "$2" >"$tmp/hook.log" 2>&1)
}

if command -v pre-commit >/dev/null 2>&1 && command -v git >/dev/null 2>&1; then
	mkdir -p "$tmp/hooks" "$tmp/project"
	cp .pre-commit-hooks.yaml "$tmp/hooks/"
	git -C "$tmp/hooks" init -q &&
		git -C "$tmp/hooks" add .pre-commit-hooks.yaml &&
		git -C "$tmp/hooks" -c user.name=test -c user.email=test@example.invalid commit -q -m hooks
	git -C "$tmp/project" init -q
	cp "$tmp/good.plan" "$tmp/bad.plan" "$tmp/messy.plan" "$tmp/project/"
	git -C "$tmp/project" add .
	if hook bfplan-check good.plan; then pass "pre-commit: bfplan-check passes a clean plan"
	else fail "pre-commit: bfplan-check passes a clean plan"; sed 's/^/    /' "$tmp/hook.log"; fi
	if ! hook bfplan-check bad.plan && grep -q 'BFP102' "$tmp/hook.log"; then
		pass "pre-commit: bfplan-check fails on an error and shows it"
	else
		fail "pre-commit: bfplan-check fails on an error and shows it"; sed 's/^/    /' "$tmp/hook.log"
	fi
	if ! hook bfplan-fmt messy.plan && grep -q 'BFP501' "$tmp/hook.log" &&
		cmp -s "$tmp/project/messy.plan" "$tmp/good.plan"; then
		pass "pre-commit: bfplan-fmt rewrites an unformatted plan and fails"
	else
		fail "pre-commit: bfplan-fmt rewrites an unformatted plan and fails"; sed 's/^/    /' "$tmp/hook.log"
	fi
	if hook bfplan-fmt good.plan; then pass "pre-commit: bfplan-fmt passes a formatted plan"
	else fail "pre-commit: bfplan-fmt passes a formatted plan"; sed 's/^/    /' "$tmp/hook.log"; fi
	# a library file that checks clean alone but breaks a plan that uses it: the hook fails on the plan
	cat >"$tmp/project/cluster-lib.plan" <<'EOF'
use "windows/os"

cluster files01 "File server cluster" {
    os windows-2008
    nodes FSNODE1, FSNODE2
}
EOF
	cat >"$tmp/project/user.plan" <<'EOF'
use "bigfix/sites"
use "bigfix/server-automation"
use "cluster-lib"

baseline fs-nov-2026 "2026-11 updates" {
    fixlet 900201 site patches-for-windows
    restart
}

plan patch-files01 "Patch the file servers" {
    cluster files01
    order passive-first
    max-down 1
    window 14h
    timeout patch 1h30m
    require control-scripts
    each node {
        pause
        move-groups
        patch fs-nov-2026
        resume
    }
}
EOF
	git -C "$tmp/project" add .
	if "$bfplan" check "$tmp/project/cluster-lib.plan" >/dev/null 2>&1 && ! hook bfplan-check cluster-lib.plan &&
		grep -q '^user.plan:.*\[BFP313\]' "$tmp/hook.log"; then
		pass "pre-commit: bfplan-check fails on a plan that a staged library file breaks"
	else
		fail "pre-commit: bfplan-check fails on a plan that a staged library file breaks"
		sed 's/^/    /' "$tmp/hook.log"
	fi
else
	skip "pre-commit: pre-commit or git is not installed (apt-get install pre-commit)"
fi

# ---- 5. the GitHub workflow's bfplan steps ------------------------------------------------------

# workflow_steps: "NAME<TAB>COMMAND" for each step that runs bfplan (not the install step)
workflow_steps() {
	"$python" - docs/github-workflow.yml <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
print("PLANS\t" + doc["env"]["PLANS"])
for job in doc["jobs"].values():
    for step in job["steps"]:
        run = step.get("run", "")
        if "bfplan " in run and "make" not in run and "bfplan diff" not in run:
            print(step["name"] + "\t" + " ".join(run.split()))
EOF
}

# diff_step: the script of the step that runs bfplan diff, as written
diff_step() {
	"$python" - docs/github-workflow.yml "${1:-bfplan diff}" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for job in doc["jobs"].values():
    for step in job["steps"]:
        if sys.argv[2] in step.get("run", ""):
            sys.stdout.write(step["run"])
EOF
}

# no_token_for_bfplan: no step that runs bfplan has a token or a secret in its environment (nor
# the job or the workflow), and a step that has one runs gh and nothing of the pull request's
no_token_for_bfplan() {
	"$python" - docs/github-workflow.yml <<'EOF'
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
secret = re.compile(r"token|secret|password|key", re.I)
def leaks(env):
    return [k for k, v in (env or {}).items() if secret.search(k) or secret.search(str(v))]
bad = leaks(doc.get("env"))
for job in doc["jobs"].values():
    bad += leaks(job.get("env"))
    for step in job["steps"]:
        run = step.get("run", "")
        code = re.sub(r"'[^'\n]*'", "''", run)  # what runs, not the text of quoted words
        runs_bfplan = re.search(r"(^|[\s;&|(])bfplan (check|build|graph|diff|fmt|import)", code)
        if runs_bfplan:
            bad += [step["name"] + ": " + k for k in leaks(step.get("env"))]
        if leaks(step.get("env")) and (runs_bfplan or "$PLANS" in code or re.search(r"(^|\s)git ", code)):
            bad.append(step["name"] + " has the token and runs more than gh")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}

# The diff step in a pull request of a real git repository: a base branch on an
# "origin", a change that moves the role holder, a new plan file, a renamed one,
# a removed one, and a server name holding runs of backticks (untrusted text that
# must stay inside its code block); `gh` is a stand-in that keeps the comments of
# the pull request as files, as `gh pr comment` and `gh api` would on GitHub.  The
# step runs twice, as for two pushes: the second updates the first's comment.
workflow_diff_step() {
	if ! command -v git >/dev/null 2>&1; then
		skip "workflow: the bfplan diff step needs git (apt-get install git)"
		return
	fi
	diff_step >"$tmp/diff-step.sh"
	diff_step 'gh pr comment' >"$tmp/comment-step.sh"
	w=$tmp/wf
	rm -rf "$w"
	mkdir -p "$w/bin" "$w/runner" "$w/comments"
	cat >"$w/bin/gh" <<'EOF'
#!/bin/sh
# gh pr comment N --body-file F | gh api repos/{owner}/{repo}/issues/N/comments --paginate --jq Q
# | gh api -X PATCH repos/{owner}/{repo}/issues/comments/ID -F body=@F
c=$GH_COMMENTS
case "$1 $2 $4" in
"pr comment --body-file")
	echo "$3" >"$c.number"
	cp "$5" "$c/$(($(ls "$c" | wc -l) + 1))" ;;
*)
	if [ "$1 $2 $3" = "api -X PATCH" ]; then
		[ -f "$c/${4##*/}" ] && cp "${6#body=@}" "$c/${4##*/}"
	elif [ "$1" = api ]; then
		for f in "$c"/*; do [ -f "$f" ] && head -n 1 "$f" | grep -q '^<!-- bfplan diff -->$' && basename "$f"; done
	else
		exit 2
	fi ;;
esac
exit 0
EOF
	chmod +x "$w/bin/gh"
	git init -q --bare "$w/origin.git"
	git init -q -b main "$w/repo"
	mkdir -p "$w/repo/plans"
	sed -e 's/"EXCMS01"/"EX```CMS01````"/' \
		examples/exchange2007-windows2008.plan >"$w/repo/plans/exch.plan"
	cp "$tmp/good.plan" "$w/repo/plans/same.plan"
	cp examples/file-server-4node.plan "$w/repo/plans/old-name.plan"
	cp examples/file-server-5node.plan "$w/repo/plans/gone.plan"
	(cd "$w/repo" && git add plans && git -c user.name=t -c user.email=t@example.invalid commit -qm base &&
		git remote add origin "$w/origin.git" && git push -q origin main) 2>"$w/git.err"
	(cd "$w/repo" && git checkout -q -b change &&
		sed -i 's/^    cluster exch2008$/    cluster exch2008\n    active EXNODE1/' plans/exch.plan &&
		cp "$tmp/good.plan" plans/new.plan && git mv plans/old-name.plan plans/new-name.plan &&
		git rm -q plans/gone.plan && git add plans &&
		cp "$tmp/good.plan" "plans/x
### Approved by @security-team [click](mailto:x@example.invalid)
<details>\`\`\`\`.plan" && git add plans &&
		git -c user.name=t -c user.email=t@example.invalid commit -qm change) 2>>"$w/git.err"
	grep -q 'active EXNODE1' "$w/repo/plans/exch.plan" || echo "sed did not add the active line" >>"$w/git.err"
	for push in 1 2; do
		rm -f "$w/summary"
		# the two steps in turn, as the runner runs them: the one that runs bfplan has no token
		(cd "$w/repo" && env -u GH_TOKEN -u GITHUB_TOKEN PLANS='plans/*.plan' BASE_REF=main RUNNER_TEMP=$w/runner \
			GITHUB_STEP_SUMMARY=$w/summary PATH=$w/bin:$bindir:$PATH bash -e "$tmp/diff-step.sh" &&
			PR_NUMBER=7 GH_TOKEN=x GH_COMMENTS=$w/comments PATH=$w/bin:$PATH \
			bash -e "$tmp/comment-step.sh") >"$w/step.out" 2>&1
		status=$?
	done
	body=$w/comments/1
	if [ $status = 0 ] && [ -s "$body" ] && [ "$(ls "$w/comments" | wc -l)" = 1 ] &&
	   [ "$(cat "$w/comments.number")" = 7 ] && cmp -s "$body" "$w/summary" &&
	   grep -q '^plans/exch.plan$' "$body" && grep -q 'role holder' "$body" &&
	   grep -q '^plans/new.plan$' "$body" && grep -q '^#### A new plan file$' "$body" &&
	   grep -q '^plans/old-name.plan → plans/new-name.plan$' "$body" && grep -q '^#### A renamed plan file' "$body" &&
	   grep -q '^plans/gone.plan$' "$body" && grep -q '^#### A removed plan file$' "$body" &&
	   grep -q -- '- plan: cluster files02' "$body" &&
	   grep -q ' steps removed\|plan removed' "$body" &&
	   ! grep -q 'plans/same.plan' "$body" && [ ! -e "$w/runner/base" ]; then
		pass "workflow: the diff step comments each changed, new, renamed and removed plan, in one comment per pull request"
	else
		fail "workflow: the bfplan diff step (exit $status, $(ls "$w/comments" | wc -l) comments)"
		sed 's/^/    /' "$w/git.err" "$w/step.out" | head -20
		[ -f "$body" ] && sed "s/^/    body: /" "$body" | tail -25
	fi
	# a fence of more backticks than the text holds: every line between the fences is the diff's
	if [ -f "$body" ] && "$python" - "$body" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^plans/exch.plan\n`{3,}\n\n#### bfplan diff\n\n(`{3,})\n(.*?)^\1\n", text, re.S | re.M)
inner = m.group(2) if m else ""
longest = max((len(r) for r in re.findall(r"`+", inner)), default=0)
sys.exit(0 if m and "EX```CMS01````" in inner and len(m.group(1)) > longest else 1)
EOF
	then
		pass "workflow: plan text with backticks stays inside the comment's code block"
	else
		fail "workflow: plan text with backticks escapes the comment's code block"
	fi
	# every line outside the fenced blocks is one the workflow writes itself; the file name is inside one
	if [ -f "$body" ] && "$python" - "$body" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
fence, outside, inside = None, [], []
for line in text.split("\n"):
    if fence is None:
        m = re.match(r"^(`{3,})$", line)
        if m:
            fence = m.group(1)
        else:
            outside.append(line)
    elif line == fence:
        fence = None
    else:
        inside.append(line)
ours = re.compile(r"^(|<!-- bfplan diff -->|### What changes in the change window|#### .*)$")
headings = [l for l in outside if l.startswith("#### ")]
ok = fence is None and all(ours.match(l) for l in outside) and \
    all("Approved" not in l and "@" not in l for l in headings) and \
    "### Approved by @security-team [click](mailto:x@example.invalid)" in inside
sys.exit(0 if ok else 1)
EOF
	then
		pass "workflow: a file name with a newline, a heading, a mention, a link and <details> stays inside a fence"
	else
		fail "workflow: a file name reaches the comment outside a fence"
		[ -f "$body" ] && sed "s/^/    body: /" "$body" | head -40
	fi
}

if [ -x "$python" ] && "$python" -c 'import yaml' 2>/dev/null; then
	if workflow_steps >"$tmp/steps" 2>"$tmp/steps.err"; then
		pass "workflow: docs/github-workflow.yml parses"
	else
		fail "workflow: docs/github-workflow.yml parses"; sed 's/^/    /' "$tmp/steps.err"
	fi
	plans=$(sed -n 's/^PLANS\t//p' "$tmp/steps")
	if no_token_for_bfplan >"$tmp/token.out" 2>&1; then
		pass "workflow: bfplan runs with no token in its environment; only gh gets it"
	else
		fail "workflow: a token reaches bfplan"; sed 's/^/    /' "$tmp/token.out"
	fi
	grep -q 'security-events: write' docs/github-workflow.yml &&
		grep -q 'github/codeql-action/upload-sarif' docs/github-workflow.yml &&
		grep -q 'pull-requests: write' docs/github-workflow.yml &&
		pass "workflow: SARIF upload and the pull-request comment, with their permissions" ||
		fail "workflow: SARIF upload and the pull-request comment, with their permissions"
	for case in clean broken; do
		rm -rf "$tmp/repo"
		mkdir -p "$tmp/repo/plans"
		cp "$tmp/good.plan" "$tmp/repo/plans/"
		[ "$case" = broken ] && cp "$tmp/bad.plan" "$tmp/messy.plan" "$tmp/repo/plans/"
		grep -v '^PLANS' "$tmp/steps" | while IFS='	' read -r name command; do
			(cd "$tmp/repo" && PLANS=$plans PATH=$bindir:$PATH sh -c "$command" >"$tmp/step.out" 2>&1)
			echo "$name=$?"
		done >"$tmp/statuses"
		if [ "$case" = clean ]; then
			want="Check the plans=0 Check the layout=0 Write SARIF=0"
		else
			want="Check the plans=1 Check the layout=1 Write SARIF=0"
		fi
		got=$(tr '\n' ' ' <"$tmp/statuses" | sed 's/ $//')
		if [ "$got" = "$want" ] && "$python" -c 'import json,sys; json.load(open(sys.argv[1]))' \
			"$tmp/repo/bfplan.sarif" 2>/dev/null; then
			pass "workflow: its bfplan steps on $case plans ($got)"
		else
			fail "workflow: its bfplan steps on $case plans: got '$got', want '$want'"
		fi
	done
	workflow_diff_step
else
	skip "workflow: python3-yaml is not installed"
fi

# ---- 5b. one version: the binary's, the man page's, the pre-commit docs' ---------------------------

version=$("$bfplan" --version | sed -n 's/^bfplan \([0-9][0-9.]*\)$/\1/p')
man_version=$(sed -n '1s/^\.TH BFPLAN 1 "[^"]*" "bfplan \([^"]*\)".*/\1/p' docs/bfplan.1)
rev=$(sed -n 's/^ *rev: v\([0-9.]*\)$/\1/p' docs/ci.md | sort -u)
if [ -n "$version" ] && [ "$version" = "$man_version" ] && [ "$version" = "$rev" ]; then
	pass "one version: bfplan --version, the man page and the pre-commit docs say $version"
else
	fail "versions differ: --version '$version', man page '$man_version', docs/ci.md rev '$rev'"
fi

# ---- 6. the man page --------------------------------------------------------------------------------

sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\c$//' docs/bfplan.1 >"$tmp/man.txt"
missing=
# every command and every option of every command, as the binary's own tables list them
"$bfplan" --list-commands >"$tmp/commands.txt"
for command in $(cat "$tmp/commands.txt"); do
	"$bfplan" --list-options="$command" | cut -f1 >>"$tmp/options.txt"
done
for word in $(cat "$tmp/commands.txt") --version --list-commands --list-options $(sort -u "$tmp/options.txt"); do
	grep -q -F -e "$word" "$tmp/man.txt" || missing="$missing $word"
done
[ "$(wc -l <"$tmp/commands.txt")" -ge 7 ] || missing="$missing (bfplan --list-commands lists too few commands)"
if [ -z "$missing" ]; then
	pass "the man page names every command and option the binary lists"
else
	fail "the man page lacks:$missing"
fi
if command -v man >/dev/null 2>&1 && man -l docs/bfplan.1 >/dev/null 2>"$tmp/man.err" && [ ! -s "$tmp/man.err" ]; then
	pass "man -l docs/bfplan.1 renders without a warning"
elif command -v man >/dev/null 2>&1; then
	fail "man -l docs/bfplan.1: $(head -n 3 "$tmp/man.err")"
else
	skip "man is not installed: the page is not rendered"
fi

# ---- 7. make install ----------------------------------------------------------------------------------

dest=$tmp/root
build=$(dirname "$bfplan" | sed "s|^$top/||")
if make --no-print-directory -s -o all install DESTDIR="$dest" PREFIX=/usr/local BUILD="$build" \
	>"$tmp/install.log" 2>&1; then
	missing=
	vimfiles=
	for d in syntax ftdetect compiler ftplugin autoload; do
		vimfiles="$vimfiles ../share/vim/vimfiles/$d/bfplan.vim share/nvim/site/$d/bfplan.vim"
	done
	for f in bin/bfplan share/man/man1/bfplan.1 share/bash-completion/completions/bfplan $vimfiles \
		share/bfplan/vscode/package.json share/bfplan/vscode/syntaxes/bfplan.tmLanguage.json \
		share/bfplan/vscode/language-configuration.json share/doc/bfplan/ci.md \
		share/doc/bfplan/LICENSE share/doc/bfplan/NOTICE \
		share/bfplan/stdlib/windows/os.plan $(cd docs && ls *.md | sed 's|^|share/doc/bfplan/|'); do
		[ -f "$dest/usr/local/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && pass "make install puts every file in place" || fail "make install lacks:$missing"
	# the installed binary finds its installed standard library
	if "$dest/usr/local/bin/bfplan" check "$tmp/good.plan" >/dev/null 2>&1; then
		pass "the installed bfplan checks a plan with its installed stdlib"
	else
		fail "the installed bfplan checks a plan with its installed stdlib"
	fi
	# run through a symbolic link elsewhere (pre-commit, ~/bin), by its path and from PATH
	mkdir -p "$tmp/links"
	ln -s "$dest/usr/local/bin/bfplan" "$tmp/links/bfplan"
	if "$tmp/links/bfplan" check "$tmp/good.plan" >/dev/null 2>&1 &&
		PATH="$tmp/links:$PATH" bfplan check "$tmp/good.plan" >/dev/null 2>&1; then
		pass "a symbolic link to the installed bfplan finds its stdlib"
	else
		fail "a symbolic link to the installed bfplan finds its stdlib"
	fi
	# a binary with no stdlib beside it says where it looked (two levels down in $tmp, as
	# bfplan also looks in ../../stdlib, which would be a shared /tmp/stdlib otherwise)
	mkdir -p "$tmp/alone/bin"
	cp "$dest/usr/local/bin/bfplan" "$tmp/alone/bin/alone"
	"$tmp/alone/bin/alone" check "$tmp/good.plan" >/dev/null 2>"$tmp/alone.err"
	if grep -q "no standard library was found: bfplan looked in '[^']*/share/bfplan/stdlib'" "$tmp/alone.err" &&
		grep -q '\[BFP201\]' "$tmp/alone.err"; then
		pass "BFP201 says where bfplan looked for its stdlib"
	else
		fail "BFP201 says where bfplan looked for its stdlib"
		sed 's/^/    /' "$tmp/alone.err" | head -n 8
	fi
	# Debian's Vim reads the directory the Vim files went to
	vimdir=$(make --no-print-directory -s --eval 'print-vimdir: ; @echo $(VIMDIR)' print-vimdir)
	if ! command -v vim >/dev/null 2>&1; then
		skip "vim is not installed: its runtimepath is not compared with VIMDIR"
	elif vim -Nu NONE -i NONE -es '+redir>>/dev/stdout' '+echo &rtp' '+q' 2>/dev/null | tr , '\n' |
		grep -qx "$vimdir"; then
		pass "Vim's runtimepath holds VIMDIR ($vimdir)"
	else
		fail "Vim's runtimepath lacks VIMDIR ($vimdir)"
	fi
else
	fail "make install"
	sed 's/^/    /' "$tmp/install.log" | head -n 10
fi
if [ -f /usr/share/bash-completion/bash_completion ]; then
	got=$(XDG_DATA_DIRS=$dest/usr/local/share bash -c '
		source /usr/share/bash-completion/bash_completion
		__load_completion bfplan && complete -p bfplan' 2>/dev/null)
	case $got in
	*"-F _bfplan bfplan") pass "bash-completion loads the installed completion on demand" ;;
	*) fail "bash-completion loads the installed completion on demand (got '$got')" ;;
	esac
else
	skip "bash-completion is not installed: on-demand loading not tried (apt-get install bash-completion)"
fi

# make demo prints each command it runs; each line, copied into a shell, runs as it did
if make --no-print-directory -s -o all demo BUILD="$build" >"$tmp/demo.log" 2>&1; then
	grep "^$build/bfplan " "$tmp/demo.log" >"$tmp/demo.commands"
	bad=
	while IFS= read -r line; do
		sh -c "$line" >/dev/null 2>&1 </dev/null || bad="$bad [$line]"
	done <"$tmp/demo.commands"
	if [ -s "$tmp/demo.commands" ] && [ -z "$bad" ] && grep -q -- ' --site-url ' "$tmp/demo.commands"; then
		pass "make demo: every command it prints runs when copied ($(wc -l <"$tmp/demo.commands") commands)"
	else
		fail "make demo: printed commands that fail when copied:$bad"
	fi
else
	fail "make demo"
	sed 's/^/    /' "$tmp/demo.log" | tail -n 10
fi

if [ -d "$dest/usr/local" ]; then
	# make uninstall takes away every file make install put in place, and bfplan's own directories
	mkdir -p "$dest/usr/share/vim/vimfiles/syntax"
	: >"$dest/usr/share/vim/vimfiles/syntax/other.vim"
	if make --no-print-directory -s uninstall DESTDIR="$dest" PREFIX=/usr/local BUILD="$build" \
		>"$tmp/uninstall.log" 2>&1; then
		left=$(cd "$dest" && find . -type f | LC_ALL=C sort | tr '\n' ' ')
		if [ "$left" = "./usr/share/vim/vimfiles/syntax/other.vim " ] &&
			[ ! -d "$dest/usr/local/share/bfplan" ] && [ ! -d "$dest/usr/local/share/doc/bfplan" ]; then
			pass "make uninstall removes what make install put in place, and only that"
		else
			fail "make uninstall leaves: $left"
		fi
	else
		fail "make uninstall"
		sed 's/^/    /' "$tmp/uninstall.log" | head -n 10
	fi
fi

finish
