/*
 * check.c - fuzz `bfplan check`: plan text in, diagnostics out.
 *
 * The input is a plan, or a plan and the files it `use`s (support/fuzz.h).
 * It is checked twice: with --color=never, where nothing from the plan may
 * reach standard output or standard error raw (no ESC, BEL or other
 * control character but tab and newline, no bidi control: docs/security.md),
 * and with --color=always, the longer path through the renderer.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	fuzz_stage(data, size, "main.plan", &in);
	const char *plain[] = {"bfplan", "check", "--color=never", "-I", in.include_dir, in.main, NULL};
	struct fuzz_output o;
	fuzz_bfplan_capture(plain, &o);
	fuzz_expect_terminal_safe("standard output", o.out, o.out_len);
	fuzz_expect_terminal_safe("standard error", o.err, o.err_len);
	const char *color[] = {"bfplan", "check", "--color=always", "-I", in.include_dir, in.main, NULL};
	fuzz_bfplan(color);
	return 0;
}
