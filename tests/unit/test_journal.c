/*
 * test_journal.c - the journal of a run: its lines parsed and written, SHA-256, and the file
 * (lock, append, torn tail set aside).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/journal.h"
#include "runtime/journal_file.h"
#include "base/sha256.h"

#define SHA_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_B "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define HEADER                                                                                          \
	"{\"bfplan_journal\":1,\"bfplan\":\"0.1.0\",\"plan\":\"patch-exch01\",\"plan_sha256\":\"" SHA_A      \
	"\",\"source\":\"exch01.plan\",\"created\":\"2026-12-06T21:00:00Z\",\"by\":\"alice\"}\n"

static bool parse(struct arena *a, const char *text, struct journal *j, struct journal_fault *f)
{
	return journal_parse(a, text, strlen(text), j, f);
}

static void test_sha256(void **state)
{
	(void)state;
	char hex[SHA256_HEX_SIZE];
	sha256_hex("", 0, hex);
	assert_string_equal(hex, SHA_A);
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, SHA_B);
	/* two blocks, and a message that ends where the padding must start a block of its own */
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* fed in uneven pieces, the same as at once */
	static char million[1000000];
	memset(million, 'a', sizeof million);
	struct sha256 h;
	unsigned char d[32];
	sha256_init(&h);
	for (size_t i = 0; i < sizeof million; i += 61)
		sha256_update(&h, million + i, sizeof million - i < 61 ? sizeof million - i : 61);
	sha256_final(&h, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[31], 0xd0);
}

