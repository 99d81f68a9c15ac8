/*
 * test_diag_format.c - the machine forms of diagnostics: places in bytes
 * and code points, text that cannot act on a terminal, GitHub workflow
 * commands, the JSON document and the SARIF log.
 *
 * The GitHub lines are compared whole; the JSON and SARIF documents are
 * parsed back with jansson and their fields checked one by one.  The SARIF
 * schema itself is checked by tests/formats/run.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/form.h"
#include "diag/github.h"
#include "diag/json.h"
#include "diag/sarif.h"
#include "diag/writer.h"

struct fixture {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink sink;
	char *out; /* the last rendering, malloc'ed by open_memstream */
	json_t *doc;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	arena_init(&fx->arena);
	src_init(&fx->sm, &fx->arena);
	diag_init(&fx->sink, &fx->arena, &fx->sm);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	free(fx->out);
	json_decref(fx->doc);
	arena_free(&fx->arena);
	free(fx);
	return 0;
}

static uint32_t add_file(struct fixture *fx, const char *path, const char *text)
{
	return src_add(&fx->sm, path, text, strlen(text));
}

static struct src_span span(uint32_t file, uint32_t begin, uint32_t end)
{
	return (struct src_span){file, begin, end};
}

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

/* Renders the sink in one form into fx->out (and, for the documents, parses it into fx->doc). */
static const char *render(struct fixture *fx, enum diag_format format)
{
	free(fx->out);
	fx->out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&fx->out, &size);
	assert_non_null(mem);
	struct diag_writer w;
	diag_writer_init(&w, format, DIAG_COLOR_NEVER, mem, mem);
	diag_writer_add(&w, &fx->sink);
	assert_true(diag_writer_finish(&w));
	assert_int_equal(fclose(mem), 0);
	if (format == DIAG_FORMAT_JSON || format == DIAG_FORMAT_SARIF) {
		json_error_t error;
		json_decref(fx->doc);
		fx->doc = json_loads(fx->out, 0, &error);
		if (!fx->doc)
			fail_msg("not JSON: %s at line %d\n%s", error.text, error.line, fx->out);
	}
	return fx->out;
}

static json_t *at(json_t *v, const char *path)
{
	/* "a.b.0.c": object keys and array indexes */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	char *save = NULL;
	for (char *key = strtok_r(buf, ".", &save); key && v; key = strtok_r(NULL, ".", &save)) {
		if (json_is_array(v))
			v = json_array_get(v, strtoul(key, NULL, 10));
		else
			v = json_object_get(v, key);
	}
	if (!v)
		fail_msg("no %s in the document", path);
	return v;
}

static void assert_str_at(json_t *doc, const char *path, const char *want)
{
	json_t *v = at(doc, path);
	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	assert_string_equal(json_string_value(v), want);
}

static void assert_int_at(json_t *doc, const char *path, json_int_t want)
{
	json_t *v = at(doc, path);
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", path);
	assert_int_equal(json_integer_value(v), want);
}

/* ---- places ----------------------------------------------------------------------- */

static void test_place_in_bytes_and_code_points(void **state)
{
	struct fixture *fx = *state;
	/* "é" is two bytes and one code point; the span is the word after it */
	uint32_t f = add_file(fx, "p.plan", "x\nrole \xC3\xA9 word\n");
	struct diag_place p;
	assert_true(diag_place_of(&fx->sm, span(f, 10, 14), &p));
	assert_string_equal(p.path, "p.plan");
	assert_int_equal(p.line, 2);
	assert_int_equal(p.column, 9);
	assert_int_equal(p.end_line, 2);
	assert_int_equal(p.end_column, 13);
	assert_int_equal(p.char_column, 8);
	assert_int_equal(p.char_end_column, 12);
	assert_int_equal(p.last_line, 2);
	assert_int_equal(p.last_char_column, 11);
}

