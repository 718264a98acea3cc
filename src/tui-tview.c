/* tui-tview.c: what the tree views share, whatever their shape: per-tree
 * state (selection, zoom stack, expansion, sort), node labels and order,
 * the search they show (match sets, the filter, n/N) and the keys that
 * mean the same in a table and an icicle.  The shapes draw and move:
 * tui-table.c and tui-icicle.c; the status line, breadcrumbs and detail
 * pane: tui-status.c.  The Icicle, Tree and Codegen views are the three
 * view entries at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "tui.h"

/* ---- state ------------------------------------------------------------------ */

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
	/* open the crates: with one crate, its contents are the interesting part */
	for (uint32_t c = t->nodes[0].first_child; c != ST_NIL; c = t->nodes[c].next_sibling)
		if (st_tree_nchildren(t, 0) == 1)
			v->expanded[c] = 1;
	/* a build opens on its root; one crate on that crate */
	v->sel = st_tree_nchildren(t, 0) == 1 ? t->nodes[0].first_child : 0;
	/* one crate: the icicle starts inside it (Backspace zooms out) */
	if (shape == &tui_shape_icicle && st_tree_nchildren(t, 0) == 1) {
		v->zoom[v->nzoom++] = t->nodes[0].first_child;
		v->sel = t->nodes[0].first_child;
	}
}

