/*
 * test_lsp.c - the language server's two conversions at the edges: the
 * base protocol's framing (lsp/rpc.h) and positions in UTF-16 code units
 * and file URIs (lsp/text.h); the line changes its formatting sends
 * (base/textdiff.h); and the resolver's index of names it navigates by.  The whole server is driven by tests/lsp/session.py;
 * these pin the corner cases one by one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/textdiff.h"
#include "front/load.h"
#include "lsp/rpc.h"
#include "lsp/text.h"
#include "sema/resolve.h"

/* ---- positions ---- */

/* "a😀b" CR LF "x日y" CR "z": an astral character (4 bytes, 2 units), a wide one (3 bytes, 1 unit), three line ends */
static const char mixed[] = "a\xF0\x9F\x98\x80" "b\r\nx\xE6\x97\xA5y\rz";

static void test_lines_end_at_lf_crlf_and_cr(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct text_lines l;
	text_lines_init(&l, &a, mixed, strlen(mixed));
	assert_int_equal(l.count, 3);
	assert_int_equal(l.starts[1], 8);  /* after CR LF */
	assert_int_equal(l.starts[2], 14); /* after the lone CR */
	arena_free(&a);
}

static void test_positions_count_utf16_units(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct text_lines l;
	text_lines_init(&l, &a, mixed, strlen(mixed));
	struct text_pos b = text_position(&l, 5); /* 'b' after the astral character */
	assert_int_equal(b.line, 0);
	assert_int_equal(b.character, 3);
	assert_int_equal(text_offset(&l, (struct text_pos){0, 3}), 5);
	struct text_pos y = text_position(&l, 12); /* 'y' after the wide character */
	assert_int_equal(y.line, 1);
	assert_int_equal(y.character, 2);
	assert_int_equal(text_offset(&l, (struct text_pos){1, 2}), 12);
	assert_int_equal(text_offset(&l, (struct text_pos){2, 0}), 14);
	arena_free(&a);
}

static void test_positions_out_of_range_are_clamped(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct text_lines l;
	text_lines_init(&l, &a, mixed, strlen(mixed));
	/* the middle of the surrogate pair: the start of its character */
	assert_int_equal(text_offset(&l, (struct text_pos){0, 2}), 1);
	/* past the end of a line: the end of its content, before CR LF */
	assert_int_equal(text_offset(&l, (struct text_pos){0, 99}), 6);
	/* past the last line: the end of the text */
	assert_int_equal(text_offset(&l, (struct text_pos){UINT32_MAX, 0}), strlen(mixed));
	/* an offset inside CR LF is the end of its line */
	struct text_pos p = text_position(&l, 7);
	assert_int_equal(p.line, 0);
	assert_int_equal(p.character, 4);
	/* the same in one walk, without a table */
	assert_int_equal(text_offset_in(mixed, strlen(mixed), (struct text_pos){1, 2}), 12);
	assert_int_equal(text_offset_in(mixed, strlen(mixed), (struct text_pos){9, 9}), strlen(mixed));
	arena_free(&a);
}

static void test_bytes_that_are_not_utf8_count_one_unit(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char bad[] = "\xFF\xC3x";
	struct text_lines l;
	text_lines_init(&l, &a, bad, 3);
	assert_int_equal(text_position(&l, 3).character, 3);
	assert_int_equal(text_offset(&l, (struct text_pos){0, 2}), 2);
	json_t *j = text_json(bad, 3); /* each bad byte becomes U+FFFD */
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "\xEF\xBF\xBD\xEF\xBF\xBDx");
	json_decref(j);
	arena_free(&a);
}

static void test_file_uris(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(text_uri_path(&a, "file:///srv/my%20plans/a.plan"), "/srv/my plans/a.plan");
	assert_string_equal(text_uri_path(&a, "file://localhost/a%2Fb"), "/a/b");
	assert_null(text_uri_path(&a, "untitled:Untitled-1"));
	assert_null(text_uri_path(&a, "file://server/share/a.plan"));
	assert_null(text_uri_path(&a, "file:///a%00b"));
	assert_string_equal(text_path_uri(&a, "/srv/my plans/é#1.plan"), "file:///srv/my%20plans/%C3%A9%231.plan");
	arena_free(&a);
}

/* ---- framing ---- */

