/* formats.c: sniffing and the event buffer shared by the non-mmprof loaders.
 *
 * The builder needs, per thread, the latest-ending event first and an
 * enclosing event before an equal-ended child.  Text and JSON inputs give
 * events in file order (and whole microseconds make children end past their
 * parents), so every loader collects its events here; feeding first nests
 * them by start (cutting partial overlaps at the parent's end, so that the
 * builder never refuses a rounding artefact) and then sorts them by end,
 * unless they lie in the builder's order already (see "in file order"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/bigmem.h"
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

/* A folded stack line: text without NUL, a space, then digits (frame names
 * may hold any other byte: they are shown escaped). */
static bool folded_line(const unsigned char *d, size_t n)
{
	while (n && d[n - 1] == '\r')
		n--;
	size_t j = n;
	while (j && d[j - 1] >= '0' && d[j - 1] <= '9')
		j--;
	if (j == n || j < 2 || d[j - 1] != ' ')
		return false;
	return !memchr(d, '\0', j - 1);
}

st_text_format st_formats_sniff(const unsigned char *data, size_t len)
{
	bool whole = len <= ST_FORMATS_SNIFF;   /* the last line ends the file */
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
	 * folded stacks: the first two lines that are no comment both such
	 * lines (or the first alone, as the whole file), one of them a stack
	 * of several frames: "id 1" and "name 2", or a mount table, are no
	 * stacks */
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
		if (!nl && !whole)
			break;
		if (n && data[at] != '#' && folded < 2) {
			if (!folded_line(data + at, n))
				folded = 3;   /* not folded stacks */
			else if (folded++ < 2)
				several |= memchr(data + at, ';', n) != NULL;
		}
		at += n + 1;
	}
	return (folded == 2 || folded == 1) && several ? ST_TF_FOLDED : ST_TF_NONE;
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
		size_t cap = eb->cap ? eb->cap * 2 : 1024;
		if (cap > SIZE_MAX / sizeof *eb->v)
			st_fatal("out of memory (%zu events)", eb->cap);
		eb->v = st_big_realloc(eb->v, eb->cap * sizeof *eb->v, cap * sizeof *eb->v);
		eb->cap = cap;
	}
	while (eb->nargs + nargs > eb->argcap) {
		size_t cap = eb->argcap ? eb->argcap * 2 : 1024;
		if (cap > SIZE_MAX / sizeof *eb->args)
			st_fatal("out of memory (%zu arguments)", eb->argcap);
		eb->args = st_big_realloc(eb->args, eb->argcap * sizeof *eb->args,
		                          cap * sizeof *eb->args);
		eb->argcap = cap;
	}
	if (nargs)
		memcpy(eb->args + eb->nargs, args, nargs * sizeof *args);
	size_t i = eb->len++;
	eb->v[i] = (st_fev){ .start = start, .end = end, .at = at,
		.thread = thread, .kind = kind, .label = label,
		.arg0 = (uint32_t)eb->nargs, .nargs = nargs,
		.seq = (uint32_t)i + 1 };
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

/* Events fed between two calls of progress: about 10-20 ms. */
#define FEED_TELL ((uint64_t)1 << 16)

/* Feeds event f, with next (NULL: none) as the builder's hint.  Feeding
 * is about half of a large trace's load: progress is told meanwhile (the
 * bytes are all read) so that a viewer stays live and can stop it. */
static int feed_one(st_evbuf *eb, st_builder *b, const st_fev *f,
                    const st_fev *next, char *err, size_t errlen)
{
	if (++eb->fed % FEED_TELL == 0 && eb->progress &&
	    !eb->progress(eb->progress_ctx, eb->total, eb->total)) {
		snprintf(err, errlen, "cancelled");
		return -1;
	}
	st_event e = { .type = ST_EV_INTERVAL, .thread = f->thread,
		.kind = f->kind, .label = f->label,
		.args = f->nargs ? eb->args + f->arg0 : NULL,
		.nargs = f->nargs, .start = f->start, .end = f->end };
	st_hint h;
	if (next)
		h = (st_hint){ .thread = next->thread, .kind = next->kind,
			.label = next->label, .nargs = next->nargs,
			.arg0 = next->nargs ? eb->args[next->arg0] : 0,
			.start = next->start, .end = next->end };
	st_builder_hint(b, &h, next != NULL);
	const char *why;
	if (!st_builder_event(b, &e, &why)) {
		snprintf(err, errlen, "%s %llu: %s", eb->at_unit,
		         (unsigned long long)f->at, why);
		return -1;
	}
	return 0;
}

