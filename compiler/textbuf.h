/*
 * textbuf.h - a growable byte buffer in the arena, for emitters.
 *
 * Every output file is rendered into memory first and written only when the
 * whole build has succeeded (see outset.h), so emitters append to one of
 * these instead of writing to a FILE.  Growth doubles the capacity; the old
 * block stays in the arena, which costs at most as much again.
 */
#ifndef BFPLAN_TEXTBUF_H
#define BFPLAN_TEXTBUF_H

#include <stddef.h>

#include "arena.h"

struct textbuf {
	struct arena *arena;
	char *data;  /* always NUL-terminated (the NUL is not counted in len) */
	size_t len, cap;
};

void textbuf_init(struct textbuf *b, struct arena *arena);
void textbuf_put(struct textbuf *b, const char *s, size_t len);
void textbuf_puts(struct textbuf *b, const char *s);
void textbuf_putc(struct textbuf *b, char c);
void textbuf_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
