/* tui-tables.c: the Tables view, every ranked answer whole.  The Summary
 * shows the top of each table; here each is shown entire, one at a time:
 * functions across all CGUs, async fns, LLVM passes, codegen units, crates
 * and rustc activities, with the usual sort keys, search and n/N, a kind
 * filter for functions, and rows that open: an async fn onto its members
 * (each one's LLVM time summed across CGUs), a pass onto the functions it
 * ran on in every CGU, a function onto the CGUs it is in, a CGU onto its
 * functions.  Enter on a row that does not open shows it in its tree.
 * This file: the tables' definitions, the view's state and its keys; the
 * rest is in tui-tables-*.c (tui-tables.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/xalloc.h"
#include "tui-summary.h"
#include "tui-tables.h"

/* ---- the tables ------------------------------------------------------------- */

const tdef tb_defs[TB_COUNT] = {
	[TB_FUNCTIONS] = { "functions", "functions by LLVM time, across all CGUs",
		{ "llvm" }, "cgus", "kind", "function", "all LLVM time", 0, 0, SORT_TOTAL,
		ST_DT_FUNCTIONS, -1 },
	[TB_ASYNC] = { "async fns", "async fns by LLVM time, members summed across CGUs",
		{ "llvm" }, "fns", "kind", "async fn", "all LLVM time",
		0, 0, SORT_TOTAL, ST_DT_ASYNC, 1 },
	[TB_PASSES] = { "passes", "LLVM passes by self time",
		{ "self" }, "count", "kind", "pass",
		"all LLVM time", 0, 0, SORT_TOTAL, ST_DT_PASSES, 1 },
	[TB_CGUS] = { "CGUs", "codegen units by self time",
		{ "self", "total" }, "fns", "kind", "crate / CGU", "all cpu time", 1, 0,
		SORT_SELF, ST_DT_CGUS, -1 },
	[TB_CRATES] = { "crates", "crates by wall time",
		{ "wall", "cpu", "llvm" }, "sources", "kind", "crate",
		"the summed wall time", 0, 1, SORT_TOTAL, ST_DT_CRATES, -1 },
	[TB_LABELS] = { "activities", "rustc activities and queries by self time",
		{ "self", "total" }, "count", NULL, "activity or query", "all cpu time", 1, 0,
		SORT_SELF, ST_DT_LABELS, 2 },
};

struct tables *tb_st(app *a)
{
	if (!a->tables) {
		a->tables = st_xcalloc(1, sizeof *a->tables);
		for (int i = 0; i < TB_COUNT; i++) {
			table *t = &a->tables->t[i];
			t->sort = a->diff ? SORT_ABS_DELTA : tb_defs[i].sort0;
			t->sorted = -1;
			t->sel_kid = ST_NIL;
		}
	}
	return a->tables;
}

table *tb_cur(app *a)
{
	return &tb_st(a)->t[tb_st(a)->cur];
}

const tdef *tb_def(app *a)
{
	return &tb_defs[tb_st(a)->cur];
}

static void free_table(table *t)
{
	for (uint32_t i = 0; t->kids && i < t->ntop; i++)
		free(t->kids[i].v);
	free(t->kids);
	free(t->top);
	free(t->order);
	free(t->open);
	free(t->match);
}

bool tui_tables_ahead_pending(app *a)
{
	return !tb_st(a)->ahead;
}

void tui_tables_ahead_step(app *a)
{
	struct tables *T = tb_st(a);
	if (!T->indexed) {
		tb_index_step(a);
	} else if (!T->t[T->cur].made) {
		tb_make_table(a, T->cur);
	} else {
		tb_make_rows(a);
		T->ahead = true;
	}
}

void tui_tables_free(app *a)
{
	struct tables *T = a->tables;
	if (!T)
		return;
	for (int i = 0; i < TB_COUNT; i++)
		free_table(&T->t[i]);
	free(T->rows);
	st_idmap_free(&T->fn_of);
	st_idmap_free(&T->pass_of);
	st_idmap_free(&T->cgu_of);
	free(T->fn_at); free(T->fn_nodes);
	free(T->pass_at); free(T->pass_nodes);
	free(T->cgu_pivot); free(T->cgu_codegen); free(T->cgu_fns);
	free(T->walk.acc.k); free(T->walk.acc.v);
	free(T->own_at); free(T->own_fns);
	free(T->downer);
	free(T->kid_of);
	free(T->smemo);
	free(T->cmemo);
	free(T);
	a->tables = NULL;
}

