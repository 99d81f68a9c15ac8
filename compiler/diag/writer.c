/*
 * writer.c - choosing a diagnostics form (see writer.h).
 */
#include "diag/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/github.h"
#include "diag/json.h"
#include "diag/sarif.h"

bool diag_format_parse(const char *name, enum diag_format *format)
{
	static const struct {
		const char *name;
		enum diag_format format;
	} names[] = {
		{"text", DIAG_FORMAT_TEXT},
		{"json", DIAG_FORMAT_JSON},
		{"sarif", DIAG_FORMAT_SARIF},
		{"github", DIAG_FORMAT_GITHUB},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*format = names[i].format;
			return true;
		}
	}
	return false;
}

void diag_writer_init(struct diag_writer *w, enum diag_format format, enum diag_color color,
		      FILE *out, FILE *err)
{
	memset(w, 0, sizeof *w);
	w->format = format;
	w->color = color;
	w->out = format == DIAG_FORMAT_TEXT ? err : out;
	if (format == DIAG_FORMAT_JSON)
		w->json = diag_json_new();
	else if (format == DIAG_FORMAT_SARIF)
		w->sarif = diag_sarif_new();
	if ((format == DIAG_FORMAT_JSON && !w->json) || (format == DIAG_FORMAT_SARIF && !w->sarif))
		w->failed = true;
}

/*
 * The text and github forms are rendered into memory and written at once:
 * standard error is unbuffered, and a diagnostic rendered straight to it
 * cost a write for each piece of it (about a hundred).
 */
static void render_buffered(struct diag_writer *w, struct diag_sink *sink)
{
	char *text = NULL;
	size_t len = 0;
	FILE *memory = open_memstream(&text, &len);
	FILE *to = memory ? memory : w->out;
	if (w->format == DIAG_FORMAT_TEXT)
		diag_render_text(sink, to, w->color);
	else
		diag_github_render(sink, to);
	if (!memory)
		return;
	if (fclose(memory) != 0 || fwrite(text, 1, len, w->out) != len)
		w->failed = true;
	free(text);
}

void diag_writer_add(struct diag_writer *w, struct diag_sink *sink)
{
	switch (w->format) {
	case DIAG_FORMAT_TEXT:
	case DIAG_FORMAT_GITHUB:
		render_buffered(w, sink);
		break;
	case DIAG_FORMAT_JSON:
		if (w->json && !diag_json_add(w->json, sink))
			w->failed = true;
		break;
	case DIAG_FORMAT_SARIF:
		if (w->sarif && !diag_sarif_add(w->sarif, sink))
			w->failed = true;
		break;
	}
}

bool diag_writer_finish(struct diag_writer *w)
{
	if (w->json && !diag_json_write(w->json, w->out))
		w->failed = true;
	if (w->sarif && !diag_sarif_write(w->sarif, w->out))
		w->failed = true;
	w->json = NULL;
	w->sarif = NULL;
	if (fflush(w->out) != 0 || ferror(w->out))
		w->failed = true;
	return !w->failed;
}
