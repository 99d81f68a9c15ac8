/*
 * sentences.c - what more than one output says about a plan (see sentences.h).
 */
#include "lower/sentences.h"

const char *lw_quorum_rule(struct arena *arena, const struct lw_plan *plan)
{
	const struct lw_quorum *q = &plan->quorum;
	switch (q->model) {
	case LW_QUORUM_NODE_MAJORITY:
		return arena_printf(arena, "each node has a vote, and more than half of the %u votes must stay up; "
				    "with %u down, %u stay", q->votes, plan->max_down, q->votes_kept);
	case LW_QUORUM_NODE_AND_WITNESS:
		return arena_printf(arena, "each node and the witness (disk or file share) have a vote, and more "
				    "than half of the %u votes must stay up; with %u node%s down, %u stay", q->votes,
				    plan->max_down, plan->max_down == 1 ? "" : "s", q->votes_kept);
	case LW_QUORUM_DISK_ONLY:
		return "the quorum disk alone decides, so the cluster stays up while one node does";
	}
	return "";
}
