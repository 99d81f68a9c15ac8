/*
 * load.c - reading files and resolving `use` (see load.h).
 *
 * A plan file is not trusted (docs/security.md): it comes, say, from a
 * pull request, and `bfplan check` runs on it in CI.  So a `use` reads
 * only files under the roots the operator chose: the directory of the
 * plan named on the command line, the -I directories, the BFPLAN_PATH
 * directories and the standard library.  Each candidate is checked
 * twice: its path, cleaned by text alone, must lie under a root (so an
 * absolute path or one that climbs out with ".." is refused without
 * being looked at), and so must the file it really is once symbolic
 * links are resolved.  Only a regular file outside /proc and /sys is
 * opened for reading; devices, pipes and directories are refused first.
 *
 * A path the standard library has always means the standard library's
 * file: a file of the same relative path elsewhere (beside the plan, in
 * an -I directory) cannot replace a stdlib module and silently change
 * what a stdlib name means.  It is reported, naming both files.  Other
 * paths are looked up beside the importing file, in each -I directory,
 * then in each BFPLAN_PATH directory; ".plan" is added when the path has
 * no extension.
 *
 * Files are identified by device and inode (a hash table, so ten
 * thousand files load in linear time), not by a rewritten path, so a file
 * reached through two spellings is still read once and diagnostics keep
 * the path the user wrote.
 */
#define _DEFAULT_SOURCE /* realpath() */

#include "front/load.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/confusables.h"
#include "base/escape.h"
#include "base/ptrmap.h"
#include "base/readfile.h"
#include "base/suggest.h"
#include "base/symtab.h"
#include "base/textbuf.h"
#include "base/utf8.h"
#include "frontend.h"
#include "front/allow.h"

struct loaded {
	uint32_t file;
	bool loading;        /* on the current import chain: seeing it again is a cycle */
};

/* A directory whose files a plan may read. */
struct root {
	const char *clean;   /* absolute, cleaned by text alone: for the check before looking */
	const char *real;    /* with symbolic links resolved; NULL if it does not exist */
};

/* A directory `use` looks in besides the importer's and the stdlib: a -I or a BFPLAN_PATH entry. */
struct search_dir {
	const char *dir;
	size_t len;
};

struct loader {
	struct arena *arena;
	struct src_manager *sm;
	struct diag_sink *diags;
	const struct load_options *opts;
	struct program *program;
	struct symtab loaded; /* "dev:ino" -> struct loaded * */
	struct ptrvec chain;  /* struct loaded *, the current import chain, root first */
	struct root *roots;   /* the plan's directory, -I, BFPLAN_PATH, then the stdlib */
	size_t root_count;
	struct search_dir *search; /* -I as given, then BFPLAN_PATH's entries that are not empty */
	size_t search_count;
	const char *cwd;      /* for making relative paths absolute; NULL if unknown */
	struct ptrvec stdlib_paths; /* struct stdlib_path *, sorted; listed at the first `use` */
	bool stdlib_listed;
};

/* A file of the standard library: its path below the library's directory, and that path's skeleton. */
struct stdlib_path {
	const char *path;
	const char *skeleton;
};

/* ---- reading ------------------------------------------------------------------------ */

/*
 * For a file that does not exist, the closest name in its directory
 * ("sede.plan" for seed.plan), with the directory as the author wrote
 * it, or NULL.  At most SUGGEST_MAX_CANDIDATES entries are looked at.
 */
static const char *file_meant(struct arena *a, const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dir = slash ? arena_strndup(a, name, (size_t)(slash - name + 1)) : "./";
	const char *base = slash ? slash + 1 : name;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	const char **names = arena_alloc(a, SUGGEST_MAX_CANDIDATES * sizeof *names);
	size_t count = 0;
	for (struct dirent *e; count < SUGGEST_MAX_CANDIDATES && (e = readdir(d));)
		if (e->d_name[0] != '.')
			names[count++] = arena_strdup(a, e->d_name);
	closedir(d);
	const char *near = suggest_closest(base, names, count);
	return near ? arena_printf(a, "%s%s", slash ? dir : "", near) : NULL;
}

void load_report_unreadable(struct diag_sink *diags, const char *name, const struct load_read *r)
{
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};
	struct diag *d;
	switch (r->refused) {
	case LOAD_REFUSED_OUTSIDE:
		d = diag_report(diags, BFP011, nowhere, "'%s' is a symbolic link out of the directory it is "
				"named in; it is not read", name);
		diag_help(diags, d, "name the file the link points to, or pass --allow-outside to follow "
			  "links you made yourself (never on a pull request's files)");
		return;
	case LOAD_REFUSED_SPECIAL:
		d = diag_report(diags, BFP012, nowhere, "'%s' is %s, not a plan file; it is not read", name,
				S_ISFIFO(r->st.st_mode) ? "a pipe" : S_ISSOCK(r->st.st_mode) ? "a socket" : "a device");
		diag_help(diags, d, "name a regular file; to read a pipe, give '-' and redirect it to "
			  "standard input");
		return;
	case LOAD_REFUSED_KERNEL:
		d = diag_report(diags, BFP012, nowhere, "'%s' is a file of the kernel (/proc or /sys), not a "
				"plan file; it is not read", name);
		diag_help(diags, d, "name a plan file");
		return;
	case LOAD_REFUSED_NONE:
		break;
	}
	d = diag_report(diags, BFP001, nowhere, "cannot read '%s': %s", name, strerror(r->error));
	diag_about(diags, d, name);
	const char *near = r->error == ENOENT ? file_meant(diags->arena, name) : NULL;
	if (near)
		diag_help(diags, d, "did you mean '%s'?", near);
	else
		diag_help(diags, d, "check the path and its permissions");
}

