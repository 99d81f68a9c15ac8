/*
 * checklist.c - the checklists and review reports of a build (see emit_checklist.h).
 *
 * Every piece of content is written once, through the small "doc" layer
 * below, which appends the Markdown and the HTML form side by side: text
 * escaped for each, markup chosen per format.  Both go to their files as
 * they are written; the checklist's Markdown is hashed on its way, and the
 * hash, known only at the end, keys the page's saved ticks together with
 * the run ID.
 *
 * The operator's checklist says each thing once, where it applies: what
 * holds for every step is said before the steps, what a failure means in
 * general after them, and a card holds only what differs from step to
 * step.  Numbers and fixed phrases are appended piece by piece rather
 * than formatted, because a build writes millions of them.
 */
#include "emit/checklist.h"

#include <string.h>

#include "base/escape.h"
#include "base/ptrmap.h"
#include "lower/render.h"
#include "lower/sentences.h"

/* Which document a doc is writing: the two share the layer and the content helpers. */
enum doc_kind { DOC_CHECKLIST, DOC_REVIEW };

struct doc {
	struct arena *arena;     /* the plan's, or `scratch` while a step is written */
	struct arena scratch;    /* a step's, emptied after it */
	enum doc_kind kind;
	const struct checklist_run *run;
	const struct lw_plan *plan;
	struct textbuf *md, *html; /* the plan's two files, written as the walk goes */
	unsigned char *explained;  /* per mark (U number): its reason has been given in this document */
	unsigned *first_step;      /* per item of the plan: the number of the first step that ran it, or 0 */
	unsigned *advice_no;       /* per item of the plan: its advice paragraph's number (A1, A2...), or 0 */
	/* per item of the plan with advice: what brings its nodes back after a failure that holds them, where
	 * every step of the item has the same (its advice paragraph says how), else NULL */
	const struct lw_restore **advice_restore;
	const char *journal;       /* "bfplan run FILE --plan NAME --journal NAME.journal": records each step */
};

/* ---- the two-format layer ---------------------------------------------------- */

static void both(struct doc *d, const char *md, const char *html)
{
	textbuf_puts(d->md, md);
	textbuf_puts(d->html, html);
}

/*
 * Plan or bfplan text, escaped for each format.  It is not checked for
 * what XML cannot carry here: the build checks every text the outputs
 * use once, before any is written (out/build.c, check_plan), and a text
 * that fails stops the build.
 */
static void t(struct doc *d, const char *s)
{
	size_t len = strlen(s);
	esc_markdown_append(d->md, s, len);
	esc_html_text_append(d->html, s, len);
}

/* An unsigned number in decimal, written at the end of `buf` (24 bytes): no printf. */
static const char *digits(char buf[24], uint64_t n)
{
	char *p = buf + 23;
	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	return p;
}

static void num(struct doc *d, uint64_t n)
{
	char buf[24];
	const char *p = digits(buf, n);
	both(d, p, p);
}

/* A name from the plan language, shown as code. */
static void code(struct doc *d, const char *s)
{
	if (strchr(s, '`') || strpbrk(s, "\r\n")) {
		t(d, s);
		return;
	}
	textbuf_putc(d->md, '`');
	textbuf_puts(d->md, s);
	textbuf_putc(d->md, '`');
	textbuf_puts(d->html, "<code>");
	esc_html_text_append(d->html, s, strlen(s));
	textbuf_puts(d->html, "</code>");
}

static void quoted(struct doc *d, const char *s)
{
	both(d, "\"", "\u201C");
	t(d, s);
	both(d, "\"", "\u201D");
}

static void strong(struct doc *d, const char *s)
{
	both(d, "**", "<b>");
	t(d, s);
	both(d, "**", "</b>");
}

/* A sentence from the plan: written as given, with a full stop added if it has none. */
static void sentence(struct doc *d, const char *s)
{
	t(d, s);
	size_t n = strlen(s);
	if (n && !strchr(".!?", s[n - 1]))
		t(d, ".");
}

/* A heading, with `id` for links within the page (one plan's: its ids need no plan name). */
static void heading(struct doc *d, int level, const char *id)
{
	static const char hashes[] = "######";
	textbuf_put(d->md, hashes, (size_t)level);
	textbuf_putc(d->md, ' ');
	textbuf_puts(d->html, level == 2 ? "<h2 id=\"" : level == 3 ? "<h3 id=\"" : "<h4 id=\"");
	esc_html_append(d->html, id, strlen(id));
	textbuf_puts(d->html, "\">");
}

static void heading_end(struct doc *d, int level)
{
	textbuf_puts(d->md, "\n\n");
	textbuf_puts(d->html, level == 2 ? "</h2>\n" : level == 3 ? "</h3>\n" : "</h4>\n");
}

/* A command to type, as written: a fenced block in Markdown, <pre> in HTML. */
static void command(struct doc *d, const char *text)
{
	textbuf_puts(d->md, "```\n");
	textbuf_puts(d->md, text);
	textbuf_puts(d->md, "\n```\n\n");
	textbuf_puts(d->html, "<pre><code>");
	esc_html_text_append(d->html, text, strlen(text));
	textbuf_puts(d->html, "</code></pre>\n");
}

static void para(struct doc *d) { both(d, "", "<p>"); }
static void para_end(struct doc *d) { both(d, "\n\n", "</p>\n"); }

static void fields(struct doc *d) { both(d, "", "<dl>\n"); }
static void fields_end(struct doc *d) { both(d, "\n", "</dl>\n"); }

/*
 * A labelled line of a card: "- **Verify:** " in Markdown, <dt>/<dd> in
 * HTML.  The pages leave out the end tags HTML does not need (</dt>,
 * </dd>, </li>, </td>): a build writes hundreds of thousands of them.
 */
static void field(struct doc *d, const char *label)
{
	textbuf_puts(d->md, "- **");
	textbuf_puts(d->md, label);
	textbuf_puts(d->md, ":** ");
	textbuf_puts(d->html, "<dt>");
	textbuf_puts(d->html, label);
	textbuf_puts(d->html, "<dd>");
}

static void field_end(struct doc *d) { both(d, "\n", "\n"); }

static void list(struct doc *d) { both(d, "", "<ul>\n"); }
static void list_end(struct doc *d) { both(d, "\n", "</ul>\n"); }
static void item(struct doc *d) { both(d, "- ", "<li>"); }
static void item_end(struct doc *d) { both(d, "\n", "\n"); }

/* A card: one step, check or row that prints on one page (.card never splits, docs/output.md). */
static void card(struct doc *d, const char *class_name)
{
	textbuf_puts(d->html, "<div class=\"card ");
	textbuf_puts(d->html, class_name);
	textbuf_puts(d->html, "\">\n");
}

static void card_end(struct doc *d) { textbuf_puts(d->html, "</div>\n"); }

/* A section of the page: an <section> in HTML, so that print keeps its heading with what follows. */
static void section(struct doc *d, const char *id, const char *title)
{
	textbuf_puts(d->html, "<section>\n");
	heading(d, 2, id);
	t(d, title);
	heading_end(d, 2);
}

static void section_end(struct doc *d) { textbuf_puts(d->html, "</section>\n"); }

/*
 * A tick box with a sign-off line.  In Markdown a task-list item with blanks
 * to fill in on paper; in HTML a checkbox, to which the page's script adds
 * the two text fields it keeps (data-id names them within the run's saved
 * state): the same two fields on every card are written once, in the
 * script.  Without the script the style draws the blanks, for paper.
 */
