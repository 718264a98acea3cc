/* snapshot.c: the model written to one file, and opened by mapping it.
 *
 * Every array of the model is one section; a table of records describes
 * each section's record layout as (offset in the struct, offset on disk,
 * size, what the value must be).  The disk layouts are the structs' own on
 * LP64 hosts, so on a little-endian one the checked file is the model: its
 * arrays point into the mapping (their sections are "borrowed").  Any other
 * host decodes field by field.  The checks run on the disk bytes, before
 * anything points at them: the checksum first (a flipped bit fails there),
 * then every count, string id, index and tree link that a view follows
 * without checking, so that even a file with a valid checksum made by hand
 * cannot send a walk out of bounds or round in circles. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/bigmem.h"
#include "stalactite/fmt.h"
#include "stalactite/snapshot.h"
#include "stalactite/xalloc.h"

_Static_assert(sizeof(bool) == 1, "bool fields are one byte on disk");

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_LE 0
#else
#define HOST_LE 1
#endif

#define HEADER 64      /* magic, version, sections, size, checksum, writer */
#define ENTRY 24       /* a section table entry: id, record, offset, count */
#define SUM_AT 24      /* where the checksum is; hashed as zeros */
#define NONE 0xFFFF    /* no such field in st_model */

/* ---- record layouts ------------------------------------------------------ */

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

#define FLD(T, m, d, t, a) { offsetof(T, m), d, sizeof(((T *)0)->m), t, a }
#define N(a) (uint8_t)(sizeof a / sizeof *a)

static const field byte_f[] = { { 0, 0, 1, F_ANY, 0 } };
static const field u32_f[] = { { 0, 0, 4, F_ANY, 0 } };
static const field display_f[] = { { 0, 0, 4, F_DISPLAY, 0 } };
static const field kind_f[] = { { 0, 0, 1, F_ENUM, ST_K_COUNT } };
static const field gfn_f[] = { { 0, 0, 4, F_REF, S_FUNCTIONS } };
/* links are checked by the tree walk (check_tree) */
static const field node_f[] = {
	FLD(st_node, parent, 0, F_ANY, 0), FLD(st_node, first_child, 4, F_ANY, 0),
	FLD(st_node, next_sibling, 8, F_ANY, 0), FLD(st_node, name, 12, F_STR, 0),
	FLD(st_node, arg, 16, F_OPTSTR, 0), FLD(st_node, count, 20, F_ANY, 0),
	FLD(st_node, total_ns, 24, F_ANY, 0), FLD(st_node, self_ns, 32, F_ANY, 0),
};
static const field source_f[] = {
	FLD(st_source, path, 0, F_OPTSTR, 0), FLD(st_source, format, 4, F_OPTSTR, 0),
	FLD(st_source, crate, 8, F_OPTSTR, 0),
	FLD(st_source, crate_name, 12, F_OPTSTR, 0),
	FLD(st_source, crate_kind, 16, F_ENUM, ST_CK_COUNT),
	FLD(st_source, events, 24, F_ANY, 0), FLD(st_source, bytes, 32, F_ANY, 0),
	FLD(st_source, async_exact, 40, F_BOOL, 0),
	FLD(st_source, wall_ns, 48, F_ANY, 0), FLD(st_source, cpu_ns, 56, F_ANY, 0),
	FLD(st_source, llvm_ns, 64, F_ANY, 0),
	FLD(st_source, overhead_ns, 72, F_ANY, 0),
};
static const field crate_f[] = {
	FLD(st_crate_stat, name, 0, F_OPTSTR, 0),
	FLD(st_crate_stat, display, 4, F_OPTSTR, 0),
	FLD(st_crate_stat, kind, 8, F_ENUM, ST_CK_COUNT),
	FLD(st_crate_stat, sources, 12, F_ANY, 0),
	FLD(st_crate_stat, wall_ns, 16, F_ANY, 0),
	FLD(st_crate_stat, cpu_ns, 24, F_ANY, 0),
	FLD(st_crate_stat, llvm_ns, 32, F_ANY, 0),
	FLD(st_crate_stat, overhead_ns, 40, F_ANY, 0),
	FLD(st_crate_stat, cargo, 48, F_BOOL, 0),
	FLD(st_crate_stat, critical, 49, F_BOOL, 0),
	FLD(st_crate_stat, cargo_ns, 56, F_ANY, 0),
};
static const field label_f[] = {
	FLD(st_label_stat, label, 0, F_OPTSTR, 0),
	FLD(st_label_stat, count, 8, F_ANY, 0),
	FLD(st_label_stat, self_ns, 16, F_ANY, 0),
	FLD(st_label_stat, total_ns, 24, F_ANY, 0),
	FLD(st_label_stat, cache_hits, 32, F_ANY, 0),
	FLD(st_label_stat, blocked_ns, 40, F_ANY, 0),
	FLD(st_label_stat, incremental_load_ns, 48, F_ANY, 0),
	FLD(st_label_stat, incremental_hashing_ns, 56, F_ANY, 0),
};
static const field pass_f[] = {
	FLD(st_pass_stat, pass, 0, F_OPTSTR, 0),
	FLD(st_pass_stat, group, 4, F_OPTSTR, 0),
	FLD(st_pass_stat, count, 8, F_ANY, 0),
	FLD(st_pass_stat, self_ns, 16, F_ANY, 0),
};
static const field cgu_f[] = {
	FLD(st_cgu_stat, crate, 0, F_OPTSTR, 0), FLD(st_cgu_stat, cgu, 4, F_OPTSTR, 0),
	FLD(st_cgu_stat, self_ns, 8, F_ANY, 0),
	FLD(st_cgu_stat, total_ns, 16, F_ANY, 0),
};
static const field fn_f[] = {
	FLD(st_fn_stat, name, 0, F_OPTSTR, 0), FLD(st_fn_stat, crate, 4, F_OPTSTR, 0),
	FLD(st_fn_stat, raw, 8, F_OPTSTR, 0), FLD(st_fn_stat, llvm_ns, 16, F_ANY, 0),
	FLD(st_fn_stat, events, 24, F_ANY, 0),
	FLD(st_fn_stat, kind, 32, F_ENUM, ST_K_COUNT),
	FLD(st_fn_stat, exact, 33, F_BOOL, 0),
	FLD(st_fn_stat, owner, 36, F_OPTREF, S_ASYNC),
};
static const field async_f[] = {
	FLD(st_async_stat, name, 0, F_OPTSTR, 0),
	FLD(st_async_stat, llvm_ns, 8, F_ANY, 0),
	FLD(st_async_stat, members, 16, F_ANY, 0),
	FLD(st_async_stat, exact, 20, F_BOOL, 0),
};
/* first and instances: checked together (check_generics) */
static const field generic_f[] = {
	FLD(st_generic_stat, name, 0, F_OPTSTR, 0),
	FLD(st_generic_stat, crate, 4, F_OPTSTR, 0),
	FLD(st_generic_stat, llvm_ns, 8, F_ANY, 0),
	FLD(st_generic_stat, instances, 16, F_ANY, 0),
	FLD(st_generic_stat, first, 20, F_ANY, 0),
};
static const field artifact_f[] = {
	FLD(st_artifact_stat, label, 0, F_OPTSTR, 0),
	FLD(st_artifact_stat, bytes, 8, F_ANY, 0),
};
static const field unit_f[] = {
	FLD(st_unit, name, 0, F_OPTSTR, 0), FLD(st_unit, version, 4, F_OPTSTR, 0),
	FLD(st_unit, target, 8, F_OPTSTR, 0), FLD(st_unit, index, 12, F_ANY, 0),
	FLD(st_unit, kind, 16, F_ENUM, ST_UK_COUNT),
	FLD(st_unit, critical, 17, F_BOOL, 0),
	FLD(st_unit, start_ns, 24, F_ANY, 0), FLD(st_unit, duration_ns, 32, F_ANY, 0),
	FLD(st_unit, rmeta_ns, 40, F_ANY, 0), FLD(st_unit, frontend_ns, 48, F_ANY, 0),
	FLD(st_unit, codegen_ns, 56, F_ANY, 0),
	FLD(st_unit, crate, 64, F_OPTREF, S_CRATES),
};
static const field edge_f[] = {
	FLD(st_unit_edge, from, 0, F_REF, S_UNITS),
	FLD(st_unit_edge, to, 4, F_REF, S_UNITS),
	FLD(st_unit_edge, rmeta, 8, F_BOOL, 0),
};
static const field conc_f[] = {
	FLD(st_conc_sample, t_ns, 0, F_ANY, 0),
	FLD(st_conc_sample, active, 8, F_ANY, 0),
	FLD(st_conc_sample, waiting, 12, F_ANY, 0),
};
/* the model's own figures: one record, offsets in st_model */
static const field scalar_f[] = {
	FLD(st_model, total_events, 0, F_ANY, 0),
	FLD(st_model, llvm_self_ns, 8, F_ANY, 0),
	FLD(st_model, cpu_ns, 16, F_ANY, 0),
	FLD(st_model, timings.wall_ns, 24, F_ANY, 0),
	FLD(st_model, timings.critical_path_ns, 32, F_ANY, 0),
	FLD(st_model, timings.covered_ns, 40, F_ANY, 0),
	FLD(st_model, timings.path, 48, F_OPTSTR, 0),
	FLD(st_model, timings.format, 52, F_OPTSTR, 0),
	FLD(st_model, timings.joined, 56, F_ANY, 0),
	FLD(st_model, async_exact, 60, F_BOOL, 0),
	FLD(st_model, timings.slot_bound, 61, F_BOOL, 0),
};

