/* tui-build.c: the Build view, cargo's timeline of the build in a terminal
 * (what cargo-timing.html draws, as text): one row per unit, time across,
 * the build's concurrency as a line above and a time axis.  Frontend,
 * codegen and the rest of a unit get different glyphs as well as colours,
 * the critical path a `*` and units without a self-profile a `?`, so the
 * view reads the same in monochrome and in ASCII. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/xalloc.h"
#include "tui.h"

/* the last two: --diff only, by change of duration (D: growth first, M:
 * size of the change) */
enum { BSORT_START, BSORT_DURATION, BSORT_NAME, BSORT_DELTA, BSORT_ABS_DELTA };

#define DUR_W 6     /* the duration column: st_fmt_ns fits in 6 */
#define DELTA_W 8   /* diff: the change of duration, "+1.23s" or "[new]" */

bool tui_build_loaded(const app *a)
{
	return a->m->timings.path != ST_NIL && a->m->timings.units.len > 0;
}

void tui_build_free(app *a)
{
	free(a->build.rows);
	a->build.rows = NULL;
	a->build.nrows = 0;
}

static const st_build_timings *timings(const app *a)
{
	return &a->m->timings;
}

/* --diff: BASE's side of unit i of NEW (NULL without a diff). */
static const st_diff_row *base_row(const app *a, uint32_t i)
{
	return a->diff ? st_diff_unit_row(a->diff, i) : NULL;
}

static int64_t change_of(const app *a, uint32_t i)
{
	const st_diff_row *r = base_row(a, i);
	return r ? st_diff_delta(r, 0) : 0;
}

static uint64_t unit_end(const st_unit *u)
{
	return u->start_ns + u->duration_ns;
}

/* A kind in at most 5 columns; the status line spells it out. */
static const char *short_kind(uint8_t k)
{
	static const char *const s[ST_UK_COUNT] = {
		[ST_UK_LIB] = "lib", [ST_UK_BIN] = "bin", [ST_UK_BUILD_SCRIPT] = "build",
		[ST_UK_BUILD_SCRIPT_RUN] = "run", [ST_UK_PROC_MACRO] = "macro",
		[ST_UK_TEST] = "test", [ST_UK_EXAMPLE] = "ex",
	};
	return k < ST_UK_COUNT && s[k] ? s[k] : "?";
}

/* "async-lib 0.1.0 (asynclib)": the target only where it says more than
 * the package (a build script's target is always build-script-build). */
static void unit_label(const app *a, const st_unit *u, char *buf, size_t cap, bool full)
{
	const st_model *m = a->m;
	const char *name = st_model_str(m, u->name);
	int n = snprintf(buf, cap, "%s %s", name, st_model_str(m, u->version));
	if (u->target == ST_NIL || n < 0 || (size_t)n >= cap)
		return;
	const char *tg = st_model_str(m, u->target);
	bool same = strlen(tg) == strlen(name);
	for (size_t i = 0; same && tg[i]; i++)
		same = tg[i] == name[i] || (tg[i] == '_' && name[i] == '-');
	if (full || (!same && u->kind != ST_UK_BUILD_SCRIPT &&
	             u->kind != ST_UK_BUILD_SCRIPT_RUN))
		snprintf(buf + n, cap - (size_t)n, " (%s)", tg);
}

/* A unit that should have a profile and has none (build script runs are
 * no rustc runs); only said when some profiles are loaded. */
static bool lacks_profile(const app *a, const st_unit *u)
{
	return a->m->sources.len && u->crate == ST_NIL &&
	       u->kind != ST_UK_BUILD_SCRIPT_RUN;
}

/* ---- rows: the units shown, in the chosen order --------------------------- */

static const app *sort_app;   /* qsort has no context argument in C11 */

static int cmp_rows(const void *x, const void *y)
{
	const app *a = sort_app;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const st_unit *u = &timings(a)->units.v[i], *v = &timings(a)->units.v[j];
	int r;
	if (a->build.sort == BSORT_DURATION)   /* longest first */
		r = (u->duration_ns < v->duration_ns) - (u->duration_ns > v->duration_ns);
	else if (a->build.sort == BSORT_DELTA || a->build.sort == BSORT_ABS_DELTA) {
		int64_t p = change_of(a, i), q = change_of(a, j);
		if (a->build.sort == BSORT_ABS_DELTA) {
			p = p < 0 ? -p : p;
			q = q < 0 ? -q : q;
		}
		r = (p < q) - (p > q);   /* largest first */
	} else
		r = strcmp(st_model_str(a->m, u->name), st_model_str(a->m, v->name));
	if (a->build.reverse)
		r = -r;
	/* units are stored by start: ties keep that order */
	return r ? r : (i > j) - (i < j);
}

