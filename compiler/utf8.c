/*
 * utf8.c - UTF-8 decoding (see utf8.h).
 */
#include "utf8.h"

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
