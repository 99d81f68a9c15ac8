/*
 * test_lower.c - the seed example, compiled through resolve, check and
 * lower, must come out as the procedure says and as docs/execution.md
 * models it: the passive node first, the role holder last with the
 * mailbox move, every step's Fixlet picked for the OS, one chain of
 * numbered steps whose critical path is the worst case, resume as the
 * failure step from pause on, and a failed patch held for a person.
 *
 * Runs from the top of the source tree (make unit does).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "front/load.h"
#include "lower/lower.h"
#include "sema/check.h"
#include "sema/resolve.h"

struct compiled {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	struct lw_program program;
};

static void compile_file(struct compiled *c, const char *path)
{
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
	lower_program(&c->arena, &world, &checked, NULL, &c->program);
}

/* The plan's step `number`, the number-th a walk lays out: a copy, without the step it waits for. */
static struct lw_step step_of(const struct lw_plan *plan, size_t number)
{
	struct lw_steps walk;
	lw_steps_begin(&walk, plan);
	const struct lw_step *s = NULL;
	for (size_t i = 0; i < number; i++)
		s = lw_steps_next(&walk);
	assert_non_null(s);
	assert_int_equal(s->number, number);
	struct lw_step copy = *s;
	copy.after = NULL;
	return copy;
}

static void seed_2008_lowers_in_procedure_order(void **state)
{
	(void)state;
	struct compiled c;
	compile_file(&c, "examples/exchange2007-windows2008.plan");
	assert_int_equal(c.diags.errors, 0);
	assert_int_equal(c.program.plans.len, 1);
	const struct lw_plan *plan = c.program.plans.items[0];
	assert_string_equal(plan->os, "windows-2008");
	assert_int_equal(plan->nodes.len, 2);

	const struct lw_node *first = plan->nodes.items[0], *last = plan->nodes.items[1];
	assert_string_equal(first->name, "EXNODE1");
	assert_false(first->role_holder);
	assert_string_equal(last->name, "EXNODE2");
	assert_true(last->role_holder);

	/* one node down at a time: two phases, the role holder alone in the last */
	assert_int_equal(plan->phases.len, 2);
	const struct lw_phase *phase1 = plan->phases.items[0], *phase2 = plan->phases.items[1];
	assert_ptr_equal(phase1->nodes.items[0], first);
	assert_ptr_equal(phase2->nodes.items[0], last);
	assert_ptr_equal(first->phase, phase1);

	/* the passive node's phase does not run the mailbox move; the active node's runs it first */
	assert_int_equal(phase1->step_count, 4);
	assert_int_equal(phase2->step_count, 5);
	assert_int_equal(plan->step_count, 9);
	assert_string_equal(step_of(plan, 5).item->name, "move-mailbox");
	assert_int_equal(step_of(plan, 5).item->fixlet->id, 121);
	assert_int_equal(step_of(plan, 5).index, 1);

	/* Windows 2008 variants: pause 116, move groups 114, resume 115 */
	assert_string_equal(step_of(plan, 1).item->name, "pause");
	assert_int_equal(step_of(plan, 1).item->fixlet->id, 116);
	assert_int_equal(step_of(plan, 2).item->fixlet->id, 114);
	assert_int_equal(step_of(plan, 4).item->fixlet->id, 115);

	/* the patch runs the plan's Baseline: its components, ending with the restart Fixlet */
	const struct lw_step patch_step = step_of(plan, 3), *patch = &patch_step;
	assert_int_equal(patch->item->kind, LW_STEP_BASELINE);
	assert_int_equal(plan->baselines.len, 1);
	assert_ptr_equal(patch->item->baseline, plan->baselines.items[0]);
	assert_ptr_equal(step_of(plan, 8).item->baseline, patch->item->baseline);
	assert_true(patch->item->baseline->components.len >= 2);
	const struct lw_baseline *bl = patch->item->baseline;
	const struct lw_component *restart = bl->components.items[bl->components.len - 1];
	assert_int_equal(restart->fixlet->restart, LW_RESTART_CLEARS);

	/* one chain: each step waits for the one before; the worst case is its length */
	int64_t finish = 0;
	struct lw_steps walk;
	lw_steps_begin(&walk, plan);
	size_t n = 0;
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		assert_int_equal(s->number, ++n);
		assert_int_equal(s->after != NULL, n > 1);
		if (n > 1)
			assert_int_equal(s->after->number, n - 1);
		assert_int_equal(s->start, finish);
		finish += s->item->timeout;
	}
	assert_int_equal(n, plan->step_count);
	assert_int_equal(plan->worst_case, finish);

	/* what a step runs is lowered once and shared by every phase's step of that item */
	assert_int_equal(plan->items.len, 5);
	assert_ptr_equal(step_of(plan, 6).item, step_of(plan, 1).item);
	assert_ptr_equal(step_of(plan, 8).item, patch->item);

	/* a phase's own walk: its steps, numbered on from the phase before, in the states they find */
	assert_int_equal(phase2->first_step, 5);
	lw_steps_begin_phase(&walk, plan, phase2);
	const struct lw_step *mm = lw_steps_next(&walk);
	assert_int_equal(mm->number, 5);
	assert_int_equal(mm->index, 1);
	assert_int_equal(mm->after->number, 4);
	assert_ptr_equal(mm->after->phase, phase1); /* the end of phase 1 */
	assert_string_equal(mm->from_state, plan->initial_state);
	const char *left = mm->item->to_state;
	const struct lw_step *pause2 = lw_steps_next(&walk);
	assert_int_equal(pause2->index, 2);
	assert_string_equal(pause2->from_state, left);
	size_t in_phase = 2;
	while (lw_steps_next(&walk))
		in_phase++;
	assert_int_equal(in_phase, phase2->step_count);
	assert_true(plan->worst_case <= plan->window);

	/* from pause on, a failing step brings the node back with resume; a failed patch is held */
	assert_int_equal(step_of(plan, 1).item->failure, LW_FAILURE_STOP);
	assert_string_equal(step_of(plan, 1).restore->name, "resume");
	assert_int_equal(step_of(plan, 1).restore->fixlet->id, 115);
	assert_ptr_equal(step_of(plan, 2).restore, step_of(plan, 1).restore);
	assert_int_equal(patch->item->failure, LW_FAILURE_HOLD);
	assert_non_null(patch->restore);
	assert_null(step_of(plan, 4).restore);
	/* the mailbox move must succeed, though the procedure calls it optional */
	assert_int_equal(step_of(plan, 5).item->failure, LW_FAILURE_STOP);
	assert_null(step_of(plan, 5).restore);

	/* where the role runs is a run-time fact, and the proof that it moves once rests on it */
	assert_non_null(plan->role_check);
	assert_int_equal(plan->role_check->number, 4);
	bool rests = false;
	for (size_t i = 0; i < plan->checks.len; i++) {
		const struct lw_check *chk = plan->checks.items[i];
		rests |= chk->rests_on.len == 1 && chk->rests_on.items[0] == plan->role_check && chk->when == LW_PROVEN;
	}
	assert_true(rests);
	/* the quorum's run-time facts: every node reporting (P5), the witness through its Fixlet (P6) */
	assert_non_null(plan->report_check);
	assert_int_equal(plan->report_check->number, 5);
	assert_non_null(plan->witness_check);
	assert_int_equal(plan->witness_check->number, 6);
	assert_non_null(plan->witness_check->holds.text);
	assert_non_null(strstr(plan->witness_check->fixlet_title, "quorum witness"));
	assert_true(plan->witness_check->marks.len >= 1);

	/* three prerequisites, each a pre-flight check; dotnet-4.0 before what needs it */
	assert_int_equal(plan->prereqs.len, 3);
	size_t preflight = 0;
	for (size_t i = 0; i < plan->checks.len; i++)
		preflight += ((const struct lw_check *)plan->checks.items[i])->when == LW_PREFLIGHT;
	assert_int_equal(preflight, 6); /* three prerequisites, the role holder, every node up, the witness */
	size_t dotnet = 0, manager = 0;
	for (size_t i = 0; i < plan->prereqs.len; i++) {
		const struct lw_prereq *p = plan->prereqs.items[i];
		if (strcmp(p->name, "dotnet-4.0") == 0)
			dotnet = i;
		if (strcmp(p->name, "cluster-manager-service") == 0)
			manager = i;
	}
	assert_true(dotnet < manager);
	arena_free(&c.arena);
}

