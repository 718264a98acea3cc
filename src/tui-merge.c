/* tui-merge.c: the tree views' trees merged by label alone (m): made from
 * a model tree when first shown (the codegen trees across crates and CGUs
 * too), BASE's figures merged alike in a diff, a view state over each,
 * and switching between a tree and its merged twin where the view was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/treemerge.h"
#include "stalactite/xalloc.h"
#include "tui.h"

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

static int tree_index(const app *a, const st_tree *src)
{
	return src == &a->m->stack ? 0 : src == &a->m->codegen ? 1 : 2;
}

/* Places up to n more nodes of tree k's twin; true once it is made. */
static bool merge_some(app *a, int k, uint32_t n)
{
	merged_tree *mt = &a->mtree[k];
	if (mt->made)
		return true;
	const st_tree *src = model_tree(a, k);
	if (!mt->job) {
		mt->from = st_xreallocarray(NULL, src->len, sizeof *mt->from);
		mt->job = st_tree_merge_begin(&mt->tree, src, merge_skip(k), mt->from);
	}
	if (!st_tree_merge_step(mt->job, n))
		return false;
	st_tree_merge_free(mt->job);
	mt->job = NULL;
	if (a->diff)
		merge_base(a, k, mt);
	mt->made = true;
	return true;
}

merged_tree *tui_merged_of(app *a, const st_tree *src)
{
	int k = tree_index(a, src);
	merge_some(a, k, UINT32_MAX);
	return &a->mtree[k];
}

/* A slice: about a millisecond of placing nodes. */
#define MERGE_SLICE 65536

/* The twin a key would show next: m's, of the model tree on screen; in
 * the Codegen view p's too, of the other codegen tree (made on the key,
 * merged or not, it took 60-190 ms on 2 M nodes). */
static int merge_wanted(app *a)
{
	const tview *v = tui_cur_tview(a);
	int want[2], n = 0;
	for (int i = 0; i < 4; i++)
		if (v == &a->tv[i] || v == &a->mtv[i])
			want[n++] = tree_index(a, a->tv[i].tree);
	if (n && a->view == V_CODEGEN)
		want[n++] = want[0] == 1 ? 2 : 1;
	for (int i = 0; i < n; i++)
		if (!a->mtree[want[i]].made)
			return want[i];
	return -1;
}

bool tui_merge_pending(app *a)
{
	return merge_wanted(a) >= 0;
}

void tui_merge_step(app *a)
{
	int k = merge_wanted(a);
	if (k >= 0)
		merge_some(a, k, MERGE_SLICE);
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
		if (a->mtree[k].made || a->mtree[k].job) {
			st_tree_merge_free(a->mtree[k].job);
			st_tree_free(&a->mtree[k].tree);
			free(a->mtree[k].from);
			free(a->mtree[k].base);
		}
	memset(a->mtree, 0, sizeof a->mtree);
	memset(a->mtv_made, 0, sizeof a->mtv_made);
}

/* The merged twin of tv[i], made on first use. */
tview *tui_twin(app *a, int i)
{
	if (!a->mtv_made[i]) {
		merged_tree *mt = tui_merged_of(a, a->tv[i].tree);
		tui_tview_init(&a->mtv[i], &mt->tree, a->tv[i].shape);
		a->mtv[i].match_stale = true;   /* the search it missed */
		a->mtv_made[i] = true;
	}
	return &a->mtv[i];
}

tview *tui_twin_ahead(app *a)
{
	int f = a->view == V_ICICLE ? 0 : a->view == V_TREE ? 1 : a->view == V_CODEGEN ? 2 : -1;
	if (f < 0 || a->merged[f])
		return NULL;
	int i = f < 2 ? f : a->pivot ? 3 : 2;
	if (!a->mtv_made[i] && !a->mtree[tree_index(a, a->tv[i].tree)].made)
		return NULL;
	return tui_twin(a, i);
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
redraw tui_toggle_merge(app *a)
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
