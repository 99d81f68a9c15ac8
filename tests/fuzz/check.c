/*
 * check.c - fuzz `bfplan check` and the reviewers' tools: plan text in, diagnostics out.
 *
 * The input is a plan, or a plan and the files it `use`s (support/fuzz.h).
 * It is checked with --color=never, where nothing from the plan may reach
 * standard output or standard error raw (no ESC, BEL or other control
 * character but tab and newline, no bidi control: docs/security.md), and
 * with --color=always, the longer path through the renderer.
 *
 * Then in each machine-readable form a reviewer's CI reads, where the same
 * rule holds: --format=json and --format=sarif must be JSON (SARIF 2.1.0,
 * one run, its results an array), and --format=github nothing but
 * workflow commands, one per line.  Where check passes, `bfplan graph`
 * must exit 0 with a DOT digraph, and `bfplan diff` of the plan with itself
 * must exit 0 and print nothing: no change.
 */
#define _GNU_SOURCE /* memmem() */
#include "fuzz.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

/* Runs `bfplan check FORMAT` on the input: terminal-safe output either way. */
static int check_as(const struct fuzz_input *in, const char *format, struct fuzz_output *o)
{
	const char *argv[] = {"bfplan", "check", format, "-I", in->include_dir, in->main, NULL};
	int status = fuzz_bfplan_capture(argv, o);
	fuzz_expect_terminal_safe("standard output", o->out, o->out_len);
	fuzz_expect_terminal_safe("standard error", o->err, o->err_len);
	return status;
}

static void expect_sarif(const struct fuzz_output *o)
{
	json_error_t error;
	json_t *doc = json_loadb(o->out, o->out_len, 0, &error);
	if (!doc)
		fuzz_fail("check --format=sarif wrote no JSON: %s, line %d", error.text, error.line);
	json_t *runs = json_object_get(doc, "runs");
	const char *version = json_string_value(json_object_get(doc, "version"));
	if (!version || strcmp(version, "2.1.0") != 0 || json_array_size(runs) != 1 ||
	    !json_is_array(json_object_get(json_array_get(runs, 0), "results")))
		fuzz_fail("check --format=sarif wrote JSON that is not one SARIF 2.1.0 run with results");
	json_decref(doc);
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Every line a workflow command: a newline in a message would start a line GitHub reads as its own. */
static void expect_github(const struct fuzz_output *o)
{
	for (size_t at = 0; at < o->out_len;) {
		const char *line = o->out + at;
		const char *end = memchr(line, '\n', o->out_len - at);
		size_t len = end ? (size_t)(end - line) : o->out_len - at;
		if (!starts_with(line, len, "::error ") && !starts_with(line, len, "::warning ") &&
		    !starts_with(line, len, "::notice "))
			fuzz_fail("check --format=github wrote a line that is not a workflow command: %.*s",
				  (int)(len > 80 ? 80 : len), line);
		at += len + 1;
	}
}

/* Where check passes: graph draws the plan, and a plan differs in nothing from itself. */
static void expect_reviewers_tools(const struct fuzz_input *in)
{
	struct fuzz_output o;
	const char *graph[] = {"bfplan", "graph", "-I", in->include_dir, in->main, NULL};
	int status = fuzz_bfplan_capture(graph, &o);
	fuzz_expect_terminal_safe("standard output", o.out, o.out_len);
	fuzz_expect_terminal_safe("standard error", o.err, o.err_len);
	if (status != 0 || !memmem(o.out, o.out_len, "digraph bfplan {", 16))
		fuzz_fail("bfplan check passes but bfplan graph exits %d without a digraph", status);
	const char *diff[] = {"bfplan", "diff", "-I", in->include_dir, in->main, in->main, NULL};
	status = fuzz_bfplan_capture(diff, &o);
	fuzz_expect_terminal_safe("standard error", o.err, o.err_len);
	if (status != 0 || o.out_len != 0)
		fuzz_fail("bfplan diff of a plan with itself exits %d and prints %zu bytes", status, o.out_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	struct fuzz_output o;
	int checked = check_as(&in, "--color=never", &o);
	const char *color[] = {"bfplan", "check", "--color=always", "-I", in.include_dir, in.main, NULL};
	fuzz_bfplan(color);

	if (check_as(&in, "--format=json", &o) != checked)
		fuzz_fail("check --format=json exits otherwise than check");
	fuzz_json_errors(&o);
	if (check_as(&in, "--format=sarif", &o) != checked)
		fuzz_fail("check --format=sarif exits otherwise than check");
	expect_sarif(&o);
	if (check_as(&in, "--format=github", &o) != checked)
		fuzz_fail("check --format=github exits otherwise than check");
	expect_github(&o);
	if (checked == 0)
		expect_reviewers_tools(&in);
	return 0;
}
