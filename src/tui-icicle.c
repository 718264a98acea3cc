/* tui-icicle.c: the icicle shape of a tree view: the zoom root as a bar
 * across the screen, each node's children below it in widths proportional
 * to their time, so that the widest boxes are where the time went.
 *
 * Siblings too narrow to label are drawn as one lump, "+N (41ms)", that is
 * selected and zoomed like any box; zoomed, it is the bar across the screen
 * and its members share the width.  A lump is its parent and a time cut
 * (the parent's children below it), so the zoom stack and the selection
 * hold it with no node of its own (tview's zoom_cut and sel_cut).
 *
 * The levels share the screen's rows: a subtree shallower than the screen
 * gets taller boxes (the second row gives the time), a deeper one is cut at
 * the bottom and shown by zooming.  Moving follows what was drawn: Up to
 * the box above, Down to the first box below, Left and Right along the
 * boxes of a row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "tui.h"

#define LABEL_MIN 8   /* cells: a narrower box shows too little of its name */

/* A box: a node (cut 0), or the lump of the node's children below cut;
 * its columns in eighths of a cell. */
typedef struct box {
	uint32_t id;
	uint64_t cut;
	long x0, x1;
} box;

/* ---- lumps ------------------------------------------------------------------ */

/* A frame asks for the same lump up to five times (its parent's layout in
 * measure and in draw, its style, label and time), and a lump may stand
 * for tens of thousands of siblings, a walk of scattered nodes each time:
 * while a frame is drawn, lumps are kept here (direct-mapped by node; a
 * collision walks again). */
#define LUMP_SLOTS 256
static struct {
	const tview *v;            /* the view being drawn, or NULL: no memo */
	unsigned frame;            /* stamps the slots of this frame */
	struct lump_slot { unsigned frame; uint32_t id; tui_lump l; } slot[LUMP_SLOTS];
} lumps;

static struct lump_slot *lump_slot(const tview *v, uint32_t id, uint64_t cut)
{
	if (lumps.v != v)
		return NULL;
	return &lumps.slot[(id * 2654435761u ^ (uint32_t)cut) % LUMP_SLOTS];
}

static void lump_keep(const tview *v, uint32_t id, const tui_lump *l)
{
	struct lump_slot *s = lump_slot(v, id, l->cut);
	if (s)
		*s = (struct lump_slot){ lumps.frame, id, *l };
}

/* The visible children of id below cut in time: how many, their time, and
 * whether one matches the search or holds a match. */
static uint64_t lump_sum(const app *a, const tview *v, uint32_t id, uint64_t cut,
                         uint32_t *n, bool *match)
{
	struct lump_slot *s = lump_slot(v, id, cut);
	if (s && s->frame == lumps.frame && s->id == id && s->l.cut == cut) {
		*n = s->l.n;
		if (match)
			*match = s->l.match;
		return s->l.sum;
	}
	const st_tree *t = v->tree;
	tui_lump l = { .cut = cut };
	bool marks = tui_searching(v);
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL; c = t->nodes[c].next_sibling) {
		uint64_t x = tui_value(a, v, c);
		if (x >= cut || !tui_visible(a, v, c))
			continue;
		l.sum += x;
		l.n++;
		if (marks && (v->match.flags[c] & (ST_TM_MATCH | ST_TM_ANCESTOR)))
			l.match = true;
	}
	lump_keep(v, id, &l);
	*n = l.n;
	if (match)
		*match = l.match;
	return l.sum;
}

static uint64_t box_value(const app *a, const tview *v, uint32_t id, uint64_t cut)
{
	uint32_t n;
	return cut ? lump_sum(a, v, id, cut, &n, NULL) : tui_value(a, v, id);
}

/* The boxes below b, in drawing order, into *out (the caller frees): its
 * children by time, those too narrow to label lumped at the end.  The zoom
 * root's members are lumped only while some are wide, so that zooming into
 * a lump always spreads it. */
