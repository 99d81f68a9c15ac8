/*
 * test_engine.c - the execution engine (runtime/engine.h) and the
 * simulator (runtime/simulate.h) on plans compiled from the examples and
 * the golden plans: a whole window, refusals that change nothing, each
 * failure behaviour, Pending Restart, a lost node, the role elsewhere,
 * the clock, snapshots, and the invariants the plan's steps break.
 *
 * Runs from the top of the source tree (make unit does).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "front/load.h"
#include "lower/lower.h"
#include "runtime/engine.h"
#include "runtime/simulate.h"
#include "sema/check.h"
#include "sema/resolve.h"

struct compiled {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	struct lw_program program;
	const struct eng_model *model;
	struct eng_state *s;
};

/* Compiles `path` (with unchecked plans too) and builds the engine's model of its first plan. */
static struct compiled *compile(const char *path)
{
	struct compiled *c = calloc(1, sizeof *c);
	assert_non_null(c);
	arena_init(&c->arena);
	src_init(&c->sm, &c->arena);
	diag_init(&c->diags, &c->arena, &c->sm);
	struct load_options lo = {.stdlib_dir = "stdlib"};
	struct program program;
	assert_int_equal(load_program(&c->arena, &c->sm, &c->diags, &lo, path, &program), LOAD_OK);
	struct world world;
	resolve_program(&c->arena, &c->sm, &c->diags, &program, &world);
	struct checked_program checked;
	check_program(&c->arena, &c->diags, &world, &checked);
	struct lower_options opts = {.unchecked = true};
	lower_program(&c->arena, &world, &checked, &opts, &c->program);
	assert_true(c->program.plans.len >= 1);
	const char *why = NULL;
	c->model = eng_model_new(&c->arena, c->program.plans.items[0], &why);
	assert_null(why);
	assert_non_null(c->model);
	c->s = eng_state_new(&c->arena, c->model);
	return c;
}

static void release(struct compiled *c)
{
	arena_free(&c->arena);
	free(c);
}

static enum eng_refusal apply(struct compiled *c, enum eng_event_kind kind, uint32_t step, uint32_t node)
{
	struct eng_event ev = {.kind = kind, .step = step, .node = node};
	return eng_apply(c->s, &ev);
}

static enum eng_refusal apply_failure_step(struct compiled *c, enum eng_event_kind kind, uint32_t step,
					   uint32_t node)
{
	struct eng_event ev = {.kind = kind, .step = step, .node = node, .failure_step = true};
	return eng_apply(c->s, &ev);
}

/* Starts step `number` and has every target succeed. */
static void run_step(struct compiled *c, uint32_t number)
{
	assert_int_equal(apply(c, ENG_EV_START, number, 0), ENG_OK);
	uint32_t targets[16];
	size_t n = eng_targets(c->model, c->s, number, false, targets);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(apply(c, ENG_EV_SUCCEEDED, number, targets[i]), ENG_OK);
}

static const char *state_of(const struct compiled *c, uint32_t node)
{
	return eng_node_state_def(c->model, c->s->nodes[node].state)->name;
}

/* ---- the model ---------------------------------------------------------------------------- */

static void seed_model_has_the_recipe(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	const struct eng_model *m = c->model;
	assert_int_equal(eng_node_count(m), 2);
	assert_int_equal(eng_step_count(m), 9);
	assert_string_equal(eng_node_name(m, 0), "EXNODE1");
	assert_int_equal(eng_node_find(m, "exnode2"), 1); /* Windows names ignore case */
	assert_int_equal(eng_node_find(m, "EXNODE3"), ENG_NONE);
	assert_int_equal(eng_votes_total(m), 3);  /* two nodes and the witness */
	assert_int_equal(eng_votes_needed(m), 2);

	const struct eng_step *pause = eng_step_at(m, 1), *patch = eng_step_at(m, 3), *move = eng_step_at(m, 5);
	assert_string_equal(pause->item->name, "pause");
	assert_true(pause->takes_out);
	assert_non_null(pause->restore);
	assert_string_equal(pause->restore->name, "resume");
	assert_string_equal(patch->item->name, "patch");
	assert_int_equal(patch->failure, LW_FAILURE_HOLD);
	assert_true(patch->clears_restart);      /* the baseline ends with a restart */
	assert_false(patch->may_leave_pending);
	assert_string_equal(move->item->name, "move-mailbox");
	assert_true(move->moves_role);
	assert_null(eng_step_at(m, 0));
	assert_null(eng_step_at(m, 10));

	uint32_t targets[4];
	assert_int_equal(eng_targets(m, c->s, 1, false, targets), 1);
	assert_int_equal(targets[0], 0);
	assert_int_equal(eng_targets(m, c->s, 5, false, targets), 1);
	assert_int_equal(targets[0], 1);
	/* nothing is out of service yet: a failure step has no target */
	assert_int_equal(eng_targets(m, c->s, 2, true, targets), 0);

	bool waits = false;
	for (size_t i = 0; i < eng_node_state_count(m); i++)
		waits |= eng_node_state_def(m, i)->waits;
	assert_true(waits); /* pending-restart */
	release(c);
}

