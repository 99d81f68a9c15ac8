"""client_test.py - bfplan's BigFix client (runtime/bigfix) against the stand-in server.

    /usr/bin/python3 client_test.py PROBE CERTDIR BUILT WORKDIR

PROBE is build/tests/bigfix-probe (one client call per run, tests/bigfix/probe.c);
BUILT holds `bfplan build` outputs (seed2008/ for the Windows 2008 seed).
Prints PASS/FAIL lines; exits 1 on a failure.  Every stand-in must stop
with no schema error: a request body the client sent that BES.xsd refuses
fails the test.
"""

import hashlib
import os
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import besxsd  # noqa: E402
import standin_ctl as ctl  # noqa: E402

probe, certs, built, work = sys.argv[1:5]
CA = os.path.join(certs, "ca.crt")
SEED = os.path.join(built, "seed2008")
SCHEMAS = besxsd.Schemas()
XSD = [] if SCHEMAS.besapi is None else ["--xsd", SCHEMAS.besapi_path]
ENV = {"PATH": "/usr/bin:/bin", "HOME": os.path.join(work, "home"), "LC_ALL": "C",
       "BFPLAN_BIGFIX_USER": "operator", "BFPLAN_BIGFIX_PASSWORD": ctl.PASSWORD}
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")
failed = 0
outputs = []   # everything the client printed, searched for the password at the end


def check(name, cond, detail=""):
    global failed
    print(("PASS " if cond else "FAIL ") + name + ("" if cond or not detail else ": " + str(detail)))
    failed += not cond


class Server:
    def __init__(self, name, cert="server", **extra):
        self.dir = os.path.join(work, name)
        self.proc, self.url = ctl.start(ctl.world(os.path.join(SEED, "plan.json"), **extra), certs, self.dir, cert)
        self.ctl_ca = os.path.join(certs, "wrong-ca.crt") if cert == "wrong" else CA

    def run(self, *args, options=None, env=None, ca=CA, background=False):
        cmd = [probe, self.url] + (["--cacert", ca] if ca else []) + XSD + list(options or []) + list(args)
        if background:
            return subprocess.Popen(cmd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, start_new_session=True)
        r = subprocess.run(cmd, env=env or ENV, capture_output=True, text=True, timeout=120,
                           start_new_session=True)  # no controlling terminal: no prompt
        outputs.append(r.stdout + r.stderr)
        if r.returncode not in (0, 1) or any(m in r.stderr for m in SANITIZER_MARKS):
            check(f"the client exits 0 or 1 with no sanitizer report ({' '.join(args[:2])})", False,
                  f"exit {r.returncode}: {r.stderr[-400:]}")
        return r

    def state(self):
        return ctl.state(self.url, self.ctl_ca)

    def faults(self, faults):
        ctl.set_faults(self.url, self.ctl_ca, faults)

    def stop(self):
        return ctl.stop(self.proc, self.url, self.ctl_ca)


def first_error(r):
    return r.stdout.strip().split(":")[0] if r.returncode else "ok"


def stats(r):
    line = next((l for l in r.stderr.splitlines() if l.startswith("stats ")), "")
    return dict(kv.split("=") for kv in line.split()[1:])


def test_credentials_and_tls():
    srv = Server("tls")
    check("login with the deployment's CA", srv.run("login").stdout == "ok login\n")
    r = srv.run("login", ca=None)
    check("without --cacert the test CA is not trusted: refused", first_error(r) == "error tls", r.stdout)
    r = srv.run("login", ca=None, options=["--insecure"])
    check("--insecure connects and warns", r.returncode == 0 and "NOT verified" in r.stderr, r.stderr)
    bad = dict(ENV, BFPLAN_BIGFIX_PASSWORD="not-it")
    r = srv.run("login", env=bad)
    check("a wrong password is an auth error", first_error(r) == "error auth", r.stdout)
    none = {k: v for k, v in ENV.items() if not k.startswith("BFPLAN_BIGFIX_")}
    r = srv.run("login", env=none)
    check("no credentials and no terminal: a clear error", first_error(r) == "error credentials"
          and "BFPLAN_BIGFIX_USER" in r.stdout, r.stdout)
    home = ENV["HOME"]
    os.makedirs(home, exist_ok=True)
    netrc = os.path.join(home, ".netrc")
    with open(netrc, "w", encoding="utf-8") as f:
        f.write(f"machine other.example login x password y\nmachine 127.0.0.1 login operator password {ctl.PASSWORD}\n")
    os.chmod(netrc, 0o644)
    r = srv.run("login", env=none)
    check("a netrc others may read is refused", first_error(r) == "error credentials" and "chmod 600" in r.stdout,
          r.stdout)
    os.chmod(netrc, stat.S_IRUSR | stat.S_IWUSR)
    check("the netrc entry for the host is used", srv.run("login", env=none).stdout == "ok login\n")
    os.unlink(netrc)
    bad_url = subprocess.run([probe, "http://127.0.0.1:1", "login"], env=ENV, capture_output=True, text=True)
    check("a plain http:// URL is refused before anything is sent",
          bad_url.returncode == 1 and "https://HOST:PORT" in bad_url.stdout, bad_url.stdout)
    with_user = subprocess.run([probe, "https://operator:pw@127.0.0.1:1", "login"], env=ENV, capture_output=True,
                               text=True)
    check("credentials in the URL are refused", with_user.returncode == 1, with_user.stdout)
    check("no schema error", srv.stop() == 0)
    for cert, what in (("wrong", "a certificate from another CA"), ("otherhost", "a certificate for another host")):
        srv = Server("tls-" + cert, cert=cert)
        r = srv.run("login")
        check(f"{what} is refused", first_error(r) == "error tls" and srv.state()["requests"] == [], r.stdout)
        srv.stop()


