/*
 * run.h - `bfplan run PLAN --journal FILE [COMMAND]`: a change window, by hand.
 *
 * The operator records each step in the journal as the checklist goes:
 * status, next, start, done, fail, note, abort, and report for the change
 * ticket (docs/runtime.md).  runtime/run.h replays the journal into the
 * engine; runtime/journal_file.h reads, locks and appends it.  This file
 * is the command line around them, and what the operator reads.
 */
#ifndef BFPLAN_CMD_RUN_H
#define BFPLAN_CMD_RUN_H

#include <stdio.h>

#include "cmd/cli.h"

/* argv[first] is the first argument after "run". */
int cmd_run(int argc, char **argv, int first, FILE *out, FILE *err, const struct bfplan_env *env);

/* The lines of `bfplan --help` about run. */
extern const char run_usage_text[];

#endif
