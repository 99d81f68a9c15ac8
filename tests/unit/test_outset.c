/*
 * test_outset.c - atomic output sets and depfile text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "out/outset.h"

struct fixture {
	struct arena arena;
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	arena_init(&fx->arena);
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/outset.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	return 0;
}

/* Removes the scratch tree (two levels are all the tests create). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	remove_tree(fx->dir);
	arena_free(&fx->arena);
	free(fx);
	return 0;
}

static const char *path_in(struct fixture *fx, const char *name)
{
	return arena_printf(&fx->arena, "%s/%s", fx->dir, name);
}

static char *slurp(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = arena_alloc(a, 4096);
	size_t n = fread(buf, 1, 4095, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Counts directory entries other than . and .., and those that look like our temporaries. */
static void count_entries(const char *dir, int *all, int *temps)
{
	*all = *temps = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		(*all)++;
		if (e->d_name[0] == '.')
			(*temps)++;
	}
	closedir(d);
}

static void test_commit_writes_all(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	write_file(path_in(fx, "a.bes"), "old content");
	assert_true(outset_add(&set, path_in(fx, "a.bes"), "<BES/>\r\n", 8, &why));
	assert_true(outset_add(&set, path_in(fx, "sub/deeper/b.txt"), "bee", 3, &why));
	assert_true(outset_add(&set, path_in(fx, "empty"), "", 0, &why));
	/* until the commit, the old content is what a reader sees */
	assert_string_equal(slurp(&fx->arena, path_in(fx, "a.bes")), "old content");
	assert_true(outset_commit(&set, &why));
	assert_string_equal(slurp(&fx->arena, path_in(fx, "a.bes")), "<BES/>\r\n");
	assert_string_equal(slurp(&fx->arena, path_in(fx, "sub/deeper/b.txt")), "bee");
	assert_string_equal(slurp(&fx->arena, path_in(fx, "empty")), "");
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 3); /* a.bes, sub, empty */
	assert_int_equal(temps, 0);
	count_entries(path_in(fx, "sub/deeper"), &all, &temps);
	assert_int_equal(all, 1);
	assert_int_equal(temps, 0);
}

static void test_mode_follows_umask(void **state)
{
	struct fixture *fx = *state;
	static const mode_t masks[] = {022, 027, 077, 0};
	mode_t old = umask(022);
	for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		umask(masks[i]);
		struct outset set;
		outset_init(&set, &fx->arena);
		const char *p = arena_printf(&fx->arena, "%s/mode%zu", fx->dir, i);
		struct outset_failure why;
		assert_true(outset_add(&set, p, "x", 1, &why));
		assert_true(outset_commit(&set, &why));
		struct stat st;
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0666 & ~masks[i]);
	}
	umask(old);
}

static void test_failure_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	write_file(path_in(fx, "keep.bes"), "previous build");
	write_file(path_in(fx, "blocker"), "a file where a directory is needed");

	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "keep.bes"), "new build", 9, &why));
	assert_true(outset_add(&set, path_in(fx, "newdir/x.md"), "x", 1, &why));
	assert_false(outset_add(&set, path_in(fx, "blocker/plan.json"), "{}", 2, &why));
	assert_int_equal(why.error, ENOTDIR);
	outset_abort(&set);
	assert_non_null(strstr(outset_failure_message(&fx->arena, &why), "blocker"));

	/* the earlier output is untouched, and nothing new is left behind */
	assert_string_equal(slurp(&fx->arena, path_in(fx, "keep.bes")), "previous build");
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 2); /* keep.bes and blocker; newdir was removed again */
	assert_int_equal(temps, 0);
}

