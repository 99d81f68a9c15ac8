/*
 * resolve.c - binding names and reading declarations (see resolve.h).
 *
 * Two passes.  The first registers every declaration under its name (one
 * namespace for all kinds, so "'pause' is a step, not a prerequisite" can
 * be said) and allocates an empty entity for it.  The second reads each
 * declaration's block into its entity, looking names up as it goes; since
 * every entity already exists, declarations may refer to each other in any
 * order and across files.
 *
 * Each kind's accepted statements are a table (struct prop): the word, the
 * shape of its values, whether it may repeat or is required, and an example
 * for the help line.  One routine checks any block against its table, so
 * every kind reports unknown, repeated, missing and malformed statements the
 * same way; the per-kind readers then only read values that are known good.
 */
#include "sema/resolve.h"

#include <ctype.h>
#include <string.h>

#include "base/actionscript.h"
#include "base/escape.h"
#include "base/ptrmap.h"
#include "base/suggest.h"
#include "base/symtab.h"
#include "base/template.h"
#include "base/textbuf.h"

struct symbol {
	enum ast_decl_kind kind;
	const char *name;
	const struct ast_decl *decl;
	void *entity;
	struct name_def *def;    /* its entry in the index, when one is kept */
};

struct resolver {
	struct arena *arena;
	const struct src_manager *sm;
	struct diag_sink *diags;
	struct world *world;
	struct symtab names;     /* name -> struct symbol * */
	struct symtab twice;     /* names declared more than once: already reported */
	struct symtab plan_files;/* a plan's name in lower case -> const struct ast_decl *: its files' names */
	struct ptrvec symbols;   /* struct symbol *, in declaration order */
	struct cptrvec extensions;/* const struct ast_decl *: `KIND NAME extend { ... }`, in order */
	struct symtab catalog;   /* "site\nID" -> struct fixlet_ent *: Fixlets and Tasks by site and ID */
	/* "did you mean" candidates per kind, gathered once (NULL until first needed) */
	const char **candidates[DECL_KIND_COUNT];
	size_t candidate_count[DECL_KIND_COUNT];
	struct symtab sites_by_display; /* a site's display name -> struct site_ent *, built when first needed */
	bool sites_indexed;
	struct symtab sites_by_url; /* a site's gather URL -> struct site_ent *, likewise */
	bool urls_indexed;
	struct name_index *index;   /* what an editor navigates by; NULL when not asked for */
};

/* ---- statement tables ------------------------------------------------------------------- */

enum shape {
	SH_FLAG,     /* the word alone */
	SH_IDENT,    /* one identifier */
	SH_STRING,   /* one string */
	SH_INT,      /* one integer */
	SH_DURATION, /* one duration */
	SH_NAMES,    /* one identifier or a comma-separated list of them */
	SH_NODE,     /* one node name: an identifier, or a number as written (2NODE, 1H) */
	SH_NODES,    /* one node name or a comma-separated list of them */
	SH_CUSTOM,   /* read by the kind's own reader */
};

enum {
	P_REPEAT = 1,   /* may appear more than once */
	P_REQUIRED = 2, /* must appear */
	P_BLOCK = 4,    /* takes a block */
	P_NODE_NAMES = 8, /* its values name nodes, though read by the kind's own reader (order) */
};

struct prop {
	const char *word;
	enum shape shape;
	unsigned flags;
	const char *example; /* a correct use, for help lines */
};

enum { MAX_PROPS = 16 };

/* A block's statements, sorted by the table entry they match. */
struct props {
	const struct prop *spec;
	size_t count;
	struct ptrvec stmts[MAX_PROPS]; /* const struct ast_stmt *, only well-formed ones */
	struct ptrvec marks;            /* const struct ast_stmt *: `unconfirmed` lines, well-formed */
};

/* Which kinds describe the world, and so may mark their facts `unconfirmed`. */
enum { NO_MARKS = false, MARKS = true };

static const struct prop no_props[] = {{NULL, SH_FLAG, 0, NULL}};

static const struct prop state_props[] = {
	{"initial", SH_FLAG, 0, "initial"},
	{"final", SH_FLAG, 0, "final"},
	{"waits", SH_FLAG, 0, "waits"},
};

static const struct prop site_props[] = {
	{"gather-url", SH_STRING, 0, "gather-url \"http://sync.bigfix.com/cgi-bin/bfgather/bessupport\""},
	{"masthead", SH_STRING, 0, "masthead \"Enterprise Security\""},
};

/* `os` is required of a declaration of its own, not of imported content (read_fixlet checks). */
enum { FX_ID, FX_SITE, FX_OS, FX_ACTION, FX_NEEDS, FX_RESTART, FX_RELEVANCE, FX_SCRIPT, FX_NOTE, FX_IMPORTED,
       FX_SCRIPT_TYPE, FX_PARAMETER, FX_VERIFY, FX_SUCCESS, FX_OTHER_ACTION };
static const struct prop fixlet_props[] = {
	[FX_ID] = {"id", SH_INT, P_REQUIRED, "id 116"},
	[FX_SITE] = {"site", SH_CUSTOM, P_REQUIRED, "site server-automation"},
	[FX_OS] = {"os", SH_NAMES, 0, "os windows-2003, windows-2008"},
	[FX_ACTION] = {"action", SH_CUSTOM, 0, "action Action1"},
	[FX_NEEDS] = {"needs", SH_NAMES, 0, "needs control-scripts"},
	[FX_RESTART] = {"pending-restart", SH_IDENT, 0, "pending-restart may"},
	[FX_RELEVANCE] = {"relevance", SH_STRING, P_REPEAT, "relevance \"exists service \\\"ClusSvc\\\"\""},
	[FX_SCRIPT] = {"actionscript", SH_STRING, P_REPEAT, "actionscript \"action requires restart\""},
	[FX_NOTE] = {"note", SH_STRING, 0, "note \"runs with domain credentials\""},
	[FX_IMPORTED] = {"imported-from", SH_STRING, 0, "imported-from \"sa-114.bes\""},
	[FX_SCRIPT_TYPE] = {"actionscript-type", SH_STRING, 0,
			    "actionscript-type \"application/x-Fixlet-Windows-PowerShell\""},
	[FX_PARAMETER] = {"parameter", SH_CUSTOM, P_REPEAT, "parameter \"NodeName\" description \"the node to move to\""},
	[FX_SUCCESS] = {"success-criteria", SH_CUSTOM, 0, "success-criteria run-to-completion"},
	[FX_VERIFY] = {"verify", SH_STRING, 0, "verify \"{node} shows Paused in Cluster Administrator\""},
	[FX_OTHER_ACTION] = {"other-action", SH_CUSTOM, P_REPEAT | P_BLOCK,
			     "other-action Action2 { actionscript \"restart 60\" }"},
};

/* The block of `other-action NAME { ... }`: what the full form copies of that action. */
enum { ACT_SCRIPT, ACT_SCRIPT_TYPE, ACT_SUCCESS };
static const struct prop action_props[] = {
	[ACT_SCRIPT] = {"actionscript", SH_STRING, P_REPEAT, "actionscript \"restart 60\""},
	[ACT_SCRIPT_TYPE] = {"actionscript-type", SH_STRING, 0,
			     "actionscript-type \"application/x-Fixlet-Windows-PowerShell\""},
	[ACT_SUCCESS] = {"success-criteria", SH_CUSTOM, 0, "success-criteria run-to-completion"},
};

/* What `KIND NAME extend { ... }` may add to a declaration of another file. */
enum { FXX_OS, FXX_NEEDS };
static const struct prop fixlet_extend_props[] = {
	[FXX_OS] = {"os", SH_NAMES, 0, "os windows-2012r2"},
	[FXX_NEEDS] = {"needs", SH_NAMES, 0, "needs control-scripts"},
};
static const struct prop step_extend_props[] = {
	{"run", SH_NAMES, P_REQUIRED, "run pause-node-2016"},
};
static const struct prop site_extend_props[] = {
	{"gather-url", SH_STRING, P_REQUIRED,
	 "gather-url \"http://bigfix.example.com:52311/cgi-bin/bfgather.exe/serverautomation\""},
};

enum { PR_PROVIDER, PR_DETECT, PR_NEEDS, PR_NOTE };
static const struct prop prereq_props[] = {
	[PR_PROVIDER] = {"provided-by", SH_IDENT, P_REQUIRED, "provided-by install-cluster-control"},
	[PR_DETECT] = {"detect", SH_STRING, P_REQUIRED, "detect \"exists service \\\"ClusSvc\\\"\""},
	[PR_NEEDS] = {"needs", SH_NAMES, 0, "needs dotnet-4.0"},
	[PR_NOTE] = {"note", SH_STRING, 0, "note \"needs domain credentials\""},
};

enum {
	ST_FROM, ST_TO, ST_RUN, ST_BASELINE, ST_TIMEOUT, ST_UNDO, ST_ROLE, ST_VERIFY, ST_ON_FAILURE,
	ST_NOT_RELEVANT, ST_HOLD, ST_MUST_SUCCEED
};
static const struct prop step_props[] = {
	[ST_FROM] = {"from", SH_NAMES, P_REQUIRED, "from online"},
	[ST_TO] = {"to", SH_IDENT, P_REQUIRED, "to paused"},
	[ST_RUN] = {"run", SH_NAMES, 0, "run pause-node-2003, pause-node-2008"},
	[ST_BASELINE] = {"baseline", SH_FLAG, 0, "baseline"},
	[ST_TIMEOUT] = {"timeout", SH_DURATION, 0, "timeout 15m"},
	[ST_UNDO] = {"undo", SH_IDENT, 0, "undo resume"},
	[ST_ROLE] = {"role", SH_IDENT, 0, "role exchange2007-mailbox"},
	[ST_VERIFY] = {"verify", SH_STRING, 0, "verify \"the node shows Paused\""},
	[ST_ON_FAILURE] = {"on-failure", SH_STRING, 0, "on-failure \"resume the node\""},
	[ST_NOT_RELEVANT] = {"not-relevant", SH_STRING, 0, "not-relevant \"{node} already has every patch\""},
	[ST_HOLD] = {"hold-on-failure", SH_FLAG, 0, "hold-on-failure"},
	[ST_MUST_SUCCEED] = {"must-succeed", SH_FLAG, 0, "must-succeed"},
};

enum { RO_DETECT, RO_NEEDS, RO_VERIFY };
static const struct prop role_props[] = {
	[RO_DETECT] = {"detected-by", SH_IDENT, 0, "detected-by move-mailbox-server"},
	[RO_NEEDS] = {"needs", SH_NAMES, 0, "needs cluster-manager-service"},
	[RO_VERIFY] = {"verify", SH_STRING, 0, "verify \"the mailbox server runs on another node\""},
};

enum { CL_OS, CL_NODES, CL_QUORUM, CL_ROLE };
static const struct prop cluster_props[] = {
	[CL_OS] = {"os", SH_NAMES, P_REQUIRED, "os windows-2008"},
	[CL_NODES] = {"nodes", SH_NODES, P_REQUIRED, "nodes EXNODE1, EXNODE2"},
	[CL_QUORUM] = {"quorum", SH_IDENT, 0, "quorum node-and-witness"},
	[CL_ROLE] = {"role", SH_CUSTOM, 0, "role exchange2007-mailbox \"EXCMS01\""},
};

enum { BL_FIXLET, BL_TASK, BL_RESTART };
static const struct prop baseline_props[] = {
	[BL_FIXLET] = {"fixlet", SH_CUSTOM, P_REPEAT, "fixlet 501 site patches-for-windows"},
	[BL_TASK] = {"task", SH_CUSTOM, P_REPEAT, "task 77 site patches-for-windows"},
	[BL_RESTART] = {"restart", SH_CUSTOM, P_REPEAT, "restart"},
};

enum { PL_CLUSTER, PL_ORDER, PL_ACTIVE, PL_MAX_DOWN, PL_QUORUM_RULE, PL_WINDOW, PL_OWNER, PL_REQUIRE, PL_TIMEOUT,
       PL_EACH };
static const struct prop plan_props[] = {
	[PL_CLUSTER] = {"cluster", SH_IDENT, P_REQUIRED, "cluster exch01"},
	[PL_ORDER] = {"order", SH_CUSTOM, P_REPEAT | P_NODE_NAMES, "order passive-first"},
	[PL_ACTIVE] = {"active", SH_NODE, 0, "active EXNODE2"},
	[PL_MAX_DOWN] = {"max-down", SH_INT, 0, "max-down 1"},
	[PL_QUORUM_RULE] = {"quorum-rule", SH_IDENT, 0, "quorum-rule votes"},
	[PL_WINDOW] = {"window", SH_DURATION, 0, "window 6h"},
	[PL_OWNER] = {"owner", SH_CUSTOM, 0, "owner \"Dana Reyes\" contact \"+1 555 0100, on call\""},
	[PL_REQUIRE] = {"require", SH_NAMES, P_REPEAT, "require control-scripts"},
	[PL_TIMEOUT] = {"timeout", SH_CUSTOM, P_REPEAT, "timeout patch 3h"},
	[PL_EACH] = {"each", SH_CUSTOM, P_REQUIRED | P_BLOCK, "each node { pause ... }"},
};

#define PROPS(table) table, sizeof table / sizeof table[0]

/* ---- words that start with a digit --------------------------------------------------------- */

/* The statements a declaration of `kind` takes, from the tables above. */
static const struct prop *decl_props(enum ast_decl_kind kind, size_t *count)
{
	switch (kind) {
	case DECL_SITE: *count = sizeof site_props / sizeof site_props[0]; return site_props;
	case DECL_STATE: *count = sizeof state_props / sizeof state_props[0]; return state_props;
	case DECL_PREREQUISITE: *count = sizeof prereq_props / sizeof prereq_props[0]; return prereq_props;
	case DECL_FIXLET:
	case DECL_TASK: *count = sizeof fixlet_props / sizeof fixlet_props[0]; return fixlet_props;
	case DECL_STEP: *count = sizeof step_props / sizeof step_props[0]; return step_props;
	case DECL_ROLE: *count = sizeof role_props / sizeof role_props[0]; return role_props;
	case DECL_CLUSTER: *count = sizeof cluster_props / sizeof cluster_props[0]; return cluster_props;
	case DECL_BASELINE: *count = sizeof baseline_props / sizeof baseline_props[0]; return baseline_props;
	case DECL_PLAN: *count = sizeof plan_props / sizeof plan_props[0]; return plan_props;
	case DECL_OS:
	case DECL_KIND_COUNT: break;
	}
	*count = 0;
	return no_props;
}

/*
 * Whether a top-level statement of a `kind` declaration names nodes: only
 * there may a word start with a digit, since a NetBIOS computer name may
 * (2NODE); everywhere else it is a mistyped number (30mins, 1h30).
 */
static bool takes_node_names(enum ast_decl_kind kind, const char *word)
{
	size_t count;
	const struct prop *props = decl_props(kind, &count);
	for (size_t i = 0; i < count; i++)
		if (strcmp(props[i].word, word) == 0)
			return props[i].shape == SH_NODE || props[i].shape == SH_NODES ||
			       (props[i].flags & P_NODE_NAMES);
	return false;
}

