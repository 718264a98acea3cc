/* tui-tables-draw.c: the Tables view on screen: the tabs, the heading,
 * the rows (figures, or base / new / change in a diff), the detail pane
 * and the status line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/report.h"
#include "stalactite/xalloc.h"
#include "tui-tables.h"

/* ---- drawing ------------------------------------------------------------------------ */

typedef struct layout {
	int nfig;           /* figure columns shown (plain) */
	bool count, kind, crate;
	int crate_w, name_x;
} layout;

static int crate_width(app *a)
{
	int w = 5;
	const st_model *m = a->m;
	for (uint32_t i = 0; i < m->crates.len; i++) {
		int n = (int)strlen(st_model_str(m, m->crates.v[i].name));
		if (n > w)
			w = n;
	}
	return w > 16 ? 16 : w;
}

/* Columns as the width allows: the crate goes first, then the kind, the
 * count and the figures beyond the first, keeping 40 columns for names of
 * functions and CGUs, 30 for the shorter ones. */
static layout make_layout(app *a, canvas *c)
{
	const tdef *d = tb_def(a);
	layout L = { 0 };
	for (int i = 0; i < 3 && d->figs[i]; i++)
		L.nfig = i + 1;
	L.count = d->count && !(a->diff && d->dcount < 0);
	L.kind = d->kind != NULL;
	L.crate = tb_st(a)->multi_crate && (tb_st(a)->cur == TB_FUNCTIONS ||
	                                 tb_st(a)->cur == TB_ASYNC || tb_st(a)->cur == TB_PASSES);
	L.crate_w = crate_width(a);
	int room = tb_st(a)->cur == TB_CRATES || tb_st(a)->cur == TB_LABELS ? 30 : 40;
	for (int step = 0; step < 6; step++) {
		int fig = a->diff ? (c->w >= 64 ? 42 : 31) : L.nfig * 10 + 7;
		L.name_x = fig + 1 + (L.count && !a->diff ? 8 : 0) + (L.kind ? 14 : 0) +
		           (L.crate ? L.crate_w + 1 : 0);
		if (c->w - L.name_x >= room)
			break;
		if (L.crate) L.crate = false;
		else if (L.kind) L.kind = false;
		else if (L.count && !a->diff) L.count = false;
		else if (L.nfig > 1) L.nfig--;
	}
	return L;
}

static int64_t table_base(app *a)
{
	const st_model *m = a->m;
	switch (tb_st(a)->cur) {
	case TB_CGUS: case TB_LABELS: return (int64_t)m->cpu_ns;
	case TB_CRATES: return (int64_t)st_model_totals(m).wall_ns;
	default: return (int64_t)m->llvm_self_ns;
	}
}

static void draw_tabs(app *a, canvas *c, int y)
{
	struct tables *T = tb_st(a);
	table *t = tb_cur(a);
	int x = cv_text(c, y, 0, c->w, " ", S_DIM);
	for (int i = 0; i < TB_COUNT; i++) {
		char tab[32];
		snprintf(tab, sizeof tab, " %s ", tb_defs[i].tab);
		int x1 = cv_text(c, y, x, c->w, tab, S_DIM);
		if (i == T->cur)
			cv_restyle(c, y, x, x1, S_SELECTED);
		x = x1 + 1;
	}
	static const char *const by[] = { [SORT_TOTAL] = "", [SORT_SELF] = "",
		[SORT_COUNT] = "", [SORT_NAME] = "name", [SORT_DELTA] = "change",
		[SORT_ABS_DELTA] = "size of change" };
	const tdef *d = tb_def(a);
	const char *s = by[t->sort];
	if (t->sort == SORT_TOTAL) s = d->figs[d->tfig];
	if (t->sort == SORT_SELF) s = d->figs[d->sfig];
	if (t->sort == SORT_COUNT) s = d->count;
	char right[128];
	snprintf(right, sizeof right, "by %s%s%s%s  ", s, t->reverse ? ", reversed" : "",
	         T->kind ? ", " : "", T->kind ? tb_kind_names[T->kind] : "");
	int rw = cv_width(c, right);
	if (x + rw < c->w)
		cv_text(c, y, c->w - rw, c->w, right, S_DIM);
}

static void rjust(canvas *c, int y, int x1, const char *s, style st)
{
	cv_text(c, y, x1 - cv_width(c, s), x1, s, st);
}

