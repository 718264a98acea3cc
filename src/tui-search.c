/* tui-search.c: the search the tree views show: match sets per view
 * (made in slices between keys on large trees, with the caches and parent
 * arrays per tree), the filter's matched time per node, the work done
 * between keys, and n/N in display order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/bigmem.h"
#include "stalactite/xalloc.h"
#include "tui.h"

/* ---- the filter: matched time ------------------------------------------------ */

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
			if (flags[id] & (ST_TM_MATCH | ST_TM_INSIDE))
				filt[id] = t->nodes[id].total_ns;
			if (!(flags[parent[id]] & (ST_TM_MATCH | ST_TM_INSIDE)))
				filt[parent[id]] += filt[id];
		}
	} else {   /* children before parents: reverse pre-order */
		uint32_t *order = st_xreallocarray(NULL, t->len + 1, sizeof *order), k = 0;
		for (uint32_t n = 0; n != ST_NIL; n = st_tree_next_preorder(t, 0, n))
			order[k++] = n;
		while (k-- > 1) {
			uint32_t id = order[k], p = t->nodes[id].parent;
			if (flags[id] & (ST_TM_MATCH | ST_TM_INSIDE))
				filt[id] = t->nodes[id].total_ns;
			if (!(flags[p] & (ST_TM_MATCH | ST_TM_INSIDE)))
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
		/* enter n: a match (and what it holds) counts whole, others wait
		 * for their children */
		if (fl[n] & (ST_TM_MATCH | ST_TM_INSIDE)) {
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

/* Self time as shown: with the filter on, a node that only leads to
 * matches has none of its own (its total is their time); a match and what
 * it holds keep theirs. */
int64_t tui_self(const app *a, const tview *v, uint32_t id)
{
	(void)a;
	if (v->filtered && !(v->match.flags[id] & (ST_TM_MATCH | ST_TM_INSIDE)))
		return 0;
	return v->tree->nodes[id].self_ns;
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

/* ---- search ----------------------------------------------------------------- */

/* Nodes a slice of a match looks at: a few milliseconds, so that typing
 * over millions of nodes never waits for the whole tree. */
#define SLICE (1u << 18)

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
		/* a search of more than a slice streams these instead of the
		 * nodes (treematch.h) */
		if (t->len > SLICE) {
			a->names_size[i] = ((size_t)t->len + 1) * 2 * sizeof *a->names[i];
			a->names[i] = st_big_realloc(NULL, 0, a->names_size[i]);
			a->names[i][0] = t->nodes[0].name;
			a->names[i][1] = t->nodes[0].arg;
		}
	}
	uint32_t *p = a->parents[i], *nm = a->names[i], id = a->parents_len[i];
	if (to > t->len)
		to = t->len;
	for (; id < to; id++) {
		p[id] = t->nodes[id].parent;
		if (p[id] >= id) {   /* not a tree the builder made */
			p[0] = 0;
			id = t->len;
			break;
		}
		if (nm) {
			nm[2 * id] = t->nodes[id].name;
			nm[2 * id + 1] = t->nodes[id].arg;
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
		st_big_free(a->names[i], a->names_size[i]);
		a->names[i] = NULL;
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

/* Another view of v's tree with the search's matches done already (Tree
 * and Icicle show one tree): its set is v's too, copied (a search of 2 M
 * nodes is tens of ms in slices, its flags a 2 MB copy). */
static bool copy_sibling_match(app *a, tview *v)
{
	tview *all[8];
	for (int i = 0, n = tui_tviews(a, all); i < n; i++) {
		const tview *w = all[i];
		if (w == v || w->tree != v->tree || w->match_stale || w->job || !w->match.flags)
			continue;
		st_tree_match tm = w->match;
		tm.flags = st_xmalloc(tm.len ? tm.len : 1);
		memcpy(tm.flags, w->match.flags, tm.len);
		install(a, v, tm);
		return true;
	}
	return false;
}

/* Brings a view's match set up to date with the search.  A new search
 * starts a job made in slices between keys (tui_background_step), while the
 * previous matches stay on screen; wait finishes it now, for what needs
 * the new matches (n, N).  Views not on screen wait until they are shown,
 * so typing costs one tree's search. */
void tui_refresh_match(app *a, tview *v, bool wait)
{
	if (v->match_stale) {
		v->match_stale = false;
		v->filt_stale = false;   /* the new matches come with the filter as it is */
		cancel_job(v);
		if (!a->re) {
			install(a, v, (st_tree_match){ 0 });
		} else if (!copy_sibling_match(a, v)) {
			int ci = cache_index(a, v->tree);
			if (!a->cache[ci])
				a->cache[ci] = st_match_cache_new(a->m, a->re, a->raw);
			uint8_t *buf = v->spare;
			v->spare = NULL;
			v->job = a->cache[ci] ? st_tree_match_begin_into(a->m, v->tree,
			                                                 a->cache[ci], buf) : NULL;
			if (!v->job)
				st_fatal("out of memory (search)");
			/* the columns once made between keys (parents_wanted) */
			if (a->names[ci] && a->parents_len[ci] >= v->tree->len &&
			    a->parents[ci][0] == ST_NIL)
				st_tree_match_use_columns(v->job, a->parents[ci], a->names[ci]);
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
		tui_refresh_match(a, v, false);
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
	if (!a->parents[i] || a->parents_len[i] < v->tree->len)
		return i;
	/* then the merged trees made so far: m's first frame counts rows
	 * over one (3.5 ms for its parents on 2 M nodes) */
	for (int k = 0; k < 3; k++) {
		const st_tree *t = &a->mtree[k].tree;
		if (a->mtree[k].made && (!a->parents[3 + k] || a->parents_len[3 + k] < t->len))
			return 3 + k;
	}
	return -1;
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
	/* then the twin m would show: its first frame faulted its fresh
	 * arrays in (10-27 ms on a merged tree of 2 M nodes' codegen) */
	tview *t = tui_twin_ahead(a);
	if (t) {
		tui_table_arrays(t);
		for (int i = 0; i < 2; i++)
			if (warm_array(t, i, 0))
				return t;
	}
	/* and the tree p would show in Codegen (the first p faulted them in:
	 * 8-20 ms on bench-ui's tree) */
	if (a->view != V_CODEGEN || a->merged[2])
		return NULL;
	t = a->pivot ? &a->tv[2] : &a->tv[3];
	if (t->shape != &tui_shape_table)
		return NULL;
	tui_table_arrays(t);
	for (int i = 0; i < 2; i++)
		if (warm_array(t, i, 0))
			return t;
	return NULL;
}

bool tui_background_pending(const app *a)
{
	return tui_search_busy(a) || parents_wanted(a) >= 0 ||
	       warm_wanted((app *)a) || tui_tables_ahead_pending((app *)a) ||
	       tui_merge_pending((app *)a);
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
	if (v)
		return r;
	if (tui_tables_ahead_pending(a))   /* then what 6 will want */
		tui_tables_ahead_step(a);
	else   /* last: what m will want */
		tui_merge_step(a);
	return r;
}

void tui_match_within(tview *v, uint64_t *total, int64_t *self, uint32_t *count)
{
	uint32_t top = tui_zoom_root(v);
	const st_tree *t = v->tree;
	if (!v->within.ok || v->within.top != top) {
		/* the whole build, or its one crate, holds every match: the
		 * match set's own figures, without a walk over them */
		if (top == 0 || (t->nodes[top].parent == 0 && st_tree_one_child(t, 0))) {
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

const char *tui_no_match_hint(const app *a, const tview *v)
{
	return v->tree == &a->m->stack && a->m->codegen.len > 1
	       ? " here (LLVM passes' functions: 3 Codegen)" : "";
}

/* n and N: the next match below (above) the selection in the order the
 * view shows its rows, folded subtrees included (they open), wrapping
 * with a note.  Only the paths to matches are walked, with children sorted
 * as shown: no index over the whole tree. */
void tui_next_match(app *a, tview *v, bool backwards)
{
	tui_refresh_match(a, v, true);
	if (!tui_searching(v) || !v->match.count) {
		snprintf(a->message, sizeof a->message, "no matches%s",
		         tui_searching(v) ? tui_no_match_hint(a, v) : "");
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
