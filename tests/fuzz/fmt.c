/*
 * fmt.c - fuzz `bfplan fmt`: a plan in, the same plan in the canonical layout out.
 *
 * The main file of the input is formatted (support/fuzz.h; the other files
 * are there for the `use`s that `check` follows).  bfplan fmt exits 0, 1 or
 * 2, and writes nothing raw from the plan on standard error.  Where it
 * succeeds:
 *
 *   - formatting is idempotent: fmt of its own output gives the same bytes;
 *   - it never changes what the plan means: `bfplan check` of the output
 *     exits as `bfplan check` of the input did;
 *   - `fmt --check` exits 1 exactly when the output differs from the
 *     input, and `fmt --diff` prints nothing exactly when they are equal;
 *   - its safety check (BFP503, formatting that would change the tokens)
 *     never fires: that is a bug of the formatter, not of the plan.
 */
#include "fuzz.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int check(const struct fuzz_input *in)
{
	const char *argv[] = {"bfplan", "check", "-I", in->include_dir, in->main, NULL};
	return fuzz_bfplan(argv);
}

/* `bfplan fmt` of the main file: its status, and the formatted text in `o`. */
static int format(const struct fuzz_input *in, struct fuzz_output *o)
{
	const char *argv[] = {"bfplan", "fmt", "--color=never", in->main, NULL};
	int status = fuzz_bfplan_capture(argv, o);
	fuzz_expect_terminal_safe("standard error", o->err, o->err_len);
	return status;
}

/* `fmt --check`, reporting in JSON: its status, after failing on BFP503. */
static int format_check(const struct fuzz_input *in)
{
	const char *argv[] = {"bfplan", "fmt", "--check", "--format=json", in->main, NULL};
	struct fuzz_output o;
	int status = fuzz_bfplan_capture(argv, &o);
	const char *const *errors = fuzz_json_errors(&o);
	for (size_t i = 0; errors[i]; i++)
		if (strcmp(errors[i], "BFP503") == 0)
			fuzz_fail("bfplan fmt's safety check failed (BFP503): the layout changed the plan's tokens");
	return status;
}

/* `fmt --diff`: its status, and whether it printed a difference. */
static int format_diff(const struct fuzz_input *in, bool *printed)
{
	const char *argv[] = {"bfplan", "fmt", "--diff", "--color=never", in->main, NULL};
	struct fuzz_output o;
	int status = fuzz_bfplan_capture(argv, &o);
	*printed = o.out_len > 0;
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	int checked = check(&in);
	int verdict = format_check(&in);
	bool printed;
	int diffed = format_diff(&in, &printed);
	struct fuzz_output o;
	int status = format(&in, &o);
	if (diffed != status)
		fuzz_fail("bfplan fmt exits %d, but %d with --diff", status, diffed);
	if (status != 0) {
		if (verdict != status)
			fuzz_fail("bfplan fmt exits %d, but %d with --check", status, verdict);
		return 0;
	}
	bool changed = o.out_len != in.main_size || memcmp(o.out, data, in.main_size) != 0;
	if (verdict != (changed ? 1 : 0) || printed != changed)
		fuzz_fail("bfplan fmt %s the file, but --check exits %d and --diff prints %s", changed ? "changes" : "keeps",
			  verdict, printed ? "a difference" : "nothing");
	char *formatted = malloc(o.out_len ? o.out_len : 1);
	if (!formatted)
		fuzz_fail("out of memory");
	memcpy(formatted, o.out, o.out_len);
	size_t formatted_len = o.out_len;
	fuzz_replace_main(formatted, formatted_len);
	int again = format(&in, &o);
	bool same = again == 0 && o.out_len == formatted_len && memcmp(o.out, formatted, formatted_len) == 0;
	free(formatted);
	if (!same)
		fuzz_fail("bfplan fmt is not idempotent: formatting its output again %s",
			  again == 0 ? "changes it" : "fails");
	int rechecked = check(&in);
	if (rechecked != checked)
		fuzz_fail("bfplan check exits %d on the plan but %d on it formatted", checked, rechecked);
	return 0;
}
