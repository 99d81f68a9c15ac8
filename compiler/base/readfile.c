/*
 * readfile.c - reading a whole file, bounded (see readfile.h).
 */
#define _DEFAULT_SOURCE /* fstatfs() */

#include "base/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif

char *read_fd_bounded(struct arena *arena, int fd, const struct stat *st, size_t max_size, size_t *len,
		      bool *too_large)
{
	/*
	 * Start from the size the file says it has (pipes say nothing) and
	 * grow when it turns out larger; read one byte past the limit to tell
	 * "exactly at the limit" from "over it".
	 */
	size_t cap = S_ISREG(st->st_mode) && (size_t)st->st_size < max_size ? (size_t)st->st_size + 1 : 64 * 1024;
	if (cap > max_size + 1)
		cap = max_size + 1;
	char *buf = arena_alloc(arena, cap + 1);
	size_t got = 0;
	for (;;) {
		if (got == cap) {
			if (cap > max_size)
				break;
			size_t grown = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
			char *bigger = arena_alloc(arena, grown + 1);
			memcpy(bigger, buf, got);
			buf = bigger;
			cap = grown;
		}
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*too_large = got > max_size;
	buf[got] = '\0';
	*len = got;
	return buf;
}

char *read_file_bounded(struct arena *arena, const char *path, size_t max_size, size_t *len,
		     bool *too_large)
{
	*too_large = false;
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) != 0)
		;
	else if (S_ISDIR(st.st_mode))
		errno = EISDIR;
	else
		text = read_fd_bounded(arena, fd, &st, max_size, len, too_large);
	int saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	errno = saved;
	return text;
}

bool is_kernel_file(int fd)
{
#ifdef __linux__
	enum { PROC_MAGIC = 0x9fa0, SYSFS_MAGIC = 0x62656572 };
	struct statfs fs;
	return fstatfs(fd, &fs) == 0 && (fs.f_type == PROC_MAGIC || fs.f_type == SYSFS_MAGIC);
#else
	(void)fd;
	return false;
#endif
}