/* A write that fails half way (here: over the file-size limit) leaves no temporary behind. */
static void test_write_failure(void **state)
{
	struct fixture *fx = *state;
	write_file(path_in(fx, "big.bes"), "old");
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "small"), "ok", 2, &why));
	static char big[64 * 1024];
	memset(big, 'x', sizeof big);

	struct rlimit old;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	struct rlimit small = {4096, old.rlim_max};
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	/* streamed in pieces, as the emitters do */
	struct outset_file *f = outset_open(&set, path_in(fx, "big.bes"), &why);
	assert_non_null(f);
	for (size_t i = 0; i < sizeof big; i += 1000)
		outset_write(f, big + i, sizeof big - i < 1000 ? sizeof big - i : 1000);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	bool ok = outset_commit(&set, &why);

	assert_false(ok);
	assert_int_equal(why.error, EFBIG);
	assert_string_equal(why.doing, "write");
	assert_string_equal(slurp(&fx->arena, path_in(fx, "big.bes")), "old");
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 1);
	assert_int_equal(temps, 0);
}

/* A name that is a directory's fails at once, before anything is made, not at the commit. */
static void test_name_of_a_directory(void **state)
{
	struct fixture *fx = *state;
	const char *names[] = {"new/", "new/.", "new/.."};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct outset set;
		outset_init(&set, &fx->arena);
		struct outset_failure why;
		assert_true(outset_add(&set, path_in(fx, "a.bes"), "a", 1, &why));
		assert_false(outset_add(&set, path_in(fx, names[i]), "b", 1, &why));
		assert_int_equal(why.error, EISDIR);
		outset_abort(&set);
		int all, temps;
		count_entries(fx->dir, &all, &temps);
		assert_int_equal(all, 0);
	}
}

/* A file of the set cannot become another's directory: its rename would fail at the commit. */
static void test_file_of_the_set_as_a_directory(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "checklist.md"), "a", 1, &why));
	assert_false(outset_add(&set, path_in(fx, "checklist.md/plan.d"), "b", 1, &why));
	assert_int_equal(why.error, EEXIST);
	assert_string_equal(why.doing, "create the directory");
	outset_abort(&set);
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 0);
}

/* A directory the set made itself is checked again once the set has made another inside it. */
static void test_directory_in_the_way_made_by_the_set(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "new/a.bes"), "a", 1, &why));
	assert_true(outset_add(&set, path_in(fx, "new/sub/b.bes"), "b", 1, &why));
	assert_false(outset_add(&set, path_in(fx, "new/sub"), "c", 1, &why));
	assert_int_equal(why.error, EISDIR);
	outset_abort(&set);
	struct stat st;
	assert_int_not_equal(stat(path_in(fx, "new"), &st), 0); /* the abort removed what the set made */
}

static void test_directory_in_the_way(void **state)
{
	struct fixture *fx = *state;
	write_file(path_in(fx, "first"), "one");
	assert_int_equal(mkdir(path_in(fx, "plan.json"), 0755), 0);
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "first"), "two", 3, &why));
	assert_false(outset_add(&set, path_in(fx, "plan.json"), "{}", 2, &why));
	assert_int_equal(why.error, EISDIR);
	outset_abort(&set);
	const char *msg = outset_failure_message(&fx->arena, &why);
	assert_non_null(strstr(msg, "plan.json"));
	assert_string_equal(slurp(&fx->arena, path_in(fx, "first")), "one");
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 2);
	assert_int_equal(temps, 0);
}

static void test_name_too_long_before_any_rename(void **state)
{
	struct fixture *fx = *state;
	write_file(path_in(fx, "first"), "one");
	char name[NAME_MAX + 2];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "first"), "two", 3, &why));
	/* refused when it is added, not by a rename after "first" is already in place */
	assert_false(outset_add(&set, path_in(fx, name), "{}", 2, &why));
	assert_int_equal(why.error, ENAMETOOLONG);
	outset_abort(&set);
	assert_string_equal(slurp(&fx->arena, path_in(fx, "first")), "one");
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 1);
	assert_int_equal(temps, 0);
}

static void test_missing_parent_cannot_be_made(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_false(outset_add(&set, "/proc/bfplan-cannot-exist/x.bes", "x", 1, &why));
	assert_true(why.error != 0);
	assert_string_equal(why.doing, "create the directory");
	outset_abort(&set);
}

