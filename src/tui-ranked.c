/* tui-ranked.c: the Tables view, every ranked answer whole.  The Summary
 * shows the top of each table; here each is shown entire, one at a time:
 * functions across all CGUs, async fns, LLVM passes, codegen units, crates
 * and rustc activities, with the usual sort keys, search and n/N, a kind
 * filter for functions, and rows that open: an async fn onto its members
 * (each one's LLVM time summed across CGUs), a pass onto the functions it
 * ran on in every CGU, a function onto the CGUs it is in, a CGU onto its
 * functions.  Enter on a row that does not open shows it in its tree.
 *
 * A table is one tdef and the cases of its row kind: a further table (the
 * generic sets, say) is one more of each.  Rows are made once per model,
 * sorted once per order, children made when a row is first opened and the
 * visible list once per change, never per frame: a whole build has tens of
 * thousands of functions. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/idmap.h"
#include "stalactite/names.h"
#include "stalactite/report.h"
#include "stalactite/xalloc.h"
#include "tui.h"

/* What a row stands for: a model item (E_FN ... E_LABEL: its index in the
 * model's vector), a function's CGU (E_FN_CGU: the pivot tree's function
 * node there) or a diff row (E_DIFF: its index in the diff table dt).  In
 * a diff the index of tree nodes (make_index) is by diff row too. */
enum { E_FN, E_ASYNC, E_PASS, E_CGU, E_CRATE, E_LABEL, E_FN_CGU, E_DIFF };
enum { T_FIND, T_CODEGEN, T_PIVOT };   /* the tree Enter shows a row in */
enum { KF_ALL, KF_ASYNC, KF_CLOSURE, KF_FN, KF_COUNT };

#define NO_COUNT UINT64_MAX

typedef struct ent {
	int64_t f[3];       /* the figures its columns show; a child's f[0] is
	                       its figure where it is (in the pass, the CGU) */
	uint64_t n;         /* its count, or NO_COUNT */
	uint32_t id;
	uint32_t node;      /* the node Enter selects, or ST_NIL: found then */
	uint8_t what, tree, dt;
	/* diff: a child whose figures are its own where it is (a function in
	 * a pass, a CGU of a function): NEW's f[0], BASE's f[1], on which
	 * side it is (dstat, st_diff_status), not its row's in dt */
	uint8_t local, dstat;
} ent;

typedef struct kids {
	ent *v;
	uint32_t n;
	int sorted;         /* the order key they are in, -1 none */
} kids;

/* One table's rows and the state the user gave it. */
typedef struct table {
	bool made;
	ent *top;           /* per model item, in model order */
	uint32_t ntop;
	uint32_t *order;    /* top indices in the current order */
	int sorted;         /* the order key of order, -1 none */
	uint8_t *open;      /* per top row */
	kids *kids;         /* per top row, made when first opened */
	uint8_t *match;     /* per top row: its name matches the search */
	unsigned match_gen; /* a->search_gen + 1 when match was made */
	int sort;
	bool reverse;
	int fig;            /* diff: the figure slot shown (the one sorted by) */
	uint32_t sel_top, sel_kid;   /* the selection: a top row, a child */
	int scroll;
} table;

typedef struct vrow {
	uint32_t top, kid;  /* kid ST_NIL: the top row itself */
	bool match;
} vrow;

struct tables {
	int cur, kind;
	bool back;          /* opened from the Summary: Esc returns there */
	table t[TB_COUNT];
	vrow *rows;         /* the visible rows of t[cur] */
	uint32_t nrows, cap;
	bool rows_ok;
	struct { int cur, kind; unsigned gen; bool filter; int64_t min_delta; } rows_for;
	int selpos, page;
	/* made once per model */
	bool indexed, multi_crate;
	uint32_t nfn;                      /* function items */
	st_idmap fn_of, pass_of, cgu_of;   /* (crate, name), pass, (crate, cgu) */
	uint32_t *fn_at, *fn_nodes;        /* per function: its pivot nodes */
	uint32_t *pass_at, *pass_nodes;    /* per pass name: its codegen nodes */
	uint32_t *cgu_pivot, *cgu_codegen, *cgu_fns;
	uint32_t *own_at, *own_fns;        /* per async fn: its member functions */
	uint32_t *kid_of;   /* scratch for a pass's children, per function */
	uint32_t *downer;   /* diff: per function row, its async fn's name */
};

/* ---- the tables ------------------------------------------------------------- */

typedef struct tdef {
	const char *tab;       /* in the tab line */
	const char *title;     /* in the status line */
	const char *figs[3];   /* figure column titles (diff: slot names) */
	const char *count;     /* the count column, or NULL */
	const char *kind;      /* the kind column, or NULL */
	const char *name;
	const char *base;      /* what % is a share of */
	int tfig, sfig;        /* the figures t and s sort by */
	int sort0;             /* the model's own order */
	st_diff_table dt;
	int dcount;            /* diff: the count slot, or -1 */
} tdef;

static const tdef tdefs[TB_COUNT] = {
	[TB_FUNCTIONS] = { "functions", "functions by LLVM time, across all CGUs",
		{ "llvm" }, "cgus", "kind", "function", "all LLVM time", 0, 0, SORT_TOTAL,
		ST_DT_FUNCTIONS, -1 },
	[TB_ASYNC] = { "async fns", "async fns by LLVM time, members summed across CGUs",
		{ "llvm" }, "fns", "kind", "async fn", "all LLVM time",
		0, 0, SORT_TOTAL, ST_DT_ASYNC, 1 },
	[TB_PASSES] = { "passes", "LLVM passes by self time",
		{ "self" }, "count", "kind", "pass",
		"all LLVM time", 0, 0, SORT_TOTAL, ST_DT_PASSES, 1 },
	[TB_CGUS] = { "CGUs", "codegen units by self time",
		{ "self", "total" }, "fns", "kind", "crate / CGU", "all cpu time", 1, 0,
		SORT_SELF, ST_DT_CGUS, -1 },
	[TB_CRATES] = { "crates", "crates by wall time",
		{ "wall", "cpu", "llvm" }, "sources", "kind", "crate",
		"the summed wall time", 0, 1, SORT_TOTAL, ST_DT_CRATES, -1 },
	[TB_LABELS] = { "activities", "rustc activities and queries by self time",
		{ "self", "total" }, "count", NULL, "activity or query", "all cpu time", 1, 0,
		SORT_SELF, ST_DT_LABELS, 2 },
};

static struct tables *st(app *a)
{
	if (!a->tables) {
		a->tables = st_xcalloc(1, sizeof *a->tables);
		for (int i = 0; i < TB_COUNT; i++) {
			table *t = &a->tables->t[i];
			t->sort = a->diff ? SORT_ABS_DELTA : tdefs[i].sort0;
			t->sorted = -1;
			t->sel_kid = ST_NIL;
		}
	}
	return a->tables;
}

static table *cur(app *a)
{
	return &st(a)->t[st(a)->cur];
}

static const tdef *def(app *a)
{
	return &tdefs[st(a)->cur];
}

static void free_table(table *t)
{
	for (uint32_t i = 0; t->kids && i < t->ntop; i++)
		free(t->kids[i].v);
	free(t->kids);
	free(t->top);
	free(t->order);
	free(t->open);
	free(t->match);
}

void tui_tables_free(app *a)
{
	struct tables *T = a->tables;
	if (!T)
		return;
	for (int i = 0; i < TB_COUNT; i++)
		free_table(&T->t[i]);
	free(T->rows);
	st_idmap_free(&T->fn_of);
	st_idmap_free(&T->pass_of);
	st_idmap_free(&T->cgu_of);
	free(T->fn_at); free(T->fn_nodes);
	free(T->pass_at); free(T->pass_nodes);
	free(T->cgu_pivot); free(T->cgu_codegen); free(T->cgu_fns);
	free(T->own_at); free(T->own_fns);
	free(T->downer);
	free(T->kid_of);
	free(T);
	a->tables = NULL;
}

/* ---- lookups made once: which tree nodes belong to which item ---------------- */

static bool is_fn_kind(st_kind k)
{
	return k == ST_K_FN || k == ST_K_CLOSURE || k == ST_K_ASYNC_FN ||
	       k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE;
}

