/*
 * outset.h - the files of one build, written all together or not at all.
 *
 * A build produces several files (a .bes per plan, the checklists,
 * plan.json, a depfile).  A build system must never see a half-written
 * one, nor a mix of old and new: so every file is first written in full to
 * a temporary file beside its destination (same directory, so rename(2) is
 * atomic), flushed to disk, and only when all of them are written are they
 * renamed into place.  If anything fails before that, every temporary file
 * is removed and the previous outputs are left as they were.
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
	struct ptrvec files; /* struct outset_file *, in the order added */
};

struct outset_file {
	const char *path;
	const char *data;
	size_t len;
};

/* Why a commit failed: the path concerned, what was being done, and errno. */
struct outset_failure {
	const char *path;
	const char *doing; /* "create a temporary file for", "write", "rename", ... */
	int error;         /* an errno value */
};

void outset_init(struct outset *set, struct arena *arena);

/* Adds a file to write; `data` must stay valid until the commit (arena memory does). */
void outset_add(struct outset *set, const char *path, const char *data, size_t len);

/*
 * Writes every file atomically, creating missing parent directories.  On
 * failure fills *why, removes every temporary file (and the directories it
 * created) and returns false; files already in place are untouched unless
 * the failure was a rename, which is reported like any other.
 */
bool outset_commit(struct outset *set, struct outset_failure *why);

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
