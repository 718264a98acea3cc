/* tui-summary-rows.c: what the Summary says, row by row: the build line,
 * then its sections ("which pass dominates", CGU imbalance, costly
 * functions and async fns, rustc activities, crates) sized to the screen,
 * or in a diff what changed; each row knows where Enter leads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/names.h"
#include "stalactite/report.h"
#include "stalactite/xalloc.h"
#include "tui-summary.h"

/* Sections share the screen's height; below this many rows each they
 * scroll instead. */
#define MIN_ROWS 4

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
	w->crate = ST_NOSTR;
	w->table = -1;
	w->item = ST_NIL;
	w->name_off = -1;
	return w;
}


/* A section's heading; Enter on it opens table tb whole (-1: none).  With
 * shown of len rows, it says so. */
static void heading_of(rows *r, const char *text, int tb, uint32_t shown, uint32_t len)
{
	if (r->n)
		add(r)->st = S_NORMAL;   /* blank line between sections */
	row *w = add(r);
	if (shown < len)
		snprintf(w->text, sizeof w->text, "%s (top %u of %u)", text, shown, len);
	else
		snprintf(w->text, sizeof w->text, "%s", text);
	w->st = S_HEADER;
	w->table = tb;
}

static void heading(rows *r, const char *text)
{
	heading_of(r, text, -1, 0, 0);
}

/* Rows per section: as many as the view's height holds with every section
 * on it (fixed: the lines that are not section rows), at least MIN_ROWS
 * each (then the view scrolls), never more than a section has. */
static void plan_sections(const app *a, int fixed, const uint32_t *len, int n,
                          uint32_t *lim)
{
	int avail = a->h - 2 - fixed;
	uint32_t level = MIN_ROWS;
	for (;;) {
		long need = 0;
		bool more = false;
		for (int i = 0; i < n; i++) {
			need += len[i] < level + 1 ? len[i] : level + 1;
			more |= len[i] > level;
		}
		if (!more || need > avail)
			break;
		level++;
	}
	long used = 0;
	for (int i = 0; i < n; i++) {
		lim[i] = len[i] < level ? len[i] : level;
		used += lim[i];
	}
	/* what the level leaves goes to the first sections that have more */
	for (int i = 0; i < n && used < avail; i++)
		if (len[i] > lim[i]) {
			lim[i]++;
			used++;
		}
	/* rather than "top N of N+1", the last row, where it fits */
	for (int i = 0; i < n && used < avail; i++)
		if (len[i] == lim[i] + 1) {
			lim[i] = len[i];
			used++;
		}
}

static void bar_text(app *a, char *buf, size_t cap, double frac, int width)
{
	size_t o = 0;
	int n = (int)(frac * width + 0.5);
	for (int i = 0; i < width && o + 4 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s",
		                      i < n ? (a->ascii ? "#" : "\xe2\x96\x88") : " ");
}

/* The crates with a function of this name (a diff's: on either side):
 * Codegen merged over all CGUs adds them up in one row. */