/*
 * `restart as-step`: the Baseline holds no restart, a restart step follows
 * each patch step on the same nodes with its own timeout and hold on
 * failure, the plan's Pending Restart setting is Continue Plan, and
 * BFP309 carries no unconfirmed mark, where the default form's does.
 */
static const struct lw_check *check_of(const struct lw_plan *plan, const char *code)
{
	for (size_t i = 0; i < plan->checks.len; i++) {
		const struct lw_check *chk = plan->checks.items[i];
		if (strcmp(chk->code, code) == 0)
			return chk;
	}
	return NULL;
}

static void restart_as_step_is_a_step_of_its_own(void **state)
{
	(void)state;
	struct compiled c;
	compile_file(&c, "examples/exchange2007-windows2008-restart-step.plan");
	assert_int_equal(c.diags.errors, 0);
	const struct lw_plan *plan = c.program.plans.items[0];
	assert_int_equal(plan->automation.pending_restart, LW_PENDING_RESTART_CONTINUE);
	assert_int_equal(plan->step_count, 11);
	const struct lw_baseline *bl = plan->baselines.items[0];
	assert_int_equal(bl->components.len, 2);
	for (size_t k = 0; k < bl->components.len; k++)
		assert_int_not_equal(((const struct lw_component *)bl->components.items[k])->fixlet->restart,
				     LW_RESTART_CLEARS);
	for (size_t n = 3; n <= 9; n += 6) {
		const struct lw_step patch = step_of(plan, n), restart = step_of(plan, n + 1);
		assert_int_equal(patch.item->kind, LW_STEP_BASELINE);
		assert_string_equal(restart.item->name, "restart");
		assert_int_equal(restart.item->kind, LW_STEP_FIXLET);
		assert_int_equal(restart.item->fixlet->id, 160);
		assert_ptr_equal(restart.phase, patch.phase);
		assert_int_equal(restart.item->timeout, 40 * 60);
		assert_int_equal(restart.item->failure, LW_FAILURE_HOLD);
		assert_int_equal(restart.start, patch.start + patch.item->timeout);
	}
	const struct lw_check *proof = check_of(plan, "BFP309");
	assert_non_null(proof);
	assert_int_equal(proof->marks.len, 0);
	assert_non_null(strstr(proof->description.text, "Continue Plan"));
	arena_free(&c.arena);

	compile_file(&c, "examples/exchange2007-windows2008.plan");
	plan = c.program.plans.items[0];
	assert_int_equal(plan->automation.pending_restart, LW_PENDING_RESTART_PAUSE);
	proof = check_of(plan, "BFP309");
	assert_non_null(proof);
	assert_int_equal(proof->marks.len, 1);
	arena_free(&c.arena);
}

