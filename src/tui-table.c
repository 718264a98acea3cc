/* tui-table.c: the table shape of a tree view, as ncdu draws a directory:
 * one row per visible node in display order (expanded nodes show their
 * children indented below them), figure columns (plain, or a diff's), a
 * bar and the name.
 *
 * The rows are never listed: a table of a fully expanded tree has millions,
 * and every sort, filter or search would list them again.  Instead each
 * node knows how many rows are under it when open (tview.below, counted in
 * one pass over the nodes and kept up to date as nodes open and close), so
 * the row of a node and the node at a row are found by walking down from
 * the zoom root through the children in display order, which are sorted
 * only on the path walked and cached (tui_sorted_children).  A frame draws
 * the rows on screen and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/bigmem.h"
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "tui.h"

/* ---- counting rows ------------------------------------------------------------ */

/* below[id]: the visible children of id, and for each open one the rows
 * under it; valid for the nodes counted since the rows were last made
 * (bgen[id] == count_gen), or for all of them (count_all).  Counting
 * starts at the zoom root and goes down through open nodes only, so a
 * table of a few open nodes costs a few nodes however large the tree; when
 * that walk passes an eighth of the tree, one pass over all nodes counts
 * them all instead (children before parents, backward over the compact
 * parent array: parent ids precede their children's in every tree the
 * builder makes; in reverse pre-order for a tree that breaks the rule). */
static bool counted(const tview *v, uint32_t id)
{
	return v->count_all || v->bgen[id] == v->count_gen;
}

static void count_all(app *a, tview *v)
{
	const st_tree *t = v->tree;
	uint32_t *below = v->below;
	const uint8_t *open = v->expanded;
	/* the usual cases inline: every node shown, or the filter's paths */
	bool thresh = a->diff && a->min_delta;
	const uint8_t *fl = v->filtered ? v->match.flags : NULL;
	const uint8_t shown = ST_TM_MATCH | ST_TM_ANCESTOR | ST_TM_INSIDE;
	memset(below, 0, (size_t)t->len * sizeof *below);
	const uint32_t *parent = tui_tree_parents(a, t);
	if (parent) {
		/* the count last added to stays in a register: a child is
		 * often next to its parent, and reading back what the
		 * previous step stored would wait for the store */
		uint32_t lastp = ST_NIL, last = 0;
		for (uint32_t id = t->len; id-- > 1;) {
			if (!(thresh ? tui_visible(a, v, id) : !fl || (fl[id] & shown)))
				continue;
			uint32_t mine = id == lastp ? last : below[id], p = parent[id];
			last = (p == lastp ? last : below[p]) + 1 + (open[id] ? mine : 0);
			below[p] = last;
			lastp = p;
		}
	} else {
		uint32_t *order = st_xreallocarray(NULL, t->len + 1, sizeof *order), k = 0;
		for (uint32_t n = 0; n != ST_NIL; n = st_tree_next_preorder(t, 0, n))
			order[k++] = n;
		while (k-- > 1) {
			uint32_t id = order[k];
			if (tui_visible(a, v, id))
				below[t->nodes[id].parent] += 1 + (open[id] ? below[id] : 0);
		}
		free(order);
	}
	v->count_all = true;
}

/* Counts below[top], and below each open node under it not yet counted. */
static void count_from(app *a, tview *v, uint32_t top)
{
	if (counted(v, top))
		return;
	const st_tree *t = v->tree;
	typedef struct frame { uint32_t node, next, acc; } frame;
	frame *stk = st_xreallocarray(NULL, 64, sizeof *stk);
	size_t depth = 0, cap = 64, budget = t->len / 8 + 64;
	stk[depth++] = (frame){ top, t->nodes[top].first_child, 0 };
	while (depth) {
		frame *f = &stk[depth - 1];
		uint32_t c = f->next;
		if (c == ST_NIL) {   /* all children seen: f is counted */
			v->below[f->node] = f->acc;
			v->bgen[f->node] = v->count_gen;
			if (--depth)
				stk[depth - 1].acc += f->acc;
			continue;
		}
		f->next = t->nodes[c].next_sibling;
		if (!budget--) {
			free(stk);
			count_all(a, v);
			v->count_big = true;   /* the next count starts there */
			return;
		}
		if (!tui_visible(a, v, c))
			continue;
		f->acc++;
		if (!v->expanded[c])
			continue;
		if (counted(v, c)) {
			f->acc += v->below[c];
			continue;
		}
		if (depth == cap) {
			cap *= 2;
			stk = st_xreallocarray(stk, cap, sizeof *stk);
		}
		stk[depth++] = (frame){ c, t->nodes[c].first_child, 0 };
	}
	free(stk);
	if (top == tui_zoom_root(v))
		v->count_big = false;
}

