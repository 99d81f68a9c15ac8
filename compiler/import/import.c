/*
 * import.c - BigFix content to plan-language declarations (see import.h).
 *
 * Three steps per file: read it (bounded), parse it with libxml2 into a
 * tree, and walk the tree into `struct item`s, which are written out once
 * the whole file has been read.  Every problem is reported at the line of
 * the element concerned, found in the file's own text so the diagnostic
 * can quote it.
 *
 * libxml2 is asked for nothing beyond parsing: no network (NONET), no
 * external DTD, and a DOCTYPE stops the parser in its SAX callback, before
 * any entity declaration is read, so no entity other than XML's five and
 * character references can appear.  Its default limits on names, text and
 * depth stay on (no HUGE).
 */
#include "import/import.h"

#include <errno.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "base/actionscript.h"
#include "base/escape.h"
#include "base/readfile.h"
#include "base/symtab.h"
#include "base/utf8.h"
#include "front/load.h"

/* What the plan language accepts (docs/language.md, "Limits"). */
enum {
	PLAN_MAX_STRING = 16 * 1024,
	PLAN_MAX_FILE = SRC_MAX_FILE_SIZE,
	NAME_MAX_SLUG = 64,
};

static const char ACTIONSCRIPT_TYPE[] = "application/x-Fixlet-Windows-Shell";

struct mark {
	const char *field; /* NULL: the whole declaration */
	const char *reason;
};

struct param {
	const char *name, *description, *default_value;
	bool secure;               /* named as a secret: written `secure`, never with its default */
};

/* An action of a Fixlet other than the one `action` names: written as `other-action`. */
struct other_action {
	const char *id;
	const char *script;
	const char *script_type;   /* NULL for ActionScript */
	const char *success, *success_relevance;
};

/* One Fixlet or Task, as it will be written. */
struct item {
	bool is_task;
	const char *title;
	const char *site_name;     /* a plan-language name (--site) */
	const char *site_string;   /* else the site's name as the REST API gives it */
	bool has_id;
	uint32_t id;
	struct strvec relevance;   /* one per clause */
	const char *action;        /* NULL: the Fixlet has no action */
	const char *script;        /* the action's body */
	const char *script_type;   /* NULL for ActionScript */
	const char *success;       /* the plan-language word of its SuccessCriteria Option, or NULL */
	const char *success_relevance; /* the relevance of a CustomRelevance, or NULL */
	enum as_restart restart;
	const char *restart_why;   /* comment beside `pending-restart` */
	struct ptrvec params;      /* struct param * */
	struct ptrvec others;      /* struct other_action *, in document order */
	struct ptrvec marks;       /* struct mark * */
	struct strvec notes;       /* comment lines before the block's content */
	struct src_span at;
};

/* One Baseline component, as a baseline line. */
struct component {
	uint32_t id;
	const char *site_url;
	const char *action;        /* NULL when the component takes no action */
	const char *name;          /* its display name, for a comment */
	const char *include;       /* its IncludeInRelevance, "true" or "false", or NULL */
	bool has_restart;          /* the component carries its own action script */
	enum as_restart restart;
	const char *restart_why;
	const char *doubt;
	size_t params;
};

struct baseline {
	const char *title;
	struct ptrvec components;  /* struct component * */
	struct strvec groups;      /* group names, each beside the index of its first component */
	struct ptrvec group_at;    /* size_t index into components, boxed */
	struct src_span at;
};

struct importer {
	struct arena *arena;
	struct src_manager *sm;
	struct diag_sink *diags;
	const struct import_options *opts;
	struct textbuf *out;
	size_t next_id;            /* the next --id to hand out */
	size_t written;            /* declarations written */
	struct symtab names;       /* names written -> "" */
	struct symtab suffixes;    /* a name's base -> unsigned *: the next number to try after it */
	struct symtab keys;        /* "site\nID" -> struct src_span * of the first */
	uint32_t file;
	const char *label;         /* the file's name without its directories */
};

/* ---- strings ----------------------------------------------------------------------------- */

/*
 * Characters written as \u{...}, so a reader sees what is there: the
 * controls, and every character the lexer calls hidden (a bidi control,
 * an invisible character, a line separator: BFP006), by the lexer's own
 * table, so that what import writes is what the lexer would ask for.
 */
static bool needs_escape(uint32_t cp)
{
	return utf8_is_control(cp) || utf8_hidden_kind(cp) != NULL;
}

/* The first character of `s` the lexer calls hidden, or 0. */
static uint32_t first_hidden(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			return 0;
		if (utf8_hidden_kind(cp))
			return cp;
		i += n;
	}
	return 0;
}

void import_put_string(struct textbuf *b, const char *s, size_t len)
{
	textbuf_putc(b, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
			/* not text: libxml2 never hands us this, but keep the output valid */
			textbuf_puts(b, "\\u{FFFD}");
			i++;
			continue;
		}
		if (c == '"' || c == '\\') {
			textbuf_putc(b, '\\');
			textbuf_putc(b, (char)c);
		} else if (c == '\n') {
			textbuf_puts(b, "\\n");
		} else if (c == '\t') {
			textbuf_puts(b, "\\t");
		} else if (needs_escape(cp)) {
			textbuf_printf(b, "\\u{%X}", (unsigned)cp);
		} else {
			textbuf_put(b, s + i, n);
		}
		i += n;
	}
	textbuf_putc(b, '"');
}

/* Lower-case letters and digits joined by single hyphens: "Server Automation" -> server-automation. */
static char *slug(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, NAME_MAX_SLUG + 1);
	size_t n = 0;
	bool hyphen = false;
	for (const char *p = s; *p && n < NAME_MAX_SLUG; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (hyphen && n > 0 && n + 1 < NAME_MAX_SLUG)
				out[n++] = '-';
			out[n++] = c;
			hyphen = false;
		} else {
			hyphen = true;
		}
	}
	out[n] = '\0';
	return out;
}

/*
 * A name not yet written: `base`, else base-2, base-3, ...  Each base
 * remembers how far it got, so a thousand items of one title try each
 * number once, not all the numbers before theirs.
 */
static const char *unique_name(struct importer *im, const char *base)
{
	const char *name = base;
	unsigned *next = NULL;
	while (symtab_get(&im->names, name)) {
		if (!next && !(next = symtab_get(&im->suffixes, base))) {
			next = arena_alloc(im->arena, sizeof *next);
			*next = 2;
			symtab_put(&im->suffixes, base, next);
		}
		name = arena_printf(im->arena, "%s-%u", base, (*next)++);
	}
	symtab_put(&im->names, name, im); /* any value: only presence counts */
	return name;
}

/* ---- positions and messages ------------------------------------------------------------- */

