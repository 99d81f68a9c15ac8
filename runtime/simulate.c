/*
 * simulate.c - every run of a plan under up to N faults (see simulate.h).
 *
 * The runs form a graph of engine states (a state repeats when two runs
 * reach the same point with the same faults used, and is kept once).  It
 * is built breadth first from the state before the first step; each state
 * keeps the state it was first reached from and the event that led there,
 * which is all a shortest counterexample needs.  The graph has no cycle
 * (every event moves the clock, a step or a result on), so the number of
 * runs is counted afterwards over its edges.
 *
 * A state holds every node, and a plan of more nodes has more states, so
 * keeping states whole would take memory in the square of the plan's size.
 * A vertex keeps instead the state's fixed part and its nodes as a tree
 * that shares every branch the event did not change with its parent's
 * tree: a path per changed node (one or two, for almost every event).  A
 * whole state is read back out of the tree when it is needed: to expand
 * it, or to compare it with one that hashes the same.
 */
#include "runtime/simulate.h"

#include <stdlib.h>
#include <string.h>

#include "base/escape.h"

enum { SIM_DEFAULT_MAX_STATES = 2000000 };

/*
 * The nodes of a kept state: a tree of FAN-way branches over leaves of
 * FAN nodes, `height` branch levels above the leaves.
 */
enum { FAN = 16 };
struct leaf {
	struct eng_node nodes[FAN];
};
struct branch {
	const void *kids[FAN]; /* struct branch, or struct leaf one level above the leaves */
};

/* One state of the graph. */
struct vertex {
	struct eng_state *fixed;  /* the state without its nodes: sizeof(struct eng_state) bytes */
	uint64_t hash;            /* key_hash() of the whole state */
	const void *nodes;        /* its nodes: a struct branch, or a struct leaf for FAN nodes or fewer */
	uint32_t parent;          /* ENG_NONE for the first */
	struct eng_event event;   /* what led here from the parent */
	int64_t at;               /* the clock when that happened */
	bool fault;
	uint8_t faults;           /* faults used on the way here */
	uint32_t first_edge, edge_count;
	uint64_t paths;           /* runs from here to an end; 0: not counted yet */
};

/* One way to go on from a state: an event, and whether the simulator counts it as a fault. */
struct move {
	struct eng_event event;
	bool fault;
};

struct explorer {
	struct arena *arena;
	const struct eng_model *model;
	unsigned max_faults;
	size_t max_states;
	struct vertex *v;
	size_t len, cap;
	unsigned height;          /* branch levels of a node tree */
	uint32_t *edges;
	size_t edges_len, edges_cap;
	uint32_t *slots;          /* open addressing: vertex index + 1, 0 for empty */
	size_t slot_cap;
	uint32_t *chain;          /* trace_to(): the way from the first vertex, x->cap long */
	struct eng_state *current;  /* the state being expanded, whole */
	struct eng_state *scratch;  /* a state after one move of it */
	struct eng_state *probe;    /* a kept state rebuilt to compare with */
	size_t held_cap;            /* of out->held */
	uint32_t *held_slots;       /* open addressing over out->held: index + 1, 0 for empty */
	size_t held_slot_cap;
	struct sim_result *out;
};

/* ---- the graph -------------------------------------------------------------------------- */

static void *grow(struct arena *a, void *old, size_t len, size_t *cap, size_t size)
{
	if (len < *cap)
		return old;
	size_t want = *cap ? *cap * 2 : 1024;
	void *p = arena_alloc(a, want * size);
	if (len)
		memcpy(p, old, len * size);
	*cap = want;
	return p;
}

static uint64_t key_hash(const struct eng_state *s, unsigned faults)
{
	return eng_state_hash(s) ^ ((uint64_t)faults * 0x9e3779b97f4a7c15u);
}

/* The nodes a subtree of this height spans. */
static size_t span(unsigned height)
{
	size_t n = FAN;
	while (height--)
		n *= FAN;
	return n;
}

/* Copies the tree's nodes from `first` on into out[first..count). */
static void read_tree(const void *tree, unsigned height, size_t first, struct eng_node *out, size_t count)
{
	if (height == 0) {
		size_t n = count - first < FAN ? count - first : FAN;
		memcpy(out + first, ((const struct leaf *)tree)->nodes, n * sizeof *out);
		return;
	}
	size_t each = span(height - 1);
	for (size_t k = 0; k < FAN && first + k * each < count; k++)
		read_tree(((const struct branch *)tree)->kids[k], height - 1, first + k * each, out, count);
}

/* A tree of the nodes in[first..count), all new: the first state's. */
static const void *new_tree(struct explorer *x, unsigned height, size_t first, const struct eng_node *in,
			    size_t count)
{
	if (height == 0) {
		struct leaf *l = arena_calloc(x->arena, 1, sizeof *l);
		size_t n = count - first < FAN ? count - first : FAN;
		memcpy(l->nodes, in + first, n * sizeof *in);
		return l;
	}
	struct branch *b = arena_calloc(x->arena, 1, sizeof *b);
	size_t each = span(height - 1);
	for (size_t k = 0; k < FAN && first + k * each < count; k++)
		b->kids[k] = new_tree(x, height - 1, first + k * each, in, count);
	return b;
}

/* `tree` with node i (counted within it) set to `value`: a new path, every other branch shared. */
static const void *tree_with(struct explorer *x, const void *tree, unsigned height, size_t i, struct eng_node value)
{
	if (height == 0) {
		struct leaf *l = arena_alloc(x->arena, sizeof *l);
		*l = *(const struct leaf *)tree;
		l->nodes[i] = value;
		return l;
	}
	struct branch *b = arena_alloc(x->arena, sizeof *b);
	*b = *(const struct branch *)tree;
	size_t each = span(height - 1);
	b->kids[i / each] = tree_with(x, b->kids[i / each], height - 1, i % each, value);
	return b;
}

/* The tree of `s`'s nodes, sharing with `parent`'s (the tree `parent_tree`) what did not change. */
static const void *tree_of(struct explorer *x, const struct eng_state *s, const struct eng_state *parent,
			   const void *parent_tree)
{
	size_t count = eng_node_count(x->model);
	if (!parent)
		return new_tree(x, x->height, 0, s->nodes, count);
	const void *tree = parent_tree;
	for (size_t i = 0; i < count; i++)
		if (memcmp(&s->nodes[i], &parent->nodes[i], sizeof s->nodes[i]) != 0)
			tree = tree_with(x, tree, x->height, i, s->nodes[i]);
	return tree;
}

