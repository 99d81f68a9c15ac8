/*
 * fmt_run.h - `bfplan fmt` on one file: read, format, then print, compare,
 * show the difference or write back, as the command line asks.
 *
 * Everything that goes wrong is a diagnostic in the run's chosen form:
 * the file's own syntax errors, BFP501 for a file that --check finds
 * unformatted (at its first line that would change), BFP502 when -w cannot
 * write, BFP503 when the formatter's safety check fails.  A file is only
 * ever replaced whole, through a temporary file and rename(2), keeping its
 * permissions; one with errors is never touched.
 */
#ifndef BFPLAN_FMT_RUN_H
#define BFPLAN_FMT_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "diag/writer.h"

struct fmt_request {
	bool write;              /* -w: replace the file */
	bool check;              /* --check: an unformatted file is an error */
	bool diff;               /* --diff: print a unified diff */
	const char *stdin_name;  /* the name '-' goes by */
};

/* The formatted text goes to `out` when neither -w, --check nor --diff is given. */
int fmt_run_file(const char *path, const struct fmt_request *req, struct diag_writer *w, FILE *out);

#endif
