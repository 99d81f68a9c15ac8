#!/bin/sh
# tests/cli/run.sh - the command line of bfplan: exit statuses, where output
# goes, and hostile input.
#
# usage: sh tests/cli/run.sh path/to/bfplan
#
# Exit statuses under test: 0 clean, 1 errors in the input, 2 usage or I/O.
# Prints PASS/FAIL/SKIP per check, a few measurements, and ends with
# "cli: N passed, M failed"; exits non-zero when a check fails.

if [ $# -ne 1 ]; then
	echo "usage: sh tests/cli/run.sh path/to/bfplan" >&2
	exit 2
fi
bfplan=$1
case $bfplan in
/*) ;;
*) bfplan=$(pwd)/$bfplan ;;
esac
if [ ! -x "$bfplan" ]; then
	echo "cli: cannot run '$bfplan'" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
codes_def=$root/compiler/diag/codes.def

unset BFPLAN_PATH
NO_COLOR=1
LC_ALL=C
export NO_COLOR LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-cli.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM
cd "$tmp" || exit 2

passed=0
failed=0

pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}

# fail NAME WHY: shows what the last run printed
fail() {
	echo "FAIL $1: $2"
	for f in out err; do
		if [ -s "$tmp/$f" ]; then
			echo "    --- std$f:"
			head -n 12 "$tmp/$f" | cut -c1-200 | sed 's/^/    /'
		fi
	done
	failed=$((failed + 1))
}

skip() {
	echo "SKIP $1: $2"
}

# run ARG... : runs bfplan with stdin from /dev/null unless redirected by the caller
run() {
	"$bfplan" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# expect NAME STATUS [CHECK]... : the last run's exit status, then checks on
# its output: "out TEXT" or "err TEXT" (the stream holds TEXT, a fixed
# string), "-out TEXT" or "-err TEXT" (the stream does not hold TEXT), "!out"
# or "!err" (the stream is empty), "=out LINE" (standard output is that one
# line and nothing else).
expect() {
	name=$1
	want=$2
	shift 2
	if [ "$status" -ne "$want" ]; then
		fail "$name" "exit status $status, expected $want"
		return
	fi
	while [ $# -gt 0 ]; do
		case $1 in
		!out | !err)
			stream=${1#!}
			shift
			if [ -s "$tmp/$stream" ]; then
				fail "$name" "std$stream should be empty"
				return
			fi
			;;
		=out)
			if [ "$(cat "$tmp/out")" != "$2" ] || [ "$(wc -l <"$tmp/out")" -ne 1 ]; then
				fail "$name" "stdout is not just '$2'"
				return
			fi
			shift 2
			;;
		-out | -err)
			if grep -F -q -e "$2" "$tmp/${1#-}"; then
				fail "$name" "std${1#-} holds '$2'"
				return
			fi
			shift 2
			;;
		out | err)
			if ! grep -F -q -e "$2" "$tmp/$1"; then
				fail "$name" "std$1 lacks '$2'"
				return
			fi
			shift 2
			;;
		*)
			echo "cli: bad check '$1' in '$name'" >&2
			exit 2
			;;
		esac
	done
	pass "$name"
}

# Milliseconds since the epoch where date(1) knows %N (GNU), else whole seconds.
now_ms() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	'' | *[!0-9]*)
		t=$(date +%s 2>/dev/null)
		case $t in
		'' | *[!0-9]*) echo "" ;;
		*) echo $((t * 1000)) ;;
		esac
		;;
	*) echo $((t / 1000000)) ;;
	esac
}

# n bytes from a fixed linear congruential generator: the same bytes on every
# machine, with every byte value (NUL included) represented.
pseudo_random_bytes() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		for (i = 0; i < 256; i++)
			chr[i] = sprintf("%c", i)
		x = seed
		buf = ""
		for (i = 0; i < n; i++) {
			x = (x * 69069 + 1) % 4294967296
			buf = buf chr[int(x / 16777216)]
			if (length(buf) == 4096) {
				printf "%s", buf
				buf = ""
			}
		}
		printf "%s", buf
	}'
}

# n spaces, with a newline every 64 bytes
filler() {
	head -c "$1" /dev/zero | tr '\0' ' ' | fold -w 64
}

cat >clean.plan <<'EOF'
# A small plan that checks clean.
os windows-2008 "Windows Server 2008"

state online "Online" {
    initial
    final
}
EOF
printf 'os windows-2008 = "Windows Server 2008"\n' >error.plan

# ---- help and version -------------------------------------------------------------

run --help </dev/null
expect "--help prints usage on stdout" 0 out "usage: bfplan" out "check" out "explain" !err

run -h </dev/null
expect "-h is --help" 0 out "usage: bfplan" !err

run help </dev/null
expect "help is --help" 0 out "usage: bfplan" !err

run --version </dev/null
expect "--version prints the version on stdout" 0 out "bfplan " !err
if [ "$status" -eq 0 ] && ! grep -q '^bfplan [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$' out; then
	fail "--version format" "expected 'bfplan X.Y.Z', got '$(head -n 1 out)'"
fi

# ---- usage errors (exit 2, message on stderr) ------------------------------------------

run </dev/null
expect "no arguments" 2 err "usage: bfplan" !out

run frobnicate </dev/null
expect "unknown command" 2 err "unknown command 'frobnicate'" !out

run check --frobnicate clean.plan </dev/null
expect "unknown option" 2 err "unknown option '--frobnicate'" !out

run check </dev/null
expect "check without a file" 2 err "no input file" !out

# ---- the command and option tables ----------------------------------------------------

run chek clean.plan </dev/null
expect "a misspelt command is refused, with the closest" 2 err "unknown command 'chek'; did you mean 'check'?" !out

# a command that is not in the table is never run as another one
run simulat clean.plan </dev/null
expect "an unknown command runs nothing" 2 err "unknown command 'simulat'" !out

run check --wrror clean.plan </dev/null
expect "a misspelt option gets the closest" 2 err "unknown option '--wrror'; did you mean '--werror'?" !out

run check --fromat=json clean.plan </dev/null
expect "a misspelt option with its value gets the closest" 2 \
	err "unknown option '--fromat=json'; did you mean '--format'?" !out

run check --format=jsn clean.plan </dev/null
expect "a misspelt option value gets the closest" 2 \
	err "--format takes text, json, sarif or github, not 'jsn'; did you mean 'json'?" !out

run check --color=allways clean.plan </dev/null
expect "a misspelt --color gets the closest, like any other choice" 2 \
	err "--color takes auto, always or never, not 'allways'; did you mean 'always'?" !out

run build --emit=bes,chekclist -o "$tmp/emit" clean.plan </dev/null
expect "a misspelt word of a list option gets the closest" 2 \
	err "not 'bes,chekclist'; did you mean 'checklist'?" !out

run --versoin </dev/null
expect "a misspelt global option gets the closest" 2 err "unknown option '--versoin'; did you mean '--version'?" !out

run check claen.plan </dev/null
expect "a misspelt file name gets the closest file beside it" 2 \
	err "cannot read 'claen.plan'" err "did you mean 'clean.plan'?"

run explain BFP3O2 </dev/null
expect "a code typed with a letter O gets the code" 2 \
	err "no diagnostic is called 'BFP3O2'; did you mean 'BFP302'?" !out

run check --allow=unneded-require clean.plan </dev/null
expect "a misspelt code name given to --allow gets the closest" 2 \
	err "not 'unneded-require'; did you mean 'unneeded-require'?" !out

run check --site-url x=y clean.plan </dev/null
expect "another command's option is named as such" 2 \
	err "unknown option '--site-url' for check: it is an option of build" !out

run build --help </dev/null
expect "build --help is build's own" 0 out "usage: bfplan build [OPTION]... PLAN -o DIR" out "--site-url=NAME=URL" \
	out "-MF FILE" !err
if grep -q -e '--id' -e '--check' "$tmp/out"; then
	fail "build --help" "shows another command's option"
else
	pass "build --help shows only build's options"
fi

run help fmt </dev/null
expect "help COMMAND is COMMAND --help" 0 out "usage: bfplan fmt" out "-w " !err

run help frobnicate </dev/null
expect "help of an unknown command" 2 err "unknown command 'frobnicate'" !out

run --list-commands </dev/null
expect "--list-commands" 0 out "check" out "import" out "explain" !err
[ "$(tr '\n' ' ' <"$tmp/out")" = "check build graph diff fmt import init run simulate explain lsp " ] \
	&& pass "--list-commands lists the table, in order" || fail "--list-commands" "got $(tr '\n' ' ' <"$tmp/out")"

run --list-options=diff </dev/null
expect "--list-options=diff" 0 out "--format	FORM	text json" out "-I	DIR	" !err

run --list-options frobnicate </dev/null
expect "--list-options of an unknown command" 2 err "unknown command 'frobnicate'" !out

run --frobnicate </dev/null
expect "an unknown global option" 2 err "unknown option '--frobnicate'" !out

run explain --list BFP101 </dev/null
expect "explain takes a code or --list, not both" 2 err "explain takes one diagnostic code" !out


run check -I </dev/null
expect "-I without a directory" 2 err "'-I' needs a value" !out

run check --color=sometimes clean.plan </dev/null
expect "--color with a bad value" 2 err "sometimes" !out

run explain </dev/null
expect "explain without a code" 2 err "explain takes one diagnostic code" !out

# ---- files that cannot be read (exit 2, the file named) ---------------------------------

run check no-such-file.plan </dev/null
expect "missing file" 2 err "no-such-file.plan" err "[BFP001]" =out "checked 1 file: 1 error, no warnings"

mkdir a-directory.plan
run build a-directory.plan -o "$tmp/dir-out" </dev/null
expect "directory as build's input" 2 err "a-directory.plan" err "[BFP001]" !out
run check a-directory.plan </dev/null
expect "a directory without plan files" 2 err "no .plan file under the directory 'a-directory.plan'" !out

# a directory: every .plan under it, in byte order of the paths, hidden ones passed over
mkdir -p tree/b tree/a/.git tree/a/sub
printf 'cluster c {\n    nodez A, B\n}\n' >tree/b/one.plan
cp tree/b/one.plan tree/a/sub/two.plan
cp tree/b/one.plan tree/a/three.plan
cp tree/b/one.plan tree/a/.git/hidden.plan
: >tree/a/notes.txt
run check tree </dev/null
order=$(grep -o '^tree/[^:]*' "$tmp/err" | uniq | tr '\n' ' ')
if [ "$status" -eq 1 ] && [ "$order" = "tree/a/sub/two.plan tree/a/three.plan tree/b/one.plan " ]; then
	pass "a directory as input: every .plan under it, sorted, hidden ones passed over"
else
	fail "a directory as input" "status $status, files: $order"
fi

cp clean.plan unreadable.plan
chmod 000 unreadable.plan
if cat unreadable.plan >/dev/null 2>&1; then
	skip "unreadable file" "this user can read a mode-000 file (root?), so the case cannot be built"
else
	run check unreadable.plan </dev/null
	expect "unreadable file" 2 err "unreadable.plan" err "[BFP001]" !out
fi
chmod 644 unreadable.plan

# a clean file, a file with errors and a missing one: the worst status wins
run check clean.plan error.plan no-such-file.plan </dev/null
expect "several files: the worst status" 2 err "error.plan:1:17" err "no-such-file.plan"
run check clean.plan error.plan </dev/null
expect "several files: errors" 1 err "error.plan:1:17: error:" =out "checked 2 files: 1 error, no warnings"
run check --format=json clean.plan error.plan </dev/null
if grep -q "^checked" "$tmp/out"; then
	fail "the count is the text form's" "--format=json prints it"
else
	pass "the count is the text form's: --format=json leaves it out"
fi

# ---- plans ------------------------------------------------------------------------

run check clean.plan </dev/null
expect "clean plan: one line says it was checked" 0 !err =out "checked 1 file: no errors, no warnings"

run check error.plan </dev/null
expect "plan with an error" 1 err "error.plan:1:17: error: stray character '=' [BFP102]" =out "checked 1 file: 1 error, no warnings"

: >empty.plan
run check empty.plan </dev/null
expect "empty file" 0 !err =out "checked 1 file: no errors, no warnings"

printf '\n\n   \n# only a comment' >blank.plan
run check blank.plan </dev/null
expect "only blanks and a comment" 0 !err =out "checked 1 file: no errors, no warnings"

run check - <clean.plan
expect "'-' reads standard input" 0 !err =out "checked 1 file: no errors, no warnings"

run check - <error.plan
expect "standard input is called <stdin>" 1 err "<stdin>:1:17: error:"

run check --stdin-filename=given.plan - <error.plan
expect "--stdin-filename names standard input" 1 err "given.plan:1:17: error:"

run check --color=always error.plan </dev/null
expect "--color=always colors" 1 err "$(printf '\033[')"
run check --color=never error.plan </dev/null
if grep -q "$(printf '\033')" err; then
	fail "--color=never" "escape sequences in the output"
else
	pass "--color=never"
fi

# ---- hostile input --------------------------------------------------------------------

# a plan cut short: in a string, in a block, in a list
printf 'os windows-2008 "Windows Ser' >truncated-string.plan
run check truncated-string.plan </dev/null
expect "file cut in a string" 1 err "[BFP103]"
sed -n '1,5p' clean.plan >truncated-block.plan
run check truncated-block.plan </dev/null
expect "file cut in a block" 1 err "[BFP109]"

# every prefix of a plan: each is a plan with errors or a clean one, never a crash
{
	cat clean.plan
	printf 'cluster c "C" {\n    nodes A, B,\n          C\n    role r "\\u{E9}\\t"\n}\n'
} >whole.plan
size=$(wc -c <whole.plan)
bad=
i=0
while [ "$i" -le "$size" ]; do
	head -c "$i" whole.plan >prefix.plan
	"$bfplan" check prefix.plan >/dev/null 2>&1
	s=$?
	if [ "$s" -ne 0 ] && [ "$s" -ne 1 ]; then
		bad="$bad $i:$s"
	fi
	i=$((i + 1))
done
if [ -z "$bad" ]; then
	pass "every prefix of a plan exits 0 or 1 ($((size + 1)) prefixes)"
else
	fail "every prefix of a plan exits 0 or 1" "length:status$bad"
fi

printf 'os windows-2008 "Windows\000Server"\nos a\000\n' >nul.plan
run check nul.plan </dev/null
expect "NUL bytes" 1 err "[BFP003]"

printf 'os windows-2008 "Windows \351dition"\n' >latin1.plan
run check latin1.plan </dev/null
expect "invalid UTF-8" 1 err "[BFP004]" err "0xE9"

printf 'os windows-2008 "Windows\033[31m"\n' >control.plan
run check control.plan </dev/null
expect "control character" 1 err "[BFP005]"

# the size limit is 8 MiB: exactly that is read, one byte more is refused
limit=8388608
filler "$limit" | head -c "$limit" >at-limit.plan
run check at-limit.plan </dev/null
expect "a file of exactly 8 MiB" 0 !err
{ filler "$limit"; printf 'x'; } | head -c $((limit + 1)) >over-limit.plan
run check over-limit.plan </dev/null
expect "a file over 8 MiB" 1 err "over-limit.plan:1:1: error: file is larger than 8388608 bytes [BFP002]"
run check - <over-limit.plan
expect "standard input over 8 MiB" 1 err "[BFP002]"

# 3 MiB of pseudo-random bytes: reported, capped, and quick
pseudo_random_bytes 3145728 20261124 >random.bin
bytes=$(wc -c <random.bin)
sum=$(cksum <random.bin)
start=$(now_ms)
run check random.bin </dev/null
end=$(now_ms)
expect "3 MiB of random bytes" 1 err "more diagnostics not shown"
if [ -n "$start" ] && [ -n "$end" ]; then
	ms=$((end - start))
	echo "     3 MiB of random bytes ($bytes bytes, cksum ${sum% *}): $ms ms"
	if [ "$ms" -le 1000 ]; then
		pass "random bytes checked within a second"
	else
		fail "random bytes checked within a second" "took $ms ms"
	fi
else
	skip "random bytes checked within a second" "no clock available"
fi

# ---- plans from untrusted pull requests (docs/security.md) ------------------------------

# count_bytes FILE BYTE: how many times the byte (an octal escape for printf) occurs in FILE
count_bytes() {
	tr -dc "$(printf "$2")" <"$1" | wc -c | tr -d ' '
}

# no ESC or BEL from a plan reaches the terminal, wherever the plan puts them
mkdir -p term
{
	printf 'use "\033]0;owned\007"\n'
	printf 'use "\\u{1B}]52;c;c2VjcmV0\\u{7}"\n'
	printf 'os a "raw \033[2J escape and bell \007"\n'
	printf '# a comment \033[31m red \007\n'
	printf 'os b \033[1m "between tokens"\n'
	printf 'os c "escaped \\u{1B}[2J \\u{9B}31m \\u{7}"\n'
	printf 'os d "bidi \342\200\256 and \302\233"\n'
	printf 'cluster \342\200\256x {\n}\n'
} >"term/evil.plan"
cp term/evil.plan "term/name-$(printf '\033')]0;title$(printf '\007').plan"
run check --color=never term/evil.plan "term/name-$(printf '\033')]0;title$(printf '\007').plan" </dev/null
cat out err >term/all
if [ "$status" -ne 1 ]; then
	fail "ESC and BEL from a plan" "exit status $status, expected 1"
elif [ "$(count_bytes term/all '\033')" -ne 0 ] || [ "$(count_bytes term/all '\007')" -ne 0 ]; then
	fail "ESC and BEL from a plan" "$(count_bytes term/all '\033') ESC and $(count_bytes term/all '\007') BEL bytes in the output"
elif ! grep -q 'control character U+001B \[BFP005\]' err || ! grep -q '\\u{1B}' err; then
	fail "ESC and BEL from a plan" "the control characters are not reported, escaped"
else
	pass "no ESC or BEL byte from a plan reaches stdout or stderr (check)"
fi
run build term/evil.plan -o term/out </dev/null
cat out err >term/all
if [ "$status" -ne 1 ]; then
	fail "ESC and BEL from a plan, build" "exit status $status, expected 1"
elif [ "$(count_bytes term/all '\033')" -ne 0 ] || [ "$(count_bytes term/all '\007')" -ne 0 ]; then
	fail "ESC and BEL from a plan, build" "$(count_bytes term/all '\033') ESC and $(count_bytes term/all '\007') BEL bytes in the output"
else
	pass "no ESC or BEL byte from a plan reaches stdout or stderr (build)"
fi

# a plan reads nothing outside its roots: no line of /etc/passwd, no variable's value
mkdir -p pr/plans pr/outside
secret="s3cret-$$-value"
echo "os leaked \"$secret\"" >pr/outside/secret.plan
printf 'use "/etc/passwd"\nuse "/proc/self/environ"\nuse "../outside/secret"\nuse "passwd"\nuse "environ"\nuse "secret"\n' \
	>pr/plans/pull-request.plan
ln -s /etc/passwd pr/plans/passwd.plan
ln -s /proc/self/environ pr/plans/environ.plan
ln -s ../outside/secret.plan pr/plans/secret.plan
BFPLAN_TEST_SECRET=$secret run check pr/plans/pull-request.plan </dev/null
first_user=$(head -n 1 /etc/passwd | cut -d: -f1)
if [ "$status" -ne 1 ]; then
	fail "use confined to the roots" "exit status $status, expected 1"
elif grep -q "$secret" out err || grep -q "^ *[0-9]* | $first_user:" err || grep -q 'BFPLAN_TEST_SECRET=' err; then
	fail "use confined to the roots" "a file outside the roots reached the output"
elif [ "$(grep -c 'BFP212' err)" -ne 6 ]; then
	fail "use confined to the roots" "expected 6 refusals (BFP212), got $(grep -c 'BFP212' err)"
else
	pass "no line of /etc/passwd, no environment variable, no file outside the roots in the output"
fi
# the operator may allow a directory with -I
printf 'use "secret"\n' >pr/plans/allowed.plan
rm pr/plans/secret.plan
run check -I pr/outside pr/plans/allowed.plan </dev/null
expect "-I allows a directory outside the plan's" 0 !err

# a pipe named by `use` is refused without being opened (a reader would wait for ever)
mkfifo pr/plans/pipe.plan 2>/dev/null && {
	printf 'use "pipe"\n' >pr/plans/uses-pipe.plan
	run check pr/plans/uses-pipe.plan </dev/null
	expect "a pipe named by use" 1 err "is a pipe, not a plan file [BFP213]"
}

# the files named on the command line are read by the rules of `use`: `bfplan check plans/*.plan`
# on a pull request must not quote /proc/self/environ, /etc/passwd or the checkout's .git/config
mkdir -p named/plans/lib named/.git
printf '[http]\n\textraheader = AUTHORIZATION: basic %s\n' "$secret" >named/.git/config
printf 'os ok "A plan"\n' >named/plans/lib/ok.plan
ln -s /proc/self/environ named/plans/environ.plan
ln -s /etc/passwd named/plans/passwd.plan
ln -s ../.git/config named/plans/config.plan
ln -s lib/ok.plan named/plans/inside.plan
ln -s /etc named/link-to-etc
mkfifo named/plans/pipe.plan 2>/dev/null || skip "a named pipe" "mkfifo failed"
named_ok=0
for cmd in check build graph diff fmt import; do
	for f in environ passwd config pipe; do
		[ -e "named/plans/$f.plan" ] || [ -L "named/plans/$f.plan" ] || continue
		set -- "named/plans/$f.plan"
		case $cmd in
		build) set -- "$@" -o named/out ;;
		diff) set -- named/plans/inside.plan "$@" ;;
		esac
		# a reader that opened the pipe would wait for ever: timeout ends it and fails the case
		BFPLAN_TEST_SECRET=$secret timeout 10 "$bfplan" "$cmd" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		status=$?
		refusals=$(grep -c 'BFP01[12]' "$tmp/err")
		if [ "$status" -ne 2 ] || [ "$refusals" -ne 1 ] || [ "$(wc -l <"$tmp/err")" -ne 2 ]; then
			fail "$cmd refuses the named file $f.plan" "exit $status, $refusals refusals:$(head -3 "$tmp/err")"
			named_ok=1
		elif grep -q "$secret" "$tmp/out" "$tmp/err" || grep -q 'BFPLAN_TEST_SECRET' "$tmp/out" "$tmp/err" ||
			grep -q "^ *[0-9]* | $first_user:" "$tmp/err"; then
			fail "$cmd refuses the named file $f.plan" "its content reached the output"
			named_ok=1
		fi
	done
done
[ $named_ok -eq 0 ] && pass "every command refuses a named link out of its directory and a named pipe, in one diagnostic, quoting nothing"
run check named/plans/inside.plan </dev/null
expect "a named link that stays in its directory is read" 0 !err
run check named/link-to-etc/passwd </dev/null
expect "a named file in a directory linked out of the working directory is refused" 2 err "[BFP011]"
run check --allow-outside named/plans/passwd.plan </dev/null
expect "--allow-outside reads a named link out of its directory" 1 err "[BFP101]"
run check --allow-outside named/plans/environ.plan </dev/null
expect "--allow-outside still refuses a file of /proc" 2 err "is a file of the kernel (/proc or /sys), not a plan file; it is not read [BFP012]"

# a file beside the plan cannot change a stdlib Fixlet's ID without a diagnostic
mkdir -p shadow/bigfix
cp "$root/examples/exchange2007-windows2008.plan" shadow/plan.plan
sed 's/^\( *id \)116$/\1666/' "$root/stdlib/bigfix/server-automation.plan" >shadow/bigfix/server-automation.plan
if ! grep -q '^ *id 666$' shadow/bigfix/server-automation.plan; then
	skip "stdlib shadowing" "the stdlib no longer declares Fixlet 116, so the case cannot be built"
else
	run check shadow/plan.plan </dev/null
	expect "a file beside the plan with a stdlib path" 0 \
		err "'shadow/bigfix/server-automation.plan' has the path of the standard library's" \
		err "[BFP214]"
	run build shadow/plan.plan -o shadow/out --site-url server-automation=http://sa.invalid/ </dev/null
	if [ "$status" -ne 0 ] || ! grep -q '"id":116,' shadow/out/plan.json || grep -q '"id":666,' shadow/out/plan.json; then
		fail "the stdlib wins over a file beside the plan" "status $status, or the pause step does not run Fixlet 116"
	elif grep -q '666' shadow/out/*.bes; then
		fail "the stdlib wins over a file beside the plan" "the .bes holds 666"
	else
		pass "the stdlib wins over a file beside the plan: the pause step keeps Fixlet 116"
	fi
fi

# Windows editors: a UTF-8 byte-order mark, UTF-16
printf '\357\273\277# saved by Notepad\r\nos windows-2008 "Windows Server 2008"\r\n' >bom.plan
run check bom.plan </dev/null
expect "a plan with a UTF-8 byte-order mark checks clean" 0 !err =out "checked 1 file: no errors, no warnings"
{ printf '\377\376'; printf '# saved as Unicode\nos windows-2008 "Windows Server 2008"\n' | sed 's/./&\n/g' | tr -d '\n' |
	awk 'BEGIN { RS = "" } { n = length($0); for (i = 1; i <= n; i++) printf "%s%c", substr($0, i, 1), 0 }'; } >utf16.plan
run check utf16.plan </dev/null
if [ "$status" -eq 1 ] && [ "$(grep -c 'error:' err)" -eq 1 ] && grep -q 'UTF-16' err && grep -q iconv err; then
	pass "a UTF-16 plan gets one error that names UTF-16 and iconv"
else
	fail "a UTF-16 plan" "exit status $status, $(grep -c 'error:' err) errors"
fi

# a cluster of more nodes than the limit is one diagnostic, not a stall
awk 'BEGIN { printf "cluster c {\n    nodes N0"; for (i = 1; i <= 100000; i++) printf ", N%d", i; print "\n}" }' >many-nodes.plan
run check many-nodes.plan </dev/null
expect "a cluster over the node limit" 1 err "lists 100001 nodes (limit is 100000) [BFP009]"

# memory exhaustion is a diagnostic and exit 2, never an abort
awk 'BEGIN { printf "cluster c {\n    nodes N0"; for (i = 1; i < 900000; i++) printf ", N%d", i; print "\n}" }' >huge.plan
limit=
for kb in 65536 98304 131072; do
	if (ulimit -v "$kb" && "$bfplan" check clean.plan) >/dev/null 2>&1; then
		limit=$kb
		break
	fi
done
if [ -z "$limit" ]; then
	skip "ulimit -v" "bfplan cannot start under a 128 MiB address-space limit (sanitizer builds reserve terabytes)"
else
	(ulimit -v "$limit" && exec "$bfplan" check huge.plan) >out 2>err
	status=$?
	expect "out of memory under ulimit -v $limit" 2 err "out of memory while compiling 'huge.plan' [BFP008]" \
		=out "checked 1 file: 1 error, no warnings"
fi

# kill safety: a build killed half-way leaves nothing that the next build does not remove
awk 'BEGIN {
	print "use \"bigfix/server-automation\"\nuse \"bigfix/patches-for-windows\"\nuse \"exchange/exchange2007\""
	print "baseline cycle \"Monthly updates\" {\n    fixlet 900201 site patches-for-windows\n    restart\n}"
	for (i = 0; i < 400; i++) {
		printf "cluster c%d {\n    os windows-2008\n    nodes N%dA, N%dB\n    quorum node-and-witness\n", i, i, i
		printf "    role exchange2007-mailbox \"MB%d\"\n}\nplan p%d {\n    cluster c%d\n    max-down 1\n", i, i, i
		print "    require control-scripts, cluster-manager-service, dotnet-4.0"
		print "    each node {\n        move-mailbox optional\n        pause\n        move-groups\n        patch cycle\n        resume\n    }\n}"
	}
}' >kill.plan
# temps DIR: the temporary files in DIR, and the staged output directories beside it (a build into a
# directory that does not exist writes it under a temporary name and renames it at the end)
temps() {
	{ find "$1" -name '.bfplan-tmp.*' 2>/dev/null; find "$(dirname "$1")" -maxdepth 1 -name '.bfplan-tmp.*'; } |
		wc -l | tr -d ' '
}
# kill_build SIGNAL DIR: starts a build, sends SIGNAL once its temporary files exist; sets $status
kill_build() {
	"$bfplan" build kill.plan -o "$2" --site-url server-automation=http://sa.invalid/ >out 2>err </dev/null &
	pid=$!
	tries=0
	while [ "$(temps "$2")" -eq 0 ] && [ $tries -lt 2000 ] && kill -0 $pid 2>/dev/null; do
		tries=$((tries + 1))
	done
	kill -"$1" $pid 2>/dev/null
	# the shell's own "Terminated" or "Killed" line is not the test's output
	{ wait $pid; } 2>/dev/null
	status=$?
}
# kill_then_build WHAT: a build into killed/ ended by SIGKILL, then a good one that removes what it left
kill_then_build() {
	kill_build KILL killed
	left=$(temps killed)
	seen=$([ -e killed ] && echo "an output directory" || echo "no output directory")
	run build kill.plan -o killed --site-url server-automation=http://sa.invalid/ </dev/null
	if [ "$status" -ne 0 ]; then
		fail "a good build after SIGKILL ($1)" "exit status $status"
	elif [ "$(temps killed)" -ne 0 ]; then
		fail "a good build after SIGKILL ($1)" "$(temps killed) temporary files left"
	elif [ "$left" -eq 0 ]; then
		skip "a good build after SIGKILL ($1)" "the kill came before any temporary file existed"
	else
		pass "SIGKILL ($1) left $left temporary files or directories and $seen; the next build removed them all"
	fi
}
rm -rf killed
kill_build TERM killed
if [ "$status" -eq 0 ]; then
	skip "SIGTERM during a build" "the build finished before the signal"
elif [ "$status" -eq 143 ] && [ "$(temps killed)" -eq 0 ] && [ ! -e killed ]; then
	pass "SIGTERM during a build into a new directory: exit 143, no temporary file and no directory left"
else
	fail "SIGTERM during a build" "exit status $status (expected 143), $(temps killed) temporary files left"
fi
rm -rf killed
kill_then_build "into a new directory"
[ -d killed ] && kill_then_build "over an earlier build"

# A build killed at any rename or unlink of its commit leaves nothing that no manifest lists: the
# next build restores exactly its own set.  strace's syscall injection delivers SIGKILL on entry to
# the Nth rename(2), renameat2(2) (a staged directory's) or unlink(2); the build replaces plans
# p1-p4 by p3-p6 (two stale, two new).
# (LeakSanitizer cannot run under ptrace: a sanitizer build is traced without it.)
kill_plans() { # FROM TO
	awk -v from="$1" -v to="$2" 'BEGIN {
		print "use \"bigfix/server-automation\"\nuse \"bigfix/patches-for-windows\""
		print "baseline cycle \"Monthly updates\" {\n    fixlet 900201 site patches-for-windows\n    restart\n}"
		for (i = from; i <= to; i++) {
			printf "cluster c%d {\n    os windows-2008\n    nodes N%dA, N%dB\n    quorum node-and-witness\n}\n", i, i, i
			printf "plan p%d {\n    cluster c%d\n    max-down 1\n    require control-scripts\n", i, i
			print "    each node {\n        pause\n        move-groups\n        patch cycle\n        resume\n    }\n}"
		}
	}'
}
# fresh_or_before DIR: DIR as the killed build finds it: absent with KILL_FRESH=1, else kc/before
fresh_or_before() {
	rm -rf "$1"
	[ "${KILL_FRESH:-0}" = 1 ] || cp -a kc/before "$1"
}
# kb PLAN DIR OPTION...: a build of PLAN into DIR, quietly; false if it fails
kb() {
	kb_plan=$1 kb_dir=$2
	shift 2
	SOURCE_DATE_EPOCH=1700000000 "$bfplan" build "$kb_plan" -o "$kb_dir" \
		--site-url server-automation=http://sa.invalid/ "$@" >/dev/null 2>&1 </dev/null
}
# kill_case NAME OPTION...: a build of kill-old.plan; then, for each rename and unlink that the build
# of kill-new.plan over it makes, that build killed there and a build of kill-new.plan after it.
# With KILL_FRESH=1 the killed build writes a directory that does not exist yet (staged, one rename).
kill_case() {
	name=$1
	shift
	rm -rf kc && mkdir kc
	{ kb kill-old.plan kc/before "$@" && kb kill-new.plan kc/clean "$@" && fresh_or_before kc/traced &&
		SOURCE_DATE_EPOCH=1700000000 ASAN_OPTIONS=detect_leaks=0 strace -o kc/trace -e trace=rename,renameat2,unlink \
			"$bfplan" build kill-new.plan \
			-o kc/traced --site-url server-automation=http://sa.invalid/ "$@" >/dev/null 2>&1 </dev/null; } ||
		{ fail "kill at each rename and unlink ($name)" "the builds without a kill fail"; return; }
	bad= points=0
	for call in rename renameat2 unlink; do
		n=$(grep -c "^$call(" kc/trace)
		i=1
		while [ "$i" -le "$n" ]; do
			fresh_or_before kc/out
			SOURCE_DATE_EPOCH=1700000000 ASAN_OPTIONS=detect_leaks=0 strace -o /dev/null -e trace="$call" \
				-e inject="$call:signal=KILL:when=$i" "$bfplan" build kill-new.plan -o kc/out \
				--site-url server-automation=http://sa.invalid/ "$@" >/dev/null 2>&1 </dev/null
			kb kill-new.plan kc/out "$@" || bad="$bad $call#$i (the next build failed)"
			diff -r kc/clean kc/out >/dev/null 2>&1 ||
				bad="$bad $call#$i: $(diff -rq kc/clean kc/out 2>&1 | sed 's/^Only in kc.//' | tr '\n' ' ')"
			[ -z "$(find kc -maxdepth 1 -name '.bfplan-tmp.*')" ] || bad="$bad $call#$i (a staged directory is left)"
			points=$((points + 1))
			i=$((i + 1))
		done
	done
	if [ "$points" -lt "$([ "${KILL_FRESH:-0}" = 1 ] && echo 1 || echo 4)" ]; then
		fail "kill at each rename and unlink ($name)" "only $points renames and unlinks were traced"
	elif [ -n "$bad" ]; then
		fail "kill at each rename and unlink ($name)" "after a kill at$bad"
	else
		pass "kill at each of $points renames and unlinks ($name): the next build restores exactly the new set"
	fi
}
if command -v strace >/dev/null 2>&1 && strace -o /dev/null -e trace=getpid -e inject=getpid:retval=1 true 2>/dev/null; then
	kill_plans 1 4 >kill-old.plan
	kill_plans 3 6 >kill-new.plan
	kill_case "all outputs"
	kill_case "--emit=bes, the manifest watched" --emit=bes
	KILL_FRESH=1 kill_case "all outputs, a new directory"
	KILL_FRESH=1 kill_case "--emit=bes, a new directory" --emit=bes
else
	skip "kill at each rename and unlink" "strace with syscall injection is not installed (apt-get install strace)"
fi

# ---- explain ------------------------------------------------------------------------

run explain BFP101 </dev/null
expect "explain BFP101" 0 out "BFP101: syntax-error" !err
run explain bfp101 </dev/null
expect "explain is case-insensitive" 0 out "BFP101: syntax-error"
run explain syntax-error </dev/null
expect "explain by name" 0 out "BFP101: syntax-error"

run explain NOPE </dev/null
expect "explain NOPE" 2 err "NOPE" !out

run explain --list </dev/null
expect "explain --list" 0 out "BFP001" !err
if [ -f "$codes_def" ]; then
	missing=
	count=0
	for code in $(sed -n 's/^X(\(BFP[0-9][0-9]*\),.*/\1/p' "$codes_def"); do
		count=$((count + 1))
		grep -q "^$code " out || missing="$missing $code"
		# and each has its explanation
		"$bfplan" explain "$code" >/dev/null 2>&1 || missing="$missing $code(explain)"
	done
	listed=$(wc -l <out)
	if [ -n "$missing" ]; then
		fail "explain --list names every code" "missing:$missing"
	elif [ "$listed" -ne "$count" ]; then
		fail "explain --list names every code" "$listed lines for $count codes"
	else
		pass "explain --list names every code of diag_codes.def ($count)"
	fi
else
	skip "explain --list names every code" "no $codes_def"
fi

# ---- graph and diff: the execution model for reviewers -------------------------------

seed=$root/examples/exchange2007-windows2008.plan
run graph "$seed" </dev/null
expect "graph writes DOT to standard output" 0 out "digraph bfplan {" out "phase 2: EXNODE2 (active: holds the role)" \
	out "failure step: resume on EXNODE1" out "P4 EXCMS01 expected on EXNODE2" !err
cp "$tmp/out" "$tmp/seed.dot"
if command -v dot >/dev/null 2>&1; then
	if dot -Tsvg "$tmp/seed.dot" >"$tmp/seed.svg" 2>"$tmp/dot.err" && [ ! -s "$tmp/dot.err" ]; then
		missing=
		for n in EXNODE1 EXNODE2 "Fixlet 116" "Fixlet 114" "Fixlet 115" "Fixlet 121" "900201, 900202, 160" "P1 " "P3 "; do
			grep -q "$n" "$tmp/seed.svg" || missing="$missing '$n'"
		done
		[ -z "$missing" ] && pass "graph renders with dot -Tsvg and shows every node, step and check" \
			|| fail "graph rendered with dot" "the SVG lacks$missing"
	else
		fail "graph renders with dot -Tsvg" "$(head -3 "$tmp/dot.err")"
	fi
else
	skip "graph renders with dot -Tsvg" "Graphviz is not installed (apt-get install graphviz)"
fi
run graph -o "$tmp/graph.dot" --plan patch-exch-west "$root/examples/several-clusters.plan" </dev/null
if [ "$status" -eq 0 ] && grep -q "plan patch-exch-west" "$tmp/graph.dot" && ! grep -q "patch-exch-east" "$tmp/graph.dot"; then
	pass "graph -o FILE --plan NAME writes one plan's graph into FILE"
else
	fail "graph -o FILE --plan NAME" "exit $status"
fi
printf 'plan x {\n' >"$tmp/broken.plan"
run graph "$tmp/broken.plan" </dev/null
expect "graph of a plan with errors exits 1 and writes no graph" 1 !out err "error:"

# a plan that checks clean (with warnings) holding a bidi control and U+2028 in a server name:
# graph and diff show them escaped, as diagnostics do, never raw
awk 'BEGIN {
	print "use \"bigfix/server-automation\"\nuse \"bigfix/patches-for-windows\"\nuse \"exchange/exchange2007\""
	print "baseline cycle \"Monthly updates\" {\n    fixlet 900201 site patches-for-windows\n    restart\n}"
	printf "cluster c1 {\n    os windows-2008\n    nodes N1A, N1B\n    quorum node-and-witness\n"
	printf "    role exchange2007-mailbox \"MB\342\200\256EVIL\342\200\250x\"\n}\n"
	print "plan p1 {\n    cluster c1\n    max-down 1\n    require control-scripts, cluster-manager-service, dotnet-4.0"
	print "    each node {\n        move-mailbox optional\n        pause\n        move-groups\n        patch cycle\n        resume\n    }\n}"
}' >"$tmp/bidi-old.plan"
sed 's/N1A, N1B/N1B, N1A/' "$tmp/bidi-old.plan" >"$tmp/bidi-new.plan"
raw_bidi() { LC_ALL=C grep -c "$(printf '\342\200[\250\256]')" "$1"; }
run graph "$tmp/bidi-old.plan" </dev/null
graph_raw=$(raw_bidi "$tmp/out") graph_status=$status
grep -q 'MB\\\\u{202E}EVIL\\\\u{2028}x' "$tmp/out"; graph_shown=$?
run diff "$tmp/bidi-old.plan" "$tmp/bidi-new.plan" </dev/null
if [ "$graph_status" -eq 0 ] && [ "$graph_raw" -eq 0 ] && [ "$graph_shown" -eq 0 ] && [ "$status" -eq 1 ] &&
	[ "$(raw_bidi "$tmp/out")" -eq 0 ] && grep -q 'server MB\\u{202E}EVIL\\u{2028}x' "$tmp/out"; then
	pass "graph and diff show a bidi control and U+2028 escaped, never raw"
