/*
 * build.c - fuzz `bfplan build` into a fresh directory, in both component forms.
 *
 * Each input is built twice: reference components with CRLF line ends,
 * and full components (ActionScript and relevance in the .bes) with LF,
 * both with a depfile, and validated against BES.xsd when it is there.
 * Then the output directory must keep the promises of an atomic output
 * set: nothing on failure, no temporary files, well-formed files.
 */
#include "fuzz.h"

static void build(const struct fuzz_input *in, const char *components, const char *newline)
{
	const char *out = fuzz_fresh_dir("out");
	const char *schema = fuzz_schema();
	const char *argv[] = {
		"bfplan", "build", in->main, "-o", out, "-I", in->include_dir, "-MD", components, newline,
		"--site-url", "server-automation=http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/sa",
		schema ? "--validate" : NULL, "--schema", schema, NULL,
	};
	fuzz_expect_output_set(out, fuzz_bfplan(argv));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	build(&in, "--components=reference", "--newline=crlf");
	build(&in, "--components=full", "--newline=lf");
	return 0;
}
