/*
 * run_bigfix.c - `bfplan run PLAN --journal FILE --bigfix URL`: the plan
 * carried out through the BigFix REST API (runtime/bigfix), by the same
 * engine that `check` proves and `simulate` explores.
 *
 * The journal is the run's only state.  The engine, replayed from it,
 * says what is due (eng_due); the driver does it through BigFix and
 * records what happened, each entry taken by the run before it is
 * appended and flushed:
 *
 *   pre-flight   every node resolved to one computer (name and domain),
 *                every node reported recently, the plan's content imported
 *                into the custom site (a note keeps the new IDs), then each
 *                pre-flight check through session relevance (a
 *                prerequisite's Fixlet, where the role runs, the witness's
 *                Fixlet; every node reporting is the report times read
 *                before): done Pn or fail Pn, which stops the run before
 *                any action;
 *   a step       an intent (step, request, targets) before the POST, then
 *                the action's ID (issued) and the step's start; an intent
 *                with no action is looked up by its unique title before
 *                anything is posted again;
 *   its targets  polled until each is done or failed; past the step's
 *                timeout the action is stopped and the engine times the
 *                silent targets out, as the plan's rules say;
 *   failure      the failure step, the same way; then the run ends as the
 *                plan declares (stopped, held).
 *
 * Killed at any moment, `bfplan run` on the same journal goes on from
 * where the journal stands: an issued action is polled again, never
 * posted twice.
 */
#define _DEFAULT_SOURCE /* timegm(), strptime() */
#define _XOPEN_SOURCE 700

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/escape.h"
#include "base/textbuf.h"
#include "cmd/run_session.h"
#include "diag/diag.h"
#include "emit/bes.h"
#include "runtime/bigfix/bigfix.h"
#include "runtime/engine.h"

/* A note that keeps what the import created, one object per note: "imported into custom site S: KIND ID: TITLE". */
static const char import_note[] = "imported into custom site ";

/* One NAME=VALUE line of --parameters FILE. */
struct param_value {
	const char *name;
	const char *value;
};

struct content {
	const char *kind, *title;
	uint64_t id;
};

struct driver {
	struct session *s;
	const struct run_options *o;
	struct arena *a;
	FILE *out, *err;
	const struct eng_model *model;
	struct bf_client *client;     /* NULL in a dry run */
	struct bf_secret *secret;
	uint64_t *computer;           /* per node, in patch order */
	struct bf_computer *nodes;    /* what the server said of each */
	const char *site;             /* --import-to */
	struct content *content;
	size_t n_content;
	long poll_ms;
	uint64_t stopped;             /* the action stopped at its deadline, so it is stopped once */
	bool unanswered;              /* the last look at the running action got no answer */
	struct param_value *values;   /* --parameters FILE, pointing into its text */
	size_t n_values;
	char *parameters_text;        /* the file's bytes, wiped when the run ends: they may be secrets */
	size_t parameters_size;
};

/*
 * Once the step's timeout has run out, the step ends whatever the server
 * answers: a last look at the action's results may take a second, its
 * stop ten.
 */
enum { LAST_LOOK_MS = 1000, STOP_GRACE_MS = 10000 };

/* ---- small helpers ------------------------------------------------------------------------ */

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int bigfix_failed(struct driver *d, const struct bf_error *e, const char *doing)
{
	struct diag *g = diag_report(&d->s->c.diags, BFP801, d->s->plan->decl, "%s: %s", doing, e->text);
	const char *help = e->kind == BF_ERR_TLS ? "give the deployment's CA with --cacert FILE"
			 : e->kind == BF_ERR_AUTH ? "check BFPLAN_BIGFIX_USER and BFPLAN_BIGFIX_PASSWORD, or the netrc entry"
			 : e->kind == BF_ERR_NO_COMPUTER || e->kind == BF_ERR_AMBIGUOUS
				 ? "each node must be exactly one computer: check --domain and the computers' DNS names"
				 : "the journal holds everything done so far: run the same command again to go on from there";
	diag_help(&d->s->c.diags, g, "%s", help);
	return EXIT_PLAN_ERRORS;
}

/* The step's name in the journal and the checklist: "3", or "F3" for its failure step. */
static const char *step_name(struct driver *d, uint32_t step, bool failure)
{
	return arena_printf(d->a, "%s%u", failure ? "F" : "", step);
}

static const char *node_name(struct driver *d, uint32_t node)
{
	return eng_node_name(d->model, node);
}

static uint32_t node_of_computer(struct driver *d, uint64_t id)
{
	for (uint32_t n = 0; n < eng_node_count(d->model); n++)
		if (d->computer[n] == id)
			return n;
	return ENG_NONE;
}

static struct journal_entry entry(struct driver *d, enum journal_type type)
{
	return (struct journal_entry){.type = type, .at = wall_now(), .by = d->s->by};
}

static int append(struct driver *d, struct journal_entry *e, size_t n)
{
	int rc = run_append(d->s, d->o, e, n, e[0].at);
	if (rc == EXIT_CLEAN)
		run_advance(&d->s->run, wall_now());
	return rc;
}

/* ---- the plan's parameters ------------------------------------------------------------------ */

enum { PARAMETERS_MAX_BYTES = 64 * 1024 };

static int parameters_refused(struct driver *d, const char *what, const char *help)
{
	struct diag *g = diag_report(&d->s->c.diags, BFP810, d->s->plan->decl, "%s", what);
	diag_help(&d->s->c.diags, g, "%s", help);
	return EXIT_PLAN_ERRORS;
}

/*
 * --parameters FILE: NAME=VALUE lines ('#' starts a comment line).  It may
 * hold secrets, so, like a netrc file, it must be a regular file that
 * nobody but its owner can read or write.
 */
static int read_parameters(struct driver *d)
{
	const char *path = d->o->o->parameters;
	if (!path)
		return EXIT_CLEAN;
	const char *shown = esc_terminal(d->a, path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return parameters_refused(d, arena_printf(d->a, "cannot read parameters file '%s'", shown),
					  "give --parameters a regular file of NAME=VALUE lines");
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return parameters_refused(d, arena_printf(d->a, "parameters file '%s' can be read or written by others "
							  "than its owner: it may hold secrets", shown),
					  arena_printf(d->a, "chmod 600 '%s'", shown));
	}
	char *text = arena_alloc(d->a, PARAMETERS_MAX_BYTES + 2);
	d->parameters_text = text;
	d->parameters_size = PARAMETERS_MAX_BYTES + 2;
	ssize_t n = read(fd, text, PARAMETERS_MAX_BYTES + 1);
	close(fd);
	if (n < 0 || n > PARAMETERS_MAX_BYTES) {
		return parameters_refused(d, arena_printf(d->a, "parameters file '%s' cannot be read, or is larger than "
							  "%d bytes", shown, PARAMETERS_MAX_BYTES),
					  "give --parameters a file of NAME=VALUE lines, one per parameter");
	}
	text[n] = '\0';
	size_t lines = 1;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	d->values = arena_calloc(d->a, lines, sizeof *d->values);
	unsigned number = 0;
	for (char *line = text, *next; line && *line; line = next) {
		number++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		if (!eq || eq == line)
			return parameters_refused(d, arena_printf(d->a, "line %u of parameters file '%s' is not NAME=VALUE",
								  number, shown),
						  "write each parameter on a line of its own, as NAME=VALUE");
		*eq = '\0';
		d->values[d->n_values++] = (struct param_value){line, eq + 1};
	}
	return EXIT_CLEAN;
}

static void wipe_parameters(struct driver *d)
{
	if (d->parameters_text)
		explicit_bzero(d->parameters_text, d->parameters_size);
}

static const char *given_value(const struct driver *d, const char *name)
{
	for (size_t i = 0; i < d->n_values; i++)
		if (strcmp(d->values[i].name, name) == 0)
			return d->values[i].value;
	return NULL;
}

/*
 * The parameters a Fixlet's action asks for, with their values: from
 * --parameters FILE, else (not for a secure one) the plan's default.
 * NULL and *missing when one has no value; a dry run shows it in words.
 */
