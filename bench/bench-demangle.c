/* bench-demangle: demangling and normalisation throughput on one core.
 *
 * Reads the symbols of tests/data/demangle/vectors.tsv (or the file given as
 * the first argument; one symbol per line, first tab-separated column) and
 * demangles them repeatedly, one core, in rounds of about 0.1 s per mode,
 * then prints symbols per second (best and median round) and MB/s of input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stalactite/demangle.h"
#include "stalactite/names.h"

typedef struct syms {
	char **s;
	size_t *len;
	size_t n, cap, bytes;
} syms;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void load(syms *v, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	if (!f) {
		perror(path);
		exit(1);
	}
	while (getline(&line, &cap, f) > 0) {
		size_t n = strcspn(line, "\t\n");
		if (!n)
			continue;
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 1024;
			v->s = realloc(v->s, v->cap * sizeof *v->s);
			v->len = realloc(v->len, v->cap * sizeof *v->len);
			if (!v->s || !v->len)
				exit(1);
		}
		v->s[v->n] = strndup(line, n);
		v->len[v->n++] = n;
		v->bytes += n;
	}
	free(line);
	fclose(f);
}

typedef size_t (*op)(const char *s, size_t n, char *out, size_t cap, int flags);

static size_t op_norm(const char *s, size_t n, char *out, size_t cap, int flags)
{
	(void)flags;
	return st_name_normalize(s, n, out, cap);
}

/* One pass over all symbols; returns the seconds it took. */
static double pass(const syms *v, op f, int flags, size_t *fails)
{
	static char out[1 << 16];
	double t0 = now();
	for (size_t i = 0; i < v->n; i++)
		*fails += f(v->s[i], v->len[i], out, sizeof out, flags) == (size_t)-1;
	return now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ROUNDS rounds of about 0.1 s each; the machine may be shared, so the best
 * round (least disturbed) and the median are both reported. */
#define ROUNDS 15
static void run(const char *label, const syms *v, op f, int flags)
{
	double rate[ROUNDS];
	size_t fails = 0;
	for (int r = 0; r < ROUNDS; r++) {
		double t = 0;
		size_t done = 0;
		while (t < 0.1) {
			t += pass(v, f, flags, &fails);
			done += v->n;
		}
		rate[r] = done / t;
	}
	qsort(rate, ROUNDS, sizeof rate[0], cmp_double);
	printf("%-24s best %9.0f symbols/s (%6.1f MB/s)  median %9.0f symbols/s%s\n",
	       label, rate[ROUNDS - 1], rate[ROUNDS - 1] * v->bytes / v->n / 1e6,
	       rate[ROUNDS / 2], fails ? "  (some failed!)" : "");
}

int main(int argc, char **argv)
{
	char path[4096];
	const char *top = getenv("top_srcdir");
	syms all = { 0 }, v0 = { 0 }, legacy = { 0 };
	snprintf(path, sizeof path, "%s/tests/data/demangle/vectors.tsv", top ? top : ".");
	load(&all, argc > 1 ? argv[1] : path);
	for (size_t i = 0; i < all.n; i++) {
		syms *d = all.s[i][1] == 'R' ? &v0 : &legacy;
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 1024;
			d->s = realloc(d->s, d->cap * sizeof *d->s);
			d->len = realloc(d->len, d->cap * sizeof *d->len);
			if (!d->s || !d->len)
				return 1;
		}
		d->s[d->n] = all.s[i];
		d->len[d->n++] = all.len[i];
		d->bytes += all.len[i];
	}
	printf("%zu symbols (%zu v0, %zu legacy), mean length %.0f bytes\n",
	       all.n, v0.n, legacy.n, all.n ? (double)all.bytes / all.n : 0.0);
	run("demangle (display)", &all, st_demangle, 0);
	run("demangle (full)", &all, st_demangle, ST_DEMANGLE_FULL);
	run("demangle v0 only", &v0, st_demangle, 0);
	run("demangle legacy only", &legacy, st_demangle, 0);
	run("st_name_normalize", &all, op_norm, 0);
	return 0;
}
