/*
 * emit.c - `bfplan build` end to end (see emit.h), and what the emitters share.
 *
 * Order of work: check every piece of text once (so a bad character is
 * reported once, where it was written, not once per output), render each
 * output to memory, validate the .bes files, and only then write the whole
 * set.  A failure at any point leaves the output directory as it was.
 */
#include "emit.h"

#include <string.h>

#include "emit_bes.h"
#include "emit_checklist.h"
#include "emit_json.h"
#include "escape.h"
#include "outset.h"
#include "textbuf.h"
#include "validate.h"

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

void emit_options_init(struct emit_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->newline = EMIT_NEWLINE_CRLF;
	opts->components = EMIT_COMPONENTS_REFERENCE;
}

bool emit_parse_site_url(struct arena *arena, const char *arg, struct emit_site_url *out)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return false;
	out->name = arena_strndup(arena, arg, (size_t)(eq - arg));
	out->url = arena_strdup(arena, eq + 1);
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

const char *emit_gather_url(const struct emit_options *opts, const struct lw_site *site)
{
	const char *url = site->gather_url.text;
	/* the last --site-url for a name wins, as with most repeated options */
	for (size_t i = 0; i < opts->site_url_count; i++)
		if (strcmp(opts->site_urls[i].name, site->name) == 0)
			url = opts->site_urls[i].url;
	return url;
}

/*
 * Days since 1970-01-01 to a civil date, in the proleptic Gregorian
 * calendar; arithmetic only, so no time_t range, time zone or locale
 * enters.  (The algorithm counts 400-year eras from 0000-03-01.)
 */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int64_t)yoe + era * 400 + (*month <= 2);
}

const char *emit_rfc2822_date(struct arena *arena, int64_t epoch)
{
	static const char *const weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (epoch < 0)
		epoch = 0;
	int64_t days = epoch / 86400, secs = epoch % 86400;
	int64_t year;
	unsigned month, day;
	civil_from_days(days, &year, &month, &day);
	return arena_printf(arena, "%s, %02u %s %04lld %02d:%02d:%02d +0000", weekdays[days % 7], day,
			    months[month - 1], (long long)year, (int)(secs / 3600), (int)(secs / 60 % 60),
			    (int)(secs % 60));
}

const char *emit_duration(struct arena *arena, int64_t seconds)
{
	if (seconds <= 0)
		return "0 s";
	int64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
	char buf[64];
	size_t n = 0;
	if (h)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%lld h", (long long)h);
	if (m)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld min", n ? " " : "", (long long)m);
	if (s)
		snprintf(buf + n, sizeof buf - n, "%s%lld s", n ? " " : "", (long long)s);
	return arena_strdup(arena, buf);
}

const char *emit_fixlet_kind(const struct lw_fixlet *fixlet)
{
	return fixlet->is_task ? "Task" : "Fixlet";
}

const char *emit_order_name(enum lw_order order)
{
	switch (order) {
	case LW_ORDER_PASSIVE_FIRST: return "passive-first";
	case LW_ORDER_ACTIVE_FIRST: return "active-first";
	case LW_ORDER_EXPLICIT: return "explicit";
	}
	return "explicit";
}

const char *emit_restart_name(enum lw_restart restart)
{
	switch (restart) {
	case LW_RESTART_NEVER: return "never";
	case LW_RESTART_MAY: return "may";
	case LW_RESTART_CLEARS: return "clears";
	}
	return "may";
}

const char *emit_bes_file_name(struct arena *arena, const struct lw_plan *plan)
{
	return arena_printf(arena, "%s.bes", plan->name);
}

/* ---- checking all text once ------------------------------------------------------ */

/*
 * A set of pointers (open addressing, grows at half full), so shared
 * objects (a Fixlet used on every node of every plan) are checked once:
 * a build of many plans stays linear.
 */
struct ptrset {
	struct arena *arena;
	const void **slots;
	size_t cap, len;
};

static size_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return (size_t)x;
}

/* Adds p; false if it was already there. */
static bool ptrset_add(struct ptrset *s, const void *p)
{
	if (2 * (s->len + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		const void **slots = arena_calloc(s->arena, cap, sizeof *slots);
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slots[i])
				continue;
			size_t j = ptr_hash(s->slots[i]) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = s->slots[i];
		}
		s->slots = slots;
		s->cap = cap;
	}
	size_t j = ptr_hash(p) & (s->cap - 1);
	while (s->slots[j]) {
		if (s->slots[j] == p)
			return false;
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j] = p;
	s->len++;
	return true;
}

struct textcheck {
	struct arena *arena;
	struct diag_sink *diags;
	const struct emit_options *opts;
	struct ptrset seen; /* objects walked and strings checked */
	bool ok;
};

