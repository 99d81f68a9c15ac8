#!/bin/sh
# tests/bench/run.sh BFPLAN - how fast bfplan checks and builds, side by side
# with the time xmllint takes to read its output back.
#
# In one invocation, each timing the median of BENCH_RUNS runs (3), each
# peak the largest resident memory of those runs (GNU time).  The two sides
# of a ratio run in turn, round after round (a build, then xmllint on what
# it wrote; check of 1,000 clusters, then of 10,000), so that both see the
# same load on a shared machine:
#
#   clusters       a plan file of N clusters, one plan each (clusters.awk:
#                  2 to 8 nodes, windows-2003 and windows-2008, with and
#                  without the Exchange role), at N = 1,000 and 10,000:
#                  `bfplan check`; `bfplan build` on disk and on tmpfs;
#                  `xmllint --noout` on the .bes files that build wrote,
#                  all of them in one run where the argument limit allows;
#                  at 10,000 also build --emit=bes, when this bfplan has
#                  --emit, and build --validate, when BES.xsd is there
#   nodes          one cluster of 20,000 nodes: check and build
#   use            a plan that `use`s 1,000 and 10,000 files: check
#   ulimit         a build of 10,000 plans under `ulimit -n 256`: ok or not
#   start-up       check of the seed example against /bin/true
#   run            `bfplan run PLAN --journal FILE next` on the seed with a journal
#                  of 10,000 entries (a window's pre-flight checks and steps, then
#                  notes), against the same on a journal not begun: replaying the
#                  journal should cost about what starting up does
#   lsp            bfplan lsp: the diagnostics of a 1,000-line plan after a change,
#                  as an editor sees them (tests/bench/lsp_latency.py), against 20 ms
#   shapes         inputs shaped to find what is worse than linear (below),
#                  checked at a size and at 4x that size
#   bigfix         the BigFix client's own cost per step of the seed against the
#                  stand-in server (tests/bigfix/bench.py): CPU time and requests,
#                  when build/tests/bigfix-probe is built and python3-lxml is there
#   simulate       simulate --faults 2 of the seed (goal: under 50 ms), and how
#                  the runs, states and time grow from 0 to 3 faults (16 nodes),
#                  from 4 to 64 nodes (2 faults), and a 5-node max-down 2 plan
#
# and then the ratios that the goals in docs/performance.md name, each
# with its goal and whether this run meets it.  Nothing here asserts a
# time: it exits 0 unless bfplan crashes, a build fails or a check finds
# errors it should not; a goal this run misses is a figure, not a failure.
#
# The shapes, for plans from pull requests (none may make the checker stall):
#
#   nodes           one cluster of N nodes, and a plan over it (max-down 1)
#   nodes-wide      the same, every node but one down at once (few phases)
#   needs-chain     N prerequisites, each needing the next, all required
#   unknown-names   N prerequisites, and a plan requiring N misspelt ones
#   order-chain     one cluster of N nodes, N-1 `order A before B` lines
#   use-files       a plan that `use`s N files
#
# Environment:
#   BENCH_RUNS=N    runs per timing (3); the median is reported
#   BENCH_QUICK=1   a tenth of every size (about a minute): ratios of such
#                   small runs say less, start-up weighs more in them
#   BENCH_DISK=DIR  where the on-disk outputs go (build/ of this tree)
#   BENCH_PARTS=... the parts to run, of: startup run clusters nodes use file_limit
#                   shapes simulate bigfix lsp (default: all; the ratios of the others say n/a)
#   BFPLAN_BES_XSD  the schema for build --validate (the Makefile sets it)
set -eu
[ $# -eq 1 ] || { echo "usage: tests/bench/run.sh BFPLAN" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/bench
python=/usr/bin/python3
site_url=server-automation=http://sa.invalid/

runs=${BENCH_RUNS:-3}
case $runs in '' | *[!0-9]* | 0) echo "bench: BENCH_RUNS must be a number of runs, 1 or more" >&2; exit 2 ;; esac
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	scale=10 sizes="a tenth of the full sizes (BENCH_QUICK=1)"
else
	scale=1 sizes="full sizes"
fi
small=$((1000 / scale)) large=$((10000 / scale)) wide=$((20000 / scale))
fd_limit=256

# ---- where outputs go, and the environment ---------------------------------------------

