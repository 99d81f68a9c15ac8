#!/bin/sh
# tests/formats/run.sh - diagnostics in every --format, from the command line.
#
# usage: sh tests/formats/run.sh [--update] path/to/bfplan
#
# Runs from the top of the source tree, so paths in the outputs read
# tests/formats/cases/... and stdlib/....
#
# 1. Golden outputs: for each tests/formats/cases/NAME.plan, standard output
#    of `bfplan check --format=FORM` must equal expected/NAME.FORM for the
#    github and json forms; standard error stays empty and the exit status
#    is the text form's.  --update rewrites the expected files.
# 2. SARIF: the log of the three-problem case, and one of several files,
#    are checked by sarif_check.py: valid against the official SARIF 2.1.0
#    schema (BFPLAN_SARIF_SCHEMA, by default ../shared/reference/
#    sarif-schema-2.1.0.json; a third-party file that is not in this tree)
#    with Debian's python3-jsonschema, and located results with their rules.
#    Without the schema or the module the validation says SKIP.
# 3. The JSON form is documented: every key it writes is named in the
#    "Machine-readable diagnostics" section of docs/diagnostics.md.
# 4. Hostile text: a file name and a message holding ESC, BEL, a C1 control
#    and a bidi override reach no output raw, in any form.
# 5. build's diagnostics and usage errors in the machine forms.
#
# Ends with "formats: N passed, M failed"; exits non-zero on a failure.

update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: sh tests/formats/run.sh [--update] path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
here=tests/formats
bfplan=$(echo "$bfplan" | sed "s|^$top/||")
schema=${BFPLAN_SARIF_SCHEMA-../shared/reference/sarif-schema-2.1.0.json}
python=/usr/bin/python3
suite=formats
. tests/lib.sh

# check_run NAME STATUS: the last run's exit status and an empty standard error
check_run() {
	if [ "$status" -ne "$2" ]; then
		fail "$1: exit status $status, expected $2"
		sed 's/^/    /' "$tmp/err" | head -n 5
		return 1
	fi
	if [ -s "$tmp/err" ]; then
		fail "$1: standard error is not empty"
		sed 's/^/    /' "$tmp/err" | head -n 5
		return 1
	fi
	return 0
}

# ---- 1. golden outputs ---------------------------------------------------------------

