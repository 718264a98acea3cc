/* strtab.c: string interning with an append-only arena and an open-addressing
 * hash table of ids (linear probing, power-of-two size, load factor <= 1/2). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/strtab.h"
#include "stalactite/xalloc.h"

struct st_strtab {
	char *arena;          /* NUL-terminated strings, back to back */
	size_t arena_len, arena_cap;
	uint32_t *offset;     /* id -> offset in arena; offset[count] = arena_len */
	uint32_t *hashes;     /* id -> hash, so growing never rehashes text */
	uint32_t count, cap;  /* ids in use, capacity of offset/hashes */
	uint32_t *slots;      /* hash table of id + 1 (0 = empty) */
	uint32_t nslots;      /* power of two */
	bool frozen;          /* arena and offset are borrowed (a snapshot's
	                         mapping): read-only, no hash until thawed */
};

/* FNV-1a is short and good enough for identifiers and paths; the table keeps
 * the full hash so probing compares lengths and bytes only on hash equality. */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static size_t id_len(const st_strtab *t, uint32_t id)
{
	return t->offset[id + 1] - t->offset[id] - 1;
}

static void grow_slots(st_strtab *t)
{
	uint32_t n = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = st_xcalloc(n, sizeof *slots);
	for (uint32_t id = 0; id < t->count; id++) {
		uint32_t i = t->hashes[id] & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
}

st_strtab *st_strtab_new(void)
{
	st_strtab *t = st_xcalloc(1, sizeof *t);
	t->offset = st_xmalloc(sizeof *t->offset);
	t->offset[0] = 0;
	grow_slots(t);
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
	free(t->hashes);
	free(t->slots);
	free(t);
}

static uint32_t *find_slot(const st_strtab *t, const char *s, size_t len,
                           uint32_t h)
{
	uint32_t i = h & (t->nslots - 1);
	for (;;) {
		uint32_t v = t->slots[i];
		if (!v)
			return &t->slots[i];
		uint32_t id = v - 1;
		if (t->hashes[id] == h && id_len(t, id) == len &&
		    memcmp(t->arena + t->offset[id], s, len) == 0)
			return &t->slots[i];
		i = (i + 1) & (t->nslots - 1);
	}
}

uint32_t st_lookup(const st_strtab *t, const char *s, size_t len)
{
	if (t->frozen) {   /* no hash yet, and building one would change t */
		for (uint32_t id = 0; id < t->count; id++)
			if (id_len(t, id) == len && memcmp(t->arena + t->offset[id], s, len) == 0)
				return id;
		return ST_NOSTR;
	}
	uint32_t v = *find_slot(t, s, len, hash_bytes(s, len));
	return v ? v - 1 : ST_NOSTR;
}

uint32_t st_intern(st_strtab *t, const char *s, size_t len)
{
	st_strtab_thaw(t);
	uint32_t h = hash_bytes(s, len);
	uint32_t *slot = find_slot(t, s, len, h);
	if (*slot)
		return *slot - 1;
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
		t->hashes = st_xreallocarray(t->hashes, t->cap, sizeof *t->hashes);
	}
	uint32_t id = t->count++;
	memcpy(t->arena + t->arena_len, s, len);
	t->arena[t->arena_len + len] = '\0';
	t->arena_len += len + 1;
	t->offset[id + 1] = (uint32_t)t->arena_len;
	t->hashes[id] = h;
	*slot = id + 1;
	if (t->count * 2 > t->nslots)
		grow_slots(t);
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
	return t->arena_cap + (size_t)t->cap * 8 + (size_t)t->nslots * 4;
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
	t->hashes = st_xreallocarray(NULL, t->count, sizeof *t->hashes);
	for (uint32_t id = 0; id < t->count; id++)
		t->hashes[id] = hash_bytes(arena + offset[id], id_len(t, id));
	t->frozen = false;
	/* grow_slots doubles nslots: start it at half the size that keeps the
	 * load factor at most 1/2 */
	uint64_t n = 1024;
	while (n < (uint64_t)t->count * 2)
		n *= 2;
	t->nslots = (uint32_t)(n / 2);
	grow_slots(t);
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
