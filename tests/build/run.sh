#!/bin/sh
# tests/build/run.sh - end-to-end tests of `bfplan build`.
#
# usage: sh tests/build/run.sh [--update] path/to/bfplan
#
# Run from anywhere; it works from the top of the source tree, so paths in
# the outputs read examples/... and stdlib/....
#
# 1. Golden outputs: every examples/NAME.plan is built (with a fixed
#    SOURCE_DATE_EPOCH and a made-up Server Automation gather URL) and each
#    output file must equal tests/build/expected/NAME/FILE byte for byte;
#    `bfplan graph` of it must equal tests/build/expected/NAME.dot.
#    Every .bes is also validated against BES.xsd through `--validate`
#    (libxml2), with the schema from BFPLAN_BES_XSD; when that file is
#    absent the validation is skipped and the run says so.  --update
#    rewrites the expected files: review them with git diff before keeping.
#    The seed is also built with --components=full from Fixlets that
#    `bfplan import` reads from tests/build/full/*.bes, and compared with
#    tests/build/expected/exchange2007-windows2008-full.
# 2. Build diagnostics: each tests/build/cases/NAME.plan is built with the
#    arguments in NAME.args (if any); stderr must equal NAME.err and the
#    exit status must be 1 when NAME.err has ": error:" (2 when NAME.status
#    says so), and nothing may be written.
# 3. The execution model (tests/build/execution_model.py, with Debian's
#    /usr/bin/python3): in every example's outputs, the worst case is the
#    critical path of the Automation Plan recipe, the .bes holds exactly
#    the patch Baselines, the checklist carries the stdlib's advice, and no
#    placeholder is left.
#    And every proof names each run-time fact it rests on (tests/build/proofs.py).
# 4. Properties: determinism, line ends, all-or-nothing writes, no
#    temporary file left behind, the depfile, and the environment's errors.
# 5. The checklist and review pages laid out by headless Chromium, when it is
#    installed (tests/build/render.py): at 1280 and 420 px and printed on A4
#    and Letter, with assertions on widths and page breaks; the page's script
#    runs, and ticks are kept per run.
#
# Ends with "build: N passed, M failed" and exits non-zero on a failure.

update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: sh tests/build/run.sh [--update] path/to/bfplan" >&2; exit 2; }
bfplan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
here=tests/build
bfplan=$(echo "$bfplan" | sed "s|^$top/||")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-build.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM

unset BFPLAN_PATH
NO_COLOR=1
LC_ALL=C
SOURCE_DATE_EPOCH=1700000000
export NO_COLOR LC_ALL SOURCE_DATE_EPOCH
SA_URL=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation
PW_URL=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/patchesforwindows

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

schema=${BFPLAN_BES_XSD-}
validate=
if [ -n "$schema" ] && [ -r "$schema" ]; then
	validate=--validate
else
	echo "SKIP schema validation: BES.xsd is absent (BFPLAN_BES_XSD='$schema'); outputs are compared but not validated"
fi

# build NAME PLAN OUTDIR [ARGS...]: the standard build of a plan
build() {
	name=$1 plan=$2 out=$3
	shift 3
	"$bfplan" build "$plan" -o "$out" --site-url "server-automation=$SA_URL" $validate \
		-MD -MF "$out.d" -MT "out/$name/plan.json" "$@"
}

# ---- 1. golden outputs ---------------------------------------------------------------

