/*
 * frontend_impl.h - state shared by the scanner and the parser.
 *
 * Private to grammar/: lexer.l, parser.y and frontend.c include it.
 */
#ifndef BFPLAN_FRONTEND_IMPL_H
#define BFPLAN_FRONTEND_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend.h"

/* Per-file scanner state, reached from flex actions through yyextra. */
/* Slots of lex_state.ident_cache: a power of two. */
enum { FRONTEND_IDENT_CACHE = 1024 };

struct lex_state {
	struct arena *arena;
	struct diag_sink *diags;
	const struct src_file *src;
	uint32_t file;
	uint32_t cursor;          /* byte offset of the next unread byte */
	int last;                 /* the previous token returned, for newline rules */
	bool gave_up;             /* too many errors: the rest of the file is skipped */

	struct src_span braces[FRONTEND_MAX_DEPTH]; /* open '{' spans, innermost last */
	unsigned depth;           /* how many '{' are open (may exceed the array) */
	unsigned closing;         /* '}' still to invent at end of file */

	struct src_span str_open; /* the opening quote of the string being read */
	char *str;                /* decoded bytes of that string */
	size_t str_len, str_cap;
	bool str_bad;             /* an error inside it was already reported */

	struct diag *stray;       /* last stray-character report, to merge a run into one */
	uint32_t stray_end;

	struct ptrvec *comments;  /* where comments go: the file's list */

	/*
	 * Identifiers' texts, by a hash of the text: a plan repeats the same
	 * few names (OSes, steps, quorum models) thousands of times, and its
	 * tree keeps them all.  A direct-mapped cache, not a table: a name
	 * that collides only costs a copy, and no input makes it slow.
	 */
	const char *ident_cache[FRONTEND_IDENT_CACHE];
};

struct parse_state {
	struct lex_state lex;     /* first member: the scanner state */
	struct ast_file *ast;
	struct arena *tree;       /* the nodes; their texts go to lex.arena (frontend_parse_apart()) */
};

#endif