static uint32_t layout(app *a, tview *v, const box *b, bool root, box **out)
{
	*out = NULL;
	long w = b->x1 - b->x0;
	uint64_t total = box_value(a, v, b->id, b->cut);
	if (!total || w < 1)
		return 0;
	uint64_t min_value = total / (uint64_t)w;   /* an eighth of a cell */
	uint64_t cut = (uint64_t)((double)total * (LABEL_MIN * 8) / (double)w);
	if (b->cut && b->cut < cut)
		cut = b->cut;
	uint32_t n;
	tui_lump lp = { .cut = cut };
	uint32_t *kids = tui_children_lump(a, v, b->id, min_value, &lp, &n);
	lump_keep(v, b->id, &lp);
	uint64_t lumped = lp.sum;
	uint32_t narrow = lp.n;
	uint32_t wide = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = tui_value(a, v, kids[i]);
		wide += x >= cut && (!b->cut || x < b->cut);
	}
	bool lump = narrow >= 2 && (wide || !root);
	box *o = st_xreallocarray(NULL, n + 1, sizeof *o);
	uint32_t k = 0;
	long x = b->x0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t val = tui_value(a, v, kids[i]);
		if ((b->cut && val >= b->cut) || (lump && val < cut))
			continue;
		long cw = (long)((double)w * (double)val / (double)total);
		o[k++] = (box){ kids[i], 0, x, x + cw };
		x += cw;
	}
	if (lump)
		o[k++] = (box){ b->id, cut, x, x + (long)((double)w * (double)lumped / (double)total) };
	free(kids);
	*out = o;
	return k;
}

/* measure lays the frame out to count its levels, and draw_box again to
 * draw it: each layout is kept for the frame (by box), so that a node's
 * children, a walk of scattered nodes, are walked once a frame. */
static struct {
	struct kept_layout {
		uint32_t id;
		uint64_t cut;
		long x0, x1;
		bool root;
		uint32_t n;
		box *kids;
	} *v;
	uint32_t n, cap;
	uint32_t *slot;    /* index + 1 into v, 0 empty; slots: a power of two */
	uint32_t slots;
} layouts;

static uint32_t layout_hash(const box *b, bool root)
{
	uint64_t h = (uint64_t)b->id * 0x9E3779B97F4A7C15ull ^ b->cut ^
	             (uint64_t)b->x0 << 20 ^ (uint64_t)b->x1 << 40 ^ root;
	return (uint32_t)(h ^ h >> 29);
}

static bool layout_is(const struct kept_layout *k, const box *b, bool root)
{
	return k->id == b->id && k->cut == b->cut && k->x0 == b->x0 && k->x1 == b->x1 &&
	       k->root == root;
}

static void layouts_rehash(void)
{
	uint32_t slots = layouts.slots ? layouts.slots * 2 : 256;
	free(layouts.slot);
	layouts.slot = st_xcalloc(slots, sizeof *layouts.slot);
	layouts.slots = slots;
	for (uint32_t i = 0; i < layouts.n; i++) {
		const struct kept_layout *k = &layouts.v[i];
		box b = { k->id, k->cut, k->x0, k->x1 };
		uint32_t j = layout_hash(&b, k->root) & (slots - 1);
		while (layouts.slot[j])
			j = (j + 1) & (slots - 1);
		layouts.slot[j] = i + 1;
	}
}

/* layout, once a frame for each box; the kept boxes stay valid until
 * layouts_drop. */
static uint32_t layout_kept(app *a, tview *v, const box *b, bool root, const box **out)
{
	if (!layouts.slots || (layouts.n + 1) * 2 > layouts.slots)
		layouts_rehash();
	uint32_t j = layout_hash(b, root) & (layouts.slots - 1);
	for (; layouts.slot[j]; j = (j + 1) & (layouts.slots - 1)) {
		const struct kept_layout *k = &layouts.v[layouts.slot[j] - 1];
		if (layout_is(k, b, root)) {
			*out = k->kids;
			return k->n;
		}
	}
	box *kids;
	uint32_t n = layout(a, v, b, root, &kids);
	if (layouts.n == layouts.cap) {
		layouts.cap = layouts.cap ? layouts.cap * 2 : 64;
		layouts.v = st_xreallocarray(layouts.v, layouts.cap, sizeof *layouts.v);
	}
	layouts.v[layouts.n] = (struct kept_layout){ b->id, b->cut, b->x0, b->x1, root, n, kids };
	layouts.slot[j] = ++layouts.n;
	*out = kids;
	return n;
}

