/*
 * options.c - the command and option tables, and the one parser that
 * reads every command's options from them (see cmd.h).
 *
 * Options are parsed by hand rather than with getopt_long, whose state
 * (optind) is global: bfplan_main() must be callable any number of times
 * in one process.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "cmd/cmd.h"
#include "cmd/config.h"
#include "cmd/operands.h"
#include "lower/lower.h"
#include "lower/render.h"

struct command_info {
	const char *name;
	int (*run)(struct cmd_run *run);
	int min, max;          /* operands; max -1: any number */
	const char *synopsis, *takes, *summary;
};

static const struct command_info commands[CMD_COUNT] = {
#define CMD(name, min, max, synopsis, takes, summary) {#name, cmd_##name, min, max, synopsis, takes, summary},
#include "cmd/commands.def"
#undef CMD
};

struct option_info {
	const char *name, *value, *choices;
	unsigned commands;     /* C(name) bits */
	const char *help;
};

static const struct option_info options[OPT_COUNT] = {
#define OPT(id, name, value, choices, commands, help) {name, value, choices, commands, help},
#include "cmd/options.def"
#undef OPT
};

/* ---- help ----------------------------------------------------------------------------- */

enum { HELP_WIDTH = 79, HELP_INDENT = 24 };

/* Prints `text` from column `col`, wrapped at HELP_WIDTH with HELP_INDENT columns before each further line. */
static void put_wrapped(FILE *out, const char *text, size_t col)
{
	for (const char *p = text; *p;) {
		size_t word = strcspn(p, " ");
		if (col > HELP_INDENT && col + 1 + word > HELP_WIDTH) {
			fprintf(out, "\n%*s", HELP_INDENT, "");
			col = HELP_INDENT;
		} else if (p != text) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, word, out);
		col += word;
		p += word;
		p += strspn(p, " ");
	}
	fputc('\n', out);
}

/* "  NAME VALUE" then the help, aligned at HELP_INDENT. */
static void put_help_line(FILE *out, const char *left, const char *help)
{
	int col = fprintf(out, "  %s", left);
	if (col + 2 > HELP_INDENT) { /* two blanks at least between an option and its help */
		fprintf(out, "\n%*s", HELP_INDENT, "");
		col = HELP_INDENT;
	} else {
		fprintf(out, "%*s", HELP_INDENT - col, "");
		col = HELP_INDENT;
	}
	put_wrapped(out, help, (size_t)col);
}

int cmd_lookup(const char *name)
{
	for (int i = 0; i < CMD_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return i;
	return -1;
}

const char *cmd_name(enum cmd_id cmd) { return commands[cmd].name; }

int cmd_invoke(enum cmd_id cmd, struct cmd_run *run) { return commands[cmd].run(run); }

const char *cmd_suggest(const char *name)
{
	const char *names[CMD_COUNT];
	for (size_t i = 0; i < CMD_COUNT; i++)
		names[i] = commands[i].name;
	return suggest_closest(name, names, CMD_COUNT);
}

void cmd_print_commands(FILE *out)
{
	char label[64];
	for (size_t i = 0; i < CMD_COUNT; i++) {
		snprintf(label, sizeof label, "%s %s", commands[i].name, commands[i].synopsis);
		put_help_line(out, label, commands[i].summary);
	}
}

void cmd_usage_error(FILE *err, enum cmd_id cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bfplan: ", err);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fprintf(err, "\nTry 'bfplan %s --help' for more information.\n", commands[cmd].name);
}

static bool takes_option(enum cmd_id cmd, const struct option_info *opt)
{
	return opt->commands & (1u << cmd);
}

static void option_label(char *buf, size_t size, const struct option_info *opt)
{
	if (!opt->value)
		snprintf(buf, size, "%s", opt->name);
	else if (opt->name[1] == '-')
		snprintf(buf, size, "%s=%s", opt->name, opt->value);
	else
		snprintf(buf, size, "%s %s", opt->name, opt->value);
}

void cmd_print_help(enum cmd_id cmd, FILE *out)
{
	const struct command_info *c = &commands[cmd];
	fprintf(out, "usage: bfplan %s [OPTION]... %s\n\n", c->name, c->synopsis);
	put_wrapped(out, c->summary, 0);
	fputs("\nOptions:\n", out);
	char label[64];
	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (!takes_option(cmd, &options[i]))
			continue;
		option_label(label, sizeof label, &options[i]);
		put_help_line(out, label, options[i].help);
	}
	put_help_line(out, "--help", "show this help and exit");
}

