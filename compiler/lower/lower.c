/*
 * lower.c - from a checked plan to its lowered form (see lower.h).
 *
 * Everything here was already decided by the checker (struct plan_facts):
 * the order, the role holder, the phases, each step's Fixlet for the OS,
 * timeouts, and the schedule with its failure behaviour and worst case.
 * The lowering lays those decisions out as plain data the emitters share:
 * numbered steps with their waits, titles and file names, gather URLs,
 * the Baselines of the .bes, and the checks: what was proven, and what is
 * left to a pre-flight check because only the endpoint knows.
 *
 * The lowered program owns copies of the catalog objects it uses (sites
 * with the build's gather URL, Fixlets pointing at those sites), made once
 * each however many plans share them, in the program's arena.  Everything
 * else belongs to one plan and goes into that plan's arena, so a build can
 * free a plan once it is written (lower_next()).
 */
#include "lower/lower.h"
#include "lower/sentences.h"

#include <stdint.h>
#include <string.h>

#include "base/ptrmap.h"
#include "sema/check.h"
#include "sema/resolve.h"

struct lowering {
	struct arena *program_arena;   /* the catalog copies, shared by every plan */
	const struct world *world;     /* NULL when replaying plans lowered already (lower_replay()) */
	const struct checked_program *checked;
	const struct lower_options *opts;
	struct lw_program *program;
	struct ptrmap copies;          /* world object -> its lowered copy, program-wide */
	size_t next;                   /* the next of checked->plans (or program->plans) to hand out */
	size_t count;                  /* how many plans lower_next() hands out in all */

	/* the plan being lowered */
	struct arena *arena;           /* the plan's own */
	const struct plan_facts *facts;
	const struct sched_step *schedule; /* the plan's recipe steps (check_schedule()), facts->schedule_len */
	struct lw_plan *plan;
	struct ptrmap plan_copies;     /* per-plan objects: prerequisites, baselines, restores, sites */
	struct lw_check *restart_proof; /* BFP309's, which rests on how the steps run their Baselines */
	struct lw_check *quorum_proof;  /* BFP313's, which rests on the cluster being whole when the window starts */
};

static struct lw_text plain(const char *text)
{
	return (struct lw_text){text, {SRC_NO_FILE, 0, 0}};
}

/* A title cut to LW_TITLE_MAX characters (not bytes), on a character boundary, with an ellipsis. */
static const char *limit_title(struct arena *a, const char *s)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > LW_TITLE_MAX)
			break;
	}
	if (!s[i])
		return s;
	/* keep room for the ellipsis: back up over one more character */
	size_t end = i;
	do
		end--;
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80);
	return arena_printf(a, "%.*s\xE2\x80\xA6", (int)end, s);
}

/* ---- catalog copies ------------------------------------------------------------------------ */

/* The marks except those on one field: what the build was told is no longer a guess. */
static struct cptrvec marks_without(struct arena *arena, const struct cptrvec *marks, const char *field)
{
	struct cptrvec kept = {0};
	for (size_t i = 0; i < marks->len; i++) {
		const struct lw_mark *m = marks->items[i];
		if (!m->field || strcmp(m->field, field) != 0)
			cptrvec_push(arena, &kept, m);
	}
	return kept;
}

/* The site with the gather URL this build uses: the last one given for it, else the catalog's. */
static const struct lw_site *lower_site(struct lowering *lo, const struct lw_site *site)
{
	if (!site)
		return NULL;
	struct lw_site *copy = ptrmap_get(&lo->copies, site);
	if (copy)
		return copy;
	copy = arena_alloc(lo->program_arena, sizeof *copy);
	*copy = *site;
	copy->url = site->gather_url.text;
	copy->url_from = copy->url ? LW_URL_CATALOG : LW_URL_UNKNOWN;
	for (size_t i = 0; lo->opts && i < lo->opts->site_url_count; i++) {
		if (strcmp(lo->opts->site_urls[i].name, site->name) == 0) {
			copy->url = lo->opts->site_urls[i].url;
			copy->url_from = lo->opts->site_urls[i].from;
		}
	}
	if (copy->url_from != LW_URL_CATALOG && copy->url_from != LW_URL_UNKNOWN)
		copy->marks = marks_without(lo->program_arena, &site->marks, "gather-url");
	ptrmap_put(&lo->copies, site, copy);
	ptrvec_push(lo->program_arena, &lo->program->sites, copy);
	return copy;
}

