"""standin_test.py - the stand-in BigFix server tested on its own, before anything uses it.

    /usr/bin/python3 standin_test.py CERTDIR BUILD_OUTPUT_DIR WORKDIR

BUILD_OUTPUT_DIR holds what `bfplan build` wrote for the Windows 2008 seed
(plan.json and patch-exch2008.bes).  Prints PASS/FAIL lines and exits 1 on
a failure.  A test that leaves a schema error in the stand-in fails.
"""

import base64
import json
import os
import ssl
import subprocess
import sys
import time
from xml.sax.saxutils import escape

from lxml import etree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import besxsd  # noqa: E402
import standin_ctl as ctl  # noqa: E402

certs, built, work = sys.argv[1:4]
CA = os.path.join(certs, "ca.crt")
PLAN_JSON = os.path.join(built, "plan.json")
BES = os.path.join(built, "patch-exch2008.bes")
AUTH = {"Authorization": "Basic " + base64.b64encode(f"operator:{ctl.PASSWORD}".encode()).decode()}
failed = 0


def check(name, cond, detail=""):
    global failed
    if cond:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + str(detail) if detail else ""))


def xml(body):
    return etree.fromstring(body)


def action_body(site, fid, ids, title, params=()):
    targets = "".join(f"<ComputerID>{i}</ComputerID>" for i in ids)
    ps = "".join(f'<Parameter Name="{escape(n)}">{escape(v)}</Parameter>' for n, v in params)
    return (f'<?xml version="1.0" encoding="UTF-8"?><BES><SourcedFixletAction><SourceFixlet>'
            f"<Sitename>{escape(site)}</Sitename><FixletID>{fid}</FixletID><Action>Action1</Action>"
            f"</SourceFixlet><Target>{targets}</Target>{ps}<Title>{escape(title)}</Title>"
            f"</SourcedFixletAction></BES>").encode()


class Server:
    def __init__(self, name, cert="server", lifetime=120, **extra):
        self.dir = os.path.join(work, name)
        self.proc, self.url = ctl.start(ctl.world(PLAN_JSON, **extra), certs, self.dir, cert, lifetime)

    def req(self, method, path, body=None, headers=AUTH, timeout=10):
        return ctl.request(self.url, CA, method, path, body, headers, timeout)

    def state(self):
        return ctl.state(self.url, CA)

    def faults(self, faults):
        ctl.set_faults(self.url, CA, faults)

    def post(self, site, fid, ids, title):
        status, _, body = self.req("POST", "/api/actions", action_body(site, fid, ids, title))
        return int(xml(body).findtext("Action/ID")) if status == 200 else None

    def wait(self, aid, rounds=60):
        """Polls an action until every target has a final Status; returns {name: status}."""
        for _ in range(rounds):
            doc = xml(self.req("GET", f"/api/action/{aid}/status")[2])
            got = {c.get("Name"): c.findtext("Status") for c in doc.findall("ActionResults/Computer")}
            if got and all(s not in ("Running",) for s in got.values()):
                return got
            time.sleep(0.1)
        return got

    def stop(self):
        return ctl.stop(self.proc, self.url, CA)


def step_sources(srv, imported):
    """(step, site, Fixlet ID) per step of the plan, read from plan.json as a driver would."""
    pj = json.load(open(PLAN_JSON, encoding="utf-8"))
    plan = pj["plans"][0]
    out = []
    for step in plan["automation_plan"]["steps"]:
        if "fixlet" in step["run"]:
            fx = pj["fixlets"][step["run"]["fixlet"]]
            out.append((step, pj["sites"][fx["site"]]["title"], fx["id"]))
        else:
            title = plan["baselines"][step["run"]["baseline"]]["bes_title"]
            out.append((step, "bfplan", imported[title]))
    return out


