/*
 * test_scanner.c - tokens, literals and newline rules, seen through the tree.
 *
 * Each test parses a small text with frontend_parse() and inspects the
 * syntax tree: the decoded value of every literal, the spans, the comments,
 * and which texts are one statement or two.  Texts with mistakes check the
 * code reported and that parsing carries on after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/text.h"
#include "frontend.h"
#include "sema/resolve.h"

struct fixture {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink sink;
	uint32_t file;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	arena_init(&fx->arena);
	src_init(&fx->sm, &fx->arena);
	diag_init(&fx->sink, &fx->arena, &fx->sm);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	arena_free(&fx->arena);
	free(fx);
	return 0;
}

static struct ast_file *parse_n(void **state, const char *text, size_t len)
{
	struct fixture *fx = *state;
	fx->file = src_add(&fx->sm, "t.plan", text, len);
	struct ast_file *ast = frontend_parse(&fx->arena, &fx->sm, &fx->sink, fx->file);
	assert_non_null(ast);
	assert_int_equal(ast->file, fx->file);
	return ast;
}

static struct ast_file *parse(void **state, const char *text)
{
	return parse_n(state, text, strlen(text));
}

/* Parses text that must be free of errors; prints them if not. */
static struct ast_file *parse_clean(void **state, const char *text)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state, text);
	if (fx->sink.errors) {
		diag_render_text(&fx->sink, stderr, DIAG_COLOR_NEVER);
		fail_msg("unexpected diagnostics for: %s", text);
	}
	return ast;
}

static unsigned count_code(void **state, enum diag_code code)
{
	struct fixture *fx = *state;
	unsigned n = 0;
	for (size_t i = 0; i < fx->sink.diags.len; i++) {
		const struct diag *d = fx->sink.diags.items[i];
		if (d->code == code)
			n++;
	}
	return n;
}

/* The one diagnostic with this code; fails unless there is exactly one. */
static const struct diag *only(void **state, enum diag_code code)
{
	struct fixture *fx = *state;
	const struct diag *found = NULL;
	for (size_t i = 0; i < fx->sink.diags.len; i++) {
		const struct diag *d = fx->sink.diags.items[i];
		if (d->code == code) {
			assert_null(found);
			found = d;
		}
	}
	assert_non_null(found);
	return found;
}

static struct ast_decl *decl(struct ast_file *ast, size_t i)
{
	assert_true(i < ast->decls.len);
	return ast->decls.items[i];
}

static struct ast_stmt *stmt(struct ast_decl *d, size_t i)
{
	assert_non_null(d->block);
	assert_true(i < d->block->stmts.len);
	return d->block->stmts.items[i];
}

static struct ast_value *arg(struct ptrvec *args, size_t i)
{
	assert_true(i < args->len);
	return args->items[i];
}

#define assert_span(sp, b, e)                           \
	do {                                            \
		assert_int_equal((sp).begin, (b));      \
		assert_int_equal((sp).end, (e));        \
	} while (0)

/* The decoded text of the first value of the first declaration. */
static const char *first_string(void **state, const char *text)
{
	struct ast_file *ast = parse_clean(state, text);
	struct ast_value *v = arg(&decl(ast, 0)->args, 0);
	assert_int_equal(v->kind, VAL_STRING);
	return v->text;
}

/* The value of the first argument of each statement of `plan p { ... }`. */
static int64_t stmt_number(struct ast_decl *d, size_t i, enum ast_value_kind kind)
{
	struct ast_value *v = arg(&stmt(d, i)->args, 0);
	assert_int_equal(v->kind, kind);
	return v->number;
}

/* ---- strings -------------------------------------------------------------- */

static void test_simple_escapes(void **state)
{
	assert_string_equal(first_string(state, "os x \"a\\\"b\\\\c\\nd\\te\"\n"), "a\"b\\c\nd\te");
	assert_string_equal(first_string(state, "os y \"\"\n"), "");
	assert_string_equal(first_string(state, "os z \"\\\\\\\\\"\n"), "\\\\");
	/* a '#' inside a string is text, not a comment */
	assert_string_equal(first_string(state, "os w \"a # b\"\n"), "a # b");
}

