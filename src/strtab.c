/* strtab.c: string interning with an append-only arena and the shared hash
 * table of ids (idmap.h), which keeps each string's hash beside its id. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/idmap.h"
#include "stalactite/strtab.h"
#include "stalactite/xalloc.h"

struct st_strtab {
	char *arena;          /* NUL-terminated strings, back to back */
	size_t arena_len, arena_cap;
	uint32_t *offset;     /* id -> offset in arena; offset[count] = arena_len */
	uint32_t count, cap;  /* ids in use, capacity of offset */
	st_idtab ids;         /* by hash; growing never rehashes text */
	bool frozen;          /* arena and offset are borrowed (a snapshot's
	                         mapping): read-only, no hash until thawed */
};

static uint64_t word(const char *s)
{
	uint64_t w;
	memcpy(&w, s, sizeof w);
	return w;
}

/* Eight bytes a step (multiply, fold the high half down), the last step on
 * the last eight bytes, then splitmix64's finaliser: interning a trace's
 * ~100-byte symbol names once per event was a tenth of its load while
 * FNV-1a took them a byte at a time.  The table keeps the full hash, so
 * probing compares lengths and bytes only on hash equality.  Never stored:
 * any function of the bytes would do. */
static uint32_t hash_bytes(const char *s, size_t len)
{
	const uint64_t k = 0x9E3779B97F4A7C15ull;
	uint64_t h = (uint64_t)len * k, tail = 0;
	if (len >= 8) {
		for (size_t i = 0; i + 8 < len; i += 8) {
			h = (h ^ word(s + i)) * k;
			h ^= h >> 32;
		}
		tail = word(s + len - 8);
	} else {
		for (size_t i = 0; i < len; i++)
			tail |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (h ^ tail) * k;
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static size_t id_len(const st_strtab *t, uint32_t id)
{
	return t->offset[id + 1] - t->offset[id] - 1;
}

st_strtab *st_strtab_new(void)
{
	st_strtab *t = st_xcalloc(1, sizeof *t);
	t->offset = st_xmalloc(sizeof *t->offset);
	t->offset[0] = 0;
	st_intern(t, "", 0);   /* id 0 is the empty string */
	return t;
}

void st_strtab_free(st_strtab *t)
{
	if (!t)
		return;
	if (t->frozen) {   /* the owner of the arena frees it */
		free(t);
		return;
	}
	free(t->arena);
	free(t->offset);
	st_idtab_free(&t->ids);
	free(t);
}

/* The id of s, or ST_IDTAB_END with p where it goes. */
static uint32_t find(const st_strtab *t, const char *s, size_t len,
                     uint32_t h, st_idtab_probe *p)
{
	*p = st_idtab_start(&t->ids, h);
	uint32_t id;
	while ((id = st_idtab_next(&t->ids, p)) != ST_IDTAB_END)
		if (id_len(t, id) == len && memcmp(t->arena + t->offset[id], s, len) == 0)
			break;
	return id;
}

uint32_t st_lookup(const st_strtab *t, const char *s, size_t len)
{
	if (t->frozen) {   /* no hash yet, and building one would change t */
		for (uint32_t id = 0; id < t->count; id++)
			if (id_len(t, id) == len && memcmp(t->arena + t->offset[id], s, len) == 0)
				return id;
		return ST_NOSTR;
	}
	if (!t->ids.cap)
		return ST_NOSTR;
	st_idtab_probe p;
	uint32_t id = find(t, s, len, hash_bytes(s, len), &p);
	return id == ST_IDTAB_END ? ST_NOSTR : id;
}

uint32_t st_intern(st_strtab *t, const char *s, size_t len)
{
	st_strtab_thaw(t);
	st_idtab_room(&t->ids);
	st_idtab_probe p;
	uint32_t found = find(t, s, len, hash_bytes(s, len), &p);
	if (found != ST_IDTAB_END)
		return found;
	if (t->arena_len + len + 1 > UINT32_MAX || t->count == UINT32_MAX - 2)
		st_fatal("more than 4 GiB of distinct strings");   /* no real profile */
	if (t->arena_len + len + 1 > t->arena_cap) {
		size_t cap = t->arena_cap ? t->arena_cap : 65536;
		while (cap < t->arena_len + len + 1)
			cap *= 2;
		t->arena = st_xrealloc(t->arena, cap);
		t->arena_cap = cap;
	}
	if (t->count + 1 >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->offset = st_xreallocarray(t->offset, t->cap + 1, sizeof *t->offset);
	}
	uint32_t id = t->count++;
	memcpy(t->arena + t->arena_len, s, len);
	t->arena[t->arena_len + len] = '\0';
	t->arena_len += len + 1;
	t->offset[id + 1] = (uint32_t)t->arena_len;
	st_idtab_insert(&t->ids, &p, id);
	return id;
}

uint32_t st_intern_cstr(st_strtab *t, const char *s)
{
	return st_intern(t, s, strlen(s));
}

const char *st_str(const st_strtab *t, uint32_t id)
{
	if (id >= t->count)
		return "";
	return t->arena + t->offset[id];
}

size_t st_strlen(const st_strtab *t, uint32_t id)
{
	return id < t->count ? id_len(t, id) : 0;
}

uint32_t st_strtab_count(const st_strtab *t)
{
	return t->count;
}

size_t st_strtab_bytes(const st_strtab *t)
{
	if (t->frozen)
		return t->arena_len + ((size_t)t->count + 1) * 4;
	return t->arena_cap + (size_t)t->cap * 4 + (size_t)t->ids.cap * 8;
}

st_strtab *st_strtab_frozen(const char *arena, size_t arena_len,
                            const uint32_t *offset, uint32_t count)
{
	st_strtab *t = st_xcalloc(1, sizeof *t);
	/* never written through while frozen: st_strtab_thaw copies first */
	t->arena = (char *)(uintptr_t)arena;
	t->offset = (uint32_t *)(uintptr_t)offset;
	t->arena_len = t->arena_cap = arena_len;
	t->count = t->cap = count;
	t->frozen = true;
	return t;
}

void st_strtab_thaw(st_strtab *t)
{
	if (!t->frozen)
		return;
	char *arena = st_xmalloc(t->arena_len);
	memcpy(arena, t->arena, t->arena_len);
	uint32_t *offset = st_xreallocarray(NULL, (size_t)t->count + 1, sizeof *offset);
	memcpy(offset, t->offset, ((size_t)t->count + 1) * sizeof *offset);
	t->arena = arena;
	t->offset = offset;
	t->frozen = false;
	st_idtab_reserve(&t->ids, t->count);
	for (uint32_t id = 0; id < t->count; id++)
		st_idtab_add(&t->ids, hash_bytes(arena + offset[id], id_len(t, id)), id);
}

const char *st_strtab_arena(const st_strtab *t, size_t *len)
{
	*len = t->arena_len;
	return t->arena;
}

const uint32_t *st_strtab_offsets(const st_strtab *t)
{
	return t->offset;
}
