/*
 * test_emit.c - `bfplan build` from the fixture's lowered plan: the .bes
 * against BES.xsd, determinism, line ends, the patch Baseline, hostile
 * text, the SOURCE_DATE_EPOCH field, plan.json, the checklists and the
 * depfile.
 *
 * The schema comes from BFPLAN_BES_XSD.  Without it the validation test
 * says plainly that it was skipped; it never passes silently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/textbuf.h"
#include "emit/bes.h"
#include "emit/checklist.h"
#include "fixture_plan.h"
#include "lower/render.h"
#include "out/build.h"
#include "out/validate.h"

#define EPOCH_2017 INT64_C(1505420916) /* Thu, 14 Sep 2017 20:28:36 +0000 */

struct env {
	struct fixture_plan fx;
	struct emit_options opts;
	char dir[64];
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	fixture_plan_init(&e->fx);
	emit_options_init(&e->opts);
	snprintf(e->dir, sizeof e->dir, "/tmp/test_emit.XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	*state = e;
	return 0;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *ent;
	while ((ent = readdir(d))) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct env *e = *state;
	remove_tree(e->dir);
	fixture_plan_free(&e->fx);
	free(e);
	return 0;
}

static const char *out_path(struct env *e, const char *name)
{
	return arena_printf(&e->fx.arena, "%s/out/%s", e->dir, name);
}

/* The whole file, NUL-terminated, or NULL if it does not exist. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = arena_alloc(a, (size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

static enum emit_status build(struct env *e)
{
	return emit_build(&e->fx.arena, lower_replay(&e->fx.arena, &e->fx.program), &e->opts, &e->fx.diags,
			  arena_printf(&e->fx.arena, "%s/out", e->dir));
}

/* The first reported diagnostic with this code, or NULL. */
static const struct diag *find_diag(const struct diag_sink *sink, enum diag_code code)
{
	for (size_t i = 0; i < sink->diags.len; i++) {
		const struct diag *d = sink->diags.items[i];
		if (d->code == code)
			return d;
	}
	return NULL;
}

static bool out_dir_empty(struct env *e)
{
	DIR *d = opendir(arena_printf(&e->fx.arena, "%s/out", e->dir));
	if (!d)
		return true;
	struct dirent *ent;
	bool empty = true;
	while ((ent = readdir(d)))
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---- the build ------------------------------------------------------------- */

static void test_build_writes_everything(void **state)
{
	struct env *e = *state;
	assert_int_equal(build(e), EMIT_OK);
	assert_int_equal(e->fx.diags.errors, 0);
	static const char *const names[] = {"patch-exch01.bes", "patch-exch01.checklist.md",
					    "patch-exch01.checklist.html", "patch-exch01.review.md",
					    "patch-exch01.review.html", "checklist.md", "checklist.html",
					    "plan.json", "bfplan.manifest"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_non_null(slurp(&e->fx.arena, out_path(e, names[i]), NULL));
}

/* --emit writes what it names, and the manifest then removes what an earlier build wrote and this one did not. */
static void test_emit_chooses_outputs(void **state)
{
	struct env *e = *state;
	assert_int_equal(build(e), EMIT_OK);
	e->opts.outputs = EMIT_BES;
	assert_int_equal(build(e), EMIT_OK);
	assert_non_null(slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL));
	assert_null(slurp(&e->fx.arena, out_path(e, "plan.json"), NULL));
	assert_null(slurp(&e->fx.arena, out_path(e, "checklist.md"), NULL));
	assert_null(slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.html"), NULL));
	assert_string_equal(slurp(&e->fx.arena, out_path(e, "bfplan.manifest"), NULL),
			    "# bfplan: the files the last build wrote here; the next build removes those it does not "
			    "write\npatch-exch01.bes\nbfplan.manifest\n");

	e->opts.outputs = EMIT_CHECKLIST | EMIT_JSON;
	assert_int_equal(build(e), EMIT_OK);
	assert_null(slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL));
	assert_non_null(slurp(&e->fx.arena, out_path(e, "plan.json"), NULL));
	assert_non_null(slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.md"), NULL));

	unsigned outputs = 0;
	assert_true(emit_parse_outputs("bes", &outputs));
	assert_int_equal(outputs, EMIT_BES);
	assert_true(emit_parse_outputs("json,bes,json", &outputs));
	assert_int_equal(outputs, EMIT_BES | EMIT_JSON);
	assert_true(emit_parse_outputs("checklist,bes,json", &outputs));
	assert_int_equal(outputs, EMIT_ALL);
	assert_false(emit_parse_outputs("", &outputs));
	assert_false(emit_parse_outputs("bes,", &outputs));
	assert_false(emit_parse_outputs("bes,xml", &outputs));
	assert_false(emit_parse_outputs("BES", &outputs));
	assert_false(emit_parse_outputs(",json", &outputs));
}

static void test_validates_against_schema(void **state)
{
	struct env *e = *state;
	const char *xsd = getenv("BFPLAN_BES_XSD");
	if (!xsd || access(xsd, R_OK) != 0) {
		print_message("SKIPPED: validation against BES.xsd, because BES.xsd is absent (BFPLAN_BES_XSD=%s)\n",
			      xsd ? xsd : "(not set)");
		skip();
	}
	/* the default form, then the full form with every optional element present */
	e->opts.schema_path = xsd;
	assert_int_equal(build(e), EMIT_OK);
	e->opts.bes.components = BES_COMPONENTS_FULL;
	e->opts.bes.has_epoch = true;
	e->opts.bes.epoch = EPOCH_2017;
	assert_int_equal(build(e), EMIT_OK);
	assert_int_equal(e->fx.diags.errors, 0);
	print_message("validated %s against %s: both component forms valid\n",
		      out_path(e, "patch-exch01.bes"), xsd);
}

static void test_schema_errors(void **state)
{
	struct env *e = *state;
	struct arena *a = &e->fx.arena;
	assert_null(validator_open(a, "/nonexistent/BES.xsd", &e->fx.diags));
	assert_non_null(find_diag(&e->fx.diags, BFP405));

	/* a schema of our own, so this runs even without BES.xsd */
	const char *xsd_path = arena_printf(a, "%s/tiny.xsd", e->dir);
	FILE *f = fopen(xsd_path, "w");
	assert_non_null(f);
	fputs("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
	      "<xs:element name=\"BES\"><xs:complexType><xs:sequence>"
	      "<xs:element name=\"Domain\"><xs:simpleType><xs:restriction base=\"xs:string\">"
	      "<xs:pattern value=\"\\p{IsBasicLatin}{4}\"/></xs:restriction></xs:simpleType></xs:element>"
	      "</xs:sequence></xs:complexType></xs:element></xs:schema>\n", f);
	fclose(f);
	struct validator *v = validator_open(a, xsd_path, &e->fx.diags);
	assert_non_null(v);
	const char good[] = "<BES>\n<Domain>BESC</Domain>\n</BES>\n";
	const char bad[] = "<BES>\n\n<Domain>TOOLONG</Domain>\n</BES>\n";
	assert_true(validator_check(v, "good.bes", good, sizeof good - 1, e->fx.plan->decl, &e->fx.diags));
	assert_false(validator_check(v, "bad.bes", bad, sizeof bad - 1, e->fx.plan->decl, &e->fx.diags));
	const struct diag *d = find_diag(&e->fx.diags, BFP404);
	assert_non_null(d);
	assert_non_null(strstr(d->message, "bad.bes"));
	assert_non_null(strstr(d->message, "line 3"));
	const char broken[] = "<BES><Domain>BESC</BES>";
	assert_false(validator_check(v, "broken.bes", broken, sizeof broken - 1, e->fx.plan->decl, &e->fx.diags));
	validator_close(v);

	/* a build whose .bes fails validation writes nothing, though it had started writing */
	const char *old_json = arena_printf(a, "%s/out/plan.json", e->dir);
	assert_int_equal(mkdir(arena_printf(a, "%s/out", e->dir), 0777), 0);
	FILE *keep = fopen(old_json, "w");
	assert_non_null(keep);
	fputs("{\"previous\": true}\n", keep);
	fclose(keep);
	e->opts.schema_path = xsd_path;
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	assert_string_equal(slurp(a, old_json, NULL), "{\"previous\": true}\n");
	DIR *dir = opendir(arena_printf(a, "%s/out", e->dir));
	assert_non_null(dir);
	struct dirent *ent;
	int entries = 0;
	while ((ent = readdir(dir)))
		entries += ent->d_name[0] != '.'; /* temporaries are hidden: there must be none either */
	rewinddir(dir);
	while ((ent = readdir(dir)))
		assert_true(strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0 || ent->d_name[0] != '.');
	closedir(dir);
	assert_int_equal(entries, 1);
	e->opts.schema_path = NULL;

	/* a file that is not a schema */
	assert_null(validator_open(a, arena_printf(a, "%s/tiny.xsd/x", e->dir), &e->fx.diags));
	f = fopen(xsd_path, "w");
	fputs("<not-a-schema/>", f);
	fclose(f);
	assert_null(validator_open(a, xsd_path, &e->fx.diags));
}

static void test_deterministic(void **state)
{
	struct env *e = *state;
	e->opts.bes.has_epoch = true;
	e->opts.bes.epoch = EPOCH_2017;
	assert_int_equal(build(e), EMIT_OK);
	static const char *const names[] = {"patch-exch01.bes", "patch-exch01.checklist.md",
					    "patch-exch01.checklist.html", "plan.json"};
	size_t len1[4];
	char *first[4];
	for (size_t i = 0; i < 4; i++)
		first[i] = slurp(&e->fx.arena, out_path(e, names[i]), &len1[i]);

	/* a second compilation from scratch: another arena, other addresses */
	struct fixture_plan other;
	fixture_plan_init(&other);
	assert_int_equal(emit_build(&other.arena, lower_replay(&other.arena, &other.program), &e->opts, &other.diags,
				    arena_printf(&other.arena, "%s/out", e->dir)),
			 EMIT_OK);
	for (size_t i = 0; i < 4; i++) {
		size_t len2;
		char *second = slurp(&e->fx.arena, out_path(e, names[i]), &len2);
		assert_int_equal(len1[i], len2);
		assert_memory_equal(first[i], second, len2);
	}
	fixture_plan_free(&other);
}

static void test_line_ends(void **state)
{
	struct env *e = *state;
	assert_int_equal(build(e), EMIT_OK);
	size_t len;
	char *crlf = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), &len);
	size_t lf = 0;
	for (size_t i = 0; i < len; i++) {
		if (crlf[i] == '\n') {
			assert_true(i > 0 && crlf[i - 1] == '\r');
			lf++;
		}
	}
	assert_true(lf > 10);
	assert_memory_equal(crlf + len - 2, "\r\n", 2);

	e->opts.bes.newline = BES_NEWLINE_LF;
	assert_int_equal(build(e), EMIT_OK);
	size_t len2;
	char *unix_text = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), &len2);
	assert_null(memchr(unix_text, '\r', len2));
	assert_int_equal(len2 + lf, len); /* the same lines, one byte shorter each */
}