uint32_t tui_summary_fn_crates(const app *a, uint32_t name)
{
	uint32_t n = 0;
	if (a->diff) {
		const st_diff_rows *rs = &a->diff->tables[ST_DT_FUNCTIONS];
		for (uint32_t i = 0; i < rs->len; i++)
			n += rs->v[i].name == name;
	} else {
		for (uint32_t i = 0; i < a->m->functions.len; i++)
			n += a->m->functions.v[i].name == name;
	}
	return n;
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

/* A crate's codegen units: how many, the largest and the median self time
 * (m->cgus is sorted by self time, largest first).  Of an even count the
 * median is the mean of the middle two: with the larger one, a crate of
 * two CGUs always showed 1.0x, however uneven. */
static uint32_t crate_cgus(const st_model *m, uint32_t crate, int64_t *max, int64_t *median)
{
	uint32_t n = 0, k = 0;
	for (uint32_t i = 0; i < m->cgus.len; i++)
		n += m->cgus.v[i].crate == crate;
	int64_t hi = 0;
	for (uint32_t i = 0; i < m->cgus.len; i++) {
		if (m->cgus.v[i].crate != crate)
			continue;
		int64_t v = m->cgus.v[i].self_ns;
		if (k == 0)
			*max = v;
		if (k == (n - 1) / 2)
			*median = hi = v;
		if (n % 2 == 0 && k == n / 2)   /* halves first: no overflow */
			*median = hi / 2 + v / 2 + (hi % 2 + v % 2) / 2;
		k++;
	}
	return n;
}

/* The crates whose profile shows fat LTO, which links every CGU into one
 * module before optimising it: that module then holds the crate's LLVM
 * time, and its largest CGU over the median says nothing of partitioning.
 * Into out (cap entries); returns how many. */
static uint32_t fat_lto_crates(const st_model *m, uint32_t *out, uint32_t cap)
{
	static const char *const labels[] = { "LLVM_fatlto", "LLVM_fat_lto_build_monolithic_module" };
	uint32_t ids[2], n = 0;
	for (size_t k = 0; k < 2; k++)
		ids[k] = st_lookup(m->strs, labels[k], strlen(labels[k]));
	if (ids[0] == ST_NOSTR && ids[1] == ST_NOSTR)
		return 0;   /* no profile has any: no walk */
	const st_tree *t = &m->stack;
	for (uint32_t id = 1; id < t->len; id++) {
		if (t->nodes[id].name != ids[0] && t->nodes[id].name != ids[1])
			continue;
		uint32_t c = id;
		while (t->nodes[c].parent != 0)
			c = t->nodes[c].parent;
		uint32_t j = 0;
		while (j < n && out[j] != t->nodes[c].name)
			j++;
		if (j == n && n < cap)
			out[n++] = t->nodes[c].name;
	}
	return n;
}

static bool in_list(const uint32_t *v, uint32_t n, uint32_t x)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static void imbalance(char *buf, size_t cap, int64_t max, int64_t median)
{
	snprintf(buf, cap, "%.1fx", median > 0 ? (double)max / (double)median : 0.0);
}

/* CGU imbalance is a crate's own: its largest CGU over its median one (a
 * build's CGUs of different crates never compete for one crate's jobs). */
static void cgu_section(app *a, rows *r, uint32_t top)
{
	const st_model *m = a->m;
	if (!m->cgus.len)
		return;
	uint32_t *crates = st_xreallocarray(NULL, m->cgus.len, sizeof *crates), nc = 0;
	for (uint32_t i = 0; i < m->cgus.len; i++) {   /* by their largest CGU */
		uint32_t c = m->cgus.v[i].crate, j = 0;
		while (j < nc && crates[j] != c)
			j++;
		if (j == nc)
			crates[nc++] = c;
	}
	char h[512], mx[32], md[32], im[32];
	int64_t max = 0, median = 0;
	uint32_t fat[64], nfat = fat_lto_crates(m, fat, 64);
	if (nc == 1) {
		uint32_t n = crate_cgus(m, crates[0], &max, &median);
		st_fmt_ns(mx, sizeof mx, max, a->ascii);
		st_fmt_ns(md, sizeof md, median, a->ascii);
		imbalance(im, sizeof im, max, median);
		if (in_list(fat, nfat, crates[0]))
			snprintf(h, sizeof h, "Codegen units (%u; fat LTO merged them into one "
			         "module, largest %s; %% of cpu)", n, mx);
		else
			snprintf(h, sizeof h, "Codegen units (%u; largest %s, median %s, "
			         "imbalance %s; %% of cpu)", n, mx, md, im);
		heading_of(r, h, TB_CGUS, top, m->cgus.len);
	} else {
		snprintf(h, sizeof h, "Codegen units (%u in %u crates; %% of cpu)", m->cgus.len, nc);
		heading_of(r, h, TB_CGUS, top, m->cgus.len);
		/* the crates with the most CGU time, each against itself */
		size_t o = 0, of = 0;
		char fats[256] = "";
		o = (size_t)snprintf(h, sizeof h, "  largest / median CGU per crate:");
		int shown = 0;
		for (uint32_t j = 0; j < nc; j++) {
			if (in_list(fat, nfat, crates[j])) {
				if (of + 2 < sizeof fats)
					of += (size_t)snprintf(fats + of, sizeof fats - of, "%s%s",
					                       of ? ", " : "", st_str(m->strs, crates[j]));
				continue;
			}
			if (crate_cgus(m, crates[j], &max, &median) < 2 || shown == 5 ||
			    o + 2 >= sizeof h)
				continue;
			imbalance(im, sizeof im, max, median);
			o += (size_t)snprintf(h + o, sizeof h - o, "%s %s %s", shown ? "," : "",
			                      st_str(m->strs, crates[j]), im);
			shown++;
		}
		row *w;
		if (shown) {
			w = add(r);
			w->st = S_DIM;
			snprintf(w->text, sizeof w->text, "%s", h);
		}
		if (of) {
			w = add(r);
			w->st = S_DIM;
			snprintf(w->text, sizeof w->text, "  fat LTO merged each crate's CGUs "
			         "into one module: %s", fats);
		}
	}
	free(crates);
	for (uint32_t i = 0; i < m->cgus.len && i < top; i++) {
		const st_cgu_stat *c = &m->cgus.v[i];
		char name[512];
		snprintf(name, sizeof name, "%s / %s", st_str(m->strs, c->crate),
		         st_str(m->strs, c->cgu));
		row *w = item(a, r, c->self_ns, (double)m->cpu_ns, "", name);
		w->view = V_CODEGEN; w->tree = &m->codegen; w->name_id = c->cgu; w->kind = ST_K_CGU;
		w->crate = c->crate; w->fig = c->self_ns;
		w->table = TB_CGUS; w->item = i;
	}
}

/* The one-line build header, then (with several) the crates by wall time. */
static void crate_section(app *a, rows *r, uint32_t top)
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
	heading_of(r, "Crates by wall time (cpu beside it; % of the summed wall)", TB_CRATES, top,
	           m->crates.len);
	for (uint32_t i = 0; i < m->crates.len && i < top; i++) {
		const st_crate_stat *c = &m->crates.v[i];
		char extra[48];
		st_fmt_ns(cpu, sizeof cpu, (int64_t)c->cpu_ns, a->ascii);
		snprintf(extra, sizeof extra, "cpu %-8s ", cpu);
		row *w = item(a, r, (int64_t)c->wall_ns, (double)t.wall_ns, extra,
		              st_str(m->strs, c->display));
		/* its wall time is no tree row's (the stack tree sums threads) */
		w->table = TB_CRATES; w->item = i;
	}
}

