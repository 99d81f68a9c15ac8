/*
 * source.h - the source manager: every file a compilation reads, and spans.
 *
 * A span is a pair of byte offsets into one file's text.  Lines and columns
 * are derived only when a diagnostic is printed, from a line-start table
 * built once per file.  Each file also remembers the span of the `use` that
 * first pulled it in, so a diagnostic inside an imported file can say where
 * it was imported from.
 */
#ifndef BFPLAN_SOURCE_H
#define BFPLAN_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

struct src_span {
	uint32_t file;  /* index into src_manager.files; SRC_NO_FILE for none */
	uint32_t begin; /* byte offset of the first byte */
	uint32_t end;   /* byte offset one past the last byte */
};

/* A span in no file (usage and I/O diagnostics); a macro, as enums stop at INT_MAX. */
#define SRC_NO_FILE UINT32_MAX

struct src_file {
	const char *path;        /* as given on the command line or resolved for a `use` */
	const char *text;        /* NUL-terminated copy; may contain other NUL bytes */
	uint32_t len;
	uint32_t *line_starts;   /* byte offset of each line's first byte */
	uint32_t line_count;
	struct src_span import;  /* the `use` that first imported it, or file == SRC_NO_FILE */
	bool is_stdlib;          /* found through the installed standard library */
};

struct src_manager {
	struct arena *arena;
	struct ptrvec files; /* struct src_file * */
};

/* The largest file bfplan reads: plans are small, and spans are 32-bit. */
enum { SRC_MAX_FILE_SIZE = 8 * 1024 * 1024 };

struct src_pos {
	uint32_t line;   /* 1-based */
	uint32_t column; /* 1-based, in bytes (what Vim and clang expect) */
};

void src_init(struct src_manager *sm, struct arena *arena);

/* Registers text that is already in memory (copied into the arena); returns the file id. */
uint32_t src_add(struct src_manager *sm, const char *path, const char *text, size_t len);

/*
 * The same without the copy, for text read into memory that lives as long
 * as the manager (the loader's): it must end with a NUL at `len`.  Plan
 * files are the largest thing a check holds; one copy is enough.
 */
uint32_t src_adopt(struct src_manager *sm, const char *path, const char *text, size_t len);

const struct src_file *src_file(const struct src_manager *sm, uint32_t id);

/*
 * The length of the UTF-8 byte-order mark the file starts with (Notepad
 * and PowerShell 5 write one): 3, or 0 without one.
 */
uint32_t src_bom_len(const struct src_file *f);
struct src_pos src_position(const struct src_manager *sm, uint32_t file, uint32_t offset);

/* The line holding `offset`, without its line terminator. */
const char *src_line(const struct src_manager *sm, uint32_t file, uint32_t offset, size_t *len);

/*
 * The span from the first to the last byte of both (the other one when one
 * is in no file, the first when they are in different files).  Inline: the
 * parser joins the spans of every rule it reduces.
 */
static inline struct src_span src_span_join(struct src_span a, struct src_span b)
{
	if (a.file == SRC_NO_FILE)
		return b;
	if (b.file != a.file)
		return a;
	struct src_span s = a;
	if (b.begin < s.begin)
		s.begin = b.begin;
	if (b.end > s.end)
		s.end = b.end;
	return s;
}

#endif
