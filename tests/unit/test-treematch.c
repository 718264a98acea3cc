/* Unit tests: tree search (treematch.h) on a small synthetic model fed
 * through the builder, with every figure worked out by hand below.
 *
 * Crate "app", thread 1 (times in ns):
 *   codegen_crate                       0..1000
 *     codegen_module  CGU              10..400   self 120
 *       InlinerPass     F (closure)    20..200   self 130
 *         InstCombinePass F            30..80    self 50
 *       InstCombinePass G (Foo::bar)  210..300   self 90
 *     run_server_query                500..900   self 310
 *       type_of                       520..560   self 40
 *       run_server_query              600..650   self 50
 *     foo_query                       910..950   self 40
 * Crate "other":
 *   run_server_query                    0..30    self 30
 *
 * The stack tree keys LLVM passes by label alone (their functions are the
 * codegen trees'), so InstCombinePass is two nodes, by parent.
 * /Inliner|InstCombine|run_server/ on it: InlinerPass, the InstCombinePass
 * inside it and the one beside it, the two run_server_query of app and the
 * one of other: count 6, total 180 + 90 + 400 + 30 = 700 (the nested ones
 * once), self 130 + 50 + 90 + 310 + 50 + 30 = 660. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/treematch.h"

typedef struct ev {
	const char *kind, *label, *a0;
	uint64_t start, end;
} ev;

#define CGU "app.0123456789abcdef-cgu.0"
#define F "app[0123456789abcdef]::run_server::{closure#0}"
#define G "app[0123456789abcdef]::Foo::bar"

static const ev app_events[] = {
	{ "GenericActivity", "codegen_crate", NULL, 0, 1000 },
	{ "GenericActivity", "codegen_module", CGU, 10, 400 },
	{ "LLVM Pass", "InlinerPass", F, 20, 200 },
	{ "LLVM Pass", "InstCombinePass", F, 30, 80 },
	{ "LLVM Pass", "InstCombinePass", G, 210, 300 },
	{ "Query", "run_server_query", NULL, 500, 900 },
	{ "Query", "type_of", NULL, 520, 560 },
	{ "Query", "run_server_query", NULL, 600, 650 },
	{ "Query", "foo_query", NULL, 910, 950 },
};
static const ev other_events[] = {
	{ "Query", "run_server_query", NULL, 0, 30 },
};

static int by_end_desc(const void *x, const void *y)
{
	const ev *a = *(const ev *const *)x, *b = *(const ev *const *)y;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static void feed(st_builder *b, const char *crate, const ev *evs, size_t n)
{
	st_strtab *s = st_builder_strs(b);
	const ev *order[16];
	uint32_t args[16];   /* the builder keeps args until the source ends */
	for (size_t i = 0; i < n; i++)
		order[i] = &evs[i];
	qsort(order, n, sizeof order[0], by_end_desc);
	st_builder_begin_source(b, crate, "test", crate, 0);
	for (size_t i = 0; i < n; i++) {
		const ev *v = order[i];
		args[i] = v->a0 ? st_intern_cstr(s, v->a0) : 0;
		st_event e = { .type = ST_EV_INTERVAL, .thread = 1,
		               .kind = st_intern_cstr(s, v->kind),
		               .label = st_intern_cstr(s, v->label),
		               .args = &args[i], .nargs = v->a0 ? 1 : 0,
		               .start = v->start, .end = v->end };
		const char *why;
		CHECK(st_builder_event(b, &e, &why));
	}
	st_builder_end_source(b, n);
}

static st_model *build(void)
{
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	feed(b, "app", app_events, sizeof app_events / sizeof app_events[0]);
	feed(b, "other", other_events, 1);
	st_builder_finish(b);
	st_builder_free(b);
	return m;
}

/* The child of parent whose name reads `name` (and, when arg is not NULL,
 * whose argument reads arg); ST_NIL when none. */
static uint32_t kid(const st_model *m, const st_tree *t, uint32_t parent,
                    const char *name, const char *arg)
{
	for (uint32_t c = t->nodes[parent].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling) {
		const st_node *n = &t->nodes[c];
		if (strcmp(st_model_str(m, n->name), name) != 0)
			continue;
		if (arg && (n->arg == ST_NOSTR ||
		            strcmp(st_model_str(m, n->arg), arg) != 0))
			continue;
		return c;
	}
	return ST_NIL;
}

