/* builder.c: events in, model out.
 *
 * Events of a source arrive in reverse file order.  For rustc profiles that
 * means, per thread, the latest-ending event first, so every event arrives
 * after the events that enclose it.  Per thread we keep a stack of open
 * frames: an arriving event pops every frame that does not contain it
 * (measureme summarize's walk), and the remaining top is its parent.  A frame
 * learns its self time when it is popped.
 *
 * From that one walk come:
 *   - label statistics with summarize's exact rules, cache hits and artifact
 *     sizes from its instants and integers (which touch no stack);
 *   - the stack tree: per crate, paths of (label, identifying argument:
 *     see path_arg) merged across threads;
 *   - CGU statistics: an event belongs to the CGU named by its own module
 *     argument or, failing that, to its nearest enclosing event's CGU;
 *   - the codegen trees (crate > CGU > pass > function and its pivot) from
 *     the self time of LLVM Pass events: loop units go to the enclosing
 *     function, a CGSCC unit of k functions gives each 1/k;
 *   - per-function LLVM time, later classified and grouped by async fn.
 *
 * This file: the walk, its child lookup, strings and statistics.  The
 * codegen contributions and trees: builder-codegen.c; finishing
 * (classification, async grouping, ordering): builder-finish.c; what they
 * share: builder-internal.h. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "stalactite/bigmem.h"
#include "stalactite/builder.h"
#include "stalactite/formats.h"
#include "stalactite/idmap.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"
#include "builder-internal.h"

/* ---- child lookup ------------------------------------------------------ */

static uint32_t child_hash(const child_index *ix, uint32_t parent,
                           uint32_t name, uint32_t arg)
{
	return st_hash3(parent, name, ix->by_arg ? arg : 0);
}

static bool child_is(const st_node *n, const child_index *ix, uint32_t parent,
                     uint32_t name, uint32_t arg)
{
	return n->parent == parent && n->name == name &&
	       (!ix->by_arg || n->arg == arg);
}

/* kids covers ids below n (new entries 0) */
static void kids_room(child_index *ix, uint32_t n)
{
	if (n <= ix->kcap)
		return;
	uint32_t cap = ix->kcap ? ix->kcap : 4096;
	while (cap < n)
		cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
	ix->kids = st_xrealloc(ix->kids, cap);
	memset(ix->kids + ix->kcap, 0, cap - ix->kcap);
	ix->kcap = cap;
}

static void index_add(const st_tree *t, child_index *ix, uint32_t id)
{
	const st_node *n = &t->nodes[id];
	st_idtab_room(&ix->tab);
	st_idtab_add(&ix->tab, child_hash(ix, n->parent, n->name, n->arg), id);
}

