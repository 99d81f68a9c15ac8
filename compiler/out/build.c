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

bool emit_run_id_ok(const char *run_id)
{
	size_t n = strlen(run_id);
	if (n == 0 || n > 64)
		return false;
	for (const char *p = run_id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("-_.:", *p)))
			return false;
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
	check_str(c, f->imported_from.text, where(f->imported_from, f->decl), "the file %s %u was imported from",
		  kind, id);
	for (size_t i = 0; i < f->parameters.len; i++) {
		const struct lw_parameter *q = f->parameters.items[i];
		check_str(c, q->name.text, where(q->name, f->decl), "a parameter of %s %u", kind, id);
		check_str(c, q->description.text, where(q->description, f->decl), "a parameter's description in %s %u",
			  kind, id);
		check_str(c, q->default_value.text, where(q->default_value, f->decl), "a parameter's default in %s %u",
			  kind, id);
	}
	/* relevance and action script are written only in the full component form */
	if (c->opts->bes.components == BES_COMPONENTS_FULL) {
		check_str(c, f->relevance.text, where(f->relevance, f->decl), "the relevance of %s %u", kind, id);
		check_str(c, f->actionscript.text, where(f->actionscript, f->decl), "the action script of %s %u",
			  kind, id);
		check_str(c, f->success_relevance.text, where(f->success_relevance, f->decl),
			  "the success relevance of %s %u", kind, id);
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
	check_str(c, s->not_relevant.text, where(s->not_relevant, s->origin), "the not-relevant advice of step '%s'",
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
	check_str(c, p->owner.text, where(p->owner, p->decl), "the change owner's name");
	check_str(c, p->owner_contact.text, where(p->owner_contact, p->decl), "how to reach the change owner");
	/* what the review report and the checklist say about each unconfirmed fact */
	for (size_t k = 0; k < p->unconfirmed.len; k++) {
		const struct lw_mark *m = p->unconfirmed.items[k];
		check_str(c, m->owner, where(m->reason, p->decl), "what an unconfirmed fact is about");
		check_str(c, m->field, where(m->reason, p->decl), "the statement an unconfirmed fact is about");
		check_str(c, m->reason.text, where(m->reason, p->decl), "the reason a fact is not confirmed");
	}
	return c->ok;
}

static const char *join(struct arena *a, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (n == 0)
		return arena_strdup(a, name);
	return arena_concat(a, dir, dir[n - 1] == '/' ? "" : "/", name, NULL);
}

/* ---- the manifest: what the last build wrote ---------------------------------------- */

/*
 * OUTDIR/bfplan.manifest lists the files a build wrote into OUTDIR, one
 * name per line.  The next build into the same directory removes the
 * files of that list it does not write itself (a plan renamed, or left
 * out with --plan), and nothing else: not a file the list does not name,
 * not a name that leaves the directory or hides, not a directory.
 *
 * A kill at any moment must leave no file that no manifest lists, or it
 * would stay for good, and an operator importing every .bes there would import
 * a plan that no longer exists.  So the manifest a build puts in place
 * first, before any other file, lists both what it writes and what it is
 * about to remove; once those are removed, a second manifest lists only
 * what it wrote.  A build killed in between leaves the first, and the
 * next build removes what it names and does not write.
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

/* The names the previous build listed that this one does not write: stale once this build is in place. */
static void stale_names(struct arena *arena, const struct strvec *old, const struct strvec *now, struct strvec *out)
{
	if (!old->len)
		return; /* a first build into the directory */
	struct symtab written;
	symtab_init(&written, arena);
	for (size_t i = 0; i < now->len; i++)
		symtab_put(&written, now->items[i], (void *)(uintptr_t)now->items[i]);
	for (size_t i = 0; i < old->len; i++)
		if (!symtab_get(&written, old->items[i]))
			strvec_push(arena, out, old->items[i]);
}

/* Removes the stale files, each a regular file of the output directory (never a link or a directory). */
static void remove_stale(struct arena *arena, const char *outdir, const struct strvec *stale)
{
	for (size_t i = 0; i < stale->len; i++) {
		const char *path = join(arena, outdir, stale->items[i]);
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
 * review report lists each, plan.json flags it.  The marks are gathered
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
			  "'bfplan import' and use the file; the checklist marks those that matter in the window");
	}
	if (from_stdlib) {
		struct diag *d = diag_report(diags, BFP460, nowhere, "the build also rests on %zu fact%s the "
					     "standard library marks as not confirmed", from_stdlib,
					     from_stdlib == 1 ? "" : "s");
		diag_help(diags, d, "the review report's \"Not confirmed\" list and plan.json's \"unconfirmed\" give "
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
	struct bes_options bes_opts;   /* the options' own, with texts_checked: check_plan() checked them */
	struct bes_shared *bes_shared; /* catalog text escaped once for every plan's .bes */
	struct emit_json *json_doc;
	struct ptrvec index;       /* struct checklist_entry *: what the checklists' index lists */
	struct ptrmap marks_seen;  /* the catalog's marks the plans rest on, for BFP423 */
	struct cptrvec marks;
	bool shared_reasons;       /* several plans: the index gives each mark's reason once (checklist.h) */
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
		if (!emit_bes_plan(plan_arena, p, &b->bes_opts, b->bes_shared, b->diags, &b->bes.buf))
			stop_writing(b, EMIT_PLAN_ERRORS);
		stream_close(b, &b->bes);
		return;
	}
	struct textbuf whole;
	textbuf_init(&whole, plan_arena);
	if (!emit_bes_plan(plan_arena, p, &b->bes_opts, b->bes_shared, b->diags, &whole) ||
	    !validator_check(b->validator, p->bes_file, whole.data, whole.len, p->decl, b->diags)) {
		stop_writing(b, EMIT_PLAN_ERRORS);
		return;
	}
	if (writing && stream_open(b, &b->bes, p->bes_file, plan_arena)) {
		textbuf_put(&b->bes.buf, whole.data, whole.len);
		stream_close(b, &b->bes);
	}
}

/* One more text into a fingerprint: its bytes and its end, so that "ab","c" and "a","bc" differ. */
static uint64_t fingerprint_text(uint64_t h, const char *s)
{
	return emit_checklist_hash_more(h, s ? s : "", s ? strlen(s) + 1 : 0);
}

static uint64_t fingerprint_number(uint64_t h, int64_t n)
{
	char bytes[8];
	for (unsigned i = 0; i < 8; i++)
		bytes[i] = (char)((uint64_t)n >> (8 * i));
	return emit_checklist_hash_more(h, bytes, sizeof bytes);
}

static uint64_t fingerprint_fixlet(uint64_t h, const struct lw_fixlet *f)
{
	h = fingerprint_text(h, f->site ? f->site->name : NULL);
	h = fingerprint_number(h, f->id);
	return fingerprint_text(h, f->action);
}

/*
 * What the operator's run depends on, as one number: the cluster and its
 * nodes in order, what each step runs with its timeout and failure
 * behaviour, the Baselines' components, the prerequisites, the window.
 * A plan file reformatted or commented differently keeps it; a plan that
 * runs something else does not.
 */
static uint64_t plan_fingerprint(uint64_t h, const struct lw_plan *p)
{
	h = fingerprint_text(h, p->name);
	h = fingerprint_text(h, p->cluster);
	h = fingerprint_text(h, p->os);
	for (size_t i = 0; i < p->nodes.len; i++) {
		const struct lw_node *n = p->nodes.items[i];
		h = fingerprint_text(h, n->name);
		h = fingerprint_number(h, n->phase->number);
	}
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *it = p->items.items[i];
		h = fingerprint_text(h, it->name);
		h = fingerprint_number(h, it->timeout);
		h = fingerprint_number(h, it->failure);
		if (it->fixlet)
			h = fingerprint_fixlet(h, it->fixlet);
		for (size_t k = 0; it->baseline && k < it->baseline->components.len; k++)
			h = fingerprint_fixlet(h, ((const struct lw_component *)it->baseline->components.items[k])->fixlet);
	}
	for (size_t i = 0; i < p->prereqs.len; i++)
		h = fingerprint_text(h, ((const struct lw_prereq *)p->prereqs.items[i])->name);
	h = fingerprint_number(h, p->window);
	return fingerprint_number(h, (int64_t)p->step_count);
}