/* ---- a whole window ------------------------------------------------------------------------- */

static void seed_runs_to_the_end(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	struct eng_duty due = eng_due(c->s);
	assert_int_equal(due.kind, ENG_DUTY_PREFLIGHT);
	assert_int_equal(apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE), ENG_OK);
	for (uint32_t k = 1; k <= 9; k++) {
		due = eng_due(c->s);
		assert_int_equal(due.kind, ENG_DUTY_START);
		assert_int_equal(due.step, k);
		run_step(c, k);
		assert_int_equal(c->s->broken_now, 0);
		if (k == 1)
			assert_string_equal(state_of(c, 0), "paused");
	}
	assert_int_equal(c->s->stage, ENG_DONE);
	assert_true(eng_over(c->s));
	assert_int_equal(eng_due(c->s).kind, ENG_DUTY_END);
	assert_int_equal(c->s->role_moves, 1);   /* move-mailbox, once */
	assert_int_equal(c->s->role_at, 0);
	assert_int_equal(eng_votes(c->s), 3);
	assert_int_equal(eng_finish(c->s), 0);
	assert_int_equal(c->s->broken, 0);
	assert_int_equal(apply(c, ENG_EV_START, 1, 0), ENG_REFUSE_OVER);
	release(c);
}

static void worst_remaining_follows_the_run(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	const struct lw_plan *p = eng_model_plan(c->model);
	assert_int_equal(eng_worst_remaining(c->s), p->worst_case); /* before the start: check's worst case */
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	assert_int_equal(eng_worst_remaining(c->s), p->worst_case);
	apply(c, ENG_EV_START, 1, 0);
	struct eng_event t = {.kind = ENG_EV_TIME, .seconds = 10 * 60};
	eng_apply(c->s, &t);
	assert_int_equal(eng_worst_remaining(c->s), p->worst_case - 10 * 60);
	apply(c, ENG_EV_SUCCEEDED, 1, 0);
	assert_int_equal(eng_worst_remaining(c->s), p->worst_case - 15 * 60); /* the pause's timeout is spent */
	for (uint32_t k = 2; k <= 9; k++)
		run_step(c, k);
	assert_int_equal(eng_worst_remaining(c->s), 0);
	release(c);
}

static void refusals_change_nothing(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	struct eng_state *before = eng_state_new(&c->arena, c->model);
	assert_int_equal(apply(c, ENG_EV_START, 1, 0), ENG_REFUSE_OUT_OF_ORDER); /* pre-flight first */
	assert_int_equal(apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE), ENG_OK);
	eng_state_copy(before, c->s);
	assert_int_equal(apply(c, ENG_EV_START, 2, 0), ENG_REFUSE_OUT_OF_ORDER);
	assert_int_equal(apply(c, ENG_EV_START, 99, 0), ENG_REFUSE_UNKNOWN_STEP);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 0), ENG_REFUSE_NOT_RUNNING);
	assert_int_equal(apply_failure_step(c, ENG_EV_START, 1, 0), ENG_REFUSE_NO_FAILURE_STEP);
	assert_true(eng_state_equal(before, c->s));

	assert_int_equal(apply(c, ENG_EV_START, 1, 0), ENG_OK);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 1), ENG_REFUSE_NOT_TARGET);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 7), ENG_REFUSE_UNKNOWN_NODE);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 0), ENG_OK);
	eng_state_copy(before, c->s);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 0), ENG_REFUSE_NOT_RUNNING); /* a second done */
	assert_true(eng_state_equal(before, c->s));
	assert_string_equal(eng_refusal_text(ENG_REFUSE_OUT_OF_ORDER), "not the step the plan allows now");
	release(c);
}

