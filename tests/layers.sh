#!/bin/sh
# tests/layers.sh - every #include of compiler/, grammar/ and runtime/ follows
# an arrow that tests/layers.allowed allows.
#
# usage: sh tests/layers.sh [--self-test]
#
# Each file is mapped to its folder (compiler/sema/check.c is "sema") and
# each quoted include to the folder of the header it names ("base/arena.h"
# is "base"; a bare name such as "parser.h" is grammar's).  The test fails,
# naming file, line and include, on an arrow the list does not allow, on
# sibling modules that include each other, and on a file in a folder the
# list does not know.  --self-test first plants a bad arrow of each kind in
# a copy of the tree and requires each to be caught.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rules=$top/tests/layers.allowed

# check ROOT: prints one line per broken arrow; exit 1 if any
check() {
	root=$1
	(cd "$root" && find compiler grammar runtime -type f \( -name '*.c' -o -name '*.h' -o -name '*.y' -o -name '*.l' \) \
		2>/dev/null | LC_ALL=C sort | while read -r f; do
		awk -v file="$f" '/^[ \t]*#[ \t]*include[ \t]*"/ {
			s = $0; sub(/^[^"]*"/, "", s); sub(/".*$/, "", s); print file "\t" FNR "\t" s }' "$f"
	done) | awk -F '\t' -v rules="$rules" '
	function folder_of(path,    n, p) {
		n = split(path, p, "/")
		if (p[1] == "runtime") return "runtime"
		if (p[1] == "grammar") return "grammar"
		if (path == "compiler/main.c") return "main"
		if (p[1] == "compiler" && n == 3) return p[2]
		return "?"
	}
	function module_of(path,    n, p, m) {
		n = split(path, p, "/"); m = p[n]; sub(/\.[a-z]+$/, "", m); return m
	}
	BEGIN {
		while ((getline line < rules) > 0) {
			if (line ~ /^[ \t]*(#|$)/) continue
			if (line ~ /^leaves /) {
				split(line, h, ":"); f = h[1]; sub(/^leaves /, "", f)
				n = split(h[2], m, " "); for (i = 1; i <= n; i++) leaf[f "/" m[i]] = 1
				continue
			}
			if (line ~ /^forbid /) {
				split(line, h, ":"); f = h[1]; sub(/^forbid /, "", f)
				split(h[2], parts, "->"); hdr = parts[2]; gsub(/ /, "", hdr)
				n = split(parts[1], m, " "); for (i = 1; i <= n; i++) forbid[f "/" m[i], hdr] = 1
				continue
			}
			split(line, h, ":"); f = h[1]; known[f] = 1
			n = split(h[2], dest, " "); for (i = 1; i <= n; i++) allow[f, dest[i]] = 1
		}
		bad = 0
	}
	{
		file = $1; line = $2; inc = $3
		from = folder_of(file)
		if (!(from in known)) {
			if (!(file in told)) print file ": in a folder tests/layers.allowed does not list"
			told[file] = 1; bad = 1; next
		}
		to = index(inc, "/") ? substr(inc, 1, index(inc, "/") - 1) : "grammar"
		if (to == "codes.def" || inc ~ /\.def$/ && !index(inc, "/")) to = from
		if (from != to && !((from, to) in allow)) {
			print file ":" line ": includes \"" inc "\": " from "/ may not include " to "/"; bad = 1
		}
		me = from "/" module_of(file); them = to "/" module_of(inc)
		if (me != them && (me in leaf) && (them in leaf)) {
			print file ":" line ": includes \"" inc "\": sibling modules of " from "/ never include each other"
			bad = 1
		}
		if ((me, inc) in forbid) {
			print file ":" line ": includes \"" inc "\", which tests/layers.allowed forbids"; bad = 1
		}
	}
	END { exit bad }'
}

# plant ROOT FILE TEXT: adds an include to a file of the copy
plant() {
	printf '%s\n' "$3" >>"$1/$2"
}

if [ "${1-}" = --self-test ]; then
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	failed=0
	for case in \
		'compiler/emit/bes.c|#include "emit/checklist.h"|one emitter including another' \
		'compiler/diag/json.c|#include "diag/writer.h"|a diagnostics form including the writer' \
		'compiler/diag/sarif.c|#include "diag/github.h"|one diagnostics form including another' \
		'compiler/emit/dot.c|#include "cmd/cmd.h"|anything but cmd/ and main.c including cmd/' \
		'compiler/base/arena.c|#include "diag/diag.h"|base/ including anything above it' \
		'compiler/sema/check.c|#include "lower/lower.h"|sema/ including lower/' \
		'compiler/lower/render.c|#include "out/outset.h"|lower/ including out/' \
		'runtime/engine.c|#include "sema/check.h"|runtime/ including sema/' \
		'runtime/engine.c|#include "frontend.h"|runtime/ including grammar/' \
		'compiler/newstage/x.c|#include "base/arena.h"|a folder the list does not know'; do
		file=${case%%|*}; rest=${case#*|}; inc=${rest%%|*}; what=${rest#*|}
		rm -rf "$tmp/tree" && mkdir -p "$tmp/tree"
		(cd "$top" && tar cf - compiler grammar runtime) | (cd "$tmp/tree" && tar xf -)
		mkdir -p "$tmp/tree/$(dirname "$file")"
		plant "$tmp/tree" "$file" "$inc"
		if check "$tmp/tree" >"$tmp/out" 2>&1 || ! grep -q -F "$file" "$tmp/out"; then
			echo "FAIL layers self-test: $what was not caught"; failed=1
		else
			echo "PASS layers self-test: $what is caught: $(head -n 1 "$tmp/out")"
		fi
	done
	[ "$failed" -eq 0 ] || exit 1
fi

if check "$top" >"${TMPDIR:-/tmp}/bfplan-layers.$$"; then
	rm -f "${TMPDIR:-/tmp}/bfplan-layers.$$"
	echo "PASS layers: every include of compiler/, grammar/ and runtime/ follows tests/layers.allowed"
	echo "layers: 1 passed, 0 failed"
else
	sed 's/^/    /' "${TMPDIR:-/tmp}/bfplan-layers.$$"
	rm -f "${TMPDIR:-/tmp}/bfplan-layers.$$"
	echo "FAIL layers: an include breaks the layering (tests/layers.allowed)"
	echo "layers: 0 passed, 1 failed"
	exit 1
fi