static bool digit_led(const char *word)
{
	return word && word[0] >= '0' && word[0] <= '9';
}

static void invalid_number(struct diag_sink *diags, const char *word, struct src_span span)
{
	struct diag *d = diag_report(diags, BFP107, span, "invalid number '%s'", word);
	diag_help(diags, d, "write an integer (40301), a duration with a unit s, m, h or d (30m, 1h30m), "
		  "or an identifier that starts with a letter");
}

/* Reports every word that starts with a digit among `values` (lists included). */
static void refuse_digit_words(struct diag_sink *diags, const struct ptrvec *values)
{
	for (size_t i = 0; i < values->len; i++) {
		const struct ast_value *v = values->items[i];
		if (v->kind == VAL_LIST)
			refuse_digit_words(diags, &v->items);
		else if (v->kind == VAL_IDENT && digit_led(v->text))
			invalid_number(diags, v->text, v->span);
	}
}

static void check_block_words(struct diag_sink *diags, enum ast_decl_kind owner, const struct ast_block *b,
			      bool top)
{
	for (size_t i = 0; b && i < b->stmts.len; i++) {
		const struct ast_stmt *s = b->stmts.items[i];
		if (digit_led(s->word))
			invalid_number(diags, s->word, s->word_span);
		if (!(top && takes_node_names(owner, s->word)))
			refuse_digit_words(diags, &s->args);
		check_block_words(diags, owner, s->block, false);
	}
}

bool resolve_words(struct diag_sink *diags, const struct program *program)
{
	size_t errors = diags->errors;
	for (size_t f = 0; f < program->files.len; f++) {
		const struct ast_file *ast = program->files.items[f];
		for (size_t i = 0; i < ast->decls.len; i++) {
			const struct ast_decl *d = ast->decls.items[i];
			if (digit_led(d->name))
				invalid_number(diags, d->name, d->name_span);
			refuse_digit_words(diags, &d->args);
			check_block_words(diags, d->kind, d->block, true);
		}
	}
	return diags->errors == errors;
}

/* ---- reporting helpers ---------------------------------------------------------- */

static const char *shape_phrase(enum shape shape)
{
	switch (shape) {
	case SH_FLAG: return "no value";
	case SH_IDENT: return "one name";
	case SH_STRING: return "one string";
	case SH_INT: return "one integer";
	case SH_DURATION: return "one duration";
	case SH_NAMES: return "a name or a list of names";
	case SH_NODE: return "one node name";
	case SH_NODES: return "a node name or a list of node names";
	case SH_CUSTOM: return "values";
	}
	return "values";
}

static bool value_is(const struct ast_value *v, enum ast_value_kind kind)
{
	return v && v->kind == kind;
}

/*
 * A node name as written: an identifier, or what reads as a number but
 * may be a NetBIOS name (1H; 2008 is refused as all digits by the checker).
 */
static bool node_word(const struct ast_value *v)
{
	return value_is(v, VAL_IDENT) || value_is(v, VAL_INT) || value_is(v, VAL_DURATION);
}

static bool name_ok(const struct ast_value *v, bool nodes)
{
	return nodes ? node_word(v) : value_is(v, VAL_IDENT);
}

static bool names_ok(const struct ast_value *v, bool nodes)
{
	if (name_ok(v, nodes))
		return true;
	if (!value_is(v, VAL_LIST))
		return false;
	for (size_t i = 0; i < v->items.len; i++)
		if (!name_ok(v->items.items[i], nodes))
			return false;
	return true;
}

static bool shape_ok(const struct ast_stmt *s, enum shape shape)
{
	const struct ast_value *first = s->args.len ? s->args.items[0] : NULL;
	switch (shape) {
	case SH_FLAG: return s->args.len == 0;
	case SH_IDENT: return s->args.len == 1 && value_is(first, VAL_IDENT);
	case SH_STRING: return s->args.len == 1 && value_is(first, VAL_STRING);
	case SH_INT: return s->args.len == 1 && value_is(first, VAL_INT);
	case SH_DURATION: return s->args.len == 1 && value_is(first, VAL_DURATION);
	case SH_NAMES: return s->args.len == 1 && names_ok(first, false);
	case SH_NODE: return s->args.len == 1 && node_word(first);
	case SH_NODES: return s->args.len == 1 && names_ok(first, true);
	case SH_CUSTOM: return true;
	}
	return false;
}

static struct src_span args_span(const struct ast_stmt *s)
{
	if (s->args.len == 0)
		return s->word_span;
	const struct ast_value *a = s->args.items[0], *b = s->args.items[s->args.len - 1];
	return src_span_join(a->span, b->span);
}

static void invalid_value(struct resolver *r, const struct ast_stmt *s, const char *what,
			  const char *example)
{
	struct diag *d = diag_report(r->diags, BFP208, args_span(s), "'%s' takes %s", s->word, what);
	diag_help(r->diags, d, "write it as '%s'", example);
}

/* `unconfirmed "reason"` or `unconfirmed FIELD "reason"`: the shape here, the field in read_marks(). */
static void collect_mark(struct resolver *r, struct ast_stmt *s, struct props *out)
{
	const struct ast_value *a = s->args.len > 0 ? s->args.items[0] : NULL;
	const struct ast_value *b = s->args.len > 1 ? s->args.items[1] : NULL;
	bool ok = (s->args.len == 1 && value_is(a, VAL_STRING)) ||
		  (s->args.len == 2 && value_is(a, VAL_IDENT) && value_is(b, VAL_STRING));
	if (!ok) {
		invalid_value(r, s, "a reason in quotes, after the name of the statement it is about if it "
			      "is about one", "unconfirmed action \"the action name is not published\"");
		return;
	}
	if (s->block) {
		struct diag *d = diag_report(r->diags, BFP211, s->block->open, "'unconfirmed' takes no block");
		diag_help(r->diags, d, "write it as 'unconfirmed action \"the reason\"'");
	}
	ptrvec_push(r->arena, &out->marks, s);
}

/*
 * Sorts the statements of `block` by the table entry they match and reports
 * every statement the table does not allow.  A NULL block counts as empty.
 * With `marks`, `unconfirmed` lines are accepted too, and kept apart.
 */
static void collect_props(struct resolver *r, const struct ast_block *block, const struct prop *spec,
			  size_t count, bool marks, const char *owner, struct src_span owner_span,
			  struct props *out)
{
	memset(out, 0, sizeof *out);
	out->spec = spec;
	out->count = spec[0].word ? count : 0;
	const char *words[MAX_PROPS + 1];
	for (size_t i = 0; i < out->count; i++)
		words[i] = spec[i].word;
	size_t nwords = out->count;
	if (marks)
		words[nwords++] = "unconfirmed";

	for (size_t i = 0; block && i < block->stmts.len; i++) {
		struct ast_stmt *s = block->stmts.items[i];
		if (marks && strcmp(s->word, "unconfirmed") == 0) {
			collect_mark(r, s, out);
			continue;
		}
		size_t k = 0;
		while (k < out->count && strcmp(spec[k].word, s->word) != 0)
			k++;
		if (k == out->count) {
			struct diag *d = diag_report(r->diags, BFP207, s->word_span, "%s does not accept '%s'",
						     owner, s->word);
			const char *near = suggest_closest(s->word, words, nwords);
			if (near)
				diag_did_you_mean(r->diags, d, s->word_span, near);
			else if (nwords == 0)
				diag_help(r->diags, d, "this declaration takes no statements; remove the line");
			else {
				struct textbuf list;
				textbuf_init(&list, r->arena);
				for (size_t j = 0; j < nwords; j++)
					textbuf_printf(&list, "%s'%s'", j ? ", " : "", words[j]);
				diag_help(r->diags, d, "the statements allowed here are %s", list.data);
			}
			continue;
		}
		const struct prop *p = &spec[k];
		if (s->block && !(p->flags & P_BLOCK)) {
			/* reported, then read as if the block were not there: the value is still good */
			struct diag *d = diag_report(r->diags, BFP211, s->block->open, "'%s' takes no block",
						     s->word);
			diag_help(r->diags, d, "write it as '%s'", p->example);
		}
		if (!shape_ok(s, p->shape)) {
			invalid_value(r, s, shape_phrase(p->shape), p->example);
			continue;
		}
		if (out->stmts[k].len > 0 && !(p->flags & P_REPEAT)) {
			const struct ast_stmt *first = out->stmts[k].items[0];
			struct diag *d = diag_report(r->diags, BFP210, s->word_span, "'%s' is given twice in %s",
						     s->word, owner);
			diag_note(r->diags, d, first->word_span, "first given here");
			diag_help(r->diags, d, "keep one of the two lines");
			continue;
		}
		ptrvec_push(r->arena, &out->stmts[k], s);
	}
	for (size_t k = 0; k < out->count; k++) {
		if ((spec[k].flags & P_REQUIRED) && out->stmts[k].len == 0) {
			struct diag *d = diag_report(r->diags, BFP209, owner_span, "%s has no '%s'", owner,
						     spec[k].word);
			diag_help(r->diags, d, "add a line such as '%s'", spec[k].example);
		}
	}
}

static const struct ast_stmt *prop_one(const struct props *p, size_t k)
{
	return p->stmts[k].len ? p->stmts[k].items[0] : NULL;
}

static const struct ast_value *first_arg(const struct ast_stmt *s)
{
	return s->args.items[0];
}

static struct lw_text text_of(const struct ast_value *v)
{
	return (struct lw_text){v->text, v->span};
}

static struct lw_text prop_text(const struct props *p, size_t k)
{
	const struct ast_stmt *s = prop_one(p, k);
	return s ? text_of(first_arg(s)) : (struct lw_text){NULL, {SRC_NO_FILE, 0, 0}};
}

/* The names an advice text may use, by where it is shown (docs/language.md, "Advice texts"). */
enum {
	TPL_FOR_STEP = TPL_NODE | TPL_SERVER | TPL_CLUSTER,    /* shown at a step, for each node */
	TPL_FOR_CATALOG = TPL_SERVER | TPL_CLUSTER,            /* notes, shown for the whole cluster */
};

static const char *names_allowed(unsigned allowed)
{
	return allowed & TPL_NODE ? "{node}, {server} or {cluster}" : "{server} or {cluster}";
}

/*
 * An advice text: a string whose placeholders the emitters fill in.  A
 * malformed one is reported here, where it was written, so no output can
 * ever show a placeholder.
 */
static struct lw_text prop_template(struct resolver *r, const struct props *p, size_t k, unsigned allowed)
{
	struct lw_text t = prop_text(p, k);
	struct tpl_fault fault;
	if (!t.text || tpl_check(r->arena, t.text, allowed, &fault))
		return t;
	struct diag *d;
	switch (fault.kind) {
	case TPL_FAULT_UNCLOSED:
		d = diag_report(r->diags, BFP326, t.span, "a '{' in this text is not closed");
		diag_help(r->diags, d, "close the placeholder with '}', or write '{{' for a literal brace");
		break;
	case TPL_FAULT_STRAY_CLOSE:
		d = diag_report(r->diags, BFP326, t.span, "a '}' in this text closes no placeholder");
		diag_help(r->diags, d, "write '}}' for a literal brace");
		break;
	case TPL_FAULT_NOT_HERE:
		d = diag_report(r->diags, BFP326, t.span, "'{%s}' has no value in this text: it is shown for "
				"the whole cluster, not for one node", fault.word);
		diag_help(r->diags, d, "this text may name %s", names_allowed(allowed));
		break;
	case TPL_FAULT_UNKNOWN:
	case TPL_FAULT_NONE: {
		/* the names every text may use first, so the count cuts off {node} where it has no value */
		static const char *const words[] = {"server", "cluster", "node"};
		const char *near = suggest_closest(fault.word, words, allowed & TPL_NODE ? 3 : 2);
		d = diag_report(r->diags, BFP326, t.span, "unknown placeholder '{%s}'", fault.word);
		if (near)
			diag_help(r->diags, d, "did you mean '{%s}'?", near);
		else
			diag_help(r->diags, d, "this text may name %s; write '{{' and '}}' for literal braces",
				  names_allowed(allowed));
		break;
	}
	}
	return (struct lw_text){NULL, t.span};
}

/* The names of an SH_NAMES or SH_NODES value: how many, and each one. */
static size_t names_count(const struct ast_value *v)
{
	return v->kind == VAL_LIST ? v->items.len : 1;
}

static const struct ast_value *name_at(const struct ast_value *v, size_t i)
{
	return v->kind == VAL_LIST ? v->items.items[i] : v;
}

/* ---- names --------------------------------------------------------------------------------- */

/* Fixlets and Tasks are one kind as far as references go. */
static bool kind_matches(enum ast_decl_kind want, enum ast_decl_kind have)
{
	if (want == DECL_FIXLET)
		return have == DECL_FIXLET || have == DECL_TASK;
	return want == have;
}

/*
 * The declared names of `kind`, in declaration order: gathered once per
 * kind, so that many unknown names cost one pass over the symbols, not
 * one pass each.
 */
static const char *const *candidates(struct resolver *r, enum ast_decl_kind kind, size_t *n)
{
	if (!r->candidates[kind]) {
		const char **names = arena_calloc(r->arena, r->symbols.len + 1, sizeof *names);
		size_t count = 0;
		for (size_t i = 0; i < r->symbols.len; i++) {
			const struct symbol *sym = r->symbols.items[i];
			if (kind_matches(kind, sym->kind))
				names[count++] = sym->name;
		}
		r->candidates[kind] = names;
		r->candidate_count[kind] = count;
	}
	*n = r->candidate_count[kind];
	return r->candidates[kind];
}

/* "windows-2016" beside "windows-2012": the same words, other numbers; another release, not a typo. */
static bool other_release(const char *a, const char *b)
{
	bool digits = false;
	for (; *a && *b; a++, b++) {
		bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
		digits |= da || db;
		if (*a != *b && !(da && db))
			return false;
	}
	return digits && !*a && !*b;
}

