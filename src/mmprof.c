/* mmprof.c: decoder for measureme .mm_profdata files (versions 8 and 9).
 *
 * Layout (see docs/mm_profdata.md): "MMPD" u32 version, then pages
 * (u8 tag, u32 length, payload).  The payloads of each tag, concatenated,
 * form three streams: events, string data, string index.  Streams are never
 * copied: a stream is a list of pages, and stream offsets are mapped to the
 * buffer by binary search.  Only an event record or a string reference that
 * straddles two pages is copied, into a few bytes on the stack. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cjson/cJSON.h>
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
	bool mapped;
	char *err;
	size_t errlen;
};

static bool fail(st_mmprof *p, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(st_mmprof *p, uint64_t off, const char *fmt, ...)
{
	int n = snprintf(p->err, p->errlen, "offset %llu: ",
	                 (unsigned long long)off);
	if (n < 0 || (size_t)n >= p->errlen)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}


static uint32_t rd32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t rd64(const unsigned char *b)
{
	return (uint64_t)rd32(b) | (uint64_t)rd32(b + 4) << 32;
}

static uint64_t rd_id(const st_mmprof *p, const unsigned char *b)
{
	return p->idw == 8 ? rd64(b) : rd32(b);
}

static void buf_add(buf *b, const void *s, size_t n)
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

/* ---- streams ------------------------------------------------------------ */

static void stream_add(stream *s, uint64_t hdr_off, uint32_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->pages = st_xrealloc(s->pages, s->cap * sizeof *s->pages);
	}
	s->pages[s->n++] = (page){ .file_off = hdr_off + 5, .hdr_off = hdr_off,
	                           .stream_off = s->total, .len = len };
	s->total += len;
}

/* Index of the page holding stream offset off (off < s->total). */
static size_t stream_page(const stream *s, uint64_t off)
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

