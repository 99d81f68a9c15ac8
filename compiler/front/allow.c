/*
 * allow.c - `# bfplan: allow CODE -- reason` comments (see allow.h).
 */
#include "front/allow.h"

#include <string.h>

#include "base/escape.h"
#include "base/suggest.h"

/* ---- what a directive covers ---------------------------------------------------------- */

/*
 * The node a directive covers, found by walking every `use`, declaration
 * and statement: the outermost one that starts first in [from, to).
 */
struct target {
	uint32_t from, to;
	struct src_span best;
	bool found;
};

static void consider(struct target *t, struct src_span span)
{
	if (span.begin < t->from || span.begin >= t->to)
		return;
	if (!t->found || span.begin < t->best.begin || (span.begin == t->best.begin && span.end > t->best.end)) {
		t->best = span;
		t->found = true;
	}
}

static void walk_block(struct target *t, const struct ast_block *block)
{
	for (size_t i = 0; block && i < block->stmts.len; i++) {
		const struct ast_stmt *s = block->stmts.items[i];
		consider(t, s->span);
		walk_block(t, s->block);
	}
}

static bool find_target(const struct ast_file *file, uint32_t from, uint32_t to, struct src_span *out)
{
	struct target t = {.from = from, .to = to};
	for (size_t i = 0; i < file->uses.len; i++)
		consider(&t, ((const struct ast_use *)file->uses.items[i])->span);
	for (size_t i = 0; i < file->decls.len; i++) {
		const struct ast_decl *d = file->decls.items[i];
		consider(&t, d->span);
		walk_block(&t, d->block);
	}
	*out = t.best;
	return t.found;
}

/*
 * At the end of a line, the directive covers what starts on that line
 * (or the line itself, before it); on a line of its own, what follows.
 */
static struct src_span covered(const struct src_file *f, const struct ast_file *file, struct src_span comment)
{
	uint32_t line_start = comment.begin;
	while (line_start > 0 && f->text[line_start - 1] != '\n')
		line_start--;
	bool trailing = false;
	for (uint32_t i = line_start; i < comment.begin; i++)
		trailing |= f->text[i] != ' ' && f->text[i] != '\t';
	struct src_span span;
	if (trailing) {
		if (!find_target(file, line_start, comment.begin, &span))
			span = (struct src_span){file->file, line_start, comment.begin};
	} else if (!find_target(file, comment.end, f->len, &span)) {
		span = (struct src_span){file->file, comment.end, comment.end}; /* nothing follows: covers nothing */
	}
	span.file = file->file;
	return span;
}

/* ---- reading a directive ------------------------------------------------------------- */

struct cursor {
	const char *text;
	uint32_t at, end; /* offsets into the file */
};

static void skip_blanks(struct cursor *c)
{
	while (c->at < c->end && (c->text[c->at] == ' ' || c->text[c->at] == '\t'))
		c->at++;
}

static bool take(struct cursor *c, const char *word)
{
	size_t n = strlen(word);
	if (c->end - c->at < n || memcmp(c->text + c->at, word, n) != 0)
		return false;
	c->at += (uint32_t)n;
	return true;
}

/* A code or a name: letters, digits and '-', not "--". */
static struct src_span take_word(struct cursor *c, uint32_t file)
{
	uint32_t begin = c->at;
	while (c->at < c->end) {
		char ch = c->text[c->at];
		bool part = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			    (ch == '-' && !(c->at + 1 < c->end && c->text[c->at + 1] == '-'));
		if (!part)
			break;
		c->at++;
	}
	return (struct src_span){file, begin, c->at};
}

static void report_unknown_code(struct diag_sink *diags, const char *word, struct src_span at)
{
	const char *candidates[DIAG_CODE_COUNT + 1];
	for (int i = 0; i < DIAG_CODE_COUNT; i++)
		candidates[i] = diag_code_string((enum diag_code)i);
	struct diag *d = diag_report(diags, BFP021, at, "'%s' is not a diagnostic code", word);
	const char *near = diag_code_meant(word);
	if (!near)
		near = suggest_closest(word, candidates, DIAG_CODE_COUNT);
	if (near)
		diag_did_you_mean(diags, d, at, near);
	else
		diag_help(diags, d, "name a code as 'bfplan explain --list' shows it, as in 'BFP325'");
}

