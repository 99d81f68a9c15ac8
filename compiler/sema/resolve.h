/*
 * resolve.h - from syntax trees to the world a plan lives in.
 *
 * The resolver walks every loaded file's declarations, checks each block's
 * statements against what its kind accepts, and binds every name to its
 * declaration: the sites, OSes, node states, prerequisites, Fixlets, steps
 * and roles the standard library declares, and the clusters, baselines and
 * plans of the user's files.  It knows the language, not BigFix: every fact
 * about Fixlets and node states arrives as data from stdlib/.
 *
 * The result, struct world, is what the checker proves things about and
 * what the lowering turns into struct lw_plan.
 */
#ifndef BFPLAN_RESOLVE_H
#define BFPLAN_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "diag/diag.h"
#include "front/ast.h"
#include "front/load.h"
#include "base/ptrmap.h"
#include "model/catalog.h"

struct os_ent {
	const char *name;
	struct lw_text title;
	struct src_span decl;
	struct cptrvec marks;      /* const struct lw_mark *: on the release itself */
	/* relevance TRUE on a node that sees its cluster's witness online; NULL text: none known */
	struct lw_text witness_online;
	struct cptrvec witness_marks; /* const struct lw_mark *: the marks on witness-online */
};

struct state_ent {
	const char *name;
	struct lw_text title;
	bool initial, final, waits;
	struct src_span decl;
	struct cptrvec marks;      /* const struct lw_mark * */
};

struct site_ent {
	struct lw_site lw;
	struct lw_text masthead;   /* the site's name on the server, when it differs from its display name */
	bool url_extended;         /* an extension gave its gather URL ... */
	struct src_span url_given; /* ... here */
};

struct prereq_ent;

/* Which statements a Fixlet declaration wrote, and where: what an import supplies, and what a diagnostic points at. */
struct fixlet_given {
	struct src_span title, action, relevance, actionscript, restart, os, needs, kind;
	bool has_title, has_action, has_relevance, has_actionscript, has_restart, has_os, has_needs;
	bool has_success;
};

struct fixlet_ent {
	struct lw_fixlet lw;
	struct ptrvec oses;        /* struct os_ent * */
	struct ptrvec needs;       /* struct prereq_ent * */
	struct src_span needs_span;
	struct lw_text note;
	/*
	 * What to verify after it runs, when that depends on the Fixlet (the
	 * tools of its Windows release) rather than on the step: it replaces
	 * the step's `verify` where this variant runs.  NULL text: the step's.
	 */
	struct lw_text verify;
	/*
	 * Imported content (`imported-from`) fills the catalog entry of the
	 * same site and ID: the resolver copies what it supplies there, and
	 * every reference to the imported declaration's own name then means
	 * that entry.
	 */
	struct fixlet_given given;
	bool imported;
	struct fixlet_ent *merged_into; /* the catalog entry it filled, or NULL */
	bool restart_from_script;  /* `pending-restart` was read from its actionscript lines */
};

struct prereq_ent {
	struct lw_prereq lw;       /* provider and needs filled in by the resolver */
	struct fixlet_ent *provider;
	struct ptrvec needs;       /* struct prereq_ent * */
	struct src_span needs_span;
};

struct role_ent {
	struct lw_role lw;         /* server is per cluster: left empty here */
	struct fixlet_ent *detect;
	struct ptrvec needs;       /* struct prereq_ent * */
	struct src_span needs_span;
	struct src_span decl;
};

struct step_ent {
	const char *name;
	struct lw_text title;
	struct ptrvec from;        /* struct state_ent * */
	struct state_ent *to;
	struct src_span from_span, to_span;
	struct ptrvec run;         /* struct fixlet_ent *: OS variants */
	struct src_span run_span;
	bool takes_baseline;
	int64_t timeout;           /* seconds; 0 when not declared */
	struct step_ent *undo;
	struct src_span undo_span;
	struct role_ent *role;
	struct lw_text verify, on_failure; /* templates (template.h) */
	struct lw_text not_relevant;   /* what a target reporting Not Relevant means, and what to do (template) */
	bool hold_on_failure;      /* a failure leaves the node as it is: a person decides */
	bool must_succeed;         /* a failure stops the plan even where a plan marks it optional */
	struct src_span must_succeed_span;
	struct src_span decl;
	struct cptrvec marks;      /* const struct lw_mark * */
};