static uint64_t stream_file_off(const stream *s, uint64_t off)
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
static void stream_copy(const st_mmprof *p, const stream *s, uint64_t off,
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

/* ---- pages and headers -------------------------------------------------- */

static void set_incomplete(st_mmprof *p, uint64_t off, const char *what)
{
	if (!p->warning[0])
		snprintf(p->warning, sizeof p->warning,
		         "offset %llu: file is incomplete at its end (%s); "
		         "using what is readable", (unsigned long long)off, what);
}

static bool scan_pages(st_mmprof *p)
{
	uint64_t off = 8;
	int tail[3], ntail = 0;   /* tags after the last events page */
	while (off < p->len) {
		if (p->len - off < 5) {
			p->cut = true, p->cut_off = off;
			set_incomplete(p, off, "page header cut");
			break;
		}
		unsigned tag = p->data[off];
		uint32_t len = rd32(p->data + off + 1);
		if (tag >= NTAGS)
			return fail(p, off, "unknown page tag %u", tag);
		if (len == 0)
			return fail(p, off, "zero-length page");
		if (len > p->len - off - 5) {
			p->cut = true, p->cut_off = off;
			set_incomplete(p, off, "last page cut");
			break;
		}
		stream_add(&p->st[tag], off, len);
		if (tag == TAG_EVENTS)
			ntail = 0;
		else if (ntail < 3)
			tail[ntail++] = (int)tag;
		else
			ntail = 3;
		off += 5 + (uint64_t)len;
	}
	bool tail_ok = ntail == 0 ||
	               (ntail == 1 && (tail[0] == TAG_STRINGS || tail[0] == TAG_INDEX)) ||
	               (ntail == 2 && tail[0] == TAG_STRINGS && tail[1] == TAG_INDEX);
	if (!tail_ok)
		set_incomplete(p, p->len, "unexpected pages after the last events page");
	return true;
}

static bool check_stream(st_mmprof *p, int tag)
{
	static const char *const names[NTAGS] = { "events", "string data",
	                                           "string index" };
	static const char magic[NTAGS][5] = { "MMES", "MMSD", "MMSI" };
	const stream *s = &p->st[tag];
	if (s->n == 0 && p->cut)
		return fail(p, p->cut_off, "no %s stream (file is incomplete at its "
		            "end)", names[tag]);
	if (s->n == 0)
		return fail(p, p->len, "no %s stream", names[tag]);
	uint64_t at = s->pages[0].file_off;
	if (s->total < 8)
		return fail(p, at, "%s stream too short for its header", names[tag]);
	unsigned char h[8];
	stream_copy(p, s, 0, h, 8);
	if (memcmp(h, magic[tag], 4) != 0)
		return fail(p, at, "bad %s stream magic 0x%08x (expected %s)",
		            names[tag], (unsigned)rd32(h), magic[tag]);
	if (rd32(h + 4) != p->info.version)
		return fail(p, at + 4, "%s stream version %u differs from file version %u",
		            names[tag], (unsigned)rd32(h + 4), (unsigned)p->info.version);
	return true;
}

/* Body length must be a whole number of records; in an incomplete file a
 * partial record at the end is dropped instead. */
static bool check_records(st_mmprof *p, int tag, unsigned size, const char *what)
{
	stream *s = &p->st[tag];
	uint64_t extra = (s->total - 8) % size;
	if (extra == 0)
		return true;
	if (p->warning[0]) {
		s->total -= extra;
		return true;
	}
	return fail(p, stream_file_off(s, s->total - extra),
	            "%s stream ends with a partial %s (%llu of %u bytes)",
	            tag == TAG_EVENTS ? "events" : "string index", what,
	            (unsigned long long)extra, size);
}

static void build_index(st_mmprof *p)
{
	const stream *s = &p->st[TAG_INDEX];
	p->nidx = (s->total - 8) / p->idxsz;
	unsigned char e[16];
	uint64_t strings = p->st[TAG_STRINGS].total;
	/* rustc's virtual ids are dep-node indices, dense from 0: when they fit
	 * a small array, lookups skip the hash map */
	uint64_t top = 0;
	for (uint64_t k = 0; k < p->nidx && k < IDX_FAR; k++) {
		stream_copy(p, s, 8 + k * p->idxsz, e, p->idxsz);
		uint64_t id = rd_id(p, e);
		if (id < ID_METADATA && id + 1 > top)
			top = id + 1;
	}
	if (top && top <= 4 * p->nidx + 65536) {
		p->ndense = top;
		p->dense = st_xmalloc(top * sizeof *p->dense);
		memset(p->dense, 0xff, top * sizeof *p->dense);   /* ST_IDMAP_NONE */
	}
	for (uint64_t k = 0; k < p->nidx && k < IDX_FAR; k++) {
		stream_copy(p, s, 8 + k * p->idxsz, e, p->idxsz);
		uint64_t id = rd_id(p, e), addr = rd_id(p, e + p->idw);
		uint32_t v = IDX_FAR;
		if (addr >= 8 && addr < strings && addr < IDX_FAR)
			v = (uint32_t)addr;
		else   /* kept for the error message, with its offset */
			st_idmap_put(&p->far, id, (uint32_t)k);
		if (id < p->ndense)
			p->dense[id] = v;
		else
			st_idmap_put(&p->index, id, v);
	}
}

/* ---- strings ------------------------------------------------------------ */

static bool expand_id(st_mmprof *p, uint64_t id, uint64_t culprit, int depth);

/* Address of index entry k; its file offset in *at. */
static uint64_t index_addr(const st_mmprof *p, uint32_t k, uint64_t *at)
{
	unsigned char e[16];
	uint64_t off = 8 + (uint64_t)k * p->idxsz;
	stream_copy(p, &p->st[TAG_INDEX], off, e, p->idxsz);
	*at = stream_file_off(&p->st[TAG_INDEX], off);
	return rd_id(p, e + p->idw);
}

/* Address of a virtual or metadata id from the index; false when it has
 * none.  *at becomes the index entry's file offset for a bad address. */
static bool index_find(const st_mmprof *p, uint64_t id, uint64_t *addr,
                       uint64_t *at)
{
	uint32_t v = id < p->ndense ? p->dense[id]
	             : id == ID_INVALID ? ST_IDMAP_NONE : st_idmap_get(&p->index, id);
	if (v == ST_IDMAP_NONE)
		return false;
	*addr = v;
	if (v == IDX_FAR)
		*addr = index_addr(p, st_idmap_get(&p->far, id), at);
	return true;
}

static bool add_text(st_mmprof *p, const void *s, size_t n)
{
	if (p->text.len + n > MAX_EXPANSION)
		return fail(p, p->top, "string expands beyond %u bytes", MAX_EXPANSION);
	p->expanded += n;
	if (p->expanded > 4 * (uint64_t)p->len + MAX_EXPANSION * 64ull)
		return fail(p, p->top, "strings expand beyond %llu bytes in all",
		            (unsigned long long)(4 * (uint64_t)p->len +
		                                 MAX_EXPANSION * 64ull));
	buf_add(&p->text, s, n);
	return true;
}

/* Length of the literal run at s[0..n): up to the first 0xFE or 0xFF.
 * Neither byte occurs in UTF-8, so two memchr calls (vectorised in libc)
 * find it faster than a byte loop over long query keys. */
static size_t literal_len(const unsigned char *s, size_t n)
{
	const unsigned char *ff = memchr(s, 0xFF, n);
	size_t end = ff ? (size_t)(ff - s) : n;
	const unsigned char *fe = memchr(s, 0xFE, end);
	return fe ? (size_t)(fe - s) : end;
}

static bool expand_ref(st_mmprof *p, const stream *s, uint64_t *addr,
                       int depth)
{
	uint64_t at = stream_file_off(s, *addr);
	unsigned char id[8];
	if (s->total - *addr - 1 < p->idw)
		return fail(p, at, "string reference cut by the end of the string data");
	stream_copy(p, s, *addr + 1, id, p->idw);
	*addr += 1 + p->idw;
	if (++p->refs > MAX_REFS)
		return fail(p, p->top, "string expands through more than %u references",
		            MAX_REFS);
	return expand_id(p, rd_id(p, id), at, depth + 1);
}

/* Appends the entry at stream address addr to p->text. */
static bool expand_addr(st_mmprof *p, uint64_t addr, uint64_t culprit,
                        int depth)
{
	const stream *s = &p->st[TAG_STRINGS];
	if (addr < 8 || addr >= s->total)
		return fail(p, culprit, "string address %llu outside the string data "
		            "(8..%llu)", (unsigned long long)addr,
		            (unsigned long long)s->total);
	uint64_t start = addr;
	size_t i = stream_page(s, addr);
	while (addr < s->total) {
		while (s->pages[i].stream_off + s->pages[i].len <= addr)
			i++;
		const page *pg = &s->pages[i];
		size_t at = (size_t)(addr - pg->stream_off);
		const unsigned char *b = p->data + pg->file_off + at;
		size_t n = literal_len(b, pg->len - at);
		if (n > 0) {
			if (!add_text(p, b, n))
				return false;
			addr += n;
		} else if (b[0] == 0xFF) {
			return true;
		} else if (!expand_ref(p, s, &addr, depth)) {
			return false;
		}
	}
	return fail(p, stream_file_off(s, start),
	            "string at address %llu has no terminator",
	            (unsigned long long)start);
}

static bool expand_id(st_mmprof *p, uint64_t id, uint64_t culprit, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(p, culprit, "string references nest deeper than %d "
		            "(a cycle?)", MAX_DEPTH);
	if (id >= ID_FIRST_CONCRETE)
		return expand_addr(p, id - ID_FIRST_CONCRETE, culprit, depth);
	uint64_t addr, at = culprit;
	if (!index_find(p, id, &addr, &at))
		return add_text(p, "<unknown>", 9);
	return expand_addr(p, addr, at, depth);
}

/* Expands string id into p->text (cleared first). */
static bool resolve(st_mmprof *p, uint64_t id, uint64_t culprit)
{
	p->text.len = 0;
	p->refs = 0;
	p->top = culprit;
	return expand_id(p, id, culprit, 0);
}

/* Expands the entry at a string address into p->text (cleared first). */
static bool resolve_addr(st_mmprof *p, uint64_t addr, uint64_t culprit)
{
	p->text.len = 0;
	p->refs = 0;
	p->top = culprit;
	return expand_addr(p, addr, culprit, 0);
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

static bool plain_ascii(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == 0 || s[i] >= 0x80)
			return false;
	return true;
}

/* Copies s[0..n) into c with invalid UTF-8 bytes and NULs replaced by U+FFFD. */
static void clean_utf8(const unsigned char *s, size_t n, buf *c)
{
	c->len = 0;
	for (size_t i = 0; i < n;) {
		size_t k = s[i] >= 0x80 ? utf8_seq(s + i, n - i) : (s[i] != 0);
		if (k == 0) {
			buf_add(c, "\xEF\xBF\xBD", 3);
			i++;
		} else {
			buf_add(c, s + i, k);
			i += k;
		}
	}
}

static uint32_t intern_clean(st_mmprof *p, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (plain_ascii(s, n))
		return st_intern(p->strs, str, n);
	clean_utf8(s, n, &p->clean);
	return st_intern(p->strs, p->clean.p, p->clean.len);
}

/* ---- event names -------------------------------------------------------- */

/* decodeme's rule: non-empty, no ASCII control other than whitespace. */
static bool valid_part(const unsigned char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if ((c < 0x20 || c == 0x7F) && c != '\t' && c != '\n' &&
		    c != '\f' && c != '\r')
			return false;
	}
	return true;
}

