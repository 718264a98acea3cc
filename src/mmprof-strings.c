/* mmprof-strings.c: string expansion for the .mm_profdata decoder: string
 * ids through the index to addresses, references followed (bounded in depth,
 * size and count), and the UTF-8 repair of what comes out (fmt.h's
 * decoder). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "mmprof-internal.h"

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

bool mm_index_find(const st_mmprof *p, uint64_t id, uint64_t *addr,
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
		return mm_fail(p, p->top, "string expands beyond %u bytes", MAX_EXPANSION);
	p->expanded += n;
	if (p->expanded > 4 * (uint64_t)p->len + MAX_EXPANSION * 64ull)
		return mm_fail(p, p->top, "strings expand beyond %llu bytes in all",
		               (unsigned long long)(4 * (uint64_t)p->len +
		                                    MAX_EXPANSION * 64ull));
	buf_add(&p->text, s, n);
	return true;
}

static bool expand_ref(st_mmprof *p, const stream *s, uint64_t *addr,
                       int depth)
{
	uint64_t at = stream_file_off(s, *addr);
	unsigned char id[8];
	if (s->total - *addr - 1 < p->idw)
		return p->cut ? add_text(p, "<unknown>", 9)
		       : mm_fail(p, at, "string reference cut by the end of the string data");
	stream_copy(p, s, *addr + 1, id, p->idw);
	*addr += 1 + p->idw;
	if (++p->refs > MAX_REFS)
		return mm_fail(p, p->top, "string expands through more than %u references",
		               MAX_REFS);
	return expand_id(p, rd_id(p, id), at, depth + 1);
}

/* Appends the entry at stream address addr to p->text. */
static bool expand_addr(st_mmprof *p, uint64_t addr, uint64_t culprit,
                        int depth)
{
	const stream *s = &p->st[TAG_STRINGS];
	/* a file cut short keeps what it has: a string past its end (strings
	 * are written as they are first met, events may name later ones) is
	 * unknown, as one the cut index has no entry for */
	if (p->cut && addr >= s->total && addr >= 8)
		return add_text(p, "<unknown>", 9);
	if (addr < 8 || addr >= s->total)
		return mm_fail(p, culprit, "string address %llu outside the string data "
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
	if (p->cut)   /* its end was cut off */
		return add_text(p, "<unknown>", 9);
	return mm_fail(p, stream_file_off(s, start),
	               "string at address %llu has no terminator",
	               (unsigned long long)start);
}

static bool expand_id(st_mmprof *p, uint64_t id, uint64_t culprit, int depth)
{
	if (depth > MAX_DEPTH)
		return mm_fail(p, culprit, "string references nest deeper than %d "
		               "(a cycle?)", MAX_DEPTH);
	if (id >= ID_FIRST_CONCRETE)
		return expand_addr(p, id - ID_FIRST_CONCRETE, culprit, depth);
	uint64_t addr, at = culprit;
	if (!mm_index_find(p, id, &addr, &at))
		return add_text(p, "<unknown>", 9);
	return expand_addr(p, addr, at, depth);
}

bool mm_resolve(st_mmprof *p, uint64_t id, uint64_t culprit)
{
	p->text.len = 0;
	p->refs = 0;
	p->top = culprit;
	return expand_id(p, id, culprit, 0);
}

bool mm_resolve_addr(st_mmprof *p, uint64_t addr, uint64_t culprit)
{
	p->text.len = 0;
	p->refs = 0;
	p->top = culprit;
	return expand_addr(p, addr, culprit, 0);
}

/* ---- UTF-8 -------------------------------------------------------------- */

void mm_clean_utf8(const unsigned char *s, size_t n, buf *c)
{
	c->len = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = s[i] >= 0x80 ? st_utf8_decode(s + i, n - i, &cp) : (s[i] != 0);
		if (k == 0) {
			buf_add(c, "\xEF\xBF\xBD", 3);
			i++;
		} else {
			buf_add(c, s + i, k);
			i += k;
		}
	}
}

uint32_t mm_intern_clean(st_mmprof *p, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (plain_ascii(s, n))
		return st_intern(p->strs, str, n);
	mm_clean_utf8(s, n, &p->clean);
	return st_intern(p->strs, p->clean.p, p->clean.len);
}