static void suggest_name(struct resolver *r, struct diag *d, const char *name, enum ast_decl_kind kind)
{
	if (!diag_is_shown(r->diags, d))
		return; /* past the display limit: no one reads the help */
	size_t n;
	const char *const *names = candidates(r, kind, &n);
	const char *near = suggest_closest(name, names, n);
	enum { LISTED_MAX = 8 };
	if (near && kind == DECL_OS && other_release(name, near)) {
		/* a release the catalog does not know yet: the fix is to declare it, not to pick another */
		diag_help(r->diags, d, "to patch %s, declare it ('os %s \"TITLE\"') and add it to the Fixlets that "
			  "apply to it ('fixlet NAME extend { os %s }'), as docs/guide.md, section 10, shows; "
			  "if you meant '%s', write that", name, name, name, near);
	} else if (near) {
		diag_did_you_mean(r->diags, d, d->span, near);
	} else if (n > 0 && n <= LISTED_MAX) {
		struct textbuf list;
		textbuf_init(&list, r->arena);
		for (size_t i = 0; i < n; i++)
			textbuf_printf(&list, "%s'%s'", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
		diag_help(r->diags, d, "the known %s %s %s; declare another, or `use` the file that "
			  "declares it", n == 1 ? ast_decl_singular(kind) : ast_decl_plural(kind), n == 1 ? "is" : "are", list.data);
	} else {
		diag_help(r->diags, d, "declare %s named '%s', or `use` the file that declares it",
			  ast_decl_article(kind), name);
	}
}

/* Records in the index, if one is kept, that the name at `span` means `def`. */
static void note_ref(struct resolver *r, struct src_span span, const struct name_def *def)
{
	if (!r->index || !def)
		return;
	struct name_ref *ref = arena_alloc(r->arena, sizeof *ref);
	*ref = (struct name_ref){span, def};
	ptrvec_push(r->arena, &r->index->refs, ref);
}

/* The entity `v` names, which must be of `kind`; NULL (reported) otherwise. */
static void *lookup(struct resolver *r, enum ast_decl_kind kind, const struct ast_value *v)
{
	const struct symbol *sym = symtab_get(&r->names, v->text);
	if (!sym) {
		struct diag *d = diag_report(r->diags, BFP204, v->span, "unknown %s '%s'",
					     ast_decl_singular(kind), v->text);
		suggest_name(r, d, v->text, kind);
		return NULL;
	}
	if (!kind_matches(kind, sym->kind)) {
		if (symtab_get(&r->twice, v->text))
			return NULL; /* the user meant the other declaration of the name, already reported */
		struct diag *d = diag_report(r->diags, BFP206, v->span, "'%s' is %s, not %s", v->text,
					     ast_decl_article(sym->kind), ast_decl_article(kind));
		diag_note(r->diags, d, sym->decl->name_span, "'%s' is declared here", v->text);
		size_t n;
		const char *const *names = candidates(r, kind, &n);
		const char *near = diag_is_shown(r->diags, d) ? suggest_closest(v->text, names, n) : NULL;
		if (near)
			diag_did_you_mean(r->diags, d, v->span, near);
		else
			diag_help(r->diags, d, "name %s here", ast_decl_article(kind));
		return NULL;
	}
	note_ref(r, v->span, sym->def);
	if (sym->kind == DECL_FIXLET || sym->kind == DECL_TASK) {
		/* imported content that filled a catalog entry is that entry */
		struct fixlet_ent *fx = sym->entity;
		if (fx->merged_into)
			return fx->merged_into;
	}
	return sym->entity;
}

static void *lookup_prop(struct resolver *r, enum ast_decl_kind kind, const struct props *p, size_t k)
{
	const struct ast_stmt *s = prop_one(p, k);
	return s ? lookup(r, kind, first_arg(s)) : NULL;
}

/* Looks up every name of an SH_NAMES statement into `out`, skipping unknown ones. */
static void lookup_all(struct resolver *r, enum ast_decl_kind kind, const struct ast_stmt *s,
		       struct ptrvec *out)
{
	const struct ast_value *list = first_arg(s);
	for (size_t i = 0; i < names_count(list); i++) {
		void *e = lookup(r, kind, name_at(list, i));
		if (e)
			ptrvec_push(r->arena, out, e);
	}
}

static void lookup_all_prop(struct resolver *r, enum ast_decl_kind kind, const struct props *p,
			    size_t k, struct ptrvec *out, struct src_span *span)
{
	for (size_t i = 0; i < p->stmts[k].len; i++) {
		const struct ast_stmt *s = p->stmts[k].items[i];
		lookup_all(r, kind, s, out);
		if (span)
			*span = s->span;
	}
}

/* ---- pass 1: declare ----------------------------------------------------------------------- */

static size_t entity_size(enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_OS: return sizeof(struct os_ent);
	case DECL_STATE: return sizeof(struct state_ent);
	case DECL_SITE: return sizeof(struct site_ent);
	case DECL_PREREQUISITE: return sizeof(struct prereq_ent);
	case DECL_FIXLET:
	case DECL_TASK: return sizeof(struct fixlet_ent);
	case DECL_STEP: return sizeof(struct step_ent);
	case DECL_ROLE: return sizeof(struct role_ent);
	case DECL_CLUSTER: return sizeof(struct cluster_ent);
	case DECL_BASELINE: return sizeof(struct baseline_ent);
	case DECL_PLAN: return sizeof(struct plan_ent);
	case DECL_KIND_COUNT: break;
	}
	return 0;
}

static struct ptrvec *world_list(struct world *w, enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_OS: return &w->oses;
	case DECL_STATE: return &w->states;
	case DECL_SITE: return &w->sites;
	case DECL_PREREQUISITE: return &w->prereqs;
	case DECL_FIXLET:
	case DECL_TASK: return &w->fixlets;
	case DECL_STEP: return &w->steps;
	case DECL_ROLE: return &w->roles;
	case DECL_CLUSTER: return &w->clusters;
	case DECL_BASELINE: return &w->baselines;
	case DECL_PLAN: return &w->plans;
	case DECL_KIND_COUNT: break;
	}
	return &w->plans;
}

/* `KIND NAME extend { ... }` adds to the declaration NAME instead of declaring one. */
static bool is_extension(const struct ast_decl *decl)
{
	for (size_t i = 0; i < decl->args.len; i++) {
		const struct ast_value *v = decl->args.items[i];
		if (v->kind == VAL_IDENT && strcmp(v->text, "extend") == 0)
			return true;
	}
	return false;
}

static bool extensible(enum ast_decl_kind kind)
{
	return kind == DECL_FIXLET || kind == DECL_TASK || kind == DECL_STEP || kind == DECL_SITE;
}

static void declare(struct resolver *r, const struct ast_decl *decl)
{
	if (is_extension(decl)) {
		cptrvec_push(r->arena, &r->extensions, decl);
		return;
	}
	struct symbol *sym = arena_alloc(r->arena, sizeof *sym);
	sym->kind = decl->kind;
	sym->name = decl->name;
	sym->decl = decl;
	struct symbol *existing = symtab_put(&r->names, decl->name, sym);
	if (existing != sym) {
		symtab_put(&r->twice, decl->name, sym);
		struct diag *d = diag_report(r->diags, BFP205, decl->name_span, "'%s' is declared twice",
					     decl->name);
		diag_note(r->diags, d, existing->decl->name_span, "first declared here as %s",
			  ast_decl_article(existing->kind));
		if (existing->kind == decl->kind && extensible(decl->kind))
			diag_help(r->diags, d, "rename one of them, or write '%s %s extend { ... }' to add to "
				  "the first", ast_decl_kind_name(decl->kind), decl->name);
		else
			diag_help(r->diags, d, "rename one of them: every declaration needs its own name");
		return;
	}
	sym->entity = arena_alloc(r->arena, entity_size(decl->kind));
	ptrvec_push(r->arena, &r->symbols, sym);
	if (r->index) {
		sym->def = arena_alloc(r->arena, sizeof *sym->def);
		*sym->def = (struct name_def){decl->kind, decl->name, decl->name_span, decl->span, sym->entity};
		ptrvec_push(r->arena, &r->index->defs, sym->def);
		ptrmap_put(&r->index->by_entity, sym->entity, sym->def);
	}
	ptrvec_push(r->arena, world_list(r->world, decl->kind), sym->entity);
}

/* ---- pass 2: read each kind --------------------------------------------------------------- */

static const char *owner_name(struct resolver *r, const struct ast_decl *decl)
{
	return arena_printf(r->arena, "%s '%s'", ast_decl_kind_name(decl->kind), decl->name);
}

/* The optional title after a declaration's name. */
static struct lw_text read_title(struct resolver *r, const struct ast_decl *decl)
{
	struct lw_text title = {NULL, {SRC_NO_FILE, 0, 0}};
	if (decl->args.len == 0)
		return title;
	const struct ast_value *v = decl->args.items[0];
	if (decl->args.len > 1 || v->kind != VAL_STRING) {
		struct diag *d = diag_report(r->diags, BFP208, v->span,
					     "after the name of %s comes at most a title in quotes",
					     owner_name(r, decl));
		diag_help(r->diags, d, "write it as '%s %s \"A title\" {'", ast_decl_kind_name(decl->kind),
			  decl->name);
		return title;
	}
	return text_of(v);
}

/* The title, or the name where none is given: for what is always shown with a title. */
static struct lw_text read_title_or_name(struct resolver *r, const struct ast_decl *decl)
{
	struct lw_text title = read_title(r, decl);
	return title.text ? title : (struct lw_text){decl->name, decl->name_span};
}

/* ---- unconfirmed facts ----------------------------------------------------------------------- */

/* Is `field` a statement of the declaration's kind that the declaration writes?  Reports if not. */
static bool field_written(struct resolver *r, const struct ast_decl *decl, const struct props *p,
			  const struct ast_value *field)
{
	const char *owner = owner_name(r, decl);
	if (strcmp(field->text, "title") == 0) {
		if (decl->args.len > 0)
			return true;
		struct diag *d = diag_report(r->diags, BFP627, field->span,
					     "%s has no title to mark unconfirmed", owner);
		diag_help(r->diags, d, "give it a title, or mark the whole declaration: 'unconfirmed \"the reason\"'");
		return false;
	}
	const char *words[MAX_PROPS + 1];
	size_t n = 0;
	for (size_t k = 0; k < p->count; k++) {
		if (strcmp(p->spec[k].word, field->text) == 0) {
			if (p->stmts[k].len > 0)
				return true;
			struct diag *d = diag_report(r->diags, BFP627, field->span,
						     "%s has no '%s' to mark unconfirmed", owner, field->text);
			diag_help(r->diags, d, "add the '%s' line, or mark the whole declaration: "
				  "'unconfirmed \"the reason\"'", field->text);
			return false;
		}
		words[n++] = p->spec[k].word;
	}
	words[n++] = "title";
	struct diag *d = diag_report(r->diags, BFP627, field->span, "%s has no statement '%s' to mark "
				     "unconfirmed", owner, field->text);
	const char *near = suggest_closest(field->text, words, n);
	if (near)
		diag_help(r->diags, d, "did you mean '%s'?", near);
	else
		diag_help(r->diags, d, "name one of its statements, or 'title', or leave the name out to mark "
			  "the whole declaration");
	return false;
}

static bool same_field(const struct ast_stmt *a, const struct ast_stmt *b)
{
	const struct ast_value *fa = a->args.len == 2 ? a->args.items[0] : NULL;
	const struct ast_value *fb = b->args.len == 2 ? b->args.items[0] : NULL;
	return (fa == NULL) == (fb == NULL) && (!fa || strcmp(fa->text, fb->text) == 0);
}

/*
 * The `unconfirmed` lines of a declaration, as marks owned by `owner`.  A
 * mark must be about a statement the declaration writes, once: a mark on
 * nothing would be lost without a word.
 */
static void read_marks(struct resolver *r, const struct ast_decl *decl, const struct props *p,
		       const char *owner, struct cptrvec *out)
{
	for (size_t i = 0; i < p->marks.len; i++) {
		const struct ast_stmt *s = p->marks.items[i];
		const struct ast_value *field = s->args.len == 2 ? s->args.items[0] : NULL;
		if (field && !field_written(r, decl, p, field))
			continue;
		const struct ast_stmt *earlier = NULL;
		for (size_t k = 0; k < i && !earlier; k++)
			if (same_field(p->marks.items[k], s))
				earlier = p->marks.items[k];
		if (earlier) {
			struct diag *d = diag_report(r->diags, BFP210, s->word_span, "'unconfirmed%s%s' is given "
						     "twice in %s", field ? " " : "", field ? field->text : "",
						     owner_name(r, decl));
			diag_note(r->diags, d, earlier->word_span, "first given here");
			diag_help(r->diags, d, "give all the reasons in one line");
			continue;
		}
		struct lw_mark *m = arena_alloc(r->arena, sizeof *m);
		*m = (struct lw_mark){owner, field ? field->text : NULL, text_of(s->args.items[s->args.len - 1])};
		cptrvec_push(r->arena, out, m);
	}
}

/* A mark bfplan makes itself; where names the plan text that made the guess. */
static struct lw_mark *new_mark(struct resolver *r, const char *owner, const char *field, const char *reason,
				struct src_span where)
{
	struct lw_mark *m = arena_alloc(r->arena, sizeof *m);
	*m = (struct lw_mark){owner, field, {reason, where}};
	return m;
}

static const char *fixlet_owner(struct resolver *r, const struct fixlet_ent *fx)
{
	const char *kind = fx->lw.is_task ? "Task" : "Fixlet";
	return fx->lw.name ? arena_printf(r->arena, "%s %u '%s'", kind, fx->lw.id, fx->lw.name)
			   : arena_printf(r->arena, "%s %u", kind, fx->lw.id);
}

/* ---- the world's declarations ----------------------------------------------------------------- */

static void read_os(struct resolver *r, const struct ast_decl *decl, struct os_ent *os)
{
	struct props p;
	collect_props(r, decl->block, PROPS(no_props), MARKS, owner_name(r, decl), decl->name_span, &p);
	os->name = decl->name;
	os->title = read_title(r, decl);
	os->decl = decl->name_span;
	read_marks(r, decl, &p, owner_name(r, decl), &os->marks);
}

static void read_state(struct resolver *r, const struct ast_decl *decl, struct state_ent *st)
{
	struct props p;
	collect_props(r, decl->block, PROPS(state_props), MARKS, owner_name(r, decl), decl->name_span, &p);
	st->name = decl->name;
	st->title = read_title(r, decl);
	st->initial = p.stmts[0].len > 0;
	st->final = p.stmts[1].len > 0;
	st->waits = p.stmts[2].len > 0;
	st->decl = decl->name_span;
	read_marks(r, decl, &p, owner_name(r, decl), &st->marks);
}

static void read_site(struct resolver *r, const struct ast_decl *decl, struct site_ent *site)
{
	struct props p;
	collect_props(r, decl->block, PROPS(site_props), MARKS, owner_name(r, decl), decl->name_span, &p);
	site->lw.name = decl->name;
	site->lw.display = read_title_or_name(r, decl);
	site->lw.gather_url = prop_text(&p, 0);
	site->masthead = prop_text(&p, 1);
	site->lw.decl = decl->name_span;
	read_marks(r, decl, &p, owner_name(r, decl), &site->lw.marks);
}

/*
 * The site whose display name (or else masthead name) is `display`, the
 * last declared if several are: a table built at the first use, as sites
 * are read before Fixlets and baselines, so many lines cost one pass over
 * the sites.
 */
static struct site_ent *site_displayed_as(struct resolver *r, const char *display)
{
	if (!r->sites_indexed) {
		symtab_init(&r->sites_by_display, r->arena);
		for (size_t k = r->world->sites.len; k-- > 0;) {
			struct site_ent *site = r->world->sites.items[k];
			if (site->lw.display.text)
				symtab_put(&r->sites_by_display, site->lw.display.text, site);
		}
		/* the masthead name, as the REST API spells a site, where no display name is the same */
		for (size_t k = r->world->sites.len; k-- > 0;) {
			struct site_ent *site = r->world->sites.items[k];
			if (site->masthead.text)
				symtab_put(&r->sites_by_display, site->masthead.text, site);
		}
		r->sites_indexed = true;
	}
	return symtab_get(&r->sites_by_display, display);
}

