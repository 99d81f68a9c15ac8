/*
 * server.c - the language server's loop, its documents and its dispatch
 * (see lsp.h).
 *
 * One thread, one loop: poll standard input with a timeout that is the
 * debounce of the next pending check, read what arrived, answer every
 * whole message, and check the documents whose quiet time is over.  A
 * request about a document that changed since its check checks it first,
 * so an answer never describes text the editor no longer shows.
 *
 * Nothing the client sends is trusted: a message that is not JSON, not an
 * object, or has parameters of the wrong shape gets the protocol's error
 * (or, for a notification, a line in the log) and the loop goes on.
 */
#define _DEFAULT_SOURCE /* realpath() */

#include "lsp/lsp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lsp/rpc.h"
#include "lsp/server.h"

struct server {
	FILE *out, *log;
	const struct lsp_config *config;
	struct doc **docs;
	size_t ndocs, cap;
	bool initialized, shut_down, exiting, out_failed;
	bool pending;            /* some document waits for its quiet time to end */
	long long deadline;      /* when, in milliseconds of the monotonic clock */
	struct arena scratch;    /* per message */
	jmp_buf out_of_memory;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- sending ------------------------------------------------------------------------------ */

static void send_json(struct server *s, json_t *msg)
{
	if (!msg)
		return;
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return;
	if (!rpc_write(s->out, text, strlen(text)))
		s->out_failed = true;
	free(text);
}

static void send_reply(struct server *s, const json_t *id, struct reply *r)
{
	json_t *msg = json_object();
	json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	json_object_set_new(msg, "id", id ? json_deep_copy(id) : json_null());
	if (r->error_code) {
		json_t *err = json_object();
		json_object_set_new(err, "code", json_integer(r->error_code));
		json_object_set_new(err, "message", text_json_str(r->error_message));
		json_object_set_new(msg, "error", err);
		json_decref(r->result);
	} else {
		json_object_set_new(msg, "result", r->result ? r->result : json_null());
	}
	send_json(s, msg);
}

static void send_error(struct server *s, const json_t *id, int code, const char *message)
{
	struct reply r = {NULL, code, message};
	send_reply(s, id, &r);
}

static void send_notification(struct server *s, const char *method, json_t *params)
{
	json_t *msg = json_object();
	json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	json_object_set_new(msg, "method", json_string(method));
	json_object_set_new(msg, "params", params);
	send_json(s, msg);
}

static void log_line(struct server *s, const char *what)
{
	if (s->log) {
		fprintf(s->log, "bfplan lsp: %s\n", what);
		fflush(s->log);
	}
}

/* ---- documents ---------------------------------------------------------------------------- */

static struct doc *find_doc(struct server *s, const char *uri)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (strcmp(s->docs[i]->uri, uri) == 0)
			return s->docs[i];
	return NULL;
}

/* The editor's text for a file the loader is about to read (load_options.overlay). */
static const char *overlay(void *ctx, const char *path, size_t *len)
{
	struct server *s = ctx;
	for (size_t i = 0; i < s->ndocs; i++) {
		struct doc *d = s->docs[i];
		if (strcmp(d->real, path) == 0 || strcmp(d->path, path) == 0) {
			*len = d->len;
			return d->text;
		}
	}
	return NULL;
}

static void doc_free(struct doc *d)
{
	if (d->resolved != d->now)
		analysis_free(d->resolved);
	analysis_free(d->now);
	free(d->uri);
	free(d->path);
	free(d->real);
	free(d->text);
	free(d);
}

