/*
 * checklist.c - the checklists of a build (see emit_checklist.h).
 *
 * Every piece of content is written once, through the small "doc" layer
 * below, which appends the Markdown and the HTML form side by side: text
 * escaped for each, markup chosen per format.  Both go to their files as
 * they are written; the Markdown is hashed on its way, and the hash, known
 * only at the end, keys the page's saved ticks.
 */
#include "emit/checklist.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "lower/render.h"
#include "lower/sentences.h"

struct doc {
	struct arena *arena;     /* the plan's, or `scratch` while a step is written */
	struct arena scratch;    /* a step's, emptied after it */
	enum checklist_import import;
	const struct lw_plan *plan;
	struct textbuf *md, *html; /* the plan's two files, written as the walk goes */
	const char *run;         /* "bfplan run FILE --plan NAME --journal NAME.journal": records each step */
};

/* ---- the two-format layer ---------------------------------------------------- */

static void both(struct doc *d, const char *md, const char *html)
{
	textbuf_puts(d->md, md);
	textbuf_puts(d->html, html);
}

/*
 * Text XML cannot carry is a build error found earlier; replace it here
 * rather than pass it on.  *len is the text's length, and the cleaned one's.
 */
static const char *clean_n(struct arena *a, const char *s, size_t *len)
{
	struct esc_fault fault;
	if (esc_xml_check(s, *len, &fault))
		return s;
	size_t n = *len;
	struct textbuf b;
	textbuf_init(&b, a);
	while (!esc_xml_check(s, n, &fault)) {
		textbuf_put(&b, s, fault.offset);
		textbuf_puts(&b, "\xEF\xBF\xBD");
		size_t skip = fault.kind == ESC_FAULT_SURROGATE || fault.kind == ESC_FAULT_NONCHARACTER ? 3 : 1;
		s += fault.offset + skip;
		n -= fault.offset + skip;
	}
	textbuf_put(&b, s, n);
	*len = b.len;
	return b.data;
}

static const char *clean(struct arena *a, const char *s)
{
	size_t len = strlen(s);
	return clean_n(a, s, &len);
}

/* Plan or bfplan text, escaped for each format. */
static void t(struct doc *d, const char *s)
{
	size_t len = strlen(s);
	s = clean_n(d->arena, s, &len);
	esc_markdown_append(d->md, s, len);
	esc_html_append(d->html, s, len);
}

static void tf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tf(struct doc *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(d->arena, fmt, ap);
	va_end(ap);
	t(d, s);
}

/* A name from the plan language, shown as code. */
static void code(struct doc *d, const char *s)
{
	s = clean(d->arena, s);
	if (strchr(s, '`') || strpbrk(s, "\r\n")) {
		t(d, s);
		return;
	}
	textbuf_printf(d->md, "`%s`", s);
	textbuf_puts(d->html, "<code>");
	esc_html_append(d->html, s, strlen(s));
	textbuf_puts(d->html, "</code>");
}

static void quoted(struct doc *d, const char *s)
{
	both(d, "\"", "&ldquo;");
	t(d, s);
	both(d, "\"", "&rdquo;");
}

static void strong(struct doc *d, const char *s)
{
	both(d, "**", "<strong>");
	t(d, s);
	both(d, "**", "</strong>");
}

/* A sentence from the plan: written as given, with a full stop added if it has none. */
static void sentence(struct doc *d, const char *s)
{
	t(d, s);
	size_t n = strlen(s);
	if (n && !strchr(".!?", s[n - 1]))
		t(d, ".");
}

static void heading(struct doc *d, int level, const char *id)
{
	static const char hashes[] = "######";
	textbuf_printf(d->md, "%.*s ", level, hashes);
	textbuf_printf(d->html, "<h%d id=\"", level);
	esc_html_append(d->html, id, strlen(id));
	textbuf_puts(d->html, "\">");
}

static void heading_end(struct doc *d, int level)
{
	textbuf_puts(d->md, "\n\n");
	textbuf_printf(d->html, "</h%d>\n", level);
}

/* A command to type, as written: a fenced block in Markdown, <pre> in HTML. */
static void command(struct doc *d, const char *text)
{
	textbuf_printf(d->md, "```\n%s\n```\n\n", text);
	textbuf_puts(d->html, "<pre><code>");
	esc_html_append(d->html, text, strlen(text));
	textbuf_puts(d->html, "</code></pre>\n");
}

static void para(struct doc *d) { both(d, "", "<p>"); }
static void para_end(struct doc *d) { both(d, "\n\n", "</p>\n"); }

static void fields(struct doc *d) { both(d, "", "<dl>\n"); }
static void fields_end(struct doc *d) { both(d, "\n", "</dl>\n"); }

static void field(struct doc *d, const char *label)
{
	textbuf_printf(d->md, "- **%s:** ", label);
	textbuf_printf(d->html, "<dt>%s</dt><dd>", label);
}

static void field_end(struct doc *d) { both(d, "\n", "</dd>\n"); }

static void list(struct doc *d) { both(d, "", "<ul>\n"); }
static void list_end(struct doc *d) { both(d, "\n", "</ul>\n"); }
static void item(struct doc *d) { both(d, "- ", "<li>"); }
static void item_end(struct doc *d) { both(d, "\n", "</li>\n"); }

static void row(struct doc *d, const char *label)
{
	textbuf_printf(d->md, "| %s | ", label);
	textbuf_printf(d->html, "<tr><th scope=\"row\">%s</th><td>", label);
}

static void row_end(struct doc *d) { both(d, " |\n", "</td></tr>\n"); }
static void cell(struct doc *d) { both(d, " | ", "</td><td>"); }

/*
 * A tick box with a sign-off line.  In Markdown a task-list item with blanks
 * to fill in on paper; in HTML a checkbox and two text fields whose values
 * the page keeps (data-id names them within the plan's saved state).
 */
static void tick(struct doc *d, const char *id, const char *label)
{
	textbuf_printf(d->md, "- [ ] %s. Signed: ______________  Time: ________\n\n", label);
	textbuf_puts(d->html, "<div class=\"sign\"><label class=\"tick\"><input type=\"checkbox\" data-id=\"");
	esc_html_append(d->html, id, strlen(id));
	textbuf_printf(d->html, "\"> %s</label> <label>Signed <input type=\"text\" size=\"18\" data-id=\"", label);
	esc_html_append(d->html, id, strlen(id));
	textbuf_puts(d->html, ".by\"></label> <label>Time <input type=\"text\" size=\"8\" data-id=\"");
	esc_html_append(d->html, id, strlen(id));
	textbuf_puts(d->html, ".at\"></label></div>\n");
}

/* The `bfplan run` lines that record a step ("3") or a pre-flight check ("P2") in the run's journal. */
static void record(struct doc *d, const char *step, bool started)
{
	field(d, "Record");
	if (started) {
		code(d, arena_printf(d->arena, "%s start %s", d->run, step));
		t(d, ", then ");
		code(d, arena_printf(d->arena, "done %s", step));
	} else {
		code(d, arena_printf(d->arena, "%s done %s", d->run, step));
	}
	t(d, " (or ");
	code(d, arena_printf(d->arena, "fail %s --target NODE --reason TEXT", step));
	t(d, ")");
	field_end(d);
}

/*
 * What one step (or one row of the recipe) allocates is freed when it is
 * written: a plan of thousands of steps is written in the memory of one.
 * scratch_begin() returns the plan's arena, for scratch_end().
 */
