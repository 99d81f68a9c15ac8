/*
 * analysis.c - running check's stages for the editor (see analysis.h).
 */
#define _DEFAULT_SOURCE /* realpath() */

#include "lsp/analysis.h"

#include <stdlib.h>
#include <string.h>

static const char *real_path(struct arena *arena, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return path;
	const char *copy = arena_strdup(arena, real);
	free(real);
	return copy;
}

/*
 * The stages of `bfplan check` (cmd/compile.c's compile(), up to the
 * checker), stopping where it stops: names are not resolved in a program
 * whose files have errors.  Keep the two in step.
 */
static void run_stages(struct analysis *a, const char *path, const struct analysis_options *o)
{
	struct load_options lo = {
		.include_dirs = o->include_dirs,
		.include_count = o->include_count,
		.search_path = o->search_path,
		.stdlib_dir = o->stdlib_dir,
		.stdlib_sought = o->stdlib_sought,
		.overlay = o->overlay,
		.overlay_ctx = o->overlay_ctx,
	};
	struct program program;
	a->loaded = load_program(&a->arena, &a->sm, &a->diags, &lo, path, &program) == LOAD_OK;
	if (a->loaded)
		resolve_words(&a->diags, &program);
	a->root = program.root;
	a->uri = arena_strdup(&a->arena, o->uri ? o->uri : "");
	size_t files = a->sm.files.len;
	a->real = arena_calloc(&a->arena, files + 1, sizeof *a->real);
	a->lines = arena_calloc(&a->arena, files + 1, sizeof *a->lines);
	for (size_t i = 0; i < files; i++)
		a->real[i] = i == a->root ? path : real_path(&a->arena, src_file(&a->sm, (uint32_t)i)->path);
	if (!a->loaded || diag_has_errors(&a->diags))
		return;
	resolve_program_indexed(&a->arena, &a->sm, &a->diags, &program, &a->world, &a->index);
	a->resolved = true;
	check_program(&a->arena, &a->diags, &a->world, &a->checked);
	diag_report_unused_allows(&a->diags, a->root); /* as check does */
}

struct analysis *analysis_run(const char *path, const struct analysis_options *o)
{
	struct analysis *volatile a = calloc(1, sizeof *a); /* volatile: read after longjmp */
	if (!a)
		return NULL;
	arena_init(&a->arena);
	a->arena.on_failure = &a->out_of_memory;
	if (setjmp(a->out_of_memory)) {
		analysis_free(a);
		return NULL;
	}
	src_init(&a->sm, &a->arena);
	diag_init(&a->diags, &a->arena, &a->sm);
	a->diags.denied = o->denied; /* as cmd/compile.c's compilation_init() */
	for (size_t i = 0; i < o->allow_count; i++)
		diag_allow_add(&a->diags, o->allows[i]);
	run_stages(a, path, o);
	return a;
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	arena_free(&a->arena);
	free(a);
}

const struct text_lines *analysis_lines(struct analysis *a, uint32_t file)
{
	if (file >= a->sm.files.len)
		return NULL;
	if (!a->lines[file]) {
		const struct src_file *f = src_file(&a->sm, file);
		struct text_lines *l = arena_alloc(&a->arena, sizeof *l);
		text_lines_init(l, &a->arena, f->text, f->len);
		a->lines[file] = l;
	}
	return a->lines[file];
}

bool analysis_reads(const struct analysis *a, const char *real)
{
	for (size_t i = 0; i < a->sm.files.len; i++)
		if (i != a->root && strcmp(a->real[i], real) == 0)
			return true;
	return false;
}

static bool span_has(struct src_span s, uint32_t file, uint32_t offset)
{
	return s.file == file && s.begin <= offset && offset <= s.end && s.end > s.begin;
}

