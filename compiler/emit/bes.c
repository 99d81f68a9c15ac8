/*
 * bes.c - PLAN.bes (see emit_bes.h).
 *
 * Element order follows the sequences of BES.xsd exactly:
 * Title, Description, Relevance+, Category, Source, MIMEField*, Domain, and
 * for a Baseline then BaselineComponentCollection.  Optional elements are
 * left out rather than written empty.  Descriptions are HTML in CDATA, as
 * console exports and the BigFix conventions linters have them (with any
 * "]]>" split across sections); all other text is escaped as it is written.
 *
 * A build writes thousands of these files, most of each the same catalog
 * text again: what describes a catalog Fixlet or an unconfirmed fact is
 * escaped once per build (struct bes_shared), the nodes' relevance once
 * per plan, numbers are appended without printf, and a build's texts,
 * checked once before any output (out/build.c), are not checked again.
 */
#include "emit/bes.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base/escape.h"
#include "base/ptrmap.h"
#include "lower/render.h"

/* The deepest the file goes: BES, Baseline, collection, group, component, ActionScript. */
enum { BES_MAX_DEPTH = 8 };

/* What the plans of one build share, each escaped once: catalog Fixlets' and marks' HTML. */
struct bes_shared {
	struct arena *arena;    /* the build's */
	struct ptrmap described; /* a catalog lw_fixlet or lw_mark -> its description's HTML */
};

struct bes_shared *emit_bes_shared_new(struct arena *arena)
{
	struct bes_shared *s = arena_alloc(arena, sizeof *s);
	s->arena = arena;
	ptrmap_init(&s->described, arena);
	return s;
}

