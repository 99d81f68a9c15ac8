/*
 * outset.c - atomic output sets and depfiles (see outset.h).
 */
#include "out/outset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/textbuf.h"

/* ---- the process's temporary files ------------------------------------------------ */

/*
 * Every temporary file of every set, in one doubly linked list, because a
 * signal handler can only reach process-level state.  It is the only
 * global in the compiler, kept minimal: the handler walks it and calls
 * unlink(2), which is async-signal-safe, and the list is changed only
 * with those signals blocked, so the handler never sees it half-changed.
 * The records live in the sets' arenas; a set takes its files off the
 * list as they are renamed or removed, and outset_abandon_all() empties
 * it before an abandoned compilation's arena is freed.
 */
static struct outset_file *live_files;

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void block_signals(sigset_t *saved)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &set, saved);
}

static void restore_signals(const sigset_t *saved)
{
	sigprocmask(SIG_SETMASK, saved, NULL);
}

/* Both with the signals blocked. */
static void live_add(struct outset_file *f)
{
	f->live_prev = NULL;
	f->live_next = live_files;
	if (live_files)
		live_files->live_prev = f;
	live_files = f;
}

static void live_remove(struct outset_file *f)
{
	if (f->live_prev)
		f->live_prev->live_next = f->live_next;
	else if (live_files == f)
		live_files = f->live_next;
	if (f->live_next)
		f->live_next->live_prev = f->live_prev;
	f->live_prev = f->live_next = NULL;
}

/* Removes f's temporary file and takes it off the list. */
static void drop_temp(struct outset_file *f)
{
	sigset_t saved;
	block_signals(&saved);
	if (f->temp) {
		unlink(f->temp);
		f->temp = NULL;
		live_remove(f);
	}
	restore_signals(&saved);
}

static void on_signal(int sig)
{
	int saved_errno = errno;
	for (struct outset_file *f = live_files; f; f = f->live_next)
		if (f->temp)
			unlink(f->temp);
	/* end the way the signal would have ended the process (a shell shows 128 + sig) */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved_errno;
}

void outset_handle_signals(void)
{
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
		struct sigaction old;
		if (sigaction(cleanup_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
			continue; /* nohup and background jobs ignore some on purpose */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < sizeof cleanup_signals / sizeof cleanup_signals[0]; k++)
			sigaddset(&sa.sa_mask, cleanup_signals[k]);
		sigaction(cleanup_signals[i], &sa, NULL);
	}
}

void outset_abandon_all(void)
{
	sigset_t saved;
	block_signals(&saved);
	for (struct outset_file *f = live_files; f; f = f->live_next) {
		if (f->fd >= 0)
			close(f->fd);
		if (f->temp)
			unlink(f->temp);
	}
	live_files = NULL;
	restore_signals(&saved);
}

/* ---- stale temporary files ----------------------------------------------------------------- */

#define TEMP_PREFIX ".bfplan-tmp."

/* How much of the destination's name the temporary's name repeats: enough to recognise it. */
enum { TEMP_NAME_KEEP = 64 };

/* Names tried for one temporary file before giving up (each taken one is someone's file). */
enum { TEMP_TRIES = 1000 };

/* The PID in a temporary file's name, or 0 if the name is not one of ours. */
static pid_t temp_owner(const char *name)
{
	size_t n = strlen(TEMP_PREFIX);
	if (strncmp(name, TEMP_PREFIX, n) != 0)
		return 0;
	long pid = 0;
	const char *p = name + n;
	for (; *p >= '0' && *p <= '9' && pid < 100000000; p++)
		pid = pid * 10 + (*p - '0');
	return *p == '.' ? (pid_t)pid : 0;
}

/*
 * Removes the temporary files that builds which no longer run left in
 * `dir` (killed, or cut off by a power failure).  A file whose process
 * still runs is another build's, at work: it stays.
 */
