/* diff.c: pairs two finished models (see diff.h).
 *
 * BASE's strings are interned into NEW's table once each (a translation
 * array over BASE's ids), with their display forms, so every later
 * comparison is between ids of one table.  Trees are merged in BASE's node
 * order, which puts parents before children: each BASE node looks for the
 * child of its merged parent with the same display name, display argument
 * and kind, or is added there. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/diff.h"
#include "stalactite/idmap.h"
#include "stalactite/load.h"
#include "stalactite/threads.h"
#include "stalactite/snapshot.h"
#include "stalactite/xalloc.h"

const char *st_diff_status_name(st_diff_status s)
{
	return s == ST_DIFF_NEW ? "new" : s == ST_DIFF_GONE ? "gone" : "both";
}

unsigned st_diff_thread_min = 65536;

typedef struct pairing {
	st_diff *d;
	uint32_t *map;        /* BASE strtab id -> merged id, or ST_NOSTR */
	uint32_t nmap;
	st_idmap unit_slots;  /* (package, target) -> slot, for unit keys */
	uint32_t nunit_slots;
	uint64_t *new_unit_keys;   /* NEW's unit i -> its row's key */
} pairing;

/* The merged id of BASE string id, its display form recorded too. */
static uint32_t map_id(pairing *p, uint32_t id)
{
	if (id == ST_NOSTR || id >= p->nmap)
		return id;
	if (p->map[id] != ST_NOSTR)
		return p->map[id];
	const st_model *b = p->d->base;
	st_model *m = p->d->m;
	uint32_t r = st_intern(m->strs, st_str(b->strs, id), st_strlen(b->strs, id));
	p->map[id] = r;
	uint32_t bd = st_model_display(b, id);
	if (bd != id) {   /* recurses once: a display form is its own display */
		uint32_t md = map_id(p, bd);
		if (st_model_display(m, r) == r && md != r)
			st_model_set_display(m, r, md);
	}
	/* kinds are kept per display id */
	st_kind k = st_model_fn_kind(b, id);
	if (k != ST_K_OTHER && st_model_fn_kind(m, r) == ST_K_OTHER)
		st_model_set_fn_kind(m, st_model_display(m, r), k);
	return r;
}

/* ---- trees -------------------------------------------------------------- */

typedef struct child_key {
	uint32_t parent, name, arg;   /* display ids of the merged model */
	uint8_t kind;
} child_key;

static uint64_t key_hash(const child_key *k)
{
	uint64_t h = k->parent * 0x9E3779B97F4A7C15ull ^ k->name * 0xC2B2AE3D27D4EB4Full ^
	             (k->arg + 1ull) * 0x165667B19E3779F9ull ^ k->kind;
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 29;
	return h;
}

static child_key node_key(const st_model *m, const st_tree *t, uint32_t id)
{
	const st_node *n = &t->nodes[id];
	return (child_key){ n->parent, st_model_display(m, n->name),
	                    n->arg == ST_NOSTR ? ST_NOSTR : st_model_display(m, n->arg),
	                    t->kinds[id] };
}

static bool key_eq(const child_key *a, const child_key *b)
{
	return a->parent == b->parent && a->name == b->name && a->arg == b->arg &&
	       a->kind == b->kind;
}

/* The child of k.parent matching k: the index answers by hash, and a
 * colliding hash falls back to a walk of the children. */
static uint32_t find_child(const st_model *m, const st_tree *t, const st_idmap *ix,
                           const child_key *k)
{
	uint32_t c = st_idmap_get(ix, key_hash(k));
	if (c == ST_IDMAP_NONE)
		return ST_NIL;
	child_key ck = node_key(m, t, c);
	if (key_eq(&ck, k))
		return c;
	for (c = t->nodes[k->parent].first_child; c != ST_NIL; c = t->nodes[c].next_sibling) {
		ck = node_key(m, t, c);
		if (key_eq(&ck, k))
			return c;
	}
	return ST_NIL;
}