struct bes {
	struct arena *arena;
	const struct bes_options *opts;
	struct bes_shared *shared; /* NULL: nothing kept between plans */
	struct diag_sink *diags;
	const struct lw_plan *plan;
	const char *mime_time;   /* x-fixlet-modification-time, or NULL */
	const char *nodes_relevance; /* the cluster's nodes as one relevance, escaped for XML: once per plan */
	bool ok;                 /* nothing reported so far */
	bool writer_failed;      /* an element ended that was never started: a bug, reported as BFP406 */
	struct ptrvec reported;  /* texts, sites and Fixlets already checked, each once */
	/* the XML being written */
	struct textbuf *out;
	bool crlf;
	size_t depth;
	const char *open[BES_MAX_DEPTH]; /* the names of the open elements */
	bool tag_open;           /* the innermost start tag awaits its '>' (attributes may follow) */
	bool has_text;           /* the innermost element holds text */
	/*
	 * One object's description, emptied after it: each names every node
	 * of the cluster, so a plan of thousands of nodes would otherwise keep
	 * each of them until its end.
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
 * then.  A build checks all text before any emitter runs, and says so
 * (texts_checked): then nothing is checked again; the check keeps
 * emit_bes_plan() safe on its own.
 */
static bool xml_ok(struct bes *b, const char *s, struct src_span span, const char *what, ...)
	__attribute__((format(printf, 4, 5)));

static bool xml_ok(struct bes *b, const char *s, struct src_span span, const char *what, ...)
{
	struct esc_fault fault;
	if (b->opts->texts_checked || esc_xml_check(s, strlen(s), &fault))
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

/*
 * The XML is written straight into the output buffer, in the layout
 * libxml2's text writer gives with a tab indent (which the files had
 * before, and console exports have): the declaration on a line of its
 * own, each element on a line indented by its depth, an element's text on
 * its line, and an element with nothing in it closed as <Name/>.  Every
 * tag is a fixed ASCII name, so only text and attribute values need
 * escaping, and a line end is the file's (CRLF or LF) wherever one is
 * written, inside text and CDATA too.
 */
static void newline(struct bes *b)
{
	if (b->crlf)
		textbuf_put(b->out, "\r\n", 2);
	else
		textbuf_putc(b->out, '\n');
}

/* Text whose line feeds become the file's line ends, and nothing else changed (CDATA, escaped text). */
static void put_lines(struct bes *b, const char *s, size_t len)
{
	if (!b->crlf) {
		textbuf_put(b->out, s, len);
		return;
	}
	for (const char *lf; (lf = memchr(s, '\n', len));) {
		size_t n = (size_t)(lf - s);
		textbuf_put(b->out, s, n);
		textbuf_put(b->out, "\r\n", 2);
		s += n + 1;
		len -= n + 1;
	}
	textbuf_put(b->out, s, len);
}

/*
 * Escapes for XML: in text & < > and CR (a CR written as is would be read
 * as a line end); in an attribute, which the writer quotes with ", also
 * the quote, TAB and LF, which a reader would otherwise normalise to
 * spaces.  A quote in text means nothing: relevance is full of them, and
 * each would cost five bytes more as &quot;.  A line feed left in text
 * becomes the file's line end.  Runs that need nothing go out whole.
 */
static void escape_into(struct textbuf *out, const char *s, bool in_attribute, bool crlf)
{
	const char *stops = in_attribute ? "&<>\"\r\t\n" : "&<>\r\n";
	for (;;) {
		size_t n = strcspn(s, stops);
		textbuf_put(out, s, n);
		s += n;
		const char *r;
		switch (*s) {
		case '\0': return;
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\r': r = "&#13;"; break;
		case '\t': r = "&#9;"; break;
		case '\n': r = in_attribute ? "&#10;" : crlf ? "\r\n" : "\n"; break;
		default: r = ""; break;
		}
		textbuf_puts(out, r);
		s++;
	}
}

static void put_escaped(struct bes *b, const char *s, bool in_attribute)
{
	escape_into(b->out, s, in_attribute, b->crlf);
}

static void indent(struct bes *b, size_t depth)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t";
	textbuf_put(b->out, tabs, depth);
}

/* Ends the open start tag, if any, before what goes inside the element. */
static void close_start_tag(struct bes *b, bool child)
{
	if (!b->tag_open)
		return;
	textbuf_putc(b->out, '>');
	if (child)
		newline(b);
	b->tag_open = false;
}

static void start(struct bes *b, const char *name)
{
	if (b->depth == BES_MAX_DEPTH) { /* the file's structure is fixed: this is a bug, reported as BFP406 */
		b->writer_failed = true;
		return;
	}
	close_start_tag(b, true);
	indent(b, b->depth);
	textbuf_putc(b->out, '<');
	textbuf_puts(b->out, name);
	b->open[b->depth++] = name;
	b->tag_open = true;
	b->has_text = false;
}

/* Ends the innermost element: <Name/> if nothing went into it, or <Name></Name> when `full`. */
static void end_element(struct bes *b, bool full)
{
	if (!b->depth) {
		b->writer_failed = true;
		return;
	}
	const char *name = b->open[--b->depth];
	if (b->tag_open && !full) {
		textbuf_put(b->out, "/>", 2);
	} else {
		if (b->tag_open)
			textbuf_putc(b->out, '>');
		else if (!b->has_text)
			indent(b, b->depth);
		textbuf_put(b->out, "</", 2);
		textbuf_puts(b->out, name);
		textbuf_putc(b->out, '>');
	}
	newline(b);
	b->tag_open = false;
	b->has_text = false;
}

static void end(struct bes *b)
{
	end_element(b, false);
}

/* Text inside the innermost element, escaped; the text must have passed xml_ok(). */
static void text(struct bes *b, const char *s)
{
	close_start_tag(b, false);
	b->has_text = true;
	put_escaped(b, s, false);
}

/* Writes <name>text</name>. */
static void element(struct bes *b, const char *name, const char *s)
{
	start(b, name);
	text(b, s);
	end(b);
}

/* <name>text</name> for text escaped already, or bfplan's own words that need no escaping. */
static void element_escaped(struct bes *b, const char *name, const char *s)
{
	start(b, name);
	close_start_tag(b, false);
	b->has_text = true;
	textbuf_puts(b->out, s);
	end(b);
}

/*
 * CDATA, as console exports write a Description.  A section ends at
 * "]]>", so the text is cut after each "]]" and the rest goes into a new
 * section: the reader joins them back into the same text.
 */
static void write_cdata(struct bes *b, const char *s)
{
	close_start_tag(b, false);
	b->has_text = true;
	const char *run = s;
	for (const char *stop; (stop = strstr(run, "]]>"));) {
		textbuf_put(b->out, "<![CDATA[", 9);
		put_lines(b, run, (size_t)(stop + 2 - run));
		textbuf_put(b->out, "]]>", 3);
		run = stop + 2;
	}
	textbuf_put(b->out, "<![CDATA[", 9);
	put_lines(b, run, strlen(run));
	textbuf_put(b->out, "]]>", 3);
}

static void cdata_element(struct bes *b, const char *name, const char *s)
{
	start(b, name);
	write_cdata(b, s);
	end(b);
}

/*
 * Relevance and action scripts as people write them: in CDATA when they
 * hold '<', '>' or '&', which the console's exports and the community's
 * conventions check (pre-commit-bigfix, E207) want unescaped there, and
 * as plain text otherwise.
 */
static void write_code(struct bes *b, const char *s)
{
	if (strpbrk(s, "<>&"))
		write_cdata(b, s);
	else
		text(b, s);
}

static void code_element(struct bes *b, const char *name, const char *s)
{
	start(b, name);
	write_code(b, s);
	end(b);
}

/* An attribute of the start tag just written. */
static void attribute(struct bes *b, const char *name, const char *value)
{
	if (!b->tag_open) {
		b->writer_failed = true;
		return;
	}
	textbuf_putc(b->out, ' ');
	textbuf_puts(b->out, name);
	textbuf_put(b->out, "=\"", 2);
	put_escaped(b, value, true);
	textbuf_putc(b->out, '"');
}

/* An unsigned number in decimal, written at the end of `buf` (24 bytes): no printf. */
static const char *digits(char buf[24], uint64_t n)
{
	char *p = buf + 23;
	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	return p;
}

static void put_number(struct textbuf *t, uint64_t n)
{
	char buf[24];
	textbuf_puts(t, digits(buf, n));
}

/* Appends plan text to an HTML description, escaped for HTML (it goes into CDATA as it is). */
static void html_text(struct bes *b, struct textbuf *html, const char *s, struct src_span span,
		      const char *what)
{
	if (xml_ok(b, s, span, "%s", what))
		esc_html_text_append(html, s, strlen(s));
}

/* The elements every object of the file shares after its relevance. */
static void write_trailer(struct bes *b, const char *category)
{
	/* bfplan's own words and an RFC 2822 date: nothing to escape */
	element_escaped(b, "Category", category);
	element_escaped(b, "Source", "bfplan");
	if (b->mime_time) {
		start(b, "MIMEField");
		element_escaped(b, "Name", "x-fixlet-modification-time");
		element_escaped(b, "Value", b->mime_time);
		end(b);
	}
	element_escaped(b, "Domain", "BESC");
}

/*
 * <Relevance> true on the cluster's nodes only: "(computer name as
 * lowercase = "a") or (...)".  Computer names compare case-insensitively
 * in Windows; node names are NetBIOS names (ASCII), so lowering the
 * literal here is exact.  Built and escaped once per plan: every object
 * of the file carries it.
 */
static const char *nodes_relevance(struct bes *b)
{
	if (b->nodes_relevance)
		return b->nodes_relevance;
	const struct lw_plan *plan = b->plan;
	struct textbuf r;
	textbuf_init(&r, b->arena);
	for (size_t i = 0; i < plan->cluster_nodes.len; i++) {
		const char *node = plan->cluster_nodes.items[i];
		size_t len = strlen(node);
		char *lower = arena_strndup(&b->scratch, node, len);
		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		textbuf_puts(&r, i ? " or (computer name as lowercase = " : "(computer name as lowercase = ");
		/* a relevance string is printable ASCII without '&', '<' or '>': nothing to escape, escaped all the same */
		escape_into(&r, esc_relevance_string(&b->scratch, lower, len), false, b->crlf);
		textbuf_putc(&r, ')');
		arena_reset(&b->scratch);
	}
	b->nodes_relevance = r.data;
	return r.data;
}

static void write_nodes_relevance(struct bes *b)
{
	element_escaped(b, "Relevance", nodes_relevance(b));
}

/* A catalog object outlives the plans, so what is made of it can be kept for the build; a plan's own cannot. */
static bool shared(const struct bes *b, const void *object)
{
	return b->shared && !arena_owns(b->arena, object);
}

/* Fixlet 116 "title" (site Server Automation, action Action1), as HTML. */
static void describe_fixlet_into(struct bes *b, struct textbuf *h, const void *object)
{
	const struct lw_fixlet *f = object;
	const char *kind = render_fixlet_kind(f);
	textbuf_puts(h, kind);
	textbuf_putc(h, ' ');
	put_number(h, f->id);
	if (f->title.text && xml_ok(b, f->title.text, f->title.span, "the title of %s %u", kind, (unsigned)f->id)) {
		textbuf_puts(h, " \"");
		esc_html_text_append(h, f->title.text, strlen(f->title.text));
		textbuf_puts(h, "\"");
	}
	textbuf_puts(h, " (site ");
	html_text(b, h, render_site_label(f->site), f->site->display.span, "the title of a site");
	if (f->action) {
		textbuf_puts(h, ", action ");
		html_text(b, h, f->action, f->decl, "an action name");
	}
	textbuf_puts(h, ")");
}

/* Writes one description of `object` (a struct lw_fixlet or lw_mark) into `h`. */
typedef void describe_fn(struct bes *b, struct textbuf *h, const void *object);

/*
 * A description a catalog object has in every plan of the build: written
 * once, then copied; a plan's own object is written each time.
 */
static void describe_once(struct bes *b, struct textbuf *h, const void *object, describe_fn *describe)
{
	if (!shared(b, object)) {
		describe(b, h, object);
		return;
	}
	const char *kept = ptrmap_get(&b->shared->described, object);
	if (!kept) {
		struct textbuf one;
		textbuf_init(&one, b->shared->arena);
		describe(b, &one, object);
		kept = one.data;
		ptrmap_put(&b->shared->described, object, one.data);
	}
	textbuf_puts(h, kept);
}

static void describe_fixlet(struct bes *b, struct textbuf *h, const struct lw_fixlet *f)
{
	describe_once(b, h, f, describe_fixlet_into);
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
 * review report): U4 prerequisite 'x', detect: REASON; ...", at the end of the
 * sentence that says what the object is, so whoever reads the object in
 * the console sees what is a guess without the checklist beside it.
 */
static void describe_mark_into(struct bes *b, struct textbuf *h, const void *object)
{
	const struct lw_mark *m = object;
	html_text(b, h, m->owner, m->reason.span, "what a mark is on");
	if (m->field) {
		textbuf_puts(h, ", ");
		html_text(b, h, m->field, m->reason.span, "what a mark is on");
	}
	textbuf_puts(h, ": ");
	html_text(b, h, m->reason.text ? m->reason.text : "", m->reason.span, "the reason of a mark");
}

/* "prerequisite 'x', detect: REASON", as HTML: a catalog mark's once per build. */
static void describe_mark(struct bes *b, struct textbuf *h, const struct lw_mark *m)
{
	describe_once(b, h, m, describe_mark_into);
}

static void describe_marks(struct bes *b, struct textbuf *h, const struct cptrvec *gathered)
{
	if (!gathered->len)
		return;
	/* in the checklist's order, U1, U2...: a mark's number is its place in the plan's list */
	struct cptrvec ordered = {0};
	struct ptrvec numbers = {0};
	for (size_t i = 0; i < b->plan->unconfirmed.len; i++)
		for (size_t k = 0; k < gathered->len; k++)
			if (gathered->items[k] == b->plan->unconfirmed.items[i]) {
				cptrvec_push(&b->scratch, &ordered, gathered->items[k]);
				ptrvec_push(&b->scratch, &numbers, (void *)(uintptr_t)(i + 1));
			}
	textbuf_puts(h, " It rests on ");
	put_number(h, ordered.len);
	textbuf_puts(h, ordered.len == 1 ? " fact" : " facts");
	textbuf_puts(h, " not confirmed (numbered as in the plan's review report): ");
	for (size_t i = 0; i < ordered.len; i++) {
		textbuf_puts(h, i ? "; U" : "U");
		put_number(h, (uintptr_t)numbers.items[i]);
		textbuf_putc(h, ' ');
		describe_mark(b, h, ordered.items[i]);
	}
	textbuf_puts(h, ".");
}

/* ---- pre-flight Fixlets ------------------------------------------------------- */

/* "not (RELEVANCE)": one balanced expression (checked earlier), so this negates all of it. */
static const char *negated(struct bes *b, const char *relevance)
{
	struct textbuf t;
	textbuf_init(&t, &b->scratch);
	textbuf_puts(&t, "not (");
	textbuf_puts(&t, relevance);
	textbuf_putc(&t, ')');
	return t.data;
}

static void write_preflight(struct bes *b, const struct lw_prereq *p)
{
	const struct lw_plan *plan = b->plan;
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
		code_element(b, "Relevance", negated(b, p->detect.text));
	write_trailer(b, "bfplan pre-flight");
	end(b);
}

/*
 * The pre-flight Fixlet of a run-time fact that is not a prerequisite (the
 * witness online): relevant on a node of the cluster where the fact's
 * relevance, as written in the standard library, is FALSE.
 */
static void write_fact_preflight(struct bes *b, const struct lw_check *c)
{
	const struct lw_plan *plan = b->plan;
	start(b, "Fixlet");
	if (xml_ok(b, plan->cluster, plan->decl, "the cluster name"))
		element(b, "Title", c->fixlet_title);
	struct textbuf h;
	textbuf_init(&h, &b->scratch);
	textbuf_puts(&h, "<p>Pre-flight check P");
	textbuf_printf(&h, "%u", c->number);
	textbuf_puts(&h, " of plan <b>");
	html_text(b, &h, plan->name, plan->decl, "the plan name");
	textbuf_puts(&h, "</b>: relevant on a node where this does not hold: ");
	html_text(b, &h, c->description.text, plan->decl, "a check's description");
	textbuf_puts(&h, ". Nodes checked: ");
	for (size_t i = 0; i < plan->cluster_nodes.len; i++) {
		if (i)
			textbuf_puts(&h, ", ");
		html_text(b, &h, plan->cluster_nodes.items[i], plan->decl, "a node name");
	}
	textbuf_puts(&h, ".");
	struct cptrvec marks = {0};
	gather_marks(b, &marks, &c->marks);
	describe_marks(b, &h, &marks);
	textbuf_puts(&h, "</p>");
	if (c->if_not) {
		textbuf_puts(&h, "<p>If it is relevant: ");
		html_text(b, &h, c->if_not, plan->decl, "a check's advice");
		textbuf_puts(&h, ".</p>");
	}
	cdata_element(b, "Description", h.data);
	arena_reset(&b->scratch);
	write_nodes_relevance(b);
	if (xml_ok(b, c->holds.text, c->holds.span, "the relevance of pre-flight check P%u", c->number))
		code_element(b, "Relevance", arena_printf(b->arena, "not (%s)", c->holds.text));
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
	end_element(b, true);
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
	char id[24];
	attribute(b, "SourceID", digits(id, f->id));
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

/* The numbers of the recipe steps that run `bl` ("3" or "3 and 8"), into `h`; returns how many. */
static size_t steps_running(struct bes *b, struct textbuf *h, const struct lw_baseline *bl)
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
		{
			textbuf_puts(h, shown++ ? ", " : "");
			put_number(h, held);
		}
		held = s->number;
	}
	if (held)
	{
		textbuf_puts(h, shown++ ? " and " : "");
		put_number(h, held);
	}
	return shown;
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
		textbuf_puts(&h, " \"");
		html_text(b, &h, bl->title.text, bl->title.span, "the title of a baseline");
		textbuf_puts(&h, "\"");
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
	struct textbuf steps;
	textbuf_init(&steps, &b->scratch);
	bool one = steps_running(b, &steps, bl) == 1;
	textbuf_puts(&h, one ? "</p><p>Step " : "</p><p>Steps ");
	textbuf_put(&h, steps.data, steps.len);
	textbuf_puts(&h, one ? " of the plan's Automation Plan runs" : " of the plan's Automation Plan run");
	textbuf_puts(&h, " it on the nodes of a phase, after they are paused and their groups have moved. Do not "
			 "run it on a node that is still in service: follow the plan's checklist.</p><p>Its "
			 "components, in order:</p><ol>");
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

bool emit_bes_plan(struct arena *arena, const struct lw_plan *plan, const struct bes_options *opts,
		   struct bes_shared *shared, struct diag_sink *diags, struct textbuf *out)
{
	/* straight into `out` as it is written: a plan of thousands of nodes is never held whole */
	struct bes b = {.arena = arena, .opts = opts, .shared = shared, .diags = diags, .plan = plan, .ok = true,
			.out = out, .crlf = opts->newline == BES_NEWLINE_CRLF};
	if (opts->has_epoch)
		b.mime_time = render_rfc2822_date(arena, opts->epoch);
	arena_init_like(&b.scratch, arena);
	textbuf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	newline(&b);
	start(&b, "BES");
	attribute(&b, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	attribute(&b, "xsi:noNamespaceSchemaLocation", "BES.xsd");
	for (size_t i = 0; i < plan->prereqs.len; i++)
		write_preflight(&b, plan->prereqs.items[i]);
	if (plan->witness_check)
		write_fact_preflight(&b, plan->witness_check);
	for (size_t i = 0; i < plan->baselines.len; i++)
		write_baseline(&b, plan->baselines.items[i]);
	end(&b);
	arena_free(&b.scratch);

	if (b.writer_failed || b.depth) {
		diag_report(diags, BFP406, plan->decl, "cannot render %s: its elements do not nest", plan->bes_file);
		b.ok = false;
	}
	return b.ok;
}
