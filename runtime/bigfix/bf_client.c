/*
 * bf_client.c - the calls bfplan makes to a BigFix server.
 *
 * Each call is one or two requests (bf_http.c) and one answer read
 * (bf_xml.c).  What the calls send is built here: the SourcedFixletAction
 * document (valid against BES.xsd, its texts XML-escaped and checked for
 * characters XML cannot carry) and the session relevance (its string
 * literals percent-encoded, the language's only escape).
 */
#define _DEFAULT_SOURCE /* explicit_bzero() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/bigfix/bf_internal.h"
#include "base/escape.h"
#include "base/textbuf.h"

enum { DEFAULT_TIMEOUT_MS = 60000, DEFAULT_BACKOFF_MS = 500, TITLE_MAX = 255 };
#define DEFAULT_MAX_ANSWER ((size_t)16 << 20)

/* ---- the URL ------------------------------------------------------------------------------- */

/* "https://HOST[:PORT][/]", no user information, path, query or fragment. */
static bool url_ok(const char *url, const char **host, size_t *host_len)
{
	static const char scheme[] = "https://";
	if (strncasecmp(url, scheme, sizeof scheme - 1) != 0)
		return false;
	const char *h = url + sizeof scheme - 1;
	const char *end = h;
	if (*end == '[') {
		end = strchr(end, ']');
		if (!end)
			return false;
		end++;
	} else {
		end += strcspn(end, ":/?#@");
	}
	if (end == h)
		return false;
	*host = h;
	*host_len = (size_t)(end - h);
	if (*end == ':') {
		const char *p = ++end;
		while (*end >= '0' && *end <= '9')
			end++;
		if (end == p || end - p > 5)
			return false;
	}
	if (*end == '/')
		end++;
	if (*end)
		return false;
	for (const char *s = h; s < *host + *host_len; s++)
		if (*s <= ' ' || *s >= 0x7F)
			return false;
	return true;
}

bool bf_url_host(const char *url, char *host, size_t size)
{
	const char *h;
	size_t len;
	if (!url_ok(url, &h, &len))
		return false;
	if (*h == '[')
		h++, len -= 2;
	if (len >= size)
		return false;
	memcpy(host, h, len);
	host[len] = '\0';
	return true;
}

/* ---- the client ------------------------------------------------------------------------------ */

struct bf_client *bf_client_new(const struct bf_config *cfg, const struct bf_secret *secret, struct bf_error *err)
{
	*err = (struct bf_error){0};
	const char *host;
	size_t host_len;
	if (!cfg->url || !url_ok(cfg->url, &host, &host_len)) {
		bf_error_set(err, BF_ERR_USAGE,
			     "the BigFix URL must be https://HOST:PORT (for example https://bigfix.example.com:52311), "
			     "with no name, password or path in it");
		return NULL;
	}
	if (strlen(cfg->url) >= sizeof ((struct bf_client *)0)->base) {
		bf_error_set(err, BF_ERR_USAGE, "the BigFix URL is too long");
		return NULL;
	}
	struct bf_client *c = calloc(1, sizeof *c);
	if (!c) {
		bf_error_set(err, BF_ERR_USAGE, "out of memory");
		return NULL;
	}
	c->cfg = *cfg;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!c->cfg.backoff_ms)
		c->cfg.backoff_ms = DEFAULT_BACKOFF_MS;
	if (!c->cfg.max_answer)
		c->cfg.max_answer = DEFAULT_MAX_ANSWER;
	snprintf(c->base, sizeof c->base, "%s", cfg->url);
	size_t n = strlen(c->base);
	if (n && c->base[n - 1] == '/')
		c->base[n - 1] = '\0';
	c->secret = secret;
	if (cfg->besapi_xsd && !(c->schema = bf_schema_load(cfg->besapi_xsd, err))) {
		free(c);
		return NULL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = c->curl = curl_easy_init();
	if (!h) {
		bf_client_free(c);
		bf_error_set(err, BF_ERR_USAGE, "libcurl cannot start");
		return NULL;
	}
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->cfg.timeout_ms < 15000 ? c->cfg.timeout_ms : 15000L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
	if (cfg->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg->cacert);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "bfplan");
	return c;
}

