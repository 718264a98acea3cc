/* Unit tests: merging a tree's paths by label alone (treemerge.h), on trees
 * built by hand with every figure worked out below. */
#include <stdlib.h>
#include "check.h"
#include "stalactite/treemerge.h"

enum { CRATE = 1, OPT, INL, ICP, CGU0, CGU1, F, G };   /* names */

static uint32_t add(st_tree *t, uint32_t parent, uint32_t name, uint32_t arg,
                    st_kind k, uint64_t total, int64_t self, uint32_t count)
{
	uint32_t id = st_tree_add(t, parent, name, arg, k);
	t->nodes[id].total_ns = total;
	t->nodes[id].self_ns = self;
	t->nodes[id].count = count;
	return id;
}

static uint32_t child(const st_tree *t, uint32_t parent, uint32_t name)
{
	for (uint32_t c = t->nodes[parent].first_child; c != ST_NIL; c = t->nodes[c].next_sibling)
		if (t->nodes[c].name == name)
			return c;
	return ST_NIL;
}

/* crate
 *   opt cgu0   total 100 self 10
 *     Inl f    total 60  self 50, count 2
 *       ICP f  total 10
 *     Inl g    total 30  self 30
 *   opt cgu1   total 40  self 5
 *     Inl f    total 35  self 35 */
static void test_stack(void)
{
	st_tree t, m;
	st_tree_init(&t);
	uint32_t c = add(&t, 0, CRATE, ST_NOSTR, ST_K_CRATE, 140, 0, 0);
	t.nodes[0].total_ns = 140;
	uint32_t o0 = add(&t, c, OPT, CGU0, ST_K_ACTIVITY, 100, 10, 1);
	uint32_t i0 = add(&t, o0, INL, F, ST_K_PASS, 60, 50, 2);
	uint32_t icp = add(&t, i0, ICP, F, ST_K_PASS, 10, 10, 1);
	add(&t, o0, INL, G, ST_K_PASS, 30, 30, 1);
	uint32_t o1 = add(&t, c, OPT, CGU1, ST_K_ACTIVITY, 40, 5, 1);
	add(&t, o1, INL, F, ST_K_PASS, 35, 35, 1);
	uint32_t map[16];
	st_tree_merge(&m, &t, 0, map);
	CHECK_INT(m.len, 5);   /* root, crate, opt, Inl, ICP */
	CHECK_INT(m.nodes[0].total_ns, 140);
	uint32_t mc = child(&m, 0, CRATE), mo = child(&m, mc, OPT);
	uint32_t mi = child(&m, mo, INL), micp = child(&m, mi, ICP);
	CHECK(mc != ST_NIL && mo != ST_NIL && mi != ST_NIL && micp != ST_NIL);
	if (micp == ST_NIL)
		return;
	CHECK_INT(m.nodes[mo].total_ns, 140);
	CHECK_INT(m.nodes[mo].self_ns, 15);
	CHECK_INT(m.nodes[mo].count, 2);
	CHECK_INT(m.nodes[mo].arg, ST_NOSTR);   /* two CGUs */
	CHECK_INT(st_tree_kind(&m, mo), ST_K_ACTIVITY);
	/* InlinerPass over every function is one node */
	CHECK_INT(m.nodes[mi].total_ns, 125);
	CHECK_INT(m.nodes[mi].self_ns, 115);
	CHECK_INT(m.nodes[mi].count, 4);
	CHECK_INT(m.nodes[mi].arg, ST_NOSTR);
	CHECK_INT(st_tree_nchildren(&m, mi), 1);
	CHECK_INT(m.nodes[micp].arg, F);        /* one function: kept */
	CHECK(m.nodes[mi].parent < mi && m.nodes[micp].parent < micp);
	CHECK_INT(map[o1], mo);
	CHECK_INT(map[icp], micp);
	CHECK_INT(map[0], 0);
	st_tree_free(&m);
	st_tree_free(&t);
}

