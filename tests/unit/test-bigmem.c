/* test-bigmem: growable mappings keep their contents, give pages back as
 * zeros, and are marked for huge pages only from the size the load asked
 * for (st_big_set_huge_min), as the kernel's record of each mapping
 * (/proc/self/smaps, VmFlags "hg") shows. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/bigmem.h"

#define MB ((size_t)1 << 20)

/* 1: the mapping holding p is advised for huge pages, 0: not, -1: the
 * kernel does not say (no smaps, or no THP support built in). */
static int advised(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	int in = 0, r = -1;
	uintptr_t a = (uintptr_t)p;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = a >= lo && a < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			r = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return r;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (unsigned char)(i / 4096 + seed);
}

static bool same(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += 4096)
		if (p[i] != (unsigned char)(i / 4096 + seed))
			return false;
	return true;
}

int main(void)
{
	/* a mapping of 32 MB gets huge pages by default; is that visible? */
	unsigned char *probe = st_big_realloc(NULL, 0, 32 * MB);
	probe[0] = 1;
	int seen = advised(probe);
	st_big_free(probe, 32 * MB);
	if (seen < 0 || seen == 0)
		fprintf(stderr, "test-bigmem: the kernel shows no huge-page advice; "
		        "those checks are skipped\n");

	/* small loads: arrays under 16 MB keep 4 KiB pages */
	st_big_set_huge_min(16 * MB);
	unsigned char *small = st_big_realloc(NULL, 0, 4 * MB);
	unsigned char *large = st_big_realloc(NULL, 0, 32 * MB);
	fill(small, 4 * MB, 1);
	fill(large, 32 * MB, 2);
	if (seen == 1) {
		CHECK_INT(advised(small), 0);
		CHECK_INT(advised(large), 1);
	}
	/* grown past the size, the array is advised from then on, its
	 * contents kept */
	small = st_big_realloc(small, 4 * MB, 20 * MB);
	CHECK(same(small, 4 * MB, 1));
	if (seen == 1)
		CHECK_INT(advised(small), 1);
	/* pages given back read as zeros; the others stay */
	st_big_release(small, 20 * MB, 0, 2 * MB);
	CHECK_INT(small[0], 0);
	CHECK_INT(small[2 * MB], (unsigned char)(2 * MB / 4096 + 1));
	st_big_free(small, 20 * MB);
	st_big_free(large, 32 * MB);

	/* large loads: every mapped array */
	st_big_set_huge_min(0);
	unsigned char *again = st_big_realloc(NULL, 0, 4 * MB);
	again[0] = 3;
	if (seen == 1)
		CHECK_INT(advised(again), 1);
	st_big_free(again, 4 * MB);

	/* below the heap threshold: an ordinary block, grown into a mapping */
	unsigned char *heap = st_big_realloc(NULL, 0, 1000);
	memset(heap, 7, 1000);
	heap = st_big_realloc(heap, 1000, 8 * MB);
	CHECK(heap[0] == 7 && heap[999] == 7);
	st_big_free(heap, 8 * MB);
	return check_done();
}
