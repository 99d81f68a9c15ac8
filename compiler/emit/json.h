/*
 * json.h - plan.json: the lowered plans as data.
 *
 * For tools and for the runtime: every plan with its cluster,
 * prerequisites, checks, phases, Baselines, and the Automation Plan to
 * build in the Server Automation editor: its steps with their exact Fixlet
 * references, targets, the steps each one waits for, timeouts and failure
 * behaviour, and the stdlib's advice filled in.
 *
 * The document is normalised: what many plans share is written once, in
 * tables after the plans, and referred to by its index there: the sites,
 * the Fixlets and Tasks, the catalog's unconfirmed facts (marks), and the
 * texts plans take unchanged from declarations (titles, detection
 * relevance).  Text made for one plan (advice filled in for a node, a
 * check's description) is written where it is used.  Keys come in a fixed
 * order; the file is compact unless indentation is asked for, so the same
 * input gives the same bytes.  docs/output.md documents every field;
 * "format_version" changes when a field changes meaning or goes away.
 */
#ifndef BFPLAN_EMIT_JSON_H
#define BFPLAN_EMIT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "base/textbuf.h"
#include "lower/lower.h"

enum { EMIT_JSON_FORMAT_VERSION = 4 };

/* How the build was made, as the envelope records it. */
struct json_build {
	const char *component_form;    /* "reference" or "full" */
	const char *bes_line_ends;     /* "crlf" or "lf" */
	bool has_epoch;
	int64_t epoch;                 /* SOURCE_DATE_EPOCH */
	const char *const *outputs;    /* what the build writes: "bes", "checklist", "json" */
	size_t output_count;
	bool indent;                   /* two spaces per level, as jansson's JSON_INDENT(2); else compact */
};

/*
 * plan.json is written a plan at a time, so a build of thousands of plans
 * never holds the whole document: begin() writes the envelope up to the
 * "plans" array, plan() one element (its own memory in `plan_arena`,
 * which the caller frees after it), end() the tables and the rest.  The
 * tables are gathered in `arena` as the plans use them: they grow with the
 * catalog, not with the number of plans.  The bytes are exactly what
 * jansson writes for the whole document with JSON_COMPACT, or with
 * JSON_INDENT(2) when build_info->indent is set.
 */
struct emit_json;
struct emit_json *emit_json_begin(struct arena *arena, const struct lw_program *program,
				  const struct json_build *build_info, struct textbuf *out);
void emit_json_plan(struct emit_json *j, struct arena *plan_arena, const struct lw_plan *plan);
void emit_json_end(struct emit_json *j);

#endif
