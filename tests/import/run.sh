#!/bin/sh
# tests/import/run.sh - golden tests of `bfplan import`.
#
# usage: sh tests/import/run.sh [--update] path/to/bfplan [NAME...]
#
# A case is a file NAME.bes (or NAME.xml, a REST API listing) in this
# directory, written for these tests (no vendor content), with:
#
#   NAME.args  the options given before the file (optional; split on blanks)
#   NAME.out   what `bfplan import ARGS NAME.bes` writes to standard output;
#              absent when the run has errors (then nothing may be written)
#   NAME.err   what it writes to standard error; empty when it reports nothing
#
# The exit status must be 1 when NAME.err holds ": error:", else 0.  Each
# case is run from this directory, so diagnostics name NAME.bes.  A case that
# succeeds is also:
#   - run again with -o FILE, which must hold the same bytes as the output;
#   - checked: a plan that `use`s the standard library, world.plan (the test
#     site `tools`, found with -I) and the output must check without errors,
#     and without warnings when the import reported nothing,
#     so what import writes is always valid plan language (the round trip of the text itself
#     is tested in tests/unit/test_import.c);
#   - formatted: `bfplan fmt` changes nothing in it, so `fmt --check` passes a fresh import.
#
# Then, with no NAME given, tests/import/roundtrip.py imports each .bes of
# the tests, builds it in the full component form and compares the
# elements of the output with those of the input.
#
# --update rewrites NAME.out and NAME.err; review them with git diff.
# Ends with "import: N passed, M failed"; exits non-zero on a failure.

update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
[ $# -ge 1 ] || { echo "usage: sh tests/import/run.sh [--update] path/to/bfplan [NAME...]" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") || exit 2
shift
here=$(cd "$(dirname "$0")" && pwd) || exit 2
cd "$here" || exit 2

unset BFPLAN_PATH
NO_COLOR=1
LC_ALL=C
export NO_COLOR LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-import.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM

passed=0
failed=0
fail() {
	echo "FAIL $name: $1"
	[ -s "$tmp/diff" ] && sed 's/^/    /' "$tmp/diff"
	failed=$((failed + 1))
}

given=$#
if [ $# -eq 0 ]; then
	set -- *.bes *.xml
fi

for input in "$@"; do
	[ -f "$input" ] || continue
	name=${input%.*}
	: >"$tmp/diff"
	args=
	[ -f "$name.args" ] && args=$(cat "$name.args")
	set -f
	"$bfplan" import $args "$input" >"$tmp/out" 2>"$tmp/err"
	status=$?
	set +f
	if [ $update -eq 1 ]; then
		cp "$tmp/err" "$name.err"
		if [ -s "$tmp/out" ]; then cp "$tmp/out" "$name.out"; else rm -f "$name.out"; fi
	fi
	want=0
	grep -q ': error:' "$name.err" 2>/dev/null && want=1
	if [ ! -f "$name.err" ]; then
		fail "no expectation: $name.err is missing"
		continue
	elif ! diff -u "$name.err" "$tmp/err" >"$tmp/diff"; then
		fail "diagnostics differ from $name.err"
		continue
	elif [ "$status" -ne "$want" ]; then
		fail "exit status $status, expected $want"
		continue
	fi
	if [ $want -eq 1 ]; then
		if [ -s "$tmp/out" ] || [ -f "$name.out" ]; then
			cp "$tmp/out" "$tmp/diff"
			fail "a run with errors wrote declarations (or $name.out exists)"
			continue
		fi
		echo "PASS $name"
		passed=$((passed + 1))
		continue
	fi
	if ! diff -u "$name.out" "$tmp/out" >"$tmp/diff"; then
		fail "output differs from $name.out"
		continue
	fi
	set -f
	"$bfplan" import $args -o "$tmp/written.plan" "$input" 2>/dev/null
	set +f
	if ! cmp -s "$tmp/out" "$tmp/written.plan"; then
		: >"$tmp/diff"
		fail "-o FILE writes other bytes than standard output"
		continue
	fi
	cat >"$tmp/roundtrip.plan" <<EOF
use "bigfix/server-automation"
use "bigfix/patches-for-windows"
use "world"
use "written"
EOF
	if ! "$bfplan" check -I "$here" "$tmp/roundtrip.plan" >"$tmp/diff" 2>&1; then
		fail "the output does not check clean"
		continue
	fi
	# an import that warned of nothing writes what check warns nothing about (BFP006 included)
	if [ ! -s "$name.err" ] && ! grep -q '^checked 1 file: no errors, no warnings$' "$tmp/diff"; then
		fail "check warns about an import that reported nothing"
		continue
	fi
	if ! "$bfplan" fmt --diff "$tmp/written.plan" >"$tmp/diff" 2>&1 || [ -s "$tmp/diff" ]; then
		fail "the output is not in the layout of bfplan fmt"
		continue
	fi
	echo "PASS $name"
	passed=$((passed + 1))
done

# A golden case checks the seed with this import's output (Fixlet 160, whose
# restart runs inside `if {pending restart}`): its copy must be what import writes.
name=golden-copy
: >"$tmp/diff"
if diff -u sa-restart-when-pending.out ../golden/imports/imported/restart-when-pending.plan >"$tmp/diff"; then
	echo "PASS $name: tests/golden/imports/imported/restart-when-pending.plan is sa-restart-when-pending.out"
	passed=$((passed + 1))
else
	fail "tests/golden/imports/imported/restart-when-pending.plan is not sa-restart-when-pending.out"
fi

# Import, then build the full form, then compare the elements with the input (roundtrip.py).
name=roundtrip
: >"$tmp/diff"
if [ "$given" -gt 0 ]; then
	:
elif /usr/bin/python3 "$here/roundtrip.py" "$bfplan" >"$tmp/diff" 2>&1; then
	echo "PASS $name: $(tail -1 "$tmp/diff")"
	passed=$((passed + 1))
else
	fail "import then build does not give back the content"
fi

echo "import: $passed passed, $failed failed"
[ $((passed + failed)) -gt 0 ] || { echo "import: no case found in $here" >&2; exit 1; }
[ "$failed" -eq 0 ]
