/*
 * outset.h - the files of one build, written all together or not at all.
 *
 * A build produces several files (a .bes per plan, the checklists,
 * plan.json, a depfile).  A build system must never see a half-written
 * one, nor a mix of old and new.  So each file is written to a temporary
 * file beside its destination (same directory, so rename(2) is atomic) as
 * it is produced, and only when all of them are complete and flushed to
 * disk are they renamed into place.  If anything fails first, or the build
 * finds errors, every temporary file is removed and the previous outputs
 * stay as they were.
 *
 * The module also renders the depfile text for `-MD -MF FILE [-MT TARGET]`.
 */
#ifndef BFPLAN_OUTSET_H
#define BFPLAN_OUTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct outset {
	struct arena *arena;
	struct ptrvec files;   /* struct outset_file *, in the order opened */
	struct ptrvec created; /* char *: directories made for the set, removed again on abort */
	unsigned mode;         /* 0666 & ~umask, what a plainly created file would get */
};

struct outset_file {
	struct outset *set;
	const char *path;
	char *dir;
	char *temp;  /* the temporary file; NULL once renamed into place or removed */
	int fd;      /* -1 once closed */
	int error;   /* the first write error (an errno value), 0 if none */
};

/* Why a set could not be written: the path concerned, what was being done, and errno. */
struct outset_failure {
	const char *path;
	const char *doing; /* "create a temporary file for", "write", "rename a temporary file to", ... */
	int error;
};

void outset_init(struct outset *set, struct arena *arena);

/*
 * Starts `path`: creates missing parent directories and the temporary
 * file.  NULL (with *why filled) if that fails; the caller then aborts.
 */
struct outset_file *outset_open(struct outset *set, const char *path, struct outset_failure *why);

/* Appends to a file of the set; a failure is remembered and reported by the commit. */
void outset_write(struct outset_file *file, const char *data, size_t len);

/* The same with the signature of a textbuf drain (ctx is the struct outset_file *). */
void outset_drain(void *file, const char *data, size_t len);

/* A whole file at once: outset_open() and outset_write(). */
bool outset_add(struct outset *set, const char *path, const char *data, size_t len,
		struct outset_failure *why);

/*
 * Flushes every file to disk and renames them all into place.  On failure
 * fills *why and aborts the set, so nothing new is left behind; only a
 * failing rename (after earlier ones succeeded) can leave some files new.
 */
bool outset_commit(struct outset *set, struct outset_failure *why);

/* Removes every temporary file and the directories the set created. */
void outset_abort(struct outset *set);

/* "cannot write 'out/x.bes': No space left on device" */
const char *outset_failure_message(struct arena *a, const struct outset_failure *why);

/*
 * The depfile text: "TARGET: PREREQ PREREQ ...\n" with each prerequisite
 * escaped for make and ninja (space as "\ ", '#' as "\#", '$' as "$$").
 * The target is written as given, as GCC's -MT does.  With `phony`, an
 * empty rule follows for each prerequisite (GCC's -MP), so deleting a plan
 * file does not break the next make run.  NULL if a path holds a line
 * break, which the format cannot carry.
 */
char *outset_depfile(struct arena *a, const char *target, const char *const *prereqs, size_t count,
		     bool phony);

#endif
