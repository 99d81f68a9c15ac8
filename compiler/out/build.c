/*
 * build.c - `bfplan build` end to end (see emit.h), and what the emitters share.
 *
 * Plan after plan, each in an arena of its own: lower it, check every
 * piece of its text and everything its content needs from the catalog,
 * then stream its .bes, its checklist and its plan.json element to their
 * temporary files (outset.h), close them, and free the plan.  What every
 * plan shares (the catalog's sites and Fixlets, and what has been checked
 * or reported about them) lives in the build's arena, so a bad character
 * or a missing gather URL is reported once, where it was written, however
 * many plans use it.  Once one plan has failed, the rest are still
 * checked (and validated) but no longer written.  The set is committed
 * only if nothing failed; otherwise the output directory stays as it was.
 */
#include "out/build.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/ptrmap.h"
#include "base/symtab.h"
#include "base/textbuf.h"
#include "emit/bes.h"
#include "emit/checklist.h"
#include "emit/json.h"
#include "lower/render.h"
#include "out/outset.h"
#include "out/validate.h"

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

void emit_options_init(struct emit_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->bes.newline = BES_NEWLINE_CRLF;
	opts->bes.components = BES_COMPONENTS_REFERENCE;
	opts->outputs = EMIT_ALL;
}

/* The --emit words, in the order plan.json lists them. */
static const struct {
	const char *word;
	enum emit_output output;
} output_words[] = {{"bes", EMIT_BES}, {"checklist", EMIT_CHECKLIST}, {"json", EMIT_JSON}};

