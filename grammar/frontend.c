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

/* ---- words that start with a digit ---------------------------------------------- */

static bool digit_led(const char *word)
{
	return word && word[0] >= '0' && word[0] <= '9';
}

static void invalid_number(struct diag_sink *diags, const char *word, struct src_span span)
{
	struct diag *d = diag_report(diags, BFP107, span, "invalid number '%s'", word);
	diag_help(diags, d, "write an integer (40301), a duration with a unit s, m, h or d (30m, 1h30m), "
		  "or an identifier that starts with a letter");
}

/* Reports every word that starts with a digit among `values` (lists included). */
static void refuse_digit_words(struct diag_sink *diags, const struct ptrvec *values)
{
	for (size_t i = 0; i < values->len; i++) {
		const struct ast_value *v = values->items[i];
		if (v->kind == VAL_LIST)
			refuse_digit_words(diags, &v->items);
		else if (v->kind == VAL_IDENT && digit_led(v->text))
			invalid_number(diags, v->text, v->span);
	}
}

/*
 * The statements whose values are node names: `nodes` of a cluster,
 * `active` and `order` of a plan.  Only there may a word start with a
 * digit, since a NetBIOS computer name may (2NODE); everywhere else it is
 * a mistyped number (30mins, 1h30), and said so.
 */
static bool takes_node_names(enum ast_decl_kind owner, const struct ast_stmt *s)
{
	if (owner == DECL_CLUSTER)
		return strcmp(s->word, "nodes") == 0;
	if (owner == DECL_PLAN)
		return strcmp(s->word, "active") == 0 || strcmp(s->word, "order") == 0;
	return false;
}

static void check_block_words(struct diag_sink *diags, enum ast_decl_kind owner, const struct ast_block *b,
			      bool top)
{
	for (size_t i = 0; b && i < b->stmts.len; i++) {
		const struct ast_stmt *s = b->stmts.items[i];
		if (digit_led(s->word))
			invalid_number(diags, s->word, s->word_span);
		if (!(top && takes_node_names(owner, s)))
			refuse_digit_words(diags, &s->args);
		check_block_words(diags, owner, s->block, false);
	}
}

static void check_digit_words(struct diag_sink *diags, const struct ast_file *ast)
{
	for (size_t i = 0; i < ast->decls.len; i++) {
		const struct ast_decl *d = ast->decls.items[i];
		if (digit_led(d->name))
			invalid_number(diags, d->name, d->name_span);
		refuse_digit_words(diags, &d->args);
		check_block_words(diags, d->kind, d->block, true);
	}
}

/* ---- parsing ------------------------------------------------------------------------ */

struct ast_file *frontend_parse(struct arena *arena, struct src_manager *sm,
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
	check_digit_words(diags, ast);
	return ast;
}

/* ---- wording syntax errors ------------------------------------------------ */

static const char *const decl_keywords[] = {
	"use", "site", "os", "state", "prerequisite", "fixlet", "task",
	"step", "role", "cluster", "baseline", "plan",
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
		const char *near = suggest_closest(word, decl_keywords,
						   sizeof decl_keywords / sizeof decl_keywords[0]);
		if (near) {
			diag_help(diags, d, "did you mean '%s'?", near);
			return;
		}
		diag_help(diags, d, "a file holds `use` lines and declarations (site, os, state, "
			  "prerequisite, fixlet, task, step, role, cluster, baseline, plan); "
			  "statements belong inside a declaration's braces");
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
