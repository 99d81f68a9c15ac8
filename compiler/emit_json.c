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

#include "emit_bes.h"

struct js {
	struct arena *arena;
	const struct emit_options *opts;
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
	set(j, o, "restart", str(j, emit_restart_name(f->restart)));
	return o;
}

static json_t *components(struct js *j, const struct lw_step *s)
{
	json_t *a = array(j);
	for (size_t i = 0; a && i < s->components.len; i++) {
		const struct lw_component *c = s->components.items[i];
		push(j, a, fixlet_ref(j, c->fixlet));
	}
	return a;
}

static json_t *check_ref(struct js *j, const struct lw_check *c)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "code", str(j, c->code));
	set(j, o, "when", str(j, c->when == LW_PROVEN ? "proven" : "preflight"));
	set(j, o, "description", text(j, c->description));
	set(j, o, "prerequisite", str(j, c->prereq ? c->prereq->name : NULL));
	return o;
}

/* The object a step runs: a Fixlet/Task reference, or a baseline with its components. */
static json_t *step_object(struct js *j, const struct lw_step *s)
{
	if (s->kind == LW_STEP_FIXLET && s->components.len == 1) {
		const struct lw_component *c = s->components.items[0];
		return fixlet_ref(j, c->fixlet);
	}
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "kind", str(j, "baseline"));
	set(j, o, "name", str(j, s->baseline_name));
	set(j, o, "title", text(j, s->baseline_title));
	set(j, o, "components", components(j, s));
	return o;
}

static json_t *failure_step(struct js *j, const struct lw_step *f)
{
	if (!f)
		return json_null();
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, f->name));
	set(j, o, "title", text(j, f->title));
	set(j, o, "target", str(j, f->node));
	set(j, o, "object", step_object(j, f));
	return o;
}

static json_t *step_json(struct js *j, const struct lw_node *n, size_t index, const struct lw_step *s)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "id", str(j, arena_printf(j->arena, "%u.%zu", n->position, index + 1)));
	set(j, o, "name", str(j, s->name));
	set(j, o, "title", text(j, s->title));
	set(j, o, "kind", str(j, s->kind == LW_STEP_BASELINE ? "baseline" : "fixlet"));
	if (s->kind == LW_STEP_BASELINE) {
		json_t *bl = object(j);
		if (bl) {
			set(j, bl, "name", str(j, s->baseline_name));
			set(j, bl, "title", text(j, s->baseline_title));
		}
		set(j, o, "baseline", bl);
	} else {
		set(j, o, "baseline", json_null());
	}
	set(j, o, "target", str(j, s->node));
	set(j, o, "from_state", str(j, s->from_state));
	set(j, o, "to_state", str(j, s->to_state));
	set(j, o, "timeout_seconds", integer(j, s->timeout));
	set(j, o, "optional", json_boolean(s->optional));
	set(j, o, "role_only", json_boolean(s->role_only));
	set(j, o, "components", components(j, s));
	json_t *guards = array(j);
	for (size_t i = 0; guards && i < s->guards.len; i++)
		push(j, guards, check_ref(j, s->guards.items[i]));
	set(j, o, "guards", guards);
	set(j, o, "verify", text(j, s->verify));
	set(j, o, "on_failure", failure_step(j, s->on_failure));
	return o;
}

static json_t *automation_plan(struct js *j, const struct lw_plan *p)
{
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, p->name));
	set(j, o, "execution", str(j, "sequential"));
	set(j, o, "pending_restart", str(j, "pause-until-restart-completes"));
	json_t *steps = array(j);
	unsigned number = 0;
	for (size_t i = 0; steps && i < p->nodes.len; i++) {
		const struct lw_node *n = p->nodes.items[i];
		for (size_t k = 0; k < n->steps.len; k++) {
			const struct lw_step *s = n->steps.items[k];
			json_t *st = object(j);
			if (!st)
				break;
			set(j, st, "number", integer(j, ++number));
			set(j, st, "step", str(j, arena_printf(j->arena, "%u.%zu", n->position, k + 1)));
			set(j, st, "object", step_object(j, s));
			json_t *targets = array(j);
			if (targets)
				push(j, targets, str(j, s->node));
			set(j, st, "targets", targets);
			set(j, st, "failure_step", failure_step(j, s->on_failure));
			set(j, st, "failure_behavior", str(j, s->optional ? "continue-on-all-targets" : "stop-plan"));
			set(j, st, "timeout_seconds", integer(j, s->timeout));
			push(j, steps, st);
		}
	}
	set(j, o, "steps", steps);
	return o;
}

