/*
 * readfile.h - reading a whole file into an arena, never more than a bound.
 *
 * Every file bfplan reads (plans, imported .bes, files to format) is read
 * here, so a huge or endless input (a pipe, /dev/zero) costs at
 * most the bound plus one byte.
 */
#ifndef BFPLAN_READFILE_H
#define BFPLAN_READFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/arena.h"

/*
 * Reads the open descriptor that `st` describes into the arena,
 * NUL-terminated; NULL with errno set on failure.  Past `max_size` bytes
 * it stops and sets *too_large.  (Which files may be opened at all is the
 * loader's rule: load_read_file() in front/load.h.)
 */
char *read_fd_bounded(struct arena *arena, int fd, const struct stat *st, size_t max_size, size_t *len,
		      bool *too_large);

/*
 * Whether fd is one of the kernel's own files (/proc, /sys): they look
 * like regular files but hold the process's environment, memory maps and
 * the like, never plan text.
 */
bool is_kernel_file(int fd);

#endif