disk_parent=${BENCH_DISK:-$top/build}
mkdir -p "$disk_parent"
disk=$(mktemp -d "$disk_parent/bench.XXXXXX")
tmpfs='' tmpfs_absent=''
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
	tmpfs=$(mktemp -d /dev/shm/bfplan-bench.XXXXXX)
elif [ -d /dev/shm ]; then
	tmpfs_absent="/dev/shm is not a tmpfs here"
else
	tmpfs_absent="there is no /dev/shm here"
fi
trap 'rm -rf "$disk" ${tmpfs:+"$tmpfs"}' EXIT
trap 'exit 2' HUP INT TERM
in=$disk/in
mkdir "$in"
results=$disk/results   # KEY SECONDS PEAK_KB, one line per measurement
skipped=$disk/skipped   # KEY REASON, one line per measurement not taken
: > "$results"
: > "$skipped"
failures=0
limit_result=

export BFPLAN_PATH="$top/stdlib"
NO_COLOR=1 LC_ALL=C
export NO_COLOR LC_ALL

emit=
"$bfplan" build --help 2>&1 | grep -q -- --emit && emit=yes
xsd=${BFPLAN_BES_XSD-}
xmllint=$(command -v xmllint || true)
true_bin=/bin/true
[ -x "$true_bin" ] || true_bin=/usr/bin/true

commas() { # N -> N with thousands separated
	echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
}
free_kb() { # DIR -> kilobytes free there
	df -Pk "$1" | awk 'NR == 2 { print $4 }'
}
where() { # DIR -> "DIR (FSTYPE, N GB free)"
	echo "$1 ($(stat -f -c %T "$1"), $(free_kb "$1" | awk '{ printf "%.1f", $1 / 1048576 }') GB free)"
}

# ---- measuring -------------------------------------------------------------------------

row() { # LABEL SECONDS MB NOTE
	printf '%-58s %9s %9s  %s\n' "$1" "$2" "$3" "$4"
}
skip() { # KEY LABEL REASON
	echo "$1 $3" >> "$skipped"
	row "$2" - - "SKIP: $3"
}
error_line() { # LOG -> the line that says what went wrong
	line=$(grep -m 1 -i 'error\|too many\|cannot\|failed' "$1" || tail -n 1 "$1")
	echo "${line:-it printed nothing}"
}

# measure_once KEY CLEAN OK [MEASURE-OPTION...] -- COMMAND...: one run of COMMAND
# through measure.py (its options: --cwd, --args-from, --repeat), after removing CLEAN
# unless it is "-".  The figures go to $disk/runs.KEY; false unless the run ended by
# itself with an exit status up to OK.
measure_once() {
	key=$1 clean=$2 ok=$3
	shift 3
	[ "$clean" = - ] || rm -rf "$clean"
	"$python" "$here/measure.py" --log "$disk/log.$key" "$@" >> "$disk/runs.$key"
	expected "$(awk 'END { print $3 }' "$disk/runs.$key")" "$ok"
}
expected() { # STATUS OK: true when a run ended by itself with a status up to OK
	case $1 in signal-* | '') return 1 ;; esac
	[ "$1" -le "$2" ]
}

# rounds FUNCTION ARG...: call FUNCTION BENCH_RUNS times, or until it returns false.
# A function that takes several measurements in turn (a build, then xmllint on what it
# wrote) pairs them: each pair sees the same load of the machine, which matters more
# to their ratio than the load from one minute to the next.
rounds() {
	r=0
	while [ "$r" -lt "$runs" ]; do
		"$@" || return 0
		r=$((r + 1))
	done
}

# bench KEY LABEL CLEAN OK [MEASURE-OPTION...] -- COMMAND...: BENCH_RUNS runs as
# measure_once, then their row.
bench() {
	b_key=$1 b_label=$2 b_clean=$3 b_ok=$4
	shift 4
	: > "$disk/runs.$b_key"
	rounds measure_once "$b_key" "$b_clean" "$b_ok" "$@"
	record "$b_key" "$b_label" "$b_ok"
}