def test_schemas():
    s = besxsd.Schemas()
    if s.absent():
        print("SKIP schemas: absent: " + ", ".join(s.absent()))
        return
    try:
        etree.XMLSchema(etree.parse(s.besapi_path))
        check("BESAPI.xsd as shipped does not compile (its provenance note says so)", False)
    except etree.XMLSchemaParseError:
        check("BESAPI.xsd as shipped does not compile (its provenance note says so)", True)
    check("corrected BESAPI.xsd takes an empty answer", s.check_response(b"<BESAPI/>") is None)
    check("corrected BESAPI.xsd refuses an unknown element",
          s.check_response(b"<BESAPI><Nope/></BESAPI>") is not None)


def test_basics():
    srv = Server("basics")
    st, hdr, _ = srv.req("GET", "/api/login", headers={})
    check("login without credentials is 401 with a Basic challenge",
          st == 401 and hdr.get("WWW-Authenticate", "").startswith("Basic"), st)
    bad = {"Authorization": "Basic " + base64.b64encode(b"operator:wrong").decode()}
    check("wrong password is 401", srv.req("GET", "/api/login", headers=bad)[0] == 401)
    st, hdr, _ = srv.req("GET", "/api/login")
    token = hdr.get("SessionToken")
    check("login answers 200 and a SessionToken", st == 200 and token, st)
    st, _, body = srv.req("GET", "/api/computers", headers={"SessionToken": token})
    ids = [int(x) for x in xml(body).xpath("/BESAPI/Computer/ID/text()")]
    check("the SessionToken stands in for the password", st == 200 and ids == [1001, 1002], (st, ids))
    doc = xml(srv.req("GET", "/api/computer/1002")[2])
    props = {p.get("Name"): p.text for p in doc.findall("Computer/Property")}
    check("a computer's properties give its name and DNS name",
          props.get("Computer Name") == "EXNODE2" and props.get("DNS Name") == "exnode2.corp.example", props)
    check("an unknown computer is 404", srv.req("GET", "/api/computer/77")[0] == 404)
    q = 'ids of applicable computers of bes fixlets whose (id of it = 121 and name of site of it = "Server Automation")'
    st, _, body = srv.req("GET", "/api/query?relevance=" + __import__("urllib.parse").parse.quote(q))
    check("Fixlet 121 is relevant only on the role holder (EXNODE2)",
          st == 200 and xml(body).xpath("//Answer/text()") == ["1002"], body)
    st, _, body = srv.req("POST", "/api/query", b"relevance=names+of+bes+computers",
                          {**AUTH, "Content-Type": "application/x-www-form-urlencoded"})
    check("relevance it does not know gets the Query/Error shape",
          st == 400 and xml(body).find("Query/Error") is not None, (st, body))
    st, _, body = srv.req("POST", "/api/import/custom/bfplan", open(BES, "rb").read())
    doc = xml(body)
    check("import lists each created object with its new ID",
          st == 200 and len(doc.findall("Fixlet")) == 4 and len(doc.findall("Baseline")) == 1, body[:300])
    # the witness's pre-flight Fixlet: relevant on no node while the witness is online, on each node that
    # sees it offline once the fault is set
    witness = next(f for f in doc.findall("Fixlet") if "quorum witness" in f.findtext("Name"))
    q = ('ids of applicable computers of bes fixlets whose (id of it = %s and name of site of it = "bfplan")'
         % witness.findtext("ID"))
    quoted = __import__("urllib.parse").parse.quote(q)
    st, _, body = srv.req("GET", "/api/query?relevance=" + quoted)
    check("the witness online: its pre-flight Fixlet is relevant on no node",
          st == 200 and xml(body).xpath("//Answer/text()") == [] and all(srv.state()["witness_online"].values()),
          body)
    srv.faults([{"kind": "witness_offline", "node": "EXNODE1"}])
    st, _, body = srv.req("GET", "/api/query?relevance=" + quoted)
    check("the witness offline as EXNODE1 sees it: its pre-flight Fixlet is relevant there alone",
          st == 200 and xml(body).xpath("//Answer/text()") == ["1001"]
          and srv.state()["witness_online"] == {"EXNODE1": False, "EXNODE2": True}, body)
    srv.faults([{"kind": "witness_offline"}])
    st, _, body = srv.req("GET", "/api/query?relevance=" + quoted)
    check("the witness offline: its pre-flight Fixlet is relevant on every node",
          st == 200 and xml(body).xpath("//Answer/text()") == ["1001", "1002"], body)
    srv.faults([])
    st, _, _ = srv.req("POST", "/api/actions", b"<BES><SourcedFixletAction/></BES>")
    state = srv.state()
    if besxsd.Schemas().bes is None:
        print("SKIP a body invalid against BES.xsd is recorded: BES.xsd is absent")
        check("a body with no SourceFixlet is refused by the stand-in's own check",
              st == 400 and state["actions_posted"] == 0, state)
        check("with no schema error, the stand-in stops cleanly", srv.stop() == 0)
    else:
        check("a body invalid against BES.xsd is refused and recorded",
              st == 400 and len(state["schema_errors"]) == 1 and state["actions_posted"] == 0,
              state["schema_errors"])
        check("the stand-in reports its schema errors when it stops", srv.stop() == 1)


