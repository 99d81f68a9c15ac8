/*
 * engine.c - the execution model of a lowered plan (see engine.h).
 *
 * The model is built once from the lowered plan: the steps laid out in a
 * table, each with its targets' phase, its failure step and the node
 * states as bit sets.  A run's state is one flat block; every event is a
 * small function that checks the event is allowed now, then moves the
 * state on and records which invariant the plan's own steps broke.
 */
#include "runtime/engine.h"

#include <string.h>
#include <strings.h>

/* At most 32 node states, so that a step's accepted states fit in one word. */
enum { ENG_MAX_STATES = 32 };

struct eng_model {
	const struct lw_plan *plan;
	uint32_t node_count, step_count;
	struct eng_step *steps;          /* step_count of them; steps[k - 1] is step k */
	const struct lw_node **nodes;    /* in patch order */
	uint32_t *phase_first;           /* per phase (from 1): index of its first node */
	struct eng_node_state_def states[ENG_MAX_STATES];
	size_t state_count;
	uint8_t initial;
	uint32_t role_holder;            /* the node the plan expects the role on, or ENG_NONE */
	bool has_witness;
	bool role_checked;               /* a pre-flight check finds where the role runs */
};

/* ---- words ------------------------------------------------------------------------------ */

static const char *const event_words[] = {
#define X(id, word) [id] = word,
	ENG_EVENTS(X)
#undef X
};
static const char *const refusal_texts[] = {
#define X(id, text) [id] = text,
	ENG_REFUSALS(X)
#undef X
};
static const char *const stage_words[] = {
#define X(id, word) [id] = word,
	ENG_STAGES(X)
#undef X
};
static const char *const result_words[] = {
#define X(id, word) [id] = word,
	ENG_RESULTS(X)
#undef X
};
static const char *const invariant_words[] = {
#define X(id, word, text) [id] = word,
	ENG_INVARIANTS(X)
#undef X
};
static const char *const invariant_texts[] = {
#define X(id, word, text) [id] = text,
	ENG_INVARIANTS(X)
#undef X
};
static const char *const duty_words[] = {
#define X(id, word) [id] = word,
	ENG_DUTIES(X)
#undef X
};

const char *eng_event_word(enum eng_event_kind k) { return k < ENG_EVENT_KINDS ? event_words[k] : "?"; }
bool eng_event_kind_of(const char *word, enum eng_event_kind *out)
{
	for (int k = 0; word && k < ENG_EVENT_KINDS; k++)
		if (strcmp(event_words[k], word) == 0) {
			*out = (enum eng_event_kind)k;
			return true;
		}
	return false;
}

const char *eng_refusal_text(enum eng_refusal r) { return r < ENG_REFUSAL_KINDS ? refusal_texts[r] : "?"; }
const char *eng_stage_word(enum eng_stage st) { return st < ENG_STAGE_KINDS ? stage_words[st] : "?"; }
const char *eng_result_word(enum eng_result r) { return r < ENG_RESULT_KINDS ? result_words[r] : "?"; }
const char *eng_invariant_word(enum eng_invariant inv) { return inv < ENG_INVARIANT_KINDS ? invariant_words[inv] : "?"; }
const char *eng_invariant_text(enum eng_invariant inv) { return inv < ENG_INVARIANT_KINDS ? invariant_texts[inv] : "?"; }
const char *eng_duty_word(enum eng_duty_kind k) { return k < ENG_DUTY_KINDS ? duty_words[k] : "?"; }

/* ---- the model -------------------------------------------------------------------------- */

static int state_index(const struct eng_model *m, const struct lw_state *st)
{
	for (size_t i = 0; st && i < m->state_count; i++)
		if (strcmp(m->states[i].name, st->name) == 0)
			return (int)i;
	return -1;
}

static uint32_t state_set(const struct eng_model *m, const struct cptrvec *states)
{
	uint32_t set = 0;
	for (size_t i = 0; i < states->len; i++) {
		int k = state_index(m, states->items[i]);
		if (k >= 0)
			set |= 1u << k;
	}
	return set;
}

/* Whether a step's content can leave Pending Restart with nothing after it to clear it, or ends with a restart. */
static void restart_facts(const struct lw_item *item, bool *clears, bool *may_leave)
{
	*clears = *may_leave = false;
	if (item->kind == LW_STEP_FIXLET) {
		enum lw_restart r = item->fixlet ? item->fixlet->restart : LW_RESTART_NEVER;
		*clears = r == LW_RESTART_CLEARS;
		*may_leave = r == LW_RESTART_MAY;
		return;
	}
	for (size_t k = 0; item->baseline && k < item->baseline->components.len; k++) {
		const struct lw_component *c = item->baseline->components.items[k];
		if (c->fixlet->restart == LW_RESTART_CLEARS) {
			*clears = true;
			*may_leave = false;
		} else if (c->fixlet->restart == LW_RESTART_MAY) {
			*may_leave = true;
			*clears = false; /* a restart before it does not help */
		}
	}
}