else
	fail "graph and diff show a bidi control and U+2028 escaped" "graph exit $graph_status, raw $graph_raw; diff exit $status"
fi
# ---- simulate: the plan through the execution engine (golden reports: tests/simulate) -----

run simulate "$seed" </dev/null
expect "simulate of the seed: every invariant holds, exit 0" 0 out "explored: " out "  held      quorum" !err
run simulate --faults 0 --format=json "$seed" </dev/null
expect "simulate --faults 0 --format=json: one run" 0 out '"runs": 1,' !err
run simulate "$root/tests/golden/check-availability.plan" </dev/null
expect "simulate of a plan check rejects: its diagnostics, no report, exit 1" 1 !out err "[BFP313]"
run simulate --no-static-check "$root/tests/golden/check-availability.plan" </dev/null
expect "simulate --no-static-check: the counterexample, exit 1" 1 out "counterexample for quorum" err "[BFP313]"
run simulate --faults 9 "$seed" </dev/null
expect "simulate --faults 9 is a usage error" 2 !out err "--faults takes"
run simulate "$seed" "$seed" </dev/null
expect "simulate takes one plan file" 2 !out err "simulate takes one plan file"
run simulate </dev/null
expect "simulate without a plan is a usage error" 2 !out

run diff "$seed" "$seed" </dev/null
expect "diff of a plan with itself exits 0 and prints nothing" 0 !out !err
sed 's/^    order passive-first .*/    order passive-first\n    active EXNODE1/' "$seed" >"$tmp/moved.plan"
run diff "$seed" "$tmp/moved.plan" </dev/null
expect "diff: moving the role holder exits 1 and names the nodes" 1 \
	out "~ role holder: EXNODE2 (exchange2007-mailbox, server EXCMS01)" \
	out "-> EXNODE1 (exchange2007-mailbox, server EXCMS01)" out "~ node order: EXNODE1, EXNODE2" !err
