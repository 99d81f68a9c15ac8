/*
 * json.c - plan.json, written as it goes (see emit_json.h).
 *
 * A small streaming writer rather than a document tree: a plan is written
 * while it is walked, so neither the build nor one large plan is ever held
 * as JSON in memory.  The writer lays out values exactly as jansson does
 * (JSON_COMPACT, or JSON_INDENT(2)), and strings are escaped as jansson
 * escapes them, so a reader that loads and dumps the file gets the same
 * bytes back.  Absent text is null, never an empty string, so a reader can
 * tell "not given" from "given as empty".
 */
#include "emit/json.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "base/ptrmap.h"
#include "base/symtab.h"
#include "base/template.h"
#include "lower/render.h"

/* ---- the writer ------------------------------------------------------------------------ */

struct jw {
	struct textbuf *out;
	bool indent;
	unsigned depth;
	bool first;      /* nothing written yet in the open object or array */
	bool after_key;  /* a key was written: its value follows it */
};

/* What comes before a value or a key: a comma after an earlier one, and a new line when indenting. */
static void separate(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first)
		textbuf_putc(w->out, ',');
	w->first = false;
	if (w->indent && w->depth)
		textbuf_printf(w->out, "\n%*s", (int)(2 * w->depth), "");
}

static void open_with(struct jw *w, char c)
{
	separate(w);
	textbuf_putc(w->out, c);
	w->depth++;
	w->first = true;
}

static void close_with(struct jw *w, char c)
{
	w->depth--;
	/* an empty one closes on its line: {} and [] */
	if (w->indent && !w->first)
		textbuf_printf(w->out, "\n%*s", (int)(2 * w->depth), "");
	textbuf_putc(w->out, c);
	w->first = false;
}

static void object(struct jw *w) { open_with(w, '{'); }
static void object_end(struct jw *w) { close_with(w, '}'); }
static void array(struct jw *w) { open_with(w, '['); }
static void array_end(struct jw *w) { close_with(w, ']'); }

static void key(struct jw *w, const char *name)
{
	separate(w);
	textbuf_putc(w->out, '"');
	textbuf_puts(w->out, name);
	textbuf_puts(w->out, w->indent ? "\": " : "\":");
	w->after_key = true;
}

/* A string, or null. */
static void string(struct jw *w, const char *s)
{
	separate(w);
	if (!s) {
		textbuf_puts(w->out, "null");
		return;
	}
	textbuf_putc(w->out, '"');
	esc_json_append(w->out, s, strlen(s));
	textbuf_putc(w->out, '"');
}

static void integer(struct jw *w, int64_t n)
{
	separate(w);
	textbuf_printf(w->out, "%" PRId64, n);
}

static void null(struct jw *w)
{
	separate(w);
	textbuf_puts(w->out, "null");
}

static void boolean(struct jw *w, bool b)
{
	separate(w);
	textbuf_puts(w->out, b ? "true" : "false");
}

/* Members: "key": value. */
static void kstring(struct jw *w, const char *k, const char *s) { key(w, k); string(w, s); }
static void kinteger(struct jw *w, const char *k, int64_t n) { key(w, k); integer(w, n); }
static void kboolean(struct jw *w, const char *k, bool b) { key(w, k); boolean(w, b); }
static void knull(struct jw *w, const char *k) { key(w, k); null(w); }

/* A number that is 0 only where there is none (a P number, a window): null then. */
static void kinteger_or_null(struct jw *w, const char *k, int64_t n)
{
	key(w, k);
	if (n)
		integer(w, n);
	else
		null(w);
}

/* ---- the tables ------------------------------------------------------------------------ */

/* Objects in order of first use, each with its index: what the plans refer to. */
struct table {
	struct ptrmap index; /* object -> its index + 1 */
	struct cptrvec items;
};

struct emit_json {
	struct arena *arena;            /* the build's: the tables live in it */
	struct jw w;
	struct table sites, fixlets, marks;
	struct symtab text_index;       /* text -> its index + 1 */
	struct strvec texts;
	/* the plan being written */
	struct arena *plan_arena;
	struct arena step_arena;        /* a step's, emptied after it: a step of a phase of thousands of nodes is large */
};