/* ---- failures ----------------------------------------------------------------------------- */

static void stop_runs_the_failure_step(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	assert_int_equal(apply(c, ENG_EV_START, 2, 0), ENG_OK);
	assert_int_equal(apply(c, ENG_EV_FAILED, 2, 0), ENG_OK);
	struct eng_duty due = eng_due(c->s);
	assert_int_equal(due.kind, ENG_DUTY_FAILURE_STEP);
	assert_int_equal(due.step, 2);
	assert_int_equal(due.then, ENG_STOPPED);
	assert_int_equal(apply(c, ENG_EV_START, 3, 0), ENG_REFUSE_OUT_OF_ORDER);
	uint32_t targets[4];
	assert_int_equal(eng_targets(c->model, c->s, 2, true, targets), 1);
	assert_int_equal(apply_failure_step(c, ENG_EV_START, 2, 0), ENG_OK);
	assert_int_equal(eng_due(c->s).kind, ENG_DUTY_WAIT);
	assert_true(eng_due(c->s).failure_step);
	assert_int_equal(apply_failure_step(c, ENG_EV_SUCCEEDED, 2, 0), ENG_OK);
	assert_int_equal(c->s->stage, ENG_STOPPED);
	assert_string_equal(state_of(c, 0), "online");
	assert_int_equal(c->s->failed_step, 2);
	assert_int_equal(eng_finish(c->s), 0);
	release(c);
}

static void hold_leaves_the_node_to_a_person(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	run_step(c, 2);
	assert_int_equal(apply(c, ENG_EV_START, 3, 0), ENG_OK);
	assert_int_equal(apply(c, ENG_EV_FAILED, 3, 0), ENG_OK);
	assert_int_equal(c->s->stage, ENG_HELD);
	assert_int_equal(eng_due(c->s).failure, LW_FAILURE_HOLD);
	assert_int_equal(eng_finish(c->s), 0);   /* held, not a violation */
	assert_non_null(eng_held_why(c->s, 0));
	assert_null(eng_held_why(c->s, 1));      /* in service */
	release(c);
}

static void failed_failure_step_is_held(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	apply(c, ENG_EV_START, 2, 0);
	apply(c, ENG_EV_TIMED_OUT, 2, 0);
	assert_int_equal(c->s->clock, 30 * 60); /* the pause took no time; move-groups ran to its timeout */
	apply_failure_step(c, ENG_EV_START, 2, 0);
	assert_int_equal(apply_failure_step(c, ENG_EV_FAILED, 2, 0), ENG_OK);
	assert_int_equal(c->s->stage, ENG_HELD);
	assert_int_equal(eng_finish(c->s), 0);
	assert_non_null(eng_held_why(c->s, 0));
	release(c);
}

static void time_passing_the_deadline_times_out(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	apply(c, ENG_EV_START, 1, 0);
	assert_int_equal(eng_due(c->s).deadline, 15 * 60);
	struct eng_event t = {.kind = ENG_EV_TIME, .seconds = 15 * 60};
	assert_int_equal(eng_apply(c->s, &t), ENG_OK);
	assert_int_equal(c->s->stage, ENG_RUNNING); /* at the deadline, not past it */
	t.seconds = 1;
	assert_int_equal(eng_apply(c->s, &t), ENG_OK);
	assert_int_equal(c->s->stage, ENG_STOPPED); /* the pause timed out: the node stayed online */
	assert_int_equal(c->s->failed_step, 1);
	t.seconds = -1;
	assert_int_equal(eng_apply(c->s, &t), ENG_REFUSE_NEGATIVE_TIME);
	release(c);
}

/* ---- Pending Restart ------------------------------------------------------------------------ */

