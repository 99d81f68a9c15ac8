/*
 * dot.h - `bfplan graph`: the execution model as a Graphviz DOT graph.
 *
 * One digraph for the program; per plan a cluster holding the pre-flight
 * checks, then one cluster per phase (the nodes that run together, the
 * role holder marked) with its steps in order, each step labelled with
 * what it runs (Fixlet IDs, or the Baseline's components) and its timeout.
 * Solid edges are the waits of the Automation Plan ("after"); dashed red
 * edges lead from a step to the failure step that brings its nodes back,
 * dotted ones to the hold that leaves them for a person.  docs/graph.md
 * shows one rendered.
 *
 * Every label is escaped for a DOT string; node ids are generated, never
 * taken from the plan.
 */
#ifndef BFPLAN_EMIT_DOT_H
#define BFPLAN_EMIT_DOT_H

#include "base/textbuf.h"
#include "lower/lower.h"

void emit_dot(struct arena *arena, const struct lw_program *program, struct textbuf *out);

#endif
