/* test-trace: a trace read in two parts at once is the trace read once.
 *
 * st_trace_parse splits a large events array at a guessed element boundary
 * and reads the second part on a thread of its own.  For every shape below
 * (a plain LLVM time trace; a guess that falls inside a string; an array
 * that ends before the middle; B/E pairs, an element for cJSON, bad values,
 * a cut in the second part; a bad value in the first; a load cancelled
 * midway) the split
 * reading must give what one reading gives: the same return, message and
 * warning and, when it succeeds, the same events field by field and the
 * same strings in the same order.  Where the second part cannot be kept, the test checks that it
 * was not (so that the comparison is of the fallback, not of luck). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/formats.h"
#include "stalactite/model.h"
#include "stalactite/report.h"
#include "stalactite/strtab.h"

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)(n > 0 ? n : 0) + 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
}

enum { PLAIN, INSIDE_STRING, ENDS_EARLY, PAIRS_LATE, ESCAPE_LATE, BAD_LATE,
       CUT_LATE, BAD_EARLY, NSHAPES };

static const char *const shape_names[NSHAPES] = {
	"plain", "guess inside a string", "array ends early", "B/E late",
	"escape late", "bad value late", "cut late", "bad value early",
};

/* An LLVM time trace as rustc writes it: per thread, passes on functions
 * (names repeat across both halves, and some are new in each), OptFunction
 * around them, "Total" sums, then thread names. */
static buf make_trace(int shape)
{
	buf b = { 0 };
	put(&b, "{\"traceEvents\":[");
	const int nthreads = 5, per = 1500;
	unsigned n = 0;
	for (int t = 0; t < nthreads; t++) {
		for (int i = 0; i < per; i++, n++) {
			uint64_t ts = 1000 + (uint64_t)i * 10;
			int fn = (t * 7 + i / 6) % 400;
			const char *pass = i % 3 == 0 ? "InstCombinePass" :
			                   i % 3 == 1 ? "SROAPass" : "GVNPass";
			if (shape == INSIDE_STRING && t == 2 && i == per / 2) {
				/* a long name around the middle, full of "},{" */
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":%llu,\"ph\":\"X\","
				    "\"dur\":1,\"name\":\"odd", 100 + t,
				    (unsigned long long)ts);
				for (int k = 0; k < 4000; k++)
					put(&b, "},{x");
				put(&b, "\",\"args\":{\"detail\":\"f%d\"}},", fn);
				continue;
			}
			if (shape == PAIRS_LATE && t == 4 && i == per / 2) {
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":%llu,\"ph\":\"B\","
				    "\"name\":\"Pair\"},{\"pid\":1,\"tid\":%d,\"ts\":%llu,"
				    "\"ph\":\"E\"},", 100 + t, (unsigned long long)ts,
				    100 + t, (unsigned long long)ts + 2);
				continue;
			}
			if (shape == ESCAPE_LATE && t == 4 && i == per / 2) {
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":%llu,\"ph\":\"X\","
				    "\"dur\":1,\"name\":\"Esc\\\"aped\",\"args\":{\"detail\":"
				    "\"f%d\"}},", 100 + t, (unsigned long long)ts, fn);
				continue;
			}
			if ((shape == BAD_LATE && t == 4 && i == per / 2) ||
			    (shape == BAD_EARLY && t == 0 && i == per / 2)) {
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":-5,\"ph\":\"X\","
				    "\"dur\":1,\"name\":\"Neg\"},", 100 + t);
				continue;
			}
			if (shape == CUT_LATE && t == 4 && i == per / 2) {
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":%llu,\"ph\":\"X\",\"du",
				    100 + t, (unsigned long long)ts);
				return b;
			}
			if (i % 6 == 5)
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":%llu,\"ph\":\"X\","
				    "\"dur\":%d,\"name\":\"OptFunction\",\"args\":{\"detail\":"
				    "\"f%d\"}},", 100 + t, (unsigned long long)ts - 50, 58,
				    fn);
			else
				put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":%llu,\"ph\":\"X\","
				    "\"dur\":%d,\"name\":\"%s\",\"args\":{\"detail\":"
				    "\"%s%d\"}},", 100 + t, (unsigned long long)ts, 1 + i % 5,
				    pass, t >= 3 && i % 2 ? "g" : "f", fn);
		}
		put(&b, "{\"pid\":1,\"tid\":%d,\"ts\":900,\"ph\":\"X\",\"dur\":20000,"
		    "\"name\":\"OptModule\",\"args\":{\"detail\":\"m-cgu.%02d\"}},",
		    100 + t, t);
		if (shape == ENDS_EARLY && t == 0)
			break;
	}
	put(&b, "{\"pid\":1,\"tid\":300,\"ph\":\"X\",\"ts\":0,\"dur\":9,"
	    "\"name\":\"Total SROAPass\",\"args\":{\"count\":3,\"avg ms\":0}}");
	for (int t = 0; t < nthreads; t++)
		put(&b, ",{\"cat\":\"\",\"pid\":1,\"tid\":%d,\"ts\":0,\"ph\":\"M\","
		    "\"name\":\"thread_name\",\"args\":{\"name\":\"opt cgu.%02d\"}}",
		    100 + t, t);
	put(&b, "]");
	if (shape == ENDS_EARLY) {   /* most bytes after the array */
		put(&b, ",\"padding\":\"");
		for (int k = 0; k < 60000; k++)
			put(&b, "pad},{ ");
		put(&b, "\"");
	}
	put(&b, ",\"beginningOfTime\":1}");
	(void)n;
	return b;
}

