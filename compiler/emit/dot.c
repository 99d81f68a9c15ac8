/*
 * dot.c - the execution model as DOT (see emit_dot.h).
 */
#include "emit/dot.h"

#include <stdbool.h>
#include <string.h>

#include "lower/render.h"

/*
 * A DOT string literal: the quote and the backslash escaped, every other
 * character kept but line breaks, which become "\n" (a centred line
 * break in a label).  Plan text cannot end the string or the graph.
 */
static void quoted(struct textbuf *out, const char *s)
{
	textbuf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			textbuf_putc(out, '\\');
		if (*s == '\n')
			textbuf_puts(out, "\\n");
		else if (*s != '\r')
			textbuf_putc(out, *s);
	}
	textbuf_putc(out, '"');
}

static const char *fixlet_label(struct arena *a, const struct lw_fixlet *f)
{
	return arena_printf(a, "%s %u", render_fixlet_kind(f), (unsigned)f->id);
}

/* What a step runs, briefly: "Fixlet 116", or "Baseline nov-2026: 900201, 900202, 160". */
static const char *runs(struct arena *a, const struct lw_step *s)
{
	if (s->item->kind == LW_STEP_FIXLET)
		return fixlet_label(a, s->item->fixlet);
	const char *text = arena_printf(a, "Baseline %s:", s->item->baseline->name);
	for (size_t i = 0; i < s->item->baseline->components.len; i++) {
		const struct lw_component *c = s->item->baseline->components.items[i];
		text = arena_printf(a, "%s%s %u", text, i ? "," : "", (unsigned)c->fixlet->id);
	}
	return text;
}

/* "P4 EXCMS01 expected on EXNODE2 / seen by Fixlet 121's applicable computers" */
static const char *role_check_label(struct arena *a, const struct lw_plan *p, const struct lw_check *c)
{
	const char *holder = p->role_holder ? p->role_holder->name : "?";
	const char *server = p->role->server.text ? p->role->server.text : p->role->name;
	if (!p->role->detect)
		return arena_printf(a, "P%u %s expected on %s", c->number, server, holder);
	return arena_printf(a, "P%u %s expected on %s\nseen by %s's applicable computers", c->number, server, holder,
			    fixlet_label(a, p->role->detect));
}

static void preflight_cluster(struct arena *a, const struct lw_plan *p, unsigned plan_no, struct textbuf *out)
{
	size_t count = 0;
	for (size_t i = 0; i < p->checks.len; i++)
		count += ((const struct lw_check *)p->checks.items[i])->when == LW_PREFLIGHT;
	if (!count)
		return;
	textbuf_printf(out, "\t\tsubgraph cluster_p%u_preflight {\n\t\t\tlabel=\"pre-flight checks\";\n"
			    "\t\t\tstyle=dashed;\n",
		       plan_no);
	for (size_t i = 0; i < p->checks.len; i++) {
		const struct lw_check *c = p->checks.items[i];
		if (c->when != LW_PREFLIGHT)
			continue;
		textbuf_printf(out, "\t\t\tp%u_check%u [shape=note, label=", plan_no, c->number);
		if (c == p->role_check)
			quoted(out, role_check_label(a, p, c));
		else if (c->prereq)
			quoted(out, arena_printf(a, "P%u %s%s%s", c->number,
						 c->prereq->title.text ? c->prereq->title.text : c->prereq->name,
						 c->prereq->provider ? "\nfix: " : "",
						 c->prereq->provider ? fixlet_label(a, c->prereq->provider) : ""));
		else
			quoted(out, arena_printf(a, "P%u %s", c->number, c->description.text ? c->description.text : ""));
		textbuf_puts(out, "];\n");
	}
	textbuf_puts(out, "\t\t}\n");
}

static void phase_cluster(struct arena *a, const struct lw_plan *p, unsigned plan_no, const struct lw_phase *ph,
			  struct textbuf *out)
{
	const char *nodes = "";
	for (size_t i = 0; i < ph->nodes.len; i++) {
		const struct lw_node *n = ph->nodes.items[i];
		const char *mark = !p->role ? "" : n->role_holder ? " (active: holds the role)" : " (passive)";
		nodes = arena_printf(a, "%s%s%s%s", nodes, i ? ", " : "", n->name, mark);
	}
	textbuf_printf(out, "\t\tsubgraph cluster_p%u_phase%u {\n\t\t\tlabel=", plan_no, ph->number);
	quoted(out, arena_printf(a, "phase %u: %s%s", ph->number, nodes,
				 ph->nodes.len > 1 ? ", each step on all at once" : ""));
	textbuf_puts(out, ";\n");
	struct lw_steps walk;
	lw_steps_begin_phase(&walk, p, ph);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		textbuf_printf(out, "\t\t\tp%u_s%u [shape=box, style=rounded, label=", plan_no, s->number);
		quoted(out, arena_printf(a, "%u. %s%s\n%s\ntimeout %s", s->number, s->item->title.text ? s->item->title.text : s->item->name,
					 s->item->optional ? " (optional)" : "", runs(a, s), render_duration(a, s->item->timeout)));
		textbuf_puts(out, "];\n");
	}
	textbuf_puts(out, "\t\t}\n");
}

