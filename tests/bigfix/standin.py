#!/usr/bin/python3
"""standin.py - a stand-in BigFix server for the tests of bfplan's BigFix driver.

No BigFix server can run where the tests run, so this one answers like the
platform REST API as its documentation describes it (the vendor's REST API
pages, BES.xsd for requests, BESAPI.xsd for answers), over real HTTPS on
127.0.0.1 only, and stops by itself after --lifetime seconds.

    standin.py --world WORLD.json --cert CRT --key KEY --port-file FILE [--lifetime S] [--log FILE]

What is documented and what is inferred
---------------------------------------
Documented (and followed): basic authentication on every request and the
SessionToken header sent back instead of the password; GET /api/login;
GET /api/computers (Computer with LastReportTime and ID); GET
/api/computer/ID (Property Name="..."); GET and POST /api/query with
`relevance` (Query/Result/Answer, or Query/Error); POST /api/actions with a
BES document (the answer is Action with Name and ID); GET /api/actions;
GET /api/action/ID/status (ActionResults, one Computer per target, with
MemberActionResult for a Baseline); POST /api/action/ID/stop; POST
/api/import/custom/SITE (the answer lists the created objects).  Every
answer it sends that is XML is validated against BESAPI.xsd (corrected in
memory, besxsd.py) and every request body against BES.xsd; a mismatch is
recorded in the state (/_standin/state "schema_errors") and fails the test.

Inferred (marked INFERRED where the code does it): the HTTP status of a
relevance error (400) and of a request body the server refuses (400); the
shape of error answers (<BESAPI><Error>text</Error></BESAPI>); the empty
body of a stop; that a target is absent from ActionResults until it first
reports on the action; the integers of State (invented: the public pages
do not give them, and clients must read Status); that Name in an action
listing is the Title the client gave; that a target that stops reporting
keeps its last Status; what Baseline actions report while a node waits in
Pending Restart; the site name session relevance uses for a custom site.

The cluster model
-----------------
The world file names the computers (ID, name, DNS name, the cluster node it
is, how long ago it last reported), the credentials, the role holder and
plan.json of the built plan.  What each Fixlet does to a node is read from
plan.json (each step's Fixlet, its from and to states: the stdlib's
cluster/node-states as the build lowered it), never written here.  A step
posted on a node in a state its Fixlet does not accept answers Not
Relevant and is recorded in "violations".

Faults, set in the world file or with POST /_standin/faults (a JSON list):
    {"kind": "fail", "step": NAME | "fixlet": ID, "node": NODE, "times": N}
    {"kind": "never_complete", "step"/"fixlet": ..., "node": NODE}
    {"kind": "stop_reporting", "node": NODE}
    {"kind": "role_on", "node": NODE}              the role starts elsewhere
    {"kind": "pending_restart", "node": NODE}      the patch leaves Pending Restart
    {"kind": "restart_fails", "node": NODE}        a restart Fixlet fails; a Baseline's leaves Pending Restart
    {"kind": "prerequisite_missing", "prerequisite": NAME, "node": NODE}
    {"kind": "witness_offline", "node": NODE}      the quorum witness is offline, as NODE sees
         it (every node without "node"): the witness's pre-flight Fixlet is relevant there
    {"kind": "duplicate_name", "node": NODE}       a second computer with its name
    Any fault may carry "after_step": N: it holds only once every target of the action of
    step N (the recipe number in its title) has its final status, so that it happens in the
    middle of a window.  A stop_reporting fault may carry "last_report_age": S: when it
    begins, the node's Last Report Time goes S seconds back (a node silent for an hour,
    which a test cannot wait for).
    {"kind": "bad_credentials"}                    every password is refused
    {"kind": "expire_sessions"}                    every SessionToken has expired
    {"kind": "http_error", "status": 500, "path": RE, "method": M, "times": N}
    {"kind": "hang", "seconds": S, "path": RE, "method": M, "times": N, "after": BOOL}
         answer nothing for S seconds; with "after", do the work first (a slow answer)
    {"kind": "drop", "path": RE, "method": M, "times": N, "after": BOOL}
         drop the connection without an answer; with "after", do the work
         first (an action posted whose answer is lost)
    {"kind": "body", "path": RE, "method": M, "status": S, "body": TEXT, "repeat": N, "times": N}
         answer TEXT (repeated N times) unvalidated: hostile or oversized XML
The wrong certificate is the server started with another --cert and --key.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import besxsd  # noqa: E402

REALM = "IBM BigFix Server"  # documented default realm since 9.2.6
SESSION_IDLE = 300           # documented default idle timeout, 5 minutes
BODY_LIMIT = 4 << 20         # requests larger than this are refused

# INFERRED: the public pages do not give State's integers; these are made up so that
# a client that reads them instead of Status shows up in the tests.
STATES = {"Running": 3, "Fixed": 6, "Completed": 6, "Failed": 9, "Pending Restart": 11,
          "Not Relevant": 1}

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<BESAPI xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="BESAPI.xsd">')
TAIL = "</BESAPI>\n"


def http_time(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def relevance_string(s):
    """Decodes a relevance string literal's %XX escapes (the language's only escape)."""
    return urllib.parse.unquote_to_bytes(s).decode("utf-8", "replace")


# The session relevance the driver sends, and nothing else: which computers a
# Fixlet (by site name and ID) is relevant on.  Anything else is an error.
APPLICABLE = re.compile(r'ids of applicable computers of bes fixlets whose '
                        r'\(id of it = ([0-9]{1,10}) and name of site of it = "([^"]*)"\)')
# ... which objects of a site bear a name (an import looked up again after it was interrupted);
# INFERRED: that `bes fixlets` holds a custom site's Baselines too.
CONTENT_NAMED = re.compile(r'ids of bes fixlets whose \(name of it = "([^"]*)" and name of site of it = "([^"]*)"\)')
# ... and which computers have a name, compared in lower case as Windows names are.
NAMED = re.compile(r'ids of bes computers whose \(name of it as lowercase = "([^"]*)"\)')
# The recipe number in an action's title, "bfplan PLAN RUN step 3: patch" (not a failure step's "F3").
STEP_OF_TITLE = re.compile(r" step ([0-9]+): ")


class Target:
    def __init__(self, computer, done_at):
        self.computer = computer
        self.done_at = done_at
        self.status = None       # None until the target first reports
        self.start = None
        self.end = None
        self.final = False
        self.restart_at = None   # a Baseline's restart component still to run (after Pending Restart)


class Action:
    def __init__(self, action_id, title, source, targets, issued, params):
        self.id = action_id
        self.title = title
        self.source = source     # dict: kind, id, site, effect, baseline, components
        self.targets = targets
        self.issued = issued
        self.params = params
        self.stopped = False


class World:
    """Everything the stand-in knows; every method runs under self.lock."""

    def __init__(self, spec, base_url):
        self.lock = threading.Lock()
        self.base = base_url
        self.user = spec["user"]
        self.password = spec["password"]
        self.action_seconds = float(spec.get("action_seconds", 0.3))
        self.faults = list(spec.get("faults", []))
        with open(spec["plan_json"], encoding="utf-8") as f:
            self.plan_json = json.load(f)
        plan = next(p for p in self.plan_json["plans"] if p["name"] == spec.get("plan", p["name"]))
        self.plan = plan
        self.nodes = list(plan["cluster_nodes"])
        self.node_state = {n: "online" for n in self.nodes}
        self.computers = []
        now = time.time()
        for c in spec["computers"]:
            self.computers.append({"id": int(c["id"]), "name": c["name"], "dns": c.get("dns", ""),
                                   "os": c.get("os", "Win2008"), "node": c.get("node"),
                                   "reported": now - float(c.get("age", 5))})
        self.role_holder = spec.get("role_holder")
        if self.role_holder is None and plan.get("role"):
            self.role_holder = next((n["name"] for n in plan["nodes"] if n["role_holder"]), None)
        self._read_effects()
        self.sessions = {}
        self.imported = {}       # (site, id) -> object
        self.next_import = 5000
        self.actions = {}
        self.next_action = 100
        self.titles = {}         # title -> times posted
        self.content_lookups = 0 # objects looked up by name after an interrupted import
        self.schema_errors = []
        self.violations = []
        self.requests = []
        self._apply_world_faults()

    # ---- what plan.json says each Fixlet does ------------------------------------

    def _read_effects(self):
        pj, plan = self.plan_json, self.plan
        fixlets = pj["fixlets"]
        sites = pj["sites"]
        self.effects = {}        # (site title, fixlet ID) -> effect
        self.baseline_effects = {}
        for step in plan["automation_plan"]["steps"]:
            run = step["run"]
            if "fixlet" in run:
                fx = fixlets[run["fixlet"]]
                key = (sites[fx["site"]]["title"], fx["id"])
                eff = self.effects.setdefault(key, {"steps": set(), "from": set(), "to": step["to_state"],
                                                    "role_only": step["role_only"], "kind": fx["kind"],
                                                    "restart": fx["restart"], "id": fx["id"],
                                                    "parameters": fx.get("parameters", [])})
            else:
                bl = plan["baselines"][run["baseline"]]
                eff = self.baseline_effects.setdefault(bl["bes_title"], {
                    "steps": set(), "from": set(), "to": step["to_state"], "role_only": False,
                    "kind": "baseline", "restart": None, "id": None,
                    "components": [fixlets[i] for i in bl["components"]]})
            eff["steps"].add(step["name"])
            eff["from"].add(step["from_state"])
        # A failure step's Fixlet (plan.json "restores") brings a node back into service from
        # whatever state it was taken out to: it accepts every state but the one it restores to.
        # INFERRED from the stdlib's resume step (from paused, drained, patched); plan.json does
        # not list a restore's accepted states.
        for r in plan.get("restores", []):
            fx = fixlets[r["fixlet"]]
            key = (sites[fx["site"]]["title"], fx["id"])
            eff = self.effects.setdefault(key, {"steps": {r["name"]}, "from": set(), "to": "online",
                                                "role_only": False, "kind": fx["kind"],
                                                "restart": fx["restart"], "id": fx["id"],
                                                "parameters": fx.get("parameters", [])})
            eff["restores"] = True
        self.role_fixlet = None
        role = plan.get("role")
        if role and role.get("detect") is not None:
            fx = fixlets[role["detect"]]
            self.role_fixlet = (sites[fx["site"]]["title"], fx["id"])
        self.preflight = {p["preflight_fixlet"]: p["name"] for p in plan.get("prerequisites", [])}
        # the witness's pre-flight Fixlet, found by its title as the build lowered it (plan.json's checks)
        self.witness_fixlet = next((c["preflight_fixlet"] for c in plan.get("checks", [])
                                    if c["when"] == "preflight" and c["preflight_fixlet"]
                                    and not c["prerequisite"]), None)
        self.site_names = {s["title"] for s in sites}

    def _apply_world_faults(self):
        for f in self.faults:
            if f["kind"] == "role_on":
                self.role_holder = f["node"]
            elif f["kind"] == "duplicate_name":
                twin = next(c for c in self.computers if c["node"] == f["node"])
                if any(c["id"] == twin["id"] + 900000 for c in self.computers):
                    continue
                self.computers.append(dict(twin, id=twin["id"] + 900000, node=None,
                                           dns="other-" + twin["dns"]))

    def set_faults(self, faults):
        self.faults = list(faults)
        self._apply_world_faults()

    # A fault names what it applies to with these keys; one it does not name matches anything.
    SELECTORS = ("step", "fixlet", "node", "path", "method", "prerequisite")

    @classmethod
    def _matches(cls, f, match):
        for k in cls.SELECTORS:
            if k not in f:
                continue
            if k not in match:
                return False
            if k == "path":
                if not re.fullmatch(f[k], match[k]):
                    return False
            elif f[k] != match[k]:
                return False
        return True

    def _live(self, f):
        """Whether a fault holds now: always, or with "after_step": N once step N's action has ended."""
        n = f.get("after_step")
        if n is None:
            return True
        for a in self.actions.values():
            m = STEP_OF_TITLE.search(a.title)
            if m and int(m.group(1)) == n and all(t.final and t.restart_at is None for t in a.targets):
                return True
        return False

    def fault(self, kind, **match):
        """The first live fault of `kind` that matches, spending one of its `times`."""
        for f in self.faults:
            if f["kind"] == kind and f.get("times", 1) > 0 and self._matches(f, match) and self._live(f):
                if "times" in f:
                    f["times"] -= 1
                return f
        return None

    def has_fault(self, kind, **match):
        return any(f["kind"] == kind and f.get("times", 1) > 0 and self._matches(f, match) and self._live(f)
                   for f in self.faults)

    # ---- computers ------------------------------------------------------------------

    def witness_online(self, node):
        """Whether `node` sees the quorum witness online: yes, unless a witness_offline fault says not."""
        return not self.has_fault("witness_offline", node=node)

    def reporting(self, c):
        return c["node"] is None or not self.has_fault("stop_reporting", node=c["node"])

    def tick(self):
        """Moves the clock: reporting computers report, finished targets finish."""
        now = time.time()
        for c in self.computers:
            if self.reporting(c) and now - c["reported"] > 1:
                c["reported"] = now - 0.5
        for a in sorted(self.actions.values(), key=lambda a: a.id):
            for t in a.targets:
                self._advance(a, t, now)
        for f in self.faults:
            if (f["kind"] == "stop_reporting" and "last_report_age" in f and not f.get("aged")
                    and self._live(f)):
                self._computer_of(f["node"])["reported"] = now - float(f["last_report_age"])
                f["aged"] = True

    def _advance(self, action, t, now):
        c = t.computer
        if t.restart_at is not None and now >= t.restart_at and not action.stopped and self.reporting(c):
            return self._restart_component(action, t)
        if t.final or action.stopped or not self.reporting(c):
            return  # INFERRED: a silent target keeps its last status
        if t.status is None and now >= t.done_at - self.action_seconds / 2:
            t.status, t.start = "Running", now
        if now < t.done_at or t.status != "Running":
            return
        node = c["node"]
        eff = action.source.get("effect")
        steps = eff["steps"] if eff else set()
        match = [{"step": s, "node": node} for s in steps] + [{"fixlet": action.source["id"], "node": node}]
        if any(self.has_fault("never_complete", **m) for m in match):
            return
        t.final, t.end = True, now
        if any(self.fault("fail", **m) for m in match):
            t.status = "Failed"
            return
        t.status = self._apply(action, eff, node, t, now)

    def _restart_component(self, action, t):
        """A Baseline's last component, a restart Fixlet, runs on a node in Pending Restart and clears it."""
        node = t.computer["node"]
        t.restart_at = None
        if self.has_fault("restart_fails", node=node):
            # INFERRED: the restart did not happen, so the target stays in Pending Restart
            return
        self._restarted(node)   # the target's Pending Restart turns to Fixed
        self.node_state[node] = action.source["effect"]["to"]

    def _apply(self, action, eff, node, t, now):
        """What the action does to the node; returns the target's final Status."""
        done = "Completed" if eff and eff["kind"] == "task" else "Fixed"
        if eff is None or node is None:
            return done
        state = self.node_state[node]
        if eff["role_only"]:
            if node != self.role_holder:
                return "Not Relevant"  # the role's Fixlet is relevant only where the role runs
            other = next((n for n in self.nodes if n != node and self.node_state[n] == "online"
                          and self.reporting(self._computer_of(n))), None)
            if other is None:
                return "Failed"
            self.role_holder = other
            return done
        if eff["restart"] == "clears":
            if self.has_fault("restart_fails", node=node):
                return "Failed"
            self._restarted(node)
            if state == "pending-restart":
                self.node_state[node] = "patched"
            return done
        if state not in eff["from"] and not (eff.get("restores") and state != eff["to"]):
            self.violations.append(f"action {action.id} ('{action.title}'): {sorted(eff['steps'])} "
                                   f"on {node} in state {state}, which it does not accept")
            return "Not Relevant"
        if eff["kind"] == "baseline":
            restarts = {fx["restart"] for fx in eff["components"]}
            pending = "always" in restarts or self.has_fault("pending_restart", node=node)
            if pending and "clears" not in restarts:
                self.node_state[node] = "pending-restart"
                return "Pending Restart"
            if pending:
                # INFERRED: the components run in order, and the target reports Pending Restart
                # between the patch that asks for the restart and the restart component that
                # clears it (the documentation does not say what a Baseline reports meanwhile).
                self.node_state[node] = "pending-restart"
                t.restart_at = now + self.action_seconds
                return "Pending Restart"
        self.node_state[node] = eff["to"]
        if eff["to"] != "online" and node == self.role_holder:
            self.violations.append(f"action {action.id}: {node} left online while the role runs on it")
        return done

    def _restarted(self, node):
        """A restart: earlier targets waiting in Pending Restart on the node are now Fixed."""
        for a in self.actions.values():
            for t in a.targets:
                if t.computer["node"] == node and t.status == "Pending Restart":
                    t.status = "Fixed"
        self._computer_of(node)["reported"] = time.time()

    def _computer_of(self, node):
        return next(c for c in self.computers if c["node"] == node)

    def state(self):
        imported = {}
        for obj in self.imported.values():
            imported[obj["title"]] = imported.get(obj["title"], 0) + 1
        return {"node_state": self.node_state, "role_holder": self.role_holder,
                "imported_titles": imported, "content_lookups": self.content_lookups,
                "witness_online": {n: self.witness_online(n) for n in self.nodes},
                "reporting": {n: self.reporting(self._computer_of(n)) for n in self.nodes},
                "actions_posted": sum(self.titles.values()), "titles": self.titles,
                "schema_errors": self.schema_errors, "violations": self.violations,
                "requests": self.requests,
                "actions": [{"id": a.id, "title": a.title, "stopped": a.stopped,
                             "source": {"site": a.source["site"], "id": a.source["id"]},
                             "params": a.params, "secure_params": a.secure,
                             "targets": {t.computer["name"]: t.status for t in a.targets}}
                            for a in sorted(self.actions.values(), key=lambda a: a.id)]}


