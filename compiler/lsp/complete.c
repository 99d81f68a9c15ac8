/*
 * complete.c - what may be written at the cursor (textDocument/completion):
 * keywords, statement words, declared names, OS and site names.
 *
 * The line being typed has no syntax tree yet, so the place is read from
 * the text up to the cursor (the blocks around it, the words before it);
 * the words are the resolver's tables, the names those of the last check
 * that resolved.
 */
#include "lsp/server.h"

#include <string.h>

/*
 * What the cursor is in, read from the text up to it (a line being typed
 * has no syntax tree): the words that opened the blocks around it, and
 * the words of its line before it.
 */
struct context {
	const char *opener[4];      /* the first word of the line of each open '{', outermost first */
	size_t depth;
	bool quiet;                 /* inside a string or a comment: nothing to offer */
	const char *words[8];       /* the line's words before the cursor (a word being typed excluded) */
	size_t nwords;
};

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || (unsigned char)c >= 0x80;
}

static const char *word_at(struct arena *a, const char *text, size_t from, size_t len)
{
	size_t end = from;
	while (end < len && word_char(text[end]))
		end++;
	return arena_strndup(a, text + from, end - from);
}

static void read_context(struct arena *a, const char *text, size_t cursor, struct context *c)
{
	*c = (struct context){0};
	size_t line = 0;
	bool in_string = false, in_comment = false;
	for (size_t i = 0; i < cursor; i++) {
		char ch = text[i];
		if (ch == '\n') {
			line = i + 1;
			in_string = in_comment = false;
		} else if (in_comment) {
			continue;
		} else if (in_string) {
			if (ch == '\\' && i + 1 < cursor)
				i++;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '#') {
			in_comment = true;
		} else if (ch == '{') {
			size_t w = line;
			while (w < i && (text[w] == ' ' || text[w] == '\t'))
				w++;
			if (c->depth < sizeof c->opener / sizeof c->opener[0])
				c->opener[c->depth] = word_at(a, text, w, i);
			c->depth++;
		} else if (ch == '}' && c->depth > 0) {
			c->depth--;
		}
	}
	c->quiet = in_string || in_comment;
	size_t end = cursor;
	while (end > line && word_char(text[end - 1]))
		end--; /* the word being typed */
	for (size_t i = line; i < end && c->nwords < sizeof c->words / sizeof c->words[0];) {
		if (text[i] == '"') { /* a string is no word: its end, or the end of what is read */
			for (i++; i < end && text[i] != '"'; i++)
				i += text[i] == '\\';
			i++;
			continue;
		}
		if (text[i] == '{')
			c->nwords = 0; /* a statement after a block's brace, on the same line */
		if (!word_char(text[i])) {
			i++;
			continue;
		}
		c->words[c->nwords++] = word_at(a, text, i, end);
		while (i < end && word_char(text[i]))
			i++;
	}
}

/* The kind of the declaration a block keyword opens, or DECL_KIND_COUNT. */
static enum ast_decl_kind kind_named(const char *word)
{
	for (int k = 0; k < DECL_KIND_COUNT && word; k++)
		if (strcmp(ast_decl_kind_name((enum ast_decl_kind)k), word) == 0)
			return (enum ast_decl_kind)k;
	return DECL_KIND_COUNT;
}

/*
 * What a statement's values name, by its word: the resolver's tables say
 * which statements a block takes, this says which declarations their
 * values refer to, for offering names.
 */
static enum ast_decl_kind value_kind(const char *word, const char *prev)
{
	static const struct {
		const char *word;
		enum ast_decl_kind kind;
	} table[] = {
		{"site", DECL_SITE}, {"os", DECL_OS}, {"from", DECL_STATE}, {"to", DECL_STATE},
		{"needs", DECL_PREREQUISITE}, {"require", DECL_PREREQUISITE}, {"run", DECL_FIXLET},
		{"provided-by", DECL_FIXLET}, {"detected-by", DECL_FIXLET}, {"undo", DECL_STEP},
		{"timeout", DECL_STEP}, {"role", DECL_ROLE}, {"cluster", DECL_CLUSTER},
	};
	if (prev && strcmp(prev, "site") == 0)
		return DECL_SITE; /* `fixlet 501 site NAME` in a baseline */
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (word && strcmp(table[i].word, word) == 0)
			return table[i].kind;
	return DECL_KIND_COUNT;
}

static void add_item(json_t *out, const char *label, int kind, const char *detail)
{
	json_array_append_new(out, json_pack("{s:o,s:i,s:s}", "label", text_json_str(label), "kind", kind, "detail",
					     detail));
}

