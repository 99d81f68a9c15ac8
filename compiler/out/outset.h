/*
 * outset.h - the files of one build, written all together or not at all.
 *
 * A build produces several files (a .bes per plan, the checklists,
 * plan.json, a depfile).  A build system must never see a half-written
 * one, nor a mix of old and new.  So each file is written to a temporary
 * file beside its destination (same directory, so rename(2) is atomic) as
 * it is produced, closed as soon as it is complete (a build of ten
 * thousand plans holds a handful of descriptors), and only when all of
 * them are complete are they renamed into place.  If anything fails
 * first, or the build finds errors, every temporary file is removed and
 * the previous outputs stay as they were.
 *
 * A first build into a directory that does not exist yet needs no rename
 * per file (outset_stage()): the directory is made beside its place under
 * a temporary name, its files are written there under their own names,
 * and the commit renames the directory into place, so all of them appear
 * at once, and never over a directory that appeared in the meantime.
 *
 * Durability.  By default nothing waits for the disk: the kernel writes
 * the files back when it will, as compilers and linkers leave it.  A
 * power failure just after a build may then lose it, never half of a
 * file's rename.  A set marked `durable` (build --sync) flushes each file
 * to disk before the renames and each directory after them (for a staged
 * directory, its parent too).
 *
 * Kill safety.  Temporary files and staged directories are named
 * ".bfplan-tmp.PID.NAME.N", a pattern nothing else uses: the first time a
 * set writes into a directory it removes the temporaries that a killed
 * earlier build left there (those of processes that no longer run), a
 * staged directory with everything in it.  The file build systems watch
 * (the depfile's target, plan.json by default) is renamed last (in a
 * staged directory it comes with the directory, which goes into place
 * with the last of its files in that order: after every other file), so a
 * build cut short between two renames leaves it older than its inputs and
 * make or ninja run the build again.  SIGINT, SIGTERM
 * and SIGHUP are held back while the renames run, and, once main() has
 * called outset_handle_signals(), remove every temporary file and staged
 * directory and end the process as the signal would have (exit status
 * 130, 143, 129 in a shell).
 *
 * The module also renders the depfile text for `-MD -MF FILE [-MT TARGET]`.
 */
#ifndef BFPLAN_OUTSET_H
#define BFPLAN_OUTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

struct outset {
	struct arena *arena;
	struct ptrvec files;   /* struct outset_file *, in the order opened */
	struct ptrvec created; /* char *: directories made for the set, removed again on abort */
	struct strvec swept;   /* directories already cleared of stale temporary files */
	const char *first;     /* the path to rename first (outset_rename_first), or NULL */
	const char *last;      /* the path to rename last (outset_rename_last), or NULL */
	bool durable;          /* fsync each file and directory (build --sync); false by default */
	unsigned mode;         /* 0: what a plainly created file gets; else this mode (fmt -w keeps a file's) */
	bool keep_owner;       /* give each file the owner and group below (fmt -w keeps a file's) */
	long owner, group;     /* with keep_owner: a uid_t and a gid_t */
	unsigned temp_count;   /* numbers the temporary files' names */
	long pid;              /* this process's, in the temporary files' names */
	const char *ready_dir; /* the directory the last file went into, known to exist: most share one */
	bool ready_dir_made;   /* ready_dir was made by this set: nothing of another can be in the way */
	/* outset_stage(): a directory that did not exist, made under a temporary name and renamed at the commit */
	const char *stage_final;  /* the directory as it will be named, without trailing '/'; NULL: none */
	size_t stage_final_len;
	const char *stage_temp;    /* the staged directory's own name once made, else NULL */
	struct outset_file *stage; /* its record in the process's list of temporaries, once made */
	struct ptrvec stage_dirs;  /* struct outset_file *: the directories made inside it, oldest first */
	/* for tests only: called after each rename of a commit, with how many are done */
	void (*after_rename)(void *ctx, size_t renamed);
	void *after_rename_ctx;
};

struct outset_file {
	struct outset *set;
	const char *path;
	const char *dir;
	char *temp;  /* the temporary file; NULL once renamed into place or removed */
	int fd;      /* -1 once closed */
	int error;   /* the first write error (an errno value), 0 if none */
	bool finished; /* written in full and closed (and on disk, for a durable set) */
	bool dated_old; /* given the time 0 (1970) when finished: outset_date_old() */
	bool is_dir;    /* a directory of the staged output directory, not a file (outset.c) */
	char *staged_at; /* in the staged directory: where its name is until the commit; else NULL */
	struct outset_file *live_prev, *live_next; /* the process's temporary files (outset.c) */
};

