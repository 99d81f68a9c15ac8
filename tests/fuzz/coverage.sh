#!/bin/sh
# tests/fuzz/coverage.sh - which code the fuzz inputs reach, line by line.
#
# usage: sh tests/fuzz/coverage.sh COVBUILD HARNESS...
#
# `make fuzz-coverage` builds COVBUILD/tests/replay-HARNESS with clang's
# source coverage (-fprofile-instr-generate -fcoverage-mapping) and runs
# this: it replays corpus/HARNESS, crashes/HARNESS and what `make fuzz`
# found (build/fuzz/work/HARNESS) and prints llvm-cov's line coverage of
# each file of compiler/, grammar/ and the generated scanner and parser,
# for all the harnesses together.  COVBUILD/coverage.txt has the whole
# report (regions, functions, branches); for the lines of one file:
#   llvm-cov-14 show COVBUILD/tests/replay-check -instr-profile=COVBUILD/fuzz.profdata FILE
# Run from the top of the source tree.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: sh tests/fuzz/coverage.sh COVBUILD HARNESS..." >&2
	exit 2
fi
build=$1
shift
FUZZ_TMPDIR=$(mktemp -d)
export FUZZ_TMPDIR
trap 'rm -rf "$FUZZ_TMPDIR"' EXIT
rm -f "$build"/*.profraw
objects=
for h in "$@"; do
	set --
	for d in tests/fuzz/corpus/$h tests/fuzz/crashes/$h build/fuzz/work/$h; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	printf 'coverage: %s: ' "$h"
	LLVM_PROFILE_FILE=$build/$h.profraw "$build/tests/replay-$h" "$@" 2>/dev/null
	if [ -z "$objects" ]; then objects=$build/tests/replay-$h; else objects="$objects -object $build/tests/replay-$h"; fi
done
llvm-profdata-14 merge -o "$build/fuzz.profdata" "$build"/*.profraw
# shellcheck disable=SC2086 # $objects is a list of options
llvm-cov-14 report $objects -instr-profile="$build/fuzz.profdata" > "$build/coverage.txt"
# llvm-cov 14's columns: name, regions (3), functions (3), lines: total, missed, cover ($8-$10)
awk -v top="$(pwd)/" '
	$1 ~ /^(compiler|grammar|.*\/gen)\// || $1 == "TOTAL" {
		name = $1; sub(top, "", name)
		if ($8 + 0 > 0)
			printf "%-32s %6s lines %6s missed %8s\n", name, $8, $9, $10
	}' "$build/coverage.txt"