static void test_unicode_escapes(void **state)
{
	assert_string_equal(first_string(state, "os x \"caf\\u{E9}\"\n"), "caf\xC3\xA9");
	assert_string_equal(first_string(state, "os x \"\\u{1F600}\"\n"), "\xF0\x9F\x98\x80");
	assert_string_equal(first_string(state, "os x \"\\u{41}\\u{000042}\"\n"), "AB");
	/* the boundaries of the 1-, 2-, 3- and 4-byte forms (less the controls), in upper and lower case */
	assert_string_equal(first_string(state, "os x \"\\u{7E}\\u{A0}\\u{7ff}\\u{800}\"\n"),
			    "~\xC2\xA0\xDF\xBF\xE0\xA0\x80");
	assert_string_equal(first_string(state, "os x \"\\u{FFFD}\\u{10000}\\u{10FFFF}\"\n"),
			    "\xEF\xBF\xBD\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
	/* tab, line feed and carriage return are text every output can hold */
	assert_string_equal(first_string(state, "os x \"\\u{9}\\u{A}\\u{D}\"\n"), "\t\n\r");
	assert_string_equal(first_string(state, "os x \"\\u{D7FF}\\u{E000}\"\n"),
			    "\xED\x9F\xBF\xEE\x80\x80");
}

/* An escape cannot smuggle in what a literal character could not: controls, U+FFFE, U+FFFF. */
static void test_forbidden_escapes(void **state)
{
	static const char *const escapes[] = {"\\u{1}", "\\u{1B}", "\\u{7}", "\\u{7F}", "\\u{9B}",
					      "\\u{85}", "\\u{FFFE}", "\\u{ffff}"};
	for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
		struct fixture *fx = *state;
		char text[64];
		snprintf(text, sizeof text, "os x \"a%sb\"\n", escapes[i]);
		struct ast_file *ast = parse(state, text);
		assert_int_equal(count_code(state, BFP111), i + 1);
		const struct diag *d = fx->sink.diags.items[fx->sink.diags.len - 1];
		assert_span(d->span, 7, 7 + strlen(escapes[i]));
		/* the string is dropped, as after any error in it */
		assert_int_equal(decl(ast, 0)->args.len, 0);
	}
}

/* Bidi controls and invisible characters: a warning in strings and comments, an error elsewhere. */
static void test_hidden_characters(void **state)
{
	struct fixture *fx = *state;
	/* U+202E in a string: kept, and a located warning */
	assert_string_equal(first_string(state, "os x \"a\xE2\x80\xAE" "b\"\n"), "a\xE2\x80\xAE" "b");
	const struct diag *d = only(state, BFP006);
	assert_span(d->span, 7, 10);
	assert_string_equal(d->message, "bidi control U+202E (RIGHT-TO-LEFT OVERRIDE) in a string");
	/* in a comment, and one warning per comment however many it holds */
	parse_clean(state, "os x # \xE2\x81\xA6x\xE2\x81\xA9 \xE2\x80\x8B\n");
	assert_int_equal(count_code(state, BFP006), 2);
	d = fx->sink.diags.items[fx->sink.diags.len - 1];
	assert_string_equal(d->message, "bidi control U+2066 (LEFT-TO-RIGHT ISOLATE) in a comment");
	/* written as an escape, still a warning: the outputs hold the character */
	parse_clean(state, "os x \"\\u{200B}\"\n");
	assert_int_equal(count_code(state, BFP006), 3);
	/* in a name or between tokens: an error */
	parse(state, "os ab\xE2\x80\xAE" "cd\n");
	d = only(state, BFP102);
	assert_string_equal(d->message, "stray bidi control U+202E (RIGHT-TO-LEFT OVERRIDE)");
	assert_span(d->span, 5, 8);
	/* a byte-order mark past the start of the file is an invisible character like any other */
	parse(state, "os x\n\xEF\xBB\xBFos y\n");
	assert_int_equal(count_code(state, BFP102), 2);
}

/* C1 controls act on terminals as C0 ones do; U+FFFE and U+FFFF cannot be written to XML. */
static void test_c1_controls_and_noncharacters(void **state)
{
	/* in a comment nothing is written anywhere: accepted */
	parse_clean(state, "os x # \xEF\xBF\xBF\n");
	parse(state, "os x \"a\xC2\x9B" "b\"\n");
	assert_int_equal(count_code(state, BFP005), 1);
	parse(state, "os x # \xC2\x85\n");
	assert_int_equal(count_code(state, BFP005), 2);
	parse(state, "os x \xC2\x9B\n");
	assert_int_equal(count_code(state, BFP005), 3);
	parse(state, "os x \"\xEF\xBF\xBE\"\n");
	assert_int_equal(count_code(state, BFP401), 1);
}

/* Line ends: LF or CRLF; a carriage return alone is an error, not a blank. */
static void test_lone_carriage_return(void **state)
{
	parse_clean(state, "os a\r\nos b\r\n");
	struct ast_file *ast = parse(state, "os a\ros b\n");
	const struct diag *d = only(state, BFP005);
	assert_span(d->span, 4, 5);
	assert_string_equal(d->message, "carriage return without a line feed");
	/* the tokens around it are still read: "os a os b", one line as the scanner sees it */
	assert_int_equal(ast->decls.len, 1);
	assert_int_equal(decl(ast, 0)->args.len, 2);
}