static void pending_restart_in_a_step_that_restarts(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	run_step(c, 2);
	apply(c, ENG_EV_START, 3, 0);
	assert_int_equal(apply(c, ENG_EV_PENDING_RESTART, 3, 0), ENG_OK);
	assert_int_equal(c->s->broken_now, 0);  /* its baseline's restart ends the wait */
	assert_true(c->s->nodes[0].pending);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 3, 0), ENG_OK);
	assert_false(c->s->nodes[0].pending);
	release(c);
}

static void pending_restart_nothing_clears_is_unbounded(void **unused)
{
	(void)unused;
	struct compiled *c = compile("tests/golden/check-pending-restart-without-restart.plan");
	assert_true(eng_step_at(c->model, 3)->may_leave_pending);
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	run_step(c, 2);
	apply(c, ENG_EV_START, 3, 0);
	assert_int_equal(apply(c, ENG_EV_PENDING_RESTART, 3, 0), ENG_OK);
	assert_int_equal(c->s->broken_now, ENG_INV_BIT(ENG_INV_BOUNDED_WAIT));
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 3, 0), ENG_REFUSE_ALREADY);
	release(c);
}

/*
 * `restart as-step`: under "Continue Plan" the patch step ends on a node
 * that enters Pending Restart, and the restart step after it clears it;
 * a node still pending when the restart step's time is up has failed,
 * and the plan holds it.
 */
static void pending_restart_ends_the_patch_step_before_a_restart_step(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008-restart-step.plan");
	assert_int_equal(eng_step_count(c->model), 11);
	const struct eng_step *patch = eng_step_at(c->model, 3), *restart = eng_step_at(c->model, 4);
	assert_string_equal(patch->item->name, "patch");
	assert_true(patch->may_leave_pending);
	assert_true(patch->pending_succeeds);
	assert_string_equal(restart->item->name, "restart");
	assert_true(restart->clears_restart);
	assert_false(restart->pending_succeeds);
	assert_int_equal(restart->timeout, 40 * 60);
	assert_int_equal(restart->failure, LW_FAILURE_HOLD);
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	run_step(c, 2);
	apply(c, ENG_EV_START, 3, 0);
	assert_int_equal(apply(c, ENG_EV_PENDING_RESTART, 3, 0), ENG_OK);
	assert_int_equal(c->s->broken_now, 0);
	assert_true(c->s->nodes[0].pending);
	assert_int_equal(c->s->stage, ENG_BETWEEN); /* the patch step is done on its one target */
	assert_string_equal(state_of(c, 0), "patched");

	struct compiled *held = compile("examples/exchange2007-windows2008-restart-step.plan");
	memcpy(held->s, c->s, eng_state_size(c->model));
	held->s->model = held->model;
	run_step(c, 4);
	assert_false(c->s->nodes[0].pending);

	/* the fault: the node stays in Pending Restart past the restart step's timeout */
	apply(held, ENG_EV_START, 4, 0);
	assert_int_equal(apply(held, ENG_EV_PENDING_RESTART, 4, 0), ENG_OK);
	assert_int_equal(held->s->broken_now, 0);  /* the restart step's timeout bounds it */
	assert_int_equal(apply(held, ENG_EV_TIMED_OUT, 4, 0), ENG_OK);
	assert_int_equal(held->s->stage, ENG_HELD);
	release(held);
	release(c);
}

/* ---- faults outside the plan ---------------------------------------------------------------- */

static void role_elsewhere_stops_before_the_first_step(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	assert_int_equal(apply(c, ENG_EV_PREFLIGHT, 0, 0), ENG_OK); /* the role runs on EXNODE1 */
	assert_int_equal(c->s->stage, ENG_NOT_STARTED);
	assert_int_equal(eng_finish(c->s), 0);
	release(c);

	c = compile("examples/exchange2007-windows2008.plan");
	assert_int_equal(apply(c, ENG_EV_PREFLIGHT_FAILED, 0, 0), ENG_OK); /* a prerequisite is missing */
	assert_int_equal(c->s->stage, ENG_NOT_STARTED);
	assert_int_equal(apply(c, ENG_EV_PREFLIGHT_FAILED, 0, 0), ENG_REFUSE_OVER);
	release(c);
}

