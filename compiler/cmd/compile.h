/*
 * compile.h - the compilation every command runs: load, resolve, check
 * and, for the commands that want it, lower.
 */
#ifndef BFPLAN_CMD_COMPILE_H
#define BFPLAN_CMD_COMPILE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/source.h"
#include "base/textbuf.h"
#include "cmd/cmd.h"
#include "diag/diag.h"
#include "front/load.h"
#include "lower/lower.h"
#include "sema/check.h"

/*
 * One compilation: its own arena, sources and diagnostics, freed together.
 * It also owns the place its arena jumps to when memory runs out (see
 * arena.h): every stage allocates from the arena and none checks for NULL.
 */
struct compilation {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	enum load_status status;
	bool usage_failed;          /* a command-line value was refused (exit 2) */
	struct world world;         /* what compile() resolved and checked, for build to lower */
	struct checked_program checked;
	struct lower_options lower; /* how to lower it */
	struct lw_program lowered;  /* every plan, for graph and diff; build lowers one at a time */
	jmp_buf out_of_memory;
};

/*
 * A gather URL that reaches Baseline components must be one: http or
 * https, a host, nothing a shell or an XML attribute would mangle.  The
 * README's placeholder "URL" is not.
 */
void compilation_init(struct compilation *c, const struct cmd_options *o);

/* Where a compilation looks for `use` files: -I, BFPLAN_PATH, the standard library. */
struct load_options compile_load_options(const struct cmd_options *o, const struct bfplan_env *env);

/*
 * Every stage up to the checked plan, and the lowered form of every plan
 * when `lower_all` (graph, diff; build lowers as it writes).  The sink
 * holds whatever went wrong.
 */
void compile(struct compilation *c, const char *path, const struct cmd_options *o,
	     const struct bfplan_env *env, bool lower_all);

/* The exit status of a compilation so far: 0, or what went wrong. */
int compiled_ok(const struct compilation *c);

/* Hands the diagnostics to the writer, frees the compilation, and gives the exit status. */
int compilation_finish(struct compilation *c, struct diag_writer *w, int rc);

/* The diagnostics writer's own failure (standard output closed or full) is an I/O error. */
int finish_writer(struct diag_writer *w, FILE *err, int rc);

/*
 * Where a compilation lands when its memory runs out, at any stage: the
 * temporary files of a build cut short are removed, everything the
 * compilation held is freed, and what is left is one diagnostic in a
 * fresh arena.  Exit status 2: the machine, not the plan, is short.
 */
int compilation_out_of_memory(struct compilation *c, const char *path, const struct cmd_options *o,
			      struct diag_writer *w, FILE *err);

/* Text to the file `path`, whole or not at all, or to `out` when path is NULL (graph, import). */
int write_whole(struct arena *arena, struct diag_sink *diags, const char *path, const struct textbuf *text,
		FILE *out);

#endif
