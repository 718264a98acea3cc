/* mmprof-sweep.c: the string data read once, in order, before the events.
 *
 * rustc writes the strings of every query invocation (its event id: label
 * and key; the key: a def path or a type printed whole) at the end of the
 * compilation, in the order of its query caches, which is not the order of
 * the events.  Decoding the events one by one then reads that part of the
 * file at random: it stayed mapped whole (most of a large profile's bytes)
 * and each key was expanded, for one use: the async evidence its text may
 * hold.  Instead, this pass walks the string data front to back once:
 *
 *  - every literal that holds an evidence marker ("(DefId(", "{async fn
 *    body of ") goes to the caller's scanner, the markers found over whole
 *    pages (they are rare, the text around them is not);
 *  - the label of every query invocation's event id (virtual ids, through
 *    the index sorted by address) is noted by the label's address, so that
 *    the events need neither their event id string nor their key;
 *  - and a mapped file's pages are given back behind it.
 *
 * The sweep only reads: it fails on nothing (an entry it cannot read in
 * place is left to the events' decoding, which says what is wrong with
 * it), and parts of it run on several threads at once. */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "mmprof-internal.h"

#define LEAD 16                   /* bytes a marker's scan looks back */
#define CHECK_PAGES 16            /* pages between two calls to progress */

static const char defid[] = "(DefId(";
static const char body[] = "{async fn body of ";

/* ---- the index, by address ---------------------------------------------- */

/* LSD radix sort of v[0..n) on the upper 32 bits (the address). */
static void sort_by_addr(uint64_t *v, size_t n)
{
	uint64_t *tmp = st_xreallocarray(NULL, n ? n : 1, sizeof *tmp);
	for (int shift = 32; shift < 64; shift += 8) {
		size_t count[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[((v[i] >> shift) & 0xFF) + 1]++;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i] >> shift) & 0xFF]++] = v[i];
		uint64_t *t = v;
		v = tmp;
		tmp = t;
	}
	/* four passes: the sorted data is back in the caller's array */
	free(tmp);
}

void st_mmprof_sweep_begin(st_mmprof *p)
{
	/* A file cut short lacks the query strings (rustc writes them last)
	 * but holds strings of events it lost: what their text would show is
	 * left out, as the events decoded one by one leave it. */
	if (p->sweep || !p->ndense || p->cut || p->warning[0])
		return;
	p->sweep = true;
	p->vl = st_xcalloc(p->ndense, sizeof *p->vl);
	p->vl_owned = true;
	size_t n = 0;
	for (uint64_t id = 0; id < p->ndense; id++)
		n += p->dense[id] != ST_IDMAP_NONE && p->dense[id] != IDX_FAR;
	p->targets = st_xreallocarray(NULL, n ? n : 1, sizeof *p->targets);
	n = 0;
	for (uint64_t id = 0; id < p->ndense; id++)
		if (p->dense[id] != ST_IDMAP_NONE && p->dense[id] != IDX_FAR)
			p->targets[n++] = (uint64_t)p->dense[id] << 32 | id;
	sort_by_addr(p->targets, n);
	p->ntargets = n;
}

void st_mmprof_sweep_share(st_mmprof *dst, const st_mmprof *src)
{
	if (!src->sweep || dst->ndense != src->ndense)
		return;
	dst->sweep = true;
	dst->vl = src->vl;
	dst->vl_owned = false;
}

void st_mmprof_sweep_end(st_mmprof *p)
{
	free(p->targets);
	p->targets = NULL;
	p->ntargets = 0;
}

void st_mmprof_sweep(st_mmprof *p, st_mmprof_text_fn scan, void *ctx,
                     st_progress_fn progress, void *progress_ctx)
{
	st_mmprof_sweep_begin(p);
	st_mmprof_sweep_part(p, 0, 1, scan, ctx, progress, progress_ctx);
	st_mmprof_sweep_end(p);
}

/* The label address of the event id entry at addr, as vl holds it: 0 when
 * it is not "FE label (1E FE arg)* FF" inside one page (the events decode
 * it then), 1 for a label id that has no string ("<unknown>"). */
static uint32_t label_of_entry(const st_mmprof *p, uint64_t addr)
{
	uint64_t ids[MAX_SIMPLE], offs[MAX_SIMPLE], at = 0;
	if (mm_simple_refs(p, addr, ids, offs) == 0)
		return 0;
	uint64_t la;
	if (ids[0] >= ID_FIRST_CONCRETE)
		la = ids[0] - ID_FIRST_CONCRETE;
	else if (!mm_index_find(p, ids[0], &la, &at))
		return 1;
	return la >= 8 && la < IDX_FAR ? (uint32_t)la : 0;
}

