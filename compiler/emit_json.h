/*
 * emit_json.h - plan.json: the lowered plans as data.
 *
 * For tools and for the runtime (`bfplan run` reads it back): every plan
 * with its cluster, prerequisites, checks, phases, the per-node steps with
 * their exact Fixlet references, and the Automation Plan to build in the
 * Server Automation editor.  Keys come in a fixed order and the text is
 * indented, so the same input gives the same bytes.  docs/output.md
 * documents every field; "format_version" changes when a field changes
 * meaning or goes away.
 */
#ifndef BFPLAN_EMIT_JSON_H
#define BFPLAN_EMIT_JSON_H

#include <stdbool.h>

#include "diag.h"
#include "emit.h"
#include "lower.h"
#include "textbuf.h"

enum { EMIT_JSON_FORMAT_VERSION = 1 };

/*
 * plan.json is written a plan at a time, so a build of thousands of plans
 * never holds the whole document: begin() writes the envelope up to the
 * "plans" array, plan() one element (index counts from 0), end() the rest.
 * The bytes are exactly what jansson would write for the whole document
 * with JSON_INDENT(2).  Each returns false (after reporting BFP406) only if
 * jansson runs out of memory.
 */
bool emit_json_begin(struct arena *arena, const struct lw_program *program, const struct emit_options *opts,
		     struct diag_sink *diags, struct textbuf *out);
bool emit_json_plan(struct arena *arena, const struct lw_plan *plan, const struct emit_options *opts,
		    size_t index, struct diag_sink *diags, struct textbuf *out);
void emit_json_end(const struct lw_program *program, struct textbuf *out);

/* All three in one call. */
bool emit_json_program(struct arena *arena, const struct lw_program *program,
		       const struct emit_options *opts, struct diag_sink *diags, struct textbuf *out);

#endif
