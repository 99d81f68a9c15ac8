/*
 * validate.h - checking emitted BES content against BES.xsd with libxml2.
 *
 * The schema is compiled once per build and every .bes is validated in
 * memory before anything is written.  Errors come back through per-context
 * handlers (never libxml2's global ones, never printed) and become
 * diagnostics: BFP404 for each schema violation, with the line of the
 * emitted file, and BFP405 when the schema itself cannot be read.  Nothing
 * is fetched from the network.
 */
#ifndef BFPLAN_VALIDATE_H
#define BFPLAN_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag/diag.h"

struct validator;

/* The largest schema bfplan reads (BES.xsd is about 44 kB). */
enum { VALIDATE_MAX_SCHEMA_SIZE = 16 * 1024 * 1024 };

/* At most this many schema errors are reported per file; the rest are counted in a note. */
enum { VALIDATE_MAX_ERRORS = 20 };

/*
 * Reads and compiles the schema at `xsd_path`.  Returns NULL after
 * reporting BFP405 if it cannot be read or is not a usable schema.  The
 * result holds libxml2 memory: release it with validator_close().
 */
struct validator *validator_open(struct arena *arena, const char *xsd_path, struct diag_sink *diags);

/*
 * Validates one emitted document named `name` (for messages).  Each
 * problem is a BFP404 at `where` (the plan it was compiled from).  Returns
 * true if the document is valid.
 */
bool validator_check(struct validator *v, const char *name, const char *data, size_t len,
		     struct src_span where, struct diag_sink *diags);

void validator_close(struct validator *v);

#endif