/* A UTF-8 byte-order mark is skipped; spans still count from the first byte of the file. */
static void test_byte_order_mark(void **state)
{
	struct ast_file *ast = parse_clean(state, "\xEF\xBB\xBFos x\n");
	assert_int_equal(ast->decls.len, 1);
	assert_span(decl(ast, 0)->name_span, 6, 7);
	ast = parse_clean(state, "\xEF\xBB\xBF");
	assert_int_equal(ast->decls.len, 0);
}

static void test_utf8_text_kept(void **state)
{
	assert_string_equal(first_string(state, "os x \"Windows Server \xE2\x80\x93 caf\xC3\xA9 \xF0\x9F\x98\x80\"\n"),
			    "Windows Server \xE2\x80\x93 caf\xC3\xA9 \xF0\x9F\x98\x80");
	/* a tab is the one control character a string may hold as it is */
	assert_string_equal(first_string(state, "os x \"a\tb\"\n"), "a\tb");
}

static void test_string_span_covers_the_quotes(void **state)
{
	struct ast_file *ast = parse_clean(state, "os x \"a\\nb\"\n");
	struct ast_value *v = arg(&decl(ast, 0)->args, 0);
	assert_span(v->span, 5, 11);
}

static void test_unknown_escape(void **state)
{
	struct ast_file *ast = parse(state, "os x \"a\\qb\"\nos y \"fine\"\n");
	const struct diag *d = only(state, BFP104);
	assert_span(d->span, 7, 9); /* the backslash and the letter */
	assert_string_equal(d->message, "unknown escape sequence '\\q'");
	/* the declaration keeps its name, and the next line still parses */
	assert_int_equal(ast->decls.len, 2);
	assert_string_equal(decl(ast, 0)->name, "x");
	assert_int_equal(decl(ast, 0)->args.len, 0);
	assert_string_equal(decl(ast, 1)->name, "y");
}

static void test_invalid_unicode_escapes(void **state)
{
	parse(state, "os a \"\\u{D800}\"\nos b \"\\u{110000}\"\nos c \"\\u{0}\"\nos d \"\\u41\"\n"
		     "os e \"\\u{}\"\nos f \"\\u{1234567}\"\n");
	/* surrogate, too large, zero, no braces, no digits, too many digits */
	assert_int_equal(count_code(state, BFP105), 6);
}

static void test_unterminated_string(void **state)
{
	struct ast_file *ast = parse(state, "os x \"open\nos y \"T\"\n");
	const struct diag *d = only(state, BFP103);
	assert_span(d->span, 5, 6); /* reported at the opening quote */
	/* the line still ends, so the next declaration is intact */
	assert_int_equal(ast->decls.len, 2);
	assert_string_equal(decl(ast, 1)->name, "y");
	assert_int_equal(decl(ast, 1)->args.len, 1);
}

static void test_unterminated_string_at_end_of_file(void **state)
{
	parse(state, "os x \"open");
	assert_span(only(state, BFP103)->span, 5, 6);
	parse(state, "os x \"open\\");
	assert_int_equal(count_code(state, BFP103), 2);
}

static void test_unterminated_string_crlf(void **state)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state, "os x \"open\r\nos y \"T\"\r\n");
	/* the '\r' of the line end is not reported as a control character */
	assert_int_equal(fx->sink.errors, 1);
	assert_span(only(state, BFP103)->span, 5, 6);
	assert_int_equal(ast->decls.len, 2);
}

static void test_backslash_newline(void **state)
{
	struct ast_file *ast = parse(state, "os x \"a\\\nos y \"T\"\n");
	assert_int_equal(count_code(state, BFP104), 1);
	assert_int_equal(count_code(state, BFP103), 1);
	assert_int_equal(ast->decls.len, 2);
	assert_string_equal(decl(ast, 1)->name, "y");
}

static void test_string_length_limit(void **state)
{
	struct fixture *fx = *state;
	size_t n = FRONTEND_MAX_STRING;
	char *text = arena_alloc(&fx->arena, n + 32);
	strcpy(text, "os x \"");
	memset(text + 6, 'a', n);
	strcpy(text + 6 + n, "\"\n");
	struct ast_file *ast = parse_clean(state, text);
	assert_int_equal(strlen(arg(&decl(ast, 0)->args, 0)->text), n);

	/* one byte more is reported once, at the opening quote */
	text[6 + n] = 'a';
	strcpy(text + 7 + n, "\"\n");
	parse(state, text);
	assert_span(only(state, BFP106)->span, 5, 6);
}

