/* mmprof-internal.h: what the parts of the .mm_profdata decoder share
 * (mmprof-pages.c, mmprof-strings.c, mmprof-meta.c, mmprof.c): the decoder's
 * state, the page and stream layout, and the few functions one part calls in
 * another.  Private to those files; the public contract is
 * include/stalactite/mmprof.h. */
#ifndef ST_MMPROF_INTERNAL_H
#define ST_MMPROF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "stalactite/idmap.h"
#include "stalactite/mmprof.h"
#include "stalactite/strtab.h"
#include "stalactite/xalloc.h"

#define ID_METADATA 100000001ull
#define ID_INVALID 100000002ull
#define ID_FIRST_CONCRETE 100000003ull
#define MAX_DEPTH 256
#define MAX_EXPANSION (1u << 20)      /* bytes of one expanded string */
#define MAX_REFS (1u << 20)           /* references followed for one string */
#define PROGRESS_STEP (1u << 20)
#define DROP_BATCH (8u << 20)         /* bytes released per madvise */
#define ARG_CHUNK 65536               /* uint32_t per args chunk */
#define MAX_ARGS 4096                 /* arguments kept per event */
#define IDX_FAR (UINT32_MAX - 1)      /* index value: see p->far */
#define MAX_SIMPLE 64                 /* parts of a simple event id */
#define PART_INVALID (UINT32_MAX - 1)
#define PART_COMPLEX (UINT32_MAX - 2)

enum { TAG_EVENTS, TAG_STRINGS, TAG_INDEX, NTAGS };

typedef struct page {
	uint64_t file_off;    /* first payload byte in the file */
	uint64_t stream_off;  /* its offset in the stream */
	uint64_t hdr_off;     /* page header in the file */
	uint32_t len;
} page;

typedef struct stream {
	page *pages;
	size_t n, cap;
	uint64_t total;
} stream;

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

typedef struct evname {   /* one decoded event id: label and arguments */
	uint32_t label, nargs;
	const uint32_t *args;
	const char *key;      /* a query key as text (not cached), or NULL */
	size_t keylen;
} evname;

typedef struct tuple tuple;

typedef struct arg_chunk {
	struct arg_chunk *next;
	uint32_t used;
	uint32_t ids[ARG_CHUNK];
} arg_chunk;