typedef struct pairs {
	uint32_t *k, *v;
	uint32_t n, cap;
} pairs;

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

#define CHILDREN(t, id, c) \
	for (uint32_t c = (t)->nodes[id].first_child; c != ST_NIL; c = (t)->nodes[c].next_sibling)

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
	struct tables *T = st(a);
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
	struct tables *T = st(a);
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

static void make_index(app *a)
{
	struct tables *T = st(a);
	if (T->indexed)
		return;
	T->indexed = true;
	const st_model *m = a->m;
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
	pairs fp = { 0 }, pp = { 0 };
	const st_tree *pv = &m->pivot, *cg = &m->codegen;
	CHILDREN(pv, 0, cr) CHILDREN(pv, cr, cu) {
		uint32_t ci = st_idmap_get(&T->cgu_of, st_idmap_pair(pv->nodes[cr].name,
		                                                     pv->nodes[cu].name));
		if (ci != ST_IDMAP_NONE)
			T->cgu_pivot[ci] = cu;
		CHILDREN(pv, cu, f) {
			if (!is_fn_kind(st_tree_kind(pv, f)))
				continue;
			uint32_t fi = st_idmap_get(&T->fn_of, st_idmap_pair(pv->nodes[cr].name,
			                                                    pv->nodes[f].name));
			if (fi != ST_IDMAP_NONE)
				pair_push(&fp, fi, f);
			if (ci != ST_IDMAP_NONE)
				T->cgu_fns[ci]++;
		}
	}
	CHILDREN(cg, 0, cr) CHILDREN(cg, cr, cu) {
		uint32_t ci = st_idmap_get(&T->cgu_of, st_idmap_pair(cg->nodes[cr].name,
		                                                     cg->nodes[cu].name));
		if (ci != ST_IDMAP_NONE)
			T->cgu_codegen[ci] = cu;
		CHILDREN(cg, cu, p) {
			uint32_t pi = st_tree_kind(cg, p) == ST_K_PASS
			              ? st_idmap_get(&T->pass_of, cg->nodes[p].name) : ST_IDMAP_NONE;
			if (pi != ST_IDMAP_NONE)
				pair_push(&pp, pi, p);
		}
	}
	group_pairs(&fp, nfn, &T->fn_at, &T->fn_nodes);
	group_pairs(&pp, npass, &T->pass_at, &T->pass_nodes);
	index_members(a);
}

/* A node's time; in a diff the larger side, so that gone items are found. */
static uint64_t weight(const app *a, const st_tree *t, uint32_t id)
{
	uint64_t w = t->nodes[id].total_ns;
	if (a->diff && st_diff_node_of(a->diff, t, id)->total_ns > w)
		w = st_diff_node_of(a->diff, t, id)->total_ns;
	return w;
}

static uint32_t heavier(const app *a, const st_tree *t, uint32_t best, uint32_t id)
{
	return best == ST_NIL || weight(a, t, id) > weight(a, t, best) ? id : best;
}

/* The heaviest node named name (a display id) at depth 1 (crates), 2 (CGUs)
 * or 3 (what is below a CGU) of a codegen tree or the stack tree, in crate
 * when crate is not ST_NOSTR; depth 0: anywhere in the tree. */
static uint32_t find_node(const app *a, const st_tree *t, int depth, uint32_t crate,
                          uint32_t name)
{
	const st_model *m = a->m;
	uint32_t best = ST_NIL;
	if (!depth) {
		for (uint32_t id = 1; id < t->len; id++)
			if (st_model_display(m, t->nodes[id].name) == name)
				best = heavier(a, t, best, id);
		return best;
	}
	CHILDREN(t, 0, cr) {
		bool in = crate == ST_NOSTR || t->nodes[cr].name == crate;
		if (depth == 1 && st_model_display(m, t->nodes[cr].name) == name)
			best = heavier(a, t, best, cr);
		if (depth == 1 || !in)
			continue;
		CHILDREN(t, cr, cu) {
			if (depth == 2 && t->nodes[cu].name == name)
				best = heavier(a, t, best, cu);
			if (depth == 2)
				continue;
			CHILDREN(t, cu, x)
				if (t->nodes[x].name == name)
					best = heavier(a, t, best, x);
		}
	}
	return best;
}

/* ---- rows of the model -------------------------------------------------------- */

static uint32_t fn_ncgus(struct tables *T, uint32_t fi)
{
	return T->fn_at[fi + 1] - T->fn_at[fi];
}

static ent plain_ent(app *a, int tb, uint32_t i)
{
	const st_model *m = a->m;
	struct tables *T = st(a);
	ent e = { .n = NO_COUNT, .id = i, .node = ST_NIL };
	switch (tb) {
	case TB_FUNCTIONS:
		e.what = E_FN; e.tree = T_PIVOT;
		e.f[0] = m->functions.v[i].llvm_ns;
		e.n = fn_ncgus(T, i);
		break;
	case TB_ASYNC:
		e.what = E_ASYNC;
		e.f[0] = m->async_fns.v[i].llvm_ns;
		e.n = m->async_fns.v[i].members;
		break;
	case TB_PASSES:
		e.what = E_PASS; e.tree = T_CODEGEN;
		e.f[0] = m->passes.v[i].self_ns;
		e.n = m->passes.v[i].count;
		break;
	case TB_CGUS:
		e.what = E_CGU; e.tree = T_CODEGEN; e.node = T->cgu_codegen[i];
		e.f[0] = m->cgus.v[i].self_ns;
		e.f[1] = (int64_t)m->cgus.v[i].total_ns;
		e.n = T->cgu_fns[i];
		break;
	case TB_CRATES:
		e.what = E_CRATE;
		e.f[0] = (int64_t)m->crates.v[i].wall_ns;
		e.f[1] = (int64_t)m->crates.v[i].cpu_ns;
		e.f[2] = (int64_t)m->crates.v[i].llvm_ns;
		e.n = m->crates.v[i].sources;
		break;
	default:
		e.what = E_LABEL;
		e.f[0] = m->labels.v[i].self_ns;
		e.f[1] = (int64_t)m->labels.v[i].total_ns;
		e.n = m->labels.v[i].count;
		break;
	}
	return e;
}

static uint32_t plain_len(const app *a, int tb)
{
	const st_model *m = a->m;
	switch (tb) {
	case TB_FUNCTIONS: return m->functions.len;
	case TB_ASYNC: return m->async_fns.len;
	case TB_PASSES: return m->passes.len;
	case TB_CGUS: return m->cgus.len;
	case TB_CRATES: return m->crates.len;
	default: return m->labels.len;
	}
}

static const st_diff_row *drow(const app *a, const ent *e)
{
	return &a->diff->tables[e->dt].v[e->id];
}

static void make_table(app *a, int tb)
{
	table *t = &st(a)->t[tb];
	if (t->made)
		return;
	make_index(a);
	t->made = true;
	const tdef *d = &tdefs[tb];
	t->ntop = a->diff ? a->diff->tables[d->dt].len : plain_len(a, tb);
	t->top = st_xreallocarray(NULL, (size_t)t->ntop + 1, sizeof *t->top);
	for (uint32_t i = 0; i < t->ntop; i++)
		t->top[i] = a->diff ? (ent){ .id = i, .node = ST_NIL, .n = NO_COUNT,
		                             .what = E_DIFF, .dt = (uint8_t)d->dt }
		                    : plain_ent(a, tb, i);
	t->order = st_xreallocarray(NULL, (size_t)t->ntop + 1, sizeof *t->order);
	t->open = st_xcalloc((size_t)t->ntop + 1, 1);
	t->kids = st_xcalloc((size_t)t->ntop + 1, sizeof *t->kids);
	t->match = st_xcalloc((size_t)t->ntop + 1, 1);
	t->sel_top = t->ntop ? 0 : ST_NIL;
}

/* The kind a row's function has, or ST_K_OTHER when it is none. */
static st_kind ent_fn_kind(const app *a, const ent *e)
{
	if (e->what == E_FN)
		return (st_kind)a->m->functions.v[e->id].kind;
	if (e->what == E_DIFF && e->dt == ST_DT_FUNCTIONS)
		return (st_kind)drow(a, e)->kind;
	return ST_K_OTHER;
}

