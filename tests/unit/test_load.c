/*
 * test_load.c - reading files and following `use`, on a real directory tree.
 *
 * Each test builds its files under a fresh temporary directory, loads a
 * root file with load_program(), and checks which files were read, in what
 * order, and what was reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/readfile.h"
#include "diag/text.h"
#include "front/load.h"

struct fixture {
	char dir[64];           /* the temporary directory, without a final '/' */
	struct arena arena;     /* for the current load; reset by load() */
	struct src_manager sm;
	struct diag_sink sink;
	struct program program;
	enum load_status status;
	const char *include_dirs[4];
	struct load_options opts;
	char scratch[4096];
};

/* ---- files ---------------------------------------------------------------- */

static void make_dirs_for(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", buf, strerror(errno));
			*p = '/';
		}
	}
}

/* An absolute path inside the test directory; the result lives until the next call. */
static const char *at(struct fixture *fx, const char *rel)
{
	snprintf(fx->scratch, sizeof fx->scratch, "%s/%s", fx->dir, rel);
	return fx->scratch;
}

static void write_file(struct fixture *fx, const char *rel, const char *text)
{
	const char *path = at(fx, rel);
	make_dirs_for(path);
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void write_filled(struct fixture *fx, const char *rel, size_t size, const char *prefix)
{
	const char *path = at(fx, rel);
	make_dirs_for(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(prefix, f);
	for (size_t i = strlen(prefix); i < size; i++)
		fputc(i % 64 == 63 ? '\n' : ' ', f);
	assert_int_equal(fclose(f), 0);
}

static void remove_tree(const char *dir)
{
	/* the tests create at most a few levels: leave the walking to rm */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/bfplan-load-XXXXXX", tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	arena_init(&fx->arena);
	fx->opts.include_dirs = fx->include_dirs;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	arena_free(&fx->arena);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* ---- loading ---------------------------------------------------------------- */

static void load_path(struct fixture *fx, const char *path)
{
	arena_free(&fx->arena);
	arena_init(&fx->arena);
	src_init(&fx->sm, &fx->arena);
	diag_init(&fx->sink, &fx->arena, &fx->sm);
	char *copy = arena_strdup(&fx->arena, path);
	fx->status = load_program(&fx->arena, &fx->sm, &fx->sink, &fx->opts, copy, &fx->program);
}

static void load(struct fixture *fx, const char *rel)
{
	load_path(fx, at(fx, rel));
}

static unsigned file_count(struct fixture *fx)
{
	return (unsigned)fx->sm.files.len;
}

static const struct src_file *file(struct fixture *fx, uint32_t id)
{
	const struct src_file *f = src_file(&fx->sm, id);
	assert_non_null(f);
	return f;
}

/* The path of the file with this id, relative to the test directory when inside it. */
static const char *rel_path(struct fixture *fx, uint32_t id)
{
	const char *p = file(fx, id)->path;
	size_t n = strlen(fx->dir);
	if (strncmp(p, fx->dir, n) == 0 && p[n] == '/')
		return p + n + 1;
	return p;
}

/* The file-id order of program.files, as relative paths joined with spaces. */
static const char *program_order(struct fixture *fx)
{
	const char *list = "";
	for (size_t i = 0; i < fx->program.files.len; i++) {
		const struct ast_file *ast = fx->program.files.items[i];
		list = arena_printf(&fx->arena, "%s%s%s", list, i ? " " : "", rel_path(fx, ast->file));
	}
	return list;
}

static void show_diags(struct fixture *fx)
{
	diag_render_text(&fx->sink, stderr, DIAG_COLOR_NEVER);
}

static void assert_clean(struct fixture *fx)
{
	if (fx->sink.errors || fx->sink.warnings) {
		show_diags(fx);
		fail_msg("unexpected diagnostics");
	}
	assert_int_equal(fx->status, LOAD_OK);
}

static const struct diag *only_diag(struct fixture *fx, enum diag_code code)
{
	if (fx->sink.diags.len != 1) {
		show_diags(fx);
		fail_msg("expected exactly one diagnostic, got %zu", fx->sink.diags.len);
	}
	const struct diag *d = fx->sink.diags.items[0];
	assert_int_equal(d->code, code);
	return d;
}

/* The text a span covers. */
static const char *spanned(struct fixture *fx, struct src_span s)
{
	return arena_strndup(&fx->arena, file(fx, s.file)->text + s.begin, s.end - s.begin);
}

/* ---- where `use` looks ------------------------------------------------------ */

static void test_relative_to_the_importing_file(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"sub/b\"\n");
	write_file(fx, "sub/b.plan", "use \"c\"\n");
	write_file(fx, "sub/c.plan", "os c\n");
	write_file(fx, "c.plan", "os decoy\n"); /* beside the root, not beside b: not taken */
	load(fx, "root.plan");
	assert_clean(fx);
	assert_int_equal(file_count(fx), 3);
	assert_string_equal(rel_path(fx, 1), "sub/b.plan");
	assert_string_equal(rel_path(fx, 2), "sub/c.plan");
	/* dependency order: every file after what it imports */
	assert_string_equal(program_order(fx), "sub/c.plan sub/b.plan root.plan");
	assert_int_equal(fx->program.root, 0);
}

static void test_relative_root_path(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"lib/x\"\n");
	write_file(fx, "lib/x.plan", "os x\n");
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(fx->dir), 0);
	load_path(fx, "root.plan");
	int rc = chdir(cwd);
	assert_int_equal(rc, 0);
	assert_clean(fx);
	/* paths stay as the user would write them, relative to where bfplan runs */
	assert_string_equal(file(fx, 0)->path, "root.plan");
	assert_string_equal(file(fx, 1)->path, "lib/x.plan");
}

