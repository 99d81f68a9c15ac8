/*
 * features.c - the answers about a document's content (see server.h):
 * diagnostics, navigation, symbols, formatting and code actions; hover.c
 * and complete.c hold the other two.
 *
 * Every answer is read from an analysis: the diagnostics its check
 * collected, the resolver's index of declarations and bound names, the
 * checker's facts per plan.  Nothing here walks the syntax tree.
 */
#include "lsp/server.h"

#include <string.h>
#include <unistd.h>

#include "base/textdiff.h"
#include "fmt/fmt.h"

/* ---- places ------------------------------------------------------------------------------- */

json_t *feature_range(struct analysis *a, struct src_span span)
{
	struct text_pos start = {0, 0}, end = {0, 0};
	const struct text_lines *l = span.file == SRC_NO_FILE ? NULL : analysis_lines(a, span.file);
	if (l) {
		start = text_position(l, span.begin);
		end = text_position(l, span.end);
	}
	return json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", (json_int_t)start.line, "character",
			 (json_int_t)start.character, "end", "line", (json_int_t)end.line, "character",
			 (json_int_t)end.character);
}

const char *feature_uri(struct analysis *a, struct arena *scratch, uint32_t file)
{
	if (file == a->root)
		return a->uri;
	const char *path = a->real[file];
	if (path[0] != '/') {
		char cwd[4096];
		path = arena_printf(scratch, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : "", path);
	}
	return text_path_uri(scratch, path);
}

json_t *feature_location(struct analysis *a, struct arena *scratch, struct src_span span)
{
	json_t *loc = json_object();
	json_object_set_new(loc, "uri", text_json_str(feature_uri(a, scratch, span.file)));
	json_object_set_new(loc, "range", feature_range(a, span));
	return loc;
}

/* ---- diagnostics -------------------------------------------------------------------------- */

/*
 * Where the root file shows a diagnostic of another file: at the `use`
 * that brought that file in (through the chain of uses), as a compiler
 * shows "In file included from".  A span in no file when there is none.
 */
static struct src_span shown_at(const struct analysis *a, struct src_span span)
{
	for (unsigned depth = 0; span.file != SRC_NO_FILE && span.file != a->root && depth <= LOAD_MAX_IMPORT_DEPTH;
	     depth++)
		span = src_file(&a->sm, span.file)->import;
	return span.file == a->root ? span : (struct src_span){SRC_NO_FILE, 0, 0};
}

static json_t *diagnostic_json(struct analysis *a, struct arena *scratch, const struct diag *d)
{
	static const int severity[] = {[DIAG_ERROR] = 1, [DIAG_WARNING] = 2, [DIAG_NOTE] = 3};
	struct src_span at = shown_at(a, d->span);
	const char *message = d->message;
	if (d->span.file != SRC_NO_FILE && d->span.file != a->root) {
		struct src_pos p = src_position(&a->sm, d->span.file, d->span.begin);
		message = arena_printf(scratch, "%s:%u:%u: %s", src_file(&a->sm, d->span.file)->path, p.line, p.column,
				       message);
	}
	if (d->help)
		message = arena_printf(scratch, "%s\nhelp: %s", message, d->help);
	json_t *j = json_object();
	json_object_set_new(j, "range", feature_range(a, at));
	json_object_set_new(j, "severity", json_integer(severity[d->severity]));
	json_object_set_new(j, "code", json_string(diag_code_string(d->code)));
	json_object_set_new(j, "source", json_string("bfplan"));
	json_object_set_new(j, "message", text_json_str(message));
	struct ptrvec notes = {0};
	if (d->span.file != SRC_NO_FILE && d->span.file != a->root) {
		struct diag_note *here = arena_alloc(scratch, sizeof *here);
		*here = (struct diag_note){d->span, "the problem is here"};
		ptrvec_push(scratch, &notes, here);
	}
	diag_related((struct diag_sink *)&a->diags, d, &notes);
	json_t *related = json_array();
	for (size_t i = 0; i < notes.len; i++) {
		const struct diag_note *n = notes.items[i];
		if (n->span.file == SRC_NO_FILE)
			continue;
		json_array_append_new(related, json_pack("{s:o,s:o}", "location", feature_location(a, scratch, n->span),
							 "message", text_json_str(n->message)));
	}
	if (json_array_size(related))
		json_object_set_new(j, "relatedInformation", related);
	else
		json_decref(related);
	return j;
}