/* Every site a plan references, each once, in order of first use. */
static void use_site(struct lowering *lo, const struct lw_site *site)
{
	if (site && ptrmap_add(&lo->plan_copies, site))
		cptrvec_push(lo->arena, &lo->plan->sites, site);
}

static enum lw_script_from script_from(const struct lowering *lo, const struct fixlet_ent *fx)
{
	struct src_span at = fx->lw.actionscript.span;
	if (!fx->lw.actionscript.text)
		return LW_SCRIPT_NONE;
	if (lo->opts && lo->opts->sm && at.file != SRC_NO_FILE && src_file(lo->opts->sm, at.file)->is_stdlib)
		return LW_SCRIPT_STDLIB;
	return fx->lw.imported_from.text ? LW_SCRIPT_IMPORTED : LW_SCRIPT_PLAN;
}

static const struct lw_fixlet *lower_fixlet(struct lowering *lo, const struct fixlet_ent *fx)
{
	if (!fx)
		return NULL;
	struct lw_fixlet *copy = ptrmap_get(&lo->copies, fx);
	if (!copy) {
		copy = arena_alloc(lo->program_arena, sizeof *copy);
		*copy = fx->lw;
		copy->site = lower_site(lo, fx->lw.site);
		copy->note = fx->note;
		copy->script_from = script_from(lo, fx);
		ptrmap_put(&lo->copies, fx, copy);
	}
	use_site(lo, copy->site);
	return copy;
}

/* ---- checks --------------------------------------------------------------------------------- */

static struct lw_check *add_check(struct lowering *lo, const char *code, enum lw_check_when when,
				  const char *description, const struct lw_prereq *prereq)
{
	struct lw_check *chk = arena_alloc(lo->arena, sizeof *chk);
	*chk = (struct lw_check){.code = code, .when = when, .description = plain(description), .prereq = prereq};
	ptrvec_push(lo->arena, &lo->plan->checks, chk);
	return chk;
}

/*
 * One plan-specific copy of each needed prerequisite, with its pre-flight
 * check.  The checker put them in dependency order, so what one needs has
 * its copy already.
 */
static void lower_prereqs(struct lowering *lo)
{
	const struct plan_ent *plan = lo->facts->plan;
	for (size_t i = 0; i < lo->facts->needed.len; i++) {
		const struct prereq_ent *pr = lo->facts->needed.items[i];
		struct lw_prereq *copy = arena_alloc(lo->arena, sizeof *copy);
		*copy = pr->lw;
		copy->provider = lower_fixlet(lo, pr->provider);
		copy->required_at = check_require_span(plan, pr);
		copy->number = (unsigned)i + 1;
		const char *title = copy->title.text ? copy->title.text : copy->name;
		copy->preflight_title = limit_title(lo->arena, arena_concat(lo->arena, "bfplan pre-flight: ", title,
									   " missing on cluster ", plan->cluster->name, NULL));
		copy->needs = (struct cptrvec){0};
		for (size_t k = 0; k < pr->needs.len; k++) {
			const struct lw_prereq *earlier = ptrmap_get(&lo->plan_copies, pr->needs.items[k]);
			if (earlier)
				cptrvec_push(lo->arena, &copy->needs, earlier);
		}
		ptrmap_put(&lo->plan_copies, pr, copy);
		ptrvec_push(lo->arena, &lo->plan->prereqs, copy);
		struct lw_check *chk = add_check(lo, "BFP301", LW_PREFLIGHT,
			arena_concat(lo->arena, "every node of cluster '", plan->cluster->name, "' has ", title, NULL),
			copy);
		chk->number = copy->number;
		/* the pre-flight check of a prerequisite, found from the prerequisite */
		ptrmap_put(&lo->plan_copies, copy, chk);
	}
}

