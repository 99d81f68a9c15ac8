/*
 * main.c - the bfplan executable: the process environment, then bfplan_main().
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
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

/*
 * The standard library is found relative to the executable, so the same
 * binary works installed (PREFIX/bin/bfplan -> PREFIX/share/bfplan/stdlib)
 * and in the source tree (build/bfplan -> stdlib/).  When bfplan was run
 * by a path, that path is used, so diagnostics and depfiles name stdlib
 * files relative to where the user is; otherwise the kernel's idea of the
 * executable.
 */
static const char *find_stdlib(const char *argv0, char *buf, size_t size)
{
	char exe[PATH_MAX];
	if (argv0 && strchr(argv0, '/')) {
		snprintf(exe, sizeof exe, "%s", argv0);
	} else {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n <= 0)
			return NULL;
		exe[n] = '\0';
	}
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	/* installed; build/bfplan in the tree; build/san/bfplan, the sanitizer build */
	static const char *const candidates[] = {"/../share/bfplan/stdlib", "/../stdlib", "/../../stdlib"};
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		struct stat st;
		snprintf(buf, size, "%s%s", exe[0] ? exe : "/", candidates[i]);
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			normalize_path(buf);
			return buf;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char stdlib_buf[PATH_MAX + 32];
	struct bfplan_env env = {
		.search_path = getenv("BFPLAN_PATH"),
		.stdlib_dir = find_stdlib(argv[0], stdlib_buf, sizeof stdlib_buf),
		.no_color = getenv("NO_COLOR"),
		.term = getenv("TERM"),
		.bes_xsd = getenv("BFPLAN_BES_XSD"),
		.source_date_epoch = getenv("SOURCE_DATE_EPOCH"),
		.site_urls = getenv("BFPLAN_SITE_URLS"),
		.stderr_is_tty = isatty(STDERR_FILENO),
	};
	/* a build interrupted by Ctrl-C or kill leaves no temporary file behind */
	outset_handle_signals();
	int rc = bfplan_main(argc, argv, stdout, stderr, &env);
	if (fflush(stdout) != 0 && rc == 0)
		rc = EXIT_USAGE;
	return rc;
}