static struct src_span line_span(struct importer *im, long line, long column)
{
	const struct src_file *f = src_file(im->sm, im->file);
	if (line < 1 || (unsigned long)line > f->line_count)
		return (struct src_span){im->file, 0, 0};
	uint32_t start = f->line_starts[line - 1];
	uint32_t end = (unsigned long)line < f->line_count ? f->line_starts[line] : f->len;
	uint32_t at = column > 1 && start + (uint32_t)(column - 1) < end ? start + (uint32_t)(column - 1) : start;
	return (struct src_span){im->file, at, at};
}

/*
 * The span of an element's start tag name ("<Fixlet").  libxml2 records the
 * line where the start tag ended; the name is found by searching back from
 * there, as the tag may run over several lines.
 */
static struct src_span element_span(struct importer *im, const xmlNode *node)
{
	long line = xmlGetLineNo(node);
	const struct src_file *f = src_file(im->sm, im->file);
	struct src_span fallback = line_span(im, line, 0);
	if (line < 1 || (unsigned long)line > f->line_count)
		return fallback;
	uint32_t end = (unsigned long)line < f->line_count ? f->line_starts[line] : f->len;
	size_t nlen = strlen((const char *)node->name);
	uint32_t floor = end > 65536 ? end - 65536 : 0;
	for (uint32_t i = end; i-- > floor;) {
		if (f->text[i] != '<' || (size_t)(f->len - i) < nlen + 2)
			continue;
		char after = f->text[i + 1 + nlen];
		if (memcmp(f->text + i + 1, node->name, nlen) == 0 &&
		    (after == ' ' || after == '\t' || after == '\r' || after == '\n' || after == '>' || after == '/'))
			return (struct src_span){im->file, i, i + 1 + (uint32_t)nlen};
	}
	return fallback;
}

/* Text from the file or from libxml2 for a message: printable ASCII, the rest as '?'. */
static const char *printable(struct arena *a, const char *s, size_t max)
{
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	bool cut = len > max;
	if (cut)
		len = max;
	char *out = arena_alloc(a, len + 4);
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?';
	if (cut)
		memcpy(out + len, "...", 4);
	return out;
}

static const char *kind_word(const struct item *it)
{
	return it->is_task ? "Task" : "Fixlet";
}

/* "Fixlet 'Pause Node' (line 12)": how messages name an item. */
static const char *item_label(struct importer *im, const struct item *it)
{
	return arena_printf(im->arena, "%s '%s'", kind_word(it), printable(im->arena, it->title, 80));
}

/* ---- the tree ---------------------------------------------------------------------------- */

static bool is_element(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *parent, const char *name)
{
	for (const xmlNode *n = parent->children; n; n = n->next)
		if (is_element(n, name))
			return n;
	return NULL;
}

/* All text below `n`, CDATA included, in the arena. */
static const char *text_of(struct importer *im, const xmlNode *n)
{
	xmlChar *content = xmlNodeGetContent(n);
	const char *s = arena_strdup(im->arena, content ? (const char *)content : "");
	xmlFree(content);
	return s;
}

static const char *attr(struct importer *im, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	const char *s = arena_strdup(im->arena, (const char *)v);
	xmlFree(v);
	return s;
}

/* A decimal ID that fits the plan language's integers (1..2147483647, as BigFix IDs do). */
static bool parse_id(const char *s, uint32_t *out)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	uint64_t v = 0;
	size_t digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0x7FFFFFFF)
			return false;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (digits == 0 || *s)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * A character XML carries but plan text may not hold, even escaped (the
 * scanner's rule): C0 controls other than tab, LF and CR, DEL, the C1
 * controls, and the noncharacters U+FFFE and U+FFFF.  Its offset, or -1.
 */
static long unwritable_at(const char *s, uint32_t *cp_out)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			n = 1, cp = 0xFFFD;
		if (utf8_is_unwritable(cp)) {
			*cp_out = cp;
			return (long)i;
		}
		i += n;
	}
	return -1;
}

/* Does every string the item will write fit the plan language?  Reports the first that does not. */
static bool fits(struct importer *im, const char *s, const char *what, struct src_span at)
{
	uint32_t cp;
	long bad = unwritable_at(s, &cp);
	if (bad >= 0) {
		struct diag *d = diag_report(im->diags, BFP614, at, "%s holds the control character U+%04X (at "
					     "byte %ld), which plan text may not hold", what, (unsigned)cp, bad);
		diag_help(im->diags, d, "remove it in the console and export again; bfplan does not change "
			  "imported text");
		return false;
	}
	if (strlen(s) <= PLAN_MAX_STRING)
		return true;
	struct diag *d = diag_report(im->diags, BFP607, at, "%s is %zu bytes long; a plan-language string holds "
				     "at most %d", what, strlen(s), PLAN_MAX_STRING);
	diag_help(im->diags, d, "shorten it in the console and export again; bfplan cannot split it "
		  "without changing what it means");
	return false;
}

static void add_mark(struct importer *im, struct item *it, const char *field, const char *reason)
{
	struct mark *m = arena_alloc(im->arena, sizeof *m);
	*m = (struct mark){field, reason};
	ptrvec_push(im->arena, &it->marks, m);
}

/* ---- Fixlets and Tasks --------------------------------------------------------------------- */

/* Splits a script into lines (LF, CR LF or CR); a final line end adds no empty line. */
static void script_lines(struct arena *a, const char *s, struct ptrvec *out)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		size_t end = i;
		while (end < len && s[end] != '\n' && s[end] != '\r')
			end++;
		ptrvec_push(a, out, arena_strndup(a, s + i, end - i));
		if (end < len && s[end] == '\r' && end + 1 < len && s[end + 1] == '\n')
			end++;
		i = end + 1;
	}
}

/* What the action's settings do after it ran: <Settings><PostActionBehavior Behavior="..."/>. */
static const char *post_action(struct importer *im, const xmlNode *action)
{
	const xmlNode *settings = child(action, "Settings");
	const xmlNode *post = settings ? child(settings, "PostActionBehavior") : NULL;
	return post ? attr(im, post, "Behavior") : NULL;
}

/* Is `name`, a parameter the script `rd` asks for or uses, a secret? */
static bool script_secret(const struct as_reading *rd, const char *name)
{
	for (size_t i = 0; i < rd->params.len; i++) {
		const struct as_param *q = rd->params.items[i];
		if (strcmp(q->name, name) == 0 && as_names_secret(q->description))
			return true;
	}
	return as_names_secret(name);
}

/*
 * A script against its secrets: a secret with a default is refused (the
 * default would be copied in clear text into the declaration and every
 * output); a line that substitutes a secret is reported.  False if one
 * was refused.
 */
