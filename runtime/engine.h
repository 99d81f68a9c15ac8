/*
 * engine.h - the execution model of a lowered plan, as code.
 *
 * docs/execution.md on one page is what this engine carries out: the
 * phases one after another, in each phase the steps of `each node` on
 * every node of the phase at once, each step waiting for the one before
 * it and bounded by its timeout; a failed step's failure behaviour (stop:
 * the failure step restores the phase's nodes, then the plan stops; hold:
 * the plan stops and leaves the nodes as they are; continue: the plan goes
 * on); Pending Restart, which makes a step wait; where the role runs and
 * how often it moves; the quorum's votes, the witness's included; and the
 * clock.
 *
 * The engine is pure.  It reads only the lowered plan (lower.h), does no
 * I/O and reads no clock: events go in (a step started; a target
 * succeeded, failed, timed out, went silent, reported Pending Restart; a
 * node was lost; the witness went offline; time passed) and it answers
 * what is allowed next and what the plan's rules say must happen now.  The
 * same events give the same answers, so `bfplan simulate` explores exactly
 * the behaviour that `bfplan run` and the BigFix driver carry out.
 *
 * Two objects:
 *   struct eng_model  what the engine derives once from a lowered plan
 *                     (the steps, their targets, the node states); read
 *                     only, shared by every state of every exploration;
 *   struct eng_state  where one run stands: one flat block of memory, so
 *                     that a snapshot is a copy (eng_state_copy), two
 *                     states compare with memcmp and hash as bytes.
 *
 * Nodes are named by their place in the patch order (lw_plan.nodes),
 * from 0.  Steps are named by their recipe number (lw_step.number, from
 * 1, the checklist's own); the failure step of step N is addressed as
 * step N with `failure_step` set.
 */
#ifndef BFPLAN_ENGINE_H
#define BFPLAN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lower/lower.h"

/* No node, no step. */
#define ENG_NONE UINT32_MAX

/* The events the engine takes.  X(ID, word): the word is the journal's and the outputs'. */
#define ENG_EVENTS(X)                                                                            \
	X(ENG_EV_PREFLIGHT, "preflight")             /* the run-time facts checked before step 1:  \
							 node = where the role runs (ENG_NONE:  \
							 where the plan expects it) */           \
	X(ENG_EV_START, "start")                     /* step (or its failure step) started */       \
	X(ENG_EV_SUCCEEDED, "succeeded")             /* a target of the running step succeeded */   \
	X(ENG_EV_FAILED, "failed")                   /* a target failed */                          \
	X(ENG_EV_TIMED_OUT, "timed-out")             /* a target ran to its timeout: the clock     \
							 moves to the step's deadline */         \
	X(ENG_EV_SILENT, "silent")                   /* a target stopped reporting */               \
	X(ENG_EV_PENDING_RESTART, "pending-restart") /* a target reports Pending Restart */         \
	X(ENG_EV_NODE_LOST, "node-lost")             /* a node went down, between two steps */      \
	X(ENG_EV_WITNESS_OFFLINE, "witness-offline") /* the quorum witness went offline */          \
	X(ENG_EV_TIME, "time")                       /* `seconds` passed */                         \
	X(ENG_EV_ABORT, "abort")                     /* a person ended the run */                   \
	X(ENG_EV_PREFLIGHT_FAILED, "preflight-failed") /* a pre-flight check failed (a prerequisite \
							   missing): the plan must not start */

enum eng_event_kind {
#define X(id, word) id,
	ENG_EVENTS(X)
#undef X
	ENG_EVENT_KINDS
};

struct eng_event {
	enum eng_event_kind kind;
	uint32_t step;      /* recipe number; START and target events */
	bool failure_step;  /* the step's failure step rather than the step itself */
	uint32_t node;      /* target events, NODE_LOST, PREFLIGHT (where the role runs) */
	int64_t seconds;    /* TIME */
};

