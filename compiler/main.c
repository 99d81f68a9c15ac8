/*
 * main.c - the bfplan executable: the process environment, then bfplan_main().
 */
#define _DEFAULT_SOURCE /* realpath() */

#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "out/outset.h"

/*
 * Removes "dir/.." pairs from a path, by text alone (no symlinks are
 * followed), so that "build/../stdlib" reads "stdlib" in diagnostics.
 */
static void normalize_path(char *path)
{
	char *parts[256];
	size_t n = 0;
	bool absolute = path[0] == '/';
	char *save = NULL;
	for (char *tok = strtok_r(path, "/", &save); tok && n < 256; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0) {
			n--;
			continue;
		}
		parts[n++] = tok;
	}
	char out[PATH_MAX] = "";
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof out; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i || absolute ? "/" : "", parts[i]);
	if (n == 0)
		snprintf(out, sizeof out, "%s", absolute ? "/" : ".");
	strcpy(path, out);
}

/* The directory holding `exe` (a path to the executable), or "" if it names none. */
static bool exe_dir(const char *exe, char *dir, size_t size)
{
	const char *slash = strrchr(exe, '/');
	if (!slash || (size_t)(slash - exe) >= size)
		return false;
	snprintf(dir, size, "%.*s", (int)(slash - exe), exe);
	if (!dir[0])
		snprintf(dir, size, "/");
	return true;
}

/* Where a stdlib was looked for, for BFP201: "'A', 'B'". */
struct sought {
	char text[4 * PATH_MAX];
	size_t len;
	char last_dir[PATH_MAX]; /* the executable's directory tried last */
};

static void note_sought(struct sought *s, const char *dir)
{
	if (s->len < sizeof s->text)
		s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%s'%s'", s->len ? ", " : "",
					   dir);
}

/* The stdlib beside the executable in `dir`, into buf; false if none. */
static bool stdlib_beside(const char *dir, char *buf, size_t size, struct sought *sought)
{
	if (strcmp(dir, sought->last_dir) == 0)
		return false; /* the resolved path is often the one already tried */
	snprintf(sought->last_dir, sizeof sought->last_dir, "%s", dir);
	/* installed; build/bfplan in the tree; build/san/bfplan, the sanitizer build */
	static const char *const candidates[] = {"/../share/bfplan/stdlib", "/../stdlib", "/../../stdlib"};
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		struct stat st;
		snprintf(buf, size, "%s%s", strcmp(dir, "/") == 0 ? "" : dir, candidates[i]);
		bool found = stat(buf, &st) == 0 && S_ISDIR(st.st_mode);
		normalize_path(buf);
		if (found)
			return true;
		note_sought(sought, buf);
	}
	return false;
}

/*
 * The standard library is found relative to the executable, so the same
 * binary works installed (PREFIX/bin/bfplan -> PREFIX/share/bfplan/stdlib,
 * whatever PREFIX) and in the source tree (build/bfplan -> stdlib/).
 * Tried in turn: the path bfplan was run by, so that diagnostics and
 * depfiles name stdlib files relative to where the user is; that path with
 * its symbolic links resolved (pre-commit and package managers run a link
 * to the installed binary); and the kernel's idea of the executable.
 * Without one, `sought` says where it looked.
 */
static const char *find_stdlib(const char *argv0, char *buf, size_t size, struct sought *sought)
{
	char dir[PATH_MAX];
	if (argv0 && strchr(argv0, '/')) {
		if (exe_dir(argv0, dir, sizeof dir) && stdlib_beside(dir, buf, size, sought))
			return buf;
		char *real = realpath(argv0, NULL);
		bool found = real && exe_dir(real, dir, sizeof dir) && stdlib_beside(dir, buf, size, sought);
		free(real);
		if (found)
			return buf;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (exe_dir(exe, dir, sizeof dir) && stdlib_beside(dir, buf, size, sought))
		return buf;
	return NULL;
}

/* The login name: LOGNAME, USER, else the password database's name for the user. */
static const char *login_name(void)
{
	const char *name = getenv("LOGNAME");
	if (!name || !name[0])
		name = getenv("USER");
	if (!name || !name[0]) {
		const struct passwd *pw = getpwuid(getuid());
		name = pw ? pw->pw_name : NULL;
	}
	return name;
}

int main(int argc, char **argv)
{
	char stdlib_buf[PATH_MAX + 32];
	static struct sought sought; /* static: too large for the stack of a small thread */
	const char *stdlib_dir = find_stdlib(argv[0], stdlib_buf, sizeof stdlib_buf, &sought);
	struct bfplan_env env = {
		.search_path = getenv("BFPLAN_PATH"),
		.stdlib_dir = stdlib_dir,
		.stdlib_sought = stdlib_dir ? NULL : sought.text,
		.no_color = getenv("NO_COLOR"),
		.term = getenv("TERM"),
		.bes_xsd = getenv("BFPLAN_BES_XSD"),
		.source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
		.site_urls = getenv("BFPLAN_SITE_URLS"),
		.operator_name = getenv("BFPLAN_OPERATOR"),
		.login = login_name(),
		.now = getenv("BFPLAN_NOW"),
		.besapi_xsd = getenv("BFPLAN_BESAPI_XSD"),
		.bigfix_poll_ms = getenv("BFPLAN_BIGFIX_POLL_MS"),
		.stderr_is_tty = isatty(STDERR_FILENO),
	};
	/* a build interrupted by Ctrl-C or kill leaves no temporary file behind */
	outset_handle_signals();
	int rc = bfplan_main(argc, argv, stdout, stderr, &env);
	if (fflush(stdout) != 0 && rc == 0)
		rc = EXIT_USAGE;
	return rc;
}