/* Feeds events [lo, hi) in the order they lie. */
static int feed_range(st_evbuf *eb, st_builder *b, size_t lo, size_t hi,
                      char *err, size_t errlen)
{
	_Static_assert(ST_HINTS >= 1, "feed_one gives one hint");
	for (size_t i = lo; i < hi; i++)
		if (feed_one(eb, b, &eb->v[i], i + 1 < hi ? &eb->v[i + 1] : NULL,
		             err, errlen))
			return -1;
	return 0;
}

static int feed_sorted(st_evbuf *eb, st_builder *b, char *err, size_t errlen)
{
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
	return feed_range(eb, b, 0, eb->len, err, errlen);
}

/* ---- in file order ---------------------------------------------------------
 *
 * An LLVM time trace lists each thread's events together, each event when it
 * ends, so children before their parent: read backwards, that is the
 * builder's order already.  When every thread's events lie in one run, and
 * read backwards (a run of equal intervals in the order added, after the
 * thread's enclosing event of seq 0 that to_llvm appends) they are strictly
 * in the order by_end would give and properly nested, they are fed as they
 * lie: nesting would cut nothing and give equal intervals their depths in
 * the order added, so by_end's order is this one, and the sorts would
 * change nothing.  The check reads every event once before the first is
 * fed; any other input takes the sorts. */

typedef struct run {
	size_t lo, hi;   /* the thread's events, hi == 0: none */
	size_t outer;    /* its enclosing event of seq 0, or SIZE_MAX */
} run;

/* Per thread id, its run; NULL when some thread's events are apart. */
static run *thread_runs(const st_evbuf *eb, uint32_t *nruns)
{
	const st_fev *v = eb->v;
	size_t n = eb->len, body = n;
	while (body && v[body - 1].seq == 0)
		body--;
	uint32_t max = 0;
	for (size_t i = 0; i < n; i++)
		max = v[i].thread > max ? v[i].thread : max;
	if (max >= n)   /* more thread ids than events: not worth it */
		return NULL;
	run *r = st_xreallocarray(NULL, (size_t)max + 1, sizeof *r);
	for (uint32_t t = 0; t <= max; t++)
		r[t] = (run){ 0, 0, SIZE_MAX };
	for (size_t i = 0; i < body;) {
		uint32_t t = v[i].thread;
		size_t j = i;
		while (j < body && v[j].thread == t && v[j].seq != 0)
			j++;
		if (j == i || r[t].hi) {   /* a stray seq 0, or a second run */
			free(r);
			return NULL;
		}
		r[t].lo = i;
		r[t].hi = j;
		i = j;
	}
	for (size_t i = body; i < n; i++) {
		if (r[v[i].thread].outer != SIZE_MAX) {
			free(r);
			return NULL;
		}
		r[v[i].thread].outer = i;
	}
	*nruns = max + 1;
	return r;
}

/* Whether b comes strictly after a in by_end's order, equal intervals by
 * the order added. */
static bool after(const st_fev *a, const st_fev *b)
{
	if (a->end != b->end)
		return a->end > b->end;
	if (a->start != b->start)
		return a->start < b->start;
	return a->seq < b->seq;
}

/* An event of a group of equal ends, by start and then the order added. */
typedef struct member {
	uint64_t start;
	size_t i;
} member;