sed 's/^    timeout patch 1h .*/    timeout patch 90m/' "$seed" >"$tmp/slower.plan"
run diff --format=json "$seed" "$tmp/slower.plan" </dev/null
if [ "$status" -eq 1 ] && /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format_version"] == 1 and d["changed"] is True
whats = {c["what"]: c for c in d["changes"]}
assert whats["worst case"]["old"] == "4 h 30 min" and whats["worst case"]["new"] == "5 h 30 min", whats["worst case"]
assert whats["step patch on EXNODE1"]["kind"] == "changed"
' "$tmp/out" 2>"$tmp/py.err"; then
	pass "diff --format=json: versioned JSON naming the timeout and the worst case that changed"
else
	fail "diff --format=json" "exit $status; $(tail -1 "$tmp/py.err")"
fi
run diff "$seed" "$root/examples/exchange2007-windows2008-restart-step.plan" </dev/null
expect "diff: 'restart as-step' names the restart steps, the Baseline without Fixlet 160 and the setting" 1 \
	out "+ step restart on EXNODE1: runs Fixlet 160 (site server-automation), timeout 40 min, on failure stop and hold" \
	out "~ pending restart setting: pause-until-restart-completes" out "-> continue-plan" \
	out "-> Fixlet 900201 (site patches-for-windows), Fixlet 900202 (site patches-for-windows)" !err
