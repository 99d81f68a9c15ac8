#!/bin/sh
# tests/simulate/run.sh - golden tests of `bfplan simulate`.
#
# usage: sh tests/simulate/run.sh [--update] path/to/bfplan [NAME...]
#
# A case is cases/NAME.args: the arguments after `bfplan simulate`, on one
# line, paths relative to the top of the tree, where it runs (bfplan by a
# relative path too, so standard library files read stdlib/...), with
# beside it
#   NAME.out     what it writes to standard output,
#   NAME.err     what it writes to standard error,
#   NAME.status  its exit status (0 every invariant holds, 1 a violation
#                or errors in the plan, 2 trouble).
# Every case runs twice, and both runs must write the same bytes.  The
# JSON reports (--format json) are validated against
# docs/simulate.schema.json.  --update rewrites the expectations from what
# bfplan prints now; review them with `git diff tests/simulate`.
# Ends with "simulate: N passed, M failed".
set -u
update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
[ $# -ge 1 ] || { echo "usage: sh tests/simulate/run.sh [--update] path/to/bfplan [NAME...]" >&2; exit 2; }
bfplan=$1
shift
here=tests/simulate
[ -f "$here/run.sh" ] || { echo "tests/simulate/run.sh: run it from the top of the tree" >&2; exit 2; }
root=.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

if [ $# -eq 0 ]; then
	set -- $(cd "$here/cases" && ls *.args | sed 's/\.args$//')
fi
for name in "$@"; do
	case=$here/cases/$name
	args=$(cat "$case.args")
	# shellcheck disable=SC2086 # the arguments are split on blanks, on purpose
	(cd "$root" && "$bfplan" simulate $args) > "$tmp/out" 2> "$tmp/err"
	status=$?
	(cd "$root" && "$bfplan" simulate $args) > "$tmp/out2" 2> "$tmp/err2"
	if [ "$update" -eq 1 ]; then
		cp "$tmp/out" "$case.out"
		cp "$tmp/err" "$case.err"
		echo "$status" > "$case.status"
	fi
	why=""
	if ! cmp -s "$tmp/out" "$tmp/out2" || ! cmp -s "$tmp/err" "$tmp/err2"; then
		why="two runs wrote different bytes"
	elif [ "$status" != "$(cat "$case.status")" ]; then
		why="exit status $status, expected $(cat "$case.status")"
	elif ! cmp -s "$tmp/out" "$case.out"; then
		why="standard output differs:
$(diff "$case.out" "$tmp/out" | head -20)"
	elif ! cmp -s "$tmp/err" "$case.err"; then
		why="standard error differs:
$(diff "$case.err" "$tmp/err" | head -20)"
	elif grep -q -- '--format json' "$case.args" && [ -s "$tmp/out" ] &&
		! python3 "$here/validate_json.py" "$root/docs/simulate.schema.json" "$tmp/out" > "$tmp/schema" 2>&1; then
		why="the JSON report does not follow docs/simulate.schema.json: $(cat "$tmp/schema")"
	fi
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "PASS $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name: $why"
	fi
done
echo "simulate: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