static void draw_header(app *a, canvas *c, const layout *L, int y)
{
	const tdef *d = tb_def(a);
	table *t = tb_cur(a);
	cv_fill(c, y, 0, c->w, L' ', S_HEADER);
	int x = 0;
	char name[160];
	snprintf(name, sizeof name, "%s", d->name);
	if (a->diff) {
		char h[128];
		if (c->w >= 64)
			snprintf(h, sizeof h, " %10s %10s %10s %8s", "base", "new", "delta", "%");
		else
			snprintf(h, sizeof h, " %10s %10s %8s", "new", "delta", "%");
		x = cv_text(c, y, 0, c->w, h, S_HEADER);
		/* which of the row's figures the columns compare */
		snprintf(name, sizeof name, "%s  (%s)", d->name,
		         t->fig == d->dcount ? d->count : d->figs[t->fig]);
	} else {
		for (int i = 0; i < L->nfig; i++) {
			rjust(c, y, x + 9, d->figs[i], S_HEADER);
			x += 10;
		}
		char pc[32];
		snprintf(pc, sizeof pc, "%%%s", tb_st(a)->cur == TB_CRATES ? "wall" : tb_st(a)->cur ==
		         TB_CGUS || tb_st(a)->cur == TB_LABELS ? "cpu" : "llvm");
		rjust(c, y, x + 6, pc, S_HEADER);
		x += 7;
		if (L->count) {
			rjust(c, y, x + 8, d->count, S_HEADER);
			x += 8;
		}
	}
	x++;
	if (L->kind) {
		cv_text(c, y, x, c->w, d->kind, S_HEADER);
		x += 14;
	}
	if (L->crate)
		cv_text(c, y, x, c->w, "crate", S_HEADER);
	cv_text_crop(c, y, L->name_x + 2, c->w, name, S_HEADER);
}

static style fn_style(st_kind k)
{
	if (k == ST_K_ASYNC_FN || k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE)
		return S_ASYNC;
	return k == ST_K_CLOSURE ? S_CLOSURE : S_NORMAL;
}

static void ent_kind(const app *a, const ent *e, char *buf, size_t cap)
{
	const st_model *m = a->m;
	buf[0] = '\0';
	st_kind k = tb_ent_fn_kind(a, e);
	if (k != ST_K_OTHER)
		snprintf(buf, cap, "%s", st_kind_name(k));
	else if (e->what == E_CRATE)
		snprintf(buf, cap, "%s", st_crate_kind_name((st_crate_kind)m->crates.v[e->id].kind));
	else if (e->what == E_DIFF && e->dt == ST_DT_CRATES)
		snprintf(buf, cap, "%s", st_crate_kind_name((st_crate_kind)tb_drow(a, e)->kind));
}

static uint32_t ent_crate(const app *a, const ent *e)
{
	if (e->what == E_FN)
		return a->m->functions.v[e->id].crate;
	if (e->what == E_DIFF && e->dt == ST_DT_FUNCTIONS)
		return tb_drow(a, e)->crate;
	return ST_NOSTR;
}