static void test_place_last_character_is_multibyte(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "p.plan", "a\xE2\x82\xAC\n");
	struct diag_place p;
	assert_true(diag_place_of(&fx->sm, span(f, 0, 4), &p));
	assert_int_equal(p.char_column, 1);
	assert_int_equal(p.char_end_column, 3);
	assert_int_equal(p.last_char_column, 2);
}

static void test_place_of_an_empty_span(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "p.plan", "ab\n");
	struct diag_place p;
	assert_true(diag_place_of(&fx->sm, span(f, 2, 2), &p));
	assert_int_equal(p.char_column, 3);
	assert_int_equal(p.char_end_column, 3);
	assert_int_equal(p.last_char_column, 3);
	assert_false(diag_place_of(&fx->sm, nowhere, &p));
}

static void test_place_counts_an_invalid_byte_as_one(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "p.plan", "\xE9\xE9x\n");
	struct diag_place p;
	assert_true(diag_place_of(&fx->sm, span(f, 2, 3), &p));
	assert_int_equal(p.column, 3);
	assert_int_equal(p.char_column, 3);
}

/* ---- GitHub ------------------------------------------------------------------------------ */

static void test_github_error_line(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "plans/a.plan", "os x\nos y = 1\n");
	struct diag *d = diag_report(&fx->sink, BFP102, span(f, 10, 11), "stray character '%c'", '=');
	diag_help(&fx->sink, d, "write 'max-down 1'");
	assert_string_equal(render(fx, DIAG_FORMAT_GITHUB),
		"::error file=plans/a.plan,line=2,col=6,endLine=2,endColumn=6,title=BFP102::"
		"stray character '='%0Ahelp: write 'max-down 1'\n");
}

static void test_github_warning_notes_and_columns_in_code_points(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "require \xC3\xA9t\xC3\xA9\nx\n");
	struct diag *d = diag_report(&fx->sink, BFP302, span(f, 8, 13), "nothing needs '%s'", "\xC3\xA9t\xC3\xA9");
	diag_note(&fx->sink, d, span(f, 14, 15), "see here");
	diag_note(&fx->sink, d, nowhere, "a note without a place");
	assert_string_equal(render(fx, DIAG_FORMAT_GITHUB),
		"::warning file=a.plan,line=1,col=9,endLine=1,endColumn=11,title=BFP302::"
		"nothing needs '\xC3\xA9t\xC3\xA9'%0Anote: a.plan:2:1: see here%0Anote: a note without a place\n");
}

static void test_github_escapes_properties_and_message(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "50%,a:b.plan", "x\n");
	diag_report(&fx->sink, BFP204, span(f, 0, 1), "100%% of 'a,b:c' with\r\na line break");
	assert_string_equal(render(fx, DIAG_FORMAT_GITHUB),
		"::error file=50%25%2Ca%3Ab.plan,line=1,col=1,endLine=1,endColumn=1,title=BFP204::"
		"100%25 of 'a,b:c' with\\u{D}\\u{A}a line break\n");
}

static void test_github_no_columns_across_lines(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "plan p {\n    x\n}\n");
	diag_report(&fx->sink, BFP209, span(f, 0, 17), "plan 'p' has no cluster");
	assert_string_equal(render(fx, DIAG_FORMAT_GITHUB),
		"::error file=a.plan,line=1,endLine=3,title=BFP209::plan 'p' has no cluster\n");
}

static void test_github_without_place_and_dropped(void **state)
{
	struct fixture *fx = *state;
	diag_report(&fx->sink, BFP001, nowhere, "cannot read 'x\033': No such file");
	fx->sink.dropped = 2;
	assert_string_equal(render(fx, DIAG_FORMAT_GITHUB),
		"::error title=BFP001::cannot read 'x\\u{1B}': No such file\n"
		"::warning title=bfplan::2 more diagnostics not shown (the first 50 are above)\n");
}

