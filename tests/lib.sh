# tests/lib.sh - what the shell suites tests/formats, tests/fmt and
# tests/editors share: a scratch directory removed at the end, a plain
# environment, PASS/FAIL/SKIP lines with their counts, and running bfplan.
#
# A suite sets $suite (its name) and $bfplan (an absolute path), changes to
# the top of the tree and sources this file; it ends with `finish`, which
# prints "SUITE: N passed, M failed" and returns non-zero on a failure.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-$suite.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM

unset BFPLAN_PATH
NO_COLOR=1
LC_ALL=C
export NO_COLOR LC_ALL

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
skip() { echo "SKIP $1"; }

# run ARG...: bfplan's standard output in $tmp/out, its standard error in $tmp/err, its exit status in $status
run() {
	"$bfplan" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

finish() {
	echo "$suite: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
