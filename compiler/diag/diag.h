/*
 * diag.h - diagnostics as data, collected in one sink and rendered once.
 *
 * Every stage reports through diag_report() and attaches notes and one help
 * line to the handle it gets back.  Nothing prints while compiling: the
 * driver renders the sink at the end, sorted by position, so the output is
 * the same whatever order the stages ran in.
 */
#ifndef BFPLAN_DIAG_H
#define BFPLAN_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/source.h"

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

enum diag_code {
#define X(code, sev, name, summary) code,
#include "diag/codes.def"
#undef X
	DIAG_CODE_COUNT
};

struct diag_note {
	struct src_span span; /* file == SRC_NO_FILE for a note without a place */
	const char *message;
};

/*
 * An allowance: a code that is not reported where it applies, and why.
 * In the source, a comment `# bfplan: allow BFP325 -- reason` covers the
 * line or block it stands on or before (front/allow.c); outside it,
 * --allow and the configuration file cover every file.  Only warnings
 * and notes can be allowed: an error is a plan that must not be built.
 */
enum diag_allow_kind { DIAG_ALLOW_IN_SOURCE, DIAG_ALLOW_EXTERNAL };

struct diag_allow {
	enum diag_code code;
	enum diag_allow_kind kind;
	struct src_span covers;    /* IN_SOURCE: the line or block; EXTERNAL: file is SRC_NO_FILE */
	struct src_span directive; /* IN_SOURCE: the comment that says it */
	const char *reason;        /* escaped for a terminal by whoever made it, as messages are */
	unsigned used;             /* diagnostics it suppressed */
};

/*
 * A machine-applicable fix: edits that, applied together, remove the
 * diagnostic (a misspelt name replaced, a missing line inserted).  An
 * insertion is an edit with an empty span.  `bfplan check --fix` applies
 * them and formats the file; JSON and SARIF (`fixes`) carry them.
 */
struct diag_edit {
	struct src_span span; /* the bytes replaced */
	const char *text;     /* what replaces them */
};

struct diag_fix {
	const char *description;
	struct ptrvec edits; /* struct diag_edit *, in one file, in order, not overlapping */
};

struct diag {
	enum diag_code code;
	enum diag_severity severity;
	struct src_span span;
	const char *message;
	struct ptrvec notes; /* struct diag_note * */
	const char *help;    /* at most one; NULL if none */
	const char *about;   /* the file a diagnostic without a place concerns (unreadable, UTF-16), or NULL */
	const struct diag_allow *suppressed; /* what allowed it: not shown, not counted; NULL if reported */
	struct diag_fix *fix; /* NULL if none */
	uint32_t seq;        /* report order, to keep sorting stable */
};

/* More than this many errors are counted but not shown: later ones are mostly echoes of the first. */
enum { DIAG_MAX_SHOWN = 50 };

struct diag_sink {
	struct arena *arena;
	const struct src_manager *sm;
	struct ptrvec diags;   /* struct diag *, the ones kept for rendering */
	unsigned errors;       /* all errors, shown or not (warnings promoted by werror count here) */
	unsigned warnings;
	unsigned dropped;      /* reports beyond DIAG_MAX_SHOWN */
	unsigned suppressed;   /* reports an allowance covered (kept, for the machine forms) */
	bool werror;
	bool quiet;            /* the printed forms (text, github) show errors only (--quiet) */
	const bool *denied;    /* per code: an error whatever it is, and never allowed (--deny); or NULL */
	struct ptrvec allows;  /* struct diag_allow *: the external ones, then the files' as they are read */
	struct diag overflow;  /* handed out once the cap is reached; notes on it are ignored */
};

void diag_init(struct diag_sink *sink, struct arena *arena, const struct src_manager *sm);

/*
 * An allowance in the checked file that suppressed nothing is a comment
 * that has outlived the warning it was written for (or names the wrong
 * code): BFP024.  Only `file`, the file checked, is looked at (a library's comment
 * may be for another plan), only once the check found no error (a check
 * cut short reports less), and not for the build's codes (BFP4xx), which
 * check does not report.
 */
void diag_report_unused_allows(struct diag_sink *sink, uint32_t file);

/*
 * The message, notes and help are formatted, then escaped for a terminal
 * (esc_terminal()): plan text in them is shown, never obeyed.
 */
struct diag *diag_report(struct diag_sink *sink, enum diag_code code, struct src_span span,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_note(struct diag_sink *sink, struct diag *d, struct src_span span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_help(struct diag_sink *sink, struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Adds an allowance (copied); reports that come after it and that it
 * covers are suppressed.  False, with nothing added, for a code that
 * cannot be allowed: an error, or a code --deny names.
 */
bool diag_allow_add(struct diag_sink *sink, const struct diag_allow *allow);

/*
 * Applies the allowances of the source to the reports from the `from`th
 * on, made before those allowances were read: a file's lexer and parser
 * report while the comments that allow are still being read.
 */
void diag_allow_earlier(struct diag_sink *sink, size_t from);

/* Whether `code` may be allowed: a warning or a note by default, and not denied. */
bool diag_code_allowable(const struct diag_sink *sink, enum diag_code code);

/*
 * Gives `d` a fix made of one edit, or adds an edit to the fix it has
 * (the description is then the first one's).  `text` is copied; it is
 * plan text, so it is not escaped for a terminal.
 */
void diag_fix_edit(struct diag_sink *sink, struct diag *d, const char *description, struct src_span span,
		   const char *text);

/*
 * The help "did you mean 'NEAR'?" and the fix that writes NEAR over
 * `span`, the misspelt word: the one obvious change.
 */
void diag_did_you_mean(struct diag_sink *sink, struct diag *d, struct src_span span, const char *near);

/*
 * Names the file a diagnostic without a place in one is about, so that
 * the forms that must locate every result (SARIF) give it a file-level
 * location.  The path is copied.
 */
void diag_about(struct diag_sink *sink, struct diag *d, const char *path);

/*
 * Whether `d` will be shown: false for the stand-in handed out beyond
 * DIAG_MAX_SHOWN, so costly notes and "did you mean" can be skipped.
 */
bool diag_is_shown(const struct diag_sink *sink, const struct diag *d);

bool diag_has_errors(const struct diag_sink *sink);

/*
 * For the forms (diag/form.h): puts the diagnostics in
 * the order the text form shows them, and tells a repeat of the one before
 * (same code, place and message), which is shown only once.
 */
void diag_sort(struct diag_sink *sink);
bool diag_repeats(const struct diag *prev, const struct diag *d);

/*
 * The notes of a diagnostic as the text form shows them: its own notes,
 * then one "'FILE' is imported here" for each `use` that led to its file.
 * Appends struct diag_note * to `notes`; their text is escaped like the
 * sink's own.
 */
void diag_related(struct diag_sink *sink, const struct diag *d, struct ptrvec *notes);

/* "error", "warning" or "note". */
const char *diag_severity_word(enum diag_severity severity);

/* Static facts about codes, for `bfplan explain` and machine formats. */
const char *diag_code_string(enum diag_code code);
const char *diag_code_name(enum diag_code code);
const char *diag_code_summary(enum diag_code code);
enum diag_severity diag_code_severity(enum diag_code code);
bool diag_code_lookup(const char *text, enum diag_code *code);

#endif
