/*
 * template.h - advice texts that name the node, the server and the cluster.
 *
 * The stdlib's verify, on-failure and note texts are written once for
 * every cluster, but the operator needs them about this node: "run
 * 'cluster node {node} /status'".  A text may name {node}, {server} (the
 * clustered role's server) and {cluster}; "{{" and "}}" stand for literal
 * braces.  The resolver checks every text when it is declared (which names
 * its context allows), the checker that each name has a value where the
 * text is used, and the emitters fill the text in, so no placeholder ever
 * reaches an output.
 */
#ifndef BFPLAN_TEMPLATE_H
#define BFPLAN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* The names a text may use, as bits. */
enum tpl_name {
	TPL_NODE = 1u << 0,
	TPL_SERVER = 1u << 1,
	TPL_CLUSTER = 1u << 2,
};

enum tpl_fault_kind {
	TPL_FAULT_NONE,
	TPL_FAULT_UNKNOWN,     /* {word} that is not a name bfplan knows */
	TPL_FAULT_NOT_HERE,    /* a known name the text's context has no value for */
	TPL_FAULT_UNCLOSED,    /* a '{' without its '}' */
	TPL_FAULT_STRAY_CLOSE, /* a '}' that closes nothing: write "}}" */
};

struct tpl_fault {
	enum tpl_fault_kind kind;
	const char *word;      /* the placeholder as written, without braces (arena copy) */
};

/*
 * Checks `text` against the names its context allows (a mask of enum
 * tpl_name).  True if it is well formed and uses only allowed names;
 * otherwise fills *fault (words are copied into `a`).
 */
bool tpl_check(struct arena *a, const char *text, unsigned allowed, struct tpl_fault *fault);

/* The names a well-formed text uses, as a mask. */
unsigned tpl_uses(const char *text);

/* What each name stands for where a text is shown; NULL where it has no value. */
struct tpl_values {
	const char *node;
	const char *server;
	const char *cluster;
};

/*
 * The text with every name replaced and "{{" "}}" made single.  A name
 * without a value (which the checker refuses before a build) is kept as
 * written, so nothing is silently dropped.
 */
const char *tpl_fill(struct arena *a, const char *text, const struct tpl_values *values);

#endif