def test_resolve_and_query():
    srv = Server("resolve", faults=[{"kind": "duplicate_name", "node": "EXNODE1"}])
    r = srv.run("resolve", "exnode2", "domain", "corp.example")
    check("a node resolves by name and domain", r.stdout == "ok computer 1002 EXNODE2 exnode2.corp.example\n", r.stdout)
    r = srv.run("resolve", "EXNODE1", "dns", "exnode1.corp.example")
    check("two computers share a name: the DNS name tells them apart", r.stdout.startswith("ok computer 1001 "),
          r.stdout)
    r = srv.run("resolve", "EXNODE1", "domain", "corp.example")
    check("two computers of one name in one domain: ambiguous, both listed",
          first_error(r) == "error ambiguous" and "1001" in r.stdout and "901001" in r.stdout, r.stdout)
    r = srv.run("resolve", "EXNODE1", "domain", "elsewhere.example")
    check("no computer of that name in that domain: none, the candidates listed",
          first_error(r) == "error no_computer" and "exnode1.corp.example" in r.stdout, r.stdout)
    r = srv.run("resolve", "EXNODE9", "dns", "exnode9.corp.example")
    check("an unknown name: none", first_error(r) == "error no_computer", r.stdout)
    r = srv.run("resolve", 'EX"NODE%1', "dns", "x")
    check("a hostile node name reaches the relevance escaped", first_error(r) == "error no_computer"
          and not srv.state()["schema_errors"], r.stdout)
    r = srv.run("applicable", "Server Automation", "121")
    check("the role's Fixlet is relevant on the role holder alone", r.stdout == "ok 1 answers\nok answer 1002\n",
          r.stdout)
    r = srv.run("query", "names of bes computers")
    check("a relevance error is reported as such", first_error(r) == "error relevance", r.stdout)
    check("no schema error", srv.stop() == 0)


def test_actions():
    srv = Server("actions")
    r = srv.run("import", "bfplan", os.path.join(SEED, "patch-exch2008.bes"))
    lines = r.stdout.splitlines()
    check("import lists the created objects with their IDs",
          len(lines) == 5 and lines[3].startswith("ok imported Fixlet 5003 bfplan pre-flight: quorum witness")
          and lines[4].startswith("ok imported Baseline 5004 "), r.stdout)
    title = "bfplan R7 step 1: pause"
    r = srv.run("post", "Server Automation", "116", title, "1001", "--param", "note=a&b<c>",
                "--secure", "token=s3cret-value")
    check("an action is posted (its body valid against BES.xsd)", r.stdout == "ok action 100\n"
          and not srv.state()["schema_errors"], r.stdout)
    action = srv.state()["actions"][0]
    params, secure = action["params"], action["secure_params"]
    check("parameters arrive as sent, escaped in XML; the secure one as a SecureParameter",
          params == {"note": "a&b<c>"}
          and secure == {"token": hashlib.sha256(b"s3cret-value").hexdigest()}, (params, secure))
    r = srv.run("wait", "100")
    check("the target's result is read and mapped", r.stdout == "ok target 1001 Fixed: succeeded\n", r.stdout)
    check("found again by its title", srv.run("find", title).stdout == "ok found 100\n")
    check("a title nobody posted: none", srv.run("find", "bfplan R7 step 99: x").stdout == "ok none\n")
    srv.run("post", "Server Automation", "114", title, "1001")
    r = srv.run("find", title)
    check("two actions of one title: ambiguous", first_error(r) == "error ambiguous", r.stdout)
    r = srv.run("status", "777")
    check("an unknown action: not found", first_error(r) == "error not_found", r.stdout)
    r = srv.run("post", "Server Automation", "116", "bad\x01title", "1001")
    check("a title XML cannot carry is refused before sending", first_error(r) == "error text"
          and srv.state()["actions_posted"] == 2, r.stdout)
    srv.faults([{"kind": "never_complete", "node": "EXNODE2"}])
    r = srv.run("post", "Server Automation", "116", "bfplan R7 step 6: pause", "1002")
    aid = r.stdout.split()[-1]
    check("stop", srv.run("stop", aid).stdout == "ok stopped\n"
          and srv.run("status", aid).stdout.startswith(f"ok action {aid} Stopped"))
    body = subprocess.run([probe, "https://127.0.0.1:1", "body", "Server Automation", "116", "bfplan R7 step 1: pause",
                           "1001", "1002", "--param", "a=1", "--secure", "pw=hidden-value"],
                          env={"PATH": "/usr/bin"}, capture_output=True, text=True)
    why = SCHEMAS.check_request(body.stdout.encode())
    check("the dry-run body is valid against BES.xsd and hides the secure value",
          body.returncode == 0 and why is None and "hidden-value" not in body.stdout and "(secret)" in body.stdout,
          why or body.stdout)
    check("no schema error", srv.stop() == 0)


