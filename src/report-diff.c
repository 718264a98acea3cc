/* report-diff.c: the comparison of two builds as text tables and JSON.
 * Every table lists base, new, the change with its sign and the change
 * relative to base; rows come sorted by the size of the change (diff.c).
 * Names are sanitised in text, as in report.c. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/diff.h"
#include "stalactite/fmt.h"
#include "stalactite/report.h"
#include "report-json.h"
#include "stalactite/xalloc.h"

typedef struct out {
	FILE *f;
	const st_diff *d;
	const st_report_opts *o;
	st_fmt_scratch sc;   /* sanitised names */
} out;

static const char *sanitized(out *w, const char *s, size_t len)
{
	return st_fmt_sanitized(&w->sc, s, len);
}

static const char *name_of(out *w, uint32_t id)
{
	const st_strtab *s = w->d->m->strs;
	return sanitized(w, st_str(s, id), st_strlen(s, id));
}

static bool wanted(out *w, const char *key)
{
	return !w->o->by || strcmp(w->o->by, key) == 0;
}

/* Rows whose change of the first figure is at least --min-delta. */
static bool shown(const out *w, const st_diff_row *r)
{
	int64_t d = st_diff_delta(r, 0);
	return (d < 0 ? -d : d) >= w->o->min_delta;
}

/* ---- text --------------------------------------------------------------------- */

typedef enum { F_NS, F_COUNT } fig_kind;

static void fig(out *w, fig_kind k, int64_t v)
{
	char s[32];
	if (k == F_NS)
		st_fmt_ns_col(s, sizeof s, v, false, 9);
	else
		snprintf(s, sizeof s, "%9lld", (long long)v);
	fprintf(w->f, " %s", s);
}

static void delta(out *w, fig_kind k, int64_t base, int64_t new)
{
	char s[32], p[16];
	if (k == F_NS)
		st_fmt_delta_ns(s, sizeof s, new - base, false);
	else
		st_fmt_delta_count(s, sizeof s, new - base);
	st_fmt_delta_pct(p, sizeof p, base, new);
	/* st_fmt_ns may hold "µ": two bytes, one column */
	int cols = 0;
	for (const char *c = s; *c; c++)
		cols += ((unsigned char)*c & 0xc0) != 0x80;
	fprintf(w->f, " %*s%s %8s", cols < 10 ? 10 - cols : 0, "", s, p);
}

static const char *mark(const st_diff_row *r)
{
	return r->status == ST_DIFF_NEW ? "[new] " : r->status == ST_DIFF_GONE ? "[gone] " : "";
}

/* A unit's place on the critical path, base to new. */
static const char *critical_change(const st_diff_row *r)
{
	bool b = r->base[2] > 0, n = r->new[2] > 0;
	if (r->status != ST_DIFF_BOTH)   /* a unit of one side only */
		return n ? "on" : b ? "was on" : "";
	return b && n ? "on" : n ? "joined" : b ? "left" : "";
}

static bool has_timings(const st_model *m)
{
	return m->timings.path != ST_NIL;
}

typedef struct table_spec {
	st_diff_table t;
	const char *key, *title, *what;
	fig_kind k;
} table_spec;

static void text_table(out *w, const table_spec *s)
{
	const st_diff_rows *rows = &w->d->tables[s->t];
	uint32_t n = 0, total = 0;
	for (uint32_t i = 0; i < rows->len; i++)
		total += shown(w, &rows->v[i]);
	uint32_t limit = w->o->top && w->o->top < total ? w->o->top : total;
	if (limit < total)
		fprintf(w->f, "\n%s (top %u of %u)\n", s->title, limit, total);
	else
		fprintf(w->f, "\n%s\n", s->title);
	fprintf(w->f, "  %9s %9s %10s %8s  %s%s\n", "base", "new", "delta", "%",
	        s->t == ST_DT_FUNCTIONS ? "kind           " :
	        s->t == ST_DT_CRATES ? "kind          " :
	        s->t == ST_DT_UNITS ? "kind              critical  " : "", s->what);
	for (uint32_t i = 0; i < rows->len && n < limit; i++) {
		const st_diff_row *r = &rows->v[i];
		if (!shown(w, r))
			continue;
		n++;
		fputc(' ', w->f);
		fig(w, s->k, r->base[0]);
		fig(w, s->k, r->new[0]);
		delta(w, s->k, r->base[0], r->new[0]);
		fputs("  ", w->f);
		if (s->t == ST_DT_FUNCTIONS)
			fprintf(w->f, "%-13s  ", st_kind_name((st_kind)r->kind));
		else if (s->t == ST_DT_CRATES)
			fprintf(w->f, "%-12s  ", st_crate_kind_name((st_crate_kind)r->kind));
		else if (s->t == ST_DT_UNITS)
			fprintf(w->f, "%-16s  %-8s  ", st_unit_kind_name((st_unit_kind)r->kind),
			        critical_change(r));
		fputs(mark(r), w->f);
		if (s->t == ST_DT_CGUS || s->t == ST_DT_FUNCTIONS || s->t == ST_DT_GENERICS)
			fprintf(w->f, "%s / ", name_of(w, r->crate));
		fprintf(w->f, "%s", name_of(w, r->name));
		if (s->t == ST_DT_UNITS)
			fprintf(w->f, " %s", name_of(w, r->version));
		if (s->t == ST_DT_UNITS && r->crate != ST_NOSTR)
			fprintf(w->f, " (%s)", name_of(w, r->crate));
		fputc('\n', w->f);
	}
}