def test_green_window():
    srv = Server("green")
    doc = xml(srv.req("POST", "/api/import/custom/bfplan", open(BES, "rb").read())[2])
    imported = {b.findtext("Name"): int(b.findtext("ID")) for b in doc}
    ids = {"EXNODE1": 1001, "EXNODE2": 1002}
    results = []
    for step, site, fid in step_sources(srv, imported):
        aid = srv.post(site, fid, [ids[n] for n in step["targets"]], f"bfplan run R1 step {step['number']}")
        results.append((step["name"], srv.wait(aid)))
    bad = [r for r in results if set(r[1].values()) != {"Fixed"}]
    check("every step of the seed ends Fixed on its target", not bad, bad)
    state = srv.state()
    check("every node ends online", set(state["node_state"].values()) == {"online"}, state["node_state"])
    check("the role moved once, to EXNODE1", state["role_holder"] == "EXNODE1", state["role_holder"])
    check("no step was refused by the node-state model", not state["violations"], state["violations"])
    check("nine actions, each title once",
          state["actions_posted"] == 9 and set(state["titles"].values()) == {1}, state["titles"])
    doc = xml(srv.req("GET", "/api/actions")[2])
    check("the action list names each action by its title",
          doc.xpath("/BESAPI/Action[ID=100]/Name/text()") == ["bfplan run R1 step 1"])
    patch = doc.xpath("/BESAPI/Action[Name='bfplan run R1 step 3']/ID/text()")[0]
    st, _, body = srv.req("GET", f"/api/action/{patch}/status")
    check("a Baseline's status has a MemberActionResult per component",
          len(xml(body).findall("ActionResults/MemberActionResult")) == 3, body[:200])
    check("no schema error on the green path", srv.stop() == 0)


def test_model_refuses_out_of_order():
    srv = Server("order")
    aid = srv.post("Server Automation", 115, [1001], "resume too early")   # resume an online node
    got = srv.wait(aid)
    state = srv.state()
    check("a step on a node in the wrong state is Not Relevant and recorded",
          got == {"EXNODE1": "Not Relevant"} and len(state["violations"]) == 1, (got, state["violations"]))
    srv.stop()