static void make_rows(app *a)
{
	const st_build_timings *t = timings(a);
	a->build.rows = st_xreallocarray(a->build.rows, t->units.len + 1,
	                                 sizeof *a->build.rows);
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->units.len; i++) {
		if (a->build.critical && !t->units.v[i].critical)
			continue;
		if (a->filter && a->re) {   /* f: the units whose name matches */
			char lb[256];
			unit_label(a, &t->units.v[i], lb, sizeof lb, false);
			if (!st_regex_match(a->re, lb, strlen(lb)))
				continue;
		}
		a->build.rows[n++] = i;
	}
	a->build.nrows = n;
	if (a->build.sort == BSORT_START && a->build.reverse) {
		for (uint32_t i = 0; i < n / 2; i++) {
			uint32_t s = a->build.rows[i];
			a->build.rows[i] = a->build.rows[n - 1 - i];
			a->build.rows[n - 1 - i] = s;
		}
	} else if (a->build.sort != BSORT_START) {
		sort_app = a;
		qsort(a->build.rows, n, sizeof *a->build.rows, cmp_rows);
	}
}

/* Row position of the selected unit; the first row when it is not shown. */
static int sel_pos(app *a)
{
	for (uint32_t i = 0; i < a->build.nrows; i++)
		if (a->build.rows[i] == a->build.sel)
			return (int)i;
	if (a->build.nrows)
		a->build.sel = a->build.rows[0];
	return 0;
}

/* ---- layout ----------------------------------------------------------------- */

typedef struct layout {
	int name_w;            /* marks at 0 and 1, the name from 2 */
	int kind_x;            /* -1: no kind column (narrow screens) */
	int dur_x;
	int delta_x;           /* -1: no change column (no diff) */
	int bar_x, bar_w;      /* the timeline, right of a separator */
	uint64_t t0, span;     /* the part of the build it shows (zoom) */
	double ns_per_col;
} layout;

static layout make_layout(app *a, canvas *c)
{
	const st_build_timings *t = timings(a);
	layout L;
	int maxw = 8;
	for (uint32_t i = 0; i < t->units.len; i++) {
		char lb[256];
		unit_label(a, &t->units.v[i], lb, sizeof lb, false);
		int w = cv_width(c, lb);
		if (w > maxw)
			maxw = w;
	}
	int cap = c->w * 3 / 10;
	L.name_w = maxw < cap ? maxw : cap < 8 ? 8 : cap;
	int x = 2 + L.name_w + 1;
	L.kind_x = c->w >= 70 ? x : -1;
	if (L.kind_x >= 0)
		x += 6;
	L.dur_x = x;
	x += DUR_W;
	L.delta_x = a->diff ? x + 1 : -1;
	if (a->diff)
		x += 1 + DELTA_W;
	L.bar_x = x + 2;
	L.bar_w = c->w - L.bar_x - 1;
	if (L.bar_w < 1)
		L.bar_w = 1;
	uint64_t wall = t->wall_ns ? t->wall_ns : 1;
	/* zoomed, the window is centred on the selected unit (it follows the
	 * selection, as the other views do) and stays inside the build; no
	 * finer than 0.1 ms a column (the axis's finest ticks are 1 ms, 10
	 * columns apart; cargo times in ms), and the zoom level is brought
	 * back to the first one that reaches that, so - acts at once */
	uint64_t least = (uint64_t)L.bar_w * 100000;
	while (a->build.zoom > 0 && (wall >> (a->build.zoom - 1)) <= least)
		a->build.zoom--;
	uint64_t span = wall >> a->build.zoom;
	if (span < least)
		span = least < wall ? least : wall;
	L.span = span;
	L.t0 = 0;
	if (span < wall && a->build.sel < t->units.len) {
		const st_unit *u = &t->units.v[a->build.sel];
		uint64_t mid = u->start_ns + u->duration_ns / 2;
		L.t0 = mid > span / 2 ? mid - span / 2 : 0;
		if (L.t0 > wall - span)
			L.t0 = wall - span;
	}
	L.ns_per_col = (double)span / L.bar_w;
	return L;
}

/* The column of time ns, clamped to the timeline. */
static int col_of(const layout *L, uint64_t ns)
{
	if (ns < L->t0)
		return 0;
	double x = (double)(ns - L->t0) / L->ns_per_col;   /* far right: huge */
	return x >= L->bar_w ? L->bar_w : (int)x;
}