/* The node of `cluster` called `name`, or NULL. */
static const struct node_ent *node_named(const struct cluster_ent *cluster, const char *name)
{
	for (size_t i = 0; cluster && i < cluster->nodes.len; i++) {
		const struct node_ent *n = cluster->nodes.items[i];
		if (strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

/* Whether `named`, a node a plan names, is at the place; binds it to the plan's cluster as the checker does. */
static bool named_node_at(const struct plan_ent *plan, const struct node_ent *named, uint32_t file, uint32_t offset,
			  struct analysis_hit *hit)
{
	if (!span_has(named->span, file, offset))
		return false;
	hit->span = named->span;
	hit->cluster = plan->cluster;
	hit->node = node_named(plan->cluster, named->name);
	return hit->node != NULL;
}

/* The nodes a plan names: `active NODE` and `order A before B`. */
static bool plan_node_at(const struct plan_ent *plan, uint32_t file, uint32_t offset, struct analysis_hit *hit)
{
	if (plan->active && named_node_at(plan, plan->active, file, offset, hit))
		return true;
	for (size_t i = 0; i < plan->constraints.len; i++) {
		const struct order_constraint *c = plan->constraints.items[i];
		if (named_node_at(plan, c->before, file, offset, hit))
			return true;
		if (named_node_at(plan, c->after, file, offset, hit))
			return true;
	}
	return false;
}

const struct plan_ent *analysis_plan_at(const struct analysis *a, uint32_t file, uint32_t offset)
{
	for (size_t i = 0; i < a->index.defs.len; i++) {
		const struct name_def *d = a->index.defs.items[i];
		if (d->kind == DECL_PLAN && span_has(d->span, file, offset))
			return d->entity;
	}
	return NULL;
}

/* A baseline's component line, where no name in it is under the cursor (its ID, `fixlet`, `restart`). */
static bool component_at(const struct analysis *a, uint32_t file, uint32_t offset, struct analysis_hit *hit)
{
	for (size_t i = 0; i < a->world.baselines.len; i++) {
		const struct baseline_ent *bl = a->world.baselines.items[i];
		for (size_t k = 0; k < bl->components.len; k++) {
			const struct component_ent *c = bl->components.items[k];
			if ((c->fixlet || c->is_restart) && span_has(c->span, file, offset)) {
				hit->span = c->span;
				hit->component = c;
				return true;
			}
		}
	}
	return false;
}

/* A `use` line of the file, by the file it brought in (the source manager keeps the `use` that first read it). */
static bool use_at(const struct analysis *a, uint32_t file, uint32_t offset, struct analysis_hit *hit)
{
	for (uint32_t f = 0; f < a->sm.files.len; f++) {
		struct src_span use = src_file(&a->sm, f)->import;
		if (f != a->root && span_has(use, file, offset)) {
			hit->span = use;
			hit->used = f;
			return true;
		}
	}
	return false;
}

bool analysis_hit_at(const struct analysis *a, uint32_t file, uint32_t offset, struct analysis_hit *hit)
{
	*hit = (struct analysis_hit){0};
	if (use_at(a, file, offset, hit))
		return true; /* even where names did not resolve: the file read is known */
	if (!a->resolved)
		return false;
	hit->plan = analysis_plan_at(a, file, offset);
	for (size_t i = 0; i < a->index.refs.len; i++) {
		const struct name_ref *r = a->index.refs.items[i];
		if (span_has(r->span, file, offset)) {
			hit->span = r->span;
			hit->def = r->def;
			return true;
		}
	}
	for (size_t i = 0; i < a->index.defs.len; i++) {
		const struct name_def *d = a->index.defs.items[i];
		if (span_has(d->name_span, file, offset)) {
			hit->span = d->name_span;
			hit->def = d;
			return true;
		}
	}
	for (size_t i = 0; i < a->world.clusters.len; i++) {
		const struct cluster_ent *c = a->world.clusters.items[i];
		for (size_t k = 0; k < c->nodes.len; k++) {
			const struct node_ent *n = c->nodes.items[k];
			if (span_has(n->span, file, offset)) {
				hit->span = n->span;
				hit->node = n;
				hit->cluster = c;
				return true;
			}
		}
	}
	for (size_t i = 0; i < a->world.plans.len; i++)
		if (plan_node_at(a->world.plans.items[i], file, offset, hit))
			return true;
	return component_at(a, file, offset, hit);
}

bool analysis_declared(const struct analysis *a, struct analysis_hit *hit, struct src_span *decl)
{
	if (hit->component && !hit->def) {
		const struct fixlet_ent *fx = hit->component->fixlet;
		if (fx)
			hit->def = ptrmap_get(&a->index.by_entity, fx->merged_into ? fx->merged_into : fx);
		else if (hit->component->restart_step) /* a bare `restart`: the step that names its Fixlet */
			hit->def = ptrmap_get(&a->index.by_entity, hit->component->restart_step);
	}
	if (hit->used)
		*decl = (struct src_span){hit->used, 0, 0};
	else if (hit->node)
		*decl = hit->node->span;
	else if (hit->def)
		*decl = hit->def->name_span;
	return hit->used || hit->node || hit->def;
}

bool analysis_find_decl(const struct analysis *a, const char *real, uint32_t begin, struct analysis_hit *out)
{
	if (!a->resolved)
		return false;
	for (uint32_t f = 0; f < a->sm.files.len; f++) {
		if (strcmp(a->real[f], real) != 0)
			continue;
		struct src_span there;
		return analysis_hit_at(a, f, begin, out) && !out->used && analysis_declared(a, out, &there) &&
		       there.begin == begin;
	}
	return false;
}

static void push_span(struct arena *arena, struct ptrvec *out, struct src_span s)
{
	struct src_span *copy = arena_alloc(arena, sizeof *copy);
	*copy = s;
	ptrvec_push(arena, out, copy);
}

static void node_references(struct analysis *a, const struct analysis_hit *hit, struct ptrvec *out)
{
	push_span(&a->arena, out, hit->node->span);
	for (size_t i = 0; i < a->world.plans.len; i++) {
		const struct plan_ent *plan = a->world.plans.items[i];
		if (plan->cluster != hit->cluster)
			continue;
		if (plan->active && strcmp(plan->active->name, hit->node->name) == 0)
			push_span(&a->arena, out, plan->active->span);
		for (size_t k = 0; k < plan->constraints.len; k++) {
			const struct order_constraint *c = plan->constraints.items[k];
			if (strcmp(c->before->name, hit->node->name) == 0)
				push_span(&a->arena, out, c->before->span);
			if (strcmp(c->after->name, hit->node->name) == 0)
				push_span(&a->arena, out, c->after->span);
		}
	}
}

void analysis_references(struct analysis *a, const struct analysis_hit *hit, struct ptrvec *out)
{
	if (hit->used)
		return; /* a file is not a name */
	if (hit->node) {
		node_references(a, hit, out);
		return;
	}
	push_span(&a->arena, out, hit->def->name_span);
	for (size_t i = 0; i < a->index.refs.len; i++) {
		const struct name_ref *r = a->index.refs.items[i];
		if (r->def == hit->def)
			push_span(&a->arena, out, r->span);
	}
}

const struct plan_facts *analysis_facts(const struct analysis *a, const struct plan_ent *plan)
{
	for (size_t i = 0; i < a->checked.plans.len; i++) {
		const struct plan_facts *f = a->checked.plans.items[i];
		if (f->plan == plan)
			return f;
	}
	return NULL;
}
