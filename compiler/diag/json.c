/*
 * json.c - diagnostics as one JSON document (see diag_json.h).
 */
#include "diag/json.h"

#include <jansson.h>
#include <stdlib.h>

#include "base/escape.h"
#include "base/version.h"
#include "diag/form.h"

struct diag_json {
	json_t *doc;
	json_t *diagnostics;
	unsigned errors, warnings, suppressed, not_shown;
};

/* The sink escaped every text when it was recorded, so it is valid UTF-8 and json_string() takes it. */
static json_t *text(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *location(struct diag_sink *sink, struct src_span span)
{
	struct diag_place p;
	if (!diag_place_of(sink->sm, span, &p))
		return json_null();
	return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "file", text(esc_terminal(sink->arena, p.path)), /* a path is escaped here, as it is written */
			 "line", (json_int_t)p.line,
			 "column", (json_int_t)p.column,
			 "end_line", (json_int_t)p.end_line,
			 "end_column", (json_int_t)p.end_column,
			 "char_column", (json_int_t)p.char_column,
			 "char_end_column", (json_int_t)p.char_end_column);
}

static json_t *notes(struct diag_sink *sink, const struct diag *d)
{
	json_t *list = json_array();
	struct ptrvec related = {0};
	diag_related(sink, d, &related);
	for (size_t i = 0; i < related.len; i++) {
		const struct diag_note *n = related.items[i];
		json_array_append_new(list, json_pack("{s:o, s:o}", "message", text(n->message),
						      "location", location(sink, n->span)));
	}
	return list;
}

/* What allowed a suppressed diagnostic, and why; null for one that is reported. */
static json_t *suppression(struct diag_sink *sink, const struct diag *d)
{
	const struct diag_allow *a = d->suppressed;
	if (!a)
		return json_null();
	bool in_source = a->kind == DIAG_ALLOW_IN_SOURCE;
	return json_pack("{s:s, s:o, s:o}", "kind", in_source ? "in-source" : "external",
			 "reason", text(a->reason), /* escaped when the allowance was made */
			 "location", in_source ? location(sink, a->directive) : json_null());
}

/* The edits that remove the diagnostic, each a location and the text that replaces it; null if none. */
static json_t *fix(struct diag_sink *sink, const struct diag *d)
{
	if (!d->fix)
		return json_null();
	json_t *edits = json_array();
	for (size_t i = 0; i < d->fix->edits.len; i++) {
		const struct diag_edit *e = d->fix->edits.items[i];
		json_array_append_new(edits, json_pack("{s:o, s:o}", "location", location(sink, e->span),
						       "text", text(e->text)));
	}
	return json_pack("{s:o, s:o}", "description", text(d->fix->description), "edits", edits);
}

static json_t *diagnostic(struct diag_sink *sink, const struct diag *d)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "code", diag_code_string(d->code),
			 "name", diag_code_name(d->code),
			 "severity", diag_severity_word(d->severity),
			 "message", text(d->message),
			 "location", location(sink, d->span),
			 "notes", notes(sink, d),
			 "help", text(d->help),
			 "fix", fix(sink, d),
			 "suppression", suppression(sink, d));
}

struct diag_json *diag_json_new(void)
{
	struct diag_json *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->diagnostics = json_array();
	j->doc = json_pack("{s:s, s:i, s:{s:s, s:s}}", "format", "bfplan-diagnostics",
			   "version", DIAG_JSON_VERSION, "tool", "name", "bfplan", "version", BFPLAN_VERSION);
	if (!j->doc || !j->diagnostics) {
		json_decref(j->doc);
		json_decref(j->diagnostics);
		free(j);
		return NULL;
	}
	return j;
}

static bool add_one(void *ctx, struct diag_sink *sink, const struct diag *d)
{
	struct diag_json *j = ctx;
	json_t *one = diagnostic(sink, d);
	return one && json_array_append_new(j->diagnostics, one) == 0;
}

bool diag_json_add(struct diag_json *j, struct diag_sink *sink)
{
	bool ok = diag_each(sink, add_one, j);
	j->errors += sink->errors;
	j->warnings += sink->warnings;
	j->suppressed += sink->suppressed;
	j->not_shown += sink->dropped;
	return ok;
}

bool diag_json_write(struct diag_json *j, FILE *out)
{
	json_t *doc = j->doc;
	bool ok = json_object_set_new(doc, "diagnostics", j->diagnostics) == 0 &&
		  json_object_set_new(doc, "errors", json_integer(j->errors)) == 0 &&
		  json_object_set_new(doc, "warnings", json_integer(j->warnings)) == 0 &&
		  json_object_set_new(doc, "suppressed", json_integer(j->suppressed)) == 0 &&
		  json_object_set_new(doc, "not_shown", json_integer(j->not_shown)) == 0 &&
		  json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF;
	json_decref(doc);
	free(j);
	return ok;
}