static void plans_with_errors_are_not_lowered(void **state)
{
	(void)state;
	struct compiled c;
	compile_file(&c, "tests/unit/data/active-first.plan");
	assert_true(c.diags.errors > 0);
	assert_int_equal(c.program.plans.len, 0);
	arena_free(&c.arena);
}

/*
 * Lowered a plan at a time, each plan in an arena the caller empties
 * before the next: what plans share (sites, Fixlets) lives in the
 * program's arena and is shared, and the plans come out as lower_program()
 * gives them.
 */
static void plans_lower_one_at_a_time(void **state)
{
	(void)state;
	struct compiled c;
	arena_init(&c.arena);
	src_init(&c.sm, &c.arena);
	diag_init(&c.diags, &c.arena, &c.sm);
	struct load_options lo = {.stdlib_dir = "stdlib"};
	struct program program;
	assert_int_equal(load_program(&c.arena, &c.sm, &c.diags, &lo, "examples/several-clusters.plan", &program),
			 LOAD_OK);
	struct world world;
	resolve_program(&c.arena, &c.sm, &c.diags, &program, &world);
	struct checked_program checked;
	check_program(&c.arena, &c.diags, &world, &checked);
	assert_int_equal(c.diags.errors, 0);

	struct lw_program all;
	lower_program(&c.arena, &world, &checked, NULL, &all);
	struct lowering *lo_stream = lower_start(&c.arena, &world, &checked, NULL, &c.program);
	assert_int_equal(lower_count(lo_stream), all.plans.len);
	assert_ptr_equal(lower_program_of(lo_stream), &c.program);
	assert_int_equal(c.program.plans.len, 0); /* the stream keeps no plan */

	struct arena plan_arena;
	arena_init(&plan_arena);
	const char *os_seen[8] = {0};
	const struct lw_fixlet *pause_on[8] = {0};
	size_t n = 0, shared = 0;
	for (const struct lw_plan *p; (p = lower_next(lo_stream, &plan_arena)); arena_reset(&plan_arena), n++) {
		const struct lw_plan *same = all.plans.items[n];
		assert_string_equal(p->name, same->name);
		assert_int_equal(p->step_count, same->step_count);
		assert_int_equal(p->worst_case, same->worst_case);
		assert_true(arena_owns(&plan_arena, p));
		assert_true(arena_owns(&plan_arena, p->items.items[0]));
		/* the catalog copies are the program's: the same for every plan, and not in the plan's arena */
		const struct lw_item *pause = p->items.items[0];
		for (size_t i = 0; i < p->items.len && strcmp(pause->name, "pause") != 0; i++)
			pause = p->items.items[i];
		assert_string_equal(pause->name, "pause");
		assert_false(arena_owns(&plan_arena, pause->fixlet));
		assert_false(arena_owns(&plan_arena, pause->fixlet->site));
		size_t k = 0;
		while (k < 8 && os_seen[k] && strcmp(os_seen[k], p->os) != 0)
			k++;
		assert_true(k < 8);
		if (os_seen[k]) {
			assert_ptr_equal(pause->fixlet, pause_on[k]); /* lowered once, for both plans */
			shared++;
		}
		os_seen[k] = p->os;
		pause_on[k] = pause->fixlet;
	}
	assert_int_equal(n, all.plans.len);
	assert_true(shared > 0);
	assert_null(lower_next(lo_stream, &plan_arena));
	/* every site a plan used is on the program's list, once */
	assert_true(c.program.sites.len > 0);
	for (size_t i = 0; i < c.program.sites.len; i++)
		for (size_t k = i + 1; k < c.program.sites.len; k++)
			assert_ptr_not_equal(c.program.sites.items[i], c.program.sites.items[k]);
	arena_free(&plan_arena);
	arena_free(&c.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_2008_lowers_in_procedure_order),
		cmocka_unit_test(restart_as_step_is_a_step_of_its_own),
		cmocka_unit_test(plans_with_errors_are_not_lowered),
		cmocka_unit_test(plans_lower_one_at_a_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
