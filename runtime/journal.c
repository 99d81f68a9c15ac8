/*
 * journal.c - parsing and writing a journal's lines (see journal.h).
 *
 * Each complete line is handed to jansson alone (duplicate keys refused,
 * NUL refused, depth bounded by jansson), then checked key by key against
 * the table of its type: a key the type does not have is a fault, not
 * something to skip, because a journal is evidence and a field nobody
 * reads is one a reader would be misled by.  Values are copied into the
 * arena and the jansson tree freed at once, so memory holds the entries,
 * not the trees.
 */
#include "runtime/journal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "base/utf8.h"

static const struct journal_type_info {
	const char *name;
	unsigned required, optional;
} type_info[] = {
#define X(type, name, required, optional, summary) {name, required, optional},
	JOURNAL_TYPES(X)
#undef X
};

static const char *const field_keys[] = {
#define X(field, key) key,
	JOURNAL_FIELDS(X)
#undef X
};

static const char *const fault_summaries[] = {
#define X(kind, summary) summary,
	JOURNAL_FAULTS(X)
#undef X
};

/* Fields every entry has. */
enum { COMMON_FIELDS = JF_SEQ | JF_TYPE | JF_AT | JF_BY };

const char *journal_fault_summary(enum journal_fault_kind kind)
{
	return fault_summaries[kind];
}

const char *journal_type_name(enum journal_type type)
{
	return type_info[type].name;
}

bool journal_type_lookup(const char *name, enum journal_type *type)
{
	for (int t = 0; t < JOURNAL_TYPE_COUNT; t++) {
		if (strcmp(type_info[t].name, name) == 0) {
			*type = (enum journal_type)t;
			return true;
		}
	}
	return false;
}

/* ---- times ----------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar (years from 1970). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = y / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* `n` decimal digits of v at p, with leading zeros. */
static void put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

void journal_time_format(int64_t seconds, char out[JOURNAL_TIME_SIZE])
{
	if (seconds < 0)
		seconds = 0;
	int64_t days = seconds / 86400, rest = seconds % 86400;
	/* the inverse of days_from_civil */
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
	if (y > 9999) {
		memcpy(out, "9999-12-31T23:59:59Z", JOURNAL_TIME_SIZE);
		return;
	}
	memcpy(out, "0000-00-00T00:00:00Z", JOURNAL_TIME_SIZE);
	put_digits(out, y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, rest / 3600, 2);
	put_digits(out + 14, rest / 60 % 60, 2);
	put_digits(out + 17, rest % 60, 2);
}

/* `n` decimal digits at s, as a number; -1 if any is not a digit. */
static int64_t digits(const char *s, int n)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool journal_time_parse(const char *s, int64_t *seconds)
{
	if (strlen(s) != JOURNAL_TIME_SIZE - 1 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return false;
	int64_t y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int64_t h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, (int)mo) || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 59)
		return false;
	*seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/* ---- values ---------------------------------------------------------------------------- */

bool journal_is_step_name(const char *s)
{
	if (*s == 'P' || *s == 'F')
		s++;
	if (*s < '1' || *s > '9')
		return false;
	size_t n = strspn(s, "0123456789");
	return n <= 9 && s[n] == '\0';
}

bool journal_is_node_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_') || strlen(s) > JOURNAL_MAX_NAME)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '.' || *s == '-'))
			return false;
	return true;
}