static void test_times(void **state)
{
	(void)state;
	int64_t t;
	char s[JOURNAL_TIME_SIZE];
	assert_true(journal_time_parse("1970-01-01T00:00:00Z", &t));
	assert_int_equal(t, 0);
	assert_true(journal_time_parse("2026-12-06T21:30:05Z", &t));
	assert_int_equal(t, 1796592605);
	journal_time_format(t, s);
	assert_string_equal(s, "2026-12-06T21:30:05Z");
	assert_true(journal_time_parse("2028-02-29T23:59:59Z", &t));
	journal_time_format(t, s);
	assert_string_equal(s, "2028-02-29T23:59:59Z");
	static const char *const bad[] = {"2027-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-06 21:30:05Z",
					  "2026-12-06T21:30:05", "2026-12-06T24:00:00Z", "1969-12-31T23:59:59Z",
					  "2026-12-06T21:30:05+01:00", "+026-12-06T21:30:05Z", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(journal_time_parse(bad[i], &t));
}

static void test_whole_journal(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct journal j;
	struct journal_fault f;
	const char *text = HEADER
		"{\"seq\":1,\"type\":\"start\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"alice\",\"step\":\"1\"}\n"
		"{\"seq\":2,\"type\":\"done\",\"at\":\"2026-12-06T21:10:00Z\",\"by\":\"bob\",\"step\":\"1\",\"target\":\"EXNODE1\"}\n"
		"{\"seq\":3,\"type\":\"fail\",\"at\":\"2026-12-06T21:11:00Z\",\"by\":\"bob\",\"step\":\"2\",\"target\":\"EXNODE1\",\"reason\":\"group stuck\"}\n"
		"{\"seq\":4,\"type\":\"intent\",\"at\":\"2026-12-06T21:12:00Z\",\"by\":\"bigfix\",\"step\":\"F2\",\"targets\":[\"EXNODE1\"],\"request\":\"POST /api/actions\"}\n"
		"{\"seq\":5,\"type\":\"issued\",\"at\":\"2026-12-06T21:12:01Z\",\"by\":\"bigfix\",\"intent\":4,\"action\":31337}\n"
		"{\"seq\":6,\"type\":\"witness-offline\",\"at\":\"2026-12-06T21:13:00Z\",\"by\":\"bob\",\"text\":\"Offline\"}\n"
		"{\"seq\":7,\"type\":\"witness-offline\",\"at\":\"2026-12-06T21:13:00Z\",\"by\":\"bob\"}\n"
		"{\"seq\":8,\"type\":\"node-lost\",\"at\":\"2026-12-06T21:14:00Z\",\"by\":\"bob\",\"target\":\"EXNODE2\"}\n";
	assert_true(parse(&a, text, &j, &f));
	assert_true(j.has_header);
	assert_string_equal(j.header.plan, "patch-exch01");
	assert_string_equal(j.header.plan_sha256, SHA_A);
	assert_int_equal(j.count, 8);
	assert_int_equal(j.entries[5].type, JOURNAL_WITNESS_OFFLINE);
	assert_string_equal(j.entries[5].text, "Offline");
	assert_null(j.entries[6].text);
	assert_int_equal(j.entries[7].type, JOURNAL_NODE_LOST);
	assert_string_equal(j.entries[7].target, "EXNODE2");
	assert_int_equal(j.torn, 0);
	assert_int_equal(j.complete, strlen(text));
	assert_int_equal(j.entries[2].type, JOURNAL_FAIL);
	assert_string_equal(j.entries[2].reason, "group stuck");
	assert_int_equal(j.entries[2].line_number, 4);
	assert_int_equal(j.entries[3].target_count, 1);
	assert_int_equal(j.entries[4].action, 31337);
	/* each line written back is the line read */
	struct textbuf out;
	textbuf_init(&out, &a);
	journal_write_header(&out, &j.header);
	for (size_t i = 0; i < j.count; i++)
		journal_write_entry(&out, &j.entries[i]);
	assert_string_equal(out.data, text);
	arena_free(&a);
}

static void test_torn_tail(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct journal j;
	struct journal_fault f;
	const char *entry = "{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}\n";
	char text[1024];
	/* every prefix of the last line is torn, counted, and not an entry */
	for (size_t cut = 0; cut < strlen(entry); cut++) {
		snprintf(text, sizeof text, "%s%.*s", HEADER, (int)cut, entry);
		assert_true(parse(&a, text, &j, &f));
		assert_int_equal(j.count, 0);
		assert_int_equal(j.torn, cut);
		assert_int_equal(j.complete, strlen(HEADER));
		assert_int_equal(j.torn_line, cut ? 2 : 0);
	}
	/* a header cut short: no header, all of it torn */
	const char *cut_header = "{\"bfplan_journal\":1,\"bfpl";
	assert_true(parse(&a, cut_header, &j, &f));
	assert_false(j.has_header);
	assert_int_equal(j.torn, strlen(cut_header));
	assert_int_equal(j.complete, 0);
	arena_free(&a);
}

/* The fault the text gets, on which line. */
static void expect_fault(struct arena *a, const char *text, enum journal_fault_kind kind, uint32_t line)
{
	struct journal j;
	struct journal_fault f;
	if (parse(a, text, &j, &f))
		fail_msg("parsed: %s", text);
	if (f.kind != kind || f.line != line)
		fail_msg("fault %d on line %u (%s), not %d on line %u: %s", f.kind, f.line, f.detail, kind, line, text);
	assert_non_null(f.detail);
}

static void test_hostile(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	expect_fault(&a, "\n", JOURNAL_FAULT_EMPTY_LINE, 1);
	expect_fault(&a, "hello\n", JOURNAL_FAULT_NOT_JSON, 1);
	expect_fault(&a, "[1]\n", JOURNAL_FAULT_NOT_OBJECT, 1);
	expect_fault(&a, "{\"seq\":1}\n", JOURNAL_FAULT_NOT_HEADER, 1);
	expect_fault(&a, "{\"bfplan_journal\":2}\n", JOURNAL_FAULT_NEWER_FORMAT, 1);
	expect_fault(&a, "{\"bfplan_journal\":1,\"bfplan\":\"0.1.0\"}\n", JOURNAL_FAULT_MISSING_FIELD, 1);
	expect_fault(&a, HEADER "\n", JOURNAL_FAULT_EMPTY_LINE, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"dance\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\"}\n",
		     JOURNAL_FAULT_UNKNOWN_TYPE, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\",\"evil\":1}\n",
		     JOURNAL_FAULT_UNKNOWN_FIELD, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"fail\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"step\":\"1\"}\n",
		     JOURNAL_FAULT_MISSING_FIELD, 2);
	expect_fault(&a, HEADER "{\"seq\":2,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}\n",
		     JOURNAL_FAULT_SEQUENCE, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"start\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"step\":\"0\"}\n",
		     JOURNAL_FAULT_BAD_FIELD, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"done\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"step\":\"1\",\"target\":\"../x\"}\n",
		     JOURNAL_FAULT_BAD_FIELD, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"note\",\"at\":\"yesterday\",\"by\":\"a\",\"text\":\"x\"}\n",
		     JOURNAL_FAULT_BAD_FIELD, 2);
	/* node-lost names its node; witness-offline names none */
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"node-lost\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\"}\n",
		     JOURNAL_FAULT_MISSING_FIELD, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"witness-offline\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"target\":\"EXNODE1\"}\n",
		     JOURNAL_FAULT_UNKNOWN_FIELD, 2);
	/* a NUL inside a string, a duplicate key, a number too large, deep nesting */
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"\\u0000\"}\n",
		     JOURNAL_FAULT_NOT_JSON, 2);
	expect_fault(&a, HEADER "{\"seq\":1,\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}\n",
		     JOURNAL_FAULT_NOT_JSON, 2);
	expect_fault(&a, HEADER "{\"seq\":99999999999999999999999}\n", JOURNAL_FAULT_NOT_JSON, 2);
	char deep[8192];
	memset(deep, '[', 5000);
	strcpy(deep + 5000, "\n");
	expect_fault(&a, deep, JOURNAL_FAULT_NOT_JSON, 1);
	/* an action issued for an intent that is not one */
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}\n"
		     "{\"seq\":2,\"type\":\"issued\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"intent\":1,\"action\":7}\n",
		     JOURNAL_FAULT_BAD_FIELD, 3);
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"issued\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"intent\":1,\"action\":7}\n",
		     JOURNAL_FAULT_BAD_FIELD, 2);
	/* the set-aside file is a name beside the journal, not a path */
	expect_fault(&a, HEADER "{\"seq\":1,\"type\":\"set-aside\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"line\":2,\"bytes\":3,\"file\":\"../etc/passwd\"}\n",
		     JOURNAL_FAULT_BAD_FIELD, 2);
	arena_free(&a);
}

