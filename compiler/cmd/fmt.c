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
#define _XOPEN_SOURCE 700 /* realpath() */

#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/textdiff.h"
#include "cmd/compile.h"
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

/*
 * Replaces the file whole, keeping its mode, owner and group (or not at
 * all, when they cannot be kept); a file this user may not write is left
 * alone even where the directory would allow replacing it.  Writes
 * through a symbolic link, as editors do, rather than replacing the link:
 * the file was read by the rule of every named file, so the link stays in
 * the directory it was named in (unless --allow-outside).  A file with
 * several hard links is refused: replacing one name would part it from
 * the others, and writing in place could leave it half-written.
 */
static bool write_back(struct arena *a, const char *path, const char *text, size_t len, const char **why)
{
	struct stat st;
	if (stat(path, &st) != 0 || access(path, W_OK) != 0) {
		*why = arena_printf(a, "cannot write '%s': %s", path, strerror(errno));
		return false;
	}
	if (st.st_nlink > 1) {
		*why = arena_printf(a, "'%s' has %ju hard links: -w replaces a file by its name, which would part "
				    "this name from the others; the file is unchanged; format it with 'bfplan fmt' to "
				    "standard output and copy the result over it, which keeps the links",
				    path, (uintmax_t)st.st_nlink);
		return false;
	}
	char target[PATH_MAX];
	struct stat lst;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(path, target))
		path = arena_strdup(a, target);
	struct outset set;
	outset_init(&set, a);
	set.mode = st.st_mode & 07777;
	set.keep_owner = true;
	set.owner = (long)st.st_uid;
	set.group = (long)st.st_gid;
	set.durable = true; /* a plan file is a source: no build can make it again */
	struct outset_failure failure;
	if (outset_add(&set, path, text, len, &failure) && outset_commit(&set, &failure))
		return true;
	outset_abort(&set);
	*why = outset_failure_message(a, &failure);
	return false;
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
	if (fmt_file(a, sm, diags, id, &formatted, &len) != FMT_OK)
		return EXIT_PLAN_ERRORS;
	const struct src_file *f = src_file(sm, id);
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
	if (req->write && changed && !write_back(a, path, formatted, len, &why)) {
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