bool journal_is_text(const char *s, size_t max, bool one_line)
{
	size_t len = strlen(s);
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) { /* most text is ASCII: no decoding */
			if (one_line && c < 0x20)
				return false;
			i++;
			continue;
		}
		size_t n = utf8_scalar_len((const unsigned char *)s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static bool is_sha256(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* ---- one line -------------------------------------------------------------------------- */

struct line {
	struct arena *arena;
	struct journal_fault *fault;
	const char *text;
	size_t len;
};

static bool line_fault(struct line *l, enum journal_fault_kind kind, uint32_t column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool line_fault(struct line *l, enum journal_fault_kind kind, uint32_t column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	l->fault->kind = kind;
	l->fault->column = column;
	l->fault->detail = arena_vprintf(l->arena, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * A field's value, read by either reader: the general one (jansson) or
 * the one for lines as bfplan writes them (fast_entry).  The checks below
 * see the same values whichever read the line.
 */
struct value {
	enum { VALUE_STRING, VALUE_INTEGER, VALUE_OTHER } kind;
	const char *s;           /* VALUE_STRING: its bytes, valid UTF-8 without NUL */
	size_t len;
	long long integer;       /* VALUE_INTEGER */
	json_t *json;            /* the general reader's value (arrays are read only there), else NULL */
};

static struct value value_of(json_t *v)
{
	if (json_is_string(v))
		return (struct value){VALUE_STRING, json_string_value(v), json_string_length(v), 0, v};
	if (json_is_integer(v))
		return (struct value){VALUE_INTEGER, NULL, 0, json_integer_value(v), v};
	return (struct value){VALUE_OTHER, NULL, 0, 0, v};
}

/* A string field: its copy, or NULL after a fault. */
static const char *string_field(struct line *l, const struct value *v, const char *key)
{
	if (v->kind != VALUE_STRING) {
		line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'%s' is not a string", key);
		return NULL;
	}
	return arena_strndup(l->arena, v->s, v->len);
}

/* A text of at most `max` bytes; one line unless `multi`. */
static const char *text_field(struct line *l, const struct value *v, const char *key, size_t max, bool multi)
{
	const char *s = string_field(l, v, key);
	if (s && !journal_is_text(s, max, !multi)) {
		line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'%s' is empty, longer than %zu bytes%s", key, max,
			   multi ? "" : ", or holds a control character");
		return NULL;
	}
	return s;
}

static bool count_field(struct line *l, const struct value *v, const char *key, uint64_t min, uint64_t *out)
{
	if (v->kind != VALUE_INTEGER || v->integer < 0 || (uint64_t)v->integer < min)
		return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'%s' is not an integer of at least %llu", key,
				  (unsigned long long)min);
	*out = (uint64_t)v->integer;
	return true;
}

static bool time_field(struct line *l, const struct value *v, const char *key, int64_t *out)
{
	const char *s = string_field(l, v, key);
	if (s && !journal_time_parse(s, out))
		return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0,
				  "'%s' is not a time written as 2026-12-06T21:30:05Z (UTC, to the second)", key);
	return s != NULL;
}

static const char *sha_field(struct line *l, const struct value *v, const char *key)
{
	const char *s = string_field(l, v, key);
	if (s && !is_sha256(s)) {
		line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'%s' is not a SHA-256 in 64 lower-case hex digits", key);
		return NULL;
	}
	return s;
}

static const char *name_field(struct line *l, const struct value *v, const char *key)
{
	const char *s = string_field(l, v, key);
	if (s && !journal_is_node_name(s)) {
		line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'%s' is not a node's name", key);
		return NULL;
	}
	return s;
}

static bool targets_field(struct line *l, const struct value *value, struct journal_entry *e)
{
	json_t *v = value->json;
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 4096)
		return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'targets' is not a list of 1 to 4096 nodes");
	size_t n = json_array_size(v);
	const char **names = arena_calloc(l->arena, n, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		struct value name = value_of(json_array_get(v, i));
		if (!(names[i] = name_field(l, &name, "targets")))
			return false;
	}
	e->targets = names;
	e->target_count = n;
	return true;
}

/* One field of an entry, by its index. */
static bool entry_field(struct line *l, enum journal_field_index f, const struct value *v, struct journal_entry *e)
{
	const char *key = field_keys[f];
	switch (f) {
	case JF_SEQ_INDEX:
		return count_field(l, v, key, 1, &e->seq);
	case JF_TYPE_INDEX:
		return true; /* read first, by entry() */
	case JF_AT_INDEX:
		return time_field(l, v, key, &e->at);
	case JF_BY_INDEX:
		return (e->by = text_field(l, v, key, JOURNAL_MAX_NAME, false)) != NULL;
	case JF_STEP_INDEX:
		if (!(e->step = string_field(l, v, key)))
			return false;
		if (!journal_is_step_name(e->step))
			return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0,
					  "'step' is not a step as the checklist numbers it: 3, F3 or P2");
		return true;
	case JF_TARGET_INDEX:
		return (e->target = name_field(l, v, key)) != NULL;
	case JF_TARGETS_INDEX:
		return targets_field(l, v, e);
	case JF_REASON_INDEX:
		return (e->reason = text_field(l, v, key, JOURNAL_MAX_TEXT, true)) != NULL;
	case JF_TEXT_INDEX:
		return (e->text = text_field(l, v, key, JOURNAL_MAX_TEXT, true)) != NULL;
	case JF_PLAN_SHA256_INDEX:
		return (e->plan_sha256 = sha_field(l, v, key)) != NULL;
	case JF_WAS_INDEX:
		return (e->was = sha_field(l, v, key)) != NULL;
	case JF_LINE_INDEX:
		return count_field(l, v, key, 1, &e->line);
	case JF_BYTES_INDEX:
		return count_field(l, v, key, 1, &e->bytes);
	case JF_FILE_INDEX:
		if (!(e->file = text_field(l, v, key, JOURNAL_MAX_NAME, false)))
			return false;
		if (strchr(e->file, '/') || strcmp(e->file, ".") == 0 || strcmp(e->file, "..") == 0)
			return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'file' is not a file name beside the journal");
		return true;
	case JF_REQUEST_INDEX:
		return (e->request = text_field(l, v, key, JOURNAL_MAX_TEXT, false)) != NULL;
	case JF_INTENT_INDEX:
		return count_field(l, v, key, 1, &e->intent);
	case JF_ACTION_INDEX:
		return count_field(l, v, key, 1, &e->action);
	case JOURNAL_FIELD_COUNT:
		break;
	}
	return false;
}

