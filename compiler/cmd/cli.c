/*
 * cli.c - the command line (see cli.h).
 *
 * Options are parsed by hand rather than with getopt_long, whose state
 * (optind) is global: bfplan_main() must be callable any number of times in
 * one process.
 */
#include "cmd/cli.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/source.h"
#include "base/suggest.h"
#include "base/textbuf.h"
#include "base/version.h"
#include "cmd/fmt_run.h"
#include "cmd/lsp.h"
#include "diag/diag.h"
#include "diag/explain.h"
#include "diag/writer.h"
#include "emit/diff.h"
#include "emit/dot.h"
#include "front/load.h"
#include "import/import.h"
#include "lower/lower.h"
#include "out/build.h"
#include "out/outset.h"
#include "sema/check.h"
#include "sema/resolve.h"

/* Options of check and build; build's own ones are unused by check. */
struct options {
	struct ptrvec inputs;       /* char * */
	struct ptrvec include_dirs; /* char * */
	bool werror;
	enum diag_color color;
	enum diag_format format;
	const char *stdin_name;

	const char *outdir;         /* build -o */
	bool validate;              /* build --validate */
	const char *schema;         /* --schema, else BFPLAN_BES_XSD */
	bool depfile;               /* -MD */
	struct emit_options emit;
	struct ptrvec site_urls;    /* struct lower_site_url *: BFPLAN_SITE_URLS, then --site-url */
	const char *plan_name;      /* build --plan */
	bool diff_json;             /* diff --format=json */
	struct import_options import; /* import --site, --id (its -o is outdir) */
	uint32_t *ids;              /* import --id, growing; import.ids points here */
	size_t id_cap;
	bool lower;                 /* the command reads every plan lowered at once (graph, diff) */
};


/* Parses "NAME=URL" for --site-url; false if either side is empty. */
static bool parse_site_url(struct arena *arena, const char *arg, struct lower_site_url *out)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return false;
	out->name = arena_strndup(arena, arg, (size_t)(eq - arg));
	out->url = arena_strdup(arena, eq + 1);
	out->from = LW_URL_COMMAND_LINE;
	return true;
}

/* BFPLAN_SITE_URLS: "NAME=URL NAME=URL", for the gather URLs of one BigFix server, set once. */
static bool parse_env_site_urls(struct arena *arena, const char *value, struct ptrvec *out)
{
	for (const char *p = value; *p;) {
		size_t skip = strspn(p, " \t\n"), len = strcspn(p + skip, " \t\n");
		p += skip;
		if (!len)
			break;
		struct lower_site_url *url = arena_alloc(arena, sizeof *url);
		if (!parse_site_url(arena, arena_strndup(arena, p, len), url))
			return false;
		url->from = LW_URL_ENVIRONMENT;
		ptrvec_push(arena, out, url);
		p += len;
	}
	return true;
}

/* ---- option parsing --------------------------------------------------------- */

struct args {
	int argc, i;
	char **argv;
	FILE *err;
	bool failed;
	bool only_inputs; /* after "--" */
};

