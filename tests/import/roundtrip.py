"""roundtrip.py - import, then build the full form, then compare with the input.

usage: python3 tests/import/roundtrip.py path/to/bfplan

For each .bes file the tests hold (tests/import and tests/build/full), all
written for the tests: `bfplan import` it as its .args say, then build a
plan whose Baseline holds its Fixlets and Tasks with --components=full, and
compare, element by element, each component of the built .bes with the
content it came from:

  Name                 the Fixlet's Title, character for character
  ActionName           the action the line names, else the default action's ID
  ActionScript         that action's script and MIMEType
  SuccessCriteria      that action's Option (each kind's default when the
                       action gives none) and, for CustomRelevance, its relevance
  Relevance            every Relevance clause of the Fixlet, in order
  IncludeInRelevance   the input Baseline component's, where the file has one

A file with a Baseline is built by patching with the Baseline import wrote
from it, so that its lines (actions, IncludeInRelevance) go through the
plan language too.  Every .bes read or written must validate against
BES.xsd (BFPLAN_BES_XSD).  A file that import refuses is a test of
import's errors, not of its output: it is listed as such.  Content that
can only be a cluster step or that asks for a parameter cannot be a
Baseline component (BFP328, BFP332): its parameters are compared in the
catalog instead, and a secret's default must appear in no output.

Prints PASS/FAIL per file and "roundtrip: N passed, M failed".
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FULL = os.path.join(TOP, "tests", "build", "full")
SHELL = "application/x-Fixlet-Windows-Shell"
RESTART_BES = os.path.join(FULL, "server-automation-restart.bes")
PATCHES_BES = os.path.join(FULL, "patches-2026-11.bes")
SITE_URLS = ["patches-for-windows=http://sync.bigfix.example.invalid/bfgather/patches",
             "server-automation=http://sync.bigfix.example.invalid/bfgather/sa"]
SECRET = re.compile(r"password|passwd|passphrase|pwd|secret|credential|token|api[ -]?key|private key", re.I)
QUERY = re.compile(r'^\s*action\s+parameter\s+query\s+"([^"]*)"(.*)$', re.I)
DEFAULT = re.compile(r'with\s+default\s+(?:value\s+)?"([^"]*)"', re.I)
DESCRIPTION = re.compile(r'with\s+description\s+"([^"]*)"', re.I)


def lines(text):
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def schema():
    path = os.environ.get("BFPLAN_BES_XSD", os.path.join(TOP, "..", "shared", "reference", "BES.xsd"))
    if not os.path.isfile(path):
        return None
    return etree.XMLSchema(etree.parse(path))


class Item:
    """A Fixlet or Task of the input, as the built component should show it."""

    def __init__(self, el):
        self.kind = el.tag
        self.title = el.findtext("Title")
        self.relevance = [r.text or "" for r in el.findall("Relevance")]
        self.actions = {}
        self.default = None
        for a in el:
            if a.tag not in ("DefaultAction", "Action"):
                continue
            script = a.find("ActionScript")
            sc = a.find("SuccessCriteria")
            self.actions[a.get("ID")] = {
                "script": lines(script.text if script is not None else ""),
                "type": (script.get("MIMEType") if script is not None else None) or SHELL,
                "option": sc.get("Option") if sc is not None and sc.get("Option") else None,
                "custom": lines(sc.text) if sc is not None and sc.get("Option") == "CustomRelevance" else None,
            }
            if a.tag == "DefaultAction" or self.default is None:
                self.default = a.get("ID")
        first = self.actions.get(self.default, {})
        self.queries = [QUERY.match(l) for l in first.get("script", "").split("\n")]
        self.queries = [q for q in self.queries if q]

    def joined_relevance(self):
        if len(self.relevance) == 1:
            return self.relevance[0]
        return " and ".join("(%s)" % r for r in self.relevance)


def items_of(doc):
    return [Item(el) for el in doc.getroot() if el.tag in ("Fixlet", "Task")]


def ids_of(args):
    m = re.search(r"--id\s+(\S+)", args)
    return [int(x) for x in m.group(1).split(",")] if m else []


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


class RoundTrip:
    def __init__(self, bfplan):
        self.bfplan = bfplan
        self.xsd = schema()
        self.passed = 0
        self.failed = 0
        self.partial = {}   # the input Baseline's components kept in a partial copy of it

    def result(self, name, problems, what):
        if problems:
            self.failed += 1
            print("FAIL %s: %s" % (name, problems[0]))
            for p in problems[1:10]:
                print("    " + p)
        else:
            self.passed += 1
            print("PASS %s: %s" % (name, what))

    def valid(self, path, problems):
        if self.xsd is None:
            return
        if not self.xsd.validate(etree.parse(path)):
            problems.append("%s is not valid against BES.xsd: %s" % (os.path.basename(path),
                                                                      self.xsd.error_log.last_error))

    def case(self, bes):
        name = os.path.relpath(bes, TOP)
        base = os.path.splitext(bes)[0]
        args = open(base + ".args").read().split() if os.path.exists(base + ".args") else []
        if os.path.dirname(bes) == FULL:
            args = {"server-automation-restart": ["--site", "server-automation", "--id", "160"],
                    "patches-2026-11": ["--site", "patches-for-windows", "--id", "900201,900202"]}[
                        os.path.basename(base)]
        work = tempfile.mkdtemp(prefix="bfplan-roundtrip.")
        try:
            self.case_in(name, bes, args, work)
        finally:
            shutil.rmtree(work)

    def case_in(self, name, bes, args, work):
        problems = []
        shutil.copy(bes, work)
        shutil.copy(os.path.join(HERE, "world.plan"), work)
        imp = run([self.bfplan, "import"] + args + [os.path.basename(bes), "-o", "imported.plan"], work)
        if imp.returncode != 0:
            self.passed += 1
            print("PASS %s: import refuses it (a case of import's errors), and writes nothing" % name
                  if not os.path.exists(os.path.join(work, "imported.plan"))
                  else "FAIL %s: a refused import wrote its output" % name)
            if os.path.exists(os.path.join(work, "imported.plan")):
                self.passed -= 1
                self.failed += 1
            return
        doc = etree.parse(bes)
        if doc.getroot().tag != "BES":
            print("PASS %s: a REST API listing, without content to build" % name)
            self.passed += 1
            return
        self.valid(bes, problems)
        catalog = open(os.path.join(work, "imported.plan"), encoding="utf-8").read()
        items = items_of(doc)
        ids = ids_of(" ".join(args))
        site = args[args.index("--site") + 1] if "--site" in args else None
        by_id = dict(zip(ids, [i for i in items]))
        self.check_parameters(items, catalog, problems)

        # what can be a Baseline component: content with relevance and an action script, asking for nothing
        cluster_site = site == "server-automation"
        eligible = [(i, it) for i, it in by_id.items()
                    if it.relevance and it.actions and not it.queries and not cluster_site]
        restart = {160: Item(etree.parse(RESTART_BES).getroot().find("Fixlet"))}
        uses = ['use "imported"']
        if not (site == "server-automation" and 160 in by_id):
            shutil.copy(RESTART_BES, work)
            r = run([self.bfplan, "import", "--site", "server-automation", "--id", "160",
                     "server-automation-restart.bes", "-o", "restart.plan"], work)
            if r.returncode != 0:
                problems.append("the restart Fixlet does not import: " + r.stderr)
            uses.append('use "restart"')
        else:
            restart = {160: by_id[160]}
        inputs_extra = {}
        baseline = doc.getroot().find("Baseline")
        m = re.search(r"^baseline (\S+) ", catalog, re.M)
        if baseline is not None and m and all(int(c.get("SourceID")) in by_id
                                              for c in baseline.iter("BaselineComponent")):
            patch = m.group(1)
            decl = ""
        elif baseline is not None and m:
            # components from other sites have no content here: the imported lines of the others
            kept = [l for l in re.findall(r"^    (fixlet|task) (\d+) (.*?)(?:  #.*)?$", catalog, re.M)
                    if int(l[1]) in by_id]
            patch = "rt-baseline"
            decl = 'baseline rt-baseline "Round trip" {\n%s}\n' % "".join(
                "    %s %s %s\n" % l for l in kept)
            baseline = None
            src_only = {int(l[1]) for l in kept}
            eligible = [(i, it) for i, it in eligible if i in src_only]
            for c in doc.getroot().find("Baseline").iter("BaselineComponent"):
                if int(c.get("SourceID")) in src_only:
                    self.partial[int(c.get("SourceID"))] = c
        elif not eligible and site == "server-automation" and 160 in by_id:
            # the restart Fixlet itself: built as the restart of a Baseline of the seed's patches
            shutil.copy(PATCHES_BES, work)
            r = run([self.bfplan, "import", "--site", "patches-for-windows", "--id", "900201,900202",
                     "patches-2026-11.bes", "-o", "patches.plan"], work)
            if r.returncode != 0:
                problems.append("the patches do not import: " + r.stderr)
            uses.append('use "patches"')
            for i, it in zip([900201, 900202], items_of(etree.parse(PATCHES_BES))):
                inputs_extra[i] = it
            patch = "rt-baseline"
            decl = ('baseline rt-baseline "Round trip" {\n    fixlet 900201 site patches-for-windows\n'
                    '    fixlet 900202 site patches-for-windows\n    restart\n}\n')
            eligible = [(i, it) for i, it in inputs_extra.items()]
        elif eligible:
            patch = "rt-baseline"
            body = "".join("    %s %d site %s\n" % ("task" if it.kind == "Task" else "fixlet", i, site)
                           for i, it in eligible)
            decl = 'baseline rt-baseline "Round trip" {\n%s    restart\n}\n' % body
        else:
            self.result(name, problems, "imported; no content of it can be a Baseline component "
                        "(cluster steps or parameters), so its parameters were compared in the catalog")
            return
        plan = PLAN % {"uses": "\n".join(uses), "baseline": decl, "patch": patch}
        open(os.path.join(work, "rt.plan"), "w", encoding="utf-8").write(plan)
        cmd = [self.bfplan, "build", "rt.plan", "-o", "out", "--components=full", "-I", work]
        for u in SITE_URLS:
            cmd += ["--site-url", u]
        b = run(cmd, work)
        if b.returncode != 0:
            problems.append("the build failed:\n" + b.stderr)
            self.result(name, problems, "")
            return
        out = os.path.join(work, "out", "rt.bes")
        self.valid(out, problems)
        self.check_secrets(items, os.path.join(work, "out"), catalog, problems)
        inputs = dict(by_id)
        inputs.update(inputs_extra)
        inputs.update({k: v for k, v in restart.items() if k not in inputs or site == "server-automation"})
        src_components = dict(self.partial)
        self.partial.clear()
        if baseline is not None:
            for c in baseline.iter("BaselineComponent"):
                src_components[int(c.get("SourceID"))] = c
        built = list(etree.parse(out).getroot().iter("BaselineComponent"))
        clears = {int(i) for i in re.findall(r"^    id (\d+)\n(?:    .*\n)*?    pending-restart clears", catalog, re.M)}
        seen = self.compare(built, inputs, src_components, set(restart) | clears, problems)
        if baseline is not None:
            expected = set(src_components)
        elif src_components:
            expected = set(src_components) | ({160} if "    restart\n" in decl else set())
        else:
            expected = {i for i, _ in eligible} | {160}
        if seen != expected:
            problems.append("the built Baseline has components %s, not %s" % (sorted(seen), sorted(expected)))
        self.result(name, problems, "%d components built as imported (titles, actions, scripts, success "
                    "criteria, relevance clauses, IncludeInRelevance)" % len(built))

    def compare(self, built, inputs, src_components, clearing, problems):
        """Each built component against its source; `clearing`: the IDs that clear Pending Restart."""
        seen = set()
        for c in built:
            sid = int(c.get("SourceID"))
            seen.add(sid)
            it = inputs.get(sid)
            if it is None:
                problems.append("component %d has no source in the input" % sid)
                continue
            src = src_components.get(sid)
            action = src.get("ActionName") if src is not None else it.default
            want = it.actions.get(action)

            def differ(what, got, expect):
                if got != expect:
                    problems.append("component %d: %s is %r, not %r" % (sid, what, got, expect))

            differ("Name", c.get("Name"), it.title)
            differ("ActionName", c.get("ActionName"), action)
            if want is None:
                problems.append("component %d: the input has no action %s" % (sid, action))
                continue
            script = c.find("ActionScript")
            differ("ActionScript", lines(script.text if script is not None else None), want["script"])
            differ("MIMEType", script.get("MIMEType") if script is not None else None, want["type"])
            sc = c.find("SuccessCriteria")
            option = want["option"] or ("RunToCompletion" if it.kind == "Task" else "OriginalRelevance")
            differ("SuccessCriteria Option", sc.get("Option") if sc is not None else None, option)
            if option == "CustomRelevance":
                differ("the success relevance", lines(sc.text), want["custom"])
            differ("Relevance", c.findtext("Relevance"), it.joined_relevance())
            if src is not None:
                differ("IncludeInRelevance", c.get("IncludeInRelevance"), src.get("IncludeInRelevance"))
                differ("Relevance (the input component's)", c.findtext("Relevance"), src.findtext("Relevance"))
                ssc = src.find("SuccessCriteria")
                if ssc is not None:
                    differ("SuccessCriteria (the input component's)", sc.get("Option"), ssc.get("Option"))
            else:
                differ("IncludeInRelevance", c.get("IncludeInRelevance"), "false" if sid in clearing else "true")
        return seen

    def check_parameters(self, items, catalog, problems):
        """Every parameter query is a `parameter` line; a secret's is `secure` and has no default."""
        for it in items:
            for q in it.queries:
                pname, rest = q.group(1), q.group(2)
                desc = DESCRIPTION.search(rest)
                secret = bool(SECRET.search(pname) or (desc and SECRET.search(desc.group(1))))
                line = re.search(r'^    parameter "%s"( secure)?(.*)$' % re.escape(pname), catalog, re.M)
                if not line:
                    problems.append("parameter %r is not in the catalog" % pname)
                elif secret != bool(line.group(1)):
                    problems.append("parameter %r is %s in the catalog" % (pname, "not secure" if secret
                                                                              else "secure"))
                elif secret and "default" in line.group(2):
                    problems.append("the secret %r has a default in the catalog" % pname)

    def check_secrets(self, items, outdir, catalog, problems):
        """No secret's default (which import refuses anyway) is in any output."""
        for it in items:
            for q in it.queries:
                desc = DESCRIPTION.search(q.group(2))
                d = DEFAULT.search(q.group(2))
                if d and (SECRET.search(q.group(1)) or (desc and SECRET.search(desc.group(1)))):
                    for f in os.listdir(outdir):
                        if d.group(1) in open(os.path.join(outdir, f), encoding="utf-8", errors="replace").read():
                            problems.append("the default of secret %r is in %s" % (q.group(1), f))


