/*
 * lsp.c - `bfplan lsp [-I DIR]...`: the language server on standard input
 * and output (compiler/lsp/lsp.h).  The only file outside compiler/lsp/
 * that includes it.  `--stdio`, which some clients add for a server they
 * start over standard input and output, says what is so anyway.
 */
#include "cmd/lsp.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/version.h"
#include "lsp/lsp.h"

enum { MAX_INCLUDE_DIRS = 256 };

int cmd_lsp(int argc, char **argv, FILE *out, FILE *err, const struct bfplan_env *env)
{
	const char *dirs[MAX_INCLUDE_DIRS];
	size_t ndirs = 0;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char *dir = NULL;
		if (strcmp(arg, "--stdio") == 0)
			continue;
		if (strcmp(arg, "-I") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strncmp(arg, "-I", 2) == 0 && arg[2])
			dir = arg + 2;
		if (!dir || ndirs == MAX_INCLUDE_DIRS) {
			fprintf(err, "bfplan: lsp takes only -I DIR (at most %d) and --stdio, not '%s'\n"
				     "Try 'bfplan --help' for more information.\n", MAX_INCLUDE_DIRS, arg);
			return EXIT_USAGE;
		}
		dirs[ndirs++] = dir;
	}
	struct lsp_config config = {
		.include_dirs = dirs,
		.include_count = ndirs,
		.search_path = env->search_path,
		.stdlib_dir = env->stdlib_dir,
		.version = BFPLAN_VERSION,
		.debounce_ms = LSP_DEBOUNCE_MS,
	};
	return lsp_serve(STDIN_FILENO, out, err, &config);
}
