/*
 * json.h - diagnostics as one JSON document for the run.
 *
 * The document is versioned ("version": 1) and described in
 * docs/diagnostics.md ("Machine-readable diagnostics"): one object per
 * diagnostic with its code, name, severity, message, location, notes and
 * help, in the order the text form shows them, and the run's counts.
 * Positions are given both in bytes (as the text form prints them) and in
 * Unicode code points.  Written with jansson.
 */
#ifndef BFPLAN_DIAG_JSON_H
#define BFPLAN_DIAG_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "diag/diag.h"

/* The document's version: raised when a field changes meaning or goes away. */
enum { DIAG_JSON_VERSION = 1 };

struct diag_json;

/* NULL when out of memory. */
struct diag_json *diag_json_new(void);

/* Adds one compilation's diagnostics; false when out of memory. */
bool diag_json_add(struct diag_json *j, struct diag_sink *sink);

/* Writes the document and frees it; false if writing failed. */
bool diag_json_write(struct diag_json *j, FILE *out);

#endif