static struct bf_param *parameters_of(struct driver *d, const struct lw_fixlet *fx, size_t *n,
				      const struct lw_parameter **missing)
{
	*n = 0;
	*missing = NULL;
	size_t count = fx ? fx->parameters.len : 0;
	struct bf_param *out = arena_calloc(d->a, count + 1, sizeof *out);
	for (size_t i = 0; i < count; i++) {
		const struct lw_parameter *pm = fx->parameters.items[i];
		const char *value = given_value(d, pm->name.text);
		if (!value && !pm->secure)
			value = pm->default_value.text;
		if (!value && d->o->o->dry_run)
			value = "(no value: give it in --parameters FILE)";
		if (!value) {
			*missing = pm;
			return NULL;
		}
		out[(*n)++] = (struct bf_param){pm->name.text, value, pm->secure};
	}
	return out;
}

/* Every parameter of every step and failure step has a value, before anything is sent. */
static int check_parameters(struct driver *d)
{
	for (uint32_t k = 1; k <= eng_step_count(d->model); k++) {
		const struct eng_step *es = eng_step_at(d->model, k);
		const struct lw_fixlet *fx[2] = {es->item->kind == LW_STEP_FIXLET ? es->item->fixlet : NULL,
						 es->restore ? es->restore->fixlet : NULL};
		for (int f = 0; f < 2; f++) {
			size_t n;
			const struct lw_parameter *missing;
			if (fx[f] && !parameters_of(d, fx[f], &n, &missing))
				return parameters_refused(
					d, arena_printf(d->a, "step %s%u runs Fixlet %u, which asks for %sparameter '%s', and "
							"it has no value: nothing was sent", f ? "F" : "", k, fx[f]->id,
							missing->secure ? "secure " : "", esc_terminal(d->a, missing->name.text)),
					missing->secure ? "give its value in --parameters FILE as NAME=VALUE (a secret is never "
							  "written in the plan)"
							: "give its value in --parameters FILE as NAME=VALUE, or a 'default' where "
							  "the plan declares it");
		}
	}
	return EXIT_CLEAN;
}

/* ---- what a step runs ----------------------------------------------------------------------- */

struct source {
	const char *site;
	uint64_t id;
	const char *action;
	const char *what;   /* for messages */
	const struct lw_fixlet *fixlet;  /* NULL for a Baseline, whose components take no parameter */
};

static const struct content *content_titled(struct driver *d, const char *kind, const char *title)
{
	for (size_t i = 0; i < d->n_content; i++)
		if (strcmp(d->content[i].kind, kind) == 0 && strcmp(d->content[i].title, title) == 0)
			return &d->content[i];
	return NULL;
}

static bool source_of(struct driver *d, uint32_t step, bool failure, struct source *src)
{
	const struct eng_step *es = eng_step_at(d->model, step);
	const struct lw_fixlet *fx = failure ? es->restore->fixlet
			       : es->item->kind == LW_STEP_FIXLET ? es->item->fixlet : NULL;
	if (fx) {
		*src = (struct source){fx->site->display.text ? fx->site->display.text : fx->site->name, fx->id,
				       fx->action, arena_printf(d->a, "Fixlet %u", fx->id), fx};
		return true;
	}
	const char *title = es->item->baseline->bes_title;
	const struct content *c = content_titled(d, "Baseline", title);
	if (!c && !d->client) {
		*src = (struct source){d->site, 0, NULL, arena_printf(d->a, "Baseline '%s'", title), NULL};
		return true;
	}
	if (!c)
		return false;
	*src = (struct source){d->site, c->id, NULL, arena_printf(d->a, "Baseline %llu", (unsigned long long)c->id),
			       NULL};
	return true;
}

static const char *item_name(struct driver *d, uint32_t step, bool failure)
{
	const struct eng_step *es = eng_step_at(d->model, step);
	return failure ? es->restore->name : es->item->name;
}

/*
 * The action's title: the plan, the run (the journal's start) and the
 * step, unique, so that the action can be found again; and it says in the
 * console what posted it.
 */
static const char *title_of(struct driver *d, uint32_t step, bool failure)
{
	const char *run_id = d->s->journal.has_header
				     ? arena_printf(d->a, "%s %lld", d->s->plan->name, (long long)d->s->journal.header.created)
				     : arena_printf(d->a, "%s RUN", d->s->plan->name);
	return arena_printf(d->a, "bfplan %s step %s: %s", run_id, step_name(d, step, failure),
			    item_name(d, step, failure));
}

/* ---- the journal's record of requests ------------------------------------------------------- */

/* The last intent recorded for a step, or NULL; *action its issued action (0: none). */
static const struct journal_entry *last_intent(struct driver *d, const char *step, uint64_t *action)
{
	const struct journal *j = &d->s->journal;
	const struct journal_entry *intent = NULL;
	*action = 0;
	for (size_t i = 0; i < j->count; i++) {
		const struct journal_entry *e = &j->entries[i];
		if (e->type == JOURNAL_INTENT && e->step && strcmp(e->step, step) == 0) {
			intent = e;
			*action = 0;
		} else if (e->type == JOURNAL_ISSUED && intent && e->intent == intent->seq) {
			*action = e->action;
		}
	}
	return intent;
}

static bool noted(struct driver *d, const char *text)
{
	const struct journal *j = &d->s->journal;
	for (size_t i = 0; i < j->count; i++)
		if (j->entries[i].type == JOURNAL_NOTE && strcmp(j->entries[i].text, text) == 0)
			return true;
	return false;
}

/* The content an earlier run of this journal imported, from its notes. */
static void read_import_notes(struct driver *d)
{
	const struct journal *j = &d->s->journal;
	d->content = arena_calloc(d->a, j->count + 1, sizeof *d->content);
	size_t prefix = strlen(import_note);
	for (size_t i = 0; i < j->count; i++) {
		const struct journal_entry *e = &j->entries[i];
		if (e->type != JOURNAL_NOTE || strncmp(e->text, import_note, prefix) != 0)
			continue;
		const char *p = strstr(e->text + prefix, ": ");
		char kind[32];
		unsigned long long id;
		int used = 0;
		if (!p || sscanf(p + 2, "%31s %llu: %n", kind, &id, &used) != 2 || used == 0)
			continue;
		d->content[d->n_content++] = (struct content){arena_strdup(d->a, kind), p + 2 + used, id};
	}
}

/* ---- pre-flight ---------------------------------------------------------------------------- */

static int resolve_nodes(struct driver *d)
{
	uint32_t n = eng_node_count(d->model);
	d->computer = arena_calloc(d->a, n, sizeof *d->computer);
	d->nodes = arena_calloc(d->a, n, sizeof *d->nodes);
	for (uint32_t i = 0; i < n; i++) {
		struct bf_computer c;
		struct bf_error e = {0};
		if (!bf_resolve(d->client, d->a, node_name(d, i), BF_MATCH_DOMAIN, d->o->o->domain, &c, &e))
			return bigfix_failed(d, &e, arena_printf(d->a, "node %s", node_name(d, i)));
		d->computer[i] = c.id;
		d->nodes[i] = c;
	}
	return EXIT_CLEAN;
}

/* "Fri, 07 Nov 2015 15:18:14 +0000" as seconds since 1970, or -1. */
static int64_t report_time(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
	if (!end)
		return -1;
	while (*end == ' ')
		end++;
	int sign = *end == '-' ? -1 : 1;
	int hh = 0, mm = 0;
	if ((*end == '+' || *end == '-') && sscanf(end + 1, "%2d%2d", &hh, &mm) == 2)
		return (int64_t)timegm(&tm) - sign * (hh * 3600 + mm * 60);
	return (int64_t)timegm(&tm);
}

