/*
 * suggest.h - "did you mean" for near-miss names.
 */
#ifndef BFPLAN_SUGGEST_H
#define BFPLAN_SUGGEST_H

#include <stddef.h>

/*
 * "Did you mean" does bounded work, whatever the plan: at most this many
 * candidates are compared (the first ones given: callers list the
 * standard library's names, declared first, before the plan's own), and
 * a comparison stops as soon as the names are too far apart.
 */
enum { SUGGEST_MAX_CANDIDATES = 1024 };

/*
 * The candidate closest to `word` by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours), or NULL if none is close enough
 * to be a likely typo, or when two candidates are equally close.  Only
 * the first SUGGEST_MAX_CANDIDATES candidates are looked at.
 */
const char *suggest_closest(const char *word, const char *const *candidates, size_t count);

#endif