/*
 * The run a plan's checklist is for: --run-id as given, else twelve hex
 * digits of a hash of what the plan runs (plan_fingerprint) and the
 * window's start.  A rebuild of the same plan for another window gets
 * another ID, so its page starts with no ticks; the same build twice, or
 * of the same plan reformatted, gets the same.
 */
static void plan_run(const struct build *b, struct arena *plan_arena, const struct lw_plan *p,
		     struct checklist_run *run)
{
	const struct emit_options *o = b->opts;
	*run = (struct checklist_run){
		.import = o->bes.components == BES_COMPONENTS_FULL ? CHECKLIST_IMPORT_CONSOLE : CHECKLIST_IMPORT_REST,
		.run_id = o->run_id,
		.run_id_given = o->run_id != NULL,
		.has_window_start = o->has_window_start,
		.window_start = o->window_start,
		.previous = o->previous,
	};
	if (b->shared_reasons)
		run->shared_marks = &b->marks_seen;
	if (o->previous && o->previous_changes)
		run->previous_changes = symtab_get(o->previous_changes, p->name);
	if (o->run_id)
		return;
	uint64_t h = plan_fingerprint(emit_checklist_hash("bfplan run", 10), p);
	if (o->has_window_start)
		h = fingerprint_number(h, o->window_start);
	run->run_id = arena_printf(plan_arena, "%012llx", (unsigned long long)(h >> 16));
}

