/*
 * allow.h - `# bfplan: allow CODE -- reason` comments in plan files.
 *
 * A team adopting a linter needs to accept one warning in one place, say
 * why, and keep seeing every other one.  A comment
 *
 *     # bfplan: allow BFP325 -- the reboot check may fail on the witness
 *
 * allows the codes it names (codes or names, separated by commas) where it
 * stands: a comment at the end of a line covers what starts on that line
 * (a statement, or a declaration with its whole block); a comment on a
 * line of its own covers the statement or declaration that follows it.
 * The reason after "--" is required: it goes into the JSON and SARIF
 * forms with each diagnostic it suppressed.  Only warnings and notes can
 * be allowed; a code --deny names is reported as an error whatever the
 * comment says (diag_allow_add refuses it).
 */
#ifndef BFPLAN_FRONT_ALLOW_H
#define BFPLAN_FRONT_ALLOW_H

#include "base/arena.h"
#include "diag/diag.h"
#include "front/ast.h"

/* Reads the directives among the file's comments into the sink; a malformed one is reported. */
void allow_collect(struct arena *arena, struct diag_sink *diags, const struct src_manager *sm,
		   const struct ast_file *file);

#endif