static const char *title_of(xmlNodePtr obj)
{
	for (xmlNodePtr c = obj->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "Title") == 0)
			return (const char *)c->children->content;
	return "";
}

/* The pre-flight Fixlets, then one Baseline: the patch content and the restart, nothing that pauses a node. */
static void test_patch_baseline(void **state)
{
	struct env *e = *state;
	e->opts.bes.newline = BES_NEWLINE_LF;
	assert_int_equal(build(e), EMIT_OK);
	size_t len;
	char *text = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), &len);
	xmlDocPtr doc = xmlReadMemory(text, (int)len, "patch-exch01.bes", NULL, XML_PARSE_NONET);
	assert_non_null(doc);

	int nbase = 0, nfix = 0;
	char ids[64] = "";
	for (xmlNodePtr obj = xmlDocGetRootElement(doc)->children; obj; obj = obj->next) {
		if (obj->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)obj->name, "Fixlet") == 0) {
			assert_int_equal(nbase, 0); /* pre-flight Fixlets come first */
			nfix++;
			continue;
		}
		assert_string_equal((const char *)obj->name, "Baseline");
		assert_string_equal(title_of(obj), "patch-exch01: 2026-11 Windows cumulative updates");
		xmlNodePtr coll = obj->last;
		while (coll && coll->type != XML_ELEMENT_NODE)
			coll = coll->prev;
		assert_string_equal((const char *)coll->name, "BaselineComponentCollection");
		for (xmlNodePtr g = coll->children; g; g = g->next) {
			for (xmlNodePtr c = g->children; c; c = c->next) {
				if (c->type != XML_ELEMENT_NODE)
					continue;
				xmlChar *id = xmlGetProp(c, (const xmlChar *)"SourceID");
				snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s ", (const char *)id);
				xmlFree(id);
			}
		}
		nbase++;
	}
	xmlFreeDoc(doc);
	assert_int_equal(nfix, 4); /* 3 prerequisites and the witness */
	assert_int_equal(nbase, 1);
	/* the patch Fixlets in order, then the restart; no pause (116), move (114, 121) or resume (115) */
	assert_string_equal(ids, "501 502 160 ");
}

