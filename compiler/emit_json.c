/*
 * emit_json.c - plan.json with jansson (see emit_json.h).
 *
 * jansson keeps object keys in insertion order, so the order below is the
 * order in the file.  Absent text is null, never an empty string, so a
 * reader can tell "not given" from "given as empty".
 */
#include "emit_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render.h"

struct js {
	struct arena *arena;
	const struct lw_plan *plan; /* the plan being written: its marks are numbered in it */
	bool failed; /* jansson returned NULL: out of memory */
};

static json_t *keep(struct js *j, json_t *v)
{
	if (!v)
		j->failed = true;
	return v;
}

/* A string, or null; text that is not UTF-8 (checked before the build) cannot reach here. */
static json_t *str(struct js *j, const char *s)
{
	if (!s)
		return json_null();
	json_t *v = json_string(s);
	return keep(j, v ? v : json_string("\xEF\xBF\xBD"));
}

static json_t *text(struct js *j, struct lw_text t)
{
	return str(j, t.text);
}

static json_t *integer(struct js *j, int64_t n)
{
	return keep(j, json_integer((json_int_t)n));
}

static void set(struct js *j, json_t *obj, const char *key, json_t *value)
{
	if (!value) {
		j->failed = true;
		return;
	}
	if (json_object_set_new(obj, key, value) != 0)
		j->failed = true;
}

static void push(struct js *j, json_t *arr, json_t *value)
{
	if (!value) {
		j->failed = true;
		return;
	}
	if (json_array_append_new(arr, value) != 0)
		j->failed = true;
}

static json_t *object(struct js *j)
{
	return keep(j, json_object());
}

static json_t *array(struct js *j)
{
	return keep(j, json_array());
}

/*
 * The numbers of the plan's unconfirmed facts these marks are, for
 * "unconfirmed" fields: the outer ones (a Fixlet's site) first, as the
 * checklist shows them.
 */
static json_t *mark_numbers(struct js *j, const struct cptrvec *inner, const struct cptrvec *outer)
{
	json_t *list = array(j);
	const struct cptrvec *both[] = {outer, inner};
	for (size_t k = 0; list && k < 2; k++)
		for (size_t i = 0; both[k] && i < both[k]->len; i++) {
			unsigned n = render_mark_number(j->plan, both[k]->items[i]);
			if (n)
				push(j, list, integer(j, n));
		}
	return list;
}

static json_t *parameters_json(struct js *j, const struct lw_fixlet *f)
{
	json_t *list = array(j);
	for (size_t i = 0; list && i < f->parameters.len; i++) {
		const struct lw_parameter *p = f->parameters.items[i];
		json_t *o = object(j);
		if (!o)
			break;
		set(j, o, "name", text(j, p->name));
		set(j, o, "description", text(j, p->description));
		set(j, o, "default", text(j, p->default_value));
		push(j, list, o);
	}
	return list;
}

static json_t *fixlet_ref(struct js *j, const struct lw_fixlet *f)
{
	if (!f)
		return json_null();
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "kind", str(j, f->is_task ? "task" : "fixlet"));
	set(j, o, "id", integer(j, f->id));
	set(j, o, "site", str(j, f->site->name));
	set(j, o, "site_title", text(j, f->site->display));
	set(j, o, "action", str(j, f->action));
	set(j, o, "title", text(j, f->title));
	set(j, o, "name", str(j, f->name));
	set(j, o, "restart", str(j, render_restart_name(f->restart)));
	set(j, o, "parameters", parameters_json(j, f));
	set(j, o, "imported_from", text(j, f->imported_from));
	static const char *const script_from[] = {NULL, "stdlib", "imported", "plan"};
	set(j, o, "actionscript_from", str(j, script_from[f->script_from]));
	set(j, o, "unconfirmed", mark_numbers(j, &f->marks, &f->site->marks));
	return o;
}