typedef struct figures {
	uint32_t count;
	uint64_t total;
	int64_t self;
} figures;

/* Compiles pat, searches tree t, returns the whole-tree figures and leaves
 * the match set in *tm (caller frees). */
static figures search(const st_model *m, const st_tree *t, const char *pat,
                      bool raw, st_tree_match *tm)
{
	char err[256];
	st_regex *re = st_regex_compile(pat, err, sizeof err);
	CHECK(re != NULL);
	st_match_cache *c = st_match_cache_new(m, re, raw);
	CHECK(c != NULL);
	CHECK(st_tree_match_compute(tm, m, t, c));
	CHECK_INT(tm->len, t->len);
	st_match_cache_free(c);
	st_regex_free(re);
	return (figures){ tm->count, tm->total_ns, tm->self_ns };
}

/* Computing in slices gives what the whole computation gives. */
static void check_slices(const st_model *m, const st_tree *t, const char *pat,
                         bool raw, bool ordered)
{
	char err[256];
	st_regex *re = st_regex_compile(pat, err, sizeof err);
	st_match_cache *c = st_match_cache_new(m, re, raw);
	st_tree_match whole;
	CHECK(st_tree_match_compute(&whole, m, t, c));
	/* the compact columns a viewer gives large trees (treematch.h) */
	uint32_t *parent = malloc((size_t)t->len * sizeof *parent);
	uint32_t *names = malloc((size_t)t->len * 2 * sizeof *names);
	for (uint32_t i = 0; i < t->len; i++) {
		parent[i] = t->nodes[i].parent;
		names[2 * i] = t->nodes[i].name;
		names[2 * i + 1] = t->nodes[i].arg;
	}
	static const uint32_t budgets[] = { 0, 1, 2, 3, 7, 1000, UINT32_MAX };
	for (size_t b = 0; b < 2 * sizeof budgets / sizeof budgets[0]; b++) {
		bool cols = b >= sizeof budgets / sizeof budgets[0];
		uint32_t budget = budgets[b % (sizeof budgets / sizeof budgets[0])];
		st_tree_match_job *j = st_tree_match_begin(m, t, c);
		CHECK(j != NULL);
		if (cols)
			st_tree_match_use_columns(j, parent, names);
		st_tree_match tm = { 0 };
		uint32_t steps = 0;
		while (!st_tree_match_step(j, budget, &tm) && steps < 10000)
			steps++;
		CHECK(st_tree_match_step(j, budget, &tm));   /* stays done */
		st_tree_match_job_free(j);
		if (ordered && budget && budget < t->len)
			CHECK(steps >= t->len / budget - 1);
		CHECK_INT(tm.len, whole.len);
		CHECK_INT(tm.count, whole.count);
		CHECK_INT(tm.total_ns, whole.total_ns);
		CHECK_INT(tm.self_ns, whole.self_ns);
		CHECK(tm.flags && memcmp(tm.flags, whole.flags, whole.len) == 0);
		st_tree_match_free(&tm);
	}
	/* into a used buffer (what typing recycles), after a cancelled job
	 * left it half written with another pattern's flags */
	uint8_t *dirty = malloc(t->len);
	memset(dirty, 0xff, t->len);
	st_tree_match_job *j = st_tree_match_begin_into(m, t, c, dirty);
	st_tree_match first = { 0 };
	if (st_tree_match_step(j, 1, &first)) {   /* a tiny tree: done at once */
		CHECK(st_tree_match_job_cancel(j) == NULL);
		dirty = first.flags;
	} else {
		dirty = st_tree_match_job_cancel(j);
	}
	CHECK(dirty != NULL);
	memset(dirty, 0xff, t->len);
	j = st_tree_match_begin_into(m, t, c, dirty);
	st_tree_match tm = { 0 };
	while (!st_tree_match_step(j, 3, &tm))
		;
	CHECK(st_tree_match_job_cancel(j) == NULL);   /* the flags are tm's now */
	CHECK(tm.flags == dirty);
	CHECK_INT(tm.count, whole.count);
	CHECK(memcmp(tm.flags, whole.flags, whole.len) == 0);
	st_tree_match_free(&tm);
	st_tree_match_free(&whole);
	st_match_cache_free(c);
	st_regex_free(re);
	free(parent);
	free(names);
}

