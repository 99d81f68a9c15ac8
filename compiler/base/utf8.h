/*
 * utf8.h - decoding UTF-8, once for the whole compiler.
 *
 * The scanner checks plan text with it, the diagnostics renderer walks
 * quoted lines with it, and the escaper checks what reaches XML.
 */
#ifndef BFPLAN_UTF8_H
#define BFPLAN_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the sequence at s (n bytes available) into *cp and returns its
 * length, or 0 if it is not a shortest-form sequence of at most U+10FFFF.
 * Encoded surrogates decode, so a caller can name them; they are still not
 * text (see utf8_scalar_len).
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* The length of the Unicode scalar value at s, or 0 for invalid UTF-8 and surrogates. */
size_t utf8_scalar_len(const unsigned char *s, size_t n);

/*
 * Characters that change how text reads without showing themselves: the
 * bidirectional controls of "Trojan Source" (which reorder what an editor
 * or a terminal displays), invisible format characters (zero-width
 * spaces, joiners, the byte-order mark inside text, tag characters) and
 * the Unicode line and paragraph separators.  NULL for any other
 * character; otherwise a phrase for messages: "bidi control",
 * "invisible character", "line separator".
 */
const char *utf8_hidden_kind(uint32_t cp);

/* The Unicode name of a hidden character ("RIGHT-TO-LEFT OVERRIDE"), or NULL if not listed. */
const char *utf8_hidden_name(uint32_t cp);

/* C0 and C1 control characters and DEL: U+0000-U+001F, U+007F-U+009F. */
static inline int utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * What plan text may not hold, as XML 1.0 cannot: the control characters
 * but tab, line feed and carriage return, and the noncharacters U+FFFE
 * and U+FFFF.
 */
static inline int utf8_is_unwritable(uint32_t cp)
{
	return (utf8_is_control(cp) && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF;
}

#endif
