/*
 * run.c - the journal replayed into the engine (see run.h).
 *
 * Every entry is tried on a copy of the engine's state, with the time that
 * passed before it, and taken only if the engine accepts all of it: a
 * refused command changes nothing, neither here nor in the journal.
 */
#include "runtime/run.h"

#include <string.h>

/* What a step name of the journal names. */
enum step_kind { STEP_RECIPE, STEP_FAILURE, STEP_PREFLIGHT };

struct step_ref {
	enum step_kind kind;
	uint32_t number;
};

static struct step_ref step_ref(const char *name)
{
	struct step_ref ref = {STEP_RECIPE, 0};
	if (*name == 'P' || *name == 'F')
		ref.kind = *name++ == 'P' ? STEP_PREFLIGHT : STEP_FAILURE;
	unsigned long n = 0;
	for (; *name >= '0' && *name <= '9' && n <= UINT32_MAX; name++)
		n = n * 10 + (unsigned long)(*name - '0');
	ref.number = n <= UINT32_MAX ? (uint32_t)n : UINT32_MAX;
	return ref;
}

const char *run_step_words(struct arena *arena, const char *step)
{
	struct step_ref ref = step_ref(step);
	switch (ref.kind) {
	case STEP_RECIPE:
		return arena_printf(arena, "step %u", ref.number);
	case STEP_FAILURE:
		return arena_printf(arena, "the failure step of step %u", ref.number);
	case STEP_PREFLIGHT:
		return arena_printf(arena, "pre-flight check P%u", ref.number);
	}
	return step;
}

bool run_init(struct run *r, struct arena *arena, const struct lw_plan *plan, const char **why)
{
	*r = (struct run){.arena = arena, .plan = plan};
	r->model = eng_model_new(arena, plan, why);
	if (!r->model)
		return false;
	r->state = eng_state_new(arena, r->model);
	r->trial = eng_state_new(arena, r->model);
	r->mid = eng_state_new(arena, r->model);
	for (size_t i = 0; i < plan->checks.len; i++) {
		const struct lw_check *c = plan->checks.items[i];
		if (c->when == LW_PREFLIGHT && c->number > r->check_count)
			r->check_count = c->number;
	}
	r->checks = arena_calloc(arena, r->check_count + 1, sizeof *r->checks);
	for (size_t i = 0; i < plan->checks.len; i++) {
		const struct lw_check *c = plan->checks.items[i];
		if (c->when == LW_PREFLIGHT && c->number)
			r->checks[c->number - 1] = (struct run_check){.check = c, .is_role = c == plan->role_check};
	}
	uint32_t steps = eng_step_count(r->model);
	r->steps = arena_calloc(arena, steps + 1, sizeof *r->steps);
	r->failure_steps = arena_calloc(arena, steps + 1, sizeof *r->failure_steps);
	for (uint32_t i = 0; i < steps; i++) {
		r->steps[i].timed_out = r->failure_steps[i].timed_out = -1;
		r->steps[i].ended = r->failure_steps[i].ended = -1;
	}
	return true;
}

int64_t run_engine_time(const struct run *r, int64_t t)
{
	return r->started && t > r->origin ? t - r->origin : 0;
}

/* The step running in `s` and whether it is a failure step; 0 when none runs. */
static uint32_t running_step(const struct eng_state *s, bool *failure_step)
{
	*failure_step = s->in_failure_step;
	if (s->stage == ENG_RUNNING || (s->stage == ENG_RECOVERING && s->in_failure_step))
		return s->step;
	return 0;
}

static struct run_step_log *step_log(struct run *r, uint32_t step, bool failure_step)
{
	if (step == 0 || step > eng_step_count(r->model))
		return NULL;
	return failure_step ? &r->failure_steps[step - 1] : &r->steps[step - 1];
}

/*
 * Time passes in the trial state up to wall time `t`.  A step whose
 * timeout runs out meanwhile ends; its log says when, once the trial is
 * taken (*timed_out, the step).
 */
