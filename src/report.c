/* report.c: ranked text tables and the JSON document (written with cJSON).
 * Every name goes through st_fmt_sanitize in text form, so a hostile name
 * cannot reach the terminal as an escape sequence; JSON escapes by itself. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/report.h"
#include "report-json.h"
#include "stalactite/xalloc.h"

const char *const st_report_keys[] = {
	"source", "label", "pass", "cgu", "function", "generic", "async",
	"crate", "artifact", "unit", NULL,
};

typedef struct out {
	FILE *f;
	const st_model *m;
	const st_report_opts *o;
	unsigned top;
	st_fmt_scratch sc;   /* sanitised names */
} out;

static const char *sanitized(out *w, const char *s, size_t len)
{
	return st_fmt_sanitized(&w->sc, s, len);
}

static const char *name_of(out *w, uint32_t id)
{
	return sanitized(w, st_str(w->m->strs, id), st_strlen(w->m->strs, id));
}

/* A name cut to at most max bytes (at a character boundary) with "…", for
 * names such as whole query keys that would drown a text table. */
static const char *shortened(out *w, uint32_t id, size_t max)
{
	const char *s = name_of(w, id);
	size_t len = strlen(s);
	if (len <= max)
		return s;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	memcpy(w->sc.buf + max, "\xe2\x80\xa6", 4);
	return w->sc.buf;
}

static uint32_t rows(out *w, uint32_t len)
{
	return w->top && w->top < len ? w->top : len;
}

static bool wanted(out *w, const char *key)
{
	return !w->o->by || strcmp(w->o->by, key) == 0;
}

static void heading(out *w, const char *title, uint32_t shown, uint32_t len)
{
	if (shown < len)
		fprintf(w->f, "\n%s (top %u of %u)\n", title, shown, len);
	else
		fprintf(w->f, "\n%s\n", title);
}

/* ---- text ------------------------------------------------------------------ */

static void text_times(out *w, int64_t a, int64_t b, double whole)
{
	char s1[32], s2[32], p[16];
	st_fmt_ns_col(s1, sizeof s1, a, false, 9);
	st_fmt_ns_col(s2, sizeof s2, b, false, 9);
	st_fmt_pct(p, sizeof p, (double)a, whole);
	fprintf(w->f, "  %s %s %6s", s1, s2, p);
}

static void text_sources(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->sources.len);
	heading(w, "Sources", n, m->sources.len);
	for (uint32_t i = 0; i < n; i++) {
		const st_source *s = &m->sources.v[i];
		fprintf(w->f, "  %-16s %10llu events  ", st_str(m->strs, s->format),
		        (unsigned long long)s->events);
		fprintf(w->f, "%s", name_of(w, s->crate));
		fprintf(w->f, "  %s\n", name_of(w, s->path));
	}
}

/* The label table's optional columns, after count.  As in summarize, one is
 * shown only when some row (shown or not) has a non-zero value in it. */
enum { LC_HITS, LC_BLOCKED, LC_LOAD, LC_HASH, LC_N };
static const struct { const char *title; int width; } label_cols[LC_N] = {
	{ "cache hits", 10 }, { "blocked", 9 }, { "incr. load", 10 },
	{ "incr. hashing", 13 },
};

static int64_t label_col(const st_label_stat *l, int c)
{
	switch (c) {
	case LC_HITS:    return (int64_t)l->cache_hits;
	case LC_BLOCKED: return (int64_t)l->blocked_ns;
	case LC_LOAD:    return l->incremental_load_ns;
	default:         return l->incremental_hashing_ns;
	}
}

static void text_labels(out *w)
{
	const st_model *m = w->m;
	bool on[LC_N] = { false };
	for (uint32_t i = 0; i < m->labels.len; i++)
		for (int c = 0; c < LC_N; c++)
			on[c] |= label_col(&m->labels.v[i], c) != 0;
	uint32_t n = rows(w, m->labels.len);
	heading(w, "Activities and queries by self time", n, m->labels.len);
	fprintf(w->f, "  %9s %9s %6s %9s", "self", "total", "%cpu", "count");
	for (int c = 0; c < LC_N; c++)
		if (on[c])
			fprintf(w->f, " %*s", label_cols[c].width, label_cols[c].title);
	fprintf(w->f, "  %s\n", "label");
	for (uint32_t i = 0; i < n; i++) {
		const st_label_stat *l = &m->labels.v[i];
		text_times(w, l->self_ns, (int64_t)l->total_ns, (double)m->cpu_ns);
		fprintf(w->f, " %9llu", (unsigned long long)l->count);
		for (int c = 0; c < LC_N; c++) {
			if (!on[c])
				continue;
			char s[32];
			if (c == LC_HITS)
				snprintf(s, sizeof s, "%*llu", label_cols[c].width,
				         (unsigned long long)l->cache_hits);
			else
				st_fmt_ns_col(s, sizeof s, label_col(l, c), false,
				              label_cols[c].width);
			fprintf(w->f, " %s", s);
		}
		fprintf(w->f, "  %s\n", name_of(w, l->label));
	}
}