/* ---- keys --------------------------------------------------------------------------- */

static void select_row(app *a, int pos)
{
	struct tables *T = tb_st(a);
	table *t = tb_cur(a);
	if (!T->nrows)
		return;
	if (pos < 0) pos = 0;
	if (pos >= (int)T->nrows) pos = (int)T->nrows - 1;
	T->selpos = pos;
	t->sel_top = T->rows[pos].top;
	t->sel_kid = T->rows[pos].kid;
}

static redraw move(app *a, int delta)
{
	struct tables *T = tb_st(a);
	int was = T->selpos;
	select_row(a, T->selpos + delta);
	return T->selpos == was ? R_NONE : R_VIEW;
}

static void set_open(app *a, table *t, uint32_t top, bool open)
{
	t->open[top] = open;
	tb_st(a)->rows_ok = false;
}

/* n and N walk the rows in the order they show, a closed row's children
 * where they would be if it were open (as a tree view's folded subtrees).
 * Within the row at order position r, place 0 is the row itself and place
 * q > 0 its child q - 1; Q_END is its last place.  Rows the kind filter or
 * the threshold hides are not walked (the search's filter hides only rows
 * that do not match). */
#define Q_END LONG_MAX

static bool row_shown(app *a, table *t, const ent *e)
{
	return tb_kind_passes(a, e) && !tb_diff_small(a, t, e);
}

/* The first place from `from` to `to` (inclusive, dir 1 or -1) of row r
 * that matches: true and its child (ST_NIL: the row) in *kid.  Children
 * made only to be looked at go again unless one of them is the answer:
 * a walk holds no more than the rows show. */
/* Matches remembered for the search: a walk through a table of millions of
 * children tests each name once, not once per place it is in. */
static void memo_reset(app *a)
{
	struct tables *T = tb_st(a);
	if (T->memo_gen == a->search_gen + 1)
		return;
	uint32_t n = st_strtab_count(a->m->strs);
	free(T->smemo);
	free(T->cmemo);
	T->smemo = st_xcalloc((size_t)n + 1, 1);
	T->cmemo = st_xcalloc((size_t)a->m->pivot.len + 1, 1);
	T->smemo_len = n;
	T->memo_gen = a->search_gen + 1;
}

/* Whether the search matches string s (a function's name). */
static bool name_matches(app *a, uint32_t s)
{
	struct tables *T = tb_st(a);
	if (s >= T->smemo_len)
		return st_regex_match(a->re, st_model_str(a->m, s), st_strlen(a->m->strs, s));
	if (!T->smemo[s])
		T->smemo[s] = (uint8_t)(1 + st_regex_match(a->re, st_model_str(a->m, s),
		                                           st_strlen(a->m->strs, s)));
	return T->smemo[s] == 2;
}

/* Whether it matches "crate / CGU" of CGU node cu of the pivot tree. */
static bool cgu_matches(app *a, uint32_t cu)
{
	struct tables *T = tb_st(a);
	if (!T->cmemo[cu]) {
		const st_tree *t = &a->m->pivot;
		char buf[2048];
		snprintf(buf, sizeof buf, "%s / %s",
		         st_model_str(a->m, t->nodes[t->nodes[cu].parent].name),
		         st_model_str(a->m, t->nodes[cu].name));
		T->cmemo[cu] = (uint8_t)(1 + st_regex_match(a->re, buf, strlen(buf)));
	}
	return T->cmemo[cu] == 2;
}

/* tb_ent_matches of a child, through the memos (raw names: not these). */
static bool kid_matches(app *a, const ent *c)
{
	if (a->raw)
		return tb_ent_matches(a, c);
	if (c->what == E_FN)
		return name_matches(a, a->m->functions.v[c->id].name);
	if (c->what == E_DIFF && c->dt == ST_DT_FUNCTIONS)
		return name_matches(a, tb_drow(a, c)->name);
	if (c->what == E_FN_CGU)
		return cgu_matches(a, a->m->pivot.nodes[c->id].parent);
	return tb_ent_matches(a, c);
}