/* A build that finds errors after it started writing aborts: nothing of it stays. */
static void test_abort_after_streaming(void **state)
{
	struct fixture *fx = *state;
	write_file(path_in(fx, "plan.json"), "old");
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	struct outset_file *f = outset_open(&set, path_in(fx, "plan.json"), &why);
	assert_non_null(f);
	outset_write(f, "{\"format", 9);
	assert_true(outset_add(&set, path_in(fx, "new/sub/x.bes"), "x", 1, &why));
	outset_abort(&set);
	assert_string_equal(slurp(&fx->arena, path_in(fx, "plan.json")), "old");
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 1);
	assert_int_equal(temps, 0);
}

static void test_depfile(void **state)
{
	struct fixture *fx = *state;
	const char *prereqs[] = {"plans/exch01.plan", "std lib/cluster #2.plan", "cost$.plan"};
	const char *text = outset_depfile(&fx->arena, "out/plan.json", false, prereqs, 3, false);
	assert_string_equal(text, "out/plan.json: \\\n"
				  " plans/exch01.plan \\\n"
				  " std\\ lib/cluster\\ \\#2.plan \\\n"
				  " cost$$.plan\n");
	text = outset_depfile(&fx->arena, "t", false, prereqs, 1, true);
	assert_string_equal(text, "t: \\\n plans/exch01.plan\n\nplans/exch01.plan:\n");
	text = outset_depfile(&fx->arena, "t", false, prereqs, 0, true);
	assert_string_equal(text, "t:\n");
	const char *bad[] = {"a\nb.plan"};
	assert_null(outset_depfile(&fx->arena, "t", false, bad, 1, false));
	assert_null(outset_depfile(&fx->arena, "t\n", false, prereqs, 1, false));
	/* a target bfplan chose is a path, escaped like the others; -MT's is the user's, as given */
	text = outset_depfile(&fx->arena, "my out/$x#/plan.json", true, prereqs, 0, false);
	assert_string_equal(text, "my\\ out/$$x\\#/plan.json:\n");
	text = outset_depfile(&fx->arena, "my\\ out/plan.json", false, prereqs, 0, false);
	assert_string_equal(text, "my\\ out/plan.json:\n");
}


/* ---- kill safety ------------------------------------------------------------------------ */

/* The files of a small build; plan.json, opened first, is the one a build system watches. */
static const char *const build_files[] = {"plan.json", "a.bes", "b.bes", "checklist.md"};
enum { BUILD_FILES = sizeof build_files / sizeof build_files[0] };

/* Writes `content` into every file of the build as one output set, renaming plan.json last. */
static bool write_build(const char *dir, const char *content, struct outset *set, struct arena *a)
{
	outset_init(set, a);
	outset_rename_last(set, arena_printf(a, "%s/plan.json", dir));
	struct outset_failure why;
	for (size_t i = 0; i < BUILD_FILES; i++)
		if (!outset_add(set, arena_printf(a, "%s/%s", dir, build_files[i]), content, strlen(content), &why))
			return false;
	return true;
}

struct killer {
	size_t at;  /* renames done when the signal goes out */
	int sig;
};

static void kill_after(void *ctx, size_t renamed)
{
	const struct killer *k = ctx;
	if (renamed == k->at)
		raise(k->sig);
}

typedef bool build_writer(const char *dir, const char *content, struct outset *set, struct arena *a);

/*
 * In a child process: writes "new" with `write` (over the build, or a
 * staged build) and sends itself `sig` once `at` files are renamed (at 0:
 * before the commit).  Returns the child's wait status.
 */