struct st_mmprof {
	const unsigned char *data;
	size_t len;
	st_strtab *strs;
	st_mmprof_info info;
	stream st[NTAGS];
	unsigned idw, recsz, idxsz;     /* id width, record and index entry size */
	uint64_t nidx;                  /* index entries */
	st_idmap index;                 /* string id -> address, or IDX_FAR */
	uint32_t *dense;                /* the same for virtual ids < ndense */
	uint64_t ndense;
	st_idmap far;                   /* string id -> entry with a bad address */
	st_idmap parts;                 /* string address -> part (part_at) */
	st_idmap complex;               /* string address -> evname number */
	st_idmap tuples;                /* hash of args -> tuple_v number */
	tuple *tuple_v;
	size_t ntuples, captuples;
	uint64_t expanded;              /* bytes expanded in all */
	const uint32_t **single;        /* strtab id -> its one-argument tuple */
	size_t nsingle;
	uint64_t last_kind_id;          /* memo of event_kind */
	uint32_t last_kind;
	st_idmap kinds;                 /* kind string id -> strtab id */
	evname *names;
	size_t nnames, capnames;
	arg_chunk *chunks;
	uint32_t argtmp[MAX_ARGS];
	buf text, clean;                /* expansion and UTF-8 repair scratch */
	buf key;                        /* the current event's query key */
	uint32_t query_kinds[6];        /* kinds whose argument is a query key */
	uint32_t refs;                  /* references followed for one string */
	uint64_t top;                   /* culprit of the string being expanded */
	uint64_t cut_off;               /* page cut by the end of the file */
	bool cut;
	uint32_t unknown, parse_error;  /* strtab ids */
	char *cmd;
	char warning[160];
	bool mapped, populate;
	bool twin;                      /* st_mmprof_open_twin: the layout is shared */
	/* the sweep (mmprof-sweep.c): a query invocation's label by virtual
	 * id, as its address (0: not swept, 1: "<unknown>"); vl may be shared
	 * by the decoders of one file */
	bool sweep, vl_owned;
	uint32_t *vl;
	uint64_t *targets;              /* address << 32 | id, by address */
	size_t ntargets;
	st_mmprof_sink sink;            /* instead of the builder, when set */
	void *sink_ctx;
	char *err;
	size_t errlen;
};
/* Sets the error "offset OFF: ..." and returns false. */
bool mm_fail(st_mmprof *p, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline uint32_t rd32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t rd64(const unsigned char *b)
{
	return (uint64_t)rd32(b) | (uint64_t)rd32(b + 4) << 32;
}

static inline uint64_t rd_id(const st_mmprof *p, const unsigned char *b)
{
	return p->idw == 8 ? rd64(b) : rd32(b);
}

static inline void buf_add(buf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		b->p = st_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* ---- streams (small and hot: inline) ------------------------------------ */

/* Index of the page holding stream offset off (off < s->total). */
static inline size_t stream_page(const stream *s, uint64_t off)
{
	size_t lo = 0, hi = s->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->pages[mid].stream_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static inline uint64_t stream_file_off(const stream *s, uint64_t off)
{
	if (s->n == 0)
		return 0;
	if (off >= s->total) {
		const page *last = &s->pages[s->n - 1];
		return last->file_off + last->len;
	}
	const page *pg = &s->pages[stream_page(s, off)];
	return pg->file_off + (off - pg->stream_off);
}

/* Copies n bytes at stream offset off (the caller checked the range). */
static inline void stream_copy(const st_mmprof *p, const stream *s, uint64_t off,
                        unsigned char *out, size_t n)
{
	size_t i = stream_page(s, off);
	while (n > 0) {
		const page *pg = &s->pages[i++];
		size_t at = (size_t)(off - pg->stream_off);
		size_t k = pg->len - at < n ? pg->len - at : n;
		memcpy(out, p->data + pg->file_off + at, k);
		out += k;
		off += k;
		n -= k;
	}
}

/* ---- strings (mmprof-strings.c) ----------------------------------------- */

/* Length of the literal run at s[0..n): up to the first 0xFE or 0xFF.
 * Neither byte occurs in UTF-8, so two memchr calls (vectorised in libc)
 * find it faster than a byte loop over long query keys. */
static inline size_t literal_len(const unsigned char *s, size_t n)
{
	const unsigned char *ff = memchr(s, 0xFF, n);
	size_t end = ff ? (size_t)(ff - s) : n;
	const unsigned char *fe = memchr(s, 0xFE, end);
	return fe ? (size_t)(fe - s) : end;
}

static inline bool plain_ascii(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == 0 || s[i] >= 0x80)
			return false;
	return true;
}

/* Address of a virtual or metadata id from the index; false when it has
 * none.  *at becomes the index entry's file offset for a bad address. */
bool mm_index_find(const st_mmprof *p, uint64_t id, uint64_t *addr,
                   uint64_t *at);
/* Expands string id into p->text (cleared first). */
bool mm_resolve(st_mmprof *p, uint64_t id, uint64_t culprit);
/* Expands the entry at a string address into p->text (cleared first). */
bool mm_resolve_addr(st_mmprof *p, uint64_t addr, uint64_t culprit);
/* Copies s[0..n) into c with invalid UTF-8 bytes and NULs replaced by U+FFFD. */
void mm_clean_utf8(const unsigned char *s, size_t n, buf *c);
/* Interns str[0..n) in p->strs, invalid UTF-8 repaired. */
uint32_t mm_intern_clean(st_mmprof *p, const char *str, size_t n);

/* When the entry at addr is exactly "FE id (1E FE id)* FF" inside one page
 * (how rustc writes label + arguments), stores the ids and the file offsets
 * of their FE bytes and returns how many; else 0.  Reads only. */
size_t mm_simple_refs(const st_mmprof *p, uint64_t addr, uint64_t *ids,
                      uint64_t *offs);

/* ---- metadata (mmprof-meta.c) ------------------------------------------- */

/* Reads the metadata string (command line, start time) into p->info. */
bool mm_read_metadata(st_mmprof *p);

#endif
