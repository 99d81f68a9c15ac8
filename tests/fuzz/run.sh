#!/bin/sh
# tests/fuzz/run.sh - run each libFuzzer harness for a while, then sum up.
#
# usage: sh tests/fuzz/run.sh FUZZBUILD SECONDS HARNESS...
#
# `make fuzz` builds FUZZBUILD/fuzz-HARNESS with clang and runs this.  The
# harnesses run one after the other, each for SECONDS, at nice 10.  Each
# starts from tests/fuzz/corpus/HARNESS (read only) and keeps what it finds
# in FUZZBUILD/work/HARNESS, so that a later run goes on from there
# (`make fuzz-corpus` minimises it into the corpus in git).  An input that
# crashes, leaks, hangs for FUZZ_TIMEOUT seconds (default 20) or needs
# more than FUZZ_RSS_MB (default 2048) is written to
# tests/fuzz/crashes/HARNESS/, where `make check` replays it from then on.
#
# At the end: one line per harness with libFuzzer's final figures
# (executions, exec/s, cov, ft, corpus size) and what it found, also
# written to FUZZBUILD/summary.txt.  Exits non-zero when a harness found
# something.  Run from the top of the source tree.
set -u

if [ $# -lt 3 ]; then
	echo "usage: sh tests/fuzz/run.sh FUZZBUILD SECONDS HARNESS..." >&2
	exit 2
fi
build=$1
seconds=$2
shift 2
timeout=${FUZZ_TIMEOUT:-20}
rss=${FUZZ_RSS_MB:-2048}
max_len=${FUZZ_MAX_LEN:-16384}
summary=$build/summary.txt
# the harnesses' files, in memory when /dev/shm is there; removed at the end even after a crash
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	FUZZ_TMPDIR=$(mktemp -d /dev/shm/bfplan-fuzz-run.XXXXXX)
else
	FUZZ_TMPDIR=$(mktemp -d)
fi
export FUZZ_TMPDIR
trap 'rm -rf "$FUZZ_TMPDIR"' EXIT
mkdir -p "$build/logs"
found=0
printf '%-8s %10s %8s %7s %7s %12s  %s\n' harness execs exec/s cov ft corpus result > "$summary"

for h in "$@"; do
	work=$build/work/$h
	crashes=tests/fuzz/crashes/$h
	log=$build/logs/$h.log
	mkdir -p "$work" "$crashes" "tests/fuzz/corpus/$h"
	set --
	[ -f "tests/fuzz/$h.dict" ] && set -- "-dict=tests/fuzz/$h.dict"
	echo "fuzz: $h for ${seconds}s (log: $log)"
	nice -n 10 "$build/fuzz-$h" "$@" -max_total_time="$seconds" -timeout="$timeout" \
		-rss_limit_mb="$rss" -max_len="$max_len" -print_final_stats=1 \
		-report_slow_units=1000000 -artifact_prefix="$crashes/" \
		"$work" "tests/fuzz/corpus/$h" > "$log" 2>&1 < /dev/null
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
	artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
	if [ $rc -eq 0 ] && [ -z "$artifacts" ]; then
		result="no crash"
	else
		result="FOUND (exit $rc): ${artifacts:-see $log}"
		found=1
	fi
	printf '%-8s %10s %8s %7s %7s %12s  %s\n' "$h" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
		"${ft:-?}" "${corp:-?}" "$result" >> "$summary"
done

echo
echo "fuzz: ${seconds}s per harness; logs in $build/logs"
cat "$summary"
if [ $found -ne 0 ]; then
	echo "fuzz: the inputs above are in tests/fuzz/crashes/; fix the bug and commit them," \
	     "or list them in tests/fuzz/known-failures/ (README.md there)"
fi
exit $found