void load_report_too_large(struct diag_sink *diags, uint32_t file)
{
	struct diag *d = diag_report(diags, BFP002, (struct src_span){file, 0, 0}, "file is larger than %d bytes",
				     SRC_MAX_FILE_SIZE);
	diag_help(diags, d, "split the plan into several files joined with `use`");
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* ---- paths ------------------------------------------------------------------------- */

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

/*
 * `path` made absolute and cleaned by text alone: "." and empty parts
 * dropped, ".." takes away the part before it (never above "/").  No
 * file is looked at, so the result says nothing about what exists.
 */
static const char *clean_path(struct arena *a, const char *cwd, const char *path)
{
	const char *full = path[0] == '/' || !cwd ? path : arena_printf(a, "%s/%s", cwd, path);
	size_t n = strlen(full);
	char *out = arena_alloc(a, n + 2);
	size_t len = 0;
	for (const char *p = full; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchr(p, '/');
		size_t part = end ? (size_t)(end - p) : strlen(p);
		if (part == 0 || (part == 1 && p[0] == '.')) {
			/* nothing */
		} else if (part == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before the part taken away */
		} else {
			out[len++] = '/';
			memcpy(out + len, p, part);
			len += part;
		}
		p += part;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

/* Whether `path` is `dir` itself or lies below it; both absolute and clean. */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* ---- the files named on the command line ------------------------------------------------ */

/*
 * Where a relative path named on the command line starts: the working
 * directory, or the directory its leading "../" parts climb to.
 */
static const char *named_base(struct arena *a, const char *cwd, const char *path)
{
	size_t lead = 0;
	for (;;) {
		if (strncmp(path + lead, "./", 2) == 0)
			lead += 2;
		else if (strncmp(path + lead, "../", 3) == 0)
			lead += 3;
		else if (path[lead] == '/')
			lead++;
		else
			break;
	}
	return clean_path(a, cwd, lead ? arena_strndup(a, path, lead) : ".");
}

/* Whether `path`, with links resolved, lies under `dir` with links resolved. */
static bool resolves_under(const char *path, const char *dir)
{
	char *real_dir = realpath(dir, NULL);
	bool under = real_dir && path_under(path, real_dir);
	free(real_dir);
	return under;
}

/*
 * Whether the file at `real` (links resolved) lies in the directory that
 * `path` names, once its links are resolved too: `plans/x.plan` may be a
 * link to `plans/lib/x.plan`, not to /proc/self/environ, /etc/passwd or
 * ../.git/config.  For a relative path that directory must also lie under
 * where the path starts (named_base()), so `plans` itself cannot be such
 * a link either.
 */
static bool in_named_directory(struct arena *a, const char *path, const char *real)
{
	char buf[PATH_MAX];
	const char *cwd = getcwd(buf, sizeof buf);
	const char *dir = clean_path(a, cwd, arena_printf(a, "%s/..", path));
	if (!resolves_under(real, dir))
		return false;
	if (path[0] == '/')
		return true;
	char *real_dir = realpath(dir, NULL);
	bool under = real_dir && resolves_under(real_dir, named_base(a, cwd, path));
	free(real_dir);
	return under;
}

/*
 * A named file is checked before it is opened, and opened as checked:
 * by its resolved path, without following links and without blocking, so
 * that a pipe swapped in meanwhile cannot stall the run; then it must be
 * the same regular file, outside /proc and /sys.  Nothing of a refused
 * file is read, so nothing of it can be quoted.
 */
static char *read_named(struct arena *arena, const char *path, struct load_read *r)
{
	char *resolved = realpath(path, NULL);
	if (!resolved)
		return NULL;
	const char *real = arena_strdup(arena, resolved);
	free(resolved);
	if (!r->allow_outside && !in_named_directory(arena, path, real)) {
		r->refused = LOAD_REFUSED_OUTSIDE;
		return NULL;
	}
	if (stat(real, &r->st) != 0)
		return NULL;
	if (S_ISDIR(r->st.st_mode)) {
		errno = EISDIR;
		return NULL;
	}
	if (!S_ISREG(r->st.st_mode)) {
		r->refused = LOAD_REFUSED_SPECIAL;
		return NULL;
	}
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) != 0)
		;
	else if (!S_ISREG(st.st_mode) || !same_file(&st, &r->st))
		errno = ESTALE; /* changed since it was checked */
	else if (is_kernel_file(fd))
		r->refused = LOAD_REFUSED_KERNEL;
	else
		text = read_fd_bounded(arena, fd, &st, r->max_size, &r->len, &r->too_large);
	int saved = errno;
	close(fd);
	errno = saved;
	return text;
}

/* Standard input is what the operator redirected: a pipe is its point. */
static char *read_stdin(struct arena *arena, struct load_read *r)
{
	if (fstat(STDIN_FILENO, &r->st) != 0)
		return NULL;
	if (S_ISDIR(r->st.st_mode)) {
		errno = EISDIR;
		return NULL;
	}
	return read_fd_bounded(arena, STDIN_FILENO, &r->st, r->max_size, &r->len, &r->too_large);
}

char *load_read_file(struct arena *arena, const char *path, struct load_read *r)
{
	r->too_large = false;
	r->refused = LOAD_REFUSED_NONE;
	r->len = 0;
	char *text = strcmp(path, "-") == 0 ? read_stdin(arena, r) : read_named(arena, path, r);
	r->error = text || r->refused != LOAD_REFUSED_NONE ? 0 : errno;
	return text;
}

static void add_root(struct loader *ld, const char *dir, size_t len)
{
	if (len == 0)
		return;
	struct arena *a = ld->arena;
	const char *path = arena_strndup(a, dir, len);
	struct root *r = &ld->roots[ld->root_count++];
	r->clean = clean_path(a, ld->cwd, path);
	char *real = realpath(path, NULL); /* malloc'd: copied into the arena at once */
	r->real = real ? arena_strdup(a, real) : NULL;
	free(real);
}

/* The roots, in search order; `top` is the path of the plan named on the command line. */
static void find_roots(struct loader *ld, const char *top)
{
	const struct load_options *o = ld->opts;
	size_t count = o->include_count;
	for (const char *p = o->search_path; p && *p; p++)
		count += *p == ':';
	if (o->search_path)
		count++;
	ld->search = arena_calloc(ld->arena, count + 1, sizeof *ld->search);
	for (size_t i = 0; i < o->include_count; i++)
		ld->search[ld->search_count++] = (struct search_dir){o->include_dirs[i], strlen(o->include_dirs[i])};
	for (const char *p = o->search_path; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n > 0)
			ld->search[ld->search_count++] = (struct search_dir){p, n};
		p = colon ? colon + 1 : p + n;
	}
	ld->roots = arena_calloc(ld->arena, 2 + ld->search_count, sizeof *ld->roots);
	char cwd[PATH_MAX];
	ld->cwd = getcwd(cwd, sizeof cwd) ? arena_strdup(ld->arena, cwd) : NULL;

	const char *slash = strrchr(top, '/');
	if (!slash)
		add_root(ld, ".", 1);
	else if (slash == top)
		add_root(ld, "/", 1);
	else
		add_root(ld, top, (size_t)(slash - top));
	for (size_t i = 0; i < ld->search_count; i++)
		add_root(ld, ld->search[i].dir, ld->search[i].len);
	if (o->stdlib_dir)
		add_root(ld, o->stdlib_dir, strlen(o->stdlib_dir));
}