# record KEY LABEL OK: a row of the table for the runs of KEY, and their median time and
# largest peak in $results; or a CRASHED or FAILED row when the last run did not go well.
record() {
	key=$1 label=$2 ok=$3
	if [ ! -s "$disk/runs.$key" ]; then
		skip "$key" "$label" "not run: a measurement before it in the same round failed"
		return
	fi
	status=$(awk 'END { print $3 }' "$disk/runs.$key")
	if ! expected "$status" "$ok"; then
		failures=$((failures + 1))
		case $status in
		signal-*) row "$label" - - "CRASHED ($status): $(error_line "$disk/log.$key")"
			echo "$key it crashed" >> "$skipped" ;;
		*) row "$label" - - "FAILED (exit $status): $(error_line "$disk/log.$key")"
			echo "$key it failed" >> "$skipped" ;;
		esac
		return
	fi
	sort -n "$disk/runs.$key" | awk -v key="$key" -v label="$label" '
		{ t[NR] = $1; if ($2 > peak) peak = $2 }
		END {
			n = NR
			median = n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
			print key, median, peak > "/dev/stderr"
			printf "%-58s %9.4f %9s  %s\n", label, median, (peak ? sprintf("%.1f", peak / 1024) : "-"),
				(n > 1 ? sprintf("%.4f to %.4f", t[1], t[n]) : "")
		}' 2>> "$results"
}

value() { # KEY FIELD(2 time, 3 peak) -> the recorded figure, or nothing
	awk -v key="$1" -v f="$2" '$1 == key { print $f }' "$results"
}
why_not() { # KEY -> why KEY was not measured
	r=$(awk -v key="$1" '$1 == key { $1 = ""; print substr($0, 2); exit }' "$skipped")
	echo "${r:-not measured}"
}

# ratio LABEL GOAL FIELD NUMERATOR-KEY DENOMINATOR-KEY: a row of the ratio table.
# GOAL "-" is a figure without a goal.
ratio() {
	label=$1 goal=$2 field=$3 num=$4 den=$5
	a=$(value "$num" "$field") b=$(value "$den" "$field")
	goal_text=-
	[ "$goal" = - ] || goal_text="<= ${goal}x"
	if [ -z "$a" ] || [ -z "$b" ] || [ "$b" = 0 ]; then
		reason=$(why_not "$num")
		[ -n "$a" ] && reason=$(why_not "$den")
		printf '%-58s %9s %9s  n/a: %s\n' "$label" - "$goal_text" "$reason"
		return
	fi
	awk -v l="$label" -v a="$a" -v b="$b" -v g="$goal" -v gt="$goal_text" 'BEGIN {
		r = a / b
		printf "%-58s %8.2fx %9s  %s\n", l, r, gt, (g == "-" ? "" : (r <= g ? "meets" : "misses"))
	}'
}

# ---- the inputs --------------------------------------------------------------------------

clusters() { # N FILE [NODES]: N clusters, one plan each
	awk -v clusters="$1" -v nodes="${3:-0}" -f "$here/clusters.awk" > "$2"
}

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
nodes_1() { shape_nodes "$1" 1 "$2"; }
nodes_wide() { shape_nodes "$1" $(($1 - 1)) "$2"; }

# ---- the parts ---------------------------------------------------------------------------

per_plan_kb=200  # about what a build writes per plan (140 KB in the first figures of docs/performance.md), for room
room() { # KEY LABEL DIR KB: true when DIR has KB free and a tenth more; else a SKIP row
	have=$(free_kb "$3")
	[ "$have" -lt $(($4 + $4 / 10)) ] || return 0
	skip "$1" "$2" "needs about $(($4 / 1024)) MB free in $3, which has $((have / 1024)) MB"
	return 1
}
clear_runs() { # KEY...: no runs recorded yet for these
	for k; do : > "$disk/runs.$k"; done
}

