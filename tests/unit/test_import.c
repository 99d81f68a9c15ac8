/*
 * test_import.c - reading action scripts, writing plan strings, and the
 * whole way from a .bes file to the catalog.
 *
 * as_read() is tested on every Pending Restart case and on the ways an
 * action script can be written (case, blanks, comments, if blocks).
 * import_put_string() is tested by scanning what it writes: the scanner
 * must give back the exact text.  The round trip writes a .bes file,
 * imports it, resolves the output together with a small world, and
 * compares the title, relevance and action script the catalog ends up
 * with against the texts in the .bes file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/actionscript.h"
#include "base/utf8.h"
#include "diag/text.h"
#include "front/load.h"
#include "frontend.h"
#include "import/import.h"
#include "sema/resolve.h"

struct fixture {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink sink;
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
	arena_free(&fx->arena);
	free(fx);
	return 0;
}

static void fail_with_diagnostics(struct fixture *fx, const char *what)
{
	diag_render_text(&fx->sink, stderr, DIAG_COLOR_NEVER);
	fail_msg("unexpected diagnostics: %s", what);
}

/* ---- as_read -------------------------------------------------------------------------------- */

static struct as_reading read_script(void **state, const char *script)
{
	struct fixture *fx = *state;
	struct as_reading rd;
	as_read(&fx->arena, script, strlen(script), &rd);
	return rd;
}

static void test_no_restart_command_is_never(void **state)
{
	struct as_reading rd = read_script(state, "waithidden cmd /c cluster node {computer name} /pause\n");
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
	assert_int_equal(rd.line, 0);
	assert_null(rd.doubt);
	assert_int_equal(rd.params.len, 0);
}

static void test_requires_restart_is_may(void **state)
{
	struct as_reading rd = read_script(state, "wait patch.exe\naction requires restart \"patch\"\n");
	assert_int_equal(rd.restart, AS_RESTART_MAY);
	assert_int_equal(rd.line, 2);
	assert_string_equal(rd.because, "action requires restart");
}

static void test_may_require_restart_is_may(void **state)
{
	struct as_reading rd = read_script(state, "wait patch.exe\r\naction may require restart");
	assert_int_equal(rd.restart, AS_RESTART_MAY);
	assert_string_equal(rd.because, "action may require restart");
}

static void test_restart_after_the_request_clears(void **state)
{
	struct as_reading rd = read_script(state, "wait patch.exe\naction requires restart\nrestart 60\n");
	assert_int_equal(rd.restart, AS_RESTART_CLEARS);
	assert_int_equal(rd.line, 3);
	assert_null(rd.doubt);
}

static void test_restart_alone_clears(void **state)
{
	assert_int_equal(read_script(state, "restart").restart, AS_RESTART_CLEARS);
}

/* A restart that comes before the last request for one does not clear it. */
static void test_request_after_restart_is_may(void **state)
{
	struct as_reading rd = read_script(state, "restart 60\nwait other.exe\naction may require restart\n");
	assert_int_equal(rd.restart, AS_RESTART_MAY);
	assert_int_equal(rd.line, 3);
}

static void test_case_and_blanks_do_not_matter(void **state)
{
	assert_int_equal(read_script(state, "  \tAction   Requires\tRESTART\n").restart, AS_RESTART_MAY);
	assert_int_equal(read_script(state, "\tRestart 30").restart, AS_RESTART_CLEARS);
}

static void test_comments_do_not_count(void **state)
{
	assert_int_equal(read_script(state, "// action requires restart\n  //restart\n").restart,
			 AS_RESTART_NEVER);
	/* a command that only mentions the words is not one */
	assert_int_equal(read_script(state, "run \"restart.exe\"\nwait cmd /c echo action requires restart\n")
				 .restart,
			 AS_RESTART_NEVER);
	assert_int_equal(read_script(state, "restarted\nactions requires restart\n").restart, AS_RESTART_NEVER);
}

static void test_restart_in_a_branch_is_doubtful(void **state)
{
	struct as_reading rd = read_script(state, "if {exists file \"x\"}\nrestart 60\nendif\n");
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
	assert_non_null(rd.doubt);
	assert_non_null(strstr(rd.doubt, "line 2"));
	/* no blank before the brace */
	rd = read_script(state, "if{exists file \"x\"}\nrestart 60\nendif\naction requires restart\n");
	assert_int_equal(rd.restart, AS_RESTART_MAY);
	assert_non_null(rd.doubt);
	/* the else branch of `if {pending restart}` runs when none is pending: not a restart that clears */
	rd = read_script(state, "if {pending restart}\nwait a.exe\nelse\nrestart 60\nendif\n");
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
	assert_non_null(rd.doubt);
	/* nested inside another branch, it is still conditional */
	rd = read_script(state, "if {x}\nif {pending restart}\nrestart 60\nendif\nendif\n");
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
	assert_non_null(rd.doubt);
	/* after endif, a restart runs whatever the branch did */
	rd = read_script(state, "if {x}\nwait a.exe\nelse\nwait b.exe\nendif\naction requires restart\nrestart\n");
	assert_int_equal(rd.restart, AS_RESTART_CLEARS);
	assert_null(rd.doubt);
}