static void test_reference_and_full_forms(void **state)
{
	struct env *e = *state;
	e->opts.bes.newline = BES_NEWLINE_LF;
	assert_int_equal(build(e), EMIT_OK);
	char *ref = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL);
	/* reference-only: attributes, no Name, no children */
	/* the restart makes no node need the Baseline: it is not part of its applicability */
	assert_non_null(strstr(ref, "<BaselineComponent IncludeInRelevance=\"false\" SourceSiteURL=\"" FIXTURE_SA_URL
				    "\" SourceID=\"160\" ActionName=\"Action1\"/>"));
	assert_non_null(strstr(ref, "SourceSiteURL=\"http://sync.bigfix.com/cgi-bin/bfgather/bessecurity\" "
				    "SourceID=\"501\""));
	assert_null(strstr(ref, "<ActionScript"));
	assert_null(strstr(ref, "Name=\"Restart"));
	/* Descriptions are HTML in CDATA, as console exports have them; nothing else is */
	assert_int_equal(count(ref, "<Description><![CDATA[<p>"), 5);
	assert_int_equal(count(ref, "CDATA"), 5);
	assert_int_equal(count(ref, "<Domain>BESC</Domain>"), 5);
	/* the Baseline's first sentence lists what it rests on that nobody has confirmed, as the checklist numbers it */
	const char *rests = strstr(ref, "with its restart. It rests on ");
	assert_non_null(rests);
	assert_true(rests < strstr(ref, "</p>"  "<p>Steps "));
	assert_non_null(strstr(rests, "step 'patch', baseline: whether the restart inside runs before the step ends"));
	/* the witness's pre-flight Fixlet: relevant where the stdlib's witness-online relevance is false, marked */
	const char *wf = strstr(ref, "<Title>bfplan pre-flight: quorum witness not online on cluster exch01</Title>");
	assert_non_null(wf);
	assert_non_null(strstr(wf, "witness-online: never run on a cluster node"));
	assert_non_null(strstr(wf, "<Relevance>not (exists selects \"State from MSCluster_Resource\" of wmi"));

	e->opts.bes.components = BES_COMPONENTS_FULL;
	assert_int_equal(build(e), EMIT_OK);
	char *full = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL);
	assert_non_null(strstr(full, "<BaselineComponent Name=\"Restart Endpoint on Pending Restart and Wait for "
				     "Restart to Complete\""));
	assert_non_null(strstr(full, "<ActionScript MIMEType=\"application/x-Fixlet-Windows-Shell\">restart 60"
				     "</ActionScript>"));
	assert_non_null(strstr(full, "<SuccessCriteria Option=\"RunToCompletion\"></SuccessCriteria>"));
	assert_non_null(strstr(full, "<SuccessCriteria Option=\"OriginalRelevance\"></SuccessCriteria>"));
	/* an anonymous patch Fixlet is named by kind and ID */
	assert_non_null(strstr(full, "Name=\"Fixlet 501\""));
	/* and the checklist says to import this form through the console */
	char *md = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.md"), NULL);
	assert_non_null(strstr(md, "In the BigFix console, choose File \\> Import, open `patch-exch01.bes`"));
	assert_null(strstr(md, "curl "));
}

static void test_source_date_epoch(void **state)
{
	struct env *e = *state;
	assert_int_equal(build(e), EMIT_OK);
	char *plain = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL);
	assert_null(strstr(plain, "x-fixlet-modification-time"));

	e->opts.bes.has_epoch = true;
	e->opts.bes.epoch = EPOCH_2017;
	assert_int_equal(build(e), EMIT_OK);
	char *dated = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL);
	/* one per object: 4 pre-flight Fixlets (3 prerequisites, the witness) and the Baseline */
	assert_int_equal(count(dated, "<Name>x-fixlet-modification-time</Name>"), 5);
	assert_int_equal(count(dated, "<Value>Thu, 14 Sep 2017 20:28:36 +0000</Value>"), 5);
	/* MIMEField sits between Source and Domain, as BES.xsd orders them */
	assert_non_null(strstr(dated, "<Source>bfplan</Source>\r\n\t\t<MIMEField>"));
	assert_non_null(strstr(dated, "</MIMEField>\r\n\t\t<Domain>BESC</Domain>"));
}

