/*
 * symtab.c - the hash table behind name lookup (see symtab.h).
 */
#include "symtab.h"

#include <stdint.h>
#include <string.h>

void symtab_init(struct symtab *t, struct arena *arena)
{
	t->arena = arena;
	t->slots = NULL;
	t->cap = t->len = 0;
}

/* FNV-1a: short keys, no adversary worth a keyed hash. */
static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static struct symtab_slot *find_slot(struct symtab_slot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *symtab_get(const struct symtab *t, const char *key)
{
	if (t->cap == 0)
		return NULL;
	return find_slot(t->slots, t->cap, key)->value;
}

static void grow(struct symtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct symtab_slot *slots = arena_calloc(t->arena, cap, sizeof *slots);
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].key)
			*find_slot(slots, cap, t->slots[i].key) = t->slots[i];
	t->slots = slots;
	t->cap = cap;
}

void *symtab_put(struct symtab *t, const char *key, void *value)
{
	/* keep the load factor under one half so probes stay short */
	if ((t->len + 1) * 2 > t->cap)
		grow(t);
	struct symtab_slot *slot = find_slot(t->slots, t->cap, key);
	if (slot->key)
		return slot->value;
	slot->key = key;
	slot->value = value;
	t->len++;
	return value;
}
