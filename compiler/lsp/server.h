/*
 * server.h - what the server's parts share (private to compiler/lsp/).
 *
 * server.c holds the open documents, reads messages and dispatches them;
 * features.c answers the requests about a document's content.  Both turn
 * the compiler's spans into the protocol's ranges through an analysis.
 */
#ifndef BFPLAN_LSP_SERVER_H
#define BFPLAN_LSP_SERVER_H

#include <jansson.h>

#include "lsp/analysis.h"
#include "lsp/lsp.h"

/* An open document: the editor's text, and what checking it found. */
struct doc {
	char *uri;
	char *path;                 /* the path it is checked as: the file's, or the URI for an unsaved one */
	char *real;                 /* its path with links resolved, as a `use` of it is found */
	char *text;                 /* malloc'd, NUL-terminated; len bytes */
	size_t len;
	json_int_t version;
	bool dirty;                 /* changed since `now` was made */
	bool lost;                  /* a change could not be followed: emptied until a whole new text */
	struct analysis *now;       /* the last check */
	struct analysis *resolved;  /* the last check that resolved names (may be `now`) */
};

/* Error codes of JSON-RPC and the protocol. */
enum {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	LSP_SERVER_NOT_INITIALIZED = -32002,
	LSP_REQUEST_FAILED = -32803,
};

/* A request's answer: a result (possibly JSON null), or an error. */
struct reply {
	json_t *result;             /* owned; NULL with error_code 0 means JSON null */
	int error_code;
	const char *error_message;
};

/* The range of a span of the analysis' files, in the protocol's units. */
json_t *feature_range(struct analysis *a, struct src_span span);
/* A Location: the span's file as a URI, and its range. */
json_t *feature_location(struct analysis *a, struct arena *scratch, struct src_span span);
/* The URI of one of the analysis' files. */
const char *feature_uri(struct analysis *a, struct arena *scratch, uint32_t file);

struct feature_request {
	struct doc *doc;
	struct doc *const *docs;    /* every open document, for what other plans say of the same names */
	size_t ndocs;
	struct arena *scratch;      /* freed after the request */
	const json_t *params;
	uint32_t offset;            /* the position's byte offset in the document, when it has one */
	uint32_t end;               /* a range's end, when it has one */
};

void feature_hover(const struct feature_request *q, struct reply *r);
void feature_definition(const struct feature_request *q, struct reply *r);
void feature_references(const struct feature_request *q, struct reply *r);
void feature_symbols(const struct feature_request *q, struct reply *r);
void feature_completion(const struct feature_request *q, struct reply *r);
void feature_formatting(const struct feature_request *q, struct reply *r);
void feature_range_formatting(const struct feature_request *q, struct reply *r);
void feature_code_actions(const struct feature_request *q, struct reply *r);

/* The diagnostics of a document's last check, as publishDiagnostics carries them. */
json_t *feature_diagnostics(struct doc *doc, struct arena *scratch);

#endif