def test_faults():
    srv = Server("faults", faults=[{"kind": "fail", "step": "pause", "node": "EXNODE1", "times": 1},
                                    {"kind": "duplicate_name", "node": "EXNODE1"}])
    got = srv.wait(srv.post("Server Automation", 116, [1001], "t1"))
    check("fault: a step fails on a node", got == {"EXNODE1": "Failed"}, got)
    got = srv.wait(srv.post("Server Automation", 116, [1001], "t2"))
    check("fault: 'times' spends itself (the retry succeeds)", got == {"EXNODE1": "Fixed"}, got)
    names = [xml(srv.req("GET", f"/api/computer/{i}")[2]).xpath("//Property[@Name='Computer Name']/text()")[0]
             for i in xml(srv.req("GET", "/api/computers")[2]).xpath("//Computer/ID/text()")]
    check("fault: two computers with one name", names.count("EXNODE1") == 2, names)

    srv.faults([{"kind": "never_complete", "node": "EXNODE1"}])
    aid = srv.post("Server Automation", 114, [1001], "t3")
    got = srv.wait(aid, rounds=10)
    check("fault: an action never completes", got == {"EXNODE1": "Running"}, got)
    srv.req("POST", f"/api/action/{aid}/stop")
    check("stop makes the action Stopped",
          xml(srv.req("GET", f"/api/action/{aid}/status")[2]).findtext("ActionResults/Status") == "Stopped")

    srv.faults([{"kind": "stop_reporting", "node": "EXNODE2"}])
    before = xml(srv.req("GET", "/api/computer/1002")[2]).xpath("//Property[@Name='Last Report Time']/text()")
    time.sleep(2.2)
    after = xml(srv.req("GET", "/api/computer/1002")[2]).xpath("//Property[@Name='Last Report Time']/text()")
    other = xml(srv.req("GET", "/api/computer/1001")[2]).xpath("//Property[@Name='Last Report Time']/text()")
    check("fault: a node stops reporting (its last report time stands still)",
          before == after and other != after, (before, after, other))

    srv.faults([{"kind": "http_error", "status": 500, "path": "/api/computers", "times": 1}])
    check("fault: 500, once", [srv.req("GET", "/api/computers")[0] for _ in range(2)] == [500, 200])
    srv.faults([{"kind": "drop", "path": "/api/login", "times": 1}])
    try:
        srv.req("GET", "/api/login")
        check("fault: dropped connection", False)
    except (OSError, __import__("http.client").client.HTTPException):
        check("fault: dropped connection", True)
    n = srv.state()["actions_posted"]
    srv.faults([{"kind": "drop", "path": "/api/actions", "method": "POST", "after": True, "times": 1}])
    try:
        srv.post("Server Automation", 116, [1002], "lost answer")
        lost = False
    except (OSError, __import__("http.client").client.HTTPException):
        lost = True
    titles = [t for t in xml(srv.req("GET", "/api/actions")[2]).xpath("//Action/Name/text()")]
    check("fault: a POST whose answer is lost still creates the action (found by its title)",
          lost and srv.state()["actions_posted"] == n + 1 and "lost answer" in titles)
    srv.faults([{"kind": "hang", "seconds": 3, "path": "/api/computers", "times": 1}])
    try:
        srv.req("GET", "/api/computers", timeout=0.5)
        check("fault: hang", False)
    except OSError:
        check("fault: hang", True)
    srv.faults([{"kind": "body", "path": "/api/computers", "body": "<BESAPI><Computer>", "times": 1}])
    check("fault: a malformed answer is sent as asked", srv.req("GET", "/api/computers")[2] == b"<BESAPI><Computer>")
    srv.faults([{"kind": "bad_credentials"}])
    check("fault: wrong credentials", srv.req("GET", "/api/login")[0] == 401)
    check("no schema error under faults", srv.stop() == 0)


def test_tls_and_lifetime():
    for cert, what in (("wrong", "a certificate from another CA"), ("otherhost", "a certificate for another host")):
        srv = Server("tls-" + cert, cert=cert)
        try:
            srv.req("GET", "/api/login")
            check(f"{what} is refused by a verifying client", False)
        except ssl.SSLCertVerificationError:
            check(f"{what} is refused by a verifying client", True)
        srv.proc.kill()
        srv.proc.wait()
    srv = Server("lifetime", lifetime=1)
    try:
        srv.proc.wait(timeout=10)
        check("the stand-in stops by itself after its lifetime", True)
    except subprocess.TimeoutExpired:
        srv.proc.kill()
        check("the stand-in stops by itself after its lifetime", False)
    with open(os.path.join(srv.dir, "port"), encoding="utf-8") as f:
        port = int(f.read())
    check("it listened on the loopback only", 0 < port < 65536 and srv.url.startswith("https://127.0.0.1:"))


test_schemas()
test_basics()
test_green_window()
test_model_refuses_out_of_order()
test_faults()
test_tls_and_lifetime()
sys.exit(1 if failed else 0)
