/*
 * features.c - the answers about a document's content (see server.h).
 *
 * Every answer is read from an analysis: the diagnostics its check
 * collected, the resolver's index of declarations and bound names, the
 * checker's facts per plan.  Nothing here walks the syntax tree; the only
 * text it reads itself is the line being typed, for completion, which
 * has no tree yet.
 */
#include "lsp/server.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fmt/fmt.h"
#include "base/textbuf.h"
#include "base/textdiff.h"

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

/* ---- hover -------------------------------------------------------------------------------- */

/* Plan text in Markdown: the characters Markdown would act on are escaped. */
static void put_md(struct textbuf *b, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("\\`*_{}[]<>()#+-.!|~", *s))
			textbuf_putc(b, '\\');
		textbuf_putc(b, *s);
	}
}

static void put_code(struct textbuf *b, const char *s)
{
	textbuf_puts(b, "`");
	for (; s && *s; s++)
		textbuf_putc(b, *s == '`' ? '\'' : *s);
	textbuf_puts(b, "`");
}

static void put_duration(struct textbuf *b, int64_t seconds)
{
	if (seconds <= 0) {
		textbuf_puts(b, "none");
		return;
	}
	int64_t h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
	const char *sep = "";
	if (h)
		textbuf_printf(b, "%lldh", (long long)h), sep = " ";
	if (m)
		textbuf_printf(b, "%s%lldm", sep, (long long)m), sep = " ";
	if (s)
		textbuf_printf(b, "%s%llds", sep, (long long)s);
}

static void put_marks(struct textbuf *b, const struct cptrvec *marks)
{
	if (marks->len == 0)
		return;
	textbuf_puts(b, "\n\n**Unconfirmed:**\n");
	for (size_t i = 0; i < marks->len; i++) {
		const struct lw_mark *m = marks->items[i];
		textbuf_puts(b, "\n- ");
		if (m->field) {
			put_code(b, m->field);
			textbuf_puts(b, ": ");
		}
		put_md(b, m->reason.text ? m->reason.text : "not confirmed");
	}
}

static void put_names(struct textbuf *b, const struct ptrvec *v, const char *(*name)(const void *))
{
	for (size_t i = 0; i < v->len; i++) {
		textbuf_puts(b, i ? ", " : "");
		put_code(b, name(v->items[i]));
	}
}

static const char *os_name(const void *p) { return ((const struct os_ent *)p)->name; }
static const char *state_name(const void *p) { return ((const struct state_ent *)p)->name; }
static const char *prereq_name(const void *p) { return ((const struct prereq_ent *)p)->lw.name; }
static const char *fixlet_name(const void *p)
{
	const struct fixlet_ent *fx = p;
	return fx->lw.name ? fx->lw.name : "(anonymous)";
}

static void hover_fixlet(struct textbuf *b, const struct fixlet_ent *fx)
{
	if (fx->merged_into)
		fx = fx->merged_into;
	const struct lw_fixlet *lw = &fx->lw;
	textbuf_printf(b, "**%s %u**", lw->is_task ? "Task" : "Fixlet", lw->id);
	if (lw->name) {
		textbuf_puts(b, " ");
		put_code(b, lw->name);
	}
	if (lw->site) {
		textbuf_puts(b, "\n\nSite: ");
		put_code(b, lw->site->name);
		if (lw->site->display.text) {
			textbuf_puts(b, " (");
			put_md(b, lw->site->display.text);
			textbuf_puts(b, ")");
		}
	}
	textbuf_puts(b, "\n\nTitle: ");
	put_md(b, lw->title.text ? lw->title.text : "(not known)");
	textbuf_puts(b, "\n\nAction: ");
	put_code(b, lw->action ? lw->action : "Action1");
	static const char *const restart[] = {"never", "may", "clears"};
	textbuf_printf(b, "\n\nPending Restart: %s", restart[lw->restart]);
	if (fx->oses.len) {
		textbuf_puts(b, "\n\nOS: ");
		put_names(b, &fx->oses, os_name);
	}
	if (fx->needs.len) {
		textbuf_puts(b, "\n\nNeeds: ");
		put_names(b, &fx->needs, prereq_name);
	}
	put_marks(b, &lw->marks);
}

