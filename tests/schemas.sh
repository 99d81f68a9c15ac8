#!/bin/sh
# tests/schemas.sh - the JSON Schemas of docs/schemas/ hold for real outputs.
#
# usage: sh tests/schemas.sh path/to/bfplan
#
# With Debian's python3-jsonschema (Draft 2020-12), each schema must itself
# be valid, and must accept:
#   plan.schema.json         plan.json of a build of every example, and the
#                            expected ones of tests/build;
#   diagnostics.schema.json  `bfplan check --format=json` of every golden
#                            case (with its arguments: fixes, allowances,
#                            --werror) and of the tests/formats cases;
#   diff.schema.json         `bfplan diff --format=json` of the seed plan
#                            against itself and against versions that move
#                            the role, add a node and lengthen the window.
# Each schema must also refuse a broken copy of one real output, so the
# check can fail.  Ends with "schemas: N passed, M failed".

[ $# -eq 1 ] || { echo "usage: sh tests/schemas.sh path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
suite=schemas
. tests/lib.sh
python=/usr/bin/python3
if ! "$python" -c 'import jsonschema' 2>/dev/null; then
	skip "schemas: python3-jsonschema is not installed (apt-get install python3-jsonschema)"
	finish
	exit
fi
SA_URL=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation
mkdir -p "$tmp/plan" "$tmp/diagnostics" "$tmp/diff"

# plan.json of every example, and the expected ones
for plan in examples/*.plan; do
	name=$(basename "$plan" .plan)
	"$bfplan" build "$plan" -o "$tmp/out-$name" --site-url "server-automation=$SA_URL" 2>/dev/null &&
		cp "$tmp/out-$name/plan.json" "$tmp/plan/$name.json"
done
for f in tests/build/expected/*/plan.json; do
	cp "$f" "$tmp/plan/expected-$(basename "$(dirname "$f")").json"
done

# check --format=json of every golden case, with its arguments, and of the formats cases
for plan in tests/golden/*.plan; do
	name=$(basename "$plan" .plan)
	args=
	[ -f "tests/golden/$name.args" ] && args=$(cat "tests/golden/$name.args")
	# shellcheck disable=SC2086
	(cd tests/golden && "$bfplan" check $args --format=json "$name.plan" >"$tmp/diagnostics/golden-$name.json" 2>/dev/null)
done
for plan in tests/formats/cases/*.plan; do
	"$bfplan" check --format=json "$plan" >"$tmp/diagnostics/formats-$(basename "$plan" .plan).json" 2>/dev/null
done

# diff --format=json of the seed against itself and three changed versions
seed=examples/exchange2007-windows2008.plan
sed -e 's/^\(    nodes EXNODE1, EXNODE2\)/\1, EXNODE3/' -e 's/^    window 6h/    window 8h/' "$seed" >"$tmp/node.plan"
sed 's/^    window 6h/    window 8h/' "$seed" >"$tmp/window.plan"
sed 's/^plan patch-exch2008 /plan patch-exch2008-renamed /' "$seed" >"$tmp/renamed.plan"
for v in "$seed" "$tmp/node.plan" "$tmp/window.plan" "$tmp/renamed.plan"; do
	"$bfplan" diff --format=json "$seed" "$v" >"$tmp/diff/$(basename "$v" .plan).json" 2>/dev/null
done

"$python" - "$tmp" <<'PY'
import glob, json, os, sys
import jsonschema
tmp = sys.argv[1]
failed = 0
def report(ok, name, why=""):
    global failed
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    failed += not ok
for kind, least in (("plan", 10), ("diagnostics", 150), ("diff", 4)):
    schema = json.load(open("docs/schemas/%s.schema.json" % kind))
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        report(False, "%s.schema.json is a valid Draft 2020-12 schema" % kind, e.message)
        continue
    v = jsonschema.Draft202012Validator(schema)
    files = sorted(glob.glob(os.path.join(tmp, kind, "*.json")))
    bad = []
    docs = []
    for f in files:
        try:
            doc = json.load(open(f))
        except ValueError:
            bad.append(os.path.basename(f) + " (not JSON)")
            continue
        docs.append(doc)
        errors = list(v.iter_errors(doc))
        if errors:
            bad.append("%s: %s at /%s" % (os.path.basename(f), errors[0].message,
                                           "/".join(map(str, errors[0].absolute_path))))
    report(not bad and len(files) >= least,
           "%s.schema.json accepts %d real outputs" % (kind, len(files)),
           "; ".join(bad[:3]) or "only %d outputs" % len(files))
    # a broken copy must be refused: a required key taken away, deep inside
    if docs:
        broken = json.loads(json.dumps(docs[-1]))
        if kind == "plan":
            del broken["plans"][0]["automation_plan"]["steps"][0]["timeout_seconds"]
        elif kind == "diagnostics":
            broken["diagnostics"].append({"code": "BFP9", "severity": "fatal"})
        else:
            broken["changes"].append({"plan": "p", "kind": "added", "what": "window", "old": "6h",
                                      "new": None, "type": "seconds", "old_value": "6h", "new_value": None})
        report(not v.is_valid(broken), "%s.schema.json refuses a broken output" % kind)
sys.exit(1 if failed else 0)
PY
if [ $? -eq 0 ]; then pass "schemas: every output valid, every broken copy refused"; else fail "schemas"; fi
finish