/* The run-time check of where the role runs, and the proof that rests on it. */
static void lower_role_checks(struct lowering *lo, unsigned number)
{
	const struct plan_facts *facts = lo->facts;
	const struct cluster_ent *cl = facts->plan->cluster;
	struct arena *a = lo->arena;
	if (!cl->role || !facts->role_holder)
		return;
	const struct fixlet_ent *detect = cl->role->detect;
	const char *how = detect ? arena_printf(a, " (%s %u is relevant only there)", detect->lw.is_task ? "Task" : "Fixlet",
						detect->lw.id)
				 : "";
	struct lw_check *where = add_check(lo, "BFP310", LW_PREFLIGHT,
		arena_printf(a, "role '%s' runs on %s when the window starts%s", cl->role->lw.name,
			     facts->role_holder->name, how),
		NULL);
	where->number = number;
	lo->plan->role_check = where;
	struct lw_check *once = add_check(lo, "BFP310", LW_PROVEN,
		arena_printf(a, "role '%s' moves once: its holder, %s, is patched last", cl->role->lw.name,
			     facts->role_holder->name),
		NULL);
	cptrvec_push(a, &once->rests_on, where);
}

/*
 * The run-time facts the quorum proof rests on: the votes it counts are
 * those of a cluster whole when the window starts.  Every node up and
 * reporting is a pre-flight check (the run reads each node's last report
 * time); the witness, where the proof counts its vote, is a pre-flight
 * Fixlet where the cluster's OS says how a node sees it (`witness-online`),
 * and is looked at by hand where it does not.
 */
static void lower_quorum_checks(struct lowering *lo, unsigned number)
{
	const struct cluster_ent *cl = lo->facts->plan->cluster;
	struct lw_plan *lp = lo->plan;
	struct arena *a = lo->arena;
	struct lw_check *up = add_check(lo, "BFP313", LW_PREFLIGHT,
		arena_printf(a, "every node of cluster '%s' is up and reporting to BigFix", cl->name), NULL);
	up->number = number;
	up->title = "Every node up and reporting";
	up->look = "each node Up in the cluster console, and reporting to BigFix within the hour";
	up->if_not = "do not start: bring it back first";
	lp->report_check = up;
	cptrvec_push(a, &lo->quorum_proof->rests_on, up);
	if (lp->quorum.model != LW_QUORUM_NODE_AND_WITNESS || lp->quorum.by_nodes)
		return;
	if (!cl->os->witness_online.text) {
		strvec_push(a, &lo->quorum_proof->by_hand, "the witness is online");
		return;
	}
	struct lw_check *w = add_check(lo, "BFP313", LW_PREFLIGHT,
		arena_printf(a, "the quorum witness of cluster '%s' is online, as every node sees it", cl->name), NULL);
	w->number = number + 1;
	w->fixlet_title = limit_title(a, arena_printf(a, "bfplan pre-flight: quorum witness not online on cluster %s",
						       cl->name));
	w->holds = cl->os->witness_online;
	w->marks = cl->os->witness_marks;
	w->title = "The witness online";
	w->look = "the witness Online in the cluster console";
	w->if_not = "do not start: bring the witness online";
	lp->witness_check = w;
	cptrvec_push(a, &lo->quorum_proof->rests_on, w);
}

/* Whether some step, failing while nodes are out of service, leaves them for a person to decide. */
static const struct sched_step *held_step(const struct lowering *lo)
{
	const struct plan_facts *facts = lo->facts;
	for (size_t i = 0; i < facts->schedule_len; i++)
		if (facts->failure[lo->schedule[i].item] == LW_FAILURE_HOLD && lo->schedule[i].restore)
			return &lo->schedule[i];
	return NULL;
}

/* "'patch'", or "'patch' or 'restart'": the steps of a phase that hold their nodes on failure, in order. */
static const char *held_names(const struct lowering *lo, uint32_t phase, bool *several)
{
	const struct plan_facts *facts = lo->facts;
	struct arena *a = lo->arena;
	const char *names = NULL;
	*several = false;
	for (size_t i = 0; i < facts->schedule_len; i++) {
		const struct sched_step *s = &lo->schedule[i];
		if (s->phase != phase || facts->failure[s->item] != LW_FAILURE_HOLD || !s->restore)
			continue;
		const char *name = ((const struct seq_item *)facts->plan->sequence.items[s->item])->step->name;
		*several = names != NULL;
		names = names ? arena_printf(a, "%s or '%s'", names, name) : arena_printf(a, "'%s'", name);
	}
	return names;
}

