/* Unit tests: radix.c's stable sort against a stable comparison sort on
 * keys with few and with many distinct values, and its string chunks in
 * strcmp's order. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/radix.h"

static int cmp_ref(const void *p, const void *q)
{
	const st_rkey *a = p, *b = q;
	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);   /* stable: by original place */
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_sort(void)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	static const uint64_t masks[] = { 0x3, 0xff00, 0xffffffffffffffffull,
	                                  0x8000000000000001ull, 0 };
	for (size_t m = 0; m < sizeof masks / sizeof *masks; m++) {
		for (uint32_t n = 0; n < 3000; n = n * 3 + 1) {
			st_rkey *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
			for (uint32_t i = 0; i < n; i++)
				a[i] = b[i] = (st_rkey){ rnd(&seed) & masks[m], i };
			st_radix_sort(a, n);
			qsort(b, n, sizeof *b, cmp_ref);
			int same = 1;
			for (uint32_t i = 0; i < n; i++)
				same &= a[i].v == b[i].v && a[i].i == b[i].i;
			CHECK(same);
			free(a);
			free(b);
		}
	}
}

static void test_chunks(void)
{
	static const char *const s[] = { "", "a", "ab", "abcdefgh", "abcdefghi",
		"abcdefgh\x80", "abd", "\xff", "b", "abcdefg" };
	size_t n = sizeof s / sizeof *s;
	for (size_t x = 0; x < n; x++)
		for (size_t y = 0; y < n; y++) {
			int ex, ey;
			uint64_t a = st_radix_chunk(s[x], 0, &ex), b = st_radix_chunk(s[y], 0, &ey);
			int c = strcmp(s[x], s[y]);
			/* chunks order the first eight bytes as strcmp does */
			if (a != b)
				CHECK((a < b) == (c < 0));
			else
				CHECK(strncmp(s[x], s[y], 8) == 0);
			CHECK(ex == (strlen(s[x]) < 8));
		}
	int e;
	CHECK(st_radix_chunk("abcdefghij", 8, &e) == ((uint64_t)'i' << 56 | (uint64_t)'j' << 48));
	CHECK(e == 1);
}

int main(void)
{
	test_sort();
	test_chunks();
	return check_done();
}
