/*
 * textdiff.c - a unified diff of two texts (see textdiff.h).
 */
#include "base/textdiff.h"

#include <stdbool.h>
#include <string.h>

enum { CONTEXT = 3, MAX_TRACE_CELLS = 2 * 1024 * 1024 };

struct line {
	const char *text;
	size_t len;      /* with its '\n', if it has one */
};

struct lines {
	struct line *items;
	size_t count;
};

static struct lines split_lines(struct arena *a, const char *text, size_t len)
{
	struct lines l = {0};
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	l.items = arena_calloc(a, n + 2, sizeof *l.items);
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		l.items[l.count++] = (struct line){text + start, end - start};
		start = end;
	}
	return l;
}

static bool same_line(struct line a, struct line b)
{
	return a.len == b.len && memcmp(a.text, b.text, a.len) == 0;
}

/* An edit script: for each step, 0 keeps a line of both, 'D' drops an old one, 'I' adds a new one. */
struct script {
	char *ops;
	size_t len;
};

/*
 * Myers' O(ND) greedy algorithm, keeping each round's furthest points to
 * walk the path back.  Returns false when the rounds would need more than
 * MAX_TRACE_CELLS cells.
 */
static bool myers(struct arena *a, const struct line *x, long n, const struct line *y, long m,
		  struct script *s)
{
	long max = n + m, width = 2 * max + 1;
	/* one more than the diagonals: the first round reads v[max + 1], past them when max is 0 */
	long *v = arena_calloc(a, (size_t)width + 1, sizeof *v);
	long **trace = arena_calloc(a, (size_t)max + 1, sizeof *trace);
	long d_end = -1;
	for (long d = 0; d <= max && d_end < 0; d++) {
		if ((d + 1) * width > MAX_TRACE_CELLS)
			return false;
		for (long k = -d; k <= d; k += 2) {
			long px;
			if (k == -d || (k != d && v[max + k - 1] < v[max + k + 1]))
				px = v[max + k + 1];
			else
				px = v[max + k - 1] + 1;
			long py = px - k;
			while (px < n && py < m && same_line(x[px], y[py]))
				px++, py++;
			v[max + k] = px;
			if (px >= n && py >= m) {
				d_end = d;
				break;
			}
		}
		trace[d] = arena_alloc(a, (size_t)width * sizeof *v);
		memcpy(trace[d], v, (size_t)width * sizeof *v);
	}
	/* walk back from (n, m), writing the script from its end */
	s->len = 0;
	s->ops = arena_alloc(a, (size_t)max + 1);
	char *rev = arena_alloc(a, (size_t)max + 1);
	size_t r = 0;
	long px = n, py = m;
	for (long d = d_end; d > 0; d--) {
		const long *pv = trace[d - 1];
		long k = px - py;
		long prev_k = (k == -d || (k != d && pv[max + k - 1] < pv[max + k + 1])) ? k + 1 : k - 1;
		long prev_x = pv[max + prev_k], prev_y = prev_x - prev_k;
		while (px > prev_x && py > prev_y)
			rev[r++] = 0, px--, py--;
		rev[r++] = prev_k == k + 1 ? 'I' : 'D';
		px = prev_x;
		py = prev_y;
	}
	while (px > 0 && py > 0)
		rev[r++] = 0, px--, py--;
	while (r > 0)
		s->ops[s->len++] = rev[--r];
	return true;
}

/* Every old line dropped, then every new one added. */
static void replace_all(struct arena *a, long n, long m, struct script *s)
{
	s->ops = arena_alloc(a, (size_t)(n + m) + 1);
	s->len = 0;
	for (long i = 0; i < n; i++)
		s->ops[s->len++] = 'D';
	for (long i = 0; i < m; i++)
		s->ops[s->len++] = 'I';
}

struct printer {
	struct arena *arena;
	struct textbuf *out;
	textdiff_show_fn *show;
};

static void put_line(const struct printer *p, char mark, struct line l)
{
	bool newline = l.len > 0 && l.text[l.len - 1] == '\n';
	size_t len = newline ? l.len - 1 : l.len;
	textbuf_putc(p->out, mark);
	if (p->show)
		textbuf_puts(p->out, p->show(p->arena, arena_strndup(p->arena, l.text, len)));
	else
		textbuf_put(p->out, l.text, len);
	textbuf_puts(p->out, newline ? "\n" : "\n\\ No newline at end of file\n");
}

