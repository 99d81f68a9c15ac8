/*
 * graph.c - `bfplan graph PLAN`: the execution model as a Graphviz DOT
 * graph (emit/dot.h).
 */
#include <setjmp.h>

#include "cmd/compile.h"
#include "emit/dot.h"

/* The DOT graph of a compiled plan, to `out` or to the file -o names (written whole or not at all). */
static int write_graph(struct compilation *c, const struct cmd_options *o, FILE *out)
{
	struct textbuf dot;
	textbuf_init(&dot, &c->arena);
	emit_dot(&c->arena, &c->lowered, &dot);
	return write_whole(&c->arena, &c->diags, o->output, &dot, out);
}

/* bfplan graph PLAN [-o FILE] [--plan NAME]: the execution model as DOT. */
int cmd_graph(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	FILE *out = run->out, *err = run->err;
	struct diag_writer w; /* standard output may carry the graph: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o->color, out, err);
	struct compilation c;
	const char *path = o->inputs.items[0];
	compilation_init(&c, o);
	if (setjmp(c.out_of_memory))
		return finish_writer(&w, err, compilation_out_of_memory(&c, path, o, &w, err));
	compile(&c, path, o, run->env, true);
	int rc = compiled_ok(&c);
	if (rc == EXIT_CLEAN)
		rc = write_graph(&c, o, out);
	return finish_writer(&w, err, compilation_finish(&c, &w, rc));
}

