/*
 * test_diag.c - collecting diagnostics and rendering them as text.
 *
 * Every rendering test compares the whole output, so a change to the
 * format shows up here as a readable diff of expected and actual text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag.h"
#include "diag/text.h"

struct fixture {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink sink;
	char *out; /* the last rendering, malloc'ed by open_memstream */
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
	free(fx->out);
	arena_free(&fx->arena);
	free(fx);
	return 0;
}

static uint32_t add_file(struct fixture *fx, const char *path, const char *text)
{
	return src_add(&fx->sm, path, text, strlen(text));
}

static struct src_span span(uint32_t file, uint32_t begin, uint32_t end)
{
	return (struct src_span){file, begin, end};
}

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

static const char *render_with(struct fixture *fx, enum diag_color color)
{
	free(fx->out);
	fx->out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&fx->out, &size);
	assert_non_null(mem);
	diag_render_text(&fx->sink, mem, color);
	assert_int_equal(fclose(mem), 0);
	return fx->out;
}

static const char *render(struct fixture *fx)
{
	return render_with(fx, DIAG_COLOR_NEVER);
}

/* ---- rendering one diagnostic ------------------------------------------- */

static void test_location_code_and_caret(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "plan.plan", "os x\nos y = 1\n");
	diag_report(&fx->sink, BFP102, span(f, 10, 11), "stray character '%c'", '=');
	assert_string_equal(render(fx),
		"plan.plan:2:6: error: stray character '=' [BFP102]\n"
		"     2 | os y = 1\n"
		"       |      ^\n");
}

static void test_underline_spans_the_range(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "clustr exch01\n");
	diag_report(&fx->sink, BFP101, span(f, 0, 6), "expected %s, found %s", "a declaration",
		    "identifier 'clustr'");
	assert_string_equal(render(fx),
		"a.plan:1:1: error: expected a declaration, found identifier 'clustr' [BFP101]\n"
		"     1 | clustr exch01\n"
		"       | ^~~~~~\n");
}

static void test_help_line(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "clustr exch01\n");
	struct diag *d = diag_report(&fx->sink, BFP101, span(f, 0, 6), "unexpected word");
	diag_help(&fx->sink, d, "did you mean '%s'?", "cluster");
	assert_string_equal(render(fx),
		"a.plan:1:1: error: unexpected word [BFP101]\n"
		"     1 | clustr exch01\n"
		"       | ^~~~~~\n"
		"help: did you mean 'cluster'?\n");
}

static void test_one_help_line_the_last_wins(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "x\n");
	struct diag *d = diag_report(&fx->sink, BFP101, span(f, 0, 1), "m");
	diag_help(&fx->sink, d, "first");
	diag_help(&fx->sink, d, "second");
	assert_string_equal(render(fx),
		"a.plan:1:1: error: m [BFP101]\n"
		"     1 | x\n"
		"       | ^\n"
		"help: second\n");
}

static void test_tabs_stay_aligned(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "t.plan", "\tnodes\tA, B;\n");
	diag_report(&fx->sink, BFP102, span(f, 11, 12), "stray character ';'");
	/* the column is in bytes; the underline echoes the tabs so it lines up in any terminal */
	assert_string_equal(render(fx),
		"t.plan:1:12: error: stray character ';' [BFP102]\n"
		"     1 | \tnodes\tA, B;\n"
		"       | \t     \t    ^\n");
}

static void test_characters_take_their_terminal_columns(void **state)
{
	struct fixture *fx = *state;
	/* "é" (2 bytes, one column) and "😀" (4 bytes, two columns: a wide emoji) before the span */
	uint32_t f = add_file(fx, "u.plan", "os \xC3\xA9\xF0\x9F\x98\x80 = 1\n");
	diag_report(&fx->sink, BFP102, span(f, 10, 11), "stray character '='");
	assert_string_equal(render(fx),
		"u.plan:1:11: error: stray character '=' [BFP102]\n"
		"     1 | os \xC3\xA9\xF0\x9F\x98\x80 = 1\n"
		"       |        ^\n");
}

static void test_combining_and_wide_characters(void **state)
{
	struct fixture *fx = *state;
	/* "e" + U+0301 (a combining acute: no column of its own), then "漢" (two columns) */
	uint32_t f = add_file(fx, "w.plan", "e\xCC\x81\xE6\xBC\xA2 ;\n");
	diag_report(&fx->sink, BFP102, span(f, 7, 8), "stray character ';'");
	assert_string_equal(render(fx),
		"w.plan:1:8: error: stray character ';' [BFP102]\n"
		"     1 | e\xCC\x81\xE6\xBC\xA2 ;\n"
		"       |     ^\n");
}

