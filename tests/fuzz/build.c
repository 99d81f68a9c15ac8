/*
 * build.c - fuzz `bfplan build` into a fresh directory, in both component forms.
 *
 * Each input is built twice: reference components with CRLF line ends,
 * and full components (ActionScript and relevance in the .bes) with LF,
 * both with a depfile, and validated against BES.xsd when it is there.
 * Then the output directory must keep the promises of an atomic output
 * set: nothing on failure, no temporary files, well-formed files; and
 * nothing from the plan reaches standard output or standard error raw.
 *
 * The builds give server-automation's gather URL, which is not published.
 * A plan whose files do not declare that site refuses it (BFP420, exit 2,
 * before anything is built), and is then built without it.
 *
 * And `check` and `build` must agree (docs/security.md, "One text rule
 * for check and build"): where `bfplan check` passes, the reference build
 * does not fail on the plan, except with the diagnostics only a build can
 * make: BFP403 (a gather URL nobody gave), BFP408 (a file without a plan,
 * which check accepts) and BFP409 (catalog content the build needs).  The
 * reference build reports in JSON, on standard output, for this.
 */
#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

static const char *const site_url[] = {
	"--site-url", "server-automation=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/sa",
};

/* Errors that only a build can tell: a plan that checks clean may still get them. */
static bool is_build_only(const char *code)
{
	return strcmp(code, "BFP403") == 0 || strcmp(code, "BFP408") == 0 || strcmp(code, "BFP409") == 0;
}

/* Whether the build refused the gather URL of a site the plan's files do not declare. */
static bool refused_site_url(const struct fuzz_output *o)
{
	const char *const *errors = fuzz_json_errors(o);
	return errors[0] && strcmp(errors[0], "BFP420") == 0;
}

/* Where check passed and the build failed: fails unless every error is one only a build can make. */
static void expect_build_only_errors(const struct fuzz_output *o)
{
	const char *const *errors = fuzz_json_errors(o);
	if (!errors[0])
		fuzz_fail("bfplan check passes but bfplan build exits 1 without an error");
	for (size_t i = 0; errors[i]; i++)
		if (!is_build_only(errors[i]))
			fuzz_fail("bfplan check passes but bfplan build fails with %s (FUZZ_VERBOSE=1 shows it)",
				  errors[i]);
}

/* Builds the input in one form (with server-automation's URL when `url`), and checks the promises. */
static int build(const struct fuzz_input *in, bool full, bool url, struct fuzz_output *o)
{
	const char *out = fuzz_fresh_dir("out");
	const char *schema = fuzz_schema();
	const char *argv[20] = {"bfplan", "build", in->main, "-o", out, "-I", in->include_dir, "-MD"};
	size_t n = 8;
	argv[n++] = full ? "--components=full" : "--components=reference";
	argv[n++] = full ? "--newline=lf" : "--newline=crlf";
	argv[n++] = full ? "--color=never" : "--format=json";
	if (url) {
		argv[n++] = site_url[0];
		argv[n++] = site_url[1];
	}
	if (schema) {
		argv[n++] = "--validate";
		argv[n++] = "--schema";
		argv[n++] = schema;
	}
	argv[n] = NULL;
	int status = fuzz_bfplan_capture(argv, o);
	fuzz_expect_output_set(out, status);
	fuzz_expect_terminal_safe("standard output", o->out, o->out_len);
	fuzz_expect_terminal_safe("standard error", o->err, o->err_len);
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	const char *check[] = {"bfplan", "check", "-I", in.include_dir, in.main, NULL};
	int checked = fuzz_bfplan(check);
	struct fuzz_output o;
	bool url = true;
	int status = build(&in, false, url, &o);
	if (status == 2 && refused_site_url(&o)) {
		url = false;
		status = build(&in, false, url, &o);
	}
	if (checked == 0 && status == 1)
		expect_build_only_errors(&o);
	build(&in, true, url, &o);
	return 0;
}
