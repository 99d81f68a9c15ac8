/*
 * bf_internal.h - what bf_http.c and bf_client.c share; not for callers.
 */
#ifndef BFPLAN_BF_INTERNAL_H
#define BFPLAN_BF_INTERNAL_H

#include <curl/curl.h>

#include "runtime/bigfix/bigfix.h"

struct bf_client {
	struct bf_config cfg;
	char base[512];                /* the URL without its trailing '/' */
	const struct bf_secret *secret;
	struct bf_schema *schema;      /* NULL: answers are not validated */
	CURL *curl;
	char token[512];               /* the server's SessionToken, "" until it gives one */
	struct bf_stats stats;
	long bound_ms;                 /* bf_client_bound(): each call's whole time, 0 for none */
};

/* An answer's status and body (malloc'd, at most cfg.max_answer bytes). */
struct bf_reply {
	long status;
	char *data;
	size_t len;
};

enum bf_method { BF_GET, BF_POST };

/*
 * One request.  `retry` allows retries with backoff, for requests that are
 * safe to repeat (GETs; a stop); a POST that creates something is sent once.
 * True when the server answered, whatever the status; false (and *err)
 * when it did not.  The caller frees reply->data.
 */
bool bf_http(struct bf_client *c, enum bf_method method, const char *path, const char *content_type,
	     const char *body, size_t body_len, bool retry, struct bf_reply *reply, struct bf_error *err);

#endif
