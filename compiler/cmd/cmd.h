/*
 * cmd.h - what the subcommands share: the command and option tables,
 * the parsed options, and the run a command is handed.
 *
 * Only cmd/ and main.c include cmd/ headers.  A subcommand is a row of
 * commands.def and a file cmd/NAME.c with cmd_NAME(); its options are
 * rows of options.def (docs/contributing.md).
 */
#ifndef BFPLAN_CMD_H
#define BFPLAN_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "cmd/cli.h"
#include "diag/writer.h"
#include "import/import.h"
#include "out/build.h"

enum cmd_id {
#define CMD(name, min, max, synopsis, takes, summary) CMD_##name,
#include "cmd/commands.def"
#undef CMD
	CMD_COUNT
};

/* A set of commands, for the options table. */
#define C(name) (1u << CMD_##name)

enum opt_id {
#define OPT(id, name, value, choices, commands, help) OPT_##id,
#include "cmd/options.def"
#undef OPT
	OPT_COUNT
};

/* Everything any command's options can set; each command reads its own. */
struct cmd_options {
	struct ptrvec inputs;        /* char *: the operands */
	struct ptrvec include_dirs;  /* char *: -I */
	bool werror;
	bool allow_outside;          /* --allow-outside: a named file may be a link out of its directory */
	bool quiet;                  /* --quiet */
	bool fix;                    /* check --fix */
	bool dependents;             /* check --dependents */
	bool no_config;              /* --no-config */
	bool denied[DIAG_CODE_COUNT];/* --deny */
	struct ptrvec allows;        /* struct diag_allow *: --allow, external to every file */
	enum diag_color color;
	enum diag_format format;     /* --format of the diagnostics */
	bool diff_json;              /* diff --format=json */
	const char *stdin_name;
	const char *output;          /* -o: build's directory, graph's and import's file */
	const char *plan_name;       /* --plan */
	bool validate;               /* build --validate */
	const char *schema;          /* --schema, else BFPLAN_BES_XSD */
	const char *previous;        /* --previous: the plan file as it was at the previous build, or NULL */
	bool depfile;                /* -MD */
	struct emit_options emit;
	struct ptrvec site_urls;     /* struct lower_site_url *: BFPLAN_SITE_URLS, then --site-url */
	struct import_options import;/* --site, --id */
	uint32_t *ids;               /* --id, growing; import.ids points here */
	size_t id_cap;
	bool write, check, diff;     /* fmt -w, --check, --diff */
	bool list;                   /* explain --list */
	size_t memory_limit;         /* the environment's: bytes each compilation may take, 0 for no limit */
	const char *nodes, *os, *quorum; /* init --nodes, --os, --quorum */
	const char *journal;         /* run --journal */
	const char *target;          /* run --target */
	const char *reason;          /* run --reason */
	const char *by;              /* run --by */
	bool accept_changed_plan;    /* run --accept-changed-plan */
	bool report_json;            /* run report --format=json */
	const char *bigfix;          /* run --bigfix URL */
	const char *cacert;          /* run --cacert */
	bool insecure;               /* run --insecure-no-tls-verify */
	bool dry_run;                /* run --dry-run */
	int confirm;                 /* run --confirm: 0 phase, 1 step, 2 none */
	const char *domain;          /* run --domain */
	const char *import_to;       /* run --import-to */
	const char *max_report_age;  /* run --max-report-age, minutes */
	const char *parameters;      /* run --parameters FILE */
	unsigned faults;             /* simulate --faults */
	bool no_static_check;        /* simulate --no-static-check */
	bool sim_json;               /* simulate --format=json */
	const char *sim_fault;       /* simulate --fault KIND[@STEP][:NODE] */
};

/* One run of a command: its memory, its options, where it writes, what it was given. */
struct cmd_run {
	struct arena *arena;
	const struct cmd_options *opts;
	FILE *out, *err;
	const struct bfplan_env *env;
};

/* Reports a usage error (exit 2) and points at --help. */
void cmd_usage_error(FILE *err, enum cmd_id cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Parses argv[first..] for command `cmd` by the options table; false after
 * reporting a usage error.
 */
bool cmd_parse_options(struct arena *arena, enum cmd_id cmd, int argc, char **argv, int first,
		       struct cmd_options *o, const struct bfplan_env *env, FILE *err);

/* `bfplan COMMAND --help`: the synopsis and the command's options, from the tables. */
void cmd_print_help(enum cmd_id cmd, FILE *out);

/* `bfplan --list-options=COMMAND`: a line per option, "NAME<TAB>VALUE<TAB>CHOICES", for completion. */
void cmd_list_options(enum cmd_id cmd, FILE *out);

/* The command of that name, or -1. */
int cmd_lookup(const char *name);

const char *cmd_name(enum cmd_id cmd);

/* The command closest to a misspelt name, or NULL. */
const char *cmd_suggest(const char *name);

/* Runs the command's function (not cmd_run: that is `bfplan run`'s). */
int cmd_invoke(enum cmd_id cmd, struct cmd_run *run);

/* The command list of `bfplan --help`. */
void cmd_print_commands(FILE *out);

#define CMD(name, min, max, synopsis, takes, summary) int cmd_##name(struct cmd_run *run);
#include "cmd/commands.def"
#undef CMD

#endif
