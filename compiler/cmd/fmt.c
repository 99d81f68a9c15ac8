/*
 * fmt.c - `bfplan fmt FILE...`: each file read, formatted, then printed,
 * compared, shown as a difference or written back, as the command line asks.
 *
 * Everything that goes wrong is a diagnostic in the run's chosen form:
 * the file's own syntax errors, BFP501 for a file that --check finds
 * unformatted (at its first line that would change), BFP502 when -w cannot
 * write, BFP503 when the formatter's safety check fails.  A file is only
 * ever replaced whole, through a temporary file and rename(2), keeping its
 * permissions; one with errors is never touched.
 */
#include <setjmp.h>
#include <string.h>

#include "base/escape.h"
#include "base/textdiff.h"
#include "cmd/compile.h"
#include "cmd/rewrite.h"
#include "fmt/fmt.h"
#include "front/load.h"
#include "out/outset.h"

struct fmt_request {
	bool write;              /* -w: replace the file */
	bool check;              /* --check: an unformatted file is an error */
	bool diff;               /* --diff: print a unified diff */
	const char *stdin_name;  /* the name '-' goes by */
	bool allow_outside;      /* --allow-outside: a file may be a link out of its directory */
};

static const struct src_span nowhere = {SRC_NO_FILE, 0, 0};

/* Whether two texts differ only in their line ends (some lines CRLF, some LF). */
static bool only_line_ends_differ(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, k = 0;
	for (;;) {
		if (i < alen && a[i] == '\r' && i + 1 < alen && a[i + 1] == '\n')
			i++;
		if (k < blen && b[k] == '\r' && k + 1 < blen && b[k + 1] == '\n')
			k++;
		if (i == alen || k == blen)
			return i == alen && k == blen;
		if (a[i++] != b[k++])
			return false;
	}
}

/* The first line where the two texts differ, as a span of the old one. */
static struct src_span first_change(const struct src_file *f, const char *formatted, size_t len)
{
	uint32_t at = 0;
	while (at < f->len && at < len && f->text[at] == formatted[at])
		at++;
	while (at > 0 && f->text[at - 1] != '\n')
		at--;
	uint32_t end = at;
	while (end < f->len && f->text[end] != '\n' && f->text[end] != '\r')
		end++;
	return (struct src_span){0, at, end};
}

/* With -w as well (a pre-commit hook), the file has just been rewritten: say so. */
static void report_unformatted(struct diag_sink *diags, const struct src_file *f, uint32_t id,
			       const char *formatted, size_t len, bool written)
{
	struct src_span span = first_change(f, formatted, len);
	span.file = id;
	if (only_line_ends_differ(f->text, f->len, formatted, len)) {
		const char *ends = rewrite_uses_crlf(f) ? "CRLF" : "LF";
		struct diag *d = diag_report(diags, BFP501, span, "'%s' %s lines that end in CRLF and lines that end "
					     "in LF, from this line on; bfplan fmt %s every line in %s, as the "
					     "first one", f->path, written ? "had" : "has", written ? "ended" : "would end",
					     ends);
		diag_help(diags, d, written ? "review the change and add the file again"
					    : "run 'bfplan fmt -w %s'; Git's core.autocrlf or a .gitattributes "
					      "'eol' setting keeps one line end", f->path);
		return;
	}
	if (written) {
		struct diag *d = diag_report(diags, BFP501, span,
					     "'%s' was not formatted: bfplan fmt rewrote it from this line on", f->path);
		diag_help(diags, d, "review the change and add the file again");
		return;
	}
	struct diag *d = diag_report(diags, BFP501, span,
				     "'%s' is not formatted: bfplan fmt would change it from this line on",
				     f->path);
	diag_help(diags, d, "run 'bfplan fmt -w %s', or 'bfplan fmt --diff %s' to see the change",
		  f->path, f->path);
}

/* Reads the file as `bfplan check` does: exit status 2 if it cannot be read, 1 if it is too large. */
static int read_input(struct arena *a, struct src_manager *sm, struct diag_sink *diags, const char *path,
		      const char *name, bool allow_outside, uint32_t *id)
{
	struct load_read r = {.allow_outside = allow_outside, .max_size = SRC_MAX_FILE_SIZE};
	char *text = load_read_file(a, path, &r);
	if (!text) {
		load_report_unreadable(diags, name, &r);
		return EXIT_USAGE;
	}
	*id = src_adopt(sm, name, text, r.len); /* read into the run's memory: no copy */
	if (r.too_large) {
		load_report_too_large(diags, *id);
		return EXIT_PLAN_ERRORS;
	}
	return EXIT_CLEAN;
}

