/*
 * emit_bes.h - a plan's BigFix content: PLAN.bes, valid against BES.xsd.
 *
 * For one lowered plan: a pre-flight Fixlet per prerequisite (relevant on
 * the cluster's nodes where it is missing), then one Baseline per node in
 * patch order, whose components are that node's steps, each pointing at
 * its source Fixlet by site gather URL, ID and action.  Written with
 * libxml2's streaming writer, so every piece of text is escaped by the
 * writer and checked by us first for what XML cannot carry at all.
 */
#ifndef BFPLAN_EMIT_BES_H
#define BFPLAN_EMIT_BES_H

#include <stdbool.h>

#include "diag.h"
#include "emit.h"
#include "lower.h"
#include "textbuf.h"

/*
 * Renders the plan into `out` (initialised by the caller).  Returns false
 * after reporting (text XML cannot carry: BFP401; a line break inside an
 * ActionScript line: BFP402; a gather URL nobody gave: BFP403; catalog
 * content the full component form needs and lacks); `out` is then unusable.
 */
bool emit_bes_plan(struct arena *arena, const struct lw_plan *plan, const struct emit_options *opts,
		   struct diag_sink *diags, struct textbuf *out);

/*
 * What a Baseline component needs beyond its own text, checked once per
 * site and per Fixlet for a whole build before anything is rendered (the
 * renderer repeats the checks, so it is safe on its own too):
 *
 *   the site's gather URL is known (BFP403 at the site, a note at `use`);
 *   in the full component form, the Fixlet has relevance and an action
 *   script in the catalog, and no line of the script holds a carriage
 *   return that does not end it (BFP402).
 */
bool emit_bes_check_site(struct arena *arena, const struct emit_options *opts, const struct lw_site *site,
			 const struct lw_component *use, struct diag_sink *diags);
bool emit_bes_check_fixlet(struct arena *arena, const struct emit_options *opts,
			   const struct lw_fixlet *fixlet, const struct lw_component *use,
			   struct diag_sink *diags);

/* "patch-exch01 1/2 EXNODE1 (passive)": the title of a node's Baseline. */
const char *emit_bes_baseline_title(struct arena *arena, const struct lw_plan *plan,
				    const struct lw_node *node);

/* "bfplan pre-flight: Microsoft .NET Framework 4.0 missing on cluster exch01" */
const char *emit_bes_preflight_title(struct arena *arena, const struct lw_plan *plan,
				     const struct lw_prereq *prereq);

#endif
