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
#include "stalactite/bigmem.h"
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/treemerge.h"
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
	tui_tview_invalidate(n);
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

/* The matched time of every node at once (see compute_filter): one
 * backward pass, each child before its parent. */
static void filt_full(app *a, tview *v)
{
	const st_tree *t = v->tree;
	uint64_t *filt = v->filt;
	memset(filt, 0, t->len * sizeof *filt);
	const uint8_t *flags = v->match.flags;
	const uint32_t *parent = tui_tree_parents(a, t);
	if (parent) {
		for (uint32_t id = t->len; id-- > 1;) {
			if (flags[id] & ST_TM_MATCH)
				filt[id] = t->nodes[id].total_ns;
			if (!(flags[parent[id]] & ST_TM_MATCH))
				filt[parent[id]] += filt[id];
		}
	} else {   /* children before parents: reverse pre-order */
		uint32_t *order = st_xreallocarray(NULL, t->len + 1, sizeof *order), k = 0;
		for (uint32_t n = 0; n != ST_NIL; n = st_tree_next_preorder(t, 0, n))
			order[k++] = n;
		while (k-- > 1) {
			uint32_t id = order[k], p = t->nodes[id].parent;
			if (flags[id] & ST_TM_MATCH)
				filt[id] = t->nodes[id].total_ns;
			if (!(flags[p] & ST_TM_MATCH))
				filt[p] += filt[id];
		}
		free(order);
	}
	v->filt_all = true;
}

/* Matched time of id (see compute_filter), made on first use from its
 * children's and kept (filt, fgen): switching the filter on costs only the
 * nodes drawn and sorted and the paths to their matches, not a pass over
 * millions of nodes.  Only paths to a match are walked (a node with no
 * match below has none); once the walks of one match set have looked at
 * an eighth of the tree (or when an eighth of it matches), the one pass
 * over all of it is cheaper. */
static uint64_t filt_of(app *a, tview *v, uint32_t x)
{
	const st_tree *t = v->tree;
	const uint8_t *fl = v->match.flags;
	if (v->filt_all || v->fgen[x] == v->filt_gen)
		return v->filt[x];
	if (v->match.count > t->len / 8) {
		filt_full(a, v);
		return v->filt[x];
	}
	typedef struct frame { uint32_t node, next; uint64_t acc; } frame;
	frame *stk = NULL;
	size_t depth = 0, cap = 0;
	uint32_t n = x;
	uint64_t done;
	for (;;) {
		/* enter n: a match counts whole, others wait for their children */
		if (fl[n] & ST_TM_MATCH) {
			done = t->nodes[n].total_ns;
		} else if (!(fl[n] & ST_TM_ANCESTOR) || t->nodes[n].first_child == ST_NIL) {
			done = 0;
		} else {
			if (depth == cap) {
				cap = cap ? cap * 2 : 32;
				stk = st_xreallocarray(stk, cap, sizeof *stk);
			}
			stk[depth++] = (frame){ n, t->nodes[n].first_child, 0 };
			goto next;
		}
		v->filt[n] = done;
		v->fgen[n] = v->filt_gen;
		if (!depth)
			break;
		stk[depth - 1].acc += done;
	next:
		/* the next child worth entering, or leave the frame */
		for (;;) {
			frame *f = &stk[depth - 1];
			uint32_t c = f->next;
			if (c != ST_NIL) {
				if (++v->filt_work > t->len / 8) {
					free(stk);
					filt_full(a, v);
					return v->filt[x];
				}
				f->next = t->nodes[c].next_sibling;
				if (!(fl[c] & (ST_TM_MATCH | ST_TM_ANCESTOR)))
					continue;
				if (v->fgen[c] == v->filt_gen) {
					f->acc += v->filt[c];
					continue;
				}
				n = c;
				break;
			}
			v->filt[f->node] = f->acc;
			v->fgen[f->node] = v->filt_gen;
			done = f->acc;
			if (--depth == 0)
				goto out;
			stk[depth - 1].acc += done;
		}
	}
out:
	free(stk);
	return v->filt[x];
}

/* Time that decides a node's width and rank: with the filter on, only the
 * time of its matches. */