# build_then_read KIND N FS DIR [OPTION...]: one build of N clusters into DIR with OPTIONs
# (key KIND-N-FS), then xmllint on the .bes it wrote (key xmllint-KIND-N-FS), when there
# is an xmllint; the outputs are removed after.
build_then_read() {
	kind=$1 n=$2 fs=$3 out=$4/out
	shift 4
	measure_once "$kind-$n-$fs" "$out" 0 -- "$bfplan" build "$in/clusters-$n.plan" -o "$out" \
		--site-url "$site_url" "$@" || return 1
	(cd "$out" && find . -name '*.bes' | sort) > "$disk/bes.list"
	wc -l < "$disk/bes.list" > "$disk/bes.count.$kind-$n-$fs"
	du -sb "$out" | awk '{ printf "%.1f\n", $1 / 1048576 }' > "$disk/bytes.$kind-$n-$fs"
	if [ -n "$xmllint" ]; then
		measure_once "xmllint-$kind-$n-$fs" - 0 --cwd "$out" --args-from "$disk/bes.list" \
			-- "$xmllint" --noout || return 1
	fi
	# what the file system alone costs: a copy of the same tree on the same file system
	measure_once "cp-$kind-$n-$fs" "$out.copy" 0 -- cp -r "$out" "$out.copy" || return 1
	rm -rf "$out" "$out.copy"
}
# record_build_then_read KIND N FS LABEL: the rows of build_then_read's runs
record_build_then_read() {
	kind=$1 n=$2 fs=$3 label=$4
	record "$kind-$n-$fs" "$label" 0
	key=xmllint-$kind-$n-$fs
	count=$(cat "$disk/bes.count.$kind-$n-$fs" 2> /dev/null || true)
	label="xmllint --noout, the ${count:+$(commas "$count") }.bes it wrote, $fs"
	if [ -z "$xmllint" ]; then
		skip "$key" "$label" "xmllint is not installed (Debian: libxml2-utils)"
	elif [ -s "$disk/runs.$key" ]; then
		record "$key" "$label" 0
	else
		skip "$key" "$label" "the build did not finish"
	fi
	key=cp-$kind-$n-$fs
	mb=$(cat "$disk/bytes.$kind-$n-$fs" 2> /dev/null || true)
	label="cp -r of the ${mb:+$mb MB }tree it wrote, $fs"
	if [ -s "$disk/runs.$key" ]; then
		record "$key" "$label" 0
		echo "bytes-$kind-$n-$fs $mb 0" >> "$results"
	else
		skip "$key" "$label" "the build did not finish"
	fi
}

# A round: the small and the large build on one file system, each read back at once.
builds_on() { # FS DIR
	build_then_read build "$small" "$1" "$2" && build_then_read build "$large" "$1" "$2"
}
checks() {
	measure_once "check-$small" - 0 -- "$bfplan" check "$in/clusters-$small.plan" &&
		measure_once "check-$large" - 0 -- "$bfplan" check "$in/clusters-$large.plan"
}

part_clusters() {
	for n in "$small" "$large"; do
		clusters "$n" "$in/clusters-$n.plan"
		size_kb=$(wc -c < "$in/clusters-$n.plan" | awk '{ printf "%.1f", $1 / 1024 }')
		echo "input-$n 0 $size_kb" >> "$results"
		row "(the plan file of $(commas "$n") clusters: $(awk -v k="$size_kb" 'BEGIN { printf "%.2f MB", k / 1024 }'))" "" "" ""
	done
	clear_runs "check-$small" "check-$large"
	rounds checks
	record "check-$small" "check, $(commas "$small") clusters" 0
	record "check-$large" "check, $(commas "$large") clusters" 0

	for fs in disk tmpfs; do
		dir=$disk
		[ "$fs" = disk ] || dir=$tmpfs
		for n in "$small" "$large"; do
			clear_runs "build-$n-$fs" "xmllint-build-$n-$fs"
		done
		if [ -z "$dir" ]; then
			for n in "$small" "$large"; do
				skip "build-$n-$fs" "build, $(commas "$n") clusters, $fs" "$tmpfs_absent"
				skip "xmllint-build-$n-$fs" "xmllint --noout, its .bes, $fs" "$tmpfs_absent"
			done
			continue
		fi
		if room "build-$large-$fs" "build, $(commas "$large") clusters, $fs" "$dir" $((large * per_plan_kb)); then
			rounds builds_on "$fs" "$dir"
			for n in "$small" "$large"; do
				record_build_then_read build "$n" "$fs" "build, $(commas "$n") clusters, $fs"
			done
		fi
	done

	for fs in disk tmpfs; do
		dir=$disk
		[ "$fs" = disk ] || dir=$tmpfs
		label="build --emit=bes, $(commas "$large") clusters, $fs"
		if [ -z "$emit" ]; then
			skip "emit-$large-$fs" "$label" "this bfplan has no --emit"
		elif [ -z "$dir" ]; then
			skip "emit-$large-$fs" "$label" "$tmpfs_absent"
		elif room "emit-$large-$fs" "$label" "$dir" $((large * per_plan_kb)); then
			clear_runs "emit-$large-$fs" "xmllint-emit-$large-$fs"
			rounds build_then_read emit "$large" "$fs" "$dir" --emit=bes
			record_build_then_read emit "$large" "$fs" "$label"
		fi
	done

	# Validation is CPU work: on tmpfs, where there is one, the disk does not blur it.
	fs=tmpfs dir=$tmpfs
	[ -n "$dir" ] || { fs=disk dir=$disk; }
	label="build --validate, $(commas "$large") clusters, $fs"
	if [ -z "$xsd" ] || [ ! -f "$xsd" ]; then
		skip "validate-$large" "$label" "BES.xsd is absent (BFPLAN_BES_XSD='$xsd')"
	elif room "validate-$large" "$label" "$dir" $((large * per_plan_kb)); then
		bench "validate-$large" "$label" "$dir/out" 0 -- "$bfplan" build "$in/clusters-$large.plan" \
			-o "$dir/out" --site-url "$site_url" --validate --schema "$xsd"
		rm -rf "$dir/out"
		base=$(value "build-$large-$fs" 2)
		[ -z "$base" ] || echo "validate-base-$large $base 0" >> "$results"
	fi
}