static void test_string_length_counts_decoded_bytes(void **state)
{
	struct fixture *fx = *state;
	/* FRONTEND_MAX_STRING escapes of two bytes each decode to exactly the limit */
	size_t n = FRONTEND_MAX_STRING;
	char *text = arena_alloc(&fx->arena, n * 2 + 32);
	strcpy(text, "os x \"");
	for (size_t i = 0; i < n; i++)
		memcpy(text + 6 + 2 * i, "\\n", 2);
	strcpy(text + 6 + 2 * n, "\"\n");
	struct ast_file *ast = parse_clean(state, text);
	assert_int_equal(strlen(arg(&decl(ast, 0)->args, 0)->text), n);
}

/* ---- numbers and durations ---------------------------------------------- */

static void test_durations(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"plan p {\n"
		"  a 30m\n"
		"  b 2h\n"
		"  c 1h30m\n"
		"  d 45s\n"
		"  e 1d\n"
		"  f 1d2h3m4s\n"
		"  g 0s\n"
		"  h 90m\n"
		"}\n");
	struct ast_decl *d = decl(ast, 0);
	assert_int_equal(stmt_number(d, 0, VAL_DURATION), 1800);
	assert_int_equal(stmt_number(d, 1, VAL_DURATION), 7200);
	assert_int_equal(stmt_number(d, 2, VAL_DURATION), 5400);
	assert_int_equal(stmt_number(d, 3, VAL_DURATION), 45);
	assert_int_equal(stmt_number(d, 4, VAL_DURATION), 86400);
	assert_int_equal(stmt_number(d, 5, VAL_DURATION), 86400 + 7200 + 180 + 4);
	assert_int_equal(stmt_number(d, 6, VAL_DURATION), 0);
	assert_int_equal(stmt_number(d, 7, VAL_DURATION), 5400);
	assert_span(arg(&stmt(d, 2)->args, 0)->span, 28, 33);
}

static void test_integers(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"fixlet f {\n"
		"  id 116\n"
		"  a 0\n"
		"  b 007\n"
		"  c 2147483647\n"
		"  d 40301\n"
		"}\n");
	struct ast_decl *d = decl(ast, 0);
	assert_int_equal(stmt_number(d, 0, VAL_INT), 116);
	assert_int_equal(stmt_number(d, 1, VAL_INT), 0);
	assert_int_equal(stmt_number(d, 2, VAL_INT), 7);
	assert_int_equal(stmt_number(d, 3, VAL_INT), 2147483647);
	assert_int_equal(stmt_number(d, 4, VAL_INT), 40301);
}

static void test_number_limits(void **state)
{
	/* one past the limit, a huge integer, and durations past it by units and by digits */
	parse(state, "plan p {\n  a 2147483648\n  b 99999999999999999999999\n  c 24856d\n"
		     "  d 2147483648s\n  e 24855d\n}\n");
	assert_int_equal(count_code(state, BFP107), 4);
	struct fixture *fx = *state;
	assert_int_equal(fx->sink.errors, 4);
}

/* The words pass of the resolver (sema/resolve.h) over one parsed file. */
static void check_words(void **state, struct ast_file *ast)
{
	struct fixture *fx = *state;
	struct program program = {.root = ast->file};
	ptrvec_push(&fx->arena, &program.files, ast);
	resolve_words(&fx->sink, &program);
}

static void test_malformed_numbers(void **state)
{
	check_words(state, parse(state, "plan p {\n  a 12ab\n  b 1h30\n  c 1.5\n  d 3w\n  e 10-20\n}\n"));
	assert_int_equal(count_code(state, BFP107), 5);
	struct fixture *fx = *state;
	assert_int_equal(fx->sink.errors, 5);
	const struct diag *d = fx->sink.diags.items[0];
	assert_string_equal(d->message, "invalid number '12ab'");
}

/* Where the statement tables take node names, a word may start with a digit (a NetBIOS name may). */
static void test_node_names_may_start_with_a_digit(void **state)
{
	struct fixture *fx = *state;
	check_words(state, parse(state, "cluster c {\n  nodes 2NODE, 3NODE\n}\n"
				 "plan p {\n  active 2NODE\n  order 2NODE before 3NODE\n  window 30mins\n}\n"));
	assert_int_equal(fx->sink.errors, 1);
	assert_string_equal(((const struct diag *)fx->sink.diags.items[0])->message, "invalid number '30mins'");
}

/* ---- identifiers, keywords, lists ---------------------------------------- */