def test_network_faults():
    srv = Server("net")
    fast = ["--backoff-ms", "10", "--retries", "3"]
    srv.faults([{"kind": "http_error", "status": 500, "path": "/api/computer/1001", "times": 2}])
    r = srv.run("resolve", "EXNODE1", "dns", "exnode1.corp.example", options=fast)
    check("a GET that fails with 500 twice is retried and succeeds",
          r.returncode == 0 and stats(r).get("retries") == "2", (r.stdout, r.stderr))
    srv.faults([{"kind": "http_error", "status": 503, "path": "/api/login"}])
    r = srv.run("login", options=fast)
    check("a GET that keeps failing gives up after its retries with a server error",
          first_error(r) == "error server" and stats(r).get("requests") == "4", (r.stdout, r.stderr))
    srv.faults([{"kind": "drop", "path": "/api/login", "times": 1}])
    r = srv.run("login", options=fast)
    check("a dropped GET is retried", r.returncode == 0 and stats(r).get("retries") == "1", (r.stdout, r.stderr))
    srv.faults([{"kind": "drop", "path": "/api/actions", "method": "POST", "after": True, "times": 1}])
    before = srv.state()["actions_posted"]
    r = srv.run("post", "Server Automation", "116", "bfplan R8 step 1: pause", "1001", options=fast)
    st = srv.state()
    check("a POST whose answer is lost is not sent again",
          first_error(r) == "error lost_answer" and st["actions_posted"] == before + 1
          and st["requests"].count("POST /api/actions") == 1, (r.stdout, st["requests"]))
    check("... and is found by its title", srv.run("find", "bfplan R8 step 1: pause").stdout.startswith("ok found"))
    srv.faults([{"kind": "http_error", "status": 500, "path": "/api/actions", "method": "POST"}])
    r = srv.run("post", "Server Automation", "116", "bfplan R8 step 2: x", "1001", options=fast)
    check("a POST answered 500 is not retried", first_error(r) == "error server"
          and srv.state()["requests"].count("POST /api/actions") == 2, r.stdout)
    srv.faults([{"kind": "hang", "seconds": 5, "path": "/api/login"}])
    r = srv.run("login", options=["--timeout-ms", "300", "--retries", "1", "--backoff-ms", "10"])
    check("a server that hangs: a timeout, after the retries", first_error(r) == "error timeout"
          and stats(r).get("requests") == "2", (r.stdout, r.stderr))
    srv.faults([{"kind": "bad_credentials"}])
    r = srv.run("login")
    check("refused credentials: auth, not retried", first_error(r) == "error auth" and stats(r)["requests"] == "1",
          (r.stdout, r.stderr))
    srv.faults([{"kind": "expire_sessions"}])
    check("an expired session falls back to the password", srv.run("resolve", "EXNODE1", "dns",
                                                                    "exnode1.corp.example").returncode == 0)
    check("no schema error", srv.stop() == 0)


