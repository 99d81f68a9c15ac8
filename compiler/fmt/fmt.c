/*
 * fmt.c - the canonical layout of a plan file (see fmt.h).
 *
 * The printer walks the syntax tree in source order and builds output
 * lines.  Comments are not in the tree: they are taken from the file's
 * comment list as the walk passes their place.  A comment that starts
 * before the next token is printed first, on a line of its own, unless it
 * is on the same source line as the last token printed, in which case it
 * ends that token's line.  Trailing comments are aligned once all lines are
 * known.
 */
#include "fmt/fmt.h"

#include <string.h>

#include "base/textbuf.h"
#include "front/allow.h"
#include "frontend.h"

enum { FMT_INDENT = 4 };

struct out_line {
	unsigned indent;       /* columns of leading blanks */
	struct textbuf code;   /* empty on a blank or comment-only line */
	const char *comment;   /* the comment ending the line (or filling it), or NULL */
	size_t comment_len;
	bool blank;
};

struct printer {
	struct arena *arena;
	const char *text;         /* the source */
	const struct ptrvec *comments;
	size_t next_comment;      /* the first comment not yet printed */
	struct ptrvec lines;      /* struct out_line * */
	struct out_line *cur;     /* the line being built, or NULL */
	uint32_t last_end;        /* source offset just past the last token or comment printed */
	bool after_open;          /* nothing printed since a line that opened a block */
};

/* ---- lines ----------------------------------------------------------------------------- */

static unsigned newlines_between(const struct printer *p, uint32_t from, uint32_t to)
{
	unsigned n = 0;
	for (uint32_t i = from; i < to; i++)
		n += p->text[i] == '\n';
	return n;
}

static struct out_line *push_line(struct printer *p, unsigned indent)
{
	struct out_line *l = arena_alloc(p->arena, sizeof *l);
	l->indent = indent;
	textbuf_init(&l->code, p->arena);
	ptrvec_push(p->arena, &p->lines, l);
	p->after_open = false;
	return l;
}

/* A blank line where the author left one, except at the start of the file or a block. */
static void keep_blank_line(struct printer *p, uint32_t before)
{
	if (p->lines.len == 0 || p->after_open || newlines_between(p, p->last_end, before) < 2)
		return;
	struct out_line *l = push_line(p, 0);
	l->blank = true;
}

static const struct ast_comment *pending_comment(const struct printer *p)
{
	return p->next_comment < p->comments->len ? p->comments->items[p->next_comment] : NULL;
}