static void layouts_drop(void)
{
	for (uint32_t i = 0; i < layouts.n; i++)
		free(layouts.v[i].kids);
	layouts.n = 0;
	if (layouts.slot)
		memset(layouts.slot, 0, layouts.slots * sizeof *layouts.slot);
}

/* ---- what was drawn, for moving ---------------------------------------------- */

typedef struct drawn_box {
	uint32_t id;
	uint64_t cut;
	int parent;        /* index of the box above, or -1 */
	int y0, y1, x0, x1;   /* the cells it covers, for the mouse */
} drawn_box;

/* The boxes of the last frame, in drawing order (parents first), and the
 * view they were drawn for. */
static struct {
	const tview *v;
	drawn_box *b;
	int n, cap;
} drawn;

static int remember(const tview *v, const box *b, int parent)
{
	if (drawn.v != v) {
		drawn.v = v;
		drawn.n = 0;
	}
	if (drawn.n == drawn.cap) {
		drawn.cap = drawn.cap ? drawn.cap * 2 : 256;
		drawn.b = st_xreallocarray(drawn.b, (size_t)drawn.cap, sizeof *drawn.b);
	}
	drawn.b[drawn.n] = (drawn_box){ b->id, b->cut, parent, 0, 0, 0, 0 };
	return drawn.n++;
}

static void covers(int i, int y0, int y1, int x0, int x1)
{
	drawn.b[i].y0 = y0;
	drawn.b[i].y1 = y1;
	drawn.b[i].x0 = x0;
	drawn.b[i].x1 = x1;
}

static int find_drawn(const tview *v, uint32_t id, uint64_t cut)
{
	if (drawn.v != v)
		return -1;
	for (int i = 0; i < drawn.n; i++)
		if (drawn.b[i].id == id && drawn.b[i].cut == cut)
			return i;
	return -1;
}

/* ---- drawing ------------------------------------------------------------------ */

/* Rows: the zoom root's bar on top, then h rows per level, one more for
 * the first `more` levels below the bar. */
typedef struct levels {
	int top, bottom, h, more;
} levels;

static int level_y(const levels *l, int depth)
{
	if (!depth)
		return l->top;
	int d = depth - 1;
	return l->top + 1 + d * l->h + (d < l->more ? d : l->more);
}

static int level_h(const levels *l, int depth)
{
	return !depth ? 1 : l->h + (depth - 1 < l->more);
}

/* The levels of b's subtree that hold a box of a cell or more, at most
 * limit. */
static int measure(app *a, tview *v, const box *b, bool root, int limit)
{
	if (b->x1 - b->x0 < 8)
		return 0;
	if (limit <= 1 || (b->cut && !root) ||
	    (!b->cut && v->collapsed[b->id] && v->tree->nodes[b->id].first_child != ST_NIL))
		return 1;
	const box *kids;
	uint32_t n = layout_kept(a, v, b, root, &kids);
	int deepest = 0;
	for (uint32_t i = 0; i < n && deepest < limit - 1; i++) {
		int d = measure(a, v, &kids[i], false, limit - 1);
		if (d > deepest)
			deepest = d;
	}
	return 1 + deepest;
}

/* out = a b c, cut to cap (snprintf would do, but warns of the cut). */
static void concat(char *out, size_t cap, const char *a, const char *b, const char *c)
{
	size_t o = 0;
	for (const char *p[] = { a, b, c }, **q = p; q < p + 3; q++)
		for (const char *s = *q; *s && o + 1 < cap; s++)
			out[o++] = *s;
	out[o] = '\0';
}

/* The end of a function's path that fits in room columns, cut at a "::"
 * outside brackets and led by an ellipsis: the last segments name it
 * (`…run_server::{closure#0}`), the crate and modules in front do not. */
static void fn_tail(const canvas *c, const char *fn, int room, bool ascii,
                    char *out, size_t cap)
{
	const char *ell = ascii ? "..." : "\xe2\x80\xa6";
	snprintf(out, cap, "%s", fn);
	if (cv_width(c, fn) <= room)
		return;
	const char *last = NULL;
	int depth = 0;
	for (const char *p = fn; *p; p++) {
		depth += (*p == '<' || *p == '(' || *p == '[') - (*p == '>' || *p == ')' || *p == ']');
		if (depth || p[0] != ':' || p[1] != ':')
			continue;
		last = p + 2;
		concat(out, cap, ell, last, "");
		if (cv_width(c, out) <= room)
			return;
	}
	if (last)   /* the last segment alone, cropped when drawn */
		concat(out, cap, ell, last, "");
}