static void pass_time(struct run *r, struct eng_state *s, int64_t t, uint32_t *timed_out, bool *timed_out_failure)
{
	*timed_out = 0;
	if (!r->started || t <= r->last || eng_over(s))
		return; /* an ended run's clock stops where it ended */
	bool failure_step;
	uint32_t step = running_step(s, &failure_step);
	eng_apply(s, &(struct eng_event){.kind = ENG_EV_TIME, .seconds = t - r->last});
	bool still_failure;
	if (step && (running_step(s, &still_failure) != step || still_failure != failure_step)) {
		*timed_out = step;
		*timed_out_failure = failure_step;
	}
}

/* Notes in the log of the step that timed out (started at engine time `started`) when its timeout ran out. */
static void log_timeout(struct run *r, uint32_t step, bool failure_step, int64_t started)
{
	struct run_step_log *log = step ? step_log(r, step, failure_step) : NULL;
	const struct eng_step *st = step ? eng_step_at(r->model, step) : NULL;
	if (!log || !st)
		return;
	int64_t timeout = failure_step ? (st->restore ? st->restore->timeout : 0) : st->timeout;
	log->timed_out = log->ended = started + timeout;
	log->failed = true;
}

static bool refuse(struct run_refusal *why, enum eng_refusal engine, const char *message)
{
	why->engine = engine;
	why->message = message;
	return false;
}

/* The names of the cluster's nodes, for a message: "EXNODE1, EXNODE2". */
static const char *node_list(struct run *r)
{
	const char *list = "";
	for (uint32_t i = 0; i < eng_node_count(r->model); i++)
		list = arena_printf(r->arena, "%s%s%s", list, i ? ", " : "", eng_node_name(r->model, i));
	return list;
}

static bool find_node(struct run *r, const char *name, uint32_t *node, struct run_refusal *why)
{
	*node = eng_node_find(r->model, name);
	if (*node != ENG_NONE)
		return true;
	return refuse(why, ENG_REFUSE_UNKNOWN_NODE,
		      arena_printf(r->arena, "'%s' is not a node of cluster %s; its nodes are %s", name, r->plan->cluster,
				   node_list(r)));
}

/* done Pn, fail Pn: the run's own bookkeeping, and the engine's pre-flight event when the role check fails. */
static bool take_preflight(struct run *r, const struct journal_entry *e, uint32_t number, struct run_refusal *why)
{
	if (number == 0 || number > r->check_count || !r->checks[number - 1].check)
		return refuse(why, ENG_REFUSE_UNKNOWN_STEP,
			      r->check_count ? arena_printf(r->arena, "the plan has no pre-flight check P%u: its checks are "
							    "P1 to P%zu", number, r->check_count)
					     : arena_printf(r->arena, "the plan has no pre-flight check P%u: it has none",
							    number));
	struct run_check *c = &r->checks[number - 1];
	if (c->passed)
		return refuse(why, ENG_REFUSE_ALREADY, arena_printf(r->arena, "P%u passed already (entry %llu)", number,
								     (unsigned long long)c->passed->seq));
	if (r->state->stage != ENG_PREFLIGHT)
		return refuse(why, ENG_REFUSE_OVER, arena_printf(r->arena, "the pre-flight checks are over: the run is %s",
								   eng_stage_word(r->state->stage)));
	if (e->type == JOURNAL_START)
		return refuse(why, ENG_REFUSE_OUT_OF_ORDER,
			      arena_printf(r->arena, "a pre-flight check is not started: record 'done P%u' when it "
					   "passes, or 'fail P%u --target NODE --reason TEXT'", number, number));
	if (e->type == JOURNAL_DONE) {
		if (e->target)
			return refuse(why, ENG_REFUSE_NOT_TARGET,
				      arena_printf(r->arena, "a pre-flight check passes on every node at once: record "
						   "'done P%u' without --target", number));
		c->passed = e;
		return true;
	}
	uint32_t node;
	if (!find_node(r, e->target, &node, why))
		return false;
	if (c->is_role) {
		const char *holder = r->plan->role_holder ? r->plan->role_holder->name : "?";
		if (r->plan->role_holder && node == eng_node_find(r->model, holder))
			return refuse(why, ENG_REFUSE_NOT_TARGET,
				      arena_printf(r->arena, "P%u fails only where the role runs on another node than %s, "
						   "where the plan expects it: if it runs on %s, record 'done P%u'",
						   number, holder, holder, number));
		eng_state_copy(r->trial, r->state);
		enum eng_refusal said = eng_apply(r->trial, &(struct eng_event){.kind = ENG_EV_PREFLIGHT, .node = node});
		if (said != ENG_OK)
			return refuse(why, said, arena_printf(r->arena, "P%u cannot fail now: %s", number,
								 eng_refusal_text(said)));
		struct eng_state *t = r->state;
		r->state = r->trial;
		r->trial = t;
		r->started = true;
		r->origin = r->last = e->at;
	}
	c->failed = e;
	cptrvec_push(r->arena, &r->deviations, e);
	return true;
}

