#!/bin/sh
# tests/simulate/agree.sh - simulation and proof must agree.
#
# usage: sh tests/simulate/agree.sh path/to/bfplan
#
# Over every golden plan (tests/golden), every example and the plans
# genplan.sh writes (5 nodes with max-down 2, 16 nodes, a witness, a role,
# and unsafe ones):
#   - a plan `bfplan check` accepts has no violation under
#     `simulate --faults 2` (exit 0);
#   - a plan check rejects for a rule of the execution model has, under
#     `simulate --no-static-check`, a counterexample of the invariant that
#     backs the rule (docs/execution.md, "What simulate checks"):
#       BFP307, BFP308  nodes-restored     BFP309, BFP318  bounded-wait
#       BFP310          role-moves-once    BFP313          quorum
#       BFP317          window
# A case where they disagree on purpose is listed in agree-exceptions.txt
# with the reason; one listed there that agrees now fails too, so the list
# stays true.  Prints "agree: N passed, M failed".
set -u
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

invariant_of() {
	case $1 in
	BFP307 | BFP308) echo nodes-restored ;;
	BFP309 | BFP318) echo bounded-wait ;;
	BFP310) echo role-moves-once ;;
	BFP313) echo quorum ;;
	BFP317) echo window ;;
	esac
}

excepted() { # NAME CODE: the reason it is listed, or nothing
	awk -v n="$1" -v c="$2" '$1 == n && $2 == c { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' \
		"$here/agree-exceptions.txt"
}

verdict() { # NAME OK|FAIL MESSAGE
	if [ "$2" = OK ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: $3"
	fi
}

# One plan file, run from its directory with its extra arguments.
agree_on() { # NAME DIR FILE ARGS...
	name=$1 dir=$2 file=$3
	shift 3
	(cd "$dir" && "$bfplan" check "$@" "$file") > /dev/null 2> "$tmp/check.err"
	check=$?
	if [ "$check" -eq 0 ]; then
		(cd "$dir" && "$bfplan" simulate --faults 2 "$@" "$file") > "$tmp/sim.out" 2> "$tmp/sim.err"
		rc=$?
		if grep -q 'there is no plan to simulate \[BFP701\]' "$tmp/sim.err"; then
			return 0 # declarations only: nothing runs, nothing to agree on
		elif [ "$rc" -eq 0 ]; then
			verdict "$name" OK
		else
			verdict "$name" FAIL "check accepts it, simulate exits $rc: $(grep -h '^  violated\|error' "$tmp/sim.out" "$tmp/sim.err" | head -3)"
		fi
		return
	fi
	[ "$check" -eq 1 ] || return 0
	(cd "$dir" && "$bfplan" simulate --no-static-check "$@" "$file") > "$tmp/sim.out" 2> /dev/null
	for code in $(grep -o ': error: .*\[BFP3[0-9][0-9]\]$' "$tmp/check.err" | grep -o 'BFP3[0-9][0-9]' | sort -u); do
		inv=$(invariant_of "$code")
		[ -n "$inv" ] || continue
		why=$(excepted "$name" "$code")
		if grep -q "^  violated  $inv " "$tmp/sim.out"; then
			if [ -n "$why" ]; then
				verdict "$name" FAIL "listed as an exception for $code, but simulate now shows $inv broken"
			else
				verdict "$name" OK
			fi
		elif [ -n "$why" ]; then
			verdict "$name" OK
		else
			verdict "$name" FAIL "check reports $code, simulate --no-static-check shows no $inv counterexample"
		fi
	done
}

for f in "$root"/tests/golden/*.plan; do
	n=$(basename "$f" .plan)
	set --
	[ -f "$root/tests/golden/$n.args" ] && set -- $(cat "$root/tests/golden/$n.args")
	agree_on "golden/$n" "$root/tests/golden" "$n.plan" "$@"
done
for f in "$root"/examples/*.plan; do
	agree_on "examples/$(basename "$f" .plan)" "$root/examples" "$(basename "$f")"
done
# NODES MAX-DOWN QUORUM WINDOW ROLE: accepted ones, then unsafe ones
while read -r spec; do
	set -- $spec
	n="gen-$(echo "$spec" | tr ' ' '-')"
	sh "$here/genplan.sh" "$@" > "$tmp/$n.plan"
	agree_on "$n" "$tmp" "$n.plan"
done << 'SPECS'
5 2
16 1
16 2 node-majority 20h
4 2 node-and-witness
3 1 node-and-witness - exchange
6 2 node-and-witness 12h exchange
8 1 disk-only
7 3
16 4 node-majority - exchange
5 3
6 3
4 2
2 2
16 1 node-majority 8h
5 2 node-and-witness 3h exchange
SPECS

echo "agree: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
