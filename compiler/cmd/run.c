/*
 * run.c - `bfplan run PLAN --journal FILE [COMMAND]` (see run.h).
 *
 * One command is one transaction on the journal:
 *
 *   1. compile the plan (it must check clean) and hash its lowered form;
 *   2. read the journal: a command that records something opens it for
 *      writing and takes its lock first, so that what it checks against
 *      is what it appends to;
 *   3. parse it, check that it is this plan's (the hash, or a recorded
 *      acceptance of the change), replay it into the engine;
 *   4. status, next and report print; start, done, fail, pending-restart,
 *      witness-offline, node-lost, note and abort build their entry and
 *      ask the run whether the plan allows it now.  A refused entry is
 *      reported with what is allowed instead, and
 *      nothing is written.  An accepted one is appended (after the header
 *      for a new journal, a set-aside record for a torn last line and an
 *      accepted plan change, as the case may be), flushed to disk, and
 *      only then acknowledged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "base/arena.h"
#include "base/escape.h"
#include "base/sha256.h"
#include "base/source.h"
#include "base/suggest.h"
#include "base/textbuf.h"
#include "base/version.h"
#include "cmd/cmd.h"
#include "cmd/compile.h"
#include "cmd/run_session.h"
#include "cmd/run_view.h"
#include "diag/diag.h"
#include "diag/writer.h"
#include "emit/json.h"
#include "lower/lower.h"
#include "runtime/journal.h"
#include "runtime/journal_file.h"
#include "runtime/run.h"

/* What a command takes after its word (TAKES_TEXT_MAY: text, or nothing), and with --target and --reason. */
enum run_takes { TAKES_NOTHING, TAKES_STEP, TAKES_TEXT, TAKES_TEXT_MAY };
enum run_option_use { OPT_NO, OPT_MAY, OPT_MUST };

/*
 * The commands of run: X(ID, WORD, JOURNAL TYPE RECORDED or -1, ARGUMENT,
 * --target, --reason).  Every check of a command line and every list of
 * commands in a message is read from here.
 */
#define RUN_COMMANDS(X)                                                                                       \
	X(RUN_STATUS, "status", -1, TAKES_NOTHING, OPT_NO, OPT_NO)                                           \
	X(RUN_NEXT, "next", -1, TAKES_NOTHING, OPT_NO, OPT_NO)                                               \
	X(RUN_START, "start", JOURNAL_START, TAKES_STEP, OPT_NO, OPT_NO)                                     \
	X(RUN_DONE, "done", JOURNAL_DONE, TAKES_STEP, OPT_MAY, OPT_NO)                                       \
	X(RUN_FAIL, "fail", JOURNAL_FAIL, TAKES_STEP, OPT_MUST, OPT_MUST)                                    \
	X(RUN_PENDING, "pending-restart", JOURNAL_PENDING, TAKES_STEP, OPT_MUST, OPT_NO)                     \
	X(RUN_WITNESS_OFFLINE, "witness-offline", JOURNAL_WITNESS_OFFLINE, TAKES_TEXT_MAY, OPT_NO, OPT_NO)   \
	X(RUN_NODE_LOST, "node-lost", JOURNAL_NODE_LOST, TAKES_NOTHING, OPT_MUST, OPT_NO)                    \
	X(RUN_NOTE, "note", JOURNAL_NOTE, TAKES_TEXT, OPT_NO, OPT_NO)                                        \
	X(RUN_ABORT, "abort", JOURNAL_ABORT, TAKES_NOTHING, OPT_NO, OPT_MUST)                                \
	X(RUN_REPORT, "report", -1, TAKES_NOTHING, OPT_NO, OPT_NO)

enum run_command {
#define X(id, word, type, takes, target, reason) id,
	RUN_COMMANDS(X)
#undef X
	RUN_COMMAND_COUNT
};

static const struct {
	const char *word;
	int records;           /* the enum journal_type it records, or -1: it only reads */
	enum run_takes takes;
	enum run_option_use target, reason;
} commands[] = {
#define X(id, word, type, takes, target, reason) {word, type, takes, target, reason},
	RUN_COMMANDS(X)
#undef X
};

enum { COMMAND_LIST_SIZE = 160 }; /* every word of the table, with ", " between */

