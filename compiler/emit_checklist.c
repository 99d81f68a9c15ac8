/*
 * emit_checklist.c - checklist.md and checklist.html (see emit_checklist.h).
 *
 * Every piece of content is written once, through the small "doc" layer
 * below, which appends the Markdown and the HTML form side by side: text
 * escaped for each, markup chosen per format.  A plan's section is built
 * in buffers of its own, hashed, and then wrapped; the hash keys the
 * page's saved ticks.
 */
#include "emit_checklist.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "emit_bes.h"
#include "escape.h"

struct doc {
	struct arena *arena;
	const struct emit_options *opts;
	const struct lw_plan *plan;
	struct textbuf md, html; /* the current plan's section */
	unsigned ticks;          /* tick boxes in the section, for the progress line */
};

/* ---- the two-format layer ---------------------------------------------------- */

static void both(struct doc *d, const char *md, const char *html)
{
	textbuf_puts(&d->md, md);
	textbuf_puts(&d->html, html);
}

/* Text XML cannot carry is a build error found earlier; replace it here rather than pass it on. */
static const char *clean(struct arena *a, const char *s)
{
	size_t len = strlen(s);
	struct esc_fault fault;
	if (esc_xml_check(s, len, &fault))
		return s;
	struct textbuf b;
	textbuf_init(&b, a);
	while (!esc_xml_check(s, len, &fault)) {
		textbuf_put(&b, s, fault.offset);
		textbuf_puts(&b, "\xEF\xBF\xBD");
		size_t skip = fault.kind == ESC_FAULT_SURROGATE || fault.kind == ESC_FAULT_NONCHARACTER ? 3 : 1;
		s += fault.offset + skip;
		len -= fault.offset + skip;
	}
	textbuf_put(&b, s, len);
	return b.data;
}

/* Plan or bfplan text, escaped for each format. */
static void t(struct doc *d, const char *s)
{
	s = clean(d->arena, s);
	esc_markdown_append(&d->md, s, strlen(s));
	esc_html_append(&d->html, s, strlen(s));
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
	textbuf_printf(&d->md, "`%s`", s);
	textbuf_puts(&d->html, "<code>");
	esc_html_append(&d->html, s, strlen(s));
	textbuf_puts(&d->html, "</code>");
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
	textbuf_printf(&d->md, "%.*s ", level, hashes);
	textbuf_printf(&d->html, "<h%d id=\"", level);
	esc_html_append(&d->html, id, strlen(id));
	textbuf_puts(&d->html, "\">");
}

static void heading_end(struct doc *d, int level)
{
	textbuf_puts(&d->md, "\n\n");
	textbuf_printf(&d->html, "</h%d>\n", level);
}

static void para(struct doc *d) { both(d, "", "<p>"); }
static void para_end(struct doc *d) { both(d, "\n\n", "</p>\n"); }

static void fields(struct doc *d) { both(d, "", "<dl>\n"); }
static void fields_end(struct doc *d) { both(d, "\n", "</dl>\n"); }

static void field(struct doc *d, const char *label)
{
	textbuf_printf(&d->md, "- **%s:** ", label);
	textbuf_printf(&d->html, "<dt>%s</dt><dd>", label);
}

static void field_end(struct doc *d) { both(d, "\n", "</dd>\n"); }

static void list(struct doc *d) { both(d, "", "<ul>\n"); }
static void list_end(struct doc *d) { both(d, "\n", "</ul>\n"); }
static void item(struct doc *d) { both(d, "- ", "<li>"); }
static void item_end(struct doc *d) { both(d, "\n", "</li>\n"); }