static void tick(struct doc *d, const char *id, const char *label)
{
	textbuf_puts(d->md, "- [ ] ");
	esc_markdown_append(d->md, label, strlen(label));
	textbuf_puts(d->md, ". Signed: ______________  Time: ________\n\n");
	/*
	 * written thousands of times a build: attribute values that need no
	 * quotes go without and the paragraph's end tag is left out, as HTML5
	 * allows for the last paragraph of its card (every caller ends the card
	 * next)
	 */
	textbuf_puts(d->html, "<p class=sign><label><input type=checkbox data-id=");
	textbuf_puts(d->html, id);
	textbuf_puts(d->html, "> ");
	esc_html_text_append(d->html, label, strlen(label));
	textbuf_puts(d->html, "</label>\n");
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
 * Which unconfirmed facts the operator must see in the window: what a
 * pre-flight check detects (a prerequisite, the witness), whether a Fixlet is the one its ID and title
 * say, and a whole declaration or step in doubt.  The rest (action names,
 * OS ranges, what a prerequisite needs, Pending Restart behaviour, which
 * the steps' advice covers, gather URLs) is for whoever builds the
 * content and the Automation Plan: the review report alone lists them.
 */
static bool in_window(const struct lw_mark *m)
{
	static const char *const fields_seen[] = {"detect", "witness-online", "id", "title"};
	if (!m->field)
		return true;
	for (size_t i = 0; i < sizeof fields_seen / sizeof fields_seen[0]; i++)
		if (strcmp(m->field, fields_seen[i]) == 0)
			return true;
	return false;
}

/*
 * The mark of an unconfirmed fact: "⚠U3", a link to its entry in the
 * review report (in the report, to the entry itself).  In the checklist
 * only facts that matter in the window are marked, and the first mark
 * of each also gives its reason, beside the step that needs it.
 */
/* A mark after text (`lead`: after a blank) or first in its field; false if it is not shown here. */
static bool mark_led(struct doc *d, const struct lw_mark *m, bool lead)
{
	unsigned n = render_mark_number(d->plan, m);
	if (!n || (d->kind == DOC_CHECKLIST && !in_window(m)))
		return false;
	char number[24];
	const char *u = digits(number, n);
	const char *md_target = d->kind == DOC_CHECKLIST ? d->plan->review_md : "";
	const char *html_target = d->kind == DOC_CHECKLIST ? d->plan->review_html : "";
	textbuf_puts(d->md, lead ? " [\u26A0U" : "[\u26A0U");
	textbuf_puts(d->md, u);
	textbuf_puts(d->md, "](");
	textbuf_puts(d->md, md_target);
	textbuf_puts(d->md, "#u");
	textbuf_puts(d->md, u);
	textbuf_puts(d->md, ")");
	textbuf_puts(d->html, lead ? " <a class=\"u\" href=\"" : "<a class=\"u\" href=\"");
	esc_html_append(d->html, html_target, strlen(html_target));
	textbuf_puts(d->html, "#u");
	textbuf_puts(d->html, u);
	textbuf_puts(d->html, "\">\u26A0U");
	textbuf_puts(d->html, u);
	textbuf_puts(d->html, "</a>");
	if (d->kind == DOC_CHECKLIST && !d->explained[n - 1] && m->reason.text) {
		d->explained[n - 1] = 1;
		both(d, " (", " <span class=\"why\">(");
		t(d, m->reason.text);
		both(d, ")", ")</span>");
	}
	return true;
}

static void mark(struct doc *d, const struct lw_mark *m)
{
	(void)mark_led(d, m, true);
}

static void marks(struct doc *d, const struct cptrvec *list)
{
	for (size_t i = 0; i < list->len; i++)
		mark(d, list->items[i]);
}

/* The marks that are a field's whole text: the first follows the field's name without a second blank. */
static void field_of_marks(struct doc *d, const struct cptrvec *list)
{
	bool lead = false;
	for (size_t i = 0; i < list->len; i++)
		lead |= mark_led(d, list->items[i], lead);
}

/* The marks on one statement of a declaration (on_field), or on everything but it. */
static void field_marks(struct doc *d, const struct cptrvec *list, const char *field, bool on_field)
{
	for (size_t i = 0; i < list->len; i++) {
		const struct lw_mark *m = list->items[i];
		if ((m->field && strcmp(m->field, field) == 0) == on_field)
			mark(d, m);
	}
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

static void kind_and_id(struct doc *d, const struct lw_fixlet *f)
{
	both(d, "**", "<b>");
	t(d, render_fixlet_kind(f));
	t(d, " ");
	num(d, f->id);
	both(d, "**", "</b>");
}

/* Fixlet 116 "Pause Node ..." */
static void fixlet_name(struct doc *d, const struct lw_fixlet *f)
{
	kind_and_id(d, f);
	if (f->title.text) {
		t(d, " ");
		quoted(d, f->title.text);
	}
}

/* Fixlet 116 "Pause Node ..." (Server Automation), with the marks the document shows. */
static void fixlet_ref(struct doc *d, const struct lw_fixlet *f)
{
	fixlet_name(d, f);
	t(d, " (");
	t(d, render_site_label(f->site));
	marks(d, &f->site->marks);
	if (d->kind == DOC_REVIEW && f->action) {
		t(d, ", action ");
		t(d, f->action);
	}
	t(d, ")");
	marks(d, &f->marks);
}

/* What an action asks for when it is taken, which bfplan cannot supply: the operator gives it. */
static void parameters(struct doc *d, const struct lw_fixlet *f)
{
	if (!f->parameters.len)
		return;
	field(d, "Parameters");
	kind_and_id(d, f);
	t(d, " asks for ");
	for (size_t i = 0; i < f->parameters.len; i++) {
		const struct lw_parameter *p = f->parameters.items[i];
		t(d, i == 0 ? "" : i + 1 == f->parameters.len ? " and " : ", ");
		quoted(d, p->name.text ? p->name.text : "?");
		if (p->description.text) {
			t(d, " (");
			t(d, p->description.text);
			t(d, ")");
		}
		if (p->secure)
			t(d, " (a secret)");
		else if (p->default_value.text) {
			t(d, ", default ");
			quoted(d, p->default_value.text);
		}
	}
	t(d, " when it is taken: bfplan cannot supply it, so give it in the Automation Plan's step.");
	for (size_t i = 0; i < f->parameters.len; i++) {
		if (((const struct lw_parameter *)f->parameters.items[i])->secure) {
			t(d, " Type a secret only where it is asked for: bfplan writes its value nowhere.");
			break;
		}
	}
	field_end(d);
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

static bool may_restart(const struct lw_item *item)
{
	/* a restart Fixlet ('clears') waits for the node to come back: it leaves nothing pending */
	if (item->kind == LW_STEP_FIXLET)
		return item->fixlet->restart == LW_RESTART_MAY;
	for (size_t i = 0; i < item->baseline->components.len; i++)
		if (component(item->baseline, i)->restart != LW_RESTART_NEVER)
			return true;
	return false;
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
		t(d, k ? ", " : "");
		t(d, n->name);
		t(d, node_state_word(d->plan, n));
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

/*
 * An advice text from the plan, filled in: once where it reads the same on
 * every node of the phase, else once per node.
 */
static void advice(struct doc *d, const struct lw_phase *ph, const char *text)
{
	if (!text)
		return;
	if (!ph) { /* an advice paragraph: for whichever node the card names */
		sentence(d, render_advice(d->arena, text, d->plan, RENDER_ANY_NODE));
		return;
	}
	const struct lw_node *first = ph->nodes.items[0];
	if (ph->nodes.len == 1 || !render_advice_varies(text)) {
		sentence(d, render_advice(d->arena, text, d->plan, first->name));
		return;
	}
	for (size_t k = 0; k < ph->nodes.len; k++) {
		const struct lw_node *n = ph->nodes.items[k];
		t(d, k ? " On " : "On ");
		t(d, n->name);
		t(d, ": ");
		sentence(d, render_advice(d->arena, text, d->plan, n->name));
	}
}

static void duration(struct doc *d, int64_t seconds)
{
	t(d, render_duration(d->arena, seconds));
}

/* "2026-11-14 22:00 UTC": a time of the window, when the build was told when it starts. */
static void clock_time(struct doc *d, int64_t offset)
{
	t(d, render_utc_time(d->arena, d->run->window_start + offset));
}

static size_t preflight_count(const struct lw_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->checks.len; i++)
		n += ((const struct lw_check *)p->checks.items[i])->when == LW_PREFLIGHT;
	return n;
}

/* The pre-flight Fixlets the .bes holds: one per prerequisite, and the witness's. */
static size_t fixlet_count(const struct lw_plan *p)
{
	return p->prereqs.len + (p->witness_check != NULL);
}

/* "P1, P2 and P4": the pre-flight checks, as one list. */
static void preflight_ids(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	size_t n = 0, total = preflight_count(p);
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->when != LW_PREFLIGHT)
			continue;
		t(d, n == 0 ? "P" : ++n == total ? " and P" : ", P");
		n += n == 0;
		num(d, c->number);
	}
}

/* ---- the operator's checklist: the plan in one screen --------------------------- */

static void plan_row(struct doc *d, const char *label)
{
	textbuf_puts(d->md, "| ");
	textbuf_puts(d->md, label);
	textbuf_puts(d->md, " | ");
	textbuf_puts(d->html, "<dt>");
	textbuf_puts(d->html, label);
	textbuf_puts(d->html, "<dd>");
}

static void plan_row_end(struct doc *d) { both(d, " |\n", "\n"); }

static void role_row(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (!p->role || !p->role_holder)
		return;
	plan_row(d, "Clustered role");
	if (p->role->server.text) {
		strong(d, p->role->server.text);
		t(d, " (");
		t(d, text_or(p->role->title, p->role->name));
		t(d, ")");
	} else {
		t(d, text_or(p->role->title, p->role->name));
	}
	t(d, " runs on ");
	t(d, p->role_holder->name);
	t(d, ", which goes last so it moves once");
	if (p->role_check) {
		t(d, "; P");
		num(d, p->role_check->number);
		t(d, " checks it before step 1");
	}
	t(d, ".");
	plan_row_end(d);
}

static void window_row(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	plan_row(d, "Window");
	if (d->run->has_window_start) {
		t(d, "starts ");
		clock_time(d, 0);
		if (p->window > 0) {
			t(d, ", closes ");
			clock_time(d, p->window);
		}
		t(d, "; ");
	} else if (p->window > 0) {
		duration(d, p->window);
		t(d, "; ");
	}
	t(d, "worst case ");
	duration(d, p->worst_case);
	if (d->run->has_window_start) {
		t(d, ", ending by ");
		clock_time(d, p->worst_case);
	}
	t(d, " (");
	num(d, p->step_count);
	t(d, " steps)");
	if (!d->run->has_window_start)
		t(d, ". Start: ____________");
	plan_row_end(d);
}

static void owner_row(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	plan_row(d, "Change owner");
	if (p->owner.text) {
		strong(d, p->owner.text);
		t(d, ", ");
		t(d, p->owner_contact.text);
	} else {
		t(d, "not named in the plan: write the name and how to reach them here ____________ before step 1");
	}
	plan_row_end(d);
}

static void plan_overview(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "plan", "The plan");
	both(d, "| | |\n| --- | --- |\n", "<dl class=\"facts\">\n");
	plan_row(d, "Cluster");
	code(d, p->cluster);
	t(d, ", ");
	t(d, text_or(p->os_title, p->os));
	marks(d, &p->os_marks);
	t(d, ": ");
	for (size_t i = 0; i < p->cluster_nodes.len; i++) {
		t(d, i ? ", " : "");
		t(d, p->cluster_nodes.items[i]);
	}
	plan_row_end(d);
	plan_row(d, "Order");
	for (size_t i = 0; i < p->phases.len; i++) {
		const struct lw_phase *ph = p->phases.items[i];
		t(d, i ? "; phase " : "phase ");
		num(d, ph->number);
		t(d, ": ");
		phase_nodes(d, ph);
	}
	t(d, ". At most ");
	num(d, p->max_down);
	t(d, p->max_down == 1 ? " node down at once" : " nodes down at once");
	if (p->quorum.model != LW_QUORUM_DISK_ONLY) {
		t(d, " (");
		num(d, p->quorum.votes_kept);
		t(d, " of ");
		num(d, p->quorum.votes);
		t(d, " quorum votes up)");
	}
	t(d, ".");
	plan_row_end(d);
	role_row(d);
	if (!p->bes_file) {
		plan_row(d, "Content");
		t(d, "none to import: every step runs a Fixlet of its own site");
		plan_row_end(d);
	}
	window_row(d);
	owner_row(d);
	plan_row(d, "Journal");
	code(d, d->journal);
	t(d, ", then ");
	code(d, "start N");
	t(d, " and ");
	code(d, "done N");
	t(d, " for step N, ");
	code(d, "done P1");
	t(d, " for check P1; a failure: ");
	code(d, "fail N --target NODE --reason TEXT");
	plan_row_end(d);
	plan_row(d, "Run ID");
	code(d, d->run->run_id);
	t(d, d->run->run_id_given ? " (given for this build)"
	     : d->run->has_window_start ? " (from the plan and the start: another window gets another)"
					: " (give --window-start for each window)");
	plan_row_end(d);
	plan_row(d, "Review report");
	/* each format links to its own: the page to the page, the Markdown to the Markdown */
	both(d, "[", "<a href=\"");
	esc_html_append(d->html, p->review_html, strlen(p->review_html));
	textbuf_puts(d->html, "\">");
	esc_markdown_append(d->md, p->review_md, strlen(p->review_md));
	esc_html_text_append(d->html, p->review_html, strlen(p->review_html));
	textbuf_puts(d->md, "](");
	esc_markdown_append(d->md, p->review_md, strlen(p->review_md));
	textbuf_puts(d->md, ")");
	textbuf_puts(d->html, "</a>");
	t(d, ": proofs, ");
	num(d, p->unconfirmed.len);
	t(d, " unconfirmed facts (\u26A0U), the recipe");
	plan_row_end(d);
	both(d, "\n", "</dl>\n");
	para(d);
	t(d, "Run the Automation Plan of the review report's recipe with this page beside it; tick a box only once "
	     "its check has passed.");
	para_end(d);
	section_end(d);
}

/* How the .bes gets into BigFix: the REST API for reference-only components, the console for the full form. */
static void import_content(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (!p->bes_file)
		return;
	section(d, "import", "Before the window: import the content");
	card(d, "check");
	para(d);
	if (d->run->import == CHECKLIST_IMPORT_REST) {
		t(d, "Import ");
		code(d, p->bes_file);
		t(d, " into its custom site through the REST API (File > Import may refuse its reference-only "
		     "components):");
		para_end(d);
		command(d, arena_printf(d->arena, "curl --user OPERATOR --request POST --data-binary @%s "
						  "https://BIGFIX-SERVER:52311/api/import/custom/SITE", p->bes_file));
		para(d);
		t(d, "Put in your user, server and site (");
		code(d, "/api/import/master");
		t(d, " for the master action site);");
	} else {
		t(d, "In the BigFix console, choose File > Import, open ");
		code(d, p->bes_file);
		t(d, ", and import it into the custom site that is to hold this plan's content.");
	}
	t(d, " you need write access and the Custom Content permission. The console then lists ");
	num(d, fixlet_count(p));
	t(d, fixlet_count(p) == 1 ? " pre-flight Fixlet and " : " pre-flight Fixlets and ");
	num(d, p->baselines.len);
	t(d, p->baselines.len == 1 ? " Baseline." : " Baselines.");
	para_end(d);
	tick(d, "import", "Imported");
	card_end(d);
	section_end(d);
}

static void prereq_check(struct doc *d, const struct lw_prereq *pr)
{
	const struct lw_plan *p = d->plan;
	card(d, "check");
	heading(d, 3, arena_printf(d->arena, "p%u", pr->number));
	t(d, "P");
	num(d, pr->number);
	t(d, ". ");
	t(d, text_or(pr->title, pr->name));
	heading_end(d, 3);
	fields(d);
	if (pr->marks.len) {
		field(d, "Detection");
		field_of_marks(d, &pr->marks);
		field_end(d);
	}
	if (pr->provider) {
		field(d, "Where relevant");
		t(d, "run ");
		fixlet_ref(d, pr->provider);
		t(d, " there");
		if (pr->needs.len) {
			t(d, " (after ");
			for (size_t k = 0; k < pr->needs.len; k++) {
				const struct lw_prereq *n = pr->needs.items[k];
				t(d, k ? ", P" : "P");
				num(d, n->number);
			}
			t(d, ")");
		}
		t(d, ".");
		field_end(d);
	}
	if (pr->note.text) {
		field(d, "Note");
		sentence(d, render_advice(d->arena, pr->note.text, p, NULL));
		field_end(d);
	}
	fields_end(d);
	tick(d, arena_printf(d->arena, "p%u", pr->number), "Relevant on no node");
	card_end(d);
}

static void role_check(struct doc *d, const struct lw_check *c)
{
	const struct lw_plan *p = d->plan;
	const struct lw_role *role = p->role;
	const char *server = role_server(role);
	const struct lw_node *holder = p->role_holder;
	card(d, "check");
	heading(d, 3, arena_printf(d->arena, "p%u", c->number));
	t(d, "P");
	num(d, c->number);
	t(d, ". ");
	t(d, server);
	t(d, " runs on ");
	t(d, holder->name);
	marks(d, &role->marks);
	heading_end(d, 3);
	fields(d);
	field(d, "Look");
	if (role->detect) {
		kind_and_id(d, role->detect);
		shown_marks(d, &role->detect->marks);
		t(d, " must list ");
		t(d, holder->name);
		t(d, " alone among its applicable computers, just before step 1.");
	} else {
		t(d, "with the cluster's own tools, just before step 1.");
	}
	field_end(d);
	field(d, "If not");
	t(d, "do not start (it would move twice): rebuild with ");
	code(d, "active NODE");
	t(d, " naming where it runs, or move it to ");
	t(d, holder->name);
	t(d, " first.");
	field_end(d);
	fields_end(d);
	tick(d, arena_printf(d->arena, "p%u", c->number), arena_printf(d->arena, "%s runs on %s", server, holder->name));
	card_end(d);
}

/* Whether a proof rests on run-time facts that no pre-flight Fixlet can see. */
static bool any_by_hand(const struct lw_plan *p)
{
	for (size_t i = 0; i < p->checks.len; i++)
		if (((const struct lw_check *)p->checks.items[i])->by_hand.len)
			return true;
	return false;
}

/*
 * The facts a proof rests on that no pre-flight Fixlet can see (a node
 * that is down reports nothing): one card, looked at by hand just before
 * step 1.
 */
static void by_hand_check(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	card(d, "check");
	heading(d, 3, "by-hand");
	t(d, "By hand, just before step 1");
	heading_end(d, 3);
	fields(d);
	field(d, "Look");
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		for (size_t k = 0; k < c->by_hand.len; k++) {
			t(d, k ? "; " : "");
			t(d, c->by_hand.items[k]);
		}
	}
	t(d, ": in the cluster console (the witness resource shows Online).");
	field_end(d);
	fields_end(d);
	tick(d, "by-hand", "Holds");
	card_end(d);
}