static void text_artifacts(out *w)
{
	const st_model *m = w->m;
	if (!m->artifacts.len && !w->o->by)
		return;   /* the full report leaves out an empty table */
	uint32_t n = rows(w, m->artifacts.len);
	heading(w, "Artifact sizes", n, m->artifacts.len);
	if (!m->artifacts.len) {
		fprintf(w->f, "  (no ArtifactSize events in the profile)\n");
		return;
	}
	fprintf(w->f, "  %14s  %s\n", "bytes", "artifact");
	for (uint32_t i = 0; i < n; i++)
		fprintf(w->f, "  %14llu  %s\n",
		        (unsigned long long)m->artifacts.v[i].bytes,
		        name_of(w, m->artifacts.v[i].label));
}

static void text_passes(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->passes.len);
	heading(w, "LLVM passes by self time", n, m->passes.len);
	if (!m->passes.len) {
		fprintf(w->f, "  (no LLVM Pass events: profile with "
		        "-Z self-profile-events=default,llvm)\n");
		return;
	}
	fprintf(w->f, "  %9s %6s %9s  %s\n", "self", "%llvm", "count", "pass");
	for (uint32_t i = 0; i < n; i++) {
		const st_pass_stat *p = &m->passes.v[i];
		char s[32], pc[16];
		st_fmt_ns_col(s, sizeof s, p->self_ns, false, 9);
		st_fmt_pct(pc, sizeof pc, (double)p->self_ns, (double)m->llvm_self_ns);
		fprintf(w->f, "  %s %6s %9llu  %s\n", s, pc,
		        (unsigned long long)p->count, name_of(w, p->pass));
	}
}

static void text_cgus(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->cgus.len);
	heading(w, "Codegen units by self time", n, m->cgus.len);
	fprintf(w->f, "  %9s %9s %6s  %s\n", "self", "total", "%cpu", "crate / cgu");
	for (uint32_t i = 0; i < n; i++) {
		const st_cgu_stat *c = &m->cgus.v[i];
		text_times(w, c->self_ns, (int64_t)c->total_ns, (double)m->cpu_ns);
		fprintf(w->f, "  %s", name_of(w, c->crate));
		fprintf(w->f, " / %s\n", name_of(w, c->cgu));
	}
}

static void text_functions(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->functions.len);
	heading(w, "Functions by LLVM time", n, m->functions.len);
	fprintf(w->f, "  %9s %6s %-13s  %s\n", "llvm", "%llvm", "kind", "function");
	for (uint32_t i = 0; i < n; i++) {
		const st_fn_stat *f = &m->functions.v[i];
		char s[32], pc[16];
		st_fmt_ns_col(s, sizeof s, f->llvm_ns, false, 9);
		st_fmt_pct(pc, sizeof pc, (double)f->llvm_ns, (double)m->llvm_self_ns);
		fprintf(w->f, "  %s %6s %-13s  %s\n", s, pc,
		        st_kind_name((st_kind)f->kind), name_of(w, f->name));
	}
}

