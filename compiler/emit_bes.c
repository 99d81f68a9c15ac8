/*
 * emit_bes.c - PLAN.bes with libxml2's xmlTextWriter (see emit_bes.h).
 *
 * Element order follows BES.xsd's sequences exactly (BIGFIX.md section 2):
 * Title, Description, Relevance+, Category, Source, MIMEField*, Domain, and
 * for a Baseline then BaselineComponentCollection.  Optional elements are
 * left out rather than written empty.  Text is never put in CDATA: the
 * writer escapes it, and the writer does not split "]]>".
 */
#include "emit_bes.h"

#include <stdint.h>
#include <string.h>

#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "escape.h"

/* libxml2 takes UTF-8 as unsigned char; its own BAD_CAST drops const, which we keep. */
#define XC(s) ((const xmlChar *)(s))

/*
 * The full component form needs each Fixlet's relevance and action script.
 * There is no code of its own for catalog content that is missing yet
 * (proposed: BFP408 component-content-unknown); until there is, it goes under
 * the nearest one, "needed but not known".
 */
#define EMIT_CONTENT_UNKNOWN BFP403

/* ObjectName in BES.xsd: a title holds 1 to 255 characters. */
enum { BES_TITLE_MAX = 255 };

struct bes {
	struct arena *arena;
	const struct emit_options *opts;
	struct diag_sink *diags;
	const struct lw_plan *plan;
	xmlTextWriterPtr w;
	const char *mime_time;   /* x-fixlet-modification-time, or NULL */
	bool ok;                 /* nothing reported so far */
	bool writer_failed;      /* libxml2 refused a call: out of memory */
	struct ptrvec reported;  /* texts and objects already reported, each once */
};

static const struct src_span no_span = {SRC_NO_FILE, 0, 0};

/* ---- checking text --------------------------------------------------------- */

static bool already_reported(struct bes *b, const void *key)
{
	for (size_t i = 0; i < b->reported.len; i++)
		if (b->reported.items[i] == key)
			return true;
	/* stored only to be compared, never written through */
	ptrvec_push(b->arena, &b->reported, (void *)(uintptr_t)key);
	return false;
}

/*
 * True if XML can carry `s`; otherwise reports BFP401 at `span` (once per
 * string) naming `what`, e.g. "the title of prerequisite 'dotnet-4.0'".
 * emit_build() checks all text before any emitter runs, so in a build this
 * never fires; it keeps emit_bes_plan() safe on its own.
 */
static bool xml_ok(struct bes *b, const char *s, struct src_span span, const char *what)
{
	struct esc_fault fault;
	if (esc_xml_check(s, strlen(s), &fault))
		return true;
	b->ok = false;
	if (already_reported(b, s))
		return false;
	struct diag *d = diag_report(b->diags, BFP401, span, "%s cannot be written to BES XML: it contains %s",
				     what, esc_fault_describe(b->arena, &fault));
	diag_help(b->diags, d, "XML 1.0 has no escape for this character; remove it or write it in words");
	return false;
}

static const char *text_of(struct lw_text t, const char *fallback)
{
	return t.text ? t.text : fallback;
}

/* A title cut to BES_TITLE_MAX characters (not bytes), on a character boundary. */
static const char *limit_title(struct arena *a, const char *s)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > BES_TITLE_MAX)
			break;
	}
	if (!s[i])
		return s;
	/* keep room for the ellipsis: back up over one more character */
	size_t end = i;
	do
		end--;
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80);
	return arena_printf(a, "%.*s\xE2\x80\xA6", (int)end, s);
}

const char *emit_bes_baseline_title(struct arena *arena, const struct lw_plan *plan,
				    const struct lw_node *node)
{
	const char *state = "";
	if (plan->role)
		state = node->role_holder ? " (active)" : " (passive)";
	return limit_title(arena, arena_printf(arena, "%s %u/%zu %s%s", plan->name, node->position,
					       plan->nodes.len, node->name, state));
}

static const char *prereq_title(const struct lw_prereq *p)
{
	return text_of(p->title, p->name);
}

const char *emit_bes_preflight_title(struct arena *arena, const struct lw_plan *plan,
				     const struct lw_prereq *prereq)
{
	return limit_title(arena, arena_printf(arena, "bfplan pre-flight: %s missing on cluster %s",
					       prereq_title(prereq), plan->cluster));
}

