/*
 * test_source.c - the source manager: files, line tables, positions, spans.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/source.h"

struct fixture {
	struct arena arena;
	struct src_manager sm;
};

static int setup(void **state)
{
	static struct fixture fx;
	arena_init(&fx.arena);
	src_init(&fx.sm, &fx.arena);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	arena_free(&fx->arena);
	return 0;
}

static uint32_t add(void **state, const char *text)
{
	struct fixture *fx = *state;
	return src_add(&fx->sm, "t.plan", text, strlen(text));
}

static const struct src_manager *sm_of(void **state)
{
	return &((struct fixture *)*state)->sm;
}

#define assert_pos(state, file, offset, want_line, want_col)                         \
	do {                                                                         \
		struct src_pos p_ = src_position(sm_of(state), (file), (offset));    \
		assert_int_equal(p_.line, (want_line));                              \
		assert_int_equal(p_.column, (want_col));                             \
	} while (0)

/* The line holding offset, as a C string, for comparisons. */
static char *line_at(void **state, uint32_t file, uint32_t offset)
{
	static char buf[256];
	size_t len;
	const char *line = src_line(sm_of(state), file, offset, &len);
	assert_true(len < sizeof buf);
	memcpy(buf, line, len);
	buf[len] = '\0';
	return buf;
}

static void test_add_copies_text(void **state)
{
	struct fixture *fx = *state;
	char text[] = "os x\n";
	uint32_t a = src_add(&fx->sm, "a.plan", text, 5);
	uint32_t b = src_add(&fx->sm, "dir/b.plan", "", 0);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	text[0] = 'X'; /* the manager keeps its own copy */
	const struct src_file *f = src_file(&fx->sm, a);
	assert_non_null(f);
	assert_string_equal(f->path, "a.plan");
	assert_string_equal(f->text, "os x\n");
	assert_int_equal(f->len, 5);
	assert_int_equal(f->import.file, SRC_NO_FILE);
	assert_false(f->is_stdlib);
	assert_string_equal(src_file(&fx->sm, b)->path, "dir/b.plan");
	assert_null(src_file(&fx->sm, 2));
	assert_null(src_file(&fx->sm, SRC_NO_FILE));
}

static void test_text_with_nul_bytes(void **state)
{
	struct fixture *fx = *state;
	uint32_t id = src_add(&fx->sm, "n.plan", "a\0b\nc", 5);
	const struct src_file *f = src_file(&fx->sm, id);
	assert_int_equal(f->len, 5);
	assert_memory_equal(f->text, "a\0b\nc", 6); /* and still NUL-terminated */
	assert_int_equal(f->line_count, 2);
	assert_pos(state, id, 4, 2, 1);
}

static void test_line_table(void **state)
{
	uint32_t id = add(state, "ab\ncd\n");
	const struct src_file *f = src_file(sm_of(state), id);
	/* a final newline opens an empty last line */
	assert_int_equal(f->line_count, 3);
	assert_int_equal(f->line_starts[0], 0);
	assert_int_equal(f->line_starts[1], 3);
	assert_int_equal(f->line_starts[2], 6);
}

static void test_positions_at_line_starts_and_ends(void **state)
{
	uint32_t id = add(state, "ab\ncd\n\nxyz");
	assert_pos(state, id, 0, 1, 1);  /* 'a' */
	assert_pos(state, id, 1, 1, 2);  /* 'b' */
	assert_pos(state, id, 2, 1, 3);  /* the '\n' belongs to its line */
	assert_pos(state, id, 3, 2, 1);  /* 'c' */
	assert_pos(state, id, 5, 2, 3);  /* '\n' */
	assert_pos(state, id, 6, 3, 1);  /* the empty line */
	assert_pos(state, id, 7, 4, 1);  /* 'x' */
	assert_pos(state, id, 9, 4, 3);  /* 'z' */
	assert_string_equal(line_at(state, id, 0), "ab");
	assert_string_equal(line_at(state, id, 2), "ab");
	assert_string_equal(line_at(state, id, 4), "cd");
	assert_string_equal(line_at(state, id, 6), "");
	assert_string_equal(line_at(state, id, 8), "xyz");
}

static void test_last_line_without_newline(void **state)
{
	uint32_t id = add(state, "os a\nos b");
	const struct src_file *f = src_file(sm_of(state), id);
	assert_int_equal(f->line_count, 2);
	/* the end of the file is a position too: just after the last byte */
	assert_pos(state, id, 9, 2, 5);
	assert_string_equal(line_at(state, id, 9), "os b");
	assert_string_equal(line_at(state, id, 5), "os b");
}

static void test_crlf(void **state)
{
	uint32_t id = add(state, "ab\r\ncd\r\n");
	const struct src_file *f = src_file(sm_of(state), id);
	assert_int_equal(f->line_count, 3);
	assert_pos(state, id, 2, 1, 3);  /* '\r' */
	assert_pos(state, id, 3, 1, 4);  /* '\n' */
	assert_pos(state, id, 4, 2, 1);  /* 'c' */
	/* quoted lines leave out the '\r' */
	assert_string_equal(line_at(state, id, 0), "ab");
	assert_string_equal(line_at(state, id, 5), "cd");
	assert_string_equal(line_at(state, id, 8), "");
}

