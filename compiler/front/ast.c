/*
 * ast.c - constructors for the syntax tree (see ast.h).
 */
#include "front/ast.h"

static const char *const decl_kind_names[DECL_KIND_COUNT] = {
	[DECL_SITE] = "site",
	[DECL_OS] = "os",
	[DECL_STATE] = "state",
	[DECL_PREREQUISITE] = "prerequisite",
	[DECL_FIXLET] = "fixlet",
	[DECL_TASK] = "task",
	[DECL_STEP] = "step",
	[DECL_ROLE] = "role",
	[DECL_CLUSTER] = "cluster",
	[DECL_BASELINE] = "baseline",
	[DECL_PLAN] = "plan",
};

const char *ast_decl_kind_name(enum ast_decl_kind kind)
{
	return kind < DECL_KIND_COUNT ? decl_kind_names[kind] : "?";
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
