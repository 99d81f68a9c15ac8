#!/bin/sh
# tests/bench/run.sh BFPLAN - how bfplan scales with the number of plans.
#
# Generates plan files of 100, 1,000 and 10,000 three-node clusters (one
# plan each, the seed procedure) and times `bfplan check` and `bfplan build`
# on each.  Timings are reported as ratios against the 100-cluster run of
# the same invocation, so the figures mean the same on any machine: a
# linear tool shows about 10x and 100x.  Peak memory (max RSS) is reported
# the same way when /usr/bin/time is there to measure it.  Nothing here
# asserts a time: this is a measurement, not a test.
set -eu
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

generate() { # N FILE
	awk -v n="$1" 'BEGIN {
		print "use \"bigfix/server-automation\""
		print "use \"bigfix/patches-for-windows\""
		print "use \"exchange/exchange2007\""
		print "baseline cycle \"Monthly updates\" {"
		print "    fixlet 900201 site patches-for-windows"
		print "    restart"
		print "}"
		for (i = 0; i < n; i++) {
			printf "cluster c%d {\n    os windows-2008\n    nodes N%dA, N%dB, N%dC\n", i, i, i, i
			printf "    role exchange2007-mailbox \"MB%d\"\n}\n", i
			printf "plan p%d {\n    cluster c%d\n    max-down 1\n", i, i
			print "    require control-scripts, cluster-manager-service, dotnet-4.0"
			print "    each node {"
			print "        move-mailbox optional"
			print "        pause"
			print "        move-groups"
			print "        patch cycle"
			print "        resume"
			print "    }"
			print "}"
		}
	}' > "$2"
}

# measure COMMAND... -> "seconds kilobytes" on stdout (kilobytes 0 when unmeasured)
measure() {
	timer=
	[ -x /usr/bin/time ] && timer="/usr/bin/time -f %M -o $work/rss"
	echo 0 > "$work/rss"
	start=$(date +%s%N)
	$timer "$@" > /dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
	end=$(date +%s%N)
	awk -v a="$start" -v b="$end" -v kb="$(cat "$work/rss")" 'BEGIN { printf "%.3f %d\n", (b - a) / 1e9, kb }'
}

export BFPLAN_PATH="$top/stdlib"
printf '%-8s %10s %10s %8s %10s %10s %8s\n' clusters check_s ratio rss_kb build_s ratio rss_kb
ref_check=; ref_build=; ref_crss=; ref_brss=
for n in 100 1000 10000; do
	generate "$n" "$work/p$n.plan"
	set -- $(measure "$bfplan" check "$work/p$n.plan"); c=$1; crss=$2
	set -- $(measure "$bfplan" build "$work/p$n.plan" -o "$work/out$n" --site-url server-automation=http://sa.invalid/); b=$1; brss=$2
	rm -rf "$work/out$n"
	[ -n "$ref_check" ] || { ref_check=$c; ref_build=$b; ref_crss=$crss; ref_brss=$brss; }
	awk -v n="$n" -v c="$c" -v rc="$ref_check" -v cr="$crss" -v b="$b" -v rb="$ref_build" -v br="$brss" \
		'BEGIN { printf "%-8s %10s %9.1fx %8s %10s %9.1fx %8s\n", n, c, c / rc, cr, b, b / rb, br }'
done
echo "ratios are against the 100-cluster run above; about 10x and 100x is linear"
