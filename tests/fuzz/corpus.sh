#!/bin/sh
# tests/fuzz/corpus.sh - the seed corpus of the plan harnesses, minimised.
#
# usage: sh tests/fuzz/corpus.sh seeds DIR
#            write one seed per plan of examples/, stdlib/, tests/golden,
#            tests/build/cases and tests/fuzz/seeds (inputs written for the
#            fuzzer, already bundled) into DIR; a plan that `use`s files of its own
#            (tests/golden/imports) is bundled with them as one multi-file
#            input (tests/fuzz/support/fuzz.h)
#        sh tests/fuzz/corpus.sh merge FUZZBUILD HARNESS...
#            rebuild tests/fuzz/corpus/HARNESS from the seeds, the corpus as
#            it is and what `make fuzz` found (FUZZBUILD/work/HARNESS), kept
#            only where an input reaches code that no other does (libFuzzer
#            -merge=1 on edges alone, -use_counters=0: the corpus in git stays
#            small, while FUZZBUILD/work keeps every input with new hit counts);
#            an input that breaks the harness is left out, kept in
#            FUZZBUILD/merge-crashes/HARNESS and named
#
# Run from the top of the source tree; `make fuzz-corpus` runs the merge.
set -eu

# The `use` paths of a plan file.
uses() {
	sed -n 's/^[[:space:]]*use[[:space:]]*"\([^"]*\)".*/\1/p' "$1"
}

# Where `use "$2"` from the file $1 (relative to $base) finds a file of the
# case itself, as a path relative to $base; in an -I directory ($incdir) it
# goes into the bundle as inc/NAME, where the harness passes -I.  Prints
# nothing for the standard library.
find_use() {
	case $2 in *.*) name=$2 ;; *) name=$2.plan ;; esac
	dir=$(dirname "$1")
	if [ "$dir" = . ]; then rel=$name; else rel=$dir/$name; fi
	if [ -f "$base/$rel" ]; then
		echo "$rel"
	elif [ -n "$incdir" ] && [ -f "$base/$incdir/$name" ]; then
		echo "$incdir/$name"
	fi
}

# Writes the plan $1 and every file of its own that it reaches through `use`.
bundle() {
	base=$(dirname "$1")
	incdir=
	args=${1%.plan}.args
	if [ -f "$args" ]; then
		incdir=$(sed -n 's/.*-I[[:space:]]*\([^[:space:]]*\).*/\1/p' "$args" | head -n 1)
	fi
	cat "$1"
	todo=$(basename "$1")
	seen=" "
	while [ -n "$todo" ]; do
		next=
		for f in $todo; do
			for u in $(uses "$base/$f"); do
				rel=$(find_use "$f" "$u")
				case $rel in "" | *..*) continue ;; esac
				case $seen in *" $rel "*) continue ;; esac
				seen="$seen$rel "
				next="$next $rel"
				name=$rel
				if [ -n "$incdir" ] && [ "${rel#"$incdir"/}" != "$rel" ]; then
					name=inc/${rel#"$incdir"/}
				fi
				printf '%%%% %s\n' "$name"
				cat "$base/$rel"
			done
		done
		todo=$next
	done
}

seeds() {
	out=$1
	mkdir -p "$out"
	for plan in examples/*.plan stdlib/*/*.plan tests/golden/*.plan tests/build/cases/*.plan \
		tests/fuzz/seeds/*.plan; do
		name=$(echo "$plan" | tr / -)
		bundle "$plan" > "$out/$name"
	done
}

merge() {
	build=$1
	shift
	seeddir=$build/seeds
	rm -rf "$seeddir"
	seeds "$seeddir"
	for h in "$@"; do
		corpus=tests/fuzz/corpus/$h
		work=$build/work/$h
		new=$build/merged/$h
		crashed=$build/merge-crashes/$h
		rm -rf "$new" "$crashed"
		mkdir -p "$new" "$work" "$corpus" "$crashed"
		echo "corpus: merging seeds, $corpus and $work for $h"
		nice -n 10 "$build/fuzz-$h" -merge=1 -use_counters=0 -timeout=60 -artifact_prefix="$crashed/" \
			"$new" "$seeddir" "$corpus" "$work" > "$build/merge-$h.log" 2>&1 < /dev/null || {
			echo "corpus: the merge for $h failed; see $build/merge-$h.log" >&2
			exit 1
		}
		rm -rf "$corpus"
		mv "$new" "$corpus"
		echo "corpus: $corpus holds $(ls "$corpus" | wc -l) inputs, $(cat "$corpus"/* | wc -c) bytes"
		if [ -n "$(ls "$crashed")" ]; then
			echo "corpus: left out $(ls "$crashed" | wc -l) inputs that break $h (in $crashed): each is a" \
			     "known failure (tests/fuzz/known-failures) or a new crash for tests/fuzz/crashes/$h"
		fi
	done
}

case ${1-} in
seeds) [ $# -eq 2 ] || { echo "usage: $0 seeds DIR" >&2; exit 2; }; seeds "$2" ;;
merge) [ $# -ge 3 ] || { echo "usage: $0 merge FUZZBUILD HARNESS..." >&2; exit 2; }; shift; merge "$@" ;;
*) echo "usage: $0 seeds DIR | merge FUZZBUILD HARNESS..." >&2; exit 2 ;;
esac
