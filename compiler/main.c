/*
 * main.c - the bfplan executable: the process environment, then bfplan_main().
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/*
 * The standard library is found relative to the executable, so the same
 * binary works installed (PREFIX/bin/bfplan -> PREFIX/share/bfplan/stdlib)
 * and in the source tree (build/bfplan -> stdlib/).
 */
static const char *find_stdlib(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	static const char *const candidates[] = {"/../share/bfplan/stdlib", "/../stdlib"};
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		struct stat st;
		snprintf(buf, size, "%s%s", exe, candidates[i]);
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char stdlib_buf[PATH_MAX + 32];
	struct bfplan_env env = {
		.search_path = getenv("BFPLAN_PATH"),
		.stdlib_dir = find_stdlib(stdlib_buf, sizeof stdlib_buf),
		.no_color = getenv("NO_COLOR"),
		.term = getenv("TERM"),
		.stderr_is_tty = isatty(STDERR_FILENO),
	};
	int rc = bfplan_main(argc, argv, stdout, stderr, &env);
	if (fflush(stdout) != 0 && rc == 0)
		rc = EXIT_USAGE;
	return rc;
}
