#!/bin/sh
# tests/memory/run.sh - memory grows at most linearly with the input, in every
# command, and running out of it is BFP008 and exit status 2, in every command.
#
# usage: sh tests/memory/run.sh path/to/bfplan [--figures]
#
# The oracle is `ulimit -v`, not a clock: for each command and input shape,
# the smallest address-space limit under which the command still does what it
# does without one (same exit status, no BFP008) is found by bisection, to
# 1 MiB, at sizes 1x and 4x.  A linear command then needs at most
# M16 = M1 + 5 (M4 - M1) at 16x; the test runs the 16x input under
# M1 + 1.5 x 5 (M4 - M1) + 16 MiB and expects it to pass.  A command whose
# memory grows with the square of the input needs about M1 + 85 (M4 - M1)
# there, and fails.  With --figures (make bench) M16 is bisected as well and
# every figure is printed.
#
# Then, per command, a limit a little under what it needs: the run must end
# in BFP008 and exit status 2 (never an abort or a crash).
#
# The shapes:
#   nodes     one cluster of N nodes and a plan over it, max-down 1: N phases,
#             3N steps (the shape that drove diff to 20 GB)
#   wide      the same, with every node but one down at once: one phase of N-1 nodes
#   clusters  N clusters of 2 to 8 nodes, one plan each (tests/bench/clusters.awk)
#   bes       a .bes file of N Fixlets of one title, each with 4 actions (import)
#   names     N node names separated by commas (init --nodes)
#
# Sanitizer builds reserve terabytes of address space and cannot run under a
# limit: the test says so and skips.
set -u
[ $# -ge 1 ] || { echo "usage: sh tests/memory/run.sh path/to/bfplan [--figures]" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
figures=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
unset BFPLAN_PATH
NO_COLOR=1 LC_ALL=C
export NO_COLOR LC_ALL
site_url=server-automation=http://sa.invalid/

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-memory.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM
cd "$tmp" || exit 2

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# ---- the inputs --------------------------------------------------------------------------

nodes() { # N MAXDOWN FILE
	awk -v n="$1" -v md="$2" 'BEGIN {
		print "use \"windows/os\"\nuse \"bigfix/sites\"\nuse \"bigfix/server-automation\""
		printf "cluster c {\n    os windows-2008\n    quorum disk-only\n    nodes N0"
		for (i = 1; i < n; i++) printf ", N%d", i
		print "\n}"
		print "plan p {\n    cluster c\n    max-down " md "\n    require control-scripts"
		print "    each node {\n        pause\n        move-groups\n        resume\n    }\n}"
	}' >"$3"
}
clusters() { # N FILE
	awk -v clusters="$1" -f "$top/tests/bench/clusters.awk" >"$2"
}
bes() { # N FILE; the --id list goes to FILE.ids
	awk -v n="$1" -v ids="$2.ids" 'BEGIN {
		print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BES>"
		for (i = 1; i <= n; i++) {
			print "\t<Fixlet>\n\t\t<Title>Example update for the tests</Title>\n\t\t<Description />"
			print "\t\t<Relevance>true</Relevance>\n\t\t<DefaultAction ID=\"Action1\">"
			print "\t\t\t<ActionScript>wait update.exe /quiet</ActionScript>\n\t\t</DefaultAction>"
			for (k = 2; k <= 4; k++)
				printf "\t\t<Action ID=\"Action%d\">\n\t\t\t<ActionScript>wait other%d.exe</ActionScript>\n\t\t</Action>\n", k, k
			print "\t</Fixlet>"
			printf "%s%d", (i > 1 ? "," : ""), 900000 + i > ids
		}
		print "</BES>"
	}' >"$2"
}

# make_input SHAPE N: writes the input of SHAPE at size N, named IN-SHAPE-N.*
make_input() {
	case $1 in
	nodes) nodes "$2" 1 "in-nodes-$2.plan"; nodes "$2" 2 "in-nodes-$2-new.plan" ;;
	wide) nodes "$2" $(($2 - 1)) "in-wide-$2.plan" ;;
	clusters) clusters "$2" "in-clusters-$2.plan" ;;
	bes) bes "$2" "in-bes-$2.bes" ;;
	names) awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%sN%d", (i ? "," : ""), i; print "" }' \
		>"in-names-$2.txt" ;;
	esac
}

# command_line NAME SHAPE N: the arguments of case NAME on its input of size N
command_line() {
	case $1 in
	check) echo "check in-$2-$3.plan" ;;
	build) echo "build in-$2-$3.plan -o out --site-url $site_url --emit=bes,json" ;;
	graph) echo "graph in-$2-$3.plan" ;;
	diff) if [ "$2" = nodes ]; then echo "diff in-nodes-$3.plan in-nodes-$3-new.plan"
	      else echo "diff in-$2-$3.plan in-$2-$3.plan"; fi ;;
	fmt) echo "fmt in-$2-$3.plan" ;;
	import) echo "import --site tools --id $(cat "in-bes-$3.bes.ids") in-bes-$3.bes" ;;
	explain) echo "explain --list" ;;
	simulate) echo "simulate in-$2-$3.plan" ;;
	run) echo "run in-$2-$3.plan --journal none-$3.journal status" ;;
	init) echo "init c --nodes $(cat "in-names-$3.txt")" ;;
	esac
}

# ---- running under a limit ---------------------------------------------------------------

