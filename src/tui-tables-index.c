/* tui-tables-index.c: the Tables view's lookups, made once per model:
 * which tree nodes belong to which function, pass and CGU (in a diff,
 * which paired row), and an async fn's members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/xalloc.h"
#include "tui-tables.h"

typedef tb_pairs pairs;

static void pair_push(pairs *p, uint32_t k, uint32_t v)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->k = st_xreallocarray(p->k, p->cap, sizeof *p->k);
		p->v = st_xreallocarray(p->v, p->cap, sizeof *p->v);
	}
	p->k[p->n] = k;
	p->v[p->n++] = v;
}

/* Groups the pairs by key: key i's values are vals[at[i]] .. vals[at[i+1]). */
static void group_pairs(pairs *p, uint32_t nkeys, uint32_t **at, uint32_t **vals)
{
	uint32_t *s = st_xcalloc((size_t)nkeys + 2, sizeof *s);
	for (uint32_t i = 0; i < p->n; i++)
		s[p->k[i] + 2]++;
	for (uint32_t i = 2; i < nkeys + 2; i++)
		s[i] += s[i - 1];
	uint32_t *out = st_xreallocarray(NULL, (size_t)p->n + 1, sizeof *out);
	for (uint32_t i = 0; i < p->n; i++)
		out[s[p->k[i] + 1]++] = p->v[i];
	*at = s;   /* s[i] is now the start of key i, s[nkeys] the end */
	*vals = out;
	free(p->k);
	free(p->v);
}


/* The keys of the items that tree nodes are found for: a function's
 * (crate, name), a pass's name, a CGU's (crate, name), from the model's
 * vectors or, in a diff, from the paired tables (whose ids are the merged
 * model's, as its trees' are). */
static uint32_t n_items(const app *a, st_diff_table dt)
{
	const st_model *m = a->m;
	if (a->diff)
		return a->diff->tables[dt].len;
	return dt == ST_DT_FUNCTIONS ? m->functions.len : dt == ST_DT_PASSES ? m->passes.len
	       : m->cgus.len;
}

static void item_key(const app *a, st_diff_table dt, uint32_t i, uint32_t *crate,
                     uint32_t *name)
{
	const st_model *m = a->m;
	if (a->diff) {
		*crate = a->diff->tables[dt].v[i].crate;
		*name = a->diff->tables[dt].v[i].name;
	} else if (dt == ST_DT_FUNCTIONS) {
		*crate = m->functions.v[i].crate;
		*name = m->functions.v[i].name;
	} else if (dt == ST_DT_PASSES) {
		*crate = ST_NOSTR;
		*name = m->passes.v[i].pass;
	} else {
		*crate = m->cgus.v[i].crate;
		*name = m->cgus.v[i].cgu;
	}
}

/* diff: the async fn that owns each function row, by its name in the
 * merged string table (NEW's grouping, else BASE's for a gone function). */
static void diff_owners(app *a)
{
	struct tables *T = tb_st(a);
	if (T->downer)
		return;
	const st_model *m = a->m, *b = a->diff->base;
	const st_diff_rows *rs = &a->diff->tables[ST_DT_FUNCTIONS];
	T->downer = st_xreallocarray(NULL, (size_t)rs->len + 1, sizeof *T->downer);
	st_idmap nfn = { 0 }, bfn = { 0 };   /* (crate, name) -> NEW's, BASE's function */
	for (uint32_t i = 0; i < m->functions.len; i++)
		st_idmap_get_or_put(&nfn, st_idmap_pair(m->functions.v[i].crate,
		                                        m->functions.v[i].name), i);
	for (uint32_t i = 0; i < b->functions.len; i++)
		st_idmap_get_or_put(&bfn, st_idmap_pair(b->functions.v[i].crate,
		                                        b->functions.v[i].name), i);
	for (uint32_t i = 0; i < rs->len; i++) {
		const st_diff_row *r = &rs->v[i];
		uint32_t o = ST_NOSTR;
		uint32_t fi = st_idmap_get(&nfn, st_idmap_pair(r->crate, r->name));
		if (fi != ST_IDMAP_NONE && m->functions.v[fi].owner != ST_NIL) {
			o = m->async_fns.v[m->functions.v[fi].owner].name;
		} else if (fi == ST_IDMAP_NONE) {
			uint32_t bc = st_lookup(b->strs, st_model_str(m, r->crate),
			                        st_strlen(m->strs, r->crate));
			uint32_t bn = st_lookup(b->strs, st_model_str(m, r->name),
			                        st_strlen(m->strs, r->name));
			uint32_t bi = bc == ST_NOSTR || bn == ST_NOSTR ? ST_IDMAP_NONE
			              : st_idmap_get(&bfn, st_idmap_pair(bc, bn));
			if (bi != ST_IDMAP_NONE && b->functions.v[bi].owner != ST_NIL) {
				uint32_t on = b->async_fns.v[b->functions.v[bi].owner].name;
				o = st_lookup(m->strs, st_str(b->strs, on), st_strlen(b->strs, on));
			}
		}
		T->downer[i] = o;
	}
	st_idmap_free(&nfn);
	st_idmap_free(&bfn);
}

