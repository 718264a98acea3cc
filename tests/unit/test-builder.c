/* Unit tests: the builder's walk, statistics and trees, on a small synthetic
 * profile whose every figure is worked out by hand below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"

typedef struct ev {
	uint32_t thread;
	const char *kind, *label, *a0, *a1;
	uint64_t start, end;
} ev;

#define CGU "app.0123456789abcdef-cgu.0"
#define FC "app[0123456789abcdef]::f::{closure#0}"

static const ev events[] = {
	{ 1, "GenericActivity", "codegen_crate", NULL, NULL, 0, 100 },
	{ 1, "GenericActivity", "codegen_module", CGU, "42", 10, 40 },
	{ 2, "GenericActivity", "codegen_module_optimize", CGU, NULL, 50, 200 },
	{ 2, "GenericActivity", "LLVM_module_optimize", CGU, NULL, 55, 190 },
	{ 2, "LLVM Pass", "ModuleToFunctionPassAdaptor", CGU, NULL, 60, 180 },
	{ 2, "LLVM Pass", "PassManager<Function>", FC, NULL, 60, 120 },
	{ 2, "LLVM Pass", "InstCombinePass", FC, NULL, 61, 81 },
	{ 2, "LLVM Pass", "FunctionToLoopPassAdaptor", FC, NULL, 90, 110 },
	{ 2, "LLVM Pass", "LICMPass", "<unnamed loop>", NULL, 95, 105 },
	{ 2, "LLVM Pass", "InlinerPass", "app[0123456789abcdef]::g",
	  "app[0123456789abcdef]::h", 130, 160 },
	{ 1, "Query", "type_of",
	  "Coroutine(DefId(0:5 ~ app[0123]::f::{closure#0}), [])", NULL, 200, 210 },
	{ 1, "Query", "fn_sig", "{async fn body of f()}", NULL, 202, 204 },
};
#define NEV (sizeof events / sizeof events[0])

/* Reverse file order: latest end first; an enclosing event before the
 * events it contains when ends are equal. */
static int by_end_desc(const void *x, const void *y)
{
	const ev *a = *(const ev *const *)x, *b = *(const ev *const *)y;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static int enters, marked_leaves;
static int64_t marked_self;

static bool on_enter(void *ctx, const st_event *e, bool inside, uint32_t *tag)
{
	(void)tag;
	st_strtab *s = ctx;
	enters++;
	(void)inside;
	return strcmp(st_str(s, e->label), "InstCombinePass") == 0 ||
	       strcmp(st_str(s, e->label), "PassManager<Function>") == 0;
}

static void on_leave(void *ctx, const st_event *e, int64_t self, bool marked,
                     uint32_t tag)
{
	(void)tag;
	(void)ctx; (void)e;
	if (marked) {
		marked_leaves++;
		marked_self += self;
	}
}

static void feed(st_builder *b, st_strtab *s, const char *crate)
{
	const ev *order[NEV];
	for (size_t i = 0; i < NEV; i++)
		order[i] = &events[i];
	qsort(order, NEV, sizeof order[0], by_end_desc);
	/* the builder keeps args pointers until the source ends */
	static uint32_t store[NEV][2];
	st_builder_begin_source(b, "x.mm_profdata", "test", crate, 0);
	for (size_t i = 0; i < NEV; i++) {
		const ev *v = order[i];
		uint32_t *args = store[i];
		uint32_t n = 0;
		if (v->a0) args[n++] = st_intern_cstr(s, v->a0);
		if (v->a1) args[n++] = st_intern_cstr(s, v->a1);
		st_event e = { .type = ST_EV_INTERVAL, .thread = v->thread,
		               .kind = st_intern_cstr(s, v->kind),
		               .label = st_intern_cstr(s, v->label), .args = args,
		               .nargs = n, .start = v->start, .end = v->end };
		const char *why;
		CHECK(st_builder_event(b, &e, &why));
	}
	st_builder_end_source(b, NEV);
}

static const st_label_stat *label(const st_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->labels.len; i++)
		if (strcmp(st_str(m->strs, m->labels.v[i].label), name) == 0)
			return &m->labels.v[i];
	return NULL;
}

static const st_fn_stat *fn(const st_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->functions.len; i++)
		if (strcmp(st_str(m->strs, m->functions.v[i].name), name) == 0)
			return &m->functions.v[i];
	return NULL;
}