static void usage_error(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void usage_error(struct args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bfplan: ", a->err);
	vfprintf(a->err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'bfplan --help' for more information.\n", a->err);
	a->failed = true;
}

/*
 * Matches option `name` at the current argument, in the forms "--name=V",
 * "--name V" (long) or "-nameV", "-name V" (short); stores its value.
 */
static bool take_value(struct args *a, const char *name, char **value)
{
	char *arg = a->argv[a->i];
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0)
		return false;
	bool is_long = name[1] == '-';
	if (arg[n] == '\0') {
		if (a->i + 1 >= a->argc) {
			usage_error(a, "option '%s' needs a value", name);
			*value = NULL;
			return true;
		}
		*value = a->argv[++a->i];
		return true;
	}
	if (is_long && arg[n] == '=') {
		*value = arg + n + 1;
		return true;
	}
	if (!is_long) {
		*value = arg + n;
		return true;
	}
	return false;
}

static bool parse_color(const char *when, enum diag_color *color, const struct bfplan_env *env)
{
	if (strcmp(when, "always") == 0)
		*color = DIAG_COLOR_ALWAYS;
	else if (strcmp(when, "never") == 0)
		*color = DIAG_COLOR_NEVER;
	else if (strcmp(when, "auto") == 0) {
		bool no_color = env->no_color && env->no_color[0];
		bool dumb = env->term && strcmp(env->term, "dumb") == 0;
		*color = env->stderr_is_tty && !no_color && !dumb ? DIAG_COLOR_ALWAYS : DIAG_COLOR_NEVER;
	} else
		return false;
	return true;
}

static bool parse_build_option(struct arena *arena, struct args *a, struct options *o)
{
	char *arg = a->argv[a->i];
	char *value;
	if (strcmp(arg, "--validate") == 0) {
		o->validate = true;
	} else if (strcmp(arg, "--json-indent") == 0) {
		o->emit.json_indent = true;
	} else if (strcmp(arg, "--sync") == 0) {
		o->emit.sync = true;
	} else if (take_value(a, "--emit", &value)) {
		if (value && !emit_parse_outputs(value, &o->emit.outputs))
			usage_error(a, "--emit takes outputs separated by commas, from bes, checklist and json, "
				    "as in '--emit=bes,json', not '%s'", value);
	} else if (strcmp(arg, "-MD") == 0) {
		o->depfile = true;
	} else if (strcmp(arg, "-MP") == 0) {
		o->emit.depfile_phony = true;
	} else if (take_value(a, "-MF", &value)) {
		o->emit.depfile_path = value;
	} else if (take_value(a, "-MT", &value)) {
		o->emit.depfile_target = value;
	} else if (take_value(a, "-o", &value)) {
		o->outdir = value;
	} else if (take_value(a, "--plan", &value)) {
		o->plan_name = value;
	} else if (take_value(a, "--schema", &value)) {
		o->schema = value;
	} else if (take_value(a, "--site-url", &value)) {
		struct lower_site_url *url = arena_alloc(arena, sizeof *url);
		if (value && !parse_site_url(arena, value, url))
			usage_error(a, "--site-url takes NAME=URL, as in "
				    "server-automation=http://bigfix.example.com:52311/cgi-bin/bfgather.exe/..., "
				    "not '%s'", value);
		else if (value)
			ptrvec_push(arena, &o->site_urls, url);
	} else if (take_value(a, "--newline", &value)) {
		if (value && strcmp(value, "crlf") == 0)
			o->emit.bes.newline = BES_NEWLINE_CRLF;
		else if (value && strcmp(value, "lf") == 0)
			o->emit.bes.newline = BES_NEWLINE_LF;
		else if (value)
			usage_error(a, "--newline takes crlf or lf, not '%s'", value);
	} else if (take_value(a, "--components", &value)) {
		if (value && strcmp(value, "reference") == 0)
			o->emit.bes.components = BES_COMPONENTS_REFERENCE;
		else if (value && strcmp(value, "full") == 0)
			o->emit.bes.components = BES_COMPONENTS_FULL;
		else if (value)
			usage_error(a, "--components takes reference or full, not '%s'", value);
	} else {
		return false;
	}
	return true;
}

/* The commands with options; each accepts the common ones (import: not -I) and some of its own. */
enum cmd_kind { CMD_CHECK, CMD_BUILD, CMD_GRAPH, CMD_DIFF, CMD_IMPORT };

/* Adds the IDs of one --id value ("114" or "114,116"); false if it is not such a list. */
static bool add_ids(struct arena *arena, struct options *o, const char *value)
{
	for (const char *p = value;;) {
		char *end;
		if (*p < '0' || *p > '9')
			return false;
		unsigned long v = strtoul(p, &end, 10);
		if (v == 0 || v > 0x7FFFFFFFUL || (*end != ',' && *end != '\0'))
			return false;
		if (o->import.id_count == o->id_cap) {
			o->id_cap = o->id_cap ? o->id_cap * 2 : 8;
			uint32_t *grown = arena_calloc(arena, o->id_cap, sizeof *grown);
			if (o->import.id_count)
				memcpy(grown, o->ids, o->import.id_count * sizeof *grown);
			o->ids = grown;
			o->import.ids = grown;
		}
		o->ids[o->import.id_count++] = (uint32_t)v;
		if (*end == '\0')
			return true;
		p = end + 1;
	}
}

/* A plan-language name: a letter or '_', then letters, digits, '_', '.' and '-'. */
static bool is_plan_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_') || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

/*
 * graph -o FILE --plan NAME; diff --format=text|json; import --site NAME
 * --id N[,N...] -o FILE.  True if the argument was one of them.
 */
static bool parse_view_option(struct arena *arena, struct args *a, struct options *o, enum cmd_kind cmd)
{
	char *value;
	if ((cmd == CMD_GRAPH || cmd == CMD_IMPORT) && take_value(a, "-o", &value)) {
		o->outdir = value;
	} else if (cmd == CMD_IMPORT && take_value(a, "--site", &value)) {
		if (value && !is_plan_name(value))
			usage_error(a, "--site takes a site's plan-language name, as in '--site server-automation', "
				    "not '%s'", value);
		o->import.site = value;
	} else if (cmd == CMD_IMPORT && take_value(a, "--id", &value)) {
		if (value && !add_ids(arena, o, value))
			usage_error(a, "--id takes IDs from 1 to 2147483647, separated by commas, as in "
				    "'--id 114,116', not '%s'", value);
	} else if (cmd == CMD_GRAPH && take_value(a, "--plan", &value)) {
		o->plan_name = value;
	} else if (cmd == CMD_DIFF && take_value(a, "--format", &value)) {
		if (value && strcmp(value, "json") == 0)
			o->diff_json = true;
		else if (value && strcmp(value, "text") == 0)
			o->diff_json = false;
		else if (value)
			usage_error(a, "diff --format takes text or json, not '%s'", value);
	} else {
		return false;
	}
	return true;
}

static bool parse_options(struct arena *arena, struct args *a, struct options *o,
			  const struct bfplan_env *env, enum cmd_kind cmd)
{
	bool build = cmd == CMD_BUILD;
	o->lower = cmd == CMD_GRAPH || cmd == CMD_DIFF;
	parse_color("auto", &o->color, env);
	emit_options_init(&o->emit);
	if (build && env->site_urls && !parse_env_site_urls(arena, env->site_urls, &o->site_urls))
		usage_error(a, "BFPLAN_SITE_URLS takes NAME=URL pairs separated by blanks, not '%s'", env->site_urls);
	for (; a->i < a->argc && !a->failed; a->i++) {
		char *arg = a->argv[a->i];
		char *value;
		if (a->only_inputs || arg[0] != '-' || strcmp(arg, "-") == 0) {
			ptrvec_push(arena, &o->inputs, arg);
		} else if (strcmp(arg, "--") == 0) {
			a->only_inputs = true;
		} else if (strcmp(arg, "--werror") == 0) {
			o->werror = true;
		} else if (cmd != CMD_IMPORT && take_value(a, "-I", &value)) {
			if (value)
				ptrvec_push(arena, &o->include_dirs, value);
		} else if (take_value(a, "--color", &value)) {
			if (value && !parse_color(value, &o->color, env))
				usage_error(a, "--color takes always, never or auto, not '%s'", value);
		} else if (cmd != CMD_IMPORT && take_value(a, "--stdin-filename", &value)) {
			o->stdin_name = value;
		} else if ((cmd == CMD_CHECK || cmd == CMD_BUILD) && take_value(a, "--format", &value)) {
			if (value && !diag_format_parse(value, &o->format))
				usage_error(a, "--format takes text, json, sarif or github, not '%s'", value);
		} else if (!(build && parse_build_option(arena, a, o)) && !parse_view_option(arena, a, o, cmd)) {
			usage_error(a, "unknown option '%s'", arg);
		}
	}
	if (a->failed)
		return false;
	if (o->inputs.len == 0)
		usage_error(a, "%s", "no input file (use '-' for standard input)");
	else if (build && o->inputs.len > 1)
		usage_error(a, "%s", "build takes one plan file");
	else if (build && !o->outdir)
		usage_error(a, "%s", "build needs an output directory: -o DIR");
	else if (cmd == CMD_GRAPH && o->inputs.len > 1)
		usage_error(a, "%s", "graph takes one plan file");
	else if (cmd == CMD_DIFF && o->inputs.len != 2)
		usage_error(a, "%s", "diff takes two plan files: the old version and the new one");
	return !a->failed;
}

/* ---- commands ------------------------------------------------------------------- */

static const char usage_text[] =
	"usage: bfplan COMMAND [OPTION]... [FILE]...\n"
	"\n"
	"Checks plans for patching Windows failover clusters through BigFix, and\n"
	"compiles them into BigFix content and an operator checklist.\n"
	"\n"
	"Commands:\n"
	"  check FILE...      check plans and report problems ('-' reads standard input)\n"
	"  build PLAN -o DIR  check a plan and write its BigFix content, checklist and plan.json\n"
	"  graph PLAN         write the plan's execution model as a Graphviz DOT graph\n"
	"  diff OLD NEW       show what changes for the operator between two versions of a plan\n"
	"                     (exit 0: nothing, 1: something changes, 2: trouble)\n"
	"  fmt FILE...        print plan files in the canonical layout ('-' reads standard input)\n"
	"  import FILE.bes... write plan-language declarations for BigFix Fixlets, Tasks and\n"
	"                     Baselines, exported from the console or read from the REST API\n"
	"  explain CODE       explain a diagnostic code, with an example\n"
	"  explain --list     list every diagnostic code\n"
	"  lsp [-I DIR]...    serve the Language Server Protocol on standard input and output\n"
	"\n"
	"Options for check:\n"
	"  -I DIR             also look for `use` files in DIR (repeatable, in order)\n"
	"  --werror           treat warnings as errors\n"
	"  --color=WHEN       color diagnostics: auto (default), always or never\n"
	"  --format=FORM      diagnostics as text (default, on standard error), or on\n"
	"                     standard output as json, sarif (SARIF 2.1.0) or github\n"
	"                     (GitHub Actions annotations)\n"
	"  --stdin-filename=NAME  the name standard input goes by in diagnostics\n"
	"\n"
	"Options for build (and -I, --werror, --color, --format as for check):\n"
	"  -o DIR             write the outputs into DIR (created if missing)\n"
	"  --plan NAME        build only plan NAME of the file\n"
	"  --site-url NAME=URL  the gather URL of site NAME (repeatable); needed for\n"
	"                     sites whose URL is not published, such as server-automation\n"
	"  --components=FORM  baseline components: reference (default; REST import)\n"
	"                     or full (with ActionScript and relevance; console import)\n"
	"  --newline=crlf|lf  line ends of the .bes files (default crlf, as console exports)\n"
	"  --emit=LIST        the outputs to write, separated by commas: bes, checklist,\n"
	"                     json (default: all three)\n"
	"  --json-indent      indent plan.json (default: compact)\n"
	"  --sync             flush every output to disk before the build ends (default:\n"
	"                     the system writes them back when it will)\n"
	"  --validate         validate every .bes against BES.xsd before writing anything\n"
	"  --schema FILE      the BES.xsd to validate against (default: $BFPLAN_BES_XSD)\n"
	"  -MD [-MF FILE] [-MT TARGET] [-MP]\n"
	"                     also write a make/ninja depfile listing every plan file read\n"
	"\n"
	"Options for graph and diff (and -I as for check):\n"
	"  -o FILE            graph: write the DOT graph into FILE instead of standard output\n"
	"  --plan NAME        graph: only plan NAME of the file\n"
	"  --format=FORMAT    diff: text (default) or json, for bots\n"
	"\n"
	"Options for fmt (and --format, --color, --stdin-filename as for check):\n"
	"  -w                 write the result back to each file that changes\n"
	"  --check            exit 1 and name each file that is not formatted\n"
	"  --diff             print what would change, as a unified diff\n"
	"\n"
	"Options for import (and --werror, --color as for check):\n"
	"  --site NAME        the plan-language name of the site the Fixlets and Tasks are in\n"
	"  --id N[,N...]      their IDs, where the files do not carry them, in file order\n"
	"  -o FILE            write to FILE instead of standard output\n"
	"\n"
	"Other options:\n"
	"  --help             show this help and exit\n"
	"  --version          show the version and exit\n"
	"\n"
	"Environment: BFPLAN_PATH (directories searched for `use`, separated by ':'),\n"
	"BFPLAN_SITE_URLS (NAME=URL pairs separated by blanks, as --site-url),\n"
	"BFPLAN_BES_XSD (the schema for --validate), SOURCE_DATE_EPOCH (the time stamped\n"
	"into the .bes files; none without it), NO_COLOR (no colors when set and not empty).\n"
	"\n"
	"Exit status: 0 no errors, 1 errors in the input (or warnings with --werror),\n"
	"2 usage or I/O errors.\n";

/*
 * One compilation: its own arena, sources and diagnostics, freed together.
 * It also owns the place its arena jumps to when memory runs out (see
 * arena.h): every stage allocates from the arena and none checks for NULL.
 */
struct compilation {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	enum load_status status;
	bool usage_failed;          /* a command-line value was refused (exit 2) */
	struct world world;         /* what compile() resolved and checked, for build to lower */
	struct checked_program checked;
	struct lower_options lower; /* how to lower it */
	struct lw_program lowered;  /* every plan, for graph and diff; build lowers one at a time */
	jmp_buf out_of_memory;
};

/*
 * A gather URL that reaches Baseline components must be one: http or
 * https, a host, nothing a shell or an XML attribute would mangle.  The
 * README's placeholder "URL" is not.
 */
static bool is_gather_url(const char *url)
{
	const char *host = strncmp(url, "http://", 7) == 0 ? url + 7 : strncmp(url, "https://", 8) == 0 ? url + 8 : NULL;
	if (!host || !*host || strchr("/:?#", *host))
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("\"<>\\^`{|}", *p))
			return false;
	return true;
}