static void draw_row(app *a, canvas *c, const layout *L, int y, int r)
{
	struct tables *T = tb_st(a);
	table *t = tb_cur(a);
	const vrow *vr = &T->rows[r];
	const ent *e = tb_row_ent(a, vr);
	char b[64], line[256];
	int x = 0;
	if (a->diff) {
		int slot = tb_shown_slot(a, t, e);
		bool count = !e->local && e->dt == tb_def(a)->dt && slot == tb_def(a)->dcount;
		int64_t base, new;
		tb_ent_sides(a, e, slot, &base, &new);
		size_t span;
		style ds = tui_diff_cols(line, sizeof line, base, new, count, c->w >= 64,
		                         a->ascii, &span);
		x = cv_text(c, y, 0, c->w, line, S_NORMAL);
		line[span] = '\0';
		cv_restyle(c, y, cv_width(c, line), x, ds);
	} else {
		int64_t base = table_base(a);
		for (int i = 0; i < L->nfig; i++) {
			if (i == 0 || vr->kid == ST_NIL) {
				st_fmt_ns_col(b, sizeof b, e->f[i], a->ascii, 9);
				cv_text(c, y, x, c->w, b, S_NORMAL);
			}
			x += 10;
		}
		st_fmt_pct(b, sizeof b, (double)e->f[0], (double)base);
		rjust(c, y, x + 6, b, S_NORMAL);
		x += 7;
		if (L->count) {
			if (e->n != NO_COUNT) {
				snprintf(b, sizeof b, "%llu", (unsigned long long)e->n);
				rjust(c, y, x + 8, b, S_NORMAL);
			}
			x += 8;
		}
	}
	x++;
	if (L->kind) {
		ent_kind(a, e, b, sizeof b);
		cv_text(c, y, x, x + 13, b, S_NORMAL);
		x += 14;
	}
	uint32_t cr = ent_crate(a, e);
	if (L->crate && cr != ST_NOSTR)
		cv_text_crop(c, y, x, x + L->crate_w, st_model_str(a->m, cr), S_NORMAL);
	x = L->name_x;
	bool top = vr->kid == ST_NIL;
	if (!top)
		x += 2;
	const char *mark = !top || !tb_opens(a, t, vr->top) ? "  "
	                   : t->open[vr->top] ? (a->ascii ? "- " : "\xe2\x96\xbe ")
	                   : (a->ascii ? "+ " : "\xe2\x96\xb8 ");
	x = cv_text(c, y, x, c->w, mark, S_DIM);
	if (e->what == E_ASYNC && !a->m->async_fns.v[e->id].exact)
		x = cv_text(c, y, x, c->w, "~", S_DIM);
	int side = tb_ent_status(a, e);
	if (side != ST_DIFF_BOTH)
		x = cv_text(c, y, x, c->w, side == ST_DIFF_NEW ? "[new] " : "[gone] ",
		            side == ST_DIFF_NEW ? S_SLOWER : S_FASTER);
	char name[2048];
	tb_ent_name(a, e, name, sizeof name);
	style ns = vr->match ? S_MATCH : e->what == E_ASYNC || (e->what == E_DIFF &&
	           e->dt == ST_DT_ASYNC) ? S_ASYNC : fn_style(tb_ent_fn_kind(a, e));
	/* as every view fits names: v's elision, the selected one scrolled by
	 * < and > (the key: table, kind and row) */
	size_t k0 = 0, k1 = 0;
	if (vr->match)
		tui_match_span(a, name, &k0, &k1);
	uint64_t key = r == T->selpos
	               ? (uint64_t)(6 + T->cur * 8 + T->kind) << 32 | (uint32_t)r : 0;
	tui_draw_name(a, c, y, x, c->w, name, k0, k1, key, ns);
	if (r == T->selpos)
		cv_restyle(c, y, 0, c->w, S_SELECTED);
}

/* d: the selected row's whole name (a function's raw one), wrapped, under
 * a rule that says its kind and crate; returns the rows left above it. */
static int draw_detail(app *a, canvas *c, int top, int bottom)
{
	struct tables *T = tb_st(a);
	int y0 = bottom - 4;
	if (!T->nrows || y0 < top + 3)
		return bottom;
	const ent *e = tb_row_ent(a, &T->rows[T->selpos]);
	char name[4096], head[160], kind[64];
	if (e->what == E_FN)
		snprintf(name, sizeof name, "%s", st_model_str(a->m, a->m->functions.v[e->id].raw));
	else
		tb_ent_name(a, e, name, sizeof name);
	ent_kind(a, e, kind, sizeof kind);
	uint32_t cr = ent_crate(a, e);
	snprintf(head, sizeof head, " %s%s%s ", kind, *kind && cr != ST_NOSTR ? " in " : "",
	         cr != ST_NOSTR ? st_model_str(a->m, cr) : "");
	cv_fill(c, y0, 0, c->w, a->ascii ? L'-' : L'\x2500', S_DIM);
	if (head[2])
		cv_text_crop(c, y0, 2, c->w, head, S_HEADER);
	size_t len = strlen(name);
	char *san = st_xmalloc(len * 10 + 16);
	st_fmt_sanitize(name, len, san, len * 10 + 16, a->ascii);
	const char *p = san;
	for (int y = y0 + 1; y < bottom && *p; y++)
		for (int x = 0; *p && x < c->w;) {
			size_t k = 1;
			while ((p[k] & 0xc0) == 0x80)
				k++;
			char one[8] = { 0 };
			memcpy(one, p, k < 8 ? k : 7);
			int nx = cv_text(c, y, x, c->w, one, S_NORMAL);
			if (nx == x)
				break;   /* a wide character at the edge: next line */
			x = nx;
			p += k;
		}
	free(san);
	return y0;
}

void tb_draw(app *a, canvas *c, int top, int bottom)
{
	struct tables *T = tb_st(a);
	tb_make_rows(a);
	table *t = tb_cur(a);
	layout L = make_layout(a, c);
	if (a->detail)
		bottom = draw_detail(a, c, top, bottom);
	draw_tabs(a, c, top++);
	draw_header(a, c, &L, top++);
	int h = bottom - top;
	T->page = h > 1 ? h : 1;
	T->hits.n = 0;
	if (!T->nrows) {
		const char *why = !t->ntop ? "(empty: nothing of this in the profiles)"
		                  : a->filter && a->re ? "(nothing matches)"
		                  : T->kind ? "(no function of this kind: K for the next)"
		                  : "(no change that large)";
		cv_text_crop(c, top, 2, c->w, why, S_DIM);
		return;
	}
	if (T->selpos < t->scroll) t->scroll = T->selpos;
	if (T->selpos >= t->scroll + h) t->scroll = T->selpos - h + 1;
	if (t->scroll > (int)T->nrows - h) t->scroll = (int)T->nrows - h;
	if (t->scroll < 0) t->scroll = 0;
	T->hits = (row_hits){ top, t->scroll, 0 };
	for (int i = 0; i < h && t->scroll + i < (int)T->nrows; i++, T->hits.n++)
		draw_row(a, c, &L, top + i, t->scroll + i);
}