static void test_search_order(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root/main.plan", "use \"x\"\n");
	static const char *const places[] = {
		"std/x.plan", "root/x.plan", "inc1/x.plan", "inc2/x.plan", "path1/x.plan", "path2/x.plan",
	};
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
		write_file(fx, places[i], "os x\n");
	char inc1[128], inc2[128], std[128], search[300];
	snprintf(inc1, sizeof inc1, "%s/inc1", fx->dir);
	snprintf(inc2, sizeof inc2, "%s/inc2/", fx->dir); /* a final '/' is fine */
	snprintf(std, sizeof std, "%s/std", fx->dir);
	snprintf(search, sizeof search, "%s/nowhere:%s/path1:%s/path2", fx->dir, fx->dir, fx->dir);
	fx->include_dirs[0] = inc1;
	fx->include_dirs[1] = inc2;
	fx->opts.include_count = 2;
	fx->opts.search_path = search;
	fx->opts.stdlib_dir = std;

	/* each place wins while it has the file; then the next one takes over */
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		load(fx, "root/main.plan");
		if (i == 0) {
			/* the standard library first, and the file it wins over is named */
			const struct diag *d = only_diag(fx, BFP214);
			char want[512];
			snprintf(want, sizeof want, "'%s/root/x.plan' has the path of the standard library's "
				 "'%s/std/x.plan', which is read instead", fx->dir, fx->dir);
			assert_string_equal(d->message, want);
			assert_string_equal(spanned(fx, d->span), "\"x\"");
		} else {
			assert_clean(fx);
		}
		assert_int_equal(file_count(fx), 2);
		const char *got = rel_path(fx, 1);
		/* "inc2//x.plan" would be wrong: the joiner does not double the slash */
		assert_string_equal(got, places[i]);
		assert_int_equal(file(fx, 1)->is_stdlib, i == 0);
		assert_int_equal(unlink(at(fx, places[i])), 0);
	}
	load(fx, "root/main.plan");
	assert_int_equal(only_diag(fx, BFP201)->code, BFP201);
}

/* A stdlib file found again under another path (an -I that is the stdlib) is no shadow. */
static void test_stdlib_reached_twice_is_not_shadowed(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "use \"bigfix/sites\"\n");
	write_file(fx, "std/bigfix/sites.plan", "os s\n");
	char std[128];
	snprintf(std, sizeof std, "%s/std", fx->dir);
	fx->opts.stdlib_dir = std;
	fx->include_dirs[0] = std;
	fx->opts.include_count = 1;
	load(fx, "main.plan");
	assert_clean(fx);
	assert_true(file(fx, 1)->is_stdlib);
}
static void test_search_path_with_empty_parts(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "use \"y\"\n");
	write_file(fx, "p/y.plan", "os y\n");
	char search[200];
	snprintf(search, sizeof search, "::%s/p:", fx->dir);
	fx->opts.search_path = search;
	load(fx, "main.plan");
	assert_clean(fx);
	assert_string_equal(rel_path(fx, 1), "p/y.plan");
}