/* A run-time fact a proof rests on that is neither a prerequisite nor where the role runs: what it says. */
static void other_check(struct doc *d, const struct lw_check *c)
{
	card(d, "check");
	heading(d, 3, arena_printf(d->arena, "p%u", c->number));
	t(d, "P");
	num(d, c->number);
	t(d, ". ");
	t(d, c->title ? c->title : text_or(c->description, c->code));
	heading_end(d, 3);
	fields(d);
	if (c->marks.len) {
		field(d, "Detection");
		field_of_marks(d, &c->marks);
		field_end(d);
	}
	if (c->look) {
		field(d, "Look");
		sentence(d, c->look);
		field_end(d);
	}
	if (c->if_not) {
		field(d, "If not");
		sentence(d, c->if_not);
		field_end(d);
	}
	fields_end(d);
	tick(d, arena_printf(d->arena, "p%u", c->number), "Holds");
	card_end(d);
}

static void preflight(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (!preflight_count(p) && !any_by_hand(p))
		return;
	section(d, "preflight", "Before step 1: pre-flight checks");
	if (fixlet_count(p)) {
		para(d);
		t(d, "A check passes when its pre-flight Fixlet (titled ");
		quoted(d, "bfplan pre-flight: ...");
		t(d, ") is relevant on no node; where detection is in doubt, confirm a flagged node by hand.");
		para_end(d);
	}
	for (size_t i = 0; i < p->prereqs.len; i++)
		prereq_check(d, p->prereqs.items[i]);
	if (p->role_check)
		role_check(d, p->role_check);
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->when == LW_PREFLIGHT && !c->prereq && c != p->role_check)
			other_check(d, c);
	}
	if (any_by_hand(p))
		by_hand_check(d);
	section_end(d);
}

/* ---- the operator's checklist: the steps ----------------------------------------- */

/* The number of the step that first ran this step's item, if an earlier card has shown it; else 0. */
static unsigned shown_before(struct doc *d, const struct lw_step *s)
{
	for (size_t i = 0; i < d->plan->items.len; i++) {
		if (d->plan->items.items[i] != s->item)
			continue;
		if (!d->first_step[i]) {
			d->first_step[i] = s->number;
			return 0;
		}
		return d->first_step[i];
	}
	return 0;
}

/*
 * What the step runs: its Fixlet, or the Baseline of the .bes and its
 * components in order; in full on the first card that runs it, then by
 * reference to that card.
 */
static void step_object(struct doc *d, const struct lw_step *s)
{
	unsigned earlier = shown_before(d, s);
	if (earlier) {
		if (s->item->kind == LW_STEP_FIXLET) {
			kind_and_id(d, s->item->fixlet);
		} else {
			strong(d, "Baseline");
		}
		t(d, ", as in step ");
		num(d, earlier);
		return;
	}
	if (s->item->kind == LW_STEP_FIXLET) {
		fixlet_ref(d, s->item->fixlet);
		return;
	}
	const struct lw_baseline *bl = s->item->baseline;
	strong(d, "Baseline");
	t(d, " ");
	quoted(d, bl->bes_title);
	t(d, ": ");
	for (size_t i = 0; i < bl->components.len; i++) {
		const struct lw_fixlet *f = component(bl, i);
		t(d, i == 0 ? "" : i + 1 == bl->components.len ? ", then " : ", ");
		t(d, render_fixlet_kind(f));
		t(d, " ");
		num(d, f->id);
		shown_marks(d, &f->marks);
		if (f->restart == LW_RESTART_CLEARS)
			t(d, " (the restart)");
	}
}

/* The item's place in the plan's list of items. */
static size_t item_index(const struct lw_plan *p, const struct lw_item *it)
{
	for (size_t i = 0; i < p->items.len; i++)
		if (p->items.items[i] == it)
			return i;
	return p->items.len;
}

/* The number of the item's advice paragraph (A1, A2...), or 0 if its cards carry their advice. */
static unsigned advice_of(const struct doc *d, const struct lw_item *it)
{
	return d->advice_no[item_index(d->plan, it)];
}

/*
 * "as in A2": what the card's nodes, named on its On line, follow.  On
 * paper the number finds the paragraph; in HTML the card's first
 * reference is also a link (`link`), the others plain: one is enough.
 */
static void as_in_advice(struct doc *d, const struct lw_step *s, bool link)
{
	char buf[24];
	const char *n = digits(buf, advice_of(d, s->item));
	t(d, "as in ");
	if (link) {
		textbuf_puts(d->md, "A");
		textbuf_puts(d->html, "<a href=\"#a");
		textbuf_puts(d->html, n);
		textbuf_puts(d->html, "\">A");
		both(d, n, n);
		textbuf_puts(d->html, "</a>");
	} else {
		t(d, "A");
		t(d, n);
	}
	t(d, ".");
}

/* What to verify after the item on `ph`'s nodes (the nodes' own names), or with [node] in an advice paragraph. */
static void verify_text(struct doc *d, const struct lw_item *it, const struct lw_phase *ph)
{
	const struct lw_plan *p = d->plan;
	if (it->verify.text)
		advice(d, ph, it->verify.text);
	/* after moving the role, the role's own advice, unless the step says how to check already */
	if (it->role_only && p->role && !it->verify.text) {
		if (p->role->verify.text) {
			advice(d, ph, p->role->verify.text);
		} else {
			t(d, "The move can fail: check where ");
			t(d, role_server(p->role));
			t(d, " runs now before going on.");
		}
	}
	/* a Baseline that ends with its restart: the patch step's own advice says what Pending Restart means */
	if (!restart_in(it) && may_restart(it)) {
		if (p->automation.pending_restart == LW_PENDING_RESTART_CONTINUE)
			t(d, " Under this plan's \"Continue Plan\" setting a node may end this step in Pending "
			     "Restart: the restart step after it restarts the node.");
		else
			t(d, " This step can leave a node in Pending Restart: restart it and wait before the next step.");
	}
}

static void verify(struct doc *d, const struct lw_step *s)
{
	field(d, "Verify");
	if (advice_of(d, s->item))
		as_in_advice(d, s, true);
	else
		verify_text(d, s->item, s->phase);
	field_end(d);
}

/* The Fixlets' own notes, where the catalog gives any. */
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
		t(d, render_fixlet_kind(f));
		t(d, " ");
		num(d, f->id);
		t(d, ": ");
		advice(d, s->phase, f->note.text);
		field_end(d);
	}
}

/* `resume` (Fixlet 115): its title is on the card of the step that runs it */
static void restore_name(struct doc *d, const struct lw_restore *r)
{
	code(d, r->name);
	t(d, " (");
	t(d, render_fixlet_kind(r->fixlet));
	t(d, " ");
	num(d, r->fixlet->id);
	t(d, ")");
}

/* After a failure that holds the nodes out of service: how to bring one back, once decided. */
static void bring_back(struct doc *d, const struct lw_restore *r)
{
	if (!r)
		return;
	t(d, " To bring a node back: ");
	restore_name(d, r);
	t(d, " on it.");
}

static void on_failure(struct doc *d, const struct lw_step *s)
{
	field(d, "If it fails");
	switch (s->item->failure) {
	case LW_FAILURE_STOP:
		if (s->restore) {
			/* on the nodes the On line above names */
			restore_name(d, s->restore);
			t(d, s->phase->nodes.len == 1 ? " runs on the node, then the plan stops."
						       : " runs on the nodes, then the plan stops.");
		} else {
			t(d, "the plan stops.");
		}
		break;
	case LW_FAILURE_HOLD:
		t(d, s->restore ? "the plan stops; the nodes stay out of service." : "the plan stops.");
		break;
	case LW_FAILURE_CONTINUE:
		t(d, "optional: the plan goes on with the next step.");
		break;
	}
	if (s->item->on_failure.text) {
		t(d, " ");
		if (advice_of(d, s->item)) {
			t(d, "Then ");
			as_in_advice(d, s, false);
		} else {
			advice(d, s->phase, s->item->on_failure.text);
		}
	}
	if (s->item->failure == LW_FAILURE_HOLD && s->restore != d->advice_restore[item_index(d->plan, s->item)])
		bring_back(d, s->restore);
	field_end(d);
}

