/* bigmem.c: see bigmem.h.  Blocks below THRESHOLD live on the heap; from it
 * on they are anonymous mappings in whole huge pages, grown with mremap,
 * which moves pages instead of copying them. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "stalactite/bigmem.h"
#include "stalactite/xalloc.h"

#define BIG ((size_t)2 << 20)   /* huge page size and alignment */
#define THRESHOLD ((size_t)256 << 10)

/* Arrays of at least this many bytes get huge pages (st_big_set_huge_min);
 * 0, the default: all mapped ones. */
static _Atomic size_t huge_min;

void st_big_set_huge_min(size_t bytes)
{
	atomic_store_explicit(&huge_min, bytes, memory_order_relaxed);
}

static void advise(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	if (size >= atomic_load_explicit(&huge_min, memory_order_relaxed))
		madvise(p, size, MADV_HUGEPAGE);
#else
	(void)p;
	(void)size;
#endif
}

static size_t round_up(size_t n)
{
	return (n + BIG - 1) & ~(BIG - 1);
}

/* A mapping of size bytes (a multiple of BIG) aligned to BIG, so that the
 * kernel can back it with huge pages: map more, then trim both ends. */
static void *map_big(size_t size)
{
	char *p = mmap(NULL, size + BIG, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		st_fatal("out of memory (mapping %zu bytes)", size);
	char *a = (char *)(((uintptr_t)p + BIG - 1) & ~(uintptr_t)(BIG - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + size, (size_t)(p + BIG - a));
	advise(a, size);
	return a;
}

void *st_big_realloc(void *p, size_t old_size, size_t new_size)
{
	if (new_size < THRESHOLD && (old_size < THRESHOLD || !p)) {
		return st_xrealloc(p, new_size);
	}
	size_t want = round_up(new_size);
	if (p && old_size >= THRESHOLD) {
		size_t have = round_up(old_size);
		if (want == have)
			return p;
		/* move the pages into a fresh aligned mapping: no copy */
		void *q = map_big(want);
		if (mremap(p, have, want, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED)
			st_fatal("out of memory (mapping %zu bytes)", want);
		advise(q, want);
		return q;
	}
	/* heap block (or nothing) crossing the threshold: move it to a mapping */
	void *q = map_big(want);
	if (p) {
		memcpy(q, p, old_size < new_size ? old_size : new_size);
		free(p);
	}
	return q;
}

void *st_big_calloc(size_t size)
{
	if (size < THRESHOLD)
		return st_xcalloc(size ? size : 1, 1);
	return map_big(round_up(size));
}

void st_big_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size >= THRESHOLD)
		munmap(p, round_up(size));
	else
		free(p);
}

void st_big_release(void *p, size_t size, size_t from, size_t to)
{
	if (!p || size < THRESHOLD || to > size)
		return;
	long n = sysconf(_SC_PAGESIZE);   /* no static: callers are threads */
	size_t page = n > 0 ? (size_t)n : 4096;
	from = (from + page - 1) / page * page;
	to = to / page * page;
	if (to > from)
		madvise((char *)p + from, to - from, MADV_DONTNEED);
}
