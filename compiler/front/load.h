/*
 * load.h - reading plan files and following their `use` lines.
 *
 * The loader is the first stage: it reads the root file, parses it, and
 * loads every file it imports, depth first, each once.  Its result is the
 * list of parsed files in dependency order (a file after everything it
 * imports), which is what the resolver walks.
 */
#ifndef BFPLAN_LOAD_H
#define BFPLAN_LOAD_H

#include <stdbool.h>
#include <sys/stat.h>

#include "base/source.h"
#include "diag/diag.h"
#include "front/ast.h"

struct load_options {
	const char *const *include_dirs; /* -I, in command-line order */
	size_t include_count;
	const char *search_path;         /* BFPLAN_PATH: directories separated by ':' */
	const char *stdlib_dir;          /* the installed standard library, or NULL */
	const char *stdlib_sought;       /* without one, where it was looked for (for BFP201), or NULL */
	const char *stdin_name;          /* the name standard input ('-') goes by in diagnostics */
	bool allow_outside;              /* --allow-outside: the named file may be a link out of its directory */
	/*
	 * The text to read instead of a file's, such as an editor's unsaved
	 * buffer (the language server): asked with the root's path as given
	 * and, for a `use`, with the file's path once links are resolved (the
	 * file must still exist and pass every check).  NULL reads the file.
	 * The loader copies the text.
	 */
	const char *(*overlay)(void *ctx, const char *path, size_t *len);
	void *overlay_ctx;
	/*
	 * Where the syntax trees' nodes go, when not in the program's arena
	 * (NULL): their texts stay there, so that a caller done with the
	 * nodes once they are resolved can free this one (compile()).
	 */
	struct arena *tree;
};

struct program {
	struct ptrvec files; /* struct ast_file *, imports before their importers */
	uint32_t root;       /* file id of the root file */
};

/* Imports nest at most this deep: deeper chains are almost surely a mistake. */
enum { LOAD_MAX_IMPORT_DEPTH = 16 };

enum load_status {
	LOAD_OK,       /* loaded; the sink says whether the plan has errors */
	LOAD_IO_ERROR, /* the root file itself could not be read: a usage or I/O problem */
};

/* What a plan file is called in messages: its path, or for "-" (standard input) `stdin_name` or "<stdin>". */
const char *load_display_name(const char *path, const char *stdin_name);

enum load_status load_program(struct arena *arena, struct src_manager *sm, struct diag_sink *diags,
			      const struct load_options *opts, const char *path, struct program *out);

/* Why a file named on the command line was not read, when it was there to read. */
enum load_refusal {
	LOAD_REFUSED_NONE,    /* read, or it could not be: load_read.error says why */
	LOAD_REFUSED_OUTSIDE, /* a symbolic link out of the directory it is named in */
	LOAD_REFUSED_SPECIAL, /* a pipe, a socket or a device */
	LOAD_REFUSED_KERNEL,  /* a file of /proc or /sys */
};

/*
 * Reading a file named on the command line.  Such a file is read by the
 * rules of `use` (docs/security.md): a regular file, outside /proc and
 * /sys, and, unless allow_outside, not a link out of the directory it is
 * named in (for a relative path, that directory must also lie under the
 * working directory, or the one the path's leading "../" climb to).
 */
struct load_read {
	bool allow_outside;        /* in: --allow-outside */
	size_t max_size;           /* in: read one byte past this at most */
	size_t len;                /* out: the bytes read */
	bool too_large;            /* out: the file is larger than max_size */
	enum load_refusal refused; /* out, when nothing was read */
	int error;                 /* out, when nothing was read and nothing refused: errno */
	struct stat st;            /* out: the file read */
};

/* Reads a whole named file (or standard input for "-") into the arena; NULL if it was not read. */
char *load_read_file(struct arena *arena, const char *path, struct load_read *r);

/*
 * The one diagnostic of a named file that was not read: refused (BFP011,
 * BFP012) or unreadable (BFP001); and of one that is too large (BFP002).
 */
void load_report_unreadable(struct diag_sink *diags, const char *name, const struct load_read *r);
void load_report_too_large(struct diag_sink *diags, uint32_t file);

#endif