static struct arena *scratch_begin(struct doc *d)
{
	struct arena *plan_arena = d->arena;
	d->arena = &d->scratch;
	return plan_arena;
}

static void scratch_end(struct doc *d, struct arena *plan_arena)
{
	arena_reset(&d->scratch);
	d->arena = plan_arena;
}

/* ---- content helpers ----------------------------------------------------------- */

static const char *text_or(struct lw_text t, const char *fallback)
{
	return t.text ? t.text : fallback;
}

/* What the checklist calls a role's server: its name on the network, else its title or name. */
static const char *role_server(const struct lw_role *role)
{
	return text_or(role->server, text_or(role->title, role->name));
}

static const struct lw_fixlet *component(const struct lw_baseline *b, size_t i)
{
	return ((const struct lw_component *)b->components.items[i])->fixlet;
}

/*
 * The marks of what the checklist is showing: "⚠U3" after it for each fact
 * the catalog marks as not confirmed, with the reason on hover in HTML;
 * the list under the summary gives every reason.
 */
static void mark(struct doc *d, const struct lw_mark *m)
{
	unsigned n = render_mark_number(d->plan, m);
	if (!n)
		return;
	textbuf_printf(d->md, " \u26A0U%u", n);
	textbuf_puts(d->html, " <span class=\"unconfirmed\" title=\"");
	const char *reason = clean(d->arena, m->reason.text ? m->reason.text : "");
	esc_html_append(d->html, reason, strlen(reason));
	textbuf_printf(d->html, "\">\u26A0U%u</span>", n);
}

static void marks(struct doc *d, const struct cptrvec *list)
{
	for (size_t i = 0; i < list->len; i++)
		mark(d, list->items[i]);
}

/* The marks on what a short reference shows: the ID, the title, or the whole declaration. */
static void shown_marks(struct doc *d, const struct cptrvec *list)
{
	for (size_t i = 0; i < list->len; i++) {
		const struct lw_mark *m = list->items[i];
		if (!m->field || strcmp(m->field, "id") == 0 || strcmp(m->field, "title") == 0)
			mark(d, m);
	}
}

/* Fixlet 116 "Pause Node ..." */
static void fixlet_name(struct doc *d, const struct lw_fixlet *f)
{
	strong(d, arena_printf(d->arena, "%s %u", render_fixlet_kind(f), (unsigned)f->id));
	if (f->title.text) {
		t(d, " ");
		quoted(d, f->title.text);
	}
}

/* Fixlet 116 "Pause Node ..." (site Server Automation, action Action1) */
static void fixlet_ref(struct doc *d, const struct lw_fixlet *f)
{
	fixlet_name(d, f);
	tf(d, " (site %s", render_site_label(f->site));
	marks(d, &f->site->marks);
	if (f->action)
		tf(d, ", action %s", f->action);
	t(d, ")");
	marks(d, &f->marks);
}

/* What an action asks for when it is taken, which bfplan cannot supply: the operator gives it. */
static void parameters(struct doc *d, const struct lw_fixlet *f)
{
	if (!f->parameters.len)
		return;
	field(d, "Parameters");
	tf(d, "%s %u asks for ", render_fixlet_kind(f), (unsigned)f->id);
	for (size_t i = 0; i < f->parameters.len; i++) {
		const struct lw_parameter *p = f->parameters.items[i];
		t(d, i == 0 ? "" : i + 1 == f->parameters.len ? " and " : ", ");
		quoted(d, p->name.text ? p->name.text : "?");
		if (p->description.text) {
			t(d, " (");
			t(d, p->description.text);
			t(d, ")");
		}
		if (p->default_value.text) {
			t(d, ", default ");
			quoted(d, p->default_value.text);
		}
	}
	t(d, " when it is taken: bfplan cannot supply it, so give it in the Automation Plan's step.");
	field_end(d);
}

/*
 * The same, briefly, where the full reference is in view nearby: Fixlet
 * 115 "Resume ...".  A guess about what it shows keeps its mark.
 */
static void short_fixlet(struct doc *d, const struct lw_fixlet *f)
{
	fixlet_name(d, f);
	shown_marks(d, &f->marks);
}

/* What a step runs: its Fixlet, or the Baseline of the .bes and its components in order. */
static void step_object(struct doc *d, const struct lw_step *s)
{
	if (s->item->kind == LW_STEP_FIXLET) {
		fixlet_ref(d, s->item->fixlet);
		return;
	}
	strong(d, "Baseline");
	t(d, " ");
	quoted(d, s->item->baseline->bes_title);
	t(d, " from ");
	code(d, d->plan->bes_file);
	t(d, " (baseline ");
	code(d, s->item->baseline->name);
	t(d, "), with these components in order: ");
	for (size_t i = 0; i < s->item->baseline->components.len; i++) {
		const struct lw_fixlet *f = component(s->item->baseline, i);
		if (i)
			t(d, "; ");
		tf(d, "%zu. ", i + 1);
		fixlet_ref(d, f);
		/* the full form copies the script into the Baseline: one from a plan file is code to review */
		if (d->import != CHECKLIST_IMPORT_CONSOLE)
			continue;
		if (f->script_from == LW_SCRIPT_IMPORTED) {
			t(d, " (its action script, imported from ");
			code(d, f->imported_from.text);
			t(d, ", is in the Baseline: review it)");
		} else if (f->script_from == LW_SCRIPT_PLAN) {
			t(d, " (its action script is written in a plan file, and is in the Baseline: review it)");
		}
	}
}

static void short_object(struct doc *d, const struct lw_step *s)
{
	if (s->item->kind == LW_STEP_FIXLET) {
		short_fixlet(d, s->item->fixlet);
		return;
	}
	strong(d, "Baseline");
	t(d, " ");
	quoted(d, s->item->baseline->bes_title);
}

static const struct lw_fixlet *restart_in(const struct lw_item *item)
{
	if (item->kind != LW_STEP_BASELINE)
		return NULL;
	for (size_t i = item->baseline->components.len; i-- > 0;) {
		const struct lw_fixlet *f = component(item->baseline, i);
		if (f->restart == LW_RESTART_CLEARS)
			return f;
	}
	return NULL;
}

static bool may_restart(const struct lw_step *s)
{
	if (s->item->kind == LW_STEP_FIXLET)
		return s->item->fixlet->restart != LW_RESTART_NEVER;
	for (size_t i = 0; i < s->item->baseline->components.len; i++) {
		const struct lw_fixlet *f = component(s->item->baseline, i);
		if (f->restart != LW_RESTART_NEVER)
			return true;
	}
	return false;
}

static const char *anchor(struct doc *d, const char *what)
{
	return arena_printf(d->arena, "%s-%s", d->plan->name, what);
}

static const char *node_state_word(const struct lw_plan *p, const struct lw_node *n)
{
	if (!p->role)
		return "";
	return n->role_holder ? " (active)" : " (passive)";
}

/* "EXNODE1 (passive)", or "FSNODE1, FSNODE2" */
static void phase_nodes(struct doc *d, const struct lw_phase *ph)
{
	for (size_t k = 0; k < ph->nodes.len; k++) {
		const struct lw_node *n = ph->nodes.items[k];
		tf(d, "%s%s%s", k ? ", " : "", n->name, node_state_word(d->plan, n));
	}
}

static void targets(struct doc *d, const struct lw_phase *ph)
{
	for (size_t k = 0; k < ph->nodes.len; k++) {
		const struct lw_node *n = ph->nodes.items[k];
		t(d, k == 0 ? "" : k + 1 == ph->nodes.len ? " and " : ", ");
		strong(d, n->name);
	}
}

