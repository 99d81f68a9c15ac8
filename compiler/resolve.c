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
#include "resolve.h"

#include <string.h>

#include "escape.h"
#include "suggest.h"
#include "ptrmap.h"
#include "symtab.h"
#include "template.h"

struct symbol {
	enum ast_decl_kind kind;
	const char *name;
	const struct ast_decl *decl;
	void *entity;
};

struct resolver {
	struct arena *arena;
	const struct src_manager *sm;
	struct diag_sink *diags;
	struct world *world;
	struct symtab names;     /* name -> struct symbol * */
	struct symtab twice;     /* names declared more than once: already reported */
	struct ptrvec symbols;   /* struct symbol *, in declaration order */
	/* "did you mean" candidates per kind, gathered once (NULL until first needed) */
	const char **candidates[DECL_KIND_COUNT];
	size_t candidate_count[DECL_KIND_COUNT];
	struct symtab sites_by_display; /* a site's display name -> struct site_ent *, built when first needed */
	bool sites_indexed;
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
};

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

enum { FX_ID, FX_SITE, FX_OS, FX_ACTION, FX_NEEDS, FX_RESTART, FX_RELEVANCE, FX_SCRIPT, FX_NOTE };
static const struct prop fixlet_props[] = {
	[FX_ID] = {"id", SH_INT, P_REQUIRED, "id 116"},
	[FX_SITE] = {"site", SH_IDENT, P_REQUIRED, "site server-automation"},
	[FX_OS] = {"os", SH_NAMES, P_REQUIRED, "os windows-2003, windows-2008"},
	[FX_ACTION] = {"action", SH_IDENT, 0, "action Action1"},
	[FX_NEEDS] = {"needs", SH_NAMES, 0, "needs control-scripts"},
	[FX_RESTART] = {"pending-restart", SH_IDENT, 0, "pending-restart may"},
	[FX_RELEVANCE] = {"relevance", SH_STRING, 0, "relevance \"exists service \\\"ClusSvc\\\"\""},
	[FX_SCRIPT] = {"actionscript", SH_STRING, P_REPEAT, "actionscript \"action requires restart\""},
	[FX_NOTE] = {"note", SH_STRING, 0, "note \"runs with domain credentials\""},
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
	ST_HOLD, ST_MUST_SUCCEED
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

enum { PL_CLUSTER, PL_ORDER, PL_ACTIVE, PL_MAX_DOWN, PL_WINDOW, PL_REQUIRE, PL_TIMEOUT, PL_EACH };
static const struct prop plan_props[] = {
	[PL_CLUSTER] = {"cluster", SH_IDENT, P_REQUIRED, "cluster exch01"},
	[PL_ORDER] = {"order", SH_CUSTOM, P_REPEAT, "order passive-first"},
	[PL_ACTIVE] = {"active", SH_NODE, 0, "active EXNODE2"},
	[PL_MAX_DOWN] = {"max-down", SH_INT, 0, "max-down 1"},
	[PL_WINDOW] = {"window", SH_DURATION, 0, "window 6h"},
	[PL_REQUIRE] = {"require", SH_NAMES, P_REPEAT, "require control-scripts"},
	[PL_TIMEOUT] = {"timeout", SH_CUSTOM, P_REPEAT, "timeout patch 3h"},
	[PL_EACH] = {"each", SH_CUSTOM, P_REQUIRED | P_BLOCK, "each node { pause ... }"},
};

#define PROPS(table) table, sizeof table / sizeof table[0]

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

/*
 * Sorts the statements of `block` by the table entry they match and reports
 * every statement the table does not allow.  A NULL block counts as empty.
 */
static void collect_props(struct resolver *r, const struct ast_block *block, const struct prop *spec,
			  size_t count, const char *owner, struct src_span owner_span, struct props *out)
{
	memset(out, 0, sizeof *out);
	out->spec = spec;
	out->count = spec[0].word ? count : 0;
	const char *words[MAX_PROPS];
	for (size_t i = 0; i < out->count; i++)
		words[i] = spec[i].word;

	for (size_t i = 0; block && i < block->stmts.len; i++) {
		struct ast_stmt *s = block->stmts.items[i];
		size_t k = 0;
		while (k < out->count && strcmp(spec[k].word, s->word) != 0)
			k++;
		if (k == out->count) {
			struct diag *d = diag_report(r->diags, BFP207, s->word_span, "%s does not accept '%s'",
						     owner, s->word);
			const char *near = suggest_closest(s->word, words, out->count);
			if (near)
				diag_help(r->diags, d, "did you mean '%s'?", near);
			else if (out->count == 0)
				diag_help(r->diags, d, "this declaration takes no statements; remove the line");
			else {
				const char *list = "";
				for (size_t j = 0; j < out->count; j++)
					list = arena_printf(r->arena, "%s%s'%s'", list, j ? ", " : "", words[j]);
				diag_help(r->diags, d, "the statements allowed here are %s", list);
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

static const char *kind_article(enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_OS: return "an os";
	case DECL_STATE: return "a state";
	case DECL_SITE: return "a site";
	case DECL_PREREQUISITE: return "a prerequisite";
	case DECL_FIXLET: return "a fixlet";
	case DECL_TASK: return "a task";
	case DECL_STEP: return "a step";
	case DECL_ROLE: return "a role";
	case DECL_CLUSTER: return "a cluster";
	case DECL_BASELINE: return "a baseline";
	case DECL_PLAN: return "a plan";
	case DECL_KIND_COUNT: break;
	}
	return "a declaration";
}

static const char *kind_singular(enum ast_decl_kind kind)
{
	return kind == DECL_OS ? "OS" : ast_decl_kind_name(kind);
}

static const char *kind_plural(enum ast_decl_kind kind)
{
	switch (kind) {
	case DECL_OS: return "OSes";
	case DECL_STATE: return "states";
	case DECL_SITE: return "sites";
	case DECL_PREREQUISITE: return "prerequisites";
	case DECL_FIXLET: return "fixlets and tasks";
	case DECL_TASK: return "tasks";
	case DECL_STEP: return "steps";
	case DECL_ROLE: return "roles";
	case DECL_CLUSTER: return "clusters";
	case DECL_BASELINE: return "baselines";
	case DECL_PLAN: return "plans";
	case DECL_KIND_COUNT: break;
	}
	return "declarations";
}

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

static void suggest_name(struct resolver *r, struct diag *d, const char *name, enum ast_decl_kind kind)
{
	if (!diag_is_shown(r->diags, d))
		return; /* past the display limit: no one reads the help */
	size_t n;
	const char *const *names = candidates(r, kind, &n);
	const char *near = suggest_closest(name, names, n);
	enum { LISTED_MAX = 8 };
	if (near) {
		diag_help(r->diags, d, "did you mean '%s'?", near);
	} else if (n > 0 && n <= LISTED_MAX) {
		const char *list = "";
		for (size_t i = 0; i < n; i++)
			list = arena_printf(r->arena, "%s%s'%s'", list, i == 0 ? "" : i + 1 == n ? " and " : ", ",
					    names[i]);
		diag_help(r->diags, d, "the known %s %s %s; declare another, or `use` the file that "
			  "declares it", n == 1 ? kind_singular(kind) : kind_plural(kind), n == 1 ? "is" : "are", list);
	} else {
		diag_help(r->diags, d, "declare %s named '%s', or `use` the file that declares it",
			  kind_article(kind), name);
	}
}

/* The entity `v` names, which must be of `kind`; NULL (reported) otherwise. */
static void *lookup(struct resolver *r, enum ast_decl_kind kind, const struct ast_value *v)
{
	const struct symbol *sym = symtab_get(&r->names, v->text);
	if (!sym) {
		struct diag *d = diag_report(r->diags, BFP204, v->span, "unknown %s '%s'",
					     kind_singular(kind), v->text);
		suggest_name(r, d, v->text, kind);
		return NULL;
	}
	if (!kind_matches(kind, sym->kind)) {
		if (symtab_get(&r->twice, v->text))
			return NULL; /* the user meant the other declaration of the name, already reported */
		struct diag *d = diag_report(r->diags, BFP206, v->span, "'%s' is %s, not %s", v->text,
					     kind_article(sym->kind), kind_article(kind));
		diag_note(r->diags, d, sym->decl->name_span, "'%s' is declared here", v->text);
		size_t n;
		const char *const *names = candidates(r, kind, &n);
		const char *near = diag_is_shown(r->diags, d) ? suggest_closest(v->text, names, n) : NULL;
		if (near)
			diag_help(r->diags, d, "did you mean '%s'?", near);
		else
			diag_help(r->diags, d, "name %s here", kind_article(kind));
		return NULL;
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

static void declare(struct resolver *r, const struct ast_decl *decl)
{
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
			  kind_article(existing->kind));
		diag_help(r->diags, d, "rename one of them: every declaration needs its own name");
		return;
	}
	sym->entity = arena_alloc(r->arena, entity_size(decl->kind));
	ptrvec_push(r->arena, &r->symbols, sym);
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

static void read_os(struct resolver *r, const struct ast_decl *decl, struct os_ent *os)
{
	struct props p;
	collect_props(r, decl->block, PROPS(no_props), owner_name(r, decl), decl->name_span, &p);
	os->name = decl->name;
	os->title = read_title(r, decl);
	os->decl = decl->name_span;
}

static void read_state(struct resolver *r, const struct ast_decl *decl, struct state_ent *st)
{
	struct props p;
	collect_props(r, decl->block, PROPS(state_props), owner_name(r, decl), decl->name_span, &p);
	st->name = decl->name;
	st->title = read_title(r, decl);
	st->initial = p.stmts[0].len > 0;
	st->final = p.stmts[1].len > 0;
	st->waits = p.stmts[2].len > 0;
	st->decl = decl->name_span;
}

static void read_site(struct resolver *r, const struct ast_decl *decl, struct site_ent *site)
{
	struct props p;
	collect_props(r, decl->block, PROPS(site_props), owner_name(r, decl), decl->name_span, &p);
	site->lw.name = decl->name;
	site->lw.display = read_title_or_name(r, decl);
	site->lw.gather_url = prop_text(&p, 0);
	site->lw.decl = decl->name_span;
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
	diag_help(r->diags, d, near ? "did you mean '%s'?" : "write 'pending-restart may'%s", near ? near : "");
	return false;
}

static void read_fixlet(struct resolver *r, const struct ast_decl *decl, struct fixlet_ent *fx)
{
	struct props p;
	collect_props(r, decl->block, PROPS(fixlet_props), owner_name(r, decl), decl->name_span, &p);
	fx->lw.name = decl->name;
	fx->lw.is_task = decl->kind == DECL_TASK;
	fx->lw.title = read_title(r, decl);
	fx->lw.decl = decl->name_span;
	const struct ast_stmt *id = prop_one(&p, FX_ID);
	if (id && valid_id(r, first_arg(id)))
		fx->lw.id = (uint32_t)first_arg(id)->number;
	struct site_ent *site = lookup_prop(r, DECL_SITE, &p, FX_SITE);
	fx->lw.site = site ? &site->lw : NULL;
	if (p.stmts[FX_OS].len)
		lookup_all_prop(r, DECL_OS, &p, FX_OS, &fx->oses, NULL);
	const struct ast_stmt *action = prop_one(&p, FX_ACTION);
	fx->lw.action = action ? first_arg(action)->text : "Action1";
	lookup_all_prop(r, DECL_PREREQUISITE, &p, FX_NEEDS, &fx->needs, &fx->needs_span);
	fx->lw.restart = LW_RESTART_NEVER;
	const struct ast_stmt *restart = prop_one(&p, FX_RESTART);
	if (restart)
		read_restart_word(r, first_arg(restart), &fx->lw.restart);
	fx->lw.relevance = prop_text(&p, FX_RELEVANCE);
	check_relevance(r, fx->lw.relevance, "relevance", decl);
	/* several actionscript lines make one script, a line each */
	for (size_t i = 0; i < p.stmts[FX_SCRIPT].len; i++) {
		const struct ast_stmt *s = p.stmts[FX_SCRIPT].items[i];
		struct lw_text line = text_of(first_arg(s));
		/* ActionScript runs line by line: a break inside one line would start a new command */
		if (strpbrk(line.text, "\r\n")) {
			struct diag *d = diag_report(r->diags, BFP402, line.span,
						     "an actionscript line contains a line break");
			diag_help(r->diags, d, "write each line of the script as its own 'actionscript' statement");
			continue;
		}
		if (!fx->lw.actionscript.text)
			fx->lw.actionscript = line;
		else
			fx->lw.actionscript = (struct lw_text){
				arena_printf(r->arena, "%s\n%s", fx->lw.actionscript.text, line.text),
				src_span_join(fx->lw.actionscript.span, line.span)};
	}
	fx->note = prop_template(r, &p, FX_NOTE, TPL_FOR_CATALOG);
}

static void read_prereq(struct resolver *r, const struct ast_decl *decl, struct prereq_ent *pr)
{
	struct props p;
	collect_props(r, decl->block, PROPS(prereq_props), owner_name(r, decl), decl->name_span, &p);
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
}

static void read_step(struct resolver *r, const struct ast_decl *decl, struct step_ent *st)
{
	struct props p;
	const char *owner = owner_name(r, decl);
	collect_props(r, decl->block, PROPS(step_props), owner, decl->name_span, &p);
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
	st->hold_on_failure = p.stmts[ST_HOLD].len > 0;
	st->must_succeed = p.stmts[ST_MUST_SUCCEED].len > 0;
	if (st->must_succeed)
		st->must_succeed_span = prop_one(&p, ST_MUST_SUCCEED)->span;
}

static void read_role(struct resolver *r, const struct ast_decl *decl, struct role_ent *role)
{
	struct props p;
	collect_props(r, decl->block, PROPS(role_props), owner_name(r, decl), decl->name_span, &p);
	role->lw.name = decl->name;
	role->lw.title = read_title_or_name(r, decl);
	role->decl = decl->name_span;
	role->detect = lookup_prop(r, DECL_FIXLET, &p, RO_DETECT);
	role->lw.detect = role->detect ? &role->detect->lw : NULL;
	lookup_all_prop(r, DECL_PREREQUISITE, &p, RO_NEEDS, &role->needs, &role->needs_span);
	role->lw.verify = prop_template(r, &p, RO_VERIFY, TPL_FOR_STEP);
}

static void read_cluster(struct resolver *r, const struct ast_decl *decl, struct cluster_ent *cl)
{
	struct props p;
	collect_props(r, decl->block, PROPS(cluster_props), owner_name(r, decl), decl->name_span, &p);
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
			diag_help(r->diags, d, near ? "did you mean '%s'?" : "the models are node-majority, "
				  "node-and-witness and disk-only%s", near ? near : "");
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

/*
 * The site whose display name is `display` (the last declared, if several
 * are): a table built at the first use, as sites are read before
 * baselines, so many component lines cost one pass over the sites.
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
		r->sites_indexed = true;
	}
	return symtab_get(&r->sites_by_display, display);
}

/* `fixlet 501 site patches-for-windows [action Action2] [pending-restart never]` or `fixlet NAME`. */
static struct component_ent *read_content_line(struct resolver *r, const struct ast_stmt *s, bool is_task)
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
	struct fixlet_ent *fx = arena_alloc(r->arena, sizeof *fx);
	fx->lw.is_task = is_task;
	fx->lw.id = (uint32_t)first->number;
	fx->lw.action = "Action1";
	fx->lw.restart = LW_RESTART_MAY; /* patch content: assume it can leave Pending Restart */
	fx->lw.decl = s->span;
	for (size_t i = 1; i + 1 < s->args.len; i += 2) {
		const struct ast_value *key = s->args.items[i], *val = s->args.items[i + 1];
		if (value_is(key, VAL_IDENT) && strcmp(key->text, "site") == 0 && value_is(val, VAL_IDENT)) {
			struct site_ent *site = lookup(r, DECL_SITE, val);
			fx->lw.site = site ? &site->lw : NULL;
			if (!site)
				return NULL;
		} else if (value_is(key, VAL_IDENT) && strcmp(key->text, "site") == 0 &&
			   value_is(val, VAL_STRING)) {
			struct site_ent *site = site_displayed_as(r, val->text);
			fx->lw.site = site ? &site->lw : NULL;
			if (!fx->lw.site) {
				struct diag *d = diag_report(r->diags, BFP204, val->span,
							     "no site is displayed as \"%s\"", val->text);
				diag_help(r->diags, d, "use the site's name, as in 'site patches-for-windows', "
					  "or `use` the file that declares the site");
				return NULL;
			}
		} else if (value_is(key, VAL_IDENT) && strcmp(key->text, "action") == 0 &&
			   value_is(val, VAL_IDENT)) {
			fx->lw.action = val->text;
		} else if (value_is(key, VAL_IDENT) && strcmp(key->text, "pending-restart") == 0 &&
			   value_is(val, VAL_IDENT)) {
			if (!read_restart_word(r, val, &fx->lw.restart))
				return NULL;
		} else {
			invalid_value(r, s, "an ID, then 'site', 'action' or 'pending-restart' with a value",
				      example);
			return NULL;
		}
	}
	if (!fx->lw.site) {
		struct diag *d = diag_report(r->diags, BFP209, s->word_span, "%s %u has no site",
					     is_task ? "task" : "fixlet", fx->lw.id);
		diag_help(r->diags, d, "IDs are only unique within a site: write '%s'", example);
		return NULL;
	}
	c->fixlet = fx;
	return c;
}

static void read_baseline(struct resolver *r, const struct ast_decl *decl, struct baseline_ent *bl)
{
	struct props p;
	collect_props(r, decl->block, PROPS(baseline_props), owner_name(r, decl), decl->name_span, &p);
	bl->name = decl->name;
	bl->title = read_title_or_name(r, decl);
	bl->decl = decl->name_span;
	/* components keep the order they are written in, whatever their kind */
	for (size_t i = 0; decl->block && i < decl->block->stmts.len; i++) {
		const struct ast_stmt *s = decl->block->stmts.items[i];
		struct component_ent *c = NULL;
		if (strcmp(s->word, "fixlet") == 0 || strcmp(s->word, "task") == 0) {
			c = read_content_line(r, s, s->word[0] == 't');
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
			diag_help(r->diags, d, near ? "did you mean '%s'?" : "the policies are passive-first "
				  "and active-first%s", near ? near : "");
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

/* A plan's name is the file name of its .bes: `check` refuses what `build` could not write. */
static void check_plan_name(struct resolver *r, const struct ast_decl *decl)
{
	size_t len = strlen(decl->name), longest = RESOLVE_MAX_FILE_NAME - strlen(".bes");
	if (len <= longest)
		return;
	struct diag *d = diag_report(r->diags, BFP216, decl->name_span,
				     "the name of plan '%.20s...' is %zu bytes long; with '.bes' it must fit in %d",
				     decl->name, len, RESOLVE_MAX_FILE_NAME);
	diag_help(r->diags, d, "use a name of at most %zu bytes", longest);
}

static void read_plan(struct resolver *r, const struct ast_decl *decl, struct plan_ent *plan)
{
	struct props p;
	collect_props(r, decl->block, PROPS(plan_props), owner_name(r, decl), decl->name_span, &p);
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
	const struct ast_stmt *window = prop_one(&p, PL_WINDOW);
	if (window) {
		plan->window = first_arg(window)->number;
		plan->window_span = window->span;
	}
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

/* The kinds other kinds' readers depend on come first (sites before baselines read display names). */
static int read_rank(enum ast_decl_kind kind)
{
	return kind == DECL_SITE || kind == DECL_OS || kind == DECL_STATE ? 0 : 1;
}

void resolve_program(struct arena *arena, const struct src_manager *sm, struct diag_sink *diags,
		     const struct program *program, struct world *out)
{
	memset(out, 0, sizeof *out);
	struct resolver r = {.arena = arena, .sm = sm, .diags = diags, .world = out};
	symtab_init(&r.names, arena);
	symtab_init(&r.twice, arena);
	out->root = program->root;
	for (size_t i = 0; i < sm->files.len; i++)
		strvec_push(arena, &out->files, src_file(sm, (uint32_t)i)->path);

	for (size_t f = 0; f < program->files.len; f++) {
		const struct ast_file *file = program->files.items[f];
		for (size_t i = 0; i < file->decls.len; i++)
			declare(&r, file->decls.items[i]);
	}
	for (int rank = 0; rank <= 1; rank++) {
		for (size_t i = 0; i < r.symbols.len; i++) {
			const struct symbol *sym = r.symbols.items[i];
			if (read_rank(sym->kind) == rank)
				read_decl(&r, sym->decl, sym->entity);
		}
	}
}