/* Checks a document again and publishes what it found. */
static void doc_check(struct server *s, struct doc *d)
{
	struct analysis_options o = {
		.include_dirs = s->config->include_dirs,
		.include_count = s->config->include_count,
		.search_path = s->config->search_path,
		.stdlib_dir = s->config->stdlib_dir,
		.stdlib_sought = s->config->stdlib_sought,
		.allows = s->config->allows,
		.allow_count = s->config->allow_count,
		.denied = s->config->denied,
		.overlay = overlay,
		.overlay_ctx = s,
		.uri = d->uri,
	};
	struct analysis *a = analysis_run(d->path, &o);
	d->dirty = false;
	if (!a) {
		log_line(s, "out of memory while checking a document");
		return;
	}
	if (d->resolved != d->now)
		analysis_free(d->now);
	if (a->resolved && d->resolved) {
		analysis_free(d->resolved);
		d->resolved = NULL;
	}
	d->now = a;
	if (a->resolved)
		d->resolved = a;
	json_t *params = json_object();
	json_object_set_new(params, "uri", json_string(d->uri));
	json_object_set_new(params, "version", json_integer(d->version));
	json_object_set_new(params, "diagnostics", feature_diagnostics(d, &s->scratch));
	send_notification(s, "textDocument/publishDiagnostics", params);
}

/* A change to `changed` is seen by every document that reads it: they are checked again after the quiet time. */
static void mark_dependents(struct server *s, const struct doc *changed)
{
	for (size_t i = 0; i < s->ndocs; i++) {
		struct doc *d = s->docs[i];
		if (d != changed && d->now && analysis_reads(d->now, changed->real))
			d->dirty = true;
	}
}

static void schedule(struct server *s)
{
	s->pending = true;
	s->deadline = now_ms() + (long long)s->config->debounce_ms;
}

static void check_dirty(struct server *s)
{
	s->pending = false;
	for (size_t i = 0; i < s->ndocs; i++)
		if (s->docs[i]->dirty)
			doc_check(s, s->docs[i]);
}

enum change_status { CHANGE_APPLIED, CHANGE_UNREADABLE, CHANGE_TOO_LARGE };

static char *dup_bytes(const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return copy;
}

/* ---- parameters --------------------------------------------------------------------------- */