struct tuple {
	const uint32_t *ids;
	uint32_t n;
};

static uint64_t hash_ids(const uint32_t *ids, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ n;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ ids[i]) * 0x100000001b3ull;
	return h;
}

static uint32_t *chunk_alloc(st_mmprof *p, uint32_t n)
{
	arg_chunk *c = p->chunks;
	if (!c || c->used + n > ARG_CHUNK) {
		c = st_xmalloc(sizeof *c);
		c->used = 0;
		c->next = p->chunks;
		p->chunks = c;
	}
	c->used += n;
	return c->ids + c->used - n;
}

/* One argument: a dense array by strtab id instead of a hash lookup. */
static const uint32_t *store_single(st_mmprof *p, uint32_t sid)
{
	if (sid >= p->nsingle) {
		size_t n = p->nsingle ? p->nsingle : 1024;
		while (n <= sid)
			n *= 2;
		p->single = st_xrealloc(p->single, n * sizeof *p->single);
		memset(p->single + p->nsingle, 0, (n - p->nsingle) * sizeof *p->single);
		p->nsingle = n;
	}
	if (!p->single[sid]) {
		uint32_t *dst = chunk_alloc(p, 1);
		*dst = sid;
		p->single[sid] = dst;
	}
	return p->single[sid];
}

