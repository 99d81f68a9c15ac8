/*
 * test_fmt.c - the canonical layout of `bfplan fmt`, case by case.
 *
 * Each case formats a small text and compares the whole result; each
 * result is formatted again and must not change (idempotence).  The
 * command-line side (-w, --check, --diff, every example and the standard
 * library) is tests/fmt/run.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/textdiff.h"
#include "fmt/fmt.h"
#include "frontend.h"

struct fixture {
	struct arena arena;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	arena_init(&fx->arena);
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

/* Formats `text`; *status gets the outcome, *errors the count of diagnostics. */
static const char *format_status(struct fixture *fx, const char *text, enum fmt_status *status)
{
	struct src_manager sm;
	struct diag_sink diags;
	src_init(&sm, &fx->arena);
	diag_init(&diags, &fx->arena, &sm);
	uint32_t id = src_add(&sm, "t.plan", text, strlen(text));
	const char *out = NULL;
	size_t len = 0;
	*status = fmt_file(&fx->arena, &sm, &diags, id, &out, &len);
	if (*status == FMT_OK)
		assert_int_equal(strlen(out), len);
	return out;
}

/* The layout of `text`, checked to be a fixed point. */
static const char *format(struct fixture *fx, const char *text)
{
	enum fmt_status st;
	const char *out = format_status(fx, text, &st);
	assert_int_equal(st, FMT_OK);
	const char *again = format_status(fx, out, &st);
	assert_int_equal(st, FMT_OK);
	assert_string_equal(again, out);
	return out;
}

static void test_statements_and_blocks(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"cluster   c  \"C\"{\n"
		"\t os windows-2008\n"
		"nodes A,B ,  C\n"
		"        }\n"),
		"cluster c \"C\" {\n"
		"    os windows-2008\n"
		"    nodes A, B, C\n"
		"}\n");
}

static void test_nested_blocks_and_one_line_block(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"plan p { cluster c\n"
		"each node { pause\n"
		"resume }\n"
		"}\n"),
		"plan p {\n"
		"    cluster c\n"
		"    each node {\n"
		"        pause\n"
		"        resume\n"
		"    }\n"
		"}\n");
}

static void test_empty_block(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx, "state s \"S\" {\n\n}\nstate t {   }\n"),
			    "state s \"S\" {}\n"
			    "state t {}\n");
}

static void test_empty_block_with_a_comment_stays_open(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx, "state s {\n# later\n}\n"),
			    "state s {\n"
			    "    # later\n"
			    "}\n");
}

static void test_literals_as_written(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"fixlet f  \"caf\\u{E9} \\\"q\\\" \\\\ \\t\"  {\n"
		"  id   007\n"
		"  timeout   1h30m\n"
		"  note \"\xC3\xA9t\xC3\xA9\"\n"
		"}\n"),
		"fixlet f \"caf\\u{E9} \\\"q\\\" \\\\ \\t\" {\n"
		"    id 007\n"
		"    timeout 1h30m\n"
		"    note \"\xC3\xA9t\xC3\xA9\"\n"
		"}\n");
}

static void test_blank_lines_kept_once(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"\n\n"
		"use \"a\"\n"
		"use \"b\"\n"
		"\n\n\n"
		"plan p {\n"
		"\n"
		"    cluster c\n"
		"\n"
		"\n"
		"    max-down 1\n"
		"\n"
		"}\n"
		"\n\n"),
		"use \"a\"\n"
		"use \"b\"\n"
		"\n"
		"plan p {\n"
		"    cluster c\n"
		"\n"
		"    max-down 1\n"
		"}\n");
}

static void test_comments_on_their_own_lines(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"# header\n"
		"\n"
		"      # about p\n"
		"plan p {\n"
		"# first\n"
		"    cluster c\n"
		"        # before the end\n"
		"\n"
		"}\n"
		"   # at the end\n"),
		"# header\n"
		"\n"
		"# about p\n"
		"plan p {\n"
		"    # first\n"
		"    cluster c\n"
		"    # before the end\n"
		"}\n"
		"# at the end\n");
}

static void test_trailing_comments_aligned_in_runs(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"use \"windows/os\"   # a\n"
		"use \"bigfix/server-automation\" # b\n"
		"\n"
		"plan p { # opens\n"
		"    order passive-first # c\n"
		"    max-down 1\n"
		"    timeout patch 1h #d\n"
		"    # a comment line ends the run\n"
		"    window 6h    # e\n"
		"} # closes\n"),
		"use \"windows/os\"                # a\n"
		"use \"bigfix/server-automation\"  # b\n"
		"\n"
		"plan p {  # opens\n"
		"    order passive-first  # c\n"
		"    max-down 1\n"
		"    timeout patch 1h     #d\n"
		"    # a comment line ends the run\n"
		"    window 6h  # e\n"
		"}  # closes\n");
}

static void test_alignment_counts_characters(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"role r \"\xC3\xA9\xC3\xA9\" # x\n"
		"role s \"ab\" # y\n"),
		"role r \"\xC3\xA9\xC3\xA9\"  # x\n"
		"role s \"ab\"  # y\n");
}

static void test_list_broken_after_a_comma(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx,
		"cluster c {\n"
		"    nodes   A,  # first two\n"
		"  B,\n"
		"\n"
		"  # the rest\n"
		"         C, D\n"
		"}\n"),
		"cluster c {\n"
		"    nodes A,  # first two\n"
		"          B,\n"
		"          # the rest\n"
		"          C, D\n"
		"}\n");
}

