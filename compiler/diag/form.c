/*
 * form.c - what the diagnostics forms share (see form.h).
 */
#include "diag/form.h"

#include "base/utf8.h"

bool diag_each(struct diag_sink *sink, diag_visit_fn *fn, void *ctx)
{
	diag_sort(sink);
	const struct diag *prev = NULL;
	bool ok = true;
	for (size_t i = 0; i < sink->diags.len; i++) {
		const struct diag *d = sink->diags.items[i];
		if (diag_repeats(prev, d))
			continue;
		prev = d;
		if (!fn(ctx, sink, d))
			ok = false;
	}
	return ok;
}

bool diag_printed(const struct diag_sink *sink, const struct diag *d)
{
	return !d->suppressed && (!sink->quiet || d->severity == DIAG_ERROR);
}

/* ---- places -------------------------------------------------------------------- */

/* Code points from `from` to `to` in a file's text; a byte that is not UTF-8 counts as one. */
static uint32_t count_chars(const struct src_file *f, uint32_t from, uint32_t to)
{
	uint32_t n = 0;
	for (uint32_t at = from; at < to; n++) {
		size_t len = utf8_scalar_len((const unsigned char *)f->text + at, to - at);
		at += len ? (uint32_t)len : 1;
	}
	return n;
}

/* The code-point column of `offset`, whose byte column is `column`. */
static uint32_t char_column(const struct src_file *f, uint32_t offset, uint32_t column)
{
	return count_chars(f, offset - (column - 1), offset) + 1;
}

bool diag_place_of(const struct src_manager *sm, struct src_span span, struct diag_place *place)
{
	const struct src_file *f = src_file(sm, span.file);
	if (!f)
		return false;
	uint32_t begin = span.begin <= f->len ? span.begin : f->len;
	uint32_t end = span.end >= begin && span.end <= f->len ? span.end : begin;
	struct src_pos b = src_position(sm, span.file, begin);
	struct src_pos e = src_position(sm, span.file, end);
	place->path = f->path;
	place->line = b.line;
	place->column = b.column;
	place->end_line = e.line;
	place->end_column = e.column;
	place->char_column = char_column(f, begin, b.column);
	place->char_end_column = char_column(f, end, e.column);
	place->last_line = b.line;
	place->last_char_column = place->char_column;
	if (end > begin) {
		/* the start of the last character, which is not always end - 1 */
		uint32_t last = end - 1;
		while (last > begin && ((unsigned char)f->text[last] & 0xC0) == 0x80)
			last--;
		struct src_pos l = src_position(sm, span.file, last);
		place->last_line = l.line;
		place->last_char_column = char_column(f, last, l.column);
	}
	return true;
}
