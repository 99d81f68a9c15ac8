/*
 * import.c - fuzz `bfplan import`: BES XML in, plan-language declarations out.
 *
 * Each input is imported twice into a fresh directory: with a site and
 * one ID (so a file holding one Fixlet or Task without an ID imports),
 * and with neither (so a REST API listing, which carries both, imports).
 * The output must keep the promises of an atomic output set, and what
 * import writes must be a plan: `bfplan check` of a file that uses it
 * beside the standard library exits 0 or 1, never 2; and, where that plan
 * checks clean, in fmt's layout: `bfplan fmt --check` of it exits 0.
 */
#include "fuzz.h"

#include <stdio.h>

/* A plan that uses the standard library and the imported declarations, beside them. */
static const char *wrapper(const char *out)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/uses-it.plan", out);
	FILE *f = fopen(path, "w");
	if (!f || fputs("use \"bigfix/server-automation\"\nuse \"bigfix/patches-for-windows\"\nuse \"imported\"\n", f) < 0 ||
	    fclose(f) != 0)
		fuzz_fail("cannot write %s", path);
	return path;
}

static void import(const struct fuzz_input *in, const char *const *options)
{
	const char *out = fuzz_fresh_dir("out");
	char target[4096];
	snprintf(target, sizeof target, "%s/imported.plan", out);
	const char *argv[12] = {"bfplan", "import"};
	size_t n = 2;
	for (size_t i = 0; options[i]; i++)
		argv[n++] = options[i];
	argv[n++] = "-o";
	argv[n++] = target;
	argv[n++] = in->main;
	argv[n] = NULL;
	int status = fuzz_bfplan(argv);
	fuzz_expect_output_set(out, status);
	if (status != 0)
		return;
	const char *check[] = {"bfplan", "check", wrapper(out), NULL};
	int checked = fuzz_bfplan(check);
	if (checked == 2)
		fuzz_fail("bfplan check of what import wrote exits 2: it is not a readable plan");
	const char *fmt[] = {"bfplan", "fmt", "--check", target, NULL};
	if (checked == 0 && fuzz_bfplan(fmt) != 0)
		fuzz_fail("what import wrote is not in the layout of bfplan fmt");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "content.bes", &in);
	static const char *const with_id[] = {"--site", "server-automation", "--id", "101", NULL};
	static const char *const bare[] = {NULL};
	import(&in, with_id);
	import(&in, bare);
	return 0;
}