static bool field_index(const char *key, enum journal_field_index *f)
{
	for (int i = 0; i < JOURNAL_FIELD_COUNT; i++) {
		if (field_keys[i][0] == key[0] && strcmp(field_keys[i], key) == 0) {
			*f = (enum journal_field_index)i;
			return true;
		}
	}
	return false;
}

/* The field named first among those in `missing`, for a message. */
static const char *first_field(unsigned missing)
{
	for (int i = 0; i < JOURNAL_FIELD_COUNT; i++)
		if (missing & 1u << i)
			return field_keys[i];
	return "?";
}

static bool entry(struct line *l, json_t *obj, struct journal_entry *e)
{
	json_t *type = json_object_get(obj, "type");
	if (!type)
		return line_fault(l, JOURNAL_FAULT_MISSING_FIELD, 0, "the entry has no 'type'");
	if (!json_is_string(type))
		return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'type' is not a string");
	if (!journal_type_lookup(json_string_value(type), &e->type))
		return line_fault(l, JOURNAL_FAULT_UNKNOWN_TYPE, 0, "'%s' is not an entry type of journal format %d",
				  esc_terminal(l->arena, arena_strndup(l->arena, json_string_value(type),
								      json_string_length(type))),
				  JOURNAL_FORMAT);
	const struct journal_type_info *info = &type_info[e->type];
	unsigned required = COMMON_FIELDS | info->required, allowed = required | info->optional, seen = 0;
	const char *key;
	json_t *value;
	json_object_foreach(obj, key, value) {
		enum journal_field_index f;
		if (!field_index(key, &f) || !(allowed & 1u << f))
			return line_fault(l, JOURNAL_FAULT_UNKNOWN_FIELD, 0, "'%s' is not a field of a '%s' entry",
					  esc_terminal(l->arena, key), info->name);
		struct value v = value_of(value);
		if (!entry_field(l, f, &v, e))
			return false;
		seen |= 1u << f;
	}
	if (required & ~seen)
		return line_fault(l, JOURNAL_FAULT_MISSING_FIELD, 0, "a '%s' entry needs '%s'", info->name,
				  first_field(required & ~seen));
	return true;
}