static void table_init(struct table *t, struct arena *arena)
{
	ptrmap_init(&t->index, arena);
	t->items = (struct cptrvec){0};
}

/* The index of `item` in the table, adding it the first time. */
static size_t table_ref(struct emit_json *j, struct table *t, const void *item)
{
	uintptr_t at = (uintptr_t)ptrmap_get(&t->index, item);
	if (at)
		return at - 1;
	cptrvec_push(j->arena, &t->items, item);
	ptrmap_put(&t->index, item, (void *)(uintptr_t)t->items.len);
	return t->items.len - 1;
}

/* A text taken unchanged from a declaration: its index in "texts", or null. */
static void made_text(struct emit_json *j, const char *text);

static void text(struct emit_json *j, struct lw_text t)
{
	made_text(j, t.text);
}

static void fixlet_ref(struct emit_json *j, const struct lw_fixlet *f)
{
	if (!f)
		null(&j->w);
	else
		integer(&j->w, (int64_t)table_ref(j, &j->fixlets, f));
}

static void site_ref(struct emit_json *j, const struct lw_site *s)
{
	integer(&j->w, (int64_t)table_ref(j, &j->sites, s));
}

/* "unconfirmed": the indexes of these marks in "marks". */
static void marks(struct emit_json *j, const struct cptrvec *list)
{
	key(&j->w, "unconfirmed");
	array(&j->w);
	for (size_t i = 0; i < list->len; i++)
		integer(&j->w, (int64_t)table_ref(j, &j->marks, list->items[i]));
	array_end(&j->w);
}

/* ---- a plan ---------------------------------------------------------------------------- */

static void names_of(struct jw *w, const struct ptrvec *nodes)
{
	array(w);
	for (size_t i = 0; i < nodes->len; i++)
		string(w, ((const struct lw_node *)nodes->items[i])->name);
	array_end(w);
}

static void role_json(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	key(w, "role");
	if (!p->role) {
		null(w);
		return;
	}
	object(w);
	kstring(w, "name", p->role->name);
	key(w, "title");
	text(j, p->role->title);
	kstring(w, "server", p->role->server.text);
	key(w, "detect");
	fixlet_ref(j, p->role->detect);
	kinteger_or_null(w, "check", p->role_check ? p->role_check->number : 0);
	marks(j, &p->role->marks);
	object_end(w);
}

static void quorum_json(struct jw *w, const struct lw_quorum *q)
{
	key(w, "quorum");
	object(w);
	kstring(w, "model", render_quorum_name(q->model));
	kboolean(w, "declared", q->declared);
	kstring(w, "rule", q->by_nodes ? "more-than-half-of-nodes" : "more-than-half-of-votes");
	kinteger(w, "votes", q->votes);
	kinteger(w, "votes_kept", q->votes_kept);
	kinteger(w, "votes_needed", q->votes_needed);
	kinteger(w, "nodes_only_max_down", q->simple_max_down);
	object_end(w);
}

static void prerequisites_json(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	key(w, "prerequisites");
	array(w);
	for (size_t i = 0; i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		object(w);
		kinteger(w, "number", pr->number);
		kstring(w, "name", pr->name);
		key(w, "title");
		text(j, pr->title);
		key(w, "detect");
		text(j, pr->detect);
		key(w, "provider");
		fixlet_ref(j, pr->provider);
		key(w, "needs");
		array(w);
		for (size_t k = 0; k < pr->needs.len; k++)
			string(w, ((const struct lw_prereq *)pr->needs.items[k])->name);
		array_end(w);
		kstring(w, "note", render_advice(j->plan_arena, pr->note.text, p, NULL));
		kstring(w, "preflight_fixlet", pr->preflight_title);
		marks(j, &pr->marks);
		object_end(w);
	}
	array_end(w);
}

static void baselines_json(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	key(w, "baselines");
	array(w);
	for (size_t i = 0; i < p->baselines.len; i++) {
		const struct lw_baseline *bl = p->baselines.items[i];
		object(w);
		kstring(w, "name", bl->name);
		key(w, "title");
		text(j, bl->title);
		kstring(w, "bes_title", bl->bes_title);
		key(w, "components");
		array(w);
		for (size_t k = 0; k < bl->components.len; k++)
			fixlet_ref(j, ((const struct lw_component *)bl->components.items[k])->fixlet);
		array_end(w);
		object_end(w);
	}
	array_end(w);
}

