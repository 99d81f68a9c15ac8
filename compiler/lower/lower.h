/*
 * lower.h - the lowered plan: what a checked plan means, with no syntax left.
 *
 * This is the one structure the emitters (BES, checklist, JSON, DOT) and
 * the runtime read; none of them sees the AST or the world.  Everything is
 * resolved and decided here, once, so that no two outputs can disagree:
 * each step names the exact Fixlet or Baseline for the cluster's OS, the
 * nodes it targets, its timeout, the steps it waits for, what happens when
 * it fails, and the checks that guard it; titles, file names, gather URLs
 * and step numbers are computed here too.  docs/execution.md describes the
 * execution model this data carries out.  All of it lives in the
 * compilation's arena.
 *
 * The catalog entries a plan uses (sites, Fixlets, prerequisites, its
 * role) are the resolver's types (model/catalog.h), copied.
 *
 * Strings that came from a plan file keep the span they came from, so an
 * emitter that cannot carry a string safely (an XML-forbidden character, a
 * line break in an ActionScript line) can point at it in a diagnostic.
 * Advice texts (verify, on-failure, notes) are templates that may name
 * {node}, {server} and {cluster}; the emitters fill them in (render.h).
 */
#ifndef BFPLAN_LOWER_H
#define BFPLAN_LOWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/source.h"
#include "model/catalog.h"

/* One component of a Baseline: the Fixlet it runs, and the baseline line it comes from. */
struct lw_component {
	const struct lw_fixlet *fixlet;
	struct src_span origin;
	enum lw_include include;   /* the baseline line's `include-in-relevance`, else the default */
};

/*
 * A Baseline the .bes holds: one per `baseline` a plan uses, its restart
 * included, unless the baseline says `restart as-step`: that restart is
 * then a step of its own (an lw_item after the Baseline's).
 */
struct lw_baseline {
	const char *name;              /* nov-2026 */
	struct lw_text title;          /* "2026-11 Windows updates" */
	const char *bes_title;         /* its title in the .bes */
	struct ptrvec components;      /* struct lw_component *, in order */
	struct src_span decl;
};

enum lw_step_kind {
	LW_STEP_FIXLET,   /* one Fixlet or Task (pause, move groups, resume, move mailbox) */
	LW_STEP_BASELINE, /* the patch: a Baseline of the .bes, restart included (unless as a step) */
};

/*
 * A state of the node-state machine the standard library declares
 * (cluster/node-states): what a step finds a node in and leaves it in.
 * The runtime runs the steps against these.
 */
struct lw_state {
	const char *name;              /* online */
	bool initial;                  /* every node starts here */
	bool final;                    /* in service: every node must end here */
	bool waits;                    /* a step waits while its node is in it (pending-restart) */
};

/* The step that brings nodes back into service: the failure step of the steps before it. */
struct lw_restore {
	const char *name;              /* resume */
	struct lw_text title;          /* "Resume the node" */
	const struct lw_fixlet *fixlet;
	int64_t timeout;               /* seconds */
	struct src_span origin;        /* the plan line of the first step it restores */
	/* added for the runtime (issue 15) */
	struct cptrvec accepts;        /* const struct lw_state *: the states it accepts a node in */
	const struct lw_state *to;     /* the state it leaves the nodes in */
};

struct lw_phase;
struct lw_check;
struct lw_recipe;

/*
 * What a step runs and how, the same in every phase that runs it: one
 * item of the plan's `each node`, lowered once however many phases run it.
 */
struct lw_item {
	const char *name;              /* the stdlib step name: pause, patch, ... */
	struct lw_text title;          /* "Pause the node" */
	enum lw_step_kind kind;
	const struct lw_fixlet *fixlet;     /* LW_STEP_FIXLET */
	const struct lw_baseline *baseline; /* LW_STEP_BASELINE */
	const char *to_state;          /* the state it leaves the nodes in */
	int64_t timeout;               /* seconds */
	bool optional;                 /* `optional` in the plan and allowed by the step */
	bool role_only;                /* runs on the role holder only (move-mailbox) */
	enum lw_failure failure;
	struct lw_text verify;         /* what the operator checks after it (template) */
	struct lw_text on_failure;     /* the stdlib's advice when it fails (template) */
	struct lw_text not_relevant;   /* the stdlib's advice when a target reports Not Relevant (template) */
	struct cptrvec guards;         /* const struct lw_check *: pre-flight checks that must pass first */
	struct src_span origin;        /* the plan line */
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;          /* const struct lw_mark *: the step declaration's own marks */
	/* added for the runtime (issue 15) */
	struct cptrvec accepts;        /* const struct lw_state *: the states it accepts a node in */
	const struct lw_state *to;     /* the state it leaves the nodes in (to_state's) */
	bool moves_role;               /* it moves the role off its node (a step declared with `role`) */
};