static int write_and_die(build_writer *write, const char *dir, size_t at, int sig, bool handle_signals)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (handle_signals)
			outset_handle_signals();
		struct arena a;
		arena_init(&a);
		struct outset set;
		struct killer k = {at, sig};
		if (!write(dir, "new", &set, &a))
			_exit(3);
		set.after_rename = kill_after;
		set.after_rename_ctx = &k;
		if (at == 0)
			raise(sig);
		struct outset_failure why;
		outset_commit(&set, &why);
		_exit(4); /* the signal should have ended the process */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static int count_new(struct fixture *fx)
{
	int n = 0;
	for (size_t i = 0; i < BUILD_FILES; i++)
		n += strcmp(slurp(&fx->arena, path_in(fx, build_files[i])), "new") == 0;
	return n;
}

/* SIGKILL between any two renames: the watched file is still old, and the next build cleans up. */
static void test_kill_between_renames(void **state)
{
	struct fixture *fx = *state;
	for (size_t at = 0; at < BUILD_FILES; at++) {
		struct outset set;
		assert_true(write_build(fx->dir, "old", &set, &fx->arena));
		struct outset_failure why;
		assert_true(outset_commit(&set, &why));

		int status = write_and_die(write_build, fx->dir, at, SIGKILL, true);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		int all, temps;
		count_entries(fx->dir, &all, &temps);
		/* nothing could clean up: the files not yet renamed are left as temporaries */
		assert_int_equal(temps, (int)(BUILD_FILES - at));
		assert_int_equal(count_new(fx), (int)at);
		assert_string_equal(slurp(&fx->arena, path_in(fx, "plan.json")), "old");

		/* the next build removes what the killed one left */
		assert_true(write_build(fx->dir, "good", &set, &fx->arena));
		assert_true(outset_commit(&set, &why));
		count_entries(fx->dir, &all, &temps);
		assert_int_equal(temps, 0);
		assert_int_equal(all, BUILD_FILES);
		assert_string_equal(slurp(&fx->arena, path_in(fx, "plan.json")), "good");
	}
}

/* Records the order of the renames: which file is in place after each. */
struct rename_log {
	struct outset *set;
	const char *in_place[BUILD_FILES + 2]; /* 1-based; the set has one file more than a build */
};

static void log_rename(void *ctx, size_t renamed)
{
	struct rename_log *log = ctx;
	/* the file just renamed is the one whose temporary file is gone and was not before */
	for (size_t i = 0; i < log->set->files.len; i++) {
		const struct outset_file *f = log->set->files.items[i];
		bool seen = false;
		for (size_t k = 1; k < renamed && !seen; k++)
			seen = log->in_place[k] == f->path;
		if (!f->temp && !seen)
			log->in_place[renamed] = f->path;
	}
}

/* The first file goes into place before the others, the last after them; a file marked dated old is 1970. */
static void test_rename_first_and_last(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	assert_true(write_build(fx->dir, "new", &set, &fx->arena));
	const char *first = arena_printf(&fx->arena, "%s/%s", fx->dir, build_files[BUILD_FILES - 1]);
	outset_rename_first(&set, first);
	struct outset_failure why;
	struct outset_file *dated = outset_open(&set, path_in(fx, "dated"), &why);
	assert_non_null(dated);
	outset_date_old(dated);
	assert_true(outset_close(dated, &why));
	struct rename_log log = {.set = &set};
	set.after_rename = log_rename;
	set.after_rename_ctx = &log;
	assert_true(outset_commit(&set, &why));
	assert_string_equal(log.in_place[1], first);
	assert_string_equal(log.in_place[BUILD_FILES + 1], path_in(fx, "plan.json"));
	struct stat st;
	assert_int_equal(stat(path_in(fx, "dated"), &st), 0);
	assert_int_equal(st.st_mtime, 0);
}

