/*
 * frontend.h - the public face of the scanner and parser.
 *
 * One call turns one registered source file into its syntax tree,
 * reporting lexical and syntax errors into the sink.  The generated
 * parser.h and lexer.h are private to grammar/; nothing else includes them.
 */
#ifndef BFPLAN_FRONTEND_H
#define BFPLAN_FRONTEND_H

#include "front/ast.h"
#include "diag/diag.h"
#include "base/source.h"

/*
 * Parses file `file` of `sm`.  Always returns a tree (possibly partial when
 * errors were reported); its nodes live in `arena`.
 */
struct ast_file *frontend_parse(struct arena *arena, struct src_manager *sm,
				struct diag_sink *diags, uint32_t file);

/*
 * The same, with the tree's nodes (values, statements, blocks,
 * declarations and their lists) in `tree` and everything else in
 * `arena`: the texts the nodes point to (names, strings, numbers as
 * written), the comments, the messages.  A caller that keeps only what
 * it made of the texts can free `tree` once done with the nodes.
 */
struct ast_file *frontend_parse_apart(struct arena *arena, struct arena *tree, struct src_manager *sm,
				      struct diag_sink *diags, uint32_t file);

/* Limits of the language, each reported as a diagnostic when exceeded. */
enum {
	FRONTEND_MAX_DEPTH = 16,          /* nested blocks: plans need three */
	FRONTEND_MAX_STRING = 16 * 1024,  /* bytes in one string literal, after decoding */
	FRONTEND_MAX_IDENT = 255,         /* bytes in one identifier */
	FRONTEND_GIVE_UP_ERRORS = 1000,   /* errors in one file after which the rest is skipped */
};

#endif