void tui_table_arrays(tview *v)
{
	const st_tree *t = v->tree;
	if (v->below_len != t->len || !v->below) {
		size_t old = (size_t)v->below_len + 1, n = (size_t)t->len + 1;
		st_big_free(v->below, old * sizeof *v->below);
		st_big_free(v->bgen, old * sizeof *v->bgen);
		v->below = st_big_realloc(NULL, 0, n * sizeof *v->below);
		v->bgen = st_big_calloc(n * sizeof *v->bgen);
		v->below_len = t->len;
	}
}

static void rebuild_rows(app *a, tview *v)
{
	if (!v->rows_ok) {
		tui_table_arrays(v);
		tui_diff_prepare(a, v);
		tui_tview_reorder(v);   /* what is visible may have changed */
		v->count_gen++;
		v->count_all = false;
		v->rows_ok = true;
		if (v->count_big)   /* the walk would give up: do not start it */
			count_all(a, v);
	}
	count_from(a, v, tui_zoom_root(v));   /* the zoom may have moved */
}

/* Opens or closes id.  The counts follow at once: id's rows are added to
 * or taken from each counted ancestor until one that is closed or hidden,
 * whose own parent never counted them. */
void tui_tview_expand(app *a, tview *v, uint32_t id, bool open)
{
	if (!v->expanded[id] == !open)
		return;
	v->expanded[id] = open;
	if (!v->rows_ok || !tui_visible(a, v, id))
		return;
	uint32_t p = v->tree->nodes[id].parent;
	if (p == ST_NIL || !counted(v, p))
		return;   /* no count includes id's rows */
	bool all = v->count_all;
	count_from(a, v, id);
	if (v->count_all && !all)
		return;   /* counted everything, id's new state included */
	uint32_t d = v->below[id];
	for (uint32_t c = id; p != ST_NIL && counted(v, p); c = p, p = v->tree->nodes[c].parent) {
		v->below[p] = open ? v->below[p] + d : v->below[p] - d;
		if (!v->expanded[p] || !tui_visible(a, v, p))
			break;
	}
}

/* e and E: opens or closes id and everything below it (both shapes).  A
 * small subtree is walked, and its rows counted again and added to or
 * taken from its ancestors' as one open or close would; past a 32nd of
 * the tree, one pass over the compact parent array finds the rest (the
 * subtree of id is every later node whose parent is in it, as parents
 * precede children), with bit 1 of collapsed marking its nodes meanwhile,
 * and all rows are counted again. */
void tui_tview_expand_all(app *a, tview *v, uint32_t id, bool open)
{
	const st_tree *t = v->tree;
	uint8_t *col = v->collapsed, *exp = v->expanded;
	uint32_t budget = t->len / 32 + 64, n;
	uint32_t p = t->nodes[id].parent;
	if (id == 0 || (p == 0 && st_tree_one_child(t, 0))) {
		/* the whole build or its one crate: every node from id on */
		memset(exp + id, open, t->len - id);
		memset(col + id, !open, t->len - id);
		col[id] = !open;
		v->count_big = open;
		v->rows_ok = false;
		return;
	}
	bool keep = v->rows_ok && p != ST_NIL && counted(v, p) && counted(v, id) &&
	            tui_visible(a, v, id);
	uint32_t before = keep && exp[id] ? v->below[id] : 0;
	if (keep && v->count_all) {   /* stamps, to uncount the subtree alone */
		for (uint32_t i = 0; i < t->len; i++)
			v->bgen[i] = v->count_gen;
		v->count_all = false;
	}
	for (n = id; n != ST_NIL && budget; n = st_tree_next_preorder(t, id, n), budget--) {
		exp[n] = open;
		col[n] = !open && n != id;
		if (keep)
			v->bgen[n] = v->count_gen - 1;
	}
	col[id] = !open;
	if (n == ST_NIL && keep) {
		count_from(a, v, id);
		if (v->count_all)
			return;   /* it counted everything, the new state included */
		uint32_t after = open ? v->below[id] : 0;
		for (uint32_t c = id; p != ST_NIL && counted(v, p); c = p, p = t->nodes[c].parent) {
			v->below[p] += after - before;   /* modulo 2^32: a difference */
			if (!exp[p] || !tui_visible(a, v, p))
				break;
		}
		return;
	}
	v->count_big = false;
	v->rows_ok = false;   /* counted again, all at once */
	if (n == ST_NIL)
		return;
	const uint32_t *parent = tui_tree_parents(a, t);
	if (parent) {
		uint32_t size = 0, len = t->len;   /* a local: col may alias t */
		uint8_t mark = (uint8_t)((open ? 0 : 1) | 2);
		col[id] |= 2;
		for (n = id + 1; n < len; n++)
			if (col[parent[n]] & 2) {
				exp[n] = open;
				col[n] = mark;
				size++;
			}
		for (n = id; n < len; n++)
			col[n] &= 1;
		col[id] = !open;
		/* rows for much of the tree: count them in one pass at once */
		v->count_big = open && size > len / 8;
	} else {
		for (; n != ST_NIL; n = st_tree_next_preorder(t, id, n)) {
			exp[n] = open;
			col[n] = !open && n != id;
		}
	}
}

