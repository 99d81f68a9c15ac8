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

#include "cmd/cli.h"

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
	char *out, *err; /* what fuzz_bfplan_capture() caught last */
	size_t out_len, err_len;
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

/* Writes the file `path`; false when its name clashes with another file's. */
static bool write_path(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && is_name_clash(errno))
		return false;
	if (fd < 0)
		fuzz_fail("cannot create %s: %s", path, strerror(errno));
	for (size_t done = 0; done < size;) {
		ssize_t w = write(fd, (const char *)data + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			fuzz_fail("cannot write %s: %s", path, strerror(errno));
		done += (size_t)w;
	}
	close(fd);
	return true;
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
	return write_path(path, data, size);
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
	in->main_size = next_header(data, size, 0);
	in->include_dir = fz.include_dir;
}

/* Runs bfplan with its standard output and standard error going to `out` and `err`. */
static int run_bfplan(const char *const *argv, FILE *out, FILE *err)
{
	setup();
	static const struct bfplan_env env = {
		.stdlib_dir = FUZZ_STDLIB_DIR,
		.term = "dumb",
		.source_date_epoch = "1700000000",
		.now = "2026-12-06T21:30:00Z", /* bfplan run records this time: the same bytes every run */
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
	int status = bfplan_main(argc, args, out, err, &env);
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

void fuzz_replace_main(const void *data, size_t size)
{
	if (!fz.main[0] || !write_path(fz.main, data, size))
		fuzz_fail("cannot replace the main file %s", fz.main);
}

int fuzz_bfplan(const char *const *argv)
{
	setup();
	return run_bfplan(argv, fz.sink, fz.sink);
}

int fuzz_bfplan_capture(const char *const *argv, struct fuzz_output *o)
{
	setup();
	free(fz.out);
	free(fz.err);
	fz.out = fz.err = NULL;
	FILE *out = open_memstream(&fz.out, &fz.out_len);
	FILE *err = open_memstream(&fz.err, &fz.err_len);
	if (!out || !err)
		fuzz_fail("cannot open a memory stream: %s", strerror(errno));
	int status = run_bfplan(argv, out, err);
	if (fclose(out) != 0 || fclose(err) != 0)
		fuzz_fail("cannot close a memory stream: %s", strerror(errno));
	if (getenv("FUZZ_VERBOSE")) {
		fwrite(fz.out, 1, fz.out_len, stderr);
		fwrite(fz.err, 1, fz.err_len, stderr);
	}
	*o = (struct fuzz_output){fz.out, fz.out_len, fz.err, fz.err_len};
	return status;
}

const char *const *fuzz_json_errors(const struct fuzz_output *o)
{
	static char **codes;
	static size_t cap;
	for (size_t i = 0; codes && codes[i]; i++)
		free(codes[i]);
	json_error_t error;
	json_t *doc = json_loadb(o->out, o->out_len, 0, &error);
	json_t *diags = json_object_get(doc, "diagnostics");
	if (!json_is_array(diags))
		fuzz_fail("bfplan --format=json wrote no list of diagnostics%s%s", doc ? "" : ": ",
			  doc ? "" : error.text);
	if (cap < json_array_size(diags) + 1) {
		cap = json_array_size(diags) + 1;
		codes = realloc(codes, cap * sizeof *codes);
		if (!codes)
			fuzz_fail("out of memory");
	}
	size_t n = 0, i;
	json_t *d;
	json_array_foreach (diags, i, d) {
		const char *code = json_string_value(json_object_get(d, "code"));
		const char *severity = json_string_value(json_object_get(d, "severity"));
		if (!code || !severity)
			fuzz_fail("bfplan --format=json wrote a diagnostic without a code or a severity");
		if (strcmp(severity, "error") == 0 && !(codes[n++] = strdup(code)))
			fuzz_fail("out of memory");
	}
	codes[n] = NULL;
	json_decref(doc);
	return (const char *const *)codes;
}

/*
 * Decodes one UTF-8 character of `s` (strictly: no overlong forms, no
 * surrogates, nothing above U+10FFFF) into *cp; returns its length, or 0
 * when `s` does not start with one.
 */
static size_t decode_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min_value[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
		   : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t v = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3Fu);
	}
	if (v < min_value[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* Characters that act on a terminal or on how a line reads rather than showing. */
static const char *terminal_hazard(uint32_t cp)
{
	if (cp == 0x1B)
		return "ESC";
	if (cp == 0x07)
		return "BEL";
	if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F)
		return "a C0 control character or DEL";
	if (cp >= 0x80 && cp <= 0x9F)
		return "a C1 control character";
	/* Unicode's Bidi_Control characters */
	if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return "a bidi control";
	if (cp == 0x2028 || cp == 0x2029)
		return "a line or paragraph separator";
	return NULL;
}

/* The bytes around `at`, printable ASCII as it is and the rest as \xHH, for a message. */
static const char *excerpt(const char *text, size_t len, size_t at)
{
	static char buf[4 * 80 + 1];
	size_t from = at > 40 ? at - 40 : 0, to = len - at > 40 ? at + 40 : len, n = 0;
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20 && c < 0x7F && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02X", c);
	}
	buf[n] = '\0';
	return buf;
}

void fuzz_expect_terminal_safe(const char *stream, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0, n; i < len; i += n) {
		uint32_t cp = 0;
		n = decode_utf8(s + i, len - i, &cp);
		const char *what = n == 0 ? "a byte that is not UTF-8" : terminal_hazard(cp);
		if (!what)
			continue;
		char which[16];
		if (n == 0)
			snprintf(which, sizeof which, "0x%02X", s[i]);
		else
			snprintf(which, sizeof which, "U+%04X", (unsigned)cp);
		fuzz_fail("bfplan wrote %s (%s) on %s at byte %zu: ...%s...", what, which, stream, i,
			  excerpt(text, len, i));
	}
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
		/* BES.xsd wants one or more objects in <BES>; this holds without the schema too */
		xmlNodePtr root = xmlDocGetRootElement(doc);
		bool has_content = root && xmlFirstElementChild(root);
		xmlFreeDoc(doc);
		if (!has_content)
			fuzz_fail("%s is a BES document with nothing in it", path);
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