static bool kind_passes(const app *a, const ent *e)
{
	int kf = a->tables->kind;
	st_kind k = ent_fn_kind(a, e);
	if (kf == KF_ALL || k == ST_K_OTHER)
		return true;
	if (kf == KF_ASYNC)
		return k == ST_K_ASYNC_FN || k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE;
	return k == (kf == KF_CLOSURE ? ST_K_CLOSURE : ST_K_FN);
}

static const char *const kind_filter_names[KF_COUNT] = {
	"every kind", "async only", "closures", "fns",
};

/* ---- names ---------------------------------------------------------------------- */

/* A row's name as two strtab ids (a CGU's crate, then the CGU); the second
 * ST_NOSTR when there is one. */
static void name_ids(const app *a, const ent *e, uint32_t *x, uint32_t *y)
{
	const st_model *m = a->m;
	*y = ST_NOSTR;
	switch (e->what) {
	case E_FN: *x = m->functions.v[e->id].name; break;
	case E_ASYNC: *x = m->async_fns.v[e->id].name; break;
	case E_PASS: *x = m->passes.v[e->id].pass; break;
	case E_CGU: *x = m->cgus.v[e->id].crate; *y = m->cgus.v[e->id].cgu; break;
	case E_CRATE: *x = m->crates.v[e->id].display; break;
	case E_LABEL: *x = m->labels.v[e->id].label; break;
	case E_FN_CGU: {
		const st_tree *t = &m->pivot;
		uint32_t cu = t->nodes[e->id].parent;
		*x = t->nodes[t->nodes[cu].parent].name;
		*y = t->nodes[cu].name;
		break;
	}
	default: {
		const st_diff_row *r = drow(a, e);
		if (e->dt == ST_DT_CGUS) {
			*x = r->crate; *y = r->name;
		} else {
			*x = r->name;
		}
	}
	}
}

static void ent_name(const app *a, const ent *e, char *buf, size_t cap)
{
	uint32_t x, y;
	name_ids(a, e, &x, &y);
	if (y != ST_NOSTR)
		snprintf(buf, cap, "%s / %s", st_model_str(a->m, x), st_model_str(a->m, y));
	else
		snprintf(buf, cap, "%s", st_model_str(a->m, x));
}

static bool ent_matches(const app *a, const ent *e)
{
	if (!a->re)
		return false;
	char buf[2048];
	if (a->raw && e->what == E_FN) {
		uint32_t raw = a->m->functions.v[e->id].raw;
		return st_regex_match(a->re, st_model_str(a->m, raw), st_strlen(a->m->strs, raw));
	}
	ent_name(a, e, buf, sizeof buf);
	return st_regex_match(a->re, buf, strlen(buf));
}

/* ---- order ------------------------------------------------------------------------ */

static app *sort_app;   /* qsort has no context argument in C11 */
static const ent *sort_base;

/* A diff row's figures of slot, BASE's and NEW's; a child's own (local)
 * whatever the slot. */
static void ent_sides(const app *a, const ent *e, int slot, int64_t *base, int64_t *new)
{
	if (e->local) {
		*base = e->f[1];
		*new = e->f[0];
	} else if (e->what == E_DIFF && slot >= 0) {
		*base = drow(a, e)->base[slot];
		*new = drow(a, e)->new[slot];
	} else {
		*base = *new = 0;
	}
}

/* Which side a row is on: a child's own side where it is, a diff row's. */
static int ent_status(const app *a, const ent *e)
{
	if (e->local)
		return e->dstat;
	return e->what == E_DIFF ? drow(a, e)->status : ST_DIFF_BOTH;
}

/* The slot a diff row shows: the table's figure (t->fig), a child from
 * another table its own first one. */
static int shown_slot(const app *a, const table *t, const ent *e)
{
	return e->dt == tdefs[a->tables->cur].dt ? t->fig : 0;
}

static int cmp_ents(const app *a, const ent *x, const ent *y, int sort, bool top)
{
	const tdef *d = def((app *)a);
	table *t = cur((app *)a);
	int64_t u = 0, v = 0;
	if (sort == SORT_NAME) {
		uint32_t x1, x2, y1, y2;
		name_ids(a, x, &x1, &x2);
		name_ids(a, y, &y1, &y2);
		int c = strcmp(st_model_str(a->m, x1), st_model_str(a->m, y1));
		if (!c && x2 != y2)
			c = strcmp(x2 == ST_NOSTR ? "" : st_model_str(a->m, x2),
			           y2 == ST_NOSTR ? "" : st_model_str(a->m, y2));
		return c;
	}
	if (a->diff) {
		int slot = sort == SORT_TOTAL ? d->tfig : sort == SORT_SELF ? d->sfig
		           : sort == SORT_COUNT ? d->dcount : t->fig;
		if (x->dt != d->dt)   /* a child from another table: its own figure */
			slot = 0;
		int64_t bu, bv;
		ent_sides(a, x, slot, &bu, &u);
		ent_sides(a, y, slot, &bv, &v);
		if (sort == SORT_DELTA || sort == SORT_ABS_DELTA) {
			u -= bu;
			v -= bv;
			if (sort == SORT_ABS_DELTA) {
				u = u < 0 ? -u : u;
				v = v < 0 ? -v : v;
			}
		}
	} else if (sort == SORT_COUNT) {
		uint64_t p = x->n == NO_COUNT ? 0 : x->n, q = y->n == NO_COUNT ? 0 : y->n;
		return (p < q) - (p > q);
	} else {
		int f = !top ? 0 : sort == SORT_SELF ? d->sfig : d->tfig;
		u = x->f[f];
		v = y->f[f];
	}
	return (u < v) - (u > v);   /* largest first */
}

static int cmp_top(const void *p, const void *q)
{
	uint32_t i = *(const uint32_t *)p, j = *(const uint32_t *)q;
	table *t = cur(sort_app);
	int c = cmp_ents(sort_app, &sort_base[i], &sort_base[j], t->sort, true);
	if (t->reverse)
		c = -c;
	return c ? c : (i > j) - (i < j);   /* ties keep the model's order */
}

static int cmp_kid(const void *p, const void *q)
{
	const ent *x = p, *y = q;
	table *t = cur(sort_app);
	int c = cmp_ents(sort_app, x, y, t->sort, false);
	if (t->reverse)
		c = -c;
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int sort_key(const table *t)
{
	return t->sort * 2 + t->reverse + 16 * t->fig;
}

static void sort_top(app *a, table *t)
{
	if (t->sorted == sort_key(t))
		return;
	for (uint32_t i = 0; i < t->ntop; i++)
		t->order[i] = i;
	sort_app = a;
	sort_base = t->top;
	if (t->ntop > 1)
		qsort(t->order, t->ntop, sizeof *t->order, cmp_top);
	t->sorted = sort_key(t);
}

/* ---- children --------------------------------------------------------------------- */

typedef struct kbuf {
	ent *v;
	uint32_t n, cap;
} kbuf;

static ent *kpush(kbuf *k)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->v = st_xreallocarray(k->v, k->cap, sizeof *k->v);
	}
	ent *e = &k->v[k->n++];
	memset(e, 0, sizeof *e);
	e->n = NO_COUNT;
	e->node = ST_NIL;
	return e;
}

/* An async fn's members: their LLVM time is already summed across CGUs;
 * in a diff each member's own row, both sides. */
static void kids_async(app *a, uint32_t i, kbuf *k)
{
	struct tables *T = st(a);
	for (uint32_t p = T->own_at[i]; p < T->own_at[i + 1]; p++) {
		uint32_t j = T->own_fns[p];
		ent *e = kpush(k);
		e->id = j;
		if (a->diff) {
			e->what = E_DIFF; e->dt = ST_DT_FUNCTIONS;
			continue;
		}
		e->what = E_FN; e->tree = T_PIVOT;
		e->f[0] = a->m->functions.v[j].llvm_ns;
		e->n = fn_ncgus(T, j);
	}
}

/* A child's figure where it is, from node id of t: NEW's (f[0]) and in a
 * diff BASE's (f[1]), and which side it is on, summed over the nodes
 * added.  self: the nodes' self time, else their total. */