static bool load_states(struct eng_model *m, const struct lw_plan *plan, const char **why)
{
	if (plan->states.len == 0 || plan->states.len > ENG_MAX_STATES) {
		*why = plan->states.len ? "the node-state machine has more than 32 states"
					: "the plan carries no node-state machine";
		return false;
	}
	bool initial = false;
	for (size_t i = 0; i < plan->states.len; i++) {
		const struct lw_state *st = plan->states.items[i];
		m->states[i] = (struct eng_node_state_def){.name = st->name, .in_service = st->final, .waits = st->waits};
		if (st->initial && !initial) {
			m->initial = (uint8_t)i;
			initial = true;
		}
	}
	m->state_count = plan->states.len;
	if (!initial)
		*why = "the node-state machine has no initial state";
	return initial;
}

static bool load_step(struct eng_model *m, const struct lw_step *ls, struct eng_step *es)
{
	const struct lw_item *item = ls->item;
	int to = state_index(m, item->to);
	if (to < 0)
		return false;
	*es = (struct eng_step){
		.number = ls->number,
		.index = ls->index,
		.item = item,
		.phase = ls->phase,
		.restore = ls->restore,
		.timeout = item->timeout > 0 ? item->timeout : 0,
		.failure = item->failure,
		.role_only = item->role_only,
		.moves_role = item->moves_role,
		.takes_out = !m->states[to].in_service,
		.to_state = (uint8_t)to,
		.accepts = state_set(m, &item->accepts),
	};
	if (ls->restore) {
		int back = state_index(m, ls->restore->to);
		if (back < 0)
			return false;
		es->restore_to = (uint8_t)back;
		es->restore_accepts = state_set(m, &ls->restore->accepts);
	}
	restart_facts(item, &es->clears_restart, &es->may_leave_pending);
	es->pending_succeeds = m->plan->automation.pending_restart == LW_PENDING_RESTART_CONTINUE &&
			       !es->clears_restart;
	return true;
}

const struct eng_model *eng_model_new(struct arena *arena, const struct lw_plan *plan, const char **why)
{
	const char *unused;
	if (!why)
		why = &unused;
	*why = NULL;
	if (plan->step_count == 0 || plan->nodes.len == 0 || plan->nodes.len >= ENG_NONE) {
		*why = "the plan has no steps to run";
		return NULL;
	}
	struct eng_model *m = arena_alloc(arena, sizeof *m);
	m->plan = plan;
	if (!load_states(m, plan, why))
		return NULL;
	m->node_count = (uint32_t)plan->nodes.len;
	m->nodes = arena_calloc(arena, m->node_count, sizeof *m->nodes);
	m->phase_first = arena_calloc(arena, plan->phases.len + 2, sizeof *m->phase_first);
	m->role_holder = ENG_NONE;
	for (uint32_t i = m->node_count; i-- > 0;) {
		const struct lw_node *n = plan->nodes.items[i];
		m->nodes[i] = n;
		m->phase_first[n->phase->number] = i;
		if (n == plan->role_holder)
			m->role_holder = i;
	}
	m->has_witness = plan->quorum.model == LW_QUORUM_NODE_AND_WITNESS;
	m->role_checked = plan->role && plan->role_check;
	m->step_count = (uint32_t)plan->step_count;
	m->steps = arena_calloc(arena, m->step_count, sizeof *m->steps);
	struct lw_steps walk;
	lw_steps_begin(&walk, plan);
	uint32_t k = 0;
	for (const struct lw_step *ls; (ls = lw_steps_next(&walk)) && k < m->step_count; k++)
		if (!load_step(m, ls, &m->steps[k])) {
			*why = "a step leaves its nodes in a state the node-state machine does not declare";
			return NULL;
		}
	if (k != m->step_count) {
		*why = "the recipe has fewer steps than the plan counts";
		return NULL;
	}
	return m;
}

const struct lw_plan *eng_model_plan(const struct eng_model *m) { return m->plan; }
uint32_t eng_step_count(const struct eng_model *m) { return m->step_count; }
uint32_t eng_node_count(const struct eng_model *m) { return m->node_count; }
size_t eng_node_state_count(const struct eng_model *m) { return m->state_count; }

const struct eng_step *eng_step_at(const struct eng_model *m, uint32_t number)
{
	return number >= 1 && number <= m->step_count ? &m->steps[number - 1] : NULL;
}

const char *eng_node_name(const struct eng_model *m, uint32_t node)
{
	return node < m->node_count ? m->nodes[node]->name : "?";
}

uint32_t eng_node_find(const struct eng_model *m, const char *name)
{
	for (uint32_t i = 0; name && i < m->node_count; i++)
		if (strcasecmp(m->nodes[i]->name, name) == 0)
			return i;
	return ENG_NONE;
}