/* SIGTERM and SIGINT wait for the renames to finish, then leave no temporary file. */
static void test_terminate_during_renames(void **state)
{
	struct fixture *fx = *state;
	static const int sigs[] = {SIGTERM, SIGINT};
	for (size_t s = 0; s < 2; s++) {
		for (size_t at = 0; at <= BUILD_FILES; at++) {
			struct outset set;
			assert_true(write_build(fx->dir, "old", &set, &fx->arena));
			struct outset_failure why;
			assert_true(outset_commit(&set, &why));
			int status = write_and_die(write_build, fx->dir, at, sigs[s], true);
			/* ended by the signal, as a shell shows with 128 + its number (143, 130) */
			assert_true(WIFSIGNALED(status));
			assert_int_equal(WTERMSIG(status), sigs[s]);
			int all, temps;
			count_entries(fx->dir, &all, &temps);
			assert_int_equal(temps, 0);
			assert_int_equal(all, BUILD_FILES);
			/* before the commit nothing changes; once it started, it completes */
			assert_int_equal(count_new(fx), at == 0 ? 0 : (int)BUILD_FILES);
		}
	}
}

/* A temporary file of a build that still runs is left alone; a dead build's is removed. */
static void test_stale_temporaries(void **state)
{
	struct fixture *fx = *state;
	fflush(NULL);
	pid_t dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	const char *theirs = path_in(fx, arena_printf(&fx->arena, ".bfplan-tmp.%ld.x.bes.AbCdEf", (long)getppid()));
	const char *stale = path_in(fx, arena_printf(&fx->arena, ".bfplan-tmp.%ld.x.bes.AbCdEf", (long)dead));
	const char *other = path_in(fx, ".x.bes.AbCdEf"); /* not our pattern: someone else's */
	write_file(theirs, "running");
	write_file(stale, "killed");
	write_file(other, "unrelated");
	struct outset set;
	outset_init(&set, &fx->arena);
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "x.bes"), "x", 1, &why));
	assert_true(outset_commit(&set, &why));
	assert_non_null(slurp(&fx->arena, theirs));
	assert_null(slurp(&fx->arena, stale));
	assert_non_null(slurp(&fx->arena, other));
}

/* Out of memory half-way: every temporary file of the process goes. */
static void test_abandon_all(void **state)
{
	struct fixture *fx = *state;
	struct outset one, two;
	outset_init(&one, &fx->arena);
	outset_init(&two, &fx->arena);
	struct outset_failure why;
	assert_non_null(outset_open(&one, path_in(fx, "streamed.md"), &why));
	assert_true(outset_add(&one, path_in(fx, "a.bes"), "a", 1, &why));
	assert_true(outset_add(&two, path_in(fx, "sub/b.bes"), "b", 1, &why));
	outset_abandon_all();
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(temps, 0);
	count_entries(path_in(fx, "sub"), &all, &temps);
	assert_int_equal(all, 0);
}

/*
 * Files streamed one after another and closed as each is complete: a set
 * of any size needs a descriptor or two (a build of ten thousand plans
 * runs under the usual limit), durable or not, and a name already taken
 * by someone's temporary file is passed over.
 */
static void test_many_files_few_descriptors(void **state)
{
	struct fixture *fx = *state;
	struct rlimit old;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	for (int durable = 0; durable <= 1; durable++) {
		struct outset set;
		outset_init(&set, &fx->arena);
		set.durable = durable;
		struct outset_failure why;
		/* the first name this set will try, left by a dead process that had our PID */
		const char *taken = path_in(fx, arena_printf(&fx->arena, ".bfplan-tmp.%ld.f0.bes.0", (long)getpid()));
		write_file(taken, "someone's");
		struct rlimit few = {24, old.rlim_max};
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &few), 0);
		bool ok = true;
		for (int i = 0; i < 200 && ok; i++) {
			struct outset_file *f = outset_open(&set, path_in(fx, arena_printf(&fx->arena, "f%d.bes", i)), &why);
			ok = f != NULL;
			if (ok) {
				outset_write(f, "<BES", 4);
				outset_write(f, "/>", 2);
				ok = outset_close(f, &why);
			}
		}
		setrlimit(RLIMIT_NOFILE, &old);
		assert_true(ok);
		assert_true(outset_commit(&set, &why));
		assert_string_equal(slurp(&fx->arena, path_in(fx, "f199.bes")), "<BES/>");
		assert_string_equal(slurp(&fx->arena, taken), "someone's");
		unlink(taken);
		int all, temps;
		count_entries(fx->dir, &all, &temps);
		assert_int_equal(all, 200);
		assert_int_equal(temps, 0);
	}
}

