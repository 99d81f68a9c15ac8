/*
 * check.c - fuzz `bfplan check`: plan text in, diagnostics out.
 *
 * The input is a plan, or a plan and the files it `use`s (support/fuzz.h).
 * Diagnostics are rendered in color, the longer path through the renderer.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	const char *argv[] = {"bfplan", "check", "--color=always", "-I", in.include_dir, in.main, NULL};
	fuzz_bfplan(argv);
	return 0;
}
