/* treemerge.c: see treemerge.h.  One pass over the source in id order: a
 * node's parent has a smaller id (st_tree_add only appends, under a node
 * that exists), so its merged node is placed before it, and the pass reads
 * the nodes in memory order instead of chasing child links.  The merged
 * node is the child of its parent's merged node with its name: found by
 * walking that parent's children while it has few (most, and the ones just
 * made, in the cache), else in a hash map keyed by (merged parent, name)
 * that holds only such parents' children. */
#include <stdlib.h>
#include "stalactite/idmap.h"
#include "stalactite/treemerge.h"
#include "stalactite/xalloc.h"

#define WALK_MAX 8            /* children found by a walk */
#define IN_MAP UINT8_MAX      /* the parent's children are in the map */
#define AHEAD 16              /* source nodes whose slot is fetched ahead */

static uint32_t walk(const st_tree *t, uint32_t parent, uint32_t name)
{
	for (uint32_t c = t->nodes[parent].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		if (t->nodes[c].name == name)
			return c;
	return ST_NIL;
}

/* The map: open addressing over (hash << 32 | merged node + 1), the key
 * read back from the merged node itself. */
typedef struct kidmap {
	uint64_t *slot;
	uint32_t cap, len;    /* cap a power of two, or 0 */
} kidmap;

static uint32_t kid_hash(uint32_t parent, uint32_t name)
{
	return st_hash3(parent, name, 0);
}

static uint32_t kid_get(const kidmap *k, const st_tree *t, uint32_t parent,
                        uint32_t name, uint32_t h)
{
	for (uint32_t i = h & (k->cap - 1);; i = (i + 1) & (k->cap - 1)) {
		uint64_t s = k->slot[i];
		if (!s)
			return ST_NIL;
		const st_node *n = &t->nodes[(uint32_t)s - 1];
		if ((uint32_t)(s >> 32) == h && n->parent == parent && n->name == name)
			return (uint32_t)s - 1;
	}
}

static void kid_put(kidmap *k, uint32_t h, uint32_t m)
{
	if ((k->len + 1) * 2 > k->cap) {
		uint32_t cap = k->cap ? k->cap * 2 : 1024;
		uint64_t *old = k->slot;
		k->slot = st_xcalloc(cap, sizeof *k->slot);
		for (uint32_t i = 0; i < k->cap; i++)
			if (old[i]) {
				uint32_t j = (uint32_t)(old[i] >> 32) & (cap - 1);
				while (k->slot[j])
					j = (j + 1) & (cap - 1);
				k->slot[j] = old[i];
			}
		free(old);
		k->cap = cap;
	}
	uint32_t i = h & (k->cap - 1);
	while (k->slot[i])
		i = (i + 1) & (k->cap - 1);
	k->slot[i] = (uint64_t)h << 32 | ((uint64_t)m + 1);
	k->len++;
}

struct st_tree_merge_job {
	st_tree *out;
	const st_tree *src;
	uint32_t skip;
	uint32_t *to;         /* the merged node of each source node */
	uint8_t *kids;        /* per merged node: children, or IN_MAP */
	kidmap big;
	uint32_t next;        /* the next source node to place */
};

st_tree_merge_job *st_tree_merge_begin(st_tree *out, const st_tree *src,
                                       uint32_t skip, uint32_t *map)
{
	st_tree_merge_job *j = st_xmalloc(sizeof *j);
	st_tree_init(out);
	out->split = src->split;
	out->nodes[0].total_ns = src->nodes[0].total_ns;
	out->nodes[0].self_ns = src->nodes[0].self_ns;
	out->nodes[0].count = src->nodes[0].count;
	*j = (st_tree_merge_job){ .out = out, .src = src, .skip = skip, .to = map,
	                          .kids = st_xcalloc(src->len ? src->len : 1, 1),
	                          .next = 1 };
	map[0] = 0;
	return j;
}

bool st_tree_merge_step(st_tree_merge_job *j, uint32_t count)
{
	const st_tree *src = j->src;
	st_tree *out = j->out;
	uint32_t *to = j->to;
	uint8_t *kids = j->kids;
	kidmap *big = &j->big;
	uint32_t end = src->len - j->next > count ? j->next + count : src->len;
	for (uint32_t id = j->next; id < end; id++) {
		const st_node *n = &src->nodes[id];
		/* the slot a later node will read, while this one is placed (its
		 * parent's merged node is known when the parent came first) */
		if (big->cap && id + AHEAD < src->len) {
			const st_node *f = &src->nodes[id + AHEAD];
			if (f->parent < id && kids[to[f->parent]] == IN_MAP)
				__builtin_prefetch(&big->slot[kid_hash(to[f->parent], f->name) &
				                              (big->cap - 1)]);
		}
		uint32_t parent = to[n->parent];
		if (j->skip & ST_KIND_BIT(st_tree_kind(src, id))) {
			to[id] = parent;
			out->nodes[parent].self_ns += n->self_ns;
			continue;
		}
		uint32_t h = kid_hash(parent, n->name);
		uint32_t m = kids[parent] == IN_MAP ? kid_get(big, out, parent, n->name, h)
		             : walk(out, parent, n->name);
		if (m == ST_NIL) {
			m = st_tree_add(out, parent, n->name, n->arg, st_tree_kind(src, id));
			if (kids[parent] == IN_MAP) {
				kid_put(big, h, m);
			} else if (++kids[parent] > WALK_MAX) {
				for (uint32_t c = out->nodes[parent].first_child; c != ST_NIL;
				     c = out->nodes[c].next_sibling)
					kid_put(big, kid_hash(parent, out->nodes[c].name), c);
				kids[parent] = IN_MAP;
			}
		} else if (out->nodes[m].arg != n->arg) {
			out->nodes[m].arg = ST_NOSTR;   /* the merged nodes differ */
		}
		st_node *o = &out->nodes[m];
		o->total_ns += n->total_ns;
		o->self_ns += n->self_ns;
		o->count += n->count;
		to[id] = m;
	}
	j->next = end;
	return end == src->len;
}

void st_tree_merge_free(st_tree_merge_job *j)
{
	if (!j)
		return;
	free(j->big.slot);
	free(j->kids);
	free(j);
}

void st_tree_merge(st_tree *out, const st_tree *src, uint32_t skip, uint32_t *map)
{
	uint32_t *to = map ? map : st_xreallocarray(NULL, src->len ? src->len : 1,
	                                            sizeof *to);
	st_tree_merge_job *j = st_tree_merge_begin(out, src, skip, to);
	while (!st_tree_merge_step(j, UINT32_MAX))
		;
	st_tree_merge_free(j);
	if (!map)
		free(to);
}
