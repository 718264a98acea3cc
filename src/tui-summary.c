/* tui-summary.c: the Summary view: its rows (tui-summary-rows.c) made once
 * per screen height and threshold, drawn, searched, moved through, and
 * Enter, which lands on a row that shows the same figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tui-summary.h"

/* A node's time; in a diff the larger side, so that gone nodes are found. */
static uint64_t weight(const app *a, const st_tree *t, uint32_t id)
{
	uint64_t w = t->nodes[id].total_ns;
	if (a->diff && tui_diff_base(a, t, id)->total_ns > w)
		w = tui_diff_base(a, t, id)->total_ns;
	return w;
}

/* The node of t with this name (and kind, in crate) that has the most
 * time. */
static uint32_t find_node(const app *a, const st_tree *t, uint32_t name, int kind,
                          uint32_t crate)
{
	uint32_t best = ST_NIL;
	name = st_model_display(a->m, name);
	for (uint32_t id = 1; id < t->len; id++) {
		if (st_model_display(a->m, t->nodes[id].name) != name)
			continue;
		if (kind >= 0 && st_tree_kind(t, id) != (st_kind)kind)
			continue;
		if (crate != ST_NOSTR && t->nodes[t->nodes[id].parent].name != crate)
			continue;
		if (best == ST_NIL || weight(a, t, id) > weight(a, t, best))
			best = id;
	}
	return best;
}

/* Whether node id of t shows row w's figure (both sides in a diff): the
 * row Enter may land on.  A pass merged over every CGU has its summed self
 * time, a function its LLVM time unless another crate's function of that
 * name was merged with it, a CGU its self time as its row's total; a
 * profile without a codegen tree has no such row at all. */
static bool shows_figure(const app *a, const row *w, const st_tree *t, uint32_t id)
{
	const st_node *n = &t->nodes[id];
	if ((w->self ? n->self_ns : (int64_t)n->total_ns) != w->fig)
		return false;
	if (!a->diff)
		return true;
	const st_diff_node *b = tui_diff_base(a, t, id);
	return (w->self ? b->self_ns : (int64_t)b->total_ns) == w->bfig;
}

/* The rows are made once per model, threshold and height, and matched
 * once per search, not on every frame. */
static rows current;
static struct { bool made; int64_t min_delta; int h; unsigned search_gen; } made_for;

void tui_summary_free(app *a)
{
	(void)a;
	free(current.v);
	current = (rows){ 0 };
	made_for.made = false;
}

static void summary_search(app *a)
{
	for (int i = 0; i < current.n; i++) {
		row *w = &current.v[i];
		const char *name = w->name_off >= 0 ? w->text + w->name_off : NULL;
		w->match = a->re && name && st_regex_match(a->re, name, strlen(name));
	}
	made_for.search_gen = a->search_gen;
}

static void make_rows(app *a)
{
	if (made_for.made && made_for.min_delta == a->min_delta && made_for.h == a->h) {
		if (made_for.search_gen != a->search_gen)
			summary_search(a);
		return;
	}
	current.n = 0;
	tui_summary_rows(a, &current);
	/* a profile without that tree (-Z time-llvm-passes has no CGUs): the
	 * rows of the item in Tables, said before Enter */
	for (int i = 0; i < current.n; i++) {
		row *w = &current.v[i];
		if (w->view >= 0 && w->table >= 0 && w->tree->nodes[0].first_child == ST_NIL)
			w->view = -1;
	}
	made_for.made = true;
	made_for.min_delta = a->min_delta;
	made_for.h = a->h;
	summary_search(a);
}