static void checks_json(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	key(w, "checks");
	array(w);
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		object(w);
		kstring(w, "code", c->code);
		kstring(w, "when", c->when == LW_PROVEN ? "proven" : "preflight");
		kinteger_or_null(w, "number", c->number);
		kstring(w, "description", c->description.text);
		kstring(w, "prerequisite", c->prereq ? c->prereq->name : NULL);
		/* the title of the pre-flight Fixlet that decides it, for a check that has one */
		kstring(w, "preflight_fixlet", c->prereq ? c->prereq->preflight_title : c->fixlet_title);
		/* a proof that rests on run-time facts says which pre-flight checks establish them */
		key(w, "rests_on");
		array(w);
		for (size_t k = 0; k < c->rests_on.len; k++)
			integer(w, ((const struct lw_check *)c->rests_on.items[k])->number);
		array_end(w);
		key(w, "rests_on_by_hand"); /* what no pre-flight check can see: the checklist says to look */
		array(w);
		for (size_t k = 0; k < c->by_hand.len; k++)
			string(w, c->by_hand.items[k]);
		array_end(w);
		marks(j, &c->marks); /* what the proof assumes that nobody has confirmed */
		object_end(w);
	}
	array_end(w);
}

static void phases_json(struct jw *w, const struct lw_plan *p)
{
	key(w, "phases");
	array(w);
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		object(w);
		kinteger(w, "number", ph->number);
		key(w, "nodes");
		names_of(w, &ph->nodes);
		key(w, "steps");
		array(w);
		for (unsigned k = 0; k < ph->step_count; k++)
			integer(w, ph->first_step + k);
		array_end(w);
		kinteger(w, "start_seconds", ph->start);
		kinteger(w, "worst_case_seconds", ph->worst_case);
		object_end(w);
	}
	array_end(w);
}

static void nodes_json(struct jw *w, const struct lw_plan *p)
{
	key(w, "nodes");
	array(w);
	for (size_t i = 0; i < p->nodes.len; i++) {
		const struct lw_node *n = p->nodes.items[i];
		object(w);
		kstring(w, "name", n->name);
		kinteger(w, "position", n->position);
		kboolean(w, "role_holder", n->role_holder);
		kinteger(w, "phase", n->phase->number);
		object_end(w);
	}
	array_end(w);
}

/* The index of a restore in the plan's "restores", or -1 for none. */
static int64_t restore_index(const struct lw_plan *p, const struct lw_restore *r)
{
	for (size_t i = 0; r && i < p->restores.len; i++)
		if (p->restores.items[i] == r)
			return (int64_t)i;
	return -1;
}

/* The steps that bring nodes back into service, each once: steps refer to them by index. */
static void restores_json(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	key(w, "restores");
	array(w);
	for (size_t i = 0; i < p->restores.len; i++) {
		const struct lw_restore *r = p->restores.items[i];
		object(w);
		kstring(w, "name", r->name);
		key(w, "title");
		text(j, r->title);
		key(w, "fixlet");
		fixlet_ref(j, r->fixlet);
		kinteger(w, "timeout_seconds", r->timeout);
		object_end(w);
	}
	array_end(w);
}

static void krestore(struct emit_json *j, const struct lw_plan *p, const char *k, const struct lw_restore *r)
{
	key(&j->w, k);
	int64_t at = restore_index(p, r);
	if (at < 0)
		null(&j->w);
	else
		integer(&j->w, at);
}

/* What a step runs: a Fixlet or Task of "fixlets", or a Baseline of the plan's "baselines". */
static void step_run(struct emit_json *j, const struct lw_plan *p, const struct lw_step *s)
{
	struct jw *w = &j->w;
	key(w, "run");
	object(w);
	if (s->item->kind == LW_STEP_FIXLET) {
		key(w, "fixlet");
		fixlet_ref(j, s->item->fixlet);
	} else {
		size_t at = 0;
		while (at < p->baselines.len && p->baselines.items[at] != s->item->baseline)
			at++;
		kinteger(w, "baseline", (int64_t)at);
	}
	object_end(w);
}

