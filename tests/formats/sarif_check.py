"""sarif_check.py - checks a SARIF log written by `bfplan --format=sarif`.

usage: /usr/bin/python3 tests/formats/sarif_check.py SCHEMA LOG CODE...

Prints one PASS, FAIL or SKIP line per check and exits 1 if any failed.

1. The log validates against the official SARIF 2.1.0 schema (SCHEMA), with
   Debian's python3-jsonschema and every format checker it has, so that
   "uri-reference" is really checked.  When SCHEMA or the module is
   absent, the check says SKIP and why.
2. What the schema does not require but bfplan promises: columnKind, one
   rule per code with id, name, short and full description and help,
   results whose ruleId names a rule and whose ruleIndex points at it, a
   level, a message, a located region with start and end line and column,
   and related locations with messages.  CODE... are the ruleIds of the
   results, in order.

Run it with /usr/bin/python3: another python3 on PATH may lack the Debian
module or bring a different version of it.
"""

import json
import os
import sys

failed = 0


def report(ok, name, why=""):
    global failed
    if ok:
        print("PASS sarif: " + name)
    else:
        failed += 1
        print("FAIL sarif: %s: %s" % (name, why))


def validate(schema_path, log):
    if not os.path.isfile(schema_path):
        print("SKIP sarif: schema validation: no schema at %s" % schema_path)
        return
    try:
        import jsonschema
    except ImportError:
        print("SKIP sarif: schema validation: python3-jsonschema is not installed "
              "(apt-get install python3-jsonschema)")
        return
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    report(not errors, "valid against the SARIF 2.1.0 schema",
           "; ".join("%s at %s" % (e.message, "/".join(map(str, e.path))) for e in errors[:5]))


def text_of(obj, key):
    value = obj.get(key)
    return isinstance(value, dict) and isinstance(value.get("text"), str) and value["text"] != ""


def check_region(region):
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        if not isinstance(region.get(key), int) or region[key] < 1:
            return "region." + key
    if (region["endLine"], region["endColumn"]) < (region["startLine"], region["startColumn"]):
        return "region ends before it starts"
    return None


def check_location(loc):
    phys = loc.get("physicalLocation")
    if not isinstance(phys, dict):
        return "no physicalLocation"
    uri = phys.get("artifactLocation", {}).get("uri", "")
    if not uri or " " in uri:
        return "artifactLocation.uri %r" % uri
    if not uri.startswith("file:///") and phys["artifactLocation"].get("uriBaseId") != "%SRCROOT%":
        return "a relative uri without uriBaseId"
    return check_region(phys.get("region", {}))


def check_content(log, codes):
    run = log["runs"][0]
    report(run.get("columnKind") == "unicodeCodePoints", "columnKind is unicodeCodePoints",
           repr(run.get("columnKind")))
    rules = run["tool"]["driver"].get("rules", [])
    ids = [r.get("id") for r in rules]
    report(len(ids) == len(set(ids)) and set(ids) == set(codes), "one rule per code that occurs",
           "rules %s for results %s" % (ids, codes))
    bad = [r.get("id") for r in rules
           if not (r.get("name") and text_of(r, "shortDescription") and text_of(r, "fullDescription")
                   and text_of(r, "help") and r["help"].get("markdown"))]
    report(not bad, "every rule has a name, descriptions and help", "incomplete: %s" % bad)
    results = run.get("results", [])
    report([r.get("ruleId") for r in results] == codes, "the results are the expected codes",
           "got %s" % [r.get("ruleId") for r in results])
    for i, r in enumerate(results):
        name = "result %d (%s)" % (i, r.get("ruleId"))
        problems = []
        idx = r.get("ruleIndex")
        if not isinstance(idx, int) or idx >= len(rules) or rules[idx].get("id") != r.get("ruleId"):
            problems.append("ruleIndex %r" % idx)
        if r.get("level") not in ("error", "warning", "note"):
            problems.append("level %r" % r.get("level"))
        if not text_of(r, "message"):
            problems.append("no message")
        locs = r.get("locations", [])
        if len(locs) != 1:
            problems.append("%d locations" % len(locs))
        else:
            why = check_location(locs[0])
            if why:
                problems.append(why)
        for rel in r.get("relatedLocations", []):
            if not text_of(rel, "message"):
                problems.append("a related location without a message")
            elif "physicalLocation" in rel and check_location(rel):
                problems.append("related: " + check_location(rel))
        report(not problems, name + " is located and complete", ", ".join(problems))


def main():
    if len(sys.argv) < 3:
        print("usage: sarif_check.py SCHEMA LOG CODE...", file=sys.stderr)
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        log = json.load(f)
    validate(sys.argv[1], log)
    check_content(log, sys.argv[3:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