static const char *where_given(const struct lower_site_url *u)
{
	return u->from == LW_URL_ENVIRONMENT ? "BFPLAN_SITE_URLS" : "--site-url";
}

/* Every gather URL given names a declared site and is a URL; false after reporting (exit 2). */
static bool check_site_urls(struct compilation *c, const struct world *w, const struct options *o)
{
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};
	bool ok = true;
	const char **names = arena_calloc(&c->arena, w->sites.len + 1, sizeof *names);
	for (size_t i = 0; i < w->sites.len; i++)
		names[i] = ((const struct site_ent *)w->sites.items[i])->lw.name;
	for (size_t i = 0; i < o->site_urls.len; i++) {
		const struct lower_site_url *u = o->site_urls.items[i];
		bool known = false;
		for (size_t k = 0; k < w->sites.len && !known; k++)
			known = strcmp(names[k], u->name) == 0;
		if (!known) {
			struct diag *d = diag_report(&c->diags, BFP420, nowhere, "%s names no site '%s'", where_given(u),
						     u->name);
			const char *near = suggest_closest(u->name, names, w->sites.len);
			if (near)
				diag_help(&c->diags, d, "did you mean '%s'?", near);
			else
				diag_help(&c->diags, d, "give the name of a site the plan's files declare, as in "
					  "'server-automation'");
			ok = false;
		} else if (!is_gather_url(u->url)) {
			struct diag *d = diag_report(&c->diags, BFP421, nowhere,
						     "%s gives '%s' for site '%s', which is not an http or https URL "
						     "with a host", where_given(u), u->url, u->name);
			diag_help(&c->diags, d, "give the site's gather URL as your BigFix server shows it (session "
				  "relevance: url of bes site whose (name of it = ...)), as in "
				  "http://bigfix.example.com:52311/cgi-bin/bfgather.exe/...");
			ok = false;
		}
	}
	return ok;
}