const struct eng_node_state_def *eng_node_state_def(const struct eng_model *m, size_t index)
{
	return index < m->state_count ? &m->states[index] : NULL;
}

unsigned eng_votes_needed(const struct eng_model *m) { return m->plan->quorum.votes_needed; }
bool eng_has_witness(const struct eng_model *m) { return m->has_witness; }
unsigned eng_votes_total(const struct eng_model *m) { return m->plan->quorum.votes; }

/* The nodes of a step's phase: [*first, *end). */
static void phase_span(const struct eng_model *m, const struct eng_step *st, uint32_t *first, uint32_t *end)
{
	*first = m->phase_first[st->phase->number];
	*end = *first + (uint32_t)st->phase->nodes.len;
}

static bool in_service(const struct eng_state *s, uint32_t node)
{
	return s->model->states[s->nodes[node].state].in_service;
}

/*
 * A step runs on every node of its phase (a role step on the node the
 * plan expects the role on, which is its phase's); its failure step on
 * those of them that are out of service and not lost.
 */
static bool is_target(const struct eng_model *m, const struct eng_state *s, const struct eng_step *st,
		      bool failure_step, uint32_t node)
{
	uint32_t first, end;
	phase_span(m, st, &first, &end);
	if (node < first || node >= end)
		return false;
	if (st->role_only && !failure_step && m->role_holder != ENG_NONE && node != m->role_holder)
		return false;
	if (failure_step)
		return s && !s->nodes[node].lost && !in_service(s, node);
	return true;
}

size_t eng_targets(const struct eng_model *m, const struct eng_state *s, uint32_t step, bool failure_step,
		   uint32_t *out)
{
	const struct eng_step *st = eng_step_at(m, step);
	size_t n = 0;
	if (!st)
		return 0;
	uint32_t first, end;
	phase_span(m, st, &first, &end);
	for (uint32_t i = first; i < end; i++)
		if (is_target(m, s, st, failure_step, i))
			out[n++] = i;
	return n;
}

/* ---- a run's state ---------------------------------------------------------------------- */

size_t eng_state_size(const struct eng_model *m)
{
	return sizeof(struct eng_state) + (size_t)m->node_count * sizeof(struct eng_node);
}

void eng_state_init(struct eng_state *s, const struct eng_model *m)
{
	memset(s, 0, eng_state_size(m));
	s->model = m;
	s->stage = ENG_PREFLIGHT;
	s->role_at = m->plan->role ? m->role_holder : ENG_NONE;
	s->culprit = ENG_NONE;
	for (uint32_t i = 0; i < m->node_count; i++)
		s->nodes[i] = (struct eng_node){.state = m->initial, .result = ENG_IDLE};
}

struct eng_state *eng_state_new(struct arena *arena, const struct eng_model *m)
{
	struct eng_state *s = arena_alloc(arena, eng_state_size(m));
	eng_state_init(s, m);
	return s;
}

void eng_state_copy(struct eng_state *dst, const struct eng_state *src)
{
	memcpy(dst, src, eng_state_size(src->model));
}

bool eng_state_equal(const struct eng_state *a, const struct eng_state *b)
{
	return a->model == b->model && memcmp(a, b, eng_state_size(a->model)) == 0;
}

/* FNV-1a over the state's bytes (a state is zeroed before it is filled in, so its padding is too). */
uint64_t eng_state_hash(const struct eng_state *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0, n = eng_state_size(s->model); i < n; i++)
		h = (h ^ p[i]) * 1099511628211u;
	return h;
}

unsigned eng_votes(const struct eng_state *s)
{
	const struct eng_model *m = s->model;
	unsigned up = 0;
	for (uint32_t i = 0; i < m->node_count; i++)
		up += !s->nodes[i].lost && in_service(s, i);
	switch (m->plan->quorum.model) {
	case LW_QUORUM_NODE_MAJORITY:
		return up;
	case LW_QUORUM_NODE_AND_WITNESS:
		return up + !s->witness_offline;
	case LW_QUORUM_DISK_ONLY:
		return up > 0;
	}
	return up;
}

bool eng_over(const struct eng_state *s)
{
	switch (s->stage) {
	case ENG_PREFLIGHT:
	case ENG_BETWEEN:
	case ENG_RUNNING:
	case ENG_RECOVERING:
		return false;
	case ENG_DONE:
	case ENG_STOPPED:
	case ENG_HELD:
	case ENG_NOT_STARTED:
	case ENG_ABORTED:
	case ENG_STAGE_KINDS:
		break;
	}
	return true;
}

/* ---- what the plan's steps break -------------------------------------------------------- */

static void broke(struct eng_state *s, enum eng_invariant inv, uint32_t node)
{
	s->broken_now |= ENG_INV_BIT(inv);
	s->broken |= ENG_INV_BIT(inv);
	s->culprit = node;
}