run diff "$seed" "$tmp/broken.plan" </dev/null
expect "diff with a version that does not compile exits 2" 2 err "error:"
run diff "$seed" </dev/null
expect "diff of one file is a usage error" 2 err "diff takes two plan files"

# ---- import: BigFix content in --------------------------------------------------------

bes=$root/tests/import/sa-cluster-fixlets.bes
run import --site server-automation --id 114,115,116 "$bes" </dev/null
expect "import writes declarations to standard output" 0 out "fixlet server-automation-116" \
	out 'imported-from "sa-cluster-fixlets.bes"' out "pending-restart never" !err
cp "$tmp/out" "$tmp/import-1.plan"
# the same bytes from another directory, with the path spelled otherwise, and with --id given twice
mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$bfplan" import --site server-automation --id 114 --id 115,116 \
	"$root/tests/import/../import/sa-cluster-fixlets.bes" >"$tmp/import-2.plan" 2>/dev/null)
if cmp -s "$tmp/import-1.plan" "$tmp/import-2.plan"; then
	pass "import writes the same bytes from any directory, however the path and the IDs are given"
else
	fail "import output depends on where it runs" "$(diff "$tmp/import-1.plan" "$tmp/import-2.plan" | head -3)"
fi
run import --site server-automation --id 114,115,116 - <"$bes"
expect "import reads standard input" 0 out 'imported-from "<stdin>"' !err

