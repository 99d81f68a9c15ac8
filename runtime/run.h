/*
 * run.h - a change window carried out by hand: the journal replayed into the engine.
 *
 * `bfplan run` keeps no state but its journal.  Each command reads the
 * journal, replays every entry into the engine (engine.h) in order, and
 * so knows where the run stands; a command that records something asks
 * this layer first whether the plan allows it now, and is refused
 * otherwise, with nothing recorded.
 *
 * The checklist's numbers name what the operator records: pre-flight
 * checks P1, P2... (done when the check passes; a failed one is recorded
 * and the run cannot start until it passes), steps 1, 2... and the failure
 * step of step N as FN.  The engine sees:
 *
 *   - the pre-flight facts, once, when step 1 starts (every check done)
 *     or when the check of where the role runs fails (fail P4 --target
 *     NODE: the role runs on NODE, and the plan must not start);
 *   - start N / start FN as the step's (failure step's) start;
 *   - done N [--target NODE] as each target's (or that one's) success;
 *   - fail N --target NODE as that target's failure;
 *   - witness-offline and node-lost --target NODE as the faults outside
 *     the plan they are (the plan stops at the next step boundary); before
 *     step 1 they are refused, since the pre-flight checks of the witness
 *     and of every node reporting say the same, and `fail Pn` records it;
 *   - abort as the end of the run;
 *   - and before each of them, the time passed since the last one, so a
 *     step whose timeout ran out has failed before anything after it is
 *     looked at, as Server Automation would have it.
 *
 * The clock of the engine starts when step 1 starts (or the role check
 * fails).  Notes, accepted plan changes, set-aside tails and the BigFix
 * driver's intent and issued records are kept for the report and change
 * nothing in the engine.
 *
 * Pure, like the engine: no I/O, no clock; `now` is always passed in.
 */
#ifndef BFPLAN_RUN_H
#define BFPLAN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/engine.h"
#include "runtime/journal.h"
#include "lower/lower.h"
#include "base/textbuf.h"

/* One pre-flight check, and what the journal says of it. */
struct run_check {
	const struct lw_check *check;
	bool is_role;                        /* the check of where the role runs */
	const struct journal_entry *passed;  /* its `done`, or NULL */
	const struct journal_entry *failed;  /* its last `fail`, or NULL */
};

/* What happened to one step (or its failure step), for status and the report. */
struct run_step_log {
	const struct journal_entry *started;
	struct cptrvec results;              /* const struct journal_entry *: its done and fail entries */
	int64_t timed_out;                   /* engine time its timeout ran out on a target, or -1 */
	int64_t ended;                       /* engine time it ended, or -1 */
	bool failed;                         /* it ended with a target failed or timed out */
};

struct run {
	struct arena *arena;
	const struct lw_plan *plan;
	const struct eng_model *model;
	struct eng_state *state;
	struct eng_state *trial;             /* a scratch state, to try an entry before taking it */
	struct eng_state *mid;               /* another: the trial after the time passed, before the entry */
	struct run_check *checks;            /* the pre-flight checks, by number: checks[0] is P1 */
	size_t check_count;
	struct run_step_log *steps;          /* steps[n - 1] for step n */
	struct run_step_log *failure_steps;  /* failure_steps[n - 1] for FN */
	bool started;                        /* the engine's clock runs */
	int64_t origin;                      /* the wall time of engine time 0 */
	int64_t last;                        /* the wall time the engine has been told of */
	struct cptrvec deviations;           /* const struct journal_entry *: fail, pending-restart, witness-offline,
						node-lost, abort, accept, set-aside */
	struct cptrvec notes;                /* const struct journal_entry *: notes */
	const struct journal_entry *aborted; /* the abort, or NULL */
	const struct journal_entry *fault;   /* the first witness-offline or node-lost, which stops the plan; or NULL */
};

/* Why a command is refused: in words, with what the engine said when it was the engine. */
struct run_refusal {
	enum eng_refusal engine;             /* ENG_OK when the refusal is the run's own (pre-flight, targets) */
	const char *message;                 /* "step 3 cannot start now: ..." */
};

/* A run before anything happened; false (and *why) for a plan the engine cannot run. */
bool run_init(struct run *r, struct arena *arena, const struct lw_plan *plan, const char **why);

/*
 * Tries an entry at its time (e->at): true, and the run moved on, if the
 * plan allows it now; false, nothing changed, and *why filled otherwise.
 * Entries of no consequence for the engine (notes and the rest) are
 * always taken.  The run keeps a copy of the entry, not the caller's:
 * its logs point to it for as long as the run lasts.
 */
bool run_take(struct run *r, const struct journal_entry *e, struct run_refusal *why);

/*
 * Replays a whole journal.  False at the first entry the plan refuses: a
 * journal edited by hand, or written for another plan; *bad is that
 * entry.
 */
bool run_replay(struct run *r, const struct journal *j, const struct journal_entry **bad, struct run_refusal *why);

/* The run as of `now` (wall time): time passes, timeouts run out.  Changes nothing that is recorded. */
void run_advance(struct run *r, int64_t now);

/* Engine time, for wall time `t` (0 before the run started). */
int64_t run_engine_time(const struct run *r, int64_t t);

/* The worst case of what remains, in seconds, as the engine counts it (eng_worst_remaining). */
int64_t run_worst_remaining(const struct run *r);

/*
 * What may be recorded now, as the commands that record it, one per
 * line, each prefixed with `prefix` ("bfplan run exch01.plan --journal
 * run.journal"): the checklist's own words for what is due.
 */
void run_allowed_commands(const struct run *r, const char *prefix, struct textbuf *out);

/* A step as the checklist names it, for messages: "step 3", "the failure step of step 3", "P2". */
const char *run_step_words(struct arena *arena, const char *step);

#endif