/* ---- the status line ------------------------------------------------------------------ */

void tb_status(app *a, canvas *c, int y)
{
	struct tables *T = tb_st(a);
	tb_make_rows(a);
	table *t = tb_cur(a);
	const tdef *d = tb_def(a);
	char buf[1024], fig[400] = "", what[64] = "";
	if (!T->nrows) {
		snprintf(buf, sizeof buf, "%s: no rows  [ ]: other tables", d->tab);
		cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
		return;
	}
	const vrow *vr = &T->rows[T->selpos];
	const ent *e = tb_row_ent(a, vr);
	if (!a->diff && e->what != E_DIFF) {
		char v[32], p[16], base[32];
		st_fmt_ns(v, sizeof v, e->f[0], a->ascii);
		st_fmt_pct(p, sizeof p, (double)e->f[0], (double)table_base(a));
		st_fmt_ns(base, sizeof base, table_base(a), a->ascii);
		int n = snprintf(fig, sizeof fig, "%s = %s of %s (%s)", v, p, d->base, base);
		if (vr->kid != ST_NIL && n > 0 && (size_t)n < sizeof fig) {
			st_fmt_pct(p, sizeof p, (double)e->f[0], (double)t->top[vr->top].f[0]);
			snprintf(fig + n, sizeof fig - (size_t)n, ", %s of its parent", p);
		}
	} else if (a->diff) {   /* the figure shown, both sides spelt out */
		int slot = tb_shown_slot(a, t, e);
		bool own = e->local || e->dt == d->dt;
		const char *name = !own ? tb_defs[TB_FUNCTIONS].figs[0]
		                   : t->fig == d->dcount ? d->count : d->figs[t->fig];
		int64_t b, n;
		tb_ent_sides(a, e, slot, &b, &n);
		char both[160];
		tui_diff_both(both, sizeof both, b, n, own && slot == d->dcount, a->ascii);
		snprintf(fig, sizeof fig, "%s %s", name, both);
	}
	static const char *const inside[E_DIFF + 1] = { [E_FN] = "its CGUs", [E_ASYNC] = "its members",
		[E_PASS] = "its functions in every CGU", [E_CGU] = "its functions" };
	int kind = tb_row_kind(e);
	if (vr->kid == ST_NIL && tb_opens(a, t, vr->top))
		snprintf(what, sizeof what, "Enter: %s", t->open[vr->top] ? "close"
		         : inside[kind]);
	else if (kind == E_CRATE || kind == E_LABEL)
		snprintf(what, sizeof what, "Enter: show it in Tree");
	else
		snprintf(what, sizeof what, "Enter: show it in Codegen");
	uint32_t shown = 0;
	for (uint32_t r = 0; r < T->nrows; r++)
		shown += T->rows[r].kid == ST_NIL;
	char rows[128];
	if (shown < t->ntop)
		snprintf(rows, sizeof rows, "%s: row %d of %u (%u of %u shown)", d->tab,
		         T->selpos + 1, T->nrows, shown, t->ntop);
	else
		snprintf(rows, sizeof rows, "%s: row %d of %u", d->tab, T->selpos + 1, T->nrows);
	if (a->re) {
		/* the rows shown are counted; a closed row's children are not
		 * made for a count (n finds them, opening the row), so say so */
		uint32_t nm = 0;
		for (uint32_t r = 0; r < T->nrows; r++)
			nm += T->rows[r].match;
		bool closed = false;
		for (uint32_t i = 0; i < t->ntop && !closed; i++)
			closed = !t->open[i] && tb_opens(a, t, i);
		snprintf(buf, sizeof buf, "%s  /%s/ %u %srow%s match%s%s%s  %s", rows, a->pattern,
		         nm, closed ? "shown " : "", nm == 1 ? "" : "s", nm == 1 ? "es" : "",
		         closed ? " (n: closed rows too)" : "", a->filter ? " [filter]" : "",
		         what);
	}
	else
		snprintf(buf, sizeof buf, "%s  %s%s%s", rows, what, *fig ? "  " : "", fig);
	cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
}

