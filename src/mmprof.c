/* mmprof.c: decoder for measureme .mm_profdata files (versions 8 and 9).
 * This file: event names (labels and arguments, interned and cached) and
 * the events themselves, fed to the builder.  The container and opening:
 * mmprof-pages.c; strings: mmprof-strings.c; metadata: mmprof-meta.c;
 * what they share: mmprof-internal.h.
 *
 * Layout (see docs/mm_profdata.md): "MMPD" u32 version, then pages
 * (u8 tag, u32 length, payload).  The payloads of each tag, concatenated,
 * form three streams: events, string data, string index.  Streams are never
 * copied: a stream is a list of pages, and stream offsets are mapped to the
 * buffer by binary search.  Only an event record or a string reference that
 * straddles two pages is copied, into a few bytes on the stack. */

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmprof-internal.h"

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
		uint32_t sid = mm_intern_clean(p, (const char *)s + i, end - i);
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
	return mm_index_find(p, id, &addr, at) ? addr : UINT64_MAX;
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
		if (!mm_resolve_addr(p, addr, culprit))
			return false;
		const unsigned char *s = (const unsigned char *)p->text.p;
		if (memchr(s, 0x1E, p->text.len))
			v = PART_COMPLEX;
		else if (!valid_part(s, p->text.len))
			v = PART_INVALID;
		else
			v = mm_intern_clean(p, p->text.p, p->text.len);
		st_idmap_put(&p->parts, addr, v);
	}
	*out = v;
	return true;
}

size_t mm_simple_refs(const st_mmprof *p, uint64_t addr, uint64_t *ids,
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
			mm_clean_utf8(lit, n, &p->clean);
			e->key = p->clean.p;
			e->keylen = p->clean.len;
		}
		return true;
	}
	p->key.len = 0;
	if (addr == UINT64_MAX) {
		buf_add(&p->key, "<unknown>", 9);
	} else {
		if (!mm_resolve_addr(p, addr, culprit))
			return false;
		const unsigned char *s = (const unsigned char *)p->text.p;
		if (!valid_part(s, p->text.len) || memchr(s, 0x1E, p->text.len))
			return true;   /* decodeme drops an invalid argument */
		if (plain_ascii(s, p->text.len)) {
			buf_add(&p->key, p->text.p, p->text.len);
		} else {
			mm_clean_utf8(s, p->text.len, &p->clean);
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
		if (!mm_resolve_addr(p, addr, culprit))
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
	if (query_key && p->sweep && id < p->ndense && p->vl[id]) {
		/* the sweep read its event id: the label, and no key (its
		 * evidence was scanned there) */
		uint32_t v;
		if (!part_at(p, p->vl[id] == 1 ? UINT64_MAX : p->vl[id], culprit, &v))
			return false;
		if (v != PART_COMPLEX) {
			*e = (evname){ .label = v == PART_INVALID ? p->parse_error : v };
			return true;
		}
	}
	uint64_t at = culprit;
	uint64_t addr = id_addr(p, id, &at);
	uint64_t ids[MAX_SIMPLE], offs[MAX_SIMPLE];
	bool complex = false;
	size_t n = addr == UINT64_MAX ? 0 : mm_simple_refs(p, addr, ids, offs);
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
		if (!mm_resolve(p, id, culprit))
			return false;
		k = mm_intern_clean(p, p->text.p, p->text.len);
		st_idmap_put(&p->kinds, id, k);
	}
	*out = k;
	p->last_kind_id = id;
	p->last_kind = k;
	return true;
}

/* ---- events ------------------------------------------------------------- */

