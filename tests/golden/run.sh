#!/bin/sh
# tests/golden/run.sh - golden tests of `bfplan check`.
#
# usage: sh tests/golden/run.sh [--update] path/to/bfplan [NAME...]
#
# A case is a file NAME.plan in this directory with exactly one expectation
# beside it:
#
#   NAME.err   everything `bfplan check NAME.plan` writes to standard error,
#              run from this directory (so paths read NAME.plan), carets
#              included.  An empty NAME.err means "checks clean".
#
# The exit status must be 1 when NAME.err contains ": error:" and 0
# otherwise, and standard output must be the one line that counts the
# errors and warnings of NAME.err ("checked 1 file: 2 errors, no
# warnings"), and nothing else.
#
# A case may also have NAME.args: extra arguments put between `check` and
# the file, separated by blanks, on one or more lines, with no quoting (for
# example "--werror" or "-I imports/include").
#
# Every case runs twice, from the file and from standard input
# (`bfplan check ARGS --stdin-filename=NAME.plan - < NAME.plan`), and both
# runs must print the same text.  Files that cases import are not cases:
# they live in subdirectories (imports/).  bfplan is run by its path
# relative to this directory, so standard library files read
# ../../stdlib/... in expectations, on any machine.
#
# Given NAMEs, only those cases run.  --update rewrites NAME.err from what
# bfplan prints now, then checks as usual; review the result with
# `git diff tests/golden` before keeping it.
#
# Prints PASS or FAIL per case and ends with "golden: N passed, M failed";
# exits non-zero when a case fails or no case was found.

usage() {
	echo "usage: sh tests/golden/run.sh [--update] path/to/bfplan [NAME...]" >&2
	exit 2
}

update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
[ $# -ge 1 ] || usage

if [ ! -f "$1" ] || [ ! -x "$1" ]; then
	echo "golden: cannot run '$1'" >&2
	exit 2
fi
bfplan_abs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") || exit 2
shift

here=$(cd "$(dirname "$0")" && pwd) || exit 2
cd "$here" || exit 2

# relative_path DIR FILE: FILE as seen from DIR (both absolute and clean).
relative_path() {
	from=${1%/}/
	up=
	while [ "${2#"$from"}" = "$2" ]; do
		from=${from%/*/}/
		up=../$up
	done
	echo "$up${2#"$from"}"
}

# bfplan is run by a path relative to this directory, so the files it finds
# through its own location (the standard library) are named the same way on
# every machine: ../../stdlib/..., never /home/someone/...
bfplan=$(relative_path "$here" "$bfplan_abs")

# The same output wherever the suite runs: no colors, no search path from
# the environment, byte-wise sorting.
unset BFPLAN_PATH
NO_COLOR=1
LC_ALL=C
export NO_COLOR LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM

passed=0
failed=0

# count N ONE MANY: "no MANY", "1 ONE" or "N MANY".
count() {
	case $1 in
	0) echo "no $3" ;;
	1) echo "1 $2" ;;
	*) echo "$1 $3" ;;
	esac
}

# tally ERRFILE: the line `bfplan check` ends with, from the diagnostics it printed.
tally() {
	errors=$(grep -cE '^[^ ].*: error: .*\[BFP[0-9]{3}\]$' "$1")
	warnings=$(grep -cE '^[^ ].*: warning: .*\[BFP[0-9]{3}\]$' "$1")
	echo "checked 1 file: $(count "$errors" error errors), $(count "$warnings" warning warnings)"
}

fail() {
	echo "FAIL $name: $1"
	if [ -s "$tmp/diff" ]; then
		sed 's/^/    /' "$tmp/diff"
	fi
	failed=$((failed + 1))
}

if [ $# -eq 0 ]; then
	all=1
	set -- *.plan
else
	all=0
fi

for plan in "$@"; do
	plan=${plan%.plan}.plan
	name=${plan%.plan}
	if [ ! -f "$plan" ]; then
		[ $all -eq 1 ] && continue # no *.plan at all
		: >"$tmp/diff"
		fail "no such case: $plan"
		continue
	fi
	: >"$tmp/diff"

	if [ ! -f "$name.err" ] && [ $update -eq 0 ]; then
		fail "no expectation: $name.err is missing"
		continue
	fi
	args=
	if [ -f "$name.args" ]; then
		args=$(cat "$name.args")
	fi

	# $args is split on blanks, on purpose, but never expanded as a pattern
	set -f
	"$bfplan" check $args "$plan" >"$tmp/out" 2>"$tmp/err"
	status=$?
	"$bfplan" check $args --stdin-filename="$plan" - <"$plan" >"$tmp/out-stdin" 2>"$tmp/err-stdin"
	status_stdin=$?
	set +f

	if [ $update -eq 1 ]; then
		cp "$tmp/err" "$name.err"
	fi

	if grep -q ': error:' "$name.err"; then
		want=1
	else
		want=0
	fi

	if ! diff -u "$name.err" "$tmp/err" >"$tmp/diff"; then
		fail "diagnostics differ from $name.err"
	elif ! diff -u "$tmp/err" "$tmp/err-stdin" >"$tmp/diff"; then
		fail "standard input gives other diagnostics than the file"
	elif [ "$status" -ne "$want" ]; then
		fail "exit status $status, expected $want"
	elif [ "$status_stdin" -ne "$want" ]; then
		fail "exit status $status_stdin from standard input, expected $want"
	elif tally "$name.err" >"$tmp/tally" && ! diff -u "$tmp/tally" "$tmp/out" >"$tmp/diff"; then
		fail "standard output is not the count of $name.err's diagnostics"
	elif ! diff -u "$tmp/tally" "$tmp/out-stdin" >"$tmp/diff"; then
		fail "standard output from standard input is not the count of $name.err's diagnostics"
	else
		echo "PASS $name"
		passed=$((passed + 1))
	fi
done

# An expectation without its plan is a case that silently stopped running.
[ $all -eq 1 ] && for err in *.err *.args; do
	[ -f "$err" ] || continue
	name=${err%.*}
	if [ ! -f "$name.plan" ]; then
		: >"$tmp/diff"
		fail "$err has no $name.plan"
	fi
done

echo "golden: $passed passed, $failed failed"
if [ $((passed + failed)) -eq 0 ]; then
	echo "golden: no case found in $here" >&2
	exit 1
fi
[ "$failed" -eq 0 ]
