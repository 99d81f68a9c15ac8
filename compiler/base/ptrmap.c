/*
 * ptrmap.c - pointer-keyed hash map (see ptrmap.h).
 */
#include "base/ptrmap.h"

#include <stdint.h>

void ptrmap_init(struct ptrmap *m, struct arena *arena)
{
	*m = (struct ptrmap){.arena = arena};
}

/* Pointers are aligned and clustered: mix all their bits before masking. */
static size_t hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return (size_t)x;
}

static struct ptrmap_slot *find(struct ptrmap_slot *slots, size_t cap, const void *key)
{
	size_t i = hash(key) & (cap - 1);
	while (slots[i].key && slots[i].key != key)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *ptrmap_get(const struct ptrmap *m, const void *key)
{
	if (!m->cap)
		return NULL;
	return find(m->slots, m->cap, key)->value;
}

/*
 * Keeps the table at most half full, so probes stay short.  It starts
 * small: most maps hold a handful of keys (one per step of a plan, say),
 * and a build holds many of them.
 */
static void grow(struct ptrmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 8;
	struct ptrmap_slot *slots = arena_calloc(m->arena, cap, sizeof *slots);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*find(slots, cap, m->slots[i].key) = m->slots[i];
	m->slots = slots;
	m->cap = cap;
}

void ptrmap_put(struct ptrmap *m, const void *key, void *value)
{
	if (2 * (m->len + 1) > m->cap)
		grow(m);
	struct ptrmap_slot *slot = find(m->slots, m->cap, key);
	if (!slot->key) {
		slot->key = key;
		m->len++;
	}
	slot->value = value;
}

bool ptrmap_add(struct ptrmap *m, const void *key)
{
	if (m->cap && find(m->slots, m->cap, key)->key)
		return false;
	/* a member maps to itself, so ptrmap_get() tells members from strangers */
	ptrmap_put(m, key, (void *)(uintptr_t)key);
	return true;
}