static void test_plan_extension(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "use \"a\"\nuse \"b.plan\"\nuse \"v1.0/c\"\nuse \"d.txt\"\n");
	write_file(fx, "a.plan", "os a\n");
	write_file(fx, "b.plan", "os b\n");
	write_file(fx, "v1.0/c.plan", "os c\n");
	write_file(fx, "d.txt", "os d\n");
	load(fx, "main.plan");
	assert_clean(fx);
	assert_int_equal(file_count(fx), 5);
	assert_string_equal(rel_path(fx, 1), "a.plan");
	assert_string_equal(rel_path(fx, 2), "b.plan");
	/* a dot in a directory name is not an extension */
	assert_string_equal(rel_path(fx, 3), "v1.0/c.plan");
	/* a path with an extension is taken as written */
	assert_string_equal(rel_path(fx, 4), "d.txt");
}

static void test_extension_not_added_twice_nor_dropped(void **state)
{
	struct fixture *fx = *state;
	/* "e" only exists without the extension: `use "e"` means e.plan, which is missing */
	write_file(fx, "main.plan", "use \"e\"\n");
	write_file(fx, "e", "os e\n");
	load(fx, "main.plan");
	const struct diag *d = only_diag(fx, BFP201);
	assert_string_equal(d->message, "cannot find \"e\" to import");
}

/* ---- what a plan may read ------------------------------------------------------------ */

static const struct diag *refused(struct fixture *fx, enum diag_code code, const char *use_text)
{
	const struct diag *d = only_diag(fx, code);
	assert_string_equal(spanned(fx, d->span), use_text);
	/* nothing of the refused file was read */
	assert_int_equal(file_count(fx), 1);
	return d;
}

static void test_absolute_path(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "elsewhere/abs.plan", "os abs\n");
	char text[300];
	snprintf(text, sizeof text, "use \"%s/elsewhere/abs\"\n", fx->dir);
	write_file(fx, "main.plan", text);
	load(fx, "main.plan");
	/* even a file under the plan's own directory: an absolute path is refused as written */
	const struct diag *d = only_diag(fx, BFP212);
	char want[300];
	snprintf(want, sizeof want, "'%s/elsewhere/abs.plan' is outside the directories a plan may read from",
		 fx->dir);
	assert_string_equal(d->message, want);
	assert_non_null(strstr(d->help, "-I DIR"));
	assert_int_equal(file_count(fx), 1);

	write_file(fx, "main.plan", "use \"/etc/passwd\"\n");
	load(fx, "main.plan");
	refused(fx, BFP212, "\"/etc/passwd\"");
}

static void test_dot_dot(void **state)
{
	struct fixture *fx = *state;
	/* climbing inside the plan's directory is fine */
	write_file(fx, "plans/main.plan", "use \"sub/a\"\n");
	write_file(fx, "plans/sub/a.plan", "use \"../common/c\"\n");
	write_file(fx, "plans/common/c.plan", "os c\n");
	load(fx, "plans/main.plan");
	assert_clean(fx);
	assert_int_equal(file_count(fx), 3);

	/* out of it is not, whether the file exists or not (so nothing can be probed) */
	write_file(fx, "secret.plan", "os secret\n");
	write_file(fx, "plans/main.plan", "use \"../secret\"\n");
	load(fx, "plans/main.plan");
	refused(fx, BFP212, "\"../secret\"");
	write_file(fx, "plans/main.plan", "use \"sub/../../nothing/here\"\n");
	load(fx, "plans/main.plan");
	refused(fx, BFP212, "\"sub/../../nothing/here\"");
	write_file(fx, "plans/main.plan", "use \"../../../../../../../../../etc/passwd\"\n");
	load(fx, "plans/main.plan");
	refused(fx, BFP212, "\"../../../../../../../../../etc/passwd\"");

	/* unless an -I names the directory, which is the operator's choice */
	char inc[128];
	snprintf(inc, sizeof inc, "%s", fx->dir);
	fx->include_dirs[0] = inc;
	fx->opts.include_count = 1;
	write_file(fx, "plans/main.plan", "use \"../secret\"\n");
	load(fx, "plans/main.plan");
	assert_clean(fx);
	assert_string_equal(rel_path(fx, 1), "plans/../secret.plan");
}

