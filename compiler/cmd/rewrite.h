/*
 * rewrite.h - a plan file replaced by a new version of itself, as fmt -w
 * and check --fix do: in its own layout of line ends, whole or not at all.
 */
#ifndef BFPLAN_CMD_REWRITE_H
#define BFPLAN_CMD_REWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/source.h"

/*
 * Whether the file's lines end in CRLF, as its first line does: Git for
 * Windows checks files out so by default, and fmt keeps what a file uses.
 */
bool rewrite_uses_crlf(const struct src_file *f);

/* Formatted text (LF line ends) given CRLF ones; a '\r' already there (in a string) is not doubled. */
const char *rewrite_with_crlf(struct arena *a, const char *text, size_t len, size_t *out_len);

/*
 * Replaces the file whole, keeping its permissions; a file this user may
 * not write is left alone even where the directory would allow replacing
 * it.  Writes through a symbolic link, as editors do, rather than
 * replacing the link.  False, with *why, when it cannot.
 */
bool rewrite_file(struct arena *a, const char *path, const char *text, size_t len, const char **why);

#endif