static const char *quorum_rule(struct arena *a, const struct lw_plan *p, size_t nodes)
{
	return arena_printf(a, "at most %u of %zu nodes down at once keeps the cluster's quorum: %s", p->max_down,
			    nodes, lw_quorum_rule(a, p));
}

/* Whether the plan runs a baseline's restart as a step of its own (`restart as-step`). */
static bool restarts_as_step(const struct plan_ent *plan)
{
	for (size_t i = 0; i < plan->sequence.len; i++)
		if (((const struct seq_item *)plan->sequence.items[i])->restart_of)
			return true;
	return false;
}

static void lower_checks_proven(struct lowering *lo)
{
	const struct plan_facts *facts = lo->facts;
	const struct plan_ent *plan = facts->plan;
	const struct cluster_ent *cl = plan->cluster;
	struct arena *a = lo->arena;
	add_check(lo, "BFP303", LW_PROVEN, arena_printf(a, "every step has exactly one Fixlet for %s", cl->os->name),
		  NULL);
	add_check(lo, "BFP306", LW_PROVEN,
		  "every step finds the node in a state the step accepts, as the node states declare", NULL);
	add_check(lo, "BFP307", LW_PROVEN, "every node ends the sequence back in service", NULL);
	const struct sched_step *held = held_step(lo);
	if (held) {
		bool several;
		const char *names = held_names(lo, held->phase, &several);
		add_check(lo, "BFP308", LW_PROVEN,
			  arena_printf(a, "a node taken out of service is restored by '%s' when a later step fails, "
					  "except after a failed %s, which %s it out of service for a person "
					  "to decide (the step's on-failure advice says who)",
				       held->restore->name, names, several ? "leave" : "leaves"),
			  NULL);
	} else {
		add_check(lo, "BFP308", LW_PROVEN,
			  "a node taken out of service is restored by its undo step when a later step fails", NULL);
	}
	lo->restart_proof = add_check(lo, "BFP309", LW_PROVEN, restarts_as_step(plan)
				      ? "no baseline can leave a node waiting in Pending Restart: the restart runs as "
					"a step of its own after the Baseline, which ends when its targets enter "
					"Pending Restart (the plan's Pending Restart setting, 'Continue Plan')"
				      : "no baseline can leave a node waiting in Pending Restart", NULL);
	lo->quorum_proof = add_check(lo, "BFP313", LW_PROVEN, quorum_rule(a, lo->plan, cl->nodes.len), NULL);
	lo->plan->quorum_proof = lo->quorum_proof;
	add_check(lo, "BFP318", LW_PROVEN, "every step has a timeout", NULL);
	if (plan->window > 0)
		add_check(lo, "BFP317", LW_PROVEN,
			  "the worst case, every step running to its timeout one after another, fits the "
			  "maintenance window", NULL);
}

/* ---- the recipe ------------------------------------------------------------------------------ */


static const struct lw_baseline *lower_baseline(struct lowering *lo, const struct baseline_ent *bl)
{
	struct lw_baseline *copy = ptrmap_get(&lo->plan_copies, bl);
	if (copy)
		return copy;
	const struct os_ent *os = lo->facts->plan->cluster->os;
	copy = arena_alloc(lo->arena, sizeof *copy);
	copy->name = bl->name;
	copy->title = bl->title;
	copy->decl = bl->decl;
	copy->bes_title = limit_title(lo->arena, arena_concat(lo->arena, lo->plan->name, ": ",
							      bl->title.text ? bl->title.text : bl->name, NULL));
	for (size_t k = 0; k < bl->components.len; k++) {
		const struct component_ent *ce = bl->components.items[k];
		const struct fixlet_ent *fx = check_restart_fixlet(ce, os);
		if (!fx || ce->as_step)
			continue; /* `restart as-step` is a step of its own, after the Baseline's */
		struct lw_component *comp = arena_alloc(lo->arena, sizeof *comp);
		comp->fixlet = lower_fixlet(lo, fx);
		comp->origin = ce->span;
		comp->include = ce->include;
		ptrvec_push(lo->arena, &copy->components, comp);
	}
	ptrmap_put(&lo->plan_copies, bl, copy);
	ptrvec_push(lo->arena, &lo->plan->baselines, copy);
	return copy;
}

