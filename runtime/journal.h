/*
 * journal.h - the record of a change window: what was done, when, by whom.
 *
 * A journal is a JSON Lines file (docs/runtime.md, "The journal"; its
 * JSON Schema is docs/journal.schema.json).  Its first line, the header,
 * binds it to one plan: the SHA-256 of the plan's lowered form and the
 * bfplan that began it.  Every later line is one entry: a step started, a
 * target done or failed, a note, an abort, and the records a driver keeps
 * around each request it sends to BigFix (an intent before sending, the
 * action it issued after).  Entries are numbered from 1 and only ever
 * appended.
 *
 * This file is the pure half: parsing a journal's bytes into entries, and
 * writing an entry as its line.  Nothing here reads a file or a clock
 * (journal_file.h does the I/O and the locking), so the parser can be fed
 * anything: a fuzzer does.  A journal is untrusted input: whatever its
 * bytes, the parser returns entries it has checked field by field, or one
 * fault saying what is wrong and where.
 *
 * A line is complete when it ends with a newline.  The bytes after the
 * last newline are a torn line, the trace of a write that a crash or a
 * power loss cut short: they are counted, never parsed, and the next
 * append sets them aside.  A complete line that is not an entry is not
 * torn (an append writes its newline last): it is a fault.
 */
#ifndef BFPLAN_JOURNAL_H
#define BFPLAN_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/textbuf.h"

/* The journal format this bfplan writes and reads; a later one is refused, never guessed at. */
enum { JOURNAL_FORMAT = 1 };

/*
 * The largest journal read, and the longest line.  A window's journal
 * holds hundreds of entries, each a few hundred bytes; 8 MiB is tens of
 * thousands, and keeps every offset within a diagnostic's 32-bit span.
 */
enum { JOURNAL_MAX_BYTES = 8 * 1024 * 1024, JOURNAL_MAX_LINE = 64 * 1024 };

/* Limits on fields, so that no entry can make a report unreadable. */
enum { JOURNAL_MAX_NAME = 255, JOURNAL_MAX_TEXT = 4096 };

/*
 * X(TYPE, NAME, REQUIRED, OPTIONAL, SUMMARY): every entry type, with the
 * fields it must and may have besides seq, type, at and by (masks of
 * enum journal_field).  docs/journal.schema.json says the same.
 */
#define JOURNAL_TYPES(X)                                                                                       \
	X(JOURNAL_START, "start", JF_STEP, 0, "a step was started on its targets")                                   \
	X(JOURNAL_DONE, "done", JF_STEP, JF_TARGET, "a step succeeded, on one target or on all of them")            \
	X(JOURNAL_FAIL, "fail", JF_STEP | JF_TARGET | JF_REASON, 0, "a step failed on a target")                    \
	X(JOURNAL_PENDING, "pending-restart", JF_STEP | JF_TARGET, 0,                                               \
	  "a target of a step reports Pending Restart")                                                           \
	X(JOURNAL_WITNESS_OFFLINE, "witness-offline", 0, JF_TEXT,                                                   \
	  "the quorum witness went offline: the plan stops at the next step boundary")                             \
	X(JOURNAL_NODE_LOST, "node-lost", JF_TARGET, 0,                                                             \
	  "a node was lost (down, or no longer reporting): the plan stops at the next step boundary")              \
	X(JOURNAL_NOTE, "note", JF_TEXT, JF_STEP, "a remark for the change record")                                 \
	X(JOURNAL_ABORT, "abort", JF_REASON, 0, "the run was abandoned")                                            \
	X(JOURNAL_ACCEPT_PLAN, "accept-changed-plan", JF_PLAN_SHA256 | JF_WAS, 0,                                   \
	  "the run goes on with a plan that changed since the journal began")                                      \
	X(JOURNAL_SET_ASIDE, "set-aside", JF_LINE | JF_BYTES | JF_FILE, 0,                                          \
	  "a torn last line was moved out of the journal")                                                         \
	X(JOURNAL_INTENT, "intent", JF_REQUEST, JF_STEP | JF_TARGETS, "a driver is about to send a request")        \
	X(JOURNAL_ISSUED, "issued", JF_INTENT | JF_ACTION, 0, "the request of an intent made an action")