/* The node the role fails over or moves to: the first in patch order that is up and in service. */
static uint32_t role_refuge(const struct eng_state *s, uint32_t leaving)
{
	for (uint32_t i = 0; i < s->model->node_count; i++)
		if (i != leaving && !s->nodes[i].lost && in_service(s, i))
			return i;
	return ENG_NONE;
}

/*
 * The role leaves `node`: moved by a step (by_plan) or failed over after
 * a fault.  A move by a step with no node to take the role breaks
 * role-owner; a second move by the plan before anything failed breaks
 * role-moves-once.
 */
static void move_role_off(struct eng_state *s, uint32_t node, bool by_plan)
{
	if (s->role_at != node)
		return;
	s->role_at = role_refuge(s, node);
	s->role_moves++;
	if (!by_plan)
		return;
	if (s->role_at == ENG_NONE)
		broke(s, ENG_INV_ROLE_OWNER, node);
	if (s->role_moves > 1 && !s->failed_step && !s->faulted)
		broke(s, ENG_INV_ROLE_ONCE, node);
}

/* A target's step succeeded on it: the node takes the step's state. */
static void node_done(struct eng_state *s, const struct eng_step *st, uint32_t node)
{
	struct eng_node *n = &s->nodes[node];
	bool was_in = in_service(s, node);
	n->state = s->in_failure_step ? st->restore_to : st->to_state;
	n->pending = false;
	if (!s->in_failure_step && st->moves_role)
		move_role_off(s, node, true);
	if (was_in && !in_service(s, node)) {
		/* out of service: it no longer owns groups, and its vote is gone */
		move_role_off(s, node, true);
		if (eng_votes(s) < eng_votes_needed(s->model))
			broke(s, ENG_INV_QUORUM, node);
	}
}

/* ---- how a step ends -------------------------------------------------------------------- */

static const struct eng_step *current(const struct eng_state *s)
{
	return eng_step_at(s->model, s->step);
}

/* Whether a node of the step's phase is out of service (and not lost). */
static bool phase_out(const struct eng_state *s, const struct eng_step *st)
{
	uint32_t first, end;
	phase_span(s->model, st, &first, &end);
	for (uint32_t i = first; i < end; i++)
		if (!s->nodes[i].lost && !in_service(s, i))
			return true;
	return false;
}

/*
 * The plan stops at step `st` (failed, or stopped for a fault): its
 * failure step first, if it has one and a node to bring back.  If the
 * step that failed is itself the one that brings nodes back (resume),
 * nothing in the plan can: the nodes are handed to a person, as under a
 * hold, with the step's advice.
 */
static void stop_at(struct eng_state *s, const struct eng_step *st)
{
	s->step = st->number;
	s->in_failure_step = false;
	if (st->restore && phase_out(s, st))
		s->stage = ENG_RECOVERING;
	else if (phase_out(s, st) && s->failed_step == st->number && !st->takes_out &&
		 s->model->states[st->to_state].in_service)
		s->stage = ENG_HELD;
	else
		s->stage = ENG_STOPPED;
}

static void clear_results(struct eng_state *s)
{
	for (uint32_t i = 0; i < s->model->node_count; i++)
		s->nodes[i].result = ENG_IDLE;
}

/* When every target has its result, the step ends: on to the next, or the failure behaviour. */
static void maybe_end_step(struct eng_state *s)
{
	const struct eng_model *m = s->model;
	const struct eng_step *st = current(s);
	bool failed = false;
	for (uint32_t i = 0; i < m->node_count; i++) {
		enum eng_result r = s->nodes[i].result;
		if (r == ENG_WAITING || r == ENG_PENDING || r == ENG_QUIET)
			return;
		failed |= r == ENG_FAILURE || r == ENG_TIMEOUT;
	}
	clear_results(s);
	if (s->in_failure_step) {
		/* a failure step that fails leaves its nodes to a person: the stdlib's advice says how */
		s->stage = failed ? ENG_HELD : ENG_STOPPED;
		return;
	}
	if (failed) {
		s->failed_step = st->number;
		switch (st->failure) {
		case LW_FAILURE_CONTINUE:
			break;
		case LW_FAILURE_HOLD:
			s->stage = ENG_HELD;
			return;
		case LW_FAILURE_STOP:
			stop_at(s, st);
			return;
		}
	}
	if (s->stop_due) {
		/* a fault while the step ran: stop now, bringing the phase's nodes back */
		stop_at(s, st);
		return;
	}
	s->stage = st->number == m->step_count ? ENG_DONE : ENG_BETWEEN;
}

/* ---- the events ------------------------------------------------------------------------- */

