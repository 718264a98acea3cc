/* mmprof-pages.c: the .mm_profdata container: the file header, the pages
 * and the three streams they form (events, string data, string index), the
 * string index, and opening and closing a decoder (mmprof.h).  Layout: see
 * the comment at the top of mmprof.c. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mmprof-internal.h"

bool mm_fail(st_mmprof *p, uint64_t off, const char *fmt, ...)
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

/* ---- pages and headers -------------------------------------------------- */

/* Gives back a mapped file's pages in [*from, to) once DROP_BATCH of them
 * have been read past (all when to is the file's end): a page cache of
 * large folios maps a whole folio on each fault, so reading one header per
 * page of the file mapped the whole file while it was being opened. */
static void open_release(const st_mmprof *p, uint64_t *from, uint64_t to)
{
	long ps = sysconf(_SC_PAGESIZE);
	if (!p->mapped || ps <= 0 || (ps & (ps - 1)) ||
	    (to < p->len && to - *from < DROP_BATCH))
		return;
	uintptr_t lo = (uintptr_t)(p->data + *from), hi = (uintptr_t)(p->data + to);
	lo = (lo + (uintptr_t)ps - 1) & ~(uintptr_t)(ps - 1);
	if (to < p->len)
		hi &= ~(uintptr_t)(ps - 1);
	else
		hi = (hi + (uintptr_t)ps - 1) & ~(uintptr_t)(ps - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	*from = to;
}

static void set_incomplete(st_mmprof *p, uint64_t off, const char *what)
{
	if (!p->warning[0])
		snprintf(p->warning, sizeof p->warning,
		         "offset %llu: file is incomplete at its end (%s); "
		         "using what is readable", (unsigned long long)off, what);
}

static bool scan_pages(st_mmprof *p)
{
	uint64_t off = 8, released = 0;
	int tail[3], ntail = 0;   /* tags after the last events page */
	while (off < p->len) {
		open_release(p, &released, off);
		if (p->len - off < 5) {
			p->cut = true, p->cut_off = off;
			set_incomplete(p, off, "page header cut");
			break;
		}
		unsigned tag = p->data[off];
		uint32_t len = rd32(p->data + off + 1);
		if (tag >= NTAGS)
			return mm_fail(p, off, "unknown page tag %u", tag);
		if (len == 0)
			return mm_fail(p, off, "zero-length page");
		if (len > p->len - off - 5) {
			/* what the cut page holds is kept: whole records of it are
			 * read (check_records drops a partial one), so a small
			 * profile whose only index page is cut keeps its names */
			p->cut = true, p->cut_off = off;
			set_incomplete(p, off, "last page cut");
			if (p->len - off > 5)
				stream_add(&p->st[tag], off, (uint32_t)(p->len - off - 5));
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
	if ((s->n == 0 || s->total < 8) && p->cut)   /* none, or a cut page's bytes */
		return mm_fail(p, p->cut_off, "no %s stream (file is incomplete at its "
		               "end)", names[tag]);
	if (s->n == 0)
		return mm_fail(p, p->len, "no %s stream", names[tag]);
	uint64_t at = s->pages[0].file_off;
	if (s->total < 8)
		return mm_fail(p, at, "%s stream too short for its header", names[tag]);
	unsigned char h[8];
	stream_copy(p, s, 0, h, 8);
	if (memcmp(h, magic[tag], 4) != 0)
		return mm_fail(p, at, "bad %s stream magic 0x%08x (expected %s)",
		               names[tag], (unsigned)rd32(h), magic[tag]);
	if (rd32(h + 4) != p->info.version)
		return mm_fail(p, at + 4, "%s stream version %u differs from file version %u",
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
	return mm_fail(p, stream_file_off(s, s->total - extra),
	               "%s stream ends with a partial %s (%llu of %u bytes)",
	               tag == TAG_EVENTS ? "events" : "string index", what,
	               (unsigned long long)extra, size);
}

/* The index entry at stream offset off, read in place, or copied into tmp
 * where it straddles two pages; *pg is the page of the previous entry
 * (entries are read in order: no search per entry). */
static const unsigned char *index_entry(const st_mmprof *p, size_t *pg,
                                        uint64_t off, unsigned char *tmp)
{
	const stream *s = &p->st[TAG_INDEX];
	while (*pg + 1 < s->n && s->pages[*pg + 1].stream_off <= off)
		++*pg;
	const page *g = &s->pages[*pg];
	uint64_t at = off - g->stream_off;
	if (at + p->idxsz <= g->len)
		return p->data + g->file_off + at;
	stream_copy(p, s, off, tmp, p->idxsz);
	return tmp;
}

static void build_index(st_mmprof *p)
{
	const stream *s = &p->st[TAG_INDEX];
	p->nidx = (s->total - 8) / p->idxsz;
	unsigned char tmp[16];
	uint64_t strings = p->st[TAG_STRINGS].total;
	/* rustc's virtual ids are dep-node indices, dense from 0: when they fit
	 * a small array, lookups skip the hash map */
	uint64_t top = 0;
	size_t pg = 0;
	for (uint64_t k = 0; k < p->nidx && k < IDX_FAR; k++) {
		uint64_t id = rd_id(p, index_entry(p, &pg, 8 + k * p->idxsz, tmp));
		if (id < ID_METADATA && id + 1 > top)
			top = id + 1;
	}
	if (top && top <= 4 * p->nidx + 65536) {
		p->ndense = top;
		p->dense = st_xmalloc(top * sizeof *p->dense);
		memset(p->dense, 0xff, top * sizeof *p->dense);   /* ST_IDMAP_NONE */
	}
	pg = 0;
	for (uint64_t k = 0; k < p->nidx && k < IDX_FAR; k++) {
		const unsigned char *e = index_entry(p, &pg, 8 + k * p->idxsz, tmp);
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
		return mm_fail(p, 0, "file too short for a profile header (%zu bytes)",
		               p->len);
	if (!st_mmprof_sniff(p->data, p->len))
		return mm_fail(p, 0, "%s", ST_MMPROF_NOT_A_FORMAT);
	p->info.version = rd32(p->data + 4);
	if (p->info.version != 8 && p->info.version != 9)
		return mm_fail(p, 4, "unsupported format version %u",
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
	return mm_read_metadata(p);
}

/* The strings every decoder refers to, interned in this order (so that the
 * twins of one file number them alike). */
static void intern_fixed(st_mmprof *p)
{
	p->unknown = st_intern_cstr(p->strs, "<unknown>");
	static const char *const qk[6] = {
		"Query", "QueryBlocked", "IncrementalLoadResult",
		"IncrementalResultHashing", "QueryCacheHit", "QueryCacheHitCount",
	};
	for (int i = 0; i < 6; i++)
		p->query_kinds[i] = st_intern_cstr(p->strs, qk[i]);
	p->parse_error = st_intern_cstr(p->strs, "<parse error>");
}

static st_mmprof *open_common(const unsigned char *data, size_t len,
                              st_strtab *strs, bool mapped, char *err,
                              size_t errlen)
{
	st_mmprof *p = st_xcalloc(1, sizeof *p);
	p->mapped = mapped;
	p->data = data;
	p->len = len;
	p->strs = strs;
	p->err = err;
	p->errlen = errlen;
	p->info.cmd = "";
	p->last_kind = ST_IDMAP_NONE;
	p->text = (buf){ .p = st_xmalloc(256), .cap = 256 };
	p->clean = (buf){ .p = st_xmalloc(256), .cap = 256 };
	bool ok = open_checks(p);
	uint64_t from = 0;
	open_release(p, &from, p->len);   /* the index and the headers, read */
	if (!ok) {
		st_mmprof_close(p);
		return NULL;
	}
	p->info.warning = p->warning[0] ? p->warning : NULL;
	intern_fixed(p);
	return p;
}

st_mmprof *st_mmprof_open(const unsigned char *data, size_t len,
                          st_strtab *strs, char *err, size_t errlen)
{
	return open_common(data, len, strs, false, err, errlen);
}

st_mmprof *st_mmprof_open_mapped(const unsigned char *data, size_t len,
                                 st_strtab *strs, char *err, size_t errlen)
{
	return open_common(data, len, strs, true, err, errlen);
}

st_mmprof *st_mmprof_open_twin(const st_mmprof *src, st_strtab *strs)
{
	st_mmprof *p = st_xcalloc(1, sizeof *p);
	p->twin = true;
	p->data = src->data;
	p->len = src->len;
	p->strs = strs;
	p->err = src->err;
	p->errlen = src->errlen;
	p->info = src->info;
	memcpy(p->warning, src->warning, sizeof p->warning);
	p->info.warning = p->warning[0] ? p->warning : NULL;
	memcpy(p->st, src->st, sizeof p->st);
	p->idw = src->idw;
	p->recsz = src->recsz;
	p->idxsz = src->idxsz;
	p->nidx = src->nidx;
	p->index = src->index;
	p->dense = src->dense;
	p->ndense = src->ndense;
	p->far = src->far;
	p->cut_off = src->cut_off;
	p->cut = src->cut;
	p->mapped = src->mapped;
	p->populate = src->populate;
	p->last_kind = ST_IDMAP_NONE;
	p->text = (buf){ .p = st_xmalloc(256), .cap = 256 };
	p->clean = (buf){ .p = st_xmalloc(256), .cap = 256 };
	intern_fixed(p);
	return p;
}

void st_mmprof_set_mapped(st_mmprof *p, bool mapped)
{
	p->mapped = mapped;
}

bool st_mmprof_is_mapped(const st_mmprof *p)
{
	return p->mapped;
}

void st_mmprof_set_populate(st_mmprof *p, bool populate)
{
	p->populate = populate;
}

void st_mmprof_set_sink(st_mmprof *p, st_mmprof_sink fn, void *ctx)
{
	p->sink = fn;
	p->sink_ctx = ctx;
}

const st_mmprof_info *st_mmprof_get_info(const st_mmprof *p)
{
	return &p->info;
}

void st_mmprof_close(st_mmprof *p)
{
	if (!p)
		return;
	if (!p->twin) {   /* a twin's are its source's */
		for (int t = 0; t < NTAGS; t++)
			free(p->st[t].pages);
		st_idmap_free(&p->index);
		st_idmap_free(&p->far);
		free(p->dense);
		free(p->cmd);
	}
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
	if (p->vl_owned)
		free(p->vl);
	free(p->targets);
	free(p);
}
