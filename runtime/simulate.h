/*
 * simulate.h - every run of a plan under up to N faults, through the engine.
 *
 * The simulator drives the engine (engine.h) the way a change window can
 * go: each step's targets succeed, or, at the cost of one fault each, a
 * step fails or runs to its timeout on one target, the failure step fails,
 * a node stays in Pending Restart past its step's timeout, a node is lost
 * between two steps, the role runs on another node when the window
 * starts, or the witness goes offline.  Time is the worst case: every
 * step runs to its timeout.  It explores breadth first, so the first run
 * found to break an invariant is a shortest one (fewest events), and
 * merges identical states with the same faults left.  The targets of one
 * step report in node order: the other orders reach the same states.
 *
 * It reads only the engine, does no I/O, and writes its report into a
 * textbuf, as text or JSON (docs/simulate.schema.json).
 */
#ifndef BFPLAN_SIMULATE_H
#define BFPLAN_SIMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/engine.h"
#include "base/textbuf.h"

struct sim_options {
	unsigned faults;          /* at most this many faults on one run */
	size_t max_states;        /* give up past this many distinct states; 0: the default */
};

/* One event of a counterexample, with the state after it. */
struct sim_move {
	struct eng_event event;
	int64_t at;               /* the clock when it happened */
	bool fault;               /* one of the faults the simulator injects */
	const struct eng_state *after;
};

/* A run, from the start to where it broke an invariant (or to its end). */
struct sim_trace {
	struct sim_move *moves;
	size_t len;
	unsigned faults;
	bool ends;                /* the invariant broke at the run's end (after the last move) */
	uint32_t culprit;         /* the node it is about, or ENG_NONE */
};

/* A node left out of service where the plan holds, and why: one example run per case. */
struct sim_held {
	uint32_t node;
	uint32_t step;            /* the step whose failure held it */
	bool failure_step;        /* its failure step failed */
	const char *why;
};

struct sim_result {
	const struct eng_model *model;
	unsigned faults;
	uint64_t paths;           /* runs explored to their end (saturates at UINT64_MAX) */
	size_t states;            /* distinct states */
	size_t end_states;        /* distinct states where a run ended */
	size_t stage_ends[ENG_STAGE_KINDS]; /* end states by how the run ended */
	bool gave_up;             /* more states than max_states: nothing is proven */
	eng_invset violated;
	struct sim_trace counterexample[ENG_INVARIANT_KINDS]; /* for each violated invariant */
	struct sim_held *held;
	size_t held_len;
};

/* Explores; everything the result holds lives in `arena`. */
void sim_explore(struct arena *arena, const struct eng_model *model, const struct sim_options *opts,
		 struct sim_result *out);

/*
 * One run with one given fault, for comparing a real run that met that
 * fault (the BigFix driver against its stand-in server) with what the
 * engine predicts: every target succeeds, except that the fault happens
 * at its place.  Written KIND[@STEP][:NODE]: KIND a word of the fault
 * list (step-fails, step-times-out, failure-step-fails, pending-restart,
 * node-lost, role-elsewhere, witness-offline), STEP the recipe number of
 * the step it happens in (for node-lost and witness-offline, the step it
 * happens before), NODE the target it happens on (for role-elsewhere,
 * where the role runs); either left out matches the first place the run
 * offers.
 */
struct sim_fault_spec {
	int kind;                 /* enum sim_fault (simulate.c) */
	uint32_t step;            /* 0: any */
	uint32_t node;            /* ENG_NONE: any */
	const char *text;         /* as written */
};

/* The fault `text` names in the plan's model; false and *why (a sentence) when it names none. */
bool sim_fault_parse(struct arena *arena, const struct eng_model *model, const char *text, struct sim_fault_spec *out,
		     const char **why);

struct sim_run {
	const struct eng_model *model;
	const struct sim_fault_spec *fault;
	bool applied;             /* the fault found its place on the run */
	struct eng_event happened; /* the fault where it happened, when applied */
	const struct eng_state *end;
	size_t events;
};

void sim_run_fault(struct arena *arena, const struct eng_model *model, const struct sim_fault_spec *fault,
		   struct sim_run *out);
/* The run's end: its stage and every node's state ("lost", "pending-restart" or the state), in words or JSON. */
void sim_write_run_text(struct textbuf *b, const struct sim_run *r);
void sim_write_run_json(struct textbuf *b, const struct sim_run *r);

/* The report, in words or as JSON (one object per plan; the caller writes the array around them). */
void sim_write_text(struct textbuf *b, const struct sim_result *r);
void sim_write_json(struct textbuf *b, const struct sim_result *r);

#endif
