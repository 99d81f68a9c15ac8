/*
 * escape.h - making plan text safe for each place an emitter puts it.
 *
 * One function per context, because each has different rules and some
 * text has no safe form at all:
 *
 *   XML 1.0 text      checked, not changed: libxml2's writer escapes & < > "
 *                     itself but copies forbidden characters through, which
 *                     makes the whole file unreadable, so they are rejected;
 *   relevance string  percent-encoded and quoted (the language's only escape);
 *   ActionScript text a line break or NUL cannot be escaped, so it is rejected;
 *                     '{' is doubled so it does not open a substitution;
 *   HTML, Markdown    escaped for the checklist;
 *   JSON string       escaped for plan.json;
 *   a terminal        diagnostics: what could act on the terminal or hide
 *                     text is shown as an escape.
 *
 * A rejection comes back as a struct esc_fault; the emitter that asked turns
 * it into a diagnostic located at the plan text (struct lw_text's span).
 */
#ifndef BFPLAN_ESCAPE_H
#define BFPLAN_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/textbuf.h"

enum esc_fault_kind {
	ESC_FAULT_NONE,
	ESC_FAULT_INVALID_UTF8,  /* bytes that are not a shortest-form UTF-8 sequence */
	ESC_FAULT_SURROGATE,     /* an encoded UTF-16 surrogate, U+D800..U+DFFF */
	ESC_FAULT_CONTROL,       /* a C0 control other than TAB, LF and CR */
	ESC_FAULT_NONCHARACTER,  /* U+FFFE or U+FFFF, which XML 1.0 excludes */
	ESC_FAULT_LINE_BREAK,    /* CR or LF where a single line is required */
	ESC_FAULT_NUL,           /* a NUL byte where a single line is required */
	ESC_FAULT_EMPTY,         /* relevance with nothing in it */
	ESC_FAULT_UNOPENED,      /* relevance: a ')' that closes nothing */
	ESC_FAULT_UNCLOSED,      /* relevance: a '(' that is never closed */
	ESC_FAULT_OPEN_STRING,   /* relevance: a '"' whose string never ends */
	ESC_FAULT_MAKE_SYNTAX,   /* a path: a character make reads as part of a rule */
};

struct esc_fault {
	enum esc_fault_kind kind;
	size_t offset;        /* byte offset of the offending sequence in the text */
	uint32_t value;       /* the offending code point, or the first bad byte */
};

/* True if XML 1.0 can carry the text; otherwise fills *fault (may be NULL). */
bool esc_xml_check(const char *s, size_t len, struct esc_fault *fault);

/*
 * True if a file's path can go into every output of a build that names it:
 * plan.json and the checklists (what XML 1.0 carries), and the make or
 * ninja depfile, which carries no line break and none of the characters
 * make reads as part of a rule (: ; | = ( ) \ * ? [ ] %, and ~ first) but
 * escapes blanks, '#' and '$'.  Otherwise fills *fault (may be NULL).
 */
bool esc_path_check(const char *s, size_t len, struct esc_fault *fault);

/* A lower-case phrase for a message: "the control character U+0001 at byte 4". */
const char *esc_fault_describe(struct arena *a, const struct esc_fault *fault);

/*
 * A relevance string literal with its quotes.  Every byte outside 0x20..0x7E
 * and each of " % { } becomes %XX, so the result is printable ASCII and can
 * also sit inside an ActionScript {substitution}.  Cannot fail.
 */
char *esc_relevance_string(struct arena *a, const char *s, size_t len);

/*
 * True if relevance text is one balanced expression, which can be wrapped
 * as "not (TEXT)" or "(TEXT) and ..." without changing its meaning: not
 * blank, its string literals closed, and outside them every ')' closing
 * an earlier '('.  (Relevance strings have no backslash escapes: a quote
 * inside one is %22, so every '"' opens or closes one.)
 */
bool esc_relevance_check(const char *s, size_t len, struct esc_fault *fault);

/*
 * Checks one line of an ActionScript body that is copied as written (a
 * catalog's script): no CR, LF or NUL.  Substitutions are left alone.
 */
bool esc_actionscript_line_check(const char *s, size_t len, struct esc_fault *fault);

/* Appends text escaped for an HTML attribute value in double quotes, or anywhere else in a page. */
void esc_html_append(struct textbuf *b, const char *s, size_t len);

/*
 * Appends text escaped for HTML element content only: & < and >.  Quotes
 * mean nothing there, and a checklist's text is full of apostrophes:
 * spelt out as &#39; they cost four bytes each, hundreds of thousands of
 * times a build.  Never use it inside an attribute.
 */
void esc_html_text_append(struct textbuf *b, const char *s, size_t len);

/*
 * Appends text for a Markdown paragraph or table cell: punctuation that
 * Markdown would read as markup is backslash-escaped and line breaks
 * become spaces, so plan text cannot restructure the document.
 */
void esc_markdown_append(struct textbuf *b, const char *s, size_t len);

/*
 * Appends text as the inside of a JSON string, escaped as jansson escapes
 * it (so a document reads back and dumps to the same bytes): '"' and '\\'
 * with a backslash, \b \f \n \r \t, other C0 controls as \u00XX;
 * everything else as it is.  A byte that is not UTF-8 (which the build
 * rejects before any emitter runs) becomes U+FFFD, so the output is
 * always JSON.
 */
void esc_json_append(struct textbuf *b, const char *s, size_t len);

/*
 * Text for a terminal or a CI log: control characters (C0 but tab, DEL,
 * C1), bidi controls, invisible characters and line separators become
 * \u{1B}, \u{202E}; bytes that are not UTF-8 become \x{E9}.  Nothing
 * from a plan can then move the cursor, set a title, write the clipboard,
 * or reorder what the reader sees.  Returns `s` itself when nothing needs
 * escaping.
 */
const char *esc_terminal(struct arena *a, const char *s);

/* The longest escape esc_terminal_char() writes, with its NUL. */
enum { ESC_TERMINAL_MAX = 12 };

/*
 * One character (or one bad byte) of text for a terminal: returns how
 * many bytes of `s` it takes, and fills `escape` with what to show instead
 * ("" when it can be shown as it is).
 */
size_t esc_terminal_char(const char *s, size_t len, char escape[ESC_TERMINAL_MAX]);

/*
 * %XX-decodes `len` bytes of `s` (a URI's path, a REST resource path) into
 * `out`, which holds at least `len` + 1 bytes, and NUL-terminates it; a
 * '%' not followed by two hex digits stays as it is.  The decoded length:
 * a decoded NUL is kept, for the caller to refuse.
 */
size_t percent_decode(char *out, const char *s, size_t len);

#endif
