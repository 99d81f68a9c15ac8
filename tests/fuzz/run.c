/*
 * run.c - fuzz `bfplan run` on a hostile journal, through the replay and what it prints.
 *
 * The input is a journal's bytes, beside the 2008 seed plan.  Whatever
 * they are, `bfplan run` must:
 *
 *   - exit 0, 1 or 2, and write nothing raw on either stream (no control
 *     character, no bidi control; docs/security.md): names, reasons and
 *     notes from the journal are shown escaped;
 *   - `status` and `report --format=json` exit alike (both replay the
 *     same journal), and the report, when there is one, is JSON;
 *   - `note` with --accept-changed-plan (so that a journal of another
 *     hash still reaches the replay) either writes nothing, or leaves a
 *     journal that reads back whole, with no torn line, every entry it
 *     had kept, and the note as its last entry;
 *   - and a journal that reads is never changed by `status` or `report`.
 */
#include "fuzz.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/journal.h"

#define SEED FUZZ_STDLIB_DIR "/../examples/exchange2007-windows2008.plan"

static void expect(bool ok, const char *what)
{
	if (!ok)
		fuzz_fail("bfplan run: %s", what);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*len = 0;
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf)
		fuzz_fail("out of memory");
	*len = n;
	return buf;
}

static int run(const char *journal, const char *const *words, struct fuzz_output *o)
{
	const char *argv[16] = {"bfplan", "run", SEED, "--journal", journal, "--color=never", "--by", "fuzz"};
	size_t n = 8;
	for (size_t i = 0; words[i] && n < 15; i++)
		argv[n++] = words[i];
	argv[n] = NULL;
	int status = fuzz_bfplan_capture(argv, o);
	fuzz_expect_terminal_safe("standard output", o->out, o->out_len);
	fuzz_expect_terminal_safe("standard error", o->err, o->err_len);
	return status;
}

/* How many entries the journal's bytes hold, or -1 when they do not read. */
static long entries(const char *text, size_t len, size_t *torn)
{
	struct arena arena;
	arena_init(&arena);
	struct journal j;
	struct journal_fault fault;
	long count = journal_parse(&arena, text, len, &j, &fault) ? (long)j.count : -1;
	*torn = count >= 0 ? j.torn : 0;
	arena_free(&arena);
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_fresh_dir("run");
	if (mkdir(dir, 0700) != 0)
		fuzz_fail("cannot make %s", dir);
	char path[4096];
	snprintf(path, sizeof path, "%s/j.journal", dir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		fuzz_fail("cannot stage the journal");
	struct fuzz_output o;
	int status = run(path, (const char *const[]){"status", NULL}, &o);
	const char *report_words[] = {"report", "--format=json", NULL};
	int reported = run(path, report_words, &o);
	expect(reported == status, "status and report --format=json exit differently on one journal");
	if (reported == 0) {
		json_error_t error;
		json_t *doc = json_loadb(o.out, o.out_len, 0, &error);
		expect(doc && json_is_object(doc), "report --format=json does not print a JSON object");
		json_decref(doc);
	}
	size_t len;
	char *after = read_all(path, &len);
	expect(len == size && (size == 0 || memcmp(after, data, size) == 0), "status or report changed the journal");
	free(after);

	size_t torn;
	long before = entries((const char *)data, size, &torn);
	int noted = run(path, (const char *const[]){"note", "fuzzed", "--accept-changed-plan", NULL}, &o);
	after = read_all(path, &len);
	if (noted != 0) {
		expect(len == size && (size == 0 || memcmp(after, data, size) == 0), "a refused note changed the journal");
	} else {
		size_t torn_after;
		long now = entries(after, len, &torn_after);
		expect(before >= 0, "a note was recorded in a journal that does not read");
		expect(now > before && torn_after == 0, "after a note the journal does not read back whole");
		expect(len >= 9 && memcmp(after + len - 9, "fuzzed\"}\n", 9) == 0, "the note is not the last entry");
	}
	free(after);
	return 0;
}