/* A stable copy of ids[0..n), shared by every event with the same args. */
static const uint32_t *store_args(st_mmprof *p, const uint32_t *ids,
                                  uint32_t n)
{
	if (n == 0)
		return NULL;
	if (n == 1)
		return store_single(p, ids[0]);
	uint64_t h = hash_ids(ids, n);
	uint32_t k = st_idmap_get(&p->tuples, h);
	if (k != ST_IDMAP_NONE && p->tuple_v[k].n == n &&
	    memcmp(p->tuple_v[k].ids, ids, n * sizeof *ids) == 0)
		return p->tuple_v[k].ids;
	uint32_t *dst = chunk_alloc(p, n);
	memcpy(dst, ids, n * sizeof *ids);
	if (k != ST_IDMAP_NONE)
		return dst;   /* hash collision: keep the first in the map */
	if (p->ntuples == p->captuples) {
		p->captuples = p->captuples ? p->captuples * 2 : 1024;
		p->tuple_v = st_xrealloc(p->tuple_v, p->captuples * sizeof *p->tuple_v);
	}
	p->tuple_v[p->ntuples] = (tuple){ dst, n };
	st_idmap_put(&p->tuples, h, (uint32_t)p->ntuples++);
	return dst;
}

/* Splits p->text on 0x1E into label and arguments and interns them. */
static uint32_t add_name(st_mmprof *p)
{
	const unsigned char *s = (const unsigned char *)p->text.p;
	size_t n = p->text.len, i = 0;
	evname e = { .label = p->parse_error };
	uint32_t nargs = 0;
	for (size_t part = 0; i <= n; part++) {
		const unsigned char *sep = n > i ? memchr(s + i, 0x1E, n - i) : NULL;
		size_t end = sep ? (size_t)(sep - s) : n;
		if (!valid_part(s + i, end - i))
			break;
		uint32_t sid = intern_clean(p, (const char *)s + i, end - i);
		if (part == 0)
			e.label = sid;
		else if (nargs < MAX_ARGS)
			p->argtmp[nargs++] = sid;
		i = end + 1;
	}
	e.args = store_args(p, p->argtmp, nargs);
	e.nargs = nargs;
	if (p->nnames == p->capnames) {
		p->capnames = p->capnames ? p->capnames * 2 : 1024;
		p->names = st_xrealloc(p->names, p->capnames * sizeof *p->names);
	}
	p->names[p->nnames] = e;
	return (uint32_t)p->nnames++;
}

/* Address an id resolves to, or UINT64_MAX for "<unknown>"; *at as in
 * index_find. */
static uint64_t id_addr(const st_mmprof *p, uint64_t id, uint64_t *at)
{
	if (id >= ID_FIRST_CONCRETE)
		return id - ID_FIRST_CONCRETE;
	uint64_t addr;
	return index_find(p, id, &addr, at) ? addr : UINT64_MAX;
}

/* The string at addr as one part of an event id, cached by address: its
 * strtab id, PART_INVALID (decodeme rejects it) or PART_COMPLEX (it
 * contains 0x1E itself).  addr UINT64_MAX is "<unknown>". */
static bool part_at(st_mmprof *p, uint64_t addr, uint64_t culprit,
                    uint32_t *out)
{
	if (addr == UINT64_MAX) {
		*out = p->unknown;
		return true;
	}
	uint32_t v = st_idmap_get(&p->parts, addr);
	if (v == ST_IDMAP_NONE) {
		if (!resolve_addr(p, addr, culprit))
			return false;
		const unsigned char *s = (const unsigned char *)p->text.p;
		if (memchr(s, 0x1E, p->text.len))
			v = PART_COMPLEX;
		else if (!valid_part(s, p->text.len))
			v = PART_INVALID;
		else
			v = intern_clean(p, p->text.p, p->text.len);
		st_idmap_put(&p->parts, addr, v);
	}
	*out = v;
	return true;
}

/* When the entry at addr is exactly "FE id (1E FE id)* FF" inside one page
 * (how rustc writes label + arguments), stores the ids and the file offsets
 * of their FE bytes and returns how many; else 0. */
static size_t simple_refs(const st_mmprof *p, uint64_t addr, uint64_t *ids,
                          uint64_t *offs)
{
	const stream *s = &p->st[TAG_STRINGS];
	if (addr < 8 || addr >= s->total)
		return 0;
	const page *pg = &s->pages[stream_page(s, addr)];
	size_t at = (size_t)(addr - pg->stream_off);
	const unsigned char *b = p->data + pg->file_off;
	size_t n = 0, w = p->idw;
	for (;;) {
		if (n == MAX_SIMPLE || pg->len - at < w + 2 || b[at] != 0xFE)
			return 0;
		offs[n] = pg->file_off + at;
		ids[n++] = rd_id(p, b + at + 1);
		at += 1 + w;
		if (b[at] == 0xFF)
			return n;
		if (b[at] != 0x1E)
			return 0;
		at++;
	}
}

/* A query key as text in p->key, valid until the next event: keys are
 * unique per query invocation, so interning them would keep every one for
 * nothing.  False on a malformed string. */
/* The common case for a key: its entry is literal text ended by 0xFF inside
 * one page, so it can be read in place instead of expanded into a copy. */