/* The header's keys, in the order they are written. */
static const char *const header_keys[] = {"bfplan_journal", "bfplan", "plan", "plan_sha256", "source", "created", "by"};

static bool header(struct line *l, json_t *obj, struct journal_header *h)
{
	json_t *format = json_object_get(obj, "bfplan_journal");
	if (!format)
		return line_fault(l, JOURNAL_FAULT_NOT_HEADER, 0, "it has no 'bfplan_journal' key");
	if (!json_is_integer(format) || json_integer_value(format) < 1)
		return line_fault(l, JOURNAL_FAULT_NOT_HEADER, 0, "'bfplan_journal' is not a format number");
	if (json_integer_value(format) > JOURNAL_FORMAT)
		return line_fault(l, JOURNAL_FAULT_NEWER_FORMAT, 0, "it is in format %lld; this bfplan reads format %d",
				  (long long)json_integer_value(format), JOURNAL_FORMAT);
	h->format = (unsigned)json_integer_value(format);
	bool has_created = false;
	const char *key;
	json_t *json;
	json_object_foreach(obj, key, json) {
		struct value value = value_of(json), *v = &value;
		size_t k = 0;
		while (k < sizeof header_keys / sizeof header_keys[0] && strcmp(header_keys[k], key) != 0)
			k++;
		switch (k) {
		case 0:
			break;
		case 1:
			h->bfplan = text_field(l, v, key, 64, false);
			break;
		case 2:
			h->plan = string_field(l, v, key);
			if (h->plan && !journal_is_node_name(h->plan))
				return line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'plan' is not a plan's name");
			break;
		case 3:
			h->plan_sha256 = sha_field(l, v, key);
			break;
		case 4:
			h->source = text_field(l, v, key, JOURNAL_MAX_TEXT, false);
			break;
		case 5:
			if (!time_field(l, v, key, &h->created))
				return false;
			has_created = true;
			break;
		case 6:
			h->by = text_field(l, v, key, JOURNAL_MAX_NAME, false);
			break;
		default:
			return line_fault(l, JOURNAL_FAULT_UNKNOWN_FIELD, 0, "'%s' is not a field of the header",
					  esc_terminal(l->arena, key));
		}
		if (l->fault->kind != JOURNAL_FAULT_NONE)
			return false;
	}
	const char *missing = !h->bfplan ? "bfplan" : !h->plan ? "plan" : !h->plan_sha256 ? "plan_sha256"
			      : !h->source ? "source" : !has_created ? "created" : !h->by ? "by" : NULL;
	if (missing)
		return line_fault(l, JOURNAL_FAULT_MISSING_FIELD, 0, "the header needs '%s'", missing);
	return true;
}

/* Parses one complete line (without its newline) as JSON: the object, or NULL after a fault. */
static json_t *line_json(struct line *l)
{
	json_error_t error;
	json_t *v = json_loadb(l->text, l->len, JSON_REJECT_DUPLICATES, &error);
	if (!v) {
		/* jansson's column is where it gave up, past the token it names: the line is the place */
		line_fault(l, JOURNAL_FAULT_NOT_JSON, 0, "%s",
			   esc_terminal(l->arena, error.text));
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		line_fault(l, JOURNAL_FAULT_NOT_OBJECT, 1, "each line of a journal is one JSON object");
		return NULL;
	}
	return v;
}

void journal_push(struct arena *arena, struct journal *j, const struct journal_entry *e)
{
	if (j->count == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 64;
		struct journal_entry *grown = arena_calloc(arena, j->cap, sizeof *grown);
		if (j->count)
			memcpy(grown, j->entries, j->count * sizeof *grown);
		j->entries = grown;
	}
	j->entries[j->count++] = *e;
}