static void hover_step(struct textbuf *b, const struct step_ent *st, const struct plan_facts *facts)
{
	textbuf_puts(b, "**step** ");
	put_code(b, st->name);
	if (st->title.text) {
		textbuf_puts(b, ": ");
		put_md(b, st->title.text);
	}
	textbuf_puts(b, "\n\nNode states: ");
	put_names(b, &st->from, state_name);
	textbuf_puts(b, " → ");
	put_code(b, st->to ? st->to->name : "?");
	textbuf_puts(b, "\n\nTimeout: ");
	put_duration(b, st->timeout);
	if (!st->timeout)
		textbuf_puts(b, " declared");
	if (facts && facts->timeout) { /* the checker got as far as the plan's steps */
		textbuf_puts(b, "; in plan ");
		put_code(b, facts->plan->name);
		textbuf_puts(b, ": ");
		put_duration(b, check_step_timeout(facts, st));
	}
	if (st->run.len) {
		textbuf_puts(b, "\n\nRuns: ");
		put_names(b, &st->run, fixlet_name);
	}
	if (st->takes_baseline)
		textbuf_puts(b, "\n\nTakes a baseline.");
	if (st->undo) {
		textbuf_puts(b, "\n\nUndone by: ");
		put_code(b, st->undo->name);
	}
	put_marks(b, &st->marks);
}

/* Which phase of each plan over the node's cluster patches it. */
static void hover_node(struct textbuf *b, const struct analysis *a, const struct analysis_hit *hit)
{
	textbuf_puts(b, "**node** ");
	put_code(b, hit->node->name);
	textbuf_puts(b, " of cluster ");
	put_code(b, hit->cluster->name);
	for (size_t i = 0; i < a->checked.plans.len; i++) {
		const struct plan_facts *f = a->checked.plans.items[i];
		if (f->plan->cluster != hit->cluster || (hit->plan && f->plan != hit->plan) || !f->order || !f->phase)
			continue; /* another cluster's, or a plan the checker could not put in order */
		for (size_t k = 0; k < f->node_count; k++) {
			if (strcmp(f->order[k]->name, hit->node->name) != 0)
				continue;
			textbuf_puts(b, "\n\nPlan ");
			put_code(b, f->plan->name);
			textbuf_printf(b, ": phase %u of %u, patched %zu of %zu", f->phase[k], f->phase_count, k + 1,
				       f->node_count);
			if (f->role_holder && strcmp(f->role_holder->name, hit->node->name) == 0)
				textbuf_puts(b, " (the expected role holder)");
		}
	}
}

static void hover_prereq(struct textbuf *b, const struct prereq_ent *pr)
{
	textbuf_puts(b, "**prerequisite** ");
	put_code(b, pr->lw.name);
	if (pr->lw.title.text) {
		textbuf_puts(b, ": ");
		put_md(b, pr->lw.title.text);
	}
	if (pr->provider) {
		textbuf_printf(b, "\n\nProvided by %s %u ", pr->provider->lw.is_task ? "Task" : "Fixlet",
			       pr->provider->lw.id);
		put_code(b, fixlet_name(pr->provider));
	}
	if (pr->needs.len) {
		textbuf_puts(b, "\n\nNeeds: ");
		put_names(b, &pr->needs, prereq_name);
	}
	put_marks(b, &pr->lw.marks);
}

static void hover_site(struct textbuf *b, const struct site_ent *site)
{
	textbuf_puts(b, "**site** ");
	put_code(b, site->lw.name);
	if (site->lw.display.text) {
		textbuf_puts(b, ": ");
		put_md(b, site->lw.display.text);
	}
	textbuf_puts(b, "\n\nGather URL: ");
	if (site->lw.gather_url.text)
		put_code(b, site->lw.gather_url.text);
	else
		textbuf_puts(b, "not published: give it with --site-url");
	put_marks(b, &site->lw.marks);
}