static int completion_kind(enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_SITE: return 9;          /* Module */
	case DECL_OS:
	case DECL_STATE: return 20;        /* EnumMember */
	case DECL_PREREQUISITE: return 8;  /* Interface */
	case DECL_FIXLET:
	case DECL_TASK: return 3;          /* Function */
	case DECL_STEP: return 2;          /* Method */
	case DECL_ROLE: return 7;          /* Class */
	case DECL_CLUSTER: return 22;      /* Struct */
	case DECL_BASELINE:
	case DECL_PLAN: return 18;         /* Reference */
	case DECL_KIND_COUNT: break;
	}
	return 6;
}

/* The declared names of `kind` (every kind for DECL_KIND_COUNT). */
static void add_names(json_t *out, const struct analysis *a, enum ast_decl_kind kind)
{
	for (size_t i = 0; a && i < a->index.defs.len; i++) {
		const struct name_def *d = a->index.defs.items[i];
		bool fits = kind == DECL_KIND_COUNT || d->kind == kind || (kind == DECL_FIXLET && d->kind == DECL_TASK);
		if (fits && d->kind != DECL_PLAN)
			add_item(out, d->name, completion_kind(d->kind), ast_decl_kind_name(d->kind));
	}
}

/* The nodes of the plan's cluster (of every cluster of the file, when the plan's is not known). */
static void add_nodes(json_t *out, const struct analysis *a, const struct plan_ent *plan)
{
	for (size_t i = 0; a && i < a->world.clusters.len; i++) {
		const struct cluster_ent *cl = a->world.clusters.items[i];
		if (plan && plan->cluster ? cl != plan->cluster : cl->decl.file != a->root)
			continue;
		for (size_t k = 0; k < cl->nodes.len; k++)
			add_item(out, ((const struct node_ent *)cl->nodes.items[k])->name, 12 /* Value */, "node");
	}
}

void feature_completion(const struct feature_request *q, struct reply *r)
{
	struct doc *d = q->doc;
	json_t *items = json_array();
	r->result = json_pack("{s:b,s:o}", "isIncomplete", 0, "items", items);
	const struct analysis *a = d->now && d->now->resolved ? d->now : d->resolved;
	struct context c;
	read_context(q->scratch, d->text, q->offset, &c);
	if (c.quiet)
		return;
	const char *opener = c.depth ? c.opener[c.depth - 1 < 4 ? c.depth - 1 : 3] : NULL;
	if (c.nwords == 0 && c.depth == 0) {
		add_item(items, "use", 14, "keyword");
		for (int k = 0; k < DECL_KIND_COUNT; k++)
			add_item(items, ast_decl_kind_name((enum ast_decl_kind)k), 14, "keyword");
		return;
	}
	if (c.nwords == 0 && opener && strcmp(opener, "each") == 0) {
		add_names(items, a, DECL_STEP);
		return;
	}
	if (c.nwords == 0) {
		const char *words[32];
		size_t n = resolve_statement_words(kind_named(opener), words, 32);
		for (size_t i = 0; i < n && i < 32; i++)
			add_item(items, words[i], 10, "statement");
		return;
	}
	if (c.depth == 0)
		return; /* the name of a new declaration: nothing to offer */
	if (opener && strcmp(opener, "each") == 0) {
		add_names(items, a, DECL_BASELINE);
		add_item(items, "optional", 14, "keyword");
		return;
	}
	if (kind_named(opener) == DECL_BASELINE && strcmp(c.words[0], "restart") == 0) {
		/* `restart [NAME] [as-step]` */
		if (c.nwords == 1)
			add_names(items, a, DECL_FIXLET);
		add_item(items, "as-step", 14, "keyword");
		return;
	}
	bool names_nodes = strcmp(c.words[0], "active") == 0 || strcmp(c.words[0], "order") == 0;
	if (kind_named(opener) == DECL_PLAN && names_nodes) {
		add_nodes(items, a, a ? analysis_plan_at(a, a->root, q->offset) : NULL);
		return;
	}
	enum ast_decl_kind k = value_kind(c.words[0], c.words[c.nwords - 1]);
	if (k == DECL_STEP && kind_named(opener) != DECL_PLAN && strcmp(c.words[0], "timeout") == 0)
		return; /* a step's own timeout is a duration */
	if (c.nwords > 1 && k == DECL_STEP)
		return; /* `timeout STEP DURATION`: the duration */
	add_names(items, a, k);
}