static figures count_only(const st_model *m, const st_tree *t,
                          const char *pat, bool raw)
{
	st_tree_match tm;
	figures f = search(m, t, pat, raw, &tm);
	st_tree_match_free(&tm);
	return f;
}

#define PAT "Inliner|InstCombine|run_server"

static void test_stack(const st_model *m)
{
	const st_tree *t = &m->stack;
	uint32_t app = kid(m, t, 0, "app", NULL);
	uint32_t other = kid(m, t, 0, "other", NULL);
	uint32_t cc = kid(m, t, app, "codegen_crate", NULL);
	uint32_t cm = kid(m, t, cc, "codegen_module", NULL);
	uint32_t inl = kid(m, t, cm, "InlinerPass", NULL);
	uint32_t ic_in = kid(m, t, inl, "InstCombinePass", NULL);
	uint32_t ic_g = kid(m, t, cm, "InstCombinePass", NULL);
	uint32_t rq = kid(m, t, cc, "run_server_query", NULL);
	uint32_t ty = kid(m, t, rq, "type_of", NULL);
	uint32_t rq2 = kid(m, t, rq, "run_server_query", NULL);
	uint32_t fq = kid(m, t, cc, "foo_query", NULL);
	uint32_t orq = kid(m, t, other, "run_server_query", NULL);
	uint32_t all[] = { app, other, cc, cm, inl, ic_in, ic_g, rq, ty, rq2, fq, orq };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		CHECK(all[i] != ST_NIL);
	if (ic_g == ST_NIL || orq == ST_NIL || fq == ST_NIL)
		return;
	CHECK_INT(t->nodes[inl].self_ns, 130);
	CHECK_INT(t->nodes[rq].self_ns, 310);

	/* no function is a stack-tree argument */
	for (uint32_t id = 0; id < t->len; id++)
		CHECK(t->nodes[id].arg == ST_NOSTR || id == cm);

	st_tree_match tm;
	figures f = search(m, t, PAT, false, &tm);
	CHECK_INT(f.count, 6);
	CHECK_INT(f.total, 700);
	CHECK_INT(f.self, 660);

	/* flags: matches, ancestors of matches, matches' descendants */
	CHECK_INT(tm.flags[0], ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[app], ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[cc], ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[cm], ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[inl], ST_TM_MATCH | ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[ic_in], ST_TM_MATCH | ST_TM_INSIDE);
	CHECK_INT(tm.flags[ic_g], ST_TM_MATCH);
	CHECK_INT(tm.flags[rq], ST_TM_MATCH | ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[ty], ST_TM_INSIDE);
	CHECK_INT(tm.flags[rq2], ST_TM_MATCH | ST_TM_INSIDE);
	CHECK_INT(tm.flags[fq], 0);
	CHECK_INT(tm.flags[orq], ST_TM_MATCH);

	/* within a zoom: nesting judged inside the zoom */
	uint64_t tot;
	int64_t self;
	uint32_t cnt;
	st_tree_match_within(&tm, t, 0, &tot, &self, &cnt);
	CHECK_INT(cnt, 6); CHECK_INT(tot, 700); CHECK_INT(self, 660);
	st_tree_match_within(&tm, t, app, &tot, &self, &cnt);
	CHECK_INT(cnt, 5); CHECK_INT(tot, 670); CHECK_INT(self, 630);
	st_tree_match_within(&tm, t, cm, &tot, &self, &cnt);
	CHECK_INT(cnt, 3); CHECK_INT(tot, 270); CHECK_INT(self, 270);
	st_tree_match_within(&tm, t, ic_in, &tot, &self, &cnt);
	CHECK_INT(cnt, 1); CHECK_INT(tot, 50); CHECK_INT(self, 50);
	st_tree_match_within(&tm, t, rq, &tot, &self, &cnt);
	CHECK_INT(cnt, 2); CHECK_INT(tot, 400); CHECK_INT(self, 360);
	st_tree_match_within(&tm, t, ty, &tot, &self, &cnt);
	CHECK_INT(cnt, 0); CHECK_INT(tot, 0); CHECK_INT(self, 0);
	st_tree_match_within(&tm, t, ic_g, &tot, &self, &cnt);
	CHECK_INT(cnt, 1); CHECK_INT(tot, 90); CHECK_INT(self, 90);

	/* breakdowns */
	uint32_t n;
	st_breakdown_row *r = st_tree_match_breakdown(&tm, m, t, ST_BY_CRATE, &n);
	CHECK_INT(n, 2);
	if (r && n == 2) {
		CHECK_STR(st_model_str(m, r[0].name), "app");
		CHECK_INT(r[0].count, 5); CHECK_INT(r[0].total_ns, 670);
		CHECK_INT(r[0].self_ns, 630);
		CHECK_STR(st_model_str(m, r[1].name), "other");
		CHECK_INT(r[1].count, 1); CHECK_INT(r[1].total_ns, 30);
		CHECK_INT(r[1].self_ns, 30);
	}
	free(r);
	/* with a diff's BASE figures per node, summed as NEW's are (nested
	 * matches once); rows rank by the larger total of the two sides */
	st_diff_node *base = calloc(t->len, sizeof *base);
	for (uint32_t id = 0; base && id < t->len; id++) {
		base[id].total_ns = 2 * t->nodes[id].total_ns;
		base[id].self_ns = 3 * t->nodes[id].self_ns;
	}
	r = base ? st_tree_match_breakdown_base(&tm, m, t, ST_BY_CRATE, base, &n) : NULL;
	CHECK_INT(n, 2);
	if (r && n == 2) {
		CHECK_STR(st_model_str(m, r[0].name), "app");
		CHECK_INT(r[0].total_ns, 670); CHECK_INT(r[0].base_total_ns, 1340);
		CHECK_INT(r[0].base_self_ns, 1890);
		CHECK_INT(r[1].base_total_ns, 60); CHECK_INT(r[1].base_self_ns, 90);
	}
	free(r);
	if (base)
		base[orq].total_ns = 5000;   /* "other" was larger before */
	r = base ? st_tree_match_breakdown_base(&tm, m, t, ST_BY_CRATE, base, &n) : NULL;
	CHECK_INT(n, 2);
	if (r && n == 2) {
		CHECK_STR(st_model_str(m, r[0].name), "other");
		CHECK_INT(r[0].total_ns, 30); CHECK_INT(r[0].base_total_ns, 5000);
	}
	free(r);
	free(base);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_CGU, &n);
	CHECK_INT(n, 2);
	if (r && n == 2) {
		CHECK_INT(r[0].name, ST_NOSTR);   /* outside any CGU */
		CHECK_INT(r[0].count, 3); CHECK_INT(r[0].total_ns, 430);
		CHECK_INT(r[0].self_ns, 390);
		CHECK_STR(st_model_str(m, r[1].name), "app-cgu.0");
		CHECK_INT(r[1].count, 3); CHECK_INT(r[1].total_ns, 270);
		CHECK_INT(r[1].self_ns, 270);
	}
	free(r);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_PASS, &n);
	CHECK_INT(n, 3);
	if (r && n == 3) {
		CHECK_INT(r[0].name, ST_NOSTR);
		CHECK_INT(r[0].count, 3); CHECK_INT(r[0].total_ns, 430);
		CHECK_STR(st_model_str(m, r[1].name), "InlinerPass");
		CHECK_INT(r[1].count, 1); CHECK_INT(r[1].total_ns, 180);
		CHECK_INT(r[1].self_ns, 130);
		/* one nested in a match of another row: counted in its own
		 * row all the same */
		CHECK_STR(st_model_str(m, r[2].name), "InstCombinePass");
		CHECK_INT(r[2].count, 2); CHECK_INT(r[2].total_ns, 140);
		CHECK_INT(r[2].self_ns, 140);
	}
	free(r);
	st_tree_match_free(&tm);
	CHECK(tm.flags == NULL);

	check_slices(m, t, PAT, false, true);
	check_slices(m, t, "^app-cgu", true, true);
	check_slices(m, &m->codegen, "run_server", false, true);

	/* smart case (more in test_codegen, where Foo::bar is) */
	f = count_only(m, t, "foo", false);
	CHECK_INT(f.count, 1);           /* foo_query */
	f = count_only(m, t, "FOO_QUERY", false);
	CHECK_INT(f.count, 0);

	/* raw vs normalised: the CGU is its module's display name */
	f = count_only(m, t, "^app-cgu", false);
	CHECK_INT(f.count, 1);
	f = count_only(m, t, "^app-cgu", true);
	CHECK_INT(f.count, 0);
	f = count_only(m, t, "-cgu\\.0$", true);
	CHECK_INT(f.count, 1);           /* the raw module name */
	f = count_only(m, t, "run_server::", false);
	CHECK_INT(f.count, 0);           /* functions are no stack-tree names */

	/* nothing matches: figures zero, no flags set */
	f = search(m, t, "no such thing", false, &tm);
	CHECK_INT(f.count, 0);
	CHECK_INT(f.total, 0);
	CHECK_INT(tm.flags[0], 0);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_PASS, &n);
	CHECK(r == NULL);
	CHECK_INT(n, 0);
	st_tree_match_within(&tm, t, 0, &tot, &self, &cnt);
	CHECK_INT(cnt, 0);
	st_tree_match_free(&tm);

	/* the build root has no name of its own: an everything-pattern
	 * matches every other node */
	f = count_only(m, t, "", false);
	CHECK_INT(f.count, t->len - 1);
	CHECK_INT(f.total, t->nodes[0].total_ns);
}