/* The first pre-flight check not passed, or NULL. */
static const struct run_check *check_due(const struct run *r)
{
	for (size_t i = 0; i < r->check_count; i++)
		if (r->checks[i].check && !r->checks[i].passed)
			return &r->checks[i];
	return NULL;
}

/*
 * A witness offline or a node lost before step 1: the pre-flight check
 * that says the same records it (fail Pn), so that the run starts once
 * the check passes again; where nothing checks it, it is a look by hand.
 */
static bool fault_before_start(struct run *r, const struct journal_entry *e, struct run_refusal *why)
{
	bool witness = e->type == JOURNAL_WITNESS_OFFLINE;
	const struct lw_check *c = witness ? r->plan->witness_check : r->plan->report_check;
	const char *what = witness ? "the witness offline" : "a node lost";
	if (!c)
		return refuse(why, ENG_REFUSE_WRONG_STAGE,
			      arena_printf(r->arena, "before step 1, %s is a look by hand of the checklist's pre-flight "
					   "section: do not start until it is online", what));
	return refuse(why, ENG_REFUSE_WRONG_STAGE,
		      arena_printf(r->arena, "before step 1, %s is pre-flight check P%u (%s): record 'fail P%u --target "
				   "NODE --reason TEXT'; the run starts once it passes", what, c->number,
				   c->description.text, c->number));
}

/* The engine events of a start, done, fail, fault or abort entry, into `ev`; how many, or 0 after refusing. */
static size_t engine_events(struct run *r, const struct eng_state *s, const struct journal_entry *e,
			    struct eng_event *ev, size_t cap, struct run_refusal *why)
{
	struct step_ref ref = step_ref(e->step ? e->step : "0");
	bool failure = ref.kind == STEP_FAILURE;
	const char *what = e->step ? run_step_words(r->arena, e->step) : "the run";
	uint32_t node = ENG_NONE;
	if (e->target && !find_node(r, e->target, &node, why))
		return 0;
	size_t n = 0;
	switch (e->type) {
	case JOURNAL_START:
		if (s->stage == ENG_PREFLIGHT) {
			const struct run_check *c = check_due(r);
			if (c) {
				refuse(why, ENG_REFUSE_OUT_OF_ORDER,
				       arena_printf(r->arena, "%s cannot start now: it waits for the pre-flight checks, and "
						    "P%u has not passed", what, c->check->number));
				return 0;
			}
			ev[n++] = (struct eng_event){.kind = ENG_EV_PREFLIGHT, .node = ENG_NONE};
		}
		ev[n++] = (struct eng_event){.kind = ENG_EV_START, .step = ref.number, .failure_step = failure};
		return n;
	case JOURNAL_DONE:
		if (node != ENG_NONE) {
			ev[n++] = (struct eng_event){.kind = ENG_EV_SUCCEEDED, .step = ref.number, .failure_step = failure,
						     .node = node};
			return n;
		}
		/* every target that has not reported yet, in node order */
		for (uint32_t i = 0; i < eng_node_count(r->model) && n < cap; i++) {
			enum eng_result res = s->nodes[i].result;
			bool running = s->step == ref.number && s->in_failure_step == failure &&
				       (s->stage == ENG_RUNNING || s->stage == ENG_RECOVERING);
			if (running && (res == ENG_WAITING || res == ENG_PENDING || res == ENG_QUIET))
				ev[n++] = (struct eng_event){.kind = ENG_EV_SUCCEEDED, .step = ref.number,
							     .failure_step = failure, .node = i};
		}
		if (n == 0) /* the engine says why none can succeed */
			ev[n++] = (struct eng_event){.kind = ENG_EV_SUCCEEDED, .step = ref.number, .failure_step = failure,
						     .node = 0};
		return n;
	case JOURNAL_FAIL:
		ev[n++] = (struct eng_event){.kind = ENG_EV_FAILED, .step = ref.number, .failure_step = failure,
					     .node = node};
		return n;
	case JOURNAL_PENDING:
		ev[n++] = (struct eng_event){.kind = ENG_EV_PENDING_RESTART, .step = ref.number, .failure_step = failure,
					     .node = node};
		return n;
	case JOURNAL_WITNESS_OFFLINE:
		ev[n++] = (struct eng_event){.kind = ENG_EV_WITNESS_OFFLINE};
		return n;
	case JOURNAL_NODE_LOST:
		ev[n++] = (struct eng_event){.kind = ENG_EV_NODE_LOST, .node = node};
		return n;
	case JOURNAL_ABORT:
		ev[n++] = (struct eng_event){.kind = ENG_EV_ABORT};
		return n;
	case JOURNAL_NOTE:
	case JOURNAL_ACCEPT_PLAN:
	case JOURNAL_SET_ASIDE:
	case JOURNAL_INTENT:
	case JOURNAL_ISSUED:
	case JOURNAL_TYPE_COUNT:
		break;
	}
	return 0;
}

