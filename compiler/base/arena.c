/*
 * arena.c - the bump allocator behind every compilation (see arena.h).
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Big enough that a typical plan needs a handful of blocks. */
enum { ARENA_BLOCK_SIZE = 64 * 1024 };

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->spare = NULL;
	a->total = 0;
	a->limit = 0;
	a->on_failure = NULL;
}

void arena_init_like(struct arena *a, const struct arena *like)
{
	arena_init(a);
	a->limit = like->limit;
	a->on_failure = like->on_failure;
}

bool arena_owns(const struct arena *a, const void *p)
{
	uintptr_t at = (uintptr_t)p;
	for (const struct arena_block *b = a->head; b; b = b->next)
		if (at >= (uintptr_t)b->data && at < (uintptr_t)b->data + b->used)
			return true;
	return false;
}

_Noreturn void arena_fail(struct arena *a)
{
	if (a->on_failure)
		longjmp(*a->on_failure, 1);
	/* only arenas of unit tests have no handler */
	fputs("bfplan: out of memory\n", stderr);
	abort();
}

static void free_blocks(struct arena_block *b)
{
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
}

void arena_free(struct arena *a)
{
	free_blocks(a->head);
	free_blocks(a->spare);
	a->head = NULL;
	a->spare = NULL;
	a->total = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		if (b->size == ARENA_BLOCK_SIZE) {
			b->used = 0;
			b->next = a->spare;
			a->spare = b;
		} else {
			free(b); /* a one-off large block: the next user may need none */
		}
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

_Static_assert(alignof(void *) <= ARENA_ALIGN && alignof(int64_t) <= ARENA_ALIGN &&
		       alignof(double) <= ARENA_ALIGN && alignof(size_t) <= ARENA_ALIGN,
	       "the arena's alignment serves the types it holds");

static size_t align_up(size_t n)
{
	return (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
}

static struct arena_block *new_block(struct arena *a, size_t min_size)
{
	size_t size = min_size > ARENA_BLOCK_SIZE ? min_size : ARENA_BLOCK_SIZE;
	bool over_limit = a->limit && (a->total > a->limit || size > a->limit - a->total);
	if (size > SIZE_MAX - sizeof(struct arena_block) || over_limit)
		arena_fail(a);
	if (size == ARENA_BLOCK_SIZE && a->spare) {
		struct arena_block *b = a->spare;
		a->spare = b->next;
		return b;
	}
	struct arena_block *b = malloc(sizeof *b + size);
	if (!b)
		arena_fail(a);
	b->used = 0;
	b->size = size;
	return b;
}

void *arena_alloc_unzeroed(struct arena *a, size_t size)
{
	if (size > SIZE_MAX / 2)
		arena_fail(a);
	size = align_up(size ? size : 1);
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		b = new_block(a, size);
		/* A large one-off block goes behind the current one so the current keeps serving small requests. */
		if (a->head && size > ARENA_BLOCK_SIZE) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_alloc_unzeroed(a, size);
	/* the padding up to the alignment too, as always: reading one past the end finds a zero */
	memset(p, 0, align_up(size ? size : 1));
	return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		arena_fail(a);
	return arena_alloc(a, count * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc_unzeroed(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Two walks over the strings: their length, then the copy; no format to read (a build joins millions). */
char *arena_concat(struct arena *a, const char *first, ...)
{
	va_list ap;
	size_t len = 0;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		len += strlen(s);
	va_end(ap);
	char *out = arena_alloc_unzeroed(a, len + 1), *at = out;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		size_t n = strlen(s);
		memcpy(at, s, n);
		at += n;
	}
	va_end(ap);
	*at = '\0';
	return out;
}

/*
 * Formats straight into the free end of the current block, and claims it
 * if the text fits there, which it nearly always does; only a longer text
 * is formatted again into room made for it.  (Text needs no zeroing.)
 */
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	struct arena_block *b = a->head;
	char *room = b ? (char *)b->data + b->used : NULL;
	size_t free_bytes = b ? b->size - b->used : 0;
	int n = vsnprintf(room, free_bytes, fmt, copy);
	va_end(copy);
	if (n < 0)
		return arena_strdup(a, "");
	size_t size = align_up((size_t)n + 1);
	if (size <= free_bytes) {
		b->used += size;
		a->total += size;
		return room;
	}
	char *p = arena_alloc_unzeroed(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

/*
 * Grows the newest allocation of the current block from `old` to `size`
 * bytes where it stands, when it is that allocation and the block has
 * room: a vector filled in a loop that allocates nothing else then
 * leaves no outgrown copies behind.
 */
static bool extend_in_place(struct arena *a, void *p, size_t old, size_t size)
{
	struct arena_block *b = a->head;
	if (!p || !b || align_up(old) != old || (unsigned char *)p + old != b->data + b->used)
		return false;
	size_t more = align_up(size) - old;
	if (b->size - b->used < more)
		return false;
	b->used += more;
	a->total += more;
	return true;
}

/*
 * Makes room for one more element in a vector's backing array: doubles the
 * capacity into a new arena block (the old one stays in the arena until the
 * end, which doubling keeps cheap).  One routine for the three vector types.
 */
static void *grow(struct arena *a, void *items, size_t len, size_t *cap, size_t elem)
{
	if (len < *cap)
		return items;
	size_t bigger = *cap ? *cap * 2 : 2;
	if (bigger > SIZE_MAX / elem)
		arena_fail(a);
	if (extend_in_place(a, items, *cap * elem, bigger * elem)) {
		*cap = bigger;
		return items;
	}
	void *fresh = arena_alloc_unzeroed(a, bigger * elem); /* past len nothing is read */
	if (len)
		memcpy(fresh, items, len * elem);
	*cap = bigger;
	return fresh;
}

void ptrvec_push(struct arena *a, struct ptrvec *v, void *item)
{
	v->items = grow(a, v->items, v->len, &v->cap, sizeof *v->items);
	v->items[v->len++] = item;
}

void cptrvec_push(struct arena *a, struct cptrvec *v, const void *item)
{
	v->items = grow(a, v->items, v->len, &v->cap, sizeof *v->items);
	v->items[v->len++] = item;
}

void strvec_push(struct arena *a, struct strvec *v, const char *item)
{
	v->items = grow(a, v->items, v->len, &v->cap, sizeof *v->items);
	v->items[v->len++] = item;
}