static bool under_a_root(const struct loader *ld, const char *path, bool real)
{
	for (size_t i = 0; i < ld->root_count; i++) {
		const char *root = real ? ld->roots[i].real : ld->roots[i].clean;
		if (root && path_under(path, root))
			return true;
	}
	return false;
}

/* ---- finding a `use` ------------------------------------------------------------------ */

enum candidate_kind {
	CAND_MISSING,  /* nothing there */
	CAND_OUTSIDE,  /* there, or spelt so, outside every root */
	CAND_SPECIAL,  /* a directory, a device, a pipe or a socket: passed over */
	CAND_FILE,     /* a regular file under a root: readable */
};

struct candidate {
	enum candidate_kind kind;
	const char *path;   /* as the user would write it */
	const char *real;   /* CAND_FILE: the file with links resolved, which is what is opened */
	struct stat st;     /* CAND_FILE, CAND_SPECIAL */
};

static struct candidate classify(struct loader *ld, const char *path)
{
	struct candidate c = {.kind = CAND_MISSING, .path = path};
	if (!under_a_root(ld, clean_path(ld->arena, ld->cwd, path), false)) {
		c.kind = CAND_OUTSIDE; /* refused by its spelling alone: nothing is looked at */
		return c;
	}
	if (stat(path, &c.st) != 0)
		return c;
	char *real = realpath(path, NULL);
	if (!real)
		return c;
	c.real = arena_strdup(ld->arena, real);
	free(real);
	if (!under_a_root(ld, c.real, true))
		c.kind = CAND_OUTSIDE; /* a symbolic link out of the roots */
	else
		c.kind = S_ISREG(c.st.st_mode) ? CAND_FILE : CAND_SPECIAL;
	return c;
}

/* The candidates for `name` other than the standard library's, in search order. */
static size_t other_candidates(struct loader *ld, uint32_t from, const char *name, const char **out)
{
	struct arena *a = ld->arena;
	size_t n = 0;
	const char *importer = src_file(ld->sm, from)->path;
	const char *slash = strrchr(importer, '/');
	out[n++] = join_path(a, importer, slash ? (size_t)(slash - importer + 1) : 0, name);
	for (size_t i = 0; i < ld->search_count; i++)
		out[n++] = join_path(a, ld->search[i].dir, ld->search[i].len, name);
	return n;
}

/* A stdlib file wins over a file of the same path elsewhere; the other one is named. */
static void report_shadowing(struct loader *ld, const struct ast_use *use, const struct candidate *std,
			     const char *const *others, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct stat st;
		if (stat(others[i], &st) != 0 || !S_ISREG(st.st_mode) || same_file(&st, &std->st))
			continue;
		struct diag *d = diag_report(ld->diags, BFP214, use->path_span,
					     "'%s' has the path of the standard library's '%s', which is read instead",
					     others[i], std->path);
		diag_help(ld->diags, d, "a standard library file cannot be replaced; give your file another "
			  "path, and `use` it by that");
		return;
	}
}

/*
 * The file `use` names, or a refusal.  The standard library is tried
 * first (see the top of this file), then the other places in order; the
 * first regular file under a root is taken.  When none is, the first
 * refusal is what counts, since it is what the user most likely meant.
 */
static struct candidate find_import(struct loader *ld, uint32_t from, const char *name, const struct ast_use *use,
				    bool *is_stdlib)
{
	struct arena *a = ld->arena;
	*is_stdlib = false;
	if (name[0] == '/')
		return (struct candidate){.kind = CAND_OUTSIDE, .path = name};

	const char **others = arena_calloc(a, 1 + ld->search_count, sizeof *others);
	size_t count = other_candidates(ld, from, name, others);
	if (ld->opts->stdlib_dir) {
		const char *dir = ld->opts->stdlib_dir;
		struct candidate std = classify(ld, join_path(a, dir, strlen(dir), name));
		if (std.kind == CAND_FILE) {
			*is_stdlib = true;
			report_shadowing(ld, use, &std, others, count);
			return std;
		}
	}
	struct candidate refused = {.kind = CAND_MISSING};
	for (size_t i = 0; i < count; i++) {
		struct candidate c = classify(ld, others[i]);
		if (c.kind == CAND_FILE)
			return c;
		if (c.kind != CAND_MISSING && refused.kind == CAND_MISSING)
			refused = c;
	}
	return refused;
}