struct node_ent {
	const char *name;
	struct src_span span;
};

/* How the cluster keeps quorum: who has a vote. */
enum quorum_model {
	QUORUM_NODE_MAJORITY,   /* each node votes; more than half must be up */
	QUORUM_NODE_AND_WITNESS,/* nodes and a disk or file-share witness vote */
	QUORUM_DISK_ONLY,       /* the quorum disk decides: one node up is enough */
};

/* Which rule bounds max-down (docs/language.md, "Quorum"). */
enum quorum_rule {
	QUORUM_RULE_VOTES,      /* Microsoft's vote count for the cluster's model (the default) */
	QUORUM_RULE_HCL,        /* HCL's procedure: more than half of the nodes up, except disk-only */
};

struct cluster_ent {
	const char *name;
	struct lw_text title;
	struct os_ent *os;         /* NULL when missing, unknown or mixed (already reported) */
	struct src_span os_span;
	struct ptrvec nodes;       /* struct node_ent * */
	struct src_span nodes_span;
	enum quorum_model quorum;
	struct src_span quorum_span; /* file == SRC_NO_FILE when defaulted */
	bool quorum_unknown;       /* the quorum line names no model (reported): no quorum is proven */
	struct role_ent *role;     /* NULL for a cluster without a clustered role */
	bool role_unknown;         /* a role line names no role (reported): what needs the role is not judged */
	struct lw_text role_server;
	struct src_span role_span;
	struct src_span decl;
};

/* One component line of a baseline. */
struct component_ent {
	struct fixlet_ent *fixlet;  /* the catalog entry, or an anonymous one made for `fixlet 501 site ...` */
	bool is_restart;            /* written as `restart` */
	enum lw_include include;    /* `include-in-relevance true|false`, else LW_INCLUDE_DEFAULT */
	struct step_ent *restart_step; /* `restart` without a name: the step whose variant to use */
	bool as_step;               /* `restart ... as-step`: run after the Baseline, as a step of its own */
	struct src_span span;
};

struct baseline_ent {
	const char *name;
	struct lw_text title;
	struct ptrvec components;   /* struct component_ent * */
	/*
	 * Its `restart ... as-step` line, or NULL: the restart is then no
	 * component of the Baseline the .bes holds, but a step of its own
	 * after every step that runs the baseline (struct seq_item.restart_of).
	 */
	const struct component_ent *as_step;
	bool incomplete;            /* a component line did not resolve (reported) */
	struct src_span decl;
};

/*
 * One line of `each node { ... }`, or the restart step the resolver adds
 * after a step whose baseline says `restart as-step` (restart_of is then
 * that baseline, span its restart line, and fixlet the Fixlet the line
 * names, NULL for the step's own variant).
 */
struct seq_item {
	struct step_ent *step;
	struct baseline_ent *baseline; /* the argument of a step that takes one */
	const struct baseline_ent *restart_of; /* the baseline whose restart this step runs, or NULL */
	struct fixlet_ent *fixlet;  /* runs this instead of the step's variant for the OS, or NULL */
	struct src_span span;
	bool optional;              /* after the span: no padding (a plan file holds many items) */
};

struct require_ent {
	struct prereq_ent *prereq;
	struct src_span span;
};

struct timeout_override {
	struct step_ent *step;
	int64_t seconds;
	struct src_span span;
};

struct order_constraint {
	struct node_ent *before, *after;
	struct src_span span;
};

