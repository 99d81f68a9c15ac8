"""run_test.py - `bfplan run --bigfix` against the stand-in BigFix server.

    /usr/bin/python3 run_test.py BFPLAN CERTDIR WORKDIR

Whole windows (the seed on 2003 and 2008, five nodes with max-down 2),
faults, refusals, the dry run, secrecy, and a loop that SIGKILLs the run
at random moments (KILLS times, 100 by default) and starts it again on the
same journal: no step is issued twice, none is lost, the window completes.
After each fault the stand-in's own node states, and the run's end, must
be what `bfplan simulate --fault` predicts for the same fault; after the
other runs, what the engine replayed from the journal says (`bfplan run
... status`): the runtime's engine and the server's model agree.  Prints PASS/FAIL lines.
"""

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin_ctl as ctl  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run"))
import check_journal  # noqa: E402

bfplan, certs, work = sys.argv[1:4]
CA = os.path.join(certs, "ca.crt")
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JOURNAL_SCHEMA = os.path.join(TOP, "docs", "journal.schema.json")
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
                # the engine keeps Pending Restart beside the node's state; the stand-in, as its state
                states[words[0]] = "pending-restart" if "(Pending Restart)" in part else words[1]
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

    def predicted(self, what, fault, run):
        """The stand-in's final node states and the run's end, against `bfplan simulate --fault FAULT`."""
        sim = subprocess.run([bfplan, "simulate", self.plan, "--fault", fault, "--format=json"], env=ENV,
                             capture_output=True, text=True)
        try:
            plan = json.loads(sim.stdout)["plans"][0]
        except (ValueError, LookupError):
            plan = {"applied": False, "nodes": [], "end": None}
        predicted = {n["node"]: n["state"] for n in plan["nodes"]}
        st = self.state()
        # a node that stopped reporting is, to the server, lost: its last known state says nothing more
        model = {n: state if st["reporting"].get(n, True) else "lost" for n, state in st["node_state"].items()}
        said = re.search(r"The run is over: ([a-z-]+)\.", run.stdout)
        end = said.group(1) if said else self.status()[1]
        check(f"{what}: the stand-in's final node states and the run's end are what "
              f"'bfplan simulate --fault {fault}' predicts",
              sim.returncode == 0 and plan["applied"] and model == predicted and end == plan["end"],
              (sim.stderr, model, predicted, end, plan["end"]))

    def stop(self):
        if os.path.exists(self.journal):
            why = check_journal.check(JOURNAL_SCHEMA, self.journal, [])
            check(f"{os.path.basename(self.dir)}: the journal validates against docs/journal.schema.json",
                  why is None, why)
        return ctl.stop(self.proc, self.url, CA)


def no_entry(journal):
    """No journal: a run that fails before its first entry leaves no file, not even an empty one."""
    return not os.path.exists(journal)


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
    w.predicted("move-groups failed", "step-fails@2:EXNODE1", r)
    w.stop()

    w = Window("fault-patch", example("exchange2007-windows2008"),
               faults=[{"kind": "fail", "step": "patch", "node": "EXNODE1"}])
    r = w.run()
    st = w.state()
    check("a failed patch holds: the node stays out of service for a person to decide",
          r.returncode == 1 and "held" in r.stdout and st["node_state"]["EXNODE1"] == "drained", (r.stdout, st["node_state"]))
    w.predicted("patch failed", "step-fails@3:EXNODE1", r)
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
    w.predicted("the role on the other node", "role-elsewhere:EXNODE1", r)
    w.stop()

    w = Window("fault-prereq", example("exchange2007-windows2008"),
               faults=[{"kind": "prerequisite_missing", "prerequisite": "dotnet-4.0", "node": "EXNODE2"}])
    r = w.run()
    check("a missing prerequisite: the pre-flight check fails on its node, no action is taken",
          r.returncode == 1 and "EXNODE2" in r.stderr and w.state()["actions_posted"] == 0, r.stderr)
    w.stop()

    test_witness_offline()

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


