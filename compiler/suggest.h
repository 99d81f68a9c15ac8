/*
 * suggest.h - "did you mean" for near-miss names.
 */
#ifndef BFPLAN_SUGGEST_H
#define BFPLAN_SUGGEST_H

#include <stddef.h>

/*
 * The candidate closest to `word` by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours), or NULL if none is close enough
 * to be a likely typo, or when two candidates are equally close.
 */
const char *suggest_closest(const char *word, const char *const *candidates, size_t count);

#endif
