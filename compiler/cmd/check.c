/*
 * check.c - `bfplan check FILE...`: every stage up to the proofs, and the
 * diagnostics in the form asked for.
 */
#include <setjmp.h>

#include "cmd/compile.h"

/* Checks one file and hands what it found to the writer; exhausted memory ends in compilation_out_of_memory(). */
static int check_one(struct compilation *c, const char *path, const struct cmd_options *o, struct diag_writer *w,
		     FILE *err, const struct bfplan_env *env)
{
	compilation_init(c, o);
	if (setjmp(c->out_of_memory))
		return compilation_out_of_memory(c, path, o, w, err);
	compile(c, path, o, env, false);
	return compilation_finish(c, w, EXIT_CLEAN);
}

int cmd_check(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	struct diag_writer w;
	diag_writer_init(&w, o->format, o->color, run->out, run->err);
	int rc = EXIT_CLEAN;
	for (size_t i = 0; i < o->inputs.len; i++) {
		struct compilation c;
		int one = check_one(&c, o->inputs.items[i], o, &w, run->err, run->env);
		if (one > rc)
			rc = one;
	}
	return finish_writer(&w, run->err, rc);
}