/* build --plan NAME names a plan of the file; false after reporting (exit 2). */
static bool check_plan_name(struct compilation *c, const struct world *w, const char *name)
{
	const char **names = arena_calloc(&c->arena, w->plans.len + 1, sizeof *names);
	for (size_t i = 0; i < w->plans.len; i++) {
		names[i] = ((const struct plan_ent *)w->plans.items[i])->name;
		if (strcmp(names[i], name) == 0)
			return true;
	}
	struct diag *d = diag_report(&c->diags, BFP422, (struct src_span){SRC_NO_FILE, 0, 0},
				     "--plan names no plan '%s' of the file", name);
	const char *near = suggest_closest(name, names, w->plans.len);
	if (near) {
		diag_help(&c->diags, d, "did you mean '%s'?", near);
		return false;
	}
	enum { LISTED = 5 };
	const char *list = "";
	for (size_t i = 0; i < w->plans.len && i < LISTED; i++)
		list = arena_printf(&c->arena, "%s%s'%s'", list, i ? ", " : "", names[i]);
	if (w->plans.len > LISTED)
		list = arena_printf(&c->arena, "%s and %zu more", list, w->plans.len - LISTED);
	if (w->plans.len)
		diag_help(&c->diags, d, "the file's plans are %s", list);
	else
		diag_help(&c->diags, d, "the file declares no plan");
	return false;
}

/* `path` made absolute and free of "." and "..", by text: "/a/b/../c" is "/a/c". */
static char *absolute_path(struct arena *arena, const char *path)
{
	char cwd[4096];
	const char *full = path;
	if (path[0] != '/')
		full = arena_printf(arena, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", path);
	struct strvec parts = {0};
	char *copy = arena_strdup(arena, full);
	for (char *save = NULL, *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			parts.len -= parts.len > 0;
			continue;
		}
		strvec_push(arena, &parts, tok);
	}
	char *out = arena_strdup(arena, "");
	for (size_t i = 0; i < parts.len; i++)
		out = arena_printf(arena, "%s/%s", out, parts.items[i]);
	return out[0] ? out : arena_strdup(arena, "/");
}

/* `path` relative to the directory `base` (both absolute and clean): "../lib/x.plan". */
static const char *relative_path(struct arena *arena, const char *path, const char *base)
{
	/* the longest common prefix that ends where both have a component boundary */
	size_t common = 0;
	for (size_t i = 0;; i++) {
		if ((path[i] == '/' || !path[i]) && (base[i] == '/' || !base[i]))
			common = i;
		if (path[i] != base[i] || !path[i])
			break;
	}
	const char *up = "";
	for (const char *p = base + common; *p; p++)
		if (*p != '/' && (p == base + common || p[-1] == '/'))
			up = arena_printf(arena, "%s../", up);
	const char *rest = path + common;
	return arena_printf(arena, "%s%s", up, rest[0] == '/' ? rest + 1 : rest);
}