static void hover_plan(struct textbuf *b, const struct analysis *a, const struct plan_ent *plan)
{
	textbuf_puts(b, "**plan** ");
	put_code(b, plan->name);
	if (plan->cluster) {
		textbuf_puts(b, "\n\nCluster: ");
		put_code(b, plan->cluster->name);
	}
	textbuf_printf(b, "\n\nmax-down %u", plan->max_down);
	const struct plan_facts *f = analysis_facts(a, plan);
	if (f && f->ok) {
		textbuf_printf(b, "\n\n%u phase%s; worst case ", f->phase_count, f->phase_count == 1 ? "" : "s");
		put_duration(b, f->worst_case);
	}
}

static void hover_titled(struct textbuf *b, const struct name_def *def, const char *title)
{
	textbuf_printf(b, "**%s** ", ast_decl_kind_name(def->kind));
	put_code(b, def->name);
	if (title) {
		textbuf_puts(b, ": ");
		put_md(b, title);
	}
}

static void hover_def(struct textbuf *b, const struct analysis *a, const struct analysis_hit *hit)
{
	const struct name_def *def = hit->def;
	const struct plan_facts *facts = hit->plan ? analysis_facts(a, hit->plan) : NULL;
	switch (def->kind) {
	case DECL_FIXLET:
	case DECL_TASK: hover_fixlet(b, def->entity); break;
	case DECL_STEP: hover_step(b, def->entity, facts); break;
	case DECL_PREREQUISITE: hover_prereq(b, def->entity); break;
	case DECL_SITE: hover_site(b, def->entity); break;
	case DECL_PLAN: hover_plan(b, a, def->entity); break;
	case DECL_OS: hover_titled(b, def, ((const struct os_ent *)def->entity)->title.text); break;
	case DECL_STATE: hover_titled(b, def, ((const struct state_ent *)def->entity)->title.text); break;
	case DECL_ROLE: hover_titled(b, def, ((const struct role_ent *)def->entity)->lw.title.text); break;
	case DECL_CLUSTER: hover_titled(b, def, ((const struct cluster_ent *)def->entity)->title.text); break;
	case DECL_BASELINE: hover_titled(b, def, ((const struct baseline_ent *)def->entity)->title.text); break;
	case DECL_KIND_COUNT: break;
	}
}

void feature_hover(const struct feature_request *q, struct reply *r)
{
	struct analysis *a = q->doc->now;
	struct analysis_hit hit;
	if (!a || !analysis_hit_at(a, a->root, q->offset, &hit))
		return;
	struct textbuf b;
	textbuf_init(&b, q->scratch);
	if (hit.node)
		hover_node(&b, a, &hit);
	else if (hit.component)
		hover_fixlet(&b, hit.component->fixlet);
	else
		hover_def(&b, a, &hit);
	r->result = json_pack("{s:{s:s,s:o},s:o}", "contents", "kind", "markdown", "value", text_json(b.data, b.len),
			      "range", feature_range(a, hit.span));
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

/* The same declaration in another document's check: declared in the same file, at the same place. */
static bool same_decl_in(struct analysis *other, const char *real, struct src_span decl, struct analysis_hit *out)
{
	for (uint32_t f = 0; f < other->sm.files.len; f++) {
		if (strcmp(other->real[f], real) != 0)
			continue;
		struct src_span there;
		return analysis_hit_at(other, f, decl.begin, out) && analysis_declared(other, out, &there) &&
		       there.begin == decl.begin;
	}
	return false;
}

void feature_references(const struct feature_request *q, struct doc *const *docs, size_t ndocs, struct reply *r)
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
	for (size_t i = 0; i < ndocs; i++) {
		struct analysis *other = docs[i]->now;
		struct analysis_hit there;
		if (docs[i] == q->doc || !other || !other->resolved || !same_decl_in(other, real, decl, &there))
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
		json_t *s = symbol(a, d->name, ast_decl_kind_name(d->kind), symbol_kind(d->kind), d->span, d->name_span);
		if (d->kind == DECL_CLUSTER) {
			const struct cluster_ent *c = d->entity;
			json_t *children = json_array();
			for (size_t k = 0; k < c->nodes.len; k++) {
				const struct node_ent *n = c->nodes.items[k];
				json_array_append_new(children, symbol(a, n->name, "node", 19 /* Object */, n->span, n->span));
			}
			json_object_set_new(s, "children", children);
		}
		json_array_append_new(out, s);
	}
}

