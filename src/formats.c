/* formats.c: sniffing and the event buffer shared by the non-mmprof loaders.
 *
 * The builder needs, per thread, the latest-ending event first and an
 * enclosing event before an equal-ended child.  Text and JSON inputs give
 * events in file order (and whole microseconds make children end past their
 * parents), so every loader collects its events here; feeding first nests
 * them by start (cutting partial overlaps at the parent's end, so that the
 * builder never refuses a rounding artefact) and then sorts them by end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/formats.h"
#include "stalactite/xalloc.h"

static size_t skip_ws(const unsigned char *d, size_t len, size_t i)
{
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' ||
	                   d[i] == '\r'))
		i++;
	return i;
}

static bool starts(const unsigned char *d, size_t len, size_t i, const char *p)
{
	size_t n = strlen(p);
	return len - i >= n && memcmp(d + i, p, n) == 0;
}

/* A folded stack line: printable text, a space, then digits. */
static bool folded_line(const unsigned char *d, size_t n)
{
	while (n && d[n - 1] == '\r')
		n--;
	size_t j = n;
	while (j && d[j - 1] >= '0' && d[j - 1] <= '9')
		j--;
	if (j == n || j < 2 || d[j - 1] != ' ')
		return false;
	for (size_t i = 0; i + 1 < j; i++)
		if (d[i] < 0x20 && d[i] != '\t')
			return false;
	return true;
}

st_text_format st_formats_sniff(const unsigned char *data, size_t len)
{
	if (len > ST_FORMATS_SNIFF)
		len = ST_FORMATS_SNIFF;
	size_t i = starts(data, len, 0, "\xef\xbb\xbf") ? 3 : 0;
	i = skip_ws(data, len, i);
	if (i < len && data[i] == '[') {
		size_t j = skip_ws(data, len, i + 1);
		if (j == len || data[j] == '{' || data[j] == ']')
			return ST_TF_TRACE;
	}
	if (i < len && data[i] == '{') {
		/* the JSON object form: its first key is one of the format's */
		static const char *const keys[] = {
			"\"traceEvents\"", "\"displayTimeUnit\"", "\"otherData\"",
			"\"beginningOfTime\"", "\"systemTraceEvents\"", "\"stackFrames\"",
			"\"samples\"" };
		size_t j = skip_ws(data, len, i + 1);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			if (starts(data, len, j, keys[k]))
				return ST_TF_TRACE;
		return ST_TF_NONE;
	}
	if (starts(data, len, i, "===---"))
		return ST_TF_LLVMPASSES;
	/* time-passes: a "time:" line, maybe after rustc's own messages;
	 * folded stacks: the first line that is no comment, whole, and either
	 * a stack of several frames or followed by another such line (a lone
	 * "version = 4" is no stack) */
	size_t at = i, folded = 0;
	bool several = false;
	while (at < len) {
		const unsigned char *nl = memchr(data + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (data + at)) : len - at;
		if (n > 5 && memcmp(data + at, "time:", 5) == 0) {
			size_t j = at + 5;
			while (j < at + n && data[j] == ' ')
				j++;
			if (j < at + n && data[j] >= '0' && data[j] <= '9' &&
			    memchr(data + j, ';', at + n - j))
				return ST_TF_TIMEPASSES;
		}
		if (!nl)
			break;
		if (n && data[at] != '#' && folded < 2) {
			if (!folded_line(data + at, n))
				folded = 3;   /* not folded stacks */
			else if (folded++ == 0)
				several = memchr(data + at, ';', n) != NULL;
		}
		at += n + 1;
	}
	return folded == 2 || (folded == 1 && several) ? ST_TF_FOLDED : ST_TF_NONE;
}

const char *st_formats_name(st_text_format f)
{
	switch (f) {
	case ST_TF_TRACE: return "chrome trace";
	case ST_TF_TIMEPASSES: return "time-passes";
	case ST_TF_LLVMPASSES: return "time-llvm-passes";
	case ST_TF_FOLDED: return "folded stacks";
	default: return "unknown";
	}
}

void st_formats_crate(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	/* cargo's -C extra-filename: "-" and 16 hex digits */
	if (n > 17 && base[n - 17] == '-' &&
	    strspn(base + n - 16, "0123456789abcdef") >= 16)
		n -= 17;
	if (n == 0 || strcmp(path, "<stdin>") == 0) {
		base = "stdin";
		n = 5;
	}
	snprintf(out, cap, "%.*s", (int)n, base);
}

