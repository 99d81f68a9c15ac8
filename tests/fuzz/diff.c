/*
 * diff.c - fuzz `bfplan diff OLD NEW`: two versions of a plan in, what
 * changes for the operator out.
 *
 * The input holds both versions: the main file is the old one, and a file
 * "%% new.plan" of the input (support/fuzz.h) the new one, so libFuzzer
 * mutates each on its own.  An input without it is compared with itself
 * less its last line.  Both may `use` the other files of the input.
 * What must hold:
 *
 *   - nothing from either version reaches standard output or standard
 *     error raw (docs/security.md): the text form goes into a pull
 *     request's comment and a CI log;
 *   - --format=json exits as the text form does, with JSON whose
 *     "changed" says whether it exits 1 and whose "changes" is an array;
 *   - a change seen one way is seen the other way: diff NEW OLD exits as
 *     diff OLD NEW does, with as many changes;
 *   - memory is linear in what diff reads and writes: a run with each
 *     compilation held to 32 MiB plus 32 bytes for every byte of the
 *     input and of the output exits as the first did, not in BFP008.
 */
#define _GNU_SOURCE /* memmem() */
#include "fuzz.h"

#include <jansson.h>
#include <string.h>

enum { BASE_BUDGET = 32 << 20, BYTES_PER_BYTE = 32 };

/* The changes of a --format=json run, checked against its exit status; -1 when it exits 2. */
static long json_changes(const struct fuzz_output *o, int status)
{
	if (status == 2)
		return -1;
	json_error_t error;
	json_t *doc = json_loadb(o->out, o->out_len, 0, &error);
	if (!doc)
		fuzz_fail("diff --format=json wrote no JSON: %s, line %d", error.text, error.line);
	json_t *changes = json_object_get(doc, "changes");
	json_t *changed = json_object_get(doc, "changed");
	if (!json_is_array(changes) || !json_is_boolean(changed) || json_is_true(changed) != (status == 1) ||
	    (json_array_size(changes) > 0) != (status == 1))
		fuzz_fail("diff --format=json exits %d with changed=%s and %zu changes", status,
			  json_is_true(changed) ? "true" : "false", json_array_size(changes));
	long n = (long)json_array_size(changes);
	json_decref(doc);
	return n;
}

/* Both ways, text then JSON: the number of changes, -1 when a version does not compile. */
static long diff_both_forms(const char *old_file, const char *new_file, const char *include_dir, size_t size)
{
	struct fuzz_output o;
	const char *text[] = {"bfplan", "diff", "--color=never", "-I", include_dir, old_file, new_file, NULL};
	int status = fuzz_bfplan_capture(text, &o);
	fuzz_expect_terminal_safe("standard output", o.out, o.out_len);
	fuzz_expect_terminal_safe("standard error", o.err, o.err_len);
	if ((status == 1) != (o.out_len > 0))
		fuzz_fail("bfplan diff exits %d and prints %zu bytes", status, o.out_len);
	size_t budget = BASE_BUDGET + BYTES_PER_BYTE * (size + o.out_len);

	const char *json[] = {"bfplan", "diff", "--format=json", "-I", include_dir, old_file, new_file, NULL};
	int json_status = fuzz_bfplan_capture(json, &o);
	if (json_status != status)
		fuzz_fail("diff --format=json exits %d where the text form exits %d", json_status, status);
	long changes = json_changes(&o, json_status);

	fuzz_set_memory_limit(budget);
	int limited = fuzz_bfplan_capture(text, &o);
	fuzz_set_memory_limit(0);
	if (limited != status)
		fuzz_fail("bfplan diff needs more than %zu bytes for %zu bytes in: exit %d, not %d%s", budget, size,
			  limited, status, memmem(o.err, o.err_len, "BFP008", 6) ? " (BFP008)" : "");
	return changes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	fuzz_set_memory_limit(0);
	char new_file[4096];
	size_t dir_len = (size_t)(strrchr(in.main, '/') - in.main);
	snprintf(new_file, sizeof new_file, "%.*s/new.plan", (int)dir_len, in.main);
	if (!memmem(data, size, "%% new.plan\n", 12)) {
		/* no second version: the first less its last line */
		size_t cut = in.main_size;
		while (cut > 0 && data[cut - 1] == '\n')
			cut--;
		while (cut > 0 && data[cut - 1] != '\n')
			cut--;
		fuzz_add_file("new.plan", data, cut);
	}
	long forth = diff_both_forms(in.main, new_file, in.include_dir, size);
	long back = diff_both_forms(new_file, in.main, in.include_dir, size);
	if ((forth < 0) != (back < 0) || forth != back)
		fuzz_fail("diff OLD NEW finds %ld changes, diff NEW OLD %ld", forth, back);
	return 0;
}
