/*
 * actionscript.c - restarts and parameter queries in an action script (see actionscript.h).
 *
 * A line is cut into tokens: bare words, compared without regard to case,
 * and double-quoted strings, taken as written (ActionScript has no escape
 * inside quotes).  `if` and `endif` are counted, so a restart that only
 * runs in one branch is known to be conditional; the one such branch that
 * is understood is `if {pending restart}`, where a restart clears exactly
 * what it is asked to: it restarts when, and only when, one is pending.
 *
 * The order of lines matters for `clears`: a restart clears what came
 * before it, so a script that asks for a restart after its last `restart`
 * line still may leave Pending Restart.
 */
#include "base/actionscript.h"

#include <string.h>
#include <strings.h>

enum { MAX_TOKENS = 16 };

struct token {
	const char *text;
	size_t len;
	bool quoted;
};

/* Up to MAX_TOKENS tokens of one line; returns how many. */
static size_t tokenize(const char *s, size_t len, struct token *out)
{
	size_t n = 0, i = 0;
	while (i < len && n < MAX_TOKENS) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		struct token *t = &out[n++];
		if (s[i] == '"') {
			size_t start = ++i;
			while (i < len && s[i] != '"')
				i++;
			*t = (struct token){s + start, i - start, true};
			if (i < len)
				i++;
			continue;
		}
		size_t start = i;
		/* `if{...}` has no blank before its brace */
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '"' && !(i > start && s[i] == '{'))
			i++;
		*t = (struct token){s + start, i - start, false};
	}
	return n;
}

static bool word_is(const struct token *t, const char *word)
{
	return !t->quoted && t->len == strlen(word) && strncasecmp(t->text, word, t->len) == 0;
}

/* Do tokens [at, at + count of words) spell `words`, blank-separated? */
static bool words_are(const struct token *t, size_t n, size_t at, const char *const *words, size_t count)
{
	if (at + count > n)
		return false;
	for (size_t i = 0; i < count; i++)
		if (!word_is(&t[at + i], words[i]))
			return false;
	return true;
}

/* `action parameter query "NAME" [with description "D"] [and] [with default [value] "V"]` */
static void read_param(struct arena *a, const struct token *t, size_t n, uint32_t line, struct as_reading *out)
{
	struct as_param *p = arena_alloc(a, sizeof *p);
	p->line = line;
	p->name = n > 3 && t[3].quoted ? arena_strndup(a, t[3].text, t[3].len) : "";
	for (size_t i = 4; i + 1 < n; i++) {
		if (word_is(&t[i], "description") && t[i + 1].quoted)
			p->description = arena_strndup(a, t[i + 1].text, t[i + 1].len);
		else if (word_is(&t[i], "default")) {
			size_t v = i + 1 < n && word_is(&t[i + 1], "value") ? i + 2 : i + 1;
			if (v < n && t[v].quoted)
				p->default_value = arena_strndup(a, t[v].text, t[v].len);
		}
	}
	ptrvec_push(a, &out->params, p);
}

/*
 * Every `{parameter "NAME"` in the line: the substitution the client makes
 * before it runs the line.  Blanks and parentheses may stand between the
 * brace and the word, as relevance allows.
 */
static void read_uses(struct arena *a, const char *s, size_t len, const struct token *first, uint32_t line,
		      struct as_reading *out)
{
	static const char word[] = "parameter";
	for (const char *p = s; (p = memchr(p, '{', (size_t)(s + len - p)));) {
		const char *q = ++p;
		while (q < s + len && (*q == ' ' || *q == '\t' || *q == '('))
			q++;
		if ((size_t)(s + len - q) < sizeof word || strncasecmp(q, word, sizeof word - 1) != 0)
			continue;
		q += sizeof word - 1;
		while (q < s + len && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= s + len || *q != '"')
			continue;
		const char *name = ++q;
		while (q < s + len && *q != '"')
			q++;
		struct as_use *u = arena_alloc(a, sizeof *u);
		u->name = arena_strndup(a, name, (size_t)(q - name));
		u->command = first->quoted ? "" : arena_strndup(a, first->text, first->len);
		u->line = line;
		ptrvec_push(a, &out->uses, u);
	}
}

bool as_names_secret(const char *s)
{
	static const char *const secret[] = {"password", "passwd", "passphrase", "pwd", "secret", "credential",
					     "token", "apikey", "api key", "api-key", "private key"};
	if (!s)
		return false;
	size_t len = strlen(s);
	for (size_t k = 0; k < sizeof secret / sizeof secret[0]; k++) {
		size_t n = strlen(secret[k]);
		for (size_t i = 0; i + n <= len; i++)
			if (strncasecmp(s + i, secret[k], n) == 0)
				return true;
	}
	return false;
}

