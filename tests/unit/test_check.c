/*
 * test_check.c - the checker's graph algorithms against the plain ones
 * they replaced.
 *
 * The order of a plan's prerequisites, the detection of prerequisite
 * cycles and the patch order under `order` constraints were once
 * computed by repeated passes (quadratic or cubic in the plan's size);
 * they are now linear or O(n log n).  Their results must not change: on
 * random graphs, with and without cycles, each is compared with a direct
 * transcription of the old algorithm.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/textbuf.h"
#include "frontend.h"
#include "sema/check.h"
#include "sema/resolve.h"

/* A fixed generator, so a failure can be replayed. */
static uint32_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

struct run {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink sink;
	struct world world;
	struct checked_program checked;
};

static void check_text(struct run *r, const char *text)
{
	arena_init(&r->arena);
	src_init(&r->sm, &r->arena);
	diag_init(&r->sink, &r->arena, &r->sm);
	uint32_t file = src_add(&r->sm, "t.plan", text, strlen(text));
	struct ast_file *ast = frontend_parse(&r->arena, &r->sm, &r->sink, file);
	assert_int_equal(r->sink.errors, 0);
	struct program program = {.root = file};
	ptrvec_push(&r->arena, &program.files, ast);
	resolve_program(&r->arena, &r->sm, &r->sink, &program, &r->world);
	check_program(&r->arena, &r->sink, &r->world, &r->checked);
}

static const char header[] =
	"os w \"W\"\n"
	"state online \"Online\" {\n    initial\n    final\n}\n"
	"site s \"S\"\n"
	"task inst \"Install\" {\n    id 1\n    site s\n    os w\n}\n";

/* ---- prerequisites ------------------------------------------------------------------ */

enum { MAX_PREREQS = 9 }; /* at most 8 notes: bfplan names longer cycles in part */

struct graph {
	size_t n;
	bool needs[MAX_PREREQS][MAX_PREREQS]; /* needs[a][b]: prerequisite a needs b */
	size_t list[MAX_PREREQS];             /* the order in which the plan's step needs them */
};

static void random_graph(struct graph *g, bool acyclic)
{
	g->n = 2 + rnd(MAX_PREREQS - 1);
	memset(g->needs, 0, sizeof g->needs);
	for (size_t a = 0; a < g->n; a++)
		for (size_t b = 0; b < g->n; b++)
			if (rnd(100) < 20 && (!acyclic || a < b))
				g->needs[a][b] = true;
	for (size_t i = 0; i < g->n; i++)
		g->list[i] = i;
	for (size_t i = g->n; i-- > 1;) {
		size_t j = rnd((uint32_t)i + 1), t = g->list[i];
		g->list[i] = g->list[j];
		g->list[j] = t;
	}
}

static const char *prereq_plan(struct arena *a, const struct graph *g)
{
	struct textbuf b;
	textbuf_init(&b, a);
	textbuf_puts(&b, header);
	for (size_t p = 0; p < g->n; p++) {
		textbuf_printf(&b, "prerequisite p%zu \"P%zu\" {\n    provided-by inst\n    detect \"true\"\n", p, p);
		const char *sep = "    needs ";
		for (size_t q = 0; q < g->n; q++)
			if (g->needs[p][q]) {
				textbuf_printf(&b, "%sp%zu", sep, q);
				sep = ", ";
			}
		textbuf_puts(&b, sep[0] == ',' ? "\n}\n" : "}\n");
	}
	textbuf_puts(&b, "fixlet f \"F\" {\n    id 2\n    site s\n    os w\n    needs ");
	for (size_t i = 0; i < g->n; i++)
		textbuf_printf(&b, "%sp%zu", i ? ", " : "", g->list[i]);
	textbuf_puts(&b, "\n}\nstep go \"Go\" {\n    from online\n    to online\n    run f\n    timeout 1m\n}\n"
			 "cluster c {\n    os w\n    nodes A, B\n}\nplan x {\n    cluster c\n    require ");
	for (size_t p = 0; p < g->n; p++)
		textbuf_printf(&b, "%sp%zu", p ? ", " : "", p);
	textbuf_puts(&b, "\n    each node {\n        go\n    }\n}\n");
	return b.data;
}

/* The old order: pass after pass, place what has its needs placed; stuck, the rest in list order. */
static void reference_order(const struct graph *g, size_t *out)
{
	bool done[MAX_PREREQS] = {false};
	size_t placed = 0;
	while (placed < g->n) {
		bool progress = false;
		for (size_t i = 0; i < g->n; i++) {
			size_t p = g->list[i];
			if (done[i])
				continue;
			bool ready = true;
			for (size_t q = 0; q < g->n; q++)
				for (size_t j = 0; j < g->n; j++)
					if (g->needs[p][q] && !done[j] && g->list[j] == q)
						ready = false;
			if (ready) {
				done[i] = true;
				out[placed++] = p;
				progress = true;
			}
		}
		if (!progress)
			for (size_t i = 0; i < g->n; i++)
				if (!done[i]) {
					done[i] = true;
					out[placed++] = g->list[i];
				}
	}
}

static bool reaches(const struct graph *g, size_t from, size_t to)
{
	bool seen[MAX_PREREQS] = {false};
	size_t stack[MAX_PREREQS * MAX_PREREQS], top = 0;
	stack[top++] = from;
	while (top) {
		size_t p = stack[--top];
		for (size_t q = 0; q < g->n; q++) {
			if (!g->needs[p][q])
				continue;
			if (q == to)
				return true;
			if (!seen[q]) {
				seen[q] = true;
				stack[top++] = q;
			}
		}
	}
	return false;
}

