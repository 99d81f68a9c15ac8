/*
 * diff.h - `bfplan diff`: what changes for the operator between two
 * versions of a plan.
 *
 * It compares lowered plans, not text: a reformatted file, a moved
 * comment or a renamed baseline with the same content changes nothing an
 * operator runs, so it is no change.  Each plan is read as a list of
 * facts the operator depends on (the node order and phases, where the
 * role is expected, each step with what it runs, its targets, timeout and
 * failure behaviour, the prerequisites, the Baselines' components, the
 * window and the worst case), and the two lists are compared fact by
 * fact.  Plans are matched by name.
 */
#ifndef BFPLAN_PLANDIFF_H
#define BFPLAN_PLANDIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/textbuf.h"
#include "lower/lower.h"

enum plandiff_kind {
	PLANDIFF_CHANGED, /* the fact is in both, with another value */
	PLANDIFF_ADDED,   /* only in the new version */
	PLANDIFF_REMOVED, /* only in the old version */
};

/*
 * A fact's value as data, for --format=json: a count (max-down), a
 * duration in seconds (window, worst case), a list of node names (the
 * order), or only the text.
 */
enum plandiff_type { PLANDIFF_TEXT, PLANDIFF_COUNT, PLANDIFF_SECONDS, PLANDIFF_NAMES };

struct plandiff_value {
	enum plandiff_type type;
	uint64_t number;            /* COUNT, SECONDS */
	const struct ptrvec *names; /* NAMES: struct lw_node * */
	bool none;                  /* SECONDS: no window at all */
};

struct plandiff_change {
	const char *plan;        /* the plan's name */
	enum plandiff_kind kind;
	const char *what;        /* "role holder", "step pause on EXNODE1", or "plan" for a whole plan */
	const char *old_value;   /* NULL when added */
	const char *new_value;   /* NULL when removed */
	struct plandiff_value old_typed, new_typed;
};

/* The changes from `old` to `new`, in the new plan's order, removals last. */
void plandiff(struct arena *arena, const struct lw_program *old, const struct lw_program *new_program,
	      struct ptrvec *changes);

/* "plan patch-exch01: role holder: EXNODE2 -> EXNODE1", a line each, grouped by plan, then the summary. */
void plandiff_render_text(struct arena *arena, const struct ptrvec *changes, struct textbuf *out);

/* One line for all the changes: "2 steps changed, 1 node added, window 6 h -> 8 h". */
const char *plandiff_summary(struct arena *arena, const struct ptrvec *changes);

/* The same as versioned JSON, for bots (docs/diff.md); false if jansson ran out of memory. */
bool plandiff_render_json(struct arena *arena, const struct ptrvec *changes, struct textbuf *out);

enum { PLANDIFF_FORMAT_VERSION = 1 };

#endif
