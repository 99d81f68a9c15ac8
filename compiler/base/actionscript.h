/*
 * actionscript.h - what bfplan reads out of an ActionScript body.
 *
 * Two facts decide how a Fixlet fits into a plan, and both are written in
 * its action script: whether it can leave the computer in Pending Restart
 * (`action requires restart`, `action may require restart`), restarts it
 * itself (`restart`), or does neither; and whether it asks the operator for
 * a value when it is taken (`action parameter query`), which bfplan cannot
 * supply.  `bfplan import` reads them to write a declaration, and the
 * resolver reads them again from a declaration's `actionscript` lines, so
 * a `pending-restart` statement can never contradict the script beside it.
 *
 * The reading is by commands, line by line: a line's first word after
 * blanks decides what it is, in any case; lines starting with `//` are
 * comments.  Only the commands above count; a program the script runs
 * (shutdown.exe /r, say) is not seen, which the documentation says.
 */
#ifndef BFPLAN_ACTIONSCRIPT_H
#define BFPLAN_ACTIONSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum as_restart {
	AS_RESTART_NEVER,  /* no restart command and no Pending Restart */
	AS_RESTART_MAY,    /* can leave the computer in Pending Restart */
	AS_RESTART_CLEARS, /* restarts the computer after anything that asked for one */
};

/* An `action parameter query` line: the operator is asked for a value when the action is taken. */
struct as_param {
	const char *name;
	const char *description;   /* NULL when the line gives none */
	const char *default_value; /* NULL when the line gives none */
	uint32_t line;             /* 1-based, in the script */
};

/*
 * A `{parameter "NAME"}` substitution (also `{parameter "NAME" of action}`):
 * the client puts the value, as typed, into the line before it runs it.
 */
struct as_use {
	const char *name;
	const char *command;       /* the line's first word: "waithidden", "appendfile" */
	uint32_t line;             /* 1-based, in the script */
};

struct as_reading {
	enum as_restart restart;
	uint32_t line;             /* the line that decided `restart`; 0 for AS_RESTART_NEVER */
	const char *because;       /* that line's command, as a phrase: "action requires restart" */
	/*
	 * Set when the script does something bfplan cannot judge (a restart
	 * only inside an if block, a shutdown): a phrase saying what, so the
	 * reading can be marked unconfirmed.  NULL when the reading is sure.
	 */
	const char *doubt;
	struct ptrvec params;      /* struct as_param *, in script order */
	struct ptrvec uses;        /* struct as_use *: parameter substitutions, in script order */
};

/* Reads `len` bytes of ActionScript (lines end with LF, CR LF or CR). */
void as_read(struct arena *a, const char *script, size_t len, struct as_reading *out);

/*
 * Whether a parameter's name or description says it holds a secret (a
 * password, a passphrase, a secret, a credential, a token): such a
 * value must never be written in clear text.  `s` may be NULL.
 */
bool as_names_secret(const char *s);

/* "never", "may" or "clears": the plan language's words for a reading. */
const char *as_restart_word(enum as_restart r);

#endif