/*
 * One step of the Automation Plan recipe: one item run on every node of
 * one phase at once.  The checklist has one section per step, in the same
 * order and with the same number.  Steps are not kept: a walk (struct
 * lw_steps) lays each one out when it is reached.
 */
struct lw_step {
	const struct lw_item *item;    /* what it runs, shared by every phase's step of that item */
	unsigned number;               /* 1-based place in the recipe */
	unsigned index;                /* 1-based place within its phase: step "2.3" */
	const struct lw_phase *phase;  /* its targets are the phase's nodes */
	const char *from_state;        /* the state it finds the nodes in */
	const struct lw_restore *restore; /* what brings the nodes back if this step fails; NULL: nothing to */
	/*
	 * The step it waits for, NULL for the first (the recipe is one chain:
	 * docs/execution.md).  It is laid out as far as its own `after`, which
	 * is NULL, and is valid as long as this step is.
	 */
	const struct lw_step *after;
	int64_t start;                 /* seconds from the start of the plan, at the latest (worst case) */
};

struct lw_node {
	const char *name;              /* EXNODE1 */
	unsigned position;             /* 1-based place in the order */
	bool role_holder;              /* the expected active node: goes last */
	const struct lw_phase *phase;
	struct src_span decl;
};

/*
 * Nodes that are down at the same time (at most max-down), in order.  The
 * phase's steps run one after another, each on all of its nodes at once.
 */
struct lw_phase {
	unsigned number;               /* 1-based */
	struct ptrvec nodes;           /* struct lw_node * */
	unsigned first_step;           /* the number of its first step; its steps are numbered on from there */
	unsigned step_count;
	int64_t start;                 /* seconds from the start of the plan, worst case */
	int64_t worst_case;            /* seconds: its steps' timeouts, end to end */
};

enum lw_check_when {
	LW_PROVEN,     /* proven by the compiler from the plan alone */
	LW_PREFLIGHT,  /* only the endpoint knows: checked at run time, before the first step */
};

struct lw_check {
	const char *code;              /* the diagnostic code of the rule: "BFP301" */
	enum lw_check_when when;
	struct lw_text description;    /* "control scripts are installed on every node" */
	const struct lw_prereq *prereq;/* for pre-flight checks of a prerequisite, else NULL */
	unsigned number;               /* pre-flight checks: P<number>; 0 for proven ones */
	/*
	 * A proof's run-time facts that pre-flight checks establish: const
	 * struct lw_check *, each a pre-flight check; the proof holds only if
	 * every one passes.
	 */
	struct cptrvec rests_on;
	struct cptrvec marks;          /* const struct lw_mark *: what the proof assumes that nobody has confirmed */
	/*
	 * A pre-flight check that is neither a prerequisite nor where the role
	 * runs (the witness): its own pre-flight Fixlet, relevant on a node
	 * where `holds` is FALSE, titled `fixlet_title`; NULL title: none.
	 */
	const char *fixlet_title;
	struct lw_text holds;
	const char *title;             /* the quorum's checks: a short heading ("The witness online") */
	const char *look;              /* the quorum's checks: how to look by hand ("Look") */
	const char *if_not;            /* what to do when it fails ("If not"); the run says it too */
	/*
	 * Run-time facts the proof rests on that no pre-flight Fixlet can see
	 * (a node that is down reports nothing), each a clause: "every node of
	 * cluster 'x' is up".  The outputs say to check them by hand.
	 */
	struct strvec by_hand;
};