/* The site whose display name (or masthead name) is `v`; reported if none. */
static const struct lw_site *site_by_display(struct resolver *r, const struct ast_value *v)
{
	const struct site_ent *site = site_displayed_as(r, v->text);
	if (site) {
		if (r->index)
			note_ref(r, v->span, ptrmap_get(&r->index->by_entity, site));
		return &site->lw;
	}
	struct diag *d = diag_report(r->diags, BFP204, v->span, "no site is displayed as \"%s\"", v->text);
	diag_help(r->diags, d, "use the site's name, as in 'site patches-for-windows', or `use` the file that "
		  "declares the site");
	return NULL;
}

/* `site NAME` or `site "Display Name"`. */
static const struct lw_site *read_site_value(struct resolver *r, const struct ast_stmt *s, const char *example)
{
	const struct ast_value *v = s->args.len == 1 ? s->args.items[0] : NULL;
	if (value_is(v, VAL_IDENT)) {
		const struct site_ent *site = lookup(r, DECL_SITE, v);
		return site ? &site->lw : NULL;
	}
	if (value_is(v, VAL_STRING))
		return site_by_display(r, v);
	invalid_value(r, s, "a site's name, or its display name in quotes", example);
	return NULL;
}

/* `action Action1`, or `action "Action 1"` for an action ID that is not spelled like a name. */
static const char *read_action_value(struct resolver *r, const struct ast_stmt *s)
{
	const struct ast_value *v = s->args.len == 1 ? s->args.items[0] : NULL;
	if (value_is(v, VAL_IDENT) || (value_is(v, VAL_STRING) && v->text[0]))
		return v->text;
	invalid_value(r, s, "the action's ID, as in the Fixlet", fixlet_props[FX_ACTION].example);
	return NULL;
}

/* BigFix numbers its content from 1: an ID of 0 names nothing on any server. */
static bool valid_id(struct resolver *r, const struct ast_value *id)
{
	if (id->number > 0)
		return true;
	struct diag *d = diag_report(r->diags, BFP217, id->span, "0 is not a Fixlet or Task ID");
	diag_help(r->diags, d, "write the ID the BigFix console shows for the content, as in 'id 116'");
	return false;
}

/*
 * Relevance from a plan is wrapped by the emitters (`not (DETECT)`), so it
 * must be one expression that cannot close the wrapper's parenthesis:
 * "x) or (true" would make a pre-flight Fixlet relevant everywhere.
 * Reported where the text was written; the emitters check again.
 */
static void check_relevance(struct resolver *r, struct lw_text text, const char *what, const struct ast_decl *owner)
{
	struct esc_fault fault;
	if (!text.text || esc_relevance_check(text.text, strlen(text.text), &fault))
		return;
	struct diag *d = diag_report(r->diags, BFP215, text.span, "the %s of %s is not one balanced "
				     "expression: %s", what, owner_name(r, owner), esc_fault_describe(r->arena, &fault));
	diag_help(r->diags, d, "every '(' needs its ')' and every '\"' its closing '\"'; inside a relevance "
		  "string, write a quote as %%22 and a parenthesis needs no escape");
}

static bool read_restart_word(struct resolver *r, const struct ast_value *v, enum lw_restart *out)
{
	static const char *const words[] = {"never", "may", "clears"};
	static const enum lw_restart values[] = {LW_RESTART_NEVER, LW_RESTART_MAY, LW_RESTART_CLEARS};
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(v->text, words[i]) == 0) {
			*out = values[i];
			return true;
		}
	}
	struct diag *d = diag_report(r->diags, BFP208, v->span,
				     "pending-restart is never, may or clears, not '%s'", v->text);
	const char *near = suggest_closest(v->text, words, 3);
	if (near)
		diag_did_you_mean(r->diags, d, v->span, near);
	else
		diag_help(r->diags, d, "write 'pending-restart may'");
	return false;
}

static const char *restart_word(enum lw_restart r)
{
	return r == LW_RESTART_MAY ? "may" : r == LW_RESTART_CLEARS ? "clears" : "never";
}

static enum lw_restart from_script(enum as_restart r)
{
	return r == AS_RESTART_MAY ? LW_RESTART_MAY : r == AS_RESTART_CLEARS ? LW_RESTART_CLEARS : LW_RESTART_NEVER;
}

/* A secret's default would be written in clear text wherever the parameter is shown: refused. */
static void secret_default(struct resolver *r, const char *name, struct src_span at)
{
	struct diag *d = diag_report(r->diags, BFP617, at, "the secret parameter '%s' has a default value, which "
				     "every output that shows the parameter would hold in clear text", name);
	diag_help(r->diags, d, "remove the default: a secret is typed when the action is taken and is never "
		  "kept in content or in a plan");
}

/*
 * `parameter "NAME" [secure] [description "TEXT"] [default "VALUE"]`:
 * what the action asks for when taken.  A secure one is a secret: it has
 * no default, so no output can show its value.
 */
static void read_parameter(struct resolver *r, const struct ast_stmt *s, struct cptrvec *out)
{
	const struct ast_value *name = s->args.len ? s->args.items[0] : NULL;
	bool ok = value_is(name, VAL_STRING);
	struct lw_parameter *pm = arena_alloc(r->arena, sizeof *pm);
	for (size_t i = 1; ok && i < s->args.len;) {
		const struct ast_value *key = s->args.items[i];
		if (value_is(key, VAL_IDENT) && strcmp(key->text, "secure") == 0 && !pm->secure) {
			pm->secure = true;
			i++;
			continue;
		}
		const struct ast_value *val = i + 1 < s->args.len ? s->args.items[i + 1] : NULL;
		ok = value_is(key, VAL_IDENT) && value_is(val, VAL_STRING);
		if (ok && strcmp(key->text, "description") == 0 && !pm->description.text)
			pm->description = text_of(val);
		else if (ok && strcmp(key->text, "default") == 0 && !pm->default_value.text)
			pm->default_value = text_of(val);
		else
			ok = false;
		i += 2;
	}
	if (!ok) {
		invalid_value(r, s, "the parameter's name in quotes, then optionally 'secure', and 'description' "
			      "and 'default' with a string each", fixlet_props[FX_PARAMETER].example);
		return;
	}
	pm->name = text_of(name);
	if (pm->secure && pm->default_value.text) {
		secret_default(r, pm->name.text, pm->default_value.span);
		pm->default_value = (struct lw_text){0};
	} else if (!pm->secure && (as_names_secret(pm->name.text) || as_names_secret(pm->description.text))) {
		struct diag *d = diag_report(r->diags, BFP618, pm->name.span, "the parameter '%s' is named as a "
					     "secret, but is not marked 'secure'", pm->name.text);
		diag_help(r->diags, d, "write 'parameter \"%s\" secure', so that bfplan keeps its value out of "
			  "every output%s", pm->name.text, pm->default_value.text ? " (and remove its default)" : "");
	}
	cptrvec_push(r->arena, out, pm);
}

static const struct lw_parameter *find_parameter(const struct cptrvec *params, const char *name)
{
	for (size_t i = 0; i < params->len; i++) {
		const struct lw_parameter *pm = params->items[i];
		if (pm->name.text && strcmp(pm->name.text, name) == 0)
			return pm;
	}
	return NULL;
}

/*
 * The action script against its secrets: a query that gives a secret a
 * default (BFP617), or a line that substitutes one (BFP616).  A secret is
 * a parameter declared `secure`, or any parameter named as one.
 */
static void check_secrets(struct resolver *r, const struct ptrvec *lines, const struct fixlet_ent *fx,
			  const struct as_reading *rd)
{
	for (size_t i = 0; i < rd->params.len; i++) {
		const struct as_param *q = rd->params.items[i];
		const struct lw_parameter *pm = find_parameter(&fx->lw.parameters, q->name);
		bool secret = (pm && pm->secure) || as_names_secret(q->name) || as_names_secret(q->description);
		if (secret && q->default_value && q->line >= 1 && q->line <= lines->len)
			secret_default(r, q->name, ((const struct ast_stmt *)lines->items[q->line - 1])->span);
	}
	for (size_t i = 0; i < rd->uses.len; i++) {
		const struct as_use *u = rd->uses.items[i];
		const struct lw_parameter *pm = find_parameter(&fx->lw.parameters, u->name);
		if (!((pm && pm->secure) || as_names_secret(u->name)) || u->line < 1 || u->line > lines->len)
			continue;
		struct diag *d = diag_report(r->diags, BFP616,
					     ((const struct ast_stmt *)lines->items[u->line - 1])->span,
					     "line %u of the action script of %s puts the secret parameter '%s' into "
					     "a '%s' line: the client substitutes it there in clear text", u->line,
					     fixlet_owner(r, fx), u->name, u->command);
		if (pm && pm->name.span.file != SRC_NO_FILE)
			diag_note(r->diags, d, pm->name.span, "the parameter is declared here");
		diag_help(r->diags, d, "keep a secret off command lines (other programs on the node can read them) "
			  "and out of files and registry values that stay: let the program ask for it; if this line "
			  "is where it must go and nothing keeps it, say so with '# bfplan: allow BFP616 -- why'");
	}
}

/* `success-criteria run-to-completion | original-relevance | custom "RELEVANCE"`: the SuccessCriteria Option. */
static bool read_success(struct resolver *r, const struct ast_stmt *s, enum lw_success *success,
			 struct lw_text *relevance, const struct ast_decl *decl)
{
	const struct ast_value *v = s->args.len ? s->args.items[0] : NULL;
	const char *w = value_is(v, VAL_IDENT) ? v->text : "";
	if (s->args.len == 1 && strcmp(w, "run-to-completion") == 0) {
		*success = LW_SUCCESS_RUN_TO_COMPLETION;
	} else if (s->args.len == 1 && strcmp(w, "original-relevance") == 0) {
		*success = LW_SUCCESS_ORIGINAL_RELEVANCE;
	} else if (s->args.len == 2 && strcmp(w, "custom") == 0 && value_is(s->args.items[1], VAL_STRING)) {
		*success = LW_SUCCESS_CUSTOM_RELEVANCE;
		*relevance = text_of(s->args.items[1]);
		check_relevance(r, *relevance, "success relevance", decl);
	} else {
		invalid_value(r, s, "'run-to-completion', 'original-relevance', or 'custom' and the relevance "
			      "that means success, in quotes", fixlet_props[FX_SUCCESS].example);
		return false;
	}
	return true;
}

/* The actionscript lines, one script: a line each, in order. */
static void read_script(struct resolver *r, const struct ptrvec *lines, struct lw_text *out)
{
	struct textbuf script;
	textbuf_init(&script, r->arena);
	for (size_t i = 0; i < lines->len; i++) {
		const struct ast_stmt *s = lines->items[i];
		struct lw_text line = text_of(first_arg(s));
		/* ActionScript runs line by line: a break inside one line would start a new command */
		if (strpbrk(line.text, "\r\n")) {
			struct diag *d = diag_report(r->diags, BFP402, line.span,
						     "an actionscript line contains a line break");
			diag_help(r->diags, d, "write each line of the script as its own 'actionscript' statement");
			continue;
		}
		if (!out->text) {
			*out = line;
		} else {
			if (!script.len)
				textbuf_puts(&script, out->text);
			textbuf_putc(&script, '\n');
			textbuf_puts(&script, line.text);
			*out = (struct lw_text){script.data, src_span_join(out->span, line.span)};
		}
	}
}

/*
 * `other-action NAME { actionscript ... success-criteria ... }`: another
 * action of the Fixlet, as an export holds it.  A secret with a default
 * in its script is refused, as in the main one.
 */
static void read_other_action(struct resolver *r, const struct ast_stmt *s, struct fixlet_ent *fx,
			      const struct ast_decl *decl)
{
	const struct ast_value *name = s->args.len == 1 ? s->args.items[0] : NULL;
	if (!(value_is(name, VAL_IDENT) || value_is(name, VAL_STRING)) || !s->block) {
		invalid_value(r, s, "the action's ID, then a block with its 'actionscript' lines",
			      fixlet_props[FX_OTHER_ACTION].example);
		return;
	}
	struct props p;
	collect_props(r, s->block, PROPS(action_props), NO_MARKS, arena_printf(r->arena, "action '%s'", name->text),
		      name->span, &p);
	struct lw_action *act = arena_alloc(r->arena, sizeof *act);
	act->name = name->text;
	read_script(r, &p.stmts[ACT_SCRIPT], &act->actionscript);
	act->actionscript_type = prop_text(&p, ACT_SCRIPT_TYPE).text;
	if (prop_one(&p, ACT_SUCCESS))
		read_success(r, prop_one(&p, ACT_SUCCESS), &act->success, &act->success_relevance, decl);
	if (act->actionscript.text) {
		struct as_reading rd;
		as_read(r->arena, act->actionscript.text, strlen(act->actionscript.text), &rd);
		check_secrets(r, &p.stmts[ACT_SCRIPT], fx, &rd);
	}
	cptrvec_push(r->arena, &fx->lw.other_actions, act);
}

/* Several relevance clauses must all be true, as in BES content: one expression joins them with `and`. */
static void read_relevance(struct resolver *r, const struct props *p, struct fixlet_ent *fx)
{
	const struct ptrvec *clauses = &p->stmts[FX_RELEVANCE];
	if (clauses->len == 1)
		fx->lw.relevance = text_of(first_arg(clauses->items[0]));
	if (clauses->len <= 1)
		return;
	struct textbuf joined;
	textbuf_init(&joined, r->arena);
	for (size_t i = 0; i < clauses->len; i++) {
		struct lw_text clause = text_of(first_arg(clauses->items[i]));
		textbuf_printf(&joined, "%s(%s)", i ? " and " : "", clause.text);
		fx->lw.relevance = (struct lw_text){joined.data, src_span_join(fx->lw.relevance.span, clause.span)};
	}
}

/*
 * A `pending-restart` line may be more careful than the action script
 * beside it, never less: 'never' where the script asks for a restart, or
 * 'clears' where it does not restart after its last request, would let
 * BFP309 rest on something the script does not do.
 */
static bool claims_more(enum lw_restart stated, enum lw_restart derived)
{
	return (stated == LW_RESTART_NEVER && derived == LW_RESTART_MAY) ||
	       (stated == LW_RESTART_CLEARS && derived != LW_RESTART_CLEARS);
}

/*
 * What the action script says about restarts.  Without a `pending-restart`
 * line, that is the declaration's behaviour; with one, the line decides,
 * but may not claim more than the script (BFP630), unless the script
 * leaves room for doubt (a restart inside an if block), where the line, a
 * person's reading, decides alone.
 */