static void test_github_path_is_made_visible(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a\033]0;x\007.plan", "x\n");
	diag_report(&fx->sink, BFP204, span(f, 0, 1), "m");
	const char *out = render(fx, DIAG_FORMAT_GITHUB);
	assert_null(strchr(out, '\033'));
	assert_null(strchr(out, '\007'));
	assert_non_null(strstr(out, "file=a\\u{1B}]0;x\\u{7}.plan,"));
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void test_json_document(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a.plan", "os \xC3\xA9 = 1\n");
	struct diag *d = diag_report(&fx->sink, BFP102, span(f, 7, 8), "stray character '='");
	diag_note(&fx->sink, d, span(f, 0, 2), "the statement");
	diag_note(&fx->sink, d, nowhere, "no place");
	diag_help(&fx->sink, d, "remove it");
	diag_report(&fx->sink, BFP302, span(f, 0, 2), "a warning");
	render(fx, DIAG_FORMAT_JSON);
	json_t *doc = fx->doc;
	assert_str_at(doc, "format", "bfplan-diagnostics");
	assert_int_at(doc, "version", DIAG_JSON_VERSION);
	assert_str_at(doc, "tool.name", "bfplan");
	assert_int_equal(json_array_size(at(doc, "diagnostics")), 2);
	/* sorted by position: the warning at offset 0 comes first */
	assert_str_at(doc, "diagnostics.0.code", "BFP302");
	assert_str_at(doc, "diagnostics.0.severity", "warning");
	assert_true(json_is_null(at(doc, "diagnostics.0.help")));
	assert_str_at(doc, "diagnostics.1.code", "BFP102");
	assert_str_at(doc, "diagnostics.1.name", "stray-character");
	assert_str_at(doc, "diagnostics.1.severity", "error");
	assert_str_at(doc, "diagnostics.1.message", "stray character '='");
	assert_str_at(doc, "diagnostics.1.location.file", "a.plan");
	assert_int_at(doc, "diagnostics.1.location.line", 1);
	assert_int_at(doc, "diagnostics.1.location.column", 8);
	assert_int_at(doc, "diagnostics.1.location.end_line", 1);
	assert_int_at(doc, "diagnostics.1.location.end_column", 9);
	assert_int_at(doc, "diagnostics.1.location.char_column", 7);
	assert_int_at(doc, "diagnostics.1.location.char_end_column", 8);
	assert_str_at(doc, "diagnostics.1.notes.0.message", "the statement");
	assert_int_at(doc, "diagnostics.1.notes.0.location.column", 1);
	assert_true(json_is_null(at(doc, "diagnostics.1.notes.1.location")));
	assert_str_at(doc, "diagnostics.1.help", "remove it");
	assert_int_at(doc, "errors", 1);
	assert_int_at(doc, "warnings", 1);
	assert_int_at(doc, "not_shown", 0);
}

static void test_json_import_chain_and_no_place(void **state)
{
	struct fixture *fx = *state;
	uint32_t root = add_file(fx, "root.plan", "use \"lib\"\n");
	uint32_t lib = add_file(fx, "lib.plan", "x\n");
	((struct src_file *)fx->sm.files.items[lib])->import = span(root, 4, 9);
	diag_report(&fx->sink, BFP204, span(lib, 0, 1), "unknown name 'x'");
	diag_report(&fx->sink, BFP001, nowhere, "cannot read 'y'");
	render(fx, DIAG_FORMAT_JSON);
	assert_str_at(fx->doc, "diagnostics.0.code", "BFP001");
	assert_true(json_is_null(at(fx->doc, "diagnostics.0.location")));
	assert_str_at(fx->doc, "diagnostics.1.notes.0.message", "'lib.plan' is imported here");
	assert_str_at(fx->doc, "diagnostics.1.notes.0.location.file", "root.plan");
	assert_int_at(fx->doc, "diagnostics.1.notes.0.location.column", 5);
}