/* ---- the rows above the units ---------------------------------------------- */

static void draw_summary_line(app *a, canvas *c, int y)
{
	const st_build_timings *t = timings(a);
	char wall[32], cp[32], pc[16], buf[512];
	st_fmt_ns(wall, sizeof wall, (int64_t)t->wall_ns, a->ascii);
	st_fmt_ns(cp, sizeof cp, (int64_t)t->critical_path_ns, a->ascii);
	st_fmt_pct(pc, sizeof pc, (double)t->critical_path_ns, (double)t->wall_ns);
	int n = snprintf(buf, sizeof buf, "wall %s  critical path %s (%s)  bound by %s  "
	                 "%u units, %u with a profile", wall, cp, pc,
	                 t->slot_bound ? "cores" : "dependencies", t->units.len, t->joined);
	if (a->m->sources.len && n > 0 && (size_t)n < sizeof buf) {
		st_fmt_pct(pc, sizeof pc, (double)t->covered_ns, (double)t->wall_ns);
		n += snprintf(buf + n, sizeof buf - (size_t)n, " (%s of the wall time)", pc);
	}
	const st_build_timings *b = a->diff ? &a->diff->base->timings : NULL;
	if (b && n > 0 && (size_t)n < sizeof buf) {
		char bw[32], dw[32], bc[32], dc[32];
		st_fmt_ns(bw, sizeof bw, (int64_t)b->wall_ns, a->ascii);
		st_fmt_delta_ns(dw, sizeof dw, (int64_t)t->wall_ns - (int64_t)b->wall_ns, a->ascii);
		st_fmt_ns(bc, sizeof bc, (int64_t)b->critical_path_ns, a->ascii);
		st_fmt_delta_ns(dc, sizeof dc, (int64_t)t->critical_path_ns -
		                (int64_t)b->critical_path_ns, a->ascii);
		uint32_t gone = a->diff->units_gone;   /* not drawn: NEW's units are the rows */
		char g[48] = "";
		if (gone)
			snprintf(g, sizeof g, ", %u unit%s gone (--report --diff)", gone,
			         gone == 1 ? "" : "s");
		if (b->path == ST_NIL)
			snprintf(buf + n, sizeof buf - (size_t)n, "  | base: no cargo timings");
		else
			snprintf(buf + n, sizeof buf - (size_t)n, "  | base: wall %s (%s), "
			         "critical path %s (%s)%s", bw, dw, bc, dc, g);
	}
	cv_text_crop(c, y, 0, c->w, buf, S_HEADER);
}

typedef struct glyphs {
	const char *front, *codegen, *other, *sep, *tick, *spark[8];
} glyphs;