static const char *get_string(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *param_uri(const json_t *params)
{
	return get_string(json_object_get(params, "textDocument"), "uri");
}

/* A Position; false if it is not one (negative numbers included). */
static bool get_position(const json_t *v, struct text_pos *p)
{
	const json_t *line = json_object_get(v, "line"), *character = json_object_get(v, "character");
	if (!json_is_integer(line) || !json_is_integer(character))
		return false;
	json_int_t l = json_integer_value(line), c = json_integer_value(character);
	if (l < 0 || c < 0)
		return false;
	p->line = l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
	p->character = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
	return true;
}

static bool get_range(const json_t *v, struct text_pos *start, struct text_pos *end)
{
	return json_is_object(v) && get_position(json_object_get(v, "start"), start) &&
	       get_position(json_object_get(v, "end"), end);
}

/* ---- notifications ------------------------------------------------------------------------ */

/* A document for `uri`, added to the open ones, without text yet; NULL when memory runs out. */
static struct doc *new_doc(struct server *s, const char *uri)
{
	if (s->ndocs == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct doc **grown = realloc(s->docs, cap * sizeof *grown);
		if (!grown)
			return NULL;
		s->docs = grown;
		s->cap = cap;
	}
	struct doc *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	const char *path = text_uri_path(&s->scratch, uri);
	char *real = path ? realpath(path, NULL) : NULL; /* a `use` of the file finds it by this name */
	d->uri = dup_bytes(uri, strlen(uri));
	d->path = dup_bytes(path ? path : uri, strlen(path ? path : uri));
	d->real = real ? real : d->path ? dup_bytes(d->path, strlen(d->path)) : NULL;
	if (!d->uri || !d->path || !d->real) {
		free(d->uri), free(d->path), free(d->real), free(d);
		return NULL;
	}
	s->docs[s->ndocs++] = d;
	return d;
}

static void did_open(struct server *s, const json_t *params)
{
	const json_t *item = json_object_get(params, "textDocument");
	const char *uri = get_string(item, "uri");
	const json_t *text = json_object_get(item, "text");
	if (!uri || !json_is_string(text)) {
		log_line(s, "didOpen without a uri and a text");
		return;
	}
	char *copy = dup_bytes(json_string_value(text), json_string_length(text));
	struct doc *d = find_doc(s, uri); /* opened twice: the newer text wins */
	if (copy && !d)
		d = new_doc(s, uri);
	if (!copy || !d) {
		free(copy);
		log_line(s, "out of memory for an opened document; it is not checked");
		return;
	}
	free(d->text);
	d->text = copy;
	d->len = json_string_length(text);
	d->lost = false;
	const json_t *version = json_object_get(item, "version");
	d->version = json_is_integer(version) ? json_integer_value(version) : 0;
	doc_check(s, d);
	mark_dependents(s, d);
	schedule(s);
}

/* Applies one TextDocumentContentChangeEvent: a range and its new text, or a whole new text. */
static enum change_status apply_change(struct doc *d, const json_t *change)
{
	const json_t *text = json_object_get(change, "text");
	if (!json_is_string(text))
		return CHANGE_UNREADABLE;
	const char *t = json_string_value(text);
	size_t n = json_string_length(text);
	const json_t *range = json_object_get(change, "range");
	size_t from = 0, to = d->len;
	if (d->lost && range)
		return CHANGE_UNREADABLE; /* only a whole new text brings a lost document back */
	if (range) {
		struct text_pos start, end;
		if (!get_range(range, &start, &end))
			return CHANGE_UNREADABLE;
		from = text_offset_in(d->text, d->len, start);
		to = text_offset_in(d->text, d->len, end);
		if (to < from)
			to = from;
	}
	size_t len = d->len - (to - from) + n;
	if (len > LSP_MAX_DOCUMENT)
		return CHANGE_TOO_LARGE;
	char *next = malloc(len + 1);
	if (!next)
		return CHANGE_TOO_LARGE;
	memcpy(next, d->text, from);
	memcpy(next + from, t, n);
	memcpy(next + from + n, d->text + to, d->len - to);
	next[len] = '\0';
	free(d->text);
	d->text = next;
	d->len = len;
	d->lost = false;
	return CHANGE_APPLIED;
}

/*
 * The editor's text and ours no longer agree (a change over the size
 * limit, or one that could not be read): the document is emptied, so
 * that its memory goes and no answer describes text the editor does not
 * show, and the user is told.  A whole new text brings it back.
 */
static void lose(struct server *s, struct doc *d, const char *why)
{
	if (d->lost)
		return;
	char *empty = dup_bytes("", 0);
	if (empty) { /* otherwise the old text stays, unchecked */
		free(d->text);
		d->text = empty;
		d->len = 0;
	}
	d->lost = true;
	json_t *p = json_pack("{s:i,s:o}", "type", 1, "message",
			      text_json_str(arena_printf(&s->scratch, "bfplan lsp: %s; close the plan and open it "
							 "again to have it checked", why)));
	send_notification(s, "window/showMessage", p);
}

static void did_change(struct server *s, const json_t *params)
{
	struct doc *d = find_doc(s, param_uri(params) ? param_uri(params) : "");
	const json_t *changes = json_object_get(params, "contentChanges");
	if (!d || !json_is_array(changes)) {
		log_line(s, "didChange for a document that is not open, or without contentChanges");
		return;
	}
	size_t i;
	const json_t *change;
	json_array_foreach(changes, i, change) {
		enum change_status st = apply_change(d, change);
		if (st == CHANGE_TOO_LARGE) {
			lose(s, d, "the plan has grown larger than the server holds");
			break;
		}
		if (st == CHANGE_UNREADABLE) {
			lose(s, d, "a change to the plan could not be read");
			break;
		}
	}
	const json_t *version = json_object_get(json_object_get(params, "textDocument"), "version");
	if (json_is_integer(version))
		d->version = json_integer_value(version);
	d->dirty = true;
	mark_dependents(s, d);
	schedule(s);
}

static void did_close(struct server *s, const json_t *params)
{
	const char *uri = param_uri(params);
	for (size_t i = 0; uri && i < s->ndocs; i++) {
		struct doc *d = s->docs[i];
		if (strcmp(d->uri, uri) != 0)
			continue;
		mark_dependents(s, d); /* they read the file on disk again */
		json_t *p = json_object();
		json_object_set_new(p, "uri", json_string(d->uri));
		json_object_set_new(p, "diagnostics", json_array());
		send_notification(s, "textDocument/publishDiagnostics", p);
		s->docs[i] = s->docs[--s->ndocs];
		doc_free(d);
		schedule(s);
		return;
	}
}

/* Files changed on disk (a `use`d file saved from elsewhere, a checkout): everything is checked again. */
static void files_changed(struct server *s)
{
	for (size_t i = 0; i < s->ndocs; i++)
		s->docs[i]->dirty = true;
	schedule(s);
}

/* ---- requests ----------------------------------------------------------------------------- */

/* What its parameters must hold besides textDocument. */
enum needs { NEEDS_NOTHING, NEEDS_POSITION, NEEDS_RANGE };

/*
 * The requests about a document: the method, the capability initialize
 * announces it by (with its options as JSON, or NULL for true), what its
 * parameters hold, and the answer.  The capabilities and the dispatch are
 * both read from this table.
 */
static const struct document_method {
	const char *method, *capability, *options;
	enum needs needs;
	void (*answer)(const struct feature_request *q, struct reply *r);
} document_methods[] = {
	{"textDocument/hover", "hoverProvider", NULL, NEEDS_POSITION, feature_hover},
	{"textDocument/definition", "definitionProvider", NULL, NEEDS_POSITION, feature_definition},
	{"textDocument/references", "referencesProvider", NULL, NEEDS_POSITION, feature_references},
	{"textDocument/documentSymbol", "documentSymbolProvider", NULL, NEEDS_NOTHING, feature_symbols},
	{"textDocument/completion", "completionProvider", "{\"triggerCharacters\": [\" \", \",\"]}", NEEDS_POSITION,
	 feature_completion},
	{"textDocument/formatting", "documentFormattingProvider", NULL, NEEDS_NOTHING, feature_formatting},
	{"textDocument/rangeFormatting", "documentRangeFormattingProvider", NULL, NEEDS_RANGE,
	 feature_range_formatting},
	{"textDocument/codeAction", "codeActionProvider", "{\"codeActionKinds\": [\"quickfix\"]}", NEEDS_RANGE,
	 feature_code_actions},
};

static json_t *capabilities(void)
{
	json_t *caps = json_pack("{s:s,s:{s:b,s:i,s:{s:b}}}", "positionEncoding", "utf-16", "textDocumentSync",
				 "openClose", 1, "change", 2 /* incremental */, "save", "includeText", 0);
	for (size_t i = 0; i < sizeof document_methods / sizeof document_methods[0]; i++) {
		const struct document_method *m = &document_methods[i];
		json_object_set_new(caps, m->capability, m->options ? json_loads(m->options, 0, NULL) : json_true());
	}
	return caps;
}

static void initialize(struct server *s, struct reply *r)
{
	s->initialized = true;
	r->result = json_pack("{s:o,s:{s:s,s:s}}", "capabilities", capabilities(), "serverInfo", "name", "bfplan",
			      "version", s->config->version ? s->config->version : "");
}

/* The document a request is about, checked if it changed; NULL (with the error set) if it is not open. */
static struct doc *request_doc(struct server *s, const json_t *params, struct reply *r)
{
	const char *uri = param_uri(params);
	struct doc *d = uri ? find_doc(s, uri) : NULL;
	if (!d) {
		r->error_code = uri ? LSP_REQUEST_FAILED : RPC_INVALID_PARAMS;
		r->error_message = uri ? "the document is not open" : "the request names no textDocument.uri";
		return NULL;
	}
	if (d->dirty || !d->now)
		doc_check(s, d);
	return d;
}

/* A byte offset into the document's checked text: the analysis' copy of it, which the position is about. */
static bool request_offset(struct doc *d, const json_t *pos, uint32_t *offset, struct reply *r)
{
	struct text_pos p;
	if (!get_position(pos, &p)) {
		r->error_code = RPC_INVALID_PARAMS;
		r->error_message = "the position is not a Position";
		return false;
	}
	*offset = (uint32_t)text_offset_in(d->text, d->len, p);
	return true;
}

static const struct document_method *document_method(const char *method)
{
	for (size_t i = 0; i < sizeof document_methods / sizeof document_methods[0]; i++)
		if (strcmp(method, document_methods[i].method) == 0)
			return &document_methods[i];
	return NULL;
}

static void document_request(struct server *s, const struct document_method *m, const json_t *params,
			     struct reply *r)
{
	struct doc *d = request_doc(s, params, r);
	if (!d)
		return;
	struct feature_request q = {.doc = d, .docs = s->docs, .ndocs = s->ndocs, .scratch = &s->scratch,
				    .params = params};
	const json_t *pos = json_object_get(params, "position");
	if (pos && !request_offset(d, pos, &q.offset, r))
		return;
	const json_t *range = json_object_get(params, "range");
	if (range) {
		struct text_pos start, end;
		if (!get_range(range, &start, &end)) {
			r->error_code = RPC_INVALID_PARAMS;
			r->error_message = "the range is not a Range";
			return;
		}
		q.offset = (uint32_t)text_offset_in(d->text, d->len, start);
		q.end = (uint32_t)text_offset_in(d->text, d->len, end);
	}
	if ((m->needs == NEEDS_POSITION && !pos) || (m->needs == NEEDS_RANGE && !range)) {
		r->error_code = RPC_INVALID_PARAMS;
		r->error_message = m->needs == NEEDS_POSITION ? "the request has no position"
							      : "the request has no range";
		return;
	}
	m->answer(&q, r);
}

static void handle_request(struct server *s, const char *method, const json_t *id, const json_t *params)
{
	struct reply r = {0};
	if (strcmp(method, "initialize") == 0) {
		if (s->initialized) {
			r.error_code = RPC_INVALID_REQUEST;
			r.error_message = "initialize was already sent";
		} else {
			initialize(s, &r);
		}
	} else if (!s->initialized) {
		r.error_code = LSP_SERVER_NOT_INITIALIZED;
		r.error_message = "the first request must be initialize";
	} else if (s->shut_down) {
		r.error_code = RPC_INVALID_REQUEST;
		r.error_message = "the server was shut down: only exit is accepted";
	} else if (strcmp(method, "shutdown") == 0) {
		s->shut_down = true;
	} else if (document_method(method)) {
		if (params && !json_is_object(params)) {
			r.error_code = RPC_INVALID_PARAMS;
			r.error_message = "params must be an object";
		} else {
			document_request(s, document_method(method), params, &r);
		}
	} else {
		r.error_code = RPC_METHOD_NOT_FOUND;
		r.error_message = "bfplan lsp does not answer this request";
	}
	send_reply(s, id, &r);
}

static void handle_notification(struct server *s, const char *method, const json_t *params)
{
	if (strcmp(method, "exit") == 0) {
		s->exiting = true;
		return;
	}
	if (!s->initialized || s->shut_down || !json_is_object(params))
		return; /* notifications before initialize or after shutdown are dropped */
	if (strcmp(method, "textDocument/didOpen") == 0)
		did_open(s, params);
	else if (strcmp(method, "textDocument/didChange") == 0)
		did_change(s, params);
	else if (strcmp(method, "textDocument/didClose") == 0)
		did_close(s, params);
	else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0)
		files_changed(s);
	/* initialized, didSave, $/cancelRequest, $/setTrace and the rest need nothing */
}