/*
 * The reader of lines as bfplan writes them, which is most of every
 * journal: one flat object without blanks, keys of [a-z0-9_],
 * values strings without escapes or integers of at most 18 digits.  It
 * reads those at a tenth of jansson's cost (docs/performance.md, "The
 * journal's start-up cost"), and the checks of the fields are the same.
 * Any other line it leaves to jansson, which reads all of JSON: a string
 * with an escape, a blank, an array, a number of another form, a key it
 * does not know or sees twice.  It takes nothing jansson would refuse:
 * no control character, no byte that is not UTF-8.  The fuzz harness
 * holds the two readers to the same entries and faults.
 *
 * Returns false when the line is not of that form; else true, with *ok
 * whether the entry is good (and the fault filled when it is not).
 */
enum { FAST_MAX_FIELDS = 16, FAST_MAX_KEY = 15, FAST_MAX_DIGITS = 18 };

struct fast_pair {
	enum journal_field_index field;
	struct value value;
};

/* A string from the opening quote at *p: false for anything but plain UTF-8 without escapes. */
static bool fast_string(const char **p, const char *end, struct value *v)
{
	const char *s = ++*p;
	while (s < end && *s != '"') {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c < 0x20)
			return false;
		if (c < 0x80) {
			s++;
			continue;
		}
		size_t n = utf8_scalar_len((const unsigned char *)s, (size_t)(end - s));
		if (n == 0)
			return false;
		s += n;
	}
	if (s == end)
		return false;
	*v = (struct value){VALUE_STRING, *p, (size_t)(s - *p), 0, NULL};
	*p = s + 1;
	return true;
}

static bool fast_integer(const char **p, const char *end, struct value *v)
{
	const char *s = *p;
	long long n = 0;
	while (s < end && *s >= '0' && *s <= '9' && s - *p < FAST_MAX_DIGITS)
		n = n * 10 + (*s++ - '0');
	if (s == *p || (s < end && *s >= '0' && *s <= '9') || (**p == '0' && s - *p > 1))
		return false;
	*v = (struct value){VALUE_INTEGER, NULL, 0, n, NULL};
	*p = s;
	return true;
}

/* The line's pairs, in order; how many, or -1 when it is not of the plain form. */
static int fast_pairs(const struct line *l, struct fast_pair *pairs)
{
	const char *p = l->text, *end = l->text + l->len;
	unsigned seen = 0;
	int n = 0;
	if (p == end || *p++ != '{')
		return -1;
	for (;;) {
		char key[FAST_MAX_KEY + 1];
		size_t k = 0;
		if (p == end || *p++ != '"')
			return -1;
		while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_') && k < FAST_MAX_KEY)
			key[k++] = *p++;
		key[k] = '\0';
		if (k == 0 || p == end || *p++ != '"' || p == end || *p++ != ':' || n == FAST_MAX_FIELDS)
			return -1;
		struct fast_pair *pair = &pairs[n];
		if (!field_index(key, &pair->field) || (seen & 1u << pair->field))
			return -1;
		seen |= 1u << pair->field;
		if (p < end && *p == '"' ? !fast_string(&p, end, &pair->value) : !fast_integer(&p, end, &pair->value))
			return -1;
		n++;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		return p + 1 == end && *p == '}' ? n : -1;
	}
}

static bool fast_entry(struct line *l, struct journal_entry *e, bool *ok)
{
	struct fast_pair pairs[FAST_MAX_FIELDS];
	int n = fast_pairs(l, pairs);
	const struct value *type = NULL;
	for (int i = 0; i < n; i++)
		if (pairs[i].field == JF_TYPE_INDEX)
			type = &pairs[i].value;
	if (!type || type->kind != VALUE_STRING || type->len > 32)
		return false;
	char name[33];
	memcpy(name, type->s, type->len);
	name[type->len] = '\0';
	if (!journal_type_lookup(name, &e->type))
		return false;
	const struct journal_type_info *info = &type_info[e->type];
	unsigned required = COMMON_FIELDS | info->required, allowed = required | info->optional, seen = 0;
	for (int i = 0; i < n; i++) {
		if (!(allowed & 1u << pairs[i].field))
			return false; /* jansson's reader says which field, as it does for every line */
		seen |= 1u << pairs[i].field;
	}
	if (required & ~seen)
		return false;
	*ok = true;
	for (int i = 0; i < n && *ok; i++)
		*ok = entry_field(l, pairs[i].field, &pairs[i].value, e);
	return true;
}

