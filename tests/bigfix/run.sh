#!/bin/sh
# tests/bigfix/run.sh - bfplan's BigFix side against a stand-in BigFix server.
#
# usage: sh tests/bigfix/run.sh path/to/bfplan [path/to/bigfix-probe]
#
# No BigFix server can run here, so tests/bigfix/standin.py answers like
# one, from the documented REST API only, over HTTPS with certificates made
# now by certs.sh (and removed at the end), on 127.0.0.1 only.  Every
# answer it sends is validated against BESAPI.xsd (BFPLAN_BESAPI_XSD,
# corrected in memory as its provenance note says) and every request body
# against BES.xsd (BFPLAN_BES_XSD); a mismatch fails the test.  When a
# schema is absent the run says that it skipped that validation.
#
# 1. The stand-in on its own (standin_test.py): authentication, computers,
#    session relevance, import, a whole green window of the seed walked by
#    hand through the node-state model read from plan.json, each fault, the
#    wrong certificates, its lifetime.
# 2. The C client (runtime/bigfix) through build/tests/bigfix-probe, when
#    given: client_test.py.
# 3. bfplan run --bigfix (run_test.py): whole windows of the seed on 2003
#    and 2008 and of five nodes with max-down 2, faults ending as the plan
#    declares with the stand-in's node states what `bfplan simulate
#    --fault` predicts, a hung server, Pending Restart, the plan's
#    parameters, a lost import answer, refusals, the dry run, secrecy, and
#    KILLS (100) SIGKILLs across one window, after which it completes with
#    no action issued and nothing imported twice.
#
# Ends with "bigfix: N passed, M failed" and exits non-zero on a failure.

suite=bigfix
cd "$(dirname "$0")/../.." || exit 2
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
probe=
if [ -n "${2-}" ]; then
	probe=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
fi
. tests/lib.sh
python=/usr/bin/python3

if ! "$python" -c 'import lxml.etree' 2>/dev/null; then
	skip "the stand-in BigFix server needs Debian's python3-lxml (make deps installs it)"
	finish
	exit $?
fi
for xsd in "${BFPLAN_BES_XSD:-../shared/reference/BES.xsd}" "${BFPLAN_BESAPI_XSD:-../shared/reference/BESAPI.xsd}"; do
	[ -f "$xsd" ] || skip "$xsd is absent: the stand-in does not validate against it"
done

sh tests/bigfix/certs.sh "$tmp/certs" || { fail "certs.sh could not make the test certificates"; finish; exit 1; }
# The plans the suites drive: the seed on 2003 and on 2008, and 5 nodes with max-down 2.
for ex in exchange2007-windows2003:seed2003 exchange2007-windows2008:seed2008 file-server-5node:five; do
	SOURCE_DATE_EPOCH=1700000000 "$bfplan" build "examples/${ex%%:*}.plan" -o "$tmp/${ex#*:}" \
		--site-url server-automation=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation \
		2>"$tmp/build.err" || { fail "bfplan build of ${ex%%:*}"; cat "$tmp/build.err"; }
done

# run_py NAME SCRIPT ARG...: a Python suite's PASS/FAIL/SKIP lines counted as ours.
run_py() {
	name=$1
	shift
	"$python" "$@" > "$tmp/$name.out" 2>&1
	rc=$?
	cat "$tmp/$name.out"
	passed=$((passed + $(grep -c '^PASS ' "$tmp/$name.out")))
	failed=$((failed + $(grep -c '^FAIL ' "$tmp/$name.out")))
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$tmp/$name.out"; then
		fail "$name exited $rc"
	fi
}

# The driver's settings come from the command layer's environment struct, never a getenv of its own.
if grep -rn 'getenv("BFPLAN_\(BESAPI_XSD\|BIGFIX_POLL_MS\)")' runtime compiler/cmd; then
	fail "the runtime or a command reads BFPLAN_BESAPI_XSD or BFPLAN_BIGFIX_POLL_MS through getenv"
else
	pass "BFPLAN_BESAPI_XSD and BFPLAN_BIGFIX_POLL_MS reach the driver through struct bfplan_env"
fi

run_py standin tests/bigfix/standin_test.py "$tmp/certs" "$tmp/seed2008" "$tmp/work-standin"
if [ -n "$probe" ]; then
	run_py client tests/bigfix/client_test.py "$probe" "$tmp/certs" "$tmp" "$tmp/work-client"
fi
run_py run tests/bigfix/run_test.py "$bfplan" "$tmp/certs" "$tmp/work-run"
finish
