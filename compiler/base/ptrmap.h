/*
 * ptrmap.h - a map from pointers to pointers, in the arena.
 *
 * For "this object's lowered copy" and "seen this object already" over
 * data that is shared many times (a Fixlet used by every node of every
 * plan), where a list scan would make a large build quadratic.  Open
 * addressing with linear probing; it only grows.  Keys are never NULL.
 */
#ifndef BFPLAN_PTRMAP_H
#define BFPLAN_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

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

/* The value stored under `key`, or NULL. */
void *ptrmap_get(const struct ptrmap *m, const void *key);

/* Stores key -> value, replacing an earlier value. */
void ptrmap_put(struct ptrmap *m, const void *key, void *value);

/* Adds `key` as a member of a set; false if it was there already. */
bool ptrmap_add(struct ptrmap *m, const void *key);

#endif