static bool check_secrets(struct importer *im, const struct item *it, const struct as_reading *rd,
			  struct src_span at)
{
	bool ok = true;
	for (size_t i = 0; i < rd->params.len; i++) {
		const struct as_param *ap = rd->params.items[i];
		if (!ap->default_value || !script_secret(rd, ap->name))
			continue;
		struct diag *d = diag_report(im->diags, BFP617, at, "%s gives the secret parameter '%s' a default "
					     "value (line %u of its action script), which bfplan would have to copy "
					     "in clear text", item_label(im, it), printable(im->arena, ap->name, 80),
					     ap->line);
		diag_help(im->diags, d, "remove the default from the action in the console and export again: a "
			  "secret is typed when the action is taken");
		ok = false;
	}
	for (size_t i = 0; i < rd->uses.len; i++) {
		const struct as_use *u = rd->uses.items[i];
		if (!script_secret(rd, u->name))
			continue;
		struct diag *d = diag_report(im->diags, BFP616, at, "line %u of the action script of %s puts the "
					     "secret parameter '%s' into a '%s' line: the client substitutes it there "
					     "in clear text", u->line, item_label(im, it),
					     printable(im->arena, u->name, 80), printable(im->arena, u->command, 40));
		diag_help(im->diags, d, "keep a secret off command lines (other programs on the node can read them) "
			  "and out of files and registry values that stay: correct the action in the console; if the "
			  "line is right, say why in the output with '# bfplan: allow BFP616 -- why'");
	}
	return ok;
}

/* The parameters the script asks for, each secure when it is named as a secret; then its secrets checked. */
static bool read_params(struct importer *im, struct item *it, const struct as_reading *rd, struct src_span at)
{
	for (size_t i = 0; i < rd->params.len; i++) {
		const struct as_param *ap = rd->params.items[i];
		struct param *p = arena_alloc(im->arena, sizeof *p);
		*p = (struct param){ap->name, ap->description, ap->default_value, false};
		p->secure = script_secret(rd, ap->name);
		ptrvec_push(im->arena, &it->params, p);
		struct diag *d = diag_report(im->diags, BFP610, at, "%s asks for the %sparameter '%s' when it is "
					     "taken (line %u of its action script)", item_label(im, it),
					     p->secure ? "secret " : "", printable(im->arena, ap->name, 80), ap->line);
		if (p->secure)
			diag_help(im->diags, d, "bfplan cannot supply it: the output keeps it as a 'parameter ... "
				  "secure' line, so that it is typed when the plan runs and no output holds its value");
		else
			diag_help(im->diags, d, "bfplan cannot supply it: the output keeps it as a 'parameter' "
				  "line, so that the value is asked for when the plan runs");
	}
	return check_secrets(im, it, rd, at);
}

static bool read_restart(struct importer *im, struct item *it, const xmlNode *action, struct src_span at)
{
	bool ok = true;
	const char *behavior = post_action(im, action);
	if (it->script_type) {
		it->restart = AS_RESTART_NEVER;
		it->restart_why = "the action is not ActionScript";
		if (strcmp(it->script_type, "text/x-uri") != 0) {
			const char *why = arena_printf(im->arena, "the action is a script of type %s, and bfplan "
						       "reads restarts only from ActionScript",
						       printable(im->arena, it->script_type, 80));
			add_mark(im, it, "pending-restart", why);
			struct diag *d = diag_report(im->diags, BFP611, at, "cannot tell whether %s leaves "
						     "Pending Restart: %s", item_label(im, it), why);
			diag_help(im->diags, d, "read the script, then correct 'pending-restart' in the output "
				  "and remove its 'unconfirmed' line");
		}
	} else {
		struct as_reading rd;
		as_read(im->arena, it->script, strlen(it->script), &rd);
		it->restart = rd.restart;
		it->restart_why = rd.restart == AS_RESTART_NEVER
			? "no restart command in the action script"
			: arena_printf(im->arena, "line %u of the action script: %s", rd.line, rd.because);
		ok = read_params(im, it, &rd, at);
		if (rd.doubt) {
			add_mark(im, it, "pending-restart", rd.doubt);
			struct diag *d = diag_report(im->diags, BFP611, at, "cannot tell for sure whether %s "
						     "leaves Pending Restart: %s", item_label(im, it), rd.doubt);
			diag_help(im->diags, d, "read the script, then correct 'pending-restart' in the output "
				  "and remove its 'unconfirmed' line");
		}
	}
	/*
	 * A restart in the action's settings is not counted: a baseline
	 * component carries the action script and not the settings, so in a
	 * plan it would not happen.
	 */
	if (behavior && strcmp(behavior, "Restart") == 0) {
		strvec_push(im->arena, &it->notes, "Its action's settings restart the computer after it runs. A "
			    "baseline component");
		strvec_push(im->arena, &it->notes, "does not carry them, so 'pending-restart' goes by the script "
			    "alone.");
	} else if (behavior && strcmp(behavior, "Shutdown") == 0) {
		add_mark(im, it, "pending-restart", "the action's settings shut the computer down after it, "
			 "and it does not come back by itself");
		struct diag *d = diag_report(im->diags, BFP611, at, "%s shuts the computer down after its action",
					     item_label(im, it));
		diag_help(im->diags, d, "a node that is shut down does not come back by itself: do not use it "
			  "in a plan step");
	}
	return ok;
}

/* The action's SuccessCriteria, kept as its Option says; false if the custom relevance cannot be written. */
static bool read_success(struct importer *im, struct item *it, const xmlNode *action, const char **success,
			 const char **relevance)
{
	static const struct {
		const char *option, *word;
	} options[] = {
		{"RunToCompletion", "run-to-completion"},
		{"OriginalRelevance", "original-relevance"},
		{"CustomRelevance", "custom"},
	};
	const xmlNode *sc = child(action, "SuccessCriteria");
	const char *option = sc ? attr(im, sc, "Option") : NULL;
	if (!option)
		return true;
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		if (strcmp(option, options[i].option) != 0)
			continue;
		*success = options[i].word;
		if (i + 1 < sizeof options / sizeof options[0])
			return true;
		*relevance = text_of(im, sc);
		return fits(im, *relevance, "the success relevance", element_span(im, sc));
	}
	/* BES.xsd allows only the three: a file that says otherwise is not valid content */
	struct diag *d = diag_report(im->diags, BFP604, element_span(im, sc), "the success criteria of %s are "
				     "'%s', which BES content does not have", item_label(im, it),
				     printable(im->arena, option, 40));
	diag_help(im->diags, d, "the Option is RunToCompletion, OriginalRelevance or CustomRelevance; export "
		  "the content again from the console");
	return false;
}

