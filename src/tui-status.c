/* tui-status.c: what the tree views show around the tree: the status line
 * (the selection's figures, or the search's), the breadcrumbs (the path to
 * the selection) and the detail pane (the raw name, wrapped). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "tui.h"

void tui_breadcrumbs(app *a, tview *v, canvas *c, int y)
{
	uint32_t path[256];
	int n = 0;
	for (uint32_t p = v->sel; p != ST_NIL && n < 256; p = v->tree->nodes[p].parent)
		path[n++] = p;
	char buf[4096];
	size_t o = 0;
	for (int i = n - 1; i >= 0 && o + 8 < sizeof buf; i--) {
		char label[512];
		tui_node_label(a, v->tree, path[i], label, sizeof label);
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", label,
		                      i ? (a->ascii ? " > " : " \xe2\x80\xba ") : "");
	}
	char lump[64];
	if (o + 8 < sizeof buf && tui_icicle_lump_crumb(a, v, lump, sizeof lump))
		snprintf(buf + o, sizeof buf - o, "%s%s", a->ascii ? " > " : " \xe2\x80\xba ",
		         lump);
	cv_fill(c, y, 0, c->w, L' ', S_DIM);
	/* elided and cut as a name: the root's end and the selection's end stay */
	tui_draw_name(a, c, y, 0, c->w, buf, 0, 0, 0, S_DIM);
}

/* The build's totals, the line above the breadcrumbs: what every share
 * on the screen is a share of.  A diff gives both sides. */
void tui_totals_line(app *a, canvas *c, int y)
{
	st_build_totals t = st_model_totals(a->diff ? a->diff->base : a->m);
	st_build_totals n = st_model_totals(a->m);
	uint64_t b[4] = { t.wall_ns, t.cpu_ns, t.llvm_ns, (uint64_t)t.overhead_ns };
	uint64_t v[4] = { n.wall_ns, n.cpu_ns, n.llvm_ns, (uint64_t)n.overhead_ns };
	static const char *const what[4] = { "wall", "cpu", "LLVM", "profiler" };
	const char *arrow = a->ascii ? " -> " : " \xe2\x86\x92 ";
	char buf[512];
	int o = snprintf(buf, sizeof buf, "%u profile%s, %u crate%s", n.profiles,
	                 n.profiles == 1 ? "" : "s", n.crates, n.crates == 1 ? "" : "s");
	for (int i = 0; i < 4 && o > 0 && (size_t)o < sizeof buf; i++) {
		char x[32], y2[32];
		st_fmt_ns(x, sizeof x, (int64_t)b[i], a->ascii);
		st_fmt_ns(y2, sizeof y2, (int64_t)v[i], a->ascii);
		o += snprintf(buf + o, sizeof buf - (size_t)o, "  %s %s%s%s%s", what[i],
		              a->diff ? x : "", a->diff ? arrow : "", y2,
		              i == 0 && n.profiles > 1 ? " (summed)" : "");
	}
	cv_fill(c, y, 0, c->w, L' ', S_HEADER);
	cv_text_crop(c, y, 0, c->w, buf, S_HEADER);
}

/* A notice (the last key's outcome) wins over the view's own line. */
void tui_status_line(app *a, canvas *c, int y)
{
	cv_fill(c, y, 0, c->w, L' ', S_STATUS);
	if (a->message[0])
		cv_text_crop(c, y, 0, c->w, a->message, S_STATUS);
	else if (tui_views[a->view]->status)
		tui_views[a->view]->status(a, c, y);
}

/* "row N of M  " of a table's selection, as the Summary's status line
 * starts; empty for an icicle (it has no rows) or rows not made yet. */
static void row_of_rows(app *a, tview *v, char *buf, size_t cap)
{
	long row;
	uint32_t total;
	buf[0] = '\0';
	if (v->shape == &tui_shape_table && tui_table_position(a, v, &row, &total))
		snprintf(buf, cap, "row %ld of %u  ", row + 1, total);
}

/* The selection's figures, or the search's while one is active, after a
 * table's row position. */
