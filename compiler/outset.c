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

void outset_init(struct outset *set, struct arena *arena)
{
	set->arena = arena;
	set->files = (struct ptrvec){0};
}

void outset_add(struct outset *set, const char *path, const char *data, size_t len)
{
	struct outset_file *f = arena_alloc(set->arena, sizeof *f);
	f->path = arena_strdup(set->arena, path);
	f->data = data;
	f->len = len;
	ptrvec_push(set->arena, &set->files, f);
}

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

/* mkdir -p, remembering each directory it made so a failed commit can remove them. */
static bool ensure_dir(struct arena *a, const char *dir, struct ptrvec *created, int *error)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return true;
		*error = ENOTDIR;
		return false;
	}
	char *copy = arena_strdup(a, dir);
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0777) == 0) {
			ptrvec_push(a, created, arena_strdup(a, copy));
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

static bool write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

struct pending {
	const struct outset_file *file;
	char *dir;
	char *temp; /* NULL once renamed into place or never created */
};

static bool failed(struct outset_failure *why, const char *path, const char *doing, int error)
{
	why->path = path;
	why->doing = doing;
	why->error = error;
	return false;
}

/* Writes one file's temporary copy in full; the caller removes it on failure. */
static bool write_temp(struct arena *a, struct pending *p, mode_t mode, struct ptrvec *created,
		       struct outset_failure *why)
{
	const char *path = p->file->path;
	const char *base;
	split_path(a, path, &p->dir, &base);
	int error = 0;
	if (!ensure_dir(a, p->dir, created, &error))
		return failed(why, p->dir, "create the directory", error);
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return failed(why, path, "replace", EISDIR);

	/* hidden, beside the destination: rename(2) is atomic only within one file system */
	char *temp = arena_printf(a, "%s/.%s.XXXXXX", p->dir, base);
	int fd = mkstemp(temp);
	if (fd < 0)
		return failed(why, path, "create a temporary file for", errno);
	p->temp = temp;
	bool ok = write_all(fd, p->file->data, p->file->len);
	if (ok)
		ok = fsync(fd) == 0;
	/* mkstemp makes the file 0600; give it the mode a plain creat() would have */
	if (ok)
		ok = fchmod(fd, mode) == 0;
	error = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		error = errno;
	}
	if (!ok)
		return failed(why, path, "write", error);
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
	struct arena *a = set->arena;
	size_t n = set->files.len;
	struct pending *pend = arena_calloc(a, n ? n : 1, sizeof *pend);
	struct ptrvec created = {0};
	mode_t mode = 0666 & ~current_umask();
	bool ok = true;

	for (size_t i = 0; i < n && ok; i++) {
		pend[i].file = set->files.items[i];
		ok = write_temp(a, &pend[i], mode, &created, why);
	}
	for (size_t i = 0; i < n && ok; i++) {
		if (rename(pend[i].temp, pend[i].file->path) != 0)
			ok = failed(why, pend[i].file->path, "rename a temporary file to", errno);
		else
			pend[i].temp = NULL;
	}
	if (!ok) {
		for (size_t i = 0; i < n; i++)
			if (pend[i].temp)
				unlink(pend[i].temp);
		/* newest first, so children go before parents; a non-empty one simply stays */
		for (size_t i = created.len; i-- > 0;)
			rmdir(created.items[i]);
		return false;
	}
	/* the renames are durable only once each directory entry is flushed */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(pend[j].dir, pend[i].dir) == 0;
		if (!seen)
			sync_dir(pend[i].dir);
	}
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
