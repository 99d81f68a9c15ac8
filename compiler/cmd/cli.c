/*
 * cli.c - the command line: `bfplan COMMAND ...` dispatched through the
 * command table (cmd/commands.def), and the options that are not a
 * command's: --help, --version and the lists completion asks for.
 */
#include "cmd/cli.h"

#include <setjmp.h>
#include <string.h>

#include "base/suggest.h"
#include "base/version.h"
#include "cmd/cmd.h"

static void put_usage(FILE *out)
{
	fputs("usage: bfplan COMMAND [OPTION]... [FILE]...\n"
	      "\n"
	      "Checks plans for patching Windows failover clusters through BigFix, and\n"
	      "compiles them into BigFix content and an operator checklist.\n"
	      "\n"
	      "Commands:\n", out);
	cmd_print_commands(out);
	fputs("\n"
	      "Run 'bfplan COMMAND --help' (or 'bfplan help COMMAND') for the options of a command.\n"
	      "\n"
	      "Other options:\n"
	      "  --help                show this help and exit\n"
	      "  --version             show the version and exit\n"
	      "  --list-commands       list the commands, one a line (for completion)\n"
	      "  --list-options=COMMAND  list a command's options: NAME, VALUE and CHOICES\n"
	      "                        separated by tabs (for completion)\n"
	      "\n"
	      "Environment: BFPLAN_PATH (directories searched for `use`, separated by ':'),\n"
	      "BFPLAN_SITE_URLS (NAME=URL pairs separated by blanks, as --site-url),\n"
	      "BFPLAN_BES_XSD (the schema for --validate), SOURCE_DATE_EPOCH (the time stamped\n"
	      "into the .bes files; none without it), NO_COLOR (no colors when set and not empty).\n"
	      "\n"
	      "Exit status: 0 no errors, 1 errors in the input (or warnings with --werror),\n"
	      "2 usage or I/O errors.\n", out);
}

/* "unknown command", with the closest one; never another command in its place. */
static int unknown_command(const char *name, FILE *err)
{
	const char *near = cmd_suggest(name);
	fprintf(err, "bfplan: unknown command '%s'", name);
	if (near)
		fprintf(err, "; did you mean '%s'?", near);
	fputs("\nTry 'bfplan --help' for the list of commands.\n", err);
	return EXIT_USAGE;
}

/* The command `name`, or -1 after reporting it unknown. */
static int find_command(const char *name, FILE *err)
{
	int cmd = cmd_lookup(name);
	if (cmd < 0)
		unknown_command(name, err);
	return cmd;
}

/* --list-options=COMMAND or --list-options COMMAND. */
static int list_options(int argc, char **argv, FILE *out, FILE *err)
{
	const char *name = argv[1][strlen("--list-options")] == '=' ? argv[1] + strlen("--list-options=")
			   : argc > 2 ? argv[2] : "";
	int cmd = find_command(name, err);
	if (cmd < 0)
		return EXIT_USAGE;
	cmd_list_options((enum cmd_id)cmd, out);
	return EXIT_CLEAN;
}

/* Options that are no command's; -1 if argv[1] is none of them. */
static int run_global_option(int argc, char **argv, FILE *out, FILE *err)
{
	const char *arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || (strcmp(arg, "help") == 0 && argc < 3)) {
		put_usage(out);
		return EXIT_CLEAN;
	}
	if (strcmp(arg, "help") == 0) { /* bfplan help COMMAND */
		int cmd = find_command(argv[2], err);
		if (cmd < 0)
			return EXIT_USAGE;
		cmd_print_help((enum cmd_id)cmd, out);
		return EXIT_CLEAN;
	}
	if (strcmp(arg, "--version") == 0) {
		fputs("bfplan " BFPLAN_VERSION "\n", out);
		return EXIT_CLEAN;
	}
	if (strcmp(arg, "--list-commands") == 0) {
		for (int i = 0; i < CMD_COUNT; i++)
			fprintf(out, "%s\n", cmd_name((enum cmd_id)i));
		return EXIT_CLEAN;
	}
	if (strncmp(arg, "--list-options", strlen("--list-options")) == 0)
		return list_options(argc, argv, out, err);
	if (arg[0] == '-') {
		static const char *const globals[] = {"--help", "--version", "--list-commands", "--list-options"};
		const char *near = suggest_closest(arg, globals, sizeof globals / sizeof globals[0]);
		fprintf(err, "bfplan: unknown option '%s'", arg);
		if (near)
			fprintf(err, "; did you mean '%s'?", near);
		fputs("\nTry 'bfplan --help' for more information.\n", err);
		return EXIT_USAGE;
	}
	return -1;
}

/* `bfplan build --help` helps too, wherever it stands before "--". */
static bool asks_for_help(int argc, char **argv)
{
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

/* The command's own memory (its options), with the same answer to running out as a compilation's. */
struct command {
	struct arena arena;
	jmp_buf out_of_memory;
};

static int run_command(struct command *cmd, enum cmd_id id, int argc, char **argv, FILE *out, FILE *err,
		       const struct bfplan_env *env)
{
	arena_init(&cmd->arena);
	cmd->arena.on_failure = &cmd->out_of_memory;
	if (setjmp(cmd->out_of_memory)) {
		arena_free(&cmd->arena);
		fputs("bfplan: error: out of memory [BFP008]\n", err);
		return EXIT_USAGE;
	}
	struct cmd_options opts;
	int rc = EXIT_USAGE;
	if (cmd_parse_options(&cmd->arena, id, argc, argv, 2, &opts, env, err)) {
		struct cmd_run run = {&cmd->arena, &opts, out, err, env};
		rc = cmd_invoke(id, &run);
	}
	arena_free(&cmd->arena);
	return rc;
}

int bfplan_main(int argc, char **argv, FILE *out, FILE *err, const struct bfplan_env *env)
{
	if (argc < 2) {
		put_usage(err);
		return EXIT_USAGE;
	}
	int rc = run_global_option(argc, argv, out, err);
	if (rc >= 0)
		return rc;
	int id = find_command(argv[1], err);
	if (id < 0)
		return EXIT_USAGE;
	if (asks_for_help(argc, argv)) {
		cmd_print_help((enum cmd_id)id, out);
		return EXIT_CLEAN;
	}
	struct command command;
	return run_command(&command, (enum cmd_id)id, argc, argv, out, err, env);
}