/* Calls `fn` for each diagnostic of the last check as the text form shows them: sorted, repeats once. */
static void each_diagnostic(struct analysis *a, void (*fn)(void *ctx, const struct diag *d), void *ctx)
{
	diag_sort(&a->diags);
	const struct diag *prev = NULL;
	for (size_t i = 0; i < a->diags.diags.len; i++) {
		const struct diag *d = a->diags.diags.items[i];
		if (d->suppressed || (prev && diag_repeats(prev, d)))
			continue; /* allowed where it stands (`# bfplan: allow`), or said already */
		prev = d;
		fn(ctx, d);
	}
}

struct diag_list {
	struct analysis *a;
	struct arena *scratch;
	json_t *out;
};

static void add_diagnostic(void *ctx, const struct diag *d)
{
	struct diag_list *l = ctx;
	json_array_append_new(l->out, diagnostic_json(l->a, l->scratch, d));
}

json_t *feature_diagnostics(struct doc *doc, struct arena *scratch)
{
	struct diag_list l = {doc->now, scratch, json_array()};
	if (doc->now)
		each_diagnostic(doc->now, add_diagnostic, &l);
	return l.out;
}

/* ---- navigation --------------------------------------------------------------------------- */

void feature_definition(const struct feature_request *q, struct reply *r)
{
	struct analysis *a = q->doc->now;
	struct analysis_hit hit;
	struct src_span decl;
	if (!a || !analysis_hit_at(a, a->root, q->offset, &hit) || !analysis_declared(a, &hit, &decl))
		return;
	r->result = feature_location(a, q->scratch, decl);
}

/* Whether `loc` is already in `list` (the same place reached through two documents' checks). */
static bool listed(const json_t *list, const json_t *loc)
{
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
		if (json_equal(v, loc))
			return true;
	return false;
}

static void add_references(struct analysis *a, struct arena *scratch, const struct analysis_hit *hit, bool with_decl,
			   json_t *out)
{
	struct ptrvec spans = {0};
	analysis_references(a, hit, &spans);
	for (size_t i = with_decl ? 0 : 1; i < spans.len; i++) {
		json_t *loc = feature_location(a, scratch, *(const struct src_span *)spans.items[i]);
		if (listed(out, loc))
			json_decref(loc);
		else
			json_array_append_new(out, loc);
	}
}

void feature_references(const struct feature_request *q, struct reply *r)
{
	struct analysis *a = q->doc->now;
	struct analysis_hit hit;
	json_t *out = json_array();
	r->result = out;
	struct src_span decl;
	if (!a || !analysis_hit_at(a, a->root, q->offset, &hit) || !analysis_declared(a, &hit, &decl))
		return;
	const json_t *with = json_object_get(json_object_get(q->params, "context"), "includeDeclaration");
	bool with_decl = !json_is_false(with);
	add_references(a, q->scratch, &hit, with_decl, out);
	/* the plans open beside it that `use` the same declaration */
	const char *real = a->real[decl.file];
	for (size_t i = 0; i < q->ndocs; i++) {
		struct analysis *other = q->docs[i]->now;
		struct analysis_hit there;
		if (q->docs[i] == q->doc || !other || !analysis_find_decl(other, real, decl.begin, &there))
			continue;
		add_references(other, q->scratch, &there, with_decl, out);
	}
}

/* ---- symbols ------------------------------------------------------------------------------ */

static int symbol_kind(enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_SITE: return 3;          /* Namespace */
	case DECL_OS: return 10;           /* Enum */
	case DECL_STATE: return 22;        /* EnumMember */
	case DECL_PREREQUISITE: return 11; /* Interface */
	case DECL_FIXLET:
	case DECL_TASK: return 12;         /* Function */
	case DECL_STEP: return 6;          /* Method */
	case DECL_ROLE: return 5;          /* Class */
	case DECL_CLUSTER: return 23;      /* Struct */
	case DECL_BASELINE: return 4;      /* Package */
	case DECL_PLAN: return 2;          /* Module */
	case DECL_KIND_COUNT: break;
	}
	return 13;
}

