/*
 * syntax_error.h - what the parser knows when it meets an unexpected token.
 *
 * Private to grammar/.  The parser fills this in from bison's context
 * (whose symbol type is private to the generated parser.c, hence the small
 * enum of our own); frontend.c words the diagnostic, so the wording lives
 * in ordinary C rather than in the grammar file.
 */
#ifndef BFPLAN_SYNTAX_ERROR_H
#define BFPLAN_SYNTAX_ERROR_H

#include "base/source.h"

struct parse_state;

enum syntax_symbol {
	SYN_END, SYN_IDENT, SYN_STRING, SYN_INT, SYN_DURATION, SYN_DECL, SYN_USE,
	SYN_NEWLINE, SYN_LBRACE, SYN_RBRACE, SYN_COMMA, SYN_OTHER,
};

enum { SYNTAX_MAX_EXPECTED = 10 };

struct syntax_error {
	struct src_span span;      /* the unexpected token */
	enum syntax_symbol found;
	const char *found_name;    /* as the grammar names it: "identifier", "'}'" */
	int expected_count;        /* 0: too many to list */
	enum syntax_symbol expected[SYNTAX_MAX_EXPECTED];
	const char *expected_names[SYNTAX_MAX_EXPECTED];
};

void report_syntax_error(struct parse_state *ps, const struct syntax_error *err);

#endif