/*
 * The Automation Plan's settings that the proofs rest on (docs/execution.md,
 * "Server Automation's settings").  The plan editor defaults none of them to
 * what the proofs need, so every output names each one.  Each has one value
 * today: the one the proofs allow.
 */
enum lw_pending_restart {
	/*
	 * "Pause Plan until restart completes": a target in Pending Restart keeps
	 * its step waiting, and one still pending when the step's time is up has
	 * failed.  The restart is inside the patch Baseline, so a node left
	 * pending means it did not happen.
	 */
	LW_PENDING_RESTART_PAUSE,
	/*
	 * "Continue Plan": a step whose targets enter Pending Restart has
	 * succeeded on them.  Chosen where a baseline says `restart as-step`:
	 * the restart step after the Baseline step restarts the nodes and
	 * waits until they are back (BFP336 keeps a plan to one of the two).
	 */
	LW_PENDING_RESTART_CONTINUE,
};

enum lw_failure_targets {
	LW_FAILURE_TARGETS_ALL,        /* a failure step targets every endpoint of its step, not only the failed ones */
};

enum lw_non_reporting {
	/*
	 * The plan does not exclude non-reporting endpoints: an excluded node
	 * skips a step and may be targeted again by a later one (a node drained
	 * without its pause), where a node that does not report keeps its step
	 * waiting until the step's time is up, and then the step has failed.
	 */
	LW_NON_REPORTING_KEEP,
};

/*
 * Server Automation enforces a step's timeout only through the step's
 * "advanced failure behaviour", set to fail the targets that have not
 * returned a status after the step's timeout (lw_item.timeout): a step has
 * no time limit by default, and the worst case (BFP317) holds only with it.
 */
struct lw_automation {
	enum lw_pending_restart pending_restart;
	enum lw_failure_targets failure_step_targets;
	enum lw_non_reporting non_reporting;
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
	struct lw_quorum quorum;
	int64_t window;                /* seconds; 0 when no window is declared */
	int64_t worst_case;            /* seconds: the critical path through the steps */
	struct lw_automation automation; /* the Automation Plan's settings the steps run under */
	const char *bes_file;          /* "patch-exch01.bes"; NULL: no pre-flight check and no Baseline to write */
	const char *checklist_md;      /* "patch-exch01.checklist.md" */
	const char *checklist_html;    /* "patch-exch01.checklist.html" */
	const char *review_md;         /* "patch-exch01.review.md": the author's and reviewer's report */
	const char *review_html;       /* "patch-exch01.review.html" */
	struct lw_text owner;          /* the change owner's name; NULL text when the plan names none */
	struct lw_text owner_contact;  /* how to reach them in the window */
	struct ptrvec prereqs;         /* struct lw_prereq *, in dependency order */
	struct ptrvec baselines;       /* struct lw_baseline *, in order of first use */
	struct ptrvec checks;          /* struct lw_check *, proven and pre-flight */
	const struct lw_check *role_check; /* the pre-flight check of where the role runs, or NULL */
	const struct lw_check *report_check; /* every node up and reporting to BigFix: always there */
	const struct lw_check *witness_check; /* the witness online, where a pre-flight Fixlet can see it; or NULL */
	const struct lw_check *quorum_proof; /* the proof that max-down keeps quorum (it states the rule), or NULL */
	struct ptrvec nodes;           /* struct lw_node *, in patch order */
	const struct lw_node *role_holder; /* the node expected to hold the role (goes last), or NULL */
	struct ptrvec phases;          /* struct lw_phase * */
	size_t step_count;             /* the whole recipe's: the steps of every phase */
	struct ptrvec items;           /* struct lw_item *: what the steps run, each once, in order of first use */
	struct ptrvec restores;        /* struct lw_restore *: the steps' failure steps, each once, in order of first use */
	const char *initial_state;     /* the state every phase finds its nodes in */
	/*
	 * How the steps are laid out (struct lw_steps): lower.c's own, with
	 * the plan's schedule in the plan's arena.
	 */
	const struct lw_recipe *recipe;
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
	/* added for the runtime (issue 15) */
	struct cptrvec states;         /* const struct lw_state *: the node-state machine, as declared */
	bool unchecked;                /* lowered though check rejected it (lower_options.unchecked) */
};