/*
 * An action's ID, its script and the script's type (NULL for ActionScript),
 * each checked to fit a plan file.  False if one cannot be written; an
 * action with no ID is BFP604, and *id is then NULL.
 */
static bool read_action_text(struct importer *im, const struct item *it, const xmlNode *n, const char **id,
			     const char **script_text, const char **script_type)
{
	*id = attr(im, n, "ID");
	if (!*id || !**id) {
		struct diag *d = diag_report(im->diags, BFP604, element_span(im, n), "an action of %s has no ID",
					     item_label(im, it));
		diag_help(im->diags, d, "export the content again from the console: every action has an ID");
		*id = NULL;
		return false;
	}
	bool ok = fits(im, *id, "the action's ID", element_span(im, n));
	const xmlNode *script = child(n, "ActionScript");
	*script_text = script ? text_of(im, script) : "";
	struct ptrvec lines = {0};
	script_lines(im->arena, *script_text, &lines);
	for (size_t i = 0; ok && i < lines.len; i++)
		ok &= fits(im, lines.items[i], "a line of the action script", element_span(im, script));
	const char *type = script ? attr(im, script, "MIMEType") : NULL;
	if (type && strcmp(type, ACTIONSCRIPT_TYPE) != 0)
		*script_type = type;
	return ok;
}

/*
 * Another action of the Fixlet, kept whole for a baseline line that names
 * it: its script, type and success criteria.  Its script is held to the
 * same rules about secrets as the default action's.
 */
static bool read_other_action(struct importer *im, struct item *it, const xmlNode *n)
{
	struct other_action *o = arena_alloc(im->arena, sizeof *o);
	bool ok = read_action_text(im, it, n, &o->id, &o->script, &o->script_type);
	if (!o->id)
		return false;
	ok &= read_success(im, it, n, &o->success, &o->success_relevance);
	struct as_reading rd;
	as_read(im->arena, o->script, strlen(o->script), &rd);
	ok &= check_secrets(im, it, &rd, element_span(im, n));
	ptrvec_push(im->arena, &it->others, o);
	return ok;
}

/* The default action, else the first action (marked), else none.  False if its script cannot be written. */
static bool read_action(struct importer *im, struct item *it, const xmlNode *fx, struct src_span at)
{
	const xmlNode *action = child(fx, "DefaultAction");
	const xmlNode *first = child(fx, "Action");
	if (!action && first) {
		action = first;
		const char *id = attr(im, first, "ID");
		add_mark(im, it, "action", arena_printf(im->arena, "the %s has no default action; %s is the "
							"first of its actions", kind_word(it),
							id ? printable(im->arena, id, 80) : "the first"));
		struct diag *d = diag_report(im->diags, BFP612, at, "%s has no default action", item_label(im, it));
		diag_help(im->diags, d, "the output takes its first action; check that this is the one a plan "
			  "should run");
	}
	if (!action) {
		add_mark(im, it, NULL, arena_printf(im->arena, "the %s has no action: it can report, but a plan "
						    "cannot run it", kind_word(it)));
		return true;
	}
	bool ok = read_action_text(im, it, action, &it->action, &it->script, &it->script_type);
	if (!it->action)
		return false;
	ok &= read_restart(im, it, action, at);
	ok &= read_success(im, it, action, &it->success, &it->success_relevance);
	for (const xmlNode *n = fx->children; n; n = n->next)
		if (n != action && (is_element(n, "Action") || is_element(n, "DefaultAction")))
			ok &= read_other_action(im, it, n);
	return ok;
}

/* The next --id, for an item that carries none. */
static bool take_id(struct importer *im, struct item *it)
{
	if (im->next_id < im->opts->id_count) {
		it->id = im->opts->ids[im->next_id++];
		it->has_id = true;
		return true;
	}
	struct diag *d = diag_report(im->diags, BFP605, it->at, "%s has no ID: the file does not carry it",
				     item_label(im, it));
	diag_help(im->diags, d, im->opts->id_count
		  ? "give one --id for each Fixlet and Task without an ID, in the order of the files"
		  : "give its ID in its site with --id N (the console shows it in the ID column)");
	return false;
}

static bool take_site(struct importer *im, struct item *it)
{
	if (im->opts->site) {
		it->site_name = im->opts->site;
		return true;
	}
	if (it->site_string)
		return true;
	struct diag *d = diag_report(im->diags, BFP606, it->at, "%s has no site: the file does not say which "
				     "site it belongs to", item_label(im, it));
	diag_help(im->diags, d, "give the plan-language name of its site with --site NAME, as in "
		  "'--site server-automation'");
	return false;
}

static bool read_title(struct importer *im, struct item *it, const xmlNode *n, const char *element)
{
	const xmlNode *title = child(n, element);
	it->title = title ? text_of(im, title) : "";
	if (it->title[0])
		return true;
	struct diag *d = diag_report(im->diags, BFP604, it->at, "a %s has no %s", kind_word(it), element);
	diag_help(im->diags, d, "BES content gives every Fixlet, Task and Baseline a title; export it again "
		  "from the console");
	return false;
}

/* A new item for element `n`, with its title read from child `title`; NULL (reported) without one. */
static struct item *new_item(struct importer *im, const xmlNode *n, bool is_task, const char *title)
{
	struct item *it = arena_alloc(im->arena, sizeof *it);
	it->is_task = is_task;
	it->at = element_span(im, n);
	return read_title(im, it, n, title) ? it : NULL;
}

static struct item *read_fixlet(struct importer *im, const xmlNode *n, bool is_task)
{
	struct item *it = new_item(im, n, is_task, "Title");
	if (!it)
		return NULL;
	bool ok = fits(im, it->title, "the title", element_span(im, child(n, "Title")));
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (!is_element(c, "Relevance"))
			continue;
		strvec_push(im->arena, &it->relevance, text_of(im, c));
		ok &= fits(im, it->relevance.items[it->relevance.len - 1], "a relevance clause", element_span(im, c));
	}
	if (child(n, "GroupRelevance")) {
		add_mark(im, it, NULL, "its relevance is a GroupRelevance, which bfplan does not import");
		struct diag *d = diag_report(im->diags, BFP612, element_span(im, child(n, "GroupRelevance")),
					     "%s gives its relevance as a GroupRelevance", item_label(im, it));
		diag_help(im->diags, d, "bfplan imports <Relevance> clauses only; the output has none for it");
	}
	ok &= read_action(im, it, n, it->at);
	ok &= take_id(im, it);
	ok &= take_site(im, it);
	return ok ? it : NULL;
}

/* ---- BESAPI listings ---------------------------------------------------------------------- */

/* %XX-decoded, as REST resource paths are encoded. */
static char *percent_decoded(struct arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1);
	percent_decode(out, s, len);
	return out;
}

