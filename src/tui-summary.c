/* tui-summary.c: the summary view ("which pass dominates", CGU imbalance,
 * costly functions and async fns, rustc activities, crates) and the help
 * view generated from the action table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/report.h"
#include "stalactite/xalloc.h"
#include "tui.h"

#define TOP 10

typedef struct row {
	char text[512];
	int name_off;          /* where the part a search is matched against
	                          starts in text, or -1 (an offset: rows move
	                          when the array grows) */
	style st;
	unsigned short d0, d1; /* diff: the delta's bytes in text, styled dst */
	style dst;
	int view;              /* view to jump to, or -1 for a heading */
	const st_tree *tree;
	uint32_t name_id;      /* node name to look for */
	int kind;              /* node kind wanted, or -1 */
	bool match;            /* its name matches the search */
} row;

typedef struct rows {
	row *v;
	int n, cap;
} rows;

static row *add(rows *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = st_xreallocarray(r->v, (size_t)r->cap, sizeof *r->v);
	}
	row *w = &r->v[r->n++];
	memset(w, 0, sizeof *w);
	w->view = -1;
	w->kind = -1;
	w->name_off = -1;
	return w;
}

static void heading(rows *r, const char *text)
{
	if (r->n)
		add(r)->st = S_NORMAL;   /* blank line between sections */
	row *w = add(r);
	snprintf(w->text, sizeof w->text, "%s", text);
	w->st = S_HEADER;
}

static void bar_text(app *a, char *buf, size_t cap, double frac, int width)
{
	size_t o = 0;
	int n = (int)(frac * width + 0.5);
	for (int i = 0; i < width && o + 4 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s",
		                      i < n ? (a->ascii ? "#" : "\xe2\x96\x88") : " ");
}