/* The state of vertex `at`, whole, into `dst`. */
static void rebuild(struct explorer *x, uint32_t at, struct eng_state *dst)
{
	memcpy(dst, x->v[at].fixed, sizeof *dst);
	read_tree(x->v[at].nodes, x->height, 0, dst->nodes, eng_node_count(x->model));
}

static void rehash(struct explorer *x)
{
	size_t cap = x->slot_cap ? x->slot_cap * 2 : 4096;
	uint32_t *slots = arena_calloc(x->arena, cap, sizeof *slots);
	for (size_t i = 0; i < x->len; i++) {
		size_t h = (size_t)x->v[i].hash & (cap - 1);
		while (slots[h])
			h = (h + 1) & (cap - 1);
		slots[h] = (uint32_t)i + 1;
	}
	x->slots = slots;
	x->slot_cap = cap;
}

/* Vertex `k` holds `s`: the same hash and fixed part, then the same nodes. */
static bool holds(struct explorer *x, uint32_t k, const struct eng_state *s, uint64_t hash, unsigned faults)
{
	const struct vertex *w = &x->v[k];
	if (w->hash != hash || w->faults != faults || memcmp(w->fixed, s, sizeof *s) != 0)
		return false;
	rebuild(x, k, x->probe);
	return eng_state_equal(x->probe, s);
}

/*
 * The vertex of this state with these faults used: found, or added as a
 * child of `parent`'s vertex (whose state is `parent`), and then *added is
 * set.
 */
static uint32_t intern(struct explorer *x, const struct eng_state *s, unsigned faults,
		       const struct eng_state *parent, const void *parent_tree, bool *added)
{
	if ((x->len + 1) * 2 > x->slot_cap)
		rehash(x);
	uint64_t hash = key_hash(s, faults);
	size_t h = (size_t)hash & (x->slot_cap - 1);
	for (uint32_t k; (k = x->slots[h]); h = (h + 1) & (x->slot_cap - 1))
		if (holds(x, k - 1, s, hash, faults)) {
			*added = false;
			return k - 1;
		}
	size_t old_cap = x->cap;
	x->v = grow(x->arena, x->v, x->len, &x->cap, sizeof *x->v);
	if (x->cap != old_cap)
		x->chain = arena_alloc(x->arena, x->cap * sizeof *x->chain);
	struct vertex *w = &x->v[x->len];
	*w = (struct vertex){.fixed = arena_alloc(x->arena, sizeof *s), .nodes = tree_of(x, s, parent, parent_tree),
			     .hash = hash, .parent = ENG_NONE, .faults = (uint8_t)faults};
	memcpy(w->fixed, s, sizeof *s);
	x->slots[h] = (uint32_t)x->len + 1;
	*added = true;
	return (uint32_t)x->len++;
}

static void add_edge(struct explorer *x, uint32_t to)
{
	x->edges = grow(x->arena, x->edges, x->edges_len, &x->edges_cap, sizeof *x->edges);
	x->edges[x->edges_len++] = to;
}

/* ---- the ways a run goes on ------------------------------------------------------------- */

static size_t push(struct move *out, size_t n, struct eng_event ev, bool fault)
{
	out[n] = (struct move){.event = ev, .fault = fault};
	return n + 1;
}

/* The first target still to report, or ENG_NONE. */
static uint32_t first_unreported(const struct eng_state *s)
{
	for (uint32_t i = 0; i < eng_node_count(s->model); i++) {
		enum eng_result r = s->nodes[i].result;
		if (r == ENG_WAITING || r == ENG_PENDING || r == ENG_QUIET)
			return i;
	}
	return ENG_NONE;
}

/*
 * What the first target still to report may do.  Without a fault it
 * succeeds, or, where the step's content leaves Pending Restart and
 * nothing clears it, reports Pending Restart and then runs to the
 * timeout; a silent or lost target runs to the timeout.  Each fault: it
 * fails, runs to its timeout (goes silent, where there is no timeout), or
 * stays in Pending Restart.
 */
static size_t target_moves(const struct eng_state *s, bool faults_left, struct move *out)
{
	uint32_t node = first_unreported(s);
	if (node == ENG_NONE)
		return 0;
	const struct eng_step *st = eng_step_at(s->model, s->step);
	bool fs = s->in_failure_step;
	int64_t timeout = fs ? (st->restore ? st->restore->timeout : 0) : st->timeout;
	struct eng_event ev = {.step = s->step, .failure_step = fs, .node = node};
	enum eng_result r = s->nodes[node].result;
	size_t n = 0;
	if (r == ENG_WAITING) {
		bool leaves_pending = !fs && st->may_leave_pending;
		n = push(out, n, (ev.kind = leaves_pending ? ENG_EV_PENDING_RESTART : ENG_EV_SUCCEEDED, ev), false);
		if (faults_left) {
			n = push(out, n, (ev.kind = ENG_EV_FAILED, ev), true);
			n = push(out, n, (ev.kind = timeout > 0 ? ENG_EV_TIMED_OUT : ENG_EV_SILENT, ev), true);
			if (!fs && st->clears_restart && !leaves_pending)
				n = push(out, n, (ev.kind = ENG_EV_PENDING_RESTART, ev), true);
		}
	} else if (timeout > 0) {
		/* Pending Restart or silent: only the timeout ends the wait */
		n = push(out, n, (ev.kind = ENG_EV_TIMED_OUT, ev), false);
	}
	return n;
}

/*
 * Whether losing `node` now can end otherwise than losing any other node
 * like it: a node of the phase that runs (or runs next), the node the role
 * runs on, or one out of service.  The others are interchangeable: each
 * is up, in service and outside the phase, and losing it stops the plan
 * the same way, so the first of them stands for them all (a symmetry
 * reduction: without it the runs grow with the nodes times the steps).
 */