PLAN = """%(uses)s
use "windows/os"
use "bigfix/sites"
use "bigfix/server-automation"
use "bigfix/patches-for-windows"
use "world"

cluster rt-cluster "Round trip" {
    os windows-2008
    nodes RTNODE1, RTNODE2
    quorum node-and-witness
}

%(baseline)s
plan rt "Round trip" {
    cluster rt-cluster
    max-down 1
    window 12h
    timeout patch 1h
    require control-scripts
    require cluster-manager-service
    require dotnet-4.0
    each node {
        pause
        move-groups
        patch %(patch)s
        resume
    }
}
"""


def main():
    if len(sys.argv) != 2:
        print("usage: python3 tests/import/roundtrip.py path/to/bfplan", file=sys.stderr)
        return 2
    bfplan = os.path.abspath(sys.argv[1])
    rt = RoundTrip(bfplan)
    cases = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".bes"))
    cases += sorted(os.path.join(FULL, f) for f in os.listdir(FULL) if f.endswith(".bes"))
    for bes in cases:
        rt.case(bes)
    if rt.xsd is None:
        print("SKIP schema validation: BES.xsd is absent (BFPLAN_BES_XSD)")
    print("roundtrip: %d passed, %d failed" % (rt.passed, rt.failed))
    return 0 if rt.failed == 0 and rt.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
