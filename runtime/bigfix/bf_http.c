/*
 * bf_http.c - HTTPS to the BigFix server, through libcurl.
 *
 * The certificate is always verified (against cfg.cacert, the
 * deployment's own CA, when given) unless cfg.insecure says otherwise,
 * which the caller announces on every run.  HTTPS is the only protocol,
 * redirects are not followed, proxies are not used, and an answer larger
 * than cfg.max_answer is cut off and refused.
 *
 * Authentication is basic on the first request; once the server gives a
 * SessionToken, that is sent instead of the password, and a 401 with a
 * token (the session ended) is answered by one retry with the password.
 * The Authorization header is built here and wiped after each request;
 * libcurl keeps no copy of the password through its own options.
 *
 * Retries: a request that is safe to repeat is tried again, after a wait
 * that doubles from cfg.backoff_ms up to 30 s, when nothing answered or
 * the server answered 5xx or 429.  Anything else is sent once: a POST
 * whose answer was lost is BF_ERR_LOST_ANSWER, for the caller to resolve
 * by looking the action up by its title, never by sending it again.
 * bf_client_bound() caps a call's attempts and waits together, so a hung
 * server costs no more than the time the caller has left.
 */
#define _DEFAULT_SOURCE /* explicit_bzero() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "runtime/bigfix/bf_internal.h"

struct sink {
	struct bf_reply *reply;
	size_t cap, limit;
	bool oversized;
	struct bf_client *c;
};

static size_t on_body(char *data, size_t size, size_t count, void *arg)
{
	struct sink *s = arg;
	size_t n = size * count;
	struct bf_reply *r = s->reply;
	if (n > s->limit - r->len) {
		s->oversized = true;
		return 0;  /* libcurl stops with CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 8192;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *grown = realloc(r->data, cap);
		if (!grown)
			return 0;
		r->data = grown;
		s->cap = cap;
	}
	memcpy(r->data + r->len, data, n);
	r->len += n;
	r->data[r->len] = '\0';
	return n;
}

/* Keeps the SessionToken header's value when it is printable and fits. */
static size_t on_header(char *data, size_t size, size_t count, void *arg)
{
	struct sink *s = arg;
	size_t n = size * count;
	static const char name[] = "SessionToken:";
	if (n <= sizeof name - 1 || strncasecmp(data, name, sizeof name - 1) != 0)
		return n;
	const char *v = data + sizeof name - 1;
	size_t len = n - (sizeof name - 1);
	while (len && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
		len--;
	if (len == 0 || len >= sizeof s->c->token)
		return n;
	for (size_t i = 0; i < len; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7F)
			return n;
	memcpy(s->c->token, v, len);
	s->c->token[len] = '\0';
	return n;
}

static void base64(const unsigned char *in, size_t len, char *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < len ? in[i + 2] : 0);
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
}

/* "Authorization: Basic ..." or "SessionToken: ...", in `line`, which the caller wipes. */
static void auth_header(const struct bf_client *c, bool use_token, char *line, size_t size)
{
	if (use_token) {
		snprintf(line, size, "SessionToken: %s", c->token);
		return;
	}
	unsigned char pair[sizeof c->secret->user + sizeof c->secret->password + 1];
	size_t ulen = strlen(c->secret->user);
	memcpy(pair, c->secret->user, ulen);
	pair[ulen] = ':';
	memcpy(pair + ulen + 1, c->secret->password, c->secret->password_len);
	static const char prefix[] = "Authorization: Basic ";
	memcpy(line, prefix, sizeof prefix);
	if ((ulen + 1 + c->secret->password_len + 2) / 3 * 4 + sizeof prefix <= size)
		base64(pair, ulen + 1 + c->secret->password_len, line + sizeof prefix - 1);
	explicit_bzero(pair, sizeof pair);
}

static void wipe_list(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bf_client_bound(struct bf_client *c, long ms)
{
	c->bound_ms = ms > 0 ? ms : 0;
}

/* The time one attempt may take: the client's timeout, cut to what is left before `end` (0: no end). */
static long attempt_ms(const struct bf_client *c, long end)
{
	long ms = c->cfg.timeout_ms;
	if (end) {
		long left = end - now_ms();
		if (left < ms)
			ms = left > 1 ? left : 1;
	}
	return ms;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Why a transfer without an HTTP answer failed; `sent` says whether the request left. */
static void transfer_error(struct bf_error *err, CURLcode rc, bool sent, bool oversized, size_t limit,
			   const char *what)
{
	const char *detail = curl_easy_strerror(rc);
	if (oversized)
		bf_error_set(err, BF_ERR_OVERSIZED, "%s: the answer is larger than the %zu bytes bfplan accepts", what,
			     limit);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		 rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		bf_error_set(err, BF_ERR_TLS,
			     "%s: the server's certificate is refused (%s); give the deployment's CA with --cacert", what,
			     detail);
	else if (rc == CURLE_OPERATION_TIMEDOUT && !sent)
		bf_error_set(err, BF_ERR_TIMEOUT, "%s: no connection in time (%s); nothing was sent", what, detail);
	else if (sent)
		bf_error_set(err, rc == CURLE_OPERATION_TIMEDOUT ? BF_ERR_TIMEOUT : BF_ERR_LOST_ANSWER,
			     "%s: the request was sent but no answer came back (%s)", what, detail);
	else
		bf_error_set(err, BF_ERR_CONNECT, "%s: cannot reach the server (%s); nothing was sent", what, detail);
}

static bool retryable(const struct bf_error *err, long status)
{
	if (status)
		return status >= 500 || status == 429;
	return err->kind == BF_ERR_CONNECT || err->kind == BF_ERR_TIMEOUT || err->kind == BF_ERR_LOST_ANSWER;
}

/* One attempt.  True when the server answered (any status). */
static bool attempt(struct bf_client *c, enum bf_method method, const char *url, const char *content_type,
		    const char *body, size_t body_len, bool use_token, bool once, long end, struct bf_reply *reply,
		    struct bf_error *err, const char *what)
{
	CURL *h = c->curl;
	long ms = attempt_ms(c, end);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms < 15000 ? ms : 15000L);
	char auth[sizeof c->token + 4 * sizeof c->secret->password];
	auth_header(c, use_token, auth, sizeof auth);
	struct curl_slist *headers = curl_slist_append(NULL, auth);
	explicit_bzero(auth, sizeof auth);
	if (content_type) {
		char line[128];
		snprintf(line, sizeof line, "Content-Type: %s", content_type);
		headers = curl_slist_append(headers, line);
	}
	headers = curl_slist_append(headers, "Expect:");
	free(reply->data);
	*reply = (struct bf_reply){0};
	struct sink sink = {reply, 0, c->cfg.max_answer, false, c};

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
	if (method == BF_POST) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	/*
	 * libcurl sends a request again by itself when a reused connection turns
	 * out dead before the answer.  A request that must not be repeated goes
	 * on a connection of its own, which libcurl never retries.
	 */
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, once ? 1L : 0L);
	c->stats.requests++;
	CURLcode rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	wipe_list(headers);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply->status);
		c->stats.bytes_in += reply->len;
		return true;
	}
	long sent = 0;
	curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent);
	transfer_error(err, rc, sent > 0, sink.oversized, c->cfg.max_answer, what);
	return false;
}

