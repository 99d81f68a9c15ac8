/*
 * emit.h - `bfplan build`: everything a checked plan compiles to.
 *
 * One call renders every output of a build from the lowered program
 * (lower.h), validates each .bes against BES.xsd when asked, and writes
 * them all atomically (outset.h), or none of them if anything failed:
 *
 *   OUTDIR/PLAN.bes         per plan: pre-flight Fixlets and one Baseline per node
 *   OUTDIR/checklist.md     the operator's checklist, all plans of the build
 *   OUTDIR/checklist.html   the same as one self-contained page with tick boxes
 *   OUTDIR/plan.json        the lowered plans, for other tools and the runtime
 *   the depfile             when asked (-MD -MF FILE [-MT TARGET])
 *
 * docs/output.md describes each file.  The emitters read only the lowered
 * program, never the syntax tree, and report only through the sink.
 */
#ifndef BFPLAN_EMIT_H
#define BFPLAN_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "lower.h"

enum emit_newline {
	EMIT_NEWLINE_CRLF, /* the default: what console exports and BigFix lint tools expect */
	EMIT_NEWLINE_LF,
};

/* How a Baseline component refers to its source Fixlet (docs/output.md, section 2.4). */
enum emit_component_form {
	/*
	 * The default.  Attributes only (SourceSiteURL, SourceID, ActionName):
	 * the server copies relevance and action from the source at import, so
	 * the baseline cannot drift from the published Fixlet and bfplan needs
	 * no copy of vendor content.  Imports through the REST API.
	 */
	EMIT_COMPONENTS_REFERENCE,
	/*
	 * Name, ActionScript, SuccessCriteria and Relevance spelled out, as a
	 * console export has them; needs each Fixlet's relevance and action
	 * script in the catalog.  Imports through the console as well.
	 */
	EMIT_COMPONENTS_FULL,
};

/* A gather URL given on the command line (--site-url NAME=URL); wins over the catalog's. */
struct emit_site_url {
	const char *name; /* the plan-language site name: server-automation */
	const char *url;
};

struct emit_options {
	enum emit_newline newline;              /* line ends of the .bes files only */
	enum emit_component_form components;
	const struct emit_site_url *site_urls;
	size_t site_url_count;
	bool has_epoch;                         /* SOURCE_DATE_EPOCH was set (and parsed) */
	int64_t epoch;                          /* seconds since 1970, UTC */
	const char *schema_path;                /* BES.xsd to validate against, or NULL for none */
	const char *depfile_path;               /* -MF, or NULL for no depfile */
	const char *depfile_target;             /* -MT, or NULL for OUTDIR/plan.json */
	bool depfile_phony;                     /* -MP: an empty rule per prerequisite */
};

/* CRLF, reference-only components, no epoch, no schema, no depfile. */
void emit_options_init(struct emit_options *opts);

enum emit_status {
	EMIT_OK,          /* every file written */
	EMIT_PLAN_ERRORS, /* errors reported against the plan or its content; nothing written (exit 1) */
	EMIT_IO_ERROR,    /* an output or the schema could not be written or read; nothing written (exit 2) */
};

/*
 * Renders, validates (when opts->schema_path is set) and writes every
 * output of the program into `outdir`, creating it if needed.  Files are
 * written only if no error was reported; the sink says what went wrong.
 */
enum emit_status emit_build(struct arena *arena, const struct lw_program *program,
			    const struct emit_options *opts, struct diag_sink *diags, const char *outdir);

/* Parses "NAME=URL" for --site-url; false if either side is empty. */
bool emit_parse_site_url(struct arena *arena, const char *arg, struct emit_site_url *out);

/*
 * Parses SOURCE_DATE_EPOCH: ASCII digits only, at most 253402300799
 * (9999-12-31T23:59:59Z, the last second with a four-digit year).  The
 * caller reports BFP407 when it returns false.
 */
bool emit_parse_source_date_epoch(const char *text, int64_t *value);

/* ---- shared by the emitters ------------------------------------------------ */

/* The gather URL of a site: the command line's, else the catalog's, else NULL. */
const char *emit_gather_url(const struct emit_options *opts, const struct lw_site *site);

/* "Thu, 14 Sep 2017 20:28:36 +0000", the same in every locale. */
const char *emit_rfc2822_date(struct arena *arena, int64_t epoch);

/* "2 h 5 min", "45 min", "30 s": how the checklist and the descriptions show durations. */
const char *emit_duration(struct arena *arena, int64_t seconds);

/* "Task 110" or "Fixlet 40301". */
const char *emit_fixlet_kind(const struct lw_fixlet *fixlet);

/* "passive-first", "active-first", "explicit": the plan language's words. */
const char *emit_order_name(enum lw_order order);

/* "never", "may", "clears". */
const char *emit_restart_name(enum lw_restart restart);

/* The file name of a plan's BES content: "patch-exch01.bes". */
const char *emit_bes_file_name(struct arena *arena, const struct lw_plan *plan);

#endif
