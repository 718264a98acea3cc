/* tui-tables-rows.c: the Tables view's rows: one per model item (a diff's
 * paired row), their names and kinds, their order, the children a row
 * opens onto, and the rows visible with the kind filter, the search's
 * filter and a diff's threshold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/radix.h"
#include "stalactite/xalloc.h"
#include "tui-tables.h"

/* ---- rows of the model -------------------------------------------------------- */

static uint32_t fn_ncgus(struct tables *T, uint32_t fi)
{
	return T->fn_at[fi + 1] - T->fn_at[fi];
}

static ent plain_ent(app *a, int tb, uint32_t i)
{
	const st_model *m = a->m;
	struct tables *T = tb_st(a);
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

const st_diff_row *tb_drow(const app *a, const ent *e)
{
	return &a->diff->tables[e->dt].v[e->id];
}

void tb_make_table(app *a, int tb)
{
	table *t = &tb_st(a)->t[tb];
	if (t->made)
		return;
	tb_make_index(a);
	t->made = true;
	const tdef *d = &tb_defs[tb];
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
st_kind tb_ent_fn_kind(const app *a, const ent *e)
{
	if (e->what == E_FN)
		return (st_kind)a->m->functions.v[e->id].kind;
	if (e->what == E_DIFF && e->dt == ST_DT_FUNCTIONS)
		return (st_kind)tb_drow(a, e)->kind;
	return ST_K_OTHER;
}

bool tb_kind_passes(const app *a, const ent *e)
{
	int kf = a->tables->kind;
	st_kind k = tb_ent_fn_kind(a, e);
	if (kf == KF_ALL || k == ST_K_OTHER)
		return true;
	if (kf == KF_ASYNC)
		return k == ST_K_ASYNC_FN || k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE;
	return k == (kf == KF_CLOSURE ? ST_K_CLOSURE : ST_K_FN);
}

const char *const tb_kind_names[KF_COUNT] = {
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
		const st_diff_row *r = tb_drow(a, e);
		if (e->dt == ST_DT_CGUS) {
			*x = r->crate; *y = r->name;
		} else {
			*x = r->name;
		}
	}
	}
}

void tb_ent_name(const app *a, const ent *e, char *buf, size_t cap)
{
	uint32_t x, y;
	name_ids(a, e, &x, &y);
	if (y != ST_NOSTR)
		snprintf(buf, cap, "%s / %s", st_model_str(a->m, x), st_model_str(a->m, y));
	else
		snprintf(buf, cap, "%s", st_model_str(a->m, x));
}

bool tb_ent_matches(const app *a, const ent *e)
{
	if (!a->re)
		return false;
	char buf[2048];
	if (a->raw && e->what == E_FN) {
		uint32_t raw = a->m->functions.v[e->id].raw;
		return st_regex_match(a->re, st_model_str(a->m, raw), st_strlen(a->m->strs, raw));
	}
	tb_ent_name(a, e, buf, sizeof buf);
	return st_regex_match(a->re, buf, strlen(buf));
}

/* ---- order ------------------------------------------------------------------------ */

/* A diff row's figures of slot, BASE's and NEW's; a child's own (local)
 * whatever the slot. */
void tb_ent_sides(const app *a, const ent *e, int slot, int64_t *base, int64_t *new)
{
	if (e->local) {
		*base = e->f[1];
		*new = e->f[0];
	} else if (e->what == E_DIFF && slot >= 0) {
		*base = tb_drow(a, e)->base[slot];
		*new = tb_drow(a, e)->new[slot];
	} else {
		*base = *new = 0;
	}
}

/* Which side a row is on: a child's own side where it is, a diff row's. */
int tb_ent_status(const app *a, const ent *e)
{
	if (e->local)
		return e->dstat;
	return e->what == E_DIFF ? tb_drow(a, e)->status : ST_DIFF_BOTH;
}

/* The slot a diff row shows: the table's figure (t->fig), a child from
 * another table its own first one. */