def journal_entries(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_witness_offline():
    """The quorum proof rests on the witness online: its pre-flight Fixlet (P6 of the 2008 seed) is checked live."""
    w = Window("fault-witness", example("exchange2007-windows2008"), faults=[{"kind": "witness_offline"}])
    r = w.run()
    st = w.state()
    fails = [e for e in journal_entries(w.journal) if e.get("type") == "fail"]
    check("the witness offline: the pre-flight check P6 fails, the run stops before any action (exit 1)",
          r.returncode == 1 and "BFP805" in r.stderr and "pre-flight check P6 failed" in r.stderr
          and st["actions_posted"] == 0
          and not any(e.get("type") == "intent" and e.get("step") for e in journal_entries(w.journal)),
          (r.stderr, st["actions_posted"]))
    check("... with the checklist's advice and the check's unconfirmed fact",
          "the checklist says: do not start: bring the witness online" in r.stderr and "unconfirmed:" in r.stderr
          and "BFP804" not in r.stderr, r.stderr)
    check("... and the journal records P6 failed on a node, after P5 (every node reporting) passed",
          [e["step"] for e in fails] == ["P6"] and fails[0]["target"] in ("EXNODE1", "EXNODE2")
          and any(e.get("type") == "done" and e.get("step") == "P5" for e in journal_entries(w.journal)), fails)
    # the witness back online: the same command checks again, and the window runs
    ctl.set_faults(w.url, CA, [])
    r = w.run()
    st = w.state()
    check("the witness back online: run again, P6 passes and the window completes",
          r.returncode == 0 and "The run is over: done" in r.stdout and st["actions_posted"] == 9
          and any(e.get("type") == "done" and e.get("step") == "P6" for e in journal_entries(w.journal)),
          r.stdout + r.stderr)
    w.agree("witness back online")
    w.stop()

    # seen offline from one node only (a node that cannot read the cluster's state): the check fails there
    w = Window("fault-witness-one", example("exchange2007-windows2008"),
               faults=[{"kind": "witness_offline", "node": "EXNODE2"}])
    r = w.run()
    check("the witness offline as one node sees it: P6 fails on that node, no action",
          r.returncode == 1 and "P6 failed on EXNODE2" in r.stderr and w.state()["actions_posted"] == 0, r.stderr)
    w.stop()

    # a disk-only 2003 cluster counts no witness: no witness check, and the fault changes nothing
    w = Window("fault-witness-2003", example("exchange2007-windows2003"), faults=[{"kind": "witness_offline"}])
    r = w.run()
    check("a disk-only cluster (2003) has no witness check: the window runs",
          r.returncode == 0 and "P6" not in r.stderr, r.stdout + r.stderr)
    w.stop()


def entries_of(journal, kind):
    return [e for e in journal_entries(journal) if e.get("type") == kind]


def test_midrun():
    """What the quorum proof rests on fails in the middle of the window: looked at again before each step that
    takes nodes out of service, journaled, and the plan stops at that step boundary, as simulate predicts."""
    seed = example("exchange2007-windows2008")
    dry = subprocess.run([bfplan, "run", seed, "--journal", os.path.join(work, "dry.journal"), "--bigfix",
                          "https://127.0.0.1:1", "--domain", ctl.DOMAIN, "--import-to", "bfplan", "--site-url",
                          SITE_URL, "--dry-run"], env=ENV, capture_output=True, text=True)
    befores = re.findall(r"^# before step ([0-9]+), which takes nodes out of service", dry.stdout, re.M)
    check("--dry-run says it looks again before each step that takes nodes out of service (2, 3, 6, 7, 8)",
          dry.returncode == 0 and befores == ["2", "3", "6", "7", "8"]
          and "GET /api/computer/(the computer of EXNODE2)" in dry.stdout, (befores, dry.stderr))

    # the witness goes offline once step 1 (pause EXNODE1) has ended: found before step 2
    w = Window("midrun-witness", seed, faults=[{"kind": "witness_offline", "after_step": 1}])
    r = w.run()
    st = w.state()
    seen = entries_of(w.journal, "witness-offline")
    intents = [e.get("step") for e in entries_of(w.journal, "intent")]
    check("the witness offline after step 1: found before step 2, the run stops (exit 1, BFP812) with the "
          "checklist's advice and the check's unconfirmed fact",
          r.returncode == 1 and "BFP812" in r.stderr and "before step 2" in r.stderr
          and "the checklist's P6 says: do not start: bring the witness online" in r.stderr
          and "unconfirmed:" in r.stderr and "The run is over: stopped" in r.stdout, r.stdout + r.stderr)
    check("... journaled once (witness-offline, naming the node) before anything else was sent: step 2 never "
          "posted, the failure step F1 brought EXNODE1 back",
          len(seen) == 1 and "as EXNODE1 sees it" in seen[0].get("text", "") and "2" not in intents
          and intents[-1] == "F1" and not any(t.endswith("step 2: move-groups") for t in st["titles"])
          and set(st["titles"].values()) == {1}, (seen, intents, st["titles"]))
    w.predicted("the witness offline after step 1", "witness-offline@2", r)
    again = w.run()
    check("... run again: the same end and diagnostic from the journal, nothing sent, nothing recorded twice",
          again.returncode == 1 and "BFP812" in again.stderr and w.state()["actions_posted"] == st["actions_posted"]
          and len(entries_of(w.journal, "witness-offline")) == 1, again.stdout + again.stderr)
    report = subprocess.run([bfplan, "run", seed, "--journal", w.journal, "--site-url", SITE_URL, "report"],
                            env=ENV, capture_output=True, text=True)
    check("... the change record lists it as a deviation",
          "the quorum witness went offline: not online as EXNODE1 sees it, before step 2"
          in report.stdout.split("## Entries")[0], report.stdout[-1500:])
    status = subprocess.run([bfplan, "run", seed, "--journal", w.journal, "--site-url", SITE_URL, "status"],
                            env=ENV, capture_output=True, text=True)
    check("... and status shows the witness offline", "; the witness is offline;" in status.stdout, status.stdout)
    w.stop()

    # offline after phase 1 (step 4): step 5 moves the role and takes no node out, so it runs; found before step 6
    w = Window("midrun-witness-phase2", seed, faults=[{"kind": "witness_offline", "after_step": 4}])
    r = w.run()
    st = w.state()
    check("the witness offline between the phases: the role's step 5 runs, the run stops before step 6 (pause)",
          r.returncode == 1 and "before step 6" in r.stderr and any(t.endswith("step 5: move-mailbox")
                                                                       for t in st["titles"])
          and not any(" step 6: " in t for t in st["titles"]), (r.stderr, st["titles"]))
    w.predicted("the witness offline before step 6", "witness-offline@6", r)
    w.stop()

    # EXNODE2 stops reporting once step 1 has ended (its last report an hour and more ago): lost before step 2
    w = Window("midrun-node-lost", seed,
               faults=[{"kind": "stop_reporting", "node": "EXNODE2", "after_step": 1, "last_report_age": 7200}])
    r = w.run()
    st = w.state()
    lost = entries_of(w.journal, "node-lost")
    check("a node that stopped reporting after step 1: lost before step 2, the run stops (exit 1, BFP812) with "
          "the checklist's advice",
          r.returncode == 1 and "BFP812" in r.stderr and "node EXNODE2 was lost" in r.stderr
          and "more than 60 minutes before step 2" in r.stderr
          and "the checklist's P5 says: do not start: bring it back first" in r.stderr, r.stdout + r.stderr)
    check("... journaled (node-lost EXNODE2) before anything else was sent; F1 brought EXNODE1 back",
          [e.get("target") for e in lost] == ["EXNODE2"] and not any(" step 2: " in t for t in st["titles"])
          and any(t.endswith("step F1: resume") for t in st["titles"]), (lost, st["titles"]))
    w.predicted("EXNODE2 lost after step 1", "node-lost@2:EXNODE2", r)
    w.stop()

    # kills across a window whose witness goes offline after step 1: recorded once, nothing posted twice
    w = Window("midrun-kills", seed, action_seconds=1, faults=[{"kind": "witness_offline", "after_step": 1}])
    rng = random.Random(812)
    kills = 0
    for _ in range(40):
        p = subprocess.Popen(w.command(), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=rng.uniform(0.05, 0.6))
            outputs.append(out.decode() + err.decode())
            if p.returncode != 0 and b"BFP812" in err:
                break
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            outputs.append(out.decode() + err.decode())
            kills += 1
    r = w.run()
    st = w.state()
    check(f"{kills} SIGKILLs across a window whose witness goes offline: it ends stopped, the fault journaled "
          "once, no action posted twice, step 2 never",
          r.returncode == 1 and "BFP812" in r.stderr and kills >= 5
          and len(entries_of(w.journal, "witness-offline")) == 1 and set(st["titles"].values()) == {1}
          and not any(" step 2: " in t for t in st["titles"]), (kills, r.stdout + r.stderr, st["titles"]))
    w.predicted("the witness offline after step 1, with kills", "witness-offline@2", r)
    check("no sanitizer report between the kills", not any(m in o for o in outputs for m in SANITIZER_MARKS))
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
    w.predicted("a step timed out", "step-times-out@2:EXNODE1", r)
    check("no schema error", w.stop() == 0)


def test_hang():
    """The server stops answering while step 2 (3 s timeout) runs: the step times out by the plan, not the client."""
    w = Window("hang", short_timeouts(),
               faults=[{"kind": "hang", "seconds": 40, "path": "/api/action/101/status", "method": "GET",
                        "times": 1000}])
    began = time.monotonic()
    r = w.run()
    took = time.monotonic() - began
    st = w.state()
    check("a hung server: the running step times out at its own timeout (3 s), not the client's 60 s",
          r.returncode == 1 and "ran out of time while the BigFix server did not answer" in r.stdout
          and took < 15, (round(took, 1), r.stdout + r.stderr))
    print(f"# the hung run took {took:.1f} s")
    check("... the run says the server did not answer, then the failure step runs and the plan stops",
          "no answer came back" in r.stderr and "The run is over: stopped" in r.stdout
          and any(t.endswith("step F2: resume") for t in st["titles"]), (r.stdout + r.stderr, st["titles"]))
    w.predicted("a hung server", "step-times-out@2:EXNODE1", r)
    again = w.run()
    check("... and the journal resumes: run again, it reads the same end and posts nothing more",
          again.returncode == 1 and "The run is over: stopped" in again.stdout
          and w.state()["actions_posted"] == st["actions_posted"], again.stdout + again.stderr)
    w.stop()


def journal_entries(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f.read().splitlines()[1:]]


def no_restart_plan():
    """The 2008 seed whose patch Baseline holds no restart (its patches said never to need one)."""
    text = open(example("exchange2007-windows2008"), encoding="utf-8").read()
    text = text.replace("    fixlet 900201 site patches-for-windows\n    fixlet 900202 site patches-for-windows\n"
                        "    restart  # without it a node could wait in Pending Restart\n",
                        "    fixlet 900201 site patches-for-windows pending-restart never\n"
                        "    fixlet 900202 site patches-for-windows pending-restart never\n")
    path = os.path.join(work, "no-restart.plan")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def short_patch():
    """The 2008 seed with a patch step that times out in seconds."""
    text = open(example("exchange2007-windows2008"), encoding="utf-8").read()
    text = text.replace("    timeout patch 1h", "    timeout patch 4s")
    path = os.path.join(work, "short-patch.plan")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_pending_restart():
    w = Window("pending-cleared", example("exchange2007-windows2008"),
               faults=[{"kind": "pending_restart", "node": "EXNODE1"}])
    r = w.run()
    kinds = [(e["type"], e.get("step"), e.get("target")) for e in journal_entries(w.journal)
             if e["type"] in ("pending-restart", "done", "fail") and e.get("step") == "3"]
    check("Pending Restart in a Baseline that ends with a restart: reported to the engine, then cleared",
          r.returncode == 0 and kinds == [("pending-restart", "3", "EXNODE1"), ("done", "3", "EXNODE1")]
          and "EXNODE1 reports Pending Restart; the step ends with a restart" in r.stdout,
          (kinds, r.stdout + r.stderr))
    check("... the stand-in's restart component cleared it: every node ends online",
          set(w.state()["node_state"].values()) == {"online"}, w.state()["node_state"])
    w.agree("Pending Restart cleared")
    w.stop()

    w = Window("pending-not-restarted", short_patch(),
               faults=[{"kind": "pending_restart", "node": "EXNODE1"}, {"kind": "restart_fails", "node": "EXNODE1"}])
    r = w.run()
    kinds = [e["type"] for e in journal_entries(w.journal) if e.get("step") == "3" and e.get("target") == "EXNODE1"]
    check("Pending Restart that the Baseline's restart does not clear: waited for, to the step's timeout (4 s)",
          r.returncode == 1 and kinds == ["pending-restart"] and "ran out of time" in r.stdout
          and "The run is over: held" in r.stdout, (kinds, r.stdout + r.stderr))
    w.predicted("Pending Restart not cleared by the restart", "pending-restart@3:EXNODE1", r)
    w.stop()

    w = Window("pending-stuck", no_restart_plan(), faults=[{"kind": "pending_restart", "node": "EXNODE1"}])
    began = time.monotonic()
    r = w.run()
    took = time.monotonic() - began
    kinds = [(e["type"], e.get("step"), e.get("target")) for e in journal_entries(w.journal)
             if e["type"] in ("pending-restart", "done", "fail") and e.get("step") == "3"]
    check("Pending Restart that nothing in the step clears: the engine's rules fail the target at once, "
          "not after the step's 1 h timeout, and the plan holds",
          r.returncode == 1 and kinds == [("pending-restart", "3", "EXNODE1"), ("fail", "3", "EXNODE1")]
          and "held" in r.stdout and "nothing in the step restarts it" in r.stdout and took < 30,
          (round(took, 1), kinds, r.stdout + r.stderr))
    check("... the node is left in Pending Restart on the server, as the engine says",
          w.state()["node_state"]["EXNODE1"] == "pending-restart", w.state()["node_state"])
    w.agree("Pending Restart not cleared")
    w.stop()


SECRET = "S3cret-Key-4e1f9"  # a secure parameter's value: found anywhere it must not be, it fails the test


def parameters_plan():
    """The 2008 seed whose move-groups Fixlet asks for a parameter and a secure parameter."""
    text = open(example("exchange2007-windows2008"), encoding="utf-8").read()
    text = text.replace("        move-groups   # Fixlet 114", "        move-groups-p")
    text += """
fixlet move-groups-params "Move Groups from Node, to a named node (a test's)" {
    id 9114
    site server-automation
    os windows-2008
    action Action1
    parameter "TargetNode" description "the node the groups move to" default "EXNODE2"
    parameter "ServiceKey" secure description "a key the script needs"
}

step move-groups-p "Move the node's groups to a named node" {
    from paused
    to drained
    run move-groups-params
    timeout 30m
}
"""
    path = os.path.join(work, "parameters.plan")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_parameters():
    w = Window("parameters", parameters_plan())
    r = w.run()
    check("a secure parameter without a value: refused before anything runs (BFP810), no journal",
          r.returncode == 1 and "BFP810" in r.stderr and "ServiceKey" in r.stderr
          and w.state()["actions_posted"] == 0 and no_entry(w.journal), r.stderr)
    values = os.path.join(w.dir, "parameters")
    with open(values, "w", encoding="utf-8") as f:
        f.write("# the secrets of the window\nServiceKey=" + SECRET + "\n")
    os.chmod(values, 0o644)
    r = w.run("--parameters", values)
    check("a parameters file others can read is refused (BFP810), nothing sent",
          r.returncode == 1 and "BFP810" in r.stderr and "chmod 600" in r.stderr
          and w.state()["actions_posted"] == 0 and no_entry(w.journal), r.stderr)
    os.chmod(values, 0o600)
    dry = w.run("--parameters", values, "--dry-run")
    check("--dry-run shows the Parameter's value and the SecureParameter masked",
          dry.returncode == 0 and '<Parameter Name="TargetNode">EXNODE2</Parameter>' in dry.stdout
          and '<SecureParameter Name="ServiceKey">(secret)</SecureParameter>' in dry.stdout
          and SECRET not in dry.stdout + dry.stderr, dry.stdout[-2000:])
    r = w.run("--parameters", values)
    st = w.state()
    moves = [a for a in st["actions"] if "step 2: move-groups-p" in a["title"] or "step 7: move-groups-p" in a["title"]]
    digest = hashlib.sha256(SECRET.encode()).hexdigest()
    check("the plan's parameters reach the server: Parameter with its default, SecureParameter with its value",
          r.returncode == 0 and len(moves) == 2
          and all(a["params"] == {"TargetNode": "EXNODE2"} and a["secure_params"] == {"ServiceKey": digest}
                  for a in moves), (r.stdout + r.stderr, moves))
    check("... the stand-in found every declared parameter in the actions it received",
          not st["violations"], st["violations"])
    others = [a for a in st["actions"] if a not in moves]
    check("... and the steps whose Fixlets declare none carry none",
          all(not a["params"] and not a["secure_params"] for a in others), others)
    texts = [open(w.journal, encoding="utf-8").read(), r.stdout, r.stderr, dry.stdout, dry.stderr,
             open(os.path.join(w.dir, "requests.log"), encoding="utf-8").read(),
             open(os.path.join(w.dir, "standin.err"), encoding="utf-8").read()]
    check("the secure value is in no journal, output, dry run or log", all(SECRET not in t for t in texts))
    check("no schema error (SecureParameter is valid against BES.xsd)", w.stop() == 0)


def test_refusals_and_secrecy():
    w = Window("refuse-cert", example("exchange2007-windows2008"), cert="wrong")
    r = w.run()
    check("the wrong certificate is refused: nothing is sent, no journal",
          r.returncode == 1 and "certificate" in r.stderr and no_entry(w.journal), r.stderr)
    w.proc.kill()
    w.proc.wait()

    w = Window("refuse-credentials", example("exchange2007-windows2008"))
    r = w.run(env=dict(ENV, BFPLAN_BIGFIX_PASSWORD="wrong"))
    check("wrong credentials are refused before anything runs, and leave no journal",
          r.returncode == 1 and "credentials" in r.stderr and w.state()["actions_posted"] == 0
          and no_entry(w.journal), r.stderr)
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


def test_import_lost():
    w = Window("import-lost", example("exchange2007-windows2008"),
               faults=[{"kind": "drop", "path": "/api/import/custom/bfplan", "method": "POST", "after": True}])
    r = w.run()
    st = w.state()
    intents = [e for e in journal_entries(w.journal) if e["type"] == "intent" and "step" not in e]
    check("an import whose answer was lost: found in the site by name, not imported again, the window completes",
          r.returncode == 0 and "not imported again" in r.stdout and st["imported_titles"]
          and set(st["imported_titles"].values()) == {1} and len(intents) == 1
          and intents[0]["request"] == "POST /api/import/custom/bfplan", (r.stdout + r.stderr, st["imported_titles"]))
    w.stop()


def test_kill_loop():
    # each action takes 6 s on the stand-in, so the window outlasts the kills: they land in
    # every part of it (log in, resolve, import, pre-flight, intent, post, poll, record); the
    # import's answer takes 1 s, longer than any run lives, so the kills land in it too
    w = Window("kills", example("exchange2007-windows2008"), action_seconds=6,
               faults=[{"kind": "hang", "after": True, "seconds": 1, "path": "/api/import/custom/bfplan",
                        "method": "POST", "times": 5}])
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
    imports = sum(1 for q in st["requests"] if q == "POST /api/import/custom/bfplan")
    check(f"kills in the import ({imports} import request(s), {st['content_lookups']} objects looked up by name "
          "after one): nothing was imported twice",
          imports >= 1 and st["content_lookups"] >= 1 and st["imported_titles"]
          and set(st["imported_titles"].values()) == {1}, (imports, st["content_lookups"], st["imported_titles"]))
    check("every node ends online", set(st["node_state"].values()) == {"online"} and not st["violations"],
          (st["node_state"], st["violations"]))
    w.agree("after the kills")
    check("no schema error", w.stop() == 0)


os.makedirs(os.path.join(work, "home"), exist_ok=True)
test_green_windows()
test_faults()
test_midrun()
test_start_lost()
test_import_lost()
test_timeout()
test_hang()
test_pending_restart()
test_parameters()
test_refusals_and_secrecy()
test_kill_loop()
sys.exit(1 if failed else 0)