struct plan_ent {
	const char *name;
	struct lw_text title;
	struct cluster_ent *cluster;
	struct src_span cluster_span;
	enum lw_order order;
	bool order_given;
	struct src_span order_span;
	struct ptrvec constraints;  /* struct order_constraint * */
	struct node_ent *active;    /* the expected role holder; NULL: the last node listed */
	struct src_span active_span;
	unsigned max_down;
	bool max_down_given;
	struct src_span max_down_span;
	enum quorum_rule quorum_rule;
	struct src_span quorum_rule_span; /* file == SRC_NO_FILE when not written (votes, and BFP333 may say so) */
	int64_t window;             /* 0 when none */
	struct src_span window_span;
	struct lw_text owner;       /* the change owner (`owner "NAME" contact "HOW"`); NULL text: none */
	struct lw_text owner_contact;
	struct ptrvec requires;     /* struct require_ent * */
	struct ptrvec timeouts;     /* struct timeout_override * */
	struct ptrvec sequence;     /* struct seq_item * */
	bool sequence_incomplete;   /* a step line did not resolve (reported): its order is unknown */
	bool requires_incomplete;   /* a require did not resolve (reported) */
	bool timeouts_incomplete;   /* a timeout line did not resolve (reported): the window is not proven */
	struct src_span each_span;
	bool has_each;
	struct src_span decl;
};

struct world {
	struct ptrvec oses, states, sites, prereqs, fixlets, steps, roles; /* from the stdlib, mostly */
	struct ptrvec clusters, baselines, plans;                           /* from the user's files */
	struct strvec files;        /* every file read */
	uint32_t root;              /* the file the user named */
};

/*
 * Limits.  A Windows failover cluster has at most 64 nodes; the node limit
 * is far above that and keeps the work and the outputs of one plan
 * bounded.  A plan's name is the file name of its .bes, and most file
 * systems allow 255 bytes in a name.
 */
enum {
	RESOLVE_MAX_NODES = 100000,
	RESOLVE_MAX_FILE_NAME = 255,
};

/*
 * Reports each word that starts with a digit where no node name may stand
 * (BFP107: 30mins, 1h30), as the statement tables say; false if it found
 * one.  Run before resolve_program(): a mistyped number would otherwise be
 * reported again as a wrong value.
 */
bool resolve_words(struct diag_sink *diags, const struct program *program);

/* Resolves every declaration of `program`; problems go to `diags`. */
void resolve_program(struct arena *arena, const struct src_manager *sm, struct diag_sink *diags,
		     const struct program *program, struct world *out);

/*
 * The names as the resolver bound them, for an editor (the language
 * server): every declaration, and every place a name is bound to one.
 * Only the resolver knows which declaration a name means (its namespace,
 * the kind it wanted, imported content merged into the catalog), so the
 * index is written as it binds, never rebuilt from the syntax tree.
 */
struct name_def {
	enum ast_decl_kind kind;
	const char *name;
	struct src_span name_span;  /* the name in its declaration */
	struct src_span span;       /* the whole declaration, block included */
	void *entity;               /* struct os_ent *, struct fixlet_ent *, ... as world lists them */
};

struct name_ref {
	struct src_span span;       /* the name where it is used */
	const struct name_def *def;
};

struct name_index {
	struct ptrvec defs;         /* struct name_def *, in declaration order */
	struct ptrvec refs;         /* struct name_ref *, in the order they were bound */
	struct ptrmap by_entity;    /* entity -> its struct name_def */
};

/* resolve_program(), also filling `index` (which it initialises). */
void resolve_program_indexed(struct arena *arena, const struct src_manager *sm, struct diag_sink *diags,
			     const struct program *program, struct world *out, struct name_index *index);

/*
 * The statement words a declaration of `kind` accepts, in the order its
 * table lists them: up to `max` into `out`; returns how many there are.
 */
size_t resolve_statement_words(enum ast_decl_kind kind, const char **out, size_t max);

#endif