void cmd_list_options(enum cmd_id cmd, FILE *out)
{
	for (size_t i = 0; i < OPT_COUNT; i++)
		if (takes_option(cmd, &options[i]))
			fprintf(out, "%s\t%s\t%s\n", options[i].name, options[i].value ? options[i].value : "",
				options[i].choices ? options[i].choices : "");
	fputs("--help\t\t\n", out);
}

/* ---- values --------------------------------------------------------------------------- */

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

/* Adds the IDs of one --id value ("114" or "114,116"); false if it is not such a list. */
static bool add_ids(struct arena *arena, struct cmd_options *o, const char *value)
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

/* The place of `word` among the option's CHOICES, or -1. */
static int choice_index(const struct option_info *opt, const char *word)
{
	size_t n = strlen(word);
	int index = 0;
	for (const char *p = opt->choices; *p; index++) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, word, n) == 0)
			return index;
		p += len;
		p += strspn(p, " ");
	}
	return -1;
}

struct parse {
	struct arena *arena;
	enum cmd_id cmd;
	struct cmd_options *o;
	const struct bfplan_env *env;
	FILE *err;
	bool failed;
	struct config_given given; /* what bfplan.ini must not override */
};

static void refuse(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct parse *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cmd_usage_error(p->err, p->cmd, "%s", msg);
	p->failed = true;
}

/* The choice of `opt` closest to a misspelt `value`, or NULL. */
static const char *closest_choice(struct parse *p, const struct option_info *opt, const char *value)
{
	const char *words[16];
	size_t count = 0;
	for (const char *s = opt->choices; *s && count < sizeof words / sizeof *words; count++) {
		size_t len = strcspn(s, " ");
		words[count] = arena_strndup(p->arena, s, len);
		s += len;
		s += strspn(s, " ");
	}
	return suggest_closest(value, words, count);
}

/* "--color takes auto, always or never, not 'x'", from the option's choices. */
static void refuse_choice(struct parse *p, const struct option_info *opt, const char *value)
{
	char list[256] = "";
	size_t count = 0, at = 0;
	for (const char *s = opt->choices; *s; s += strspn(s, " "), count++)
		s += strcspn(s, " ");
	size_t i = 0;
	for (const char *s = opt->choices; *s && at < sizeof list - 16; i++) {
		size_t len = strcspn(s, " ");
		at += (size_t)snprintf(list + at, sizeof list - at, "%s%.*s",
				       i == 0 ? "" : i + 1 == count ? " or " : ", ", (int)len, s);
		s += len;
		s += strspn(s, " ");
	}
	const char *near = closest_choice(p, opt, value);
	if (near)
		refuse(p, "%s takes %s, not '%s'; did you mean '%s'?", opt->name, list, value, near);
	else
		refuse(p, "%s takes %s, not '%s'", opt->name, list, value);
}

/* --emit=bes,chekclist: the choice closest to the first word that is not one, or NULL. */
static const char *list_word_meant(struct parse *p, const struct option_info *opt, const char *value)
{
	for (const char *s = value; *s;) {
		size_t len = strcspn(s, ",");
		const char *word = arena_strndup(p->arena, s, len);
		if (len && choice_index(opt, word) < 0)
			return closest_choice(p, opt, word);
		s += len;
		s += *s == ',';
	}
	return NULL;
}

/*
 * --allow and --deny: codes or names, separated by commas.  Only a
 * warning or a note can be allowed, and not a code that is also denied.
 */