# compare_outputs NAME OUTDIR: OUTDIR holds exactly tests/build/expected/NAME
compare_outputs() {
	name=$1 out=$2
	expected=$here/expected/$name
	if [ $update = 1 ]; then
		rm -rf "$expected"
		mkdir -p "$expected"
		cp "$out"/* "$expected"/
	fi
	ok=1
	for f in "$expected"/*; do
		[ -e "$f" ] || { ok=0; echo "    no expected files in $expected"; break; }
		base=$(basename "$f")
		if ! cmp -s "$f" "$out/$base"; then
			ok=0
			echo "    $base differs from $f:"
			case $base in
			*.json) # one line: compare it laid out
				diff -u "$f" "$out/$base" | head -3 | sed 's/^/    /'
				/usr/bin/python3 -m json.tool "$f" > "$tmp/expected.json"
				/usr/bin/python3 -m json.tool "$out/$base" > "$tmp/got.json"
				diff -u "$tmp/expected.json" "$tmp/got.json" | head -20 | sed 's/^/    /' ;;
			*) diff -u "$f" "$out/$base" | tr -d '\r' | head -20 | sed 's/^/    /' ;;
			esac
		fi
	done
	for f in "$out"/*; do
		[ -e "$expected/$(basename "$f")" ] || { ok=0; echo "    unexpected output $(basename "$f")"; }
	done
	[ $ok = 1 ] && pass "$name: outputs match tests/build/expected/$name${validate:+, .bes valid against BES.xsd}" \
		|| fail "$name: outputs differ"
}

for plan in examples/*.plan; do
	name=$(basename "$plan" .plan)
	out=$tmp/$name
	if ! build "$name" "$plan" "$out" 2> "$tmp/$name.stderr"; then
		fail "$name: build failed"
		sed 's/^/    /' "$tmp/$name.stderr"
		continue
	fi
	cp "$out.d" "$out/depfile"
	compare_outputs "$name" "$out"
	# and its graph, which shows the same execution model
	"$bfplan" graph "$plan" > "$tmp/$name.dot" 2>/dev/null
	[ $update = 1 ] && cp "$tmp/$name.dot" "$here/expected/$name.dot"
	if cmp -s "$tmp/$name.dot" "$here/expected/$name.dot"; then
		pass "$name: bfplan graph matches tests/build/expected/$name.dot"
	else
		fail "$name: bfplan graph differs from tests/build/expected/$name.dot"
		diff -u "$here/expected/$name.dot" "$tmp/$name.dot" | head -10 | sed 's/^/    /'
	fi
done

# The seed built in the full component form from imported content: tests/build/full
# holds the .bes files (written for the tests) of the Baseline's three Fixlets, which
# are imported with bfplan import and used by a copy of the seed example.
full=$tmp/full
mkdir -p "$full"
cp "$here/full/exchange2007-windows2008-full.plan" "$full/"
cp "$here/full/server-automation-restart.bes" "$here/full/patches-2026-11.bes" "$full/"
if (cd "$full" && "$top/$bfplan" import --site server-automation --id 160 server-automation-restart.bes \
		-o server-automation-restart.plan &&
	"$top/$bfplan" import --site patches-for-windows --id 900201,900202 patches-2026-11.bes \
		-o patches-2026-11.plan) 2> "$tmp/full.stderr" &&
   build exchange2007-windows2008-full "$full/exchange2007-windows2008-full.plan" "$full/out" \
		--components=full --site-url "patches-for-windows=$PW_URL" 2>> "$tmp/full.stderr"; then
	compare_outputs exchange2007-windows2008-full "$full/out"
else
	fail "exchange2007-windows2008-full: import or build failed"
	sed 's/^/    /' "$tmp/full.stderr"
fi
if grep -q 'BFP424' "$tmp/full.stderr" && [ "$(grep -c 'note: the script of' "$tmp/full.stderr")" = 3 ] &&
   [ "$(grep -c 'written in a plan file\|imported from' "$full/out/patch-exch2008.review.md")" -ge 3 ]; then
	pass "exchange2007-windows2008-full: the three imported scripts are shown to the reviewer (BFP424)"
else
	fail "exchange2007-windows2008-full: BFP424 does not show the three imported scripts"
fi

# --previous: the seed against an earlier version of itself (tests/build/previous); the review
# report lists what bfplan diff finds, the same changes, and is compared with its expected copy.
prev=$tmp/previous
if build previous examples/exchange2007-windows2008.plan "$prev" --previous tests/build/previous/exchange2007-windows2008.plan \
		2> "$tmp/previous.stderr"; then
	for f in patch-exch2008.review.md patch-exch2008.review.html; do
		[ $update = 1 ] && mkdir -p "$here/expected/previous" && cp "$prev/$f" "$here/expected/previous/$f"
		if cmp -s "$here/expected/previous/$f" "$prev/$f"; then
			pass "--previous: $f matches tests/build/expected/previous/$f"
		else
			fail "--previous: $f differs from tests/build/expected/previous/$f"
			diff -u "$here/expected/previous/$f" "$prev/$f" | head -20 | sed 's/^/    /'
		fi
	done
	"$bfplan" diff tests/build/previous/exchange2007-windows2008.plan examples/exchange2007-windows2008.plan > "$tmp/previous.diff" 2>&1
	changes=$(grep -c '^  [~+-] ' "$tmp/previous.diff")
	listed=$(sed -n '/^## Changes since/,/^## /p' "$prev/patch-exch2008.review.md" | grep -c '^- `[~+-]`')
	if [ "$changes" -gt 0 ] && [ "$changes" = "$listed" ]; then
		pass "--previous: the review lists the $changes changes bfplan diff finds"
	else
		fail "--previous: the review lists $listed changes, bfplan diff finds $changes"
	fi
else
	fail "--previous: the build failed"
	sed 's/^/    /' "$tmp/previous.stderr"
fi
if build same examples/exchange2007-windows2008.plan "$tmp/same" --previous examples/exchange2007-windows2008.plan 2> "$tmp/same.stderr" &&
   grep -q '^Nothing changes for the operator since' "$tmp/same/patch-exch2008.review.md" &&
   ! grep -q 'Changes since the previous build' "$tmp/same/patch-exch2008.checklist.md" &&
   ! grep -q 'Changes since the previous build' "$tmp/$(basename examples/exchange2007-windows2008.plan .plan)/patch-exch2008.review.md"; then
	pass "--previous of the same file: the review says nothing changes; without it, no such section"
else
	fail "--previous of the same file"
	sed 's/^/    /' "$tmp/same.stderr"
fi

# A plan whose steps only run their sites' Fixlets has no .bes (an empty <BES> is invalid)
empty=tests/fuzz/crashes/build/empty-bes.plan
if build empty-bes "$empty" "$tmp/empty" --emit=bes,checklist,json 2> "$tmp/empty.stderr" &&
   [ -z "$(ls "$tmp/empty" | grep '\.bes$')" ] && grep -q '"bes_file":null' "$tmp/empty/plan.json" &&
   grep -q 'none to import' "$tmp/empty/pause-and-resume.checklist.md" &&
   ! grep -q 'import the BigFix content' "$tmp/empty/pause-and-resume.checklist.md"; then
	pass "a plan with nothing to import writes no .bes, and its checklist and plan.json say so"
else
	fail "a plan with nothing to import"
	sed 's/^/    /' "$tmp/empty.stderr"; ls "$tmp/empty" 2>&1 | sed 's/^/    /'
fi

# ---- 2. build diagnostics -----------------------------------------------------------------

for plan in "$here"/cases/*.plan; do
	name=$(basename "$plan" .plan)
	args=
	[ -f "$here/cases/$name.args" ] && args=$(cat "$here/cases/$name.args")
	out=$tmp/case-$name
	(cd "$here/cases" && "../../../$bfplan" build "$name.plan" -o "$out" $args) > "$tmp/stdout" 2> "$tmp/stderr"
	status=$?
	if [ $update = 1 ]; then
		cp "$tmp/stderr" "$here/cases/$name.err"
	fi
	want=0
	grep -q ': error:' "$here/cases/$name.err" && want=1
	[ -f "$here/cases/$name.status" ] && want=$(cat "$here/cases/$name.status")
	if ! diff -u "$here/cases/$name.err" "$tmp/stderr" > "$tmp/diff"; then
		fail "$name: diagnostics differ"
		sed 's/^/    /' "$tmp/diff" | head -30
	elif [ "$status" != "$want" ]; then
		fail "$name: exit status $status, expected $want"
	elif [ "$want" != 0 ] && [ -e "$out" ]; then
		fail "$name: a failed build wrote $out"
	else
		pass "$name: $(grep -o '\[BFP[0-9]*\]' "$here/cases/$name.err" | head -1) exit $status, nothing written"
	fi
done

# ---- 3. the execution model ---------------------------------------------------------------

set --
for plan in examples/*.plan; do
	set -- "$@" "$tmp/$(basename "$plan" .plan)"
done
set -- "$@" "$full/out"
if /usr/bin/python3 "$here/execution_model.py" "$@" > "$tmp/model" 2>&1; then
	pass "the outputs carry out the execution model: $(grep -c '^PASS' "$tmp/model") checks over $# examples"
else
	fail "the outputs contradict the execution model"
	grep -v '^PASS' "$tmp/model" | sed 's/^/    /'
fi

# Every proof names each run-time fact it rests on: a pre-flight check, or a fact looked at by
# hand that the checklist says how to see (tests/build/proofs.py).  The examples, the golden
# builds, and a 2003 cluster with a witness, which no pre-flight Fixlet can see there (Windows
# Server 2003 has no witness-online relevance), so that fact is left by hand.
sed 's/quorum disk-only .*/quorum node-and-witness/' examples/exchange2007-windows2003.plan > "$tmp/witness2003.plan"
"$bfplan" build "$tmp/witness2003.plan" -o "$tmp/witness2003" --site-url "server-automation=$SA_URL" 2>/dev/null
# (expected/previous holds only the review reports of a build with --previous: no plan.json)
builds=$(ls -d tests/build/expected/*/ | grep -v '/previous/$')
# shellcheck disable=SC2086 # directory names without blanks
if /usr/bin/python3 "$here/proofs.py" "$@" $builds "$tmp/witness2003" > "$tmp/proofs" 2>&1 &&
   /usr/bin/python3 "$here/proofs.py" --self-test "$tmp/exchange2007-windows2008" >> "$tmp/proofs" 2>&1 &&
   /usr/bin/python3 "$here/proofs.py" --self-test "$tmp/witness2003" >> "$tmp/proofs" 2>&1 &&
   grep -q '"rests_on_by_hand":\["the witness is online"\]' "$tmp/witness2003/plan.json"; then
	pass "every proof names the run-time facts it rests on: $(grep -c '^PASS' "$tmp/proofs") checks, each way of breaking it caught"
else
	fail "a proof rests on a run-time fact it does not name"
	grep -v '^PASS' "$tmp/proofs" | sed 's/^/    /'
fi

# ---- 4. properties --------------------------------------------------------------------------

seed=examples/exchange2007-windows2008.plan

build seed "$seed" "$tmp/a" 2>/dev/null && build seed "$seed" "$tmp/b" 2>/dev/null
if diff -r "$tmp/a" "$tmp/b" > /dev/null && [ -s "$tmp/a/plan.json" ] && [ -s "$tmp/a/patch-exch2008.checklist.html" ]; then
	pass "two builds of the same plan are byte-identical"
else
	fail "two builds of the same plan differ"
fi

# BFP423: a note for each guess of the plan's own files; BFP460, a note, counts the standard library's;
# a baseline's lines that name no action are one guess, however many there are
build seed "$seed" "$tmp/warned" 2> "$tmp/warned.stderr"
if grep -q 'warning: the build rests on 1 fact of the plan.s files .*\[BFP423\]' "$tmp/warned.stderr" &&
   [ "$(grep -c '^examples/exchange2007-windows2008.plan:28:5: note: baseline .nov-2026., action' "$tmp/warned.stderr")" = 1 ] &&
   grep -q '^bfplan: note: the build also rests on 26 facts the standard library .*\[BFP460\]' "$tmp/warned.stderr" &&
   ! grep -q '^stdlib/' "$tmp/warned.stderr"; then
	pass "BFP423 notes the plan's own guesses one by one, BFP460 counts the standard library's"
else
	fail "BFP423 on the seed build"
	sed 's/^/    /' "$tmp/warned.stderr" | head -20
fi

lines=$(wc -l < "$tmp/a/patch-exch2008.bes")
crlf=$(grep -c "$(printf '\r')\$" "$tmp/a/patch-exch2008.bes")
[ "$lines" -gt 10 ] && [ "$lines" = "$crlf" ] && pass "the .bes has CRLF line ends by default ($lines lines)" \
	|| fail "the .bes has $crlf CRLF ends in $lines lines"
build seed "$seed" "$tmp/lf" --newline=lf 2>/dev/null
if [ -f "$tmp/lf/patch-exch2008.bes" ] && ! grep -q "$(printf '\r')" "$tmp/lf/patch-exch2008.bes"; then
	pass "--newline=lf writes no CR"
else
	fail "--newline=lf"
fi

if grep -q 'x-fixlet-modification-time' "$tmp/a/patch-exch2008.bes" &&
   grep -q 'Tue, 14 Nov 2023 22:13:20 +0000' "$tmp/a/patch-exch2008.bes"; then
	pass "SOURCE_DATE_EPOCH gives the MIME modification time"
else
	fail "SOURCE_DATE_EPOCH did not give the MIME modification time"
fi
(unset SOURCE_DATE_EPOCH; build seed "$seed" "$tmp/noepoch" 2>/dev/null)
if ! grep -q 'x-fixlet-modification-time' "$tmp/noepoch/patch-exch2008.bes"; then
	pass "no SOURCE_DATE_EPOCH, no time stamp"
else
	fail "a time stamp without SOURCE_DATE_EPOCH"
fi

# all or nothing: a failing build leaves the earlier output untouched and no temporary file
cp -r "$tmp/a" "$tmp/before"
sed 's/^        resume .*//' "$seed" > "$tmp/broken.plan"
"$bfplan" build "$tmp/broken.plan" -o "$tmp/a" --site-url "server-automation=$SA_URL" 2>/dev/null
status=$?
if [ $status = 1 ] && diff -r "$tmp/before" "$tmp/a" > /dev/null && [ -z "$(ls -A "$tmp/a" | grep '^\.')" ]; then
	pass "a failing build (exit 1) leaves the earlier output untouched, no temporary file"
else
	fail "a failing build changed the earlier output (exit $status)"
fi

# an output that cannot be written: exit 2, nothing half-written
mkdir -p "$tmp/blocked"
mkdir "$tmp/blocked/checklist.md"
build seed "$seed" "$tmp/blocked" 2> "$tmp/stderr"
status=$?
if [ $status = 2 ] && grep -q 'BFP406' "$tmp/stderr" && [ "$(ls -A "$tmp/blocked")" = checklist.md ]; then
	pass "an unwritable output exits 2 with BFP406 and writes nothing"
else
	fail "unwritable output: exit $status, left: $(ls -A "$tmp/blocked" | tr '\n' ' ')"
fi

# a depfile where no file can go, or inside another output: refused before anything is renamed
for mf in "deps/" "fresh/checklist.md/plan.d"; do
	rm -rf "$tmp/mf"
	mkdir "$tmp/mf"
	"$bfplan" build "$seed" -o "$tmp/mf/fresh" --site-url "server-automation=$SA_URL" \
		-MD -MF "$tmp/mf/$mf" 2> "$tmp/stderr"
	status=$?
	if [ $status = 2 ] && grep -q 'BFP406' "$tmp/stderr" && [ -z "$(ls -A "$tmp/mf")" ]; then
		pass "-MF $mf exits 2 with BFP406 and writes nothing"
	else
		fail "-MF $mf: exit $status, left: $(ls -RA "$tmp/mf" | tr '\n' ' ')"
	fi
done

# the depfile names the plan and every stdlib file it read
deps=$(tr -d '\\\n' < "$tmp/a.d" | tr -s ' ')
if echo "$deps" | grep -q '^out/seed/plan.json: examples/exchange2007-windows2008.plan ' &&
   echo "$deps" | grep -q ' stdlib/bigfix/server-automation.plan'; then
	pass "the depfile lists the plan and the stdlib files"
else
	fail "the depfile: $deps"
fi

# a space in the output directory: the default target is escaped, so make still sees the plan as
# a prerequisite of plan.json and rebuilds when it changes
mkdir -p "$tmp/spaced"
cp "$seed" "$tmp/spaced/seed.plan"
(cd "$tmp/spaced" && "$top/$bfplan" build seed.plan -o "out dir" --site-url "server-automation=$SA_URL" \
	-MD -MF plan.d 2> /dev/null)
printf -- '-include plan.d\nout\\ dir/plan.json:\n\t@echo rebuild\n' > "$tmp/spaced/Makefile"
if head -n 1 "$tmp/spaced/plan.d" | grep -q '^out\\ dir/plan\.json: \\$' &&
   make -s -q -C "$tmp/spaced" "out dir/plan.json" 2>/dev/null &&
   touch -d '+1 minute' "$tmp/spaced/seed.plan" && ! make -s -q -C "$tmp/spaced" "out dir/plan.json" 2>/dev/null; then
	pass "a space in the output directory: the depfile's target is escaped and make rebuilds"
else
	fail "a space in the output directory: $(head -n 1 "$tmp/spaced/plan.d" 2>&1)"
fi

SOURCE_DATE_EPOCH=yesterday "$bfplan" build "$seed" -o "$tmp/epoch" --site-url "server-automation=$SA_URL" 2> "$tmp/stderr"
status=$?
[ $status = 2 ] && grep -q BFP407 "$tmp/stderr" && [ ! -e "$tmp/epoch" ] && pass "a malformed SOURCE_DATE_EPOCH exits 2 (BFP407)" \
	|| fail "malformed SOURCE_DATE_EPOCH: exit $status"

BFPLAN_BES_XSD= "$bfplan" build "$seed" -o "$tmp/noschema" --site-url "server-automation=$SA_URL" --validate 2> "$tmp/stderr"
status=$?
[ $status = 2 ] && grep -q BFP405 "$tmp/stderr" && [ ! -e "$tmp/noschema" ] && pass "--validate without a schema exits 2 (BFP405)" \
	|| fail "--validate without a schema: exit $status"

"$bfplan" build "$seed" 2> "$tmp/stderr"
[ $? = 2 ] && grep -q -- '-o DIR' "$tmp/stderr" && pass "build without -o is a usage error" || fail "build without -o"

# reproducible wherever bfplan is installed and run from: two installs, two working directories
for prefix in p1 p2; do
	mkdir -p "$tmp/$prefix/bin" "$tmp/$prefix/share/bfplan"
	cp "$bfplan" "$tmp/$prefix/bin/bfplan"
	cp -r stdlib "$tmp/$prefix/share/bfplan/stdlib"
done
mkdir -p "$tmp/work/plans"
cp "$seed" "$tmp/work/plans/seed.plan"
(cd "$tmp/work" && "$tmp/p1/bin/bfplan" build plans/seed.plan -o "$tmp/repro1" --site-url "server-automation=$SA_URL") 2>/dev/null
(cd / && "$tmp/p2/bin/bfplan" build "$tmp/work/plans/seed.plan" -o "$tmp/repro2" --site-url "server-automation=$SA_URL") 2>/dev/null
if [ -s "$tmp/repro1/plan.json" ] && diff -r "$tmp/repro1" "$tmp/repro2" > /dev/null &&
   ! grep -q "$tmp" "$tmp/repro1"/*.checklist.md "$tmp/repro1/checklist.md" "$tmp/repro1/plan.json"; then
	pass "two installs, run from two directories, write byte-identical outputs that name no absolute path"
else
	fail "the outputs depend on where bfplan is installed or run"
	diff -r "$tmp/repro1" "$tmp/repro2" | head -10 | sed 's/^/    /'
fi

# gather URLs given for a build: a known site, and a URL (README's placeholder "URL" is not one)
"$bfplan" build "$seed" -o "$tmp/url1" --site-url "serverautomation=$SA_URL" 2> "$tmp/stderr"
status=$?
[ $status = 2 ] && grep -q "BFP420" "$tmp/stderr" && grep -q "did you mean 'server-automation'" "$tmp/stderr" &&
	[ ! -e "$tmp/url1" ] && pass "--site-url with an unknown site exits 2 (BFP420) with a did-you-mean" \
	|| fail "--site-url with an unknown site: exit $status"
"$bfplan" build "$seed" -o "$tmp/url2" --site-url "server-automation=URL" 2> "$tmp/stderr"
status=$?
[ $status = 2 ] && grep -q "BFP421" "$tmp/stderr" && [ ! -e "$tmp/url2" ] &&
	pass "--site-url server-automation=URL is refused (BFP421), exit 2" || fail "--site-url with a non-URL: exit $status"
BFPLAN_SITE_URLS="server-automation=$SA_URL" "$bfplan" build "$seed" -o "$tmp/url3" 2> "$tmp/stderr"
status=$?
[ $status = 0 ] && grep -q "\"gather_url_from\":\"environment\"" "$tmp/url3/plan.json" &&
	pass "BFPLAN_SITE_URLS gives the gather URL once for every build" || fail "BFPLAN_SITE_URLS: exit $status"
BFPLAN_SITE_URLS="server-automation=http://other.example.invalid/x" "$bfplan" build "$seed" -o "$tmp/url4" \
	--site-url "server-automation=$SA_URL" 2> /dev/null
grep -q "\"gather_url_from\":\"command-line\"" "$tmp/url4/plan.json" && grep -q "$SA_URL" "$tmp/url4/patch-exch2008.bes" &&
	pass "--site-url wins over BFPLAN_SITE_URLS" || fail "--site-url does not win over BFPLAN_SITE_URLS"

# several plans in one file: --plan builds one; the manifest removes what the last build wrote, and nothing else
several=examples/several-clusters.plan
"$bfplan" build "$several" -o "$tmp/several" --site-url "server-automation=$SA_URL" 2> /dev/null
touch "$tmp/several/notes.txt"
"$bfplan" build "$several" -o "$tmp/several" --site-url "server-automation=$SA_URL" --plan patch-exch-west 2> /dev/null
status=$?
left=$(ls "$tmp/several" | tr '\n' ' ')
if [ $status = 0 ] && [ "$left" = "bfplan.manifest checklist.html checklist.md notes.txt patch-exch-west.bes patch-exch-west.checklist.html patch-exch-west.checklist.md patch-exch-west.review.html patch-exch-west.review.md plan.json " ] &&
   grep -q '^patch-exch-west.bes$' "$tmp/several/bfplan.manifest" && ! grep -q 'patch-exch-east' "$tmp/several/plan.json"; then
	pass "--plan builds one plan, and the manifest removes the earlier build's other outputs, nothing else"
else
	fail "--plan and the manifest: exit $status, left: $left"
fi
printf '../escape\n/etc/passwd\n.hidden\nnotes.txt\n' >> "$tmp/several/bfplan.manifest"
touch "$tmp/escape" "$tmp/several/.hidden"
"$bfplan" build "$several" -o "$tmp/several" --site-url "server-automation=$SA_URL" --plan patch-exch-west 2> /dev/null
[ -e "$tmp/escape" ] && [ -e "$tmp/several/.hidden" ] && [ ! -e "$tmp/several/notes.txt" ] &&
	pass "a manifest only removes plain names inside the output directory" || fail "the manifest removed too much or too little"
"$bfplan" build "$several" -o "$tmp/several2" --plan patch-exch-wst --site-url "server-automation=$SA_URL" 2> "$tmp/stderr"
status=$?
[ $status = 2 ] && grep -q "BFP422" "$tmp/stderr" && grep -q "did you mean 'patch-exch-west'" "$tmp/stderr" &&
	pass "--plan with an unknown plan exits 2 (BFP422) with a did-you-mean" || fail "--plan unknown: exit $status"

# --emit chooses the outputs; the manifest then removes what the earlier build wrote and this one did not
"$bfplan" build "$seed" -o "$tmp/emit" --site-url "server-automation=$SA_URL" 2> /dev/null
"$bfplan" build "$seed" -o "$tmp/emit" --site-url "server-automation=$SA_URL" --emit=bes -MD 2> /dev/null
status=$?
left=$(ls "$tmp/emit" | tr '\n' ' ')
if [ $status = 0 ] && [ "$left" = "bfplan.manifest patch-exch2008.bes plan.d " ] &&
   grep -q '^out.*bfplan.manifest: \\$\|/bfplan.manifest: \\$' "$tmp/emit/plan.d"; then
	pass "--emit=bes writes the .bes only, removes the earlier checklists and plan.json, and the depfile names the manifest"
else
	fail "--emit=bes: exit $status, left: $left"
	head -2 "$tmp/emit/plan.d" 2>/dev/null | sed 's/^/    /'
fi
"$bfplan" build "$seed" -o "$tmp/emit2" --site-url "server-automation=$SA_URL" --emit=checklist,json --json-indent 2> /dev/null
left=$(ls "$tmp/emit2" | tr '\n' ' ')
if [ "$left" = "bfplan.manifest checklist.html checklist.md patch-exch2008.checklist.html patch-exch2008.checklist.md patch-exch2008.review.html patch-exch2008.review.md plan.json " ] &&
   grep -q '^  "format_version": 4,$' "$tmp/emit2/plan.json" &&
   /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["build"]["outputs"] == ["checklist", "json"]' "$tmp/emit2/plan.json"; then
	pass "--emit=checklist,json --json-indent: the checklists and an indented plan.json that lists its outputs"
else
	fail "--emit=checklist,json --json-indent: left: $left"
fi
for bad in xml "bes,,json" "" BES; do
	"$bfplan" build "$seed" -o "$tmp/emit3" --emit="$bad" 2> "$tmp/stderr"
	status=$?
	if [ $status = 2 ] && grep -q "^bfplan: --emit takes outputs separated by commas, from bes, checklist and json" "$tmp/stderr" &&
	   [ ! -e "$tmp/emit3" ]; then
		pass "--emit='$bad' is a usage error (exit 2)"
	else
		fail "--emit='$bad': exit $status"
		sed 's/^/    /' "$tmp/stderr"
	fi
done

# many plans: a handful of descriptors whatever their number, and all or nothing when a late plan fails
many=$tmp/many.plan
awk -v n=300 'BEGIN {
	print "use \"bigfix/server-automation\""
	print "baseline cycle {\n    fixlet 900201 site server-automation action Action1\n    restart\n}"
	for (i = 0; i < n; i++) {
		printf "cluster c%d {\n    os windows-2008\n    nodes N%dA, N%dB\n    quorum node-and-witness\n}\n", i, i, i
		printf "plan p%d {\n    cluster c%d\n    max-down 1\n    require control-scripts\n", i, i
		print "    each node {\n        pause\n        move-groups\n        patch cycle\n        resume\n    }\n}"
	}
}' > "$many"
(ulimit -n 32 && "$bfplan" build "$many" -o "$tmp/many" --site-url "server-automation=$SA_URL" --sync) 2> "$tmp/stderr"
status=$?
count=$(ls "$tmp/many" 2>/dev/null | wc -l)
if [ $status = 0 ] && [ "$count" = 1504 ]; then
	pass "300 plans build under ulimit -n 32, with --sync: 1,500 files, the index, plan.json and the manifest"
else
	fail "300 plans under ulimit -n 32: exit $status, $count files"
	tail -3 "$tmp/stderr" | sed 's/^/    /'
fi
cp -r "$tmp/many" "$tmp/many.before"
# the last plan patches from a site whose gather URL nobody gave: found when that plan is written (BFP403)
{ sed 's/^        patch cycle$/        patch PATCH/' "$many" | awk '/^plan p299 / { late = 1 } { if (!late) sub(/PATCH/, "cycle"); else sub(/PATCH/, "late"); print }'
  printf 'site nowhere "Nowhere"\nbaseline late { fixlet 7 site nowhere\n restart }\n'; } > "$tmp/many-late.plan"
"$bfplan" build "$tmp/many-late.plan" -o "$tmp/many" --site-url "server-automation=$SA_URL" 2> "$tmp/stderr"
status=$?
if [ $status = 1 ] && grep -q BFP403 "$tmp/stderr" && diff -r "$tmp/many.before" "$tmp/many" > /dev/null &&
   [ -z "$(ls -A "$tmp/many" | grep '^\.')" ]; then
	pass "the last of 300 plans failing leaves the earlier output untouched and no temporary file"
else
	fail "a late failure: exit $status"
	grep error "$tmp/stderr" | head -3 | sed 's/^/    /'
fi

# ---- 5. the checklist, as the operator reads it -------------------------------------------------

# the seed's checklist is short enough to read in a window: at most 2,000 words
words=$(wc -w < "$tmp/a/patch-exch2008.checklist.md")
[ "$words" -le 2000 ] && pass "the seed's checklist is $words words (at most 2,000)" \
	|| fail "the seed's checklist is $words words, more than 2,000"

# the run: --window-start is printed with each phase's latest start; --run-id is kept as given;
# each gives another run ID, so the page's ticks do not carry over to another window
build seed "$seed" "$tmp/w1" --window-start=2026-11-14T22:00Z 2>/dev/null
build seed "$seed" "$tmp/w2" --window-start=2026-11-21T22:00Z 2>/dev/null
build seed "$seed" "$tmp/w3" --run-id=CHG0042-retry 2>/dev/null
run_id_of() { sed -n 's/^| Run ID | `\([^`]*\)`.*/\1/p' "$1/patch-exch2008.checklist.md"; }
if grep -q 'starts 2026-11-14 22:00 UTC, closes 2026-11-15 04:00 UTC' "$tmp/w1/patch-exch2008.checklist.md" &&
   grep -q 'ending by 2026-11-15 02:30 UTC' "$tmp/w1/patch-exch2008.checklist.md" &&
   grep -q 'At most 2 h after step 1 (by 2026-11-15 00:00 UTC)' "$tmp/w1/patch-exch2008.checklist.md" &&
   [ -n "$(run_id_of "$tmp/w1")" ] && [ "$(run_id_of "$tmp/w1")" != "$(run_id_of "$tmp/w2")" ] && [ "$(run_id_of "$tmp/w1")" != "$(run_id_of "$tmp/a")" ] &&
   [ "$(run_id_of "$tmp/w3")" = CHG0042-retry ] && grep -q 'data-store="bfplan:patch-exch2008:CHG0042-retry:' "$tmp/w3/patch-exch2008.checklist.html"; then
	pass "--window-start gives the window's times and another run ID; --run-id is used as given"
else
	fail "--window-start and --run-id: $(run_id_of "$tmp/w1") $(run_id_of "$tmp/w2") $(run_id_of "$tmp/w3")"
fi
for bad in "--window-start=2026-11-14 22:00" "--window-start=2026-02-30T22:00Z" "--run-id=a/b" "--run-id="; do
	"$bfplan" build "$seed" -o "$tmp/badrun" --site-url "server-automation=$SA_URL" "$bad" 2> "$tmp/stderr"
	status=$?
	if [ $status = 2 ] && grep -q "^bfplan: --\(window-start\|run-id\) takes" "$tmp/stderr" && [ ! -e "$tmp/badrun" ]; then
		pass "'$bad' is a usage error (exit 2)"
	else
		fail "'$bad': exit $status"
		sed 's/^/    /' "$tmp/stderr"
	fi
done

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] || ! command -v pdftotext > /dev/null || ! command -v pdftoppm > /dev/null; then
	echo "SKIP laying out the checklist pages: Chromium or poppler-utils is not installed (apt-get install chromium poppler-utils)"
else
	shots=${BFPLAN_RENDER_SHOTS:-$tmp/shots}
	if /usr/bin/python3 "$here/render.py" "$chromium" "$tmp/w1" "$tmp/w2" "$shots" patch-exch2008.checklist.html \
		patch-exch2008.review.html checklist.html > "$tmp/render" 2>&1; then
		pass "the pages laid out by Chromium: $(grep -c '^PASS' "$tmp/render") checks at 1280 and 420 px and printed on A4 and Letter"
	else
		fail "the pages laid out by Chromium"
		grep -v '^PASS' "$tmp/render" | sed 's/^/    /'
	fi
fi

echo "build: $passed passed, $failed failed"
[ $failed = 0 ]