run import --site "not a name" --id 1 "$bes" </dev/null
expect "import --site with a bad name" 2 err "--site takes a site's plan-language name" !out
run import --site s --id 0 "$bes" </dev/null
expect "import --id 0" 2 err "--id takes IDs from 1 to 2147483647" !out
run import --site s --id 114,,115 "$bes" </dev/null
expect "import --id with an empty item" 2 err "--id takes IDs" !out
run import --site s </dev/null
expect "import without a file" 2 err "no input file" !out
run import -I somewhere --site s --id 1 "$bes" </dev/null
expect "import takes no -I" 2 err "unknown option '-I'" !out
run import --site s --id 1 no-such-file.bes </dev/null
expect "import of a missing file" 2 err "no-such-file.bes" err "[BFP001]" !out
run import --site s --id 1 clean.plan </dev/null
expect "import of a plan file: not XML, at its line" 1 err "clean.plan:1:1: error:" err "[BFP601]" !out

# -o: all or nothing; errors write nothing and leave an earlier file alone
echo "earlier" >"$tmp/kept.plan"
run import --site s -o "$tmp/kept.plan" "$root/tests/import/no-id.bes" </dev/null
if [ "$status" -eq 1 ] && [ "$(cat "$tmp/kept.plan")" = "earlier" ] && [ ! -s "$tmp/out" ]; then
	pass "import with errors leaves the -o file as it was"