/* ---- the spelling of a `use` path --------------------------------------------------------- */

/*
 * A `use` path with "." and empty parts dropped and each ".." taking away
 * the part before it, by text alone, before anything is looked up:
 * "x/../bigfix/sites" is "bigfix/sites", which the standard library has,
 * and must mean the standard library's file even when a pull request adds
 * an x/ beside the plan.  Leading ".." parts stay: they climb out of the
 * importer's directory, and the roots judge where to.
 */
static const char *normal_use_path(struct arena *a, const char *path)
{
	size_t n = strlen(path);
	char *out = arena_alloc(a, n + 1);
	size_t len = 0, fixed = 0; /* out[0..fixed) is "/" or leading "../" parts: ".." cannot take them away */
	if (path[0] == '/') {
		out[len++] = '/';
		fixed = 1;
	}
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchr(p, '/');
		size_t part = end ? (size_t)(end - p) : strlen(p);
		bool dot = part == 1 && p[0] == '.', dot_dot = part == 2 && p[0] == '.' && p[1] == '.';
		if (part == 0 || dot) {
			/* nothing */
		} else if (dot_dot && len > fixed) {
			while (len > fixed && out[len - 1] != '/')
				len--;
			if (len > fixed)
				len--; /* the '/' before the part taken away */
		} else {
			if (len > 0 && out[len - 1] != '/')
				out[len++] = '/';
			memcpy(out + len, p, part);
			len += part;
			if (dot_dot)
				fixed = len;
		}
		p += part;
	}
	out[len] = '\0';
	return len ? out : path;
}

/*
 * A warning names each character of a `use` path that is not an ASCII
 * letter or digit, '.', '_', '-' or '/': the standard library needs no
 * other, and a reviewer cannot tell a Cyrillic a or a division slash from
 * the real thing.  With --werror, as CI runs, it fails the check.
 */
static void report_path_characters(struct loader *ld, const struct ast_use *use)
{
	struct textbuf list;
	textbuf_init(&list, ld->arena);
	struct ptrmap seen;
	ptrmap_init(&seen, ld->arena);
	const unsigned char *s = (const unsigned char *)use->path;
	size_t len = strlen(use->path);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = utf8_decode(s + i, len - i, &c);
		if (n == 0) {
			c = 0x110000u + s[i]; /* a byte that is not UTF-8: its own key */
			n = 1;
		}
		i += n;
		if (confusable_is_path_character(c) || !ptrmap_add(&seen, (void *)(uintptr_t)(c + 1)))
			continue;
		textbuf_sep(&list, ", ");
		const char *name = confusable_name(c);
		if (c >= 0x110000u)
			textbuf_printf(&list, "the byte 0x%02X", (unsigned)(c - 0x110000u));
		else
			textbuf_printf(&list, "U+%04X%s%s", (unsigned)c, name ? " " : "", name ? name : "");
	}
	if (!list.len)
		return;
	struct diag *d = diag_report(ld->diags, BFP218, use->path_span,
				     "the `use` path \"%s\" holds characters other than ASCII letters, digits, "
				     "'.', '_', '-' and '/': %s", use->path, list.data);
	diag_help(ld->diags, d, "spell the path, and name the file, with those characters only: a reviewer "
		  "cannot tell other characters from the ones they look like");
}

static int compare_stdlib_paths(const void *a, const void *b)
{
	const struct stdlib_path *x = *(const struct stdlib_path *const *)a, *y = *(const struct stdlib_path *const *)b;
	return strcmp(x->path, y->path);
}

/* Adds the .plan files under DIR/REL (REL "" for DIR itself), depth first. */
static void list_stdlib_dir(struct loader *ld, const char *dir, const char *rel, unsigned depth)
{
	const char *full = rel[0] ? arena_printf(ld->arena, "%s/%s", dir, rel) : dir;
	DIR *d = depth < LOAD_MAX_IMPORT_DEPTH ? opendir(full) : NULL;
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		const char *path = rel[0] ? arena_printf(ld->arena, "%s/%s", rel, e->d_name)
					  : arena_strdup(ld->arena, e->d_name);
		size_t n = strlen(path);
		struct stat st;
		if (stat(arena_printf(ld->arena, "%s/%s", dir, path), &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			list_stdlib_dir(ld, dir, path, depth + 1);
		} else if (S_ISREG(st.st_mode) && n > 5 && strcmp(path + n - 5, ".plan") == 0) {
			struct stdlib_path *sp = arena_alloc(ld->arena, sizeof *sp);
			sp->path = path;
			sp->skeleton = confusable_skeleton(ld->arena, path);
			ptrvec_push(ld->arena, &ld->stdlib_paths, sp);
		}
	}
	closedir(d);
}

/*
 * A path that looks like a standard library path but is not one is an
 * error: its skeleton (UTS #39: each character mapped to what it looks
 * like, case folded) is a standard library path's, so a reviewer reads
 * "bigfix/server-automation" where the plan reads a file of the pull
 * request's.  True if it was reported (the file is then not read).
 */
/* The standard library's files, listed at the first `use` that needs them. */
static const struct ptrvec *stdlib_paths(struct loader *ld)
{
	if (!ld->stdlib_listed && ld->opts->stdlib_dir) {
		ld->stdlib_listed = true;
		list_stdlib_dir(ld, ld->opts->stdlib_dir, "", 0);
		if (ld->stdlib_paths.len) /* an empty vector has no items to hand qsort() */
			qsort(ld->stdlib_paths.items, ld->stdlib_paths.len, sizeof *ld->stdlib_paths.items,
			      compare_stdlib_paths);
	}
	return &ld->stdlib_paths;
}