/* A box's name, for room columns: a pass on a function leads with the
 * function (the pass is the less telling part; narrow, the function's
 * path keeps its end), and an argument its parent already shows is left
 * out. */
static void box_label(app *a, const canvas *c, const tview *v, const box *b, bool root,
                      int room, char *buf, size_t cap)
{
	const st_model *m = a->m;
	const st_tree *t = v->tree;
	if (b->cut) {
		uint32_t n;
		char tm[32], of[512];
		st_fmt_ns(tm, sizeof tm, (int64_t)lump_sum(a, v, b->id, b->cut, &n, NULL), a->ascii);
		if (root) {   /* its time is on the bar's right */
			tui_node_label(a, t, b->id, of, sizeof of);
			snprintf(buf, cap, "+%u of %s", n, of);
		} else {
			snprintf(buf, cap, "+%u (%s)", n, tm);
		}
		return;
	}
	const st_node *n = &t->nodes[b->id];
	uint32_t p = n->parent;
	const char *name = st_str(m->strs, st_model_display(m, n->name));
	if (b->id && n->arg != ST_NOSTR && p != ST_NIL && t->nodes[p].arg == n->arg)
		snprintf(buf, cap, "%s", name);
	else if (st_tree_kind(t, b->id) == ST_K_PASS && n->arg != ST_NOSTR &&
	         st_model_fn_kind(m, n->arg) != ST_K_OTHER) {
		const char *fn = st_str(m->strs, st_model_display(m, n->arg));
		const char *sep = a->ascii ? " - " : " \xc2\xb7 ";
		char el[1024], tail[1024];
		snprintf(buf, cap, "%s%s%s", fn, sep, name);
		if (cv_width(c, buf) > room) {
			/* the generic arguments go first: a turbofish's "<…>" is no
			 * segment worth the room */
			size_t k = st_name_strip_generics(fn, strlen(fn), el, sizeof el - 1);
			el[k] = '\0';
			fn_tail(c, el, room, a->ascii, tail, sizeof tail);
			concat(buf, cap, tail, sep, name);
		}
	} else
		tui_node_label(a, t, b->id, buf, cap);
	if (a->diff)
		tui_diff_box_label(a, v, b->id, buf, cap);
}

static style box_style(app *a, tview *v, const box *b, int shade, bool *hides_match)
{
	const st_tree *t = v->tree;
	*hides_match = false;
	if (b->cut) {
		uint32_t n;
		lump_sum(a, v, b->id, b->cut, &n, hides_match);
		return v->sel == b->id && v->sel_cut == b->cut ? S_SELECTED : S_BOX_ALT;
	}
	style st = shade ? S_BOX_ALT : S_BOX;
	/* in a diff the colour says what changed, not what kind it is */
	style ks = a->diff ? S_NORMAL : tui_kind_style(a, t, b->id);
	if (a->diff) st = tui_diff_box_style(a, v, b->id, shade);
	if (ks == S_ASYNC) st = S_BOX_ASYNC;
	if (ks == S_CLOSURE) st = S_BOX_CLOSURE;
	if (tui_searching(v) && (v->match.flags[b->id] & ST_TM_MATCH)) st = S_BOX_MATCH;
	*hides_match = tui_searching(v) && v->collapsed[b->id] &&
	               (v->match.flags[b->id] & ST_TM_ANCESTOR);
	if (b->id == v->sel && !v->sel_cut) st = S_SELECTED;
	return st;
}

/* The rows under a tall box's name: its time and share of the zoom, its
 * self time, its count, as many as there are rows and as fit. */
