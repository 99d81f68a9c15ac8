/*
 * text.c - protocol positions and file URIs (see text.h).
 */
#include "lsp/text.h"

#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/utf8.h"

void text_lines_init(struct text_lines *l, struct arena *arena, const char *text, size_t len)
{
	uint32_t count = 1;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
			count++;
	l->text = text;
	l->len = len;
	l->starts = arena_calloc(arena, count, sizeof *l->starts);
	l->count = 0;
	l->starts[l->count++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
			l->starts[l->count++] = (uint32_t)(i + 1);
}

/* The byte length of the character at s (1 for a byte that is not UTF-8) and its UTF-16 length. */
static size_t char_at(const char *s, size_t n, uint32_t *units)
{
	uint32_t cp;
	size_t k = utf8_decode((const unsigned char *)s, n, &cp);
	if (k == 0) {
		*units = 1;
		return 1;
	}
	*units = cp > 0xFFFF ? 2 : 1;
	return k;
}

/* The end of line `line`'s content: before its LF, CR LF or CR. */
static uint32_t line_end(const struct text_lines *l, uint32_t line)
{
	uint32_t end = line + 1 < l->count ? l->starts[line + 1] : (uint32_t)l->len;
	if (end > l->starts[line] && line + 1 < l->count && l->text[end - 1] == '\n')
		end--;
	if (end > l->starts[line] && line + 1 < l->count && l->text[end - 1] == '\r')
		end--;
	return end;
}

struct text_pos text_position(const struct text_lines *l, uint32_t offset)
{
	if (offset > l->len)
		offset = (uint32_t)l->len;
	uint32_t lo = 0, hi = l->count - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (l->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid - 1;
	}
	uint32_t end = line_end(l, lo);
	if (offset > end)
		offset = end; /* inside a CR LF: the end of the line */
	uint32_t character = 0;
	for (uint32_t i = l->starts[lo]; i < offset;) {
		uint32_t units;
		i += (uint32_t)char_at(l->text + i, end - i, &units);
		character += units;
	}
	return (struct text_pos){lo, character};
}

/* The offset of UTF-16 unit `character` in [from, end): the start of a character it falls inside. */
static size_t offset_in_line(const char *text, size_t from, size_t end, uint32_t character)
{
	size_t i = from;
	uint32_t seen = 0;
	while (i < end) {
		uint32_t units;
		size_t k = char_at(text + i, end - i, &units);
		if (seen + units > character)
			break;
		seen += units;
		i += k;
	}
	return i;
}

uint32_t text_offset(const struct text_lines *l, struct text_pos p)
{
	if (p.line >= l->count)
		return (uint32_t)l->len;
	return (uint32_t)offset_in_line(l->text, l->starts[p.line], line_end(l, p.line), p.character);
}

size_t text_offset_in(const char *text, size_t len, struct text_pos p)
{
	size_t i = 0;
	for (uint32_t line = 0; line < p.line; line++) {
		while (i < len && text[i] != '\n' && text[i] != '\r')
			i++;
		if (i == len)
			return len;
		i += text[i] == '\r' && i + 1 < len && text[i + 1] == '\n' ? 2 : 1;
	}
	size_t end = i;
	while (end < len && text[end] != '\n' && text[end] != '\r')
		end++;
	return offset_in_line(text, i, end, p.character);
}

char *text_uri_path(struct arena *arena, const char *uri)
{
	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	const char *p = uri + 7;
	if (strncmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL; /* a host other than this one */
	size_t len = strcspn(p, "?#");
	char *out = arena_alloc(arena, len + 1);
	size_t n = percent_decode(out, p, len);
	return memchr(out, '\0', n) ? NULL : out; /* %00 names no file */
}

char *text_path_uri(struct arena *arena, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path);
	char *out = arena_alloc(arena, 7 + 3 * len + 1);
	size_t n = 0;
	memcpy(out, "file://", 7);
	n = 7;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			     strchr("/-._~!$&'()*+,;=@", c);
		if (plain) {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return out;
}

json_t *text_json(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	if (j)
		return j;
	/* not UTF-8 (or a NUL inside): each bad byte becomes U+FFFD, three bytes */
	char *clean = malloc(3 * len + 1);
	if (!clean)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_scalar_len((const unsigned char *)s + i, len - i);
		if (k == 0 || s[i] == '\0') {
			memcpy(clean + n, "\xEF\xBF\xBD", 3);
			n += 3;
			i++;
		} else {
			memcpy(clean + n, s + i, k);
			n += k;
			i += k;
		}
	}
	j = json_stringn(clean, n);
	free(clean);
	return j;
}

json_t *text_json_str(const char *s)
{
	return text_json(s ? s : "", s ? strlen(s) : 0);
}
