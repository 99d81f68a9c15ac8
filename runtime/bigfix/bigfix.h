/*
 * bigfix.h - bfplan's client of the BigFix platform REST API.
 *
 * What `bfplan run --bigfix` needs of a BigFix server, and nothing more:
 * log in, resolve a cluster node to exactly one computer, ask session
 * relevance, post a SourcedFixletAction, read an action's results, stop
 * it, find an action again by its title, import content into a custom
 * site.  Every fact about the API it relies on is in the REST API
 * reference (docs/runtime.md says which are documented and which are
 * inferred).
 *
 * Three layers, one file each:
 *   bf_xml.c     the reader: an answer's bytes to plain structs, refusing
 *                what is not XML, what carries a DTD, what BESAPI.xsd
 *                (when given) does not allow, and what lacks the asked-for
 *                parts.  Pure: no I/O; the fuzz harness drives it.
 *   bf_http.c    the transport (libcurl): HTTPS only, the certificate
 *                verified, answers bounded, GETs retried with backoff,
 *                a POST never retried.
 *   bf_client.c  the calls, built on both.
 * and bf_secret.c for the operator's credentials.
 *
 * Everything a call returns is allocated in the arena the caller passes;
 * a call that fails fills a struct bf_error and returns false.  Text from
 * the server is untrusted: the error messages escape it for a terminal,
 * and struct fields hold it as received, for the caller to escape.
 */
#ifndef BFPLAN_BIGFIX_H
#define BFPLAN_BIGFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* ---- errors ---------------------------------------------------------------------------- */

/* X(KIND, what it means): every way a call can fail, written once. */
#define BF_ERRORS(X) \
	X(BF_OK, "no error") \
	X(BF_ERR_USAGE, "the request cannot be made as given") \
	X(BF_ERR_CREDENTIALS, "no credentials") \
	X(BF_ERR_CONNECT, "the server cannot be reached; nothing was sent") \
	X(BF_ERR_TLS, "the server's certificate is refused") \
	X(BF_ERR_TIMEOUT, "the server did not answer in time") \
	X(BF_ERR_LOST_ANSWER, "the request was sent but its answer was lost; it may have been carried out") \
	X(BF_ERR_AUTH, "the server refused the credentials") \
	X(BF_ERR_FORBIDDEN, "the operator may not do this") \
	X(BF_ERR_NOT_FOUND, "the server has no such object") \
	X(BF_ERR_HTTP, "the server refused the request") \
	X(BF_ERR_SERVER, "the server failed") \
	X(BF_ERR_OVERSIZED, "the answer is larger than bfplan accepts") \
	X(BF_ERR_MALFORMED, "the answer is not well-formed XML") \
	X(BF_ERR_HOSTILE, "the answer carries a DTD or an entity declaration") \
	X(BF_ERR_SCHEMA, "the answer is not valid against BESAPI.xsd") \
	X(BF_ERR_SCHEMA_FILE, "BESAPI.xsd cannot be used") \
	X(BF_ERR_SHAPE, "the answer lacks what was asked for") \
	X(BF_ERR_RELEVANCE, "the server could not evaluate the session relevance") \
	X(BF_ERR_NO_COMPUTER, "no computer matches the node") \
	X(BF_ERR_AMBIGUOUS, "several objects match where one must") \
	X(BF_ERR_TEXT, "text that XML cannot carry")

enum bf_err {
#define X(kind, what) kind,
	BF_ERRORS(X)
#undef X
};

struct bf_error {
	enum bf_err kind;
	long http_status;  /* the HTTP status when the server answered one, else 0 */
	char text[768];    /* one line, safe for a terminal: server text is escaped */
};

/* "BF_ERR_TLS" without the prefix, lower case: "tls". */
const char *bf_err_name(enum bf_err kind);
const char *bf_err_meaning(enum bf_err kind);

/* ---- credentials (bf_secret.c) ------------------------------------------------------------- */

/*
 * The operator's name and password, in memory locked against swapping
 * where the system allows, and wiped by bf_secret_wipe().  Never put into
 * argv, a log, a journal or a diagnostic.
 */
struct bf_secret {
	char user[256];
	char password[512];
	size_t password_len;
	bool locked;  /* mlock() succeeded */
};

/*
 * From BFPLAN_BIGFIX_USER and BFPLAN_BIGFIX_PASSWORD (the password is read,
 * then wiped from the environment so no child inherits it), else the netrc
 * file (NETRC, else ~/.netrc, which must not be readable by others) entry
 * for `host`, else a prompt on the terminal without echo.  Makes the
 * process undumpable first (bf_protect_process).
 */
bool bf_secret_acquire(struct bf_secret *s, const char *host, struct bf_error *err);
void bf_secret_wipe(struct bf_secret *s);

/* No core dump and no ptrace by other users while a password is held. */
void bf_protect_process(void);

/* ---- the reader (bf_xml.c) ------------------------------------------------------------------ */

