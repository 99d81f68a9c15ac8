/*
 * diag.c - collecting diagnostics, and the facts of every code (see diag.h).
 */
#include "diag/diag.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/escape.h"
#include "base/utf8.h"

struct code_info {
	const char *code;
	enum diag_severity severity;
	const char *name;
	const char *summary;
};

static const struct code_info code_table[] = {
#define ERROR DIAG_ERROR
#define WARNING DIAG_WARNING
#define NOTE DIAG_NOTE
#define X(code, sev, name, summary) {#code, sev, name, summary},
#include "diag/codes.def"
#undef X
#undef ERROR
#undef WARNING
#undef NOTE
};

const char *diag_code_string(enum diag_code code) { return code_table[code].code; }
const char *diag_code_name(enum diag_code code) { return code_table[code].name; }
const char *diag_code_summary(enum diag_code code) { return code_table[code].summary; }
enum diag_severity diag_code_severity(enum diag_code code) { return code_table[code].severity; }

bool diag_code_lookup(const char *text, enum diag_code *code)
{
	for (int i = 0; i < DIAG_CODE_COUNT; i++) {
		if (strcasecmp(text, code_table[i].code) == 0 || strcmp(text, code_table[i].name) == 0) {
			*code = (enum diag_code)i;
			return true;
		}
	}
	return false;
}

void diag_init(struct diag_sink *sink, struct arena *arena, const struct src_manager *sm)
{
	memset(sink, 0, sizeof *sink);
	sink->arena = arena;
	sink->sm = sm;
}

static bool is_shown(const struct diag_sink *sink)
{
	return sink->diags.len - sink->suppressed < DIAG_MAX_SHOWN;
}

bool diag_code_allowable(const struct diag_sink *sink, enum diag_code code)
{
	return code_table[code].severity != DIAG_ERROR && !(sink->denied && sink->denied[code]);
}

bool diag_allow_add(struct diag_sink *sink, const struct diag_allow *allow)
{
	if (!diag_code_allowable(sink, allow->code))
		return false;
	struct diag_allow *copy = arena_alloc(sink->arena, sizeof *copy);
	*copy = *allow;
	copy->used = 0;
	ptrvec_push(sink->arena, &sink->allows, copy);
	return true;
}

/* The allowance that covers a report of `code` at `span`, or NULL; an in-source one first. */
static struct diag_allow *allowance(const struct diag_sink *sink, enum diag_code code, struct src_span span)
{
	struct diag_allow *external = NULL;
	for (size_t i = 0; i < sink->allows.len; i++) {
		struct diag_allow *a = sink->allows.items[i];
		if (a->code != code)
			continue;
		if (a->covers.file == SRC_NO_FILE) {
			if (!external)
				external = a;
		} else if (span.file == a->covers.file && span.begin >= a->covers.begin &&
			   span.begin < a->covers.end) {
			return a;
		}
	}
	return external;
}

void diag_allow_earlier(struct diag_sink *sink, size_t from)
{
	for (size_t i = from; i < sink->diags.len; i++) {
		struct diag *d = sink->diags.items[i];
		if (d->suppressed || !diag_code_allowable(sink, d->code))
			continue;
		struct diag_allow *allow = allowance(sink, d->code, d->span);
		if (!allow || allow->covers.file == SRC_NO_FILE)
			continue;
		allow->used++;
		sink->suppressed++;
		if (d->severity == DIAG_ERROR)
			sink->errors--;
		else if (d->severity == DIAG_WARNING)
			sink->warnings--;
		d->suppressed = allow;
	}
}

/* The severity a report of `code` gets: --deny makes it an error, --werror a warning one. */
static enum diag_severity severity_of(const struct diag_sink *sink, enum diag_code code)
{
	enum diag_severity sev = code_table[code].severity;
	if (sink->denied && sink->denied[code])
		return DIAG_ERROR;
	if (sev == DIAG_WARNING && sink->werror)
		return DIAG_ERROR;
	return sev;
}

/*
 * Messages quote plan text (names, strings, paths), which must not reach
 * a terminal or a CI log raw: escaped here, once, so that every output
 * format gets the same safe text.
 */