/* The first node whose last report is older than --max-report-age (*minutes), or ENG_NONE. */
static uint32_t stale_node(struct driver *d, long *minutes)
{
	*minutes = d->o->o->max_report_age ? strtol(d->o->o->max_report_age, NULL, 10) : 60;
	for (uint32_t i = 0; i < eng_node_count(d->model); i++) {
		int64_t t = report_time(d->nodes[i].last_report);
		if (t < 0 || wall_now() - t > *minutes * 60)
			return i;
	}
	return ENG_NONE;
}

static int check_report_ages(struct driver *d)
{
	long minutes;
	uint32_t i = stale_node(d, &minutes);
	if (i == ENG_NONE)
		return EXIT_CLEAN;
	struct diag *g = diag_report(&d->s->c.diags, BFP802, d->s->plan->decl,
				     "node %s last reported at '%s', more than %ld minutes ago: the run does not start",
				     node_name(d, i), esc_terminal(d->a, d->nodes[i].last_report), minutes);
	diag_help(&d->s->c.diags, g, "bring the node's BigFix client back, or give --max-report-age MINUTES if its "
		  "report interval is longer");
	return EXIT_PLAN_ERRORS;
}

/* Every node's computer read again: its Last Report Time now. */
static int read_report_times(struct driver *d)
{
	for (uint32_t i = 0; i < eng_node_count(d->model); i++) {
		struct bf_error e = {0};
		if (!bf_computer(d->client, d->a, d->computer[i], &d->nodes[i], &e))
			return bigfix_failed(d, &e, arena_printf(d->a, "reading when node %s last reported", node_name(d, i)));
	}
	return EXIT_CLEAN;
}

/* The import's request, as its intent records it. */
static const char *import_request(struct driver *d)
{
	return arena_printf(d->a, "POST /api/import/custom/%s", d->site);
}

/* Whether an import into the site was intended and may have been made: its intent is in the journal. */
static bool import_intended(struct driver *d)
{
	const struct journal *j = &d->s->journal;
	const char *request = import_request(d);
	for (size_t i = 0; i < j->count; i++)
		if (j->entries[i].type == JOURNAL_INTENT && !j->entries[i].step &&
		    strcmp(j->entries[i].request, request) == 0)
			return true;
	return false;
}

/*
 * What the import makes: a pre-flight Fixlet per prerequisite, the
 * witness's, then each Baseline (emit_bes_plan's order).
 */
static size_t import_objects(struct driver *d, struct content **out)
{
	const struct lw_plan *p = d->s->plan;
	struct content *objects = arena_calloc(d->a, p->prereqs.len + p->baselines.len + 2, sizeof *objects);
	size_t n = 0;
	for (size_t i = 0; i < p->prereqs.len; i++) {
		const struct lw_prereq *pr = p->prereqs.items[i];
		objects[n++] = (struct content){"Fixlet", pr->preflight_title, 0};
	}
	if (p->witness_check)
		objects[n++] = (struct content){"Fixlet", p->witness_check->fixlet_title, 0};
	for (size_t i = 0; i < p->baselines.len; i++) {
		const struct lw_baseline *bl = p->baselines.items[i];
		objects[n++] = (struct content){"Baseline", bl->bes_title, 0};
	}
	*out = objects;
	return n;
}

/* The notes that keep what the import made, and the driver's list of it. */
static int record_import(struct driver *d, const struct content *objects, size_t n)
{
	struct journal_entry *notes = arena_calloc(d->a, n + 1, sizeof *notes);
	for (size_t i = 0; i < n; i++) {
		notes[i] = entry(d, JOURNAL_NOTE);
		notes[i].text = arena_printf(d->a, "%s%s: %s %llu: %s", import_note, d->site, objects[i].kind,
					     (unsigned long long)objects[i].id, objects[i].title);
	}
	int rc = n ? append(d, notes, n) : EXIT_CLEAN;
	read_import_notes(d);
	return rc;
}

/*
 * An import whose answer never reached the journal (a kill, a lost
 * answer): the site is asked, by name, for each object the import makes.
 * All there, each once: they are adopted (*adopted) and nothing is
 * imported again.  None there: the import never happened, and may be
 * made.  Some, or one twice: a person must look (BFP803).
 */
static int adopt_import(struct driver *d, bool *adopted)
{
	*adopted = false;
	struct content *objects;
	size_t n = import_objects(d, &objects), found = 0;
	for (size_t i = 0; i < n; i++) {
		const char **answers;
		size_t count;
		struct bf_error e = {0};
		if (!bf_query(d->client, d->a, bf_relevance_content_named(d->a, d->site, objects[i].title), &answers, &count,
			      &e))
			return bigfix_failed(d, &e, arena_printf(d->a, "looking up in custom site '%s' what an interrupted "
								 "import made", d->site));
		if (count > 1) {
			struct diag *g = diag_report(&d->s->c.diags, BFP803, d->s->plan->decl,
						     "custom site '%s' holds %zu objects named '%s': which one this run "
						     "imported is unknown", esc_terminal(d->a, d->site), count,
						     esc_terminal(d->a, objects[i].title));
			diag_help(&d->s->c.diags, g, "remove the extra copies from the site in the console, then run the "
				  "same command again");
			return EXIT_PLAN_ERRORS;
		}
		if (count == 1) {
			objects[i].id = strtoull(answers[0], NULL, 10);
			found++;
		}
	}
	if (found == 0)
		return EXIT_CLEAN;
	if (found < n) {
		struct diag *g = diag_report(&d->s->c.diags, BFP803, d->s->plan->decl,
					     "custom site '%s' holds %zu of the %zu objects an interrupted import makes: "
					     "it was not completed, and importing again would make the others twice",
					     esc_terminal(d->a, d->site), found, n);
		diag_help(&d->s->c.diags, g, "remove what the import made from the site in the console (the journal's "
			  "intent gives its time), then run the same command again");
		return EXIT_PLAN_ERRORS;
	}
	fprintf(d->out, "The plan's content is already in custom site '%s' (an import interrupted before its answer "
			"was recorded): it is not imported again.\n", esc_terminal(d->a, d->site));
	*adopted = true;
	return record_import(d, objects, n);
}

/*
 * The plan's content into the custom site, once: the intent is recorded
 * before the POST and the new IDs after it; an intent with no IDs is
 * resolved by looking the objects up by name, never by importing blind.
 */
static int import_content(struct driver *d)
{
	if (d->n_content || !d->s->plan->bes_file)
		return EXIT_CLEAN;
	if (!d->site) {
		diag_report(&d->s->c.diags, BFP803, d->s->plan->decl,
			    "plan '%s' has content to import (pre-flight Fixlets, Baselines): give --import-to SITE, the "
			    "custom site it goes into", d->s->plan->name);
		return EXIT_USAGE;
	}
	int rc;
	bool adopted;
	if (import_intended(d)) {
		if ((rc = adopt_import(d, &adopted)) != EXIT_CLEAN || adopted)
			return rc;
	} else {
		struct journal_entry ie = entry(d, JOURNAL_INTENT);
		ie.request = import_request(d);
		if ((rc = append(d, &ie, 1)) != EXIT_CLEAN)
			return rc;
	}
	struct textbuf bes;
	textbuf_init(&bes, d->a);
	struct bes_options opts = {.newline = BES_NEWLINE_CRLF, .components = BES_COMPONENTS_REFERENCE};
	if (!emit_bes_plan(d->a, d->s->plan, &opts, NULL, &d->s->c.diags, &bes))
		return EXIT_PLAN_ERRORS;
	struct bf_imported *items;
	size_t n;
	struct bf_error e = {0};
	const char *doing = arena_printf(d->a, "importing the plan's content into custom site '%s'", d->site);
	if (!bf_import(d->client, d->a, d->site, bes.data, bes.len, &items, &n, &e)) {
		if (e.kind != BF_ERR_LOST_ANSWER && e.kind != BF_ERR_TIMEOUT)
			return bigfix_failed(d, &e, doing);
		/* the answer was lost: the site says whether the import was made */
		if ((rc = adopt_import(d, &adopted)) != EXIT_CLEAN || adopted)
			return rc;
		return bigfix_failed(d, &e, arena_printf(d->a, "%s; the site holds none of it, so nothing was imported",
							 doing));
	}
	struct content *made = arena_calloc(d->a, n + 1, sizeof *made);
	for (size_t i = 0; i < n; i++)
		made[i] = (struct content){items[i].kind, items[i].name, items[i].id};
	return record_import(d, made, n);
}