/* What a target reporting Not Relevant means for this step, where the stdlib says (the patch step). */
static void not_relevant(struct doc *d, const struct lw_step *s)
{
	if (!s->item->not_relevant.text)
		return;
	field(d, "If Not Relevant");
	if (advice_of(d, s->item)) {
		as_in_advice(d, s, false);
	} else {
		advice(d, s->phase, s->item->not_relevant.text);
		field_marks(d, &s->item->marks, "not-relevant", true);
	}
	field_end(d);
}

static void step_card(struct doc *d, const struct lw_step *s)
{
	const struct lw_plan *p = d->plan;
	const char *id = arena_printf(d->arena, "s%u", s->number);
	card(d, "step");
	heading(d, 3, id);
	t(d, "Step ");
	num(d, s->number);
	t(d, ". ");
	t(d, text_or(s->item->title, s->item->name));
	if (s->item->optional)
		t(d, " (optional)");
	field_marks(d, &s->item->marks, "not-relevant", false); /* that one stands by its advice */
	heading_end(d, 3);
	fields(d);
	field(d, "Run");
	step_object(d, s);
	field_end(d);
	field(d, "On");
	targets(d, s->phase);
	if (s->item->role_only && p->role) {
		t(d, ", where ");
		t(d, role_server(p->role));
		t(d, " runs (P");
		num(d, p->role_check ? p->role_check->number : 0);
		t(d, ")");
	}
	/* the state the step needs its nodes in: where a resumed plan checks first */
	t(d, " (");
	t(d, s->from_state ? s->from_state : "any state");
	t(d, "); timeout ");
	duration(d, s->item->timeout);
	field_end(d);
	verify(d, s);
	notes(d, s);
	if (s->item->kind == LW_STEP_FIXLET) /* a Baseline's components take none (BFP332) */
		parameters(d, s->item->fixlet);
	on_failure(d, s);
	not_relevant(d, s);
	fields_end(d);
	tick(d, id, "Done");
	card_end(d);
}

static void phase_heading(struct doc *d, const struct lw_phase *ph)
{
	const struct lw_plan *p = d->plan;
	textbuf_puts(d->html, "<section>\n");
	heading(d, 2, arena_printf(d->arena, "phase%u", ph->number));
	t(d, "Phase ");
	num(d, ph->number);
	t(d, " of ");
	num(d, p->phases.len);
	t(d, ": ");
	phase_nodes(d, ph);
	heading_end(d, 2);
	para(d);
	if (ph->nodes.len > 1) {
		t(d, "These ");
		num(d, ph->nodes.len);
		t(d, " nodes are down together: each step runs on all of them at once. ");
	}
	if (ph->start) {
		t(d, "At most ");
		duration(d, ph->start);
		t(d, " after step 1");
		if (d->run->has_window_start) {
			t(d, " (by ");
			clock_time(d, ph->start);
			t(d, ")");
		}
		t(d, "; ");
	}
	t(d, ph->start ? "worst case " : "Worst case ");
	duration(d, ph->worst_case);
	t(d, ".");
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
		step_card(d, s);
		scratch_end(d, plan_arena);
	}
	section_end(d);
}

/* What holds for every step, said once before the first. */
static void steps_intro(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "steps", "The steps");
	para(d);
	t(d, "Each step starts once the one before it has passed (step 1: once ");
	if (preflight_count(p)) {
		preflight_ids(d);
		t(d, any_by_hand(p) ? " and the check by hand have" : " have");
	} else if (any_by_hand(p)) {
		t(d, "the check by hand has");
	} else {
		t(d, "the window opens");
	}
	t(d, "), runs on all its nodes at once, and has failed if still running at its timeout.");
	t(d, " On a failure, see the card, then ");
	/* Markdown has no ids of its own: a renderer names a heading after its words (GitHub, pandoc) */
	both(d, "[If a step fails](#if-a-step-fails)", "<a href=\"#failure\">If a step fails</a>");
	t(d, ".");
	para_end(d);
	section_end(d);
}

/*
 * Which items say their advice once, in a numbered paragraph the cards
 * point to: those that run in more than one step (on another node each
 * time) and have advice to give.  The others' cards carry it.
 */
static void number_advice(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	unsigned *runs = arena_calloc(d->arena, p->items.len + 1, sizeof *runs);
	/* per item: its steps do not all have the same restore (none counts as one), so no paragraph says it */
	bool *mixed = arena_calloc(d->arena, p->items.len + 1, sizeof *mixed);
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		size_t i = item_index(p, s->item);
		if (runs[i]++ == 0)
			d->advice_restore[i] = s->restore;
		else if (d->advice_restore[i] != s->restore)
			mixed[i] = true;
	}
	unsigned next = 0;
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *it = p->items.items[i];
		if (runs[i] > 1 && (it->verify.text || it->on_failure.text || it->not_relevant.text))
			d->advice_no[i] = ++next;
		if (mixed[i] || !d->advice_no[i] || it->failure != LW_FAILURE_HOLD || !it->on_failure.text)
			d->advice_restore[i] = NULL;
	}
}

/* The advice paragraphs: each said once, with [node] for the node a card names. */
static void advice_section(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	bool any = false;
	for (size_t i = 0; i < p->items.len && !any; i++)
		any = d->advice_no[i] != 0;
	if (!any)
		return;
	section(d, "advice", "Step advice");
	para(d);
	t(d, "Where a card says \"as in A1\", follow A1 below for the card's nodes, reading " RENDER_ANY_NODE " as each one's name (the card's On line).");
	para_end(d);
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *it = p->items.items[i];
		if (!d->advice_no[i])
			continue;
		char buf[24];
		const char *n = digits(buf, d->advice_no[i]);
		card(d, "advice");
		heading(d, 3, arena_printf(d->arena, "a%s", n));
		t(d, "A");
		t(d, n);
		t(d, ". ");
		t(d, text_or(it->title, it->name));
		heading_end(d, 3);
		fields(d);
		field(d, "Verify");
		verify_text(d, it, NULL);
		field_end(d);
		if (it->on_failure.text) {
			field(d, "If it fails");
			advice(d, NULL, it->on_failure.text);
			bring_back(d, d->advice_restore[i]);
			field_end(d);
		}
		if (it->not_relevant.text) {
			field(d, "If Not Relevant");
			advice(d, NULL, it->not_relevant.text);
			field_marks(d, &it->marks, "not-relevant", true);
			field_end(d);
		}
		fields_end(d);
		card_end(d);
	}
	section_end(d);
}

static void failure_section(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "failure", "If a step fails");
	list(d);
	item(d);
	t(d, "The card's failure step runs and the plan stops. Start no other step until the cause is understood.");
	item_end(d);
	item(d);
	t(d, "Call the change owner");
	if (p->owner.text) {
		t(d, ", ");
		t(d, p->owner.text);
		t(d, " (");
		t(d, p->owner_contact.text);
		t(d, ")");
	}
	t(d, ". Nodes left out of service go back only if they agree.");
	item_end(d);
	/* what the quorum proof rests on, lost during the window: the plan stops as after a failure */
	bool witness = p->quorum.model == LW_QUORUM_NODE_AND_WITNESS;
	item(d);
	t(d, witness ? "A node down or not reporting, or the witness offline, at any time: stop the plan before its "
		       "next step (the proofs assume every node up and the witness online), and record it: "
		     : "A node down or not reporting, at any time: stop the plan before its next step (the proofs "
		       "assume every node up), and record it: ");
	code(d, "node-lost --target NODE");
	if (witness) {
		t(d, ", ");
		code(d, "witness-offline");
	}
	t(d, ".");
	item_end(d);
	item(d);
	t(d, "Record it (journal, sign-off line), leave its box unticked, then resume or close out.");
	item_end(d);
	list_end(d);
	section_end(d);
}

static void resume_section(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "resume", "Resume after a stop");
	list(d);
	item(d);
	t(d, "Go on from the first step not ticked Done");
	textbuf_puts(d->html, " <span class=\"next noprint\"></span>");
	t(d, ". First check its nodes are in the state its card names");
	if (p->role_check) {
		t(d, ", and P");
		num(d, p->role_check->number);
		t(d, " again if phase ");
		num(d, p->role_holder ? p->role_holder->phase->number : p->phases.len);
		t(d, " has not begun");
	}
	t(d, ".");
	item_end(d);
	item(d);
	t(d, "Build an Automation Plan of the recipe's remaining steps if they fit the window; else close out.");
	item_end(d);
	list_end(d);
	section_end(d);
}

/* The step that moves the role: the role's own step in the role holder's phase, if the plan has one. */
static const struct lw_item *role_step(const struct lw_plan *p)
{
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *it = p->items.items[i];
		if (it->role_only)
			return it;
	}
	return NULL;
}

static void close_out(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "close", "Close-out");
	card(d, "check");
	fields(d);
	field(d, "Nodes");
	t(d, "every node back in service, as its last step's Verify says.");
	field_end(d);
	if (p->role && p->role_holder) {
		const char *server = role_server(p->role);
		const struct lw_item *mover = role_step(p);
		field(d, "Role");
		t(d, server);
		t(d, " now runs on ____________ (as P");
		num(d, p->role_check ? p->role_check->number : 0);
		t(d, " looks). Moving it back to ");
		t(d, p->role_holder->name);
		t(d, " is the change owner's call");
		if (mover && mover->fixlet) {
			t(d, ": ");
			kind_and_id(d, mover->fixlet);
			t(d, " where it runs, verified as step ");
			/* the role's step runs in the role holder's phase: the first step of that phase */
			num(d, p->role_holder->phase->first_step);
		}
		t(d, ".");
		field_end(d);
	}
	if (fixlet_count(p)) {
		field(d, "Pre-flight");
		t(d, "all pre-flight Fixlets relevant on no node.");
		field_end(d);
	}
	field(d, "Record");
	t(d, "the journal and the decisions, in the change record.");
	field_end(d);
	fields_end(d);
	tick(d, "close", "Window closed");
	card_end(d);
	section_end(d);
}

/* ---- the review report ------------------------------------------------------------ */

/*
 * How each kind of unconfirmed fact is confirmed on a BigFix server, by
 * the statement it is about (docs/language.md, section 11).  One list,
 * read by the review report; a field not here gets the general way.
 */
#define CONFIRM_WAYS(X) \
	X("action", "Action names", "open the Fixlet in the console; its Actions tab lists the action names: use the one that applies the fix") \
	X("detect", "What a pre-flight check detects", "evaluate the relevance on a node that has the prerequisite and on one that lacks it (Fixlet Debugger, or the console's query tool), and compare") \
	X("witness-online", "How a node sees the witness", "evaluate the relevance on a cluster node (Fixlet Debugger, as the client's LocalSystem account) with the witness Online, then Offline, and compare") \
	X("gather-url", "Gather URLs", "read the site's gather URL on your server (docs/output.md, section 2.6) and give it with --site-url") \
	X("id", "IDs", "find the ID in the site in the console, and check that its title is the one named") \
	X("title", "Titles", "open the ID in the console and compare its title") \
	X("os", "Windows releases", "read the Fixlet's relevance for the Windows releases it applies to") \
	X("pending-restart", "Pending Restart", "read the Fixlet's action script: a restart, or an installer that can ask for one") \
	X("needs", "What comes first", "read the procedure or the Fixlet's description for what must come first") \
	X("baseline", "How a Baseline runs", "run the patch Baseline on a test node whose patches ask for a restart, and see that the restart runs before the step ends") \
	X("not-relevant", "Not Relevant", "run the step on a test node that already has every patch, and see what the Automation Plan does with it")

