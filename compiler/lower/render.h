/*
 * render.h - the formatting the emitters share, below all of them.
 *
 * Words and numbers that more than one output shows the same way: how a
 * duration, a date, a Fixlet's kind or a failure behaviour reads, and the
 * stdlib's advice texts filled in for one node.  It decides nothing about
 * the plan: that is the lowered plan's job (lower.h).  No emitter includes
 * another emitter's header or the build driver's; they all include this.
 */
#ifndef BFPLAN_RENDER_H
#define BFPLAN_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "lower/lower.h"

/* "Thu, 14 Sep 2017 20:28:36 +0000", the same in every locale (RFC 2822, as BigFix's MIME fields). */
const char *render_rfc2822_date(struct arena *arena, int64_t epoch);

/* "2026-11-14 22:00 UTC": a time of the change window, the same in every locale. */
const char *render_utc_time(struct arena *arena, int64_t epoch);

/*
 * Reads "2026-11-14T22:00Z" or "2026-11-14T22:00:30Z" (ISO 8601, UTC, as
 * --window-start takes it) into seconds since 1970-01-01.  False for
 * anything else, or a date before 1970 or after 9999.
 */
bool render_parse_utc_time(const char *text, int64_t *epoch);

/* "2 h 5 min", "45 min", "30 s": how the checklist and the descriptions show durations. */
const char *render_duration(struct arena *arena, int64_t seconds);

/* "Task" or "Fixlet". */
const char *render_fixlet_kind(const struct lw_fixlet *fixlet);

/* "passive-first", "active-first", "explicit": the plan language's words. */
const char *render_order_name(enum lw_order order);

/* "never", "may", "clears". */
const char *render_restart_name(enum lw_restart restart);

/* "node-majority", "node-and-witness", "disk-only". */
const char *render_quorum_name(enum lw_quorum_model model);

/* "stop-plan", "hold", "continue-on-all-targets": what a failure leads to, for machines. */
const char *render_failure_name(enum lw_failure failure);

/* "pause-until-restart-completes", "all-step-targets", "keep-non-reporting": the settings, for machines. */
const char *render_pending_restart_name(enum lw_pending_restart setting);
const char *render_failure_targets_name(enum lw_failure_targets setting);
const char *render_non_reporting_name(enum lw_non_reporting setting);

/* The site as people know it: its display name, else its plan-language name. */
const char *render_site_label(const struct lw_site *site);

/* "EXNODE1, EXNODE2": the nodes a step of this phase targets. */
const char *render_targets(struct arena *arena, const struct lw_phase *phase);

/*
 * An advice text of the plan (verify, on-failure, a note) with {node},
 * {server} and {cluster} filled in; `node` is NULL where the text is shown
 * for the whole cluster.  NULL text stays NULL.
 */
const char *render_advice(struct arena *arena, const char *text, const struct lw_plan *plan, const char *node);

/*
 * What advice said once for every node of a step has in place of the
 * node's name (the checklist's advice paragraphs, plan.json's advice):
 * each node the step targets is put in for it.
 */
#define RENDER_ANY_NODE "\u2039node\u203A"

/*
 * The number of a mark among the plan's unconfirmed facts (U<number> in
 * the checklist, "unconfirmed" in plan.json), or 0 if the plan does not
 * list it.
 */
unsigned render_mark_number(const struct lw_plan *plan, const struct lw_mark *mark);

/* Whether an advice text reads differently from node to node. */
int render_advice_varies(const char *text);

#endif