/* Why a set could not be written: the path concerned, what was being done, and errno. */
struct outset_failure {
	const char *path;
	const char *doing; /* "create a temporary file for", "write", "rename a temporary file to", ... */
	int error;
};

void outset_init(struct outset *set, struct arena *arena);

/*
 * Stages `dir` if it does not exist yet: the files of the set inside it
 * are then written under their own names into a directory made beside it
 * under a temporary name, which the commit renames to `dir` at once (one
 * rename for all of them, where each file would need its own).  A
 * directory that exists (or a name such as "." that cannot be renamed to)
 * changes nothing.  Called before the set's first outset_open().
 */
void outset_stage(struct outset *set, const char *dir);

/*
 * Starts `path`: creates missing parent directories and the temporary
 * file.  NULL (with *why filled) if that fails; the caller then aborts.
 */
struct outset_file *outset_open(struct outset *set, const char *path, struct outset_failure *why);

/*
 * The file renamed after all others by the commit: the one a build system
 * compares with its inputs.  A path not in the set changes nothing.
 */
void outset_rename_last(struct outset *set, const char *path);

/*
 * The file renamed before all others by the commit: a list of what the
 * set is about to put in place (the build's manifest), so that a kill
 * between two renames leaves no file that no list names.
 */
void outset_rename_first(struct outset *set, const char *path);

/*
 * Gives the file the time 0 (1970) when it is finished: a file that a
 * build system watches but that goes into place before the build is
 * complete must look older than every input, so that a build cut short
 * after it runs again.
 */
void outset_date_old(struct outset_file *file);

/* Appends to a file of the set; a failure is remembered and reported by the commit. */
void outset_write(struct outset_file *file, const char *data, size_t len);

/* The same with the signature of a textbuf drain (ctx is the struct outset_file *). */
void outset_drain(void *file, const char *data, size_t len);

/*
 * Completes a file that is written in full: closes it (after flushing it
 * to disk, for a durable set).  False (with *why filled) if a write
 * failed; the caller then aborts.  The rename waits for the commit.
 */
bool outset_close(struct outset_file *file, struct outset_failure *why);

/* A whole file at once: outset_open(), outset_write() and outset_close(). */
bool outset_add(struct outset *set, const char *path, const char *data, size_t len,
		struct outset_failure *why);

/*
 * Closes the files still open and renames them all into place.  On failure
 * fills *why and aborts the set, so nothing new is left behind; only a
 * failing rename (after earlier ones succeeded) can leave some files new.
 */
bool outset_commit(struct outset *set, struct outset_failure *why);

/* Removes every temporary file and the directories the set created. */
void outset_abort(struct outset *set);

/*
 * Removes every temporary file of every set of the process, and forgets
 * the sets: for a compilation abandoned half-way (out of memory), whose
 * sets are gone with its stack.
 */
void outset_abandon_all(void);

/*
 * Makes SIGINT, SIGTERM and SIGHUP remove the process's temporary files
 * before it ends as the signal says.  A process-wide setting, for main()
 * only; a signal that was ignored when it is called stays ignored.
 */
void outset_handle_signals(void);

/* "cannot write 'out/x.bes': No space left on device" */
const char *outset_failure_message(struct arena *a, const struct outset_failure *why);

/*
 * The depfile text: "TARGET: PREREQ PREREQ ...\n" with each prerequisite
 * escaped for make and ninja (space as "\ ", '#' as "\#", '$' as "$$").
 * The target is escaped the same way with `quote_target` (GCC's -MQ, for
 * a target bfplan chose: a space in the output directory would otherwise
 * split it in two and stop rebuilds), and written as given without it
 * (GCC's -MT, whose user has escaped it already).  With `phony`, an
 * empty rule follows for each prerequisite (GCC's -MP), so deleting a plan
 * file does not break the next make run.  NULL if a path holds a line
 * break, which the format cannot carry.
 */
char *outset_depfile(struct arena *a, const char *target, bool quote_target, const char *const *prereqs,
		     size_t count, bool phony);

#endif