/* Why an event was refused.  A refused event changes nothing. */
#define ENG_REFUSALS(X)                                                                          \
	X(ENG_OK, "accepted")                                                                    \
	X(ENG_REFUSE_UNKNOWN_STEP, "no such step in the plan")                                   \
	X(ENG_REFUSE_OUT_OF_ORDER, "not the step the plan allows now")                           \
	X(ENG_REFUSE_NOT_RUNNING, "that step is not running")                                    \
	X(ENG_REFUSE_UNKNOWN_NODE, "no such node in the cluster")                                \
	X(ENG_REFUSE_NOT_TARGET, "that node is not a target of the step")                        \
	X(ENG_REFUSE_ALREADY, "that target has already reported its result")                     \
	X(ENG_REFUSE_TOO_EARLY, "the step's timeout has not run out yet")                        \
	X(ENG_REFUSE_NO_FAILURE_STEP, "that step has no failure step, or it is not due")         \
	X(ENG_REFUSE_NO_WITNESS, "the cluster has no witness")                                   \
	X(ENG_REFUSE_LOST, "that node is lost already")                                          \
	X(ENG_REFUSE_NEGATIVE_TIME, "time does not go backwards")                                \
	X(ENG_REFUSE_WRONG_STAGE, "the run is not at a point where that can happen")                \
	X(ENG_REFUSE_OVER, "the run is over")

enum eng_refusal {
#define X(id, text) id,
	ENG_REFUSALS(X)
#undef X
	ENG_REFUSAL_KINDS
};

/* Where the run stands as a whole. */
#define ENG_STAGES(X)                                                                            \
	X(ENG_PREFLIGHT, "pre-flight")   /* before the first step: the run-time facts are due */    \
	X(ENG_BETWEEN, "between-steps")  /* the next step may start */                               \
	X(ENG_RUNNING, "running")        /* a step runs: its targets report */                       \
	X(ENG_RECOVERING, "recovering")  /* a step failed: its failure step is due or runs */        \
	X(ENG_DONE, "done")              /* every step succeeded */                                  \
	X(ENG_STOPPED, "stopped")        /* stopped by the plan's rules (after the failure step) */  \
	X(ENG_HELD, "held")              /* stopped with nodes out of service: a person decides */   \
	X(ENG_NOT_STARTED, "not-started")/* a pre-flight fact failed: the plan must not start */     \
	X(ENG_ABORTED, "aborted")        /* ended by a person */

enum eng_stage {
#define X(id, word) id,
	ENG_STAGES(X)
#undef X
	ENG_STAGE_KINDS
};

/* A target's result in the step that runs (or ran last) on it. */
#define ENG_RESULTS(X)                                                                           \
	X(ENG_IDLE, "idle")                 /* not a target of the running step */                  \
	X(ENG_WAITING, "running")           /* started, no result yet */                            \
	X(ENG_PENDING, "pending-restart")   /* applied; waits for a restart */                      \
	X(ENG_QUIET, "silent")              /* stopped reporting */                                 \
	X(ENG_SUCCESS, "succeeded")                                                                 \
	X(ENG_FAILURE, "failed")                                                                    \
	X(ENG_TIMEOUT, "timed-out")

enum eng_result {
#define X(id, word) id,
	ENG_RESULTS(X)
#undef X
	ENG_RESULT_KINDS
};

/*
 * The invariants every run keeps (docs/execution.md, "What simulate
 * checks", says which check code each one backs).  They are judged on
 * what the plan's own steps do; a fault (a lost node, an offline witness)
 * that costs the cluster something by itself is recorded, not blamed on
 * the plan.  X(ID, word, what it promises).
 */
#define ENG_INVARIANTS(X)                                                                        \
	X(ENG_INV_QUORUM, "quorum", "the cluster keeps quorum at every moment")                   \
	X(ENG_INV_ROLE_OWNER, "role-owner", "the clustered role always has an online node that can own it") \
	X(ENG_INV_ROLE_ONCE, "role-moves-once", "on the success path the role moves at most once") \
	X(ENG_INV_RESTORED, "nodes-restored", "every path ends with every node in service, except where the plan holds") \
	X(ENG_INV_BOUNDED_WAIT, "bounded-wait", "no wait is unbounded")                           \
	X(ENG_INV_WINDOW, "window", "every path ends within the window")

enum eng_invariant {
#define X(id, word, text) id,
	ENG_INVARIANTS(X)
#undef X
	ENG_INVARIANT_KINDS
};

/* A set of invariants, one bit each. */
typedef uint32_t eng_invset;
#define ENG_INV_BIT(inv) ((eng_invset)1u << (inv))

/* ---- the model -------------------------------------------------------------------------- */

/* A node state of the standard library's state machine (cluster/node-states), as the engine knows it. */
struct eng_node_state_def {
	const char *name;     /* online, paused, ... */
	bool in_service;      /* a final state: the node is up in the cluster, owns groups and votes */
	bool waits;           /* a step waits while its target is in it (pending-restart) */
};