static bool literal_in_page(const st_mmprof *p, uint64_t addr,
                            const unsigned char **text, size_t *len)
{
	const stream *s = &p->st[TAG_STRINGS];
	if (addr < 8 || addr >= s->total)
		return false;
	const page *pg = &s->pages[stream_page(s, addr)];
	size_t at = (size_t)(addr - pg->stream_off);
	const unsigned char *b = p->data + pg->file_off + at;
	size_t n = literal_len(b, pg->len - at);
	if (n >= pg->len - at || b[n] != 0xFF)
		return false;
	*text = b;
	*len = n;
	return true;
}

/* One pass over a key: -1 when decodeme would reject it (empty, or an ASCII
 * control other than whitespace, 0x1E included), 0 plain ASCII, 1 else. */
static int key_class(const unsigned char *s, size_t n)
{
	int non_ascii = 0;
	size_t i = 0;
	if (n == 0)
		return -1;
	/* eight bytes at a time while all are printable ASCII (0x20..0x7E) */
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t ctl = (w - 0x20 * ones) & ~w;          /* bytes < 0x20 */
		uint64_t del = ((w ^ 0x7F * ones) - ones) & ~(w ^ 0x7F * ones);
		if ((w | ctl | del) & highs)
			break;
	}
	for (; i < n; i++) {
		unsigned c = s[i];
		if ((c < 0x20 || c == 0x7F) && c != '\t' && c != '\n' && c != '\f' && c != '\r')
			return -1;
		non_ascii |= c >= 0x80;
	}
	return non_ascii;
}

static bool key_text(st_mmprof *p, uint64_t addr, uint64_t culprit, evname *e)
{
	const unsigned char *lit;
	size_t n;
	if (addr != UINT64_MAX && literal_in_page(p, addr, &lit, &n)) {
		int k = key_class(lit, n);
		if (k == 0) {
			e->key = (const char *)lit;   /* in place: valid while mapped */
			e->keylen = n;
		} else if (k == 1) {
			clean_utf8(lit, n, &p->clean);
			e->key = p->clean.p;
			e->keylen = p->clean.len;
		}
		return true;
	}
	p->key.len = 0;
	if (addr == UINT64_MAX) {
		buf_add(&p->key, "<unknown>", 9);
	} else {
		if (!resolve_addr(p, addr, culprit))
			return false;
		const unsigned char *s = (const unsigned char *)p->text.p;
		if (!valid_part(s, p->text.len) || memchr(s, 0x1E, p->text.len))
			return true;   /* decodeme drops an invalid argument */
		if (plain_ascii(s, p->text.len)) {
			buf_add(&p->key, p->text.p, p->text.len);
		} else {
			clean_utf8(s, p->text.len, &p->clean);
			buf_add(&p->key, p->clean.p, p->clean.len);
		}
	}
	e->key = p->key.p;
	e->keylen = p->key.len;
	return true;
}

/* Label and arguments from parts; false with *complex set when a part holds
 * 0x1E itself (then the caller splits the whole expansion).  With
 * query_key, the first argument goes to e->key as text. */
static bool name_from_refs(st_mmprof *p, const uint64_t *ids,
                           const uint64_t *offs, size_t n, evname *e,
                           bool *complex, bool query_key)
{
	uint32_t nargs = 0;
	*e = (evname){ .label = p->parse_error };
	for (size_t i = 0; i < n; i++) {
		uint32_t v;
		uint64_t at = offs[i];
		if (i == 1 && query_key) {
			if (!key_text(p, id_addr(p, ids[i], &at), at, e))
				return false;
			break;
		}
		if (!part_at(p, id_addr(p, ids[i], &at), at, &v))
			return false;
		if (v == PART_COMPLEX) {
			*complex = true;
			return false;
		}
		if (v == PART_INVALID)
			break;
		if (i == 0)
			e->label = v;
		else
			p->argtmp[nargs++] = v;
	}
	e->args = store_args(p, p->argtmp, nargs);
	e->nargs = nargs;
	return true;
}

/* An event id whose own text contains 0x1E: expanded and split once. */
static bool complex_name(st_mmprof *p, uint64_t addr, uint64_t culprit,
                         evname *e)
{
	uint32_t k = st_idmap_get(&p->complex, addr);
	if (k == ST_IDMAP_NONE) {
		if (!resolve_addr(p, addr, culprit))
			return false;
		k = add_name(p);
		st_idmap_put(&p->complex, addr, k);
	}
	*e = p->names[k];
	return true;
}

static bool event_name(st_mmprof *p, uint64_t id, uint64_t culprit,
                       evname *e, bool query_key)
{
	uint64_t at = culprit;
	uint64_t addr = id_addr(p, id, &at);
	uint64_t ids[MAX_SIMPLE], offs[MAX_SIMPLE];
	bool complex = false;
	size_t n = addr == UINT64_MAX ? 0 : simple_refs(p, addr, ids, offs);
	if (n > 0 && name_from_refs(p, ids, offs, n, e, &complex, query_key))
		return true;
	if (n > 0 && !complex)
		return false;
	uint32_t v;
	if (!part_at(p, addr, at, &v))
		return false;
	if (v == PART_COMPLEX)
		return complex_name(p, addr, at, e);
	*e = (evname){ .label = v == PART_INVALID ? p->parse_error : v };
	return true;
}

