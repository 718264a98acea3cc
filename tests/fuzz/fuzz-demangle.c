/* libFuzzer target for the demangler and name normalisation: any input must
 * neither crash nor overrun, and results must be consistent between output
 * capacities.  Build: ./configure --enable-fuzzing CC=clang && make
 * tests/fuzz/fuzz-demangle; run with tests/data/demangle/vectors.tsv's
 * symbols as a seed corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/demangle.h"
#include "stalactite/async-kind.h"
#include "stalactite/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char big[1 << 16], small[64], alt[1 << 16];

static void check_demangle(const char *s, size_t n, int flags)
{
	size_t r = st_demangle(s, n, big, sizeof big, flags);
	if (r == (size_t)-1)
		return;
	if (r >= sizeof big || big[r] != '\0')
		abort();
	/* A smaller buffer either fails or gives the same text. */
	size_t r2 = st_demangle(s, n, small, sizeof small, flags);
	if (r2 != (size_t)-1 && (r2 != r || memcmp(small, big, r)))
		abort();
}

static void check_names(const char *s, size_t n)
{
	st_name_normalize(s, n, big, sizeof big);
	st_name_normalize(s, n, small, sizeof small);
	st_name_elide_generics(s, n, alt, sizeof alt, false);
	st_name_elide_generics(s, n, small, sizeof small, true);
	st_name_erase_generics(s, n, small, sizeof small, NULL);
	if (3 * n + 1 <= sizeof alt) {
		/* never truncated at 3n + 1 bytes, and a set's name is its own
		 * set's: erasing again changes nothing */
		size_t lists, again, r = st_name_erase_generics(s, n, alt, sizeof alt, &lists);
		if (r > 3 * n || alt[r] != '\0')
			abort();
		size_t r2 = st_name_erase_generics(alt, r, big, sizeof big, &again);
		if (r2 != r || memcmp(big, alt, r) || again != lists)
			abort();
	}
	st_async_evidence *ev = st_async_evidence_new();
	st_async_evidence_scan(ev, s, n);
	st_async_evidence_end_source(ev);   /* the input as a key, then a name */
	st_async_evidence_scan(ev, s, n);
	st_async_note_name(ev, s, n);
	size_t off, len;
	st_async_classify(ev, s, n, NULL);
	if (st_async_owner(ev, s, n, &off, &len, NULL) && (off > n || len > n - off))
		abort();
	st_async_evidence_free(ev);
}

/* The --demangle filter over the input as text. */
static void check_stream(char *s, size_t n)
{
	static char sink[1 << 17];
	FILE *in = fmemopen(s, n ? n : 1, "r");
	FILE *out = fmemopen(sink, sizeof sink, "w");
	if (in && out)
		st_demangle_stream(in, out, 0);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);   /* exact size, so ASan sees overreads */
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_demangle(s, size, 0);
	check_demangle(s, size, ST_DEMANGLE_FULL);
	check_names(s, size);
	check_stream(s, size);
	free(s);
	return 0;
}
