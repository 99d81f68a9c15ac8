/*
 * emit_json.h - plan.json: the lowered plans as data.
 *
 * For tools and for the runtime (`bfplan run` reads it back): every plan
 * with its cluster, prerequisites, checks, phases, Baselines, and the
 * Automation Plan to build in the Server Automation editor: its steps with
 * their exact Fixlet references, targets, the steps each one waits for,
 * timeouts and failure behaviour, and the stdlib's advice filled in.  Keys come in a fixed order and the text is
 * indented, so the same input gives the same bytes.  docs/output.md
 * documents every field; "format_version" changes when a field changes
 * meaning or goes away.
 */
#ifndef BFPLAN_EMIT_JSON_H
#define BFPLAN_EMIT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "lower.h"
#include "textbuf.h"

enum { EMIT_JSON_FORMAT_VERSION = 2 };

/* How the build was made, as the envelope records it. */
struct json_build {
	const char *component_form;    /* "reference" or "full" */
	const char *bes_line_ends;     /* "crlf" or "lf" */
	bool has_epoch;
	int64_t epoch;                 /* SOURCE_DATE_EPOCH */
};

/*
 * plan.json is written a plan at a time, so a build of thousands of plans
 * never holds the whole document: begin() writes the envelope up to the
 * "plans" array, plan() one element (index counts from 0), end() the rest.
 * The bytes are exactly what jansson would write for the whole document
 * with JSON_INDENT(2).  Each returns false (after reporting BFP406) only if
 * jansson runs out of memory.
 */
bool emit_json_begin(struct arena *arena, const struct lw_program *program, const struct json_build *build_info,
		     struct diag_sink *diags, struct textbuf *out);
bool emit_json_plan(struct arena *arena, const struct lw_plan *plan, size_t index, struct diag_sink *diags,
		    struct textbuf *out);
void emit_json_end(const struct lw_program *program, struct textbuf *out);

/* All three in one call. */
bool emit_json_program(struct arena *arena, const struct lw_program *program,
		       const struct json_build *build_info, struct diag_sink *diags, struct textbuf *out);

#endif