static const char *nodes_word(const struct lw_phase *ph)
{
	return ph->nodes.len == 1 ? "the node" : "the nodes";
}

/*
 * An advice text from the plan, filled in: once where it reads the same on
 * every node of the phase, else once per node.
 */
static void advice(struct doc *d, const struct lw_phase *ph, const char *text)
{
	if (!text)
		return;
	const struct lw_node *first = ph->nodes.items[0];
	if (ph->nodes.len == 1 || !render_advice_varies(text)) {
		sentence(d, render_advice(d->arena, text, d->plan, first->name));
		return;
	}
	for (size_t k = 0; k < ph->nodes.len; k++) {
		const struct lw_node *n = ph->nodes.items[k];
		tf(d, "%sOn %s: ", k ? " " : "", n->name);
		sentence(d, render_advice(d->arena, text, d->plan, n->name));
	}
}

/* The pre-flight checks are P1, P2, ...: their numbers are the lowered checks'. */
static const char *preflight_id(struct doc *d, const struct lw_check *c)
{
	return arena_printf(d->arena, "P%u", c->number);
}

static size_t proven_count(const struct lw_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->checks.len; i++)
		n += ((const struct lw_check *)p->checks.items[i])->when == LW_PROVEN;
	return n;
}

/* ---- sections -------------------------------------------------------------------- */

static void quorum_row(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	const struct lw_quorum *q = &p->quorum;
	row(d, "Quorum");
	code(d, render_quorum_name(q->model));
	t(d, q->declared ? ": " : " (no quorum model declared, so the strictest applies): ");
	t(d, lw_quorum_rule(d->arena, p));
	t(d, ".");
	t(d, " bfplan counts votes as Windows failover clustering does");
	if (p->max_down > q->simple_max_down)
		tf(d, "; HCL's shorter rule, more than half of the nodes up, would allow at most %u down: "
		      "the witness's vote is what allows %u",
		   q->simple_max_down, p->max_down);
	t(d, ".");
	row_end(d);
}

/*
 * The facts this plan rests on that the catalog marks as guesses or
 * inferences, numbered U1, U2...: every place that uses one shows its
 * number, so nothing unconfirmed reads as a fact.
 */
static void unconfirmed(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (!p->unconfirmed.len)
		return;
	para(d);
	strong(d, "Not confirmed:");
	tf(d, " this plan uses %zu fact%s of the catalog that %s not confirmed, each marked \u26A0U1, \u26A0U2... "
	      "where the checklist uses it. Confirm them on your BigFix server before the window; importing a "
	      "Fixlet's own .bes with bfplan import and building again replaces the guesses about it.",
	   p->unconfirmed.len, p->unconfirmed.len == 1 ? "" : "s", p->unconfirmed.len == 1 ? "is" : "are");
	para_end(d);
	list(d);
	for (size_t i = 0; i < p->unconfirmed.len; i++) {
		const struct lw_mark *m = p->unconfirmed.items[i];
		item(d);
		tf(d, "\u26A0U%zu ", i + 1);
		t(d, m->owner ? m->owner : "?");
		if (m->field) {
			t(d, ", ");
			code(d, m->field);
		}
		t(d, ": ");
		sentence(d, m->reason.text ? m->reason.text : "no reason given");
		item_end(d);
	}
	list_end(d);
}

static void summary(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	heading(d, 3, anchor(d, "summary"));
	t(d, "Summary");
	heading_end(d, 3);
	both(d, "| | |\n| --- | --- |\n", "<table class=\"summary\">\n");
	row(d, "Plan");
	code(d, p->name);
	if (p->title.text) {
		t(d, ": ");
		t(d, p->title.text);
	}
	row_end(d);
	row(d, "Cluster");
	code(d, p->cluster);
	row_end(d);
	row(d, "Operating system");
	t(d, text_or(p->os_title, p->os));
	if (p->os_title.text && p->os) {
		t(d, " (");
		code(d, p->os);
		t(d, ")");
	}
	marks(d, &p->os_marks);
	row_end(d);
	if (p->role) {
		row(d, "Clustered role");
		t(d, text_or(p->role->title, p->role->name));
		if (p->role->server.text) {
			t(d, " ");
			strong(d, p->role->server.text);
		}
		for (size_t i = 0; i < p->nodes.len; i++) {
			const struct lw_node *n = p->nodes.items[i];
			if (n->role_holder)
				tf(d, ", expected on %s, which goes last", n->name);
		}
		if (p->role_check)
			tf(d, " (checked by %s before the first step)", preflight_id(d, p->role_check));
		row_end(d);
	}
	row(d, "Nodes");
	for (size_t i = 0; i < p->cluster_nodes.len; i++) {
		if (i)
			t(d, ", ");
		t(d, p->cluster_nodes.items[i]);
	}
	row_end(d);
	row(d, "Order");
	static const char *const order_words[] = {"passive nodes first", "active node first", "explicit order"};
	t(d, order_words[p->order]);
	t(d, ", in phases whose nodes run each step together: ");
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		tf(d, "%sphase %u: ", i ? "; " : "", ph->number);
		phase_nodes(d, ph);
	}
	row_end(d);
	row(d, "Nodes down at once");
	tf(d, "at most %u: the nodes of one phase", p->max_down);
	row_end(d);
	quorum_row(d);
	row(d, "Maintenance window");
	t(d, p->window > 0 ? render_duration(d->arena, p->window) : "none declared");
	row_end(d);
	row(d, "Worst-case duration");
	tf(d, "%s: %zu steps one after another, each running to its timeout", render_duration(d->arena, p->worst_case),
	   p->step_count);
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		tf(d, "%s phase %u, %s from %s", i ? ";" : ":", ph->number, render_duration(d->arena, ph->worst_case),
		   ph->start ? render_duration(d->arena, ph->start) : "the start");
	}
	row_end(d);
	row(d, "BigFix content");
	if (p->bes_file) {
		code(d, p->bes_file);
		tf(d, ": %zu pre-flight Fixlet%s, %zu Baseline%s for the patch step", p->prereqs.len,
		   p->prereqs.len == 1 ? "" : "s", p->baselines.len, p->baselines.len == 1 ? "" : "s");
	} else {
		t(d, "none to import: the plan has no pre-flight check and no patch step, and every step runs a "
		     "Fixlet of its own site");
	}
	row_end(d);
	both(d, "\n", "</table>\n");

	if (!proven_count(p))
		return;
	para(d);
	t(d, "Proven by bfplan from the plan, before the window:");
	para_end(d);
	list(d);
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->when != LW_PROVEN)
			continue;
		item(d);
		t(d, text_or(c->description, c->code));
		if (c->code) {
			t(d, " (");
			code(d, c->code);
			t(d, ")");
		}
		if (c->rests_on)
			tf(d, ": holds only if pre-flight check %s passes", preflight_id(d, c->rests_on));
		item_end(d);
	}
	list_end(d);
	unconfirmed(d);
}

static void how_to_run(struct doc *d)
{
	heading(d, 3, anchor(d, "how"));
	t(d, "How to run it");
	heading_end(d, 3);
	para(d);
	strong(d, "Recommended:");
	t(d, " build the Automation Plan described at the end of this checklist in the Server Automation plan "
	     "editor and run it from the Automation Plans dashboard. It runs each step on every node of its "
	     "phase at once, enforces each timeout, and when a step fails it runs the failure step by itself "
	     "and stops: the behaviour bfplan's proofs assume. Keep this checklist open beside it: verify "
	     "each step as it completes, and sign it off.");
	para_end(d);
	para(d);
	t(d, "Running the steps by hand from this checklist also keeps the proofs, if you do exactly what each "
	     "step says: start a step only when the one it waits for has passed, run every step on all of its "
	     "targets together, and on a failure do what the step's \"On failure\" says, then stop.");
	para_end(d);
}