static void read_fixlet_restart(struct resolver *r, const struct props *p, struct fixlet_ent *fx)
{
	fx->lw.restart = LW_RESTART_NEVER;
	const struct ast_stmt *stated = prop_one(p, FX_RESTART);
	bool stated_ok = stated && read_restart_word(r, first_arg(stated), &fx->lw.restart);
	if (stated)
		fx->given.restart = stated->span;
	fx->given.has_restart = stated_ok;
	if (!fx->lw.actionscript.text || fx->lw.actionscript_type)
		return;
	struct as_reading rd;
	as_read(r->arena, fx->lw.actionscript.text, strlen(fx->lw.actionscript.text), &rd);
	enum lw_restart derived = from_script(rd.restart);
	const struct ptrvec *lines = &p->stmts[FX_SCRIPT];
	size_t at = rd.line >= 1 && rd.line <= lines->len ? rd.line - 1 : 0;
	struct src_span deciding = lines->len ? ((const struct ast_stmt *)lines->items[at])->span : fx->lw.decl;
	if (!stated) {
		fx->lw.restart = derived;
		fx->restart_from_script = true;
		fx->given.has_restart = true;
		fx->given.restart = deciding;
		if (rd.doubt)
			cptrvec_push(r->arena, &fx->lw.marks,
				     new_mark(r, fixlet_owner(r, fx), "pending-restart",
					      arena_printf(r->arena, "read from the action script, but %s", rd.doubt),
					      deciding));
		return;
	}
	if (stated_ok && derived == fx->lw.restart && rd.line) {
		/* the script is where the behaviour comes from: diagnostics point there */
		fx->given.restart = deciding;
		fx->restart_from_script = true;
	}
	if (!stated_ok || !claims_more(fx->lw.restart, derived) || rd.doubt)
		return;
	struct diag *d = diag_report(r->diags, BFP630, first_arg(stated)->span, "'pending-restart %s' "
				     "contradicts the action script of %s", restart_word(fx->lw.restart),
				     fixlet_owner(r, fx));
	if (rd.line)
		diag_note(r->diags, d, deciding, "the script says '%s' here, which means 'pending-restart %s'",
			  rd.because, restart_word(derived));
	else
		diag_note(r->diags, d, deciding, "the script has no restart command and asks for no restart, "
			  "which means 'pending-restart never'");
	diag_help(r->diags, d, "write 'pending-restart %s', or correct the action script",
		  restart_word(derived));
}

static void read_fixlet(struct resolver *r, const struct ast_decl *decl, struct fixlet_ent *fx)
{
	struct props p;
	const char *owner = owner_name(r, decl);
	collect_props(r, decl->block, PROPS(fixlet_props), MARKS, owner, decl->name_span, &p);
	fx->lw.name = decl->name;
	fx->lw.is_task = decl->kind == DECL_TASK;
	fx->lw.title = read_title(r, decl);
	fx->lw.decl = decl->name_span;
	fx->given.kind = decl->kind_span;
	fx->given.title = fx->lw.title.span;
	fx->given.has_title = fx->lw.title.text != NULL;
	fx->imported = prop_one(&p, FX_IMPORTED) != NULL;
	fx->lw.imported_from = prop_text(&p, FX_IMPORTED);
	const struct ast_stmt *id = prop_one(&p, FX_ID);
	if (id && valid_id(r, first_arg(id)))
		fx->lw.id = (uint32_t)first_arg(id)->number;
	if (prop_one(&p, FX_SITE))
		fx->lw.site = read_site_value(r, prop_one(&p, FX_SITE), fixlet_props[FX_SITE].example);
	if (p.stmts[FX_OS].len) {
		lookup_all_prop(r, DECL_OS, &p, FX_OS, &fx->oses, &fx->given.os);
		fx->given.has_os = true;
	} else if (!fx->imported) {
		/* imported content does not say which releases it is for; a declaration of its own must */
		struct diag *d = diag_report(r->diags, BFP209, decl->name_span, "%s has no 'os'", owner);
		diag_help(r->diags, d, "add a line such as '%s'", fixlet_props[FX_OS].example);
	}
	const struct ast_stmt *action = prop_one(&p, FX_ACTION);
	fx->lw.action = action ? read_action_value(r, action) : NULL;
	fx->given.has_action = fx->lw.action != NULL;
	if (action)
		fx->given.action = action->span;
	if (!fx->lw.action)
		fx->lw.action = "Action1";
	lookup_all_prop(r, DECL_PREREQUISITE, &p, FX_NEEDS, &fx->needs, &fx->needs_span);
	fx->given.has_needs = p.stmts[FX_NEEDS].len > 0;
	fx->given.needs = fx->needs_span;
	for (size_t i = 0; i < p.stmts[FX_RELEVANCE].len; i++)
		check_relevance(r, text_of(first_arg(p.stmts[FX_RELEVANCE].items[i])), "relevance", decl);
	read_relevance(r, &p, fx);
	fx->given.has_relevance = fx->lw.relevance.text != NULL;
	fx->given.relevance = fx->lw.relevance.span;
	read_script(r, &p.stmts[FX_SCRIPT], &fx->lw.actionscript);
	fx->given.has_actionscript = fx->lw.actionscript.text != NULL;
	fx->given.actionscript = fx->lw.actionscript.span;
	fx->lw.actionscript_type = prop_text(&p, FX_SCRIPT_TYPE).text;
	for (size_t i = 0; i < p.stmts[FX_PARAMETER].len; i++)
		read_parameter(r, p.stmts[FX_PARAMETER].items[i], &fx->lw.parameters);
	if (prop_one(&p, FX_SUCCESS))
		fx->given.has_success = read_success(r, prop_one(&p, FX_SUCCESS), &fx->lw.success,
						     &fx->lw.success_relevance, decl);
	if (fx->lw.actionscript.text) {
		struct as_reading rd;
		as_read(r->arena, fx->lw.actionscript.text, strlen(fx->lw.actionscript.text), &rd);
		check_secrets(r, &p.stmts[FX_SCRIPT], fx, &rd);
	}
	for (size_t i = 0; i < p.stmts[FX_OTHER_ACTION].len; i++)
		read_other_action(r, p.stmts[FX_OTHER_ACTION].items[i], fx, decl);
	fx->note = prop_template(r, &p, FX_NOTE, TPL_FOR_CATALOG);
	fx->verify = prop_template(r, &p, FX_VERIFY, TPL_FOR_STEP);
	read_marks(r, decl, &p, fixlet_owner(r, fx), &fx->lw.marks);
	read_fixlet_restart(r, &p, fx);
}

static void read_prereq(struct resolver *r, const struct ast_decl *decl, struct prereq_ent *pr)
{
	struct props p;
	collect_props(r, decl->block, PROPS(prereq_props), MARKS, owner_name(r, decl), decl->name_span, &p);
	pr->lw.name = decl->name;
	pr->lw.title = read_title_or_name(r, decl);
	pr->lw.decl = decl->name_span;
	pr->provider = lookup_prop(r, DECL_FIXLET, &p, PR_PROVIDER);
	pr->lw.provider = pr->provider ? &pr->provider->lw : NULL;
	pr->lw.detect = prop_text(&p, PR_DETECT);
	check_relevance(r, pr->lw.detect, "'detect' relevance", decl);
	pr->lw.note = prop_template(r, &p, PR_NOTE, TPL_FOR_CATALOG);
	lookup_all_prop(r, DECL_PREREQUISITE, &p, PR_NEEDS, &pr->needs, &pr->needs_span);
	for (size_t i = 0; i < pr->needs.len; i++)
		cptrvec_push(r->arena, &pr->lw.needs, &((struct prereq_ent *)pr->needs.items[i])->lw);
	read_marks(r, decl, &p, owner_name(r, decl), &pr->lw.marks);
}

static void read_step(struct resolver *r, const struct ast_decl *decl, struct step_ent *st)
{
	struct props p;
	const char *owner = owner_name(r, decl);
	collect_props(r, decl->block, PROPS(step_props), MARKS, owner, decl->name_span, &p);
	st->name = decl->name;
	st->title = read_title_or_name(r, decl);
	st->decl = decl->name_span;
	lookup_all_prop(r, DECL_STATE, &p, ST_FROM, &st->from, &st->from_span);
	st->to = lookup_prop(r, DECL_STATE, &p, ST_TO);
	if (prop_one(&p, ST_TO))
		st->to_span = prop_one(&p, ST_TO)->span;
	lookup_all_prop(r, DECL_FIXLET, &p, ST_RUN, &st->run, &st->run_span);
	st->takes_baseline = p.stmts[ST_BASELINE].len > 0;
	if (st->takes_baseline == (p.stmts[ST_RUN].len > 0)) {
		struct diag *d = diag_report(r->diags, BFP209, decl->name_span,
					     "%s needs exactly one of 'run' and 'baseline'", owner);
		diag_help(r->diags, d, "a step either runs Fixlets ('run pause-node-2008') or takes the "
			  "plan's baseline ('baseline')");
	}
	const struct ast_stmt *timeout = prop_one(&p, ST_TIMEOUT);
	st->timeout = timeout ? first_arg(timeout)->number : 0;
	st->undo = lookup_prop(r, DECL_STEP, &p, ST_UNDO);
	if (prop_one(&p, ST_UNDO))
		st->undo_span = prop_one(&p, ST_UNDO)->span;
	st->role = lookup_prop(r, DECL_ROLE, &p, ST_ROLE);
	st->verify = prop_template(r, &p, ST_VERIFY, TPL_FOR_STEP);
	st->on_failure = prop_template(r, &p, ST_ON_FAILURE, TPL_FOR_STEP);
	st->not_relevant = prop_template(r, &p, ST_NOT_RELEVANT, TPL_FOR_STEP);
	st->hold_on_failure = p.stmts[ST_HOLD].len > 0;
	st->must_succeed = p.stmts[ST_MUST_SUCCEED].len > 0;
	if (st->must_succeed)
		st->must_succeed_span = prop_one(&p, ST_MUST_SUCCEED)->span;
	read_marks(r, decl, &p, owner, &st->marks);
}

static void read_role(struct resolver *r, const struct ast_decl *decl, struct role_ent *role)
{
	struct props p;
	collect_props(r, decl->block, PROPS(role_props), MARKS, owner_name(r, decl), decl->name_span, &p);
	role->lw.name = decl->name;
	role->lw.title = read_title_or_name(r, decl);
	role->decl = decl->name_span;
	role->detect = lookup_prop(r, DECL_FIXLET, &p, RO_DETECT);
	role->lw.detect = role->detect ? &role->detect->lw : NULL;
	lookup_all_prop(r, DECL_PREREQUISITE, &p, RO_NEEDS, &role->needs, &role->needs_span);
	role->lw.verify = prop_template(r, &p, RO_VERIFY, TPL_FOR_STEP);
	read_marks(r, decl, &p, owner_name(r, decl), &role->lw.marks);
}

static void read_cluster(struct resolver *r, const struct ast_decl *decl, struct cluster_ent *cl)
{
	struct props p;
	collect_props(r, decl->block, PROPS(cluster_props), NO_MARKS, owner_name(r, decl), decl->name_span, &p);
	cl->name = decl->name;
	cl->title = read_title(r, decl);
	cl->decl = decl->name_span;

	const struct ast_stmt *os = prop_one(&p, CL_OS);
	if (os) {
		cl->os_span = first_arg(os)->span;
		if (first_arg(os)->kind == VAL_LIST) {
			struct diag *d = diag_report(r->diags, BFP305, cl->os_span,
						     "cluster '%s' declares %zu operating systems", cl->name,
						     first_arg(os)->items.len);
			diag_help(r->diags, d, "every node of a failover cluster runs the same OS; name one, "
				  "as in 'os windows-2008'");
		} else {
			cl->os = lookup(r, DECL_OS, first_arg(os));
		}
	}
	const struct ast_stmt *nodes = prop_one(&p, CL_NODES);
	if (nodes) {
		const struct ast_value *list = first_arg(nodes);
		cl->nodes_span = list->span;
		size_t n = names_count(list);
		if (n > RESOLVE_MAX_NODES) {
			struct diag *d = diag_report(r->diags, BFP009, cl->nodes_span,
						     "cluster '%s' lists %zu nodes (limit is %d)", cl->name, n,
						     RESOLVE_MAX_NODES);
			diag_help(r->diags, d, "a Windows failover cluster has at most 64 nodes: check that the "
				  "list is the cluster's own");
			n = 0; /* the cluster is then left without nodes, which the checker passes over */
		}
		for (size_t i = 0; i < n; i++) {
			const struct ast_value *v = name_at(list, i);
			struct node_ent *node = arena_alloc(r->arena, sizeof *node);
			node->name = v->text;
			node->span = v->span;
			ptrvec_push(r->arena, &cl->nodes, node);
		}
	}
	cl->quorum = QUORUM_NODE_MAJORITY;
	cl->quorum_span = (struct src_span){SRC_NO_FILE, 0, 0};
	const struct ast_stmt *quorum = prop_one(&p, CL_QUORUM);
	if (quorum) {
		static const char *const models[] = {"node-majority", "node-and-witness", "disk-only"};
		const struct ast_value *v = first_arg(quorum);
		size_t k = 0;
		while (k < 3 && strcmp(v->text, models[k]) != 0)
			k++;
		if (k == 3) {
			struct diag *d = diag_report(r->diags, BFP208, v->span, "unknown quorum model '%s'", v->text);
			const char *near = suggest_closest(v->text, models, 3);
			if (near)
				diag_did_you_mean(r->diags, d, v->span, near);
			else
				diag_help(r->diags, d, "the models are node-majority, node-and-witness and disk-only");
		} else {
			cl->quorum = (enum quorum_model)k;
			cl->quorum_span = v->span;
		}
	}
	const struct ast_stmt *role = prop_one(&p, CL_ROLE);
	if (role) {
		const struct ast_value *name = role->args.len > 0 ? role->args.items[0] : NULL;
		const struct ast_value *server = role->args.len > 1 ? role->args.items[1] : NULL;
		if (role->args.len != 2 || !value_is(name, VAL_IDENT) || !value_is(server, VAL_STRING)) {
			invalid_value(r, role, "a role name and the clustered server's name in quotes",
				      cluster_props[CL_ROLE].example);
		} else {
			cl->role = lookup(r, DECL_ROLE, name);
			cl->role_server = text_of(server);
			cl->role_span = role->span;
		}
	}
}


/* ---- the catalog by site and ID ----------------------------------------------------------- */

static const char *catalog_key(struct resolver *r, const struct lw_site *site, uint32_t id)
{
	return arena_printf(r->arena, "%s\n%u", site->name, id);
}

/* The Fixlet or Task the catalog knows as `id` in `site`, imported or declared; NULL if none. */
static struct fixlet_ent *catalog_find(struct resolver *r, const struct lw_site *site, uint32_t id)
{
	return site ? symtab_get(&r->catalog, catalog_key(r, site, id)) : NULL;
}

/*
 * The site whose gather URL is `v`, as a baseline component names its
 * source; reported if none.  A table built at the first use (after every
 * site and site extension is read), like the display names'.
 */
static const struct lw_site *site_by_url(struct resolver *r, const struct ast_value *v)
{
	if (!r->urls_indexed) {
		symtab_init(&r->sites_by_url, r->arena);
		for (size_t k = r->world->sites.len; k-- > 0;) {
			struct site_ent *site = r->world->sites.items[k];
			if (site->lw.gather_url.text)
				symtab_put(&r->sites_by_url, site->lw.gather_url.text, site);
		}
		r->urls_indexed = true;
	}
	const struct site_ent *site = symtab_get(&r->sites_by_url, v->text);
	if (site)
		return &site->lw;
	struct diag *d = diag_report(r->diags, BFP625, v->span, "no site is declared with the gather URL \"%s\"",
				     v->text);
	diag_help(r->diags, d, "give the site this URL ('site NAME extend { gather-url \"URL\" }' for a site "
		  "declared elsewhere), or write the line with the site's name: 'fixlet ID site NAME'");
	return NULL;
}

