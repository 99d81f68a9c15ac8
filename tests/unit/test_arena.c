/*
 * test_arena.c - the bump allocator and the arena-backed vectors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdalign.h>
#include <stdbool.h>
#include <string.h>

#include "base/arena.h"

/* Bytes in one ordinary arena block (ARENA_BLOCK_SIZE in arena.c). */
enum { BLOCK = 64 * 1024 };

static bool is_aligned(const void *p)
{
	return (uintptr_t)p % ARENA_ALIGN == 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void test_alignment(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000, 4097};
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			void *p = arena_alloc(&a, sizes[i]);
			assert_non_null(p);
			assert_true(is_aligned(p));
		}
	}
	/* strings and printf results come from the same allocator */
	assert_true(is_aligned(arena_strdup(&a, "x")));
	assert_true(is_aligned(arena_printf(&a, "%d", 7)));
	arena_free(&a);
}

/* Objects of an odd number of words lie one after another, with no padding to 16 between them. */
static void test_odd_words_are_not_padded(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	unsigned char *first = arena_alloc(&a, 56);
	unsigned char *second = arena_alloc(&a, 56);
	unsigned char *third = arena_alloc(&a, 24);
	assert_ptr_equal(second, first + 56);
	assert_ptr_equal(third, second + 56);
	assert_true(all_zero(second, 56));
	arena_free(&a);
}

static void test_zero_size_gives_distinct_pointers(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	void *p = arena_alloc(&a, 0);
	void *q = arena_alloc(&a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	arena_free(&a);
}

static void test_memory_is_zeroed(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	/* fill several blocks, scribbling on each allocation, then check fresh ones */
	for (int i = 0; i < 300; i++) {
		unsigned char *p = arena_alloc(&a, 1000);
		assert_true(all_zero(p, 1000));
		memset(p, 0xA5, 1000);
	}
	unsigned char *big = arena_alloc(&a, 3 * BLOCK);
	assert_true(all_zero(big, 3 * BLOCK));
	int *ints = arena_calloc(&a, 1000, sizeof *ints);
	assert_true(all_zero((const unsigned char *)ints, 1000 * sizeof *ints));
	arena_free(&a);
}

static void test_total_counts_aligned_bytes(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_int_equal(a.total, 0);
	arena_alloc(&a, 1);
	assert_int_equal(a.total, ARENA_ALIGN);
	arena_alloc(&a, ARENA_ALIGN + 1);
	assert_int_equal(a.total, 3 * ARENA_ALIGN);
	arena_free(&a);
	assert_int_equal(a.total, 0);
	assert_null(a.head);
}

static void test_large_block(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *small1 = arena_alloc(&a, 16);
	size_t big_size = 5 * BLOCK + 3;
	unsigned char *big = arena_alloc(&a, big_size);
	assert_true(is_aligned(big));
	/* every byte of it is usable (ASan would object otherwise) */
	memset(big, 0x5A, big_size);
	assert_int_equal(big[0], 0x5A);
	assert_int_equal(big[big_size - 1], 0x5A);
	/* a one-off large block does not retire the current block: small requests continue in it */
	char *small2 = arena_alloc(&a, 16);
	assert_ptr_equal(small2, small1 + 16);
	arena_free(&a);
}

static void test_block_boundary(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	/* exactly one block, then one more byte: the second request needs a new block */
	unsigned char *p = arena_alloc(&a, BLOCK);
	memset(p, 1, BLOCK);
	unsigned char *q = arena_alloc(&a, 1);
	assert_non_null(q);
	assert_int_equal(q[0], 0);
	assert_true(q < p || q >= p + BLOCK);
	arena_free(&a);
}

static void test_strdup(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char *src = "cluster exch01";
	char *copy = arena_strdup(&a, src);
	assert_ptr_not_equal(copy, src);
	assert_string_equal(copy, src);

	/* strndup copies exactly len bytes, even past a NUL, and terminates */
	char *part = arena_strndup(&a, "abc\0def", 7);
	assert_memory_equal(part, "abc\0def", 8);
	char *prefix = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(prefix, "abc");
	char *empty = arena_strndup(&a, "xyz", 0);
	assert_string_equal(empty, "");
	arena_free(&a);
}

static void test_printf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(arena_printf(&a, "%s-%d-%c", "node", 42, 'x'), "node-42-x");
	assert_string_equal(arena_printf(&a, "%s", ""), "");
	assert_string_equal(arena_printf(&a, "%.*s", 3, "abcdef"), "abc");

	/* output longer than a whole block */
	size_t width = 2 * BLOCK + 11;
	char *wide = arena_printf(&a, "%*s|", (int)width, "end");
	assert_int_equal(strlen(wide), width + 1);
	assert_int_equal(wide[0], ' ');
	assert_string_equal(wide + width - 3, "end|");
	arena_free(&a);
}