static void prereq_check(struct doc *d, const struct lw_prereq *pr)
{
	const struct lw_plan *p = d->plan;
	heading(d, 4, anchor(d, arena_printf(d->arena, "p%u", pr->number)));
	tf(d, "P%u. %s (", pr->number, text_or(pr->title, pr->name));
	code(d, pr->name);
	t(d, ")");
	heading_end(d, 4);
	fields(d);
	field(d, "Check");
	tf(d, "%s is present on every node of cluster %s.", text_or(pr->title, pr->name), p->cluster);
	field_end(d);
	field(d, "Detected by");
	t(d, "pre-flight Fixlet ");
	quoted(d, pr->preflight_title);
	t(d, " in ");
	code(d, p->bes_file);
	t(d, ", relevant on a node where the prerequisite is missing");
	marks(d, &pr->marks);
	field_end(d);
	if (pr->provider) {
		field(d, "Fix");
		t(d, "run ");
		fixlet_ref(d, pr->provider);
		t(d, " on each node where the pre-flight Fixlet is relevant; then wait until it is relevant nowhere");
		field_end(d);
		if (pr->provider->note.text) {
			field(d, "About it");
			sentence(d, render_advice(d->arena, pr->provider->note.text, p, NULL));
			field_end(d);
		}
	}
	if (pr->needs.len) {
		field(d, "Needs first");
		for (size_t k = 0; k < pr->needs.len; k++) {
			const struct lw_prereq *n = pr->needs.items[k];
			tf(d, "%sP%u ", k ? ", " : "", n->number);
			t(d, text_or(n->title, n->name));
		}
		field_end(d);
	}
	if (pr->note.text) {
		field(d, "Note");
		sentence(d, render_advice(d->arena, pr->note.text, p, NULL));
		field_end(d);
	}
	record(d, arena_printf(d->arena, "P%u", pr->number), false);
	fields_end(d);
	tick(d, arena_printf(d->arena, "p%u", pr->number), "Not relevant on any node");
}

static void role_check(struct doc *d, const struct lw_check *c)
{
	const struct lw_plan *p = d->plan;
	const struct lw_role *role = p->role;
	const char *server = role_server(role);
	const struct lw_node *holder = p->role_holder;
	heading(d, 4, anchor(d, arena_printf(d->arena, "p%u", c->number)));
	tf(d, "P%u. Where %s runs", c->number, server);
	marks(d, &role->marks);
	heading_end(d, 4);
	fields(d);
	field(d, "Check");
	sentence(d, text_or(c->description, c->code));
	field_end(d);
	field(d, "How to see it");
	if (role->detect) {
		t(d, "in the BigFix console, open ");
		fixlet_ref(d, role->detect);
		tf(d, " and look at its applicable computers. It is relevant only on the node where %s runs, so it "
		      "must list %s and no other node. Check it just before the first step: the role can move "
		      "between now and then.",
		   server, holder->name);
	} else {
		tf(d, "role %s names no Fixlet that shows where it runs: check with the cluster's own tools that "
		      "%s runs on %s, just before the first step.",
		   role->name, server, holder->name);
	}
	field_end(d);
	field(d, "If it runs elsewhere");
	tf(d, "do not start. This plan patches %s last because %s runs there; if it runs on a node patched "
	      "earlier, moving that node's groups would move it, and it would move again when its new node is "
	      "patched. Either rebuild the plan with ",
	   holder->name, server);
	code(d, "active NODE");
	tf(d, ", naming the node where it runs, so that node goes last (recommended: %s then moves once), or "
	      "move it to %s before the window.",
	   server, holder->name);
	field_end(d);
	field(d, "Proof that rests on it");
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *k = p->checks.items[i];
		if (k->rests_on == c) {
			t(d, text_or(k->description, k->code));
			t(d, " (");
			code(d, k->code);
			t(d, ") holds only if this check passes.");
		}
	}
	field_end(d);
	record(d, arena_printf(d->arena, "P%u", c->number), false);
	fields_end(d);
	tick(d, arena_printf(d->arena, "p%u", c->number), arena_printf(d->arena, "%s runs on %s",
								       server, holder->name));
}

/* How the .bes gets into BigFix: the REST API for reference-only components, the console for the full form. */
static void import_content(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (!p->bes_file)
		return;
	heading(d, 3, anchor(d, "import"));
	t(d, "Before the window: import the BigFix content");
	heading_end(d, 3);
	para(d);
	if (d->import == CHECKLIST_IMPORT_REST) {
		t(d, "Import ");
		code(d, p->bes_file);
		t(d, " with the BigFix REST API, into the custom site that is to hold this plan's content. Its "
		     "Baseline components name only their source Fixlets, a form that is reported to import through "
		     "the REST API but not through the console's File > Import (not confirmed on a live server; "
		     "build with ");
		code(d, "--components=full");
		t(d, " for the form a console export has):");
		para_end(d);
		command(d, arena_printf(d->arena, "curl --user OPERATOR --request POST --data-binary @%s "
						  "https://BIGFIX-SERVER:52311/api/import/custom/SITE", p->bes_file));
		para(d);
		t(d, "Replace OPERATOR, BIGFIX-SERVER and SITE with yours (curl asks for the password); for the "
		     "master action site, post to ");
		code(d, "https://BIGFIX-SERVER:52311/api/import/master");
		t(d, " instead.");
	} else {
		t(d, "In the BigFix console, choose File > Import, open ");
		code(d, p->bes_file);
		t(d, ", and import it into the custom site that is to hold this plan's content (or the master "
		     "action site). Its Baseline components carry their relevance and action script, as a console "
		     "export does, so the console imports them as they are.");
	}
	tf(d, " The operator needs the right to write to that site and the Custom Content permission; running "
	      "the Automation Plan also needs Can Create Actions. Then check that the console lists the %zu "
	      "pre-flight Fixlet%s and the Baseline%s of the file.",
	   p->prereqs.len, p->prereqs.len == 1 ? "" : "s", p->baselines.len == 1 ? "" : "s");
	para_end(d);
	tick(d, "import", "Imported");
}

static void preflight(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (!p->prereqs.len && !p->role_check)
		return;
	heading(d, 3, anchor(d, "preflight"));
	t(d, "Before the window: pre-flight checks");
	heading_end(d, 3);
	para(d);
	tf(d, "Each pre-flight Fixlet below is relevant on a node of %s where its prerequisite is missing: clear "
	      "every one of them on every node before the first step. Where a check's detection is marked "
	      "\u26A0 (not confirmed), a node it flags may be ready all the same: confirm such a node by hand, as "
	      "the mark's reason says, rather than reinstall on it.",
	   p->cluster);
	para_end(d);
	for (size_t i = 0; i < p->prereqs.len; i++)
		prereq_check(d, p->prereqs.items[i]);
	if (p->role_check)
		role_check(d, p->role_check);
}

static void waits_for(struct doc *d, const struct lw_step *s)
{
	const struct lw_step *prev = s->after;
	if (!prev) {
		t(d, "the pre-flight checks: start when every one of them has passed");
		return;
	}
	tf(d, "step %u", prev->number);
	if (prev->phase != s->phase)
		tf(d, ", the end of phase %u: every node of it is back in service", prev->phase->number);
}