static void tall_figures(app *a, tview *v, canvas *c, uint32_t id, int y, int y1,
                         int x0, int x1, style st)
{
	const st_node *n = &v->tree->nodes[id];
	char line[3][64], t[32], p[16];
	st_fmt_ns(t, sizeof t, (int64_t)tui_value(a, v, id), a->ascii);
	st_fmt_pct(p, sizeof p, (double)tui_value(a, v, id),
	           (double)box_value(a, v, tui_zoom_root(v), v->zoom_cut[v->nzoom - 1]));
	snprintf(line[0], sizeof line[0], "%s %s", t, p);
	st_fmt_ns(t, sizeof t, n->self_ns, a->ascii);
	snprintf(line[1], sizeof line[1], "self %s", t);
	snprintf(line[2], sizeof line[2], "count %u", n->count);
	/* a crate or CGU only groups its events: no self time or count */
	for (int i = 0; i < (n->count ? 3 : 1) && y < y1; i++, y++) {
		if (i == 0 && cv_width(c, line[0]) > x1 - x0)
			line[0][strcspn(line[0], " ")] = '\0';   /* the time alone */
		if (cv_width(c, line[i]) <= x1 - x0)
			cv_text(c, y, x0, x1, line[i], st);
	}
}

/* Draws box b at its level, then the boxes below it. */
static void draw_box(app *a, tview *v, canvas *c, const box *b, int depth,
                     const levels *lv, int shade, int parent)
{
	int y0 = level_y(lv, depth), y1 = y0 + level_h(lv, depth);
	bool root = depth == 0;
	if (y0 >= lv->bottom || b->x1 - b->x0 < 1)
		return;
	if (y1 > lv->bottom)
		y1 = lv->bottom;
	int self = remember(v, b, parent);
	if (b->x1 - b->x0 < 8) {
		/* narrower than a cell: an eighth block as wide as the box */
		static const wchar_t eighths[8] = { L' ', L'\x258f', L'\x258e', L'\x258d',
		                                    L'\x258c', L'\x258b', L'\x258a', L'\x2589' };
		int cx = (int)(b->x0 / 8);
		bool sel = v->sel == b->id && v->sel_cut == b->cut;
		covers(self, y0, y1, cx, cx + 1);
		for (int y = y0; y < y1; y++)
			if (!a->ascii && cx < c->w && c->cells[y * c->w + cx].ch == L' ') {
				cv_fill(c, y, cx, cx + 1, eighths[b->x1 - b->x0], sel ? S_SELECTED
				        : a->diff && !b->cut ? tui_diff_sliver_style(a, v, b->id) : S_DIM);
				cv_set_hit(c, y, cx, cx + 1, b->id);
			}
		return;
	}
	const st_tree *t = v->tree;
	int cx0 = (int)((b->x0 + 4) / 8), cx1 = (int)((b->x1 + 4) / 8);
	if (cx1 <= cx0)
		cx1 = cx0 + 1;
	covers(self, y0, y1, cx0, cx1);
	bool hides_match;
	style st = box_style(a, v, b, shade, &hides_match);
	char label[1024], tm[32];
	int room = cx1 - cx0 - 1;
	box_label(a, c, v, b, root, room, label, sizeof label);
	st_fmt_ns(tm, sizeof tm, (int64_t)box_value(a, v, b->id, b->cut), a->ascii);
	int lw = cv_width(c, label), tw = cv_width(c, tm);
	for (int y = y0; y < y1; y++) {
		cv_fill(c, y, cx0, cx1, L' ', st);
		if (cx0 > 0 && cx1 - cx0 >= 2)
			cv_fill(c, y, cx0, cx0 + 1, a->ascii ? L'|' : L'\x2502', st);
		cv_set_hit(c, y, cx0, cx1, b->id);
	}
	/* elided, cut in the middle, the search's match kept (tui-name.c);
	 * a lump's "+N (time)" is no node's label */
	if (cx1 - cx0 >= 4 && b->cut)   /* narrower boxes would show only an ellipsis */
		cv_text_crop(c, y0, cx0 + 1, cx1 - 1, label, st);
	else if (cx1 - cx0 >= 4)
		tui_draw_label(a, v, c, y0, cx0 + 1, cx1 - 1, b->id, label, 0, st);
	/* the time: on the bar's right, after the name when both fit, or
	 * with the other figures on the rows of a tall box */
	if (root && lw + tw + 3 <= room)
		cv_text(c, y0, cx1 - 1 - tw, cx1, tm, st);
	else if (y1 - y0 >= 2 && !b->cut)
		tall_figures(a, v, c, b->id, y0 + 1, y1, cx0 + 1, cx1 - 1, st);
	else if (!root && !b->cut && lw + tw + 2 <= room)
		cv_text(c, y0, cx0 + 1 + lw + 2, cx1, tm, st);
	bool folded = !b->cut && v->collapsed[b->id] && t->nodes[b->id].first_child != ST_NIL;
	if (folded || (b->cut && hides_match)) {
		/* folded: "+", or "*" when a match is folded away inside; a
		 * lump holding a match is marked alike */
		if (cx1 - cx0 >= 3)
			cv_text(c, y0, cx1 - 1, cx1, hides_match ? "*" : "+",
			        hides_match ? S_BOX_MATCH : st);
	}
	if (folded || (b->cut && !root))
		return;
	const box *kids;
	uint32_t n = layout_kept(a, v, b, root, &kids);
	for (uint32_t i = 0; i < n; i++)
		draw_box(a, v, c, &kids[i], depth + 1, lv, (shade + (int)i + 1) & 1, self);
}