static row *item(app *a, rows *r, int64_t ns, double whole, const char *extra,
                 const char *name)
{
	row *w = add(r);
	char t[32], p[16], b[64];
	st_fmt_ns_col(t, sizeof t, ns, a->ascii, 9);
	st_fmt_pct(p, sizeof p, (double)ns, whole);
	bar_text(a, b, sizeof b, whole > 0 ? (double)ns / whole : 0, 10);
	int n = snprintf(w->text, sizeof w->text, "  %s %6s [%s] %s", t, p, b, extra);
	w->name_off = n > 0 && n < (int)sizeof w->text ? n : 0;
	snprintf(w->text + strlen(w->text), sizeof w->text - strlen(w->text), "%s", name);
	w->st = S_NORMAL;
	return w;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

static void cgu_section(app *a, rows *r)
{
	const st_model *m = a->m;
	if (!m->cgus.len)
		return;
	int64_t *v = st_xreallocarray(NULL, m->cgus.len, sizeof *v);
	for (uint32_t i = 0; i < m->cgus.len; i++)
		v[i] = m->cgus.v[i].self_ns;
	qsort(v, m->cgus.len, sizeof *v, cmp_i64);
	int64_t median = v[m->cgus.len / 2], max = v[m->cgus.len - 1];
	free(v);
	char h[256], mx[32], md[32];
	st_fmt_ns(mx, sizeof mx, max, a->ascii);
	st_fmt_ns(md, sizeof md, median, a->ascii);
	snprintf(h, sizeof h, "Codegen units (%u; largest %s, median %s, imbalance %.1fx)",
	         m->cgus.len, mx, md, median > 0 ? (double)max / (double)median : 0.0);
	heading(r, h);
	for (uint32_t i = 0; i < m->cgus.len && i < TOP; i++) {
		const st_cgu_stat *c = &m->cgus.v[i];
		char name[512];
		snprintf(name, sizeof name, "%s / %s", st_str(m->strs, c->crate),
		         st_str(m->strs, c->cgu));
		row *w = item(a, r, c->self_ns, (double)m->cpu_ns, "", name);
		w->view = V_CODEGEN; w->tree = &m->codegen; w->name_id = c->cgu; w->kind = ST_K_CGU;
	}
}

/* The one-line build header, then (with several) the crates by wall time. */
static void crate_section(app *a, rows *r)
{
	const st_model *m = a->m;
	st_build_totals t = st_model_totals(m);
	char h[256], wall[32], cpu[32], llvm[32], ov[32];
	st_fmt_ns(wall, sizeof wall, (int64_t)t.wall_ns, a->ascii);
	st_fmt_ns(cpu, sizeof cpu, (int64_t)t.cpu_ns, a->ascii);
	st_fmt_ns(llvm, sizeof llvm, (int64_t)t.llvm_ns, a->ascii);
	st_fmt_ns(ov, sizeof ov, t.overhead_ns, a->ascii);
	snprintf(h, sizeof h, "Build: %u profile%s, %u crate%s; wall %s (summed), cpu %s, "
	         "LLVM %s, profiler overhead %s", t.profiles, t.profiles == 1 ? "" : "s",
	         t.crates, t.crates == 1 ? "" : "s", wall, cpu, llvm, ov);
	heading(r, h);
	if (m->crates.len < 2)
		return;
	heading(r, "Crates by wall time (cpu beside it)");
	for (uint32_t i = 0; i < m->crates.len && i < TOP; i++) {
		const st_crate_stat *c = &m->crates.v[i];
		char extra[48];
		st_fmt_ns(cpu, sizeof cpu, (int64_t)c->cpu_ns, a->ascii);
		snprintf(extra, sizeof extra, "cpu %-8s ", cpu);
		row *w = item(a, r, (int64_t)c->wall_ns, (double)t.wall_ns, extra,
		              st_str(m->strs, c->display));
		w->view = V_TREE; w->tree = &m->stack; w->name_id = c->display;
		w->kind = ST_K_CRATE;
	}
}

static void diff_rows(app *a, rows *r);

static void build_rows(app *a, rows *r)
{
	const st_model *m = a->m;
	char h[256], t[32];
	if (a->diff) {
		diff_rows(a, r);
		return;
	}
	crate_section(a, r);
	st_fmt_ns(t, sizeof t, (int64_t)m->llvm_self_ns, a->ascii);
	snprintf(h, sizeof h, "Which LLVM pass dominates (self time, %s in all passes)", t);
	heading(r, h);
	if (!m->passes.len) {
		row *w = add(r);
		w->st = S_DIM;
		snprintf(w->text, sizeof w->text, "  no LLVM Pass events: profile with "
		         "-Z self-profile-events=default,llvm");
	}
	for (uint32_t i = 0; i < m->passes.len && i < TOP; i++) {
		row *w = item(a, r, m->passes.v[i].self_ns, (double)m->llvm_self_ns, "",
		              st_str(m->strs, m->passes.v[i].pass));
		w->view = V_CODEGEN; w->tree = &m->codegen;
		w->name_id = m->passes.v[i].pass; w->kind = ST_K_PASS;
	}
	cgu_section(a, r);
	heading(r, "Functions by LLVM time");
	for (uint32_t i = 0; i < m->functions.len && i < TOP; i++) {
		const st_fn_stat *f = &m->functions.v[i];
		char kind[24];
		snprintf(kind, sizeof kind, "%-13s ", st_kind_name((st_kind)f->kind));
		row *w = item(a, r, f->llvm_ns, (double)m->llvm_self_ns, kind,
		              st_str(m->strs, f->name));
		w->view = V_CODEGEN; w->tree = &m->pivot; w->name_id = f->name;
		if (f->kind == ST_K_ASYNC_FN || f->kind == ST_K_ASYNC_BLOCK ||
		    f->kind == ST_K_ASYNC_CLOSURE)
			w->st = S_ASYNC;
	}
	heading(r, st_report_async_heading(m));
	for (uint32_t i = 0; i < m->async_fns.len && i < TOP; i++) {
		const st_async_stat *s = &m->async_fns.v[i];
		char extra[32];
		snprintf(extra, sizeof extra, "%3u fns %c", s->members, s->exact ? ' ' : '~');
		row *w = item(a, r, s->llvm_ns, (double)m->llvm_self_ns, extra,
		              st_str(m->strs, s->name));
		w->st = S_ASYNC;
		/* jump to its costliest member */
		for (uint32_t j = 0; j < m->functions.len; j++)
			if (m->functions.v[j].owner == i) {
				w->view = V_CODEGEN; w->tree = &m->pivot;
				w->name_id = m->functions.v[j].name;
				break;
			}
	}
	heading(r, "rustc activities and queries (self time)");
	for (uint32_t i = 0; i < m->labels.len && i < TOP; i++) {
		row *w = item(a, r, m->labels.v[i].self_ns, (double)m->cpu_ns, "",
		              st_str(m->strs, m->labels.v[i].label));
		w->view = V_TREE; w->tree = &m->stack; w->name_id = m->labels.v[i].label;
	}
}

/* ---- diff mode: what changed ---------------------------------------------- */

/* A heading that titles the name column, the figures' columns above them. */
static void diff_heading(rows *r, const char *title)
{
	char h[512];
	snprintf(h, sizeof h, "  %10s %10s %10s %8s  %s", "base", "new", "delta", "%", title);
	heading(r, h);
}

static row *diff_item(app *a, rows *r, int64_t base, int64_t new, const char *extra,
                      const char *name)
{
	row *w = add(r);
	char cols[128];
	size_t span;
	w->dst = tui_diff_cols(cols, sizeof cols, base, new, false, true, a->ascii, &span);
	int n = snprintf(w->text, sizeof w->text, " %s  %s", cols, extra);
	w->d0 = (unsigned short)(1 + span);
	w->d1 = (unsigned short)(1 + strlen(cols));
	w->name_off = n > 0 && n < (int)sizeof w->text ? n : 0;
	snprintf(w->text + strlen(w->text), sizeof w->text - strlen(w->text), "%s", name);
	w->st = S_NORMAL;
	return w;
}

/* An async fn's costliest member, to jump to; looked up in BASE (by text)
 * when the fn is gone. */
static uint32_t async_member(const app *a, uint32_t name)
{
	const st_model *m = a->m, *b = a->diff->base;
	for (uint32_t i = 0; i < m->async_fns.len; i++)
		if (m->async_fns.v[i].name == name)
			for (uint32_t j = 0; j < m->functions.len; j++)
				if (m->functions.v[j].owner == i)
					return m->functions.v[j].name;
	const char *s = st_str(m->strs, name);
	for (uint32_t i = 0; i < b->async_fns.len; i++) {
		if (strcmp(st_str(b->strs, b->async_fns.v[i].name), s) != 0)
			continue;
		for (uint32_t j = 0; j < b->functions.len; j++)
			if (b->functions.v[j].owner == i) {
				uint32_t f = b->functions.v[j].name;
				return st_lookup(m->strs, st_str(b->strs, f), st_strlen(b->strs, f));
			}
	}
	return ST_NOSTR;
}

/* One paired table, largest change first (diff.c sorted it by |delta| of
 * figure 0), cut at the H threshold. */
static void diff_section(app *a, rows *r, st_diff_table t, const char *title)
{
	const st_diff *d = a->diff;
	const st_model *m = a->m;
	const st_diff_rows *rs = &d->tables[t];
	diff_heading(r, title);
	if (t == ST_DT_CGUS && (d->cgus_new || d->cgus_gone)) {
		row *w = add(r);
		w->st = S_DIM;
		snprintf(w->text, sizeof w->text, "  codegen units are paired by name and the "
		         "partitioning changed (%u new, %u gone): the pairing is approximate",
		         d->cgus_new, d->cgus_gone);
	}
	int shown = 0;
	for (uint32_t i = 0; i < rs->len && shown < TOP; i++) {
		const st_diff_row *x = &rs->v[i];
		int64_t dl = st_diff_delta(x, 0);
		if ((dl < 0 ? -dl : dl) < a->min_delta)
			continue;
		shown++;
		char extra[64] = "", name[512];
		if (t == ST_DT_FUNCTIONS)
			snprintf(extra, sizeof extra, "%-13s ", st_kind_name((st_kind)x->kind));
		else if (t == ST_DT_CRATES)
			snprintf(extra, sizeof extra, "%-12s ",
			         st_crate_kind_name((st_crate_kind)x->kind));
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "%s",
		         x->status == ST_DIFF_NEW ? "[new] " : x->status == ST_DIFF_GONE ? "[gone] " : "");
		if (t == ST_DT_CGUS)
			snprintf(name, sizeof name, "%s / %s", st_str(m->strs, x->crate),
			         st_str(m->strs, x->name));
		else
			snprintf(name, sizeof name, "%s", st_str(m->strs, x->name));
		row *w = diff_item(a, r, x->base[0], x->new[0], extra, name);
		w->name_id = x->name;
		switch (t) {
		case ST_DT_CRATES: w->view = V_TREE; w->tree = &m->stack; w->kind = ST_K_CRATE; break;
		case ST_DT_PASSES: w->view = V_CODEGEN; w->tree = &m->codegen; w->kind = ST_K_PASS; break;
		case ST_DT_CGUS: w->view = V_CODEGEN; w->tree = &m->codegen; w->kind = ST_K_CGU; break;
		case ST_DT_FUNCTIONS:
			w->view = V_CODEGEN; w->tree = &m->pivot;
			if (x->kind == ST_K_ASYNC_FN || x->kind == ST_K_ASYNC_BLOCK ||
			    x->kind == ST_K_ASYNC_CLOSURE)
				w->st = S_ASYNC;
			break;
		case ST_DT_ASYNC:
			w->view = V_CODEGEN; w->tree = &m->pivot; w->st = S_ASYNC;
			w->name_id = async_member(a, x->name);
			break;
		default: w->view = V_TREE; w->tree = &m->stack; break;
		}
	}
	if (!shown) {
		row *w = add(r);
		w->st = S_DIM;
		char t2[32];
		tui_diff_fmt_threshold(t2, sizeof t2, a->min_delta, a->ascii);
		if (a->min_delta && rs->len)
			snprintf(w->text, sizeof w->text, "  (no change of %s or more)", t2);
		else
			snprintf(w->text, sizeof w->text, "  (none on either side)");
	}
}