static uint32_t rows_total(const tview *v)
{
	return v->below[tui_zoom_root(v)];
}

/* Rows a child of an open node takes: its own and, open, those under it. */
static uint32_t size_of(const tview *v, uint32_t id)
{
	return 1 + (v->expanded[id] ? v->below[id] : 0);
}

/* The row of id under the zoom root, or -1 when no row shows it (outside
 * the zoom, hidden, or under a closed node). */
static long row_of(app *a, tview *v, uint32_t id)
{
	uint32_t root = tui_zoom_root(v);
	long r = 0;
	if (id == root)
		return -1;
	for (uint32_t c = id, p; c != root; c = p) {
		p = v->tree->nodes[c].parent;
		if (p == ST_NIL || (p != root && !v->expanded[p]))
			return -1;
		uint32_t n, i;
		const uint32_t *kids = tui_sorted_children(a, v, p, &n);
		for (i = 0; i < n && kids[i] != c; i++)
			r += size_of(v, kids[i]);
		if (i == n)
			return -1;
		if (p != root)
			r++;   /* p's own row */
	}
	return r;
}

/* Walks the rows in display order: the row at each level of the path from
 * the zoom root is kids(parent)[i], the children fetched again from the
 * cache at each step (never held across steps, which may evict them). */
typedef struct rows_walk {
	app *a;
	tview *v;
	struct { uint32_t parent, i; } *lv;
	int depth, cap;          /* lv[depth] is the current row */
} rows_walk;

static void walk_push(rows_walk *w, uint32_t parent, uint32_t i)
{
	if (w->depth + 1 == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->lv = st_xreallocarray(w->lv, (size_t)w->cap, sizeof *w->lv);
	}
	w->depth++;
	w->lv[w->depth].parent = parent;
	w->lv[w->depth].i = i;
}

static uint32_t walk_node(const rows_walk *w)
{
	uint32_t n;
	const uint32_t *kids = tui_sorted_children(w->a, w->v, w->lv[w->depth].parent, &n);
	return kids[w->lv[w->depth].i];
}

/* Starts at row r; false when there is no such row. */
static bool walk_seek(rows_walk *w, uint32_t r)
{
	w->depth = -1;
	uint32_t p = tui_zoom_root(w->v);
	for (;;) {
		uint32_t n, i;
		const uint32_t *kids = tui_sorted_children(w->a, w->v, p, &n);
		for (i = 0; i < n; i++) {
			uint32_t size = size_of(w->v, kids[i]);
			if (r < size)
				break;
			r -= size;
		}
		if (i == n)
			return false;
		walk_push(w, p, i);
		if (r == 0)
			return true;
		r--;
		p = kids[i];
	}
}

/* To the next row; false after the last. */
static bool walk_next(rows_walk *w)
{
	uint32_t id = walk_node(w), n;
	if (w->v->expanded[id]) {
		tui_sorted_children(w->a, w->v, id, &n);
		if (n) {
			walk_push(w, id, 0);
			return true;
		}
	}
	for (; w->depth >= 0; w->depth--) {
		tui_sorted_children(w->a, w->v, w->lv[w->depth].parent, &n);
		if (w->lv[w->depth].i + 1 < n) {
			w->lv[w->depth].i++;
			return true;
		}
	}
	return false;
}

/* The node at row r (clamped to the rows there are), or ST_NIL when the
 * table has none. */
