/*
 * check.h - the rules a plan must keep, proven before the change window.
 *
 * The checker takes the resolved world and, for each plan, proves what can
 * be proven from the plan alone: every prerequisite a step needs is
 * required; each step has exactly one Fixlet for the cluster's OS; the
 * per-node sequence is accepted by the node-state machine the stdlib
 * declares, with a way back to service when a step fails; no baseline
 * leaves a node waiting in Pending Restart; the order moves the clustered
 * role once; max-down keeps a quorum; every wait is bounded and the worst
 * case fits the maintenance window.  What only an endpoint knows (which
 * node is active, whether a prerequisite is installed) it hands on as
 * pre-flight checks.
 *
 * Its findings, struct plan_facts, are what the lowering builds from, so
 * nothing is decided twice.
 */
#ifndef BFPLAN_CHECK_H
#define BFPLAN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "sema/resolve.h"

/*
 * One step of the schedule: one item of `each node`, run on every node of
 * one phase at once.  The schedule is the Automation Plan recipe before it
 * is laid out (docs/execution.md), and the window proof is computed from
 * it, so the proof and the recipe cannot disagree.  The schedule is one
 * chain: each step waits for the one before it.  What a step shares with
 * every other step of its item (timeout, failure behaviour) is kept per
 * item in struct plan_facts, so that a plan of many phases keeps little
 * per step.
 */
struct sched_step {
	uint32_t phase;                 /* 1-based */
	uint32_t item;                  /* index into the plan's sequence */
	int64_t start;                  /* seconds from the start of the plan, worst case */
	const struct step_ent *restore; /* the step that brings the nodes back if this one fails, or NULL */
};

/* What the checker settled about one plan. */
struct plan_facts {
	struct plan_ent *plan;
	bool ok;                       /* no error in this plan: it may be lowered */
	struct node_ent **order;       /* the cluster's nodes in patch order */
	size_t node_count;
	unsigned *phase;               /* per position in `order`: 1-based phase (nodes down together) */
	unsigned phase_count;
	struct node_ent *role_holder;  /* expected active node; NULL without a role */
	struct fixlet_ent **variant;   /* per sequence item: the Fixlet for the OS; NULL for a baseline */
	int64_t *timeout;              /* per sequence item, seconds */
	enum lw_failure *failure;      /* per sequence item: what a failure of it leads to
					  (LW_FAILURE_CONTINUE: `optional`, and the step allows it) */
	struct ptrvec needed;          /* struct prereq_ent *, what the plan needs, dependencies first */
	size_t schedule_len;           /* the recipe's steps (check_schedule() lays them out) */
	int64_t worst_case;            /* seconds: the critical path of the schedule */
	struct lw_quorum quorum;       /* the rule the availability proof applied */
};

struct checked_program {
	struct ptrvec plans;           /* struct plan_facts *, in declaration order */
};

void check_program(struct arena *arena, struct diag_sink *diags, struct world *world,
		   struct checked_program *out);

/* The Fixlet among a step's `run` variants that applies to `os`, or NULL. Also counts the matches. */
struct fixlet_ent *check_variant_for(const struct step_ent *step, const struct os_ent *os, size_t *matches);

/*
 * The recipe's steps of `facts`' plan, in order (facts->schedule_len of
 * them), made in `arena`: for the lowering, which keeps them as long as
 * the plan; the checker keeps none.  Only for a plan given phases.
 */
const struct sched_step *check_schedule(struct arena *arena, const struct plan_facts *facts);

/* A step's timeout in `facts`' plan: the plan's own for it, else the step's. */
int64_t check_step_timeout(const struct plan_facts *facts, const struct step_ent *step);

/* The plan's `require` line for a prerequisite; a span in no file when another prerequisite needs it. */
struct src_span check_require_span(const struct plan_ent *plan, const struct prereq_ent *pr);

/* The Fixlet a `restart` component stands for on `os`, or NULL. */
struct fixlet_ent *check_restart_fixlet(const struct component_ent *c, const struct os_ent *os);

#endif