/*
 * The site and ID in a REST resource URL:
 * https://server:52311/api/fixlet/external/BES%20Support/123 (site type
 * master has no site name).  False if it is not of that shape.
 */
static bool parse_resource(struct importer *im, const char *url, const char **site, uint32_t *id)
{
	const char *api = strstr(url, "/api/");
	if (!api)
		return false;
	const char *parts[5];
	size_t lens[5], n = 0;
	for (const char *p = api + 5; *p && n < 5;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		parts[n] = p;
		lens[n++] = len;
		p = slash ? slash + 1 : p + len;
	}
	if (n < 3)
		return false;
	const char *last = arena_strndup(im->arena, parts[n - 1], lens[n - 1]);
	if (!parse_id(last, id))
		return false;
	*site = n == 4 ? percent_decoded(im->arena, parts[2], lens[2]) : NULL;
	return true;
}

static struct item *read_listing_entry(struct importer *im, const xmlNode *n, bool is_task)
{
	struct item *it = new_item(im, n, is_task, "Name");
	if (!it)
		return NULL;
	const char *resource = attr(im, n, "Resource");
	const char *site = NULL;
	uint32_t rid;
	if (resource && parse_resource(im, resource, &site, &rid)) {
		it->id = rid;
		it->has_id = true;
		it->site_string = site;
	}
	const xmlNode *idn = child(n, "ID");
	if (idn) {
		uint32_t v;
		if (!parse_id(text_of(im, idn), &v)) {
			struct diag *d = diag_report(im->diags, BFP604, element_span(im, idn),
						     "the ID of %s is not a number", item_label(im, it));
			diag_help(im->diags, d, "a Fixlet's ID is a whole number, as the console shows it");
			return NULL;
		}
		it->id = v;
		it->has_id = true;
	}
	strvec_push(im->arena, &it->notes, arena_printf(im->arena, "From a REST API listing: the title, ID "
							"and site only."));
	/* both are reported when both are missing */
	bool ok = it->has_id || take_id(im, it);
	ok &= take_site(im, it);
	return ok && fits(im, it->title, "the title", it->at) ? it : NULL;
}

/* ---- Baselines ------------------------------------------------------------------------------ */

static struct component *read_component(struct importer *im, const xmlNode *n, const char *baseline)
{
	struct src_span at = element_span(im, n);
	struct component *c = arena_alloc(im->arena, sizeof *c);
	const char *id = attr(im, n, "SourceID");
	c->site_url = attr(im, n, "SourceSiteURL");
	c->action = attr(im, n, "ActionName");
	c->name = attr(im, n, "Name");
	c->include = attr(im, n, "IncludeInRelevance");
	if (c->include && strcmp(c->include, "true") != 0 && strcmp(c->include, "false") != 0)
		c->include = strcmp(c->include, "1") == 0 ? "true" : strcmp(c->include, "0") == 0 ? "false" : NULL;
	if (!id || !parse_id(id, &c->id) || !c->site_url || !c->site_url[0]) {
		struct diag *d = diag_report(im->diags, BFP608, at, "a component of Baseline '%s' does not "
					     "name its source Fixlet (SourceID and SourceSiteURL)",
					     printable(im->arena, baseline, 80));
		diag_help(im->diags, d, "a baseline line refers to a Fixlet by its site and ID; add the "
			  "component to the baseline from its source Fixlet in the console, then export again");
		return NULL;
	}
	if (!fits(im, c->site_url, "a component's gather URL", at))
		return NULL;
	const xmlNode *script = child(n, "ActionScript");
	const char *type = script ? attr(im, script, "MIMEType") : NULL;
	if (script && (!type || strcmp(type, ACTIONSCRIPT_TYPE) == 0)) {
		struct as_reading rd;
		const char *text = text_of(im, script);
		as_read(im->arena, text, strlen(text), &rd);
		c->has_restart = true;
		c->restart = rd.restart;
		c->restart_why = rd.restart == AS_RESTART_NEVER
			? "no restart command in its action script"
			: arena_printf(im->arena, "line %u of its action script: %s", rd.line, rd.because);
		c->doubt = rd.doubt;
		c->params = rd.params.len;
		if (rd.params.len) {
			struct diag *d = diag_report(im->diags, BFP610, at, "a component of Baseline '%s' asks for "
						     "a parameter when it is taken",
						     printable(im->arena, baseline, 80));
			diag_help(im->diags, d, "bfplan cannot supply it; the output says so beside the line");
		}
		if (rd.doubt) {
			struct diag *d = diag_report(im->diags, BFP611, at, "cannot tell for sure whether a "
						     "component of Baseline '%s' leaves Pending Restart: %s",
						     printable(im->arena, baseline, 80), rd.doubt);
			diag_help(im->diags, d, "read the script, then correct the line's 'pending-restart'");
		}
	}
	return c;
}

static struct baseline *read_baseline(struct importer *im, const xmlNode *n)
{
	struct baseline *bl = arena_alloc(im->arena, sizeof *bl);
	bl->at = element_span(im, n);
	const xmlNode *title = child(n, "Title");
	bl->title = title ? text_of(im, title) : "";
	if (!bl->title[0]) {
		struct diag *d = diag_report(im->diags, BFP604, bl->at, "a Baseline has no Title");
		diag_help(im->diags, d, "export it again from the console");
		return NULL;
	}
	bool ok = fits(im, bl->title, "the title", bl->at);
	const xmlNode *coll = child(n, "BaselineComponentCollection");
	for (const xmlNode *g = coll ? coll->children : NULL; g; g = g->next) {
		if (!is_element(g, "BaselineComponentGroup"))
			continue;
		const char *group = attr(im, g, "Name");
		size_t *index = arena_alloc(im->arena, sizeof *index);
		*index = bl->components.len;
		strvec_push(im->arena, &bl->groups, group ? group : "");
		ptrvec_push(im->arena, &bl->group_at, index);
		for (const xmlNode *c = g->children; c; c = c->next) {
			if (!is_element(c, "BaselineComponent"))
				continue;
			struct component *comp = read_component(im, c, bl->title);
			if (comp)
				ptrvec_push(im->arena, &bl->components, comp);
			else
				ok = false;
		}
	}
	if (ok && bl->components.len == 0) {
		struct diag *d = diag_report(im->diags, BFP604, bl->at, "Baseline '%s' has no components",
					     printable(im->arena, bl->title, 80));
		diag_help(im->diags, d, "a plan's baseline needs at least one Fixlet; export the baseline "
			  "with its components");
		ok = false;
	}
	return ok ? bl : NULL;
}

/* ---- writing ------------------------------------------------------------------------------- */

