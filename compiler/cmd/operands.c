/*
 * operands.c - directories given where plan files are expected (see operands.h).
 */
#define _DEFAULT_SOURCE /* DT_DIR, DT_UNKNOWN */

#include "cmd/operands.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/escape.h"

/* Deeper trees than this are not plan repositories; the bound keeps a hostile one finite. */
enum { OPERANDS_MAX_DEPTH = 64 };

static bool is_plan_name(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".plan") == 0;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the plan files under `dir` to `out`; false after saying why on `err`. */
static bool walk(struct arena *arena, const char *dir, unsigned depth, struct ptrvec *out, FILE *err)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(err, "bfplan: cannot read the directory '%s': %s\n", esc_terminal(arena, dir), strerror(errno));
		return false;
	}
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *path = strcmp(dir, ".") == 0 ? arena_strdup(arena, e->d_name) /* "plans/a.plan", not "./plans/a.plan" */
			     : arena_printf(arena, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < OPERANDS_MAX_DEPTH)
			ok = walk(arena, path, depth + 1, out, err);
		else if (is_plan_name(e->d_name) && !S_ISDIR(st.st_mode))
			ptrvec_push(arena, out, path);
	}
	closedir(d);
	return ok;
}

bool operands_expand(struct arena *arena, struct ptrvec *inputs, FILE *err)
{
	struct ptrvec out = {0};
	for (size_t i = 0; i < inputs->len; i++) {
		char *arg = inputs->items[i]; /* argv's, which is not const */
		struct stat st;
		if (strcmp(arg, "-") == 0 || stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
			ptrvec_push(arena, &out, arg); /* a file, or what check will say cannot be read */
			continue;
		}
		size_t first = out.len;
		if (!walk(arena, arg, 0, &out, err))
			return false;
		if (out.len == first) {
			fprintf(err, "bfplan: no .plan file under the directory '%s'\n", esc_terminal(arena, arg));
			return false;
		}
		qsort(out.items + first, out.len - first, sizeof out.items[0], compare_paths);
	}
	*inputs = out;
	return true;
}