part_nodes() {
	plan=$in/nodes-$wide.plan
	clusters 1 "$plan" "$wide"
	label_n=$(commas "$wide")
	dir=$tmpfs fs=tmpfs
	[ -n "$dir" ] || { dir=$disk fs=disk; }
	bench check-nodes "check, one cluster of $label_n nodes" - 0 -- "$bfplan" check "$plan"
	# the clusters of part_clusters have 5 nodes on average
	label="build, one cluster of $label_n nodes, $fs"
	if room build-nodes "$label" "$dir" $((wide * per_plan_kb / 5)); then
		bench build-nodes "$label" "$dir/out" 0 -- "$bfplan" build "$plan" -o "$dir/out" --site-url "$site_url"
		rm -rf "$dir/out"
	fi
}

# check_pair SMALL-KEY SMALL-PLAN LARGE-KEY LARGE-PLAN OK: one round of two checks
check_pair() {
	measure_once "$1" - "$5" -- "$bfplan" check "$2" && measure_once "$3" - "$5" -- "$bfplan" check "$4"
}

part_use() {
	for n in "$small" "$large"; do
		mkdir -p "$in/use-$n"
		shape_use_files "$n" "$in/use-$n/main.plan"
	done
	clear_runs "use-$small" "use-$large"
	rounds check_pair "use-$small" "$in/use-$small/main.plan" "use-$large" "$in/use-$large/main.plan" 0
	for n in "$small" "$large"; do
		record "use-$n" "check, a plan that uses $(commas "$n") files" 0
		rm -rf "$in/use-$n"
	done
}

part_file_limit() {
	n=$large
	dir=$tmpfs
	[ -n "$dir" ] || dir=$disk
	label="build, $(commas "$n") plans, ulimit -n $fd_limit"
	room limit "$label" "$dir" $((n * per_plan_kb)) || return 0
	"$python" "$here/measure.py" --log "$disk/log.limit" --nofile "$fd_limit" \
		-- "$bfplan" build "$in/clusters-$n.plan" -o "$dir/limit" --site-url "$site_url" > "$disk/runs.limit"
	read -r seconds kb status < "$disk/runs.limit"
	rm -rf "$dir/limit"
	case $status in
	0) limit_result=ok
	   row "$label" "$(printf %.4f "$seconds")" "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" "ok" ;;
	signal-*) failures=$((failures + 1)) limit_result="crashed"
	   row "$label" - - "CRASHED ($status): $(error_line "$disk/log.limit")" ;;
	*) limit_result="failed: $(error_line "$disk/log.limit")"
	   row "$label" - - "$limit_result" ;;
	esac
}

# Start-up takes milliseconds, which the load of a shared machine blurs: each run is the
# mean of 20, and the runs of check and of true alternate.
startup_pair() {
	measure_once startup-check - 0 --repeat 20 -- "$bfplan" check "$top/examples/exchange2007-windows2008.plan" &&
		measure_once startup-true - 0 --repeat 20 -- "$true_bin"
}
part_startup() {
	clear_runs startup-check startup-true
	rounds startup_pair
	record startup-check "check of the seed example (mean of 20)" 0
	record startup-true "$true_bin (mean of 20, alternating with check)" 0
}

