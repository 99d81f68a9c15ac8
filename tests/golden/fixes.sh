#!/bin/sh
# tests/golden/fixes.sh - every machine-applicable fix of the golden cases
# does what it says.
#
# usage: sh tests/golden/fixes.sh path/to/bfplan
#
# The golden cases are copied to a scratch directory.  For each case whose
# `bfplan check --format=json` carries a fix, `bfplan check --fix` is run
# until no fix is left (at most 5 times: a fixed name can let the check go
# on to a problem it could not see before), and then
#   - no diagnostic carries a fix any more,
#   - none of the diagnostics that had a fix is reported again (same code
#     and message), and
#   - the file is in fmt's layout if it was before.
# A case whose fixes leave it without any error must then check clean.
# Ends with "fixes: N passed, M failed"; fails when no case has a fix.

[ $# -eq 1 ] || { echo "usage: sh tests/golden/fixes.sh path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
suite=fixes
. tests/lib.sh
python=/usr/bin/python3
if [ ! -x "$python" ]; then
	skip "fixes: $python is absent, so the JSON cannot be read"
	finish
	exit
fi

mkdir -p "$tmp/tests" && cp -r tests/golden "$tmp/tests/golden" && ln -s "$top/stdlib" "$tmp/stdlib"
cd "$tmp/tests/golden" || exit 2

# fixable FILE.json: one "CODE<TAB>MESSAGE" line per diagnostic that carries a fix
fixable() {
	"$python" -c '
import json, sys
for d in json.load(open(sys.argv[1]))["diagnostics"]:
    if d["fix"] and not d["suppression"]:
        print(d["code"] + "\t" + d["message"])' "$1"
}
# reported FILE.json: one "CODE<TAB>MESSAGE" line per diagnostic reported
reported() {
	"$python" -c '
import json, sys
for d in json.load(open(sys.argv[1]))["diagnostics"]:
    if not d["suppression"]:
        print(d["code"] + "\t" + d["message"])' "$1"
}

cases=0
for plan in *.plan; do
	name=${plan%.plan}
	args=
	[ -f "$name.args" ] && args=$(cat "$name.args")
	# shellcheck disable=SC2086
	"$bfplan" check $args --format=json "$plan" >"$tmp/before.json" 2>/dev/null
	fixable "$tmp/before.json" >"$tmp/had"
	[ -s "$tmp/had" ] || continue
	cases=$((cases + 1))
	formatted=0
	"$bfplan" fmt --check "$plan" >/dev/null 2>&1 && formatted=1
	for round in 1 2 3 4 5; do
		# shellcheck disable=SC2086
		"$bfplan" check $args --fix "$plan" >/dev/null 2>&1
		# shellcheck disable=SC2086
		"$bfplan" check $args --format=json "$plan" >"$tmp/after.json" 2>/dev/null
		fixable "$tmp/after.json" >"$tmp/left"
		[ -s "$tmp/left" ] || break
	done
	reported "$tmp/after.json" >"$tmp/now"
	again=$(grep -F -x -f "$tmp/had" "$tmp/now")
	why=
	[ -s "$tmp/left" ] && why="fixes left after 5 runs: $(head -n 1 "$tmp/left")"
	[ -n "$again" ] && why="reported again: $(echo "$again" | head -n 1)"
	if [ -z "$why" ] && [ $formatted = 1 ] && ! "$bfplan" fmt --check "$plan" >/dev/null 2>&1; then
		why="no longer in fmt's layout"
	fi
	if [ -z "$why" ]; then
		pass "$name: $(wc -l <"$tmp/had") fix(es) applied, none reported again"
	else
		fail "$name: $why"
	fi
done
[ $cases -gt 0 ] || fail "no golden case carries a fix"
cd "$top" || exit 2
finish