static enum rpc_status next(struct rpc_reader *r, char *body, size_t cap)
{
	const char *b;
	size_t n;
	enum rpc_status st = rpc_reader_next(r, &b, &n);
	if (st == RPC_MESSAGE) {
		assert_true(n < cap);
		memcpy(body, b, n);
		body[n] = '\0';
	}
	return st;
}

static void test_messages_in_any_pieces(void **state)
{
	(void)state;
	const char stream[] = "Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: application/vscode-jsonrpc; "
			      "charset=utf-8\r\n\r\n[1]";
	struct rpc_reader r;
	rpc_reader_init(&r);
	char body[16];
	int messages = 0;
	for (size_t i = 0; i < strlen(stream); i++) { /* one byte at a time */
		assert_true(rpc_reader_feed(&r, stream + i, 1));
		enum rpc_status st;
		while ((st = next(&r, body, sizeof body)) == RPC_MESSAGE)
			assert_string_equal(body, messages++ ? "[1]" : "{}");
		assert_int_equal(st, RPC_NEED_MORE);
	}
	assert_int_equal(messages, 2);
	rpc_reader_free(&r);
}

static void test_bad_headers_are_dropped(void **state)
{
	(void)state;
	const char stream[] = "Content-Length: x\r\n\r\n"
			      "Content-Length: 1\r\nContent-Length: 1\r\n\r\n"
			      "no colon here\r\n\r\n"
			      "Content-Length: 1\r\n\r\n7";
	struct rpc_reader r;
	rpc_reader_init(&r);
	assert_true(rpc_reader_feed(&r, stream, strlen(stream)));
	char body[16];
	assert_int_equal(next(&r, body, sizeof body), RPC_BAD_HEADER);
	assert_int_equal(next(&r, body, sizeof body), RPC_BAD_HEADER);
	assert_int_equal(next(&r, body, sizeof body), RPC_BAD_HEADER);
	assert_int_equal(next(&r, body, sizeof body), RPC_MESSAGE);
	assert_string_equal(body, "7");
	assert_int_equal(next(&r, body, sizeof body), RPC_NEED_MORE);
	rpc_reader_free(&r);
}

static void test_a_header_without_end_is_dropped(void **state)
{
	(void)state;
	struct rpc_reader r;
	rpc_reader_init(&r);
	char *junk = malloc(RPC_MAX_HEADER * 2);
	memset(junk, 'x', RPC_MAX_HEADER * 2);
	assert_true(rpc_reader_feed(&r, junk, RPC_MAX_HEADER * 2));
	char body[16];
	assert_int_equal(next(&r, body, sizeof body), RPC_BAD_HEADER);
	assert_true(r.len - r.start < 8); /* what was dropped is not kept */
	const char ok[] = "\r\n\r\nContent-Length: 2\r\n\r\nok";
	assert_true(rpc_reader_feed(&r, ok, strlen(ok)));
	enum rpc_status st;
	while ((st = next(&r, body, sizeof body)) == RPC_BAD_HEADER)
		;
	assert_int_equal(st, RPC_MESSAGE);
	assert_string_equal(body, "ok");
	free(junk);
	rpc_reader_free(&r);
}

static void test_a_message_over_the_limit_is_skipped_unread(void **state)
{
	(void)state;
	struct rpc_reader r;
	rpc_reader_init(&r);
	char header[64];
	snprintf(header, sizeof header, "Content-Length: %d\r\n\r\nabc", RPC_MAX_BODY + 5);
	assert_true(rpc_reader_feed(&r, header, strlen(header)));
	char body[16];
	assert_int_equal(next(&r, body, sizeof body), RPC_TOO_LARGE);
	/* the rest of the body, in pieces, is dropped as it arrives */
	char *chunk = calloc(1, 1 << 20);
	size_t left = RPC_MAX_BODY + 5 - 3;
	while (left) {
		size_t n = left < (1u << 20) ? left : 1u << 20;
		assert_true(rpc_reader_feed(&r, chunk, n));
		left -= n;
		assert_true(r.cap <= 4096);
	}
	const char ok[] = "Content-Length: 2\r\n\r\nok";
	assert_true(rpc_reader_feed(&r, ok, strlen(ok)));
	assert_int_equal(next(&r, body, sizeof body), RPC_MESSAGE);
	assert_string_equal(body, "ok");
	free(chunk);
	rpc_reader_free(&r);
}

