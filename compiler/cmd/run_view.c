/*
 * run_view.c - what `bfplan run` shows (see run_view.h).
 */
#include "cmd/run_view.h"

#include <jansson.h>
#include <string.h>

#include "base/escape.h"
#include "lower/render.h"

const char *run_view_time(struct arena *arena, int64_t t)
{
	char *s = arena_alloc(arena, JOURNAL_TIME_SIZE);
	journal_time_format(t, s);
	return s;
}

/* Untrusted text (a name, a reason, a note) for a terminal. */
static const char *safe(const struct run_session *s, const char *text)
{
	return esc_terminal(s->arena, text);
}

/* The wall time of engine time `t`. */
static int64_t wall(const struct run_session *s, int64_t t)
{
	return s->run->origin + t;
}

static const struct eng_step *step_of(const struct run_session *s, uint32_t n)
{
	return eng_step_at(s->run->model, n);
}

/*
 * ", unconfirmed: REASON" when the catalog marks the Fixlet's `field` (or
 * the whole declaration) as a guess: the operator in the window must not
 * take it for a fact.
 */
static const char *guess_of(const struct run_session *s, const struct lw_fixlet *f, const char *field)
{
	for (size_t i = 0; i < f->marks.len; i++) {
		const struct lw_mark *m = f->marks.items[i];
		if (!m->field || strcmp(m->field, field) == 0)
			return arena_printf(s->arena, ", unconfirmed: %s", m->reason.text ? m->reason.text : "no reason given");
	}
	return "";
}

/* What a step runs: `Fixlet 116 "Pause Node..." (site Server Automation, action Action1)` or the Baseline. */
static const char *runs_what(const struct run_session *s, const struct lw_fixlet *f, const struct lw_baseline *b)
{
	if (b)
		return arena_printf(s->arena, "Baseline \"%s\" (baseline %s)", b->bes_title, b->name);
	if (!f)
		return "nothing";
	const char *title = f->title.text ? arena_printf(s->arena, " \"%s\"", f->title.text) : "";
	return arena_printf(s->arena, "%s %u%s (site %s, action %s%s)", render_fixlet_kind(f), f->id, title,
			    render_site_label(f->site), f->action, guess_of(s, f, "action"));
}

/* The targets of a step or failure step, where the run stands now. */
static const char *targets(const struct run_session *s, uint32_t step, bool failure)
{
	uint32_t *nodes = arena_calloc(s->arena, eng_node_count(s->run->model) + 1, sizeof *nodes);
	size_t n = eng_targets(s->run->model, s->run->state, step, failure, nodes);
	const char *list = "";
	for (size_t i = 0; i < n; i++)
		list = arena_printf(s->arena, "%s%s%s", list, i ? ", " : "", eng_node_name(s->run->model, nodes[i]));
	return n ? list : "none";
}

/* The step's advice for each of its targets, filled in (once when it names no node). */
static void advice(const struct run_session *s, const char *label, const char *text, uint32_t step, bool failure,
		   struct textbuf *out)
{
	if (!text)
		return;
	uint32_t *nodes = arena_calloc(s->arena, eng_node_count(s->run->model) + 1, sizeof *nodes);
	size_t n = eng_targets(s->run->model, s->run->state, step, failure, nodes);
	if (!render_advice_varies(text) || n == 0) {
		textbuf_printf(out, "  %s: %s\n", label,
			       render_advice(s->arena, text, s->plan, n ? eng_node_name(s->run->model, nodes[0]) : NULL));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *node = eng_node_name(s->run->model, nodes[i]);
		textbuf_printf(out, "  %s (%s): %s\n", label, node, render_advice(s->arena, text, s->plan, node));
	}
}