static int64_t pass_self(const st_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->passes.len; i++)
		if (strcmp(st_str(m->strs, m->passes.v[i].pass), name) == 0)
			return m->passes.v[i].self_ns;
	return -1;
}

/* The child of id named name in tree t, or ST_NIL. */
static uint32_t child_named(const st_model *m, const st_tree *t, uint32_t id,
                            const char *name)
{
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		if (strcmp(st_str(m->strs, st_model_display(m, t->nodes[c].name)),
		           name) == 0)
			return c;
	return ST_NIL;
}

static void check_labels(const st_model *m)
{
	const st_label_stat *l = label(m, "codegen_crate");
	CHECK(l && l->total_ns == 100 && l->self_ns == 70 && l->count == 1);
	l = label(m, "codegen_module");
	CHECK(l && l->total_ns == 30 && l->self_ns == 30);
	l = label(m, "type_of");
	CHECK(l && l->total_ns == 10 && l->self_ns == 8);
	CHECK_INT(pass_self(m, "ModuleToFunctionPassAdaptor"), 30);
	CHECK_INT(pass_self(m, "PassManager<Function>"), 20);
	CHECK_INT(pass_self(m, "FunctionToLoopPassAdaptor"), 10);
	CHECK_INT(pass_self(m, "LICMPass"), 10);
	CHECK_INT(m->llvm_self_ns, 120);
	CHECK_INT(m->cpu_ns, 210 + 150);
}

static void check_codegen(const st_model *m)
{
	CHECK_INT(m->cgus.len, 1);
	CHECK_STR(st_str(m->strs, m->cgus.v[0].cgu), "app-cgu.0");
	CHECK_INT(m->cgus.v[0].self_ns, 30 + 15 + 15 + 120);
	CHECK_INT(m->cgus.v[0].total_ns, 30 + 150);
	/* the loop pass is the function's; the CGSCC splits evenly */
	const st_fn_stat *f = fn(m, "app::f::{closure#0}");
	CHECK(f && f->llvm_ns == 60);
	CHECK(fn(m, "app::g") && fn(m, "app::g")->llvm_ns == 15);
	CHECK(fn(m, "app::h") && fn(m, "app::h")->llvm_ns == 15);
	const st_tree *t = &m->codegen;
	uint32_t crate = child_named(m, t, 0, "app");
	uint32_t cgu = child_named(m, t, crate, "app-cgu.0");
	uint32_t licm = child_named(m, t, cgu, "LICMPass");
	CHECK(licm != ST_NIL && child_named(m, t, licm, "app::f::{closure#0}") != ST_NIL);
	CHECK(cgu != ST_NIL && t->nodes[cgu].total_ns == 180);
	/* pivot: function first, then its passes */
	const st_tree *p = &m->pivot;
	uint32_t pf = child_named(m, p, child_named(m, p, child_named(m, p, 0, "app"),
	                                             "app-cgu.0"), "app::f::{closure#0}");
	CHECK(pf != ST_NIL && p->nodes[pf].total_ns == 60);
	CHECK(pf != ST_NIL && st_tree_kind(p, pf) == ST_K_ASYNC_FN);
	/* a pass or function row has its own events' figures: its functions
	 * (passes) split its self time, they do not nest in it */
	uint32_t inl = child_named(m, t, cgu, "InlinerPass");
	CHECK(inl != ST_NIL && t->nodes[inl].total_ns == 30);
	CHECK(inl != ST_NIL && t->nodes[inl].self_ns == 30);
	CHECK(inl != ST_NIL && t->nodes[inl].count == 1);   /* one event on g and h */
	uint32_t g = child_named(m, t, inl, "app::g");
	CHECK(g != ST_NIL && t->nodes[g].self_ns == 15 && t->nodes[g].count == 1);
	CHECK(pf != ST_NIL && p->nodes[pf].self_ns == 60);
	CHECK(pf != ST_NIL && p->nodes[pf].count == 4);   /* 3 passes, 1 loop pass */
	CHECK_INT(t->nodes[cgu].self_ns, 0);   /* a CGU only groups them */
}

