/*
 * config.c - bfplan.ini (see config.h and docs/config.md).
 */
#define _DEFAULT_SOURCE /* realpath() */

#include "cmd/config.h"

#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/escape.h"
#include "front/load.h"
#include "lower/lower.h"

#define CONFIG_NAME "bfplan.ini"

/* A configuration is a few lines: anything larger is not one. */
enum { CONFIG_MAX_SIZE = 64 * 1024 };

struct reading {
	struct arena *arena;
	enum cmd_id cmd;
	struct cmd_options *o;
	const struct config_given *given;
	const char *dir;       /* the file's directory, for relative paths */
	const char *path;      /* the file, for messages */
	struct ptrvec urls;    /* struct lower_site_url *: the file's, before the others */
	const char *problem;   /* the first thing wrong, or NULL */
};

static bool fail(struct reading *r, const char *message)
{
	if (!r->problem)
		r->problem = message;
	return false;
}

static bool is_yes(const char *v, bool *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
		*out = false;
		return true;
	}
	return false;
}

/* [paths] include = DIR [DIR...]: -I directories, relative to the file's directory. */
static bool read_paths(struct reading *r, const char *name, const char *value)
{
	if (strcmp(name, "include") != 0)
		return fail(r, arena_printf(r->arena, "[paths] takes 'include', not '%s'", name));
	for (const char *p = value; *p;) {
		size_t skip = strspn(p, " \t"), len = strcspn(p + skip, " \t");
		p += skip;
		if (!len)
			break;
		char *dir = arena_strndup(r->arena, p, len);
		if (dir[0] != '/')
			dir = arena_printf(r->arena, "%s/%s", r->dir, dir);
		ptrvec_push(r->arena, &r->o->include_dirs, dir);
		p += len;
	}
	return true;
}

/* [allow] CODE = reason, [deny] CODE = reason: as --allow and --deny, with the file's reason. */
static bool read_code(struct reading *r, bool deny, const char *name, const char *value)
{
	enum diag_code code;
	if (!diag_code_lookup(name, &code))
		return fail(r, arena_printf(r->arena, "'%s' is not a diagnostic code", name));
	if (!deny && diag_code_severity(code) == DIAG_ERROR)
		return fail(r, arena_printf(r->arena, "%s is an error, and only warnings and notes can be allowed",
					    diag_code_string(code)));
	if (!value[0])
		return fail(r, arena_printf(r->arena, "%s needs a reason, as in '%s = why it is right here'", name, name));
	if (deny) {
		r->o->denied[code] = true;
		return true;
	}
	struct diag_allow *a = arena_alloc(r->arena, sizeof *a);
	*a = (struct diag_allow){.code = code, .kind = DIAG_ALLOW_EXTERNAL, .covers = {SRC_NO_FILE, 0, 0},
				 .directive = {SRC_NO_FILE, 0, 0},
				 .reason = esc_terminal(r->arena, arena_printf(r->arena, "%s (%s)", value, r->path))};
	ptrvec_push(r->arena, &r->o->allows, a);
	return true;
}

/* [output] format, color, werror, quiet: defaults the command line overrides. */
static bool read_output(struct reading *r, const char *name, const char *value)
{
	bool yes;
	if (strcmp(name, "format") == 0) {
		enum diag_format f;
		if (!diag_format_parse(value, &f))
			return fail(r, arena_printf(r->arena, "format is text, json, sarif or github, not '%s'", value));
		if (!r->given->format && (r->cmd == CMD_check || r->cmd == CMD_build))
			r->o->format = f;
	} else if (strcmp(name, "color") == 0) {
		if (strcmp(value, "never") != 0 && strcmp(value, "always") != 0 && strcmp(value, "auto") != 0)
			return fail(r, arena_printf(r->arena, "color is auto, always or never, not '%s'", value));
		if (!r->given->color)
			r->o->color = strcmp(value, "always") == 0 ? DIAG_COLOR_ALWAYS
				     : strcmp(value, "never") == 0 ? DIAG_COLOR_NEVER : r->o->color;
	} else if (strcmp(name, "werror") == 0 || strcmp(name, "quiet") == 0) {
		if (!is_yes(value, &yes))
			return fail(r, arena_printf(r->arena, "%s is true or false, not '%s'", name, value));
		bool *field = name[0] == 'w' ? &r->o->werror : &r->o->quiet;
		if (!(name[0] == 'w' ? r->given->werror : r->given->quiet))
			*field = yes;
	} else {
		return fail(r, arena_printf(r->arena, "[output] takes format, color, werror and quiet, not '%s'", name));
	}
	return true;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct reading *r = user;
	if (strcmp(section, "paths") == 0)
		return read_paths(r, name, value);
	if (strcmp(section, "allow") == 0 || strcmp(section, "deny") == 0)
		return read_code(r, section[0] == 'd', name, value);
	if (strcmp(section, "output") == 0)
		return read_output(r, name, value);
	if (strcmp(section, "sites") == 0) {
		struct lower_site_url *u = arena_alloc(r->arena, sizeof *u);
		*u = (struct lower_site_url){arena_strdup(r->arena, name), arena_strdup(r->arena, value), LW_URL_CONFIG};
		ptrvec_push(r->arena, &r->urls, u);
		return true;
	}
	return fail(r, arena_printf(r->arena, "unknown section [%s]: the sections are paths, sites, allow, deny "
				    "and output", section));
}

