/* treemerge: a tree's paths merged by label alone.
 *
 * The stack tree keys a step of a path by its label and the argument that
 * identifies it (the CGU, the function), so LLVM work splits into one node
 * per pass and function, each too small to see.  Merged by label alone, as
 * measureme's stack_collapse and perf's flame graphs merge, the siblings
 * that share a name become one node: InlinerPass over every function is one
 * box.  Grouping levels can be left out as well (the codegen trees merged
 * across crates and CGUs rank passes over the whole build, as the Summary
 * does). */
#ifndef STALACTITE_TREEMERGE_H
#define STALACTITE_TREEMERGE_H

#include <stdbool.h>
#include <stdint.h>
#include "stalactite/strtab.h"
#include "stalactite/tree.h"

/* The kinds st_tree_merge leaves out, as a mask. */
#define ST_KIND_BIT(k) (1u << (k))

/* Initialises out with the tree of src's paths in which nodes of the kinds
 * in skip (ST_KIND_BIT mask; never the root) are left out, their children
 * taking their place and their self time going to the parent, and the
 * children of one parent that share a name (strtab id) are one node: total,
 * self time and count summed, the kind of the first, the argument kept when
 * they all have the same one (else ST_NOSTR).  Parents precede children in
 * out.  map, when not NULL, receives for each of src's src->len nodes the
 * node of out it went into.  Iterative: any depth; O(nodes). */
void st_tree_merge(st_tree *out, const st_tree *src, uint32_t skip, uint32_t *map);

/* The same merge in steps, for a viewer that makes it between keys: begin
 * initialises out (map is required), each step places up to n more source
 * nodes and returns true once all are (out is then what st_tree_merge
 * gives); free releases the job, done or not (out stays the caller's).
 * src must not change meanwhile. */
typedef struct st_tree_merge_job st_tree_merge_job;
st_tree_merge_job *st_tree_merge_begin(st_tree *out, const st_tree *src,
                                       uint32_t skip, uint32_t *map);
bool st_tree_merge_step(st_tree_merge_job *j, uint32_t n);
void st_tree_merge_free(st_tree_merge_job *j);

#endif