static void test_lone_cr_is_not_a_line_end(void **state)
{
	uint32_t id = add(state, "ab\rcd\n");
	assert_pos(state, id, 3, 1, 4);
	assert_string_equal(line_at(state, id, 0), "ab\rcd");
}

static void test_crlf_without_final_newline(void **state)
{
	uint32_t id = add(state, "ab\r\ncd\r");
	/* a '\r' at the very end is still dropped from the quoted line */
	assert_string_equal(line_at(state, id, 4), "cd");
	assert_pos(state, id, 7, 2, 4);
}

static void test_empty_file(void **state)
{
	uint32_t id = add(state, "");
	const struct src_file *f = src_file(sm_of(state), id);
	assert_int_equal(f->len, 0);
	assert_int_equal(f->line_count, 1);
	assert_pos(state, id, 0, 1, 1);
	assert_string_equal(line_at(state, id, 0), "");
	assert_pos(state, id, 10, 1, 1);
}

static void test_offsets_past_the_end(void **state)
{
	uint32_t id = add(state, "ab\ncd");
	/* clamped to the end of the file */
	assert_pos(state, id, 5, 2, 3);
	assert_pos(state, id, 6, 2, 3);
	assert_pos(state, id, 1000, 2, 3);
	assert_pos(state, id, UINT32_MAX, 2, 3);
	assert_string_equal(line_at(state, id, UINT32_MAX), "cd");
}

static void test_unknown_file(void **state)
{
	add(state, "x");
	struct src_pos p = src_position(sm_of(state), 7, 0);
	assert_int_equal(p.line, 0);
	assert_int_equal(p.column, 0);
	p = src_position(sm_of(state), SRC_NO_FILE, 0);
	assert_int_equal(p.line, 0);
	size_t len = 99;
	const char *line = src_line(sm_of(state), SRC_NO_FILE, 0, &len);
	assert_int_equal(len, 0);
	assert_string_equal(line, "");
}

static void test_columns_are_bytes(void **state)
{
	/* "é" is two bytes, the tab one: columns count bytes, as Vim and clang do */
	uint32_t id = add(state, "\xC3\xA9x\ty");
	assert_pos(state, id, 2, 1, 3);
	assert_pos(state, id, 4, 1, 5);
}

static void test_many_lines(void **state)
{
	/* 1000 lines of different lengths: every line start maps back exactly */
	struct fixture *fx = *state;
	char *text = arena_alloc(&fx->arena, 1000 * 12);
	uint32_t starts[1000];
	size_t len = 0;
	for (int i = 0; i < 1000; i++) {
		starts[i] = (uint32_t)len;
		int width = i % 10;
		memset(text + len, 'a' + i % 26, (size_t)width);
		len += (size_t)width;
		text[len++] = '\n';
	}
	uint32_t id = src_add(&fx->sm, "many.plan", text, len);
	assert_int_equal(src_file(&fx->sm, id)->line_count, 1001);
	for (int i = 0; i < 1000; i++) {
		assert_pos(state, id, starts[i], (uint32_t)i + 1, 1);
		assert_pos(state, id, starts[i] + (uint32_t)(i % 10), (uint32_t)i + 1,
			   (uint32_t)(i % 10) + 1);
	}
	assert_pos(state, id, (uint32_t)len, 1001, 1);
}

static void test_positions_in_two_files(void **state)
{
	uint32_t a = add(state, "one\ntwo\n");
	uint32_t b = add(state, "\n\n\nfour");
	assert_pos(state, a, 4, 2, 1);
	assert_pos(state, b, 4, 4, 2);
}

static void test_span_join(void **state)
{
	(void)state;
	struct src_span a = {1, 10, 20}, b = {1, 5, 12}, c = {1, 15, 30}, other = {2, 0, 100};
	struct src_span none = {SRC_NO_FILE, 0, 0};
	struct src_span j = src_span_join(a, b);
	assert_int_equal(j.file, 1);
	assert_int_equal(j.begin, 5);
	assert_int_equal(j.end, 20);
	j = src_span_join(a, c);
	assert_int_equal(j.begin, 10);
	assert_int_equal(j.end, 30);
	/* a span from another file does not stretch this one */
	j = src_span_join(a, other);
	assert_int_equal(j.file, 1);
	assert_int_equal(j.begin, 10);
	assert_int_equal(j.end, 20);
	/* nothing joined with something is that thing */
	j = src_span_join(none, b);
	assert_int_equal(j.file, 1);
	assert_int_equal(j.begin, 5);
	assert_int_equal(j.end, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_copies_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_with_nul_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_at_line_starts_and_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_line_without_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lone_cr_is_not_a_line_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_without_final_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offsets_past_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_are_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_in_two_files, setup, teardown),
		cmocka_unit_test(test_span_join),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
