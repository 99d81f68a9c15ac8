/*
 * lower.h - the lowered plan: what a checked plan means, with no syntax left.
 *
 * This is the one structure the emitters (BES, checklist, JSON, DOT) and
 * the runtime read; none of them sees the AST.  Everything is resolved:
 * each step names the exact Fixlet (site, ID, action) for the cluster's OS,
 * its target node, its timeout, what to do when it fails, and the checks
 * that guard it.  All of it lives in the compilation's arena.
 *
 * Strings that came from a plan file keep the span they came from, so an
 * emitter that cannot carry a string safely (an XML-forbidden character, a
 * line break in an ActionScript line) can point at it in a diagnostic.
 */
#ifndef BFPLAN_LOWER_H
#define BFPLAN_LOWER_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "source.h"

/* A string from a plan, with where it was written. */
struct lw_text {
	const char *text;     /* NULL when absent */
	struct src_span span; /* file == SRC_NO_FILE when not from a plan */
};

struct lw_site {
	const char *name;         /* the plan-language name: server-automation */
	struct lw_text display;   /* "Server Automation" */
	struct lw_text gather_url;/* NULL text: unknown, the build must be told it */
	struct src_span decl;
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;     /* const struct lw_mark * */
};

/* What running a Fixlet can leave behind, as its declaration says. */
enum lw_restart {
	LW_RESTART_NEVER,   /* never leaves the node in Pending Restart */
	LW_RESTART_MAY,     /* can leave Pending Restart (default for patch content) */
	LW_RESTART_CLEARS,  /* restarts the node and waits: clears Pending Restart */
};

struct lw_fixlet {
	const char *name;          /* catalog name, or NULL for an anonymous patch Fixlet */
	bool is_task;              /* Task rather than Fixlet (same XML, other success default) */
	uint32_t id;               /* the ID within its site */
	const struct lw_site *site;
	struct lw_text title;      /* published title; may be NULL text for patch content */
	const char *action;        /* action name: "Action1" */
	struct lw_text relevance;  /* for the full component form; NULL text if not supplied */
	struct lw_text actionscript; /* likewise */
	enum lw_restart restart;
	struct src_span decl;
	/* added for imported content and unconfirmed facts (issue 8) */
	struct cptrvec marks;      /* const struct lw_mark *: what about it is not confirmed */
	struct cptrvec parameters; /* const struct lw_parameter *: what its action asks for when taken */
	struct lw_text imported_from; /* the .bes file its content was imported from; NULL text if none */
	const char *actionscript_type; /* MIME type of `actionscript` when it is not ActionScript; else NULL */
};

struct lw_prereq {
	const char *name;              /* dotnet-4.0 */
	struct lw_text title;          /* "Microsoft .NET Framework 4.0" */
	struct lw_text detect;         /* client relevance, true where the prerequisite is PRESENT */
	const struct lw_fixlet *provider; /* the Task or Fixlet that installs it */
	struct lw_text note;           /* extra advice, e.g. domain credentials; may be NULL text */
	struct cptrvec needs;          /* const struct lw_prereq *: what it needs in turn */
	struct src_span decl;
	struct src_span required_at;   /* the plan's `require` line */
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;          /* const struct lw_mark * */
};

struct lw_check;

/* One BigFix component of a step: a Fixlet/Task action to run. */
struct lw_component {
	const struct lw_fixlet *fixlet;
	struct src_span origin;        /* the baseline or step line it comes from */
};

enum lw_step_kind {
	LW_STEP_FIXLET,   /* one Fixlet or Task (pause, move groups, resume, move mailbox) */
	LW_STEP_BASELINE, /* the patch: the components of a baseline, restart included */
};

struct lw_step {
	const char *name;              /* the stdlib step name: pause, patch, ... */
	struct lw_text title;          /* "Pause the node" */
	enum lw_step_kind kind;
	struct ptrvec components;      /* struct lw_component *, in order; one for LW_STEP_FIXLET */
	const char *baseline_name;     /* LW_STEP_BASELINE: the plan's baseline name */
	struct lw_text baseline_title;
	const char *node;              /* the target computer name */
	const char *from_state, *to_state;
	int64_t timeout;               /* seconds */
	bool optional;                 /* `optional` in the plan: a failure does not stop the plan */
	bool role_only;                /* runs only where the role is held (move-mailbox) */
	const struct lw_step *on_failure; /* the step to run when this one fails, or NULL */
	struct lw_text verify;         /* what the operator checks after it; may be NULL text */
	struct cptrvec guards;         /* const struct lw_check *: pre-flight checks that must pass first */
	struct src_span origin;        /* the plan line */
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;          /* const struct lw_mark *: the step declaration's own marks */
};

