/*
 * sarif.h - diagnostics as one SARIF 2.1.0 log for the run.
 *
 * One run of the tool "bfplan"; one rule per diagnostic code that occurs,
 * with the code's summary, its rule paragraph and its whole section of
 * docs/diagnostics.md (compiled in, see explain.h) as short description,
 * full description and help; one result per diagnostic with its ruleId,
 * level, message (with the help line) and physical location, and its notes
 * as related locations.  Locations are URIs relative to %SRCROOT% (the
 * directory bfplan ran in) for relative paths and file: URIs for absolute
 * ones, percent-encoded; columns count Unicode code points (columnKind
 * "unicodeCodePoints") and end just past the span, as SARIF defines.
 * The tests validate the output against the official 2.1.0 schema.
 */
#ifndef BFPLAN_DIAG_SARIF_H
#define BFPLAN_DIAG_SARIF_H

#include <stdbool.h>
#include <stdio.h>

#include "base/arena.h"
#include "diag/diag.h"

struct diag_sarif;

/* NULL when out of memory. */
struct diag_sarif *diag_sarif_new(void);

/* Adds one compilation's diagnostics; false when out of memory. */
bool diag_sarif_add(struct diag_sarif *s, struct diag_sink *sink);

/* Writes the log and frees it; false if writing failed. */
bool diag_sarif_write(struct diag_sarif *s, FILE *out);

/* A path as a URI reference: unreserved bytes and '/' kept, every other byte %XX; absolute as file:///. */
const char *diag_sarif_uri(struct arena *a, const char *path);

#endif