int st_decimal_ns(const char *s, size_t n, uint64_t unit_ns, uint64_t *out)
{
	size_t i = 0;
	uint64_t whole = 0, frac = 0, scale = unit_ns;
	bool digits = false, half = false, more = false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits = true) {
		if (whole > (UINT64_MAX / 10 - 10) / unit_ns)
			return 0;
		whole = whole * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits = true) {
			if (scale > 1) {
				scale /= 10;
				frac += scale * (uint64_t)(s[i] - '0');
			} else if (scale == 1) {   /* the first digit past ns rounds */
				half = s[i] >= '5';
				scale = 0;
			} else if (s[i] != '0') {
				more = true;
			}
		}
	}
	(void)more;
	if (!digits || i != n)
		return 0;
	*out = whole * unit_ns + frac + (half ? 1 : 0);
	return 1;
}

/* ---- the event buffer ----------------------------------------------------- */

void st_evbuf_add(st_evbuf *eb, uint32_t thread, uint32_t kind, uint32_t label,
                  uint64_t start, uint64_t end, const uint32_t *args,
                  uint32_t nargs, uint64_t at)
{
	if (eb->len == eb->cap) {
		eb->cap = eb->cap ? eb->cap * 2 : 1024;
		eb->v = st_xreallocarray(eb->v, eb->cap, sizeof *eb->v);
	}
	while (eb->nargs + nargs > eb->argcap) {
		eb->argcap = eb->argcap ? eb->argcap * 2 : 1024;
		eb->args = st_xreallocarray(eb->args, eb->argcap, sizeof *eb->args);
	}
	if (nargs)
		memcpy(eb->args + eb->nargs, args, nargs * sizeof *args);
	eb->v[eb->len++] = (st_fev){ .start = start, .end = end, .at = at,
		.thread = thread, .kind = kind, .label = label,
		.arg0 = (uint32_t)eb->nargs, .nargs = nargs,
		.seq = (uint32_t)eb->len + 1 };
	eb->nargs += nargs;
}