static const char *confirm_label(const char *field_name)
{
#define CONFIRM_LABEL(name, label, way) if (field_name && strcmp(field_name, name) == 0) return label;
	CONFIRM_WAYS(CONFIRM_LABEL)
#undef CONFIRM_LABEL
	return field_name ? field_name : "Whole declarations";
}

static const char *confirm_way(const char *field_name)
{
#define CONFIRM_ROW(name, label, way) if (field_name && strcmp(field_name, name) == 0) return way;
	CONFIRM_WAYS(CONFIRM_ROW)
#undef CONFIRM_ROW
	return "confirm it on your BigFix server, or import the content's own .bes with bfplan import";
}

/* The index's entry on confirming a fact of this kind: "confirm-gather-url", or "confirm-other". */
static const char *confirm_anchor(const char *field_name)
{
#define CONFIRM_ANCHOR(name, label, way) if (field_name && strcmp(field_name, name) == 0) return "confirm-" name;
	CONFIRM_WAYS(CONFIRM_ANCHOR)
#undef CONFIRM_ANCHOR
	return "confirm-other";
}

/*
 * A link to the build's index, where what every plan's review would say
 * alike is said once (emit_checklist_index): its Markdown or its HTML.
 */
static void index_ref(struct doc *d, const char *target, const char *label)
{
	textbuf_puts(d->md, "[");
	textbuf_puts(d->md, label);
	textbuf_puts(d->md, "](" CHECKLIST_INDEX_MD "#");
	textbuf_puts(d->md, target);
	textbuf_puts(d->md, ")");
	textbuf_puts(d->html, "<a href=\"" CHECKLIST_INDEX_HTML "#");
	textbuf_puts(d->html, target);
	textbuf_puts(d->html, "\">");
	textbuf_puts(d->html, label);
	textbuf_puts(d->html, "</a>");
}

/*
 * What changes for the operator since the previous build (--previous), as
 * bfplan diff says it: each fact that changed, with its old and new value.
 */
static void changes_since(struct doc *d)
{
	const char *previous = d->run->previous;
	if (!previous)
		return;
	const struct ptrvec *changes = d->run->previous_changes;
	section(d, "changes", "Changes since the previous build");
	para(d);
	if (!changes || !changes->len) {
		t(d, "Nothing changes for the operator since ");
		code(d, previous);
		t(d, ": the same steps on the same nodes, with the same content, timeouts, proofs and unconfirmed facts.");
		para_end(d);
		section_end(d);
		return;
	}
	const struct checklist_change *first = changes->items[0];
	if (changes->len == 1 && first->sign == '+' && strcmp(first->what, "plan") == 0) {
		t(d, "This plan is new since ");
		code(d, previous);
		t(d, ": ");
		t(d, first->new_value);
		t(d, ".");
		para_end(d);
		section_end(d);
		return;
	}
	t(d, "Compared with ");
	code(d, previous);
	t(d, ", as bfplan diff compares them (~ changed, + added, - removed): ");
	num(d, changes->len);
	t(d, changes->len == 1 ? " change." : " changes.");
	para_end(d);
	list(d);
	for (size_t i = 0; i < changes->len; i++) {
		const struct checklist_change *c = changes->items[i];
		item(d);
		code(d, c->sign == '~' ? "~" : c->sign == '+' ? "+" : "-");
		t(d, " ");
		strong(d, c->what);
		t(d, ": ");
		if (c->old_value)
			t(d, c->old_value);
		if (c->old_value && c->new_value)
			t(d, " \u2192 ");
		if (c->new_value)
			t(d, c->new_value);
		item_end(d);
	}
	list_end(d);
	section_end(d);
}

static void proofs(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "proofs", "What bfplan proved");
	para(d);
	t(d, "From the plan files, before the window. A proof that rests on a run-time fact holds only if the "
	     "pre-flight check named beside it passes in the window.");
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
		for (size_t k = 0; k < c->rests_on.len; k++) {
			const struct lw_check *on = c->rests_on.items[k];
			t(d, k ? "; P" : ". Rests on: pre-flight check P");
			num(d, on->number);
			t(d, ", ");
			t(d, text_or(on->description, on->code));
		}
		for (size_t k = 0; k < c->by_hand.len; k++) {
			t(d, k ? " and " : ". Rests on, checked by hand before step 1 (no pre-flight Fixlet can see it): ");
			t(d, c->by_hand.items[k]);
		}
		marks(d, &c->marks);
		item_end(d);
	}
	list_end(d);
	const struct lw_quorum *q = &p->quorum;
	para(d);
	t(d, "Quorum: ");
	code(d, render_quorum_name(q->model));
	t(d, q->declared ? "" : " (none declared, so the strictest applies)");
	/* the proof above states the rule already */
	if (!p->quorum_proof) {
		t(d, ": ");
		sentence(d, lw_quorum_rule(d->arena, p));
	} else if (q->by_nodes) {
		t(d, ".");
	}
	if (!q->by_nodes) {
		t(d, p->quorum_proof ? ". bfplan" : " bfplan");
		t(d, " counts votes as Microsoft's failover clustering documentation on quorum configurations "
		     "defines them");
		if (q->model == LW_QUORUM_DISK_ONLY) {
			t(d, "; HCL's procedure exempts the disk-only quorum types from its rule of more than half of the "
			     "nodes up");
		} else if (p->max_down > q->simple_max_down) {
			t(d, "; HCL's shorter rule, more than half of the nodes up, would allow at most ");
			num(d, q->simple_max_down);
			t(d, " down: the witness's vote is what allows ");
			num(d, p->max_down);
		}
		t(d, ".");
	}
	para_end(d);
	section_end(d);
}

/* The mark's number in the index's list of reasons, or 0 when this review gives the reason itself. */
static unsigned shared_number(const struct doc *d, const struct lw_mark *m)
{
	return d->run->shared_marks ? (unsigned)(uintptr_t)ptrmap_get(d->run->shared_marks, m) : 0;
}

/* Two marks give the same reason. */
static bool same_reason(const struct lw_mark *a, const struct lw_mark *b)
{
	return a->reason.text && b->reason.text ? strcmp(a->reason.text, b->reason.text) == 0 : a == b;
}

/* Two marks are about the same kind of fact: the same statement, or both about a whole declaration. */
static bool same_field(const struct lw_mark *a, const struct lw_mark *b)
{
	return a->field && b->field ? strcmp(a->field, b->field) == 0 : a->field == b->field;
}

/* The anchor of fact U`n` and its link to entry `entry` of the index, in one element in HTML. */
static void fact_link(struct doc *d, size_t n, unsigned entry)
{
	char number[24], target[24];
	const char *u = digits(number, n);
	const char *f = digits(target, entry);
	textbuf_puts(d->md, "<a id=\"u");
	textbuf_puts(d->md, u);
	textbuf_puts(d->md, "\"></a>[\u26A0U");
	textbuf_puts(d->md, u);
	textbuf_puts(d->md, "](" CHECKLIST_INDEX_MD "#f");
	textbuf_puts(d->md, f);
	textbuf_puts(d->md, ")");
	textbuf_puts(d->html, "<a id=\"u");
	textbuf_puts(d->html, u);
	textbuf_puts(d->html, "\" href=\"" CHECKLIST_INDEX_HTML "#f");
	textbuf_puts(d->html, f);
	textbuf_puts(d->html, "\">\u26A0U");
	textbuf_puts(d->html, u);
	textbuf_puts(d->html, "</a>");
}

static bool same_owner(const struct lw_mark *a, const struct lw_mark *b)
{
	return a->owner && b->owner ? strcmp(a->owner, b->owner) == 0 : a->owner == b->owner;
}

/*
 * Every unconfirmed fact in the plan's order when the build's index gives
 * the reasons (several plans): one line for the facts of each statement
 * ("Fixlet 40301 'dotnet-4.0-update': U9 id, U10 os"), each fact's mark
 * linking to its entry there, which says its kind, its reason and how to
 * confirm it.
 */
static void unconfirmed_links(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	list(d);
	for (size_t i = 0; i < p->unconfirmed.len; i++) {
		const struct lw_mark *m = p->unconfirmed.items[i];
		if (i && same_owner(p->unconfirmed.items[i - 1], m)) {
			t(d, ", ");
		} else {
			if (i)
				item_end(d);
			item(d);
			t(d, m->owner ? m->owner : "?");
			t(d, ": ");
		}
		fact_link(d, i + 1, shared_number(d, m));
		if (m->field) {
			t(d, " ");
			t(d, m->field);
		}
		if (in_window(m))
			t(d, " (in the window)");
	}
	if (p->unconfirmed.len)
		item_end(d);
	list_end(d);
}

/*
 * Every unconfirmed fact, grouped by the statement it is about, so that
 * how to confirm that kind of fact is said once per group; within a group
 * in the plan's order (U1, U2...: plan.json's "unconfirmed").
 */
static void unconfirmed_list(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "unconfirmed", "Not confirmed");
	para(d);
	if (!p->unconfirmed.len) {
		t(d, "Every fact of the catalog this plan uses is confirmed.");
		para_end(d);
		section_end(d);
		return;
	}
	t(d, "This plan rests on ");
	num(d, p->unconfirmed.len);
	t(d, p->unconfirmed.len == 1 ? " fact" : " facts");
	t(d, " of the catalog that nobody has confirmed: confirm each on your BigFix server before the window (");
	index_ref(d, "confirm", "how, for each kind");
	if (d->run->shared_marks) /* the index says each reason once for the build's plans */
		t(d, "). Each mark links to its fact's kind and reason in the index; the operator sees those \"in "
		     "the window\" beside the step that needs them.");
	else
		t(d, "). Those marked \"in the window\" are shown to the operator beside the step that needs them.");
	para_end(d);
	if (d->run->shared_marks) {
		unconfirmed_links(d);
		section_end(d);
		return;
	}
	size_t n = p->unconfirmed.len;
	unsigned char *listed = arena_calloc(d->arena, n, 1);
	for (size_t g = 0; g < n; g++) {
		if (listed[g])
			continue;
		const struct lw_mark *kind = p->unconfirmed.items[g];
		para(d);
		strong(d, confirm_label(kind->field));
		t(d, in_window(kind) ? " (in the window): " : ": ");
		index_ref(d, confirm_anchor(kind->field), "how to confirm");
		t(d, ".");
		para_end(d);
		list(d);
		for (size_t i = g; i < n; i++) {
			const struct lw_mark *m = p->unconfirmed.items[i];
			if (listed[i] || !same_field(kind, m))
				continue;
			/* the facts of this kind with the same reason: one entry, the reason said once */
			item(d);
			for (size_t k = i; k < n; k++) {
				const struct lw_mark *o = p->unconfirmed.items[k];
				if (listed[k] || !same_field(kind, o) || !same_reason(m, o))
					continue;
				listed[k] = 1;
				if (k != i)
					t(d, "; ");
				/* the entry's anchor: its own element in HTML, an empty one before it in Markdown */
				textbuf_puts(d->md, "<a id=\"u");
				textbuf_puts(d->html, "<b id=\"u");
				num(d, k + 1);
				both(d, "\"></a>**\u26A0U", "\">\u26A0U");
				num(d, k + 1);
				both(d, "**", "</b>");
				t(d, " ");
				t(d, o->owner ? o->owner : "?");
			}
			t(d, ": ");
			sentence(d, m->reason.text ? m->reason.text : "no reason given");
			item_end(d);
		}
		list_end(d);
	}
	section_end(d);
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