/* parent's child by its list, for a parent not in the table; ST_NIL */
static uint32_t scan_kids(const st_tree *t, const child_index *ix,
                          uint32_t parent, uint32_t name, uint32_t arg)
{
	for (uint32_t c = t->nodes[parent].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		if (child_is(&t->nodes[c], ix, parent, name, arg))
			return c;
	return ST_NIL;
}

static bool scanned(const child_index *ix, uint32_t parent)
{
	return ix->scan && (parent >= ix->kcap || ix->kids[parent] != KIDS_INDEXED);
}

/* Counts a new child of a parent that is walked: with one child too many
 * for a walk, all of them go to the table. */
static void count_kid(st_tree *t, child_index *ix, uint32_t parent)
{
	uint8_t k = ix->kids[parent];
	if (k < KIDS_SCAN) {
		ix->kids[parent] = k + 1;
		return;
	}
	for (uint32_t c = t->nodes[parent].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		index_add(t, ix, c);
	ix->kids[parent] = KIDS_INDEXED;
}

/* The child of parent with this name (and arg, for the stack tree),
 * created with the given kind when missing.  The slots keep each node's
 * hash: a missing child (most of them while a trace loads) costs no read of
 * the nodes. */
uint32_t bld_child(st_tree *t, child_index *ix, uint32_t parent,
                   uint32_t name, uint32_t arg, st_kind kind)
{
	if (ix->scan) {
		kids_room(ix, t->len + 1);
		if (ix->kids[parent] != KIDS_INDEXED) {
			uint32_t id = scan_kids(t, ix, parent, name, arg);
			if (id != ST_NIL)
				return id;
			id = st_tree_add(t, parent, name, arg, kind);
			count_kid(t, ix, parent);
			return id;
		}
	}
	st_idtab_room(&ix->tab);
	st_idtab_probe p = st_idtab_start(&ix->tab, child_hash(ix, parent, name, arg));
	for (uint32_t id; (id = st_idtab_next(&ix->tab, &p)) != ST_IDTAB_END;)
		if (child_is(&t->nodes[id], ix, parent, name, arg))
			return id;
	uint32_t id = st_tree_add(t, parent, name, arg, kind);
	st_idtab_insert(&ix->tab, &p, id);
	return id;
}

/* Fetches the first slot a lookup of that child will read. */
static void prefetch_child(const child_index *ix, uint32_t parent,
                           uint32_t name, uint32_t arg)
{
	if (ix->tab.cap && !scanned(ix, parent))
		__builtin_prefetch(&ix->tab.slots[child_hash(ix, parent, name, arg) &
		                                  (ix->tab.cap - 1)]);
}

uint32_t bld_find_child(const st_tree *t, const child_index *ix, uint32_t parent,
                        uint32_t name, uint32_t arg)
{
	if (scanned(ix, parent))
		return scan_kids(t, ix, parent, name, arg);
	if (!ix->tab.cap)
		return ST_NIL;
	st_idtab_probe p = st_idtab_start(&ix->tab, child_hash(ix, parent, name, arg));
	for (uint32_t id; (id = st_idtab_next(&ix->tab, &p)) != ST_IDTAB_END;)
		if (child_is(&t->nodes[id], ix, parent, name, arg))
			return id;
	return ST_NIL;
}

void bld_adopt(st_tree *t, child_index *ix, uint32_t id)
{
	uint32_t parent = t->nodes[id].parent;
	if (ix->scan) {
		kids_room(ix, t->len);
		ix->kids[id] = 0;
		if (ix->kids[parent] != KIDS_INDEXED) {
			count_kid(t, ix, parent);
			return;
		}
	}
	index_add(t, ix, id);
}

/* A graft's parent is a node the merge made (so it had no children
 * before) or another graft: counting the grafts under each gives their
 * parents' exact counts, and those with too many get the table. */
void bld_index_grafts(st_tree *t, child_index *ix, graft *g, uint32_t n,
                      uint32_t crate)
{
	kids_room(ix, t->len);
	/* the ranges are in id order, so a parent's count is whole before its
	 * children are counted: zero and count in one pass */
	for (uint32_t k = 0; k < n; k++) {
		if (g[k].crate != crate)
			continue;
		memset(ix->kids + g[k].lo, 0, g[k].hi - g[k].lo);
		for (uint32_t id = g[k].lo; id < g[k].hi; id++) {
			uint8_t *c = &ix->kids[t->nodes[id].parent];
			*c += *c < KIDS_INDEXED - 1;
		}
	}
	for (uint32_t k = 0; k < n; k++) {
		if (g[k].crate != crate)
			continue;
		for (uint32_t id = g[k].lo; id < g[k].hi; id++) {
			uint8_t *c = &ix->kids[t->nodes[id].parent];
			if (!ix->scan || *c > KIDS_SCAN) {
				index_add(t, ix, id);
				*c = KIDS_INDEXED;
			}
		}
		g[k].crate = ST_NIL;
	}
}

void bld_index_free(child_index *ix)
{
	st_idtab_free(&ix->tab);
	free(ix->kids);
	ix->kids = NULL;
	ix->kcap = 0;
}

/* ---- strings ----------------------------------------------------------- */

void bld_ensure_display(st_model *m, uint32_t id)
{
	if (id < m->display_len)
		return;
	uint32_t n = m->display_len ? m->display_len : 1024;
	while (n <= id)
		n *= 2;
	m->display = st_xrealloc(m->display, (size_t)n * sizeof *m->display);
	m->fn_kind = st_xrealloc(m->fn_kind, n);
	memset(m->display + m->display_len, 0,
	       (size_t)(n - m->display_len) * sizeof *m->display);
	memset(m->fn_kind + m->display_len, 0, n - m->display_len);
	m->display_len = n;
}

/* *slot of a strtab-id-indexed array that grows on demand; new entries are
 * ST_NIL. */
static uint32_t *sid_slot(uint32_t **arr, uint32_t *len, uint32_t id)
{
	if (id >= *len) {
		uint32_t n = *len ? *len : 1024;
		while (n <= id)
			n *= 2;
		*arr = st_xrealloc(*arr, (size_t)n * sizeof **arr);
		memset(*arr + *len, 0xff, (size_t)(n - *len) * sizeof **arr);
		*len = n;
	}
	return &(*arr)[id];
}

/* Normalised id of a raw id, computed once per distinct string. */
uint32_t bld_display_of(st_builder *b, uint32_t id)
{
	st_model *m = b->m;
	if (id < m->display_len && m->display[id])
		return m->display[id] - 1;
	const char *s = st_str(m->strs, id);
	size_t len = st_strlen(m->strs, id);
	if (b->scratch_cap < len * 2 + 64) {
		b->scratch_cap = len * 2 + 64;
		b->scratch = st_xrealloc(b->scratch, b->scratch_cap);
	}
	size_t n = st_name_normalize(s, len, b->scratch, b->scratch_cap);
	uint32_t d = (n == len && memcmp(s, b->scratch, n) == 0)
	                 ? id : st_intern(m->strs, b->scratch, n);
	bld_ensure_display(m, d > id ? d : id);
	m->display[id] = d + 1;
	m->display[d] = d + 1;
	return d;
}

/* Query keys and DefId arguments tell exactly which paths are coroutines;
 * each distinct string is scanned once per source: what it shows binds to
 * the source's crate, so a source's evidence does not depend on which
 * sources came before it (nor on how loading was split over threads). */
static void scan_evidence(st_builder *b, uint32_t id)
{
	if (id >= b->scanned_len) {
		uint32_t n = b->scanned_len ? b->scanned_len : 4096;
		while (n <= id)
			n *= 2;
		b->scanned = st_xrealloc(b->scanned, (size_t)n * sizeof *b->scanned);
		memset(b->scanned + b->scanned_len, 0,
		       (size_t)(n - b->scanned_len) * sizeof *b->scanned);
		b->scanned_len = n;
	}
	if (b->scanned[id] == b->m->sources.len)
		return;
	b->scanned[id] = b->m->sources.len;
	st_async_evidence_scan(b->evidence, st_str(b->m->strs, id),
	                       st_strlen(b->m->strs, id));
}

enum {   /* label_info bits */
	LI_KNOWN = 0x80,       /* the byte has been computed */
	LI_KCLASS = 0x0f,      /* enum kclass, when the string is a kind */
	LI_MODULE = 0x10,      /* a codegen label whose first argument is a module */
	LI_OVERHEAD = 0x20,    /* the profiler's own work (self_profile_*) */
};

/* The label_info byte of a string id, computed on first use. */
static uint8_t *info_of(st_builder *b, uint32_t id)
{
	if (id >= b->label_info_len) {
		uint32_t n = b->label_info_len ? b->label_info_len : 1024;
		while (n <= id)
			n *= 2;
		b->label_info = st_xrealloc(b->label_info, n);
		memset(b->label_info + b->label_info_len, 0, n - b->label_info_len);
		b->label_info_len = n;
	}
	return &b->label_info[id];
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static uint8_t compute_info(st_builder *b, uint32_t id)
{
	static const struct { const char *s; enum kclass c; } known[] = {
		{ "Query", KC_QUERY }, { "GenericActivity", KC_ACTIVITY },
		{ "QueryBlocked", KC_BLOCKED },
		{ "IncrementalLoadResult", KC_INCR_LOAD },
		{ "IncrementalResultHashing", KC_INCR_HASH },
		{ "LLVM Pass", KC_LLVM_PASS },
		{ "QueryCacheHit", KC_CACHE_HIT },
		{ "QueryCacheHitCount", KC_CACHE_HIT_COUNT },
		{ "ArtifactSize", KC_ARTIFACT_SIZE },
	};
	uint8_t r = KC_OTHER;
	const char *s = st_str(b->m->strs, id);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i].s) == 0)
			r = known[i].c;
	if (has_prefix(s, "codegen_module") || has_prefix(s, "LLVM_") ||
	    has_prefix(s, "codegen_copy_artifacts"))
		r |= LI_MODULE;
	if (has_prefix(s, "self_profile_"))
		r |= LI_OVERHEAD;
	return r | LI_KNOWN;
}