/* ---- a staged output directory ------------------------------------------------------------ */

/* Writes the build's files into DIR/out, staged (out does not exist yet), plan.json renamed last. */
static bool write_staged_build(const char *dir, const char *content, struct outset *set, struct arena *a)
{
	outset_init(set, a);
	const char *out = arena_printf(a, "%s/out", dir);
	outset_stage(set, out);
	outset_rename_last(set, arena_printf(a, "%s/plan.json", out));
	struct outset_failure why;
	for (size_t i = 0; i < BUILD_FILES; i++)
		if (!outset_add(set, arena_printf(a, "%s/%s", out, build_files[i]), content, strlen(content), &why))
			return false;
	return outset_add(set, arena_printf(a, "%s/sub/deeper/c.txt", out), content, strlen(content), &why);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A new output directory is written under a temporary name and appears whole at the commit. */
static void test_staged_directory(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	assert_true(write_staged_build(fx->dir, "new", &set, &fx->arena));
	assert_false(exists(path_in(fx, "out")));
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 1); /* the staged directory, and nothing else */
	assert_int_equal(temps, 1);
	struct outset_failure why;
	assert_true(outset_commit(&set, &why));
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 1);
	assert_int_equal(temps, 0);
	count_entries(path_in(fx, "out"), &all, &temps);
	assert_int_equal(all, BUILD_FILES + 1); /* and sub */
	assert_int_equal(temps, 0);
	assert_string_equal(slurp(&fx->arena, path_in(fx, "out/plan.json")), "new");
	assert_string_equal(slurp(&fx->arena, path_in(fx, "out/sub/deeper/c.txt")), "new");

	/* a directory that exists is not staged: the next build into it renames file by file */
	struct outset again;
	outset_init(&again, &fx->arena);
	outset_stage(&again, path_in(fx, "out"));
	assert_null(again.stage_final);
	assert_true(outset_add(&again, path_in(fx, "out/a.bes"), "newer", 5, &why));
	count_entries(path_in(fx, "out"), &all, &temps);
	assert_int_equal(temps, 1);
	assert_true(outset_commit(&again, &why));
	assert_string_equal(slurp(&fx->arena, path_in(fx, "out/a.bes")), "newer");
}

/*
 * The same name twice in a staged directory: the later file wins, as it
 * does outside one; a directory in the way fails when the file is added.
 */
static void test_staged_names_taken(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	outset_init(&set, &fx->arena);
	outset_stage(&set, path_in(fx, "out/"));
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "out/x"), "first", 5, &why));
	assert_true(outset_add(&set, path_in(fx, "out/x"), "second", 6, &why));
	assert_true(outset_add(&set, path_in(fx, "out/d/y"), "y", 1, &why));
	assert_false(outset_add(&set, path_in(fx, "out/d"), "z", 1, &why));
	assert_int_equal(why.error, EISDIR);
	assert_string_equal(why.path, path_in(fx, "out/d"));
	outset_abort(&set);
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 0);

	outset_init(&set, &fx->arena);
	outset_stage(&set, path_in(fx, "out"));
	assert_true(outset_add(&set, path_in(fx, "out/x"), "first", 5, &why));
	assert_true(outset_add(&set, path_in(fx, "out/x"), "second", 6, &why));
	assert_true(outset_commit(&set, &why));
	assert_string_equal(slurp(&fx->arena, path_in(fx, "out/x")), "second");
	count_entries(path_in(fx, "out"), &all, &temps);
	assert_int_equal(all, 1);
}

