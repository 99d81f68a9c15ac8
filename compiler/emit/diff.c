/*
 * diff.c - comparing two lowered programs (see plandiff.h).
 */
#include "emit/diff.h"

#include <string.h>

#include <jansson.h>

#include "base/escape.h"
#include "base/symtab.h"
#include "base/textbuf.h"
#include "lower/render.h"

/* One fact of a plan: what the operator relies on, as one line of text. */
struct fact {
	const char *key;
	const char *value;
	struct plandiff_value typed;
};

struct facts {
	struct arena *arena;
	struct ptrvec list;    /* struct fact *, in the plan's order */
	struct symtab by_key;  /* key -> struct fact * */
};

static void typed_fact(struct facts *f, const char *key, const char *value, struct plandiff_value typed)
{
	struct fact *x = arena_alloc(f->arena, sizeof *x);
	*x = (struct fact){key, value, typed};
	/* a key given twice keeps its first value: keys name distinct things */
	if (symtab_put(&f->by_key, key, x) == x)
		ptrvec_push(f->arena, &f->list, x);
}

static void fact(struct facts *f, const char *key, const char *value)
{
	typed_fact(f, key, value, (struct plandiff_value){PLANDIFF_TEXT, 0, NULL, false});
}

static struct plandiff_value count_of(uint64_t n)
{
	return (struct plandiff_value){PLANDIFF_COUNT, n, NULL, false};
}

static struct plandiff_value seconds_of(uint64_t n)
{
	return (struct plandiff_value){PLANDIFF_SECONDS, n, NULL, false};
}

static struct plandiff_value names_of(const struct ptrvec *nodes)
{
	return (struct plandiff_value){PLANDIFF_NAMES, 0, nodes, false};
}

static const char *fixlet_ref(struct arena *a, const struct lw_fixlet *f)
{
	if (!f)
		return "none";
	return arena_printf(a, "%s %u (site %s)", render_fixlet_kind(f), (unsigned)f->id, f->site->name);
}

static void put_nodes(struct textbuf *b, const struct ptrvec *nodes)
{
	for (size_t i = 0; i < nodes->len; i++) {
		textbuf_puts(b, i ? ", " : "");
		textbuf_puts(b, ((const struct lw_node *)nodes->items[i])->name);
	}
}

static const char *joined_nodes(struct arena *a, const struct ptrvec *nodes)
{
	struct textbuf b;
	textbuf_init(&b, a);
	put_nodes(&b, nodes);
	return b.data;
}

static const char *step_runs(struct arena *a, const struct lw_step *s)
{
	if (s->item->kind == LW_STEP_FIXLET)
		return fixlet_ref(a, s->item->fixlet);
	return arena_printf(a, "Baseline %s", s->item->baseline->name);
}

static const char *failure_words(struct arena *a, const struct lw_step *s)
{
	switch (s->item->failure) {
	case LW_FAILURE_STOP:
		return s->restore ? arena_printf(a, "%s (%s), then stop", s->restore->name,
						 fixlet_ref(a, s->restore->fixlet))
				  : "stop";
	case LW_FAILURE_HOLD: return "stop and hold the nodes";
	case LW_FAILURE_CONTINUE: return "go on (optional)";
	}
	return "stop";
}