static void test_json_text_is_visible(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "a\xE9.plan", "x\n");
	diag_report(&fx->sink, BFP204, span(f, 0, 1), "name '\033[2J\xE2\x80\xAE'");
	render(fx, DIAG_FORMAT_JSON);
	assert_str_at(fx->doc, "diagnostics.0.message", "name '\\u{1B}[2J\\u{202E}'");
	assert_str_at(fx->doc, "diagnostics.0.location.file", "a\\x{E9}.plan");
}

static void test_json_with_nothing_to_say(void **state)
{
	struct fixture *fx = *state;
	render(fx, DIAG_FORMAT_JSON);
	assert_int_equal(json_array_size(at(fx->doc, "diagnostics")), 0);
	assert_int_at(fx->doc, "errors", 0);
}

/* ---- SARIF ---------------------------------------------------------------------------------- */

static void test_sarif_log(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "dir/a b.plan", "os \xC3\xA9 = 1\nos y\n");
	struct diag *d = diag_report(&fx->sink, BFP102, span(f, 7, 8), "stray character '='");
	diag_note(&fx->sink, d, span(f, 11, 15), "a note");
	diag_help(&fx->sink, d, "remove it");
	diag_report(&fx->sink, BFP302, span(f, 11, 15), "a warning");
	diag_report(&fx->sink, BFP102, span(f, 13, 14), "another stray");
	render(fx, DIAG_FORMAT_SARIF);
	json_t *doc = fx->doc;
	assert_str_at(doc, "version", "2.1.0");
	assert_str_at(doc, "runs.0.tool.driver.name", "bfplan");
	assert_str_at(doc, "runs.0.columnKind", "unicodeCodePoints");
	/* one rule per code that occurs, in code order, with the documentation's text */
	assert_int_equal(json_array_size(at(doc, "runs.0.tool.driver.rules")), 2);
	assert_str_at(doc, "runs.0.tool.driver.rules.0.id", "BFP102");
	assert_str_at(doc, "runs.0.tool.driver.rules.0.name", "stray-character");
	assert_str_at(doc, "runs.0.tool.driver.rules.0.shortDescription.text",
		      diag_code_summary(BFP102));
	assert_str_at(doc, "runs.0.tool.driver.rules.0.defaultConfiguration.level", "error");
	assert_true(strncmp(json_string_value(at(doc, "runs.0.tool.driver.rules.0.help.text")),
			    "BFP102: stray-character\n", 24) == 0);
	assert_true(strlen(json_string_value(at(doc, "runs.0.tool.driver.rules.0.fullDescription.text"))) > 40);
	assert_str_at(doc, "runs.0.tool.driver.rules.1.id", "BFP302");
	assert_str_at(doc, "runs.0.tool.driver.rules.1.defaultConfiguration.level", "warning");

	assert_int_equal(json_array_size(at(doc, "runs.0.results")), 3);
	assert_str_at(doc, "runs.0.results.0.ruleId", "BFP102");
	assert_int_at(doc, "runs.0.results.0.ruleIndex", 0);
	assert_str_at(doc, "runs.0.results.0.level", "error");
	assert_str_at(doc, "runs.0.results.0.message.text", "stray character '='\nhelp: remove it");
	assert_str_at(doc, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri", "dir/a%20b.plan");
	assert_str_at(doc, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId",
		      "%SRCROOT%");
	assert_int_at(doc, "runs.0.results.0.locations.0.physicalLocation.region.startLine", 1);
	assert_int_at(doc, "runs.0.results.0.locations.0.physicalLocation.region.startColumn", 7);
	assert_int_at(doc, "runs.0.results.0.locations.0.physicalLocation.region.endLine", 1);
	assert_int_at(doc, "runs.0.results.0.locations.0.physicalLocation.region.endColumn", 8);
	assert_int_at(doc, "runs.0.results.0.relatedLocations.0.id", 1);
	assert_str_at(doc, "runs.0.results.0.relatedLocations.0.message.text", "a note");
	assert_int_at(doc, "runs.0.results.0.relatedLocations.0.physicalLocation.region.startLine", 2);
	assert_str_at(doc, "runs.0.results.1.ruleId", "BFP302");
	assert_int_at(doc, "runs.0.results.1.ruleIndex", 1);
	assert_str_at(doc, "runs.0.results.1.level", "warning");
	assert_null(json_object_get(at(doc, "runs.0.results.1"), "relatedLocations"));
	assert_int_at(doc, "runs.0.results.2.ruleIndex", 0);
}

