/*
 * fuzz.c - staging fuzz inputs as files and running bfplan on them (see fuzz.h).
 *
 * The state here (the private directory, the output sink) belongs to the
 * harness process and is set up once; bfplan itself keeps none between
 * calls, which is what lets one process run it millions of times.
 */
#define _XOPEN_SOURCE 700

#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "cli.h"

#ifndef FUZZ_STDLIB_DIR
#define FUZZ_STDLIB_DIR "stdlib"
#endif

/* Names of files inside an input are at most this long. */
enum { FUZZ_MAX_NAME = 100 };

static struct {
	bool ready;
	char root[PATH_MAX - 2 * FUZZ_MAX_NAME]; /* this process's directory */
	char in[PATH_MAX - FUZZ_MAX_NAME];      /* root/in: the staged files */
	char main[PATH_MAX];
	char include_dir[PATH_MAX];
	char fresh[PATH_MAX];
	const char *schema;
	FILE *sink;
} fz;

static void remove_root(void);

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	remove_root();
	abort();
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static void remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0 && errno == ENOENT)
		return;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fuzz_fail("cannot remove %s: %s", path, strerror(errno));
}

static void remove_root(void)
{
	if (fz.ready) {
		fz.ready = false; /* once, even when removing fails and calls fuzz_fail() */
		remove_tree(fz.root);
	}
}

static bool is_writable_dir(const char *path)
{
	struct stat st;
	return path && path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode) && access(path, W_OK | X_OK) == 0;
}

static void setup(void)
{
	if (fz.ready)
		return;
	const char *base = is_writable_dir(getenv("FUZZ_TMPDIR")) ? getenv("FUZZ_TMPDIR")
			   : is_writable_dir("/dev/shm")            ? "/dev/shm"
			   : is_writable_dir(getenv("TMPDIR"))      ? getenv("TMPDIR")
								    : "/tmp";
	snprintf(fz.root, sizeof fz.root, "%s/bfplan-fuzz.XXXXXX", base);
	if (!mkdtemp(fz.root))
		fuzz_fail("cannot create a directory in %s: %s", base, strerror(errno));
	snprintf(fz.in, sizeof fz.in, "%s/in", fz.root);
	snprintf(fz.include_dir, sizeof fz.include_dir, "%s/inc", fz.in);
	const char *xsd = getenv("BFPLAN_BES_XSD");
	fz.schema = xsd && access(xsd, R_OK) == 0 ? xsd : NULL;
	if (!fz.schema)
		fprintf(stderr, "fuzz: BES.xsd not found (BFPLAN_BES_XSD is %s): builds run without --validate\n",
			xsd ? xsd : "unset");
	fz.sink = getenv("FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
	if (!fz.sink)
		fuzz_fail("cannot open /dev/null: %s", strerror(errno));
	fz.ready = true;
	atexit(remove_root);
}

const char *fuzz_schema(void)
{
	setup();
	return fz.schema;
}

const char *fuzz_fresh_dir(const char *name)
{
	setup();
	snprintf(fz.fresh, sizeof fz.fresh, "%s/%s", fz.root, name);
	remove_tree(fz.fresh);
	return fz.fresh;
}

/* A relative path of [A-Za-z0-9._-] components, none of them "." or "..". */
static bool valid_name(const char *name, size_t len)
{
	if (len == 0 || len > FUZZ_MAX_NAME)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || name[i] == '/') {
			size_t n = i - start;
			if (n == 0 || (n <= 2 && strncmp(name + start, "..", n) == 0))
				return false;
			start = i + 1;
			continue;
		}
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

/* Is `e` an errno that a clash of two names in one input explains? */
static bool is_name_clash(int e)
{
	return e == EEXIST || e == ENOTDIR || e == EISDIR;
}

/* Writes `dir`/`name`, creating its directories; false when the name clashes with another file's. */
static bool write_file(const char *dir, const char *name, size_t name_len, const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/%.*s", dir, (int)name_len, name);
	for (char *slash = path + strlen(dir) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		int rc = mkdir(path, 0755);
		*slash = '/';
		if (rc != 0 && errno == EEXIST)
			continue;
		if (rc != 0 && is_name_clash(errno))
			return false;
		if (rc != 0)
			fuzz_fail("cannot create %.*s: %s", n, path, strerror(errno));
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && is_name_clash(errno))
		return false;
	if (fd < 0)
		fuzz_fail("cannot create %s: %s", path, strerror(errno));
	for (size_t done = 0; done < size;) {
		ssize_t w = write(fd, data + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			fuzz_fail("cannot write %s: %s", path, strerror(errno));
		done += (size_t)w;
	}
	close(fd);
	return true;
}

/* Where the next "%% " line starts at or after `from`, or `size`. */
static size_t next_header(const uint8_t *data, size_t size, size_t from)
{
	for (size_t i = from; i + 3 <= size; i++)
		if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, "%% ", 3) == 0)
			return i;
	return size;
}