static void add_node(const app *a, ent *e, const st_tree *t, uint32_t id, bool self,
                     bool first)
{
	e->f[0] += self ? t->nodes[id].self_ns : (int64_t)t->nodes[id].total_ns;
	if (!a->diff)
		return;
	const st_diff_node *b = st_diff_node_of(a->diff, t, id);
	e->f[1] += self ? b->self_ns : (int64_t)b->total_ns;
	e->local = 1;
	e->dstat = first || e->dstat == b->status ? b->status : ST_DIFF_BOTH;
}

/* A function child: the model's function, or in a diff its paired row. */
static ent *push_fn(app *a, kbuf *k, uint32_t fi, int tree)
{
	ent *e = kpush(k);
	e->id = fi;
	e->tree = (uint8_t)tree;
	if (a->diff) {
		e->what = E_DIFF; e->dt = ST_DT_FUNCTIONS;
	} else {
		e->what = E_FN;
	}
	return e;
}

/* A pass's functions in every CGU, each with the pass's self time on it
 * summed over the CGUs; Enter shows the CGU where it took longest. */
static void kids_pass(app *a, uint32_t i, kbuf *k)
{
	struct tables *T = st(a);
	const st_tree *t = &a->m->codegen;
	if (!T->kid_of) {   /* function item -> its child; ST_NIL between uses */
		T->kid_of = st_xreallocarray(NULL, (size_t)T->nfn + 1, sizeof *T->kid_of);
		memset(T->kid_of, 0xff, ((size_t)T->nfn + 1) * sizeof *T->kid_of);
	}
	for (uint32_t p = T->pass_at[i]; p < T->pass_at[i + 1]; p++) {
		uint32_t pn = T->pass_nodes[p];
		uint32_t crate = t->nodes[t->nodes[t->nodes[pn].parent].parent].name;
		CHILDREN(t, pn, f) {
			uint32_t fi = st_idmap_get(&T->fn_of, st_idmap_pair(crate, t->nodes[f].name));
			if (fi == ST_IDMAP_NONE)
				continue;
			uint32_t ki = T->kid_of[fi];
			bool first = ki == ST_NIL;
			if (first) {
				ki = T->kid_of[fi] = k->n;
				push_fn(a, k, fi, T_CODEGEN);
			}
			ent *e = &k->v[ki];
			add_node(a, e, t, f, true, first);
			e->node = heavier(a, t, e->node, f);
		}
	}
	for (uint32_t j = 0; j < k->n; j++)
		T->kid_of[k->v[j].id] = ST_NIL;
}

/* The CGUs a function is in, with its time in each. */
static void kids_fn(app *a, uint32_t i, kbuf *k)
{
	struct tables *T = st(a);
	if (fn_ncgus(T, i) < 2)
		return;   /* one CGU: the row itself says it all */
	for (uint32_t p = T->fn_at[i]; p < T->fn_at[i + 1]; p++) {
		ent *e = kpush(k);
		e->what = E_FN_CGU; e->tree = T_PIVOT;
		e->id = e->node = T->fn_nodes[p];
		add_node(a, e, &a->m->pivot, e->id, false, true);
	}
}

/* A CGU's functions, with their time in it. */
static void kids_cgu(app *a, uint32_t i, kbuf *k)
{
	struct tables *T = st(a);
	const st_tree *t = &a->m->pivot;
	uint32_t cu = T->cgu_pivot[i];
	if (cu == ST_NIL)
		return;
	uint32_t crate = t->nodes[t->nodes[cu].parent].name;
	CHILDREN(t, cu, f) {
		if (!is_fn_kind(st_tree_kind(t, f)))
			continue;
		uint32_t fi = st_idmap_get(&T->fn_of, st_idmap_pair(crate, t->nodes[f].name));
		if (fi == ST_IDMAP_NONE)
			continue;
		ent *e = push_fn(a, k, fi, T_PIVOT);
		e->node = f;
		add_node(a, e, t, f, false, true);
	}
}

/* What a row of table dt holds, whatever the mode: a diff row stands for
 * the item of its table. */
static int row_kind(const ent *e)
{
	if (e->what != E_DIFF)
		return e->what;
	static const int of[ST_DT_COUNT] = {
		[ST_DT_LABELS] = E_LABEL, [ST_DT_PASSES] = E_PASS, [ST_DT_CGUS] = E_CGU,
		[ST_DT_FUNCTIONS] = E_FN, [ST_DT_ASYNC] = E_ASYNC, [ST_DT_CRATES] = E_CRATE,
		[ST_DT_GENERICS] = E_LABEL,
	};
	return of[e->dt];
}

static kids *kids_of(app *a, table *t, uint32_t top)
{
	kids *ks = &t->kids[top];
	if (ks->v || ks->sorted == -2)
		goto sort;
	kbuf k = { 0 };
	const ent *e = &t->top[top];
	switch (row_kind(e)) {
	case E_ASYNC: kids_async(a, e->id, &k); break;
	case E_PASS: kids_pass(a, e->id, &k); break;
	case E_FN: kids_fn(a, e->id, &k); break;
	case E_CGU: kids_cgu(a, e->id, &k); break;
	default: break;
	}
	ks->v = k.v;
	ks->n = k.n;
	ks->sorted = -2;   /* made; -2 also marks "none" so it is not made again */
sort:
	if (ks->n > 1 && ks->sorted != sort_key(t)) {
		sort_app = a;
		qsort(ks->v, ks->n, sizeof *ks->v, cmp_kid);
	}
	if (ks->n)
		ks->sorted = sort_key(t);
	return ks;
}

/* Children made only to be looked at (n and N through a closed row) go
 * again, so that a walk over a table holds no more than it shows. */
static void drop_kids(table *t, uint32_t top)
{
	free(t->kids[top].v);
	t->kids[top] = (kids){ 0 };
}

/* Whether a row opens, without making its children where that is cheap. */
static bool opens(app *a, table *t, uint32_t top)
{
	const ent *e = &t->top[top];
	struct tables *T = a->tables;
	switch (row_kind(e)) {
	case E_ASYNC: return T->own_at[e->id + 1] > T->own_at[e->id];
	case E_FN: return fn_ncgus(T, e->id) > 1;
	case E_CGU: return T->cgu_fns[e->id] > 0;
	case E_PASS: {   /* a pass run on modules only has no functions */
		const st_tree *cg = &a->m->codegen;
		for (uint32_t p = T->pass_at[e->id]; p < T->pass_at[e->id + 1]; p++)
			if (cg->nodes[T->pass_nodes[p]].first_child != ST_NIL)
				return true;
		return false;
	}
	default: return false;
	}
}

/* ---- the visible rows -------------------------------------------------------------- */

static void vpush(struct tables *T, uint32_t top, uint32_t kid, bool match)
{
	if (T->nrows == T->cap) {
		T->cap = T->cap ? T->cap * 2 : 1024;
		T->rows = st_xreallocarray(T->rows, T->cap, sizeof *T->rows);
	}
	T->rows[T->nrows++] = (vrow){ top, kid, match };
}

/* A diff row hidden by the H threshold: its shown figure changed less. */
static bool diff_small(const app *a, const table *t, const ent *e)
{
	if (!a->diff || !a->min_delta)
		return false;
	int64_t b, n;
	ent_sides(a, e, shown_slot(a, t, e), &b, &n);
	int64_t d = n - b;
	return (d < 0 ? -d : d) < a->min_delta;
}

