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

#include "arena.h"

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

/*
 * The same for pointer keys (an entity -> what a check settled about it),
 * so that a check over many entities stays linear.
 */
struct ptrmap_slot {
	const void *key;
	void *value;
};

struct ptrmap {
	struct arena *arena;
	struct ptrmap_slot *slots;
	size_t cap, len;
};

void ptrmap_init(struct ptrmap *m, struct arena *arena);
void *ptrmap_get(const struct ptrmap *m, const void *key);
/* Inserts or replaces key -> value (value may not be NULL: NULL means absent). */
void ptrmap_set(struct ptrmap *m, const void *key, void *value);

#endif