static void check_async(const st_model *m)
{
	CHECK(m->async_exact);
	const st_fn_stat *f = fn(m, "app::f::{closure#0}");
	CHECK(f && f->kind == ST_K_ASYNC_FN);
	CHECK(fn(m, "app::g") && fn(m, "app::g")->kind == ST_K_FN);
	CHECK_INT(m->async_fns.len, 1);
	if (m->async_fns.len) {
		CHECK_STR(st_str(m->strs, m->async_fns.v[0].name), "app::f");
		CHECK_INT(m->async_fns.v[0].llvm_ns, 60);
		CHECK_INT(m->async_fns.v[0].members, 1);
	}
}

static void check_stack(const st_model *m)
{
	const st_tree *t = &m->stack;
	uint32_t crate = child_named(m, t, 0, "app");
	CHECK(crate != ST_NIL && t->nodes[crate].total_ns == 100 + 150 + 10);
	uint32_t cmo = child_named(m, t, crate, "codegen_module_optimize");
	CHECK(cmo != ST_NIL && t->nodes[cmo].self_ns == 15);
	CHECK(cmo != ST_NIL && st_model_display(m, t->nodes[cmo].arg) ==
	      st_lookup(m->strs, "app-cgu.0", 9));
}

/* One event of the summarize-columns test: an interval on thread 1, or an
 * instant / integer (v is the time or the value). */
static void put(st_builder *b, uint8_t type, const char *kind,
                const char *label, uint64_t start, uint64_t end_or_value)
{
	st_strtab *s = st_builder_strs(b);
	st_event e = { .type = type, .thread = 1, .kind = st_intern_cstr(s, kind),
	               .label = st_intern_cstr(s, label), .start = start,
	               .end = type == ST_EV_INTERVAL ? end_or_value : start,
	               .value = type == ST_EV_INTEGER ? end_or_value : 0 };
	const char *why;
	CHECK(st_builder_event(b, &e, &why));
}

/* summarize's optional columns, worked out by hand: cache hits from instants
 * and counts (a count silences that label's later instants in its own file
 * only), blocked time, the two incremental columns net of children, and
 * artifact sizes summed over two files. */