static void test_multibyte_character_underlined_as_one(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "u.plan", "a \xC3\xA9\xC3\xA9 b\n");
	diag_report(&fx->sink, BFP102, span(f, 2, 6), "two characters");
	assert_string_equal(render(fx),
		"u.plan:1:3: error: two characters [BFP102]\n"
		"     1 | a \xC3\xA9\xC3\xA9 b\n"
		"       |   ^~\n");
}

static void test_non_printable_bytes_shown_escaped(void **state)
{
	struct fixture *fx = *state;
	/* a control character, DEL, an invalid byte and a truncated sequence, then the span */
	uint32_t f = add_file(fx, "c.plan", "a\x01\x7F\xFF\xC3z = 1\n");
	diag_report(&fx->sink, BFP102, span(f, 7, 8), "stray character '='");
	assert_string_equal(render(fx),
		"c.plan:1:8: error: stray character '=' [BFP102]\n"
		"     1 | a\\u{1}\\u{7F}\\x{FF}\\x{C3}z = 1\n"
		"       |                           ^\n");
}

/* Trojan Source: a bidi control in the quoted line is shown, not obeyed, and underlined whole. */
static void test_hidden_characters_shown_escaped(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "t.plan", "x \"a\xE2\x80\xAE" "b\" \xE2\x80\x8B\n");
	diag_report(&fx->sink, BFP006, span(f, 4, 7), "bidi control U+202E in a string");
	diag_report(&fx->sink, BFP006, span(f, 10, 13), "invisible character U+200B in a comment");
	assert_string_equal(render(fx),
		"t.plan:1:5: warning: bidi control U+202E in a string [BFP006]\n"
		"     1 | x \"a\\u{202E}b\" \\u{200B}\n"
		"       |     ^~~~~~~~\n"
		"t.plan:1:11: warning: invisible character U+200B in a comment [BFP006]\n"
		"     1 | x \"a\\u{202E}b\" \\u{200B}\n"
		"       |                ^~~~~~~~\n");
}

/* Messages, notes, help lines and paths carry plan text: none reaches the terminal raw. */
static void test_plan_text_in_messages_is_escaped(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "dir\x1B]0;owned\x07/e.plan", "use \"x\"\n");
	struct diag *d = diag_report(&fx->sink, BFP201, span(f, 4, 7), "cannot find \"%s\"", "\x1B[2J\xC2\x9B");
	diag_note(&fx->sink, d, span(f, 0, 3), "note %s", "\xE2\x80\xAE!");
	diag_help(&fx->sink, d, "help %s", "\r\n\x7F\t");
	const char *out = render(fx);
	assert_string_equal(out,
		"dir\\u{1B}]0;owned\\u{7}/e.plan:1:5: error: cannot find \"\\u{1B}[2J\\u{9B}\" [BFP201]\n"
		"     1 | use \"x\"\n"
		"       |     ^~~\n"
		"dir\\u{1B}]0;owned\\u{7}/e.plan:1:1: note: note \\u{202E}!\n"
		"     1 | use \"x\"\n"
		"       | ^~~\n"
		"help: help \\u{D}\\u{A}\\u{7F}\t\n");
	assert_null(strchr(out, '\x1B'));
	assert_null(strchr(out, '\x07'));
}

static void test_nul_byte_in_quoted_line(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = src_add(&fx->sm, "n.plan", "os a\0b\n", 7);
	diag_report(&fx->sink, BFP003, span(f, 4, 5), "NUL byte in the input");
	assert_string_equal(render(fx),
		"n.plan:1:5: error: NUL byte in the input [BFP003]\n"
		"     1 | os a\\u{0}b\n"
		"       |     ^~~~~\n");
}

static void test_zero_width_span_at_end_of_line(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "z.plan", "use\nos x\n");
	diag_report(&fx->sink, BFP101, span(f, 3, 3), "expected string, found end of line");
	/* one caret just after the last character */
	assert_string_equal(render(fx),
		"z.plan:1:4: error: expected string, found end of line [BFP101]\n"
		"     1 | use\n"
		"       |    ^\n");
}

