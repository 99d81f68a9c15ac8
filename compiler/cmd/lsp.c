/*
 * lsp.c - `bfplan lsp [-I DIR]... [--allow CODE] [--deny CODE]`: the
 * language server on standard input and output (lsp/lsp.h).  The one file
 * outside compiler/lsp/ that includes the server's header.  bfplan.ini is
 * the one found from the directory the editor starts it in (the options
 * parser reads it, as for check without operands): its include
 * directories, allowed and denied codes hold for every document.
 */
#include <signal.h>
#include <unistd.h>

#include "base/version.h"
#include "cmd/cmd.h"
#include "lsp/lsp.h"

int cmd_lsp(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	struct lsp_config config = {
		.include_dirs = (const char *const *)o->include_dirs.items,
		.include_count = o->include_dirs.len,
		.search_path = run->env->search_path,
		.stdlib_dir = run->env->stdlib_dir,
		.stdlib_sought = run->env->stdlib_sought,
		.allows = (const struct diag_allow *const *)o->allows.items,
		.allow_count = o->allows.len,
		.denied = o->denied,
		.version = BFPLAN_VERSION,
		.debounce_ms = LSP_DEBOUNCE_MS,
	};
	/* an editor that goes away closes the pipe: the next write fails and the server ends, not killed */
	signal(SIGPIPE, SIG_IGN);
	return lsp_serve(STDIN_FILENO, run->out, run->err, &config);
}