static void make_rows(app *a)
{
	struct tables *T = st(a);
	table *t = cur(a);
	make_table(a, T->cur);
	bool same = T->rows_for.cur == T->cur && T->rows_for.kind == T->kind &&
	            T->rows_for.gen == a->search_gen && T->rows_for.filter == a->filter &&
	            T->rows_for.min_delta == a->min_delta;
	if (T->rows_ok && same && t->sorted == sort_key(t))
		return;
	sort_top(a, t);
	if (t->match_gen != a->search_gen + 1) {
		for (uint32_t i = 0; i < t->ntop; i++)
			t->match[i] = ent_matches(a, &t->top[i]);
		t->match_gen = a->search_gen + 1;
	}
	bool filter = a->filter && a->re;
	T->nrows = 0;
	for (uint32_t r = 0; r < t->ntop; r++) {
		uint32_t i = t->order[r];
		const ent *e = &t->top[i];
		if (!kind_passes(a, e) || diff_small(a, t, e))
			continue;
		uint32_t at = T->nrows;
		vpush(T, i, ST_NIL, t->match[i]);
		bool any = false;
		if (t->open[i]) {
			kids *ks = kids_of(a, t, i);
			for (uint32_t j = 0; j < ks->n; j++) {
				const ent *c = &ks->v[j];
				bool mt = ent_matches(a, c);
				if (!kind_passes(a, c) || diff_small(a, t, c) || (filter && !mt))
					continue;
				vpush(T, i, j, mt);
				any = true;
			}
		}
		if (filter && !t->match[i] && !any)
			T->nrows = at;   /* neither it nor a child of it matches */
	}
	T->rows_ok = true;
	T->rows_for.cur = T->cur;
	T->rows_for.kind = T->kind;
	T->rows_for.gen = a->search_gen;
	T->rows_for.filter = a->filter;
	T->rows_for.min_delta = a->min_delta;
	/* the selection's row, or the nearest one above where it was */
	int pos = -1;
	for (uint32_t r = 0; r < T->nrows && pos < 0; r++)
		if (T->rows[r].top == t->sel_top && T->rows[r].kid == t->sel_kid)
			pos = (int)r;
	for (uint32_t r = 0; r < T->nrows && pos < 0 && t->sel_kid != ST_NIL; r++)
		if (T->rows[r].top == t->sel_top && T->rows[r].kid == ST_NIL)
			pos = (int)r;
	if (pos < 0)
		pos = T->selpos < (int)T->nrows ? T->selpos : (int)T->nrows - 1;
	T->selpos = pos < 0 ? 0 : pos;
	if (T->nrows) {
		t->sel_top = T->rows[T->selpos].top;
		t->sel_kid = T->rows[T->selpos].kid;
	}
}

static const ent *row_ent(app *a, const vrow *r)
{
	table *t = cur(a);
	return r->kid == ST_NIL ? &t->top[r->top] : &t->kids[r->top].v[r->kid];
}

/* ---- drawing ------------------------------------------------------------------------ */

typedef struct layout {
	int nfig;           /* figure columns shown (plain) */
	bool count, kind, crate;
	int crate_w, name_x;
} layout;

static int crate_width(app *a)
{
	int w = 5;
	const st_model *m = a->m;
	for (uint32_t i = 0; i < m->crates.len; i++) {
		int n = (int)strlen(st_model_str(m, m->crates.v[i].name));
		if (n > w)
			w = n;
	}
	return w > 16 ? 16 : w;
}

/* Columns as the width allows: the crate goes first, then the kind, the
 * count and the figures beyond the first, keeping 40 columns for names of
 * functions and CGUs, 30 for the shorter ones. */
static layout make_layout(app *a, canvas *c)
{
	const tdef *d = def(a);
	layout L = { 0 };
	for (int i = 0; i < 3 && d->figs[i]; i++)
		L.nfig = i + 1;
	L.count = d->count && !(a->diff && d->dcount < 0);
	L.kind = d->kind != NULL;
	L.crate = st(a)->multi_crate && (st(a)->cur == TB_FUNCTIONS ||
	                                 st(a)->cur == TB_ASYNC || st(a)->cur == TB_PASSES);
	L.crate_w = crate_width(a);
	int room = st(a)->cur == TB_CRATES || st(a)->cur == TB_LABELS ? 30 : 40;
	for (int step = 0; step < 6; step++) {
		int fig = a->diff ? (c->w >= 64 ? 42 : 31) : L.nfig * 10 + 7;
		L.name_x = fig + 1 + (L.count && !a->diff ? 8 : 0) + (L.kind ? 14 : 0) +
		           (L.crate ? L.crate_w + 1 : 0);
		if (c->w - L.name_x >= room)
			break;
		if (L.crate) L.crate = false;
		else if (L.kind) L.kind = false;
		else if (L.count && !a->diff) L.count = false;
		else if (L.nfig > 1) L.nfig--;
	}
	return L;
}

static int64_t table_base(app *a)
{
	const st_model *m = a->m;
	switch (st(a)->cur) {
	case TB_CGUS: case TB_LABELS: return (int64_t)m->cpu_ns;
	case TB_CRATES: return (int64_t)st_model_totals(m).wall_ns;
	default: return (int64_t)m->llvm_self_ns;
	}
}

static void draw_tabs(app *a, canvas *c, int y)
{
	struct tables *T = st(a);
	table *t = cur(a);
	int x = cv_text(c, y, 0, c->w, " ", S_DIM);
	for (int i = 0; i < TB_COUNT; i++) {
		char tab[32];
		snprintf(tab, sizeof tab, " %s ", tdefs[i].tab);
		int x1 = cv_text(c, y, x, c->w, tab, S_DIM);
		if (i == T->cur)
			cv_restyle(c, y, x, x1, S_SELECTED);
		x = x1 + 1;
	}
	static const char *const by[] = { [SORT_TOTAL] = "", [SORT_SELF] = "",
		[SORT_COUNT] = "", [SORT_NAME] = "name", [SORT_DELTA] = "change",
		[SORT_ABS_DELTA] = "size of change" };
	const tdef *d = def(a);
	const char *s = by[t->sort];
	if (t->sort == SORT_TOTAL) s = d->figs[d->tfig];
	if (t->sort == SORT_SELF) s = d->figs[d->sfig];
	if (t->sort == SORT_COUNT) s = d->count;
	char right[128];
	snprintf(right, sizeof right, "by %s%s%s%s  ", s, t->reverse ? ", reversed" : "",
	         T->kind ? ", " : "", T->kind ? kind_filter_names[T->kind] : "");
	int rw = cv_width(c, right);
	if (x + rw < c->w)
		cv_text(c, y, c->w - rw, c->w, right, S_DIM);
}

static void rjust(canvas *c, int y, int x1, const char *s, style st)
{
	cv_text(c, y, x1 - cv_width(c, s), x1, s, st);
}

static void draw_header(app *a, canvas *c, const layout *L, int y)
{
	const tdef *d = def(a);
	table *t = cur(a);
	cv_fill(c, y, 0, c->w, L' ', S_HEADER);
	int x = 0;
	char name[160];
	snprintf(name, sizeof name, "%s", d->name);
	if (a->diff) {
		char h[128];
		if (c->w >= 64)
			snprintf(h, sizeof h, " %10s %10s %10s %8s", "base", "new", "delta", "%");
		else
			snprintf(h, sizeof h, " %10s %10s %8s", "new", "delta", "%");
		x = cv_text(c, y, 0, c->w, h, S_HEADER);
		/* which of the row's figures the columns compare */
		snprintf(name, sizeof name, "%s  (%s)", d->name,
		         t->fig == d->dcount ? d->count : d->figs[t->fig]);
	} else {
		for (int i = 0; i < L->nfig; i++) {
			rjust(c, y, x + 9, d->figs[i], S_HEADER);
			x += 10;
		}
		char pc[32];
		snprintf(pc, sizeof pc, "%%%s", st(a)->cur == TB_CRATES ? "wall" : st(a)->cur ==
		         TB_CGUS || st(a)->cur == TB_LABELS ? "cpu" : "llvm");
		rjust(c, y, x + 6, pc, S_HEADER);
		x += 7;
		if (L->count) {
			rjust(c, y, x + 8, d->count, S_HEADER);
			x += 8;
		}
	}
	x++;
	if (L->kind) {
		cv_text(c, y, x, c->w, d->kind, S_HEADER);
		x += 14;
	}
	if (L->crate)
		cv_text(c, y, x, c->w, "crate", S_HEADER);
	cv_text_crop(c, y, L->name_x + 2, c->w, name, S_HEADER);
}

static style fn_style(st_kind k)
{
	if (k == ST_K_ASYNC_FN || k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE)
		return S_ASYNC;
	return k == ST_K_CLOSURE ? S_CLOSURE : S_NORMAL;
}