static void before(struct doc *d, const struct lw_step *s)
{
	const struct lw_plan *p = d->plan;
	field(d, "Before");
	if (s->from_state)
		tf(d, "%s %s.", s->phase->nodes.len == 1 ? "The node is" : "The nodes are", s->from_state);
	/* checks proven at compile time are in the summary; here only what must be seen to hold */
	size_t shown = 0;
	for (size_t i = 0; i < s->item->guards.len; i++) {
		const struct lw_check *c = s->item->guards.items[i];
		if (c->when != LW_PREFLIGHT)
			continue;
		t(d, shown++ ? ", " : " Pre-flight checks passed: ");
		t(d, preflight_id(d, c));
	}
	if (shown)
		t(d, ".");
	if (s->item->role_only && p->role && p->role->server.text)
		tf(d, " %s runs on %s.", p->role->server.text, render_targets(d->arena, s->phase));
	field_end(d);
}

static void after(struct doc *d, const struct lw_step *s)
{
	const struct lw_plan *p = d->plan;
	field(d, "After");
	if (s->item->to_state)
		tf(d, "%s %s. ", s->phase->nodes.len == 1 ? "The node is" : "The nodes are", s->item->to_state);
	if (s->item->verify.text) {
		t(d, "Verify: ");
		advice(d, s->phase, s->item->verify.text);
	}
	/* the role's own advice after a move */
	if (s->item->role_only && p->role) {
		if (p->role->verify.text) {
			t(d, " ");
			advice(d, s->phase, p->role->verify.text);
		} else {
			tf(d, " The move can fail: check where %s runs now before going on.",
			   role_server(p->role));
		}
	}
	const struct lw_fixlet *restart = restart_in(s->item);
	if (restart)
		tf(d, " If a node is still in Pending Restart, the restart (%s %u) did not happen: restart it and "
		      "wait for it before the next step.",
		   render_fixlet_kind(restart), (unsigned)restart->id);
	else if (may_restart(s))
		t(d, " This step can leave a node in Pending Restart: restart it and wait before the next step.");
	field_end(d);
}

/* The Fixlets' own notes, where the stdlib gives any. */
static void notes(struct doc *d, const struct lw_step *s)
{
	if (s->item->kind == LW_STEP_FIXLET) {
		if (!s->item->fixlet->note.text)
			return;
		field(d, "Note");
		advice(d, s->phase, s->item->fixlet->note.text);
		field_end(d);
		return;
	}
	for (size_t i = 0; i < s->item->baseline->components.len; i++) {
		const struct lw_fixlet *f = component(s->item->baseline, i);
		if (!f->note.text)
			continue;
		field(d, "Note");
		tf(d, "%s %u: ", render_fixlet_kind(f), (unsigned)f->id);
		advice(d, s->phase, f->note.text);
		field_end(d);
	}
}

/* Fixlet 115 "Resume ..." (the `resume` step) */
static void restore_name(struct doc *d, const struct lw_restore *r)
{
	short_fixlet(d, r->fixlet);
	t(d, " (the ");
	code(d, r->name);
	t(d, " step)");
}

static void restore_ref(struct doc *d, const struct lw_step *s)
{
	restore_name(d, s->restore);
	t(d, " on ");
	targets(d, s->phase);
}

static void on_failure(struct doc *d, const struct lw_step *s)
{
	const char *nodes = nodes_word(s->phase);
	field(d, "On failure");
	switch (s->item->failure) {
	case LW_FAILURE_STOP:
		if (s->restore) {
			t(d, "the failure step runs ");
			restore_ref(d, s);
			tf(d, ", which brings %s back into service, and the plan stops.", nodes);
		} else {
			t(d, "the plan stops.");
		}
		break;
	case LW_FAILURE_HOLD:
		if (s->restore) {
			tf(d, "the plan stops, and %s stay%s out of service: nothing is resumed automatically. ", nodes,
			   s->phase->nodes.len == 1 ? "s" : "");
		} else {
			t(d, "the plan stops. ");
		}
		break;
	case LW_FAILURE_CONTINUE:
		t(d, "the step is optional: the plan goes on with the next step.");
		break;
	}
	if (s->item->on_failure.text) {
		t(d, s->item->failure == LW_FAILURE_HOLD ? "" : " ");
		advice(d, s->phase, s->item->on_failure.text);
	}
	if (s->item->failure == LW_FAILURE_HOLD && s->restore) {
		t(d, " To bring a node back, run ");
		restore_name(d, s->restore);
		t(d, " on it.");
	}
	if (s->item->failure != LW_FAILURE_CONTINUE)
		t(d, " Do not start another step until the cause is understood.");
	field_end(d);
}

static void step_section(struct doc *d, const struct lw_step *s)
{
	const struct lw_plan *p = d->plan;
	const char *id = arena_printf(d->arena, "s%u", s->number);
	both(d, "", "<div class=\"step\">\n");
	heading(d, 4, anchor(d, id));
	tf(d, "Step %u: %s (", s->number, text_or(s->item->title, s->item->name));
	code(d, s->item->name);
	t(d, ")");
	if (s->item->optional)
		t(d, ", optional");
	marks(d, &s->item->marks);
	heading_end(d, 4);

	fields(d);
	field(d, "Run");
	step_object(d, s);
	field_end(d);
	field(d, "Targets");
	targets(d, s->phase);
	if (s->phase->nodes.len > 1)
		t(d, ", all at once");
	if (s->item->role_only && p->role) {
		tf(d, ", where %s is expected to run", role_server(p->role));
		if (p->role->detect)
			tf(d, " (%s %u is relevant only there)", render_fixlet_kind(p->role->detect),
			   (unsigned)p->role->detect->id);
	}
	field_end(d);
	field(d, "Waits for");
	waits_for(d, s);
	field_end(d);
	before(d, s);
	after(d, s);
	notes(d, s);
	if (s->item->kind == LW_STEP_FIXLET)
		parameters(d, s->item->fixlet);
	else
		for (size_t i = 0; i < s->item->baseline->components.len; i++)
			parameters(d, component(s->item->baseline, i));
	field(d, "Timeout");
	tf(d, "%s; a step still running then has failed", render_duration(d->arena, s->item->timeout));
	field_end(d);
	on_failure(d, s);
	record(d, arena_printf(d->arena, "%u", s->number), true);
	fields_end(d);
	tick(d, id, "Done");
	both(d, "", "</div>\n");
}

static void phase_heading(struct doc *d, const struct lw_phase *ph)
{
	const struct lw_plan *p = d->plan;
	heading(d, 3, anchor(d, arena_printf(d->arena, "phase%u", ph->number)));
	tf(d, "Phase %u of %zu: ", ph->number, p->phases.len);
	phase_nodes(d, ph);
	heading_end(d, 3);
	para(d);
	if (ph->nodes.len > 1)
		tf(d, "These %zu nodes are down together: every step below runs on all of them at once. ",
		   ph->nodes.len);
	for (size_t k = 0; k < ph->nodes.len; k++) {
		const struct lw_node *n = ph->nodes.items[k];
		if (n->role_holder && p->role)
			tf(d, "%s is expected to hold the %s, so it goes last. ", n->name,
			   text_or(p->role->title, p->role->name));
	}
	if (ph->start)
		tf(d, "Worst case %s, starting at most %s after the first step.", render_duration(d->arena, ph->worst_case),
		   render_duration(d->arena, ph->start));
	else
		tf(d, "Worst case %s, from the first step.", render_duration(d->arena, ph->worst_case));
	para_end(d);
}