/* A step of the recipe, described for the operator about to run it. */
static void describe_step(const struct run_session *s, uint32_t n, struct textbuf *out)
{
	const struct eng_step *st = step_of(s, n);
	const struct lw_item *item = st->item;
	textbuf_printf(out, "Step %u of %u: %s (%s), phase %u of %zu\n", n, eng_step_count(s->run->model),
		       item->title.text ? item->title.text : item->name, item->name, st->phase->number,
		       s->plan->phases.len);
	textbuf_printf(out, "  Run: %s\n", runs_what(s, item->kind == LW_STEP_FIXLET ? item->fixlet : NULL,
						     item->kind == LW_STEP_BASELINE ? item->baseline : NULL));
	textbuf_printf(out, "  Targets: %s\n", targets(s, n, false));
	advice(s, "Verify", item->verify.text, n, false, out);
	textbuf_printf(out, "  Timeout: %s", render_duration(s->arena, st->timeout));
	if (s->run->state->stage == ENG_BETWEEN || s->run->state->stage == ENG_PREFLIGHT)
		textbuf_printf(out, ": started now, it has failed unless done by %s",
			       run_view_time(s->arena, s->now + st->timeout));
	textbuf_puts(out, "\n");
	const char *on_failure = st->failure == LW_FAILURE_HOLD ? "the plan stops and leaves the nodes as they are"
				 : st->failure == LW_FAILURE_CONTINUE ? "the plan goes on with the next step"
				 : st->restore ? arena_printf(s->arena, "its failure step F%u (%s) brings the nodes back, "
							      "then the plan stops", n, st->restore->name)
					       : "the plan stops";
	textbuf_printf(out, "  If it fails: %s\n", on_failure);
}

/* A failure step, due or running. */
static void describe_failure_step(const struct run_session *s, uint32_t n, struct textbuf *out)
{
	const struct eng_step *st = step_of(s, n);
	const struct lw_restore *r = st->restore;
	const char *after = s->run->state->failed_step == n
				    ? arena_printf(s->arena, "after step %u failed", n)
				    : arena_printf(s->arena, "after step %u, as the plan stops for a fault", n);
	textbuf_printf(out, "Failure step F%u: %s (%s), %s\n", n, r->title.text ? r->title.text : r->name, r->name, after);
	textbuf_printf(out, "  Run: %s\n", runs_what(s, r->fixlet, NULL));
	textbuf_printf(out, "  Targets: %s\n", targets(s, n, true));
	textbuf_printf(out, "  Timeout: %s\n", render_duration(s->arena, r->timeout));
	textbuf_puts(out, "  Then: the plan stops. Start nothing more until the cause is understood.\n");
}

/*
 * The fault outside the plan that stops it (the first witness-offline or
 * node-lost recorded), in words: "The witness went offline (entry 12)".
 */
static const char *fault_said(const struct run_session *s)
{
	const struct journal_entry *e = s->run->fault;
	if (!e)
		return "A fault";
	if (e->type == JOURNAL_WITNESS_OFFLINE)
		return arena_printf(s->arena, "The witness went offline (entry %llu)", (unsigned long long)e->seq);
	return arena_printf(s->arena, "%s was lost (entry %llu)", safe(s, e->target), (unsigned long long)e->seq);
}

/* The checklist's advice for the fact that no longer holds: the witness online, or every node up. */
static void fault_advice(const struct run_session *s, struct textbuf *out)
{
	const struct journal_entry *e = s->run->fault;
	const struct lw_check *c = !e ? NULL : e->type == JOURNAL_WITNESS_OFFLINE ? s->plan->witness_check
									   : s->plan->report_check;
	if (c && c->if_not)
		textbuf_printf(out, "The checklist's P%u (%s) says: %s.\n", c->number, c->description.text, c->if_not);
}

/* What the plan does now that a fault is recorded: it stops at the next step boundary. */
static void fault_consequence(const struct run_session *s, struct textbuf *out)
{
	const struct eng_state *st = s->run->state;
	bool runs = st->stage == ENG_RUNNING || (st->stage == ENG_RECOVERING && st->in_failure_step);
	if (runs)
		textbuf_printf(out, "The plan stops at the next step boundary: %s, which runs, goes on to its end.\n",
			       st->in_failure_step ? arena_printf(s->arena, "the failure step of step %u", st->step)
						   : arena_printf(s->arena, "step %u", st->step));
	else
		textbuf_puts(out, "The plan stops now, at this step boundary.\n");
}