static uint8_t label_info(st_builder *b, uint32_t id)
{
	uint8_t *p = info_of(b, id);
	if (!*p)
		*p = compute_info(b, id);
	return *p;
}

static enum kclass classify_kind(st_builder *b, uint32_t kind)
{
	return (enum kclass)(label_info(b, kind) & LI_KCLASS);
}

/* Codegen activities whose first argument names an LLVM module (a CGU).
 * LLVM_fat_lto_link_module's argument is a quoted input object, not one. */
static bool names_module(st_builder *b, const st_event *e)
{
	if (e->nargs == 0 || !(label_info(b, e->label) & LI_MODULE))
		return false;
	return st_str(b->m->strs, e->args[0])[0] != '"';
}

/* ---- builder lifetime --------------------------------------------------- */

st_builder *st_builder_new(st_model *m)
{
	st_builder *b = st_xcalloc(1, sizeof *b);
	b->m = m;
	b->idx_stack.by_arg = true;
	b->idx_stack.scan = true;
	b->evidence = st_async_evidence_new();
	b->s_unnamed_loop = st_intern_cstr(m->strs, "<unnamed loop>");
	return b;
}

void st_builder_set_threads(st_builder *b, unsigned n)
{
	b->finish_threads = n;
}

void st_builder_set_hook(st_builder *b, const st_event_hook *hook)
{
	b->has_hook = hook != NULL;
	if (hook)
		b->hook = *hook;
}