/* The Summary of a diff opens on what changed: the build's totals before
 * and after, then every paired table by the size of its changes. */
static void diff_rows(app *a, rows *r)
{
	const st_diff *d = a->diff;
	st_build_totals b = st_model_totals(d->base), n = st_model_totals(d->m);
	char h[256];
	snprintf(h, sizeof h, "What changed from base to new: %u -> %u profiles, %u -> %u crates",
	         b.profiles, n.profiles, b.crates, n.crates);
	heading(r, h);
	if (a->min_delta) {
		char t[32];
		tui_diff_fmt_threshold(t, sizeof t, a->min_delta, a->ascii);
		row *w = add(r);
		w->st = S_DIM;
		snprintf(w->text, sizeof w->text, "  hiding changes below %s (H: next, then off)", t);
	}
	diff_heading(r, "the build");
	diff_item(a, r, (int64_t)b.wall_ns, (int64_t)n.wall_ns, "", "wall (summed over runs)");
	diff_item(a, r, (int64_t)b.cpu_ns, (int64_t)n.cpu_ns, "", "cpu");
	diff_item(a, r, (int64_t)b.llvm_ns, (int64_t)n.llvm_ns, "", "LLVM (pass self time)");
	diff_item(a, r, b.overhead_ns, n.overhead_ns, "", "profiler overhead");
	if (d->tables[ST_DT_CRATES].len > 1)
		diff_section(a, r, ST_DT_CRATES, "Crates by change of wall time");
	diff_section(a, r, ST_DT_PASSES, "LLVM passes by change of self time");
	diff_section(a, r, ST_DT_CGUS, "Codegen units by change of self time");
	diff_section(a, r, ST_DT_FUNCTIONS, "Functions by change of LLVM time");
	diff_section(a, r, ST_DT_ASYNC, "Async fns by change of LLVM time");
	diff_section(a, r, ST_DT_LABELS, "rustc activities and queries by change of self time");
}