static void test_codegen(const st_model *m)
{
	const st_tree *t = &m->codegen;
	st_tree_match tm;
	figures f = search(m, t, "run_server", false, &tm);
	/* the closure under InlinerPass (130) and under InstCombinePass (50) */
	CHECK_INT(f.count, 2);
	CHECK_INT(f.total, 180);
	CHECK_INT(f.self, 180);
	uint32_t n;
	st_breakdown_row *r = st_tree_match_breakdown(&tm, m, t, ST_BY_PASS, &n);
	CHECK_INT(n, 2);
	if (r && n == 2) {
		CHECK_STR(st_model_str(m, r[0].name), "InlinerPass");
		CHECK_INT(r[0].total_ns, 130);
		CHECK_STR(st_model_str(m, r[1].name), "InstCombinePass");
		CHECK_INT(r[1].total_ns, 50);
	}
	free(r);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_CGU, &n);
	CHECK_INT(n, 1);
	if (r && n == 1) {
		CHECK_STR(st_model_str(m, r[0].name), "app-cgu.0");
		CHECK_INT(r[0].count, 2);
		CHECK_INT(r[0].total_ns, 180);
	}
	free(r);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_CRATE, &n);
	CHECK_INT(n, 1);
	if (r && n == 1)
		CHECK_STR(st_model_str(m, r[0].name), "app");
	free(r);
	st_tree_match_free(&tm);

	/* smart case */
	f = count_only(m, t, "foo", false);
	CHECK_INT(f.count, 1);           /* Foo::bar, caseless */
	f = count_only(m, t, "fOO", false);
	CHECK_INT(f.count, 0);           /* an upper-case letter: case-sensitive */
	f = count_only(m, t, "Foo", false);
	CHECK_INT(f.count, 1);
	CHECK_INT(f.total, 90);
	/* a regex escape is no upper-case letter: \S stays caseless */
	f = count_only(m, t, "\\SfOO", false);
	CHECK_INT(f.count, 0);           /* fOO: case-sensitive */
	f = count_only(m, t, "\\Sfoo", false);
	CHECK_INT(f.count, 1);           /* "::Foo::bar" */
	f = count_only(m, t, "\\p{Lu}oo", false);
	CHECK_INT(f.count, 1);           /* the property is no letter: Foo only
	                                    through \p{Lu}, caseless elsewhere */
	f = count_only(m, t, "::run_server::\\{closure#\\d+\\}$", false);
	CHECK_INT(f.count, 2);
	CHECK_INT(f.total, 180);

	/* raw matching sees the raw spellings kept as arguments, never the
	 * normalised names */
	f = count_only(m, t, "\\[", true);
	CHECK_INT(f.count, 3);
	f = count_only(m, t, "\\[", false);
	CHECK_INT(f.count, 0);
	f = count_only(m, t, "^app::run_server", true);
	CHECK_INT(f.count, 0);
	f = count_only(m, t, "^app::run_server", false);
	CHECK_INT(f.count, 2);
	f = count_only(m, t, "cgu", true);
	CHECK_INT(f.count, 1);

	/* a pass and its function both match: their self time is one
	 * event's, counted once (a pass's functions split its time) */
	f = search(m, t, "^InlinerPass$|run_server", false, &tm);
	CHECK_INT(f.count, 3);
	CHECK_INT(f.total, 180);
	CHECK_INT(f.self, 180);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_PASS, &n);
	CHECK(r && n == 2 && r[0].self_ns == 130 && r[1].self_ns == 50);
	free(r);
	st_tree_match_free(&tm);

	/* pivot: the function matches once, its passes lie below it */
	t = &m->pivot;
	f = search(m, t, "run_server", false, &tm);
	CHECK_INT(f.count, 1);
	CHECK_INT(f.total, 180);
	r = st_tree_match_breakdown(&tm, m, t, ST_BY_PASS, &n);
	CHECK_INT(n, 1);
	if (r && n == 1) {
		CHECK_INT(r[0].name, ST_NOSTR);
		CHECK_INT(r[0].total_ns, 180);
	}
	free(r);
	st_tree_match_free(&tm);
}