static void lost_node_stops_and_restores_the_phase(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	run_step(c, 1);
	run_step(c, 2);
	assert_int_equal(apply(c, ENG_EV_NODE_LOST, 0, 1), ENG_OK);
	assert_true(c->s->faulted);
	assert_int_equal(c->s->role_at, ENG_NONE); /* nowhere to fail over: the fault's doing, not the plan's */
	assert_int_equal(c->s->broken, 0);
	assert_int_equal(c->s->stage, ENG_RECOVERING);
	assert_int_equal(apply(c, ENG_EV_NODE_LOST, 0, 1), ENG_REFUSE_LOST);
	apply_failure_step(c, ENG_EV_START, 2, 0);
	apply_failure_step(c, ENG_EV_SUCCEEDED, 2, 0);
	assert_int_equal(c->s->stage, ENG_STOPPED);
	assert_int_equal(eng_finish(c->s), 0);
	release(c);
}

static void witness_offline_before_the_start(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	assert_int_equal(apply(c, ENG_EV_WITNESS_OFFLINE, 0, 0), ENG_OK);
	assert_int_equal(eng_votes(c->s), 2);
	assert_int_equal(apply(c, ENG_EV_WITNESS_OFFLINE, 0, 0), ENG_REFUSE_ALREADY);
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	assert_int_equal(c->s->stage, ENG_NOT_STARTED);
	release(c);

	c = compile("examples/file-server-4node.plan"); /* node-majority: no witness */
	assert_int_equal(apply(c, ENG_EV_WITNESS_OFFLINE, 0, 0), ENG_REFUSE_NO_WITNESS);
	release(c);
}

/* ---- invariants ----------------------------------------------------------------------------- */

static void quorum_broken_by_the_plan(void **unused)
{
	(void)unused;
	struct compiled *c = compile("tests/golden/check-availability.plan"); /* 4 nodes, max-down 2 */
	assert_true(((const struct lw_plan *)c->program.plans.items[0])->unchecked);
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	apply(c, ENG_EV_START, 1, 0);
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 0), ENG_OK);
	assert_int_equal(c->s->broken_now, 0);  /* 3 of 4 up */
	assert_int_equal(apply(c, ENG_EV_SUCCEEDED, 1, 1), ENG_OK);
	assert_int_equal(c->s->broken_now, ENG_INV_BIT(ENG_INV_QUORUM));
	assert_int_equal(c->s->culprit, 1);
	release(c);
}