/* The duty of the moment, in words: what the plan says must happen now. */
static void duty(const struct run_session *s, struct textbuf *out)
{
	const struct eng_state *st = s->run->state;
	struct eng_duty d = eng_due(st);
	switch (d.kind) {
	case ENG_DUTY_PREFLIGHT:
		textbuf_puts(out, "Before step 1, each pre-flight check must pass (the checklist's P-sections):\n");
		for (size_t i = 0; i < s->run->check_count; i++) {
			const struct run_check *c = &s->run->checks[i];
			if (!c->check)
				continue;
			const char *state = c->passed ? "passed" : c->failed ? "FAILED, to be fixed and checked again" : "due";
			textbuf_printf(out, "  P%zu. %s: %s", i + 1, c->check->description.text, state);
			/* a check decided by relevance nobody has confirmed (the witness's) says so */
			for (size_t k = 0; k < c->check->marks.len; k++) {
				const struct lw_mark *m = c->check->marks.items[k];
				textbuf_printf(out, " (unconfirmed: %s)", m->reason.text ? m->reason.text : "no reason given");
			}
			textbuf_putc(out, '\n');
		}
		if (!s->run->check_count)
			textbuf_puts(out, "  (this plan has none)\n");
		textbuf_puts(out, "Then:\n");
		describe_step(s, 1, out);
		break;
	case ENG_DUTY_START:
		describe_step(s, d.step, out);
		break;
	case ENG_DUTY_WAIT:
		if (d.failure_step)
			describe_failure_step(s, d.step, out);
		else
			describe_step(s, d.step, out);
		textbuf_printf(out, "  Running since %s; ", run_view_time(s->arena, wall(s, st->step_started)));
		if (d.deadline >= 0)
			textbuf_printf(out, "a target that has not succeeded by %s has failed\n",
				       run_view_time(s->arena, wall(s, d.deadline)));
		else
			textbuf_puts(out, "it has no timeout\n");
		for (uint32_t i = 0; i < eng_node_count(s->run->model); i++) {
			enum eng_result r = st->nodes[i].result;
			if (r != ENG_IDLE)
				textbuf_printf(out, "    %-16s %s\n", eng_node_name(s->run->model, i), eng_result_word(r));
		}
		if (st->stop_due && s->run->fault && !d.failure_step)
			textbuf_printf(out, "  %s: this step goes on to its end, then the plan stops (the failure step "
				       "first, where the phase has nodes out of service).\n", fault_said(s));
		break;
	case ENG_DUTY_FAILURE_STEP: {
		const struct eng_step *failed = step_of(s, d.step);
		if (st->failed_step == d.step) {
			textbuf_printf(out, "Step %u failed. The plan says: run its failure step now, on %s; then the plan "
				       "stops.\n", d.step, targets(s, d.step, true));
			advice(s, "Advice", failed->item->on_failure.text, d.step, false, out);
		} else {
			textbuf_printf(out, "%s: the plan stops after step %u. It says: run step %u's failure step now, on "
				       "%s, to bring the phase's nodes back; then the plan stops.\n", fault_said(s), d.step,
				       d.step, targets(s, d.step, true));
		}
		describe_failure_step(s, d.step, out);
		break;
	}
	case ENG_DUTY_END:
		textbuf_printf(out, "The run is over: %s.", eng_stage_word(d.then));
		if (d.then == ENG_HELD) {
			textbuf_puts(out, " The plan holds: a person decides about the nodes left out of service.\n");
			for (uint32_t i = 0; i < eng_node_count(s->run->model); i++) {
				const char *why = eng_held_why(st, i);
				if (why)
					textbuf_printf(out, "  %s: %s\n", eng_node_name(s->run->model, i), why);
			}
			const struct eng_step *failed = step_of(s, d.step);
			if (failed)
				advice(s, "Advice", failed->item->on_failure.text, d.step, false, out);
		} else if (d.then == ENG_STOPPED && d.step) {
			textbuf_printf(out, " Step %u failed and the plan stopped: start nothing more until the cause is "
				       "understood.\n", d.step);
		} else if (d.then == ENG_STOPPED && s->run->fault) {
			textbuf_printf(out, " %s, and the plan stopped at a step boundary: what the quorum proof rests on "
				       "no longer held.\n", fault_said(s));
			fault_advice(s, out);
		} else if (d.then == ENG_NOT_STARTED) {
			textbuf_puts(out, " A pre-flight check failed where the plan must not start: see the checklist's "
				     "pre-flight section for what to do.\n");
		} else {
			textbuf_puts(out, "\n");
		}
		textbuf_puts(out, "Nothing more can be recorded but notes; 'report' gives the change record.\n");
		break;
	case ENG_DUTY_KINDS:
		break;
	}
}