bool bf_http(struct bf_client *c, enum bf_method method, const char *path, const char *content_type,
	     const char *body, size_t body_len, bool retry, struct bf_reply *reply, struct bf_error *err)
{
	char url[sizeof c->base + 1024];
	if ((size_t)snprintf(url, sizeof url, "%s%s", c->base, path) >= sizeof url) {
		bf_error_set(err, BF_ERR_USAGE, "the request's path is too long");
		return false;
	}
	char what[96];
	snprintf(what, sizeof what, "%s %.70s", method == BF_GET ? "GET" : "POST", path);
	*reply = (struct bf_reply){0};
	long wait = c->cfg.backoff_ms;
	long end = c->bound_ms ? now_ms() + c->bound_ms : 0;
	bool reauthenticated = false;
	for (unsigned tries = 0;; tries++) {
		bool use_token = c->token[0] != '\0';
		bool answered = attempt(c, method, url, content_type, body, body_len, use_token, !retry, end, reply, err,
					what);
		if (answered && reply->status == 401 && use_token && !reauthenticated) {
			/* the session ended: nothing was done; once more with the password */
			c->token[0] = '\0';
			reauthenticated = true;
			tries--;
			continue;
		}
		if (answered && !retryable(err, reply->status))
			return true;
		if (!retry || tries >= c->cfg.get_retries)
			return answered;
		if (end && now_ms() + wait >= end)
			return answered; /* no time left for another try: the caller's deadline decides */
		c->stats.retries++;
		pause_ms(wait);
		wait = wait * 2 > 30000 ? 30000 : wait * 2;
	}
}