static bool event_kind(st_mmprof *p, uint64_t id, uint64_t culprit,
                       uint32_t *out)
{
	if (id == p->last_kind_id && p->last_kind != ST_IDMAP_NONE) {
		*out = p->last_kind;
		return true;
	}
	uint32_t k = st_idmap_get(&p->kinds, id);
	if (k == ST_IDMAP_NONE) {
		if (!resolve(p, id, culprit))
			return false;
		k = intern_clean(p, p->text.p, p->text.len);
		st_idmap_put(&p->kinds, id, k);
	}
	*out = k;
	p->last_kind_id = id;
	p->last_kind = k;
	return true;
}

/* ---- metadata ----------------------------------------------------------- */

static void put_utf8(buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x20) {
		char esc[8];
		snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
		buf_add(b, esc, 6);
		return;
	}
	if (cp < 0x80)
		u[0] = (unsigned char)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (unsigned char)(0xC0 | cp >> 6), n = 2;
	else if (cp < 0x10000)
		u[0] = (unsigned char)(0xE0 | cp >> 12), n = 3;
	else
		u[0] = (unsigned char)(0xF0 | cp >> 18), n = 4;
	for (size_t i = 1; i < n; i++)
		u[i] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3F));
	if (cp == '"' || cp == '\\')
		buf_add(b, "\\", 1);
	buf_add(b, u, n);
}

/* Parses "{hex}" at s (after "\u"); returns its length or 0. */
static size_t rust_unicode(const char *s, size_t n, uint32_t *cp)
{
	if (n < 3 || s[0] != '{')
		return 0;
	uint32_t v = 0;
	size_t i = 1;
	for (; i < n && i < 8 && s[i] != '}'; i++) {
		int c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
		        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint32_t)d;
	}
	if (i == 1 || i >= n || s[i] != '}')
		return 0;
	*cp = v;
	return i + 1;
}

/* Rewrites rustc's escape_default escapes that JSON lacks: \' and \u{X}. */
static void repair_json(const char *s, size_t n, buf *out)
{
	out->len = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp;
		size_t k;
		if (s[i] != '\\' || i + 1 >= n) {
			buf_add(out, s + i, 1);
		} else if (s[i + 1] == '\'') {
			buf_add(out, "'", 1);
			i++;
		} else if (s[i + 1] == 'u' &&
		           (k = rust_unicode(s + i + 2, n - i - 2, &cp)) > 0) {
			put_utf8(out, cp);
			i += 1 + k;
		} else {
			buf_add(out, s + i, 2);
			i++;
		}
	}
	buf_add(out, "", 1);
}

/* The digits of top-level key "start_time" in the JSON text, parsed exactly
 * (cJSON's double loses precision for u128 nanoseconds). */
static bool json_start_time(const char *s, uint64_t *out)
{
	int depth = 0;
	bool in_str = false;
	for (const char *q = s; *q; q++) {
		if (in_str) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == '"')
				in_str = false;
			continue;
		}
		if (*q == '{' || *q == '[')
			depth++;
		else if (*q == '}' || *q == ']')
			depth--;
		else if (*q == '"' && depth == 1 && strncmp(q, "\"start_time\"", 12) == 0) {
			q += 12;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (*q++ != ':')
				return false;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (*q < '0' || *q > '9')
				return false;
			uint64_t v = 0;
			for (; *q >= '0' && *q <= '9'; q++) {
				if (v > (UINT64_MAX - 9) / 10)
					return false;
				v = v * 10 + (uint64_t)(*q - '0');
			}
			*out = v;
			return true;
		} else if (*q == '"')
			in_str = true;
	}
	return false;
}

static bool parse_metadata(st_mmprof *p, const char *json, uint64_t at)
{
	cJSON *root = cJSON_Parse(json);
	if (!root || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return fail(p, at, "metadata is not a JSON object");
	}
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(root, "process_id");
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(root, "cmd");
	const char *missing = !cJSON_IsNumber(
		cJSON_GetObjectItemCaseSensitive(root, "start_time")) ? "start_time" :
		!cJSON_IsNumber(pid) ? "process_id" :
		!cJSON_IsString(cmd) ? "cmd" : NULL;
	if (!missing && !json_start_time(json, &p->info.start_time_ns))
		missing = "start_time";
	if (missing) {
		cJSON_Delete(root);
		return fail(p, at, "metadata has no valid \"%s\"", missing);
	}
	double d = pid->valuedouble;
	p->info.pid = d >= 0 && d <= UINT32_MAX ? (uint32_t)d : 0;
	const char *c = cmd->valuestring;
	clean_utf8((const unsigned char *)c, strlen(c), &p->clean);
	p->cmd = st_xmalloc(p->clean.len + 1);
	memcpy(p->cmd, p->clean.p, p->clean.len);
	p->cmd[p->clean.len] = '\0';
	p->info.cmd = p->cmd;
	cJSON_Delete(root);
	return true;
}