/* The nodes where a Fixlet is relevant, as a bit set over the cluster's nodes; -1 after an error. */
static int64_t relevant_on(struct driver *d, const char *site, uint64_t id, const char *doing)
{
	const char **answers;
	size_t n;
	struct bf_error e = {0};
	if (!bf_query(d->client, d->a, bf_relevance_applicable(d->a, site, id), &answers, &n, &e)) {
		bigfix_failed(d, &e, doing);
		return -1;
	}
	int64_t set = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t node = node_of_computer(d, strtoull(answers[i], NULL, 10));
		if (node != ENG_NONE && node < 63)
			set |= (int64_t)1 << node;
	}
	return set;
}

/* A pre-flight Fixlet the journal's import did not make (BFP804). */
static int preflight_not_imported(struct driver *d, unsigned check, const char *title)
{
	struct diag *g = diag_report(&d->s->c.diags, BFP804, d->s->plan->decl, "the pre-flight Fixlet '%s' of check P%u "
				     "is not in custom site '%s'", title, check, d->site ? d->site : "");
	diag_help(&d->s->c.diags, g, "the plan has changed since this journal's import: begin a new journal to "
		  "import its content again, or check P%u by hand and record it ('bfplan run ... done P%u')",
		  check, check);
	return EXIT_PLAN_ERRORS;
}

/*
 * Where a check's pre-flight Fixlet, imported into the custom site, is
 * relevant: the first such node into *node (ENG_NONE: none, the check
 * holds); an exit status.
 */
static int first_relevant(struct driver *d, const struct lw_check *c, const char *title, uint32_t *node)
{
	*node = ENG_NONE;
	const struct content *fx = content_titled(d, "Fixlet", title);
	if (!fx)
		return preflight_not_imported(d, c->number, title);
	int64_t set = relevant_on(d, d->site, fx->id, arena_printf(d->a, "pre-flight check P%u", c->number));
	if (set < 0)
		return EXIT_PLAN_ERRORS;
	for (uint32_t n = 0; n < eng_node_count(d->model) && *node == ENG_NONE; n++)
		if (set & ((int64_t)1 << n))
			*node = n;
	return EXIT_CLEAN;
}

/* The check failed on node n, for `reason`. */
static void failed_on(struct driver *d, uint32_t n, const char *reason, struct journal_entry *out, bool *failed)
{
	out->type = JOURNAL_FAIL;
	out->target = node_name(d, n);
	out->reason = reason;
	*failed = true;
}

/*
 * A run-time fact with a pre-flight Fixlet of its own (the witness online):
 * the Fixlet is relevant on a node where the fact does not hold as that
 * node sees it; the check fails there.
 */
static int check_fact_fixlet(struct driver *d, const struct lw_check *c, struct journal_entry *out, bool *failed)
{
	uint32_t n;
	int rc = first_relevant(d, c, c->fixlet_title, &n);
	if (rc == EXIT_CLEAN && n != ENG_NONE)
		failed_on(d, n, arena_printf(d->a, "not so as %s sees it: %s (its pre-flight Fixlet is relevant there)",
					     node_name(d, n), c->description.text), out, failed);
	return rc;
}

static int check_one(struct driver *d, const struct run_check *rc, struct journal_entry *out, bool *failed)
{
	const struct lw_check *c = rc->check;
	*out = entry(d, JOURNAL_DONE);
	out->step = arena_printf(d->a, "P%u", c->number);
	const struct lw_plan *p = d->s->plan;
	if (rc->is_role) {
		const struct lw_fixlet *fx = p->role->detect;
		int64_t set = relevant_on(d, fx->site->display.text ? fx->site->display.text : fx->site->name, fx->id,
					  "the pre-flight check of where the role runs");
		if (set < 0)
			return EXIT_PLAN_ERRORS;
		uint32_t expected = eng_node_find(d->model, p->role_holder->name);
		if (set == (int64_t)1 << expected)
			return EXIT_CLEAN;
		for (uint32_t n = 0; n < eng_node_count(d->model); n++) {
			if (set == (int64_t)1 << n) {
				failed_on(d, n, arena_printf(d->a, "Fixlet %u is relevant on %s, not on %s: the role runs "
							     "there", fx->id, node_name(d, n), p->role_holder->name),
					  out, failed);
				return EXIT_CLEAN;
			}
		}
		struct diag *g = diag_report(&d->s->c.diags, BFP804, p->decl, "Fixlet %u, relevant only where the role "
					     "runs, is relevant on %s: where the role runs is not known, and the run does "
					     "not start", fx->id, set ? "several nodes" : "no node");
		diag_help(&d->s->c.diags, g, "look where the role runs in the cluster console; once it runs on %s alone, "
			  "record the check by hand ('bfplan run ... done P%u') or run --bigfix again",
			  p->role_holder->name, c->number);
		return EXIT_PLAN_ERRORS;
	}
	if (c->prereq && c->prereq->preflight_title) {
		uint32_t n;
		int status = first_relevant(d, c, c->prereq->preflight_title, &n);
		if (status == EXIT_CLEAN && n != ENG_NONE)
			failed_on(d, n, arena_printf(d->a, "%s is missing on %s (its pre-flight Fixlet is relevant there)",
						     c->prereq->title.text ? c->prereq->title.text : c->prereq->name,
						     node_name(d, n)), out, failed);
		return status;
	}
	if (c == p->report_check)
		return EXIT_CLEAN;  /* every node's last report was read before the import (check_report_ages) */
	if (c->fixlet_title)
		return check_fact_fixlet(d, c, out, failed);
	diag_report(&d->s->c.diags, BFP804, p->decl, "pre-flight check P%u (%s) cannot be checked through BigFix: check "
		    "it by hand and record it with 'bfplan run ... done P%u', then run --bigfix again", c->number,
		    c->description.text ? c->description.text : c->code, c->number);
	return EXIT_PLAN_ERRORS;
}

/*
 * What to do about a failed check: the checklist's own advice where it
 * has some (the witness), with what the check rests on that nobody has
 * confirmed; then run again, which checks again before anything runs.
 */
static void check_advice(struct driver *d, struct diag *g, const struct lw_check *c, const char *step)
{
	struct textbuf h;
	textbuf_init(&h, d->a);
	if (c->if_not)
		textbuf_printf(&h, "the checklist says: %s (a check confirmed by hand is recorded with 'done %s'); ",
			       c->if_not, step);
	else
		textbuf_puts(&h, "put it right (the checklist says how), ");
	textbuf_puts(&h, "then run the same command again: it checks again before anything runs");
	for (size_t k = 0; k < c->marks.len; k++) {
		const struct lw_mark *m = c->marks.items[k];
		textbuf_printf(&h, "; unconfirmed: %s", m->reason.text ? m->reason.text : "");
	}
	diag_help(&d->s->c.diags, g, "%s", h.data);
}

static int preflight(struct driver *d)
{
	struct run *r = &d->s->run;
	for (size_t i = 0; i < r->check_count; i++) {
		if (r->checks[i].passed)
			continue;
		struct journal_entry e;
		bool failed = false;
		int rc = check_one(d, &r->checks[i], &e, &failed);
		if (rc != EXIT_CLEAN || (rc = append(d, &e, 1)) != EXIT_CLEAN)
			return rc;
		if (failed) {
			struct diag *g = diag_report(&d->s->c.diags, BFP805, d->s->plan->decl,
						     "pre-flight check %s failed on %s: %s; no action was taken", e.step,
						     e.target, e.reason);
			check_advice(d, g, r->checks[i].check, e.step);
			return EXIT_PLAN_ERRORS;
		}
	}
	return EXIT_CLEAN;
}