/* A node's time; in a diff the larger side, so that gone nodes are found. */
static uint64_t weight(const app *a, const st_tree *t, uint32_t id)
{
	uint64_t w = t->nodes[id].total_ns;
	if (a->diff && st_diff_node_of(a->diff, t, id)->total_ns > w)
		w = st_diff_node_of(a->diff, t, id)->total_ns;
	return w;
}

/* The node of t with this name (and kind) that has the most time. */
static uint32_t find_node(const app *a, const st_tree *t, uint32_t name, int kind)
{
	uint32_t best = ST_NIL;
	for (uint32_t id = 1; id < t->len; id++) {
		if (st_model_display(a->m, t->nodes[id].name) != name)
			continue;
		if (kind >= 0 && st_tree_kind(t, id) != (st_kind)kind)
			continue;
		if (best == ST_NIL || weight(a, t, id) > weight(a, t, best))
			best = id;
	}
	return best;
}

/* The rows are made once per model and threshold, and matched once per
 * search, not on every frame. */
static rows current;
static struct { bool made; int64_t min_delta; unsigned search_gen; } made_for;

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
	if (made_for.made && made_for.min_delta == a->min_delta) {
		if (made_for.search_gen != a->search_gen)
			summary_search(a);
		return;
	}
	current.n = 0;
	build_rows(a, &current);
	made_for.made = true;
	made_for.min_delta = a->min_delta;
	summary_search(a);
}