static void test_span_past_the_line_end(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "z.plan", "ab \"cd\nef\"\n");
	/* a span that continues on the next line is underlined to the end of its first line */
	diag_report(&fx->sink, BFP103, span(f, 3, 10), "spans lines");
	assert_string_equal(render(fx),
		"z.plan:1:4: error: spans lines [BFP103]\n"
		"     1 | ab \"cd\n"
		"       |    ^~~\n");
}

static void test_end_of_file_without_newline(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "e.plan", "os x {\n  initial");
	diag_report(&fx->sink, BFP101, span(f, 16, 16), "found end of file");
	assert_string_equal(render(fx),
		"e.plan:2:10: error: found end of file [BFP101]\n"
		"     2 |   initial\n"
		"       |          ^\n");
}

static void test_end_of_file_after_newline(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "e.plan", "os x {\n");
	diag_report(&fx->sink, BFP101, span(f, 7, 7), "found end of file");
	assert_string_equal(render(fx),
		"e.plan:2:1: error: found end of file [BFP101]\n"
		"     2 | \n"
		"       | ^\n");
}

static void test_crlf_line_quoted_without_cr(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "w.plan", "os x\r\nos y ;\r\n");
	diag_report(&fx->sink, BFP102, span(f, 11, 12), "stray character ';'");
	assert_string_equal(render(fx),
		"w.plan:2:6: error: stray character ';' [BFP102]\n"
		"     2 | os y ;\n"
		"       |      ^\n");
}

static void test_line_number_gutter_widths(void **state)
{
	struct fixture *fx = *state;
	/* line 123456 is wider than the usual five digits: the underline still lines up */
	size_t lines = 123456;
	char *text = arena_alloc(&fx->arena, lines * 2 + 8);
	for (size_t i = 0; i < lines - 1; i++)
		text[i] = '\n';
	strcpy(text + lines - 1, "ab;\n");
	uint32_t f = add_file(fx, "big.plan", text);
	uint32_t at = (uint32_t)(lines - 1 + 2);
	diag_report(&fx->sink, BFP102, span(f, at, at + 1), "stray character ';'");
	diag_report(&fx->sink, BFP102, span(f, 0, 0), "first line");
	assert_string_equal(render(fx),
		"big.plan:1:1: error: first line [BFP102]\n"
		"     1 | \n"
		"       | ^\n"
		"big.plan:123456:3: error: stray character ';' [BFP102]\n"
		" 123456 | ab;\n"
		"        |   ^\n");
}

/* A long line: 100 'a', '=', 99 'b' (200 bytes). */
static void test_long_line_is_windowed(void **state)
{
	struct fixture *fx = *state;
	char line[202];
	memset(line, 'a', 100);
	line[100] = '=';
	memset(line + 101, 'b', 99);
	line[200] = '\n';
	line[201] = '\0';
	uint32_t f = add_file(fx, "long.plan", line);
	diag_report(&fx->sink, BFP102, span(f, 100, 101), "stray character '='");

	/* the window starts 40 columns before the span and is 120 columns wide */
	char want[1024];
	char shown[121];
	memcpy(shown, line + 60, 120);
	shown[120] = '\0';
	snprintf(want, sizeof want,
		 "long.plan:1:101: error: stray character '=' [BFP102]\n"
		 "     1 | ...%s...\n"
		 "       |    %40s^\n",
		 shown, "");
	assert_string_equal(render(fx), want);
}

static void test_long_line_span_near_the_start(void **state)
{
	struct fixture *fx = *state;
	char line[302];
	memset(line, 'x', 300);
	line[300] = '\n';
	line[301] = '\0';
	uint32_t f = add_file(fx, "long.plan", line);
	diag_report(&fx->sink, BFP110, span(f, 0, 300), "identifier is too long");
	/* no leading "...": the window starts at the line start; the underline stops at its end */
	char want[1024];
	char shown[121], tildes[120];
	memset(shown, 'x', 120);
	shown[120] = '\0';
	memset(tildes, '~', 119);
	tildes[119] = '\0';
	snprintf(want, sizeof want,
		 "long.plan:1:1: error: identifier is too long [BFP110]\n"
		 "     1 | %s...\n"
		 "       | ^%s\n",
		 shown, tildes);
	assert_string_equal(render(fx), want);
}