static int format_one(struct arena *a, struct src_manager *sm, struct diag_sink *diags, const char *path,
		      const struct fmt_request *req, FILE *out)
{
	const char *name = load_display_name(path, req->stdin_name);
	uint32_t id;
	int rc = read_input(a, sm, diags, path, name, req->allow_outside, &id);
	if (rc != EXIT_CLEAN)
		return rc;
	const char *formatted;
	size_t len;
	unsigned errors = diags->errors;
	/* laid out even when a directive is wrong (check --fix needs that), but not written or shown then */
	if (fmt_file(a, sm, diags, id, &formatted, &len) != FMT_OK || diags->errors > errors)
		return EXIT_PLAN_ERRORS;
	const struct src_file *f = src_file(sm, id);
	if (rewrite_uses_crlf(f))
		formatted = rewrite_with_crlf(a, formatted, len, &len);
	bool changed = len != f->len || memcmp(formatted, f->text, len) != 0;
	if (!req->write && !req->check && !req->diff)
		fwrite(formatted, 1, len, out);
	if (req->diff && changed) {
		struct textbuf diff;
		textbuf_init(&diff, a);
		const char *label = esc_terminal(a, name);
		textdiff_unified(a, &diff, (struct textdiff_side){label, f->text, f->len},
				 (struct textdiff_side){label, formatted, len}, esc_terminal);
		fwrite(diff.data, 1, diff.len, out);
	}
	const char *why;
	if (req->write && changed && !rewrite_file(a, path, formatted, len, &why)) {
		struct diag *d = diag_report(diags, BFP502, nowhere, "%s", why);
		diag_help(diags, d, "check that the file and its directory are writable; the file is unchanged");
		return EXIT_USAGE;
	}
	if (req->check && changed) {
		report_unformatted(diags, f, id, formatted, len, req->write);
		rc = EXIT_PLAN_ERRORS;
	}
	return rc;
}

/* One file's run: its memory, and where that memory jumps when it runs out (see arena.h). */
struct fmt_run {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	jmp_buf out_of_memory;
};

static void fmt_run_init(struct fmt_run *run)
{
	arena_init(&run->arena);
	run->arena.on_failure = &run->out_of_memory;
	src_init(&run->sm, &run->arena);
	diag_init(&run->diags, &run->arena, &run->sm);
}

/*
 * Where a run lands when its memory runs out: as for the other commands,
 * a temporary file of -w is removed, everything is freed, and what is left
 * is one diagnostic (BFP008) in a fresh arena, exit status 2.
 */
static int out_of_memory(struct fmt_run *run, const char *name, struct diag_writer *w, FILE *err)
{
	outset_abandon_all();
	arena_free(&run->arena);
	fmt_run_init(run);
	if (setjmp(run->out_of_memory)) {
		/* not even a diagnostic fits now: say it in the fewest bytes */
		arena_free(&run->arena);
		fputs("bfplan: error: out of memory [BFP008]\n", err);
		return EXIT_USAGE;
	}
	struct diag *d = diag_report(&run->diags, BFP008, nowhere, "out of memory while formatting '%s'", name);
	diag_help(&run->diags, d, "the file needs more memory than the system gave bfplan; raise the limit "
		  "(ulimit -v) or split the file into smaller ones");
	diag_writer_add(w, &run->diags);
	arena_free(&run->arena);
	return EXIT_USAGE;
}

static int format_path(struct fmt_run *run, const char *path, const struct fmt_request *req,
		       struct diag_writer *w, FILE *out, FILE *err)
{
	fmt_run_init(run);
	if (setjmp(run->out_of_memory))
		return out_of_memory(run, load_display_name(path, req->stdin_name), w, err);
	int rc = format_one(&run->arena, &run->sm, &run->diags, path, req, out);
	diag_writer_add(w, &run->diags);
	arena_free(&run->arena);
	return rc;
}

/* fmt prints to standard output unless it writes back or only checks. */
static bool valid_request(const struct cmd_options *o, FILE *err)
{
	bool prints = o->diff || (!o->write && !o->check);
	if (o->format != DIAG_FORMAT_TEXT && prints) {
		cmd_usage_error(err, CMD_fmt, "%s", "fmt prints to standard output without -w or --check, and "
				"with --diff, so --format=json, sarif or github needs -w or --check and no --diff");
		return false;
	}
	for (size_t i = 0; i < o->inputs.len && o->write; i++) {
		if (strcmp(o->inputs.items[i], "-") == 0) {
			cmd_usage_error(err, CMD_fmt, "%s", "-w cannot write back to standard input");
			return false;
		}
	}
	return true;
}

int cmd_fmt(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	if (!valid_request(o, run->err))
		return EXIT_USAGE;
	struct fmt_request req = {o->write, o->check, o->diff, o->stdin_name, o->allow_outside};
	struct diag_writer w;
	diag_writer_init(&w, o->format, o->color, run->out, run->err);
	int rc = EXIT_CLEAN;
	for (size_t i = 0; i < o->inputs.len; i++) {
		struct fmt_run one_run;
		int one = format_path(&one_run, o->inputs.items[i], &req, &w, run->out, run->err);
		if (one > rc)
			rc = one;
	}
	return finish_writer(&w, run->err, rc);
}