typedef struct reading {
	int rc;
	char warn[512], err[512];
	st_strtab *strs;
	st_evbuf eb;
	unsigned calls;   /* progress calls */
	unsigned stop_at; /* progress says stop at this call (0: never) */
} reading;

static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	reading *r = ctx;
	CHECK(done <= total);
	return ++r->calls != r->stop_at;
}

static void read_trace(const buf *b, unsigned threads, reading *r)
{
	r->strs = st_strtab_new();
	r->eb = (st_evbuf){ .at_unit = "offset", .threads = threads,
	                    .progress = on_progress, .progress_ctx = r,
	                    .total = b->len };
	r->rc = st_trace_parse((const unsigned char *)b->p, b->len, r->strs,
	                       &r->eb, r->warn, sizeof r->warn, r->err,
	                       sizeof r->err);
}

static void free_reading(reading *r)
{
	st_evbuf_free(&r->eb);
	st_strtab_free(r->strs);
}

static void same(const reading *a, const reading *b, const char *what)
{
	int failed = check_failures;
	CHECK_INT(a->rc, b->rc);
	CHECK_STR(a->err, b->err);
	CHECK_STR(a->warn, b->warn);
	if (a->rc != 0)   /* what was read before an error is thrown away */
		return;
	CHECK_INT(a->eb.len, b->eb.len);
	CHECK_INT(a->eb.nargs, b->eb.nargs);
	uint32_t ns = st_strtab_count(a->strs);
	CHECK_INT(st_strtab_count(b->strs), ns);
	bool strings = st_strtab_count(b->strs) == ns;
	for (uint32_t i = 0; strings && i < ns; i++)
		strings = strcmp(st_str(a->strs, i), st_str(b->strs, i)) == 0;
	CHECK(strings);
	size_t diff = 0;
	for (size_t i = 0; a->eb.len == b->eb.len && i < a->eb.len; i++) {
		const st_fev *x = &a->eb.v[i], *y = &b->eb.v[i];
		bool eq = x->start == y->start && x->end == y->end && x->at == y->at &&
		          x->thread == y->thread && x->kind == y->kind &&
		          x->label == y->label && x->nargs == y->nargs &&
		          x->seq == y->seq;
		for (uint32_t k = 0; eq && k < x->nargs; k++)
			eq = a->eb.args[x->arg0 + k] == b->eb.args[y->arg0 + k];
		diff += !eq;
	}
	CHECK_INT(diff, 0);
	if (check_failures > failed)
		fprintf(stderr, "  (shape: %s; %zu events differ)\n", what, diff);
}

static void test_shapes(void)
{
	size_t keep = st_trace_split_min;
	st_trace_split_min = 0;
	for (int s = 0; s < NSHAPES; s++) {
		buf b = make_trace(s);
		reading one = { 0 }, two = { 0 };
		read_trace(&b, 1, &one);
		read_trace(&b, 2, &two);
		same(&one, &two, shape_names[s]);
		CHECK_INT(one.eb.parts, 1);
		/* the second part is kept where nothing in it needs the first */
		unsigned want = s == PLAIN || s == BAD_LATE || s == CUT_LATE ||
		                s == ESCAPE_LATE ? 2 : 1;
		if (two.eb.parts != want)
			fprintf(stderr, "shape %s: %u parts\n", shape_names[s],
			        two.eb.parts);
		CHECK_INT(two.eb.parts, want);
		if (s == PLAIN) {
			CHECK_INT(one.rc, 0);
			CHECK(one.eb.len > 7000);
		}
		if (s == BAD_LATE || s == BAD_EARLY)
			CHECK(strstr(one.err, "without a valid \"ts\"") != NULL);
		if (s == CUT_LATE)
			CHECK(strstr(one.warn, "cut short") != NULL);
		free_reading(&one);
		free_reading(&two);
		free(b.p);
	}
	/* below the size, one part */
	st_trace_split_min = (size_t)1 << 30;
	buf b = make_trace(PLAIN);
	reading r = { 0 };
	read_trace(&b, 2, &r);
	CHECK_INT(r.eb.parts, 1);
	free_reading(&r);
	free(b.p);
	st_trace_split_min = keep;
}

/* Progress saying stop ends a split reading with "cancelled", the second
 * part joined (ASan and the leak checker see to the rest). */