else
	fail "import with errors and -o" "exit $status, file now: $(head -c 40 "$tmp/kept.plan")"
fi
run import --site server-automation --id 114,115,116 -o "$tmp/no-such-dir/x/y.plan" "$bes" </dev/null
if [ "$status" -eq 0 ] && cmp -s "$tmp/no-such-dir/x/y.plan" "$tmp/import-1.plan"; then
	pass "import -o creates the directories of FILE"
else
	fail "import -o into a new directory" "exit $status"
fi
run import --werror --site tools --id 9101 "$root/tests/import/parameters.bes" </dev/null
expect "import --werror turns a parameter warning into an error" 1 err "[BFP610]" !out

# a site's gather URL given once in a plan file: build needs no --site-url
run build "$root/tests/golden/check-site-extend-ok.plan" -o "$tmp/site-extend" </dev/null
if [ "$status" -eq 0 ] && grep -q 'SourceSiteURL="http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation"' \
	"$tmp/site-extend/patch-files01.bes"; then
	pass "site NAME extend { gather-url } gives the build its gather URL"
else
	fail "site extension and build" "exit $status"
fi

# what import wrote is a plan file that uses the standard library cleanly
printf 'use "bigfix/server-automation"\nuse "import-1"\n' >"$tmp/uses-import.plan"
run check "$tmp/uses-import.plan" </dev/null
expect "a plan that uses imported content checks clean" 0 !err