uint64_t tui_value(const app *a, const tview *v, uint32_t id)
{
	if (v->filtered)   /* a cache: filling it changes nothing shown */
		return filt_of((app *)a, (tview *)v, id);
	return v->tree->nodes[id].total_ns;
}

bool tui_visible(const app *a, const tview *v, uint32_t id)
{
	/* the icicle keeps small changes: hiding them would leave holes */
	if (a->diff && a->min_delta && v->shape != &tui_shape_icicle &&
	    !tui_diff_visible(a, v, id))
		return false;
	if (!v->filtered)
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
		k->k = s->v->sort == SORT_SELF ? (uint64_t)n->self_ns ^ (UINT64_C(1) << 63)
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

/* The visible children of id with at least min_value of time, in display
 * order; *n set; caller frees.  Filtering before sorting keeps the icicle
 * cheap under nodes with thousands of children it could not draw anyway. */
uint32_t *tui_children(app *a, tview *v, uint32_t id, uint64_t min_value,
                       uint32_t *n)
{
	const st_tree *t = v->tree;
	sort_ctx s = { a, v, by_mode(v) };
	skey *keys = NULL;
	uint32_t j = 0, cap = 0;
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL; c = t->nodes[c].next_sibling) {
		if (!tui_visible(a, v, c) || (min_value && tui_value(a, v, c) < min_value))
			continue;
		if (j == cap) {
			cap = cap ? cap * 2 : 16;
			keys = st_xreallocarray(keys, cap, sizeof *keys);
		}
		fill_key(&s, &keys[j++], c);
	}
	sort_keys(&s, keys, j);
	uint32_t *out = st_xreallocarray(NULL, j + 1, sizeof *out);
	for (uint32_t i = 0; i < j; i++)
		out[i] = keys[i].id;
	free(keys);
	*n = j;
	return out;
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
	tui_tview_invalidate(to);   /* expansion written directly: count again */
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

/* Per-tree search state (match caches, parent arrays): the model's three
 * trees, then the three merged ones. */
static int cache_index(const app *a, const st_tree *t)
{
	for (int k = 0; k < 3; k++)
		if (t == &a->mtree[k].tree)
			return 3 + k;
	return t == &a->m->stack ? 0 : t == &a->m->codegen ? 1 : 2;
}

/* Fills the parent array of tree i up to node `to` (a slice at a time
 * between keys, or at once when needed); a tree whose parent ids do not all
 * precede their children's gets none. */
static void fill_parents(app *a, int i, const st_tree *t, uint32_t to)
{
	if (!a->parents[i]) {
		a->parents_size[i] = ((size_t)t->len + 1) * sizeof *a->parents[i];
		a->parents[i] = st_big_realloc(NULL, 0, a->parents_size[i]);
		a->parents[i][0] = ST_NIL;
		a->parents_len[i] = 1;
	}
	uint32_t *p = a->parents[i], id = a->parents_len[i];
	if (to > t->len)
		to = t->len;
	for (; id < to; id++) {
		p[id] = t->nodes[id].parent;
		if (p[id] >= id) {   /* not a tree the builder made */
			p[0] = 0;
			id = t->len;
			break;
		}
	}
	if (id > a->parents_len[i])
		a->parents_len[i] = id;
}

static const st_tree *tree_of(const app *a, int i)
{
	if (i >= 3)
		return &a->mtree[i - 3].tree;
	return i == 0 ? &a->m->stack : i == 1 ? &a->m->codegen : &a->m->pivot;
}

const uint32_t *tui_tree_parents(app *a, const st_tree *t)
{
	int i = cache_index(a, t);
	if (!a->parents[i] || a->parents_len[i] < t->len)
		fill_parents(a, i, t, t->len);
	return a->parents[i][0] == ST_NIL ? a->parents[i] : NULL;
}

void tui_search_free(app *a)
{
	for (int i = 0; i < NTREES; i++) {
		st_match_cache_free(a->cache[i]);
		a->cache[i] = NULL;
		st_big_free(a->parents[i], a->parents_size[i]);
		a->parents[i] = NULL;
	}
}

/* Matched time per node, nested matches once: a match counts whole, other
 * nodes the sum of their children.  Made as nodes are looked at (filt_of),
 * once per match set (switching the filter off and on keeps it), except in
 * a diff, whose columns read filt directly. */
static void compute_filter(app *a, tview *v)
{
	const st_tree *t = v->tree;
	if (!v->filt) {   /* zeroed mappings: pages are touched only where filled */
		v->filt = st_big_calloc(((size_t)t->len + 1) * sizeof *v->filt);
		v->fgen = st_big_calloc(((size_t)t->len + 1) * sizeof *v->fgen);
	}
	if (a->diff && !v->filt_all)
		filt_full(a, v);
}

static void recycle(tview *v, uint8_t *flags)
{
	if (v->spare)
		free(flags);
	else
		v->spare = flags;
}

static void cancel_job(tview *v)
{
	if (v->job) {
		recycle(v, st_tree_match_job_cancel(v->job));
		v->job = NULL;
	}
}

/* What follows from the match set or the filter: the filter's times, the
 * diff's figures, the figures in the zoom, and with the filter on which
 * rows exist (without it a search changes highlights only). */
static void match_changed(app *a, tview *v)
{
	bool filtered = v->filtered;   /* the rows were made with the filter */
	v->filt_stale = false;
	v->filtered = a->filter && v->match.flags;
	if (v->filtered)
		compute_filter(a, v);
	tui_diff_match(a, v);
	if (v->filtered || filtered)
		tui_tview_invalidate(v);
}

static void install(app *a, tview *v, st_tree_match tm)
{
	recycle(v, v->match.flags);
	v->match = tm;
	v->within.ok = false;
	v->filt_gen++;   /* the matched times are the new matches' */
	v->filt_all = false;
	v->filt_work = 0;
	match_changed(a, v);
}

/* Nodes a slice of a match looks at: a few milliseconds, so that typing
 * over millions of nodes never waits for the whole tree. */
#define SLICE (1u << 18)

static bool step_job(app *a, tview *v, uint32_t budget)
{
	st_tree_match tm;
	if (!st_tree_match_step(v->job, budget, &tm))
		return false;
	st_tree_match_job_free(v->job);   /* the flags are tm's */
	v->job = NULL;
	install(a, v, tm);
	return true;
}

/* Brings a view's match set up to date with the search.  A new search
 * starts a job made in slices between keys (tui_background_step), while the
 * previous matches stay on screen; wait finishes it now, for what needs
 * the new matches (n, N).  Views not on screen wait until they are shown,
 * so typing costs one tree's search. */
static void refresh_match(app *a, tview *v, bool wait)
{
	if (v->match_stale) {
		v->match_stale = false;
		v->filt_stale = false;   /* the new matches come with the filter as it is */
		cancel_job(v);
		if (!a->re) {
			install(a, v, (st_tree_match){ 0 });
		} else {
			int ci = cache_index(a, v->tree);
			if (!a->cache[ci])
				a->cache[ci] = st_match_cache_new(a->m, a->re, a->raw);
			uint8_t *buf = v->spare;
			v->spare = NULL;
			v->job = a->cache[ci] ? st_tree_match_begin_into(a->m, v->tree,
			                                                 a->cache[ci], buf) : NULL;
			if (!v->job)
				st_fatal("out of memory (search)");
		}
	}
	/* the filter switched: rows follow the matches they show, so finish */
	if (v->job && (wait || v->filt_stale))
		step_job(a, v, UINT32_MAX);
	if (v->filt_stale)
		match_changed(a, v);
}

void tui_search_apply(app *a)
{
	tview *all[8];
	for (int i = 0, n = tui_tviews(a, all); i < n; i++) {
		cancel_job(all[i]);
		all[i]->match_stale = true;
	}
	/* the caches are emptied, not freed: their memory is warm */
	for (int i = 0; i < NTREES; i++) {
		if (a->cache[i] && a->re) {
			st_match_cache_reset(a->cache[i], a->re, a->raw);
		} else {   /* no pattern: nothing may test the old one */
			st_match_cache_free(a->cache[i]);
			a->cache[i] = NULL;
		}
	}
	a->search_gen++;
	/* the view on screen updates now; the others when they are shown */
	const view_ops *o = tui_views[a->view];
	if (o->search)
		o->search(a);
}

void tui_search_refilter(app *a)
{
	tview *all[8];
	for (int i = 0, n = tui_tviews(a, all); i < n; i++)
		all[i]->filt_stale = true;
	tview *v = tui_cur_tview(a);
	if (v)
		refresh_match(a, v, false);
}

bool tui_search_busy(const app *a)
{
	tview *all[8];
	for (int i = 0, n = tui_tviews((app *)a, all); i < n; i++)
		if (all[i]->job)
			return true;
	return false;
}

/* The parent array of the tree on screen is made between keys, so that
 * the first e or filter over millions of nodes does not wait for it. */
static int parents_wanted(const app *a)
{
	const view_ops *o = tui_views[a->view];
	const tview *v = o->tview ? o->tview((app *)a) : NULL;
	if (!v)
		return -1;
	int i = cache_index(a, v->tree);
	return !a->parents[i] || a->parents_len[i] < v->tree->len ? i : -1;
}

/* The per-node arrays of the view on screen (the table's counts, the
 * filter's times, allocated once a search is shown) are faulted in between
 * keys, a page per 4 KiB written with what it holds: a fresh 16 MB array
 * costs up to 80 ms of page faults on this VM when huge pages are not to
 * be had, which would otherwise fall on the first e or f. */
static bool warm_array(tview *v, int which, size_t budget)
{
	size_t n = (size_t)v->tree->len + 1;
	char *p = which == 0 ? (char *)v->below : which == 1 ? (char *)v->bgen
	        : which == 2 ? (char *)v->filt : (char *)v->fgen;
	size_t size = which == 2 ? n * sizeof *v->filt : n * sizeof *v->below;
	if (!p || (v->warm & (1u << which)))
		return false;
	if (budget) {
		size_t end = v->warm_at[which] + budget < size ? v->warm_at[which] + budget : size;
		for (size_t o = v->warm_at[which]; o < end; o += 4096)
			((volatile char *)p)[o] = p[o];
		v->warm_at[which] = end;
		if (end == size)
			v->warm |= 1u << which;
	}
	return true;
}

static tview *warm_wanted(app *a)
{
	tview *v = tui_cur_tview(a);
	if (!v)
		return NULL;
	if (v->match.flags && !v->filt) {   /* f will want them */
		size_t n = (size_t)v->tree->len + 1;
		v->filt = st_big_calloc(n * sizeof *v->filt);
		v->fgen = st_big_calloc(n * sizeof *v->fgen);
	}
	for (int i = 0; i < 4; i++)
		if (warm_array(v, i, 0))
			return v;
	return NULL;
}

bool tui_background_pending(const app *a)
{
	return tui_search_busy(a) || parents_wanted(a) >= 0 || warm_wanted((app *)a);
}

redraw tui_background_step(app *a)
{
	redraw r = R_NONE;
	if (tui_search_busy(a)) {
		tview *all[8];
		for (int i = 0, n = tui_tviews(a, all); i < n; i++) {
			tview *v = all[i];
			if (v->job && step_job(a, v, SLICE) && v == tui_cur_tview(a))
				r = R_VIEW;
		}
		return r;
	}
	int i = parents_wanted(a);
	if (i >= 0) {
		uint32_t from = a->parents[i] ? a->parents_len[i] : 0;
		fill_parents(a, i, tree_of(a, i), from + SLICE);
		return r;
	}
	tview *v = warm_wanted(a);
	for (int k = 0; v && k < 4; k++)
		if (warm_array(v, k, (size_t)1 << 20))   /* a MB: 256 faults at most */
			break;
	return r;
}

void tui_match_within(tview *v, uint64_t *total, int64_t *self, uint32_t *count)
{
	uint32_t top = tui_zoom_root(v);
	const st_tree *t = v->tree;
	if (!v->within.ok || v->within.top != top) {
		/* the whole build, or its one crate, holds every match: the
		 * match set's own figures, without a walk over them */
		if (top == 0 || (t->nodes[top].parent == 0 && st_tree_nchildren(t, 0) == 1)) {
			v->within.total = v->match.total_ns;
			v->within.self = v->match.self_ns;
			v->within.count = v->match.count;
		} else {
			st_tree_match_within(&v->match, t, top, &v->within.total,
			                     &v->within.self, &v->within.count);
		}
		v->within.top = top;
		v->within.ok = true;
	}
	*total = v->within.total;
	*self = v->within.self;
	*count = v->within.count;
}

/* ---- n and N ---------------------------------------------------------------- */

/* On the way to a match the view shows: n and N walk only these. */
static bool on_match_path(const app *a, const tview *v, uint32_t id)
{
	return (v->match.flags[id] & (ST_TM_MATCH | ST_TM_ANCESTOR)) && tui_visible(a, v, id);
}

static uint32_t index_in(const uint32_t *kids, uint32_t n, uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (kids[i] == id)
			return i;
	return n;
}

/* The node after x in display order (depth first, children in the order
 * shown), skipping subtrees without a match; ST_NIL after the last. */
static uint32_t after(app *a, tview *v, uint32_t x)
{
	uint32_t n;
	const uint32_t *kids = tui_sorted_children(a, v, x, &n);
	for (uint32_t i = 0; i < n; i++)
		if (on_match_path(a, v, kids[i]))
			return kids[i];
	for (uint32_t c = x, p; (p = v->tree->nodes[c].parent) != ST_NIL; c = p) {
		kids = tui_sorted_children(a, v, p, &n);
		for (uint32_t i = index_in(kids, n, c) + 1; i < n; i++)
			if (on_match_path(a, v, kids[i]))
				return kids[i];
	}
	return ST_NIL;
}

/* The last node in display order within x's subtree that is on a match's
 * path (x itself when none below is). */
static uint32_t last_below(app *a, tview *v, uint32_t x)
{
	for (;;) {
		uint32_t n, i;
		const uint32_t *kids = tui_sorted_children(a, v, x, &n);
		for (i = n; i > 0 && !on_match_path(a, v, kids[i - 1]); i--)
			;
		if (!i)
			return x;
		x = kids[i - 1];
	}
}

/* The node before x in display order, skipping subtrees without a match;
 * ST_NIL before the first (the whole build). */
static uint32_t before(app *a, tview *v, uint32_t x)
{
	uint32_t p = v->tree->nodes[x].parent, n;
	if (p == ST_NIL)
		return ST_NIL;
	const uint32_t *kids = tui_sorted_children(a, v, p, &n);
	for (uint32_t i = index_in(kids, n, x); i-- > 0;)
		if (on_match_path(a, v, kids[i]))
			return last_below(a, v, kids[i]);
	return p;
}

/* n and N: the next match below (above) the selection in the order the
 * view shows its rows, folded subtrees included (they open), wrapping
 * with a note.  Only the paths to matches are walked, with children sorted
 * as shown: no index over the whole tree. */
static void next_match(app *a, tview *v, bool backwards)
{
	refresh_match(a, v, true);
	if (!tui_searching(v) || !v->match.count) {
		snprintf(a->message, sizeof a->message, "no matches");
		return;
	}
	bool wrapped = false;
	uint32_t x = v->sel;
	for (;;) {
		x = backwards ? before(a, v, x) : after(a, v, x);
		if (x == ST_NIL) {
			if (wrapped)
				break;   /* round once: no match is shown */
			wrapped = true;
			x = backwards ? last_below(a, v, 0) : 0;
			if (x != 0 && (v->match.flags[x] & ST_TM_MATCH))
				break;
			continue;
		}
		if ((v->match.flags[x] & ST_TM_MATCH) || (wrapped && x == v->sel))
			break;
	}
	if (x == ST_NIL || !(v->match.flags[x] & ST_TM_MATCH)) {
		snprintf(a->message, sizeof a->message, "no match is shown (the filter or "
		         "the change threshold hides them)");
		return;
	}
	if (wrapped)
		snprintf(a->message, sizeof a->message, x == v->sel ? "the only match"
		         : backwards ? "search wrapped to the bottom" : "search wrapped to the top");
	tui_tview_select(a, v, x);
}

/* ---- the three views ------------------------------------------------------- */

static void draw_tview(app *a, canvas *c, int top, int bottom)
{
	tview *v = tui_cur_tview(a);
	refresh_match(a, v, false);
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
		return toggle_merge(a);
	tview *v = tui_cur_tview(a);
	const st_tree *t = v->tree;
	refresh_match(a, v, false);
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
		refresh_match(a, tui_cur_tview(a), false);
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
		refresh_match(a, v, false);
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