/* A restart run when, and only when, one is pending clears Pending Restart: the restart Fixlets' way. */
static void test_restart_when_pending_clears(void **state)
{
	struct as_reading rd = read_script(state, "if {pending restart}\nrestart 60\nendif\n");
	assert_int_equal(rd.restart, AS_RESTART_CLEARS);
	assert_int_equal(rd.line, 2);
	assert_string_equal(rd.because, "restart, when a restart is pending");
	assert_null(rd.doubt);
	/* spaced, bracketed and cased as authors write it, with no blank before the brace */
	rd = read_script(state, "wait patch.exe\naction may require restart\nIF{ ( Pending Restart ) }\n  restart\nEndIf\n");
	assert_int_equal(rd.restart, AS_RESTART_CLEARS);
	assert_null(rd.doubt);
	/* a named pending restart is another condition */
	rd = read_script(state, "if {pending restart \"patch\"}\nrestart 60\nendif\n");
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
	assert_non_null(rd.doubt);
}

static void test_shutdown_is_doubtful(void **state)
{
	struct as_reading rd = read_script(state, "shutdown 60\n");
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
	assert_non_null(rd.doubt);
	assert_non_null(strstr(rd.doubt, "shuts the computer down"));
}

static void test_parameter_queries(void **state)
{
	struct as_reading rd = read_script(state,
		"action parameter query \"Node\" with description \"The node to move to\" and with default value \"EX2\"\n"
		"ACTION PARAMETER QUERY \"Plain\"\n"
		"run cmd /c {parameter \"Node\"}\n");
	assert_int_equal(rd.params.len, 2);
	const struct as_param *a = rd.params.items[0], *b = rd.params.items[1];
	assert_string_equal(a->name, "Node");
	assert_string_equal(a->description, "The node to move to");
	assert_string_equal(a->default_value, "EX2");
	assert_int_equal(a->line, 1);
	assert_string_equal(b->name, "Plain");
	assert_null(b->description);
	assert_null(b->default_value);
	assert_int_equal(rd.restart, AS_RESTART_NEVER);
}

/* `{parameter "NAME"}` substitutions: what a secret would leak through. */
static void test_parameter_uses(void **state)
{
	struct as_reading rd = read_script(state,
		"action parameter query \"Key\"\n"
		"// waithidden tool.exe {parameter \"Commented\"}\n"
		"waithidden tool.exe /key:{parameter \"Key\"} /node:{ ( PARAMETER  \"Node\" of action ) }\n"
		"appendfile {parameter \"Key\" of action}\n"
		"waithidden tool.exe {parameters}\n");
	assert_int_equal(rd.uses.len, 3);
	const struct as_use *a = rd.uses.items[0], *b = rd.uses.items[1], *c = rd.uses.items[2];
	assert_string_equal(a->name, "Key");
	assert_string_equal(a->command, "waithidden");
	assert_int_equal(a->line, 3);
	assert_string_equal(b->name, "Node");
	assert_int_equal(b->line, 3);
	assert_string_equal(c->name, "Key");
	assert_string_equal(c->command, "appendfile");
	assert_int_equal(c->line, 4);
}

static void test_names_that_say_secret(void **state)
{
	(void)state;
	static const char *const secret[] = {"AdminPassword", "the account's PASSWD", "pwd", "Client secret",
					     "Credential", "API Key", "apikey", "bearer token", "Passphrase"};
	static const char *const plain[] = {"TargetNode", "Reason", "description of the node", "Mode", ""};
	for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
		assert_true(as_names_secret(secret[i]));
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_false(as_names_secret(plain[i]));
	assert_false(as_names_secret(NULL));
}

/* ---- plan-language strings ------------------------------------------------------------------ */

