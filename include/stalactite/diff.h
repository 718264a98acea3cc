/* diff: two loaded builds paired item by item (--diff BASE NEW).
 *
 * Pairing is by name after normalisation (names.h), so that hashes and
 * disambiguators that change between builds do not split items: crates by
 * name and kind, codegen units by normalised name within their crate (CGU
 * partitioning may change between builds: that pairing is approximate),
 * LLVM passes by name, functions by normalised name within their crate,
 * generic sets by erased name within their crate, async groups by owning
 * fn, labels by label, cargo units by package, target, kind and rank, and the
 * nodes of every tree by their path (display name and argument at each
 * level).  An item on one
 * side only is kept, marked new or gone, with zeros on the missing side.
 *
 * The NEW model becomes the merged model: its trees gain the paths that
 * only BASE has (with zero figures of their own) and its string table the
 * strings of BASE, so one model serves every view; BASE's figures for each
 * node are kept beside it.  Both models are owned by the diff. */
#ifndef STALACTITE_DIFF_H
#define STALACTITE_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include "stalactite/model.h"

typedef enum st_diff_status {
	ST_DIFF_BOTH, ST_DIFF_NEW, ST_DIFF_GONE,
} st_diff_status;

/* "both", "new", "gone". */
const char *st_diff_status_name(st_diff_status s);

/* The paired tables.  Figure slots per table (slot 0 is the one rows are
 * sorted by, |new - base| descending):
 *   labels     0 self_ns, 1 total_ns, 2 count, 3 cache_hits
 *   passes     0 self_ns, 1 count
 *   cgus       0 self_ns, 1 total_ns
 *   functions  0 llvm_ns
 *   async_fns  0 llvm_ns, 1 members
 *   crates     0 wall_ns, 1 cpu_ns, 2 llvm_ns, 3 overhead_ns
 *   generics   0 llvm_ns, 1 instances
 *   units      0 duration_ns, 1 start_ns, 2 critical (1: on the critical
 *              path), 3 codegen_ns (0 where the input gives none) */
typedef enum st_diff_table {
	ST_DT_LABELS, ST_DT_PASSES, ST_DT_CGUS, ST_DT_FUNCTIONS, ST_DT_ASYNC,
	ST_DT_CRATES, ST_DT_GENERICS, ST_DT_UNITS, ST_DT_COUNT
} st_diff_table;

#define ST_DIFF_FIGS 4

typedef struct st_diff_row {
	uint32_t name;      /* merged strtab id: label, pass, CGU, function,
	                       async fn, crate display name, generic set */
	uint32_t crate;     /* CGUs, functions, generic sets: their crate;
	                       crates: the crate's name alone; units: the
	                       target's name or ST_NOSTR; else ST_NOSTR */
	uint8_t status;     /* st_diff_status */
	uint8_t kind;       /* functions: st_kind; crates: st_crate_kind;
	                       units: st_unit_kind */
	uint16_t rank;      /* units: which of its side's units of that
	                       package, target and kind (by version, then
	                       start), from 0 */
	uint32_t version;   /* units: NEW's version (BASE's for a gone one) */
	int64_t base[ST_DIFF_FIGS], new[ST_DIFF_FIGS];
} st_diff_row;

typedef struct st_diff_rows {
	st_diff_row *v;
	uint32_t len, cap;
} st_diff_rows;

/* BASE's figures of one node of a merged tree. */
typedef struct st_diff_node {
	uint64_t total_ns;
	int64_t self_ns;
	uint32_t count;
	uint8_t status;     /* st_diff_status */
} st_diff_node;

typedef struct st_diff {
	st_model *base;     /* as loaded */
	st_model *m;        /* NEW, merged with every path and string of BASE */
	st_diff_node *nodes[3];   /* per merged tree (stack, codegen, pivot),
	                             indexed by node id */
	st_diff_rows tables[ST_DT_COUNT];
	uint32_t cgus_new, cgus_gone;   /* CGUs on one side only */
	uint32_t *unit_rows;  /* NEW's cargo unit i -> its units row */
	uint32_t units_gone;  /* cargo units of BASE only */
} st_diff;

/* Codegen nodes of both sides from which the codegen and pivot trees merge
 * on a thread of their own when st_load_jobs allows (below, starting it
 * costs more than it saves; tests lower it). */
extern unsigned st_diff_thread_min;

/* Pairs base with new (both finished models) and takes both.  Never fails
 * but for memory.  The result is the same on any number of threads. */
st_diff *st_diff_build(st_model *base, st_model *new);
void st_diff_free(st_diff *d);

/* BASE's figures of node id of t, one of d->m's three trees. */
const st_diff_node *st_diff_node_of(const st_diff *d, const st_tree *t, uint32_t id);

/* The units row of NEW's cargo unit (an index of m->timings.units). */
const st_diff_row *st_diff_unit_row(const st_diff *d, uint32_t unit);

/* new - base of a row's figure slot. */
static inline int64_t st_diff_delta(const st_diff_row *r, int slot)
{
	return r->new[slot] - r->base[slot];
}

#endif
