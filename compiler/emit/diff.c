/*
 * diff.c - comparing two lowered programs (see plandiff.h).
 */
#include "emit/diff.h"

#include <string.h>

#include <jansson.h>

#include "base/symtab.h"
#include "lower/render.h"

/* One fact of a plan: what the operator relies on, as one line of text. */
struct fact {
	const char *key;
	const char *value;
};

struct facts {
	struct arena *arena;
	struct ptrvec list;    /* struct fact *, in the plan's order */
	struct symtab by_key;  /* key -> struct fact * */
};

static void fact(struct facts *f, const char *key, const char *value)
{
	struct fact *x = arena_alloc(f->arena, sizeof *x);
	*x = (struct fact){key, value};
	/* a key given twice keeps its first value: keys name distinct things */
	if (symtab_put(&f->by_key, key, x) == x)
		ptrvec_push(f->arena, &f->list, x);
}

static const char *fixlet_ref(struct arena *a, const struct lw_fixlet *f)
{
	if (!f)
		return "none";
	return arena_printf(a, "%s %u (site %s)", render_fixlet_kind(f), (unsigned)f->id, f->site->name);
}

static const char *joined_nodes(struct arena *a, const struct ptrvec *nodes)
{
	const char *s = "";
	for (size_t i = 0; i < nodes->len; i++)
		s = arena_printf(a, "%s%s%s", s, i ? ", " : "", ((const struct lw_node *)nodes->items[i])->name);
	return s;
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
	fact(f, "node order", joined_nodes(a, &p->nodes));
	const char *holder = p->role_holder ? p->role_holder->name : "none";
	if (p->role)
		fact(f, "role holder", arena_printf(a, "%s (%s, server %s)", holder, p->role->name,
						    p->role->server.text ? p->role->server.text : "?"));
	const char *phases = "";
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		phases = arena_printf(a, "%s%s%u: %s", phases, i ? "; " : "", ph->number, joined_nodes(a, &ph->nodes));
	}
	fact(f, "phases", phases);
	fact(f, "max-down", arena_printf(a, "%u", p->max_down));
	fact(f, "quorum", render_quorum_name(p->quorum.model));
	fact(f, "window", p->window > 0 ? render_duration(a, p->window) : "none");
	fact(f, "worst case", render_duration(a, p->worst_case));
	for (size_t i = 0; i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		fact(f, arena_printf(a, "prerequisite %s", pr->name),
		     arena_printf(a, "provided by %s", fixlet_ref(a, pr->provider)));
	}
	for (size_t i = 0; i < p->baselines.len; i++) {
		const struct lw_baseline *bl = p->baselines.items[i];
		const char *parts = "";
		for (size_t k = 0; k < bl->components.len; k++) {
			const struct lw_component *c = bl->components.items[k];
			parts = arena_printf(a, "%s%s%s", parts, k ? ", " : "", fixlet_ref(a, c->fixlet));
		}
		fact(f, arena_printf(a, "baseline %s", bl->name), parts);
	}
	const char *order = "";
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		const char *where = render_targets(a, s->phase);
		order = arena_printf(a, "%s%s%s on %s", order, s->number > 1 ? "; " : "", s->item->name, where);
		fact(f, arena_printf(a, "step %s on %s", s->item->name, where),
		     arena_printf(a, "runs %s, timeout %s, on failure %s%s", step_runs(a, s), render_duration(a, s->item->timeout),
				  failure_words(a, s), s->item->optional ? ", optional" : ""));
	}
	fact(f, "steps in order", order);
}

static void gather(struct arena *arena, const struct lw_plan *p, struct facts *f)
{
	f->arena = arena;
	f->list = (struct ptrvec){0};
	symtab_init(&f->by_key, arena);
	plan_facts(f, p);
}

static void change(struct arena *a, struct ptrvec *changes, const char *plan, enum plandiff_kind kind,
		   const char *what, const char *old_value, const char *new_value)
{
	struct plandiff_change *c = arena_alloc(a, sizeof *c);
	*c = (struct plandiff_change){plan, kind, what, old_value, new_value};
	ptrvec_push(a, changes, c);
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
			change(a, changes, new_plan->name, PLANDIFF_ADDED, n->key, NULL, n->value);
		else if (strcmp(o->value, n->value) != 0)
			change(a, changes, new_plan->name, PLANDIFF_CHANGED, n->key, o->value, n->value);
	}
	for (size_t i = 0; i < before.list.len; i++) {
		const struct fact *o = before.list.items[i];
		if (!symtab_get(&after.by_key, o->key))
			change(a, changes, new_plan->name, PLANDIFF_REMOVED, o->key, o->value, NULL);
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

void plandiff_render_text(const struct ptrvec *changes, struct textbuf *out)
{
	const char *plan = NULL;
	for (size_t i = 0; i < changes->len; i++) {
		const struct plandiff_change *c = changes->items[i];
		if (!plan || strcmp(plan, c->plan) != 0) {
			textbuf_printf(out, "plan %s:\n", c->plan);
			plan = c->plan;
		}
		switch (c->kind) {
		case PLANDIFF_CHANGED:
			textbuf_printf(out, "  ~ %s: %s\n      -> %s\n", c->what, c->old_value, c->new_value);
			break;
		case PLANDIFF_ADDED: textbuf_printf(out, "  + %s: %s\n", c->what, c->new_value); break;
		case PLANDIFF_REMOVED: textbuf_printf(out, "  - %s: %s\n", c->what, c->old_value); break;
		}
	}
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* jansson's writer, into the buffer. */
static int put_json(const char *text, size_t len, void *buffer)
{
	textbuf_put(buffer, text, len);
	return 0;
}

bool plandiff_render_json(const struct ptrvec *changes, struct textbuf *out)
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
		     json_object_set_new(o, "new", string_or_null(c->new_value)) == 0 && json_array_append_new(list, o) == 0;
	}
	ok = ok && json_object_set(root, "changes", list) == 0;
	ok = ok && json_dump_callback(root, put_json, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0;
	if (ok)
		textbuf_putc(out, '\n');
	json_decref(list);
	json_decref(root);
	return ok;
}