static void check_str(struct textcheck *c, const char *s, struct src_span span, const char *what)
{
	if (!s || !ptrset_add(&c->seen, s))
		return;
	struct esc_fault fault;
	if (esc_xml_check(s, strlen(s), &fault))
		return;
	c->ok = false;
	struct diag *d = diag_report(c->diags, BFP401, span, "%s cannot be written to the build's outputs: it contains %s",
				     what, esc_fault_describe(c->arena, &fault));
	diag_help(c->diags, d, "XML 1.0 has no escape for this character; remove it or write it in words");
}

static void check_text(struct textcheck *c, struct lw_text t, struct src_span fallback, const char *what)
{
	check_str(c, t.text, t.span.file != SRC_NO_FILE ? t.span : fallback, what);
}

static void check_site(struct textcheck *c, const struct lw_site *s)
{
	if (!s || !ptrset_add(&c->seen, s))
		return;
	check_str(c, s->name, s->decl, "a site name");
	check_text(c, s->display, s->decl, arena_printf(c->arena, "the title of site '%s'", s->name));
	check_text(c, s->gather_url, s->decl, arena_printf(c->arena, "the gather URL of site '%s'", s->name));
}

static void check_fixlet(struct textcheck *c, const struct lw_fixlet *f)
{
	if (!f || !ptrset_add(&c->seen, f))
		return;
	const char *label = arena_printf(c->arena, "%s %u", emit_fixlet_kind(f), (unsigned)f->id);
	check_site(c, f->site);
	check_str(c, f->name, f->decl, arena_printf(c->arena, "the name of %s", label));
	check_text(c, f->title, f->decl, arena_printf(c->arena, "the title of %s", label));
	check_str(c, f->action, f->decl, arena_printf(c->arena, "the action name of %s", label));
	/* relevance and action script are written only in the full component form */
	if (c->opts->components == EMIT_COMPONENTS_FULL) {
		check_text(c, f->relevance, f->decl, arena_printf(c->arena, "the relevance of %s", label));
		check_text(c, f->actionscript, f->decl, arena_printf(c->arena, "the action script of %s", label));
	}
}

static void check_prereq(struct textcheck *c, const struct lw_prereq *p)
{
	if (!p || !ptrset_add(&c->seen, p))
		return;
	const char *label = arena_printf(c->arena, "prerequisite '%s'", p->name);
	check_str(c, p->name, p->decl, "a prerequisite name");
	check_text(c, p->title, p->decl, arena_printf(c->arena, "the title of %s", label));
	check_text(c, p->detect, p->decl, arena_printf(c->arena, "the detection relevance of %s", label));
	check_text(c, p->note, p->decl, arena_printf(c->arena, "the note of %s", label));
	check_fixlet(c, p->provider);
	for (size_t i = 0; i < p->needs.len; i++)
		check_prereq(c, p->needs.items[i]);
}

static void check_check(struct textcheck *c, const struct lw_check *k, struct src_span where)
{
	if (!k || !ptrset_add(&c->seen, k))
		return;
	check_str(c, k->code, where, "a check code");
	check_text(c, k->description, where, "the description of a check");
	check_prereq(c, k->prereq);
}

static void check_step(struct textcheck *c, const struct lw_step *s)
{
	if (!s || !ptrset_add(&c->seen, s))
		return;
	const char *label = arena_printf(c->arena, "step '%s'", s->name ? s->name : "?");
	check_str(c, s->name, s->origin, "a step name");
	check_text(c, s->title, s->origin, arena_printf(c->arena, "the title of %s", label));
	check_str(c, s->baseline_name, s->origin, "a baseline name");
	check_text(c, s->baseline_title, s->origin, "the title of a baseline");
	check_str(c, s->node, s->origin, "a node name");
	check_str(c, s->from_state, s->origin, "a node state");
	check_str(c, s->to_state, s->origin, "a node state");
	check_text(c, s->verify, s->origin, arena_printf(c->arena, "what to verify after %s", label));
	for (size_t i = 0; i < s->components.len; i++) {
		const struct lw_component *k = s->components.items[i];
		check_fixlet(c, k->fixlet);
	}
	for (size_t i = 0; i < s->guards.len; i++)
		check_check(c, s->guards.items[i], s->origin);
	check_step(c, s->on_failure);
}

