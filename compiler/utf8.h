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

#endif