static bool stands_apart(const struct eng_state *s, uint32_t node)
{
	const struct lw_plan *p = eng_model_plan(s->model);
	const struct lw_phase *phase = ((const struct lw_node *)p->nodes.items[node])->phase;
	const struct eng_step *now = eng_step_at(s->model, s->step), *next = eng_step_at(s->model, s->step + 1);
	return (now && now->phase == phase) || (next && next->phase == phase) || node == s->role_at ||
	       !eng_node_state_def(s->model, s->nodes[node].state)->in_service;
}

/* Faults outside the plan, between two steps: a node lost, the witness offline. */
static size_t outside_faults(const struct eng_state *s, struct move *out, size_t n)
{
	bool represented = false;
	for (uint32_t i = 0; i < eng_node_count(s->model); i++) {
		if (s->nodes[i].lost)
			continue;
		if (!stands_apart(s, i)) {
			if (represented)
				continue;
			represented = true;
		}
		n = push(out, n, (struct eng_event){.kind = ENG_EV_NODE_LOST, .node = i}, true);
	}
	if (eng_model_plan(s->model)->quorum.model == LW_QUORUM_NODE_AND_WITNESS && !s->witness_offline)
		n = push(out, n, (struct eng_event){.kind = ENG_EV_WITNESS_OFFLINE}, true);
	return n;
}