int tb_shown_slot(const app *a, const table *t, const ent *e)
{
	return e->dt == tb_defs[a->tables->cur].dt ? t->fig : 0;
}

/* The names a row sorts by (SORT_NAME): its name, then its second. */
static void sort_names(const app *a, const ent *e, const char **s1, const char **s2,
                       uint32_t *id2)
{
	uint32_t x1;
	name_ids(a, e, &x1, id2);
	*s1 = st_model_str(a->m, x1);
	*s2 = *id2 == ST_NOSTR ? "" : st_model_str(a->m, *id2);
}

/* The figure a row sorts by under any other sort, the largest first. */
static int64_t sort_figure(const app *a, const tdef *d, const table *t, const ent *x,
                           int sort, bool top)
{
	if (a->diff) {
		int slot = sort == SORT_TOTAL ? d->tfig : sort == SORT_SELF ? d->sfig
		           : sort == SORT_COUNT ? d->dcount : t->fig;
		if (x->dt != d->dt)   /* a child from another table: its own figure */
			slot = 0;
		int64_t b, u;
		tb_ent_sides(a, x, slot, &b, &u);
		if (sort == SORT_DELTA || sort == SORT_ABS_DELTA) {
			u -= b;
			if (sort == SORT_ABS_DELTA)
				u = u < 0 ? -u : u;
		}
		return u;
	}
	if (sort == SORT_COUNT)   /* counts fit: a node counts 32 bits */
		return x->n == NO_COUNT ? 0 : (int64_t)x->n;
	return x->f[!top ? 0 : sort == SORT_SELF ? d->sfig : d->tfig];
}

/* A row's names (SORT_NAME), read once per sort: the comparisons of a
 * table of 120 000 functions then read one array. */
typedef struct skey {
	const char *s1, *s2;
	uint32_t id2;
} skey;

static const skey *skeys;   /* qsort has no context argument */

/* Rows x and y by their names from byte depth of the first on (both have
 * as many before their ends), then the second name; 0 when both are alike. */
static int cmp_names_from(uint32_t x, uint32_t y, size_t depth)
{
	const skey *a = &skeys[x], *b = &skeys[y];
	int c = strcmp(a->s1 + depth, b->s1 + depth);
	return !c && a->id2 != b->id2 ? strcmp(a->s2, b->s2) : c;
}

/* The same, then the row. */
static int cmp_name_from(uint32_t x, uint32_t y, size_t depth)
{
	int c = cmp_names_from(x, y, depth);
	return c ? c : (x > y) - (x < y);
}

static int cmp_same_first(const void *p, const void *q)
{
	uint32_t x = ((const st_rkey *)p)->i, y = ((const st_rkey *)q)->i;
	int c = skeys[x].id2 != skeys[y].id2 ? strcmp(skeys[x].s2, skeys[y].s2) : 0;
	return c ? c : (x > y) - (x < y);
}

/* Rows r[0..n) by first name, then second, then tie order, their first names equal
 * before byte depth: a radix sort on the next eight bytes, then each run
 * of equal bytes the same way from depth + 8 (function names share long
 * prefixes: a comparison sort spent its time in strcmp over them). */
static void name_sort(st_rkey *r, uint32_t n, size_t depth)
{
	if (n <= 16) {
		for (uint32_t j = 1; j < n; j++)
			for (uint32_t m = j; m > 0 && cmp_name_from(r[m - 1].i, r[m].i, depth) > 0; m--) {
				st_rkey t = r[m];
				r[m] = r[m - 1];
				r[m - 1] = t;
			}
		return;
	}
	int ends;
	for (;;) {   /* names all alike here: on, without a deeper call (a
	              * hostile profile's megabyte-long shared prefix) */
		for (uint32_t j = 0; j < n; j++)
			r[j].v = st_radix_chunk(skeys[r[j].i].s1, depth, &ends);
		st_radix_sort(r, n);   /* stable: a run keeps the rows' order */
		st_radix_chunk(skeys[r[0].i].s1, depth, &ends);
		if (r[0].v != r[n - 1].v || ends)
			break;
		depth += 8;
	}
	for (uint32_t a = 0, b; a < n; a = b) {
		for (b = a + 1; b < n && r[b].v == r[a].v; b++)
			;
		if (b - a < 2)
			continue;
		st_radix_chunk(skeys[r[a].i].s1, depth, &ends);
		if (ends)   /* the first names are equal: the second decides */
			qsort(r + a, b - a, sizeof *r, cmp_same_first);
		else
			name_sort(r + a, b - a, depth + 8);
	}
}

