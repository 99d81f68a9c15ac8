/*
 * cli.c - the command line (see cli.h).
 *
 * Options are parsed by hand rather than with getopt_long, whose state
 * (optind) is global: bfplan_main() must be callable any number of times in
 * one process.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "diag.h"
#include "explain.h"
#include "load.h"
#include "lower.h"
#include "resolve.h"
#include "source.h"

struct options {
	struct ptrvec inputs;       /* const char * */
	struct ptrvec include_dirs; /* const char * */
	bool werror;
	enum diag_color color;
	const char *stdin_name;
};

/* ---- option parsing --------------------------------------------------------- */

struct args {
	int argc, i;
	char **argv;
	FILE *err;
	bool failed;
	bool only_inputs; /* after "--" */
};

static void usage_error(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void usage_error(struct args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bfplan: ", a->err);
	vfprintf(a->err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'bfplan --help' for more information.\n", a->err);
	a->failed = true;
}

/*
 * Matches option `name` at the current argument, in the forms "--name=V",
 * "--name V" (long) or "-nameV", "-name V" (short); stores its value.
 */
static bool take_value(struct args *a, const char *name, char **value)
{
	char *arg = a->argv[a->i];
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0)
		return false;
	bool is_long = name[1] == '-';
	if (arg[n] == '\0') {
		if (a->i + 1 >= a->argc) {
			usage_error(a, "option '%s' needs a value", name);
			*value = NULL;
			return true;
		}
		*value = a->argv[++a->i];
		return true;
	}
	if (is_long && arg[n] == '=') {
		*value = arg + n + 1;
		return true;
	}
	if (!is_long) {
		*value = arg + n;
		return true;
	}
	return false;
}

static bool parse_color(const char *when, enum diag_color *color, const struct bfplan_env *env)
{
	if (strcmp(when, "always") == 0)
		*color = DIAG_COLOR_ALWAYS;
	else if (strcmp(when, "never") == 0)
		*color = DIAG_COLOR_NEVER;
	else if (strcmp(when, "auto") == 0) {
		bool no_color = env->no_color && env->no_color[0];
		bool dumb = env->term && strcmp(env->term, "dumb") == 0;
		*color = env->stderr_is_tty && !no_color && !dumb ? DIAG_COLOR_ALWAYS : DIAG_COLOR_NEVER;
	} else
		return false;
	return true;
}

static bool parse_check_options(struct arena *arena, struct args *a, struct options *o,
				const struct bfplan_env *env)
{
	parse_color("auto", &o->color, env);
	for (; a->i < a->argc && !a->failed; a->i++) {
		char *arg = a->argv[a->i];
		char *value;
		if (a->only_inputs || arg[0] != '-' || strcmp(arg, "-") == 0) {
			ptrvec_push(arena, &o->inputs, arg);
		} else if (strcmp(arg, "--") == 0) {
			a->only_inputs = true;
		} else if (strcmp(arg, "--werror") == 0) {
			o->werror = true;
		} else if (take_value(a, "-I", &value)) {
			if (value)
				ptrvec_push(arena, &o->include_dirs, value);
		} else if (take_value(a, "--color", &value)) {
			if (value && !parse_color(value, &o->color, env))
				usage_error(a, "--color takes always, never or auto, not '%s'", value);
		} else if (take_value(a, "--stdin-filename", &value)) {
			o->stdin_name = value;
		} else {
			usage_error(a, "unknown option '%s'", arg);
		}
	}
	if (!a->failed && o->inputs.len == 0)
		usage_error(a, "%s", "no input file (use '-' for standard input)");
	return !a->failed;
}

/* ---- commands ------------------------------------------------------------------- */

static const char usage_text[] =
	"usage: bfplan COMMAND [OPTION]... [FILE]...\n"
	"\n"
	"Checks plans for patching Windows failover clusters through BigFix, and\n"
	"compiles them into BigFix content and an operator checklist.\n"
	"\n"
	"Commands:\n"
	"  check FILE...      check plans and report problems ('-' reads standard input)\n"
	"  explain CODE       explain a diagnostic code, with an example\n"
	"  explain --list     list every diagnostic code\n"
	"\n"
	"Options for check:\n"
	"  -I DIR             also look for `use` files in DIR (repeatable, in order)\n"
	"  --werror           treat warnings as errors\n"
	"  --color=WHEN       color diagnostics: auto (default), always or never\n"
	"  --stdin-filename=NAME  the name standard input goes by in diagnostics\n"
	"\n"
	"Other options:\n"
	"  --help             show this help and exit\n"
	"  --version          show the version and exit\n"
	"\n"
	"Environment: BFPLAN_PATH (directories searched for `use`, separated by ':'),\n"
	"NO_COLOR (no colors when set and not empty).\n"
	"\n"
	"Exit status: 0 no errors, 1 errors in the input (or warnings with --werror),\n"
	"2 usage or I/O errors.\n";

/* One compilation: its own arena, sources and diagnostics, freed together. */
static int check_one(const char *path, const struct options *o, const struct bfplan_env *env, FILE *err)
{
	struct arena arena;
	arena_init(&arena);
	struct src_manager sm;
	src_init(&sm, &arena);
	struct diag_sink diags;
	diag_init(&diags, &arena, &sm);
	diags.werror = o->werror;

	struct load_options lo = {
		.include_dirs = (const char *const *)o->include_dirs.items,
		.include_count = o->include_dirs.len,
		.search_path = env->search_path,
		.stdlib_dir = env->stdlib_dir,
		.stdin_name = o->stdin_name,
	};
	struct program program;
	enum load_status status = load_program(&arena, &sm, &diags, &lo, path, &program);
	if (status == LOAD_OK) {
		struct world world;
		resolve_program(&arena, &sm, &diags, &program, &world);
		struct checked_program checked;
		check_program(&arena, &diags, &world, &checked);
		struct lw_program lowered;
		lower_program(&arena, &world, &checked, &lowered);
	}

	diag_render_text(&diags, err, o->color);
	int rc = status == LOAD_IO_ERROR ? EXIT_USAGE
		 : diag_has_errors(&diags) ? EXIT_PLAN_ERRORS : EXIT_CLEAN;
	arena_free(&arena);
	return rc;
}

static int cmd_check(struct args *a, FILE *err, const struct bfplan_env *env)
{
	struct arena arena;
	arena_init(&arena);
	struct options o = {0};
	int rc = EXIT_USAGE;
	if (parse_check_options(&arena, a, &o, env)) {
		rc = EXIT_CLEAN;
		for (size_t i = 0; i < o.inputs.len; i++) {
			int one = check_one(o.inputs.items[i], &o, env, err);
			if (one > rc)
				rc = one;
		}
	}
	arena_free(&arena);
	return rc;
}

static int cmd_explain(struct args *a, FILE *out, FILE *err)
{
	if (a->i + 1 != a->argc) {
		usage_error(a, "%s", "explain takes one diagnostic code, such as BFP101, or --list");
		return EXIT_USAGE;
	}
	const char *what = a->argv[a->i];
	if (strcmp(what, "--list") == 0) {
		for (int c = 0; c < DIAG_CODE_COUNT; c++)
			fprintf(out, "%s  %-24s %s\n", diag_code_string((enum diag_code)c),
				diag_code_name((enum diag_code)c), diag_code_summary((enum diag_code)c));
		return EXIT_CLEAN;
	}
	enum diag_code code;
	const char *text;
	if (!diag_code_lookup(what, &code) || !(text = explain_text(diag_code_string(code)))) {
		fprintf(err, "bfplan: no diagnostic is called '%s'\n"
			     "Try 'bfplan explain --list' for the list.\n", what);
		return EXIT_USAGE;
	}
	fputs(text, out);
	return EXIT_CLEAN;
}

int bfplan_main(int argc, char **argv, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct args a = {.argc = argc, .argv = argv, .i = 1, .err = err};
	if (argc < 2) {
		fputs(usage_text, err);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	a.i = 2;
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, out);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "--version") == 0) {
		fputs("bfplan " BFPLAN_VERSION "\n", out);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "check") == 0)
		return cmd_check(&a, err, env);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(&a, out, err);
	a.i = 1;
	usage_error(&a, "unknown command '%s'", cmd);
	return EXIT_USAGE;
}
