/*
 * emit_checklist.h - the operator's runtime checklist, Markdown and HTML.
 *
 * What the operator follows in the change window, for every plan of the
 * build: a summary with what was proven, how to run the plan, the
 * pre-flight checks (where the role runs among them) with what to do where
 * one fails, then phase after phase each step of the Automation Plan, with
 * the exact Fixlet, Task or Baseline, its targets, what it waits for, what
 * to verify, the stdlib's advice and what happens on failure, and a tick
 * box and sign-off line; last, the Automation Plan to build in the Server
 * Automation plan editor, step for step the same.
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

#include "lower.h"
#include "textbuf.h"

/* How the build's .bes files get into BigFix, which the checklist tells the operator. */
enum checklist_import {
	CHECKLIST_IMPORT_REST,    /* reference-only components: the REST API's import */
	CHECKLIST_IMPORT_CONSOLE, /* the full component form: the console's File > Import */
};

/*
 * Renders both checklists into `md` and `html` (initialised by the
 * caller).  Plan text that XML cannot carry is a build error found before
 * this runs; here it is replaced, never passed through.
 */
void emit_checklist(struct arena *arena, const struct lw_program *program, enum checklist_import import,
		    struct textbuf *md, struct textbuf *html);

/*
 * The same in pieces, so a large build streams: the page header, one
 * plan's section, the footer.  emit_checklist() calls them in turn.
 */
void emit_checklist_begin(struct arena *arena, const struct lw_program *program, struct textbuf *md,
			  struct textbuf *html);
void emit_checklist_plan(struct arena *arena, const struct lw_plan *plan, enum checklist_import import,
			 struct textbuf *md, struct textbuf *html);
void emit_checklist_end(struct arena *arena, const struct lw_program *program, struct textbuf *md,
			struct textbuf *html);

/* 64-bit FNV-1a, the checklist's content hash. */
uint64_t emit_checklist_hash(const char *data, size_t len);

#endif
