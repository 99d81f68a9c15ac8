/*
 * test_escape.c - each escaping context against hostile strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "base/arena.h"
#include "base/escape.h"
#include "base/textbuf.h"

#define S(lit) lit, sizeof lit - 1

static void expect_xml_fault(const char *s, size_t len, enum esc_fault_kind kind, size_t offset,
			     uint32_t value)
{
	struct esc_fault f;
	assert_false(esc_xml_check(s, len, &f));
	assert_int_equal(f.kind, kind);
	assert_int_equal(f.offset, offset);
	assert_int_equal(f.value, value);
}

static void test_xml_accepts(void **state)
{
	(void)state;
	struct esc_fault f;
	/* the writer escapes these itself; they are not the checker's business */
	assert_true(esc_xml_check(S("a \"quoted\" <b>&amp; ]]> 100%"), &f));
	assert_int_equal(f.kind, ESC_FAULT_NONE);
	assert_true(esc_xml_check(S("tab\tlf\ncr\r"), NULL));
	assert_true(esc_xml_check(S("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), NULL));
	assert_true(esc_xml_check(S("\xEF\xBF\xBD"), NULL));    /* U+FFFD is allowed */
	assert_true(esc_xml_check(S("\x7F"), NULL));             /* DEL is discouraged, not forbidden */
	assert_true(esc_xml_check(S("\xF4\x8F\xBF\xBF"), NULL)); /* U+10FFFF */
	assert_true(esc_xml_check("", 0, NULL));
}

/* What check refuses in a file's path is what build -MD could not write: one rule for both. */
static void test_path_check(void **state)
{
	(void)state;
	static const char *const ok[] = {"plans/x.plan", "a b/c#d$e.plan", "caf\xc3\xa9.plan", "x~.plan", "<stdin>"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_true(esc_path_check(ok[i], strlen(ok[i]), NULL));
	static const struct {
		const char *path;
		enum esc_fault_kind kind;
		size_t offset;
	} bad[] = {
		{"a:b.plan", ESC_FAULT_MAKE_SYNTAX, 1}, {"a;b", ESC_FAULT_MAKE_SYNTAX, 1},
		{"a|b", ESC_FAULT_MAKE_SYNTAX, 1},      {"x=y", ESC_FAULT_MAKE_SYNTAX, 1},
		{"lib(m)", ESC_FAULT_MAKE_SYNTAX, 3},   {"a\\b", ESC_FAULT_MAKE_SYNTAX, 1},
		{"*.plan", ESC_FAULT_MAKE_SYNTAX, 0},   {"a?[b]", ESC_FAULT_MAKE_SYNTAX, 1},
		{"50%", ESC_FAULT_MAKE_SYNTAX, 2},      {"~x", ESC_FAULT_MAKE_SYNTAX, 0},
		{"a\nb", ESC_FAULT_LINE_BREAK, 1},      {"a\rb", ESC_FAULT_LINE_BREAK, 1},
		{"a\x01", ESC_FAULT_CONTROL, 1},        {"a\xe9", ESC_FAULT_INVALID_UTF8, 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct esc_fault fault;
		assert_false(esc_path_check(bad[i].path, strlen(bad[i].path), &fault));
		assert_int_equal(fault.kind, bad[i].kind);
		assert_int_equal(fault.offset, bad[i].offset);
	}
}

static void test_xml_rejects(void **state)
{
	(void)state;
	expect_xml_fault(S("ab\x01" "c"), ESC_FAULT_CONTROL, 2, 0x01);
	expect_xml_fault(S("\x1B[31m"), ESC_FAULT_CONTROL, 0, 0x1B);
	expect_xml_fault(S("x\0y"), ESC_FAULT_CONTROL, 1, 0);
	expect_xml_fault(S("ok\xEF\xBF\xBE"), ESC_FAULT_NONCHARACTER, 2, 0xFFFE);
	expect_xml_fault(S("\xEF\xBF\xBF"), ESC_FAULT_NONCHARACTER, 0, 0xFFFF);
	expect_xml_fault(S("\xED\xA0\x80"), ESC_FAULT_SURROGATE, 0, 0xD800);
	expect_xml_fault(S("a\xED\xBF\xBF"), ESC_FAULT_SURROGATE, 1, 0xDFFF);
	expect_xml_fault(S("\xC3"), ESC_FAULT_INVALID_UTF8, 0, 0xC3);          /* truncated */
	expect_xml_fault(S("a\xC3z"), ESC_FAULT_INVALID_UTF8, 1, 0xC3);        /* bad continuation */
	expect_xml_fault(S("\xC0\xAF"), ESC_FAULT_INVALID_UTF8, 0, 0xC0);      /* overlong '/' */
	expect_xml_fault(S("\xE0\x80\xAF"), ESC_FAULT_INVALID_UTF8, 0, 0xE0);  /* overlong */
	expect_xml_fault(S("\xF4\x90\x80\x80"), ESC_FAULT_INVALID_UTF8, 0, 0xF4); /* > U+10FFFF */
	expect_xml_fault(S("\x80"), ESC_FAULT_INVALID_UTF8, 0, 0x80);          /* lone continuation */
	expect_xml_fault(S("\xFF"), ESC_FAULT_INVALID_UTF8, 0, 0xFF);
}

static void test_fault_describe(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct esc_fault f;
	assert_false(esc_xml_check(S("ab\x01"), &f));
	assert_string_equal(esc_fault_describe(&a, &f), "the control character U+0001 at byte 3 of the text");
	assert_false(esc_xml_check(S("\xEF\xBF\xBE"), &f));
	assert_string_equal(esc_fault_describe(&a, &f), "the noncharacter U+FFFE at byte 1 of the text");
	assert_false(esc_xml_check(S("x\xFF"), &f));
	assert_string_equal(esc_fault_describe(&a, &f), "the byte 0xFF at byte 2 of the text, which is not valid UTF-8");
	assert_false(esc_actionscript_line_check(S("a\nb"), &f));
	assert_string_equal(esc_fault_describe(&a, &f), "a line feed at byte 2 of the text");
	arena_free(&a);
}

static void test_relevance(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(esc_relevance_string(&a, S("EXNODE1")), "\"EXNODE1\"");
	assert_string_equal(esc_relevance_string(&a, "", 0), "\"\"");
	assert_string_equal(esc_relevance_string(&a, S("a\"b")), "\"a%22b\"");
	assert_string_equal(esc_relevance_string(&a, S("100%")), "\"100%25\"");
	assert_string_equal(esc_relevance_string(&a, S("{x}}")), "\"%7Bx%7D%7D\"");
	assert_string_equal(esc_relevance_string(&a, S("l1\r\nl2")), "\"l1%0D%0Al2\"");
	assert_string_equal(esc_relevance_string(&a, S("x\x01\x7F")), "\"x%01%7F\"");
	assert_string_equal(esc_relevance_string(&a, S("caf\xC3\xA9")), "\"caf%C3%A9\"");
	assert_string_equal(esc_relevance_string(&a, S("]]> & <")), "\"]]> & <\"");
	/* a NUL inside the text is encoded too, not a terminator */
	assert_string_equal(esc_relevance_string(&a, S("a\0b")), "\"a%00b\"");
	/* whatever goes in, what comes out is printable ASCII with exactly two quotes */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	const char *r = esc_relevance_string(&a, all, sizeof all);
	size_t quotes = 0;
	for (const char *p = r; *p; p++) {
		assert_true(*p >= 0x20 && *p <= 0x7E);
		assert_true(*p != '{' && *p != '}');
		quotes += *p == '"';
	}
	assert_int_equal(quotes, 2);
	arena_free(&a);
}

static void test_actionscript(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct esc_fault f;
	assert_true(esc_actionscript_line_check(S("wait {parameter \"x\"}"), &f));
	assert_false(esc_actionscript_line_check(S("x\r\n"), &f));
	assert_int_equal(f.offset, 1);
	assert_false(esc_actionscript_line_check(S("line1\nrun evil.exe"), &f));
	assert_int_equal(f.kind, ESC_FAULT_LINE_BREAK);
	assert_int_equal(f.offset, 5);
	assert_false(esc_actionscript_line_check(S("a\0b"), &f));
	assert_int_equal(f.kind, ESC_FAULT_NUL);
	assert_int_equal(f.offset, 1);
	arena_free(&a);
}

static const char *html(struct arena *a, const char *s, size_t len)
{
	struct textbuf b;
	textbuf_init(&b, a);
	esc_html_append(&b, s, len);
	return b.data;
}

static const char *html_text(struct arena *a, const char *s, size_t len)
{
	struct textbuf b;
	textbuf_init(&b, a);
	esc_html_text_append(&b, s, len);
	return b.data;
}

static const char *markdown(struct arena *a, const char *s, size_t len)
{
	struct textbuf b;
	textbuf_init(&b, a);
	esc_markdown_append(&b, s, len);
	return b.data;
}

static void test_html_and_markdown(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(html(&a, S("<script>alert('x')</script> & \"q\"")),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	assert_string_equal(html(&a, S("]]> {{ }} %")), "]]&gt; {{ }} %");
	assert_string_equal(html(&a, S("caf\xC3\xA9")), "caf\xC3\xA9");
	/* element content: markup cannot start or end, and quotes stay as they are */
	assert_string_equal(html_text(&a, S("<script>alert('x')</script> & \"q\"")),
			    "&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"q\"");
	assert_string_equal(html_text(&a, S("it's")), "it's");
	assert_string_equal(markdown(&a, S("*bold* _x_ [l](u) | <b> `c` #1")),
			    "\\*bold\\* \\_x\\_ \\[l\\](u) \\| \\<b\\> \\`c\\` \\#1");
	assert_string_equal(markdown(&a, S("one\r\ntwo\nthree")), "one two three");
	assert_string_equal(markdown(&a, S("a\\b")), "a\\\\b");
	arena_free(&a);
}

static const char *json(struct arena *a, const char *s, size_t len)
{
	struct textbuf b;
	textbuf_init(&b, a);
	esc_json_append(&b, s, len);
	return b.data;
}

/* As jansson writes strings, so that plan.json reads back and dumps to the same bytes. */
static void test_json(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(json(&a, S("plain / text")), "plain / text");
	assert_string_equal(json(&a, S("\"q\" \\ b")), "\\\"q\\\" \\\\ b");
	assert_string_equal(json(&a, S("\b\f\n\r\t")), "\\b\\f\\n\\r\\t");
	assert_string_equal(json(&a, S("\x01\x1b\x1f\x7f")), "\\u0001\\u001B\\u001F\x7f");
	assert_string_equal(json(&a, "nul\0byte", 8), "nul\\u0000byte");
	assert_string_equal(json(&a, S("caf\xC3\xA9 \xF0\x9F\x98\x80")), "caf\xC3\xA9 \xF0\x9F\x98\x80");
	/* not UTF-8 (the build refuses it first): still a JSON string, one U+FFFD per bad byte */
	assert_string_equal(json(&a, S("a\xC3(b")), "a\xEF\xBF\xBD" "(b");
	assert_string_equal(json(&a, S("\xED\xA0\x80")), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	arena_free(&a);
}

static void expect_relevance_fault(const char *s, enum esc_fault_kind kind, size_t offset)
{
	struct esc_fault f;
	assert_false(esc_relevance_check(s, strlen(s), &f));
	assert_int_equal(f.kind, kind);
	assert_int_equal(f.offset, offset);
}

static void test_relevance_balance(void **state)
{
	(void)state;
	static const char *const good[] = {
		"true",
		"exists service \"ClusSvc\"",
		"(a) and ((b) or (c))",
		"exists file \"c:\\(x\"",              /* a parenthesis inside a string is text */
		"name of it = \")\" and (x)",
		"version of regapp \"a%22b\" >= \"1\"", /* a quote inside a string is %22 */
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(esc_relevance_check(good[i], strlen(good[i]), NULL));
	/* the two break-outs of a `not (%s)` wrapper, and their cousins */
	expect_relevance_fault("x) or (true", ESC_FAULT_UNOPENED, 1);
	expect_relevance_fault("true) and (false", ESC_FAULT_UNOPENED, 4);
	expect_relevance_fault("(a) and (b", ESC_FAULT_UNCLOSED, 8);
	expect_relevance_fault("((a) and b", ESC_FAULT_UNCLOSED, 0);
	expect_relevance_fault("a = \"b) or (true", ESC_FAULT_OPEN_STRING, 4);
	expect_relevance_fault("", ESC_FAULT_EMPTY, 0);
	expect_relevance_fault(" \t\n", ESC_FAULT_EMPTY, 0);
	/* an unclosed string hides the parentheses after it: still refused */
	expect_relevance_fault("\"x\" = \") or (true", ESC_FAULT_OPEN_STRING, 6);
}

static void test_terminal(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	/* plain text comes back as it is, the same pointer */
	const char *plain = "plain text\twith a tab";
	assert_ptr_equal(esc_terminal(&a, plain), plain);
	/* controls, DEL, C1, bidi, invisible, line separator, a bad byte */
	assert_string_equal(esc_terminal(&a, "a\x1B[2Jb\x07\x7F\xC2\x9B"),
			    "a\\u{1B}[2Jb\\u{7}\\u{7F}\\u{9B}");
	assert_string_equal(esc_terminal(&a, "x\xE2\x80\xAEy\xE2\x80\x8Bz\xE2\x80\xA8\xE2\x81\xA6"),
			    "x\\u{202E}y\\u{200B}z\\u{2028}\\u{2066}");
	assert_string_equal(esc_terminal(&a, "caf\xE9 \xED\xA0\x80"), "caf\\x{E9} \\x{ED}\\x{A0}\\x{80}");
	assert_string_equal(esc_terminal(&a, "\r\n"), "\\u{D}\\u{A}");
	/* ARABIC LETTER MARK and RIGHT-TO-LEFT MARK reorder text too */
	assert_string_equal(esc_terminal(&a, "\xD8\x9C\xE2\x80\x8F"), "\\u{61C}\\u{200F}");
	/* ordinary non-ASCII text is kept */
	assert_string_equal(esc_terminal(&a, "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80"),
			    "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_accepts),
		cmocka_unit_test(test_xml_rejects),
		cmocka_unit_test(test_path_check),
		cmocka_unit_test(test_fault_describe),
		cmocka_unit_test(test_relevance),
		cmocka_unit_test(test_actionscript),
		cmocka_unit_test(test_html_and_markdown),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_relevance_balance),
		cmocka_unit_test(test_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