static void take_codes(struct parse *p, bool deny, const char *value)
{
	const char *opt = deny ? "--deny" : "--allow";
	for (const char *s = value; !p->failed;) {
		size_t len = strcspn(s, ",");
		const char *word = arena_strndup(p->arena, s, len);
		enum diag_code code;
		if (!diag_code_lookup(word, &code)) {
			const char *near = diag_code_meant(word);
			refuse(p, "%s takes diagnostic codes, as 'bfplan explain --list' shows them, not '%s'%s%s%s", opt,
			       word, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
			return;
		}
		bool allowed = false;
		for (size_t i = 0; i < p->o->allows.len && !allowed; i++)
			allowed = ((const struct diag_allow *)p->o->allows.items[i])->code == code;
		if (deny && allowed) {
			refuse(p, "%s is both allowed and denied", diag_code_string(code));
			return;
		}
		if (deny) {
			p->o->denied[code] = true;
		} else if (diag_code_severity(code) == DIAG_ERROR) {
			refuse(p, "--allow takes warnings and notes; %s is an error, and a plan with an error is not built",
			       diag_code_string(code));
			return;
		} else if (p->o->denied[code]) {
			refuse(p, "%s is both allowed and denied", diag_code_string(code));
			return;
		} else if (!allowed) {
			struct diag_allow *a = arena_alloc(p->arena, sizeof *a);
			*a = (struct diag_allow){.code = code, .kind = DIAG_ALLOW_EXTERNAL,
						 .covers = {SRC_NO_FILE, 0, 0}, .directive = {SRC_NO_FILE, 0, 0},
						 .reason = arena_printf(p->arena, "--allow %s on the command line",
									diag_code_string(code))};
			ptrvec_push(p->arena, &p->o->allows, a);
		}
		if (!s[len])
			return;
		s += len + 1;
	}
}

/* Applies one option's value (NULL for a flag). */
static void apply(struct parse *p, enum opt_id id, char *value)
{
	struct cmd_options *o = p->o;
	const struct option_info *opt = &options[id];
	int choice = opt->choices && strcmp(opt->value, "LIST") != 0 ? choice_index(opt, value) : 0;
	if (choice < 0) {
		refuse_choice(p, opt, value);
		return;
	}
	switch (id) {
	case OPT_INCLUDE: ptrvec_push(p->arena, &o->include_dirs, value); break;
	case OPT_WERROR: o->werror = p->given.werror = true; break;
	case OPT_QUIET: o->quiet = p->given.quiet = true; break;
	case OPT_NO_CONFIG: o->no_config = true; break;
	case OPT_FIX: o->fix = true; break;
	case OPT_DEPENDENTS: o->dependents = true; break;
	case OPT_ALLOW:
	case OPT_DENY: take_codes(p, id == OPT_DENY, value); break;
	case OPT_COLOR:
		p->given.color = true;
		parse_color(value, &o->color, p->env); /* a choice: checked above */
		break;
	case OPT_FORMAT:
		diag_format_parse(value, &o->format);
		p->given.format = true;
		break;
	case OPT_DIFF_FORMAT: o->diff_json = choice == 1; break;
	case OPT_STDIN_NAME: o->stdin_name = value; break;
	case OPT_ALLOW_OUTSIDE: o->allow_outside = o->import.allow_outside = true; break;
	case OPT_OUTDIR:
	case OPT_OUTFILE: o->output = value; break;
	case OPT_PLAN: o->plan_name = value; break;
	case OPT_SITE_URL: {
		struct lower_site_url *url = arena_alloc(p->arena, sizeof *url);
		if (!parse_site_url(p->arena, value, url))
			refuse(p, "--site-url takes NAME=URL, as in "
			       "server-automation=http://bigfix.example.com:52311/cgi-bin/bfgather.exe/..., not '%s'", value);
		else
			ptrvec_push(p->arena, &o->site_urls, url);
		break;
	}
	case OPT_COMPONENTS:
		o->emit.bes.components = choice == 0 ? BES_COMPONENTS_REFERENCE : BES_COMPONENTS_FULL;
		break;
	case OPT_NEWLINE: o->emit.bes.newline = choice == 0 ? BES_NEWLINE_CRLF : BES_NEWLINE_LF; break;
	case OPT_EMIT:
		if (!emit_parse_outputs(value, &o->emit.outputs)) {
			const char *near = list_word_meant(p, opt, value);
			refuse(p, "--emit takes outputs separated by commas, from bes, checklist and json, "
			       "as in '--emit=bes,json', not '%s'%s%s%s", value, near ? "; did you mean '" : "",
			       near ? near : "", near ? "'?" : "");
		}
		break;
	case OPT_JSON_INDENT: o->emit.json_indent = true; break;
	case OPT_SYNC: o->emit.sync = true; break;
	case OPT_WINDOW_START:
		o->emit.has_window_start = true;
		if (!render_parse_utc_time(value, &o->emit.window_start))
			refuse(p, "--window-start takes the time the window starts in UTC, as in "
			       "'--window-start=2026-11-14T22:00Z', not '%s'", value);
		break;
	case OPT_RUN_ID:
		if (!emit_run_id_ok(value))
			refuse(p, "--run-id takes 1 to 64 letters, digits and - _ . :, as in '--run-id=CHG0042-retry', "
			       "not '%s'", value);
		o->emit.run_id = value;
		break;
	case OPT_VALIDATE: o->validate = true; break;
	case OPT_SCHEMA: o->schema = value; break;
	case OPT_PREVIOUS: o->previous = value; break;
	case OPT_MD: o->depfile = true; break;
	case OPT_MF: o->emit.depfile_path = value; break;
	case OPT_MT: o->emit.depfile_target = value; break;
	case OPT_MP: o->emit.depfile_phony = true; break;
	case OPT_SITE:
		if (!is_plan_name(value))
			refuse(p, "--site takes a site's plan-language name, as in '--site server-automation', "
			       "not '%s'", value);
		o->import.site = value;
		break;
	case OPT_ID:
		if (!add_ids(p->arena, o, value))
			refuse(p, "--id takes IDs from 1 to 2147483647, separated by commas, as in "
			       "'--id 114,116', not '%s'", value);
		break;
	case OPT_WRITE: o->write = true; break;
	case OPT_CHECK: o->check = true; break;
	case OPT_DIFF: o->diff = true; break;
	case OPT_LIST: o->list = true; break;
	case OPT_NODES: o->nodes = value; break;
	case OPT_OS:
		if (!is_plan_name(value))
			refuse(p, "--os takes an OS name, as in '--os windows-2012r2', not '%s'", value);
		o->os = value;
		break;
	case OPT_QUORUM: o->quorum = value; break;
	case OPT_STDIO: break; /* the only way lsp speaks */
	case OPT_JOURNAL: o->journal = value; break;
	case OPT_TARGET: o->target = value; break;
	case OPT_REASON: o->reason = value; break;
	case OPT_BY: o->by = value; break;
	case OPT_ACCEPT_CHANGED_PLAN: o->accept_changed_plan = true; break;
	case OPT_REPORT_FORMAT: o->report_json = choice == 1; break;
	case OPT_BIGFIX: o->bigfix = value; break;
	case OPT_CACERT: o->cacert = value; break;
	case OPT_INSECURE: o->insecure = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_CONFIRM: o->confirm = choice; break;
	case OPT_DOMAIN: o->domain = value; break;
	case OPT_IMPORT_TO: o->import_to = value; break;
	case OPT_MAX_REPORT_AGE: o->max_report_age = value; break;
	case OPT_PARAMETERS: o->parameters = value; break;
	case OPT_FAULTS: o->faults = (unsigned)choice; break;
	case OPT_NO_STATIC_CHECK: o->no_static_check = true; break;
	case OPT_SIM_FORMAT: o->sim_json = choice == 1; break;
	case OPT_SIM_FAULT: o->sim_fault = value; break;
	case OPT_COUNT: break;
	}
}

/*
 * Whether argv[*i] is option `opt`: a flag matches whole; an option with
 * a value matches "--name=V" and "--name V" (long) or "-nameV" and
 * "-name V" (short).  *value is NULL for a flag, and for a value missing
 * at the end of the line (after reporting it).
 */
static bool matches(struct parse *p, const struct option_info *opt, int argc, char **argv, int *i,
		    char **value)
{
	char *arg = argv[*i];
	size_t n = strlen(opt->name);
	*value = NULL;
	if (!opt->value)
		return strcmp(arg, opt->name) == 0;
	if (strncmp(arg, opt->name, n) != 0)
		return false;
	bool is_long = opt->name[1] == '-';
	if (arg[n] == '\0') {
		if (*i + 1 >= argc)
			refuse(p, "option '%s' needs a value", opt->name);
		else
			*value = argv[++*i];
		return true;
	}
	if (is_long && arg[n] != '=')
		return false;
	*value = arg + n + is_long;
	return true;
}

/* "unknown option", with the closest option of the command or the commands that do take it. */
static void refuse_unknown(struct parse *p, const char *arg)
{
	const char *names[OPT_COUNT + 1];
	size_t count = 0;
	char others[128] = "";
	size_t at = 0;
	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (takes_option(p->cmd, &options[i]))
			names[count++] = options[i].name;
		else if (strcmp(options[i].name, arg) == 0)
			for (int c = 0; c < CMD_COUNT && at < sizeof others - 16; c++)
				if (options[i].commands & (1u << c))
					at += (size_t)snprintf(others + at, sizeof others - at, "%s%s",
							       at ? ", " : "", commands[c].name);
	}
	names[count++] = "--help";
	const char *eq = strchr(arg, '=');
	char *bare = arena_strndup(p->arena, arg, eq ? (size_t)(eq - arg) : strlen(arg));
	const char *near = suggest_closest(bare, names, count);
	if (at)
		refuse(p, "unknown option '%s' for %s: it is an option of %s", arg, commands[p->cmd].name, others);
	else if (near)
		refuse(p, "unknown option '%s'; did you mean '%s'?", arg, near);
	else
		refuse(p, "unknown option '%s'", arg);
}