static void time_line(const struct run_session *s, struct textbuf *out)
{
	int64_t used = s->run->state->clock;
	textbuf_printf(out, "Time: %s used", render_duration(s->arena, used));
	if (s->plan->window > 0)
		textbuf_printf(out, " of the %s window", render_duration(s->arena, s->plan->window));
	int64_t left = run_worst_remaining(s->run);
	textbuf_printf(out, "; worst case of what remains: %s", render_duration(s->arena, left));
	if (s->plan->window > 0 && used + left > s->plan->window)
		textbuf_printf(out, ", %s beyond the window", render_duration(s->arena, used + left - s->plan->window));
	textbuf_puts(out, "\n");
}

void run_view_status(const struct run_session *s, struct textbuf *out)
{
	const struct journal *j = s->journal;
	const struct eng_state *st = s->run->state;
	textbuf_printf(out, "Run of plan %s (%s), journal %s\n", s->plan->name, safe(s, s->plan_path),
		       safe(s, s->journal_path));
	if (!j->has_header) {
		textbuf_puts(out, "Nothing recorded yet: the journal begins with the first entry.\n");
	} else {
		textbuf_printf(out, "Begun %s by %s with bfplan %s; %zu entr%s\n",
			       run_view_time(s->arena, j->header.created), safe(s, j->header.by), safe(s, j->header.bfplan),
			       j->count, j->count == 1 ? "y" : "ies");
	}
	textbuf_printf(out, "Stage: %s", eng_stage_word(st->stage));
	if (st->step)
		textbuf_printf(out, ", step %u of %u%s", st->step, eng_step_count(s->run->model),
			       st->in_failure_step ? " (its failure step)" : "");
	textbuf_puts(out, "\n");
	textbuf_puts(out, "Nodes:");
	for (uint32_t i = 0; i < eng_node_count(s->run->model); i++) {
		const struct eng_node *n = &st->nodes[i];
		textbuf_printf(out, "%s %s %s%s%s", i ? "," : "", eng_node_name(s->run->model, i),
			       eng_node_state_def(s->run->model, n->state)->name, n->pending ? " (Pending Restart)" : "",
			       n->lost ? " (lost)" : "");
	}
	if (st->witness_offline)
		textbuf_puts(out, "; the witness is offline");
	textbuf_printf(out, "; votes %u of %u up, %u needed\n", eng_votes(st), eng_votes_total(s->run->model),
		       eng_votes_needed(s->run->model));
	time_line(s, out);
	duty(s, out);
	if (s->run->deviations.len)
		textbuf_printf(out, "Deviations recorded: %zu ('report' lists them)\n", s->run->deviations.len);
}

void run_view_next(const struct run_session *s, struct textbuf *out)
{
	duty(s, out);
	textbuf_puts(out, "Record it with:\n");
	struct textbuf cmds;
	textbuf_init(&cmds, s->arena);
	run_allowed_commands(s->run, s->prefix, &cmds);
	for (const char *p = cmds.data; *p;) {
		const char *nl = strchr(p, '\n');
		textbuf_printf(out, "  %.*s\n", (int)(nl - p), p);
		p = nl + 1;
	}
}