/* Whether a closed row may hold a matching child, from the tree nodes its
 * children would be made of, without making them (a superset: the kind
 * filter and the threshold are applied to the children themselves). */
static bool may_hold_match(app *a, table *t, uint32_t i)
{
	if (a->raw)
		return true;
	struct tables *T = tb_st(a);
	const ent *e = &t->top[i];
	const st_tree *pv = &a->m->pivot, *cg = &a->m->codegen;
	switch (tb_row_kind(e)) {
	case E_FN:
		for (uint32_t p = T->fn_at[e->id]; p < T->fn_at[e->id + 1]; p++)
			if (cgu_matches(a, pv->nodes[T->fn_nodes[p]].parent))
				return true;
		return false;
	case E_PASS:
		for (uint32_t p = T->pass_at[e->id]; p < T->pass_at[e->id + 1]; p++)
			CHILDREN(cg, T->pass_nodes[p], f)
				if (name_matches(a, cg->nodes[f].name))
					return true;
		return false;
	case E_CGU:
		if (T->cgu_pivot[e->id] != ST_NIL)
			CHILDREN(pv, T->cgu_pivot[e->id], f)
				if (name_matches(a, pv->nodes[f].name))
					return true;
		return false;
	case E_ASYNC:
		for (uint32_t p = T->own_at[e->id]; p < T->own_at[e->id + 1]; p++) {
			uint32_t j = T->own_fns[p];
			if (name_matches(a, a->diff ? a->diff->tables[ST_DT_FUNCTIONS].v[j].name
			                            : a->m->functions.v[j].name))
				return true;
		}
		return false;
	default:
		return true;
	}
}

static bool row_match(app *a, table *t, uint32_t r, int dir, long from, long to,
                      uint32_t *kid)
{
	uint32_t i = t->order[r];
	if (!row_shown(a, t, &t->top[i]))
		return false;
	kids *ks = NULL;
	bool made = false;
	long n = 0;
	bool built = t->kids[i].v || t->kids[i].sorted == -2;
	if (tb_opens(a, t, i) && (built || may_hold_match(a, t, i))) {
		made = !t->kids[i].v && t->kids[i].sorted != -2;
		ks = tb_kids_of(a, t, i);
		n = ks->n;
	}
	/* the ends clamped to the places there are (a walk forward from past
	 * the last one finds none) */
	if (from == Q_END || (dir < 0 && from > n))
		from = n;
	if (to == Q_END || (dir > 0 && to > n))
		to = n;
	bool found = false;
	for (long q = from; !found && (dir > 0 ? q <= to : q >= to); q += dir) {
		const ent *c = q ? &ks->v[q - 1] : NULL;
		found = q ? row_shown(a, t, c) && kid_matches(a, c) : t->match[i];
		if (found)
			*kid = q ? (uint32_t)(q - 1) : ST_NIL;
	}
	if (made && !t->open[i] && !(found && *kid != ST_NIL))
		tb_drop_kids(t, i);
	return found;
}

/* n and N: the next matching row below (above) the selection in the
 * order shown, inside closed rows too (which then open), wrapping with a
 * note. */
