/*
 * build.c - `bfplan build PLAN -o DIR`: check the plan, then write its
 * outputs as one set (out/build.h).
 */
#include <setjmp.h>
#include <string.h>

#include "cmd/compile.h"

/* The environment's part of a build: the schema and SOURCE_DATE_EPOCH. */
static int build_environment(struct compilation *c, struct cmd_options *o, const struct bfplan_env *env)
{
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};
	if (o->validate) {
		o->emit.schema_path = o->schema ? o->schema : env->bes_xsd;
		if (!o->emit.schema_path || !o->emit.schema_path[0]) {
			struct diag *d = diag_report(&c->diags, BFP405, nowhere,
						     "--validate needs a BES.xsd, and none was given");
			diag_help(&c->diags, d, "pass --schema FILE or set BFPLAN_BES_XSD; every BigFix server "
				  "ships BES.xsd in its reference folder");
			return EXIT_USAGE;
		}
	}
	if (env->source_date_epoch) {
		o->emit.bes.has_epoch = true;
		if (!emit_parse_source_date_epoch(env->source_date_epoch, &o->emit.bes.epoch)) {
			struct diag *d = diag_report(&c->diags, BFP407, nowhere,
						     "SOURCE_DATE_EPOCH is '%s', not a number of seconds",
						     env->source_date_epoch);
			diag_help(&c->diags, d, "set it to a Unix time, as printed by 'date +%%s', or unset it");
			return EXIT_USAGE;
		}
	}
	if (o->depfile && !o->emit.depfile_path)
		o->emit.depfile_path = arena_printf(&c->arena, "%s/plan.d", o->output);
	if (!o->depfile)
		o->emit.depfile_path = NULL;
	return EXIT_CLEAN;
}

/* Checks the plan and writes its outputs; exhausted memory anywhere ends in
 * compilation_out_of_memory(). */
static int build_one(struct compilation *c, struct cmd_options *o, struct diag_writer *w, FILE *err,
		     const struct bfplan_env *env)
{
	const char *path = o->inputs.items[0];
	compilation_init(c, o);
	if (setjmp(c->out_of_memory))
		return compilation_out_of_memory(c, path, o, w, err);
	compile(c, path, o, env, false);
	int rc = EXIT_CLEAN;
	if (compiled_ok(c) == EXIT_CLEAN) {
		rc = build_environment(c, o, env);
		struct lowering *plans = rc == EXIT_CLEAN ? lower_start(&c->arena, &c->world, &c->checked, &c->lower,
									 &c->lowered)
							  : NULL;
		if (rc == EXIT_CLEAN && lower_count(plans) == 0) {
			struct diag *d = diag_report(&c->diags, BFP408, (struct src_span){0, 0, 0},
						     "there is no plan to build");
			diag_help(&c->diags, d, "declare a plan, as in 'plan patch-exch01 { ... }', or "
				  "run 'bfplan check' on a file that only declares things");
		} else if (rc == EXIT_CLEAN) {
			enum emit_status st = emit_build(&c->arena, plans, &o->emit, &c->diags, o->output);
			rc = st == EMIT_IO_ERROR ? EXIT_USAGE : st == EMIT_PLAN_ERRORS ? EXIT_PLAN_ERRORS
										: EXIT_CLEAN;
		}
	}
	return compilation_finish(c, w, rc);
}

int cmd_build(struct cmd_run *run)
{
	if (!run->opts->output) {
		cmd_usage_error(run->err, CMD_build, "%s", "build needs an output directory: -o DIR");
		return EXIT_USAGE;
	}
	/* the schema and the depfile's path are settled here, on a copy of the options */
	struct cmd_options o = *run->opts;
	struct diag_writer w;
	diag_writer_init(&w, o.format, o.color, run->out, run->err);
	struct compilation c;
	return finish_writer(&w, run->err, build_one(&c, &o, &w, run->err, run->env));
}