/* One step of the recipe (or the shape of its failure step), as the engine runs it. */
struct eng_step {
	uint32_t number;                  /* recipe number, from 1 */
	uint32_t index;                   /* place within its phase: step "phase.index" */
	const struct lw_item *item;       /* what it runs */
	const struct lw_phase *phase;
	const struct lw_restore *restore; /* its failure step; NULL: none */
	int64_t timeout;                  /* seconds; 0: none (an unbounded wait) */
	enum lw_failure failure;
	bool role_only;                   /* runs on the node holding the role */
	bool moves_role;                  /* takes the role off its target (the role's own step) */
	bool takes_out;                   /* moves its targets out of service */
	uint8_t to_state;                 /* index into the model's states */
	uint8_t restore_to;               /* what its failure step leaves the nodes in */
	uint32_t accepts;                 /* the states it accepts a node in, one bit each */
	uint32_t restore_accepts;         /* likewise for its failure step */
	bool clears_restart;              /* its baseline ends with a restart (or it is a restart) */
	bool may_leave_pending;           /* its content can leave Pending Restart and nothing clears it */
	/*
	 * A target that enters Pending Restart has succeeded on it: the plan's
	 * Pending Restart setting is "Continue Plan" (a baseline's `restart
	 * as-step`), and the step is not itself a restart, which waits.
	 */
	bool pending_succeeds;
};

struct eng_model;
struct eng_state;

/*
 * The model of one lowered plan, in `arena`.  The plan must outlive it.
 * Returns NULL (and sets *why) for a plan the engine cannot run: one with
 * no steps or more nodes or states than it counts.
 */
const struct eng_model *eng_model_new(struct arena *arena, const struct lw_plan *plan, const char **why);

const struct lw_plan *eng_model_plan(const struct eng_model *m);
uint32_t eng_step_count(const struct eng_model *m);
uint32_t eng_node_count(const struct eng_model *m);
/* Step `number` (from 1), or NULL. */
const struct eng_step *eng_step_at(const struct eng_model *m, uint32_t number);
/* The node's name, and a name's node (case-insensitive, as Windows names are), or ENG_NONE. */
const char *eng_node_name(const struct eng_model *m, uint32_t node);
uint32_t eng_node_find(const struct eng_model *m, const char *name);
/* The states of the node-state machine; a node's state is an index into them. */
size_t eng_node_state_count(const struct eng_model *m);
const struct eng_node_state_def *eng_node_state_def(const struct eng_model *m, size_t index);
/* The nodes a step (or its failure step) targets, in order; returns how many (at most eng_node_count). */
size_t eng_targets(const struct eng_model *m, const struct eng_state *s, uint32_t step, bool failure_step,
		   uint32_t *out);
/* Whether the quorum counts a witness's vote, which can go offline. */
bool eng_has_witness(const struct eng_model *m);
/* Votes needed for quorum, and the votes in the cluster. */
unsigned eng_votes_needed(const struct eng_model *m);
unsigned eng_votes_total(const struct eng_model *m);

/* ---- a run's state ---------------------------------------------------------------------- */

/* One node, where the run stands. */
struct eng_node {
	uint8_t state;       /* index into the model's states */
	uint8_t result;      /* enum eng_result, in the running step */
	bool lost;           /* went down or stopped reporting for good */
	bool pending;        /* in Pending Restart */
};

struct eng_state {
	const struct eng_model *model;
	int64_t clock;            /* seconds since the run started */
	int64_t step_started;     /* when the running step (or failure step) started */
	uint32_t step;            /* the running step, or the last one that ran; 0 before the first */
	bool in_failure_step;     /* the running step is `step`'s failure step */
	enum eng_stage stage;
	uint32_t failed_step;     /* the step whose failure decided the outcome; 0: none */
	uint32_t role_at;         /* the node the role runs on; ENG_NONE: no role, or on no node */
	uint32_t role_moves;      /* how often the role moved */
	bool witness_offline;
	bool faulted;             /* a fault outside the plan (lost node, offline witness) happened */
	bool stop_due;            /* a fault asks the plan to stop at the next step boundary */
	eng_invset broken;        /* the invariants the plan's own steps have broken so far */
	eng_invset broken_now;    /* those the last accepted event broke */
	uint32_t culprit;         /* the node the last broken invariant is about, or ENG_NONE */
	struct eng_node nodes[];  /* eng_node_count(model) of them, in patch order */
};