static void put_str(struct importer *im, const char *s)
{
	import_put_string(im->out, s, strlen(s));
}

/* A comment line: content text in it goes through the string escaper, so nothing raw reaches it. */
static void put_comment(struct importer *im, const char *indent, const char *text)
{
	textbuf_printf(im->out, "%s# %s\n", indent, text);
}

/* An action ID as a plan-language name when it is spelled like one (Action1), else as a string. */
static void put_action(struct importer *im, const char *action)
{
	bool name = (action[0] >= 'A' && action[0] <= 'Z') || (action[0] >= 'a' && action[0] <= 'z');
	for (const char *p = action; *p && name; p++)
		name = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		       *p == '_' || *p == '-' || *p == '.';
	if (name && strlen(action) <= 255)
		textbuf_puts(im->out, action);
	else
		put_str(im, action);
}

/* The first hidden character of any string the item writes, or 0. */
static uint32_t item_hidden(const struct importer *im, const struct item *it)
{
	uint32_t cp = first_hidden(it->title);
	if (!cp)
		cp = first_hidden(im->label);
	if (!cp && !it->site_name && it->site_string)
		cp = first_hidden(it->site_string);
	for (size_t i = 0; !cp && i < it->relevance.len; i++)
		cp = first_hidden(it->relevance.items[i]);
	if (!cp && it->action)
		cp = first_hidden(it->action);
	if (!cp && it->script)
		cp = first_hidden(it->script);
	if (!cp && it->success_relevance)
		cp = first_hidden(it->success_relevance);
	for (size_t i = 0; !cp && i < it->others.len; i++) {
		const struct other_action *o = it->others.items[i];
		cp = first_hidden(o->id);
		if (!cp)
			cp = first_hidden(o->script);
		if (!cp && o->success_relevance)
			cp = first_hidden(o->success_relevance);
	}
	for (size_t i = 0; !cp && i < it->params.len; i++) {
		const struct param *p = it->params.items[i];
		cp = first_hidden(p->name);
		if (!cp && p->description)
			cp = first_hidden(p->description);
		if (!cp && p->default_value && !p->secure)
			cp = first_hidden(p->default_value);
	}
	return cp;
}

/* The first hidden character of any string the baseline writes, or 0. */
static uint32_t baseline_hidden(const struct baseline *bl)
{
	uint32_t cp = first_hidden(bl->title);
	for (size_t i = 0; !cp && i < bl->components.len; i++) {
		const struct component *c = bl->components.items[i];
		cp = first_hidden(c->site_url);
		if (!cp && c->action)
			cp = first_hidden(c->action);
	}
	return cp;
}

/*
 * The content holds a hidden character, which the output writes as an
 * escape (\u{200B}); the lexer warns about each such escape (BFP006), as
 * it should in text a person wrote.  Here the character is the content's
 * own and must stay, so the declaration says so once, in the form the
 * project has for accepting a warning with its reason.
 */
static void put_allow(struct importer *im, uint32_t cp)
{
	if (!cp)
		return;
	const char *name = utf8_hidden_name(cp);
	textbuf_printf(im->out, "  # bfplan: allow BFP006 -- imported as the source has it, with U+%04X%s%s%s "
		       "written as an escape", (unsigned)cp, name ? " (" : "", name ? name : "", name ? ")" : "");
}

static void put_marks(struct importer *im, const struct item *it, const char *field)
{
	for (size_t i = 0; i < it->marks.len; i++) {
		const struct mark *m = it->marks.items[i];
		if ((field == NULL) != (m->field == NULL) || (field && strcmp(field, m->field) != 0))
			continue;
		textbuf_printf(im->out, "    unconfirmed %s%s", field ? field : "", field ? " " : "");
		put_str(im, m->reason);
		textbuf_putc(im->out, '\n');
	}
}

static const char *site_key(struct importer *im, const struct item *it)
{
	return arena_printf(im->arena, "%s\n%s\n%u", it->site_name ? "n" : "s",
			    it->site_name ? it->site_name : it->site_string, it->id);
}

/* The action's script, its type and success criteria, at `indent`: the body of an action's statements. */
static void put_action_body(struct importer *im, const char *indent, const char *script, const char *type,
			    const char *success, const char *success_relevance)
{
	struct textbuf *b = im->out;
	if (success) {
		textbuf_printf(b, "%ssuccess-criteria %s", indent, success);
		if (success_relevance) {
			textbuf_putc(b, ' ');
			put_str(im, success_relevance);
		}
		textbuf_putc(b, '\n');
	}
	if (type) {
		textbuf_printf(b, "%sactionscript-type ", indent);
		put_str(im, type);
		textbuf_putc(b, '\n');
	}
	struct ptrvec lines = {0};
	script_lines(im->arena, script, &lines);
	for (size_t i = 0; i < lines.len; i++) {
		textbuf_printf(b, "%sactionscript ", indent);
		put_str(im, lines.items[i]);
		textbuf_putc(b, '\n');
	}
}

/* `other-action Action2 { ... }`: another action, kept for a baseline line that names it. */
static void write_other_action(struct importer *im, const struct other_action *o)
{
	textbuf_puts(im->out, "    other-action ");
	put_action(im, o->id);
	textbuf_puts(im->out, " {\n");
	put_action_body(im, "        ", o->script, o->script_type, o->success, o->success_relevance);
	textbuf_puts(im->out, "    }\n");
}

