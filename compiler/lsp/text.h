/*
 * text.h - positions and names as the Language Server Protocol has them.
 *
 * The compiler counts in bytes of UTF-8; the protocol counts lines (ended
 * by LF, CR LF or CR) and, within a line, UTF-16 code units: a character
 * beyond U+FFFF is two units, so "a\U0001F600b" has 'b' at character 3.
 * These conversions are the only place the two meet.  A position beyond
 * the end of its line means the end of the line, and one beyond the last
 * line the end of the text, as the protocol asks; bytes that are not
 * UTF-8 count one unit each.
 */
#ifndef BFPLAN_LSP_TEXT_H
#define BFPLAN_LSP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"

/* The protocol's lines of a text: where each starts. */
struct text_lines {
	const char *text;
	size_t len;
	uint32_t *starts;   /* byte offset of each line's first byte */
	uint32_t count;     /* at least 1 */
};

struct text_pos {
	uint32_t line;      /* 0-based */
	uint32_t character; /* 0-based, UTF-16 code units */
};

/* Builds the line table of `text` (which must outlive it) in the arena. */
void text_lines_init(struct text_lines *l, struct arena *arena, const char *text, size_t len);

struct text_pos text_position(const struct text_lines *l, uint32_t offset);
uint32_t text_offset(const struct text_lines *l, struct text_pos p);

/* The byte offset of a position in text without a line table (one walk): for edits. */
size_t text_offset_in(const char *text, size_t len, struct text_pos p);

/* A file: URI's path (percent-decoded), or NULL for any other URI or a path with a NUL in it. */
char *text_uri_path(struct arena *arena, const char *uri);

/* The file: URI of an absolute path, percent-encoding what RFC 3986 does not allow in a path. */
char *text_path_uri(struct arena *arena, const char *path);

/*
 * A JSON string of `len` bytes of text that may not be UTF-8 (a message
 * quoting a plan): bytes that are not, are replaced by U+FFFD.
 */
json_t *text_json(const char *s, size_t len);
json_t *text_json_str(const char *s);

#endif