bool st_builder_has_hook(const st_builder *b)
{
	return b->has_hook;
}

void st_builder_scan_text(void *builder, const char *s, size_t n)
{
	st_async_evidence_scan(((st_builder *)builder)->evidence, s, n);
}

void st_builder_add_evidence(st_builder *b, const st_async_evidence *ev)
{
	st_async_evidence_absorb(b->evidence, ev);
}

st_strtab *st_builder_strs(st_builder *b)
{
	return b->m->strs;
}

void bld_free_lookups(st_builder *b)
{
	bld_index_free(&b->idx_stack);
	st_idtab_free(&b->idx_codegen.tab);
	st_idtab_free(&b->idx_pivot.tab);
	free(b->label_info);
	b->label_info = NULL;
	b->label_info_len = 0;
	free(b->label_of);
	free(b->pass_of);
	st_idmap_free(&b->pass_of_group);
	free(b->cgu_raw);
	free(b->artifact_of);
	free(b->hit_count_src);
	b->artifact_of = b->hit_count_src = NULL;
	b->artifact_of_len = b->hit_count_src_len = 0;
	st_big_free(b->cg.v, (size_t)b->cg.cap * sizeof *b->cg.v);
	st_idtab_free(&b->cg.index);
	b->label_of = b->pass_of = b->cgu_raw = NULL;
	b->label_of_len = b->pass_of_len = 0;
	b->cg = (cg_table){ 0 };
	b->last_stack = NULL;
	st_idmap *maps[] = { &b->threads, &b->cgu_of, &b->fn_of };
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		st_idmap_free(maps[i]);
	for (uint32_t i = 0; i < b->capstacks; i++)
		free(b->stacks[i].v);
	free(b->stacks);
	b->stacks = NULL;
	b->nstacks = b->capstacks = 0;
	free(b->scanned);
	b->scanned = NULL;
	b->scanned_len = 0;
	free(b->scratch);
	b->scratch = NULL;
	b->scratch_cap = 0;
	free(b->grafts);
	b->grafts = NULL;
	b->ngrafts = b->capgrafts = 0;
	st_async_evidence_free(b->evidence);
	b->evidence = NULL;
}

void st_builder_free(st_builder *b)
{
	if (!b)
		return;
	bld_free_lookups(b);
	free(b);
}

void st_builder_begin_source(st_builder *b, const char *path, const char *format,
                             const char *crate, uint64_t bytes)
{
	st_model *m = b->m;
	uint32_t c = st_intern_cstr(m->strs, crate);
	st_source *s = VEC_PUSH(m->sources);
	*s = (st_source){ .path = st_intern_cstr(m->strs, path),
	                  .format = st_intern_cstr(m->strs, format),
	                  .crate = c, .crate_name = c, .crate_kind = ST_CK_LIB,
	                  .bytes = bytes };
	b->src_llvm_base = m->llvm_self_ns;
	b->src_overhead = 0;
	b->src_time = 0;
	b->src_seen = false;
	b->src_grouped = strcmp(format, "time-llvm-passes") == 0;
	b->crate = s->crate;
	b->crate_stack = bld_child(&m->stack, &b->idx_stack, 0, s->crate, ST_NOSTR,
	                           ST_K_CRATE);
}

/* ---- statistics ----------------------------------------------------------- */

uint32_t bld_label_stat(st_builder *b, uint32_t label)
{
	st_model *m = b->m;
	uint32_t *i = sid_slot(&b->label_of, &b->label_of_len, label);
	if (*i == ST_NIL) {
		*i = m->labels.len;
		*VEC_PUSH(m->labels) = (st_label_stat){ .label = label };
	}
	return *i;
}

uint32_t bld_pass_stat(st_builder *b, uint32_t label, uint32_t group)
{
	st_model *m = b->m;
	uint32_t at;
	if (group != ST_NOSTR) {
		at = st_idmap_get_or_put(&b->pass_of_group,
		                         st_idmap_pair(label, group), m->passes.len);
	} else {
		uint32_t *i = sid_slot(&b->pass_of, &b->pass_of_len, label);
		if (*i == ST_NIL)
			*i = m->passes.len;
		at = *i;
	}
	if (at == m->passes.len)
		*VEC_PUSH(m->passes) = (st_pass_stat){ .pass = label, .group = group };
	return at;
}

