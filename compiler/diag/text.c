/*
 * text.c - the GCC-style text form of diagnostics (see text.h).
 */
#define _XOPEN_SOURCE 700 /* wcwidth(), newlocale() */

#include "diag/text.h"

#include <locale.h>
#include <string.h>
#include <wchar.h>

#include "base/escape.h"
#include "base/utf8.h"
#include "diag/form.h"

struct style {
	const char *bold, *error, *warning, *note, *caret, *reset;
};

static const struct style plain_style = {"", "", "", "", "", ""};
static const struct style color_style = {
	"\033[1m", "\033[1;31m", "\033[1;35m", "\033[1;36m", "\033[1;32m", "\033[0m",
};

static const char *severity_color(const struct style *st, enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR: return st->error;
	case DIAG_WARNING: return st->warning;
	case DIAG_NOTE: return st->note;
	}
	return st->error;
}

/*
 * Quoted source lines are printed through this one walker so that the line
 * and its underline stay aligned: a printable character takes the columns
 * a terminal gives it (two for a wide CJK character or an emoji, none for
 * a combining accent: wcwidth() in the C.UTF-8 locale, whatever the
 * user's, so the output is the same everywhere), a tab is echoed as a tab,
 * and what a terminal should not see (controls, bidi controls, invisible
 * characters, bytes that are not UTF-8) is shown as its escape, \u{1B},
 * and takes that many columns.
 */
struct line_cell {
	size_t offset, len;             /* byte range within the line */
	char escape[ESC_TERMINAL_MAX];  /* what is shown instead; "" to show the bytes */
	size_t width;                   /* columns it takes */
};

static size_t next_cell(const char *line, size_t len, size_t at, struct line_cell *cell)
{
	cell->offset = at;
	cell->len = esc_terminal_char(line + at, len - at, cell->escape);
	if (cell->escape[0]) {
		cell->width = strlen(cell->escape);
	} else {
		uint32_t cp = (unsigned char)line[at];
		if (cp >= 0x80)
			utf8_decode((const unsigned char *)line + at, len - at, &cp);
		int w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
		cell->width = w < 0 ? 1 : (size_t)w; /* -1 without the locale: one column, as before */
	}
	return at + cell->len;
}

static void put_cell(FILE *out, const char *line, const struct line_cell *c)
{
	if (c->escape[0])
		fputs(c->escape, out);
	else
		fwrite(line + c->offset, 1, c->len, out);
}

static void put_repeated(FILE *out, char ch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputc(ch, out);
}

/* Long lines (minified or binary input) are shown as a window around the span. */
enum { QUOTE_MAX_COLUMNS = 120, QUOTE_CONTEXT_BEFORE = 40 };

static void render_quote(FILE *out, const struct style *st, const struct src_manager *sm,
			 struct src_span span)
{
	const struct src_file *f = src_file(sm, span.file);
	if (!f)
		return;
	size_t len;
	const char *line = src_line(sm, span.file, span.begin, &len);
	size_t line_start = (size_t)(line - f->text);
	size_t from = span.begin - line_start;
	size_t to = span.end > span.begin ? span.end - line_start : from + 1;
	if (to > len + 1)
		to = len + 1; /* a span that runs past the line end underlines to the end */

	size_t win_begin = 0, win_end = len;
	if (len > QUOTE_MAX_COLUMNS) {
		win_begin = from > QUOTE_CONTEXT_BEFORE ? from - QUOTE_CONTEXT_BEFORE : 0;
		win_end = win_begin + QUOTE_MAX_COLUMNS < len ? win_begin + QUOTE_MAX_COLUMNS : len;
		/* do not start or end a window inside a UTF-8 sequence */
		while (win_begin > 0 && ((unsigned char)line[win_begin] & 0xC0) == 0x80)
			win_begin--;
		for (int i = 0; i < 3 && win_end < len && win_end > from + 1 &&
				((unsigned char)line[win_end] & 0xC0) == 0x80; i++)
			win_end--;
	}
	struct src_pos pos = src_position(sm, span.file, span.begin);
	int gutter = fprintf(out, " %5u | ", pos.line) - 2;
	if (win_begin > 0)
		fputs("...", out);
	struct line_cell c;
	for (size_t at = win_begin; at < win_end;) {
		at = next_cell(line, win_end, at, &c);
		put_cell(out, line, &c);
	}
	if (win_end < len)
		fputs("...", out);
	fputc('\n', out);

