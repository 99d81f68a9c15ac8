/*
 * lower.c - from a checked plan to its lowered form (see lower.h).
 *
 * Everything here was already decided by the checker (struct plan_facts):
 * the order, the role holder, each step's Fixlet for the OS, timeouts and
 * phases.  The lowering only lays those decisions out as plain data, adds
 * the failure path (the undo step of whatever took the node out of
 * service), and lists the checks: what was proven, and what is left to a
 * pre-flight Fixlet because only the endpoint knows.
 */
#include "lower.h"

#include <string.h>

#include "check.h"
#include "resolve.h"

struct lowering {
	struct arena *arena;
	const struct world *world;
	const struct plan_facts *facts;
	struct lw_plan *plan;
};

static struct lw_text plain(const char *text)
{
	return (struct lw_text){text, {SRC_NO_FILE, 0, 0}};
}

static struct lw_check *add_check(struct lowering *lo, const char *code, enum lw_check_when when,
				  const char *description, const struct lw_prereq *prereq)
{
	struct lw_check *chk = arena_alloc(lo->arena, sizeof *chk);
	*chk = (struct lw_check){code, when, plain(description), prereq};
	ptrvec_push(lo->arena, &lo->plan->checks, chk);
	return chk;
}

static void add_site(struct lowering *lo, const struct lw_site *site)
{
	if (!site)
		return;
	for (size_t i = 0; i < lo->plan->sites.len; i++)
		if (lo->plan->sites.items[i] == site)
			return;
	cptrvec_push(lo->arena, &lo->plan->sites, site);
}

static struct src_span require_span(const struct plan_ent *plan, const struct prereq_ent *pr)
{
	for (size_t i = 0; i < plan->requires.len; i++) {
		const struct require_ent *req = plan->requires.items[i];
		if (req->prereq == pr)
			return req->span;
	}
	return (struct src_span){SRC_NO_FILE, 0, 0};
}

/* One plan-specific copy of each needed prerequisite, with its pre-flight check. */
static void lower_prereqs(struct lowering *lo)
{
	const struct plan_ent *plan = lo->facts->plan;
	for (size_t i = 0; i < lo->facts->needed.len; i++) {
		const struct prereq_ent *pr = lo->facts->needed.items[i];
		struct lw_prereq *copy = arena_alloc(lo->arena, sizeof *copy);
		*copy = pr->lw;
		copy->required_at = require_span(plan, pr);
		/* point `needs` at this plan's copies, which come earlier (dependencies first) */
		copy->needs = (struct cptrvec){0};
		for (size_t k = 0; k < pr->needs.len; k++) {
			const struct prereq_ent *need = pr->needs.items[k];
			for (size_t j = 0; j < lo->plan->prereqs.len; j++) {
				const struct lw_prereq *earlier = lo->plan->prereqs.items[j];
				if (strcmp(earlier->name, need->lw.name) == 0)
					cptrvec_push(lo->arena, &copy->needs, earlier);
			}
		}
		ptrvec_push(lo->arena, &lo->plan->prereqs, copy);
		if (copy->provider)
			add_site(lo, copy->provider->site);
		add_check(lo, "BFP301", LW_PREFLIGHT,
			  arena_printf(lo->arena, "%s is present on every node of cluster '%s'",
				       copy->title.text, plan->cluster->name),
			  copy);
	}
}

static const struct lw_check *prereq_check(struct lowering *lo, const struct prereq_ent *pr)
{
	for (size_t i = 0; i < lo->plan->checks.len; i++) {
		const struct lw_check *chk = lo->plan->checks.items[i];
		if (chk->prereq && strcmp(chk->prereq->name, pr->lw.name) == 0)
			return chk;
	}
	return NULL;
}

static void add_component(struct lowering *lo, struct lw_step *step, const struct fixlet_ent *fx,
			  struct src_span origin)
{
	struct lw_component *comp = arena_alloc(lo->arena, sizeof *comp);
	comp->fixlet = &fx->lw;
	comp->origin = origin;
	ptrvec_push(lo->arena, &step->components, comp);
	add_site(lo, fx->lw.site);
	/* the prerequisites this component needs guard its step */
	for (size_t i = 0; i < fx->needs.len; i++) {
		const struct lw_check *chk = prereq_check(lo, fx->needs.items[i]);
		bool known = false;
		for (size_t k = 0; chk && k < step->guards.len; k++)
			known |= step->guards.items[k] == chk;
		if (chk && !known)
			cptrvec_push(lo->arena, &step->guards, chk);
	}
}

