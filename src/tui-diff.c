/* tui-diff.c: what diff mode (--diff BASE NEW) adds to the tree views: the
 * base / new / delta / % columns, sorting by the change, the icicle's
 * change colours, the threshold that hides small changes (H) and a status
 * line that spells out both sides.
 *
 * Every view already reads one model: the diff's merged model d->m, whose
 * trees hold the paths of both builds with NEW's figures.  BASE's figures
 * of a node sit beside it (st_diff_node_of), so nothing here walks two
 * trees.  The sign of a change ("+1.2ms" slower, "-3.4ms" faster) is always
 * printed, so colour is a help, never the only cue (NO_COLOR, headless). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/xalloc.h"
#include "tui.h"

static const st_diff_node *base_of(const app *a, const tview *v, uint32_t id)
{
	return tui_diff_base(a, v->tree, id);
}

static uint64_t mag(int64_t d)
{
	return d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
}

void tui_diff_fig(const app *a, const tview *v, uint32_t id, int fig,
                  int64_t *base, int64_t *new)
{
	const st_node *n = &v->tree->nodes[id];
	const st_diff_node *b = base_of(a, v, id);
	switch (fig) {
	case FIG_SELF: *base = b->self_ns; *new = n->self_ns; break;
	case FIG_COUNT: *base = b->count; *new = n->count; break;
	default:
		if (a->filter && v->filt && v->bfilt) {
			*base = (int64_t)v->bfilt[id];
			*new = (int64_t)v->filt[id];
		} else {
			*base = (int64_t)b->total_ns;
			*new = (int64_t)n->total_ns;
		}
	}
}

/* s right-aligned in width display columns ("µ" is two bytes, one column). */
static size_t pad(char *out, size_t cap, const char *s, int width)
{
	int cols = 0;
	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xc0) != 0x80;
	int n = snprintf(out, cap, "%*s%s", cols < width ? width - cols : 0, "", s);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* A pair's four figures as text: base, new, signed change, change in %. */
typedef struct figs {
	char b[32], n[32], d[32], p[16];
} figs;

static void diff_figs(figs *f, int64_t base, int64_t new, bool count, bool ascii)
{
	if (count) {
		snprintf(f->b, sizeof f->b, "%lld", (long long)base);
		snprintf(f->n, sizeof f->n, "%lld", (long long)new);
		st_fmt_delta_count(f->d, sizeof f->d, new - base);
	} else {
		st_fmt_ns(f->b, sizeof f->b, base, ascii);
		st_fmt_ns(f->n, sizeof f->n, new, ascii);
		st_fmt_delta_ns(f->d, sizeof f->d, new - base, ascii);
	}
	st_fmt_delta_pct(f->p, sizeof f->p, base, new);
}

style tui_diff_cols(char *out, size_t cap, int64_t base, int64_t new, bool count,
                    bool with_base, bool ascii, size_t *span)
{
	figs f;
	diff_figs(&f, base, new, count, ascii);
	const char *b = f.b, *n = f.n, *d = f.d, *p = f.p;
	size_t o = 0;
	if (with_base && o + 1 < cap) {
		out[o++] = ' ';
		o += pad(out + o, cap - o, b, 10);
	}
	if (o + 1 < cap) {
		out[o++] = ' ';
		o += pad(out + o, cap - o, n, 10);
	}
	*span = o;
	if (o + 1 < cap) {
		out[o++] = ' ';
		o += pad(out + o, cap - o, d, 10);
	}
	if (o + 1 < cap) {
		out[o++] = ' ';
		o += pad(out + o, cap - o, p, 8);
	}
	out[o < cap ? o : cap - 1] = '\0';
	return new > base ? S_SLOWER : new < base ? S_FASTER : S_DIM;
}

/* ---- sorting and the threshold ------------------------------------------- */

