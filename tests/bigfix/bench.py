"""bench.py - the BigFix client's own cost per step, against the stand-in server.

    /usr/bin/python3 bench.py BFPLAN PROBE

Builds the Windows 2008 seed, starts the stand-in (HTTPS, certificates made
now), and carries out its nine steps through the client, each as the driver
would: the action posted, then its status polled until every target is done
(build/tests/bigfix-probe: `post`, then `wait`).  Prints rows in the format
of tests/bench/run.sh: the client's CPU time per step (user + system, the
median of the nine; two processes per step, so a process start and a TLS
handshake each are in it, which a driver that keeps its connection pays
once), the requests per step, and the CPU time per request.  A measurement,
not a test: it exits 0 unless a step fails.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import standin_ctl as ctl  # noqa: E402


def row(label, value, unit, note):
    print(f"{label:<58} {value:>9} {unit:>9}  {note}")


def cpu_of(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stats = dict(kv.split("=") for line in r.stderr.splitlines() if line.startswith("stats ")
                 for kv in line.split()[1:])
    return r, cpu, int(stats.get("requests", 0))


def main(bfplan, probe):
    work = tempfile.mkdtemp(prefix="bfplan-bigfix-bench.")
    try:
        subprocess.run(["sh", os.path.join(HERE, "certs.sh"), os.path.join(work, "certs")], check=True)
        out = os.path.join(work, "seed")
        subprocess.run([bfplan, "build", os.path.join(TOP, "examples", "exchange2007-windows2008.plan"), "-o", out,
                        "--site-url", "server-automation=http://bigfix.example.invalid:52311/x"],
                       check=True, stderr=subprocess.DEVNULL)
        ca = os.path.join(work, "certs", "ca.crt")
        proc, url = ctl.start(ctl.world(os.path.join(out, "plan.json"), action_seconds=0.2),
                              os.path.join(work, "certs"), os.path.join(work, "standin"))
        env = {"PATH": "/usr/bin:/bin", "BFPLAN_BIGFIX_USER": "operator", "BFPLAN_BIGFIX_PASSWORD": ctl.PASSWORD}
        base = [probe, url, "--cacert", ca]
        if os.environ.get("BFPLAN_BESAPI_XSD") and os.path.isfile(os.environ["BFPLAN_BESAPI_XSD"]):
            base += ["--xsd", os.environ["BFPLAN_BESAPI_XSD"]]
        r, _, _ = cpu_of(base + ["import", "bfplan", os.path.join(out, "patch-exch2008.bes")], env)
        baseline = next(int(l.split()[3]) for l in r.stdout.splitlines() if l.startswith("ok imported Baseline"))
        import json
        pj = json.load(open(os.path.join(out, "plan.json"), encoding="utf-8"))
        plan = pj["plans"][0]
        ids = {n: 1001 + i for i, n in enumerate(plan["cluster_nodes"])}
        cpus, requests = [], []
        for step in plan["automation_plan"]["steps"]:
            if "fixlet" in step["run"]:
                fx = pj["fixlets"][step["run"]["fixlet"]]
                site, fid = pj["sites"][fx["site"]]["title"], fx["id"]
            else:
                site, fid = "bfplan", baseline
            title = f"bfplan bench step {step['number']}: {step['name']}"
            r1, c1, q1 = cpu_of(base + ["post", site, str(fid), title] + [str(ids[n]) for n in step["targets"]], env)
            aid = r1.stdout.split()[-1]
            r2, c2, q2 = cpu_of(base + ["wait", aid], env)
            if r1.returncode or r2.returncode or "succeeded" not in r2.stdout:
                print(f"bench: step {step['number']} did not succeed: {r1.stdout}{r2.stdout}", file=sys.stderr)
                return 1
            cpus.append(c1 + c2)
            requests.append(q1 + q2)
        ctl.stop(proc, url, ca)
        n = len(cpus)
        row(f"bigfix client, CPU per step (median of {n} steps)", f"{statistics.median(cpus):.4f}", "-",
            "post + polls to the end; 2 processes, each a start and a TLS handshake")
        row("bigfix client, requests per step (median)", f"{statistics.median(requests):.0f}", "-",
            f"{min(requests)} to {max(requests)}; the stand-in finishes a step in 0.2 s, polled every 0.1 s")
        row("bigfix client, CPU per request", f"{sum(cpus) / sum(requests):.4f}", "-",
            f"{sum(requests)} requests over the window")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