/* A text made for a plan, kept once in "texts" however many plans and steps use it: its index. */
static void made_text(struct emit_json *j, const char *text)
{
	if (!text) {
		null(&j->w);
		return;
	}
	uintptr_t at = (uintptr_t)symtab_get(&j->text_index, text);
	if (!at) {
		const char *copy = arena_strdup(j->arena, text);
		strvec_push(j->arena, &j->texts, copy);
		at = j->texts.len;
		symtab_put(&j->text_index, copy, (void *)at);
	}
	integer(&j->w, (int64_t)(at - 1));
}

/*
 * One advice of a step, filled in but for the node (RENDER_ANY_NODE
 * stands for each target): a text reference, the same for every node and
 * every plan; or, where it names the plan's server or cluster and so is
 * the plan's own, the text itself, which the table would keep to the end
 * of the build for nothing.
 */
static void advice_text(struct emit_json *j, const char *key_name, struct arena *a, const struct lw_plan *p,
			const char *text)
{
	key(&j->w, key_name);
	const char *filled = render_advice(a, text, p, RENDER_ANY_NODE);
	if (filled && (tpl_uses(text) & (TPL_SERVER | TPL_CLUSTER)))
		string(&j->w, filled);
	else
		made_text(j, filled);
}

/* The stdlib's advice for the step, where version 3 repeated it filled in for each node. */
static void advice_json(struct emit_json *j, struct arena *a, const struct lw_plan *p, const struct lw_step *s)
{
	struct jw *w = &j->w;
	key(w, "advice");
	object(w);
	advice_text(j, "verify", a, p, s->item->verify.text);
	advice_text(j, "role_verify", a, p, s->item->role_only && p->role ? p->role->verify.text : NULL);
	advice_text(j, "on_failure", a, p, s->item->on_failure.text);
	advice_text(j, "not_relevant", a, p, s->item->not_relevant.text);
	object_end(w);
}

static void step_notes(struct jw *w, struct arena *a, const struct lw_plan *p, const struct lw_step *s)
{
	key(w, "notes");
	array(w);
	if (s->item->kind == LW_STEP_FIXLET) {
		if (s->item->fixlet->note.text)
			string(w, render_advice(a, s->item->fixlet->note.text, p, NULL));
	} else {
		for (size_t i = 0; i < s->item->baseline->components.len; i++) {
			const struct lw_fixlet *f = ((const struct lw_component *)s->item->baseline->components.items[i])->fixlet;
			if (f->note.text)
				string(w, render_advice(a, f->note.text, p, NULL));
		}
	}
	array_end(w);
}

static void step_json(struct emit_json *j, const struct lw_plan *p, const struct lw_step *s)
{
	struct jw *w = &j->w;
	struct arena *scratch = &j->step_arena;
	object(w);
	kinteger(w, "number", s->number);
	kinteger(w, "phase", s->phase->number);
	char place[32]; /* "2.3": phase and place in the phase */
	snprintf(place, sizeof place, "%u.%u", s->phase->number, s->index);
	kstring(w, "checklist", place);
	kstring(w, "name", s->item->name);
	key(w, "title");
	text(j, s->item->title);
	step_run(j, p, s);
	key(w, "targets");
	names_of(w, &s->phase->nodes);
	key(w, "after");
	array(w);
	if (s->after)
		integer(w, s->after->number);
	array_end(w);
	kinteger(w, "timeout_seconds", s->item->timeout);
	/* the advanced failure behaviour that enforces it: a step has no time limit by default */
	kinteger(w, "fail_unreported_after_seconds", s->item->timeout);
	kinteger(w, "start_seconds", s->start);
	kstring(w, "from_state", s->from_state);
	kstring(w, "to_state", s->item->to_state);
	kboolean(w, "optional", s->item->optional);
	kboolean(w, "role_only", s->item->role_only);
	kstring(w, "failure_behavior", render_failure_name(s->item->failure));
	krestore(j, p, "failure_step", s->item->failure == LW_FAILURE_STOP ? s->restore : NULL);
	krestore(j, p, "restore", s->restore);
	key(w, "preflight_checks");
	array(w);
	for (size_t i = 0; i < s->item->guards.len; i++) {
		const struct lw_check *c = s->item->guards.items[i];
		if (c->when == LW_PREFLIGHT)
			integer(w, c->number);
	}
	array_end(w);
	advice_json(j, scratch, p, s);
	step_notes(w, scratch, p, s);
	marks(j, &s->item->marks);
	object_end(w);
	arena_reset(scratch);
}

