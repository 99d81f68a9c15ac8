/*
 * test_bigfix.c - the BigFix client's pure parts: the answers it reads, the
 * requests it builds, the status texts it maps, the URLs and netrc files it
 * takes.  (Its calls over HTTPS are tested against the stand-in server, in
 * tests/bigfix.)
 */
#define _DEFAULT_SOURCE /* setenv(), mkdtemp() */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "base/arena.h"
#include "runtime/bigfix/bigfix.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BESAPI>"
#define TAIL "</BESAPI>"
#define RESULT(id, status)                                                                          \
	"<Computer ID=\"" id "\" Name=\"N" id "\"><Status>" status "</Status><State IsError=\"false\">0" \
	"</State><ApplyCount>1</ApplyCount><RetryCount>0</RetryCount><LineNumber>1</LineNumber></Computer>"

static struct bf_answer *parse(const char *text, const struct bf_schema *schema, struct bf_error *err)
{
	*err = (struct bf_error){0};
	return bf_answer_parse(text, strlen(text), 1 << 20, schema, err);
}

static void test_outcomes(void **state)
{
	(void)state;
	assert_int_equal(bf_outcome_of("Fixed"), BF_SUCCEEDED);
	assert_int_equal(bf_outcome_of("Completed"), BF_SUCCEEDED);
	assert_int_equal(bf_outcome_of("failed"), BF_FAILED);
	assert_int_equal(bf_outcome_of("Pending Restart"), BF_PENDING_RESTART);
	assert_int_equal(bf_outcome_of("Running"), BF_PENDING);
	assert_int_equal(bf_outcome_of("Not Relevant"), BF_NOT_RELEVANT);
	assert_int_equal(bf_outcome_of("Expired"), BF_ENDED);
	assert_int_equal(bf_outcome_of("Fixed "), BF_UNKNOWN);  /* not guessed at */
	assert_int_equal(bf_outcome_of(""), BF_UNKNOWN);
	assert_string_equal(bf_err_name(BF_ERR_LOST_ANSWER), "lost_answer");
	assert_string_equal(bf_err_name(BF_OK), "ok");
}

static void test_reads_each_shape(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct bf_error err;
	struct bf_answer *ans = parse(HEAD "<Computer Resource=\"r\"><LastReportTime>t</LastReportTime><ID> 7 </ID>"
					   "</Computer><Computer><ID>18446744073709551615</ID></Computer>" TAIL,
				      NULL, &err);
	uint64_t *ids;
	size_t n;
	assert_true(bf_read_computer_ids(ans, &a, &ids, &n, &err));
	assert_int_equal(n, 2);
	assert_true(ids[0] == 7 && ids[1] == UINT64_MAX);
	bf_answer_free(ans);

	ans = parse(HEAD "<Computer><ID>18446744073709551616</ID></Computer>" TAIL, NULL, &err);
	assert_false(bf_read_computer_ids(ans, &a, &ids, &n, &err));
	assert_int_equal(err.kind, BF_ERR_SHAPE);
	bf_answer_free(ans);

	ans = parse(HEAD "<Query Resource=\"q\"><Result><Answer type=\"integer\">1</Answer><Tuple><Answer type=\"s\">a"
			 "</Answer><Answer type=\"s\">b</Answer></Tuple></Result><Evaluation><Time>1ms</Time>"
			 "<Plurality>Plural</Plurality></Evaluation></Query>" TAIL,
		    NULL, &err);
	const char **answers;
	assert_true(bf_read_query(ans, &a, &answers, &n, &err));
	assert_int_equal(n, 2);
	assert_string_equal(answers[0], "1");
	assert_string_equal(answers[1], "a, b");
	/* the same answer is not an action's results */
	struct bf_action_status st;
	assert_false(bf_read_status(ans, &a, &st, &err));
	assert_int_equal(err.kind, BF_ERR_SHAPE);
	bf_answer_free(ans);

	ans = parse(HEAD "<Query Resource=\"q\"><Result/><Error>The operator \"this\" is not defined.</Error></Query>" TAIL,
		    NULL, &err);
	assert_false(bf_read_query(ans, &a, &answers, &n, &err));
	assert_int_equal(err.kind, BF_ERR_RELEVANCE);
	assert_non_null(strstr(err.text, "The operator \"this\" is not defined."));
	bf_answer_free(ans);

	ans = parse(HEAD "<Computer><Property Name=\"DNS Name\">d</Property></Computer>" TAIL, NULL, &err);
	struct bf_computer comp;
	assert_false(bf_read_computer(ans, &a, &comp, &err));
	assert_non_null(strstr(err.text, "Computer Name"));
	bf_answer_free(ans);
	arena_free(&a);
}

