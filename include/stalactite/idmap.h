/* idmap: an open-addressing hash map from uint64_t keys to uint32_t values,
 * for the loader's lookups (string ids, (crate, name) pairs ...).  Linear
 * probing, power-of-two size, load factor at most 1/2, no deletion. */
#ifndef STALACTITE_IDMAP_H
#define STALACTITE_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct st_idmap {
	uint64_t *keys;
	uint32_t *vals;
	uint32_t len, cap;   /* entries, slots (power of two or 0) */
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

#endif
