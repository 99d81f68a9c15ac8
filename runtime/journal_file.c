/*
 * journal_file.c - a journal on disk (see journal_file.h).
 *
 * The lock is a classic POSIX record lock rather than flock() or an
 * open-file-description lock, because only it tells the refused process
 * who holds it (F_GETLK gives the pid).  Its one trap, that closing any
 * descriptor of the file drops the process's locks, cannot bite: a
 * process opens its journal once.
 */
#include "runtime/journal_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/journal.h"

static bool fail(struct journal_io_failure *why, enum journal_io_status status, const char *what, const char *path)
{
	*why = (struct journal_io_failure){.status = status, .what = what, .path = path, .err = errno};
	return false;
}

/* The process holding a write lock on the whole file, or 0 when none does. */
static pid_t lock_holder(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid > 0 ? fl.l_pid : 0;
}

/* The whole file into the arena, checked to be a regular file of at most JOURNAL_MAX_BYTES. */
static bool read_all(struct arena *arena, struct journal_file *jf, struct journal_io_failure *why)
{
	struct stat st;
	if (fstat(jf->fd, &st) != 0)
		return fail(why, JOURNAL_IO_FAILED, "read", jf->path);
	if (!S_ISREG(st.st_mode))
		return fail(why, JOURNAL_IO_NOT_FILE, "read", jf->path);
	if (st.st_size > JOURNAL_MAX_BYTES)
		return fail(why, JOURNAL_IO_TOO_LARGE, "read", jf->path);
	size_t size = (size_t)st.st_size, got = 0;
	jf->text = arena_alloc(arena, size + 1);
	while (got < size) {
		ssize_t n = pread(jf->fd, jf->text + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(why, JOURNAL_IO_FAILED, "read", jf->path);
		if (n == 0)
			break; /* it shrank: read what is there */
		got += (size_t)n;
	}
	jf->text[got] = '\0';
	jf->len = got;
	return true;
}

/*
 * Opens without blocking (a FIFO named as the journal would otherwise
 * wait for a writer forever), and without handing the descriptor to
 * children.
 */
static int open_journal(const char *path, int flags)
{
	int fd;
	do
		fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, 0644);
	while (fd < 0 && errno == EINTR);
	return fd;
}

bool journal_file_read(struct arena *arena, const char *path, struct journal_file *jf,
		       struct journal_io_failure *why)
{
	*jf = (struct journal_file){.path = path, .fd = -1};
	int fd = open_journal(path, O_RDONLY);
	if (fd < 0)
		return fail(why, errno == ENOENT ? JOURNAL_IO_ABSENT : JOURNAL_IO_FAILED, "open", path);
	jf->fd = fd;
	bool ok = read_all(arena, jf, why);
	if (ok && jf->len && jf->text[jf->len - 1] != '\n') {
		jf->writer = lock_holder(fd);
		jf->tail_being_written = jf->writer != 0;
	}
	journal_file_close(jf);
	return ok;
}

bool journal_file_open(struct arena *arena, const char *path, bool create, struct journal_file *jf,
		       struct journal_io_failure *why)
{
	*jf = (struct journal_file){.path = path, .fd = -1};
	int fd = create ? open_journal(path, O_RDWR | O_CREAT | O_EXCL) : -1;
	if (fd >= 0)
		jf->created = true;
	else if (!create || errno == EEXIST)
		fd = open_journal(path, O_RDWR);
	if (fd < 0)
		return fail(why, errno == ENOENT ? JOURNAL_IO_ABSENT : JOURNAL_IO_FAILED, "open", path);
	jf->fd = fd;
	struct stat st;
	bool stated = fstat(fd, &st) == 0;
	if (!stated || !S_ISREG(st.st_mode)) {
		int err = errno;
		journal_file_close(jf);
		errno = err;
		return fail(why, stated ? JOURNAL_IO_NOT_FILE : JOURNAL_IO_FAILED, "open", path);
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		int err = errno;
		pid_t holder = err == EACCES || err == EAGAIN ? lock_holder(fd) : 0;
		journal_file_close(jf);
		errno = err;
		fail(why, err == EACCES || err == EAGAIN ? JOURNAL_IO_LOCKED : JOURNAL_IO_FAILED, "lock", path);
		why->holder = holder;
		return false;
	}
	jf->locked = true;
	if (!read_all(arena, jf, why)) {
		journal_file_close(jf);
		return false;
	}
	return true;
}

