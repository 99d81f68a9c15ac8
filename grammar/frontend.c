/*
 * frontend.c - runs the scanner and parser over one file, and words syntax
 * errors (see frontend.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend_impl.h"
#include "parser.h"
#include "lexer.h"
#include "syntax_error.h"

#include "base/suggest.h"
#include "base/textbuf.h"

/* ---- parsing ------------------------------------------------------------------------ */

struct ast_file *frontend_parse(struct arena *arena, struct src_manager *sm,
				struct diag_sink *diags, uint32_t file)
{
	return frontend_parse_apart(arena, arena, sm, diags, file);
}

struct ast_file *frontend_parse_apart(struct arena *arena, struct arena *tree, struct src_manager *sm,
				      struct diag_sink *diags, uint32_t file)
{
	const struct src_file *src = src_file(sm, file);
	struct ast_file *ast = arena_alloc(arena, sizeof *ast);
	ast->file = file;

	struct parse_state ps = {
		.lex = {
			.arena = arena,
			.diags = diags,
			.src = src,
			.file = file,
			.comments = &ast->comments,
		},
		.ast = ast,
		.tree = tree,
	};
	/*
	 * A UTF-8 byte-order mark, which Notepad and PowerShell 5 write, says
	 * nothing UTF-8 needs: scanning starts after it, and positions still
	 * count from the start of the file.
	 */
	uint32_t start = src_bom_len(src);
	ps.lex.cursor = start;
	yyscan_t scanner;
	if (yylex_init_extra(&ps.lex, &scanner) != 0)
		arena_fail(arena); /* its only failure is memory */
	YY_BUFFER_STATE buf = yy_scan_bytes(src->text + start, (int)(src->len - start), scanner);
	yyparse(scanner, &ps);
	yy_delete_buffer(buf, scanner);
	yylex_destroy(scanner);
	return ast;
}

/* ---- wording syntax errors ------------------------------------------------ */

/* What may open a line at the top level: `use` and the declaration keywords (front/decls.def). */
static const char *const top_level_words[] = {
	"use",
#define DECL(id, keyword, singular, article, plural) keyword,
#include "front/decls.def"
#undef DECL
};

static bool expects(const struct syntax_error *err, enum syntax_symbol sym)
{
	for (int i = 0; i < err->expected_count; i++)
		if (err->expected[i] == sym)
			return true;
	return false;
}

/* Only at the top level is a declaration keyword expected where an identifier is not. */
static bool at_top_level(const struct syntax_error *err)
{
	return expects(err, SYN_DECL) && !expects(err, SYN_IDENT);
}

/* The unexpected token as the user wrote it: "identifier 'clustr'", "'}'", "end of line". */
static const char *describe_found(struct parse_state *ps, const struct syntax_error *err)
{
	struct arena *a = ps->lex.arena;
	const char *text = ps->lex.src->text + err->span.begin;
	int len = (int)(err->span.end - err->span.begin);
	enum { QUOTE_MAX = 40 };
	switch (err->found) {
	case SYN_IDENT:
	case SYN_INT:
	case SYN_DURATION:
		return arena_printf(a, "%s '%.*s'", err->found_name,
				    len < QUOTE_MAX ? len : QUOTE_MAX, text);
	case SYN_DECL:
	case SYN_USE:
		return arena_printf(a, "keyword '%.*s'", len, text);
	case SYN_STRING:
		return len <= QUOTE_MAX ? arena_printf(a, "string %.*s", len, text) : "string";
	case SYN_NEWLINE:
		/* the zero-width NEWLINE the scanner puts before a '}' is the brace to the reader */
		if (len == 0 && err->span.begin < ps->lex.src->len && *text == '}')
			return "'}'";
		if (len == 0 && err->span.begin >= ps->lex.src->len)
			return "end of file";
		break;
	case SYN_END:
	case SYN_LBRACE:
	case SYN_RBRACE:
	case SYN_COMMA:
	case SYN_OTHER:
		break;
	}
	return err->found_name;
}