static void write_item(struct importer *im, const struct item *it)
{
	const char *site_word = it->site_name ? it->site_name : it->site_string ? slug(im->arena, it->site_string)
										  : "site";
	const char *name = unique_name(im, arena_printf(im->arena, "%s-%u", site_word[0] ? site_word : "site",
							it->id));
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_'))
		name = unique_name(im, arena_printf(im->arena, "site-%s", name));
	struct textbuf *b = im->out;
	textbuf_printf(b, "\n%s %s ", it->is_task ? "task" : "fixlet", name);
	put_str(im, it->title);
	textbuf_puts(b, " {");
	put_allow(im, item_hidden(im, it));
	textbuf_putc(b, '\n');
	for (size_t i = 0; i < it->notes.len; i++)
		put_comment(im, "    ", it->notes.items[i]);
	textbuf_puts(b, "    imported-from ");
	put_str(im, im->label);
	textbuf_printf(b, "\n    id %u\n    site ", it->id);
	if (it->site_name)
		textbuf_puts(b, it->site_name);
	else
		put_str(im, it->site_string);
	textbuf_putc(b, '\n');
	put_marks(im, it, NULL);
	for (size_t i = 0; i < it->relevance.len; i++) {
		textbuf_puts(b, "    relevance ");
		put_str(im, it->relevance.items[i]);
		textbuf_putc(b, '\n');
	}
	if (it->action) {
		textbuf_puts(b, "    action ");
		put_action(im, it->action);
		textbuf_putc(b, '\n');
		put_marks(im, it, "action");
		put_action_body(im, "    ", it->script, it->script_type, it->success, it->success_relevance);
		textbuf_printf(b, "    pending-restart %s", as_restart_word(it->restart));
		if (it->restart_why)
			textbuf_printf(b, "  # %s", it->restart_why);
		textbuf_putc(b, '\n');
		put_marks(im, it, "pending-restart");
		if (it->params.len)
			put_comment(im, "    ", "The action asks for these when it is taken; bfplan cannot supply them:");
		for (size_t i = 0; i < it->params.len; i++) {
			const struct param *p = it->params.items[i];
			textbuf_puts(b, "    parameter ");
			put_str(im, p->name);
			if (p->secure)
				textbuf_puts(b, " secure");
			if (p->description) {
				textbuf_puts(b, " description ");
				put_str(im, p->description);
			}
			if (p->default_value && !p->secure) {
				textbuf_puts(b, " default ");
				put_str(im, p->default_value);
			}
			textbuf_putc(b, '\n');
		}
	}
	for (size_t i = 0; i < it->others.len; i++)
		write_other_action(im, it->others.items[i]);
	textbuf_puts(b, "}\n");
	im->written++;
}

static void write_baseline(struct importer *im, const struct baseline *bl)
{
	const char *base = slug(im->arena, bl->title);
	if (!(base[0] >= 'a' && base[0] <= 'z'))
		base = arena_printf(im->arena, "baseline%s%s", base[0] ? "-" : "", base);
	const char *name = unique_name(im, base);
	struct textbuf *b = im->out;
	textbuf_printf(b, "\nbaseline %s ", name);
	put_str(im, bl->title);
	textbuf_puts(b, " {");
	put_allow(im, baseline_hidden(bl));
	textbuf_putc(b, '\n');
	put_comment(im, "    ", "Imported: each line is a component, by its source's ID and site gather URL.");
	size_t group = 0;
	for (size_t i = 0; i < bl->components.len; i++) {
		while (group < bl->groups.len && *(size_t *)bl->group_at.items[group] == i) {
			const char *gname = bl->groups.items[group++];
			if (gname[0]) {
				textbuf_puts(b, "    # group ");
				put_str(im, gname);
				textbuf_putc(b, '\n');
			}
		}
		const struct component *c = bl->components.items[i];
		if (c->name) {
			textbuf_puts(b, "    # ");
			put_str(im, c->name);
			textbuf_putc(b, '\n');
		}
		if (c->params)
			put_comment(im, "    ", "It asks for a parameter when it is taken, which bfplan cannot supply.");
		if (c->doubt) {
			textbuf_puts(b, "    # Not sure: ");
			put_str(im, c->doubt);
			textbuf_putc(b, '\n');
		}
		textbuf_printf(b, "    fixlet %u site-url ", c->id);
		put_str(im, c->site_url);
		if (c->action) {
			textbuf_puts(b, " action ");
			put_action(im, c->action);
		}
		if (c->include)
			textbuf_printf(b, " include-in-relevance %s", c->include);
		if (c->has_restart)
			textbuf_printf(b, " pending-restart %s  # %s", as_restart_word(c->restart), c->restart_why);
		textbuf_putc(b, '\n');
	}
	textbuf_puts(b, "}\n");
	im->written++;
}

/* ---- files --------------------------------------------------------------------------------- */

/* Per parse: the first error libxml2 reports, and a DOCTYPE if there is one. */
struct parse_result {
	bool have_error;
	long line, column;
	const char *message;
	bool doctype;
	long doctype_line;
	struct arena *arena;
};

static void on_parse_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse_result *pr = ctxt->_private;
	if (pr->have_error || !e || e->level == XML_ERR_WARNING || e->level == XML_ERR_NONE)
		return;
	pr->have_error = true;
	pr->line = e->line;
	pr->column = e->int2;
	pr->message = printable(pr->arena, e->message ? e->message : "unknown error", 160);
}

/* BES content has no DOCTYPE: stop before its declarations (and any entity) are read. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *external, const xmlChar *system)
{
	(void)name;
	(void)external;
	(void)system;
	xmlParserCtxtPtr ctxt = data;
	struct parse_result *pr = ctxt->_private;
	pr->doctype = true;
	pr->doctype_line = ctxt->input ? ctxt->input->line : 0;
	xmlStopParser(ctxt);
}

/*
 * Plan language, by its first line: a comment, or a lower-case word and
 * a blank (`use "..."`, `cluster exch01 {`).  XML starts with '<' (after
 * a byte-order mark and blanks), so the two cannot be taken for each
 * other; the guess only chooses the help of an error already found.
 */
static bool looks_like_plan(const char *text, size_t len)
{
	size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	if (i < len && text[i] == '#')
		return true;
	size_t word = i;
	while (i < len && ((text[i] >= 'a' && text[i] <= 'z') || text[i] == '-'))
		i++;
	return i > word && i < len && text[i] == ' ';
}

static xmlDocPtr parse(struct importer *im, const char *text, size_t len, const char *path)
{
	struct parse_result pr = {.arena = im->arena};
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		diag_report(im->diags, BFP601, (struct src_span){im->file, 0, 0}, "out of memory while parsing");
		return NULL;
	}
	ctxt->_private = &pr;
	ctxt->sax->serror = on_parse_error;
	ctxt->sax->internalSubset = on_doctype;
	int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
		      XML_PARSE_NOWARNING;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text, (int)len, path, NULL, options);
	bool well_formed = ctxt->wellFormed && !pr.doctype;
	xmlFreeParserCtxt(ctxt);
	if (doc && well_formed)
		return doc;
	if (doc)
		xmlFreeDoc(doc);
	if (pr.doctype) {
		struct diag *d = diag_report(im->diags, BFP603, line_span(im, pr.doctype_line, 0),
					     "'%s' has a DOCTYPE, which BES content never has", im->label);
		diag_help(im->diags, d, "bfplan reads no DTD and expands no entities; import the file as the "
			  "console or the REST API wrote it");
	} else {
		struct diag *d = diag_report(im->diags, BFP601, line_span(im, pr.line, pr.column),
					     "'%s' is not well-formed XML: %s", im->label,
					     pr.message ? pr.message : "the parser gave up");
		if (looks_like_plan(text, len))
			diag_help(im->diags, d, "this looks like a plan file, which 'bfplan check %s' reads; "
				  "bfplan import reads .bes files as the BigFix console exports them or the REST API "
				  "returns them", path[0] == '<' ? "FILE" : path);
		else
			diag_help(im->diags, d, "bfplan imports .bes files as the BigFix console exports them or the "
				  "REST API returns them");
	}
	return NULL;
}