static void ent_kind(const app *a, const ent *e, char *buf, size_t cap)
{
	const st_model *m = a->m;
	buf[0] = '\0';
	st_kind k = ent_fn_kind(a, e);
	if (k != ST_K_OTHER)
		snprintf(buf, cap, "%s", st_kind_name(k));
	else if (e->what == E_CRATE)
		snprintf(buf, cap, "%s", st_crate_kind_name((st_crate_kind)m->crates.v[e->id].kind));
	else if (e->what == E_DIFF && e->dt == ST_DT_CRATES)
		snprintf(buf, cap, "%s", st_crate_kind_name((st_crate_kind)drow(a, e)->kind));
}

static uint32_t ent_crate(const app *a, const ent *e)
{
	if (e->what == E_FN)
		return a->m->functions.v[e->id].crate;
	if (e->what == E_DIFF && e->dt == ST_DT_FUNCTIONS)
		return drow(a, e)->crate;
	return ST_NOSTR;
}

static void draw_row(app *a, canvas *c, const layout *L, int y, int r)
{
	struct tables *T = st(a);
	table *t = cur(a);
	const vrow *vr = &T->rows[r];
	const ent *e = row_ent(a, vr);
	char b[64], line[256];
	int x = 0;
	if (a->diff) {
		int slot = shown_slot(a, t, e);
		bool count = !e->local && e->dt == def(a)->dt && slot == def(a)->dcount;
		int64_t base, new;
		ent_sides(a, e, slot, &base, &new);
		size_t span;
		style ds = tui_diff_cols(line, sizeof line, base, new, count, c->w >= 64,
		                         a->ascii, &span);
		x = cv_text(c, y, 0, c->w, line, S_NORMAL);
		line[span] = '\0';
		cv_restyle(c, y, cv_width(c, line), x, ds);
	} else {
		int64_t base = table_base(a);
		for (int i = 0; i < L->nfig; i++) {
			if (i == 0 || vr->kid == ST_NIL) {
				st_fmt_ns_col(b, sizeof b, e->f[i], a->ascii, 9);
				cv_text(c, y, x, c->w, b, S_NORMAL);
			}
			x += 10;
		}
		st_fmt_pct(b, sizeof b, (double)e->f[0], (double)base);
		rjust(c, y, x + 6, b, S_NORMAL);
		x += 7;
		if (L->count) {
			if (e->n != NO_COUNT) {
				snprintf(b, sizeof b, "%llu", (unsigned long long)e->n);
				rjust(c, y, x + 8, b, S_NORMAL);
			}
			x += 8;
		}
	}
	x++;
	if (L->kind) {
		ent_kind(a, e, b, sizeof b);
		cv_text(c, y, x, x + 13, b, S_NORMAL);
		x += 14;
	}
	uint32_t cr = ent_crate(a, e);
	if (L->crate && cr != ST_NOSTR)
		cv_text_crop(c, y, x, x + L->crate_w, st_model_str(a->m, cr), S_NORMAL);
	x = L->name_x;
	bool top = vr->kid == ST_NIL;
	if (!top)
		x += 2;
	const char *mark = !top || !opens(a, t, vr->top) ? "  "
	                   : t->open[vr->top] ? (a->ascii ? "- " : "\xe2\x96\xbe ")
	                   : (a->ascii ? "+ " : "\xe2\x96\xb8 ");
	x = cv_text(c, y, x, c->w, mark, S_DIM);
	if (e->what == E_ASYNC && !a->m->async_fns.v[e->id].exact)
		x = cv_text(c, y, x, c->w, "~", S_DIM);
	int side = ent_status(a, e);
	if (side != ST_DIFF_BOTH)
		x = cv_text(c, y, x, c->w, side == ST_DIFF_NEW ? "[new] " : "[gone] ",
		            side == ST_DIFF_NEW ? S_SLOWER : S_FASTER);
	char name[2048];
	ent_name(a, e, name, sizeof name);
	style ns = vr->match ? S_MATCH : e->what == E_ASYNC || (e->what == E_DIFF &&
	           e->dt == ST_DT_ASYNC) ? S_ASYNC : fn_style(ent_fn_kind(a, e));
	if (cv_width(c, name) > c->w - x) {
		char el[2048];
		st_name_elide_generics(name, strlen(name), el, sizeof el, a->ascii);
		cv_text_crop(c, y, x, c->w, el, ns);
	} else {
		cv_text(c, y, x, c->w, name, ns);
	}
	if (r == T->selpos)
		cv_restyle(c, y, 0, c->w, S_SELECTED);
}

/* d: the selected row's whole name (a function's raw one), wrapped, under
 * a rule that says its kind and crate; returns the rows left above it. */
static int draw_detail(app *a, canvas *c, int top, int bottom)
{
	struct tables *T = st(a);
	int y0 = bottom - 4;
	if (!T->nrows || y0 < top + 3)
		return bottom;
	const ent *e = row_ent(a, &T->rows[T->selpos]);
	char name[4096], head[160], kind[64];
	if (e->what == E_FN)
		snprintf(name, sizeof name, "%s", st_model_str(a->m, a->m->functions.v[e->id].raw));
	else
		ent_name(a, e, name, sizeof name);
	ent_kind(a, e, kind, sizeof kind);
	uint32_t cr = ent_crate(a, e);
	snprintf(head, sizeof head, " %s%s%s ", kind, *kind && cr != ST_NOSTR ? " in " : "",
	         cr != ST_NOSTR ? st_model_str(a->m, cr) : "");
	cv_fill(c, y0, 0, c->w, a->ascii ? L'-' : L'\x2500', S_DIM);
	if (head[2])
		cv_text_crop(c, y0, 2, c->w, head, S_HEADER);
	size_t len = strlen(name);
	char *san = st_xmalloc(len * 10 + 16);
	st_fmt_sanitize(name, len, san, len * 10 + 16, a->ascii);
	const char *p = san;
	for (int y = y0 + 1; y < bottom && *p; y++)
		for (int x = 0; *p && x < c->w;) {
			size_t k = 1;
			while ((p[k] & 0xc0) == 0x80)
				k++;
			char one[8] = { 0 };
			memcpy(one, p, k < 8 ? k : 7);
			int nx = cv_text(c, y, x, c->w, one, S_NORMAL);
			if (nx == x)
				break;   /* a wide character at the edge: next line */
			x = nx;
			p += k;
		}
	free(san);
	return y0;
}

static void draw_tables(app *a, canvas *c, int top, int bottom)
{
	struct tables *T = st(a);
	make_rows(a);
	table *t = cur(a);
	layout L = make_layout(a, c);
	if (a->detail)
		bottom = draw_detail(a, c, top, bottom);
	draw_tabs(a, c, top++);
	draw_header(a, c, &L, top++);
	int h = bottom - top;
	T->page = h > 1 ? h : 1;
	if (!T->nrows) {
		const char *why = !t->ntop ? "(empty: nothing of this in the profiles)"
		                  : a->filter && a->re ? "(nothing matches)"
		                  : T->kind ? "(no function of this kind: K for the next)"
		                  : "(no change that large)";
		cv_text_crop(c, top, 2, c->w, why, S_DIM);
		return;
	}
	if (T->selpos < t->scroll) t->scroll = T->selpos;
	if (T->selpos >= t->scroll + h) t->scroll = T->selpos - h + 1;
	if (t->scroll > (int)T->nrows - h) t->scroll = (int)T->nrows - h;
	if (t->scroll < 0) t->scroll = 0;
	for (int i = 0; i < h && t->scroll + i < (int)T->nrows; i++)
		draw_row(a, c, &L, top + i, t->scroll + i);
}

/* ---- the status line ------------------------------------------------------------------ */