/* One entry in words, for the acknowledgement and the report: "step 3 failed on EXNODE1: reason". */
static const char *entry_words(const struct run_session *s, const struct journal_entry *e, bool escape)
{
	struct arena *a = s->arena;
	const char *what = e->step ? run_step_words(a, e->step) : "";
	const char *on = e->target ? arena_printf(a, " on %s", e->target) : "";
	const char *text = NULL;
	switch (e->type) {
	case JOURNAL_START:
		return arena_printf(a, "%s started", what);
	case JOURNAL_DONE:
		return arena_printf(a, "%s %s%s", what, e->step[0] == 'P' ? "passed" : "done", on);
	case JOURNAL_FAIL:
		text = arena_printf(a, "%s failed%s: %s", what, on, e->reason);
		break;
	case JOURNAL_PENDING:
		text = arena_printf(a, "%s waits in Pending Restart%s", what, on);
		break;
	case JOURNAL_WITNESS_OFFLINE:
		text = e->text ? arena_printf(a, "the quorum witness went offline: %s", e->text)
			       : "the quorum witness went offline";
		break;
	case JOURNAL_NODE_LOST:
		text = arena_printf(a, "%s was lost", e->target);
		break;
	case JOURNAL_NOTE:
		text = arena_printf(a, "note: %s", e->text);
		break;
	case JOURNAL_ABORT:
		text = arena_printf(a, "run aborted: %s", e->reason);
		break;
	case JOURNAL_ACCEPT_PLAN:
		return arena_printf(a, "the plan changed (hash %.12s... was %.12s...): the run goes on with it",
				    e->plan_sha256, e->was);
	case JOURNAL_SET_ASIDE:
		text = arena_printf(a, "a torn line %llu (%llu bytes) was set aside into %s", (unsigned long long)e->line,
				    (unsigned long long)e->bytes, e->file);
		break;
	case JOURNAL_INTENT:
		text = e->step ? arena_printf(a, "intent for %s: %s", what, e->request)
			       : arena_printf(a, "intent: %s", e->request);
		break;
	case JOURNAL_ISSUED:
		return arena_printf(a, "the request of entry %llu made action %llu", (unsigned long long)e->intent,
				    (unsigned long long)e->action);
	case JOURNAL_TYPE_COUNT:
		break;
	}
	return escape && text ? safe(s, text) : text ? text : "";
}

void run_view_recorded(const struct run_session *s, const struct journal_entry *e, struct textbuf *out)
{
	textbuf_printf(out, "Recorded entry %llu in %s at %s by %s: %s.\n", (unsigned long long)e->seq,
		       safe(s, s->journal_path), run_view_time(s->arena, e->at), safe(s, e->by), entry_words(s, e, true));
	if (e->type == JOURNAL_WITNESS_OFFLINE || e->type == JOURNAL_NODE_LOST)
		fault_consequence(s, out);
	run_view_next(s, out);
}

/* ---- the report --------------------------------------------------------------------------- */

/* The outcome of a step's log in one word. */
static const char *outcome(const struct run_step_log *log)
{
	if (!log->started)
		return "not run";
	if (log->timed_out >= 0)
		return "timed out";
	if (log->failed)
		return "failed";
	return log->ended >= 0 ? "succeeded" : "running";
}

static void md(struct textbuf *out, const char *text)
{
	esc_markdown_append(out, text, strlen(text));
}

static const char *by_of(const struct run_step_log *log)
{
	return log->started ? log->started->by : "";
}

static void report_step_row(const struct run_session *s, const char *name, const char *what,
			    const struct run_step_log *log, struct textbuf *out)
{
	textbuf_printf(out, "| %s | ", name);
	md(out, what);
	textbuf_printf(out, " | %s | ", log->started ? run_view_time(s->arena, log->started->at) : "");
	md(out, by_of(log));
	textbuf_printf(out, " | %s | %s |\n",
		       log->ended >= 0 ? run_view_time(s->arena, wall(s, log->ended)) : "", outcome(log));
}

