/*
 * check.c - the plan rules (see check.h).
 *
 * Every rule is one function named after it, reporting with its own code,
 * a message that names the rule, a note that points at the declaration
 * (usually in the stdlib) that makes it a rule, and a help line.  Rules
 * only read the world; what they settle goes into struct plan_facts.
 */
#include "sema/check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ptrmap.h"
#include "base/suggest.h"
#include "base/textbuf.h"
#include "base/symtab.h"
#include "base/template.h"

struct checker {
	struct arena *arena;      /* while a plan is checked, a scratch arena emptied after it */
	struct arena *keep;       /* what the plans' facts are made of: kept for lowering */
	struct diag_sink *diags;
	struct world *world;
	unsigned errors_before; /* the sink's error count when the current plan started */
	struct ptrmap node_index; /* struct cluster_ent * -> struct symtab *: lower-cased name -> node,
				   for the clusters large enough to be indexed */
	struct ptrmap variants;   /* the current plan's struct step_ent * -> struct variant */
	struct ptrmap scripts_shown; /* struct baseline_ent * whose plan-file action scripts were shown */
	struct ptrmap contents_checked; /* struct baseline_ent * whose components were checked (BFP328...) */
};

/* A step's variants for the current plan's OS, worked out once however often the step is used. */
struct variant {
	struct fixlet_ent *fixlet;
	size_t matches;
};

static bool span_known(struct src_span s)
{
	return s.file != SRC_NO_FILE;
}

/*
 * The fix that adds `line` as a line of its own after the line holding
 * `after`: the edit inserts it at that line's end (before a CRLF's CR),
 * and `bfplan check --fix` lets fmt indent it.
 */
static void fix_add_line(struct checker *c, struct diag *d, struct src_span after, const char *line)
{
	const struct src_file *f = src_file(c->diags->sm, after.file);
	if (!f || !diag_is_shown(c->diags, d))
		return;
	uint32_t end = after.end > after.begin ? after.end - 1 : after.begin;
	while (end < f->len && f->text[end] != '\n')
		end++;
	if (end > 0 && end <= f->len && f->text[end - 1] == '\r')
		end--;
	diag_fix_edit(c->diags, d, arena_printf(c->arena, "add '%s'", line), (struct src_span){after.file, end, end},
		      arena_printf(c->arena, "\n%s", line));
}

static const char *fixlet_label(struct checker *c, const struct fixlet_ent *fx)
{
	return arena_printf(c->arena, "%s %u%s%s%s", fx->lw.is_task ? "Task" : "Fixlet", fx->lw.id,
			    fx->lw.name ? " ('" : "", fx->lw.name ? fx->lw.name : "", fx->lw.name ? "')" : "");
}

/* ---- OS variants -------------------------------------------------------------------------- */

static bool applies_to(const struct fixlet_ent *fx, const struct os_ent *os)
{
	for (size_t i = 0; i < fx->oses.len; i++)
		if (fx->oses.items[i] == os)
			return true;
	return false;
}

struct fixlet_ent *check_variant_for(const struct step_ent *step, const struct os_ent *os, size_t *matches)
{
	struct fixlet_ent *found = NULL;
	*matches = 0;
	for (size_t i = 0; os && i < step->run.len; i++) {
		struct fixlet_ent *fx = step->run.items[i];
		if (applies_to(fx, os)) {
			if (!found)
				found = fx;
			(*matches)++;
		}
	}
	return found;
}

struct fixlet_ent *check_restart_fixlet(const struct component_ent *comp, const struct os_ent *os)
{
	if (comp->fixlet)
		return comp->fixlet;
	size_t matches;
	return comp->restart_step ? check_variant_for(comp->restart_step, os, &matches) : NULL;
}

/* Exactly one variant of `step` for the cluster's OS; reported at `use` otherwise. */
static struct fixlet_ent *rule_os_variant(struct checker *c, const struct step_ent *step,
					  const struct cluster_ent *cl, struct src_span use)
{
	struct variant *memo = ptrmap_get(&c->variants, step);
	if (!memo) {
		memo = arena_alloc(c->arena, sizeof *memo);
		memo->fixlet = check_variant_for(step, cl->os, &memo->matches);
		ptrmap_put(&c->variants, step, memo);
	}
	size_t matches = memo->matches;
	struct fixlet_ent *fx = memo->fixlet;
	if (matches == 1)
		return fx;
	if (matches == 0) {
		struct diag *d = diag_report(c->diags, BFP303, use, "step '%s' has no Fixlet for %s",
					     step->name, cl->os->name);
		diag_note(c->diags, d, step->run_span, "the variants of '%s' are declared here", step->name);
		diag_note(c->diags, d, cl->os_span, "cluster '%s' runs %s", cl->name, cl->os->name);
		diag_help(c->diags, d, "add a Fixlet for %s to the step with 'step %s extend { run NAME }', "
			  "or add the OS to a Fixlet that applies with 'fixlet NAME extend { os %s }'; or check "
			  "the cluster's os", cl->os->name, step->name, cl->os->name);
	} else {
		struct diag *d = diag_report(c->diags, BFP304, use, "step '%s' has %zu Fixlets for %s",
					     step->name, matches, cl->os->name);
		for (size_t i = 0; i < step->run.len; i++) {
			const struct fixlet_ent *v = step->run.items[i];
			if (applies_to(v, cl->os))
				diag_note(c->diags, d, v->lw.decl, "%s applies to %s", fixlet_label(c, v),
					  cl->os->name);
		}
		diag_help(c->diags, d, "each OS needs exactly one variant: narrow the 'os' line of all "
			  "but one of them");
	}
	return NULL;
}

/* ---- clusters ------------------------------------------------------------------------------- */

/* NetBIOS computer names: 1 to 15 characters, letters, digits and hyphens, not all digits. */
enum { NETBIOS_MAX = 15 };

static const char *netbios_problem(const char *name)
{
	size_t len = strlen(name);
	if (len > NETBIOS_MAX)
		return "is longer than 15 characters";
	bool all_digits = true;
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-')
			return "may hold only letters, digits and '-'";
		if (!isdigit((unsigned char)*p))
			all_digits = false;
	}
	return all_digits ? "cannot be all digits" : NULL;
}

/*
 * Computer names are not case-sensitive.  A cluster's nodes are found by
 * their lower-cased name: a cluster of a few nodes, as nearly all are, is
 * searched in order, and only a large one gets an index, so that the
 * indexes of thousands of small clusters do not outweigh the clusters.
 */
enum { NODE_INDEX_MIN = 16 };

static const char *node_key(struct checker *c, const char *name)
{
	char *key = arena_strdup(c->arena, name);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return key;
}

static bool same_computer(const char *a, const char *b)
{
	for (; *a && tolower((unsigned char)*a) == tolower((unsigned char)*b); a++, b++)
		;
	return tolower((unsigned char)*a) == tolower((unsigned char)*b);
}

static struct node_ent *scan_nodes(struct node_ent *const *nodes, size_t len, const char *name)
{
	for (size_t i = 0; i < len; i++)
		if (same_computer(nodes[i]->name, name))
			return nodes[i];
	return NULL;
}

static void rule_cluster_nodes(struct checker *c, struct cluster_ent *cl)
{
	struct symtab *index = NULL;
	if (cl->nodes.len >= NODE_INDEX_MIN) {
		index = arena_alloc(c->arena, sizeof *index);
		symtab_init(index, c->arena);
		ptrmap_put(&c->node_index, cl, index);
	}
	struct node_ent **kept = (struct node_ent **)cl->nodes.items;
	size_t kept_len = 0;
	for (size_t i = 0; i < cl->nodes.len; i++) {
		struct node_ent *n = cl->nodes.items[i];
		const char *problem = netbios_problem(n->name);
		if (problem) {
			struct diag *d = diag_report(c->diags, BFP315, n->span, "node name '%s' %s", n->name, problem);
			diag_help(c->diags, d, "write the node's NetBIOS computer name, as in 'EXNODE1'%s",
				  strchr(n->name, '.') ? ", without the domain" : "");
		}
		const struct node_ent *twin = index ? symtab_put(index, node_key(c, n->name), n)
						    : scan_nodes(kept, kept_len, n->name);
		if (twin && twin != n) {
			struct diag *d = diag_report(c->diags, BFP316, n->span,
						     "node '%s' is listed twice in cluster '%s'", n->name, cl->name);
			diag_note(c->diags, d, twin->span, "first listed here");
			diag_help(c->diags, d, "remove one of them (computer names are not case-sensitive)");
			continue; /* counted once from here on */
		}
		kept[kept_len++] = n;
	}
	cl->nodes.len = kept_len;
	if (cl->nodes.len > 0 && cl->nodes.len < 2) {
		struct diag *d = diag_report(c->diags, BFP314, cl->nodes_span,
					     "cluster '%s' has %zu node; a failover cluster has at least two",
					     cl->name, cl->nodes.len);
		diag_help(c->diags, d, "list every node of the cluster, as in 'nodes EXNODE1, EXNODE2'");
	}
}

static struct node_ent *find_node(struct checker *c, const struct cluster_ent *cl, const char *name)
{
	const struct symtab *index = ptrmap_get(&c->node_index, cl);
	if (index)
		return symtab_get(index, node_key(c, name));
	return scan_nodes((struct node_ent *const *)cl->nodes.items, cl->nodes.len, name);
}

/* A computer is a node of one failover cluster at most. */
static void rule_nodes_across_clusters(struct checker *c)
{
	struct world *w = c->world;
	struct symtab owners; /* lower-cased node name -> the first cluster listing it */
	symtab_init(&owners, c->arena);
	for (size_t i = 0; i < w->clusters.len; i++) {
		struct cluster_ent *cl = w->clusters.items[i];
		for (size_t j = 0; j < cl->nodes.len; j++) {
			const struct node_ent *n = cl->nodes.items[j];
			const struct cluster_ent *other = symtab_put(&owners, node_key(c, n->name), cl);
			if (other == cl)
				continue;
			const struct node_ent *twin = find_node(c, other, n->name);
			struct diag *d = diag_report(c->diags, BFP316, n->span,
						     "node '%s' of cluster '%s' is also a node of cluster '%s'",
						     n->name, cl->name, other->name);
			if (twin)
				diag_note(c->diags, d, twin->span, "listed in cluster '%s' here", other->name);
			diag_help(c->diags, d, "a computer belongs to one failover cluster: correct the node name");
		}
	}
}

/* Binds a node named in a plan to the cluster's node; reports an unknown one. */
static struct node_ent *bind_node(struct checker *c, const struct cluster_ent *cl, const struct node_ent *ref)
{
	struct node_ent *n = find_node(c, cl, ref->name);
	if (n)
		return n;
	struct diag *d = diag_report(c->diags, BFP204, ref->span, "cluster '%s' has no node '%s'",
				     cl->name, ref->name);
	const char *near = NULL;
	if (diag_is_shown(c->diags, d)) {
		/* a bounded number of names, so many unknown nodes stay cheap (suggest.h) */
		size_t count = cl->nodes.len < SUGGEST_MAX_CANDIDATES ? cl->nodes.len : SUGGEST_MAX_CANDIDATES;
		const char **names = arena_calloc(c->arena, count + 1, sizeof *names);
		for (size_t i = 0; i < count; i++)
			names[i] = ((struct node_ent *)cl->nodes.items[i])->name;
		near = suggest_closest(ref->name, names, count);
	}
	diag_note(c->diags, d, cl->nodes_span, "the nodes of '%s' are listed here", cl->name);
	if (near)
		diag_did_you_mean(c->diags, d, ref->span, near);
	else
		diag_help(c->diags, d, "name one of the cluster's nodes");
	return NULL;
}

