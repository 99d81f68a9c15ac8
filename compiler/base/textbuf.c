/*
 * textbuf.c - growable and drained arena buffers (see textbuf.h).
 */
#include "base/textbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void textbuf_init(struct textbuf *b, struct arena *arena)
{
	b->arena = arena;
	b->cap = 256;
	b->data = arena_alloc_unzeroed(arena, b->cap);
	b->data[0] = '\0';
	b->len = 0;
	b->drain = NULL;
	b->drain_ctx = NULL;
}

void textbuf_init_drained(struct textbuf *b, struct arena *arena, size_t cap, textbuf_drain_fn *drain,
			  void *ctx)
{
	b->arena = arena;
	b->cap = cap < 16 ? 16 : cap;
	b->data = arena_alloc_unzeroed(arena, b->cap);
	b->data[0] = '\0';
	b->len = 0;
	b->drain = drain;
	b->drain_ctx = ctx;
}

void textbuf_flush(struct textbuf *b)
{
	if (b->drain && b->len) {
		b->drain(b->drain_ctx, b->data, b->len);
		b->len = 0;
		b->data[0] = '\0';
	}
}

static void reserve(struct textbuf *b, size_t extra)
{
	if (extra >= SIZE_MAX / 2 - b->len)
		arena_fail(b->arena); /* no buffer can be this large: the memory is not there either */
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap;
	while (cap < need)
		cap *= 2;
	char *data = arena_alloc_unzeroed(b->arena, cap);
	memcpy(data, b->data, b->len + 1);
	b->data = data;
	b->cap = cap;
}

void textbuf_put_slow(struct textbuf *b, const char *s, size_t len)
{
	if (b->drain && b->len + len + 1 > b->cap) {
		textbuf_flush(b);
		if (len + 1 > b->cap) {
			/* larger than the whole buffer: straight through */
			b->drain(b->drain_ctx, s, len);
			return;
		}
	}
	reserve(b, len);
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void textbuf_printf(struct textbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		textbuf_put(b, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	char *big = arena_vprintf(b->arena, fmt, ap);
	va_end(ap);
	textbuf_put(b, big, (size_t)n);
}