static void test_dates_and_epoch_parsing(void **state)
{
	struct env *e = *state;
	struct arena *a = &e->fx.arena;
	assert_string_equal(render_rfc2822_date(a, 0), "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_string_equal(render_rfc2822_date(a, EPOCH_2017), "Thu, 14 Sep 2017 20:28:36 +0000");
	assert_string_equal(render_rfc2822_date(a, 951782400), "Tue, 29 Feb 2000 00:00:00 +0000");
	assert_string_equal(render_rfc2822_date(a, 4102444799), "Thu, 31 Dec 2099 23:59:59 +0000");
	/* 2100 is not a leap year */
	assert_string_equal(render_rfc2822_date(a, 4107542400), "Mon, 01 Mar 2100 00:00:00 +0000");
	assert_string_equal(render_rfc2822_date(a, INT64_C(253402300799)), "Fri, 31 Dec 9999 23:59:59 +0000");

	int64_t v;
	assert_true(emit_parse_source_date_epoch("1505420916", &v));
	assert_int_equal(v, EPOCH_2017);
	assert_true(emit_parse_source_date_epoch("0", &v));
	assert_int_equal(v, 0);
	assert_true(emit_parse_source_date_epoch("253402300799", &v));
	assert_false(emit_parse_source_date_epoch("253402300800", &v));
	assert_false(emit_parse_source_date_epoch("", &v));
	assert_false(emit_parse_source_date_epoch("-1", &v));
	assert_false(emit_parse_source_date_epoch("12 ", &v));
	assert_false(emit_parse_source_date_epoch("1e9", &v));
	assert_false(emit_parse_source_date_epoch("99999999999999999999999", &v));

	assert_string_equal(render_duration(a, 600), "10 min");
	assert_string_equal(render_duration(a, 7200), "2 h");
	assert_string_equal(render_duration(a, 3725), "1 h 2 min 5 s");
	assert_string_equal(render_duration(a, 0), "0 s");
}

/* ---- hostile and missing input ---------------------------------------------- */

static void test_xml_forbidden_text(void **state)
{
	struct env *e = *state;
	e->fx.dotnet->title.text = "Microsoft .NET\x01 Framework 4.0";
	struct lw_item *resume = e->fx.resume;
	resume->verify.text = "the node is Up \xEF\xBF\xBE";
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	assert_true(out_dir_empty(e));

	const struct diag *d = find_diag(&e->fx.diags, BFP401);
	assert_non_null(d);
	assert_int_equal(d->span.begin, e->fx.dotnet->title.span.begin);
	assert_non_null(strstr(d->message, "U+0001"));
	size_t n401 = 0;
	bool saw_verify = false;
	for (size_t i = 0; i < e->fx.diags.diags.len; i++) {
		const struct diag *x = e->fx.diags.diags.items[i];
		if (x->code != BFP401)
			continue;
		n401++;
		saw_verify |= strstr(x->message, "U+FFFE") != NULL && x->span.begin == resume->verify.span.begin;
	}
	/* each bad text once, though it appears in several places and in every output */
	assert_int_equal(n401, 2);
	assert_true(saw_verify);
}

static void test_invalid_utf8_and_hostile_markup(void **state)
{
	struct env *e = *state;
	/* markup and quotes are escaped, never rejected */
	e->fx.plan->title.text = "<script>alert(\"x\")</script> & ]]> {{ 100%";
	e->fx.dotnet->note.text = "<b>bold</b> & \"quoted\" ]]>";
	assert_int_equal(build(e), EMIT_OK);
	char *html = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.html"), NULL);
	char *md = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.md"), NULL);
	char *bes = slurp(&e->fx.arena, out_path(e, "patch-exch01.bes"), NULL);
	assert_null(strstr(html, "<script>alert"));
	/* in element content only & < > need escaping: quotes stay as written */
	assert_non_null(strstr(html, "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; ]]&gt;"));
	assert_non_null(strstr(md, "\\<script\\>alert"));
	/* in the BES Description the note is HTML-escaped inside CDATA, so "]]>" in plan text cannot end it */
	assert_non_null(strstr(bes, "&lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" ]]&gt;"));
	/* and a reader gets back exactly the HTML that was written */
	xmlDocPtr doc = xmlReadMemory(bes, (int)strlen(bes), "patch-exch01.bes", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	bool found = false;
	for (xmlNodePtr obj = xmlDocGetRootElement(doc)->children; obj; obj = obj->next) {
		for (xmlNodePtr c = obj->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Description") != 0)
				continue;
			xmlChar *text = xmlNodeGetContent(c);
			found |= strstr((const char *)text, "<b>bold</b>") == NULL &&
				 strstr((const char *)text, "<p>Note: &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" ]]&gt;</p>");
			xmlFree(text);
		}
	}
	xmlFreeDoc(doc);
	assert_true(found);

	e->fx.plan->title.text = "bad \xC3\x28 byte";
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	const struct diag *d = find_diag(&e->fx.diags, BFP401);
	assert_non_null(d);
	assert_non_null(strstr(d->message, "not valid UTF-8"));
}

static void test_gather_url_unknown(void **state)
{
	struct env *e = *state;
	e->fx.server_automation->url = NULL;
	e->fx.server_automation->url_from = LW_URL_UNKNOWN;
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	assert_true(out_dir_empty(e));
	const struct diag *d = find_diag(&e->fx.diags, BFP403);
	assert_non_null(d);
	assert_int_equal(d->span.begin, e->fx.server_automation->decl.begin);
	assert_non_null(strstr(d->message, "server-automation"));
	assert_non_null(d->help);
	assert_non_null(strstr(d->help, "--site-url server-automation=URL"));
	size_t n = 0;
	for (size_t i = 0; i < e->fx.diags.diags.len; i++) {
		const struct diag *x = e->fx.diags.diags.items[i];
		n += x->code == BFP403;
	}
	assert_int_equal(n, 1); /* once per site, not once per component */
}

static void test_full_form_needs_content(void **state)
{
	struct env *e = *state;
	e->opts.bes.components = BES_COMPONENTS_FULL;
	e->fx.restart->relevance.text = NULL;
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	bool found = false;
	for (size_t i = 0; i < e->fx.diags.diags.len; i++) {
		const struct diag *x = e->fx.diags.diags.items[i];
		if (strstr(x->message, "Task 160 has no relevance")) {
			found = true;
			assert_int_equal(x->span.begin, e->fx.restart->decl.begin);
		}
	}
	assert_true(found);
	/* the reference-only form does not need it */
	e->opts.bes.components = BES_COMPONENTS_REFERENCE;
	assert_int_equal(build(e), EMIT_OK);
}

static void test_actionscript_line_break(void **state)
{
	struct env *e = *state;
	e->opts.bes.components = BES_COMPONENTS_FULL;
	e->fx.restart->actionscript.text = "// restart\r\nrestart\r60";
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	const struct diag *d = find_diag(&e->fx.diags, BFP402);
	assert_non_null(d);
	assert_int_equal(d->span.begin, e->fx.restart->actionscript.span.begin);
	assert_non_null(strstr(d->message, "line 2"));

	/* a carriage return at the very end is not a line end either */
	e->fx.restart->actionscript.text = "// restart\nrestart 60\r";
	struct fixture_plan *fx0 = &e->fx;
	fx0->diags.diags.len = 0;
	assert_int_equal(build(e), EMIT_PLAN_ERRORS);
	d = find_diag(&e->fx.diags, BFP402);
	assert_non_null(d);
	assert_non_null(strstr(d->message, "line 2"));

	/* CRLF line ends alone are fine: they become the file's own */
	e->fx.restart->actionscript.text = "// restart\r\nrestart 60\r\n";
	e->opts.bes.newline = BES_NEWLINE_LF;
	struct fixture_plan *fx = &e->fx;
	fx->diags.errors = 0;
	assert_int_equal(build(e), EMIT_OK);
	char *bes = slurp(&fx->arena, out_path(e, "patch-exch01.bes"), NULL);
	assert_non_null(strstr(bes, ">// restart\nrestart 60</ActionScript>"));
}

/* The first element called `name` whose text holds `part`, in document order; NULL if none. */
static xmlNode *find_element(xmlNode *n, const char *name, const char *part)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0) {
			xmlChar *text = xmlNodeGetContent(n);
			bool hit = text && strstr((const char *)text, part);
			xmlFree(text);
			if (hit)
				return n;
		}
		xmlNode *inner = find_element(n->children, name, part);
		if (inner)
			return inner;
	}
	return NULL;
}

/*
 * Action scripts and relevance that hold '<', '>' or '&' go into CDATA, as
 * console exports and pre-commit-bigfix's E207 want, and one that holds
 * "]]>" is split across sections; a reader gets back exactly the text.
 */
static void test_code_in_cdata(void **state)
{
	struct env *e = *state;
	e->opts.bes.components = BES_COMPONENTS_FULL;
	e->opts.bes.newline = BES_NEWLINE_LF;
	const char *script = "if {version of client >= \"9\" & x < 2}\nrestart 60 // a]]>b\nendif";
	const char *relevance = "exists file \"a&b\" whose (size of it > 0)";
	e->fx.restart->actionscript.text = script;
	e->fx.restart->relevance.text = relevance;
	assert_int_equal(build(e), EMIT_OK);
	const char *path = out_path(e, "patch-exch01.bes");
	char *bes = slurp(&e->fx.arena, path, NULL);
	assert_non_null(strstr(bes, "<ActionScript MIMEType=\"application/x-Fixlet-Windows-Shell\"><![CDATA[if {"));
	assert_non_null(strstr(bes, "a]]]]><![CDATA[>b"));
	assert_non_null(strstr(bes, "<Relevance><![CDATA[exists file \"a&b\""));
	assert_null(strstr(bes, "&lt;"));
	assert_null(strstr(bes, "&amp;"));
	/* read back, the texts are the plan's */
	xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNode *as = find_element(xmlDocGetRootElement(doc), "ActionScript", "restart 60");
	xmlNode *rel = find_element(xmlDocGetRootElement(doc), "Relevance", "a&b");
	assert_non_null(as);
	assert_non_null(rel);
	xmlChar *got = xmlNodeGetContent(as);
	assert_string_equal((const char *)got, script);
	xmlFree(got);
	got = xmlNodeGetContent(rel);
	assert_string_equal((const char *)got, relevance);
	xmlFree(got);
	xmlFreeDoc(doc);
}