/* ---- what the quorum proof rests on, during the window ------------------------------------- */

/* When node n last reported, for the journal: a time as the journal writes it, never the server's raw text. */
static const char *last_report_words(struct driver *d, uint32_t n)
{
	int64_t t = report_time(d->nodes[n].last_report);
	if (t < 0)
		return "at no time bfplan can read";
	char *at = arena_alloc(d->a, JOURNAL_TIME_SIZE);
	journal_time_format(t, at);
	return arena_printf(d->a, "at %s", at);
}

/*
 * Before step `step`, which takes nodes out of service: what the quorum
 * proof rests on, looked at again through the pre-flight's own queries
 * (every node's last report, the witness's pre-flight Fixlet).  A fact
 * that no longer holds is journaled (node-lost, witness-offline) before
 * anything else is sent, and the engine stops the plan: *stopped.  A step
 * whose intent is recorded was looked at before it, by a run since
 * killed: nothing is asked again.
 */
static int recheck_quorum(struct driver *d, uint32_t step, bool *stopped)
{
	*stopped = false;
	const struct lw_plan *p = d->s->plan;
	uint64_t action;
	if (!p->quorum_proof || !eng_step_at(d->model, step)->takes_out ||
	    last_intent(d, step_name(d, step, false), &action))
		return EXIT_CLEAN;
	for (size_t k = 0; k < p->quorum_proof->rests_on.len; k++) {
		const struct lw_check *c = p->quorum_proof->rests_on.items[k];
		struct journal_entry e[2];
		size_t n = 1;
		uint32_t node = ENG_NONE;
		int rc;
		if (c == p->report_check) {
			long minutes;
			if ((rc = read_report_times(d)) != EXIT_CLEAN)
				return rc;
			if ((node = stale_node(d, &minutes)) == ENG_NONE)
				continue;
			e[0] = entry(d, JOURNAL_NODE_LOST);
			e[0].target = node_name(d, node);
			e[1] = entry(d, JOURNAL_NOTE);
			e[1].step = step_name(d, step, false);
			e[1].text = arena_printf(d->a, "%s last reported to BigFix %s, more than %ld minutes before step %u",
						 node_name(d, node), last_report_words(d, node), minutes, step);
			n = 2;
		} else if (c == p->witness_check && c->fixlet_title) {
			if ((rc = first_relevant(d, c, c->fixlet_title, &node)) != EXIT_CLEAN)
				return rc;
			if (node == ENG_NONE)
				continue;
			e[0] = entry(d, JOURNAL_WITNESS_OFFLINE);
			e[0].text = arena_printf(d->a, "not online as %s sees it, before step %u: the pre-flight Fixlet of "
						 "P%u is relevant there", node_name(d, node), step, c->number);
		} else {
			continue;
		}
		if ((rc = append(d, e, n)) != EXIT_CLEAN)
			return rc;
		fprintf(d->out, "Before step %u: %s. Recorded; the plan stops at this step boundary.\n", step,
			e[0].type == JOURNAL_NODE_LOST ? e[1].text
						       : arena_printf(d->a, "the quorum witness is %s", e[0].text));
		*stopped = true;
		return EXIT_CLEAN;
	}
	return EXIT_CLEAN;
}

/*
 * The plan stopped for a fault the journal records (by this run, an
 * earlier one, or by hand): BFP812, with what was found and the
 * checklist's advice.
 */
static void report_fault(struct driver *d)
{
	const struct journal_entry *f = d->s->run.fault;
	const struct lw_plan *p = d->s->plan;
	const struct journal *j = &d->s->journal;
	const char *evidence = NULL;
	for (size_t i = 0; i < j->count && !evidence; i++)
		if (j->entries[i].seq == f->seq + 1 && j->entries[i].type == JOURNAL_NOTE && j->entries[i].step)
			evidence = j->entries[i].text;
	bool witness = f->type == JOURNAL_WITNESS_OFFLINE;
	const struct lw_check *c = witness ? p->witness_check : p->report_check;
	const char *found = witness ? arena_printf(d->a, "the quorum witness went offline during the window%s%s",
						   f->text ? ": " : "", f->text ? esc_terminal(d->a, f->text) : "")
				    : arena_printf(d->a, "node %s was lost during the window%s%s", esc_terminal(d->a, f->target),
						   evidence ? ": " : "", evidence ? esc_terminal(d->a, evidence) : "");
	struct diag *g = diag_report(&d->s->c.diags, BFP812, p->decl, "%s; the quorum proof rests on it, so the plan "
				     "stopped at the step boundary (journal entry %llu)", found, (unsigned long long)f->seq);
	struct textbuf h;
	textbuf_init(&h, d->a);
	if (c && c->if_not)
		textbuf_printf(&h, "the checklist's P%u says: %s; ", c->number, c->if_not);
	textbuf_puts(&h, "this journal's run is over: once it holds again, carry out what remains in a new window, with "
		     "a new journal");
	for (size_t k = 0; c && k < c->marks.len; k++) {
		const struct lw_mark *m = c->marks.items[k];
		textbuf_printf(&h, "; unconfirmed: %s", m->reason.text ? m->reason.text : "");
	}
	diag_help(&d->s->c.diags, g, "%s", h.data);
}

/* ---- steps ----------------------------------------------------------------------------------- */

static bool ask(struct driver *d, const char *question)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	(void)!write(fd, question, strlen(question));
	char answer[16] = {0};
	ssize_t n = read(fd, answer, sizeof answer - 1);
	close(fd);
	(void)d;
	return n > 0 && (answer[0] == 'y' || answer[0] == 'Y');
}

/* --confirm: phase (before a phase's first step), step (before each), none (recorded once). */
static int confirm(struct driver *d, uint32_t step, bool failure, const uint32_t *targets, size_t n)
{
	const struct eng_step *es = eng_step_at(d->model, step);
	if (d->o->o->confirm == 2) {
		static const char text[] = "unattended: bfplan run --bigfix --confirm none";
		if (noted(d, text))
			return EXIT_CLEAN;
		struct journal_entry e = entry(d, JOURNAL_NOTE);
		e.text = text;
		return append(d, &e, 1);
	}
	if (d->o->o->confirm == 0 && (failure || es->index != 1))
		return EXIT_CLEAN;
	struct textbuf q;
	textbuf_init(&q, d->a);
	textbuf_printf(&q, "%s %s (%s) on", d->o->o->confirm == 0 ? "Start the phase with step" : "Start step",
		       step_name(d, step, failure), item_name(d, step, failure));
	for (size_t i = 0; i < n; i++)
		textbuf_printf(&q, " %s", node_name(d, targets[i]));
	textbuf_puts(&q, "? [y/N] ");
	if (ask(d, q.data))
		return EXIT_CLEAN;
	struct diag *g = diag_report(&d->s->c.diags, BFP806, d->s->plan->decl, "step %s was not confirmed: nothing was "
				     "sent", step_name(d, step, failure));
	diag_help(&d->s->c.diags, g, "run the command again on a terminal to answer, or give --confirm none for an "
		  "unattended run");
	return EXIT_PLAN_ERRORS;
}

static int record_issued(struct driver *d, uint64_t intent, uint64_t action, const char *step)
{
	struct journal_entry e[2] = {entry(d, JOURNAL_ISSUED), entry(d, JOURNAL_START)};
	e[0].intent = intent;
	e[0].action = action;
	e[1].step = step;
	return append(d, e, 2);
}