static void row(struct doc *d, const char *label)
{
	textbuf_printf(&d->md, "| %s | ", label);
	textbuf_printf(&d->html, "<tr><th scope=\"row\">%s</th><td>", label);
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
	d->ticks++;
	textbuf_printf(&d->md, "- [ ] %s. Signed: ______________  Time: ________\n\n", label);
	textbuf_puts(&d->html, "<div class=\"sign\"><label class=\"tick\"><input type=\"checkbox\" data-id=\"");
	esc_html_append(&d->html, id, strlen(id));
	textbuf_printf(&d->html, "\"> %s</label> <label>Signed <input type=\"text\" size=\"18\" data-id=\"", label);
	esc_html_append(&d->html, id, strlen(id));
	textbuf_puts(&d->html, ".by\"></label> <label>Time <input type=\"text\" size=\"8\" data-id=\"");
	esc_html_append(&d->html, id, strlen(id));
	textbuf_puts(&d->html, ".at\"></label></div>\n");
}

/* ---- content helpers ----------------------------------------------------------- */

static const char *text_or(struct lw_text t, const char *fallback)
{
	return t.text ? t.text : fallback;
}

static const char *site_title(const struct lw_site *s)
{
	return text_or(s->display, s->name);
}

/* Fixlet 116 "Pause Node ..." (site Server Automation, action Action1) */
static void fixlet_ref(struct doc *d, const struct lw_fixlet *f)
{
	strong(d, arena_printf(d->arena, "%s %u", emit_fixlet_kind(f), (unsigned)f->id));
	if (f->title.text) {
		t(d, " ");
		quoted(d, f->title.text);
	}
	tf(d, " (site %s", site_title(f->site));
	if (f->action)
		tf(d, ", action %s", f->action);
	t(d, ")");
}

/* What a step runs: its one Fixlet, or the baseline and its components in order. */
static void step_object(struct doc *d, const struct lw_step *s)
{
	if (s->kind == LW_STEP_FIXLET && s->components.len == 1) {
		const struct lw_component *c = s->components.items[0];
		fixlet_ref(d, c->fixlet);
		return;
	}
	strong(d, "Baseline");
	if (s->baseline_name) {
		t(d, " ");
		code(d, s->baseline_name);
	}
	if (s->baseline_title.text) {
		t(d, " ");
		quoted(d, s->baseline_title.text);
	}
	t(d, ", with these components in order: ");
	for (size_t i = 0; i < s->components.len; i++) {
		const struct lw_component *c = s->components.items[i];
		if (i)
			t(d, "; ");
		tf(d, "%zu. ", i + 1);
		fixlet_ref(d, c->fixlet);
	}
}

/* The same, briefly, where the full reference is already in view: Fixlet 115 "Resume ..." */
static void short_object(struct doc *d, const struct lw_step *s)
{
	if (s->kind == LW_STEP_FIXLET && s->components.len == 1) {
		const struct lw_component *c = s->components.items[0];
		strong(d, arena_printf(d->arena, "%s %u", emit_fixlet_kind(c->fixlet), (unsigned)c->fixlet->id));
		if (c->fixlet->title.text) {
			t(d, " ");
			quoted(d, c->fixlet->title.text);
		}
		return;
	}
	strong(d, "Baseline");
	if (s->baseline_name) {
		t(d, " ");
		code(d, s->baseline_name);
	}
}

static const struct lw_fixlet *restart_in(const struct lw_step *s)
{
	for (size_t i = s->components.len; i-- > 0;) {
		const struct lw_component *c = s->components.items[i];
		if (c->fixlet->restart == LW_RESTART_CLEARS)
			return c->fixlet;
	}
	return NULL;
}

static bool may_restart(const struct lw_step *s)
{
	for (size_t i = 0; i < s->components.len; i++) {
		const struct lw_component *c = s->components.items[i];
		if (c->fixlet->restart != LW_RESTART_NEVER)
			return true;
	}
	return false;
}

static const char *step_id(struct doc *d, const struct lw_node *n, size_t index)
{
	return arena_printf(d->arena, "%u.%zu", n->position, index + 1);
}

static const char *anchor(struct doc *d, const char *what)
{
	return arena_printf(d->arena, "%s-%s", d->plan->name, what);
}

static const struct lw_check *preflight_check(const struct lw_plan *p, const struct lw_prereq *pr)
{
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->prereq == pr && c->when == LW_PREFLIGHT)
			return c;
	}
	return NULL;
}