/* The node-state machine, once per plan (it is a handful of states), as plan_copies of the world's. */
static void lower_states(struct lowering *lo)
{
	for (size_t i = 0; i < lo->world->states.len; i++) {
		const struct state_ent *se = lo->world->states.items[i];
		struct lw_state *st = arena_alloc(lo->arena, sizeof *st);
		*st = (struct lw_state){.name = se->name, .initial = se->initial, .final = se->final, .waits = se->waits};
		ptrmap_put(&lo->plan_copies, se, st);
		cptrvec_push(lo->arena, &lo->plan->states, st);
	}
}

static void lower_accepts(struct lowering *lo, const struct step_ent *st, struct cptrvec *accepts,
			  const struct lw_state **to)
{
	for (size_t i = 0; i < st->from.len; i++)
		cptrvec_push(lo->arena, accepts, ptrmap_get(&lo->plan_copies, st->from.items[i]));
	*to = st->to ? ptrmap_get(&lo->plan_copies, st->to) : NULL;
}

/*
 * How a plan's steps are laid out on demand (lw_steps_next()): the
 * schedule, one entry per step (check_schedule(), made again for this
 * plan alone), and what each entry runs, lowered once.  A step is made from these in constant time, so nothing
 * keeps a plan's steps.
 */
struct lw_recipe {
	const struct sched_step *schedule; /* check_schedule()'s, in the plan's arena */
	const struct lw_item **items;      /* per item of `each node`; NULL for one no phase runs */
	struct ptrmap restores;            /* struct step_ent * -> its struct lw_restore */
};

static const struct lw_restore *lower_restore(struct lowering *lo, struct lw_recipe *recipe,
					      const struct sched_step *s, const struct seq_item *item)
{
	if (!s->restore)
		return NULL;
	struct lw_restore *copy = ptrmap_get(&recipe->restores, s->restore);
	if (copy)
		return copy;
	size_t matches;
	copy = arena_alloc(lo->arena, sizeof *copy);
	copy->name = s->restore->name;
	copy->title = s->restore->title;
	copy->fixlet = lower_fixlet(lo, check_variant_for(s->restore, lo->facts->plan->cluster->os, &matches));
	copy->timeout = check_step_timeout(lo->facts, s->restore);
	copy->origin = item->span;
	lower_accepts(lo, s->restore, &copy->accepts, &copy->to);
	ptrmap_put(&recipe->restores, s->restore, copy);
	ptrvec_push(lo->arena, &lo->plan->restores, copy);
	return copy;
}

static void add_guard(struct lowering *lo, struct lw_item *item, const struct lw_check *chk)
{
	for (size_t i = 0; i < item->guards.len; i++)
		if (item->guards.items[i] == chk)
			return;
	cptrvec_push(lo->arena, &item->guards, chk);
}

/* The prerequisites a Fixlet needs guard the step that runs it. */
static void guard_with_needs(struct lowering *lo, struct lw_item *item, const struct fixlet_ent *fx)
{
	for (size_t i = 0; fx && i < fx->needs.len; i++) {
		const struct lw_prereq *pr = ptrmap_get(&lo->plan_copies, fx->needs.items[i]);
		const struct lw_check *chk = pr ? ptrmap_get(&lo->plan_copies, pr) : NULL;
		if (chk)
			add_guard(lo, item, chk);
	}
}

static const char *initial_state(const struct world *w)
{
	for (size_t i = 0; i < w->states.len; i++) {
		const struct state_ent *s = w->states.items[i];
		if (s->initial)
			return s->name;
	}
	return NULL;
}