static void test_output_failure(void **state)
{
	struct env *e = *state;
	/* a file where the output directory should be */
	const char *blocker = arena_printf(&e->fx.arena, "%s/out", e->dir);
	FILE *f = fopen(blocker, "w");
	assert_non_null(f);
	fputs("not a directory", f);
	fclose(f);
	assert_int_equal(build(e), EMIT_IO_ERROR);
	const struct diag *d = find_diag(&e->fx.diags, BFP406);
	assert_non_null(d);
	assert_string_equal(slurp(&e->fx.arena, blocker, NULL), "not a directory");
}

/* ---- plan.json, the checklists and the depfile ---------------------------------- */

/* A member of a JSON object that refers to a table of the document: the table's entry. */
static json_t *ref(json_t *root, const char *table, json_t *obj, const char *key)
{
	json_t *at = json_object_get(obj, key);
	assert_true(json_is_integer(at));
	json_t *entry = json_array_get(json_object_get(root, table), (size_t)json_integer_value(at));
	assert_non_null(entry);
	return entry;
}

static void test_plan_json(void **state)
{
	struct env *e = *state;
	assert_int_equal(build(e), EMIT_OK);
	json_error_t err;
	json_t *root = json_load_file(out_path(e, "plan.json"), 0, &err);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(root, "format_version")), 4);
	/* the first key is the format version, so a reader can check it before anything else */
	assert_string_equal(json_object_iter_key(json_object_iter(root)), "format_version");
	json_t *plan = json_array_get(json_object_get(root, "plans"), 0);
	assert_string_equal(json_string_value(json_object_get(plan, "name")), "patch-exch01");
	assert_string_equal(json_string_value(json_object_get(plan, "order")), "passive-first");
	json_t *nodes = json_object_get(plan, "nodes");
	assert_int_equal(json_array_size(nodes), 2);
	json_t *n2 = json_array_get(nodes, 1);
	assert_true(json_is_true(json_object_get(n2, "role_holder")));
	assert_int_equal(json_integer_value(json_object_get(n2, "phase")), 2);

	/* sites and Fixlets are written once, in the tables, and referred to by index */
	json_t *sites = json_object_get(plan, "sites");
	json_t *sa = json_array_get(json_object_get(root, "sites"), (size_t)json_integer_value(json_array_get(sites, 0)));
	assert_string_equal(json_string_value(json_object_get(sa, "name")), "server-automation");
	assert_string_equal(json_string_value(json_object_get(sa, "gather_url")), FIXTURE_SA_URL);
	assert_string_equal(json_string_value(json_object_get(sa, "gather_url_from")), "command-line");
	json_t *fixlets = json_object_get(root, "fixlets");
	for (size_t i = 0; i < json_array_size(fixlets); i++)
		for (size_t k = i + 1; k < json_array_size(fixlets); k++) {
			json_t *a = json_array_get(fixlets, i), *b = json_array_get(fixlets, k);
			assert_false(json_equal(json_object_get(a, "id"), json_object_get(b, "id")) &&
				     json_equal(json_object_get(a, "site"), json_object_get(b, "site")));
		}

	/* the recipe: every step numbered, with the steps it waits for, and the worst case its critical path */
	json_t *ap = json_object_get(plan, "automation_plan");
	json_t *steps = json_object_get(ap, "steps");
	assert_int_equal(json_array_size(steps), 9);
	assert_string_equal(json_string_value(json_object_get(ap, "pending_restart")),
			    "pause-until-restart-completes");
	/* the settings the plan editor does not make by itself, and each step's enforced timeout */
	assert_string_equal(json_string_value(json_object_get(ap, "failure_step_targets")), "all-step-targets");
	assert_string_equal(json_string_value(json_object_get(ap, "non_reporting")), "keep-non-reporting");
	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i);
		assert_int_equal(json_integer_value(json_object_get(s, "fail_unreported_after_seconds")),
				 json_integer_value(json_object_get(s, "timeout_seconds")));
	}
	json_t *mm = json_array_get(steps, 4);
	assert_string_equal(json_string_value(json_object_get(mm, "name")), "move-mailbox");
	assert_string_equal(json_string_value(json_object_get(mm, "checklist")), "2.1");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(mm, "after"), 0)), 4);
	assert_true(json_is_null(json_object_get(mm, "failure_step")));
	json_int_t finish = 0;
	for (size_t i = 0; i < json_array_size(steps); i++)
		finish += json_integer_value(json_object_get(json_array_get(steps, i), "timeout_seconds"));
	assert_int_equal(json_integer_value(json_object_get(plan, "worst_case_seconds")), finish);

	/* pause fails: the failure step resumes; patch fails: the node is held for a person */
	json_t *pause = json_array_get(steps, 0);
	assert_string_equal(json_string_value(json_object_get(pause, "failure_behavior")), "stop-plan");
	assert_string_equal(json_string_value(ref(root, "texts", pause, "title")), "Pause the node");
	json_t *fixlet = ref(root, "fixlets", json_object_get(pause, "run"), "fixlet");
	assert_int_equal(json_integer_value(json_object_get(fixlet, "id")), 116);
	json_t *restores = json_object_get(plan, "restores");
	json_t *fs = json_array_get(restores, (size_t)json_integer_value(json_object_get(pause, "failure_step")));
	assert_string_equal(json_string_value(json_object_get(fs, "name")), "resume");
	assert_int_equal(json_integer_value(json_object_get(ref(root, "fixlets", fs, "fixlet"), "id")), 115);
	json_t *patch = json_array_get(steps, 2);
	assert_string_equal(json_string_value(json_object_get(patch, "failure_behavior")), "hold");
	assert_true(json_is_null(json_object_get(patch, "failure_step")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(patch, "run"), "baseline")), 0);
	/* the advice once per step, a text with a stand-in for each target, shared by the steps that run it */
	json_t *advice = json_object_get(patch, "advice");
	assert_string_equal(json_string_value(ref(root, "texts", advice, "on_failure")),
			    "Resume \u2039node\u203A only if the change owner agrees.");
	assert_string_equal(json_string_value(ref(root, "texts", advice, "not_relevant")),
			    "\u2039node\u203A has every patch already.");
	json_t *pause_advice = json_object_get(pause, "advice");
	assert_true(json_is_null(json_object_get(pause_advice, "not_relevant")));
	json_t *later_pause = json_array_get(steps, 5);
	assert_string_equal(json_string_value(json_object_get(later_pause, "name")), "pause");
	assert_true(json_equal(json_object_get(json_object_get(later_pause, "advice"), "verify"),
			       json_object_get(pause_advice, "verify")));

	/* the proof that the role moves once rests on the pre-flight check of where it runs */
	json_t *checks = json_object_get(plan, "checks");
	bool rests = false;
	for (size_t i = 0; i < json_array_size(checks); i++) {
		json_t *c = json_array_get(checks, i);
		if (strcmp(json_string_value(json_object_get(c, "code")), "BFP310") == 0 &&
		    strcmp(json_string_value(json_object_get(c, "when")), "proven") == 0)
			rests = json_array_size(json_object_get(c, "rests_on")) == 1 &&
				json_integer_value(json_array_get(json_object_get(c, "rests_on"), 0)) == 4;
		/*
		 * the quorum proof rests on the cluster whole: every node up and
		 * reporting (P5) and the witness online (P6, its pre-flight Fixlet)
		 */
		if (strcmp(json_string_value(json_object_get(c, "code")), "BFP313") == 0 &&
		    strcmp(json_string_value(json_object_get(c, "when")), "proven") == 0) {
			json_t *on = json_object_get(c, "rests_on");
			assert_int_equal(json_array_size(on), 2);
			assert_int_equal(json_integer_value(json_array_get(on, 0)), 5);
			assert_int_equal(json_integer_value(json_array_get(on, 1)), 6);
			assert_int_equal(json_array_size(json_object_get(c, "rests_on_by_hand")), 0);
		}
		/* the restart proof carries the patch step's mark on how it runs its Baseline */
		if (strcmp(json_string_value(json_object_get(c, "code")), "BFP309") == 0) {
			json_t *on = json_object_get(c, "unconfirmed");
			assert_int_equal(json_array_size(on), 1);
			json_t *m = json_array_get(json_object_get(root, "marks"),
						   (size_t)json_integer_value(json_array_get(on, 0)));
			assert_string_equal(json_string_value(json_object_get(m, "field")), "baseline");
		}
	}
	assert_true(rests);
	assert_true(json_is_null(json_object_get(json_object_get(root, "build"), "source_date_epoch")));

	/* a text taken from a declaration is written once however often it is used */
	json_t *texts = json_object_get(root, "texts");
	for (size_t i = 0; i < json_array_size(texts); i++)
		for (size_t k = i + 1; k < json_array_size(texts); k++)
			assert_false(json_equal(json_array_get(texts, i), json_array_get(texts, k)));
	assert_true(json_equal(json_object_get(json_array_get(steps, 0), "title"),
			       json_object_get(json_array_get(steps, 5), "title"))); /* both pause steps */
	json_decref(root);
}

