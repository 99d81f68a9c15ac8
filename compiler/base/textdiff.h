/*
 * textdiff.h - a unified diff of two texts, line by line (`bfplan fmt --diff`).
 *
 * The output is what `diff -u OLD NEW` prints, with three lines of
 * context, so `patch -p0` and `git apply` accept it.  Lines are matched by
 * Myers' algorithm; past a bound on the work (files that differ almost
 * everywhere) the changed middle is shown as one hunk that removes the old
 * lines and adds the new ones, which is still a correct patch.  A line
 * holding characters that `show` spells out no longer applies as a patch.
 */
#ifndef BFPLAN_TEXTDIFF_H
#define BFPLAN_TEXTDIFF_H

#include <stddef.h>

#include "base/arena.h"
#include "base/textbuf.h"

struct textdiff_side {
	const char *label; /* the name on the ---/+++ line */
	const char *text;
	size_t len;
};

/*
 * How a line is shown (without its line feed), for a diff that is read
 * rather than applied: esc_terminal() keeps terminal controls out of a log.
 * NULL shows lines as they are.
 */
typedef const char *textdiff_show_fn(struct arena *arena, const char *line);

/* Appends the diff to `out`; nothing when the texts are equal. */
void textdiff_unified(struct arena *arena, struct textbuf *out, struct textdiff_side old,
		      struct textdiff_side new, textdiff_show_fn *show);

/* One run of changed lines: old lines [old_begin, old_end) become new lines [new_begin, new_end), 0-based. */
struct textdiff_change {
	size_t old_begin, old_end, new_begin, new_end;
};

/*
 * The runs of lines that differ, in order, with the same matching as the
 * unified diff: for an editor, which applies them as edits (the language
 * server's formatting).  Sets *count; none when the texts are equal.
 */
struct textdiff_change *textdiff_changes(struct arena *arena, struct textdiff_side old, struct textdiff_side new,
					 size_t *count);

#endif