/* The match count of tree t for pat through cache c reset to it, and the
 * same from a fresh cache. */
static void reset_to(const st_model *m, const st_tree *t, st_match_cache *c,
                     st_regex **re, const char *pat, bool raw, uint32_t *with,
                     uint32_t *fresh)
{
	char err[256];
	st_regex_free(*re);
	*re = st_regex_compile(pat, err, sizeof err);
	CHECK(*re != NULL);
	st_match_cache_reset(c, *re, raw);
	st_tree_match tm;
	CHECK(st_tree_match_compute(&tm, m, t, c));
	*with = tm.count;
	st_tree_match_free(&tm);
	st_match_cache *f = st_match_cache_new(m, *re, raw);
	CHECK(st_tree_match_compute(&tm, m, t, f));
	*fresh = tm.count;
	st_tree_match_free(&tm);
	st_match_cache_free(f);
}

/* Typing and erasing a plain pattern keep the answers that cannot change,
 * and the matches are those of a fresh cache; any other change empties
 * the cache. */
static void test_cache_kept(const st_model *m)
{
	const st_tree *t = &m->codegen;
	char err[256];
	st_regex *re = st_regex_compile("run", err, sizeof err);
	st_match_cache *c = st_match_cache_new(m, re, false);
	st_tree_match tm;
	CHECK(st_tree_match_compute(&tm, m, t, c));
	st_tree_match_free(&tm);
	uint32_t known = st_match_cache_known(c), with, fresh;
	CHECK(known > 0);
	/* typed on: the "no"s stay */
	reset_to(m, t, c, &re, "run_server", false, &with, &fresh);
	CHECK_INT(with, fresh);
	CHECK_INT(with, 2);
	reset_to(m, t, c, &re, "run_serverX", false, &with, &fresh);   /* now case-sensitive */
	CHECK_INT(with, fresh);
	CHECK_INT(with, 0);
	/* erased back to a shorter one: the "yes"es stay (none here), then
	 * typing a different letter keeps nothing of a name that matched */
	reset_to(m, t, c, &re, "r", false, &with, &fresh);
	CHECK_INT(with, fresh);
	CHECK(with > 2);
	uint32_t yes = st_match_cache_known(c);
	reset_to(m, t, c, &re, "ru", false, &with, &fresh);
	CHECK_INT(with, fresh);
	CHECK(st_match_cache_known(c) >= yes);   /* the "no"s of r stayed */
	/* neither holds the other, an operator, or raw matching: emptied */
	st_match_cache_reset(c, re, false);
	CHECK(st_match_cache_known(c) > 0);      /* the same pattern: all kept */
	char err2[256];
	st_regex *other = st_regex_compile("foo", err2, sizeof err2);
	st_match_cache_reset(c, other, false);
	CHECK_INT(st_match_cache_known(c), 0);
	st_regex_free(other);
	reset_to(m, t, c, &re, "f", false, &with, &fresh);
	CHECK(st_match_cache_known(c) > 0);
	reset_to(m, t, c, &re, "f.o", false, &with, &fresh);
	CHECK_INT(with, fresh);
	st_regex *op = st_regex_compile("f.", err2, sizeof err2);
	st_match_cache_reset(c, op, false);
	CHECK_INT(st_match_cache_known(c), 0);
	st_regex_free(op);
	reset_to(m, t, c, &re, "f", false, &with, &fresh);
	st_match_cache_reset(c, re, true);
	CHECK_INT(st_match_cache_known(c), 0);
	st_match_cache_free(c);
	st_regex_free(re);
}