static void sweep_stale(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return; /* a missing directory has nothing to sweep; opening it for output reports the rest */
	struct dirent *e;
	pid_t self = getpid();
	while ((e = readdir(d))) {
		pid_t owner = temp_owner(e->d_name);
		if (owner <= 0 || owner == self)
			continue;
		if (kill(owner, 0) == 0 || errno == EPERM)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

static void sweep_once(struct outset *set, const char *dir)
{
	for (size_t i = 0; i < set->swept.len; i++)
		if (strcmp(set->swept.items[i], dir) == 0)
			return;
	strvec_push(set->arena, &set->swept, dir);
	sweep_stale(dir);
}

/* ---- a set --------------------------------------------------------------------------------- */

void outset_init(struct outset *set, struct arena *arena)
{
	memset(set, 0, sizeof *set);
	set->arena = arena;
	set->pid = (long)getpid();
}

void outset_rename_last(struct outset *set, const char *path)
{
	set->last = path ? arena_strdup(set->arena, path) : NULL;
}
/* The directory part of a path ("." when there is none) and the name after it. */
/* The directory part of a path: "." for a bare name, "/" for a name at the root. */
static const char *dir_of(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return arena_strdup(a, ".");
	if (slash == path)
		return arena_strdup(a, "/");
	return arena_strndup(a, path, (size_t)(slash - path));
}

/* Whether `path` names a file right in the directory made ready last. */
static bool in_ready_dir(const struct outset *set, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!set->ready_dir || !slash || slash == path)
		return false;
	size_t len = (size_t)(slash - path);
	return strncmp(path, set->ready_dir, len) == 0 && set->ready_dir[len] == '\0';
}

/* Whether a file of the set goes to `path`: no directory may be made there. */
static bool is_file_of(const struct outset *set, const char *path)
{
	for (size_t i = 0; i < set->files.len; i++)
		if (strcmp(((const struct outset_file *)set->files.items[i])->path, path) == 0)
			return true;
	return false;
}

/*
 * mkdir -p, remembering each directory it made so an abort can remove
 * them.  *made says whether `dir` itself was made.
 */
static bool ensure_dir(struct outset *set, const char *dir, bool *made, int *error)
{
	struct stat st;
	*made = false;
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
		if (is_file_of(set, copy)) {
			*error = EEXIST; /* its rename at the commit would fail, after others were done */
			return false;
		}
		if (mkdir(copy, 0777) == 0) {
			ptrvec_push(set->arena, &set->created, arena_strdup(set->arena, copy));
			*made = saved == '\0';
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
	/*
	 * Names that cannot be renamed to at the commit, which would fail
	 * there with other files already in place: a directory's ("D/", "D/.",
	 * "D/.."), and one too long once the temporary file takes it.
	 */
	const char *slash = strrchr(f->path, '/');
	const char *base = slash ? slash + 1 : f->path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		failed(why, f->path, "replace", EISDIR);
		return NULL;
	}
	if (strlen(base) > NAME_MAX || strlen(f->path) >= PATH_MAX) {
		failed(why, f->path, "create", ENAMETOOLONG);
		return NULL;
	}
	int error = 0;
	if (in_ready_dir(set, f->path)) {
		f->dir = set->ready_dir; /* as nearly every file of a build is: its directory is not copied */
	} else {
		f->dir = dir_of(a, f->path);
		if (!ensure_dir(set, f->dir, &set->ready_dir_made, &error)) {
			failed(why, f->dir, "create the directory", error);
			return NULL;
		}
		set->ready_dir = f->dir;
	}
	/*
	 * A directory where the file should go would fail its rename at the
	 * commit, after others were done; one this set made holds only what
	 * the set puts there, and every directory it makes changes ready_dir.
	 */
	struct stat st;
	if (!set->ready_dir_made && stat(f->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		failed(why, f->path, "replace", EISDIR);
		return NULL;
	}
	if (!set->ready_dir_made)
		sweep_once(set, f->dir);
	/*
	 * Hidden, beside the destination: rename(2) is atomic only within one
	 * file system.  Created with O_EXCL and mode 0666, so the umask gives it
	 * the mode a plainly created file gets and nothing needs changing at the
	 * end; a name that is taken (another set of this process, or a file a
	 * dead process with our PID left) moves on to the next number.
	 */
	size_t keep = strlen(base);
	if (keep > TEMP_NAME_KEEP)
		keep = TEMP_NAME_KEEP;
	sigset_t saved;
	char *temp = NULL;
	for (unsigned tries = 0; tries < TEMP_TRIES; tries++) {
		temp = arena_printf(a, "%s/" TEMP_PREFIX "%ld.%.*s.%u", f->dir, set->pid, (int)keep, base,
				    set->temp_count++);
		block_signals(&saved);
		f->fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		error = errno;
		if (f->fd >= 0) {
			f->temp = temp;
			live_add(f);
		}
		restore_signals(&saved);
		if (f->fd >= 0 || error != EEXIST)
			break;
	}
	if (f->fd < 0) {
		failed(why, f->path, "create a temporary file for", error);
		return NULL;
	}
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

static bool finish_file(struct outset *set, struct outset_file *f, struct outset_failure *why);

bool outset_add(struct outset *set, const char *path, const char *data, size_t len,
		struct outset_failure *why)
{
	struct outset_file *f = outset_open(set, path, why);
	if (!f)
		return false;
	outset_write(f, data, len);
	/*
	 * Done with it now, rather than at the commit: a build of ten thousand
	 * plans would otherwise hold ten thousand descriptors open.
	 */
	return finish_file(set, f, why);
}

void outset_abort(struct outset *set)
{
	for (size_t i = 0; i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		if (f->fd >= 0) {
			close(f->fd);
			f->fd = -1;
		}
		drop_temp(f);
	}
	/* newest first, so children go before parents; one that is not empty simply stays */
	for (size_t i = set->created.len; i-- > 0;)
		rmdir(set->created.items[i]);
	set->created.len = 0;
}

/*
 * Completes one temporary file: written in full and closed; with
 * `durable`, on disk too.  Without it the data reaches the disk when the
 * kernel writes it back: a power failure may then lose a build that had
 * finished, but never mixes old and new files under a build system that
 * compares times, and no build waits for the disk (outset.h).
 */
static bool finish_file(struct outset *set, struct outset_file *f, struct outset_failure *why)
{
	if (f->finished)
		return true;
	if (f->error)
		return failed(why, f->path, "write", f->error);
	int error = 0;
	if (set->durable && fsync(f->fd) != 0)
		error = errno;
	else if (set->mode && fchmod(f->fd, (mode_t)set->mode) != 0)
		error = errno;
	if (close(f->fd) != 0 && !error)
		error = errno;
	f->fd = -1;
	if (error)
		return failed(why, f->path, "write", error);
	f->finished = true;
	return true;
}

bool outset_close(struct outset_file *f, struct outset_failure *why)
{
	return finish_file(f->set, f, why);
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

/* Renames one file into place; with the cleanup signals blocked, so a signal cannot split it. */
static bool rename_into_place(struct outset_file *f, struct outset_failure *why)
{
	if (rename(f->temp, f->path) != 0)
		return failed(why, f->path, "rename a temporary file to", errno);
	f->temp = NULL;
	live_remove(f);
	return true;
}

/* The file to rename last: set->last if it is in the set. */
static struct outset_file *last_file(const struct outset *set)
{
	for (size_t i = 0; set->last && i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		if (strcmp(f->path, set->last) == 0)
			return f;
	}
	return NULL;
}

bool outset_commit(struct outset *set, struct outset_failure *why)
{
	bool ok = true;
	for (size_t i = 0; i < set->files.len && ok; i++)
		ok = finish_file(set, set->files.items[i], why);
	/*
	 * SIGINT, SIGTERM and SIGHUP wait until every file is in place, so only
	 * SIGKILL or a crash can leave old and new files mixed; the watched
	 * file goes last, so even then the build system sees a stale output.
	 */
	struct outset_file *last = last_file(set);
	sigset_t saved;
	block_signals(&saved);
	size_t renamed = 0;
	for (size_t i = 0; i <= set->files.len && ok; i++) {
		struct outset_file *f = i < set->files.len ? set->files.items[i] : last;
		if (!f || (f == last && i < set->files.len))
			continue;
		ok = rename_into_place(f, why);
		if (ok && set->after_rename)
			set->after_rename(set->after_rename_ctx, ++renamed);
	}
	restore_signals(&saved);
	if (!ok) {
		outset_abort(set);
		return false;
	}
	/* the renames are durable only once each directory entry is flushed; outputs share few directories */
	struct cptrvec dirs = {0};
	for (size_t i = 0; set->durable && i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		bool seen = false;
		for (size_t j = 0; j < dirs.len && !seen; j++)
			seen = strcmp(dirs.items[j], f->dir) == 0;
		if (!seen) {
			cptrvec_push(set->arena, &dirs, f->dir);
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

char *outset_depfile(struct arena *a, const char *target, bool quote_target, const char *const *prereqs,
		     size_t count, bool phony)
{
	if (strpbrk(target, "\r\n"))
		return NULL;
	struct textbuf b;
	textbuf_init(&b, a);
	if (quote_target)
		append_escaped(&b, target);
	else
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