for plan in $here/cases/*.plan; do
	name=$(basename "$plan" .plan)
	"$bfplan" check "$plan" >/dev/null 2>&1
	want_status=$?
	for form in github json; do
		expected=$here/expected/$name.$form
		run check --format=$form "$plan"
		check_run "$name --format=$form" "$want_status" || continue
		if [ "$update" -eq 1 ]; then
			mkdir -p "$here/expected"
			cp "$tmp/out" "$expected"
		fi
		if [ ! -f "$expected" ]; then
			fail "$name --format=$form: no $expected (run with --update)"
		elif cmp -s "$tmp/out" "$expected"; then
			pass "$name --format=$form"
		else
			fail "$name --format=$form differs from $expected"
			diff -u "$expected" "$tmp/out" | head -n 20 | sed 's/^/    /'
		fi
	done
done

# ---- 2. SARIF ----------------------------------------------------------------------------

if [ ! -x "$python" ]; then
	echo "SKIP sarif: $python is absent, so the log is neither parsed nor validated"
else
	run check --format=sarif $here/cases/three-problems.plan
	if check_run "three problems --format=sarif" 1; then
		cp "$tmp/out" "$tmp/three.sarif"
		if "$python" $here/sarif_check.py "$schema" "$tmp/three.sarif" BFP316 BFP302 BFP301 >"$tmp/py" 2>&1; then
			pass "three problems: SARIF checked"
		else
			fail "three problems: SARIF checked"
		fi
		sed 's/^/    /' "$tmp/py"
	fi

	# several inputs make one log; a clean one adds nothing
	run check --format=sarif $here/cases/three-problems.plan examples/exchange2007-windows2008.plan \
		$here/cases/import-chain.plan
	if check_run "several files --format=sarif" 1; then
		cp "$tmp/out" "$tmp/several.sarif"
		if "$python" $here/sarif_check.py "$schema" "$tmp/several.sarif" \
			BFP316 BFP302 BFP301 BFP204 >"$tmp/py" 2>&1; then
			pass "several files: one SARIF log"
		else
			fail "several files: one SARIF log"
		fi
		sed 's/^/    /' "$tmp/py"
	fi

	# a clean plan: a valid log with no results
	run check --format=sarif examples/exchange2007-windows2008.plan
	if check_run "clean plan --format=sarif" 0; then
		cp "$tmp/out" "$tmp/clean.sarif"
		if "$python" $here/sarif_check.py "$schema" "$tmp/clean.sarif" >"$tmp/py" 2>&1; then
			pass "clean plan: a SARIF log without results"
		else
			fail "clean plan: a SARIF log without results"
		fi
		sed 's/^/    /' "$tmp/py"
	fi
fi

# ---- 2b. an upload code scanning takes whole --------------------------------------------------
# One result without a location makes code scanning refuse the whole log.  A UTF-16 file (what
# PowerShell 5's '>' writes), a file that is not there, and a build's complaint about its command
# line each get a file-level location, relative to the repository, beside the usual results.

if [ -x "$python" ]; then
	run check --format=sarif $here/upload/utf16.plan $here/upload/no-such-file.plan \
		$here/cases/three-problems.plan
	cp "$tmp/out" "$tmp/upload.sarif"
	# valid, and complete but for the two file-level locations, which have no region
	"$python" $here/sarif_check.py "$schema" "$tmp/upload.sarif" BFP007 BFP001 BFP316 BFP302 BFP301 \
		>"$tmp/valid" 2>&1
	unexpected=$(grep '^FAIL' "$tmp/valid" |
		grep -v '^FAIL sarif: result [01] (BFP00[17]) is located and complete: region.startLine$')
	if [ "$status" -eq 2 ] && "$python" $here/upload_check.py "$tmp/upload.sarif" >"$tmp/py" 2>&1 &&
		[ -z "$unexpected" ] && grep -q -e '^PASS sarif: valid against' -e '^SKIP sarif: schema' "$tmp/valid"; then
		pass "UTF-16 and missing files: every SARIF result located, every rule with help"
	else
		fail "UTF-16 and missing files: every SARIF result located, every rule with help (exit $status)"
		echo "$unexpected" | sed 's/^/    /'
	fi
	sed 's/^/    /' "$tmp/py"

	# absolute paths under the directory bfplan runs in are written relative to it
	run check --format=sarif "$top/$here/cases/three-problems.plan"
	cp "$tmp/out" "$tmp/absolute.sarif"
	if [ "$status" -eq 1 ] && "$python" $here/upload_check.py "$tmp/absolute.sarif" >"$tmp/py" 2>&1; then
		pass "absolute paths: SARIF URIs relative to the repository"
	else
		fail "absolute paths: SARIF URIs relative to the repository (exit $status)"
		grep FAIL "$tmp/py" | sed 's/^/    /'
	fi

	run build examples/exchange2007-windows2008.plan -o "$tmp/upload-build" --format=sarif \
		--site-url no-such-site=http://bigfix.example.invalid/
	cp "$tmp/out" "$tmp/build.sarif"
	if [ "$status" -eq 2 ] && "$python" $here/upload_check.py "$tmp/build.sarif" >"$tmp/py" 2>&1; then
		pass "a build's command-line diagnostic: located at the plan in SARIF"
	else
		fail "a build's command-line diagnostic: located at the plan in SARIF (exit $status)"
	fi
	sed 's/^/    /' "$tmp/py"
fi

# a warning allowed in the source: still a result, with the reason as its suppression's justification
if [ -x "$python" ]; then
	run check --format=sarif $here/cases/allowed.plan
	cp "$tmp/out" "$tmp/allowed.sarif"
	if check_run "allowed --format=sarif" 0 &&
		"$python" $here/sarif_check.py "$schema" "$tmp/allowed.sarif" BFP302 >"$tmp/py" 2>&1 &&
		"$python" - "$tmp/allowed.sarif" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"][0]
s = r["suppressions"][0]
ok = (s["kind"] == "inSource" and s["status"] == "accepted" and
      s["justification"] == "the next change adds a .NET step" and
      s["location"]["physicalLocation"]["region"]["startLine"] == 26)
sys.exit(0 if ok else "suppression: %r" % s)
EOF
	then
		pass "an allowed warning: a SARIF result with its suppression and reason"
	else
		fail "an allowed warning: a SARIF result with its suppression and reason"
		sed 's/^/    /' "$tmp/py"
	fi
fi

# ---- 3. the JSON form is documented --------------------------------------------------------

if [ -x "$python" ]; then
	run check --format=json $here/cases/three-problems.plan $here/cases/import-chain.plan
	"$python" - "$tmp/out" docs/diagnostics.md >"$tmp/py" 2>&1 <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r"^## Machine-readable diagnostics\n(.*?)^## ", text, re.S | re.M)
if not m:
    sys.exit("docs/diagnostics.md has no section '## Machine-readable diagnostics'")
section = m.group(1)
keys = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
walk(doc)
missing = sorted(k for k in keys if "`%s`" % k not in section)
if missing:
    sys.exit("keys not documented: " + ", ".join(missing))
print("%d keys, all documented" % len(keys))
EOF
	if [ $? -eq 0 ]; then
		pass "the JSON form is documented ($(cat "$tmp/py"))"
	else
		fail "the JSON form is documented: $(cat "$tmp/py")"
	fi
else
	echo "SKIP the JSON form is documented: $python is absent"
fi

# ---- 4. hostile text reaches no output raw ------------------------------------------------------

esc=$(printf '\033')
bel=$(printf '\007')
csi=$(printf '\302\233')
rlo=$(printf '\342\200\256')
hostile="$tmp/x${esc}]0;title${bel}${csi}2J${rlo}.plan"
printf 'use "a\\u{1B}[2J\\u{9B}\\u{202E}b"\n' >"$hostile"
for form in github json sarif; do
	run check --format=$form "$hostile"
	if [ "$status" -ne 1 ]; then
		fail "hostile text --format=$form: exit status $status, expected 1"
	elif grep -q -e "$esc" -e "$bel" -e "$csi" -e "$rlo" "$tmp/out" "$tmp/err"; then
		fail "hostile text --format=$form: a control character reached the output"
	elif ! grep -q 'u{1B}' "$tmp/out"; then
		fail "hostile text --format=$form: the escape is not spelled out"
	else
		pass "hostile text --format=$form: nothing raw"
	fi
done

# ---- 5. build, usage -------------------------------------------------------------------------------

# a build without the Server Automation gather URL: BFP403, in every machine form
run build examples/exchange2007-windows2008.plan -o "$tmp/build" --format=github
if check_run "build --format=github" 1 && grep -q '^::error .*title=BFP403::' "$tmp/out"; then
	pass "build --format=github"
else
	fail "build --format=github: no BFP403 annotation"
fi
run build examples/exchange2007-windows2008.plan -o "$tmp/build" --format=json
if check_run "build --format=json" 1 && grep -q '"code": "BFP403"' "$tmp/out"; then
	pass "build --format=json"
else
	fail "build --format=json: no BFP403"
fi
if [ -e "$tmp/build" ]; then
	fail "a failed build wrote $tmp/build"
fi

run check --format=xml examples/exchange2007-windows2008.plan
if [ "$status" -eq 2 ] && grep -q "format takes text, json, sarif or github, not 'xml'" "$tmp/err" &&
	[ ! -s "$tmp/out" ]; then
	pass "--format=xml is a usage error"
else
	fail "--format=xml is a usage error"
fi

# text stays the default, on standard error
run check --format=text $here/cases/three-problems.plan
if [ "$status" -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q '\[BFP316\]' "$tmp/err"; then
	pass "--format=text writes to standard error"
else
	fail "--format=text writes to standard error"
fi

# an unreadable file: located nowhere, still one document, exit 2
run check --format=json no-such-file.plan
if [ "$status" -eq 2 ] && [ ! -s "$tmp/err" ] && grep -q '"code": "BFP001"' "$tmp/out" &&
	grep -q '"location": null' "$tmp/out"; then
	pass "an unreadable file --format=json"
else
	fail "an unreadable file --format=json"
fi

# a closed standard output is an I/O error
"$bfplan" check --format=sarif $here/cases/three-problems.plan >&- 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && grep -q 'cannot write the diagnostics' "$tmp/err"; then
	pass "a closed standard output exits 2"
else
	fail "a closed standard output exits 2 (got $status)"
fi

finish