static void diff_rows(app *a, rows *r);
static void plain_rows(app *a, rows *r, const uint32_t *lim);

/* The rows of six sections of len[] rows made by make, as many of each as
 * the screen holds: the lines that are not section rows (headings, blank
 * lines, notes) are counted by making the rows with none first. */
static void planned(app *a, rows *r, const uint32_t *len,
                    void (*make)(app *a, rows *r, const uint32_t *lim))
{
	uint32_t lim[6] = { 0 };
	rows dry = { 0 };
	make(a, &dry, lim);
	free(dry.v);
	plan_sections(a, dry.n, len, 6, lim);
	make(a, r, lim);
}

void tui_summary_rows(app *a, rows *r)
{
	const st_model *m = a->m;
	if (a->diff) {
		diff_rows(a, r);
		return;
	}
	/* the sections: crates (with several), passes, CGUs, functions,
	 * async fns, activities */
	uint32_t len[6] = { m->crates.len > 1 ? m->crates.len : 0, m->passes.len,
	                    m->cgus.len, m->functions.len, m->async_fns.len,
	                    m->labels.len };
	planned(a, r, len, plain_rows);
}

static void plain_rows(app *a, rows *r, const uint32_t *lim)
{
	const st_model *m = a->m;
	char h[256], t[32];
	crate_section(a, r, lim[0]);
	st_fmt_ns(t, sizeof t, (int64_t)m->llvm_self_ns, a->ascii);
	snprintf(h, sizeof h, "Which LLVM pass dominates (self time; %% of all LLVM time, %s)", t);
	heading_of(r, h, TB_PASSES, lim[1], m->passes.len);
	if (!m->passes.len) {
		row *w = add(r);
		w->st = S_DIM;
		snprintf(w->text, sizeof w->text, "  no LLVM Pass events: profile with "
		         "-Z self-profile-events=default,llvm");
	}
	for (uint32_t i = 0; i < m->passes.len && i < lim[1]; i++) {
		row *w = item(a, r, m->passes.v[i].self_ns, (double)m->llvm_self_ns, "",
		              st_str(m->strs, m->passes.v[i].pass));
		w->view = V_CODEGEN; w->tree = &m->codegen; w->merged = true;
		w->name_id = m->passes.v[i].pass; w->kind = ST_K_PASS;
		w->self = true; w->fig = m->passes.v[i].self_ns;
		w->table = TB_PASSES; w->item = i;
	}
	cgu_section(a, r, lim[2]);
	heading_of(r, "Functions by LLVM time (% of all LLVM time)", TB_FUNCTIONS, lim[3],
	           m->functions.len);
	for (uint32_t i = 0; i < m->functions.len && i < lim[3]; i++) {
		const st_fn_stat *f = &m->functions.v[i];
		char kind[24];
		snprintf(kind, sizeof kind, "%-13s ", st_kind_name((st_kind)f->kind));
		row *w = item(a, r, f->llvm_ns, (double)m->llvm_self_ns, kind,
		              st_str(m->strs, f->name));
		w->view = V_CODEGEN; w->tree = &m->pivot; w->merged = true; w->name_id = f->name;
		w->fig = f->llvm_ns;
		w->table = TB_FUNCTIONS; w->item = i;
		w->crates = tui_summary_fn_crates(a, f->name);
		if (f->kind == ST_K_ASYNC_FN || f->kind == ST_K_ASYNC_BLOCK ||
		    f->kind == ST_K_ASYNC_CLOSURE)
			w->st = S_ASYNC;
	}
	snprintf(h, sizeof h, "%s, %% of all LLVM time", st_report_async_heading(m));
	heading_of(r, h, TB_ASYNC, lim[4], m->async_fns.len);
	for (uint32_t i = 0; i < m->async_fns.len && i < lim[4]; i++) {
		const st_async_stat *s = &m->async_fns.v[i];
		char extra[32];
		snprintf(extra, sizeof extra, "%3u fns %c", s->members, s->exact ? ' ' : '~');
		row *w = item(a, r, s->llvm_ns, (double)m->llvm_self_ns, extra,
		              st_str(m->strs, s->name));
		w->st = S_ASYNC;
		w->table = TB_ASYNC;   /* Enter lists its members */
		w->item = i;
	}
	heading_of(r, "rustc activities and queries (self time; % of cpu)", TB_LABELS, lim[5],
	           m->labels.len);
	for (uint32_t i = 0; i < m->labels.len && i < lim[5]; i++) {
		row *w = item(a, r, m->labels.v[i].self_ns, (double)m->cpu_ns, "",
		              st_str(m->strs, m->labels.v[i].label));
		/* summed over every place it ran: no tree row has it */
		w->table = TB_LABELS; w->item = i;
	}
}