static void test_status_and_members(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct bf_error err;
	struct bf_action_status st;
	struct bf_answer *ans = parse(HEAD "<ActionResults><ActionID>9</ActionID><Status>Open</Status>" RESULT("1", "Fixed")
					   RESULT("2", "Waiting") "</ActionResults>" TAIL,
				      NULL, &err);
	assert_true(bf_read_status(ans, &a, &st, &err));
	assert_int_equal(st.n_targets, 2);
	assert_int_equal(st.targets[0].outcome, BF_SUCCEEDED);
	assert_int_equal(st.targets[1].outcome, BF_PENDING);
	assert_string_equal(st.targets[1].computer_name, "N2");
	bf_answer_free(ans);

	/* a Baseline with only member results: each target takes its worst component */
	ans = parse(HEAD "<ActionResults><ActionID>9</ActionID><Status>Open</Status>"
			 "<MemberActionResult><ActionID>91</ActionID>" RESULT("1", "Fixed") RESULT("2", "Fixed")
			 "</MemberActionResult><MemberActionResult><ActionID>92</ActionID>" RESULT("1", "Failed")
			 RESULT("2", "Pending Restart") "</MemberActionResult></ActionResults>" TAIL,
		    NULL, &err);
	assert_true(bf_read_status(ans, &a, &st, &err));
	assert_int_equal(st.n_targets, 2);
	assert_int_equal(st.targets[0].outcome, BF_FAILED);
	assert_int_equal(st.targets[1].outcome, BF_PENDING_RESTART);
	bf_answer_free(ans);
	arena_free(&a);
}

static void test_refuses_hostile_answers(void **state)
{
	(void)state;
	struct bf_error err;
	assert_null(parse("<?xml version=\"1.0\"?><!DOCTYPE BESAPI [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
			  "<BESAPI>&x;</BESAPI>",
			  NULL, &err));
	assert_int_equal(err.kind, BF_ERR_HOSTILE);
	assert_null(parse("<BESAPI><Computer>", NULL, &err));
	assert_int_equal(err.kind, BF_ERR_MALFORMED);
	assert_null(parse("<html/>", NULL, &err));
	assert_int_equal(err.kind, BF_ERR_SHAPE);
	assert_null(parse("<BESAPI xmlns=\"urn:x\"/>", NULL, &err));
	assert_int_equal(err.kind, BF_ERR_SHAPE);
	err = (struct bf_error){0};
	assert_null(bf_answer_parse("<BESAPI/>", 9, 8, NULL, &err));
	assert_int_equal(err.kind, BF_ERR_OVERSIZED);

	/* server text in a message is escaped and cut to fit */
	bf_error_set(&err, BF_ERR_HTTP, "said: ");
	bf_error_append(&err, "\x1b]0;x\x07 \xE2\x80\xAE", 10);
	assert_null(strchr(err.text, '\x1b'));
	assert_non_null(strstr(err.text, "\\u{1B}"));
	assert_non_null(strstr(err.text, "\\u{202E}"));
	char big[4000];
	memset(big, 'x', sizeof big);
	bf_error_append(&err, big, sizeof big);
	assert_true(strlen(err.text) < sizeof err.text);
	assert_non_null(strstr(err.text, "..."));
}