static size_t prereq_number(const struct lw_plan *p, const struct lw_prereq *pr)
{
	for (size_t i = 0; i < p->prereqs.len; i++)
		if (p->prereqs.items[i] == pr)
			return i + 1;
	return 0;
}

/* A pre-flight check that is not about a prerequisite (where the role runs, say). */
static bool is_other_preflight(const struct lw_check *c)
{
	return c->when == LW_PREFLIGHT && !c->prereq;
}

/*
 * The number of a pre-flight check in the checklist: P1.. for the
 * prerequisites, in order, then the other pre-flight checks; 0 for a
 * check proven at compile time.
 */
static size_t preflight_number(const struct lw_plan *p, const struct lw_check *c)
{
	if (c->when != LW_PREFLIGHT)
		return 0;
	if (c->prereq)
		return prereq_number(p, c->prereq);
	size_t n = p->prereqs.len;
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *k = p->checks.items[i];
		if (is_other_preflight(k)) {
			n++;
			if (k == c)
				return n;
		}
	}
	return 0;
}

static const char *node_state_word(const struct lw_plan *p, const struct lw_node *n)
{
	if (!p->role)
		return "";
	return n->role_holder ? " (active)" : " (passive)";
}

/* ---- sections -------------------------------------------------------------------- */

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
	static const char *const order_words[] = {"passive nodes first", "active node first",
						  "explicit order"};
	t(d, order_words[p->order]);
	t(d, ": ");
	for (size_t i = 0; i < p->nodes.len; i++) {
		const struct lw_node *n = p->nodes.items[i];
		tf(d, "%s%u. %s%s", i ? ", then " : "", n->position, n->name, node_state_word(p, n));
	}
	row_end(d);
	row(d, "Nodes down at once");
	tf(d, "at most %u", p->max_down);
	row_end(d);
	row(d, "Maintenance window");
	t(d, p->window > 0 ? emit_duration(d->arena, p->window) : "none declared");
	row_end(d);
	row(d, "Worst-case duration");
	t(d, emit_duration(d->arena, p->worst_case));
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		tf(d, "%s phase %u (", i ? ";" : ":", ph->number);
		for (size_t k = 0; k < ph->nodes.len; k++) {
			const struct lw_node *n = ph->nodes.items[k];
			tf(d, "%s%s", k ? ", " : "", n->name);
		}
		tf(d, ") %s", emit_duration(d->arena, ph->worst_case));
	}
	row_end(d);
	row(d, "BigFix content");
	code(d, emit_bes_file_name(d->arena, p));
	tf(d, ": %zu pre-flight Fixlet%s, %zu Baseline%s (one per node)", p->prereqs.len,
	   p->prereqs.len == 1 ? "" : "s", p->nodes.len, p->nodes.len == 1 ? "" : "s");
	row_end(d);
	both(d, "\n", "</table>\n");

	size_t proven = 0;
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->when == LW_PROVEN)
			proven++;
	}
	if (proven) {
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
			item_end(d);
		}
		list_end(d);
	}
}

