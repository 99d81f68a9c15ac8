/*
 * bes.c - PLAN.bes with libxml2's xmlTextWriter (see emit_bes.h).
 *
 * Element order follows the sequences of BES.xsd exactly:
 * Title, Description, Relevance+, Category, Source, MIMEField*, Domain, and
 * for a Baseline then BaselineComponentCollection.  Optional elements are
 * left out rather than written empty.  Descriptions are HTML in CDATA, as
 * console exports and the BigFix conventions linters have them (with any
 * "]]>" split across sections); all other text is escaped by the writer.
 */
#include "emit/bes.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "base/escape.h"
#include "lower/render.h"

/* libxml2 takes UTF-8 as unsigned char; its own BAD_CAST drops const, which we keep. */
#define XC(s) ((const xmlChar *)(s))

struct bes {
	struct arena *arena;
	const struct bes_options *opts;
	struct diag_sink *diags;
	const struct lw_plan *plan;
	xmlTextWriterPtr w;
	const char *mime_time;   /* x-fixlet-modification-time, or NULL */
	bool ok;                 /* nothing reported so far */
	bool writer_failed;      /* libxml2 refused a call: out of memory */
	struct ptrvec reported;  /* texts, sites and Fixlets already checked, each once */
	/*
	 * One object's description, or one node's relevance clause, emptied
	 * after it: each names every node of the cluster, so a plan of
	 * thousands of nodes would otherwise keep each of them until its end.
	 */
	struct arena scratch;
};

static const struct src_span no_span = {SRC_NO_FILE, 0, 0};

/* ---- checking ------------------------------------------------------------------ */

/* True the first time `key` is seen in this file. */
static bool first_time(struct bes *b, const void *key)
{
	for (size_t i = 0; i < b->reported.len; i++)
		if (b->reported.items[i] == key)
			return false;
	/* stored only to be compared, never written through */
	ptrvec_push(b->arena, &b->reported, (void *)(uintptr_t)key);
	return true;
}

/*
 * True if XML can carry `s`; otherwise reports BFP401 at `span` (once per
 * string), naming the text with the printf-style `what`, formatted only
 * then.  emit_build() checks all text before any emitter runs, so in a
 * build this never fires; it keeps emit_bes_plan() safe on its own.
 */
static bool xml_ok(struct bes *b, const char *s, struct src_span span, const char *what, ...)
	__attribute__((format(printf, 4, 5)));

static bool xml_ok(struct bes *b, const char *s, struct src_span span, const char *what, ...)
{
	struct esc_fault fault;
	if (esc_xml_check(s, strlen(s), &fault))
		return true;
	b->ok = false;
	if (!first_time(b, s))
		return false;
	va_list ap;
	va_start(ap, what);
	const char *name = arena_vprintf(b->arena, what, ap);
	va_end(ap);
	struct diag *d = diag_report(b->diags, BFP401, span, "%s cannot be written to BES XML: it contains %s",
				     name, esc_fault_describe(b->arena, &fault));
	diag_help(b->diags, d, "XML 1.0 has no escape for this character; remove it or write it in words");
	return false;
}

static const char *text_of(struct lw_text t, const char *fallback)
{
	return t.text ? t.text : fallback;
}

/*
 * An ActionScript body as written, with line ends made uniform (LF; the
 * file's own line ends are applied to the whole file afterwards).  NULL,
 * with the 1-based line in *bad_line, if a carriage return does not end
 * its line: some readers would take it for a line break and others not.
 */