static void test_sarif_without_place_and_dropped(void **state)
{
	struct fixture *fx = *state;
	diag_report(&fx->sink, BFP001, nowhere, "cannot read 'x'");
	fx->sink.dropped = 3;
	render(fx, DIAG_FORMAT_SARIF);
	assert_null(json_object_get(at(fx->doc, "runs.0.results.0"), "locations"));
	assert_true(json_is_true(at(fx->doc, "runs.0.invocations.0.executionSuccessful")));
	assert_str_at(fx->doc, "runs.0.invocations.0.toolExecutionNotifications.0.message.text",
		      "3 more diagnostics not shown (the first 50 are reported)");
}

static void test_sarif_uri(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(diag_sarif_uri(&fx->arena, "plans/prod-1_a.b~.plan"), "plans/prod-1_a.b~.plan");
	assert_string_equal(diag_sarif_uri(&fx->arena, "a b/c:d#e?f%g.plan"), "a%20b/c%3Ad%23e%3Ff%25g.plan");
	assert_string_equal(diag_sarif_uri(&fx->arena, "\xC3\xA9\033.plan"), "%C3%A9%1B.plan");
	assert_string_equal(diag_sarif_uri(&fx->arena, "/usr/share/x y.plan"), "file:///usr/share/x%20y.plan");
	assert_string_equal(diag_sarif_uri(&fx->arena, "../../stdlib/a.plan"), "../../stdlib/a.plan");
}

static void test_sarif_absolute_path_has_no_base(void **state)
{
	struct fixture *fx = *state;
	uint32_t f = add_file(fx, "/abs/a.plan", "x\n");
	diag_report(&fx->sink, BFP204, span(f, 0, 1), "m");
	render(fx, DIAG_FORMAT_SARIF);
	json_t *loc = at(fx->doc, "runs.0.results.0.locations.0.physicalLocation.artifactLocation");
	assert_str_at(loc, "uri", "file:///abs/a.plan");
	assert_null(json_object_get(loc, "uriBaseId"));
}

static void test_format_names(void **state)
{
	(void)state;
	enum diag_format f;
	assert_true(diag_format_parse("text", &f) && f == DIAG_FORMAT_TEXT);
	assert_true(diag_format_parse("json", &f) && f == DIAG_FORMAT_JSON);
	assert_true(diag_format_parse("sarif", &f) && f == DIAG_FORMAT_SARIF);
	assert_true(diag_format_parse("github", &f) && f == DIAG_FORMAT_GITHUB);
	assert_false(diag_format_parse("xml", &f));
	assert_false(diag_format_parse("", &f));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_place_in_bytes_and_code_points),
		T(test_place_last_character_is_multibyte),
		T(test_place_of_an_empty_span),
		T(test_place_counts_an_invalid_byte_as_one),
		T(test_github_error_line),
		T(test_github_warning_notes_and_columns_in_code_points),
		T(test_github_escapes_properties_and_message),
		T(test_github_no_columns_across_lines),
		T(test_github_without_place_and_dropped),
		T(test_github_path_is_made_visible),
		T(test_json_document),
		T(test_json_import_chain_and_no_place),
		T(test_json_text_is_visible),
		T(test_json_with_nothing_to_say),
		T(test_sarif_log),
		T(test_sarif_without_place_and_dropped),
		T(test_sarif_uri),
		T(test_sarif_absolute_path_has_no_base),
		T(test_format_names),
	};
#undef T
	return cmocka_run_group_tests(tests, 0, 0);
}