static void test_symbolic_links(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "plans/main.plan", "use \"inside\"\nuse \"outside\"\nuse \"passwd\"\nuse \"environ\"\n");
	write_file(fx, "plans/lib/real.plan", "os real\n");
	write_file(fx, "secret.plan", "os secret\n");
	assert_int_equal(symlink("lib/real.plan", at(fx, "plans/inside.plan")), 0);
	assert_int_equal(symlink("../secret.plan", at(fx, "plans/outside.plan")), 0);
	assert_int_equal(symlink("/etc/passwd", at(fx, "plans/passwd.plan")), 0);
	assert_int_equal(symlink("/proc/self/environ", at(fx, "plans/environ.plan")), 0);
	load(fx, "plans/main.plan");
	/* a link is resolved, then checked: only the one that stays inside is read */
	assert_int_equal(fx->sink.diags.len, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(((const struct diag *)fx->sink.diags.items[i])->code, BFP212);
	assert_int_equal(file_count(fx), 2);
	assert_string_equal(rel_path(fx, 1), "plans/inside.plan");
}

static void test_special_files(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "plans/main.plan", "use \"pipe\"\n");
	assert_int_equal(mkfifo(at(fx, "plans/pipe.plan"), 0600), 0);
	/* a pipe no one writes to would block a reader for ever: it is refused unopened */
	load(fx, "plans/main.plan");
	const struct diag *d = refused(fx, BFP213, "\"pipe\"");
	assert_non_null(strstr(d->message, "is a pipe, not a plan file"));

	/* a device, reached through an -I the operator gave */
	char dev[] = "/dev";
	fx->include_dirs[0] = dev;
	fx->opts.include_count = 1;
	assert_int_equal(symlink("/dev/zero", at(fx, "plans/zero.plan")), 0);
	write_file(fx, "plans/main.plan", "use \"zero\"\n");
	load(fx, "plans/main.plan");
	d = refused(fx, BFP213, "\"zero\"");
	assert_non_null(strstr(d->message, "is a device, not a plan file"));

	/* the kernel's files look regular but are not plans, even under a root that holds them */
	char slash[] = "/";
	fx->include_dirs[0] = slash;
	assert_int_equal(symlink("/proc/self/environ", at(fx, "plans/environ.plan")), 0);
	write_file(fx, "plans/main.plan", "use \"environ\"\n");
	load(fx, "plans/main.plan");
	d = refused(fx, BFP213, "\"environ\"");
	assert_non_null(strstr(d->message, "is a file of the kernel, not a plan file"));
}

static void test_wide_encodings(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *bytes;
		size_t len;
		const char *name;
	} files[] = {
		{"\xFF\xFEo\0s\0 \0x\0\n\0", 12, "UTF-16LE"},
		{"o\0s\0 \0x\0\n\0", 10, "UTF-16LE"},
		{"\xFE\xFF\0o\0s\0 \0x\0\n", 12, "UTF-16BE"},
		{"\0o\0s\0 \0x\0\n", 10, "UTF-16BE"},
		{"\xFF\xFE\0\0o\0\0\0s\0\0\0", 12, "UTF-32LE"},
		{"\0\0\xFE\xFF\0\0\0o\0\0\0s", 12, "UTF-32BE"},
		{"o\0\0\0s\0\0\0 \0\0\0x\0\0\0", 16, "UTF-32LE"},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		FILE *f = fopen(at(fx, "wide.plan"), "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(files[i].bytes, 1, files[i].len, f), files[i].len);
		assert_int_equal(fclose(f), 0);
		/* as the root: one diagnostic naming the encoding, instead of one per NUL byte */
		load(fx, "wide.plan");
		const struct diag *d = only_diag(fx, BFP007);
		assert_non_null(strstr(d->message, files[i].name));
		assert_non_null(strstr(d->help, "iconv"));
		/* through `use`: at the `use` */
		write_file(fx, "main.plan", "use \"wide\"\n");
		load(fx, "main.plan");
		d = only_diag(fx, BFP007);
		assert_string_equal(spanned(fx, d->span), "\"wide\"");
	}
	/* a UTF-8 byte-order mark is skipped, with positions counted from the file's first byte */
	write_file(fx, "bom.plan", "\xEF\xBB\xBFos x\nos y = 1\n");
	load(fx, "bom.plan");
	const struct diag *d = only_diag(fx, BFP102);
	struct src_pos pos = src_position(&fx->sm, d->span.file, d->span.begin);
	assert_int_equal(pos.line, 2);
	assert_int_equal(pos.column, 6);
}
static void test_directory_is_not_a_plan(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "use \"d\"\n");
	write_file(fx, "d.plan/inside.plan", "os inside\n");
	write_file(fx, "inc/d.plan", "os d\n");
	char inc[128];
	snprintf(inc, sizeof inc, "%s/inc", fx->dir);
	fx->include_dirs[0] = inc;
	fx->opts.include_count = 1;
	load(fx, "main.plan");
	assert_clean(fx);
	/* the directory beside main.plan is passed over for the file in -I */
	assert_string_equal(rel_path(fx, 1), "inc/d.plan");
	/* and without that file, it is named for what it is */
	assert_int_equal(unlink(at(fx, "inc/d.plan")), 0);
	load(fx, "main.plan");
	const struct diag *d = only_diag(fx, BFP213);
	assert_non_null(strstr(d->message, "d.plan' is a directory, not a plan file"));
}