/* Writes `s` as a string, scans it back, and compares. */
static void round_trip_string(void **state, const char *s, size_t len)
{
	struct fixture *fx = *state;
	struct textbuf b;
	textbuf_init(&b, &fx->arena);
	textbuf_puts(&b, "os w ");
	import_put_string(&b, s, len);
	textbuf_putc(&b, '\n');
	uint32_t file = src_add(&fx->sm, "t.plan", b.data, b.len);
	struct ast_file *ast = frontend_parse(&fx->arena, &fx->sm, &fx->sink, file);
	if (fx->sink.errors)
		fail_with_diagnostics(fx, b.data);
	assert_int_equal(ast->decls.len, 1);
	const struct ast_decl *decl = ast->decls.items[0];
	assert_int_equal(decl->args.len, 1);
	const struct ast_value *v = decl->args.items[0];
	assert_int_equal(v->kind, VAL_STRING);
	assert_int_equal(strlen(v->text), len);
	assert_memory_equal(v->text, s, len);
	/* nothing that changes how a line reads reaches the file raw */
	for (size_t i = 0; i < b.len - 1; i++) {
		unsigned char c = (unsigned char)b.data[i];
		assert_true(c >= 0x20 || c == '\t');
		assert_true(c != 0x7F);
	}
	assert_null(strstr(b.data, "\xE2\x80\xAE")); /* U+202E, right-to-left override */
	/* and nothing the lexer calls hidden: it is escaped by the lexer's own table */
	for (size_t i = 0; i < b.len;) {
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)b.data + i, b.len - i, &cp);
		assert_true(n > 0);
		assert_null(utf8_hidden_kind(cp));
		i += n;
	}
}