/* Rows v[0..n) of table t in the order of its sort, as positions in out:
 * names by name_sort, figures by a radix sort of their keys (largest
 * first; reversed, smallest first).  Ties go in the order of the rows'
 * tie keys: a top row's place (the model's order), a child's id. */
static void order_ents(app *a, table *t, const ent *v, uint32_t n, bool top,
                       uint32_t *out)
{
	const uint64_t sign = 1ull << 63;
	st_rkey *r = st_xreallocarray(NULL, n ? n : 1, sizeof *r);
	uint32_t *by_tie = st_xreallocarray(NULL, n ? n : 1, sizeof *by_tie);
	for (uint32_t i = 0; i < n; i++)
		r[i] = (st_rkey){ top ? i : v[i].id, i };
	if (!top)
		st_radix_sort(r, n);
	for (uint32_t j = 0; j < n; j++)
		by_tie[j] = r[j].i;
	if (t->sort != SORT_NAME) {
		const tdef *d = tb_def(a);
		for (uint32_t j = 0; j < n; j++) {
			uint64_t f = (uint64_t)sort_figure(a, d, t, &v[by_tie[j]], t->sort, top) ^ sign;
			r[j] = (st_rkey){ t->reverse ? f : ~f, by_tie[j] };
		}
		st_radix_sort(r, n);   /* stable: ties stay in tie order */
		for (uint32_t j = 0; j < n; j++)
			out[j] = r[j].i;
		free(by_tie);
		free(r);
		return;
	}
	skey *k = st_xreallocarray(NULL, n ? n : 1, sizeof *k);
	for (uint32_t j = 0; j < n; j++) {   /* place j: the j-th by tie */
		sort_names(a, &v[by_tie[j]], &k[j].s1, &k[j].s2, &k[j].id2);
		r[j] = (st_rkey){ 0, j };
	}
	skeys = k;
	name_sort(r, n, 0);
	if (t->reverse) {   /* the names reversed, rows of equal names still in order */
		for (uint32_t i = 0; i < n / 2; i++) {
			st_rkey x = r[i];
			r[i] = r[n - 1 - i];
			r[n - 1 - i] = x;
		}
		for (uint32_t lo = 0, hi; lo < n; lo = hi) {
			for (hi = lo + 1; hi < n && !cmp_names_from(r[hi].i, r[lo].i, 0); hi++)
				;
			for (uint32_t x = lo, y = hi - 1; x < y; x++, y--) {
				st_rkey s2 = r[x];
				r[x] = r[y];
				r[y] = s2;
			}
		}
	}
	for (uint32_t j = 0; j < n; j++)
		out[j] = by_tie[r[j].i];
	free(k);
	free(by_tie);
	free(r);
}


static int sort_key(const table *t)
{
	return t->sort * 2 + t->reverse + 16 * t->fig;
}

static void sort_top(app *a, table *t)
{
	if (t->sorted == sort_key(t))
		return;
	order_ents(a, t, t->top, t->ntop, true, t->order);
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
	struct tables *T = tb_st(a);
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
	struct tables *T = tb_st(a);
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
			e->node = tb_heavier(a, t, e->node, f);
		}
	}
	for (uint32_t j = 0; j < k->n; j++)
		T->kid_of[k->v[j].id] = ST_NIL;
}