static const char *actionscript_lines(struct arena *a, const char *s, size_t *bad_line)
{
	struct textbuf out;
	textbuf_init(&out, a);
	size_t line_no = 1;
	while (*s) {
		size_t n = strcspn(s, "\n");
		size_t len = n;
		if (s[n] == '\n' && len > 0 && s[len - 1] == '\r')
			len--; /* a CRLF line end, not a CR inside the line */
		if (!esc_actionscript_line_check(s, len, NULL)) {
			*bad_line = line_no;
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

bool emit_bes_check_site(const struct lw_site *site, const struct lw_fixlet *used, struct src_span used_at,
			 struct diag_sink *diags)
{
	if (site->url)
		return true;
	struct diag *d = diag_report(diags, BFP403, site->decl,
				     "the gather URL of site '%s' is not known, and Baseline components need it",
				     site->name);
	if (used)
		diag_note(diags, d, used_at, "%s %u of this site is used here", render_fixlet_kind(used),
			  (unsigned)used->id);
	diag_help(diags, d, "pass --site-url %s=URL (the site's gather URL; a BigFix console shows it as "
			    "`url of bes site`)",
		  site->name);
	return false;
}

bool emit_bes_check_prereq(const struct lw_prereq *p, struct diag_sink *diags)
{
	if (p->detect.text)
		return true;
	struct diag *d = diag_report(diags, BFP409, p->decl,
				     "prerequisite '%s' has no detection relevance, so no pre-flight Fixlet can check it",
				     p->name);
	diag_help(diags, d, "add a `detect` relevance to the prerequisite's declaration");
	return false;
}

bool emit_bes_check_fixlet(struct arena *arena, const struct bes_options *opts, const struct lw_fixlet *f,
			   struct src_span used_at, struct diag_sink *diags)
{
	if (opts->components != BES_COMPONENTS_FULL)
		return true;
	const char *kind = render_fixlet_kind(f);
	if (!f->relevance.text || !f->actionscript.text) {
		struct diag *d = diag_report(
			diags, BFP409, f->decl,
			"%s %u has no %s in the catalog, which full Baseline components copy", kind, (unsigned)f->id,
			!f->relevance.text && !f->actionscript.text ? "relevance or action script"
			: !f->relevance.text                        ? "relevance"
								    : "action script");
		if (used_at.file != SRC_NO_FILE && used_at.begin != f->decl.begin)
			diag_note(diags, d, used_at, "it is a component here");
		diag_help(diags, d, "add them to the declaration, or build with the reference-only component "
				    "form (the default)");
		return false;
	}
	size_t bad_line = 0;
	if (!actionscript_lines(arena, f->actionscript.text, &bad_line)) {
		struct diag *d = diag_report(
			diags, BFP402, f->actionscript.span,
			"line %zu of the action script of %s %u contains a carriage return that does not end the line",
			bad_line, kind, (unsigned)f->id);
		diag_help(diags, d, "ActionScript runs line by line; split the line or remove the character");
		return false;
	}
	return true;
}

static const char *prereq_title(const struct lw_prereq *p)
{
	return text_of(p->title, p->name);
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

/*
 * Writes <name><![CDATA[text]]></name>, as console exports write a
 * Description.  A CDATA section ends at "]]>", which libxml2's writer
 * does not split, so the text is cut after each "]]" and the rest goes
 * into a new section: the reader joins them back into the same text.
 */
static void write_cdata(struct bes *b, const char *text)
{
	const char *run = text;
	for (const char *end; (end = strstr(run, "]]>"));) {
		const char *piece = arena_strndup(b->arena, run, (size_t)(end + 2 - run));
		check_rc(b, xmlTextWriterWriteCDATA(b->w, XC(piece)));
		run = end + 2;
	}
	check_rc(b, xmlTextWriterWriteCDATA(b->w, XC(run)));
}

static void cdata_element(struct bes *b, const char *name, const char *text)
{
	start(b, name);
	write_cdata(b, text);
	end(b);
}

/*
 * Relevance and action scripts as people write them: in CDATA when they
 * hold '<', '>' or '&', which the console's exports and the community's
 * conventions check (pre-commit-bigfix, E207) want unescaped there, and
 * as plain text otherwise.
 */
static void write_code(struct bes *b, const char *text)
{
	if (strpbrk(text, "<>&"))
		write_cdata(b, text);
	else
		check_rc(b, xmlTextWriterWriteString(b->w, XC(text)));
}

static void code_element(struct bes *b, const char *name, const char *text)
{
	start(b, name);
	write_code(b, text);
	end(b);
}

static void attribute(struct bes *b, const char *name, const char *value)
{
	check_rc(b, xmlTextWriterWriteAttribute(b->w, XC(name), XC(value)));
}

/* Appends plan text to an HTML description, escaped for HTML; the writer escapes it again for XML. */
static void html_text(struct bes *b, struct textbuf *html, const char *s, struct src_span span,
		      const char *what)
{
	if (xml_ok(b, s, span, "%s", what))
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
static const char *name_match(struct arena *a, const char *node)
{
	char *lower = arena_strdup(a, node);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return arena_printf(a, "computer name as lowercase = %s", esc_relevance_string(a, lower, strlen(lower)));
}

/*
 * <Relevance> true on the cluster's nodes only: "(computer name ... = "a")
 * or (...)", written a node at a time, for a cluster may have thousands.
 */
static void write_nodes_relevance(struct bes *b)
{
	const struct lw_plan *plan = b->plan;
	start(b, "Relevance");
	for (size_t i = 0; i < plan->cluster_nodes.len; i++) {
		const char *clause = arena_printf(&b->scratch, "%s%s)", i ? " or (" : "(",
						  name_match(&b->scratch, plan->cluster_nodes.items[i]));
		check_rc(b, xmlTextWriterWriteString(b->w, XC(clause)));
		arena_reset(&b->scratch);
	}
	end(b);
}

/* Fixlet 116 "title" (site Server Automation, action Action1), as HTML. */
static void describe_fixlet(struct bes *b, struct textbuf *h, const struct lw_fixlet *f)
{
	const char *kind = render_fixlet_kind(f);
	textbuf_printf(h, "%s %u", kind, (unsigned)f->id);
	if (f->title.text && xml_ok(b, f->title.text, f->title.span, "the title of %s %u", kind, (unsigned)f->id)) {
		textbuf_puts(h, " &quot;");
		esc_html_append(h, f->title.text, strlen(f->title.text));
		textbuf_puts(h, "&quot;");
	}
	textbuf_puts(h, " (site ");
	html_text(b, h, render_site_label(f->site), f->site->display.span, "the title of a site");
	if (f->action) {
		textbuf_puts(h, ", action ");
		html_text(b, h, f->action, f->decl, "an action name");
	}
	textbuf_puts(h, ")");
}

/* ---- what an object rests on that nobody has confirmed --------------------------- */

/* Adds the marks of `list` that `seen` does not hold yet, in order. */
static void gather_marks(struct bes *b, struct cptrvec *seen, const struct cptrvec *list)
{
	for (size_t i = 0; i < list->len; i++) {
		bool known = false;
		for (size_t k = 0; k < seen->len && !known; k++)
			known = seen->items[k] == list->items[i];
		if (!known)
			cptrvec_push(&b->scratch, seen, list->items[i]);
	}
}

/*
 * " It rests on 2 facts not confirmed (numbered as in the plan's
 * checklist): U4 prerequisite 'x', detect: REASON; ...", at the end of the
 * sentence that says what the object is, so whoever reads the object in
 * the console sees what is a guess without the checklist beside it.
 */
static void describe_marks(struct bes *b, struct textbuf *h, const struct cptrvec *gathered)
{
	if (!gathered->len)
		return;
	/* in the checklist's order: U1, U2... */
	struct cptrvec ordered = {0};
	for (size_t i = 0; i < b->plan->unconfirmed.len; i++)
		for (size_t k = 0; k < gathered->len; k++)
			if (gathered->items[k] == b->plan->unconfirmed.items[i])
				cptrvec_push(&b->scratch, &ordered, gathered->items[k]);
	const struct cptrvec *marks = &ordered;
	textbuf_printf(h, " It rests on %zu %s not confirmed (numbered as in the plan's checklist): ", marks->len,
		       marks->len == 1 ? "fact" : "facts");
	for (size_t i = 0; i < marks->len; i++) {
		const struct lw_mark *m = marks->items[i];
		textbuf_printf(h, "%sU%u ", i ? "; " : "", render_mark_number(b->plan, m));
		html_text(b, h, m->owner, m->reason.span, "what a mark is on");
		if (m->field) {
			textbuf_puts(h, ", ");
			html_text(b, h, m->field, m->reason.span, "what a mark is on");
		}
		textbuf_puts(h, ": ");
		html_text(b, h, m->reason.text ? m->reason.text : "", m->reason.span, "the reason of a mark");
	}
	textbuf_puts(h, ".");
}

/* ---- pre-flight Fixlets ------------------------------------------------------- */

static void write_preflight(struct bes *b, const struct lw_prereq *p)
{
	const struct lw_plan *plan = b->plan;
	struct arena *a = b->arena;
	if (!emit_bes_check_prereq(p, b->diags)) {
		b->ok = false;
		return;
	}

	start(b, "Fixlet");
	/* check the pieces, so a fault is reported once, where it was written */
	if (xml_ok(b, prereq_title(p), p->title.span, "the title of prerequisite '%s'", p->name) &&
	    xml_ok(b, plan->cluster, plan->decl, "the cluster name"))
		element(b, "Title", p->preflight_title);

	struct textbuf h;
	textbuf_init(&h, &b->scratch);
	textbuf_puts(&h, "<p>Relevant on a node of cluster <b>");
	html_text(b, &h, plan->cluster, plan->decl, "the cluster name");
	textbuf_puts(&h, "</b> where the prerequisite <b>");
	html_text(b, &h, prereq_title(p), p->title.span, "the title of a prerequisite");
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
	textbuf_puts(&h, ".");
	struct cptrvec marks = {0};
	gather_marks(b, &marks, &p->marks);
	if (p->provider) {
		gather_marks(b, &marks, &p->provider->marks);
		gather_marks(b, &marks, &p->provider->site->marks);
	}
	describe_marks(b, &h, &marks);
	textbuf_puts(&h, "</p>");
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
		html_text(b, &h, p->note.text, p->note.span, "the note of a prerequisite");
		textbuf_puts(&h, "</p>");
	}
	cdata_element(b, "Description", h.data);
	arena_reset(&b->scratch);

	/* two clauses, ANDed by BigFix: on one of the cluster's nodes, and the prerequisite is absent */
	write_nodes_relevance(b);
	if (xml_ok(b, p->detect.text, p->detect.span, "the detection relevance of prerequisite '%s'", p->name))
		code_element(b, "Relevance", arena_printf(a, "not (%s)", p->detect.text));
	write_trailer(b, "bfplan pre-flight");
	end(b);
}

/* ---- Baselines ------------------------------------------------------------------ */

static bool is_restart(const struct lw_fixlet *f)
{
	return f->restart == LW_RESTART_CLEARS;
}

/*
 * The action's success criteria as its Fixlet gives them; without a
 * `success-criteria` line, what each kind does when nothing is said,
 * spelled out because a copy forgets its kind.
 */
static void write_success(struct bes *b, const struct lw_fixlet *f)
{
	static const char *const option[] = {
		[LW_SUCCESS_RUN_TO_COMPLETION] = "RunToCompletion",
		[LW_SUCCESS_ORIGINAL_RELEVANCE] = "OriginalRelevance",
		[LW_SUCCESS_CUSTOM_RELEVANCE] = "CustomRelevance",
	};
	enum lw_success success = f->success != LW_SUCCESS_DEFAULT ? f->success
				  : f->is_task ? LW_SUCCESS_RUN_TO_COMPLETION : LW_SUCCESS_ORIGINAL_RELEVANCE;
	start(b, "SuccessCriteria");
	attribute(b, "Option", option[success]);
	if (success == LW_SUCCESS_CUSTOM_RELEVANCE && f->success_relevance.text &&
	    xml_ok(b, f->success_relevance.text, f->success_relevance.span, "the success relevance of %s %u",
		   render_fixlet_kind(f), (unsigned)f->id))
		write_code(b, f->success_relevance.text);
	check_rc(b, xmlTextWriterFullEndElement(b->w));
}

static void write_component(struct bes *b, const struct lw_component *c)
{
	const struct lw_fixlet *f = c->fixlet;
	struct src_span used_at = c->origin;
	struct arena *a = b->arena;
	const char *kind = render_fixlet_kind(f);
	const char *url = f->site->url;
	if (!url) {
		b->ok = false;
		if (first_time(b, f->site))
			emit_bes_check_site(f->site, f, used_at, b->diags);
		url = "";
	} else {
		struct src_span span = f->site->url_from == LW_URL_CATALOG ? f->site->gather_url.span : no_span;
		xml_ok(b, url, span, "the gather URL of site '%s'", f->site->name);
	}

	bool full = b->opts->components == BES_COMPONENTS_FULL;
	const char *body = NULL;
	if (full) {
		size_t bad_line;
		if (f->relevance.text && f->actionscript.text &&
		    xml_ok(b, f->actionscript.text, f->actionscript.span, "the action script of %s %u", kind,
			   (unsigned)f->id))
			body = actionscript_lines(a, f->actionscript.text, &bad_line);
		if (!body) {
			b->ok = false;
			if (first_time(b, f))
				emit_bes_check_fixlet(a, b->opts, f, used_at, b->diags);
		}
		if (f->relevance.text)
			xml_ok(b, f->relevance.text, f->relevance.span, "the relevance of %s %u", kind, (unsigned)f->id);
	}

	start(b, "BaselineComponent");
	if (full) {
		const char *name = f->title.text ? f->title.text : arena_printf(a, "%s %u", kind, (unsigned)f->id);
		if (xml_ok(b, name, f->title.span, "the title of %s %u", kind, (unsigned)f->id))
			attribute(b, "Name", name);
	}
	/* a restart makes no node need the Baseline: it runs only where a patch is relevant */
	bool include = c->include == LW_INCLUDE_DEFAULT ? !is_restart(f) : c->include == LW_INCLUDE_YES;
	attribute(b, "IncludeInRelevance", include ? "true" : "false");
	attribute(b, "SourceSiteURL", url);
	attribute(b, "SourceID", arena_printf(a, "%u", (unsigned)f->id));
	if (f->action && xml_ok(b, f->action, f->decl, "the action name of %s %u", kind, (unsigned)f->id))
		attribute(b, "ActionName", f->action);
	if (full && body) {
		/* console exports use this order: ActionScript, SuccessCriteria, Relevance */
		start(b, "ActionScript");
		/* a PowerShell or shell script keeps its type: written as ActionScript it would not run */
		attribute(b, "MIMEType", f->actionscript_type ? f->actionscript_type : "application/x-Fixlet-Windows-Shell");
		write_code(b, body);
		end(b);
		write_success(b, f);
		code_element(b, "Relevance", f->relevance.text);
	}
	end(b);
}

/* The numbers of the recipe steps that run `bl`: "3" or "3 and 8". */
static void steps_running(struct bes *b, struct textbuf *h, const struct lw_baseline *bl)
{
	/* "3", "3 and 8", "3, 5 and 8": each number is written once the next is known */
	unsigned held = 0;
	size_t shown = 0;
	struct lw_steps walk;
	lw_steps_begin(&walk, b->plan);
	for (const struct lw_step *s; (s = lw_steps_next(&walk));) {
		if (s->item->baseline != bl)
			continue;
		if (held)
			textbuf_printf(h, "%s%u", shown++ ? ", " : "", held);
		held = s->number;
	}
	if (held)
		textbuf_printf(h, "%s%u", shown ? " and " : "", held);
}

static void write_baseline(struct bes *b, const struct lw_baseline *bl)
{
	const struct lw_plan *plan = b->plan;
	start(b, "Baseline");
	if (xml_ok(b, bl->bes_title, bl->title.span, "the title of baseline '%s'", bl->name))
		element(b, "Title", bl->bes_title);

	struct textbuf h;
	textbuf_init(&h, &b->scratch);
	textbuf_puts(&h, "<p>The patch content of plan <b>");
	html_text(b, &h, plan->name, plan->decl, "the plan name");
	textbuf_puts(&h, "</b> on cluster <b>");
	html_text(b, &h, plan->cluster, plan->decl, "the cluster name");
	textbuf_puts(&h, "</b> (");
	html_text(b, &h, text_of(plan->os_title, plan->os), plan->os_title.span, "the OS title");
	textbuf_puts(&h, "): baseline <b>");
	html_text(b, &h, bl->name, bl->decl, "the baseline name");
	textbuf_puts(&h, "</b>");
	if (bl->title.text && strcmp(bl->title.text, bl->name) != 0) {
		textbuf_puts(&h, " &quot;");
		html_text(b, &h, bl->title.text, bl->title.span, "the title of a baseline");
		textbuf_puts(&h, "&quot;");
	}
	textbuf_puts(&h, ", with its restart.");
	struct cptrvec marks = {0};
	for (size_t i = 0; i < plan->items.len; i++) {
		const struct lw_item *it = plan->items.items[i];
		if (it->baseline == bl)
			gather_marks(b, &marks, &it->marks);
	}
	for (size_t i = 0; i < bl->components.len; i++) {
		const struct lw_fixlet *f = ((const struct lw_component *)bl->components.items[i])->fixlet;
		gather_marks(b, &marks, &f->site->marks);
		gather_marks(b, &marks, &f->marks);
	}
	describe_marks(b, &h, &marks);
	textbuf_puts(&h, "</p><p>Step ");
	steps_running(b, &h, bl);
	textbuf_puts(&h, " of the plan's Automation Plan runs it on the nodes of a phase, after they are "
			 "paused and their groups have moved. Do not run it on a node that is still in service: "
			 "follow the plan's checklist.</p><p>Its components, in order:</p><ol>");
	for (size_t i = 0; i < bl->components.len; i++) {
		const struct lw_fixlet *f = ((const struct lw_component *)bl->components.items[i])->fixlet;
		textbuf_puts(&h, "<li>");
		describe_fixlet(b, &h, f);
		if (is_restart(f))
			textbuf_puts(&h, ": restarts a node that is in Pending Restart, so the Baseline never ends "
					 "waiting for a restart");
		textbuf_puts(&h, "</li>");
	}
	textbuf_puts(&h, "</ol>");
	cdata_element(b, "Description", h.data);
	arena_reset(&b->scratch);

	/* on the cluster's nodes only; the components add their own applicability */
	write_nodes_relevance(b);
	write_trailer(b, "bfplan cluster patching");

	start(b, "BaselineComponentCollection");
	start(b, "BaselineComponentGroup");
	attribute(b, "Name", bl->name);
	for (size_t i = 0; i < bl->components.len; i++) {
		const struct lw_component *c = bl->components.items[i];
		write_component(b, c);
	}
	end(b);
	end(b);
	end(b);
}

/* ---- the file ------------------------------------------------------------------------ */

/* Where the writer's bytes go: the caller's buffer, with the chosen line ends. */
struct sink {
	struct textbuf *out;
	enum bes_newline newline;
};

/* libxml2's output callback; the writer only ever emits LF (CR in text is written as &#13;). */
static int write_out(void *context, const char *data, int len)
{
	struct sink *sink = context;
	if (len <= 0)
		return 0;
	size_t n = (size_t)len;
	if (sink->newline == BES_NEWLINE_LF) {
		textbuf_put(sink->out, data, n);
		return len;
	}
	size_t run = 0;
	for (const char *lf; (lf = memchr(data + run, '\n', n - run));) {
		size_t at = (size_t)(lf - data);
		textbuf_put(sink->out, data + run, at - run);
		textbuf_put(sink->out, "\r\n", 2);
		run = at + 1;
	}
	textbuf_put(sink->out, data + run, n - run);
	return len;
}

static int close_out(void *context)
{
	(void)context;
	return 0;
}

bool emit_bes_plan(struct arena *arena, const struct lw_plan *plan, const struct bes_options *opts,
		   struct diag_sink *diags, struct textbuf *out)
{
	struct bes b = {.arena = arena, .opts = opts, .diags = diags, .plan = plan, .ok = true};
	if (opts->has_epoch)
		b.mime_time = render_rfc2822_date(arena, opts->epoch);

	/* straight into `out` as it is written: a plan of thousands of nodes is never held whole */
	struct sink sink = {.out = out, .newline = opts->newline};
	xmlOutputBufferPtr buf = xmlOutputBufferCreateIO(write_out, close_out, &sink, NULL);
	b.w = buf ? xmlNewTextWriter(buf) : NULL;
	if (!b.w) {
		if (buf)
			xmlOutputBufferClose(buf);
		diag_report(diags, BFP406, plan->decl, "cannot render %s: out of memory",
			    plan->bes_file);
		return false;
	}
	arena_init_like(&b.scratch, arena);
	/* tabs, as console exports indent */
	check_rc(&b, xmlTextWriterSetIndent(b.w, 1));
	check_rc(&b, xmlTextWriterSetIndentString(b.w, XC("\t")));
	check_rc(&b, xmlTextWriterStartDocument(b.w, "1.0", "UTF-8", NULL));
	start(&b, "BES");
	attribute(&b, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	attribute(&b, "xsi:noNamespaceSchemaLocation", "BES.xsd");
	for (size_t i = 0; i < plan->prereqs.len; i++)
		write_preflight(&b, plan->prereqs.items[i]);
	for (size_t i = 0; i < plan->baselines.len; i++)
		write_baseline(&b, plan->baselines.items[i]);
	end(&b);
	check_rc(&b, xmlTextWriterEndDocument(b.w));
	xmlFreeTextWriter(b.w); /* flushes the rest into `out` and closes the output buffer */
	arena_free(&b.scratch);

	if (b.writer_failed) {
		diag_report(diags, BFP406, plan->decl, "cannot render %s: the XML writer failed",
			    plan->bes_file);
		b.ok = false;
	}
	return b.ok;
}
