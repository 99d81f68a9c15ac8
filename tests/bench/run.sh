#!/bin/sh
# tests/bench/run.sh BFPLAN - how bfplan scales with the number of plans.
#
# Part one generates plan files of 100, 1,000 and 10,000 three-node
# clusters (one plan each, the seed procedure) and times `bfplan check` and
# `bfplan build` on each.  Timings are reported as ratios against the
# 100-cluster run of the same invocation, so the figures mean the same on
# any machine: a linear tool shows about 10x and 100x.  Peak memory (max
# RSS) is reported the same way when /usr/bin/time is there to measure it.
#
# Part two times `bfplan check` on inputs shaped to find what is worse than
# linear, each at a size and at 4x that size (the median of three runs of
# each), and prints the ratio: about 4x is linear, 4.5x is O(n log n) with
# room for noise, 16x is quadratic.  A plan from a pull request is not
# trusted, so none of these may make the checker stall:
#
#   nodes           one cluster of N nodes, and a plan over it (max-down 1)
#   nodes-wide      the same, every node but one down at once (few phases)
#   needs-chain     N prerequisites, each needing the next, all required
#   unknown-names   N prerequisites, and a plan requiring N misspelt ones
#   order-chain     one cluster of N nodes, N-1 `order A before B` lines
#   use-files       a plan that `use`s N files
#
# Nothing here asserts a time: this is a measurement, not a test.
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

# ---- part two: pathological shapes ---------------------------------------------------

# The shapes: each writes a plan of size N to FILE for `bfplan check`.
stdlib_uses() {
	printf 'use "windows/os"\nuse "bigfix/sites"\nuse "bigfix/server-automation"\n'
}
cluster_of() { # N: cluster c with nodes N0 .. N(N-1), which may all but one be down
	awk -v n="$1" 'BEGIN {
		printf "cluster c {\n    os windows-2008\n    quorum disk-only\n    nodes N0"
		for (i = 1; i < n; i++) printf ", N%d", i
		print "\n}"
	}'
}
plan_over_c() { # MAXDOWN [ORDER-CHAIN-LENGTH]
	awk -v md="$1" -v chain="${2:-0}" 'BEGIN {
		print "plan p {\n    cluster c\n    max-down " md "\n    require control-scripts"
		for (i = chain - 1; i > 0; i--) printf "    order N%d before N%d\n", i, i - 1
		print "    each node {\n        pause\n        move-groups\n        resume\n    }\n}"
	}'
}
shape_nodes() { # N MAXDOWN FILE
	{ stdlib_uses; cluster_of "$1"; plan_over_c "$2"; } > "$3"
}
shape_order_chain() { # N FILE
	{ stdlib_uses; cluster_of "$1"; plan_over_c $(($1 - 1)) "$1"; } > "$2"
}
shape_needs_chain() { # N FILE
	{ stdlib_uses; awk -v n="$1" 'BEGIN {
		print "task inst \"Install\" {\n    id 900001\n    site server-automation\n    os windows-2008\n}"
		for (i = 0; i < n; i++) {
			printf "prerequisite q%d \"Q%d\" {\n    provided-by inst\n    detect \"true\"\n", i, i
			if (i + 1 < n) printf "    needs q%d\n", i + 1
			print "}"
		}
		print "fixlet f \"F\" {\n    id 900002\n    site server-automation\n    os windows-2008\n    needs q0\n}"
		print "step go \"Go\" {\n    from online\n    to online\n    run f\n    timeout 1m\n}"
		print "cluster c {\n    os windows-2008\n    nodes A, B, C\n}\nplan p {\n    cluster c"
		for (i = 0; i < n; i++) printf "    require q%d\n", i
		print "    each node {\n        go\n    }\n}"
	}'; } > "$2"
}
shape_unknown_names() { # N FILE
	{ stdlib_uses; awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "prerequisite prereq-%d \"P\" {\n    provided-by install-cluster-control\n    detect \"true\"\n}\n", i
		print "cluster c {\n    os windows-2008\n    nodes A, B, C\n}\nplan p {\n    cluster c"
		for (i = 0; i < n; i++) printf "    require prereqq-%d\n", i
		print "    each node {\n        pause\n        resume\n    }\n}"
	}'; } > "$2"
}
shape_use_files() { # N FILE (the used files go beside it, in lib/)
	mkdir -p "$(dirname "$2")/lib"
	awk -v n="$1" -v dir="$(dirname "$2")/lib" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "use \"lib/f%d\"\n", i
			printf "os o%d \"O%d\"\n", i, i > (dir "/f" i ".plan")
			close(dir "/f" i ".plan")
		}
	}' > "$2"
}

# median_check FILE -> the median of three `bfplan check` times, in seconds
median_check() {
	for run in 1 2 3; do
		start=$(date +%s%N)
		rc=0
		"$bfplan" check "$1" > /dev/null 2>&1 || rc=$?
		end=$(date +%s%N)
		# errors in the plan are expected for some shapes; a crash or a usage error is not
		[ "$rc" -le 1 ] || { echo "bench: check of $1 exited $rc" >&2; exit 1; }
		echo $(( (end - start) / 1000 ))
	done | sort -n | sed -n 2p | awk '{ printf "%.3f\n", $1 / 1e6 }'
}

echo
printf '%-14s %8s %9s %8s %9s %7s\n' shape n check_s 4n check_s ratio
bench_shape() { # NAME N GENERATOR [ARG]
	name=$1; n=$2; gen=$3; shift 3
	for size in "$n" $((4 * n)); do
		mkdir -p "$work/$name-$size"
		$gen "$size" "$@" "$work/$name-$size/main.plan"
	done
	small=$(median_check "$work/$name-$n/main.plan")
	large=$(median_check "$work/$name-$((4 * n))/main.plan")
	awk -v s="$name" -v n="$n" -v a="$small" -v b="$large" \
		'BEGIN { printf "%-14s %8d %9.3f %8d %9.3f %6.1fx\n", s, n, a, 4 * n, b, (a > 0 ? b / a : 0) }'
	rm -rf "$work/$name-$n" "$work/$name-$((4 * n))"
}
nodes_1() { shape_nodes "$1" 1 "$2"; }
nodes_wide() { shape_nodes "$1" $(($1 - 1)) "$2"; }
bench_shape nodes 25000 nodes_1
bench_shape nodes-wide 25000 nodes_wide
bench_shape needs-chain 2000 shape_needs_chain
bench_shape unknown-names 4000 shape_unknown_names
bench_shape order-chain 5000 shape_order_chain
bench_shape use-files 2500 shape_use_files
echo "ratios are for 4x the input, medians of three runs: about 4x is linear, 16x quadratic"
