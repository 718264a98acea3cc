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
#include "stalactite/treemerge.h"
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

/* ---- merged by label (m) ------------------------------------------------------ */

/* The model trees that have merged twins: stack, codegen, pivot. */
static const st_tree *model_tree(const app *a, int k)
{
	return k == 0 ? &a->m->stack : k == 1 ? &a->m->codegen : &a->m->pivot;
}

/* The stack tree merges by label alone; the codegen trees across crates and
 * CGUs too, into passes and functions over the whole build, as the Summary
 * ranks them. */
static uint32_t merge_skip(int k)
{
	return k == 0 ? 0 : ST_KIND_BIT(ST_K_CRATE) | ST_KIND_BIT(ST_K_CGU);
}

/* BASE's figures summed as st_tree_merge sums NEW's: a left-out node gives
 * its self time to its parent; a node is on both sides when its sources
 * are, or when some are new and some gone. */
static void merge_base(app *a, int k, merged_tree *mt)
{
	const st_tree *src = model_tree(a, k);
	mt->base = st_xcalloc(mt->tree.len, sizeof *mt->base);
	for (uint32_t i = 0; i < mt->tree.len; i++)
		mt->base[i].status = 0xff;
	for (uint32_t id = 0; id < src->len; id++) {
		const st_diff_node *b = st_diff_node_of(a->diff, src, id);
		st_diff_node *o = &mt->base[mt->from[id]];
		o->self_ns += b->self_ns;
		if (merge_skip(k) & ST_KIND_BIT(st_tree_kind(src, id)))
			continue;
		o->total_ns += b->total_ns;
		o->count += b->count;
		o->status = o->status == 0xff || o->status == b->status ? b->status
		                                                        : ST_DIFF_BOTH;
	}
}

merged_tree *tui_merged_of(app *a, const st_tree *src)
{
	int k = src == &a->m->stack ? 0 : src == &a->m->codegen ? 1 : 2;
	merged_tree *mt = &a->mtree[k];
	if (!mt->made) {
		mt->from = st_xreallocarray(NULL, src->len, sizeof *mt->from);
		st_tree_merge(&mt->tree, src, merge_skip(k), mt->from);
		if (a->diff)
			merge_base(a, k, mt);
		mt->made = true;
	}
	return mt;
}

bool tui_is_merged(const app *a, const st_tree *t)
{
	for (int k = 0; k < 3; k++)
		if (a->mtree[k].made && t == &a->mtree[k].tree)
			return true;
	return false;
}

const st_diff_node *tui_diff_base(const app *a, const st_tree *t, uint32_t id)
{
	for (int k = 0; k < 3; k++)
		if (a->mtree[k].made && t == &a->mtree[k].tree)
			return &a->mtree[k].base[id];
	return st_diff_node_of(a->diff, t, id);
}

void tui_free_merged(app *a)
{
	for (int i = 0; i < 4; i++)
		if (a->mtv_made[i])
			tui_tview_free(&a->mtv[i]);
	for (int k = 0; k < 3; k++)
		if (a->mtree[k].made) {
			st_tree_free(&a->mtree[k].tree);
			free(a->mtree[k].from);
			free(a->mtree[k].base);
		}
	memset(a->mtree, 0, sizeof a->mtree);
	memset(a->mtv_made, 0, sizeof a->mtv_made);
}

/* The merged twin of tv[i], made on first use. */
static tview *twin(app *a, int i)
{
	if (!a->mtv_made[i]) {
		merged_tree *mt = tui_merged_of(a, a->tv[i].tree);
		tui_tview_init(&a->mtv[i], &mt->tree, a->tv[i].shape);
		a->mtv[i].match_stale = true;   /* the search it missed */
		a->mtv_made[i] = true;
	}
	return &a->mtv[i];
}

int tui_tviews(app *a, tview *out[8])
{
	int n = 0;
	for (int i = 0; i < 4; i++)
		out[n++] = &a->tv[i];
	for (int i = 0; i < 4; i++)
		if (a->mtv_made[i])
			out[n++] = &a->mtv[i];
	return n;
}

static tview *icicle_tview(app *a) { return a->merged[0] ? twin(a, 0) : &a->tv[0]; }
static tview *tree_tview(app *a) { return a->merged[1] ? twin(a, 1) : &a->tv[1]; }
static tview *codegen_tview(app *a)
{
	int i = a->pivot ? 3 : 2;
	return a->merged[2] ? twin(a, i) : &a->tv[i];
}

static bool within(const st_tree *t, uint32_t id, uint32_t top)
{
	for (uint32_t p = id; p != ST_NIL; p = t->nodes[p].parent)
		if (p == top)
			return true;
	return false;
}

/* The node of the source tree that merged node id stands for: the largest
 * of those that went into it, inside top's subtree. */
static uint32_t unmerge(const merged_tree *mt, const st_tree *src, uint32_t id,
                        uint32_t top)
{
	uint32_t best = ST_NIL;
	for (uint32_t s = 0; s < src->len; s++)
		if (mt->from[s] == id && within(src, s, top) &&
		    (best == ST_NIL || src->nodes[s].total_ns > src->nodes[best].total_ns))
			best = s;
	return best != ST_NIL ? best : top;
}

/* m: the view switches between its tree and the tree merged by label,
 * keeping where it was: the zoom and the selection go to the node they
 * merged into, or back to the largest of the nodes that merged. */
static redraw toggle_merge(app *a)
{
	int f = a->view == V_ICICLE ? 0 : a->view == V_TREE ? 1 : 2;
	int i = f < 2 ? f : a->pivot ? 3 : 2;
	tview *o = tui_cur_tview(a);
	a->merged[f] = !a->merged[f];
	tview *n = tui_cur_tview(a);
	merged_tree *mt = tui_merged_of(a, a->tv[i].tree);
	uint32_t zoom, sel;
	if (a->merged[f]) {
		zoom = mt->from[tui_zoom_root(o)];
		sel = mt->from[o->sel];
	} else {
		zoom = tui_zoom_root(o) ? unmerge(mt, n->tree, tui_zoom_root(o), 0) : 0;
		sel = unmerge(mt, n->tree, o->sel, zoom);
	}
	n->nzoom = 1;
	if (zoom) {
		n->zoom_cut[n->nzoom] = 0;
		n->zoom[n->nzoom++] = zoom;
		n->expanded[zoom] = 1;
		n->collapsed[zoom] = 0;
	}
	n->sort = o->sort;
	n->reverse = o->reverse;
	n->fig = o->fig;
	n->scroll = 0;
	tui_tview_select(a, n, sel);
	snprintf(a->message, sizeof a->message, "%s", !a->merged[f] ? "paths by label and argument"
	         : f < 2 ? "merged by label alone (m: back to paths)"
	         : "passes and functions over all crates and CGUs (m: back)");
	return R_VIEW;
}

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
	v->sel_cut = 0;
	v->rows_ok = false;
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
	tview *all[8];
	for (int i = 0, n = tui_tviews(a, all); i < n; i++)
		all[i]->match_stale = true;
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
	if (act == ACT_MERGE)
		return toggle_merge(a);
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
			v->zoom_cut[v->nzoom] = 0;
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
	a->tv[2].shape = a->tv[3].shape = a->mtv[2].shape = a->mtv[3].shape = s;
	a->tv[2].rows_ok = a->tv[3].rows_ok = a->mtv[2].rows_ok = a->mtv[3].rows_ok = false;
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