void tui_tview_free(tview *v)
{
	free(v->collapsed);
	free(v->expanded);
	free(v->filt);
	free(v->rows);
	free(v->rdepth);
	free(v->rank);
	free(v->hits);
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

static tview *icicle_tview(app *a) { return &a->tv[0]; }
static tview *tree_tview(app *a) { return &a->tv[1]; }
static tview *codegen_tview(app *a) { return a->pivot ? &a->tv[3] : &a->tv[2]; }

const st_tree *tui_codegen_tree(const app *a)
{
	return a->pivot ? &a->m->pivot : &a->m->codegen;
}

/* Time that decides a node's width and rank: with the filter on, only the
 * time of its matches. */
uint64_t tui_value(const app *a, const tview *v, uint32_t id)
{
	if (a->filter && v->filt)
		return v->filt[id];
	return v->tree->nodes[id].total_ns;
}

bool tui_visible(const app *a, const tview *v, uint32_t id)
{
	/* the icicle keeps small changes: hiding them would leave holes */
	if (a->diff && a->min_delta && v->shape != &tui_shape_icicle &&
	    !tui_diff_visible(a, v, id))
		return false;
	if (!a->filter || !tui_searching(v))
		return true;
	return v->match.flags[id] & (ST_TM_MATCH | ST_TM_ANCESTOR | ST_TM_INSIDE);
}

/* ---- labels ----------------------------------------------------------------- */

void tui_node_label(app *a, const st_tree *t, uint32_t id, char *buf, size_t cap)
{
	const st_model *m = a->m;
	const st_node *n = &t->nodes[id];
	if (id == 0) {
		snprintf(buf, cap, "all crates");
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

/* ---- sorting children --------------------------------------------------------- */

typedef struct sort_ctx { app *a; tview *v; } sort_ctx;

static int cmp_nodes(const st_tree *t, uint32_t x, uint32_t y, void *ctx)
{
	sort_ctx *s = ctx;
	const st_node *a = &t->nodes[x], *b = &t->nodes[y];
	int c = 0;
	switch (s->v->sort) {
	case SORT_SELF: c = a->self_ns > b->self_ns ? -1 : a->self_ns < b->self_ns; break;
	case SORT_COUNT: c = a->count > b->count ? -1 : a->count < b->count; break;
	case SORT_DELTA: case SORT_ABS_DELTA: c = tui_diff_cmp(s->a, s->v, x, y); break;
	case SORT_NAME: {
		const st_model *m = s->a->m;
		c = strcmp(st_str(m->strs, st_model_display(m, a->name)),
		           st_str(m->strs, st_model_display(m, b->name)));
		if (!c && a->arg != b->arg)
			c = strcmp(a->arg == ST_NOSTR ? "" : st_str(m->strs, st_model_display(m, a->arg)),
			           b->arg == ST_NOSTR ? "" : st_str(m->strs, st_model_display(m, b->arg)));
		break;
	}
	default: {
		uint64_t va = tui_value(s->a, s->v, x), vb = tui_value(s->a, s->v, y);
		c = va > vb ? -1 : va < vb;
	}
	}
	if (s->v->reverse)
		c = -c;
	return c ? c : (x > y) - (x < y);
}

/* The visible children of id with at least min_value of time, in display
 * order; *n set; caller frees.  Filtering before sorting keeps the icicle
 * cheap under nodes with thousands of children it could not draw anyway. */
uint32_t *tui_children(app *a, tview *v, uint32_t id, uint64_t min_value,
                       uint32_t *n)
{
	const st_tree *t = v->tree;
	uint32_t all = st_tree_nchildren(t, id), j = 0;
	uint32_t *out = st_xreallocarray(NULL, all + 1, sizeof *out);
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL; c = t->nodes[c].next_sibling)
		if (tui_visible(a, v, c) && tui_value(a, v, c) >= min_value)
			out[j++] = c;
	sort_ctx s = { a, v };
	uint32_t *tmp = st_xreallocarray(NULL, j + 1, sizeof *tmp);
	/* insertion-free merge sort through the tree helper's comparator */
	for (uint32_t w = 1; w < j; w *= 2) {
		for (uint32_t lo = 0; lo < j; lo += 2 * w) {
			uint32_t mid = lo + w < j ? lo + w : j, hi = lo + 2 * w < j ? lo + 2 * w : j;
			uint32_t i = lo, k = mid, o = lo;
			while (i < mid && k < hi)
				tmp[o++] = cmp_nodes(t, out[k], out[i], &s) < 0 ? out[k++] : out[i++];
			while (i < mid) tmp[o++] = out[i++];
			while (k < hi) tmp[o++] = out[k++];
		}
		uint32_t *x = out; out = tmp; tmp = x;
	}
	free(tmp);
	*n = j;
	return out;
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
	(void)a;
	while (v->nzoom > 1 && !in_zoom(v, id))
		v->nzoom--;
	for (uint32_t p = v->tree->nodes[id].parent; p != ST_NIL;
	     p = v->tree->nodes[p].parent) {
		v->expanded[p] = 1;
		v->collapsed[p] = 0;
	}
	v->sel = id;
	v->rows_ok = false;
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
 * is that pass under the function.  Where the whole path does not exist
 * (a pass above its functions has no node in the pivot), the deepest part
 * that does; *exact says which. */
static uint32_t counterpart(const st_tree *from, uint32_t id, const st_tree *to, bool *exact)
{
	*exact = true;
	if (from == to)
		return id;
	uint32_t path[4];
	int n = 0;
	for (uint32_t p = id; p && p != ST_NIL; p = from->nodes[p].parent) {
		if (n == 4) {   /* deeper than crate > CGU > pass > function */
			*exact = false;
			return 0;
		}
		path[n++] = p;
	}
	for (int i = 0; i < n / 2; i++) {   /* root first */
		uint32_t x = path[i]; path[i] = path[n - 1 - i]; path[n - 1 - i] = x;
	}
	if (n == 4) {
		uint32_t x = path[2]; path[2] = path[3]; path[3] = x;
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
	if (ft == tt && from != to)
		memcpy(to->collapsed, from->collapsed, tt->len);
	if (ft == tt) {
		for (uint32_t i = 0; i < tt->len; i++)
			to->expanded[i] &= !to->collapsed[i];
	} else {
		/* crates and CGUs are the levels both trees have; deeper nodes of
		 * one are leaves or missing in the other */
		for (uint32_t cr = ft->nodes[0].first_child; cr != ST_NIL; cr = ft->nodes[cr].next_sibling)
			for (uint32_t n = cr; n != ST_NIL;
			     n = n == cr ? ft->nodes[cr].first_child : ft->nodes[n].next_sibling) {
				bool exact;
				uint32_t m = counterpart(ft, n, tt, &exact);
				if (exact) {
					to->expanded[m] = from->expanded[n];
					to->collapsed[m] = from->collapsed[n];
				}
			}
		to->nzoom = 1;
		for (int i = 1; i < from->nzoom; i++) {
			bool exact;
			uint32_t m = counterpart(ft, from->zoom[i], tt, &exact);
			if (!exact)
				break;
			to->zoom[to->nzoom++] = m;
		}
	}
	bool exact;
	tui_tview_select(a, to, counterpart(ft, from->sel, tt, &exact));
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

/* ---- search ----------------------------------------------------------------- */

static int cache_index(const app *a, const st_tree *t)
{
	return t == &a->m->stack ? 0 : t == &a->m->codegen ? 1 : 2;
}

/* Matched time per node, nested matches once: a match counts whole, other
 * nodes the sum of their children.  Parents precede children in the array,
 * so one backward pass suffices. */
static void compute_filter(tview *v)
{
	const st_tree *t = v->tree;
	free(v->filt);
	v->filt = st_xcalloc(t->len, sizeof *v->filt);
	for (uint32_t id = t->len; id-- > 0;) {
		if (v->match.flags[id] & ST_TM_MATCH)
			v->filt[id] = t->nodes[id].total_ns;
		if (id && !(v->match.flags[t->nodes[id].parent] & ST_TM_MATCH))
			v->filt[t->nodes[id].parent] += v->filt[id];
	}
}

/* Brings a view's match set up to date with the search; views not on
 * screen wait until they are shown, so typing costs one tree's search. */
static void refresh_match(app *a, tview *v)
{
	if (!v->match_stale)
		return;
	v->match_stale = false;
	v->rows_ok = false;
	free(v->hits);
	v->hits = NULL;
	v->nhits = 0;
	st_tree_match_free(&v->match);
	free(v->filt);
	v->filt = NULL;
	if (!a->re) {
		tui_diff_match(a, v);
		return;
	}
	int ci = cache_index(a, v->tree);
	if (!a->cache[ci])
		a->cache[ci] = st_match_cache_new(a->m, a->re, a->raw);
	st_tree_match_compute(&v->match, a->m, v->tree, a->cache[ci]);
	if (a->filter)
		compute_filter(v);
	tui_diff_match(a, v);
}

void tui_search_apply(app *a)
{
	for (int i = 0; i < 3; i++) {
		st_match_cache_free(a->cache[i]);
		a->cache[i] = NULL;
	}
	for (int i = 0; i < 4; i++)
		a->tv[i].match_stale = true;
	a->search_gen++;
	/* the view on screen updates now; the others when they are shown */
	const view_ops *o = tui_views[a->view];
	if (o->search)
		o->search(a);
}

/* Pre-order ranks of every node and the matches in that order, made once
 * per search when n or N is first pressed; each step is then a binary
 * search instead of a walk over the tree. */
static void index_matches(tview *v)
{
	const st_tree *t = v->tree;
	if (!v->rank) {
		v->rank = st_xreallocarray(NULL, t->len + 1, sizeof *v->rank);
		uint32_t r = 0;
		for (uint32_t n = 0; n != ST_NIL; n = st_tree_next_preorder(t, 0, n))
			v->rank[n] = r++;
	}
	free(v->hits);
	v->hits = st_xreallocarray(NULL, v->match.count + 1, sizeof *v->hits);
	v->nhits = 0;
	for (uint32_t n = 0; n != ST_NIL; n = st_tree_next_preorder(t, 0, n))
		if ((v->match.flags[n] & ST_TM_MATCH) && v->nhits < v->match.count)
			v->hits[v->nhits++] = n;
}

static void next_match(app *a, tview *v, bool backwards)
{
	if (!tui_searching(v) || !v->match.count) {
		snprintf(a->message, sizeof a->message, "no matches");
		return;
	}
	if (!v->hits)
		index_matches(v);
	if (!v->nhits)
		return;
	/* first hit ranked after the selection */
	uint32_t r = v->rank[v->sel], lo = 0, hi = v->nhits;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v->rank[v->hits[mid]] <= r) lo = mid + 1; else hi = mid;
	}
	uint32_t i;
	if (!backwards)
		i = lo < v->nhits ? lo : 0;   /* wrap around */
	else {
		uint32_t at = lo;   /* hits before the selection end at lo, or lo-1 is it */
		if (at > 0 && v->hits[at - 1] == v->sel)
			at--;
		i = at > 0 ? at - 1 : v->nhits - 1;
	}
	tui_tview_select(a, v, v->hits[i]);
}

/* ---- the three views ------------------------------------------------------- */

static void draw_tview(app *a, canvas *c, int top, int bottom)
{
	tview *v = tui_cur_tview(a);
	refresh_match(a, v);
	tui_totals_line(a, c, top++);
	int y = top++;
	if (a->detail)
		bottom = tui_draw_detail(a, v, c, bottom);
	/* the shape first: it may move a selection that is no longer shown */
	v->shape->draw(a, v, c, top, bottom);
	tui_breadcrumbs(a, v, c, y);
}

static void set_sort(tview *v, int key)
{
	if (v->sort == key)
		v->reverse = !v->reverse;
	else {
		v->sort = key;
		v->reverse = false;
	}
}

static void set_all_below(tview *v, uint32_t id, bool open)
{
	const st_tree *t = v->tree;
	for (uint32_t n = id; n != ST_NIL; n = st_tree_next_preorder(t, id, n)) {
		v->expanded[n] = open;
		v->collapsed[n] = !open && n != id;
	}
	v->collapsed[id] = !open;
	v->expanded[id] = open;
}

static bool moves_only(int act)
{
	return act == ACT_UP || act == ACT_DOWN || act == ACT_PGUP || act == ACT_PGDN ||
	       act == ACT_HOME || act == ACT_END || act == ACT_NEXT_MATCH ||
	       act == ACT_PREV_MATCH;
}

/* The keys that mean the same in both shapes; the shape's own come first. */
static redraw tview_action(app *a, int act)
{
	tview *v = tui_cur_tview(a);
	const st_tree *t = v->tree;
	refresh_match(a, v);
	redraw r = v->shape->key(a, v, act);
	if (r != R_NONE)
		return (redraw)(r & R_ALL);
	/* everything but moving the selection changes which rows exist */
	if (!moves_only(act))
		v->rows_ok = false;
	switch (act) {
	case ACT_ZOOM:
		if (v->nzoom < 64 && v->sel != tui_zoom_root(v) &&
		    t->nodes[v->sel].first_child != ST_NIL) {
			v->zoom[v->nzoom++] = v->sel;
			v->expanded[v->sel] = 1;
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
	case ACT_EXPAND_ALL: set_all_below(v, v->sel, true); return R_VIEW;
	case ACT_COLLAPSE_ALL: set_all_below(v, v->sel, false); return R_VIEW;
	/* a diff table shows the figure it was last sorted by */
	case ACT_SORT_TOTAL: set_sort(v, SORT_TOTAL); v->fig = FIG_TOTAL; return R_VIEW;
	case ACT_SORT_SELF: set_sort(v, SORT_SELF); v->fig = FIG_SELF; return R_VIEW;
	case ACT_SORT_COUNT: set_sort(v, SORT_COUNT); v->fig = FIG_COUNT; return R_VIEW;
	case ACT_SORT_NAME: set_sort(v, SORT_NAME); return R_VIEW;
	case ACT_SORT_DELTA: case ACT_SORT_ABS_DELTA:
		if (!a->diff) {
			snprintf(a->message, sizeof a->message, "sorting by change needs --diff BASE NEW");
			return R_STATUS;
		}
		set_sort(v, act == ACT_SORT_DELTA ? SORT_DELTA : SORT_ABS_DELTA);
		return R_VIEW;
	case ACT_NEXT_MATCH: next_match(a, v, false); return R_VIEW;
	case ACT_PREV_MATCH: next_match(a, v, true); return R_VIEW;
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
		refresh_match(a, tui_cur_tview(a));
		return R_VIEW;
	}
	if (act != ACT_SHAPE)
		return tview_action(a, act);
	const shape_ops *s = a->tv[2].shape == &tui_shape_table ? &tui_shape_icicle
	                                                         : &tui_shape_table;
	a->tv[2].shape = a->tv[3].shape = s;
	a->tv[2].rows_ok = a->tv[3].rows_ok = false;
	if (s == &tui_shape_table)   /* show the table what the icicle folded */
		carry(a, tui_cur_tview(a), tui_cur_tview(a));
	return R_VIEW;
}

static void search_tview(app *a)
{
	tview *v = tui_cur_tview(a);
	if (v)
		refresh_match(a, v);
}

const view_ops tui_view_icicle = {
	"Icicle", draw_tview, tview_action, tui_tview_status, search_tview, icicle_tview, NULL,
};
const view_ops tui_view_tree = {
	"Tree", draw_tview, tview_action, tui_tview_status, search_tview, tree_tview, NULL,
};
const view_ops tui_view_codegen = {
	"Codegen", draw_tview, codegen_action, tui_tview_status, search_tview, codegen_tview,
	NULL,
};