static void test_identifiers(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"plan p {\n  x passive-first dotnet-4.0 nov-2026 _under EXNODE1 a.b-c_d x-\n}\n");
	struct ast_stmt *s = stmt(decl(ast, 0), 0);
	static const char *const want[] = {"passive-first", "dotnet-4.0", "nov-2026", "_under",
					   "EXNODE1", "a.b-c_d", "x-"};
	assert_int_equal(s->args.len, 7);
	for (size_t i = 0; i < 7; i++) {
		struct ast_value *v = arg(&s->args, i);
		assert_int_equal(v->kind, VAL_IDENT);
		assert_string_equal(v->text, want[i]);
	}
	assert_span(arg(&s->args, 0)->span, 13, 26);
}

static void test_identifier_length_limit(void **state)
{
	struct fixture *fx = *state;
	char *text = arena_alloc(&fx->arena, 600);
	memcpy(text, "os ", 3);
	memset(text + 3, 'n', FRONTEND_MAX_IDENT);
	strcpy(text + 3 + FRONTEND_MAX_IDENT, "\n");
	struct ast_file *ast = parse_clean(state, text);
	assert_int_equal(strlen(decl(ast, 0)->name), FRONTEND_MAX_IDENT);

	memset(text + 3, 'n', FRONTEND_MAX_IDENT + 1);
	strcpy(text + 4 + FRONTEND_MAX_IDENT, "\n");
	parse(state, text);
	assert_span(only(state, BFP110)->span, 3, 4 + FRONTEND_MAX_IDENT);
}

static void test_declaration_keywords(void **state)
{
	static const struct { const char *word; enum ast_decl_kind kind; } kinds[] = {
		{"site", DECL_SITE}, {"os", DECL_OS}, {"state", DECL_STATE},
		{"prerequisite", DECL_PREREQUISITE}, {"fixlet", DECL_FIXLET}, {"task", DECL_TASK},
		{"step", DECL_STEP}, {"role", DECL_ROLE}, {"cluster", DECL_CLUSTER},
		{"baseline", DECL_BASELINE}, {"plan", DECL_PLAN},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		char text[64];
		snprintf(text, sizeof text, "%s n%zu\n", kinds[i].word, i);
		struct ast_file *ast = parse_clean(state, text);
		struct ast_decl *d = decl(ast, 0);
		assert_int_equal(d->kind, kinds[i].kind);
		assert_string_equal(ast_decl_kind_name(d->kind), kinds[i].word);
		assert_span(d->kind_span, 0, strlen(kinds[i].word));
	}
}

static void test_keywords_inside_blocks_are_words(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"fixlet f \"T\" {\n  site server-automation\n  os windows-2008, os\n  use plan\n}\n");
	struct ast_decl *d = decl(ast, 0);
	assert_string_equal(d->name, "f");
	assert_string_equal(stmt(d, 0)->word, "site");
	assert_string_equal(stmt(d, 1)->word, "os");
	struct ast_value *list = arg(&stmt(d, 1)->args, 0);
	assert_int_equal(list->kind, VAL_LIST);
	assert_string_equal(((struct ast_value *)list->items.items[1])->text, "os");
	assert_string_equal(stmt(d, 2)->word, "use");
	assert_string_equal(arg(&stmt(d, 2)->args, 0)->text, "plan");
}

static void test_lists(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"cluster c {\n"
		"  nodes EXNODE1, EXNODE2, EXNODE3\n"
		"  x a, b c, d e\n"
		"  y 1, 30m, \"s\"\n"
		"}\n");
	struct ast_decl *d = decl(ast, 0);
	struct ast_value *nodes = arg(&stmt(d, 0)->args, 0);
	assert_int_equal(stmt(d, 0)->args.len, 1);
	assert_int_equal(nodes->kind, VAL_LIST);
	assert_int_equal(nodes->items.len, 3);
	assert_string_equal(((struct ast_value *)nodes->items.items[2])->text, "EXNODE3");
	assert_span(nodes->span, 20, 45);
	/* "a, b c, d e" is three values: a list, a list, and one identifier */
	struct ast_stmt *x = stmt(d, 1);
	assert_int_equal(x->args.len, 3);
	assert_int_equal(arg(&x->args, 0)->kind, VAL_LIST);
	assert_int_equal(arg(&x->args, 1)->kind, VAL_LIST);
	assert_int_equal(arg(&x->args, 2)->kind, VAL_IDENT);
	/* lists may mix kinds; the resolver judges them */
	struct ast_value *y = arg(&stmt(d, 2)->args, 0);
	assert_int_equal(y->items.len, 3);
	assert_int_equal(((struct ast_value *)y->items.items[1])->kind, VAL_DURATION);
}

