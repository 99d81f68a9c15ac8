/*
 * load.c - reading files and resolving `use` (see load.h).
 *
 * A `use "x/y"` is looked up, in order: beside the importing file, in each
 * -I directory, in each BFPLAN_PATH directory, then in the installed
 * standard library; ".plan" is added when the path has no extension.
 * Files are identified by device and inode, not by a rewritten path, so a
 * file reached through two spellings is still read once and diagnostics
 * keep the path the user wrote.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend.h"

struct loaded {
	dev_t dev;
	ino_t ino;
	uint32_t file;
	bool loading;        /* on the current import chain: seeing it again is a cycle */
};

struct loader {
	struct arena *arena;
	struct src_manager *sm;
	struct diag_sink *diags;
	const struct load_options *opts;
	struct program *program;
	struct ptrvec loaded; /* struct loaded * */
	struct ptrvec chain;  /* struct loaded *, the current import chain, root first */
};

char *load_read_file(struct arena *arena, const char *path, size_t max_size, size_t *len,
		     bool *too_large)
{
	*too_large = false;
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (fd != STDIN_FILENO)
			close(fd);
		errno = EISDIR;
		return NULL;
	}
	/*
	 * Start from the size the file says it has (pipes say nothing) and
	 * grow when it turns out larger; read one byte past the limit to tell
	 * "exactly at the limit" from "over it".
	 */
	size_t cap = S_ISREG(st.st_mode) && (size_t)st.st_size < max_size ? (size_t)st.st_size + 1 : 64 * 1024;
	if (cap > max_size + 1)
		cap = max_size + 1;
	char *buf = arena_alloc(arena, cap + 1);
	size_t got = 0;
	for (;;) {
		if (got == cap) {
			if (cap > max_size) {
				*too_large = true;
				break;
			}
			size_t grown = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
			char *bigger = arena_alloc(arena, grown + 1);
			memcpy(bigger, buf, got);
			buf = bigger;
			cap = grown;
		}
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			if (fd != STDIN_FILENO)
				close(fd);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (got > max_size)
		*too_large = true;
	buf[got] = '\0';
	*len = got;
	return buf;
}

static bool has_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	return strchr(base, '.') != NULL;
}

static const char *join_path(struct arena *a, const char *dir, size_t dir_len, const char *rel)
{
	if (dir_len == 0)
		return arena_strdup(a, rel);
	return arena_printf(a, "%.*s%s%s", (int)dir_len, dir, dir[dir_len - 1] == '/' ? "" : "/", rel);
}

static bool is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first existing candidate for `use "rel"` from file `from`, or NULL; *is_stdlib says where it came from. */
static const char *find_import(struct loader *ld, uint32_t from, const char *rel, bool *is_stdlib)
{
	struct arena *a = ld->arena;
	const char *name = has_extension(rel) ? rel : arena_printf(a, "%s.plan", rel);
	*is_stdlib = false;
	if (name[0] == '/')
		return is_regular_file(name) ? name : NULL;

	const char *importer = src_file(ld->sm, from)->path;
	const char *slash = strrchr(importer, '/');
	const char *candidate = join_path(a, importer, slash ? (size_t)(slash - importer + 1) : 0, name);
	if (is_regular_file(candidate))
		return candidate;
	for (size_t i = 0; i < ld->opts->include_count; i++) {
		const char *dir = ld->opts->include_dirs[i];
		candidate = join_path(a, dir, strlen(dir), name);
		if (is_regular_file(candidate))
			return candidate;
	}
	for (const char *p = ld->opts->search_path; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n > 0) {
			candidate = join_path(a, p, n, name);
			if (is_regular_file(candidate))
				return candidate;
		}
		p = colon ? colon + 1 : p + n;
	}
	if (ld->opts->stdlib_dir) {
		const char *dir = ld->opts->stdlib_dir;
		candidate = join_path(a, dir, strlen(dir), name);
		if (is_regular_file(candidate)) {
			*is_stdlib = true;
			return candidate;
		}
	}
	return NULL;
}

static struct loaded *find_loaded(struct loader *ld, const struct stat *st)
{
	for (size_t i = 0; i < ld->loaded.len; i++) {
		struct loaded *l = ld->loaded.items[i];
		if (l->dev == st->st_dev && l->ino == st->st_ino)
			return l;
	}
	return NULL;
}

static void load_file(struct loader *ld, struct loaded *self);

