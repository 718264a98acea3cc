/* idmap: the loader's hash tables, one open-addressing scheme for all
 * (linear probing, power-of-two size, load factor at most 1/2, no deletion).
 *
 * st_idtab is the table itself: a set of 32-bit ids, each stored with a
 * 32-bit hash of its key, whose keys live with the caller (a tree node, a
 * string, a codegen entry) and are compared by the caller.  Growing rehashes
 * the stored hashes and never reads a key.  A lookup walks the ids stored
 * under the same hash and stops at an empty slot, where an insertion goes:
 *
 *	st_idtab_room(&t);                       (first: it may rehash)
 *	st_idtab_probe p = st_idtab_start(&t, h);
 *	for (uint32_t id; (id = st_idtab_next(&t, &p)) != ST_IDTAB_END;)
 *		if (key_of(id) == key)
 *			return id;
 *	st_idtab_insert(&t, &p, new_id);
 *
 * st_idmap maps uint64_t keys to uint32_t values (string ids, (crate, name)
 * pairs ...) through an st_idtab of its entries. */
#ifndef STALACTITE_IDMAP_H
#define STALACTITE_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#define ST_IDTAB_END UINT32_MAX

typedef struct st_idtab {
	uint64_t *slots;     /* hash << 32 | (id + 1); 0 is an empty slot */
	uint32_t len, cap;   /* ids, slots (power of two or 0) */
} st_idtab;

typedef struct st_idtab_probe {
	uint32_t at, hash;
} st_idtab_probe;

void st_idtab_free(st_idtab *t);
/* Grows t (rehashing) so that one more id fits; call before a probe that
 * may end in st_idtab_insert. */
void st_idtab_grow(st_idtab *t);
static inline void st_idtab_room(st_idtab *t)
{
	if ((t->len + 1) * 2 > t->cap)
		st_idtab_grow(t);
}
/* Makes room for n ids at once. */
void st_idtab_reserve(st_idtab *t, uint32_t n);

/* A probe for hash (t must have slots: st_idtab_room, or cap checked). */
static inline st_idtab_probe st_idtab_start(const st_idtab *t, uint32_t hash)
{
	return (st_idtab_probe){ hash & (t->cap - 1), hash };
}

/* The next id stored under the probe's hash, or ST_IDTAB_END at the empty
 * slot that ends the probe (where st_idtab_insert puts a new id). */
static inline uint32_t st_idtab_next(const st_idtab *t, st_idtab_probe *p)
{
	for (;;) {
		uint64_t s = t->slots[p->at];
		if (!s)
			return ST_IDTAB_END;
		p->at = (p->at + 1) & (t->cap - 1);
		if ((uint32_t)(s >> 32) == p->hash)
			return (uint32_t)s - 1;
	}
}

/* Stores id (below UINT32_MAX) at the end of a probe that found no match. */
static inline void st_idtab_insert(st_idtab *t, const st_idtab_probe *p,
                                   uint32_t id)
{
	t->slots[p->at] = (uint64_t)p->hash << 32 | ((uint64_t)id + 1);
	t->len++;
}

/* Stores id under hash without looking for an equal key (one known to be
 * absent). */
void st_idtab_add(st_idtab *t, uint32_t hash, uint32_t id);

/* ---- st_idmap ------------------------------------------------------------- */

typedef struct st_idmap_entry {
	uint64_t key;
	uint32_t val;
} st_idmap_entry;

typedef struct st_idmap {
	st_idtab tab;            /* entry indices by hash of key */
	st_idmap_entry *v;       /* entries in the order they were added */
	uint32_t len, cap;
} st_idmap;

#define ST_IDMAP_NONE UINT32_MAX

void st_idmap_free(st_idmap *m);
/* Makes room for n entries at once, so filling a map of known size never
 * rehashes. */
void st_idmap_reserve(st_idmap *m, uint32_t n);
/* Value for key, or ST_IDMAP_NONE. */
uint32_t st_idmap_get(const st_idmap *m, uint64_t key);
/* Sets key to val (replacing an earlier value). */
void st_idmap_put(st_idmap *m, uint64_t key, uint32_t val);
/* Value for key; when absent, stores val and returns it. */
uint32_t st_idmap_get_or_put(st_idmap *m, uint64_t key, uint32_t val);

static inline uint64_t st_idmap_pair(uint32_t a, uint32_t b)
{
	return (uint64_t)a << 32 | b;
}

/* Mixes three ids into a hash that depends on every bit of every id
 * (splitmix64's finaliser), for tables keyed on three ids. */
static inline uint32_t st_hash3(uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t h = a * 0x9E3779B97F4A7C15ull ^ b * 0xC2B2AE3D27D4EB4Full ^
	             c * 0x165667B19E3779F9ull;
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

#endif
