/*
 * init.c - `bfplan init CLUSTER --nodes A,B,C`: a commented starting plan.
 *
 * A team's first plan should check clean and say what to change next.
 * What it says about BigFix (the steps, the Task that provides the control
 * scripts, the sites) is not written here: the plan is the standard
 * library's starting plan, stdlib/templates/rolling.plan, a plan that
 * checks clean itself, with its placeholder names replaced by the
 * cluster's: the word CLUSTER, the node list, the OS and the quorum model.
 */
#include <string.h>
#include <sys/stat.h>

#include "base/escape.h"
#include "base/readfile.h"
#include "base/textbuf.h"
#include "cmd/compile.h"

#define TEMPLATE "templates/rolling.plan"

/* A name the plan language reads as one word, so it cannot change the plan's shape. */
static bool is_word(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '.' || *s == '-'))
			return false;
	return true;
}

/* What continues a placeholder word: CLUSTER is replaced in patch-CLUSTER and CLUSTER.plan, not in CLUSTERS. */
static bool word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* `text` with each placeholder replaced: a word (CLUSTER) where it stands alone, a phrase anywhere. */
static void substitute(struct textbuf *b, const char *text, const char *const (*pairs)[2], size_t count)
{
	for (const char *p = text; *p;) {
		size_t k = 0;
		for (; k < count; k++) {
			size_t n = strlen(pairs[k][0]);
			bool whole = word_char(pairs[k][0][0]);
			if (strncmp(p, pairs[k][0], n) == 0 &&
			    (!whole || ((p == text || !word_char(p[-1])) && !word_char(p[n]))))
				break;
		}
		if (k < count) {
			textbuf_puts(b, pairs[k][1]);
			p += strlen(pairs[k][0]);
		} else {
			textbuf_putc(b, *p++);
		}
	}
}

/* "A, B, C" from "A,B,C"; NULL if a name is not one word. */
static const char *node_list(struct arena *a, const char *nodes)
{
	struct textbuf out;
	textbuf_init(&out, a);
	for (const char *p = nodes;;) {
		size_t len = strcspn(p, ",");
		if (!is_word(arena_strndup(a, p, len)))
			return NULL;
		if (p != nodes)
			textbuf_puts(&out, ", ");
		textbuf_put(&out, p, len);
		if (!p[len])
			return arena_strndup(a, out.data, out.len);
		p += len + 1;
	}
}

int cmd_init(struct cmd_run *run)
{
	const struct cmd_options *o = run->opts;
	struct arena *a = run->arena;
	const char *name = o->inputs.items[0];
	const char *nodes = o->nodes ? node_list(a, o->nodes) : NULL;
	if (!is_word(name)) {
		cmd_usage_error(run->err, CMD_init, "the cluster's name is one word of letters, digits, '-', '_' and "
				"'.', as in 'files01', not '%s'", esc_terminal(a, name));
		return EXIT_USAGE;
	}
	if (!nodes) {
		cmd_usage_error(run->err, CMD_init, "%s", o->nodes ? "--nodes takes node names separated by commas, as "
				"in '--nodes FSNODE1,FSNODE2,FSNODE3'" : "init needs the cluster's nodes: --nodes NODE,NODE...");
		return EXIT_USAGE;
	}
	if (!run->env->stdlib_dir) {
		fprintf(run->err, "bfplan: no standard library was found, so there is no starting plan to write\n");
		return EXIT_USAGE;
	}
	const char *path = arena_printf(a, "%s/" TEMPLATE, run->env->stdlib_dir);
	size_t len;
	bool too_large;
	const char *text = read_file_bounded(a, path, SRC_MAX_FILE_SIZE, &len, &too_large);
	if (!text || too_large || strlen(text) != len) {
		fprintf(run->err, "bfplan: cannot read the starting plan '%s'\n", esc_terminal(a, path));
		return EXIT_USAGE;
	}
	const char *const pairs[][2] = {
		{"CLUSTER", name},
		{"NODE1, NODE2, NODE3", nodes},
		{"os windows-2008", arena_printf(a, "os %s", o->os ? o->os : "windows-2008")},
		{"quorum node-majority", arena_printf(a, "quorum %s", o->quorum ? o->quorum : "node-majority")},
	};
	struct textbuf plan;
	textbuf_init(&plan, a);
	substitute(&plan, text, pairs, sizeof pairs / sizeof pairs[0]);
	struct stat st;
	if (o->output && lstat(o->output, &st) == 0) {
		fprintf(run->err, "bfplan: '%s' exists; bfplan init does not overwrite a file\n", esc_terminal(a, o->output));
		return EXIT_USAGE;
	}
	struct src_manager sm;
	struct diag_sink diags;
	src_init(&sm, a);
	diag_init(&diags, a, &sm);
	int rc = write_whole(a, &diags, o->output, &plan, run->out);
	diag_render_text(&diags, run->err, o->color);
	return rc;
}