/* What the steps of one item of `each node` share, from the first step that runs it. */
static const struct lw_item *lower_item(struct lowering *lo, const struct sched_step *s)
{
	const struct plan_facts *facts = lo->facts;
	const struct cluster_ent *cl = facts->plan->cluster;
	const struct seq_item *seq = facts->plan->sequence.items[s->item];
	const struct step_ent *st = seq->step;
	struct lw_item *item = arena_alloc(lo->arena, sizeof *item);
	item->name = st->name;
	item->title = st->title;
	item->to_state = st->to->name;
	item->timeout = facts->timeout[s->item];
	item->optional = facts->failure[s->item] == LW_FAILURE_CONTINUE;
	item->role_only = st->role != NULL;
	item->failure = facts->failure[s->item];
	item->verify = st->verify;
	item->on_failure = st->on_failure;
	item->not_relevant = st->not_relevant;
	item->origin = seq->span;
	/* with `restart as-step`, nothing rests on how the Baseline runs its restart */
	item->marks = seq->baseline && seq->baseline->as_step ? marks_without(lo->arena, &st->marks, "baseline")
							      : st->marks;
	lower_accepts(lo, st, &item->accepts, &item->to);
	item->moves_role = st->role != NULL;
	if (seq->baseline) {
		item->kind = LW_STEP_BASELINE;
		item->baseline = lower_baseline(lo, seq->baseline);
		for (size_t k = 0; k < seq->baseline->components.len; k++)
			guard_with_needs(lo, item, check_restart_fixlet(seq->baseline->components.items[k], cl->os));
	} else {
		item->kind = LW_STEP_FIXLET;
		item->fixlet = lower_fixlet(lo, facts->variant[s->item]);
		/* the variant for the cluster's OS may say how to verify with that release's tools */
		if (facts->variant[s->item]->verify.text)
			item->verify = facts->variant[s->item]->verify;
		guard_with_needs(lo, item, facts->variant[s->item]);
	}
	if (item->role_only && lo->plan->role_check)
		add_guard(lo, item, lo->plan->role_check);
	ptrvec_push(lo->arena, &lo->plan->items, item);
	return item;
}

/*
 * The nodes, the phases and the recipe.  The schedule is walked once, in
 * order, to lower what its steps run (each item, Baseline and failure
 * step once, in the order the recipe first uses them) and to number the
 * phases' steps; the steps themselves are laid out only when an emitter
 * walks them.
 */
static void lower_nodes_and_phases(struct lowering *lo)
{
	const struct plan_facts *facts = lo->facts;
	struct arena *a = lo->arena;
	struct lw_plan *lp = lo->plan;
	for (unsigned p = 1; p <= facts->phase_count; p++) {
		struct lw_phase *phase = arena_alloc(a, sizeof *phase);
		phase->number = p;
		ptrvec_push(a, &lp->phases, phase);
	}
	for (size_t i = 0; i < facts->node_count; i++) {
		const struct node_ent *ne = facts->order[i];
		struct lw_node *node = arena_alloc(a, sizeof *node);
		struct lw_phase *phase = lp->phases.items[facts->phase[i] - 1];
		node->name = ne->name;
		node->position = (unsigned)i + 1;
		node->role_holder = ne == facts->role_holder;
		node->phase = phase;
		node->decl = ne->span;
		ptrvec_push(a, &lp->nodes, node);
		ptrvec_push(a, &phase->nodes, node);
		if (node->role_holder)
			lp->role_holder = node;
	}
	struct lw_recipe *recipe = arena_alloc(a, sizeof *recipe);
	recipe->schedule = lo->schedule;
	recipe->items = arena_calloc(a, facts->plan->sequence.len + 1, sizeof *recipe->items);
	ptrmap_init(&recipe->restores, a);
	lp->recipe = recipe;
	lp->initial_state = initial_state(lo->world);
	lp->step_count = facts->schedule_len;
	for (size_t i = 0; i < facts->schedule_len; i++) {
		const struct sched_step *s = &lo->schedule[i];
		struct lw_phase *phase = lp->phases.items[s->phase - 1];
		if (!phase->step_count) {
			phase->first_step = (unsigned)i + 1;
			phase->start = s->start;
		}
		phase->step_count++;
		lower_restore(lo, recipe, s, facts->plan->sequence.items[s->item]);
		if (!recipe->items[s->item])
			recipe->items[s->item] = lower_item(lo, s);
		phase->worst_case += facts->timeout[s->item];
	}
}

/* ---- walking the steps ------------------------------------------------------------------------ */

/* Step `at` of the recipe (0-based), without what it waits for. */
static void lay_out(const struct lw_plan *p, size_t at, struct lw_step *step)
{
	const struct lw_recipe *r = p->recipe;
	const struct sched_step *s = &r->schedule[at];
	const struct lw_phase *phase = p->phases.items[s->phase - 1];
	size_t first = phase->first_step - 1;
	*step = (struct lw_step){
		.item = r->items[s->item],
		.number = (unsigned)at + 1,
		.index = (unsigned)(at - first) + 1,
		.phase = phase,
		/* every phase starts with its nodes in service; then each step leaves them for the next */
		.from_state = at == first ? p->initial_state : r->items[r->schedule[at - 1].item]->to_state,
		.restore = s->restore ? ptrmap_get(&r->restores, s->restore) : NULL,
		.start = s->start,
	};
}