static void tables_status(app *a, canvas *c, int y)
{
	struct tables *T = st(a);
	make_rows(a);
	table *t = cur(a);
	const tdef *d = def(a);
	char buf[1024], fig[400] = "", what[64] = "";
	if (!T->nrows) {
		snprintf(buf, sizeof buf, "%s: no rows  [ ]: other tables", d->tab);
		cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
		return;
	}
	const vrow *vr = &T->rows[T->selpos];
	const ent *e = row_ent(a, vr);
	if (!a->diff && e->what != E_DIFF) {
		char v[32], p[16], base[32];
		st_fmt_ns(v, sizeof v, e->f[0], a->ascii);
		st_fmt_pct(p, sizeof p, (double)e->f[0], (double)table_base(a));
		st_fmt_ns(base, sizeof base, table_base(a), a->ascii);
		int n = snprintf(fig, sizeof fig, "%s = %s of %s (%s)", v, p, d->base, base);
		if (vr->kid != ST_NIL && n > 0 && (size_t)n < sizeof fig) {
			st_fmt_pct(p, sizeof p, (double)e->f[0], (double)t->top[vr->top].f[0]);
			snprintf(fig + n, sizeof fig - (size_t)n, ", %s of its parent", p);
		}
	} else if (a->diff) {   /* the figure shown, both sides spelt out */
		int slot = shown_slot(a, t, e);
		bool own = e->local || e->dt == d->dt;
		const char *name = !own ? tdefs[TB_FUNCTIONS].figs[0]
		                   : t->fig == d->dcount ? d->count : d->figs[t->fig];
		int64_t b, n;
		ent_sides(a, e, slot, &b, &n);
		char both[160];
		tui_diff_both(both, sizeof both, b, n, own && slot == d->dcount, a->ascii);
		snprintf(fig, sizeof fig, "%s %s", name, both);
	}
	static const char *const inside[E_DIFF + 1] = { [E_FN] = "its CGUs", [E_ASYNC] = "its members",
		[E_PASS] = "its functions in every CGU", [E_CGU] = "its functions" };
	int kind = row_kind(e);
	if (vr->kid == ST_NIL && opens(a, t, vr->top))
		snprintf(what, sizeof what, "Enter: %s", t->open[vr->top] ? "close"
		         : inside[kind]);
	else if (kind == E_CRATE || kind == E_LABEL)
		snprintf(what, sizeof what, "Enter: show it in Tree");
	else
		snprintf(what, sizeof what, "Enter: show it in Codegen");
	uint32_t shown = 0;
	for (uint32_t r = 0; r < T->nrows; r++)
		shown += T->rows[r].kid == ST_NIL;
	char rows[128];
	if (shown < t->ntop)
		snprintf(rows, sizeof rows, "%s: row %d of %u (%u of %u shown)", d->tab,
		         T->selpos + 1, T->nrows, shown, t->ntop);
	else
		snprintf(rows, sizeof rows, "%s: row %d of %u", d->tab, T->selpos + 1, T->nrows);
	if (a->re) {
		uint32_t nm = 0;
		for (uint32_t r = 0; r < T->nrows; r++)
			nm += T->rows[r].match;
		snprintf(buf, sizeof buf, "%s  /%s/ %u row%s%s  %s", rows, a->pattern, nm,
		         nm == 1 ? "" : "s", a->filter ? " [filter]" : "", what);
	}
	else
		snprintf(buf, sizeof buf, "%s  %s%s%s", rows, what, *fig ? "  " : "", fig);
	cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
}

/* ---- keys --------------------------------------------------------------------------- */

static void select_row(app *a, int pos)
{
	struct tables *T = st(a);
	table *t = cur(a);
	if (!T->nrows)
		return;
	if (pos < 0) pos = 0;
	if (pos >= (int)T->nrows) pos = (int)T->nrows - 1;
	T->selpos = pos;
	t->sel_top = T->rows[pos].top;
	t->sel_kid = T->rows[pos].kid;
}

static redraw move(app *a, int delta)
{
	struct tables *T = st(a);
	int was = T->selpos;
	select_row(a, T->selpos + delta);
	return T->selpos == was ? R_NONE : R_VIEW;
}

static void set_open(app *a, table *t, uint32_t top, bool open)
{
	t->open[top] = open;
	st(a)->rows_ok = false;
}

/* n and N walk the rows in the order they show, a closed row's children
 * where they would be if it were open (as a tree view's folded subtrees).
 * Within the row at order position r, place 0 is the row itself and place
 * q > 0 its child q - 1; Q_END is its last place.  Rows the kind filter or
 * the threshold hides are not walked (the search's filter hides only rows
 * that do not match). */
#define Q_END LONG_MAX

static bool row_shown(app *a, table *t, const ent *e)
{
	return kind_passes(a, e) && !diff_small(a, t, e);
}

/* The first place from `from` to `to` (inclusive, dir 1 or -1) of row r
 * that matches: true and its child (ST_NIL: the row) in *kid.  Children
 * made only to be looked at go again unless one of them is the answer:
 * a walk holds no more than the rows show. */
static bool row_match(app *a, table *t, uint32_t r, int dir, long from, long to,
                      uint32_t *kid)
{
	uint32_t i = t->order[r];
	if (!row_shown(a, t, &t->top[i]))
		return false;
	kids *ks = NULL;
	bool made = false;
	long n = 0;
	if (opens(a, t, i)) {
		made = !t->kids[i].v && t->kids[i].sorted != -2;
		ks = kids_of(a, t, i);
		n = ks->n;
	}
	/* the ends clamped to the places there are (a walk forward from past
	 * the last one finds none) */
	if (from == Q_END || (dir < 0 && from > n))
		from = n;
	if (to == Q_END || (dir > 0 && to > n))
		to = n;
	bool found = false;
	for (long q = from; !found && (dir > 0 ? q <= to : q >= to); q += dir) {
		const ent *c = q ? &ks->v[q - 1] : NULL;
		found = q ? row_shown(a, t, c) && ent_matches(a, c) : t->match[i];
		if (found)
			*kid = q ? (uint32_t)(q - 1) : ST_NIL;
	}
	if (made && !t->open[i] && !(found && *kid != ST_NIL))
		drop_kids(t, i);
	return found;
}

/* n and N: the next matching row below (above) the selection in the
 * order shown, inside closed rows too (which then open), wrapping with a
 * note. */
static redraw find_match(app *a, int dir)
{
	struct tables *T = st(a);
	table *t = cur(a);
	if (!a->re) {
		snprintf(a->message, sizeof a->message, "no search: / searches the names");
		return R_STATUS;
	}
	uint32_t at = 0, kid = ST_NIL;
	long q = 0;   /* the selection's place in its row */
	for (uint32_t r = 0; r < t->ntop; r++)
		if (t->order[r] == t->sel_top) {
			at = r;
			q = t->sel_kid == ST_NIL ? 0 : (long)t->sel_kid + 1;
		}
	uint32_t r = at;
	bool wrapped = false, found = t->ntop &&
	    row_match(a, t, at, dir, q + dir, dir > 0 ? Q_END : 0, &kid);
	for (uint32_t k = 1; !found && k < t->ntop; k++) {
		wrapped |= dir > 0 ? at + k >= t->ntop : k > at;
		r = (uint32_t)(((long)at + dir * (long)k + t->ntop) % t->ntop);
		found = row_match(a, t, r, dir, dir > 0 ? 0 : Q_END, dir > 0 ? Q_END : 0, &kid);
	}
	if (!found && t->ntop) {   /* round to the selection's row again */
		wrapped = true;
		r = at;
		found = row_match(a, t, at, dir, dir > 0 ? 0 : Q_END, q, &kid);
	}
	if (!found) {
		snprintf(a->message, sizeof a->message, "no row matches");
		return R_STATUS;
	}
	uint32_t i = t->order[r];
	if (kid != ST_NIL && !t->open[i])
		set_open(a, t, i, true);
	bool same = i == t->sel_top && kid == t->sel_kid;
	t->sel_top = i;
	t->sel_kid = kid;
	T->rows_ok = false;
	make_rows(a);
	if (wrapped)
		snprintf(a->message, sizeof a->message, same ? "the only match"
		         : dir > 0 ? "search wrapped to the top" : "search wrapped to the bottom");
	return R_VIEW;
}

static const char *const tree_views[] = { "Codegen, pass first (p: function first)",
                                          "Codegen, function first (p: pass first)" };

/* Shows a row in its tree: the node it came from, or the heaviest of its
 * name. */
