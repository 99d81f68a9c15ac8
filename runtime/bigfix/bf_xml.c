/*
 * bf_xml.c - reading the BigFix server's answers (BESAPI documents).
 *
 * An answer is untrusted input.  It is parsed by libxml2 with the network
 * off and entities left alone, refused outright when it declares a DTD
 * (entity expansion, external entities), bounded in size before parsing,
 * validated against BESAPI.xsd when the caller has it, and then read only
 * where the REST API reference says each thing is: a missing part is a
 * clear error, never a NULL the caller trips on.
 *
 * BESAPI.xsd as the vendor ships it does not compile; bf_schema_load()
 * applies, in memory, the three corrections of its provenance note (an
 * element wrapped in a sequence, RelevanceResult a repeated choice, the
 * root's choice allowed to be empty), each of which must find exactly the
 * one place it mends.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "runtime/bigfix/bigfix.h"
#include "base/escape.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"

struct bf_schema {
	xmlDocPtr doc;       /* the corrected schema document, which the compiled schema refers to */
	xmlSchemaPtr schema;
};

struct bf_answer {
	xmlDocPtr doc;
};

/* ---- errors ------------------------------------------------------------------------------- */

static const char *const err_names[] = {
#define X(kind, what) #kind,
	BF_ERRORS(X)
#undef X
};

static const char *const err_meanings[] = {
#define X(kind, what) what,
	BF_ERRORS(X)
#undef X
};

const char *bf_err_name(enum bf_err kind)
{
	/* "BF_ERR_LOST_ANSWER" -> "lost_answer" is done once, into a table the size of the list */
	static char names[sizeof err_names / sizeof err_names[0]][32];
	char *name = names[kind];
	if (!name[0]) {
		const char *s = err_names[kind];
		s += strncmp(s, "BF_ERR_", 7) == 0 ? 7 : 3;
		size_t i = 0;
		for (; s[i] && i + 1 < sizeof names[0]; i++)
			name[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
		name[i] = '\0';
	}
	return name;
}

const char *bf_err_meaning(enum bf_err kind)
{
	return err_meanings[kind];
}

void bf_error_set(struct bf_error *err, enum bf_err kind, const char *fmt, ...)
{
	err->kind = kind;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof err->text, fmt, ap);
	va_end(ap);
}

void bf_error_append(struct bf_error *err, const char *text, size_t len)
{
	size_t at = strlen(err->text);
	for (size_t i = 0; i < len;) {
		char escape[ESC_TERMINAL_MAX];
		size_t n = esc_terminal_char(text + i, len - i, escape);
		const char *show = escape[0] ? escape : text + i;
		size_t show_len = escape[0] ? strlen(escape) : n;
		if (text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
			show = " ", show_len = 1;
		if (at + show_len + 4 >= sizeof err->text) {
			memcpy(err->text + at, "...", 4);
			return;
		}
		memcpy(err->text + at, show, show_len);
		at += show_len;
		i += n;
	}
	err->text[at] = '\0';
}

/* ---- libxml2's messages, collected instead of printed -------------------------------------------- */

struct collected {
	char text[300];
	int line;
	int count;
};

static void collect(void *ctx, xmlErrorPtr e)
{
	struct collected *c = ctx;
	if (c->count++ || !e || !e->message)
		return;
	snprintf(c->text, sizeof c->text, "%s", e->message);
	size_t n = strlen(c->text);
	while (n && (c->text[n - 1] == '\n' || c->text[n - 1] == ' '))
		c->text[--n] = '\0';
	c->line = e->line;
}

/* ---- the schema -------------------------------------------------------------------------------- */

static bool is_xs(const xmlNode *n, const char *local)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, XS_NS) == 0 &&
	       strcmp((const char *)n->name, local) == 0;
}

static bool has_name(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"name");
	bool same = v && strcmp((const char *)v, name) == 0;
	xmlFree(v);
	return same;
}