static const glyphs utf8_glyphs = {
	"\xe2\x96\x88", "\xe2\x96\x92", "\xe2\x96\x91", "\xe2\x94\x82", "\xe2\x94\x82",
	{ "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	  "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" },
};
/* ASCII: the concurrency is written as digits when it fits in one */
static const glyphs ascii_glyphs = {
	"#", "=", "-", "|", "|", { ".", ":", "-", "=", "+", "*", "#", "@" },
};

static const glyphs *gl(const app *a)
{
	return a->ascii ? &ascii_glyphs : &utf8_glyphs;
}

static void draw_titles(app *a, canvas *c, const layout *L, int y)
{
	static const char *const by[] = { "by start", "by duration", "by name",
		                          "by change", "by |change|" };
	char buf[128];
	snprintf(buf, sizeof buf, "unit (%s%s%s%s)", a->build.critical ? "critical, " : "",
	         a->filter && a->re ? "matching, " : "", by[a->build.sort],
	         a->build.reverse ? ", reversed" : "");
	cv_text_crop(c, y, 2, 2 + L->name_w, buf, S_HEADER);
	if (L->kind_x >= 0)
		cv_text(c, y, L->kind_x, c->w, "kind", S_HEADER);
	cv_text(c, y, L->dur_x + DUR_W - 4, c->w, "took", S_HEADER);
	if (L->delta_x >= 0)
		cv_text(c, y, L->delta_x + DELTA_W - 6, c->w, "change", S_HEADER);
	const glyphs *g = gl(a);
	struct { const char *glyph, *what; style st; } legend[] = {
		{ "*", "critical", S_CRITICAL }, { g->front, "frontend", S_FRONTEND },
		{ g->codegen, "codegen", S_CODEGEN }, { g->other, "other", S_DIM },
		{ "?", "no profile", S_DIM },
	};
	int n = a->m->sources.len ? 5 : 4, x = L->bar_x;
	for (int i = 0; i < n; i++) {
		int w = cv_width(c, legend[i].glyph) + 1 + cv_width(c, legend[i].what);
		if (x + w > c->w)
			break;
		x = cv_text(c, y, x, c->w, legend[i].glyph, legend[i].st);
		x = cv_text(c, y, x + 1, c->w, legend[i].what, S_HEADER) + 2;
	}
}

/* The most units running (or waiting) at any time of [t0, t1): the sample
 * in effect at t0 and those inside; *i carries on from the last column. */
static uint32_t conc_at(const st_build_timings *t, uint32_t *i, uint64_t t0,
                        uint64_t t1, bool waiting)
{
	const st_conc_sample *s = t->concurrency.v;
	uint32_t n = t->concurrency.len, best = 0;
	while (*i + 1 < n && s[*i + 1].t_ns <= t0)
		(*i)++;
	for (uint32_t j = *i; j < n && s[j].t_ns < t1; j++) {
		uint32_t v = waiting ? s[j].waiting : s[j].active;
		if (v > best)
			best = v;
	}
	return best;
}

static uint32_t conc_peak(const st_build_timings *t, bool waiting)
{
	uint32_t peak = 0;
	for (uint32_t i = 0; i < t->concurrency.len; i++) {
		uint32_t v = waiting ? t->concurrency.v[i].waiting : t->concurrency.v[i].active;
		if (v > peak)
			peak = v;
	}
	return peak;
}

static void draw_concurrency(app *a, canvas *c, const layout *L, int y, bool waiting)
{
	const st_build_timings *t = timings(a);
	uint32_t peak = conc_peak(t, waiting), i = 0;
	char buf[64];
	snprintf(buf, sizeof buf, waiting ? "waiting for a job slot (max %u)"
	         : "running (max %u)", peak);
	cv_text_crop(c, y, 2, L->bar_x - 1, buf, S_DIM);
	cv_text(c, y, L->bar_x - 1, c->w, gl(a)->sep, S_DIM);
	for (int x = 0; x < L->bar_w && peak; x++) {
		uint64_t t0 = L->t0 + (uint64_t)(x * L->ns_per_col);
		uint64_t t1 = L->t0 + (uint64_t)((x + 1) * L->ns_per_col);
		uint32_t v = conc_at(t, &i, t0, t1, waiting);
		if (!v)
			continue;
		char d[2] = { 0 };
		const char *s;
		if (a->ascii && peak <= 9) {
			d[0] = (char)('0' + v);
			s = d;
		} else {
			/* in 64 bits: a timings file may claim 4 billion units */
			s = gl(a)->spark[((uint64_t)v * 8 + peak - 1) / peak - 1];
		}
		cv_text(c, y, L->bar_x + x, c->w, s, waiting ? S_CRITICAL : S_BAR);
	}
}

/* Round ticks 10 or more columns apart, labelled "30s", "1m30s", "250ms". */
static void tick_label(char *buf, size_t cap, uint64_t ns, uint64_t step)
{
	uint64_t ms = ns / 1000000, s = ns / 1000000000;
	if (!ns)
		snprintf(buf, cap, "0");
	else if (step < 1000000000ull && ns < 1000000000ull)
		snprintf(buf, cap, "%llums", (unsigned long long)ms);
	else if (step < 1000000000ull) {
		/* as many decimals as the step needs, so that ticks differ, less
		 * the trailing zeros ("1.5s", "1s"), which keeps them apart */
		uint64_t sm = step / 1000000;
		int d = sm % 100 == 0 ? 1 : sm % 10 == 0 ? 2 : 3;
		int n = snprintf(buf, cap, "%.*f", d, (double)ms / 1000);
		while (n > 0 && (size_t)n < cap && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && (size_t)n < cap && buf[n - 1] == '.')
			buf[--n] = '\0';
		if (n >= 0 && (size_t)n + 1 < cap) {
			buf[n] = 's';
			buf[n + 1] = '\0';
		}
	}
	else if (s < 60)
		snprintf(buf, cap, "%llus", (unsigned long long)s);
	else if (s % 60)
		snprintf(buf, cap, "%llum%02llus", (unsigned long long)(s / 60),
		         (unsigned long long)(s % 60));
	else
		snprintf(buf, cap, "%llum", (unsigned long long)(s / 60));
}

static void draw_axis(app *a, canvas *c, const layout *L, int y)
{
	static const uint64_t steps_ms[] = { 1, 2, 5, 10, 20, 50, 100, 200, 250, 500,
		1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000,
		900000, 1800000, 3600000 };
	uint64_t step = 0;
	for (size_t i = 0; i < sizeof steps_ms / sizeof steps_ms[0] && !step; i++)
		if ((double)steps_ms[i] * 1e6 / L->ns_per_col >= 10)
			step = steps_ms[i] * 1000000ull;
	if (!step)
		step = 3600000000000ull;
	char scale[32], buf[64];
	st_fmt_ns(scale, sizeof scale, (int64_t)L->ns_per_col, a->ascii);
	if (a->build.zoom && L->span < timings(a)->wall_ns)
		snprintf(buf, sizeof buf, "time x%.0f (1 column %s)",
		         (double)timings(a)->wall_ns / (double)L->span, scale);
	else
		snprintf(buf, sizeof buf, "time (1 column %s)", scale);
	cv_text_crop(c, y, 2, L->bar_x - 1, buf, S_DIM);
	for (uint64_t tk = (L->t0 + step - 1) / step * step; tk <= L->t0 + L->span;
	     tk += step) {
		int x = L->bar_x + col_of(L, tk);
		char lb[32];
		tick_label(lb, sizeof lb, tk, step);
		if (x + 1 + cv_width(c, lb) > c->w)
			break;
		cv_text(c, y, cv_text(c, y, x, c->w, gl(a)->tick, S_DIM), c->w, lb, S_DIM);
	}
}

/* ---- a unit's row ------------------------------------------------------------ */

static bool matches(const app *a, const char *label)
{
	return a->re && st_regex_match(a->re, label, strlen(label));
}

static void draw_unit(app *a, canvas *c, const layout *L, int y, uint32_t ui, bool sel)
{
	const st_unit *u = &timings(a)->units.v[ui];
	const glyphs *g = gl(a);
	char lb[256], d[32];
	unit_label(a, u, lb, sizeof lb, false);
	bool lacks = lacks_profile(a, u);
	if (u->critical)
		cv_text(c, y, 0, 1, "*", S_CRITICAL);
	if (lacks)
		cv_text(c, y, 1, 2, "?", S_DIM);
	style ns = matches(a, lb) ? S_MATCH : u->critical ? S_CRITICAL : lacks ? S_DIM : S_NORMAL;
	cv_text_crop(c, y, 2, 2 + L->name_w, lb, ns);
	if (L->kind_x >= 0)
		cv_text(c, y, L->kind_x, c->w, short_kind(u->kind), lacks ? S_DIM : S_NORMAL);
	st_fmt_ns_col(d, sizeof d, (int64_t)u->duration_ns, a->ascii, DUR_W);
	cv_text(c, y, L->dur_x, c->w, d, S_NORMAL);
	const st_diff_row *br = base_row(a, ui);
	if (L->delta_x >= 0 && br) {
		char ch[32];
		int64_t dd = st_diff_delta(br, 0);
		if (br->status == ST_DIFF_NEW)
			snprintf(ch, sizeof ch, "[new]");
		else
			st_fmt_delta_ns(ch, sizeof ch, dd, a->ascii);
		int w = cv_width(c, ch);
		cv_text(c, y, L->delta_x + (w < DELTA_W ? DELTA_W - w : 0), c->w, ch,
		        br->status == ST_DIFF_NEW || dd > 0 ? S_SLOWER : dd < 0 ? S_FASTER : S_DIM);
	}
	cv_text(c, y, L->bar_x - 1, c->w, g->sep, S_DIM);
	/* each cell shows the section its middle falls in; a unit shorter
	 * than a column still gets one */
	int x0 = col_of(L, u->start_ns), x1 = col_of(L, unit_end(u));
	if (unit_end(u) < L->t0 || u->start_ns > L->t0 + L->span) {
		/* zoomed past it: which side it lies on */
		bool left = unit_end(u) < L->t0;
		cv_text(c, y, L->bar_x + (left ? 0 : L->bar_w - 1), c->w, left ? "<" : ">", S_DIM);
		x0 = x1 = -1;
	} else if (x1 <= x0) {
		x1 = x0 + 1;
	}
	if (x1 > L->bar_w) {
		x1 = L->bar_w;
		x0 = x0 < x1 - 1 ? x0 : x1 - 1;
	}
	if (x0 < 0)
		x0 = x1 = 0;   /* no bar */
	uint64_t f = u->frontend_ns, cg = u->codegen_ns;
	double fe = f != ST_NO_TIME ? (double)f : 0;
	double ce = fe + (cg != ST_NO_TIME ? (double)cg : 0), dur = (double)u->duration_ns;
	for (int x = x0; x < x1; x++) {
		double mid = (double)L->t0 + (x + 0.5) * L->ns_per_col - (double)u->start_ns;
		if (x1 - x0 == 1 || mid >= dur)
			mid = x1 - x0 == 1 ? dur / 2 : dur - 1;
		if (mid < 0)
			mid = 0;
		const char *s = g->other;
		style st = S_DIM;
		if (f != ST_NO_TIME && mid < fe) {
			s = g->front; st = S_FRONTEND;
		} else if (cg != ST_NO_TIME && mid < ce) {
			s = g->codegen; st = S_CODEGEN;
		}
		cv_text(c, y, L->bar_x + x, c->w, s, st);
	}
	/* the selected row is one band, its bar keeping its colours */
	for (int x = 0; sel && x < c->w; x++)
		if (x < L->bar_x + x0 || x >= L->bar_x + x1)
			cv_restyle(c, y, x, x + 1, S_SELECTED);
}

static void draw_detail(app *a, canvas *c, int y);

static void draw_build(app *a, canvas *c, int top, int bottom)
{
	a->build.hits.n = 0;
	if (!tui_build_loaded(a)) {
		cv_text_crop(c, top + 1, 2, c->w, a->diff && a->diff->base->timings.path != ST_NIL
		             ? "the new build has no cargo timings (the base has: see "
		               "--report --diff --by unit)"
		             : "no cargo timings loaded (cargo build --timings writes "
		               "target/cargo-timings/)", S_DIM);
		return;
	}
	make_rows(a);
	sel_pos(a);   /* a unit the filter hides gives way first: the zoom centres on it */
	layout L = make_layout(a, c);
	int y = top;
	draw_summary_line(a, c, y++);
	draw_titles(a, c, &L, y++);
	draw_concurrency(a, c, &L, y++, false);
	if (conc_peak(timings(a), true) && bottom - top >= 14)
		draw_concurrency(a, c, &L, y++, true);
	draw_axis(a, c, &L, y++);
	int h = bottom - y - 1, pos = sel_pos(a);
	if (h < 1)
		return;
	if (!a->build.nrows) {   /* C on a build whose path the input hides */
		cv_text_crop(c, y, 2, c->w, a->filter && a->re ? "no unit matches the search "
		             "(f: all units)" : "no unit on the critical path (C: all units)", S_DIM);
		return;
	}
	draw_detail(a, c, bottom - 1);
	a->build.page = h;
	if (pos < a->build.scroll)
		a->build.scroll = pos;
	if (pos >= a->build.scroll + h)
		a->build.scroll = pos - h + 1;
	if (a->build.scroll > (int)a->build.nrows - h)
		a->build.scroll = (int)a->build.nrows - h;
	if (a->build.scroll < 0)
		a->build.scroll = 0;
	a->build.hits = (row_hits){ y, a->build.scroll, 0 };
	for (int i = 0; i < h && a->build.scroll + i < (int)a->build.nrows; i++) {
		int r = a->build.scroll + i;
		a->build.hits.n++;
		draw_unit(a, c, &L, y + i, a->build.rows[r], r == pos);
	}
}

/* ---- the status line: everything about the selected unit ---------------------- */

/* The selected unit's timings, on the view's last row. */
static void draw_detail(app *a, canvas *c, int y)
{
	const st_unit *u = &timings(a)->units.v[a->build.sel];
	char lb[256], s[32], d[32], r[32], f[32], cg[32], buf[512];
	unit_label(a, u, lb, sizeof lb, true);
	st_fmt_ns(s, sizeof s, (int64_t)u->start_ns, a->ascii);
	st_fmt_ns(d, sizeof d, (int64_t)u->duration_ns, a->ascii);
	const uint64_t v[3] = { u->rmeta_ns, u->frontend_ns, u->codegen_ns };
	char *o[3] = { r, f, cg };
	for (int i = 0; i < 3; i++) {
		if (v[i] == ST_NO_TIME)
			snprintf(o[i], 32, "-");
		else
			st_fmt_ns(o[i], 32, (int64_t)v[i], a->ascii);
	}
	int n = snprintf(buf, sizeof buf, "%s%s  %s  start %s  took %s  frontend %s  "
	                 "codegen %s  rmeta %s", u->critical ? "*" : "", lb,
	                 st_unit_kind_name((st_unit_kind)u->kind), s, d, f, cg, r);
	const st_diff_row *br = base_row(a, a->build.sel);
	if (br && n > 0 && (size_t)n < sizeof buf) {
		char bt[32], bs[32];
		st_fmt_ns(bt, sizeof bt, br->base[0], a->ascii);
		st_fmt_ns(bs, sizeof bs, br->base[1], a->ascii);
		if (br->status == ST_DIFF_NEW)
			snprintf(buf + n, sizeof buf - (size_t)n, "  | new: not in the base build");
		else
			snprintf(buf + n, sizeof buf - (size_t)n, "  | base: start %s took %s%s",
			         bs, bt, br->base[2] ? ", critical" : "");
	}
	cv_fill(c, y, 0, c->w, L' ', S_HEADER);
	cv_text_crop(c, y, 0, c->w, buf, S_HEADER);
}

/* The rest of what is known of the selected unit: its place in the graph
 * and, when joined, its crate's self-profile. */
static void build_status(app *a, canvas *c, int y)
{
	if (!tui_build_loaded(a) || !a->build.nrows)
		return;
	const st_build_timings *t = timings(a);
	uint32_t ui = a->build.rows[sel_pos(a)], unblocks = 0;
	const st_unit *u = &t->units.v[ui];
	for (uint32_t i = 0; i < t->edges.len; i++)
		unblocks += t->edges.v[i].from == ui;
	char buf[512];
	int n = snprintf(buf, sizeof buf, "%s  unblocks %u unit%s",
	                 u->critical ? "on the critical path" : "not on the critical path",
	                 unblocks, unblocks == 1 ? "" : "s");
	if (n > 0 && (size_t)n < sizeof buf && u->crate != ST_NIL) {
		const st_crate_stat *cs = &a->m->crates.v[u->crate];
		char w[32], cpu[32], ll[32];
		st_fmt_ns(w, sizeof w, (int64_t)cs->wall_ns, a->ascii);
		st_fmt_ns(cpu, sizeof cpu, (int64_t)cs->cpu_ns, a->ascii);
		st_fmt_ns(ll, sizeof ll, (int64_t)cs->llvm_ns, a->ascii);
		snprintf(buf + n, sizeof buf - (size_t)n, "  | profile %s: wall %s, cpu %s, "
		         "LLVM %s  (Enter: open it)", st_model_str(a->m, cs->display), w, cpu, ll);
	} else if (n > 0 && (size_t)n < sizeof buf && u->kind == ST_UK_BUILD_SCRIPT_RUN) {
		snprintf(buf + n, sizeof buf - (size_t)n, "  | a build script run: no rustc, "
		         "no self-profile");
	} else if (n > 0 && (size_t)n < sizeof buf && lacks_profile(a, u)) {
		snprintf(buf + n, sizeof buf - (size_t)n, "  | no self-profile of it loaded");
	}
	cv_text_crop(c, y, 0, c->w, buf, S_STATUS);
}

/* ---- keys ---------------------------------------------------------------------- */

/* The crate's node in the stack tree: a child of the root. */
static uint32_t crate_node(const app *a, uint32_t display)
{
	const st_tree *t = &a->m->stack;
	for (uint32_t id = t->nodes[0].first_child; id != ST_NIL; id = t->nodes[id].next_sibling)
		if (st_tree_kind(t, id) == ST_K_CRATE &&
		    st_model_display(a->m, t->nodes[id].name) == display)
			return id;
	return ST_NIL;
}

static redraw open_unit(app *a)
{
	if (!a->build.nrows)
		return R_NONE;
	const st_unit *u = &timings(a)->units.v[a->build.sel];
	char lb[256];
	unit_label(a, u, lb, sizeof lb, false);
	uint32_t id = u->crate == ST_NIL ? ST_NIL
	              : crate_node(a, a->m->crates.v[u->crate].display);
	if (id == ST_NIL) {
		snprintf(a->message, sizeof a->message, "%.80s: %s", lb,
		         u->kind == ST_UK_BUILD_SCRIPT_RUN ? "a build script run is no rustc "
		         "run, it has no self-profile" : !a->m->sources.len ? "no self-profiles "
		         "loaded: open the cargo timings with the build's profiles"
		         : "no self-profile of this unit loaded");
		return R_ALL;
	}
	tview *v = tui_show_node(a, V_TREE, &a->m->stack, id);
	tui_tview_expand(a, v, v->sel, true);   /* open on the crate's activities */
	v->collapsed[v->sel] = 0;
	return R_ALL;
}

static void find_match(app *a, int dir)
{
	int n = (int)a->build.nrows, pos = sel_pos(a);
	if (!a->re) {
		snprintf(a->message, sizeof a->message, "no search: / searches unit names");
		return;
	}
	for (int k = 1; k <= n; k++) {
		int i = ((pos + dir * k) % n + n) % n;
		char lb[256];
		unit_label(a, &timings(a)->units.v[a->build.rows[i]], lb, sizeof lb, false);
		if (matches(a, lb)) {
			a->build.sel = a->build.rows[i];
			return;
		}
	}
	snprintf(a->message, sizeof a->message, "no unit matches");
}

static void set_sort(app *a, int key)
{
	if (a->build.sort == key)
		a->build.reverse = !a->build.reverse;
	else {
		a->build.sort = key;
		a->build.reverse = false;
	}
}

static void move_to(app *a, int pos)
{
	if (!a->build.nrows)
		return;
	if (pos < 0) pos = 0;
	if (pos >= (int)a->build.nrows) pos = (int)a->build.nrows - 1;
	a->build.sel = a->build.rows[pos];
}

static redraw build_action(app *a, int act)
{
	if (!tui_build_loaded(a))
		return R_NONE;
	int pos = sel_pos(a), page = a->build.page > 1 ? a->build.page : 1;
	switch (act) {
	case ACT_UP: move_to(a, pos - 1); return R_VIEW;
	case ACT_DOWN: move_to(a, pos + 1); return R_VIEW;
	/* a page scrolls the list and the cursor keeps its screen row (htop) */
	case ACT_PGUP: a->build.scroll -= page; move_to(a, pos - page); return R_VIEW;
	case ACT_PGDN: a->build.scroll += page; move_to(a, pos + page); return R_VIEW;
	case ACT_HOME: move_to(a, 0); return R_VIEW;
	case ACT_END: move_to(a, (int)a->build.nrows - 1); return R_VIEW;
	case ACT_ZOOM: return open_unit(a);
	/* a new order keeps the cursor's row, as htop does: at the top, the
	 * top of the new order is shown */
	case ACT_SORT_START: set_sort(a, BSORT_START); make_rows(a); move_to(a, pos); return R_VIEW;
	case ACT_SORT_TOTAL:   /* t: the unit's total time is its duration */
	case ACT_SORT_DURATION: set_sort(a, BSORT_DURATION); make_rows(a); move_to(a, pos); return R_VIEW;
	case ACT_SORT_NAME: set_sort(a, BSORT_NAME); make_rows(a); move_to(a, pos); return R_VIEW;
	case ACT_SORT_DELTA: case ACT_SORT_ABS_DELTA:
		if (!a->diff) {
			snprintf(a->message, sizeof a->message, "sorting by change needs --diff BASE NEW");
			return R_STATUS;
		}
		set_sort(a, act == ACT_SORT_DELTA ? BSORT_DELTA : BSORT_ABS_DELTA);
		make_rows(a);
		move_to(a, pos);
		return R_VIEW;
	case ACT_CRITICAL_ONLY: a->build.critical = !a->build.critical; return R_VIEW;
	case ACT_TIME_IN:
		if (a->build.zoom < 40)
			a->build.zoom++;
		return R_VIEW;
	case ACT_TIME_OUT:
		if (a->build.zoom == 0)
			return R_NONE;
		a->build.zoom--;
		return R_VIEW;
	case ACT_NEXT_MATCH: find_match(a, 1); return R_ALL;
	case ACT_PREV_MATCH: find_match(a, -1); return R_ALL;
	default: return R_NONE;
	}
}

/* A click on a unit's row (its name or its bar) selects it; a double
 * click opens its self-profile, as Enter does. */
static redraw build_click(app *a, canvas *c, int y, int x, int what)
{
	(void)c, (void)x;
	int pos = tui_row_at(&a->build.hits, y);
	if (!tui_build_loaded(a) || pos < 0 || pos >= (int)a->build.nrows)
		return R_NONE;
	move_to(a, pos);
	return what == MOUSE_DOUBLE ? open_unit(a) : R_VIEW;
}

/* With --diff, a base with timings and a new build without still opens
 * the view: it says where the base's units are. */
static bool build_available(const app *a)
{
	return tui_build_loaded(a) || (a->diff && a->diff->base->timings.path != ST_NIL);
}

const view_ops tui_view_build = {
	"Build", draw_build, build_action, build_status, NULL, NULL, build_available,
	build_click,
};
