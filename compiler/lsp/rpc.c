/*
 * rpc.c - JSON-RPC framing (see rpc.h).
 */
#include "lsp/rpc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void rpc_reader_init(struct rpc_reader *r)
{
	*r = (struct rpc_reader){.body_len = SIZE_MAX};
}

void rpc_reader_free(struct rpc_reader *r)
{
	free(r->buf);
	rpc_reader_init(r);
}

/* Drops the bytes before `start`, so the buffer holds only what is unread. */
static void compact(struct rpc_reader *r)
{
	if (r->start == 0)
		return;
	memmove(r->buf, r->buf + r->start, r->len - r->start);
	r->len -= r->start;
	r->start = 0;
}

bool rpc_reader_feed(struct rpc_reader *r, const char *data, size_t n)
{
	if (r->skip) {
		size_t dropped = n < r->skip ? n : r->skip;
		r->skip -= dropped;
		data += dropped;
		n -= dropped;
	}
	if (n == 0)
		return true;
	compact(r);
	if (n > r->cap - r->len) {
		size_t cap = r->cap ? r->cap : 4096;
		while (n > cap - r->len)
			cap *= 2;
		char *grown = realloc(r->buf, cap);
		if (!grown)
			return false;
		r->buf = grown;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	return true;
}

static bool field_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (len < n + 1 || line[n] != ':')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = line[i];
		if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != name[i])
			return false;
	}
	return true;
}

/* The value of a Content-Length field: decimal digits between optional blanks; false if not that. */
static bool parse_length(const char *s, size_t len, size_t *out)
{
	size_t i = 0, value = 0, digits = 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (value > (SIZE_MAX - 9) / 10)
			return false;
		value = value * 10 + (size_t)(s[i] - '0');
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*out = value;
	return digits > 0 && i == len;
}

/*
 * Reads the header block [h, h + len) (its final CR LF CR LF excluded):
 * the length of the body, or false for a block without one, with a field
 * that is not "Name: value", or with a Content-Length given twice.
 */
static bool parse_header(const char *h, size_t len, size_t *body_len)
{
	bool have = false;
	for (size_t pos = 0; pos <= len;) {
		const char *end = NULL;
		for (size_t i = pos; i + 1 < len; i++)
			if (h[i] == '\r' && h[i + 1] == '\n') {
				end = h + i;
				break;
			}
		size_t line_len = end ? (size_t)(end - (h + pos)) : len - pos;
		const char *line = h + pos;
		if (!memchr(line, ':', line_len) || memchr(line, '\r', line_len) || memchr(line, '\n', line_len))
			return false;
		if (field_is(line, line_len, "content-length")) {
			if (have || !parse_length(line + 15, line_len - 15, body_len))
				return false;
			have = true;
		}
		if (!end)
			break;
		pos += line_len + 2;
	}
	return have;
}

static const char *find_blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (s[i] == '\r' && s[i + 1] == '\n' && s[i + 2] == '\r' && s[i + 3] == '\n')
			return s + i;
	return NULL;
}

enum rpc_status rpc_reader_next(struct rpc_reader *r, const char **body, size_t *len)
{
	if (r->consumed) {
		r->start += r->body_len;
		r->body_len = SIZE_MAX;
		r->consumed = false;
	}
	if (!r->buf)
		return RPC_NEED_MORE;
	const char *data = r->buf + r->start;
	size_t avail = r->len - r->start;
	if (r->body_len == SIZE_MAX) {
		size_t window = avail < RPC_MAX_HEADER + 4 ? avail : RPC_MAX_HEADER + 4;
		const char *blank = find_blank_line(data, window);
		if (!blank) {
			if (avail < RPC_MAX_HEADER + 4)
				return RPC_NEED_MORE;
			/* no end in sight: drop what was read, keeping the last bytes in case the end straddles */
			r->start += avail - 3;
			return RPC_BAD_HEADER;
		}
		size_t header_len = (size_t)(blank - data);
		size_t n;
		r->start += header_len + 4;
		if (!parse_header(data, header_len, &n))
			return RPC_BAD_HEADER;
		if (n > RPC_MAX_BODY) {
			size_t here = r->len - r->start < n ? r->len - r->start : n;
			r->start += here;
			r->skip = n - here;
			return RPC_TOO_LARGE;
		}
		r->body_len = n;
		data = r->buf + r->start;
		avail = r->len - r->start;
	}
	if (avail < r->body_len)
		return RPC_NEED_MORE;
	*body = data;
	*len = r->body_len;
	r->consumed = true;
	return RPC_MESSAGE;
}

bool rpc_write(FILE *out, const char *body, size_t len)
{
	if (fprintf(out, "Content-Length: %zu\r\n\r\n", len) < 0)
		return false;
	if (fwrite(body, 1, len, out) != len)
		return false;
	return fflush(out) == 0;
}
