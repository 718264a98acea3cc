/* idmap.c: see idmap.h.  Keys are stored with a parallel "used" marker in the
 * value array (ST_IDMAP_NONE means empty), so any uint64_t is a valid key. */
#include <stdlib.h>
#include "stalactite/bigmem.h"
#include "stalactite/idmap.h"

static uint32_t slot_of(uint64_t key, uint32_t cap)
{
	/* Fibonacci hashing spreads sequential ids and packed pairs well. */
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

void st_idmap_free(st_idmap *m)
{
	st_big_free(m->keys, (size_t)m->cap * sizeof *m->keys);
	st_big_free(m->vals, (size_t)m->cap * sizeof *m->vals);
	*m = (st_idmap){ 0 };
}

static uint32_t find(const st_idmap *m, uint64_t key)
{
	uint32_t i = slot_of(key, m->cap);
	while (m->vals[i] != ST_IDMAP_NONE && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

uint32_t st_idmap_get(const st_idmap *m, uint64_t key)
{
	if (!m->cap)
		return ST_IDMAP_NONE;
	return m->vals[find(m, key)];
}

static void rehash(st_idmap *m, uint32_t cap)
{
	st_idmap n = { .cap = cap };
	n.keys = st_big_realloc(NULL, 0, (size_t)n.cap * sizeof *n.keys);
	n.vals = st_big_realloc(NULL, 0, (size_t)n.cap * sizeof *n.vals);
	for (uint32_t i = 0; i < n.cap; i++)
		n.vals[i] = ST_IDMAP_NONE;
	for (uint32_t i = 0; i < m->cap; i++) {
		if (m->vals[i] == ST_IDMAP_NONE)
			continue;
		uint32_t j = find(&n, m->keys[i]);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
	}
	n.len = m->len;
	st_idmap_free(m);
	*m = n;
}

static void grow(st_idmap *m)
{
	rehash(m, m->cap ? m->cap * 2 : 64);
}

void st_idmap_reserve(st_idmap *m, uint32_t n)
{
	uint32_t cap = m->cap ? m->cap : 64;
	while (cap / 2 < n && cap < (1u << 31))
		cap *= 2;
	if (cap > m->cap)
		rehash(m, cap);
}

uint32_t st_idmap_get_or_put(st_idmap *m, uint64_t key, uint32_t val)
{
	if ((m->len + 1) * 2 > m->cap)
		grow(m);
	uint32_t i = find(m, key);
	if (m->vals[i] != ST_IDMAP_NONE)
		return m->vals[i];
	m->keys[i] = key;
	m->vals[i] = val;
	m->len++;
	return val;
}

void st_idmap_put(st_idmap *m, uint64_t key, uint32_t val)
{
	if ((m->len + 1) * 2 > m->cap)
		grow(m);
	uint32_t i = find(m, key);
	if (m->vals[i] == ST_IDMAP_NONE)
		m->len++;
	m->keys[i] = key;
	m->vals[i] = val;
}
