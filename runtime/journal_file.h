/*
 * journal_file.h - a journal on disk: reading it, locking it, appending to it.
 *
 * The I/O half of the journal, kept apart from the pure parser
 * (journal.h) and from the engine, which does no I/O at all.  Both
 * drivers use it: `bfplan run` by hand, and the BigFix driver.
 *
 * What it promises (docs/runtime.md, "The journal"):
 *
 *   - One writer at a time.  A writer holds an exclusive lock on the
 *     journal (a POSIX record lock on the whole file) from before it reads
 *     the journal until after its append is on disk, so what it checked
 *     its entry against is still the journal it appends to.  A second
 *     writer does not wait: it is refused at once, and told which process
 *     holds the lock.
 *   - An append is on disk before it is acknowledged: the bytes are
 *     written at the end of the last complete line, then fsync()ed (and
 *     the directory too, when the append created the file).  An append
 *     that fails half-way is cut back to where it began.
 *   - A torn last line (bytes after the last newline) is set aside before
 *     the next append: copied to FILE.torn, flushed there, and cut from
 *     the journal; the append then records that it did so.
 *   - Readers take no lock.  A tail without its newline that a writer is
 *     writing at that moment is told apart from a torn one.
 */
#ifndef BFPLAN_JOURNAL_FILE_H
#define BFPLAN_JOURNAL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/arena.h"

enum journal_io_status {
	JOURNAL_IO_OK,
	JOURNAL_IO_ABSENT,     /* no such file (for a reader: a run not begun) */
	JOURNAL_IO_NOT_FILE,   /* a directory, a FIFO, a device */
	JOURNAL_IO_TOO_LARGE,  /* more than JOURNAL_MAX_BYTES */
	JOURNAL_IO_LOCKED,     /* another process writes it */
	JOURNAL_IO_FAILED,     /* a system call failed: errno is in `err` */
};

struct journal_io_failure {
	enum journal_io_status status;
	const char *what;      /* what failed: "open", "read", "lock", "write", "fsync", ... */
	const char *path;      /* the file it failed on (the journal, or FILE.torn) */
	int err;               /* errno, for JOURNAL_IO_FAILED */
	pid_t holder;          /* JOURNAL_IO_LOCKED: the process holding the lock, 0 if unknown */
};

struct journal_file {
	const char *path;
	int fd;                /* -1 when closed */
	bool locked;           /* opened for writing, with the lock held */
	bool created;          /* the open made the file */
	char *text;            /* its bytes, NUL-terminated, in the arena */
	size_t len;
	/* a reader's view of a tail without newline: a writer holds the lock (it is being written) */
	bool tail_being_written;
	pid_t writer;
};

/*
 * Reads the journal without locking it.  JOURNAL_IO_ABSENT when there is
 * no such file.  The file is closed again before it returns.
 */
bool journal_file_read(struct arena *arena, const char *path, struct journal_file *jf,
		       struct journal_io_failure *why);

/*
 * Opens the journal for appending, creating it if `create` and it does
 * not exist (JOURNAL_IO_ABSENT otherwise), takes the lock, and reads it.
 * JOURNAL_IO_LOCKED when another process holds the lock.
 */
bool journal_file_open(struct arena *arena, const char *path, bool create, struct journal_file *jf,
		       struct journal_io_failure *why);

/*
 * Sets aside the bytes from `keep` to the end (a torn last line) into
 * `torn_path`, appending there and flushing it, then cuts the journal
 * back to `keep` bytes.  For a journal opened with journal_file_open().
 */
bool journal_file_set_aside(struct journal_file *jf, size_t keep, const char *torn_path,
			    struct journal_io_failure *why);

/*
 * Writes `data` at the end of the journal (jf->len, which set_aside
 * moves) and flushes it to disk; when the open created the file, flushes
 * its directory too.  On failure the journal is cut back to what it was.
 */
bool journal_file_append(struct journal_file *jf, const char *data, size_t len, struct journal_io_failure *why);

/*
 * Closes a journal the open created and nothing was written to, removing
 * it first (the lock still held), so that a refused command leaves no
 * trace; closes any other journal as journal_file_close() does.
 */
void journal_file_abandon(struct journal_file *jf);

/* Releases the lock and closes the file; harmless on a closed one. */
void journal_file_close(struct journal_file *jf);

/* A sentence for a failure: "cannot write 'run.journal': No space left on device". */
const char *journal_io_message(struct arena *arena, const struct journal_io_failure *why);

#endif