struct lw_node {
	const char *name;              /* EXNODE1 */
	unsigned position;             /* 1-based place in the order */
	bool role_holder;              /* the expected active node: goes last */
	struct ptrvec steps;           /* struct lw_step *, the per-node sequence */
	struct src_span decl;
};

/* Nodes down at the same time (at most max-down), in order. */
struct lw_phase {
	unsigned number;               /* 1-based */
	struct ptrvec nodes;           /* struct lw_node * */
	int64_t worst_case;            /* seconds: the slowest node of the phase */
};

enum lw_check_when {
	LW_PROVEN,     /* proven by the compiler from the plan alone */
	LW_PREFLIGHT,  /* only the endpoint knows: checked at run time by relevance */
};

struct lw_check {
	const char *code;              /* the diagnostic code of the rule: "BFP301" */
	enum lw_check_when when;
	struct lw_text description;    /* "control scripts are installed on every node" */
	const struct lw_prereq *prereq;/* for pre-flight checks of a prerequisite, else NULL */
};

enum lw_order { LW_ORDER_PASSIVE_FIRST, LW_ORDER_ACTIVE_FIRST, LW_ORDER_EXPLICIT };

struct lw_role {
	const char *name;              /* exchange2007-mailbox */
	struct lw_text title;          /* "Exchange 2007 clustered mailbox server" */
	struct lw_text server;         /* the clustered server's name: "EXCMS01" */
	const struct lw_fixlet *detect;/* relevant only on the node holding the role */
	struct lw_text verify;         /* what to verify after a move */
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;          /* const struct lw_mark * */
};

struct lw_plan {
	const char *name;              /* patch-exch01 */
	struct lw_text title;
	const char *cluster;           /* exch01 */
	const char *os;                /* windows-2008 */
	struct lw_text os_title;       /* "Windows Server 2008" */
	struct strvec cluster_nodes;   /* node names, as declared */
	const struct lw_role *role;    /* NULL for a cluster without a role */
	enum lw_order order;
	unsigned max_down;
	int64_t window;                /* seconds; 0 when no window is declared */
	int64_t worst_case;            /* seconds: the sum of the phases' worst cases */
	struct ptrvec prereqs;         /* struct lw_prereq *, in dependency order */
	struct ptrvec checks;          /* struct lw_check *, proven and pre-flight */
	struct ptrvec nodes;           /* struct lw_node *, in patch order */
	struct ptrvec phases;          /* struct lw_phase * */
	struct cptrvec sites;          /* const struct lw_site *, every site the plan references */
	struct src_span decl;
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec os_marks;       /* const struct lw_mark *: marks on the cluster's os declaration */
	/*
	 * const struct lw_mark *: every mark on something this plan uses (its
	 * OS, sites, prerequisites, role, steps and their Fixlets), each once,
	 * in the order first used.  `build` lists them in one warning.
	 */
	struct cptrvec unconfirmed;
};

struct lw_program {
	struct ptrvec plans;           /* struct lw_plan *, in declaration order */
	struct strvec files;           /* every plan file read, the stdlib included, for depfiles */
};

/*
 * A fact the catalog marks as not confirmed (`unconfirmed [FIELD] "reason"`
 * in a declaration): a guess, an inference, something only a live server
 * can tell.  Outputs that use the fact show the mark and its reason.
 * Imported content lifts the marks on the fields it supplies.
 */
struct lw_mark {
	const char *owner;       /* what it is on, for lists: "Fixlet 115 'resume-node-2008'" */
	const char *field;       /* the statement it is about ("action", "title", "detect"); NULL: the whole declaration */
	struct lw_text reason;   /* why it is not confirmed */
};

/* A value an action asks for when it is taken (`action parameter query`), which bfplan cannot supply. */
struct lw_parameter {
	struct lw_text name;
	struct lw_text description;  /* NULL text when the action gives none */
	struct lw_text default_value;/* likewise */
};

struct world;
struct checked_program;

/*
 * Builds the lowered form of every plan the checker found free of errors.
 * Plans with errors are left out (their diagnostics say why).
 */
void lower_program(struct arena *arena, const struct world *world, const struct checked_program *checked,
		   struct lw_program *out);

#endif