static void text_sources(out *w, const char *side, const st_model *m)
{
	fprintf(w->f, "\n%s sources\n", side);
	for (uint32_t i = 0; i < m->sources.len; i++) {
		const st_source *s = &m->sources.v[i];
		fprintf(w->f, "  %-16s %10llu events  ", st_str(m->strs, s->format),
		        (unsigned long long)s->events);
		/* each side's own string table */
		fprintf(w->f, "%s", sanitized(w, st_str(m->strs, s->crate),
		                              st_strlen(m->strs, s->crate)));
		fprintf(w->f, "  %s\n", sanitized(w, st_str(m->strs, s->path),
		                                  st_strlen(m->strs, s->path)));
	}
}

static void text_total(out *w, const char *what, int64_t base, int64_t new)
{
	char b[32], n[32], d[32], p[16];
	st_fmt_ns(b, sizeof b, base, false);
	st_fmt_ns(n, sizeof n, new, false);
	st_fmt_delta_ns(d, sizeof d, new - base, false);
	st_fmt_delta_pct(p, sizeof p, base, new);
	fprintf(w->f, "  %-9s %s -> %s (%s, %s)\n", what, b, n, d, p);
}

static void text_match(out *w)
{
	const st_match_report *b = w->o->match_base, *n = w->o->match;
	char t[32];
	const char *pat = st_match_pattern(n);
	fprintf(w->f, "\nMatches for /%s/\n", sanitized(w, pat, strlen(pat)));
	fprintf(w->f, "  events    %llu -> %llu (", (unsigned long long)st_match_count(b),
	        (unsigned long long)st_match_count(n));
	st_fmt_delta_count(t, sizeof t, (int64_t)st_match_count(n) - (int64_t)st_match_count(b));
	fprintf(w->f, "%s)\n", t);
	text_total(w, "total", (int64_t)st_match_total_ns(b), (int64_t)st_match_total_ns(n));
	text_total(w, "self", st_match_self_ns(b), st_match_self_ns(n));
}

static const table_spec specs[] = {
	{ ST_DT_CRATES, "crate", "Crates by change of wall time", "crate", F_NS },
	{ ST_DT_PASSES, "pass", "LLVM passes by change of self time", "pass", F_NS },
	{ ST_DT_CGUS, "cgu", "Codegen units by change of self time", "crate / codegen unit", F_NS },
	{ ST_DT_FUNCTIONS, "function", "Functions by change of LLVM time", "crate / function", F_NS },
	{ ST_DT_GENERICS, "generic", "Generic functions by change of LLVM time "
	  "(instances summed)", "crate / generic function", F_NS },
	{ ST_DT_ASYNC, "async", "Async fns by change of LLVM time", "async fn", F_NS },
	{ ST_DT_LABELS, "label", "Activities and queries by change of self time", "label", F_NS },
};

static const table_spec units_spec = {
	ST_DT_UNITS, "unit", "Cargo units by change of duration", "unit", F_NS
};

