/*
 * validate.c - schema validation of emitted BES (see validate.h).
 *
 * libxml2 reports errors through a global handler unless each context is
 * given its own.  The XML parser context takes a structured handler in its
 * SAX block (called with the context as user data, so our state rides in
 * ctxt->_private); the schema parser and validator contexts take one
 * directly.  Reading the schema ourselves, instead of handing libxml2 a
 * path, keeps its I/O errors out of the global handler too.
 */
#include "out/validate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

struct validator {
	struct arena *arena;
	const char *path;
	xmlDocPtr schema_doc; /* kept alive while the compiled schema may point into it */
	xmlSchemaPtr schema;
};

/* What the handlers collect while one libxml2 call runs. */
struct collect {
	struct arena *arena;
	struct ptrvec messages; /* const char *: "line 12: Element 'X': ..." */
	size_t total;           /* errors seen, including those beyond the cap */
};

static void collect_error(struct collect *c, const xmlError *e)
{
	if (!e || e->level == XML_ERR_WARNING || e->level == XML_ERR_NONE)
		return;
	c->total++;
	if (c->messages.len >= VALIDATE_MAX_ERRORS)
		return;
	const char *msg = e->message ? e->message : "unknown error";
	size_t len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	char *text = e->line > 0 ? arena_printf(c->arena, "line %d: %.*s", e->line, (int)len, msg)
				 : arena_printf(c->arena, "%.*s", (int)len, msg);
	ptrvec_push(c->arena, &c->messages, text);
}

/* For schema parser and validator contexts: user data is ours. */
static void on_error(void *data, xmlErrorPtr e)
{
	collect_error(data, e);
}

/* For XML parser contexts: user data is the parser context itself. */
static void on_parser_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	collect_error(ctxt->_private, e);
}

/* Parses a document held in memory, errors into *c, without network or entity loading. */
static xmlDocPtr parse_memory(struct collect *c, const char *data, size_t len, const char *name)
{
	if (len > (size_t)0x7FFFFFFF) {
		ptrvec_push(c->arena, &c->messages, arena_strdup(c->arena, "the document is too large to parse"));
		c->total++;
		return NULL;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		ptrvec_push(c->arena, &c->messages, arena_strdup(c->arena, "out of memory"));
		c->total++;
		return NULL;
	}
	ctxt->_private = c;
	ctxt->sax->serror = on_parser_error;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL, XML_PARSE_NONET);
	if (doc && !ctxt->wellFormed) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && c->total == 0) {
		ptrvec_push(c->arena, &c->messages, arena_strdup(c->arena, "not well-formed XML"));
		c->total++;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static char *read_schema(struct arena *a, const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	size_t cap = 64 * 1024, n = 0;
	char *buf = arena_alloc(a, cap);
	for (;;) {
		if (n == cap) {
			if (cap >= VALIDATE_MAX_SCHEMA_SIZE) {
				fclose(f);
				*why = "it is larger than bfplan reads";
				return NULL;
			}
			char *bigger = arena_alloc(a, cap * 2);
			memcpy(bigger, buf, n);
			buf = bigger;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	int err = errno;
	fclose(f);
	if (bad) {
		*why = strerror(err);
		return NULL;
	}
	*len = n;
	return buf;
}

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

static void schema_unusable(struct diag_sink *diags, const char *path, const char *why,
			    const struct collect *c)
{
	struct diag *d = diag_report(diags, BFP405, nowhere, "cannot use the schema '%s': %s", path, why);
	for (size_t i = 0; i < c->messages.len; i++)
		diag_note(diags, d, nowhere, "%s: %s", path, (const char *)c->messages.items[i]);
	diag_help(diags, d, "pass --schema FILE or set BFPLAN_BES_XSD to a readable BES.xsd "
			    "(a BigFix server keeps one in its reference folder)");
}

struct validator *validator_open(struct arena *arena, const char *xsd_path, struct diag_sink *diags)
{
	xmlInitParser();
	struct collect c = {.arena = arena};
	size_t len;
	const char *why = NULL;
	char *text = read_schema(arena, xsd_path, &len, &why);
	if (!text) {
		schema_unusable(diags, xsd_path, why, &c);
		return NULL;
	}
	xmlDocPtr doc = parse_memory(&c, text, len, xsd_path);
	if (!doc) {
		schema_unusable(diags, xsd_path, "it is not well-formed XML", &c);
		return NULL;
	}
	xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewDocParserCtxt(doc);
	xmlSchemaPtr schema = NULL;
	if (pctxt) {
		xmlSchemaSetParserStructuredErrors(pctxt, on_error, &c);
		schema = xmlSchemaParse(pctxt);
		xmlSchemaFreeParserCtxt(pctxt);
	}
	if (!schema || c.total > 0) {
		if (schema)
			xmlSchemaFree(schema);
		xmlFreeDoc(doc);
		schema_unusable(diags, xsd_path, "it is not a usable XML schema", &c);
		return NULL;
	}
	struct validator *v = arena_alloc(arena, sizeof *v);
	v->arena = arena;
	v->path = arena_strdup(arena, xsd_path);
	v->schema_doc = doc;
	v->schema = schema;
	return v;
}

bool validator_check(struct validator *v, const char *name, const char *data, size_t len,
		     struct src_span where, struct diag_sink *diags)
{
	struct collect c = {.arena = v->arena};
	xmlDocPtr doc = parse_memory(&c, data, len, name);
	int rc = -1;
	if (doc) {
		xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(v->schema);
		if (vctxt) {
			xmlSchemaSetValidStructuredErrors(vctxt, on_error, &c);
			rc = xmlSchemaValidateDoc(vctxt, doc);
			xmlSchemaFreeValidCtxt(vctxt);
		}
		xmlFreeDoc(doc);
	}
	if (rc == 0 && c.total == 0)
		return true;
	if (c.messages.len == 0)
		ptrvec_push(v->arena, &c.messages, arena_strdup(v->arena, "the validator failed without a message"));
	for (size_t i = 0; i < c.messages.len; i++) {
		struct diag *d = diag_report(diags, BFP404, where, "%s does not validate against %s: %s", name,
					     v->path, (const char *)c.messages.items[i]);
		if (i == 0 && c.total > c.messages.len)
			diag_note(diags, d, nowhere, "%zu more schema errors in %s are not shown",
				  c.total - c.messages.len, name);
		if (i == 0)
			diag_help(diags, d, "this is a bug in bfplan's BES output unless the schema is of an "
					    "unexpected version; please report it with the plan");
	}
	return false;
}

void validator_close(struct validator *v)
{
	if (!v)
		return;
	xmlSchemaFree(v->schema);
	xmlFreeDoc(v->schema_doc);
	v->schema = NULL;
	v->schema_doc = NULL;
}