/* ---- evidence ----------------------------------------------------------- */

typedef struct cursor {
	const st_mmprof *p;
	const stream *s;
	st_mmprof_text_fn scan;
	void *ctx;
	buf copy;                 /* a window across pages */
} cursor;

static bool literal_byte(unsigned char c)
{
	return c < 0xFE;
}

/* Hands the literal around the marker at byte i of page k to the scanner:
 * from LEAD bytes before it to the literal's end, across pages when it
 * goes on (in a copy); returns the stream offset where that window ends. */
static uint64_t window(cursor *c, size_t k, size_t i)
{
	const stream *s = c->s;
	const page *pg = &s->pages[k];
	const unsigned char *d = c->p->data + pg->file_off;
	size_t lead = i < LEAD ? i : LEAD, e = i;
	while (e < pg->len && literal_byte(d[e]))
		e++;
	if ((lead == LEAD || k == 0) && e < pg->len) {   /* inside the page */
		c->scan(c->ctx, (const char *)d + i - lead, e - i + lead);
		return pg->stream_off + e;
	}
	/* across a page boundary: copied, the lead from the page before */
	c->copy.len = 0;
	if (lead < LEAD && k > 0) {
		const page *pv = &s->pages[k - 1];
		size_t want = LEAD - lead < pv->len ? LEAD - lead : pv->len;
		buf_add(&c->copy, c->p->data + pv->file_off + pv->len - want, want);
	}
	buf_add(&c->copy, d + i - lead, e - i + lead);
	uint64_t end = pg->stream_off + e;
	for (size_t j = k + 1; e == pg->len && j < s->n &&
	     c->copy.len < MAX_EXPANSION; j++) {
		pg = &s->pages[j];
		d = c->p->data + pg->file_off;
		for (e = 0; e < pg->len && literal_byte(d[e]); e++)
			;
		buf_add(&c->copy, d, e);
		end = pg->stream_off + e;
	}
	c->scan(c->ctx, c->copy.p, c->copy.len);
	return end;
}

/* Whether a marker starts at d[i] (n bytes in all). */
static bool marker_at(const unsigned char *d, size_t n, size_t i)
{
	return (n - i >= sizeof defid - 1 && !memcmp(d + i, defid, sizeof defid - 1)) ||
	       (n - i >= sizeof body - 1 && !memcmp(d + i, body, sizeof body - 1));
}

/* The first marker at or after from in d[0..n), or n: one pass for both,
 * sixteen bytes at a time on their first two bytes ("(D", "{a"), which
 * text seldom holds: one pass, not a memmem pass for each. */
static size_t next_marker(const unsigned char *d, size_t n, size_t from)
{
	size_t i = from;
#ifdef __SSE2__
	const __m128i c1 = _mm_set1_epi8('('), c2 = _mm_set1_epi8('D');
	const __m128i c3 = _mm_set1_epi8('{'), c4 = _mm_set1_epi8('a');
	for (; i + 17 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(d + i + 1));
		__m128i m = _mm_or_si128(
			_mm_and_si128(_mm_cmpeq_epi8(x, c1), _mm_cmpeq_epi8(y, c2)),
			_mm_and_si128(_mm_cmpeq_epi8(x, c3), _mm_cmpeq_epi8(y, c4)));
		for (unsigned bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1) {
			size_t j = i + (size_t)__builtin_ctz(bits);
			if (marker_at(d, n, j))
				return j;
		}
	}
#endif
	for (; i < n; i++)
		if ((d[i] == '(' || d[i] == '{') && marker_at(d, n, i))
			return i;
	return n;
}

/* The markers of one page, in order of place, each window scanned once
 * (a window holds every marker up to its literal's end). */