void bf_client_free(struct bf_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	bf_schema_free(c->schema);
	explicit_bzero(c->token, sizeof c->token);
	free(c);
}

const struct bf_stats *bf_client_stats(const struct bf_client *c)
{
	return &c->stats;
}

/* ---- answers ------------------------------------------------------------------------------------ */

/* The error for an HTTP status that is not a success, with the start of the server's text. */
static bool status_error(const struct bf_reply *r, const char *what, struct bf_error *err)
{
	long s = r->status;
	enum bf_err kind = s == 401 ? BF_ERR_AUTH
			 : s == 403 ? BF_ERR_FORBIDDEN
			 : s == 404 ? BF_ERR_NOT_FOUND
			 : s >= 500 ? BF_ERR_SERVER
				    : BF_ERR_HTTP;
	if (kind == BF_ERR_AUTH)
		bf_error_set(err, kind, "%s: the server refused the credentials (HTTP 401)", what);
	else
		bf_error_set(err, kind, "%s: HTTP %ld", what, s);
	err->http_status = s;
	if (r->len && kind != BF_ERR_AUTH) {
		size_t at = strlen(err->text);
		snprintf(err->text + at, sizeof err->text - at, ": ");
		bf_error_append(err, r->data, r->len < 200 ? r->len : 200);
	}
	return false;
}

/* "WHAT: " before an error's message, which is cut to fit. */
static void prefix_error(struct bf_error *err, const char *what)
{
	size_t w = strlen(what) + 2, len = strlen(err->text);
	if (w >= sizeof err->text)
		return;
	if (len + w >= sizeof err->text)
		len = sizeof err->text - w - 1;
	memmove(err->text + w, err->text, len);
	err->text[w + len] = '\0';
	memcpy(err->text, what, w - 2);
	memcpy(err->text + w - 2, ": ", 2);
}

/* A request whose success is HTTP 200 with a BESAPI document; the parsed answer in *out. */
static bool fetch(struct bf_client *c, enum bf_method method, const char *path, const char *ctype,
		  const char *body, size_t len, bool retry, struct bf_answer **out, struct bf_error *err)
{
	struct bf_reply r;
	char what[96];
	snprintf(what, sizeof what, "%s %.70s", method == BF_GET ? "GET" : "POST", path);
	*out = NULL;
	if (!bf_http(c, method, path, ctype, body, len, retry, &r, err)) {
		free(r.data);
		return false;
	}
	bool ok = r.status == 200 ? (*out = bf_answer_parse(r.data ? r.data : "", r.len, c->cfg.max_answer,
							      c->schema, err)) != NULL
				  : status_error(&r, what, err);
	if (!ok && r.status == 200)
		prefix_error(err, what);
	free(r.data);
	return ok;
}

static bool get(struct bf_client *c, const char *path, struct bf_answer **out, struct bf_error *err)
{
	return fetch(c, BF_GET, path, NULL, NULL, 0, true, out, err);
}

bool bf_login(struct bf_client *c, struct bf_error *err)
{
	struct bf_reply r;
	bool ok = bf_http(c, BF_GET, "/api/login", NULL, NULL, 0, true, &r, err) &&
		  (r.status == 200 || status_error(&r, "GET /api/login", err));
	free(r.data);
	return ok;
}

/* ---- session relevance ------------------------------------------------------------------------------ */

char *bf_relevance_applicable(struct arena *a, const char *site, uint64_t fixlet_id)
{
	struct textbuf b;
	textbuf_init(&b, a);
	textbuf_printf(&b, "ids of applicable computers of bes fixlets whose (id of it = %llu and name of site of it = %s)",
		       (unsigned long long)fixlet_id, esc_relevance_string(a, site, strlen(site)));
	return b.data;
}