# A journal of N entries for the seed: the pre-flight checks and the first step recorded
# by bfplan run (so its header binds the plan), then notes up to N.
journal_of() { # N FILE
	rm -f "$2"
	for step in "done P1" "done P2" "done P3" "done P4" "done P5" "done P6" "start 1" "done 1"; do
		# shellcheck disable=SC2086
		BFPLAN_NOW=2026-12-06T21:00:00Z BFPLAN_OPERATOR=bench "$bfplan" run \
			"$top/examples/exchange2007-windows2008.plan" --journal "$2" $step > /dev/null || return 1
	done
	"$python" - "$1" "$2" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
seq = sum(1 for _ in open(path)) - 1
with open(path, "a") as out:
    while seq < n:
        seq += 1
        out.write(json.dumps({"seq": seq, "type": "note", "at": "2026-12-06T21:00:00Z", "by": "bench",
                              "text": f"entry {seq} of a long window"}, separators=(",", ":")) + "\n")
PY
}
run_pair() {
	measure_once run-next-none - 0 --repeat 20 -- env BFPLAN_NOW=2026-12-06T21:30:00Z "$bfplan" run \
		"$top/examples/exchange2007-windows2008.plan" --journal "$in/none.journal" next &&
		measure_once run-next-large - 0 --repeat 20 -- env BFPLAN_NOW=2026-12-06T21:30:00Z "$bfplan" run \
			"$top/examples/exchange2007-windows2008.plan" --journal "$in/large.journal" next
}
part_run() {
	if ! journal_of "$large" "$in/large.journal"; then
		skip run-next-large "run next, a journal of $(commas "$large") entries" "the journal could not be made"
		return
	fi
	clear_runs run-next-none run-next-large
	rounds run_pair
	record run-next-none "run next, a journal not begun (mean of 20)" 0
	record run-next-large "run next, a journal of $(commas "$large") entries (mean of 20)" 0
}

# shape NAME N GENERATOR: check of the shape at N and at 4N, in turn
shape() {
	name=$1 n=$(($2 / scale)) gen=$3
	for size in "$n" $((4 * n)); do
		mkdir -p "$in/$name-$size"
		$gen "$size" "$in/$name-$size/main.plan"
	done
	clear_runs "shape-$name-$n" "shape-$name-$((4 * n))"
	# errors in the plan are expected for some shapes; a crash or a usage error is not
	rounds check_pair "shape-$name-$n" "$in/$name-$n/main.plan" \
		"shape-$name-$((4 * n))" "$in/$name-$((4 * n))/main.plan" 1
	for size in "$n" $((4 * n)); do
		record "shape-$name-$size" "check, $name $(commas "$size")" 1
		rm -rf "$in/$name-$size"
	done
}
part_shapes() {
	shape nodes 25000 nodes_1
	shape nodes-wide 25000 nodes_wide
	shape needs-chain 2000 shape_needs_chain
	shape unknown-names 4000 shape_unknown_names
	shape order-chain 5000 shape_order_chain
	shape use-files 2500 shape_use_files
}

# The language server: how soon an editor shows the diagnostics of a plan of 1,000 lines
# (58 clusters of clusters.awk) after a change, debounce included; the median of 30
# edits (tests/bench/lsp_latency.py).  Not scaled by BENCH_QUICK: the goal is for this size.
part_lsp() {
	label="lsp: diagnostics after a change, 1,000-line plan"
	if [ ! -x "$python" ]; then
		skip lsp-change "$label" "python3 is not installed"
		return
	fi
	clusters 58 "$in/lsp.plan"
	lines=$(wc -l < "$in/lsp.plan")
	if "$python" "$here/lsp_latency.py" "$bfplan" "$in/lsp.plan" 30 > "$disk/runs.lsp" 2> "$disk/log.lsp"; then
		read -r seconds kb slowest < "$disk/runs.lsp"
		echo "lsp-change $seconds $kb" >> "$results"
		echo "lsp-goal 0.020 0" >> "$results"
		row "lsp: diagnostics after a change, $lines-line plan" "$(printf %.4f "$seconds")" \
			"$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" "median of 30 edits, slowest $(printf %.4f "$slowest")"
	else
		failures=$((failures + 1))
		row "$label" - - "FAILED: $(error_line "$disk/log.lsp")"
		echo "lsp-change it failed" >> "$skipped"
	fi
	rm -f "$in/lsp.plan"
}

