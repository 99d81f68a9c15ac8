/*
 * textbuf.h - a growable byte buffer in the arena, for emitters.
 *
 * Emitters append to one of these instead of writing to a FILE.  A buffer
 * either keeps everything (to validate or hash it afterwards), doubling as
 * it grows, or is drained: once it holds `cap` bytes it hands them to a
 * drain function (a file of the output set) and starts again, so a build of
 * thousands of plans streams its large files in bounded memory.
 */
#ifndef BFPLAN_TEXTBUF_H
#define BFPLAN_TEXTBUF_H

#include <stddef.h>
#include <string.h>

#include "base/arena.h"

typedef void textbuf_drain_fn(void *ctx, const char *data, size_t len);

struct textbuf {
	struct arena *arena;
	char *data;  /* always NUL-terminated (the NUL is not counted in len) */
	size_t len, cap;
	textbuf_drain_fn *drain; /* NULL: keep everything */
	void *drain_ctx;
};

void textbuf_init(struct textbuf *b, struct arena *arena);

/* A buffer of `cap` bytes that passes its content to drain(ctx, ...) whenever it fills up. */
void textbuf_init_drained(struct textbuf *b, struct arena *arena, size_t cap, textbuf_drain_fn *drain,
			  void *ctx);

/* Hands a drained buffer's pending bytes to its drain; nothing for a keeping one. */
void textbuf_flush(struct textbuf *b);

/* The slow path of textbuf_put(): the buffer must grow or drain first. */
void textbuf_put_slow(struct textbuf *b, const char *s, size_t len);

/*
 * Appending is what every emitter does for every piece of text, so the
 * common case (it fits) is inline, and textbuf_puts() of a literal costs
 * no strlen() at run time.
 */
static inline void textbuf_put(struct textbuf *b, const char *s, size_t len)
{
	if (len < b->cap - b->len) {
		memcpy(b->data + b->len, s, len);
		b->len += len;
		b->data[b->len] = '\0';
		return;
	}
	textbuf_put_slow(b, s, len);
}

static inline void textbuf_puts(struct textbuf *b, const char *s)
{
	textbuf_put(b, s, strlen(s));
}

static inline void textbuf_putc(struct textbuf *b, char c)
{
	textbuf_put(b, &c, 1);
}

void textbuf_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
