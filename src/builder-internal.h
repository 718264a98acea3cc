/* builder-internal.h: what the builder's files share (builder.c, the walk
 * and its statistics; builder-codegen.c, the codegen trees; builder-finish.c,
 * classification, async grouping and ordering): the builder's state and the
 * few functions one file calls in another.  Private to those files; the
 * public contract is include/stalactite/builder.h. */
#ifndef ST_BUILDER_INTERNAL_H
#define ST_BUILDER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "stalactite/async-kind.h"
#include "stalactite/builder.h"
#include "stalactite/idmap.h"
#include "stalactite/xalloc.h"

enum kclass {   /* what an event kind means to the statistics */
	KC_OTHER, KC_QUERY, KC_ACTIVITY, KC_BLOCKED, KC_INCR_LOAD,
	KC_INCR_HASH, KC_LLVM_PASS,
	KC_CACHE_HIT, KC_CACHE_HIT_COUNT, KC_ARTIFACT_SIZE,  /* instants, integers */
};

typedef struct frame {
	st_event ev;
	uint64_t child_ns;     /* durations of direct children */
	uint32_t stack_node;
	uint32_t label_idx;
	uint32_t cgu_raw;      /* raw module name of the CGU, or ST_NOSTR */
	uint32_t cgu_idx;      /* index into model cgus, or ST_NIL */
	uint32_t loop_fn;      /* function a loop unit below belongs to */
	uint8_t kclass;
	bool marked, inside;   /* event hook state */
	uint32_t tag;
} frame;

typedef struct thread_stack {
	frame *v;
	uint32_t len, cap;
	uint64_t first, last;  /* span of the thread's intervals */
	bool seen;
	/* grouped sources (time-llvm-passes): a root that is not a table of
	 * regions inside passes; a thread of those alone times nothing of its
	 * own, so its span is no cpu time */
	bool outer;
} thread_stack;

/* What the codegen trees receive, summed per (CGU, label, function) while
 * loading and turned into nodes once at the end: one lookup per LLVM pass
 * event instead of one per tree level. */
typedef struct cg_entry {
	uint32_t cgu_idx, label, fn_raw;  /* fn_raw ST_NOSTR: no function */
	uint32_t count;
	/* events counted for the pass: an event on k functions is in k
	 * entries, and counts for its pass in the first one only */
	uint32_t lead;
	bool pass;
	bool unindexed;    /* not in the index: see bld_cg_append */
	int64_t self_ns;
} cg_entry;

typedef struct cg_table {
	cg_entry *v;
	uint32_t len, cap;
	st_idtab index;            /* entries by (cgu, label, fn), but those
	                              marked unindexed */
} cg_table;

/* Child lookup for one tree: node ids keyed by (parent, name[, arg]); the
 * key lives in the node itself.  With kids (the stack tree), a node of at
 * most KIDS_SCAN children keeps them out of the hash table and a lookup
 * walks its list instead: two thirds of a large profile's nodes are such
 * children, made moments before beside their parent in memory, while a
 * table slot is a miss to memory (BENCHMARKS.md).  Then every node is
 * added through bld_child, or entered with bld_index_grafts. */
#define KIDS_SCAN 8
#define KIDS_INDEXED UINT8_MAX   /* its children are in tab */
typedef struct child_index {
	st_idtab tab;
	bool by_arg;           /* arg is part of the key */
	bool scan;             /* kids is kept */
	uint8_t *kids;         /* node -> children (at most KIDS_SCAN) or
	                          KIDS_INDEXED; kcap entries */
	uint32_t kcap;
} child_index;

/* Stack-tree nodes ids [lo, hi) under crate node crate that a merge added
 * without the lookup (see st_builder.grafts); crate ST_NIL: entered since. */
typedef struct graft {
	uint32_t crate, lo, hi;
} graft;

