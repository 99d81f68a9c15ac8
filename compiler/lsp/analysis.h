/*
 * analysis.h - one plan file checked as `bfplan check` checks it, kept for
 * the editor's questions.
 *
 * An analysis runs the same stages as check (load with every `use`,
 * resolve, check) on the text the editor holds, and keeps what they
 * found: the diagnostics, the resolved world with its name index, the
 * checker's facts per plan.  It owns one arena, freed with it, so the
 * memory of an open document is that of one check of it (and of the
 * last one that resolved, which completion falls back on while the text
 * does not parse).
 */
#ifndef BFPLAN_LSP_ANALYSIS_H
#define BFPLAN_LSP_ANALYSIS_H

#include <setjmp.h>
#include <stdbool.h>

#include "sema/check.h"
#include "diag/diag.h"
#include "front/load.h"
#include "sema/resolve.h"
#include "base/source.h"
#include "lsp/text.h"

struct analysis_options {
	const char *const *include_dirs; /* -I */
	size_t include_count;
	const char *search_path;         /* BFPLAN_PATH */
	const char *stdlib_dir;
	const char *stdlib_sought;       /* without one, where it was looked for */
	const struct diag_allow *const *allows; /* allowed everywhere (--allow, bfplan.ini) */
	size_t allow_count;
	const bool *denied;              /* per code: --deny; or NULL */
	const char *(*overlay)(void *ctx, const char *path, size_t *len); /* the editor's open files */
	void *overlay_ctx;
	const char *uri;                 /* the root file's URI, as the editor spells it */
};

struct analysis {
	struct arena arena;
	jmp_buf out_of_memory;
	struct src_manager sm;
	struct diag_sink diags;
	uint32_t root;
	const char *uri;           /* the root file's URI */
	bool loaded;               /* the root file was read */
	bool resolved;             /* no error before resolving: world and index are filled */
	struct world world;
	struct name_index index;
	struct checked_program checked;
	const char **real;         /* per file: its path with links resolved, as the overlay is asked */
	struct text_lines **lines; /* per file: its protocol lines, made when first needed */
};

/* Checks the file at `path` (the editor's text for it, if it has one); NULL if memory ran out. */
struct analysis *analysis_run(const char *path, const struct analysis_options *o);
void analysis_free(struct analysis *a);

const struct text_lines *analysis_lines(struct analysis *a, uint32_t file);

/* Whether the analysis read the file whose real path is `real`. */
bool analysis_reads(const struct analysis *a, const char *real);

/* What a name at a place means: a declaration, or a node of a cluster. */
struct analysis_hit {
	struct src_span span;               /* the name under the cursor */
	const struct name_def *def;         /* a declaration, or NULL for a node */
	const struct node_ent *node;        /* a node (its declaration in the cluster) */
	const struct cluster_ent *cluster;  /* the node's cluster */
	const struct plan_ent *plan;        /* the plan the name is written in, if any */
	const struct component_ent *component; /* a baseline's line that is not a name (`fixlet 501 site S`) */
	uint32_t used;                      /* a `use` line: the file it reads (0 when none: the root uses none) */
};

bool analysis_hit_at(const struct analysis *a, uint32_t file, uint32_t offset, struct analysis_hit *hit);

/*
 * Where what `hit` names is declared: a node's place in its cluster, a
 * declaration's name (for a baseline line, the catalog entry it runs);
 * false for a line whose Fixlet is declared nowhere (`fixlet 501 site S`
 * of a Fixlet the catalog does not know).  Narrows `hit` to that
 * declaration.
 */
bool analysis_declared(const struct analysis *a, struct analysis_hit *hit, struct src_span *decl);

/*
 * The hit, in another analysis, of the declaration at byte `begin` of the
 * file whose real path is `real`: the same declaration seen from another
 * open plan.  False if that analysis does not read the file or has no
 * declaration there.
 */
bool analysis_find_decl(const struct analysis *a, const char *real, uint32_t begin, struct analysis_hit *out);

/* The plan whose declaration holds the place, or NULL. */
const struct plan_ent *analysis_plan_at(const struct analysis *a, uint32_t file, uint32_t offset);

/* Every place that names what `hit` names, its declaration first: spans into `out`. */
void analysis_references(struct analysis *a, const struct analysis_hit *hit, struct ptrvec *out);

/* The facts the checker settled for a plan, or NULL. */
const struct plan_facts *analysis_facts(const struct analysis *a, const struct plan_ent *plan);

#endif