/* Every way on from `s`; `out` holds room for eng_node_count() + 8 moves. */
static size_t moves_from(const struct eng_state *s, bool faults_left, struct move *out)
{
	const struct eng_model *m = s->model;
	size_t n = 0;
	switch (s->stage) {
	case ENG_PREFLIGHT:
		n = push(out, n, (struct eng_event){.kind = ENG_EV_PREFLIGHT, .node = ENG_NONE}, false);
		if (!faults_left)
			return n;
		/* the role runs elsewhere: one node other than the expected one is enough to show it */
		for (uint32_t i = 0; eng_model_plan(m)->role && i < eng_node_count(m); i++)
			if (!eng_model_plan(m)->role_holder || strcmp(eng_node_name(m, i), eng_model_plan(m)->role_holder->name) != 0) {
				n = push(out, n, (struct eng_event){.kind = ENG_EV_PREFLIGHT, .node = i}, true);
				break;
			}
		return outside_faults(s, out, n);
	case ENG_BETWEEN:
		n = push(out, n, (struct eng_event){.kind = ENG_EV_START, .step = s->step + 1}, false);
		return faults_left ? outside_faults(s, out, n) : n;
	case ENG_RECOVERING:
		if (!s->in_failure_step)
			return push(out, n, (struct eng_event){.kind = ENG_EV_START, .step = s->step, .failure_step = true},
				    false);
		return target_moves(s, faults_left, out);
	case ENG_RUNNING:
		return target_moves(s, faults_left, out);
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

/* A step that starts runs, in the worst case, to its timeout: the clock moves to its deadline. */
static void apply_move(struct eng_state *s, const struct move *mv)
{
	eng_apply(s, &mv->event);
	eng_invset broke = s->broken_now;
	if (mv->event.kind != ENG_EV_START || (s->stage != ENG_RUNNING && s->stage != ENG_RECOVERING))
		return;
	const struct eng_step *st = eng_step_at(s->model, s->step);
	int64_t t = s->in_failure_step ? (st->restore ? st->restore->timeout : 0) : st->timeout;
	if (t > 0)
		eng_apply(s, &(struct eng_event){.kind = ENG_EV_TIME, .seconds = t});
	s->broken_now |= broke;
}

/* ---- what the runs show ----------------------------------------------------------------- */

static struct sim_trace trace_to(struct explorer *x, uint32_t at, bool ends, uint32_t culprit)
{
	size_t len = 0;
	for (uint32_t k = at; k != ENG_NONE; k = x->v[k].parent)
		x->chain[len++] = k;
	struct sim_trace t = {.len = len - 1, .faults = x->v[at].faults, .ends = ends, .culprit = culprit};
	t.moves = arena_calloc(x->arena, len, sizeof *t.moves);
	/* each state after a move is printed whole: kept whole, as large as the text */
	for (size_t i = len - 1; i-- > 0;) {
		const struct vertex *w = &x->v[x->chain[i]];
		struct eng_state *after = arena_alloc(x->arena, eng_state_size(x->model));
		rebuild(x, x->chain[i], after);
		t.moves[len - 2 - i] = (struct sim_move){.event = w->event, .at = w->at, .fault = w->fault, .after = after};
	}
	return t;
}

static void record(struct explorer *x, uint32_t at, eng_invset broke, bool ends, uint32_t culprit)
{
	for (int inv = 0; inv < ENG_INVARIANT_KINDS; inv++) {
		eng_invset bit = ENG_INV_BIT(inv);
		if (!(broke & bit) || (x->out->violated & bit))
			continue;
		x->out->violated |= bit;
		x->out->counterexample[inv] = trace_to(x, at, ends, culprit);
	}
}

static uint64_t held_key(uint32_t node, uint32_t step, bool failure_step)
{
	return ((uint64_t)node << 33 | (uint64_t)step << 1 | failure_step) * 0x9e3779b97f4a7c15u;
}

static bool same_held(const struct sim_held *h, uint32_t node, uint32_t step, bool failure_step)
{
	return h->node == node && h->step == step && h->failure_step == failure_step;
}

static void rehash_held(struct explorer *x)
{
	const struct sim_result *r = x->out;
	size_t cap = x->held_slot_cap ? x->held_slot_cap * 2 : 64;
	uint32_t *slots = arena_calloc(x->arena, cap, sizeof *slots);
	for (size_t k = 0; k < r->held_len; k++) {
		const struct sim_held *h = &r->held[k];
		size_t at = (size_t)(held_key(h->node, h->step, h->failure_step) >> 32) & (cap - 1);
		while (slots[at])
			at = (at + 1) & (cap - 1);
		slots[at] = (uint32_t)k + 1;
	}
	x->held_slots = slots;
	x->held_slot_cap = cap;
}

/* Each node held, for each step whose failure held it, once: a set, since a plan may hold many. */
static void note_held(struct explorer *x, const struct eng_state *end)
{
	struct sim_result *r = x->out;
	uint32_t step = end->in_failure_step ? end->step : end->failed_step;
	for (uint32_t i = 0; i < eng_node_count(x->model); i++) {
		const char *why = eng_held_why(end, i);
		if (!why)
			continue;
		if ((r->held_len + 1) * 2 > x->held_slot_cap)
			rehash_held(x);
		size_t at = (size_t)(held_key(i, step, end->in_failure_step) >> 32) & (x->held_slot_cap - 1);
		bool known = false;
		for (uint32_t k; !known && (k = x->held_slots[at]); at = (at + 1) & (x->held_slot_cap - 1))
			known = same_held(&r->held[k - 1], i, step, end->in_failure_step);
		if (known)
			continue;
		r->held = grow(x->arena, r->held, r->held_len, &x->held_cap, sizeof *r->held);
		r->held[r->held_len] = (struct sim_held){.node = i, .step = step, .failure_step = end->in_failure_step,
							 .why = why};
		x->held_slots[at] = (uint32_t)++r->held_len;
	}
}

/* A run ends here: what its end breaks, and how it ended. */
static void at_end(struct explorer *x, uint32_t at)
{
	struct eng_state *end = x->scratch;
	eng_state_copy(end, x->current);
	x->out->end_states++;
	if (!eng_over(end))
		return; /* stuck in a wait nothing ends: bounded-wait broke on the way here */
	x->out->stage_ends[end->stage]++;
	eng_invset broke = eng_finish(end);
	record(x, at, broke, true, end->culprit);
	if (end->stage == ENG_HELD)
		note_held(x, end);
}

static void expand(struct explorer *x, uint32_t at, struct move *mv)
{
	rebuild(x, at, x->current);
	bool faults_left = x->v[at].faults < x->max_faults;
	size_t n = moves_from(x->current, faults_left, mv);
	x->v[at].first_edge = (uint32_t)x->edges_len;
	if (n == 0) {
		at_end(x, at);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned faults = x->v[at].faults + mv[i].fault;
		eng_state_copy(x->scratch, x->current);
		apply_move(x->scratch, &mv[i]);
		bool added;
		uint32_t to = intern(x, x->scratch, faults, x->current, x->v[at].nodes, &added);
		add_edge(x, to);
		if (!added)
			continue;
		struct vertex *w = &x->v[to];
		w->parent = at;
		w->event = mv[i].event;
		w->at = x->current->clock;
		w->fault = mv[i].fault;
		if (x->scratch->broken_now)
			record(x, to, x->scratch->broken_now, false, x->scratch->culprit);
	}
	x->v[at].edge_count = (uint32_t)(x->edges_len - x->v[at].first_edge);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Runs from the first state to an end: over the graph's edges, deepest first, without recursion. */
static uint64_t count_paths(struct explorer *x)
{
	uint32_t *stack = arena_calloc(x->arena, x->len + 1, sizeof *stack);
	size_t top = 0;
	stack[top++] = 0;
	while (top) {
		struct vertex *v = &x->v[stack[top - 1]];
		if (v->paths) {
			top--;
			continue;
		}
		bool ready = true;
		for (uint32_t e = 0; e < v->edge_count; e++) {
			uint32_t to = x->edges[v->first_edge + e];
			if (!x->v[to].paths) {
				ready = false;
				stack[top++] = to; /* a vertex waits on the stack at most once per edge into it */
				break;
			}
		}
		if (!ready)
			continue;
		uint64_t sum = v->edge_count ? 0 : 1;
		for (uint32_t e = 0; e < v->edge_count; e++)
			sum = add_sat(sum, x->v[x->edges[v->first_edge + e]].paths);
		v->paths = sum;
		top--;
	}
	return x->v[0].paths;
}

void sim_explore(struct arena *arena, const struct eng_model *model, const struct sim_options *opts,
		 struct sim_result *out)
{
	*out = (struct sim_result){.model = model, .faults = opts->faults};
	struct explorer x = {.arena = arena, .model = model, .max_faults = opts->faults > 255 ? 255 : opts->faults,
			     .max_states = opts->max_states ? opts->max_states : SIM_DEFAULT_MAX_STATES, .out = out};
	x.current = eng_state_new(arena, model);
	x.scratch = eng_state_new(arena, model);
	x.probe = eng_state_new(arena, model);
	struct move *mv = arena_calloc(arena, eng_node_count(model) + 8, sizeof *mv);
	bool added;
	while (span(x.height) < eng_node_count(model))
		x.height++;
	intern(&x, x.current, 0, NULL, NULL, &added);
	for (uint32_t at = 0; at < x.len; at++) {
		if (x.len > x.max_states) {
			out->gave_up = true;
			break;
		}
		expand(&x, at, mv);
	}
	out->states = x.len;
	out->paths = out->gave_up ? 0 : count_paths(&x);
}

/* ---- the report ------------------------------------------------------------------------- */

static void put_time(struct textbuf *b, int64_t s)
{
	textbuf_printf(b, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
}

/*
 * The kinds of fault the simulator injects, X(ID, word, what it is): each
 * listed in a report only where the plan gives it a place to happen.
 */
#define SIM_FAULTS(X)                                                                                   \
	X(SIM_FAULT_FAILS, "step-fails", "a step fails on one target")                                   \
	X(SIM_FAULT_TIMES_OUT, "step-times-out", "a step runs to its timeout on one target (goes silent, " \
	  "where it has none)")                                                                            \
	X(SIM_FAULT_FAILURE_STEP, "failure-step-fails", "the failure step fails")                        \
	X(SIM_FAULT_PENDING, "pending-restart", "a node stays in Pending Restart past its step's timeout") \
	X(SIM_FAULT_NODE_LOST, "node-lost", "a node is lost between two steps (one node up outside the " \
	  "phase stands for all such nodes)")                                                           \
	X(SIM_FAULT_ROLE, "role-elsewhere", "the role runs on another node when the window starts")      \
	X(SIM_FAULT_WITNESS, "witness-offline", "the witness goes offline")

enum sim_fault {
#define X(id, word, text) id,
	SIM_FAULTS(X)
#undef X
	SIM_FAULT_KINDS
};

static const char *const fault_words[] = {
#define X(id, word, text) [id] = word,
	SIM_FAULTS(X)
#undef X
};
static const char *const fault_texts[] = {
#define X(id, word, text) [id] = text,
	SIM_FAULTS(X)
#undef X
};

/* Whether the plan gives fault `f` a place to happen. */
static bool fault_applies(const struct eng_model *m, enum sim_fault f)
{
	const struct lw_plan *p = eng_model_plan(m);
	bool restores = false, restarts = false;
	for (uint32_t k = 1; k <= eng_step_count(m); k++) {
		restores |= eng_step_at(m, k)->restore != NULL;
		restarts |= eng_step_at(m, k)->clears_restart;
	}
	switch (f) {
	case SIM_FAULT_FAILURE_STEP: return restores;
	case SIM_FAULT_PENDING: return restarts;
	case SIM_FAULT_ROLE: return p->role != NULL;
	case SIM_FAULT_WITNESS: return p->quorum.model == LW_QUORUM_NODE_AND_WITNESS;
	case SIM_FAULT_FAILS:
	case SIM_FAULT_TIMES_OUT:
	case SIM_FAULT_NODE_LOST:
	case SIM_FAULT_KINDS:
		break;
	}
	return true;
}

/* "3 (1.3 patch)" or "3 (1.3 patch), failure step resume" */
static void put_step(struct textbuf *b, const struct eng_model *m, uint32_t number, bool failure_step)
{
	const struct eng_step *st = eng_step_at(m, number);
	if (!st) {
		textbuf_puts(b, "-");
		return;
	}
	textbuf_printf(b, "%u (%u.%u %s)", st->number, st->phase->number, st->index, st->item->name);
	if (failure_step && st->restore)
		textbuf_printf(b, ", failure step %s", st->restore->name);
}

/* What happened, in words: "pre-flight: ...", "step 3 (1.3 patch) on EXNODE1: failed", "EXNODE2: lost". */
static void put_event(struct textbuf *b, const struct eng_model *m, const struct sim_move *mv)
{
	const struct eng_event *ev = &mv->event;
	const char *what = NULL;
	switch (ev->kind) {
	case ENG_EV_PREFLIGHT:
		if (ev->node == ENG_NONE)
			textbuf_puts(b, eng_model_plan(m)->role ? "pre-flight: the role runs where the plan expects it"
								: "pre-flight: the checks pass");
		else
			textbuf_printf(b, "pre-flight: the role runs on %s", eng_node_name(m, ev->node));
		break;
	case ENG_EV_PREFLIGHT_FAILED:
		textbuf_puts(b, "pre-flight: a check fails");
		break;
	case ENG_EV_NODE_LOST:
		textbuf_printf(b, "%s: lost", eng_node_name(m, ev->node));
		break;
	case ENG_EV_WITNESS_OFFLINE:
		textbuf_puts(b, "the witness: offline");
		break;
	case ENG_EV_START: what = "starts"; break;
	case ENG_EV_SUCCEEDED: what = "succeeded"; break;
	case ENG_EV_FAILED: what = "failed"; break;
	case ENG_EV_TIMED_OUT: what = "ran to its timeout"; break;
	case ENG_EV_SILENT: what = "went silent"; break;
	case ENG_EV_PENDING_RESTART: what = "reports Pending Restart"; break;
	case ENG_EV_TIME:
	case ENG_EV_ABORT:
	case ENG_EVENT_KINDS:
		textbuf_puts(b, eng_event_word(ev->kind));
		break;
	}
	if (what) {
		textbuf_puts(b, "step ");
		put_step(b, m, ev->step, ev->failure_step);
		if (ev->kind != ENG_EV_START)
			textbuf_printf(b, " on %s", eng_node_name(m, ev->node));
		textbuf_printf(b, ": %s", what);
	}
	if (mv->fault)
		textbuf_puts(b, " [fault]");
}

static const char *node_state_word(const struct eng_state *s, uint32_t i)
{
	if (s->nodes[i].lost)
		return "lost";
	if (s->nodes[i].pending)
		return "pending-restart";
	return eng_node_state_def(s->model, s->nodes[i].state)->name;
}

static void put_nodes(struct textbuf *b, const struct eng_state *s)
{
	const struct eng_model *m = s->model;
	textbuf_puts(b, "       nodes:");
	for (uint32_t i = 0; i < eng_node_count(m); i++)
		textbuf_printf(b, "%s %s %s", i ? "," : "", eng_node_name(m, i), node_state_word(s, i));
	textbuf_printf(b, "; votes %u of %u (%u needed)", eng_votes(s), eng_votes_total(m), eng_votes_needed(m));
	if (eng_model_plan(m)->role)
		textbuf_printf(b, "; role on %s", s->role_at == ENG_NONE ? "no node" : eng_node_name(m, s->role_at));
	textbuf_putc(b, '\n');
}

static void write_trace_text(struct textbuf *b, const struct sim_result *r, enum eng_invariant inv)
{
	const struct sim_trace *t = &r->counterexample[inv];
	const struct eng_model *m = r->model;
	textbuf_printf(b, "\ncounterexample for %s (%zu event%s, %u fault%s):\n", eng_invariant_word(inv), t->len,
		       t->len == 1 ? "" : "s", t->faults, t->faults == 1 ? "" : "s");
	for (size_t i = 0; i < t->len; i++) {
		const struct sim_move *mv = &t->moves[i];
		textbuf_printf(b, "  %3zu  ", i + 1);
		put_time(b, mv->at);
		textbuf_puts(b, "  ");
		put_event(b, m, mv);
		textbuf_putc(b, '\n');
		put_nodes(b, mv->after);
	}
	const struct eng_state *last = t->len ? t->moves[t->len - 1].after : NULL;
	if (t->ends && last) {
		textbuf_printf(b, "  end  ");
		put_time(b, last->clock);
		textbuf_printf(b, "  the run is %s", eng_stage_word(last->stage));
		if (last->failed_step) {
			textbuf_puts(b, " after step ");
			put_step(b, m, last->failed_step, false);
			textbuf_puts(b, " failed");
		}
		textbuf_putc(b, '\n');
	}
	textbuf_printf(b, "  broken: %s", eng_invariant_text(inv));
	if (t->culprit != ENG_NONE)
		textbuf_printf(b, " (%s)", eng_node_name(m, t->culprit));
	if (inv == ENG_INV_WINDOW && last)
		textbuf_printf(b, " (ends at %lld s, window %lld s)", (long long)last->clock, (long long)eng_model_plan(m)->window);
	textbuf_putc(b, '\n');
}

/* Two held cases of the same kind: the same step of `each node` (or its failure step), for the same reason. */
static bool same_hold(const struct eng_model *m, const struct sim_held *a, const struct sim_held *b)
{
	return a->failure_step == b->failure_step && a->why == b->why &&
	       eng_step_at(m, a->step)->item == eng_step_at(m, b->step)->item;
}

/* Whether a held case of the same kind as r->held[first] has this node (or, with node ENG_NONE, this step). */
static bool kind_has(const struct eng_model *m, const struct sim_result *r, size_t first, uint32_t node,
		     uint32_t step)
{
	for (size_t k = first; k < r->held_len; k++)
		if (same_hold(m, &r->held[k], &r->held[first]) &&
		    (node != ENG_NONE ? r->held[k].node == node : r->held[k].step == step))
			return true;
	return false;
}

/*
 * The nodes the plan holds out of service, one line per kind of hold, in
 * node and step order: "held: FSNODE1, FSNODE2, when patch fails (steps
 * 3, 6): why".
 */
static void write_held_text(struct textbuf *b, const struct sim_result *r)
{
	const struct eng_model *m = r->model;
	for (size_t i = 0; i < r->held_len; i++) {
		const struct sim_held *h = &r->held[i];
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = same_hold(m, &r->held[k], h);
		if (seen)
			continue;
		const struct eng_step *st = eng_step_at(m, h->step);
		textbuf_puts(b, "held:");
		for (uint32_t node = 0; node < eng_node_count(m); node++)
			if (kind_has(m, r, i, node, 0))
				textbuf_printf(b, " %s,", eng_node_name(m, node));
		if (h->failure_step)
			textbuf_printf(b, " when %s, the failure step of %s, fails (step", st->restore->name, st->item->name);
		else
			textbuf_printf(b, " when %s fails (step", st->item->name);
		size_t count = 0;
		for (uint32_t step = 1; step <= eng_step_count(m); step++)
			count += kind_has(m, r, i, ENG_NONE, step);
		const char *sep = count == 1 ? " " : "s ";
		for (uint32_t step = 1; step <= eng_step_count(m); step++)
			if (kind_has(m, r, i, ENG_NONE, step)) {
				textbuf_printf(b, "%s%u", sep, step);
				sep = ", ";
			}
		textbuf_printf(b, "): %s\n", h->why);
	}
}

void sim_write_text(struct textbuf *b, const struct sim_result *r)
{
	const struct eng_model *m = r->model;
	const struct lw_plan *p = eng_model_plan(m);
	textbuf_printf(b, "plan %s: %u node%s, %zu phase%s, %u step%s, up to %u fault%s%s\n", p->name,
		       eng_node_count(m), eng_node_count(m) == 1 ? "" : "s", p->phases.len,
		       p->phases.len == 1 ? "" : "s", eng_step_count(m), eng_step_count(m) == 1 ? "" : "s", r->faults,
		       r->faults == 1 ? "" : "s", p->unchecked ? " (check rejects this plan)" : "");
	textbuf_puts(b, "faults tried:");
	const char *sep = " ";
	for (int f = 0; f < SIM_FAULT_KINDS && r->faults; f++)
		if (fault_applies(m, (enum sim_fault)f)) {
			textbuf_printf(b, "%s%s", sep, fault_texts[f]);
			sep = "; ";
		}
	textbuf_puts(b, r->faults ? "\n" : " none\n");
	if (r->gave_up) {
		textbuf_printf(b, "explored: gave up after %zu distinct states: nothing is proven\n", r->states);
		return;
	}
	textbuf_printf(b, "explored: %llu run%s, %zu distinct state%s, %zu end state%s\n", (unsigned long long)r->paths,
		       r->paths == 1 ? "" : "s", r->states, r->states == 1 ? "" : "s", r->end_states,
		       r->end_states == 1 ? "" : "s");
	textbuf_puts(b, "ends:");
	bool first = true;
	for (int st = 0; st < ENG_STAGE_KINDS; st++)
		if (r->stage_ends[st]) {
			textbuf_printf(b, "%s %s %zu", first ? "" : ",", eng_stage_word((enum eng_stage)st), r->stage_ends[st]);
			first = false;
		}
	textbuf_puts(b, first ? " none\n" : "\n");
	for (int inv = 0; inv < ENG_INVARIANT_KINDS; inv++)
		textbuf_printf(b, "  %-8s  %-15s  %s\n", r->violated & ENG_INV_BIT(inv) ? "violated" : "held",
			       eng_invariant_word((enum eng_invariant)inv), eng_invariant_text((enum eng_invariant)inv));
	write_held_text(b, r);
	for (int inv = 0; inv < ENG_INVARIANT_KINDS; inv++)
		if (r->violated & ENG_INV_BIT(inv))
			write_trace_text(b, r, (enum eng_invariant)inv);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_str(struct textbuf *b, const char *s)
{
	textbuf_putc(b, '"');
	esc_json_append(b, s, strlen(s));
	textbuf_putc(b, '"');
}

static void json_step(struct textbuf *b, const struct eng_model *m, uint32_t number, bool failure_step)
{
	const struct eng_step *st = eng_step_at(m, number);
	if (!st) {
		textbuf_puts(b, "null");
		return;
	}
	textbuf_printf(b, "{\"number\": %u, \"phase\": %u, \"index\": %u, \"name\": ", st->number, st->phase->number,
		       st->index);
	json_str(b, st->item->name);
	textbuf_puts(b, ", \"failure_step\": ");
	if (failure_step && st->restore)
		json_str(b, st->restore->name);
	else
		textbuf_puts(b, "null");
	textbuf_putc(b, '}');
}

static void json_nodes(struct textbuf *b, const struct eng_state *s)
{
	const struct eng_model *m = s->model;
	textbuf_puts(b, "\"nodes\": [");
	for (uint32_t i = 0; i < eng_node_count(m); i++) {
		textbuf_puts(b, i ? ", {\"name\": " : "{\"name\": ");
		json_str(b, eng_node_name(m, i));
		textbuf_puts(b, ", \"state\": ");
		json_str(b, node_state_word(s, i));
		textbuf_putc(b, '}');
	}
	textbuf_printf(b, "], \"votes\": %u, \"role_on\": ", eng_votes(s));
	if (eng_model_plan(m)->role && s->role_at != ENG_NONE)
		json_str(b, eng_node_name(m, s->role_at));
	else
		textbuf_puts(b, "null");
}

static void json_trace(struct textbuf *b, const struct sim_result *r, enum eng_invariant inv)
{
	const struct sim_trace *t = &r->counterexample[inv];
	const struct eng_model *m = r->model;
	textbuf_puts(b, "{\"invariant\": ");
	json_str(b, eng_invariant_word(inv));
	textbuf_printf(b, ", \"faults\": %u, \"at_end\": %s, \"node\": ", t->faults, t->ends ? "true" : "false");
	if (t->culprit != ENG_NONE)
		json_str(b, eng_node_name(m, t->culprit));
	else
		textbuf_puts(b, "null");
	textbuf_puts(b, ", \"events\": [");
	for (size_t i = 0; i < t->len; i++) {
		const struct sim_move *mv = &t->moves[i];
		const struct eng_event *ev = &mv->event;
		bool stepped = ev->kind != ENG_EV_PREFLIGHT && ev->kind != ENG_EV_NODE_LOST &&
			       ev->kind != ENG_EV_WITNESS_OFFLINE;
		textbuf_printf(b, "%s{\"time\": %lld, \"event\": ", i ? ", " : "", (long long)mv->at);
		json_str(b, eng_event_word(ev->kind));
		textbuf_printf(b, ", \"fault\": %s, \"step\": ", mv->fault ? "true" : "false");
		if (stepped)
			json_step(b, m, ev->step, ev->failure_step);
		else
			textbuf_puts(b, "null");
		textbuf_puts(b, ", \"target\": ");
		bool has = ev->kind != ENG_EV_START && ev->kind != ENG_EV_WITNESS_OFFLINE && ev->node != ENG_NONE;
		if (has)
			json_str(b, eng_node_name(m, ev->node));
		else
			textbuf_puts(b, "null");
		textbuf_puts(b, ", ");
		json_nodes(b, mv->after);
		textbuf_puts(b, ", \"stage\": ");
		json_str(b, eng_stage_word(mv->after->stage));
		textbuf_putc(b, '}');
	}
	textbuf_puts(b, "], \"end\": ");
	const struct eng_state *last = t->len ? t->moves[t->len - 1].after : NULL;
	if (t->ends && last) {
		textbuf_printf(b, "{\"time\": %lld, \"stage\": ", (long long)last->clock);
		json_str(b, eng_stage_word(last->stage));
		textbuf_puts(b, ", \"failed_step\": ");
		json_step(b, m, last->failed_step, false);
		textbuf_putc(b, '}');
	} else {
		textbuf_puts(b, "null");
	}
	textbuf_putc(b, '}');
}

void sim_write_json(struct textbuf *b, const struct sim_result *r)
{
	const struct eng_model *m = r->model;
	const struct lw_plan *p = eng_model_plan(m);
	textbuf_puts(b, "{\"plan\": ");
	json_str(b, p->name);
	textbuf_printf(b, ", \"checked\": %s, \"nodes\": %u, \"phases\": %zu, \"steps\": %u, \"faults\": %u, "
		       "\"window\": %lld, \"votes\": %u, \"votes_needed\": %u, \"gave_up\": %s, ",
		       p->unchecked ? "false" : "true", eng_node_count(m), p->phases.len, eng_step_count(m), r->faults,
		       (long long)p->window, eng_votes_total(m), eng_votes_needed(m), r->gave_up ? "true" : "false");
	textbuf_puts(b, "\"faults_tried\": [");
	bool any = false;
	for (int f = 0; f < SIM_FAULT_KINDS && r->faults; f++)
		if (fault_applies(m, (enum sim_fault)f)) {
			textbuf_printf(b, "%s\"%s\"", any ? ", " : "", fault_words[f]);
			any = true;
		}
	textbuf_puts(b, "], ");
	textbuf_printf(b, "\"explored\": {\"runs\": %llu, \"states\": %zu, \"end_states\": %zu}, \"ends\": {",
		       (unsigned long long)r->paths, r->states, r->end_states);
	bool first = true;
	for (int st = 0; st < ENG_STAGE_KINDS; st++)
		if (r->stage_ends[st]) {
			textbuf_puts(b, first ? "" : ", ");
			json_str(b, eng_stage_word((enum eng_stage)st));
			textbuf_printf(b, ": %zu", r->stage_ends[st]);
			first = false;
		}
	textbuf_puts(b, "}, \"invariants\": [");
	for (int inv = 0; inv < ENG_INVARIANT_KINDS; inv++) {
		textbuf_puts(b, inv ? ", {\"name\": " : "{\"name\": ");
		json_str(b, eng_invariant_word((enum eng_invariant)inv));
		textbuf_puts(b, ", \"text\": ");
		json_str(b, eng_invariant_text((enum eng_invariant)inv));
		textbuf_printf(b, ", \"held\": %s}", r->gave_up ? "null"
					: r->violated & ENG_INV_BIT(inv) ? "false" : "true");
	}
	textbuf_puts(b, "], \"held_nodes\": [");
	for (size_t i = 0; i < r->held_len; i++) {
		const struct sim_held *h = &r->held[i];
		textbuf_puts(b, i ? ", {\"node\": " : "{\"node\": ");
		json_str(b, eng_node_name(m, h->node));
		textbuf_puts(b, ", \"step\": ");
		json_step(b, m, h->step, h->failure_step);
		textbuf_puts(b, ", \"why\": ");
		json_str(b, h->why);
		textbuf_putc(b, '}');
	}
	textbuf_puts(b, "], \"counterexamples\": [");
	first = true;
	for (int inv = 0; inv < ENG_INVARIANT_KINDS; inv++)
		if (r->violated & ENG_INV_BIT(inv)) {
			textbuf_puts(b, first ? "" : ", ");
			json_trace(b, r, (enum eng_invariant)inv);
			first = false;
		}
	textbuf_puts(b, "]}");
}

/* ---- one run with one given fault ------------------------------------------------------- */

bool sim_fault_parse(struct arena *arena, const struct eng_model *model, const char *text, struct sim_fault_spec *out,
		     const char **why)
{
	*out = (struct sim_fault_spec){.kind = -1, .step = 0, .node = ENG_NONE, .text = text};
	size_t word = strcspn(text, "@:");
	for (int f = 0; f < SIM_FAULT_KINDS; f++)
		if (strlen(fault_words[f]) == word && strncmp(text, fault_words[f], word) == 0)
			out->kind = f;
	if (out->kind < 0) {
		*why = "it names no fault: write KIND[@STEP][:NODE], KIND one of step-fails, step-times-out, "
		       "failure-step-fails, pending-restart, node-lost, role-elsewhere, witness-offline";
		return false;
	}
	const char *p = text + word;
	if (*p == '@') {
		char *end;
		unsigned long step = strtoul(p + 1, &end, 10);
		if (end == p + 1 || step == 0 || step > eng_step_count(model)) {
			*why = arena_printf(arena, "its step is not a step of the plan: give a number from 1 to %u",
					    eng_step_count(model));
			return false;
		}
		out->step = (uint32_t)step;
		p = end;
	}
	if (*p == ':') {
		out->node = eng_node_find(model, p + 1);
		if (out->node == ENG_NONE) {
			*why = arena_printf(arena, "'%s' is not a node of the plan's cluster", p + 1);
			return false;
		}
		p += strlen(p);
	}
	if (*p) {
		*why = "write KIND[@STEP][:NODE], as in step-fails@2:EXNODE1";
		return false;
	}
	return true;
}

/* Whether a fault move is the given fault, at its place. */
static bool is_the_fault(const struct eng_state *s, const struct move *mv, const struct sim_fault_spec *f)
{
	const struct eng_event *ev = &mv->event;
	bool kind;
	uint32_t step = ev->step;
	switch ((enum sim_fault)f->kind) {
	case SIM_FAULT_FAILS: kind = ev->kind == ENG_EV_FAILED && !ev->failure_step; break;
	case SIM_FAULT_TIMES_OUT:
		kind = (ev->kind == ENG_EV_TIMED_OUT || ev->kind == ENG_EV_SILENT) && !ev->failure_step;
		break;
	case SIM_FAULT_FAILURE_STEP: kind = ev->kind == ENG_EV_FAILED && ev->failure_step; break;
	case SIM_FAULT_PENDING: kind = ev->kind == ENG_EV_PENDING_RESTART; break;
	case SIM_FAULT_NODE_LOST:
	case SIM_FAULT_WITNESS:
		/* faults between two steps: STEP is the step they happen before, as the run notices them */
		kind = ev->kind == (f->kind == SIM_FAULT_NODE_LOST ? ENG_EV_NODE_LOST : ENG_EV_WITNESS_OFFLINE);
		step = s->stage == ENG_PREFLIGHT ? 1 : s->step + 1;
		break;
	case SIM_FAULT_ROLE: kind = ev->kind == ENG_EV_PREFLIGHT; step = 0; break;
	case SIM_FAULT_KINDS:
	default: return false;
	}
	return kind && mv->fault && (!f->step || f->step == step) && (f->node == ENG_NONE || f->node == ev->node);
}

void sim_run_fault(struct arena *arena, const struct eng_model *model, const struct sim_fault_spec *fault,
		   struct sim_run *out)
{
	*out = (struct sim_run){.model = model, .fault = fault};
	struct eng_state *s = eng_state_new(arena, model);
	struct move *moves = arena_calloc(arena, eng_node_count(model) + 8, sizeof *moves);
	/* every move ends a target's wait, starts a step or ends the run: the run is bounded by the plan */
	size_t bound = 8 + 4 * (size_t)eng_step_count(model) * (eng_node_count(model) + 2);
	for (; out->events < bound; out->events++) {
		size_t n = moves_from(s, !out->applied, moves);
		if (n == 0)
			break;
		size_t pick = 0; /* the first move is the one without a fault */
		for (size_t i = 1; i < n && !out->applied; i++)
			if (is_the_fault(s, &moves[i], fault)) {
				pick = i;
				out->applied = true;
				out->happened = moves[i].event;
			}
		apply_move(s, &moves[pick]);
	}
	out->end = s;
}

void sim_write_run_text(struct textbuf *b, const struct sim_run *r)
{
	const struct lw_plan *p = eng_model_plan(r->model);
	textbuf_printf(b, "plan %s with fault %s: ", p->name, r->fault->text);
	if (r->applied)
		put_event(b, r->model, &(struct sim_move){.event = r->happened, .fault = true});
	else
		textbuf_puts(b, "it found no place to happen");
	textbuf_printf(b, "; the run ends %s.\nNodes:", eng_stage_word(r->end->stage));
	for (uint32_t i = 0; i < eng_node_count(r->model); i++)
		textbuf_printf(b, "%s %s %s", i ? "," : "", eng_node_name(r->model, i), node_state_word(r->end, i));
	textbuf_puts(b, "\n");
}

void sim_write_run_json(struct textbuf *b, const struct sim_run *r)
{
	const struct lw_plan *p = eng_model_plan(r->model);
	textbuf_puts(b, "{\"plan\": ");
	json_str(b, p->name);
	textbuf_puts(b, ", \"fault\": {\"kind\": ");
	json_str(b, fault_words[r->fault->kind]);
	if (r->fault->step)
		textbuf_printf(b, ", \"step\": %u", r->fault->step);
	else
		textbuf_puts(b, ", \"step\": null");
	textbuf_puts(b, ", \"node\": ");
	if (r->fault->node != ENG_NONE)
		json_str(b, eng_node_name(r->model, r->fault->node));
	else
		textbuf_puts(b, "null");
	textbuf_printf(b, "}, \"applied\": %s, \"events\": %zu, \"end\": ", r->applied ? "true" : "false", r->events);
	json_str(b, eng_stage_word(r->end->stage));
	textbuf_puts(b, ", \"nodes\": [");
	for (uint32_t i = 0; i < eng_node_count(r->model); i++) {
		textbuf_puts(b, i ? ", {\"node\": " : "{\"node\": ");
		json_str(b, eng_node_name(r->model, i));
		textbuf_puts(b, ", \"state\": ");
		json_str(b, node_state_word(r->end, i));  /* "pending-restart" and "lost" before the state */
		textbuf_puts(b, "}");
	}
	textbuf_puts(b, "]}");
}