static json_t *names_of(struct js *j, const struct ptrvec *nodes)
{
	json_t *a = array(j);
	for (size_t i = 0; a && i < nodes->len; i++)
		push(j, a, str(j, ((const struct lw_node *)nodes->items[i])->name));
	return a;
}

static json_t *check_ref(struct js *j, const struct lw_check *c)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "code", str(j, c->code));
	set(j, o, "when", str(j, c->when == LW_PROVEN ? "proven" : "preflight"));
	set(j, o, "number", c->number ? integer(j, c->number) : json_null());
	set(j, o, "description", text(j, c->description));
	set(j, o, "prerequisite", str(j, c->prereq ? c->prereq->name : NULL));
	/* a proof that rests on a run-time fact says which pre-flight check establishes it */
	set(j, o, "rests_on", c->rests_on ? integer(j, c->rests_on->number) : json_null());
	return o;
}

static json_t *baseline_json(struct js *j, const struct lw_baseline *bl)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, bl->name));
	set(j, o, "title", text(j, bl->title));
	set(j, o, "bes_title", str(j, bl->bes_title));
	json_t *components = array(j);
	for (size_t i = 0; components && i < bl->components.len; i++)
		push(j, components, fixlet_ref(j, ((const struct lw_component *)bl->components.items[i])->fixlet));
	set(j, o, "components", components);
	return o;
}

/* What a step runs: a Fixlet/Task reference, or the plan's Baseline by name and title. */
static json_t *step_run(struct js *j, const struct lw_step *s)
{
	if (s->kind == LW_STEP_FIXLET)
		return fixlet_ref(j, s->fixlet);
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "kind", str(j, "baseline"));
	set(j, o, "name", str(j, s->baseline->name));
	set(j, o, "bes_title", str(j, s->baseline->bes_title));
	return o;
}

static json_t *restore_json(struct js *j, const struct lw_restore *r)
{
	if (!r)
		return json_null();
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, r->name));
	set(j, o, "title", text(j, r->title));
	set(j, o, "run", fixlet_ref(j, r->fixlet));
	set(j, o, "timeout_seconds", integer(j, r->timeout));
	return o;
}

/* The stdlib's advice for one target, filled in for it: what to verify, what to do on failure. */
static json_t *advice_json(struct js *j, const struct lw_plan *p, const struct lw_step *s)
{
	json_t *a = array(j);
	for (size_t i = 0; a && i < s->phase->nodes.len; i++) {
		const char *node = ((const struct lw_node *)s->phase->nodes.items[i])->name;
		json_t *o = object(j);
		if (!o)
			break;
		set(j, o, "node", str(j, node));
		set(j, o, "verify", str(j, render_advice(j->arena, s->verify.text, p, node)));
		set(j, o, "role_verify", s->role_only && p->role
				     ? str(j, render_advice(j->arena, p->role->verify.text, p, node))
				     : json_null());
		set(j, o, "on_failure", str(j, render_advice(j->arena, s->on_failure.text, p, node)));
		push(j, a, o);
	}
	return a;
}

static json_t *step_notes(struct js *j, const struct lw_plan *p, const struct lw_step *s)
{
	json_t *a = array(j);
	if (s->kind == LW_STEP_FIXLET) {
		if (a && s->fixlet->note.text)
			push(j, a, str(j, render_advice(j->arena, s->fixlet->note.text, p, NULL)));
		return a;
	}
	for (size_t i = 0; a && i < s->baseline->components.len; i++) {
		const struct lw_fixlet *f = ((const struct lw_component *)s->baseline->components.items[i])->fixlet;
		if (f->note.text)
			push(j, a, str(j, render_advice(j->arena, f->note.text, p, NULL)));
	}
	return a;
}

