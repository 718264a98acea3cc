/* bench-ui: interaction latency on a large tree, measured inside the program.
 *
 * Builds a synthetic build through the builder API (8 worker threads, each
 * optimising one CGU: per function a frame named by it with 8 passes, each
 * with an analysis below), which gives 2 M nodes in the stack tree,
 * then replays key scripts headlessly at 200x60 and reports the time from
 * each key to a finished frame: p50, p99 and the worst, per kind of key
 * (each step of a script is labelled) and per script.  BENCH_UI_EACH=1
 * prints every key's time on stderr; BENCH_UI_SCRIPT=KEYS replays only
 * KEYS (for perf record).  bench-ui PROFILE replays a fully expanded
 * tree's keys on a real profile instead.
 * Usage: bench-ui [functions-per-thread (default 15000) | PROFILE] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stalactite/builder.h"
#include "stalactite/load.h"
#include "../src/tui.h"

#define THREADS 8
#define PASSES 8

static const char *const passes[PASSES] = {
	"InstCombinePass", "SROAPass", "GVNPass", "SimplifyCFGPass", "EarlyCSEPass",
	"InlinerPass", "LICMPass", "DSEPass",
};

typedef struct sink {
	st_builder *b;
	uint32_t kind_pass, kind_act, label_mod, label_an;
	uint32_t pass_ids[PASSES];
	uint64_t events;
} sink;

static void emit(sink *s, uint32_t thread, uint32_t kind, uint32_t label,
                 const uint32_t *arg, uint64_t start, uint64_t end)
{
	st_event e = { .type = ST_EV_INTERVAL, .thread = thread, .kind = kind,
	               .label = label, .args = arg, .nargs = arg ? 1 : 0,
	               .start = start, .end = end };
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
		/* a frame named by the function, as folded stacks of a large
		 * program give: the stack tree keys a pass by label alone, so
		 * this is what makes its nodes one per function */
		emit(s, t + 2, s->kind_act, *fn, NULL, base, base + 900);
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

/* ---- replaying labelled steps ----------------------------------------------- */

/* A scenario is a list of steps; every key of a step is timed under the
 * step's label, so that one script gives figures per key ("first n",
 * "a: sort by name") and not only per script. */
typedef struct step {
	const char *label;
	const char *keys;
} step;

/* Keys in a script as tui_replay reads them: one UTF-8 character, or a
 * <Name>; <dump> and <frames> are no keys. */
static size_t count_keys(const char *s)
{
	size_t n = 0;
	while (*s) {
		const char *end = *s == '<' ? strchr(s, '>') : NULL;
		if (end) {
			size_t len = (size_t)(end - s - 1);
			if (!(len == 4 && !memcmp(s + 1, "dump", 4)) &&
			    !(len == 6 && !memcmp(s + 1, "frames", 6)))
				n++;
			s = end + 1;
			continue;
		}
		s++;
		while ((*s & 0xc0) == 0x80)
			s++;
		n++;
	}
	return n;
}

typedef struct label_times {
	const char *label;
	bool settled;            /* key to the frame with its search's matches */
	double *v;
	size_t n, cap;
} label_times;

typedef struct replay {
	const step *steps;
	size_t nsteps;
	size_t *ends;            /* key count at the end of each step */
	size_t key;              /* keys timed so far */
	label_times *labels;     /* one per distinct label, in first-seen order */
	size_t nlabels;
} replay;

static label_times *label_of(replay *r, const char *label, bool settled)
{
	for (size_t i = 0; i < r->nlabels; i++)
		if (!strcmp(r->labels[i].label, label) && r->labels[i].settled == settled)
			return &r->labels[i];
	r->labels[r->nlabels] = (label_times){ .label = label, .settled = settled };
	return &r->labels[r->nlabels++];
}

static void record(replay *r, size_t key, bool settled, double ms)
{
	size_t s = 0;
	while (s < r->nsteps && key >= r->ends[s])
		s++;
	const char *label = s < r->nsteps ? r->steps[s].label : "(after the script)";
	if (getenv("BENCH_UI_EACH"))
		fprintf(stderr, "key %zu (%s%s): %.2f ms\n", key, label,
		        settled ? ", matches shown" : "", ms);
	label_times *t = label_of(r, label, settled);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = realloc(t->v, t->cap * sizeof *t->v);
		if (!t->v)
			exit(1);
	}
	t->v[t->n++] = ms;
}

static void on_key(void *ctx, double ms)
{
	replay *r = ctx;
	record(r, r->key++, false, ms);
}

/* A search made in slices: from its key to the frame with the matches. */
static void on_settle(void *ctx, double ms)
{
	replay *r = ctx;
	record(r, r->key - 1, true, ms);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p of the samples at or
 * below it. */
static double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);
	return v[k ? k - 1 : 0];
}

static void print_times(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	printf("  %-40s %4zu keys  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n",
	       what, n, pct(v, n, 0.5), pct(v, n, 0.99), v[n - 1]);
}

/* A real profile instead of the synthetic build (bench-ui PATH). */
static const char *profile;