static enum eng_refusal on_preflight(struct eng_state *s, const struct eng_event *ev)
{
	const struct eng_model *m = s->model;
	if (s->stage != ENG_PREFLIGHT)
		return ENG_REFUSE_WRONG_STAGE;
	if (ev->node != ENG_NONE && ev->node >= m->node_count)
		return ENG_REFUSE_UNKNOWN_NODE;
	if (s->stop_due) {
		s->stage = ENG_NOT_STARTED; /* a fault before the first step: nothing is started */
		return ENG_OK;
	}
	if (m->plan->role && ev->node != ENG_NONE && ev->node != m->role_holder) {
		if (m->role_checked) {
			/* docs/execution.md: if the role runs elsewhere, the plan must not start */
			s->stage = ENG_NOT_STARTED;
			return ENG_OK;
		}
		s->role_at = ev->node; /* nothing checks it: the plan runs with the role where it is */
	}
	s->stage = m->step_count ? ENG_BETWEEN : ENG_DONE;
	return ENG_OK;
}

static enum eng_refusal on_start(struct eng_state *s, const struct eng_event *ev)
{
	const struct eng_model *m = s->model;
	const struct eng_step *st = eng_step_at(m, ev->step);
	if (!st)
		return ENG_REFUSE_UNKNOWN_STEP;
	if (ev->failure_step) {
		if (s->stage != ENG_RECOVERING || s->in_failure_step)
			return s->stage == ENG_RECOVERING ? ENG_REFUSE_ALREADY : ENG_REFUSE_NO_FAILURE_STEP;
		if (ev->step != s->step)
			return ENG_REFUSE_NO_FAILURE_STEP;
	} else {
		if (s->stage != ENG_BETWEEN || ev->step != s->step + 1)
			return ENG_REFUSE_OUT_OF_ORDER;
	}
	s->step = st->number;
	s->in_failure_step = ev->failure_step;
	s->step_started = s->clock;
	s->stage = ev->failure_step ? ENG_RECOVERING : ENG_RUNNING;
	uint32_t first, end;
	phase_span(m, st, &first, &end);
	uint32_t accepts = ev->failure_step ? st->restore_accepts : st->accepts;
	for (uint32_t i = first; i < end; i++) {
		if (!is_target(m, s, st, ev->failure_step, i))
			continue;
		struct eng_node *n = &s->nodes[i];
		if (n->lost)
			n->result = ENG_QUIET; /* it cannot report: the step runs to its timeout on it */
		else if (!(accepts & (1u << n->state)))
			n->result = ENG_FAILURE; /* the step finds the node in a state it does not accept */
		else
			n->result = ENG_WAITING;
	}
	maybe_end_step(s);
	return ENG_OK;
}

static int64_t timeout_of(const struct eng_state *s, const struct eng_step *st)
{
	if (!st)
		return 0;
	if (s->in_failure_step)
		return st->restore ? st->restore->timeout : 0;
	return st->timeout;
}

static enum eng_refusal check_target(const struct eng_state *s, const struct eng_event *ev, bool failure_step)
{
	const struct eng_model *m = s->model;
	if (!eng_step_at(m, ev->step))
		return ENG_REFUSE_UNKNOWN_STEP;
	if (eng_over(s))
		return ENG_REFUSE_OVER;
	bool running = (s->stage == ENG_RUNNING && !s->in_failure_step) ||
		       (s->stage == ENG_RECOVERING && s->in_failure_step);
	if (!running || ev->step != s->step || failure_step != s->in_failure_step)
		return ENG_REFUSE_NOT_RUNNING;
	if (ev->node >= m->node_count)
		return ENG_REFUSE_UNKNOWN_NODE;
	enum eng_result r = s->nodes[ev->node].result;
	if (r == ENG_IDLE)
		return ENG_REFUSE_NOT_TARGET;
	if (r != ENG_WAITING && r != ENG_PENDING && r != ENG_QUIET)
		return ENG_REFUSE_ALREADY;
	return ENG_OK;
}