char *bf_relevance_content_named(struct arena *a, const char *site, const char *name)
{
	struct textbuf b;
	textbuf_init(&b, a);
	/* `bes fixlets` holds a site's Tasks and Baselines too */
	textbuf_printf(&b, "ids of bes fixlets whose (name of it = %s and name of site of it = %s)",
		       esc_relevance_string(a, name, strlen(name)), esc_relevance_string(a, site, strlen(site)));
	return b.data;
}

char *bf_relevance_computers_named(struct arena *a, const char *name)
{
	struct textbuf b;
	textbuf_init(&b, a);
	/* Windows computer names are case-insensitive; the relevance compares lower case */
	struct textbuf lower;
	textbuf_init(&lower, a);
	for (const char *s = name; *s; s++)
		textbuf_putc(&lower, (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s));
	textbuf_printf(&b, "ids of bes computers whose (name of it as lowercase = %s)",
		       esc_relevance_string(a, lower.data, lower.len));
	return b.data;
}

bool bf_query(struct bf_client *c, struct arena *a, const char *relevance, const char ***answers, size_t *n,
	      struct bf_error *err)
{
	char *escaped = curl_easy_escape(c->curl, relevance, (int)strlen(relevance));
	if (!escaped) {
		bf_error_set(err, BF_ERR_USAGE, "out of memory");
		return false;
	}
	struct textbuf form;
	textbuf_init(&form, a);
	textbuf_printf(&form, "relevance=%s", escaped);
	curl_free(escaped);
	struct bf_reply r;
	/* A query changes nothing on the server, so it is retried like a GET. */
	if (!bf_http(c, BF_POST, "/api/query", "application/x-www-form-urlencoded", form.data, form.len, true, &r,
		     err)) {
		free(r.data);
		return false;
	}
	bool ok = false;
	if (r.status == 200 || r.status == 400) {
		/* a relevance error comes as Query/Error, whatever the status */
		struct bf_answer *ans = bf_answer_parse(r.data ? r.data : "", r.len, c->cfg.max_answer, c->schema, err);
		ok = ans && bf_read_query(ans, a, answers, n, err);
		bf_answer_free(ans);
		if (!ok && r.status == 400 && err->kind != BF_ERR_RELEVANCE)
			ok = status_error(&r, "POST /api/query", err);
	} else {
		status_error(&r, "POST /api/query", err);
	}
	free(r.data);
	return ok;
}

/* ---- computers ---------------------------------------------------------------------------------------- */

static bool same_text(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static bool matches(const struct bf_computer *comp, enum bf_match by, const char *value)
{
	if (by == BF_MATCH_DNS)
		return same_text(comp->dns, value);
	size_t n = strlen(comp->dns), m = strlen(value);
	return n > m + 1 && comp->dns[n - m - 1] == '.' && same_text(comp->dns + n - m, value);
}

static bool parse_decimal(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

bool bf_computer(struct bf_client *c, struct arena *a, uint64_t id, struct bf_computer *out, struct bf_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "/api/computer/%llu", (unsigned long long)id);
	struct bf_answer *ans;
	if (!get(c, path, &ans, err))
		return false;
	bool ok = bf_read_computer(ans, a, out, err);
	bf_answer_free(ans);
	out->id = id;
	return ok;
}

bool bf_resolve(struct bf_client *c, struct arena *a, const char *name, enum bf_match by, const char *value,
		struct bf_computer *out, struct bf_error *err)
{
	const char **ids;
	size_t n;
	if (!bf_query(c, a, bf_relevance_computers_named(a, name), &ids, &n, err))
		return false;
	struct textbuf seen;
	textbuf_init(&seen, a);
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t id;
		if (!parse_decimal(ids[i], &id)) {
			bf_error_set(err, BF_ERR_SHAPE, "a computer ID in the answer is not a number: ");
			bf_error_append(err, ids[i], strlen(ids[i]));
			return false;
		}
		struct bf_computer comp;
		if (!bf_computer(c, a, id, &comp, err))
			return false;
		textbuf_printf(&seen, "%s%llu (DNS name '%s')", seen.len ? ", " : "", (unsigned long long)id,
			       esc_terminal(a, comp.dns));
		if (!same_text(comp.name, name) || !matches(&comp, by, value))
			continue;
		if (found++ == 0)
			*out = comp;
	}
	const char *prop = by == BF_MATCH_DNS ? "DNS name" : "domain";
	const char *shown = esc_terminal(a, name), *want = esc_terminal(a, value);
	if (found == 1)
		return true;
	if (found > 1)
		bf_error_set(err, BF_ERR_AMBIGUOUS,
			     "%zu computers are named '%s' with %s '%s', and a node must be exactly one: %s", found,
			     shown, prop, want, seen.data);
	else if (seen.len)
		bf_error_set(err, BF_ERR_NO_COMPUTER, "no computer is named '%s' with %s '%s'; of that name: %s", shown,
			     prop, want, seen.data);
	else
		bf_error_set(err, BF_ERR_NO_COMPUTER, "no computer is named '%s'", shown);
	return false;
}

