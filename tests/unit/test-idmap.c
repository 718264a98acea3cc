/* Unit tests: the shared hash tables (st_idtab, st_idmap). */
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "stalactite/idmap.h"

/* keys kept by the caller, as the builder keeps them in nodes */
static uint64_t keys[200000];

static uint32_t find_or_add(st_idtab *t, uint32_t *n, uint64_t key, uint32_t hash)
{
	st_idtab_room(t);
	st_idtab_probe p = st_idtab_start(t, hash);
	for (uint32_t id; (id = st_idtab_next(t, &p)) != ST_IDTAB_END;)
		if (keys[id] == key)
			return id;
	keys[*n] = key;
	st_idtab_insert(t, &p, *n);
	return (*n)++;
}

int main(void)
{
	/* a poor hash (16 values) for many keys: equal hashes, different keys */
	st_idtab t = { 0 };
	uint32_t n = 0;
	for (uint64_t k = 0; k < 50000; k++)
		CHECK_INT(find_or_add(&t, &n, k * 7919, (uint32_t)(k % 16)), k);
	CHECK_INT(t.len, 50000);
	for (uint64_t k = 0; k < 50000; k += 997)
		CHECK_INT(find_or_add(&t, &n, k * 7919, (uint32_t)(k % 16)), k);
	CHECK_INT(n, 50000);
	st_idtab_free(&t);

	/* a good hash, growth from empty, ids as large as allowed */
	n = 0;
	for (uint64_t k = 0; k < 200000; k++)
		find_or_add(&t, &n, k, st_hash3((uint32_t)k, 1, 2));
	CHECK(t.cap >= 2 * t.len);
	CHECK_INT(find_or_add(&t, &n, 123456, st_hash3(123456, 1, 2)), 123456);
	st_idtab_free(&t);
	st_idtab_add(&t, 5, UINT32_MAX - 1);
	st_idtab_probe p = st_idtab_start(&t, 5);
	CHECK_INT(st_idtab_next(&t, &p), UINT32_MAX - 1);
	CHECK_INT(st_idtab_next(&t, &p), ST_IDTAB_END);
	st_idtab_free(&t);

	/* st_idmap: any key, any value, replacing, reserving */
	st_idmap m = { 0 };
	CHECK_INT(st_idmap_get(&m, 1), ST_IDMAP_NONE);
	CHECK_INT(st_idmap_get_or_put(&m, UINT64_MAX, 7), 7);
	CHECK_INT(st_idmap_get_or_put(&m, UINT64_MAX, 8), 7);
	CHECK_INT(st_idmap_get_or_put(&m, 0, 0), 0);
	st_idmap_put(&m, 0, 9);
	CHECK_INT(st_idmap_get(&m, 0), 9);
	for (uint32_t i = 1; i < 100000; i++)
		st_idmap_put(&m, st_idmap_pair(i, i * 3), i);
	for (uint32_t i = 1; i < 100000; i += 101)
		CHECK_INT(st_idmap_get(&m, st_idmap_pair(i, i * 3)), i);
	CHECK_INT(st_idmap_get(&m, st_idmap_pair(3, 3)), ST_IDMAP_NONE);
	CHECK_INT(m.len, 100001);
	st_idmap_free(&m);
	st_idmap_reserve(&m, 1000);
	uint32_t cap = m.tab.cap;
	for (uint32_t i = 0; i < 1000; i++)
		st_idmap_put(&m, i, i);
	CHECK_INT(m.tab.cap, cap);   /* reserved: no rehash */
	st_idmap_free(&m);
	return check_done();
}