static json_t *step_json(struct js *j, const struct lw_plan *p, const struct lw_step *s)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "number", integer(j, s->number));
	set(j, o, "phase", integer(j, s->phase->number));
	set(j, o, "checklist", str(j, arena_printf(j->arena, "%u.%u", s->phase->number, s->index)));
	set(j, o, "name", str(j, s->name));
	set(j, o, "title", text(j, s->title));
	set(j, o, "run", step_run(j, s));
	set(j, o, "targets", names_of(j, &s->phase->nodes));
	json_t *after = array(j);
	for (size_t i = 0; after && i < s->after.len; i++)
		push(j, after, integer(j, ((const struct lw_step *)s->after.items[i])->number));
	set(j, o, "after", after);
	set(j, o, "timeout_seconds", integer(j, s->timeout));
	set(j, o, "start_seconds", integer(j, s->start));
	set(j, o, "from_state", str(j, s->from_state));
	set(j, o, "to_state", str(j, s->to_state));
	set(j, o, "optional", json_boolean(s->optional));
	set(j, o, "role_only", json_boolean(s->role_only));
	set(j, o, "failure_behavior", str(j, render_failure_name(s->failure)));
	set(j, o, "failure_step", s->failure == LW_FAILURE_STOP ? restore_json(j, s->restore) : json_null());
	set(j, o, "restore", restore_json(j, s->restore));
	json_t *guards = array(j);
	for (size_t i = 0; guards && i < s->guards.len; i++) {
		const struct lw_check *c = s->guards.items[i];
		if (c->when == LW_PREFLIGHT)
			push(j, guards, integer(j, c->number));
	}
	set(j, o, "preflight_checks", guards);
	set(j, o, "advice", advice_json(j, p, s));
	set(j, o, "notes", step_notes(j, p, s));
	set(j, o, "unconfirmed", mark_numbers(j, &s->marks, NULL));
	return o;
}

static json_t *automation_plan(struct js *j, const struct lw_plan *p)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, p->name));
	set(j, o, "type", str(j, "sequential"));
	set(j, o, "pending_restart", str(j, "pause-until-restart-completes"));
	set(j, o, "failure_step_targets", str(j, "all-step-targets"));
	json_t *steps = array(j);
	for (size_t i = 0; steps && i < p->steps.len; i++)
		push(j, steps, step_json(j, p, p->steps.items[i]));
	set(j, o, "steps", steps);
	return o;
}

static json_t *quorum_json(struct js *j, const struct lw_quorum *q)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "model", str(j, render_quorum_name(q->model)));
	set(j, o, "declared", json_boolean(q->declared));
	set(j, o, "rule", str(j, "more-than-half-of-votes"));
	set(j, o, "votes", integer(j, q->votes));
	set(j, o, "votes_kept", integer(j, q->votes_kept));
	set(j, o, "votes_needed", integer(j, q->votes_needed));
	set(j, o, "nodes_only_max_down", integer(j, q->simple_max_down));
	return o;
}