/* The words of a refused engine event. */
static const char *refusal_words(struct run *r, const struct journal_entry *e, enum eng_refusal said)
{
	const char *what = e->step ? run_step_words(r->arena, e->step) : "the run";
	const char *on = e->target ? arena_printf(r->arena, " on %s", e->target) : "";
	switch (e->type) {
	case JOURNAL_START:
		return arena_printf(r->arena, "%s cannot start now: %s", what, eng_refusal_text(said));
	case JOURNAL_DONE:
		return arena_printf(r->arena, "%s cannot be done%s now: %s", what, on, eng_refusal_text(said));
	case JOURNAL_FAIL:
		return arena_printf(r->arena, "%s cannot fail%s now: %s", what, on, eng_refusal_text(said));
	case JOURNAL_PENDING:
		return arena_printf(r->arena, "%s cannot be in Pending Restart%s now: %s", what, on,
				    eng_refusal_text(said));
	case JOURNAL_WITNESS_OFFLINE:
		if (said == ENG_REFUSE_ALREADY)
			return "the witness is recorded offline already";
		return arena_printf(r->arena, "the witness cannot be recorded offline now: %s", eng_refusal_text(said));
	case JOURNAL_NODE_LOST:
		return arena_printf(r->arena, "%s cannot be recorded lost now: %s", e->target, eng_refusal_text(said));
	case JOURNAL_ABORT:
		return arena_printf(r->arena, "the run cannot be aborted: %s", eng_refusal_text(said));
	case JOURNAL_NOTE:
	case JOURNAL_ACCEPT_PLAN:
	case JOURNAL_SET_ASIDE:
	case JOURNAL_INTENT:
	case JOURNAL_ISSUED:
	case JOURNAL_TYPE_COUNT:
		break;
	}
	return eng_refusal_text(said);
}

/* Writes down what a taken entry did to the logs of its step. */
static void log_entry(struct run *r, const struct journal_entry *e)
{
	struct step_ref ref = step_ref(e->step ? e->step : "0");
	struct run_step_log *log = ref.kind == STEP_PREFLIGHT ? NULL : step_log(r, ref.number, ref.kind == STEP_FAILURE);
	switch (e->type) {
	case JOURNAL_START:
		if (log)
			log->started = e;
		break;
	case JOURNAL_DONE:
		if (log)
			cptrvec_push(r->arena, &log->results, e);
		break;
	case JOURNAL_FAIL:
		if (log) {
			cptrvec_push(r->arena, &log->results, e);
			log->failed = true;
		}
		cptrvec_push(r->arena, &r->deviations, e);
		break;
	case JOURNAL_PENDING:
		/* not a result: the target still waits, and a restart in the step, or its timeout, ends it */
		cptrvec_push(r->arena, &r->deviations, e);
		break;
	case JOURNAL_WITNESS_OFFLINE:
	case JOURNAL_NODE_LOST:
		if (!r->fault)
			r->fault = e;
		cptrvec_push(r->arena, &r->deviations, e);
		break;
	case JOURNAL_ABORT:
		r->aborted = e;
		cptrvec_push(r->arena, &r->deviations, e);
		break;
	case JOURNAL_NOTE:
	case JOURNAL_ACCEPT_PLAN:
	case JOURNAL_SET_ASIDE:
	case JOURNAL_INTENT:
	case JOURNAL_ISSUED:
	case JOURNAL_TYPE_COUNT:
		break;
	}
}