/* ---- writing ---------------------------------------------------------------- */

static void check_rc(struct bes *b, int rc)
{
	if (rc < 0)
		b->writer_failed = true;
}

static void start(struct bes *b, const char *name)
{
	check_rc(b, xmlTextWriterStartElement(b->w, XC(name)));
}

static void end(struct bes *b)
{
	check_rc(b, xmlTextWriterEndElement(b->w));
}

/* Writes <name>text</name>; the text must have passed xml_ok(). */
static void element(struct bes *b, const char *name, const char *text)
{
	check_rc(b, xmlTextWriterWriteElement(b->w, XC(name), XC(text)));
}

static void attribute(struct bes *b, const char *name, const char *value)
{
	check_rc(b, xmlTextWriterWriteAttribute(b->w, XC(name), XC(value)));
}

/* Appends plan text to an HTML description, escaped for HTML; the writer escapes it again for XML. */
static void html_text(struct bes *b, struct textbuf *html, const char *s, struct src_span span,
		      const char *what)
{
	if (xml_ok(b, s, span, what))
		esc_html_append(html, s, strlen(s));
}

/* The elements every object of the file shares after its relevance. */
static void write_trailer(struct bes *b, const char *category)
{
	element(b, "Category", category);
	element(b, "Source", "bfplan");
	if (b->mime_time) {
		start(b, "MIMEField");
		element(b, "Name", "x-fixlet-modification-time");
		element(b, "Value", b->mime_time);
		end(b);
	}
	element(b, "Domain", "BESC");
}

/*
 * Relevance that is true on the named computer.  Computer names compare
 * case-insensitively in Windows; node names are NetBIOS names (ASCII), so
 * lowering the literal here is exact.
 */
static void append_name_match(struct bes *b, struct textbuf *r, const char *node)
{
	char *lower = arena_strdup(b->arena, node);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	textbuf_printf(r, "computer name as lowercase = %s",
		       esc_relevance_string(b->arena, lower, strlen(lower)));
}

static const char *fixlet_label(struct bes *b, const struct lw_fixlet *f)
{
	return arena_printf(b->arena, "%s %u", emit_fixlet_kind(f), (unsigned)f->id);
}

static const char *site_label(const struct lw_site *s)
{
	return text_of(s->display, s->name);
}

/* Fixlet 116 "title" (site Server Automation, action Action1), as HTML. */
static void describe_fixlet(struct bes *b, struct textbuf *h, const struct lw_fixlet *f)
{
	textbuf_puts(h, fixlet_label(b, f));
	if (f->title.text) {
		textbuf_puts(h, " &quot;");
		html_text(b, h, f->title.text, f->title.span,
			  arena_printf(b->arena, "the title of %s", fixlet_label(b, f)));
		textbuf_puts(h, "&quot;");
	}
	textbuf_puts(h, " (site ");
	html_text(b, h, site_label(f->site), f->site->display.span,
		  arena_printf(b->arena, "the display name of site '%s'", f->site->name));
	if (f->action) {
		textbuf_puts(h, ", action ");
		html_text(b, h, f->action, f->decl, arena_printf(b->arena, "the action of %s", fixlet_label(b, f)));
	}
	textbuf_puts(h, ")");
}

/* ---- pre-flight Fixlets ------------------------------------------------------- */

