/*
 * checklist.h - the operator's checklist and the reviewer's report.
 *
 * Two readers, two documents per plan, each in Markdown and as one
 * self-contained HTML page:
 *
 *   PLAN.checklist.md/.html  the operator's, for the change window: the plan
 *                            in one screen (cluster, nodes in order, where
 *                            the role runs and how that is known, the window
 *                            and the worst case, the change owner), the
 *                            import, the pre-flight checks, one card per
 *                            step (what it runs, on which nodes, what to
 *                            verify, its timeout and what a failure does),
 *                            what to do on a failure, how to resume after a
 *                            stop, and the close-out.  Tick boxes and
 *                            sign-off lines; the page keeps them per run.
 *   PLAN.review.md/.html     the author's, the reviewer's and the plan
 *                            builder's: what was proven and what each proof
 *                            rests on, every unconfirmed fact with its
 *                            reason and how to confirm it, and the
 *                            Automation Plan recipe with Server Automation's
 *                            settings spelled out.
 *
 * Each document is written from one walk into both formats, so the two
 * cannot disagree.  Operator-facing marks of unconfirmed facts are short
 * visible links to their one entry in the review report; a fact that only
 * the catalog's author can settle (an action name, an OS range) is in the
 * report alone.  A small index (checklist.md, checklist.html) lists the
 * plans of the build and links to both documents of each; it also says
 * once what every review would repeat: how to confirm each kind of fact,
 * why each setting matters, and, in a build of several plans, the reason
 * of each unconfirmed fact of the catalog, which the reviews link to.
 */
#ifndef BFPLAN_EMIT_CHECKLIST_H
#define BFPLAN_EMIT_CHECKLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ptrmap.h"
#include "base/textbuf.h"
#include "lower/lower.h"

/* How the build's .bes files get into BigFix, which the checklist tells the operator. */
enum checklist_import {
	CHECKLIST_IMPORT_REST,    /* reference-only components: the REST API's import */
	CHECKLIST_IMPORT_CONSOLE, /* the full component form: the console's File > Import */
};

/*
 * One thing that changes for the operator since the previous build, as
 * bfplan diff finds it (emit/diff.h): the build hands each plan's to its
 * review report in this form.
 */
struct checklist_change {
	char sign;                 /* '~' changed, '+' added, '-' removed */
	const char *what;          /* "step pause on EXNODE1", "plan" for the whole plan */
	const char *old_value;     /* NULL when added */
	const char *new_value;     /* NULL when removed */
};

/* What a build says about the run its checklists are for (--run-id, --window-start). */
struct checklist_run {
	enum checklist_import import;
	const char *run_id;        /* the run ID; never NULL (emit.c derives one when none is given) */
	bool run_id_given;         /* --run-id, rather than derived from the inputs and the window start */
	bool has_window_start;
	int64_t window_start;      /* --window-start: seconds since 1970-01-01 UTC */
	const char *previous;      /* --previous: the earlier plan file, or NULL */
	const struct ptrvec *previous_changes; /* the plan's struct checklist_change *, in order; NULL: none */
	/*
	 * When the build has several plans: each catalog mark -> its number in
	 * the index's list of reasons (1, 2...), where the reason of a fact
	 * every plan that uses it shares is said once.  NULL: the review says
	 * every reason itself.
	 */
	const struct ptrmap *shared_marks;
};

/*
 * One plan's checklist, into `md` and `html` (initialised by the caller;
 * drained buffers stream it, so a plan of thousands of steps is written in
 * the memory of one step).  Every text it writes has been checked once
 * for what XML cannot carry before it runs (out/build.c): a text that
 * fails is a build error, so nothing here checks again.
 */
void emit_checklist_plan(struct arena *arena, const struct lw_program *program, const struct lw_plan *plan,
			 const struct checklist_run *run, struct textbuf *md, struct textbuf *html);

/* One plan's review report, the same way. */
void emit_review_plan(struct arena *arena, const struct lw_program *program, const struct lw_plan *plan,
		      const struct checklist_run *run, struct textbuf *md, struct textbuf *html);

/* The index's files, which each review report links to for what every plan's would say alike. */
#define CHECKLIST_INDEX_MD "checklist.md"
#define CHECKLIST_INDEX_HTML "checklist.html"

/* What the index says about one plan; the build keeps these while it frees the plans. */
struct checklist_entry {
	const char *plan, *title, *cluster;
	int64_t window;                /* seconds; 0 when none is declared */
	int64_t worst_case;
	const char *md_file, *html_file;
	const char *review_md, *review_html;
};

/*
 * The index of the build's checklists: a table of its plans, linking to
 * each plan's files; then what every review would say alike, and the
 * reasons of `shared_marks` (in their index order; NULL: none), which the
 * reviews link to.
 */
void emit_checklist_index(struct arena *arena, const struct lw_program *program,
			  const struct checklist_entry *const *entries, size_t count,
			  const struct cptrvec *shared_marks, struct textbuf *md, struct textbuf *html);

/* The checklist's content hash: 64-bit FNV-1a over four interleaved lanes (docs/output.md). */
uint64_t emit_checklist_hash(const char *data, size_t len);

/* The same, continued from an earlier value instead of the offset basis: for hashing several texts. */
uint64_t emit_checklist_hash_more(uint64_t seed, const char *data, size_t len);

#endif