static st_model *load_profile(void)
{
	st_model *m = st_model_new();
	char *paths[1] = { (char *)profile }, err[512];
	st_load_opts lo = { 0 };
	if (st_load_paths(m, paths, 1, &lo, err, sizeof err) != 0) {
		fprintf(stderr, "bench-ui: %s\n", err);
		exit(1);
	}
	return m;
}

static void run(uint32_t nfn, const char *title, const step *steps)
{
	size_t nsteps = 0, total = 0;
	while (steps[nsteps].label)
		nsteps++;
	replay r = { .steps = steps, .nsteps = nsteps };
	r.ends = calloc(nsteps + 1, sizeof *r.ends);
	r.labels = calloc(2 * nsteps + 2, sizeof *r.labels);
	size_t len = 1;
	for (size_t i = 0; i < nsteps; i++)
		len += strlen(steps[i].keys);
	char *keys = calloc(len, 1);
	if (!r.ends || !r.labels || !keys)
		exit(1);
	for (size_t i = 0; i < nsteps; i++) {
		strcat(keys, steps[i].keys);
		total += count_keys(steps[i].keys);
		r.ends[i] = total;
	}
	st_model *m = profile ? load_profile() : synthetic(nfn);
	uint32_t nodes = m->stack.len;
	tui_replay_settled(m, keys, 200, 60, on_key, on_settle, &r);   /* frees m */
	double *all = calloc(r.key + 1, sizeof *all);
	size_t nall = 0;
	printf("%s (%u nodes)\n", title, nodes);
	for (size_t i = 0; i < r.nlabels; i++) {
		label_times *t = &r.labels[i];
		if (!t->settled) {
			memcpy(all + nall, t->v, t->n * sizeof *t->v);
			nall += t->n;
		}
		char what[128];
		snprintf(what, sizeof what, "%s%s", t->label, t->settled ? ": matches shown" : "");
		print_times(what, t->v, t->n);
		free(t->v);
	}
	if (nall)
		print_times("(all keys, to their frames)", all, nall);
	free(all);
	free(keys);
	free(r.labels);
	free(r.ends);
}

#define END { NULL, NULL }