/* The xs:LOCAL children of `parent` (named `name` when not NULL): how many, and the first. */
static xmlNode *xs_child(xmlNode *parent, const char *local, const char *name, int *count)
{
	xmlNode *first = NULL;
	*count = 0;
	for (xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
		if (is_xs(n, local) && (!name || has_name(n, name))) {
			if (!first)
				first = n;
			++*count;
		}
	return first;
}

/* Every xs:element named `name` below `n`, counted; the first returned. */
static xmlNode *xs_find_element(xmlNode *n, const char *name, int *count)
{
	xmlNode *first = NULL;
	for (; n; n = n->next) {
		if (is_xs(n, "element") && has_name(n, name)) {
			if (!first)
				first = n;
			++*count;
		}
		xmlNode *below = xs_find_element(n->children, name, count);
		if (!first)
			first = below;
	}
	return first;
}

static bool drift(struct bf_error *err, const char *path, const char *what)
{
	bf_error_set(err, BF_ERR_SCHEMA_FILE,
		     "%s is not the BESAPI.xsd release bfplan knows (11.0.4.60): %s; its known defects cannot be "
		     "corrected, so answers cannot be validated against it",
		     path, what);
	return false;
}

/* The three corrections of BESAPI.xsd's provenance note, each in its one place. */
static bool correct_besapi(xmlDocPtr doc, const char *path, struct bf_error *err)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	int n = 0;
	if (!root || !is_xs(root, "schema"))
		return drift(err, path, "its root is not xs:schema");

	/* 1. ExplorerDetails holds an xs:element straight in its xs:complexType: wrap it in a sequence. */
	xmlNode *explorer = xs_find_element(root->children, "ExplorerDetails", &n);
	int m = 0, k = 0;
	xmlNode *ctype = n == 1 ? xs_child(explorer, "complexType", NULL, &m) : NULL;
	xmlNode *inner = m == 1 ? xs_child(ctype, "element", NULL, &k) : NULL;
	if (n != 1 || m != 1 || k != 1)
		return drift(err, path, "ExplorerDetails is not the element without a sequence");
	xmlNode *seq = xmlNewDocNode(doc, ctype->ns, (const xmlChar *)"sequence", NULL);
	xmlReplaceNode(inner, seq);
	xmlAddChild(seq, inner);

	/* 2. RelevanceResult: a repeated sequence of Answer then Tuple becomes a repeated choice. */
	xmlNode *rr = xs_child(root, "complexType", "RelevanceResult", &n);
	xmlNode *rseq = n == 1 ? xs_child(rr, "sequence", NULL, &m) : NULL;
	if (n != 1 || m != 1)
		return drift(err, path, "RelevanceResult is not one sequence");
	xmlNodeSetName(rseq, (const xmlChar *)"choice");

	/* 3. The root's choice may be empty: <BESAPI/> is an answer (no actions yet). */
	xmlNode *besapi = xs_child(root, "element", "BESAPI", &n);
	xmlNode *btype = n == 1 ? xs_child(besapi, "complexType", NULL, &m) : NULL;
	xmlNode *choice = m == 1 ? xs_child(btype, "choice", NULL, &k) : NULL;
	if (n != 1 || m != 1 || k != 1)
		return drift(err, path, "the BESAPI root is not one choice");
	xmlSetProp(choice, (const xmlChar *)"minOccurs", (const xmlChar *)"0");
	return true;
}

struct bf_schema *bf_schema_load(const char *path, struct bf_error *err)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		bf_error_set(err, BF_ERR_SCHEMA_FILE, "cannot read %s as XML", path);
		return NULL;
	}
	if (!correct_besapi(doc, path, err)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	struct collected why = {0};
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(doc);
	xmlSchemaSetParserStructuredErrors(pc, collect, &why);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaFreeParserCtxt(pc);
	if (!schema) {
		bf_error_set(err, BF_ERR_SCHEMA_FILE, "%s does not compile as a schema, even corrected: %s", path,
			     why.text);
		xmlFreeDoc(doc);
		return NULL;
	}
	struct bf_schema *s = malloc(sizeof *s);
	if (!s) {
		xmlSchemaFree(schema);
		xmlFreeDoc(doc);
		bf_error_set(err, BF_ERR_SCHEMA_FILE, "out of memory loading %s", path);
		return NULL;
	}
	s->doc = doc;
	s->schema = schema;
	return s;
}