struct lw_program {
	struct ptrvec plans;           /* struct lw_plan *, in declaration order */
	struct strvec files;           /* every plan file read, the stdlib included, as opened: for depfiles */
	struct strvec sources;         /* the same files as the outputs name them: stdlib/... or relative to
					  the top plan, the same wherever bfplan is installed or run */
	struct ptrvec sites;           /* struct lw_site *, every site any plan references, once */
};

/* A gather URL given for a build; it wins over the catalog's, and a later one over an earlier. */
struct lower_site_url {
	const char *name;              /* the plan-language site name: server-automation */
	const char *url;
	enum lw_url_from from;         /* LW_URL_ENVIRONMENT or LW_URL_COMMAND_LINE */
};

struct lower_options {
	const struct lower_site_url *site_urls; /* the environment's first, then the command line's */
	size_t site_url_count;
	const char *only_plan;         /* build --plan NAME: lower that plan alone; NULL for all */
	const struct strvec *sources;  /* the files' names for the outputs, in file order; NULL: as opened */
	const struct src_manager *sm;  /* tells standard library files from plan files; NULL: all plan files */
	/*
	 * Also lower the plans check rejected, where what it settled is
	 * complete enough to lay the steps out (an order, phases, a Fixlet or
	 * Baseline for every step): `simulate --no-static-check` runs them to
	 * show the counterexample behind an error.  Such plans are marked
	 * `unchecked`, and nothing but the simulator reads them.
	 */
	bool unchecked;
};

struct world;
struct checked_program;

/*
 * Builds the lowered form of every plan the checker found free of errors.
 * Plans with errors are left out (their diagnostics say why).  `opts` may
 * be NULL.  Everything goes into `arena`: for `graph` and `diff`, and
 * tests, which want all plans at once.
 */
void lower_program(struct arena *arena, const struct world *world, const struct checked_program *checked,
		   const struct lower_options *opts, struct lw_program *out);

/*
 * The same a plan at a time, for `build`, which writes each plan before it
 * lowers the next, so its memory does not grow with the number of plans.
 * lower_start() fills in the program's files and sources; the catalog
 * copies every plan shares (sites, Fixlets) go into `arena` and onto
 * out->sites as plans use them; out->plans stays empty.  Each call of
 * lower_next() lowers the next plan into `plan_arena`, which the caller
 * may free once it is done with that plan; NULL when none is left.
 */
struct lowering;
struct lowering *lower_start(struct arena *arena, const struct world *world, const struct checked_program *checked,
			     const struct lower_options *opts, struct lw_program *out);
const struct lw_plan *lower_next(struct lowering *lo, struct arena *plan_arena);

/* How many plans lower_next() hands out in all. */
size_t lower_count(const struct lowering *lo);

/* The program the plans belong to: its files, sources and sites. */
const struct lw_program *lower_program_of(const struct lowering *lo);

/*
 * A lowering that hands out the plans of a program lowered already, as
 * they are (the tests change lowered plans before building them).
 */
struct lowering *lower_replay(struct arena *arena, const struct lw_program *program);

/*
 * A walk over a plan's steps in recipe order, each laid out when it is
 * reached, so that a plan of ten thousand phases is written with no more
 * of its steps in memory than one of two.  The step lw_steps_next() hands
 * out, and the step it waits for, belong to the walk: they stay valid
 * until the next call, and cost no allocation.  The fields are lower.c's.
 */
struct lw_steps {
	const struct lw_plan *plan;
	size_t next, end;              /* the recipe's places still to lay out */
	struct lw_step step, after;
};

/* Every step of the plan, or those of one phase. */
void lw_steps_begin(struct lw_steps *walk, const struct lw_plan *plan);
void lw_steps_begin_phase(struct lw_steps *walk, const struct lw_plan *plan, const struct lw_phase *phase);

/* The next step of the walk, or NULL at its end. */
const struct lw_step *lw_steps_next(struct lw_steps *walk);

/* The BES title limit (ObjectName: 1 to 255 characters); longer titles are cut with an ellipsis. */
enum { LW_TITLE_MAX = 255 };

#endif
