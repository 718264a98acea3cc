/* snapshot-internal.h: what the parts of the snapshot code share
 * (snapshot-format.c, the record layouts and the checksum; snapshot-save.c,
 * the writer; snapshot-check.c, the checks before anything points into a
 * file; snapshot.c, opening, thawing and releasing): the layout types, the
 * byte helpers, and the few functions one part calls in another.  Private to
 * those files; the public contract is include/stalactite/snapshot.h. */
#ifndef ST_SNAPSHOT_INTERNAL_H
#define ST_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "stalactite/model.h"
#include "stalactite/snapshot.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_LE 0
#else
#define HOST_LE 1
#endif

#define HEADER 64      /* magic, version, sections, size, checksum, writer */
#define ENTRY 24       /* a section table entry: id, record, offset, count */
#define SUM_AT 24      /* where the checksum is; hashed as zeros */
#define NONE 0xFFFF    /* no such field in st_model */

/* ---- record layouts (snapshot-format.c) ---------------------------------- */

/* What a field's value must be. */
enum { F_ANY, F_BOOL, F_ENUM, F_STR, F_OPTSTR, F_REF, F_OPTREF, F_DISPLAY };

typedef struct field {
	uint16_t mem, disk;   /* offsets in the struct and in the disk record */
	uint8_t size, type;
	uint8_t arg;          /* F_ENUM: the limit; F_REF: the section indexed */
} field;

enum {
	S_ARENA, S_OFFSETS, S_DISPLAY, S_FN_KIND,
	S_STACK, S_STACK_KINDS, S_CODEGEN, S_CODEGEN_KINDS, S_PIVOT, S_PIVOT_KINDS,
	S_SOURCES, S_CRATES, S_LABELS, S_PASSES, S_CGUS, S_FUNCTIONS, S_ASYNC,
	S_GENERICS, S_GENERIC_FNS, S_ARTIFACTS, S_UNITS, S_EDGES, S_CONCURRENCY,
	S_SCALARS, S_NOTES, S_COUNT
};
#define SELF 0xFF      /* F_REF into the section's own records */

typedef struct section {
	const char *name;     /* in messages */
	const field *f;
	uint8_t nf;
	uint8_t same;         /* the section whose count this one shares */
	bool big;             /* allocated with st_big_realloc (tree arrays) */
	uint16_t rec, mem;    /* record bytes on disk, element bytes in memory */
	uint16_t ptr, len, cap;   /* offsets in st_model, or NONE */
} section;

/* Every section's layout, by section: the format's definition. */
extern const section snap_sections[S_COUNT];

/* Whether section s can be used in place: the host's layout is the disk's. */
static inline bool native(const section *s)
{
	if (!HOST_LE || s->rec != s->mem)
		return false;
	for (unsigned i = 0; i < s->nf; i++)
		if (s->f[i].mem != s->f[i].disk)
			return false;
	return true;
}

/* Whether its records have no padding, which must be written as zeros. */
static inline bool dense(const section *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->nf; i++)
		n += s->f[i].size;
	return n == s->rec;
}

/* ---- bytes --------------------------------------------------------------- */

static inline uint32_t le32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
#if !HOST_LE
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if !HOST_LE
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t get_le(const unsigned char *p, unsigned size)
{
	return size == 1 ? p[0] : size == 4 ? le32(p) : le64(p);
}

static inline void put_le(unsigned char *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A field of a struct in memory, in the host's order. */
static inline uint64_t get_mem(const unsigned char *p, unsigned size)
{
	if (size == 1)
		return p[0];
	if (size == 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline void put_mem(unsigned char *p, unsigned size, uint64_t v)
{
	if (size == 1) {
		p[0] = (unsigned char)v;
	} else if (size == 4) {
		uint32_t w = (uint32_t)v;
		memcpy(p, &w, 4);
	} else {
		memcpy(p, &v, 8);
	}
}

/* The model's pointer and length fields, by offset (st_model moves). */
static inline void *get_ptr(const st_model *m, uint16_t off)
{
	void *p;
	memcpy(&p, (const char *)m + off, sizeof p);
	return p;
}

static inline void set_ptr(st_model *m, uint16_t off, const void *p)
{
	memcpy((char *)m + off, &p, sizeof p);
}

static inline uint32_t get_u32(const st_model *m, uint16_t off)
{
	uint32_t v;
	memcpy(&v, (const char *)m + off, 4);
	return v;
}

static inline void set_u32(st_model *m, uint16_t off, uint32_t v)
{
	if (off != NONE)
		memcpy((char *)m + off, &v, 4);
}

static inline uint64_t align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

/* ---- checksum (snapshot-format.c) ---------------------------------------- */

typedef struct hasher {
	uint64_t lane[4];
	unsigned char pend[32];
	size_t npend;
	uint64_t total;
} hasher;

void snap_hash_init(hasher *h);
void snap_hash_update(hasher *h, const unsigned char *p, size_t n);
uint64_t snap_hash_final(const hasher *h);
/* The checksum of a whole file, its checksum field taken as zeros. */
uint64_t snap_file_sum(const unsigned char *p, size_t len);

/* ---- messages ------------------------------------------------------------ */

typedef struct msg {
	const char *name;
	char *err;
	size_t errlen;
} msg;

/* "NAME: offset OFF: what" in e->err; returns 1 (snapshot-check.c). */
__attribute__((format(printf, 3, 4)))
int snap_bad(const msg *e, uint64_t off, const char *fmt, ...);
/* err made safe for a terminal (snapshot.c). */
void snap_sanitize(char *err, size_t errlen);

/* ---- checking (snapshot-check.c) ----------------------------------------- */

typedef struct layout {
	const unsigned char *p;   /* the whole file */
	size_t len;
	uint64_t off[S_COUNT], count[S_COUNT];
	uint64_t entry[S_COUNT];  /* where each section's table entry is */
	uint32_t nstr;
} layout;

/* Files of this many bytes or more are summed on a thread of their own,
 * which also checks the codegen trees (snapshot-check.c; tests lower it). */
extern size_t snap_sum_apart;
/* The header of a file of have bytes, before it is mapped. */
int snap_check_header(const msg *e, const unsigned char *p, uint64_t have);
/* Every check, in order, on the whole file l->p; fills in l. */
int snap_check_all(const msg *e, layout *l);

#endif
