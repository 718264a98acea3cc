/* builder-codegen.c: the codegen trees (crate > CGU > pass > function and
 * its pivot crate > CGU > function > pass): LLVM pass self time summed per
 * (CGU, label, function) while loading, turned into nodes at the end. */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "stalactite/bigmem.h"
#include "stalactite/names.h"
#include "stalactite/threads.h"
#include "builder-internal.h"

/* ---- codegen contributions ------------------------------------------------ */

static bool cg_is(const cg_entry *e, uint32_t cgu, uint32_t label, uint32_t fn)
{
	return e->cgu_idx == cgu && e->label == label && e->fn_raw == fn;
}

void bld_cg_add(cg_table *t, uint32_t cgu, uint32_t label, uint32_t fn,
                bool pass, uint32_t count, uint32_t lead, int64_t v)
{
	st_idtab_room(&t->index);
	st_idtab_probe p = st_idtab_start(&t->index, st_hash3(cgu, label, fn));
	for (uint32_t i; (i = st_idtab_next(&t->index, &p)) != ST_IDTAB_END;) {
		cg_entry *e = &t->v[i];
		if (cg_is(e, cgu, label, fn)) {
			e->count += count;
			e->lead += lead;
			e->self_ns += v;
			return;
		}
	}
	st_idtab_insert(&t->index, &p, t->len);
	bld_cg_append(t, cgu, label, fn, pass, count, lead, v);
	t->v[t->len - 1].unindexed = false;
}

void bld_cg_append(cg_table *t, uint32_t cgu, uint32_t label, uint32_t fn,
                   bool pass, uint32_t count, uint32_t lead, int64_t v)
{
	if (t->len == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 1024;
		t->v = st_big_realloc(t->v, (size_t)t->cap * sizeof *t->v,
		                      (size_t)cap * sizeof *t->v);
		t->cap = cap;
	}
	t->v[t->len++] = (cg_entry){ .cgu_idx = cgu, .label = label, .fn_raw = fn,
	                             .count = count, .lead = lead, .pass = pass,
	                             .unindexed = true, .self_ns = v };
}

void bld_cg_index_cgus(cg_table *t, const uint8_t *need)
{
	for (uint32_t i = 0; i < t->len; i++) {
		cg_entry *e = &t->v[i];
		if (!e->unindexed || !need[e->cgu_idx])
			continue;
		st_idtab_add(&t->index, st_hash3(e->cgu_idx, e->label, e->fn_raw), i);
		e->unindexed = false;
	}
}

/* The functions a frame's time goes to, fns[0..n) (loop units go to the
 * enclosing function); 0: to its label alone (not a pass, or a pass on no
 * function or on the whole module). */
static uint32_t cg_functions(const st_builder *b, const frame *f,
                             const uint32_t **fns)
{
	const st_event *e = &f->ev;
	*fns = e->args;
	uint32_t n = e->nargs;
	if (f->kclass != KC_LLVM_PASS)
		return 0;
	if (n && e->args[0] == b->s_unnamed_loop) {
		*fns = &f->loop_fn;
		n = f->loop_fn == ST_NOSTR ? 0 : 1;
	}
	return n && (*fns)[0] != f->cgu_raw ? n : 0;
}

/* An event that belongs to a CGU: LLVM passes split their self time over
 * their functions, other activities count for the CGU itself. */
void bld_add_codegen(st_builder *b, const frame *f, int64_t self)
{
	const st_event *e = &f->ev;
	bool pass = f->kclass == KC_LLVM_PASS;
	const uint32_t *fns;
	uint32_t nfn = cg_functions(b, f, &fns);
	if (nfn == 0) {
		bld_cg_add(&b->cg, f->cgu_idx, e->label, ST_NOSTR, pass, 1, 1, self);
		return;
	}
	int64_t share = self / (int64_t)nfn;
	for (uint32_t i = 0; i < nfn; i++) {
		int64_t v = share + (i == 0 ? self - share * (int64_t)nfn : 0);
		bld_cg_add(&b->cg, f->cgu_idx, e->label, fns[i], true, 1, i == 0, v);
	}
}

/* Most entries are new while a large profile loads, so the probe's first
 * slot is a cache miss: fetched when the frame starts, it is there when
 * the frame ends (for a leaf, an event later). */
