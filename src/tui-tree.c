/* tui-tree.c: the views over a tree — the icicle and the ncdu-style table —
 * with their shared state (selection, zoom stack, collapse, sort) and the
 * search they show (highlighting, n/N, filter).  The icicle, tree and
 * codegen views are all this code over different trees.  Their status
 * line, breadcrumbs and detail pane: tui-status.c. */
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

void tui_tview_init(tview *v, const st_tree *t, bool icicle)
{
	memset(v, 0, sizeof *v);
	v->tree = t;
	v->collapsed = zalloc(t->len);
	v->expanded = zalloc(t->len);
	v->zoom[0] = 0;
	v->nzoom = 1;
	v->icicle = icicle;
	v->expanded[0] = 1;
	/* open the crates: with one crate, its contents are the interesting part */
	for (uint32_t c = t->nodes[0].first_child; c != ST_NIL; c = t->nodes[c].next_sibling)
		if (st_tree_nchildren(t, 0) == 1)
			v->expanded[c] = 1;
	/* a build opens on its root; one crate on that crate */
	v->sel = st_tree_nchildren(t, 0) == 1 ? t->nodes[0].first_child : 0;
	/* one crate: the icicle starts inside it (Backspace zooms out) */
	if (icicle && st_tree_nchildren(t, 0) == 1) {
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
	switch (a->view) {
	case V_ICICLE: return &a->tv[0];
	case V_TREE: return &a->tv[1];
	case V_CODEGEN: return a->pivot ? &a->tv[3] : &a->tv[2];
	default: return NULL;
	}
}

const st_tree *tui_codegen_tree(const app *a)
{
	return a->pivot ? &a->m->pivot : &a->m->codegen;
}

/* Time that decides a node's width and rank: with the filter on, only the
 * time of its matches. */
static uint64_t value(const app *a, const tview *v, uint32_t id)
{
	if (a->filter && v->filt)
		return v->filt[id];
	return v->tree->nodes[id].total_ns;
}

static bool visible(const app *a, const tview *v, uint32_t id)
{
	/* the icicle keeps small changes: hiding them would leave holes */
	if (a->diff && a->min_delta && !v->icicle && !tui_diff_visible(a, v, id))
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

static style kind_style(app *a, const st_tree *t, uint32_t id)
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
		uint64_t va = value(s->a, s->v, x), vb = value(s->a, s->v, y);
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
static uint32_t *children_min(app *a, tview *v, uint32_t id, uint64_t min_value,
                              uint32_t *n)
{
	const st_tree *t = v->tree;
	uint32_t all = st_tree_nchildren(t, id), j = 0;
	uint32_t *out = st_xreallocarray(NULL, all + 1, sizeof *out);
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL; c = t->nodes[c].next_sibling)
		if (visible(a, v, c) && value(a, v, c) >= min_value)
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

static uint32_t *children(app *a, tview *v, uint32_t id, uint32_t *n)
{
	return children_min(a, v, id, 0, n);
}

/* ---- the table -------------------------------------------------------------- */

static void push_row(tview *v, uint32_t id, int depth)
{
	if (v->nrows == v->caprows) {
		v->caprows = v->caprows ? v->caprows * 2 : 256;
		v->rows = st_xreallocarray(v->rows, v->caprows, sizeof *v->rows);
		v->rdepth = st_xrealloc(v->rdepth, v->caprows);
	}
	v->rows[v->nrows] = id;
	v->rdepth[v->nrows++] = (uint8_t)(depth > 255 ? 255 : depth);
}

/* The rows below id in display order.  A loop over an explicit stack of
 * sorted child lists, not recursion: an expanded tree may be as deep as
 * the builder allows (ST_MAX_NESTING), far beyond what the C stack takes. */
static void flatten(app *a, tview *v, uint32_t id)
{
	typedef struct level { uint32_t *kids, n, i; } level;
	level *stk = NULL;
	size_t depth = 0, cap = 0;
	uint32_t next = id;
	for (;;) {
		if (next != ST_NIL) {   /* open next: its children become a level */
			if (depth == cap) {
				cap = cap ? cap * 2 : 64;
				stk = st_xreallocarray(stk, cap, sizeof *stk);
			}
			level *l = &stk[depth++];
			l->kids = children(a, v, next, &l->n);
			l->i = 0;
			next = ST_NIL;
		}
		level *l = &stk[depth - 1];
		if (l->i == l->n) {
			free(l->kids);
			if (--depth == 0)
				break;
			continue;
		}
		uint32_t k = l->kids[l->i++];
		push_row(v, k, (int)depth - 1);
		if (v->expanded[k])
			next = k;
	}
	free(stk);
}

static void rebuild_rows(app *a, tview *v)
{
	if (v->rows_ok)
		return;
	v->nrows = 0;
	tui_diff_prepare(a, v);
	flatten(a, v, tui_zoom_root(v));
	v->rows_ok = true;
}

static int row_of(const tview *v, uint32_t id)
{
	for (uint32_t i = 0; i < v->nrows; i++)
		if (v->rows[i] == id)
			return (int)i;
	return -1;
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

static const char *bar(app *a, double frac, int w, char *buf, size_t cap)
{
	static const char *const eighths[] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e",
		"\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89" };
	size_t o = 0;
	if (frac < 0) frac = 0;
	if (frac > 1) frac = 1;
	int units = (int)(frac * w * 8 + 0.5);
	for (int i = 0; i < units / 8 && o + 4 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s", a->ascii ? "#" : "\xe2\x96\x88");
	if (units % 8 && o + 4 < cap)
		o += (size_t)snprintf(buf + o, cap - o, "%s", a->ascii ? "" : eighths[units % 8]);
	buf[o] = '\0';
	return buf;
}

static void draw_table(app *a, tview *v, canvas *c, int top, int bottom)
{
	rebuild_rows(a, v);
	int rows = bottom - top;
	int sel = row_of(v, v->sel);
	if (sel < 0 && v->nrows) {
		v->sel = v->rows[0];
		sel = 0;
	}
	if (sel < v->scroll) v->scroll = sel;
	if (sel >= v->scroll + rows) v->scroll = sel - rows + 1;
	if (v->scroll < 0) v->scroll = 0;
	const st_tree *t = v->tree;
	double whole = (double)value(a, v, tui_zoom_root(v));
	/* narrow terminals drop the bar, then the count, to keep room for names */
	int barw = c->w >= 100 ? 16 : c->w >= 80 ? 8 : 0;
	bool count = c->w >= 64;
	int namex = 28 + (count ? 8 : 0) + (barw ? barw + 3 : 1);
	if (a->diff) {
		namex = tui_diff_header(a, v, c, top - 1);
	} else {
		cv_fill(c, top - 1, 0, c->w, L' ', S_HEADER);
		cv_text(c, top - 1, 0, c->w, count ? "    total      self   count       %"
		                                   : "    total      self       %", S_HEADER);
		cv_text(c, top - 1, namex, c->w, "name", S_HEADER);
	}
	if (!v->nrows)
		cv_text(c, top, 2, c->w, a->filter ? "(nothing matches)"
		        : a->diff && a->min_delta ? "(no change that large)" : "(empty)", S_DIM);
	for (int r = 0; r < rows && v->scroll + r < (int)v->nrows; r++) {
		uint32_t id = v->rows[v->scroll + r];
		const st_node *n = &t->nodes[id];
		int y = top + r;
		char tot[32], self[32], pct[16], cnt[24], line[128], b[64], label[1024];
		if (a->diff) {
			tui_diff_row(a, v, c, y, id);
		} else {
			st_fmt_ns_col(tot, sizeof tot, (int64_t)value(a, v, id), a->ascii, 9);
			st_fmt_ns_col(self, sizeof self, n->self_ns, a->ascii, 9);
			st_fmt_pct(pct, sizeof pct, (double)value(a, v, id), whole);
			snprintf(cnt, sizeof cnt, "%u", n->count);
			if (count)
				snprintf(line, sizeof line, "%s %s %7s %7s ", tot, self, cnt, pct);
			else
				snprintf(line, sizeof line, "%s %s %7s ", tot, self, pct);
			int x = cv_text(c, y, 0, c->w, line, S_NORMAL);
			if (barw) {
				x = cv_text(c, y, x, c->w, "[", S_NORMAL);
				cv_text(c, y, x, x + barw, bar(a, whole > 0 ? value(a, v, id) / whole : 0,
				                                barw, b, sizeof b), S_BAR);
				cv_text(c, y, x + barw, c->w, "] ", S_NORMAL);
			}
		}
		int nx = namex + 2 * v->rdepth[v->scroll + r];
		bool kids = n->first_child != ST_NIL;
		const char *mark = !kids ? "  " : v->expanded[id]
		                   ? (a->ascii ? "- " : "\xe2\x96\xbe ")
		                   : (a->ascii ? "+ " : "\xe2\x96\xb8 ");
		nx = cv_text(c, y, nx, c->w, mark, S_DIM);
		if (a->diff)
			nx = tui_diff_mark(a, v, c, y, nx, id);
		tui_node_label(a, t, id, label, sizeof label);
		style st = kind_style(a, t, id);
		if (tui_searching(v) && (v->match.flags[id] & ST_TM_MATCH))
			st = S_MATCH;
		else if (tui_searching(v) && (v->match.flags[id] & ST_TM_ANCESTOR))
			st = S_ANCESTOR;
		if (cv_width(c, label) > c->w - nx) {
			char el[1024];
			st_name_elide_generics(label, strlen(label), el, sizeof el, a->ascii);
			cv_text_crop(c, y, nx, c->w, el, st);
		} else {
			cv_text(c, y, nx, c->w, label, st);
		}
		cv_set_hit(c, y, 0, c->w, id);
		if (id == v->sel)
			cv_restyle(c, y, 0, c->w, S_SELECTED);
	}
}

static void move_rows(app *a, tview *v, int delta)
{
	rebuild_rows(a, v);
	if (!v->nrows)
		return;
	int r = row_of(v, v->sel);
	r = r < 0 ? 0 : r + delta;
	if (r < 0) r = 0;
	if (r >= (int)v->nrows) r = (int)v->nrows - 1;
	v->sel = v->rows[r];
}

/* ---- the icicle --------------------------------------------------------------- */

/* Draws id over columns [x0, x1) (in eighths of a cell) at row y, then its
 * children below, in proportion to their time. */
static void draw_icicle_node(app *a, tview *v, canvas *c, uint32_t id, int y,
                             int bottom, long x0, long x1, int shade)
{
	if (y >= bottom || x1 - x0 < 1)
		return;
	if (x1 - x0 < 8) {
		/* narrower than a cell: an eighth block as wide as the node */
		static const wchar_t eighths[8] = { L' ', L'\x258f', L'\x258e', L'\x258d',
		                                    L'\x258c', L'\x258b', L'\x258a', L'\x2589' };
		int cx = (int)(x0 / 8);
		if (!a->ascii && cx < c->w && c->cells[y * c->w + cx].ch == L' ') {
			cv_fill(c, y, cx, cx + 1, eighths[x1 - x0], id == v->sel ? S_SELECTED
			        : a->diff ? tui_diff_sliver_style(a, v, id) : S_DIM);
			cv_set_hit(c, y, cx, cx + 1, id);
		}
		return;
	}
	const st_tree *t = v->tree;
	int cx0 = (int)((x0 + 4) / 8), cx1 = (int)((x1 + 4) / 8);
	if (cx1 <= cx0)
		cx1 = cx0 + 1;
	style st = shade ? S_BOX_ALT : S_BOX;
	/* in a diff the colour says what changed, not what kind it is */
	style ks = a->diff ? S_NORMAL : kind_style(a, t, id);
	if (a->diff) st = tui_diff_box_style(a, v, id, shade);
	if (ks == S_ASYNC) st = S_BOX_ASYNC;
	if (ks == S_CLOSURE) st = S_BOX_CLOSURE;
	if (tui_searching(v) && (v->match.flags[id] & ST_TM_MATCH)) st = S_BOX_MATCH;
	bool hides_match = tui_searching(v) && v->collapsed[id] &&
	                   (v->match.flags[id] & ST_TM_ANCESTOR);
	if (id == v->sel) st = S_SELECTED;
	cv_fill(c, y, cx0, cx1, L' ', st);
	char label[1024], el[1024];
	tui_node_label(a, t, id, label, sizeof label);
	if (a->diff)
		tui_diff_box_label(a, v, id, label, sizeof label);
	const char *show = label;
	if (cv_width(c, label) > cx1 - cx0 - 1) {
		st_name_elide_generics(label, strlen(label), el, sizeof el, a->ascii);
		show = el;
	}
	if (cx1 - cx0 >= 4)   /* narrower boxes would show only an ellipsis */
		cv_text_crop(c, y, cx0 + 1, cx1 - 1, show, st);
	if (cx0 > 0 && cx1 - cx0 >= 2)
		cv_fill(c, y, cx0, cx0 + 1, a->ascii ? L'|' : L'\x2502', st);
	cv_set_hit(c, y, cx0, cx1, id);
	if (v->collapsed[id] && t->nodes[id].first_child != ST_NIL) {
		/* folded: "+", or "*" when a match is folded away inside */
		if (cx1 - cx0 >= 3)
			cv_text(c, y, cx1 - 1, cx1, hides_match ? "*" : "+",
			        hides_match ? S_BOX_MATCH : st);
		return;
	}
	uint64_t total = value(a, v, id);
	if (!total)
		return;
	/* a child narrower than an eighth of a cell is not drawn */
	uint64_t min_value = (uint64_t)((double)total / (double)(x1 - x0));
	uint32_t n, *kids = children_min(a, v, id, min_value, &n);
	long x = x0;
	for (uint32_t i = 0; i < n; i++) {
		long w = (long)((double)(x1 - x0) * (double)value(a, v, kids[i]) / (double)total);
		draw_icicle_node(a, v, c, kids[i], y + 1, bottom, x, x + w, (shade + (int)i + 1) & 1);
		x += w;
	}
	free(kids);
}

static void draw_icicle(app *a, tview *v, canvas *c, int top, int bottom)
{
	draw_icicle_node(a, v, c, tui_zoom_root(v), top, bottom, 0, (long)c->w * 8, 0);
}

/* Siblings of the selection in display order, for left/right. */
static void icicle_sibling(app *a, tview *v, int delta)
{
	uint32_t p = v->tree->nodes[v->sel].parent;
	if (v->sel == tui_zoom_root(v) || p == ST_NIL)
		return;
	uint32_t n, *kids = children(a, v, p, &n);
	for (uint32_t i = 0; i < n; i++)
		if (kids[i] == v->sel) {
			int j = (int)i + delta;
			if (j >= 0 && j < (int)n)
				v->sel = kids[j];
			break;
		}
	free(kids);
}

static void icicle_move(app *a, tview *v, int act)
{
	const st_tree *t = v->tree;
	if (act == ACT_UP && v->sel != tui_zoom_root(v) && t->nodes[v->sel].parent != ST_NIL)
		v->sel = t->nodes[v->sel].parent;
	else if (act == ACT_DOWN && !v->collapsed[v->sel]) {
		uint32_t n, *kids = children(a, v, v->sel, &n);
		if (n)
			v->sel = kids[0];
		free(kids);
	} else if (act == ACT_LEFT || act == ACT_RIGHT)
		icicle_sibling(a, v, act == ACT_LEFT ? -1 : 1);
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
	tview *v = tui_cur_tview(a);
	if (v)
		refresh_match(a, v);
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
	tui_breadcrumbs(a, v, c, top);
	top++;
	if (a->detail)
		bottom = tui_draw_detail(a, v, c, bottom);
	if (v->icicle)
		draw_icicle(a, v, c, top, bottom);
	else
		draw_table(a, v, c, top + 1, bottom);
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

static redraw tview_action(app *a, int act)
{
	tview *v = tui_cur_tview(a);
	const st_tree *t = v->tree;
	refresh_match(a, v);
	/* everything but moving the selection changes which rows exist */
	if (act != ACT_UP && act != ACT_DOWN && act != ACT_PGUP && act != ACT_PGDN &&
	    act != ACT_HOME && act != ACT_END && act != ACT_NEXT_MATCH &&
	    act != ACT_PREV_MATCH)
		v->rows_ok = false;
	int page = a->h - 6 > 1 ? a->h - 6 : 1;
	switch (act) {
	case ACT_UP: case ACT_DOWN: case ACT_LEFT: case ACT_RIGHT:
		if (v->icicle) {
			icicle_move(a, v, act);
		} else if (act == ACT_UP || act == ACT_DOWN) {
			move_rows(a, v, act == ACT_UP ? -1 : 1);
		} else if (act == ACT_LEFT) {
			if (v->expanded[v->sel] && t->nodes[v->sel].first_child != ST_NIL)
				v->expanded[v->sel] = 0;
			else if (t->nodes[v->sel].parent != ST_NIL &&
			         t->nodes[v->sel].parent != tui_zoom_root(v))
				v->sel = t->nodes[v->sel].parent;
		} else {
			if (t->nodes[v->sel].first_child != ST_NIL && !v->expanded[v->sel])
				v->expanded[v->sel] = 1;
			else
				move_rows(a, v, 1);
		}
		return R_VIEW;
	case ACT_PGUP: case ACT_PGDN:
		if (!v->icicle)
			move_rows(a, v, act == ACT_PGUP ? -page : page);
		return R_VIEW;
	case ACT_HOME: case ACT_END:
		if (v->icicle)
			v->sel = tui_zoom_root(v);
		else
			move_rows(a, v, act == ACT_HOME ? -(1 << 30) : (1 << 30));
		return R_VIEW;
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
	case ACT_TOGGLE:
		if (v->icicle)
			v->collapsed[v->sel] = !v->collapsed[v->sel];
		else
			v->expanded[v->sel] = !v->expanded[v->sel];
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
			return R_ALL;
		}
		set_sort(v, act == ACT_SORT_DELTA ? SORT_DELTA : SORT_ABS_DELTA);
		return R_VIEW;
	case ACT_SHAPE:
		if (a->view == V_CODEGEN)
			v->icicle = !v->icicle;
		return R_VIEW;
	case ACT_NEXT_MATCH: next_match(a, v, false); return R_ALL;
	case ACT_PREV_MATCH: next_match(a, v, true); return R_ALL;
	default:
		return R_NONE;
	}
}

const view_ops tui_view_icicle = { "Icicle", draw_tview, tview_action };
const view_ops tui_view_tree = { "Tree", draw_tview, tview_action };
const view_ops tui_view_codegen = { "Codegen", draw_tview, tview_action };