static void draw_summary(app *a, canvas *c, int top, int bottom)
{
	make_rows(a);
	int h = bottom - top;
	if (a->summary_sel >= current.n) a->summary_sel = current.n - 1;
	if (a->summary_sel < 0) a->summary_sel = 0;
	/* the view opens on the first row of figures, below the headings */
	if (!tui_summary_selectable(&current.v[a->summary_sel]))
		while (a->summary_sel < current.n - 1 && current.v[a->summary_sel].view < 0 &&
		       current.v[a->summary_sel].item == ST_NIL)
			a->summary_sel++;
	if (a->summary_sel < a->summary_scroll) a->summary_scroll = a->summary_sel;
	if (a->summary_sel >= a->summary_scroll + h) a->summary_scroll = a->summary_sel - h + 1;
	a->summary_hits = (row_hits){ top, a->summary_scroll, 0 };
	for (int i = 0; i < h && a->summary_scroll + i < current.n; i++) {
		a->summary_hits.n++;
		const row *w = &current.v[a->summary_scroll + i];
		style st = w->match ? S_MATCH : w->st;
		int idx = a->summary_scroll + i;
		if (w->name_off >= 0) {
			/* the figures, then the name fitted into the rest */
			char pre[sizeof w->text];
			memcpy(pre, w->text, (size_t)w->name_off);
			pre[w->name_off] = '\0';
			int x = cv_text(c, top + i, 0, c->w, pre, st);
			const char *name = w->text + w->name_off;
			size_t k0 = 0, k1 = 0;
			if (w->match)
				tui_match_span(a, name, &k0, &k1);
			uint64_t key = idx == a->summary_sel ? (uint64_t)5 << 32 | (uint32_t)idx : 0;
			tui_draw_name(a, c, top + i, x, c->w, name, k0, k1, key, st);
		} else {
			cv_text_crop(c, top + i, 0, c->w, w->text, st);
		}
		if (w->dst != S_NORMAL && w->d1 <= strlen(w->text)) {
			char pre[sizeof w->text];
			memcpy(pre, w->text, w->d1);
			pre[w->d1] = '\0';
			int x1 = cv_width(c, pre);
			pre[w->d0] = '\0';
			cv_restyle(c, top + i, cv_width(c, pre), x1, w->dst);
		}
		if (idx == a->summary_sel)
			cv_restyle(c, top + i, 0, c->w, S_SELECTED);
	}
	a->summary_rows = current.n;
}

static void step(app *a, int delta)
{
	int i = a->summary_sel;
	do
		i += delta;
	while (i >= 0 && i < current.n && !tui_summary_selectable(&current.v[i]));
	if (i >= 0 && i < current.n)
		a->summary_sel = i;
}

/* n and N: the next matching row below (above) the cursor, wrapping. */
static redraw find_match(app *a, int dir)
{
	make_rows(a);
	if (!a->re) {
		snprintf(a->message, sizeof a->message, "no search: / searches the names");
		return R_STATUS;
	}
	for (int k = 1; k <= current.n; k++) {
		int i = ((a->summary_sel + dir * k) % current.n + current.n) % current.n;
		if (current.v[i].match && tui_summary_selectable(&current.v[i])) {
			bool wrapped = dir > 0 ? i <= a->summary_sel : i >= a->summary_sel;
			a->summary_sel = i;
			if (wrapped)
				snprintf(a->message, sizeof a->message, "search wrapped to the %s",
				         dir > 0 ? "top" : "bottom");
			return R_VIEW;
		}
	}
	snprintf(a->message, sizeof a->message, "no row matches");
	return R_STATUS;
}

static const char *const view_names[] = {
	[V_ICICLE] = "Icicle", [V_TREE] = "Tree", [V_CODEGEN] = "Codegen",
	[V_SUMMARY] = "Summary", [V_BUILD] = "Build", [V_TABLES] = "Tables",
	[V_HELP] = "Help",
};

/* Where the cursor is and where Enter leads. */
static void summary_status(app *a, canvas *c, int y)
{
	make_rows(a);
	if (a->summary_sel < 0 || a->summary_sel >= current.n)
		return;
	const row *w = &current.v[a->summary_sel];
	int sect = a->summary_sel;
	while (sect > 0 && current.v[sect].st != S_HEADER)
		sect--;
	char buf[640], where[160] = "";
	/* a diff's headings hold the column titles: its paths instead */
	const char *section = a->diff || current.v[sect].st != S_HEADER ? ""
	                      : current.v[sect].text;
	if (a->diff)
		snprintf(where, sizeof where, "  base %.60s  new %.60s", a->diff_paths[0],
		         a->diff_paths[1]);
	if (w->view >= 0 && w->crates > 1)
		snprintf(buf, sizeof buf, "row %d of %d  %.200s%sEnter: its row in Tables (Codegen "
		         "merged adds up the %u crates' functions of this name)%s",
		         a->summary_sel + 1, current.n, section, *section ? "  " : "", w->crates,
		         where);
	else if (w->view < 0 && w->table >= 0)
		snprintf(buf, sizeof buf, "row %d of %d  %.200s%sEnter: %s in Tables%s",
		         a->summary_sel + 1, current.n, section, *section ? "  " : "",
		         w->item == ST_NIL ? "the whole table" : w->table == TB_ASYNC
		         ? "its members" : "its row", where);
	else if (w->view >= 0 && w->tree)
		snprintf(buf, sizeof buf, "row %d of %d  %.200s%sEnter: show it in %s%s%s",
		         a->summary_sel + 1, current.n, section, *section ? "  " : "",
		         view_names[w->view], w->merged ? w->tree == &a->m->pivot
		         ? " (function first, all CGUs)" : " (all CGUs)"
		         : w->tree == &a->m->pivot ? " (function first)" : "", where);
	else
		snprintf(buf, sizeof buf, "row %d of %d  %.200s%s", a->summary_sel + 1,
		         current.n, section, where);
	cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
}