/* ---- diff mode: what changed ---------------------------------------------- */

/* A heading that titles the name column, the figures' columns above them. */
static void diff_heading(rows *r, const char *title, int tb, uint32_t shown, uint32_t len)
{
	char h[512];
	snprintf(h, sizeof h, "  %10s %10s %10s %8s  %s", "base", "new", "delta", "vs base", title);
	heading_of(r, h, tb, shown, len);
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

static bool diff_shown(const app *a, const st_diff_row *x)
{
	int64_t dl = st_diff_delta(x, 0);
	return (dl < 0 ? -dl : dl) >= a->min_delta;
}

static uint32_t diff_count(const app *a, st_diff_table t)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < a->diff->tables[t].len; i++)
		n += diff_shown(a, &a->diff->tables[t].v[i]);
	return n;
}

static const int diff_tb[ST_DT_COUNT] = {
	[ST_DT_LABELS] = TB_LABELS, [ST_DT_PASSES] = TB_PASSES, [ST_DT_CGUS] = TB_CGUS,
	[ST_DT_FUNCTIONS] = TB_FUNCTIONS, [ST_DT_ASYNC] = TB_ASYNC, [ST_DT_CRATES] = TB_CRATES,
};

/* One paired table, largest change first (diff.c sorted it by |delta| of
 * figure 0), cut at the H threshold, its top rows. */