/* The logs' end times, from the state before and after an entry. */
static void log_ends(struct run *r, const struct eng_state *before, const struct eng_state *after)
{
	bool fb, fa;
	uint32_t was = running_step(before, &fb), is = running_step(after, &fa);
	struct run_step_log *log = step_log(r, was, fb);
	if (log && (is != was || fa != fb))
		log->ended = after->clock;
}

/* Takes an entry that lives as long as the run: the run keeps pointers to it (run.h). */
static bool take(struct run *r, const struct journal_entry *e, struct run_refusal *why)
{
	*why = (struct run_refusal){ENG_OK, NULL};
	switch (e->type) {
	case JOURNAL_NOTE:
		cptrvec_push(r->arena, &r->notes, e);
		return true;
	case JOURNAL_ACCEPT_PLAN:
	case JOURNAL_SET_ASIDE:
		cptrvec_push(r->arena, &r->deviations, e);
		return true;
	case JOURNAL_INTENT:
	case JOURNAL_ISSUED:
		return true;
	case JOURNAL_START:
	case JOURNAL_DONE:
	case JOURNAL_FAIL:
	case JOURNAL_PENDING:
	case JOURNAL_WITNESS_OFFLINE:
	case JOURNAL_NODE_LOST:
	case JOURNAL_ABORT:
	case JOURNAL_TYPE_COUNT:
		break;
	}
	if (e->step && step_ref(e->step).kind == STEP_PREFLIGHT)
		return take_preflight(r, e, step_ref(e->step).number, why);
	eng_state_copy(r->trial, r->state);
	uint32_t timed_out;
	bool timed_out_failure = false;
	int64_t started = r->trial->step_started;
	pass_time(r, r->trial, e->at, &timed_out, &timed_out_failure);
	enum { MAX_EVENTS = 64 };
	struct eng_event ev[MAX_EVENTS];
	size_t n = engine_events(r, r->trial, e, ev, MAX_EVENTS, why);
	if (n == 0)
		return false;
	eng_state_copy(r->mid, r->trial);
	for (size_t i = 0; i < n; i++) {
		enum eng_refusal said = eng_apply(r->trial, &ev[i]);
		if (said != ENG_OK)
			return refuse(why, said, refusal_words(r, e, said));
	}
	if (r->state->stage == ENG_PREFLIGHT && (e->type == JOURNAL_WITNESS_OFFLINE || e->type == JOURNAL_NODE_LOST))
		return fault_before_start(r, e, why);
	/* taken: the trial becomes the run */
	log_timeout(r, timed_out, timed_out_failure, started);
	log_ends(r, r->mid, r->trial);
	struct eng_state *t = r->state;
	r->state = r->trial;
	r->trial = t;
	if (!r->started && ev[0].kind == ENG_EV_PREFLIGHT) {
		r->started = true;
		r->origin = e->at;
	}
	if (r->started && e->at > r->last)
		r->last = e->at;
	log_entry(r, e);
	return true;
}

/* A caller's entry may live on its stack (a driver's does): the run takes a copy in its own arena. */
bool run_take(struct run *r, const struct journal_entry *e, struct run_refusal *why)
{
	struct journal_entry *kept = arena_alloc(r->arena, sizeof *kept);
	*kept = *e;
	return take(r, kept, why);
}

/* The journal's entries live as long as the run: taken as they are. */
bool run_replay(struct run *r, const struct journal *j, const struct journal_entry **bad, struct run_refusal *why)
{
	for (size_t i = 0; i < j->count; i++) {
		if (!take(r, &j->entries[i], why)) {
			*bad = &j->entries[i];
			return false;
		}
	}
	return true;
}