static void write_preflight(struct bes *b, const struct lw_prereq *p)
{
	const struct lw_plan *plan = b->plan;
	struct arena *a = b->arena;
	const char *what = arena_printf(a, "prerequisite '%s'", p->name);
	if (!p->detect.text) {
		b->ok = false;
		struct diag *d = diag_report(b->diags, EMIT_CONTENT_UNKNOWN, p->decl,
					     "%s has no detection relevance, so no pre-flight Fixlet can check it",
					     what);
		diag_help(b->diags, d, "add a `detect` relevance to the prerequisite's declaration");
		return;
	}

	start(b, "Fixlet");
	/* check the pieces, so a fault is reported once, where it was written */
	if (xml_ok(b, prereq_title(p), p->title.span, arena_printf(a, "the title of %s", what)) &&
	    xml_ok(b, plan->cluster, plan->decl, "the cluster name"))
		element(b, "Title", emit_bes_preflight_title(a, plan, p));

	struct textbuf h;
	textbuf_init(&h, a);
	textbuf_puts(&h, "<p>Relevant on a node of cluster <b>");
	html_text(b, &h, plan->cluster, plan->decl, "the cluster name");
	textbuf_puts(&h, "</b> where the prerequisite <b>");
	html_text(b, &h, prereq_title(p), p->title.span, arena_printf(a, "the title of %s", what));
	textbuf_puts(&h, "</b> (");
	html_text(b, &h, p->name, p->decl, "the prerequisite name");
	textbuf_puts(&h, ") of plan <b>");
	html_text(b, &h, plan->name, plan->decl, "the plan name");
	textbuf_puts(&h, "</b> is missing. Nodes checked: ");
	for (size_t i = 0; i < plan->cluster_nodes.len; i++) {
		if (i)
			textbuf_puts(&h, ", ");
		html_text(b, &h, plan->cluster_nodes.items[i], plan->decl, "a node name");
	}
	textbuf_puts(&h, ".</p>");
	if (p->provider) {
		textbuf_puts(&h, "<p>To fix it, run ");
		describe_fixlet(b, &h, p->provider);
		textbuf_puts(&h, " on each node where this Fixlet is relevant, before the change window. "
				 "This Fixlet stops being relevant once the prerequisite is present.</p>");
	}
	if (p->needs.len) {
		textbuf_puts(&h, "<p>It needs first: ");
		for (size_t i = 0; i < p->needs.len; i++) {
			const struct lw_prereq *n = p->needs.items[i];
			if (i)
				textbuf_puts(&h, ", ");
			html_text(b, &h, prereq_title(n), n->title.span, "the title of a prerequisite");
		}
		textbuf_puts(&h, ".</p>");
	}
	if (p->note.text) {
		textbuf_puts(&h, "<p>Note: ");
		html_text(b, &h, p->note.text, p->note.span, arena_printf(a, "the note of %s", what));
		textbuf_puts(&h, "</p>");
	}
	element(b, "Description", h.data);

	/* two clauses, ANDed by BigFix: on one of the cluster's nodes, and the prerequisite is absent */
	struct textbuf r;
	textbuf_init(&r, a);
	for (size_t i = 0; i < plan->cluster_nodes.len; i++) {
		textbuf_puts(&r, i ? " or (" : "(");
		append_name_match(b, &r, plan->cluster_nodes.items[i]);
		textbuf_puts(&r, ")");
	}
	element(b, "Relevance", r.data);
	if (xml_ok(b, p->detect.text, p->detect.span, arena_printf(a, "the detection relevance of %s", what)))
		element(b, "Relevance", arena_printf(a, "not (%s)", p->detect.text));
	write_trailer(b, "bfplan pre-flight");
	end(b);
}

/* ---- Baselines ------------------------------------------------------------------ */

/*
 * An ActionScript body copied as written, with line ends made uniform (LF;
 * the file's own line ends are applied to the whole file afterwards).  A
 * carriage return that does not end a line would be read as a line break
 * by some readers and not by others, so it is rejected (BFP402).
 */
static const char *actionscript_body(struct bes *b, const struct lw_fixlet *f)
{
	const struct lw_text *t = &f->actionscript;
	const char *what = arena_printf(b->arena, "the action script of %s", fixlet_label(b, f));
	if (!xml_ok(b, t->text, t->span, what))
		return NULL;
	struct textbuf out;
	textbuf_init(&out, b->arena);
	const char *s = t->text;
	size_t line_no = 1;
	while (*s) {
		size_t n = strcspn(s, "\n");
		size_t len = n;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		struct esc_fault fault;
		if (!esc_actionscript_line_check(s, len, &fault)) {
			b->ok = false;
			if (!already_reported(b, t)) {
				struct diag *d = diag_report(
					b->diags, BFP402, t->span,
					"line %zu of %s contains a carriage return that does not end the line",
					line_no, what);
				diag_help(b->diags, d,
					  "ActionScript runs line by line; split the line or remove the character");
			}
			return NULL;
		}
		textbuf_put(&out, s, len);
		s += n;
		if (*s == '\n') {
			s++;
			if (*s)
				textbuf_putc(&out, '\n');
		}
		line_no++;
	}
	return out.data;
}

