/*
 * fuzz.h - what every fuzz harness of tests/fuzz shares.
 *
 * A harness is one file, tests/fuzz/NAME.c, that defines
 * LLVMFuzzerTestOneInput().  It is linked twice: with libFuzzer (clang,
 * `make fuzz`) to search for crashes, and with replay_main.c (the normal
 * compiler, `make check`) to replay the corpus and every input that ever
 * crashed as a regression test.
 *
 * One fuzz input may hold several files, so that `use` is exercised: the
 * bytes up to the first line that starts with "%% " are the main file, and
 * each such line starts another file and names it,
 *
 *	plan p { ... }        <- the main file (use "lib/a")
 *	%% lib/a.plan
 *	site s { ... }        <- the file lib/a.plan, beside the main file
 *
 * A plan file never has a line starting with "%%" (it is no token of the
 * language), so a plain plan is a one-file input as it is.  Names are
 * relative paths of letters, digits, '.', '_', '-' and '/' without "." or
 * ".." components; a file with any other name is dropped.  Files under
 * "inc/" are also reachable through `-I`.
 *
 * The files are written to a private directory of this process (under
 * FUZZ_TMPDIR when it is set, else /dev/shm when it is there, else TMPDIR
 * or /tmp) that is emptied before each input and removed at exit or when
 * the harness fails; a sanitizer's crash leaves it, which is why the
 * scripts point FUZZ_TMPDIR at a directory of their own.  bfplan reads them from there as it
 * reads any plan, so the harnesses need no change in the loader.
 */
#ifndef BFPLAN_FUZZ_H
#define BFPLAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where an input's files went. */
struct fuzz_input {
	const char *main;        /* the main file */
	size_t main_size;        /* its size: the input's first main_size bytes */
	const char *include_dir; /* its inc/ directory, for -I (it may not exist) */
};

/*
 * Writes the files of one input, the main one under `main_name` (such as
 * "main.plan"), after removing those of the previous input.  A file whose
 * name clashes with another's (a file where a directory must go) is
 * dropped; any other failure to write is the host's and aborts.
 */
void fuzz_stage(const uint8_t *data, size_t size, const char *main_name, struct fuzz_input *in);

/*
 * The bytes each compilation of the runs that follow may take (0: no
 * limit); past them it ends in BFP008, exit status 2.  The graph and diff
 * harnesses hold bfplan to a budget linear in what it reads and writes.
 */
void fuzz_set_memory_limit(size_t bytes);

/*
 * Writes a file `name` beside the main file of the input staged last (a
 * plain name, no directory), replacing it; returns its path, valid until
 * the next call.
 */
const char *fuzz_add_file(const char *name, const void *data, size_t size);

/* Replaces the main file of the input staged last with `size` bytes of `data`. */
void fuzz_replace_main(const void *data, size_t size);

/* A directory of this process named `name`, removed if it was there (and not created). */
const char *fuzz_fresh_dir(const char *name);

/*
 * Runs bfplan in this process with the NULL-terminated arguments (argv[0]
 * is "bfplan"), its output going nowhere (to standard error when
 * FUZZ_VERBOSE is set), and returns its exit status.  A status other
 * than 0, 1 or 2 is a bug: it aborts, naming the command.
 */
int fuzz_bfplan(const char *const *argv);

/* What one run of bfplan wrote on its standard output and standard error. */
struct fuzz_output {
	const char *out;
	size_t out_len;
	const char *err;
	size_t err_len;
};

/*
 * As fuzz_bfplan(), but keeps what bfplan wrote in `o`, valid until the
 * next call (and copies it to standard error when FUZZ_VERBOSE is set).
 */
int fuzz_bfplan_capture(const char *const *argv, struct fuzz_output *o);

/*
 * The errors that a command run with --format=json reported on standard
 * output `o`, as codes ("BFP401"), NULL-terminated, valid until the next
 * call.  Output that is not bfplan's JSON diagnostics fails.
 */
const char *const *fuzz_json_errors(const struct fuzz_output *o);

/*
 * The promise that nothing from a plan reaches a terminal raw
 * (docs/security.md): `text`, what bfplan wrote on `stream`, is UTF-8
 * with no control character but tab and newline (no ESC, BEL or other C0
 * control, DEL or C1 control), no bidi control and no line or paragraph
 * separator.  bfplan's own colors are ESC sequences, so this holds for
 * --color=never only.
 */
void fuzz_expect_terminal_safe(const char *stream, const char *text, size_t len);

/* BES.xsd when it is there ($BFPLAN_BES_XSD), else NULL: then nothing is validated. */
const char *fuzz_schema(void);

/* Reports a broken promise of bfplan and aborts, so both drivers see a crash. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * The promises of an atomic output set (docs/output.md, "All or
 * nothing") after a command that wrote into the fresh directory `dir`
 * and exited `status`: no hidden temporary file is left; on failure no
 * file at all; on success every .bes file is well-formed XML with at
 * least one object in its <BES> element, and every .json file is JSON.
 */
void fuzz_expect_output_set(const char *dir, int status);

#endif