/* One `KEY VALUE` pair of a baseline line: site, site-url, action, pending-restart or include-in-relevance. */
struct content_line {
	const struct lw_site *site;
	const char *action;
	enum lw_include include;
	bool restart_given;
	enum lw_restart restart;
	const struct ast_value *restart_value;
};

static bool read_content_pair(struct resolver *r, const struct ast_value *key, const struct ast_value *val,
			      struct content_line *out)
{
	const char *k = value_is(key, VAL_IDENT) ? key->text : "";
	if (strcmp(k, "site") == 0 && value_is(val, VAL_IDENT)) {
		const struct site_ent *site = lookup(r, DECL_SITE, val);
		out->site = site ? &site->lw : NULL;
		return site != NULL;
	}
	if (strcmp(k, "site") == 0 && value_is(val, VAL_STRING))
		return (out->site = site_by_display(r, val)) != NULL;
	if (strcmp(k, "site-url") == 0 && value_is(val, VAL_STRING))
		return (out->site = site_by_url(r, val)) != NULL;
	if (strcmp(k, "action") == 0 && (value_is(val, VAL_IDENT) || value_is(val, VAL_STRING))) {
		out->action = val->text;
		return true;
	}
	if (strcmp(k, "include-in-relevance") == 0 && value_is(val, VAL_IDENT) &&
	    (strcmp(val->text, "true") == 0 || strcmp(val->text, "false") == 0)) {
		out->include = strcmp(val->text, "true") == 0 ? LW_INCLUDE_YES : LW_INCLUDE_NO;
		return true;
	}
	if (strcmp(k, "pending-restart") == 0 && value_is(val, VAL_IDENT)) {
		out->restart_given = true;
		out->restart_value = val;
		return read_restart_word(r, val, &out->restart);
	}
	return false;
}

/*
 * The Fixlet as a component that runs another of its actions: the same
 * Fixlet, with that action's script and success criteria, and the Pending
 * Restart behaviour that script shows (or the line says).
 */
static struct fixlet_ent *other_action_of(struct resolver *r, const struct fixlet_ent *known,
					  const struct lw_action *act, const struct content_line *line,
					  struct fixlet_ent *fx)
{
	struct src_span decl = fx->lw.decl;
	fx->lw = known->lw;
	fx->lw.decl = decl;
	fx->lw.action = act->name;
	fx->lw.actionscript = act->actionscript;
	fx->lw.actionscript_type = act->actionscript_type;
	fx->lw.success = act->success;
	fx->lw.success_relevance = act->success_relevance;
	fx->lw.other_actions = (struct cptrvec){0};
	fx->lw.restart = LW_RESTART_NEVER;
	if (act->actionscript.text && !act->actionscript_type) {
		struct as_reading rd;
		as_read(r->arena, act->actionscript.text, strlen(act->actionscript.text), &rd);
		fx->lw.restart = from_script(rd.restart);
	}
	if (line->restart_given && line->restart != fx->lw.restart && act->actionscript.text &&
	    !act->actionscript_type) {
		struct diag *d = diag_report(r->diags, BFP626, line->restart_value->span, "the line says "
					     "'pending-restart %s', but the script of action %s of %s means "
					     "'pending-restart %s'", restart_word(line->restart), act->name,
					     fixlet_owner(r, known), restart_word(fx->lw.restart));
		diag_note(r->diags, d, act->actionscript.span, "the script is here");
		diag_help(r->diags, d, "remove 'pending-restart %s' from the line, or correct the catalog's "
			  "declaration", restart_word(line->restart));
		return NULL;
	}
	if (line->restart_given)
		fx->lw.restart = line->restart;
	fx->imported = known->imported;
	return fx;
}

/*
 * A line that names a Fixlet the catalog knows by site and ID uses the
 * catalog's entry, with its action and Pending Restart behaviour; the line
 * may not say otherwise about Pending Restart.  Another action of it than
 * the catalog's is a Fixlet of its own, of which only the title is known.
 */
static struct fixlet_ent *known_component(struct resolver *r, struct fixlet_ent *known,
					  const struct content_line *line, struct fixlet_ent *fx)
{
	bool same = !line->action || strcmp(line->action, known->lw.action) == 0;
	if (same && line->restart_given && line->restart != known->lw.restart) {
		struct diag *d = diag_report(r->diags, BFP626, line->restart_value->span, "the line says "
					     "'pending-restart %s', but the catalog says 'pending-restart %s' for %s",
					     restart_word(line->restart), restart_word(known->lw.restart),
					     fixlet_owner(r, known));
		diag_note(r->diags, d, known->given.has_restart ? known->given.restart : known->lw.decl,
			  known->given.has_restart ? "the catalog's comes from here"
						   : "the catalog's is the default, 'never'");
		diag_help(r->diags, d, "remove 'pending-restart %s' from the line, or correct the catalog's "
			  "declaration", restart_word(line->restart));
		return NULL;
	}
	if (same)
		return known;
	for (size_t i = 0; i < known->lw.other_actions.len; i++) {
		const struct lw_action *act = known->lw.other_actions.items[i];
		if (strcmp(act->name, line->action) == 0)
			return other_action_of(r, known, act, line, fx);
	}
	fx->lw.title = known->lw.title;
	fx->lw.is_task = known->lw.is_task;
	fx->lw.relevance = known->lw.relevance;
	fx->lw.restart = line->restart_given ? line->restart : LW_RESTART_MAY;
	return fx;
}

/*
 * `fixlet 501 site patches-for-windows [action Action2] [pending-restart never]`,
 * `fixlet 501 site-url "http://..."` (as `bfplan import` writes components), or `fixlet NAME`.
 */
static struct component_ent *read_content_line(struct resolver *r, const struct ast_stmt *s, bool is_task,
					       const char *baseline, struct lw_mark **assumed)
{
	const struct ast_value *first = s->args.len ? s->args.items[0] : NULL;
	const char *example = is_task ? baseline_props[BL_TASK].example : baseline_props[BL_FIXLET].example;
	struct component_ent *c = arena_alloc(r->arena, sizeof *c);
	c->span = s->span;
	if (value_is(first, VAL_IDENT) && s->args.len == 1) {
		c->fixlet = lookup(r, DECL_FIXLET, first);
		return c->fixlet ? c : NULL;
	}
	if (!value_is(first, VAL_INT) || s->args.len % 2 != 1) {
		invalid_value(r, s, "an ID and its site, or the name of a catalog entry", example);
		return NULL;
	}
	if (!valid_id(r, first))
		return NULL;
	struct content_line line = {0};
	for (size_t i = 1; i + 1 < s->args.len; i += 2) {
		const struct ast_value *key = s->args.items[i], *val = s->args.items[i + 1];
		if (read_content_pair(r, key, val, &line))
			continue;
		if (!value_is(key, VAL_IDENT) || (strcmp(key->text, "site") != 0 && strcmp(key->text, "site-url") != 0 &&
						  strcmp(key->text, "pending-restart") != 0))
			invalid_value(r, s, "an ID, then 'site', 'site-url', 'action', 'pending-restart' or "
				      "'include-in-relevance' (true or false) with a value", example);
		return NULL;
	}
	struct fixlet_ent *fx = arena_alloc(r->arena, sizeof *fx);
	fx->lw.is_task = is_task;
	fx->lw.id = (uint32_t)first->number;
	fx->lw.site = line.site;
	fx->lw.action = line.action ? line.action : "Action1";
	/* patch content: assume it can leave Pending Restart */
	fx->lw.restart = line.restart_given ? line.restart : LW_RESTART_MAY;
	fx->lw.decl = s->span;
	if (!fx->lw.site) {
		struct diag *d = diag_report(r->diags, BFP209, s->word_span, "%s %u has no site",
					     is_task ? "task" : "fixlet", fx->lw.id);
		diag_help(r->diags, d, "IDs are only unique within a site: write '%s'", example);
		return NULL;
	}
	c->include = line.include;
	struct fixlet_ent *known = catalog_find(r, fx->lw.site, fx->lw.id);
	if (known) {
		c->fixlet = known_component(r, known, &line, fx);
		return c->fixlet ? c : NULL;
	}
	/*
	 * One guess for the whole baseline, however many of its lines make it:
	 * a patch cycle of fifty Fixlets is one fact to confirm, not fifty.
	 */
	if (!line.action) {
		if (!*assumed)
			*assumed = new_mark(r, arena_printf(r->arena, "baseline '%s'", baseline), "action",
					    "its lines for Fixlets the catalog does not know name no action: "
					    "Action1 is assumed", s->span);
		cptrvec_push(r->arena, &fx->lw.marks, *assumed);
	}
	c->fixlet = fx;
	return c;
}

/* ---- imported content into the catalog ------------------------------------------------------- */

static bool same_entities(const struct ptrvec *a, const struct ptrvec *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++) {
		bool found = false;
		for (size_t k = 0; k < b->len && !found; k++)
			found = a->items[i] == b->items[k];
		if (!found)
			return false;
	}
	return true;
}

static bool marked(const struct fixlet_ent *fx, const char *field)
{
	for (size_t i = 0; i < fx->lw.marks.len; i++) {
		const struct lw_mark *m = fx->lw.marks.items[i];
		if (m->field && strcmp(m->field, field) == 0)
			return true;
	}
	return false;
}

/* An import that says otherwise than a confirmed catalog fact: the import wins, and says so. */
static void import_differs(struct resolver *r, const struct fixlet_ent *cat, const char *what,
			   const char *imported, const char *declared, struct src_span imp_at, struct src_span cat_at)
{
	struct diag *d = diag_report(r->diags, BFP620, imp_at, "the imported %s of %s is '%s', not '%s' as "
				     "the catalog declares", what, fixlet_owner(r, cat), imported, declared);
	diag_note(r->diags, d, cat_at, "the catalog declares it here");
	diag_help(r->diags, d, "if the ID is right, the import is what the server has: correct the catalog's "
		  "declaration, or mark the fact 'unconfirmed'; if not, import with the right --id");
}

/* Is `field` one the import supplies, so that the catalog's mark on it is lifted? */
static bool supplies(const struct fixlet_ent *imp, const char *field)
{
	const struct fixlet_given *g = &imp->given;
	return strcmp(field, "id") == 0 || strcmp(field, "site") == 0 ||
	       (strcmp(field, "title") == 0 && g->has_title) || (strcmp(field, "action") == 0 && g->has_action) ||
	       (strcmp(field, "relevance") == 0 && g->has_relevance) ||
	       ((strcmp(field, "actionscript") == 0 || strcmp(field, "actionscript-type") == 0) &&
		g->has_actionscript) ||
	       (strcmp(field, "pending-restart") == 0 && g->has_restart) ||
	       (strcmp(field, "parameter") == 0 && imp->lw.parameters.len > 0) ||
	       (strcmp(field, "success-criteria") == 0 && g->has_success);
}

/* The catalog's marks, but for those on what the import supplies, then the import's own, all owned by the entry. */
static void lift_marks(struct resolver *r, struct fixlet_ent *cat, const struct fixlet_ent *imp)
{
	struct cptrvec kept = {0};
	const char *owner = fixlet_owner(r, cat);
	for (size_t i = 0; i < cat->lw.marks.len; i++) {
		const struct lw_mark *m = cat->lw.marks.items[i];
		if (!m->field || !supplies(imp, m->field))
			cptrvec_push(r->arena, &kept, m);
	}
	for (size_t i = 0; i < imp->lw.marks.len; i++) {
		struct lw_mark *m = arena_alloc(r->arena, sizeof *m);
		*m = *(const struct lw_mark *)imp->lw.marks.items[i];
		m->owner = owner;
		cptrvec_push(r->arena, &kept, m);
	}
	cat->lw.marks = kept;
}

/* The import's OS or needs line, when the catalog entry has its own: the catalog's stays, so they must agree. */
static void must_agree(struct resolver *r, const struct fixlet_ent *cat, const char *what, bool differ,
		       struct src_span imp_at, struct src_span cat_at)
{
	if (!differ)
		return;
	struct diag *d = diag_report(r->diags, BFP622, imp_at, "the imported declaration gives %s other %s "
				     "than the catalog", fixlet_owner(r, cat), what);
	diag_note(r->diags, d, cat_at, "the catalog declares them here");
	diag_help(r->diags, d, "remove the line from the imported declaration: the catalog's %s stay; to "
		  "add to them, write '%s %s extend { ... }'", what, cat->lw.is_task ? "task" : "fixlet",
		  cat->lw.name ? cat->lw.name : "NAME");
}

/* Copies what the import supplies into the catalog entry; the entry's OS, needs and steps stay. */
static void merge_import(struct resolver *r, struct fixlet_ent *imp, struct fixlet_ent *cat)
{
	const struct fixlet_given *g = &imp->given;
	if (imp->lw.is_task != cat->lw.is_task) {
		struct diag *d = diag_report(r->diags, BFP621, g->kind, "ID %u of site '%s' is imported as a %s, "
					     "but the catalog declares a %s", imp->lw.id, cat->lw.site->name,
					     imp->lw.is_task ? "Task" : "Fixlet", cat->lw.is_task ? "Task" : "Fixlet");
		diag_note(r->diags, d, cat->given.kind, "declared as a %s here", cat->lw.is_task ? "Task" : "Fixlet");
		diag_help(r->diags, d, "check the ID the import was given (--id); if it is right, correct the "
			  "catalog's declaration");
	}
	must_agree(r, cat, "OSes", g->has_os && cat->given.has_os && !same_entities(&imp->oses, &cat->oses),
		   g->os, cat->given.os);
	must_agree(r, cat, "needs", g->has_needs && cat->given.has_needs &&
		   !same_entities(&imp->needs, &cat->needs), g->needs, cat->given.needs);
	if (g->has_title) {
		if (cat->lw.title.text && strcmp(cat->lw.title.text, imp->lw.title.text) != 0 && !marked(cat, "title"))
			import_differs(r, cat, "title", imp->lw.title.text, cat->lw.title.text, g->title,
				       cat->given.title);
		cat->lw.title = imp->lw.title;
		cat->given.title = g->title;
		cat->given.has_title = true;
	}
	if (g->has_action) {
		if (cat->given.has_action && strcmp(cat->lw.action, imp->lw.action) != 0 && !marked(cat, "action"))
			import_differs(r, cat, "action", imp->lw.action, cat->lw.action, g->action,
				       cat->given.action);
		cat->lw.action = imp->lw.action;
		cat->given.action = g->action;
		cat->given.has_action = true;
	}
	if (g->has_restart) {
		if (cat->given.has_restart && cat->lw.restart != imp->lw.restart && !marked(cat, "pending-restart"))
			import_differs(r, cat, "Pending Restart behaviour", restart_word(imp->lw.restart),
				       restart_word(cat->lw.restart), g->restart, cat->given.restart);
		cat->lw.restart = imp->lw.restart;
		cat->given.restart = g->restart;
		cat->given.has_restart = true;
	}
	if (g->has_relevance) {
		cat->lw.relevance = imp->lw.relevance;
		cat->given.has_relevance = true;
	}
	if (g->has_actionscript) {
		cat->lw.actionscript = imp->lw.actionscript;
		cat->lw.actionscript_type = imp->lw.actionscript_type;
		cat->given.has_actionscript = true;
	}
	if (imp->lw.parameters.len)
		cat->lw.parameters = imp->lw.parameters;
	if (imp->lw.other_actions.len)
		cat->lw.other_actions = imp->lw.other_actions;
	if (g->has_success) {
		cat->lw.success = imp->lw.success;
		cat->lw.success_relevance = imp->lw.success_relevance;
		cat->given.has_success = true;
	}
	cat->lw.imported_from = imp->lw.imported_from;
	lift_marks(r, cat, imp);
	imp->merged_into = cat;
}