static void test_use_lines(void **state)
{
	struct ast_file *ast = parse_clean(state, "use \"bigfix/server-automation\"\nuse \"x.plan\"\n");
	assert_int_equal(ast->uses.len, 2);
	struct ast_use *u = ast->uses.items[0];
	assert_string_equal(u->path, "bigfix/server-automation");
	assert_span(u->path_span, 4, 30);
	assert_span(u->span, 0, 30);
	assert_string_equal(((struct ast_use *)ast->uses.items[1])->path, "x.plan");
	assert_int_equal(ast->decls.len, 0);
}

static void test_spans_of_declaration_and_block(void **state)
{
	struct ast_file *ast = parse_clean(state, "state s \"S\" {\n  initial\n}\n");
	struct ast_decl *d = decl(ast, 0);
	assert_span(d->kind_span, 0, 5);
	assert_span(d->name_span, 6, 7);
	assert_span(d->block->open, 12, 13);
	assert_span(d->block->close, 24, 25);
	struct ast_stmt *s = stmt(d, 0);
	assert_span(s->word_span, 16, 23);
	assert_span(s->span, 16, 23);
}

/* ---- comments and newlines -------------------------------------------------- */

static void test_comments_recorded_with_spans(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"# first\n"
		"os x \"T\" # second\n"
		"state s {\n"
		"  # third\n"
		"  initial # fourth\n"
		"}\n"
		"#");
	assert_int_equal(ast->comments.len, 5);
	static const uint32_t spans[][2] = {{0, 7}, {17, 25}, {38, 45}, {56, 64}, {67, 68}};
	for (size_t i = 0; i < 5; i++) {
		const struct ast_comment *c = ast->comments.items[i];
		assert_span(c->span, spans[i][0], spans[i][1]);
	}
	assert_int_equal(ast->decls.len, 2);
	assert_int_equal(decl(ast, 1)->block->stmts.len, 1);
}

static void test_comment_before_crlf(void **state)
{
	struct ast_file *ast = parse_clean(state, "# one\r\nos x # two\r\n");
	assert_int_equal(ast->comments.len, 2);
	assert_span(((struct ast_comment *)ast->comments.items[0])->span, 0, 5);
	assert_span(((struct ast_comment *)ast->comments.items[1])->span, 12, 17);
}

static void test_newline_ends_a_statement(void **state)
{
	struct ast_file *ast = parse_clean(state, "plan p {\n  a 1\n  b 2\n}\n");
	assert_int_equal(decl(ast, 0)->block->stmts.len, 2);
}

static void test_newline_after_brace_and_comma_ignored(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"cluster c {\n"
		"\n"
		"  nodes A,\n"
		"        B,\n"
		"\n"
		"        # a comment between items\n"
		"        C\n"
		"  each node {\n"
		"    pause\n"
		"  }\n"
		"}\n");
	struct ast_decl *d = decl(ast, 0);
	assert_int_equal(d->block->stmts.len, 2);
	assert_int_equal(arg(&stmt(d, 0)->args, 0)->items.len, 3);
	assert_int_equal(stmt(d, 1)->block->stmts.len, 1);
}

static void test_blank_lines_and_comments_between_statements(void **state)
{
	struct ast_file *ast = parse_clean(state,
		"\n\n# leading\n\nos a\n\n\n# between\n\nos b\n\n# trailing\n\n");
	assert_int_equal(ast->decls.len, 2);
}

static void test_closing_brace_on_the_statement_line(void **state)
{
	struct ast_file *ast = parse_clean(state, "state s \"S\" { initial }\nstate t { final }");
	assert_int_equal(ast->decls.len, 2);
	assert_string_equal(stmt(decl(ast, 0), 0)->word, "initial");
	assert_string_equal(stmt(decl(ast, 1), 0)->word, "final");
}

static void test_empty_and_nested_blocks(void **state)
{
	struct ast_file *ast = parse_clean(state, "plan p {}\nplan q {\n}\nplan r { each node { a { b } } }\n");
	assert_int_equal(ast->decls.len, 3);
	assert_int_equal(decl(ast, 0)->block->stmts.len, 0);
	struct ast_stmt *each = stmt(decl(ast, 2), 0);
	assert_int_equal(each->args.len, 1);
	assert_string_equal(((struct ast_stmt *)each->block->stmts.items[0])->word, "a");
}

static void test_no_final_newline_and_crlf(void **state)
{
	struct ast_file *ast = parse_clean(state, "os a \"A\"\r\nstate s {\r\n  initial\r\n}\r\nos b");
	assert_int_equal(ast->decls.len, 3);
	assert_string_equal(decl(ast, 2)->name, "b");
}