redraw tui_summary_land(app *a, const row *w, bool exact, const char **why)
{
	*why = "the codegen tree has none";
	if (w->view < 0 || !w->tree)
		return R_NONE;
	const st_tree *t = w->merged ? &tui_merged_of(a, w->tree)->tree : w->tree;
	uint32_t id = find_node(a, t, w->name_id, w->kind, w->crate);
	if (id == ST_NIL)
		return R_NONE;
	if (exact && !shows_figure(a, w, t, id)) {
		*why = "no row of the codegen tree shows its figure";
		return R_NONE;
	}
	/* Codegen shows the tree the row names; turning it is said */
	bool pivot = w->tree == &a->m->pivot;
	if (w->view == V_CODEGEN && pivot != a->pivot)
		snprintf(a->message, sizeof a->message, "Codegen, %s first (p: %s first)",
		         pivot ? "function" : "pass", pivot ? "pass" : "function");
	if (w->view == V_CODEGEN) {
		a->pivot = pivot;
		a->merged[2] = w->merged;
	}
	tui_show_node(a, (view_id)w->view, t, id);
	return R_ALL;
}

static redraw summary_action(app *a, int act)
{
	int page = a->h - 4 > 1 ? a->h - 4 : 1;
	switch (act) {
	case ACT_UP: step(a, -1); return R_VIEW;
	case ACT_DOWN: step(a, 1); return R_VIEW;
	case ACT_PGUP: for (int i = 0; i < page; i++) step(a, -1); return R_VIEW;
	case ACT_PGDN: for (int i = 0; i < page; i++) step(a, 1); return R_VIEW;
	case ACT_HOME: a->summary_sel = 0; step(a, 1); return R_VIEW;
	case ACT_END: a->summary_sel = current.n; step(a, -1); return R_VIEW;
	case ACT_NEXT_MATCH: return find_match(a, 1);
	case ACT_PREV_MATCH: return find_match(a, -1);
	/* nothing to fold here: Left and Right scroll the selected name */
	case ACT_LEFT: case ACT_RIGHT: return tui_name_scroll(a, act == ACT_LEFT ? -1 : 1);
	case ACT_ZOOM: {
		if (a->summary_sel < 0 || a->summary_sel >= current.n)
			return R_NONE;
		const row *w = &current.v[a->summary_sel];
		if ((w->view < 0 || w->crates > 1) && w->table >= 0)
			return tui_tables_open(a, w->table, w->item);
		if (w->view < 0 || !w->tree)
			return R_NONE;
		const char *why;
		redraw r = tui_summary_land(a, w, w->table >= 0, &why);
		if (r != R_NONE)
			return r;
		if (w->table >= 0) {
			r = tui_tables_open(a, w->table, w->item);
			snprintf(a->message, sizeof a->message, "its row in Tables: %s", why);
			return r;
		}
		snprintf(a->message, sizeof a->message, "not found in the tree");
		return R_STATUS;
	}
	default:
		return R_NONE;
	}
}

/* A click selects the row under it, a row of figures or a heading (Enter
 * on one opens its whole table); a blank line keeps the selection.  A
 * double click is Enter on it. */
static redraw summary_click(app *a, canvas *c, int y, int x, int what)
{
	(void)c, (void)x;
	int pos = tui_row_at(&a->summary_hits, y);
	if (pos < 0 || pos >= current.n || !tui_summary_selectable(&current.v[pos]))
		return R_NONE;
	a->summary_sel = pos;
	return what == MOUSE_DOUBLE ? summary_action(a, ACT_ZOOM) : R_VIEW;
}

const view_ops tui_view_summary = {
	"Summary", draw_summary, summary_action, summary_status, summary_search, NULL, NULL,
	summary_click,
};
