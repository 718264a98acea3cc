/* critical-path.c: what a cargo build's unit graph says about its wall time.
 *
 * The critical path is walked back from the unit that ends last, each time
 * to the unit whose finish (or rmeta point, for an rmeta edge) released it
 * latest: cargo lists, per unit, the units it unblocked, so a unit's last
 * dependency to finish is among its predecessors.  A unit that started well
 * after its release waited for a free job slot, not for a dependency: it
 * starts the chain, and the build is bound by cores rather than by its
 * dependency graph. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/cargo.h"
#include "stalactite/xalloc.h"

static uint64_t unit_end(const st_unit *u)
{
	return u->start_ns + u->duration_ns;
}

/* When the edge let its target start.  An rmeta point the input does not
 * give is taken as no later than the target's start. */
static uint64_t release(const st_build_timings *t, const st_unit_edge *e)
{
	const st_unit *f = &t->units.v[e->from], *to = &t->units.v[e->to];
	if (!e->rmeta)
		return unit_end(f);
	if (f->rmeta_ns != ST_NO_TIME)
		return f->start_ns + f->rmeta_ns;
	uint64_t end = unit_end(f);
	return end < to->start_ns ? end : to->start_ns;
}

static int cmp_units(const void *a, const void *b)
{
	const st_unit *x = a, *y = b;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Units sorted by start (then cargo's index); edges renumbered to follow. */
static void sort_units(st_build_timings *t)
{
	uint32_t n = t->units.len;
	if (n < 2)
		return;
	typedef struct { st_unit u; uint32_t pos; } pair;   /* u first: cmp_units */
	pair *p = st_xreallocarray(NULL, n, sizeof *p);
	for (uint32_t i = 0; i < n; i++)
		p[i] = (pair){ t->units.v[i], i };
	qsort(p, n, sizeof *p, cmp_units);
	uint32_t *map = st_xreallocarray(NULL, n, sizeof *map);
	for (uint32_t i = 0; i < n; i++) {
		t->units.v[i] = p[i].u;
		map[p[i].pos] = i;
	}
	for (uint32_t i = 0; i < t->edges.len; i++) {
		t->edges.v[i].from = map[t->edges.v[i].from];
		t->edges.v[i].to = map[t->edges.v[i].to];
	}
	free(p);
	free(map);
}

typedef struct step {
	uint64_t t;
	int32_t active, waiting;
} step;

static int cmp_steps(const void *a, const void *b)
{
	const step *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Running units, and units released but not started, over time (the build
 * log gives no samples of its own). */
static void derive_concurrency(st_build_timings *t, const uint64_t *rel)
{
	uint32_t n = t->units.len, ns = 0;
	step *s = st_xreallocarray(NULL, (size_t)n * 4 + 1, sizeof *s);
	for (uint32_t i = 0; i < n; i++) {
		const st_unit *u = &t->units.v[i];
		s[ns++] = (step){ u->start_ns, 1, 0 };
		s[ns++] = (step){ unit_end(u), -1, 0 };
		if (rel[i] + ST_SLOT_SLACK_NS < u->start_ns) {
			s[ns++] = (step){ rel[i], 0, 1 };
			s[ns++] = (step){ u->start_ns, 0, -1 };
		}
	}
	qsort(s, ns, sizeof *s, cmp_steps);
	int32_t active = 0, waiting = 0;
	for (uint32_t i = 0; i < ns;) {
		uint64_t at = s[i].t;
		for (; i < ns && s[i].t == at; i++) {
			active += s[i].active;
			waiting += s[i].waiting;
		}
		if (t->concurrency.len == t->concurrency.cap) {
			t->concurrency.cap = t->concurrency.cap ? t->concurrency.cap * 2 : 64;
			t->concurrency.v = st_xreallocarray(t->concurrency.v,
			        t->concurrency.cap, sizeof *t->concurrency.v);
		}
		t->concurrency.v[t->concurrency.len++] = (st_conc_sample){
			at, (uint32_t)active, (uint32_t)waiting };
	}
	free(s);
}

void st_timings_analyse(st_build_timings *t)
{
	sort_units(t);
	uint32_t n = t->units.len;
	t->wall_ns = t->critical_path_ns = 0;
	t->slot_bound = false;
	if (n == 0)
		return;
	uint32_t last = 0;
	for (uint32_t i = 0; i < n; i++) {
		t->units.v[i].critical = false;
		if (unit_end(&t->units.v[i]) > unit_end(&t->units.v[last]))
			last = i;
	}
	t->wall_ns = unit_end(&t->units.v[last]);
	/* per unit, the edge that released it latest */
	uint32_t *pred = st_xreallocarray(NULL, n, sizeof *pred);
	uint64_t *rel = st_xreallocarray(NULL, n, sizeof *rel);
	for (uint32_t i = 0; i < n; i++) {
		pred[i] = ST_NIL;
		rel[i] = ST_NO_TIME;
	}
	for (uint32_t i = 0; i < t->edges.len; i++) {
		const st_unit_edge *e = &t->edges.v[i];
		uint64_t r = release(t, e);
		if (rel[e->to] == ST_NO_TIME || r > rel[e->to]) {
			rel[e->to] = r;
			pred[e->to] = e->from;
		}
	}
	/* a unit nothing unblocked could start with the build's first */
	for (uint32_t i = 0; i < n; i++)
		if (pred[i] == ST_NIL)
			rel[i] = t->units.v[0].start_ns;
	uint32_t v = last;
	for (;;) {
		st_unit *u = &t->units.v[v];
		u->critical = true;
		uint32_t p = pred[v];
		if (u->start_ns > rel[v] + ST_SLOT_SLACK_NS) {
			t->slot_bound = true;
			break;
		}
		if (p == ST_NIL || t->units.v[p].critical)   /* a root (or a cycle) */
			break;
		v = p;
	}
	t->critical_path_ns = t->wall_ns - t->units.v[v].start_ns;
	if (t->concurrency.len == 0)
		derive_concurrency(t, rel);
	free(pred);
	free(rel);
}

/* ---- the join with self-profiles ---------------------------------------- */

/* Package and crate names compare without '-' and '_': cargo's report names
 * the package ("async-lib"), a profile the crate ("asynclib", "async_lib"). */
static bool same_name(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == '_')
			a++;
		while (*b == '-' || *b == '_')
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++, b++;
	}
}

static bool kinds_match(const st_unit *u, uint8_t ck)
{
	switch ((st_unit_kind)u->kind) {
	case ST_UK_LIB: case ST_UK_PROC_MACRO:
		return ck == ST_CK_LIB || ck == ST_CK_PROC_MACRO;
	case ST_UK_BUILD_SCRIPT:
		return ck == ST_CK_BUILD_SCRIPT;
	case ST_UK_BIN: case ST_UK_TEST: case ST_UK_EXAMPLE:
		return ck == ST_CK_BIN;
	default:   /* running a build script is no rustc run */
		return false;
	}
}

static uint32_t find_crate(const st_model *m, const st_unit *u)
{
	const char *pkg = st_model_str(m, u->name);
	const char *tgt = u->target != ST_NIL ? st_model_str(m, u->target) : NULL;
	for (uint32_t pass = 0; pass < 2; pass++) {
		/* the target's own name first; a build script's is
		 * build-script-build, so its package names it */
		const char *want = pass == 0 ? tgt : pkg;
		if (!want || (pass == 0 && u->kind == ST_UK_BUILD_SCRIPT))
			continue;
		for (uint32_t i = 0; i < m->crates.len; i++) {
			const st_crate_stat *c = &m->crates.v[i];
			if (kinds_match(u, c->kind) &&
			    same_name(want, st_model_str(m, c->name)))
				return i;
		}
	}
	return ST_NIL;
}

static int cmp_spans(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void st_timings_join(st_model *m)
{
	st_build_timings *t = &m->timings;
	uint64_t (*spans)[2] = st_xreallocarray(NULL, t->units.len + 1,
	                                         sizeof *spans);
	uint32_t ns = 0;
	t->joined = 0;
	for (uint32_t i = 0; i < t->units.len; i++) {
		st_unit *u = &t->units.v[i];
		u->crate = find_crate(m, u);
		if (u->crate == ST_NIL)
			continue;
		st_crate_stat *c = &m->crates.v[u->crate];
		if (c->kind == ST_CK_PROC_MACRO)   /* the HTML does not say */
			u->kind = ST_UK_PROC_MACRO;
		c->cargo = true;
		c->cargo_ns += u->duration_ns;
		c->critical |= u->critical;
		t->joined++;
		spans[ns][0] = u->start_ns;
		spans[ns][1] = unit_end(u);
		ns++;
	}
	qsort(spans, ns, sizeof *spans, cmp_spans);
	uint64_t covered = 0, lo = 0, hi = 0;
	for (uint32_t i = 0; i < ns; i++) {
		if (i == 0 || spans[i][0] > hi) {
			covered += hi - lo;
			lo = spans[i][0];
			hi = spans[i][1];
		} else if (spans[i][1] > hi) {
			hi = spans[i][1];
		}
	}
	t->covered_ns = covered + (hi - lo);
	free(spans);
}