static void check_summarize_columns(void)
{
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	st_builder_begin_source(b, "a", "test", "app", 0);
	/* reverse file order: latest end first, parents before children */
	put(b, ST_EV_INTERVAL, "Query", "hir", 200, 300);
	/* an instant between a parent and its child must not pop the stack */
	put(b, ST_EV_INSTANT, "QueryCacheHit", "features_query", 1000, 0);
	put(b, ST_EV_INTERVAL, "IncrementalResultHashing", "hir", 250, 290);
	put(b, ST_EV_INTERVAL, "GenericActivity", "hash_inner", 260, 265);
	put(b, ST_EV_INSTANT, "QueryCacheHit", "type_of", 1000, 0);
	put(b, ST_EV_INTEGER, "QueryCacheHitCount", "type_of", 0, 10);
	put(b, ST_EV_INSTANT, "QueryCacheHit", "type_of", 1000, 0);   /* silenced */
	put(b, ST_EV_INSTANT, "QueryCacheHit", "type_of", 1000, 0);   /* silenced */
	put(b, ST_EV_INTERVAL, "Query", "typeck", 0, 100);
	put(b, ST_EV_INTERVAL, "IncrementalLoadResult", "optimized_mir", 40, 70);
	put(b, ST_EV_INTERVAL, "GenericActivity", "decode", 50, 60);
	put(b, ST_EV_INTERVAL, "QueryBlocked", "typeck", 10, 30);
	put(b, ST_EV_INSTANT, "QueryCacheHit", "features_query", 1000, 0);
	put(b, ST_EV_INSTANT, "QueryCacheHit", "features_query", 1000, 0);
	put(b, ST_EV_INTEGER, "ArtifactSize", "object_file", 0, 100);
	put(b, ST_EV_INTEGER, "ArtifactSize", "object_file", 0, 20);
	put(b, ST_EV_INTEGER, "ArtifactSize", "linked_artifact", 0, 5000);
	put(b, ST_EV_INSTANT, "SomethingElse", "ignored", 1000, 0);
	put(b, ST_EV_INTEGER, "SomethingElse", "ignored_too", 0, 7);
	st_builder_end_source(b, 19);
	st_builder_begin_source(b, "b", "test", "app", 0);
	/* a new file: type_of's instants count again */
	for (int i = 0; i < 4; i++)
		put(b, ST_EV_INSTANT, "QueryCacheHit", "type_of", 5, 0);
	put(b, ST_EV_INTEGER, "QueryCacheHitCount", "features_query", 0, 5);
	put(b, ST_EV_INTEGER, "ArtifactSize", "object_file", 0, 7);
	st_builder_end_source(b, 6);
	st_builder_finish(b);
	st_builder_free(b);

	const st_label_stat *l = label(m, "typeck");
	CHECK(l && l->count == 1 && l->self_ns == 70 && l->total_ns == 120 &&
	      l->blocked_ns == 20 && l->cache_hits == 0);
	l = label(m, "optimized_mir");
	CHECK(l && l->count == 0 && l->self_ns == 20 && l->total_ns == 30 &&
	      l->incremental_load_ns == 20 && l->incremental_hashing_ns == 0);
	l = label(m, "hir");   /* the hashing event shares its query's row */
	CHECK(l && l->count == 1 && l->self_ns == 95 && l->total_ns == 100 &&
	      l->incremental_hashing_ns == 35 && l->incremental_load_ns == 0);
	l = label(m, "decode");
	CHECK(l && l->count == 1 && l->self_ns == 10);
	l = label(m, "features_query");   /* cache hits only: still a row */
	CHECK(l && l->count == 0 && l->self_ns == 0 && l->total_ns == 0 &&
	      l->cache_hits == 3 + 5);
	l = label(m, "type_of");
	CHECK(l && l->cache_hits == 1 + 10 + 4);
	CHECK(!label(m, "ignored") && !label(m, "ignored_too"));
	CHECK_INT(m->labels.len, 7);
	CHECK_STR(st_str(m->strs, m->labels.v[0].label), "hir");
	for (uint32_t i = 1; i < m->labels.len; i++)
		CHECK(m->labels.v[i - 1].self_ns >= m->labels.v[i].self_ns);
	CHECK_INT(m->cpu_ns, 300);   /* instants stretch no thread's span */
	CHECK_INT(m->artifacts.len, 2);
	if (m->artifacts.len == 2) {
		CHECK_STR(st_str(m->strs, m->artifacts.v[0].label), "linked_artifact");
		CHECK_INT(m->artifacts.v[0].bytes, 5000);
		CHECK_STR(st_str(m->strs, m->artifacts.v[1].label), "object_file");
		CHECK_INT(m->artifacts.v[1].bytes, 100 + 20 + 7);
	}
	st_model_free(m);
}

/* A large LLVM profile's model: 4 CGUs, each an LLVM_module_optimize over
 * 800 functions with 25 passes each (80 000 contributions: enough for the
 * pivot's own thread), fed in reverse file order, with hints or without,
 * finished with threads. */
static st_model *big_codegen(unsigned threads, bool hints)
{
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	st_builder_set_threads(b, threads);
	st_strtab *s = st_builder_strs(b);
	enum { CGUS = 4, FNS = 800, PASSES = 25 };
	static uint32_t fn_id[FNS], cgu_id[CGUS], pass_id[PASSES];
	uint32_t act = st_intern_cstr(s, "GenericActivity");
	uint32_t llvm = st_intern_cstr(s, "LLVM Pass");
	uint32_t opt = st_intern_cstr(s, "LLVM_module_optimize");
	char name[96];
	for (int c = 0; c < CGUS; c++) {
		snprintf(name, sizeof name, "app.0123456789abcdef-cgu.%d", c);
		cgu_id[c] = st_intern_cstr(s, name);
	}
	for (int i = 0; i < FNS; i++) {
		snprintf(name, sizeof name, "app[0123456789abcdef]::f%d::{closure#0}", i);
		fn_id[i] = st_intern_cstr(s, name);
	}
	for (int p = 0; p < PASSES; p++) {
		snprintf(name, sizeof name, "Pass%dPass", p);
		pass_id[p] = st_intern_cstr(s, name);
	}
	st_builder_begin_source(b, "big.mm_profdata", "test", "app", 0);
	const char *why;
	for (int c = CGUS - 1; c >= 0; c--) {   /* latest end first */
		uint64_t base = (uint64_t)c * FNS * PASSES * 10;
		st_event e = { .type = ST_EV_INTERVAL, .thread = 1 + (uint32_t)c % 2,
		               .kind = act, .label = opt, .args = &cgu_id[c],
		               .nargs = 1, .start = base,
		               .end = base + FNS * PASSES * 10 };
		CHECK(st_builder_event(b, &e, &why));
		for (int i = FNS * PASSES - 1; i >= 0; i--) {
			int fn = i / PASSES, pass = i % PASSES;
			st_event p = { .type = ST_EV_INTERVAL, .thread = e.thread,
			               .kind = llvm, .label = pass_id[pass],
			               .args = &fn_id[fn], .nargs = 1,
			               .start = base + (uint64_t)i * 10,
			               .end = base + (uint64_t)i * 10 + 1 + (uint64_t)(i % 7) };
			st_hint h = { .thread = p.thread, .kind = llvm,
			              .label = pass_id[(pass + PASSES - 1) % PASSES],
			              .nargs = 1, .arg0 = fn_id[i ? (i - 1) / PASSES : 0],
			              .start = base + (uint64_t)(i - 1) * 10,
			              .end = base + (uint64_t)(i - 1) * 10 + 1 +
			                     (uint64_t)((i - 1) % 7) };
			if (hints && i > 0)
				st_builder_hint(b, &h, 1);
			CHECK(st_builder_event(b, &p, &why));
		}
	}
	st_builder_end_source(b, CGUS * (FNS * PASSES + 1));
	st_builder_finish(b);
	st_builder_free(b);
	return m;
}

