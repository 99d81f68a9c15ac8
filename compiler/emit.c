/*
 * emit.c - `bfplan build` end to end (see emit.h), and what the emitters share.
 *
 * Order of work: first check, once for the whole build, every piece of
 * text and everything the content needs from the catalog (so a bad
 * character or a missing gather URL is reported once, where it was
 * written, not once per plan and output).  Then render plan after plan,
 * each in a scratch arena: its .bes is validated in memory and written to
 * a temporary file of the output set; its checklist section and its
 * plan.json element are streamed to theirs.  The set is committed only if
 * nothing failed; otherwise the output directory stays as it was.
 */
#include "emit.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit_bes.h"
#include "emit_checklist.h"
#include "emit_json.h"
#include "escape.h"
#include "outset.h"
#include "ptrmap.h"
#include "render.h"
#include "symtab.h"
#include "textbuf.h"
#include "validate.h"

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

void emit_options_init(struct emit_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->bes.newline = BES_NEWLINE_CRLF;
	opts->bes.components = BES_COMPONENTS_REFERENCE;
}

/* 9999-12-31T23:59:59Z: later times need a five-digit year, which the date formats do not allow. */
#define EMIT_MAX_EPOCH INT64_C(253402300799)

bool emit_parse_source_date_epoch(const char *text, int64_t *value)
{
	if (!text || !*text)
		return false;
	int64_t v = 0;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
		if (v > EMIT_MAX_EPOCH)
			return false;
	}
	*value = v;
	return true;
}

/* ---- checking all text once ------------------------------------------------------ */

struct textcheck {
	struct arena *arena;
	struct diag_sink *diags;
	const struct emit_options *opts;
	struct ptrmap seen; /* objects walked and strings checked */
	bool ok;
};

/*
 * Reports BFP401 if XML cannot carry `s`, naming it with the printf-style
 * `what`, which is formatted only then (a build checks a great many).
 */
static void check_str(struct textcheck *c, const char *s, struct src_span span, const char *what, ...)
	__attribute__((format(printf, 4, 5)));

static void check_str(struct textcheck *c, const char *s, struct src_span span, const char *what, ...)
{
	if (!s || !ptrmap_add(&c->seen, s))
		return;
	struct esc_fault fault;
	if (esc_xml_check(s, strlen(s), &fault))
		return;
	c->ok = false;
	va_list ap;
	va_start(ap, what);
	const char *name = arena_vprintf(c->arena, what, ap);
	va_end(ap);
	struct diag *d = diag_report(c->diags, BFP401, span,
				     "%s cannot be written to the build's outputs: it contains %s", name,
				     esc_fault_describe(c->arena, &fault));
	diag_help(c->diags, d, "XML 1.0 has no escape for this character; remove it or write it in words");
}

/* A plan text is located where it was written, else at `fallback` (its declaration). */
static struct src_span where(struct lw_text t, struct src_span fallback)
{
	return t.span.file != SRC_NO_FILE ? t.span : fallback;
}

static void check_site(struct textcheck *c, const struct lw_site *s)
{
	if (!s || !ptrmap_add(&c->seen, s))
		return;
	check_str(c, s->name, s->decl, "a site name");
	check_str(c, s->display.text, where(s->display, s->decl), "the title of site '%s'", s->name);
	check_str(c, s->gather_url.text, where(s->gather_url, s->decl), "the gather URL of site '%s'", s->name);
}

static void check_fixlet(struct textcheck *c, const struct lw_fixlet *f)
{
	if (!f || !ptrmap_add(&c->seen, f))
		return;
	const char *kind = render_fixlet_kind(f);
	unsigned id = (unsigned)f->id;
	check_site(c, f->site);
	check_str(c, f->name, f->decl, "the name of %s %u", kind, id);
	check_str(c, f->title.text, where(f->title, f->decl), "the title of %s %u", kind, id);
	check_str(c, f->action, f->decl, "the action name of %s %u", kind, id);
	check_str(c, f->note.text, where(f->note, f->decl), "the note of %s %u", kind, id);
	/* relevance and action script are written only in the full component form */
	if (c->opts->bes.components == BES_COMPONENTS_FULL) {
		check_str(c, f->relevance.text, where(f->relevance, f->decl), "the relevance of %s %u", kind, id);
		check_str(c, f->actionscript.text, where(f->actionscript, f->decl), "the action script of %s %u",
			  kind, id);
	}
}

