/*
 * outset.c - atomic output sets and depfiles (see outset.h).
 */
#define _GNU_SOURCE /* renameat2(), RENAME_NOREPLACE */
#include "out/outset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
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
 * it before an abandoned compilation's arena is freed.  A staged output
 * directory and those made inside it are on the list too (is_dir), each
 * after everything in it, so a walk from the head (newest first) empties
 * a directory before it calls rmdir(2) on it.
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

/*
 * Puts f at the head of the list without blocking the signals, for the
 * file about to be made in the staged directory (where only this set
 * writes): it saves two system calls per file.  A handler that runs
 * before the file exists unlinks a name nobody has, harmlessly; one that
 * runs in between sees the list without f or with all of it, since the
 * single store that publishes f comes after f is complete.
 */
static void live_publish(struct outset_file *f)
{
	f->live_prev = NULL;
	f->live_next = live_files;
	if (live_files)
		live_files->live_prev = f; /* the handler follows live_next only */
	atomic_signal_fence(memory_order_seq_cst);
	live_files = f;
	atomic_signal_fence(memory_order_seq_cst);
}

/* Takes f off the list without removing its file (another file of the set has its name). */
static void forget_temp(struct outset_file *f)
{
	sigset_t saved;
	block_signals(&saved);
	f->temp = NULL;
	live_remove(f);
	restore_signals(&saved);
}

/* Removes a temporary file, or a staged directory emptied already; async-signal-safe. */
static void remove_temp(const struct outset_file *f)
{
	if (f->is_dir)
		rmdir(f->temp);
	else
		unlink(f->temp);
}

/* Removes f's temporary file (or directory) and takes it off the list. */
static void drop_temp(struct outset_file *f)
{
	sigset_t saved;
	block_signals(&saved);
	if (f->temp) {
		remove_temp(f);
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
			remove_temp(f);
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
			remove_temp(f);
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

/*
 * The next name to try for a temporary file or staged directory in `dir`
 * for the destination named `base`: ".bfplan-tmp.PID.BASE.N", BASE cut to
 * TEMP_NAME_KEEP bytes, N the set's next number.
 */
static char *temp_name(struct outset *set, const char *dir, const char *base)
{
	size_t keep = strlen(base);
	if (keep > TEMP_NAME_KEEP)
		keep = TEMP_NAME_KEEP;
	return arena_printf(set->arena, "%s/" TEMP_PREFIX "%ld.%.*s.%u", dir, set->pid, (int)keep, base,
			    set->temp_count++);
}

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

/* How deep a stale staged directory is removed: far deeper than any build writes. */
enum { STALE_TREE_DEPTH = 32 };

/*
 * Removes the directory `name` of `at` with everything in it, never
 * following a symbolic link; what it cannot remove stays.
 */
static void remove_tree_at(int at, const char *name, int depth)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (!S_ISDIR(st.st_mode))
			unlinkat(fd, e->d_name, 0);
		else if (depth < STALE_TREE_DEPTH)
			remove_tree_at(fd, e->d_name, depth + 1);
	}
	closedir(d);
	unlinkat(at, name, AT_REMOVEDIR);
}

/*
 * Removes the temporary files that builds which no longer run left in
 * `dir` (killed, or cut off by a power failure), and their staged output
 * directories whole.  What a process that still runs owns is another
 * build's, at work: it stays.
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
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode))
			unlinkat(dirfd(d), e->d_name, 0);
		else if (S_ISDIR(st.st_mode))
			remove_tree_at(dirfd(d), e->d_name, 0);
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

void outset_rename_first(struct outset *set, const char *path)
{
	set->first = path ? arena_strdup(set->arena, path) : NULL;
}

void outset_date_old(struct outset_file *file)
{
	file->dated_old = true;
}

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

/* ---- a staged output directory --------------------------------------------------------- */

void outset_stage(struct outset *set, const char *dir)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	const char *final = arena_strndup(set->arena, dir, len);
	const char *slash = strrchr(final, '/');
	const char *base = slash ? slash + 1 : final;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strlen(base) > NAME_MAX)
		return;
	struct stat st;
	if (lstat(final, &st) == 0 || errno != ENOENT)
		return; /* it exists (or cannot be looked at): each file goes into place on its own */
	set->stage_final = final;
	set->stage_final_len = len;
}