# simulate: the seed (goal: under 50 ms; the mean of 20 runs), then how the runs explored,
# the distinct states and the time grow with the faults (0 to 3, on 16 nodes) and with the
# nodes (4 to 64, under 2 faults), and a 5-node plan with max-down 2 (tests/simulate/genplan.sh).
sim_figures() { # FAULTS PLAN -> "N runs, M distinct states" of one run
	"$bfplan" simulate --faults "$1" "$2" | sed -n 's/^explored: \([0-9]*\) runs*, \([0-9]*\) distinct.*/\1 runs, \2 states/p'
}
sim_bench() { # KEY FAULTS PLAN LABEL
	bench "$1" "$4 ($(sim_figures "$2" "$3"))" - 0 -- "$bfplan" simulate --faults "$2" "$3"
}
part_simulate() {
	gen=$top/tests/simulate/genplan.sh
	for n in 4 16 64; do sh "$gen" "$n" 1 > "$in/sim-$n.plan"; done
	sh "$gen" 5 2 > "$in/sim-5x2.plan"
	bench sim-seed "simulate --faults 2 of the seed example (mean of 20)" - 0 --repeat 20 -- \
		"$bfplan" simulate "$top/examples/exchange2007-windows2008.plan"
	sim_bench sim-5x2-f1 1 "$in/sim-5x2.plan" "simulate -f1, 5 nodes max-down 2"
	sim_bench sim-5x2-f2 2 "$in/sim-5x2.plan" "simulate -f2, 5 nodes max-down 2"
	for f in 0 1 2 3; do
		sim_bench "sim-16-f$f" "$f" "$in/sim-16.plan" "simulate -f$f, 16 nodes"
	done
	for n in 4 64; do
		sim_bench "sim-$n-f2" 2 "$in/sim-$n.plan" "simulate -f2, $n nodes"
	done
}

# bigfix: the client's CPU time and requests per step, against the stand-in server.
part_bigfix() {
	probe=$(dirname "$bfplan")/tests/bigfix-probe
	if [ ! -x "$probe" ]; then
		skip bigfix "bigfix client, CPU per step" "$probe is not built (make $probe)"
	elif ! "$python" -c 'import lxml.etree' 2>/dev/null; then
		skip bigfix "bigfix client, CPU per step" "the stand-in server needs python3-lxml"
	elif ! "$python" "$top/tests/bigfix/bench.py" "$bfplan" "$probe"; then
		row "bigfix client, CPU per step" - - "FAILED (tests/bigfix/bench.py)"
		failures=$((failures + 1))
	fi
}

# ---- the run ---------------------------------------------------------------------------

echo "bfplan bench: $("$bfplan" --version 2>&1 | head -n 1), $sizes, median of $runs runs each"
[ "$runs" -ge 3 ] || echo "  (fewer than 3 runs: the medians are less steady)"
echo "machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) memory, load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the start"
echo "disk:  $(where "$disk")"
if [ -n "$tmpfs" ]; then
	echo "tmpfs: $(where "$tmpfs")"
else
	echo "tmpfs: absent ($tmpfs_absent): the tmpfs lines are skipped"
fi
[ -x /usr/bin/time ] || echo "peak memory: not measured, GNU time (/usr/bin/time, Debian: time) is not installed"
echo
row measurement median_s peak_MB "fastest to slowest run"
for part in ${BENCH_PARTS:-startup run clusters nodes use file_limit shapes simulate bigfix lsp}; do
	"part_$part"
done