struct scan {
	unsigned depth;            /* if blocks open */
	uint32_t pending_line;     /* the last line that asks for a restart */
	const char *pending_what;
	uint32_t clear_line;       /* the last unconditional `restart`, or one run when a restart is pending */
	const char *clear_what;
	uint32_t conditional_restart;
	uint32_t shutdown_line;
	bool when_pending;         /* in the first branch of a top-level `if {pending restart}` */
};

/* Whether an `if` line's condition is `{pending restart}`, however it is spaced or bracketed. */
static bool tests_pending_restart(const char *s, size_t len)
{
	const char *open = memchr(s, '{', len);
	if (!open)
		return false;
	const char *close = s + len;
	while (close > open && close[-1] != '}')
		close--;
	if (close == open + 0 || close - 1 <= open)
		return false;
	static const char want[] = "pendingrestart";
	size_t k = 0;
	for (const char *p = open + 1; p < close - 1; p++) {
		if (*p == ' ' || *p == '\t' || *p == '(' || *p == ')')
			continue;
		if (k == sizeof want - 1 || (*p | 0x20) != want[k])
			return false;
		k++;
	}
	return k == sizeof want - 1;
}

static void read_line(struct arena *a, const char *s, size_t len, uint32_t line, struct scan *sc,
		      struct as_reading *out)
{
	struct token t[MAX_TOKENS];
	size_t n = tokenize(s, len, t);
	if (n == 0 || (t[0].len >= 2 && !t[0].quoted && t[0].text[0] == '/' && t[0].text[1] == '/'))
		return;
	read_uses(a, s, len, &t[0], line, out);
	static const char *const requires[] = {"action", "requires", "restart"};
	static const char *const may[] = {"action", "may", "require", "restart"};
	static const char *const query[] = {"action", "parameter", "query"};
	if (word_is(&t[0], "if")) {
		sc->when_pending = sc->depth == 0 && tests_pending_restart(s, len);
		sc->depth++;
	} else if (word_is(&t[0], "else") || word_is(&t[0], "elseif")) {
		if (sc->depth == 1)
			sc->when_pending = false;
	} else if (word_is(&t[0], "endif")) {
		if (sc->depth > 0)
			sc->depth--;
		if (sc->depth == 0)
			sc->when_pending = false;
	} else if (words_are(t, n, 0, requires, 3)) {
		sc->pending_line = line;
		sc->pending_what = "action requires restart";
	} else if (words_are(t, n, 0, may, 4)) {
		sc->pending_line = line;
		sc->pending_what = "action may require restart";
	} else if (words_are(t, n, 0, query, 3)) {
		read_param(a, t, n, line, out);
	} else if (word_is(&t[0], "restart")) {
		if (sc->depth == 0 || (sc->depth == 1 && sc->when_pending)) {
			sc->clear_line = line;
			sc->clear_what = sc->depth ? "restart, when a restart is pending" : "restart";
		}
		else if (!sc->conditional_restart)
			sc->conditional_restart = line;
	} else if (word_is(&t[0], "shutdown")) {
		if (!sc->shutdown_line)
			sc->shutdown_line = line;
	}
}

void as_read(struct arena *a, const char *script, size_t len, struct as_reading *out)
{
	memset(out, 0, sizeof *out);
	struct scan sc = {0};
	uint32_t line = 1;
	for (size_t i = 0; i < len;) {
		size_t end = i;
		while (end < len && script[end] != '\n' && script[end] != '\r')
			end++;
		read_line(a, script + i, end - i, line, &sc, out);
		if (end < len && script[end] == '\r' && end + 1 < len && script[end + 1] == '\n')
			end++;
		i = end + 1;
		line++;
	}
	if (sc.clear_line && sc.clear_line > sc.pending_line) {
		out->restart = AS_RESTART_CLEARS;
		out->line = sc.clear_line;
		out->because = sc.clear_what;
	} else if (sc.pending_line) {
		out->restart = AS_RESTART_MAY;
		out->line = sc.pending_line;
		out->because = sc.pending_what;
	} else {
		out->restart = AS_RESTART_NEVER;
	}
	if (sc.shutdown_line)
		out->doubt = arena_printf(a, "line %u shuts the computer down, and it does not come back "
					  "by itself", sc.shutdown_line);
	else if (sc.conditional_restart && out->restart != AS_RESTART_CLEARS)
		out->doubt = arena_printf(a, "the restart on line %u runs only in a branch of an if block",
					  sc.conditional_restart);
}

const char *as_restart_word(enum as_restart r)
{
	switch (r) {
	case AS_RESTART_NEVER: return "never";
	case AS_RESTART_MAY: return "may";
	case AS_RESTART_CLEARS: return "clears";
	}
	return "never";
}
