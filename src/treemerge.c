/* treemerge.c: see treemerge.h.  One pre-order walk over the source: a
 * node's parent has been placed before it, so its merged node is the child
 * of its parent's merged node with its name, found in one hash map keyed by
 * (merged parent, name). */
#include <stdlib.h>
#include "stalactite/idmap.h"
#include "stalactite/treemerge.h"
#include "stalactite/xalloc.h"

void st_tree_merge(st_tree *out, const st_tree *src, uint32_t skip, uint32_t *map)
{
	st_tree_init(out);
	out->split = src->split;
	out->nodes[0].total_ns = src->nodes[0].total_ns;
	out->nodes[0].self_ns = src->nodes[0].self_ns;
	out->nodes[0].count = src->nodes[0].count;
	/* the merged node of each source node, for its children to find */
	uint32_t *to = map ? map : st_xreallocarray(NULL, src->len, sizeof *to);
	to[0] = 0;
	st_idmap kids = { 0 };
	st_idmap_reserve(&kids, src->len);
	for (uint32_t id = st_tree_next_preorder(src, 0, 0); id != ST_NIL;
	     id = st_tree_next_preorder(src, 0, id)) {
		const st_node *n = &src->nodes[id];
		uint32_t parent = to[n->parent];
		if (skip & ST_KIND_BIT(st_tree_kind(src, id))) {
			to[id] = parent;
			out->nodes[parent].self_ns += n->self_ns;
			continue;
		}
		uint32_t m = st_idmap_get_or_put(&kids, st_idmap_pair(parent, n->name),
		                                 out->len);
		if (m == out->len) {
			st_tree_add(out, parent, n->name, n->arg, st_tree_kind(src, id));
		} else if (out->nodes[m].arg != n->arg) {
			out->nodes[m].arg = ST_NOSTR;   /* the merged nodes differ */
		}
		st_node *o = &out->nodes[m];
		o->total_ns += n->total_ns;
		o->self_ns += n->self_ns;
		o->count += n->count;
		to[id] = m;
	}
	st_idmap_free(&kids);
	if (!map)
		free(to);
}