static void write_component(struct bes *b, const struct lw_component *c)
{
	const struct lw_fixlet *f = c->fixlet;
	struct arena *a = b->arena;
	const char *url = emit_gather_url(b->opts, f->site);
	if (!url) {
		b->ok = false;
		if (!already_reported(b, f->site)) {
			struct diag *d = diag_report(
				b->diags, BFP403, f->site->decl,
				"the gather URL of site '%s' is not known, and Baseline components need it",
				f->site->name);
			diag_note(b->diags, d, c->origin, "%s of this site is used here", fixlet_label(b, f));
			diag_help(b->diags, d, "pass --site-url %s=URL (the site's gather URL; a BigFix "
					       "console shows it as `url of bes site`)",
				  f->site->name);
		}
		url = "";
	} else {
		struct src_span span = f->site->gather_url.text && strcmp(url, f->site->gather_url.text) == 0
					       ? f->site->gather_url.span
					       : no_span;
		xml_ok(b, url, span, arena_printf(a, "the gather URL of site '%s'", f->site->name));
	}

	bool full = b->opts->components == EMIT_COMPONENTS_FULL;
	const char *body = NULL;
	if (full) {
		if (!f->relevance.text || !f->actionscript.text) {
			b->ok = false;
			if (!already_reported(b, f)) {
				struct diag *d = diag_report(
					b->diags, EMIT_CONTENT_UNKNOWN, f->decl,
					"%s has no %s in the catalog, which full Baseline components copy",
					fixlet_label(b, f),
					!f->relevance.text && !f->actionscript.text ? "relevance or action script"
					: !f->relevance.text                        ? "relevance"
										    : "action script");
				diag_note(b->diags, d, c->origin, "it is a component here");
				diag_help(b->diags, d, "add them to the declaration, or build with the "
						       "reference-only component form (the default)");
			}
		} else {
			body = actionscript_body(b, f);
			xml_ok(b, f->relevance.text, f->relevance.span,
			       arena_printf(a, "the relevance of %s", fixlet_label(b, f)));
		}
	}

	start(b, "BaselineComponent");
	if (full) {
		const char *name = f->title.text ? f->title.text : fixlet_label(b, f);
		if (xml_ok(b, name, f->title.span, arena_printf(a, "the title of %s", fixlet_label(b, f))))
			attribute(b, "Name", name);
	}
	attribute(b, "IncludeInRelevance", "true");
	attribute(b, "SourceSiteURL", url);
	attribute(b, "SourceID", arena_printf(a, "%u", (unsigned)f->id));
	if (f->action && xml_ok(b, f->action, f->decl, arena_printf(a, "the action of %s", fixlet_label(b, f))))
		attribute(b, "ActionName", f->action);
	if (full && body) {
		/* console exports use this order: ActionScript, SuccessCriteria, Relevance */
		start(b, "ActionScript");
		attribute(b, "MIMEType", "application/x-Fixlet-Windows-Shell");
		check_rc(b, xmlTextWriterWriteString(b->w, XC(body)));
		end(b);
		start(b, "SuccessCriteria");
		/* what each kind does when nothing is said; spelled out because a copy forgets its kind */
		attribute(b, "Option", f->is_task ? "RunToCompletion" : "OriginalRelevance");
		check_rc(b, xmlTextWriterFullEndElement(b->w));
		element(b, "Relevance", f->relevance.text);
	}
	end(b);
}

static void describe_step(struct bes *b, struct textbuf *h, const struct lw_step *s)
{
	textbuf_puts(h, "<li>");
	html_text(b, h, text_of(s->title, s->name), s->title.span, "the title of a step");
	textbuf_puts(h, ": ");
	for (size_t i = 0; i < s->components.len; i++) {
		const struct lw_component *c = s->components.items[i];
		if (i)
			textbuf_puts(h, "; ");
		describe_fixlet(b, h, c->fixlet);
	}
	if (s->optional)
		textbuf_puts(h, " (optional)");
	textbuf_puts(h, "</li>");
}

