/* tui-icicle.c: the icicle shape of a tree view: the zoom root as a bar
 * across the screen, each node's children below it in widths proportional
 * to their time, so that the widest boxes are where the time went. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/names.h"
#include "tui.h"

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
	style ks = a->diff ? S_NORMAL : tui_kind_style(a, t, id);
	if (a->diff) st = tui_diff_box_style(a, v, id, shade);
	if (ks == S_ASYNC) st = S_BOX_ASYNC;
	if (ks == S_CLOSURE) st = S_BOX_CLOSURE;
	if (tui_searching(v) && (v->match.flags[id] & ST_TM_MATCH)) st = S_BOX_MATCH;
	bool hides_match = tui_searching(v) && v->collapsed[id] &&
	                   (v->match.flags[id] & ST_TM_ANCESTOR);
	if (id == v->sel) st = S_SELECTED;
	cv_fill(c, y, cx0, cx1, L' ', st);
	char label[1024];
	tui_node_label(a, t, id, label, sizeof label);
	if (a->diff)
		tui_diff_box_label(a, v, id, label, sizeof label);
	if (cx1 - cx0 >= 4)   /* narrower boxes would show only an ellipsis */
		tui_draw_label(a, v, c, y, cx0 + 1, cx1 - 1, id, label, 0, st);
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
	uint64_t total = tui_value(a, v, id);
	if (!total)
		return;
	/* a child narrower than an eighth of a cell is not drawn */
	uint64_t min_value = (uint64_t)((double)total / (double)(x1 - x0));
	uint32_t n, *kids = tui_children(a, v, id, min_value, &n);
	long x = x0;
	for (uint32_t i = 0; i < n; i++) {
		long w = (long)((double)(x1 - x0) * (double)tui_value(a, v, kids[i]) / (double)total);
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
	uint32_t n, *kids = tui_children(a, v, p, 0, &n);
	for (uint32_t i = 0; i < n; i++)
		if (kids[i] == v->sel) {
			int j = (int)i + delta;
			if (j >= 0 && j < (int)n)
				v->sel = kids[j];
			break;
		}
	free(kids);
}

/* Up and Down walk to the parent and the widest child, Left and Right
 * along the siblings; Space folds a box. */
static redraw icicle_key(app *a, tview *v, int act)
{
	const st_tree *t = v->tree;
	uint32_t was = v->sel;
	switch (act) {
	case ACT_UP:
		if (v->sel != tui_zoom_root(v) && t->nodes[v->sel].parent != ST_NIL)
			v->sel = t->nodes[v->sel].parent;
		break;
	case ACT_DOWN:
		if (!v->collapsed[v->sel]) {
			uint32_t n, *kids = tui_children(a, v, v->sel, 0, &n);
			if (n)
				v->sel = kids[0];
			free(kids);
		}
		break;
	case ACT_LEFT: case ACT_RIGHT:
		icicle_sibling(a, v, act == ACT_LEFT ? -1 : 1);
		break;
	case ACT_PGUP: case ACT_PGDN:
		return R_KEPT;   /* nothing to page through */
	case ACT_HOME: case ACT_END:
		v->sel = tui_zoom_root(v);
		break;
	case ACT_TOGGLE:
		v->collapsed[v->sel] = !v->collapsed[v->sel];
		return R_VIEW;
	default:
		return R_NONE;
	}
	return v->sel == was ? R_KEPT : R_VIEW;
}

/* Boxes are found by the cells they were drawn on. */
static uint32_t icicle_at(const tview *v, const canvas *c, int y, int x)
{
	(void)v;
	return c->hit[y * c->w + x];
}

const shape_ops tui_shape_icicle = { "icicle", draw_icicle, icicle_key, icicle_at };