/* ---- state machine ------------------------------------------------------------------------ */

/* The first state declared `initial` (or `final`), or NULL. */
static struct state_ent *marked_state(const struct world *w, bool final)
{
	for (size_t i = 0; i < w->states.len; i++) {
		struct state_ent *s = w->states.items[i];
		if (final ? s->final : s->initial)
			return s;
	}
	return NULL;
}

static bool state_in(const struct ptrvec *states, const struct state_ent *s)
{
	for (size_t i = 0; i < states->len; i++)
		if (states->items[i] == s)
			return true;
	return false;
}

/* A declared step that takes a node from `from` to a state some later step accepts; for help lines. */
static const struct step_ent *step_leaving(const struct world *w, const struct state_ent *from,
					  const struct state_ent *towards_final)
{
	for (size_t i = 0; i < w->steps.len; i++) {
		const struct step_ent *st = w->steps.items[i];
		if (st->to && state_in(&st->from, from) && (!towards_final || st->to->final))
			return st;
	}
	return NULL;
}

static const struct step_ent *step_entering(const struct world *w, const struct ptrvec *wanted)
{
	for (size_t i = 0; i < w->steps.len; i++) {
		const struct step_ent *st = w->steps.items[i];
		if (st->to && state_in(wanted, st->to))
			return st;
	}
	return NULL;
}

static const char *state_list(struct checker *c, const struct ptrvec *states)
{
	struct textbuf list;
	textbuf_init(&list, c->arena);
	for (size_t i = 0; i < states->len; i++) {
		const struct state_ent *s = states->items[i];
		const char *sep = i == 0 ? "" : i + 1 == states->len ? " or " : ", ";
		textbuf_printf(&list, "%s'%s'", sep, s->name);
	}
	return list.data;
}

static bool rule_state_machine_declared(struct checker *c)
{
	struct world *w = c->world;
	bool has_initial = marked_state(w, false) != NULL, has_final = marked_state(w, true) != NULL;
	if (has_initial && has_final)
		return true;
	const struct plan_ent *first = w->plans.items[0];
	struct diag *d = diag_report(c->diags, BFP322, first->decl,
				     "the node states declare no %s state, so no plan can be checked",
				     has_initial ? "final" : "initial");
	diag_help(c->diags, d, "`use \"cluster/node-states\"` (the stdlib's states), or mark a state "
		  "'%s'", has_initial ? "final" : "initial");
	return false;
}

/*
 * Runs the per-node sequence through the state machine: each step must
 * accept the state the previous one left, and the node must end in a
 * final state.  A step that takes a node out of service must name an undo
 * step, and that step must follow it, so the node is restored when a
 * later step fails.
 */
static void rule_sequence(struct checker *c, const struct plan_ent *plan)
{
	struct world *w = c->world;
	struct state_ent *state = marked_state(w, false);
	const struct state_ent *final = marked_state(w, true);
	if (!state || !final || plan->sequence_incomplete)
		return; /* a step line was not understood: the states after it are unknown */
	if (plan->sequence.len == 0) {
		struct diag *d = diag_report(c->diags, BFP209, plan->each_span, "`each node` of plan '%s' has no steps",
					     plan->name);
		diag_help(c->diags, d, "list the steps to run on every node, one per line, as in 'pause'");
		return;
	}
	/* each step's last position in the sequence, plus one: "is it undone later" in one look */
	struct ptrmap last_use;
	ptrmap_init(&last_use, c->arena);
	for (size_t i = 0; i < plan->sequence.len; i++)
		ptrmap_put(&last_use, ((const struct seq_item *)plan->sequence.items[i])->step,
			   (void *)(uintptr_t)(i + 1));
	/* the state each step finds the node in, to say where a misplaced step belongs */
	const struct state_ent **before = arena_calloc(c->arena, plan->sequence.len, sizeof *before);
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		const struct step_ent *st = item->step;
		if (!st->to)
			return; /* the stdlib step is broken and already reported */
		before[i] = state;
		if (!state_in(&st->from, state)) {
			struct diag *d = diag_report(c->diags, BFP306, item->span,
						     "'%s' needs the node %s, but here it is '%s'", st->name,
						     state_list(c, &st->from), state->name);
			diag_note(c->diags, d, st->from_span, "step '%s' accepts a node in %s", st->name,
				  state_list(c, &st->from));
			/* written too late: the last place where the node was still in a state it accepts */
			size_t k = i;
			while (k > 0 && !state_in(&st->from, before[k - 1]))
				k--;
			const struct step_ent *fix = step_entering(w, &st->from);
			const struct seq_item *same = NULL; /* the same step, earlier: written twice */
			for (size_t j = 0; j < i && !same; j++)
				if (((const struct seq_item *)plan->sequence.items[j])->step == st)
					same = plan->sequence.items[j];
			if (same && k > 0) {
				diag_note(c->diags, d, same->span, "'%s' already runs here", st->name);
				if (same->baseline && item->baseline && same->baseline != item->baseline)
					diag_help(c->diags, d, "apply both in one step: put the lines of baseline '%s' "
						  "into baseline '%s', and remove this line", item->baseline->name,
						  same->baseline->name);
				else
					diag_help(c->diags, d, "remove this line: '%s' is in `each node` twice", st->name);
			} else if (k > 0) {
				const struct seq_item *at = plan->sequence.items[k - 1];
				diag_help(c->diags, d, "move '%s' up, before '%s': there the node is still '%s'",
					  st->name, at->step->name, before[k - 1]->name);
			} else if (fix)
				diag_help(c->diags, d, "put '%s' before '%s'", fix->name, st->name);
			else
				diag_help(c->diags, d, "reorder the steps of `each node`");
			return; /* one break in the chain is enough: later states are unknown */
		}
		if (state->final && !st->to->final) {
			if (!st->undo) {
				struct diag *d = diag_report(c->diags, BFP308, item->span,
							     "'%s' takes the node out of service, and nothing "
							     "restores it if a later step fails", st->name);
				diag_note(c->diags, d, st->decl, "step '%s' declares no 'undo' step", st->name);
				diag_help(c->diags, d, "give step '%s' an 'undo' line naming the step that "
					  "brings the node back", st->name);
			} else {
				bool follows = (size_t)(uintptr_t)ptrmap_get(&last_use, st->undo) > i + 1;
				if (!follows && st->undo->to && st->undo->to->final) {
					/* reported as node-not-restored below, unless the node ends final anyway */
					const struct seq_item *last = plan->sequence.items[plan->sequence.len - 1];
					if (last->step->to && last->step->to->final) {
						struct diag *d = diag_report(c->diags, BFP308, item->span,
									     "'%s' is not undone by '%s' on the "
									     "failure path", st->name, st->undo->name);
						diag_note(c->diags, d, st->undo_span, "'%s' is undone by '%s'",
							  st->name, st->undo->name);
						diag_help(c->diags, d, "end the sequence with '%s'", st->undo->name);
					}
				}
			}
		}
		state = st->to;
	}
	if (!state->final) {
		const struct seq_item *last = plan->sequence.items[plan->sequence.len - 1];
		struct diag *d = diag_report(c->diags, BFP307, last->span,
					     "the node is left '%s' after the last step; it must end '%s'",
					     state->name, final->name);
		diag_note(c->diags, d, final->decl, "'%s' is the state every node must end in", final->name);
		const struct step_ent *fix = step_leaving(w, state, state);
		if (fix)
			diag_help(c->diags, d, "add '%s' as the last step of `each node`", fix->name);
		else
			diag_help(c->diags, d, "add the step that returns the node to service");
	}
}

/* ---- prerequisites ------------------------------------------------------------------------ */

/*
 * Why a prerequisite is needed, in pieces: the sentence is written only
 * for a diagnostic, and a plan that requires what it needs gets none.
 */
enum need_from { NEED_FROM_STEP, NEED_FROM_BASELINE, NEED_FROM_ROLE, NEED_FROM_PREREQ };

struct need_why {
	enum need_from from;
	const char *name;               /* the step, baseline, cluster or prerequisite */
	const struct fixlet_ent *fixlet;/* what the step or baseline runs */
	const char *role;               /* the role the cluster holds */
};

/* A prerequisite the plan needs, and the first place that needs it. */
struct need {
	struct prereq_ent *prereq;
	struct src_span where;     /* in the plan or the cluster */
	struct src_span rule;      /* the `needs` line that makes it needed */
	struct need_why why;
};

/* "step 'pause' runs Fixlet 116, which needs it" */
static const char *why_needed(struct checker *c, const struct need_why *why)
{
	switch (why->from) {
	case NEED_FROM_STEP:
		return arena_printf(c->arena, "step '%s' runs %s, which needs it", why->name, fixlet_label(c, why->fixlet));
	case NEED_FROM_BASELINE:
		return arena_printf(c->arena, "baseline '%s' runs %s, which needs it", why->name,
				    fixlet_label(c, why->fixlet));
	case NEED_FROM_ROLE:
		return arena_printf(c->arena, "cluster '%s' holds role '%s', which needs it", why->name, why->role);
	case NEED_FROM_PREREQ:
		return arena_printf(c->arena, "prerequisite '%s' needs it", why->name);
	}
	return "";
}

/* What a plan needs, in the order found, and indexed by prerequisite. */
struct needs {
	struct ptrvec list;        /* struct need * */
	struct ptrmap index;       /* struct prereq_ent * -> struct need * */
	struct ptrmap required;    /* struct prereq_ent * -> the plan's struct require_ent */
};

static void needs_init(struct checker *c, struct needs *needs, const struct plan_ent *plan)
{
	needs->list = (struct ptrvec){0};
	ptrmap_init(&needs->index, c->arena);
	ptrmap_init(&needs->required, c->arena);
	for (size_t i = 0; i < plan->requires.len; i++) {
		struct require_ent *req = plan->requires.items[i];
		if (!ptrmap_get(&needs->required, req->prereq))
			ptrmap_put(&needs->required, req->prereq, req);
	}
}

static void add_needs(struct checker *c, struct needs *needs, const struct ptrvec *list,
		      struct src_span where, struct src_span rule, struct need_why why)
{
	for (size_t i = 0; i < list->len; i++) {
		struct prereq_ent *pr = list->items[i];
		if (ptrmap_get(&needs->index, pr))
			continue;
		struct need *n = arena_alloc(c->arena, sizeof *n);
		*n = (struct need){pr, where, rule, why};
		ptrvec_push(c->arena, &needs->list, n);
		ptrmap_put(&needs->index, pr, n);
	}
}