/* An async fn's members, grouped once (opening one is then no scan of
 * every function): the model's owner, or in a diff the owner's name. */
static void index_members(app *a)
{
	struct tables *T = tb_st(a);
	const st_model *m = a->m;
	pairs op = { 0 };
	uint32_t nasync = a->diff ? a->diff->tables[ST_DT_ASYNC].len : m->async_fns.len;
	if (a->diff) {
		diff_owners(a);
		st_idmap async_of = { 0 };
		for (uint32_t i = 0; i < nasync; i++)
			st_idmap_get_or_put(&async_of, a->diff->tables[ST_DT_ASYNC].v[i].name, i);
		for (uint32_t j = 0; j < T->nfn; j++) {
			uint32_t o = T->downer[j] == ST_NOSTR ? ST_IDMAP_NONE
			             : st_idmap_get(&async_of, T->downer[j]);
			if (o != ST_IDMAP_NONE)
				pair_push(&op, o, j);
		}
		st_idmap_free(&async_of);
	} else {
		for (uint32_t j = 0; j < m->functions.len; j++)
			if (m->functions.v[j].owner != ST_NIL && m->functions.v[j].owner < nasync)
				pair_push(&op, m->functions.v[j].owner, j);
	}
	group_pairs(&op, nasync, &T->own_at, &T->own_fns);
}

/* The lookups in steps of a few ms each on 2 M nodes, so that the ones
 * made between keys (tb_index_step) leave a key waiting no longer: the
 * item maps, then the pivot's nodes per function and the codegen tree's
 * per pass (each a few CGUs at a time), then an async fn's members. */
static void index_items(app *a)
{
	struct tables *T = tb_st(a);
	uint32_t nfn = T->nfn = n_items(a, ST_DT_FUNCTIONS);
	uint32_t npass = n_items(a, ST_DT_PASSES), ncgu = n_items(a, ST_DT_CGUS);
	uint32_t kc0 = ST_NOSTR, kc, kn;
	st_idmap_reserve(&T->fn_of, nfn);
	for (uint32_t i = 0; i < nfn; i++) {
		item_key(a, ST_DT_FUNCTIONS, i, &kc, &kn);
		st_idmap_get_or_put(&T->fn_of, st_idmap_pair(kc, kn), i);
		if (!i)
			kc0 = kc;
		T->multi_crate |= kc != kc0;
	}
	for (uint32_t i = 0; i < npass; i++) {
		item_key(a, ST_DT_PASSES, i, &kc, &kn);
		st_idmap_get_or_put(&T->pass_of, kn, i);
	}
	size_t nc = (size_t)ncgu + 1;
	T->cgu_pivot = st_xreallocarray(NULL, nc, sizeof *T->cgu_pivot);
	T->cgu_codegen = st_xreallocarray(NULL, nc, sizeof *T->cgu_codegen);
	T->cgu_fns = st_xcalloc(nc, sizeof *T->cgu_fns);
	memset(T->cgu_pivot, 0xff, nc * sizeof *T->cgu_pivot);
	memset(T->cgu_codegen, 0xff, nc * sizeof *T->cgu_codegen);
	for (uint32_t i = 0; i < ncgu; i++) {
		item_key(a, ST_DT_CGUS, i, &kc, &kn);
		st_idmap_get_or_put(&T->cgu_of, st_idmap_pair(kc, kn), i);
	}
}

/* The CGUs of tree t (crate > CGU > ...) from T->walk's place on, each
 * handed to fn, until about WALK_BUDGET of their children are seen: true
 * when every CGU has been, and the walk is reset for the next step. */
#define WALK_BUDGET 65536
typedef uint32_t (*cgu_fn)(app *a, const st_tree *t, uint32_t cr, uint32_t cu);

static bool walk_cgus(app *a, const st_tree *t, cgu_fn fn)
{
	tb_walk *w = &tb_st(a)->walk;
	if (!w->started) {
		w->started = true;
		w->cr = t->nodes[0].first_child;
		w->cu = w->cr == ST_NIL ? ST_NIL : t->nodes[w->cr].first_child;
	}
	uint32_t seen = 0;
	while (w->cr != ST_NIL) {
		while (w->cu != ST_NIL) {
			seen += fn(a, t, w->cr, w->cu);
			w->cu = t->nodes[w->cu].next_sibling;
			if (seen >= WALK_BUDGET)
				return false;
		}
		w->cr = t->nodes[w->cr].next_sibling;
		w->cu = w->cr == ST_NIL ? ST_NIL : t->nodes[w->cr].first_child;
	}
	w->started = false;
	return true;
}