static int by_member(const void *pa, const void *pb)
{
	const member *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

typedef struct walker {
	st_evbuf *eb;
	st_builder *b;        /* NULL: check only */
	const st_fev *prev;
	const st_fev **open;  /* the check's enclosing events */
	size_t depth, cap;
	member *group;        /* events of one end, in order */
	size_t groupcap;
	size_t done;          /* bytes of eb->v given back below this */
	char *err;
	size_t errlen;
} walker;

/* One event in order: checked (false: not in order, not nested, or nested
 * deeper than the builder takes), or fed (false: the builder refused it). */
static bool visit(walker *w, const st_fev *e)
{
	if (w->b)   /* no hint: holding each event back for one measured nothing */
		return feed_one(w->eb, w->b, e, NULL, w->err, w->errlen) == 0;
	if (e->end < e->start || (w->prev && !after(w->prev, e)))
		return false;
	w->prev = e;
	while (w->depth) {   /* the builder's walk, as in st_builder_event */
		const st_fev *top = w->open[w->depth - 1];
		if (top->start <= e->start && e->end <= top->end)
			break;
		if (e->start < top->start && e->end > top->start)
			return false;
		w->depth--;
	}
	if (w->depth >= ST_MAX_NESTING)
		return false;
	if (w->depth == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->open = st_xreallocarray(w->open, w->cap, sizeof *w->open);
	}
	w->open[w->depth++] = e;
	return true;
}

/* Thread r's events in the builder's order, checked or fed: backwards,
 * events of one end (a child recorded before the parent that ends in the
 * same microsecond, and an empty one just after it) by start and then the
 * order added.  Events fed are given back a few MiB at a time. */
static bool walk_run(walker *w, const run *r)
{
	st_fev *v = w->eb->v;
	size_t bytes = w->eb->cap * sizeof *v, top = r->hi * sizeof *v;
	w->prev = NULL;
	w->depth = 0;
	if (r->outer != SIZE_MAX && !visit(w, &v[r->outer]))
		return false;
	for (size_t i = r->hi; i > r->lo;) {
		size_t j = i - 1;
		while (j > r->lo && v[j - 1].end == v[i - 1].end)
			j--;
		if (i - j == 1) {
			if (!visit(w, &v[j]))
				return false;
		} else {
			if (i - j > w->groupcap) {
				w->groupcap = i - j > 2 * w->groupcap ? i - j : 2 * w->groupcap;
				w->group = st_xreallocarray(w->group, w->groupcap,
				                            sizeof *w->group);
			}
			for (size_t k = j; k < i; k++)
				w->group[k - j] = (member){ v[k].start, k };
			qsort(w->group, i - j, sizeof *w->group, by_member);
			for (size_t k = 0; k < i - j; k++)
				if (!visit(w, &v[w->group[k].i]))
					return false;
		}
		i = j;
		if (w->b && top - i * sizeof *v >= ((size_t)4 << 20)) {
			st_big_release(v, bytes, i * sizeof *v, top);
			top = i * sizeof *v;
		}
	}
	if (w->b)
		st_big_release(v, bytes, r->lo * sizeof *v, top);
	return true;
}

/* 1: fed in file order; 0: not in order (nothing fed); -1 with err. */
static int feed_in_order(st_evbuf *eb, st_builder *b, char *err, size_t errlen)
{
	uint32_t nruns;
	run *r = thread_runs(eb, &nruns);
	if (!r)
		return 0;
	walker w = { .eb = eb, .err = err, .errlen = errlen };
	uint32_t t = 0;
	while (t < nruns && walk_run(&w, &r[t]))
		t++;
	free(w.open);
	w.open = NULL;
	int rc = t == nruns;
	w.b = b;
	for (t = 0; rc == 1 && t < nruns; t++)
		if (!walk_run(&w, &r[t]))
			rc = -1;
	free(w.group);
	free(r);
	return rc;
}

int st_evbuf_feed(st_evbuf *eb, st_builder *b, char *err, size_t errlen)
{
	if (eb->len < 1)
		return 0;
	int rc = feed_in_order(eb, b, err, errlen);
	return rc ? (rc < 0 ? -1 : 0) : feed_sorted(eb, b, err, errlen);
}

void st_evbuf_free(st_evbuf *eb)
{
	st_big_free(eb->v, eb->cap * sizeof *eb->v);
	st_big_free(eb->args, eb->argcap * sizeof *eb->args);
	memset(eb, 0, sizeof *eb);
}

int st_formats_load(st_text_format f, const unsigned char *data, size_t len,
                    bool mapped, st_builder *b, const char *path, char *warn, size_t warnlen,
                    char *err, size_t errlen)
{
	return st_formats_load_progress(f, data, len, mapped, 1, b, path, NULL, NULL,
	                                warn, warnlen, err, errlen);
}

int st_formats_load_progress(st_text_format f, const unsigned char *data,
                             size_t len, bool mapped, unsigned threads,
                             st_builder *b,
                             const char *path, st_progress_fn progress,
                             void *progress_ctx, char *warn, size_t warnlen,
                             char *err, size_t errlen)
{
	st_evbuf eb = { .at_unit = f == ST_TF_TRACE ? "offset" : "line",
	                .mapped = mapped, .progress = progress,
	                .progress_ctx = progress_ctx, .total = len,
	                .threads = threads };
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
	eb.next_tell = 0;   /* parsed: said once more before the feed */
	if (rc == 0 && !st_evbuf_tell(&eb, len)) {
		snprintf(err, errlen, "cancelled");
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