static json_t *symbol(struct analysis *a, const char *name, const char *detail, int kind, struct src_span range,
		      struct src_span selection)
{
	json_t *s = json_pack("{s:o,s:s,s:i,s:o,s:o}", "name", text_json_str(name), "detail", detail, "kind", kind,
			      "range", feature_range(a, range), "selectionRange", feature_range(a, selection));
	return s;
}

void feature_symbols(const struct feature_request *q, struct reply *r)
{
	struct analysis *a = q->doc->now;
	json_t *out = json_array();
	r->result = out;
	if (!a || !a->resolved)
		return;
	for (size_t i = 0; i < a->index.defs.len; i++) {
		const struct name_def *d = a->index.defs.items[i];
		if (d->name_span.file != a->root)
			continue;
		const char *kind = ast_decl_kind_name(d->kind);
		json_t *s = symbol(a, d->name, kind, symbol_kind(d->kind), d->span, d->name_span);
		if (d->kind == DECL_CLUSTER) {
			const struct cluster_ent *c = d->entity;
			json_t *children = json_array();
			for (size_t k = 0; k < c->nodes.len; k++) {
				const struct node_ent *n = c->nodes.items[k];
				json_t *node = symbol(a, n->name, "node", 19 /* Object */, n->span, n->span);
				json_array_append_new(children, node);
			}
			json_object_set_new(s, "children", children);
		}
		json_array_append_new(out, s);
	}
}

/* ---- formatting --------------------------------------------------------------------------- */

/* The byte offset of each line start of `text`, lines ended by LF as the diff counts them, and the end. */
static size_t *lf_lines(struct arena *arena, const char *text, size_t len, size_t *count)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	size_t *starts = arena_calloc(arena, n + 1, sizeof *starts);
	size_t k = 0;
	starts[k++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			starts[k++] = i + 1;
	starts[k] = len;
	*count = k;
	return starts;
}

static json_t *position_json(const struct text_lines *l, size_t offset)
{
	struct text_pos p = text_position(l, (uint32_t)offset);
	return json_pack("{s:i,s:i}", "line", (json_int_t)p.line, "character", (json_int_t)p.character);
}

/* The formatter's changes to the document, as minimal line edits; with `range`, those that touch its lines. */
static void format_document(const struct feature_request *q, bool range, struct reply *r)
{
	struct doc *d = q->doc;
	struct arena *arena = q->scratch;
	struct src_manager sm;
	struct diag_sink sink;
	src_init(&sm, arena);
	diag_init(&sink, arena, &sm);
	uint32_t file = src_add(&sm, d->path, d->text, d->len < SRC_MAX_FILE_SIZE ? d->len : SRC_MAX_FILE_SIZE);
	const char *text;
	size_t len;
	if (d->len > SRC_MAX_FILE_SIZE || fmt_file(arena, &sm, &sink, file, &text, &len) != FMT_OK) {
		r->error_code = LSP_REQUEST_FAILED;
		r->error_message = "the file has errors: bfplan fmt formats only a file that parses";
		return;
	}
	struct text_lines lines;
	text_lines_init(&lines, arena, d->text, d->len);
	size_t old_n, new_n, nchanges;
	size_t *old_starts = lf_lines(arena, d->text, d->len, &old_n);
	size_t *new_starts = lf_lines(arena, text, len, &new_n);
	struct textdiff_change *changes = textdiff_changes(arena, (struct textdiff_side){NULL, d->text, d->len},
							   (struct textdiff_side){NULL, text, len}, &nchanges);
	size_t first = range ? text_position(&lines, q->offset).line : 0;
	size_t last = range ? text_position(&lines, q->end).line : SIZE_MAX;
	json_t *edits = json_array();
	for (size_t i = 0; i < nchanges; i++) {
		const struct textdiff_change *c = &changes[i];
		size_t old_last = c->old_end > c->old_begin ? c->old_end - 1 : c->old_begin;
		if (old_last < first || c->old_begin > last)
			continue;
		size_t from = old_starts[c->old_begin < old_n ? c->old_begin : old_n];
		size_t to = old_starts[c->old_end < old_n ? c->old_end : old_n];
		size_t nfrom = new_starts[c->new_begin < new_n ? c->new_begin : new_n];
		size_t nto = new_starts[c->new_end < new_n ? c->new_end : new_n];
		json_array_append_new(edits, json_pack("{s:{s:o,s:o},s:o}", "range",
						       "start", position_json(&lines, from),
						       "end", position_json(&lines, to), "newText",
						       text_json(text + nfrom, nto - nfrom)));
	}
	r->result = edits;
}