static bool looks_like_stdlib(struct loader *ld, const struct ast_use *use, const char *name)
{
	if (!ld->opts->stdlib_dir)
		return false;
	stdlib_paths(ld);
	const char *skeleton = confusable_skeleton(ld->arena, name);
	const struct stdlib_path *like = NULL;
	for (size_t i = 0; skeleton && i < ld->stdlib_paths.len; i++) {
		const struct stdlib_path *sp = ld->stdlib_paths.items[i];
		if (strcmp(name, sp->path) == 0)
			return false; /* the standard library's own path */
		if (!like && sp->skeleton && strcmp(skeleton, sp->skeleton) == 0)
			like = sp;
	}
	if (like) {
		const struct stdlib_path *sp = like;
		struct diag *d = diag_report(ld->diags, BFP219, use->path_span,
					     "the `use` path \"%s\" looks like the standard library's '%s', but is "
					     "another path", use->path, sp->path);
		diag_help(ld->diags, d, "to read the standard library's file, write its path in ASCII as it is; "
			  "a file of your own needs a name that looks like no standard library file");
		return true;
	}
	return false;
}

/*
 * A file found elsewhere than in the standard library whose path below
 * one of the roots is a standard library path ("../bigfix/sites" from a
 * subdirectory of an -I directory, a link to such a file) stands for the
 * standard library's file as surely as one spelt so, and is refused the
 * same way.  True if it was reported.
 */
static bool reaches_stdlib_path(struct loader *ld, const struct ast_use *use, const struct candidate *found)
{
	size_t roots = ld->root_count - (ld->opts->stdlib_dir ? 1 : 0); /* the stdlib's root is the last */
	const struct ptrvec *paths = stdlib_paths(ld);
	for (size_t i = 0; i < roots && paths->len; i++) {
		const char *root = ld->roots[i].real;
		if (!root || !path_under(found->real, root) || strcmp(found->real, root) == 0)
			continue;
		const char *rel = found->real + strlen(root) + (strcmp(root, "/") != 0);
		for (size_t k = 0; k < paths->len; k++) {
			const struct stdlib_path *sp = paths->items[k];
			if (strcmp(rel, sp->path) != 0)
				continue;
			struct stat st;
			const char *std = arena_printf(ld->arena, "%s/%s", ld->opts->stdlib_dir, sp->path);
			if (stat(std, &st) == 0 && same_file(&st, &found->st))
				return false; /* the standard library's own file, by another way */
			struct diag *d = diag_report(ld->diags, BFP222, use->path_span,
						     "\"%s\" reaches '%s', which is '%s' below a directory plans read "
						     "from: a path the standard library has; it is not read", use->path,
						     found->path, sp->path);
			diag_help(ld->diags, d, "a standard library file cannot be replaced; `use` the standard "
				  "library's file by its path, or give your file a path the library does not have");
			return true;
		}
	}
	return false;
}

/* ---- loading -------------------------------------------------------------------------- */

static struct loaded *find_loaded(struct loader *ld, const struct stat *st, const char **key)
{
	*key = arena_printf(ld->arena, "%jx:%jx", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	return symtab_get(&ld->loaded, *key);
}

static void load_file(struct loader *ld, struct loaded *self);

static void report_cycle(struct loader *ld, struct loaded *target, struct src_span use_span)
{
	/* the chain from the file that is imported again to the current one */
	size_t start = 0;
	while (start < ld->chain.len && ld->chain.items[start] != target)
		start++;
	struct textbuf names;
	textbuf_init(&names, ld->arena);
	for (size_t i = start; i < ld->chain.len; i++) {
		const struct loaded *l = ld->chain.items[i];
		textbuf_printf(&names, "'%s' -> ", src_file(ld->sm, l->file)->path);
	}
	textbuf_printf(&names, "'%s'", src_file(ld->sm, target->file)->path);
	/*
	 * No notes of our own: every file on the cycle is on the current import
	 * chain, which the renderer already shows as "imported here" notes.
	 */
	struct diag *d = diag_report(ld->diags, BFP202, use_span, "import cycle: %s", names.data);
	diag_help(ld->diags, d, "move what both files need into a third file that both `use`");
}

/*
 * Where a `use` was looked for, in search order, as a note: a file that
 * is not found is most often a standard library that is not where bfplan
 * thought (a symbolic link, a moved prefix), and the paths say so.
 */
static void note_places_tried(struct loader *ld, struct diag *d, uint32_t from, const struct ast_use *use)
{
	struct arena *a = ld->arena;
	const char *name = has_extension(use->path) ? use->path : arena_printf(a, "%s.plan", use->path);
	const char **others = arena_calloc(a, 1 + ld->search_count, sizeof *others);
	size_t count = other_candidates(ld, from, name, others);
	const char *std = ld->opts->stdlib_dir;
	const char *list = std ? arena_printf(a, "'%s'", join_path(a, std, strlen(std), name)) : "";
	for (size_t i = 0; i < count; i++)
		list = arena_printf(a, "%s%s'%s'", list, list[0] ? ", " : "", others[i]);
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};
	diag_note(ld->diags, d, nowhere, "looked for %s", list);
	if (!std)
		diag_note(ld->diags, d, nowhere, "no standard library was found%s%s",
			  ld->opts->stdlib_sought ? ": bfplan looked in " : "",
			  ld->opts->stdlib_sought ? ld->opts->stdlib_sought : "");
}

