/*
 * confusables.c - look-alikes of path characters (see confusables.h).
 */
#include "base/confusables.h"

#include <stddef.h>
#include <string.h>

#include "base/textbuf.h"
#include "base/utf8.h"

struct confusable {
	uint32_t code_point;
	const char *skeleton; /* "" for an ASCII character that is no path character and looks like none */
	const char *name;
};

static const struct confusable table[] = {
#define X(CODE_POINT, SKELETON, NAME) {CODE_POINT, SKELETON, NAME},
#include "base/confusables.def"
#undef X
};

bool confusable_is_path_character(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-' || c == '/';
}

/* The table's row for `c`, by binary search (the table is sorted by code point), or NULL. */
static const struct confusable *find(uint32_t c)
{
	size_t lo = 0, hi = sizeof table / sizeof table[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (table[mid].code_point == c)
			return &table[mid];
		if (table[mid].code_point < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *confusable_name(uint32_t c)
{
	const struct confusable *row = find(c);
	return row ? row->name : NULL;
}

/*
 * UTS #39 maps each look-alike to one prototype, and the prototypes of
 * the ASCII characters that look alike themselves are one of them ('l'
 * stands for 'I' and '1' too): a message names them all.
 */
const char *confusable_looks_like(struct arena *a, uint32_t c, bool *alnum)
{
	static const struct {
		const char *prototype, *phrase;
	} same[] = {{"l", "'l', 'I' or '1'"}, {"O", "'O' or '0'"}, {"rn", "'rn' or 'm'"}};
	const struct confusable *row = c >= 0x80 ? find(c) : NULL;
	if (!row || !row->skeleton[0])
		return NULL;
	const char *p = row->skeleton;
	*alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		if (strcmp(p, same[i].prototype) == 0)
			return same[i].phrase;
	return arena_printf(a, "'%s'", p);
}

const char *confusable_skeleton(struct arena *a, const char *text)
{
	struct textbuf out;
	textbuf_init(&out, a);
	size_t len = strlen(text);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t n = utf8_decode((const unsigned char *)text + i, len - i, &c);
		if (n == 0)
			return NULL;
		i += n;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		const struct confusable *row = find(c);
		if (row && !row->skeleton[0])
			return NULL;
		if (row) {
			/* a prototype may be upper case ("O" for the digit 0): fold it as the text was */
			for (const char *p = row->skeleton; *p; p++)
				textbuf_putc(&out, *p >= 'A' && *p <= 'Z' ? (char)(*p + 'a' - 'A') : *p);
		} else if (confusable_is_path_character(c)) {
			textbuf_putc(&out, (char)c);
		} else {
			return NULL;
		}
	}
	return out.data;
}