typedef struct section {
	const char *name;     /* in messages */
	const field *f;
	uint8_t nf;
	uint8_t same;         /* the section whose count this one shares */
	bool big;             /* allocated with st_big_realloc (tree arrays) */
	uint16_t rec, mem;    /* record bytes on disk, element bytes in memory */
	uint16_t ptr, len, cap;   /* offsets in st_model, or NONE */
} section;

#define OFF(f) (uint16_t)offsetof(st_model, f)
#define VEC(nm, fl, rec, vec, self) { nm, fl, N(fl), self, false, rec, \
	sizeof *((st_model *)0)->vec.v, OFF(vec.v), OFF(vec.len), OFF(vec.cap) }
#define TREE(nm, t, self) \
	{ nm, node_f, N(node_f), self, true, 40, sizeof(st_node), \
	  OFF(t.nodes), OFF(t.len), OFF(t.cap) }, \
	{ nm " kinds", kind_f, 1, self, true, 1, 1, OFF(t.kinds), OFF(t.len), NONE }

static const section sections[S_COUNT] = {
	[S_ARENA] = { "strings", byte_f, 1, S_ARENA, false, 1, 1, NONE, NONE, NONE },
	[S_OFFSETS] = { "string offsets", u32_f, 1, S_OFFSETS, false, 4, 4, NONE,
	                NONE, NONE },
	[S_DISPLAY] = { "display names", display_f, 1, S_DISPLAY, false, 4, 4,
	                OFF(display), OFF(display_len), NONE },
	[S_FN_KIND] = { "function kinds", kind_f, 1, S_DISPLAY, false, 1, 1,
	                OFF(fn_kind), OFF(display_len), NONE },
	TREE("stack tree", stack, S_STACK),
	TREE("codegen tree", codegen, S_CODEGEN),
	TREE("pivot tree", pivot, S_PIVOT),
	VEC("sources", source_f, 80, sources, S_SOURCES),
	VEC("crates", crate_f, 64, crates, S_CRATES),
	VEC("labels", label_f, 64, labels, S_LABELS),
	VEC("passes", pass_f, 24, passes, S_PASSES),
	VEC("codegen units", cgu_f, 24, cgus, S_CGUS),
	VEC("functions", fn_f, 40, functions, S_FUNCTIONS),
	VEC("async fns", async_f, 24, async_fns, S_ASYNC),
	VEC("generic sets", generic_f, 24, generics, S_GENERICS),
	VEC("generic instances", gfn_f, 4, generic_fns, S_GENERIC_FNS),
	VEC("artifacts", artifact_f, 16, artifacts, S_ARTIFACTS),
	VEC("units", unit_f, 72, timings.units, S_UNITS),
	VEC("unit edges", edge_f, 12, timings.edges, S_EDGES),
	VEC("concurrency", conc_f, 16, timings.concurrency, S_CONCURRENCY),
	[S_SCALARS] = { "figures", scalar_f, N(scalar_f), S_SCALARS, false, 64,
	                sizeof(st_model), NONE, NONE, NONE },
	/* the load's warnings, each NUL-terminated: said again on opening */
	[S_NOTES] = { "warnings", byte_f, 1, S_NOTES, false, 1, 1, NONE, NONE, NONE },
};