/* "a, b or c": the commands for which `pick` holds, from the table, into `out`. */
static const char *command_list(char out[COMMAND_LIST_SIZE], bool (*pick)(int command))
{
	size_t total = 0, said = 0, len = 0;
	for (int c = 0; c < RUN_COMMAND_COUNT; c++)
		total += pick(c);
	out[0] = '\0';
	for (int c = 0; c < RUN_COMMAND_COUNT; c++) {
		if (!pick(c))
			continue;
		const char *sep = said == 0 ? "" : said + 1 == total ? " or " : ", ";
		len += (size_t)snprintf(out + len, COMMAND_LIST_SIZE - len, "%s%s", sep, commands[c].word);
		said++;
	}
	return out;
}

static bool any_command(int c) { (void)c; return true; }
static bool takes_target(int c) { return commands[c].target != OPT_NO; }
static bool takes_reason(int c) { return commands[c].reason != OPT_NO; }
static bool takes_text(int c) { return commands[c].takes == TAKES_TEXT || commands[c].takes == TAKES_TEXT_MAY; }

static void usage(FILE *err, struct run_options *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void usage(FILE *err, struct run_options *o, const char *fmt, ...)
{
	if (o->failed)
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	cmd_usage_error(err, CMD_run, "%s", text);
	o->failed = true;
}

static bool parse_command_word(const char *word, int *cmd)
{
	for (int c = 0; c < RUN_COMMAND_COUNT; c++) {
		if (strcmp(commands[c].word, word) == 0) {
			*cmd = c;
			return true;
		}
	}
	return false;
}

/* The run command closest to a misspelt one ("nxt"), or NULL. */
static const char *command_meant(const char *word)
{
	const char *words[RUN_COMMAND_COUNT];
	for (int c = 0; c < RUN_COMMAND_COUNT; c++)
		words[c] = commands[c].word;
	return suggest_closest(word, words, RUN_COMMAND_COUNT);
}

/* The operands: PLAN, then COMMAND, then its argument. */
static void read_operands(const struct cmd_options *opts, FILE *err, struct run_options *o)
{
	const char *const *words = (const char *const *)opts->inputs.items;
	size_t n = opts->inputs.len;
	char list[COMMAND_LIST_SIZE];
	*o = (struct run_options){.o = opts, .command = RUN_STATUS, .journal = opts->journal,
				  .target = opts->target, .reason = opts->reason};
	o->plan_path = n > 0 ? words[0] : NULL;
	if (n > 1 && opts->bigfix)
		usage(err, o, "run --bigfix carries out the whole plan and takes no command, not '%s'", words[1]);
	else if (n > 1 && !parse_command_word(words[1], &o->command))
		usage(err, o, "run has no command '%s': it takes %s%s%s%s", words[1], command_list(list, any_command),
		      command_meant(words[1]) ? "; did you mean '" : "",
		      command_meant(words[1]) ? command_meant(words[1]) : "", command_meant(words[1]) ? "'?" : "");
	else if (n > 2 && commands[o->command].takes == TAKES_NOTHING && commands[o->command].target == OPT_MUST)
		usage(err, o, "run %s takes its node with --target NODE, not '%s'", commands[o->command].word, words[2]);
	else if (n > 2 && commands[o->command].takes == TAKES_NOTHING)
		usage(err, o, "run %s takes no argument, not '%s'", commands[o->command].word, words[2]);
	else if (n > 2)
		o->argument = words[2];
}

/* The options as a whole make sense: what each command needs, and values the journal can hold. */
static void check_options(FILE *err, struct run_options *o)
{
	enum run_command c = (enum run_command)o->command;
	char list[COMMAND_LIST_SIZE];
	if (!o->plan_path)
		usage(err, o, "%s", "run needs a plan file: bfplan run PLAN --journal FILE [COMMAND]");
	else if (!o->journal)
		usage(err, o, "%s", "run needs its journal: --journal FILE (it is made by the first step recorded)");
	else if (strcmp(o->plan_path, "-") == 0)
		usage(err, o, "%s", "run reads its plan from a file, not from standard input");
	else if ((commands[c].takes == TAKES_STEP || commands[c].takes == TAKES_TEXT) && !o->argument)
		usage(err, o, "run %s needs %s", commands[c].word,
		      commands[c].takes == TAKES_TEXT ? "its text" : "a STEP (3, F3 or P2)");
	else if (commands[c].takes == TAKES_STEP && !journal_is_step_name(o->argument))
		usage(err, o, "run %s takes a step as the checklist numbers it (3, F3 for step 3's failure step, P2 "
		      "for a pre-flight check), not '%s'", commands[c].word, o->argument);
	else if ((commands[c].target == OPT_MUST && !o->target) || (commands[c].reason == OPT_MUST && !o->reason))
		usage(err, o, "run %s needs %s%s%s", commands[c].word, commands[c].target == OPT_MUST ? "--target NODE" : "",
		      commands[c].target == OPT_MUST && commands[c].reason == OPT_MUST ? " and " : "",
		      commands[c].reason == OPT_MUST ? "--reason TEXT" : "");
	else if (o->target && commands[c].target == OPT_NO)
		usage(err, o, "--target goes with %s, not with %s", command_list(list, takes_target),
		      commands[c].word);
	else if (o->reason && commands[c].reason == OPT_NO)
		usage(err, o, "--reason goes with %s, not with %s", command_list(list, takes_reason),
		      commands[c].word);
	else if (o->o->report_json && c != RUN_REPORT)
		usage(err, o, "%s", "--format goes with report");
	else if (o->target && !journal_is_node_name(o->target))
		usage(err, o, "--target takes a node's name, not '%s'", o->target);
	else if (takes_text(c) && o->argument && !journal_is_text(o->argument, JOURNAL_MAX_TEXT, false))
		usage(err, o, "%s UTF-8 text of 1 to %d bytes", c == RUN_NOTE ? "a note is" : "its text is",
		      (int)JOURNAL_MAX_TEXT);
	else if (o->reason && !journal_is_text(o->reason, JOURNAL_MAX_TEXT, false))
		usage(err, o, "--reason takes UTF-8 text of 1 to %d bytes", (int)JOURNAL_MAX_TEXT);
	else if (!o->o->bigfix && (o->o->cacert || o->o->insecure || o->o->dry_run || o->o->domain ||
				   o->o->import_to || o->o->max_report_age || o->o->confirm || o->o->parameters))
		usage(err, o, "%s", "--cacert, --insecure-no-tls-verify, --dry-run, --confirm, --domain, --import-to, "
		      "--max-report-age and --parameters go with --bigfix URL");
	else if (o->o->bigfix && (o->target || o->reason || o->o->report_json))
		usage(err, o, "%s", "--target, --reason and --format go with the commands of a run by hand, not with --bigfix");
	else if (o->o->bigfix && !o->o->domain)
		usage(err, o, "%s", "run --bigfix needs --domain DOMAIN: computer names are not unique, so each node is "
		      "the one computer of its name whose DNS name ends in .DOMAIN");
}

/* Who is recorded: --by, else BFPLAN_OPERATOR, else the login name; NULL after complaining. */
static const char *operator_name(FILE *err, struct run_options *o, const struct bfplan_env *env)
{
	const char *by = o->o->by ? o->o->by : env->operator_name && env->operator_name[0] ? env->operator_name : env->login;
	const char *from = o->o->by ? "--by" : env->operator_name && env->operator_name[0] ? "BFPLAN_OPERATOR" : "the login name";
	if (!by || !by[0]) {
		usage(err, o, "%s", "nobody to record: give --by NAME or set BFPLAN_OPERATOR");
		return NULL;
	}
	if (!journal_is_text(by, JOURNAL_MAX_NAME, true)) {
		usage(err, o, "%s is not a name the journal can hold: 1 to %d bytes of UTF-8 on one line", from,
		      (int)JOURNAL_MAX_NAME);
		return NULL;
	}
	return by;
}

/* The time recorded: BFPLAN_NOW (for tests and replays of a window), else the clock. */
static bool now_of(const struct bfplan_env *env, int64_t *now, FILE *err, struct run_options *o)
{
	if (!env->now || !env->now[0]) {
		*now = (int64_t)time(NULL);
		return true;
	}
	if (journal_time_parse(env->now, now))
		return true;
	usage(err, o, "BFPLAN_NOW is '%s', not a time written as 2026-12-06T21:30:05Z", env->now);
	return false;
}

/* ---- the plan ---------------------------------------------------------------------------- */

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

/*
 * The SHA-256 of the plan's lowered form: plan.json for this plan alone,
 * without the names of the files it came from (moving or renaming them
 * changes nothing that runs), without a time stamp.  Any change to what
 * the plan does changes it: a step, a target, a timeout, a Fixlet.
 */
static const char *plan_sha256(struct session *s)
{
	struct lw_program program = s->c.lowered;
	program.sources = (struct strvec){0};
	program.files = (struct strvec){0};
	static const char *const outputs[] = {"json"};
	struct json_build info = {.component_form = "reference", .bes_line_ends = "crlf", .outputs = outputs,
				  .output_count = 1};
	struct textbuf text;
	textbuf_init(&text, &s->c.arena);
	struct arena plan_arena;
	arena_init_like(&plan_arena, &s->c.arena);
	struct emit_json *j = emit_json_begin(&s->c.arena, &program, &info, &text);
	emit_json_plan(j, &plan_arena, s->plan);
	emit_json_end(j);
	arena_free(&plan_arena);
	char *hex = arena_alloc(&s->c.arena, SHA256_HEX_SIZE);
	sha256_hex(text.data, text.len, hex);
	return hex;
}

/* Compiles the plan file and picks the plan; the exit status so far. */
static int compile_plan(struct session *s, const struct run_options *o, const struct bfplan_env *env, FILE *err)
{
	compile(&s->c, o->plan_path, o->o, env, true);
	int rc = compiled_ok(&s->c);
	if (rc != EXIT_CLEAN)
		return rc;
	if (s->c.lowered.plans.len == 1) {
		s->plan = s->c.lowered.plans.items[0];
		return EXIT_CLEAN;
	}
	if (s->c.lowered.plans.len == 0)
		fprintf(err, "bfplan: %s declares no plan to run\n", esc_terminal(&s->c.arena, o->plan_path));
	else
		fprintf(err, "bfplan: %s declares %zu plans: name the one to run with --plan NAME\n",
			esc_terminal(&s->c.arena, o->plan_path), s->c.lowered.plans.len);
	return EXIT_USAGE;
}

/* ---- the journal ------------------------------------------------------------------------- */

static int io_failure(struct session *s, const struct journal_io_failure *why)
{
	enum diag_code code = why->status == JOURNAL_IO_LOCKED ? BFP741 : BFP740;
	struct diag *d = diag_report(&s->c.diags, code, nowhere, "%s", journal_io_message(&s->c.arena, why));
	if (why->status == JOURNAL_IO_LOCKED)
		diag_help(&s->c.diags, d, "one process records at a time: wait for the other bfplan run to finish, "
			  "or stop it; status, next and report still read the journal meanwhile");
	else if (why->status == JOURNAL_IO_TOO_LARGE)
		diag_help(&s->c.diags, d, "a window's journal holds hundreds of entries: is --journal the right file?");
	else
		diag_help(&s->c.diags, d, "give --journal a regular file that you may read and write");
	return EXIT_USAGE;
}

/*
 * The journal as a file of the source manager, for a diagnostic to quote:
 * registered on the first, since its table of lines costs a pass over the
 * whole journal, which a command that reports nothing about it never needs.
 */
static uint32_t journal_source(struct session *s)
{
	if (s->journal_file == SRC_NO_FILE)
		s->journal_file = src_adopt(&s->c.sm, s->jf.path, s->jf.text, s->jf.len);
	return s->journal_file;
}

/* The span of a journal line, or of the place in it the fault points at. */
static struct src_span line_span(struct session *s, uint32_t offset, uint32_t length, uint32_t column)
{
	uint32_t begin = column ? offset + column - 1 : offset;
	if (begin > offset + length)
		begin = offset + length;
	return (struct src_span){journal_source(s), begin, offset + length};
}

static int parse_fault(struct session *s, const struct journal_fault *f, const char *path)
{
	bool first_line = f->kind == JOURNAL_FAULT_NOT_HEADER || f->kind == JOURNAL_FAULT_NEWER_FORMAT ||
			  (f->line == 1 && f->kind != JOURNAL_FAULT_TOO_LARGE);
	struct src_span at = f->kind == JOURNAL_FAULT_TOO_LARGE ? nowhere : line_span(s, f->offset, f->length, f->column);
	struct diag *d;
	if (first_line) {
		d = diag_report(&s->c.diags, BFP743, at, "journal '%s' is not a bfplan journal: its first line is %s: %s",
				path, journal_fault_summary(f->kind), f->detail);
		diag_help(&s->c.diags, d, f->kind == JOURNAL_FAULT_NEWER_FORMAT
					? "read it with the bfplan that wrote it, or a later one"
					: "give --journal a journal that bfplan run began, or a new file name to begin one");
	} else {
		d = diag_report(&s->c.diags, BFP742, at, "line %u of journal '%s' is %s: %s", f->line, path,
				journal_fault_summary(f->kind), f->detail);
		diag_help(&s->c.diags, d, "a journal is only ever appended to by bfplan run; restore it from a copy, or "
			  "move the line out with an editor if you know why it is there: nothing is written to a journal "
			  "that does not read");
	}
	return f->kind == JOURNAL_FAULT_TOO_LARGE ? EXIT_USAGE : EXIT_PLAN_ERRORS;
}

/* Reads (or, to record, opens and locks) the journal and parses it; the exit status so far. */
static int load_journal(struct session *s, const struct run_options *o)
{
	struct journal_io_failure why;
	bool writes = commands[o->command].records >= 0 || (o->o->bigfix && !o->o->dry_run);
	bool ok = writes || o->o->accept_changed_plan
			  ? journal_file_open(&s->c.arena, o->journal, writes, &s->jf, &why)
			  : journal_file_read(&s->c.arena, o->journal, &s->jf, &why);
	if (!ok && why.status == JOURNAL_IO_ABSENT) {
		s->jf = (struct journal_file){.path = o->journal, .fd = -1, .text = arena_strdup(&s->c.arena, ""), .len = 0};
		s->journal = (struct journal){0};
		return EXIT_CLEAN; /* a run not begun yet */
	}
	if (!ok)
		return io_failure(s, &why);
	struct journal_fault fault;
	if (!journal_parse(&s->c.arena, s->jf.text, s->jf.len, &s->journal, &fault))
		return parse_fault(s, &fault, o->journal);
	if (s->journal.torn && !s->jf.tail_being_written) {
		struct diag *d = diag_report(&s->c.diags, BFP744,
					     line_span(s, (uint32_t)s->journal.complete, (uint32_t)s->journal.torn, 0),
					     "the last line of journal '%s' is torn: %zu bytes without an end, left by a "
					     "crash while it was written; it is not read", o->journal, s->journal.torn);
		diag_help(&s->c.diags, d, commands[o->command].records >= 0
					? "it is set aside into the journal's .torn file before this entry, and the journal "
					  "records that"
					: "the next command that records something sets it aside into the journal's .torn file");
	}
	return EXIT_CLEAN;
}

/* The plan's hash that the journal goes by: its header's, or the last accepted change's. */
static const char *bound_sha256(const struct journal *j)
{
	const char *sha = j->header.plan_sha256;
	for (size_t i = 0; i < j->count; i++)
		if (j->entries[i].type == JOURNAL_ACCEPT_PLAN)
			sha = j->entries[i].plan_sha256;
	return sha;
}

/* The header is this plan's; *accept set when a changed plan is to be accepted now.  The exit status. */
/* The journal's first line, for a diagnostic about the header. */
static struct src_span header_span(struct session *s)
{
	return (struct src_span){journal_source(s), 0, s->journal.header.length ? s->journal.header.length - 1 : 0};
}

static int check_binding(struct session *s, const struct run_options *o, const char *sha, bool *accept)
{
	const struct journal_header *h = &s->journal.header;
	*accept = false;
	if (!s->journal.has_header)
		return EXIT_CLEAN;
	if (strcmp(h->plan, s->plan->name) != 0) {
		struct diag *d = diag_report(&s->c.diags, BFP746, header_span(s), "journal '%s' is the record of plan '%s', not of '%s'",
					     o->journal, h->plan, s->plan->name);
		diag_help(&s->c.diags, d, "give the journal of this plan's run, or a new file name to begin one");
		return EXIT_PLAN_ERRORS;
	}
	if (strcmp(h->bfplan, BFPLAN_VERSION) != 0) {
		struct diag *d = diag_report(&s->c.diags, BFP751, header_span(s), "journal '%s' was begun by bfplan %s; this is bfplan %s",
					     o->journal, h->bfplan, BFPLAN_VERSION);
		diag_help(&s->c.diags, d, "nothing changes while the plan's hash matches: the hash covers what the plan does");
	}
	const char *bound = bound_sha256(&s->journal);
	if (strcmp(bound, sha) == 0)
		return EXIT_CLEAN;
	if (!o->o->accept_changed_plan) {
		struct diag *d = diag_report(&s->c.diags, BFP745, header_span(s),
					     "plan '%s' changed since journal '%s' began: its hash was %.12s..., it is "
					     "%.12s... now", s->plan->name, o->journal, bound, sha);
		diag_note(&s->c.diags, d, nowhere, "what was proven and recorded so far is about the plan as it was");
		diag_help(&s->c.diags, d, "see what changed with 'bfplan diff OLD NEW'; to go on with the changed plan, "
			  "add --accept-changed-plan, which the journal records");
		return EXIT_PLAN_ERRORS;
	}
	*accept = true;
	struct diag *d = diag_report(&s->c.diags, BFP749, nowhere, "plan '%s' changed since journal '%s' began; the run "
				     "goes on with it, as --accept-changed-plan asks, and the journal records that",
				     s->plan->name, o->journal);
	(void)d;
	return EXIT_CLEAN;
}

static int replay(struct session *s, const struct run_options *o)
{
	const char *why_not;
	if (!run_init(&s->run, &s->c.arena, s->plan, &why_not)) {
		struct diag *d = diag_report(&s->c.diags, BFP750, s->plan->decl, "plan '%s' cannot be run: %s",
					     s->plan->name, why_not);
		diag_help(&s->c.diags, d, "bfplan check says what the plan needs");
		return EXIT_PLAN_ERRORS;
	}
	const struct journal_entry *bad;
	struct run_refusal refusal;
	if (run_replay(&s->run, &s->journal, &bad, &refusal))
		return EXIT_CLEAN;
	struct diag *d = diag_report(&s->c.diags, BFP747, line_span(s, bad->offset, bad->length, 0),
				     "entry %llu of journal '%s' is one plan '%s' does not allow: %s",
				     (unsigned long long)bad->seq, o->journal, s->plan->name, refusal.message);
	diag_help(&s->c.diags, d, "bfplan run writes only entries the plan allows: this one was written by hand, or for "
		  "another version of the plan; restore the journal from a copy");
	return EXIT_PLAN_ERRORS;
}

/* ---- recording --------------------------------------------------------------------------- */

static struct journal_entry new_entry(struct session *s, enum journal_type type, int64_t now)
{
	return (struct journal_entry){.type = type, .seq = s->journal.count + 1, .at = now, .by = s->by};
}

/* The entry the command records. */
static struct journal_entry command_entry(struct session *s, const struct run_options *o, int64_t now)
{
	struct journal_entry e = new_entry(s, (enum journal_type)commands[o->command].records, now);
	if (takes_text(o->command))
		e.text = o->argument;
	else
		e.step = o->argument;
	e.target = o->target;
	e.reason = o->reason;
	return e;
}

/* The base name of a path: what a set-aside record names, beside the journal. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/*
 * What must come before the first entry a command records: the header of
 * a new journal, the setting aside of a torn line, the acceptance of a
 * changed plan, each taken by the run.  The path the torn line goes to.
 */
static const char *lead_in(struct session *s, const struct run_options *o, const char *sha, bool accept, int64_t now,
			   struct textbuf *lines)
{
	struct run_refusal refusal;
	if (!s->journal.has_header) {
		s->journal.has_header = true;
		s->journal.header = (struct journal_header){.format = JOURNAL_FORMAT, .bfplan = BFPLAN_VERSION,
							    .plan = s->plan->name, .plan_sha256 = sha,
							    .source = o->plan_path, .created = now, .by = s->by};
		journal_write_header(lines, &s->journal.header);
	}
	const char *torn_path = arena_printf(&s->c.arena, "%s.torn", o->journal);
	if (s->journal.torn) {
		struct journal_entry e = new_entry(s, JOURNAL_SET_ASIDE, now);
		e.line = s->journal.torn_line;
		e.bytes = s->journal.torn;
		e.file = base_name(torn_path);
		run_take(&s->run, &e, &refusal);
		journal_push(&s->c.arena, &s->journal, &e);
		journal_write_entry(lines, &e);
	}
	if (accept) {
		struct journal_entry e = new_entry(s, JOURNAL_ACCEPT_PLAN, now);
		e.plan_sha256 = sha;
		e.was = bound_sha256(&s->journal);
		run_take(&s->run, &e, &refusal);
		journal_push(&s->c.arena, &s->journal, &e);
		journal_write_entry(lines, &e);
	}
	return torn_path;
}

/*
 * Records the command's entry, with what must come before it: the header
 * of a new journal, the setting aside of a torn line, the acceptance of a
 * changed plan.  Each is taken by the run first; the command's entry may
 * be refused, and then nothing at all is written.
 */
static int record(struct session *s, const struct run_options *o, const char *sha, bool accept, int64_t now,
		  FILE *out)
{
	struct textbuf lines;
	textbuf_init(&lines, &s->c.arena);
	struct run_refusal refusal;
	const char *torn_path = lead_in(s, o, sha, accept, now, &lines);
	const struct journal_entry *recorded = NULL;
	if (commands[o->command].records >= 0) {
		struct journal_entry e = command_entry(s, o, now);
		if (!run_take(&s->run, &e, &refusal)) {
			struct diag *d = diag_report(&s->c.diags, BFP748, nowhere, "%s; nothing is recorded", refusal.message);
			diag_help(&s->c.diags, d, "record what the plan allows now, listed below ('next' says more)");
			textbuf_init(&s->allowed, &s->c.arena);
			run_allowed_commands(&s->run, s->view.prefix, &s->allowed);
			journal_file_abandon(&s->jf);
			return EXIT_PLAN_ERRORS;
		}
		journal_push(&s->c.arena, &s->journal, &e);
		recorded = &s->journal.entries[s->journal.count - 1];
		journal_write_entry(&lines, &e);
	}
	struct journal_io_failure why;
	if ((s->journal.torn && !journal_file_set_aside(&s->jf, s->journal.complete, torn_path, &why)) ||
	    !journal_file_append(&s->jf, lines.data, lines.len, &why))
		return io_failure(s, &why);
	journal_file_close(&s->jf);
	struct textbuf said;
	textbuf_init(&said, &s->c.arena);
	if (recorded)
		run_view_recorded(&s->view, recorded, &said);
	else
		textbuf_printf(&said, "Recorded in %s: the run goes on with the changed plan.\n",
			       esc_terminal(&s->c.arena, o->journal));
	fwrite(said.data, 1, said.len, out);
	return EXIT_CLEAN;
}

int run_append(struct session *s, const struct run_options *o, struct journal_entry *entries, size_t n, int64_t now)
{
	struct textbuf lines;
	textbuf_init(&lines, &s->c.arena);
	bool torn = s->journal.torn > 0;
	const char *torn_path = lead_in(s, o, s->sha256, s->accept, now, &lines);
	s->accept = false;
	for (size_t i = 0; i < n; i++) {
		struct run_refusal refusal;
		entries[i].seq = s->journal.count + 1;
		if (!run_take(&s->run, &entries[i], &refusal)) {
			diag_report(&s->c.diags, BFP748, nowhere, "%s; nothing is recorded", refusal.message);
			return EXIT_PLAN_ERRORS;
		}
		journal_push(&s->c.arena, &s->journal, &entries[i]);
		journal_write_entry(&lines, &entries[i]);
	}
	struct journal_io_failure why;
	if ((torn && !journal_file_set_aside(&s->jf, s->journal.complete, torn_path, &why)) ||
	    !journal_file_append(&s->jf, lines.data, lines.len, &why))
		return io_failure(s, &why);
	s->journal.torn = 0;
	return EXIT_CLEAN;
}

/* ---- the command ------------------------------------------------------------------------- */

/* A word for a shell command line: as it is when it is plain, else in single quotes. */
static const char *shell_word(struct arena *arena, const char *s)
{
	if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-=+,:@") == strlen(s))
		return s;
	struct textbuf b;
	textbuf_init(&b, arena);
	textbuf_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			textbuf_puts(&b, "'\\''");
		else
			textbuf_putc(&b, *s);
	}
	textbuf_putc(&b, '\'');
	return esc_terminal(arena, b.data);
}