/* The size of a state of this model, for copies and hashing. */
size_t eng_state_size(const struct eng_model *m);
/* A state before anything happened: every node in the initial state, the role where the plan expects it. */
struct eng_state *eng_state_new(struct arena *arena, const struct eng_model *m);
void eng_state_init(struct eng_state *s, const struct eng_model *m);
/* A snapshot: dst must have eng_state_size() bytes. */
void eng_state_copy(struct eng_state *dst, const struct eng_state *src);
bool eng_state_equal(const struct eng_state *a, const struct eng_state *b);
uint64_t eng_state_hash(const struct eng_state *s);

/* The votes up now: the nodes in service and not lost, and the witness if it is online. */
unsigned eng_votes(const struct eng_state *s);
/* Whether the run is over (done, stopped, held, not started, aborted). */
bool eng_over(const struct eng_state *s);

/* ---- events in, answers out ------------------------------------------------------------- */

/*
 * Takes one event.  Refused (and nothing changed) unless the plan allows
 * it now; accepted, it moves the run on and sets s->broken_now to the
 * invariants it broke.
 */
enum eng_refusal eng_apply(struct eng_state *s, const struct eng_event *ev);

/*
 * What is allowed next: every event the engine would accept now, in a
 * fixed order (starts, then each target's results in node order, then
 * faults), `time` excluded.  Writes at most `cap`; returns how many there
 * are.
 */
size_t eng_allowed(const struct eng_state *s, struct eng_event *out, size_t cap);

/* What the plan's rules say must happen now. */
#define ENG_DUTIES(X)                                                                            \
	X(ENG_DUTY_PREFLIGHT, "preflight")       /* check the run-time facts, then step 1 */         \
	X(ENG_DUTY_START, "start")               /* start `step` (the next one) */                   \
	X(ENG_DUTY_WAIT, "wait")                 /* the step runs: wait for its targets, at most    \
						    until `deadline` */                              \
	X(ENG_DUTY_FAILURE_STEP, "failure-step") /* run `step`'s failure step on its targets now */   \
	X(ENG_DUTY_END, "end")                   /* the run is over: `stage` says how */

enum eng_duty_kind {
#define X(id, word) id,
	ENG_DUTIES(X)
#undef X
	ENG_DUTY_KINDS
};

struct eng_duty {
	enum eng_duty_kind kind;
	uint32_t step;            /* START, WAIT, FAILURE_STEP */
	bool failure_step;        /* WAIT: it is the failure step that runs */
	int64_t deadline;         /* WAIT: when the step's timeout runs out; -1: it has none */
	enum eng_stage then;      /* FAILURE_STEP: what follows it (stopped); END: how the run ended */
	enum lw_failure failure;  /* FAILURE_STEP, END after a failure: the behaviour that applied */
};

struct eng_duty eng_due(const struct eng_state *s);

/*
 * At the end of a run: the invariants its end breaks (nodes left out of
 * service without a hold, the window), added to s->broken.  A node left
 * out of service under a hold is not a violation; eng_held_node() names
 * each such node, and why.
 */
eng_invset eng_finish(struct eng_state *s);

/*
 * The worst case of what remains, in seconds from now, as check counts
 * the worst case: every step still to run (the running one to its
 * deadline) running to its timeout, and a failure that stops the plan
 * adding its failure step.  0 once the run is over.
 */
int64_t eng_worst_remaining(const struct eng_state *s);

/* Why a node is out of service at the end of a held run, or NULL if it is in service or lost. */
const char *eng_held_why(const struct eng_state *s, uint32_t node);

/* ---- words ------------------------------------------------------------------------------ */

const char *eng_event_word(enum eng_event_kind k);
/* The event a word names (the journal's), or false: the reverse of eng_event_word(). */
bool eng_event_kind_of(const char *word, enum eng_event_kind *out);
const char *eng_refusal_text(enum eng_refusal r);
const char *eng_stage_word(enum eng_stage st);
const char *eng_result_word(enum eng_result r);
const char *eng_invariant_word(enum eng_invariant inv);
const char *eng_invariant_text(enum eng_invariant inv);
const char *eng_duty_word(enum eng_duty_kind k);

#endif