static enum eng_refusal on_result(struct eng_state *s, const struct eng_event *ev)
{
	enum eng_refusal why = check_target(s, ev, ev->failure_step);
	if (why != ENG_OK)
		return why;
	const struct eng_step *st = current(s);
	struct eng_node *n = &s->nodes[ev->node];
	int64_t timeout = timeout_of(s, st);
	switch (ev->kind) {
	case ENG_EV_SUCCEEDED:
		/* a node in Pending Restart completes only if the step restarts it; a silent one never reports */
		if (n->result == ENG_QUIET || (n->result == ENG_PENDING && !(st->clears_restart && !s->in_failure_step)))
			return ENG_REFUSE_ALREADY;
		n->result = ENG_SUCCESS;
		node_done(s, st, ev->node);
		break;
	case ENG_EV_FAILED:
		/*
		 * Failed after Pending Restart means a restart came and the result
		 * could be assessed; where nothing in the step restarts the node,
		 * it still waits for one.
		 */
		if (n->result != ENG_PENDING || (st->clears_restart && !s->in_failure_step))
			n->pending = false;
		n->result = ENG_FAILURE;
		break;
	case ENG_EV_TIMED_OUT:
		if (timeout <= 0)
			return ENG_REFUSE_TOO_EARLY; /* no timeout: it never runs out */
		if (s->clock < s->step_started + timeout)
			s->clock = s->step_started + timeout;
		n->result = ENG_TIMEOUT;
		break;
	case ENG_EV_SILENT:
		if (n->result != ENG_WAITING)
			return ENG_REFUSE_ALREADY;
		n->result = ENG_QUIET;
		if (timeout <= 0)
			broke(s, ENG_INV_BOUNDED_WAIT, ev->node);
		break;
	case ENG_EV_PENDING_RESTART:
		if (n->result != ENG_WAITING || s->in_failure_step)
			return ENG_REFUSE_ALREADY;
		if (st->pending_succeeds) {
			/* "Continue Plan": the step is done on it; the restart step after it restarts it */
			n->result = ENG_SUCCESS;
			node_done(s, st, ev->node);
			n->pending = true;
			break;
		}
		n->result = ENG_PENDING;
		n->pending = true;
		/* a wait that only a restart ends, in a step with no restart in it or no timeout */
		if (!st->clears_restart || timeout <= 0)
			broke(s, ENG_INV_BOUNDED_WAIT, ev->node);
		break;
	case ENG_EV_PREFLIGHT:
	case ENG_EV_START:
	case ENG_EV_NODE_LOST:
	case ENG_EV_WITNESS_OFFLINE:
	case ENG_EV_TIME:
	case ENG_EV_ABORT:
	case ENG_EV_PREFLIGHT_FAILED:
	case ENG_EVENT_KINDS:
		return ENG_REFUSE_WRONG_STAGE;
	}
	maybe_end_step(s);
	return ENG_OK;
}

/* A fault outside the plan (a lost node, the witness offline): the plan stops at the next step boundary. */
static void fault_stops(struct eng_state *s)
{
	s->faulted = true;
	s->stop_due = true;
	if (s->stage == ENG_BETWEEN) {
		/* the last step's failure step brings back whatever the phase has out of service */
		const struct eng_step *last = current(s);
		if (last)
			stop_at(s, last);
		else
			s->stage = ENG_STOPPED;
	}
}

static enum eng_refusal on_node_lost(struct eng_state *s, const struct eng_event *ev)
{
	if (eng_over(s))
		return ENG_REFUSE_OVER;
	if (ev->node >= s->model->node_count)
		return ENG_REFUSE_UNKNOWN_NODE;
	struct eng_node *n = &s->nodes[ev->node];
	if (n->lost)
		return ENG_REFUSE_LOST;
	n->lost = true;
	if (n->result == ENG_WAITING || n->result == ENG_PENDING)
		n->result = ENG_QUIET;
	move_role_off(s, ev->node, false);
	fault_stops(s);
	return ENG_OK;
}

static enum eng_refusal on_witness_offline(struct eng_state *s)
{
	if (eng_over(s))
		return ENG_REFUSE_OVER;
	if (!s->model->has_witness)
		return ENG_REFUSE_NO_WITNESS;
	if (s->witness_offline)
		return ENG_REFUSE_ALREADY;
	s->witness_offline = true;
	fault_stops(s);
	return ENG_OK;
}

/* Time passes; a running step's targets that have not reported by its deadline time out. */
static enum eng_refusal on_time(struct eng_state *s, const struct eng_event *ev)
{
	if (ev->seconds < 0)
		return ENG_REFUSE_NEGATIVE_TIME;
	s->clock += ev->seconds;
	bool running = s->stage == ENG_RUNNING || (s->stage == ENG_RECOVERING && s->in_failure_step);
	if (!running)
		return ENG_OK;
	int64_t timeout = timeout_of(s, current(s));
	if (timeout <= 0 || s->clock <= s->step_started + timeout)
		return ENG_OK;
	for (uint32_t i = 0; i < s->model->node_count; i++) {
		enum eng_result r = s->nodes[i].result;
		if (r == ENG_WAITING || r == ENG_PENDING || r == ENG_QUIET)
			s->nodes[i].result = ENG_TIMEOUT;
	}
	maybe_end_step(s);
	return ENG_OK;
}

