/*
 * rewrite.c - a plan file replaced by a new version of itself (see rewrite.h).
 */
#define _XOPEN_SOURCE 700 /* realpath() */

#include "cmd/rewrite.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
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
 * Replaces the file whole, keeping its mode, owner and group (or not at
 * all, when they cannot be kept); a file this user may not write is left
 * alone even where the directory would allow replacing it.  Writes
 * through a symbolic link, as editors do, rather than replacing the link:
 * the file was read by the rule of every named file, so the link stays in
 * the directory it was named in (unless --allow-outside).  A file with
 * several hard links is refused: replacing one name would part it from
 * the others, and writing in place could leave it half-written.
 */
bool rewrite_file(struct arena *a, const char *path, const char *text, size_t len, const char **why)
{
	struct stat st;
	if (stat(path, &st) != 0 || access(path, W_OK) != 0) {
		*why = arena_printf(a, "cannot write '%s': %s", path, strerror(errno));
		return false;
	}
	if (st.st_nlink > 1) {
		*why = arena_printf(a, "'%s' has %ju hard links: -w replaces a file by its name, which would part "
				    "this name from the others; the file is unchanged; format it with 'bfplan fmt' to "
				    "standard output and copy the result over it, which keeps the links",
				    path, (uintmax_t)st.st_nlink);
		return false;
	}
	char target[PATH_MAX];
	struct stat lst;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(path, target))
		path = arena_strdup(a, target);
	struct outset set;
	outset_init(&set, a);
	set.mode = st.st_mode & 07777;
	set.keep_owner = true;
	set.owner = (long)st.st_uid;
	set.group = (long)st.st_gid;
	set.durable = true; /* a plan file is a source: no build can make it again */
	struct outset_failure failure;
	if (outset_add(&set, path, text, len, &failure) && outset_commit(&set, &failure))
		return true;
	outset_abort(&set);
	*why = outset_failure_message(a, &failure);
	return false;
}