void lw_steps_begin(struct lw_steps *walk, const struct lw_plan *plan)
{
	*walk = (struct lw_steps){.plan = plan, .next = 0, .end = plan->step_count};
}

void lw_steps_begin_phase(struct lw_steps *walk, const struct lw_plan *plan, const struct lw_phase *phase)
{
	*walk = (struct lw_steps){.plan = plan, .next = phase->first_step - 1,
				  .end = phase->first_step - 1 + phase->step_count};
	if (!phase->step_count)
		walk->next = walk->end = 0;
}

const struct lw_step *lw_steps_next(struct lw_steps *walk)
{
	if (walk->next >= walk->end)
		return NULL;
	size_t at = walk->next++;
	lay_out(walk->plan, at, &walk->step);
	if (at > 0) { /* the schedule is one chain: a step waits for the one before it */
		lay_out(walk->plan, at - 1, &walk->after);
		walk->step.after = &walk->after;
	}
	return &walk->step;
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
	if (lp->witness_check)
		add_marks(lo, &lp->witness_check->marks);
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
	for (size_t i = 0; i < lp->items.len; i++) {
		const struct lw_item *item = lp->items.items[i];
		add_marks(lo, &item->marks);
		if (item->fixlet)
			add_marks(lo, &item->fixlet->marks);
		for (size_t k = 0; item->baseline && k < item->baseline->components.len; k++)
			add_marks(lo, &((const struct lw_component *)item->baseline->components.items[k])->fixlet->marks);
	}
}

/*
 * BFP309 proves that a restart follows whatever can leave Pending Restart
 * inside each Baseline; that the restart then runs before the step ends is
 * how the step runs its Baseline, which the step declaration marks on its
 * `baseline` line when it is not confirmed.  The proof carries that mark.
 */
static void mark_restart_proof(struct lowering *lo)
{
	for (size_t i = 0; i < lo->plan->items.len; i++) {
		const struct lw_item *item = lo->plan->items.items[i];
		for (size_t k = 0; item->kind == LW_STEP_BASELINE && k < item->marks.len; k++) {
			const struct lw_mark *m = item->marks.items[k];
			bool known = false;
			for (size_t j = 0; j < lo->restart_proof->marks.len && !known; j++)
				known = lo->restart_proof->marks.items[j] == m;
			if (!known && m->field && strcmp(m->field, "baseline") == 0)
				cptrvec_push(lo->arena, &lo->restart_proof->marks, m);
		}
	}
}

static struct lw_plan *lower_plan(struct lowering *lo, const struct plan_facts *facts)
{
	const struct plan_ent *plan = facts->plan;
	const struct cluster_ent *cl = plan->cluster;
	struct arena *arena = lo->arena;
	struct lw_plan *lp = arena_alloc(arena, sizeof *lp);
	lo->facts = facts;
	lo->schedule = check_schedule(arena, facts);
	lo->plan = lp;
	ptrmap_init(&lo->plan_copies, arena);

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
		role->detect = lower_fixlet(lo, cl->role->detect);
		lp->role = role;
	}
	lp->order = plan->order;
	lp->max_down = plan->max_down;
	lp->quorum = facts->quorum;
	lp->window = plan->window;
	lp->worst_case = facts->worst_case;
	lp->automation = (struct lw_automation){restarts_as_step(plan) ? LW_PENDING_RESTART_CONTINUE
									: LW_PENDING_RESTART_PAUSE,
						LW_FAILURE_TARGETS_ALL, LW_NON_REPORTING_KEEP};
	lp->bes_file = arena_concat(arena, plan->name, ".bes", NULL);
	lp->checklist_md = arena_concat(arena, plan->name, ".checklist.md", NULL);
	lp->checklist_html = arena_concat(arena, plan->name, ".checklist.html", NULL);
	lp->review_md = arena_concat(arena, plan->name, ".review.md", NULL);
	lp->review_html = arena_concat(arena, plan->name, ".review.html", NULL);
	lp->owner = plan->owner;
	lp->owner_contact = plan->owner_contact;
	lp->decl = plan->decl;
	lp->unchecked = !facts->ok;

	lower_prereqs(lo);
	lower_checks_proven(lo);
	lower_role_checks(lo, (unsigned)lp->prereqs.len + 1);
	lower_quorum_checks(lo, (unsigned)lp->prereqs.len + (lp->role_check ? 2 : 1));
	lower_states(lo);
	lower_nodes_and_phases(lo);
	mark_restart_proof(lo);
	/* steps that only run their sites' Fixlets need no content: an empty <BES> would import nothing */
	if (!lp->prereqs.len && !lp->baselines.len && !lp->witness_check)
		lp->bes_file = NULL;
	lp->os_marks = cl->os->marks;
	collect_unconfirmed(lo);
	return lp;
}