void run_advance(struct run *r, int64_t now)
{
	uint32_t timed_out;
	bool timed_out_failure = false;
	eng_state_copy(r->trial, r->state);
	pass_time(r, r->trial, now, &timed_out, &timed_out_failure);
	log_timeout(r, timed_out, timed_out_failure, r->state->step_started);
	struct eng_state *t = r->state;
	r->state = r->trial;
	r->trial = t;
	if (r->started && now > r->last)
		r->last = now;
}

int64_t run_worst_remaining(const struct run *r)
{
	return eng_worst_remaining(r->state);
}

/* The commands that report the results of the running step (or failure step) `name`. */
static void result_commands(const struct run *r, const char *prefix, const char *name, struct textbuf *out)
{
	const struct eng_state *s = r->state;
	size_t waiting = 0;
	for (uint32_t i = 0; i < eng_node_count(r->model); i++) {
		enum eng_result res = s->nodes[i].result;
		waiting += res == ENG_WAITING || res == ENG_PENDING || res == ENG_QUIET;
	}
	if (waiting > 1)
		textbuf_printf(out, "%s done %s\n", prefix, name);
	for (uint32_t i = 0; i < eng_node_count(r->model); i++) {
		enum eng_result res = s->nodes[i].result;
		if (res == ENG_WAITING || res == ENG_PENDING || res == ENG_QUIET)
			textbuf_printf(out, "%s done %s --target %s\n", prefix, name, eng_node_name(r->model, i));
	}
	for (uint32_t i = 0; i < eng_node_count(r->model); i++) {
		enum eng_result res = s->nodes[i].result;
		if (res == ENG_WAITING || res == ENG_PENDING || res == ENG_QUIET)
			textbuf_printf(out, "%s fail %s --target %s --reason TEXT\n", prefix, name,
				       eng_node_name(r->model, i));
	}
	/* a step whose content can restart its nodes: a node may report Pending Restart first */
	const struct eng_step *st = eng_step_at(r->model, s->step);
	if (s->in_failure_step || !st || !(st->clears_restart || st->may_leave_pending || st->pending_succeeds))
		return;
	for (uint32_t i = 0; i < eng_node_count(r->model); i++)
		if (s->nodes[i].result == ENG_WAITING)
			textbuf_printf(out, "%s pending-restart %s --target %s\n", prefix, name, eng_node_name(r->model, i));
}

void run_allowed_commands(const struct run *r, const char *prefix, struct textbuf *out)
{
	const struct eng_state *s = r->state;
	switch (s->stage) {
	case ENG_PREFLIGHT: {
		const struct run_check *due = check_due(r);
		for (size_t i = 0; i < r->check_count; i++)
			if (r->checks[i].check && !r->checks[i].passed)
				textbuf_printf(out, "%s done P%zu\n", prefix, i + 1);
		if (due)
			textbuf_printf(out, "%s fail P%u --target NODE --reason TEXT\n", prefix, due->check->number);
		else
			textbuf_printf(out, "%s start 1\n", prefix);
		break;
	}
	case ENG_BETWEEN:
		textbuf_printf(out, "%s start %u\n", prefix, s->step + 1);
		break;
	case ENG_RUNNING:
		result_commands(r, prefix, arena_printf(r->arena, "%u", s->step), out);
		break;
	case ENG_RECOVERING:
		if (!s->in_failure_step)
			textbuf_printf(out, "%s start F%u\n", prefix, s->step);
		else
			result_commands(r, prefix, arena_printf(r->arena, "F%u", s->step), out);
		break;
	case ENG_DONE:
	case ENG_STOPPED:
	case ENG_HELD:
	case ENG_NOT_STARTED:
	case ENG_ABORTED:
	case ENG_STAGE_KINDS:
		textbuf_printf(out, "%s note TEXT\n", prefix);
		return;
	}
	/* what the quorum proof rests on can fail at any time of the window; before step 1, a check records it */
	if (s->stage != ENG_PREFLIGHT) {
		if (eng_has_witness(r->model) && !s->witness_offline)
			textbuf_printf(out, "%s witness-offline [TEXT]\n", prefix);
		textbuf_printf(out, "%s node-lost --target NODE\n", prefix);
	}
	textbuf_printf(out, "%s note TEXT\n", prefix);
	textbuf_printf(out, "%s abort --reason TEXT\n", prefix);
}
