/* tree.c: the node array and the read-only walks views and reports share. */
#include <stdlib.h>
#include "stalactite/bigmem.h"
#include "stalactite/tree.h"
#include "stalactite/strtab.h"
#include "stalactite/xalloc.h"

static const char *const kind_names[ST_K_COUNT] = {
	[ST_K_BUILD] = "build",       [ST_K_CRATE] = "crate",
	[ST_K_ACTIVITY] = "activity", [ST_K_QUERY] = "query",
	[ST_K_CGU] = "cgu",           [ST_K_PASS] = "pass",
	[ST_K_FN] = "fn",             [ST_K_CLOSURE] = "closure",
	[ST_K_ASYNC_FN] = "async_fn", [ST_K_ASYNC_BLOCK] = "async_block",
	[ST_K_ASYNC_CLOSURE] = "async_closure",
	[ST_K_LOOP] = "loop",         [ST_K_OTHER] = "other",
};

const char *st_kind_name(st_kind k)
{
	return (unsigned)k < ST_K_COUNT ? kind_names[k] : "other";
}

void st_tree_init(st_tree *t)
{
	t->nodes = NULL;
	t->kinds = NULL;
	t->len = t->cap = 0;
	t->split = false;
	st_tree_add(t, ST_NIL, 0, ST_NOSTR, ST_K_BUILD);
}

void st_tree_free(st_tree *t)
{
	st_big_free(t->nodes, (size_t)t->cap * sizeof *t->nodes);
	st_big_free(t->kinds, t->cap);
	t->nodes = NULL;
	t->kinds = NULL;
	t->len = t->cap = 0;
}

static void tree_grow(st_tree *t, uint32_t cap)
{
	if (cap >= ST_NIL)
		st_fatal("more than %u tree nodes", (unsigned)(ST_NIL - 1));
	t->nodes = st_big_realloc(t->nodes, (size_t)t->cap * sizeof *t->nodes,
	                          (size_t)cap * sizeof *t->nodes);
	t->kinds = st_big_realloc(t->kinds, t->cap, cap);
	t->cap = cap;
}

void st_tree_reserve(st_tree *t, uint32_t n)
{
	if (n > t->cap)
		tree_grow(t, n);
}

uint32_t st_tree_add(st_tree *t, uint32_t parent, uint32_t name, uint32_t arg,
                     st_kind kind)
{
	if (t->len == t->cap)
		tree_grow(t, t->cap ? t->cap + t->cap / 2 : 1024);
	uint32_t id = t->len++;
	st_node *n = &t->nodes[id];
	*n = (st_node){ .parent = parent, .first_child = ST_NIL,
	                .next_sibling = ST_NIL, .name = name, .arg = arg };
	t->kinds[id] = (uint8_t)kind;
	if (parent != ST_NIL) {
		n->next_sibling = t->nodes[parent].first_child;
		t->nodes[parent].first_child = id;
	}
	return id;
}

uint32_t st_tree_depth(const st_tree *t, uint32_t id)
{
	uint32_t d = 0;
	while (t->nodes[id].parent != ST_NIL) {
		id = t->nodes[id].parent;
		d++;
	}
	return d;
}

uint32_t st_tree_nchildren(const st_tree *t, uint32_t id)
{
	uint32_t n = 0;
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		n++;
	return n;
}

uint32_t st_tree_next_preorder(const st_tree *t, uint32_t top, uint32_t id)
{
	if (t->nodes[id].first_child != ST_NIL)
		return t->nodes[id].first_child;
	while (id != top) {
		if (t->nodes[id].next_sibling != ST_NIL)
			return t->nodes[id].next_sibling;
		id = t->nodes[id].parent;
	}
	return ST_NIL;
}

void st_tree_walk(const st_tree *t, uint32_t id, st_tree_visit_fn fn, void *ctx)
{
	for (uint32_t n = id; n != ST_NIL; n = st_tree_next_preorder(t, id, n))
		fn(t, n, ctx);
}

/* qsort has no context argument in C11, so sort with a small merge sort. */
static void merge_sort(const st_tree *t, uint32_t *a, uint32_t *tmp, uint32_t n,
                       st_node_cmp_fn cmp, void *ctx)
{
	if (n < 2)
		return;
	uint32_t h = n / 2;
	merge_sort(t, a, tmp, h, cmp, ctx);
	merge_sort(t, a + h, tmp, n - h, cmp, ctx);
	uint32_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp(t, a[j], a[i], ctx) < 0 ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	for (k = 0; k < n; k++)
		a[k] = tmp[k];
}

uint32_t st_tree_children_sorted(const st_tree *t, uint32_t id, uint32_t *out,
                                 st_node_cmp_fn cmp, void *ctx)
{
	uint32_t n = 0;
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		out[n++] = c;
	if (cmp && n > 1) {
		uint32_t *tmp = st_xreallocarray(NULL, n, sizeof *tmp);
		merge_sort(t, out, tmp, n, cmp, ctx);
		free(tmp);
	}
	return n;
}

size_t st_tree_bytes(const st_tree *t)
{
	return (size_t)t->cap * (sizeof(st_node) + 1);
}
