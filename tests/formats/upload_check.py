"""upload_check.py - what GitHub code scanning needs of a SARIF upload, beyond the schema.

usage: /usr/bin/python3 tests/formats/upload_check.py LOG

Code scanning rejects a whole upload when one result has no location, and
shows a rule's help beside each alert.  So, for every result and rule of
LOG:

- the result has exactly one location with a physicalLocation whose
  artifactLocation names a file (a region is optional: a file-level
  location is what an unreadable or UTF-16 file gets);
- that URI is relative to the repository: no scheme, no leading '/', no
  '..', and uriBaseId %SRCROOT%, which run.originalUriBaseIds defines;
- the result's ruleId names a rule, and every rule has help text (plain
  and Markdown) and a fullDescription.

Prints one PASS or FAIL line per check; exits 1 if any failed.
"""

import json
import sys

failed = 0


def report(ok, name, why=""):
    global failed
    if ok:
        print("PASS upload: " + name)
    else:
        failed += 1
        print("FAIL upload: %s: %s" % (name, why))


def uri_problem(art, bases):
    uri = art.get("uri")
    if not isinstance(uri, str) or not uri:
        return "no artifactLocation.uri"
    if ":" in uri.split("/")[0] or uri.startswith("/"):
        return "uri %r is not relative to the repository" % uri
    if ".." in uri.split("/"):
        return "uri %r climbs out of the repository" % uri
    if art.get("uriBaseId") != "%SRCROOT%" or "%SRCROOT%" not in bases:
        return "uri %r without the %%SRCROOT%% base" % uri
    return None


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        log = json.load(f)
    for run in log["runs"]:
        bases = run.get("originalUriBaseIds", {})
        rules = run["tool"]["driver"].get("rules", [])
        ids = [r.get("id") for r in rules]
        for r in rules:
            help_ = r.get("help", {})
            ok = bool(help_.get("text")) and bool(help_.get("markdown")) and \
                bool(r.get("fullDescription", {}).get("text"))
            report(ok, "rule %s has help and a description" % r.get("id"), repr(r)[:200])
        results = run.get("results", [])
        report(bool(results), "the log has results", "none")
        for i, res in enumerate(results):
            name = "result %d (%s)" % (i, res.get("ruleId"))
            locs = res.get("locations")
            why = None
            if res.get("ruleId") not in ids:
                why = "its ruleId names no rule"
            elif not isinstance(locs, list) or len(locs) != 1:
                why = "%r locations" % (len(locs) if isinstance(locs, list) else locs)
            else:
                art = locs[0].get("physicalLocation", {}).get("artifactLocation", {})
                why = uri_problem(art, bases)
            report(why is None, name + " is located in the repository", why or "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