static void test_a_length_that_overflows_is_refused(void **state)
{
	(void)state;
	const char stream[] = "Content-Length: 99999999999999999999999999\r\n\r\n";
	struct rpc_reader r;
	rpc_reader_init(&r);
	assert_true(rpc_reader_feed(&r, stream, strlen(stream)));
	char body[4];
	assert_int_equal(next(&r, body, sizeof body), RPC_BAD_HEADER);
	rpc_reader_free(&r);
}

/* ---- the line changes that formatting sends ---- */

static void test_line_changes(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char *old = "a\nb\nc\nd\n", *new = "a\nB\nc\nd\ne\n";
	size_t n;
	struct textdiff_change *c = textdiff_changes(&a, (struct textdiff_side){NULL, old, strlen(old)},
						     (struct textdiff_side){NULL, new, strlen(new)}, &n);
	assert_int_equal(n, 2);
	/* line 1 replaced */
	assert_int_equal(c[0].old_begin, 1);
	assert_int_equal(c[0].old_end, 2);
	assert_int_equal(c[0].new_begin, 1);
	assert_int_equal(c[0].new_end, 2);
	/* a line added at the end: an empty run of old lines */
	assert_int_equal(c[1].old_begin, 4);
	assert_int_equal(c[1].old_end, 4);
	assert_int_equal(c[1].new_begin, 4);
	assert_int_equal(c[1].new_end, 5);
	textdiff_changes(&a, (struct textdiff_side){NULL, old, strlen(old)}, (struct textdiff_side){NULL, old, strlen(old)},
			 &n);
	assert_int_equal(n, 0);
	arena_free(&a);
}

/* ---- the resolver's index, which the server navigates by ---- */

static bool span_reads(const struct src_manager *sm, struct src_span s, const char *text)
{
	const struct src_file *f = src_file(sm, s.file);
	return s.end - s.begin == strlen(text) && memcmp(f->text + s.begin, text, strlen(text)) == 0;
}

/*
 * Every declaration's name span holds its name, and every bound name's
 * span holds the name of the declaration it was bound to (or, for a site
 * named by its display name, that name in quotes), over the seed example
 * and the standard library it uses.
 */
static void test_the_index_binds_names_where_they_are_written(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct src_manager sm;
	struct diag_sink diags;
	src_init(&sm, &a);
	diag_init(&diags, &a, &sm);
	struct load_options lo = {.stdlib_dir = "stdlib"};
	struct program program;
	assert_int_equal(load_program(&a, &sm, &diags, &lo, "examples/exchange2007-windows2008.plan", &program), LOAD_OK);
	struct world world;
	struct name_index index;
	resolve_program_indexed(&a, &sm, &diags, &program, &world, &index);
	assert_false(diag_has_errors(&diags));
	assert_true(index.defs.len > 20);
	for (size_t i = 0; i < index.defs.len; i++) {
		const struct name_def *d = index.defs.items[i];
		assert_true(span_reads(&sm, d->name_span, d->name));
		assert_ptr_equal(ptrmap_get(&index.by_entity, d->entity), d);
	}
	size_t in_root = 0;
	for (size_t i = 0; i < index.refs.len; i++) {
		const struct name_ref *r = index.refs.items[i];
		const char *shown = src_file(&sm, r->span.file)->text + r->span.begin;
		if (*shown == '"')
			assert_int_equal(r->def->kind, DECL_SITE);
		else
			assert_true(span_reads(&sm, r->span, r->def->name));
		in_root += r->span.file == program.root;
	}
	/* the plan names its cluster, baseline, steps and prerequisites */
	assert_true(in_root >= 10);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_end_at_lf_crlf_and_cr),
		cmocka_unit_test(test_positions_count_utf16_units),
		cmocka_unit_test(test_positions_out_of_range_are_clamped),
		cmocka_unit_test(test_bytes_that_are_not_utf8_count_one_unit),
		cmocka_unit_test(test_file_uris),
		cmocka_unit_test(test_messages_in_any_pieces),
		cmocka_unit_test(test_bad_headers_are_dropped),
		cmocka_unit_test(test_a_header_without_end_is_dropped),
		cmocka_unit_test(test_a_message_over_the_limit_is_skipped_unread),
		cmocka_unit_test(test_a_length_that_overflows_is_refused),
		cmocka_unit_test(test_line_changes),
		cmocka_unit_test(test_the_index_binds_names_where_they_are_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