/* The part of `path` inside the directory to stage, or NULL when it is not in it. */
static const char *staged_tail(const struct outset *set, const char *path)
{
	size_t len = set->stage_final_len;
	if (!set->stage_final || strncmp(path, set->stage_final, len) != 0 || path[len] != '/')
		return NULL;
	const char *tail = path + len;
	while (*tail == '/')
		tail++;
	return *tail ? tail : NULL;
}

/*
 * Makes the staged directory: beside the output directory, under a
 * temporary file's kind of name, so that the sweep of a later build
 * removes it whole if this one is killed; its parents are made as for
 * any file (and removed again by an abort).
 */
static bool make_stage(struct outset *set, struct outset_failure *why)
{
	struct arena *a = set->arena;
	const char *parent = dir_of(a, set->stage_final);
	bool made;
	int error = 0;
	if (!ensure_dir(set, parent, &made, &error))
		return failed(why, parent, "create the directory", error);
	if (!made)
		sweep_once(set, parent);
	const char *slash = strrchr(set->stage_final, '/');
	const char *base = slash ? slash + 1 : set->stage_final;
	struct outset_file *d = arena_alloc(a, sizeof *d);
	d->set = set;
	d->path = set->stage_final;
	d->fd = -1;
	d->is_dir = true;
	for (unsigned tries = 0; tries < TEMP_TRIES && !d->temp; tries++) {
		char *temp = temp_name(set, parent, base);
		sigset_t saved;
		block_signals(&saved);
		if (mkdir(temp, 0777) == 0) {
			d->temp = temp;
			live_add(d);
		}
		error = errno;
		restore_signals(&saved);
		if (!d->temp && error != EEXIST)
			break;
	}
	if (!d->temp)
		return failed(why, set->stage_final, "create a temporary directory for", error);
	/* its files are opened relative to it: no walk of the whole path per file */
	d->fd = open(d->temp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	set->stage = d;
	set->stage_temp = d->temp;
	return true;
}

/*
 * mkdir -p inside the staged directory, which exists: each directory made
 * goes on the list of temporaries, so a signal or an abort removes it.
 */
static bool ensure_staged_dir(struct outset *set, const char *dir, int *error)
{
	size_t root = strlen(set->stage_temp);
	if (dir[root] == '\0')
		return true;
	char *copy = arena_strdup(set->arena, dir);
	for (char *p = copy + root + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved_char = *p;
		*p = '\0';
		struct outset_file *d = arena_alloc(set->arena, sizeof *d);
		d->set = set;
		d->fd = -1;
		d->is_dir = true;
		sigset_t saved;
		block_signals(&saved);
		bool made = mkdir(copy, 0777) == 0;
		*error = errno;
		if (made) {
			d->temp = arena_strdup(set->arena, copy);
			d->path = d->temp;
			live_add(d);
		}
		restore_signals(&saved);
		struct stat st;
		if (made)
			ptrvec_push(set->arena, &set->stage_dirs, d);
		else if (*error != EEXIST)
			return false;
		else if (stat(copy, &st) != 0 || !S_ISDIR(st.st_mode)) {
			*error = ENOTDIR; /* a file of the set is in the way */
			return false;
		}
		*p = saved_char;
		if (saved_char == '\0')
			return true;
	}
}

/* Closes the staged directory's descriptor, once no file is opened in it any more. */
static void close_stage(struct outset *set)
{
	if (set->stage->fd >= 0)
		close(set->stage->fd);
	set->stage->fd = -1;
}

/* Renames `from` to `to` unless `to` exists, even as an empty directory, which rename(2) would replace. */
static int rename_noreplace(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	/* a file system without the flag: a directory that appears in between is the one case left */
	struct stat st;
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/*
 * Puts the staged directory in place, with the cleanup signals blocked:
 * every file in it is then in place, off the list of temporaries.
 * Refused if the output directory appeared since outset_stage() (another
 * build, or a person): the commit fails and the set is aborted.
 */
static bool rename_stage(struct outset *set, struct outset_failure *why)
{
	if (rename_noreplace(set->stage_temp, set->stage_final) != 0)
		return failed(why, set->stage_final, "rename a temporary directory to", errno);
	for (size_t i = 0; i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		if (f->staged_at && f->temp) {
			f->temp = NULL;
			live_remove(f);
		}
	}
	for (size_t i = 0; i < set->stage_dirs.len; i++) {
		struct outset_file *d = set->stage_dirs.items[i];
		d->temp = NULL;
		live_remove(d);
	}
	set->stage->temp = NULL;
	live_remove(set->stage);
	close_stage(set);
	return true;
}

/*
 * Creates a staged file under its own name.  A name an earlier file of
 * the set has taken is left to a temporary file beside it, renamed over
 * it at the commit as outside the staged directory (f->fd stays -1).
 * False when that cannot work: a directory is in the way (EISDIR), or
 * the file cannot be made.
 */
static bool open_staged(struct outset_file *f, const char *tail, int *error)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
	int root = f->set->stage->fd;
	f->temp = f->staged_at;
	live_publish(f);
	f->fd = root >= 0 && !strchr(tail, '/') ? openat(root, tail, flags, 0666) : open(f->staged_at, flags, 0666);
	if (f->fd >= 0)
		return true;
	*error = errno;
	forget_temp(f);
	struct stat st;
	if (*error != EEXIST)
		return false;
	if (lstat(f->staged_at, &st) == 0 && S_ISDIR(st.st_mode)) {
		*error = EISDIR;
		return false;
	}
	return true;
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
	/* a file of a staged directory is written there under its own name until the commit */
	const char *tail = staged_tail(set, f->path);
	const char *at = f->path;
	if (tail) {
		if (!set->stage && !make_stage(set, why))
			return NULL;
		f->staged_at = arena_concat(a, set->stage_temp, "/", tail, NULL);
		if (strlen(f->staged_at) >= PATH_MAX) {
			failed(why, f->path, "create", ENAMETOOLONG);
			return NULL;
		}
		at = f->staged_at;
	}
	int error = 0;
	if (in_ready_dir(set, at)) {
		f->dir = set->ready_dir; /* as nearly every file of a build is: its directory is not copied */
	} else {
		f->dir = dir_of(a, at);
		bool ok = tail ? ensure_staged_dir(set, f->dir, &error)
			       : ensure_dir(set, f->dir, &set->ready_dir_made, &error);
		if (!ok) {
			failed(why, tail ? dir_of(a, f->path) : f->dir, "create the directory", error);
			return NULL;
		}
		set->ready_dir = f->dir;
		set->ready_dir_made |= tail != NULL; /* the staged directory holds only what the set puts there */
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
	if (tail && !open_staged(f, tail, &error)) {
		failed(why, f->path, error == EISDIR ? "replace" : "create", error);
		return NULL;
	}
	/*
	 * Hidden, beside the destination: rename(2) is atomic only within one
	 * file system.  Created with O_EXCL and mode 0666, so the umask gives it
	 * the mode a plainly created file gets and nothing needs changing at the
	 * end; a name that is taken (another set of this process, or a file a
	 * dead process with our PID left) moves on to the next number.
	 */
	sigset_t saved;
	char *temp = NULL;
	for (unsigned tries = 0; tries < TEMP_TRIES && f->fd < 0; tries++) {
		temp = temp_name(set, f->dir, base);
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
	/* the staged directory, emptied: what was made inside it first, newest first */
	for (size_t i = set->stage_dirs.len; i-- > 0;)
		drop_temp(set->stage_dirs.items[i]);
	set->stage_dirs.len = 0;
	if (set->stage) {
		close_stage(set);
		drop_temp(set->stage);
	}
	set->stage = NULL;
	set->stage_temp = NULL;
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
	else if (set->keep_owner && fchown(f->fd, (uid_t)set->owner, (gid_t)set->group) != 0)
		error = errno;
	else if (set->mode && fchmod(f->fd, (mode_t)set->mode) != 0)
		error = errno; /* after fchown, which may clear set-user-ID and set-group-ID bits */
	else if (f->dated_old && futimens(f->fd, (const struct timespec[2]){{0, 0}, {0, 0}}) != 0)
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

/*
 * A file of the staged directory is in place once the directory is; before
 * that, only one whose name an earlier file of the set took has a rename
 * to make, from its temporary file to that name (still in the staged directory).
 */
static bool place_in_stage(struct outset_file *f, struct outset_failure *why)
{
	if (f->temp == f->staged_at)
		return true;
	if (rename(f->temp, f->staged_at) != 0)
		return failed(why, f->path, "rename a temporary file to", errno);
	f->temp = f->staged_at; /* still to remove if the commit fails */
	return true;
}

/* Where a file's directory is once the commit is done (the staged directory has its own name then). */
static const char *final_dir(struct outset *set, const struct outset_file *f)
{
	if (!f->staged_at)
		return f->dir;
	return arena_concat(set->arena, set->stage_final, f->dir + strlen(set->stage_temp), NULL);
}

/* The file of the set at `path` (set->first, set->last), or NULL. */
static struct outset_file *file_at(const struct outset *set, const char *path)
{
	for (size_t i = 0; path && i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		if (strcmp(f->path, path) == 0)
			return f;
	}
	return NULL;
}

/* The files in the order of their renames: the first one, the others as opened, the last one. */
static struct outset_file **rename_order(const struct outset *set)
{
	struct outset_file **order = arena_calloc(set->arena, set->files.len + 1, sizeof *order);
	struct outset_file *first = file_at(set, set->first), *last = file_at(set, set->last);
	size_t n = 0;
	if (first && first != last)
		order[n++] = first;
	for (size_t i = 0; i < set->files.len; i++) {
		struct outset_file *f = set->files.items[i];
		if (f != last && (f != first || first == last))
			order[n++] = f;
	}
	if (last)
		order[n++] = last;
	return order;
}

bool outset_commit(struct outset *set, struct outset_failure *why)
{
	bool ok = true;
	for (size_t i = 0; i < set->files.len && ok; i++)
		ok = finish_file(set, set->files.items[i], why);
	/*
	 * SIGINT, SIGTERM and SIGHUP wait until every file is in place, so only
	 * SIGKILL or a crash can leave old and new files mixed; the list of
	 * what is coming goes first, so even then every file is named in one,
	 * and the watched file last, so the build system sees a stale output.
	 */
	struct outset_file **order = ok ? rename_order(set) : NULL;
	/*
	 * The staged directory goes into place with the last of its files in
	 * that order: after every file outside it that comes before, and
	 * before the watched file when that one is outside it.
	 */
	size_t stage_at = SIZE_MAX;
	for (size_t i = 0; ok && set->stage && i < set->files.len; i++)
		if (order[i]->staged_at)
			stage_at = i;
	sigset_t saved;
	block_signals(&saved);
	for (size_t i = 0; i < set->files.len && ok; i++) {
		ok = order[i]->staged_at ? place_in_stage(order[i], why) : rename_into_place(order[i], why);
		if (ok && i == stage_at)
			ok = rename_stage(set, why);
		if (ok && set->after_rename)
			set->after_rename(set->after_rename_ctx, i + 1);
	}
	restore_signals(&saved);
	if (!ok) {
		outset_abort(set);
		return false;
	}
	/* the renames are durable only once each directory entry is flushed; outputs share few directories */
	struct cptrvec dirs = {0};
	if (set->durable && set->stage) {
		cptrvec_push(set->arena, &dirs, dir_of(set->arena, set->stage_final)); /* the staged one's rename */
		sync_dir(dirs.items[0]);
	}
	for (size_t i = 0; set->durable && i < set->files.len; i++) {
		const struct outset_file *f = set->files.items[i];
		if (i > 0 && f->dir == ((const struct outset_file *)set->files.items[i - 1])->dir)
			continue; /* most files share their directory's string (ready_dir) */
		const char *dir = final_dir(set, f);
		bool seen = false;
		for (size_t j = 0; j < dirs.len && !seen; j++)
			seen = strcmp(dirs.items[j], dir) == 0;
		if (!seen) {
			cptrvec_push(set->arena, &dirs, dir);
			sync_dir(dir);
		}
	}
	set->created.len = 0;
	set->stage_dirs.len = 0;
	set->stage = NULL;
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