static const char *command_prefix(struct arena *arena, const struct run_options *o)
{
	const char *p = arena_printf(arena, "bfplan run %s --journal %s", shell_word(arena, o->plan_path),
				     shell_word(arena, o->journal));
	if (o->o->plan_name)
		p = arena_printf(arena, "%s --plan %s", p, shell_word(arena, o->o->plan_name));
	return p;
}

static int show(struct session *s, const struct run_options *o, FILE *out, FILE *err)
{
	struct textbuf text;
	textbuf_init(&text, &s->c.arena);
	run_advance(&s->run, s->view.now);
	switch ((enum run_command)o->command) {
	case RUN_STATUS:
		run_view_status(&s->view, &text);
		break;
	case RUN_NEXT:
		run_view_next(&s->view, &text);
		break;
	case RUN_REPORT:
		if (o->o->report_json) {
			if (!run_view_report_json(&s->view, &text)) {
				fputs("bfplan: out of memory while writing the report\n", err);
				return EXIT_USAGE;
			}
		} else
			run_view_report_md(&s->view, &text);
		break;
	case RUN_START:
	case RUN_DONE:
	case RUN_FAIL:
	case RUN_PENDING:
	case RUN_WITNESS_OFFLINE:
	case RUN_NODE_LOST:
	case RUN_NOTE:
	case RUN_ABORT:
	case RUN_COMMAND_COUNT:
		break;
	}
	return fwrite(text.data, 1, text.len, out) == text.len ? EXIT_CLEAN : EXIT_USAGE;
}