/* One of a plan's two documents (checklist or review), Markdown and HTML: the names written, or false. */
static bool write_document(struct build *b, struct arena *plan_arena, const char *md_name, const char *html_name,
			   const char **md_file, const char **html_file)
{
	*md_file = stream_open(b, &b->md, md_name, plan_arena);
	if (!*md_file)
		return false;
	*html_file = stream_open(b, &b->html, html_name, plan_arena);
	if (!*html_file) {
		stream_close(b, &b->md);
		return false;
	}
	return true;
}

static void close_document(struct build *b)
{
	stream_close(b, &b->md);
	stream_close(b, &b->html);
}

static void write_checklist(struct build *b, struct arena *plan_arena, const struct lw_plan *p)
{
	struct checklist_entry *e = arena_alloc(b->arena, sizeof *e);
	*e = (struct checklist_entry){
		.plan = arena_strdup(b->arena, p->name),
		.title = p->title.text ? arena_strdup(b->arena, p->title.text) : NULL,
		.cluster = arena_strdup(b->arena, p->cluster),
		.window = p->window,
		.worst_case = p->worst_case,
	};
	struct checklist_run run;
	plan_run(b, plan_arena, p, &run);
	if (!write_document(b, plan_arena, p->checklist_md, p->checklist_html, &e->md_file, &e->html_file))
		return;
	emit_checklist_plan(plan_arena, b->program, p, &run, &b->md.buf, &b->html.buf);
	close_document(b);
	if (!write_document(b, plan_arena, p->review_md, p->review_html, &e->review_md, &e->review_html))
		return;
	emit_review_plan(plan_arena, b->program, p, &run, &b->md.buf, &b->html.buf);
	close_document(b);
	ptrvec_push(b->arena, &b->index, e);
}