static void test_empty_inputs(void **state)
{
	struct ast_file *ast = parse_clean(state, "");
	assert_int_equal(ast->decls.len, 0);
	ast = parse_clean(state, "\n\n\n");
	assert_int_equal(ast->decls.len, 0);
	ast = parse_clean(state, "# only a comment");
	assert_int_equal(ast->comments.len, 1);
}

/* ---- mistakes: reported once, then parsing goes on ----------------------------- */

static void test_stray_characters(void **state)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state, "os a = 1\nos b;\nos c \"T\"\n");
	assert_int_equal(count_code(state, BFP102), 2);
	assert_int_equal(fx->sink.errors, 2);
	/* a broken header drops nothing but itself: a and b are kept by name, c is whole */
	assert_int_equal(ast->decls.len, 3);
	assert_string_equal(decl(ast, 2)->name, "c");
}

static void test_run_of_stray_characters_is_one_report(void **state)
{
	parse(state, "os a @@@@ \"T\"\n");
	const struct diag *d = only(state, BFP102);
	assert_span(d->span, 5, 9);
}

static void test_stray_multibyte_character(void **state)
{
	parse(state, "os caf\xC3\xA9\n");
	const struct diag *d = only(state, BFP102);
	assert_span(d->span, 6, 8);
	assert_string_equal(d->message, "stray character '\xC3\xA9'");
}

static void test_input_bytes(void **state)
{
	/* NUL, an invalid UTF-8 byte and a control character, in code, a string and a comment */
	parse_n(state, "os a\0\n", 6);
	assert_int_equal(count_code(state, BFP003), 1);
	parse_n(state, "os b \"x\0y\"\n", 11);
	assert_int_equal(count_code(state, BFP003), 2);
	parse(state, "os c \"\xFF\"\n# \xC3\n");
	assert_int_equal(count_code(state, BFP004), 2);
	parse(state, "os d \"\x01\"\n# \x7F\nos e \x1B\n");
	assert_int_equal(count_code(state, BFP005), 3);
}

static void test_three_errors_three_declarations(void **state)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state,
		"os windows-2008 \"Windows\" {\n"
		"  final, , x\n"
		"}\n"
		"state a \"A\" {\n"
		"  initial = 1\n"
		"}\n"
		"state b \"B\" {\n"
		"  waits \"x\n"
		"}\n"
		"os last\n");
	assert_int_equal(fx->sink.errors, 3);
	assert_int_equal(count_code(state, BFP101), 1);
	assert_int_equal(count_code(state, BFP102), 1);
	assert_int_equal(count_code(state, BFP103), 1);
	/* every declaration survives, and the one after the last error is whole */
	assert_int_equal(ast->decls.len, 4);
	assert_string_equal(decl(ast, 3)->name, "last");
}

static void test_trailing_comma_before_brace_keeps_the_block(void **state)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state,
		"state s \"S\" {\n"
		"  initial,\n"
		"}\n"
		"\n"
		"os after \"A\"\n");
	/* one error; the '}' still closes the block, so 'os after' is a declaration */
	assert_int_equal(fx->sink.errors, 1);
	assert_int_equal(ast->decls.len, 2);
	assert_string_equal(decl(ast, 1)->name, "after");
}

static void test_list_ending_in_comma_before_brace(void **state)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state, "cluster c {\n  nodes A, B,\n}\nos after\n");
	assert_int_equal(fx->sink.errors, 1);
	const struct diag *d = only(state, BFP101);
	assert_string_equal(d->message, "expected identifier, string, integer or duration, found '}'");
	assert_int_equal(ast->decls.len, 2);
}

static void test_list_cut_short_by_end_of_file(void **state)
{
	struct fixture *fx = *state;
	struct ast_file *ast = parse(state, "state s \"S\" {\n  initial a,");
	/* the unclosed block, and the missing list item at the end of the file: no cascade */
	assert_int_equal(fx->sink.errors, 2);
	assert_int_equal(count_code(state, BFP109), 1);
	assert_string_equal(only(state, BFP101)->message,
			    "expected identifier, string, integer or duration, found end of file");
	assert_int_equal(ast->decls.len, 1);
}

static void test_unclosed_block(void **state)
{
	struct ast_file *ast = parse(state, "os a\nplan p {\n  each node {\n    pause\n");
	const struct diag *d = only(state, BFP109);
	/* the innermost open brace, with a note at the outermost */
	assert_span(d->span, 26, 27);
	assert_int_equal(d->notes.len, 1);
	assert_span(((const struct diag_note *)d->notes.items[0])->span, 12, 13);
	assert_int_equal(ast->decls.len, 2);
}