# ---- init: a starting plan that checks clean and is in fmt's layout -------------------------
run init files02 --nodes FS1,FS2,FS3,FS4 -o "$tmp/init.plan" </dev/null
expect "init writes a starting plan" 0 !out !err
run check "$tmp/init.plan" </dev/null
expect "the starting plan checks clean" 0 !err
run fmt --check "$tmp/init.plan" </dev/null
expect "the starting plan is in fmt's layout" 0 !err
if grep -q '^cluster files02 ' "$tmp/init.plan" && grep -q 'nodes FS1, FS2, FS3, FS4$' "$tmp/init.plan" &&
	grep -q '^plan patch-files02 ' "$tmp/init.plan" && ! grep -q 'CLUSTER' "$tmp/init.plan"; then
	pass "init: every placeholder replaced by the cluster's names"
else
	fail "init: every placeholder replaced by the cluster's names" "$(grep -n 'CLUSTER\|nodes' "$tmp/init.plan" | head -3)"
fi
run init files03 --nodes FS1,FS2 --quorum node-and-witness --os windows-2012r2 </dev/null
printf '%s' "$(cat "$tmp/out")" >"$tmp/init2.plan"
run check "$tmp/init2.plan" </dev/null
expect "init to standard output, two nodes with a witness, another OS: checks clean" 0 !err
run init files02 --nodes FS1,FS2,FS3 -o "$tmp/init.plan" </dev/null
expect "init does not overwrite a file" 2 err "exists; bfplan init does not overwrite a file"
run init files02 --nodes 'FS1,FS2;x' </dev/null
expect "init refuses a node name that is not one word" 2 err "--nodes takes node names" !out
run init files02 </dev/null
expect "init needs --nodes" 2 err "init needs the cluster's nodes" !out

# ---- bfplan.ini: found from the plan's directory upward, up to the directory holding .git -----
mkdir -p conf/repo/.git conf/repo/lib conf/repo/plans/deep
printf 'use "windows/os"\n\ncluster files01 "File servers" {\n    os windows-2008\n    nodes FSNODE1, FSNODE2, FSNODE3\n}\n' \
	>conf/repo/lib/cl.plan
