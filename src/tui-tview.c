/* tui-tview.c: what the tree views share, whatever their shape: per-tree
 * state (selection, zoom stack, expansion, sort), node labels and order,
 * the two faces of one tree, and the keys that mean the same in a table
 * and an icicle.  The shapes draw and move: tui-table.c and tui-icicle.c;
 * the search they show (match sets, the filter, n/N): tui-search.c; the
 * trees merged by label (m): tui-merge.c; the status line, breadcrumbs
 * and detail pane: tui-status.c.  The Icicle, Tree and Codegen views are
 * the three view entries at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/bigmem.h"
#include "stalactite/radix.h"
#include "stalactite/xalloc.h"
#include "tui.h"

/* ---- state ------------------------------------------------------------------ */

/* Sorted children of a node, cached (tui_sorted_children). */
#define KIDS_SLOTS 512
struct kids_slot {
	uint32_t node, n;
	unsigned gen;
	uint32_t *kids;
};

static void *zalloc(size_t n)
{
	return st_xcalloc(n, 1);
}

void tui_tview_init(tview *v, const st_tree *t, const shape_ops *shape)
{
	memset(v, 0, sizeof *v);
	v->tree = t;
	v->collapsed = zalloc(t->len);
	v->expanded = zalloc(t->len);
	v->zoom[0] = 0;
	v->nzoom = 1;
	v->shape = shape;
	v->expanded[0] = 1;
	/* with one crate, its contents are the interesting part: it is open
	 * (counted once: a merged tree's root may have 100 000 children) */
	bool one = st_tree_one_child(t, 0);
	if (one)
		v->expanded[t->nodes[0].first_child] = 1;
	/* a build opens on its root; one crate on that crate */
	v->sel = one ? t->nodes[0].first_child : 0;
	/* one crate: the icicle starts inside it (Backspace zooms out) */
	if (shape == &tui_shape_icicle && one) {
		v->zoom[v->nzoom++] = t->nodes[0].first_child;
		v->sel = t->nodes[0].first_child;
	}
}

void tui_tview_free(tview *v)
{
	free(v->collapsed);
	free(v->expanded);
	st_big_free(v->filt, ((size_t)v->tree->len + 1) * sizeof *v->filt);
	st_big_free(v->fgen, ((size_t)v->tree->len + 1) * sizeof *v->fgen);
	st_big_free(v->below, ((size_t)v->below_len + 1) * sizeof *v->below);
	st_big_free(v->bgen, ((size_t)v->below_len + 1) * sizeof *v->bgen);
	free(v->shown);
	if (v->kids)
		for (int i = 0; i < KIDS_SLOTS; i++)
			free(v->kids[i].kids);
	free(v->kids);
	st_tree_match_job_free(v->job);
	free(v->spare);
	free(v->bfilt);
	free(v->dmax);
	st_tree_match_free(&v->match);
	memset(v, 0, sizeof *v);
}

tview *tui_cur_tview(app *a)
{
	const view_ops *o = tui_views[a->view];
	return o->tview ? o->tview(a) : NULL;
}

const st_tree *tui_codegen_tree(const app *a)
{
	return a->pivot ? &a->m->pivot : &a->m->codegen;
}

/* ---- labels ----------------------------------------------------------------- */

void tui_node_label(app *a, const st_tree *t, uint32_t id, char *buf, size_t cap)
{
	const st_model *m = a->m;
	const st_node *n = &t->nodes[id];
	if (id == 0) {
		snprintf(buf, cap, "%s", !tui_is_merged(a, t) ? "all crates"
		         : t == &a->mtree[0].tree ? "all crates, merged by label"
		         : "all crates and CGUs, merged by label");
		return;
	}
	const char *name = st_str(m->strs, st_model_display(m, n->name));
	st_kind k = st_tree_kind(t, id);
	bool fn_like = k == ST_K_FN || k == ST_K_CLOSURE || k == ST_K_ASYNC_FN ||
	               k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE ||
	               k == ST_K_CGU || k == ST_K_CRATE;
	if (n->arg == ST_NOSTR || fn_like)
		snprintf(buf, cap, "%s", name);
	else
		snprintf(buf, cap, "%s %s", name,
		         st_str(m->strs, st_model_display(m, n->arg)));
}