/* "10ms", not "10.0ms": a threshold is a round number the user picked. */
void tui_diff_fmt_threshold(char *buf, size_t cap, int64_t ns, bool ascii)
{
	static const struct { int64_t unit; const char *name, *ascii; } units[] = {
		{ 1000000000, "s", "s" }, { 1000000, "ms", "ms" }, { 1000, "\xc2\xb5s", "us" },
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (ns >= units[i].unit && ns % units[i].unit == 0) {
			snprintf(buf, cap, "%lld%s", (long long)(ns / units[i].unit),
			         ascii ? units[i].ascii : units[i].name);
			return;
		}
	st_fmt_ns(buf, cap, ns, ascii);
}

int tui_diff_cmp(const app *a, const tview *v, uint32_t x, uint32_t y)
{
	int64_t bx, nx, by, ny;
	tui_diff_fig(a, v, x, v->fig, &bx, &nx);
	tui_diff_fig(a, v, y, v->fig, &by, &ny);
	int64_t dx = nx - bx, dy = ny - by;
	if (v->sort == SORT_ABS_DELTA) {
		if (mag(dx) != mag(dy))
			return mag(dx) > mag(dy) ? -1 : 1;
	} else if (dx != dy) {
		return dx > dy ? -1 : 1;
	}
	return nx > ny ? -1 : nx < ny;
}

/* The threshold is a time: on self time when the table shows self, else on
 * total time (a count has no unit to compare with). */
static int time_fig(const tview *v)
{
	return v->fig == FIG_SELF ? FIG_SELF : FIG_TOTAL;
}

/* Largest |change| in each subtree, so a row stays while anything below it
 * changed enough: hiding a parent would hide its changed children.  Parents
 * precede children in the node array, so one backward pass suffices. */
void tui_diff_prepare(app *a, tview *v)
{
	int fig = time_fig(v);
	if (!a->diff || !a->min_delta || (v->dmax && v->dmax_fig == fig))
		return;
	const st_tree *t = v->tree;
	v->dmax = st_xreallocarray(v->dmax, t->len ? t->len : 1, sizeof *v->dmax);
	for (uint32_t id = 0; id < t->len; id++) {
		int64_t b, n;
		tui_diff_fig(a, v, id, fig, &b, &n);
		v->dmax[id] = mag(n - b);
	}
	for (uint32_t id = t->len; id-- > 1;) {
		uint32_t p = t->nodes[id].parent;
		if (p < t->len && v->dmax[id] > v->dmax[p])
			v->dmax[p] = v->dmax[id];
	}
	v->dmax_fig = fig;
}

bool tui_diff_visible(const app *a, const tview *v, uint32_t id)
{
	return !v->dmax || v->dmax[id] >= (uint64_t)a->min_delta;
}

redraw tui_diff_cycle_threshold(app *a)
{
	static const int64_t steps[] = { 1000000, 10000000, 100000000, 1000000000 };
	if (!a->diff) {
		snprintf(a->message, sizeof a->message,
		         "hiding small changes needs --diff BASE NEW");
		return R_ALL;
	}
	/* from any --min-delta value, on to the next step up, then off */
	int64_t next = 0;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (steps[i] > a->min_delta) {
			next = steps[i];
			break;
		}
	a->min_delta = next;
	tview *all[8];
	for (int i = 0, n = tui_tviews(a, all); i < n; i++)
		all[i]->rows_ok = false;
	char t[32];
	tui_diff_fmt_threshold(t, sizeof t, next, a->ascii);
	if (next)
		snprintf(a->message, sizeof a->message, "hiding changes below %s (H: next)", t);
	else
		snprintf(a->message, sizeof a->message, "showing every change");
	return R_ALL;
}

/* ---- the table ------------------------------------------------------------- */

static const char *const fig_names[] = { "total", "self", "count" };

static int diff_header(app *a, tview *v, canvas *c, int y)
{
	bool with_base = c->w - 44 >= tui_name_room(c->w);   /* base goes before names shrink */
	char hb[16], hn[16], line[128];
	snprintf(hb, sizeof hb, "base %s", fig_names[v->fig]);
	snprintf(hn, sizeof hn, "new %s", fig_names[v->fig]);
	if (with_base)
		snprintf(line, sizeof line, " %10s %10s %10s %8s  ", hb, hn, "delta", "vs base");
	else
		snprintf(line, sizeof line, " %10s %10s %8s  ", hn, "delta", "vs base");
	cv_fill(c, y, 0, c->w, L' ', S_HEADER);
	int x = cv_text(c, y, 0, c->w, line, S_HEADER);
	const char *by = "";
	switch (v->sort) {
	case SORT_TOTAL: by = v->reverse ? "new total, smallest first" : "new total"; break;
	case SORT_SELF: by = v->reverse ? "new self, smallest first" : "new self"; break;
	case SORT_COUNT: by = v->reverse ? "new count, smallest first" : "new count"; break;
	case SORT_NAME: by = v->reverse ? "name, reversed" : "name"; break;
	case SORT_DELTA: by = v->reverse ? "change, faster first" : "change, slower first"; break;
	case SORT_ABS_DELTA: by = v->reverse ? "|change|, smallest first" : "|change|"; break;
	}
	char name[96];
	snprintf(name, sizeof name, "name  (by %s)", by);
	cv_text(c, y, x, c->w, name, S_HEADER);
	(void)a;
	return x;
}

static void diff_row(app *a, tview *v, canvas *c, int y, uint32_t id)
{
	int64_t b, n;
	tui_diff_fig(a, v, id, v->fig, &b, &n);
	char line[128];
	size_t span;
	style ds = tui_diff_cols(line, sizeof line, b, n, v->fig == FIG_COUNT,
	                         c->w - 44 >= tui_name_room(c->w), a->ascii, &span);
	int x = cv_text(c, y, 0, c->w, line, S_NORMAL);
	line[span] = '\0';
	cv_restyle(c, y, cv_width(c, line), x, ds);
}

const columns_ops tui_columns_diff = { diff_header, diff_row };

int tui_diff_mark(app *a, tview *v, canvas *c, int y, int x, uint32_t id)
{
	uint8_t s = base_of(a, v, id)->status;
	if (s == ST_DIFF_NEW)
		return cv_text(c, y, x, c->w, "[new] ", S_SLOWER);
	if (s == ST_DIFF_GONE)
		return cv_text(c, y, x, c->w, "[gone] ", S_FASTER);
	return x;
}

/* ---- the icicle -------------------------------------------------------------- */

/* A box shows its node's own change: self time, not total, so that a parent
 * is not painted for what its children did.  Noise is left grey: the change
 * must reach 10% of the node's self time, 0.1% of the zoomed node's total
 * (what one cell of a 1000-column screen would show) and the H threshold. */
static int change(const app *a, const tview *v, uint32_t id)
{
	int64_t b, n;
	tui_diff_fig(a, v, id, FIG_SELF, &b, &n);
	uint64_t d = mag(n - b), big = mag(b) > mag(n) ? mag(b) : mag(n);
	uint32_t z = v->zoom[v->nzoom - 1];
	uint64_t scale = v->tree->nodes[z].total_ns;
	if (base_of(a, v, z)->total_ns > scale)
		scale = base_of(a, v, z)->total_ns;
	if (!d || d < (uint64_t)a->min_delta || d * 10 < big || d * 1000 < scale)
		return 0;
	return n > b ? 1 : -1;
}

style tui_diff_box_style(const app *a, const tview *v, uint32_t id, int shade)
{
	int ch = change(a, v, id);
	return ch > 0 ? S_BOX_SLOWER : ch < 0 ? S_BOX_FASTER : shade ? S_BOX_ALT : S_BOX;
}

/* Boxes narrower than a cell are eighth blocks: coloured glyphs. */
style tui_diff_sliver_style(const app *a, const tview *v, uint32_t id)
{
	int ch = change(a, v, id);
	return ch > 0 ? S_SLOWER : ch < 0 ? S_FASTER : S_DIM;
}

/* The sign goes into the label too: it is what monochrome terminals and
 * the headless screens show. */
void tui_diff_box_label(const app *a, const tview *v, uint32_t id, char *label,
                        size_t cap)
{
	int ch = change(a, v, id);
	size_t len = strlen(label);
	if (!ch || cap < 2)
		return;
	if (len + 2 > cap)
		len = cap - 2;
	memmove(label + 1, label, len);
	label[0] = ch > 0 ? '+' : '-';
	label[len + 1] = '\0';
}

/* ---- search and status line ------------------------------------------------- */

/* BASE's figures of the match set (nested matches once, as NEW's), and of
 * the filter's matched time per node. */
void tui_diff_match(app *a, tview *v)
{
	const st_tree *t = v->tree;
	v->dmax_fig = -1;
	v->mbase_total = 0;
	v->mbase_self = 0;
	free(v->bfilt);
	v->bfilt = NULL;
	if (!a->diff || !v->match.flags)
		return;
	for (uint32_t id = 0; id < t->len && id < v->match.len; id++) {
		uint8_t f = v->match.flags[id];
		if (!(f & ST_TM_MATCH))
			continue;
		const st_diff_node *b = base_of(a, v, id);
		v->mbase_self += b->self_ns;
		if (!(f & ST_TM_INSIDE))
			v->mbase_total += b->total_ns;
	}
	if (!a->filter || !v->filt)
		return;
	v->bfilt = st_xcalloc(t->len, sizeof *v->bfilt);
	for (uint32_t id = t->len; id-- > 0;) {
		if (v->match.flags[id] & ST_TM_MATCH)
			v->bfilt[id] = base_of(a, v, id)->total_ns;
		if (id && !(v->match.flags[t->nodes[id].parent] & ST_TM_MATCH))
			v->bfilt[t->nodes[id].parent] += v->bfilt[id];
	}
}

/* "1.00ms -> 3.00ms (+2.00ms, +200.0%)", or of counts */
void tui_diff_both(char *buf, size_t cap, int64_t b, int64_t n, bool count, bool ascii)
{
	figs f;
	diff_figs(&f, b, n, count, ascii);
	snprintf(buf, cap, "%s -> %s (%s, %s)", f.b, f.n, f.d, f.p);
}

static void both(char *buf, size_t cap, int64_t b, int64_t n, bool ascii)
{
	tui_diff_both(buf, cap, b, n, false, ascii);
}

void tui_diff_status(app *a, tview *v, canvas *c, int y, int x0)
{
	char buf[2048], hide[48] = "", tot[160], self[160];
	if (a->min_delta) {
		char t[32];
		tui_diff_fmt_threshold(t, sizeof t, a->min_delta, a->ascii);
		snprintf(hide, sizeof hide, "[hiding <%s] ", t);
	}
	if (!v) {
		snprintf(buf, sizeof buf, "%sbase %s  new %s", hide, a->diff_paths[0],
		         a->diff_paths[1]);
		cv_text_crop(c, y, x0, c->w, buf, S_STATUS);
		return;
	}
	if (a->re && v->match.flags) {
		both(tot, sizeof tot, (int64_t)v->mbase_total, (int64_t)v->match.total_ns, a->ascii);
		both(self, sizeof self, v->mbase_self, v->match.self_ns, a->ascii);
		snprintf(buf, sizeof buf, "%s/%s/  %u matches  total %s  self %s%s", hide,
		         a->pattern, v->match.count, tot, self, a->filter ? "  [filter]" : "");
		cv_text_crop(c, y, x0, c->w, buf, S_STATUS);
		return;
	}
	int64_t b, n;
	tui_diff_fig(a, v, v->sel, FIG_TOTAL, &b, &n);
	both(tot, sizeof tot, b, n, a->ascii);
	tui_diff_fig(a, v, v->sel, FIG_SELF, &b, &n);
	both(self, sizeof self, b, n, a->ascii);
	char cnt[64] = "";
	tui_diff_fig(a, v, v->sel, FIG_COUNT, &b, &n);
	if (b != n)   /* counts rarely change; say so only when they do */
		snprintf(cnt, sizeof cnt, "count %lld -> %lld  ", (long long)b, (long long)n);
	uint8_t s = base_of(a, v, v->sel)->status;
	snprintf(buf, sizeof buf, "%s%stotal %s  self %s  %s", hide,
	         s == ST_DIFF_NEW ? "[new] " : s == ST_DIFF_GONE ? "[gone] " : "",
	         tot, self, cnt);
	int x = cv_text_crop(c, y, x0, c->w, buf, S_STATUS);
	char label[512];
	tui_node_label(a, v->tree, v->sel, label, sizeof label);
	cv_text_crop(c, y, x, c->w, label, S_STATUS);
}
