/*
 * graph.c - fuzz `bfplan graph`: plan text in, a DOT graph out.
 *
 * The input is a plan, or a plan and the files it `use`s (support/fuzz.h).
 * What must hold:
 *
 *   - graph exits as `bfplan check` does (0, 1 or 2): it draws exactly
 *     the plans that check passes;
 *   - nothing from the plan reaches standard output or standard error raw
 *     (docs/security.md): the graph is read in terminals and CI logs too;
 *   - where it exits 0, the output is one DOT digraph whose strings all
 *     end and whose braces balance, so plan text cannot end a label or
 *     the graph and write DOT of its own;
 *   - memory is linear in what graph reads and writes: a second run, with
 *     each compilation held to 32 MiB plus 32 bytes for every byte of the
 *     input and of the graph, exits as the first did, not in BFP008.
 */
#define _GNU_SOURCE /* memmem() */
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

enum { BASE_BUDGET = 32 << 20, BYTES_PER_BYTE = 32 };

/* The DOT text as bfplan writes it: strings that end, braces that balance outside them. */
static void expect_sound_dot(const char *dot, size_t len)
{
	if (!memmem(dot, len, "digraph bfplan {", 16))
		fuzz_fail("bfplan graph exits 0 without a digraph");
	long depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = dot[i];
		if (in_string) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				in_string = false;
			else if (c == '\n')
				fuzz_fail("a DOT string holds a raw line break at byte %zu", i);
			continue;
		}
		if (c == '"')
			in_string = true;
		else if (c == '{')
			depth++;
		else if (c == '}' && --depth < 0)
			fuzz_fail("a '}' closes more than the graph opened, at byte %zu", i);
	}
	if (in_string || depth != 0)
		fuzz_fail("the graph ends inside a string or with %ld braces open", depth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	fuzz_set_memory_limit(0);
	const char *check[] = {"bfplan", "check", "--color=never", "-I", in.include_dir, in.main, NULL};
	int checked = fuzz_bfplan(check);

	struct fuzz_output o;
	const char *graph[] = {"bfplan", "graph", "--color=never", "-I", in.include_dir, in.main, NULL};
	int status = fuzz_bfplan_capture(graph, &o);
	fuzz_expect_terminal_safe("standard output", o.out, o.out_len);
	fuzz_expect_terminal_safe("standard error", o.err, o.err_len);
	if (status != checked)
		fuzz_fail("bfplan graph exits %d where bfplan check exits %d", status, checked);
	if (status == 0)
		expect_sound_dot(o.out, o.out_len);
	else if (o.out_len)
		fuzz_fail("bfplan graph exits %d and still writes %zu bytes of graph", status, o.out_len);

	size_t budget = BASE_BUDGET + BYTES_PER_BYTE * (size + o.out_len);
	fuzz_set_memory_limit(budget);
	int limited = fuzz_bfplan_capture(graph, &o);
	fuzz_set_memory_limit(0);
	if (limited != status)
		fuzz_fail("bfplan graph needs more than %zu bytes for %zu bytes in: exit %d, not %d%s", budget,
			  size, limited, status, memmem(o.err, o.err_len, "BFP008", 6) ? " (BFP008)" : "");
	return 0;
}