/* The codes of one directive and its reason; each code is allowed over `covers`. */
static void read_allow(struct arena *a, struct diag_sink *diags, struct cursor *c, uint32_t file,
		       struct src_span directive, struct src_span covers)
{
	enum diag_code codes[16];
	struct src_span spans[16];
	size_t count = 0;
	bool bad = false;
	for (;;) {
		skip_blanks(c);
		struct src_span w = take_word(c, file);
		if (w.begin == w.end)
			break;
		const char *word = arena_strndup(a, c->text + w.begin, w.end - w.begin);
		enum diag_code code;
		if (!diag_code_lookup(word, &code)) {
			report_unknown_code(diags, word, w);
			bad = true;
		} else if (diag_code_severity(code) == DIAG_ERROR) {
			struct diag *d = diag_report(diags, BFP022, w, "%s cannot be allowed: it is an error, and a "
						     "plan with an error is not built", diag_code_string(code));
			diag_help(diags, d, "fix what %s reports; only warnings and notes can be allowed",
				  diag_code_string(code));
			bad = true;
		} else if (count < sizeof codes / sizeof codes[0]) {
			spans[count] = w;
			codes[count++] = code;
		}
		skip_blanks(c);
		if (!take(c, ","))
			break;
	}
	skip_blanks(c);
	const char *reason = NULL;
	if (take(c, "--")) {
		skip_blanks(c);
		uint32_t end = c->end;
		while (end > c->at && (c->text[end - 1] == ' ' || c->text[end - 1] == '\t' || c->text[end - 1] == '\r'))
			end--;
		if (end > c->at)
			reason = esc_terminal(a, arena_strndup(a, c->text + c->at, end - c->at));
	}
	if (count == 0 && !bad) {
		struct diag *d = diag_report(diags, BFP020, directive, "'bfplan: allow' names no diagnostic code");
		diag_help(diags, d, "write the codes, then the reason, as in '# bfplan: allow BFP325 -- why'");
		return;
	}
	if (!reason) {
		struct diag *d = diag_report(diags, BFP020, directive, "'bfplan: allow' gives no reason");
		diag_help(diags, d, "say why after '--', as in '# bfplan: allow %s -- why it is right here': the "
			  "reason is kept with every diagnostic it allows", count ? diag_code_string(codes[0]) : "BFP325");
		return;
	}
	for (size_t i = 0; i < count; i++) {
		struct diag_allow allow = {.code = codes[i], .kind = DIAG_ALLOW_IN_SOURCE, .covers = covers,
					   .directive = spans[i], .reason = reason};
		diag_allow_add(diags, &allow);
	}
}

/* One comment: a directive if it starts "# bfplan:". */
static void read_comment(struct arena *a, struct diag_sink *diags, const struct src_file *f,
			 const struct ast_file *file, struct src_span comment)
{
	struct cursor c = {f->text, comment.begin + 1, comment.end};
	skip_blanks(&c);
	uint32_t start = c.at;
	if (!take(&c, "bfplan:")) {
		/* "# bfplan allow BFP302" and "# bfplan-allow": a directive without its ':', which is passed over */
		bool near = take(&c, "bfplan ") || take(&c, "bfplan-") || take(&c, "bfplan=");
		skip_blanks(&c);
		if (near && take(&c, "allow")) {
			struct src_span at = {file->file, start, start + 7};
			struct diag *d = diag_report(diags, BFP023, at, "'bfplan' without a ':' does not start a "
						     "directive, so this comment allows nothing");
			diag_help(diags, d, "write '# bfplan: allow CODE -- why', with the ':' after 'bfplan'");
		}
		return;
	}
	skip_blanks(&c);
	struct src_span verb = take_word(&c, file->file);
	if (verb.end - verb.begin == 5 && memcmp(f->text + verb.begin, "allow", 5) == 0) {
		read_allow(a, diags, &c, file->file, comment, covered(f, file, comment));
		return;
	}
	const char *word = arena_strndup(a, f->text + verb.begin, verb.end - verb.begin);
	struct diag *d = diag_report(diags, BFP023, verb.begin < verb.end ? verb : comment,
				     "'# bfplan:' is followed by '%s', which is not a directive", word);
	diag_help(diags, d, "the one directive is 'allow', as in '# bfplan: allow BFP325 -- why'; a comment "
		  "that is not a directive should not start with 'bfplan:'");
}

void allow_collect(struct arena *arena, struct diag_sink *diags, const struct src_manager *sm,
		   const struct ast_file *file)
{
	const struct src_file *f = src_file(sm, file->file);
	for (size_t i = 0; f && i < file->comments.len; i++)
		read_comment(arena, diags, f, file, ((const struct ast_comment *)file->comments.items[i])->span);
}
