/*
 * symtab.c - the hash table behind name lookup (see symtab.h).
 */
#define _DEFAULT_SOURCE /* getrandom() */

#include "base/symtab.h"

#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/*
 * Names come from plan files, which are not trusted: with a fixed hash,
 * a plan could list thousands of names chosen to land in one slot and
 * turn every lookup into a scan.  So each table hashes with its own
 * random seed once it holds more than a few names (before that a scan
 * costs nothing, and the seed would cost a system call per table, of which
 * a check of ten thousand clusters makes ten thousand).  Nothing
 * observable depends on it: the iteration order of a table is not
 * exposed, and output stays byte-identical.
 */
static uint64_t random_seed(void)
{
	uint64_t seed;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed)
		return seed;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
}

/* The finalizer of MurmurHash3: every input bit reaches every output bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* The capacity from which a table hashes with a seed of its own. */
enum { SYMTAB_SEEDED_CAP = 64 };

void symtab_init(struct symtab *t, struct arena *arena)
{
	t->arena = arena;
	t->slots = NULL;
	t->cap = t->len = 0;
	t->seed = 0;
}

/* FNV-1a from a secret starting state, then mixed so that the table's low bits depend on all of it. */
static uint64_t hash(uint64_t seed, const char *s)
{
	uint64_t h = seed ^ 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return mix(h);
}

static struct symtab_slot *find_slot(struct symtab_slot *slots, size_t cap, uint64_t seed, const char *key)
{
	size_t i = (size_t)hash(seed, key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *symtab_get(const struct symtab *t, const char *key)
{
	if (t->cap == 0)
		return NULL;
	return find_slot(t->slots, t->cap, t->seed, key)->value;
}

static void grow(struct symtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 8;
	if (cap == SYMTAB_SEEDED_CAP)
		t->seed = random_seed(); /* every key moves to its new slot below */
	struct symtab_slot *slots = arena_calloc(t->arena, cap, sizeof *slots);
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].key)
			*find_slot(slots, cap, t->seed, t->slots[i].key) = t->slots[i];
	t->slots = slots;
	t->cap = cap;
}

void *symtab_put(struct symtab *t, const char *key, void *value)
{
	/* keep the load factor under one half so probes stay short */
	if ((t->len + 1) * 2 > t->cap)
		grow(t);
	struct symtab_slot *slot = find_slot(t->slots, t->cap, t->seed, key);
	if (slot->key)
		return slot->value;
	slot->key = key;
	slot->value = value;
	t->len++;
	return value;
}