/*
 * Adds what the needed prerequisites need in turn, until nothing is added.
 * A need that comes through a required prerequisite is shown at that
 * `require` line: that is the line whose consequence the user missed.
 */
static void close_needs(struct checker *c, struct needs *needs)
{
	for (size_t i = 0; i < needs->list.len; i++) {
		struct need *n = needs->list.items[i];
		if (n->prereq->needs.len == 0)
			continue;
		const struct require_ent *req = ptrmap_get(&needs->required, n->prereq);
		add_needs(c, needs, &n->prereq->needs, req ? req->span : n->where, n->prereq->needs_span,
			  (struct need_why){.from = NEED_FROM_PREREQ, .name = n->prereq->lw.name});
	}
}

/*
 * The prerequisites in dependency order (what a prerequisite needs comes
 * before it).  The order is that of placing, pass after pass over the
 * list, every prerequisite whose needs are placed: pass(p) is 1 without
 * needs in the list, and otherwise the largest pass of its needs, plus one
 * for a need that comes after p in the list (a pass only looks forward).
 * Computed once per prerequisite, depth first, then sorted by (pass,
 * position): O(n log n) instead of a pass over the list per pass.  What
 * cannot be placed (a cycle, reported by rule_prereq_cycles, and what
 * needs it) comes last, in list order.
 */
struct placing {
	size_t index;   /* position in the list */
	size_t pass;    /* 0: not placed (on a cycle or after one) */
};

static int compare_placing(const void *pa, const void *pb)
{
	const struct placing *a = pa, *b = pb;
	size_t ka = a->pass ? a->pass : SIZE_MAX, kb = b->pass ? b->pass : SIZE_MAX;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

enum { PASS_UNKNOWN, PASS_ON_STACK, PASS_DONE };

static void order_needs(struct checker *c, const struct needs *needs, struct ptrvec *out)
{
	size_t n = needs->list.len;
	if (n == 0)
		return;
	struct ptrmap position; /* struct prereq_ent * -> index + 1 */
	ptrmap_init(&position, c->arena);
	for (size_t i = 0; i < n; i++)
		ptrmap_put(&position, ((const struct need *)needs->list.items[i])->prereq, (void *)(uintptr_t)(i + 1));
	struct placing *places = arena_calloc(c->arena, n, sizeof *places);
	unsigned char *state = arena_calloc(c->arena, n, 1);
	/* an explicit stack of (item, next need to look at): a chain of 10,000 must not overflow the C stack */
	size_t *stack = arena_calloc(c->arena, n, sizeof *stack), *next = arena_calloc(c->arena, n, sizeof *next);
	for (size_t root = 0; root < n; root++) {
		places[root].index = root;
		if (state[root] != PASS_UNKNOWN)
			continue;
		size_t top = 0;
		stack[top++] = root;
		state[root] = PASS_ON_STACK;
		next[root] = 0;
		places[root].pass = 1;
		while (top) {
			size_t i = stack[top - 1];
			const struct prereq_ent *pr = ((const struct need *)needs->list.items[i])->prereq;
			if (next[i] < pr->needs.len) {
				size_t j1 = (uintptr_t)ptrmap_get(&position, pr->needs.items[next[i]++]);
				if (j1 == 0)
					continue; /* not in the list: it does not hold p back */
				size_t j = j1 - 1;
				if (state[j] == PASS_UNKNOWN) {
					state[j] = PASS_ON_STACK;
					next[j] = 0;
					places[j].pass = 1;
					stack[top++] = j;
					continue;
				}
				if (state[j] == PASS_ON_STACK || places[j].pass == 0) {
					places[i].pass = 0; /* needs a cycle: never placed */
					continue;
				}
				size_t p = places[j].pass + (j > i);
				if (places[i].pass && p > places[i].pass)
					places[i].pass = p;
				continue;
			}
			state[i] = PASS_DONE;
			top--;
			if (top) {
				/* fold the finished need into the item that asked for it */
				size_t parent = stack[top - 1];
				if (places[i].pass == 0)
					places[parent].pass = 0;
				else if (places[parent].pass) {
					size_t p = places[i].pass + (i > parent);
					if (p > places[parent].pass)
						places[parent].pass = p;
				}
			}
		}
	}
	qsort(places, n, sizeof *places, compare_placing);
	for (size_t i = 0; i < n; i++)
		ptrvec_push(c->keep, out, ((const struct need *)needs->list.items[places[i].index])->prereq);
}

/*
 * `complete` is false when a step's Fixlet or a component could not be
 * determined (already reported): what the plan needs is then not fully
 * known, so a requirement is not called unneeded.
 */
static void rule_prerequisites(struct checker *c, const struct plan_ent *plan, struct plan_facts *facts,
			       bool complete)
{
	struct needs needs;
	needs_init(c, &needs, plan);
	const struct cluster_ent *cl = plan->cluster;
	struct ptrmap seen_baselines; /* a baseline applied by several steps needs the same things */
	ptrmap_init(&seen_baselines, c->arena);
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		const struct fixlet_ent *fx = facts->variant[i];
		if (item->step->role && item->step->role != cl->role)
			continue; /* a step that cannot run here (reported) needs nothing */
		if (fx && fx->needs.len)
			add_needs(c, &needs, &fx->needs, item->span, fx->needs_span,
				  (struct need_why){.from = NEED_FROM_STEP, .name = item->step->name, .fixlet = fx});
		if (!item->baseline || !ptrmap_add(&seen_baselines, item->baseline))
			continue;
		for (size_t k = 0; k < item->baseline->components.len; k++) {
			const struct component_ent *comp = item->baseline->components.items[k];
			const struct fixlet_ent *cfx = check_restart_fixlet(comp, cl->os);
			if (cfx && cfx->needs.len)
				add_needs(c, &needs, &cfx->needs, item->span, cfx->needs_span,
					  (struct need_why){.from = NEED_FROM_BASELINE, .name = item->baseline->name,
							    .fixlet = cfx});
		}
	}
	if (cl->role)
		add_needs(c, &needs, &cl->role->needs, cl->role_span, cl->role->needs_span,
			  (struct need_why){.from = NEED_FROM_ROLE, .name = cl->name, .role = cl->role->lw.name});
	close_needs(c, &needs);

	for (size_t i = 0; i < needs.list.len && !plan->requires_incomplete; i++) {
		const struct need *n = needs.list.items[i];
		if (ptrmap_get(&needs.required, n->prereq))
			continue;
		struct diag *d = diag_report(c->diags, BFP301, n->where,
					     "plan '%s' does not require '%s': %s", plan->name,
					     n->prereq->lw.name, why_needed(c, &n->why));
		if (span_known(n->rule))
			diag_note(c->diags, d, n->rule, "the need is declared here");
		if (n->prereq->provider)
			diag_note(c->diags, d, n->prereq->lw.decl, "'%s' is provided by %s", n->prereq->lw.name,
				  fixlet_label(c, n->prereq->provider));
		diag_help(c->diags, d, "add 'require %s' to plan '%s'", n->prereq->lw.name, plan->name);
		/* after the plan's last require, or its cluster line, or its first line */
		const struct require_ent *last = plan->requires.len ? plan->requires.items[plan->requires.len - 1] : NULL;
		struct src_span after = last ? last->span : span_known(plan->cluster_span) ? plan->cluster_span
											    : plan->decl;
		fix_add_line(c, d, after, arena_printf(c->arena, "require %s", n->prereq->lw.name));
	}
	/* the role's steps are not counted while its line names no role: their needs would look unneeded */
	for (size_t i = 0; i < plan->requires.len && complete && !plan->cluster->role_unknown; i++) {
		const struct require_ent *req = plan->requires.items[i];
		if (ptrmap_get(&needs.index, req->prereq))
			continue;
		struct diag *d = diag_report(c->diags, BFP302, req->span,
					     "nothing in plan '%s' needs '%s'", plan->name, req->prereq->lw.name);
		diag_help(c->diags, d, "remove the 'require' line, unless a step you are about to add needs it");
	}
	order_needs(c, &needs, &facts->needed);
}

/*
 * Prerequisites that need each other would make every plan that needs one
 * of them unsatisfiable.  A cycle (a strongly connected set of the `needs`
 * graph, found by Tarjan's algorithm in linear time) is reported once, at
 * its first-declared member, with a note at every other member's `needs`
 * line, in declaration order.
 */
struct tarjan {
	struct ptrmap index;  /* struct prereq_ent * -> position in world->prereqs + 1 */
	size_t *low, *order;  /* order: discovery number + 1 (0: not yet seen) */
	bool *on_stack;
	size_t *stack, top, counter;
	size_t *frames, *next; /* the explicit call stack, and each frame's next need */
};

static size_t prereq_position(const struct tarjan *t, const struct prereq_ent *pr)
{
	return (uintptr_t)ptrmap_get(&t->index, pr) - 1;
}

static int compare_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return a < b ? -1 : a > b;
}

static void report_prereq_cycle(struct checker *c, struct tarjan *t, size_t root)
{
	struct world *w = c->world;
	/* the members are on the stack above `root`; in declaration order they start with the first declared */
	size_t from = t->top;
	while (t->stack[from - 1] != root)
		from--;
	from--;
	size_t count = t->top - from;
	size_t *members = arena_calloc(c->arena, count, sizeof *members);
	for (size_t k = 0; k < count; k++)
		members[k] = t->stack[from + k];
	for (size_t k = 0; k < count; k++)
		t->on_stack[members[k]] = false;
	t->top = from;
	const struct prereq_ent *self = w->prereqs.items[root];
	bool loops = count > 1;
	for (size_t k = 0; !loops && k < self->needs.len; k++)
		loops = self->needs.items[k] == self;
	if (!loops)
		return;
	qsort(members, count, sizeof *members, compare_size); /* declaration order */
	const struct prereq_ent *first = w->prereqs.items[members[0]];
	struct diag *d = diag_report(c->diags, BFP320, first->needs_span,
				     "prerequisite '%s' needs itself through its 'needs' lines", first->lw.name);
	enum { NOTES_MAX = 8 }; /* a cycle of thousands is shown in part: any member breaks it */
	for (size_t k = 1; k < count && k <= NOTES_MAX; k++) {
		const struct prereq_ent *other = w->prereqs.items[members[k]];
		diag_note(c->diags, d, other->needs_span, "'%s' is part of the cycle", other->lw.name);
	}
	if (count - 1 > NOTES_MAX)
		diag_note(c->diags, d, (struct src_span){SRC_NO_FILE, 0, 0}, "and %zu more prerequisites",
			  count - 1 - NOTES_MAX);
	diag_help(c->diags, d, "remove one of the 'needs' entries that close the cycle");
}