/* group: the enclosing group's title for grouped sources, else ST_NOSTR */
static void count_pass(st_builder *b, uint32_t label, uint32_t group,
                       int64_t self)
{
	st_model *m = b->m;
	uint32_t at = bld_pass_stat(b, label, group);
	m->passes.v[at].count++;
	m->passes.v[at].self_ns += self;
	if (group == ST_NOSTR ||
	    !st_llvmpasses_inner(st_str(m->strs, group), st_strlen(m->strs, group)))
		m->llvm_self_ns += (uint64_t)self;
}

uint32_t bld_cgu_stat(st_builder *b, uint32_t crate, uint32_t cgu, uint32_t raw)
{
	st_model *m = b->m;
	uint32_t i = st_idmap_get_or_put(&b->cgu_of, st_idmap_pair(crate, cgu),
	                                 m->cgus.len);
	if (i == m->cgus.len) {
		*VEC_PUSH(m->cgus) = (st_cgu_stat){ .crate = crate, .cgu = cgu };
		b->cgu_raw = st_xrealloc(b->cgu_raw, m->cgus.cap * sizeof *b->cgu_raw);
		b->cgu_raw[i] = raw;
	}
	return i;
}

static uint32_t cgu_stat(st_builder *b, uint32_t cgu_raw)
{
	return bld_cgu_stat(b, b->crate, bld_display_of(b, cgu_raw), cgu_raw);
}

uint32_t bld_artifact_stat(st_builder *b, uint32_t label)
{
	st_model *m = b->m;
	uint32_t *i = sid_slot(&b->artifact_of, &b->artifact_of_len, label);
	if (*i == ST_NIL) {
		*i = m->artifacts.len;
		*VEC_PUSH(m->artifacts) = (st_artifact_stat){ .label = label };
	}
	return *i;
}

/* Adds summarize's per-kind contribution of an event to its label row. */
static void count_label(st_label_stat *l, enum kclass c, uint64_t dur)
{
	l->self_ns += (int64_t)dur;
	switch (c) {
	case KC_BLOCKED:
		l->total_ns += dur;
		l->blocked_ns += dur;
		break;
	case KC_INCR_LOAD:
		l->total_ns += dur;
		l->incremental_load_ns += (int64_t)dur;
		break;
	case KC_INCR_HASH:   /* summarize leaves it out of "time" */
		l->incremental_hashing_ns += (int64_t)dur;
		break;
	default:             /* an interval of any other kind is an invocation */
		l->total_ns += dur;
		l->count++;
		break;
	}
}

/* A direct child's duration leaves its parent's self time and, for the two
 * incremental kinds, the parent's column of that kind too (summarize). */
static void uncount_child(st_label_stat *l, enum kclass parent, uint64_t dur)
{
	l->self_ns -= (int64_t)dur;
	if (parent == KC_INCR_LOAD)
		l->incremental_load_ns -= (int64_t)dur;
	else if (parent == KC_INCR_HASH)
		l->incremental_hashing_ns -= (int64_t)dur;
}

/* Instants and integers: cache hits and artifact sizes; they never touch
 * the thread stacks.  Other kinds feed nothing. */
static void count_point(st_builder *b, const st_event *e)
{
	st_model *m = b->m;
	enum kclass c = classify_kind(b, e->kind);
	uint32_t src = m->sources.len - 1;
	if (e->type == ST_EV_INSTANT && c == KC_CACHE_HIT) {
		uint32_t i = bld_label_stat(b, e->label);   /* the row exists either way */
		if (*sid_slot(&b->hit_count_src, &b->hit_count_src_len, e->label) != src)
			m->labels.v[i].cache_hits++;
	} else if (e->type == ST_EV_INTEGER && c == KC_CACHE_HIT_COUNT) {
		uint32_t i = bld_label_stat(b, e->label);   /* may move labels.v */
		m->labels.v[i].cache_hits += e->value;
		*sid_slot(&b->hit_count_src, &b->hit_count_src_len, e->label) = src;
	} else if (e->type == ST_EV_INTEGER && c == KC_ARTIFACT_SIZE) {
		uint32_t i = bld_artifact_stat(b, e->label);   /* may move artifacts.v */
		m->artifacts.v[i].bytes += e->value;
	}
}

/* ---- the walk ------------------------------------------------------------- */