void feature_formatting(const struct feature_request *q, struct reply *r)
{
	format_document(q, false, r);
}

void feature_range_formatting(const struct feature_request *q, struct reply *r)
{
	format_document(q, true, r);
}

/* ---- code actions ------------------------------------------------------------------------- */

struct action_list {
	struct analysis *a;
	const struct feature_request *q;
	json_t *out;
};

/* The replacement a "did you mean 'X'?" help offers, or NULL: for a suggestion that came without a fix. */
static const char *suggested(struct arena *arena, const char *help)
{
	const char *prefix = "did you mean '";
	if (!help || strncmp(help, prefix, strlen(prefix)) != 0)
		return NULL;
	const char *start = help + strlen(prefix), *end = strchr(start, '\'');
	if (!end || strcmp(end, "'?") != 0)
		return NULL;
	return arena_strndup(arena, start, (size_t)(end - start));
}

/* A WorkspaceEdit of the fix's edits, each in its own file's URI. */
static json_t *fix_edit(struct analysis *a, struct arena *scratch, const struct diag_fix *fix)
{
	json_t *changes = json_object();
	for (size_t i = 0; i < fix->edits.len; i++) {
		const struct diag_edit *e = fix->edits.items[i];
		if (e->span.file == SRC_NO_FILE)
			continue;
		const char *uri = feature_uri(a, scratch, e->span.file);
		json_t *list = json_object_get(changes, uri);
		if (!list) {
			list = json_array();
			json_object_set_new(changes, uri, list);
		}
		json_array_append_new(list, json_pack("{s:o,s:o}", "range", feature_range(a, e->span), "newText",
						      text_json_str(e->text)));
	}
	return json_pack("{s:o}", "changes", changes);
}

/*
 * The quick fix of a diagnostic of the document that touches the range:
 * its machine-applicable fix, or for a "did you mean" without one, the
 * name it suggests written over the misspelt one.
 */
static void add_action(void *ctx, const struct diag *d)
{
	struct action_list *l = ctx;
	const struct feature_request *q = l->q;
	struct src_span at = shown_at(l->a, d->span);
	if (at.file != l->a->root || at.end < q->offset || at.begin > q->end)
		return;
	const char *title;
	json_t *edit;
	const char *with = d->fix ? NULL : d->span.file == l->a->root ? suggested(q->scratch, d->help) : NULL;
	if (d->fix) {
		title = d->fix->description;
		edit = fix_edit(l->a, q->scratch, d->fix);
	} else if (with) {
		title = arena_printf(q->scratch, "write '%s'", with);
		json_t *changes = json_object();
		json_object_set_new(changes, l->a->uri, json_pack("[{s:o,s:o}]", "range", feature_range(l->a, d->span),
								  "newText", text_json_str(with)));
		edit = json_pack("{s:o}", "changes", changes);
	} else {
		return;
	}
	json_t *action = json_pack("{s:o,s:s,s:[o],s:b,s:o}", "title", text_json_str(title), "kind", "quickfix",
				   "diagnostics", diagnostic_json(l->a, q->scratch, d), "isPreferred", 1, "edit", edit);
	json_array_append_new(l->out, action);
}

void feature_code_actions(const struct feature_request *q, struct reply *r)
{
	struct action_list l = {q->doc->now, q, json_array()};
	r->result = l.out;
	if (l.a)
		each_diagnostic(l.a, add_action, &l);
}