/* The marks a plan rests on join the build's list, each once, in the order first used. */
static void gather_marks(struct build *b, const struct lw_plan *p)
{
	for (size_t k = 0; k < p->unconfirmed.len; k++) {
		const struct lw_mark *m = p->unconfirmed.items[k];
		if (ptrmap_get(&b->marks_seen, m))
			continue;
		cptrvec_push(b->arena, &b->marks, m);
		/* its number in the index's list of reasons (emit_checklist_index) */
		ptrmap_put(&b->marks_seen, m, (void *)(uintptr_t)b->marks.len);
	}
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
	gather_marks(b, p); /* before its review, which links to the index's reasons by these numbers */
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
	if (!stream_open(b, &b->md, CHECKLIST_INDEX_MD, b->arena))
		return;
	if (!stream_open(b, &b->html, CHECKLIST_INDEX_HTML, b->arena)) {
		stream_close(b, &b->md);
		return;
	}
	emit_checklist_index(b->arena, b->program, (const struct checklist_entry *const *)b->index.items,
			     b->index.len, b->shared_reasons ? &b->marks : NULL, &b->md.buf, &b->html.buf);
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

/* The manifest's text: what the build wrote, then what it is about to remove (none in the final one). */
static struct textbuf manifest_text(struct build *b, const struct strvec *stale)
{
	struct textbuf text;
	textbuf_init(&text, b->arena);
	textbuf_puts(&text, MANIFEST_HEADER);
	for (size_t i = 0; i < b->written.len; i++)
		textbuf_printf(&text, "%s\n", b->written.items[i]);
	if (stale->len)
		textbuf_puts(&text, "# and the files of an earlier build, about to be removed:\n");
	for (size_t i = 0; i < stale->len; i++)
		textbuf_printf(&text, "%s\n", stale->items[i]);
	return text;
}

/*
 * The manifest that goes into place before every other file of the set.
 * When it is the file build systems watch (no plan.json, no -MT), it is
 * dated 1970 until the final manifest replaces it, so a build killed in
 * between runs again.
 */
static bool write_first_manifest(struct build *b, const struct strvec *stale, bool watched)
{
	const char *path = join(b->arena, b->outdir, MANIFEST_NAME);
	struct textbuf text = manifest_text(b, stale);
	struct outset_file *f = outset_open(&b->set, path, &b->why);
	if (f) {
		outset_write(f, text.data, text.len);
		if (watched)
			outset_date_old(f);
	}
	if (!f || !outset_close(f, &b->why)) {
		b->io_failed = true;
		return false;
	}
	outset_rename_first(&b->set, path);
	return true;
}

/* Once the stale files are gone: the manifest of what the build wrote, in a set of its own. */
static bool write_final_manifest(struct build *b)
{
	struct strvec none = {0};
	struct textbuf text = manifest_text(b, &none);
	struct outset set;
	outset_init(&set, b->arena);
	set.durable = b->set.durable;
	if (outset_add(&set, join(b->arena, b->outdir, MANIFEST_NAME), text.data, text.len, &b->why) &&
	    outset_commit(&set, &b->why))
		return true;
	outset_abort(&set);
	struct diag *d = diag_report(b->diags, BFP406, nowhere, "%s", outset_failure_message(b->arena, &b->why));
	diag_note(b->diags, d, nowhere, "the outputs are in place; the manifest still names the files of the "
					"earlier build, which the next build removes");
	return false;
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
	struct strvec previous = {0}, stale = {0};
	read_manifest(b->arena, b->outdir, &previous);
	strvec_push(b->arena, &b->written, MANIFEST_NAME);
	stale_names(b->arena, &previous, &b->written, &stale);
	const char *manifest = join(b->arena, b->outdir, MANIFEST_NAME);
	bool watched = strcmp(watched_file(b), manifest) == 0;
	if (watched)
		outset_rename_last(&b->set, NULL); /* the final manifest is the last rename */
	if (!write_first_manifest(b, &stale, watched))
		return give_up(b);
	if (!outset_commit(&b->set, &b->why)) {
		report_not_written(b); /* the commit has removed its temporaries already */
		return EMIT_IO_ERROR;
	}
	remove_stale(b->arena, b->outdir, &stale);
	if ((stale.len || watched) && !write_final_manifest(b))
		return EMIT_IO_ERROR;
	return EMIT_OK;
}

enum emit_status emit_build(struct arena *arena, struct lowering *plans, const struct emit_options *opts,
			    struct diag_sink *diags, const char *outdir)
{
	struct build b = {.arena = arena, .program = lower_program_of(plans), .opts = opts, .diags = diags,
			  .outdir = outdir, .status = EMIT_OK};
	b.check = (struct textcheck){.arena = arena, .diags = diags, .opts = opts};
	b.bes_opts = opts->bes;
	b.bes_opts.texts_checked = true; /* build_plan() writes a plan only once check_plan() passed it */
	b.bes_shared = emit_bes_shared_new(arena);
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

	/* the catalog's marks are the same objects in every plan, so with several plans each reason is said once */
	b.shared_reasons = lower_count(plans) > 1;
	outset_init(&b.set, arena);
	b.set.durable = opts->sync;
	/* a new output directory appears whole, by one rename, at the commit (outset.h) */
	outset_stage(&b.set, outdir);
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