style tui_kind_style(const app *a, const st_tree *t, uint32_t id)
{
	st_kind k = st_tree_kind(t, id);
	if (k == ST_K_PASS && t->nodes[id].arg != ST_NOSTR)
		k = st_model_fn_kind(a->m, t->nodes[id].arg);
	if (k == ST_K_ASYNC_FN || k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE)
		return S_ASYNC;
	if (k == ST_K_CLOSURE)
		return S_CLOSURE;
	return S_NORMAL;
}

/* ---- display order ------------------------------------------------------------ */

/* A child with what it is sorted by, read once: comparing precomputed keys
 * and name pointers instead of looking both nodes up per comparison. */
typedef struct skey {
	uint64_t k;              /* the figure: larger first */
	const char *s1, *s2;     /* sort by name: the name, then the argument */
	uint32_t id;
} skey;

enum { BY_FIGURE, BY_NAME, BY_DIFF };

typedef struct sort_ctx { app *a; tview *v; int by; } sort_ctx;

static int by_mode(const tview *v)
{
	return v->sort == SORT_NAME ? BY_NAME
	     : v->sort == SORT_DELTA || v->sort == SORT_ABS_DELTA ? BY_DIFF : BY_FIGURE;
}

static void fill_key(const sort_ctx *s, skey *k, uint32_t id)
{
	const st_node *n = &s->v->tree->nodes[id];
	const st_model *m = s->a->m;
	k->id = id;
	switch (s->by) {
	case BY_NAME:
		k->s1 = st_str(m->strs, st_model_display(m, n->name));
		k->s2 = n->arg == ST_NOSTR ? "" : st_str(m->strs, st_model_display(m, n->arg));
		break;
	case BY_FIGURE:
		/* signed self time in unsigned order: flip the sign bit */
		k->k = s->v->sort == SORT_SELF
		     ? (uint64_t)tui_self(s->a, s->v, id) ^ (UINT64_C(1) << 63)
		     : s->v->sort == SORT_COUNT ? n->count : tui_value(s->a, s->v, id);
		break;
	}
}

static int cmp_keys(const sort_ctx *s, const skey *x, const skey *y)
{
	int c;
	switch (s->by) {
	case BY_NAME:
		c = strcmp(x->s1, y->s1);
		if (!c)
			c = strcmp(x->s2, y->s2);
		break;
	case BY_DIFF: c = tui_diff_cmp(s->a, s->v, x->id, y->id); break;
	default: c = x->k > y->k ? -1 : x->k < y->k;
	}
	if (s->v->reverse)
		c = -c;
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* A stable bottom-up merge sort (n log n comparisons, no recursion). */
static void sort_keys(const sort_ctx *s, skey *v, uint32_t n)
{
	skey *tmp = st_xreallocarray(NULL, n + 1, sizeof *tmp), *from = v, *to = tmp;
	for (uint32_t w = 1; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t i = lo, k = mid, o = lo;
			while (i < mid && k < hi)
				to[o++] = cmp_keys(s, &from[k], &from[i]) < 0 ? from[k++] : from[i++];
			while (i < mid) to[o++] = from[i++];
			while (k < hi) to[o++] = from[k++];
		}
		skey *x = from; from = to; to = x;
	}
	if (from != v)
		memcpy(v, from, n * sizeof *v);
	free(tmp);
}

/* Children at least this many are sorted by a figure with radix sorts:
 * the merge sort took 15-25 ms on the 120 000 functions atop a merged
 * pivot, the radix sorts 2 ms. */
#define RADIX_MIN 2048

/* sort_keys' order for BY_FIGURE: ids ascending, then (stably) the figure,
 * larger first unless reversed. */
