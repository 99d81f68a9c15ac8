"""standin_ctl.py - starting the stand-in BigFix server and talking to it, for the tests.

    python3 standin_ctl.py world PLAN_JSON OUT.json [--age NODE=SECONDS ...]
        writes a world file for the plan's cluster: one computer per node
        (IDs from 1001, DNS names NODE.corp.example), user "operator"
    python3 standin_ctl.py state URL CA      prints /_standin/state
    python3 standin_ctl.py faults URL CA FAULTS_JSON
    python3 standin_ctl.py stop URL CA
"""

import http.client
import json
import os
import ssl
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "pw-Zq7!stand-in"   # a test password: found anywhere it must not be, it fails the test
DOMAIN = "corp.example"


def world(plan_json, plan=None, ages=None, **extra):
    with open(plan_json, encoding="utf-8") as f:
        pj = json.load(f)
    p = next(x for x in pj["plans"] if plan in (None, x["name"]))
    computers = [{"id": 1001 + i, "name": n, "dns": f"{n.lower()}.{DOMAIN}", "node": n,
                  "age": (ages or {}).get(n, 5)}
                 for i, n in enumerate(p["cluster_nodes"])]
    spec = {"user": "operator", "password": PASSWORD, "plan_json": os.path.abspath(plan_json),
            "plan": p["name"], "computers": computers}
    spec.update(extra)
    return spec


def start(spec, certdir, workdir, cert="server", lifetime=120):
    """Starts the stand-in; returns (process, base URL)."""
    os.makedirs(workdir, exist_ok=True)
    wpath = os.path.join(workdir, "world.json")
    with open(wpath, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    port_file = os.path.join(workdir, "port")
    if os.path.exists(port_file):
        os.unlink(port_file)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "standin.py"), "--world", wpath,
                             "--cert", os.path.join(certdir, cert + ".crt"),
                             "--key", os.path.join(certdir, cert + ".key"),
                             "--port-file", port_file, "--lifetime", str(lifetime),
                             "--log", os.path.join(workdir, "requests.log")],
                            stderr=open(os.path.join(workdir, "standin.err"), "w"))
    for _ in range(300):
        if os.path.exists(port_file):
            with open(port_file, encoding="utf-8") as f:
                return proc, f"https://127.0.0.1:{f.read().strip()}"
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    with open(os.path.join(workdir, "standin.err"), encoding="utf-8") as f:
        raise RuntimeError("the stand-in did not start: " + f.read())


def request(url, ca, method, path, body=None, headers=None, timeout=10, check_hostname=True):
    u = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = check_hostname
    conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


# The control calls verify the stand-in's certificate against `ca` (the wrong CA for a stand-in
# started with the wrong certificate) but not its host name, so they reach every stand-in.

def state(url, ca):
    return json.loads(request(url, ca, "GET", "/_standin/state", check_hostname=False)[2])


def set_faults(url, ca, faults):
    request(url, ca, "POST", "/_standin/faults", json.dumps(faults).encode(), check_hostname=False)


def stop(proc, url, ca):
    try:
        request(url, ca, "POST", "/_standin/stop", timeout=5, check_hostname=False)
    except OSError:
        pass
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def main(argv):
    cmd = argv[1]
    if cmd == "world":
        ages = dict((a.split("=")[0], float(a.split("=")[1])) for a in argv[4:] if "=" in a)
        with open(argv[3], "w", encoding="utf-8") as f:
            json.dump(world(argv[2], ages=ages), f, indent=1)
    elif cmd == "state":
        print(json.dumps(state(argv[2], argv[3]), indent=1, sort_keys=True))
    elif cmd == "faults":
        set_faults(argv[2], argv[3], json.loads(argv[4]))
    elif cmd == "stop":
        request(argv[2], argv[3], "POST", "/_standin/stop", timeout=5)
    else:
        sys.exit("usage: see the module's docstring")


if __name__ == "__main__":
    main(sys.argv)
