/*
 * hover.c - what a name is, in Markdown (textDocument/hover): a Fixlet's
 * ID, site, title, action and unconfirmed facts; a step's node states
 * and timeout; a node's phase in each plan over its cluster; the title of
 * anything else.  All of it read from the resolver's entities and the
 * checker's facts, never from the syntax tree.
 */
#include "lsp/server.h"

#include <string.h>

#include "base/textbuf.h"

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

/* Which phase of each plan over the node's cluster patches it, in one analysis; how many plans. */
static size_t node_phases(struct textbuf *b, const struct analysis *a, const struct analysis_hit *hit)
{
	size_t plans = 0;
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
			plans++;
		}
	}
	return plans;
}

/*
 * A node, and its phase in each plan over its cluster: the plans of its
 * own file's check, or else those of the open plans that use its file
 * (a cluster declared in a library file the plans `use`).
 */
static void hover_node(struct textbuf *b, const struct analysis *a, const struct analysis_hit *hit,
		       struct doc *const *docs, size_t ndocs)
{
	textbuf_puts(b, "**node** ");
	put_code(b, hit->node->name);
	textbuf_puts(b, " of cluster ");
	put_code(b, hit->cluster->name);
	if (node_phases(b, a, hit))
		return;
	const char *real = a->real[hit->node->span.file];
	for (size_t i = 0; i < ndocs; i++) {
		struct analysis_hit there;
		const struct analysis *other = docs[i]->now;
		if (other && other != a && analysis_find_decl(other, real, hit->node->span.begin, &there) && there.node)
			node_phases(b, other, &there);
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

/* A baseline's restart line: which form it is, and what that rests on (docs/language.md, "baseline"). */
static void hover_restart(struct textbuf *b, const struct component_ent *c)
{
	if (c->as_step)
		textbuf_puts(b, "**restart as-step**\n\nRuns as a step of its own right after the step that runs the "
			     "baseline, on the same nodes, with its own timeout (`timeout restart` in the plan) and "
			     "the plan's Pending Restart setting \"Continue Plan\". The Baseline holds no restart.");
	else
		textbuf_puts(b, "**restart**\n\nThe Baseline's last component. That it runs before the step ends "
			     "is not documented (unconfirmed); `restart as-step` runs it as a step of its own instead.");
	if (c->fixlet) {
		textbuf_puts(b, "\n\n");
		hover_fixlet(b, c->fixlet);
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
	if (hit.used) {
		textbuf_puts(&b, "reads ");
		put_code(&b, src_file(&a->sm, hit.used)->path);
		if (src_file(&a->sm, hit.used)->is_stdlib)
			textbuf_puts(&b, " (the standard library)");
	} else if (hit.node)
		hover_node(&b, a, &hit, q->docs, q->ndocs);
	else if (hit.component && hit.component->is_restart)
		hover_restart(&b, hit.component);
	else if (hit.component)
		hover_fixlet(&b, hit.component->fixlet);
	else
		hover_def(&b, a, &hit);
	r->result = json_pack("{s:{s:s,s:o},s:o}", "contents", "kind", "markdown", "value", text_json(b.data, b.len),
			      "range", feature_range(a, hit.span));
}
