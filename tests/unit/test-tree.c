/* Unit tests: node array, links and walks. */
#include <stdlib.h>
#include "check.h"
#include "stalactite/tree.h"

static void count_node(const st_tree *t, uint32_t id, void *ctx)
{
	(void)t; (void)id;
	++*(int *)ctx;
}

static int by_total(const st_tree *t, uint32_t a, uint32_t b, void *ctx)
{
	(void)ctx;
	uint64_t x = t->nodes[a].total_ns, y = t->nodes[b].total_ns;
	return x > y ? -1 : x < y;
}

int main(void)
{
	st_tree t;
	st_tree_init(&t);
	CHECK_INT(t.len, 1);
	CHECK_INT(st_tree_kind(&t, 0), ST_K_BUILD);
	uint32_t c = st_tree_add(&t, 0, 1, ST_NIL, ST_K_CRATE);
	uint32_t x = st_tree_add(&t, c, 2, ST_NIL, ST_K_ACTIVITY);
	uint32_t y = st_tree_add(&t, c, 3, ST_NIL, ST_K_ACTIVITY);
	uint32_t z = st_tree_add(&t, y, 4, ST_NIL, ST_K_PASS);
	t.nodes[x].total_ns = 5;
	t.nodes[y].total_ns = 9;
	CHECK_INT(st_tree_depth(&t, z), 3);
	CHECK_INT(st_tree_nchildren(&t, c), 2);
	CHECK(x < y && t.nodes[z].parent == y);
	int n = 0;
	st_tree_walk(&t, 0, count_node, &n);
	CHECK_INT(n, 5);
	n = 0;
	st_tree_walk(&t, y, count_node, &n);
	CHECK_INT(n, 2);   /* a subtree walk stays inside it */
	uint32_t kids[2];
	CHECK_INT(st_tree_children_sorted(&t, c, kids, by_total, NULL), 2);
	CHECK_INT(kids[0], y);
	CHECK_INT(kids[1], x);
	/* growth keeps links valid */
	for (int i = 0; i < 200000; i++)
		st_tree_add(&t, z, 5, ST_NIL, ST_K_FN);
	CHECK_INT(st_tree_nchildren(&t, z), 200000);
	CHECK_INT(st_tree_depth(&t, t.len - 1), 4);
	CHECK_STR(st_kind_name(ST_K_ASYNC_FN), "async_fn");
	st_tree_free(&t);
	return check_done();
}
