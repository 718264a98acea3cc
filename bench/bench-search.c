/* bench-search: how long a search over a tree of a million nodes takes.
 *
 * Builds a synthetic model through the builder API (so the trees, strings
 * and display names are exactly what a load makes): a number of crates,
 * each with CGUs whose functions go through an LLVM function pipeline, with
 * realistic raw names (v0 paths with [hash] disambiguators, generics,
 * {closure#N}, drop glue, trait impls).  Then times, per pattern, what a key
 * press in the viewer costs: compiling the pattern, st_match_cache_new and
 * st_tree_match_compute over the stack tree (normalised and raw) and the
 * codegen tree; then the zoom figures, the breakdowns and the sliced form.
 *
 *   bench-search [FUNCTIONS_PER_CRATE [REPEATS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stalactite/builder.h"
#include "stalactite/treematch.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- names ------------------------------------------------------------- */

static const char *const crates[] = {
	"photo_service", "tokio", "hyper", "h2", "tower", "serde_json", "sqlx_core",
	"axum",
};
#define NCRATES (sizeof crates / sizeof crates[0])
static const char *const mods[] = {
	"server", "proto", "runtime", "codec", "client", "service", "body",
	"upload", "storage", "task", "io", "sync", "handler", "routing", "conn",
	"streams",
};
static const char *const verbs[] = {
	"run", "poll", "handle", "decode", "encode", "spawn", "read", "write",
	"flush", "accept", "resize", "store", "load", "parse", "send", "recv",
};
static const char *const nouns[] = {
	"server", "frame", "request", "response", "headers", "photo", "thumbnail",
	"stream", "connection", "body", "message", "settings", "window", "buffer",
	"task", "query",
};
static const char *const types[] = {
	"Stream", "Connection", "Server", "Codec", "FramedRead", "Recv", "Send",
	"Store", "Router", "Handle", "Harness", "Body", "Request", "Pool",
	"Buffer", "Upload",
};
static const char *const generics[] = {
	"u8", "alloc[3d9b4c2e1f0a7b65]::string::String",
	"bytes[9f1e2d3c4b5a6978]::bytes::Bytes",
	"core[667c7a611d73a360]::pin::Pin<alloc[3d9b4c2e1f0a7b65]::boxed::Box<dyn "
	"core[667c7a611d73a360]::future::future::Future<Output = ()> + "
	"core[667c7a611d73a360]::marker::Send>>",
	"tokio[a1b2c3d4e5f60718]::net::tcp::stream::TcpStream",
	"hyper[0f1e2d3c4b5a6978]::body::body::Body",
	"alloc[3d9b4c2e1f0a7b65]::vec::Vec<u8>", "&str",
};

static const char *pick(const char *const *v, size_t n, uint32_t *x)
{
	const char *s = v[*x % n];
	*x /= (uint32_t)n;
	return s;
}
#define PICK(v, x) pick(v, sizeof v / sizeof v[0], x)

/* The raw name of function i of crate c; distinct for distinct (c, i) up
 * to 8 * 16^3 functions per crate (m1, m2 and v differ), which a million
 * nodes need. */