static thread_stack *stack_for(st_builder *b, uint32_t thread)
{
	if (b->last_stack && b->last_thread == thread)
		return b->last_stack;
	uint32_t i = st_idmap_get_or_put(&b->threads, thread, b->nstacks);
	if (i == b->nstacks) {
		if (b->nstacks == b->capstacks) {
			uint32_t cap = b->capstacks ? b->capstacks * 2 : 16;
			b->stacks = st_xrealloc(b->stacks, cap * sizeof *b->stacks);
			memset(b->stacks + b->capstacks, 0,
			       (cap - b->capstacks) * sizeof *b->stacks);
			b->capstacks = cap;
		}
		b->nstacks++;
	}
	b->last_thread = thread;
	b->last_stack = &b->stacks[i];
	return b->last_stack;
}

static void leave(st_builder *b, thread_stack *ts)
{
	st_model *m = b->m;
	frame *f = &ts->v[--ts->len];
	uint64_t dur = f->ev.end - f->ev.start;
	int64_t self = (int64_t)(dur - f->child_ns);
	m->stack.nodes[f->stack_node].self_ns += self;
	if (f->cgu_idx != ST_NIL) {
		m->cgus.v[f->cgu_idx].self_ns += self;
		bld_add_codegen(b, f, self);
	}
	if (f->kclass == KC_LLVM_PASS)
		count_pass(b, f->ev.label, b->src_grouped && ts->len ?
		           ts->v[ts->len - 1].ev.label : ST_NOSTR, self);
	else if (label_info(b, f->ev.label) & LI_OVERHEAD)
		b->src_overhead += self;
	if (b->has_hook && b->hook.leave)
		b->hook.leave(b->hook.ctx, &f->ev, self, f->marked, f->tag);
}

static st_kind node_kind(enum kclass c)
{
	switch (c) {
	case KC_QUERY: case KC_BLOCKED: case KC_INCR_LOAD: case KC_INCR_HASH:
		return ST_K_QUERY;
	case KC_ACTIVITY:
		return ST_K_ACTIVITY;
	case KC_LLVM_PASS:
		return ST_K_PASS;
	default:
		return ST_K_OTHER;
	}
}

/* The argument that identifies an event in a stack-tree path: the module for
 * codegen activities.  Other arguments would split paths without end: query
 * keys, and the IR unit of an LLVM pass, whose split by function is the
 * codegen trees' (CGU > pass > function and function > pass).  In the stack
 * tree a pass is one node per path, as stack_collapse folds it: keyed by
 * function too, it was one node per event (a pass runs once on each
 * function), a third of a trace's memory and a quarter of a large profile's
 * load, for a list of thousands of siblings named alike. */
static uint32_t path_arg(st_builder *b, const st_event *e, enum kclass c)
{
	if (c == KC_ACTIVITY && names_module(b, e))
		return e->args[0];
	return ST_NOSTR;
}

/* Where the hinted next event will be entered: under *node (true), or
 * under frame f, the one being entered (false); its path argument in
 * *arg.  The open frames of its thread tell exactly, as its walk will (the
 * innermost that encloses it is its parent), so the slot its lookup reads
 * can be fetched ahead, whichever thread it is on.  One hint is read
 * (ST_HINTS): two, the second's parent found the same way, were no
 * faster. */
static bool hint_parent(st_builder *b, const thread_stack *ts, const frame *f,
                        uint32_t *node, uint32_t *arg)
{
	const st_hint *h = &b->hint[0];
	st_event e = { .kind = h->kind, .label = h->label,
	               .nargs = h->nargs ? 1 : 0, .args = &h->arg0 };
	*arg = path_arg(b, &e, classify_kind(b, h->kind));
	if (h->thread != f->ev.thread) {
		uint32_t i = st_idmap_get(&b->threads, h->thread);
		ts = i == ST_IDMAP_NONE ? NULL : &b->stacks[i];
	}
	for (uint32_t k = ts ? ts->len : 0; k-- > 0;) {
		const frame *g = &ts->v[k];
		if (g->ev.start <= h->start && h->end <= g->ev.end) {
			if (g == f)
				return false;
			*node = g->stack_node;
			return true;
		}
	}
	*node = b->crate_stack;
	return true;
}

