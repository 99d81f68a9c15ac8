/*
 * diff.c - `bfplan diff OLD NEW`: what changes for the operator between
 * two versions of a plan (emit/diff.h).
 */
#include <setjmp.h>

#include "cmd/compile.h"
#include "emit/diff.h"

/* What changes from the first compilation to the second, as text or JSON; 0 or 1 as diff(1), 2 if unwritable. */
static int show_changes(struct compilation *old_c, struct compilation *new_c, const struct cmd_options *o, FILE *out)
{
	struct ptrvec changes = {0};
	plandiff(&new_c->arena, &old_c->lowered, &new_c->lowered, &changes);
	struct textbuf text;
	textbuf_init(&text, &new_c->arena);
	bool rendered = true;
	if (o->diff_json)
		rendered = plandiff_render_json(&new_c->arena, &changes, &text);
	else
		plandiff_render_text(&new_c->arena, &changes, &text);
	if (!rendered || write_whole(&new_c->arena, &new_c->diags, NULL, &text, out) != EXIT_CLEAN)
		return EXIT_USAGE;
	return changes.len ? EXIT_PLAN_ERRORS : EXIT_CLEAN;
}

/*
 * bfplan diff OLD NEW: what changes for the operator.  Exits as diff(1)
 * does: 0 when nothing changes, 1 when something does, 2 when either
 * version cannot be compiled (trouble, not a difference).
 */
int cmd_diff(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	FILE *out = run->out, *err = run->err;
	struct diag_writer w; /* standard output carries the changes: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o->color, out, err);
	struct compilation old_c, new_c;
	compilation_init(&old_c, o);
	if (setjmp(old_c.out_of_memory))
		return finish_writer(&w, err, compilation_out_of_memory(&old_c, o->inputs.items[0], o, &w, err));
	compile(&old_c, o->inputs.items[0], o, run->env, true);
	compilation_init(&new_c, o);
	if (setjmp(new_c.out_of_memory)) {
		arena_free(&old_c.arena);
		return finish_writer(&w, err, compilation_out_of_memory(&new_c, o->inputs.items[1], o, &w, err));
	}
	compile(&new_c, o->inputs.items[1], o, run->env, true);
	int rc = EXIT_USAGE;
	if (compiled_ok(&old_c) == EXIT_CLEAN && compiled_ok(&new_c) == EXIT_CLEAN)
		rc = show_changes(&old_c, &new_c, o, out);
	int old_rc = compilation_finish(&old_c, &w, EXIT_CLEAN), new_rc = compilation_finish(&new_c, &w, EXIT_CLEAN);
	rc = finish_writer(&w, err, rc);
	return old_rc != EXIT_CLEAN || new_rc != EXIT_CLEAN ? EXIT_USAGE : rc;
}

