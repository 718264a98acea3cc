/* radix.c: see radix.h. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/radix.h"
#include "stalactite/xalloc.h"

void st_radix_sort(st_rkey *k, uint32_t n)
{
	if (n < 2)
		return;
	/* every byte's histogram in one pass; a byte with one value moves
	 * nothing and is skipped */
	uint32_t (*count)[256] = st_xcalloc(8, sizeof *count);
	for (uint32_t j = 0; j < n; j++)
		for (int b = 0; b < 8; b++)
			count[b][(k[j].v >> (8 * b)) & 0xff]++;
	st_rkey *tmp = st_xreallocarray(NULL, n, sizeof *tmp), *from = k, *to = tmp;
	for (int b = 0; b < 8; b++) {
		uint32_t *c = count[b];
		if (c[(from[0].v >> (8 * b)) & 0xff] == n)
			continue;
		uint32_t at = 0;
		for (int d = 0; d < 256; d++) {
			uint32_t m = c[d];
			c[d] = at;
			at += m;
		}
		for (uint32_t j = 0; j < n; j++)
			to[c[(from[j].v >> (8 * b)) & 0xff]++] = from[j];
		st_rkey *s = from;
		from = to;
		to = s;
	}
	if (from != k)
		memcpy(k, from, (size_t)n * sizeof *k);
	free(tmp);
	free(count);
}

uint64_t st_radix_chunk(const char *s, size_t at, int *ends)
{
	uint64_t v = 0;
	int b = 0;
	*ends = 0;
	for (; b < 8; b++) {
		unsigned char ch = (unsigned char)s[at + (size_t)b];
		if (!ch) {
			*ends = 1;
			break;
		}
		v |= (uint64_t)ch << (8 * (7 - b));
	}
	return v;
}