/* A directory that appears while the build runs (another build, a person) is never replaced. */
static void test_staged_target_appeared(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	assert_true(write_staged_build(fx->dir, "new", &set, &fx->arena));
	assert_int_equal(mkdir(path_in(fx, "out"), 0755), 0); /* empty: rename(2) alone would replace it */
	struct outset_failure why;
	assert_false(outset_commit(&set, &why));
	assert_int_equal(why.error, EEXIST);
	assert_string_equal(why.path, path_in(fx, "out"));
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 1); /* out, as it was made; the staged directory is gone */
	assert_int_equal(temps, 0);
	count_entries(path_in(fx, "out"), &all, &temps);
	assert_int_equal(all, 0);
}

/* An abort, and an abandoned compilation, leave neither the directory nor the staged one. */
static void test_staged_abort(void **state)
{
	struct fixture *fx = *state;
	struct outset set;
	assert_true(write_staged_build(fx->dir, "new", &set, &fx->arena));
	struct outset_failure why;
	assert_non_null(outset_open(&set, path_in(fx, "out/streamed.md"), &why));
	outset_abort(&set);
	int all, temps;
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 0);

	/* the parents it made go too */
	outset_init(&set, &fx->arena);
	outset_stage(&set, path_in(fx, "new/parent/out"));
	assert_true(outset_add(&set, path_in(fx, "new/parent/out/x.bes"), "x", 1, &why));
	outset_abort(&set);
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 0);

	assert_true(write_staged_build(fx->dir, "new", &set, &fx->arena));
	assert_non_null(outset_open(&set, path_in(fx, "out/sub/streamed.md"), &why));
	outset_abandon_all();
	count_entries(fx->dir, &all, &temps);
	assert_int_equal(all, 0);
}

/*
 * Killed at any point of a staged build: no output directory until the
 * last file is placed, all of it after; SIGKILL leaves the staged
 * directory, which the next build removes whole; SIGTERM leaves nothing.
 */
static void test_staged_kill(void **state)
{
	struct fixture *fx = *state;
	static const int sigs[] = {SIGKILL, SIGTERM};
	for (size_t s = 0; s < 2; s++) {
		for (size_t at = 0; at <= BUILD_FILES + 1; at++) {
			int status = write_and_die(write_staged_build, fx->dir, at, sigs[s], true);
			assert_true(WIFSIGNALED(status));
			assert_int_equal(WTERMSIG(status), sigs[s]);
			bool complete = at == BUILD_FILES + 1 || (sigs[s] == SIGTERM && at > 0);
			int all, temps;
			count_entries(fx->dir, &all, &temps);
			assert_int_equal(temps, sigs[s] == SIGKILL && !complete);
			assert_int_equal(exists(path_in(fx, "out")), complete);
			if (complete) {
				assert_string_equal(slurp(&fx->arena, path_in(fx, "out/plan.json")), "new");
				assert_string_equal(slurp(&fx->arena, path_in(fx, "out/sub/deeper/c.txt")), "new");
				remove_tree(path_in(fx, "out"));
			}
			/* the next build removes what the killed one left, and puts its own in place */
			struct outset set;
			struct outset_failure why;
			assert_true(write_staged_build(fx->dir, "good", &set, &fx->arena));
			assert_true(outset_commit(&set, &why));
			count_entries(fx->dir, &all, &temps);
			assert_int_equal(temps, 0);
			assert_int_equal(all, 1);
			assert_string_equal(slurp(&fx->arena, path_in(fx, "out/plan.json")), "good");
			remove_tree(path_in(fx, "out"));
		}
	}
}

/* What is in place after each rename of a commit: the depfile outside the staged directory, and the directory. */
struct placed {
	struct fixture *fx;
	int dep_at, out_at; /* the rename after which each first exists, 0 if never */
};