/* Display columns of a UTF-8 string (a sanitised name). */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void text_generics(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->generics.len);
	heading(w, "Generic functions by LLVM time (instances summed, generic "
	        "arguments erased)", n, m->generics.len);
	size_t cw = strlen("crate");   /* the crate column fits the rows shown */
	for (uint32_t i = 0; i < n; i++) {
		size_t c = columns(name_of(w, m->generics.v[i].crate));
		cw = c > cw ? (c < 32 ? c : 32) : cw;
	}
	fprintf(w->f, "  %9s %6s %9s  %-*s  %s\n", "llvm", "%llvm", "instances",
	        (int)cw, "crate", "generic function");
	for (uint32_t i = 0; i < n; i++) {
		const st_generic_stat *g = &m->generics.v[i];
		char s[32], pc[16];
		st_fmt_ns_col(s, sizeof s, g->llvm_ns, false, 9);
		st_fmt_pct(pc, sizeof pc, (double)g->llvm_ns, (double)m->llvm_self_ns);
		const char *crate = name_of(w, g->crate);
		size_t c = columns(crate);
		fprintf(w->f, "  %s %6s %9u  %s%*s  ", s, pc, g->instances, crate,
		        c < cw ? (int)(cw - c) : 0, "");
		fprintf(w->f, "%s\n", name_of(w, g->name));
	}
}

/* The async table's heading says where its kinds came from. */
const char *st_report_async_heading(const st_model *m)
{
	uint32_t heuristic = 0;
	for (uint32_t i = 0; i < m->async_fns.len; i++)
		heuristic += !m->async_fns.v[i].exact;
	if (!heuristic)
		return "Async fns by LLVM time (from query keys)";
	if (heuristic == m->async_fns.len)
		return "Async fns by LLVM time (heuristic)";
	return "Async fns by LLVM time (from query keys; ~ marks the heuristic)";
}

static void text_async(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->async_fns.len);
	heading(w, st_report_async_heading(m), n, m->async_fns.len);
	fprintf(w->f, "  %9s %6s %7s  %s\n", "llvm", "%llvm", "members", "async fn");
	for (uint32_t i = 0; i < n; i++) {
		const st_async_stat *a = &m->async_fns.v[i];
		char s[32], pc[16];
		st_fmt_ns_col(s, sizeof s, a->llvm_ns, false, 9);
		st_fmt_pct(pc, sizeof pc, (double)a->llvm_ns, (double)m->llvm_self_ns);
		fprintf(w->f, "  %s %6s %7u %c%s\n", s, pc, a->members,
		        a->exact ? ' ' : '~', name_of(w, a->name));
	}
}

static void text_crates(out *w)
{
	const st_model *m = w->m;
	uint32_t n = rows(w, m->crates.len);
	heading(w, "Crates by wall time (each rustc run's first to last event)", n,
	        m->crates.len);
	fprintf(w->f, "  %9s %9s %9s %9s %-12s %7s  %s%s\n", "wall", "cpu", "llvm",
	        "overhead", "kind", "sources",
	        m->timings.path != ST_NIL ? "    cargo  " : "", "crate");
	for (uint32_t i = 0; i < n; i++) {
		const st_crate_stat *c = &m->crates.v[i];
		char wall[32], cpu[32], llvm[32], ov[32];
		st_fmt_ns_col(wall, sizeof wall, (int64_t)c->wall_ns, false, 9);
		st_fmt_ns_col(cpu, sizeof cpu, (int64_t)c->cpu_ns, false, 9);
		st_fmt_ns_col(llvm, sizeof llvm, (int64_t)c->llvm_ns, false, 9);
		st_fmt_ns_col(ov, sizeof ov, c->overhead_ns, false, 9);
		fprintf(w->f, "  %s %s %s %s %-12s %7u  ", wall, cpu, llvm, ov,
		        st_crate_kind_name((st_crate_kind)c->kind), c->sources);
		if (m->timings.path != ST_NIL) {
			char cg[32];
			st_fmt_ns_col(cg, sizeof cg, (int64_t)c->cargo_ns, false, 9);
			fprintf(w->f, "%s %c", c->cargo ? cg : "        -",
			        c->critical ? '*' : ' ');
		}
		fprintf(w->f, "%s\n", name_of(w, c->display));
	}
}

static void ns_col(char *buf, size_t cap, uint64_t v)
{
	if (v == ST_NO_TIME)
		snprintf(buf, cap, "%9s", "-");
	else
		st_fmt_ns_col(buf, cap, (int64_t)v, false, 9);
}

