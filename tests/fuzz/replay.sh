#!/bin/sh
# tests/fuzz/replay.sh - the fuzz corpus and every crash input, as regression tests.
#
# usage: sh tests/fuzz/replay.sh DIR HARNESS...
#
# DIR holds replay-HARNESS, each harness linked with a plain main()
# (support/replay_main.c) by the normal compiler; `make check` builds them
# plain and with ASan+UBSan (and LeakSanitizer, which ASan runs at exit).
# For each harness:
#
#   corpus/HARNESS/ and crashes/HARNESS/   replayed in one process, which
#       must get through every input: a crash, a sanitizer report, a leak,
#       a broken promise of the harness (an exit status other than 0, 1 or
#       2, a half-written output) or a hang fails the test, and each input
#       that fails is then named by replaying them one by one;
#   known-failures/HARNESS/   inputs of bugs that are not fixed yet, each
#       listed with its reason in known-failures/README.md: each must still
#       fail, in a process of its own.  One that passes has been fixed:
#       move it to crashes/HARNESS/ and delete its line in the README.
#
# A hang is a replay that takes longer than FUZZ_REPLAY_TIMEOUT seconds
# (default 1800, far beyond any real run; no timing is asserted).
# Run from the top of the source tree.  Prints PASS, FAIL or XFAIL lines
# and exits non-zero when anything fails.
set -u

if [ $# -lt 2 ]; then
	echo "usage: sh tests/fuzz/replay.sh DIR HARNESS..." >&2
	exit 2
fi
dir=$1
shift
here=tests/fuzz
limit=${FUZZ_REPLAY_TIMEOUT:-1800}
failed=0
log=$(mktemp)
# the harnesses' files, here rather than in /dev/shm, so that a crash leaves nothing behind
FUZZ_TMPDIR=$(mktemp -d)
export FUZZ_TMPDIR
trap 'rm -rf "$log" "$FUZZ_TMPDIR"' EXIT

count_files() {
	find "$@" -type f ! -name '.*' 2>/dev/null | wc -l
}

# Names the inputs of harness $1 that fail, replaying them one by one
# (the first ten, with the first lines of what each printed).
name_failures() {
	n=0
	for input in $(find "$here/corpus/$1" "$here/crashes/$1" -type f ! -name '.*' 2>/dev/null | sort); do
		if ! timeout "$limit" "$dir/replay-$1" "$input" > "$log" 2>&1; then
			echo "  fails: $input"
			sed 's/^/    /' "$log" | head -n 20
			n=$((n + 1))
			[ $n -lt 10 ] || break
		fi
	done
}

if [ -z "${BFPLAN_BES_XSD-}" ] || [ ! -r "$BFPLAN_BES_XSD" ]; then
	echo "SKIP replay: validation of built .bes files against BES.xsd, which is absent" \
	     "(BFPLAN_BES_XSD=${BFPLAN_BES_XSD-}); builds are replayed without --validate"
fi
for h in "$@"; do
	bin=$dir/replay-$h
	if [ ! -x "$bin" ]; then
		echo "FAIL replay $h: $bin is not built"
		failed=1
		continue
	fi
	set --
	for d in "$here/corpus/$h" "$here/crashes/$h"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	want=$(count_files "$@")
	if [ "$want" -eq 0 ]; then
		echo "FAIL replay $h: no corpus in $here/corpus/$h"
		failed=1
		continue
	fi
	timeout "$limit" "$bin" "$@" > "$log" 2>&1
	rc=$?
	got=$(sed -n 's/^\([0-9][0-9]*\) inputs$/\1/p' "$log")
	if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
		echo "PASS replay $h: $got inputs"
	else
		if [ $rc -eq 124 ]; then why="no end after ${limit}s"; else why="exit $rc"; fi
		echo "FAIL replay $h: $why, ${got:-not all} of $want inputs replayed"
		sed 's/^/    /' "$log" | head -n 40
		name_failures "$h"
		failed=1
	fi
	for input in "$here/known-failures/$h"/*; do
		[ -f "$input" ] || continue
		if timeout "$limit" "$bin" "$input" > "$log" 2>&1; then
			echo "FAIL replay $h: $input passes now: move it to $here/crashes/$h/" \
			     "and delete its line in $here/known-failures/README.md"
			failed=1
		else
			echo "XFAIL replay $h: $input (a known bug, see $here/known-failures/README.md)"
		fi
	done
done
exit $failed