static int fn_name(char *out, size_t cap, unsigned c, uint32_t i)
{
	const char *cr = crates[c];
	char hash[17];
	snprintf(hash, sizeof hash, "%08x%08x", 0x9e3779b9u * (c + 1),
	         0x85ebca6bu ^ (c * 77u));
	uint32_t x = i / 8;
	unsigned cl = (i / 8) % 4;   /* closure numbers stay small */
	const char *m1 = PICK(mods, &x), *m2 = PICK(mods, &x);
	const char *v = PICK(verbs, &x), *n = PICK(nouns, &x);
	const char *ty = PICK(types, &x), *g = PICK(generics, &x);
	switch (i % 8) {
	case 0:
		return snprintf(out, cap, "%s[%s]::%s::%s::%s_%s::<%s>", cr, hash,
		                m1, m2, v, n, g);
	case 1:
		return snprintf(out, cap, "%s[%s]::%s::%s::%s_%s::{closure#%u}", cr,
		                hash, m1, m2, v, n, cl);
	case 2:
		return snprintf(out, cap, "core[667c7a611d73a360]::ptr::drop_glue::<"
		                "%s[%s]::%s::%s::%s<%s, %s_%s>>", cr, hash, m1, m2, ty,
		                g, v, n);
	case 3:
		return snprintf(out, cap, "<%s[%s]::%s::%s::%s<%s_%s> as "
		                "core[667c7a611d73a360]::future::future::Future>::poll",
		                cr, hash, m1, m2, ty, v, n);
	case 4:
		return snprintf(out, cap, "<%s[%s]::%s::%s::%s<%s> as "
		                "core[667c7a611d73a360]::ops::drop::Drop>::drop::<%s_%s>",
		                cr, hash, m1, m2, ty, g, v, n);
	case 5:
		return snprintf(out, cap, "%s[%s]::%s::%s::%s_%s::{closure#%u}::"
		                "{closure#0}", cr, hash, m1, m2, v, n, cl);
	case 6:
		return snprintf(out, cap, "<%s[%s]::%s::%s::%s as h2[5e6f7a8b9c0d1e2f]"
		                "::proto::streams::%s>::%s_%s", cr, hash, m1, m2, ty, ty,
		                v, n);
	default:
		return snprintf(out, cap, "%s[%s]::%s::%s::run_server::<%s>::%s_%s", cr,
		                hash, m1, m2, g, v, n);
	}
}

static const char *const fn_passes[] = {
	"SROAPass", "EarlyCSEPass", "InstCombinePass", "SimplifyCFGPass",
	"InlinerPass", "GVNPass", "JumpThreadingPass",
};
#define NPASSES (sizeof fn_passes / sizeof fn_passes[0])

/* ---- events --------------------------------------------------------------
 * Generated in post-order (an event after everything it contains, as
 * measureme writes them) into a vector, then fed reversed: per thread,
 * latest end first, each parent before its children. */

typedef struct gev {
	uint32_t thread, kind, label, arg;
	uint64_t start, end;
} gev;

static gev *evs;
static size_t nevs, capevs;

static void push(uint32_t thread, uint32_t kind, uint32_t label, uint32_t arg,
                 uint64_t start, uint64_t end)
{
	if (nevs == capevs) {
		capevs = capevs ? capevs * 2 : 1 << 16;
		evs = realloc(evs, capevs * sizeof *evs);
		if (!evs)
			abort();
	}
	evs[nevs++] = (gev){ thread, kind, label, arg, start, end };
}

static uint32_t rng = 12345;
static uint64_t dur(uint64_t base)
{
	rng = rng * 1103515245u + 12345u;
	return base + (rng >> 8) % (base * 4 + 1);
}

