/*
 * build.h - `bfplan build`: everything a checked plan compiles to.
 *
 * One call lowers, renders and writes every output of a build, a plan at
 * a time (lower.h hands them out): each plan's memory is freed once its
 * files are written, so a build's memory does not grow with the number
 * of plans.  It validates each .bes against BES.xsd when asked, and writes
 * everything atomically (outset.h), or nothing if anything failed:
 *
 *   OUTDIR/PLAN.bes             per plan: pre-flight Fixlets and the patch Baseline
 *   OUTDIR/PLAN.checklist.md    per plan: the operator's checklist
 *   OUTDIR/PLAN.checklist.html  the same as one self-contained page with tick boxes
 *   OUTDIR/PLAN.review.md, .html  per plan: the proofs, unconfirmed facts and recipe, for review
 *   OUTDIR/checklist.md, .html  the index of the plans' checklists
 *   OUTDIR/plan.json            the lowered plans, for other tools and the runtime
 *   OUTDIR/bfplan.manifest      what this build wrote, for the next one
 *   the depfile                 when asked (-MD -MF FILE [-MT TARGET])
 *
 * --emit chooses among the .bes files, the checklists and plan.json.
 * docs/output.md describes each file.  The emitters read only the lowered
 * program, never the syntax tree, and report only through the sink.
 */
#ifndef BFPLAN_EMIT_H
#define BFPLAN_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/symtab.h"
#include "diag/diag.h"
#include "emit/bes.h"
#include "lower/lower.h"

/* The outputs --emit chooses from. */
enum emit_output {
	EMIT_BES = 1u << 0,       /* PLAN.bes */
	EMIT_CHECKLIST = 1u << 1, /* PLAN.checklist.md and .html, and their index */
	EMIT_JSON = 1u << 2,      /* plan.json */
	EMIT_ALL = EMIT_BES | EMIT_CHECKLIST | EMIT_JSON,
};

struct emit_options {
	struct bes_options bes;                 /* line ends, component form, SOURCE_DATE_EPOCH */
	const char *schema_path;                /* BES.xsd to validate against, or NULL for none */
	const char *depfile_path;               /* -MF, or NULL for no depfile */
	const char *depfile_target;             /* -MT, or NULL for OUTDIR/plan.json (bfplan.manifest without it) */
	bool depfile_phony;                     /* -MP: an empty rule per prerequisite */
	unsigned outputs;                       /* enum emit_output bits (--emit) */
	bool json_indent;                       /* --json-indent: plan.json indented, else compact */
	bool sync;                              /* --sync: every file on disk before the build ends */
	const char *run_id;                     /* --run-id, or NULL: each plan's is derived (emit.c) */
	bool has_window_start;                  /* --window-start was given */
	int64_t window_start;                   /* seconds since 1970-01-01 UTC */
	const char *previous;                   /* --previous: the earlier plan file, as named; or NULL */
	const struct symtab *previous_changes;  /* plan name -> struct ptrvec * of struct checklist_change * */
};

/* CRLF, reference-only components, no epoch, no schema, no depfile, every output, compact, no sync. */
void emit_options_init(struct emit_options *opts);

enum emit_status {
	EMIT_OK,          /* every file written */
	EMIT_PLAN_ERRORS, /* errors reported against the plan or its content; nothing written (exit 1) */
	EMIT_IO_ERROR,    /* an output or the schema could not be written or read; nothing written (exit 2) */
};

/*
 * Lowers (through `plans`), renders, validates (when opts->schema_path is
 * set) and writes every output of the build into `outdir`, creating it if
 * needed.  Files take their place only if no error was reported; the sink
 * says what went wrong.  `arena` holds what the whole build needs; each
 * plan gets an arena of its own.
 */
enum emit_status emit_build(struct arena *arena, struct lowering *plans, const struct emit_options *opts,
			    struct diag_sink *diags, const char *outdir);

/*
 * A run ID given with --run-id: 1 to 64 letters, digits and - _ . :, so
 * that it can be typed, printed and used in a storage key as it is.
 */
bool emit_run_id_ok(const char *run_id);

/* "bes,checklist": the --emit list as enum emit_output bits; false for an empty list or an unknown word. */
bool emit_parse_outputs(const char *list, unsigned *outputs);

/*
 * Parses SOURCE_DATE_EPOCH: ASCII digits only, at most 253402300799
 * (9999-12-31T23:59:59Z, the last second with a four-digit year).  The
 * caller reports BFP407 when it returns false.
 */
bool emit_parse_source_date_epoch(const char *text, int64_t *value);

#endif