static void handle_message(struct server *s, const char *body, size_t len)
{
	json_error_t err;
	/* a document may hold NUL characters (\u0000): the text is kept with its length */
	json_t *msg = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (!msg) {
		send_error(s, NULL, RPC_PARSE_ERROR, "the message is not JSON");
		return;
	}
	const json_t *id = json_object_get(msg, "id");
	const char *method = get_string(msg, "method");
	const char *version = get_string(msg, "jsonrpc");
	bool id_ok = !id || json_is_string(id) || json_is_integer(id);
	if (!json_is_object(msg) || !version || strcmp(version, "2.0") != 0 || !id_ok) {
		send_error(s, id_ok ? id : NULL, RPC_INVALID_REQUEST, "the message is not a JSON-RPC 2.0 object");
	} else if (!method) {
		if (!id)
			send_error(s, NULL, RPC_INVALID_REQUEST, "the message has no method");
		/* otherwise a response to a request of ours: the server sends none */
	} else if (id) {
		handle_request(s, method, id, json_object_get(msg, "params"));
	} else {
		handle_notification(s, method, json_object_get(msg, "params"));
	}
	json_decref(msg);
}

/* ---- the loop ----------------------------------------------------------------------------- */

/* Answers every whole message the reader holds. */
static void drain(struct server *s, struct rpc_reader *reader)
{
	for (;;) {
		const char *body;
		size_t len;
		enum rpc_status st = rpc_reader_next(reader, &body, &len);
		if (st == RPC_NEED_MORE || s->exiting)
			return;
		if (st == RPC_BAD_HEADER) {
			log_line(s, "a message header without a valid Content-Length was dropped");
			continue;
		}
		if (st == RPC_TOO_LARGE) {
			send_error(s, NULL, RPC_INVALID_REQUEST, "the message is larger than bfplan lsp reads");
			continue;
		}
		if (setjmp(s->out_of_memory)) {
			arena_reset(&s->scratch);
			log_line(s, "out of memory while answering a message");
			continue;
		}
		handle_message(s, body, len);
		arena_reset(&s->scratch);
	}
}