/* The event's own function; each refuses before it changes anything. */
static enum eng_refusal dispatch(struct eng_state *s, const struct eng_event *ev)
{
	if (ev->kind != ENG_EV_TIME && eng_over(s))
		return ENG_REFUSE_OVER;
	switch (ev->kind) {
	case ENG_EV_PREFLIGHT:
		return on_preflight(s, ev);
	case ENG_EV_START:
		return on_start(s, ev);
	case ENG_EV_SUCCEEDED:
	case ENG_EV_FAILED:
	case ENG_EV_TIMED_OUT:
	case ENG_EV_SILENT:
	case ENG_EV_PENDING_RESTART:
		return on_result(s, ev);
	case ENG_EV_NODE_LOST:
		return on_node_lost(s, ev);
	case ENG_EV_WITNESS_OFFLINE:
		return on_witness_offline(s);
	case ENG_EV_TIME:
		return on_time(s, ev);
	case ENG_EV_ABORT:
		s->stage = ENG_ABORTED;
		return ENG_OK;
	case ENG_EV_PREFLIGHT_FAILED:
		if (s->stage != ENG_PREFLIGHT)
			return ENG_REFUSE_WRONG_STAGE;
		s->stage = ENG_NOT_STARTED;
		return ENG_OK;
	case ENG_EVENT_KINDS:
		break;
	}
	return ENG_REFUSE_WRONG_STAGE;
}

enum eng_refusal eng_apply(struct eng_state *s, const struct eng_event *ev)
{
	eng_invset before = s->broken_now;
	s->broken_now = 0;
	enum eng_refusal r = dispatch(s, ev);
	if (r != ENG_OK)
		s->broken_now = before; /* a refused event changes nothing at all */
	return r;
}

/* ---- answers ---------------------------------------------------------------------------- */

static size_t put(struct eng_event *out, size_t cap, size_t n, struct eng_event ev)
{
	if (n < cap)
		out[n] = ev;
	return n + 1;
}

/* The results the running step's targets may still report, in node order. */
static size_t allowed_results(const struct eng_state *s, struct eng_event *out, size_t cap, size_t n)
{
	const struct eng_step *st = current(s);
	if (!st)
		return n;
	int64_t timeout = timeout_of(s, st);
	for (uint32_t i = 0; i < s->model->node_count; i++) {
		enum eng_result r = s->nodes[i].result;
		struct eng_event ev = {.step = s->step, .failure_step = s->in_failure_step, .node = i};
		if (r != ENG_WAITING && r != ENG_PENDING && r != ENG_QUIET)
			continue;
		bool can_succeed = r == ENG_WAITING || (r == ENG_PENDING && st->clears_restart && !s->in_failure_step);
		if (can_succeed)
			n = put(out, cap, n, (ev.kind = ENG_EV_SUCCEEDED, ev));
		n = put(out, cap, n, (ev.kind = ENG_EV_FAILED, ev));
		if (timeout > 0)
			n = put(out, cap, n, (ev.kind = ENG_EV_TIMED_OUT, ev));
		if (r == ENG_WAITING) {
			n = put(out, cap, n, (ev.kind = ENG_EV_SILENT, ev));
			if (!s->in_failure_step)
				n = put(out, cap, n, (ev.kind = ENG_EV_PENDING_RESTART, ev));
		}
	}
	return n;
}

size_t eng_allowed(const struct eng_state *s, struct eng_event *out, size_t cap)
{
	const struct eng_model *m = s->model;
	size_t n = 0;
	if (eng_over(s))
		return 0;
	switch (s->stage) {
	case ENG_PREFLIGHT:
		n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_PREFLIGHT, .node = ENG_NONE});
		for (uint32_t i = 0; m->plan->role && i < m->node_count; i++)
			if (i != m->role_holder)
				n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_PREFLIGHT, .node = i});
		n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_PREFLIGHT_FAILED});
		break;
	case ENG_BETWEEN:
		n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_START, .step = s->step + 1});
		break;
	case ENG_RECOVERING:
		if (!s->in_failure_step)
			n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_START, .step = s->step, .failure_step = true});
		else
			n = allowed_results(s, out, cap, n);
		break;
	case ENG_RUNNING:
		n = allowed_results(s, out, cap, n);
		break;
	case ENG_DONE:
	case ENG_STOPPED:
	case ENG_HELD:
	case ENG_NOT_STARTED:
	case ENG_ABORTED:
	case ENG_STAGE_KINDS:
		return 0;
	}
	for (uint32_t i = 0; i < m->node_count; i++)
		if (!s->nodes[i].lost)
			n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_NODE_LOST, .node = i});
	if (m->has_witness && !s->witness_offline)
		n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_WITNESS_OFFLINE});
	n = put(out, cap, n, (struct eng_event){.kind = ENG_EV_ABORT});
	return n;
}

