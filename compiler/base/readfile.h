/*
 * readfile.h - reading a whole file into an arena, never more than a bound.
 *
 * Every file bfplan reads (plans, imported .bes, files to format) comes
 * through here, so a huge or endless input (a pipe, /dev/zero) costs at
 * most the bound plus one byte.
 */
#ifndef BFPLAN_READFILE_H
#define BFPLAN_READFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/arena.h"

/*
 * Reads `path` (standard input for "-") into the arena, NUL-terminated.
 * NULL with errno set on failure (EISDIR for a directory).  Past
 * `max_size` bytes it stops and sets *too_large.
 */
char *read_file_bounded(struct arena *arena, const char *path, size_t max_size, size_t *len,
			bool *too_large);

/* The same from an open descriptor that `st` describes. */
char *read_fd_bounded(struct arena *arena, int fd, const struct stat *st, size_t max_size, size_t *len,
		      bool *too_large);

/*
 * Whether fd is one of the kernel's own files (/proc, /sys): they look
 * like regular files but hold the process's environment, memory maps and
 * the like, never plan text.
 */
bool is_kernel_file(int fd);

#endif