/* The standard library path closest to a `use` path that names no file, without ".plan", or NULL. */
static const char *stdlib_path_meant(struct loader *ld, const char *path)
{
	const struct ptrvec *paths = stdlib_paths(ld);
	size_t count = paths->len < SUGGEST_MAX_CANDIDATES ? paths->len : SUGGEST_MAX_CANDIDATES;
	const char **names = arena_alloc(ld->arena, (count + 1) * sizeof *names);
	for (size_t i = 0; i < count; i++) {
		const char *p = ((const struct stdlib_path *)paths->items[i])->path;
		names[i] = arena_strndup(ld->arena, p, strlen(p) - 5);
	}
	size_t n = strlen(path);
	const char *bare = n > 5 && strcmp(path + n - 5, ".plan") == 0 ? arena_strndup(ld->arena, path, n - 5) : path;
	return suggest_closest(bare, names, count);
}

/* "bigfix" names a directory of the standard library: its files, as `use` paths ("a", "b" or "c"), or NULL. */
static const char *stdlib_dir_files(struct loader *ld, const char *path)
{
	const struct ptrvec *paths = stdlib_paths(ld);
	size_t n = strlen(path), count = 0;
	struct textbuf list;
	textbuf_init(&list, ld->arena);
	const char *last = NULL;
	for (size_t i = 0; i < paths->len; i++) {
		const char *p = ((const struct stdlib_path *)paths->items[i])->path;
		if (strncmp(p, path, n) != 0 || p[n] != '/' || strchr(p + n + 1, '/'))
			continue;
		if (last)
			textbuf_printf(&list, "%s\"%s\"", count > 1 ? ", " : "", last);
		last = arena_strndup(ld->arena, p, strlen(p) - 5);
		count++;
	}
	if (!last)
		return NULL;
	textbuf_printf(&list, "%s\"%s\"", count > 2 ? ", or " : count == 2 ? " or " : "", last);
	return list.data;
}

static void report_refusal(struct loader *ld, uint32_t from, const struct ast_use *use, const struct candidate *c)
{
	struct diag *d;
	switch (c->kind) {
	case CAND_MISSING:
	case CAND_FILE:
		d = diag_report(ld->diags, BFP201, use->path_span, "cannot find \"%s\" to import", use->path);
		if (diag_is_shown(ld->diags, d))
			note_places_tried(ld, d, from, use);
		const char *near = diag_is_shown(ld->diags, d) ? stdlib_path_meant(ld, use->path) : NULL;
		const char *inside = near || !diag_is_shown(ld->diags, d) ? NULL : stdlib_dir_files(ld, use->path);
		if (inside) {
			diag_help(ld->diags, d, "\"%s\" is a directory of the standard library: `use` one of its files, "
				  "%s", use->path, inside);
		} else if (near) {
			diag_help(ld->diags, d, "did you mean \"%s\", the standard library's?", near);
			diag_fix_edit(ld->diags, d, arena_printf(ld->arena, "write \"%s\"", near), use->path_span,
				      arena_printf(ld->arena, "\"%s\"", near));
		}
		else
			diag_help(ld->diags, d, "paths are searched in the standard library, beside this file, in -I "
				  "directories and in BFPLAN_PATH; check the spelling");
		return;
	case CAND_OUTSIDE:
		d = diag_report(ld->diags, BFP212, use->path_span,
				"'%s' is outside the directories a plan may read from", c->path);
		diag_note(ld->diags, d, (struct src_span){SRC_NO_FILE, 0, 0},
			  "a plan reads files under its own directory, the -I directories, BFPLAN_PATH and "
			  "the standard library; absolute paths and symbolic links out of them are refused");
		diag_help(ld->diags, d, "to read a file from another directory, pass that directory with "
			  "-I DIR and `use` the file by its path below it");
		return;
	case CAND_SPECIAL:
		d = diag_report(ld->diags, BFP213, use->path_span, "'%s' is %s, not a plan file", c->path,
				S_ISDIR(c->st.st_mode) ? "a directory" : S_ISFIFO(c->st.st_mode) ? "a pipe"
				: S_ISSOCK(c->st.st_mode) ? "a socket" : "a device");
		diag_help(ld->diags, d, "`use` names plan files; check the path");
		return;
	}
}

/* Warns about a file whose path the build's outputs cannot carry (check says what build would). */
static void check_path_text(struct loader *ld, const char *path, struct src_span where)
{
	struct esc_fault fault;
	if (esc_path_check(path, strlen(path), &fault))
		return;
	struct diag *d = diag_report(ld->diags, BFP010, where,
				     "the path '%s' cannot be written to the build's outputs: it contains %s", path,
				     esc_fault_describe(ld->arena, &fault));
	diag_help(ld->diags, d, "rename the file or its directory: plan.json and the depfile name every file "
		  "a build reads");
}

/*
 * UTF-16 and UTF-32 (what some Windows tools save as "Unicode"), told by
 * their byte-order mark or, without one, by the zero bytes that ASCII
 * text has in them.  NULL for anything else.
 */
static const char *wide_encoding(const unsigned char *s, size_t len)
{
	if (len >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0)
		return "UTF-32LE";
	if (len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF)
		return "UTF-32BE";
	if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
		return "UTF-16LE";
	if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
		return "UTF-16BE";
	/* no mark: count the zero bytes at each position of the first units */
	size_t n = len < 64 ? len - len % 4 : 64;
	if (n < 4)
		return NULL;
	unsigned zeros[4] = {0};
	for (size_t i = 0; i < n; i++)
		zeros[i % 4] += s[i] == 0;
	unsigned units = (unsigned)(n / 4), most = units - units / 4;
	bool z0 = zeros[0] >= most, z1 = zeros[1] >= most, z2 = zeros[2] >= most, z3 = zeros[3] >= most;
	bool n0 = zeros[0] == 0, n1 = zeros[1] == 0, n3 = zeros[3] == 0;
	if (n0 && z1 && z2 && z3)
		return "UTF-32LE";
	if (z0 && z1 && z2 && n3)
		return "UTF-32BE";
	if (n0 && z1 && zeros[2] == 0 && z3)
		return "UTF-16LE";
	if (z0 && n1 && z2 && n3)
		return "UTF-16BE";
	return NULL;
}