/* Everything after the options: the exit status. */
static int run_session(struct session *s, const struct run_options *o, const struct bfplan_env *env, int64_t now,
		       FILE *out, FILE *err)
{
	int rc = compile_plan(s, o, env, err);
	if (rc != EXIT_CLEAN)
		return rc;
	const char *sha = plan_sha256(s);
	s->view = (struct run_session){.arena = &s->c.arena, .plan = s->plan, .plan_path = o->plan_path,
				       .journal_path = o->journal, .plan_sha256 = sha, .journal = &s->journal,
				       .run = &s->run, .now = now, .prefix = command_prefix(&s->c.arena, o)};
	bool accept;
	if ((rc = load_journal(s, o)) != EXIT_CLEAN || (rc = check_binding(s, o, sha, &accept)) != EXIT_CLEAN ||
	    (rc = replay(s, o)) != EXIT_CLEAN)
		return rc;
	s->sha256 = sha;
	s->accept = accept;
	if (o->o->bigfix)
		return run_bigfix(s, o, env, out, err);
	/* a command that records, or one that only accepts a changed plan, writes; any other only reads */
	bool writes = commands[o->command].records >= 0 || accept;
	if (!writes) {
		journal_file_close(&s->jf); /* opened for an --accept-changed-plan with nothing to accept */
		return show(s, o, out, err);
	}
	rc = record(s, o, sha, accept, now, out);
	if (rc != EXIT_CLEAN || commands[o->command].records >= 0)
		return rc;
	return show(s, o, out, err);
}