static const char *schema_path(const char *var)
{
	const char *p = getenv(var);
	return p && access(p, R_OK) == 0 ? p : NULL;
}

static void test_besapi_schema(void **state)
{
	(void)state;
	const char *path = schema_path("BFPLAN_BESAPI_XSD");
	if (!path) {
		print_message("skipped: BESAPI.xsd is absent (BFPLAN_BESAPI_XSD)\n");
		return;
	}
	struct bf_error err = {0};
	struct bf_schema *s = bf_schema_load(path, &err);
	assert_non_null(s);
	struct bf_answer *ans = parse(HEAD TAIL, s, &err);  /* an empty answer: correction 3 */
	assert_non_null(ans);
	bf_answer_free(ans);
	ans = parse(HEAD "<Query Resource=\"q\"><Result><Answer type=\"integer\">1</Answer><Answer type=\"integer\">2"
			 "</Answer></Result><Evaluation><Time>1ms</Time><Plurality>Plural</Plurality></Evaluation>"
			 "</Query>" TAIL,
		    s, &err);  /* two Answers in a row: correction 2 */
	assert_non_null(ans);
	bf_answer_free(ans);
	assert_null(parse(HEAD "<Computer><ID>x</ID></Computer>" TAIL, s, &err));
	assert_int_equal(err.kind, BF_ERR_SCHEMA);
	bf_schema_free(s);

	/* a schema that is not the known release is refused, not half-corrected */
	char dir[] = "/tmp/bfplan-bigfix-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char other[sizeof dir + 16];
	snprintf(other, sizeof other, "%s/x.xsd", dir);
	FILE *f = fopen(other, "w");
	assert_non_null(f);
	fputs("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"BESAPI\"/></xs:schema>", f);
	fclose(f);
	assert_null(bf_schema_load(other, &err));
	assert_int_equal(err.kind, BF_ERR_SCHEMA_FILE);
	unlink(other);
	rmdir(dir);
}

static void test_action_body(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	uint64_t ids[] = {1001, 1002};
	struct bf_param params[] = {
		{"secret", "p<w>d&", true},
		{"note", "a \"b\" & <c>", false},
	};
	struct bf_action_request req = {"Server Automation", 116, "Action1", ids, 2, params, 2,
					"bfplan R1 step 3: pause & <go>"};
	struct bf_error err = {0};
	char *body = bf_action_body(&a, &req, false, &err);
	assert_non_null(body);
	assert_non_null(strstr(body, "<Title>bfplan R1 step 3: pause &amp; &lt;go&gt;</Title>"));
	assert_non_null(strstr(body, "<Parameter Name=\"note\">a &quot;b&quot; &amp; &lt;c&gt;</Parameter>"));
	/* BES.xsd wants every Parameter before every SecureParameter */
	assert_true(strstr(body, "<Parameter ") < strstr(body, "<SecureParameter "));
	assert_non_null(strstr(body, "<ComputerID>1002</ComputerID>"));
	const char *bes = schema_path("BFPLAN_BES_XSD");
	if (bes) {
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(bes);
		xmlSchemaPtr schema = xmlSchemaParse(pc);
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
		xmlDocPtr doc = xmlReadMemory(body, (int)strlen(body), "body", NULL, XML_PARSE_NONET);
		assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
		xmlFreeDoc(doc);
		xmlSchemaFreeValidCtxt(vc);
		xmlSchemaFree(schema);
		xmlSchemaFreeParserCtxt(pc);
	} else {
		print_message("skipped: validation against BES.xsd, which is absent (BFPLAN_BES_XSD)\n");
	}
	char *shown = bf_action_body(&a, &req, true, &err);
	assert_null(strstr(shown, "p&lt;w"));
	assert_non_null(strstr(shown, "(secret)"));

	req.title = "two\nlines";
	assert_null(bf_action_body(&a, &req, false, &err));
	assert_int_equal(err.kind, BF_ERR_TEXT);
	req.title = "bell\x07";
	assert_null(bf_action_body(&a, &req, false, &err));
	char long_title[300];
	memset(long_title, 't', sizeof long_title - 1);
	long_title[sizeof long_title - 1] = '\0';
	req.title = long_title;
	assert_null(bf_action_body(&a, &req, false, &err));
	req.title = "ok";
	req.n_targets = 0;
	assert_null(bf_action_body(&a, &req, false, &err));
	assert_string_equal(bf_action_title(&a, "R9", 12, "resume"), "bfplan R9 step 12: resume");
	arena_free(&a);
}