	fprintf(out, "%*s| ", gutter, "");
	if (win_begin > 0)
		fputs("   ", out);
	for (size_t at = win_begin; at < from && at < win_end;) {
		at = next_cell(line, win_end, at, &c);
		if (line[c.offset] == '\t')
			fputc('\t', out);
		else
			put_repeated(out, ' ', c.width);
	}
	fputs(st->caret, out);
	fputc('^', out);
	size_t at = from;
	if (from < win_end) {
		at = next_cell(line, win_end, from, &c);
		put_repeated(out, '~', c.width > 1 ? c.width - 1 : 0);
	} else {
		at = from + 1;
	}
	while (at < to && at < win_end) {
		at = next_cell(line, win_end, at, &c);
		put_repeated(out, '~', c.width);
	}
	fputs(st->reset, out);
	fputc('\n', out);
}

static void render_location(FILE *out, const struct style *st, const struct src_manager *sm,
			    struct src_span span)
{
	const struct src_file *f = src_file(sm, span.file);
	if (!f) {
		fprintf(out, "%sbfplan:%s ", st->bold, st->reset);
		return;
	}
	struct src_pos pos = src_position(sm, span.file, span.begin);
	/* a path may come from a `use` line of the plan: it is plan text too */
	fprintf(out, "%s%s:%u:%u:%s ", st->bold, esc_terminal(sm->arena, f->path), pos.line, pos.column,
		st->reset);
}

static void render_note(FILE *out, const struct style *st, const struct src_manager *sm,
			struct src_span span, const char *message)
{
	render_location(out, st, sm, span);
	fprintf(out, "%snote:%s %s\n", st->note, st->reset, message);
	render_quote(out, st, sm, span);
}

struct text_form {
	FILE *out;
	const struct style *st;
};

static bool render_one(void *ctx, struct diag_sink *sink, const struct diag *d)
{
	const struct text_form *form = ctx;
	if (!diag_printed(sink, d))
		return true;
	FILE *out = form->out;
	const struct style *st = form->st;
	const struct src_manager *sm = sink->sm;
	render_location(out, st, sm, d->span);
	fprintf(out, "%s%s:%s %s%s [%s]%s\n", severity_color(st, d->severity),
		diag_severity_word(d->severity), st->reset, st->bold, d->message,
		diag_code_string(d->code), st->reset);
	render_quote(out, st, sm, d->span);
	struct ptrvec notes = {0};
	diag_related(sink, d, &notes);
	for (size_t i = 0; i < notes.len; i++) {
		const struct diag_note *n = notes.items[i];
		if (n->span.file == SRC_NO_FILE)
			fprintf(out, "%snote:%s %s\n", st->note, st->reset, n->message);
		else
			render_note(out, st, sm, n->span, n->message);
	}
	if (d->help)
		fprintf(out, "%shelp:%s %s\n", st->bold, st->reset, d->help);
	return true;
}

void diag_render_text(struct diag_sink *sink, FILE *out, enum diag_color color)
{
	struct text_form form = {out, color == DIAG_COLOR_ALWAYS ? &color_style : &plain_style};
	/* the widths of characters are C.UTF-8's for this thread, while it renders (see next_cell) */
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t before = utf8 ? uselocale(utf8) : (locale_t)0;
	diag_each(sink, render_one, &form);
	if (utf8) {
		uselocale(before);
		freelocale(utf8);
	}
	if (sink->dropped)
		fprintf(out, "bfplan: %u more diagnostic%s not shown (the first %d are above)\n",
			sink->dropped, sink->dropped == 1 ? "" : "s", DIAG_MAX_SHOWN);
}
