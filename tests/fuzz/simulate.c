/*
 * simulate.c - fuzz `bfplan simulate`: plan text in, the engine's runs out.
 *
 * The input is a plan, or a plan and the files it `use`s (support/fuzz.h).
 * It is simulated under --no-static-check, so that plans check rejects
 * reach the engine too, with one fault (two would only repeat the runs of
 * one, slower), as text and as JSON:
 *
 *   - the exit status is 0, 1 or 2, and nothing from the plan reaches a
 *     terminal raw (docs/security.md);
 *   - the text report is the same bytes twice (determinism);
 *   - the JSON report is JSON with a `plans` array, exits as the text one
 *     does, and says `held: false` exactly for the invariants it gives a
 *     counterexample of;
 *   - where `bfplan check` passes, `bfplan simulate` (two faults, as the
 *     agreement test of tests/simulate runs it) finds no violation: exit 0,
 *     unless it gave up (exit 2, "gave up" in the report) or the file has
 *     nothing the engine can run (BFP701, BFP702).
 */
#define _GNU_SOURCE /* memmem() */
#include "fuzz.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int simulate_as(const struct fuzz_input *in, const char *faults, const char *format, struct fuzz_output *o)
{
	const char *argv[] = {"bfplan", "simulate", "--no-static-check", "--color=never", faults, format, "-I",
			      in->include_dir, in->main, NULL};
	int status = fuzz_bfplan_capture(argv, o);
	fuzz_expect_terminal_safe("standard output", o->out, o->out_len);
	fuzz_expect_terminal_safe("standard error", o->err, o->err_len);
	return status;
}

/* Each plan's invariants held false exactly where it gives a counterexample. */
static void expect_json_report(const struct fuzz_output *o)
{
	if (o->out_len == 0)
		return; /* nothing to run: the diagnostics say why */
	json_error_t error;
	json_t *doc = json_loadb(o->out, o->out_len, 0, &error);
	if (!doc)
		fuzz_fail("simulate --format=json wrote no JSON: %s, line %d", error.text, error.line);
	json_t *plans = json_object_get(doc, "plans");
	if (!json_is_array(plans))
		fuzz_fail("simulate --format=json wrote JSON without a plans array");
	size_t i, k;
	json_t *plan, *inv;
	json_array_foreach(plans, i, plan) {
		size_t violated = 0;
		json_array_foreach(json_object_get(plan, "invariants"), k, inv)
			violated += json_is_false(json_object_get(inv, "held"));
		if (violated != json_array_size(json_object_get(plan, "counterexamples")))
			fuzz_fail("simulate --format=json: %zu invariants violated, %zu counterexamples", violated,
				  json_array_size(json_object_get(plan, "counterexamples")));
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	struct fuzz_output o;
	int status = simulate_as(&in, "--faults=1", "--format=text", &o);
	char *first = malloc(o.out_len + 1);
	if (!first)
		abort();
	memcpy(first, o.out, o.out_len);
	size_t first_len = o.out_len;
	if (simulate_as(&in, "--faults=1", "--format=text", &o) != status || o.out_len != first_len ||
	    memcmp(o.out, first, first_len) != 0)
		fuzz_fail("two runs of bfplan simulate wrote different reports");
	free(first);
	if (simulate_as(&in, "--faults=1", "--format=json", &o) != status)
		fuzz_fail("simulate --format=json exits otherwise than the text form");
	expect_json_report(&o);

	const char *check[] = {"bfplan", "check", "-I", in.include_dir, in.main, NULL};
	if (fuzz_bfplan(check) == 0) {
		const char *sim[] = {"bfplan", "simulate", "--color=never", "-I", in.include_dir, in.main, NULL};
		int simulated = fuzz_bfplan_capture(sim, &o);
		bool gave_up = memmem(o.out, o.out_len, "gave up", 7) != NULL;
		/* a file of declarations only, or a state machine larger than the engine's, has nothing to run */
		bool nothing = memmem(o.err, o.err_len, "[BFP701]", 8) || memmem(o.err, o.err_len, "[BFP702]", 8);
		if (simulated != 0 && !(simulated == 2 && gave_up) && !(simulated == 1 && nothing))
			fuzz_fail("check accepts the plan, but simulate --faults 2 exits %d: %.*s", simulated,
				  (int)(o.out_len > 400 ? 400 : o.out_len), o.out);
	}
	return 0;
}
