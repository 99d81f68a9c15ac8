/*
 * explain.c - `bfplan explain CODE` and `bfplan explain --list`: the
 * documentation of a diagnostic code (diag/explain.h), from the binary.
 */
#include <string.h>

#include "cmd/cmd.h"
#include "diag/diag.h"
#include "diag/explain.h"

static void list_codes(FILE *out)
{
	for (int c = 0; c < DIAG_CODE_COUNT; c++)
		fprintf(out, "%s  %-24s %s\n", diag_code_string((enum diag_code)c), diag_code_name((enum diag_code)c),
			diag_code_summary((enum diag_code)c));
}

int cmd_explain(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	if (o->list && o->inputs.len) {
		cmd_usage_error(run->err, CMD_explain, "%s", "explain takes one diagnostic code, such as BFP101, or --list");
		return EXIT_USAGE;
	}
	if (o->list) {
		list_codes(run->out);
		return EXIT_CLEAN;
	}
	const char *what = o->inputs.items[0];
	enum diag_code code;
	const char *text;
	if (!diag_code_lookup(what, &code) || !(text = explain_text(diag_code_string(code)))) {
		const char *near = diag_code_meant(what);
		if (near)
			fprintf(run->err, "bfplan: no diagnostic is called '%s'; did you mean '%s'?\n"
					  "Try 'bfplan explain --list' for the list.\n", what, near);
		else
			fprintf(run->err, "bfplan: no diagnostic is called '%s'\n"
					  "Try 'bfplan explain --list' for the list.\n", what);
		return EXIT_USAGE;
	}
	fputs(text, run->out);
	return EXIT_CLEAN;
}