static void radix_keys(const sort_ctx *s, skey *v, uint32_t n)
{
	st_rkey *r = st_xreallocarray(NULL, n + 1, sizeof *r);
	/* a child list is newest first, ids descending, as st_tree_add
	 * makes it: read backwards, it needs no sort by id */
	bool desc = true;
	for (uint32_t i = 1; i < n && desc; i++)
		desc = v[i].id < v[i - 1].id;
	for (uint32_t i = 0; i < n; i++)
		r[i] = desc ? (st_rkey){ v[n - 1 - i].id, n - 1 - i }
		            : (st_rkey){ v[i].id, i };
	if (!desc)
		st_radix_sort(r, n);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k = v[r[i].i].k;
		r[i].v = s->v->reverse ? k : ~k;
	}
	st_radix_sort(r, n);
	skey *out = st_xreallocarray(NULL, n + 1, sizeof *out);
	for (uint32_t i = 0; i < n; i++)
		out[i] = v[r[i].i];
	memcpy(v, out, n * sizeof *v);
	free(out);
	free(r);
}

/* The visible children of id with at least min_value of time, in display
 * order; *n set; caller frees.  Filtering before sorting keeps the icicle
 * cheap under nodes with thousands of children it could not draw anyway.
 * With lump, the same walk also sums the visible children below lump->cut
 * (the icicle's lump: a list of 30 000 siblings is walked once, not again
 * for it). */
uint32_t *tui_children_lump(app *a, tview *v, uint32_t id, uint64_t min_value,
                            tui_lump *lump, uint32_t *n)
{
	const st_tree *t = v->tree;
	sort_ctx s = { a, v, by_mode(v) };
	skey *keys = NULL;
	uint32_t j = 0, cap = 0;
	uint64_t cut = lump ? lump->cut : 0;
	bool marks = lump && tui_searching(v);
	if (lump) {
		lump->sum = 0;
		lump->n = 0;
		lump->match = false;
	}
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL; c = t->nodes[c].next_sibling) {
		if (!tui_visible(a, v, c))
			continue;
		uint64_t x = min_value || lump ? tui_value(a, v, c) : 0;
		if (x < cut) {
			lump->sum += x;
			lump->n++;
			if (marks && (v->match.flags[c] & (ST_TM_MATCH | ST_TM_ANCESTOR)))
				lump->match = true;
		}
		if (min_value && x < min_value)
			continue;
		if (j == cap) {
			cap = cap ? cap * 2 : 16;
			keys = st_xreallocarray(keys, cap, sizeof *keys);
		}
		fill_key(&s, &keys[j++], c);
	}
	if (s.by == BY_FIGURE && j >= RADIX_MIN)
		radix_keys(&s, keys, j);
	else
		sort_keys(&s, keys, j);
	uint32_t *out = st_xreallocarray(NULL, j + 1, sizeof *out);
	for (uint32_t i = 0; i < j; i++)
		out[i] = keys[i].id;
	free(keys);
	*n = j;
	return out;
}

uint32_t *tui_children(app *a, tview *v, uint32_t id, uint64_t min_value,
                       uint32_t *n)
{
	return tui_children_lump(a, v, id, min_value, NULL, n);
}

/* Sorted children, cached per node until the order or what is visible
 * changes (order_gen): moving through a table of 15 000 siblings sorts
 * them once, not on every frame.  Direct-mapped: a collision only costs a
 * sort again. */

const uint32_t *tui_sorted_children(app *a, tview *v, uint32_t id, uint32_t *n)
{
	static const uint32_t none[1] = { ST_NIL };
	if (v->tree->nodes[id].first_child == ST_NIL) {
		*n = 0;
		return none;
	}
	if (!v->kids)
		v->kids = st_xcalloc(KIDS_SLOTS, sizeof *v->kids);
	struct kids_slot *s = &v->kids[(id * 2654435761u) >> 23];
	if (!s->kids || s->node != id || s->gen != v->order_gen) {
		free(s->kids);
		s->kids = tui_children(a, v, id, 0, &s->n);
		s->node = id;
		s->gen = v->order_gen;
	}
	*n = s->n;
	return s->kids;
}