/*
 * How the outputs name the files read: a stdlib file as stdlib/PATH
 * within the standard library, any other file relative to the directory
 * of the plan being built.  Nothing then depends on where bfplan is
 * installed, nor on where it is run from.
 */
static void source_names(struct compilation *c, const struct options *o, const struct bfplan_env *env,
			 struct strvec *out)
{
	const struct src_file *root = src_file(&c->sm, 0);
	bool from_stdin = strcmp(o->inputs.items[0], "-") == 0;
	const char *root_abs = from_stdin ? NULL : absolute_path(&c->arena, root->path);
	const char *root_dir = root_abs ? arena_strndup(&c->arena, root_abs, (size_t)(strrchr(root_abs, '/') - root_abs))
					: NULL;
	const char *stdlib = env->stdlib_dir ? absolute_path(&c->arena, env->stdlib_dir) : NULL;
	for (size_t i = 0; i < c->sm.files.len; i++) {
		const struct src_file *f = src_file(&c->sm, (uint32_t)i);
		if (i == 0 && from_stdin) {
			strvec_push(&c->arena, out, f->path);
			continue;
		}
		const char *abs = absolute_path(&c->arena, f->path);
		if (f->is_stdlib && stdlib)
			strvec_push(&c->arena, out, arena_printf(&c->arena, "stdlib/%s",
								 relative_path(&c->arena, abs, stdlib)));
		else
			strvec_push(&c->arena, out, relative_path(&c->arena, abs, root_dir ? root_dir : "/"));
	}
}

static void compilation_init(struct compilation *c, const struct options *o)
{
	arena_init(&c->arena);
	c->arena.on_failure = &c->out_of_memory;
	src_init(&c->sm, &c->arena);
	diag_init(&c->diags, &c->arena, &c->sm);
	c->diags.werror = o->werror;
	c->status = LOAD_OK;
	c->usage_failed = false;
	c->lowered = (struct lw_program){0};
}

/* Every stage up to the lowered plan; the sink holds whatever went wrong. */
static void compile(struct compilation *c, const char *path, const struct options *o,
		    const struct bfplan_env *env)
{
	struct load_options lo = {
		.include_dirs = (const char *const *)o->include_dirs.items,
		.include_count = o->include_dirs.len,
		.search_path = env->search_path,
		.stdlib_dir = env->stdlib_dir,
		.stdin_name = o->stdin_name,
	};
	struct program program;
	c->status = load_program(&c->arena, &c->sm, &c->diags, &lo, path, &program);
	/*
	 * Names in a file that did not parse or import are missing, so checking
	 * the rest would only echo the first errors: stop at the front end.
	 */
	if (c->status != LOAD_OK || diag_has_errors(&c->diags))
		return;
	resolve_program(&c->arena, &c->sm, &c->diags, &program, &c->world);
	if (!check_site_urls(c, &c->world, o) || (o->plan_name && !check_plan_name(c, &c->world, o->plan_name))) {
		c->usage_failed = true;
		return;
	}
	check_program(&c->arena, &c->diags, &c->world, &c->checked);
	/* only a plan that is right is laid out: the emitters may assume it */
	struct lower_site_url *urls = arena_calloc(&c->arena, o->site_urls.len + 1, sizeof *urls);
	for (size_t i = 0; i < o->site_urls.len; i++)
		urls[i] = *(const struct lower_site_url *)o->site_urls.items[i];
	struct strvec *sources = arena_alloc(&c->arena, sizeof *sources);
	source_names(c, o, env, sources);
	c->lower = (struct lower_options){.site_urls = urls, .site_url_count = o->site_urls.len,
					  .only_plan = o->plan_name, .sources = sources, .sm = &c->sm};
	/* check needs no lowered plan: what it reports is settled by now; build lowers as it writes */
	if (!diag_has_errors(&c->diags) && o->lower)
		lower_program(&c->arena, &c->world, &c->checked, &c->lower, &c->lowered);
}

/* The exit status of a compilation so far: 0, or what went wrong. */
static int compiled_ok(const struct compilation *c)
{
	if (c->status == LOAD_IO_ERROR || c->usage_failed)
		return EXIT_USAGE;
	return diag_has_errors(&c->diags) ? EXIT_PLAN_ERRORS : EXIT_CLEAN;
}

static int finish(struct compilation *c, struct diag_writer *w, int rc)
{
	diag_writer_add(w, &c->diags);
	if (rc == EXIT_CLEAN)
		rc = compiled_ok(c);
	arena_free(&c->arena);
	return rc;
}

/* The diagnostics writer's own failure (standard output closed or full) is an I/O error. */
static int finish_writer(struct diag_writer *w, FILE *err, int rc)
{
	if (diag_writer_finish(w))
		return rc;
	fprintf(err, "bfplan: cannot write the diagnostics\n");
	return EXIT_USAGE;
}

/*
 * Where a compilation lands when its memory runs out, at any stage: the
 * temporary files of a build cut short are removed, everything the
 * compilation held is freed, and what is left is one diagnostic in a
 * fresh arena.  Exit status 2: the machine, not the plan, is short.
 */