static bool read_metadata(st_mmprof *p)
{
	uint64_t addr, at = p->st[TAG_INDEX].pages[0].file_off;
	if (!index_find(p, ID_METADATA, &addr, &at))
		return fail(p, at, "no metadata string (id %llu) in the string index",
		            ID_METADATA);
	if (!resolve(p, ID_METADATA, at))
		return false;
	uint64_t mat = stream_file_off(&p->st[TAG_STRINGS], addr);
	buf fixed = { 0 };
	repair_json(p->text.p, p->text.len, &fixed);
	bool ok = memchr(fixed.p, '\0', fixed.len - 1) == NULL
	          ? parse_metadata(p, fixed.p, mat)
	          : fail(p, mat, "metadata contains a NUL byte");
	free(fixed.p);
	return ok;
}

/* ---- open / close ------------------------------------------------------- */

bool st_mmprof_sniff(const unsigned char *data, size_t len)
{
	return len >= 4 && memcmp(data, "MMPD", 4) == 0;
}

bool st_mmprof_header_ok(const unsigned char *data, size_t len)
{
	return len >= 8 && st_mmprof_sniff(data, len) &&
	       (rd32(data + 4) == 8 || rd32(data + 4) == 9);
}

static bool check_header(st_mmprof *p)
{
	if (p->len < 8)
		return fail(p, 0, "file too short for a profile header (%zu bytes)",
		            p->len);
	if (!st_mmprof_sniff(p->data, p->len))
		return fail(p, 0, "not a measureme profile (no MMPD magic)");
	p->info.version = rd32(p->data + 4);
	if (p->info.version != 8 && p->info.version != 9)
		return fail(p, 4, "unsupported format version %u",
		            (unsigned)p->info.version);
	p->idw = p->info.version == 9 ? 8 : 4;
	p->recsz = p->info.version == 9 ? 32 : 24;
	p->idxsz = 2 * p->idw;
	return true;
}

static bool open_checks(st_mmprof *p)
{
	if (!check_header(p) || !scan_pages(p))
		return false;
	for (int t = 0; t < NTAGS; t++)
		if (!check_stream(p, t))
			return false;
	if (!check_records(p, TAG_EVENTS, p->recsz, "event record") ||
	    !check_records(p, TAG_INDEX, p->idxsz, "index entry"))
		return false;
	p->info.events = (p->st[TAG_EVENTS].total - 8) / p->recsz;
	build_index(p);
	return read_metadata(p);
}

st_mmprof *st_mmprof_open(const unsigned char *data, size_t len,
                          st_strtab *strs, char *err, size_t errlen)
{
	st_mmprof *p = st_xcalloc(1, sizeof *p);
	p->data = data;
	p->len = len;
	p->strs = strs;
	p->err = err;
	p->errlen = errlen;
	p->info.cmd = "";
	p->last_kind = ST_IDMAP_NONE;
	p->text = (buf){ .p = st_xmalloc(256), .cap = 256 };
	p->clean = (buf){ .p = st_xmalloc(256), .cap = 256 };
	if (!open_checks(p)) {
		st_mmprof_close(p);
		return NULL;
	}
	p->info.warning = p->warning[0] ? p->warning : NULL;
	p->unknown = st_intern_cstr(strs, "<unknown>");
	static const char *const qk[6] = {
		"Query", "QueryBlocked", "IncrementalLoadResult",
		"IncrementalResultHashing", "QueryCacheHit", "QueryCacheHitCount",
	};
	for (int i = 0; i < 6; i++)
		p->query_kinds[i] = st_intern_cstr(strs, qk[i]);
	p->parse_error = st_intern_cstr(strs, "<parse error>");
	return p;
}

void st_mmprof_set_mapped(st_mmprof *p, bool mapped)
{
	p->mapped = mapped;
}

const st_mmprof_info *st_mmprof_get_info(const st_mmprof *p)
{
	return &p->info;
}

void st_mmprof_close(st_mmprof *p)
{
	if (!p)
		return;
	for (int t = 0; t < NTAGS; t++)
		free(p->st[t].pages);
	st_idmap_free(&p->index);
	st_idmap_free(&p->far);
	st_idmap_free(&p->parts);
	st_idmap_free(&p->complex);
	st_idmap_free(&p->tuples);
	free(p->tuple_v);
	free(p->single);
	st_idmap_free(&p->kinds);
	free(p->names);
	while (p->chunks) {
		arg_chunk *next = p->chunks->next;
		free(p->chunks);
		p->chunks = next;
	}
	free(p->text.p);
	free(p->clean.p);
	free(p->key.p);
	free(p->dense);
	free(p->cmd);
	free(p);
}

/* ---- events ------------------------------------------------------------- */

typedef struct feed_state {
	st_builder *b;
	st_progress_fn progress;
	void *ctx;
	uint64_t done, next_report;
	size_t pagesz;
	uint64_t drop_lo, drop_hi;   /* pending run of finished events pages */
} feed_state;