static void write_text(out *w)
{
	const st_diff *d = w->d;
	st_build_totals b = st_model_totals(d->base), n = st_model_totals(d->m);
	fprintf(w->f, "stalactite diff: base %u profile%s, %u crate%s; new %u profile%s, "
	        "%u crate%s\n", b.profiles, b.profiles == 1 ? "" : "s", b.crates,
	        b.crates == 1 ? "" : "s", n.profiles, n.profiles == 1 ? "" : "s",
	        n.crates, n.crates == 1 ? "" : "s");
	bool tb = has_timings(d->base), tn = has_timings(d->m);
	bool profiles = d->base->sources.len || d->m->sources.len;
	if (profiles || (!tb && !tn)) {   /* cargo's timings alone: no zeros */
		text_total(w, "wall", (int64_t)b.wall_ns, (int64_t)n.wall_ns);
		text_total(w, "cpu", (int64_t)b.cpu_ns, (int64_t)n.cpu_ns);
		text_total(w, "LLVM", (int64_t)b.llvm_ns, (int64_t)n.llvm_ns);
		text_total(w, "overhead", b.overhead_ns, n.overhead_ns);
	}
	if (tb && tn) {
		text_total(w, "cargo", (int64_t)d->base->timings.wall_ns,
		           (int64_t)d->m->timings.wall_ns);
		text_total(w, "critical", (int64_t)d->base->timings.critical_path_ns,
		           (int64_t)d->m->timings.critical_path_ns);
	} else if (tb || tn) {
		fprintf(w->f, "Cargo timings: only the %s build has them; its units "
		        "are listed as %s.\n", tb ? "base" : "new", tb ? "gone" : "new");
	}
	if (d->cgus_new || d->cgus_gone)
		fprintf(w->f, "Codegen units are paired by name; the partitioning changed "
		        "(%u new, %u gone), so their pairing is approximate.\n",
		        d->cgus_new, d->cgus_gone);
	if (wanted(w, "unit")) {
		if (tb || tn)
			text_table(w, &units_spec);
		else if (w->o->by)   /* asked for: say why there is nothing */
			fprintf(w->f, "\n%s\n  (no cargo timings loaded on either side: "
			        "cargo build --timings writes target/cargo-timings/)\n",
			        units_spec.title);
	}
	if (!profiles && (tb || tn))
		return;   /* cargo's timings alone: no profile tables to show */
	if (wanted(w, "source")) {
		text_sources(w, "Base", d->base);
		text_sources(w, "New", d->m);
	}
	for (size_t i = 0; i < sizeof specs / sizeof *specs; i++)
		if (wanted(w, specs[i].key))
			text_table(w, &specs[i]);
	if (w->o->match && w->o->match_base)
		text_match(w);
}

/* ---- JSON ------------------------------------------------------------------- */

static void num(cJSON *o, const char *k, int64_t v)
{
	cJSON_AddNumberToObject(o, k, (double)v);
}

static void str(out *w, cJSON *o, const char *k, uint32_t id)
{
	cJSON_AddStringToObject(o, k, st_str(w->d->m->strs, id));
}

static cJSON *array(cJSON *o, const char *k)
{
	cJSON *a = cJSON_CreateArray();
	cJSON_AddItemToObject(o, k, a);
	return a;
}

static void sources(cJSON *root, const char *k, const st_model *m)
{
	cJSON *side = cJSON_CreateObject(), *a = array(side, "sources");
	cJSON_AddItemToObject(root, k, side);
	for (uint32_t i = 0; i < m->sources.len; i++) {
		const st_source *s = &m->sources.v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(a, o);
		cJSON_AddStringToObject(o, "path", st_str(m->strs, s->path));
		cJSON_AddStringToObject(o, "format", st_str(m->strs, s->format));
		cJSON_AddStringToObject(o, "crate", st_str(m->strs, s->crate_name));
		cJSON_AddStringToObject(o, "kind", st_crate_kind_name((st_crate_kind)s->crate_kind));
		num(o, "events", (int64_t)s->events);
		num(o, "wall_ns", (int64_t)s->wall_ns);
		num(o, "cpu_ns", (int64_t)s->cpu_ns);
	}
}

/* Field names per table and figure slot, "" for slots not reported. */
static const struct {
	const char *array, *name;
	const char *figs[ST_DIFF_FIGS];
} json_specs[ST_DT_COUNT] = {
	[ST_DT_LABELS] = { "labels", "label", { "self_ns", "total_ns", "count", "cache_hits" } },
	[ST_DT_PASSES] = { "passes", "pass", { "self_ns", "count", "", "" } },
	[ST_DT_CGUS] = { "cgus", "cgu", { "self_ns", "total_ns", "", "" } },
	[ST_DT_FUNCTIONS] = { "functions", "name", { "llvm_ns", "", "", "" } },
	[ST_DT_ASYNC] = { "async_fns", "name", { "llvm_ns", "members", "", "" } },
	[ST_DT_CRATES] = { "crates", "display", { "wall_ns", "cpu_ns", "llvm_ns", "overhead_ns" } },
	[ST_DT_GENERICS] = { "generics", "name", { "llvm_ns", "instances", "", "" } },
	[ST_DT_UNITS] = { "units", "name", { "duration_ns", "start_ns", "", "codegen_ns" } },
};

