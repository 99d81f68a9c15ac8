/*
 * emit_checklist.h - the operator's runtime checklist, Markdown and HTML.
 *
 * What the operator follows in the change window, for every plan of the
 * build: a summary, the pre-flight checks with what to do where one is
 * relevant, then each node in order, each step with the exact Fixlet, Task
 * or baseline to run, its target, what to verify before and after, what to
 * do on failure, and a tick box and sign-off line; last, the recipe for the
 * same plan in the Server Automation plan editor.
 *
 * checklist.md and checklist.html are written from one walk, so they cannot
 * disagree.  The HTML is one page with no external assets: it prints well
 * and keeps its ticks in the browser's localStorage, under a key made of
 * the plan name and a hash of the plan's checklist, so a changed checklist
 * starts clean.
 */
#ifndef BFPLAN_EMIT_CHECKLIST_H
#define BFPLAN_EMIT_CHECKLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "emit.h"
#include "lower.h"
#include "textbuf.h"

/*
 * Renders both checklists into `md` and `html` (initialised by the
 * caller).  Plan text that XML cannot carry is a build error found before
 * this runs; here it is replaced, never passed through.
 */
void emit_checklist(struct arena *arena, const struct lw_program *program,
		    const struct emit_options *opts, struct textbuf *md, struct textbuf *html);

/*
 * The same in pieces, so a large build streams: the page header, one
 * plan's section, the footer.  emit_checklist() calls them in turn.
 */
void emit_checklist_begin(struct arena *arena, const struct lw_program *program, struct textbuf *md,
			  struct textbuf *html);
void emit_checklist_plan(struct arena *arena, const struct lw_plan *plan, const struct emit_options *opts,
			 struct textbuf *md, struct textbuf *html);
void emit_checklist_end(struct arena *arena, const struct lw_program *program, struct textbuf *md,
			struct textbuf *html);

/* 64-bit FNV-1a, the checklist's content hash. */
uint64_t emit_checklist_hash(const char *data, size_t len);

#endif