/* ---- each file once --------------------------------------------------------- */

static void test_diamond_reads_each_file_once(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"left\"\nuse \"right\"\nos root\n");
	write_file(fx, "left.plan", "use \"shared\"\nos left\n");
	/* the same file under another spelling */
	write_file(fx, "right.plan", "use \"./lib/../shared.plan\"\nos right\n");
	write_file(fx, "lib/keep.plan", "os keep\n");
	write_file(fx, "shared.plan", "os shared\n");
	load(fx, "root.plan");
	assert_clean(fx);
	assert_int_equal(file_count(fx), 4);
	assert_string_equal(program_order(fx), "shared.plan left.plan right.plan root.plan");
	/* the first import is the one remembered, and shown in notes */
	const struct src_file *shared = file(fx, 2);
	assert_string_equal(rel_path(fx, 2), "shared.plan");
	assert_int_equal(shared->import.file, 1);
	assert_string_equal(spanned(fx, shared->import), "use \"shared\"");
}

static void test_errors_in_an_imported_file_are_located_there(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"a\"\nuse \"b\"\n");
	write_file(fx, "a.plan", "use \"bad\"\n");
	write_file(fx, "b.plan", "use \"bad\"\n");
	write_file(fx, "bad.plan", "os x = 1\n");
	load(fx, "root.plan");
	/* reported once although imported twice */
	const struct diag *d = only_diag(fx, BFP102);
	assert_string_equal(rel_path(fx, d->span.file), "bad.plan");
	struct src_pos pos = src_position(&fx->sm, d->span.file, d->span.begin);
	assert_int_equal(pos.line, 1);
	assert_int_equal(pos.column, 6);
}

static void test_root_imported_again_is_a_cycle(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"leaf\"\n");
	write_file(fx, "leaf.plan", "use \"root\"\n");
	load(fx, "root.plan");
	const struct diag *d = only_diag(fx, BFP202);
	char want[512];
	snprintf(want, sizeof want, "import cycle: '%s/root.plan' -> '%s/leaf.plan' -> '%s/root.plan'",
		 fx->dir, fx->dir, fx->dir);
	assert_string_equal(d->message, want);
	assert_int_equal(file_count(fx), 2);
}

/* ---- cycles, depth, failures -------------------------------------------------- */

static void test_cycle_reports_the_whole_chain(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"a\"\n");
	write_file(fx, "a.plan", "use \"b\"\n");
	write_file(fx, "b.plan", "use \"c\"\n");
	write_file(fx, "c.plan", "os c\nuse \"a\"\n");
	load(fx, "root.plan");
	const struct diag *d = only_diag(fx, BFP202);
	char want[512];
	snprintf(want, sizeof want,
		 "import cycle: '%s/a.plan' -> '%s/b.plan' -> '%s/c.plan' -> '%s/a.plan'",
		 fx->dir, fx->dir, fx->dir, fx->dir);
	assert_string_equal(d->message, want);
	/* at the path of the `use` that closes the cycle */
	assert_string_equal(rel_path(fx, d->span.file), "c.plan");
	assert_string_equal(spanned(fx, d->span), "\"a\"");
	assert_non_null(d->help);
	/* the chain itself is shown by the renderer from each file's import */
	assert_int_equal(d->notes.len, 0);
	/* every file is still loaded once */
	assert_int_equal(file_count(fx), 4);
	assert_string_equal(program_order(fx), "c.plan b.plan a.plan root.plan");
}