static void skipped(struct importer *im, const xmlNode *n, const char *why, const char *help)
{
	const char *name = printable(im->arena, (const char *)n->name, 40);
	struct diag *d = diag_report(im->diags, BFP609, element_span(im, n), "%s <%s> is not imported: %s",
				     strchr("AEIOU", name[0]) ? "an" : "a", name, why);
	diag_help(im->diags, d, "%s", help);
}

/* The items of one document, in document order, written when all of them were read. */
static void import_document(struct importer *im, const xmlNode *root)
{
	bool listing = is_element(root, "BESAPI");
	if (!listing && !is_element(root, "BES")) {
		struct diag *d = diag_report(im->diags, BFP602, element_span(im, root),
					     "'%s' is not BES content: its root element is <%s>, not <BES>", im->label,
					     printable(im->arena, (const char *)root->name, 40));
		diag_help(im->diags, d, "import a .bes file exported from the BigFix console, or what the "
			  "REST API returns for a Fixlet, Task or Baseline");
		return;
	}
	/* Fixlets and Tasks first, then Baselines, each in document order */
	struct ptrvec items = {0}, baselines = {0};
	bool found = false;
	for (const xmlNode *n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		bool fixlet = is_element(n, "Fixlet"), task = is_element(n, "Task");
		if (fixlet || task) {
			found = true;
			struct item *it = listing ? read_listing_entry(im, n, task) : read_fixlet(im, n, task);
			if (it)
				ptrvec_push(im->arena, &items, it);
		} else if (is_element(n, "Baseline") && !listing) {
			found = true;
			struct baseline *bl = read_baseline(im, n);
			if (bl)
				ptrvec_push(im->arena, &baselines, bl);
		} else if (is_element(n, "Baseline")) {
			found = true;
			skipped(im, n, "a listing holds no components",
				"import the baseline itself, as GET /api/baseline/{site type}/{site}/{id} returns it");
		} else {
			skipped(im, n, "it is not a Fixlet, Task or Baseline",
				"bfplan imports Fixlets, Tasks and Baselines; leave the others out of the file to "
				"silence this");
		}
	}
	if (!found) {
		struct diag *d = diag_report(im->diags, BFP602, element_span(im, root),
					     "'%s' holds no Fixlet, Task or Baseline", im->label);
		diag_help(im->diags, d, "export the Fixlets, Tasks or Baselines a plan uses");
		return;
	}
	for (size_t i = 0; i < items.len; i++) {
		const struct item *it = items.items[i];
		const char *key = site_key(im, it);
		struct src_span *first = symtab_get(&im->keys, key);
		if (first) {
			struct diag *d = diag_report(im->diags, BFP613, it->at, "%s %u of site '%s' is imported twice",
						     kind_word(it), it->id,
						     printable(im->arena, it->site_name ? it->site_name : it->site_string, 80));
			diag_note(im->diags, d, *first, "first imported here");
			diag_help(im->diags, d, "import each Fixlet once; check the --id values");
			continue;
		}
		struct src_span *at = arena_alloc(im->arena, sizeof *at);
		*at = it->at;
		symtab_put(&im->keys, key, at);
		write_item(im, it);
	}
	for (size_t i = 0; i < baselines.len; i++)
		write_baseline(im, baselines.items[i]);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static enum import_status import_one(struct importer *im, const char *path)
{
	const char *shown = load_display_name(path, NULL);
	struct load_read r = {.allow_outside = im->opts->allow_outside, .max_size = IMPORT_MAX_FILE_SIZE};
	char *text = load_read_file(im->arena, path, &r);
	if (!text) {
		load_report_unreadable(im->diags, shown, &r);
		return IMPORT_IO_ERROR;
	}
	size_t len = r.len;
	im->file = src_add(im->sm, shown, text, len);
	im->label = base_name(shown);
	if (r.too_large) {
		struct diag *d = diag_report(im->diags, BFP002, (struct src_span){im->file, 0, 0},
					     "'%s' is larger than %d bytes", shown, IMPORT_MAX_FILE_SIZE);
		diag_help(im->diags, d, "export fewer items per file");
		return IMPORT_OK;
	}
	xmlDocPtr doc = parse(im, text, len, shown);
	if (!doc)
		return IMPORT_OK;
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (root)
		import_document(im, root);
	xmlFreeDoc(doc);
	return IMPORT_OK;
}

enum import_status import_files(struct arena *a, struct src_manager *sm, struct diag_sink *diags,
				const struct import_options *opts, const char *const *paths, size_t count,
				struct textbuf *out)
{
	struct importer im = {.arena = a, .sm = sm, .diags = diags, .opts = opts, .out = out};
	symtab_init(&im.names, a);
	symtab_init(&im.suffixes, a);
	symtab_init(&im.keys, a);
	xmlInitParser();
	textbuf_puts(out, "# Written by `bfplan import` from");
	for (size_t i = 0; i < count; i++) {
		const char *shown = strcmp(paths[i], "-") == 0 ? "<stdin>" : base_name(paths[i]);
		textbuf_puts(out, i ? ", " : " ");
		import_put_string(out, shown, strlen(shown));
	}
	textbuf_puts(out, ".\n"
		     "# A plan that `use`s this file gets, for each Fixlet and Task below, its title,\n"
		     "# relevance, action and action script in the catalog entry of the same site\n"
		     "# and ID. 'pending-restart' is read from the action script; bfplan checks it\n"
		     "# against the script whenever the file is read.\n");
	enum import_status status = IMPORT_OK;
	for (size_t i = 0; i < count && status == IMPORT_OK; i++)
		status = import_one(&im, paths[i]);
	if (status != IMPORT_OK)
		return status;
	/* after a file that did not read, the count would only echo that error */
	if (im.next_id < opts->id_count && diags->errors == 0) {
		struct diag *d = diag_report(diags, BFP605, (struct src_span){SRC_NO_FILE, 0, 0},
					     "--id gives %zu IDs, but only %zu Fixlets and Tasks lack one",
					     opts->id_count, im.next_id);
		diag_help(diags, d, "give one --id for each Fixlet and Task without an ID, in the order of "
			  "the files");
	}
	if (out->len > PLAN_MAX_FILE) {
		struct diag *d = diag_report(diags, BFP607, (struct src_span){SRC_NO_FILE, 0, 0},
					     "the declarations take %zu bytes; a plan file holds at most %d",
					     out->len, PLAN_MAX_FILE);
		diag_help(diags, d, "import the files in several runs, each into its own file");
	}
	return IMPORT_OK;
}