static redraw find_match(app *a, int dir)
{
	struct tables *T = tb_st(a);
	table *t = tb_cur(a);
	if (!a->re) {
		snprintf(a->message, sizeof a->message, "no search: / searches the names");
		return R_STATUS;
	}
	memo_reset(a);
	uint32_t at = 0, kid = ST_NIL;
	long q = 0;   /* the selection's place in its row */
	for (uint32_t r = 0; r < t->ntop; r++)
		if (t->order[r] == t->sel_top) {
			at = r;
			q = t->sel_kid == ST_NIL ? 0 : (long)t->sel_kid + 1;
		}
	uint32_t r = at;
	bool wrapped = false, found = t->ntop &&
	    row_match(a, t, at, dir, q + dir, dir > 0 ? Q_END : 0, &kid);
	for (uint32_t k = 1; !found && k < t->ntop; k++) {
		wrapped |= dir > 0 ? at + k >= t->ntop : k > at;
		r = (uint32_t)(((long)at + dir * (long)k + t->ntop) % t->ntop);
		found = row_match(a, t, r, dir, dir > 0 ? 0 : Q_END, dir > 0 ? Q_END : 0, &kid);
	}
	if (!found && t->ntop) {   /* round to the selection's row again */
		wrapped = true;
		r = at;
		found = row_match(a, t, at, dir, dir > 0 ? 0 : Q_END, q, &kid);
	}
	if (!found) {
		snprintf(a->message, sizeof a->message, "no row matches");
		return R_STATUS;
	}
	uint32_t i = t->order[r];
	if (kid != ST_NIL && !t->open[i])
		set_open(a, t, i, true);
	bool same = i == t->sel_top && kid == t->sel_kid;
	t->sel_top = i;
	t->sel_kid = kid;
	T->rows_ok = false;
	tb_make_rows(a);
	if (wrapped)
		snprintf(a->message, sizeof a->message, same ? "the only match"
		         : dir > 0 ? "search wrapped to the top" : "search wrapped to the bottom");
	return R_VIEW;
}

static const char *const tree_views[] = { "Codegen, pass first (p: function first)",
                                          "Codegen, function first (p: pass first)" };

/* Shows a row in its tree: the node it came from, or the heaviest of its
 * name. */
/* A pass, or a function of one crate, lands where the Summary's row of it
 * does: on its node in the Codegen tree merged over every CGU, which shows
 * the row's own figure.  False when that tree has no such node. */
static bool show_merged(app *a, const ent *e, int kind)
{
	const st_model *m = a->m;
	if (kind != E_PASS && kind != E_FN)
		return false;
	row w = { .view = V_CODEGEN, .merged = true, .crate = ST_NOSTR, .kind = -1,
	          .table = -1, .self = kind == E_PASS };
	w.tree = kind == E_PASS ? &m->codegen : &m->pivot;
	if (kind == E_PASS)
		w.kind = ST_K_PASS;
	if (e->what == E_DIFF) {
		const st_diff_row *d = tb_drow(a, e);
		w.name_id = d->name;
		w.fig = d->new[0];
		w.bfig = d->base[0];
	} else if (kind == E_PASS) {
		w.name_id = m->passes.v[e->id].pass;
		w.fig = m->passes.v[e->id].self_ns;
	} else {
		w.name_id = m->functions.v[e->id].name;
		w.fig = m->functions.v[e->id].llvm_ns;
	}
	if (kind == E_FN && tui_summary_fn_crates(a, w.name_id) > 1)
		return false;   /* merged by name, it sums crates: not the row's */
	const char *why;
	return tui_summary_land(a, &w, true, &why) != R_NONE;
}

static redraw show_in_tree(app *a, const ent *e, bool top)
{
	struct tables *T = tb_st(a);
	const st_model *m = a->m;
	uint32_t node = e->node;
	int tree = e->tree;
	int kind = tb_row_kind(e);
	if (top && show_merged(a, e, kind))   /* a child's figure is where it is */
		return R_ALL;
	if (e->what == E_DIFF && node == ST_NIL)
		tree = kind == E_FN ? T_PIVOT : kind == E_PASS || kind == E_CGU ? T_CODEGEN : T_FIND;
	if (node == ST_NIL) {
		/* the nodes found once by tb_make_index, in a diff by row */
		switch (kind) {
		case E_FN:
			for (uint32_t p = T->fn_at[e->id]; p < T->fn_at[e->id + 1]; p++)
				node = tb_heavier(a, &m->pivot, node, T->fn_nodes[p]);
			break;
		case E_PASS:
			for (uint32_t p = T->pass_at[e->id]; p < T->pass_at[e->id + 1]; p++)
				node = tb_heavier(a, &m->codegen, node, T->pass_nodes[p]);
			break;
		case E_CGU: node = T->cgu_codegen[e->id]; break;
		case E_CRATE:
			node = tb_find_node(a, &m->stack, true, e->what == E_DIFF ? tb_drow(a, e)->name
			                 : m->crates.v[e->id].display);
			break;
		case E_LABEL:
			node = tb_find_node(a, &m->stack, false, e->what == E_DIFF ? tb_drow(a, e)->name
			                 : m->labels.v[e->id].label);
			break;
		default: break;
		}
	}
	if (node == ST_NIL) {
		snprintf(a->message, sizeof a->message, "not found in the trees");
		return R_STATUS;
	}
	if (tree == T_FIND) {   /* merged by label, the node it went into */
		tui_show_node(a, V_TREE, &a->m->stack, node);
		return R_ALL;
	}
	/* a node of one CGU: the Codegen tree merged over CGUs has none of
	 * its own, so the merge is turned off (node is no id of that tree) */
	bool pivot = tree == T_PIVOT;
	if (a->pivot != pivot || a->merged[2])
		snprintf(a->message, sizeof a->message, "%s%s", tree_views[pivot],
		         a->merged[2] ? "; not merged (m: merged again)" : "");
	a->pivot = pivot;
	a->merged[2] = false;
	a->view = V_CODEGEN;
	tui_tview_select(a, tui_cur_tview(a), node);
	return R_ALL;
}