/* The CGU item of tree t's node cu (under crate cr), or ST_IDMAP_NONE. */
static uint32_t cgu_item(struct tables *T, const st_tree *t, uint32_t cr, uint32_t cu)
{
	return st_idmap_get(&T->cgu_of, st_idmap_pair(t->nodes[cr].name, t->nodes[cu].name));
}

static uint32_t cgu_functions(app *a, const st_tree *pv, uint32_t cr, uint32_t cu)
{
	struct tables *T = tb_st(a);
	uint32_t seen = 0;
	uint32_t ci = cgu_item(T, pv, cr, cu);
	if (ci != ST_IDMAP_NONE)
		T->cgu_pivot[ci] = cu;
	CHILDREN(pv, cu, f) {
		seen++;
		if (!tb_is_fn_kind(st_tree_kind(pv, f)))
			continue;
		uint32_t fi = st_idmap_get(&T->fn_of, st_idmap_pair(pv->nodes[cr].name,
		                                                    pv->nodes[f].name));
		if (fi != ST_IDMAP_NONE)
			pair_push(&T->walk.acc, fi, f);
		if (ci != ST_IDMAP_NONE)
			T->cgu_fns[ci]++;
	}
	return seen;
}

static bool index_functions(app *a)
{
	struct tables *T = tb_st(a);
	if (!walk_cgus(a, &a->m->pivot, cgu_functions))
		return false;
	group_pairs(&T->walk.acc, T->nfn, &T->fn_at, &T->fn_nodes);
	T->walk.acc = (pairs){ 0 };
	return true;
}

static uint32_t cgu_passes(app *a, const st_tree *cg, uint32_t cr, uint32_t cu)
{
	struct tables *T = tb_st(a);
	uint32_t seen = 0;
	uint32_t ci = cgu_item(T, cg, cr, cu);
	if (ci != ST_IDMAP_NONE)
		T->cgu_codegen[ci] = cu;
	CHILDREN(cg, cu, p) {
		seen++;
		uint32_t pi = st_tree_kind(cg, p) == ST_K_PASS
		              ? st_idmap_get(&T->pass_of, cg->nodes[p].name) : ST_IDMAP_NONE;
		if (pi != ST_IDMAP_NONE)
			pair_push(&T->walk.acc, pi, p);
	}
	return seen;
}

static bool index_passes(app *a)
{
	struct tables *T = tb_st(a);
	if (!walk_cgus(a, &a->m->codegen, cgu_passes))
		return false;
	group_pairs(&T->walk.acc, n_items(a, ST_DT_PASSES), &T->pass_at, &T->pass_nodes);
	T->walk.acc = (pairs){ 0 };
	return true;
}

static bool index_items_step(app *a)
{
	index_items(a);
	return true;
}

static bool index_members_step(app *a)
{
	index_members(a);
	return true;
}

/* each true when its part is done, false to be called again */
static bool (*const index_steps[])(app *) = {
	index_items_step, index_functions, index_passes, index_members_step,
};
#define INDEX_STEPS (sizeof index_steps / sizeof index_steps[0])

bool tb_index_step(app *a)
{
	struct tables *T = tb_st(a);
	if (T->indexed)
		return false;
	if (index_steps[T->index_steps](a))
		T->index_steps++;
	T->indexed = T->index_steps == INDEX_STEPS;
	return !T->indexed;
}

void tb_make_index(app *a)
{
	while (tb_index_step(a))
		;
}

/* A node's time; in a diff the larger side, so that gone items are found. */
static uint64_t weight(const app *a, const st_tree *t, uint32_t id)
{
	uint64_t w = t->nodes[id].total_ns;
	if (a->diff && st_diff_node_of(a->diff, t, id)->total_ns > w)
		w = st_diff_node_of(a->diff, t, id)->total_ns;
	return w;
}

uint32_t tb_heavier(const app *a, const st_tree *t, uint32_t best, uint32_t id)
{
	return best == ST_NIL || weight(a, t, id) > weight(a, t, best) ? id : best;
}

/* The heaviest node whose display name is name: a crate (crate true,
 * depth 1 of the stack tree) or any node of the tree. */
uint32_t tb_find_node(const app *a, const st_tree *t, bool crate, uint32_t name)
{
	const st_model *m = a->m;
	uint32_t best = ST_NIL;
	if (crate) {
		CHILDREN(t, 0, cr)
			if (st_model_display(m, t->nodes[cr].name) == name)
				best = tb_heavier(a, t, best, cr);
		return best;
	}
	for (uint32_t id = 1; id < t->len; id++)
		if (st_model_display(m, t->nodes[id].name) == name)
			best = tb_heavier(a, t, best, id);
	return best;
}