/* ---- completion --------------------------------------------------------------------------- */

/*
 * What the cursor is in, read from the text up to it (a line being typed
 * has no syntax tree): the words that opened the blocks around it, and
 * the words of its line before it.
 */
struct context {
	const char *opener[4];      /* the first word of the line of each open '{', outermost first */
	size_t depth;
	bool quiet;                 /* inside a string or a comment: nothing to offer */
	const char *words[8];       /* the line's words before the cursor (a word being typed excluded) */
	size_t nwords;
};

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || (unsigned char)c >= 0x80;
}

static const char *word_at(struct arena *a, const char *text, size_t from, size_t len)
{
	size_t end = from;
	while (end < len && word_char(text[end]))
		end++;
	return arena_strndup(a, text + from, end - from);
}

static void read_context(struct arena *a, const char *text, size_t cursor, struct context *c)
{
	*c = (struct context){0};
	size_t line = 0;
	bool in_string = false, in_comment = false;
	for (size_t i = 0; i < cursor; i++) {
		char ch = text[i];
		if (ch == '\n') {
			line = i + 1;
			in_string = in_comment = false;
		} else if (in_comment) {
			continue;
		} else if (in_string) {
			if (ch == '\\' && i + 1 < cursor)
				i++;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '#') {
			in_comment = true;
		} else if (ch == '{') {
			size_t w = line;
			while (w < i && (text[w] == ' ' || text[w] == '\t'))
				w++;
			if (c->depth < sizeof c->opener / sizeof c->opener[0])
				c->opener[c->depth] = word_at(a, text, w, i);
			c->depth++;
		} else if (ch == '}' && c->depth > 0) {
			c->depth--;
		}
	}
	c->quiet = in_string || in_comment;
	size_t end = cursor;
	while (end > line && word_char(text[end - 1]))
		end--; /* the word being typed */
	for (size_t i = line; i < end && c->nwords < sizeof c->words / sizeof c->words[0];) {
		if (text[i] == '"') { /* a string is no word: its end, or the end of what is read */
			for (i++; i < end && text[i] != '"'; i++)
				i += text[i] == '\\';
			i++;
			continue;
		}
		if (text[i] == '{')
			c->nwords = 0; /* a statement after a block's brace, on the same line */
		if (!word_char(text[i])) {
			i++;
			continue;
		}
		c->words[c->nwords++] = word_at(a, text, i, end);
		while (i < end && word_char(text[i]))
			i++;
	}
}

/* The kind of the declaration a block keyword opens, or DECL_KIND_COUNT. */
static enum ast_decl_kind kind_named(const char *word)
{
	for (int k = 0; k < DECL_KIND_COUNT && word; k++)
		if (strcmp(ast_decl_kind_name((enum ast_decl_kind)k), word) == 0)
			return (enum ast_decl_kind)k;
	return DECL_KIND_COUNT;
}

/*
 * What a statement's values name, by its word: the resolver's tables say
 * which statements a block takes, this says which declarations their
 * values refer to, for offering names.
 */
static enum ast_decl_kind value_kind(const char *word, const char *prev)
{
	static const struct {
		const char *word;
		enum ast_decl_kind kind;
	} table[] = {
		{"site", DECL_SITE}, {"os", DECL_OS}, {"from", DECL_STATE}, {"to", DECL_STATE},
		{"needs", DECL_PREREQUISITE}, {"require", DECL_PREREQUISITE}, {"run", DECL_FIXLET},
		{"provided-by", DECL_FIXLET}, {"detected-by", DECL_FIXLET}, {"undo", DECL_STEP},
		{"timeout", DECL_STEP}, {"role", DECL_ROLE}, {"cluster", DECL_CLUSTER},
	};
	if (prev && strcmp(prev, "site") == 0)
		return DECL_SITE; /* `fixlet 501 site NAME` in a baseline */
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (word && strcmp(table[i].word, word) == 0)
			return table[i].kind;
	return DECL_KIND_COUNT;
}