# run_limited KB ARG...: bfplan under an address-space limit of KB (0: none); sets $status
run_limited() {
	kb=$1
	shift
	rm -rf out
	if [ "$kb" = 0 ]; then
		"$bfplan" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
	else
		(ulimit -v "$kb" && exec "$bfplan" "$@") >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
	fi
	status=$?
}

# fits KB WANT ARG...: true when bfplan ends as it does without a limit (status WANT, no BFP008)
fits() {
	kb=$1 want=$2
	shift 2
	run_limited "$kb" "$@"
	[ "$status" -eq "$want" ] && ! grep -q 'BFP008' "$tmp/stderr"
}

# least WANT LOW ARG...: the least limit, to 1 MiB, under which bfplan fits, at least LOW
least() {
	want=$1 lo=$2
	shift 2
	hi=$((lo + 65536))
	while ! fits "$hi" "$want" "$@"; do
		lo=$hi hi=$((hi * 2))
		[ "$hi" -le 67108864 ] || { echo 0; return; }
	done
	while [ $((hi - lo)) -gt 1024 ]; do
		mid=$(((lo + hi) / 2))
		if fits "$mid" "$want" "$@"; then hi=$mid; else lo=$mid; fi
	done
	echo "$hi"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

if ! (ulimit -v 262144 && exec "$bfplan" explain --list) >/dev/null 2>&1; then
	skip "memory" "bfplan cannot start under a 256 MiB address-space limit (sanitizer builds reserve terabytes)"
	echo "memory: 0 passed, 0 failed"
	exit 0
fi

# ---- at most linear ----------------------------------------------------------------------

# CASE SHAPE BASE: BASE is the size 1x
cases='check nodes 1000
check clusters 250
build nodes 4000
graph nodes 1000
graph wide 1000
graph clusters 250
diff nodes 1000
diff clusters 250
fmt clusters 250
import bes 250
simulate nodes 250
run nodes 1000
init names 1000
explain none 1'

[ -n "$figures" ] && printf '%-18s %10s %10s %10s  %s\n' "command, shape" "1x" "4x" "16x" "growth 1x to 16x / 1x to 4x (linear: 5)"
echo "$cases" | while read -r name shape base; do
	for k in 1 4 16; do make_input "$shape" $((base * k)); done
	args1=$(command_line "$name" "$shape" "$base")
	args4=$(command_line "$name" "$shape" $((base * 4)))
	args16=$(command_line "$name" "$shape" $((base * 16)))
	# shellcheck disable=SC2086 # the arguments are words without blanks
	{ run_limited 0 $args16; want16=$status; run_limited 0 $args4; want4=$status; run_limited 0 $args1; want1=$status; }
	if [ "$want1" -gt 1 ] || [ "$want16" -gt 1 ]; then
		fail "$name, $shape: memory" "it does not run without a limit (exit $want1, $want16): $(head -n 2 "$tmp/stderr")"
		continue
	fi
	# shellcheck disable=SC2086
	m1=$(least "$want1" 0 $args1)
	# shellcheck disable=SC2086
	m4=$(least "$want4" "$m1" $args4)
	budget=$((m1 + (m4 - m1) * 15 / 2 + 16384))
	# shellcheck disable=SC2086
	if fits "$budget" "$want16" $args16; then
		pass "$name, $shape: 16x runs in $(mb "$budget") (1x needs $(mb "$m1"), 4x $(mb "$m4"))"
	else
		fail "$name, $shape: memory grows faster than the input" \
			"1x needs $(mb "$m1"), 4x $(mb "$m4"), 16x does not run in $(mb "$budget") (exit $status)"
	fi
	if [ -n "$figures" ]; then
		# shellcheck disable=SC2086
		m16=$(least "$want16" "$m4" $args16)
		printf '%-18s %10s %10s %10s  %s\n' "$name, $shape" "$(mb "$m1")" "$(mb "$m4")" "$(mb "$m16")" \
			"$(awk -v a="$m1" -v b="$m4" -v c="$m16" 'BEGIN { if (b > a) printf "%.1f", (c - a) / (b - a); else print "-" }')"
	fi
	# out of memory: a limit a little under what 4x needs, then lower, until it does not fit
	kb=$((m4 - 1024))
	# shellcheck disable=SC2086
	while [ "$kb" -gt 0 ] && fits "$kb" "$want4" $args4; do kb=$((kb - 1024)); done
	# shellcheck disable=SC2086
	run_limited "$kb" $args4
	if [ "$name" = explain ] || [ "$name" = init ]; then
		# explain and init allocate next to nothing once started: under a smaller limit the
		# program cannot load at all
		if [ "$status" -eq 0 ] || [ "$status" -eq 2 ] || [ "$status" -eq 127 ]; then
			pass "$name under $(mb "$kb"): it allocates next to nothing once started (exit $status, no abort)"
		else
			fail "$name under $(mb "$kb")" "exit status $status"
		fi
	elif [ "$status" -eq 2 ] && grep -q 'out of memory.*\[BFP008\]' "$tmp/stderr" &&
		[ -z "$(find out -type f 2>/dev/null)" ]; then
		pass "$name, $shape: out of memory under $(mb "$kb") is BFP008, exit 2, no output file"
	else
		fail "$name, $shape: out of memory under $(mb "$kb")" "exit status $status: $(head -n 2 "$tmp/stderr")"
	fi
done > "$tmp/report"
cat "$tmp/report"
passed=$(grep -c '^PASS' "$tmp/report")
failed=$(grep -c '^FAIL' "$tmp/report")
echo "memory: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
