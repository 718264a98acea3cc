/* tui-table.c: the table shape of a tree view, as ncdu draws a directory:
 * one row per visible node in display order (expanded nodes show their
 * children indented below them), figure columns (plain, or a diff's), a
 * bar and the name.  Rows are made once per change of what is visible,
 * never per frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "tui.h"

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
			l->kids = tui_children(a, v, next, 0, &l->n);
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

/* ---- the plain figure columns ------------------------------------------------ */

int tui_name_room(int w)
{
	return w / 2 > 40 ? w / 2 : 40;
}

/* Which figure columns fit: the name keeps tui_name_room of the line (as
 * ncdu gives it the rest), the figures the remainder; total, share and the
 * column sorted by always, then self, the count and, in what is left, a
 * bar of 4 to 16. */
typedef struct plain_cols {
	bool self, count;
	int barw;
	int namex;
} plain_cols;

static plain_cols plain_layout(int w, int sort)
{
	int room = w - tui_name_room(w), x = 18;   /* "total " and "share " */
	plain_cols p = { 0 };
	if (sort == SORT_COUNT)
		p.count = true, x += 8;
	if ((p.self = sort == SORT_SELF || x + 10 <= room))
		x += 10;
	if (!p.count && (p.count = x + 8 <= room))
		x += 8;
	int bar = room - x - 3;   /* "[", "] " */
	if (bar >= 4) {
		p.barw = bar < 16 ? bar : 16;
		x += p.barw + 3;
	} else {
		x++;   /* a space before the names */
	}
	p.namex = x;
	return p;
}

/* A column heading right-aligned in width, the sort's arrow before it. */
static void heading(app *a, tview *v, char *out, size_t cap, const char *label,
                    int width, int sort)
{
	const char *arrow = v->sort != sort ? "" : a->ascii ? (v->reverse ? "^" : "v")
	                    : v->reverse ? "\xe2\x96\xb2" : "\xe2\x96\xbc";
	size_t o = strlen(out);
	int pad = width - (int)strlen(label) - (*arrow ? 2 : 0);
	snprintf(out + o, cap - o, "%*s%s%s%s ", pad > 0 ? pad : 0, "", arrow, *arrow ? " " : "",
	         label);
}

static int plain_header(app *a, tview *v, canvas *c, int y)
{
	plain_cols p = plain_layout(c->w, v->sort);
	char line[128] = "";
	heading(a, v, line, sizeof line, "total", 9, SORT_TOTAL);
	if (p.self)
		heading(a, v, line, sizeof line, "self", 9, SORT_SELF);
	if (p.count)
		heading(a, v, line, sizeof line, "count", 7, SORT_COUNT);
	/* the share is of the zoomed node, the whole tree before any zoom */
	heading(a, v, line, sizeof line, tui_zoom_root(v) ? "% zoom" : "% all", 7, -1);
	cv_fill(c, y, 0, c->w, L' ', S_HEADER);
	cv_text(c, y, 0, c->w, line, S_HEADER);
	/* names sort from a (again: from z), so the arrow points the other way */
	const char *name = v->sort != SORT_NAME ? "name" : a->ascii ? (v->reverse ? "name v" : "name ^")
	                   : v->reverse ? "name \xe2\x96\xbc" : "name \xe2\x96\xb2";
	cv_text(c, y, p.namex, c->w, name, S_HEADER);
	return p.namex;
}

static void plain_row(app *a, tview *v, canvas *c, int y, uint32_t id)
{
	plain_cols p = plain_layout(c->w, v->sort);
	const st_node *n = &v->tree->nodes[id];
	double whole = (double)tui_value(a, v, tui_zoom_root(v));
	char tot[32], self[32], pct[16], cnt[24], line[128], b[64];
	st_fmt_ns_col(tot, sizeof tot, (int64_t)tui_value(a, v, id), a->ascii, 9);
	st_fmt_ns_col(self, sizeof self, n->self_ns, a->ascii, 9);
	st_fmt_pct(pct, sizeof pct, (double)tui_value(a, v, id), whole);
	snprintf(cnt, sizeof cnt, "%u", n->count);
	snprintf(line, sizeof line, "%s %s%s%*s%s%7s ", tot, p.self ? self : "", p.self ? " " : "",
	         p.count ? 7 : 0, p.count ? cnt : "", p.count ? " " : "", pct);
	int x = cv_text(c, y, 0, c->w, line, S_NORMAL);
	if (p.barw) {
		x = cv_text(c, y, x, c->w, "[", S_NORMAL);
		cv_text(c, y, x, x + p.barw, bar(a, whole > 0 ? (double)tui_value(a, v, id) / whole
		                                    : 0, p.barw, b, sizeof b), S_BAR);
		cv_text(c, y, x + p.barw, c->w, "] ", S_NORMAL);
	}
}

const columns_ops tui_columns_plain = { plain_header, plain_row };

/* ---- the shape ------------------------------------------------------------------ */