static void report_cycle(struct loader *ld, struct loaded *target, struct src_span use_span)
{
	/* the chain from the file that is imported again to the current one */
	size_t start = 0;
	while (start < ld->chain.len && ld->chain.items[start] != target)
		start++;
	const char *names = "";
	for (size_t i = start; i < ld->chain.len; i++) {
		const struct loaded *l = ld->chain.items[i];
		names = arena_printf(ld->arena, "%s'%s' -> ", names, src_file(ld->sm, l->file)->path);
	}
	names = arena_printf(ld->arena, "%s'%s'", names, src_file(ld->sm, target->file)->path);
	/*
	 * No notes of our own: every file on the cycle is on the current import
	 * chain, which the renderer already shows as "imported here" notes.
	 */
	struct diag *d = diag_report(ld->diags, BFP202, use_span, "import cycle: %s", names);
	diag_help(ld->diags, d, "move what both files need into a third file that both `use`");
}

/* Handles one `use` of file `from`. */
static void follow_use(struct loader *ld, uint32_t from, const struct ast_use *use)
{
	bool is_stdlib;
	const char *path = find_import(ld, from, use->path, &is_stdlib);
	if (!path) {
		struct diag *d = diag_report(ld->diags, BFP201, use->path_span,
					     "cannot find \"%s\" to import", use->path);
		diag_help(ld->diags, d, "paths are searched beside this file, in -I directories, in "
			  "BFPLAN_PATH and in the standard library; check the spelling");
		return;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		diag_report(ld->diags, BFP201, use->path_span, "cannot read '%s': %s", path, strerror(errno));
		return;
	}
	struct loaded *seen = find_loaded(ld, &st);
	if (seen) {
		if (seen->loading)
			report_cycle(ld, seen, use->path_span);
		return; /* each file is read once */
	}
	if (ld->chain.len >= LOAD_MAX_IMPORT_DEPTH) {
		struct diag *d = diag_report(ld->diags, BFP203, use->path_span,
					     "imports are nested more than %d deep", LOAD_MAX_IMPORT_DEPTH);
		diag_help(ld->diags, d, "flatten the chain: import the files you need directly");
		return;
	}
	size_t len;
	bool too_large;
	char *text = load_read_file(ld->arena, path, SRC_MAX_FILE_SIZE, &len, &too_large);
	if (!text) {
		diag_report(ld->diags, BFP201, use->path_span, "cannot read '%s': %s", path, strerror(errno));
		return;
	}
	struct loaded *l = arena_alloc(ld->arena, sizeof *l);
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	ptrvec_push(ld->arena, &ld->loaded, l);
	l->file = src_add(ld->sm, path, text, len);
	struct src_file *f = ld->sm->files.items[l->file];
	f->import = use->span;
	f->is_stdlib = is_stdlib;
	if (too_large) {
		struct diag *d = diag_report(ld->diags, BFP002, use->path_span,
					     "'%s' is larger than %d bytes", path, SRC_MAX_FILE_SIZE);
		diag_help(ld->diags, d, "split it into several files");
		return;
	}
	load_file(ld, l);
}

static void load_file(struct loader *ld, struct loaded *self)
{
	self->loading = true;
	ptrvec_push(ld->arena, &ld->chain, self);
	struct ast_file *ast = frontend_parse(ld->arena, ld->sm, ld->diags, self->file);
	for (size_t i = 0; i < ast->uses.len; i++)
		follow_use(ld, self->file, ast->uses.items[i]);
	ld->chain.len--;
	self->loading = false;
	ptrvec_push(ld->arena, &ld->program->files, ast);
}

enum load_status load_program(struct arena *arena, struct src_manager *sm, struct diag_sink *diags,
			      const struct load_options *opts, const char *path, struct program *out)
{
	struct loader ld = {.arena = arena, .sm = sm, .diags = diags, .opts = opts, .program = out};
	*out = (struct program){0};
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? (opts->stdin_name ? opts->stdin_name : "<stdin>") : path;
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

	size_t len;
	bool too_large;
	char *text = load_read_file(arena, path, SRC_MAX_FILE_SIZE, &len, &too_large);
	if (!text) {
		struct diag *d = diag_report(diags, BFP001, nowhere, "cannot read '%s': %s", name, strerror(errno));
		diag_help(diags, d, "check the path and its permissions");
		return LOAD_IO_ERROR;
	}
	struct loaded *root = arena_alloc(arena, sizeof *root);
	struct stat st;
	if (!is_stdin && stat(path, &st) == 0) {
		root->dev = st.st_dev;
		root->ino = st.st_ino;
		ptrvec_push(arena, &ld.loaded, root);
	}
	root->file = src_add(sm, name, text, len);
	out->root = root->file;
	if (too_large) {
		struct diag *d = diag_report(diags, BFP002, (struct src_span){root->file, 0, 0},
					     "file is larger than %d bytes", SRC_MAX_FILE_SIZE);
		diag_help(diags, d, "split the plan into several files joined with `use`");
		return LOAD_OK;
	}
	load_file(&ld, root);
	return LOAD_OK;
}