/*
 * What a Baseline component needs beyond text (its site's gather URL, and
 * in the full form the Fixlet's content), once per site and per Fixlet.
 * The keys are offset so they cannot collide with the text-walk's keys
 * for the same objects.
 */
static void check_component(struct textcheck *c, const struct lw_fixlet *f, struct src_span used_at)
{
	check_fixlet(c, f);
	if (ptrmap_add(&c->seen, (const char *)f->site + 1) && !emit_bes_check_site(f->site, f, used_at, c->diags))
		c->ok = false;
	if (ptrmap_add(&c->seen, (const char *)f + 1) &&
	    !emit_bes_check_fixlet(c->arena, &c->opts->bes, f, used_at, c->diags))
		c->ok = false;
}

static void check_baseline(struct textcheck *c, const struct lw_baseline *b)
{
	if (!ptrmap_add(&c->seen, b))
		return;
	check_str(c, b->name, b->decl, "a baseline name");
	check_str(c, b->title.text, where(b->title, b->decl), "the title of baseline '%s'", b->name);
	for (size_t i = 0; i < b->components.len; i++) {
		const struct lw_component *k = b->components.items[i];
		check_component(c, k->fixlet, k->origin);
	}
}

static void check_prereq(struct textcheck *c, const struct lw_prereq *p)
{
	if (!p || !ptrmap_add(&c->seen, p))
		return;
	check_str(c, p->name, p->decl, "a prerequisite name");
	check_str(c, p->title.text, where(p->title, p->decl), "the title of prerequisite '%s'", p->name);
	check_str(c, p->detect.text, where(p->detect, p->decl), "the detection relevance of prerequisite '%s'",
		  p->name);
	check_str(c, p->note.text, where(p->note, p->decl), "the note of prerequisite '%s'", p->name);
	check_fixlet(c, p->provider);
	for (size_t i = 0; i < p->needs.len; i++)
		check_prereq(c, p->needs.items[i]);
}

static void check_check(struct textcheck *c, const struct lw_check *k, struct src_span at)
{
	if (!k || !ptrmap_add(&c->seen, k))
		return;
	check_str(c, k->code, at, "a check code");
	check_str(c, k->description.text, where(k->description, at), "the description of a check");
	check_prereq(c, k->prereq);
}

static void check_step(struct textcheck *c, const struct lw_step *s)
{
	if (!s || !ptrmap_add(&c->seen, s))
		return;
	const char *name = s->name ? s->name : "?";
	check_str(c, s->name, s->origin, "a step name");
	check_str(c, s->title.text, where(s->title, s->origin), "the title of step '%s'", name);
	check_str(c, s->from_state, s->origin, "a node state");
	check_str(c, s->to_state, s->origin, "a node state");
	check_str(c, s->verify.text, where(s->verify, s->origin), "what to verify after step '%s'", name);
	check_str(c, s->on_failure.text, where(s->on_failure, s->origin), "the on-failure advice of step '%s'",
		  name);
	check_fixlet(c, s->fixlet);
	if (s->baseline)
		check_baseline(c, s->baseline);
	if (s->restore) {
		check_str(c, s->restore->name, s->origin, "a step name");
		check_str(c, s->restore->title.text, where(s->restore->title, s->origin), "the title of step '%s'",
			  s->restore->name);
		check_fixlet(c, s->restore->fixlet);
	}
	for (size_t i = 0; i < s->guards.len; i++)
		check_check(c, s->guards.items[i], s->origin);
}

/*
 * Everything the emitters will need, checked once for the whole build
 * (so a bad character or an unknown gather URL is reported once, where it
 * was written, however many plans and outputs use it).  False if
 * anything was reported.
 */
