/*
 * check.c - `bfplan check FILE...`: every stage up to the proofs, and the
 * diagnostics in the form asked for.
 */
#include <setjmp.h>

#include "cmd/compile.h"

/* What the files checked so far held, for the line that ends the text form. */
struct tally {
	size_t files;
	unsigned errors, warnings;
};

/* Checks one file and hands what it found to the writer; exhausted memory ends in compilation_out_of_memory(). */
static int check_one(struct compilation *c, const char *path, const struct cmd_options *o, struct diag_writer *w,
		     FILE *err, const struct bfplan_env *env, struct tally *tally)
{
	compilation_init(c, o);
	int rc;
	if (setjmp(c->out_of_memory))
		rc = compilation_out_of_memory(c, path, o, w, err);
	else {
		compile(c, path, o, env, false);
		rc = compilation_finish(c, w, EXIT_CLEAN);
	}
	tally->files++;
	tally->errors += c->diags.errors;
	tally->warnings += c->diags.warnings;
	return rc;
}

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * "checked 2 files: 1 error, no warnings": so a clean check says it ran.
 * On standard output, after the diagnostics, and only in the text form:
 * the others are read by programs, which count for themselves.
 */
static void print_tally(FILE *out, const struct tally *t)
{
	fprintf(out, "checked %zu %s: ", t->files, t->files == 1 ? "file" : "files");
	if (t->errors)
		fprintf(out, "%u %s, ", t->errors, plural(t->errors, "error", "errors"));
	else
		fputs("no errors, ", out);
	if (t->warnings)
		fprintf(out, "%u %s\n", t->warnings, plural(t->warnings, "warning", "warnings"));
	else
		fputs("no warnings\n", out);
}

int cmd_check(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	struct diag_writer w;
	diag_writer_init(&w, o->format, o->color, run->out, run->err);
	int rc = EXIT_CLEAN;
	struct tally tally = {0};
	for (size_t i = 0; i < o->inputs.len; i++) {
		struct compilation c;
		int one = check_one(&c, o->inputs.items[i], o, &w, run->err, run->env, &tally);
		if (one > rc)
			rc = one;
	}
	rc = finish_writer(&w, run->err, rc);
	if (o->format == DIAG_FORMAT_TEXT)
		print_tally(run->out, &tally);
	return rc;
}
