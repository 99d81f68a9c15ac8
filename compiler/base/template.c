/*
 * template.c - placeholders in advice texts (see template.h).
 */
#include "base/template.h"

#include <string.h>

#include "base/textbuf.h"

static const struct {
	const char *word;
	enum tpl_name name;
} names[] = {
	{"node", TPL_NODE},
	{"server", TPL_SERVER},
	{"cluster", TPL_CLUSTER},
};

enum { NAME_COUNT = sizeof names / sizeof names[0] };

/* The name spelled by the `len` bytes at `s`, or 0. */
static unsigned name_of(const char *s, size_t len)
{
	for (size_t i = 0; i < NAME_COUNT; i++)
		if (len && names[i].word[0] == s[0] && strncmp(names[i].word, s, len) == 0 && names[i].word[len] == '\0')
			return names[i].name;
	return 0;
}

/*
 * Walks the text: calls `each` for every literal run and every
 * placeholder.  Returns false at the first malformed brace, with *at
 * pointing at it.  One walker for checking, collecting and filling keeps
 * the three from disagreeing about what a placeholder is.
 */
typedef bool tpl_visit(void *ctx, const char *s, size_t len, bool is_name);

static bool walk(const char *text, tpl_visit *each, void *ctx, const char **at, enum tpl_fault_kind *why)
{
	const char *run = text;
	for (const char *p = text; *p;) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			if (!each(ctx, run, (size_t)(p - run), false) || !each(ctx, p, 1, false))
				return false;
			p += 2;
			run = p;
		} else if (*p == '{') {
			const char *close = strchr(p + 1, '}');
			const char *open = strchr(p + 1, '{');
			if (!close || (open && open < close)) {
				*at = p;
				*why = TPL_FAULT_UNCLOSED;
				return false;
			}
			if (!each(ctx, run, (size_t)(p - run), false) ||
			    !each(ctx, p + 1, (size_t)(close - p - 1), true))
				return false;
			p = close + 1;
			run = p;
		} else if (*p == '}') {
			*at = p;
			*why = TPL_FAULT_STRAY_CLOSE;
			return false;
		} else {
			/* a literal run: on to the next brace at once (a build walks the same advice per plan) */
			const char *brace = strpbrk(p, "{}");
			p = brace ? brace : p + strlen(p);
		}
	}
	return each(ctx, run, strlen(run), false);
}

struct checking {
	struct arena *arena;
	unsigned allowed, used;
	struct tpl_fault *fault;
};

static bool check_one(void *ctx, const char *s, size_t len, bool is_name)
{
	struct checking *c = ctx;
	if (!is_name)
		return true;
	unsigned name = name_of(s, len);
	if (name && (c->allowed & name)) {
		c->used |= name;
		return true;
	}
	if (c->fault) {
		c->fault->kind = name ? TPL_FAULT_NOT_HERE : TPL_FAULT_UNKNOWN;
		c->fault->word = c->arena ? arena_strndup(c->arena, s, len) : NULL;
	}
	return false;
}

bool tpl_check(struct arena *a, const char *text, unsigned allowed, struct tpl_fault *fault)
{
	struct checking c = {a, allowed, 0, fault};
	const char *at = NULL;
	enum tpl_fault_kind why = TPL_FAULT_NONE;
	if (fault)
		*fault = (struct tpl_fault){TPL_FAULT_NONE, NULL};
	if (walk(text, check_one, &c, &at, &why))
		return true;
	if (fault && at) {
		fault->kind = why;
		fault->word = a ? arena_strndup(a, at, 1) : NULL;
	}
	return false;
}

unsigned tpl_uses(const char *text)
{
	struct checking c = {NULL, TPL_NODE | TPL_SERVER | TPL_CLUSTER, 0, NULL};
	const char *at;
	enum tpl_fault_kind why;
	walk(text, check_one, &c, &at, &why);
	return c.used;
}

struct filling {
	struct textbuf out;
	const struct tpl_values *values;
};

static bool fill_one(void *ctx, const char *s, size_t len, bool is_name)
{
	struct filling *f = ctx;
	const char *value = NULL;
	switch (is_name ? name_of(s, len) : 0) {
	case TPL_NODE: value = f->values->node; break;
	case TPL_SERVER: value = f->values->server; break;
	case TPL_CLUSTER: value = f->values->cluster; break;
	default: break;
	}
	if (value) {
		textbuf_puts(&f->out, value);
	} else if (is_name) {
		textbuf_putc(&f->out, '{');
		textbuf_put(&f->out, s, len);
		textbuf_putc(&f->out, '}');
	} else {
		textbuf_put(&f->out, s, len);
	}
	return true;
}

const char *tpl_fill(struct arena *a, const char *text, const struct tpl_values *values)
{
	if (!text || (!strchr(text, '{') && !strchr(text, '}')))
		return text;
	struct filling f = {.values = values};
	textbuf_init(&f.out, a);
	const char *at;
	enum tpl_fault_kind why;
	if (!walk(text, fill_one, &f, &at, &why))
		return text; /* malformed: refused by the resolver before any build */
	return f.out.data;
}