static struct lw_step *lower_step(struct lowering *lo, const struct seq_item *item, size_t index,
				  const struct lw_node *node, const char *from_state)
{
	const struct cluster_ent *cl = lo->facts->plan->cluster;
	const struct step_ent *st = item->step;
	struct lw_step *step = arena_alloc(lo->arena, sizeof *step);
	step->name = st->name;
	step->title = st->title;
	step->node = node->name;
	step->from_state = from_state;
	step->to_state = st->to->name;
	step->timeout = lo->facts->timeout[index];
	step->optional = item->optional;
	step->role_only = st->role != NULL;
	step->verify = st->verify;
	step->origin = item->span;
	step->marks = st->marks;
	if (item->baseline) {
		step->kind = LW_STEP_BASELINE;
		step->baseline_name = item->baseline->name;
		step->baseline_title = item->baseline->title;
		for (size_t k = 0; k < item->baseline->components.len; k++) {
			const struct component_ent *comp = item->baseline->components.items[k];
			const struct fixlet_ent *fx = check_restart_fixlet(comp, cl->os);
			if (fx)
				add_component(lo, step, fx, comp->span);
		}
	} else {
		step->kind = LW_STEP_FIXLET;
		add_component(lo, step, lo->facts->variant[index], item->span);
	}
	if (step->role_only && lo->plan->checks.len) {
		for (size_t i = 0; i < lo->plan->checks.len; i++) {
			const struct lw_check *chk = lo->plan->checks.items[i];
			if (strcmp(chk->code, "BFP310") == 0)
				cptrvec_push(lo->arena, &step->guards, chk);
		}
	}
	return step;
}

/*
 * The failure path: from the step that takes the node out of service until
 * its undo step has run, a failing step is followed by the undo step, so
 * no node is left paused when the plan stops.
 */
static void link_failure_steps(struct lw_node *node, const struct step_ent **kinds)
{
	const struct step_ent *open_undo = NULL;
	for (size_t i = 0; i < node->steps.len; i++) {
		struct lw_step *step = node->steps.items[i];
		const struct step_ent *st = kinds[i];
		if (!open_undo && st->undo)
			open_undo = st->undo;
		if (open_undo && st == open_undo) {
			open_undo = NULL;
			continue;
		}
		if (!open_undo)
			continue;
		for (size_t k = i + 1; k < node->steps.len; k++)
			if (kinds[k] == open_undo) {
				step->on_failure = node->steps.items[k];
				break;
			}
	}
}

static void lower_node(struct lowering *lo, size_t position)
{
	const struct plan_facts *facts = lo->facts;
	const struct plan_ent *plan = facts->plan;
	const struct node_ent *ne = facts->order[position];
	struct lw_node *node = arena_alloc(lo->arena, sizeof *node);
	node->name = ne->name;
	node->position = (unsigned)position + 1;
	node->role_holder = ne == facts->role_holder;
	node->decl = ne->span;

	const struct step_ent **kinds = arena_calloc(lo->arena, plan->sequence.len + 1, sizeof *kinds);
	const char *state = NULL;
	for (size_t i = 0; i < lo->world->states.len; i++) {
		const struct state_ent *s = lo->world->states.items[i];
		if (s->initial) {
			state = s->name;
			break;
		}
	}
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		if (item->step->role && !node->role_holder)
			continue;
		struct lw_step *step = lower_step(lo, item, i, node, state);
		kinds[node->steps.len] = item->step;
		ptrvec_push(lo->arena, &node->steps, step);
		state = step->to_state;
	}
	link_failure_steps(node, kinds);
	ptrvec_push(lo->arena, &lo->plan->nodes, node);

	struct lw_phase *phase = lo->plan->phases.items[facts->phase[position] - 1];
	ptrvec_push(lo->arena, &phase->nodes, node);
	int64_t total = 0;
	for (size_t i = 0; i < node->steps.len; i++)
		total += ((const struct lw_step *)node->steps.items[i])->timeout;
	if (total > phase->worst_case)
		phase->worst_case = total;
}

static void lower_checks_proven(struct lowering *lo)
{
	const struct plan_facts *facts = lo->facts;
	const struct plan_ent *plan = facts->plan;
	const struct cluster_ent *cl = plan->cluster;
	struct arena *a = lo->arena;
	add_check(lo, "BFP303", LW_PROVEN,
		  arena_printf(a, "every step has exactly one Fixlet for %s", cl->os->name), NULL);
	add_check(lo, "BFP306", LW_PROVEN,
		  "every step finds the node in a state the step accepts, as the node states declare",
		  NULL);
	add_check(lo, "BFP307", LW_PROVEN, "every node ends the sequence back in service", NULL);
	add_check(lo, "BFP308", LW_PROVEN,
		  "a node taken out of service is restored by its undo step when a later step fails", NULL);
	add_check(lo, "BFP309", LW_PROVEN, "no baseline can leave a node waiting in Pending Restart", NULL);
	add_check(lo, "BFP313", LW_PROVEN,
		  arena_printf(a, "at most %u of %zu nodes down at once keeps the cluster's quorum",
			       plan->max_down, cl->nodes.len),
		  NULL);
	add_check(lo, "BFP318", LW_PROVEN, "every step has a timeout", NULL);
	if (plan->window > 0)
		add_check(lo, "BFP317", LW_PROVEN, "the worst case fits the maintenance window", NULL);
	if (cl->role && facts->role_holder) {
		add_check(lo, "BFP310", LW_PROVEN,
			  arena_printf(a, "role '%s' moves once: its holder is patched last", cl->role->lw.name),
			  NULL);
		const char *detect = cl->role->detect
			? arena_printf(a, " (%s %u is relevant only there)",
				       cl->role->detect->lw.is_task ? "Task" : "Fixlet", cl->role->detect->lw.id)
			: "";
		add_check(lo, "BFP310", LW_PREFLIGHT,
			  arena_printf(a, "role '%s' runs on %s when the window starts%s", cl->role->lw.name,
				       facts->role_holder->name, detect),
			  NULL);
	}
}