/* The whole document as jansson reads and writes it back: compact, or indented by two. */
static void assert_canonical(struct env *e, size_t flags)
{
	size_t len;
	char *text = slurp(&e->fx.arena, out_path(e, "plan.json"), &len);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);
	assert_non_null(root);
	char *again = json_dumps(root, flags | JSON_PRESERVE_ORDER);
	assert_non_null(again);
	assert_int_equal(strlen(again) + 1, len);
	assert_memory_equal(again, text, len - 1);
	assert_int_equal(text[len - 1], '\n');
	free(again);
	json_decref(root);
}

/* plan.json is streamed a plan at a time, yet byte for byte what jansson writes for the whole document. */
static void test_plan_json_is_canonical(void **state)
{
	struct env *e = *state;
	/* a second plan, so the array has a separator; and text a JSON string must escape */
	struct lw_plan *twin = arena_alloc(&e->fx.arena, sizeof *twin);
	*twin = *e->fx.plan;
	twin->name = "patch-exch01-again";
	twin->title.text = "\"Quoted\" \\ back\tslash\x1b[31m, ünïcödé \xF0\x9F\x98\x80 and a /";
	twin->bes_file = "patch-exch01-again.bes";
	twin->checklist_md = "patch-exch01-again.checklist.md";
	twin->checklist_html = "patch-exch01-again.checklist.html";
	twin->review_md = "patch-exch01-again.review.md";
	twin->review_html = "patch-exch01-again.review.html";
	ptrvec_push(&e->fx.arena, &e->fx.program.plans, twin);
	assert_int_equal(build(e), EMIT_PLAN_ERRORS); /* ESC is no XML character: the title is refused */
	twin->title.text = "\"Quoted\" \\ back\tslash, ünïcödé \xF0\x9F\x98\x80 and a /";
	assert_int_equal(build(e), EMIT_OK);
	assert_non_null(slurp(&e->fx.arena, out_path(e, "patch-exch01-again.bes"), NULL));
	assert_canonical(e, JSON_COMPACT);
	json_error_t err;
	json_t *root = json_load_file(out_path(e, "plan.json"), 0, &err);
	assert_int_equal(json_array_size(json_object_get(root, "plans")), 2);
	json_t *again = json_array_get(json_object_get(root, "plans"), 1);
	assert_string_equal(json_string_value(json_object_get(again, "title")), twin->title.text);
	/* the tables are shared: the twin uses the same Fixlets, so they are listed once */
	json_t *first = json_array_get(json_object_get(root, "plans"), 0);
	assert_true(json_equal(json_object_get(first, "sites"), json_object_get(again, "sites")));
	json_decref(root);
	e->opts.json_indent = true;
	assert_int_equal(build(e), EMIT_OK);
	assert_canonical(e, JSON_INDENT(2));

	/* each plan its own checklist, with its own key, and an index of both */
	char *html = slurp(&e->fx.arena, out_path(e, "patch-exch01-again.checklist.html"), NULL);
	assert_int_equal(count(html, "data-store=\"bfplan:patch-exch01-again:"), 1);
	assert_int_equal(count(html, "data-store="), 1);
	char *index = slurp(&e->fx.arena, out_path(e, "checklist.html"), NULL);
	assert_non_null(strstr(index, "<title>Change-window checklists: patch-exch01 and patch-exch01-again</title>"));
	assert_non_null(strstr(index, "<a href=\"patch-exch01-again.checklist.html\">"));
	char *md_index = slurp(&e->fx.arena, out_path(e, "checklist.md"), NULL);
	assert_non_null(strstr(md_index, "[Markdown](patch-exch01.checklist.md)"));
	/* the index escapes plan text too */
	assert_non_null(strstr(md_index, "\\\\ back"));
	assert_non_null(strstr(index, "<td data-label=\"Plan\"><code>patch-exch01-again</code>: \"Quoted\" \\ back"));

	/* no plan at all: still a valid document */
	e->fx.program.plans.len = 0;
	e->opts.json_indent = false;
	assert_int_equal(build(e), EMIT_OK);
	assert_canonical(e, JSON_COMPACT);
	root = json_load_file(out_path(e, "plan.json"), 0, &err);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "plans")), 0);
	json_decref(root);
}

