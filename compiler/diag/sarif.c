/*
 * sarif.c - diagnostics as a SARIF 2.1.0 log (see diag_sarif.h).
 */
#include "diag/sarif.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/textbuf.h"
#include "base/version.h"
#include "diag/explain.h"
#include "diag/form.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SRCROOT "%SRCROOT%"

struct diag_sarif {
	json_t *results;
	bool used[DIAG_CODE_COUNT]; /* the codes that get a rule */
	unsigned not_shown;
};

/* The sink escaped the text when it was recorded. */
static json_t *message(const char *text)
{
	return json_pack("{s:s}", "text", text);
}

const char *diag_sarif_uri(struct arena *a, const char *path)
{
	struct textbuf b;
	textbuf_init(&b, a);
	if (path[0] == '/')
		textbuf_puts(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    strchr("-._~/", *p);
		if (keep)
			textbuf_putc(&b, (char)*p);
		else
			textbuf_printf(&b, "%%%02X", *p);
	}
	return b.data;
}

/*
 * An absolute path under the directory bfplan runs in is written relative
 * to it (%SRCROOT%): code scanning maps only such URIs to the repository's
 * files, and a CI job that passes absolute paths would otherwise lose them.
 */
static const char *under_srcroot(struct arena *a, const char *path)
{
	char cwd[4096];
	if (path[0] != '/' || !getcwd(cwd, sizeof cwd))
		return path;
	size_t n = strlen(cwd);
	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
		return arena_strdup(a, path + n + 1);
	return path;
}

static json_t *artifact_location(struct arena *a, const char *path)
{
	path = under_srcroot(a, path);
	json_t *artifact = json_pack("{s:s}", "uri", diag_sarif_uri(a, path));
	if (artifact && path[0] != '/')
		json_object_set_new(artifact, "uriBaseId", json_string(SRCROOT));
	return artifact;
}

static json_t *physical_location(struct arena *a, const struct diag_place *p)
{
	return json_pack("{s:o, s:{s:I, s:I, s:I, s:I}}", "artifactLocation", artifact_location(a, p->path),
			 "region",
			 "startLine", (json_int_t)p->line,
			 "startColumn", (json_int_t)p->char_column,
			 "endLine", (json_int_t)p->end_line,
			 "endColumn", (json_int_t)p->char_end_column);
}

/*
 * Code scanning refuses a whole upload for one result without a location
 * (codeql-action #2459), so every result has one: its place; or, for a
 * diagnostic about a file it could not read line by line (unreadable,
 * UTF-16), that file; or, for one about the command line or the
 * environment, the file that was being compiled.  NULL only when no file
 * was named at all.
 */
static json_t *location(struct diag_sink *sink, const struct diag *d)
{
	struct diag_place p;
	if (diag_place_of(sink->sm, d->span, &p))
		return physical_location(sink->arena, &p);
	const char *path = d->about;
	const struct src_file *first = src_file(sink->sm, 0);
	if (!path && first)
		path = first->path;
	if (!path || strcmp(path, "-") == 0)
		return NULL;
	return json_pack("{s:o}", "artifactLocation", artifact_location(sink->arena, path));
}

static json_t *related_locations(struct diag_sink *sink, const struct diag *d)
{
	json_t *list = json_array();
	struct ptrvec notes = {0};
	diag_related(sink, d, &notes);
	for (size_t i = 0; i < notes.len; i++) {
		const struct diag_note *n = notes.items[i];
		json_t *loc = json_pack("{s:I, s:o}", "id", (json_int_t)i + 1, "message",
					message(n->message));
		struct diag_place p;
		if (loc && diag_place_of(sink->sm, n->span, &p))
			json_object_set_new(loc, "physicalLocation", physical_location(sink->arena, &p));
		json_array_append_new(list, loc);
	}
	return list;
}

/* The region of a span, in the run's columnKind (code points); NULL for a span in no file. */
static json_t *region(struct diag_sink *sink, struct src_span span, const char **path)
{
	struct diag_place p;
	if (!diag_place_of(sink->sm, span, &p))
		return NULL;
	*path = p.path;
	return json_pack("{s:I, s:I, s:I, s:I}", "startLine", (json_int_t)p.line, "startColumn",
			 (json_int_t)p.char_column, "endLine", (json_int_t)p.end_line, "endColumn",
			 (json_int_t)p.char_end_column);
}

/* A suppressed result says what allowed it and why (SARIF 3.35): a reviewer sees what was let through. */
static json_t *suppressions(struct diag_sink *sink, const struct diag *d)
{
	const struct diag_allow *a = d->suppressed;
	bool in_source = a->kind == DIAG_ALLOW_IN_SOURCE;
	json_t *one = json_pack("{s:s, s:s, s:s}", "kind", in_source ? "inSource" : "external", "status",
				"accepted", "justification", a->reason);
	struct diag_place p;
	if (one && in_source && diag_place_of(sink->sm, a->directive, &p))
		json_object_set_new(one, "location", json_pack("{s:o}", "physicalLocation",
							       physical_location(sink->arena, &p)));
	return json_pack("[o]", one);
}