static redraw set_sort(app *a, int key)
{
	table *t = tb_cur(a);
	const tdef *d = tb_def(a);
	if (key == SORT_COUNT && (!d->count || (a->diff && d->dcount < 0))) {
		snprintf(a->message, sizeof a->message, "the %s table has no count", d->tab);
		return R_STATUS;
	}
	if ((key == SORT_DELTA || key == SORT_ABS_DELTA) && !a->diff) {
		snprintf(a->message, sizeof a->message, "sorting by change needs --diff BASE NEW");
		return R_STATUS;
	}
	if (t->sort == key)
		t->reverse = !t->reverse;
	else {
		t->sort = key;
		t->reverse = false;
	}
	/* a diff shows the figure it was last sorted by */
	if (key == SORT_TOTAL) t->fig = d->tfig;
	if (key == SORT_SELF) t->fig = d->sfig;
	if (key == SORT_COUNT && a->diff) t->fig = d->dcount;
	/* a new order keeps the cursor's row, as the Build view does: at the
	 * top, the top of the new order shows */
	t->sel_top = ST_NIL;
	t->sel_kid = ST_NIL;
	tb_st(a)->rows_ok = false;
	return R_VIEW;
}

static redraw tables_action(app *a, int act)
{
	struct tables *T = tb_st(a);
	tb_make_rows(a);
	table *t = tb_cur(a);
	int page = T->page;
	const vrow *vr = T->nrows ? &T->rows[T->selpos] : NULL;
	switch (act) {
	case ACT_UP: return move(a, -1);
	case ACT_DOWN: return move(a, 1);
	case ACT_PGUP: t->scroll -= page; return move(a, -page) | R_VIEW;
	case ACT_PGDN: t->scroll += page; return move(a, page) | R_VIEW;
	case ACT_HOME: return move(a, -(1 << 30));
	case ACT_END: return move(a, 1 << 30);
	case ACT_NEXT_TABLE: case ACT_PREV_TABLE:
		T->cur = (T->cur + (act == ACT_NEXT_TABLE ? 1 : TB_COUNT - 1)) % TB_COUNT;
		T->rows_ok = false;
		T->selpos = 0;
		return R_VIEW;
	case ACT_KIND_FILTER:
		T->kind = (T->kind + 1) % KF_COUNT;
		T->rows_ok = false;
		snprintf(a->message, sizeof a->message, "functions: %s", tb_kind_names[T->kind]);
		return R_VIEW;
	case ACT_SORT_TOTAL: return set_sort(a, SORT_TOTAL);
	case ACT_SORT_SELF: return set_sort(a, SORT_SELF);
	case ACT_SORT_COUNT: return set_sort(a, SORT_COUNT);
	case ACT_SORT_NAME: return set_sort(a, SORT_NAME);
	case ACT_SORT_DELTA: return set_sort(a, SORT_DELTA);
	case ACT_SORT_ABS_DELTA: return set_sort(a, SORT_ABS_DELTA);
	case ACT_NEXT_MATCH: return find_match(a, 1);
	case ACT_PREV_MATCH: return find_match(a, -1);
	case ACT_UNZOOM:
		if (!T->back)
			return R_NONE;
		T->back = false;
		a->view = V_SUMMARY;
		return R_ALL;
	case ACT_EXPAND_ALL: case ACT_COLLAPSE_ALL:
		for (uint32_t i = 0; i < t->ntop; i++)
			t->open[i] = act == ACT_EXPAND_ALL;
		T->rows_ok = false;
		return R_VIEW;
	default:
		break;
	}
	if (!vr)
		return R_NONE;
	bool top = vr->kid == ST_NIL, can = top && tb_opens(a, t, vr->top);
	switch (act) {
	case ACT_ZOOM:
		if (can) {
			set_open(a, t, vr->top, !t->open[vr->top]);
			return R_VIEW;
		}
		return show_in_tree(a, tb_row_ent(a, vr), top);
	case ACT_TOGGLE:
		if (!can && top)
			return R_NONE;
		set_open(a, t, vr->top, !t->open[vr->top]);
		t->sel_kid = ST_NIL;   /* a closing row keeps the cursor */
		return R_VIEW;
	case ACT_RIGHT:
		if (can && !t->open[vr->top]) {
			set_open(a, t, vr->top, true);
			return R_VIEW;
		}
		return move(a, 1);
	case ACT_LEFT:
		if (can && t->open[vr->top]) {
			set_open(a, t, vr->top, false);
			return R_VIEW;
		}
		if (!top) {
			t->sel_kid = ST_NIL;
			T->rows_ok = false;
			return R_VIEW;
		}
		return R_NONE;
	default:
		return R_NONE;
	}
}