static void test_nesting_limit(void **state)
{
	struct fixture *fx = *state;
	char *text = arena_alloc(&fx->arena, 1024);
	char *p = text;
	p += sprintf(p, "plan p {\n");
	for (int i = 1; i < FRONTEND_MAX_DEPTH; i++)
		p += sprintf(p, "a {\n");
	p += sprintf(p, "b\n");
	for (int i = 1; i < FRONTEND_MAX_DEPTH; i++)
		p += sprintf(p, "}\n");
	p += sprintf(p, "}\n");
	parse_clean(state, text); /* exactly at the limit */

	p = text;
	p += sprintf(p, "plan p {\n");
	for (int i = 0; i < FRONTEND_MAX_DEPTH + 3; i++)
		p += sprintf(p, "a {\n");
	for (int i = 0; i < FRONTEND_MAX_DEPTH + 3; i++)
		p += sprintf(p, "}\n");
	p += sprintf(p, "}\n");
	parse(state, text);
	/* reported once, at the first brace past the limit */
	const struct diag *d = only(state, BFP108);
	struct src_pos pos = src_position(&fx->sm, fx->file, d->span.begin);
	assert_int_equal(pos.line, FRONTEND_MAX_DEPTH + 1);
}

static void test_nesting_far_too_deep(void **state)
{
	struct fixture *fx = *state;
	/* deep enough to overflow the parser's stack: still one report, no crash */
	size_t depth = 20000;
	char *text = arena_alloc(&fx->arena, depth * 4 + 32);
	char *p = text;
	p += sprintf(p, "plan p {");
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "a {");
	*p = '\0';
	parse(state, text);
	assert_int_equal(count_code(state, BFP108), 1);
}

static void test_flood_of_errors_gives_up(void **state)
{
	struct fixture *fx = *state;
	size_t n = 20000;
	char *text = arena_alloc(&fx->arena, n * 2 + 1);
	for (size_t i = 0; i < n; i++) {
		text[2 * i] = '@';
		text[2 * i + 1] = ' ';
	}
	text[2 * n] = '\0';
	parse(state, text);
	/* the scanner stops after FRONTEND_GIVE_UP_ERRORS instead of reporting all 20000 */
	assert_true(fx->sink.errors >= FRONTEND_GIVE_UP_ERRORS);
	assert_true(fx->sink.errors < FRONTEND_GIVE_UP_ERRORS + 10);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_simple_escapes),
		T(test_unicode_escapes),
		T(test_forbidden_escapes),
		T(test_hidden_characters),
		T(test_c1_controls_and_noncharacters),
		T(test_lone_carriage_return),
		T(test_byte_order_mark),
		T(test_utf8_text_kept),
		T(test_string_span_covers_the_quotes),
		T(test_unknown_escape),
		T(test_invalid_unicode_escapes),
		T(test_unterminated_string),
		T(test_unterminated_string_at_end_of_file),
		T(test_unterminated_string_crlf),
		T(test_backslash_newline),
		T(test_string_length_limit),
		T(test_string_length_counts_decoded_bytes),
		T(test_durations),
		T(test_integers),
		T(test_number_limits),
		T(test_malformed_numbers),
		T(test_node_names_may_start_with_a_digit),
		T(test_identifiers),
		T(test_identifier_length_limit),
		T(test_declaration_keywords),
		T(test_keywords_inside_blocks_are_words),
		T(test_lists),
		T(test_use_lines),
		T(test_spans_of_declaration_and_block),
		T(test_comments_recorded_with_spans),
		T(test_comment_before_crlf),
		T(test_newline_ends_a_statement),
		T(test_newline_after_brace_and_comma_ignored),
		T(test_blank_lines_and_comments_between_statements),
		T(test_closing_brace_on_the_statement_line),
		T(test_empty_and_nested_blocks),
		T(test_no_final_newline_and_crlf),
		T(test_empty_inputs),
		T(test_stray_characters),
		T(test_run_of_stray_characters_is_one_report),
		T(test_stray_multibyte_character),
		T(test_input_bytes),
		T(test_three_errors_three_declarations),
		T(test_trailing_comma_before_brace_keeps_the_block),
		T(test_list_ending_in_comma_before_brace),
		T(test_list_cut_short_by_end_of_file),
		T(test_unclosed_block),
		T(test_nesting_limit),
		T(test_nesting_far_too_deep),
		T(test_flood_of_errors_gives_up),
	};
#undef T
	return cmocka_run_group_tests(tests, 0, 0);
}