/* ---- actions ---------------------------------------------------------------------------------------------- */

char *bf_action_title(struct arena *a, const char *run_id, unsigned step, const char *step_name)
{
	struct textbuf b;
	textbuf_init(&b, a);
	textbuf_printf(&b, "bfplan %s step %u: %s", run_id, step, step_name);
	return b.data;
}

/* Appends XML text (element content or attribute value), or says why it cannot. */
static bool put_xml(struct textbuf *b, const char *s, bool one_line, const char *what, struct bf_error *err)
{
	struct esc_fault fault;
	size_t len = strlen(s);
	if (!esc_xml_check(s, len, &fault) || (one_line && strcspn(s, "\r\n\t") != len)) {
		bf_error_set(err, BF_ERR_TEXT, "%s cannot be sent: it holds a character XML cannot carry%s", what,
			     one_line ? " or a line break" : "");
		return false;
	}
	for (; *s; s++) {
		switch (*s) {
		case '&': textbuf_puts(b, "&amp;"); break;
		case '<': textbuf_puts(b, "&lt;"); break;
		case '>': textbuf_puts(b, "&gt;"); break;
		case '"': textbuf_puts(b, "&quot;"); break;
		default: textbuf_putc(b, *s);
		}
	}
	return true;
}

char *bf_action_body(struct arena *a, const struct bf_action_request *req, bool redact, struct bf_error *err)
{
	if (!req->title || !req->title[0] || strlen(req->title) > TITLE_MAX) {
		bf_error_set(err, BF_ERR_TEXT, "an action's title must have 1 to %d characters", TITLE_MAX);
		return NULL;
	}
	if (req->n_targets == 0) {
		bf_error_set(err, BF_ERR_USAGE, "an action needs at least one target");
		return NULL;
	}
	struct textbuf b;
	textbuf_init(&b, a);
	textbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<BES xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
			 "xsi:noNamespaceSchemaLocation=\"BES.xsd\">\n"
			 "\t<SourcedFixletAction>\n\t\t<SourceFixlet>\n\t\t\t<Sitename>");
	if (!put_xml(&b, req->site, true, "the site's name", err))
		return NULL;
	textbuf_printf(&b, "</Sitename>\n\t\t\t<FixletID>%llu</FixletID>\n", (unsigned long long)req->fixlet_id);
	if (req->action) {
		textbuf_puts(&b, "\t\t\t<Action>");
		if (!put_xml(&b, req->action, true, "the action's name", err))
			return NULL;
		textbuf_puts(&b, "</Action>\n");
	}
	textbuf_puts(&b, "\t\t</SourceFixlet>\n\t\t<Target>\n");
	for (size_t i = 0; i < req->n_targets; i++)
		textbuf_printf(&b, "\t\t\t<ComputerID>%llu</ComputerID>\n", (unsigned long long)req->targets[i]);
	textbuf_puts(&b, "\t\t</Target>\n");
	/* BES.xsd: every Parameter before every SecureParameter */
	for (int secure = 0; secure < 2; secure++) {
		for (size_t i = 0; i < req->n_params; i++) {
			const struct bf_param *p = &req->params[i];
			if (p->secure != secure)
				continue;
			textbuf_printf(&b, "\t\t<%s Name=\"", secure ? "SecureParameter" : "Parameter");
			if (!put_xml(&b, p->name, true, "a parameter's name", err))
				return NULL;
			textbuf_puts(&b, "\">");
			if (!put_xml(&b, secure && redact ? "(secret)" : p->value, false, "a parameter's value", err))
				return NULL;
			textbuf_printf(&b, "</%s>\n", secure ? "SecureParameter" : "Parameter");
		}
	}
	textbuf_puts(&b, "\t\t<Title>");
	if (!put_xml(&b, req->title, true, "the action's title", err))
		return NULL;
	textbuf_puts(&b, "</Title>\n\t</SourcedFixletAction>\n</BES>\n");
	return b.data;
}

