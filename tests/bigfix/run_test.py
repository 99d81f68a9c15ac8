"""run_test.py - `bfplan run --bigfix` against the stand-in BigFix server.

    /usr/bin/python3 run_test.py BFPLAN CERTDIR WORKDIR

Whole windows (the seed on 2003 and 2008, five nodes with max-down 2),
faults, refusals, the dry run, secrecy, and a loop that SIGKILLs the run
at random moments (KILLS times, 100 by default) and starts it again on the
same journal: no step is issued twice, none is lost, the window completes.
After each run the stand-in's own node states must be the ones the
engine, replayed from the journal, says (`bfplan run ... status`): the
runtime's engine and the server's model agree.  Prints PASS/FAIL lines.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin_ctl as ctl  # noqa: E402

bfplan, certs, work = sys.argv[1:4]
CA = os.path.join(certs, "ca.crt")
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SITE_URL = "server-automation=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation"
ENV = {"PATH": "/usr/bin:/bin", "HOME": os.path.join(work, "home"), "LC_ALL": "C", "BFPLAN_OPERATOR": "tester",
       "BFPLAN_BIGFIX_USER": "operator", "BFPLAN_BIGFIX_PASSWORD": ctl.PASSWORD, "BFPLAN_BIGFIX_POLL_MS": "100"}
if os.environ.get("BFPLAN_BESAPI_XSD"):
    ENV["BFPLAN_BESAPI_XSD"] = os.environ["BFPLAN_BESAPI_XSD"]
KILLS = int(os.environ.get("KILLS", "100"))
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")
failed = 0
outputs = []


def check(name, cond, detail=""):
    global failed
    print(("PASS " if cond else "FAIL ") + name + ("" if cond or detail == "" else ": " + str(detail)[:600]))
    failed += not cond


def example(name):
    return os.path.join(TOP, "examples", name + ".plan")


def build(plan):
    out = os.path.join(work, "built-" + os.path.basename(plan))
    subprocess.run([bfplan, "build", plan, "-o", out, "--site-url", SITE_URL], check=True,
                   stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1700000000"})
    return os.path.join(out, "plan.json")


class Window:
    """A stand-in for one plan, and the bfplan run command line against it."""

    def __init__(self, name, plan, cert="server", **extra):
        self.plan = plan
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.proc, self.url = ctl.start(ctl.world(build(plan), **extra), certs, self.dir, cert, lifetime=600)
        self.journal = os.path.join(self.dir, "run.journal")

    def command(self, *extra, url=None):
        return [bfplan, "run", self.plan, "--journal", self.journal, "--bigfix", url or self.url, "--cacert", CA,
                "--domain", ctl.DOMAIN, "--import-to", "bfplan", "--confirm", "none", "--site-url", SITE_URL,
                *extra]

    def run(self, *extra, env=None, url=None):
        r = subprocess.run(self.command(*extra, url=url), env=env or ENV, capture_output=True, text=True,
                           timeout=300, start_new_session=True)
        outputs.append(r.stdout + r.stderr)
        if r.returncode not in (0, 1, 2) or any(m in r.stderr for m in SANITIZER_MARKS):
            check(f"bfplan run exits 0, 1 or 2 with no sanitizer report ({' '.join(extra)})", False,
                  f"exit {r.returncode}: {r.stderr[-600:]}")
        return r

    def status(self):
        r = subprocess.run([bfplan, "run", self.plan, "--journal", self.journal, "--site-url", SITE_URL, "status"],
                           env=ENV, capture_output=True, text=True)
        line = next((l for l in r.stdout.splitlines() if l.startswith("Nodes: ")), "")
        states = {}
        for part in line[len("Nodes: "):].split(";")[0].split(","):
            words = part.split()
            if len(words) >= 2:
                states[words[0]] = words[1]
        stage = next((l.split()[1].rstrip(",") for l in r.stdout.splitlines() if l.startswith("Stage: ")), "")
        return r.returncode, stage, states

    def state(self):
        return ctl.state(self.url, CA)

    def agree(self, what):
        rc, stage, engine = self.status()
        model = self.state()["node_state"]
        check(f"{what}: the engine and the stand-in agree on every node's state",
              rc == 0 and engine == model, (stage, engine, model))
        return stage

    def stop(self):
        return ctl.stop(self.proc, self.url, CA)


def no_entry(journal):
    """The journal records nothing: absent, or made empty by the open that locks it."""
    return not os.path.exists(journal) or os.path.getsize(journal) == 0


def steps_of(plan_json):
    with open(plan_json, encoding="utf-8") as f:
        return len(json.load(f)["plans"][0]["automation_plan"]["steps"])


def test_green_windows():
    for name, ex in (("green-2003", "exchange2007-windows2003"), ("green-2008", "exchange2007-windows2008"),
                     ("green-5node", "file-server-5node"),
                     ("green-restart-step", "exchange2007-windows2008-restart-step")):
        w = Window(name, example(ex))
        r = w.run()
        st = w.state()
        n = steps_of(build(w.plan))
        check(f"{ex}: the whole window runs (exit 0)", r.returncode == 0 and "The run is over: done" in r.stdout,
              r.stdout + r.stderr)
        check(f"{ex}: {n} actions, each title once", st["actions_posted"] == n and set(st["titles"].values()) == {1},
              st["titles"])
        check(f"{ex}: every node ends online, no step refused by the node model",
              set(st["node_state"].values()) == {"online"} and not st["violations"], (st["node_state"], st["violations"]))
        stage = w.agree(ex)
        check(f"{ex}: the journal's run is done", stage == "done", stage)
        rep = subprocess.run([bfplan, "run", w.plan, "--journal", w.journal, "--site-url", SITE_URL, "report"],
                             env=ENV, capture_output=True, text=True)
        check(f"{ex}: the change record reads the journal", rep.returncode == 0 and rep.stdout, rep.stderr)
        again = w.run()
        check(f"{ex}: run again on a finished journal sends no action",
              again.returncode == 0 and w.state()["actions_posted"] == n, again.stdout + again.stderr)
        check(f"{ex}: no schema error", w.stop() == 0)


def test_faults():
    w = Window("fault-move-groups", example("exchange2007-windows2008"),
               faults=[{"kind": "fail", "step": "move-groups", "node": "EXNODE1"}])
    r = w.run()
    st = w.state()
    check("a step fails on a node: the run ends as the plan declares (exit 1)",
          r.returncode == 1 and "The run is over: stopped" in r.stdout, r.stdout + r.stderr)
    check("... after its failure step (resume) brought the node back",
          st["node_state"]["EXNODE1"] == "online" and any(t.endswith("step F2: resume") for t in st["titles"]),
          st["titles"])
    w.agree("move-groups failed")
    w.stop()

    w = Window("fault-patch", example("exchange2007-windows2008"),
               faults=[{"kind": "fail", "step": "patch", "node": "EXNODE1"}])
    r = w.run()
    st = w.state()
    check("a failed patch holds: the node stays out of service for a person to decide",
          r.returncode == 1 and "held" in r.stdout and st["node_state"]["EXNODE1"] == "drained", (r.stdout, st["node_state"]))
    w.agree("patch failed")
    w.stop()

    # `restart as-step`: the patch leaves EXNODE1 in Pending Restart, which ends the patch step ("Continue
    # Plan"); the restart step after it restarts the node, and the window goes on to the end
    w = Window("fault-pending-restart-step", example("exchange2007-windows2008-restart-step"),
               faults=[{"kind": "pending_restart", "node": "EXNODE1"}])
    r = w.run()
    st = w.state()
    patch = next((a for a in st["actions"] if a["title"].endswith("step 3: patch")), None)
    check("restart as-step: Pending Restart ends the patch step, the restart step clears it, the window is done",
          r.returncode == 0 and "The run is over: done" in r.stdout and set(st["node_state"].values()) == {"online"}
          and not st["violations"] and patch is not None and patch["targets"] == {"EXNODE1": "Fixed"},
          (r.stdout + r.stderr, st["node_state"], st["violations"], patch))
    w.agree("restart as a step")
    w.stop()

    w = Window("fault-role", example("exchange2007-windows2008"), faults=[{"kind": "role_on", "node": "EXNODE1"}])
    r = w.run()
    st = w.state()
    check("the role on the other node: the pre-flight check fails, no action is taken",
          r.returncode == 1 and "BFP805" in r.stderr and st["actions_posted"] == 0, r.stderr)
    w.stop()

    w = Window("fault-prereq", example("exchange2007-windows2008"),
               faults=[{"kind": "prerequisite_missing", "prerequisite": "dotnet-4.0", "node": "EXNODE2"}])
    r = w.run()
    check("a missing prerequisite: the pre-flight check fails on its node, no action is taken",
          r.returncode == 1 and "EXNODE2" in r.stderr and w.state()["actions_posted"] == 0, r.stderr)
    w.stop()

    w = Window("fault-twins", example("exchange2007-windows2008"),
               faults=[{"kind": "duplicate_name", "node": "EXNODE1"}])
    r = w.run()
    check("two computers with one name in the domain: an error before anything runs",
          r.returncode == 1 and "exactly one" in r.stderr and w.state()["actions_posted"] == 0
          and no_entry(w.journal), r.stderr)
    w.stop()

    w = Window("fault-lost-post", example("exchange2007-windows2008"),
               faults=[{"kind": "drop", "path": "/api/actions", "method": "POST", "after": True, "times": 2},
                       {"kind": "http_error", "status": 500, "path": "/api/action/10[0-9]/status", "times": 3}])
    r = w.run()
    st = w.state()
    check("lost POST answers and 500s while polling: the window completes, no action twice",
          r.returncode == 0 and st["actions_posted"] == 9 and set(st["titles"].values()) == {1},
          (r.stdout + r.stderr, st["titles"]))
    w.stop()


def test_start_lost():
    """A journal whose last step is issued but not started (the start torn off): started, not posted again."""
    w = Window("start-lost", example("exchange2007-windows2008"))
    w.run()
    lines = open(w.journal, encoding="utf-8").read().splitlines(keepends=True)
    last_issued = max(i for i, l in enumerate(lines) if '"type":"issued"' in l)
    with open(w.journal, "w", encoding="utf-8") as f:
        f.writelines(lines[:last_issued + 1])
    r = w.run()
    st = w.state()
    check("an issued action whose start was lost is started and followed, never posted again",
          r.returncode == 0 and st["actions_posted"] == 9 and set(st["titles"].values()) == {1},
          (r.stdout + r.stderr, st["titles"]))
    issued = [json.loads(l)["intent"] for l in open(w.journal, encoding="utf-8") if '"type":"issued"' in l]
    check("... and its intent keeps one issued record", len(issued) == len(set(issued)) == 9, issued)
    w.agree("the start was lost")
    w.stop()


def short_timeouts():
    """The 2008 seed with its pause and move-groups timing out in seconds, so a timeout can be waited for."""
    text = open(example("exchange2007-windows2008"), encoding="utf-8").read()
    text = text.replace("    timeout patch 1h", "    timeout patch 1h\n    timeout pause 3s\n    timeout move-groups 3s")
    path = os.path.join(work, "short-timeouts.plan")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_timeout():
    w = Window("timeout", short_timeouts(), faults=[{"kind": "never_complete", "step": "move-groups", "node": "EXNODE1"}])
    r = w.run()
    st = w.state()
    stopped = [a for a in st["actions"] if a["title"].endswith("step 2: move-groups")]
    check("an action that never completes: stopped at the step's timeout, then the failure step, then stop",
          r.returncode == 1 and "ran out of time" in r.stdout and stopped and stopped[0]["stopped"]
          and any(t.endswith("step F2: resume") for t in st["titles"]), (r.stdout + r.stderr, st["titles"]))
    w.agree("a step timed out")
    check("no schema error", w.stop() == 0)


def test_refusals_and_secrecy():
    w = Window("refuse-cert", example("exchange2007-windows2008"), cert="wrong")
    r = w.run()
    check("the wrong certificate is refused: nothing is sent, no journal",
          r.returncode == 1 and "certificate" in r.stderr and no_entry(w.journal), r.stderr)
    w.proc.kill()
    w.proc.wait()

    w = Window("refuse-credentials", example("exchange2007-windows2008"))
    r = w.run(env=dict(ENV, BFPLAN_BIGFIX_PASSWORD="wrong"))
    check("wrong credentials are refused before anything runs", r.returncode == 1 and "credentials" in r.stderr
          and w.state()["actions_posted"] == 0, r.stderr)
    before = len(w.state()["requests"])
    r = w.run("--dry-run")
    st = w.state()
    check("--dry-run prints every request and sends nothing",
          r.returncode == 0 and r.stdout.count("POST /api/actions") == 9 and len(st["requests"]) == before
          and no_entry(w.journal), (r.stdout[-300:], st["requests"]))
    r = w.run("--confirm", "phase")
    check("--confirm phase without a terminal: not confirmed, nothing posted",
          r.returncode == 1 and "BFP806" in r.stderr and w.state()["actions_posted"] == 0, r.stderr)
    r = w.run()
    check("... and then the unattended run completes", r.returncode == 0, r.stderr)
    journal = open(w.journal, encoding="utf-8").read()
    check("the unattended run is recorded in the journal", "--confirm none" in journal)
    log = open(os.path.join(w.dir, "requests.log"), encoding="utf-8").read()
    check("the password is in no output, no journal, no log",
          all(ctl.PASSWORD not in o for o in outputs) and ctl.PASSWORD not in journal and ctl.PASSWORD not in log)
    check("no schema error", w.stop() == 0)


def test_kill_loop():
    # each action takes 6 s on the stand-in, so the window outlasts the kills: they land in
    # every part of it (log in, resolve, import, pre-flight, intent, post, poll, record)
    w = Window("kills", example("exchange2007-windows2008"), action_seconds=6)
    rng = random.Random(16)
    kills = 0
    finished = False
    while kills < KILLS and not finished:
        p = subprocess.Popen(w.command(), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=rng.uniform(0.05, 0.5))
            outputs.append(out.decode() + err.decode())
            finished = p.returncode == 0
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            outputs.append(out.decode() + err.decode())
            kills += 1
    check("no run between the kills tripped a sanitizer",
          not any(m in o for o in outputs for m in SANITIZER_MARKS))
    r = w.run()
    st = w.state()
    check(f"{kills} SIGKILLs across the window, then it completes", kills >= KILLS and r.returncode == 0,
          (kills, finished, r.stdout + r.stderr))
    check("no step was issued twice, none was lost (9 actions, each title once)",
          st["actions_posted"] == 9 and set(st["titles"].values()) == {1}, st["titles"])
    check("every node ends online", set(st["node_state"].values()) == {"online"} and not st["violations"],
          (st["node_state"], st["violations"]))
    w.agree("after the kills")
    check("no schema error", w.stop() == 0)


os.makedirs(os.path.join(work, "home"), exist_ok=True)
test_green_windows()
test_faults()
test_start_lost()
test_timeout()
test_refusals_and_secrecy()
test_kill_loop()
sys.exit(1 if failed else 0)