static void test_long_line_window_does_not_split_a_character(void **state)
{
	struct fixture *fx = *state;
	/* 30 'a', 20 "é" (bytes 30-69), 'X' at 70, 'c' up to 200 bytes; the span is the 'c' at 71 */
	char line[256];
	memset(line, 'a', 30);
	size_t n = 30;
	for (int i = 0; i < 20; i++) {
		line[n++] = '\xC3';
		line[n++] = '\xA9';
	}
	line[n++] = 'X';
	memset(line + n, 'c', 200 - n);
	line[200] = '\n';
	line[201] = '\0';
	uint32_t f = add_file(fx, "w.plan", line);
	diag_report(&fx->sink, BFP102, span(f, 71, 72), "x");
	/*
	 * 40 bytes before the span is byte 31, the second half of an "é": the
	 * window starts one byte earlier, at the whole character, and the caret
	 * still sits under the span (20 "é" and the 'X' before it: 21 columns).
	 */
	char want[1024], shown[128];
	memcpy(shown, line + 30, 121);
	shown[121] = '\0';
	snprintf(want, sizeof want,
		 "w.plan:1:72: error: x [BFP102]\n"
		 "     1 | ...%s...\n"
		 "       |    %21s^\n",
		 shown, "");
	assert_string_equal(render(fx), want);
}

static void test_long_line_window_end_does_not_split_a_character(void **state)
{
	struct fixture *fx = *state;
	/* 100 'a', '=', then 'b' up to an "é" at bytes 179-180 where a 120-byte window would end */
	char line[256];
	memset(line, 'a', 100);
	line[100] = '=';
	memset(line + 101, 'b', 78);
	line[179] = '\xC3';
	line[180] = '\xA9';
	memset(line + 181, 'c', 19);
	line[200] = '\n';
	line[201] = '\0';
	uint32_t f = add_file(fx, "w.plan", line);
	diag_report(&fx->sink, BFP102, span(f, 100, 101), "stray character '='");
	/* the window stops before the character instead of showing half of it as '?' */
	char want[1024];
	char shown[120];
	memcpy(shown, line + 60, 119);
	shown[119] = '\0';
	snprintf(want, sizeof want,
		 "w.plan:1:101: error: stray character '=' [BFP102]\n"
		 "     1 | ...%s...\n"
		 "       |    %40s^\n",
		 shown, "");
	assert_string_equal(render(fx), want);
}

/* ---- notes -------------------------------------------------------------- */

static void test_note_with_its_own_location(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "n.plan", "os a {\n  x\n  y\n");
	struct diag *d = diag_report(&fx->sink, BFP109, span(f, 5, 6), "this '{' is never closed");
	diag_note(&fx->sink, d, span(f, 9, 10), "the block holds '%s'", "x");
	diag_help(&fx->sink, d, "add '}'");
	assert_string_equal(render(fx),
		"n.plan:1:6: error: this '{' is never closed [BFP109]\n"
		"     1 | os a {\n"
		"       |      ^\n"
		"n.plan:2:3: note: the block holds 'x'\n"
		"     2 |   x\n"
		"       |   ^\n"
		"help: add '}'\n");
}

static void test_note_in_another_file_and_without_place(void **state)
{
	struct fixture *fx = *state;
	uint32_t a = add_file(fx, "a.plan", "os x \"A\"\n");
	uint32_t b = add_file(fx, "lib/b.plan", "os x \"B\"\n");
	struct diag *d = diag_report(&fx->sink, BFP101, span(b, 3, 4), "'x' again");
	diag_note(&fx->sink, d, span(a, 3, 4), "first declared here");
	diag_note(&fx->sink, d, nowhere, "names are shared by all files");
	assert_string_equal(render(fx),
		"lib/b.plan:1:4: error: 'x' again [BFP101]\n"
		"     1 | os x \"B\"\n"
		"       |    ^\n"
		"a.plan:1:4: note: first declared here\n"
		"     1 | os x \"A\"\n"
		"       |    ^\n"
		"note: names are shared by all files\n");
}