static int start_step(struct driver *d, uint32_t step, bool failure)
{
	const char *name = step_name(d, step, failure);
	uint32_t *targets = arena_calloc(d->a, eng_node_count(d->model) + 1, sizeof *targets);
	size_t n = eng_targets(d->model, d->s->run.state, step, failure, targets);
	struct source src;
	if (!source_of(d, step, failure, &src)) {
		struct diag *g = diag_report(&d->s->c.diags, BFP803, d->s->plan->decl, "step %s runs a Baseline that is "
					     "not in custom site '%s': the journal does not say it was imported", name,
					     d->site ? d->site : "");
		diag_help(&d->s->c.diags, g, "a journal whose run imported the plan's content holds its IDs; begin a "
			  "new journal to import it again");
		return EXIT_PLAN_ERRORS;
	}
	const char *title = title_of(d, step, failure);
	uint64_t action;
	const struct journal_entry *intent = last_intent(d, name, &action);
	struct bf_error e = {0};
	if (intent && action) {  /* issued, but the start was lost with a torn line */
		struct journal_entry start = entry(d, JOURNAL_START);
		start.step = name;
		return append(d, &start, 1);
	}
	if (intent) {
		bool found;
		if (!bf_find_action(d->client, d->a, title, &found, &action, &e))
			return bigfix_failed(d, &e, arena_printf(d->a, "looking up the action of step %s by its title", name));
		if (found)
			return record_issued(d, intent->seq, action, name);
	}
	int rc = confirm(d, step, failure, targets, n);
	if (rc != EXIT_CLEAN)
		return rc;
	uint64_t *ids = arena_calloc(d->a, n + 1, sizeof *ids);
	const char **names = arena_calloc(d->a, n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		ids[i] = d->computer[targets[i]];
		names[i] = node_name(d, targets[i]);
	}
	if (!intent) {
		struct journal_entry ie = entry(d, JOURNAL_INTENT);
		ie.step = name;
		ie.request = "POST /api/actions";
		ie.targets = names;
		ie.target_count = n;
		if ((rc = append(d, &ie, 1)) != EXIT_CLEAN)
			return rc;
		intent = last_intent(d, name, &action);
	}
	size_t n_params;
	const struct lw_parameter *missing;
	const struct bf_param *params = parameters_of(d, src.fixlet, &n_params, &missing);
	if (!params)
		return check_parameters(d);
	struct bf_action_request req = {src.site, src.id, src.action, ids, n, params, n_params, title};
	struct bf_action_ref ref;
	if (bf_post_action(d->client, d->a, &req, &ref, &e))
		return record_issued(d, intent->seq, ref.id, name);
	if (e.kind != BF_ERR_LOST_ANSWER && e.kind != BF_ERR_TIMEOUT)
		return bigfix_failed(d, &e, arena_printf(d->a, "posting step %s (%s)", name, src.what));
	/* the answer was lost: the title says whether the action exists; it is never posted blind */
	bool found;
	struct bf_error e2 = {0};
	if (!bf_find_action(d->client, d->a, title, &found, &action, &e2))
		return bigfix_failed(d, &e2, arena_printf(d->a, "looking up the action of step %s by its title", name));
	if (found)
		return record_issued(d, intent->seq, action, name);
	return bigfix_failed(d, &e, arena_printf(d->a, "posting step %s (%s); no action has its title, so nothing was "
						 "done", name, src.what));
}

/*
 * What a target's status is for the engine, as an entry to record; false
 * when there is none to record now: not finished, or already recorded.
 * Pending Restart is reported as such (not in a failure step, whose
 * targets the engine does not let wait for a restart: there it is not
 * finished), and the engine's rules decide what follows: a target in
 * Pending Restart succeeds only through a restart in its own step;
 * otherwise it waits, and fails the step when the timeout runs out.
 */
static bool target_entry(struct driver *d, const struct eng_duty *duty, const struct bf_target_result *t,
			 uint32_t node, uint64_t action, struct journal_entry *je)
{
	enum eng_result now = d->s->run.state->nodes[node].result;
	bool restarts = eng_step_at(d->model, duty->step)->clears_restart && !duty->failure_step;
	switch (t->outcome) {
	case BF_SUCCEEDED:
		if (now != ENG_WAITING && !(now == ENG_PENDING && restarts))
			return false;
		*je = entry(d, JOURNAL_DONE);
		return true;
	case BF_FAILED:
	case BF_ENDED:
	case BF_NOT_RELEVANT:
		if (now != ENG_WAITING && now != ENG_PENDING)
			return false;
		*je = entry(d, JOURNAL_FAIL);
		je->reason = arena_printf(d->a, "BigFix reports '%s' for action %llu", esc_terminal(d->a, t->status),
					  (unsigned long long)action);
		return true;
	case BF_PENDING_RESTART:
		if (now != ENG_WAITING || duty->failure_step)
			return false;
		*je = entry(d, JOURNAL_PENDING);
		return true;
	case BF_PENDING:
	case BF_UNKNOWN:
		break;
	}
	return false;
}

/* Whether the step (or failure step) the duty waits for is still the one that runs. */
static bool still_running(struct driver *d, const struct eng_duty *duty)
{
	struct eng_duty now = eng_due(d->s->run.state);
	return now.kind == ENG_DUTY_WAIT && now.step == duty->step && now.failure_step == duty->failure_step;
}

/* Whether the engine timed out a target of the step that just ended (its timeout ran out). */
static bool timed_out(struct driver *d)
{
	for (uint32_t i = 0; i < eng_node_count(d->model); i++)
		if (d->s->run.state->nodes[i].result == ENG_TIMEOUT)
			return true;
	return false;
}

/* Whether the engine still lets the node succeed in the running step. */
static bool may_succeed(struct driver *d, uint32_t node)
{
	struct eng_event allowed[256];
	size_t n = eng_allowed(d->s->run.state, allowed, sizeof allowed / sizeof *allowed);
	for (size_t i = 0; i < n && i < sizeof allowed / sizeof *allowed; i++)
		if (allowed[i].kind == ENG_EV_SUCCEEDED && allowed[i].node == node)
			return true;
	return false;
}

/*
 * A target reported Pending Restart (recorded): the engine's rules decide.
 * Where the step's own restart clears it, the step goes on; where the
 * engine allows the target no success any more (nothing in the step
 * restarts it), its failure is recorded now rather than waited out to the
 * step's timeout, and the plan's failure behaviour follows.
 */
static int after_pending(struct driver *d, const struct eng_duty *duty, uint32_t node, int64_t at)
{
	const char *name = step_name(d, duty->step, duty->failure_step);
	if (!duty->failure_step && eng_step_at(d->model, duty->step)->pending_succeeds) {
		/* the plan's Pending Restart setting is "Continue Plan" (restart as-step): the engine counted it done */
		fprintf(d->out, "Step %s: %s reports Pending Restart, which ends the step on it; the restart step "
				"after it restarts the node.\n", name, node_name(d, node));
		return EXIT_CLEAN;
	}
	if (may_succeed(d, node)) {
		fprintf(d->out, "Step %s: %s reports Pending Restart; the step ends with a restart, which clears it.\n",
			name, node_name(d, node));
		return EXIT_CLEAN;
	}
	fprintf(d->out, "Step %s: %s reports Pending Restart and nothing in the step restarts it: by the plan's "
			"rules it cannot succeed, so it fails now, not at the step's timeout.\n", name, node_name(d, node));
	struct journal_entry je = entry(d, JOURNAL_FAIL);
	je.at = at;
	je.step = name;
	je.target = node_name(d, node);
	je.reason = arena_printf(d->a, "Pending Restart, which nothing in step %s clears", name);
	return append(d, &je, 1);
}

/* The timeout ran out: the action is stopped, once; the engine times its silent targets out. */
static void stop_action(struct driver *d, const char *name, uint64_t action)
{
	if (d->stopped == action)
		return;
	struct bf_error e = {0};
	bf_client_bound(d->client, STOP_GRACE_MS);
	if (!bf_stop_action(d->client, action, &e))
		fprintf(d->err, "bfplan: step %s: stopping action %llu: %s\n", name, (unsigned long long)action, e.text);
	bf_client_bound(d->client, 0);
	d->stopped = action;
	fprintf(d->out, "Step %s ran out of time%s: action %llu stopped, its silent targets timed out.\n", name,
		d->unanswered ? " while the BigFix server did not answer" : "", (unsigned long long)action);
}