/* The directory to start from: the first operand's, or the current one for standard input. */
static const char *start_dir(struct arena *arena, const struct cmd_options *o)
{
	const char *first = o->inputs.len ? o->inputs.items[0] : "-";
	struct stat st;
	if (strcmp(first, "-") == 0)
		return ".";
	if (stat(first, &st) == 0 && S_ISDIR(st.st_mode))
		return first;
	const char *slash = strrchr(first, '/');
	return slash ? arena_strndup(arena, first, slash == first ? 1 : (size_t)(slash - first)) : ".";
}

/* The file from `dir` upward, stopping at the directory that holds .git; NULL if none. */
static const char *find_config(struct arena *arena, const char *dir)
{
	struct stat st;
	for (int depth = 0; depth < 64; depth++) {
		const char *path = arena_printf(arena, "%s/" CONFIG_NAME, dir);
		/* whatever bears the name is the file: reading it decides (a link, a pipe) */
		if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
			return path;
		if (stat(arena_printf(arena, "%s/.git", dir), &st) == 0)
			return NULL;
		char *real = realpath(dir, NULL);
		bool root = !real || strcmp(real, "/") == 0;
		free(real);
		if (root)
			return NULL;
		dir = arena_printf(arena, "%s/..", dir);
	}
	return NULL;
}

/* Why the file found was not read whole, or NULL when it was. */
static const char *unread_config(const char *text, const struct load_read *r)
{
	switch (r->refused) {
	case LOAD_REFUSED_OUTSIDE:
		return "is a symbolic link out of its directory, and is not read (--allow-outside reads it, "
		       "--no-config reads no bfplan.ini)";
	case LOAD_REFUSED_SPECIAL:
	case LOAD_REFUSED_KERNEL:
		return "is not a regular file, and is not read (--no-config reads no bfplan.ini)";
	case LOAD_REFUSED_NONE:
		break;
	}
	if (!text)
		return "cannot be read";
	if (r->too_large)
		return "is larger than 64 KiB";
	return memchr(text, '\0', r->len) ? "holds a NUL byte" : NULL;
}

bool config_apply(struct arena *arena, enum cmd_id cmd, struct cmd_options *o, const struct config_given *given,
		  const struct bfplan_env *env, FILE *err)
{
	(void)env;
	const char *path = find_config(arena, start_dir(arena, o));
	if (!path)
		return true;
	/*
	 * Found, not named, yet read by the rule of a named file: a bfplan.ini
	 * in a pull request that links to ../.git/config or /proc/self/environ
	 * would otherwise have its lines quoted in the messages below.
	 */
	struct load_read lr = {.allow_outside = o->allow_outside, .max_size = CONFIG_MAX_SIZE};
	char *text = load_read_file(arena, path, &lr);
	const char *shown = esc_terminal(arena, path);
	const char *why = unread_config(text, &lr);
	if (why) {
		fprintf(err, "bfplan: %s: %s\n", shown, why);
		return false;
	}
	const char *slash = strrchr(path, '/');
	struct reading r = {arena, cmd, o, given, arena_strndup(arena, path, (size_t)(slash - path)), path, {0}, NULL};
	int line = ini_parse_string(text, on_entry, &r);
	if (line != 0) {
		fprintf(err, "bfplan: %s:%d: %s\n", shown, line,
			r.problem ? esc_terminal(arena, r.problem) : "not a line of the form NAME = VALUE or [SECTION]");
		fprintf(err, "See docs/config.md for what %s may hold.\n", CONFIG_NAME);
		return false;
	}
	/* the file's gather URLs first: BFPLAN_SITE_URLS and --site-url, later, win */
	if (r.urls.len && cmd == CMD_build) {
		for (size_t i = 0; i < o->site_urls.len; i++)
			ptrvec_push(arena, &r.urls, o->site_urls.items[i]);
		o->site_urls = r.urls;
	}
	return true;
}