static int out_of_memory(struct compilation *c, const char *path, const struct options *o, struct diag_writer *w,
			 FILE *err)
{
	outset_abandon_all();
	arena_free(&c->arena);
	compilation_init(c, o);
	if (setjmp(c->out_of_memory)) {
		/* not even a diagnostic fits now: say it in the fewest bytes */
		arena_free(&c->arena);
		fputs("bfplan: error: out of memory [BFP008]\n", err);
		return EXIT_USAGE;
	}
	const char *name = load_display_name(path, o->stdin_name);
	struct diag *d = diag_report(&c->diags, BFP008, (struct src_span){SRC_NO_FILE, 0, 0},
				     "out of memory while compiling '%s'", name);
	diag_help(&c->diags, d, "the plan needs more memory than the system gave bfplan; raise the limit "
		  "(ulimit -v) or split the plan into smaller ones");
	return finish(c, w, EXIT_USAGE);
}

/* Checks one file and hands what it found to the writer; exhausted memory ends in out_of_memory(). */
static int check_one(struct compilation *c, const char *path, const struct options *o, struct diag_writer *w,
		     FILE *err, const struct bfplan_env *env)
{
	compilation_init(c, o);
	if (setjmp(c->out_of_memory))
		return out_of_memory(c, path, o, w, err);
	compile(c, path, o, env);
	return finish(c, w, EXIT_CLEAN);
}

static int cmd_check(struct arena *arena, struct args *a, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct options o = {0};
	int rc = EXIT_USAGE;
	if (parse_options(arena, a, &o, env, CMD_CHECK)) {
		struct diag_writer w;
		diag_writer_init(&w, o.format, o.color, out, err);
		rc = EXIT_CLEAN;
		for (size_t i = 0; i < o.inputs.len; i++) {
			struct compilation c;
			int one = check_one(&c, o.inputs.items[i], &o, &w, err, env);
			if (one > rc)
				rc = one;
		}
		rc = finish_writer(&w, err, rc);
	}
	return rc;
}

/* The environment's part of a build: the schema and SOURCE_DATE_EPOCH. */
static int build_environment(struct compilation *c, struct options *o, const struct bfplan_env *env)
{
	const struct src_span nowhere = {SRC_NO_FILE, 0, 0};
	if (o->validate) {
		o->emit.schema_path = o->schema ? o->schema : env->bes_xsd;
		if (!o->emit.schema_path || !o->emit.schema_path[0]) {
			struct diag *d = diag_report(&c->diags, BFP405, nowhere,
						     "--validate needs a BES.xsd, and none was given");
			diag_help(&c->diags, d, "pass --schema FILE or set BFPLAN_BES_XSD; every BigFix server "
				  "ships BES.xsd in its reference folder");
			return EXIT_USAGE;
		}
	}
	if (env->source_date_epoch) {
		o->emit.bes.has_epoch = true;
		if (!emit_parse_source_date_epoch(env->source_date_epoch, &o->emit.bes.epoch)) {
			struct diag *d = diag_report(&c->diags, BFP407, nowhere,
						     "SOURCE_DATE_EPOCH is '%s', not a number of seconds",
						     env->source_date_epoch);
			diag_help(&c->diags, d, "set it to a Unix time, as printed by 'date +%%s', or unset it");
			return EXIT_USAGE;
		}
	}
	if (o->depfile && !o->emit.depfile_path)
		o->emit.depfile_path = arena_printf(&c->arena, "%s/plan.d", o->outdir);
	if (!o->depfile)
		o->emit.depfile_path = NULL;
	return EXIT_CLEAN;
}

/* Checks the plan and writes its outputs; exhausted memory anywhere ends in out_of_memory(). */
static int build_one(struct compilation *c, struct options *o, struct diag_writer *w, FILE *err,
		     const struct bfplan_env *env)
{
	const char *path = o->inputs.items[0];
	compilation_init(c, o);
	if (setjmp(c->out_of_memory))
		return out_of_memory(c, path, o, w, err);
	compile(c, path, o, env);
	int rc = EXIT_CLEAN;
	if (compiled_ok(c) == EXIT_CLEAN) {
		rc = build_environment(c, o, env);
		struct lowering *plans = rc == EXIT_CLEAN ? lower_start(&c->arena, &c->world, &c->checked, &c->lower,
									 &c->lowered)
							  : NULL;
		if (rc == EXIT_CLEAN && lower_count(plans) == 0) {
			struct diag *d = diag_report(&c->diags, BFP408, (struct src_span){0, 0, 0},
						     "there is no plan to build");
			diag_help(&c->diags, d, "declare a plan, as in 'plan patch-exch01 { ... }', or "
				  "run 'bfplan check' on a file that only declares things");
		} else if (rc == EXIT_CLEAN) {
			enum emit_status st = emit_build(&c->arena, plans, &o->emit, &c->diags, o->outdir);
			rc = st == EMIT_IO_ERROR ? EXIT_USAGE : st == EMIT_PLAN_ERRORS ? EXIT_PLAN_ERRORS
										: EXIT_CLEAN;
		}
	}
	return finish(c, w, rc);
}

static int cmd_build(struct arena *arena, struct args *a, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct options o = {0};
	if (!parse_options(arena, a, &o, env, CMD_BUILD))
		return EXIT_USAGE;
	struct diag_writer w;
	diag_writer_init(&w, o.format, o.color, out, err);
	struct compilation c;
	return finish_writer(&w, err, build_one(&c, &o, &w, err, env));
}

/* ---- import ----------------------------------------------------------------------------- */

