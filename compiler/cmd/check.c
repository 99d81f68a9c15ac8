/*
 * check.c - `bfplan check FILE...`: every stage up to the proofs, and the
 * diagnostics in the form asked for.
 */
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/compile.h"
#include "cmd/fix.h"
#include "cmd/operands.h"

/* What the files checked so far held, for the line that ends the text form. */
struct tally {
	size_t files;
	unsigned errors, warnings;
};

/* Compiles one file, and with --fix applies the fixes and compiles it again: what is reported is what is left. */
static int check_and_fix(struct compilation *c, const char *path, const struct cmd_options *o, struct diag_writer *w,
			 FILE *err, const struct bfplan_env *env)
{
	compile(c, path, o, env, false);
	diag_report_unused_allows(&c->diags, 0);
	if (o->fix) {
		bool failed = false;
		unsigned applied = fix_apply(c, err, &failed);
		if (failed) {
			arena_free(&c->arena);
			return EXIT_USAGE;
		}
		if (applied) {
			arena_free(&c->arena);
			compilation_init(c, o);
			if (setjmp(c->out_of_memory))
				return compilation_out_of_memory(c, path, o, w, err);
			compile(c, path, o, env, false);
			diag_report_unused_allows(&c->diags, 0);
		}
	}
	return compilation_finish(c, w, EXIT_CLEAN);
}

/* Checks one file and hands what it found to the writer; exhausted memory ends in compilation_out_of_memory(). */
static int check_one(struct compilation *c, const char *path, const struct cmd_options *o, struct diag_writer *w,
		     FILE *err, const struct bfplan_env *env, struct tally *tally)
{
	compilation_init(c, o);
	int rc;
	if (setjmp(c->out_of_memory))
		rc = compilation_out_of_memory(c, path, o, w, err);
	else
		rc = check_and_fix(c, path, o, w, err, env);
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

/* Whether two paths name one file. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * With --dependents: the files given, then every plan under the current
 * directory that loads one of them (through any chain of `use`), each
 * once.  A plan is loaded, not checked, to see what it reads; a file is
 * known by its device and inode, so any spelling of its path matches.
 */
static struct ptrvec with_dependents(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	struct ptrvec all = {0}, changed = {0}, candidates = {0};
	struct stat st;
	for (size_t i = 0; i < o->inputs.len; i++) {
		ptrvec_push(run->arena, &all, o->inputs.items[i]);
		if (stat(o->inputs.items[i], &st) == 0) {
			struct stat *copy = arena_alloc(run->arena, sizeof *copy);
			*copy = st;
			ptrvec_push(run->arena, &changed, copy);
		}
	}
	static char here[] = ".";
	ptrvec_push(run->arena, &candidates, here);
	FILE *quiet = fopen("/dev/null", "w");
	bool found = quiet && operands_expand(run->arena, &candidates, quiet);
	if (quiet)
		fclose(quiet);
	if (!found)
		return all; /* no plan under the directory: only the files given */
	struct load_options lo = compile_load_options(o, run->env);
	for (size_t i = 0; i < candidates.len; i++) {
		struct compilation c;
		compilation_init(&c, o);
		if (setjmp(c.out_of_memory)) {
			arena_free(&c.arena);
			continue; /* one plan too large to load: it is still checked if given */
		}
		struct program program;
		load_program(&c.arena, &c.sm, &c.diags, &lo, candidates.items[i], &program);
		bool uses = false;
		for (size_t f = 0; f < c.sm.files.len && !uses; f++) {
			const struct src_file *sf = src_file(&c.sm, (uint32_t)f);
			for (size_t k = 0; k < changed.len && !uses && stat(sf->path, &st) == 0; k++) {
				const struct stat *ch = changed.items[k];
				uses = st.st_dev == ch->st_dev && st.st_ino == ch->st_ino;
			}
		}
		arena_free(&c.arena);
		bool listed = false;
		for (size_t k = 0; k < o->inputs.len && uses && !listed; k++)
			listed = same_file(o->inputs.items[k], candidates.items[i]);
		if (uses && !listed)
			ptrvec_push(run->arena, &all, candidates.items[i]);
	}
	return all;
}

int cmd_check(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	for (size_t i = 0; i < o->inputs.len && o->fix; i++) {
		if (strcmp(o->inputs.items[i], "-") == 0) {
			cmd_usage_error(run->err, CMD_check, "%s", "--fix cannot write back to standard input");
			return EXIT_USAGE;
		}
	}
	struct ptrvec inputs = o->dependents ? with_dependents(run) : o->inputs;
	struct diag_writer w;
	diag_writer_init(&w, o->format, o->color, run->out, run->err);
	int rc = EXIT_CLEAN;
	struct tally tally = {0};
	for (size_t i = 0; i < inputs.len; i++) {
		struct compilation c;
		int one = check_one(&c, inputs.items[i], o, &w, run->err, run->env, &tally);
		if (one > rc)
			rc = one;
	}
	rc = finish_writer(&w, run->err, rc);
	if (o->format == DIAG_FORMAT_TEXT && !o->quiet)
		print_tally(run->out, &tally);
	return rc;
}
