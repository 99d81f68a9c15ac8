/*
 * confusables.h - look-alikes of the characters of standard library paths.
 *
 * Unicode's confusables (UTS #39, section 4) say which characters look
 * alike: the "skeleton" of a text maps each character to a prototype, and
 * two texts are confusable when their skeletons are equal.  bfplan needs
 * this for one thing: a `use` path that looks like a standard library path
 * but is not one ("bigfix/server-аutomation" with a Cyrillic a, or a
 * division slash for '/').  Those paths are ASCII letters, digits and
 * . _ - /, so confusables.def holds only the characters whose skeleton is
 * made of those, generated from ICU's copy of the data (tools/confusables.c).
 */
#ifndef BFPLAN_CONFUSABLES_H
#define BFPLAN_CONFUSABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

/* Whether `c` may appear in a `use` path without a warning: A-Z a-z 0-9 . _ - / */
bool confusable_is_path_character(uint32_t c);

/* The Unicode name of `c` when the table has it (look-alikes and ASCII), else NULL. */
const char *confusable_name(uint32_t c);

/*
 * What a character other than ASCII looks like, for messages: "'O' or
 * '0'" for CYRILLIC CAPITAL LETTER O, "'-'" for MINUS SIGN; NULL for
 * ASCII and for a character that looks like no ASCII path character.
 * Sets *alnum when that is a letter or a digit.
 */
const char *confusable_looks_like(struct arena *a, uint32_t c, bool *alnum);

/*
 * The skeleton of `text` (UTF-8), lower-cased first so that a path that
 * differs only in case matches too, or NULL when some character of it
 * looks like no ASCII path character (then it can look like no standard
 * library path either).
 */
const char *confusable_skeleton(struct arena *a, const char *text);

#endif