static uint32_t node_at(app *a, tview *v, long r)
{
	uint32_t total = rows_total(v);
	if (!total)
		return ST_NIL;
	if (r < 0) r = 0;
	if (r >= (long)total) r = (long)total - 1;
	rows_walk w = { a, v, NULL, -1, 0 };
	uint32_t id = walk_seek(&w, (uint32_t)r) ? walk_node(&w) : ST_NIL;
	free(w.lv);
	return id;
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
	/* filtered, the shares are of the matched time the top row holds */
	heading(a, v, line, sizeof line, v->filtered ? "% match" : tui_zoom_root(v)
	        ? "% zoom" : "% all", 7, -1);
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
	st_fmt_ns_col(self, sizeof self, tui_self(a, v, id), a->ascii, 9);
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

bool tui_table_position(app *a, tview *v, long *row, uint32_t *total)
{
	if (!v->rows_ok || !(*total = rows_total(v)))
		return false;
	*row = row_of(a, v, v->sel);
	return *row >= 0;
}

/* ---- the shape ------------------------------------------------------------------ */

static void draw_table(app *a, tview *v, canvas *c, int top, int bottom)
{
	rebuild_rows(a, v);
	int namex = a->cols->header(a, v, c, top++);
	int rows = bottom - top;
	uint32_t nrows = rows_total(v);
	long sel = row_of(a, v, v->sel);
	/* the selection is no longer shown (unless the rows are about to
	 * change with the matches being made: the selection waits for them) */
	if (sel < 0 && nrows && !v->job) {
		v->sel = node_at(a, v, 0);
		sel = 0;
	}
	if (sel < v->scroll) v->scroll = (int)sel;
	if (sel >= v->scroll + rows) v->scroll = (int)sel - rows + 1;
	if (v->scroll < 0) v->scroll = 0;
	v->top = top;
	v->shown = st_xreallocarray(v->shown, rows > 0 ? (size_t)rows : 1, sizeof *v->shown);
	v->nshown = 0;
	const st_tree *t = v->tree;
	if (!nrows)
		cv_text(c, top, 2, c->w, a->filter ? "(nothing matches)"
		        : a->diff && a->min_delta ? "(no change that large)" : "(empty)", S_DIM);
	rows_walk w = { a, v, NULL, -1, 0 };
	bool more = nrows && walk_seek(&w, (uint32_t)v->scroll);
	for (int r = 0; r < rows && more; r++, more = walk_next(&w)) {
		uint32_t id = walk_node(&w);
		v->shown[v->nshown++] = id;
		const st_node *n = &t->nodes[id];
		int y = top + r;
		char label[1024];
		a->cols->row(a, v, c, y, id);
		int nx = namex + 2 * (w.depth > 255 ? 255 : w.depth);
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
	free(w.lv);
}

/* Moves the selection by delta rows, clamped; R_KEPT when it stays. */
static redraw move_rows(app *a, tview *v, long delta)
{
	rebuild_rows(a, v);
	long r = row_of(a, v, v->sel);
	uint32_t id = node_at(a, v, r < 0 ? 0 : r + delta);
	if (id == ST_NIL || id == v->sel)
		return R_KEPT;
	v->sel = id;
	return R_VIEW;
}

/* Moving and folding as in ncdu: Left folds or goes to the parent, Right
 * unfolds or goes down, Space folds. */
static redraw table_key(app *a, tview *v, int act)
{
	const st_tree *t = v->tree;
	const st_node *n = &t->nodes[v->sel];
	long page = a->h - 6 > 1 ? a->h - 6 : 1;
	switch (act) {
	case ACT_UP: return move_rows(a, v, -1);
	case ACT_DOWN: return move_rows(a, v, 1);
	case ACT_PGUP: return move_rows(a, v, -page);
	case ACT_PGDN: return move_rows(a, v, page);
	case ACT_HOME: return move_rows(a, v, -(1L << 40));
	case ACT_END: return move_rows(a, v, 1L << 40);
	/* collapsed records a fold the user made, which the icicle honours */
	case ACT_LEFT:
		if (v->expanded[v->sel] && n->first_child != ST_NIL) {
			tui_tview_expand(a, v, v->sel, false);
			v->collapsed[v->sel] = 1;
		} else if (n->parent != ST_NIL && n->parent != tui_zoom_root(v))
			v->sel = n->parent;
		else
			return R_KEPT;
		return R_VIEW;
	case ACT_RIGHT:
		if (n->first_child != ST_NIL && !v->expanded[v->sel]) {
			tui_tview_expand(a, v, v->sel, true);
			v->collapsed[v->sel] = 0;
			return R_VIEW;
		}
		return move_rows(a, v, 1);
	case ACT_TOGGLE:
		tui_tview_expand(a, v, v->sel, !v->expanded[v->sel]);
		v->collapsed[v->sel] = !v->expanded[v->sel] && n->first_child != ST_NIL;
		return R_VIEW;
	default:
		return R_NONE;
	}
}

/* A row is its whole line, whatever column was hit. */
static uint32_t table_at(const tview *v, const canvas *c, int y, int x, uint64_t *cut)
{
	(void)c; (void)x;
	*cut = 0;
	int r = y - v->top;
	return y >= v->top && r < v->nshown && v->rows_ok ? v->shown[r] : ST_NIL;
}

const shape_ops tui_shape_table = { "table", draw_table, table_key, table_at };