static bool same_tree(const st_tree *a, const st_tree *b)
{
	return a->len == b->len &&
	       memcmp(a->nodes, b->nodes, (size_t)a->len * sizeof *a->nodes) == 0 &&
	       memcmp(a->kinds, b->kinds, a->len) == 0;
}

/* The same model with the pivot built on a thread of its own and with
 * hints as built alone and without: every node, in the same order. */
static void check_threaded_finish(void)
{
	st_model *one = big_codegen(1, false), *two = big_codegen(2, true);
	CHECK(one->codegen.len > 80000 && one->pivot.len > 80000);
	CHECK(same_tree(&one->stack, &two->stack));
	CHECK(same_tree(&one->codegen, &two->codegen));
	CHECK(same_tree(&one->pivot, &two->pivot));
	CHECK_INT(one->functions.len, 800);   /* per crate and name */
	CHECK_INT(two->functions.len, one->functions.len);
	CHECK(memcmp(one->functions.v, two->functions.v,
	             one->functions.len * sizeof *one->functions.v) == 0);
	/* the two trees split the same time */
	CHECK(one->pivot.nodes[0].total_ns == one->codegen.nodes[0].total_ns);
	CHECK(one->pivot.nodes[0].total_ns > 0);
	st_model_free(one);
	st_model_free(two);
}

/* ---- child lookups across sources and merges ---------------------------- */

/* Children per parent in the lookup tests: on both sides of the builder's
 * switch from walking a node's children to its table (KIDS_SCAN, 8), and
 * across it within a source and in a merge (source 1 adds some). */
static const uint32_t fanout[] = { 1, 3, 7, 8, 9, 12, 40, 2 };
#define NPARENTS (sizeof fanout / sizeof fanout[0])

typedef struct lev {
	const char *label;
	char buf[16];
	uint64_t start, end;
} lev;