static void test_relevance(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(bf_relevance_applicable(&a, "Server \"Automation\" 100%", 121),
			    "ids of applicable computers of bes fixlets whose (id of it = 121 and name of site of it = "
			    "\"Server %22Automation%22 100%25\")");
	assert_string_equal(bf_relevance_computers_named(&a, "EXNODE1\"){"),
			    "ids of bes computers whose (name of it as lowercase = \"exnode1%22)%7B\")");
	arena_free(&a);
}

static void test_urls(void **state)
{
	(void)state;
	char host[64];
	assert_true(bf_url_host("https://bigfix.example.com:52311", host, sizeof host));
	assert_string_equal(host, "bigfix.example.com");
	assert_true(bf_url_host("https://[::1]:52311/", host, sizeof host));
	assert_string_equal(host, "::1");
	assert_false(bf_url_host("http://bigfix:52311", host, sizeof host));
	assert_false(bf_url_host("https://user:pw@bigfix:52311", host, sizeof host));
	assert_false(bf_url_host("https://bigfix:52311/api", host, sizeof host));
	assert_false(bf_url_host("https://bigfix:523111", host, sizeof host));
	assert_false(bf_url_host("https://", host, sizeof host));
}

static void test_netrc(void **state)
{
	(void)state;
	char dir[] = "/tmp/bfplan-netrc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[sizeof dir + 16];
	snprintf(path, sizeof path, "%s/netrc", dir);
	FILE *f = fopen(path, "w");
	fputs("machine other login a password b\nmacdef init\nmachine bigfix login c password d\n\n"
	      "machine bigfix login operator password s3cret\ndefault login x password y\n", f);
	fclose(f);
	chmod(path, 0600);
	unsetenv("BFPLAN_BIGFIX_USER");
	unsetenv("BFPLAN_BIGFIX_PASSWORD");
	setenv("NETRC", path, 1);
	struct bf_secret s;
	struct bf_error err;
	assert_true(bf_secret_acquire(&s, "BIGFIX", &err));
	assert_string_equal(s.user, "operator");  /* the macro's text is not an entry */
	assert_int_equal(s.password_len, 6);
	bf_secret_wipe(&s);
	assert_int_equal(s.password[0], 0);

	chmod(path, 0640);
	assert_false(bf_secret_acquire(&s, "bigfix", &err));
	assert_int_equal(err.kind, BF_ERR_CREDENTIALS);
	assert_non_null(strstr(err.text, "chmod 600"));

	setenv("BFPLAN_BIGFIX_USER", "env-user", 1);
	setenv("BFPLAN_BIGFIX_PASSWORD", "env-pass", 1);
	assert_true(bf_secret_acquire(&s, "bigfix", &err));
	assert_string_equal(s.user, "env-user");
	assert_string_equal(s.password, "env-pass");
	assert_null(getenv("BFPLAN_BIGFIX_PASSWORD"));  /* gone, so no child inherits it */
	bf_secret_wipe(&s);
	unsetenv("BFPLAN_BIGFIX_USER");
	unsetenv("NETRC");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_reads_each_shape),
		cmocka_unit_test(test_status_and_members),
		cmocka_unit_test(test_refuses_hostile_answers),
		cmocka_unit_test(test_besapi_schema),
		cmocka_unit_test(test_action_body),
		cmocka_unit_test(test_relevance),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_netrc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
