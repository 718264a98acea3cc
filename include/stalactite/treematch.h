/* treematch: which nodes of a tree match a search, and what they cost.
 *
 * A node's searchable names are its display name (label, crate, CGU, pass or
 * function) and its identifying argument, both normalised; with raw matching,
 * the names as the file wrote them.  Each distinct string is matched once
 * (st_match_cache), then a linear pass over the node array marks matches,
 * their ancestors (so a collapsed subtree that holds a match is visible) and
 * sums the figures. */
#ifndef STALACTITE_TREEMATCH_H
#define STALACTITE_TREEMATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "stalactite/diff.h"
#include "stalactite/model.h"
#include "stalactite/search.h"

enum {
	ST_TM_MATCH = 1,     /* the node itself matches */
	ST_TM_ANCESTOR = 2,  /* some descendant matches */
	ST_TM_INSIDE = 4,    /* some ancestor matches */
};

/* Per-pattern cache of match results per strtab id. */
typedef struct st_match_cache st_match_cache;
st_match_cache *st_match_cache_new(const st_model *m, const st_regex *re,
                                   bool raw);
void st_match_cache_free(st_match_cache *c);
/* Readies the cache for another pattern, keeping its memory (typing makes a
 * pattern per key; a fresh cache would touch fresh pages each time).
 * Between plain patterns (no operator) of which one holds the other, as
 * typing and erasing make them, the answers that cannot change are kept:
 * typing on, a name that did not match still does not; erasing, one that
 * matched still does.  Any other pair empties it. */
void st_match_cache_reset(st_match_cache *c, const st_regex *re, bool raw);
/* Strings whose answer the cache holds (tests and benchmarks). */
uint32_t st_match_cache_known(const st_match_cache *c);
bool st_match_cache_test(st_match_cache *c, uint32_t strid);

typedef struct st_tree_match {
	uint8_t *flags;      /* per node id, ST_TM_* bits; NULL when no search */
	uint32_t len;        /* nodes covered */
	uint32_t count;      /* matching nodes */
	uint64_t total_ns;   /* inclusive time of matches, nested ones once */
	int64_t self_ns;     /* sum of the matches' self time */
} st_tree_match;

/* Computes the match set of the whole tree.  Returns false (and leaves tm
 * empty) only on out-of-memory. */
bool st_tree_match_compute(st_tree_match *tm, const st_model *m,
                           const st_tree *t, st_match_cache *c);
/* The same in slices, for typing on very large trees: begin, then call
 * step between key presses; each call looks at about `budget` nodes and
 * returns true once tm is filled (tm then owns the flags; free the job
 * either way).  begin returns NULL on out-of-memory.  The cache and tree
 * must outlive the job. */
typedef struct st_tree_match_job st_tree_match_job;
st_tree_match_job *st_tree_match_begin(const st_model *m, const st_tree *t,
                                       st_match_cache *c);
/* The same, filling flags (at least t->len bytes, from malloc, owned by
 * the job from now on) instead of a new allocation; NULL allocates. */
st_tree_match_job *st_tree_match_begin_into(const st_model *m, const st_tree *t,
                                            st_match_cache *c, uint8_t *flags);
/* Frees an unfinished job and hands back its flags buffer for another one
 * (NULL when the job had finished: its flags are then the match's). */
uint8_t *st_tree_match_job_cancel(st_tree_match_job *j);
bool st_tree_match_step(st_tree_match_job *j, uint32_t budget,
                        st_tree_match *tm);
/* Compact copies of what the pass reads of every node: parent[id], and
 * names[2 * id], names[2 * id + 1] its name and argument.  Streaming 12
 * bytes a node instead of the node's 40 is most of a large tree's search
 * (2 M nodes: 15 ms from the nodes).  Both cover the whole tree and must
 * outlive the job; give them before the first step. */
void st_tree_match_use_columns(st_tree_match_job *j, const uint32_t *parent,
                               const uint32_t *names);
void st_tree_match_job_free(st_tree_match_job *j);
/* Figures restricted to the subtree of node `top` (for "% of zoom"). */
void st_tree_match_within(const st_tree_match *tm, const st_tree *t,
                          uint32_t top, uint64_t *total_ns, int64_t *self_ns,
                          uint32_t *count);
void st_tree_match_free(st_tree_match *tm);

/* Breakdown of the matches by crate, CGU or pass: one row per distinct
 * value, with the matches' nested-once total and self time. */
typedef enum st_breakdown_key { ST_BY_CRATE, ST_BY_CGU, ST_BY_PASS } st_breakdown_key;
typedef struct st_breakdown_row {
	uint32_t name;       /* strtab id (display) */
	uint32_t count;
	uint64_t total_ns;
	int64_t self_ns;
	/* with BASE's figures (a diff): the same matches' figures there */
	uint64_t base_total_ns;
	int64_t base_self_ns;
} st_breakdown_row;
/* Returns a malloc'd array sorted by total time (caller frees), *n rows. */
st_breakdown_row *st_tree_match_breakdown(const st_tree_match *tm,
                                          const st_model *m, const st_tree *t,
                                          st_breakdown_key key, uint32_t *n);
/* The same with a diff's BASE figures per node of t (base[id]; NULL:
 * none) summed alike into base_total_ns and base_self_ns; rows are sorted
 * by the larger of the two totals, so that what is gone ranks too. */
st_breakdown_row *st_tree_match_breakdown_base(const st_tree_match *tm,
                                               const st_model *m, const st_tree *t,
                                               st_breakdown_key key,
                                               const st_diff_node *base, uint32_t *n);

#endif