/* Handles argv[*i], an option; false if no option of the command is it. */
static bool parse_option(struct parse *p, int argc, char **argv, int *i)
{
	for (size_t k = 0; k < OPT_COUNT; k++) {
		char *value;
		if (!takes_option(p->cmd, &options[k]) || !matches(p, &options[k], argc, argv, i, &value))
			continue;
		if (value || !options[k].value)
			apply(p, (enum opt_id)k, value);
		return true;
	}
	return false;
}

/* The operand count the command takes. */
static void check_operands(struct parse *p)
{
	const struct command_info *c = &commands[p->cmd];
	int n = (int)p->o->inputs.len;
	if (n == 0 && c->min == 1 && p->cmd != CMD_explain) /* explain's operand is a code, not a file */
		refuse(p, "%s", "no input file (use '-' for standard input)");
	else if (n < c->min || (c->max >= 0 && n > c->max))
		refuse(p, "%s takes %s", c->name, c->takes);
}

bool cmd_parse_options(struct arena *arena, enum cmd_id cmd, int argc, char **argv, int first,
		       struct cmd_options *o, const struct bfplan_env *env, FILE *err)
{
	struct parse p = {arena, cmd, o, env, err, false, {0}};
	memset(o, 0, sizeof *o);
	o->faults = 2;
	parse_color("auto", &o->color, env);
	emit_options_init(&o->emit);
	o->memory_limit = env->memory_limit;
	if (cmd == CMD_build && env->site_urls && !parse_env_site_urls(arena, env->site_urls, &o->site_urls))
		refuse(&p, "BFPLAN_SITE_URLS takes NAME=URL pairs separated by blanks, not '%s'", env->site_urls);
	bool only_operands = false;
	for (int i = first; i < argc && !p.failed; i++) {
		char *arg = argv[i];
		if (only_operands || arg[0] != '-' || strcmp(arg, "-") == 0)
			ptrvec_push(arena, &o->inputs, arg);
		else if (strcmp(arg, "--") == 0)
			only_operands = true;
		else if (!parse_option(&p, argc, argv, &i))
			refuse_unknown(&p, arg);
	}
	if (!p.failed && !o->list)
		check_operands(&p);
	/* check and fmt take directories too: every plan file under them */
	if (!p.failed && (cmd == CMD_check || cmd == CMD_fmt) && !operands_expand(arena, &o->inputs, err))
		p.failed = true;
	/* bfplan.ini, for the commands that compile plans; what the command line set wins */
	bool configured = cmd == CMD_check || cmd == CMD_build || cmd == CMD_graph || cmd == CMD_diff ||
			  cmd == CMD_lsp;
	if (!p.failed && configured && !o->no_config && !config_apply(arena, cmd, o, &p.given, env, err))
		p.failed = true;
	return !p.failed;
}