static bool check_program(struct arena *arena, const struct lw_program *program,
			  const struct emit_options *opts, struct diag_sink *diags)
{
	struct textcheck c = {.arena = arena, .diags = diags, .opts = opts, .ok = true};
	ptrmap_init(&c.seen, arena);
	for (size_t i = 0; i < program->sources.len; i++)
		check_str(&c, program->sources.items[i], nowhere, "an input file name");
	for (size_t i = 0; i < program->sites.len; i++) {
		const struct lw_site *s = program->sites.items[i];
		if (s->url_from == LW_URL_COMMAND_LINE || s->url_from == LW_URL_ENVIRONMENT)
			check_str(&c, s->url, nowhere, "the gather URL given for '%s'", s->name);
	}
	for (size_t i = 0; i < program->plans.len; i++) {
		const struct lw_plan *p = program->plans.items[i];
		check_str(&c, p->name, p->decl, "the plan name");
		check_str(&c, p->title.text, where(p->title, p->decl), "the plan title");
		check_str(&c, p->cluster, p->decl, "the cluster name");
		check_str(&c, p->os, p->decl, "the OS name");
		check_str(&c, p->os_title.text, where(p->os_title, p->decl), "the OS title");
		for (size_t k = 0; k < p->cluster_nodes.len; k++)
			check_str(&c, p->cluster_nodes.items[k], p->decl, "a node name");
		if (p->role) {
			check_str(&c, p->role->name, p->decl, "the role name");
			check_str(&c, p->role->title.text, where(p->role->title, p->decl), "the role title");
			check_str(&c, p->role->server.text, where(p->role->server, p->decl), "the role's server name");
			check_str(&c, p->role->verify.text, where(p->role->verify, p->decl),
				  "what to verify after the role moves");
			check_fixlet(&c, p->role->detect);
		}
		for (size_t k = 0; k < p->prereqs.len; k++) {
			const struct lw_prereq *pr = p->prereqs.items[k];
			check_prereq(&c, pr);
			if (!pr->detect.text && ptrmap_add(&c.seen, (const char *)pr + 1)) {
				struct diag *d = diag_report(diags, BFP409, pr->decl,
							     "prerequisite '%s' has no detection relevance, so no "
							     "pre-flight Fixlet can check it",
							     pr->name);
				diag_help(diags, d, "add a `detect` relevance to the prerequisite's declaration");
				c.ok = false;
			}
		}
		for (size_t k = 0; k < p->checks.len; k++)
			check_check(&c, p->checks.items[k], p->decl);
		for (size_t k = 0; k < p->sites.len; k++)
			check_site(&c, p->sites.items[k]);
		for (size_t k = 0; k < p->nodes.len; k++) {
			const struct lw_node *n = p->nodes.items[k];
			check_str(&c, n->name, n->decl, "a node name");
		}
		for (size_t k = 0; k < p->baselines.len; k++)
			check_baseline(&c, p->baselines.items[k]);
		for (size_t k = 0; k < p->steps.len; k++)
			check_step(&c, p->steps.items[k]);
	}
	return c.ok;
}