void bf_schema_free(struct bf_schema *s)
{
	if (!s)
		return;
	xmlSchemaFree(s->schema);
	xmlFreeDoc(s->doc);
	free(s);
}

/* ---- parsing an answer ------------------------------------------------------------------------------ */

static void ignore(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* Whether the bytes hold a document type declaration, for an answer the parser gave up on. */
static bool declares_dtd(const char *data, size_t len)
{
	static const char mark[] = "<!DOCTYPE";
	for (const char *p = data; (p = memchr(p, '<', len - (size_t)(p - data))) != NULL; p++)
		if ((size_t)(data + len - p) >= sizeof mark - 1 && memcmp(p, mark, sizeof mark - 1) == 0)
			return true;
	return false;
}

struct bf_answer *bf_answer_parse(const char *data, size_t len, size_t max_len, const struct bf_schema *schema,
				  struct bf_error *err)
{
	if (max_len > INT_MAX)
		max_len = INT_MAX;
	if (len > max_len) {
		bf_error_set(err, BF_ERR_OVERSIZED, "the answer has %zu bytes, more than the %zu bfplan accepts", len,
			     max_len);
		return NULL;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		bf_error_set(err, BF_ERR_MALFORMED, "out of memory reading the answer");
		return NULL;
	}
	/*
	 * No NOENT (entities stay unexpanded), no DTDLOAD, no network, nothing
	 * printed: libxml2 reports encoding errors through its generic handler
	 * whatever the options say, so that is silenced while the answer is read.
	 */
	xmlGenericErrorFunc saved = xmlGenericError;
	void *saved_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, ignore);
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, "answer", NULL,
					  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetGenericErrorFunc(saved_ctx, saved);
	if (!doc && declares_dtd(data, len)) {
		/* an entity loop or expansion stops the parser before the DTD can be seen */
		bf_error_set(err, BF_ERR_HOSTILE, "the answer declares a DTD, which no BigFix answer has; refused");
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	if (!doc) {
		const xmlError *e = &ctxt->lastError;
		bf_error_set(err, BF_ERR_MALFORMED, "the answer is not well-formed XML (line %d): ", e->line);
		if (e->message)
			bf_error_append(err, e->message, strcspn(e->message, "\n"));
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	struct bf_answer *a = malloc(sizeof *a);
	if (!a) {
		xmlFreeDoc(doc);
		bf_error_set(err, BF_ERR_MALFORMED, "out of memory reading the answer");
		return NULL;
	}
	a->doc = doc;
	if (doc->intSubset || doc->extSubset) {
		bf_error_set(err, BF_ERR_HOSTILE, "the answer declares a DTD, which no BigFix answer has; refused");
		bf_answer_free(a);
		return NULL;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "BESAPI") != 0 || root->ns) {
		bf_error_set(err, BF_ERR_SHAPE, "the answer is not a BESAPI document: its root is ");
		const char *name = root ? (const char *)root->name : "missing";
		bf_error_append(err, name, strlen(name));
		bf_answer_free(a);
		return NULL;
	}
	if (schema) {
		struct collected why = {0};
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema->schema);
		xmlSchemaSetValidStructuredErrors(vc, collect, &why);
		int rc = vc ? xmlSchemaValidateDoc(vc, doc) : -1;
		xmlSchemaFreeValidCtxt(vc);
		if (rc != 0) {
			bf_error_set(err, BF_ERR_SCHEMA, "the answer is not valid against BESAPI.xsd (line %d): ",
				     why.line);
			bf_error_append(err, why.text, strlen(why.text));
			bf_answer_free(a);
			return NULL;
		}
	}
	return a;
}

void bf_answer_free(struct bf_answer *a)
{
	if (!a)
		return;
	xmlFreeDoc(a->doc);
	free(a);
}

/* ---- reading the parts ------------------------------------------------------------------------------ */

static bool is_element(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent->children; n; n = n->next)
		if (is_element(n, name))
			return n;
	return NULL;
}