/* A plan of thousands of phases is written in the memory of one phase: the heading and each step in scratch. */
static void phase_section(struct doc *d, const struct lw_phase *ph)
{
	struct arena *plan_arena = scratch_begin(d);
	phase_heading(d, ph);
	scratch_end(d, plan_arena);
	struct lw_steps walk;
	lw_steps_begin_phase(&walk, d->plan, ph);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		plan_arena = scratch_begin(d);
		step_section(d, s);
		scratch_end(d, plan_arena);
	}
}

static const char *behaviour_words(enum lw_failure f)
{
	switch (f) {
	case LW_FAILURE_STOP: return "stop the plan";
	case LW_FAILURE_HOLD: return "stop the plan";
	case LW_FAILURE_CONTINUE: return "continue the plan on all targets";
	}
	return "stop the plan";
}

static void server_automation(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	heading(d, 3, anchor(d, "automation"));
	t(d, "The Automation Plan to build in the Server Automation plan editor");
	heading_end(d, 3);
	para(d);
	t(d, "An Automation Plan cannot be imported from a generated file, so build it by hand: in the Server "
	     "Automation domain, create a sequential Automation Plan named ");
	code(d, p->name);
	t(d, " with the steps below, in this order. Each step targets every node in its Targets column at once, "
	     "and each failure step targets all the endpoints of its step. Every step waits for the one before "
	     "it, so the plan's worst case is the sum of the timeouts: ");
	t(d, render_duration(d->arena, p->worst_case));
	t(d, ".");
	para_end(d);

	const struct lw_fixlet *restart = NULL;
	for (size_t i = 0; i < p->items.len && !restart; i++)
		restart = restart_in(p->items.items[i]);
	para(d);
	strong(d, "Pending Restart setting:");
	t(d, " choose \"Pause Plan until restart completes\". ");
	if (restart)
		tf(d, "The restart is inside each patch Baseline (%s %u), so a node ", render_fixlet_kind(restart),
		   (unsigned)restart->id);
	else
		t(d, "A node ");
	t(d, "still in Pending Restart means the restart did not happen, and the plan must not move on; a node "
	     "still pending at the step's timeout counts as failed.");
	para_end(d);

	both(d, "| Step | Waits for | Fixlet, Task or Baseline | Targets | Failure step | Step failure behaviour | Timeout |\n"
		"| --- | --- | --- | --- | --- | --- | --- |\n",
	     "<table class=\"recipe\">\n<thead><tr><th>Step</th><th>Waits for</th><th>Fixlet, Task or "
	     "Baseline</th><th>Targets</th><th>Failure step</th><th>Step failure behaviour</th>"
	     "<th>Timeout</th></tr></thead>\n<tbody>\n");
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		struct arena *plan_arena = scratch_begin(d);
		both(d, "| ", "<tr><td>");
		tf(d, "%u. %s", s->number, text_or(s->item->title, s->item->name));
		cell(d);
		if (s->after)
			tf(d, "%u", s->after->number);
		else
			t(d, "none");
		cell(d);
		short_object(d, s);
		cell(d);
		targets(d, s->phase);
		cell(d);
		if (s->item->failure == LW_FAILURE_STOP && s->restore)
			short_fixlet(d, s->restore->fixlet);
		else
			t(d, "none");
		cell(d);
		t(d, behaviour_words(s->item->failure));
		cell(d);
		t(d, render_duration(d->arena, s->item->timeout));
		both(d, " |\n", "</td></tr>\n");
		scratch_end(d, plan_arena);
	}
	both(d, "\n", "</tbody>\n</table>\n");
	if (p->baselines.len) {
		para(d);
		t(d, "The patch steps run the Baseline");
		t(d, p->baselines.len == 1 ? " " : "s ");
		for (size_t i = 0; i < p->baselines.len; i++) {
			const struct lw_baseline *bl = p->baselines.items[i];
			t(d, i ? ", " : "");
			quoted(d, bl->bes_title);
		}
		t(d, " of ");
		code(d, p->bes_file);
		t(d, ": it is in the console once the file is imported.");
		para_end(d);
	}
}

/* ---- the page ------------------------------------------------------------------------- */

/*
 * The checklist's content hash: 64-bit FNV-1a run over four interleaved
 * lanes (byte i goes to lane i mod 4), then over the four lane hashes'
 * bytes, least significant first.  Four chains run side by side, where
 * one FNV-1a chain waits for a multiplication per byte (a build hashes
 * hundreds of megabytes).  A changed byte always changes the result:
 * every step of FNV-1a is a bijection.
 */
#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

enum { HASH_LANES = 4 };

struct content_hash {
	uint64_t lane[HASH_LANES];
	uint64_t count; /* bytes hashed so far: which lane the next one goes to */
};

static void hash_init(struct content_hash *h)
{
	for (size_t i = 0; i < HASH_LANES; i++)
		h->lane[i] = FNV_OFFSET;
	h->count = 0;
}

static void hash_update(struct content_hash *h, const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t i = 0;
	/* up to the next multiple of four, then four lanes at a time */
	for (; i < len && (h->count + i) % HASH_LANES; i++) {
		uint64_t *lane = &h->lane[(h->count + i) % HASH_LANES];
		*lane = (*lane ^ u[i]) * FNV_PRIME;
	}
	uint64_t a = h->lane[0], b = h->lane[1], c = h->lane[2], d = h->lane[3];
	for (; i + HASH_LANES <= len; i += HASH_LANES) {
		a = (a ^ u[i]) * FNV_PRIME;
		b = (b ^ u[i + 1]) * FNV_PRIME;
		c = (c ^ u[i + 2]) * FNV_PRIME;
		d = (d ^ u[i + 3]) * FNV_PRIME;
	}
	h->lane[0] = a, h->lane[1] = b, h->lane[2] = c, h->lane[3] = d;
	for (; i < len; i++) {
		uint64_t *lane = &h->lane[(h->count + i) % HASH_LANES];
		*lane = (*lane ^ u[i]) * FNV_PRIME;
	}
	h->count += len;
}

static uint64_t hash_final(const struct content_hash *h)
{
	uint64_t out = FNV_OFFSET;
	for (size_t i = 0; i < HASH_LANES; i++)
		for (unsigned shift = 0; shift < 64; shift += 8)
			out = (out ^ ((h->lane[i] >> shift) & 0xFF)) * FNV_PRIME;
	return out;
}

uint64_t emit_checklist_hash(const char *data, size_t len)
{
	struct content_hash h;
	hash_init(&h);
	hash_update(&h, data, len);
	return hash_final(&h);
}

/*
 * The hash of what goes through a buffer between hashing_start() and
 * hashing_stop(): the plan's checklist text, which keys its saved ticks.
 * A drained buffer is hashed on its way to the file (its drain is wrapped
 * meanwhile), a keeping one where the text begins.
 */
struct hashing {
	struct textbuf *b;
	textbuf_drain_fn *drain; /* the buffer's own, while wrapped */
	void *drain_ctx;
	size_t start;
	struct content_hash hash;
};

static void hash_then_drain(void *ctx, const char *data, size_t len)
{
	struct hashing *h = ctx;
	hash_update(&h->hash, data, len);
	h->drain(h->drain_ctx, data, len);
}

static void hashing_start(struct hashing *h, struct textbuf *b)
{
	*h = (struct hashing){.b = b, .drain = b->drain, .drain_ctx = b->drain_ctx, .start = b->len};
	hash_init(&h->hash);
	if (h->drain) {
		textbuf_flush(b);
		b->drain = hash_then_drain;
		b->drain_ctx = h;
	}
}