static bool check_program_text(struct arena *arena, const struct lw_program *program,
			       const struct emit_options *opts, struct diag_sink *diags)
{
	struct textcheck c = {.arena = arena, .diags = diags, .opts = opts, .ok = true};
	c.seen.arena = arena;
	for (size_t i = 0; i < program->files.len; i++)
		check_str(&c, program->files.items[i], nowhere, "an input file name");
	for (size_t i = 0; i < program->plans.len; i++) {
		const struct lw_plan *p = program->plans.items[i];
		check_str(&c, p->name, p->decl, "the plan name");
		check_text(&c, p->title, p->decl, "the plan title");
		check_str(&c, p->cluster, p->decl, "the cluster name");
		check_str(&c, p->os, p->decl, "the OS name");
		check_text(&c, p->os_title, p->decl, "the OS title");
		for (size_t k = 0; k < p->cluster_nodes.len; k++)
			check_str(&c, p->cluster_nodes.items[k], p->decl, "a node name");
		if (p->role) {
			check_str(&c, p->role->name, p->decl, "the role name");
			check_text(&c, p->role->title, p->decl, "the role title");
			check_text(&c, p->role->server, p->decl, "the role's server name");
			check_text(&c, p->role->verify, p->decl, "what to verify after the role moves");
			check_fixlet(&c, p->role->detect);
		}
		for (size_t k = 0; k < p->prereqs.len; k++)
			check_prereq(&c, p->prereqs.items[k]);
		for (size_t k = 0; k < p->checks.len; k++)
			check_check(&c, p->checks.items[k], p->decl);
		for (size_t k = 0; k < p->sites.len; k++)
			check_site(&c, p->sites.items[k]);
		for (size_t k = 0; k < p->nodes.len; k++) {
			const struct lw_node *n = p->nodes.items[k];
			check_str(&c, n->name, n->decl, "a node name");
			for (size_t j = 0; j < n->steps.len; j++)
				check_step(&c, n->steps.items[j]);
		}
	}
	for (size_t i = 0; i < opts->site_url_count; i++)
		check_str(&c, opts->site_urls[i].url, nowhere,
			  arena_printf(arena, "the --site-url given for '%s'", opts->site_urls[i].name));
	return c.ok;
}

/* ---- the build --------------------------------------------------------------------- */

/* A plan's name becomes a file name: it must not leave the output directory or hide. */
static bool usable_file_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\');
}

static const char *join(struct arena *a, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (n == 0)
		return arena_strdup(a, name);
	return arena_printf(a, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

enum emit_status emit_build(struct arena *arena, const struct lw_program *program,
			    const struct emit_options *opts, struct diag_sink *diags, const char *outdir)
{
	unsigned errors_before = diags->errors;
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
	if (!names_ok || !check_program_text(arena, program, opts, diags))
		return EMIT_PLAN_ERRORS;

	struct outset set;
	outset_init(&set, arena);
	struct textbuf *bes = arena_calloc(arena, program->plans.len ? program->plans.len : 1, sizeof *bes);
	for (size_t i = 0; i < program->plans.len; i++) {
		const struct lw_plan *p = program->plans.items[i];
		textbuf_init(&bes[i], arena);
		if (emit_bes_plan(arena, p, opts, diags, &bes[i]))
			outset_add(&set, join(arena, outdir, emit_bes_file_name(arena, p)), bes[i].data,
				   bes[i].len);
	}
	if (diags->errors > errors_before)
		return EMIT_PLAN_ERRORS;

	if (opts->schema_path) {
		struct validator *v = validator_open(arena, opts->schema_path, diags);
		if (!v)
			return EMIT_IO_ERROR;
		bool valid = true;
		for (size_t i = 0; i < program->plans.len; i++) {
			const struct lw_plan *p = program->plans.items[i];
			valid &= validator_check(v, emit_bes_file_name(arena, p), bes[i].data, bes[i].len, p->decl,
						 diags);
		}
		validator_close(v);
		if (!valid)
			return EMIT_PLAN_ERRORS;
	}

	struct textbuf md, html, json;
	textbuf_init(&md, arena);
	textbuf_init(&html, arena);
	textbuf_init(&json, arena);
	emit_checklist(arena, program, opts, &md, &html);
	if (!emit_json_program(arena, program, opts, diags, &json))
		return EMIT_IO_ERROR;
	outset_add(&set, join(arena, outdir, "checklist.md"), md.data, md.len);
	outset_add(&set, join(arena, outdir, "checklist.html"), html.data, html.len);
	const char *json_path = join(arena, outdir, "plan.json");
	outset_add(&set, json_path, json.data, json.len);

	if (opts->depfile_path) {
		const char *target = opts->depfile_target ? opts->depfile_target : json_path;
		const char *text = outset_depfile(arena, target, program->files.items,
						  program->files.len, opts->depfile_phony);
		if (!text) {
			struct diag *d = diag_report(diags, BFP406, nowhere,
						     "cannot write the depfile '%s': a path in it has a line break",
						     opts->depfile_path);
			diag_help(diags, d, "rename the file, or build without -MD");
			return EMIT_IO_ERROR;
		}
		outset_add(&set, opts->depfile_path, text, strlen(text));
	}

	struct outset_failure why;
	if (!outset_commit(&set, &why)) {
		struct diag *d = diag_report(diags, BFP406, nowhere, "%s", outset_failure_message(arena, &why));
		diag_note(diags, d, nowhere, "no output was changed: every file of the build is written "
					     "together or not at all");
		return EMIT_IO_ERROR;
	}
	return EMIT_OK;
}