static void test_import_chain_notes(void **state)
{
	struct fixture *fx = *state;
	uint32_t root = add_file(fx, "root.plan", "use \"lib/mid\"\n");
	uint32_t mid = add_file(fx, "lib/mid.plan", "use \"leaf\"\n");
	uint32_t leaf = add_file(fx, "lib/leaf.plan", "os x = 1\n");
	((struct src_file *)fx->sm.files.items[mid])->import = span(root, 0, 13);
	((struct src_file *)fx->sm.files.items[leaf])->import = span(mid, 0, 10);
	struct diag *d = diag_report(&fx->sink, BFP102, span(leaf, 5, 6), "stray character '='");
	diag_help(&fx->sink, d, "remove it");
	/* the diagnostic's own notes, then where the file came from, then help */
	assert_string_equal(render(fx),
		"lib/leaf.plan:1:6: error: stray character '=' [BFP102]\n"
		"     1 | os x = 1\n"
		"       |      ^\n"
		"lib/mid.plan:1:1: note: 'lib/leaf.plan' is imported here\n"
		"     1 | use \"leaf\"\n"
		"       | ^~~~~~~~~~\n"
		"root.plan:1:1: note: 'lib/mid.plan' is imported here\n"
		"     1 | use \"lib/mid\"\n"
		"       | ^~~~~~~~~~~~~\n"
		"help: remove it\n");
}

static void test_diagnostic_without_place(void **state)
{
	struct fixture *fx = *state;
	struct diag *d = diag_report(&fx->sink, BFP001, nowhere, "cannot read '%s': %s", "x.plan",
				     "No such file or directory");
	diag_help(&fx->sink, d, "check the path and its permissions");
	assert_string_equal(render(fx),
		"bfplan: error: cannot read 'x.plan': No such file or directory [BFP001]\n"
		"help: check the path and its permissions\n");
}

/* ---- order, duplicates, counting ------------------------------------------ */

static void test_sorted_by_file_then_position(void **state)
{
	struct fixture *fx = *state;
	uint32_t a = add_file(fx, "a.plan", "1\n2\n3\n");
	uint32_t b = add_file(fx, "b.plan", "1\n");
	diag_report(&fx->sink, BFP102, span(b, 0, 1), "b1");
	diag_report(&fx->sink, BFP102, span(a, 4, 5), "a3");
	diag_report(&fx->sink, BFP102, span(a, 0, 1), "a1 first");
	diag_report(&fx->sink, BFP101, span(a, 0, 1), "a1 second");
	diag_report(&fx->sink, BFP102, span(a, 2, 3), "a2");
	diag_report(&fx->sink, BFP001, nowhere, "no place");
	const char *out = render(fx);
	const char *order[] = {"no place", "a1 first", "a1 second", "a2", "a3", "b1"};
	const char *p = out;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *q = strstr(p, order[i]);
		assert_non_null(q);
		p = q + strlen(order[i]);
	}
}

static void test_same_position_keeps_report_order(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "x\n");
	char msg[16];
	for (int i = 0; i < 20; i++) {
		snprintf(msg, sizeof msg, "m%02d", i);
		diag_report(&fx->sink, BFP102, span(f, 0, 1), "%s", msg);
	}
	const char *p = render(fx);
	for (int i = 0; i < 20; i++) {
		snprintf(msg, sizeof msg, "m%02d", i);
		const char *q = strstr(p, msg);
		assert_non_null(q);
		p = q;
	}
}

static void test_exact_duplicates_shown_once(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "x\n");
	diag_report(&fx->sink, BFP102, span(f, 0, 1), "same");
	diag_report(&fx->sink, BFP102, span(f, 0, 1), "same");
	diag_report(&fx->sink, BFP101, span(f, 0, 1), "same");
	assert_string_equal(render(fx),
		"a.plan:1:1: error: same [BFP102]\n"
		"     1 | x\n"
		"       | ^\n"
		"a.plan:1:1: error: same [BFP101]\n"
		"     1 | x\n"
		"       | ^\n");
	assert_int_equal(fx->sink.errors, 3);
}

static void test_cap_on_shown_diagnostics(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij\n");
	for (int i = 0; i < DIAG_MAX_SHOWN + 3; i++) {
		struct diag *d = diag_report(&fx->sink, BFP102, span(f, (uint32_t)i, (uint32_t)i + 1), "e%d", i);
		/* notes and help on the ones past the cap are accepted and dropped */
		diag_note(&fx->sink, d, span(f, 0, 1), "note %d", i);
		diag_help(&fx->sink, d, "help %d", i);
	}
	assert_int_equal(fx->sink.errors, DIAG_MAX_SHOWN + 3);
	assert_int_equal(fx->sink.dropped, 3);
	assert_int_equal(fx->sink.diags.len, DIAG_MAX_SHOWN);
	assert_true(diag_has_errors(&fx->sink));
	const char *out = render(fx);
	char last[64];
	snprintf(last, sizeof last, "error: e%d [BFP102]", DIAG_MAX_SHOWN - 1);
	assert_non_null(strstr(out, last));
	snprintf(last, sizeof last, "e%d ", DIAG_MAX_SHOWN);
	assert_null(strstr(out, last));
	const char *tail = "bfplan: 3 more diagnostics not shown (the first 50 are above)\n";
	size_t n = strlen(out), t = strlen(tail);
	assert_true(n > t);
	assert_string_equal(out + n - t, tail);
}