/* ---- unconfirmed facts (issue 8) -------------------------------------------------------------- */

static void add_marks(struct lowering *lo, const struct cptrvec *marks)
{
	for (size_t i = 0; i < marks->len; i++) {
		bool known = false;
		for (size_t k = 0; k < lo->plan->unconfirmed.len && !known; k++)
			known = lo->plan->unconfirmed.items[k] == marks->items[i];
		if (!known)
			cptrvec_push(lo->arena, &lo->plan->unconfirmed, marks->items[i]);
	}
}

/* Every mark on something the plan uses, once each, in the order the plan first uses it. */
static void collect_unconfirmed(struct lowering *lo)
{
	struct lw_plan *lp = lo->plan;
	add_marks(lo, &lp->os_marks);
	for (size_t i = 0; i < lp->sites.len; i++)
		add_marks(lo, &((const struct lw_site *)lp->sites.items[i])->marks);
	if (lp->role) {
		add_marks(lo, &lp->role->marks);
		if (lp->role->detect)
			add_marks(lo, &lp->role->detect->marks);
	}
	for (size_t i = 0; i < lp->prereqs.len; i++) {
		const struct lw_prereq *pr = lp->prereqs.items[i];
		add_marks(lo, &pr->marks);
		if (pr->provider)
			add_marks(lo, &pr->provider->marks);
	}
	for (size_t n = 0; n < lp->nodes.len; n++) {
		const struct lw_node *node = lp->nodes.items[n];
		for (size_t i = 0; i < node->steps.len; i++) {
			const struct lw_step *step = node->steps.items[i];
			add_marks(lo, &step->marks);
			for (size_t k = 0; k < step->components.len; k++)
				add_marks(lo, &((const struct lw_component *)step->components.items[k])->fixlet->marks);
		}
	}
}

static struct lw_plan *lower_plan(struct arena *arena, const struct world *world, const struct plan_facts *facts)
{
	const struct plan_ent *plan = facts->plan;
	const struct cluster_ent *cl = plan->cluster;
	struct lw_plan *lp = arena_alloc(arena, sizeof *lp);
	struct lowering lo = {arena, world, facts, lp};
	lp->name = plan->name;
	lp->title = plan->title.text ? plan->title : plain(plan->name);
	lp->cluster = cl->name;
	lp->os = cl->os->name;
	lp->os_title = cl->os->title.text ? cl->os->title : plain(cl->os->name);
	for (size_t i = 0; i < cl->nodes.len; i++)
		strvec_push(arena, &lp->cluster_nodes, ((const struct node_ent *)cl->nodes.items[i])->name);
	if (cl->role) {
		struct lw_role *role = arena_alloc(arena, sizeof *role);
		*role = cl->role->lw;
		role->server = cl->role_server;
		lp->role = role;
		if (role->detect)
			add_site(&lo, role->detect->site);
	}
	lp->order = plan->order;
	lp->max_down = plan->max_down;
	lp->window = plan->window;
	lp->worst_case = facts->worst_case;
	lp->decl = plan->decl;

	lower_prereqs(&lo);
	lower_checks_proven(&lo);
	for (unsigned p = 1; p <= facts->phase_count; p++) {
		struct lw_phase *phase = arena_alloc(arena, sizeof *phase);
		phase->number = p;
		ptrvec_push(arena, &lp->phases, phase);
	}
	for (size_t i = 0; i < facts->node_count; i++)
		lower_node(&lo, i);
	lp->os_marks = cl->os->marks;
	collect_unconfirmed(&lo);
	return lp;
}

void lower_program(struct arena *arena, const struct world *world, const struct checked_program *checked,
		   struct lw_program *out)
{
	memset(out, 0, sizeof *out);
	out->files = world->files;
	for (size_t i = 0; i < checked->plans.len; i++) {
		const struct plan_facts *facts = checked->plans.items[i];
		if (facts->ok)
			ptrvec_push(arena, &out->plans, lower_plan(arena, world, facts));
	}
}