static void draw_table(app *a, tview *v, canvas *c, int top, int bottom)
{
	rebuild_rows(a, v);
	int namex = a->cols->header(a, v, c, top++);
	int rows = bottom - top;
	int sel = row_of(v, v->sel);
	if (sel < 0 && v->nrows) {
		v->sel = v->rows[0];
		sel = 0;
	}
	if (sel < v->scroll) v->scroll = sel;
	if (sel >= v->scroll + rows) v->scroll = sel - rows + 1;
	if (v->scroll < 0) v->scroll = 0;
	v->top = top;
	const st_tree *t = v->tree;
	if (!v->nrows)
		cv_text(c, top, 2, c->w, a->filter ? "(nothing matches)"
		        : a->diff && a->min_delta ? "(no change that large)" : "(empty)", S_DIM);
	for (int r = 0; r < rows && v->scroll + r < (int)v->nrows; r++) {
		uint32_t id = v->rows[v->scroll + r];
		const st_node *n = &t->nodes[id];
		int y = top + r;
		char label[1024];
		a->cols->row(a, v, c, y, id);
		int nx = namex + 2 * v->rdepth[v->scroll + r];
		bool kids = n->first_child != ST_NIL;
		const char *mark = !kids ? "  " : v->expanded[id]
		                   ? (a->ascii ? "- " : "\xe2\x96\xbe ")
		                   : (a->ascii ? "+ " : "\xe2\x96\xb8 ");
		nx = cv_text(c, y, nx, c->w, mark, S_DIM);
		if (a->diff)
			nx = tui_diff_mark(a, v, c, y, nx, id);
		tui_node_label(a, t, id, label, sizeof label);
		/* in a diff colour means the change, as in the icicle */
		style st = a->diff ? S_NORMAL : tui_kind_style(a, t, id);
		if (tui_searching(v) && (v->match.flags[id] & ST_TM_MATCH))
			st = S_MATCH;
		else if (tui_searching(v) && (v->match.flags[id] & ST_TM_ANCESTOR))
			st = S_ANCESTOR;
		/* the selected name scrolls sideways: its key names tview and node */
		uint64_t key = id == v->sel ? (uint64_t)(v - a->tv + 1) << 32 | id : 0;
		tui_draw_label(a, v, c, y, nx, c->w, id, label, key, st);
		cv_set_hit(c, y, 0, c->w, id);
		if (id == v->sel)
			cv_restyle(c, y, 0, c->w, S_SELECTED);
	}
}

/* Moves the selection by delta rows, clamped; R_KEPT when it stays. */
static redraw move_rows(app *a, tview *v, int delta)
{
	rebuild_rows(a, v);
	if (!v->nrows)
		return R_KEPT;
	int r = row_of(v, v->sel);
	r = r < 0 ? 0 : r + delta;
	if (r < 0) r = 0;
	if (r >= (int)v->nrows) r = (int)v->nrows - 1;
	if (v->sel == v->rows[r])
		return R_KEPT;
	v->sel = v->rows[r];
	return R_VIEW;
}

/* Moving and folding as in ncdu: Left folds or goes to the parent, Right
 * unfolds or goes down, Space folds. */
static redraw table_key(app *a, tview *v, int act)
{
	const st_tree *t = v->tree;
	const st_node *n = &t->nodes[v->sel];
	int page = a->h - 6 > 1 ? a->h - 6 : 1;
	switch (act) {
	case ACT_UP: return move_rows(a, v, -1);
	case ACT_DOWN: return move_rows(a, v, 1);
	case ACT_PGUP: return move_rows(a, v, -page);
	case ACT_PGDN: return move_rows(a, v, page);
	case ACT_HOME: return move_rows(a, v, -(1 << 30));
	case ACT_END: return move_rows(a, v, 1 << 30);
	/* collapsed records a fold the user made, which the icicle honours */
	case ACT_LEFT:
		if (v->expanded[v->sel] && n->first_child != ST_NIL) {
			v->expanded[v->sel] = 0;
			v->collapsed[v->sel] = 1;
			v->rows_ok = false;
		} else if (n->parent != ST_NIL && n->parent != tui_zoom_root(v)) {
			v->sel = n->parent;
		} else {
			return R_KEPT;
		}
		return R_VIEW;
	case ACT_RIGHT:
		if (n->first_child != ST_NIL && !v->expanded[v->sel]) {
			v->expanded[v->sel] = 1;
			v->collapsed[v->sel] = 0;
			v->rows_ok = false;
			return R_VIEW;
		}
		return move_rows(a, v, 1);
	case ACT_TOGGLE:
		v->expanded[v->sel] = !v->expanded[v->sel];
		v->collapsed[v->sel] = !v->expanded[v->sel] && n->first_child != ST_NIL;
		v->rows_ok = false;
		return R_VIEW;
	default:
		return R_NONE;
	}
}

/* A row is its whole line, whatever column was hit. */
static uint32_t table_at(const tview *v, const canvas *c, int y, int x)
{
	(void)c; (void)x;
	int r = v->scroll + (y - v->top);
	return y >= v->top && r >= 0 && r < (int)v->nrows && v->rows_ok ? v->rows[r] : ST_NIL;
}

const shape_ops tui_shape_table = { "table", draw_table, table_key, table_at };