static size_t count_children(const xmlNode *parent, const char *name)
{
	size_t count = 0;
	for (xmlNode *n = parent->children; n; n = n->next)
		count += is_element(n, name);
	return count;
}

/* The child element `name` when there is exactly one, else NULL. */
static xmlNode *only_child(const xmlNode *parent, const char *name)
{
	return count_children(parent, name) == 1 ? child(parent, name) : NULL;
}

static xmlNode *root_of(const struct bf_answer *a)
{
	return xmlDocGetRootElement(a->doc);
}

/* The text of a node, in the arena ("" for none). */
static char *text_of(struct arena *arena, const xmlNode *n)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	char *s = arena_strdup(arena, t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

static char *attr_of(struct arena *arena, const xmlNode *n, const char *name)
{
	xmlChar *t = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s = arena_strdup(arena, t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

/* A non-negative integer, spaces around it allowed (normalizedString); false if anything else. */
static bool parse_id(const char *s, uint64_t *out)
{
	while (*s == ' ')
		s++;
	uint64_t v = 0;
	const char *start = s;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (s == start)
		return false;
	while (*s == ' ')
		s++;
	if (*s)
		return false;
	*out = v;
	return true;
}

static bool shape(struct bf_error *err, const char *what)
{
	bf_error_set(err, BF_ERR_SHAPE, "the answer lacks %s", what);
	return false;
}

/* The ID in element `name` of `n`, or a shape error naming `what`. */
static bool id_child(struct arena *arena, const xmlNode *n, const char *name, uint64_t *id, const char *what,
		     struct bf_error *err)
{
	xmlNode *e = child(n, name);
	if (!e)
		return shape(err, what);
	if (!parse_id(text_of(arena, e), id)) {
		bf_error_set(err, BF_ERR_SHAPE, "the answer's %s is not an ID: ", what);
		const char *t = text_of(arena, e);
		bf_error_append(err, t, strlen(t));
		return false;
	}
	return true;
}

bool bf_read_computer_ids(const struct bf_answer *a, struct arena *arena, uint64_t **ids, size_t *n,
			  struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	size_t cap = count_children(root, "Computer");
	*ids = arena_calloc(arena, cap ? cap : 1, sizeof **ids);
	*n = 0;
	for (xmlNode *c = root->children; c; c = c->next)
		if (is_element(c, "Computer") && !id_child(arena, c, "ID", &(*ids)[(*n)++], "a computer's ID", err))
			return false;
	return true;
}

bool bf_read_computer(const struct bf_answer *a, struct arena *arena, struct bf_computer *out,
		      struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	xmlNode *c = only_child(root, "Computer");
	if (!c)
		return shape(err, "exactly one Computer");
	memset(out, 0, sizeof *out);
	out->dns = out->last_report = "";
	for (xmlNode *p = c->children; p; p = p->next) {
		if (!is_element(p, "Property"))
			continue;
		const char *name = attr_of(arena, p, "Name");
		if (strcmp(name, "Computer Name") == 0)
			out->name = text_of(arena, p);
		else if (strcmp(name, "DNS Name") == 0)
			out->dns = text_of(arena, p);
		else if (strcmp(name, "Last Report Time") == 0)
			out->last_report = text_of(arena, p);
		else if (strcmp(name, "ID") == 0 && !parse_id(text_of(arena, p), &out->id))
			return shape(err, "a computer ID property that is an ID");
	}
	if (!out->name)
		return shape(err, "the computer's \"Computer Name\" property");
	return true;
}

/* An Answer's text, or a Tuple's answers joined by ", ", appended to b. */
static void result_text(struct textbuf *b, const xmlNode *n)
{
	bool first = true;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (!is_element(c, "Answer") && !is_element(c, "Tuple"))
			continue;
		if (!first)
			textbuf_puts(b, ", ");
		first = false;
		if (is_element(c, "Tuple")) {
			result_text(b, c);
			continue;
		}
		xmlChar *t = xmlNodeGetContent(c);
		textbuf_puts(b, t ? (const char *)t : "");
		xmlFree(t);
	}
}

bool bf_read_query(const struct bf_answer *a, struct arena *arena, const char ***answers, size_t *n,
		   struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	xmlNode *q = only_child(root, "Query");
	if (!q)
		return shape(err, "exactly one Query");
	xmlNode *e = child(q, "Error");
	if (e) {
		const char *t = text_of(arena, e);
		bf_error_set(err, BF_ERR_RELEVANCE, "the server could not evaluate the session relevance: ");
		bf_error_append(err, t, strlen(t));
		return false;
	}
	xmlNode *result = child(q, "Result");
	if (!result)
		return shape(err, "the query's Result");
	size_t cap = count_children(result, "Answer") + count_children(result, "Tuple");
	*answers = arena_calloc(arena, cap ? cap : 1, sizeof **answers);
	*n = 0;
	for (xmlNode *c = result->children; c; c = c->next) {
		if (!is_element(c, "Answer") && !is_element(c, "Tuple"))
			continue;
		struct textbuf b;
		textbuf_init(&b, arena);
		if (is_element(c, "Tuple")) {
			result_text(&b, c);
		} else {
			xmlChar *t = xmlNodeGetContent(c);
			textbuf_puts(&b, t ? (const char *)t : "");
			xmlFree(t);
		}
		(*answers)[(*n)++] = b.data;
	}
	return true;
}

static bool read_ref(struct arena *arena, const xmlNode *n, struct bf_action_ref *out, struct bf_error *err)
{
	out->name = text_of(arena, child(n, "Name"));
	return id_child(arena, n, "ID", &out->id, "an action's ID", err);
}

bool bf_read_action(const struct bf_answer *a, struct arena *arena, struct bf_action_ref *out,
		    struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	xmlNode *action = only_child(root, "Action");
	if (!action)
		return shape(err, "exactly one Action (the action created)");
	return read_ref(arena, action, out, err);
}

bool bf_read_actions(const struct bf_answer *a, struct arena *arena, struct bf_action_ref **out, size_t *n,
		     struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	size_t cap = count_children(root, "Action");
	*out = arena_calloc(arena, cap ? cap : 1, sizeof **out);
	*n = 0;
	for (xmlNode *c = root->children; c; c = c->next)
		if (is_element(c, "Action") && !read_ref(arena, c, &(*out)[(*n)++], err))
			return false;
	return true;
}

/* The console's action statuses: the REST pages name the first seven; the rest are inferred. */
static const struct {
	const char *status;
	enum bf_outcome outcome;
} outcomes[] = {
	{"Fixed", BF_SUCCEEDED},
	{"Failed", BF_FAILED},
	{"Pending Restart", BF_PENDING_RESTART},
	{"Running", BF_PENDING},
	{"Waiting", BF_PENDING},
	{"Evaluating", BF_PENDING},
	{"Not Relevant", BF_NOT_RELEVANT},
	/* inferred from the console: */
	{"Completed", BF_SUCCEEDED},
	{"Error", BF_FAILED},
	{"Download Failed", BF_FAILED},
	{"Invalid Signature", BF_FAILED},
	{"Pending Downloads", BF_PENDING},
	{"Pending Message", BF_PENDING},
	{"Pending Login", BF_PENDING},
	{"Postponed", BF_PENDING},
	{"Locked", BF_PENDING},
	{"Constrained", BF_PENDING},
	{"Expired", BF_ENDED},
	{"Stopped", BF_ENDED},
	{"Canceled", BF_ENDED},
};

static const char *const outcome_meanings[] = {
#define X(kind, what) what,
	BF_OUTCOMES(X)
#undef X
};

const char *bf_outcome_meaning(enum bf_outcome outcome)
{
	return outcome_meanings[outcome];
}

enum bf_outcome bf_outcome_of(const char *status)
{
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		if (strcasecmp(status, outcomes[i].status) == 0)
			return outcomes[i].outcome;
	return BF_UNKNOWN;
}

static bool read_results(struct arena *arena, const xmlNode *parent, struct bf_target_result *out, size_t *n,
			 struct bf_error *err)
{
	for (xmlNode *c = parent->children; c; c = c->next) {
		if (!is_element(c, "Computer"))
			continue;
		struct bf_target_result *t = &out[(*n)++];
		if (!parse_id(attr_of(arena, c, "ID"), &t->computer_id))
			return shape(err, "a target's computer ID");
		t->computer_name = attr_of(arena, c, "Name");
		xmlNode *s = child(c, "Status");
		if (!s)
			return shape(err, "a target's Status");
		t->status = text_of(arena, s);
		t->outcome = bf_outcome_of(t->status);
	}
	return true;
}

/* Which of two outcomes a Baseline's component results add up to: the one further from success. */
static enum bf_outcome worse(enum bf_outcome a, enum bf_outcome b)
{
	static const int rank[] = {
		[BF_SUCCEEDED] = 0, [BF_NOT_RELEVANT] = 1, [BF_PENDING_RESTART] = 2, [BF_PENDING] = 3,
		[BF_UNKNOWN] = 4, [BF_ENDED] = 5, [BF_FAILED] = 6,
	};
	return rank[a] >= rank[b] ? a : b;
}

/*
 * A Baseline's action reports per component, in MemberActionResult.  When
 * the answer has no Computer of its own (the REST pages do not say), each
 * target's outcome is that of its worst component.
 */
static bool merge_members(struct arena *arena, const xmlNode *results, struct bf_action_status *out, size_t cap,
			  struct bf_error *err)
{
	for (xmlNode *m = results->children; m; m = m->next) {
		if (!is_element(m, "MemberActionResult"))
			continue;
		struct bf_target_result *tmp = arena_calloc(arena, count_children(m, "Computer") + 1, sizeof *tmp);
		size_t k = 0;
		if (!read_results(arena, m, tmp, &k, err))
			return false;
		for (size_t i = 0; i < k; i++) {
			size_t j = 0;
			while (j < out->n_targets && out->targets[j].computer_id != tmp[i].computer_id)
				j++;
			if (j == out->n_targets) {
				if (j == cap)
					return shape(err, "consistent member results");
				out->targets[out->n_targets++] = tmp[i];
			} else {
				out->targets[j].outcome = worse(out->targets[j].outcome, tmp[i].outcome);
			}
		}
	}
	return true;
}

bool bf_read_status(const struct bf_answer *a, struct arena *arena, struct bf_action_status *out,
		    struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	xmlNode *r = only_child(root, "ActionResults");
	if (!r)
		return shape(err, "exactly one ActionResults");
	memset(out, 0, sizeof *out);
	if (!id_child(arena, r, "ActionID", &out->action_id, "the ActionID", err))
		return false;
	xmlNode *s = child(r, "Status");
	if (!s)
		return shape(err, "the action's Status");
	out->status = text_of(arena, s);
	size_t cap = count_children(r, "Computer");
	for (xmlNode *m = r->children; m; m = m->next)
		if (is_element(m, "MemberActionResult"))
			cap += count_children(m, "Computer");
	out->targets = arena_calloc(arena, cap ? cap : 1, sizeof *out->targets);
	if (!read_results(arena, r, out->targets, &out->n_targets, err))
		return false;
	if (out->n_targets == 0)
		return merge_members(arena, r, out, cap, err);
	return true;
}

bool bf_read_import(const struct bf_answer *a, struct arena *arena, struct bf_imported **out, size_t *n,
		    struct bf_error *err)
{
	const xmlNode *root = root_of(a);
	size_t cap = 0;
	for (xmlNode *c = root->children; c; c = c->next)
		cap += c->type == XML_ELEMENT_NODE;
	*out = arena_calloc(arena, cap ? cap : 1, sizeof **out);
	*n = 0;
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		struct bf_imported *item = &(*out)[(*n)++];
		item->kind = arena_strdup(arena, (const char *)c->name);
		item->name = text_of(arena, child(c, "Name"));
		if (!id_child(arena, c, "ID", &item->id, "an imported object's ID", err))
			return false;
	}
	return true;
}
