/*
 * operands.h - directories given where plan files are expected.
 *
 * `bfplan check plans/` checks every plan file under plans/: a team points
 * its CI at a directory instead of keeping a list of files up to date.
 */
#ifndef BFPLAN_CMD_OPERANDS_H
#define BFPLAN_CMD_OPERANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "base/arena.h"

/*
 * Replaces each operand that is a directory by the files whose names end
 * in ".plan" under it, at any depth, in byte order of their paths.
 * Directories and files whose names start with '.' (.git) are passed
 * over, and symbolic links to directories are not followed (no loop, no
 * escape from the tree).  False after saying on `err` which directory
 * could not be read or holds no plan file.
 */
bool operands_expand(struct arena *arena, struct ptrvec *inputs, FILE *err);

#endif