static void automation_plan(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	key(w, "automation_plan");
	object(w);
	kstring(w, "name", p->name);
	kstring(w, "type", "sequential");
	kstring(w, "pending_restart", render_pending_restart_name(p->automation.pending_restart));
	kstring(w, "failure_step_targets", render_failure_targets_name(p->automation.failure_step_targets));
	kstring(w, "non_reporting", render_non_reporting_name(p->automation.non_reporting));
	key(w, "steps");
	array(w);
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));)
		step_json(j, p, s);
	array_end(w);
	object_end(w);
}

static void plan_json(struct emit_json *j, const struct lw_plan *p)
{
	struct jw *w = &j->w;
	object(w);
	kstring(w, "name", p->name);
	kstring(w, "title", p->title.text);
	kstring(w, "bes_file", p->bes_file);
	kstring(w, "cluster", p->cluster);
	kstring(w, "os", p->os);
	key(w, "os_title");
	text(j, p->os_title);
	key(w, "os_unconfirmed");
	array(w);
	for (size_t i = 0; i < p->os_marks.len; i++)
		integer(w, (int64_t)table_ref(j, &j->marks, p->os_marks.items[i]));
	array_end(w);
	key(w, "cluster_nodes");
	array(w);
	for (size_t i = 0; i < p->cluster_nodes.len; i++)
		string(w, p->cluster_nodes.items[i]);
	array_end(w);
	role_json(j, p);
	kstring(w, "order", render_order_name(p->order));
	kinteger(w, "max_down", p->max_down);
	quorum_json(w, &p->quorum);
	kinteger_or_null(w, "window_seconds", p->window > 0 ? p->window : 0);
	kinteger(w, "worst_case_seconds", p->worst_case);
	/* who decides what the plan leaves to a person, and how to reach them */
	key(w, "owner");
	if (p->owner.text) {
		object(w);
		kstring(w, "name", p->owner.text);
		kstring(w, "contact", p->owner_contact.text);
		object_end(w);
	} else {
		null(w);
	}
	kstring(w, "review_file", p->review_md);
	key(w, "sites");
	array(w);
	for (size_t i = 0; i < p->sites.len; i++)
		site_ref(j, p->sites.items[i]);
	array_end(w);
	prerequisites_json(j, p);
	baselines_json(j, p);
	checks_json(j, p);
	phases_json(w, p);
	nodes_json(w, p);
	restores_json(j, p);
	automation_plan(j, p);
	/* every fact the plan rests on that the catalog does not confirm, as U1, U2... in the checklist */
	marks(j, &p->unconfirmed);
	object_end(w);
}

/* ---- the tables' contents ----------------------------------------------------------------- */

static void site_json(struct emit_json *j, const struct lw_site *s)
{
	static const char *const from[] = {
		[LW_URL_UNKNOWN] = NULL, [LW_URL_CATALOG] = "catalog", [LW_URL_ENVIRONMENT] = "environment",
		[LW_URL_COMMAND_LINE] = "command-line", [LW_URL_CONFIG] = "configuration",
	};
	struct jw *w = &j->w;
	object(w);
	kstring(w, "name", s->name);
	kstring(w, "title", s->display.text);
	kstring(w, "gather_url", s->url);
	kstring(w, "gather_url_from", from[s->url_from]);
	marks(j, &s->marks);
	object_end(w);
}

