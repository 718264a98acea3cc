/* idmap.c: see idmap.h.  Slots hold the hash with the id, so a probe
 * compares keys (the caller's, or an entry's) only on equal hashes, and a
 * rehash reads the slots alone.  Empty slots are zero: a fresh table is a
 * zeroed block, whose pages are touched only where ids land. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/bigmem.h"
#include "stalactite/idmap.h"
#include "stalactite/xalloc.h"

void st_idtab_free(st_idtab *t)
{
	st_big_free(t->slots, (size_t)t->cap * sizeof *t->slots);
	*t = (st_idtab){ 0 };
}

static void rehash(st_idtab *t, uint32_t cap)
{
	uint64_t *slots = st_big_calloc((size_t)cap * sizeof *slots);
	for (uint32_t i = 0; i < t->cap; i++) {
		uint64_t s = t->slots[i];
		if (!s)
			continue;
		uint32_t j = (uint32_t)(s >> 32) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = s;
	}
	st_big_free(t->slots, (size_t)t->cap * sizeof *t->slots);
	t->slots = slots;
	t->cap = cap;
}

void st_idtab_grow(st_idtab *t)
{
	if (t->cap >= (1u << 31))
		st_fatal("more than %u entries in a hash table", 1u << 30);
	rehash(t, t->cap ? t->cap * 2 : 64);
}

void st_idtab_reserve(st_idtab *t, uint32_t n)
{
	uint32_t cap = t->cap ? t->cap : 64;
	while (cap / 2 < n && cap < (1u << 31))
		cap *= 2;
	if (cap > t->cap)
		rehash(t, cap);
}

void st_idtab_add(st_idtab *t, uint32_t hash, uint32_t id)
{
	st_idtab_room(t);
	st_idtab_probe p = st_idtab_start(t, hash);
	while (st_idtab_next(t, &p) != ST_IDTAB_END)
		;
	st_idtab_insert(t, &p, id);
}

/* ---- st_idmap ------------------------------------------------------------- */

/* Fibonacci hashing spreads sequential ids and packed pairs well. */
static uint32_t key_hash(uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32);
}

void st_idmap_free(st_idmap *m)
{
	st_idtab_free(&m->tab);
	st_big_free(m->v, (size_t)m->cap * sizeof *m->v);
	*m = (st_idmap){ 0 };
}

void st_idmap_reserve(st_idmap *m, uint32_t n)
{
	st_idtab_reserve(&m->tab, n);
	if (n > m->cap) {
		m->v = st_big_realloc(m->v, (size_t)m->cap * sizeof *m->v,
		                      (size_t)n * sizeof *m->v);
		m->cap = n;
	}
}

/* The entry of key, or ST_IDTAB_END with p at the slot a new one takes. */
static uint32_t find(const st_idmap *m, uint64_t key, st_idtab_probe *p)
{
	*p = st_idtab_start(&m->tab, key_hash(key));
	uint32_t e;
	while ((e = st_idtab_next(&m->tab, p)) != ST_IDTAB_END)
		if (m->v[e].key == key)
			break;
	return e;
}

uint32_t st_idmap_get(const st_idmap *m, uint64_t key)
{
	if (!m->tab.cap)
		return ST_IDMAP_NONE;
	st_idtab_probe p;
	uint32_t e = find(m, key, &p);
	return e == ST_IDTAB_END ? ST_IDMAP_NONE : m->v[e].val;
}

static void add(st_idmap *m, const st_idtab_probe *p, uint64_t key,
                uint32_t val)
{
	if (m->len == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 32;
		m->v = st_big_realloc(m->v, (size_t)m->cap * sizeof *m->v,
		                      (size_t)cap * sizeof *m->v);
		m->cap = cap;
	}
	st_idtab_insert(&m->tab, p, m->len);
	m->v[m->len++] = (st_idmap_entry){ key, val };
}

uint32_t st_idmap_get_or_put(st_idmap *m, uint64_t key, uint32_t val)
{
	st_idtab_room(&m->tab);
	st_idtab_probe p;
	uint32_t e = find(m, key, &p);
	if (e != ST_IDTAB_END)
		return m->v[e].val;
	add(m, &p, key, val);
	return val;
}

void st_idmap_put(st_idmap *m, uint64_t key, uint32_t val)
{
	st_idtab_room(&m->tab);
	st_idtab_probe p;
	uint32_t e = find(m, key, &p);
	if (e != ST_IDTAB_END)
		m->v[e].val = val;
	else
		add(m, &p, key, val);
}
