/*
 * fix.c - `bfplan check --fix` (see fix.h).
 */
#include "cmd/fix.h"

#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/textbuf.h"
#include "cmd/rewrite.h"
#include "fmt/fmt.h"

/* One fix's edits for one file, kept if they overlap nothing kept before. */
struct file_edits {
	uint32_t file;
	struct ptrvec edits; /* const struct diag_edit *, in the order they were kept */
	unsigned fixes;
};

/* Whether two edits cannot both be made: they overlap, or an insertion falls inside a replacement. */
static bool conflict(const struct diag_edit *a, const struct diag_edit *b)
{
	bool a_insert = a->span.begin == a->span.end, b_insert = b->span.begin == b->span.end;
	if (a_insert && b_insert)
		return false;
	if (a_insert)
		return a->span.begin >= b->span.begin && a->span.begin < b->span.end;
	if (b_insert)
		return b->span.begin >= a->span.begin && b->span.begin < a->span.end;
	return a->span.begin < b->span.end && b->span.begin < a->span.end;
}

static bool overlaps(const struct file_edits *fe, const struct diag_edit *e)
{
	for (size_t i = 0; i < fe->edits.len; i++)
		if (conflict(fe->edits.items[i], e))
			return true;
	return false;
}

/* A file --fix may write: not the standard library's (standard input is refused before). */
static bool writable_source(const struct compilation *c, uint32_t file)
{
	const struct src_file *f = src_file(&c->sm, file);
	return f && !f->is_stdlib;
}

static struct file_edits *edits_of(struct compilation *c, struct ptrvec *files, uint32_t file)
{
	for (size_t i = 0; i < files->len; i++)
		if (((struct file_edits *)files->items[i])->file == file)
			return files->items[i];
	struct file_edits *fe = arena_alloc(&c->arena, sizeof *fe);
	fe->file = file;
	ptrvec_push(&c->arena, files, fe);
	return fe;
}

/* Sorts kept edits by place; at one place, in the order they were kept. */
static int compare_edits(const void *pa, const void *pb)
{
	const struct diag_edit *a = *(const struct diag_edit *const *)pa;
	const struct diag_edit *b = *(const struct diag_edit *const *)pb;
	if (a->span.begin != b->span.begin)
		return a->span.begin < b->span.begin ? -1 : 1;
	return a < b ? -1 : a > b; /* arena order is the order they were made */
}

/* The file's text with its edits made. */
static struct textbuf edited(struct compilation *c, const struct file_edits *fe)
{
	const struct src_file *f = src_file(&c->sm, fe->file);
	qsort(fe->edits.items, fe->edits.len, sizeof fe->edits.items[0], compare_edits);
	struct textbuf b;
	textbuf_init(&b, &c->arena);
	uint32_t at = 0;
	for (size_t i = 0; i < fe->edits.len; i++) {
		const struct diag_edit *e = fe->edits.items[i];
		textbuf_put(&b, f->text + at, e->span.begin - at);
		textbuf_puts(&b, e->text);
		at = e->span.end;
	}
	textbuf_put(&b, f->text + at, f->len - at);
	return b;
}

/* Formats the edited text and writes it over the file; false after saying why on `err`. */
static bool write_fixed(struct compilation *c, const struct file_edits *fe, FILE *err)
{
	const struct src_file *f = src_file(&c->sm, fe->file);
	struct textbuf text = edited(c, fe);
	struct diag_sink scratch;
	diag_init(&scratch, &c->arena, &c->sm);
	uint32_t id = src_add(&c->sm, f->path, text.data ? text.data : "", text.len);
	const char *formatted;
	size_t len;
	const char *shown = esc_terminal(&c->arena, f->path);
	if (fmt_file(&c->arena, &c->sm, &scratch, id, &formatted, &len) != FMT_OK) {
		fprintf(err, "bfplan: the fixes would leave '%s' without a valid layout; it is unchanged\n", shown);
		return false;
	}
	if (rewrite_uses_crlf(f))
		formatted = rewrite_with_crlf(&c->arena, formatted, len, &len);
	const char *why;
	if (!rewrite_file(&c->arena, f->path, formatted, len, &why)) {
		fprintf(err, "bfplan: %s; '%s' is unchanged\n", esc_terminal(&c->arena, why), shown);
		return false;
	}
	fprintf(err, "bfplan: %s: applied %u fix%s\n", shown, fe->fixes, fe->fixes == 1 ? "" : "es");
	return true;
}

unsigned fix_apply(struct compilation *c, FILE *err, bool *failed)
{
	struct ptrvec files = {0};
	for (size_t i = 0; i < c->diags.diags.len; i++) {
		const struct diag *d = c->diags.diags.items[i];
		if (d->suppressed || !d->fix || !d->fix->edits.len)
			continue;
		const struct diag_edit *first = d->fix->edits.items[0];
		if (!writable_source(c, first->span.file))
			continue;
		struct file_edits *fe = edits_of(c, &files, first->span.file);
		bool fits = true;
		for (size_t k = 0; k < d->fix->edits.len && fits; k++) {
			const struct diag_edit *e = d->fix->edits.items[k];
			fits = e->span.file == fe->file && !overlaps(fe, e);
		}
		if (!fits)
			continue;
		for (size_t k = 0; k < d->fix->edits.len; k++)
			ptrvec_push(&c->arena, &fe->edits, d->fix->edits.items[k]);
		fe->fixes++;
	}
	unsigned applied = 0;
	for (size_t i = 0; i < files.len; i++) {
		const struct file_edits *fe = files.items[i];
		if (!fe->fixes)
			continue;
		if (write_fixed(c, fe, err))
			applied += fe->fixes;
		else
			*failed = true;
	}
	return applied;
}