static uint64_t hashing_stop(struct hashing *h)
{
	if (h->drain) {
		textbuf_flush(h->b);
		h->b->drain = h->drain;
		h->b->drain_ctx = h->drain_ctx;
	} else {
		hash_update(&h->hash, h->b->data + h->start, h->b->len - h->start);
	}
	return hash_final(&h->hash);
}

static const char page_style[] =
	":root{--ink:#1d2329;--muted:#5b6570;--line:#c9d1d9;--accent:#0b5cad;--done:#e7f4ea}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:62rem;padding:1.5rem 2rem 4rem;font:15px/1.45 system-ui,"
	"\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;color:var(--ink);background:#fff}\n"
	"h1{font-size:1.6rem;margin:.2rem 0 1rem}\n"
	"h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-bottom:.3rem;border-bottom:2px solid var(--ink)}\n"
	"h3{font-size:1.12rem;margin:1.8rem 0 .5rem;color:var(--accent)}\n"
	"h4,h5{font-size:1rem;margin:1rem 0 .4rem}\n"
	"code{font:.92em ui-monospace,\"Cascadia Mono\",Consolas,monospace;background:#f2f4f6;"
	"padding:0 .12em;border-radius:3px}\n"
	".unconfirmed{color:#9a3412;font-weight:600;cursor:help}\n"
	"pre{background:#f2f4f6;padding:.5rem .7rem;border-radius:4px;white-space:pre-wrap;word-break:break-all}\n"
	"table.summary{border-collapse:collapse;width:100%}\n"
	"table.summary th,table.summary td{border:1px solid var(--line);padding:.3rem .55rem;"
	"text-align:left;vertical-align:top}\n"
	"table.summary th{width:13rem;background:#f6f8fa;font-weight:600}\n"
	"table.recipe{border-collapse:collapse;width:100%;font-size:.9rem}\n"
	"table.recipe th,table.recipe td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;"
	"vertical-align:top}\n"
	"table.recipe thead th{background:#f6f8fa}\n"
	"dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem .8rem;margin:.3rem 0 .5rem}\n"
	"dt{font-weight:600;color:var(--muted)}dd{margin:0}\n"
	".step{border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:4px;"
	"padding:.1rem .9rem .6rem;margin:.8rem 0}\n"
	".step.done{background:var(--done);border-left-color:#2e7d32}\n"
	".sign{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:center;margin:.5rem 0 .3rem;"
	"padding-top:.45rem;border-top:1px dashed var(--line)}\n"
	".sign input[type=text]{border:0;border-bottom:1px solid var(--ink);font:inherit;padding:0 .2rem;"
	"background:transparent}\n"
	".tick{font-weight:600}.tick input{width:1.15rem;height:1.15rem;vertical-align:-.2rem}\n"
	".toolbar{display:flex;gap:1rem;align-items:center;color:var(--muted);font-size:.9rem}\n"
	".toolbar button{font:inherit;padding:.15rem .6rem}\n"
	"footer{margin-top:2rem;color:var(--muted);font-size:.85rem}\n"
	"@media print{body{max-width:none;padding:0;font-size:10.5pt}.noprint{display:none}"
	"main>section+section{break-before:page}"
	".step,tr,.sign{break-inside:avoid}thead{display:table-header-group}h3,h4,h5{break-after:avoid}"
	".step.done{background:none}a{color:inherit}}\n"
	"@page{margin:14mm}\n";

/*
 * Restores and saves the ticks and sign-off fields of each plan section.
 * The key is at the end of the section (it hashes the checklist, which is
 * written before it is known) and the progress line is filled in here.
 */
static const char page_script[] =
	"(function () {\n"
	"  'use strict';\n"
	"  function load(key) {\n"
	"    try { return JSON.parse(window.localStorage.getItem(key) || '{}') || {}; }\n"
	"    catch (e) { return {}; }\n"
	"  }\n"
	"  function save(key, state) {\n"
	"    try { window.localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode */ }\n"
	"  }\n"
	"  document.querySelectorAll('section [data-store]').forEach(function (holder) {\n"
	"    var section = holder.closest('section');\n"
	"    var key = holder.getAttribute('data-store');\n"
	"    var state = load(key);\n"
	"    var fields = section.querySelectorAll('input[data-id]');\n"
	"    var progress = section.querySelector('.progress');\n"
	"    function show() {\n"
	"      var boxes = 0, ticked = 0;\n"
	"      fields.forEach(function (el) {\n"
	"        if (el.type !== 'checkbox') return;\n"
	"        boxes++;\n"
	"        if (el.checked) ticked++;\n"
	"        var step = el.closest('.step');\n"
	"        if (step) step.classList.toggle('done', el.checked);\n"
	"      });\n"
	"      if (progress) progress.textContent = ticked + ' of ' + boxes + ' ticked';\n"
	"    }\n"
	"    function restore() {\n"
	"      fields.forEach(function (el) {\n"
	"        var id = el.getAttribute('data-id');\n"
	"        if (el.type === 'checkbox') el.checked = state[id] === true;\n"
	"        else el.value = typeof state[id] === 'string' ? state[id] : '';\n"
	"      });\n"
	"      show();\n"
	"    }\n"
	"    fields.forEach(function (el) {\n"
	"      el.addEventListener(el.type === 'checkbox' ? 'change' : 'input', function () {\n"
	"        state[el.getAttribute('data-id')] = el.type === 'checkbox' ? el.checked : el.value;\n"
	"        save(key, state);\n"
	"        show();\n"
	"      });\n"
	"    });\n"
	"    var reset = section.querySelector('button.reset');\n"
	"    if (reset) reset.addEventListener('click', function () {\n"
	"      if (!window.confirm('Clear every tick and sign-off of this plan?')) return;\n"
	"      state = {};\n"
	"      try { window.localStorage.removeItem(key); } catch (e) { /* nothing saved */ }\n"
	"      restore();\n"
	"    });\n"
	"    restore();\n"
	"  });\n"
	"})();\n";

static const char *sources(struct arena *arena, const struct lw_program *program)
{
	struct textbuf b;
	textbuf_init(&b, arena);
	for (size_t i = 0; i < program->sources.len; i++)
		textbuf_printf(&b, "%s%s", i ? ", " : "", clean(arena, program->sources.items[i]));
	return b.data;
}

/* The head of a page up to its <main>: "Checklist: TITLE", headed "HEADING: TITLE" (plain text). */
static void page_begin(struct textbuf *html, const char *heading, const char *title, const char *lead)
{
	textbuf_puts(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			   "<meta name=\"generator\" content=\"bfplan\">\n<title>Checklist: ");
	esc_html_append(html, title, strlen(title));
	textbuf_puts(html, "</title>\n<style>\n");
	textbuf_puts(html, page_style);
	textbuf_puts(html, "</style>\n</head>\n<body>\n<header>\n<h1>");
	textbuf_puts(html, heading);
	textbuf_puts(html, ": ");
	esc_html_append(html, title, strlen(title));
	textbuf_puts(html, "</h1>\n<p>");
	textbuf_puts(html, lead);
	textbuf_puts(html, "</p>\n</header>\n<main>\n");
}