typedef struct feed_state {
	st_builder *b;
	st_progress_fn progress;
	void *ctx;
	uint64_t done, next_report;
	size_t pagesz;
	uint64_t tail;               /* the file is released from here on */
	uint64_t ready;              /* and faulted in from here on */
	bool cancelled;              /* the progress callback said stop */
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
			return mm_fail(p, at, "interval starts after it ends (%llu > %llu)",
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
	if (p->sink ? !p->sink(p->sink_ctx, &e, at, &why)
	            : !st_builder_event(f->b, &e, &why))
		return mm_fail(p, at, "%s", why);
	return true;
}

/* Releases the file's pages from the events page being read on (whole OS
 * pages, a few MiB at a time: one madvise per page costs more than the
 * reading).  Events are read from the end of the file back, and the pages
 * of all three streams were written in time order: the strings and index
 * entries of every event still to come were written before its events
 * page, except the last page of each stream still being filled then
 * (TAIL_SLACK covers those).  So everything after the events page at
 * from + TAIL_SLACK is done with, not only the events pages; reading
 * such a page again anyway (a crafted file) costs a fault, nothing more.
 * That keeps what a file holds in memory shrinking as it is decoded, which
 * matters when several files are decoded at once. */
#define TAIL_SLACK ((uint64_t)4 << 20)

/* Faults in the file from a window below the events page ev, once its
 * structure has been checked (open did), in one call per few MiB: strings
 * are read at random, and a fault per page is costly on virtual machines
 * (the whole file at once took a 260 MB profile from 1.25 to 0.93 s; see
 * BENCHMARKS.md).  Only a window, as drop_tail releases what is behind it:
 * what a file holds in memory stays about the window's size, plus the few
 * strings read far below it.  Kernels before 5.14 lack MADV_POPULATE_READ;
 * they get read-ahead. */
#define READY_WINDOW ((uint64_t)24 << 20)

static void populate(const st_mmprof *p, feed_state *f, const page *ev)
{
	uint64_t from = ev->hdr_off, to = ev->file_off + ev->len;
	if (!p->populate || f->pagesz == 0 || f->ready == 0 ||
	    f->ready + READY_WINDOW / 2 < from)
		return;
	uint64_t lo = from > READY_WINDOW ? from - READY_WINDOW : 0;
	uintptr_t a = (uintptr_t)(p->data + lo) & ~(uintptr_t)(f->pagesz - 1);
	/* swept, what lies above the events page (the strings of the events
	 * after it, and the query strings at the end) is read no more */
	uintptr_t b = (uintptr_t)(p->data + (p->sweep && to < f->ready ? to : f->ready));
	if (b > a) {
#ifdef MADV_POPULATE_READ
		if (madvise((void *)a, b - a, MADV_POPULATE_READ) != 0)
#endif
			madvise((void *)a, b - a, MADV_WILLNEED);
	}
	/* and what lies below it is given back: opening touched every page
	 * header, and a fault maps a large folio; a string read there again
	 * costs a fault */
	if (p->mapped && a > (uintptr_t)p->data)
		madvise((void *)p->data, a - (uintptr_t)p->data, MADV_DONTNEED);
	f->ready = lo;
}

static void drop_tail(const st_mmprof *p, feed_state *f, uint64_t from, bool all)
{
	if (!p->mapped || f->pagesz == 0)
		return;
	from = all ? 0 : from + TAIL_SLACK;
	if (f->tail < from + (all ? 0 : DROP_BATCH))
		return;
	uintptr_t lo = (uintptr_t)(p->data + from), hi = (uintptr_t)(p->data + f->tail);
	lo = (lo + f->pagesz - 1) & ~(uintptr_t)(f->pagesz - 1);
	hi = (hi + f->pagesz - 1) & ~(uintptr_t)(f->pagesz - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	f->tail = from;
}

/* Returns false when the progress callback asks to stop. */
static bool report(st_mmprof *p, feed_state *f, uint64_t bytes)
{
	f->done += bytes;
	if (!f->progress || f->done < f->next_report)
		return true;
	f->next_report = f->done + PROGRESS_STEP;
	uint64_t body = p->st[TAG_EVENTS].total;
	if (f->progress(f->ctx, (uint64_t)((double)f->done / (double)body *
	                                   (double)p->len), p->len))
		return true;
	f->cancelled = true;
	return false;
}

/* Events lo..hi-1, last first; the whole file gives its pages back as it
 * goes (drop_tail, populate), a range (several decoders at once) not. */
static bool feed_all(st_mmprof *p, feed_state *f, uint64_t lo, uint64_t hi)
{
	const stream *s = &p->st[TAG_EVENTS];
	bool whole = lo == 0 && hi == p->info.events;
	if (hi <= lo || s->n == 0)
		return true;
	size_t pi = stream_page(s, 8 + (hi - 1) * p->recsz);
	unsigned char tmp[32];
	f->ready = p->len;
	if (whole)
		populate(p, f, &s->pages[pi]);
	for (uint64_t i = hi; i-- > lo;) {
		uint64_t off = 8 + i * p->recsz;
		if (s->pages[pi].stream_off > off) {
			while (s->pages[pi].stream_off > off)
				pi--;
			if (whole) {
				drop_tail(p, f, s->pages[pi].hdr_off, false);
				populate(p, f, &s->pages[pi]);
			}
		}
		const page *pg = &s->pages[pi];
		uint64_t at = pg->file_off + (off - pg->stream_off);
		const unsigned char *r = p->data + at;
		if (off + p->recsz > pg->stream_off + pg->len) {
			stream_copy(p, s, off, tmp, p->recsz);
			r = tmp;
		}
		if (!feed_record(p, f, r, at) || !report(p, f, p->recsz))
			return false;
	}
	if (whole)
		drop_tail(p, f, 0, true);   /* the strings too: decoding is done */
	return true;
}

static int feed(st_mmprof *p, st_builder *b, uint64_t lo, uint64_t hi,
                bool last, st_progress_fn progress, void *progress_ctx,
                char *err, size_t errlen)
{
	long ps = sysconf(_SC_PAGESIZE);
	feed_state f = { .b = b, .progress = progress, .ctx = progress_ctx,
	                 .tail = p->len,
	                 .next_report = PROGRESS_STEP,
	                 .pagesz = ps > 0 && (ps & (ps - 1)) == 0 ? (size_t)ps : 0 };
	p->err = err;
	p->errlen = errlen;
	bool ok = feed_all(p, &f, lo, hi);
	if (ok && last && progress && !progress(progress_ctx, p->len, p->len))
		f.cancelled = true;
	if (f.cancelled) {
		snprintf(err, errlen, "cancelled");
		return -2;
	}
	return ok ? 0 : -1;
}

int st_mmprof_feed(st_mmprof *p, st_builder *b, st_progress_fn progress,
                   void *progress_ctx, char *err, size_t errlen)
{
	return feed(p, b, 0, p->info.events, true, progress, progress_ctx, err,
	            errlen);
}

int st_mmprof_feed_range(st_mmprof *p, st_builder *b, uint64_t lo, uint64_t hi,
                         st_progress_fn progress, void *progress_ctx,
                         char *err, size_t errlen)
{
	return feed(p, b, lo, hi < p->info.events ? hi : p->info.events, false,
	            progress, progress_ctx, err, errlen);
}

void st_mmprof_release_after(const st_mmprof *p, uint64_t event, uint64_t *mark)
{
	const stream *s = &p->st[TAG_EVENTS];
	long ps = sysconf(_SC_PAGESIZE);
	if (!p->mapped || ps <= 0 || (ps & (ps - 1)) || event >= p->info.events)
		return;
	const page *pg = &s->pages[stream_page(s, 8 + event * p->recsz)];
	uint64_t from = pg->hdr_off + TAIL_SLACK;
	if (from + DROP_BATCH > *mark)
		return;
	uintptr_t lo = (uintptr_t)(p->data + from), hi = (uintptr_t)(p->data + *mark);
	lo = (lo + (uintptr_t)ps - 1) & ~(uintptr_t)(ps - 1);
	hi = (hi + (uintptr_t)ps - 1) & ~(uintptr_t)(ps - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	*mark = from;
}

void st_mmprof_prefault(const st_mmprof *p)
{
	if (!p->populate)
		return;
#ifdef MADV_POPULATE_READ
	if (madvise((void *)p->data, p->len, MADV_POPULATE_READ) == 0)
		return;
#endif
	madvise((void *)p->data, p->len, MADV_WILLNEED);
}