bool emit_parse_outputs(const char *list, unsigned *outputs)
{
	unsigned chosen = 0;
	for (const char *p = list;;) {
		size_t n = strcspn(p, ",");
		bool known = false;
		for (size_t i = 0; i < sizeof output_words / sizeof output_words[0]; i++) {
			if (strlen(output_words[i].word) == n && strncmp(p, output_words[i].word, n) == 0) {
				chosen |= output_words[i].output;
				known = true;
			}
		}
		if (!known)
			return false;
		if (!p[n])
			break;
		p += n + 1;
	}
	*outputs = chosen;
	return true;
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

/* ---- checking text before it is written --------------------------------------------- */

/* A problem reported once for the whole build: the text (or object) and where. */
struct reported {
	const void *what;
	struct src_span span;
};

struct textcheck {
	struct arena *arena;       /* the build's */
	struct arena *plan_arena;  /* the plan being checked */
	struct diag_sink *diags;
	const struct emit_options *opts;
	struct ptrmap shared;      /* catalog copies and strings checked that outlive every plan */
	struct ptrmap seen;        /* the plan's own objects and strings checked, in its arena */
	struct ptrvec reported;    /* struct reported *: problems reported so far, each once */
	bool ok;                   /* nothing reported for the plan being checked */
};

/*
 * True the first time a problem with `what` at `span` is reported in the
 * build: a bad text in the catalog is reported once, not once per plan.
 * Searched only when something is wrong, which is rare and stays short.
 */
static bool first_report(struct textcheck *c, const void *what, struct src_span span)
{
	for (size_t i = 0; i < c->reported.len; i++) {
		const struct reported *r = c->reported.items[i];
		if (r->what == what && r->span.file == span.file && r->span.begin == span.begin &&
		    r->span.end == span.end)
			return false;
	}
	struct reported *r = arena_alloc(c->arena, sizeof *r);
	*r = (struct reported){what, span};
	ptrvec_push(c->arena, &c->reported, r);
	return true;
}

/*
 * Reports BFP401 if XML cannot carry `s`, naming it with the printf-style
 * `what`, which is formatted only then (a build checks a great many).
 */
static void check_xml(struct textcheck *c, const char *s, struct src_span span, const char *what, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void check_xml(struct textcheck *c, const char *s, struct src_span span, const char *what, va_list ap)
{
	struct esc_fault fault;
	if (esc_xml_check(s, strlen(s), &fault))
		return;
	c->ok = false;
	if (!first_report(c, s, span))
		return;
	const char *name = arena_vprintf(c->plan_arena, what, ap);
	struct diag *d = diag_report(c->diags, BFP401, span,
				     "%s cannot be written to the build's outputs: it contains %s", name,
				     esc_fault_describe(c->plan_arena, &fault));
	diag_help(c->diags, d, "XML 1.0 has no escape for this character; remove it or write it in words");
}

/* A text, checked once for the build (the plan's own, once for the plan). */
static void check_str(struct textcheck *c, const char *s, struct src_span span, const char *what, ...)
	__attribute__((format(printf, 4, 5)));

static void check_str(struct textcheck *c, const char *s, struct src_span span, const char *what, ...)
{
	/* a string the plan did not make (the catalog's, a plan file's) is checked once for the build */
	if (!s || !ptrmap_add(arena_owns(c->plan_arena, s) ? &c->seen : &c->shared, s))
		return;
	va_list ap;
	va_start(ap, what);
	check_xml(c, s, span, what, ap);
	va_end(ap);
}

/*
 * A name only this plan uses (its own, its cluster's, its nodes'): checked
 * without being remembered, which for ten thousand plans would be an
 * entry for every node of every cluster.
 */
static void check_name(struct textcheck *c, const char *s, struct src_span span, const char *what, ...)
	__attribute__((format(printf, 4, 5)));

static void check_name(struct textcheck *c, const char *s, struct src_span span, const char *what, ...)
{
	if (!s)
		return;
	va_list ap;
	va_start(ap, what);
	check_xml(c, s, span, what, ap);
	va_end(ap);
}

/* A plan text is located where it was written, else at `fallback` (its declaration). */
static struct src_span where(struct lw_text t, struct src_span fallback)
{
	return t.span.file != SRC_NO_FILE ? t.span : fallback;
}

static void check_site(struct textcheck *c, const struct lw_site *s)
{
	if (!s || !ptrmap_add(&c->shared, s))
		return;
	check_str(c, s->name, s->decl, "a site name");
	check_str(c, s->display.text, where(s->display, s->decl), "the title of site '%s'", s->name);
	check_str(c, s->gather_url.text, where(s->gather_url, s->decl), "the gather URL of site '%s'", s->name);
	if (s->url_from == LW_URL_COMMAND_LINE || s->url_from == LW_URL_ENVIRONMENT || s->url_from == LW_URL_CONFIG)
		check_str(c, s->url, nowhere, "the gather URL given for '%s'", s->name);
}

static void check_fixlet(struct textcheck *c, const struct lw_fixlet *f)
{
	if (!f || !ptrmap_add(&c->shared, f))
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
	if (ptrmap_add(&c->shared, (const char *)f->site + 1) && !emit_bes_check_site(f->site, f, used_at, c->diags))
		c->ok = false;
	if (ptrmap_add(&c->shared, (const char *)f + 1) &&
	    !emit_bes_check_fixlet(c->plan_arena, &c->opts->bes, f, used_at, c->diags))
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
	if (!p->detect.text) {
		c->ok = false;
		if (first_report(c, p->name, p->decl))
			emit_bes_check_prereq(p, c->diags);
	}
}

static void check_check(struct textcheck *c, const struct lw_check *k, struct src_span at)
{
	if (!k || !ptrmap_add(&c->seen, k))
		return;
	check_str(c, k->code, at, "a check code");
	check_str(c, k->description.text, where(k->description, at), "the description of a check");
	check_prereq(c, k->prereq);
}

/*
 * What a plan's steps say, checked from what they are made of: each item
 * of `each node`, each failure step, and the states the nodes pass
 * through (the state every phase starts in, then each item's), without
 * laying out a step.
 */
static void check_item(struct textcheck *c, const struct lw_item *s, const char *from_state)
{
	const char *name = s->name ? s->name : "?";
	check_str(c, s->name, s->origin, "a step name");
	check_str(c, s->title.text, where(s->title, s->origin), "the title of step '%s'", name);
	check_str(c, from_state, s->origin, "a node state");
	check_str(c, s->to_state, s->origin, "a node state");
	check_str(c, s->verify.text, where(s->verify, s->origin), "what to verify after step '%s'", name);
	check_str(c, s->on_failure.text, where(s->on_failure, s->origin), "the on-failure advice of step '%s'",
		  name);
	check_fixlet(c, s->fixlet);
	if (s->baseline)
		check_baseline(c, s->baseline);
	for (size_t i = 0; i < s->guards.len; i++)
		check_check(c, s->guards.items[i], s->origin);
}

static void check_restore(struct textcheck *c, const struct lw_restore *r)
{
	check_str(c, r->name, r->origin, "a step name");
	check_str(c, r->title.text, where(r->title, r->origin), "the title of step '%s'", r->name);
	check_fixlet(c, r->fixlet);
}

/* A plan's name becomes file names: it must not leave the output directory or hide. */
static bool usable_file_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\');
}

/*
 * Everything the emitters will need of one plan, checked before any of it
 * is written.  False if anything is wrong with it (reported once for the
 * build, where it was written).
 */
static bool check_plan(struct textcheck *c, struct arena *plan_arena, const struct lw_plan *p)
{
	c->plan_arena = plan_arena;
	ptrmap_init(&c->seen, plan_arena);
	c->ok = true;
	if (!usable_file_name(p->name)) {
		struct diag *d = diag_report(c->diags, BFP406, p->decl,
					     "the name of plan '%s' cannot be used as a file name", p->name);
		diag_help(c->diags, d, "start the plan name with a letter or digit");
		c->ok = false;
	}
	check_name(c, p->name, p->decl, "the plan name");
	check_str(c, p->title.text, where(p->title, p->decl), "the plan title");
	check_name(c, p->cluster, p->decl, "the cluster name");
	check_str(c, p->os, p->decl, "the OS name");
	check_str(c, p->os_title.text, where(p->os_title, p->decl), "the OS title");
	/* the nodes in patch order are these names again */
	for (size_t k = 0; k < p->cluster_nodes.len; k++)
		check_name(c, p->cluster_nodes.items[k], p->decl, "a node name");
	if (p->role) {
		check_str(c, p->role->name, p->decl, "the role name");
		check_str(c, p->role->title.text, where(p->role->title, p->decl), "the role title");
		check_str(c, p->role->server.text, where(p->role->server, p->decl), "the role's server name");
		check_str(c, p->role->verify.text, where(p->role->verify, p->decl), "what to verify after the role moves");
		check_fixlet(c, p->role->detect);
	}
	for (size_t k = 0; k < p->prereqs.len; k++)
		check_prereq(c, p->prereqs.items[k]);
	for (size_t k = 0; k < p->checks.len; k++)
		check_check(c, p->checks.items[k], p->decl);
	for (size_t k = 0; k < p->sites.len; k++)
		check_site(c, p->sites.items[k]);
	for (size_t k = 0; k < p->baselines.len; k++)
		check_baseline(c, p->baselines.items[k]);
	for (size_t k = 0; k < p->items.len; k++)
		check_item(c, p->items.items[k], k == 0 ? p->initial_state : NULL);
	for (size_t k = 0; k < p->restores.len; k++)
		check_restore(c, p->restores.items[k]);
	return c->ok;
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
	return usable_file_name(name) && strlen(name) <= 255;
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
	if (!old->len)
		return; /* a first build into the directory */
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

static bool in_stdlib(const struct diag_sink *diags, const struct lw_mark *m)
{
	return m->reason.span.file != SRC_NO_FILE && src_file(diags->sm, m->reason.span.file)->is_stdlib;
}

/*
 * One warning for the whole build about every fact of the plan's own
 * files that the catalog does not confirm, so that --werror can refuse to
 * build on the author's guesses; a note at each line that states one.
 * The standard library's guesses are the same on every build and are not
 * the author's to fix, so they are one note, with their count, which
 * --werror leaves alone: otherwise --werror would fail every build.  The
 * checklist marks each use, plan.json flags it.  The marks are gathered
 * from each plan as it is built.
 */
static void report_unconfirmed(const struct cptrvec *all, struct diag_sink *diags)
{
	size_t from_stdlib = 0;
	for (size_t i = 0; i < all->len; i++)
		from_stdlib += in_stdlib(diags, all->items[i]);
	size_t own = all->len - from_stdlib;
	if (own) {
		struct diag *d = diag_report(diags, BFP423, nowhere, "the build rests on %zu fact%s of the plan's "
					     "files that the catalog marks as not confirmed", own, own == 1 ? "" : "s");
		for (size_t i = 0; i < all->len; i++) {
			const struct lw_mark *m = all->items[i];
			if (!in_stdlib(diags, m))
				diag_note(diags, d, m->reason.span, "%s%s%s: %s", m->owner ? m->owner : "?",
					  m->field ? ", " : "", m->field ? m->field : "",
					  m->reason.text ? m->reason.text : "no reason given");
		}
		diag_help(diags, d, "confirm them on your BigFix server, or import the Fixlets' own .bes with "
			  "'bfplan import' and use the file; the checklist marks each use with its number");
	}
	if (from_stdlib) {
		struct diag *d = diag_report(diags, BFP460, nowhere, "the build also rests on %zu fact%s the "
					     "standard library marks as not confirmed", from_stdlib,
					     from_stdlib == 1 ? "" : "s");
		diag_help(diags, d, "the checklist's \"Not confirmed\" list and plan.json's \"unconfirmed\" give "
			  "each with its reason; 'bfplan import' of the Fixlets' own .bes replaces the guesses");
	}
}

/* ---- the build --------------------------------------------------------------------- */

/*
 * How much of an output is held before it goes to its file.  The buffers
 * are the build's, reused by every plan, so a plan costs no allocation
 * for them; 64 kB writes are few enough that the system calls do not show.
 */
enum { EMIT_STREAM_BUFFER = 64 * 1024 };

/* One output being written: a buffer that drains into the current file. */
struct stream {
	struct textbuf buf;
	struct outset_file *file;
};

struct build {
	struct arena *arena;       /* lives as long as the build */
	const struct lw_program *program;
	const struct emit_options *opts;
	struct diag_sink *diags;
	const char *outdir;
	struct outset set;
	struct outset_failure why;
	bool io_failed;            /* an output could not be written: BFP406 is reported at the end */
	enum emit_status status;
	struct strvec written;     /* the names written into outdir, for the manifest */
	struct textcheck check;
	struct validator *validator;
	struct stream bes, md, html, json;
	struct emit_json *json_doc;
	struct ptrvec index;       /* struct checklist_entry *: what the checklists' index lists */
	struct ptrmap marks_seen;  /* the catalog's marks the plans rest on, for BFP423 */
	struct cptrvec marks;
};

static bool wants(const struct build *b, enum emit_output output)
{
	return (b->opts->outputs & output) != 0;
}

/* Writes nothing more: every temporary file goes when the set is aborted. */
static void stop_writing(struct build *b, enum emit_status status)
{
	if (b->status == EMIT_OK || status == EMIT_IO_ERROR)
		b->status = status;
}

static void stream_init(struct build *b, struct stream *s)
{
	textbuf_init_drained(&s->buf, b->arena, EMIT_STREAM_BUFFER, outset_drain, NULL);
	s->file = NULL;
}

/*
 * Starts OUTDIR/name on the stream, joining the path in `scratch` (the set
 * keeps its own copy).  Returns the name as the manifest keeps it, the
 * tail of the set's copy, or NULL after a failure (the build then writes
 * nothing).
 */
static const char *stream_open(struct build *b, struct stream *s, const char *name, struct arena *scratch)
{
	s->file = outset_open(&b->set, join(scratch, b->outdir, name), &b->why);
	if (!s->file) {
		b->io_failed = true;
		stop_writing(b, EMIT_IO_ERROR);
		return NULL;
	}
	const char *kept = s->file->path + strlen(s->file->path) - strlen(name);
	strvec_push(b->arena, &b->written, kept);
	s->buf.drain_ctx = s->file;
	return kept;
}

/* Ends the stream's file: everything written and the file closed, so builds of any size stay within a few descriptors. */
static void stream_close(struct build *b, struct stream *s)
{
	textbuf_flush(&s->buf);
	if (!outset_close(s->file, &b->why)) {
		b->io_failed = true;
		stop_writing(b, EMIT_IO_ERROR);
	}
	s->file = NULL;
	s->buf.drain_ctx = NULL;
}

/*
 * The .bes: streamed to its file, or, to validate it, rendered whole in
 * the plan's arena first (it is the smallest output of a plan).  Once the
 * build has failed, it is still rendered and validated when validation is
 * asked for, so every invalid file is reported, but no longer written.
 */
static void write_bes(struct build *b, struct arena *plan_arena, const struct lw_plan *p)
{
	bool writing = b->status == EMIT_OK && wants(b, EMIT_BES);
	if (!p->bes_file)
		return;
	if (!b->validator) {
		if (!writing || !stream_open(b, &b->bes, p->bes_file, plan_arena))
			return;
		if (!emit_bes_plan(plan_arena, p, &b->opts->bes, b->diags, &b->bes.buf))
			stop_writing(b, EMIT_PLAN_ERRORS);
		stream_close(b, &b->bes);
		return;
	}
	struct textbuf whole;
	textbuf_init(&whole, plan_arena);
	if (!emit_bes_plan(plan_arena, p, &b->opts->bes, b->diags, &whole) ||
	    !validator_check(b->validator, p->bes_file, whole.data, whole.len, p->decl, b->diags)) {
		stop_writing(b, EMIT_PLAN_ERRORS);
		return;
	}
	if (writing && stream_open(b, &b->bes, p->bes_file, plan_arena)) {
		textbuf_put(&b->bes.buf, whole.data, whole.len);
		stream_close(b, &b->bes);
	}
}

static void write_checklist(struct build *b, struct arena *plan_arena, const struct lw_plan *p)
{
	const char *md_file = stream_open(b, &b->md, p->checklist_md, plan_arena);
	if (!md_file)
		return;
	const char *html_file = stream_open(b, &b->html, p->checklist_html, plan_arena);
	if (!html_file) {
		stream_close(b, &b->md);
		return;
	}
	struct checklist_entry *e = arena_alloc(b->arena, sizeof *e);
	*e = (struct checklist_entry){
		.plan = arena_strdup(b->arena, p->name),
		.title = p->title.text ? arena_strdup(b->arena, p->title.text) : NULL,
		.cluster = arena_strdup(b->arena, p->cluster),
		.window = p->window,
		.worst_case = p->worst_case,
		.md_file = md_file,
		.html_file = html_file,
	};
	ptrvec_push(b->arena, &b->index, e);
	emit_checklist_plan(plan_arena, b->program, p,
			    b->opts->bes.components == BES_COMPONENTS_FULL ? CHECKLIST_IMPORT_CONSOLE : CHECKLIST_IMPORT_REST,
			    &b->md.buf, &b->html.buf);
	stream_close(b, &b->md);
	stream_close(b, &b->html);
}

/* The marks a plan rests on join the build's list, each once, in the order first used. */
static void gather_marks(struct build *b, const struct lw_plan *p)
{
	for (size_t k = 0; k < p->unconfirmed.len; k++)
		if (ptrmap_add(&b->marks_seen, p->unconfirmed.items[k]))
			cptrvec_push(b->arena, &b->marks, p->unconfirmed.items[k]);
}

/*
 * One plan: checked, then its .bes, its checklist and its plan.json
 * element written.  Everything it allocates lives in an arena of its own,
 * freed at the end, so memory stays that of one plan.
 */
static void build_plan(struct build *b, struct arena *plan_arena, const struct lw_plan *p)
{
	if (!check_plan(&b->check, plan_arena, p)) {
		stop_writing(b, EMIT_PLAN_ERRORS);
		return;
	}
	gather_marks(b, p);
	if (wants(b, EMIT_BES) || b->validator)
		write_bes(b, plan_arena, p);
	if (b->status != EMIT_OK)
		return;
	if (wants(b, EMIT_CHECKLIST))
		write_checklist(b, plan_arena, p);
	if (b->status == EMIT_OK && wants(b, EMIT_JSON))
		emit_json_plan(b->json_doc, plan_arena, p);
}

/* plan.json's envelope up to its plans; the file stays open while the plans stream into it. */
static void json_begin(struct build *b)
{
	const char *outputs[sizeof output_words / sizeof output_words[0]];
	size_t count = 0;
	for (size_t i = 0; i < sizeof output_words / sizeof output_words[0]; i++)
		if (wants(b, output_words[i].output))
			outputs[count++] = output_words[i].word;
	struct json_build info = {
		.component_form = b->opts->bes.components == BES_COMPONENTS_FULL ? "full" : "reference",
		.bes_line_ends = b->opts->bes.newline == BES_NEWLINE_LF ? "lf" : "crlf",
		.has_epoch = b->opts->bes.has_epoch,
		.epoch = b->opts->bes.epoch,
		.outputs = outputs,
		.output_count = count,
		.indent = b->opts->json_indent,
	};
	if (stream_open(b, &b->json, "plan.json", b->arena))
		b->json_doc = emit_json_begin(b->arena, b->program, &info, &b->json.buf);
}

static void write_index(struct build *b)
{
	if (!stream_open(b, &b->md, "checklist.md", b->arena))
		return;
	if (!stream_open(b, &b->html, "checklist.html", b->arena)) {
		stream_close(b, &b->md);
		return;
	}
	emit_checklist_index(b->arena, b->program, (const struct checklist_entry *const *)b->index.items,
			     b->index.len, &b->md.buf, &b->html.buf);
	stream_close(b, &b->md);
	stream_close(b, &b->html);
}

/* The file build systems compare with the inputs: -MT, else plan.json, else the manifest. */
static const char *watched_file(const struct build *b)
{
	if (b->opts->depfile_target)
		return b->opts->depfile_target;
	return join(b->arena, b->outdir, wants(b, EMIT_JSON) ? "plan.json" : MANIFEST_NAME);
}

/* The depfile, in the set; false after reporting why it cannot be written. */
static bool write_depfile(struct build *b)
{
	const struct emit_options *opts = b->opts;
	/* -MT is the user's, escaped already; the default is a path, escaped here */
	const char *text = outset_depfile(b->arena, watched_file(b), !opts->depfile_target, b->program->files.items,
					  b->program->files.len, opts->depfile_phony);
	if (!text) {
		struct diag *d = diag_report(b->diags, BFP406, nowhere,
					     "cannot write the depfile '%s': a path in it has a line break",
					     opts->depfile_path);
		diag_help(b->diags, d, "rename the file, or build without -MD");
		return false;
	}
	if (!outset_add(&b->set, opts->depfile_path, text, strlen(text), &b->why)) {
		b->io_failed = true;
		return false;
	}
	const char *dir_prefix = join(b->arena, b->outdir, "");
	if (strncmp(opts->depfile_path, dir_prefix, strlen(dir_prefix)) == 0 &&
	    manifest_name_ok(opts->depfile_path + strlen(dir_prefix)))
		strvec_push(b->arena, &b->written, opts->depfile_path + strlen(dir_prefix));
	return true;
}

static bool write_manifest(struct build *b)
{
	strvec_push(b->arena, &b->written, MANIFEST_NAME);
	struct textbuf manifest;
	textbuf_init(&manifest, b->arena);
	textbuf_puts(&manifest, MANIFEST_HEADER);
	for (size_t i = 0; i < b->written.len; i++)
		textbuf_printf(&manifest, "%s\n", b->written.items[i]);
	if (!outset_add(&b->set, join(b->arena, b->outdir, MANIFEST_NAME), manifest.data, manifest.len, &b->why)) {
		b->io_failed = true;
		return false;
	}
	return true;
}

/* BFP406: what could not be written, and that nothing was. */
static void report_not_written(struct build *b)
{
	struct diag *d = diag_report(b->diags, BFP406, nowhere, "%s", outset_failure_message(b->arena, &b->why));
	diag_note(b->diags, d, nowhere, "no output was changed: every file of the build is written together or "
					"not at all");
}

/* Aborts the set: nothing of the build is left, and the output directory is as it was. */
static enum emit_status give_up(struct build *b)
{
	if (b->io_failed)
		report_not_written(b);
	outset_abort(&b->set);
	return b->status == EMIT_OK ? EMIT_IO_ERROR : b->status;
}

/* Everything after the plans: the index, the rest of plan.json, the depfile and the manifest, then the renames. */
static enum emit_status finish(struct build *b)
{
	if (b->status != EMIT_OK)
		return give_up(b);
	if (b->json_doc) {
		emit_json_end(b->json_doc);
		stream_close(b, &b->json);
	}
	if (b->status == EMIT_OK && wants(b, EMIT_CHECKLIST))
		write_index(b);
	if (b->status != EMIT_OK || (b->opts->depfile_path && !write_depfile(b)))
		return give_up(b);
	struct strvec previous = {0};
	read_manifest(b->arena, b->outdir, &previous);
	if (!write_manifest(b))
		return give_up(b);
	if (!outset_commit(&b->set, &b->why)) {
		report_not_written(b); /* the commit has removed its temporaries already */
		return EMIT_IO_ERROR;
	}
	remove_stale(b->arena, b->outdir, &previous, &b->written);
	return EMIT_OK;
}

enum emit_status emit_build(struct arena *arena, struct lowering *plans, const struct emit_options *opts,
			    struct diag_sink *diags, const char *outdir)
{
	struct build b = {.arena = arena, .program = lower_program_of(plans), .opts = opts, .diags = diags,
			  .outdir = outdir, .status = EMIT_OK};
	b.check = (struct textcheck){.arena = arena, .diags = diags, .opts = opts};
	ptrmap_init(&b.check.shared, arena);
	ptrmap_init(&b.marks_seen, arena);
	b.check.plan_arena = arena;
	b.check.ok = true;
	ptrmap_init(&b.check.seen, arena);
	for (size_t i = 0; i < b.program->sources.len; i++)
		check_str(&b.check, b.program->sources.items[i], nowhere, "an input file name");
	if (!b.check.ok)
		stop_writing(&b, EMIT_PLAN_ERRORS);
	if (opts->schema_path) {
		b.validator = validator_open(arena, opts->schema_path, diags);
		if (!b.validator)
			return EMIT_IO_ERROR;
	}

	outset_init(&b.set, arena);
	b.set.durable = opts->sync;
	/* what make and ninja compare with the inputs is renamed last (outset.h) */
	outset_rename_last(&b.set, watched_file(&b));
	stream_init(&b, &b.bes);
	stream_init(&b, &b.md);
	stream_init(&b, &b.html);
	stream_init(&b, &b.json);
	if (b.status == EMIT_OK && wants(&b, EMIT_JSON))
		json_begin(&b);
	/* one arena for every plan in turn: emptied after each, its blocks kept for the next */
	struct arena plan_arena;
	arena_init_like(&plan_arena, arena);
	for (const struct lw_plan *p; (p = lower_next(plans, &plan_arena)); arena_reset(&plan_arena))
		build_plan(&b, &plan_arena, p);
	arena_free(&plan_arena);
	validator_close(b.validator);
	if (b.status == EMIT_OK) {
		unsigned errors_before = diags->errors;
		report_unconfirmed(&b.marks, diags);
		if (diags->errors != errors_before)
			stop_writing(&b, EMIT_PLAN_ERRORS); /* --werror: the build rests on guesses */
	}
	return finish(&b);
}