static const char *join(struct arena *a, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (n == 0)
		return arena_strdup(a, name);
	return arena_printf(a, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/* ---- the manifest: what the last build wrote ---------------------------------------- */

/*
 * OUTDIR/bfplan.manifest lists the files a build wrote into OUTDIR, one
 * name per line.  The next build into the same directory removes the
 * files of that list it does not write itself (a plan renamed, or left
 * out with --plan), and nothing else: not a file the list does not name,
 * not a name that leaves the directory or hides, not a directory.
 */
#define MANIFEST_NAME "bfplan.manifest"
#define MANIFEST_HEADER "# bfplan: the files the last build wrote here; the next build removes those it does not write\n"

/* A name the manifest may hold: a plain file name in the output directory, nothing hidden. */
static bool manifest_name_ok(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\') && strlen(name) <= 255;
}

/* The names the previous build listed; none if there is no manifest or it cannot be read. */
static void read_manifest(struct arena *arena, const char *outdir, struct strvec *names)
{
	FILE *f = fopen(join(arena, outdir, MANIFEST_NAME), "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '#' && manifest_name_ok(line))
			strvec_push(arena, names, arena_strdup(arena, line));
	}
	fclose(f);
}

/* Removes what the previous build wrote and this one did not, once this build is in place. */
static void remove_stale(struct arena *arena, const char *outdir, const struct strvec *old, const struct strvec *now)
{
	struct symtab written;
	symtab_init(&written, arena);
	for (size_t i = 0; i < now->len; i++)
		symtab_put(&written, now->items[i], (void *)(uintptr_t)now->items[i]);
	for (size_t i = 0; i < old->len; i++) {
		if (symtab_get(&written, old->items[i]))
			continue;
		const char *path = join(arena, outdir, old->items[i]);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			unlink(path);
	}
}

/*
 * One warning for the whole build that lists every fact it rests on and
 * the catalog does not confirm, so that --werror can refuse to build on
 * guesses; the checklist marks each use, plan.json flags it.
 */
static void report_unconfirmed(struct arena *arena, const struct lw_program *program, struct diag_sink *diags)
{
	struct ptrmap seen;
	ptrmap_init(&seen, arena);
	struct cptrvec all = {0};
	for (size_t i = 0; i < program->plans.len; i++) {
		const struct lw_plan *p = program->plans.items[i];
		for (size_t k = 0; k < p->unconfirmed.len; k++)
			if (ptrmap_add(&seen, p->unconfirmed.items[k]))
				cptrvec_push(arena, &all, p->unconfirmed.items[k]);
	}
	if (!all.len)
		return;
	struct diag *d = diag_report(diags, BFP423, nowhere, "the build rests on %zu fact%s the catalog marks as "
				     "not confirmed", all.len, all.len == 1 ? "" : "s");
	for (size_t i = 0; i < all.len; i++) {
		const struct lw_mark *m = all.items[i];
		diag_note(diags, d, m->reason.span, "%s%s%s: %s", m->owner ? m->owner : "?", m->field ? ", " : "",
			  m->field ? m->field : "", m->reason.text ? m->reason.text : "no reason given");
	}
	diag_help(diags, d, "confirm them on your BigFix server, or import the Fixlets' own .bes with 'bfplan "
		  "import' and use the file; the checklist marks each use with its number");
}

/* ---- the build --------------------------------------------------------------------- */

/* A plan's name becomes a file name: it must not leave the output directory or hide. */
static bool usable_file_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\');
}


/* How much of each large output is held before it goes to its file. */
enum { EMIT_STREAM_BUFFER = 256 * 1024 };

struct build {
	struct arena *arena;
	struct strvec written;     /* the names written into outdir, for the manifest */
	const struct emit_options *opts;
	struct diag_sink *diags;
	const char *outdir;
	struct outset set;
	struct outset_failure why;
	struct textbuf md, html, json;
};

static enum emit_status io_failed(struct build *b)
{
	struct diag *d = diag_report(b->diags, BFP406, nowhere, "%s", outset_failure_message(b->arena, &b->why));
	diag_note(b->diags, d, nowhere, "no output was changed: every file of the build is written "
					"together or not at all");
	outset_abort(&b->set);
	return EMIT_IO_ERROR;
}

/* Opens one of the streamed outputs; false after a failure. */
static bool open_stream(struct build *b, const char *name, struct textbuf *buf)
{
	struct outset_file *f = outset_open(&b->set, join(b->arena, b->outdir, name), &b->why);
	if (!f)
		return false;
	strvec_push(b->arena, &b->written, name);
	textbuf_init_drained(buf, b->arena, EMIT_STREAM_BUFFER, outset_drain, f);
	return true;
}

/*
 * One plan: its .bes (rendered, validated, written), its checklist
 * section and its plan.json element.  Everything it allocates lives in a
 * scratch arena freed at the end, so memory stays that of one plan.
 */
static bool build_plan(struct build *b, const struct lw_plan *p, size_t index, struct validator *v,
		       enum emit_status *status)
{
	struct arena scratch;
	arena_init_like(&scratch, b->arena);
	struct textbuf bes;
	textbuf_init(&bes, &scratch);
	bool ok = emit_bes_plan(&scratch, p, &b->opts->bes, b->diags, &bes);
	const char *name = p->bes_file;
	if (ok && v)
		ok = validator_check(v, name, bes.data, bes.len, p->decl, b->diags);
	if (!ok) {
		*status = EMIT_PLAN_ERRORS;
	} else if (!outset_add(&b->set, join(&scratch, b->outdir, name), bes.data, bes.len, &b->why)) {
		arena_free(&scratch);
		return false;
	} else {
		strvec_push(b->arena, &b->written, arena_strdup(b->arena, name));
	}
	emit_checklist_plan(&scratch, p,
			    b->opts->bes.components == BES_COMPONENTS_FULL ? CHECKLIST_IMPORT_CONSOLE : CHECKLIST_IMPORT_REST,
			    &b->md, &b->html);
	if (!emit_json_plan(&scratch, p, index, b->diags, &b->json))
		*status = EMIT_IO_ERROR;
	arena_free(&scratch);
	return true;
}

enum emit_status emit_build(struct arena *arena, const struct lw_program *program,
			    const struct emit_options *opts, struct diag_sink *diags, const char *outdir)
{
	bool names_ok = true;
	for (size_t i = 0; i < program->plans.len; i++) {
		const struct lw_plan *p = program->plans.items[i];
		if (!usable_file_name(p->name)) {
			struct diag *d = diag_report(diags, BFP406, p->decl,
						     "the name of plan '%s' cannot be used as a file name", p->name);
			diag_help(diags, d, "start the plan name with a letter or digit");
			names_ok = false;
		}
	}
	if (!names_ok || !check_program(arena, program, opts, diags))
		return EMIT_PLAN_ERRORS;
	unsigned errors_before = diags->errors;
	report_unconfirmed(arena, program, diags);
	if (diags->errors != errors_before)
		return EMIT_PLAN_ERRORS; /* --werror: the build rests on guesses */

	struct validator *v = NULL;
	if (opts->schema_path) {
		v = validator_open(arena, opts->schema_path, diags);
		if (!v)
			return EMIT_IO_ERROR;
	}

	struct build b = {.arena = arena, .opts = opts, .diags = diags, .outdir = outdir};
	outset_init(&b.set, arena);
	/* what make and ninja compare with the inputs is renamed last (outset.h) */
	outset_rename_last(&b.set, opts->depfile_target ? opts->depfile_target : join(arena, outdir, "plan.json"));
	if (!open_stream(&b, "checklist.md", &b.md) || !open_stream(&b, "checklist.html", &b.html) ||
	    !open_stream(&b, "plan.json", &b.json)) {
		validator_close(v);
		return io_failed(&b);
	}
	enum emit_status status = EMIT_OK;
	emit_checklist_begin(arena, program, &b.md, &b.html);
	struct json_build info = {
		.component_form = opts->bes.components == BES_COMPONENTS_FULL ? "full" : "reference",
		.bes_line_ends = opts->bes.newline == BES_NEWLINE_LF ? "lf" : "crlf",
		.has_epoch = opts->bes.has_epoch,
		.epoch = opts->bes.epoch,
	};
	if (!emit_json_begin(arena, program, &info, diags, &b.json))
		status = EMIT_IO_ERROR;
	for (size_t i = 0; i < program->plans.len; i++) {
		if (!build_plan(&b, program->plans.items[i], i, v, &status)) {
			validator_close(v);
			return io_failed(&b);
		}
	}
	validator_close(v);
	emit_checklist_end(arena, program, &b.md, &b.html);
	emit_json_end(program, &b.json);
	textbuf_flush(&b.md);
	textbuf_flush(&b.html);
	textbuf_flush(&b.json);
	if (status != EMIT_OK) {
		outset_abort(&b.set);
		return status;
	}

	if (opts->depfile_path) {
		const char *target = opts->depfile_target ? opts->depfile_target : join(arena, outdir, "plan.json");
		const char *text = outset_depfile(arena, target, program->files.items, program->files.len,
						  opts->depfile_phony);
		if (!text) {
			struct diag *d = diag_report(diags, BFP406, nowhere,
						     "cannot write the depfile '%s': a path in it has a line break",
						     opts->depfile_path);
			diag_help(diags, d, "rename the file, or build without -MD");
			outset_abort(&b.set);
			return EMIT_IO_ERROR;
		}
		if (!outset_add(&b.set, opts->depfile_path, text, strlen(text), &b.why))
			return io_failed(&b);
		const char *dir_prefix = join(arena, outdir, "");
		if (strncmp(opts->depfile_path, dir_prefix, strlen(dir_prefix)) == 0 &&
		    manifest_name_ok(opts->depfile_path + strlen(dir_prefix)))
			strvec_push(arena, &b.written, opts->depfile_path + strlen(dir_prefix));
	}
	struct strvec previous = {0};
	read_manifest(arena, outdir, &previous);
	strvec_push(arena, &b.written, MANIFEST_NAME);
	struct textbuf manifest;
	textbuf_init(&manifest, arena);
	textbuf_puts(&manifest, MANIFEST_HEADER);
	for (size_t i = 0; i < b.written.len; i++)
		textbuf_printf(&manifest, "%s\n", b.written.items[i]);
	if (!outset_add(&b.set, join(arena, outdir, MANIFEST_NAME), manifest.data, manifest.len, &b.why))
		return io_failed(&b);
	if (!outset_commit(&b.set, &b.why)) {
		/* the commit has removed its temporaries already */
		struct diag *d = diag_report(diags, BFP406, nowhere, "%s", outset_failure_message(arena, &b.why));
		diag_note(diags, d, nowhere, "no output was changed: every file of the build is written "
					     "together or not at all");
		return EMIT_IO_ERROR;
	}
	remove_stale(arena, outdir, &previous, &b.written);
	return EMIT_OK;
}
