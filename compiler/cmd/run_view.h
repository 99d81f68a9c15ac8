/*
 * run_view.h - what `bfplan run` shows: status, next, the acknowledgement
 * of what was recorded, and the change record for the ticket.
 *
 * Everything here reads a run replayed to `now`; nothing writes the
 * journal.  Text from the journal (names, reasons, notes) is untrusted:
 * the text forms escape it for a terminal, the Markdown form for Markdown,
 * and the JSON form is written by jansson.
 */
#ifndef BFPLAN_CMD_RUN_VIEW_H
#define BFPLAN_CMD_RUN_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/textbuf.h"
#include "lower/lower.h"
#include "runtime/journal.h"
#include "runtime/run.h"

struct run_session {
	struct arena *arena;
	const struct lw_plan *plan;
	const char *plan_path;       /* as given on the command line */
	const char *journal_path;
	const char *plan_sha256;
	const struct journal *journal;
	struct run *run;
	int64_t now;                 /* wall time, seconds since 1970 UTC */
	const char *prefix;          /* the command line up to the command: "bfplan run x.plan --journal j" */
};

/* Where the run stands: stage, step, each target, time used against the window, worst case left. */
void run_view_status(const struct run_session *s, struct textbuf *out);

/* What is allowed now, in the checklist's numbers, with what to run, verify and by when. */
void run_view_next(const struct run_session *s, struct textbuf *out);

/* After an entry was recorded: what it was, and what the plan says happens now. */
void run_view_recorded(const struct run_session *s, const struct journal_entry *e, struct textbuf *out);

/* The change record, in Markdown or as JSON (docs/runtime.md, "The report"). */
void run_view_report_md(const struct run_session *s, struct textbuf *out);
bool run_view_report_json(const struct run_session *s, struct textbuf *out);

/* "2026-12-06T21:30:05Z" for wall time t. */
const char *run_view_time(struct arena *arena, int64_t t);

#endif