static char *call_vprintf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *call_vprintf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

static void test_vprintf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(call_vprintf(&a, "%u:%u", 3u, 14u), "3:14");
	arena_free(&a);
}

static void test_ptrvec_growth(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct ptrvec v = {0};
	static int values[1000];
	for (int i = 0; i < 1000; i++) {
		values[i] = i;
		ptrvec_push(&a, &v, &values[i]);
		assert_int_equal(v.len, (size_t)i + 1);
		assert_true(v.cap >= v.len);
		if (i == 0)
			assert_int_equal(v.cap, 2);
	}
	/* capacities double from 2 */
	assert_int_equal(v.cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_ptr_equal(v.items[i], &values[i]);
	arena_free(&a);
}

static void test_ptrvec_holds_null(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct ptrvec v = {0};
	ptrvec_push(&a, &v, NULL);
	ptrvec_push(&a, &v, &v);
	assert_int_equal(v.len, 2);
	assert_null(v.items[0]);
	assert_ptr_equal(v.items[1], &v);
	arena_free(&a);
}

static void test_reuse_after_free(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++)
			arena_alloc(&a, 2000);
		arena_free(&a);
		assert_null(a.head);
		assert_int_equal(a.total, 0);
	}
	/* freeing an empty arena is fine too */
	arena_free(&a);
}

/* A reset arena serves the next round from the blocks it kept, and frees its one-off large blocks. */
static void test_reset_keeps_blocks(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	unsigned char *first = arena_alloc(&a, 100);
	memset(first, 0xAB, 100);
	for (int i = 0; i < 100; i++)
		arena_alloc(&a, 2000); /* several blocks */
	arena_alloc(&a, 4 * BLOCK); /* and a large one */
	arena_reset(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	for (int round = 0; round < 3; round++) {
		/* the blocks come back in the order they were first used, zeroed where they are handed out */
		unsigned char *p = arena_alloc(&a, 100);
		assert_ptr_equal(p, first);
		for (int i = 0; i < 100; i++)
			assert_int_equal(p[i], 0);
		assert_non_null(a.spare);
		for (int i = 0; i < 100; i++)
			arena_alloc(&a, 2000);
		assert_int_equal(a.total, 100 * 2000 + 104); /* the 100 bytes rounded up to ARENA_ALIGN */
		arena_reset(&a);
	}
	arena_free(&a);
	assert_null(a.spare);
}

/* Memory that runs out lands at the owner's handler, however the request was made. */
static void test_out_of_memory_jumps_to_the_handler(void **state)
{
	(void)state;
	struct arena a;
	jmp_buf failed;
	static const size_t requests[] = {BLOCK / 2, 4 * BLOCK, SIZE_MAX / 2 + 1};
	for (volatile size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
		arena_init(&a);
		a.limit = 2 * BLOCK;
		a.on_failure = &failed;
		volatile int served = 0;
		if (setjmp(failed) == 0) {
			for (;;) {
				arena_alloc(&a, requests[i]);
				served++;
			}
		}
		/* the limit lets the first half-block requests through, never more */
		assert_true(served <= 4);
		arena_free(&a);
	}
	/* an overflowing count times size is the same failure */
	arena_init(&a);
	a.on_failure = &failed;
	volatile bool jumped = false;
	if (setjmp(failed) == 0)
		arena_calloc(&a, SIZE_MAX / 4, 8);
	else
		jumped = true;
	assert_true(jumped);
	/* a scratch arena fails the same way */
	struct arena scratch;
	arena_init_like(&scratch, &a);
	assert_ptr_equal(scratch.on_failure, &failed);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_odd_words_are_not_padded),
		cmocka_unit_test(test_zero_size_gives_distinct_pointers),
		cmocka_unit_test(test_memory_is_zeroed),
		cmocka_unit_test(test_total_counts_aligned_bytes),
		cmocka_unit_test(test_large_block),
		cmocka_unit_test(test_block_boundary),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_vprintf),
		cmocka_unit_test(test_ptrvec_growth),
		cmocka_unit_test(test_ptrvec_holds_null),
		cmocka_unit_test(test_reuse_after_free),
		cmocka_unit_test(test_reset_keeps_blocks),
		cmocka_unit_test(test_out_of_memory_jumps_to_the_handler),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
