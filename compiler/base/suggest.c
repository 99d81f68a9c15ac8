/*
 * suggest.c - edit distance for "did you mean" (see suggest.h).
 */
#include "base/suggest.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Names longer than this are never compared: no one mistypes them into each other. */
enum { SUGGEST_MAX_LEN = 64 };

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/*
 * Optimal-string-alignment distance, case-insensitive; three rolling rows.
 * Gives up with limit + 1 once a whole row is beyond `limit`: the
 * distance can only grow from there.
 */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	size_t prev_min = 0; /* the least of row i - 1; row 0's is 0 */
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		size_t row_min = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
			if (cur[j] < row_min)
				row_min = cur[j];
		}
		/* a swap reaches back two rows, so both must be out of reach */
		if (row_min > limit && prev_min > limit)
			return limit + 1;
		prev_min = row_min;
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t count)
{
	size_t lw = strlen(word);
	if (lw == 0 || lw > SUGGEST_MAX_LEN)
		return NULL;
	const char *best = NULL;
	size_t best_dist = SIZE_MAX;
	bool tied = false;
	if (count > SUGGEST_MAX_CANDIDATES)
		count = SUGGEST_MAX_CANDIDATES;
	for (size_t i = 0; i < count; i++) {
		size_t lc = strlen(candidates[i]);
		if (lc > SUGGEST_MAX_LEN || strcmp(word, candidates[i]) == 0)
			continue;
		/* about one typo per three characters of the shorter name, and at least one */
		size_t limit = (lw < lc ? lw : lc) / 3 + 1;
		/* beyond this, a candidate can neither win nor tie: no need to know how far it is */
		size_t cutoff = best && best_dist > limit ? best_dist : limit;
		if ((lw > lc ? lw - lc : lc - lw) > cutoff)
			continue;
		size_t d = edit_distance(word, lw, candidates[i], lc, cutoff);
		if (d <= limit && d < best_dist) {
			best = candidates[i];
			best_dist = d;
			tied = false;
		} else if (d == best_dist && strcmp(best, candidates[i]) != 0) {
			tied = true;
		}
	}
	/* two equally near names: guessing one of them would mislead as often as help */
	return tied ? NULL : best;
}