/* The old cycle report: "pN" for each reported cycle, then its notes' members, as one line each. */
static const char *reference_cycles(struct arena *a, const struct graph *g)
{
	const char *out = "";
	for (size_t i = 0; i < g->n; i++) {
		if (!reaches(g, i, i))
			continue;
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = !(reaches(g, i, k) && reaches(g, k, i));
		if (!first)
			continue;
		out = arena_printf(a, "%sp%zu:", out, i);
		for (size_t k = i + 1; k < g->n; k++)
			if (reaches(g, i, k) && reaches(g, k, i))
				out = arena_printf(a, "%s p%zu", out, k);
		out = arena_printf(a, "%s\n", out);
	}
	return out;
}

/* The cycles bfplan reported, in the same form, in declaration order. */
static const char *reported_cycles(struct run *r, const struct graph *g)
{
	const char *out = "";
	for (size_t i = 0; i < g->n; i++) {
		char msg[80];
		snprintf(msg, sizeof msg, "prerequisite 'p%zu' needs itself through its 'needs' lines", i);
		for (size_t k = 0; k < r->sink.diags.len; k++) {
			const struct diag *d = r->sink.diags.items[k];
			if (d->code != BFP320 || strcmp(d->message, msg) != 0)
				continue;
			out = arena_printf(&r->arena, "%sp%zu:", out, i);
			for (size_t m = 0; m < d->notes.len; m++) {
				const struct diag_note *note = d->notes.items[m];
				unsigned member;
				assert_int_equal(sscanf(note->message, "'p%u'", &member), 1);
				out = arena_printf(&r->arena, "%s p%u", out, member);
			}
			out = arena_printf(&r->arena, "%s\n", out);
		}
	}
	return out;
}

static void test_prerequisite_order_and_cycles(void **state)
{
	(void)state;
	rng_state = 20261124;
	for (int round = 0; round < 400; round++) {
		struct graph g;
		random_graph(&g, round % 2 == 0);
		struct arena scratch;
		arena_init(&scratch);
		struct run r;
		check_text(&r, prereq_plan(&scratch, &g));
		assert_int_equal(r.checked.plans.len, 1);
		const struct plan_facts *facts = r.checked.plans.items[0];
		size_t want[MAX_PREREQS];
		reference_order(&g, want);
		assert_int_equal(facts->needed.len, g.n);
		for (size_t i = 0; i < g.n; i++) {
			const struct prereq_ent *pr = facts->needed.items[i];
			char name[16];
			snprintf(name, sizeof name, "p%zu", want[i]);
			if (strcmp(pr->lw.name, name) != 0)
				fail_msg("round %d: position %zu is %s, expected %s", round, i, pr->lw.name, name);
		}
		assert_string_equal(reported_cycles(&r, &g), reference_cycles(&scratch, &g));
		arena_free(&r.arena);
		arena_free(&scratch);
	}
}

/* ---- patch order ------------------------------------------------------------------------ */

enum { MAX_NODES = 10 };

static void test_order_constraints(void **state)
{
	(void)state;
	rng_state = 42;
	for (int round = 0; round < 400; round++) {
		size_t n = 2 + rnd(MAX_NODES - 1);
		bool edge[MAX_NODES][MAX_NODES] = {{false}};
		struct arena scratch;
		arena_init(&scratch);
		struct textbuf b;
		textbuf_init(&b, &scratch);
		textbuf_puts(&b, header);
		textbuf_puts(&b, "step go \"Go\" {\n    from online\n    to online\n    run inst\n    timeout 1m\n}\n"
				 "cluster c {\n    os w\n    nodes ");
		for (size_t i = 0; i < n; i++)
			textbuf_printf(&b, "%sN%zu", i ? ", " : "", i);
		textbuf_puts(&b, "\n    quorum disk-only\n}\nplan x {\n    cluster c\n");
		bool acyclic = round % 2 == 0;
		for (size_t k = rnd((uint32_t)(2 * n)); k-- > 0;) {
			size_t a = rnd((uint32_t)n), z = rnd((uint32_t)n);
			if (a == z || edge[a][z] || (acyclic && a > z))
				continue;
			edge[a][z] = true;
			textbuf_printf(&b, "    order N%zu before N%zu\n", a, z);
		}
		textbuf_puts(&b, "    each node {\n        go\n    }\n}\n");
		struct run r;
		check_text(&r, b.data);
		const struct plan_facts *facts = r.checked.plans.items[0];

		/* the old algorithm: the earliest-listed node whose predecessors are placed */
		size_t want[MAX_NODES], placed = 0;
		bool done[MAX_NODES] = {false};
		while (placed < n) {
			size_t pick = n;
			for (size_t i = 0; i < n && pick == n; i++) {
				bool ready = !done[i];
				for (size_t j = 0; j < n && ready; j++)
					if (edge[j][i] && !done[j])
						ready = false;
				if (ready)
					pick = i;
			}
			if (pick == n)
				break;
			done[pick] = true;
			want[placed++] = pick;
		}
		if (placed < n) {
			assert_null(facts->order);
			bool cycle_reported = false;
			for (size_t k = 0; k < r.sink.diags.len; k++)
				cycle_reported |= ((const struct diag *)r.sink.diags.items[k])->code == BFP311;
			assert_true(cycle_reported);
		} else {
			assert_non_null(facts->order);
			for (size_t i = 0; i < n; i++) {
				char name[16];
				snprintf(name, sizeof name, "N%zu", want[i]);
				assert_string_equal(facts->order[i]->name, name);
			}
		}
		arena_free(&r.arena);
		arena_free(&scratch);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prerequisite_order_and_cycles),
		cmocka_unit_test(test_order_constraints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
