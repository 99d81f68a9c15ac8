#!/usr/bin/env python3
"""tests/run/kill.py - SIGKILL `bfplan run` in the middle of its appends, again and again.

usage: kill.py BFPLAN PLAN SCHEMA DIR [ROUNDS]

Each round records a note ("kill N") and kills the process with SIGKILL
at a random moment of its life.  Under strace (when it is installed),
the journal's write and its fsync are each held for 40 ms, so that most
kills land between the start of the append and its acknowledgement: the
moment the promise is about.  After every round the journal must hold
every entry that was acknowledged (the command exited 0 and said
"Recorded entry"), each exactly once, every complete line must be a
valid entry (docs/journal.schema.json), and a torn tail, if any, must
never be read as one.  At the end one more note must go in cleanly.

The rounds and the random moments come from a fixed seed, so a failure
can be replayed.  Prints PASS or FAIL lines and the figures; exits 1 on
a failure.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_journal import check  # noqa: E402

HOLD_US = 40000


def command(bfplan, plan, journal, text, traced):
    argv = [bfplan, "run", plan, "--journal", journal, "note", text]
    if traced:
        argv = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync,pwrite64",
                "-e", f"inject=fsync:delay_enter={HOLD_US}", "-e", f"inject=pwrite64:delay_enter={HOLD_US}"] + argv
    return argv


def tracee(proc, traced, bfplan):
    """The pid of bfplan itself (strace's child when traced)."""
    if not traced:
        return proc.pid
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                kids = f.read().split()
            for kid in kids:
                # strace's child is itself until it has exec'd bfplan
                with open(f"/proc/{kid}/cmdline", "rb") as f:
                    if f.read().split(b"\0")[0] == bfplan.encode():
                        return int(kid)
        except OSError:
            if proc.poll() is not None:
                return None
        time.sleep(0.0002)
    return None


def lifetime(bfplan, plan, scratch, traced, env):
    """How long one note takes, median of five, in seconds."""
    times = []
    for i in range(5):
        journal = os.path.join(scratch, f"calibrate{i}.journal")
        start = time.monotonic()
        subprocess.run(command(bfplan, plan, journal, "calibrate", traced), env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.monotonic() - start)
    return sorted(times)[2]


def main():
    bfplan, plan, schema, scratch = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    traced = shutil.which("strace") is not None
    env = dict(os.environ, BFPLAN_OPERATOR="kill-test", BFPLAN_NOW="2026-12-06T21:30:00Z")
    if traced:
        # LeakSanitizer cannot run under ptrace; the other tests look for leaks
        env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""), "detect_leaks=0"]))
    if not traced:
        print("SKIP kill: strace is absent, so the appends are not held open: kills land at random moments only")
    span = lifetime(bfplan, plan, scratch, traced, env)
    journal = os.path.join(scratch, "killed.journal")
    rng = random.Random(15)
    acknowledged = []
    killed = written_unacknowledged = torn_seen = 0
    for n in range(rounds):
        text = f"kill {n}"
        size_before = os.path.getsize(journal) if os.path.exists(journal) else 0
        proc = subprocess.Popen(command(bfplan, plan, journal, text, traced), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        pid = tracee(proc, traced, bfplan)
        time.sleep(rng.uniform(0.0, span * 1.1))
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        out, err = proc.communicate(timeout=60)
        if proc.returncode == 0 and b"Recorded entry" in out:
            acknowledged.append(text)
        elif proc.returncode not in (0, -9, 137) and b"[BFP744]" not in err:
            print(f"FAIL kill: round {n}: bfplan exited {proc.returncode}: {err.decode(errors='replace')[:400]}")
            return 1
        data = open(journal, "rb").read() if os.path.exists(journal) else b""
        if data and not data.endswith(b"\n"):
            torn_seen += 1
        if text not in acknowledged and len(data) > size_before and text.encode() in data:
            written_unacknowledged += 1
        wrong = check(schema, journal, acknowledged, torn_ok=True) if data else (
            "the journal is gone" if acknowledged else None)
        if wrong:
            print(f"FAIL kill: after round {n}: {wrong}")
            return 1
    final = subprocess.run([bfplan, "run", plan, "--journal", journal, "note", "after the kills"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if final.returncode != 0:
        print(f"FAIL kill: the note after the kills exits {final.returncode}: {final.stderr.decode()[:400]}")
        return 1
    wrong = check(schema, journal, acknowledged + ["after the kills"])
    if wrong:
        print(f"FAIL kill: at the end: {wrong}")
        return 1
    print(f"PASS kill: {rounds} rounds, {killed} SIGKILLs ({'appends held open by strace' if traced else 'untraced'}),"
          f" {len(acknowledged)} entries acknowledged and all there, {written_unacknowledged} written but killed"
          f" before the acknowledgement, {torn_seen} torn tails seen, none read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