static void merge_tree(pairing *p, const st_tree *bt, st_tree *mt, int which)
{
	st_model *m = p->d->m;
	st_idmap ix = { 0 };
	st_idmap_reserve(&ix, mt->len + bt->len);
	for (uint32_t id = 1; id < mt->len; id++) {
		child_key k = node_key(m, mt, id);
		st_idmap_get_or_put(&ix, key_hash(&k), id);   /* first one wins */
	}
	uint32_t *to = st_xrealloc(NULL, (size_t)bt->len * sizeof *to);
	uint32_t first_added = mt->len;
	to[0] = 0;
	for (uint32_t id = 1; id < bt->len; id++) {
		const st_node *b = &bt->nodes[id];
		uint32_t name = map_id(p, b->name), arg = map_id(p, b->arg);
		child_key k = { to[b->parent], st_model_display(m, name),
		                arg == ST_NOSTR ? ST_NOSTR : st_model_display(m, arg),
		                bt->kinds[id] };
		uint32_t c = find_child(m, mt, &ix, &k);
		if (c == ST_NIL) {
			c = st_tree_add(mt, k.parent, name, arg, (st_kind)bt->kinds[id]);
			st_idmap_get_or_put(&ix, key_hash(&k), c);
		}
		to[id] = c;
	}
	st_idmap_free(&ix);
	st_diff_node *dn = st_xcalloc(mt->len, sizeof *dn);
	for (uint32_t id = 0; id < bt->len; id++) {
		st_diff_node *n = &dn[to[id]];
		n->total_ns += bt->nodes[id].total_ns;
		n->self_ns += bt->nodes[id].self_ns;
		n->count += bt->nodes[id].count;
		n->status = 1;   /* reached from BASE */
	}
	/* nodes added here are gone; of NEW's own, those BASE never reached
	 * are new */
	for (uint32_t id = 0; id < mt->len; id++)
		dn[id].status = id >= first_added ? ST_DIFF_GONE
		              : dn[id].status ? ST_DIFF_BOTH : ST_DIFF_NEW;
	free(to);
	p->d->nodes[which] = dn;
}

/* Every string the base trees name, mapped: then merge_tree only reads the
 * pairing and the merged model's display forms (map_id finds each mapped),
 * and writes its own tree. */
static void map_tree_strings(pairing *p, const st_tree *t)
{
	for (uint32_t id = 1; id < t->len; id++) {
		map_id(p, t->nodes[id].name);
		map_id(p, t->nodes[id].arg);
	}
}

typedef struct tree_job {
	pairing *p;
	const st_model *base;
	st_model *new;
} tree_job;

static void *merge_cg_trees(void *arg)
{
	tree_job *j = arg;
	merge_tree(j->p, &j->base->codegen, &j->new->codegen, 1);
	merge_tree(j->p, &j->base->pivot, &j->new->pivot, 2);
	return NULL;
}

/* The three trees; with threads to spare (st_load_jobs), the codegen and
 * pivot trees on a second thread beside the stack tree (on a real
 * 65-profile pair, 1.8 s and 1.6 s of the diff's 3.4 s).  Each tree's
 * merge is the same on any thread. */