static void test_checklists(void **state)
{
	struct env *e = *state;
	e->opts.has_window_start = true;
	assert_true(render_parse_utc_time("2026-11-14T22:00Z", &e->opts.window_start));
	assert_int_equal(build(e), EMIT_OK);
	char *md = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.md"), NULL);
	char *html = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.html"), NULL);
	char *review = slurp(&e->fx.arena, out_path(e, "patch-exch01.review.md"), NULL);
	assert_non_null(review);

	/* the operator's order: the plan, import, pre-flight, the phases, failure, resume, close-out */
	const char *plan = strstr(md, "## The plan");
	const char *p1 = strstr(md, "### P1. Windows cluster control scripts");
	const char *n1 = strstr(md, "## Phase 1 of 2: EXNODE1 (passive)");
	const char *n2 = strstr(md, "## Phase 2 of 2: EXNODE2 (active)");
	const char *fail = strstr(md, "## If a step fails");
	const char *resume = strstr(md, "## Resume after a stop");
	const char *close = strstr(md, "## Close-out");
	assert_true(plan && p1 && n1 && n2 && fail && resume && close);
	assert_true(plan < p1 && p1 < n1 && n1 < n2 && n2 < fail && fail < resume && resume < close);
	/* the reviewer's material is in the review report, not here */
	assert_null(strstr(md, "Pause Plan until restart completes"));
	assert_null(strstr(md, "BFP310"));
	assert_non_null(strstr(review, "Pause Plan until restart completes"));
	assert_non_null(strstr(review, "(`BFP310`). Rests on: pre-flight check P4"));
	assert_non_null(strstr(md, "- **Where relevant:** run **Task 110** \"Install Windows Cluster Control Application\" "
				   "(Server Automation) there"));
	/* after the mailbox move, a step with no verify of its own: the role's advice on where the server runs */
	const char *mm = strstr(md, "### Step 5. Move the mailbox server off the node");
	assert_non_null(mm);
	const char *rv = strstr(mm, "Get-ClusteredMailboxServerStatus EXCMS01 shows it running on another node");
	assert_true(rv && rv < strstr(mm, "### Step 6. Pause"));
	/*
	 * the stdlib's advice of a step that runs on each node in turn said once, in a numbered paragraph
	 * with a stand-in for the node, which each card names on its On line and points to; and what holds
	 * for every step said once
	 */
	assert_int_equal(count(md, "cluster node \u2039node\u203A shows Up"), 1);
	assert_int_equal(count(md, "Resume \u2039node\u203A only if the change owner agrees."), 1);
	assert_null(strstr(md, "cluster node EXNODE2 shows Up"));
	const char *a1 = strstr(md, "### A1. ");
	assert_true(a1 && a1 < n1);
	const char *s9 = strstr(md, "### Step 9. ");
	assert_non_null(s9);
	assert_non_null(strstr(s9, "- **On:** **EXNODE2**"));
	assert_non_null(strstr(s9, "- **Verify:** as in A"));
	assert_non_null(strstr(html, "<a href=\"#a1\">A1</a>"));
	assert_int_equal(count(md, "until the cause is understood"), 1);
	/* the window's times: each phase's latest start, and the worst end */
	assert_non_null(strstr(md, "starts 2026-11-14 22:00 UTC"));
	assert_non_null(strstr(md, "(by 2026-11-15 00:"));
	/* tick boxes: the import, the prerequisites (3), where the role runs, every node up and reporting, the
	 * witness online (its own pre-flight Fixlet, so nothing is left by hand), the steps (9), the close-out */
	assert_int_equal(count(md, "- [ ] "), 17);
	assert_int_equal(count(html, "type=checkbox"), 17);
	assert_non_null(strstr(md, "### P5. Every node up and reporting"));
	assert_non_null(strstr(md, "### P6. The witness online"));
	assert_null(strstr(md, "### By hand, just before step 1"));
	/* the settings that enforce the timeouts and keep a silent node a target are the review's; Not Relevant is the card's */
	const char *sa = strstr(review, "## The Automation Plan to build");
	const char *afb = strstr(review, "- **Each step's timeout:** in the step's advanced failure behaviour, fail the "
				     "targets that have not returned a status");
	assert_true(sa && afb && afb > sa);
	assert_non_null(strstr(sa, "- **Non-reporting endpoints:** do not exclude them."));
	assert_non_null(strstr(md, "- **If Not Relevant:** \u2039node\u203A has every patch already."));
	/* the reference form is imported through the REST API */
	assert_non_null(strstr(md, "curl --user OPERATOR --request POST --data-binary @patch-exch01.bes "
				   "https://BIGFIX-SERVER:52311/api/import/custom/SITE"));

	/* one self-contained page: its only links are to itself and to the plan's review report */
	assert_memory_equal(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32);
	assert_null(strstr(html, " src="));
	assert_null(strstr(html, "<link"));
	for (const char *h = strstr(html, "href=\""); h; h = strstr(h + 1, "href=\""))
		assert_true(h[6] == '#' || strncmp(h + 6, "patch-exch01.review.html", 24) == 0);
	assert_non_null(strstr(html, "@media print"));
	assert_non_null(strstr(html, "localStorage"));

	/* ticks are kept under the plan, the run and the hash of the plan's checklist */
	const char *run = strstr(md, "| Run ID | `");
	assert_non_null(run);
	char run_id[13];
	memcpy(run_id, run + strlen("| Run ID | `"), 12);
	run_id[12] = '\0';
	const char *prefix = arena_printf(&e->fx.arena, "data-store=\"bfplan:patch-exch01:%s:", run_id);
	const char *key = strstr(html, prefix);
	assert_non_null(key);
	char hex[17];
	memcpy(hex, key + strlen(prefix), 16);
	hex[16] = '\0';
	assert_non_null(strstr(md, hex));
	/* the hash is that of the Markdown checklist, from the plan to the close-out */
	const char *body = strstr(md, "## The plan");
	const char *id = strstr(md, "Ticks saved under: `");
	assert_true(body && id && body < id);
	char want[17];
	snprintf(want, sizeof want, "%016llx", (unsigned long long)emit_checklist_hash(body, (size_t)(id - body)));
	assert_string_equal(hex, want);

	/* a changed checklist gets another key; another window, another run ID */
	e->fx.resume->verify.text = "the node shows Up in Failover Cluster Management";
	assert_int_equal(build(e), EMIT_OK);
	char *html2 = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.html"), NULL);
	assert_null(strstr(html2, hex));
	e->opts.window_start += 7 * 86400;
	assert_int_equal(build(e), EMIT_OK);
	char *md3 = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.md"), NULL);
	assert_null(strstr(md3, run_id));
	e->opts.run_id = "CHG0042";
	assert_int_equal(build(e), EMIT_OK);
	char *html4 = slurp(&e->fx.arena, out_path(e, "patch-exch01.checklist.html"), NULL);
	assert_non_null(strstr(html4, "data-store=\"bfplan:patch-exch01:CHG0042:"));

	/* the index: the plan, its cluster, window and worst case, and links to its documents */
	char *index = slurp(&e->fx.arena, out_path(e, "checklist.md"), NULL);
	assert_non_null(strstr(index, "| `patch-exch01`"));
	assert_non_null(strstr(index, "[HTML](patch-exch01.checklist.html), [Markdown](patch-exch01.checklist.md) | "
				      "[HTML](patch-exch01.review.html), [Markdown](patch-exch01.review.md)"));
	char *index_html = slurp(&e->fx.arena, out_path(e, "checklist.html"), NULL);
	assert_memory_equal(index_html, "<!DOCTYPE html>\n<html lang=\"en\">", 32);
	assert_null(strstr(index_html, "<script"));

	/* FNV-1a over four interleaved lanes, then over the lanes' bytes (docs/output.md); these values
	 * come from a separate implementation of that description */
	assert_int_equal(emit_checklist_hash("", 0), UINT64_C(0x939e3a8b38c8fe25));
	assert_int_equal(emit_checklist_hash("a", 1), UINT64_C(0x2313ca0d85d2091));
	assert_int_equal(emit_checklist_hash("bfplan checklist", 16), UINT64_C(0xd1f42f801d49bd29));
	/* any one changed byte changes it, wherever it is */
	char text[] = "The node is paused. Verify: EXNODE1 shows Paused.";
	uint64_t base = emit_checklist_hash(text, sizeof text - 1);
	for (size_t i = 0; i < sizeof text - 1; i++) {
		text[i] ^= 1;
		assert_true(emit_checklist_hash(text, sizeof text - 1) != base);
		text[i] ^= 1;
	}
}