/* All of `len` bytes at `offset`, through short writes and interruptions. */
static bool write_all(int fd, const char *data, size_t len, off_t offset)
{
	while (len) {
		ssize_t n = pwrite(fd, data, len, offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
		offset += n;
	}
	return true;
}

static int sync_fd(int fd)
{
	int rc;
	do
		rc = fsync(fd);
	while (rc != 0 && errno == EINTR);
	return rc;
}

bool journal_file_set_aside(struct journal_file *jf, size_t keep, const char *torn_path,
			    struct journal_io_failure *why)
{
	if (keep >= jf->len)
		return true;
	int fd = open_journal(torn_path, O_WRONLY | O_CREAT | O_APPEND);
	if (fd < 0)
		return fail(why, JOURNAL_IO_FAILED, "open", torn_path);
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		  write_all(fd, jf->text + keep, jf->len - keep, st.st_size) && sync_fd(fd) == 0;
	int err = errno;
	close(fd);
	errno = err;
	if (!ok)
		return fail(why, JOURNAL_IO_FAILED, "write", torn_path);
	if (ftruncate(jf->fd, (off_t)keep) != 0 || sync_fd(jf->fd) != 0)
		return fail(why, JOURNAL_IO_FAILED, "truncate", jf->path);
	jf->len = keep; /* the text keeps its bytes: diagnostics may still quote the torn line */
	return true;
}

/* Flushes the directory holding `path`, so that a file just made there stays after a crash. */
static int sync_directory(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else if ((size_t)(slash - path) < sizeof dir) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	} else
		return 0; /* a name too long to copy: its file is flushed all the same */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = sync_fd(fd);
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}

bool journal_file_append(struct journal_file *jf, const char *data, size_t len, struct journal_io_failure *why)
{
	if (!write_all(jf->fd, data, len, (off_t)jf->len) || sync_fd(jf->fd) != 0) {
		int err = errno;
		/* what did reach the file is a line without its newline at most: cut it, so none is left */
		if (ftruncate(jf->fd, (off_t)jf->len) == 0)
			(void)sync_fd(jf->fd);
		errno = err;
		return fail(why, JOURNAL_IO_FAILED, "write", jf->path);
	}
	if (jf->created && sync_directory(jf->path) != 0)
		return fail(why, JOURNAL_IO_FAILED, "fsync the directory of", jf->path);
	jf->created = false;
	jf->len += len;
	return true;
}

void journal_file_abandon(struct journal_file *jf)
{
	if (jf->fd >= 0 && jf->created && jf->len == 0)
		(void)unlink(jf->path);
	journal_file_close(jf);
}

void journal_file_close(struct journal_file *jf)
{
	if (jf->fd >= 0)
		close(jf->fd); /* which releases the lock */
	jf->fd = -1;
	jf->locked = false;
}

const char *journal_io_message(struct arena *arena, const struct journal_io_failure *why)
{
	switch (why->status) {
	case JOURNAL_IO_OK:
		break;
	case JOURNAL_IO_ABSENT:
		return arena_printf(arena, "journal '%s' does not exist", why->path);
	case JOURNAL_IO_NOT_FILE:
		return arena_printf(arena, "journal '%s' is not a regular file", why->path);
	case JOURNAL_IO_TOO_LARGE:
		return arena_printf(arena, "journal '%s' is larger than bfplan reads (%d bytes)", why->path,
				    (int)JOURNAL_MAX_BYTES);
	case JOURNAL_IO_LOCKED:
		if (why->holder)
			return arena_printf(arena, "journal '%s' is being written by another bfplan run (process %ld)",
					    why->path, (long)why->holder);
		return arena_printf(arena, "journal '%s' is being written by another process", why->path);
	case JOURNAL_IO_FAILED:
		return arena_printf(arena, "cannot %s '%s': %s", why->what, why->path, strerror(why->err));
	}
	return "no failure";
}