static void rule_prereq_cycles(struct checker *c)
{
	struct world *w = c->world;
	size_t n = w->prereqs.len;
	struct tarjan t = {0};
	ptrmap_init(&t.index, c->arena);
	for (size_t i = 0; i < n; i++)
		ptrmap_put(&t.index, w->prereqs.items[i], (void *)(uintptr_t)(i + 1));
	t.low = arena_calloc(c->arena, n + 1, sizeof *t.low);
	t.order = arena_calloc(c->arena, n + 1, sizeof *t.order);
	t.on_stack = arena_calloc(c->arena, n + 1, sizeof *t.on_stack);
	t.stack = arena_calloc(c->arena, n + 1, sizeof *t.stack);
	t.frames = arena_calloc(c->arena, n + 1, sizeof *t.frames);
	t.next = arena_calloc(c->arena, n + 1, sizeof *t.next);
	for (size_t root = 0; root < n; root++) {
		if (t.order[root])
			continue;
		size_t depth = 0;
		t.frames[depth++] = root;
		t.order[root] = t.low[root] = ++t.counter;
		t.stack[t.top++] = root;
		t.on_stack[root] = true;
		while (depth) {
			size_t v = t.frames[depth - 1];
			const struct prereq_ent *pr = w->prereqs.items[v];
			if (t.next[v] < pr->needs.len) {
				size_t u = prereq_position(&t, pr->needs.items[t.next[v]++]);
				if (!t.order[u]) {
					t.order[u] = t.low[u] = ++t.counter;
					t.stack[t.top++] = u;
					t.on_stack[u] = true;
					t.frames[depth++] = u;
				} else if (t.on_stack[u] && t.order[u] < t.low[v]) {
					t.low[v] = t.order[u];
				}
				continue;
			}
			depth--;
			if (t.low[v] == t.order[v])
				report_prereq_cycle(c, &t, v);
			if (depth && t.low[v] < t.low[t.frames[depth - 1]])
				t.low[t.frames[depth - 1]] = t.low[v];
		}
	}
}

/* ---- restart ------------------------------------------------------------------------------- */

/*
 * A component that can leave Pending Restart must be followed, inside the
 * same baseline, by one that restarts the node: Server Automation treats
 * Pending Restart as "wait", so the step would wait for ever.
 */
static void rule_restart(struct checker *c, const struct seq_item *item, const struct cluster_ent *cl)
{
	const struct baseline_ent *bl = item->baseline;
	if (bl->incomplete)
		return; /* a component was not understood: what follows it is unknown */
	const struct component_ent *pending = NULL;
	for (size_t k = 0; k < bl->components.len; k++) {
		const struct component_ent *comp = bl->components.items[k];
		const struct fixlet_ent *fx = check_restart_fixlet(comp, cl->os);
		if (!fx) {
			/* a bare `restart` without a Fixlet for this OS: reported as such, and taken as done */
			rule_os_variant(c, comp->restart_step, cl, comp->span);
			pending = NULL;
			continue;
		}
		if (fx->lw.restart == LW_RESTART_MAY)
			pending = comp;
		else if (fx->lw.restart == LW_RESTART_CLEARS)
			pending = NULL;
	}
	if (!pending)
		return;
	struct diag *d = diag_report(c->diags, BFP309, pending->span,
				     "%s in baseline '%s' can leave the node in Pending Restart, and no "
				     "restart follows it", fixlet_label(c, pending->fixlet), bl->name);
	const struct fixlet_ent *pfx = pending->fixlet;
	if (pfx->given.has_restart)
		diag_note(c->diags, d, pfx->given.restart, "%s here", pfx->restart_from_script
			  ? "its action script asks for a restart" : "its declaration says so");
	diag_note(c->diags, d, item->span, "step '%s' would wait here until the node restarts",
		  item->step->name);
	fix_add_line(c, d, pending->span, "restart");
	if (pfx->given.has_restart)
		diag_help(c->diags, d, "add a 'restart' line after the last patch line of baseline '%s'", bl->name);
	else
		diag_help(c->diags, d, "add a 'restart' line after the last patch line of baseline '%s' (or "
			  "write 'pending-restart never' after a Fixlet that never needs one)", bl->name);
}

/* The first restart line of a baseline that runs inside its Baseline, or NULL. */
static const struct component_ent *inline_restart(const struct baseline_ent *bl)
{
	for (size_t k = 0; k < bl->components.len; k++) {
		const struct component_ent *comp = bl->components.items[k];
		if (comp->is_restart && !comp->as_step)
			return comp;
	}
	return NULL;
}

/*
 * An Automation Plan has one Pending Restart setting.  A restart as a step
 * of its own needs "Continue Plan" (the Baseline step ends when its
 * targets enter Pending Restart, and the restart step after it restarts
 * them and waits); a restart inside the Baseline counts on "Pause Plan
 * until restart completes", under which a restart that did not happen
 * fails its step instead of letting the plan go on.  One plan cannot have
 * both (BFP336).
 */
static void rule_restart_forms(struct checker *c, const struct plan_ent *plan)
{
	const struct baseline_ent *as_step = NULL;
	for (size_t i = 0; i < plan->sequence.len && !as_step; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		if (item->restart_of)
			as_step = item->restart_of;
	}
	if (!as_step)
		return;
	struct ptrmap seen;
	ptrmap_init(&seen, c->arena);
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		if (!item->baseline || !item->step->takes_baseline || !ptrmap_add(&seen, item->baseline))
			continue;
		const struct component_ent *in = inline_restart(item->baseline);
		if (!in)
			continue;
		struct diag *d = diag_report(c->diags, BFP336, in->span, "baseline '%s' restarts inside its Baseline, "
					     "but plan '%s' runs the restart of baseline '%s' as a step of its own",
					     item->baseline->name, plan->name, as_step->name);
		diag_note(c->diags, d, as_step->as_step->span, "a restart as a step needs the plan's Pending "
			  "Restart setting 'Continue Plan', which one Automation Plan has for every step");
		diag_help(c->diags, d, "write 'restart as-step' here too (or the other baseline's restart without "
			  "'as-step'), so that every baseline of the plan restarts the same way");
	}
}

/* ---- what a patch baseline holds --------------------------------------------------------------- */

/*
 * The step that runs `fx` on a node of its own (pause, move-groups,
 * resume, a role's move), or NULL.  The restart Fixlets are steps too, but
 * they belong inside a baseline: that is how the node leaves Pending
 * Restart before the step ends.
 */
static const struct step_ent *cluster_step_of(const struct world *w, const struct fixlet_ent *fx)
{
	if (!fx || fx->lw.restart == LW_RESTART_CLEARS)
		return NULL;
	for (size_t i = 0; i < w->steps.len; i++) {
		const struct step_ent *st = w->steps.items[i];
		for (size_t k = 0; k < st->run.len; k++)
			if (st->run.items[k] == fx)
				return st;
	}
	return NULL;
}

static bool same_component(const struct fixlet_ent *a, const struct fixlet_ent *b)
{
	return a == b || (a->lw.id == b->lw.id && a->lw.site == b->lw.site &&
			  (a->lw.action == b->lw.action || (a->lw.action && b->lw.action &&
							     strcmp(a->lw.action, b->lw.action) == 0)));
}

/* Whether a baseline holds anything but restarts: a restart alone patches nothing. */
static bool holds_patches(const struct baseline_ent *bl)
{
	for (size_t k = 0; k < bl->components.len; k++)
		if (!((const struct component_ent *)bl->components.items[k])->is_restart)
			return true;
	return false;
}

/*
 * What does not depend on the cluster: a baseline that holds nothing, a
 * cluster step inside it, the same Fixlet twice, and a component that asks
 * for a parameter, which Server Automation passes only to Fixlet and Task
 * steps, never to a Baseline's components.  Once per baseline.
 */
static void rule_baseline_contents(struct checker *c, const struct seq_item *item)
{
	const struct baseline_ent *bl = item->baseline;
	if (!ptrmap_add(&c->contents_checked, bl))
		return;
	if (!holds_patches(bl) && !bl->incomplete) {
		struct diag *d = diag_report(c->diags, BFP330, bl->decl, "baseline '%s' holds nothing to install",
					     bl->name);
		diag_note(c->diags, d, item->span, "step '%s' would take each node out of service and patch "
			  "nothing", item->step->name);
		diag_help(c->diags, d, "add the patches, one line each ('fixlet 900201 site patches-for-windows'), "
			  "then a 'restart' line");
		return;
	}
	for (size_t k = 0; k < bl->components.len; k++) {
		const struct component_ent *comp = bl->components.items[k];
		const struct fixlet_ent *fx = comp->fixlet;
		if (!fx)
			continue; /* a bare `restart`: the restart step's own Fixlet */
		const struct step_ent *st = cluster_step_of(c->world, fx);
		if (st) {
			struct diag *d = diag_report(c->diags, BFP328, comp->span,
						     "%s in baseline '%s' is the Fixlet of step '%s', not a patch",
						     fixlet_label(c, fx), bl->name, st->name);
			diag_note(c->diags, d, st->run_span, "step '%s' runs it", st->name);
			diag_help(c->diags, d, "remove this line: '%s' belongs in the plan's 'each node', where "
				  "Server Automation runs it as a step of its own; inside the Baseline it would run "
				  "again on the node being patched", st->name);
		}
		for (size_t j = 0; j < k; j++) {
			const struct component_ent *first = bl->components.items[j];
			if (!first->fixlet || !same_component(first->fixlet, fx))
				continue;
			struct diag *d = diag_report(c->diags, BFP331, comp->span, "%s is in baseline '%s' twice",
						     fixlet_label(c, fx), bl->name);
			diag_note(c->diags, d, first->span, "first here");
			diag_help(c->diags, d, "remove this line: a component runs once, where it first stands");
			break;
		}
		if (fx->lw.parameters.len) {
			const struct lw_parameter *pm = fx->lw.parameters.items[0];
			struct diag *d = diag_report(c->diags, BFP332, comp->span,
						     "%s asks for parameter '%s' when it runs, but Server Automation "
						     "passes no parameter to a Baseline's components",
						     fixlet_label(c, fx), pm->name.text ? pm->name.text : "?");
			if (span_known(pm->name.span))
				diag_note(c->diags, d, pm->name.span, "the parameter is declared here");
			diag_help(c->diags, d, "take the line out of baseline '%s' and run %s as a step of its own "
				  "('step NAME { run ... }'), whose parameter the Automation Plan's step gives; or use "
				  "content that asks for nothing", bl->name, fixlet_label(c, fx));
		}
	}
}

/* A component for another release of Windows than the cluster's: not relevant, or worse, on its nodes. */
static void rule_baseline_os(struct checker *c, const struct seq_item *item, const struct cluster_ent *cl)
{
	const struct baseline_ent *bl = item->baseline;
	for (size_t k = 0; k < bl->components.len; k++) {
		const struct component_ent *comp = bl->components.items[k];
		const struct fixlet_ent *fx = comp->fixlet;
		if (!fx || !fx->oses.len || applies_to(fx, cl->os))
			continue; /* a bare `restart` is the restart step's variant (BFP303); no `os`: not known */
		struct diag *d = diag_report(c->diags, BFP329, comp->span,
					     "%s in baseline '%s' is not for %s, which cluster '%s' runs",
					     fixlet_label(c, fx), bl->name, cl->os->name, cl->name);
		if (fx->given.has_os)
			diag_note(c->diags, d, fx->given.os, "its 'os' line names the releases it is for");
		diag_note(c->diags, d, cl->os_span, "cluster '%s' runs %s", cl->name, cl->os->name);
		diag_help(c->diags, d, "use the %s release's Fixlet for the same patch; if this one does apply "
			  "to %s, say so where it is declared ('os ... %s')", cl->os->name, cl->os->name,
			  cl->os->name);
	}
}