void bld_cg_prefetch(const st_builder *b, const frame *f)
{
	const st_idtab *t = &b->cg.index;
	if (!t->cap)
		return;
	const uint32_t *fns;
	uint32_t fn = cg_functions(b, f, &fns) ? fns[0] : ST_NOSTR;
	__builtin_prefetch(&t->slots[st_hash3(f->cgu_idx, f->ev.label, fn) &
	                             (t->cap - 1)]);
}

/* Adds an entry's time to a tree path (crate, CGU, then the entry's one or
 * two levels); every node on it gains the time in total.  The levels below
 * the CGU stand for events, so they keep their events' own figures: the
 * time is LLVM self time throughout, and a pass's functions (a function's
 * passes) split the parent's self time rather than nest inside it, so the
 * parent's self time is its total and its count that of its own events,
 * not 0.  lead: events the second-to-last level counts (a pass over k
 * functions is one event of the pass, and one on each function). */
static void add_path(st_tree *t, const uint32_t *path, int n,
                     const cg_entry *e, uint32_t lead)
{
	for (int i = 0; i < n; i++)
		t->nodes[path[i]].total_ns += (uint64_t)e->self_ns;
	t->nodes[0].total_ns += (uint64_t)e->self_ns;
	for (int i = 2; i < n; i++) {
		t->nodes[path[i]].self_ns += e->self_ns;
		t->nodes[path[i]].count += i == n - 1 ? e->count : lead;
	}
}

static void add_function_time(st_builder *b, uint32_t crate, uint32_t fn_raw,
                              const cg_entry *e)
{
	st_model *m = b->m;
	uint32_t name = bld_display_of(b, fn_raw);
	uint64_t key = st_idmap_pair(crate, name);
	uint32_t i = st_idmap_get_or_put(&b->fn_of, key, m->functions.len);
	if (i == m->functions.len)
		*VEC_PUSH(m->functions) = (st_fn_stat){
			.name = name, .crate = crate, .raw = fn_raw,
			.kind = ST_K_FN, .owner = ST_NIL };
	m->functions.v[i].llvm_ns += e->self_ns;
	m->functions.v[i].events += e->count;
}

/* The crate and CGU nodes of a CGU in tree t, made on first use and kept
 * per CGU in cache. */
static uint32_t cgu_node(st_builder *b, st_tree *t, child_index *ix,
                         uint32_t *cache, uint32_t cgu_idx)
{
	if (cache[cgu_idx] != ST_NIL)
		return cache[cgu_idx];
	const st_cgu_stat *c = &b->m->cgus.v[cgu_idx];
	uint32_t crate = bld_child(t, ix, 0, c->crate, ST_NOSTR, ST_K_CRATE);
	cache[cgu_idx] = bld_child(t, ix, crate, c->cgu, b->cgu_raw[cgu_idx], ST_K_CGU);
	return cache[cgu_idx];
}

#define RELEASE_STEP ((size_t)4 << 20)   /* bytes of entries given back at once */
#define PIVOT_THREAD_MIN 65536            /* entries worth a thread */

/* The pivot tree (crate > CGU > function > label), built on a thread of its
 * own beside the codegen tree: it reads the entries, the CGU rows and the
 * display names, which nothing changes meanwhile, and writes only the
 * pivot and its index. */
typedef struct pivot_job {
	st_builder *b;
	atomic_uint done;          /* entries built */
} pivot_job;

/* release: the pivot reads the entries last, and gives them back behind */
static void build_pivot(st_builder *b, atomic_uint *done, bool release)
{
	st_model *m = b->m;
	size_t bytes = (size_t)(m->cgus.len + 1) * sizeof(uint32_t);
	uint32_t *cache = st_xmalloc(bytes);
	memset(cache, 0xff, bytes);
	size_t cg_bytes = (size_t)b->cg.cap * sizeof *b->cg.v, given = 0;
	for (uint32_t i = 0; i < b->cg.len; i++) {
		const cg_entry *e = &b->cg.v[i];
		if (release && (size_t)i * sizeof *e - given >= RELEASE_STEP) {
			st_big_release(b->cg.v, cg_bytes, given, (size_t)i * sizeof *e);
			given = (size_t)i * sizeof *e;
		}
		st_kind k = e->pass ? ST_K_PASS : ST_K_ACTIVITY;
		uint32_t pv = cgu_node(b, &m->pivot, &b->idx_pivot, cache, e->cgu_idx);
		uint32_t cr = m->pivot.nodes[pv].parent;
		if (e->fn_raw == ST_NOSTR) {
			uint32_t p = st_tree_add(&m->pivot, pv, e->label, ST_NOSTR, k);
			add_path(&m->pivot, (uint32_t[]){ cr, pv, p }, 3, e, 0);
		} else {
			uint32_t name = m->display[e->fn_raw] - 1;
			uint32_t fn = bld_child(&m->pivot, &b->idx_pivot, pv, name, e->fn_raw,
			                        ST_K_FN);
			uint32_t pass = st_tree_add(&m->pivot, fn, e->label, ST_NOSTR, k);
			add_path(&m->pivot, (uint32_t[]){ cr, pv, fn, pass }, 4, e, e->count);
		}
		if ((i & 4095) == 4095)
			atomic_store_explicit(done, i + 1, memory_order_release);
	}
	atomic_store_explicit(done, b->cg.len, memory_order_release);
	free(cache);
}

