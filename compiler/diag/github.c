/*
 * github.c - diagnostics as GitHub Actions workflow commands (see
 * diag_github.h).
 */
#include "diag/github.h"

#include "base/escape.h"
#include "base/textbuf.h"
#include "diag/form.h"

/* GitHub's escaping: '%' first, then the line ends; properties also escape ':' and ','. */
static void put_escaped(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': fputs("%25", out); break;
		case '\r': fputs("%0D", out); break;
		case '\n': fputs("%0A", out); break;
		case ':': fputs(property ? "%3A" : ":", out); break;
		case ',': fputs(property ? "%2C" : ",", out); break;
		default: fputc(*s, out); break;
		}
	}
}

static const char *command_of(enum diag_severity severity)
{
	switch (severity) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	case DIAG_NOTE: return "notice";
	}
	return "error";
}

static void put_properties(FILE *out, struct arena *a, const struct diag_place *p, const char *title)
{
	if (p) {
		fputs("file=", out);
		put_escaped(out, esc_terminal(a, p->path), true);
		fprintf(out, ",line=%u", p->line);
		if (p->last_line == p->line)
			fprintf(out, ",col=%u", p->char_column);
		fprintf(out, ",endLine=%u", p->last_line);
		if (p->last_line == p->line)
			fprintf(out, ",endColumn=%u", p->last_char_column);
		fputc(',', out);
	}
	fputs("title=", out);
	put_escaped(out, title, true);
}

/* The message, then "note: FILE:LINE:COL: text" lines (columns as in col=) and the help line. */
static const char *full_message(struct diag_sink *sink, const struct diag *d)
{
	struct arena *a = sink->arena;
	struct textbuf b;
	textbuf_init(&b, a);
	textbuf_puts(&b, d->message);
	struct ptrvec notes = {0};
	diag_related(sink, d, &notes);
	for (size_t i = 0; i < notes.len; i++) {
		const struct diag_note *n = notes.items[i];
		struct diag_place p;
		textbuf_puts(&b, "\nnote: ");
		if (diag_place_of(sink->sm, n->span, &p))
			textbuf_printf(&b, "%s:%u:%u: ", esc_terminal(a, p.path), p.line, p.char_column);
		textbuf_puts(&b, n->message);
	}
	if (d->help)
		textbuf_printf(&b, "\nhelp: %s", d->help);
	return b.data;
}

static bool render_one(void *ctx, struct diag_sink *sink, const struct diag *d)
{
	FILE *out = ctx;
	if (!diag_printed(sink, d))
		return true;
	struct diag_place place;
	bool placed = diag_place_of(sink->sm, d->span, &place);
	fprintf(out, "::%s ", command_of(d->severity));
	put_properties(out, sink->arena, placed ? &place : NULL, diag_code_string(d->code));
	fputs("::", out);
	put_escaped(out, full_message(sink, d), false);
	fputc('\n', out);
	return true;
}

void diag_github_render(struct diag_sink *sink, FILE *out)
{
	diag_each(sink, render_one, out);
	if (sink->dropped)
		fprintf(out, "::warning title=bfplan::%u more diagnostic%s not shown (the first %d are above)\n",
			sink->dropped, sink->dropped == 1 ? "" : "s", DIAG_MAX_SHOWN);
}