void tui_tview_reorder(tview *v)
{
	v->order_gen++;
}

void tui_tview_invalidate(tview *v)
{
	v->rows_ok = false;
	v->order_gen++;
}

static bool in_zoom(const tview *v, uint32_t id)
{
	for (uint32_t p = id; p != ST_NIL; p = v->tree->nodes[p].parent)
		if (p == tui_zoom_root(v))
			return true;
	return false;
}

/* Makes id visible: opens its ancestors (both shapes), pops the zoom until
 * it contains id, and selects it. */
void tui_tview_select(app *a, tview *v, uint32_t id)
{
	while (v->nzoom > 1 && !in_zoom(v, id))
		v->nzoom--;
	for (uint32_t p = v->tree->nodes[id].parent; p != ST_NIL;
	     p = v->tree->nodes[p].parent) {
		tui_tview_expand(a, v, p, true);
		v->collapsed[p] = 0;
	}
	v->sel = id;
	v->sel_cut = 0;
}

tview *tui_show_node(app *a, view_id view, const st_tree *src, uint32_t id)
{
	a->view = view;
	tview *v = tui_cur_tview(a);
	if (v->tree != src)
		id = tui_merged_of(a, src)->from[id];
	tui_tview_select(a, v, id);
	return v;
}

/* ---- two faces of one tree ------------------------------------------------------ */

/* The child of parent in t named as node id of tree from, or ST_NIL. */
static uint32_t same_child(const st_tree *t, uint32_t parent, const st_tree *from,
                           uint32_t id)
{
	const st_node *n = &from->nodes[id];
	for (uint32_t c = t->nodes[parent].first_child; c != ST_NIL; c = t->nodes[c].next_sibling)
		if (t->nodes[c].name == n->name && t->nodes[c].arg == n->arg)
			return c;
	return ST_NIL;
}

/* The node of tree to at id's path in tree from: the same node in one
 * tree; between the codegen tree and its pivot, a function under a pass
 * is that pass under the function (crate > CGU > pass > function, or
 * merged across crates and CGUs, pass > function).  Where the whole path
 * does not exist (a pass above its functions has no node in the pivot),
 * the deepest part that does; *exact says which. */
static uint32_t counterpart(const st_tree *from, uint32_t id, const st_tree *to,
                            bool merged, bool *exact)
{
	*exact = true;
	if (from == to)
		return id;
	int deepest = merged ? 2 : 4;
	uint32_t path[4];
	int n = 0;
	for (uint32_t p = id; p && p != ST_NIL; p = from->nodes[p].parent) {
		if (n == deepest) {   /* deeper than its pass and function */
			*exact = false;
			return 0;
		}
		path[n++] = p;
	}
	for (int i = 0; i < n / 2; i++) {   /* root first */
		uint32_t x = path[i]; path[i] = path[n - 1 - i]; path[n - 1 - i] = x;
	}
	if (n == deepest) {
		uint32_t x = path[n - 2]; path[n - 2] = path[n - 1]; path[n - 1] = x;
	}
	uint32_t at = 0;
	for (int i = 0; i < n; i++) {
		uint32_t c = same_child(to, at, from, path[i]);
		if (c == ST_NIL) {
			*exact = false;
			break;
		}
		at = c;
	}
	return at;
}

/* Gives view state `to` what `from` shows where the same nodes exist: the
 * selection, folds (collapsed: folded by the user, in either shape) and
 * expansion, and between two trees the zoom.  from may be to (a shape
 * switched): then the table opens what the icicle did not fold. */
