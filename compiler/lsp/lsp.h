/*
 * lsp.h - `bfplan lsp`: a language server for plan files, over stdio.
 *
 * It speaks the Language Server Protocol 3.17 on standard input and
 * output: diagnostics as `bfplan check` finds them (the files a plan
 * `use`s resolved as check resolves them, a change to one re-checking the
 * plans that use it), hover, go to definition, references, document
 * symbols, completion, formatting through `bfplan fmt`, and code actions
 * from the diagnostics' fixes.  docs/lsp.md says how editors start it.
 *
 * The server is the only user of this folder's headers: the command line
 * calls lsp_serve() and nothing else.
 */
#ifndef BFPLAN_LSP_H
#define BFPLAN_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag/diag.h"

struct lsp_config {
	const char *const *include_dirs; /* -I, as for check */
	size_t include_count;
	const char *search_path;         /* BFPLAN_PATH */
	const char *stdlib_dir;          /* the standard library */
	const char *stdlib_sought;       /* without one, where it was looked for (for BFP201) */
	const struct diag_allow *const *allows; /* --allow and bfplan.ini's [allow], for every document */
	size_t allow_count;
	const bool *denied;              /* per code: --deny and [deny]; or NULL */
	const char *version;             /* told to the client */
	unsigned debounce_ms;            /* quiet time after a change before it is checked */
};

/*
 * The largest document the server holds (the largest message it reads):
 * a plan edited past it is dropped, not followed.  bfplan itself reads at
 * most SRC_MAX_FILE_SIZE of it.
 */
enum { LSP_MAX_DOCUMENT = 64 * 1024 * 1024 };

/* Quiet time after a change before its check: a burst of keystrokes is checked once. */
enum { LSP_DEBOUNCE_MS = 5 };

/*
 * Serves one client on `in` (a file descriptor: messages are read as they
 * arrive) and `out` until it says exit or closes its end.  Returns the
 * exit status the protocol asks for: 0 after shutdown, 1 otherwise.
 * `log` gets one line per message the server could not read.
 */
int lsp_serve(int in, FILE *out, FILE *log, const struct lsp_config *config);

#endif