int main(int argc, char **argv)
{
	uint32_t per_crate = argc > 1 ? (uint32_t)atoi(argv[1]) : 19000;
	int repeats = argc > 2 ? atoi(argv[2]) : 5;
	const uint32_t cgus = 32, threads = 4;
	double t0 = now_ms();
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	st_strtab *s = st_builder_strs(b);
	uint32_t k_act = st_intern_cstr(s, "GenericActivity");
	uint32_t k_pass = st_intern_cstr(s, "LLVM Pass");
	uint32_t k_query = st_intern_cstr(s, "Query");
	uint32_t l_opt = st_intern_cstr(s, "codegen_module_optimize");
	uint32_t l_llvm_opt = st_intern_cstr(s, "LLVM_module_optimize");
	uint32_t l_emit = st_intern_cstr(s, "LLVM_module_codegen_emit_obj");
	uint32_t l_adaptor = st_intern_cstr(s, "ModuleToFunctionPassAdaptor");
	uint32_t l_pm = st_intern_cstr(s, "PassManager<Function>");
	uint32_t l_typeck = st_intern_cstr(s, "typeck");
	uint32_t l_borrowck = st_intern_cstr(s, "mir_borrowck");
	uint32_t l_passes[NPASSES];
	for (size_t p = 0; p < NPASSES; p++)
		l_passes[p] = st_intern_cstr(s, fn_passes[p]);
	char name[1024];
	uint64_t events = 0;
	for (unsigned c = 0; c < NCRATES; c++) {
		nevs = 0;
		uint64_t clock[4] = { 0, 0, 0, 0 };
		/* a front end: nested queries on thread 0 */
		for (uint32_t q = 0; q < 2000; q++) {
			uint64_t st = clock[0];
			uint64_t t = st + 10;
			uint64_t d = dur(200);
			push(0, k_query, l_borrowck, ST_NOSTR, t, t + d);
			t += d + 5;
			push(0, k_query, l_typeck, ST_NOSTR, st, t);
			clock[0] = t + 3;
		}
		uint32_t fn = 0;
		for (uint32_t g = 0; g < cgus; g++) {
			uint32_t th = g % threads;
			snprintf(name, sizeof name, "%s.%016llx-cgu.%u", crates[c],
			         0x0123456789abcdefull * (c + 1), g);
			uint32_t cgu = st_intern_cstr(s, name);
			uint64_t t_opt = clock[th], t = t_opt + 20;
			uint64_t t_adapt = t + 5;
			t = t_adapt + 5;
			uint32_t nfn = per_crate / cgus + (g < per_crate % cgus);
			for (uint32_t i = 0; i < nfn; i++, fn++) {
				fn_name(name, sizeof name, c, fn);
				uint32_t f = st_intern_cstr(s, name);
				uint64_t pm = t;
				t += 3;
				for (size_t p = 0; p < NPASSES; p++) {
					uint64_t d = dur(p == 4 ? 900 : 150);
					push(th, k_pass, l_passes[p], f, t, t + d);
					t += d + 1;
				}
				push(th, k_pass, l_pm, f, pm, t);
				t += 2;
			}
			push(th, k_pass, l_adaptor, cgu, t_adapt, t);
			t += 5;
			push(th, k_act, l_llvm_opt, cgu, t_opt + 20, t);
			t += 5;
			push(th, k_act, l_opt, cgu, t_opt, t);
			uint64_t e0 = t + 10, e1 = e0 + dur(50000);
			push(th, k_act, l_emit, cgu, e0, e1);
			clock[th] = e1 + 100;
		}
		snprintf(name, sizeof name, "%s-0001.mm_profdata", crates[c]);
		st_builder_begin_source(b, name, "synthetic", crates[c], 0);
		/* post-order per thread, so reversing the whole vector reverses
		 * every thread's order */
		for (size_t i = nevs; i-- > 0;) {
			const gev *v = &evs[i];
			st_event e = { .type = ST_EV_INTERVAL, .thread = v->thread,
			               .kind = v->kind, .label = v->label,
			               .args = v->arg == ST_NOSTR ? NULL : &v->arg,
			               .nargs = v->arg == ST_NOSTR ? 0 : 1,
			               .start = v->start, .end = v->end };
			const char *why;
			if (!st_builder_event(b, &e, &why)) {
				fprintf(stderr, "bench-search: event %zu: %s\n", i, why);
				return 1;
			}
		}
		st_builder_end_source(b, nevs);
		events += nevs;
	}
	st_builder_finish(b);
	st_builder_free(b);
	free(evs);
	double t1 = now_ms();
	printf("model: %llu events, stack tree %u nodes, codegen tree %u nodes, "
	       "pivot %u nodes, %u strings, built in %.0f ms\n",
	       (unsigned long long)events, m->stack.len, m->codegen.len,
	       m->pivot.len, st_strtab_count(m->strs), t1 - t0);

	static const char *const patterns[] = {
		"run_server", "\\{closure#\\d+\\}$", "h2::proto", "drop_glue.*Stream",
		"InlinerPass", "r",
	};
	printf("%-22s %-8s %9s %9s %9s %9s\n", "pattern", "tree", "matches",
	       "cold ms", "best ms", "median ms");
	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		for (int which = 0; which < 3; which++) {
			const st_tree *t = which == 0 ? &m->stack
			                 : which == 1 ? &m->codegen : &m->pivot;
			bool raw = which == 2;
			if (raw)
				t = &m->stack;
			double times[64];
			int reps = repeats < 1 ? 1 : repeats > 64 ? 64 : repeats;
			uint32_t count = 0;
			for (int r = 0; r < reps; r++) {
				double a = now_ms();
				char err[256];
				st_regex *re = st_regex_compile(patterns[p], err, sizeof err);
				if (!re) {
					fprintf(stderr, "bench-search: %s\n", err);
					return 1;
				}
				st_match_cache *mc = st_match_cache_new(m, re, raw);
				st_tree_match tm;
				if (!mc || !st_tree_match_compute(&tm, m, t, mc))
					return 1;
				times[r] = now_ms() - a;
				count = tm.count;
				st_tree_match_free(&tm);
				st_match_cache_free(mc);
				st_regex_free(re);
			}
			double cold = times[0];
			for (int i = 1; i < reps; i++)   /* insertion sort */
				for (int j = i; j > 0 && times[j] < times[j - 1]; j--) {
					double x = times[j];
					times[j] = times[j - 1];
					times[j - 1] = x;
				}
			printf("%-22s %-8s %9u %9.2f %9.2f %9.2f\n", patterns[p],
			       which == 0 ? "stack" : which == 1 ? "codegen" : "stackraw",
			       count, cold, times[0], times[reps / 2]);
		}
	}
	/* the other per-keypress pieces the viewer may use */
	{
		char err[256];
		st_regex *re = st_regex_compile("run_server", err, sizeof err);
		st_match_cache *mc = st_match_cache_new(m, re, false);
		st_tree_match tm;
		st_tree_match_compute(&tm, m, &m->stack, mc);
		double a = now_ms();
		uint64_t tot;
		int64_t self;
		uint32_t cnt;
		st_tree_match_within(&tm, &m->stack, 0, &tot, &self, &cnt);
		double bt = now_ms();
		uint32_t n[3];
		for (int k = 0; k < 3; k++)
			free(st_tree_match_breakdown(&tm, m, &m->stack,
			                             (st_breakdown_key)k, &n[k]));
		double c2 = now_ms();
		printf("run_server on stack: within(root) %.2f ms, 3 breakdowns "
		       "%.2f ms (%u crates, %u CGUs, %u passes)\n", bt - a, c2 - bt,
		       n[0], n[1], n[2]);
		st_tree_match_free(&tm);
		st_match_cache_free(mc);
		/* in slices of 256k nodes, with a fresh cache (worst case) */
		mc = st_match_cache_new(m, re, false);
		st_tree_match_job *j = st_tree_match_begin(m, &m->stack, mc);
		double worst = 0, sum = 0;
		int slices = 0;
		for (bool fin = false; !fin; slices++) {
			double x = now_ms();
			fin = st_tree_match_step(j, 1u << 18, &tm);
			double d = now_ms() - x;
			sum += d;
			worst = d > worst ? d : worst;
		}
		printf("run_server on stack in slices of 262144 nodes: %d slices, "
		       "worst %.2f ms, sum %.2f ms\n", slices, worst, sum);
		st_tree_match_job_free(j);
		st_tree_match_free(&tm);
		st_match_cache_free(mc);
		st_regex_free(re);
	}
	st_model_free(m);
	return 0;
}