static void test_cap_singular(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "x\n");
	for (int i = 0; i < DIAG_MAX_SHOWN + 1; i++)
		diag_report(&fx->sink, BFP102, span(f, 0, 1), "e%d", i);
	const char *out = render(fx);
	const char *tail = "bfplan: 1 more diagnostic not shown (the first 50 are above)\n";
	assert_string_equal(out + strlen(out) - strlen(tail), tail);
}

static void test_nothing_to_render(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(render(fx), "");
	assert_false(diag_has_errors(&fx->sink));
}

/* ---- severity and --werror ---------------------------------------------- */

static bool find_warning_code(enum diag_code *code)
{
	for (int c = 0; c < DIAG_CODE_COUNT; c++) {
		if (diag_code_severity((enum diag_code)c) == DIAG_WARNING) {
			*code = (enum diag_code)c;
			return true;
		}
	}
	return false;
}

static void test_warning_stays_a_warning(void **state)
{
	struct fixture *fx = *state;
	enum diag_code code = BFP001;
	if (!find_warning_code(&code))
		skip();
	uint32_t f = add_file(fx, "w.plan", "x\n");
	diag_report(&fx->sink, code, span(f, 0, 1), "something odd");
	assert_int_equal(fx->sink.warnings, 1);
	assert_int_equal(fx->sink.errors, 0);
	assert_false(diag_has_errors(&fx->sink));
	char want[256];
	snprintf(want, sizeof want,
		 "w.plan:1:1: warning: something odd [%s]\n"
		 "     1 | x\n"
		 "       | ^\n",
		 diag_code_string(code));
	assert_string_equal(render(fx), want);
}

static void test_werror_promotes_warnings(void **state)
{
	struct fixture *fx = *state;
	enum diag_code code = BFP001;
	if (!find_warning_code(&code))
		skip();
	fx->sink.werror = true;
	uint32_t f = add_file(fx, "w.plan", "x\n");
	diag_report(&fx->sink, code, span(f, 0, 1), "something odd");
	assert_int_equal(fx->sink.warnings, 0);
	assert_int_equal(fx->sink.errors, 1);
	assert_true(diag_has_errors(&fx->sink));
	char want[256];
	snprintf(want, sizeof want,
		 "w.plan:1:1: error: something odd [%s]\n"
		 "     1 | x\n"
		 "       | ^\n",
		 diag_code_string(code));
	assert_string_equal(render(fx), want);
}

static void test_werror_leaves_errors_alone(void **state)
{
	struct fixture *fx = *state;
	fx->sink.werror = true;
	uint32_t f = add_file(fx, "w.plan", "x\n");
	diag_report(&fx->sink, BFP102, span(f, 0, 1), "bad");
	assert_int_equal(fx->sink.errors, 1);
	assert_int_equal(fx->sink.warnings, 0);
}

/* ---- colour -------------------------------------------------------------- */

static void test_color(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "c.plan", "ab\n");
	struct diag *d = diag_report(&fx->sink, BFP102, span(f, 1, 2), "m");
	diag_help(&fx->sink, d, "h");
	assert_string_equal(render_with(fx, DIAG_COLOR_ALWAYS),
		"\033[1mc.plan:1:2:\033[0m \033[1;31merror:\033[0m \033[1mm [BFP102]\033[0m\n"
		"     1 | ab\n"
		"       |  \033[1;32m^\033[0m\n"
		"\033[1mhelp:\033[0m h\n");
}

/* ---- the code table ------------------------------------------------------- */

