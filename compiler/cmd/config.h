/*
 * config.h - bfplan.ini: how bfplan runs on the plans below a directory.
 *
 * A team keeps in its plan repository what every run needs: the -I
 * directories of its libraries, the gather URLs of its BigFix server, the
 * warnings it allows (with the reason) or denies, and the output it wants
 * by default.  The file is found from the first plan's directory upward,
 * up to the directory that holds .git (or the file system's root); the
 * command line adds to it and overrides it.  docs/config.md describes it,
 * and why it is INI read by libinih.
 */
#ifndef BFPLAN_CMD_CONFIG_H
#define BFPLAN_CMD_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd/cmd.h"

/* What the command line set, so the file does not override it. */
struct config_given {
	bool format, color, werror, quiet;
};

/*
 * Finds and reads the file for the operands of `o`, and adds what it
 * says to `o`.  False after saying on `err` what is wrong with the file
 * (a usage error: exit 2).
 */
bool config_apply(struct arena *arena, enum cmd_id cmd, struct cmd_options *o, const struct config_given *given,
		  const struct bfplan_env *env, FILE *err);

#endif