struct st_builder {
	st_model *m;
	st_event_hook hook;
	bool has_hook;
	const st_hint *hint;       /* st_builder_hint, for one event */
	uint32_t nhint;
	unsigned finish_threads;   /* st_builder_set_threads */
	child_index idx_stack, idx_codegen, idx_pivot;
	st_idmap threads;          /* thread id -> index in stacks */
	thread_stack *stacks;
	uint32_t nstacks, capstacks;
	uint32_t *label_of, *pass_of;  /* strtab id -> stat index, or ST_NIL */
	uint32_t label_of_len, pass_of_len;
	/* time-llvm-passes sources: a pass is one row per group, so
	 * (label, group) -> stat index */
	bool src_grouped;
	st_idmap pass_of_group;
	uint32_t *artifact_of;     /* strtab id -> artifacts index, or ST_NIL */
	uint32_t artifact_of_len;
	/* label strtab id -> the last source that gave a QueryCacheHitCount for
	 * it (ST_NIL: none); that source's QueryCacheHit instants then count no
	 * more, so a source index needs no reset between files */
	uint32_t *hit_count_src;
	uint32_t hit_count_src_len;
	st_idmap cgu_of, fn_of;    /* (crate, name) -> stat index */
	uint32_t *cgu_raw;         /* cgu stat index -> a raw module name */
	cg_table cg;               /* codegen contributions, built at finish */
	uint32_t last_thread;      /* the stack of the previous event's thread */
	thread_stack *last_stack;
	uint8_t *label_info;       /* strtab id -> LI_* bits, computed once */
	uint32_t label_info_len;
	/* strtab id -> 1 + the source that scanned it for evidence (0: none):
	 * once per source, as evidence binds to the source's crate */
	uint32_t *scanned;
	uint32_t scanned_len;
	st_async_evidence *evidence;
	uint32_t crate, crate_stack;
	uint64_t src_llvm_base;    /* m->llvm_self_ns when the source began */
	int64_t src_overhead;      /* self time of the profiler's own activities */
	uint64_t src_time, time;   /* event time of the source, of all sources */
	uint64_t src_first, src_last;  /* the source's span so far */
	bool src_seen;
	uint32_t s_unnamed_loop;
	char *scratch;
	size_t scratch_cap;
	/* stack-tree nodes that st_builder_merge added without entering them in
	 * idx_stack (below nodes it added itself, nothing looked them up): ids
	 * [lo, hi) under crate node crate, entered when a later merge needs them */
	graft *grafts;
	uint32_t ngrafts, capgrafts;
};

#define VEC_PUSH(vec) (((vec).len == (vec).cap ? \
	((vec).cap = (vec).cap ? (vec).cap * 2 : 64, \
	 (vec).v = st_xrealloc((vec).v, (size_t)(vec).cap * sizeof *(vec).v)) : 0), \
	&(vec).v[(vec).len++])

/* ---- builder.c ------------------------------------------------------------ */

/* The child of parent with this name (and arg, for the stack tree),
 * created with the given kind when missing. */
/* Fetches ahead the codegen entry slot a frame will add to when it ends. */
void bld_cg_prefetch(const st_builder *b, const frame *f);
uint32_t bld_child(st_tree *t, child_index *ix, uint32_t parent,
                   uint32_t name, uint32_t arg, st_kind kind);
/* The child of parent with this name (and arg), or ST_NIL. */
uint32_t bld_find_child(const st_tree *t, const child_index *ix, uint32_t parent,
                        uint32_t name, uint32_t arg);
/* Enters in the lookup the grafts under crate node crate (which then
 * stop being grafts): nodes added without it (st_tree_add) below nodes
 * that have no other children, parents before children. */
void bld_index_grafts(st_tree *t, child_index *ix, graft *g, uint32_t n,
                      uint32_t crate);
/* Enters node id, new and already linked under its parent by hand, in the
 * lookup as bld_child would have when making it. */
void bld_adopt(st_tree *t, child_index *ix, uint32_t id);
/* Frees the lookup. */
void bld_index_free(child_index *ix);
/* Grows m->display and m->fn_kind to hold strtab id id. */
void bld_ensure_display(st_model *m, uint32_t id);
/* Normalised id of a raw id, computed once per distinct string. */
uint32_t bld_display_of(st_builder *b, uint32_t id);
/* Frees the child lookups of the three trees. */
void bld_free_lookups(st_builder *b);
/* The row of a label, a pass (group ST_NOSTR: not grouped), a CGU (by crate
 * and normalised name; raw is kept when the row is new) and an artifact
 * label, appended when missing. */
uint32_t bld_label_stat(st_builder *b, uint32_t label);
uint32_t bld_pass_stat(st_builder *b, uint32_t label, uint32_t group);
uint32_t bld_cgu_stat(st_builder *b, uint32_t crate, uint32_t cgu, uint32_t raw);
uint32_t bld_artifact_stat(st_builder *b, uint32_t label);

/* ---- builder-codegen.c ---------------------------------------------------- */

/* An event that belongs to a CGU: LLVM passes split their self time over
 * their functions, other activities count for the CGU itself. */
void bld_add_codegen(st_builder *b, const frame *f, int64_t self);
/* Adds count events of self time v to the (cgu, label, fn) entry, lead of
 * them counted for the pass too. */
void bld_cg_add(cg_table *t, uint32_t cgu, uint32_t label, uint32_t fn,
                bool pass, uint32_t count, uint32_t lead, int64_t v);
/* Appends an entry known to be new without entering it in the lookup
 * (a merge's entries of a CGU the merge made); bld_cg_index_cgus enters
 * those of the CGUs marked in need (by CGU index) before they are looked
 * up again. */
void bld_cg_append(cg_table *t, uint32_t cgu, uint32_t label, uint32_t fn,
                   bool pass, uint32_t count, uint32_t lead, int64_t v);
void bld_cg_index_cgus(cg_table *t, const uint8_t *need);
/* Builds both codegen trees from the contributions. */
void bld_build_codegen(st_builder *b);

#endif