static void merge_trees(pairing *p, const st_model *base, st_model *new)
{
	map_tree_strings(p, &base->stack);
	map_tree_strings(p, &base->codegen);
	map_tree_strings(p, &base->pivot);
	tree_job j = { p, base, new };
	pthread_t th;
	bool two = false;
	if (st_load_jobs() > 1 && base->codegen.len + new->codegen.len >= st_diff_thread_min) {
		sigset_t old;
		st_block_async_signals(&old);   /* the viewer's handlers stay here */
		two = pthread_create(&th, NULL, merge_cg_trees, &j) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	merge_tree(p, &base->stack, &new->stack, 0);
	if (two)
		pthread_join(th, NULL);
	else
		merge_cg_trees(&j);
}

/* ---- tables ---------------------------------------------------------------- */

typedef struct table {
	st_diff_rows *rows;
	st_idmap at;          /* key -> row index */
} table;

static st_diff_row *row_for(table *t, uint64_t key, uint32_t name, uint32_t crate,
                            uint8_t kind, bool base_side)
{
	uint32_t i = st_idmap_get_or_put(&t->at, key, t->rows->len);
	if (i == t->rows->len) {
		if (t->rows->len == t->rows->cap) {
			t->rows->cap = t->rows->cap ? t->rows->cap * 2 : 64;
			t->rows->v = st_xrealloc(t->rows->v, (size_t)t->rows->cap * sizeof *t->rows->v);
		}
		t->rows->v[t->rows->len++] = (st_diff_row){
			.name = name, .crate = crate, .kind = kind,
			.status = base_side ? ST_DIFF_GONE : ST_DIFF_NEW };
	} else if ((t->rows->v[i].status == ST_DIFF_NEW) == base_side) {
		t->rows->v[i].status = ST_DIFF_BOTH;
	}
	return &t->rows->v[i];
}

/* Maps a string id of side s (BASE or NEW) into the merged table. */
static uint32_t side_id(pairing *p, bool base, uint32_t id)
{
	return base ? map_id(p, id) : id;
}

/* ---- cargo units ---------------------------------------------------------
 *
 * A package builds one lib (a proc-macro is one: cargo's HTML report calls
 * it lib, its log proc-macro) and one build script but maybe several bins,
 * tests or examples: those are told apart by target (the HTML report names
 * no lib's target, the log does, so a lib's target would split a pair of
 * the two).  A build may also hold two versions of a package (syn 1 and
 * syn 2): the units of one package, target and kind are ranked by version,
 * then start, and pair rank by rank.  A row's key is a slot per (package,
 * target), the kind and the rank. */

static uint32_t unit_target(pairing *p, const st_unit *u, bool base)
{
	bool several = u->kind == ST_UK_BIN || u->kind == ST_UK_TEST ||
	               u->kind == ST_UK_EXAMPLE;
	return u->target == ST_NIL || !several ? ST_NOSTR : side_id(p, base, u->target);
}

/* The key of a unit of kind (a row shows the unit's own kind). */
static uint64_t unit_key(pairing *p, uint32_t name, uint32_t target, uint8_t kind,
                         uint16_t rank)
{
	kind = kind == ST_UK_PROC_MACRO ? ST_UK_LIB : kind;
	uint32_t slot = st_idmap_get_or_put(&p->unit_slots, st_idmap_pair(name, target),
	                                    p->nunit_slots);
	p->nunit_slots += slot == p->nunit_slots;
	return st_idmap_pair(slot, (uint32_t)rank << 8 | kind);
}

static const st_build_timings *rank_units;
static const st_strtab *rank_strs;

static int cmp_unit_rank(const void *x, const void *y)
{
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const st_unit *a = &rank_units->units.v[i], *b = &rank_units->units.v[j];
	int c = strcmp(st_str(rank_strs, a->version), st_str(rank_strs, b->version));
	if (c)
		return c;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	return (i > j) - (i < j);
}

static void fill_units(pairing *p, table *t, const st_model *s, bool base)
{
	const st_build_timings *bt = &s->timings;
	uint32_t n = bt->units.len;
	uint32_t *ord = st_xreallocarray(NULL, n ? n : 1, sizeof *ord);
	for (uint32_t i = 0; i < n; i++)
		ord[i] = i;
	rank_units = bt;
	rank_strs = s->strs;   /* qsort has no context argument */
	qsort(ord, n, sizeof *ord, cmp_unit_rank);
	st_idmap seen = { 0 };   /* (slot, kind) -> units ranked so far */
	if (!base)
		p->new_unit_keys = st_xreallocarray(NULL, n ? n : 1, sizeof *p->new_unit_keys);
	for (uint32_t k = 0; k < n; k++) {
		const st_unit *u = &bt->units.v[ord[k]];
		uint32_t name = side_id(p, base, u->name), target = unit_target(p, u, base);
		uint8_t kind = u->kind;
		uint64_t first = unit_key(p, name, target, kind, 0);
		uint32_t r = st_idmap_get(&seen, first);
		r = r == ST_IDMAP_NONE ? 0 : r;
		st_idmap_put(&seen, first, r + 1);
		uint16_t rank = r < UINT16_MAX ? (uint16_t)r : UINT16_MAX;
		uint64_t key = unit_key(p, name, target, kind, rank);
		st_diff_row *row = row_for(&t[ST_DT_UNITS], key, name, target, kind, base);
		row->rank = rank;
		if (!base || row->status == ST_DIFF_GONE) {
			row->version = side_id(p, base, u->version);
			row->kind = u->kind;
		}
		if (!base)
			p->new_unit_keys[ord[k]] = key;
		int64_t *f = base ? row->base : row->new;
		f[0] += (int64_t)u->duration_ns;
		f[1] += (int64_t)u->start_ns;
		f[2] += u->critical;
		f[3] += u->codegen_ns == ST_NO_TIME ? 0 : (int64_t)u->codegen_ns;
	}
	st_idmap_free(&seen);
	free(ord);
}

/* d->unit_rows: each NEW unit's row, once the rows are sorted. */
static void index_units(pairing *p)
{
	st_diff *d = p->d;
	const st_diff_rows *rows = &d->tables[ST_DT_UNITS];
	st_idmap at = { 0 };
	for (uint32_t i = 0; i < rows->len; i++)
		st_idmap_put(&at, unit_key(p, rows->v[i].name, rows->v[i].crate,
		                           rows->v[i].kind, rows->v[i].rank), i);
	uint32_t n = d->m->timings.units.len;
	d->unit_rows = st_xreallocarray(NULL, n ? n : 1, sizeof *d->unit_rows);
	for (uint32_t i = 0; i < n; i++) {
		/* every NEW unit made a row under its key */
		d->unit_rows[i] = st_idmap_get(&at, p->new_unit_keys[i]);
		if (d->unit_rows[i] == ST_IDMAP_NONE)
			st_fatal("diff: a unit without its row");
	}
	st_idmap_free(&at);
}

static void fill(pairing *p, table *t, const st_model *s, bool base)
{
	st_model *m = p->d->m;
#define ID(x) side_id(p, base, (x))
#define SIDE(r) (base ? (r)->base : (r)->new)
	for (uint32_t i = 0; i < s->labels.len; i++) {
		const st_label_stat *l = &s->labels.v[i];
		uint32_t name = ID(l->label);
		int64_t *f = SIDE(row_for(&t[ST_DT_LABELS], name, name, ST_NOSTR, 0, base));
		f[0] += l->self_ns;
		f[1] += (int64_t)l->total_ns;
		f[2] += (int64_t)l->count;
		f[3] += (int64_t)l->cache_hits;
	}
	for (uint32_t i = 0; i < s->passes.len; i++) {
		const st_pass_stat *q = &s->passes.v[i];
		uint32_t name = ID(q->pass);
		int64_t *f = SIDE(row_for(&t[ST_DT_PASSES], name, name, ST_NOSTR, 0, base));
		f[0] += q->self_ns;
		f[1] += (int64_t)q->count;
	}
	for (uint32_t i = 0; i < s->cgus.len; i++) {
		const st_cgu_stat *c = &s->cgus.v[i];
		uint32_t crate = ID(c->crate), cgu = st_model_display(m, ID(c->cgu));
		int64_t *f = SIDE(row_for(&t[ST_DT_CGUS], st_idmap_pair(crate, cgu), cgu,
		                          crate, 0, base));
		f[0] += c->self_ns;
		f[1] += (int64_t)c->total_ns;
	}
	for (uint32_t i = 0; i < s->functions.len; i++) {
		const st_fn_stat *fn = &s->functions.v[i];
		uint32_t crate = ID(fn->crate), name = ID(fn->name);
		st_diff_row *r = row_for(&t[ST_DT_FUNCTIONS], st_idmap_pair(crate, name),
		                         name, crate, fn->kind, base);
		if (!base)
			r->kind = fn->kind;   /* NEW's classification wins */
		SIDE(r)[0] += fn->llvm_ns;
	}
	for (uint32_t i = 0; i < s->generics.len; i++) {
		const st_generic_stat *g = &s->generics.v[i];
		uint32_t crate = ID(g->crate), name = ID(g->name);
		int64_t *f = SIDE(row_for(&t[ST_DT_GENERICS], st_idmap_pair(crate, name),
		                          name, crate, 0, base));
		f[0] += g->llvm_ns;
		f[1] += g->instances;
	}
	for (uint32_t i = 0; i < s->async_fns.len; i++) {
		const st_async_stat *a = &s->async_fns.v[i];
		uint32_t name = ID(a->name);
		int64_t *f = SIDE(row_for(&t[ST_DT_ASYNC], name, name, ST_NOSTR, 0, base));
		f[0] += a->llvm_ns;
		f[1] += a->members;
	}
	for (uint32_t i = 0; i < s->crates.len; i++) {
		const st_crate_stat *c = &s->crates.v[i];
		uint32_t name = ID(c->name), disp = ID(c->display);
		int64_t *f = SIDE(row_for(&t[ST_DT_CRATES], st_idmap_pair(name, c->kind),
		                          disp, name, c->kind, base));
		f[0] += (int64_t)c->wall_ns;
		f[1] += (int64_t)c->cpu_ns;
		f[2] += (int64_t)c->llvm_ns;
		f[3] += c->overhead_ns;
	}
	fill_units(p, t, s, base);
#undef ID
#undef SIDE
}

static uint64_t abs_delta(const st_diff_row *r)
{
	int64_t d = st_diff_delta(r, 0);
	return d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
}

static const st_strtab *sort_strs;

static int cmp_row(const void *x, const void *y)
{
	const st_diff_row *a = x, *b = y;
	uint64_t da = abs_delta(a), db = abs_delta(b);
	if (da != db)
		return da > db ? -1 : 1;
	if (a->new[0] != b->new[0])
		return a->new[0] > b->new[0] ? -1 : 1;
	int c = strcmp(st_str(sort_strs, a->name), st_str(sort_strs, b->name));
	if (c)
		return c;
	if (a->crate != b->crate) {
		if (a->crate == ST_NOSTR || b->crate == ST_NOSTR)
			return a->crate == ST_NOSTR ? -1 : 1;
		if ((c = strcmp(st_str(sort_strs, a->crate), st_str(sort_strs, b->crate))))
			return c;
	}
	if (a->kind != b->kind)   /* a unit's kind */
		return (a->kind > b->kind) - (a->kind < b->kind);
	return (a->rank > b->rank) - (a->rank < b->rank);
}

st_diff *st_diff_build(st_model *base, st_model *new)
{
	st_model_thaw(new);   /* NEW gains strings and nodes; BASE is only read */
	st_diff *d = st_xcalloc(1, sizeof *d);
	d->base = base;
	d->m = new;
	pairing p = { .d = d, .nmap = st_strtab_count(base->strs) };
	p.map = st_xrealloc(NULL, (size_t)(p.nmap ? p.nmap : 1) * sizeof *p.map);
	for (uint32_t i = 0; i < p.nmap; i++)
		p.map[i] = ST_NOSTR;
	p.map[0] = 0;

	merge_trees(&p, base, new);

	table t[ST_DT_COUNT];
	for (int i = 0; i < ST_DT_COUNT; i++)
		t[i] = (table){ .rows = &d->tables[i] };
	fill(&p, t, new, false);
	fill(&p, t, base, true);
	sort_strs = new->strs;   /* qsort has no context argument */
	for (int i = 0; i < ST_DT_COUNT; i++) {
		st_idmap_free(&t[i].at);
		if (d->tables[i].len > 1)
			qsort(d->tables[i].v, d->tables[i].len, sizeof *d->tables[i].v, cmp_row);
	}
	for (uint32_t i = 0; i < d->tables[ST_DT_CGUS].len; i++) {
		uint8_t s = d->tables[ST_DT_CGUS].v[i].status;
		d->cgus_new += s == ST_DIFF_NEW;
		d->cgus_gone += s == ST_DIFF_GONE;
	}
	for (uint32_t i = 0; i < d->tables[ST_DT_UNITS].len; i++)
		d->units_gone += d->tables[ST_DT_UNITS].v[i].status == ST_DIFF_GONE;
	index_units(&p);
	free(p.new_unit_keys);
	st_idmap_free(&p.unit_slots);
	free(p.map);
	return d;
}

void st_diff_free(st_diff *d)
{
	if (!d)
		return;
	for (int i = 0; i < 3; i++)
		free(d->nodes[i]);
	for (int i = 0; i < ST_DT_COUNT; i++)
		free(d->tables[i].v);
	free(d->unit_rows);
	st_model_free(d->base);
	st_model_free(d->m);
	free(d);
}

const st_diff_row *st_diff_unit_row(const st_diff *d, uint32_t unit)
{
	return &d->tables[ST_DT_UNITS].v[d->unit_rows[unit]];
}

const st_diff_node *st_diff_node_of(const st_diff *d, const st_tree *t, uint32_t id)
{
	int which = t == &d->m->stack ? 0 : t == &d->m->codegen ? 1 : 2;
	return &d->nodes[which][id];
}
