/*
 * fix.h - `bfplan check --fix`: the machine-applicable fixes of a
 * compilation's diagnostics, applied to the plan's own files.
 */
#ifndef BFPLAN_CMD_FIX_H
#define BFPLAN_CMD_FIX_H

#include <stdio.h>

#include "cmd/compile.h"

/*
 * Applies the fixes of every reported diagnostic to the files they are
 * in, then formats each changed file (fmt's layout, the file's own line
 * ends) and replaces it whole.  A fix is applied whole or not at all: one
 * whose edits overlap an earlier fix's waits for the next run.  Files of
 * the standard library are never written.  Returns
 * how many fixes were applied; what could not be written is said on `err`
 * and makes *failed true.
 */
unsigned fix_apply(struct compilation *c, FILE *err, bool *failed);

#endif