/* "start,count" as diff -u writes it: an empty range names the line before it; ",1" is left out. */
static void put_range(struct textbuf *out, size_t start, size_t count)
{
	if (count == 1)
		textbuf_printf(out, "%zu", start + 1);
	else
		textbuf_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

/* One hunk: script steps [from, to), starting at old line i and new line j. */
static void put_hunk(const struct printer *p, const struct script *s, size_t from, size_t to, size_t i,
		     size_t j, const struct lines *x, const struct lines *y)
{
	struct textbuf *out = p->out;
	size_t old_count = 0, new_count = 0;
	for (size_t k = from; k < to; k++) {
		old_count += s->ops[k] != 'I';
		new_count += s->ops[k] != 'D';
	}
	textbuf_puts(out, "@@ -");
	put_range(out, i, old_count);
	textbuf_puts(out, " +");
	put_range(out, j, new_count);
	textbuf_puts(out, " @@\n");
	for (size_t k = from; k < to; k++) {
		if (s->ops[k] == 0)
			put_line(p, ' ', x->items[i++]), j++;
		else if (s->ops[k] == 'D')
			put_line(p, '-', x->items[i++]);
		else
			put_line(p, '+', y->items[j++]);
	}
}

/* The edit script from lines `x` to lines `y`. */
static struct script edit_script(struct arena *arena, const struct lines x, const struct lines y)
{
	/* the lines both ends share are kept out of the search */
	size_t head = 0, tail = 0;
	while (head < x.count && head < y.count && same_line(x.items[head], y.items[head]))
		head++;
	while (tail < x.count - head && tail < y.count - head &&
	       same_line(x.items[x.count - 1 - tail], y.items[y.count - 1 - tail]))
		tail++;
	long n = (long)(x.count - head - tail), m = (long)(y.count - head - tail);
	struct script middle;
	if (!myers(arena, x.items + head, n, y.items + head, m, &middle))
		replace_all(arena, n, m, &middle);
	struct script s = {arena_alloc(arena, head + middle.len + tail + 1), 0};
	memset(s.ops, 0, head);
	memcpy(s.ops + head, middle.ops, middle.len);
	memset(s.ops + head + middle.len, 0, tail);
	s.len = head + middle.len + tail;
	return s;
}

void textdiff_unified(struct arena *arena, struct textbuf *out, struct textdiff_side old,
		      struct textdiff_side new, textdiff_show_fn *show)
{
	if (old.len == new.len && memcmp(old.text, new.text, old.len) == 0)
		return;
	struct lines x = split_lines(arena, old.text, old.len);
	struct lines y = split_lines(arena, new.text, new.len);
	struct script s = edit_script(arena, x, y);

	textbuf_printf(out, "--- %s\n+++ %s\n", old.label, new.label);
	/* hunks: changes with CONTEXT kept lines around them, merged when their contexts touch */
	size_t k = 0, i = 0, j = 0;
	while (k < s.len) {
		size_t change = k;
		size_t ci = i, cj = j;
		while (change < s.len && s.ops[change] == 0)
			change++, ci++, cj++;
		if (change == s.len)
			break;
		size_t back = change - k < CONTEXT ? change - k : CONTEXT;
		size_t from = change - back;
		size_t hi = ci - back, hj = cj - back;
		size_t to = change, ti = ci, tj = cj;
		for (;;) {
			while (to < s.len && s.ops[to] != 0) {
				ti += s.ops[to] != 'I';
				tj += s.ops[to] != 'D';
				to++;
			}
			size_t run = 0;
			while (to + run < s.len && s.ops[to + run] == 0)
				run++;
			if (to + run < s.len && run <= 2 * CONTEXT) {
				to += run, ti += run, tj += run;
				continue;
			}
			size_t after = run < CONTEXT ? run : CONTEXT;
			to += after, ti += after, tj += after;
			break;
		}
		put_hunk(&(struct printer){arena, out, show}, &s, from, to, hi, hj, &x, &y);
		k = to, i = ti, j = tj;
	}
}

struct textdiff_change *textdiff_changes(struct arena *arena, struct textdiff_side old, struct textdiff_side new,
					 size_t *count)
{
	struct lines x = split_lines(arena, old.text, old.len);
	struct lines y = split_lines(arena, new.text, new.len);
	struct script s = edit_script(arena, x, y);
	struct textdiff_change *changes = arena_calloc(arena, s.len / 2 + 1, sizeof *changes);
	size_t n = 0, i = 0, j = 0;
	for (size_t k = 0; k < s.len;) {
		if (s.ops[k] == 0) {
			k++, i++, j++;
			continue;
		}
		struct textdiff_change *c = &changes[n++];
		c->old_begin = i, c->new_begin = j;
		for (; k < s.len && s.ops[k] != 0; k++) {
			i += s.ops[k] == 'D';
			j += s.ops[k] == 'I';
		}
		c->old_end = i, c->new_end = j;
	}
	*count = n;
	return changes;
}
