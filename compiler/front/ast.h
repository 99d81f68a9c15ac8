/*
 * ast.h - the syntax tree of one plan file, as written.
 *
 * The grammar is deliberately uniform: a file is a list of `use` lines and
 * declarations; a declaration is a kind keyword, a name, optional values and
 * an optional block; a block holds statements of the same shape (a word,
 * values, an optional block).  Which words a block accepts, and what values
 * they take, is decided by the resolver (compiler/sema/resolve.c), not the
 * grammar: that keeps syntax errors about syntax, and lets the resolver say
 * "unknown property 'node' in cluster; did you mean 'nodes'?".
 *
 * Nodes keep their spans, so the exact spelling of every literal can be
 * recovered from the source text, and the file keeps its comments for a
 * formatter.
 */
#ifndef BFPLAN_AST_H
#define BFPLAN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/source.h"

/* The kinds of declaration, one per keyword of front/decls.def. */
enum ast_decl_kind {
#define DECL(id, keyword, singular, article, plural) DECL_##id,
#include "front/decls.def"
#undef DECL
	DECL_KIND_COUNT
};

/* The keyword: "prerequisite". */
const char *ast_decl_kind_name(enum ast_decl_kind kind);

/* How messages name the kind: "OS", "an os", "OSes". */
const char *ast_decl_singular(enum ast_decl_kind kind);
const char *ast_decl_article(enum ast_decl_kind kind);
const char *ast_decl_plural(enum ast_decl_kind kind);

/* The declaration keyword `text` (of `len` bytes) opens, if it is one. */
bool ast_decl_lookup(const char *text, size_t len, enum ast_decl_kind *kind);

enum ast_value_kind {
	VAL_IDENT,    /* EXNODE1, passive-first, dotnet-4.0; 2NODE only where a node name goes */
	VAL_STRING,   /* "text", escapes decoded */
	VAL_INT,      /* 40301 */
	VAL_DURATION, /* 30m, 2h: number holds seconds */
	VAL_LIST,     /* a, b, c */
};

struct ast_value {
	enum ast_value_kind kind;
	struct src_span span;
	const char *text;       /* VAL_IDENT, VAL_STRING (decoded, NUL-free); VAL_INT, VAL_DURATION as written */
	int64_t number;         /* VAL_INT, VAL_DURATION (seconds) */
	struct ptrvec items;    /* VAL_LIST: struct ast_value * (never lists) */
};

struct ast_block;

/* A line inside a block: `word value... [{ ... }]`. */
struct ast_stmt {
	const char *word;
	struct src_span word_span;
	struct src_span span;    /* the whole statement */
	struct ptrvec args;      /* struct ast_value * */
	struct ast_block *block; /* NULL if none */
};

struct ast_block {
	struct src_span open, close; /* the braces */
	struct ptrvec stmts;         /* struct ast_stmt * */
};

struct ast_decl {
	enum ast_decl_kind kind;
	struct src_span kind_span;
	const char *name;
	struct src_span name_span;
	struct src_span span;
	struct ptrvec args;      /* values after the name: struct ast_value * */
	struct ast_block *block; /* NULL if none */
};

struct ast_use {
	const char *path;
	struct src_span path_span;
	struct src_span span;
};

struct ast_comment {
	struct src_span span; /* from '#' to the end of the line */
};

struct ast_file {
	uint32_t file;
	struct ptrvec uses;     /* struct ast_use * */
	struct ptrvec decls;    /* struct ast_decl * */
	struct ptrvec comments; /* struct ast_comment *, in source order */
};

struct ast_value *ast_value_new(struct arena *a, enum ast_value_kind kind, struct src_span span);
struct ast_value *ast_list_new(struct arena *a, struct ast_value *first);
void ast_list_append(struct arena *a, struct ast_value *list, struct ast_value *item);
struct ast_stmt *ast_stmt_new(struct arena *a, const char *word, struct src_span word_span);
struct ast_block *ast_block_new(struct arena *a, struct src_span open);
struct ast_decl *ast_decl_new(struct arena *a, enum ast_decl_kind kind, struct src_span kind_span,
			      const char *name, struct src_span name_span);

#endif