# ---- the answers --------------------------------------------------------------------------

class Refusal(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status
        self.text = text


def error_body(text):
    # INFERRED: the shape of an error answer; BESAPI.xsd's root allows Error.
    return HEAD + "<Error>" + escape(text) + "</Error>" + TAIL


def computers_xml(w):
    out = [HEAD]
    for c in w.computers:
        out.append(f'<Computer Resource={quoteattr(w.base + "/api/computer/" + str(c["id"]))}>'
                   f'<LastReportTime>{http_time(c["reported"])}</LastReportTime><ID>{c["id"]}</ID></Computer>')
    out.append(TAIL)
    return "".join(out)


def computer_xml(w, cid):
    c = next((c for c in w.computers if c["id"] == cid), None)
    if c is None:
        raise Refusal(404, f"Computer {cid} not found")
    props = [("Computer Name", c["name"]), ("DNS Name", c["dns"]), ("OS", c["os"]),
             ("Last Report Time", http_time(c["reported"])), ("ID", str(c["id"]))]
    body = "".join(f"<Property Name={quoteattr(n)}>{escape(v)}</Property>" for n, v in props)
    return (HEAD + f'<Computer Resource={quoteattr(w.base + "/api/computer/" + str(cid))}>' + body
            + "</Computer>" + TAIL)


def applicable(w, site, fid):
    """IDs of the computers a Fixlet is relevant on, as the model has it."""
    if (site, fid) == w.role_fixlet:
        return [w._computer_of(w.role_holder)["id"]] if w.role_holder else []
    obj = w.imported.get((site, fid))
    if obj and obj["kind"] == "Fixlet" and obj["title"] in w.preflight:
        prereq = w.preflight[obj["title"]]
        return [w._computer_of(f["node"])["id"] for f in w.faults
                if f["kind"] == "prerequisite_missing" and f["prerequisite"] == prereq]
    if obj and obj["kind"] == "Fixlet" and obj["title"] == w.witness_fixlet:
        return [w._computer_of(n)["id"] for n in w.nodes if not w.witness_online(n)]
    eff = w.effects.get((site, fid))
    if eff:
        return [w._computer_of(n)["id"] for n in w.nodes if w.node_state[n] in eff["from"]]
    return []


def query_xml(w, expr):
    m = APPLICABLE.fullmatch(expr.strip())
    named = NAMED.fullmatch(expr.strip())
    content = CONTENT_NAMED.fullmatch(expr.strip())
    resource = quoteattr(expr)
    if named:
        ids = [c["id"] for c in w.computers if c["name"].lower() == relevance_string(named.group(1))]
    elif content:
        w.content_lookups += 1
        title, site = relevance_string(content.group(1)), relevance_string(content.group(2))
        ids = [oid for (s, oid), obj in w.imported.items() if s == site and obj["title"] == title]
    elif not m:
        # INFERRED: the status (400); the shape (Query/Error) is documented.
        return 400, (HEAD + f"<Query Resource={resource}><Result/>"
                     f"<Error>This expression could not be evaluated by the stand-in.</Error></Query>" + TAIL)
    else:
        ids = applicable(w, relevance_string(m.group(2)), int(m.group(1)))
    answers = "".join(f'<Answer type="integer">{i}</Answer>' for i in sorted(ids))
    return 200, (HEAD + f"<Query Resource={resource}><Result>{answers}</Result><Evaluation>"
                 f"<Time>0.1ms</Time><Plurality>Plural</Plurality></Evaluation></Query>" + TAIL)


def parse_request_xml(data):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def text_of(el, name):
    x = el.find(name)
    return None if x is None else (x.text or "")


def post_action(w, doc):
    sfa = doc.find("SourcedFixletAction")
    if sfa is None or len(doc) != 1:
        raise Refusal(400, "the stand-in takes one SourcedFixletAction per request")
    # checked here too: without BES.xsd nothing else stops a request that lacks them
    src = sfa.find("SourceFixlet")
    fid_text = (text_of(src, "FixletID") or "").strip() if src is not None else ""
    if not fid_text.isdigit():
        raise Refusal(400, "a SourcedFixletAction needs its SourceFixlet and FixletID")
    site = text_of(src, "Sitename")
    fid = int(fid_text)
    source = {"site": site, "id": fid, "effect": None}
    obj = w.imported.get((site, fid))
    if obj is not None:
        source["effect"] = w.baseline_effects.get(obj["title"]) if obj["kind"] == "Baseline" else None
        source["baseline"] = obj["kind"] == "Baseline"
    elif (site, fid) in w.effects:
        source["effect"] = w.effects[(site, fid)]
    elif site not in w.site_names and site is not None:
        raise Refusal(400, f"site {site!r} is not known")  # INFERRED: status and text
    target = sfa.find("Target")
    ids = [int(x.text) for x in target.findall("ComputerID")] if target is not None else []
    if not ids or len(set(ids)) != len(ids):
        raise Refusal(400, "the stand-in needs distinct ComputerID targets")
    computers = []
    for cid in ids:
        c = next((c for c in w.computers if c["id"] == cid), None)
        if c is None:
            raise Refusal(400, f"computer {cid} is not known")
        computers.append(c)
    title = text_of(sfa, "Title") or ""
    params = {p.get("Name"): p.text or "" for p in sfa.findall("Parameter")}
    # A secret is kept only as its SHA-256, so that a test can check it arrived without the
    # stand-in's state or log ever holding it.
    secure = {p.get("Name"): hashlib.sha256((p.text or "").encode()).hexdigest()
              for p in sfa.findall("SecureParameter")}
    eff = source["effect"]
    for declared in (eff or {}).get("parameters", []):
        got = secure if declared["secure"] else params
        if declared["name"] not in got:
            # The stand-in's own check: the documentation does not say what BigFix does with an
            # action that lacks a parameter its Fixlet asks for (it would prompt in the console).
            w.violations.append(f"action '{title}' lacks the {'Secure' if declared['secure'] else ''}"
                                f"Parameter '{declared['name']}' Fixlet {eff['id']} declares")
    now = time.time()
    aid = w.next_action
    w.next_action += 1
    w.actions[aid] = Action(aid, title, source, [Target(c, now + w.action_seconds) for c in computers],
                            now, params)
    w.actions[aid].secure = secure
    w.titles[title] = w.titles.get(title, 0) + 1
    return (HEAD + f'<Action Resource={quoteattr(w.base + "/api/action/" + str(aid))} '
            f'LastModified={quoteattr(http_time(now))}><Name>{escape(title)}</Name><ID>{aid}</ID></Action>'
            + TAIL)


def actions_xml(w):
    out = [HEAD]
    for a in sorted(w.actions.values(), key=lambda a: a.id):
        # INFERRED: Name is the Title the client gave.
        out.append(f'<Action Resource={quoteattr(w.base + "/api/action/" + str(a.id))} '
                   f'LastModified={quoteattr(http_time(a.issued))}><Name>{escape(a.title)}</Name>'
                   f'<ID>{a.id}</ID></Action>')
    out.append(TAIL)
    return "".join(out)


def result_xml(t):
    c = t.computer
    st = t.status
    parts = [f'<Computer ID="{c["id"]}" Name={quoteattr(c["name"])}><Status>{escape(st)}</Status>',
             f'<State IsError="{"true" if st == "Failed" else "false"}">{STATES.get(st, 0)}</State>']
    if t.final and st != "Not Relevant":
        parts.append("<ExitCode>0</ExitCode>" if st != "Failed" else "<ExitCode>1</ExitCode>")
    parts.append(f"<ApplyCount>{1 if t.final else 0}</ApplyCount><RetryCount>0</RetryCount>"
                 f"<LineNumber>{1 if t.final else 0}</LineNumber>")
    if t.start:
        parts.append(f"<StartTime>{http_time(t.start)}</StartTime>")
    if t.end:
        parts.append(f"<EndTime>{http_time(t.end)}</EndTime>")
    parts.append("</Computer>")
    return "".join(parts)


def status_xml(w, aid):
    a = w.actions.get(aid)
    if a is None:
        raise Refusal(404, f"Action {aid} not found")
    reported = [t for t in a.targets if t.status is not None]
    out = [HEAD, f'<ActionResults Resource={quoteattr(w.base + f"/api/action/{aid}/status")}>',
           f"<ActionID>{aid}</ActionID><Status>{'Stopped' if a.stopped else 'Open'}</Status>",
           f"<DateIssued>{http_time(a.issued)}</DateIssued>"]
    out += [result_xml(t) for t in reported]
    if a.source.get("baseline") and a.source["effect"]:
        # Each component reports as a member action; the stand-in reports them as the whole.
        for i, _ in enumerate(a.source["effect"]["components"]):
            out.append(f"<MemberActionResult><ActionID>{aid * 100 + i + 1}</ActionID>")
            out += [result_xml(t) for t in reported]
            out.append("</MemberActionResult>")
    out.append("</ActionResults>" + TAIL)
    return "".join(out)


def import_xml(w, site, doc):
    out = [HEAD]
    for obj in doc:
        kind = obj.tag
        if kind not in ("Fixlet", "Task", "Baseline"):
            raise Refusal(400, f"the stand-in imports Fixlets, Tasks and Baselines, not {kind}")
        title = text_of(obj, "Title")
        oid = w.next_import
        w.next_import += 1
        w.imported[(site, oid)] = {"kind": kind, "title": title}
        res = f"{w.base}/api/{kind.lower()}/custom/{urllib.parse.quote(site)}/{oid}"
        out.append(f'<{kind} Resource={quoteattr(res)} LastModified={quoteattr(http_time(time.time()))}>'
                   f"<Name>{escape(title)}</Name><ID>{oid}</ID></{kind}>")
    out.append(TAIL)
    return "".join(out)


# ---- HTTP ----------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server_version = "standin"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.log:
            self.server.log.write("%s %s\n" % (self.log_date_time_string(), fmt % args))
            self.server.log.flush()

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def send(self, status, body, ctype="application/xml", headers=()):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > BODY_LIMIT:
            raise Refusal(413, "request too large")
        return self.rfile.read(n) if n else b""

    def handle_any(self, method):
        w = self.server.world
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        if path.startswith("/_standin/"):
            return self.control(method, path)
        with w.lock:
            w.requests.append(f"{method} {path}")
            hang = w.fault("hang", path=path, method=method)
            err = w.fault("http_error", path=path, method=method)
            drop = w.fault("drop", path=path, method=method)
            raw = w.fault("body", path=path, method=method)
        if hang and not hang.get("after"):
            time.sleep(float(hang.get("seconds", 3600)))
        if drop and not drop.get("after"):
            return self.drop()
        if err:
            return self.send(err.get("status", 500), error_body("stand-in fault"))
        try:
            body = self.read_body()
            with w.lock:
                w.tick()
                headers = self.authenticate(w)
                status, answer = self.route(w, method, path, url.query, body)
        except Refusal as r:
            status, answer, headers = r.status, error_body(r.text), []
            if r.status == 401:
                headers = [("WWW-Authenticate", f'Basic realm="{REALM}"')]
        if hang and hang.get("after"):
            time.sleep(float(hang.get("seconds", 3600)))  # the work is done; its answer is slow
        if drop:
            return self.drop()
        if raw:
            text = raw.get("body", "") * int(raw.get("repeat", 1))
            return self.send(raw.get("status", 200), text, headers=headers)
        if answer.startswith("<?xml"):
            why = w_schema(self.server).check_response(answer.encode("utf-8"))
            if why:
                with w.lock:
                    w.schema_errors.append(f"answer to {method} {path} is invalid against BESAPI.xsd: {why}")
                return self.send(500, "stand-in: invalid answer", "text/plain")
        self.send(status, answer, "application/xml" if answer.startswith("<?xml") else "text/plain", headers)

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def authenticate(self, w):
        token = self.headers.get("SessionToken")
        now = time.time()
        if w.has_fault("expire_sessions"):
            w.sessions.clear()
        if token and token in w.sessions and now - w.sessions[token] < SESSION_IDLE:
            w.sessions[token] = now
            return []
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:], validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                user, password = "", None
            ok = (password is not None and hmac.compare_digest(user.encode(), w.user.encode())
                  and hmac.compare_digest(password.encode(), w.password.encode()))
            if ok and not w.has_fault("bad_credentials"):
                token = secrets.token_hex(16)
                w.sessions[token] = now
                return [("SessionToken", token)]
        raise Refusal(401, "Login failed")

    def route(self, w, method, path, query, body):
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["api"]:
            raise Refusal(404, "not found")
        p = parts[1:]
        if method == "GET" and p == ["login"]:
            return 200, "ok"  # INFERRED: the body; the documentation gives only the status
        if method == "GET" and p == ["computers"]:
            return 200, computers_xml(w)
        if method == "GET" and len(p) == 2 and p[0] == "computer" and p[1].isdigit():
            return 200, computer_xml(w, int(p[1]))
        if p == ["query"] and method in ("GET", "POST"):
            form = urllib.parse.parse_qs(query if method == "GET" else body.decode("utf-8", "replace"))
            if form.get("output", ["xml"])[0] != "xml":
                raise Refusal(400, "the stand-in answers XML only")
            expr = form.get("relevance", [""])[0]
            return query_xml(w, expr)
        if p == ["actions"] and method == "GET":
            return 200, actions_xml(w)
        if p == ["actions"] and method == "POST":
            return 200, post_action(w, self.request_doc(w, method, path, body))
        if len(p) == 3 and p[0] == "action" and p[1].isdigit() and p[2] == "status" and method == "GET":
            return 200, status_xml(w, int(p[1]))
        if len(p) == 3 and p[0] == "action" and p[1].isdigit() and p[2] == "stop" and method == "POST":
            a = w.actions.get(int(p[1]))
            if a is None:
                raise Refusal(404, "Action not found")
            a.stopped = True
            return 200, ""  # INFERRED: what a stop answers
        if len(p) == 3 and p[:2] == ["import", "custom"] and method == "POST":
            site = urllib.parse.unquote(p[2])
            return 200, import_xml(w, site, self.request_doc(w, method, path, body))
        raise Refusal(404, "not found")

    def request_doc(self, w, method, path, body):
        why = w_schema(self.server).check_request(body)
        if why:
            w.schema_errors.append(f"{method} {path}: the body is invalid against BES.xsd: {why}")
            raise Refusal(400, "the body is not valid against BES.xsd")  # INFERRED: status
        try:
            return parse_request_xml(body)
        except etree.XMLSyntaxError as e:
            w.schema_errors.append(f"{method} {path}: the body is not XML: {e}")
            raise Refusal(400, "the body is not XML") from None

    def control(self, method, path):
        w = self.server.world
        if method == "GET" and path == "/_standin/state":
            with w.lock:
                w.tick()
                return self.send(200, json.dumps(w.state(), sort_keys=True), "application/json")
        if method == "POST" and path == "/_standin/faults":
            faults = json.loads(self.read_body() or b"[]")
            with w.lock:
                w.set_faults(faults)
            return self.send(200, "{}", "application/json")
        if method == "POST" and path == "/_standin/stop":
            self.send(200, "{}", "application/json")
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return None
        return self.send(404, "not found", "text/plain")


def w_schema(server):
    return server.schemas


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--world", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--log")
    args = ap.parse_args()
    with open(args.world, encoding="utf-8") as f:
        spec = json.load(f)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    # The handshake happens in the request's thread, so a client that never
    # completes one cannot stall the others.
    server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    port = server.server_address[1]
    server.schemas = besxsd.Schemas()
    server.world = World(spec, f"https://127.0.0.1:{port}")
    server.log = open(args.log, "a", encoding="utf-8") if args.log else None
    for p in server.schemas.absent():
        print(f"standin: {p} is absent: answers and requests are not validated against it", file=sys.stderr)

    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{port}\n")
    os.rename(tmp, args.port_file)
    stopper = threading.Timer(args.lifetime, server.shutdown)
    stopper.daemon = True
    stopper.start()
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    if server.world.schema_errors:
        for e in server.world.schema_errors:
            print("standin: " + e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