static void test_self_import(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "self.plan", "use \"self\"\n");
	load(fx, "self.plan");
	const struct diag *d = only_diag(fx, BFP202);
	char want[256];
	snprintf(want, sizeof want, "import cycle: '%s/self.plan' -> '%s/self.plan'", fx->dir, fx->dir);
	assert_string_equal(d->message, want);
}

static void test_depth_limit(void **state)
{
	struct fixture *fx = *state;
	/* root -> f01 -> f02 -> ... -> f20 */
	write_file(fx, "root.plan", "use \"f01\"\n");
	char name[32], text[64];
	for (int i = 1; i <= 20; i++) {
		snprintf(name, sizeof name, "f%02d.plan", i);
		snprintf(text, sizeof text, "use \"f%02d\"\nos n%d\n", i + 1, i);
		write_file(fx, name, i == 20 ? "os last\n" : text);
	}
	load(fx, "root.plan");
	const struct diag *d = only_diag(fx, BFP203);
	char want[64];
	snprintf(want, sizeof want, "imports are nested more than %d deep", LOAD_MAX_IMPORT_DEPTH);
	assert_string_equal(d->message, want);
	/* the root and the first LOAD_MAX_IMPORT_DEPTH - 1 imports are read; the next one is refused */
	assert_int_equal(file_count(fx), LOAD_MAX_IMPORT_DEPTH);
	snprintf(name, sizeof name, "f%02d.plan", LOAD_MAX_IMPORT_DEPTH - 1);
	assert_string_equal(rel_path(fx, d->span.file), name);
	snprintf(want, sizeof want, "\"f%02d\"", LOAD_MAX_IMPORT_DEPTH);
	assert_string_equal(spanned(fx, d->span), want);
}

static void test_depth_just_under_the_limit(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "root.plan", "use \"f01\"\n");
	char name[32], text[64];
	int last = LOAD_MAX_IMPORT_DEPTH - 1;
	for (int i = 1; i <= last; i++) {
		snprintf(name, sizeof name, "f%02d.plan", i);
		snprintf(text, sizeof text, "use \"f%02d\"\n", i + 1);
		write_file(fx, name, i == last ? "os last\n" : text);
	}
	load(fx, "root.plan");
	assert_clean(fx);
	assert_int_equal(file_count(fx), LOAD_MAX_IMPORT_DEPTH);
}

static void test_not_found(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "os a\nuse \"no/such/file\"\nos b\n");
	load(fx, "main.plan");
	const struct diag *d = only_diag(fx, BFP201);
	assert_string_equal(d->message, "cannot find \"no/such/file\" to import");
	assert_string_equal(spanned(fx, d->span), "\"no/such/file\"");
	assert_non_null(d->help);
	/* a missing import is an error in the plan, not an I/O failure of the run */
	assert_int_equal(fx->status, LOAD_OK);
	assert_int_equal(fx->program.files.len, 1);
}

static void test_unreadable_root(void **state)
{
	struct fixture *fx = *state;
	load(fx, "missing.plan");
	assert_int_equal(fx->status, LOAD_IO_ERROR);
	const struct diag *d = only_diag(fx, BFP001);
	char want[256];
	snprintf(want, sizeof want, "cannot read '%s/missing.plan': No such file or directory", fx->dir);
	assert_string_equal(d->message, want);
	assert_int_equal(d->span.file, SRC_NO_FILE);

	load_path(fx, fx->dir);
	assert_int_equal(fx->status, LOAD_IO_ERROR);
	d = only_diag(fx, BFP001);
	snprintf(want, sizeof want, "cannot read '%s': Is a directory", fx->dir);
	assert_string_equal(d->message, want);
}

static void test_read_file_limit(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "ten", "0123456789");
	write_file(fx, "eleven", "0123456789A");
	size_t len = 0;
	bool too_large = true;
	char *text = read_file_bounded(&fx->arena, at(fx, "ten"), 10, &len, &too_large);
	assert_non_null(text);
	assert_false(too_large);
	assert_int_equal(len, 10);
	assert_string_equal(text, "0123456789");
	text = read_file_bounded(&fx->arena, at(fx, "eleven"), 10, &len, &too_large);
	assert_non_null(text);
	assert_true(too_large);
	errno = 0;
	assert_null(read_file_bounded(&fx->arena, at(fx, "none"), 10, &len, &too_large));
	assert_int_equal(errno, ENOENT);
}

