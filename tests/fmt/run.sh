#!/bin/sh
# tests/fmt/run.sh - `bfplan fmt` from the command line.
#
# usage: sh tests/fmt/run.sh path/to/bfplan
#
# Runs from the top of the source tree.
#
# 1. Every plan file of the tree that parses (examples, stdlib, tests):
#    formatting is idempotent, keeps every comment (as tests/fmt/
#    comments.awk lists them, without bfplan's parser), and a copy with its
#    spacing messed up (tests/fmt/mess.awk) formats to the same text.  The
#    examples and the standard library are fmt-clean, and each messed-up
#    copy formats back into the file itself.
# 2. Formatting never changes the lowered plan: each example, its messed-up
#    copy and that copy formatted build to the same plan.json, .bes and
#    checklists.
# 3. --check, -w, --diff, standard input, files with errors, usage.
#
# Ends with "fmt: N passed, M failed"; exits non-zero on a failure.

[ $# -eq 1 ] || { echo "usage: sh tests/fmt/run.sh path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
here=tests/fmt
suite=fmt
. tests/lib.sh
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH
SA_URL=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation

# ---- 1. every plan file that parses ----------------------------------------------------

files=0
not_idempotent=
comments_lost=
mess_differs=
for f in $(find examples stdlib tests -name '*.plan' | LC_ALL=C sort); do
	"$bfplan" fmt "$f" >"$tmp/once" 2>/dev/null || continue
	files=$((files + 1))
	"$bfplan" fmt - <"$tmp/once" >"$tmp/twice" 2>/dev/null
	cmp -s "$tmp/once" "$tmp/twice" || not_idempotent="$not_idempotent $f"
	awk -f $here/comments.awk "$f" >"$tmp/c1"
	awk -f $here/comments.awk "$tmp/once" >"$tmp/c2"
	cmp -s "$tmp/c1" "$tmp/c2" || comments_lost="$comments_lost $f"
	awk -f $here/mess.awk "$f" >"$tmp/messed.plan"
	"$bfplan" fmt "$tmp/messed.plan" >"$tmp/unmessed" 2>/dev/null
	cmp -s "$tmp/once" "$tmp/unmessed" || mess_differs="$mess_differs $f"
done
if [ "$files" -lt 20 ]; then
	fail "only $files plan files formatted: the tree is not where it should be"
fi
[ -z "$not_idempotent" ] && pass "fmt(fmt(x)) = fmt(x) for $files files" ||
	fail "not idempotent:$not_idempotent"
[ -z "$comments_lost" ] && pass "every comment kept in $files files" ||
	fail "comments changed:$comments_lost"
[ -z "$mess_differs" ] && pass "messed-up spacing formats back in $files files" ||
	fail "messed-up copies format differently:$mess_differs"

# the examples and the standard library are in the layout, and a messed-up copy of each formats back to it
clean=$(find examples stdlib -name '*.plan' | LC_ALL=C sort)
run fmt --check $clean
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
	pass "fmt --check passes the examples and the standard library ($(echo $clean | wc -w) files)"
else
	fail "fmt --check passes the examples and the standard library"
	grep 'BFP501' "$tmp/err" | sed 's/^/    /'
fi
back=
for f in $clean; do
	awk -f $here/mess.awk "$f" >"$tmp/messed.plan"
	cmp -s "$tmp/messed.plan" "$f" && back="$back $f(not-messed)"
	"$bfplan" fmt "$tmp/messed.plan" >"$tmp/unmessed" 2>/dev/null
	cmp -s "$tmp/unmessed" "$f" || back="$back $f"
done
[ -z "$back" ] && pass "a messed-up copy of each example and stdlib file formats back into it" ||
	fail "messed-up copies that do not format back into the file:$back"

# ---- 2. the lowered plan does not change -------------------------------------------------

# build_in DIR PLAN: builds DIR/examples/NAME.plan from inside DIR, so paths in the outputs match
build_in() {
	(cd "$1" && "$bfplan" build "examples/$2" -o out --site-url "server-automation=$SA_URL")
}

for plan in examples/*.plan; do
	name=$(basename "$plan")
	for d in original messed formatted; do
		mkdir -p "$tmp/$d/examples"
		rm -rf "$tmp/$d/out"
		# the libraries examples keep beside them (examples/lib), as they are
		[ -d examples/lib ] && [ ! -d "$tmp/$d/examples/lib" ] && cp -R examples/lib "$tmp/$d/examples/"
	done
	cp "$plan" "$tmp/original/examples/$name"
	awk -f $here/mess.awk "$plan" >"$tmp/messed/examples/$name"
	"$bfplan" fmt "$tmp/messed/examples/$name" >"$tmp/formatted/examples/$name"
	ok=1
	for d in original messed formatted; do
		build_in "$tmp/$d" "$name" >/dev/null 2>"$tmp/err" || { ok=0; sed 's/^/    /' "$tmp/err"; }
	done
	if [ "$ok" -eq 1 ] && diff -r "$tmp/original/out" "$tmp/messed/out" >"$tmp/d1" &&
		diff -r "$tmp/original/out" "$tmp/formatted/out" >"$tmp/d2"; then
		pass "$name: the same plan.json, .bes and checklists before and after fmt"
	else
		fail "$name: the outputs differ after fmt"
		head -n 10 "$tmp/d1" "$tmp/d2" 2>/dev/null | sed 's/^/    /'
	fi
done

# ---- 3. the command line ----------------------------------------------------------------------

work=$tmp/work
mkdir -p "$work"
cat >"$work/clean.plan" <<'EOF'
cluster files01 {
    os windows-2008
    nodes FSNODE1, FSNODE2  # two nodes
}
EOF
cat >"$work/messy.plan" <<'EOF'
cluster files01 {
    os windows-2008
  nodes FSNODE1,FSNODE2 # two nodes
}
EOF
cp "$work/messy.plan" "$work/messy2.plan"
printf 'cluster files01 {\n    nodes A,\n' >"$work/broken.plan"

run fmt "$work/clean.plan"
if [ "$status" -eq 0 ] && cmp -s "$tmp/out" "$work/clean.plan" && [ ! -s "$tmp/err" ]; then
	pass "fmt prints a clean file unchanged"
else
	fail "fmt prints a clean file unchanged"
fi
run fmt "$work/messy.plan"
if [ "$status" -eq 0 ] && cmp -s "$tmp/out" "$work/clean.plan"; then
	pass "fmt prints the formatted file"
else
	fail "fmt prints the formatted file"
fi

run fmt --check "$work/clean.plan"
[ "$status" -eq 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] && pass "--check passes a clean file silently" ||
	fail "--check passes a clean file silently (status $status)"

run fmt --check "$work/messy.plan" "$work/clean.plan" "$work/messy2.plan"
if [ "$status" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	grep -q "messy.plan:3:1: error: '.*messy.plan' is not formatted.*\[BFP501\]" "$tmp/err" &&
	grep -q "messy2.plan:3:1: error:" "$tmp/err" && ! grep -q "clean.plan" "$tmp/err" &&
	cmp -s "$work/messy.plan" "$work/messy2.plan"; then
	pass "--check exits 1 and names each file that would change, changing none"
else
	fail "--check exits 1 and names each file that would change (status $status)"
	sed 's/^/    /' "$tmp/err" | head -n 8
fi

run fmt --check --format=github "$work/messy.plan"
if [ "$status" -eq 1 ] && grep -q '^::error file=.*messy.plan,line=3,col=1,.*title=BFP501::' "$tmp/out"; then
	pass "--check --format=github annotates the first line that would change"
else
	fail "--check --format=github annotates the first line that would change"
fi

run fmt --diff "$work/messy.plan"
cp "$work/messy.plan" "$tmp/patched.plan"
if [ "$status" -eq 0 ] && grep -q '^-  nodes FSNODE1,FSNODE2 # two nodes$' "$tmp/out" &&
	grep -q '^+    nodes FSNODE1, FSNODE2  # two nodes$' "$tmp/out" &&
	patch -s "$tmp/patched.plan" <"$tmp/out" && cmp -s "$tmp/patched.plan" "$work/clean.plan"; then
	pass "--diff prints a unified diff that patch(1) applies"
else
	fail "--diff prints a unified diff that patch(1) applies"
fi
# a comment with a bidi override (a warning, so the file is formatted): spelled out in the diff, not sent raw
printf 'os   a # xy\342\200\256z\n' >"$work/hostile.plan"
run fmt --diff "$work/hostile.plan"
if [ "$status" -eq 0 ] && grep -q 'xy\\u{202E}z' "$tmp/out" && ! grep -q "$(printf '\342\200\256')" "$tmp/out"; then
	pass "--diff spells out terminal controls of the file"
else
	fail "--diff spells out terminal controls of the file (status $status)"
fi
rm -f "$work/hostile.plan"
run fmt --diff "$work/clean.plan"
[ "$status" -eq 0 ] && [ ! -s "$tmp/out" ] && pass "--diff prints nothing for a clean file" ||
	fail "--diff prints nothing for a clean file"
run fmt --diff --check "$work/messy.plan"
[ "$status" -eq 1 ] && grep -q '^@@ ' "$tmp/out" && grep -q BFP501 "$tmp/err" &&
	pass "--diff --check shows the change and fails" || fail "--diff --check shows the change and fails"

# -w: the messy file rewritten with its mode, the clean one not touched, the broken one left alone
chmod 640 "$work/messy.plan"
before=$(ls -i "$work/clean.plan")
cp "$work/broken.plan" "$tmp/broken.orig"
run fmt -w "$work/messy.plan" "$work/clean.plan"
mode=$(stat -c %a "$work/messy.plan" 2>/dev/null)
if [ "$status" -eq 0 ] && cmp -s "$work/messy.plan" "$work/clean.plan" && [ "$mode" = 640 ] &&
	[ "$(ls -i "$work/clean.plan")" = "$before" ] && [ ! -s "$tmp/out" ]; then
	pass "-w rewrites what changes, keeps its mode, leaves the rest alone"
else
	fail "-w rewrites what changes, keeps its mode, leaves the rest alone (status $status, mode $mode)"
fi
if ls "$work" | grep -v '\.plan$' | grep -q .; then
	fail "-w left a temporary file: $(ls "$work")"
else
	pass "-w leaves no temporary file"
fi

# a byte-order mark (Notepad, PowerShell 5) is the author's encoding: kept, and no reason to fail --check
{ printf '\357\273\277'; cat "$work/clean.plan"; } >"$work/bom.plan"
{ printf '\357\273\277'; awk -f $here/mess.awk "$work/clean.plan"; } >"$work/bom-messy.plan"
cp "$work/bom.plan" "$tmp/bom.expected"
run fmt --check "$work/bom.plan"
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && pass "--check passes a clean file that starts with a byte-order mark" ||
	fail "--check passes a clean file that starts with a byte-order mark (status $status)"
run fmt -w "$work/bom-messy.plan"
[ "$status" -eq 0 ] && cmp -s "$work/bom-messy.plan" "$tmp/bom.expected" &&
	pass "-w keeps a byte-order mark and formats what follows it" ||
	fail "-w keeps a byte-order mark and formats what follows it (status $status)"
rm -f "$work/bom.plan" "$work/bom-messy.plan"

run fmt -w "$work/broken.plan"
if [ "$status" -eq 1 ] && grep -q 'BFP10[19]' "$tmp/err" && cmp -s "$work/broken.plan" "$tmp/broken.orig"; then
	pass "a file with a syntax error is reported and not touched"
else
	fail "a file with a syntax error is reported and not touched (status $status)"
fi

ln -s messy2.plan "$work/link.plan"
run fmt -w "$work/link.plan"
if [ "$status" -eq 0 ] && [ -L "$work/link.plan" ] && cmp -s "$work/messy2.plan" "$work/clean.plan"; then
	pass "-w writes through a symbolic link"
else
	fail "-w writes through a symbolic link"
fi

# A read-only file in a directory that would let it be replaced: -w must leave it.
# Root may write anything, so as root the case runs as nobody (setpriv, util-linux).
ro=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-fmt-ro.XXXXXX") || exit 2
chmod 777 "$ro"
awk -f $here/mess.awk "$work/clean.plan" >"$ro/ro.plan"
cp "$ro/ro.plan" "$tmp/ro.orig"
as_user=
if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$ro/ro.plan"
	if command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bfplan" --version >/dev/null 2>&1; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
fi
chmod 444 "$ro/ro.plan"
if [ "$(id -u)" -eq 0 ] && [ -z "$as_user" ]; then
	echo "SKIP -w on a read-only file: running as root, and bfplan cannot be run as nobody here"
else
	$as_user "$bfplan" fmt -w "$ro/ro.plan" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -eq 2 ] && grep -q 'BFP502' "$tmp/err" && cmp -s "$ro/ro.plan" "$tmp/ro.orig" &&
		[ "$(ls "$ro")" = ro.plan ]; then
		pass "-w refuses a read-only file, even in a writable directory"
	else
		fail "-w refuses a read-only file, even in a writable directory (status $status)"
	fi
fi
rm -rf "$ro"

run fmt - <"$tmp/ro.orig"
cmp -s "$tmp/out" "$work/clean.plan" && [ "$status" -eq 0 ] && pass "fmt - formats standard input" ||
	fail "fmt - formats standard input"
run fmt --stdin-filename=given.plan --check - <"$tmp/ro.orig"
[ "$status" -eq 1 ] && grep -q "^given.plan:1:1: error: 'given.plan' is not formatted" "$tmp/err" &&
	pass "--stdin-filename names standard input" || fail "--stdin-filename names standard input"

# line ends: a CRLF file (Git for Windows' checkout) in the layout passes --check, fmt keeps CRLF,
# and a file mixing the two is told why it fails
cr=$(printf '\r')
sed "s/\$/$cr/" examples/exchange2007-windows2008.plan >"$work/crlf.plan"
run fmt --check "$work/crlf.plan"
[ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] && pass "fmt --check passes a CRLF file in the layout" ||
	fail "fmt --check passes a CRLF file in the layout (status $status)"
run fmt "$work/crlf.plan"
cmp -s "$tmp/out" "$work/crlf.plan" && pass "fmt keeps a file's CRLF line ends" || fail "fmt keeps a file's CRLF line ends"
awk -f $here/mess.awk "$work/crlf.plan" >"$work/crlf-messed.plan"
run fmt -w "$work/crlf-messed.plan"
cmp -s "$work/crlf-messed.plan" "$work/crlf.plan" && pass "fmt -w formats a messed-up CRLF file back, in CRLF" ||
	fail "fmt -w formats a messed-up CRLF file back, in CRLF"
awk 'NR == 7 { sub(/\r$/, "") } 1' "$work/crlf.plan" >"$work/mixed.plan"
run fmt --check "$work/mixed.plan"
[ "$status" -eq 1 ] && grep -q "mixed.plan:7:1: error: .* has lines that end in CRLF and lines that end in LF.*every line in CRLF" "$tmp/err" &&
	pass "fmt --check says a file mixes CRLF and LF line ends" ||
	fail "fmt --check says a file mixes CRLF and LF line ends (status $status)"

# usage errors: exit 2, nothing done
for args in "-w -" "--format=json x.plan" "--format=sarif --check --diff x.plan" "--frobnicate x.plan" ""; do
	run fmt $args </dev/null
	if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q '^bfplan: ' "$tmp/err"; then
		pass "usage: fmt $args"
	else
		fail "usage: fmt $args (status $status)"
	fi
done
run fmt "$work/no-such.plan"
[ "$status" -eq 2 ] && grep -q BFP001 "$tmp/err" && pass "an unreadable file exits 2" ||
	fail "an unreadable file exits 2"

finish