/* Where a comment's text ends without the blanks that end the line: formatting drops those. */
static uint32_t comment_end(const char *text, const struct ast_comment *c)
{
	uint32_t end = c->span.end;
	while (end > c->span.begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	return end;
}

/* The comment's text without the blanks that end it. */
static void take_comment(struct printer *p, const struct ast_comment *c, struct out_line *l)
{
	uint32_t end = comment_end(p->text, c);
	l->comment = p->text + c->span.begin;
	l->comment_len = end - c->span.begin;
	p->last_end = c->span.end;
	p->next_comment++;
}

/* Comments that come before `pos`, each on its own line at `indent`. */
static void own_line_comments(struct printer *p, unsigned indent, uint32_t pos)
{
	for (const struct ast_comment *c; (c = pending_comment(p)) && c->span.begin < pos;) {
		keep_blank_line(p, c->span.begin);
		take_comment(p, c, push_line(p, indent));
	}
}

/* Starts the line of a token at `pos`, after the comments before it. */
static void start_line(struct printer *p, unsigned indent, uint32_t pos)
{
	own_line_comments(p, indent, pos);
	keep_blank_line(p, pos);
	p->cur = push_line(p, indent);
}

/* Ends the current line, with the comment that follows its last token on the same source line. */
static void end_line(struct printer *p)
{
	const struct ast_comment *c = pending_comment(p);
	if (c && c->span.begin >= p->last_end && newlines_between(p, p->last_end, c->span.begin) == 0)
		take_comment(p, c, p->cur);
	p->cur = NULL;
}

/* A token as written, after one space unless it starts the line. */
static void put(struct printer *p, struct src_span span)
{
	if (p->cur->code.len > 0)
		textbuf_putc(&p->cur->code, ' ');
	textbuf_put(&p->cur->code, p->text + span.begin, span.end - span.begin);
	p->last_end = span.end;
}

/* Display columns of text: one per code point. */
static unsigned width(const char *s, size_t len)
{
	unsigned w = 0;
	for (size_t i = 0; i < len; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* ---- the tree ------------------------------------------------------------------------------ */

static void print_list(struct printer *p, const struct ast_value *list)
{
	unsigned column = 0;
	for (size_t i = 0; i < list->items.len; i++) {
		const struct ast_value *item = list->items.items[i];
		if (i == 0) {
			put(p, item->span);
			column = p->cur->indent + width(p->cur->code.data, p->cur->code.len) -
				 width(p->text + item->span.begin, item->span.end - item->span.begin);
			continue;
		}
		textbuf_putc(&p->cur->code, ',');
		if (newlines_between(p, p->last_end, item->span.begin) > 0) {
			/* the author broke the list here: keep the break */
			end_line(p);
			p->after_open = true; /* no blank line inside a list */
			start_line(p, column, item->span.begin);
		}
		put(p, item->span);
	}
}

static void print_args(struct printer *p, const struct ptrvec *args)
{
	for (size_t i = 0; i < args->len; i++) {
		const struct ast_value *v = args->items[i];
		if (v->kind == VAL_LIST)
			print_list(p, v);
		else
			put(p, v->span);
	}
}

static void print_stmt(struct printer *p, const struct ast_stmt *s, unsigned indent);

static bool has_comment_before(const struct printer *p, uint32_t pos)
{
	const struct ast_comment *c = pending_comment(p);
	return c && c->span.begin < pos;
}

static void print_block(struct printer *p, const struct ast_block *b, unsigned indent)
{
	if (b->stmts.len == 0 && !has_comment_before(p, b->close.begin)) {
		put(p, (struct src_span){b->open.file, b->open.begin, b->open.end});
		textbuf_putc(&p->cur->code, '}');
		p->last_end = b->close.end;
		return;
	}
	put(p, b->open);
	end_line(p);
	p->after_open = true;
	for (size_t i = 0; i < b->stmts.len; i++)
		print_stmt(p, b->stmts.items[i], indent + FMT_INDENT);
	own_line_comments(p, indent + FMT_INDENT, b->close.begin);
	p->cur = push_line(p, indent);
	put(p, b->close);
}

static void print_stmt(struct printer *p, const struct ast_stmt *s, unsigned indent)
{
	start_line(p, indent, s->word_span.begin);
	put(p, s->word_span);
	print_args(p, &s->args);
	if (s->block)
		print_block(p, s->block, indent);
	end_line(p);
}

static void print_decl(struct printer *p, const struct ast_decl *d)
{
	start_line(p, 0, d->kind_span.begin);
	put(p, d->kind_span);
	put(p, d->name_span);
	print_args(p, &d->args);
	if (d->block)
		print_block(p, d->block, 0);
	end_line(p);
}

static void print_use(struct printer *p, const struct ast_use *u)
{
	start_line(p, 0, u->span.begin);
	put(p, (struct src_span){u->span.file, u->span.begin, u->span.begin + 3}); /* "use" */
	put(p, u->path_span);
	end_line(p);
}

/* Uses and declarations are kept in two lists: walk both in source order. */
static void print_file(struct printer *p, const struct ast_file *ast)
{
	size_t u = 0, d = 0;
	while (u < ast->uses.len || d < ast->decls.len) {
		const struct ast_use *use = u < ast->uses.len ? ast->uses.items[u] : NULL;
		const struct ast_decl *decl = d < ast->decls.len ? ast->decls.items[d] : NULL;
		if (decl && (!use || decl->span.begin < use->span.begin)) {
			print_decl(p, decl);
			d++;
		} else if (use) {
			print_use(p, use);
			u++;
		}
	}
	own_line_comments(p, 0, UINT32_MAX);
}

/* ---- output ---------------------------------------------------------------------------------- */

static bool is_code_line(const struct out_line *l)
{
	return !l->blank && l->code.len > 0;
}

/*
 * The column of each line's trailing comment: in a run of code lines with
 * the same indentation, two columns after the widest line that has one.
 */
static void align_comments(const struct printer *p, unsigned *columns)
{
	struct out_line *const *lines = (struct out_line *const *)p->lines.items;
	for (size_t i = 0, j; i < p->lines.len; i = j) {
		j = i + 1;
		if (!is_code_line(lines[i]))
			continue;
		while (j < p->lines.len && is_code_line(lines[j]) && lines[j]->indent == lines[i]->indent)
			j++;
		unsigned widest = 0;
		for (size_t k = i; k < j; k++) {
			unsigned w = lines[k]->indent + width(lines[k]->code.data, lines[k]->code.len);
			if (lines[k]->comment && w > widest)
				widest = w;
		}
		for (size_t k = i; k < j; k++)
			columns[k] = widest + 2;
	}
}

static void pad(struct textbuf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		textbuf_putc(b, ' ');
}

/* The layout of an already parsed, error-free file (no safety check). */
static const char *fmt_layout(struct arena *arena, const struct src_file *src, const struct ast_file *ast,
			      size_t *len)
{
	struct printer p = {.arena = arena, .text = src->text, .comments = &ast->comments};
	print_file(&p, ast);
	unsigned *columns = arena_calloc(arena, p.lines.len + 1, sizeof *columns);
	align_comments(&p, columns);
	struct textbuf out;
	textbuf_init(&out, arena);
	/* the file's encoding is its author's: a byte-order mark stays */
	textbuf_put(&out, src->text, src_bom_len(src));
	for (size_t i = 0; i < p.lines.len; i++) {
		const struct out_line *l = p.lines.items[i];
		if (!l->blank) {
			pad(&out, l->indent);
			textbuf_put(&out, l->code.data, l->code.len);
			if (l->comment && l->code.len > 0)
				pad(&out, columns[i] - l->indent - width(l->code.data, l->code.len));
			if (l->comment)
				textbuf_put(&out, l->comment, l->comment_len);
		}
		textbuf_putc(&out, '\n');
	}
	*len = out.len;
	return out.data ? out.data : "";
}

/* ---- the safety check ---------------------------------------------------------------------------- */

static void sign(struct textbuf *b, const char *text, struct src_span span, char end)
{
	textbuf_put(b, text + span.begin, span.end - span.begin);
	textbuf_putc(b, end);
}

static void sign_args(struct textbuf *b, const char *text, const struct ptrvec *args)
{
	for (size_t i = 0; i < args->len; i++) {
		const struct ast_value *v = args->items[i];
		if (v->kind != VAL_LIST) {
			sign(b, text, v->span, ' ');
			continue;
		}
		for (size_t k = 0; k < v->items.len; k++)
			sign(b, text, ((const struct ast_value *)v->items.items[k])->span, ',');
		textbuf_putc(b, ' ');
	}
}

static void sign_block(struct textbuf *b, const char *text, const struct ast_block *block)
{
	if (!block)
		return;
	textbuf_puts(b, "{\n");
	for (size_t i = 0; i < block->stmts.len; i++) {
		const struct ast_stmt *s = block->stmts.items[i];
		sign(b, text, s->word_span, ' ');
		sign_args(b, text, &s->args);
		sign_block(b, text, s->block);
		textbuf_putc(b, '\n');
	}
	textbuf_putc(b, '}');
}

const char *fmt_signature(struct arena *arena, const struct src_file *src, const struct ast_file *ast)
{
	struct textbuf b;
	textbuf_init(&b, arena);
	const char *text = src->text;
	for (size_t i = 0; i < ast->uses.len; i++) {
		const struct ast_use *u = ast->uses.items[i];
		textbuf_printf(&b, "@%u use ", (unsigned)i);
		sign(&b, text, u->path_span, '\n');
	}
	for (size_t i = 0; i < ast->decls.len; i++) {
		const struct ast_decl *d = ast->decls.items[i];
		sign(&b, text, d->kind_span, ' ');
		sign(&b, text, d->name_span, ' ');
		sign_args(&b, text, &d->args);
		sign_block(&b, text, d->block);
		textbuf_putc(&b, '\n');
	}
	for (size_t i = 0; i < ast->comments.len; i++) {
		const struct ast_comment *c = ast->comments.items[i];
		sign(&b, text, (struct src_span){c->span.file, c->span.begin, comment_end(text, c)}, '\n');
	}
	return b.data ? b.data : "";
}

enum fmt_status fmt_file(struct arena *arena, struct src_manager *sm, struct diag_sink *diags,
			 uint32_t file, const char **out, size_t *out_len)
{
	const struct src_file *src = src_file(sm, file);
	unsigned errors = diags->errors;
	size_t reported = diags->diags.len;
	struct ast_file *ast = frontend_parse(arena, sm, diags, file);
	/* a warning the file allows (`# bfplan: allow BFP006 -- ...`) is not shown here either */
	allow_collect(arena, diags, sm, ast);
	diag_allow_earlier(diags, reported);
	if (diags->errors > errors)
		return FMT_SYNTAX;
	*out = fmt_layout(arena, src, ast, out_len);

	/* parse the result on the side and compare: same tokens, same comments, no error */
	struct src_manager side;
	struct diag_sink side_diags;
	src_init(&side, arena);
	diag_init(&side_diags, arena, &side);
	uint32_t again = src_adopt(&side, src->path, *out, *out_len); /* the layout ends with a NUL */
	struct ast_file *reparsed = frontend_parse(arena, &side, &side_diags, again);
	if (side_diags.errors == 0 &&
	    strcmp(fmt_signature(arena, src, ast), fmt_signature(arena, src_file(&side, again), reparsed)) == 0)
		return FMT_OK;
	struct diag *d = diag_report(diags, BFP503, (struct src_span){file, 0, 0},
				     "formatting '%s' would change its tokens or comments, so it is left as it is",
				     src->path);
	diag_help(diags, d, "this is a bug in bfplan fmt: please report it with the file");
	return FMT_UNSAFE;
}