static void test_root_over_the_size_limit(void **state)
{
	struct fixture *fx = *state;
	write_filled(fx, "exact.plan", SRC_MAX_FILE_SIZE, "os x\n");
	load(fx, "exact.plan");
	assert_clean(fx);
	write_filled(fx, "big.plan", SRC_MAX_FILE_SIZE + 1, "os x\n");
	load(fx, "big.plan");
	const struct diag *d = only_diag(fx, BFP002);
	char want[64];
	snprintf(want, sizeof want, "file is larger than %d bytes", SRC_MAX_FILE_SIZE);
	assert_string_equal(d->message, want);
	/* an error in the plan (exit 1), located at the start of the file */
	assert_int_equal(fx->status, LOAD_OK);
	assert_int_equal(d->span.file, 0);
	assert_int_equal(d->span.begin, 0);
}

static void test_import_over_the_size_limit(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "use \"big\"\n");
	write_filled(fx, "big.plan", SRC_MAX_FILE_SIZE + 1, "os x = \n");
	load(fx, "main.plan");
	/* reported at the `use`, and the oversized file is not parsed */
	const struct diag *d = only_diag(fx, BFP002);
	assert_int_equal(d->span.file, 0);
	assert_string_equal(spanned(fx, d->span), "\"big\"");
}

static void test_standard_input(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "lib/dep.plan", "os dep\n");
	write_file(fx, "input", "use \"lib/dep\"\nos x = 1\n");
	int saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	int fd = open(at(fx, "input"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);

	/* named by --stdin-filename: imports are found beside that name */
	char name[128];
	snprintf(name, sizeof name, "%s/given.plan", fx->dir);
	fx->opts.stdin_name = name;
	load_path(fx, "-");
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);

	assert_int_equal(fx->status, LOAD_OK);
	assert_string_equal(rel_path(fx, 0), "given.plan");
	assert_string_equal(rel_path(fx, 1), "lib/dep.plan");
	const struct diag *d = only_diag(fx, BFP102);
	assert_int_equal(d->span.file, 0);
}

static void test_standard_input_default_name(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "input", "os x\n");
	int saved = dup(STDIN_FILENO);
	int fd = open(at(fx, "input"), O_RDONLY);
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	load_path(fx, "-");
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_clean(fx);
	assert_string_equal(file(fx, 0)->path, "<stdin>");
}

static void test_import_span_and_stdlib_flag(void **state)
{
	struct fixture *fx = *state;
	write_file(fx, "main.plan", "os a\nuse \"local\"\nuse \"lib\"\n");
	write_file(fx, "local.plan", "os local\n");
	write_file(fx, "std/lib.plan", "os lib\n");
	char std[128];
	snprintf(std, sizeof std, "%s/std", fx->dir);
	fx->opts.stdlib_dir = std;
	load(fx, "main.plan");
	assert_clean(fx);
	assert_int_equal(file(fx, 0)->import.file, SRC_NO_FILE);
	assert_false(file(fx, 0)->is_stdlib);
	assert_string_equal(spanned(fx, file(fx, 1)->import), "use \"local\"");
	assert_false(file(fx, 1)->is_stdlib);
	assert_string_equal(spanned(fx, file(fx, 2)->import), "use \"lib\"");
	assert_true(file(fx, 2)->is_stdlib);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_relative_to_the_importing_file),
		T(test_relative_root_path),
		T(test_search_order),
		T(test_search_path_with_empty_parts),
		T(test_plan_extension),
		T(test_extension_not_added_twice_nor_dropped),
		T(test_stdlib_reached_twice_is_not_shadowed),
		T(test_absolute_path),
		T(test_dot_dot),
		T(test_symbolic_links),
		T(test_special_files),
		T(test_wide_encodings),
		T(test_directory_is_not_a_plan),
		T(test_diamond_reads_each_file_once),
		T(test_errors_in_an_imported_file_are_located_there),
		T(test_root_imported_again_is_a_cycle),
		T(test_cycle_reports_the_whole_chain),
		T(test_self_import),
		T(test_depth_limit),
		T(test_depth_just_under_the_limit),
		T(test_not_found),
		T(test_unreadable_root),
		T(test_read_file_limit),
		T(test_root_over_the_size_limit),
		T(test_import_over_the_size_limit),
		T(test_standard_input),
		T(test_standard_input_default_name),
		T(test_import_span_and_stdlib_flag),
	};
#undef T
	return cmocka_run_group_tests(tests, 0, 0);
}