/* Everything the operator depends on in one plan, as facts. */
static void plan_facts(struct facts *f, const struct lw_plan *p)
{
	struct arena *a = f->arena;
	fact(f, "cluster", arena_printf(a, "%s (%s)", p->cluster, p->os));
	typed_fact(f, "node order", joined_nodes(a, &p->nodes), names_of(&p->nodes));
	const char *holder = p->role_holder ? p->role_holder->name : "none";
	if (p->role)
		fact(f, "role holder", arena_printf(a, "%s (%s, server %s)", holder, p->role->name,
						    p->role->server.text ? p->role->server.text : "?"));
	struct textbuf phases;
	textbuf_init(&phases, a);
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		textbuf_printf(&phases, "%s%u: ", i ? "; " : "", ph->number);
		put_nodes(&phases, &ph->nodes);
	}
	fact(f, "phases", phases.data);
	typed_fact(f, "max-down", arena_printf(a, "%u", p->max_down), count_of(p->max_down));
	fact(f, "quorum", render_quorum_name(p->quorum.model));
	struct plandiff_value window = seconds_of(p->window > 0 ? (uint64_t)p->window : 0);
	window.none = p->window <= 0;
	typed_fact(f, "window", p->window > 0 ? render_duration(a, p->window) : "none", window);
	typed_fact(f, "worst case", render_duration(a, p->worst_case), seconds_of((uint64_t)p->worst_case));
	/* `restart as-step` changes it, and the operator must change it in the plan editor */
	fact(f, "pending restart setting", render_pending_restart_name(p->automation.pending_restart));
	for (size_t i = 0; i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		fact(f, arena_printf(a, "prerequisite %s", pr->name),
		     arena_printf(a, "provided by %s", fixlet_ref(a, pr->provider)));
	}
	for (size_t i = 0; i < p->baselines.len; i++) {
		const struct lw_baseline *bl = p->baselines.items[i];
		struct textbuf parts;
		textbuf_init(&parts, a);
		for (size_t k = 0; k < bl->components.len; k++) {
			const struct lw_component *c = bl->components.items[k];
			textbuf_sep(&parts, ", ");
			textbuf_puts(&parts, fixlet_ref(a, c->fixlet));
		}
		fact(f, arena_printf(a, "baseline %s", bl->name), parts.data);
	}
	struct textbuf order;
	textbuf_init(&order, a);
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		const char *where = render_targets(a, s->phase);
		textbuf_printf(&order, "%s%s on %s", s->number > 1 ? "; " : "", s->item->name, where);
		fact(f, arena_printf(a, "step %s on %s", s->item->name, where),
		     arena_printf(a, "runs %s, timeout %s, on failure %s%s", step_runs(a, s), render_duration(a, s->item->timeout),
				  failure_words(a, s), s->item->optional ? ", optional" : ""));
	}
	fact(f, "steps in order", order.data);
	/* what the reviewer relies on: each proof, and each fact nobody has confirmed */
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->when == LW_PROVEN && c->code)
			fact(f, arena_printf(a, "proof %s", c->code), c->description.text ? c->description.text : c->code);
	}
	for (size_t i = 0; i < p->unconfirmed.len; i++) {
		const struct lw_mark *m = p->unconfirmed.items[i];
		fact(f, arena_printf(a, "unconfirmed: %s%s%s", m->owner ? m->owner : "?", m->field ? ", " : "",
				     m->field ? m->field : ""),
		     m->reason.text ? m->reason.text : "no reason given");
	}
}

static void gather(struct arena *arena, const struct lw_plan *p, struct facts *f)
{
	f->arena = arena;
	f->list = (struct ptrvec){0};
	symtab_init(&f->by_key, arena);
	plan_facts(f, p);
}

static struct plandiff_change *change(struct arena *a, struct ptrvec *changes, const char *plan,
				      enum plandiff_kind kind, const char *what, const char *old_value,
				      const char *new_value)
{
	struct plandiff_change *c = arena_alloc(a, sizeof *c);
	*c = (struct plandiff_change){plan, kind, what, old_value, new_value, {0}, {0}};
	ptrvec_push(a, changes, c);
	return c;
}