static int lev_order(const void *x, const void *y)
{
	const lev *a = x, *b = y;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* One source of crate: a root activity, parents p0.. with fanout[p] (+
 * extra for every other parent) children, each child with a grandchild
 * when its number is odd; children are named from 0 up, so a later
 * source finds the earlier children and adds the new ones. */
static void feed_fanout(st_builder *b, const char *path, const char *crate,
                        uint32_t extra)
{
	lev *v = calloc(4096, sizeof *v);
	size_t n = 0;
	v[n++] = (lev){ .label = "root", .start = 0, .end = 1000000 };
	for (uint32_t p = 0; p < NPARENTS; p++) {
		uint64_t at = 1000 + (uint64_t)p * 100000;
		lev *pe = &v[n++];
		snprintf(pe->buf, sizeof pe->buf, "p%u", p);
		pe->start = at;
		pe->end = at + 90000;
		uint32_t kids = fanout[p] + (p % 2 ? extra : 0);
		for (uint32_t k = 0; k < kids; k++) {
			lev *c = &v[n++];
			snprintf(c->buf, sizeof c->buf, "c%u", k);
			c->start = at + 10 + (uint64_t)k * 100;
			c->end = c->start + 50;
			if (k % 2) {
				lev *g = &v[n++];
				snprintf(g->buf, sizeof g->buf, "g%u", k);
				g->start = c->start + 10;
				g->end = c->start + 20;
			}
		}
	}
	qsort(v, n, sizeof *v, lev_order);
	st_strtab *s = st_builder_strs(b);
	uint32_t kind = st_intern_cstr(s, "GenericActivity");
	st_builder_begin_source(b, path, "test", crate, 0);
	for (size_t i = 0; i < n; i++) {
		st_event e = { .type = ST_EV_INTERVAL, .thread = 1, .kind = kind,
		               .label = st_intern_cstr(s, v[i].label ? v[i].label
		                                                     : v[i].buf),
		               .start = v[i].start, .end = v[i].end };
		const char *why;
		CHECK(st_builder_event(b, &e, &why));
	}
	st_builder_end_source(b, n);
	free(v);
}

typedef struct fsrc {
	const char *crate;
	uint32_t extra;
	bool with_next;   /* merged: in one builder with the next source */
} fsrc;

/* the first builder merged holds two crates, the third an old and a new */
static const fsrc fsrcs[] = {
	{ "app", 0, true }, { "lib", 0, false }, { "app", 0, false },
	{ "app", 5, true }, { "bin", 1, false }, { "lib", 30, false },
	{ "app", 2, false },
};
#define NFSRC (sizeof fsrcs / sizeof fsrcs[0])

/* Every source fed to one builder, or each to its own and merged. */
static st_model *fanout_model(bool merged)
{
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	for (size_t i = 0; i < NFSRC; i++) {
		char path[32];
		snprintf(path, sizeof path, "f%zu", i);
		if (!merged) {
			feed_fanout(b, path, fsrcs[i].crate, fsrcs[i].extra);
			continue;
		}
		st_model *pm = st_model_new();
		st_builder *pb = st_builder_new(pm);
		feed_fanout(pb, path, fsrcs[i].crate, fsrcs[i].extra);
		while (fsrcs[i].with_next && i + 1 < NFSRC) {
			i++;
			snprintf(path, sizeof path, "f%zu", i);
			feed_fanout(pb, path, fsrcs[i].crate, fsrcs[i].extra);
		}
		st_builder_trim(pb);
		st_builder_merge(b, pb);
		st_builder_free(pb);
		st_model_free(pm);
	}
	st_builder_finish(b);
	st_builder_free(b);
	return m;
}

/* Nodes with the same parent and the same label, in any tree: a lookup
 * that missed a child that was there. */
static uint32_t duplicate_children(const st_tree *t)
{
	uint32_t dups = 0;
	for (uint32_t id = 0; id < t->len; id++)
		for (uint32_t a = t->nodes[id].first_child; a != ST_NIL;
		     a = t->nodes[a].next_sibling)
			for (uint32_t c = t->nodes[a].next_sibling; c != ST_NIL;
			     c = t->nodes[c].next_sibling)
				dups += t->nodes[a].name == t->nodes[c].name &&
				        t->nodes[a].arg == t->nodes[c].arg;
	return dups;
}

/* The stack tree one builder makes from seven sources of three crates, whose
 * parents have 1 to 70 children, some gaining children in later sources:
 * no child twice, every event once, and a merge of five builders gives the
 * same tree node for node (crates new to it in one pass, crates it has by
 * lookups). */
static void check_lookups(void)
{
	st_model *one = fanout_model(false), *mer = fanout_model(true);
	const st_tree *a = &one->stack, *b = &mer->stack;
	CHECK_INT(duplicate_children(a), 0);
	CHECK_INT(duplicate_children(b), 0);
	/* root, three crates; per crate the root activity, 8 parents, their
	 * children (the most any source gave) and the odd ones' grandchildren */
	uint32_t want = 4;
	for (int c = 0; c < 3; c++) {
		uint32_t extra = c == 0 ? 5 : c == 1 ? 30 : 1;
		want += 1 + NPARENTS;
		for (uint32_t p = 0; p < NPARENTS; p++) {
			uint32_t kids = fanout[p] + (p % 2 ? extra : 0);
			want += kids + kids / 2;
		}
	}
	CHECK_INT(a->len, want);
	CHECK_INT(b->len, a->len);
	uint64_t count = 0;
	for (uint32_t id = 0; id < a->len && id < b->len; id++) {
		const st_node *x = &a->nodes[id], *y = &b->nodes[id];
		count += x->count;
		CHECK(x->parent == y->parent && x->first_child == y->first_child &&
		      x->next_sibling == y->next_sibling && x->count == y->count &&
		      x->total_ns == y->total_ns && x->self_ns == y->self_ns);
		CHECK(strcmp(st_str(one->strs, x->name), st_str(mer->strs, y->name)) == 0);
	}
	CHECK_INT(count, one->total_events);
	st_model_free(one);
	st_model_free(mer);
}

int main(void)
{
	check_lookups();
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	st_event_hook hook = { m->strs, on_enter, on_leave };
	st_builder_set_hook(b, &hook);
	feed(b, m->strs, "app");
	st_builder_finish(b);
	st_builder_free(b);
	check_labels(m);
	check_codegen(m);
	check_async(m);
	check_stack(m);
	CHECK_INT(enters, (int)NEV);
	CHECK_INT(marked_leaves, 2);
	CHECK_INT(marked_self, 40);
	st_model_free(m);

	/* two sources of one crate merge; thread ids restart per source */
	m = st_model_new();
	b = st_builder_new(m);
	feed(b, m->strs, "app");
	feed(b, m->strs, "app");
	st_builder_finish(b);
	st_builder_free(b);
	CHECK_INT(m->sources.len, 2);
	CHECK_INT(st_tree_nchildren(&m->stack, 0), 1);
	CHECK_INT(m->llvm_self_ns, 240);
	CHECK(fn(m, "app::f::{closure#0}") && fn(m, "app::f::{closure#0}")->llvm_ns == 120);
	st_model_free(m);

	/* -Z self-profile-events=llvm alone: no codegen activities, the
	 * outermost pass names the module */
	m = st_model_new();
	b = st_builder_new(m);
	st_builder_begin_source(b, "z", "test", "app", 0);
	uint32_t mod = st_intern_cstr(m->strs, CGU), fnc = st_intern_cstr(m->strs, FC);
	uint32_t kind = st_intern_cstr(m->strs, "LLVM Pass");
	st_event outer_pass = { .type = ST_EV_INTERVAL, .thread = 7, .kind = kind,
	                        .label = st_intern_cstr(m->strs, "ModuleToFunctionPassAdaptor"),
	                        .args = &mod, .nargs = 1, .start = 0, .end = 50 };
	st_event inner_pass = outer_pass;
	inner_pass.label = st_intern_cstr(m->strs, "SROAPass");
	inner_pass.args = &fnc;
	inner_pass.start = 10;
	inner_pass.end = 40;
	const char *why0;
	CHECK(st_builder_event(b, &outer_pass, &why0));
	CHECK(st_builder_event(b, &inner_pass, &why0));
	st_builder_end_source(b, 2);
	st_builder_finish(b);
	st_builder_free(b);
	CHECK_INT(m->cgus.len, 1);
	CHECK(fn(m, "app::f::{closure#0}") && fn(m, "app::f::{closure#0}")->llvm_ns == 30);
	st_model_free(m);

	/* an interval that ends before it starts is refused */
	m = st_model_new();
	b = st_builder_new(m);
	st_builder_begin_source(b, "y", "test", "c", 0);
	st_event bad = { .type = ST_EV_INTERVAL, .kind = st_intern_cstr(m->strs, "Query"),
	                 .label = 1, .start = 10, .end = 5 };
	const char *why = NULL;
	CHECK(!st_builder_event(b, &bad, &why) && why != NULL);
	/* two intervals of one thread that partly overlap are refused too */
	st_event outer = bad, inner = bad;
	outer.start = 10; outer.end = 30;
	inner.start = 5; inner.end = 20;
	CHECK(st_builder_event(b, &outer, &why));
	CHECK(!st_builder_event(b, &inner, &why) && why != NULL);
	st_builder_end_source(b, 1);
	st_builder_finish(b);
	st_builder_free(b);
	st_model_free(m);

	check_summarize_columns();
	check_threaded_finish();
	return check_done();
}