static json_t *plan_json(struct js *j, const struct lw_plan *p)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, p->name));
	set(j, o, "title", text(j, p->title));
	set(j, o, "bes_file", str(j, p->bes_file));
	set(j, o, "cluster", str(j, p->cluster));
	set(j, o, "os", str(j, p->os));
	set(j, o, "os_title", text(j, p->os_title));
	set(j, o, "os_unconfirmed", mark_numbers(j, &p->os_marks, NULL));
	json_t *nodes = array(j);
	for (size_t i = 0; nodes && i < p->cluster_nodes.len; i++)
		push(j, nodes, str(j, p->cluster_nodes.items[i]));
	set(j, o, "cluster_nodes", nodes);
	if (p->role) {
		json_t *r = object(j);
		if (r) {
			set(j, r, "name", str(j, p->role->name));
			set(j, r, "title", text(j, p->role->title));
			set(j, r, "server", text(j, p->role->server));
			set(j, r, "detect", fixlet_ref(j, p->role->detect));
			set(j, r, "check", p->role_check ? integer(j, p->role_check->number) : json_null());
			set(j, r, "unconfirmed", mark_numbers(j, &p->role->marks, NULL));
		}
		set(j, o, "role", r);
	} else {
		set(j, o, "role", json_null());
	}
	set(j, o, "order", str(j, render_order_name(p->order)));
	set(j, o, "max_down", integer(j, p->max_down));
	set(j, o, "quorum", quorum_json(j, &p->quorum));
	set(j, o, "window_seconds", p->window > 0 ? integer(j, p->window) : json_null());
	set(j, o, "worst_case_seconds", integer(j, p->worst_case));

	json_t *sites = array(j);
	for (size_t i = 0; sites && i < p->sites.len; i++) {
		const struct lw_site *s = p->sites.items[i];
		json_t *so = object(j);
		if (!so)
			break;
		static const char *const from[] = {NULL, "catalog", "environment", "command-line"};
		set(j, so, "name", str(j, s->name));
		set(j, so, "title", text(j, s->display));
		set(j, so, "gather_url", str(j, s->url));
		set(j, so, "gather_url_from", str(j, from[s->url_from]));
		set(j, so, "unconfirmed", mark_numbers(j, &s->marks, NULL));
		push(j, sites, so);
	}
	set(j, o, "sites", sites);

	json_t *prereqs = array(j);
	for (size_t i = 0; prereqs && i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		json_t *po = object(j);
		if (!po)
			break;
		set(j, po, "number", integer(j, pr->number));
		set(j, po, "name", str(j, pr->name));
		set(j, po, "title", text(j, pr->title));
		set(j, po, "detect", text(j, pr->detect));
		set(j, po, "provider", fixlet_ref(j, pr->provider));
		json_t *needs = array(j);
		for (size_t k = 0; needs && k < pr->needs.len; k++)
			push(j, needs, str(j, ((const struct lw_prereq *)pr->needs.items[k])->name));
		set(j, po, "needs", needs);
		set(j, po, "note", str(j, render_advice(j->arena, pr->note.text, p, NULL)));
		set(j, po, "preflight_fixlet", str(j, pr->preflight_title));
		set(j, po, "unconfirmed", mark_numbers(j, &pr->marks, NULL));
		push(j, prereqs, po);
	}
	set(j, o, "prerequisites", prereqs);

	json_t *baselines = array(j);
	for (size_t i = 0; baselines && i < p->baselines.len; i++)
		push(j, baselines, baseline_json(j, p->baselines.items[i]));
	set(j, o, "baselines", baselines);

	json_t *checks = array(j);
	for (size_t i = 0; checks && i < p->checks.len; i++)
		push(j, checks, check_ref(j, p->checks.items[i]));
	set(j, o, "checks", checks);

	json_t *phases = array(j);
	for (size_t i = 0; phases && i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		json_t *pho = object(j);
		if (!pho)
			break;
		set(j, pho, "number", integer(j, ph->number));
		set(j, pho, "nodes", names_of(j, &ph->nodes));
		json_t *steps = array(j);
		for (size_t k = 0; steps && k < ph->steps.len; k++)
			push(j, steps, integer(j, ((const struct lw_step *)ph->steps.items[k])->number));
		set(j, pho, "steps", steps);
		set(j, pho, "start_seconds", integer(j, ph->start));
		set(j, pho, "worst_case_seconds", integer(j, ph->worst_case));
		push(j, phases, pho);
	}
	set(j, o, "phases", phases);

	json_t *seq = array(j);
	for (size_t i = 0; seq && i < p->nodes.len; i++) {
		const struct lw_node *n = p->nodes.items[i];
		json_t *no = object(j);
		if (!no)
			break;
		set(j, no, "name", str(j, n->name));
		set(j, no, "position", integer(j, n->position));
		set(j, no, "role_holder", json_boolean(n->role_holder));
		set(j, no, "phase", integer(j, n->phase->number));
		push(j, seq, no);
	}
	set(j, o, "nodes", seq);
	set(j, o, "automation_plan", automation_plan(j, p));
	/* every fact the plan rests on that the catalog does not confirm; the "unconfirmed" fields point here */
	json_t *marks = array(j);
	for (size_t i = 0; marks && i < p->unconfirmed.len; i++) {
		const struct lw_mark *m = p->unconfirmed.items[i];
		json_t *mo = object(j);
		if (!mo)
			break;
		set(j, mo, "number", integer(j, (json_int_t)i + 1));
		set(j, mo, "owner", str(j, m->owner));
		set(j, mo, "field", str(j, m->field));
		set(j, mo, "reason", text(j, m->reason));
		push(j, marks, mo);
	}
	set(j, o, "unconfirmed", marks);
	return o;
}

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