static const struct lw_plan *find_plan(const struct lw_program *prog, const char *name)
{
	for (size_t i = 0; i < prog->plans.len; i++) {
		const struct lw_plan *p = prog->plans.items[i];
		if (strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

static void diff_plan(struct arena *a, const struct lw_plan *old, const struct lw_plan *new_plan,
		      struct ptrvec *changes)
{
	struct facts before, after;
	gather(a, old, &before);
	gather(a, new_plan, &after);
	for (size_t i = 0; i < after.list.len; i++) {
		const struct fact *n = after.list.items[i];
		const struct fact *o = symtab_get(&before.by_key, n->key);
		if (!o)
			change(a, changes, new_plan->name, PLANDIFF_ADDED, n->key, NULL, n->value)->new_typed = n->typed;
		else if (strcmp(o->value, n->value) != 0) {
			struct plandiff_change *c = change(a, changes, new_plan->name, PLANDIFF_CHANGED, n->key,
							   o->value, n->value);
			c->old_typed = o->typed;
			c->new_typed = n->typed;
		}
	}
	for (size_t i = 0; i < before.list.len; i++) {
		const struct fact *o = before.list.items[i];
		if (!symtab_get(&after.by_key, o->key))
			change(a, changes, new_plan->name, PLANDIFF_REMOVED, o->key, o->value, NULL)->old_typed = o->typed;
	}
}

void plandiff(struct arena *arena, const struct lw_program *old, const struct lw_program *new_program,
	      struct ptrvec *changes)
{
	for (size_t i = 0; i < new_program->plans.len; i++) {
		const struct lw_plan *n = new_program->plans.items[i];
		const struct lw_plan *o = find_plan(old, n->name);
		if (o)
			diff_plan(arena, o, n, changes);
		else
			change(arena, changes, n->name, PLANDIFF_ADDED, "plan", NULL,
			       arena_printf(arena, "cluster %s, %zu steps", n->cluster, n->step_count));
	}
	for (size_t i = 0; i < old->plans.len; i++) {
		const struct lw_plan *o = old->plans.items[i];
		if (!find_plan(new_program, o->name))
			change(arena, changes, o->name, PLANDIFF_REMOVED, "plan",
			       arena_printf(arena, "cluster %s, %zu steps", o->cluster, o->step_count), NULL);
	}
}

/*
 * Plan text for a terminal, a CI log or a pull-request comment: what must
 * not get there raw (control and bidi characters, line separators, bytes
 * that are not UTF-8) is shown escaped, as in diagnostics.
 */
static void put_shown(struct textbuf *out, const char *s)
{
	size_t len = strlen(s);
	char escape[ESC_TERMINAL_MAX];
	for (size_t i = 0; i < len;) {
		size_t n = esc_terminal_char(s + i, len - i, escape);
		if (escape[0])
			textbuf_puts(out, escape);
		else
			textbuf_put(out, s + i, n);
		i += n;
	}
}

/* "PREFIX WHAT: VALUE", each part shown safely. */
static void put_line(struct textbuf *out, const char *prefix, const char *what, const char *value)
{
	textbuf_puts(out, prefix);
	put_shown(out, what);
	textbuf_puts(out, ": ");
	put_shown(out, value);
	textbuf_putc(out, '\n');
}

/* ---- the summary ------------------------------------------------------------------- */

struct tally {
	unsigned plans[3], steps[3], nodes_added, nodes_removed, others;
	const char *window, *worst; /* "6h -> 8h" */
};

/* How many of `a`'s nodes `b` lacks. */
static unsigned missing_from(const struct ptrvec *a, const struct ptrvec *b)
{
	unsigned n = 0;
	for (size_t i = 0; a && i < a->len; i++) {
		bool found = false;
		for (size_t k = 0; b && k < b->len && !found; k++)
			found = strcmp(((const struct lw_node *)a->items[i])->name,
				       ((const struct lw_node *)b->items[k])->name) == 0;
		n += !found;
	}
	return n;
}

static void count_change(struct arena *arena, struct tally *t, const struct plandiff_change *c)
{
	if (strcmp(c->what, "plan") == 0)
		t->plans[c->kind]++;
	else if (strncmp(c->what, "step ", 5) == 0)
		t->steps[c->kind]++;
	else if (strcmp(c->what, "node order") == 0) {
		t->nodes_added += missing_from(c->new_typed.names, c->old_typed.names);
		t->nodes_removed += missing_from(c->old_typed.names, c->new_typed.names);
	} else if (strcmp(c->what, "window") == 0 && c->kind == PLANDIFF_CHANGED)
		t->window = arena_printf(arena, "%s -> %s", c->old_value, c->new_value);
	else if (strcmp(c->what, "worst case") == 0 && c->kind == PLANDIFF_CHANGED)
		t->worst = arena_printf(arena, "%s -> %s", c->old_value, c->new_value);
	else if (strcmp(c->what, "steps in order") != 0 && strcmp(c->what, "phases") != 0)
		t->others++; /* the order and the phases follow from the steps and nodes counted */
}

static const char *counted(struct arena *a, const char *text, unsigned n, const char *noun, const char *verb)
{
	if (!n)
		return text;
	return arena_printf(a, "%s%s%u %s%s %s", text, text[0] ? ", " : "", n, noun, n == 1 ? "" : "s", verb);
}

const char *plandiff_summary(struct arena *arena, const struct ptrvec *changes)
{
	struct tally t = {0};
	for (size_t i = 0; i < changes->len; i++)
		count_change(arena, &t, changes->items[i]);
	static const char *const verbs[] = {"changed", "added", "removed"};
	const char *s = "";
	for (int k = 0; k < 3; k++)
		s = counted(arena, s, t.plans[k], "plan", verbs[k]);
	for (int k = 0; k < 3; k++)
		s = counted(arena, s, t.steps[k], "step", verbs[k]);
	s = counted(arena, s, t.nodes_added, "node", "added");
	s = counted(arena, s, t.nodes_removed, "node", "removed");
	if (t.window)
		s = arena_printf(arena, "%s%swindow %s", s, s[0] ? ", " : "", t.window);
	if (t.worst)
		s = arena_printf(arena, "%s%sworst case %s", s, s[0] ? ", " : "", t.worst);
	if (t.others)
		s = arena_printf(arena, "%s%s%u other change%s", s, s[0] ? ", " : "", t.others, t.others == 1 ? "" : "s");
	return s[0] ? s : "no change for the operator";
}

void plandiff_render_text(struct arena *arena, const struct ptrvec *changes, struct textbuf *out)
{
	const char *plan = NULL;
	for (size_t i = 0; i < changes->len; i++) {
		const struct plandiff_change *c = changes->items[i];
		if (!plan || strcmp(plan, c->plan) != 0) {
			textbuf_puts(out, "plan ");
			put_shown(out, c->plan);
			textbuf_puts(out, ":\n");
			plan = c->plan;
		}
		switch (c->kind) {
		case PLANDIFF_CHANGED:
			put_line(out, "  ~ ", c->what, c->old_value);
			textbuf_puts(out, "      -> ");
			put_shown(out, c->new_value);
			textbuf_putc(out, '\n');
			break;
		case PLANDIFF_ADDED: put_line(out, "  + ", c->what, c->new_value); break;
		case PLANDIFF_REMOVED: put_line(out, "  - ", c->what, c->old_value); break;
		}
	}
	if (changes->len)
		textbuf_printf(out, "%s\n", plandiff_summary(arena, changes));
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A value as data: a number, a list of names, or (for text and for none at all) the text or null. */
static json_t *typed(const struct plandiff_value *v, const char *text)
{
	if (!text)
		return json_null();
	switch (v->type) {
	case PLANDIFF_COUNT: return json_integer((json_int_t)v->number);
	case PLANDIFF_SECONDS: return v->none ? json_null() : json_integer((json_int_t)v->number);
	case PLANDIFF_NAMES: {
		json_t *list = json_array();
		for (size_t i = 0; v->names && i < v->names->len; i++)
			json_array_append_new(list, json_string(((const struct lw_node *)v->names->items[i])->name));
		return list;
	}
	case PLANDIFF_TEXT: break;
	}
	return json_string(text);
}

static const char *unit_of(const struct plandiff_change *c)
{
	const struct plandiff_value *v = c->kind == PLANDIFF_REMOVED ? &c->old_typed : &c->new_typed;
	switch (v->type) {
	case PLANDIFF_COUNT: return "count";
	case PLANDIFF_SECONDS: return "seconds";
	case PLANDIFF_NAMES: return "names";
	case PLANDIFF_TEXT: break;
	}
	return "text";
}

/* jansson's writer, into the buffer. */
static int put_json(const char *text, size_t len, void *buffer)
{
	textbuf_put(buffer, text, len);
	return 0;
}

bool plandiff_render_json(struct arena *arena, const struct ptrvec *changes, struct textbuf *out)
{
	static const char *const kinds[] = {"changed", "added", "removed"};
	json_t *root = json_object(), *list = json_array();
	bool ok = root && list;
	ok = ok && json_object_set_new(root, "format_version", json_integer(PLANDIFF_FORMAT_VERSION)) == 0;
	ok = ok && json_object_set_new(root, "changed", json_boolean(changes->len > 0)) == 0;
	for (size_t i = 0; ok && i < changes->len; i++) {
		const struct plandiff_change *c = changes->items[i];
		json_t *o = json_object();
		ok = o && json_object_set_new(o, "plan", json_string(c->plan)) == 0 &&
		     json_object_set_new(o, "kind", json_string(kinds[c->kind])) == 0 &&
		     json_object_set_new(o, "what", json_string(c->what)) == 0 &&
		     json_object_set_new(o, "old", string_or_null(c->old_value)) == 0 &&
		     json_object_set_new(o, "new", string_or_null(c->new_value)) == 0 &&
		     json_object_set_new(o, "type", json_string(unit_of(c))) == 0 &&
		     json_object_set_new(o, "old_value", typed(&c->old_typed, c->old_value)) == 0 &&
		     json_object_set_new(o, "new_value", typed(&c->new_typed, c->new_value)) == 0 &&
		     json_array_append_new(list, o) == 0;
	}
	ok = ok && json_object_set_new(root, "summary", json_string(plandiff_summary(arena, changes))) == 0;
	ok = ok && json_object_set(root, "changes", list) == 0;
	ok = ok && json_dump_callback(root, put_json, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0;
	if (ok)
		textbuf_putc(out, '\n');
	json_decref(list);
	json_decref(root);
	return ok;
}
