/*
 * rpc.h - JSON-RPC framing of the Language Server Protocol's base protocol.
 *
 * A message is a header block, then the content: header fields of the
 * form "Name: value" each ended by CR LF, an empty line (CR LF), then
 * exactly Content-Length bytes of JSON.  Content-Length is required;
 * Content-Type, if present, is accepted and ignored (the content is
 * UTF-8 either way).  The reader takes bytes as they arrive, in any
 * pieces, and hands out whole bodies; it never trusts the peer: a header
 * block without an end, a missing or malformed length, or a body beyond
 * RPC_MAX_BODY is reported and skipped, and reading goes on with the next
 * message.  Its memory is the largest message it holds, never more.
 */
#ifndef BFPLAN_LSP_RPC_H
#define BFPLAN_LSP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
	RPC_MAX_HEADER = 8 * 1024,          /* bytes of one header block */
	RPC_MAX_BODY = 64 * 1024 * 1024,    /* bytes of one message: an 8 MB plan, escaped */
};

enum rpc_status {
	RPC_NEED_MORE,  /* no whole message yet: feed more bytes */
	RPC_MESSAGE,    /* *body holds one message's content */
	RPC_BAD_HEADER, /* a header block was malformed; it was dropped */
	RPC_TOO_LARGE,  /* a message was longer than RPC_MAX_BODY; it is being skipped */
};

struct rpc_reader {
	char *buf;        /* malloc'd: unread bytes are buf[start, len) */
	size_t start, len, cap;
	size_t body_len;  /* the length of the message whose header was read, or SIZE_MAX */
	size_t skip;      /* bytes of an oversized body still to drop */
	bool consumed;    /* the last message handed out is to be dropped on the next call */
};

void rpc_reader_init(struct rpc_reader *r);
void rpc_reader_free(struct rpc_reader *r);

/* Appends bytes read from the peer; false when memory runs out (the bytes are lost). */
bool rpc_reader_feed(struct rpc_reader *r, const char *data, size_t n);

/*
 * The next message, if a whole one is there.  The body is valid until the
 * next call; it is not NUL-terminated.
 */
enum rpc_status rpc_reader_next(struct rpc_reader *r, const char **body, size_t *len);

/* Writes one message with its header and flushes; false if the stream failed. */
bool rpc_write(FILE *out, const char *body, size_t len);

#endif