static void preflight(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	size_t others = 0;
	for (size_t i = 0; i < p->checks.len; i++)
		others += is_other_preflight(p->checks.items[i]);
	if (!p->prereqs.len && !others)
		return;
	const char *bes = emit_bes_file_name(d->arena, p);
	heading(d, 3, anchor(d, "preflight"));
	t(d, "Before the window: pre-flight checks");
	heading_end(d, 3);
	para(d);
	t(d, "Import ");
	code(d, bes);
	tf(d, " into the BigFix console. Each pre-flight Fixlet below is relevant on a node of %s where "
	      "its prerequisite is missing. Clear every one of them on every node before the first step.",
	   p->cluster);
	para_end(d);

	for (size_t i = 0; i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		heading(d, 4, anchor(d, arena_printf(d->arena, "p%zu", i + 1)));
		tf(d, "P%zu. %s (", i + 1, text_or(pr->title, pr->name));
		code(d, pr->name);
		t(d, ")");
		heading_end(d, 4);
		fields(d);
		const struct lw_check *c = preflight_check(p, pr);
		if (c && c->description.text) {
			field(d, "Check");
			sentence(d, c->description.text);
			field_end(d);
		}
		field(d, "Detected by");
		t(d, "pre-flight Fixlet ");
		quoted(d, emit_bes_preflight_title(d->arena, p, pr));
		t(d, " in ");
		code(d, bes);
		t(d, ", relevant where the prerequisite is missing");
		field_end(d);
		if (pr->provider) {
			field(d, "Fix");
			t(d, "run ");
			fixlet_ref(d, pr->provider);
			t(d, " on each node where the pre-flight Fixlet is relevant; then wait until it is "
			     "relevant nowhere");
			field_end(d);
		}
		if (pr->needs.len) {
			field(d, "Needs first");
			for (size_t k = 0; k < pr->needs.len; k++) {
				const struct lw_prereq *n = pr->needs.items[k];
				tf(d, "%sP%zu ", k ? ", " : "", prereq_number(p, n));
				t(d, text_or(n->title, n->name));
			}
			field_end(d);
		}
		if (pr->note.text) {
			field(d, "Note");
			sentence(d, pr->note.text);
			field_end(d);
		}
		fields_end(d);
		tick(d, arena_printf(d->arena, "p%zu", i + 1), "Not relevant on any node");
	}
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (!is_other_preflight(c))
			continue;
		size_t num = preflight_number(p, c);
		heading(d, 4, anchor(d, arena_printf(d->arena, "p%zu", num)));
		tf(d, "P%zu. ", num);
		t(d, text_or(c->description, c->code));
		heading_end(d, 4);
		para(d);
		t(d, "Only the endpoints can tell: check it in the BigFix console just before the first step.");
		para_end(d);
		tick(d, arena_printf(d->arena, "p%zu", num), "Checked");
	}
}

static void step_section(struct doc *d, const struct lw_node *n, size_t index)
{
	const struct lw_plan *p = d->plan;
	const struct lw_step *s = n->steps.items[index];
	const char *id = step_id(d, n, index);
	both(d, "", "<div class=\"step\">\n");
	heading(d, 4, anchor(d, arena_printf(d->arena, "s%s", id)));
	tf(d, "%s %s", id, text_or(s->title, s->name));
	if (s->name) {
		t(d, " (");
		code(d, s->name);
		t(d, ")");
	}
	if (s->optional)
		t(d, ", optional");
	heading_end(d, 4);

	fields(d);
	field(d, "Run");
	step_object(d, s);
	field_end(d);

	field(d, "Target");
	strong(d, s->node);
	if (s->role_only && p->role) {
		tf(d, ", only while it holds the %s", text_or(p->role->title, p->role->name));
		if (p->role->detect)
			tf(d, " (%s %u is relevant only there)", emit_fixlet_kind(p->role->detect),
			   (unsigned)p->role->detect->id);
	}
	field_end(d);

	field(d, "Before");
	if (s->from_state)
		tf(d, "the node is %s.", s->from_state);
	/* checks proven at compile time are in the summary; here only what must be seen to hold */
	size_t shown = 0;
	for (size_t i = 0; i < s->guards.len; i++) {
		const struct lw_check *c = s->guards.items[i];
		if (c->when != LW_PREFLIGHT)
			continue;
		t(d, shown++ ? "; " : " Pre-flight checks passed: ");
		t(d, text_or(c->description, c->code));
		size_t num = preflight_number(p, c);
		if (num)
			tf(d, " (P%zu)", num);
	}
	if (shown)
		t(d, ".");
	if (s->role_only && p->role && p->role->server.text)
		tf(d, " %s runs on %s; if it does not, this step has nothing to do.", p->role->server.text,
		   s->node);
	field_end(d);

	field(d, "After");
	const char *gap = "";
	if (s->to_state) {
		tf(d, "the node is %s.", s->to_state);
		gap = " ";
	}
	if (s->verify.text) {
		tf(d, "%sVerify: ", gap);
		sentence(d, s->verify.text);
		gap = " ";
	}
	/* the role's own advice after a move, unless the step already says the same */
	if (s->role_only && p->role) {
		const char *rv = p->role->verify.text;
		if (rv && (!s->verify.text || strcmp(rv, s->verify.text) != 0)) {
			tf(d, "%s", gap);
			sentence(d, rv);
		} else if (!rv) {
			tf(d, "%sThe move can fail: check where %s runs now before going on.", gap,
			   text_or(p->role->server, text_or(p->role->title, p->role->name)));
		}
		gap = " ";
	}
	const struct lw_fixlet *restart = restart_in(s);
	if (restart)
		tf(d, "%sIf the node is still in Pending Restart, the restart (%s %u) did not happen: "
		      "restart the node and wait for it before the next step.",
		   gap, emit_fixlet_kind(restart), (unsigned)restart->id);
	else if (may_restart(s))
		tf(d, "%sThis step can leave the node in Pending Restart: restart it and wait before the "
		      "next step.", gap);
	field_end(d);

	field(d, "Timeout");
	tf(d, "%s; a step still running then has failed", emit_duration(d->arena, s->timeout));
	field_end(d);

	field(d, "On failure");
	if (s->on_failure) {
		const struct lw_step *f = s->on_failure;
		t(d, "run ");
		step_object(d, f);
		tf(d, " on %s", f->node ? f->node : s->node);
		if (f->name) {
			t(d, " (the ");
			code(d, f->name);
			t(d, " step)");
		}
		t(d, s->optional ? "; the step is optional, so the plan then goes on."
				 : "; then stop: do not start any other node until the cause is understood.");
	} else if (s->optional) {
		t(d, "the step is optional: note it and go on with the next step.");
	} else {
		t(d, "stop: do not start any other node until the cause is understood.");
	}
	field_end(d);
	fields_end(d);
	tick(d, id, "Done");
	both(d, "", "</div>\n");
}