static const char *safe_message(struct diag_sink *sink, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static const char *safe_message(struct diag_sink *sink, const char *fmt, va_list ap)
{
	return esc_terminal(sink->arena, arena_vprintf(sink->arena, fmt, ap));
}

struct diag *diag_report(struct diag_sink *sink, enum diag_code code, struct src_span span,
			 const char *fmt, ...)
{
	enum diag_severity sev = severity_of(sink, code);
	struct diag_allow *allow = diag_code_allowable(sink, code) ? allowance(sink, code, span) : NULL;
	if (allow) {
		allow->used++;
		sink->suppressed++;
	} else if (sev == DIAG_ERROR) {
		sink->errors++;
	} else if (sev == DIAG_WARNING) {
		sink->warnings++;
	}
	if (!allow && !is_shown(sink)) {
		sink->dropped++;
		return &sink->overflow;
	}
	struct diag *d = arena_alloc(sink->arena, sizeof *d);
	d->code = code;
	d->severity = sev;
	d->span = span;
	d->suppressed = allow;
	d->seq = (uint32_t)sink->diags.len;
	va_list ap;
	va_start(ap, fmt);
	d->message = safe_message(sink, fmt, ap);
	va_end(ap);
	ptrvec_push(sink->arena, &sink->diags, d);
	return d;
}

void diag_note(struct diag_sink *sink, struct diag *d, struct src_span span, const char *fmt, ...)
{
	if (d == &sink->overflow)
		return;
	struct diag_note *n = arena_alloc(sink->arena, sizeof *n);
	n->span = span;
	va_list ap;
	va_start(ap, fmt);
	n->message = safe_message(sink, fmt, ap);
	va_end(ap);
	ptrvec_push(sink->arena, &d->notes, n);
}

void diag_help(struct diag_sink *sink, struct diag *d, const char *fmt, ...)
{
	if (d == &sink->overflow)
		return;
	va_list ap;
	va_start(ap, fmt);
	d->help = safe_message(sink, fmt, ap);
	va_end(ap);
}

void diag_fix_edit(struct diag_sink *sink, struct diag *d, const char *description, struct src_span span,
		   const char *text)
{
	if (d == &sink->overflow)
		return;
	if (!d->fix) {
		d->fix = arena_alloc(sink->arena, sizeof *d->fix);
		d->fix->description = esc_terminal(sink->arena, arena_strdup(sink->arena, description));
	}
	struct diag_edit *e = arena_alloc(sink->arena, sizeof *e);
	e->span = span;
	e->text = arena_strdup(sink->arena, text);
	ptrvec_push(sink->arena, &d->fix->edits, e);
}

void diag_did_you_mean(struct diag_sink *sink, struct diag *d, struct src_span span, const char *near)
{
	diag_help(sink, d, "did you mean '%s'?", near);
	if (span.file != SRC_NO_FILE)
		diag_fix_edit(sink, d, arena_printf(sink->arena, "write '%s'", near), span, near);
}

void diag_about(struct diag_sink *sink, struct diag *d, const char *path)
{
	if (d != &sink->overflow)
		d->about = arena_strdup(sink->arena, path);
}

bool diag_is_shown(const struct diag_sink *sink, const struct diag *d)
{
	return d != &sink->overflow;
}

bool diag_has_errors(const struct diag_sink *sink)
{
	return sink->errors > 0;
}

/* ---- order ------------------------------------------------------------- */

const char *diag_severity_word(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	case DIAG_NOTE: return "note";
	}
	return "error";
}

static int compare_diags(const void *pa, const void *pb)
{
	const struct diag *a = *(const struct diag *const *)pa;
	const struct diag *b = *(const struct diag *const *)pb;
	/* diagnostics without a place (usage, I/O) come first */
	uint64_t fa = a->span.file == SRC_NO_FILE ? 0 : (uint64_t)a->span.file + 1;
	uint64_t fb = b->span.file == SRC_NO_FILE ? 0 : (uint64_t)b->span.file + 1;
	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (a->span.begin != b->span.begin)
		return a->span.begin < b->span.begin ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_diag(const struct diag *a, const struct diag *b)
{
	return a->code == b->code && a->span.file == b->span.file && a->span.begin == b->span.begin &&
	       strcmp(a->message, b->message) == 0;
}

void diag_sort(struct diag_sink *sink)
{
	if (sink->diags.len > 1) /* with none, items is NULL, which qsort must not see */
		qsort(sink->diags.items, sink->diags.len, sizeof sink->diags.items[0], compare_diags);
}

bool diag_repeats(const struct diag *prev, const struct diag *d)
{
	return prev && same_diag(prev, d);
}

void diag_related(struct diag_sink *sink, const struct diag *d, struct ptrvec *notes)
{
	for (size_t i = 0; i < d->notes.len; i++)
		ptrvec_push(sink->arena, notes, d->notes.items[i]);
	if (d->span.file == SRC_NO_FILE)
		return;
	const struct src_manager *sm = sink->sm;
	unsigned depth = 0;
	for (const struct src_file *f = src_file(sm, d->span.file); f && f->import.file != SRC_NO_FILE;
	     f = src_file(sm, f->import.file)) {
		/* source.c keeps import chains acyclic; the bound is a second safeguard */
		if (++depth > sm->files.len)
			break;
		struct diag_note *n = arena_alloc(sink->arena, sizeof *n);
		n->span = f->import;
		n->message = arena_printf(sink->arena, "'%s' is imported here", esc_terminal(sink->arena, f->path));
		ptrvec_push(sink->arena, notes, n);
	}
}

void diag_report_unused_allows(struct diag_sink *sink, uint32_t file)
{
	if (diag_has_errors(sink))
		return;
	for (size_t i = 0; i < sink->allows.len; i++) {
		const struct diag_allow *a = sink->allows.items[i];
		const char *code = diag_code_string(a->code);
		if (a->kind != DIAG_ALLOW_IN_SOURCE || a->used || a->covers.file != file || code[3] == '4')
			continue;
		struct diag *d = diag_report(sink, BFP024, a->directive,
					     "%s is allowed here, but nothing this comment covers reports it", code);
		diag_help(sink, d, "remove %s from the comment (or the comment): the warning it was "
			  "written for is gone, or it names another code", code);
	}
}
