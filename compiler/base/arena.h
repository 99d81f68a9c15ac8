/*
 * arena.h - one bump allocator per compilation.
 *
 * Everything a compilation creates (source text, line tables, AST nodes,
 * interned strings, diagnostics, the lowered plan) lives in one arena and is
 * released with one call.  Nothing frees a single object, which keeps error
 * paths simple: a stage that gives up just returns.
 */
#ifndef BFPLAN_ARENA_H
#define BFPLAN_ARENA_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

struct arena_block;

/*
 * Running out of memory is not a crash: an arena that cannot grow jumps to
 * `on_failure`, a jmp_buf owned by whoever owns the arena (for the
 * compiler, the compilation: see cli.c), which frees everything and
 * reports the failure as a diagnostic.  Nothing in between has to check
 * for NULL.  Only an arena without a handler (a unit test's) aborts.
 */
struct arena {
	struct arena_block *head; /* newest block first */
	struct arena_block *spare;/* emptied blocks kept for reuse (arena_reset) */
	size_t total;             /* bytes handed out, for the benchmark */
	size_t limit;             /* fail beyond this many bytes; 0 for no limit (tests use it) */
	jmp_buf *on_failure;      /* where memory exhaustion goes; NULL: abort */
};

void arena_init(struct arena *a);
/* An empty arena that fails the way `like` does (same handler and limit): for scratch arenas. */
void arena_init_like(struct arena *a, const struct arena *like);
void arena_free(struct arena *a);

/*
 * Forgets everything allocated from the arena but keeps its blocks for
 * what comes next: a scratch arena reset between plans (or steps) costs
 * no allocation, and holds the memory of the largest of them at most.
 */
void arena_reset(struct arena *a);

/* Whether `p` points into memory the arena holds: tells a plan's own strings from longer-lived ones. */
bool arena_owns(const struct arena *a, const void *p);

/* Jumps to the arena's handler (or aborts without one): for allocators outside the arena. */
_Noreturn void arena_fail(struct arena *a);

/*
 * Every allocation starts on ARENA_ALIGN bytes: what a pointer, an
 * int64_t or a double needs, and so every type the compiler keeps in an
 * arena (none holds a long double).  max_align_t's 16 would pad every
 * object of an odd number of words, such as a syntax tree's values of 56
 * bytes, to the next 16: a twentieth of check's memory.
 */
enum { ARENA_ALIGN = 8 };

/* Zeroed, ARENA_ALIGN-aligned memory; when memory runs out, see struct arena. */
void *arena_alloc(struct arena *a, size_t size);
/*
 * The same, not zeroed: for memory the caller fills at once (a copy, a
 * buffer whose length says what is written), where zeroing it first
 * would only be a second pass over fresh pages.
 */
void *arena_alloc_unzeroed(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The strings given, up to the NULL that ends the list, one after another: what printf would do with "%s%s". */
char *arena_concat(struct arena *a, const char *first, ...) __attribute__((sentinel));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * A growable array of pointers, arena-backed.  Growth copies into a new
 * block; the old one stays in the arena until the end, which is cheap
 * because capacities double.
 */
struct ptrvec {
	void **items;
	size_t len, cap;
};

void ptrvec_push(struct arena *a, struct ptrvec *v, void *item);

/* The same for pointers that must stay const (shared, read-only data). */
struct cptrvec {
	const void **items;
	size_t len, cap;
};

void cptrvec_push(struct arena *a, struct cptrvec *v, const void *item);

/* And for strings (paths, names). */
struct strvec {
	const char **items;
	size_t len, cap;
};

void strvec_push(struct arena *a, struct strvec *v, const char *item);

#endif
