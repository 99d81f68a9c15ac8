/*
 * build.c - `bfplan build PLAN -o DIR`: check the plan, then write its
 * outputs as one set (out/build.h).
 */
#include <setjmp.h>
#include <string.h>

#include <sys/stat.h>

#include "cmd/compile.h"
#include "emit/checklist.h"
#include "emit/diff.h"

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

/* BFP461: --previous cannot be compared with, for `why`; nothing is built. */
static int previous_unusable(struct compilation *c, const char *previous, const char *why)
{
	struct diag *d = diag_report(&c->diags, BFP461, (struct src_span){SRC_NO_FILE, 0, 0},
				     "--previous '%s' %s, so the review reports cannot say what changed since it",
				     previous, why);
	diag_help(&c->diags, d, "give the plan file as it was at the previous build, as bfplan diff takes it "
		  "(for example 'git show HEAD~1:exch.plan > old.plan', then --previous old.plan)");
	return EXIT_USAGE;
}

/* A build's output is not a plan file: a directory or a .json file is refused before it is read. */
static bool looks_like_output(const char *path)
{
	struct stat st;
	size_t n = strlen(path);
	return (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) || (n >= 5 && strcmp(path + n - 5, ".json") == 0);
}

/*
 * What changes for the operator since --previous, by plan, for the review
 * reports: bfplan diff's comparison of the two lowered programs
 * (emit/diff.h), each change put in the reports' form.  `old` is compiled
 * here and must outlive the build (the changes point into it).
 */
static int previous_changes(struct compilation *c, struct compilation *old, struct cmd_options *o,
			    const struct bfplan_env *env)
{
	if (looks_like_output(o->previous))
		return previous_unusable(c, o->previous, "is a directory or a .json file (a build's output), not a plan file");
	compile(old, o->previous, o, env, true);
	if (compiled_ok(old) != EXIT_CLEAN)
		return previous_unusable(c, o->previous, "cannot be compiled (its diagnostics are above)");
	struct ptrvec changes = {0};
	plandiff(&c->arena, &old->lowered, &c->lowered, &changes);
	struct symtab *by_plan = arena_alloc(&c->arena, sizeof *by_plan);
	symtab_init(by_plan, &c->arena);
	for (size_t i = 0; i < changes.len; i++) {
		const struct plandiff_change *pc = changes.items[i];
		struct checklist_change *cc = arena_alloc(&c->arena, sizeof *cc);
		*cc = (struct checklist_change){
			.sign = pc->kind == PLANDIFF_CHANGED ? '~' : pc->kind == PLANDIFF_ADDED ? '+' : '-',
			.what = pc->what, .old_value = pc->old_value, .new_value = pc->new_value,
		};
		struct ptrvec *list = symtab_get(by_plan, pc->plan);
		if (!list) {
			list = arena_calloc(&c->arena, 1, sizeof *list);
			symtab_put(by_plan, pc->plan, list);
		}
		ptrvec_push(&c->arena, list, cc);
	}
	o->emit.previous = o->previous;
	o->emit.previous_changes = by_plan;
	return EXIT_CLEAN;
}

/* previous_changes() in a compilation of its own, `old`, which is left open (*open) for the caller to finish. */
static int compare_previous(struct compilation *c, struct compilation *old, bool *open, struct cmd_options *o,
			    struct diag_writer *w, FILE *err, const struct bfplan_env *env)
{
	compilation_init(old, o);
	if (setjmp(old->out_of_memory)) {
		*open = false;
		compilation_out_of_memory(old, o->previous, o, w, err);
		return EXIT_USAGE;
	}
	*open = true;
	return previous_changes(c, old, o, env);
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
	/* to compare with --previous, every plan is lowered first, as bfplan diff lowers them */
	compile(c, path, o, env, o->previous != NULL);
	int rc = EXIT_CLEAN;
	struct compilation old;
	bool old_open = false; /* `old` holds the earlier version, to be finished after the build */
	if (compiled_ok(c) == EXIT_CLEAN && o->previous)
		rc = compare_previous(c, &old, &old_open, o, w, err, env);
	if (compiled_ok(c) == EXIT_CLEAN && rc == EXIT_CLEAN) {
		rc = build_environment(c, o, env);
		struct lowering *plans = rc != EXIT_CLEAN ? NULL
					 : o->previous ? lower_replay(&c->arena, &c->lowered)
						       : lower_start(&c->arena, &c->world, &c->checked, &c->lower, &c->lowered);
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
	/* the earlier version's diagnostics first: they explain a BFP461 */
	if (old_open)
		compilation_finish(&old, w, EXIT_CLEAN);
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
