/*
 * source.c - files, line tables and positions (see source.h).
 */
#include "base/source.h"

#include <string.h>

void src_init(struct src_manager *sm, struct arena *arena)
{
	sm->arena = arena;
	sm->files = (struct ptrvec){0};
}

/*
 * A line ends at '\n' ("\r\n" counts as one end).  Two passes over the
 * text, the count and then the starts, each with memchr, which goes a
 * word or a vector at a time: a plan of 10,000 clusters is 3 MB.
 */
static void build_line_table(struct arena *a, struct src_file *f)
{
	const char *end = f->text + f->len;
	uint32_t count = 1;
	for (const char *p = f->text; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		count++;
	f->line_starts = arena_alloc_unzeroed(a, (size_t)count * sizeof *f->line_starts);
	f->line_count = count;
	uint32_t line = 0;
	f->line_starts[line++] = 0;
	for (const char *p = f->text; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		f->line_starts[line++] = (uint32_t)(p - f->text) + 1;
}

uint32_t src_adopt(struct src_manager *sm, const char *path, const char *text, size_t len)
{
	struct src_file *f = arena_alloc(sm->arena, sizeof *f);
	f->path = arena_strdup(sm->arena, path);
	f->text = text;
	f->len = (uint32_t)len;
	f->import = (struct src_span){SRC_NO_FILE, 0, 0};
	build_line_table(sm->arena, f);
	ptrvec_push(sm->arena, &sm->files, f);
	return (uint32_t)(sm->files.len - 1);
}

uint32_t src_add(struct src_manager *sm, const char *path, const char *text, size_t len)
{
	return src_adopt(sm, path, arena_strndup(sm->arena, text, len), len);
}

const struct src_file *src_file(const struct src_manager *sm, uint32_t id)
{
	return id < sm->files.len ? sm->files.items[id] : NULL;
}

uint32_t src_bom_len(const struct src_file *f)
{
	return f->len >= 3 && memcmp(f->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Index of the last line starting at or before offset. */
static uint32_t line_index(const struct src_file *f, uint32_t offset)
{
	uint32_t lo = 0, hi = f->line_count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

struct src_pos src_position(const struct src_manager *sm, uint32_t file, uint32_t offset)
{
	const struct src_file *f = src_file(sm, file);
	if (!f)
		return (struct src_pos){0, 0};
	if (offset > f->len)
		offset = f->len;
	uint32_t line = line_index(f, offset);
	return (struct src_pos){line + 1, offset - f->line_starts[line] + 1};
}

const char *src_line(const struct src_manager *sm, uint32_t file, uint32_t offset, size_t *len)
{
	const struct src_file *f = src_file(sm, file);
	if (!f) {
		*len = 0;
		return "";
	}
	if (offset > f->len)
		offset = f->len;
	uint32_t line = line_index(f, offset);
	uint32_t start = f->line_starts[line];
	uint32_t end = line + 1 < f->line_count ? f->line_starts[line + 1] - 1 : f->len;
	if (end > start && f->text[end - 1] == '\r')
		end--;
	*len = end - start;
	return f->text + start;
}