/*
 * Whether a plan check rejected can still be laid out: an order and its
 * phases, a schedule, the OS, and for every step of `each node` a state
 * it leaves the node in and the Fixlet or Baseline it runs.
 */
static bool lowerable(const struct plan_facts *facts)
{
	const struct plan_ent *plan = facts->plan;
	if (!plan->cluster || !plan->cluster->os || !facts->order || !facts->phase ||
	    plan->sequence_incomplete || plan->sequence.len == 0)
		return false;
	for (size_t i = 0; i < plan->sequence.len; i++) {
		const struct seq_item *item = plan->sequence.items[i];
		if (!item->step->to || (item->step->takes_baseline ? !item->baseline : !facts->variant[i]))
			return false;
		if (item->baseline && item->baseline->incomplete)
			return false;
	}
	return true;
}

/* The plans lower_next() hands out: those free of errors (or, unchecked, that can be laid out), or the one --plan names. */
static bool wanted(const struct lowering *lo, const struct plan_facts *facts)
{
	const char *only = lo->opts ? lo->opts->only_plan : NULL;
	bool take = facts->ok || (lo->opts && lo->opts->unchecked && lowerable(facts));
	return take && (!only || strcmp(facts->plan->name, only) == 0);
}

struct lowering *lower_start(struct arena *arena, const struct world *world, const struct checked_program *checked,
			     const struct lower_options *opts, struct lw_program *out)
{
	memset(out, 0, sizeof *out);
	out->files = world->files;
	out->sources = opts && opts->sources ? *opts->sources : world->files;
	struct lowering *lo = arena_alloc(arena, sizeof *lo);
	*lo = (struct lowering){.program_arena = arena, .world = world, .checked = checked, .opts = opts,
				.program = out};
	ptrmap_init(&lo->copies, arena);
	for (size_t i = 0; i < checked->plans.len; i++)
		lo->count += wanted(lo, checked->plans.items[i]);
	return lo;
}

struct lowering *lower_replay(struct arena *arena, const struct lw_program *program)
{
	struct lowering *lo = arena_alloc(arena, sizeof *lo);
	/* handed out as they are, never written through */
	*lo = (struct lowering){.program_arena = arena, .program = (struct lw_program *)(uintptr_t)program,
				.count = program->plans.len};
	return lo;
}

const struct lw_program *lower_program_of(const struct lowering *lo)
{
	return lo->program;
}

size_t lower_count(const struct lowering *lo)
{
	return lo->count;
}

const struct lw_plan *lower_next(struct lowering *lo, struct arena *plan_arena)
{
	if (!lo->world)
		return lo->next < lo->program->plans.len ? lo->program->plans.items[lo->next++] : NULL;
	while (lo->next < lo->checked->plans.len) {
		const struct plan_facts *facts = lo->checked->plans.items[lo->next++];
		if (!wanted(lo, facts))
			continue;
		lo->arena = plan_arena;
		return lower_plan(lo, facts);
	}
	return NULL;
}

void lower_program(struct arena *arena, const struct world *world, const struct checked_program *checked,
		   const struct lower_options *opts, struct lw_program *out)
{
	struct lowering *lo = lower_start(arena, world, checked, opts, out);
	for (const struct lw_plan *p; (p = lower_next(lo, arena));)
		ptrvec_push(arena, &out->plans, (void *)(uintptr_t)p);
}