static void test_strings_read_back_exactly(void **state)
{
	static const char *const texts[] = {
		"",
		"plain",
		"say \"hi\" to \\\\server\\share",
		"exists key \"HKLM\\SOFTWARE\" of native registry",
		"two\nlines\tand a tab",
		"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",
		"bidi \xE2\x80\xAE reversed \xE2\x81\xA6 isolate \xE2\x80\x8B zero width \xEF\xBB\xBF bom",
		"a tag \xF3\xA0\x81\x81 character, a Hangul filler \xE3\x85\xA4 and an invisible times \xE2\x81\xA2",
		"a carriage return\r in the middle",
		"# not a comment { not a block } , not a list",
		"ends with a backslash \\",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		round_trip_string(state, texts[i], strlen(texts[i]));
	/* every character plan text may hold below U+0080: tab, LF, CR and the printable ones */
	char all[98];
	size_t n = 0;
	all[n++] = '\t';
	all[n++] = '\n';
	all[n++] = '\r';
	for (int c = 0x20; c < 0x7F; c++)
		all[n++] = (char)c;
	round_trip_string(state, all, n);
}

/* ---- from a .bes file to the catalog ------------------------------------------------------------ */

static const char *write_temp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/bfplan-test-import.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

/* The catalog entry named `name` after resolving `text`, which must be free of errors. */
static const struct fixlet_ent *resolve_and_find(void **state, const char *text, const char *name)
{
	struct fixture *fx = *state;
	uint32_t file = src_add(&fx->sm, "roundtrip.plan", text, strlen(text));
	struct ast_file *ast = frontend_parse(&fx->arena, &fx->sm, &fx->sink, file);
	struct program program = {.root = file};
	ptrvec_push(&fx->arena, &program.files, ast);
	struct world world;
	resolve_program(&fx->arena, &fx->sm, &fx->sink, &program, &world);
	if (fx->sink.errors || fx->sink.warnings)
		fail_with_diagnostics(fx, text);
	for (size_t i = 0; i < world.fixlets.len; i++) {
		const struct fixlet_ent *fxe = world.fixlets.items[i];
		if (strcmp(fxe->lw.name, name) == 0)
			return fxe->merged_into ? fxe->merged_into : fxe;
	}
	fail_msg("no fixlet '%s'", name);
	return NULL;
}

static const char bes_fixlet[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
	"<BES xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"BES.xsd\">\r\n"
	"\t<Task>\r\n"
	"\t\t<Title>Move \"groups\" &amp; more \xE2\x80\x94 caf\xC3\xA9</Title>\r\n"
	"\t\t<Description><![CDATA[<b>bold</b>]]></Description>\r\n"
	"\t\t<Relevance><![CDATA[exists key \"HKLM\\SOFTWARE\\X\" whose (value \"a\" of it < 2) of native registry]]></Relevance>\r\n"
	"\t\t<Relevance>name of operating system as lowercase starts with &quot;win&quot;</Relevance>\r\n"
	"\t\t<Domain>BESC</Domain>\r\n"
	"\t\t<DefaultAction ID=\"Action1\">\r\n"
	"\t\t\t<ActionScript MIMEType=\"application/x-Fixlet-Windows-Shell\">// step one\r\n"
	"\r\n"
	"  waithidden cmd /c \"echo {name of operating system}\" &gt; \"C:\\Temp\\out.txt\"\r\n"
	"\tregset \"[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\" \"v\"=\"a\\b\"\r\n"
	"action may require restart\r\n"
	"</ActionScript>\r\n"
	"\t\t</DefaultAction>\r\n"
	"\t</Task>\r\n"
	"</BES>\r\n";

/* bes_fixlet, imported as ID 4711 of site `tools`, after `world`: the text to resolve. */
static const char *imported_after(void **state, const char *world)
{
	struct fixture *fx = *state;
	const char *path = write_temp(bes_fixlet);
	struct textbuf out;
	textbuf_init(&out, &fx->arena);
	const uint32_t ids[] = {4711};
	struct import_options opts = {.site = "tools", .ids = ids, .id_count = 1};
	const char *paths[] = {path};
	assert_int_equal(import_files(&fx->arena, &fx->sm, &fx->sink, &opts, paths, 1, &out), IMPORT_OK);
	unlink(path);
	if (fx->sink.errors || fx->sink.warnings)
		fail_with_diagnostics(fx, "import");
	return arena_printf(&fx->arena, "%s%s", world, out.data);
}

static void test_import_round_trip(void **state)
{
	const char *text = imported_after(state, "os w \"W\"\nsite tools \"Tools\"\n");
	const struct fixlet_ent *t = resolve_and_find(state, text, "tools-4711");
	assert_true(t->lw.is_task);
	assert_true(t->imported);
	assert_int_equal(t->lw.id, 4711);
	assert_string_equal(t->lw.title.text, "Move \"groups\" & more \xE2\x80\x94 caf\xC3\xA9");
	assert_string_equal(t->lw.relevance.text,
			    "(exists key \"HKLM\\SOFTWARE\\X\" whose (value \"a\" of it < 2) of native registry) and "
			    "(name of operating system as lowercase starts with \"win\")");
	assert_string_equal(t->lw.action, "Action1");
	/* XML reads CR LF as LF; the final line end is not a line of its own */
	assert_string_equal(t->lw.actionscript.text,
			    "// step one\n"
			    "\n"
			    "  waithidden cmd /c \"echo {name of operating system}\" > \"C:\\Temp\\out.txt\"\n"
			    "\tregset \"[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\" \"v\"=\"a\\b\"\n"
			    "action may require restart");
	assert_int_equal(t->lw.restart, LW_RESTART_MAY);
	assert_null(t->lw.actionscript_type);
	assert_int_equal(t->lw.marks.len, 0);
}

/* An import fills the declared entry of the same site and ID, and lifts the marks on what it supplies. */
static void test_import_fills_the_catalog(void **state)
{
	const char *world =
		"os w \"W\"\n"
		"site tools \"Tools\"\n"
		"task move-it \"Move groups\" {\n"
		"    unconfirmed title \"read from a screenshot\"\n"
		"    id 4711\n"
		"    site tools\n"
		"    os w\n"
		"    unconfirmed os \"only tried on w\"\n"
		"    action Action1\n"
		"    unconfirmed action \"not published\"\n"
		"}\n";
	const char *text = imported_after(state, world);
	const struct fixlet_ent *t = resolve_and_find(state, text, "move-it");
	assert_non_null(t->lw.imported_from.text);
	assert_non_null(strstr(t->lw.title.text, "groups\" & more"));
	assert_non_null(t->lw.actionscript.text);
	assert_int_equal(t->lw.restart, LW_RESTART_MAY);
	assert_int_equal(t->oses.len, 1);
	/* the import supplies title and action: only the mark on os stays */
	assert_int_equal(t->lw.marks.len, 1);
	const struct lw_mark *m = t->lw.marks.items[0];
	assert_string_equal(m->field, "os");
	assert_string_equal(m->owner, "Task 4711 'move-it'");
	/* the imported name means the catalog entry */
	const struct fixlet_ent *alias = resolve_and_find(state, text, "tools-4711");
	assert_string_equal(alias->lw.name, "move-it");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_restart_command_is_never, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requires_restart_is_may, setup, teardown),
		cmocka_unit_test_setup_teardown(test_may_require_restart_is_may, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_after_the_request_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_alone_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_after_restart_is_may, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_and_blanks_do_not_matter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments_do_not_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_in_a_branch_is_doubtful, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_when_pending_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_is_doubtful, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parameter_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parameter_uses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_that_say_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strings_read_back_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_fills_the_catalog, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