struct bf_schema;  /* BESAPI.xsd, compiled with the corrections of its provenance note */

/* NULL (and *err) when the file is absent, unreadable or not the release whose defects are known. */
struct bf_schema *bf_schema_load(const char *path, struct bf_error *err);
void bf_schema_free(struct bf_schema *schema);

struct bf_answer;  /* one parsed answer */

/*
 * Parses an answer (at most `len` bytes, no NUL needed) and validates it
 * against `schema` when one is given.  Refuses a DTD (entity expansion
 * and external entities), anything but a BESAPI root, and more than
 * `max_len` bytes.  The answer lives until bf_answer_free().
 */
struct bf_answer *bf_answer_parse(const char *data, size_t len, size_t max_len, const struct bf_schema *schema,
				  struct bf_error *err);
void bf_answer_free(struct bf_answer *answer);

struct bf_computer {
	uint64_t id;
	const char *name;         /* "Computer Name" */
	const char *dns;          /* "DNS Name", "" when the server gave none */
	const char *last_report;  /* "Last Report Time" as the server wrote it, "" when absent */
};

struct bf_action_ref {
	uint64_t id;
	const char *name;
};

/*
 * What a target's Status text means for a step, by the console's action
 * statuses.  The REST pages do not list the texts: the documented ones
 * are Fixed, Failed, Pending Restart, Running, Waiting, Evaluating and Not
 * Relevant; the others in bf_xml.c's table are inferred from the console,
 * and any text not in it is UNKNOWN: not finished, and said so.
 */
#define BF_OUTCOMES(X) \
	X(BF_PENDING, "not finished") \
	X(BF_SUCCEEDED, "succeeded") \
	X(BF_FAILED, "failed") \
	X(BF_PENDING_RESTART, "waits in Pending Restart") \
	X(BF_NOT_RELEVANT, "not relevant") \
	X(BF_ENDED, "ended without running (stopped, expired or canceled)") \
	X(BF_UNKNOWN, "an unknown status: not finished")

enum bf_outcome {
#define X(kind, what) kind,
	BF_OUTCOMES(X)
#undef X
};

const char *bf_outcome_meaning(enum bf_outcome outcome);
enum bf_outcome bf_outcome_of(const char *status);

struct bf_target_result {
	uint64_t computer_id;
	const char *computer_name;
	const char *status;        /* the text as the server sent it */
	enum bf_outcome outcome;
};

struct bf_action_status {
	uint64_t action_id;
	const char *status;        /* the action's own: Open, Stopped, Expired */
	size_t n_targets;
	struct bf_target_result *targets;  /* the targets that have reported, in the server's order */
};

struct bf_imported {
	const char *kind;  /* Fixlet, Task, Baseline */
	const char *name;
	uint64_t id;
};

/* Each reads one answer's shape; BF_ERR_SHAPE when the parts it needs are not there. */
bool bf_read_computer_ids(const struct bf_answer *a, struct arena *arena, uint64_t **ids, size_t *n,
			  struct bf_error *err);
bool bf_read_computer(const struct bf_answer *a, struct arena *arena, struct bf_computer *out,
		      struct bf_error *err);
/* Query/Result answers as text (a Tuple's answers joined by ", "); Query/Error is BF_ERR_RELEVANCE. */
bool bf_read_query(const struct bf_answer *a, struct arena *arena, const char ***answers, size_t *n,
		   struct bf_error *err);
bool bf_read_action(const struct bf_answer *a, struct arena *arena, struct bf_action_ref *out,
		    struct bf_error *err);
bool bf_read_actions(const struct bf_answer *a, struct arena *arena, struct bf_action_ref **out, size_t *n,
		     struct bf_error *err);
bool bf_read_status(const struct bf_answer *a, struct arena *arena, struct bf_action_status *out,
		    struct bf_error *err);
bool bf_read_import(const struct bf_answer *a, struct arena *arena, struct bf_imported **out, size_t *n,
		    struct bf_error *err);

/* ---- requests (bf_client.c) ------------------------------------------------------------------- */

struct bf_param {
	const char *name;
	const char *value;
	bool secure;  /* a SecureParameter: its value is never printed, even by a dry run */
};

struct bf_action_request {
	const char *site;          /* Sitename: the site's name, or a custom site's */
	uint64_t fixlet_id;
	const char *action;        /* Action1, ...; NULL for the Fixlet's default */
	const uint64_t *targets;   /* computer IDs */
	size_t n_targets;
	const struct bf_param *params;
	size_t n_params;
	const char *title;         /* unique: bf_action_title() */
};

/* "bfplan RUN step N: NAME": how an action is found again by bf_find_action(). */
char *bf_action_title(struct arena *a, const char *run_id, unsigned step, const char *step_name);

/*
 * The BES document that posts the action, valid against BES.xsd.  With
 * `redact`, each SecureParameter's value is written as "(secret)", for a
 * dry run's printout.  NULL and BF_ERR_TEXT when a text cannot be put in XML.
 */