static void test_trailing_blanks_and_crlf(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx, "os a \"A\"   \r\n# note \t \r\nos b\t\r\n"),
			    "os a \"A\"\n"
			    "# note\n"
			    "os b\n");
}

static void test_empty_and_comment_only_files(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx, ""), "");
	assert_string_equal(format(fx, "\n \n\t\n"), "");
	assert_string_equal(format(fx, "# only\n\n\n# comments"), "# only\n\n# comments\n");
}

static void test_keywords_as_words_and_values(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(format(fx, "fixlet f {\n site   server-automation\n  os  windows-2003 ,windows-2008\n}\n"),
			    "fixlet f {\n"
			    "    site server-automation\n"
			    "    os windows-2003, windows-2008\n"
			    "}\n");
}

static void test_a_file_with_errors_is_not_formatted(void **state)
{
	struct fixture *fx = *state;
	enum fmt_status st;
	format_status(fx, "cluster c {\n    nodes A,\n", &st);
	assert_int_equal(st, FMT_SYNTAX);
	format_status(fx, "os = 1\n", &st);
	assert_int_equal(st, FMT_SYNTAX);
}

static void test_signature_ignores_layout_only(void **state)
{
	struct fixture *fx = *state;
	struct src_manager sm;
	struct diag_sink diags;
	src_init(&sm, &fx->arena);
	diag_init(&diags, &fx->arena, &sm);
	const char *texts[] = {
		"plan p { # c\n  nodes A,B\n}\n",
		"plan   p {   # c  \n\n    nodes A,\n B\n}",
		"plan p { # d\n  nodes A,B\n}\n",
		"plan p { # c\n  nodes A,C\n}\n",
	};
	const char *sig[4];
	for (int i = 0; i < 4; i++) {
		uint32_t id = src_add(&sm, "t.plan", texts[i], strlen(texts[i]));
		struct ast_file *ast = frontend_parse(&fx->arena, &sm, &diags, id);
		sig[i] = fmt_signature(&fx->arena, src_file(&sm, id), ast);
	}
	assert_int_equal(diags.errors, 0);
	assert_string_equal(sig[0], sig[1]);
	assert_string_not_equal(sig[0], sig[2]); /* a comment changed */
	assert_string_not_equal(sig[0], sig[3]); /* a token changed */
}

/* ---- the unified diff of --diff ---------------------------------------------------------- */

static const char *diff(struct fixture *fx, const char *a, const char *b)
{
	struct textbuf out;
	textbuf_init(&out, &fx->arena);
	textdiff_unified(&fx->arena, &out, (struct textdiff_side){"x.plan", a, strlen(a)},
			 (struct textdiff_side){"x.plan", b, strlen(b)}, NULL);
	return out.data ? out.data : "";
}

static void test_diff_equal_texts(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(diff(fx, "a\nb\n", "a\nb\n"), "");
}

static void test_diff_one_change_with_context(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(diff(fx, "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n"),
			    "--- x.plan\n+++ x.plan\n"
			    "@@ -2,7 +2,7 @@\n"
			    " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

static void test_diff_separate_and_merged_hunks(void **state)
{
	struct fixture *fx = *state;
	/* changes 8 lines apart make two hunks; 6 apart, one */
	assert_string_equal(diff(fx, "a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n"),
			    "--- x.plan\n+++ x.plan\n"
			    "@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n"
			    "@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n");
	assert_string_equal(diff(fx, "a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n"),
			    "--- x.plan\n+++ x.plan\n"
			    "@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n");
}

static void test_diff_insertions_deletions_and_no_final_newline(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(diff(fx, "", "a\n"), "--- x.plan\n+++ x.plan\n@@ -0,0 +1 @@\n+a\n");
	assert_string_equal(diff(fx, "a\nb\n", "a\n"), "--- x.plan\n+++ x.plan\n@@ -1,2 +1 @@\n a\n-b\n");
	assert_string_equal(diff(fx, "a\nb", "a\nb\n"),
			    "--- x.plan\n+++ x.plan\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

static const char *shout(struct arena *a, const char *line)
{
	return arena_printf(a, "<%s>", line);
}

static void test_diff_lines_shown_through_a_function(void **state)
{
	struct fixture *fx = *state;
	struct textbuf out;
	textbuf_init(&out, &fx->arena);
	textdiff_unified(&fx->arena, &out, (struct textdiff_side){"x.plan", "a\nb", 3},
			 (struct textdiff_side){"x.plan", "a\nc\n", 4}, shout);
	assert_string_equal(out.data, "--- x.plan\n+++ x.plan\n@@ -1,2 +1,2 @@\n <a>\n-<b>\n"
				      "\\ No newline at end of file\n+<c>\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_statements_and_blocks),
		T(test_nested_blocks_and_one_line_block),
		T(test_empty_block),
		T(test_empty_block_with_a_comment_stays_open),
		T(test_literals_as_written),
		T(test_blank_lines_kept_once),
		T(test_comments_on_their_own_lines),
		T(test_trailing_comments_aligned_in_runs),
		T(test_alignment_counts_characters),
		T(test_list_broken_after_a_comma),
		T(test_trailing_blanks_and_crlf),
		T(test_empty_and_comment_only_files),
		T(test_keywords_as_words_and_values),
		T(test_a_file_with_errors_is_not_formatted),
		T(test_signature_ignores_layout_only),
		T(test_diff_equal_texts),
		T(test_diff_one_change_with_context),
		T(test_diff_separate_and_merged_hunks),
		T(test_diff_insertions_deletions_and_no_final_newline),
		T(test_diff_lines_shown_through_a_function),
	};
#undef T
	return cmocka_run_group_tests(tests, 0, 0);
}