struct eng_duty eng_due(const struct eng_state *s)
{
	const struct eng_step *st = current(s);
	switch (s->stage) {
	case ENG_PREFLIGHT:
		return (struct eng_duty){.kind = ENG_DUTY_PREFLIGHT, .step = 1};
	case ENG_BETWEEN:
		return (struct eng_duty){.kind = ENG_DUTY_START, .step = s->step + 1};
	case ENG_RUNNING: {
		int64_t t = timeout_of(s, st);
		return (struct eng_duty){.kind = ENG_DUTY_WAIT, .step = s->step,
					 .deadline = t > 0 ? s->step_started + t : -1};
	}
	case ENG_RECOVERING:
		if (s->in_failure_step) {
			int64_t t = timeout_of(s, st);
			return (struct eng_duty){.kind = ENG_DUTY_WAIT, .step = s->step, .failure_step = true,
						 .deadline = t > 0 ? s->step_started + t : -1};
		}
		return (struct eng_duty){.kind = ENG_DUTY_FAILURE_STEP, .step = s->step, .then = ENG_STOPPED,
					 .failure = LW_FAILURE_STOP};
	case ENG_DONE:
	case ENG_STOPPED:
	case ENG_HELD:
	case ENG_NOT_STARTED:
	case ENG_ABORTED:
	case ENG_STAGE_KINDS:
		break;
	}
	const struct eng_step *failed = eng_step_at(s->model, s->failed_step);
	return (struct eng_duty){.kind = ENG_DUTY_END, .step = s->failed_step, .then = s->stage,
				 .failure = failed ? failed->failure : LW_FAILURE_STOP};
}

/*
 * Whether a node left out of service at the end is a person's to bring
 * back, not a fault of the plan: under a hold, the nodes of the phase
 * that held (another phase's are the plan's doing); after an abort, any.
 */
static bool handed_to_person(const struct eng_state *s, uint32_t node)
{
	if (s->stage == ENG_ABORTED)
		return true;
	const struct eng_step *st = current(s);
	if (s->stage != ENG_HELD || !st)
		return false;
	uint32_t first, end;
	phase_span(s->model, st, &first, &end);
	return node >= first && node < end;
}

eng_invset eng_finish(struct eng_state *s)
{
	const struct eng_model *m = s->model;
	s->broken_now = 0;
	for (uint32_t i = 0; i < m->node_count; i++)
		if (!s->nodes[i].lost && !in_service(s, i) && !handed_to_person(s, i))
			broke(s, ENG_INV_RESTORED, i);
	if (m->plan->window > 0 && s->clock > m->plan->window)
		broke(s, ENG_INV_WINDOW, ENG_NONE);
	return s->broken_now;
}

/* The worst case of steps from..step_count, starting `at` seconds from now. */
static int64_t worst_from(const struct eng_model *m, uint32_t from, int64_t at)
{
	int64_t worst = at;
	for (uint32_t k = from; k <= m->step_count; k++) {
		const struct eng_step *st = &m->steps[k - 1];
		at += st->timeout;
		if (st->failure == LW_FAILURE_STOP && st->restore && at + st->restore->timeout > worst)
			worst = at + st->restore->timeout;
		if (at > worst)
			worst = at;
	}
	return worst;
}

/* The worst case from now while step `st` runs: to its deadline, then its failure step or the rest. */
static int64_t worst_running(const struct eng_state *s, const struct eng_step *st)
{
	int64_t left = s->step_started + st->timeout - s->clock;
	left = left > 0 ? left : 0;
	int64_t rest = worst_from(s->model, st->number + 1, left);
	if (st->failure == LW_FAILURE_STOP && st->restore && left + st->restore->timeout > rest)
		return left + st->restore->timeout;
	return rest;
}

int64_t eng_worst_remaining(const struct eng_state *s)
{
	const struct eng_step *st = current(s);
	int64_t left;
	switch (s->stage) {
	case ENG_PREFLIGHT:
		return worst_from(s->model, 1, 0);
	case ENG_BETWEEN:
		return worst_from(s->model, s->step + 1, 0);
	case ENG_RUNNING:
		return st ? worst_running(s, st) : 0;
	case ENG_RECOVERING:
		left = timeout_of(s, st);
		if (s->in_failure_step)
			left += s->step_started - s->clock;
		return left > 0 ? left : 0;
	case ENG_DONE:
	case ENG_STOPPED:
	case ENG_HELD:
	case ENG_NOT_STARTED:
	case ENG_ABORTED:
	case ENG_STAGE_KINDS:
		break;
	}
	return 0;
}

const char *eng_held_why(const struct eng_state *s, uint32_t node)
{
	if (node >= s->model->node_count || s->nodes[node].lost || in_service(s, node) || !handed_to_person(s, node))
		return NULL;
	if (s->stage == ENG_ABORTED)
		return "the run was aborted: whoever aborted it brings the node back";
	if (s->in_failure_step)
		return "the failure step did not bring it back: follow the step's advice, by hand";
	const struct eng_step *st = eng_step_at(s->model, s->failed_step);
	if (st && st->failure == LW_FAILURE_STOP)
		return "the step that brings it back failed: follow the step's advice, by hand";
	return "the step that failed holds on failure: the node goes back only if the change owner agrees";
}