HOSTILE = {
    "malformed": ("<BESAPI><Computer><ID>1</Computer>", "error malformed"),
    "not BESAPI": ('<?xml version="1.0"?><html><body>proxy error</body></html>', "error shape"),
    "a DTD": ('<?xml version="1.0"?><!DOCTYPE BESAPI [<!ENTITY x "y">]><BESAPI>&x;</BESAPI>', "error hostile"),
    "entity expansion": ('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
                         '&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><BESAPI>&c;</BESAPI>',
                         "error hostile"),
    "an external entity": ('<?xml version="1.0"?><!DOCTYPE BESAPI [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                           "<BESAPI>&x;</BESAPI>", "error hostile"),
    "invalid against BESAPI.xsd": ("<BESAPI><Computer><ID>12x</ID></Computer></BESAPI>",
                                   "error schema" if XSD else "error shape"),
    "an ID that overflows": ("<BESAPI><Query Resource='x'><Result><Answer type='integer'>99999999999999999999999"
                             "</Answer></Result><Evaluation><Time>1ms</Time><Plurality>Plural</Plurality>"
                             "</Evaluation></Query></BESAPI>", "error shape"),
    "control characters": ("<BESAPI><Query Resource='x'><Result/><Error>\x1b]0;pwned\x07</Error></Query></BESAPI>",
                           "error malformed"),
}


def test_hostile_answers():
    srv = Server("hostile")
    for what, (body, want) in HOSTILE.items():
        srv.faults([{"kind": "body", "path": "/api/query", "body": body}])
        r = srv.run("resolve", "EXNODE1", "dns", "exnode1.corp.example")
        check(f"an answer with {what}: {want}", first_error(r) == want and "\x1b" not in r.stdout, r.stdout)
    srv.faults([{"kind": "body", "path": "/api/query", "status": 400,
                 "body": "<BESAPI><Query Resource='x'><Result/><Error>bad \u202e\u009b31m thing</Error></Query>"
                         "</BESAPI>"}])
    r = srv.run("query", "x")
    check("a relevance error's text reaches the terminal escaped (bidi and C1 controls)",
          first_error(r) == "error relevance" and "\u202e" not in r.stdout and "\u009b" not in r.stdout
          and "\\u{202E}" in r.stdout, r.stdout)
    big = "<BESAPI>" + "<Computer><ID>1</ID></Computer>" * 40000 + "</BESAPI>"
    srv.faults([{"kind": "body", "path": "/api/computer/1001", "body": big}])
    r = srv.run("resolve", "EXNODE1", "dns", "exnode1.corp.example", options=["--max-answer", "100000"])
    check("an oversized answer is refused", first_error(r) == "error oversized", r.stdout)
    srv.faults([{"kind": "body", "path": "/api/action/100/status",
                 "body": "<BESAPI><ActionResults><ActionID>100</ActionID><Status>Open</Status>"
                         "<Computer ID='1001' Name='EXNODE1'><Status>Sideways</Status>"
                         "<State IsError='false'>0</State><ApplyCount>0</ApplyCount><RetryCount>0</RetryCount>"
                         "<LineNumber>0</LineNumber></Computer></ActionResults></BESAPI>"}])
    srv.run("post", "Server Automation", "116", "t", "1001")
    r = srv.run("status", "100")
    check("an unknown Status text is 'not finished', and said so",
          "Sideways: an unknown status: not finished" in r.stdout, r.stdout)
    srv.faults([{"kind": "body", "path": "/api/action/100/status",
                 "body": "<BESAPI><ActionResults><ActionID>101</ActionID><Status>Open</Status></ActionResults>"
                         "</BESAPI>"}])
    r = srv.run("status", "100")
    check("an answer about another action is refused", first_error(r) == "error shape", r.stdout)
    srv.stop()


def test_secrecy():
    srv = Server("secret")
    srv.faults([{"kind": "hang", "seconds": 3, "path": "/api/login", "times": 1}])
    p = srv.run("login", background=True)
    time.sleep(1.0)
    environ = open(f"/proc/{p.pid}/environ", "rb").read()
    limits = open(f"/proc/{p.pid}/limits", encoding="utf-8").read()
    status = open(f"/proc/{p.pid}/status", encoding="utf-8").read()
    cmdline = open(f"/proc/{p.pid}/cmdline", "rb").read()
    out, err = p.communicate(timeout=30)
    outputs.append(out + err)
    check("the password is wiped from the client's environment while it runs",
          ctl.PASSWORD.encode() not in environ and b"BFPLAN_BIGFIX_USER=operator" in environ)
    core = next(l for l in limits.splitlines() if l.startswith("Max core file size"))
    check("no core dump while the password is held", core.split()[4] == "0", core)
    check("the password is not in argv", ctl.PASSWORD.encode() not in cmdline)
    log = open(os.path.join(srv.dir, "requests.log"), encoding="utf-8").read()
    check("the password is in no output of the client, nor in the server's log",
          all(ctl.PASSWORD not in o for o in outputs) and ctl.PASSWORD not in log and out == "ok login\n", out)
    srv.stop()


os.makedirs(work, exist_ok=True)
if not XSD:
    print("SKIP answers are not validated by the client: BESAPI.xsd is absent")
test_credentials_and_tls()
test_resolve_and_query()
test_actions()
test_network_faults()
test_hostile_answers()
test_secrecy()
sys.exit(1 if failed else 0)