/* ---- order and availability ------------------------------------------------------------------ */

/*
 * Quorum: the cluster stays up while more than half of its votes are
 * online.  Every node votes; a witness (disk or file share) adds a vote
 * that is never patched; under the disk-only model the quorum disk alone
 * decides, and one node up is enough.  Whatever the model, at least one
 * node must stay up to run the clustered services.  These are the numbers
 * with `online` nodes up: the proof and the outputs that state its rule
 * both read them.
 */
static void quorum_facts(const struct cluster_ent *cl, enum quorum_rule rule, unsigned online, struct lw_quorum *q)
{
	unsigned n = (unsigned)cl->nodes.len;
	q->declared = cl->quorum_span.file != SRC_NO_FILE;
	/* HCL's procedure exempts the disk-only models from its rule */
	q->by_nodes = rule == QUORUM_RULE_HCL && cl->quorum != QUORUM_DISK_ONLY;
	switch (cl->quorum) {
	case QUORUM_NODE_MAJORITY:
		q->model = LW_QUORUM_NODE_MAJORITY;
		q->votes = n;
		q->votes_kept = online;
		q->votes_needed = n / 2 + 1;
		break;
	case QUORUM_NODE_AND_WITNESS:
		q->model = LW_QUORUM_NODE_AND_WITNESS;
		q->votes = n + 1;
		q->votes_kept = online + 1;
		q->votes_needed = (n + 1) / 2 + 1;
		break;
	case QUORUM_DISK_ONLY:
		q->model = LW_QUORUM_DISK_ONLY;
		q->votes = 1;
		q->votes_kept = online >= 1;
		q->votes_needed = 1;
		break;
	}
	/* "more than half of the nodes stay up", which takes no witness into account */
	q->simple_max_down = n ? (n - 1) / 2 : 0;
	if (q->by_nodes) {
		q->votes = n;
		q->votes_kept = online;
		q->votes_needed = n / 2 + 1;
	}
}

static bool keeps_quorum(const struct cluster_ent *cl, enum quorum_rule rule, size_t online)
{
	struct lw_quorum q = {0};
	quorum_facts(cl, rule, (unsigned)online, &q);
	return q.votes_kept >= q.votes_needed;
}

/*
 * Votes allow max-down here, and HCL's rule (more than half of the nodes
 * up) allows less, but not nothing: the plan does not say which it follows.
 * Where HCL's rule allows no node down at all (two nodes and a witness) it
 * cannot be the procedure's intent, which patches such a cluster one node
 * at a time, so nothing is said.
 */
static void rule_quorum_choice(struct checker *c, const struct plan_ent *plan, const struct lw_quorum *q)
{
	const struct cluster_ent *cl = plan->cluster;
	if (plan->quorum_rule_span.file != SRC_NO_FILE || cl->quorum != QUORUM_NODE_AND_WITNESS ||
	    plan->max_down <= q->simple_max_down || q->simple_max_down == 0)
		return;
	struct src_span where = plan->max_down_given ? plan->max_down_span : plan->decl;
	struct diag *d = diag_report(c->diags, BFP333, where,
				     "max-down %u keeps the quorum of cluster '%s' only with its witness's vote; "
				     "HCL's rule, more than half of the nodes up, allows %u", plan->max_down, cl->name,
				     q->simple_max_down);
	diag_note(c->diags, d, cl->quorum_span, "cluster '%s' counts a witness", cl->name);
	diag_help(c->diags, d, "say which rule the plan follows: 'quorum-rule votes' keeps max-down %u, and "
		  "the proof then rests on the witness being online; 'quorum-rule hcl' with 'max-down %u' does "
		  "not", plan->max_down, q->simple_max_down);
}

/* The most nodes HCL's rule lets down at once: more than half stay up. */
static size_t q_hcl_best(size_t n)
{
	return n ? (n - 1) / 2 : 0;
}

static const char *quorum_name(enum quorum_model model)
{
	switch (model) {
	case QUORUM_NODE_MAJORITY: return "node-majority";
	case QUORUM_NODE_AND_WITNESS: return "node-and-witness";
	case QUORUM_DISK_ONLY: return "disk-only";
	}
	return "?";
}

static void rule_availability(struct checker *c, const struct plan_ent *plan, struct plan_facts *facts)
{
	const struct cluster_ent *cl = plan->cluster;
	size_t n = cl->nodes.len;
	if (n < 2)
		return; /* reported with the cluster */
	quorum_facts(cl, plan->quorum_rule, plan->max_down < n ? (unsigned)(n - plan->max_down) : 0, &facts->quorum);
	struct src_span where = plan->max_down_given ? plan->max_down_span : plan->decl;
	if (plan->max_down == 0) {
		struct diag *d = diag_report(c->diags, BFP313, where, "max-down is 0, so no node can be patched");
		diag_help(c->diags, d, "write 'max-down 1'");
		return;
	}
	if (plan->max_down >= n) {
		struct diag *d = diag_report(c->diags, BFP313, where,
					     "max-down %u would take all %zu nodes of cluster '%s' down at once",
					     plan->max_down, n, cl->name);
		diag_note(c->diags, d, cl->nodes_span, "cluster '%s' has %zu nodes", cl->name, n);
		diag_help(c->diags, d, "max-down must be below the node count: write 'max-down 1'");
		return;
	}
	size_t online = n - plan->max_down;
	if (cl->quorum_unknown)
		return; /* proving it against the default model would report what the author did not write */
	if (keeps_quorum(cl, plan->quorum_rule, online)) {
		rule_quorum_choice(c, plan, &facts->quorum);
		return;
	}
	if (facts->quorum.by_nodes) {
		struct diag *d = diag_report(c->diags, BFP313, where,
					     "max-down %u leaves %zu of %zu nodes online, not more than half, as HCL's "
					     "rule asks", plan->max_down, online, n);
		diag_note(c->diags, d, plan->quorum_rule_span, "plan '%s' follows HCL's rule", plan->name);
		if (q_hcl_best(n))
			diag_help(c->diags, d, "use 'max-down %zu' or less", q_hcl_best(n));
		else
			diag_help(c->diags, d, "HCL's rule lets no node of a %zu-node cluster down; if the cluster "
				  "has a witness, 'quorum-rule votes' counts its vote", n);
		return;
	}
	struct diag *d = diag_report(c->diags, BFP313, where,
				     "max-down %u leaves %zu of %zu nodes online, which loses the %s quorum",
				     plan->max_down, online, n, quorum_name(cl->quorum));
	if (cl->quorum_span.file != SRC_NO_FILE)
		diag_note(c->diags, d, cl->quorum_span, "cluster '%s' keeps quorum by %s", cl->name,
			  quorum_name(cl->quorum));
	else
		diag_note(c->diags, d, cl->nodes_span, "cluster '%s' declares no quorum model, so "
			  "node-majority applies: more than half of its %zu nodes must stay online", cl->name, n);
	size_t best = 0;
	while (best + 1 < n && keeps_quorum(cl, plan->quorum_rule, n - (best + 1)))
		best++;
	if (best > 1)
		diag_help(c->diags, d, "use 'max-down %zu' or less", best);
	else if (best == 1)
		diag_help(c->diags, d, "use 'max-down 1'");
	else
		diag_help(c->diags, d, "if the cluster has a disk or file-share witness, say so with "
			  "'quorum node-and-witness' in cluster '%s'", cl->name);
}

/* A binary min-heap of node positions: the ready nodes, earliest-listed first. */
struct ready_heap {
	size_t *items;
	size_t len;
};

static void heap_push(struct ready_heap *h, size_t v)
{
	size_t i = h->len++;
	while (i > 0 && h->items[(i - 1) / 2] > v) {
		h->items[i] = h->items[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->items[i] = v;
}

static size_t heap_pop(struct ready_heap *h)
{
	size_t top = h->items[0], last = h->items[--h->len], i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= h->len)
			break;
		if (child + 1 < h->len && h->items[child + 1] < h->items[child])
			child++;
		if (h->items[child] >= last)
			break;
		h->items[i] = h->items[child];
		i = child;
	}
	if (h->len)
		h->items[i] = last;
	return top;
}

/* Each node's position in the cluster's list, plus one (0: not a node of it). */
static struct ptrmap node_positions(struct checker *c, const struct cluster_ent *cl)
{
	struct ptrmap pos;
	ptrmap_init(&pos, c->arena);
	for (size_t i = 0; i < cl->nodes.len; i++)
		ptrmap_put(&pos, cl->nodes.items[i], (void *)(uintptr_t)(i + 1));
	return pos;
}

/*
 * Kahn's algorithm, always taking the earliest-listed ready node, so the
 * order is deterministic; with a heap of ready nodes and the edges in one
 * array per node, in O((n + c) log n).  Returns how many nodes it could
 * place: fewer than all means the constraints have a cycle among the rest.
 */
static size_t topo_order(struct checker *c, const struct cluster_ent *cl, struct node_ent **before,
			 struct node_ent **after, size_t nc, struct node_ent **order)
{
	size_t n = cl->nodes.len;
	struct ptrmap pos = node_positions(c, cl);
	size_t *indeg = arena_calloc(c->arena, n + 1, sizeof *indeg);
	size_t *first = arena_calloc(c->arena, n + 2, sizeof *first); /* edges of node i: first[i]..first[i+1] */
	size_t *targets = arena_calloc(c->arena, nc + 1, sizeof *targets);
	for (size_t k = 0; k < nc; k++) {
		first[(uintptr_t)ptrmap_get(&pos, before[k])]++;
		indeg[(uintptr_t)ptrmap_get(&pos, after[k]) - 1]++;
	}
	for (size_t i = 1; i <= n + 1; i++)
		first[i] += first[i - 1]; /* first[i + 1] now ends node i's edges */
	for (size_t k = nc; k-- > 0;)
		targets[--first[(uintptr_t)ptrmap_get(&pos, before[k])]] = (uintptr_t)ptrmap_get(&pos, after[k]) - 1;
	/* first[i] now starts node i's edges (positions are 1-based in `pos`, so node i is at first[i + 1]) */
	struct ready_heap ready = {arena_calloc(c->arena, n + 1, sizeof *ready.items), 0};
	for (size_t i = 0; i < n; i++)
		if (indeg[i] == 0)
			heap_push(&ready, i);
	size_t count = 0;
	while (ready.len) {
		size_t pick = heap_pop(&ready);
		order[count++] = cl->nodes.items[pick];
		for (size_t e = first[pick + 1]; e < first[pick + 2]; e++)
			if (--indeg[targets[e]] == 0)
				heap_push(&ready, targets[e]);
	}
	return count;
}