static void node_section(struct doc *d, const struct lw_node *n)
{
	const struct lw_plan *p = d->plan;
	heading(d, 3, anchor(d, arena_printf(d->arena, "node%u", n->position)));
	tf(d, "Node %u of %zu: %s%s", n->position, p->nodes.len, n->name, node_state_word(p, n));
	heading_end(d, 3);
	para(d);
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		for (size_t k = 0; k < ph->nodes.len; k++)
			if (ph->nodes.items[k] == n)
				tf(d, "Phase %u, worst case %s. ", ph->number,
				   emit_duration(d->arena, ph->worst_case));
	}
	if (n->role_holder && p->role)
		tf(d, "This node is expected to hold the %s, so it goes last. ",
		   text_or(p->role->title, p->role->name));
	t(d, "Its steps are also the components, in this order, of Baseline ");
	quoted(d, emit_bes_baseline_title(d->arena, p, n));
	t(d, " in ");
	code(d, emit_bes_file_name(d->arena, p));
	t(d, ". However you run them, check each step below before starting the next.");
	para_end(d);
	for (size_t i = 0; i < n->steps.len; i++)
		step_section(d, n, i);
}

static void server_automation(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	heading(d, 3, anchor(d, "automation"));
	t(d, "The same plan in the Server Automation plan editor");
	heading_end(d, 3);
	para(d);
	t(d, "An Automation Plan cannot be imported from a generated file, so build it by hand: in the "
	     "Server Automation domain, create a sequential Automation Plan named ");
	code(d, p->name);
	t(d, " with the steps below, in this order, each with its own target.");
	para_end(d);

	const struct lw_fixlet *restart = NULL;
	for (size_t i = 0; i < p->nodes.len && !restart; i++) {
		const struct lw_node *n = p->nodes.items[i];
		for (size_t k = 0; k < n->steps.len && !restart; k++)
			restart = restart_in(n->steps.items[k]);
	}
	para(d);
	strong(d, "Pending Restart setting:");
	t(d, " choose \"Pause Plan until restart completes\". ");
	if (restart)
		tf(d, "The restart is inside each patch step (%s %u), so a node ", emit_fixlet_kind(restart),
		   (unsigned)restart->id);
	else
		t(d, "A node ");
	t(d, "still in Pending Restart means the restart did not happen, and the plan must not move on to "
	     "the next node; a node still pending at the step's timeout counts as failed.");
	para_end(d);

	bool any_baseline = false;
	both(d, "| Step | Checklist | Fixlet, Task or Baseline | Target | Failure step | Step failure behaviour | Timeout |\n"
		"| --- | --- | --- | --- | --- | --- | --- |\n",
	     "<table class=\"recipe\">\n<thead><tr><th>Step</th><th>Checklist</th><th>Fixlet, Task or "
	     "Baseline</th><th>Target</th><th>Failure step</th><th>Step failure behaviour</th>"
	     "<th>Timeout</th></tr></thead>\n<tbody>\n");
	unsigned number = 0;
	for (size_t i = 0; i < p->nodes.len; i++) {
		const struct lw_node *n = p->nodes.items[i];
		for (size_t k = 0; k < n->steps.len; k++) {
			const struct lw_step *s = n->steps.items[k];
			any_baseline |= s->kind == LW_STEP_BASELINE;
			both(d, "| ", "<tr><td>");
			tf(d, "%u", ++number);
			cell(d);
			tf(d, "%s %s", step_id(d, n, k), text_or(s->title, s->name));
			cell(d);
			step_object(d, s);
			cell(d);
			strong(d, s->node);
			cell(d);
			if (s->on_failure) {
				short_object(d, s->on_failure);
				tf(d, " on %s", s->on_failure->node ? s->on_failure->node : s->node);
			} else {
				t(d, "none");
			}
			cell(d);
			t(d, s->optional ? "continue the plan on all targets" : "stop the plan");
			cell(d);
			t(d, emit_duration(d->arena, s->timeout));
			both(d, " |\n", "</td></tr>\n");
		}
	}
	both(d, "\n", "</tbody>\n</table>\n");
	if (any_baseline) {
		para(d);
		t(d, "A step that runs a baseline needs that baseline in the console: if it is not there yet, "
		     "create it with the components listed, in that order.");
		para_end(d);
	}
}

