/*
 * fmt.h - the canonical layout of a plan file (`bfplan fmt`).
 *
 * The formatter prints a parsed file again from its syntax tree, taking
 * every token's spelling from its span in the source (so literals stay
 * exactly as written) and the line breaks the layout keeps from the text
 * between tokens.  The layout:
 *
 *   - one statement per line, indented four spaces per block level;
 *   - one space between the words and values of a statement, ", " in
 *     lists; a list the author broke after a comma stays broken there,
 *     its next line starting under the list's first item;
 *   - "{" at the end of the line it belongs to, "}" alone on a line under
 *     the start of that line; an empty block is "{}";
 *   - at most one blank line in a row, as the author put them, and none
 *     at the start or end of the file or of a block;
 *   - every comment kept: a comment on a line of its own stays on a line
 *     of its own, indented with what follows it (or with the block it
 *     closes); a comment at the end of a line stays at the end of that
 *     line.  Trailing comments on neighbouring lines (no blank line,
 *     comment line or change of indentation between them) start in one
 *     column, two spaces after the longest of those lines; trailing blanks
 *     in comments go;
 *   - LF line ends, and one at the end of a file that is not empty (the
 *     command, fmt_run.c, gives CRLF ones to a file whose first line ends
 *     so, as Git for Windows checks files out).
 *
 * Formatting never changes what a plan means: the result is parsed again
 * and must hold the same tokens and comments in the same order, or it is
 * not used (fmt_file() says so).
 */
#ifndef BFPLAN_FMT_H
#define BFPLAN_FMT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/source.h"
#include "diag/diag.h"
#include "front/ast.h"

enum fmt_status {
	FMT_OK,         /* *out holds the formatted text */
	FMT_SYNTAX,     /* the file has errors, reported into the sink: nothing to format */
	FMT_UNSAFE,     /* the result would not mean the same (a bug in bfplan): reported as BFP503 */
};

/*
 * Parses file `file` of `sm` and formats it.  Errors in the file go to
 * `diags`; so does the safety check's failure.
 */
enum fmt_status fmt_file(struct arena *arena, struct src_manager *sm, struct diag_sink *diags,
			 uint32_t file, const char **out, size_t *out_len);

/* What formatting must not change: the file's tokens and comments, in order, as one string. */
const char *fmt_signature(struct arena *arena, const struct src_file *src, const struct ast_file *ast);

#endif