/* One look at the running step's action: each target's result recorded; the deadline enforced. */
static int follow(struct driver *d, const struct eng_duty *duty)
{
	const char *name = step_name(d, duty->step, duty->failure_step);
	uint64_t action;
	last_intent(d, name, &action);
	if (!action) {
		struct diag *g = diag_report(&d->s->c.diags, BFP807, d->s->plan->decl, "step %s runs, but the journal "
					     "holds no action for it", name);
		diag_help(&d->s->c.diags, g, "it was started by hand: finish it by hand ('bfplan run ... done %s' or "
			  "'fail %s'), then run --bigfix again", name, name);
		return EXIT_PLAN_ERRORS;
	}
	struct bf_action_status st;
	struct bf_error e = {0};
	/* a server that stops answering costs no more than what is left of the step's timeout */
	int64_t before = duty->deadline < 0 ? INT64_MAX : duty->deadline - run_engine_time(&d->s->run, wall_now());
	bf_client_bound(d->client, before == INT64_MAX ? 0 : before > 0 ? (long)before * 1000 : LAST_LOOK_MS);
	bool answered = bf_action_status(d->client, d->a, action, &st, &e);
	bf_client_bound(d->client, 0);
	d->unanswered = !answered;
	if (!answered && e.kind != BF_ERR_CONNECT && e.kind != BF_ERR_TIMEOUT && e.kind != BF_ERR_LOST_ANSWER &&
	    e.kind != BF_ERR_SERVER)
		return bigfix_failed(d, &e, arena_printf(d->a, "following step %s (action %llu)", name,
							 (unsigned long long)action));
	if (!answered)
		fprintf(d->err, "bfplan: step %s: %s; trying again\n", name, e.text);
	/*
	 * An answer that came as the timeout ran out is read at the time it
	 * came: a step the engine has timed out meanwhile takes no result.
	 */
	int64_t at = wall_now();
	run_advance(&d->s->run, at);
	for (size_t i = 0; answered && i < st.n_targets && still_running(d, duty); i++) {
		const struct bf_target_result *t = &st.targets[i];
		uint32_t node = node_of_computer(d, t->computer_id);
		struct journal_entry je;
		if (node == ENG_NONE || !target_entry(d, duty, t, node, action, &je))
			continue;
		je.at = at;
		je.step = name;
		je.target = node_name(d, node);
		int rc = append(d, &je, 1);
		if (rc == EXIT_CLEAN && je.type == JOURNAL_PENDING)
			rc = after_pending(d, duty, node, at);
		if (rc != EXIT_CLEAN)
			return rc;
	}
	if (!still_running(d, duty))
		return EXIT_CLEAN;  /* done, or timed out as time passed: drive() stops what timed out */
	int64_t left = duty->deadline < 0 ? INT64_MAX : duty->deadline - run_engine_time(&d->s->run, wall_now());
	if (left <= 0)
		stop_action(d, name, action);
	sleep_ms(left > 0 && left * 1000 < d->poll_ms ? (long)(left * 1000) : d->poll_ms);
	return EXIT_CLEAN;
}

/*
 * A step whose timeout ran out, which the engine has ended (its silent
 * targets timed out), whether follow() saw the deadline or time passed
 * between two looks: its action is stopped before anything else is done.
 */
static void stop_timed_out(struct driver *d)
{
	const struct eng_state *s = d->s->run.state;
	uint64_t action;
	if (!s->step || !timed_out(d))
		return;
	const char *name = step_name(d, s->step, s->in_failure_step);
	last_intent(d, name, &action);
	if (action)
		stop_action(d, name, action);
}

static int finish(struct driver *d)
{
	enum eng_stage st = d->s->run.state->stage;
	if (d->s->run.fault)
		report_fault(d);
	fprintf(d->out, "The run is over: %s. 'bfplan run %s --journal %s report' gives the change record.\n",
		eng_stage_word(st), esc_terminal(d->a, d->o->plan_path), esc_terminal(d->a, d->o->journal));
	return st == ENG_DONE ? EXIT_CLEAN : EXIT_PLAN_ERRORS;
}

static int drive(struct driver *d)
{
	int rc;
	if ((rc = resolve_nodes(d)) != EXIT_CLEAN)
		return rc;
	if (!d->s->journal.has_header) {
		/* the header first: its time is the run's ID in every action's title */
		struct journal_entry e = entry(d, JOURNAL_NOTE);
		e.text = arena_printf(d->a, "carried out through the BigFix server %s", esc_terminal(d->a, d->o->o->bigfix));
		if ((rc = append(d, &e, 1)) != EXIT_CLEAN)
			return rc;
	}
	read_import_notes(d);
	if (d->s->run.state->stage == ENG_PREFLIGHT &&
	    ((rc = check_report_ages(d)) != EXIT_CLEAN || (rc = import_content(d)) != EXIT_CLEAN))
		return rc;
	for (;;) {
		run_advance(&d->s->run, wall_now());
		struct eng_duty duty = eng_due(d->s->run.state);
		if (duty.kind != ENG_DUTY_WAIT && duty.kind != ENG_DUTY_PREFLIGHT)
			stop_timed_out(d);
		switch (duty.kind) {
		case ENG_DUTY_PREFLIGHT:
			rc = preflight(d);
			if (rc == EXIT_CLEAN)
				rc = start_step(d, 1, false);
			break;
		case ENG_DUTY_START: {
			bool stopped;
			rc = recheck_quorum(d, duty.step, &stopped);
			if (rc == EXIT_CLEAN && !stopped)
				rc = start_step(d, duty.step, false);
			break;
		}
		case ENG_DUTY_FAILURE_STEP: rc = start_step(d, duty.step, true); break;
		case ENG_DUTY_WAIT: rc = follow(d, &duty); break;
		case ENG_DUTY_END: return finish(d);
		case ENG_DUTY_KINDS: return EXIT_USAGE;
		}
		if (rc != EXIT_CLEAN)
			return rc;
	}
}

/* ---- the dry run ------------------------------------------------------------------------------- */

static void print_request(struct driver *d, const char *method, const char *path, const char *body)
{
	fprintf(d->out, "%s %s\n", method, path);
	if (body) {
		fputs(body, d->out);
		if (body[0] && body[strlen(body) - 1] != '\n')
			fputc('\n', d->out);
	}
	fputc('\n', d->out);
}

