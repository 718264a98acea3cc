/* tree: a compact, index-linked tree of timed nodes.
 *
 * Nodes live in one growable array; links are uint32_t indices (ST_NIL for
 * none) and names are strtab ids, which keeps a node at 40 bytes (ncdu's
 * compact directory entry is the model).  Node 0 is the root.  The loader's
 * builder creates and fills nodes; after loading, the tree is read-only and
 * views keep their own per-node state in arrays indexed by node id. */
#ifndef STALACTITE_TREE_H
#define STALACTITE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_NIL UINT32_MAX

/* What a node stands for.  The async kinds come from async-kind.h. */
typedef enum st_kind {
	ST_K_BUILD,       /* the root: a whole build (all loaded crates) */
	ST_K_CRATE,
	ST_K_ACTIVITY,    /* a GenericActivity (parse_crate, codegen_module ...) */
	ST_K_QUERY,       /* a Query, QueryBlocked or incremental query event */
	ST_K_CGU,         /* a codegen unit / LLVM module */
	ST_K_PASS,        /* an LLVM pass or analysis */
	ST_K_FN,          /* a plain function (IR unit) */
	ST_K_CLOSURE,
	ST_K_ASYNC_FN,    /* the coroutine body of an async fn */
	ST_K_ASYNC_BLOCK, /* an async block, or the body of an async closure */
	ST_K_ASYNC_CLOSURE, /* an async closure (`async |x| ..`) itself */
	ST_K_LOOP,        /* an LLVM loop pass unit (<unnamed loop>) */
	ST_K_OTHER,
	ST_K_COUNT
} st_kind;

/* Short lower-case name of a kind ("async_fn", "cgu" ...), as in reports. */
const char *st_kind_name(st_kind k);

typedef struct st_node {
	uint32_t parent, first_child, next_sibling;
	uint32_t name;     /* strtab id: label, crate, CGU, pass or function (raw) */
	uint32_t arg;      /* strtab id of the identifying argument, or ST_NOSTR */
	uint32_t count;    /* events merged into this node */
	uint64_t total_ns; /* inclusive time */
	int64_t  self_ns;  /* total minus direct children; signed, as summarize */
} st_node;

_Static_assert(sizeof(st_node) == 40, "st_node must stay compact");

typedef struct st_tree {
	st_node *nodes;
	uint8_t *kinds;    /* st_kind per node, kept apart to keep st_node at 40 */
	uint32_t len, cap;
	/* The codegen trees: every nanosecond in them is LLVM self time, and a
	 * node's children split its events' time (a pass's functions) rather
	 * than nest inside it, so a pass's self time is its total and the
	 * self time of several nodes is not their sum. */
	bool split;
} st_tree;

void st_tree_init(st_tree *t);   /* creates the root (kind ST_K_BUILD) */
void st_tree_free(st_tree *t);
/* Makes room for n nodes in all, so that adding up to them moves nothing. */
void st_tree_reserve(st_tree *t, uint32_t n);
/* Appends a node as the first child of parent; returns its id. */
uint32_t st_tree_add(st_tree *t, uint32_t parent, uint32_t name, uint32_t arg,
                     st_kind kind);
static inline st_node *st_tree_node(const st_tree *t, uint32_t id)
{
	return &t->nodes[id];
}
static inline st_kind st_tree_kind(const st_tree *t, uint32_t id)
{
	return (st_kind)t->kinds[id];
}
uint32_t st_tree_depth(const st_tree *t, uint32_t id);
uint32_t st_tree_nchildren(const st_tree *t, uint32_t id);
/* Whether id has exactly one child (without counting a long list). */
static inline bool st_tree_one_child(const st_tree *t, uint32_t id)
{
	uint32_t c = t->nodes[id].first_child;
	return c != ST_NIL && t->nodes[c].next_sibling == ST_NIL;
}
/* Visits id and all its descendants in pre-order, without recursion. */
typedef void (*st_tree_visit_fn)(const st_tree *t, uint32_t id, void *ctx);
void st_tree_walk(const st_tree *t, uint32_t id, st_tree_visit_fn fn, void *ctx);
/* Next node after id in pre-order within the subtree of top, or ST_NIL. */
uint32_t st_tree_next_preorder(const st_tree *t, uint32_t top, uint32_t id);
/* Fills out[] with the children of id sorted by cmp; returns the count.
 * out must hold st_tree_nchildren(t, id) entries. */
typedef int (*st_node_cmp_fn)(const st_tree *t, uint32_t a, uint32_t b, void *ctx);
uint32_t st_tree_children_sorted(const st_tree *t, uint32_t id, uint32_t *out,
                                 st_node_cmp_fn cmp, void *ctx);
size_t st_tree_bytes(const st_tree *t);

#endif
