/*
 * sentences.h - what more than one output says about a plan, worded once.
 *
 * The checklist, the proofs in plan.json and the review material state
 * some facts in words; each such sentence is made here, from the lowered
 * plan, so that two outputs cannot word one fact two ways.
 */
#ifndef BFPLAN_SENTENCES_H
#define BFPLAN_SENTENCES_H

#include "base/arena.h"
#include "lower/lower.h"

/*
 * The vote rule of the plan's quorum model with its numbers, as one
 * clause without a final stop: "each node has a vote, and more than half
 * of the 3 votes must stay up; with 1 down, 2 stay".
 */
const char *lw_quorum_rule(struct arena *arena, const struct lw_plan *plan);

#endif
