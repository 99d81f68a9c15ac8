/*
 * run_session.h - what `bfplan run` by hand (run.c) and `bfplan run --bigfix`
 * (run_bigfix.c) share: the command line's options, the session of one
 * command (the plan, the journal, the run replayed from it), and the one
 * way an entry reaches the journal (taken by the run first, appended,
 * flushed to disk).
 */
#ifndef BFPLAN_CMD_RUN_SESSION_H
#define BFPLAN_CMD_RUN_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/textbuf.h"
#include "cmd/cmd.h"
#include "cmd/compile.h"
#include "cmd/run_view.h"
#include "runtime/journal.h"
#include "runtime/journal_file.h"
#include "runtime/run.h"

/* What the command line asks of run: the table's options, and the operands read. */
struct run_options {
	const struct cmd_options *o;
	const char *plan_path;
	const char *journal;
	int command;                  /* enum run_command (run.c) */
	const char *argument;         /* STEP, or the note's TEXT */
	const char *target;
	const char *reason;
	bool failed;
};

struct session {
	struct compilation c;         /* the plan's, and the arena and diagnostics of the whole command */
	const struct lw_plan *plan;
	uint32_t journal_file;        /* the journal in the source manager, once a diagnostic points into it */
	struct journal_file jf;
	struct journal journal;
	struct run run;
	struct run_session view;
	const char *by;
	struct textbuf allowed;       /* a refused command: what may be recorded instead */
	const char *sha256;           /* the plan's hash, which a new journal's header binds it to */
	bool accept;                  /* a changed plan is accepted by this command's first entry */
};

/*
 * Appends `n` entries, each taken by the run first (after what must come
 * before the first entry a command records: a new journal's header, the
 * setting aside of a torn line, an accepted plan change); each entry's seq
 * is set here.  The journal stays open and locked.  The exit status:
 * EXIT_CLEAN, or after reporting a refusal (BFP748) or an I/O failure.
 */
int run_append(struct session *s, const struct run_options *o, struct journal_entry *entries, size_t n, int64_t now);

/* `bfplan run PLAN --journal FILE --bigfix URL` (run_bigfix.c): the exit status. */
int run_bigfix(struct session *s, const struct run_options *o, const struct bfplan_env *env, FILE *out, FILE *err);

#endif