static void write_baseline(struct bes *b, const struct lw_node *n)
{
	const struct lw_plan *plan = b->plan;
	struct arena *a = b->arena;
	start(b, "Baseline");
	if (xml_ok(b, plan->name, plan->decl, "the plan name") && xml_ok(b, n->name, n->decl, "a node name"))
		element(b, "Title", emit_bes_baseline_title(a, plan, n));

	struct textbuf h;
	textbuf_init(&h, a);
	textbuf_printf(&h, "<p>Node %u of %zu of plan <b>", n->position, plan->nodes.len);
	html_text(b, &h, plan->name, plan->decl, "the plan name");
	textbuf_puts(&h, "</b> on cluster <b>");
	html_text(b, &h, plan->cluster, plan->decl, "the cluster name");
	textbuf_puts(&h, "</b>");
	if (plan->os_title.text || plan->os) {
		textbuf_puts(&h, " (");
		html_text(b, &h, text_of(plan->os_title, plan->os), plan->os_title.span, "the OS title");
		textbuf_puts(&h, ")");
	}
	textbuf_puts(&h, ": <b>");
	html_text(b, &h, n->name, n->decl, "a node name");
	textbuf_puts(&h, "</b>");
	if (plan->role && n->role_holder) {
		textbuf_puts(&h, ", the node expected to hold the ");
		html_text(b, &h, text_of(plan->role->title, plan->role->name), plan->role->title.span,
			  "the role title");
		textbuf_puts(&h, "; it goes last");
	}
	textbuf_puts(&h, ".</p><p>Its steps, in order:</p><ol>");
	for (size_t i = 0; i < n->steps.len; i++)
		describe_step(b, &h, n->steps.items[i]);
	textbuf_puts(&h, "</ol><p>Run the Baselines of this plan one node at a time, in their numbered "
			 "order, and follow the plan's checklist for what to verify after each step.</p>");
	element(b, "Description", h.data);

	struct textbuf r;
	textbuf_init(&r, a);
	append_name_match(b, &r, n->name);
	element(b, "Relevance", r.data);
	write_trailer(b, "bfplan cluster patching");

	start(b, "BaselineComponentCollection");
	start(b, "BaselineComponentGroup");
	attribute(b, "Name", arena_printf(a, "%s on %s", plan->name, n->name));
	for (size_t i = 0; i < n->steps.len; i++) {
		const struct lw_step *s = n->steps.items[i];
		for (size_t j = 0; j < s->components.len; j++)
			write_component(b, s->components.items[j]);
	}
	end(b);
	end(b);
	end(b);
}

/* ---- the file ------------------------------------------------------------------------ */

/* Applies the chosen line ends; the writer only ever emits LF (CR in text is written as &#13;). */
static void copy_with_newlines(struct textbuf *out, const char *data, size_t len, enum emit_newline nl)
{
	if (nl == EMIT_NEWLINE_LF) {
		textbuf_put(out, data, len);
		return;
	}
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			textbuf_put(out, data + run, i - run);
			textbuf_put(out, "\r\n", 2);
			run = i + 1;
		}
	}
	textbuf_put(out, data + run, len - run);
}

bool emit_bes_plan(struct arena *arena, const struct lw_plan *plan, const struct emit_options *opts,
		   struct diag_sink *diags, struct textbuf *out)
{
	struct bes b = {.arena = arena, .opts = opts, .diags = diags, .plan = plan, .ok = true};
	if (opts->has_epoch)
		b.mime_time = emit_rfc2822_date(arena, opts->epoch);

	xmlBufferPtr buf = xmlBufferCreate();
	b.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	if (!b.w) {
		if (buf)
			xmlBufferFree(buf);
		diag_report(diags, BFP406, plan->decl, "cannot render %s: out of memory",
			    emit_bes_file_name(arena, plan));
		return false;
	}
	/* tabs, as console exports indent */
	check_rc(&b, xmlTextWriterSetIndent(b.w, 1));
	check_rc(&b, xmlTextWriterSetIndentString(b.w, XC("\t")));
	check_rc(&b, xmlTextWriterStartDocument(b.w, "1.0", "UTF-8", NULL));
	start(&b, "BES");
	attribute(&b, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	attribute(&b, "xsi:noNamespaceSchemaLocation", "BES.xsd");
	for (size_t i = 0; i < plan->prereqs.len; i++)
		write_preflight(&b, plan->prereqs.items[i]);
	for (size_t i = 0; i < plan->nodes.len; i++)
		write_baseline(&b, plan->nodes.items[i]);
	end(&b);
	check_rc(&b, xmlTextWriterEndDocument(b.w));
	xmlFreeTextWriter(b.w); /* flushes into buf */

	if (b.writer_failed) {
		diag_report(diags, BFP406, plan->decl, "cannot render %s: the XML writer failed",
			    emit_bes_file_name(arena, plan));
		b.ok = false;
	}
	if (b.ok)
		copy_with_newlines(out, (const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf),
				   opts->newline);
	xmlBufferFree(buf);
	return b.ok;
}