/* cargo's units, by start: the build's timeline as text. */
static void text_units(out *w)
{
	const st_build_timings *t = &w->m->timings;
	if (t->path == ST_NIL) {
		if (w->o->by)   /* asked for: say why there is nothing */
			fprintf(w->f, "\nCargo units\n  (no cargo timings loaded: "
			        "cargo build --timings writes target/cargo-timings/)\n");
		return;
	}
	char wall[32], cp[32], cov[32], pc[16];
	st_fmt_ns(wall, sizeof wall, (int64_t)t->wall_ns, false);
	st_fmt_ns(cp, sizeof cp, (int64_t)t->critical_path_ns, false);
	fprintf(w->f, "\nCargo build (%s, %s): %u units, wall %s, critical path "
	        "%s%s\n", st_model_str(w->m, t->format), name_of(w, t->path),
	        t->units.len, wall, cp, t->slot_bound ? " (from a unit that "
	        "waited for a job slot: the build is bound by cores)" : "");
	uint32_t peak = 0, waiting = 0;
	for (uint32_t i = 0; i < t->concurrency.len; i++) {
		if (t->concurrency.v[i].active > peak)
			peak = t->concurrency.v[i].active;
		if (t->concurrency.v[i].waiting > waiting)
			waiting = t->concurrency.v[i].waiting;
	}
	fprintf(w->f, "  concurrency: at most %u running, %u waiting for a job "
	        "slot\n", peak, waiting);
	if (w->m->sources.len) {
		st_fmt_ns(cov, sizeof cov, (int64_t)t->covered_ns, false);
		st_fmt_pct(pc, sizeof pc, (double)t->covered_ns, (double)t->wall_ns);
		fprintf(w->f, "  profiles: %u of %u units have one; they cover %s "
		        "(%s) of the build's wall time\n", t->joined, t->units.len,
		        cov, pc);
	}
	uint32_t n = rows(w, t->units.len);
	heading(w, "Units by start (* on the critical path)", n, t->units.len);
	fprintf(w->f, "  %9s %9s %9s %9s %9s %-16s  %s\n", "start", "duration",
	        "rmeta", "frontend", "codegen", "kind", "unit");
	for (uint32_t i = 0; i < n; i++) {
		const st_unit *u = &t->units.v[i];
		char s[32], d[32], r[32], f[32], c[32];
		ns_col(s, sizeof s, u->start_ns);
		ns_col(d, sizeof d, u->duration_ns);
		ns_col(r, sizeof r, u->rmeta_ns);
		ns_col(f, sizeof f, u->frontend_ns);
		ns_col(c, sizeof c, u->codegen_ns);
		fprintf(w->f, "  %s %s %s %s %s %-16s %c%s", s, d, r, f, c,
		        st_unit_kind_name((st_unit_kind)u->kind),
		        u->critical ? '*' : ' ', name_of(w, u->name));
		fprintf(w->f, " %s", name_of(w, u->version));
		if (u->target != ST_NIL)
			fprintf(w->f, " (%s)", name_of(w, u->target));
		fputc('\n', w->f);
	}
	if (!w->m->sources.len)
		return;
	uint32_t missing = 0;
	for (uint32_t i = 0; i < t->units.len; i++)
		missing += t->units.v[i].crate == ST_NIL &&
		           t->units.v[i].kind != ST_UK_BUILD_SCRIPT_RUN;
	fprintf(w->f, "\nUnits without a profile (%u; build script runs are no "
	        "rustc runs)\n", missing);
	for (uint32_t i = 0; i < t->units.len; i++) {
		const st_unit *u = &t->units.v[i];
		if (u->crate != ST_NIL || u->kind == ST_UK_BUILD_SCRIPT_RUN)
			continue;
		char d[32];
		ns_col(d, sizeof d, u->duration_ns);
		fprintf(w->f, "  %s %-16s %c%s %s\n", d,
		        st_unit_kind_name((st_unit_kind)u->kind),
		        u->critical ? '*' : ' ', name_of(w, u->name),
		        name_of(w, u->version));
	}
}

static void text_match(out *w)
{
	const st_match_report *r = w->o->match;
	char s[32], t[32], p1[16], p2[16];
	st_fmt_ns(s, sizeof s, st_match_self_ns(r), false);
	st_fmt_ns(t, sizeof t, (int64_t)st_match_total_ns(r), false);
	st_fmt_pct(p1, sizeof p1, (double)st_match_total_ns(r), (double)w->m->cpu_ns);
	st_fmt_pct(p2, sizeof p2, (double)st_match_self_ns(r), (double)w->m->cpu_ns);
	fprintf(w->f, "\nMatches for /");
	fprintf(w->f, "%s/: %llu events, total %s (%s of cpu time), self %s (%s)\n",
	        sanitized(w, st_match_pattern(r), strlen(st_match_pattern(r))),
	        (unsigned long long)st_match_count(r), t, p1, s, p2);
	uint32_t nn;
	const st_match_name *names = st_match_names(r, &nn);
	uint32_t n = rows(w, nn);
	if (n)
		fprintf(w->f, "  %9s %9s %9s  %s\n", "self", "total", "count", "name");
	for (uint32_t i = 0; i < n; i++) {
		st_fmt_ns_col(s, sizeof s, names[i].self_ns, false, 9);
		st_fmt_ns_col(t, sizeof t, (int64_t)names[i].total_ns, false, 9);
		fprintf(w->f, "  %s %s %9llu  %s\n", s, t,
		        (unsigned long long)names[i].count,
		        shortened(w, names[i].name, 160));
	}
}