/* One diagnostic for a file in a wide encoding, instead of one per NUL byte; true if it was one. */
static bool report_wide_encoding(struct loader *ld, uint32_t file, struct src_span where)
{
	const struct src_file *f = src_file(ld->sm, file);
	const char *enc = wide_encoding((const unsigned char *)f->text, f->len);
	if (!enc)
		return false;
	struct diag *d = diag_report(ld->diags, BFP007, where, "'%s' is encoded as %s, not UTF-8", f->path, enc);
	diag_about(ld->diags, d, f->path);
	diag_help(ld->diags, d, "convert it, as with 'iconv -f %s -t UTF-8 OLD > NEW', or save it as UTF-8 "
		  "in your editor", enc);
	return true;
}

/*
 * One diagnostic for BigFix content (a .bes export, a REST API answer)
 * given where a plan file goes, instead of one stray character after
 * another: `bfplan import` is what reads it.  True if it was that.
 */
static bool report_bes_content(struct loader *ld, uint32_t file, const struct src_span *where)
{
	const struct src_file *f = src_file(ld->sm, file);
	size_t at = src_bom_len(f);
	while (at < f->len && strchr(" \t\r\n", f->text[at]))
		at++;
	const char *s = f->text + at;
	size_t rest = f->len - at;
	if (!((rest >= 5 && strncmp(s, "<?xml", 5) == 0) || (rest >= 4 && strncmp(s, "<BES", 4) == 0)))
		return false;
	size_t line_end = at;
	while (line_end < f->len && f->text[line_end] != '\n' && f->text[line_end] != '\r')
		line_end++;
	struct src_span span = where ? *where : (struct src_span){file, (uint32_t)at, (uint32_t)line_end};
	struct diag *d = diag_report(ld->diags, BFP615, span, "'%s' is BigFix content (XML), not a plan file", f->path);
	diag_help(ld->diags, d, "'bfplan import %s --site SITE -o FILE.plan' writes plan-language declarations "
		  "from it; then 'use' that file in your plan", f->path);
	return true;
}

/*
 * The format of a file that is some other text than plan language, told
 * by its first line: JSON (as plan.json, which `bfplan build` writes),
 * YAML (a document start, or "key: value") or HTML; NULL for anything
 * else, which the parser then reports as it reads it.
 */
static const char *other_format(const char *s, size_t len)
{
	size_t end = 0;
	while (end < len && s[end] != '\n' && s[end] != '\r')
		end++;
	if (len && (s[0] == '{' || s[0] == '['))
		return "JSON";
	if ((end >= 3 && strncmp(s, "---", 3) == 0 && (end == 3 || s[3] == ' ')) ||
	    (end >= 5 && strncasecmp(s, "<html", 5) == 0) || (end >= 9 && strncasecmp(s, "<!doctype", 9) == 0))
		return s[0] == '-' ? "YAML" : "HTML";
	size_t word = 0;
	while (word < end && (isalnum((unsigned char)s[word]) || s[word] == '_' || s[word] == '-'))
		word++;
	enum ast_decl_kind kind;
	if (ast_decl_lookup(s, word, &kind) || (word == 3 && strncmp(s, "use", 3) == 0))
		return NULL; /* "cluster: exch01 {" is a plan with a stray ':', which the parser reports */
	if (word > 0 && word + 1 < end && s[word] == ':' && s[word + 1] == ' ')
		return "YAML";
	if (word > 0 && word + 1 == end && s[word] == ':')
		return "YAML";
	return NULL;
}

/*
 * One diagnostic for a file in another format given where a plan file
 * goes (plan.json, a YAML or an HTML page), instead of one error for each
 * of its lines.  True if it was that.
 */
static bool report_other_format(struct loader *ld, uint32_t file, const struct src_span *where)
{
	const struct src_file *f = src_file(ld->sm, file);
	size_t at = src_bom_len(f);
	for (;;) { /* blanks and '#' lines, which both YAML and plans have */
		while (at < f->len && strchr(" \t\r\n", f->text[at]))
			at++;
		if (at >= f->len || f->text[at] != '#')
			break;
		while (at < f->len && f->text[at] != '\n')
			at++;
	}
	const char *format = other_format(f->text + at, f->len - at);
	if (!format)
		return false;
	size_t line_end = at;
	while (line_end < f->len && f->text[line_end] != '\n' && f->text[line_end] != '\r')
		line_end++;
	struct src_span span = where ? *where : (struct src_span){file, (uint32_t)at, (uint32_t)line_end};
	struct diag *d = diag_report(ld->diags, BFP025, span, "'%s' reads as %s, not as a plan file", f->path, format);
	if (strcmp(format, "JSON") == 0)
		diag_help(ld->diags, d, "check the plan file itself: a plan.json is what 'bfplan build' writes from one");
	else
		diag_help(ld->diags, d, "a plan is written in bfplan's own language: declarations such as "
			  "'cluster NAME { ... }' and 'plan NAME { ... }'");
	return true;
}

/* Opens a checked candidate and reads it; NULL (errno set) if it changed since it was checked. */
static char *read_candidate(struct loader *ld, const struct candidate *c, size_t *len, bool *too_large,
			    bool *kernel)
{
	*too_large = *kernel = false;
	/* the resolved path, so no link is followed now; a pipe swapped in meanwhile cannot block us */
	int fd = open(c->real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) != 0)
		;
	else if (!S_ISREG(st.st_mode) || !same_file(&st, &c->st))
		errno = ESTALE;
	else if (is_kernel_file(fd))
		*kernel = true;
	else
		text = read_fd_bounded(ld->arena, fd, &st, SRC_MAX_FILE_SIZE, len, too_large);
	int saved = errno;
	close(fd);
	errno = saved;
	return text;
}

