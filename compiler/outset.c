/*
 * outset.c - atomic output sets and depfiles (see outset.h).
 */
#include "outset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "textbuf.h"

/*
 * The process umask, for the mode a plainly created file would get.
 * umask(2) can only be read by setting it, which briefly changes process
 * state; Linux also shows it in /proc/self/status, so try that first.
 */
static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f)) {
			unsigned value;
			if (sscanf(line, "Umask: %o", &value) == 1) {
				fclose(f);
				return (mode_t)value & 0777;
			}
		}
		fclose(f);
	}
	mode_t old = umask(022);
	umask(old);
	return old & 0777;
}

void outset_init(struct outset *set, struct arena *arena)
{
	set->arena = arena;
	set->files = (struct ptrvec){0};
	set->created = (struct ptrvec){0};
	set->mode = 0666 & ~(unsigned)current_umask();
}

/* The directory part of a path ("." when there is none) and the name after it. */
static void split_path(struct arena *a, const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*dir = arena_strdup(a, ".");
		*base = path;
	} else if (slash == path) {
		*dir = arena_strdup(a, "/");
		*base = slash + 1;
	} else {
		*dir = arena_strndup(a, path, (size_t)(slash - path));
		*base = slash + 1;
	}
}

/* mkdir -p, remembering each directory it made so an abort can remove them. */
static bool ensure_dir(struct outset *set, const char *dir, int *error)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return true;
		*error = ENOTDIR;
		return false;
	}
	char *copy = arena_strdup(set->arena, dir);
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0777) == 0) {
			ptrvec_push(set->arena, &set->created, arena_strdup(set->arena, copy));
		} else if (errno != EEXIST) {
			*error = errno;
			return false;
		} else if (stat(copy, &st) != 0 || !S_ISDIR(st.st_mode)) {
			*error = ENOTDIR;
			return false;
		}
		*p = saved;
		if (saved == '\0')
			return true;
	}
}

static bool failed(struct outset_failure *why, const char *path, const char *doing, int error)
{
	why->path = path;
	why->doing = doing;
	why->error = error;
	return false;
}

struct outset_file *outset_open(struct outset *set, const char *path, struct outset_failure *why)
{
	struct arena *a = set->arena;
	struct outset_file *f = arena_alloc(a, sizeof *f);
	f->set = set;
	f->path = arena_strdup(a, path);
	f->fd = -1;
	const char *base;
	split_path(a, f->path, &f->dir, &base);
	int error = 0;
	if (!ensure_dir(set, f->dir, &error)) {
		failed(why, f->dir, "create the directory", error);
		return NULL;
	}
	struct stat st;
	if (stat(f->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		failed(why, f->path, "replace", EISDIR);
		return NULL;
	}
	/* hidden, beside the destination: rename(2) is atomic only within one file system */
	char *temp = arena_printf(a, "%s/.%s.XXXXXX", f->dir, base);
	f->fd = mkstemp(temp);
	if (f->fd < 0) {
		failed(why, f->path, "create a temporary file for", errno);
		return NULL;
	}
	f->temp = temp;
	ptrvec_push(a, &set->files, f);
	return f;
}

void outset_write(struct outset_file *f, const char *data, size_t len)
{
	while (len > 0 && !f->error) {
		ssize_t n = write(f->fd, data, len);
		if (n < 0) {
			if (errno != EINTR)
				f->error = errno;
			continue;
		}
		data += n;
		len -= (size_t)n;
	}
}

void outset_drain(void *file, const char *data, size_t len)
{
	outset_write(file, data, len);
}

bool outset_add(struct outset *set, const char *path, const char *data, size_t len,
		struct outset_failure *why)
{
	struct outset_file *f = outset_open(set, path, why);
	if (!f)
		return false;
	outset_write(f, data, len);
	return true;
}

void outset_abort(struct outset *set)
{
	for (size_t i = 0; i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		if (f->fd >= 0) {
			close(f->fd);
			f->fd = -1;
		}
		if (f->temp) {
			unlink(f->temp);
			f->temp = NULL;
		}
	}
	/* newest first, so children go before parents; one that is not empty simply stays */
	for (size_t i = set->created.len; i-- > 0;)
		rmdir(set->created.items[i]);
	set->created.len = 0;
}

/* Completes one temporary file: written in full, on disk, with its final mode. */
static bool finish_file(struct outset *set, struct outset_file *f, struct outset_failure *why)
{
	if (f->error)
		return failed(why, f->path, "write", f->error);
	int error = 0;
	if (fsync(f->fd) != 0)
		error = errno;
	/* mkstemp makes the file 0600; give it the mode a plain creat() would have */
	else if (fchmod(f->fd, (mode_t)set->mode) != 0)
		error = errno;
	if (close(f->fd) != 0 && !error)
		error = errno;
	f->fd = -1;
	if (error)
		return failed(why, f->path, "write", error);
	return true;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return;
	/* best effort: the files are in place; some file systems cannot sync a directory */
	(void)fsync(fd);
	close(fd);
}

bool outset_commit(struct outset *set, struct outset_failure *why)
{
	bool ok = true;
	for (size_t i = 0; i < set->files.len && ok; i++)
		ok = finish_file(set, set->files.items[i], why);
	for (size_t i = 0; i < set->files.len && ok; i++) {
		struct outset_file *f = set->files.items[i];
		if (rename(f->temp, f->path) != 0)
			ok = failed(why, f->path, "rename a temporary file to", errno);
		else
			f->temp = NULL;
	}
	if (!ok) {
		outset_abort(set);
		return false;
	}
	/* the renames are durable only once each directory entry is flushed; outputs share few directories */
	struct ptrvec dirs = {0};
	for (size_t i = 0; i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		bool seen = false;
		for (size_t j = 0; j < dirs.len && !seen; j++)
			seen = strcmp(dirs.items[j], f->dir) == 0;
		if (!seen) {
			ptrvec_push(set->arena, &dirs, f->dir);
			sync_dir(f->dir);
		}
	}
	set->created.len = 0;
	return true;
}

const char *outset_failure_message(struct arena *a, const struct outset_failure *why)
{
	return arena_printf(a, "cannot %s '%s': %s", why->doing, why->path, strerror(why->error));
}

/* Make's and ninja's shared depfile quoting. */
static bool append_escaped(struct textbuf *b, const char *path)
{
	for (const char *p = path; *p; p++) {
		switch (*p) {
		case '\n':
		case '\r':
			return false;
		case ' ':
		case '\t':
			textbuf_putc(b, '\\');
			textbuf_putc(b, *p);
			break;
		case '#':
			textbuf_puts(b, "\\#");
			break;
		case '$':
			textbuf_puts(b, "$$");
			break;
		default:
			textbuf_putc(b, *p);
		}
	}
	return true;
}

char *outset_depfile(struct arena *a, const char *target, const char *const *prereqs, size_t count,
		     bool phony)
{
	if (strpbrk(target, "\r\n"))
		return NULL;
	struct textbuf b;
	textbuf_init(&b, a);
	textbuf_puts(&b, target);
	textbuf_putc(&b, ':');
	for (size_t i = 0; i < count; i++) {
		/* one prerequisite per line keeps diffs of depfiles readable */
		textbuf_puts(&b, " \\\n ");
		if (!append_escaped(&b, prereqs[i]))
			return NULL;
	}
	textbuf_putc(&b, '\n');
	for (size_t i = 0; phony && i < count; i++) {
		textbuf_putc(&b, '\n');
		append_escaped(&b, prereqs[i]);
		textbuf_puts(&b, ":\n");
	}
	return b.data;
}
