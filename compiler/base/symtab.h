/*
 * symtab.h - a string-keyed hash table in the arena.
 *
 * Open addressing with linear probing; it only grows, which is all a
 * compiler's symbol tables need.  Iteration order is not exposed: callers
 * that need an order keep their own list.
 */
#ifndef BFPLAN_SYMTAB_H
#define BFPLAN_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

struct symtab_slot {
	const char *key;
	void *value;
};

struct symtab {
	struct arena *arena;
	struct symtab_slot *slots;
	size_t cap, len;
	uint64_t seed;  /* per table, random: see symtab.c */
};

void symtab_init(struct symtab *t, struct arena *arena);
void *symtab_get(const struct symtab *t, const char *key);
/* Inserts key -> value unless key is present; returns the value now stored under key. */
void *symtab_put(struct symtab *t, const char *key, void *value);

#endif