/* The reader of plain lines and jansson's reader of every line agree, on lines of every form. */
static void test_readers_agree(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		/* as bfplan writes them: the plain-line reader takes these */
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"\u00e9lodie\",\"text\":\"caf\u00e9 \u2713\"}\n",
		"{\"seq\":1,\"type\":\"accept-changed-plan\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"plan_sha256\":\"" SHA_B "\",\"was\":\"" SHA_A "\"}\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"cafÃ©\"}\n",
		/* escapes, blanks, a CR, keys in another order, an array: jansson's */
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"say \\\"hi\\\"\"}\n",
		"{ \"seq\": 1, \"type\": \"note\", \"at\": \"2026-12-06T21:05:00Z\", \"by\": \"a\", \"text\": \"x\" }\r\n",
		"{\"text\":\"x\",\"by\":\"a\",\"at\":\"2026-12-06T21:05:00Z\",\"type\":\"note\",\"seq\":1}\n",
		"{\"seq\":1,\"type\":\"intent\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"d\",\"step\":\"2\",\"targets\":[\"N1\"],\"request\":\"POST /api/actions\"}\n",
		/* faults both must find alike */
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"\"}\n",
		"{\"seq\":01,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\",\"text\":\"y\"}\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-13-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"\x01\"}\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"\xc3\"}\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\"}x\n",
		"{\"seq\":1,\"type\":\"note\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"text\":\"x\",\"reason\":\"y\"}\n",
		"{\"seq\":1,\"type\":\"fail\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"step\":\"1\",\"target\":\"N1\"}\n",
		"{\"seq\":1,\"type\":\"done\",\"at\":\"2026-12-06T21:05:00Z\",\"by\":\"a\",\"step\":\"P0\"}\n",
	};
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		const char *text = arena_printf(&a, "%s%s", HEADER, bodies[i]);
		struct journal j, g;
		struct journal_fault f, gf;
		bool ok = journal_parse(&a, text, strlen(text), &j, &f);
		bool general = journal_parse_general(&a, text, strlen(text), &g, &gf);
		if (ok != general)
			fail_msg("case %zu: the readers disagree on whether it reads", i);
		if (!ok) {
			if (f.kind != gf.kind || strcmp(f.detail, gf.detail) != 0)
				fail_msg("case %zu: faults differ: %s / %s", i, f.detail, gf.detail);
			continue;
		}
		struct textbuf x, y;
		textbuf_init(&x, &a);
		textbuf_init(&y, &a);
		journal_write_entry(&x, &j.entries[0]);
		journal_write_entry(&y, &g.entries[0]);
		if (j.count != 1 || g.count != 1 || strcmp(x.data, y.data) != 0)
			fail_msg("case %zu: entries differ: %s / %s", i, x.data, y.data);
	}
	arena_free(&a);
}