static void write_text(out *w)
{
	const st_model *m = w->m;
	st_build_totals t = st_model_totals(m);
	char wall[32], cpu[32], llvm[32], ov[32];
	st_fmt_ns(wall, sizeof wall, (int64_t)t.wall_ns, false);
	st_fmt_ns(cpu, sizeof cpu, (int64_t)t.cpu_ns, false);
	st_fmt_ns(llvm, sizeof llvm, (int64_t)t.llvm_ns, false);
	st_fmt_ns(ov, sizeof ov, t.overhead_ns, false);
	fprintf(w->f, "stalactite report: %u profile%s, %u crate%s, %llu events; "
	        "wall %s (summed over profiles), cpu %s, LLVM %s, profiler "
	        "overhead %s\n", t.profiles, t.profiles == 1 ? "" : "s",
	        t.crates, t.crates == 1 ? "" : "s",
	        (unsigned long long)m->total_events, wall, cpu, llvm, ov);
	if (wanted(w, "unit")) text_units(w);
	if (!m->sources.len && m->timings.path != ST_NIL)
		return;   /* cargo's timings alone: no profile tables to show */
	if (wanted(w, "source")) text_sources(w);
	if (wanted(w, "crate")) text_crates(w);
	if (wanted(w, "pass")) text_passes(w);
	if (wanted(w, "cgu")) text_cgus(w);
	if (wanted(w, "function")) text_functions(w);
	if (wanted(w, "generic")) text_generics(w);
	if (wanted(w, "async")) text_async(w);
	if (wanted(w, "label")) text_labels(w);
	if (wanted(w, "artifact")) text_artifacts(w);
	if (w->o->match) text_match(w);
}

/* ---- JSON ------------------------------------------------------------------- */

static void add_str(cJSON *o, const char *k, out *w, uint32_t id)
{
	cJSON_AddStringToObject(o, k, st_str(w->m->strs, id));
}

static void add_num(cJSON *o, const char *k, double v)
{
	cJSON_AddNumberToObject(o, k, v);
}

static cJSON *json_array(cJSON *root, const char *k)
{
	cJSON *a = cJSON_CreateArray();
	cJSON_AddItemToObject(root, k, a);
	return a;
}

static cJSON *json_row(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToArray(arr, o);
	return o;
}

static void json_stats(cJSON *root, out *w)
{
	const st_model *m = w->m;
	cJSON *a = json_array(root, "sources");
	for (uint32_t i = 0; i < m->sources.len; i++) {
		cJSON *o = json_row(a);
		const st_source *s = &m->sources.v[i];
		add_str(o, "path", w, s->path);
		add_str(o, "format", w, s->format);
		add_str(o, "crate", w, s->crate_name);
		cJSON_AddStringToObject(o, "kind",
		                        st_crate_kind_name((st_crate_kind)s->crate_kind));
		add_num(o, "events", (double)s->events);
		add_num(o, "wall_ns", (double)s->wall_ns);
		add_num(o, "cpu_ns", (double)s->cpu_ns);
		cJSON_AddBoolToObject(o, "async_exact", s->async_exact);
	}
	a = json_array(root, "labels");
	for (uint32_t i = 0; i < rows(w, m->labels.len); i++) {
		cJSON *o = json_row(a);
		const st_label_stat *l = &m->labels.v[i];
		add_str(o, "label", w, l->label);
		add_num(o, "count", (double)l->count);
		add_num(o, "self_ns", (double)l->self_ns);
		add_num(o, "total_ns", (double)l->total_ns);
		add_num(o, "cache_hits", (double)l->cache_hits);
		add_num(o, "blocked_ns", (double)l->blocked_ns);
		add_num(o, "incremental_load_ns", (double)l->incremental_load_ns);
		add_num(o, "incremental_hashing_ns",
		        (double)l->incremental_hashing_ns);
	}
	a = json_array(root, "passes");
	for (uint32_t i = 0; i < rows(w, m->passes.len); i++) {
		cJSON *o = json_row(a);
		add_str(o, "pass", w, m->passes.v[i].pass);
		if (m->passes.v[i].group != ST_NOSTR)
			add_str(o, "group", w, m->passes.v[i].group);
		add_num(o, "count", (double)m->passes.v[i].count);
		add_num(o, "self_ns", (double)m->passes.v[i].self_ns);
	}
	a = json_array(root, "cgus");
	for (uint32_t i = 0; i < rows(w, m->cgus.len); i++) {
		cJSON *o = json_row(a);
		const st_cgu_stat *c = &m->cgus.v[i];
		add_str(o, "crate", w, c->crate);
		add_str(o, "cgu", w, c->cgu);
		add_num(o, "self_ns", (double)c->self_ns);
		add_num(o, "total_ns", (double)c->total_ns);
	}
}