char *bf_action_body(struct arena *a, const struct bf_action_request *req, bool redact, struct bf_error *err);

/* Session relevance the driver sends: which computers a Fixlet is relevant on; computers by name. */
char *bf_relevance_applicable(struct arena *a, const char *site, uint64_t fixlet_id);
char *bf_relevance_computers_named(struct arena *a, const char *name);
/* The IDs of the Fixlets, Tasks and Baselines of a site that bear a name: what an import made, found again. */
char *bf_relevance_content_named(struct arena *a, const char *site, const char *name);

/* ---- the client (bf_client.c, bf_http.c) ----------------------------------------------------------- */

struct bf_config {
	const char *url;          /* https://HOST:PORT, with nothing after the port (or one '/') */
	const char *cacert;       /* the deployment's CA file; NULL for the system's */
	bool insecure;            /* do not verify the certificate: the caller warns on every run */
	const char *besapi_xsd;   /* validate every answer against it; NULL: do not */
	long timeout_ms;          /* one request, connection included; 0: 60 s */
	unsigned get_retries;     /* a failed GET is tried again this many times; POSTs never are */
	long backoff_ms;          /* the first wait before a retry, doubled each time up to 30 s; 0: 500 ms */
	size_t max_answer;        /* bytes; 0: 16 MiB */
};

struct bf_stats {
	unsigned long requests;   /* sent, retries included */
	unsigned long retries;
	unsigned long bytes_in;
};

struct bf_client;

/* Checks the URL and loads the schema; sends nothing.  `secret` must outlive the client. */
struct bf_client *bf_client_new(const struct bf_config *cfg, const struct bf_secret *secret, struct bf_error *err);
void bf_client_free(struct bf_client *c);
const struct bf_stats *bf_client_stats(const struct bf_client *c);
/* The host of the URL, for a netrc lookup. */
bool bf_url_host(const char *url, char *host, size_t size);

/*
 * Bounds each later call, its retries and their waits included, to `ms`
 * milliseconds from when it begins (never more than cfg.timeout_ms per
 * attempt); 0 lifts the bound.  The driver sets it to what is left of the
 * running step's timeout, so that a server that stops answering makes the
 * step time out by the plan's rules, not after the client's own timeout.
 * A call cut short fails with BF_ERR_TIMEOUT (or BF_ERR_LOST_ANSWER).
 */
void bf_client_bound(struct bf_client *c, long ms);

bool bf_login(struct bf_client *c, struct bf_error *err);

/* How a node is told apart from other computers of the same name. */
enum bf_match { BF_MATCH_DNS, BF_MATCH_DOMAIN };

/*
 * The one computer named `name` (case-insensitively, as Windows names
 * are) whose DNS name is `value` (BF_MATCH_DNS) or ends in ".value"
 * (BF_MATCH_DOMAIN).  None: BF_ERR_NO_COMPUTER; several: BF_ERR_AMBIGUOUS,
 * with the candidates' IDs and DNS names in the message.
 */
bool bf_resolve(struct bf_client *c, struct arena *a, const char *name, enum bf_match by, const char *value,
		struct bf_computer *out, struct bf_error *err);

/*
 * One computer, by ID, as bf_resolve() read it: its Last Report Time now,
 * for a run that looks again, mid-window, at whether its nodes still report.
 */
bool bf_computer(struct bf_client *c, struct arena *a, uint64_t id, struct bf_computer *out, struct bf_error *err);

bool bf_query(struct bf_client *c, struct arena *a, const char *relevance, const char ***answers, size_t *n,
	      struct bf_error *err);

/* Posts the action, once: BF_ERR_LOST_ANSWER when its fate is unknown (look it up by its title). */
bool bf_post_action(struct bf_client *c, struct arena *a, const struct bf_action_request *req,
		    struct bf_action_ref *out, struct bf_error *err);
bool bf_action_status(struct bf_client *c, struct arena *a, uint64_t action_id, struct bf_action_status *out,
		      struct bf_error *err);
bool bf_stop_action(struct bf_client *c, uint64_t action_id, struct bf_error *err);

/* The action titled exactly `title`: *found false when none; BF_ERR_AMBIGUOUS when several. */
bool bf_find_action(struct bf_client *c, struct arena *a, const char *title, bool *found, uint64_t *id,
		    struct bf_error *err);

/* POST /api/import/custom/SITE with a BES document; the created objects with their new IDs. */
bool bf_import(struct bf_client *c, struct arena *a, const char *site, const char *bes, size_t len,
	       struct bf_imported **out, size_t *n, struct bf_error *err);

/* ---- inside the module ------------------------------------------------------------------------------ */

/* Sets err (kind, message); `fmt` is trusted text. */
void bf_error_set(struct bf_error *err, enum bf_err kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends untrusted text to err's message, escaped for a terminal and cut to fit. */
void bf_error_append(struct bf_error *err, const char *text, size_t len);

#endif
