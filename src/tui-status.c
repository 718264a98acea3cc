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
	cv_fill(c, y, 0, c->w, L' ', S_DIM);
	/* keep the end of a long path: it names the selection.  The first
	 * character from which it fits, by bisection over the characters
	 * (dropping them one by one and measuring again was quadratic in a
	 * path of long names) */
	uint16_t at[sizeof buf + 1];   /* where each character starts */
	size_t nch = 0, lo = 0, hi;
	for (size_t i = 0; buf[i]; i++)
		if ((buf[i] & 0xc0) != 0x80)
			at[nch++] = (uint16_t)i;
	at[nch] = (uint16_t)strlen(buf);
	for (hi = nch; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (cv_width(c, buf + at[mid]) > c->w)
			lo = mid + 1;
		else
			hi = mid;
	}
	lo = at[lo];
	cv_text(c, y, 0, c->w, buf + lo, S_DIM);
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

/* The selection's figures, or the search's while one is active. */
void tui_tview_status(app *a, canvas *c, int y)
{
	tview *v = tui_cur_tview(a);
	char buf[1024];
	if (a->diff) {
		tui_diff_status(a, v, c, y);
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
		snprintf(buf, sizeof buf, "/%s/  %u matches  total %s (%s of all, %s of zoom)  self %s%s",
		         a->pattern, v->match.count, tot, pa, pp, self, a->filter ? "  [filter]" : "");
		cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
		return;
	}
	uint64_t parent = n->parent != ST_NIL ? v->tree->nodes[n->parent].total_ns : n->total_ns;
	st_fmt_ns(tot, sizeof tot, (int64_t)n->total_ns, a->ascii);
	st_fmt_ns(self, sizeof self, n->self_ns, a->ascii);
	st_fmt_pct(pp, sizeof pp, (double)n->total_ns, (double)parent);
	st_fmt_pct(pa, sizeof pa, (double)n->total_ns, (double)v->tree->nodes[0].total_ns);
	char label[512];
	tui_node_label(a, v->tree, v->sel, label, sizeof label);
	snprintf(buf, sizeof buf, "self %s  total %s  count %u  %s of parent  %s of all  ",
	         self, tot, n->count, pp, pa);
	int x = cv_text(c, y, 0, c->w, buf, S_STATUS);
	cv_text_crop(c, y, x, c->w, label, S_STATUS);
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
	cv_text(c, y0, 2, c->w, head, S_HEADER);
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

