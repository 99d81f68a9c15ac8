/*
 * cli.h - the command line: subcommands, options, exit status.
 *
 * main() only calls bfplan_main(), which never exits and keeps no state
 * between calls, so tests and fuzzers can run the whole tool in-process.
 */
#ifndef BFPLAN_CLI_H
#define BFPLAN_CLI_H

#include <stddef.h>
#include <stdio.h>

enum bfplan_exit {
	EXIT_CLEAN = 0,       /* no errors (warnings allowed) */
	EXIT_PLAN_ERRORS = 1, /* errors in the input, or warnings under --werror */
	EXIT_USAGE = 2,       /* bad usage, unreadable input, unwritable output */
};

/* The environment a run sees; NULL fields mean "not set". */
struct bfplan_env {
	const char *search_path; /* BFPLAN_PATH */
	const char *stdlib_dir;  /* where the standard library is installed */
	const char *stdlib_sought; /* when it was not found, the directories looked in, for BFP201 */
	const char *no_color;    /* NO_COLOR */
	const char *term;        /* TERM */
	const char *bes_xsd;     /* BFPLAN_BES_XSD */
	const char *source_date_epoch; /* SOURCE_DATE_EPOCH */
	const char *site_urls;   /* BFPLAN_SITE_URLS: NAME=URL pairs separated by blanks */
	const char *operator_name; /* BFPLAN_OPERATOR: who `bfplan run` records as doing things */
	const char *login;       /* the login name (LOGNAME, USER, or the password database's) */
	const char *now;         /* BFPLAN_NOW: the time `bfplan run` records, instead of the clock */
	const char *besapi_xsd;  /* BFPLAN_BESAPI_XSD: run --bigfix validates every answer against it */
	const char *bigfix_poll_ms; /* BFPLAN_BIGFIX_POLL_MS: run --bigfix's poll interval (tests poll faster) */
	int stderr_is_tty;
	size_t memory_limit;     /* bytes each compilation may take, 0 for no limit: for tests and fuzzers */
};

int bfplan_main(int argc, char **argv, FILE *out, FILE *err, const struct bfplan_env *env);

#endif