/* Dumps `value` (consumed) in the file's format; NULL if jansson failed anywhere. */
static char *dump(struct js *j, json_t *value)
{
	char *text = !j->failed && value ? json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(value);
	return text;
}

static bool out_of_memory(struct diag_sink *diags)
{
	diag_report(diags, BFP406, nowhere, "cannot render plan.json: out of memory");
	return false;
}

bool emit_json_begin(struct arena *arena, const struct lw_program *program, const struct json_build *build_info,
		     struct diag_sink *diags, struct textbuf *out)
{
	struct js j = {.arena = arena};
	json_t *root = object(&j);
	if (root) {
		set(&j, root, "format_version", integer(&j, EMIT_JSON_FORMAT_VERSION));
		set(&j, root, "generator", str(&j, "bfplan"));
		json_t *files = array(&j);
		for (size_t i = 0; files && i < program->sources.len; i++)
			push(&j, files, str(&j, program->sources.items[i]));
		set(&j, root, "inputs", files);
		json_t *build = object(&j);
		if (build) {
			set(&j, build, "component_form", str(&j, build_info->component_form));
			set(&j, build, "bes_line_ends", str(&j, build_info->bes_line_ends));
			set(&j, build, "source_date_epoch",
			    build_info->has_epoch ? integer(&j, build_info->epoch) : json_null());
		}
		set(&j, root, "build", build);
	}
	char *text = dump(&j, root);
	if (!text)
		return out_of_memory(diags);
	/* the envelope without its closing "\n}", to go on with the plans */
	size_t len = strlen(text);
	textbuf_put(out, text, len >= 2 ? len - 2 : len);
	textbuf_puts(out, ",\n  \"plans\": [");
	free(text);
	return true;
}

bool emit_json_plan(struct arena *arena, const struct lw_plan *plan, size_t index, struct diag_sink *diags,
		    struct textbuf *out)
{
	struct js j = {.arena = arena, .plan = plan};
	char *text = dump(&j, plan_json(&j, plan));
	if (!text)
		return out_of_memory(diags);
	/* an element of an array at depth 2: every line indented four more spaces */
	textbuf_puts(out, index ? ",\n    " : "\n    ");
	const char *run = text;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			textbuf_put(out, run, (size_t)(p - run) + 1);
			textbuf_puts(out, "    ");
			run = p + 1;
		}
	}
	textbuf_puts(out, run);
	free(text);
	return true;
}

void emit_json_end(const struct lw_program *program, struct textbuf *out)
{
	textbuf_puts(out, program->plans.len ? "\n  ]\n}\n" : "]\n}\n");
}

bool emit_json_program(struct arena *arena, const struct lw_program *program,
		       const struct json_build *build_info, struct diag_sink *diags, struct textbuf *out)
{
	if (!emit_json_begin(arena, program, build_info, diags, out))
		return false;
	for (size_t i = 0; i < program->plans.len; i++)
		if (!emit_json_plan(arena, program->plans.items[i], i, diags, out))
			return false;
	emit_json_end(program, out);
	return true;
}
