/*
 * writer.h - the diagnostics of a run, in the form their reader wants.
 *
 * diag.c collects diagnostics; the writer hands them, once a
 * compilation is over, to one of four sibling forms (--format), which
 * share form.h and never include this header:
 *
 *   text    GCC's form on standard error, for people and editors (text.c);
 *   json    one versioned document for the run, for scripts (json.c);
 *   sarif   one SARIF 2.1.0 log for the run, for code scanning (sarif.c);
 *   github  one GitHub Actions workflow command per diagnostic, which
 *           annotates a pull request (github.c).
 *
 * The machine forms go to standard output, which then carries nothing
 * else.  A run may compile several files, each in its own arena: the
 * writer takes each compilation's sink in turn, before the arena is freed,
 * and the document forms are written whole at the end.
 *
 * Plan text reaches these outputs through messages and paths.  Whatever a
 * terminal or a CI log would act on (control characters, C1 controls,
 * Unicode bidirectional controls, bytes that are not UTF-8) is spelled out
 * by esc_terminal() (escape.h): in messages, notes and help once, when the
 * sink records them (diag.c), so every form gets the same text; in paths
 * by each form as it writes them.
 */
#ifndef BFPLAN_DIAG_WRITER_H
#define BFPLAN_DIAG_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag/diag.h"
#include "diag/text.h"

enum diag_format { DIAG_FORMAT_TEXT, DIAG_FORMAT_JSON, DIAG_FORMAT_SARIF, DIAG_FORMAT_GITHUB };

/* "text", "json", "sarif" or "github". */
bool diag_format_parse(const char *name, enum diag_format *format);

struct diag_json;
struct diag_sarif;

struct diag_writer {
	enum diag_format format;
	enum diag_color color; /* text only */
	FILE *out;             /* standard error for text, standard output for the others */
	struct diag_json *json;
	struct diag_sarif *sarif;
	bool failed;           /* a document could not be built or written */
};

void diag_writer_init(struct diag_writer *w, enum diag_format format, enum diag_color color,
		      FILE *out, FILE *err);

/* Renders (text, github) or records (json, sarif) one compilation's diagnostics. */
void diag_writer_add(struct diag_writer *w, struct diag_sink *sink);

/* Writes the document forms; false if anything could not be written. */
bool diag_writer_finish(struct diag_writer *w);

#endif