/* The next entry, from a complete line: its fields checked, its seq the next. */
static bool parse_entry(struct line *l, uint32_t number, uint32_t offset, struct journal *j, bool fast)
{
	struct journal_entry e = {.line_number = number, .offset = offset, .length = (uint32_t)l->len};
	bool ok;
	if (!fast || !fast_entry(l, &e, &ok)) {
		json_t *obj = line_json(l);
		if (!obj)
			return false;
		e = (struct journal_entry){.line_number = number, .offset = offset, .length = (uint32_t)l->len};
		ok = entry(l, obj, &e);
		json_decref(obj);
	}
	if (ok && e.seq != j->count + 1)
		ok = line_fault(l, JOURNAL_FAULT_SEQUENCE, 0, "'seq' is %llu, but the entry before it is %zu",
				(unsigned long long)e.seq, j->count);
	/* an action comes of a request a driver recorded before sending it */
	if (ok && e.type == JOURNAL_ISSUED && (e.intent >= e.seq || j->entries[e.intent - 1].type != JOURNAL_INTENT))
		ok = line_fault(l, JOURNAL_FAULT_BAD_FIELD, 0, "'intent' is %llu, which is not an earlier intent entry",
				(unsigned long long)e.intent);
	if (ok)
		journal_push(l->arena, j, &e);
	return ok;
}

/* One complete line: the header if it is the first, else the next entry. */
static bool parse_line(struct line *l, uint32_t number, uint32_t offset, struct journal *j, bool fast)
{
	if (l->len == 0 || (l->len == 1 && l->text[0] == '\r'))
		return line_fault(l, JOURNAL_FAULT_EMPTY_LINE, 1, "a journal has no empty lines");
	if (number > 1)
		return parse_entry(l, number, offset, j, fast);
	json_t *obj = line_json(l);
	if (!obj)
		return false;
	bool ok = header(l, obj, &j->header);
	j->header.length = (uint32_t)l->len + 1;
	j->has_header = ok;
	json_decref(obj);
	return ok;
}

static bool parse(struct arena *arena, const char *text, size_t len, struct journal *j, struct journal_fault *fault,
		  bool fast)
{
	*j = (struct journal){0};
	*fault = (struct journal_fault){.kind = JOURNAL_FAULT_NONE};
	if (len > JOURNAL_MAX_BYTES) {
		fault->kind = JOURNAL_FAULT_TOO_LARGE;
		fault->detail = arena_printf(arena, "it holds %zu bytes; bfplan reads at most %d", len,
					     (int)JOURNAL_MAX_BYTES);
		return false;
	}
	struct line l = {.arena = arena, .fault = fault};
	/*
	 * One entry a line at most, and no entry is shorter than 60 bytes: the
	 * array is made once, not grown, and a file of empty lines does not
	 * make it larger than a journal of its size can need.
	 */
	enum { SHORTEST_ENTRY = 60 };
	size_t lines = 0;
	for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		lines++;
	if (lines > len / SHORTEST_ENTRY + 1)
		lines = len / SHORTEST_ENTRY + 1;
	if (lines) {
		j->cap = lines;
		j->entries = arena_alloc(arena, lines * sizeof *j->entries);
	}
	size_t at = 0;
	uint32_t number = 1;
	for (; at < len; number++) {
		const char *nl = memchr(text + at, '\n', len - at);
		if (!nl)
			break; /* the rest is torn */
		l.text = text + at;
		l.len = (size_t)(nl - l.text);
		fault->line = number;
		fault->offset = (uint32_t)at;
		fault->length = (uint32_t)l.len;
		if (l.len > JOURNAL_MAX_LINE) {
			fault->kind = JOURNAL_FAULT_LINE_TOO_LONG;
			fault->detail = arena_printf(arena, "it holds %zu bytes; an entry holds at most %d", l.len,
						     (int)JOURNAL_MAX_LINE);
			return false;
		}
		if (!parse_line(&l, number, (uint32_t)at, j, fast))
			return false;
		at += l.len + 1;
	}
	*fault = (struct journal_fault){.kind = JOURNAL_FAULT_NONE};
	j->complete = at;
	j->torn = len - at;
	j->torn_line = j->torn ? number : 0;
	return true;
}