static void role_moved_twice_by_active_first(void **unused)
{
	(void)unused;
	struct compiled *c = compile("tests/golden/check-seed-2008-active-first.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	eng_invset broken = 0;
	for (uint32_t k = 1; k <= eng_step_count(c->model) && !broken; k++) {
		run_step(c, k);
		broken = c->s->broken;
	}
	assert_int_equal(broken, ENG_INV_BIT(ENG_INV_ROLE_ONCE));
	assert_int_equal(c->s->role_moves, 2);
	release(c);
}

static void node_left_out_breaks_restored(void **unused)
{
	(void)unused;
	struct compiled *c = compile("tests/golden/check-node-not-restored-custom-final.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	for (uint32_t k = 1; k <= eng_step_count(c->model) && !eng_over(c->s); k++)
		run_step(c, k);
	assert_int_equal(c->s->stage, ENG_DONE);
	assert_true(eng_finish(c->s) & ENG_INV_BIT(ENG_INV_RESTORED));
	release(c);
}

/* ---- snapshots and answers ------------------------------------------------------------------ */

static void snapshots_are_independent(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/file-server-5node.plan");
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	struct eng_state *copy = eng_state_new(&c->arena, c->model);
	eng_state_copy(copy, c->s);
	assert_true(eng_state_equal(copy, c->s));
	assert_int_equal(eng_state_hash(copy), eng_state_hash(c->s));
	run_step(c, 1);
	assert_false(eng_state_equal(copy, c->s));
	assert_int_equal(copy->stage, ENG_BETWEEN);
	assert_int_equal(copy->step, 0);
	struct eng_state *again = eng_state_new(&c->arena, c->model);
	eng_state_copy(again, copy);
	struct eng_state *keep = c->s;
	c->s = again;
	run_step(c, 1);
	assert_true(eng_state_equal(again, keep)); /* the same events, the same state */
	assert_int_equal(eng_state_size(c->model), sizeof(struct eng_state) + 5 * sizeof(struct eng_node));
	release(c);
}

static void allowed_lists_what_is_accepted(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/file-server-5node.plan");
	struct eng_event ev[64];
	size_t n = eng_allowed(c->s, ev, 64);
	assert_true(n >= 1 && n <= 64);
	assert_int_equal(ev[0].kind, ENG_EV_PREFLIGHT);
	apply(c, ENG_EV_PREFLIGHT, 0, ENG_NONE);
	n = eng_allowed(c->s, ev, 64);
	assert_int_equal(ev[0].kind, ENG_EV_START);
	assert_int_equal(ev[0].step, 1);
	/* every event listed is accepted, on a copy */
	struct eng_state *probe = eng_state_new(&c->arena, c->model);
	apply(c, ENG_EV_START, 1, 0);
	n = eng_allowed(c->s, ev, 64);
	assert_true(n > 2);
	for (size_t i = 0; i < n && i < 64; i++) {
		eng_state_copy(probe, c->s);
		assert_int_equal(eng_apply(probe, &ev[i]), ENG_OK);
	}
	assert_int_equal(eng_allowed(c->s, ev, 0), n); /* the count, whatever the room */
	release(c);
}

static void words_cover_every_kind(void **unused)
{
	(void)unused;
	for (int k = 0; k < ENG_EVENT_KINDS; k++)
		assert_string_not_equal(eng_event_word((enum eng_event_kind)k), "?");
	for (int k = 0; k < ENG_STAGE_KINDS; k++)
		assert_string_not_equal(eng_stage_word((enum eng_stage)k), "?");
	for (int k = 0; k < ENG_INVARIANT_KINDS; k++)
		assert_string_not_equal(eng_invariant_text((enum eng_invariant)k), "?");
	for (int k = 0; k < ENG_DUTY_KINDS; k++)
		assert_string_not_equal(eng_duty_word((enum eng_duty_kind)k), "?");
	for (int k = 0; k < ENG_RESULT_KINDS; k++)
		assert_string_not_equal(eng_result_word((enum eng_result)k), "?");
	assert_string_equal(eng_event_word(ENG_EVENT_KINDS), "?");
	for (int k = 0; k < ENG_EVENT_KINDS; k++) {
		enum eng_event_kind back;
		assert_true(eng_event_kind_of(eng_event_word((enum eng_event_kind)k), &back));
		assert_int_equal(back, k);
	}
	enum eng_event_kind none;
	assert_false(eng_event_kind_of("succeed", &none));
	assert_false(eng_event_kind_of(NULL, &none));
}

/*
 * Random events, as a hostile journal could hold them: whatever comes,
 * a refused event changes nothing, every event eng_allowed() lists is
 * accepted, a run that is over takes nothing but time, the clock never
 * goes back, and the duty always names a step of the plan or the end.
 * A fixed seed: the same events every run.
 */
static void random_events_keep_the_rules(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/file-server-5node.plan");
	struct eng_state *before = eng_state_new(&c->arena, c->model);
	struct eng_event listed[64];
	uint64_t x = 88172645463325252u;
	for (int run = 0; run < 200; run++) {
		eng_state_init(c->s, c->model);
		for (int k = 0; k < 80; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
			struct eng_event ev = {.kind = (enum eng_event_kind)(x % ENG_EVENT_KINDS),
					       .step = (uint32_t)(x >> 8) % 16, .failure_step = (x >> 12) & 1,
					       .node = (uint32_t)(x >> 16) % 7, .seconds = (int64_t)((x >> 20) % 4000) - 100};
			if ((x >> 40) % 4 == 0) { /* often, an event the engine lists as allowed */
				size_t n = eng_allowed(c->s, listed, 64);
				if (n)
					ev = listed[(x >> 44) % (n < 64 ? n : 64)];
			}
			eng_state_copy(before, c->s);
			enum eng_refusal r = eng_apply(c->s, &ev);
			if (r != ENG_OK)
				assert_true(eng_state_equal(before, c->s));
			if (eng_over(before) && ev.kind != ENG_EV_TIME)
				assert_int_equal(r, ENG_REFUSE_OVER);
			assert_true(c->s->clock >= before->clock);
			struct eng_duty due = eng_due(c->s);
			assert_true(due.kind == ENG_DUTY_END || due.kind == ENG_DUTY_PREFLIGHT ||
				    eng_step_at(c->model, due.step) != NULL);
			size_t n = eng_allowed(c->s, listed, 64);
			for (size_t i = 0; i < n && i < 64; i++) {
				eng_state_copy(before, c->s);
				assert_int_equal(eng_apply(before, &listed[i]), ENG_OK);
			}
		}
	}
	release(c);
}

/* ---- the simulator -------------------------------------------------------------------------- */

static void simulate_seed_holds_and_repeats(void **unused)
{
	(void)unused;
	struct compiled *c = compile("examples/exchange2007-windows2008.plan");
	struct sim_options so = {.faults = 2};
	struct sim_result r1, r2;
	sim_explore(&c->arena, c->model, &so, &r1);
	sim_explore(&c->arena, c->model, &so, &r2);
	assert_int_equal(r1.violated, 0);
	assert_false(r1.gave_up);
	assert_true(r1.paths > 1);
	assert_int_equal(r1.stage_ends[ENG_DONE], 1);
	assert_true(r1.held_len > 0);
	struct textbuf a, b;
	textbuf_init(&a, &c->arena);
	textbuf_init(&b, &c->arena);
	sim_write_text(&a, &r1);
	sim_write_text(&b, &r2);
	assert_string_equal(a.data, b.data);

	struct sim_options none = {.faults = 0}, one = {.faults = 1};
	struct sim_result r0, rf1;
	sim_explore(&c->arena, c->model, &none, &r0);
	sim_explore(&c->arena, c->model, &one, &rf1);
	assert_int_equal(r0.paths, 1);          /* no fault: the one run */
	assert_true(rf1.paths > r0.paths && r1.paths > rf1.paths);
	release(c);
}

static void simulate_finds_a_shortest_counterexample(void **unused)
{
	(void)unused;
	struct compiled *c = compile("tests/golden/check-availability.plan");
	struct sim_options so = {.faults = 2};
	struct sim_result r;
	sim_explore(&c->arena, c->model, &so, &r);
	assert_true(r.violated & ENG_INV_BIT(ENG_INV_QUORUM));
	const struct sim_trace *t = &r.counterexample[ENG_INV_QUORUM];
	assert_int_equal(t->faults, 0);
	assert_int_equal(t->len, 4); /* pre-flight, start, two pauses */
	assert_int_equal(t->moves[3].event.kind, ENG_EV_SUCCEEDED);
	assert_int_equal(eng_votes(t->moves[3].after), 2);

	struct sim_options tiny = {.faults = 2, .max_states = 5};
	sim_explore(&c->arena, c->model, &tiny, &r);
	assert_true(r.gave_up);
	release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_model_has_the_recipe),
		cmocka_unit_test(seed_runs_to_the_end),
		cmocka_unit_test(worst_remaining_follows_the_run),
		cmocka_unit_test(refusals_change_nothing),
		cmocka_unit_test(stop_runs_the_failure_step),
		cmocka_unit_test(hold_leaves_the_node_to_a_person),
		cmocka_unit_test(failed_failure_step_is_held),
		cmocka_unit_test(time_passing_the_deadline_times_out),
		cmocka_unit_test(pending_restart_in_a_step_that_restarts),
		cmocka_unit_test(pending_restart_nothing_clears_is_unbounded),
		cmocka_unit_test(pending_restart_ends_the_patch_step_before_a_restart_step),
		cmocka_unit_test(role_elsewhere_stops_before_the_first_step),
		cmocka_unit_test(lost_node_stops_and_restores_the_phase),
		cmocka_unit_test(witness_offline_before_the_start),
		cmocka_unit_test(quorum_broken_by_the_plan),
		cmocka_unit_test(role_moved_twice_by_active_first),
		cmocka_unit_test(node_left_out_breaks_restored),
		cmocka_unit_test(snapshots_are_independent),
		cmocka_unit_test(allowed_lists_what_is_accepted),
		cmocka_unit_test(words_cover_every_kind),
		cmocka_unit_test(random_events_keep_the_rules),
		cmocka_unit_test(simulate_seed_holds_and_repeats),
		cmocka_unit_test(simulate_finds_a_shortest_counterexample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
