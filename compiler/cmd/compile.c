/*
 * compile.c - the compilation every command runs (see compile.h).
 */
#include "cmd/compile.h"

#include <setjmp.h>
#include <string.h>
#include <unistd.h>

#include "base/suggest.h"
#include "out/outset.h"

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
	return u->from == LW_URL_ENVIRONMENT ? "BFPLAN_SITE_URLS" : u->from == LW_URL_CONFIG ? "bfplan.ini"
															 : "--site-url";
}

/* Every gather URL given names a declared site and is a URL; false after reporting (exit 2). */
static bool check_site_urls(struct compilation *c, const struct world *w, const struct cmd_options *o)
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
	struct textbuf list;
	textbuf_init(&list, &c->arena);
	for (size_t i = 0; i < w->plans.len && i < LISTED; i++)
		textbuf_printf(&list, "%s'%s'", i ? ", " : "", names[i]);
	if (w->plans.len > LISTED)
		textbuf_printf(&list, " and %zu more", w->plans.len - LISTED);
	if (w->plans.len)
		diag_help(&c->diags, d, "the file's plans are %s", list.data);
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
	struct textbuf out;
	textbuf_init(&out, arena);
	for (size_t i = 0; i < parts.len; i++) {
		textbuf_putc(&out, '/');
		textbuf_puts(&out, parts.items[i]);
	}
	return out.len ? out.data : arena_strdup(arena, "/");
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
	struct textbuf out;
	textbuf_init(&out, arena);
	for (const char *p = base + common; *p; p++)
		if (*p != '/' && (p == base + common || p[-1] == '/'))
			textbuf_puts(&out, "../");
	const char *rest = path + common;
	textbuf_puts(&out, rest[0] == '/' ? rest + 1 : rest);
	return out.data;
}

/*
 * How the outputs name the files read: a stdlib file as stdlib/PATH
 * within the standard library, any other file relative to the directory
 * of the plan being built.  Nothing then depends on where bfplan is
 * installed, nor on where it is run from.
 */
static void source_names(struct compilation *c, const struct cmd_options *o, const struct bfplan_env *env,
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

void compilation_init(struct compilation *c, const struct cmd_options *o)
{
	arena_init(&c->arena);
	c->arena.on_failure = &c->out_of_memory;
	c->arena.limit = o->memory_limit;
	src_init(&c->sm, &c->arena);
	diag_init(&c->diags, &c->arena, &c->sm);
	c->diags.werror = o->werror;
	c->diags.quiet = o->quiet;
	c->diags.denied = o->denied;
	for (size_t i = 0; i < o->allows.len; i++)
		diag_allow_add(&c->diags, o->allows.items[i]);
	c->status = LOAD_OK;
	c->usage_failed = false;
	c->lowered = (struct lw_program){0};
}

struct load_options compile_load_options(const struct cmd_options *o, const struct bfplan_env *env)
{
	return (struct load_options){
		.include_dirs = (const char *const *)o->include_dirs.items,
		.include_count = o->include_dirs.len,
		.search_path = env->search_path,
		.stdlib_dir = env->stdlib_dir,
		.stdlib_sought = env->stdlib_sought,
		.stdin_name = o->stdin_name,
		.allow_outside = o->allow_outside,
	};
}

/*
 * Loads and resolves the program into c->world; false when the front end
 * found errors.  The syntax trees' nodes live in an arena of their own,
 * freed here: nothing after the resolver reads them (the world points
 * only at their texts, which stay in the compilation's arena), and for a
 * large plan they are a third of what check holds.  Running out of memory
 * meanwhile frees them too, then goes on to the compilation's handler.
 */
static bool load_and_resolve(struct compilation *c, const char *path, const struct cmd_options *o,
			     const struct bfplan_env *env)
{
	struct arena *tree = arena_alloc(&c->arena, sizeof *tree); /* not a local: it must survive a longjmp */
	arena_init_like(tree, &c->arena);
	jmp_buf *const outer = c->arena.on_failure;
	jmp_buf failed;
	if (outer) {
		if (setjmp(failed)) {
			arena_free(tree);
			c->arena.on_failure = outer;
			longjmp(*outer, 1);
		}
		c->arena.on_failure = tree->on_failure = &failed;
	}
	struct load_options lo = compile_load_options(o, env);
	lo.tree = tree;
	struct program program;
	c->status = load_program(&c->arena, &c->sm, &c->diags, &lo, path, &program);
	if (c->status == LOAD_OK)
		resolve_words(&c->diags, &program);
	/*
	 * Names in a file that did not parse or import are missing, so checking
	 * the rest would only echo the first errors: stop at the front end.
	 */
	bool go_on = c->status == LOAD_OK && !diag_has_errors(&c->diags);
	if (go_on)
		resolve_program(&c->arena, &c->sm, &c->diags, &program, &c->world);
	arena_free(tree);
	c->arena.on_failure = outer;
	return go_on;
}

void compile(struct compilation *c, const char *path, const struct cmd_options *o,
	     const struct bfplan_env *env, bool lower_all)
{
	if (!load_and_resolve(c, path, o, env))
		return;
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
	if (!diag_has_errors(&c->diags) && lower_all)
		lower_program(&c->arena, &c->world, &c->checked, &c->lower, &c->lowered);
}

int compiled_ok(const struct compilation *c)
{
	if (c->status == LOAD_IO_ERROR || c->usage_failed)
		return EXIT_USAGE;
	return diag_has_errors(&c->diags) ? EXIT_PLAN_ERRORS : EXIT_CLEAN;
}

int compilation_finish(struct compilation *c, struct diag_writer *w, int rc)
{
	diag_writer_add(w, &c->diags);
	if (rc == EXIT_CLEAN)
		rc = compiled_ok(c);
	arena_free(&c->arena);
	return rc;
}

int finish_writer(struct diag_writer *w, FILE *err, int rc)
{
	if (diag_writer_finish(w))
		return rc;
	fprintf(err, "bfplan: cannot write the diagnostics\n");
	return EXIT_USAGE;
}

int compilation_out_of_memory(struct compilation *c, const char *path, const struct cmd_options *o,
			      struct diag_writer *w, FILE *err)
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
	return compilation_finish(c, w, EXIT_USAGE);
}

int write_whole(struct arena *arena, struct diag_sink *diags, const char *path,
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