/* A codegen tree merged across crates and CGUs: passes over the build. */
static void test_skip(void)
{
	st_tree t, m;
	st_tree_init(&t);
	t.split = true;
	for (uint32_t k = 0; k < 2; k++) {
		uint32_t c = add(&t, 0, CRATE + 10 * k, ST_NOSTR, ST_K_CRATE, 70, 0, 0);
		uint32_t u = add(&t, c, k ? CGU1 : CGU0, ST_NOSTR, ST_K_CGU, 70, 1, 0);
		uint32_t p = add(&t, u, INL, ST_NOSTR, ST_K_PASS, 70, 70, 3);
		add(&t, p, F, F, ST_K_FN, 40, 40, 2);
		add(&t, p, G, G, ST_K_FN, 30, 30, 1);
	}
	t.nodes[0].total_ns = 140;
	st_tree_merge(&m, &t, ST_KIND_BIT(ST_K_CRATE) | ST_KIND_BIT(ST_K_CGU), NULL);
	CHECK(m.split);
	CHECK_INT(m.len, 4);   /* root, Inl, f, g */
	uint32_t p = child(&m, 0, INL), f = child(&m, p, F);
	CHECK(p != ST_NIL && f != ST_NIL);
	if (f == ST_NIL)
		return;
	CHECK_INT(m.nodes[p].total_ns, 140);
	CHECK_INT(m.nodes[p].self_ns, 140);
	CHECK_INT(m.nodes[p].count, 6);
	CHECK_INT(m.nodes[f].total_ns, 80);
	CHECK_INT(m.nodes[0].self_ns, 2);   /* the CGUs' own time, kept */
	st_tree_free(&m);
	st_tree_free(&t);
}

/* As deep as the builder allows and deeper: no recursion. */
static void test_deep(void)
{
	st_tree t, m;
	st_tree_init(&t);
	uint32_t p = 0;
	enum { DEPTH = 300000 };
	for (uint32_t i = 0; i < DEPTH; i++)
		p = add(&t, p, INL, i & 1 ? F : G, ST_K_PASS, DEPTH - i, 1, 1);
	add(&t, 0, INL, F, ST_K_PASS, 5, 5, 1);
	st_tree_merge(&m, &t, 0, NULL);
	CHECK_INT(m.len, DEPTH + 1);
	uint32_t top = child(&m, 0, INL);
	CHECK(top != ST_NIL && m.nodes[top].total_ns == DEPTH + 5);
	CHECK_INT(st_tree_depth(&m, m.len - 1), DEPTH);
	st_tree_free(&m);
	st_tree_free(&t);
}

/* A parent with more children than a walk looks through (they go to the
 * map), names repeating under it, merged at once and in steps of every
 * size from 1: the same tree, node for node. */
static void test_steps(void)
{
	st_tree t, one;
	st_tree_init(&t);
	uint32_t c = add(&t, 0, CRATE, ST_NOSTR, ST_K_CRATE, 0, 0, 0);
	for (uint32_t i = 0; i < 200; i++) {
		uint32_t o = add(&t, c, OPT, i % 3 ? CGU0 : CGU1, ST_K_ACTIVITY, 10, 1, 1);
		add(&t, o, 100 + i % 40, F, ST_K_PASS, 5, 5, 1);
		add(&t, c, 1000 + i % 25, G, ST_K_PASS, 3, 3, 1);
	}
	st_tree_merge(&one, &t, 0, NULL);
	CHECK_INT(one.len, 1 + 1 + 1 + 40 + 25);
	for (uint32_t step = 1; step <= 9; step += 4) {
		st_tree m;
		uint32_t *map = malloc(t.len * sizeof *map);
		st_tree_merge_job *j = st_tree_merge_begin(&m, &t, 0, map);
		int steps = 0;
		while (!st_tree_merge_step(j, step))
			steps++;
		st_tree_merge_free(j);
		CHECK(steps >= (int)(t.len - 1) / (int)step - 1);
		CHECK_INT(m.len, one.len);
		for (uint32_t i = 0; i < m.len && i < one.len; i++)
			CHECK(m.nodes[i].parent == one.nodes[i].parent &&
			      m.nodes[i].name == one.nodes[i].name &&
			      m.nodes[i].total_ns == one.nodes[i].total_ns &&
			      m.nodes[i].count == one.nodes[i].count);
		free(map);
		st_tree_free(&m);
	}
	st_tree_free(&one);
	st_tree_free(&t);
}

int main(void)
{
	test_steps();
	test_stack();
	test_skip();
	test_deep();
	return check_done();
}