static json_t *plan_json(struct js *j, const struct lw_plan *p)
{
	struct arena *a = j->arena;
	json_t *o = object(j);
	if (!o)
		return NULL;
	set(j, o, "name", str(j, p->name));
	set(j, o, "title", text(j, p->title));
	set(j, o, "bes_file", str(j, emit_bes_file_name(a, p)));
	set(j, o, "cluster", str(j, p->cluster));
	set(j, o, "os", str(j, p->os));
	set(j, o, "os_title", text(j, p->os_title));
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
			set(j, r, "verify", text(j, p->role->verify));
		}
		set(j, o, "role", r);
	} else {
		set(j, o, "role", json_null());
	}
	set(j, o, "order", str(j, emit_order_name(p->order)));
	set(j, o, "max_down", integer(j, p->max_down));
	set(j, o, "window_seconds", p->window > 0 ? integer(j, p->window) : json_null());
	set(j, o, "worst_case_seconds", integer(j, p->worst_case));

	json_t *sites = array(j);
	for (size_t i = 0; sites && i < p->sites.len; i++) {
		const struct lw_site *s = p->sites.items[i];
		json_t *so = object(j);
		if (!so)
			break;
		const char *url = emit_gather_url(j->opts, s);
		set(j, so, "name", str(j, s->name));
		set(j, so, "title", text(j, s->display));
		set(j, so, "gather_url", str(j, url));
		set(j, so, "gather_url_from",
		    str(j, !url ? NULL
			   : s->gather_url.text && strcmp(url, s->gather_url.text) == 0 ? "catalog"
											 : "command-line"));
		push(j, sites, so);
	}
	set(j, o, "sites", sites);

	json_t *prereqs = array(j);
	for (size_t i = 0; prereqs && i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		json_t *po = object(j);
		if (!po)
			break;
		set(j, po, "name", str(j, pr->name));
		set(j, po, "title", text(j, pr->title));
		set(j, po, "detect", text(j, pr->detect));
		set(j, po, "provider", fixlet_ref(j, pr->provider));
		json_t *needs = array(j);
		for (size_t k = 0; needs && k < pr->needs.len; k++) {
			const struct lw_prereq *n = pr->needs.items[k];
			push(j, needs, str(j, n->name));
		}
		set(j, po, "needs", needs);
		set(j, po, "note", text(j, pr->note));
		set(j, po, "preflight_fixlet", str(j, emit_bes_preflight_title(a, p, pr)));
		push(j, prereqs, po);
	}
	set(j, o, "prerequisites", prereqs);

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
		json_t *names = array(j);
		for (size_t k = 0; names && k < ph->nodes.len; k++) {
			const struct lw_node *n = ph->nodes.items[k];
			push(j, names, str(j, n->name));
		}
		set(j, pho, "nodes", names);
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
		set(j, no, "baseline", str(j, emit_bes_baseline_title(a, p, n)));
		json_t *steps = array(j);
		for (size_t k = 0; steps && k < n->steps.len; k++)
			push(j, steps, step_json(j, n, k, n->steps.items[k]));
		set(j, no, "steps", steps);
		push(j, seq, no);
	}
	set(j, o, "nodes", seq);
	set(j, o, "automation_plan", automation_plan(j, p));
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

bool emit_json_begin(struct arena *arena, const struct lw_program *program, const struct emit_options *opts,
		     struct diag_sink *diags, struct textbuf *out)
{
	struct js j = {.arena = arena, .opts = opts};
	json_t *root = object(&j);
	if (root) {
		set(&j, root, "format_version", integer(&j, EMIT_JSON_FORMAT_VERSION));
		set(&j, root, "generator", str(&j, "bfplan"));
		json_t *files = array(&j);
		for (size_t i = 0; files && i < program->files.len; i++)
			push(&j, files, str(&j, program->files.items[i]));
		set(&j, root, "inputs", files);
		json_t *build = object(&j);
		if (build) {
			set(&j, build, "component_form",
			    str(&j, opts->components == EMIT_COMPONENTS_FULL ? "full" : "reference"));
			set(&j, build, "bes_line_ends", str(&j, opts->newline == EMIT_NEWLINE_LF ? "lf" : "crlf"));
			set(&j, build, "source_date_epoch", opts->has_epoch ? integer(&j, opts->epoch) : json_null());
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

bool emit_json_plan(struct arena *arena, const struct lw_plan *plan, const struct emit_options *opts,
		    size_t index, struct diag_sink *diags, struct textbuf *out)
{
	struct js j = {.arena = arena, .opts = opts};
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
		       const struct emit_options *opts, struct diag_sink *diags, struct textbuf *out)
{
	if (!emit_json_begin(arena, program, opts, diags, out))
		return false;
	for (size_t i = 0; i < program->plans.len; i++)
		if (!emit_json_plan(arena, program->plans.items[i], opts, i, diags, out))
			return false;
	emit_json_end(program, out);
	return true;
}