L=$(commas "$large") S=$(commas "$small") W=$(commas "$wide")
echo
row ratio value goal ""
ratio "build --emit=bes / xmllint, $L clusters, disk" 1.0 2 "emit-$large-disk" "xmllint-emit-$large-disk"
ratio "build --emit=bes / xmllint, $L clusters, tmpfs" 1.0 2 "emit-$large-tmpfs" "xmllint-emit-$large-tmpfs"
ratio "build / xmllint, $L clusters, disk" 3.0 2 "build-$large-disk" "xmllint-build-$large-disk"
ratio "build / xmllint, $L clusters, tmpfs" 3.0 2 "build-$large-tmpfs" "xmllint-build-$large-tmpfs"
ratio "build / cp -r of its output, $L clusters, disk" 2.5 2 "build-$large-disk" "cp-build-$large-disk"
ratio "build / cp -r of its output, $L clusters, tmpfs" 2.5 2 "build-$large-tmpfs" "cp-build-$large-tmpfs"
ratio "build --emit=bes / cp -r of its output, $L clusters, disk" 2.0 2 "emit-$large-disk" "cp-emit-$large-disk"
ratio "build --emit=bes / cp -r of its output, $L clusters, tmpfs" 2.0 2 "emit-$large-tmpfs" "cp-emit-$large-tmpfs"
echo "bytes-before-1000 131 0" >> "$results"
for n in "$small" "$large"; do
	[ "$n" = 1000 ] || continue
	for fs in tmpfs disk; do
		[ -n "$(value "bytes-build-$n-$fs" 2)" ] || continue
		ratio "MB a build of 1,000 clusters writes / 131 MB before" 0.5 2 "bytes-build-$n-$fs" "bytes-before-1000"
		break
	done
done
ratio "check, $L / $S clusters" 11 2 "check-$large" "check-$small"
ratio "build, $L / $S clusters, disk" 11 2 "build-$large-disk" "build-$small-disk"
ratio "build, $L / $S clusters, tmpfs" 11 2 "build-$large-tmpfs" "build-$small-tmpfs"
ratio "check, $L / $S files joined by use" 11 2 "use-$large" "use-$small"
ratio "peak, build / check, $L clusters" 1.25 3 "build-$large-disk" "check-$large"
ratio "peak, build / check, one cluster of $W nodes" 1.25 3 "build-nodes" "check-nodes"
ratio "peak of check / size of the plan file, $L clusters" 20 3 "check-$large" "input-$large"
ratio "start-up: check of the seed example / true" 3.0 2 startup-check startup-true
ratio "run next: $L journal entries / none" 2.0 2 run-next-large run-next-none
ratio "lsp: diagnostics after a change / 20 ms, 1,000 lines" 1.0 2 lsp-change lsp-goal
printf '%-58s %9s %9s  %s\n' "build of $L plans under ulimit -n $fd_limit" \
	"${limit_result%%:*}" succeeds "$(case ${limit_result:-} in ok) echo meets ;; '') echo "n/a: $(why_not limit)" ;; *) echo "misses: ${limit_result#*: }" ;; esac)"
for s in nodes:25000 nodes-wide:25000 needs-chain:2000 unknown-names:4000 order-chain:5000 use-files:2500; do
	name=${s%%:*} n=$((${s#*:} / scale))
	ratio "check, $name, 4x the input ($(commas $((4 * n))) / $(commas "$n"))" 4.4 2 "shape-$name-$((4 * n))" "shape-$name-$n"
done
ratio "build --validate / build, $L clusters" - 2 "validate-$large" "validate-base-$large"
seed_ms=$(value sim-seed 2)
printf '%-58s %9s %9s  %s\n' "simulate --faults 2 of the seed example, ms" \
	"$(if [ -n "$seed_ms" ]; then awk -v t="$seed_ms" 'BEGIN { printf "%.1f", t * 1000 }'; else echo -; fi)" "< 50" \
	"$(if [ -z "$seed_ms" ]; then echo "n/a: $(why_not sim-seed)"; elif awk -v t="$seed_ms" 'BEGIN { exit !(t < 0.05) }'; then echo meets; else echo misses; fi)"
ratio "simulate, 16 nodes, 2 / 1 faults" - 2 sim-16-f2 sim-16-f1
ratio "simulate, 16 nodes, 3 / 2 faults" - 2 sim-16-f3 sim-16-f2
ratio "simulate --faults 2, 16 / 4 nodes" - 2 sim-16-f2 sim-4-f2
ratio "simulate --faults 2, 64 / 16 nodes" - 2 sim-64-f2 sim-16-f2
ratio "simulate --faults 2 / 1, 5 nodes, max-down 2" - 2 sim-5x2-f2 sim-5x2-f1
echo
echo "Goals (docs/performance.md): 10x the input in at most 11x the time (4x in at most 4.4x for the shapes),"
echo "build peak at most 1.25x check's, check's at most 20x its input; the language server's diagnostics"
echo "within 20 ms of a change to a 1,000-line plan. A measurement, not a test."
if [ "$failures" -gt 0 ]; then
	echo "bench: $failures measurement(s) crashed or failed (above)" >&2
	exit 1
fi