/*
 * The failure paths: per phase, one node for the failure step that
 * brings its nodes back and one for the hold that leaves them to a
 * person, each reached from the steps that fail that way.  (DOT merges a
 * node declared twice, so each step can declare the node it points at.)
 */
static void failure_edges(struct arena *a, const struct lw_plan *p, unsigned plan_no, struct textbuf *out)
{
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		if (!s->restore || s->item->failure == LW_FAILURE_CONTINUE)
			continue;
		bool hold = s->item->failure == LW_FAILURE_HOLD;
		const char *id = arena_printf(a, "p%u_%s%u", plan_no, hold ? "hold" : "fail", s->phase->number);
		const char *fixlet = fixlet_label(a, s->restore->fixlet);
		const char *targets = render_targets(a, s->phase);
		textbuf_printf(out, "\t\t%s [shape=box, color=firebrick, fontcolor=firebrick, label=", id);
		quoted(out, hold ? arena_printf(a, "on failure: stop, %s held\n(%s by hand when agreed: %s)", targets,
						s->restore->name, fixlet)
				 : arena_printf(a, "failure step: %s on %s\n%s, then stop", s->restore->name, targets,
						fixlet));
		textbuf_printf(out, "];\n\t\tp%u_s%u -> %s [color=firebrick, style=%s];\n", plan_no, s->number, id,
			       hold ? "dotted" : "dashed");
	}
}

static void plan_graph(struct arena *a, const struct lw_plan *p, unsigned plan_no, struct textbuf *out)
{
	textbuf_printf(out, "\tsubgraph cluster_p%u {\n\t\tlabel=", plan_no);
	const char *holder = "";
	if (p->role_holder && p->role)
		holder = arena_printf(a, "\nrole %s (%s) expected on %s", p->role->name,
				      p->role->server.text ? p->role->server.text : "", p->role_holder->name);
	quoted(out, arena_printf(a, "plan %s: cluster %s, %s, at most %u down%s\nworst case %s%s%s", p->name, p->cluster,
				 p->os, p->max_down, holder, render_duration(a, p->worst_case),
				 p->window > 0 ? ", window " : "", p->window > 0 ? render_duration(a, p->window) : ""));
	textbuf_puts(out, ";\n\t\tfontsize=16;\n");
	preflight_cluster(a, p, plan_no, out);
	for (size_t i = 0; i < p->phases.len; i++)
		phase_cluster(a, p, plan_no, p->phases.items[i], out);

	/* the waits of the Automation Plan; the first step waits for the pre-flight checks */
	struct lw_steps walk;
	lw_steps_begin(&walk, p);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		if (s->after) {
			textbuf_printf(out, "\t\tp%u_s%u -> p%u_s%u;\n", plan_no, s->after->number, plan_no, s->number);
			continue;
		}
		for (size_t k = 0; k < p->checks.len; k++) {
			const struct lw_check *c = p->checks.items[k];
			if (c->when == LW_PREFLIGHT)
				textbuf_printf(out, "\t\tp%u_check%u -> p%u_s%u [style=dashed, color=gray40];\n", plan_no,
					       c->number, plan_no, s->number);
		}
	}
	failure_edges(a, p, plan_no, out);
	textbuf_puts(out, "\t}\n");
}

void emit_dot(struct arena *arena, const struct lw_program *program, struct textbuf *out)
{
	textbuf_puts(out, "// bfplan graph: the execution model of each plan (docs/execution.md)\n"
			  "digraph bfplan {\n\tgraph [rankdir=TB, fontname=\"Helvetica\", compound=true];\n"
			  "\tnode [fontname=\"Helvetica\", fontsize=11];\n\tedge [fontname=\"Helvetica\"];\n");
	for (size_t i = 0; i < program->plans.len; i++)
		plan_graph(arena, program->plans.items[i], (unsigned)i + 1, out);
	textbuf_puts(out, "}\n");
}
