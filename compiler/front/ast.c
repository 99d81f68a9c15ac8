/*
 * ast.c - constructors for the syntax tree (see ast.h).
 */
#include "front/ast.h"

#include <string.h>

struct decl_info {
	const char *keyword, *singular, *article, *plural;
};

static const struct decl_info decls[DECL_KIND_COUNT] = {
#define DECL(id, keyword, singular, article, plural) [DECL_##id] = {keyword, singular, article, plural},
#include "front/decls.def"
#undef DECL
};

const char *ast_decl_kind_name(enum ast_decl_kind kind)
{
	return kind < DECL_KIND_COUNT ? decls[kind].keyword : "?";
}

const char *ast_decl_singular(enum ast_decl_kind kind)
{
	return kind < DECL_KIND_COUNT ? decls[kind].singular : "declaration";
}

const char *ast_decl_article(enum ast_decl_kind kind)
{
	return kind < DECL_KIND_COUNT ? decls[kind].article : "a declaration";
}

const char *ast_decl_plural(enum ast_decl_kind kind)
{
	return kind < DECL_KIND_COUNT ? decls[kind].plural : "declarations";
}

bool ast_decl_lookup(const char *text, size_t len, enum ast_decl_kind *kind)
{
	/* called for every identifier the lexer reads: the first byte rules out nearly all, and no strlen */
	for (int k = 0; k < DECL_KIND_COUNT; k++) {
		const char *word = decls[k].keyword;
		if (len && word[0] == text[0] && strncmp(word, text, len) == 0 && word[len] == '\0') {
			*kind = (enum ast_decl_kind)k;
			return true;
		}
	}
	return false;
}

struct ast_value *ast_value_new(struct arena *a, enum ast_value_kind kind, struct src_span span)
{
	struct ast_value *v = arena_alloc(a, sizeof *v);
	v->kind = kind;
	v->span = span;
	return v;
}

struct ast_value *ast_list_new(struct arena *a, struct ast_value *first)
{
	struct ast_value *list = ast_value_new(a, VAL_LIST, first->span);
	ptrvec_push(a, &list->items, first);
	return list;
}

void ast_list_append(struct arena *a, struct ast_value *list, struct ast_value *item)
{
	ptrvec_push(a, &list->items, item);
	list->span = src_span_join(list->span, item->span);
}

struct ast_stmt *ast_stmt_new(struct arena *a, const char *word, struct src_span word_span)
{
	struct ast_stmt *s = arena_alloc(a, sizeof *s);
	s->word = word;
	s->word_span = word_span;
	s->span = word_span;
	return s;
}

struct ast_block *ast_block_new(struct arena *a, struct src_span open)
{
	struct ast_block *b = arena_alloc(a, sizeof *b);
	b->open = open;
	b->close = open;
	return b;
}

struct ast_decl *ast_decl_new(struct arena *a, enum ast_decl_kind kind, struct src_span kind_span,
			      const char *name, struct src_span name_span)
{
	struct ast_decl *d = arena_alloc(a, sizeof *d);
	d->kind = kind;
	d->kind_span = kind_span;
	d->name = name;
	d->name_span = name_span;
	d->span = src_span_join(kind_span, name_span);
	return d;
}