void fuzz_stage(const uint8_t *data, size_t size, const char *main_name, struct fuzz_input *in)
{
	setup();
	remove_tree(fz.in);
	if (mkdir(fz.in, 0755) != 0)
		fuzz_fail("cannot create %s: %s", fz.in, strerror(errno));
	size_t end = next_header(data, size, 0);
	write_file(fz.in, main_name, strlen(main_name), data, end);
	while (end < size) {
		size_t name = end + 3;
		const uint8_t *nl = memchr(data + name, '\n', size - name);
		size_t name_end = nl ? (size_t)(nl - data) : size;
		size_t body = nl ? name_end + 1 : size;
		end = next_header(data, size, body);
		const char *n = (const char *)data + name;
		if (valid_name(n, name_end - name))
			write_file(fz.in, n, name_end - name, data + body, end - body);
	}
	snprintf(fz.main, sizeof fz.main, "%s/%s", fz.in, main_name);
	in->main = fz.main;
	in->include_dir = fz.include_dir;
}

int fuzz_bfplan(const char *const *argv)
{
	setup();
	static const struct bfplan_env env = {
		.stdlib_dir = FUZZ_STDLIB_DIR,
		.term = "dumb",
		.source_date_epoch = "1700000000",
	};
	int argc = 0;
	while (argv[argc])
		argc++;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	for (int i = 0; args && i < argc; i++)
		if (!(args[i] = strdup(argv[i])))
			fuzz_fail("out of memory");
	if (!args)
		fuzz_fail("out of memory");
	int status = bfplan_main(argc, args, fz.sink, fz.sink, &env);
	for (int i = 0; i < argc; i++)
		free(args[i]);
	free(args);
	if (status < 0 || status > 2) {
		fprintf(stderr, "fuzz: bfplan");
		for (int i = 1; i < argc; i++)
			fprintf(stderr, " %s", argv[i]);
		fuzz_fail("exited %d, not 0, 1 or 2", status);
	}
	return status;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void expect_well_formed(const char *path)
{
	if (has_suffix(path, ".bes")) {
		xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (!doc)
			fuzz_fail("%s is not well-formed XML", path);
		xmlFreeDoc(doc);
	} else if (has_suffix(path, ".json")) {
		json_error_t error;
		json_t *json = json_load_file(path, 0, &error);
		if (!json)
			fuzz_fail("%s is not JSON: %s at line %d", path, error.text, error.line);
		json_decref(json);
	}
}

void fuzz_expect_output_set(const char *dir, int status)
{
	DIR *d = opendir(dir);
	if (!d && errno == ENOENT)
		return;
	if (!d)
		fuzz_fail("cannot open %s: %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.')
			fuzz_fail("a temporary file was left behind: %s", path);
		if (status != 0)
			fuzz_fail("bfplan exited %d but wrote %s", status, path);
		expect_well_formed(path);
	}
	closedir(d);
}