/*
 * The expected tokens, in words.  Keywords are also values and statement
 * words, so "declaration keyword" is only worth saying at the top level,
 * where it reads better as "a declaration".
 */
static const char *describe_expected(struct parse_state *ps, const struct syntax_error *err)
{
	struct arena *a = ps->lex.arena;
	bool top_level = at_top_level(err);
	const char *names[SYNTAX_MAX_EXPECTED];
	int n = 0;
	for (int i = 0; i < err->expected_count; i++) {
		enum syntax_symbol sym = err->expected[i];
		if (sym == SYN_DECL && !top_level)
			continue;
		if (sym == SYN_END && top_level)
			continue;
		names[n++] = sym == SYN_DECL ? "a declaration" : err->expected_names[i];
	}
	const char *list = "";
	for (int i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		list = arena_printf(a, "%s%s%s", list, sep, names[i]);
	}
	return list;
}

/* Whether only blanks come before `offset` on its line. */
static bool starts_line(const char *text, uint32_t offset)
{
	while (offset > 0 && (text[offset - 1] == ' ' || text[offset - 1] == '\t'))
		offset--;
	return offset == 0 || text[offset - 1] == '\n';
}

/* The help line: the likeliest fix for the commonest mistakes, else where the syntax is written down. */
static void add_help(struct parse_state *ps, struct diag *d, const struct syntax_error *err)
{
	struct diag_sink *diags = ps->lex.diags;
	const char *text = ps->lex.src->text + err->span.begin;
	size_t len = err->span.end - err->span.begin;

	if (err->found == SYN_IDENT && expects(err, SYN_DECL)) {
		char *word = arena_strndup(ps->lex.arena, text, len);
		const char *near = suggest_closest(word, top_level_words,
						   sizeof top_level_words / sizeof top_level_words[0]);
		if (near) {
			diag_help(diags, d, "did you mean '%s'?", near);
			return;
		}
		struct textbuf list;
		textbuf_init(&list, ps->lex.arena);
		for (size_t i = 1; i < sizeof top_level_words / sizeof top_level_words[0]; i++) {
			textbuf_puts(&list, i > 1 ? ", " : "");
			textbuf_puts(&list, top_level_words[i]);
		}
		diag_help(diags, d, "a file holds `use` lines and declarations (%s); "
			  "statements belong inside a declaration's braces", list.data);
		return;
	}
	if (expects(err, SYN_IDENT) && err->expected_count == 1) {
		diag_help(diags, d, "a declaration needs a name after its keyword, as in 'cluster exch01 {'");
		return;
	}
	if (err->found == SYN_RBRACE && at_top_level(err)) {
		diag_help(diags, d, "remove the '}': it closes no block");
		return;
	}
	if (err->found == SYN_LBRACE && expects(err, SYN_NEWLINE)) {
		diag_help(diags, d, "only declarations and statements like `each node` take a block; "
			  "check the line above for a missing word");
		return;
	}
	if (err->found == SYN_LBRACE && (at_top_level(err) || expects(err, SYN_RBRACE)) &&
	    starts_line(ps->lex.src->text, err->span.begin)) {
		diag_help(diags, d, "a block opens on the line of what it belongs to: "
			  "move the '{' to the end of the line above");
		return;
	}
	if (expects(err, SYN_STRING) && err->expected_count == 1) {
		diag_help(diags, d, "write the path in double quotes, as in 'use \"bigfix/server-automation\"'");
		return;
	}
	if (err->found == SYN_COMMA || err->found == SYN_NEWLINE) {
		diag_help(diags, d, "a list is values separated by commas, with a value after every comma");
		return;
	}
	diag_help(diags, d, "see docs/language.md for how declarations and statements are written");
}

void report_syntax_error(struct parse_state *ps, const struct syntax_error *err)
{
	struct diag *d;
	if (err->expected_count > 0)
		d = diag_report(ps->lex.diags, BFP101, err->span, "expected %s, found %s",
				describe_expected(ps, err), describe_found(ps, err));
	else
		d = diag_report(ps->lex.diags, BFP101, err->span, "unexpected %s", describe_found(ps, err));
	add_help(ps, d, err);
}
