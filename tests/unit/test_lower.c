/*
 * test_lower.c - the seed example, compiled through resolve, check and
 * lower, must come out as the procedure says: the passive node first, the
 * role holder last with the mailbox move, every step's Fixlet picked for
 * the OS, and resume as the failure step from pause on.
 *
 * Runs from the top of the source tree (make unit does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "load.h"
#include "lower.h"
#include "resolve.h"

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
	lower_program(&c->arena, &world, &checked, &c->program);
}

static const struct lw_step *step_of(const struct lw_node *node, size_t i)
{
	return node->steps.items[i];
}

static const struct lw_fixlet *fixlet_of(const struct lw_step *step, size_t i)
{
	return ((const struct lw_component *)step->components.items[i])->fixlet;
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

	/* the passive node does not run the mailbox move; the active node runs it first */
	assert_int_equal(first->steps.len, 4);
	assert_int_equal(last->steps.len, 5);
	assert_string_equal(step_of(last, 0)->name, "move-mailbox");
	assert_int_equal(fixlet_of(step_of(last, 0), 0)->id, 121);

	/* Windows 2008 variants: pause 116, move groups 114, resume 115 */
	assert_string_equal(step_of(first, 0)->name, "pause");
	assert_int_equal(fixlet_of(step_of(first, 0), 0)->id, 116);
	assert_int_equal(fixlet_of(step_of(first, 1), 0)->id, 114);
	assert_int_equal(fixlet_of(step_of(first, 3), 0)->id, 115);

	/* the patch is the baseline's components, ending with the restart Fixlet */
	const struct lw_step *patch = step_of(first, 2);
	assert_int_equal(patch->kind, LW_STEP_BASELINE);
	assert_true(patch->components.len >= 2);
	const struct lw_fixlet *restart = fixlet_of(patch, patch->components.len - 1);
	assert_int_equal(restart->restart, LW_RESTART_CLEARS);

	/* from pause on, a failing step is followed by resume; resume itself has none */
	const struct lw_step *resume = step_of(first, 3);
	assert_ptr_equal(step_of(first, 0)->on_failure, resume);
	assert_ptr_equal(step_of(first, 1)->on_failure, resume);
	assert_ptr_equal(step_of(first, 2)->on_failure, resume);
	assert_null(resume->on_failure);

	/* one node down at a time: two phases, the role holder alone in the last */
	assert_int_equal(plan->phases.len, 2);
	const struct lw_phase *phase2 = plan->phases.items[1];
	assert_ptr_equal(phase2->nodes.items[0], last);
	assert_true(plan->worst_case > 0 && plan->worst_case <= plan->window);

	/* three prerequisites, each a pre-flight check; dotnet-4.0 before what needs it */
	assert_int_equal(plan->prereqs.len, 3);
	size_t preflight = 0;
	for (size_t i = 0; i < plan->checks.len; i++)
		preflight += ((const struct lw_check *)plan->checks.items[i])->when == LW_PREFLIGHT;
	assert_int_equal(preflight, 4); /* three prerequisites and the role holder */
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

static void plans_with_errors_are_not_lowered(void **state)
{
	(void)state;
	struct compiled c;
	compile_file(&c, "tests/unit/data/active-first.plan");
	assert_true(c.diags.errors > 0);
	assert_int_equal(c.program.plans.len, 0);
	arena_free(&c.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_2008_lowers_in_procedure_order),
		cmocka_unit_test(plans_with_errors_are_not_lowered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
