/*
 * bigfix_xml.c - fuzz the BigFix driver's reader of server answers (runtime/bigfix/bf_xml.c).
 *
 * A BigFix server's answer is untrusted input: the input is read as one,
 * without and with BESAPI.xsd (when BFPLAN_BESAPI_XSD names it), and every
 * reader (computers, a computer, a query, an action, the action list, an
 * action's results, an import) is run on what parses.  What must hold:
 * each reader succeeds or fails with an error kind and a message; the
 * message is one line and nothing in it could act on a terminal (server
 * text is escaped); every outcome is one of the list; an answer one byte
 * over the limit is refused as oversized, never parsed.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "runtime/bigfix/bigfix.h"

static void expect_clean(const struct bf_error *err, const char *what)
{
	if (err->kind == BF_OK || !err->text[0])
		fuzz_fail("%s failed without an error kind and message", what);
	size_t len = strnlen(err->text, sizeof err->text);
	if (len == sizeof err->text)
		fuzz_fail("%s: the message is not terminated", what);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)err->text[i];
		if (c < 0x20 || c == 0x7F)
			fuzz_fail("%s: the message holds the raw control character 0x%02X", what, c);
		if (c == 0xC2 && i + 1 < len && (unsigned char)err->text[i + 1] >= 0x80 &&
		    (unsigned char)err->text[i + 1] <= 0x9F)
			fuzz_fail("%s: the message holds a raw C1 control", what);
	}
}

/* Runs one reader: true result or a clean error. */
#define READ(call, what)                                \
	do {                                            \
		struct bf_error err = {0};              \
		if (!(call))                            \
			expect_clean(&err, what);       \
	} while (0)

static void read_all(const struct bf_answer *ans, struct arena *a)
{
	uint64_t *ids;
	size_t n;
	struct bf_computer comp;
	const char **answers;
	struct bf_action_ref ref, *refs;
	struct bf_action_status st;
	struct bf_imported *items;
	READ(bf_read_computer_ids(ans, a, &ids, &n, &err), "computers");
	READ(bf_read_computer(ans, a, &comp, &err), "computer");
	READ(bf_read_query(ans, a, &answers, &n, &err), "query");
	READ(bf_read_action(ans, a, &ref, &err), "action");
	READ(bf_read_actions(ans, a, &refs, &n, &err), "actions");
	READ(bf_read_import(ans, a, &items, &n, &err), "import");
	struct bf_error err = {0};
	if (bf_read_status(ans, a, &st, &err)) {
		for (size_t i = 0; i < st.n_targets; i++)
			if ((unsigned)st.targets[i].outcome > BF_UNKNOWN || !st.targets[i].status)
				fuzz_fail("status: target %zu has no outcome of the list", i);
	} else {
		expect_clean(&err, "status");
	}
}

static void parse_and_read(const char *data, size_t size, const struct bf_schema *schema)
{
	struct bf_error err = {0};
	struct bf_answer *ans = bf_answer_parse(data, size, 1 << 20, schema, &err);
	if (!ans) {
		expect_clean(&err, "parse");
		return;
	}
	struct arena a;
	arena_init(&a);
	read_all(ans, &a);
	arena_free(&a);
	bf_answer_free(ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bf_schema *schema;
	static bool loaded;
	if (!loaded) {
		loaded = true;
		const char *path = getenv("BFPLAN_BESAPI_XSD");
		struct bf_error err = {0};
		if (path && *path)
			schema = bf_schema_load(path, &err);
	}
	const char *text = (const char *)data;
	parse_and_read(text, size, NULL);
	if (schema)
		parse_and_read(text, size, schema);
	if (size > 0) {
		struct bf_error err = {0};
		struct bf_answer *ans = bf_answer_parse(text, size, size - 1, NULL, &err);
		if (ans || err.kind != BF_ERR_OVERSIZED)
			fuzz_fail("an answer over the limit was not refused as oversized");
	}
	return 0;
}