static void test_code_table(void **state)
{
	(void)state;
	enum diag_code code;
	assert_true(diag_code_lookup("BFP101", &code));
	assert_int_equal(code, BFP101);
	assert_true(diag_code_lookup("bfp203", &code));
	assert_int_equal(code, BFP203);
	assert_true(diag_code_lookup("syntax-error", &code));
	assert_int_equal(code, BFP101);
	assert_false(diag_code_lookup("NOPE", &code));
	assert_false(diag_code_lookup("", &code));
	assert_false(diag_code_lookup("BFP1011", &code));
	assert_string_equal(diag_code_string(BFP001), "BFP001");
	assert_string_equal(diag_code_name(BFP109), "unclosed-block");
	assert_int_equal(diag_code_severity(BFP101), DIAG_ERROR);
	/* every code is well-formed, names are unique, every summary is present */
	for (int i = 0; i < DIAG_CODE_COUNT; i++) {
		const char *s = diag_code_string((enum diag_code)i);
		assert_int_equal(strlen(s), 6);
		assert_memory_equal(s, "BFP", 3);
		assert_true(strlen(diag_code_summary((enum diag_code)i)) > 0);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(s, diag_code_string((enum diag_code)j));
			assert_string_not_equal(diag_code_name((enum diag_code)i),
						diag_code_name((enum diag_code)j));
		}
	}
}


/* An allowance read after a report (the scanner's, before the file's comments) still covers it. */
static void test_allow_earlier_reports(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "os w \"x\"\nos v \"y\"\n");
	diag_report(&fx->sink, BFP006, span(f, 6, 9), "hidden");
	diag_report(&fx->sink, BFP006, span(f, 16, 19), "hidden");
	diag_report(&fx->sink, BFP005, span(f, 6, 7), "control");
	assert_int_equal(fx->sink.warnings, 2);
	assert_int_equal(fx->sink.errors, 1);
	struct diag_allow allow = {.code = BFP006, .kind = DIAG_ALLOW_IN_SOURCE, .covers = span(f, 0, 10),
				   .directive = span(f, 0, 1), .reason = "imported"};
	assert_true(diag_allow_add(&fx->sink, &allow));
	diag_allow_earlier(&fx->sink, 0);
	/* the first is allowed; the second is outside what the comment covers; an error never is */
	assert_int_equal(fx->sink.warnings, 1);
	assert_int_equal(fx->sink.errors, 1);
	assert_int_equal(fx->sink.suppressed, 1);
	const struct diag *first = fx->sink.diags.items[0], *second = fx->sink.diags.items[1];
	assert_non_null(first->suppressed);
	assert_null(second->suppressed);
	assert_int_equal(((const struct diag_allow *)fx->sink.allows.items[0])->used, 1);
	/* applied twice, nothing changes */
	diag_allow_earlier(&fx->sink, 0);
	assert_int_equal(fx->sink.warnings, 1);
	assert_int_equal(fx->sink.suppressed, 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_location_code_and_caret),
		T(test_underline_spans_the_range),
		T(test_help_line),
		T(test_one_help_line_the_last_wins),
		T(test_tabs_stay_aligned),
		T(test_characters_take_their_terminal_columns),
		T(test_combining_and_wide_characters),
		T(test_multibyte_character_underlined_as_one),
		T(test_non_printable_bytes_shown_escaped),
		T(test_hidden_characters_shown_escaped),
		T(test_plan_text_in_messages_is_escaped),
		T(test_nul_byte_in_quoted_line),
		T(test_zero_width_span_at_end_of_line),
		T(test_span_past_the_line_end),
		T(test_end_of_file_without_newline),
		T(test_end_of_file_after_newline),
		T(test_crlf_line_quoted_without_cr),
		T(test_line_number_gutter_widths),
		T(test_long_line_is_windowed),
		T(test_long_line_span_near_the_start),
		T(test_long_line_window_does_not_split_a_character),
		T(test_long_line_window_end_does_not_split_a_character),
		T(test_note_with_its_own_location),
		T(test_note_in_another_file_and_without_place),
		T(test_import_chain_notes),
		T(test_diagnostic_without_place),
		T(test_sorted_by_file_then_position),
		T(test_same_position_keeps_report_order),
		T(test_exact_duplicates_shown_once),
		T(test_cap_on_shown_diagnostics),
		T(test_cap_singular),
		T(test_nothing_to_render),
		T(test_warning_stays_a_warning),
		T(test_werror_promotes_warnings),
		T(test_werror_leaves_errors_alone),
		T(test_color),
		T(test_allow_earlier_reports),
		cmocka_unit_test(test_code_table),
	};
#undef T
	return cmocka_run_group_tests(tests, 0, 0);
}