/*
 * A recipe row's cell: a table cell in both formats.  The narrow layout
 * labels each cell with its column's name from the page's style (one
 * rule per column, style_recipe), not from an attribute on every cell.
 */
static void cell(struct doc *d, bool first)
{
	textbuf_puts(d->md, first ? "| " : " | ");
	textbuf_puts(d->html, "<td>");
}

static void recipe_row(struct doc *d, const struct lw_step *s)
{
	both(d, "", "<tr>");
	cell(d, true);
	num(d, s->number);
	t(d, ". ");
	t(d, text_or(s->item->title, s->item->name));
	cell(d, false);
	if (s->after)
		num(d, s->after->number);
	else
		t(d, "none");
	cell(d, false);
	if (s->item->kind == LW_STEP_FIXLET) {
		kind_and_id(d, s->item->fixlet);
	} else {
		strong(d, "Baseline");
		t(d, " ");
		code(d, s->item->baseline->name);
	}
	cell(d, false);
	targets(d, s->phase);
	cell(d, false);
	if (s->item->failure == LW_FAILURE_STOP && s->restore)
		restore_name(d, s->restore);
	else
		t(d, "none");
	cell(d, false);
	t(d, behaviour_words(s->item->failure));
	cell(d, false);
	duration(d, s->item->timeout);
	both(d, " |\n", "\n");
}

/*
 * The settings the proofs rest on, which the plan editor does not default
 * to (lower.h, struct lw_automation): each one named, with why.
 */
static void automation_settings(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	const struct lw_fixlet *restart = NULL;
	for (size_t i = 0; i < p->items.len && !restart; i++)
		restart = restart_in(p->items.items[i]);
	para(d);
	t(d, "Make these settings as well: the proofs above hold only with every one of them (");
	index_ref(d, "settings", "why each");
	t(d, "), and Server Automation makes none of them by itself.");
	para_end(d);
	list(d);
	item(d);
	strong(d, "Each step's timeout:");
	t(d, " in the step's advanced failure behaviour, fail the targets that have not returned a status after the "
	     "step's Timeout below, or the worst case above does not hold.");
	item_end(d);
	item(d);
	strong(d, "Failure step and step failure behaviour:");
	t(d, " as the table says. Each failure step targets all the endpoints of its step.");
	item_end(d);
	item(d);
	strong(d, "Pending Restart:");
	if (p->automation.pending_restart == LW_PENDING_RESTART_CONTINUE) {
		t(d, " choose \"Continue Plan\": a patch step ends on a node once it enters Pending Restart, and "
		     "the restart step after it restarts the node.");
		item_end(d);
	} else {
		t(d, " choose \"Pause Plan until restart completes\"");
		if (restart) {
			t(d, " (the restart, ");
			t(d, render_fixlet_kind(restart));
			t(d, " ");
			num(d, restart->id);
			t(d, ", is inside each patch Baseline)");
		}
		t(d, ".");
		item_end(d);
	}
	item(d);
	strong(d, "Non-reporting endpoints:");
	t(d, " do not exclude them.");
	item_end(d);
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *it = p->items.items[i];
		if (!it->not_relevant.text)
			continue;
		item(d);
		strong(d, "Not Relevant:");
		t(d, " how Server Automation counts a node that reports step ");
		quoted(d, text_or(it->title, it->name));
		t(d, " Not Relevant is not documented");
		field_marks(d, &it->marks, "not-relevant", true);
		t(d, ". Each card of that step in the checklist says what to check on the node, and what to do.");
		item_end(d);
	}
	list_end(d);
}

/* A Fixlet the recipe runs, once: the table's rows name it by its ID. */
static void run_entry(struct doc *d, const struct lw_fixlet *f, struct ptrmap *listed)
{
	if (!ptrmap_add(listed, f))
		return;
	item(d);
	fixlet_ref(d, f);
	item_end(d);
}

/* Everything the steps and their failure steps run, each once, with its title, site, action and marks. */
static void what_runs(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	struct ptrmap listed;
	ptrmap_init(&listed, d->arena);
	para(d);
	t(d, "The steps run these, each named by its ID in the table:");
	para_end(d);
	list(d);
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *it = p->items.items[i];
		if (it->kind == LW_STEP_FIXLET) {
			run_entry(d, it->fixlet, &listed);
			continue;
		}
		item(d);
		strong(d, "Baseline");
		t(d, " ");
		code(d, it->baseline->name);
		t(d, ": ");
		quoted(d, it->baseline->bes_title);
		t(d, " of ");
		code(d, p->bes_file);
		t(d, ", in the console once the file is imported, with these components in order: ");
		for (size_t k = 0; k < it->baseline->components.len; k++) {
			t(d, k ? "; " : "");
			fixlet_ref(d, component(it->baseline, k));
		}
		item_end(d);
	}
	for (size_t i = 0; i < p->restores.len; i++)
		run_entry(d, ((const struct lw_restore *)p->restores.items[i])->fixlet, &listed);
	list_end(d);
}

static void recipe(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	section(d, "recipe", "The Automation Plan to build");
	para(d);
	t(d, "An Automation Plan cannot be imported from a generated file: build it in the Server Automation plan "
	     "editor, as a sequential plan named ");
	code(d, p->name);
	t(d, " with the steps below in this order, each targeting every node of its Targets at once. Each step "
	     "waits for the one before it, so the worst case is the sum of the timeouts: ");
	duration(d, p->worst_case);
	t(d, ".");
	para_end(d);

	automation_settings(d);
	what_runs(d);

	both(d, "| Step | Waits for | Runs | Targets | Failure step | On failure | Timeout (advanced failure behaviour) |\n"
		"| --- | --- | --- | --- | --- | --- | --- |\n",
	     "<table class=\"recipe\">\n<thead><tr><th>Step</th><th>Waits for</th><th>Runs</th><th>Targets</th>"
	     "<th>Failure step</th><th>On failure</th><th>Timeout (advanced failure behaviour)</th></tr></thead>\n"
	     "<tbody>\n");
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		struct arena *plan_arena = scratch_begin(d);
		recipe_row(d, s);
		scratch_end(d, plan_arena);
	}
	both(d, "\n", "</tbody>\n</table>\n");
	section_end(d);
}