/* ---- the page ------------------------------------------------------------------------- */

uint64_t emit_checklist_hash(const char *data, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 0x100000001b3u;
	}
	return h;
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

/* Restores and saves the ticks and sign-off fields of each plan section. */
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
	"  document.querySelectorAll('section[data-store]').forEach(function (section) {\n"
	"    var key = section.getAttribute('data-store');\n"
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

static void plan_section(struct doc *d, const struct lw_plan *p, struct textbuf *md, struct textbuf *html)
{
	d->plan = p;
	d->ticks = 0;
	textbuf_init(&d->md, d->arena);
	textbuf_init(&d->html, d->arena);
	summary(d);
	preflight(d);
	for (size_t i = 0; i < p->nodes.len; i++)
		node_section(d, p->nodes.items[i]);
	server_automation(d);

	/* the key changes whenever the plan's checklist does, so old ticks never apply to new steps */
	uint64_t hash = emit_checklist_hash(d->md.data, d->md.len);
	const char *key = arena_printf(d->arena, "bfplan:%s:%016llx", p->name, (unsigned long long)hash);

	textbuf_puts(md, "## Plan ");
	esc_markdown_append(md, p->name, strlen(p->name));
	if (p->title.text) {
		const char *title = clean(d->arena, p->title.text);
		textbuf_puts(md, ": ");
		esc_markdown_append(md, title, strlen(title));
	}
	textbuf_puts(md, "\n\n");
	textbuf_put(md, d->md.data, d->md.len);
	textbuf_printf(md, "Checklist id: `%s`\n\n", key);

	textbuf_puts(html, "<section data-store=\"");
	esc_html_append(html, key, strlen(key));
	textbuf_puts(html, "\">\n<h2 id=\"");
	esc_html_append(html, p->name, strlen(p->name));
	textbuf_puts(html, "\">Plan <code>");
	esc_html_append(html, p->name, strlen(p->name));
	textbuf_puts(html, "</code>");
	if (p->title.text) {
		const char *title = clean(d->arena, p->title.text);
		textbuf_puts(html, ": ");
		esc_html_append(html, title, strlen(title));
	}
	textbuf_printf(html, "</h2>\n<div class=\"toolbar noprint\"><span class=\"progress\">0 of %u ticked</span>"
			     "<button type=\"button\" class=\"reset\">Clear ticks</button></div>\n",
		       d->ticks);
	textbuf_put(html, d->html.data, d->html.len);
	textbuf_puts(html, "<p class=\"key\">Checklist id: <code>");
	esc_html_append(html, key, strlen(key));
	textbuf_puts(html, "</code></p>\n</section>\n");
}