static void test_cancel(void)
{
	size_t keep = st_trace_split_min;
	st_trace_split_min = 0;
	buf b = make_trace(PLAIN);
	/* big enough for several progress calls: repeat the array's body */
	buf big = { 0 };
	put(&big, "[");
	for (int k = 0; k < 12; k++) {
		const char *body = strchr(b.p, '[') + 1;
		const char *end = strrchr(b.p, ']');
		put(&big, "%s%.*s", k ? "," : "", (int)(end - body), body);
	}
	put(&big, "]");
	for (unsigned stop = 1; stop <= 3; stop++) {
		reading r = { .stop_at = stop };
		read_trace(&big, 2, &r);
		CHECK_INT(r.rc, -1);
		CHECK_STR(r.err, "cancelled");
		free_reading(&r);
	}
	free(big.p);
	free(b.p);
	st_trace_split_min = keep;
}

typedef struct feed_calls {
	unsigned at_end;   /* calls with every byte done */
	unsigned stop_at;  /* say stop at this one (0: never) */
} feed_calls;

static bool on_feed_progress(void *ctx, uint64_t done, uint64_t total)
{
	feed_calls *c = ctx;
	c->at_end += done == total;
	return c->stop_at == 0 || c->at_end < c->stop_at;
}

static char *report_of(st_model *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	st_report_opts ro = { .format = ST_REPORT_JSON };
	CHECK(f && st_report_write(f, m, &ro) == 0);
	if (f)
		fclose(f);
	return text;
}

/* Feeding a large trace tells progress as it goes (the bytes all read),
 * and progress saying stop there ends the load with "cancelled".  Read in
 * two parts (the second large enough to be given back as it is merged),
 * it gives the report one part gives. */
static void test_feed_progress(void)
{
	size_t keep = st_trace_split_min;
	st_trace_split_min = 0;
	char *want = NULL;
	buf b = { 0 };
	put(&b, "{\"traceEvents\":[");
	for (unsigned i = 0; i < 200000; i++)
		put(&b, "%s{\"pid\":1,\"tid\":2,\"ts\":%u,\"ph\":\"X\",\"dur\":1,"
		    "\"name\":\"P%u\",\"args\":{\"detail\":\"f%u\"}}", i ? "," : "",
		    10 * i, i % 7, i % 101);
	put(&b, "]}");
	for (unsigned run = 0; run < 3; run++) {
		unsigned stop = run == 2 ? 2 : 0, threads = run == 1 ? 2 : 1;
		feed_calls c = { .stop_at = stop };
		char warn[256], err[256];
		st_model *m = st_model_new();
		st_builder *bl = st_builder_new(m);
		int rc = st_formats_load_progress(ST_TF_TRACE, (const unsigned char *)b.p,
		                                  b.len, false, threads, bl,
		                                  "x.llvm_timings.json", on_feed_progress,
		                                  &c, warn, sizeof warn, err, sizeof err);
		if (stop == 0) {
			CHECK_INT(rc, 0);
			/* once when parsed, then twice or more while fed */
			CHECK(c.at_end >= 3);
			st_builder_finish(bl);
			char *got = report_of(m);
			if (!want)
				want = got;
			else {
				CHECK(got && strcmp(want, got) == 0);
				free(got);
			}
		} else {
			CHECK_INT(rc, -1);
			CHECK_STR(err, "cancelled");
		}
		st_builder_free(bl);
		st_model_free(m);
	}
	free(want);
	free(b.p);
	st_trace_split_min = keep;
}

/* A NUL escaped in a name keeps the rest of it (U+FFFD stands for the
 * NUL); an escaped backslash before "u0000" is no NUL, and a bad element
 * after one is still named at its own offset. */
static void test_nul_escape(void)
{
	buf b = { 0 };
	put(&b, "[{\"ph\":\"X\",\"name\":\"a\\u0000b\",\"ts\":1,\"dur\":5,\"pid\":1,\"tid\":1},"
	    "{\"ph\":\"X\",\"name\":\"c\\\\u0000d\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":1}]");
	reading r = { 0 };
	read_trace(&b, 1, &r);
	CHECK_INT(r.rc, 0);
	CHECK(st_lookup(r.strs, "a\xef\xbf\xbd" "b", 5) != ST_NOSTR);
	CHECK(st_lookup(r.strs, "c\\u0000d", 8) != ST_NOSTR);
	free_reading(&r);
	free(b.p);
	b = (buf){ 0 };
	put(&b, "[{\"ph\":\"X\",\"name\":\"a\\u0000\",\"ts\":1,\"dur\":x}]");
	memset(&r, 0, sizeof r);
	read_trace(&b, 1, &r);
	CHECK_INT(r.rc, -1);
	CHECK_STR(r.err, "offset 41: bad JSON in a trace event");
	free_reading(&r);
	free(b.p);
}

int main(void)
{
	test_nul_escape();
	test_shapes();
	test_cancel();
	test_feed_progress();
	return check_done();
}