sed -e 's|^use "windows/os"$|use "lib/cl"|' -e '/^cluster files01/,/^}/d' "$root/tests/golden/check-unneeded-require-werror.plan" \
	>conf/repo/plans/deep/p.plan
run check conf/repo/plans/deep/p.plan </dev/null
expect "without bfplan.ini: the library is not found" 1 err "[BFP201]"
printf '# the repository'"'"'s settings\n[paths]\ninclude = lib/..\n\n[allow]\nBFP302 = the .NET step comes next\n\n[output]\nwerror = true\n' \
	>conf/repo/bfplan.ini
run check conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini two directories up: its include and its allow" 0 !err
run check --format=json conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini's allow is listed with its reason" 0 out '"reason": "the .NET step comes next (conf/repo/plans/deep/../../bfplan.ini)"'
run check --no-config -I conf/repo conf/repo/plans/deep/p.plan </dev/null
expect "--no-config: the warning, made an error by nothing" 0 err "[BFP302]"
printf '[output]\nwerror = true\n' >conf/bfplan.ini
mv conf/repo/bfplan.ini conf/repo/bfplan.ini.off
run check -I conf/repo conf/repo/plans/deep/p.plan </dev/null
expect "a bfplan.ini above the directory holding .git is not read" 0 err "warning: nothing in plan"
printf '[allow]\nBFP313 = not a warning\n' >conf/repo/bfplan.ini
run check -I conf/repo conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini allowing an error: a usage error with its line" 2 err "bfplan.ini:2: BFP313 is an error"
printf '[paths]\nincludes = lib\n' >conf/repo/bfplan.ini
run check -I conf/repo conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini with an unknown key" 2 err "[paths] takes 'include', not 'includes'; did you mean 'include'?"
printf '[output]\nformat = jsn\n' >conf/repo/bfplan.ini
run check -I conf/repo conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini with a misspelt value gets the closest" 2 err "not 'jsn'; did you mean 'json'?"
# a bfplan.ini in a pull request is found, not named, and read by the rule of a named file
rm conf/repo/bfplan.ini
printf '[paths]\ninclude = %s\n# %s\n' "$(pwd)/conf/repo" "$secret" >conf/repo/.git/config
ln -s .git/config conf/repo/bfplan.ini
run check conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini linked inside its directory is read" 0 err "[BFP302]"
rm conf/repo/bfplan.ini
ln -s ../.git/config conf/repo/plans/bfplan.ini
run check conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini linked out of its directory is refused" 2 err "bfplan.ini: is a symbolic link out of its directory"
expect "the refused bfplan.ini is not quoted" 2 -err "$secret"
run check --allow-outside conf/repo/plans/deep/p.plan </dev/null
expect "--allow-outside reads a linked bfplan.ini" 0 err "[BFP302]"
rm conf/repo/plans/bfplan.ini
ln -s /proc/self/environ conf/repo/plans/bfplan.ini
BFPLAN_TEST_SECRET=$secret run check conf/repo/plans/deep/p.plan </dev/null
expect "bfplan.ini linked to /proc/self/environ is refused" 2 err "bfplan.ini: is a symbolic link out of its directory"
expect "the environment is not quoted" 2 -err "$secret"
rm conf/repo/plans/bfplan.ini
if mkfifo conf/repo/plans/bfplan.ini 2>/dev/null; then
	timeout 10 "$bfplan" check conf/repo/plans/deep/p.plan >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	expect "a pipe named bfplan.ini is refused, not waited on" 2 err "bfplan.ini: is not a regular file"
	rm conf/repo/plans/bfplan.ini
fi
# ---- bfplan run: its usage (tests/run has the windows, the journal and the rest) ----------

run run "$seed" status </dev/null
expect "run without --journal" 2 err "run needs its journal: --journal FILE" !out
run run "$seed" --journal "$tmp/cli.journal" frobnicate </dev/null
expect "run with an unknown command" 2 err "run has no command 'frobnicate'" !out
run run "$seed" --journal "$tmp/cli.journal" nxt </dev/null
expect "run with a misspelt command gets the closest" 2 err "run has no command 'nxt'" \
	err "did you mean 'next'?" !out
run run "$seed" --journal "$tmp/cli.journal" start </dev/null
expect "run start without a step" 2 err "run start needs a STEP" !out
run run "$seed" --journal "$tmp/cli.journal" start 3x </dev/null
expect "run start with a step the checklist does not number so" 2 err "not '3x'" !out
run run "$seed" --journal "$tmp/cli.journal" fail 1 --target EXNODE1 </dev/null
expect "run fail without --reason" 2 err "run fail needs --target NODE and --reason TEXT" !out
run run "$seed" --journal "$tmp/cli.journal" status --reason why </dev/null
expect "run status with --reason" 2 err "--reason goes with fail or abort, not with status" !out
run run "$seed" --journal "$tmp/cli.journal" note "$(printf 'bad \377 byte')" </dev/null
expect "run note that is not UTF-8" 2 err "a note is UTF-8 text" !out
run run "$seed" --journal "$tmp/cli.journal" node-lost </dev/null
expect "run node-lost without --target" 2 err "run node-lost needs --target NODE" !out
run run "$seed" --journal "$tmp/cli.journal" node-lost EXNODE1 </dev/null
expect "run node-lost with its node as an argument" 2 err "run node-lost takes its node with --target NODE, not 'EXNODE1'" !out
run run "$seed" --journal "$tmp/cli.journal" node-lost --target 'EX NODE' </dev/null
expect "run node-lost with a target that is no name" 2 err "--target takes a node's name, not 'EX NODE'" !out
run run "$seed" --journal "$tmp/cli.journal" witness-offline --target EXNODE1 </dev/null
expect "run witness-offline with --target" 2 err "--target goes with done, fail, pending-restart or node-lost, not with witness-offline" !out
run run "$seed" --journal "$tmp/cli.journal" witness-offline --reason why </dev/null
expect "run witness-offline with --reason" 2 err "--reason goes with fail or abort, not with witness-offline" !out
run run "$seed" --journal "$tmp/cli.journal" witness-offline "$(printf 'bad \377 byte')" </dev/null
expect "run witness-offline with text that is not UTF-8" 2 err "its text is UTF-8 text" !out
[ ! -e "$tmp/cli.journal" ] && pass "no usage error made a journal" || fail "usage errors" "a journal was made"
BFPLAN_NOW=yesterday run run "$seed" --journal "$tmp/cli.journal" status </dev/null
expect "run with a BFPLAN_NOW that is not a time" 2 err "BFPLAN_NOW is 'yesterday'" !out
BFPLAN_NOW=2026-12-06T21:00:00Z BFPLAN_OPERATOR=cli run run "$seed" --journal "$tmp/cli.journal" done P1 </dev/null
expect "run done P1 records the first entry" 0 out "Recorded entry 1" !err
[ -f "$tmp/cli.journal" ] && pass "the first entry made the journal" || fail "run done P1" "no journal"
run run "$seed" --journal "$tmp/cli.journal" next </dev/null
expect "run next" 0 out "cli.journal done P2" !err

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