static bool feed_record(st_mmprof *p, feed_state *f, const unsigned char *r,
                        uint64_t at)
{
	unsigned w = p->idw;
	uint32_t hi = rd32(r + 2 * w + 12);
	uint64_t v1 = rd32(r + 2 * w + 4) | (uint64_t)(hi & 0xFFFF0000u) << 16;
	uint64_t v2 = rd32(r + 2 * w + 8) | (uint64_t)(hi & 0xFFFFu) << 32;
	st_event e = { .thread = rd32(r + 2 * w) };
	if (v2 == 0xFFFFFFFFFFFEull) {
		e.type = ST_EV_INTEGER;
		e.value = v1;
	} else if (v2 == 0xFFFFFFFFFFFFull) {
		e.type = ST_EV_INSTANT;
		e.start = e.end = v1;
	} else {
		if (v1 > v2)
			return fail(p, at, "interval starts after it ends (%llu > %llu)",
			            (unsigned long long)v1, (unsigned long long)v2);
		e.type = ST_EV_INTERVAL;
		e.start = v1;
		e.end = v2;
	}
	if (!event_kind(p, rd_id(p, r), at, &e.kind))
		return false;
	bool query_key = false;
	for (int i = 0; i < 6; i++)
		query_key |= e.kind == p->query_kinds[i];
	evname n;
	if (!event_name(p, rd_id(p, r + w), at, &n, query_key))
		return false;
	e.label = n.label;
	e.args = n.args;
	e.nargs = n.nargs;
	e.key = n.key;
	e.keylen = n.keylen;
	const char *why = "event cannot be placed";
	if (!st_builder_event(f->b, &e, &why))
		return fail(p, at, "%s", why);
	return true;
}

/* Releases the whole OS pages inside an events page we are done with. */
static void drop_flush(const st_mmprof *p, feed_state *f)
{
	if (f->drop_hi > f->drop_lo) {
		uintptr_t lo = (uintptr_t)(p->data + f->drop_lo);
		uintptr_t hi = (uintptr_t)(p->data + f->drop_hi);
		lo = (lo + f->pagesz - 1) & ~(uintptr_t)(f->pagesz - 1);
		hi &= ~(uintptr_t)(f->pagesz - 1);
		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
	}
	f->drop_lo = f->drop_hi = 0;
}

/* Collects runs of adjacent finished events pages and releases them a few
 * MiB at a time (one madvise per page costs more than the reading). */
static void drop_page(const st_mmprof *p, feed_state *f, const page *pg)
{
	if (!p->mapped || f->pagesz == 0)
		return;
	if (f->drop_hi == 0 || pg->file_off + pg->len != f->drop_lo) {
		drop_flush(p, f);
		f->drop_hi = pg->file_off + pg->len;
	}
	f->drop_lo = pg->hdr_off;
	if (f->drop_hi - f->drop_lo >= DROP_BATCH)
		drop_flush(p, f);
}

static void report(st_mmprof *p, feed_state *f, uint64_t bytes)
{
	f->done += bytes;
	if (!f->progress || f->done < f->next_report)
		return;
	f->next_report = f->done + PROGRESS_STEP;
	uint64_t body = p->st[TAG_EVENTS].total;
	f->progress(f->ctx, (uint64_t)((double)f->done / (double)body *
	                               (double)p->len), p->len);
}

static bool feed_all(st_mmprof *p, feed_state *f)
{
	const stream *s = &p->st[TAG_EVENTS];
	size_t pi = s->n - 1;
	unsigned char tmp[32];
	for (uint64_t i = p->info.events; i-- > 0;) {
		uint64_t off = 8 + i * p->recsz;
		while (s->pages[pi].stream_off > off)
			drop_page(p, f, &s->pages[pi--]);
		const page *pg = &s->pages[pi];
		uint64_t at = pg->file_off + (off - pg->stream_off);
		const unsigned char *r = p->data + at;
		if (off + p->recsz > pg->stream_off + pg->len) {
			stream_copy(p, s, off, tmp, p->recsz);
			r = tmp;
		}
		if (!feed_record(p, f, r, at))
			return false;
		report(p, f, p->recsz);
	}
	drop_page(p, f, &s->pages[pi]);
	drop_flush(p, f);
	return true;
}

int st_mmprof_feed(st_mmprof *p, st_builder *b, st_progress_fn progress,
                   void *progress_ctx, char *err, size_t errlen)
{
	long ps = sysconf(_SC_PAGESIZE);
	feed_state f = { .b = b, .progress = progress, .ctx = progress_ctx,
	                 .next_report = PROGRESS_STEP,
	                 .pagesz = ps > 0 && (ps & (ps - 1)) == 0 ? (size_t)ps : 0 };
	p->err = err;
	p->errlen = errlen;
	bool ok = feed_all(p, &f);
	if (ok && progress)
		progress(progress_ctx, p->len, p->len);
	return ok ? 0 : -1;
}
