/*
 * rewrite.c - a plan file replaced by a new version of itself (see rewrite.h).
 */
#define _XOPEN_SOURCE 700 /* realpath() */

#include "cmd/rewrite.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/textbuf.h"
#include "out/outset.h"

/*
 * Whether the file's lines end in CRLF, as its first line does: Git for
 * Windows checks files out so by default, and fmt keeps what a file uses.
 */
bool rewrite_uses_crlf(const struct src_file *f)
{
	const char *nl = memchr(f->text, '\n', f->len);
	return nl && nl > f->text && nl[-1] == '\r';
}

/* The formatted text (LF line ends) with CRLF ones; a '\r' already there (in a string) is not doubled. */
const char *rewrite_with_crlf(struct arena *a, const char *text, size_t len, size_t *out_len)
{
	struct textbuf b;
	textbuf_init(&b, a);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			textbuf_putc(&b, '\r');
		textbuf_putc(&b, text[i]);
	}
	*out_len = b.len;
	return b.data ? b.data : "";
}

/*
 * Replaces the file whole, keeping its permissions; a file this user may
 * not write is left alone even where the directory would allow replacing
 * it.  Writes through a symbolic link, as editors do, rather than
 * replacing the link.
 */
bool rewrite_file(struct arena *a, const char *path, const char *text, size_t len, const char **why)
{
	struct stat st;
	if (stat(path, &st) != 0 || access(path, W_OK) != 0) {
		*why = arena_printf(a, "cannot write '%s': %s", path, strerror(errno));
		return false;
	}
	char target[PATH_MAX];
	struct stat lst;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(path, target))
		path = arena_strdup(a, target);
	struct outset set;
	outset_init(&set, a);
	set.mode = st.st_mode & 07777;
	set.durable = true; /* a plan file is a source: no build can make it again */
	struct outset_failure failure;
	if (outset_add(&set, path, text, len, &failure) && outset_commit(&set, &failure))
		return true;
	outset_abort(&set);
	*why = outset_failure_message(a, &failure);
	return false;
}