void tui_tview_status(app *a, canvas *c, int y)
{
	tview *v = tui_cur_tview(a);
	char buf[1024], pos[64];
	if (!(a->re && tui_searching(v)) && tui_icicle_lump_status(a, v, c, y))
		return;
	row_of_rows(a, v, pos, sizeof pos);
	int x0 = cv_text(c, y, 0, c->w, pos, S_STATUS);
	if (a->diff) {
		tui_diff_status(a, v, c, y, x0);
		return;
	}
	const st_node *n = &v->tree->nodes[v->sel];
	char tot[32], self[32], pp[16], pa[16];
	if (a->re && v->job) {   /* the matches are being made */
		snprintf(buf, sizeof buf, "/%s/  searching...", a->pattern);
		cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
		return;
	}
	if (a->re && tui_searching(v)) {
		uint64_t zt; int64_t zs; uint32_t zc;
		tui_match_within(v, &zt, &zs, &zc);
		st_fmt_ns(tot, sizeof tot, (int64_t)v->match.total_ns, a->ascii);
		st_fmt_ns(self, sizeof self, v->match.self_ns, a->ascii);
		st_fmt_pct(pa, sizeof pa, (double)v->match.total_ns, (double)v->tree->nodes[0].total_ns);
		st_fmt_pct(pp, sizeof pp, (double)zt, (double)v->tree->nodes[tui_zoom_root(v)].total_ns);
		if (!v->match.count)
			snprintf(buf, sizeof buf, "/%s/  no matches%s%s", a->pattern,
			         tui_no_match_hint(a, v), a->filter ? "  [filter]" : "");
		else
			snprintf(buf, sizeof buf, "/%s/  %u matches  total %s (%s of all, %s of zoom)  self %s%s",
			         a->pattern, v->match.count, tot, pa, pp, self,
			         a->filter ? "  [filter]" : "");
		cv_text_crop(c, y, x0, c->w, buf, S_STATUS);
		return;
	}
	uint64_t parent = n->parent != ST_NIL ? v->tree->nodes[n->parent].total_ns : n->total_ns;
	st_fmt_ns(tot, sizeof tot, (int64_t)n->total_ns, a->ascii);
	st_fmt_ns(self, sizeof self, n->self_ns, a->ascii);
	st_fmt_pct(pp, sizeof pp, (double)n->total_ns, (double)parent);
	st_fmt_pct(pa, sizeof pa, (double)n->total_ns, (double)v->tree->nodes[0].total_ns);
	char label[512];
	tui_node_label(a, v->tree, v->sel, label, sizeof label);
	int bn = snprintf(buf, sizeof buf, "self %s  total %s  count %u  %s of parent  %s of all  ",
	                  self, tot, n->count, pp, pa);
	/* a pass of the codegen trees: also its share of all LLVM time, the
	 * base the Summary's and Tables' pass rows use */
	if (st_tree_kind(v->tree, v->sel) == ST_K_PASS && v->tree != &a->m->stack &&
	    a->m->llvm_self_ns && bn > 0 && (size_t)bn < sizeof buf) {
		char pl[16];
		st_fmt_pct(pl, sizeof pl, (double)n->total_ns, (double)a->m->llvm_self_ns);
		snprintf(buf + bn, sizeof buf - (size_t)bn, "%s of LLVM  ", pl);
	}
	int x = cv_text(c, y, x0, c->w, buf, S_STATUS);
	if (c->w - x >= 8)   /* less would be an ellipsis and a stub */
		tui_draw_label(a, v, c, y, x, c->w, v->sel, label, 0, S_STATUS);
}

/* The detail pane: raw name wrapped, kind, figures. */
int tui_draw_detail(app *a, tview *v, canvas *c, int bottom)
{
	const st_tree *t = v->tree;
	const st_node *n = &t->nodes[v->sel];
	uint32_t raw = n->arg != ST_NOSTR ? n->arg : n->name;
	const char *s = st_str(a->m->strs, raw);
	st_kind k = st_tree_kind(t, v->sel);
	st_kind fk = st_model_fn_kind(a->m, raw);
	int lines = 4, y0 = bottom - lines;
	if (y0 < 3)
		return bottom;
	cv_fill(c, y0, 0, c->w, a->ascii ? L'-' : L'\x2500', S_DIM);
	char head[256];
	if (fk != ST_K_OTHER && fk != k)
		snprintf(head, sizeof head, " %s on %s ", st_kind_name(k), st_kind_name(fk));
	else
		snprintf(head, sizeof head, " %s ", st_kind_name(k));
	int hx = cv_text(c, y0, 2, c->w, head, S_HEADER);
	/* the figures, in a diff both sides' (the table shows one figure) */
	char figs[256];
	if (a->diff) {
		int64_t bt, nt, bs, ns;
		tui_diff_fig(a, v, v->sel, FIG_TOTAL, &bt, &nt);
		tui_diff_fig(a, v, v->sel, FIG_SELF, &bs, &ns);
		char b1[32], n1[32], d1[32], p1[16], b2[32], n2[32], d2[32];
		st_fmt_ns(b1, sizeof b1, bt, a->ascii);
		st_fmt_ns(n1, sizeof n1, nt, a->ascii);
		st_fmt_delta_ns(d1, sizeof d1, nt - bt, a->ascii);
		st_fmt_delta_pct(p1, sizeof p1, bt, nt);
		st_fmt_ns(b2, sizeof b2, bs, a->ascii);
		st_fmt_ns(n2, sizeof n2, ns, a->ascii);
		st_fmt_delta_ns(d2, sizeof d2, ns - bs, a->ascii);
		const char *to = a->ascii ? "->" : "\xe2\x86\x92";
		snprintf(figs, sizeof figs, " total %s %s %s (%s, %s)  self %s %s %s (%s) ",
		         b1, to, n1, d1, p1, b2, to, n2, d2);
	} else {
		char t1[32], s1[32];
		st_fmt_ns(t1, sizeof t1, (int64_t)n->total_ns, a->ascii);
		st_fmt_ns(s1, sizeof s1, n->self_ns, a->ascii);
		snprintf(figs, sizeof figs, " total %s  self %s  count %u ", t1, s1, n->count);
	}
	cv_text_crop(c, y0, hx + 1, c->w, figs, S_DIM);
	/* wrap the raw name over the remaining lines by display columns */
	size_t len = strlen(s);
	char *san = st_xmalloc(len * 10 + 16);
	st_fmt_sanitize(s, len, san, len * 10 + 16, a->ascii);
	const char *p = san;
	for (int y = y0 + 1; y < bottom && *p; y++) {
		int x = 0;
		while (*p && x < c->w) {
			size_t k2 = 1;
			while ((p[k2] & 0xc0) == 0x80) k2++;
			char one[8] = { 0 };
			memcpy(one, p, k2 < 8 ? k2 : 7);
			int nx = cv_text(c, y, x, c->w, one, S_NORMAL);
			if (nx == x) break;
			x = nx;
			p += k2;
		}
	}
	free(san);
	return y0;
}

