/*
 * catalog.h - the catalog: what the plan files declare about the world.
 *
 * Sites, Fixlets and Tasks, prerequisites, roles, quorum rules and the
 * facts a declaration marks unconfirmed.  The resolver fills these in from
 * the plan files (the standard library and the user's own), the checker
 * reads them, and the lowering copies the ones a plan uses into the
 * lowered plan (lower/lower.h).  They are plain data with no syntax left,
 * so the emitters and the runtime can read them too without seeing the
 * syntax tree.
 */
#ifndef BFPLAN_MODEL_CATALOG_H
#define BFPLAN_MODEL_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/source.h"

/* A string from a plan, with where it was written. */
struct lw_text {
	const char *text;     /* NULL when absent */
	struct src_span span; /* file == SRC_NO_FILE when not from a plan */
};

/* Where the gather URL a build uses came from. */
enum lw_url_from {
	LW_URL_UNKNOWN,       /* nobody gave one: reference components cannot be written */
	LW_URL_CATALOG,       /* the site's declaration */
	LW_URL_ENVIRONMENT,   /* BFPLAN_SITE_URLS */
	LW_URL_COMMAND_LINE,  /* --site-url */
	LW_URL_CONFIG,        /* the [sites] of bfplan.ini */
};

struct lw_site {
	const char *name;         /* the plan-language name: server-automation */
	struct lw_text display;   /* "Server Automation" */
	struct lw_text gather_url;/* the catalog's; NULL text: not published */
	const char *url;          /* the gather URL the build uses, or NULL (lowered copies only) */
	enum lw_url_from url_from;
	struct src_span decl;
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;     /* const struct lw_mark * */
};

/* Where a Fixlet's action script was written, for the full component form that copies it. */
enum lw_script_from {
	LW_SCRIPT_NONE,      /* the catalog has no script for it */
	LW_SCRIPT_STDLIB,    /* the standard library, which is trusted */
	LW_SCRIPT_IMPORTED,  /* a plan file made by `bfplan import` (imported-from) */
	LW_SCRIPT_PLAN,      /* a plan file, by hand */
};

/*
 * When BigFix counts the action a success: its SuccessCriteria Option.
 * LW_SUCCESS_DEFAULT (no `success-criteria` line) is what each kind does
 * when nothing is said: a Task runs to completion, a Fixlet's original
 * relevance turns false.
 */
enum lw_success {
	LW_SUCCESS_DEFAULT,
	LW_SUCCESS_RUN_TO_COMPLETION,  /* RunToCompletion */
	LW_SUCCESS_ORIGINAL_RELEVANCE, /* OriginalRelevance */
	LW_SUCCESS_CUSTOM_RELEVANCE,   /* CustomRelevance, with its relevance */
};

/*
 * Whether a Baseline component's relevance counts in its Baseline's
 * (IncludeInRelevance), as a baseline line says; by default the restart
 * does not count and every other component does.
 */
enum lw_include { LW_INCLUDE_DEFAULT, LW_INCLUDE_YES, LW_INCLUDE_NO };

/* What running a Fixlet can leave behind, as its declaration says. */
enum lw_restart {
	LW_RESTART_NEVER,   /* never leaves the node in Pending Restart */
	LW_RESTART_MAY,     /* can leave Pending Restart (default for patch content) */
	LW_RESTART_CLEARS,  /* restarts the node and waits: clears Pending Restart */
};

/* An action of a Fixlet other than the one its `action` names, kept for a baseline line that names it. */
struct lw_action {
	const char *name;          /* its ID: "Action2" */
	struct lw_text actionscript;
	const char *actionscript_type; /* NULL for ActionScript */
	enum lw_success success;
	struct lw_text success_relevance;
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
	struct lw_text note;       /* the catalog's advice on running it (template); may be NULL text */
	struct src_span decl;
	/* added for imported content and unconfirmed facts (issue 8) */
	struct cptrvec marks;      /* const struct lw_mark *: what about it is not confirmed */
	struct cptrvec parameters; /* const struct lw_parameter *: what its action asks for when taken */
	struct lw_text imported_from; /* the .bes file its content was imported from; NULL text if none */
	const char *actionscript_type; /* MIME type of `actionscript` when it is not ActionScript; else NULL */
	enum lw_script_from script_from; /* where its action script was written: a reviewer must see plan files' */
	/* added for content kept whole (issue 18) */
	enum lw_success success;   /* its action's success criteria */
	struct lw_text success_relevance; /* the relevance of LW_SUCCESS_CUSTOM_RELEVANCE; else NULL text */
	struct cptrvec other_actions; /* const struct lw_action *: its other actions (`other-action`) */
};

struct lw_prereq {
	const char *name;              /* dotnet-4.0 */
	struct lw_text title;          /* "Microsoft .NET Framework 4.0" */
	struct lw_text detect;         /* client relevance, true where the prerequisite is PRESENT */
	const struct lw_fixlet *provider; /* the Task or Fixlet that installs it */
	struct lw_text note;           /* extra advice (template); may be NULL text */
	struct cptrvec needs;          /* const struct lw_prereq *: what it needs in turn */
	const char *preflight_title;   /* the title of its pre-flight Fixlet in the .bes */
	unsigned number;               /* 1-based: pre-flight check P<number> */
	struct src_span decl;
	struct src_span required_at;   /* the plan's `require` line */
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;          /* const struct lw_mark * */
};

/* What a failed step leads to (docs/execution.md, "When a step fails"). */
enum lw_failure {
	LW_FAILURE_STOP,     /* the failure step restores the nodes (if any are out of service); the plan stops */
	LW_FAILURE_HOLD,     /* the plan stops and leaves the nodes as they are: a person decides */
	LW_FAILURE_CONTINUE, /* an optional step: the plan goes on with the next step */
};

enum lw_order { LW_ORDER_PASSIVE_FIRST, LW_ORDER_ACTIVE_FIRST, LW_ORDER_EXPLICIT };

struct lw_role {
	const char *name;              /* exchange2007-mailbox */
	struct lw_text title;          /* "Exchange 2007 clustered mailbox server" */
	struct lw_text server;         /* the clustered server's name: "EXCMS01" */
	const struct lw_fixlet *detect;/* relevant only on the node holding the role */
	struct lw_text verify;         /* what to verify after a move (template) */
	/* added for unconfirmed facts (issue 8) */
	struct cptrvec marks;          /* const struct lw_mark * */
};

/* Who has a vote in the cluster's quorum (docs/language.md, "Quorum"). */
enum lw_quorum_model {
	LW_QUORUM_NODE_MAJORITY,   /* each node votes */
	LW_QUORUM_NODE_AND_WITNESS,/* each node and one witness (disk or file share) vote */
	LW_QUORUM_DISK_ONLY,       /* the quorum disk decides: one node up is enough */
};

/* The quorum rule the availability proof applied, with its numbers. */
struct lw_quorum {
	enum lw_quorum_model model;
	bool declared;                 /* false: defaulted to node-majority */
	unsigned votes;                /* votes in the cluster (node-and-witness: nodes + 1) */
	unsigned votes_kept;           /* votes still up with max-down nodes down */
	unsigned votes_needed;         /* more than half of votes (disk-only: 1 node) */
	unsigned simple_max_down;      /* what "more than half the nodes stay up" alone would allow */
	bool by_nodes;                 /* the plan follows HCL's rule (quorum-rule hcl): only nodes count */
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
	struct lw_text default_value;/* likewise; never set for a secure one */
	bool secure;                 /* a secret: its value is never written anywhere (`parameter "x" secure`) */
};

#endif
