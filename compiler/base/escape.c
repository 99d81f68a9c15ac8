/*
 * escape.c - per-context escaping and checking of plan text (see escape.h).
 */
#include "base/escape.h"

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

static bool fail(struct esc_fault *fault, enum esc_fault_kind kind, size_t offset, uint32_t value)
{
	if (fault) {
		fault->kind = kind;
		fault->offset = offset;
		fault->value = value;
	}
	return false;
}

bool esc_xml_check(const char *s, size_t len, struct esc_fault *fault)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		/* printable ASCII, most of any text, needs no decoding */
		if (u[i] >= 0x20 && u[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n == 0)
			return fail(fault, ESC_FAULT_INVALID_UTF8, i, u[i]);
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			return fail(fault, ESC_FAULT_CONTROL, i, cp);
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return fail(fault, ESC_FAULT_SURROGATE, i, cp);
		if (cp == 0xFFFE || cp == 0xFFFF)
			return fail(fault, ESC_FAULT_NONCHARACTER, i, cp);
		i += n;
	}
	if (fault)
		fault->kind = ESC_FAULT_NONE;
	return true;
}

bool esc_path_check(const char *s, size_t len, struct esc_fault *fault)
{
	if (!esc_xml_check(s, len, fault))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || s[i] == '\r')
			return fail(fault, ESC_FAULT_LINE_BREAK, i, (unsigned char)s[i]);
		/* '~' only where make would expand it: at the start of the path */
		if ((s[i] != '\0' && strchr(":;|=()\\*?[]%", s[i])) || (s[i] == '~' && i == 0))
			return fail(fault, ESC_FAULT_MAKE_SYNTAX, i, (unsigned char)s[i]);
	}
	return true;
}

const char *esc_fault_describe(struct arena *a, const struct esc_fault *fault)
{
	/* Offsets are 0-based internally; people count characters from 1. */
	size_t at = fault->offset + 1;
	switch (fault->kind) {
	case ESC_FAULT_NONE:
		return "no problem";
	case ESC_FAULT_INVALID_UTF8:
		return arena_printf(a, "the byte 0x%02X at byte %zu of the text, which is not valid UTF-8",
				    (unsigned)fault->value, at);
	case ESC_FAULT_SURROGATE:
		return arena_printf(a, "the surrogate code point U+%04X at byte %zu of the text",
				    (unsigned)fault->value, at);
	case ESC_FAULT_CONTROL:
		return arena_printf(a, "the control character U+%04X at byte %zu of the text",
				    (unsigned)fault->value, at);
	case ESC_FAULT_NONCHARACTER:
		return arena_printf(a, "the noncharacter U+%04X at byte %zu of the text", (unsigned)fault->value, at);
	case ESC_FAULT_LINE_BREAK:
		return arena_printf(a, "a %s at byte %zu of the text",
				    fault->value == '\r' ? "carriage return" : "line feed", at);
	case ESC_FAULT_NUL:
		return arena_printf(a, "a NUL byte at byte %zu of the text", at);
	case ESC_FAULT_EMPTY:
		return "it is empty";
	case ESC_FAULT_UNOPENED:
		return arena_printf(a, "the ')' at byte %zu closes a parenthesis it never opened", at);
	case ESC_FAULT_UNCLOSED:
		return arena_printf(a, "the '(' at byte %zu is never closed", at);
	case ESC_FAULT_OPEN_STRING:
		return arena_printf(a, "the string that starts at byte %zu is never closed", at);
	case ESC_FAULT_MAKE_SYNTAX:
		return arena_printf(a, "the character '%c' at byte %zu, which make would read as part of a rule "
				    "in the depfile", (char)fault->value, at);
	}
	return "an unknown problem";
}

char *esc_relevance_string(struct arena *a, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	/* worst case: every byte becomes %XX, plus two quotes and the NUL */
	char *out = arena_calloc(a, len + 1, 3);
	size_t o = 0;
	out[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7E || c == '"' || c == '%' || c == '{' || c == '}') {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xF];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

bool esc_relevance_check(const char *s, size_t len, struct esc_fault *fault)
{
	size_t depth = 0, string_start = 0, unclosed = 0;
	bool in_string = false, blank = true;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			blank = false;
		if (c == '"') {
			in_string = !in_string;
			string_start = i;
		} else if (in_string) {
			continue;
		} else if (c == '(') {
			if (depth++ == 0)
				unclosed = i; /* the outermost '(' is the one left open, if any is */
		} else if (c == ')') {
			if (depth == 0)
				return fail(fault, ESC_FAULT_UNOPENED, i, ')');
			depth--;
		}
	}
	if (blank)
		return fail(fault, ESC_FAULT_EMPTY, 0, 0);
	if (in_string)
		return fail(fault, ESC_FAULT_OPEN_STRING, string_start, '"');
	if (depth > 0)
		return fail(fault, ESC_FAULT_UNCLOSED, unclosed, '(');
	if (fault)
		fault->kind = ESC_FAULT_NONE;
	return true;
}