static void page_markers(cursor *c, size_t k, uint64_t *covered)
{
	const page *pg = &c->s->pages[k];
	const unsigned char *d = c->p->data + pg->file_off;
	/* the lead of a marker that starts in this page may lie in the one
	 * before; one that straddles the boundary is found in the copy */
	for (size_t i = 0; (i = next_marker(d, pg->len, i)) < pg->len; i++)
		if (pg->stream_off + i >= *covered)
			*covered = window(c, k, i);
	/* a marker cut by the page's end: the page's last bytes and the next
	 * page's first, joined */
	if (k + 1 < c->s->n) {
		const page *nx = &c->s->pages[k + 1];
		size_t a = pg->len < 32 ? pg->len : 32, b = nx->len < 32 ? nx->len : 32;
		unsigned char j[64];
		memcpy(j, d + pg->len - a, a);
		memcpy(j + a, c->p->data + nx->file_off, b);
		for (size_t i = 0; i < a; i++)
			if (marker_at(j, a + b, i) && !marker_at(j, a, i) &&
			    pg->stream_off + (pg->len - a) + i >= *covered)
				*covered = window(c, k, pg->len - a + i);
	}
}

/* ---- the sweep ---------------------------------------------------------- */

/* Swept pages given back a run at a time: string pages are mostly written
 * one after another (the 260 MB bench profile: 817 in 64 runs), and each
 * madvise beside other threads is a TLB shootdown, an interrupt to every
 * core running one (a VM exit each on a virtual machine).  A run shorter
 * than GIVE_MIN stays mapped until the file is done with (in the bench
 * build, 449 of the sweep's 1298 calls gave back a single page). */
#define GIVE_BATCH ((uint64_t)4 << 20)
#define GIVE_MIN ((uint64_t)1 << 20)

typedef struct give {
	uint64_t lo, hi;   /* file bytes swept, not given back yet */
} give;

static void give_flush(const st_mmprof *p, give *g, size_t os)
{
	if (g->hi - g->lo < GIVE_MIN) {
		g->lo = g->hi = 0;
		return;
	}
	uintptr_t lo = (uintptr_t)(p->data + g->lo), hi = (uintptr_t)(p->data + g->hi);
	lo = (lo + os - 1) & ~(uintptr_t)(os - 1);
	hi &= ~(uintptr_t)(os - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	g->lo = g->hi = 0;
}

static void give_back(const st_mmprof *p, give *g, const page *pg, size_t os)
{
	if (g->hi && (pg->hdr_off != g->hi || g->hi - g->lo >= GIVE_BATCH))
		give_flush(p, g, os);
	if (!g->hi)
		g->lo = pg->file_off;
	g->hi = pg->file_off + pg->len;
}

void st_mmprof_sweep_part(st_mmprof *p, unsigned part, unsigned parts,
                          st_mmprof_text_fn scan, void *ctx,
                          st_progress_fn progress, void *progress_ctx)
{
	const stream *s = &p->st[TAG_STRINGS];
	if (!p->sweep || parts == 0 || part >= parts || s->n == 0)
		return;
	size_t k0 = s->n * part / parts, k1 = s->n * (part + 1) / parts;
	cursor c = { .p = p, .s = s, .scan = scan, .ctx = ctx };
	long ps = sysconf(_SC_PAGESIZE);
	size_t os = ps > 0 && (ps & (ps - 1)) == 0 ? (size_t)ps : 0;
	bool release = p->mapped && os;
	give g = { 0, 0 };
	uint64_t covered = 0;
	/* the targets inside this part's pages */
	uint64_t lo = s->pages[k0].stream_off;
	uint64_t hi = k1 < s->n ? s->pages[k1].stream_off : s->total;
	size_t t = 0, n = p->ntargets;
	for (size_t b = n; t < b;) {   /* the first target at or above lo */
		size_t mid = t + (b - t) / 2;
		if ((p->targets[mid] >> 32) < lo)
			t = mid + 1;
		else
			b = mid;
	}
	for (size_t k = k0; k < k1; k++) {
		/* a chance to stop every few MiB; the events tell progress */
		if (progress && (k - k0) % CHECK_PAGES == CHECK_PAGES - 1 &&
		    !progress(progress_ctx, 0, p->len))
			break;
		const page *pg = &s->pages[k];
		uint64_t end = pg->stream_off + pg->len;
		/* the markers first: their pass brings the page into the cache,
		 * where the entries are then read */
		page_markers(&c, k, &covered);
		for (; t < n && (p->targets[t] >> 32) < end && (p->targets[t] >> 32) < hi; t++)
			p->vl[(uint32_t)p->targets[t]] =
				label_of_entry(p, p->targets[t] >> 32);
		if (release && k > k0)
			give_back(p, &g, &s->pages[k - 1], os);
	}
	if (release && k1 > k0) {
		give_back(p, &g, &s->pages[k1 - 1], os);
		give_flush(p, &g, os);
	}
	free(c.copy.p);
}
