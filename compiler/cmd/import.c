/*
 * import.c - `bfplan import FILE.bes...`: plan-language declarations for
 * BigFix content (import/import.h).
 */
#include <setjmp.h>

#include "cmd/compile.h"

/* bfplan import [--site NAME] [--id N[,N...]] [-o FILE] FILE.bes...: declarations for BigFix content. */
int cmd_import(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	FILE *out = run->out, *err = run->err;
	struct diag_writer w; /* standard output may carry the declarations: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o->color, out, err);
	struct compilation c;
	compilation_init(&c, o);
	if (setjmp(c.out_of_memory))
		return finish_writer(&w, err, compilation_out_of_memory(&c, o->inputs.items[0], o, &w, err));
	struct textbuf text;
	textbuf_init(&text, &c.arena);
	enum import_status st = import_files(&c.arena, &c.sm, &c.diags, &o->import,
					     (const char *const *)o->inputs.items, o->inputs.len, &text);
	int rc = st == IMPORT_IO_ERROR ? EXIT_USAGE : EXIT_CLEAN;
	if (rc == EXIT_CLEAN && !diag_has_errors(&c.diags))
		rc = write_whole(&c.arena, &c.diags, o->output, &text, out);
	return finish_writer(&w, err, compilation_finish(&c, &w, rc));
}