bool journal_parse(struct arena *arena, const char *text, size_t len, struct journal *j, struct journal_fault *fault)
{
	return parse(arena, text, len, j, fault, true);
}

bool journal_parse_general(struct arena *arena, const char *text, size_t len, struct journal *j,
			   struct journal_fault *fault)
{
	return parse(arena, text, len, j, fault, false);
}

/* ---- writing --------------------------------------------------------------------------- */

static void put_key(struct textbuf *out, bool *first, const char *key)
{
	textbuf_puts(out, *first ? "{\"" : ",\"");
	*first = false;
	textbuf_puts(out, key);
	textbuf_puts(out, "\":");
}

static void put_string(struct textbuf *out, bool *first, const char *key, const char *value)
{
	if (!value)
		return;
	put_key(out, first, key);
	textbuf_putc(out, '"');
	esc_json_append(out, value, strlen(value));
	textbuf_putc(out, '"');
}

static void put_count(struct textbuf *out, bool *first, const char *key, uint64_t value, bool always)
{
	if (!value && !always)
		return;
	put_key(out, first, key);
	textbuf_printf(out, "%llu", (unsigned long long)value);
}

static void put_time(struct textbuf *out, bool *first, const char *key, int64_t value)
{
	char t[JOURNAL_TIME_SIZE];
	journal_time_format(value, t);
	put_string(out, first, key, t);
}

void journal_write_header(struct textbuf *out, const struct journal_header *h)
{
	bool first = true;
	put_count(out, &first, "bfplan_journal", JOURNAL_FORMAT, true);
	put_string(out, &first, "bfplan", h->bfplan);
	put_string(out, &first, "plan", h->plan);
	put_string(out, &first, "plan_sha256", h->plan_sha256);
	put_string(out, &first, "source", h->source);
	put_time(out, &first, "created", h->created);
	put_string(out, &first, "by", h->by);
	textbuf_puts(out, "}\n");
}

void journal_write_entry(struct textbuf *out, const struct journal_entry *e)
{
	bool first = true;
	put_count(out, &first, "seq", e->seq, true);
	put_string(out, &first, "type", type_info[e->type].name);
	put_time(out, &first, "at", e->at);
	put_string(out, &first, "by", e->by);
	put_string(out, &first, "step", e->step);
	put_string(out, &first, "target", e->target);
	if (e->target_count) {
		put_key(out, &first, "targets");
		for (size_t i = 0; i < e->target_count; i++) {
			textbuf_puts(out, i ? ",\"" : "[\"");
			esc_json_append(out, e->targets[i], strlen(e->targets[i]));
			textbuf_putc(out, '"');
		}
		textbuf_putc(out, ']');
	}
	put_string(out, &first, "reason", e->reason);
	put_string(out, &first, "text", e->text);
	put_string(out, &first, "plan_sha256", e->plan_sha256);
	put_string(out, &first, "was", e->was);
	put_count(out, &first, "line", e->line, false);
	put_count(out, &first, "bytes", e->bytes, false);
	put_string(out, &first, "file", e->file);
	put_string(out, &first, "request", e->request);
	put_count(out, &first, "intent", e->intent, false);
	put_count(out, &first, "action", e->action, false);
	textbuf_puts(out, "}\n");
}