/* The caller's text for `path` (load_options.overlay), copied into the arena; NULL if it has none. */
static char *overlay_text(struct loader *ld, const char *path, size_t *len, bool *too_large)
{
	const char *text = ld->opts->overlay ? ld->opts->overlay(ld->opts->overlay_ctx, path, len) : NULL;
	if (!text)
		return NULL;
	*too_large = *len > SRC_MAX_FILE_SIZE;
	if (*too_large)
		*len = SRC_MAX_FILE_SIZE;
	return arena_strndup(ld->arena, text, *len);
}

/* Handles one `use` of file `from`. */
static void follow_use(struct loader *ld, uint32_t from, const struct ast_use *use)
{
	report_path_characters(ld, use);
	const char *normal = normal_use_path(ld->arena, use->path);
	const char *name = has_extension(normal) ? normal : arena_printf(ld->arena, "%s.plan", normal);
	if (looks_like_stdlib(ld, use, name))
		return;
	bool is_stdlib;
	struct candidate found = find_import(ld, from, name, use, &is_stdlib);
	if (found.kind != CAND_FILE) {
		report_refusal(ld, from, use, &found);
		return;
	}
	if (!is_stdlib && reaches_stdlib_path(ld, use, &found))
		return;
	const char *path = found.path;
	const char *key;
	struct loaded *seen = find_loaded(ld, &found.st, &key);
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
	bool too_large, kernel = false;
	char *text = overlay_text(ld, found.real, &len, &too_large);
	if (!text)
		text = read_candidate(ld, &found, &len, &too_large, &kernel);
	if (kernel) {
		struct diag *d = diag_report(ld->diags, BFP213, use->path_span,
					     "'%s' is a file of the kernel, not a plan file", path);
		diag_help(ld->diags, d, "`use` names plan files; check the path");
		return;
	}
	if (!text) {
		diag_report(ld->diags, BFP201, use->path_span, "cannot read '%s': %s", path, strerror(errno));
		return;
	}
	struct loaded *l = arena_alloc(ld->arena, sizeof *l);
	symtab_put(&ld->loaded, key, l);
	l->file = src_adopt(ld->sm, path, text, len); /* read into the compilation's memory: no copy */
	struct src_file *f = ld->sm->files.items[l->file];
	f->import = use->span;
	f->is_stdlib = is_stdlib;
	check_path_text(ld, path, use->path_span);
	if (too_large) {
		struct diag *d = diag_report(ld->diags, BFP002, use->path_span,
					     "'%s' is larger than %d bytes", path, SRC_MAX_FILE_SIZE);
		diag_help(ld->diags, d, "split it into several files");
		return;
	}
	if (report_wide_encoding(ld, l->file, use->path_span) || report_bes_content(ld, l->file, &use->path_span) ||
	    report_other_format(ld, l->file, &use->path_span))
		return;
	load_file(ld, l);
}

static void load_file(struct loader *ld, struct loaded *self)
{
	self->loading = true;
	ptrvec_push(ld->arena, &ld->chain, self);
	size_t reported = ld->diags->diags.len;
	struct arena *tree = ld->opts->tree ? ld->opts->tree : ld->arena;
	struct ast_file *ast = frontend_parse_apart(ld->arena, tree, ld->sm, ld->diags, self->file);
	allow_collect(ld->arena, ld->diags, ld->sm, ast);
	/* the scanner's warnings (BFP006) came before the comments that allow them were read */
	diag_allow_earlier(ld->diags, reported);
	for (size_t i = 0; i < ast->uses.len; i++)
		follow_use(ld, self->file, ast->uses.items[i]);
	ld->chain.len--;
	self->loading = false;
	ptrvec_push(ld->arena, &ld->program->files, ast);
}

const char *load_display_name(const char *path, const char *stdin_name)
{
	if (strcmp(path, "-") != 0)
		return path;
	return stdin_name ? stdin_name : "<stdin>";
}

enum load_status load_program(struct arena *arena, struct src_manager *sm, struct diag_sink *diags,
			      const struct load_options *opts, const char *path, struct program *out)
{
	struct loader ld = {.arena = arena, .sm = sm, .diags = diags, .opts = opts, .program = out};
	symtab_init(&ld.loaded, arena);
	*out = (struct program){0};
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = load_display_name(path, opts->stdin_name);
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

	struct load_read r = {.allow_outside = opts->allow_outside, .max_size = SRC_MAX_FILE_SIZE};
	char *text = overlay_text(&ld, path, &r.len, &r.too_large);
	bool overlaid = text != NULL;
	if (!text)
		text = load_read_file(arena, path, &r);
	if (!text) {
		load_report_unreadable(diags, name, &r);
		return LOAD_IO_ERROR;
	}
	find_roots(&ld, name);
	struct loaded *root = arena_alloc(arena, sizeof *root);
	/* an editor's buffer stands for the file, which is known by its device and inode, if it exists */
	if (!is_stdin && (!overlaid || stat(path, &r.st) == 0)) {
		const char *key;
		find_loaded(&ld, &r.st, &key);
		symtab_put(&ld.loaded, key, root);
	}
	root->file = src_adopt(sm, name, text, r.len);
	out->root = root->file;
	check_path_text(&ld, name, nowhere);
	if (r.too_large) {
		load_report_too_large(diags, root->file);
		return LOAD_OK;
	}
	/* not located in the file: its first line, shown as UTF-8, would be mostly escaped zero bytes */
	if (report_wide_encoding(&ld, root->file, nowhere) || report_bes_content(&ld, root->file, NULL) ||
	    report_other_format(&ld, root->file, NULL))
		return LOAD_OK;
	load_file(&ld, root);
	return LOAD_OK;
}
