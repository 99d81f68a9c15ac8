/*
 * simulate.c - `bfplan simulate PLAN`: every run of each plan under up
 * to N faults through the execution engine, the invariants, and a
 * shortest counterexample for each one broken (runtime/simulate.h,
 * docs/runtime.md).
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"

#include "cmd/compile.h"
#include "runtime/simulate.h"

/* --fault: the one run of plan `p` (the i-th) with that fault, into `report`; the exit status so far. */
static int simulate_fault(struct compilation *c, const struct cmd_options *o, const struct lw_plan *p,
			  const struct eng_model *m, size_t i, struct textbuf *report, int rc)
{
	struct sim_fault_spec spec;
	const char *why;
	if (!sim_fault_parse(&c->arena, m, o->sim_fault, &spec, &why)) {
		struct diag *d = diag_report(&c->diags, BFP811, p->decl, "--fault '%s' cannot happen in plan '%s': %s",
					     esc_terminal(&c->arena, o->sim_fault), p->name, why);
		diag_help(&c->diags, d, "as in --fault step-fails@2:EXNODE1: the fault, the recipe number of the step "
			  "(the checklist's), the node");
		return EXIT_USAGE;
	}
	struct sim_run run;
	sim_run_fault(&c->arena, m, &spec, &run);
	if (o->sim_json)
		textbuf_puts(report, i ? ", " : "");
	else if (i)
		textbuf_putc(report, '\n');
	(o->sim_json ? sim_write_run_json : sim_write_run_text)(report, &run);
	if (!run.applied) {
		struct diag *d = diag_report(&c->diags, BFP811, p->decl, "--fault '%s' found no place to happen on "
					     "the run of plan '%s'", esc_terminal(&c->arena, o->sim_fault), p->name);
		diag_help(&c->diags, d, "name a step the run reaches and one of its targets; 'bfplan simulate' without "
			  "--fault lists the faults the plan gives a place to");
		return EXIT_USAGE;
	}
	return rc;
}

/* Simulates every lowered plan into `report`: 0 when every invariant holds, 1 on a violation, 2 on trouble. */
static int simulate_plans(struct compilation *c, const struct cmd_options *o, struct textbuf *report)
{
	int rc = EXIT_CLEAN;
	struct sim_options so = {.faults = o->faults};
	if (o->sim_json && o->sim_fault) {
		textbuf_puts(report, "{\"fault\": \"");
		esc_json_append(report, o->sim_fault, strlen(o->sim_fault));
		textbuf_puts(report, "\", \"plans\": [");
	} else if (o->sim_json) {
		textbuf_printf(report, "{\"faults\": %u, \"plans\": [", o->faults);
	}
	for (size_t i = 0; i < c->lowered.plans.len; i++) {
		const struct lw_plan *p = c->lowered.plans.items[i];
		const char *why;
		const struct eng_model *m = eng_model_new(&c->arena, p, &why);
		if (!m) {
			struct diag *d = diag_report(&c->diags, BFP702, p->decl, "plan '%s' cannot be simulated: %s",
						     p->name, why);
			diag_help(&c->diags, d, "the engine runs a node-state machine of at most 32 states, with an "
				  "initial state, whose steps leave nodes in declared states");
			rc = EXIT_PLAN_ERRORS;
			continue;
		}
		if (o->sim_fault) {
			rc = simulate_fault(c, o, p, m, i, report, rc);
			continue;
		}
		struct sim_result r;
		sim_explore(&c->arena, m, &so, &r);
		if (o->sim_json)
			textbuf_puts(report, i ? ", " : "");
		else if (i)
			textbuf_putc(report, '\n');
		(o->sim_json ? sim_write_json : sim_write_text)(report, &r);
		if (r.gave_up)
			rc = EXIT_USAGE;
		else if (r.violated && rc == EXIT_CLEAN)
			rc = EXIT_PLAN_ERRORS;
	}
	if (o->sim_json)
		textbuf_puts(report, "]}\n");
	return rc;
}

/*
 * The plans to run: those check accepts, and with --no-static-check also
 * those it rejects whose steps can still be laid out.  A file with none
 * gets BFP701.
 */
static int lower_for_simulate(struct compilation *c, const struct cmd_options *o)
{
	int rc = compiled_ok(c);
	if (rc == EXIT_USAGE || c->status != LOAD_OK)
		return rc;
	/* after errors of the front end nothing was checked, so nothing can be laid out */
	if (rc != EXIT_CLEAN && (!o->no_static_check || c->checked.plans.len == 0))
		return rc;
	c->lower.unchecked = o->no_static_check;
	lower_program(&c->arena, &c->world, &c->checked, &c->lower, &c->lowered);
	if (c->lowered.plans.len > 0)
		return EXIT_CLEAN;
	bool errors = diag_has_errors(&c->diags);
	struct diag *d = diag_report(&c->diags, BFP701, (struct src_span){0, 0, 0}, "%s",
				     c->world.plans.len ? "no plan of the file can be simulated"
							: "there is no plan to simulate");
	diag_help(&c->diags, d, "%s", errors ? "fix the errors check reports here: they leave the plan's steps unknown"
					     : "declare a plan, as in 'plan patch-exch01 { ... }'");
	return EXIT_PLAN_ERRORS;
}

/* Writes the report whole; a standard output that fails is an I/O error. */
static int write_report(const struct textbuf *report, FILE *out, int rc)
{
	if (fwrite(report->data, 1, report->len, out) != report->len || fflush(out) != 0)
		return EXIT_USAGE;
	return rc;
}

/*
 * bfplan simulate PLAN [--plan NAME] [--faults N] [--no-static-check]
 * [--format text|json].  Under --no-static-check, check's diagnostics go
 * to standard error and the exit status is the simulation's.
 */
int cmd_simulate(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	FILE *out = run->out, *err = run->err;
	struct diag_writer w; /* standard output carries the report: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o->color, out, err);
	struct compilation c;
	const char *path = o->inputs.items[0];
	compilation_init(&c, o);
	c.checked = (struct checked_program){0};
	if (setjmp(c.out_of_memory))
		return finish_writer(&w, err, compilation_out_of_memory(&c, path, o, &w, err));
	compile(&c, path, o, run->env, false);
	int rc = lower_for_simulate(&c, o);
	if (c.lowered.plans.len && rc != EXIT_USAGE) {
		struct textbuf report;
		textbuf_init(&report, &c.arena);
		rc = simulate_plans(&c, o, &report);
		rc = write_report(&report, out, rc);
	}
	/* compilation_finish() would make check's errors the verdict: the simulation's is */
	diag_writer_add(&w, &c.diags);
	arena_free(&c.arena);
	return finish_writer(&w, err, rc);
}