static void json_crates(cJSON *root, out *w)
{
	const st_model *m = w->m;
	st_build_totals t = st_model_totals(m);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "build", b);
	add_num(b, "profiles", t.profiles);
	add_num(b, "crates", t.crates);
	add_num(b, "wall_ns", (double)t.wall_ns);
	add_num(b, "cpu_ns", (double)t.cpu_ns);
	add_num(b, "llvm_ns", (double)t.llvm_ns);
	add_num(b, "overhead_ns", (double)t.overhead_ns);
	const st_build_timings *bt = &m->timings;
	if (bt->path != ST_NIL) {
		/* wall_ns becomes the build's (the definition); the
		 * profiles' summed spans stay under another key */
		add_num(b, "profiles_wall_ns", (double)t.wall_ns);
		cJSON_ReplaceItemInObjectCaseSensitive(b, "wall_ns",
		        cJSON_CreateNumber((double)bt->wall_ns));
		add_num(b, "critical_path_ns", (double)bt->critical_path_ns);
		add_num(b, "units", bt->units.len);
		cJSON_AddBoolToObject(b, "slot_bound", bt->slot_bound);
		if (m->sources.len)
			add_num(b, "profiled_ns", (double)bt->covered_ns);
	}
	cJSON *a = json_array(root, "crates");
	for (uint32_t i = 0; i < rows(w, m->crates.len); i++) {
		cJSON *o = json_row(a);
		const st_crate_stat *c = &m->crates.v[i];
		add_str(o, "crate", w, c->name);
		cJSON_AddStringToObject(o, "kind",
		                        st_crate_kind_name((st_crate_kind)c->kind));
		add_num(o, "sources", c->sources);
		add_num(o, "wall_ns", (double)c->wall_ns);
		add_num(o, "cpu_ns", (double)c->cpu_ns);
		add_num(o, "llvm_ns", (double)c->llvm_ns);
		add_num(o, "overhead_ns", (double)c->overhead_ns);
		if (c->cargo) {
			add_num(o, "cargo_ns", (double)c->cargo_ns);
			cJSON_AddBoolToObject(o, "critical", c->critical);
		}
	}
	if (bt->path == ST_NIL)
		return;
	a = json_array(root, "units");
	for (uint32_t i = 0; i < rows(w, bt->units.len); i++) {
		cJSON *o = json_row(a);
		const st_unit *u = &bt->units.v[i];
		add_str(o, "name", w, u->name);
		add_str(o, "version", w, u->version);
		cJSON_AddStringToObject(o, "kind", st_unit_kind_name((st_unit_kind)u->kind));
		if (u->target != ST_NIL)
			add_str(o, "target", w, u->target);
		else
			cJSON_AddNullToObject(o, "target");
		add_num(o, "start_ns", (double)u->start_ns);
		add_num(o, "duration_ns", (double)u->duration_ns);
		const uint64_t v[3] = { u->rmeta_ns, u->frontend_ns, u->codegen_ns };
		static const char *const k[3] = { "rmeta_ns", "frontend_ns", "codegen_ns" };
		for (int j = 0; j < 3; j++) {
			if (v[j] == ST_NO_TIME)
				cJSON_AddNullToObject(o, k[j]);
			else
				add_num(o, k[j], (double)v[j]);
		}
		cJSON_AddBoolToObject(o, "critical", u->critical);
		if (u->crate != ST_NIL)
			add_str(o, "crate", w, m->crates.v[u->crate].name);
	}
}