/* The window's times and the run IDs a build accepts. */
static void test_window_start_and_run_id(void **state)
{
	struct env *e = *state;
	int64_t t;
	assert_true(render_parse_utc_time("2026-11-14T22:00Z", &t));
	assert_string_equal(render_utc_time(&e->fx.arena, t), "2026-11-14 22:00 UTC");
	assert_true(render_parse_utc_time("2024-02-29T23:59:30Z", &t));
	assert_string_equal(render_utc_time(&e->fx.arena, t), "2024-02-29 23:59:30 UTC");
	assert_true(render_parse_utc_time("1970-01-01T00:00Z", &t));
	assert_int_equal(t, 0);
	assert_false(render_parse_utc_time("2023-02-29T00:00Z", &t));
	assert_false(render_parse_utc_time("2026-11-14T24:00Z", &t));
	assert_false(render_parse_utc_time("2026-11-14T22:00", &t));
	assert_false(render_parse_utc_time("2026-11-14 22:00Z", &t));
	assert_false(render_parse_utc_time("2026-11-14T22:00+01:00", &t));
	assert_false(render_parse_utc_time("1969-12-31T23:59Z", &t));
	assert_false(render_parse_utc_time("", &t));
	assert_true(emit_run_id_ok("CHG0042-retry_2.b:1"));
	assert_false(emit_run_id_ok(""));
	assert_false(emit_run_id_ok("a/b"));
	assert_false(emit_run_id_ok("<script>"));
	assert_false(emit_run_id_ok("0123456789012345678901234567890123456789012345678901234567890123x"));
}

/* A drain that keeps what it is given, for checking what streamed through a small buffer. */
static void collect(void *ctx, const char *data, size_t len)
{
	textbuf_put(ctx, data, len);
}

/* Streamed through a buffer of a few bytes, the checklist is the same, and so is its key. */
static void test_checklist_streams(void **state)
{
	struct env *e = *state;
	struct arena *a = &e->fx.arena;
	struct checklist_run run = {.import = CHECKLIST_IMPORT_REST, .run_id = "r1"};
	struct textbuf whole_md, whole_html, md_out, html_out, md, html;
	textbuf_init(&whole_md, a);
	textbuf_init(&whole_html, a);
	emit_checklist_plan(a, &e->fx.program, e->fx.plan, &run, &whole_md, &whole_html);
	textbuf_init(&md_out, a);
	textbuf_init(&html_out, a);
	textbuf_init_drained(&md, a, 23, collect, &md_out);
	textbuf_init_drained(&html, a, 17, collect, &html_out);
	emit_checklist_plan(a, &e->fx.program, e->fx.plan, &run, &md, &html);
	textbuf_flush(&md);
	textbuf_flush(&html);
	assert_int_equal(md_out.len, whole_md.len);
	assert_memory_equal(md_out.data, whole_md.data, whole_md.len);
	assert_int_equal(html_out.len, whole_html.len);
	assert_memory_equal(html_out.data, whole_html.data, whole_html.len);
	const char *body = strstr(md_out.data, "## The plan");
	const char *id = strstr(md_out.data, "Ticks saved under: `bfplan:patch-exch01:r1:");
	assert_true(body && id);
	char want[80];
	snprintf(want, sizeof want, "Ticks saved under: `bfplan:patch-exch01:r1:%016llx`",
		 (unsigned long long)emit_checklist_hash(body, (size_t)(id - body)));
	assert_memory_equal(id, want, strlen(want));
}

static void test_depfile(void **state)
{
	struct env *e = *state;
	e->opts.depfile_path = arena_printf(&e->fx.arena, "%s/deps/build.d", e->dir);
	assert_int_equal(build(e), EMIT_OK);
	char *dep = slurp(&e->fx.arena, e->opts.depfile_path, NULL);
	assert_non_null(dep);
	const char *expect = arena_printf(&e->fx.arena, "%s/out/plan.json: \\\n exch01.plan \\\n"
							" stdlib/bigfix/server\\ automation.plan\n", e->dir);
	assert_string_equal(dep, expect);

	e->opts.depfile_target = "patch.stamp";
	e->opts.depfile_phony = true;
	assert_int_equal(build(e), EMIT_OK);
	dep = slurp(&e->fx.arena, e->opts.depfile_path, NULL);
	assert_string_equal(dep, "patch.stamp: \\\n exch01.plan \\\n stdlib/bigfix/server\\ automation.plan\n"
				 "\nexch01.plan:\n\nstdlib/bigfix/server\\ automation.plan:\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_writes_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emit_chooses_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validates_against_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patch_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reference_and_full_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_date_epoch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dates_and_epoch_parsing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xml_forbidden_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_and_hostile_markup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gather_url_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_form_needs_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actionscript_line_break, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_in_cdata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_json_is_canonical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checklists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checklist_streams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_start_and_run_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depfile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