static void json_table(out *w, cJSON *diff, st_diff_table t)
{
	cJSON *a = array(diff, json_specs[t].array);
	const st_diff_rows *rows = &w->d->tables[t];
	uint32_t n = 0;
	for (uint32_t i = 0; i < rows->len; i++) {
		const st_diff_row *r = &rows->v[i];
		if (!shown(w, r) || (w->o->top && n == w->o->top))
			continue;
		n++;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(a, o);
		if (t == ST_DT_CGUS || t == ST_DT_FUNCTIONS || t == ST_DT_CRATES ||
		    t == ST_DT_GENERICS)
			str(w, o, "crate", r->crate);
		str(w, o, json_specs[t].name, r->name);
		if (t == ST_DT_FUNCTIONS)
			cJSON_AddStringToObject(o, "kind", st_kind_name((st_kind)r->kind));
		if (t == ST_DT_CRATES)
			cJSON_AddStringToObject(o, "kind", st_crate_kind_name((st_crate_kind)r->kind));
		if (t == ST_DT_UNITS) {
			str(w, o, "version", r->version);
			cJSON_AddStringToObject(o, "kind", st_unit_kind_name((st_unit_kind)r->kind));
			if (r->crate != ST_NOSTR)
				str(w, o, "target", r->crate);
			else
				cJSON_AddNullToObject(o, "target");
			cJSON_AddBoolToObject(o, "base_critical", r->base[2] > 0);
			cJSON_AddBoolToObject(o, "new_critical", r->new[2] > 0);
		}
		for (int f = 0; f < ST_DIFF_FIGS; f++) {
			const char *fn = json_specs[t].figs[f];
			if (!*fn)
				continue;
			char k[48];
			snprintf(k, sizeof k, "base_%s", fn);
			num(o, k, r->base[f]);
			snprintf(k, sizeof k, "new_%s", fn);
			num(o, k, r->new[f]);
		}
		cJSON_AddStringToObject(o, "status", st_diff_status_name((st_diff_status)r->status));
	}
}

static void json_match(cJSON *root, out *w)
{
	const st_match_report *b = w->o->match_base, *n = w->o->match;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "match", o);
	cJSON_AddStringToObject(o, "pattern", st_match_pattern(n));
	num(o, "base_count", (int64_t)st_match_count(b));
	num(o, "new_count", (int64_t)st_match_count(n));
	num(o, "base_self_ns", st_match_self_ns(b));
	num(o, "new_self_ns", st_match_self_ns(n));
	num(o, "base_total_ns", (int64_t)st_match_total_ns(b));
	num(o, "new_total_ns", (int64_t)st_match_total_ns(n));
}

static int write_json(out *w)
{
	const st_diff *d = w->d;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "generator", PACKAGE_STRING);
	sources(root, "base", d->base);
	sources(root, "new", d->m);
	cJSON *diff = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "diff", diff);
	st_build_totals b = st_model_totals(d->base), n = st_model_totals(d->m);
	cJSON *build = cJSON_CreateObject();
	cJSON_AddItemToObject(diff, "build", build);
	num(build, "base_wall_ns", (int64_t)b.wall_ns);
	num(build, "new_wall_ns", (int64_t)n.wall_ns);
	num(build, "base_cpu_ns", (int64_t)b.cpu_ns);
	num(build, "new_cpu_ns", (int64_t)n.cpu_ns);
	num(build, "base_llvm_ns", (int64_t)b.llvm_ns);
	num(build, "new_llvm_ns", (int64_t)n.llvm_ns);
	num(build, "base_overhead_ns", b.overhead_ns);
	num(build, "new_overhead_ns", n.overhead_ns);
	/* cargo's figures of the build, where that side has timings */
	const st_model *side[2] = { d->base, d->m };
	static const char *const pre[2] = { "base", "new" };
	for (int i = 0; i < 2; i++) {
		if (!has_timings(side[i]))
			continue;
		char k[48];
		snprintf(k, sizeof k, "%s_cargo_wall_ns", pre[i]);
		num(build, k, (int64_t)side[i]->timings.wall_ns);
		snprintf(k, sizeof k, "%s_critical_path_ns", pre[i]);
		num(build, k, (int64_t)side[i]->timings.critical_path_ns);
		snprintf(k, sizeof k, "%s_units", pre[i]);
		num(build, k, side[i]->timings.units.len);
	}
	cJSON_AddBoolToObject(diff, "cgus_approximate", d->cgus_new || d->cgus_gone);
	for (int t = 0; t < ST_DT_COUNT; t++)
		json_table(w, diff, (st_diff_table)t);
	if (w->o->match && w->o->match_base)
		json_match(root, w);
	return st_report_json_emit(w->f, root);
}

int st_report_diff_write(FILE *f, const st_diff *d, const st_report_opts *o)
{
	st_report_opts text = *o;   /* as st_report_write: 20 rows unless told */
	if (!text.top && !text.by)
		text.top = 20;
	out w = { .f = f, .d = d, .o = o->format == ST_REPORT_JSON ? o : &text };
	int rc = 0;
	if (o->format == ST_REPORT_JSON)
		rc = write_json(&w);
	else
		write_text(&w);
	free(w.sc.buf);
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	return rc;
}