static void log_placed(void *ctx, size_t renamed)
{
	struct placed *p = ctx;
	if (!p->dep_at && exists(path_in(p->fx, "dep.d")))
		p->dep_at = (int)renamed;
	if (!p->out_at && exists(path_in(p->fx, "out")))
		p->out_at = (int)renamed;
}

/*
 * The staged directory goes into place with the last of its files: after a
 * file outside it when the watched file is inside (plan.json), so the
 * watched file still comes last; with the first file (the manifest) only
 * when the watched file is outside.
 */
static void test_staged_rename_order(void **state)
{
	struct fixture *fx = *state;
	for (int watched_inside = 0; watched_inside <= 1; watched_inside++) {
		struct outset set;
		outset_init(&set, &fx->arena);
		outset_stage(&set, path_in(fx, "out"));
		outset_rename_first(&set, path_in(fx, "out/bfplan.manifest"));
		outset_rename_last(&set, path_in(fx, watched_inside ? "out/plan.json" : "dep.d"));
		struct outset_failure why;
		assert_true(outset_add(&set, path_in(fx, "out/bfplan.manifest"), "m", 1, &why));
		assert_true(outset_add(&set, path_in(fx, "out/plan.json"), "{}", 2, &why));
		assert_true(outset_add(&set, path_in(fx, "out/a.bes"), "a", 1, &why));
		assert_true(outset_add(&set, path_in(fx, "dep.d"), "d", 1, &why));
		struct placed placed = {fx, 0, 0};
		set.after_rename = log_placed;
		set.after_rename_ctx = &placed;
		assert_true(outset_commit(&set, &why));
		if (watched_inside) {
			assert_int_equal(placed.dep_at, 3); /* manifest, a.bes placed in the stage; then dep.d */
			assert_int_equal(placed.out_at, 4); /* plan.json, the last: the directory with it */
		} else {
			assert_int_equal(placed.out_at, 3); /* with a.bes, the last of its files */
			assert_int_equal(placed.dep_at, 4); /* the watched file, last */
		}
		remove_tree(path_in(fx, "out"));
		unlink(path_in(fx, "dep.d"));
	}
}

/* A dead build's staged directory is removed whole, a running build's is left alone. */
static void test_stale_staged_directory(void **state)
{
	struct fixture *fx = *state;
	fflush(NULL);
	pid_t dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	const char *stale = path_in(fx, arena_printf(&fx->arena, ".bfplan-tmp.%ld.out.0", (long)dead));
	const char *theirs = path_in(fx, arena_printf(&fx->arena, ".bfplan-tmp.%ld.out.0", (long)getppid()));
	assert_int_equal(mkdir(stale, 0755), 0);
	assert_int_equal(mkdir(arena_printf(&fx->arena, "%s/sub", stale), 0755), 0);
	write_file(arena_printf(&fx->arena, "%s/sub/a.bes", stale), "killed");
	write_file(arena_printf(&fx->arena, "%s/plan.json", stale), "killed");
	/* a link in it is removed, never followed */
	write_file(path_in(fx, "precious"), "keep");
	assert_int_equal(symlink(path_in(fx, "precious"), arena_printf(&fx->arena, "%s/link", stale)), 0);
	assert_int_equal(mkdir(theirs, 0755), 0);
	struct outset set;
	outset_init(&set, &fx->arena);
	outset_stage(&set, path_in(fx, "out"));
	struct outset_failure why;
	assert_true(outset_add(&set, path_in(fx, "out/x.bes"), "x", 1, &why));
	assert_true(outset_commit(&set, &why));
	assert_false(exists(stale));
	assert_true(exists(theirs));
	assert_string_equal(slurp(&fx->arena, path_in(fx, "precious")), "keep");
	rmdir(theirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_writes_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_follows_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_in_the_way_made_by_the_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_of_a_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_of_the_set_as_a_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_parent_cannot_be_made, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_after_streaming, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_between_renames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate_during_renames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_first_and_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_temporaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandon_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_too_long_before_any_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_files_few_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_names_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_target_appeared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_staged_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_rename_order, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