static void tables_search(app *a)
{
	if (a->tables)
		a->tables->rows_ok = false;
}

/* Opening a row from the Summary lands on a row with the Summary's
 * figure: a diff shows its first figure again (the Summary's), and a
 * search's filter that would hide the row goes off. */
redraw tui_tables_open(app *a, int tb, uint32_t item)
{
	struct tables *T = tb_st(a);
	T->cur = tb;
	T->back = true;
	T->rows_ok = false;
	tb_make_table(a, tb);
	table *t = tb_cur(a);
	if (item == ST_NIL || item >= t->ntop) {
		T->selpos = 0;
		t->sel_top = ST_NIL;
		a->view = V_TABLES;
		return R_ALL;
	}
	T->kind = KF_ALL;   /* the row asked for must show */
	t->sel_top = item;
	t->sel_kid = ST_NIL;
	if (tb_opens(a, t, item))
		t->open[item] = 1;
	const tdef *d = tb_def(a);
	if (a->diff && t->fig != 0) {
		t->sort = d->tfig == 0 ? SORT_TOTAL : SORT_SELF;
		t->reverse = false;
		t->fig = 0;
		snprintf(a->message, sizeof a->message, "sorted by %s, the Summary's figure",
		         d->figs[0]);
	}
	tb_make_rows(a);
	if (a->filter && a->re && !t->match[item]) {
		bool shown = false;
		for (uint32_t r = 0; r < T->nrows && !shown; r++)
			shown = T->rows[r].top == item;
		if (!shown) {
			a->filter = false;
			tui_search_refilter(a);
			T->rows_ok = false;
			t->sel_top = item;
			t->sel_kid = ST_NIL;
			snprintf(a->message, sizeof a->message, "filter off: the row asked for "
			         "does not match /%.160s/", a->pattern);
		}
	}
	a->view = V_TABLES;
	return R_ALL;
}

/* A click selects the row drawn there; a double click is Enter on it
 * (a row that opens opens, another shows its node). */
static redraw tables_click(app *a, canvas *c, int y, int x, int what)
{
	(void)c, (void)x;
	struct tables *T = tb_st(a);
	int pos = tui_row_at(&T->hits, y);
	if (pos < 0 || pos >= (int)T->nrows)
		return R_NONE;
	select_row(a, pos);
	return what == MOUSE_DOUBLE ? tables_action(a, ACT_ZOOM) : R_VIEW;
}

const view_ops tui_view_tables = {
	"Tables", tb_draw, tables_action, tb_status, tables_search, NULL, NULL,
	tables_click,
};