static void add_item(json_t *out, const char *label, int kind, const char *detail)
{
	json_array_append_new(out, json_pack("{s:o,s:i,s:s}", "label", text_json_str(label), "kind", kind, "detail",
					     detail));
}

static int completion_kind(enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_SITE: return 9;          /* Module */
	case DECL_OS:
	case DECL_STATE: return 20;        /* EnumMember */
	case DECL_PREREQUISITE: return 8;  /* Interface */
	case DECL_FIXLET:
	case DECL_TASK: return 3;          /* Function */
	case DECL_STEP: return 2;          /* Method */
	case DECL_ROLE: return 7;          /* Class */
	case DECL_CLUSTER: return 22;      /* Struct */
	case DECL_BASELINE:
	case DECL_PLAN: return 18;         /* Reference */
	case DECL_KIND_COUNT: break;
	}
	return 6;
}

/* The declared names of `kind` (every kind for DECL_KIND_COUNT). */
static void add_names(json_t *out, const struct analysis *a, enum ast_decl_kind kind)
{
	for (size_t i = 0; a && i < a->index.defs.len; i++) {
		const struct name_def *d = a->index.defs.items[i];
		bool fits = kind == DECL_KIND_COUNT || d->kind == kind || (kind == DECL_FIXLET && d->kind == DECL_TASK);
		if (fits && d->kind != DECL_PLAN)
			add_item(out, d->name, completion_kind(d->kind), ast_decl_kind_name(d->kind));
	}
}

void feature_completion(const struct feature_request *q, struct reply *r)
{
	struct doc *d = q->doc;
	json_t *items = json_array();
	r->result = json_pack("{s:b,s:o}", "isIncomplete", 0, "items", items);
	const struct analysis *a = d->now && d->now->resolved ? d->now : d->resolved;
	struct context c;
	read_context(q->scratch, d->text, q->offset, &c);
	if (c.quiet)
		return;
	const char *opener = c.depth ? c.opener[c.depth - 1 < 4 ? c.depth - 1 : 3] : NULL;
	if (c.nwords == 0 && c.depth == 0) {
		add_item(items, "use", 14, "keyword");
		for (int k = 0; k < DECL_KIND_COUNT; k++)
			add_item(items, ast_decl_kind_name((enum ast_decl_kind)k), 14, "keyword");
		return;
	}
	if (c.nwords == 0 && opener && strcmp(opener, "each") == 0) {
		add_names(items, a, DECL_STEP);
		return;
	}
	if (c.nwords == 0) {
		const char *words[32];
		size_t n = resolve_statement_words(kind_named(opener), words, 32);
		for (size_t i = 0; i < n && i < 32; i++)
			add_item(items, words[i], 10, "statement");
		return;
	}
	if (c.depth == 0)
		return; /* the name of a new declaration: nothing to offer */
	if (opener && strcmp(opener, "each") == 0) {
		add_names(items, a, DECL_BASELINE);
		add_item(items, "optional", 14, "keyword");
		return;
	}
	enum ast_decl_kind k = value_kind(c.words[0], c.words[c.nwords - 1]);
	if (k == DECL_STEP && kind_named(opener) != DECL_PLAN && strcmp(c.words[0], "timeout") == 0)
		return; /* a step's own timeout is a duration */
	if (c.nwords > 1 && k == DECL_STEP)
		return; /* `timeout STEP DURATION`: the duration */
	add_names(items, a, k);
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

void feature_formatting(const struct feature_request *q, bool range, struct reply *r)
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
		json_array_append_new(edits, json_pack("{s:{s:o,s:o},s:o}", "range", "start", position_json(&lines, from),
						       "end", position_json(&lines, to), "newText",
						       text_json(text + nfrom, nto - nfrom)));
	}
	r->result = edits;
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