/* A selection this frame does not show (made in another view: in a lump,
 * narrower than a cell, below the last row) marks the box that holds it,
 * so the icicle says where it is; the status line names it. */
static void mark_holder(app *a, tview *v, canvas *c)
{
	if (find_drawn(v, v->sel, v->sel_cut) >= 0)
		return;
	const st_tree *t = v->tree;
	for (uint32_t u = v->sel; u != ST_NIL; u = t->nodes[u].parent) {
		uint32_t p = t->nodes[u].parent;
		for (int i = 0; i < drawn.n; i++) {
			const drawn_box *d = &drawn.b[i];
			if ((d->id == u && !d->cut) || (d->cut && p != ST_NIL && d->id == p &&
			                                tui_value(a, v, u) < d->cut)) {
				for (int y = d->y0; y < d->y1; y++)
					cv_restyle(c, y, d->x0, d->x1, S_SELECTED);
				return;
			}
		}
		if (u == tui_zoom_root(v))
			return;
	}
}

static void draw_icicle(app *a, tview *v, canvas *c, int top, int bottom)
{
	lumps.v = v;
	lumps.frame++;
	box root = { tui_zoom_root(v), v->zoom_cut[v->nzoom - 1], 0, (long)c->w * 8 };
	levels lv = { top, bottom, 1, 0 };
	int depth = measure(a, v, &root, true, bottom - top);
	if (depth > 1 && bottom - top - 1 >= depth - 1) {
		lv.h = (bottom - top - 1) / (depth - 1);
		lv.more = (bottom - top - 1) % (depth - 1);
	}
	drawn.v = v;
	drawn.n = 0;
	draw_box(a, v, c, &root, 0, &lv, 0, -1);
	mark_holder(a, v, c);
	lumps.v = NULL;   /* keys may change what a lump holds */
	layouts_drop();
}

/* ---- keys ----------------------------------------------------------------------- */

/* Siblings of the selection in display order, when it was not drawn. */
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

static void select_drawn(tview *v, int i)
{
	v->sel = drawn.b[i].id;
	v->sel_cut = drawn.b[i].cut;
}

/* The next box after (before) i drawn below the same box. */
static int drawn_sibling(int i, int delta)
{
	for (int j = i + delta; j >= 0 && j < drawn.n; j += delta)
		if (drawn.b[j].parent == drawn.b[i].parent)
			return j;
	return -1;
}

/* Up and Down walk to the box above and the first one below, Left and
 * Right along the row's boxes under the same parent; Space folds a box;
 * Enter and Backspace zoom into and out of lumps too.  A selection that
 * was not drawn (narrower than an eighth, below the last row) moves by the
 * tree. */