/* The fix as one artifact change: its edits as replacements (SARIF 3.55). */
static json_t *fixes(struct diag_sink *sink, const struct diag *d)
{
	json_t *replacements = json_array();
	const char *path = NULL;
	for (size_t i = 0; i < d->fix->edits.len; i++) {
		const struct diag_edit *e = d->fix->edits.items[i];
		json_t *deleted = region(sink, e->span, &path);
		if (deleted)
			json_array_append_new(replacements, json_pack("{s:o, s:{s:s}}", "deletedRegion", deleted,
								      "insertedContent", "text", e->text));
	}
	if (!path) {
		json_decref(replacements);
		return NULL;
	}
	return json_pack("[{s:{s:s}, s:[{s:o, s:o}]}]", "description", "text", d->fix->description,
			 "artifactChanges", "artifactLocation", artifact_location(sink->arena, path),
			 "replacements", replacements);
}

static json_t *result(struct diag_sink *sink, const struct diag *d)
{
	struct arena *a = sink->arena;
	const char *text = d->message;
	if (d->help)
		text = arena_printf(a, "%s\nhelp: %s", text, d->help);
	json_t *r = json_pack("{s:s, s:s, s:{s:s}}", "ruleId", diag_code_string(d->code), "level",
			      diag_severity_word(d->severity), "message", "text", text);
	json_t *where = location(sink, d);
	if (r && where)
		json_object_set_new(r, "locations", json_pack("[{s:o}]", "physicalLocation", where));
	json_t *related = related_locations(sink, d);
	if (json_array_size(related))
		json_object_set_new(r, "relatedLocations", related);
	else
		json_decref(related);
	json_t *fix = d->fix ? fixes(sink, d) : NULL;
	if (r && fix)
		json_object_set_new(r, "fixes", fix);
	if (r && d->suppressed)
		json_object_set_new(r, "suppressions", suppressions(sink, d));
	return r;
}

struct diag_sarif *diag_sarif_new(void)
{
	struct diag_sarif *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->results = json_array();
	if (!s->results) {
		free(s);
		return NULL;
	}
	return s;
}

static bool add_one(void *ctx, struct diag_sink *sink, const struct diag *d)
{
	struct diag_sarif *s = ctx;
	s->used[d->code] = true;
	json_t *r = result(sink, d);
	return r && json_array_append_new(s->results, r) == 0;
}

bool diag_sarif_add(struct diag_sarif *s, struct diag_sink *sink)
{
	bool ok = diag_each(sink, add_one, s);
	s->not_shown += sink->dropped;
	return ok;
}

/* Text from docs/diagnostics.md: compiled in and free of control characters. */
static json_t *rule(enum diag_code code)
{
	const char *id = diag_code_string(code);
	const char *section = explain_text(id);
	const char *description = explain_description(id);
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s}}",
			 "id", id,
			 "name", diag_code_name(code),
			 "shortDescription", "text", diag_code_summary(code),
			 "fullDescription", "text", description ? description : diag_code_summary(code),
			 "help", "text", section ? section : diag_code_summary(code),
			 "markdown", section ? section : diag_code_summary(code),
			 "defaultConfiguration", "level", diag_severity_word(diag_code_severity(code)));
}

static int compare_codes(const void *a, const void *b)
{
	return strcmp(diag_code_string(*(const enum diag_code *)a), diag_code_string(*(const enum diag_code *)b));
}

/* The rules in code order, and each result's ruleIndex into them. */
static json_t *rules(struct diag_sarif *s)
{
	enum diag_code order[DIAG_CODE_COUNT];
	size_t n = 0;
	for (int c = 0; c < DIAG_CODE_COUNT; c++)
		if (s->used[c])
			order[n++] = (enum diag_code)c;
	qsort(order, n, sizeof order[0], compare_codes);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, rule(order[i]));
	size_t i;
	json_t *r;
	json_array_foreach(s->results, i, r) {
		const char *id = json_string_value(json_object_get(r, "ruleId"));
		for (size_t k = 0; id && k < n; k++)
			if (strcmp(id, diag_code_string(order[k])) == 0)
				json_object_set_new(r, "ruleIndex", json_integer((json_int_t)k));
	}
	return list;
}

static json_t *invocation(struct diag_sarif *s)
{
	json_t *inv = json_pack("{s:b}", "executionSuccessful", 1);
	if (inv && s->not_shown) {
		struct arena a;
		arena_init(&a);
		const char *text = arena_printf(&a, "%u more diagnostic%s not shown (the first %d are reported)",
						s->not_shown, s->not_shown == 1 ? "" : "s", DIAG_MAX_SHOWN);
		json_object_set_new(inv, "toolExecutionNotifications",
				    json_pack("[{s:{s:s}, s:s}]", "message", "text", text, "level", "warning"));
		arena_free(&a);
	}
	return inv;
}

bool diag_sarif_write(struct diag_sarif *s, FILE *out)
{
	json_t *driver = json_pack("{s:s, s:s, s:s, s:o}", "name", "bfplan", "semanticVersion",
				   BFPLAN_VERSION, "version", BFPLAN_VERSION, "rules", rules(s));
	json_t *run = json_pack("{s:{s:o}, s:[o], s:{s:{s:{s:s}}}, s:s, s:o}",
				"tool", "driver", driver,
				"invocations", invocation(s),
				"originalUriBaseIds", SRCROOT, "description", "text",
				"the directory bfplan was run in",
				"columnKind", "unicodeCodePoints",
				"results", s->results);
	json_t *log = json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
	bool ok = log && json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
		  fputc('\n', out) != EOF;
	json_decref(log);
	free(s);
	return ok;
}