/* Whether section s can be used in place: the host's layout is the disk's. */
static bool native(const section *s)
{
	if (!HOST_LE || s->rec != s->mem)
		return false;
	for (unsigned i = 0; i < s->nf; i++)
		if (s->f[i].mem != s->f[i].disk)
			return false;
	return true;
}

/* Whether its records have no padding, which must be written as zeros. */
static bool dense(const section *s)
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

static uint64_t get_le(const unsigned char *p, unsigned size)
{
	return size == 1 ? p[0] : size == 4 ? le32(p) : le64(p);
}

static void put_le(unsigned char *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A field of a struct in memory, in the host's order. */
static uint64_t get_mem(const unsigned char *p, unsigned size)
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

static void put_mem(unsigned char *p, unsigned size, uint64_t v)
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
static void *get_ptr(const st_model *m, uint16_t off)
{
	void *p;
	memcpy(&p, (const char *)m + off, sizeof p);
	return p;
}

static void set_ptr(st_model *m, uint16_t off, const void *p)
{
	memcpy((char *)m + off, &p, sizeof p);
}

static uint32_t get_u32(const st_model *m, uint16_t off)
{
	uint32_t v;
	memcpy(&v, (const char *)m + off, 4);
	return v;
}

static void set_u32(st_model *m, uint16_t off, uint32_t v)
{
	if (off != NONE)
		memcpy((char *)m + off, &v, 4);
}

/* ---- checksum ------------------------------------------------------------ */

/* Four independent lanes of 64-bit words, so the multiplies overlap; each
 * step is a bijection of the lane for any word and of the word for any
 * lane, so a change confined to one aligned 8-byte word always changes the
 * result (other changes: with probability 1 - 2^-64). */
#define K1 0x9c2b9d9f2ae75e2full
#define K2 0x02ff349d4f876aa3ull
#define K3 0xe06c85afbaec4ef7ull
#define K4 0xe7158a8021f64545ull

typedef struct hasher {
	uint64_t lane[4];
	unsigned char pend[32];
	size_t npend;
	uint64_t total;
} hasher;

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t step(uint64_t acc, uint64_t w)
{
	return rotl(acc + w * K2, 27) * K1;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 31;
	h *= K3;
	h ^= h >> 29;
	h *= K4;
	return h ^ (h >> 32);
}

static void hash_init(hasher *h)
{
	*h = (hasher){ { K1, K2, K3, K4 }, { 0 }, 0, 0 };
}

static void hash_blocks(hasher *h, const unsigned char *p, size_t nblocks)
{
	uint64_t a = h->lane[0], b = h->lane[1], c = h->lane[2], d = h->lane[3];
	for (size_t i = 0; i < nblocks; i++, p += 32) {
		a = step(a, le64(p));
		b = step(b, le64(p + 8));
		c = step(c, le64(p + 16));
		d = step(d, le64(p + 24));
	}
	h->lane[0] = a, h->lane[1] = b, h->lane[2] = c, h->lane[3] = d;
}

static void hash_update(hasher *h, const unsigned char *p, size_t n)
{
	h->total += n;
	if (h->npend) {
		size_t k = 32 - h->npend < n ? 32 - h->npend : n;
		memcpy(h->pend + h->npend, p, k);
		h->npend += k;
		p += k;
		n -= k;
		if (h->npend < 32)
			return;
		hash_blocks(h, h->pend, 1);
		h->npend = 0;
	}
	hash_blocks(h, p, n / 32);
	memcpy(h->pend, p + n / 32 * 32, n % 32);
	h->npend = n % 32;
}

/* Files are whole words: the tail is at most three words. */
static uint64_t hash_final(const hasher *h)
{
	uint64_t r = h->total * K1;
	for (int i = 0; i < 4; i++)
		r = (r ^ mix(h->lane[i])) * K3 + K4;
	for (size_t i = 0; i + 8 <= h->npend; i += 8)
		r = step(r, le64(h->pend + i));
	return mix(r);
}

/* The checksum of a whole file, its checksum field taken as zeros. */
static uint64_t file_sum(const unsigned char *p, size_t len)
{
	unsigned char head[HEADER];
	memcpy(head, p, HEADER);
	memset(head + SUM_AT, 0, 8);
	hasher h;
	hash_init(&h);
	hash_update(&h, head, HEADER);
	hash_update(&h, p + HEADER, len - HEADER);
	return hash_final(&h);
}

uint64_t st_snapshot_checksum(const unsigned char *data, size_t len)
{
	return len < HEADER ? 0 : file_sum(data, len);
}

void st_snapshot_fuzz_figures(unsigned char *data, size_t len)
{
	if (len < HEADER + (size_t)S_COUNT * ENTRY)
		return;
	for (int i = 0; i < S_COUNT; i++) {
		const unsigned char *t = data + HEADER + i * ENTRY;
		uint32_t id = le32(t);
		uint64_t off = le64(t + 8), count = le64(t + 16);
		if (id < 1 || id > S_COUNT || sections[id - 1].rec != le32(t + 4) ||
		    off > len || count > (len - off) / sections[id - 1].rec)
			continue;
		const section *s = &sections[id - 1];
		for (uint64_t r = 0; r < count; r++)
			for (unsigned k = 0; k < s->nf; k++) {
				if (s->f[k].type != F_ANY || s->f[k].size != 8)
					continue;
				unsigned char *p = data + off + r * s->rec + s->f[k].disk;
				uint64_t low = ((uint64_t)1 << 40) - 1, v = le64(p) & low;
				if (v >> 39)   /* sign-extended from 40 bits */
					v |= ~low;
				put_le(p, 8, v);
			}
	}
}

/* ---- messages ------------------------------------------------------------ */

typedef struct msg {
	const char *name;
	char *err;
	size_t errlen;
} msg;

__attribute__((format(printf, 3, 4)))
static int bad(const msg *e, uint64_t off, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(e->err, e->errlen, "%s: offset %llu: %s", e->name,
	         (unsigned long long)off, what);
	return 1;
}

/* err made safe for a terminal (a path may hold escapes). */
static void sanitize(char *err, size_t errlen)
{
	char *raw = st_xstrdup(err);
	st_fmt_sanitize(raw, strlen(raw), err, errlen, false);
	free(raw);
}

/* ---- writing ------------------------------------------------------------- */

typedef struct writer {
	int fd;
	unsigned char *buf;
	size_t n, cap;
	hasher h;
	int error;            /* errno of the first failed write */
} writer;

static void w_flush(writer *w)
{
	hash_update(&w->h, w->buf, w->n);
	for (size_t done = 0; done < w->n && !w->error;) {
		ssize_t r = write(w->fd, w->buf + done, w->n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			w->error = errno;
		else
			done += (size_t)r;
	}
	w->n = 0;
}

static void w_bytes(writer *w, const void *p, size_t n)
{
	const unsigned char *s = p;
	while (n) {
		if (w->n == w->cap)
			w_flush(w);
		size_t k = w->cap - w->n < n ? w->cap - w->n : n;
		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
	}
}

static void w_zeros(writer *w, size_t n)
{
	static const unsigned char z[8];
	while (n) {
		size_t k = n < 8 ? n : 8;
		w_bytes(w, z, k);
		n -= k;
	}
}

static uint64_t align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

/* What section i of m holds: its records in memory and their count. */
static const unsigned char *source_of(const st_model *m, const char *notes,
                                      size_t notes_len, int i, uint64_t *count)
{
	const section *s = &sections[i];
	uint32_t nstr = st_strtab_count(m->strs);
	size_t arena_len;
	const char *arena = st_strtab_arena(m->strs, &arena_len);
	switch (i) {
	case S_ARENA:
		*count = arena_len;
		return (const unsigned char *)arena;
	case S_OFFSETS:
		*count = (uint64_t)nstr + 1;
		return (const unsigned char *)st_strtab_offsets(m->strs);
	case S_DISPLAY: case S_FN_KIND:
		/* entries past the strings are zeros: left out */
		*count = m->display_len < nstr ? m->display_len : nstr;
		return get_ptr(m, s->ptr);
	case S_SCALARS:
		*count = 1;
		return (const unsigned char *)m;
	case S_NOTES:
		*count = notes_len;
		return (const unsigned char *)notes;
	default:
		*count = get_u32(m, s->len);
		return get_ptr(m, s->ptr);
	}
}

static void write_section(writer *w, const section *s, const unsigned char *src,
                          uint64_t count)
{
	if (count && native(s) && dense(s)) {
		w_bytes(w, src, (size_t)count * s->rec);
	} else {
		unsigned char rec[128];
		for (uint64_t r = 0; r < count; r++, src += s->mem) {
			memset(rec, 0, s->rec);
			for (unsigned i = 0; i < s->nf; i++)
				put_le(rec + s->f[i].disk, s->f[i].size,
				       get_mem(src + s->f[i].mem, s->f[i].size));
			w_bytes(w, rec, s->rec);
		}
	}
	w_zeros(w, (size_t)(align8(count * s->rec) - count * s->rec));
}

int st_snapshot_save(const st_model *m, const char *const *notes, size_t nnotes,
                     const char *path, char *err, size_t errlen)
{
	size_t notes_len = 0;
	for (size_t i = 0; i < nnotes; i++)
		notes_len += strlen(notes[i]) + 1;
	char *blob = st_xmalloc(notes_len), *at = blob;
	for (size_t i = 0; i < nnotes; i++)
		at = stpcpy(at, notes[i]) + 1;
	unsigned char head[HEADER + S_COUNT * ENTRY] = { 0 };
	uint64_t off = align8(sizeof head), counts[S_COUNT];
	const unsigned char *src[S_COUNT];
	for (int i = 0; i < S_COUNT; i++) {
		src[i] = source_of(m, blob, notes_len, i, &counts[i]);
		unsigned char *e = head + HEADER + i * ENTRY;
		put_le(e, 4, (uint64_t)i + 1);
		put_le(e + 4, 4, sections[i].rec);
		put_le(e + 8, 8, off);
		put_le(e + 16, 8, counts[i]);
		off += align8(counts[i] * sections[i].rec);
	}
	memcpy(head, ST_SNAPSHOT_MAGIC, ST_SNAPSHOT_MAGIC_LEN);
	put_le(head + 8, 4, ST_SNAPSHOT_VERSION);
	put_le(head + 12, 4, S_COUNT);
	put_le(head + 16, 8, off);
	snprintf((char *)head + 32, 32, "stalactite %s", PACKAGE_VERSION);

	/* a temporary file beside it, so a reader never sees half a snapshot */
	size_t plen = strlen(path);
	char *tmp = st_xmalloc(plen + 16);
	snprintf(tmp, plen + 16, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		sanitize(err, errlen);
		free(tmp);
		free(blob);
		return 1;
	}
	mode_t mask = umask(0);
	umask(mask);
	writer w = { .fd = fd, .cap = (size_t)1 << 20 };
	w.buf = st_xmalloc(w.cap);
	hash_init(&w.h);
	w_bytes(&w, head, sizeof head);
	w_zeros(&w, (size_t)(align8(sizeof head) - sizeof head));
	for (int i = 0; i < S_COUNT; i++)
		write_section(&w, &sections[i], src[i], counts[i]);
	w_flush(&w);
	free(w.buf);
	free(blob);
	unsigned char sum[8];
	put_le(sum, 8, hash_final(&w.h));
	int e = w.error;
	ssize_t r = e ? 0 : pwrite(fd, sum, 8, SUM_AT);
	if (!e && r != 8)
		e = r < 0 ? errno : EIO;
	/* the mode a plain new file gets; on disk before it is renamed in */
	if (!e && (fchmod(fd, 0666 & ~mask) != 0 || fsync(fd) != 0))
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		sanitize(err, errlen);
	}
	free(tmp);
	return e != 0;
}

/* ---- checking ------------------------------------------------------------ */

typedef struct layout {
	const unsigned char *p;   /* the whole file */
	size_t len;
	uint64_t off[S_COUNT], count[S_COUNT];
	uint64_t entry[S_COUNT];  /* where each section's table entry is */
	uint32_t nstr;
} layout;

static int check_header(const msg *e, const unsigned char *p, uint64_t have)
{
	if (have < ST_SNAPSHOT_MAGIC_LEN ||
	    memcmp(p, ST_SNAPSHOT_MAGIC, ST_SNAPSHOT_MAGIC_LEN) != 0)
		return bad(e, 0, "not a stalactite snapshot");
	if (have < HEADER)
		return bad(e, have, "snapshot cut short (in its %d-byte header)", HEADER);
	uint32_t v = le32(p + 8);
	if (v != ST_SNAPSHOT_VERSION)
		return bad(e, 8, "snapshot format version %u; this stalactite reads "
		           "version %d%s", (unsigned)v, ST_SNAPSHOT_VERSION,
		           v > ST_SNAPSHOT_VERSION ? " (written by a newer one?)" : "");
	uint64_t size = le64(p + 16);
	if (size > have)
		return bad(e, have, "snapshot cut short (its header says %llu bytes)",
		           (unsigned long long)size);
	if (size < have)
		return bad(e, size, "%llu bytes after the snapshot's end",
		           (unsigned long long)(have - size));
	if (size % 8 || size < HEADER + (uint64_t)S_COUNT * ENTRY)
		return bad(e, 16, "impossible snapshot size %llu",
		           (unsigned long long)size);
	if (le32(p + 12) != S_COUNT)
		return bad(e, 12, "%u sections; version %d has %d",
		           (unsigned)le32(p + 12), ST_SNAPSHOT_VERSION, S_COUNT);
	return 0;
}

static int check_table(const msg *e, layout *l)
{
	uint64_t end = align8(HEADER + (uint64_t)S_COUNT * ENTRY);
	bool seen[S_COUNT] = { false };
	for (int i = 0; i < S_COUNT; i++) {
		const unsigned char *t = l->p + HEADER + i * ENTRY;
		uint64_t at = HEADER + (uint64_t)i * ENTRY;
		uint32_t id = le32(t), rec = le32(t + 4);
		uint64_t off = le64(t + 8), count = le64(t + 16);
		if (id < 1 || id > S_COUNT || seen[id - 1])
			return bad(e, at, "section id %u unknown or repeated", (unsigned)id);
		const section *s = &sections[id - 1];
		seen[id - 1] = true;
		if (rec != s->rec)
			return bad(e, at + 4, "%s: records of %u bytes, not %u", s->name,
			           (unsigned)rec, (unsigned)s->rec);
		if (off % 8 || off < end || off > l->len)
			return bad(e, at + 8, "%s: impossible offset %llu", s->name,
			           (unsigned long long)off);
		/* counts are 32-bit in the model; tree ids stop below ST_NIL */
		if (count >= ST_NIL || count * rec > l->len - off)
			return bad(e, at + 16, "%s: %llu records do not fit in the file",
			           s->name, (unsigned long long)count);
		end = off + count * rec;
		l->off[id - 1] = off;
		l->count[id - 1] = count;
		l->entry[id - 1] = at;
	}
	return 0;
}

/* Counts that must agree between sections. */
static int check_counts(const msg *e, layout *l)
{
	/* messages point at the count field of the section's entry */
#define AT(i) (l->entry[i] + 16)
	if (l->count[S_OFFSETS] < 2)
		return bad(e, AT(S_OFFSETS), "no string table");
	l->nstr = (uint32_t)(l->count[S_OFFSETS] - 1);
	if (l->count[S_SCALARS] != 1)
		return bad(e, AT(S_SCALARS), "figures: %llu records, not 1",
		           (unsigned long long)l->count[S_SCALARS]);
	uint64_t nn = l->count[S_NOTES];
	if (nn && l->p[l->off[S_NOTES] + nn - 1] != 0)
		return bad(e, l->off[S_NOTES] + nn - 1, "warnings: the last one has no end");
	if (l->count[S_DISPLAY] > l->nstr)
		return bad(e, AT(S_DISPLAY), "more display names than strings");
	for (int i = 0; i < S_COUNT; i++) {
		const section *s = &sections[i];
		if (s->same != i && l->count[i] != l->count[s->same])
			return bad(e, AT(i), "%s: %llu, for %llu %s",
			           s->name, (unsigned long long)l->count[i],
			           (unsigned long long)l->count[s->same],
			           sections[s->same].name);
		if (s->f == node_f && l->count[i] == 0)
			return bad(e, AT(i), "%s: no root", s->name);
	}
#undef AT
	return 0;
}

static int check_strings(const msg *e, const layout *l)
{
	const unsigned char *o = l->p + l->off[S_OFFSETS];
	const unsigned char *a = l->p + l->off[S_ARENA];
	uint64_t prev = le32(o);
	/* the loop checks its NUL */
	if (prev != 0 || le32(o + 4) != 1)
		return bad(e, l->off[S_OFFSETS], "string 0 is not the empty string");
	for (uint32_t id = 1; id <= l->nstr; id++) {
		uint64_t next = le32(o + 4 * (size_t)id);
		if (next <= prev || next > l->count[S_ARENA] || a[next - 1] != 0)
			return bad(e, l->off[S_OFFSETS] + 4 * (uint64_t)id,
			           "string %u: bad offset %llu", (unsigned)(id - 1),
			           (unsigned long long)next);
		prev = next;
	}
	if (prev != l->count[S_ARENA])
		return bad(e, l->off[S_OFFSETS] + 4 * (uint64_t)l->nstr,
		           "the strings end at %llu, not %llu", (unsigned long long)prev,
		           (unsigned long long)l->count[S_ARENA]);
	return 0;
}

/* Every field's value against what it must be. */
static int check_fields(const msg *e, const layout *l, int i)
{
	const section *s = &sections[i];
	field f[16];
	unsigned nf = 0;
	for (unsigned k = 0; k < s->nf; k++)   /* the fields worth a look */
		if (s->f[k].type != F_ANY)
			f[nf++] = s->f[k];
	if (!nf)
		return 0;
	const unsigned char *p = l->p + l->off[i];
	for (uint64_t r = 0; r < l->count[i]; r++, p += s->rec) {
		for (unsigned k = 0; k < nf; k++) {
			uint64_t v = get_le(p + f[k].disk, f[k].size), lim;
			bool ok;
			switch (f[k].type) {
			case F_BOOL: ok = v <= 1; lim = 2; break;
			case F_ENUM: ok = v < f[k].arg; lim = f[k].arg; break;
			case F_STR: ok = v < l->nstr; lim = l->nstr; break;
			case F_OPTSTR: ok = v < l->nstr || v == ST_NOSTR; lim = l->nstr; break;
			case F_DISPLAY: ok = v <= l->nstr; lim = l->nstr + 1ull; break;
			default:   /* F_REF, F_OPTREF */
				lim = l->count[f[k].arg == SELF ? i : f[k].arg];
				ok = v < lim || (f[k].type == F_OPTREF && v == ST_NIL);
				break;
			}
			if (!ok)
				return bad(e, (uint64_t)(p - l->p) + f[k].disk,
				           "%s: record %llu: value %llu out of range (below %llu)",
				           s->name, (unsigned long long)r, (unsigned long long)v,
				           (unsigned long long)lim);
		}
	}
	return 0;
}

/* The quick proof that a tree's links make one tree, in two sequential
 * passes (a walk in tree order misses the cache at every node): parents
 * come before their children, so parent chains end at the root; each child
 * list holds nodes of one parent, and its links go to older siblings, as
 * st_tree_add makes them, so it has no cycle; and every node but the root
 * is linked to exactly once, so all are reached.  False when any of it does
 * not hold: check_tree then walks the tree to tell. */
static bool tree_quick(const unsigned char *nodes, uint32_t n)
{
	uint32_t *parent = st_xreallocarray(NULL, n, sizeof *parent);
	uint8_t *linked = st_xcalloc((size_t)n / 8 + 1, 1);
	bool ok = le32(nodes) == ST_NIL && le32(nodes + 8) == ST_NIL;
	for (uint32_t id = 0; id < n; id++) {
		parent[id] = le32(nodes + (size_t)id * 40);
		ok &= id == 0 || parent[id] < id;
	}
	uint32_t links = 0;
	for (uint32_t id = 0; ok && id < n; id++) {
		const unsigned char *p = nodes + (size_t)id * 40;
		uint32_t c = le32(p + 4), s = le32(p + 8);
		if (c != ST_NIL) {
			ok = c < n && parent[c] == id && !(linked[c / 8] & (1u << (c % 8)));
			if (ok)
				linked[c / 8] |= (uint8_t)(1u << (c % 8));
			links++;
		}
		if (ok && s != ST_NIL && id != 0) {
			ok = s < id && parent[s] == parent[id] &&
			     !(linked[s / 8] & (1u << (s % 8)));
			if (ok)
				linked[s / 8] |= (uint8_t)(1u << (s % 8));
			links++;
		}
	}
	free(parent);
	free(linked);
	return ok && links == n - 1;
}

/* A tree's links make one tree: every node is reached once from the root
 * through child lists, and names the node it is reached from as its
 * parent.  Then every walk ends (parents lead to the root) and stays in
 * bounds. */
static int check_tree(const msg *e, const layout *l, int i)
{
	const unsigned char *nodes = l->p + l->off[i];
	uint32_t n = (uint32_t)l->count[i];
	if (tree_quick(nodes, n))
		return 0;
#define LINK(id, at) le32(nodes + (size_t)(id) * 40 + (at))
	if (LINK(0, 0) != ST_NIL || LINK(0, 8) != ST_NIL)
		return bad(e, l->off[i], "%s: the root has a parent or a sibling",
		           sections[i].name);
	uint8_t *seen = st_xcalloc((size_t)n / 8 + 1, 1);
	uint32_t id = 0, reached = 1, to = ST_NIL, from = 0;
	seen[0] = 1;
	for (;;) {
		uint32_t c = LINK(id, 4);
		if (c == ST_NIL) {   /* climb to the first ancestor with a sibling */
			while (id != 0 && (c = LINK(id, 8)) == ST_NIL)
				id = LINK(id, 0);
			if (id == 0)
				break;
			from = LINK(id, 0);
		} else {
			from = id;
		}
		if (c >= n || seen[c / 8] & (1u << (c % 8)) || LINK(c, 0) != from) {
			to = c;
			break;
		}
		seen[c / 8] |= (uint8_t)(1u << (c % 8));
		reached++;
		id = c;
	}
	free(seen);
	if (to != ST_NIL)
		return bad(e, l->off[i] + (uint64_t)id * 40, "%s: node %u: bad link to %u",
		           sections[i].name, (unsigned)id, (unsigned)to);
	if (reached != n)
		return bad(e, l->off[i], "%s: %u of %u nodes unreachable",
		           sections[i].name, (unsigned)(n - reached), (unsigned)n);
#undef LINK
	return 0;
}

static int check_generics(const msg *e, const layout *l)
{
	const unsigned char *p = l->p + l->off[S_GENERICS];
	for (uint64_t r = 0; r < l->count[S_GENERICS]; r++, p += 24)
		if ((uint64_t)le32(p + 16) + le32(p + 20) > l->count[S_GENERIC_FNS])
			return bad(e, (uint64_t)(p - l->p) + 16, "generic sets: record %llu: "
			           "instances past the end", (unsigned long long)r);
	return 0;
}

static int check_all(const msg *e, layout *l)
{
	if (check_header(e, l->p, l->len))
		return 1;
	uint64_t want = le64(l->p + SUM_AT), got = file_sum(l->p, l->len);
	if (want != got)
		return bad(e, SUM_AT, "checksum mismatch: the snapshot is corrupt");
	if (check_table(e, l) || check_counts(e, l) || check_strings(e, l) ||
	    check_generics(e, l))
		return 1;
	for (int i = 0; i < S_COUNT; i++)
		if (i != S_OFFSETS && check_fields(e, l, i))
			return 1;
	return check_tree(e, l, S_STACK) || check_tree(e, l, S_CODEGEN) ||
	       check_tree(e, l, S_PIVOT);
}

/* ---- opening ------------------------------------------------------------- */

struct st_snapshot_map {
	void *base;            /* the file: a mapping, or a heap copy */
	size_t len;
	size_t notes, nnotes;  /* where the warnings are in it, their bytes */
	bool heap;
	uint32_t *offsets;     /* the strings' offsets decoded, or NULL */
	uint32_t borrowed;     /* a bit per section the model points into */
};

static void map_free(struct st_snapshot_map *s)
{
	if (s->heap)
		free(s->base);
	else
		munmap(s->base, s->len);
	free(s->offsets);
	free(s);
}

/* A new model of the checked file l, its arrays borrowed where the layout
 * allows (and copy is false). */
static st_model *build(const layout *l, struct st_snapshot_map *map, bool copy)
{
	st_model *m = st_xcalloc(1, sizeof *m);
	m->snapshot = map;
	for (int i = 0; i < S_COUNT; i++) {
		const section *s = &sections[i];
		const unsigned char *p = l->p + l->off[i];
		uint64_t count = l->count[i];
		if (i == S_SCALARS || (s->ptr == NONE))
			continue;
		set_u32(m, s->len, (uint32_t)count);
		set_u32(m, s->cap, (uint32_t)count);
		if (!count)
			continue;
		if (!copy && native(s)) {
			set_ptr(m, s->ptr, p);
			map->borrowed |= 1u << i;
			continue;
		}
		size_t bytes = (size_t)count * s->mem;
		unsigned char *q = s->big ? st_big_realloc(NULL, 0, bytes) : st_xmalloc(bytes);
		memset(q, 0, bytes);
		for (uint64_t r = 0; r < count; r++)
			for (unsigned k = 0; k < s->nf; k++)
				put_mem(q + r * s->mem + s->f[k].mem, s->f[k].size,
				        get_le(p + r * s->rec + s->f[k].disk, s->f[k].size));
		set_ptr(m, s->ptr, q);
	}
	const unsigned char *sc = l->p + l->off[S_SCALARS];
	for (unsigned k = 0; k < N(scalar_f); k++)
		put_mem((unsigned char *)m + scalar_f[k].mem, scalar_f[k].size,
		        get_le(sc + scalar_f[k].disk, scalar_f[k].size));
	const uint32_t *off = (const uint32_t *)(const void *)(l->p + l->off[S_OFFSETS]);
	if (copy || !native(&sections[S_OFFSETS])) {
		map->offsets = st_xreallocarray(NULL, (size_t)l->nstr + 1, 4);
		for (uint32_t i = 0; i <= l->nstr; i++)
			map->offsets[i] = le32(l->p + l->off[S_OFFSETS] + 4 * (size_t)i);
		off = map->offsets;
	}
	m->strs = st_strtab_frozen((const char *)l->p + l->off[S_ARENA],
	                           (size_t)l->count[S_ARENA], off, l->nstr);
	/* not written: the builder makes both codegen trees split, always */
	m->codegen.split = m->pivot.split = true;
	return m;
}

/* Checks the file behind map and moves the model it holds into m. */
static int open_map(st_model *m, struct st_snapshot_map *map, bool copy,
                    const msg *e)
{
	layout l = { .p = map->base, .len = map->len };
	if (check_all(e, &l)) {
		map_free(map);
		return 1;
	}
	map->notes = (size_t)l.off[S_NOTES];
	map->nnotes = (size_t)l.count[S_NOTES];
	st_model *s = build(&l, map, copy);
	st_model old = *m;   /* m's own contents go, s's come */
	*m = *s;
	*s = old;
	st_model_free(s);
	return 0;
}

int st_snapshot_open_mem(st_model *m, const unsigned char *data, size_t len,
                         bool copy, const char *name, char *err, size_t errlen)
{
	msg e = { name, err, errlen };
	struct st_snapshot_map *map = st_xcalloc(1, sizeof *map);
	/* the heap copy is aligned for the records, whatever data's alignment */
	map->base = st_xmalloc(len);
	memcpy(map->base, data, len);
	map->len = len;
	map->heap = true;
	return open_map(m, map, copy, &e);
}

int st_snapshot_open(st_model *m, const char *path, char *err, size_t errlen)
{
	msg e = { path, err, errlen };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	/* the header first: a large file of another kind is not read */
	unsigned char head[HEADER] = { 0 };
	ssize_t n = pread(fd, head, sizeof head, 0);
	int rc;
	if (n < 0)
		rc = bad(&e, 0, "%s", strerror(errno));
	else if (n < HEADER && (uint64_t)n < (uint64_t)st.st_size)   /* shrank */
		rc = bad(&e, (uint64_t)n, "snapshot cut short");
	else
		rc = check_header(&e, head, (uint64_t)st.st_size);
	void *p = MAP_FAILED;
	if (rc == 0) {
		/* every page is read for the checksum: fault them in in one go */
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		         fd, 0);
		if (p == MAP_FAILED)
			rc = bad(&e, 0, "%s", strerror(errno));
	}
	close(fd);
	if (rc)
		return rc;
	struct st_snapshot_map *map = st_xcalloc(1, sizeof *map);
	map->base = p;
	map->len = (size_t)st.st_size;
	return open_map(m, map, false, &e);
}