/* The rest of a page after its <main>: where it was compiled from, and the script if it has ticks. */
static void page_end(struct textbuf *html, const char *from, bool ticks)
{
	textbuf_puts(html, "</main>\n<footer>Compiled by bfplan from: ");
	esc_html_append(html, from, strlen(from));
	textbuf_puts(html, ".</footer>\n");
	if (ticks) {
		textbuf_puts(html, "<script>\n");
		textbuf_puts(html, page_script);
		textbuf_puts(html, "</script>\n");
	}
	textbuf_puts(html, "</body>\n</html>\n");
}

/* "## Plan NAME: TITLE" and its HTML heading with the toolbar, before the plan's checklist. */
static void plan_heading(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	const char *title = p->title.text ? clean(d->arena, p->title.text) : NULL;
	textbuf_puts(d->md, "## Plan ");
	esc_markdown_append(d->md, p->name, strlen(p->name));
	if (title) {
		textbuf_puts(d->md, ": ");
		esc_markdown_append(d->md, title, strlen(title));
	}
	textbuf_puts(d->md, "\n\n");

	textbuf_puts(d->html, "<section>\n<h2 id=\"");
	esc_html_append(d->html, p->name, strlen(p->name));
	textbuf_puts(d->html, "\">Plan <code>");
	esc_html_append(d->html, p->name, strlen(p->name));
	textbuf_puts(d->html, "</code>");
	if (title) {
		textbuf_puts(d->html, ": ");
		esc_html_append(d->html, title, strlen(title));
	}
	/* the page's script counts the ticks into the progress line */
	textbuf_puts(d->html, "</h2>\n<div class=\"toolbar noprint\"><span class=\"progress\"></span>"
			      "<button type=\"button\" class=\"reset\">Clear ticks</button></div>\n");
}

void emit_checklist_plan(struct arena *arena, const struct lw_program *program, const struct lw_plan *plan,
			 enum checklist_import import, struct textbuf *md, struct textbuf *html)
{
	struct doc doc = {.arena = arena, .import = import, .plan = plan, .md = md, .html = html};
	struct doc *d = &doc;
	const char *file = plan->decl.file < program->sources.len ? program->sources.items[plan->decl.file] : "PLAN";
	if (file[strspn(file, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+")] != '\0')
		file = "PLAN"; /* a name a shell would take apart: the operator types their own */
	d->run = arena_printf(arena, "bfplan run %s --plan %s --journal %s.journal", file, plan->name, plan->name);
	arena_init_like(&d->scratch, arena);
	const char *from = sources(arena, program);
	textbuf_puts(md, "# Change-window checklist: ");
	esc_markdown_append(md, plan->name, strlen(plan->name));
	textbuf_puts(md, "\n\nFollow the sections in order and tick each box only when its check has passed. "
			 "Compiled by bfplan from: ");
	esc_markdown_append(md, from, strlen(from));
	textbuf_puts(md, ".\n\n");
	page_begin(html, "Change-window checklist", plan->name, "Follow the sections in order and tick each box only when its check has "
		   "passed. Ticks and sign-offs stay in this browser until cleared; a changed checklist starts "
		   "empty.");
	plan_heading(d);

	struct hashing h;
	hashing_start(&h, md);
	summary(d);
	how_to_run(d);
	import_content(d);
	preflight(d);
	for (size_t i = 0; i < plan->phases.len; i++)
		phase_section(d, plan->phases.items[i]);
	server_automation(d);
	/* the key changes whenever the plan's checklist does, so old ticks never apply to new steps */
	uint64_t hash = hashing_stop(&h);
	const char *key = arena_printf(arena, "bfplan:%s:%016llx", plan->name, (unsigned long long)hash);

	textbuf_printf(md, "Checklist id: `%s`\n\n", key);
	textbuf_puts(html, "<p class=\"key\" data-store=\"");
	esc_html_append(html, key, strlen(key));
	textbuf_puts(html, "\">Checklist id: <code>");
	esc_html_append(html, key, strlen(key));
	textbuf_puts(html, "</code></p>\n</section>\n");
	page_end(html, from, true);
	arena_free(&d->scratch);
}

/* ---- the index ---------------------------------------------------------------------------- */

/* "patch-exch01", "a, b and c", or "a, b, c and 9997 more plans": for the index's title. */
static const char *plan_names(struct arena *arena, const struct checklist_entry *const *entries, size_t n)
{
	enum { NAMES_SHOWN = 3 };
	struct textbuf b;
	textbuf_init(&b, arena);
	size_t shown = n <= NAMES_SHOWN + 1 ? n : NAMES_SHOWN;
	for (size_t i = 0; i < shown; i++)
		textbuf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", entries[i]->plan);
	if (shown < n)
		textbuf_printf(&b, " and %zu more plans", n - shown);
	return b.data;
}

/* One row of the index, in both files: the plan, its cluster, window and worst case, and its checklist. */
static void index_row(struct arena *arena, const struct checklist_entry *e, struct textbuf *md, struct textbuf *html)
{
	const char *title = e->title ? clean(arena, e->title) : NULL;
	const char *window = e->window > 0 ? render_duration(arena, e->window) : "none declared";
	const char *worst = render_duration(arena, e->worst_case);

	textbuf_printf(md, "| `%s`", e->plan);
	if (title) {
		textbuf_puts(md, ": ");
		esc_markdown_append(md, title, strlen(title));
	}
	textbuf_printf(md, " | `%s` | %s | %s | [HTML](%s), [Markdown](%s) |\n", e->cluster, window, worst,
		       e->html_file, e->md_file);

	textbuf_puts(html, "<tr><td><code>");
	esc_html_append(html, e->plan, strlen(e->plan));
	textbuf_puts(html, "</code>");
	if (title) {
		textbuf_puts(html, ": ");
		esc_html_append(html, title, strlen(title));
	}
	textbuf_puts(html, "</td><td><code>");
	esc_html_append(html, e->cluster, strlen(e->cluster));
	textbuf_printf(html, "</code></td><td>%s</td><td>%s</td><td><a href=\"", window, worst);
	esc_html_append(html, e->html_file, strlen(e->html_file));
	textbuf_puts(html, "\">HTML</a>, <a href=\"");
	esc_html_append(html, e->md_file, strlen(e->md_file));
	textbuf_puts(html, "\">Markdown</a></td></tr>\n");
}

void emit_checklist_index(struct arena *arena, const struct lw_program *program,
			  const struct checklist_entry *const *entries, size_t count, struct textbuf *md,
			  struct textbuf *html)
{
	const char *names = plan_names(arena, entries, count);
	const char *from = sources(arena, program);
	static const char lead[] = "One checklist per plan, for the operator who carries it out in its change window.";

	textbuf_puts(md, "# Change-window checklists: ");
	esc_markdown_append(md, names, strlen(names));
	textbuf_printf(md, "\n\n%s Compiled by bfplan from: ", lead);
	esc_markdown_append(md, from, strlen(from));
	textbuf_puts(md, ".\n\n| Plan | Cluster | Maintenance window | Worst case | Checklist |\n"
			 "| --- | --- | --- | --- | --- |\n");

	page_begin(html, "Change-window checklists", names, lead);
	textbuf_puts(html, "<table class=\"summary\">\n<thead><tr><th>Plan</th><th>Cluster</th><th>Maintenance "
			   "window</th><th>Worst case</th><th>Checklist</th></tr></thead>\n<tbody>\n");
	struct arena row;
	arena_init_like(&row, arena);
	for (size_t i = 0; i < count; i++) {
		index_row(&row, entries[i], md, html);
		arena_reset(&row);
	}
	arena_free(&row);
	textbuf_puts(md, "\n");
	textbuf_puts(html, "</tbody>\n</table>\n");
	page_end(html, from, false);
}