static void diff_section(app *a, rows *r, st_diff_table t, const char *title, uint32_t top)
{
	const st_diff *d = a->diff;
	const st_model *m = a->m;
	const st_diff_rows *rs = &d->tables[t];
	uint32_t count = diff_count(a, t);
	diff_heading(r, title, diff_tb[t], top, count);
	if (t == ST_DT_CGUS && (d->cgus_new || d->cgus_gone)) {
		row *w = add(r);
		w->st = S_DIM;
		snprintf(w->text, sizeof w->text, "  codegen units are paired by name and the "
		         "partitioning changed (%u new, %u gone): the pairing is approximate",
		         d->cgus_new, d->cgus_gone);
	}
	uint32_t shown = 0;
	for (uint32_t i = 0; i < rs->len && shown < top; i++) {
		const st_diff_row *x = &rs->v[i];
		if (!diff_shown(a, x))
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
		w->fig = x->new[0];
		w->bfig = x->base[0];
		w->table = diff_tb[t];
		w->item = i;
		switch (t) {
		case ST_DT_PASSES:
			w->view = V_CODEGEN; w->tree = &m->codegen; w->merged = true; w->kind = ST_K_PASS;
			w->self = true;
			break;
		case ST_DT_CGUS:
			w->view = V_CODEGEN; w->tree = &m->codegen; w->kind = ST_K_CGU;
			w->crate = x->crate;
			break;
		case ST_DT_FUNCTIONS:
			w->view = V_CODEGEN; w->tree = &m->pivot; w->merged = true;
			w->crates = tui_summary_fn_crates(a, x->name);
			if (x->kind == ST_K_ASYNC_FN || x->kind == ST_K_ASYNC_BLOCK ||
			    x->kind == ST_K_ASYNC_CLOSURE)
				w->st = S_ASYNC;
			break;
		case ST_DT_ASYNC:   /* Enter lists its members */
			w->st = S_ASYNC;
			break;
		default: break;   /* crates and activities: their rows in Tables */
		}
	}
	if (!count) {   /* not !shown: the plan's dry run shows none */
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

static const st_diff_table diff_order[6] = { ST_DT_CRATES, ST_DT_PASSES, ST_DT_CGUS,
	ST_DT_FUNCTIONS, ST_DT_ASYNC, ST_DT_LABELS };

static void diff_sections(app *a, rows *r, const uint32_t *lim);

/* The Summary of a diff opens on what changed: the build's totals before
 * and after, then every paired table by the size of its changes. */
static void diff_rows(app *a, rows *r)
{
	bool crates = a->diff->tables[ST_DT_CRATES].len > 1;
	uint32_t len[6];
	for (int i = 0; i < 6; i++)
		len[i] = i == 0 && !crates ? 0 : diff_count(a, diff_order[i]);
	planned(a, r, len, diff_sections);
}

static void diff_sections(app *a, rows *r, const uint32_t *lim)
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
	diff_heading(r, "the build", TB_CRATES, 0, 0);
	diff_item(a, r, (int64_t)b.wall_ns, (int64_t)n.wall_ns, "", "wall (summed over runs)");
	diff_item(a, r, (int64_t)b.cpu_ns, (int64_t)n.cpu_ns, "", "cpu");
	diff_item(a, r, (int64_t)b.llvm_ns, (int64_t)n.llvm_ns, "", "LLVM (pass self time)");
	diff_item(a, r, b.overhead_ns, n.overhead_ns, "", "profiler overhead");
	const st_build_timings *bt = &d->base->timings, *nt = &d->m->timings;
	if (bt->path != ST_NIL && nt->path != ST_NIL) {   /* cargo's, both sides */
		diff_item(a, r, (int64_t)bt->wall_ns, (int64_t)nt->wall_ns, "",
		          "cargo's wall time (5: Build)");
		diff_item(a, r, (int64_t)bt->critical_path_ns, (int64_t)nt->critical_path_ns,
		          "", "cargo's critical path");
	}
	static const char *const titles[6] = { "Crates by change of wall time",
		"LLVM passes by change of self time", "Codegen units by change of self time",
		"Functions by change of LLVM time", "Async fns by change of LLVM time",
		"rustc activities and queries by change of self time" };
	bool crates = d->tables[ST_DT_CRATES].len > 1;
	for (int i = crates ? 0 : 1; i < 6; i++)
		diff_section(a, r, diff_order[i], titles[i], lim[i]);
}