/* Names the constraints among the nodes that could not be placed: those are the cycle. */
static void report_order_cycle(struct checker *c, const struct plan_ent *plan, struct node_ent **order,
			       size_t placed)
{
	struct ptrmap is_placed;
	ptrmap_init(&is_placed, c->arena);
	for (size_t i = 0; i < placed; i++)
		ptrmap_add(&is_placed, order[i]);
	const char *chain = "";
	struct diag *d = NULL;
	struct ptrvec cycle = {0};
	for (size_t k = 0; k < plan->constraints.len; k++) {
		const struct order_constraint *oc = plan->constraints.items[k];
		if (!ptrmap_get(&is_placed, oc->before) && !ptrmap_get(&is_placed, oc->after))
			ptrvec_push(c->arena, &cycle, (void *)(uintptr_t)oc);
	}
	/* a long cycle is named and shown in part: the first few are enough to break it */
	enum { CYCLE_NAMED_MAX = 8 };
	for (size_t k = 0; k < cycle.len && k < CYCLE_NAMED_MAX; k++) {
		const struct order_constraint *oc = cycle.items[k];
		chain = arena_printf(c->arena, "%s%s'%s' before '%s'", chain, chain[0] ? ", " : "",
				     oc->before->name, oc->after->name);
	}
	if (cycle.len > CYCLE_NAMED_MAX)
		chain = arena_printf(c->arena, "%s and %zu more", chain, cycle.len - CYCLE_NAMED_MAX);
	for (size_t k = 0; k < cycle.len && k < CYCLE_NAMED_MAX; k++) {
		const struct order_constraint *oc = cycle.items[k];
		if (!d)
			d = diag_report(c->diags, BFP311, oc->span,
					"the order constraints of plan '%s' form a cycle: %s", plan->name, chain);
		else
			diag_note(c->diags, d, oc->span, "this constraint is part of the cycle");
	}
	if (d)
		diag_help(c->diags, d, "remove one of these constraints so that some node can go first");
}

/* Patch order: the constraints, then the policy, which puts the role holder last (or first). */
static void rule_order(struct checker *c, const struct plan_ent *plan, struct plan_facts *facts)
{
	struct cluster_ent *cl = plan->cluster;
	size_t n = cl->nodes.len;
	facts->role_holder = NULL;
	if (plan->active) {
		if (!cl->role && !cl->role_unknown) {
			struct diag *d = diag_report(c->diags, BFP321, plan->active_span,
						     "plan '%s' names an active node, but cluster '%s' has no role",
						     plan->name, cl->name);
			diag_help(c->diags, d, "remove the 'active' line, or give the cluster its role");
		} else {
			facts->role_holder = bind_node(c, cl, plan->active);
		}
	} else if (cl->role && n > 0) {
		facts->role_holder = cl->nodes.items[n - 1];
	}
	if (cl->role && plan->order == LW_ORDER_ACTIVE_FIRST) {
		struct diag *d = diag_report(c->diags, BFP310, plan->order_span,
					     "active-first moves role '%s' twice", cl->role->lw.name);
		diag_note(c->diags, d, cl->role_span,
			  "patching the active node first moves '%s' to a passive node, which is then "
			  "patched and moves it again", cl->role->lw.name);
		diag_help(c->diags, d, "write 'order passive-first': the node holding the role goes last");
	}

	/* constraints, plus the role holder after every other node */
	size_t cap = plan->constraints.len + 2 * n;
	struct node_ent **before = arena_calloc(c->arena, cap + 1, sizeof *before);
	struct node_ent **after = arena_calloc(c->arena, cap + 1, sizeof *after);
	size_t nc = 0;
	bool bound = true;
	for (size_t k = 0; k < plan->constraints.len; k++) {
		struct order_constraint *oc = plan->constraints.items[k];
		struct node_ent *b = bind_node(c, cl, oc->before), *a = bind_node(c, cl, oc->after);
		if (!a || !b) {
			bound = false;
			continue;
		}
		oc->before = b; /* from now on the constraint names the cluster's own nodes */
		oc->after = a;
		if (facts->role_holder && b == facts->role_holder && plan->order == LW_ORDER_PASSIVE_FIRST) {
			struct diag *d = diag_report(c->diags, BFP312, oc->span,
						     "'%s' holds role '%s' and goes last under passive-first; it "
						     "cannot go before '%s'", b->name, cl->role->lw.name, a->name);
			diag_note(c->diags, d, plan->order_span.file != SRC_NO_FILE ? plan->order_span : plan->decl,
				  "the order policy is passive-first");
			diag_help(c->diags, d, "remove the constraint, or name another active node");
			bound = false;
			continue;
		}
		before[nc] = b;
		after[nc++] = a;
	}
	if (!bound)
		return;
	size_t user = nc;
	if (facts->role_holder && plan->order == LW_ORDER_PASSIVE_FIRST)
		for (size_t i = 0; i < n; i++)
			if (cl->nodes.items[i] != facts->role_holder) {
				before[nc] = cl->nodes.items[i];
				after[nc++] = facts->role_holder;
			}
	/*
	 * The policy's edges all end at the role holder, and a constraint that
	 * starts there was refused above, so any cycle is among the user's own
	 * constraints: report it from an order built from those alone.
	 */
	/*
	 * Active-first puts the role holder first.  BFP310 rejects it, but the
	 * order is still what such a plan would run, and `simulate
	 * --no-static-check` runs it to show the role moving twice.  Where a
	 * constraint contradicts it, the constraints win (BFP310 says enough).
	 */
	size_t policy = nc;
	if (facts->role_holder && plan->order == LW_ORDER_ACTIVE_FIRST)
		for (size_t i = 0; i < n; i++)
			if (cl->nodes.items[i] != facts->role_holder) {
				before[nc] = facts->role_holder;
				after[nc++] = cl->nodes.items[i];
			}
	struct node_ent **order = arena_calloc(c->keep, n + 1, sizeof *order);
	if (topo_order(c, cl, before, after, nc, order) < n && topo_order(c, cl, before, after, policy, order) < n) {
		report_order_cycle(c, plan, order, topo_order(c, cl, before, after, user, order));
		return;
	}
	facts->order = order;
	facts->node_count = n;
}

/* Phases: passive nodes in groups of max-down; the role holder alone, in the last phase. */
static void assign_phases(struct checker *c, const struct plan_ent *plan, struct plan_facts *facts)
{
	facts->phase = arena_calloc(c->keep, facts->node_count + 1, sizeof *facts->phase);
	unsigned phase = 0, in_phase = 0;
	unsigned max_down = plan->max_down ? plan->max_down : 1;
	for (size_t i = 0; i < facts->node_count; i++) {
		bool alone = facts->order[i] == facts->role_holder;
		if (phase == 0 || in_phase >= max_down || alone ||
		    (i > 0 && facts->order[i - 1] == facts->role_holder)) {
			phase++;
			in_phase = 0;
		}
		facts->phase[i] = phase;
		in_phase++;
	}
	facts->phase_count = phase;
}

/* ---- bounded waits ----------------------------------------------------------------------------- */

static void rule_timeouts(struct checker *c, const struct plan_ent *plan, struct plan_facts *facts)
{
	struct ptrmap overrides; /* struct step_ent * -> the plan's struct timeout_override, the last one */
	ptrmap_init(&overrides, c->arena);
	struct ptrmap zero; /* the overrides of 0 already reported */
	ptrmap_init(&zero, c->arena);
	for (size_t k = 0; k < plan->timeouts.len; k++) {
		struct timeout_override *o = plan->timeouts.items[k];
		ptrmap_put(&overrides, o->step, o);
	}
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		const struct timeout_override *o = ptrmap_get(&overrides, item->step);
		int64_t t = o ? o->seconds : item->step->timeout;
		if (o && t <= 0) {
			/* written, but as nothing: said once, at the line the author wrote */
			if (ptrmap_add(&zero, o)) {
				struct diag *d = diag_report(c->diags, BFP318, o->span,
							     "a timeout of 0 gives step '%s' no time limit at all",
							     item->step->name);
				diag_help(c->diags, d, "write the longest the step may take, as in 'timeout %s 1h': "
					  "Server Automation fails the step's targets that have not reported by then",
					  item->step->name);
			}
		} else if (t <= 0) {
			struct diag *d = diag_report(c->diags, BFP318, item->span, "step '%s' has no timeout",
						     item->step->name);
			diag_note(c->diags, d, item->step->decl, "step '%s' is declared without one",
				  item->step->name);
			diag_help(c->diags, d, "add 'timeout %s 30m' to plan '%s'", item->step->name, plan->name);
		}
		facts->timeout[i] = t;
	}
}

/* Whether the plan runs `st`: a step of its sequence, or the failure step of one. */
static bool plan_runs(const struct plan_ent *plan, const struct step_ent *st)
{
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct step_ent *run = ((const struct seq_item *)plan->sequence.items[i])->step;
		if (run == st || run->undo == st)
			return true;
	}
	return false;
}

/* A baseline of the plan whose restart runs inside its Baseline, and that line; NULL if none. */
static const struct baseline_ent *plan_inline_restart(const struct plan_ent *plan, const struct component_ent **line)
{
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		if (item->baseline && (*line = inline_restart(item->baseline)))
			return item->baseline;
	}
	return NULL;
}

/*
 * A timeout for a step the plan never runs bounds nothing (BFP335).  The
 * likely case is `timeout restart`, where the restart runs inside the
 * Baseline: its time is then part of the patch step's timeout.
 */
static void rule_timeouts_used(struct checker *c, const struct plan_ent *plan)
{
	if (plan->sequence_incomplete)
		return; /* a step line was not understood: it may be the one timed */
	for (size_t k = 0; k < plan->timeouts.len; k++) {
		const struct timeout_override *o = plan->timeouts.items[k];
		if (plan_runs(plan, o->step))
			continue;
		const struct component_ent *line = NULL;
		const struct baseline_ent *bl = plan_inline_restart(plan, &line);
		bool restart = bl && line->restart_step == o->step;
		struct diag *d = diag_report(c->diags, BFP335, o->span, restart
					     ? "plan '%s' runs no step '%s': the restart runs inside the Baseline, so "
					       "this timeout bounds nothing"
					     : "plan '%s' runs no step '%s', so this timeout bounds nothing",
					     plan->name, o->step->name);
		if (restart) {
			diag_note(c->diags, d, line->span, "baseline '%s' restarts inside its Baseline, within the "
				  "timeout of the step that runs it", bl->name);
			diag_help(c->diags, d, "write 'restart as-step' in baseline '%s' to give the restart a step "
				  "and this timeout of its own; or remove this line and count the restart in that "
				  "step's timeout", bl->name);
		} else {
			diag_help(c->diags, d, "remove this line, or add step '%s' to the plan's 'each node'",
				  o->step->name);
		}
	}
}

static const char *format_duration(struct checker *c, int64_t s)
{
	int64_t h = s / 3600, m = s % 3600 / 60, sec = s % 60;
	if (h && m)
		return arena_printf(c->arena, "%lldh%02lldm", (long long)h, (long long)m);
	if (h)
		return arena_printf(c->arena, "%lldh", (long long)h);
	if (m && sec)
		return arena_printf(c->arena, "%lldm%02llds", (long long)m, (long long)sec);
	if (m)
		return arena_printf(c->arena, "%lldm", (long long)m);
	return arena_printf(c->arena, "%llds", (long long)sec);
}