bool bf_post_action(struct bf_client *c, struct arena *a, const struct bf_action_request *req,
		    struct bf_action_ref *out, struct bf_error *err)
{
	char *body = bf_action_body(a, req, false, err);
	if (!body)
		return false;
	struct bf_answer *ans;
	bool ok = fetch(c, BF_POST, "/api/actions", "application/xml", body, strlen(body), false, &ans, err) &&
		  bf_read_action(ans, a, out, err);
	explicit_bzero(body, strlen(body));  /* it may hold secure parameters */
	bf_answer_free(ans);
	return ok;
}

bool bf_action_status(struct bf_client *c, struct arena *a, uint64_t action_id, struct bf_action_status *out,
		      struct bf_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "/api/action/%llu/status", (unsigned long long)action_id);
	struct bf_answer *ans;
	bool ok = get(c, path, &ans, err) && bf_read_status(ans, a, out, err);
	bf_answer_free(ans);
	if (ok && out->action_id != action_id) {
		bf_error_set(err, BF_ERR_SHAPE, "asked for action %llu, the server answered for action %llu",
			     (unsigned long long)action_id, (unsigned long long)out->action_id);
		return false;
	}
	return ok;
}

bool bf_stop_action(struct bf_client *c, uint64_t action_id, struct bf_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "/api/action/%llu/stop", (unsigned long long)action_id);
	struct bf_reply r;
	/* stopping twice is stopping once: safe to retry */
	bool ok = bf_http(c, BF_POST, path, NULL, NULL, 0, true, &r, err) &&
		  (r.status == 200 || status_error(&r, "POST /api/action/.../stop", err));
	free(r.data);
	return ok;
}

bool bf_find_action(struct bf_client *c, struct arena *a, const char *title, bool *found, uint64_t *id,
		    struct bf_error *err)
{
	struct bf_answer *ans;
	struct bf_action_ref *refs;
	size_t n;
	bool ok = get(c, "/api/actions", &ans, err) && bf_read_actions(ans, a, &refs, &n, err);
	bf_answer_free(ans);
	if (!ok)
		return false;
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(refs[i].name, title) == 0 && count++ == 0)
			*id = refs[i].id;
	*found = count > 0;
	if (count > 1) {
		bf_error_set(err, BF_ERR_AMBIGUOUS, "%zu actions are titled '%s': which one this run posted is unknown",
			     count, esc_terminal(a, title));
		return false;
	}
	return true;
}

bool bf_import(struct bf_client *c, struct arena *a, const char *site, const char *bes, size_t len,
	       struct bf_imported **out, size_t *n, struct bf_error *err)
{
	char *escaped = curl_easy_escape(c->curl, site, (int)strlen(site));
	if (!escaped || !*site) {
		curl_free(escaped);
		bf_error_set(err, BF_ERR_USAGE, "the custom site's name is empty");
		return false;
	}
	struct textbuf path;
	textbuf_init(&path, a);
	textbuf_printf(&path, "/api/import/custom/%s", escaped);
	curl_free(escaped);
	struct bf_answer *ans;
	bool ok = fetch(c, BF_POST, path.data, "application/xml", bes, len, false, &ans, err) &&
		  bf_read_import(ans, a, out, n, err);
	bf_answer_free(ans);
	return ok;
}