static void carry(app *a, const tview *from, tview *to)
{
	const st_tree *ft = from->tree, *tt = to->tree;
	bool merged = tui_is_merged(a, ft);
	if (ft == tt && from != to)
		memcpy(to->collapsed, from->collapsed, tt->len);
	if (ft == tt) {
		for (uint32_t i = 0; i < tt->len; i++)
			to->expanded[i] &= !to->collapsed[i];
	} else {
		/* crates and CGUs are the levels both trees have; deeper nodes of
		 * one are leaves or missing in the other.  Merged, the trees have
		 * neither (the pivot's top level is every function: looking each
		 * up among the other's took minutes) */
		for (uint32_t cr = merged ? ST_NIL : ft->nodes[0].first_child;
		     cr != ST_NIL; cr = ft->nodes[cr].next_sibling)
			for (uint32_t n = cr; n != ST_NIL;
			     n = n == cr ? ft->nodes[cr].first_child : ft->nodes[n].next_sibling) {
				bool exact;
				uint32_t m = counterpart(ft, n, tt, false, &exact);
				if (exact) {
					to->expanded[m] = from->expanded[n];
					to->collapsed[m] = from->collapsed[n];
				}
			}
		to->nzoom = 1;
		for (int i = 1; i < from->nzoom; i++) {
			bool exact;
			uint32_t m = counterpart(ft, from->zoom[i], tt, merged, &exact);
			if (!exact)
				break;
			to->zoom[to->nzoom++] = m;
		}
	}
	tui_tview_invalidate(to);   /* expansion written directly: count again */
	bool exact;
	tui_tview_select(a, to, counterpart(ft, from->sel, tt, merged, &exact));
}

void tui_tview_carry(app *a, view_id from, view_id to)
{
	const view_ops *f = tui_views[from], *t = tui_views[to];
	if (from == to || !f->tview || !t->tview)
		return;
	tview *fv = f->tview(a), *tv = t->tview(a);
	if (fv->tree == tv->tree)
		carry(a, fv, tv);
}

/* ---- the three views ------------------------------------------------------- */

/* The state each view shows: its tree, or that tree merged by label (m). */
static tview *icicle_tview(app *a) { return a->merged[0] ? tui_twin(a, 0) : &a->tv[0]; }
static tview *tree_tview(app *a) { return a->merged[1] ? tui_twin(a, 1) : &a->tv[1]; }
static tview *codegen_tview(app *a)
{
	int i = a->pivot ? 3 : 2;
	return a->merged[2] ? tui_twin(a, i) : &a->tv[i];
}

static void draw_tview(app *a, canvas *c, int top, int bottom)
{
	tview *v = tui_cur_tview(a);
	tui_refresh_match(a, v, false);
	tui_totals_line(a, c, top++);
	int y = top++;
	if (a->detail)
		bottom = tui_draw_detail(a, v, c, bottom);
	/* the shape first: it may move a selection that is no longer shown */
	v->shape->draw(a, v, c, top, bottom);
	tui_breadcrumbs(a, v, c, y);
}

/* A new order leaves the rows' counts as they are: only the cached
 * sorted children go. */
static void set_sort(tview *v, int key)
{
	if (v->sort == key)
		v->reverse = !v->reverse;
	else {
		v->sort = key;
		v->reverse = false;
	}
	tui_tview_reorder(v);
}

/* A diff's change threshold applies to the figure shown: another figure
 * may hide other rows. */
static void set_fig(app *a, tview *v, int fig)
{
	if (a->diff && v->fig != fig)
		tui_tview_invalidate(v);
	v->fig = fig;
}