/* "patch-exch01", "a, b and c", or "a, b, c and 9997 more plans": for the page title. */
static void plan_names(struct textbuf *b, const struct lw_program *program)
{
	enum { NAMES_SHOWN = 3 };
	size_t n = program->plans.len;
	size_t shown = n <= NAMES_SHOWN + 1 ? n : NAMES_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		const struct lw_plan *p = program->plans.items[i];
		textbuf_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", p->name);
	}
	if (shown < n)
		textbuf_printf(b, " and %zu more plans", n - shown);
}

static const char *sources(struct arena *arena, const struct lw_program *program)
{
	struct textbuf b;
	textbuf_init(&b, arena);
	for (size_t i = 0; i < program->files.len; i++)
		textbuf_printf(&b, "%s%s", i ? ", " : "", clean(arena, program->files.items[i]));
	return b.data;
}

void emit_checklist_begin(struct arena *arena, const struct lw_program *program, struct textbuf *md,
			  struct textbuf *html)
{
	struct textbuf names;
	textbuf_init(&names, arena);
	plan_names(&names, program);
	const char *from = sources(arena, program);

	textbuf_puts(md, "# Change-window checklist: ");
	esc_markdown_append(md, names.data, names.len);
	textbuf_puts(md, "\n\nFollow the sections in order and tick each box only when its check has passed. "
			 "Compiled by bfplan from: ");
	esc_markdown_append(md, from, strlen(from));
	textbuf_puts(md, ".\n\n");

	textbuf_puts(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			   "<meta name=\"generator\" content=\"bfplan\">\n<title>Checklist: ");
	esc_html_append(html, names.data, names.len);
	textbuf_puts(html, "</title>\n<style>\n");
	textbuf_puts(html, page_style);
	textbuf_puts(html, "</style>\n</head>\n<body>\n<header>\n<h1>Change-window checklist: ");
	esc_html_append(html, names.data, names.len);
	textbuf_puts(html, "</h1>\n<p>Follow the sections in order and tick each box only when its check "
			   "has passed. Ticks and sign-offs stay in this browser until cleared; a changed "
			   "checklist starts empty.</p>\n</header>\n<main>\n");
}

void emit_checklist_plan(struct arena *arena, const struct lw_plan *plan, const struct emit_options *opts,
			 struct textbuf *md, struct textbuf *html)
{
	struct doc d = {.arena = arena, .opts = opts};
	plan_section(&d, plan, md, html);
}

void emit_checklist_end(struct arena *arena, const struct lw_program *program, struct textbuf *md,
			struct textbuf *html)
{
	(void)md;
	const char *from = sources(arena, program);
	textbuf_puts(html, "</main>\n<footer>Compiled by bfplan from: ");
	esc_html_append(html, from, strlen(from));
	textbuf_puts(html, ".</footer>\n<script>\n");
	textbuf_puts(html, page_script);
	textbuf_puts(html, "</script>\n</body>\n</html>\n");
}

void emit_checklist(struct arena *arena, const struct lw_program *program,
		    const struct emit_options *opts, struct textbuf *md, struct textbuf *html)
{
	emit_checklist_begin(arena, program, md, html);
	for (size_t i = 0; i < program->plans.len; i++)
		emit_checklist_plan(arena, program->plans.items[i], opts, md, html);
	emit_checklist_end(arena, program, md, html);
}