static void fill_frame(st_builder *b, frame *f, const frame *parent,
                       enum kclass c)
{
	const st_event *e = &f->ev;
	f->cgu_raw = parent ? parent->cgu_raw : ST_NOSTR;
	f->loop_fn = parent ? parent->loop_fn : ST_NOSTR;
	if (c == KC_ACTIVITY && names_module(b, e))
		f->cgu_raw = e->args[0];
	/* Profiles made with -Z self-profile-events=llvm alone have no codegen
	 * activities: an outermost pass runs on a whole module, and its unit is
	 * the module's name. */
	if (c == KC_LLVM_PASS && f->cgu_raw == ST_NOSTR && e->nargs)
		f->cgu_raw = e->args[0];
	if (c == KC_LLVM_PASS && e->nargs && e->args[0] != b->s_unnamed_loop &&
	    e->args[0] != f->cgu_raw)
		f->loop_fn = e->args[0];
	f->cgu_idx = parent ? parent->cgu_idx : ST_NIL;
	if (f->cgu_raw != ST_NOSTR && (!parent || parent->cgu_raw != f->cgu_raw))
		f->cgu_idx = cgu_stat(b, f->cgu_raw);
	if (f->cgu_idx != ST_NIL && (!parent || parent->cgu_idx != f->cgu_idx))
		b->m->cgus.v[f->cgu_idx].total_ns += e->end - e->start;
}

static void enter(st_builder *b, thread_stack *ts, const st_event *e)
{
	st_model *m = b->m;
	enum kclass c = classify_kind(b, e->kind);
	uint64_t dur = e->end - e->start;
	frame *parent = ts->len ? &ts->v[ts->len - 1] : NULL;
	if (ts->len == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 64;
		ts->v = st_xrealloc(ts->v, (size_t)ts->cap * sizeof *ts->v);
		parent = ts->len ? &ts->v[ts->len - 1] : NULL;
	}
	frame *f = &ts->v[ts->len++];
	/* field by field: a compound literal here compiled to a rep stos of
	 * the whole frame, 3% of a build's load */
	f->ev = *e;
	f->child_ns = 0;
	f->stack_node = f->label_idx = 0;
	f->cgu_raw = f->loop_fn = ST_NOSTR;
	f->cgu_idx = ST_NIL;
	f->kclass = (uint8_t)c;
	f->marked = f->inside = false;
	f->tag = 0;
	if (parent) {
		parent->child_ns += dur;
		uncount_child(&m->labels.v[parent->label_idx],
		              (enum kclass)parent->kclass, dur);
	}
	f->label_idx = bld_label_stat(b, e->label);
	count_label(&m->labels.v[f->label_idx], c, dur);

	uint32_t pnode = parent ? parent->stack_node : b->crate_stack;
	uint32_t arg = path_arg(b, e, c);
	if (arg != ST_NOSTR)
		bld_display_of(b, arg);
	uint32_t hnode = ST_NIL, harg = ST_NOSTR;
	bool below = b->nhint && !hint_parent(b, ts, f, &hnode, &harg);
	if (hnode != ST_NIL)
		prefetch_child(&b->idx_stack, hnode, b->hint[0].label, harg);
	f->stack_node = bld_child(&m->stack, &b->idx_stack, pnode, e->label, arg,
	                          node_kind(c));
	if (below)   /* the next is one of e's children */
		prefetch_child(&b->idx_stack, f->stack_node, b->hint[0].label, harg);
	st_node *n = &m->stack.nodes[f->stack_node];
	n->total_ns += dur;
	n->count++;
	if (!parent) {
		m->stack.nodes[b->crate_stack].total_ns += dur;
		m->stack.nodes[0].total_ns += dur;
		if (b->src_grouped && !ts->outer)
			ts->outer = !st_llvmpasses_inner(st_str(m->strs, e->label),
			                                 st_strlen(m->strs, e->label));
	}
	fill_frame(b, f, parent, c);
	if (f->cgu_idx != ST_NIL)
		bld_cg_prefetch(b, f);
	if (c != KC_LLVM_PASS)
		for (uint32_t i = 0; i < e->nargs; i++)
			scan_evidence(b, e->args[i]);
	if (e->key)   /* unique per query invocation: scanned, never kept */
		st_async_evidence_scan(b->evidence, e->key, e->keylen);
	if (b->has_hook && b->hook.enter) {
		f->inside = parent && (parent->marked || parent->inside);
		f->marked = b->hook.enter(b->hook.ctx, e, f->inside, &f->tag);
	}
	f->ev.key = NULL;
	f->ev.keylen = 0;
}

/* What e widens the span [*first, *last] by beyond e's own length (a
 * first event's span is its length, counted already), widening it;
 * anything above ST_MAX_SOURCE_NS counts as just above it, so that sums of
 * a few cannot wrap. */
static uint64_t widen(uint64_t *first, uint64_t *last, bool *seen,
                      const st_event *e)
{
	const uint64_t over = ST_MAX_SOURCE_NS + 1;
	if (!*seen) {
		*seen = true;
		*first = e->start;
		*last = e->end;
		return 0;
	}
	uint64_t by = 0;
	if (e->start < *first) {
		by += *first - e->start < over ? *first - e->start : over;
		*first = e->start;
	}
	if (e->end > *last) {
		by += e->end - *last < over ? e->end - *last : over;
		*last = e->end;
	}
	return by;
}