static void json_artifacts(cJSON *root, out *w)
{
	const st_model *m = w->m;
	cJSON *a = json_array(root, "artifact_sizes");
	for (uint32_t i = 0; i < rows(w, m->artifacts.len); i++) {
		cJSON *o = json_row(a);
		add_str(o, "label", w, m->artifacts.v[i].label);
		add_num(o, "bytes", (double)m->artifacts.v[i].bytes);
	}
}

static void json_functions(cJSON *root, out *w)
{
	const st_model *m = w->m;
	cJSON *a = json_array(root, "functions");
	for (uint32_t i = 0; i < rows(w, m->functions.len); i++) {
		cJSON *o = json_row(a);
		const st_fn_stat *f = &m->functions.v[i];
		add_str(o, "name", w, f->name);
		add_str(o, "crate", w, f->crate);
		add_num(o, "llvm_ns", (double)f->llvm_ns);
		cJSON_AddStringToObject(o, "kind", st_kind_name((st_kind)f->kind));
		cJSON_AddBoolToObject(o, "exact", f->exact);
		if (f->owner != ST_NIL)
			add_str(o, "async_fn", w, m->async_fns.v[f->owner].name);
	}
	a = json_array(root, "generics");
	for (uint32_t i = 0; i < rows(w, m->generics.len); i++) {
		cJSON *o = json_row(a);
		const st_generic_stat *g = &m->generics.v[i];
		add_str(o, "name", w, g->name);
		add_str(o, "crate", w, g->crate);
		add_num(o, "llvm_ns", (double)g->llvm_ns);
		add_num(o, "instances", g->instances);
	}
	a = json_array(root, "async_fns");
	for (uint32_t i = 0; i < rows(w, m->async_fns.len); i++) {
		cJSON *o = json_row(a);
		add_str(o, "name", w, m->async_fns.v[i].name);
		add_num(o, "llvm_ns", (double)m->async_fns.v[i].llvm_ns);
		add_num(o, "members", m->async_fns.v[i].members);
		cJSON_AddBoolToObject(o, "exact", m->async_fns.v[i].exact);
	}
	cJSON_AddBoolToObject(root, "async_exact", m->async_exact);
}

static void json_match(cJSON *root, out *w)
{
	const st_match_report *r = w->o->match;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "match", o);
	cJSON_AddStringToObject(o, "pattern", st_match_pattern(r));
	add_num(o, "count", (double)st_match_count(r));
	add_num(o, "self_ns", (double)st_match_self_ns(r));
	add_num(o, "total_ns", (double)st_match_total_ns(r));
	uint32_t nn;
	const st_match_name *names = st_match_names(r, &nn);
	cJSON *a = json_array(o, "names");
	for (uint32_t i = 0; i < rows(w, nn); i++) {
		cJSON *row = json_row(a);
		add_str(row, "name", w, names[i].name);
		add_num(row, "count", (double)names[i].count);
		add_num(row, "self_ns", (double)names[i].self_ns);
		add_num(row, "total_ns", (double)names[i].total_ns);
	}
}

static int write_json(out *w)
{
	const st_model *m = w->m;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "generator", PACKAGE_STRING);
	add_num(root, "events", (double)m->total_events);
	add_num(root, "cpu_ns", (double)m->cpu_ns);
	add_num(root, "llvm_ns", (double)m->llvm_self_ns);
	json_stats(root, w);
	json_crates(root, w);
	json_artifacts(root, w);
	json_functions(root, w);
	if (w->o->match)
		json_match(root, w);
	return st_report_json_emit(w->f, root);
}

int st_report_json_emit(FILE *f, cJSON *root)
{
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		return -1;
	fputs(s, f);
	fputc('\n', f);
	free(s);
	return 0;
}

int st_report_write(FILE *f, const st_model *m, const st_report_opts *o)
{
	out w = { .f = f, .m = m, .o = o, .top = o->top };
	int rc = 0;
	if (o->format == ST_REPORT_JSON) {
		rc = write_json(&w);
	} else {
		if (!o->top && !o->by)
			w.top = 20;
		write_text(&w);
	}
	free(w.sc.buf);
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	return rc;
}