static void test_cache(const st_model *m)
{
	char err[256];
	st_regex *re = st_regex_compile("\\[", err, sizeof err);
	uint32_t id = st_lookup(m->strs, F, strlen(F));
	CHECK(id != ST_NOSTR);
	st_match_cache *c = st_match_cache_new(m, re, false);
	CHECK(!st_match_cache_test(c, id));
	CHECK(!st_match_cache_test(c, id));   /* cached answer, same result */
	CHECK(!st_match_cache_test(c, ST_NOSTR));
	st_match_cache_free(c);
	c = st_match_cache_new(m, re, true);
	CHECK(st_match_cache_test(c, id));
	CHECK(st_match_cache_test(c, id));
	/* reset for another pattern: no answer of the old one survives */
	st_regex *re2 = st_regex_compile("run_server", err, sizeof err);
	st_match_cache_reset(c, re2, false);
	CHECK(st_match_cache_test(c, id));
	st_match_cache_reset(c, re, false);
	CHECK(!st_match_cache_test(c, id));
	st_match_cache_free(c);
	st_regex_free(re2);
	st_regex_free(re);
}

/* A tree whose parent ids do not all precede their children's (not what the
 * builder makes, but the contract does not depend on it). */
static void test_order_fallback(void)
{
	st_model *m = st_model_new();
	st_tree *t = &m->stack;
	uint32_t a = st_tree_add(t, 0, st_intern_cstr(m->strs, "a"), ST_NOSTR, ST_K_QUERY);
	uint32_t b = st_tree_add(t, a, st_intern_cstr(m->strs, "b"), ST_NOSTR, ST_K_QUERY);
	uint32_t c = st_tree_add(t, 0, st_intern_cstr(m->strs, "c"), ST_NOSTR, ST_K_QUERY);
	/* move a (and b) under c: root -> c -> a -> b */
	t->nodes[0].first_child = c;
	t->nodes[c].next_sibling = ST_NIL;
	t->nodes[a].parent = c;
	t->nodes[a].next_sibling = ST_NIL;
	t->nodes[c].first_child = a;
	t->nodes[b].total_ns = t->nodes[b].self_ns = 5;
	t->nodes[a].total_ns = 7;
	t->nodes[a].self_ns = 2;
	t->nodes[c].total_ns = 10;
	t->nodes[c].self_ns = 3;
	t->nodes[0].total_ns = 10;
	st_tree_match tm;
	figures f = search(m, t, "^[bc]$", false, &tm);
	CHECK_INT(f.count, 2);
	CHECK_INT(f.total, 10);
	CHECK_INT(f.self, 8);
	CHECK_INT(tm.flags[a], ST_TM_INSIDE | ST_TM_ANCESTOR);
	CHECK_INT(tm.flags[b], ST_TM_MATCH | ST_TM_INSIDE);
	CHECK_INT(tm.flags[c], ST_TM_MATCH | ST_TM_ANCESTOR);
	st_tree_match_free(&tm);
	check_slices(m, t, "^[bc]$", false, false);
	st_model_free(m);
}

int main(void)
{
	st_model *m = build();
	test_stack(m);
	test_codegen(m);
	test_cache(m);
	test_cache_kept(m);
	st_model_free(m);
	test_order_fallback();
	return check_done();
}
