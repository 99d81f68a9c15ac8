/*
 * bes.h - a plan's BigFix content: PLAN.bes, valid against BES.xsd.
 *
 * For one lowered plan: a pre-flight Fixlet per prerequisite (relevant on
 * the cluster's nodes where it is missing), then one Baseline per baseline
 * the plan uses: its patch components in order and the restart, each
 * pointing at its source Fixlet by site gather URL, ID and action.  That
 * Baseline is what the patch step of the Automation Plan runs; the node
 * steps (pause, move groups, resume) are steps of the plan itself, because
 * a Baseline stops at its first failed component and has no failure step
 * (docs/execution.md).  Written with libxml2's streaming writer, so every
 * piece of text is escaped by the writer and checked by us first for what
 * XML cannot carry at all.
 */
#ifndef BFPLAN_EMIT_BES_H
#define BFPLAN_EMIT_BES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/textbuf.h"
#include "diag/diag.h"
#include "lower/lower.h"

enum bes_newline {
	BES_NEWLINE_CRLF, /* the default: what console exports and BigFix lint tools expect */
	BES_NEWLINE_LF,
};

/* How a Baseline component refers to its source Fixlet (docs/output.md). */
enum bes_components {
	/*
	 * The default.  Attributes only (SourceSiteURL, SourceID, ActionName):
	 * the server copies relevance and action from the source at import, so
	 * the baseline cannot drift from the published Fixlet and bfplan needs
	 * no copy of vendor content.  Imports through the REST API.
	 */
	BES_COMPONENTS_REFERENCE,
	/*
	 * Name, ActionScript, SuccessCriteria and Relevance spelled out, as a
	 * console export has them; needs each Fixlet's relevance and action
	 * script in the catalog.  Imports through the console as well.
	 */
	BES_COMPONENTS_FULL,
};

struct bes_options {
	enum bes_newline newline;
	enum bes_components components;
	bool has_epoch;                /* SOURCE_DATE_EPOCH was set: stamp x-fixlet-modification-time */
	int64_t epoch;                 /* seconds since 1970, UTC */
	/*
	 * The caller has checked every text the plan's file uses for what XML
	 * cannot carry (a build does, out/build.c, before any output): the
	 * writer then does not check them again.
	 */
	bool texts_checked;
};

/*
 * What the plans of one build share: the descriptions of catalog Fixlets
 * and unconfirmed facts, escaped for the first plan that names them and
 * copied for the rest.  In the arena given, which must outlive the plans.
 */
struct bes_shared;
struct bes_shared *emit_bes_shared_new(struct arena *arena);

/*
 * Renders the plan into `out` (initialised by the caller) as it goes: a
 * drained buffer streams the file.  Returns false after reporting (text
 * XML cannot carry: BFP401; a line break inside an ActionScript line:
 * BFP402; a gather URL nobody gave: BFP403; catalog content the full
 * component form needs and lacks); what `out` received is then unusable.
 * `shared` may be NULL: nothing is then kept from one plan to the next.
 */
bool emit_bes_plan(struct arena *arena, const struct lw_plan *plan, const struct bes_options *opts,
		   struct bes_shared *shared,
		   struct diag_sink *diags, struct textbuf *out);

/*
 * What a Baseline component needs beyond its own text, checked once per
 * site and per Fixlet for a whole build before anything is rendered (the
 * renderer repeats the checks, so it is safe on its own too):
 *
 *   the site's gather URL is known (BFP403 at the site, a note where a
 *   Fixlet of it is used);
 *   in the full component form, the Fixlet has relevance and an action
 *   script in the catalog, and no line of the script holds a carriage
 *   return that does not end it (BFP402).
 */
bool emit_bes_check_site(const struct lw_site *site, const struct lw_fixlet *used, struct src_span used_at,
			 struct diag_sink *diags);
bool emit_bes_check_fixlet(struct arena *arena, const struct bes_options *opts, const struct lw_fixlet *fixlet,
			   struct src_span used_at, struct diag_sink *diags);

/* A prerequisite's pre-flight Fixlet needs its detection relevance (BFP409). */
bool emit_bes_check_prereq(const struct lw_prereq *prereq, struct diag_sink *diags);

#endif