bool st_snapshot_sniff(const unsigned char *data, size_t len)
{
	return len >= ST_SNAPSHOT_MAGIC_LEN &&
	       memcmp(data, ST_SNAPSHOT_MAGIC, ST_SNAPSHOT_MAGIC_LEN) == 0;
}

/* Whether path is a regular file that starts like a snapshot. */
static bool is_snapshot(const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < ST_SNAPSHOT_MAGIC_LEN)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	unsigned char head[ST_SNAPSHOT_MAGIC_LEN];
	bool r = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
	         st_snapshot_sniff(head, sizeof head);
	close(fd);
	return r;
}

int st_snapshot_load_paths(st_model *m, char *const *paths, int npaths,
                           const st_load_opts *opts, char *err, size_t errlen)
{
	bool hooked = opts && opts->hook;
	int at = -1;
	for (int i = 0; i < npaths && at < 0; i++)
		if (is_snapshot(paths[i]))
			at = i;
	if (at < 0)
		return -1;
	int rc;
	if (npaths > 1) {
		snprintf(err, errlen, "%s: a snapshot is opened on its own (it cannot "
		         "be merged with other paths)", paths[at]);
		rc = 1;
	} else if (hooked) {
		snprintf(err, errlen, "%s: a snapshot keeps no events to match; "
		         "--match needs the profiles", paths[at]);
		rc = 1;
	} else {
		rc = st_snapshot_open(m, paths[at], err, errlen);
	}
	if (rc) {
		sanitize(err, errlen);
		return rc;
	}
	/* what loading the profiles said, as if they were loaded again */
	const struct st_snapshot_map *map = m->snapshot;
	for (size_t i = 0; opts && opts->warn && i < map->nnotes;) {
		const char *note = (const char *)map->base + map->notes + i;
		opts->warn(opts->warn_ctx, note);
		i += strlen(note) + 1;
	}
	return 0;
}

/* ---- thawing and releasing ----------------------------------------------- */

void st_model_thaw(st_model *m)
{
	struct st_snapshot_map *map = m->snapshot;
	if (!map)
		return;
	st_strtab_thaw(m->strs);
	for (int i = 0; i < S_COUNT; i++) {
		if (!(map->borrowed & (1u << i)))
			continue;
		const section *s = &sections[i];
		size_t bytes = (size_t)get_u32(m, s->len) * s->mem;
		void *q = s->big ? st_big_realloc(NULL, 0, bytes) : st_xmalloc(bytes);
		memcpy(q, get_ptr(m, s->ptr), bytes);
		set_ptr(m, s->ptr, q);
	}
	m->snapshot = NULL;
	map_free(map);
}

void st_snapshot_release(st_model *m)
{
	struct st_snapshot_map *map = m->snapshot;
	if (!map)
		return;
	for (int i = 0; i < S_COUNT; i++) {
		if (!(map->borrowed & (1u << i)))
			continue;
		set_ptr(m, sections[i].ptr, NULL);
		set_u32(m, sections[i].len, 0);
		set_u32(m, sections[i].cap, 0);
	}
	m->snapshot = NULL;
	map_free(map);
}
