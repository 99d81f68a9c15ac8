#!/bin/sh
# tests/docs_codes.sh - docs/diagnostics.md and compiler/diag/codes.def list
# the same diagnostics.
#
# usage: sh tests/docs_codes.sh [REPOSITORY-ROOT]
#
# Every X(BFPnnn, SEVERITY, "name", ...) line of diag_codes.def needs a
# section headed exactly "## BFPnnn: name" in diagnostics.md, and every such
# section needs its code.  `bfplan explain` is built from those sections
# (compiler/diag/explain_gen.awk ends a section at the next line starting with
# "## " or "# "), so after the first code section no other heading of
# either kind may appear: it would silently cut the section above it short.
#
# Ends with "docs_codes: N passed, M failed"; exits non-zero on any failure.

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
def=$root/compiler/diag/codes.def
doc=$root/docs/diagnostics.md
for f in "$def" "$doc"; do
	if [ ! -f "$f" ]; then
		echo "docs_codes: no $f" >&2
		exit 2
	fi
done

LC_ALL=C
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bfplan-docs.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' 0
trap 'exit 2' HUP INT TERM

passed=0
failed=0

fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}

# "CODE name" per line, in file order
sed -n 's/^X(\(BFP[0-9][0-9]*\), *[A-Z]*, *"\([^"]*\)".*/\1 \2/p' "$def" >"$tmp/codes"
sed -n 's/^## \(BFP[0-9][0-9]*\): *\(.*[^ ]\) *$/\1 \2/p' "$doc" >"$tmp/sections"

if [ ! -s "$tmp/codes" ]; then
	echo "docs_codes: no code found in $def" >&2
	exit 2
fi

while read -r code name; do
	found=$(awk -v c="$code" '$1 == c { print $2 }' "$tmp/sections")
	count=$(awk -v c="$code" '$1 == c { n++ } END { print n + 0 }' "$tmp/sections")
	if [ "$count" -eq 0 ]; then
		fail "$code: no section \"## $code: $name\" in docs/diagnostics.md"
	elif [ "$count" -gt 1 ]; then
		fail "$code: $count sections in docs/diagnostics.md"
	elif [ "$found" != "$name" ]; then
		fail "$code: the section is named '$found', diag_codes.def says '$name'"
	else
		passed=$((passed + 1))
	fi
done <"$tmp/codes"

while read -r code name; do
	if ! awk -v c="$code" '$1 == c { found = 1 } END { exit !found }' "$tmp/codes"; then
		fail "$code: docs/diagnostics.md has a section for a code diag_codes.def does not list"
	fi
done <"$tmp/sections"

# Headings that would end a section early in `bfplan explain`.
awk '
	/^## BFP[0-9][0-9]*: / { seen = 1; next }
	seen && /^(## |# )/ { printf "%d: %s\n", NR, $0 }
' "$doc" >"$tmp/stray"
while IFS= read -r line; do
	fail "docs/diagnostics.md line $line: a heading among the code sections cuts the one above it short"
done <"$tmp/stray"

echo "docs_codes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
