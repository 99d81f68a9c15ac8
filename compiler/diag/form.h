/*
 * form.h - what the diagnostics forms (text, json, sarif, github) share.
 *
 * Each form is a sibling that includes this header and diag.h, never the
 * writer that picks among them (writer.h), nor another form.
 */
#ifndef BFPLAN_DIAG_FORM_H
#define BFPLAN_DIAG_FORM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/source.h"
#include "diag/diag.h"

/*
 * Calls fn for each diagnostic of the sink, in the order the text form
 * shows them and each once (diag_sort, diag_repeats).  False if any call
 * returned false; the others are still made.
 */
typedef bool diag_visit_fn(void *ctx, struct diag_sink *sink, const struct diag *d);
bool diag_each(struct diag_sink *sink, diag_visit_fn *fn, void *ctx);

/*
 * Whether a form for people (text, github) prints `d`: not when an
 * allowance suppressed it (the machine forms list it, with the reason),
 * and only errors under --quiet.
 */
bool diag_printed(const struct diag_sink *sink, const struct diag *d);

/* Where a span is, in the units each form wants. */
struct diag_place {
	const char *path;         /* as the text form prints it (not yet made visible) */
	uint32_t line, column;    /* 1-based; the column in bytes, as the text form prints it */
	uint32_t end_line, end_column;          /* just past the span, in bytes */
	uint32_t char_column, char_end_column;  /* the same two columns in Unicode code points */
	uint32_t last_line, last_char_column;   /* the span's last character (its start if empty) */
};

/* False for a span in no file. */
bool diag_place_of(const struct src_manager *sm, struct src_span span, struct diag_place *place);

#endif