int lsp_serve(int in, FILE *out, FILE *log, const struct lsp_config *config)
{
	struct server s = {.out = out, .log = log, .config = config};
	arena_init(&s.scratch);
	s.scratch.on_failure = &s.out_of_memory;
	struct rpc_reader reader;
	rpc_reader_init(&reader);
	enum { CHUNK = 64 * 1024 };
	char *chunk = malloc(CHUNK);
	bool eof = chunk == NULL;
	while (!eof && !s.exiting && !s.out_failed) {
		int timeout = -1;
		if (s.pending) {
			long long wait = s.deadline - now_ms();
			timeout = wait < 0 ? 0 : wait > INT_MAX ? INT_MAX : (int)wait;
		}
		struct pollfd pfd = {.fd = in, .events = POLLIN};
		int ready = poll(&pfd, 1, timeout);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			break;
		if (ready > 0) {
			ssize_t n = read(in, chunk, CHUNK);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				eof = true;
			} else if (!rpc_reader_feed(&reader, chunk, (size_t)n)) {
				log_line(&s, "out of memory while reading a message; it was lost");
				rpc_reader_free(&reader);
			}
			drain(&s, &reader);
		}
		if (s.pending && now_ms() >= s.deadline && !s.exiting) {
			if (setjmp(s.out_of_memory)) {
				log_line(&s, "out of memory while publishing diagnostics");
				s.pending = false;
			} else {
				check_dirty(&s);
			}
			arena_reset(&s.scratch);
		}
	}
	free(chunk);
	rpc_reader_free(&reader);
	for (size_t i = 0; i < s.ndocs; i++)
		doc_free(s.docs[i]);
	free(s.docs);
	arena_free(&s.scratch);
	return s.shut_down ? 0 : 1;
}