/* The diagnostics, then the list of what may be recorded after a refusal; the exit status. */
static int finish_run(struct session *s, const struct run_options *o, FILE *out, FILE *err, int rc)
{
	/* a journal this command created and wrote nothing to (bad credentials, a node not resolved) is removed */
	journal_file_abandon(&s->jf);
	struct diag_writer w;
	diag_writer_init(&w, DIAG_FORMAT_TEXT, o->o->color, out, err);
	diag_writer_add(&w, &s->c.diags);
	if (!diag_writer_finish(&w) && rc == EXIT_CLEAN)
		rc = EXIT_USAGE;
	if (s->allowed.len) {
		fputs("What may be recorded now:\n", err);
		for (const char *p = s->allowed.data; *p;) {
			const char *nl = strchr(p, '\n');
			fprintf(err, "  %.*s\n", (int)(nl - p), p);
			p = nl + 1;
		}
	}
	if (rc == EXIT_CLEAN && diag_has_errors(&s->c.diags))
		rc = EXIT_PLAN_ERRORS;
	return rc;
}

int cmd_run(struct cmd_run *cmd)
{
	FILE *out = cmd->out, *err = cmd->err;
	const struct bfplan_env *env = cmd->env;
	struct run_options o;
	read_operands(cmd->opts, err, &o);
	if (!o.failed)
		check_options(err, &o);
	struct session *s = arena_alloc(cmd->arena, sizeof *s);
	if (!o.failed && (commands[o.command].records >= 0 || o.o->accept_changed_plan || o.o->bigfix))
		s->by = operator_name(err, &o, env);
	int64_t now = 0;
	if (!o.failed)
		now_of(env, &now, err, &o);
	if (o.failed)
		return EXIT_USAGE;
	compilation_init(&s->c, cmd->opts);
	s->jf.fd = -1;
	s->journal_file = SRC_NO_FILE;
	if (setjmp(s->c.out_of_memory)) {
		journal_file_abandon(&s->jf);
		arena_free(&s->c.arena);
		fputs("bfplan: error: out of memory [BFP008]\n", err);
		return EXIT_USAGE;
	}
	int rc = finish_run(s, &o, out, err, run_session(s, &o, env, now, out, err));
	arena_free(&s->c.arena);
	return rc;
}