bool esc_actionscript_line_check(const char *s, size_t len, struct esc_fault *fault)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			return fail(fault, ESC_FAULT_LINE_BREAK, i, c);
		if (c == '\0')
			return fail(fault, ESC_FAULT_NUL, i, c);
	}
	if (fault)
		fault->kind = ESC_FAULT_NONE;
	return true;
}

/* Appends `s`, each byte that has an entry in `rep` replaced by it: most text needs none, so runs go out whole. */
static void replace_append(struct textbuf *b, const char *s, size_t len, const char *const rep[256])
{
	size_t run = 0; /* start of the pending run of bytes that need no escape */
	for (size_t i = 0; i < len; i++) {
		const char *r = rep[(unsigned char)s[i]];
		if (!r)
			continue;
		textbuf_put(b, s + run, i - run);
		textbuf_puts(b, r);
		run = i + 1;
	}
	textbuf_put(b, s + run, len - run);
}

void esc_html_append(struct textbuf *b, const char *s, size_t len)
{
	static const char *const rep[256] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
	};
	replace_append(b, s, len, rep);
}

void esc_html_text_append(struct textbuf *b, const char *s, size_t len)
{
	static const char *const rep[256] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;"};
	replace_append(b, s, len, rep);
}

void esc_json_append(struct textbuf *b, const char *s, size_t len)
{
	size_t run = 0; /* start of the pending run of bytes that need no escape */
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		size_t n = c < 0x80 ? 1 : utf8_scalar_len((const unsigned char *)s + i, len - i);
		if (c >= 0x80 && n) {
			i += n;
			continue;
		}
		textbuf_put(b, s + run, i - run);
		switch (c) {
		case '"': textbuf_puts(b, "\\\""); break;
		case '\\': textbuf_puts(b, "\\\\"); break;
		case '\b': textbuf_puts(b, "\\b"); break;
		case '\f': textbuf_puts(b, "\\f"); break;
		case '\n': textbuf_puts(b, "\\n"); break;
		case '\r': textbuf_puts(b, "\\r"); break;
		case '\t': textbuf_puts(b, "\\t"); break;
		default:
			if (c < 0x20)
				textbuf_printf(b, "\\u%04X", c);
			else
				textbuf_puts(b, "\xEF\xBF\xBD"); /* not UTF-8: one replacement character per bad byte */
		}
		i++;
		run = i;
	}
	textbuf_put(b, s + run, len - run);
}

void esc_markdown_append(struct textbuf *b, const char *s, size_t len)
{
	/*
	 * CommonMark lets any ASCII punctuation be backslash-escaped; these are
	 * the ones that act.  A line break becomes a space.  One table, so
	 * the common byte costs one look-up.
	 */
	enum { PLAIN, SPECIAL, BREAK };
	static const unsigned char kind[256] = {
		['\\'] = SPECIAL, ['`'] = SPECIAL, ['*'] = SPECIAL, ['_'] = SPECIAL, ['['] = SPECIAL,
		[']'] = SPECIAL,  ['<'] = SPECIAL, ['>'] = SPECIAL, ['|'] = SPECIAL, ['#'] = SPECIAL,
		['&'] = SPECIAL,  ['!'] = SPECIAL, ['~'] = SPECIAL, ['\r'] = BREAK, ['\n'] = BREAK,
	};
	size_t run = 0; /* start of the pending run of bytes that need nothing */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (kind[c] == PLAIN)
			continue;
		textbuf_put(b, s + run, i - run);
		if (kind[c] == BREAK) {
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			textbuf_putc(b, ' ');
			run = i + 1;
		} else {
			textbuf_putc(b, '\\');
			run = i; /* the character itself goes out with the next run */
		}
	}
	textbuf_put(b, s + run, len - run);
}

size_t esc_terminal_char(const char *s, size_t len, char escape[ESC_TERMINAL_MAX])
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n = utf8_decode(u, len, &cp);
	escape[0] = '\0';
	if (n == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
		snprintf(escape, ESC_TERMINAL_MAX, "\\x{%02X}", u[0]);
		return 1;
	}
	if ((utf8_is_control(cp) && cp != '\t') || utf8_hidden_kind(cp))
		snprintf(escape, ESC_TERMINAL_MAX, "\\u{%X}", (unsigned)cp);
	return n;
}

/* Whether every byte is printable ASCII or tab: the common case, left as it is. */
static bool plain_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c >= 0x7F)
			return false;
	}
	return true;
}

const char *esc_terminal(struct arena *a, const char *s)
{
	size_t len = strlen(s);
	if (plain_ascii(s, len))
		return s;
	struct textbuf b;
	textbuf_init(&b, a);
	char escape[ESC_TERMINAL_MAX];
	for (size_t i = 0; i < len;) {
		size_t n = esc_terminal_char(s + i, len - i, escape);
		if (escape[0])
			textbuf_puts(&b, escape);
		else
			textbuf_put(&b, s + i, n);
		i += n;
	}
	return b.data;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t percent_decode(char *out, const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int hi = s[i] == '%' && i + 2 < len ? hex_digit(s[i + 1]) : -1;
		int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
		if (lo >= 0) {
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return n;
}
