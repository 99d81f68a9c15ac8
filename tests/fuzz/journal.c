/*
 * journal.c - fuzz the reader of a run's journal (runtime/journal.h).
 *
 * The input is a journal's bytes, whatever they are.  The reader must:
 *
 *   - return entries or one fault, never crash, leak or read out of
 *     bounds, and say what the fault is in words that are safe for a
 *     terminal (nothing from the file reaches one raw);
 *   - account for every byte: the complete lines and the torn tail add up
 *     to the input, the tail holds no newline, and the entries sit inside
 *     the complete lines, in order;
 *   - read what it writes: the entries written back as lines parse to the
 *     same entries, and writing those again gives the same bytes;
 *   - never read a torn line as data: the complete lines alone parse to
 *     the same entries with nothing torn, and whatever follows the last
 *     newline changes nothing that was read;
 *   - read as jansson reads: its reader of the lines bfplan writes and
 *     jansson's reader of every line find the same fault or the same
 *     entries.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/journal.h"

static void expect(bool ok, const char *what)
{
	if (!ok)
		fuzz_fail("journal reader: %s", what);
}

/* The lines of a parsed journal, written back. */
static void write_back(const struct journal *j, struct textbuf *out)
{
	if (j->has_header)
		journal_write_header(out, &j->header);
	for (size_t i = 0; i < j->count; i++)
		journal_write_entry(out, &j->entries[i]);
}

static void check_accounting(const struct journal *j, const uint8_t *data, size_t size)
{
	expect(j->complete + j->torn == size, "complete and torn bytes do not add up to the input");
	expect(!memchr(data + j->complete, '\n', j->torn), "the torn tail holds a newline");
	expect(j->complete == 0 || data[j->complete - 1] == '\n', "the complete part does not end a line");
	expect(j->count == 0 || j->has_header, "entries without a header");
	for (size_t i = 0; i < j->count; i++) {
		const struct journal_entry *e = &j->entries[i];
		expect(e->seq == i + 1, "an entry's seq is not its place");
		expect((size_t)e->offset + e->length < j->complete, "an entry lies outside the complete lines");
		expect(data[e->offset + e->length] == '\n', "an entry does not end at a newline");
	}
}

static void check_round_trip(struct arena *arena, const struct journal *j)
{
	struct textbuf once, twice;
	textbuf_init(&once, arena);
	textbuf_init(&twice, arena);
	write_back(j, &once);
	struct journal again;
	struct journal_fault fault;
	expect(journal_parse(arena, once.data, once.len, &again, &fault), "what it wrote does not read back");
	expect(again.count == j->count && again.torn == 0, "what it wrote reads back to other entries");
	write_back(&again, &twice);
	expect(twice.len == once.len && memcmp(twice.data, once.data, once.len) == 0,
	       "writing what it read back gives other bytes");
}

/*
 * The reader of plain lines and jansson's reader of every line give the
 * same result: the same fault, or the same entries written back.
 */
static void check_readers_agree(struct arena *arena, const char *text, size_t size, bool ok,
				const struct journal *j, const struct journal_fault *fault)
{
	struct journal g;
	struct journal_fault gf;
	bool general = journal_parse_general(arena, text, size, &g, &gf);
	expect(general == ok, "the plain-line reader and jansson's disagree on whether the journal reads");
	if (!ok) {
		expect(gf.kind == fault->kind && gf.line == fault->line && strcmp(gf.detail, fault->detail) == 0,
		       "the plain-line reader and jansson's find different faults");
		return;
	}
	struct textbuf a, b;
	textbuf_init(&a, arena);
	textbuf_init(&b, arena);
	write_back(j, &a);
	write_back(&g, &b);
	expect(g.count == j->count && a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	       "the plain-line reader and jansson's read different entries");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena arena;
	arena_init(&arena);
	struct journal j;
	struct journal_fault fault;
	const char *text = (const char *)data;
	bool ok = journal_parse(&arena, text, size, &j, &fault);
	check_readers_agree(&arena, text, size, ok, &j, &fault);
	if (!ok) {
		expect(fault.kind != JOURNAL_FAULT_NONE && fault.detail, "a fault without a kind or words");
		fuzz_expect_terminal_safe("a fault's words", fault.detail, strlen(fault.detail));
		expect(fault.kind == JOURNAL_FAULT_TOO_LARGE || (size_t)fault.offset + fault.length < size,
		       "a fault's line lies outside the input");
		arena_free(&arena);
		return 0;
	}
	check_accounting(&j, data, size);
	check_round_trip(&arena, &j);
	struct journal whole;
	expect(journal_parse(&arena, text, j.complete, &whole, &fault) && whole.count == j.count && whole.torn == 0,
	       "the complete lines alone read differently");
	arena_free(&arena);
	return 0;
}
