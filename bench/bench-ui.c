/* bench-ui: interaction latency on a large tree, measured inside the program.
 *
 * Builds a synthetic build through the builder API (8 worker threads, each
 * optimising one CGU: per function a PassManager with 8 passes, each with an
 * analysis below), which gives well over a million nodes in the stack tree,
 * then replays a key script headlessly at 200x60 and reports the time from
 * each key to a finished frame: p50, p99 and the worst, per view.
 * Usage: bench-ui [functions-per-thread]   (default 15000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stalactite/builder.h"
#include "../src/tui.h"

#define THREADS 8
#define PASSES 8

static const char *const passes[PASSES] = {
	"InstCombinePass", "SROAPass", "GVNPass", "SimplifyCFGPass", "EarlyCSEPass",
	"InlinerPass", "LICMPass", "DSEPass",
};

typedef struct sink {
	st_builder *b;
	uint32_t kind_pass, kind_act, label_mod, label_pm, label_an;
	uint32_t pass_ids[PASSES];
	uint64_t events;
} sink;

static void emit(sink *s, uint32_t thread, uint32_t kind, uint32_t label,
                 const uint32_t *arg, uint64_t start, uint64_t end)
{
	st_event e = { .type = ST_EV_INTERVAL, .thread = thread, .kind = kind,
	               .label = label, .args = arg, .nargs = 1, .start = start, .end = end };
	const char *why;
	if (!st_builder_event(s->b, &e, &why)) {
		fprintf(stderr, "bench-ui: %s\n", why);
		exit(1);
	}
	s->events++;
}

/* One thread's events, latest end first (the builder's order). */
static void thread_events(sink *s, st_strtab *strs, uint32_t t, uint32_t nfn,
                          uint32_t *args)
{
	const uint64_t span = 1000;
	char name[160];
	snprintf(name, sizeof name, "bench.0123456789abcdef-cgu.%u", t);
	uint32_t *cgu = &args[0];
	*cgu = st_intern_cstr(strs, name);
	emit(s, t + 2, s->kind_act, s->label_mod, cgu, 0, (uint64_t)nfn * span + 10);
	for (uint32_t f = nfn; f-- > 0;) {
		uint32_t *fn = &args[1 + f];
		snprintf(name, sizeof name,
		         "bench[0123456789abcdef]::service%u::handler_%u::{closure#0}", t, f);
		*fn = st_intern_cstr(strs, name);
		uint64_t base = (uint64_t)f * span + 5;
		emit(s, t + 2, s->kind_pass, s->label_pm, fn, base, base + 900);
		for (int p = PASSES; p-- > 0;) {
			uint64_t ps = base + 10 + (uint64_t)p * 100;
			emit(s, t + 2, s->kind_pass, s->pass_ids[p], fn, ps, ps + 90);
			emit(s, t + 2, s->kind_pass, s->label_an, fn, ps + 10, ps + 30);
		}
	}
}

static st_model *synthetic(uint32_t nfn)
{
	st_model *m = st_model_new();
	sink s = { .b = st_builder_new(m) };
	st_strtab *strs = m->strs;
	s.kind_pass = st_intern_cstr(strs, "LLVM Pass");
	s.kind_act = st_intern_cstr(strs, "GenericActivity");
	s.label_mod = st_intern_cstr(strs, "LLVM_module_optimize");
	s.label_pm = st_intern_cstr(strs, "PassManager<Function>");
	s.label_an = st_intern_cstr(strs, "DominatorTreeAnalysis");
	for (int p = 0; p < PASSES; p++)
		s.pass_ids[p] = st_intern_cstr(strs, passes[p]);
	uint32_t **args = malloc(THREADS * sizeof *args);
	st_builder_begin_source(s.b, "synthetic", "bench", "bench", 0);
	for (uint32_t t = THREADS; t-- > 0;) {
		args[t] = malloc((nfn + 1) * sizeof **args);   /* live until the end */
		thread_events(&s, strs, t, nfn, args[t]);
	}
	st_builder_end_source(s.b, s.events);
	st_builder_finish(s.b);
	st_builder_free(s.b);
	for (int t = 0; t < THREADS; t++)
		free(args[t]);
	free(args);
	return m;
}

typedef struct times {
	double *v;
	size_t n, cap;
} times;

static void on_key(void *ctx, double ms)
{
	times *t = ctx;
	if (getenv("BENCH_UI_EACH"))
		fprintf(stderr, "key %zu: %.2f ms\n", t->n, ms);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = realloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void run(uint32_t nfn, const char *title, const char *keys)
{
	st_model *m = synthetic(nfn);
	uint32_t nodes = m->stack.len;
	times t = { 0 };
	tui_replay(m, keys, 200, 60, on_key, &t);   /* frees m */
	qsort(t.v, t.n, sizeof *t.v, cmp_double);
	printf("%-34s %8u nodes %4zu keys  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n",
	       title, nodes, t.n, t.v[t.n / 2], t.v[t.n * 99 / 100], t.v[t.n - 1]);
	free(t.v);
}

int main(int argc, char **argv)
{
	uint32_t nfn = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 15000;
	/* each script is replayed on a fresh model: views keep state */
	run(nfn, "icicle: move, zoom, collapse",
	    "jjjjjjlllllhhhkkk<Enter>jjjl<BS><BS> jj j<Space>jjjjkkkk");
	run(nfn, "tree: scroll, expand, sort",
	    "2jjjjj<Right>jj<Right>jjjjjjjjjj<PgDn><PgDn><PgUp>stca<Left><Left>eE");
	run(nfn, "codegen: pivot, expand",
	    "3jj<Right>jj<Right>jjjjjp<Right>jjjjj<PgDn>i<Tab>");
	run(nfn, "search: type, n, filter",
	    "2/handler_1<Enter>nnnnnNNfx/Inst<Enter>nnn");
	run(nfn, "summary: move, jump", "4jjjjjjjjjj<Enter>4jjjjj");
	run(nfn, "tables: sort, kind, open, search",
	    "6jjjjj<PgDn>actKKjjj]<Enter>jj]<Enter>jj]<Enter>[[[/handler_1<Enter>nnnN");
	return 0;
}