static char *temp_dir(void)
{
	static char dir[64];
	strcpy(dir, "/tmp/bfplan-journal.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void test_file_append_and_set_aside(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *dir = temp_dir();
	const char *path = arena_printf(&a, "%s/run.journal", dir), *torn = arena_printf(&a, "%s.torn", path);
	struct journal_file jf;
	struct journal_io_failure why;
	assert_false(journal_file_read(&a, path, &jf, &why));
	assert_int_equal(why.status, JOURNAL_IO_ABSENT);
	assert_false(journal_file_open(&a, path, false, &jf, &why));
	assert_int_equal(why.status, JOURNAL_IO_ABSENT);
	assert_true(journal_file_open(&a, path, true, &jf, &why));
	assert_true(jf.created);
	assert_int_equal(jf.len, 0);
	assert_true(journal_file_append(&jf, HEADER, strlen(HEADER), &why));
	journal_file_close(&jf);
	/* a torn tail, as a crash leaves one */
	FILE *fp = fopen(path, "a");
	fputs("{\"seq\":1,\"ty", fp);
	fclose(fp);
	assert_true(journal_file_open(&a, path, true, &jf, &why));
	assert_false(jf.created);
	assert_int_equal(jf.len, strlen(HEADER) + 12);
	assert_true(journal_file_set_aside(&jf, strlen(HEADER), torn, &why));
	assert_true(journal_file_append(&jf, "x\n", 2, &why));
	journal_file_close(&jf);
	assert_true(journal_file_read(&a, path, &jf, &why));
	assert_int_equal(jf.len, strlen(HEADER) + 2);
	assert_string_equal(jf.text + strlen(HEADER), "x\n");
	assert_true(journal_file_read(&a, torn, &jf, &why));
	assert_string_equal(jf.text, "{\"seq\":1,\"ty");
	/* a directory is not a journal */
	assert_false(journal_file_open(&a, dir, true, &jf, &why));
	assert_true(why.status == JOURNAL_IO_NOT_FILE || why.status == JOURNAL_IO_FAILED);
	unlink(path);
	unlink(torn);
	rmdir(dir);
	arena_free(&a);
}

/* A second process cannot open the journal for writing while the first holds it; it learns who does. */
static void test_file_lock(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *dir = temp_dir();
	const char *path = arena_printf(&a, "%s/run.journal", dir);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct journal_file jf;
		struct journal_io_failure why;
		struct arena ca;
		arena_init(&ca);
		if (!journal_file_open(&ca, path, true, &jf, &why))
			_exit(1);
		(void)!write(ready[1], "x", 1);
		pause(); /* until killed, holding the lock */
		_exit(0);
	}
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	struct journal_file jf;
	struct journal_io_failure why;
	assert_false(journal_file_open(&a, path, true, &jf, &why));
	assert_int_equal(why.status, JOURNAL_IO_LOCKED);
	assert_int_equal(why.holder, child);
	assert_non_null(strstr(journal_io_message(&a, &why), "another bfplan run"));
	/* a reader is not stopped by the lock */
	assert_true(journal_file_read(&a, path, &jf, &why));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* the lock goes with the process that held it */
	assert_true(journal_file_open(&a, path, true, &jf, &why));
	journal_file_close(&jf);
	close(ready[0]);
	close(ready[1]);
	unlink(path);
	rmdir(dir);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_whole_journal),
		cmocka_unit_test(test_torn_tail),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_readers_agree),
		cmocka_unit_test(test_file_append_and_set_aside),
		cmocka_unit_test(test_file_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