static void catalog_add(struct resolver *r, struct fixlet_ent *fx)
{
	const char *key = catalog_key(r, fx->lw.site, fx->lw.id);
	struct fixlet_ent *first = symtab_put(&r->catalog, key, fx);
	if (first == fx)
		return;
	struct diag *d = diag_report(r->diags, BFP624, fx->lw.decl, "%s %u of site '%s' is declared twice, as "
				     "'%s' and as '%s'", fx->lw.is_task ? "Task" : "Fixlet", fx->lw.id,
				     fx->lw.site->name, first->lw.name, fx->lw.name);
	diag_note(r->diags, d, first->lw.decl, "first declared here");
	diag_help(r->diags, d, fx->imported ? "import each Fixlet once" :
		  "keep one declaration; to add an OS to it from another file, write 'fixlet NAME extend { os ... }'");
}

/*
 * Indexes the catalog by site and ID, then merges each imported
 * declaration into the declared entry of the same site and ID; an import
 * that matches none is a catalog entry of its own.
 */
static void build_catalog(struct resolver *r)
{
	for (int imported = 0; imported <= 1; imported++) {
		for (size_t i = 0; i < r->world->fixlets.len; i++) {
			struct fixlet_ent *fx = r->world->fixlets.items[i];
			if (fx->imported != imported || !fx->lw.site)
				continue;
			struct fixlet_ent *cat = imported ? catalog_find(r, fx->lw.site, fx->lw.id) : NULL;
			if (cat && !cat->imported)
				merge_import(r, fx, cat);
			else
				catalog_add(r, fx);
		}
	}
}

/* ---- extensions ---------------------------------------------------------------------------------- */

static void append_unique(struct resolver *r, struct ptrvec *to, const struct ptrvec *from)
{
	for (size_t i = 0; i < from->len; i++) {
		bool present = false;
		for (size_t k = 0; k < to->len && !present; k++)
			present = to->items[k] == from->items[i];
		if (!present)
			ptrvec_push(r->arena, to, from->items[i]);
	}
}

/* An extension's header: the word `extend` and nothing else after the name. */
static bool extension_header_ok(struct resolver *r, const struct ast_decl *decl)
{
	bool ok = decl->block != NULL;
	for (size_t i = 0; i < decl->args.len; i++) {
		const struct ast_value *v = decl->args.items[i];
		if (v->kind == VAL_IDENT && strcmp(v->text, "extend") == 0 && i + 1 == decl->args.len)
			continue;
		struct diag *d = diag_report(r->diags, BFP628, v->span, "an extension of '%s' takes nothing but "
					     "'extend' after the name", decl->name);
		diag_help(r->diags, d, "write '%s %s extend {': an extension adds to the declaration, its title "
			  "stays", ast_decl_kind_name(decl->kind), decl->name);
		return false;
	}
	if (!ok) {
		struct diag *d = diag_report(r->diags, BFP628, decl->name_span, "the extension of '%s' has no block",
					     decl->name);
		diag_help(r->diags, d, "write what it adds in a block, as in '%s %s extend { %s }'",
			  ast_decl_kind_name(decl->kind), decl->name,
			  decl->kind == DECL_STEP ? "run pause-node-2016" : decl->kind == DECL_SITE
			  ? "gather-url \"URL\"" : "os windows-2012r2");
	}
	return ok;
}

/* `step NAME extend { run ... }`: more OS variants of a step. */
static void extend_step(struct resolver *r, const struct ast_decl *decl, const struct ast_value *name,
			const char *owner)
{
	struct step_ent *st = lookup(r, DECL_STEP, name);
	struct props p;
	collect_props(r, decl->block, PROPS(step_extend_props), NO_MARKS, owner, decl->name_span, &p);
	struct ptrvec run = {0};
	if (st && prop_one(&p, 0))
		lookup_all_prop(r, DECL_FIXLET, &p, 0, &run, NULL);
	if (st)
		append_unique(r, &st->run, &run);
}

/* `fixlet NAME extend { os ...  needs ... }`: more releases and needs for a Fixlet or Task. */
static void extend_fixlet(struct resolver *r, const struct ast_decl *decl, const struct ast_value *name,
			  const char *owner)
{
	struct fixlet_ent *fx = lookup(r, DECL_FIXLET, name);
	struct props p;
	collect_props(r, decl->block, PROPS(fixlet_extend_props), MARKS, owner, decl->name_span, &p);
	struct ptrvec oses = {0}, needs = {0};
	lookup_all_prop(r, DECL_OS, &p, FXX_OS, &oses, NULL);
	lookup_all_prop(r, DECL_PREREQUISITE, &p, FXX_NEEDS, &needs, NULL);
	if (!fx)
		return;
	append_unique(r, &fx->oses, &oses);
	append_unique(r, &fx->needs, &needs);
	read_marks(r, decl, &p, fixlet_owner(r, fx), &fx->lw.marks);
}

/*
 * `site NAME extend { gather-url "URL" }`: the gather URL of a site on
 * the user's own server, given once in a file their plans `use`.  It is
 * that server's fact, so it replaces the catalog's URL and its marks.
 */
static void extend_site(struct resolver *r, const struct ast_decl *decl, const struct ast_value *name,
			const char *owner)
{
	struct site_ent *site = lookup(r, DECL_SITE, name);
	struct props p;
	collect_props(r, decl->block, PROPS(site_extend_props), MARKS, owner, decl->name_span, &p);
	const struct ast_stmt *url = prop_one(&p, 0);
	if (!site || !url)
		return;
	if (site->url_extended) {
		struct diag *d = diag_report(r->diags, BFP628, first_arg(url)->span, "the gather URL of site '%s' is "
					     "given by two extensions", site->lw.name);
		diag_note(r->diags, d, site->url_given, "first given here");
		diag_help(r->diags, d, "keep one: a site has one gather URL on a server");
		return;
	}
	site->lw.gather_url = text_of(first_arg(url));
	site->url_extended = true;
	site->url_given = first_arg(url)->span;
	struct cptrvec kept = {0};
	for (size_t i = 0; i < site->lw.marks.len; i++) {
		const struct lw_mark *m = site->lw.marks.items[i];
		if (!m->field || strcmp(m->field, "gather-url") != 0)
			cptrvec_push(r->arena, &kept, m);
	}
	site->lw.marks = kept;
	read_marks(r, decl, &p, arena_printf(r->arena, "site '%s'", site->lw.name), &site->lw.marks);
}

/*
 * When each kind's extensions apply: after what they extend is read, and
 * before what reads it (sites before Fixlets and baselines, Fixlets
 * before steps, steps last).  A kind that cannot be extended is reported
 * with the Fixlets.
 */
static int extension_rank(enum ast_decl_kind kind)
{
	return kind == DECL_SITE ? 0 : kind == DECL_STEP ? 2 : 1;
}

static void apply_extension(struct resolver *r, const struct ast_decl *decl)
{
	if (!extensible(decl->kind)) {
		struct diag *d = diag_report(r->diags, BFP628, decl->kind_span, "a %s cannot be extended",
					     ast_decl_kind_name(decl->kind));
		diag_help(r->diags, d, "only site, fixlet, task and step declarations take 'extend'");
		return;
	}
	if (!extension_header_ok(r, decl))
		return;
	const struct ast_value name = {.kind = VAL_IDENT, .span = decl->name_span, .text = decl->name};
	const char *owner = arena_printf(r->arena, "the extension of %s '%s'", ast_decl_kind_name(decl->kind),
					 decl->name);
	if (decl->kind == DECL_STEP)
		extend_step(r, decl, &name, owner);
	else if (decl->kind == DECL_SITE)
		extend_site(r, decl, &name, owner);
	else
		extend_fixlet(r, decl, &name, owner);
}

static void apply_extensions(struct resolver *r, int rank)
{
	for (size_t i = 0; i < r->extensions.len; i++) {
		const struct ast_decl *decl = r->extensions.items[i];
		if (extension_rank(decl->kind) == rank)
			apply_extension(r, decl);
	}
}

static void read_baseline(struct resolver *r, const struct ast_decl *decl, struct baseline_ent *bl)
{
	struct props p;
	collect_props(r, decl->block, PROPS(baseline_props), NO_MARKS, owner_name(r, decl), decl->name_span, &p);
	bl->name = decl->name;
	bl->title = read_title_or_name(r, decl);
	bl->decl = decl->name_span;
	struct lw_mark *assumed = NULL; /* the baseline's one "Action1 is assumed" */
	/* components keep the order they are written in, whatever their kind */
	for (size_t i = 0; decl->block && i < decl->block->stmts.len; i++) {
		const struct ast_stmt *s = decl->block->stmts.items[i];
		struct component_ent *c = NULL;
		if (strcmp(s->word, "fixlet") == 0 || strcmp(s->word, "task") == 0) {
			c = read_content_line(r, s, s->word[0] == 't', decl->name, &assumed);
		} else if (strcmp(s->word, "restart") == 0) {
			const struct ast_value *name = s->args.len ? s->args.items[0] : NULL;
			if (s->args.len > 1 || (name && name->kind != VAL_IDENT)) {
				invalid_value(r, s, "nothing, or the name of a restart Fixlet",
					      "restart  (or 'restart restart-on-pending-restart')");
				bl->incomplete = true;
				continue;
			}
			c = arena_alloc(r->arena, sizeof *c);
			c->is_restart = true;
			c->span = s->span;
			if (name) {
				c->fixlet = lookup(r, DECL_FIXLET, name);
				if (!c->fixlet) {
					bl->incomplete = true;
					continue;
				}
				if (c->fixlet->lw.restart != LW_RESTART_CLEARS) {
					struct diag *d = diag_report(r->diags, BFP208, name->span,
								     "'%s' does not restart the node", name->text);
					diag_note(r->diags, d, c->fixlet->lw.decl, "its declaration has no "
						  "'pending-restart clears'");
					diag_help(r->diags, d, "name a restart Fixlet, such as "
						  "'restart restart-on-pending-restart', or write 'restart' alone");
					bl->incomplete = true;
					continue;
				}
			} else {
				const struct symbol *sym = symtab_get(&r->names, "restart");
				if (!sym || sym->kind != DECL_STEP) {
					struct diag *d = diag_report(r->diags, BFP204, s->word_span,
								     "no step 'restart' is declared to say which "
								     "Fixlet restarts a node");
					diag_help(r->diags, d, "`use \"bigfix/server-automation\"`, or name the "
						  "Fixlet: 'restart restart-on-pending-restart'");
					bl->incomplete = true;
					continue;
				}
				c->restart_step = sym->entity;
			}
		}
		if (c)
			ptrvec_push(r->arena, &bl->components, c);
		else
			bl->incomplete = true;
	}
}

static void read_order(struct resolver *r, struct plan_ent *plan, const struct ast_stmt *s)
{
	const char *example = "order passive-first  (or 'order EXNODE1 before EXNODE2')";
	if (s->args.len == 1 && value_is(s->args.items[0], VAL_IDENT)) {
		const struct ast_value *v = s->args.items[0];
		static const char *const policies[] = {"passive-first", "active-first"};
		if (plan->order_given) {
			struct diag *d = diag_report(r->diags, BFP210, s->span, "the order policy is given twice");
			diag_note(r->diags, d, plan->order_span, "first given here");
			diag_help(r->diags, d, "keep one 'order' policy line");
			return;
		}
		if (strcmp(v->text, "passive-first") == 0)
			plan->order = LW_ORDER_PASSIVE_FIRST;
		else if (strcmp(v->text, "active-first") == 0)
			plan->order = LW_ORDER_ACTIVE_FIRST;
		else {
			struct diag *d = diag_report(r->diags, BFP208, v->span,
						     "unknown order policy '%s'", v->text);
			const char *near = suggest_closest(v->text, policies, 2);
			if (near)
				diag_did_you_mean(r->diags, d, v->span, near);
			else
				diag_help(r->diags, d, "the policies are passive-first and active-first");
			return;
		}
		plan->order_given = true;
		plan->order_span = s->span;
		return;
	}
	const struct ast_value *a = s->args.len == 3 ? s->args.items[0] : NULL;
	const struct ast_value *rel = s->args.len == 3 ? s->args.items[1] : NULL;
	const struct ast_value *b = s->args.len == 3 ? s->args.items[2] : NULL;
	if (!node_word(a) || !value_is(rel, VAL_IDENT) || !node_word(b) ||
	    (strcmp(rel->text, "before") != 0 && strcmp(rel->text, "after") != 0)) {
		invalid_value(r, s, "a policy, or two nodes joined by 'before' or 'after'", example);
		return;
	}
	struct order_constraint *c = arena_alloc(r->arena, sizeof *c);
	bool before = strcmp(rel->text, "before") == 0;
	/* nodes are bound to the cluster's node list by the checker, which knows the cluster */
	c->before = arena_alloc(r->arena, sizeof *c->before);
	c->after = arena_alloc(r->arena, sizeof *c->after);
	*c->before = (struct node_ent){(before ? a : b)->text, (before ? a : b)->span};
	*c->after = (struct node_ent){(before ? b : a)->text, (before ? b : a)->span};
	c->span = s->span;
	ptrvec_push(r->arena, &plan->constraints, c);
}

static void read_timeout(struct resolver *r, struct plan_ent *plan, const struct ast_stmt *s,
			 struct ptrmap *timed)
{
	const struct ast_value *step = s->args.len == 2 ? s->args.items[0] : NULL;
	const struct ast_value *dur = s->args.len == 2 ? s->args.items[1] : NULL;
	if (!value_is(step, VAL_IDENT) || !value_is(dur, VAL_DURATION)) {
		invalid_value(r, s, "a step and a duration", plan_props[PL_TIMEOUT].example);
		return;
	}
	struct step_ent *st = lookup(r, DECL_STEP, step);
	if (!st)
		return;
	const struct timeout_override *earlier = ptrmap_get(timed, st);
	if (earlier) {
		struct diag *d = diag_report(r->diags, BFP210, s->span, "the timeout of '%s' is given twice",
					     st->name);
		diag_note(r->diags, d, earlier->span, "first given here");
		diag_help(r->diags, d, "keep one 'timeout %s' line", st->name);
		return;
	}
	struct timeout_override *t = arena_alloc(r->arena, sizeof *t);
	*t = (struct timeout_override){st, dur->number, s->span};
	ptrvec_push(r->arena, &plan->timeouts, t);
	ptrmap_put(timed, st, t);
}