enum journal_type {
#define X(type, name, required, optional, summary) type,
	JOURNAL_TYPES(X)
#undef X
	JOURNAL_TYPE_COUNT
};

/* X(FIELD, KEY): the fields an entry may have, each with its one JSON key. */
#define JOURNAL_FIELDS(X)                                                                                      \
	X(JF_SEQ, "seq")                                                                                         \
	X(JF_TYPE, "type")                                                                                       \
	X(JF_AT, "at")                                                                                           \
	X(JF_BY, "by")                                                                                           \
	X(JF_STEP, "step")                                                                                       \
	X(JF_TARGET, "target")                                                                                   \
	X(JF_TARGETS, "targets")                                                                                 \
	X(JF_REASON, "reason")                                                                                   \
	X(JF_TEXT, "text")                                                                                       \
	X(JF_PLAN_SHA256, "plan_sha256")                                                                         \
	X(JF_WAS, "was")                                                                                         \
	X(JF_LINE, "line")                                                                                       \
	X(JF_BYTES, "bytes")                                                                                     \
	X(JF_FILE, "file")                                                                                       \
	X(JF_REQUEST, "request")                                                                                 \
	X(JF_INTENT, "intent")                                                                                   \
	X(JF_ACTION, "action")

enum journal_field_index {
#define X(field, key) field##_INDEX,
	JOURNAL_FIELDS(X)
#undef X
	JOURNAL_FIELD_COUNT
};

enum journal_field {
#define X(field, key) field = 1u << field##_INDEX,
	JOURNAL_FIELDS(X)
#undef X
};

/*
 * One entry, checked.  Fields an entry's type does not have are NULL or
 * 0.  A step is named as the checklist numbers it: "3" for step 3, "F3"
 * for the failure step of step 3, "P2" for pre-flight check P2.
 */
struct journal_entry {
	enum journal_type type;
	uint64_t seq;            /* 1, 2, 3...: its place among the entries */
	int64_t at;              /* when, in seconds since 1970-01-01 UTC */
	const char *by;          /* who: an operator, or a driver */
	const char *step;        /* "3", "F3", "P2" */
	const char *target;      /* a node */
	const char *const *targets; /* intent: the nodes the request acts on */
	size_t target_count;
	const char *reason;      /* fail, abort */
	const char *text;        /* note; witness-offline: what was seen, where */
	const char *plan_sha256; /* accept-changed-plan: the plan the run goes on with */
	const char *was;         /* ... and the one the journal had */
	uint64_t line;           /* set-aside: the line the torn bytes were on */
	uint64_t bytes;          /* set-aside: how many */
	const char *file;        /* set-aside: the file they went to (a name beside the journal) */
	const char *request;     /* intent: what is sent, as "POST /api/actions" */
	uint64_t intent;         /* issued: the seq of its intent */
	uint64_t action;         /* issued: the BigFix action ID */
	/* where it was read from: its line (the header is line 1) and its bytes */
	uint32_t line_number;
	uint32_t offset, length;
};

/* The first line. */
struct journal_header {
	unsigned format;         /* JOURNAL_FORMAT */
	const char *bfplan;      /* the version that began it */
	const char *plan;        /* the plan's name */
	const char *plan_sha256; /* the SHA-256 of its lowered form, 64 lower-case hex digits */
	const char *source;      /* the plan file, as given when it began */
	int64_t created;
	const char *by;
	uint32_t length;         /* bytes of the line, its newline included */
};

struct journal {
	bool has_header;         /* false for an empty file, or one whose only line is torn */
	struct journal_header header;
	struct journal_entry *entries;
	size_t count, cap;
	size_t complete;         /* bytes of complete lines: where the next append goes */
	size_t torn;             /* bytes after them: a torn last line, never read */
	uint32_t torn_line;      /* its line number, when torn > 0 */
};