static void draw_summary(app *a, canvas *c, int top, int bottom)
{
	make_rows(a);
	int h = bottom - top;
	if (a->summary_sel >= current.n) a->summary_sel = current.n - 1;
	if (a->summary_sel < 0) a->summary_sel = 0;
	/* headings are not selectable: start on the first row that is */
	while (a->summary_sel < current.n - 1 && current.v[a->summary_sel].view < 0)
		a->summary_sel++;
	if (a->summary_sel < a->summary_scroll) a->summary_scroll = a->summary_sel;
	if (a->summary_sel >= a->summary_scroll + h) a->summary_scroll = a->summary_sel - h + 1;
	for (int i = 0; i < h && a->summary_scroll + i < current.n; i++) {
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
	while (i >= 0 && i < current.n && current.v[i].view < 0);
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
		if (current.v[i].match && current.v[i].view >= 0) {
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
	[V_SUMMARY] = "Summary", [V_BUILD] = "Build", [V_HELP] = "Help",
};

/* Where the cursor is and where Enter leads. */
static void summary_status(app *a, canvas *c, int y)
{
	make_rows(a);
	if (a->summary_sel < 0 || a->summary_sel >= current.n)
		return;
	const row *w = &current.v[a->summary_sel];
	int sect = a->summary_sel;
	while (sect > 0 && current.v[sect].view >= 0)
		sect--;
	char buf[640], where[160] = "";
	/* a diff's headings hold the column titles: its paths instead */
	const char *section = a->diff ? "" : current.v[sect].view < 0 ? current.v[sect].text : "";
	if (a->diff)
		snprintf(where, sizeof where, "  base %.60s  new %.60s", a->diff_paths[0],
		         a->diff_paths[1]);
	if (w->view >= 0 && w->tree)
		snprintf(buf, sizeof buf, "row %d of %d  %.200s%sEnter: show it in %s%s%s",
		         a->summary_sel + 1, current.n, section, *section ? "  " : "",
		         view_names[w->view], w->tree == &a->m->pivot ? " (function first)" : "",
		         where);
	else
		snprintf(buf, sizeof buf, "row %d of %d  %.200s%s", a->summary_sel + 1,
		         current.n, section, where);
	cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
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
		if (w->view < 0 || !w->tree)
			return R_NONE;
		uint32_t id = find_node(a, w->tree, w->name_id, w->kind);
		if (id == ST_NIL) {
			snprintf(a->message, sizeof a->message, "not found in the tree");
			return R_STATUS;
		}
		a->view = (view_id)w->view;
		a->pivot = w->tree == &a->m->pivot;
		tview *v = tui_cur_tview(a);
		tui_tview_select(a, v, id);
		return R_ALL;
	}
	default:
		return R_NONE;
	}
}

