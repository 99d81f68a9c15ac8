/*
 * utf8.c - UTF-8 decoding (see utf8.h).
 */
#include "base/utf8.h"

#include <stddef.h>

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t v;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		v = s[0] & 0x1Fu;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		v = s[0] & 0x0Fu;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		v = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3Fu);
	}
	static const uint32_t min_value[] = {0, 0, 0x80, 0x800, 0x10000};
	if (v < min_value[len] || v > 0x10FFFF)
		return 0;
	*cp = v;
	return len;
}

size_t utf8_scalar_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);
	return len && !(cp >= 0xD800 && cp <= 0xDFFF) ? len : 0;
}

struct hidden {
	uint32_t first, last;
	const char *kind;
	const char *name; /* for a single character */
};

/* Sorted by code point. */
static const struct hidden hidden_chars[] = {
	{0x00AD, 0x00AD, "invisible character", "SOFT HYPHEN"},
	{0x034F, 0x034F, "invisible character", "COMBINING GRAPHEME JOINER"},
	{0x061C, 0x061C, "bidi control", "ARABIC LETTER MARK"},
	{0x115F, 0x1160, "invisible character", NULL},
	{0x180E, 0x180E, "invisible character", "MONGOLIAN VOWEL SEPARATOR"},
	{0x200B, 0x200B, "invisible character", "ZERO WIDTH SPACE"},
	{0x200C, 0x200C, "invisible character", "ZERO WIDTH NON-JOINER"},
	{0x200D, 0x200D, "invisible character", "ZERO WIDTH JOINER"},
	{0x200E, 0x200E, "bidi control", "LEFT-TO-RIGHT MARK"},
	{0x200F, 0x200F, "bidi control", "RIGHT-TO-LEFT MARK"},
	{0x2028, 0x2028, "line separator", "LINE SEPARATOR"},
	{0x2029, 0x2029, "line separator", "PARAGRAPH SEPARATOR"},
	{0x202A, 0x202A, "bidi control", "LEFT-TO-RIGHT EMBEDDING"},
	{0x202B, 0x202B, "bidi control", "RIGHT-TO-LEFT EMBEDDING"},
	{0x202C, 0x202C, "bidi control", "POP DIRECTIONAL FORMATTING"},
	{0x202D, 0x202D, "bidi control", "LEFT-TO-RIGHT OVERRIDE"},
	{0x202E, 0x202E, "bidi control", "RIGHT-TO-LEFT OVERRIDE"},
	{0x2060, 0x2060, "invisible character", "WORD JOINER"},
	{0x2061, 0x2064, "invisible character", NULL},
	{0x2066, 0x2066, "bidi control", "LEFT-TO-RIGHT ISOLATE"},
	{0x2067, 0x2067, "bidi control", "RIGHT-TO-LEFT ISOLATE"},
	{0x2068, 0x2068, "bidi control", "FIRST STRONG ISOLATE"},
	{0x2069, 0x2069, "bidi control", "POP DIRECTIONAL ISOLATE"},
	{0x3164, 0x3164, "invisible character", "HANGUL FILLER"},
	{0xFEFF, 0xFEFF, "invisible character", "ZERO WIDTH NO-BREAK SPACE"},
	{0xFFA0, 0xFFA0, "invisible character", "HALFWIDTH HANGUL FILLER"},
	{0xE0000, 0xE007F, "invisible character", NULL},
};

static const struct hidden *find_hidden(uint32_t cp)
{
	size_t lo = 0, hi = sizeof hidden_chars / sizeof hidden_chars[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < hidden_chars[mid].first)
			hi = mid;
		else if (cp > hidden_chars[mid].last)
			lo = mid + 1;
		else
			return &hidden_chars[mid];
	}
	return NULL;
}

const char *utf8_hidden_kind(uint32_t cp)
{
	const struct hidden *h = find_hidden(cp);
	return h ? h->kind : NULL;
}

const char *utf8_hidden_name(uint32_t cp)
{
	const struct hidden *h = find_hidden(cp);
	return h ? h->name : NULL;
}