/* X(FAULT, SUMMARY): what can be wrong with a journal's bytes. */
#define JOURNAL_FAULTS(X)                                                                                      \
	X(JOURNAL_FAULT_NONE, "no fault")                                                                         \
	X(JOURNAL_FAULT_TOO_LARGE, "the journal is larger than bfplan reads")                                    \
	X(JOURNAL_FAULT_LINE_TOO_LONG, "a line is longer than any entry")                                         \
	X(JOURNAL_FAULT_EMPTY_LINE, "an empty line")                                                              \
	X(JOURNAL_FAULT_NOT_JSON, "a line that is not JSON")                                                      \
	X(JOURNAL_FAULT_NOT_OBJECT, "a line that is JSON but not an object")                                      \
	X(JOURNAL_FAULT_NOT_HEADER, "the first line is not a bfplan journal's header")                            \
	X(JOURNAL_FAULT_NEWER_FORMAT, "the journal's format is newer than this bfplan reads")                     \
	X(JOURNAL_FAULT_UNKNOWN_TYPE, "an entry of a type bfplan does not know")                                  \
	X(JOURNAL_FAULT_UNKNOWN_FIELD, "a field the entry's type does not have")                                  \
	X(JOURNAL_FAULT_MISSING_FIELD, "a field the entry's type needs is missing")                               \
	X(JOURNAL_FAULT_BAD_FIELD, "a field whose value is not of its kind")                                      \
	X(JOURNAL_FAULT_SEQUENCE, "an entry out of sequence")

enum journal_fault_kind {
#define X(kind, summary) kind,
	JOURNAL_FAULTS(X)
#undef X
};

struct journal_fault {
	enum journal_fault_kind kind;
	uint32_t line;           /* 1-based */
	uint32_t offset;         /* the line's first byte in the file */
	uint32_t length;         /* its bytes, without the newline */
	uint32_t column;         /* 1-based byte within the line where known, else 0 */
	const char *detail;      /* what exactly, in words: "'seq' is 7, but the entry before is 5" */
};

/*
 * Parses a journal's bytes: the header, every complete line after it as
 * an entry, and the torn tail counted in j->torn.  An empty text is an
 * empty journal.  False, with *fault filled, at the first line that is
 * not what it must be.  Everything goes into `arena`.
 */
bool journal_parse(struct arena *arena, const char *text, size_t len, struct journal *j, struct journal_fault *fault);

/*
 * The same with jansson reading every line, where journal_parse() reads
 * the lines bfplan writes itself: for the fuzz harness, which holds the
 * two to the same result.
 */
bool journal_parse_general(struct arena *arena, const char *text, size_t len, struct journal *j,
			   struct journal_fault *fault);

/* The phrase for a fault kind: "a line that is not JSON". */
const char *journal_fault_summary(enum journal_fault_kind kind);

/* An entry type's name in the file ("accept-changed-plan"), and back; false for an unknown name. */
const char *journal_type_name(enum journal_type type);
bool journal_type_lookup(const char *name, enum journal_type *type);

/* The line of a header or an entry, newline included, keys in a fixed order, as jansson's JSON_COMPACT. */
void journal_write_header(struct textbuf *out, const struct journal_header *h);
void journal_write_entry(struct textbuf *out, const struct journal_entry *e);

/* Appends an entry to j (its seq must be the next), as a parse would have read it. */
void journal_push(struct arena *arena, struct journal *j, const struct journal_entry *e);

/*
 * Times as the journal writes them: "2026-12-06T21:30:05Z", UTC to the
 * second, years 1970 to 9999.  journal_time_parse() takes that form only.
 */
enum { JOURNAL_TIME_SIZE = 21 };
void journal_time_format(int64_t seconds, char out[JOURNAL_TIME_SIZE]);
bool journal_time_parse(const char *s, int64_t *seconds);

/* Checks on values from the command line, the same the parser applies. */
bool journal_is_step_name(const char *s);  /* "3", "F3", "P2" */
bool journal_is_node_name(const char *s);  /* a plan-language name */
bool journal_is_text(const char *s, size_t max, bool one_line); /* UTF-8, no NUL, not empty, at most max bytes */

#endif