/* ---- the schedule and the window -------------------------------------------------------- */

/* The phase of the role holder, or 0 without one. */
static unsigned role_phase(const struct plan_facts *facts)
{
	for (size_t i = 0; i < facts->node_count; i++)
		if (facts->order[i] == facts->role_holder)
			return facts->phase[i];
	return 0;
}

int64_t check_step_timeout(const struct plan_facts *facts, const struct step_ent *step)
{
	const struct plan_ent *plan = facts->plan;
	for (size_t i = 0; i < plan->sequence.len; i++)
		if (((const struct seq_item *)plan->sequence.items[i])->step == step)
			return facts->timeout[i];
	/* a failure step the sequence does not run: the plan's own timeout for it still comes first */
	int64_t t = step->timeout;
	for (size_t k = 0; k < plan->timeouts.len; k++) {
		const struct timeout_override *o = plan->timeouts.items[k];
		if (o->step == step)
			t = o->seconds; /* the last one, as for the steps of the sequence */
	}
	return t;
}

/* What a failure of an item of `each node` leads to. */
static enum lw_failure failure_of(const struct seq_item *item, bool optional)
{
	if (optional)
		return LW_FAILURE_CONTINUE;
	return item->step->hold_on_failure ? LW_FAILURE_HOLD : LW_FAILURE_STOP;
}

/*
 * The recipe before it is laid out: the phases one after another, and in
 * each phase the items of `each node` one after another, each run on all
 * of the phase's nodes at once (docs/execution.md).  Every step waits for
 * the one before it, so the schedule is one chain.
 *
 * A step's failure step is the undo of whatever took the phase's nodes
 * out of service and has not yet run (`open`); the step that opens it is
 * itself restored by it (a pause that fails half-way is resumed).
 *
 * Returns the worst case: the longest path through the schedule, every
 * step running to its timeout.  A failure that stops the plan adds its
 * failure step; that path is counted too, though it never ends later
 * than the success path while the restoring step is part of the sequence.
 *
 * The check needs only the worst case and the number of steps, so it
 * walks the schedule without keeping it (`out` NULL); the lowering lays
 * it out again, one plan at a time, in the plan's own arena
 * (check_schedule()).  A schedule kept for every plan of a large file
 * was a twelfth of check's memory.
 */
static int64_t walk_schedule(const struct plan_facts *facts, struct sched_step *out, size_t *len)
{
	const struct plan_ent *plan = facts->plan;
	size_t n = plan->sequence.len;
	size_t count = 0;
	unsigned holder_phase = role_phase(facts);
	int64_t start = 0, worst = 0;
	for (unsigned p = 1; p <= facts->phase_count; p++) {
		const struct step_ent *open = NULL;
		int64_t open_timeout = 0;
		for (size_t i = 0; i < n; i++) {
			const struct seq_item *item = plan->sequence.items[i];
			if (item->step->role && p != holder_phase)
				continue; /* a role step runs only where the role is held */
			const struct step_ent *st = item->step;
			if (!open && st->undo) {
				open = st->undo;
				open_timeout = check_step_timeout(facts, open);
			}
			int64_t end = start + facts->timeout[i];
			const struct step_ent *restore = open && st != open ? open : NULL;
			if (restore && facts->failure[i] == LW_FAILURE_STOP && end + open_timeout > worst)
				worst = end + open_timeout;
			if (out)
				out[count] = (struct sched_step){.phase = p, .item = (uint32_t)i, .start = start,
								 .restore = restore};
			count++;
			if (end > worst)
				worst = end;
			if (st == open)
				open = NULL;
			start = end;
		}
	}
	*len = count;
	return worst;
}

const struct sched_step *check_schedule(struct arena *arena, const struct plan_facts *facts)
{
	struct sched_step *out = arena_calloc(arena, facts->schedule_len + 1, sizeof *out);
	size_t len;
	walk_schedule(facts, out, &len);
	return out;
}

static void rule_window(struct checker *c, const struct plan_ent *plan, struct plan_facts *facts)
{
	int64_t total = walk_schedule(facts, NULL, &facts->schedule_len);
	facts->worst_case = total;
	if (plan->window <= 0 || total <= plan->window || plan->timeouts_incomplete)
		return;
	struct diag *d = diag_report(c->diags, BFP317, plan->window_span,
				     "the worst case of plan '%s' is %s, longer than its %s window", plan->name,
				     format_duration(c, total), format_duration(c, plan->window));
	diag_note(c->diags, d, plan->each_span, "%zu steps one after another, in %u phase%s of at most %u "
		  "node%s that run each step together, every step running to its timeout",
		  facts->schedule_len, facts->phase_count, facts->phase_count == 1 ? "" : "s", plan->max_down,
		  plan->max_down == 1 ? "" : "s");
	diag_help(c->diags, d, "lengthen the window, shorten the longest steps' timeouts with "
		  "'timeout STEP DURATION', or raise max-down if the quorum allows");
}

/* ---- roles, optional steps and advice texts ------------------------------------------------ */

/* A cluster's role should be moved by a step made for it, not by the cluster commands. */
/*
 * The step that moves the role must run while the node is still in
 * service: written after 'pause' (or after 'resume', at the end), it
 * finds the role where the pause and the patches left it, or moved by
 * the cluster's commands with the groups (as BFP323 says).
 */
static void rule_role_moved_first(struct checker *c, const struct plan_ent *plan, size_t mover)
{
	const struct state_ent *initial = NULL;
	for (size_t i = 0; i < c->world->states.len && !initial; i++) {
		const struct state_ent *st = c->world->states.items[i];
		if (st->initial)
			initial = st;
	}
	for (size_t i = 0; initial && i < mover; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		if (item->step->to == initial)
			continue;
		const struct seq_item *late = plan->sequence.items[mover];
		struct diag *d = diag_report(c->diags, BFP344, late->span, "'%s' moves role '%s' after '%s' has "
					     "taken the node out of service", late->step->name,
					     plan->cluster->role->lw.name, item->step->name);
		diag_note(c->diags, d, item->span, "the node leaves '%s' here, with the role still on it",
			  initial->name);
		diag_help(c->diags, d, "move '%s' up, to the first step of `each node`: the role leaves the node "
			  "before it is paused", late->step->name);
		return;
	}
}

static void rule_role_moved(struct checker *c, const struct plan_ent *plan)
{
	const struct cluster_ent *cl = plan->cluster;
	if (!cl->role || plan->sequence_incomplete)
		return;
	for (size_t i = 0; i < plan->sequence.len; i++)
		if (((const struct seq_item *)plan->sequence.items[i])->step->role == cl->role) {
			rule_role_moved_first(c, plan, i);
			return;
		}
	struct diag *d = diag_report(c->diags, BFP323, plan->each_span,
				     "plan '%s' never moves role '%s' with a step of its own", plan->name,
				     cl->role->lw.name);
	diag_note(c->diags, d, cl->role_span, "cluster '%s' runs '%s' here; moving its groups would move "
		  "it with the cluster commands instead", cl->name, cl->role->lw.name);
	const struct step_ent *mover = NULL;
	for (size_t i = 0; i < c->world->steps.len && !mover; i++) {
		const struct step_ent *st = c->world->steps.items[i];
		if (st->role == cl->role)
			mover = st;
	}
	if (mover)
		diag_help(c->diags, d, "add '%s' as the first step of `each node`", mover->name);
	else
		diag_help(c->diags, d, "declare a step with 'role %s' that moves it, and run it first",
			  cl->role->lw.name);
}

/* Where a role runs is a run-time fact: the checklist must be able to say how to see it. */
static void rule_roles_detectable(struct checker *c)
{
	struct world *w = c->world;
	for (size_t i = 0; i < w->roles.len; i++) {
		const struct role_ent *role = w->roles.items[i];
		bool used = false;
		for (size_t k = 0; k < w->clusters.len && !used; k++)
			used = ((const struct cluster_ent *)w->clusters.items[k])->role == role;
		if (!used || role->detect)
			continue;
		struct diag *d = diag_report(c->diags, BFP324, role->decl,
					     "role '%s' names no Fixlet that shows where it runs", role->lw.name);
		diag_help(c->diags, d, "add 'detected-by FIXLET', naming a Fixlet that is relevant only on the "
			  "node holding the role, so the checklist can say how to check the active node");
	}
}

/* `optional` lets a plan go on after a failure; a step whose failure must stop the plan refuses it. */
static bool item_optional(struct checker *c, const struct seq_item *item)
{
	if (!item->optional || !item->step->must_succeed)
		return item->optional;
	struct diag *d = diag_report(c->diags, BFP325, item->span,
				     "'%s' is marked optional, but a failure of it must stop the plan",
				     item->step->name);
	diag_note(c->diags, d, item->step->must_succeed_span, "step '%s' is declared 'must-succeed'%s",
		  item->step->name, item->step->on_failure.text ? "; its on-failure advice says why" : "");
	diag_help(c->diags, d, "remove 'optional': the step runs, and the plan stops if it fails");
	return false;
}

/* A text that names {server} needs a cluster that runs a clustered server. */
/* Which text names {server}, for BFP327: said in words only when it is reported. */
enum text_of { TEXT_VERIFY, TEXT_ON_FAILURE, TEXT_NOT_RELEVANT, TEXT_FIXLET_NOTE, TEXT_PREREQ_NOTE };

static const char *text_described(struct checker *c, enum text_of what, const char *name,
				  const struct fixlet_ent *fx)
{
	switch (what) {
	case TEXT_VERIFY: return arena_printf(c->arena, "what to verify after '%s'", name);
	case TEXT_ON_FAILURE: return arena_printf(c->arena, "the on-failure advice of '%s'", name);
	case TEXT_NOT_RELEVANT: return arena_printf(c->arena, "the not-relevant advice of '%s'", name);
	case TEXT_FIXLET_NOTE: return arena_printf(c->arena, "the note of %s", fixlet_label(c, fx));
	case TEXT_PREREQ_NOTE: return arena_printf(c->arena, "the note of prerequisite '%s'", name);
	}
	return "";
}

static void need_server(struct checker *c, const struct cluster_ent *cl, struct lw_text t, struct src_span used,
			enum text_of what, const char *name, const struct fixlet_ent *fx)
{
	if (!t.text || cl->role || !(tpl_uses(t.text) & TPL_SERVER))
		return;
	struct diag *d = diag_report(c->diags, BFP327, t.span, "%s names {server}, but cluster '%s' runs no "
				     "clustered server", text_described(c, what, name, fx), cl->name);
	diag_note(c->diags, d, used, "it is used here");
	diag_note(c->diags, d, cl->decl, "cluster '%s' declares no role", cl->name);
	diag_help(c->diags, d, "declare the role in cluster '%s' (as in 'role NAME \"SERVER\"'), or leave "
		  "{server} out of the text", cl->name);
}

/*
 * Action script that a plan file (not the trusted standard library)
 * supplies goes into the Baseline of a --components=full build, where it
 * runs on every node: a reviewer must see it, whether it was written by
 * hand or imported.  A note, so it fails nothing; once per Baseline.
 */