void run_view_report_md(const struct run_session *s, struct textbuf *out)
{
	const struct journal *j = s->journal;
	const struct run *r = s->run;
	textbuf_printf(out, "# Change record: plan %s\n\n", s->plan->name);
	textbuf_puts(out, "| | |\n| --- | --- |\n");
	textbuf_puts(out, "| Plan | `");
	textbuf_puts(out, s->plan->name);
	textbuf_puts(out, "`: ");
	md(out, s->plan->title.text ? s->plan->title.text : s->plan->name);
	textbuf_printf(out, " |\n| Plan hash (SHA-256) | `%s` |\n", s->plan_sha256);
	textbuf_puts(out, "| Journal | ");
	md(out, s->journal_path);
	if (j->has_header) {
		textbuf_printf(out, ", begun %s by ", run_view_time(s->arena, j->header.created));
		md(out, j->header.by);
		textbuf_puts(out, " with bfplan ");
		md(out, j->header.bfplan);
	}
	textbuf_printf(out, "; %zu entries |\n", j->count);
	textbuf_printf(out, "| Outcome | %s |\n", eng_stage_word(r->state->stage));
	int64_t used = r->state->clock;
	textbuf_printf(out, "| Time used | %s", render_duration(s->arena, used));
	if (s->plan->window > 0)
		textbuf_printf(out, " of the %s window", render_duration(s->arena, s->plan->window));
	textbuf_printf(out, " |\n| Worst case of the plan | %s |\n", render_duration(s->arena, s->plan->worst_case));
	textbuf_printf(out, "| Worst case of what remains | %s |\n", render_duration(s->arena, run_worst_remaining(r)));
	textbuf_printf(out, "| Report made | %s |\n\n", run_view_time(s->arena, s->now));

	textbuf_puts(out, "## Pre-flight checks\n\n| Check | What | Passed | By |\n| --- | --- | --- | --- |\n");
	for (size_t i = 0; i < r->check_count; i++) {
		const struct run_check *c = &r->checks[i];
		if (!c->check)
			continue;
		textbuf_printf(out, "| P%zu | ", i + 1);
		md(out, c->check->description.text);
		textbuf_printf(out, " | %s | ", c->passed ? run_view_time(s->arena, c->passed->at) : c->failed ? "failed" : "no");
		md(out, c->passed ? c->passed->by : "");
		textbuf_puts(out, " |\n");
	}
	textbuf_puts(out, "\n## Steps\n\n| Step | What | Started | By | Ended | Outcome |\n"
		     "| --- | --- | --- | --- | --- | --- |\n");
	for (uint32_t n = 1; n <= eng_step_count(r->model); n++) {
		const struct eng_step *st = step_of(s, n);
		const char *what = arena_printf(s->arena, "%s (%s), %s", st->item->title.text ? st->item->title.text
											     : st->item->name,
						st->item->name, render_targets(s->arena, st->phase));
		report_step_row(s, arena_printf(s->arena, "%u", n), what, &r->steps[n - 1], out);
		if (r->failure_steps[n - 1].started)
			report_step_row(s, arena_printf(s->arena, "F%u", n),
					arena_printf(s->arena, "failure step: %s", st->restore->name),
					&r->failure_steps[n - 1], out);
	}
	textbuf_puts(out, "\n## Deviations and failures\n\n");
	if (!r->deviations.len)
		textbuf_puts(out, "None.\n");
	for (size_t i = 0; i < r->deviations.len; i++) {
		const struct journal_entry *e = r->deviations.items[i];
		textbuf_printf(out, "- %s, ", run_view_time(s->arena, e->at));
		md(out, e->by);
		textbuf_puts(out, ": ");
		md(out, entry_words(s, e, false));
		textbuf_puts(out, "\n");
	}
	textbuf_puts(out, "\n## Entries\n\n| # | Time | By | Entry |\n| --- | --- | --- | --- |\n");
	for (size_t i = 0; i < j->count; i++) {
		const struct journal_entry *e = &j->entries[i];
		textbuf_printf(out, "| %llu | %s | ", (unsigned long long)e->seq, run_view_time(s->arena, e->at));
		md(out, e->by);
		textbuf_puts(out, " | ");
		md(out, entry_words(s, e, false));
		textbuf_puts(out, " |\n");
	}
}

/* An entry as the report's JSON gives it: its fields as the journal has them. */
static json_t *entry_json(const struct run_session *s, const struct journal_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "type", json_string(journal_type_name(e->type)));
	json_object_set_new(o, "at", json_string(run_view_time(s->arena, e->at)));
	json_object_set_new(o, "by", json_string(e->by));
	if (e->step)
		json_object_set_new(o, "step", json_string(e->step));
	if (e->target)
		json_object_set_new(o, "target", json_string(e->target));
	if (e->reason)
		json_object_set_new(o, "reason", json_string(e->reason));
	if (e->text)
		json_object_set_new(o, "text", json_string(e->text));
	json_object_set_new(o, "summary", json_string(entry_words(s, e, false)));
	return o;
}

