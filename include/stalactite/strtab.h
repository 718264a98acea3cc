/* strtab: every string the model uses, interned once.
 *
 * A string is named by a dense uint32_t id (0 is always the empty string), so
 * nodes and statistics hold 4-byte ids instead of pointers and equal strings
 * compare by id.  Strings are stored NUL-terminated in an append-only arena;
 * a pointer returned by st_str stays valid until the table is freed. */
#ifndef STALACTITE_STRTAB_H
#define STALACTITE_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#define ST_NOSTR UINT32_MAX  /* "no string" where an id is optional */

typedef struct st_strtab st_strtab;

st_strtab *st_strtab_new(void);
void st_strtab_free(st_strtab *t);

/* Returns the id of the string s[0..len) (which need not be NUL-terminated
 * and may not contain NUL), adding it if new.  Aborts on out-of-memory. */
uint32_t st_intern(st_strtab *t, const char *s, size_t len);
uint32_t st_intern_cstr(st_strtab *t, const char *s);

/* Looks a string up without adding it; ST_NOSTR when absent. */
uint32_t st_lookup(const st_strtab *t, const char *s, size_t len);

const char *st_str(const st_strtab *t, uint32_t id);
size_t st_strlen(const st_strtab *t, uint32_t id);
uint32_t st_strtab_count(const st_strtab *t);
/* Bytes held by the table (arena, offsets and hash), for benchmarks. */
size_t st_strtab_bytes(const st_strtab *t);

/* A table over strings held elsewhere (a snapshot's mapping): offset has
 * count + 1 entries (offset[count] == arena_len) and every string ends with
 * a NUL.  Both must outlive the table; st_strtab_free leaves them alone.
 * It reads as any table; st_lookup scans it (it has no hash), and st_intern
 * first thaws it. */
st_strtab *st_strtab_frozen(const char *arena, size_t arena_len,
                            const uint32_t *offset, uint32_t count);
/* Copies a frozen table's strings to the heap and builds its hash (nothing
 * for a table that is not frozen). */
void st_strtab_thaw(st_strtab *t);
/* The strings back to back, each NUL-terminated, and the count + 1 offsets
 * of the ids into them (for writing a snapshot). */
const char *st_strtab_arena(const st_strtab *t, size_t *len);
const uint32_t *st_strtab_offsets(const st_strtab *t);

#endif
