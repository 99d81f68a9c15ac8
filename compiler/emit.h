/*
 * emit.h - `bfplan build`: everything a checked plan compiles to.
 *
 * One call renders every output of a build from the lowered program
 * (lower.h), validates each .bes against BES.xsd when asked, and writes
 * them all atomically (outset.h), or none of them if anything failed:
 *
 *   OUTDIR/PLAN.bes         per plan: pre-flight Fixlets and the patch Baseline
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
#include "emit_bes.h"
#include "lower.h"

struct emit_options {
	struct bes_options bes;                 /* line ends, component form, SOURCE_DATE_EPOCH */
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

/*
 * Parses SOURCE_DATE_EPOCH: ASCII digits only, at most 253402300799
 * (9999-12-31T23:59:59Z, the last second with a four-digit year).  The
 * caller reports BFP407 when it returns false.
 */
bool emit_parse_source_date_epoch(const char *text, int64_t *value);

#endif