static int cmp3(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* thread, start ascending, end descending, then the order added */
static int by_start(const void *pa, const void *pb)
{
	const st_fev *a = pa, *b = pb;
	int c = cmp3(a->thread, b->thread);
	if (!c) c = cmp3(a->start, b->start);
	if (!c) c = cmp3(b->end, a->end);
	if (!c) c = cmp3(a->seq, b->seq);
	return c;
}

/* thread, end descending, start ascending, outer first: the builder's order */
static int by_end(const void *pa, const void *pb)
{
	const st_fev *a = pa, *b = pb;
	int c = cmp3(a->thread, b->thread);
	if (!c) c = cmp3(b->end, a->end);
	if (!c) c = cmp3(a->start, b->start);
	if (!c) c = cmp3(a->depth, b->depth);
	return c;
}

/* An in-place sort: glibc's qsort is a merge sort that mallocs a copy of
 * the array, which for a large trace was the loader's peak memory.  Both
 * orders are total (no two events compare equal), so any sort gives qsort's
 * result.  Quicksort, median of three, heapsort past 2 log n levels. */
static void swap_fev(st_fev *a, st_fev *b)
{
	st_fev t = *a;
	*a = *b;
	*b = t;
}

static void sift(st_fev *v, size_t root, size_t n,
                 int (*cmp)(const void *, const void *))
{
	for (size_t c; (c = 2 * root + 1) < n; root = c) {
		if (c + 1 < n && cmp(&v[c], &v[c + 1]) < 0)
			c++;
		if (cmp(&v[root], &v[c]) >= 0)
			return;
		swap_fev(&v[root], &v[c]);
	}
}

static void sort_fev(st_fev *v, size_t n, int (*cmp)(const void *, const void *),
                     unsigned levels)
{
	while (n > 16) {
		if (levels-- == 0) {
			for (size_t i = n / 2; i-- > 0;)
				sift(v, i, n, cmp);
			for (size_t i = n; --i > 0;) {
				swap_fev(&v[0], &v[i]);
				sift(v, 0, i, cmp);
			}
			return;
		}
		size_t m = n / 2;
		if (cmp(&v[m], &v[0]) < 0)
			swap_fev(&v[m], &v[0]);
		if (cmp(&v[n - 1], &v[m]) < 0) {
			swap_fev(&v[n - 1], &v[m]);
			if (cmp(&v[m], &v[0]) < 0)
				swap_fev(&v[m], &v[0]);
		}
		swap_fev(&v[m], &v[n - 2]);   /* the pivot, out of the way */
		st_fev *p = &v[n - 2];
		size_t i = 0, j = n - 2;
		for (;;) {
			while (cmp(&v[++i], p) < 0)
				;
			while (cmp(&v[--j], p) > 0)
				;
			if (i >= j)
				break;
			swap_fev(&v[i], &v[j]);
		}
		swap_fev(&v[i], &v[n - 2]);
		/* recurse into the smaller side, loop on the larger */
		if (i < n - i - 1) {
			sort_fev(v, i, cmp, levels);
			v += i + 1;
			n -= i + 1;
		} else {
			sort_fev(v + i + 1, n - i - 1, cmp, levels);
			n = i;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(&v[j], &v[j - 1]) < 0; j--)
			swap_fev(&v[j], &v[j - 1]);
}

static void sort_events(st_fev *v, size_t n,
                        int (*cmp)(const void *, const void *))
{
	unsigned levels = 0;
	for (size_t k = n; k; k >>= 1)
		levels += 2;
	sort_fev(v, n, cmp, levels);
}

int st_evbuf_feed(st_evbuf *eb, st_builder *b, char *err, size_t errlen)
{
	if (eb->len < 1)
		return 0;
	sort_events(eb->v, eb->len, by_start);
	size_t *stack = NULL, depth = 0, cap = 0;
	for (size_t i = 0; i < eb->len; i++) {
		st_fev *e = &eb->v[i];
		if (i && eb->v[i - 1].thread != e->thread)
			depth = 0;
		while (depth) {
			const st_fev *top = &eb->v[stack[depth - 1]];
			if (e->end <= top->end)
				break;   /* sorted by start: inside it */
			if (top->end > e->start) {   /* partly over: cut to fit */
				e->end = top->end;
				eb->clipped++;
				break;
			}
			depth--;
		}
		e->depth = (uint32_t)depth;
		if (depth == cap) {
			cap = cap ? cap * 2 : 64;
			stack = st_xreallocarray(stack, cap, sizeof *stack);
		}
		stack[depth++] = i;
	}
	free(stack);
	sort_events(eb->v, eb->len, by_end);
	for (size_t i = 0; i < eb->len; i++) {
		const st_fev *f = &eb->v[i];
		st_event e = { .type = ST_EV_INTERVAL, .thread = f->thread,
			.kind = f->kind, .label = f->label,
			.args = f->nargs ? eb->args + f->arg0 : NULL,
			.nargs = f->nargs, .start = f->start, .end = f->end };
		const char *why;
		if (!st_builder_event(b, &e, &why)) {
			snprintf(err, errlen, "%s %llu: %s", eb->at_unit,
			         (unsigned long long)f->at, why);
			return -1;
		}
	}
	return 0;
}

void st_evbuf_free(st_evbuf *eb)
{
	free(eb->v);
	free(eb->args);
	memset(eb, 0, sizeof *eb);
}

int st_formats_load(st_text_format f, const unsigned char *data, size_t len,
                    bool mapped, st_builder *b, const char *path, char *warn, size_t warnlen,
                    char *err, size_t errlen)
{
	st_evbuf eb = { .at_unit = f == ST_TF_TRACE ? "offset" : "line",
	                .mapped = mapped };
	char crate[256];
	st_strtab *strs = st_builder_strs(b);
	warn[0] = '\0';
	int rc;
	switch (f) {
	case ST_TF_TRACE:
		rc = st_trace_parse(data, len, strs, &eb, warn, warnlen, err, errlen);
		break;
	case ST_TF_TIMEPASSES:
		rc = st_timepasses_parse(data, len, strs, &eb, warn, warnlen, err,
		                         errlen);
		break;
	case ST_TF_LLVMPASSES:
		rc = st_llvmpasses_parse(data, len, strs, &eb, warn, warnlen, err,
		                         errlen);
		break;
	case ST_TF_FOLDED:
		rc = st_folded_parse(data, len, strs, &eb, warn, warnlen, err, errlen);
		break;
	default:
		snprintf(err, errlen, "offset 0: not a format stalactite reads");
		rc = -1;
	}
	if (rc == 0) {
		/* the arguments must stay valid until the source ends */
		st_formats_crate(path, crate, sizeof crate);
		st_builder_begin_source(b, path, st_formats_name(f), crate, len);
		st_builder_set_crate(b, crate, ST_CK_LIB);
		rc = st_evbuf_feed(&eb, b, err, errlen);
		st_builder_end_source(b, eb.len);
	}
	st_evbuf_free(&eb);
	return rc;
}