/* The CGUs a function is in, with its time in each. */
static void kids_fn(app *a, uint32_t i, kbuf *k)
{
	struct tables *T = tb_st(a);
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
	struct tables *T = tb_st(a);
	const st_tree *t = &a->m->pivot;
	uint32_t cu = T->cgu_pivot[i];
	if (cu == ST_NIL)
		return;
	uint32_t crate = t->nodes[t->nodes[cu].parent].name;
	CHILDREN(t, cu, f) {
		if (!tb_is_fn_kind(st_tree_kind(t, f)))
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
int tb_row_kind(const ent *e)
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

kids *tb_kids_of(app *a, table *t, uint32_t top)
{
	kids *ks = &t->kids[top];
	if (ks->v || ks->sorted == -2)
		goto sort;
	kbuf k = { 0 };
	const ent *e = &t->top[top];
	switch (tb_row_kind(e)) {
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
		uint32_t *o = st_xreallocarray(NULL, ks->n, sizeof *o);
		ent *sorted = st_xreallocarray(NULL, ks->n, sizeof *sorted);
		order_ents(a, t, ks->v, ks->n, false, o);
		for (uint32_t i = 0; i < ks->n; i++)
			sorted[i] = ks->v[o[i]];
		free(ks->v);
		ks->v = sorted;
		free(o);
	}
	if (ks->n)
		ks->sorted = sort_key(t);
	return ks;
}

/* Children made only to be looked at (n and N through a closed row) go
 * again, so that a walk over a table holds no more than it shows. */
void tb_drop_kids(table *t, uint32_t top)
{
	free(t->kids[top].v);
	t->kids[top] = (kids){ 0 };
}

/* Whether a row opens, without making its children where that is cheap. */
bool tb_opens(app *a, table *t, uint32_t top)
{
	const ent *e = &t->top[top];
	struct tables *T = a->tables;
	switch (tb_row_kind(e)) {
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
bool tb_diff_small(const app *a, const table *t, const ent *e)
{
	if (!a->diff || !a->min_delta)
		return false;
	int64_t b, n;
	tb_ent_sides(a, e, tb_shown_slot(a, t, e), &b, &n);
	int64_t d = n - b;
	return (d < 0 ? -d : d) < a->min_delta;
}

void tb_make_rows(app *a)
{
	struct tables *T = tb_st(a);
	table *t = tb_cur(a);
	tb_make_table(a, T->cur);
	bool same = T->rows_for.cur == T->cur && T->rows_for.kind == T->kind &&
	            T->rows_for.gen == a->search_gen && T->rows_for.filter == a->filter &&
	            T->rows_for.min_delta == a->min_delta;
	if (T->rows_ok && same && t->sorted == sort_key(t))
		return;
	sort_top(a, t);
	if (t->match_gen != a->search_gen + 1) {
		for (uint32_t i = 0; i < t->ntop; i++)
			t->match[i] = tb_ent_matches(a, &t->top[i]);
		t->match_gen = a->search_gen + 1;
	}
	bool filter = a->filter && a->re;
	T->nrows = 0;
	for (uint32_t r = 0; r < t->ntop; r++) {
		uint32_t i = t->order[r];
		const ent *e = &t->top[i];
		if (!tb_kind_passes(a, e) || tb_diff_small(a, t, e))
			continue;
		uint32_t at = T->nrows;
		vpush(T, i, ST_NIL, t->match[i]);
		bool any = false;
		if (t->open[i]) {
			kids *ks = tb_kids_of(a, t, i);
			for (uint32_t j = 0; j < ks->n; j++) {
				const ent *c = &ks->v[j];
				bool mt = tb_ent_matches(a, c);
				if (!tb_kind_passes(a, c) || tb_diff_small(a, t, c) || (filter && !mt))
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

const ent *tb_row_ent(app *a, const vrow *r)
{
	table *t = tb_cur(a);
	return r->kid == ST_NIL ? &t->top[r->top] : &t->kids[r->top].v[r->kid];
}

