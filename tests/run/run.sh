#!/bin/sh
# tests/run/run.sh - bfplan run: change windows carried out by hand, and the journal.
#
# usage: sh tests/run/run.sh path/to/bfplan
#
#   windows    each tests/run/NAME.window is a script of `bfplan run`
#              commands (one per line: the time to record, then the
#              arguments after the plan and journal); its transcript
#              (every command, what it printed, its exit status) and the
#              journal it leaves must equal NAME.transcript and
#              NAME.journal, with the plan's hash written <sha256>; every
#              journal validates against docs/journal.schema.json;
#   refusals   a command the plan does not allow exits 1, says what may be
#              recorded instead, and leaves the journal byte for byte as
#              it was (or absent, if there was none);
#   changed plan, hostile journals, the lock, a torn line: see below;
#   kill       tests/run/kill.py, 200 SIGKILLs in the middle of appends.
#
# Prints PASS/FAIL/SKIP per check; ends with "run: N passed, M failed".

if [ $# -ne 1 ]; then
	echo "usage: sh tests/run/run.sh path/to/bfplan" >&2
	exit 2
fi
bfplan=$1
case $bfplan in
/*) ;;
*) bfplan=$(pwd)/$bfplan ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
here=$root/tests/run
schema=$root/docs/journal.schema.json
plan_src=$root/examples/exchange2007-windows2008.plan
python=/usr/bin/python3

unset BFPLAN_PATH BFPLAN_NOW
NO_COLOR=1
LC_ALL=C
BFPLAN_OPERATOR=alice
export NO_COLOR LC_ALL BFPLAN_OPERATOR

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-run.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM
cd "$tmp" || exit 2
cp "$plan_src" exch.plan

passed=0
failed=0
pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL $1: $2"
	for f in out err; do
		if [ -s "$tmp/$f" ]; then
			echo "    --- std$f:"
			head -n 12 "$tmp/$f" | cut -c1-200 | sed 's/^/    /'
		fi
	done
	failed=$((failed + 1))
}

# at TIME ARGS...: bfplan run exch.plan --journal j.journal ARGS..., recorded at TIME
at() {
	BFPLAN_NOW=$1
	shift
	BFPLAN_NOW=$BFPLAN_NOW "$bfplan" run exch.plan --journal j.journal "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

hide_hash() {
	sed 's/[0-9a-f]\{64\}/<sha256>/g; s/[0-9a-f]\{12\}\.\.\./<hash>.../g'
}

schema_ok() { # NAME JOURNAL [--torn-ok]
	if why=$($python "$here/check_journal.py" "$schema" "$2" ${3-}); then
		pass "$1: the journal validates against docs/journal.schema.json"
	else
		fail "$1" "$why"
	fi
}

# ---- whole windows, against their transcripts ---------------------------------------------

for script in "$here"/*.window; do
	name=$(basename "$script" .window)
	rm -f j.journal j.journal.torn
	: >transcript
	while read -r when args; do
		case $when in '' | '#'*) continue ;; esac
		eval "set -- $args"
		at "$when" "$@"
		{
			echo "\$ BFPLAN_NOW=$when bfplan run exch.plan --journal j.journal $args"
			cat out err
			echo "[exit $status]"
		} >>transcript
	done <"$script"
	hide_hash <transcript >transcript.hidden
	if diff -u "$here/$name.transcript" transcript.hidden >diff.out; then
		pass "window $name: the transcript"
	else
		fail "window $name" "the transcript differs from tests/run/$name.transcript:"
		head -n 40 diff.out | sed 's/^/    /'
	fi
	hide_hash <j.journal >journal.hidden
	if diff -u "$here/$name.journal" journal.hidden >diff.out; then
		pass "window $name: the journal"
	else
		fail "window $name" "the journal differs from tests/run/$name.journal:"
		head -n 20 diff.out | sed 's/^/    /'
	fi
	schema_ok "window $name" j.journal
done

# ---- refusals record nothing ----------------------------------------------------------------

rm -f j.journal
at 2026-12-06T21:00:00Z start 1
if [ $status -eq 1 ] && [ ! -e j.journal ] && grep -q 'BFP748' err && grep -q 'done P1' err; then
	pass "refusal before anything: exit 1, what is allowed, no journal made"
else
	fail "refusal before anything" "exit $status, or a journal was made, or no list of what is allowed"
fi
for p in 1 2 3 4 5; do at 2026-12-06T21:00:00Z done P$p; done
# the witness (P6, the quorum proof's) not yet checked: step 1 may not start
cp j.journal before
at 2026-12-06T21:00:30Z start 1
if [ $status -eq 1 ] && cmp -s before j.journal && grep -q -F 'P6 has not passed' err; then
	pass "refusal: step 1 before the witness's check (P6) has passed"
else
	fail "refusal: step 1 before P6" "exit $status, expected 1 naming P6 with the journal unchanged"
fi
at 2026-12-06T21:00:40Z done P6
at 2026-12-06T21:01:00Z start 1
cp j.journal before
refuse() { # NAME EXPECTED-TEXT ARGS...
	name=$1 text=$2
	shift 2
	at "${refuse_at:-2026-12-06T21:02:00Z}" "$@"
	if [ $status -ne 1 ]; then
		fail "refusal: $name" "exit $status, expected 1"
	elif ! cmp -s before j.journal; then
		fail "refusal: $name" "the journal changed"
	elif ! grep -q -F -e "$text" err || ! grep -q 'What may be recorded now:' err; then
		fail "refusal: $name" "stderr lacks '$text' or the list of what is allowed"
	else
		pass "refusal: $name"
	fi
}
refuse "a step out of order" "step 3 cannot start now: not the step the plan allows now" start 3
refuse "the next step before this one is done" "step 2 cannot start now" start 2
refuse "an unknown step" "step 99 cannot be done now: no such step in the plan" done 99
refuse "an unknown target" "'EXNODE9' is not a node of cluster exch2008; its nodes are EXNODE1, EXNODE2" done 1 --target EXNODE9
refuse "a node that is not a target" "step 1 cannot be done on EXNODE2 now: that node is not a target of the step" done 1 --target EXNODE2
refuse "a pre-flight check twice" "P2 passed already" done P2
refuse "an unknown pre-flight check" "the plan has no pre-flight check P7: its checks are P1 to P6" done P7
refuse "a failure step not due" "the failure step of step 1 cannot start now" start F1
at 2026-12-06T21:03:00Z done 1
cp j.journal before
refuse "a second done" "step 1 cannot be done now: that step is not running" done 1
at 2026-12-06T21:04:00Z abort --reason "change cancelled"
cp j.journal before
refuse "a step after the abort" "step 2 cannot start now: the run is over" start 2
at 2026-12-06T21:05:00Z note "a note after the end is fine"
if [ $status -eq 0 ]; then pass "a note after the end is recorded"; else fail "a note after the end" "exit $status"; fi

# ---- a step whose timeout runs out has failed ---------------------------------------------------

rm -f j.journal
for p in 1 2 3 4 5 6; do at 2026-12-06T21:00:00Z done P$p; done
at 2026-12-06T21:00:00Z start 1
at 2026-12-06T21:20:00Z status
if [ $status -eq 0 ] && grep -q 'Stage: stopped' out && grep -q 'Step 1 failed' out; then
	pass "timeout: status 20 min into a 15 min step says it failed, and the plan stopped (the pause left the node online)"
else
	fail "timeout" "status does not show step 1 failed"
fi
cp j.journal before
refuse_at=2026-12-06T21:20:00Z
refuse "done after the timeout ran out" "step 1 cannot be done now" done 1
refuse_at=
at 2026-12-06T21:21:00Z report --format json
if [ $status -eq 0 ] && $python -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["steps"][0]; sys.exit(0 if s["outcome"]=="timed out" and s["ended_at"]=="2026-12-06T21:15:00Z" else 1)' out; then
	pass "timeout: the report says step 1 timed out at its deadline"
else
	fail "timeout" "the report's step 1 is not 'timed out' at 21:15"
fi

# ---- a changed plan ---------------------------------------------------------------------------

rm -f j.journal
at 2026-12-06T21:00:00Z note "begun"
sed 's/^\(    window \)6h$/\17h/' exch.plan >changed.plan
if cmp -s exch.plan changed.plan; then
	fail "changed plan" "the example's 'window 6h' is gone: change the test"
fi
cp exch.plan orig.plan
cp changed.plan exch.plan
cp j.journal before
at 2026-12-06T21:01:00Z status
if [ $status -eq 1 ] && grep -q 'BFP745' err && cmp -s before j.journal; then
	pass "changed plan: refused (BFP745), nothing written"
else
	fail "changed plan" "exit $status, expected 1 with BFP745 and the journal unchanged"
fi
at 2026-12-06T21:01:00Z note "going on" --accept-changed-plan
if [ $status -eq 0 ] && grep -q 'BFP749' err && grep -q '"type":"accept-changed-plan"' j.journal; then
	pass "changed plan: --accept-changed-plan goes on and is recorded"
else
	fail "changed plan, accepted" "exit $status, or no accept-changed-plan entry"
fi
at 2026-12-06T21:02:00Z status
if [ $status -eq 0 ] && ! grep -q 'BFP745' err; then
	pass "changed plan: once accepted, later commands go by the new hash"
else
	fail "changed plan, later" "exit $status"
fi
cp orig.plan exch.plan
at 2026-12-06T21:03:00Z status
if [ $status -eq 1 ] && grep -q 'BFP745' err; then
	pass "changed plan: going back to the old plan is a change again"
else
	fail "changed plan, back" "exit $status, expected 1 with BFP745"
fi
schema_ok "changed plan" j.journal

# ---- hostile journals -------------------------------------------------------------------------

header='{"bfplan_journal":1,"bfplan":"0.1.0","plan":"patch-exch2008","plan_sha256":"'"$(printf '0%.0s' $(seq 64))"'","source":"exch.plan","created":"2026-12-06T21:00:00Z","by":"alice"}'
# hostile NAME EXIT CODE: the journal hostile.journal, as made by the caller
hostile() {
	cp hostile.journal before
	for cmd in status "note x"; do
		# shellcheck disable=SC2086
		BFPLAN_NOW=2026-12-06T21:00:00Z timeout 20 "$bfplan" run exch.plan --journal hostile.journal $cmd \
			>out 2>err
		status=$?
		if [ $status -ne "$2" ] || ! grep -q "$3" err; then
			fail "hostile journal: $1 ($cmd)" "exit $status, expected $2 with $3"
			return
		fi
		if ! cmp -s before hostile.journal 2>/dev/null && [ -f before ]; then
			fail "hostile journal: $1 ($cmd)" "the journal was changed"
			return
		fi
		if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" out err; then
			fail "hostile journal: $1 ($cmd)" "a control character reached the terminal"
			return
		fi
	done
	pass "hostile journal: $1"
}
printf 'Monday: patch the cluster\n' >hostile.journal
hostile "a text file" 1 BFP743
printf '\000\001\002\003\n' >hostile.journal
hostile "binary bytes" 1 BFP743
printf '{"bfplan_journal":2}\n' >hostile.journal
hostile "a later format" 1 BFP743
printf '%s\n{"seq":1,"type":"note","at":"2026-12-06T21:00:00Z","by":"a","text":"x","evil":"\\u001b]0;pwned\\u0007"}\n' "$header" >hostile.journal
hostile "an unknown field" 1 BFP742
printf '%s\n{"seq":1,"type":"note","at":"2026-12-06T21:00:00Z","by":"\\u001b[31mred","text":"x"}\n' "$header" >hostile.journal
hostile "an escape sequence in a name" 1 BFP742
printf '%s\n{"seq":2,"type":"note","at":"2026-12-06T21:00:00Z","by":"a","text":"x"}\n' "$header" >hostile.journal
hostile "an entry out of sequence" 1 BFP742
printf '%s\n%s\n' "$header" "$(printf '[%.0s' $(seq 3000))" >hostile.journal
hostile "nesting 3000 deep" 1 BFP742
printf '{"bfplan_journal":1,"bfplan":"0.1.0","plan":"other-plan","plan_sha256":"%s","source":"x","created":"2026-12-06T21:00:00Z","by":"a"}\n' \
	"$(printf '0%.0s' $(seq 64))" >hostile.journal
hostile "another plan's journal" 1 BFP746
printf '%s\n' "$header" >hostile.journal
hostile "this plan, another hash" 1 BFP745
rm -f before
mkdir -p dir.journal
BFPLAN_NOW=2026-12-06T21:00:00Z "$bfplan" run exch.plan --journal dir.journal note x >out 2>err
if [ $? -eq 2 ] && grep -q BFP740 err; then pass "hostile journal: a directory"; else fail "hostile journal: a directory" "not exit 2 with BFP740"; fi
if command -v mkfifo >/dev/null && mkfifo fifo.journal 2>/dev/null; then
	BFPLAN_NOW=2026-12-06T21:00:00Z timeout 20 "$bfplan" run exch.plan --journal fifo.journal status >out 2>err
	st=$?
	if [ $st -eq 2 ] && grep -q BFP740 err; then pass "hostile journal: a FIFO, without waiting for a writer"
	else fail "hostile journal: a FIFO" "exit $st (124 is a hang)"; fi
fi
# an entry the plan does not allow, written by hand: the replay stops there
rm -f j.journal
for p in 1 2 3 4 5 6; do at 2026-12-06T21:00:00Z done P$p; done
printf '{"seq":7,"type":"start","at":"2026-12-06T21:01:00Z","by":"mallory","step":"3"}\n' >>j.journal
at 2026-12-06T21:02:00Z status
if [ $status -eq 1 ] && grep -q 'BFP747' err; then pass "hostile journal: an entry the plan does not allow"
else fail "hostile journal: an entry the plan does not allow" "exit $status, expected 1 with BFP747"; fi

# ---- a torn last line ----------------------------------------------------------------------

rm -f j.journal j.journal.torn
at 2026-12-06T21:00:00Z note "before the crash"
printf '{"seq":2,"type":"note","at":"2026-12-06T21:0' >>j.journal
cp j.journal before
at 2026-12-06T21:01:00Z status
if [ $status -eq 0 ] && grep -q BFP744 err && cmp -s before j.journal && grep -q '1 entry' out; then
	pass "torn line: reported by status, not read, nothing written"
else
	fail "torn line, status" "exit $status, or no BFP744, or the journal changed"
fi
at 2026-12-06T21:02:00Z note "after the crash"
if [ $status -eq 0 ] && grep -q BFP744 err && [ "$(cat j.journal.torn)" = '{"seq":2,"type":"note","at":"2026-12-06T21:0' ] &&
	grep -q '"type":"set-aside","at":"2026-12-06T21:02:00Z","by":"alice","line":3,"bytes":44,"file":"j.journal.torn"' j.journal; then
	pass "torn line: set aside into j.journal.torn, and recorded, by the next entry"
else
	fail "torn line, set aside" "exit $status, or the torn bytes or the set-aside entry are not as expected"
fi
schema_ok "torn line" j.journal

# ---- the lock ---------------------------------------------------------------------------------

rm -f j.journal
at 2026-12-06T21:00:00Z note "locked?"
# the holder also leaves half a line, as a writer caught in the middle of an append would
$python -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.lseek(fd, 0, os.SEEK_END)
os.write(fd, b"{\"seq\":2,\"type\":\"no")
open(sys.argv[2], "w").close()
time.sleep(30)
' j.journal locked &
holder=$!
n=0
while [ ! -e locked ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
cp j.journal before
at 2026-12-06T21:01:00Z note "second writer"
st=$status
grep -q 'BFP741' err || st="$st, without BFP741"
at 2026-12-06T21:01:00Z status
st_read=$status
grep -q 'BFP744' err && st_read="$st_read, reporting the line being written as torn"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
if [ "$st" = 2 ] && cmp -s before j.journal; then
	# the holder is gone: what it left is torn now, and the next entry sets it aside
	at 2026-12-06T21:01:00Z note "second writer"
	grep -q '"type":"set-aside"' j.journal || status="$status, without a set-aside entry"
	if [ "$st_read" = 0 ] && [ "$status" = 0 ]; then
		pass "lock: a second writer is refused at once (BFP741), a reader is not (nor does it call the line being written torn), and the lock goes with its holder"
	else
		fail "lock" "status exits $st_read while locked, note exits $status after"
	fi
else
	fail "lock" "a second writer exits $st, expected 2 with the journal unchanged"
fi

# ---- SIGKILL in the middle of appends ----------------------------------------------------------

mkdir -p kill
if $python "$here/kill.py" "$bfplan" "$tmp/exch.plan" "$schema" "$tmp/kill" "${RUN_KILL_ROUNDS:-200}" >kill.out 2>&1; then
	cat kill.out
	passed=$((passed + 1))
else
	cat kill.out
	failed=$((failed + 1))
fi

echo "run: $passed passed, $failed failed"
[ $failed -eq 0 ]