static void fixlet_json(struct emit_json *j, const struct lw_fixlet *f)
{
	static const char *const script_from[] = {NULL, "stdlib", "imported", "plan"};
	struct jw *w = &j->w;
	object(w);
	kstring(w, "kind", f->is_task ? "task" : "fixlet");
	kinteger(w, "id", f->id);
	key(w, "site");
	site_ref(j, f->site);
	kstring(w, "action", f->action);
	kstring(w, "title", f->title.text);
	kstring(w, "name", f->name);
	kstring(w, "restart", render_restart_name(f->restart));
	key(w, "parameters");
	array(w);
	for (size_t i = 0; i < f->parameters.len; i++) {
		const struct lw_parameter *pa = f->parameters.items[i];
		object(w);
		kstring(w, "name", pa->name.text);
		kstring(w, "description", pa->description.text);
		/* a secret's value is typed when the action is taken; the resolver keeps no default for it */
		kstring(w, "default", pa->secure ? NULL : pa->default_value.text);
		kboolean(w, "secure", pa->secure);
		object_end(w);
	}
	array_end(w);
	kstring(w, "imported_from", f->imported_from.text);
	kstring(w, "actionscript_from", script_from[f->script_from]);
	marks(j, &f->marks);
	object_end(w);
}

static void mark_json(struct jw *w, const struct lw_mark *m)
{
	object(w);
	kstring(w, "owner", m->owner);
	kstring(w, "field", m->field);
	kstring(w, "reason", m->reason.text);
	object_end(w);
}

/* ---- the document ------------------------------------------------------------------------- */

struct emit_json *emit_json_begin(struct arena *arena, const struct lw_program *program,
				  const struct json_build *build_info, struct textbuf *out)
{
	struct emit_json *j = arena_alloc(arena, sizeof *j);
	j->arena = arena;
	j->w = (struct jw){.out = out, .indent = build_info->indent, .first = true};
	table_init(&j->sites, arena);
	table_init(&j->fixlets, arena);
	table_init(&j->marks, arena);
	symtab_init(&j->text_index, arena);
	struct jw *w = &j->w;
	object(w);
	kinteger(w, "format_version", EMIT_JSON_FORMAT_VERSION);
	kstring(w, "generator", "bfplan");
	key(w, "inputs");
	array(w);
	for (size_t i = 0; i < program->sources.len; i++)
		string(w, program->sources.items[i]);
	array_end(w);
	key(w, "build");
	object(w);
	kstring(w, "component_form", build_info->component_form);
	kstring(w, "bes_line_ends", build_info->bes_line_ends);
	if (build_info->has_epoch)
		kinteger(w, "source_date_epoch", build_info->epoch);
	else
		knull(w, "source_date_epoch");
	key(w, "outputs");
	array(w);
	for (size_t i = 0; i < build_info->output_count; i++)
		string(w, build_info->outputs[i]);
	array_end(w);
	object_end(w);
	key(w, "plans");
	array(w);
	return j;
}

void emit_json_plan(struct emit_json *j, struct arena *plan_arena, const struct lw_plan *plan)
{
	j->plan_arena = plan_arena;
	arena_init_like(&j->step_arena, plan_arena);
	plan_json(j, plan);
	arena_free(&j->step_arena);
	j->plan_arena = NULL;
}

void emit_json_end(struct emit_json *j)
{
	struct jw *w = &j->w;
	array_end(w);
	key(w, "sites");
	array(w);
	/* a Fixlet's site joins the sites as the Fixlets are written: sites go first, so none is missed */
	for (size_t i = 0; i < j->fixlets.items.len; i++)
		table_ref(j, &j->sites, ((const struct lw_fixlet *)j->fixlets.items.items[i])->site);
	for (size_t i = 0; i < j->sites.items.len; i++)
		site_json(j, j->sites.items.items[i]);
	array_end(w);
	key(w, "fixlets");
	array(w);
	for (size_t i = 0; i < j->fixlets.items.len; i++)
		fixlet_json(j, j->fixlets.items.items[i]);
	array_end(w);
	/* after the sites and Fixlets, whose own marks join the table as they are written */
	key(w, "marks");
	array(w);
	for (size_t i = 0; i < j->marks.items.len; i++)
		mark_json(w, j->marks.items.items[i]);
	array_end(w);
	key(w, "texts");
	array(w);
	for (size_t i = 0; i < j->texts.len; i++)
		string(w, j->texts.items[i]);
	array_end(w);
	object_end(w);
	textbuf_putc(w->out, '\n');
}
