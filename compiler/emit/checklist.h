/*
 * checklist.h - the operator's runtime checklist, Markdown and HTML.
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
 * One Markdown file and one HTML page per plan (PLAN.checklist.md,
 * PLAN.checklist.html): the document one operator works through in one
 * change window.  Both are written from one walk, so they cannot disagree.
 * The HTML page has no external assets: it prints well and keeps its
 * ticks in the browser's localStorage, under a key made of the plan name
 * and a hash of the plan's checklist, so a changed checklist starts clean.
 * A small index (checklist.md, checklist.html) lists the plans of the
 * build with their cluster, window and worst case, and links to each.
 */
#ifndef BFPLAN_EMIT_CHECKLIST_H
#define BFPLAN_EMIT_CHECKLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/textbuf.h"
#include "lower/lower.h"

/* How the build's .bes files get into BigFix, which the checklist tells the operator. */
enum checklist_import {
	CHECKLIST_IMPORT_REST,    /* reference-only components: the REST API's import */
	CHECKLIST_IMPORT_CONSOLE, /* the full component form: the console's File > Import */
};

/*
 * One plan's checklist, into `md` and `html` (initialised by the caller;
 * drained buffers stream it, so a plan of thousands of steps is written in
 * the memory of one step).  Plan text that XML cannot carry is a build
 * error found before this runs; here it is replaced, never passed through.
 */
void emit_checklist_plan(struct arena *arena, const struct lw_program *program, const struct lw_plan *plan,
			 enum checklist_import import, struct textbuf *md, struct textbuf *html);

/* What the index says about one plan; the build keeps these while it frees the plans. */
struct checklist_entry {
	const char *plan, *title, *cluster;
	int64_t window;                /* seconds; 0 when none is declared */
	int64_t worst_case;
	const char *md_file, *html_file;
};

/* The index of the build's checklists: a table of its plans, linking to each plan's files. */
void emit_checklist_index(struct arena *arena, const struct lw_program *program,
			  const struct checklist_entry *const *entries, size_t count, struct textbuf *md,
			  struct textbuf *html);

/* The checklist's content hash: 64-bit FNV-1a over four interleaved lanes (docs/output.md). */
uint64_t emit_checklist_hash(const char *data, size_t len);

#endif