/* In the full component form the .bes carries action scripts: those from plan files are code to review. */
static void scripts_to_review(struct doc *d)
{
	const struct lw_plan *p = d->plan;
	if (d->run->import != CHECKLIST_IMPORT_CONSOLE)
		return;
	bool any = false;
	for (size_t i = 0; i < p->baselines.len; i++) {
		const struct lw_baseline *bl = p->baselines.items[i];
		for (size_t k = 0; k < bl->components.len; k++) {
			const struct lw_fixlet *f = component(bl, k);
			if (f->script_from != LW_SCRIPT_IMPORTED && f->script_from != LW_SCRIPT_PLAN)
				continue;
			if (!any) {
				section(d, "scripts", "Action scripts to review");
				para(d);
				t(d, "These Baseline components carry an action script written in a plan file, which "
				     "runs on the cluster's nodes:");
				para_end(d);
				list(d);
				any = true;
			}
			item(d);
			fixlet_name(d, f);
			if (f->script_from == LW_SCRIPT_IMPORTED) {
				t(d, ", imported from ");
				code(d, f->imported_from.text);
			} else {
				t(d, ", written by hand in a plan file");
			}
			t(d, ", in Baseline ");
			quoted(d, bl->bes_title);
			item_end(d);
		}
	}
	if (any) {
		list_end(d);
		section_end(d);
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

uint64_t emit_checklist_hash_more(uint64_t seed, const char *data, size_t len)
{
	char bytes[8];
	for (unsigned i = 0; i < 8; i++)
		bytes[i] = (char)(seed >> (8 * i));
	struct content_hash h;
	hash_init(&h);
	hash_update(&h, bytes, sizeof bytes);
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

/*
 * The pages' style, in parts, so that a page carries only what it uses
 * (a build writes thousands of pages, each self-contained).  Screen:
 * readable at 1280 px and at 420 px (nothing wider than the page: long
 * words wrap, labels go above their text, a table turns into one card per
 * row).  Print: cards, rows and sign-off lines never split where they fit
 * on a page, and a heading always goes with what follows it.
 */
static const char style_base[] =
	":root{--ink:#1d2329;--muted:#5b6570;--line:#c9d1d9;--accent:#0b5cad;--warn:#9a3412}\n"
	"*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}\n"
	"body{margin:0 auto;max-width:60rem;padding:1rem 1.25rem 3rem;font:15px/1.45 system-ui,\"Segoe UI\",Roboto,"
	"Arial,sans-serif;color:var(--ink);overflow-wrap:anywhere}\n"
	"h1{font-size:1.5rem;margin:.2rem 0 .6rem}\n"
	"h2{font-size:1.25rem;margin:1.8rem 0 .5rem;padding-bottom:.25rem;border-bottom:2px solid var(--ink)}\n"
	"code{font:.92em ui-monospace,Consolas,monospace;background:#f2f4f6;padding:0 .12em}\n"
	"a.u{color:var(--warn);font-weight:600;text-decoration:none;white-space:nowrap}\n"
	"@media (max-width:44rem){body{padding:.75rem .75rem 2rem}}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}tr,li{break-inside:avoid}"
	"h1,h2,h2+p{break-after:avoid}h2+p{break-before:avoid;break-inside:avoid}a{color:inherit}}\n"
	"@page{margin:14mm}\n";

/*
 * The checklist's: cards of labelled fields, the plan's facts, tick boxes,
 * sign-off lines and the toolbar.
 */
static const char style_ticks[] =
	"h3{font-size:1.05rem;margin:0 0 .4rem;color:var(--accent)}.why{color:var(--warn)}\n"
	"pre{background:#f2f4f6;padding:.5rem .7rem;white-space:pre-wrap;word-break:break-all}\n"
	"dl{display:grid;grid-template-columns:8.5rem minmax(0,1fr);gap:.15rem .8rem;margin:.2rem 0 .4rem}\n"
	"dt{font-weight:600;color:var(--muted)}dd{margin:0}\n"
	".card{border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:4px;"
	"padding:.6rem .8rem .4rem;margin:.7rem 0}\n"
	"dl.facts{border:1px solid var(--line);border-radius:4px;padding:.5rem .7rem}\n"
	".card.done{background:#e7f4ea;border-left-color:#2e7d32}\n"
	".sign{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center;margin:.45rem 0 .2rem;"
	"padding-top:.4rem;border-top:1px dashed var(--line)}\n"
	".sign input:not([type]){border:0;border-bottom:1px solid var(--ink);font:inherit;padding:0 .2rem;"
	"background:transparent;width:10rem;max-width:40vw}.sign label:nth-child(3) input{width:4.5rem}\n"
	".sign label:first-child{font-weight:600}.sign [type]{width:1.15rem;height:1.15rem;vertical-align:-.2rem}\n"
	".sign::after{content:\"Signed ______________ Time ________\"}.js .sign::after{content:none}\n"
	".toolbar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;color:var(--muted);font-size:.9rem}\n"
	"@media (max-width:44rem){dl{grid-template-columns:minmax(0,1fr)}dt{margin-top:.25rem}}\n"
	"@media print{.noprint{display:none}.card,.sign,dl.facts{break-inside:avoid}h3{break-after:avoid}"
	"h2+p+.card{break-before:avoid}.card.done{background:none}}\n";

/* The review report's and the index's: a table, which is one card per row on a narrow screen. */
#define STYLE_TABLE \
	"footer{margin-top:2rem;color:var(--muted);font-size:.85rem}\n" \
	"table{border-collapse:collapse;width:100%;font-size:.9rem}\n" \
	"th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}\n" \
	"thead th{background:#f6f8fa}\n" \
	"@media (max-width:44rem){table,tbody,tr,td{display:block;width:100%}thead{display:none}" \
	"tr{border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:4px;margin:.6rem 0;" \
	"padding:.3rem .6rem}td{border:0;padding:.1rem 0}td::before{content:attr(data-label) \": \";" \
	"font-weight:600;color:var(--muted)}}\n" \
	"@media print{thead{display:table-header-group}table{font-size:8.5pt}th,td{padding:.15rem .25rem}}\n"
static const char style_table[] = STYLE_TABLE;

/* The recipe's column names, for its cells in the narrow layout (the table's head is hidden there). */
static const char style_review[] = STYLE_TABLE
	"@media (max-width:44rem){.recipe td:nth-child(1)::before{content:\"Step: \"}.recipe td:nth-child(2)::before{content:\"Waits for: \"}"
	".recipe td:nth-child(3)::before{content:\"Runs: \"}.recipe td:nth-child(4)::before{content:\"Targets: \"}"
	".recipe td:nth-child(5)::before{content:\"Failure step: \"}"
	".recipe td:nth-child(6)::before{content:\"On failure: \"}"
	".recipe td:nth-child(7)::before{content:\"Timeout: \"}}\n";

/*
 * Adds each tick box's sign-off fields, then restores and saves the ticks
 * and fields of the page's run.
 * The key is at the end of the page (it holds the checklist's hash, which
 * is known only once the checklist is written); the progress line and the
 * next step to resume from are filled in here.
 */
static const char page_script[] =
	"(function(){var h=document.querySelector('[data-store]');if(!h)return;\n"
	"document.documentElement.classList.add('js');document.querySelectorAll('.sign').forEach(function(s){"
	"s.insertAdjacentHTML('beforeend','<label>Signed <input></label><label>Time <input></label>')});\n"
	"var k=h.dataset.store,S={},q=function(x){return document.querySelector(x)};\n"
	"try{S=JSON.parse(localStorage.getItem(k)||'{}')||{}}catch(e){}\n"
	"var F=document.querySelectorAll('.sign input'),P=q('.progress'),N=q('.next');\n"
	"function box(e){return e.type=='checkbox'}\n"
	/* a sign-off line's fields: its box (ID), who signed (ID.by) and when (ID.at) */
	"function id(e){var f=e.closest('.sign').querySelectorAll('input');"
	"return f[0].dataset.id+(e==f[0]?'':e==f[1]?'.by':'.at')}\n"
	"function save(){try{localStorage.setItem(k,JSON.stringify(S))}catch(e){}}\n"
	"function show(){var n=0,t=0,f=null;F.forEach(function(e){if(!box(e))return;n++;if(e.checked)t++;"
	"var c=e.closest('.card');if(!c)return;c.classList.toggle('done',e.checked);"
	"if(!e.checked&&!f&&c.classList.contains('step'))f=c});"
	"if(P)P.textContent=t+' of '+n+' ticked';if(N)N.textContent=f?'(now: '+f.querySelector('h3').textContent+')':''}\n"
	"function load(){F.forEach(function(e){var v=S[id(e)];if(box(e))e.checked=v===true;"
	"else e.value=typeof v=='string'?v:''});show()}\n"
	"F.forEach(function(e){e.addEventListener(box(e)?'change':'input',function(){"
	"S[id(e)]=box(e)?e.checked:e.value;save();show()})});\n"
	"var r=q('button.reset');if(r)r.addEventListener('click',function(){"
	"if(!confirm('Clear every tick and sign-off of this run?'))return;S={};"
	"try{localStorage.removeItem(k)}catch(e){}load()});\n"
	"load()})();\n";

/*
 * A review's: the plan's own files by name, the standard library's
 * counted (plan.json and the index name each; a build of a thousand plans
 * would repeat the same list a thousand times).
 */
static const char *plan_sources(struct arena *arena, const struct lw_program *program)
{
	struct textbuf b;
	textbuf_init(&b, arena);
	size_t library = 0;
	for (size_t i = 0; i < program->sources.len; i++) {
		const char *source = program->sources.items[i];
		if (strncmp(source, "stdlib/", 7) == 0) { /* how lw_program names the library's files */
			library++;
			continue;
		}
		if (b.len)
			textbuf_puts(&b, ", ");
		textbuf_puts(&b, source);
	}
	if (library) {
		char buf[24];
		textbuf_puts(&b, b.len ? " and " : "");
		textbuf_puts(&b, library == 1 ? "1 file" : arena_printf(arena, "%s files", digits(buf, library)));
		textbuf_puts(&b, " of its standard library");
	}
	return b.data;
}

static const char *sources(struct arena *arena, const struct lw_program *program)
{
	struct textbuf b;
	textbuf_init(&b, arena);
	for (size_t i = 0; i < program->sources.len; i++) {
		if (i)
			textbuf_puts(&b, ", ");
		textbuf_puts(&b, program->sources.items[i]);
	}
	return b.data;
}

/* The head of a page up to its <main>: "HEADING: NAME", with the lead paragraph (HTML, or NULL) under it. */
static void page_begin(struct textbuf *html, const char *heading_text, const char *name, const char *style,
		       const char *lead_html)
{
	textbuf_puts(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			   "<meta name=\"generator\" content=\"bfplan\">\n<title>");
	textbuf_puts(html, heading_text);
	textbuf_puts(html, ": ");
	esc_html_text_append(html, name, strlen(name));
	textbuf_puts(html, "</title>\n<style>\n");
	textbuf_puts(html, style_base);
	textbuf_puts(html, style);
	textbuf_puts(html, "</style>\n</head>\n<body>\n<header>\n<h1>");
	textbuf_puts(html, heading_text);
	textbuf_puts(html, ": ");
	esc_html_text_append(html, name, strlen(name));
	textbuf_puts(html, "</h1>\n");
	if (lead_html) {
		textbuf_puts(html, "<p>");
		textbuf_puts(html, lead_html);
		textbuf_puts(html, "</p>\n");
	}
	textbuf_puts(html, "</header>\n<main>\n");
}

/* The rest of a page after its <main>: where it was compiled from, and the script if it has ticks. */
static void page_end(struct textbuf *html, const char *from, bool ticks)
{
	textbuf_puts(html, "</main>\n");
	if (from) {
		textbuf_puts(html, "<footer>Compiled by bfplan from: ");
		esc_html_text_append(html, from, strlen(from));
		textbuf_puts(html, ".</footer>\n");
	}
	if (ticks) {
		textbuf_puts(html, "<script>\n");
		textbuf_puts(html, page_script);
		textbuf_puts(html, "</script>\n");
	}
	textbuf_puts(html, "</body>\n</html>\n");
}

/* "# TITLE: PLAN" and the plan's title under it, in Markdown; the HTML head says the same. */
static void document_head(struct doc *d, const char *heading_text, const char *style)
{
	const struct lw_plan *p = d->plan;
	/* a plan without a title of its own is titled by its name (lower.c): the heading says it already */
	const char *title = p->title.text && strcmp(p->title.text, p->name) != 0 ? p->title.text : NULL;
	textbuf_puts(d->md, "# ");
	textbuf_puts(d->md, heading_text);
	textbuf_puts(d->md, ": ");
	esc_markdown_append(d->md, p->name, strlen(p->name));
	textbuf_puts(d->md, "\n\n");
	if (!title) {
		page_begin(d->html, heading_text, p->name, style, NULL);
		return;
	}
	esc_markdown_append(d->md, title, strlen(title));
	textbuf_puts(d->md, ".\n\n");
	struct textbuf lead;
	textbuf_init(&lead, d->arena);
	esc_html_text_append(&lead, title, strlen(title));
	textbuf_putc(&lead, '.');
	page_begin(d->html, heading_text, p->name, style, lead.data);
}

static void doc_init(struct doc *d, struct arena *arena, enum doc_kind kind, const struct lw_plan *plan,
		     const struct checklist_run *run, struct textbuf *md, struct textbuf *html)
{
	*d = (struct doc){.arena = arena, .kind = kind, .run = run, .plan = plan, .md = md, .html = html};
	arena_init_like(&d->scratch, arena);
	d->explained = arena_calloc(arena, plan->unconfirmed.len + 1, 1);
	d->first_step = arena_calloc(arena, plan->items.len + 1, sizeof *d->first_step);
	d->advice_no = arena_calloc(arena, plan->items.len + 1, sizeof *d->advice_no);
	d->advice_restore = arena_calloc(arena, plan->items.len + 1, sizeof *d->advice_restore);
}

void emit_checklist_plan(struct arena *arena, const struct lw_program *program, const struct lw_plan *plan,
			 const struct checklist_run *run, struct textbuf *md, struct textbuf *html)
{
	struct doc doc;
	struct doc *d = &doc;
	doc_init(d, arena, DOC_CHECKLIST, plan, run, md, html);
	const char *file = plan->decl.file < program->sources.len ? program->sources.items[plan->decl.file] : "PLAN";
	if (file[strspn(file, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+")] != '\0')
		file = "PLAN"; /* a name a shell would take apart: the operator types their own */
	d->journal = arena_printf(arena, "bfplan run %s --plan %s --journal %s.journal", file, plan->name, plan->name);
	document_head(d, "Change-window checklist", style_ticks);
	/* the page's script counts the ticks into the progress line */
	textbuf_puts(html, "<div class=\"toolbar noprint\"><span class=\"progress\"></span>"
			   "<button type=\"button\" class=\"reset\">Clear ticks</button></div>\n");

	struct hashing h;
	hashing_start(&h, md);
	plan_overview(d);
	import_content(d);
	preflight(d);
	steps_intro(d);
	number_advice(d);
	advice_section(d);
	for (size_t i = 0; i < plan->phases.len; i++)
		phase_section(d, plan->phases.items[i]);
	failure_section(d);
	resume_section(d);
	close_out(d);
	/* the key changes with the run and with the checklist, so ticks never carry to another run or step */
	uint64_t hash = hashing_stop(&h);
	const char *key = arena_printf(arena, "bfplan:%s:%s:%016llx", plan->name, run->run_id, (unsigned long long)hash);

	/* where it was compiled from is in the review report: the run ID stands for the inputs here */
	textbuf_puts(md, "Ticks saved under: `");
	textbuf_puts(md, key);
	textbuf_puts(md, "`\n");
	textbuf_puts(html, "<p class=\"key\" data-store=\"");
	esc_html_append(html, key, strlen(key));
	textbuf_puts(html, "\">Ticks saved under: <code>");
	esc_html_text_append(html, key, strlen(key));
	textbuf_puts(html, "</code></p>\n");
	page_end(html, NULL, true);
	arena_free(&d->scratch);
}

void emit_review_plan(struct arena *arena, const struct lw_program *program, const struct lw_plan *plan,
		      const struct checklist_run *run, struct textbuf *md, struct textbuf *html)
{
	struct doc doc;
	struct doc *d = &doc;
	doc_init(d, arena, DOC_REVIEW, plan, run, md, html);
	const char *from = plan_sources(arena, program);
	document_head(d, "Review report", style_review);
	para(d);
	t(d, "For the plan's author, its reviewer and whoever builds its Automation Plan. The operator's checklist is ");
	code(d, plan->checklist_md);
	t(d, ".");
	para_end(d);
	changes_since(d);
	proofs(d);
	unconfirmed_list(d);
	recipe(d);
	scripts_to_review(d);
	textbuf_puts(md, "Compiled by bfplan from: ");
	esc_markdown_append(md, from, strlen(from));
	textbuf_puts(md, ".\n");
	page_end(html, from, false);
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
	for (size_t i = 0; i < shown; i++) {
		textbuf_puts(&b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
		textbuf_puts(&b, entries[i]->plan);
	}
	if (shown < n)
		textbuf_printf(&b, " and %zu more plans", n - shown);
	return b.data;
}

static void index_link(struct textbuf *md, struct textbuf *html, const char *label, const char *file)
{
	textbuf_puts(md, "[");
	textbuf_puts(md, label);
	textbuf_puts(md, "](");
	textbuf_puts(md, file);
	textbuf_puts(md, ")");
	textbuf_puts(html, "<a href=\"");
	esc_html_append(html, file, strlen(file));
	textbuf_puts(html, "\">");
	textbuf_puts(html, label);
	textbuf_puts(html, "</a>");
}

/* One row of the index, in both files: the plan, its cluster, window and worst case, and its documents. */
static void index_row(struct arena *arena, const struct checklist_entry *e, struct textbuf *md, struct textbuf *html)
{
	const char *title = e->title;
	const char *window = e->window > 0 ? render_duration(arena, e->window) : "none declared";
	const char *worst = render_duration(arena, e->worst_case);

	textbuf_puts(md, "| `");
	textbuf_puts(md, e->plan);
	textbuf_puts(md, "`");
	if (title) {
		textbuf_puts(md, ": ");
		esc_markdown_append(md, title, strlen(title));
	}
	textbuf_puts(md, " | `");
	textbuf_puts(md, e->cluster);
	textbuf_puts(md, "` | ");
	textbuf_puts(md, window);
	textbuf_puts(md, " | ");
	textbuf_puts(md, worst);
	textbuf_puts(md, " | ");

	textbuf_puts(html, "<tr><td data-label=\"Plan\"><code>");
	esc_html_text_append(html, e->plan, strlen(e->plan));
	textbuf_puts(html, "</code>");
	if (title) {
		textbuf_puts(html, ": ");
		esc_html_text_append(html, title, strlen(title));
	}
	textbuf_puts(html, "</td><td data-label=\"Cluster\"><code>");
	esc_html_text_append(html, e->cluster, strlen(e->cluster));
	textbuf_puts(html, "</code></td><td data-label=\"Window\">");
	textbuf_puts(html, window);
	textbuf_puts(html, "</td><td data-label=\"Worst case\">");
	textbuf_puts(html, worst);
	textbuf_puts(html, "</td><td data-label=\"Checklist\">");
	index_link(md, html, "HTML", e->html_file);
	textbuf_puts(md, ", ");
	textbuf_puts(html, ", ");
	index_link(md, html, "Markdown", e->md_file);
	textbuf_puts(md, " | ");
	textbuf_puts(html, "</td><td data-label=\"Review\">");
	index_link(md, html, "HTML", e->review_html);
	textbuf_puts(md, ", ");
	textbuf_puts(html, ", ");
	index_link(md, html, "Markdown", e->review_md);
	textbuf_puts(md, " |\n");
	textbuf_puts(html, "</td></tr>\n");
}

/* A heading of the index with the id the review reports link to. */
static void index_heading(struct textbuf *md, struct textbuf *html, const char *id, const char *title)
{
	textbuf_puts(md, "<a id=\"");
	textbuf_puts(md, id);
	textbuf_puts(md, "\"></a>\n## ");
	textbuf_puts(md, title);
	textbuf_puts(md, "\n\n");
	textbuf_puts(html, "<section>\n<h2 id=\"");
	textbuf_puts(html, id);
	textbuf_puts(html, "\">");
	textbuf_puts(html, title);
	textbuf_puts(html, "</h2>\n");
}

/* An entry of the index's lists: "**Label**: text", with the id a review report links to. */
static void index_entry(struct textbuf *md, struct textbuf *html, const char *id, const char *label, const char *text)
{
	textbuf_puts(md, "- <a id=\"");
	textbuf_puts(md, id);
	textbuf_puts(md, "\"></a>**");
	textbuf_puts(md, label);
	textbuf_puts(md, "**: ");
	esc_markdown_append(md, text, strlen(text));
	textbuf_puts(md, ".\n");
	textbuf_puts(html, "<li id=\"");
	textbuf_puts(html, id);
	textbuf_puts(html, "\"><b>");
	textbuf_puts(html, label);
	textbuf_puts(html, "</b>: ");
	esc_html_text_append(html, text, strlen(text));
	textbuf_puts(html, ".</li>\n");
}

/*
 * What every plan's review report would say alike, said once for the
 * build: how to confirm each kind of unconfirmed fact, and why each of
 * Server Automation's settings matters.  The reports link here.
 */
static void index_shared(struct textbuf *md, struct textbuf *html)
{
	index_heading(md, html, "confirm", "How to confirm each kind of fact");
	static const char intro[] = "Importing a Fixlet's own .bes with bfplan import and building again replaces "
				    "the guesses about it. Otherwise, by the kind of fact:";
	textbuf_puts(md, intro);
	textbuf_puts(md, "\n\n");
	textbuf_puts(html, "<p>");
	textbuf_puts(html, intro);
	textbuf_puts(html, "</p>\n<ul>\n");
#define CONFIRM_ENTRY(name, label, way) index_entry(md, html, "confirm-" name, label, way);
	CONFIRM_WAYS(CONFIRM_ENTRY)
#undef CONFIRM_ENTRY
	index_entry(md, html, "confirm-other", "Other facts", confirm_way(NULL));
	textbuf_puts(md, "\n");
	textbuf_puts(html, "</ul>\n</section>\n");

	index_heading(md, html, "settings", "Server Automation's settings, and why");
	textbuf_puts(html, "<ul>\n");
	index_entry(md, html, "settings-timeout", "Each step's timeout",
		    "Server Automation puts no time limit on a step otherwise: the step would wait for ever, and the "
		    "plan's worst case would not hold");
	index_entry(md, html, "settings-failure-step", "Each failure step on all the endpoints of its step",
		    "not only on those that failed: the nodes of a phase go out of service together, and come back "
		    "together");
	index_entry(md, html, "settings-pending-restart", "Pause Plan until restart completes",
		    "a node still in Pending Restart means its restart has not happened, and the plan must not move "
		    "on; a node still pending at the step's timeout counts as failed");
	index_entry(md, html, "settings-non-reporting", "Non-reporting endpoints kept",
		    "an excluded node skips the step, and a later step can target it again once it reports: a node "
		    "could be drained or patched without its pause. Kept as a target, a node that does not report "
		    "makes its step wait until the step's timeout, and the step then fails on it, with its failure "
		    "step and behaviour");
	textbuf_puts(md, "\n");
	textbuf_puts(html, "</ul>\n</section>\n");
}

/*
 * The reasons of the catalog's unconfirmed facts the plans rest on, each
 * once for the build: a review lists the fact and links here ("f3").  Each
 * names its kind, linked to how to confirm that kind above.
 */
static void index_reasons(struct arena *arena, const struct cptrvec *marks, struct textbuf *md, struct textbuf *html)
{
	index_heading(md, html, "facts", "Why each fact is not confirmed");
	static const char intro[] = "The facts of the catalog that the plans rest on and nobody has confirmed, "
				    "each with its reason; each plan's review report lists those it rests on.";
	textbuf_puts(md, intro);
	textbuf_puts(md, "\n\n");
	textbuf_puts(html, "<p>");
	textbuf_puts(html, intro);
	textbuf_puts(html, "</p>\n<ul>\n");
	for (size_t i = 0; i < marks->len; i++) {
		const struct lw_mark *m = marks->items[i];
		const char *id = arena_printf(arena, "f%zu", i + 1);
		const char *owner = m->owner ? m->owner : "?";
		const char *kind = confirm_label(m->field);
		const char *how = confirm_anchor(m->field);
		const char *reason = m->reason.text ? m->reason.text : "no reason given";
		textbuf_puts(md, "- <a id=\"");
		textbuf_puts(md, id);
		textbuf_puts(md, "\"></a>");
		esc_markdown_append(md, owner, strlen(owner));
		textbuf_puts(md, " ([");
		esc_markdown_append(md, kind, strlen(kind));
		textbuf_puts(md, "](#");
		textbuf_puts(md, how);
		textbuf_puts(md, ")): ");
		esc_markdown_append(md, reason, strlen(reason));
		textbuf_puts(md, ".\n");
		textbuf_puts(html, "<li id=\"");
		textbuf_puts(html, id);
		textbuf_puts(html, "\">");
		esc_html_text_append(html, owner, strlen(owner));
		textbuf_puts(html, " (<a href=\"#");
		textbuf_puts(html, how);
		textbuf_puts(html, "\">");
		esc_html_text_append(html, kind, strlen(kind));
		textbuf_puts(html, "</a>): ");
		esc_html_text_append(html, reason, strlen(reason));
		textbuf_puts(html, ".</li>\n");
	}
	textbuf_puts(md, "\n");
	textbuf_puts(html, "</ul>\n</section>\n");
}

void emit_checklist_index(struct arena *arena, const struct lw_program *program,
			  const struct checklist_entry *const *entries, size_t count,
			  const struct cptrvec *shared_marks, struct textbuf *md, struct textbuf *html)
{
	const char *names = plan_names(arena, entries, count);
	const char *from = sources(arena, program);
	static const char lead[] = "One checklist per plan, for the operator who carries it out in its change "
				   "window, and one review report, for its author and reviewer.";

	textbuf_puts(md, "# Change-window checklists: ");
	esc_markdown_append(md, names, strlen(names));
	textbuf_puts(md, "\n\n");
	textbuf_puts(md, lead);
	textbuf_puts(md, " Compiled by bfplan from: ");
	esc_markdown_append(md, from, strlen(from));
	textbuf_puts(md, ".\n\n| Plan | Cluster | Maintenance window | Worst case | Checklist | Review |\n"
			 "| --- | --- | --- | --- | --- | --- |\n");

	page_begin(html, "Change-window checklists", names, style_table, lead);
	textbuf_puts(html, "<table>\n<thead><tr><th>Plan</th><th>Cluster</th><th>Maintenance "
			   "window</th><th>Worst case</th><th>Checklist</th><th>Review</th></tr></thead>\n<tbody>\n");
	struct arena row;
	arena_init_like(&row, arena);
	for (size_t i = 0; i < count; i++) {
		index_row(&row, entries[i], md, html);
		arena_reset(&row);
	}
	arena_free(&row);
	textbuf_puts(md, "\n");
	textbuf_puts(html, "</tbody>\n</table>\n");
	index_shared(md, html);
	if (shared_marks && shared_marks->len)
		index_reasons(arena, shared_marks, md, html);
	page_end(html, from, false);
}