static redraw icicle_key(app *a, tview *v, int act)
{
	const st_tree *t = v->tree;
	uint32_t was = v->sel;
	uint64_t was_cut = v->sel_cut;
	int top = v->nzoom - 1;
	int at = find_drawn(v, v->sel, v->sel_cut);
	switch (act) {
	case ACT_UP:
		if (at >= 0 && drawn.b[at].parent >= 0)
			select_drawn(v, drawn.b[at].parent);
		else if (at < 0 && v->sel != tui_zoom_root(v) && t->nodes[v->sel].parent != ST_NIL) {
			v->sel = t->nodes[v->sel].parent;
			v->sel_cut = v->sel == tui_zoom_root(v) ? v->zoom_cut[top] : 0;
		}
		break;
	case ACT_DOWN:
		if (at >= 0) {
			for (int j = at + 1; j < drawn.n; j++)
				if (drawn.b[j].parent == at) {
					select_drawn(v, j);
					break;
				}
		} else if (!v->collapsed[v->sel]) {
			uint32_t n, *kids = tui_children(a, v, v->sel, 0, &n);
			if (n)
				v->sel = kids[0];
			free(kids);
		}
		break;
	case ACT_LEFT: case ACT_RIGHT:
		if (at >= 0) {
			int j = drawn_sibling(at, act == ACT_LEFT ? -1 : 1);
			if (j >= 0)
				select_drawn(v, j);
		} else {
			icicle_sibling(a, v, act == ACT_LEFT ? -1 : 1);
		}
		break;
	case ACT_PGUP: case ACT_PGDN:
		return R_KEPT;   /* nothing to page through */
	case ACT_HOME: case ACT_END:
		v->sel = tui_zoom_root(v);
		v->sel_cut = v->zoom_cut[top];
		break;
	case ACT_TOGGLE:
		if (v->sel_cut)
			return R_KEPT;   /* a lump has no children of its own */
		v->collapsed[v->sel] = !v->collapsed[v->sel];
		return R_VIEW;
	case ACT_ZOOM:
		if (!v->sel_cut)
			return R_NONE;   /* a node: as in the table */
		if (v->nzoom < 64 && !(v->sel == tui_zoom_root(v) && v->sel_cut == v->zoom_cut[top])) {
			v->zoom_cut[v->nzoom] = v->sel_cut;
			v->zoom[v->nzoom++] = v->sel;
			return R_VIEW;
		}
		return R_KEPT;
	case ACT_UNZOOM:
		if (v->nzoom < 2)
			return R_KEPT;
		/* back out: the box zoomed into is the selection */
		v->sel = tui_zoom_root(v);
		v->sel_cut = v->zoom_cut[top];
		v->nzoom--;
		return R_VIEW;
	default:
		return R_NONE;
	}
	return v->sel == was && v->sel_cut == was_cut ? R_KEPT : R_VIEW;
}

/* Boxes are found by the cells they were drawn on; a lump's cells name
 * its parent, and the box drawn there last says which lump (a later box
 * overwrites a cell that rounding gave two). */
static uint32_t icicle_at(const tview *v, const canvas *c, int y, int x, uint64_t *cut)
{
	uint32_t id = c->hit[y * c->w + x];
	*cut = 0;
	for (int i = drawn.v == v ? drawn.n : 0; id != ST_NIL && i-- > 0;) {
		const drawn_box *d = &drawn.b[i];
		if (d->id == id && y >= d->y0 && y < d->y1 && x >= d->x0 && x < d->x1) {
			*cut = d->cut;
			break;
		}
	}
	return id;
}

/* ---- a selected lump in the status line ------------------------------------------ */

bool tui_icicle_lump_crumb(app *a, tview *v, char *buf, size_t cap)
{
	if (!v->sel_cut || v->shape != &tui_shape_icicle)
		return false;
	uint32_t n;
	lump_sum(a, v, v->sel, v->sel_cut, &n, NULL);
	snprintf(buf, cap, "+%u", n);
	return true;
}

bool tui_icicle_lump_status(app *a, tview *v, canvas *c, int y)
{
	if (!v->sel_cut || v->shape != &tui_shape_icicle)
		return false;
	uint32_t n;
	uint64_t sum = lump_sum(a, v, v->sel, v->sel_cut, &n, NULL);
	char tot[32], below[32], pp[16], pa[16], buf[1024], label[512];
	st_fmt_ns(tot, sizeof tot, (int64_t)sum, a->ascii);
	st_fmt_ns(below, sizeof below, (int64_t)v->sel_cut, a->ascii);
	st_fmt_pct(pp, sizeof pp, (double)sum, (double)tui_value(a, v, v->sel));
	st_fmt_pct(pa, sizeof pa, (double)sum, (double)v->tree->nodes[0].total_ns);
	tui_node_label(a, v->tree, v->sel, label, sizeof label);
	snprintf(buf, sizeof buf, "%u nodes under %s, each below %s: total %s  %s of parent  "
	         "%s of all  Enter: zoom in", n, label, below, tot, pp, pa);
	cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
	return true;
}

const shape_ops tui_shape_icicle = { "icicle", draw_icicle, icicle_key, icicle_at };