/* The keys that mean the same in both shapes; the shape's own come first. */
static redraw tview_action(app *a, int act)
{
	if (act == ACT_MERGE)
		return tui_toggle_merge(a);
	tview *v = tui_cur_tview(a);
	const st_tree *t = v->tree;
	tui_refresh_match(a, v, false);
	redraw r = v->shape->key(a, v, act);
	if (r != R_NONE)
		return (redraw)(r & R_ALL);
	switch (act) {
	case ACT_ZOOM:
		if (v->nzoom < 64 && v->sel != tui_zoom_root(v) &&
		    t->nodes[v->sel].first_child != ST_NIL) {
			v->zoom_cut[v->nzoom] = 0;
			v->zoom[v->nzoom++] = v->sel;
			tui_tview_expand(a, v, v->sel, true);
			v->collapsed[v->sel] = 0;
			v->scroll = 0;
		}
		return R_VIEW;
	case ACT_UNZOOM:
		if (v->nzoom > 1) {
			v->sel = tui_zoom_root(v);
			v->nzoom--;
		}
		return R_VIEW;
	case ACT_EXPAND_ALL: tui_tview_expand_all(a, v, v->sel, true); return R_VIEW;
	case ACT_COLLAPSE_ALL: tui_tview_expand_all(a, v, v->sel, false); return R_VIEW;
	/* a diff table shows the figure it was last sorted by */
	case ACT_SORT_TOTAL: set_sort(v, SORT_TOTAL); set_fig(a, v, FIG_TOTAL); return R_VIEW;
	case ACT_SORT_SELF: set_sort(v, SORT_SELF); set_fig(a, v, FIG_SELF); return R_VIEW;
	case ACT_SORT_COUNT: set_sort(v, SORT_COUNT); set_fig(a, v, FIG_COUNT); return R_VIEW;
	case ACT_SORT_NAME: set_sort(v, SORT_NAME); return R_VIEW;
	case ACT_SORT_DELTA: case ACT_SORT_ABS_DELTA:
		if (!a->diff) {
			snprintf(a->message, sizeof a->message, "sorting by change needs --diff BASE NEW");
			return R_STATUS;
		}
		set_sort(v, act == ACT_SORT_DELTA ? SORT_DELTA : SORT_ABS_DELTA);
		return R_VIEW;
	case ACT_NEXT_MATCH: tui_next_match(a, v, false); return R_VIEW;
	case ACT_PREV_MATCH: tui_next_match(a, v, true); return R_VIEW;
	default:
		return R_NONE;
	}
}

/* The codegen view alone has two trees (p: pass or function first) and
 * both shapes (i), which both trees follow. */
static redraw codegen_action(app *a, int act)
{
	if (act == ACT_PIVOT) {
		tview *was = tui_cur_tview(a);
		a->pivot = !a->pivot;
		carry(a, was, tui_cur_tview(a));
		tui_refresh_match(a, tui_cur_tview(a), false);
		return R_VIEW;
	}
	if (act != ACT_SHAPE)
		return tview_action(a, act);
	const shape_ops *s = a->tv[2].shape == &tui_shape_table ? &tui_shape_icicle
	                                                         : &tui_shape_table;
	a->tv[2].shape = a->tv[3].shape = a->mtv[2].shape = a->mtv[3].shape = s;
	tui_tview_invalidate(&a->tv[2]);
	tui_tview_invalidate(&a->tv[3]);
	tui_tview_invalidate(&a->mtv[2]);
	tui_tview_invalidate(&a->mtv[3]);
	if (s == &tui_shape_table)   /* show the table what the icicle folded */
		carry(a, tui_cur_tview(a), tui_cur_tview(a));
	return R_VIEW;
}

static void search_tview(app *a)
{
	tview *v = tui_cur_tview(a);
	if (v)
		tui_refresh_match(a, v, false);
}

/* A click selects the node drawn there (an icicle's lump too); a double
 * click also zooms into it. */
static redraw tview_click(app *a, canvas *c, int y, int x, int what)
{
	tview *v = tui_cur_tview(a);
	if (!v)
		return R_NONE;
	uint64_t cut;
	uint32_t id = v->shape->at(v, c, y, x, &cut);
	if (id == ST_NIL)
		return R_NONE;
	v->sel = id;
	v->sel_cut = cut;
	if (what == MOUSE_DOUBLE)
		tui_views[a->view]->action(a, ACT_ZOOM);
	return R_VIEW;
}

const view_ops tui_view_icicle = {
	"Icicle", draw_tview, tview_action, tui_tview_status, search_tview, icicle_tview, NULL,
	tview_click,
};
const view_ops tui_view_tree = {
	"Tree", draw_tview, tview_action, tui_tview_status, search_tview, tree_tview, NULL,
	tview_click,
};
const view_ops tui_view_codegen = {
	"Codegen", draw_tview, codegen_action, tui_tview_status, search_tview, codegen_tview,
	NULL, tview_click,
};