/* Text to FILE, whole or not at all, or to standard output (graph, import). */
static int write_whole(struct arena *arena, struct diag_sink *diags, const char *path,
		       const struct textbuf *text, FILE *out)
{
	if (!path)
		return fwrite(text->data, 1, text->len, out) == text->len ? EXIT_CLEAN : EXIT_USAGE;
	struct outset set;
	struct outset_failure why;
	outset_init(&set, arena);
	set.durable = true; /* one file, and an import's declarations become sources */
	if (outset_add(&set, path, text->data, text->len, &why) && outset_commit(&set, &why))
		return EXIT_CLEAN;
	outset_abort(&set);
	struct diag *d = diag_report(diags, BFP406, (struct src_span){SRC_NO_FILE, 0, 0}, "%s",
				     outset_failure_message(arena, &why));
	diag_help(diags, d, "check that the directory exists and may be written to");
	return EXIT_USAGE;
}

/* bfplan import [--site NAME] [--id N[,N...]] [-o FILE] FILE.bes...: declarations for BigFix content. */
static int cmd_import(struct arena *arena, struct args *a, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct options o = {0};
	if (!parse_options(arena, a, &o, env, CMD_IMPORT))
		return EXIT_USAGE;
	struct diag_writer w; /* standard output may carry the declarations: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o.color, out, err);
	struct compilation c;
	compilation_init(&c, &o);
	if (setjmp(c.out_of_memory))
		return finish_writer(&w, err, out_of_memory(&c, o.inputs.items[0], &o, &w, err));
	struct textbuf text;
	textbuf_init(&text, &c.arena);
	enum import_status st = import_files(&c.arena, &c.sm, &c.diags, &o.import,
					     (const char *const *)o.inputs.items, o.inputs.len, &text);
	int rc = st == IMPORT_IO_ERROR ? EXIT_USAGE : EXIT_CLEAN;
	if (rc == EXIT_CLEAN && !diag_has_errors(&c.diags))
		rc = write_whole(&c.arena, &c.diags, o.outdir, &text, out);
	return finish_writer(&w, err, finish(&c, &w, rc));
}

/* The DOT graph of a compiled plan, to `out` or to the file -o names (written whole or not at all). */
static int write_graph(struct compilation *c, const struct options *o, FILE *out)
{
	struct textbuf dot;
	textbuf_init(&dot, &c->arena);
	emit_dot(&c->arena, &c->lowered, &dot);
	return write_whole(&c->arena, &c->diags, o->outdir, &dot, out);
}

/* bfplan graph PLAN [-o FILE] [--plan NAME]: the execution model as DOT. */
static int cmd_graph(struct arena *arena, struct args *a, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct options o = {0};
	if (!parse_options(arena, a, &o, env, CMD_GRAPH))
		return EXIT_USAGE;
	struct diag_writer w; /* standard output may carry the graph: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o.color, out, err);
	struct compilation c;
	const char *path = o.inputs.items[0];
	compilation_init(&c, &o);
	if (setjmp(c.out_of_memory))
		return finish_writer(&w, err, out_of_memory(&c, path, &o, &w, err));
	compile(&c, path, &o, env);
	int rc = compiled_ok(&c);
	if (rc == EXIT_CLEAN)
		rc = write_graph(&c, &o, out);
	return finish_writer(&w, err, finish(&c, &w, rc));
}

/* What changes from the first compilation to the second, as text or JSON; 0 or 1 as diff(1), 2 if unwritable. */
static int show_changes(struct compilation *old_c, struct compilation *new_c, const struct options *o, FILE *out)
{
	struct ptrvec changes = {0};
	plandiff(&new_c->arena, &old_c->lowered, &new_c->lowered, &changes);
	bool written = true;
	if (o->diff_json)
		written = plandiff_render_json(&changes, out);
	else
		plandiff_render_text(&changes, out);
	return !written ? EXIT_USAGE : changes.len ? EXIT_PLAN_ERRORS : EXIT_CLEAN;
}

/*
 * bfplan diff OLD NEW: what changes for the operator.  Exits as diff(1)
 * does: 0 when nothing changes, 1 when something does, 2 when either
 * version cannot be compiled (trouble, not a difference).
 */
static int cmd_diff(struct arena *arena, struct args *a, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct options o = {0};
	if (!parse_options(arena, a, &o, env, CMD_DIFF))
		return EXIT_USAGE;
	struct diag_writer w; /* standard output carries the changes: diagnostics stay text */
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o.color, out, err);
	struct compilation old_c, new_c;
	compilation_init(&old_c, &o);
	if (setjmp(old_c.out_of_memory))
		return finish_writer(&w, err, out_of_memory(&old_c, o.inputs.items[0], &o, &w, err));
	compile(&old_c, o.inputs.items[0], &o, env);
	compilation_init(&new_c, &o);
	if (setjmp(new_c.out_of_memory)) {
		arena_free(&old_c.arena);
		return finish_writer(&w, err, out_of_memory(&new_c, o.inputs.items[1], &o, &w, err));
	}
	compile(&new_c, o.inputs.items[1], &o, env);
	int rc = EXIT_USAGE;
	if (compiled_ok(&old_c) == EXIT_CLEAN && compiled_ok(&new_c) == EXIT_CLEAN)
		rc = show_changes(&old_c, &new_c, &o, out);
	int old_rc = finish(&old_c, &w, EXIT_CLEAN), new_rc = finish(&new_c, &w, EXIT_CLEAN);
	rc = finish_writer(&w, err, rc);
	return old_rc != EXIT_CLEAN || new_rc != EXIT_CLEAN ? EXIT_USAGE : rc;
}

static bool parse_fmt_options(struct arena *arena, struct args *a, struct options *o,
			      struct fmt_request *req, const struct bfplan_env *env)
{
	parse_color("auto", &o->color, env);
	for (; a->i < a->argc && !a->failed; a->i++) {
		char *arg = a->argv[a->i];
		char *value;
		if (a->only_inputs || arg[0] != '-' || strcmp(arg, "-") == 0)
			ptrvec_push(arena, &o->inputs, arg);
		else if (strcmp(arg, "--") == 0)
			a->only_inputs = true;
		else if (strcmp(arg, "-w") == 0)
			req->write = true;
		else if (strcmp(arg, "--check") == 0)
			req->check = true;
		else if (strcmp(arg, "--diff") == 0)
			req->diff = true;
		else if (take_value(a, "--color", &value)) {
			if (value && !parse_color(value, &o->color, env))
				usage_error(a, "--color takes always, never or auto, not '%s'", value);
		} else if (take_value(a, "--format", &value)) {
			if (value && !diag_format_parse(value, &o->format))
				usage_error(a, "--format takes text, json, sarif or github, not '%s'", value);
		} else if (take_value(a, "--stdin-filename", &value))
			req->stdin_name = value;
		else
			usage_error(a, "unknown option '%s'", arg);
	}
	if (a->failed)
		return false;
	bool prints = req->diff || (!req->write && !req->check);
	if (o->inputs.len == 0)
		usage_error(a, "%s", "no input file (use '-' for standard input)");
	else if (o->format != DIAG_FORMAT_TEXT && prints)
		usage_error(a, "%s", "fmt prints to standard output without -w or --check, and with --diff, "
			    "so --format=json, sarif or github needs -w or --check and no --diff");
	for (size_t i = 0; i < o->inputs.len && req->write && !a->failed; i++)
		if (strcmp(o->inputs.items[i], "-") == 0)
			usage_error(a, "%s", "-w cannot write back to standard input");
	return !a->failed;
}

static int cmd_fmt(struct arena *arena, struct args *a, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct options o = {0};
	struct fmt_request req = {0};
	int rc = EXIT_USAGE;
	if (parse_fmt_options(arena, a, &o, &req, env)) {
		struct diag_writer w;
		diag_writer_init(&w, o.format, o.color, out, err);
		rc = EXIT_CLEAN;
		for (size_t i = 0; i < o.inputs.len; i++) {
			int one = fmt_run_file(o.inputs.items[i], &req, &w, out);
			if (one > rc)
				rc = one;
		}
		rc = finish_writer(&w, err, rc);
	}
	return rc;
}

static int cmd_explain(struct args *a, FILE *out, FILE *err)
{
	if (a->i + 1 != a->argc) {
		usage_error(a, "%s", "explain takes one diagnostic code, such as BFP101, or --list");
		return EXIT_USAGE;
	}
	const char *what = a->argv[a->i];
	if (strcmp(what, "--list") == 0) {
		for (int c = 0; c < DIAG_CODE_COUNT; c++)
			fprintf(out, "%s  %-24s %s\n", diag_code_string((enum diag_code)c),
				diag_code_name((enum diag_code)c), diag_code_summary((enum diag_code)c));
		return EXIT_CLEAN;
	}
	enum diag_code code;
	const char *text;
	if (!diag_code_lookup(what, &code) || !(text = explain_text(diag_code_string(code)))) {
		fprintf(err, "bfplan: no diagnostic is called '%s'\n"
			     "Try 'bfplan explain --list' for the list.\n", what);
		return EXIT_USAGE;
	}
	fputs(text, out);
	return EXIT_CLEAN;
}

/* The command's own memory (its options), with the same answer to running out as a compilation's. */
struct command {
	struct arena arena;
	jmp_buf out_of_memory;
};

static int run_command(struct command *cmd, struct args *a, FILE *out, FILE *err,
		       const struct bfplan_env *env)
{
	arena_init(&cmd->arena);
	cmd->arena.on_failure = &cmd->out_of_memory;
	if (setjmp(cmd->out_of_memory)) {
		arena_free(&cmd->arena);
		fputs("bfplan: error: out of memory [BFP008]\n", err);
		return EXIT_USAGE;
	}
	const char *name = a->argv[1];
	int rc;
	if (strcmp(name, "check") == 0)
		rc = cmd_check(&cmd->arena, a, out, err, env);
	else if (strcmp(name, "build") == 0)
		rc = cmd_build(&cmd->arena, a, out, err, env);
	else if (strcmp(name, "fmt") == 0)
		rc = cmd_fmt(&cmd->arena, a, out, err, env);
	else if (strcmp(name, "graph") == 0)
		rc = cmd_graph(&cmd->arena, a, out, err, env);
	else if (strcmp(name, "diff") == 0)
		rc = cmd_diff(&cmd->arena, a, out, err, env);
	else if (strcmp(name, "import") == 0)
		rc = cmd_import(&cmd->arena, a, out, err, env);
	else
		rc = cmd_explain(a, out, err);
	arena_free(&cmd->arena);
	return rc;
}

int bfplan_main(int argc, char **argv, FILE *out, FILE *err, const struct bfplan_env *env)
{
	struct args a = {.argc = argc, .argv = argv, .i = 1, .err = err};
	if (argc < 2) {
		fputs(usage_text, err);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	a.i = 2;
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0) { /* `bfplan build --help` helps too */
			fputs(usage_text, out);
			return EXIT_CLEAN;
		}
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, out);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "--version") == 0) {
		fputs("bfplan " BFPLAN_VERSION "\n", out);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "lsp") == 0)
		return cmd_lsp(argc - 2, argv + 2, out, err, env);
	static const char *const commands[] = {"check", "build", "graph", "diff", "fmt", "import", "explain"};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(cmd, commands[i]) == 0) {
			struct command command;
			return run_command(&command, &a, out, err, env);
		}
	}
	a.i = 1;
	usage_error(&a, "unknown command '%s'", cmd);
	return EXIT_USAGE;
}