static redraw show_in_tree(app *a, const ent *e)
{
	struct tables *T = st(a);
	const st_model *m = a->m;
	uint32_t node = e->node;
	int tree = e->tree;
	int kind = row_kind(e);
	if (e->what == E_DIFF && node == ST_NIL)
		tree = kind == E_FN ? T_PIVOT : kind == E_PASS || kind == E_CGU ? T_CODEGEN : T_FIND;
	if (node == ST_NIL) {
		/* the nodes found once by make_index, in a diff by row */
		switch (kind) {
		case E_FN:
			for (uint32_t p = T->fn_at[e->id]; p < T->fn_at[e->id + 1]; p++)
				node = heavier(a, &m->pivot, node, T->fn_nodes[p]);
			break;
		case E_PASS:
			for (uint32_t p = T->pass_at[e->id]; p < T->pass_at[e->id + 1]; p++)
				node = heavier(a, &m->codegen, node, T->pass_nodes[p]);
			break;
		case E_CGU: node = T->cgu_codegen[e->id]; break;
		case E_CRATE:
			node = find_node(a, &m->stack, 1, ST_NOSTR, e->what == E_DIFF ? drow(a, e)->name
			                 : m->crates.v[e->id].display);
			break;
		case E_LABEL:
			node = find_node(a, &m->stack, 0, ST_NOSTR, e->what == E_DIFF ? drow(a, e)->name
			                 : m->labels.v[e->id].label);
			break;
		default: break;
		}
	}
	if (node == ST_NIL) {
		snprintf(a->message, sizeof a->message, "not found in the trees");
		return R_STATUS;
	}
	if (tree == T_FIND) {
		a->view = V_TREE;
		tui_tview_select(a, &a->tv[1], node);
		return R_ALL;
	}
	bool pivot = tree == T_PIVOT;
	if (a->pivot != pivot)
		snprintf(a->message, sizeof a->message, "%s", tree_views[pivot]);
	a->pivot = pivot;
	a->view = V_CODEGEN;
	tui_tview_select(a, tui_cur_tview(a), node);
	return R_ALL;
}

static redraw set_sort(app *a, int key)
{
	table *t = cur(a);
	const tdef *d = def(a);
	if (key == SORT_COUNT && (!d->count || (a->diff && d->dcount < 0))) {
		snprintf(a->message, sizeof a->message, "the %s table has no count", d->tab);
		return R_STATUS;
	}
	if ((key == SORT_DELTA || key == SORT_ABS_DELTA) && !a->diff) {
		snprintf(a->message, sizeof a->message, "sorting by change needs --diff BASE NEW");
		return R_STATUS;
	}
	if (t->sort == key)
		t->reverse = !t->reverse;
	else {
		t->sort = key;
		t->reverse = false;
	}
	/* a diff shows the figure it was last sorted by */
	if (key == SORT_TOTAL) t->fig = d->tfig;
	if (key == SORT_SELF) t->fig = d->sfig;
	if (key == SORT_COUNT && a->diff) t->fig = d->dcount;
	/* a new order keeps the cursor's row, as the Build view does: at the
	 * top, the top of the new order shows */
	t->sel_top = ST_NIL;
	t->sel_kid = ST_NIL;
	st(a)->rows_ok = false;
	return R_VIEW;
}

static redraw tables_action(app *a, int act)
{
	struct tables *T = st(a);
	make_rows(a);
	table *t = cur(a);
	int page = T->page;
	const vrow *vr = T->nrows ? &T->rows[T->selpos] : NULL;
	switch (act) {
	case ACT_UP: return move(a, -1);
	case ACT_DOWN: return move(a, 1);
	case ACT_PGUP: t->scroll -= page; return move(a, -page) | R_VIEW;
	case ACT_PGDN: t->scroll += page; return move(a, page) | R_VIEW;
	case ACT_HOME: return move(a, -(1 << 30));
	case ACT_END: return move(a, 1 << 30);
	case ACT_NEXT_TABLE: case ACT_PREV_TABLE:
		T->cur = (T->cur + (act == ACT_NEXT_TABLE ? 1 : TB_COUNT - 1)) % TB_COUNT;
		T->rows_ok = false;
		T->selpos = 0;
		return R_VIEW;
	case ACT_KIND_FILTER:
		T->kind = (T->kind + 1) % KF_COUNT;
		T->rows_ok = false;
		snprintf(a->message, sizeof a->message, "functions: %s", kind_filter_names[T->kind]);
		return R_VIEW;
	case ACT_SORT_TOTAL: return set_sort(a, SORT_TOTAL);
	case ACT_SORT_SELF: return set_sort(a, SORT_SELF);
	case ACT_SORT_COUNT: return set_sort(a, SORT_COUNT);
	case ACT_SORT_NAME: return set_sort(a, SORT_NAME);
	case ACT_SORT_DELTA: return set_sort(a, SORT_DELTA);
	case ACT_SORT_ABS_DELTA: return set_sort(a, SORT_ABS_DELTA);
	case ACT_NEXT_MATCH: return find_match(a, 1);
	case ACT_PREV_MATCH: return find_match(a, -1);
	case ACT_UNZOOM:
		if (!T->back)
			return R_NONE;
		T->back = false;
		a->view = V_SUMMARY;
		return R_ALL;
	case ACT_EXPAND_ALL: case ACT_COLLAPSE_ALL:
		for (uint32_t i = 0; i < t->ntop; i++)
			t->open[i] = act == ACT_EXPAND_ALL;
		T->rows_ok = false;
		return R_VIEW;
	default:
		break;
	}
	if (!vr)
		return R_NONE;
	bool top = vr->kid == ST_NIL, can = top && opens(a, t, vr->top);
	switch (act) {
	case ACT_ZOOM:
		if (can) {
			set_open(a, t, vr->top, !t->open[vr->top]);
			return R_VIEW;
		}
		return show_in_tree(a, row_ent(a, vr));
	case ACT_TOGGLE:
		if (!can && top)
			return R_NONE;
		set_open(a, t, vr->top, !t->open[vr->top]);
		t->sel_kid = ST_NIL;   /* a closing row keeps the cursor */
		return R_VIEW;
	case ACT_RIGHT:
		if (can && !t->open[vr->top]) {
			set_open(a, t, vr->top, true);
			return R_VIEW;
		}
		return move(a, 1);
	case ACT_LEFT:
		if (can && t->open[vr->top]) {
			set_open(a, t, vr->top, false);
			return R_VIEW;
		}
		if (!top) {
			t->sel_kid = ST_NIL;
			T->rows_ok = false;
			return R_VIEW;
		}
		return R_NONE;
	default:
		return R_NONE;
	}
}

static void tables_search(app *a)
{
	if (a->tables)
		a->tables->rows_ok = false;
}

/* Opening a row from the Summary lands on a row with the Summary's
 * figure: a diff shows its first figure again (the Summary's), and a
 * search's filter that would hide the row goes off. */
redraw tui_tables_open(app *a, int tb, uint32_t item)
{
	struct tables *T = st(a);
	T->cur = tb;
	T->back = true;
	T->rows_ok = false;
	make_table(a, tb);
	table *t = cur(a);
	if (item == ST_NIL || item >= t->ntop) {
		T->selpos = 0;
		t->sel_top = ST_NIL;
		a->view = V_TABLES;
		return R_ALL;
	}
	T->kind = KF_ALL;   /* the row asked for must show */
	t->sel_top = item;
	t->sel_kid = ST_NIL;
	if (opens(a, t, item))
		t->open[item] = 1;
	const tdef *d = def(a);
	if (a->diff && t->fig != 0) {
		t->sort = d->tfig == 0 ? SORT_TOTAL : SORT_SELF;
		t->reverse = false;
		t->fig = 0;
		snprintf(a->message, sizeof a->message, "sorted by %s, the Summary's figure",
		         d->figs[0]);
	}
	make_rows(a);
	if (a->filter && a->re && !t->match[item]) {
		bool shown = false;
		for (uint32_t r = 0; r < T->nrows && !shown; r++)
			shown = T->rows[r].top == item;
		if (!shown) {
			a->filter = false;
			tui_search_refilter(a);
			T->rows_ok = false;
			t->sel_top = item;
			t->sel_kid = ST_NIL;
			snprintf(a->message, sizeof a->message, "filter off: the row asked for "
			         "does not match /%.160s/", a->pattern);
		}
	}
	a->view = V_TABLES;
	return R_ALL;
}

const view_ops tui_view_tables = {
	"Tables", draw_tables, tables_action, tables_status, tables_search, NULL, NULL,
};