int main(int argc, char **argv)
{
	char *end = NULL;
	uint32_t nfn = argc > 1 ? (uint32_t)strtoul(argv[1], &end, 10) : 15000;
	if (argc > 1 && *end) {   /* not a number: a profile to load */
		profile = argv[1];
		static const step real[] = {
			{ "2: view", "2" }, { "e: expand all", "e" },
			{ "move", "jjjjjjjjjj" }, { "PgDn/PgUp", "<PgDn><PgDn><PgDn><PgUp>" },
			{ "End/Home", "<End><Home>" },
			{ "/: open the prompt", "/" }, { "search keystroke", "closure" },
			{ "search keystroke", "<BS><BS><BS><BS><BS><BS><BS>" },
			{ "search keystroke", "drop_glue" },
			{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "n/N", "nnnnnNNNNN" },
			{ "f: filter", "f" }, { "move", "jjjjj<PgDn>" }, { "f: filter", "f" },
			{ "a: sort by name", "aa" }, { "t: sort by total", "t" },
			{ "x: clear", "x" }, { "/: open the prompt", "/" },
			{ "search keystroke", "Inst" }, { "Esc: cancel", "<Esc>" },
			{ "E: collapse all", "E" }, { "1: view", "1" },
			{ "/: open the prompt", "/" }, { "search keystroke", "poll" },
			{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "n/N", "nnnnN" },
			{ "f: filter", "ff" }, END,
		};
		run(0, profile, real);
		return 0;
	}
	/* BENCH_UI_SCRIPT: one ad-hoc script (for perf), timed as one step */
	if (getenv("BENCH_UI_SCRIPT")) {
		const step s[] = { { "script", getenv("BENCH_UI_SCRIPT") }, END };
		run(nfn, "BENCH_UI_SCRIPT", s);
		return 0;
	}
	/* each scenario is replayed on a fresh model: views keep state */
	static const step icicle[] = {
		{ "move", "jjjjjjlllllhhhkkk" }, { "Enter: zoom", "<Enter>" },
		{ "move", "jjjl" }, { "Backspace: zoom out", "<BS><BS>" },
		{ "Space: fold", " " }, { "move", "jj" }, { "Space: fold", " " },
		{ "move", "j" }, { "Space: fold", "<Space>" }, { "move", "jjjjkkkk" }, END,
	};
	static const step tree[] = {
		{ "2: view", "2" }, { "move", "jjjjj" }, { "Right: expand", "<Right>" },
		{ "move", "jj" }, { "Right: expand", "<Right>" }, { "move", "jjjjjjjjjj" },
		{ "PgDn/PgUp", "<PgDn><PgDn><PgUp>" }, { "s t c a: sort", "stca" },
		{ "Left: collapse", "<Left><Left>" }, { "e: expand all", "e" },
		{ "E: collapse all", "E" }, { "m: merged by label", "m" },
		{ "move", "jjjj" }, { "m: back", "m" }, END,
	};
	static const step codegen[] = {
		{ "3: view", "3" }, { "move", "jj" }, { "Right: expand", "<Right>" },
		{ "move", "jj" }, { "Right: expand", "<Right>" }, { "move", "jjjjj" },
		{ "p: pivot", "p" }, { "Right: expand", "<Right>" }, { "move", "jjjjj<PgDn>" },
		{ "i: shape", "i" }, { "m: merged by label", "m" }, { "m: back", "m" },
		{ "Tab: view", "<Tab>" }, END,
	};
	static const step search[] = {
		{ "2: view", "2" }, { "/: open the prompt", "/" },
		{ "search keystroke", "handler_1" }, { "Enter: keep", "<Enter>" },
		{ "first n", "n" }, { "n/N", "nnnnNNNNN" }, { "f: filter", "f" },
		{ "x: clear", "x" }, { "/: open the prompt", "/" },
		{ "search keystroke", "Inst" }, { "Enter: keep", "<Enter>" },
		{ "first n", "n" }, { "n/N", "nn" }, END,
	};
	static const step summary[] = {
		{ "4: view", "4" }, { "move", "jjjjjjjjjj" }, { "Enter: jump", "<Enter>" },
		{ "4: view", "4" }, { "move", "jjjjj" }, END,
	};
	/* 15 000 siblings: one CGU's functions, sorted by each figure in turn
	 * and reversed */
	static const step siblings[] = {
		{ "2: view", "2" }, { "move", "j" }, { "Right: expand 15 000", "<Right>" },
		{ "a: sort by name", "aaaaaa" }, { "s: sort by self", "ssss" },
		{ "c: sort by count", "cccc" }, { "t: sort by total", "tttt" },
		{ "move", "jjjjjjjjjj<PgDn><PgDn>" }, END,
	};
	/* the search's named keys, several times each: the first n after
	 * each search (the slow one before), and f on and off */
	static const step first_n[] = {
		{ "2: view", "2" },
		{ "/: open the prompt", "/" }, { "search keystroke", "handler_1" },
		{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "f: filter", "ff" },
		{ "x: clear", "x" },
		{ "/: open the prompt", "/" }, { "search keystroke", "Inliner" },
		{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "f: filter", "ff" },
		{ "x: clear", "x" },
		{ "/: open the prompt", "/" }, { "search keystroke", "service3" },
		{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "f: filter", "ff" },
		{ "x: clear", "x" },
		{ "/: open the prompt", "/" }, { "search keystroke", "DominatorTree" },
		{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "f: filter", "ff" },
		{ "1: view", "1" }, { "first n", "n" }, { "n/N", "nnnNN" }, END,
	};
	/* everything below the crate open: 2 M rows */
	static const step expanded[] = {
		{ "2: view", "2" }, { "e: expand all", "e" },
		{ "move", "jjjjjjjjjj" }, { "PgDn/PgUp", "<PgDn><PgDn><PgDn><PgUp>" },
		{ "End/Home", "<End><Home>" },
		{ "/: open the prompt", "/" }, { "search keystroke", "handler_1" },
		{ "search keystroke", "<BS><BS>" }, { "search keystroke", "_7" },
		{ "Enter: keep", "<Enter>" }, { "first n", "n" }, { "n/N", "nnnnnNNNNN" },
		{ "f: filter", "f" }, { "move", "jjjjj<PgDn>" }, { "f: filter", "f" },
		{ "a: sort by name", "aa" }, { "t: sort by total", "t" },
		{ "x: clear", "x" }, { "/: open the prompt", "/" },
		{ "search keystroke", "Inst" }, { "Esc: cancel", "<Esc>" },
		{ "Left: collapse", "<Left>" }, { "Right: expand", "<Right>" },
		{ "E: collapse all", "E" }, END,
	};
	/* the Tables view (6): every ranked table whole */
	static const step tables[] = {
		{ "6: view", "6" }, { "move", "jjjjj<PgDn>" }, { "a c t: sort", "act" },
		{ "K: kind filter", "KK" }, { "move", "jjj" }, { "]: next table", "]" },
		{ "Enter: open", "<Enter>" }, { "move", "jj" }, { "]: next table", "]" },
		{ "Enter: open", "<Enter>" }, { "[: previous table", "[[[" },
		{ "/: open the prompt", "/" }, { "search keystroke", "handler_1" },
		{ "Enter: keep", "<Enter>" }, { "n/N", "nnnN" }, END,
	};
	run(nfn, "icicle: move, zoom, collapse", icicle);
	run(nfn, "tree: scroll, expand, sort", tree);
	run(nfn, "codegen: pivot, expand", codegen);
	run(nfn, "search: type, n, filter", search);
	run(nfn, "summary: move, jump", summary);
	run(nfn, "tree: 15 000 siblings sorted", siblings);
	run(nfn, "search: first n and f, four searches", first_n);
	run(nfn, "tree: fully expanded (2M rows), search", expanded);
	run(nfn, "tables: sort, kind, open, search", tables);
	return 0;
}