/*
 * `owner "NAME" contact "HOW"`: who decides what the plan cannot (a node
 * whose patches failed goes back only if the change owner agrees), and
 * how the operator reaches them in the window.  Both are required: a name
 * the operator cannot call at 2 a.m. is of no use to them.
 */
static void read_owner(struct resolver *r, struct plan_ent *plan, const struct ast_stmt *s)
{
	const struct ast_value *name = s->args.len == 3 ? s->args.items[0] : NULL;
	const struct ast_value *word = s->args.len == 3 ? s->args.items[1] : NULL;
	const struct ast_value *contact = s->args.len == 3 ? s->args.items[2] : NULL;
	if (!value_is(name, VAL_STRING) || !value_is(word, VAL_IDENT) || strcmp(word->text, "contact") != 0 ||
	    !value_is(contact, VAL_STRING) || !name->text[0] || !contact->text[0]) {
		invalid_value(r, s, "the change owner's name in quotes, then 'contact' and how to reach them in "
			      "the window", plan_props[PL_OWNER].example);
		return;
	}
	plan->owner = (struct lw_text){name->text, name->span};
	plan->owner_contact = (struct lw_text){contact->text, contact->span};
}

/* One line of `each node { ... }`: STEP [BASELINE] [optional]. */
static void read_seq_item(struct resolver *r, struct plan_ent *plan, const struct ast_stmt *s)
{
	struct seq_item *item = arena_alloc(r->arena, sizeof *item);
	item->span = s->span;
	const struct ast_value word = {.kind = VAL_IDENT, .span = s->word_span, .text = s->word};
	item->step = lookup(r, DECL_STEP, &word);
	if (s->block) {
		struct diag *d = diag_report(r->diags, BFP211, s->block->open, "a step takes no block");
		diag_help(r->diags, d, "write one step per line, as in 'patch nov-2026'");
		plan->sequence_incomplete = true;
	}
	for (size_t i = 0; i < s->args.len; i++) {
		const struct ast_value *v = s->args.items[i];
		if (value_is(v, VAL_IDENT) && strcmp(v->text, "optional") == 0 && !item->optional) {
			item->optional = true;
		} else if (value_is(v, VAL_IDENT) && !item->baseline && i == 0) {
			item->baseline = lookup(r, DECL_BASELINE, v);
			if (!item->baseline) {
				plan->sequence_incomplete = true;
				return;
			}
		} else {
			invalid_value(r, s, "at most a baseline and the word 'optional'",
				      "patch nov-2026  (or 'move-mailbox optional')");
			plan->sequence_incomplete = true;
			return;
		}
	}
	if (item->step)
		ptrvec_push(r->arena, &plan->sequence, item);
	else
		plan->sequence_incomplete = true;
}

/*
 * Whether Windows reserves the name of a file whose name starts with
 * `name`: CON, PRN, AUX, NUL, COM0-9 and LPT0-9, in any case, alone or
 * before a '.' ("nul.bes" is the device NUL too).
 */
static bool windows_reserved(const char *name)
{
	static const char *const devices[] = {"con", "prn", "aux", "nul"};
	size_t stem = strcspn(name, ".");
	char low[5] = {0};
	for (size_t i = 0; i < stem && i < 4; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	for (size_t i = 0; stem == 3 && i < sizeof devices / sizeof devices[0]; i++)
		if (strcmp(low, devices[i]) == 0)
			return true;
	return stem == 4 && (strncmp(low, "com", 3) == 0 || strncmp(low, "lpt", 3) == 0) && isdigit((unsigned char)low[3]);
}

/* A plan's name in lower case: what a case-insensitive file system (Windows, macOS) compares. */
static const char *folded(struct arena *a, const char *name)
{
	char *low = arena_strdup(a, name);
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return low;
}

/*
 * A plan's name is the file name of its .bes and checklists: `check`
 * refuses what `build` could not write, or what could not be copied to
 * the Windows machines BigFix runs on: a name too long (BFP216), one that
 * Windows reserves for a device (BFP220), two that differ only in case
 * and so name the same file there (BFP221).
 */
static void check_plan_name(struct resolver *r, const struct ast_decl *decl)
{
	size_t len = strlen(decl->name), longest = RESOLVE_MAX_FILE_NAME - strlen(".bes");
	if (len > longest) {
		struct diag *d = diag_report(r->diags, BFP216, decl->name_span,
					     "the name of plan '%.20s...' is %zu bytes long; with '.bes' it must fit in %d",
					     decl->name, len, RESOLVE_MAX_FILE_NAME);
		diag_help(r->diags, d, "use a name of at most %zu bytes", longest);
	}
	if (windows_reserved(decl->name)) {
		struct diag *d = diag_report(r->diags, BFP220, decl->name_span,
					     "plan '%s' would be written to '%s.bes', a name Windows keeps for a device",
					     decl->name, decl->name);
		diag_help(r->diags, d, "rename the plan, as in 'patch-%s'", decl->name);
	}
	const struct ast_decl *same = symtab_put(&r->plan_files, folded(r->arena, decl->name),
						      (void *)(uintptr_t)decl);
	if (same != decl && strcmp(same->name, decl->name) != 0) {
		struct diag *d = diag_report(r->diags, BFP221, decl->name_span,
					     "plans '%s' and '%s' differ only in case: on Windows and macOS their "
					     "files '%s.bes' and '%s.bes' are one file", same->name, decl->name,
					     same->name, decl->name);
		diag_note(r->diags, d, same->name_span, "plan '%s' is declared here", same->name);
		diag_help(r->diags, d, "rename one of them, as in '%s-2'", decl->name);
	}
}

static void read_plan(struct resolver *r, const struct ast_decl *decl, struct plan_ent *plan)
{
	struct props p;
	collect_props(r, decl->block, PROPS(plan_props), NO_MARKS, owner_name(r, decl), decl->name_span, &p);
	plan->name = decl->name;
	plan->title = read_title(r, decl);
	plan->decl = decl->name_span;
	check_plan_name(r, decl);
	plan->cluster = lookup_prop(r, DECL_CLUSTER, &p, PL_CLUSTER);
	if (prop_one(&p, PL_CLUSTER))
		plan->cluster_span = prop_one(&p, PL_CLUSTER)->span;
	plan->order = LW_ORDER_PASSIVE_FIRST;
	for (size_t i = 0; i < p.stmts[PL_ORDER].len; i++)
		read_order(r, plan, p.stmts[PL_ORDER].items[i]);
	const struct ast_stmt *active = prop_one(&p, PL_ACTIVE);
	if (active) {
		plan->active = arena_alloc(r->arena, sizeof *plan->active);
		*plan->active = (struct node_ent){first_arg(active)->text, first_arg(active)->span};
		plan->active_span = active->span;
	}
	plan->max_down = 1;
	const struct ast_stmt *max_down = prop_one(&p, PL_MAX_DOWN);
	if (max_down) {
		plan->max_down = (unsigned)first_arg(max_down)->number;
		plan->max_down_given = true;
		plan->max_down_span = first_arg(max_down)->span;
	}
	plan->quorum_rule_span = (struct src_span){SRC_NO_FILE, 0, 0};
	const struct ast_stmt *rule = prop_one(&p, PL_QUORUM_RULE);
	if (rule) {
		static const char *const rules[] = {"votes", "hcl"};
		const struct ast_value *v = first_arg(rule);
		size_t k = 0;
		while (k < 2 && strcmp(v->text, rules[k]) != 0)
			k++;
		if (k == 2) {
			struct diag *d = diag_report(r->diags, BFP208, v->span, "unknown quorum rule '%s'", v->text);
			const char *near = suggest_closest(v->text, rules, 2);
			diag_help(r->diags, d, near ? "did you mean '%s'?" : "the rules are votes (Microsoft's vote "
				  "count) and hcl (more than half of the nodes up)%s", near ? near : "");
		} else {
			plan->quorum_rule = (enum quorum_rule)k;
		}
		plan->quorum_rule_span = v->span; /* given, even if not understood: no BFP333 on top */
	}
	const struct ast_stmt *window = prop_one(&p, PL_WINDOW);
	if (window) {
		plan->window = first_arg(window)->number;
		plan->window_span = window->span;
	}
	const struct ast_stmt *owner = prop_one(&p, PL_OWNER);
	if (owner)
		read_owner(r, plan, owner);
	struct ptrmap required; /* struct prereq_ent * -> its struct require_ent */
	ptrmap_init(&required, r->arena);
	for (size_t i = 0; i < p.stmts[PL_REQUIRE].len; i++) {
		const struct ast_value *list = first_arg(p.stmts[PL_REQUIRE].items[i]);
		for (size_t k = 0; k < names_count(list); k++) {
			const struct ast_value *name = name_at(list, k);
			struct prereq_ent *pr = lookup(r, DECL_PREREQUISITE, name);
			if (!pr) {
				plan->requires_incomplete = true;
				continue;
			}
			const struct require_ent *earlier = ptrmap_get(&required, pr);
			if (earlier) {
				struct diag *d = diag_report(r->diags, BFP210, name->span,
							     "'%s' is required twice", pr->lw.name);
				diag_note(r->diags, d, earlier->span, "first required here");
				diag_help(r->diags, d, "remove one of the two");
				continue;
			}
			struct require_ent *req = arena_alloc(r->arena, sizeof *req);
			*req = (struct require_ent){pr, name->span};
			ptrvec_push(r->arena, &plan->requires, req);
			ptrmap_put(&required, pr, req);
		}
	}
	struct ptrmap timed; /* struct step_ent * -> its struct timeout_override */
	ptrmap_init(&timed, r->arena);
	for (size_t i = 0; i < p.stmts[PL_TIMEOUT].len; i++)
		read_timeout(r, plan, p.stmts[PL_TIMEOUT].items[i], &timed);
	const struct ast_stmt *each = prop_one(&p, PL_EACH);
	if (each) {
		plan->each_span = each->word_span;
		const struct ast_value *what = each->args.len == 1 ? each->args.items[0] : NULL;
		if (!value_is(what, VAL_IDENT) || strcmp(what->text, "node") != 0 || !each->block) {
			invalid_value(r, each, "the word 'node' and a block of steps", "each node { pause ... }");
		} else {
			plan->has_each = true;
			for (size_t i = 0; i < each->block->stmts.len; i++)
				read_seq_item(r, plan, each->block->stmts.items[i]);
		}
	}
}

static void read_decl(struct resolver *r, const struct ast_decl *decl, void *entity)
{
	switch (decl->kind) {
	case DECL_OS: read_os(r, decl, entity); break;
	case DECL_STATE: read_state(r, decl, entity); break;
	case DECL_SITE: read_site(r, decl, entity); break;
	case DECL_PREREQUISITE: read_prereq(r, decl, entity); break;
	case DECL_FIXLET:
	case DECL_TASK: read_fixlet(r, decl, entity); break;
	case DECL_STEP: read_step(r, decl, entity); break;
	case DECL_ROLE: read_role(r, decl, entity); break;
	case DECL_CLUSTER: read_cluster(r, decl, entity); break;
	case DECL_BASELINE: read_baseline(r, decl, entity); break;
	case DECL_PLAN: read_plan(r, decl, entity); break;
	case DECL_KIND_COUNT: break;
	}
}

/*
 * The order of reading: what other kinds' readers look at comes first
 * (sites before Fixlets read display names); Fixlets and Tasks come before
 * what refers to them, so that imported content is merged into the catalog
 * (and extensions have added to it) before a step or baseline reads it.
 */
static int read_rank(enum ast_decl_kind kind)
{
	if (kind == DECL_SITE || kind == DECL_OS || kind == DECL_STATE)
		return 0;
	return kind == DECL_FIXLET || kind == DECL_TASK ? 1 : 2;
}

static void read_rank_of(struct resolver *r, int rank)
{
	for (size_t i = 0; i < r->symbols.len; i++) {
		const struct symbol *sym = r->symbols.items[i];
		if (read_rank(sym->kind) == rank)
			read_decl(r, sym->decl, sym->entity);
	}
}

void resolve_program(struct arena *arena, const struct src_manager *sm, struct diag_sink *diags,
		     const struct program *program, struct world *out)
{
	resolve_program_indexed(arena, sm, diags, program, out, NULL);
}

void resolve_program_indexed(struct arena *arena, const struct src_manager *sm, struct diag_sink *diags,
			     const struct program *program, struct world *out, struct name_index *index)
{
	memset(out, 0, sizeof *out);
	struct resolver r = {.arena = arena, .sm = sm, .diags = diags, .world = out, .index = index};
	if (index) {
		*index = (struct name_index){0};
		ptrmap_init(&index->by_entity, arena);
	}
	symtab_init(&r.names, arena);
	symtab_init(&r.twice, arena);
	symtab_init(&r.plan_files, arena);
	symtab_init(&r.catalog, arena);
	out->root = program->root;
	for (size_t i = 0; i < sm->files.len; i++)
		strvec_push(arena, &out->files, src_file(sm, (uint32_t)i)->path);

	for (size_t f = 0; f < program->files.len; f++) {
		const struct ast_file *file = program->files.items[f];
		for (size_t i = 0; i < file->decls.len; i++)
			declare(&r, file->decls.items[i]);
	}
	read_rank_of(&r, 0);
	apply_extensions(&r, 0);
	read_rank_of(&r, 1);
	build_catalog(&r);
	apply_extensions(&r, 1);
	read_rank_of(&r, 2);
	apply_extensions(&r, 2);
}

/* The table of statements a kind's declarations accept, and whether they may mark facts `unconfirmed`. */
static const struct prop *kind_props(enum ast_decl_kind kind, size_t *count, bool *marks)
{
#define TABLE(t, m) (*count = sizeof t / sizeof t[0], *marks = (m), t)
	switch (kind) {
	case DECL_SITE: return TABLE(site_props, MARKS);
	case DECL_OS: return TABLE(no_props, MARKS);
	case DECL_STATE: return TABLE(state_props, MARKS);
	case DECL_PREREQUISITE: return TABLE(prereq_props, MARKS);
	case DECL_FIXLET:
	case DECL_TASK: return TABLE(fixlet_props, MARKS);
	case DECL_STEP: return TABLE(step_props, MARKS);
	case DECL_ROLE: return TABLE(role_props, MARKS);
	case DECL_CLUSTER: return TABLE(cluster_props, NO_MARKS);
	case DECL_BASELINE: return TABLE(baseline_props, NO_MARKS);
	case DECL_PLAN: return TABLE(plan_props, NO_MARKS);
	case DECL_KIND_COUNT: break;
	}
	return TABLE(no_props, NO_MARKS);
#undef TABLE
}

size_t resolve_statement_words(enum ast_decl_kind kind, const char **out, size_t max)
{
	size_t count, n = 0;
	bool marks;
	const struct prop *table = kind_props(kind, &count, &marks);
	for (size_t i = 0; i < count; i++) {
		if (!table[i].word)
			continue;
		if (n < max)
			out[n] = table[i].word;
		n++;
	}
	if (marks) {
		if (n < max)
			out[n] = "unconfirmed";
		n++;
	}
	return n;
}