static bool script_from_plan_file(const struct checker *c, const struct fixlet_ent *fx)
{
	return fx && fx->lw.actionscript.text && fx->lw.actionscript.span.file != SRC_NO_FILE &&
	       !src_file(c->diags->sm, fx->lw.actionscript.span.file)->is_stdlib;
}

static void rule_plan_actionscript(struct checker *c, const struct plan_ent *plan)
{
	const struct os_ent *os = plan->cluster->os;
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct baseline_ent *bl = ((const struct seq_item *)plan->sequence.items[i])->baseline;
		if (!bl || !ptrmap_add(&c->scripts_shown, bl))
			continue;
		size_t count = 0;
		for (size_t k = 0; k < bl->components.len; k++)
			count += script_from_plan_file(c, check_restart_fixlet(bl->components.items[k], os));
		if (!count)
			continue;
		struct diag *d = diag_report(c->diags, BFP424, bl->decl,
					     "baseline '%s' carries the action script of %zu Fixlet%s from plan files "
					     "when it is built with --components=full", bl->name, count,
					     count == 1 ? "" : "s");
		for (size_t k = 0; k < bl->components.len; k++) {
			const struct fixlet_ent *fx = check_restart_fixlet(bl->components.items[k], os);
			if (!script_from_plan_file(c, fx))
				continue;
			if (fx->lw.imported_from.text)
				diag_note(c->diags, d, fx->lw.actionscript.span, "the script of %s, imported from '%s'",
					  fixlet_label(c, fx), fx->lw.imported_from.text);
			else
				diag_note(c->diags, d, fx->lw.actionscript.span, "the script of %s",
					  fixlet_label(c, fx));
		}
		diag_help(c->diags, d, "review these scripts as code: they run on every node the Baseline targets; "
			  "the checklist and plan.json mark them as well");
	}
}

struct src_span check_require_span(const struct plan_ent *plan, const struct prereq_ent *pr)
{
	for (size_t i = 0; i < plan->requires.len; i++) {
		const struct require_ent *req = plan->requires.items[i];
		if (req->prereq == pr)
			return req->span;
	}
	return (struct src_span){SRC_NO_FILE, 0, 0};
}

static void rule_placeholders(struct checker *c, const struct plan_ent *plan, const struct plan_facts *facts)
{
	const struct cluster_ent *cl = plan->cluster;
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		const struct step_ent *st = item->step;
		if (st->role)
			continue; /* runs only where its role is, and the role gives the server (BFP321) */
		need_server(c, cl, st->verify, item->span, TEXT_VERIFY, st->name, NULL);
		need_server(c, cl, st->on_failure, item->span, TEXT_ON_FAILURE, st->name, NULL);
		need_server(c, cl, st->not_relevant, item->span, TEXT_NOT_RELEVANT, st->name, NULL);
		if (facts->variant[i])
			need_server(c, cl, facts->variant[i]->note, item->span, TEXT_FIXLET_NOTE, NULL,
				    facts->variant[i]);
	}
	for (size_t i = 0; i < facts->needed.len; i++) {
		const struct prereq_ent *pr = facts->needed.items[i];
		struct src_span used = check_require_span(plan, pr);
		if (used.file == SRC_NO_FILE)
			used = plan->decl; /* needed by another prerequisite, not required by name */
		need_server(c, cl, pr->lw.note, used, TEXT_PREREQ_NOTE, pr->lw.name, NULL);
		if (pr->provider)
			need_server(c, cl, pr->provider->note, used, TEXT_FIXLET_NOTE, NULL, pr->provider);
	}
}

/* ---- a plan ----------------------------------------------------------------------------------- */

static void check_plan(struct checker *c, struct plan_ent *plan, struct plan_facts *facts)
{
	c->errors_before = c->diags->errors;
	ptrmap_init(&c->variants, c->arena); /* the OS, and so each step's variant, is the plan's */
	facts->plan = plan;
	struct cluster_ent *cl = plan->cluster;
	/* a missing cluster, node list or sequence was reported where it was written */
	if (!cl || cl->nodes.len < 2 || !plan->has_each)
		return;
	size_t n = plan->sequence.len;
	facts->variant = arena_calloc(c->keep, n + 1, sizeof *facts->variant);
	facts->timeout = arena_calloc(c->keep, n + 1, sizeof *facts->timeout);
	facts->failure = arena_calloc(c->keep, n + 1, sizeof *facts->failure);

	bool complete = !plan->sequence_incomplete;
	struct ptrmap restart_checked;
	ptrmap_init(&restart_checked, c->arena);
	for (size_t i = 0; i < n; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		const struct step_ent *st = item->step;
		if (st->takes_baseline && !item->baseline) {
			struct diag *d = diag_report(c->diags, BFP319, item->span, "step '%s' needs a baseline",
						     st->name);
			diag_note(c->diags, d, st->decl, "step '%s' is declared with 'baseline'", st->name);
			diag_help(c->diags, d, "name the baseline to apply, as in '%s nov-2026'", st->name);
		} else if (!st->takes_baseline && item->baseline) {
			struct diag *d = diag_report(c->diags, BFP319, item->span, "step '%s' takes no baseline",
						     st->name);
			diag_note(c->diags, d, st->decl, "'%s' runs its own Fixlet", st->name);
			diag_help(c->diags, d, "remove '%s', or apply it with a step that takes a baseline",
				  item->baseline->name);
		}
		if (st->role && cl->role != st->role && !cl->role_unknown) {
			struct diag *d = diag_report(c->diags, BFP321, item->span,
						     "step '%s' acts on role '%s', which cluster '%s' does not hold",
						     st->name, st->role->lw.name, cl->name);
			diag_help(c->diags, d, "remove the step, or declare the role in cluster '%s'", cl->name);
		}
		if (item->fixlet) {
			facts->variant[i] = item->fixlet; /* `restart NAME as-step`: the Fixlet it names */
		} else if (cl->os && st->run.len) {
			facts->variant[i] = rule_os_variant(c, st, cl, item->span);
			complete &= facts->variant[i] != NULL;
		}
		/* once per baseline: the same components say the same thing at every step using it */
		if (item->baseline && st->takes_baseline)
			rule_baseline_contents(c, item);
		if (cl->os && item->baseline && st->takes_baseline && ptrmap_add(&restart_checked, item->baseline)) {
			rule_baseline_os(c, item, cl);
			rule_restart(c, item, cl);
			complete &= !item->baseline->incomplete;
		}
		facts->failure[i] = failure_of(item, item_optional(c, item));
	}
	rule_sequence(c, plan);
	rule_restart_forms(c, plan);
	if (cl->os) {
		rule_prerequisites(c, plan, facts, complete);
		rule_placeholders(c, plan, facts);
		rule_plan_actionscript(c, plan);
	}
	rule_availability(c, plan, facts);
	rule_order(c, plan, facts);
	rule_timeouts(c, plan, facts);
	rule_timeouts_used(c, plan);
	if (facts->order) {
		assign_phases(c, plan, facts);
		rule_window(c, plan, facts);
	}
	facts->ok = c->diags->errors == c->errors_before && facts->order && cl->os;
	/* advice about a plan that is otherwise right; after an error it would only be noise */
	if (facts->ok)
		rule_role_moved(c, plan);
}

/*
 * A baseline the file declares beside its plans, which none of them
 * applies: usually this cycle's baseline, written while a 'patch' line
 * still names last cycle's.  A file of baselines without plans is a
 * library, and says nothing here.
 */
static void rule_unused_baselines(struct checker *c)
{
	const struct world *w = c->world;
	struct ptrmap used;
	ptrmap_init(&used, c->arena);
	bool plans_here = false;
	for (size_t i = 0; i < w->plans.len; i++) {
		const struct plan_ent *plan = w->plans.items[i];
		if (plan->sequence_incomplete)
			return; /* a step line that did not resolve may be the one that applies it */
		plans_here = plans_here || plan->decl.file == w->root;
		for (size_t k = 0; k < plan->sequence.len; k++) {
			const struct seq_item *item = plan->sequence.items[k];
			if (item->baseline)
				ptrmap_put(&used, item->baseline, &used); /* any non-NULL value: it is used */
		}
	}
	for (size_t i = 0; plans_here && i < w->baselines.len; i++) {
		const struct baseline_ent *b = w->baselines.items[i];
		if (b->decl.file != w->root || ptrmap_get(&used, b))
			continue;
		struct diag *d = diag_report(c->diags, BFP342, b->decl, "no plan applies baseline '%s'", b->name);
		const struct seq_item *other = NULL;
		for (size_t k = 0; k < w->plans.len && !other; k++) {
			const struct plan_ent *plan = w->plans.items[k];
			for (size_t j = 0; j < plan->sequence.len && !other; j++)
				if (((const struct seq_item *)plan->sequence.items[j])->baseline)
					other = plan->sequence.items[j];
		}
		if (other) {
			diag_note(c->diags, d, other->span, "step '%s' applies baseline '%s' here", other->step->name,
				  other->baseline->name);
			diag_help(c->diags, d, "if this is the baseline to apply, write '%s %s' there; if not, remove it",
				  other->step->name, b->name);
		} else {
			diag_help(c->diags, d, "apply it with a step that takes a baseline ('patch %s' in `each node`), "
				  "or remove it", b->name);
		}
	}
}

void check_program(struct arena *arena, struct diag_sink *diags, struct world *world,
		   struct checked_program *out)
{
	struct checker c = {.arena = arena, .keep = arena, .diags = diags, .world = world};
	ptrmap_init(&c.node_index, arena);
	ptrmap_init(&c.scripts_shown, arena);
	ptrmap_init(&c.contents_checked, arena);
	*out = (struct checked_program){0};
	/*
	 * What a rule needs only while it runs (indexes, orders tried, the
	 * texts of notes) goes into a scratch arena emptied after it (after
	 * each plan, for the plans' rules), so memory grows with the facts
	 * kept, not with the work done.
	 */
	struct arena scratch;
	arena_init_like(&scratch, arena);
	for (size_t i = 0; i < world->clusters.len; i++)
		rule_cluster_nodes(&c, world->clusters.items[i]);
	c.arena = &scratch; /* an index of every node of every cluster: only for this rule */
	rule_nodes_across_clusters(&c);
	arena_reset(&scratch);
	c.arena = arena;
	rule_prereq_cycles(&c);
	rule_roles_detectable(&c);
	if (world->plans.len == 0 || !rule_state_machine_declared(&c)) {
		arena_free(&scratch);
		return;
	}
	c.arena = &scratch;
	for (size_t i = 0; i < world->plans.len; i++) {
		struct plan_facts *facts = arena_alloc(arena, sizeof *facts);
		check_plan(&c, world->plans.items[i], facts);
		ptrvec_push(arena, &out->plans, facts);
		arena_reset(&scratch);
	}
	if (diags->errors == 0) /* advice about files that are otherwise right; after an error, noise */
		rule_unused_baselines(&c);
	arena_reset(&scratch);
	arena_free(&scratch);
}