static json_t *step_json(const struct run_session *s, const char *name, const char *item,
			 const struct run_step_log *log)
{
	json_t *o = json_object();
	json_object_set_new(o, "step", json_string(name));
	json_object_set_new(o, "name", json_string(item));
	json_object_set_new(o, "outcome", json_string(outcome(log)));
	json_object_set_new(o, "started_at", log->started ? json_string(run_view_time(s->arena, log->started->at)) : json_null());
	json_object_set_new(o, "started_by", log->started ? json_string(log->started->by) : json_null());
	json_object_set_new(o, "ended_at", log->ended >= 0 ? json_string(run_view_time(s->arena, wall(s, log->ended)))
							   : json_null());
	json_t *results = json_array();
	for (size_t i = 0; i < log->results.len; i++)
		json_array_append_new(results, entry_json(s, log->results.items[i]));
	json_object_set_new(o, "results", results);
	return o;
}

bool run_view_report_json(const struct run_session *s, struct textbuf *out)
{
	const struct journal *j = s->journal;
	const struct run *r = s->run;
	json_t *doc = json_object();
	json_object_set_new(doc, "format_version", json_integer(1));
	json_object_set_new(doc, "plan", json_string(s->plan->name));
	json_object_set_new(doc, "plan_sha256", json_string(s->plan_sha256));
	json_object_set_new(doc, "journal", json_string(s->journal_path));
	json_object_set_new(doc, "begun_at", j->has_header ? json_string(run_view_time(s->arena, j->header.created)) : json_null());
	json_object_set_new(doc, "begun_by", j->has_header ? json_string(j->header.by) : json_null());
	json_object_set_new(doc, "outcome", json_string(eng_stage_word(r->state->stage)));
	json_object_set_new(doc, "report_at", json_string(run_view_time(s->arena, s->now)));
	json_object_set_new(doc, "used_seconds", json_integer(r->state->clock));
	json_object_set_new(doc, "window_seconds", s->plan->window > 0 ? json_integer(s->plan->window) : json_null());
	json_object_set_new(doc, "worst_case_seconds", json_integer(s->plan->worst_case));
	json_object_set_new(doc, "remaining_worst_case_seconds", json_integer(run_worst_remaining(r)));
	json_t *checks = json_array();
	for (size_t i = 0; i < r->check_count; i++) {
		const struct run_check *c = &r->checks[i];
		if (!c->check)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "check", json_string(arena_printf(s->arena, "P%zu", i + 1)));
		json_object_set_new(o, "description", json_string(c->check->description.text));
		json_object_set_new(o, "passed_at", c->passed ? json_string(run_view_time(s->arena, c->passed->at)) : json_null());
		json_object_set_new(o, "passed_by", c->passed ? json_string(c->passed->by) : json_null());
		json_object_set_new(o, "failed", json_boolean(c->failed != NULL));
		json_array_append_new(checks, o);
	}
	json_object_set_new(doc, "preflight", checks);
	json_t *steps = json_array();
	for (uint32_t n = 1; n <= eng_step_count(r->model); n++) {
		const struct eng_step *st = step_of(s, n);
		json_array_append_new(steps, step_json(s, arena_printf(s->arena, "%u", n), st->item->name, &r->steps[n - 1]));
		if (r->failure_steps[n - 1].started)
			json_array_append_new(steps, step_json(s, arena_printf(s->arena, "F%u", n), st->restore->name,
							       &r->failure_steps[n - 1]));
	}
	json_object_set_new(doc, "steps", steps);
	json_t *deviations = json_array();
	for (size_t i = 0; i < r->deviations.len; i++)
		json_array_append_new(deviations, entry_json(s, r->deviations.items[i]));
	json_object_set_new(doc, "deviations", deviations);
	json_t *entries = json_array();
	for (size_t i = 0; i < j->count; i++)
		json_array_append_new(entries, entry_json(s, &j->entries[i]));
	json_object_set_new(doc, "entries", entries);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		return false;
	textbuf_puts(out, text);
	textbuf_putc(out, '\n');
	free(text);
	return true;
}