const view_ops tui_view_summary = {
	"Summary", draw_summary, summary_action, summary_status, summary_search, NULL, NULL,
};

/* ---- help ---------------------------------------------------------------------- */

/* The colours, each word drawn in the colour it explains. */
static const struct { const char *text; style st; } legend[][8] = {
	{ { "Colours: ", S_NORMAL }, { "async fn or block", S_ASYNC }, { "  ", S_NORMAL },
	  { "closure", S_CLOSURE }, { "  ", S_NORMAL }, { "matches the search", S_MATCH },
	  { "  ", S_NORMAL }, { "holds a match", S_ANCESTOR } },
	{ { "         ", S_NORMAL }, { "selection", S_SELECTED }, { "  diff: ", S_NORMAL },
	  { "+slower", S_SLOWER }, { " ", S_NORMAL }, { "-faster", S_FASTER },
	  { "  build: ", S_NORMAL }, { "critical path", S_CRITICAL } },
};

static void draw_help(app *a, canvas *c, int top, int bottom)
{
	static const char *const intro[] = {
		"stalactite shows where rustc spent its time.  Views:",
		"  1 Icicle   the merged stack tree of the build, widths by inclusive time",
		"  2 Tree     the same tree as a table: total, self, count, share",
		"  3 Codegen  crate > codegen unit > LLVM pass > function (p: function first)",
		"  4 Summary  which pass, CGU, function and async fn dominate; Enter jumps",
		"  5 Build    cargo's timeline (with cargo timings): units over time, the",
		"             critical path (*), concurrency; Enter opens a unit's profile",
		NULL, NULL,   /* the colours */
		"Scrolling: the view follows the selection (Up/Down, PgUp/PgDn, Home/End,",
		"  the mouse wheel); < and > scroll a long name, v elides its generics.",
		"--diff BASE NEW: base, new, change (+slower, -faster) and %; boxes by own change.",
		"",
	};
	int y = top - a->help_scroll, n = (int)(sizeof intro / sizeof intro[0]);
	for (int i = 0, l = 0; i < n; l += !intro[i], i++, y++) {
		if (y < top || y >= bottom)
			continue;
		if (intro[i])
			cv_text_crop(c, y, 1, c->w, intro[i], i == 0 ? S_HEADER : S_NORMAL);
		else   /* the legend's line l */
			for (int k = 0, x = 1; k < 8 && legend[l][k].text; k++)
				x = cv_text(c, y, x, c->w, legend[l][k].text, legend[l][k].st);
	}
	for (const action_def *d = tui_actions; d->name; d++, y++) {
		if (y < top || y >= bottom)
			continue;
		cv_text(c, y, 2, 20, d->keys, S_HEADER);
		cv_text_crop(c, y, 20, c->w, d->help, S_NORMAL);
	}
}

static redraw help_action(app *a, int act)
{
	if (act == ACT_DOWN || act == ACT_PGDN) a->help_scroll += act == ACT_DOWN ? 1 : 10;
	else if (act == ACT_UP || act == ACT_PGUP) a->help_scroll -= act == ACT_UP ? 1 : 10;
	else if (act == ACT_HOME) a->help_scroll = 0;
	else {
		a->view = a->prev_view;   /* any other key leaves the help */
		return R_ALL;
	}
	if (a->help_scroll < 0) a->help_scroll = 0;
	return R_VIEW;
}

static void help_status(app *a, canvas *c, int y)
{
	(void)a;
	cv_text_crop(c, y, 0, c->w, "Up/Down, PgUp/PgDn, Home: scroll this help  any other "
	             "key: back to the view", S_STATUS);
}

const view_ops tui_view_help = {
	"Help", draw_help, help_action, help_status, NULL, NULL, NULL,
};