/* Counts e's time against ST_MAX_SOURCE_NS and ST_MAX_LOAD_NS: its length
 * (so nested events count at each level, as totals sum them) and what it
 * widens its thread's span and its source's by.  That bounds every figure
 * on its own: self and total times by the lengths, cpu by the threads'
 * spans, wall by the source's.  Timestamps themselves may be large (crox
 * writes microseconds since 1970). */
static bool account_time(st_builder *b, thread_stack *ts, const st_event *e,
                         const char **why)
{
	uint64_t len = e->end - e->start;
	uint64_t add = len > ST_MAX_SOURCE_NS ? ST_MAX_SOURCE_NS + 1 : len;
	add += widen(&ts->first, &ts->last, &ts->seen, e);
	add += widen(&b->src_first, &b->src_last, &b->src_seen, e);
	if (add > ST_MAX_SOURCE_NS - b->src_time) {
		*why = "events add up to more than " ST_MAX_SOURCE_DAYS " days (summed "
		       "over nesting levels and threads)";
		return false;
	}
	b->src_time += add;
	b->time += add;
	if (b->time > ST_MAX_LOAD_NS) {
		*why = "the load's events add up to more than 2^61 ns";
		return false;
	}
	return true;
}

void st_builder_hint(st_builder *b, const st_hint *next, uint32_t n)
{
	b->hint = next;
	b->nhint = n < ST_HINTS ? n : ST_HINTS;
}

static bool builder_event(st_builder *b, const st_event *e, const char **why)
{
	if (e->type != ST_EV_INTERVAL) {
		count_point(b, e);
		return true;
	}
	if (e->end < e->start) {
		*why = "interval ends before it starts";
		return false;
	}
	thread_stack *ts = stack_for(b, e->thread);
	while (ts->len) {
		const st_event *top = &ts->v[ts->len - 1].ev;
		if (top->start <= e->start && e->end <= top->end)
			break;
		/* Events come latest-end first, so one that starts before the
		 * top and ends inside it overlaps it partly: no nesting exists. */
		if (e->start < top->start && e->end > top->start) {
			*why = "interval partly overlaps another on the same thread";
			return false;
		}
		leave(b, ts);
	}
	if (!account_time(b, ts, e, why))
		return false;
	/* real profiles nest a few hundred deep; a crafted one 100,000 deep
	 * would grow the stack without end and make every tree walk deep */
	if (ts->len >= ST_MAX_NESTING) {
		*why = "events nest deeper than " ST_STR(ST_MAX_NESTING);
		return false;
	}
	enter(b, ts, e);
	return true;
}

bool st_builder_event(st_builder *b, const st_event *e, const char **why)
{
	*why = NULL;
	bool ok = builder_event(b, e, why);
	b->nhint = 0;
	return ok;
}

uint64_t st_builder_time(const st_builder *b)
{
	return b->time;
}

void st_builder_end_source(st_builder *b, uint64_t events)
{
	st_model *m = b->m;
	st_source *s = &m->sources.v[m->sources.len - 1];
	uint64_t first = UINT64_MAX, last = 0;
	for (uint32_t i = 0; i < b->nstacks; i++) {
		thread_stack *ts = &b->stacks[i];
		while (ts->len)
			leave(b, ts);
		if (ts->seen) {
			if (!b->src_grouped || ts->outer)
				s->cpu_ns += ts->last - ts->first;
			first = ts->first < first ? ts->first : first;
			last = ts->last > last ? ts->last : last;
		}
		ts->seen = ts->outer = false;
	}
	/* the rustc process's span: all threads share one clock */
	s->wall_ns = last > first ? last - first : 0;
	s->llvm_ns = m->llvm_self_ns - b->src_llvm_base;
	s->overhead_ns = b->src_overhead;
	m->cpu_ns += s->cpu_ns;
	/* thread ids are per process: the next source starts afresh */
	st_idmap_free(&b->threads);
	b->nstacks = 0;
	b->last_stack = NULL;
	s->events = events;
	s->async_exact = st_async_evidence_end_source(b->evidence);
	m->total_events += events;
}

void st_builder_set_crate(st_builder *b, const char *name, uint8_t kind)
{
	st_source *s = &b->m->sources.v[b->m->sources.len - 1];
	s->crate_name = st_intern_cstr(b->m->strs, name);
	s->crate_kind = kind;
}