static void dry_post(struct driver *d, uint32_t step, bool failure, struct eng_state *st)
{
	uint32_t *targets = arena_calloc(d->a, eng_node_count(d->model) + 1, sizeof *targets);
	size_t n = eng_targets(d->model, st, step, failure, targets);
	struct source src;
	source_of(d, step, failure, &src);
	uint64_t *ids = arena_calloc(d->a, n + 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = 1000000000u + targets[i];
	size_t n_params;
	const struct lw_parameter *missing;
	const struct bf_param *params = parameters_of(d, src.fixlet, &n_params, &missing);
	struct bf_action_request req = {src.site ? src.site : "(the custom site)", src.id, src.action, ids, n, params,
					n_params, title_of(d, step, failure)};
	struct bf_error e = {0};
	char *body = bf_action_body(d->a, &req, true, &e);
	struct textbuf b;
	textbuf_init(&b, d->a);
	for (const char *p = body ? body : e.text; *p;) {
		const char *tag = strstr(p, "<ComputerID>100000");
		if (!tag) {
			textbuf_puts(&b, p);
			break;
		}
		textbuf_put(&b, p, (size_t)(tag - p) + strlen("<ComputerID>"));
		uint32_t node = (uint32_t)(strtoull(tag + strlen("<ComputerID>"), NULL, 10) - 1000000000u);
		textbuf_printf(&b, "(the computer of %s)", node_name(d, node));
		p = strstr(tag + 1, "</ComputerID>");
	}
	if (src.id == 0)
		fprintf(d->out, "# step %s: %s, by the ID the import gives it\n", step_name(d, step, failure), src.what);
	print_request(d, "POST", "/api/actions", b.data);
	print_request(d, "GET", arena_printf(d->a, "/api/action/(the action of step %s)/status",
					     step_name(d, step, failure)), NULL);
}

/* Before a step that takes nodes out of service: the looks again at what the quorum proof rests on. */
static void dry_recheck(struct driver *d, uint32_t step)
{
	const struct lw_plan *p = d->s->plan;
	if (step == 1 || !p->quorum_proof || !eng_step_at(d->model, step)->takes_out)
		return;  /* before step 1, the pre-flight checks above look */
	fprintf(d->out, "# before step %u, which takes nodes out of service: what the quorum proof rests on is looked "
			"at again; one that no longer holds is journaled, and the plan stops there\n\n", step);
	for (size_t k = 0; k < p->quorum_proof->rests_on.len; k++) {
		const struct lw_check *c = p->quorum_proof->rests_on.items[k];
		if (c == p->report_check) {
			fprintf(d->out, "# P%u: every node's Last Report Time, read again (node-lost if one is older than "
					"--max-report-age)\n", c->number);
			for (uint32_t i = 0; i < eng_node_count(d->model); i++)
				print_request(d, "GET", arena_printf(d->a, "/api/computer/(the computer of %s)", node_name(d, i)),
					      NULL);
		} else if (c == p->witness_check && c->fixlet_title) {
			fprintf(d->out, "# P%u: the pre-flight Fixlet '%s', asked again (witness-offline if it is relevant "
					"on a node)\n", c->number, c->fixlet_title);
			print_request(d, "POST", "/api/query", arena_printf(d->a, "relevance=%s",
				      bf_relevance_applicable(d->a, d->site ? d->site : "(--import-to SITE)", 0)));
		}
	}
}

static int dry_run(struct driver *d)
{
	fprintf(d->out, "# bfplan run --dry-run: every request, in order, on the path where every step succeeds; "
			"nothing is resolved or sent\n\n");
	print_request(d, "GET", "/api/login", NULL);
	for (uint32_t i = 0; i < eng_node_count(d->model); i++) {
		print_request(d, "POST", "/api/query",
			      arena_printf(d->a, "relevance=%s", bf_relevance_computers_named(d->a, node_name(d, i))));
		print_request(d, "GET", arena_printf(d->a, "/api/computer/(each computer named %s)", node_name(d, i)),
			      NULL);
	}
	if (d->s->plan->bes_file) {
		struct textbuf bes;
		textbuf_init(&bes, d->a);
		struct bes_options opts = {.newline = BES_NEWLINE_LF, .components = BES_COMPONENTS_REFERENCE};
		if (!emit_bes_plan(d->a, d->s->plan, &opts, NULL, &d->s->c.diags, &bes))
			return EXIT_PLAN_ERRORS;
		print_request(d, "POST", arena_printf(d->a, "/api/import/custom/%s", d->site ? d->site : "(--import-to SITE)"),
			      bes.data);
	}
	for (size_t i = 0; i < d->s->run.check_count; i++) {
		const struct run_check *rc = &d->s->run.checks[i];
		if (rc->is_role) {
			const struct lw_fixlet *fx = d->s->plan->role->detect;
			print_request(d, "POST", "/api/query", arena_printf(d->a, "relevance=%s", bf_relevance_applicable(d->a,
				      fx->site->display.text ? fx->site->display.text : fx->site->name, fx->id)));
		} else if (rc->check == d->s->plan->report_check) {
			fprintf(d->out, "# P%u: every node's Last Report Time, from the computers read above (no request)\n\n",
				rc->check->number);
		} else if (rc->check->prereq || rc->check->fixlet_title) {
			fprintf(d->out, "# P%u: the pre-flight Fixlet '%s', by the ID the import gives it\n", rc->check->number,
				rc->check->prereq ? rc->check->prereq->preflight_title : rc->check->fixlet_title);
			print_request(d, "POST", "/api/query", arena_printf(d->a, "relevance=%s",
				      bf_relevance_applicable(d->a, d->site ? d->site : "(--import-to SITE)", 0)));
		}
	}
	struct eng_state *st = eng_state_new(d->a, d->model);
	for (;;) {
		struct eng_duty duty = eng_due(st);
		struct eng_event ev = {.kind = ENG_EV_PREFLIGHT, .node = ENG_NONE};
		if (duty.kind == ENG_DUTY_END)
			break;
		if (duty.kind == ENG_DUTY_START) {
			dry_recheck(d, duty.step);
			dry_post(d, duty.step, false, st);
			ev = (struct eng_event){.kind = ENG_EV_START, .step = duty.step};
		} else if (duty.kind == ENG_DUTY_WAIT) {
			uint32_t targets[64];
			size_t n = eng_targets(d->model, st, duty.step, duty.failure_step, targets);
			for (size_t i = 0; i < n; i++) {
				struct eng_event ok = {.kind = ENG_EV_SUCCEEDED, .step = duty.step, .node = targets[i]};
				eng_apply(st, &ok);
			}
			continue;
		} else if (duty.kind != ENG_DUTY_PREFLIGHT) {
			break;
		}
		if (eng_apply(st, &ev) != ENG_OK)
			break;
	}
	return EXIT_CLEAN;
}

/* ---- the command ------------------------------------------------------------------------------- */

/* Logs in and drives the plan: the exit status.  The credentials are wiped before it returns. */
static int connect_and_drive(struct driver *d, const struct bfplan_env *env)
{
	const struct cmd_options *opt = d->o->o;
	if (opt->insecure)
		fprintf(d->err, "bfplan: warning: the BigFix server's certificate is NOT verified "
				"(--insecure-no-tls-verify): anyone on the network path can act as the server\n");
	struct bf_secret *secret = arena_alloc(d->a, sizeof *secret);
	char host[256];
	struct bf_error e = {0};
	if (!bf_url_host(opt->bigfix, host, sizeof host)) {
		fprintf(d->err, "bfplan: run: --bigfix takes https://HOST:PORT, not '%s'\n", esc_terminal(d->a, opt->bigfix));
		return EXIT_USAGE;
	}
	if (!bf_secret_acquire(secret, host, &e))
		return bigfix_failed(d, &e, "credentials");
	d->secret = secret;
	const char *xsd = env->besapi_xsd;
	struct bf_config cfg = {.url = opt->bigfix, .cacert = opt->cacert, .insecure = opt->insecure,
				.besapi_xsd = xsd && access(xsd, R_OK) == 0 ? xsd : NULL, .get_retries = 4};
	d->client = bf_client_new(&cfg, secret, &e);
	int rc;
	if (!d->client) {
		rc = bigfix_failed(d, &e, "the BigFix server");
	} else if (!bf_login(d->client, &e)) {
		rc = bigfix_failed(d, &e, "logging in to the BigFix server");
	} else {
		if (opt->insecure && !noted(d, "the server's certificate was not verified (--insecure-no-tls-verify)")) {
			struct journal_entry n = entry(d, JOURNAL_NOTE);
			n.text = "the server's certificate was not verified (--insecure-no-tls-verify)";
			append(d, &n, 1);
		}
		rc = drive(d);
	}
	bf_client_free(d->client);
	bf_secret_wipe(secret);
	return rc;
}

int run_bigfix(struct session *s, const struct run_options *o, const struct bfplan_env *env, FILE *out, FILE *err)
{
	struct driver d = {.s = s, .o = o, .a = &s->c.arena, .out = out, .err = err, .model = s->run.model,
			   .site = o->o->import_to, .poll_ms = 15000};
	if (env->bigfix_poll_ms && atol(env->bigfix_poll_ms) > 0)  /* the tests poll the stand-in faster */
		d.poll_ms = atol(env->bigfix_poll_ms);
	/* the parameters first: a value missing stops the run before it logs in or writes anything */
	int rc = read_parameters(&d);
	if (rc == EXIT_CLEAN)
		rc = o->o->dry_run ? dry_run(&d) : check_parameters(&d);
	if (rc == EXIT_CLEAN && !o->o->dry_run)
		rc = connect_and_drive(&d, env);
	wipe_parameters(&d);
	return rc;
}