static void *pivot_thread(void *arg)
{
	pivot_job *j = arg;
	build_pivot(j->b, &j->done, false);
	return NULL;
}

/* Builds both codegen trees from the contributions: codegen is crate > CGU >
 * label > function, pivot crate > CGU > function > label, the pivot on a
 * second thread when the builder may use one.  Each (CGU, label, function)
 * is unique, so the last level of each tree is added without a lookup.
 * The contributions are given back as both trees are done with them: the
 * trees are about twice their size, and both at once were the load's
 * peak. */
void bld_build_codegen(st_builder *b)
{
	st_model *m = b->m;
	size_t bytes = (size_t)(m->cgus.len + 1) * sizeof(uint32_t);
	uint32_t *cg_cache = st_xmalloc(bytes);
	memset(cg_cache, 0xff, bytes);
	m->codegen.split = m->pivot.split = true;
	/* every display name first: the pivot's thread reads them */
	for (uint32_t i = 0; i < b->cg.len; i++)
		if (b->cg.v[i].fn_raw != ST_NOSTR)
			bld_display_of(b, b->cg.v[i].fn_raw);
	pivot_job pj = { .b = b };
	atomic_init(&pj.done, 0);
	pthread_t th;
	bool threaded = false;
	if (b->finish_threads > 1 && b->cg.len >= PIVOT_THREAD_MIN) {
		sigset_t old;
		st_block_async_signals(&old);
		threaded = pthread_create(&th, NULL, pivot_thread, &pj) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	size_t cg_bytes = (size_t)b->cg.cap * sizeof *b->cg.v, done = 0;
	for (uint32_t i = 0; i < b->cg.len; i++) {
		const cg_entry *e = &b->cg.v[i];
		if (threaded && (size_t)i * sizeof *e - done >= RELEASE_STEP) {
			size_t upto = (size_t)atomic_load_explicit(&pj.done,
			              memory_order_acquire) * sizeof *e;
			upto = upto < (size_t)i * sizeof *e ? upto : (size_t)i * sizeof *e;
			if (upto - done >= RELEASE_STEP) {
				st_big_release(b->cg.v, cg_bytes, done, upto);
				done = upto;
			}
		}
		st_kind k = e->pass ? ST_K_PASS : ST_K_ACTIVITY;
		uint32_t cg = cgu_node(b, &m->codegen, &b->idx_codegen, cg_cache, e->cgu_idx);
		uint32_t cr = m->codegen.nodes[cg].parent;
		if (e->fn_raw == ST_NOSTR) {
			uint32_t p = bld_child(&m->codegen, &b->idx_codegen, cg, e->label,
			                       ST_NOSTR, k);
			add_path(&m->codegen, (uint32_t[]){ cr, cg, p }, 3, e, 0);
			continue;
		}
		uint32_t name = bld_display_of(b, e->fn_raw);
		uint32_t pass = bld_child(&m->codegen, &b->idx_codegen, cg, e->label,
		                          ST_NOSTR, k);
		uint32_t fn = st_tree_add(&m->codegen, pass, name, e->fn_raw, ST_K_FN);
		add_path(&m->codegen, (uint32_t[]){ cr, cg, pass, fn }, 4, e, e->lead);
		add_function_time(b, m->cgus.v[e->cgu_idx].crate, e->fn_raw, e);
	}
	free(cg_cache);
	if (threaded)
		pthread_join(th, NULL);
	else
		build_pivot(b, &pj.done, true);
	st_big_free(b->cg.v, cg_bytes);
	b->cg = (cg_table){ 0 };
}

