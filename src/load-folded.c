/* load-folded.c: folded stacks ("frame;frame;leaf COUNT" per line), as
 * measureme's stack_collapse, inferno and flamegraph.pl write them.
 *
 * COUNT is taken as nanoseconds of the leaf's self time (stack_collapse's
 * unit; a sampling profiler's samples show as that many ns).  The lines are
 * laid end to end on one thread: a frame shared with the previous line stays
 * open, so its interval covers every line below it and its self time is the
 * count of the lines that end in it.  Comments (#) and blank lines are
 * skipped silently, malformed lines with one warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/formats.h"
#include "stalactite/xalloc.h"

typedef struct ffr {
	uint32_t label;
	size_t ev;   /* its event, added when it opens (so before its children)
	                and given its end when it closes */
} ffr;

/* Offset of the space before a line's count, or 0 when it has none. */
static size_t count_at(const char *s, size_t n)
{
	size_t j = n;
	while (j && s[j - 1] >= '0' && s[j - 1] <= '9')
		j--;
	return j < n && j >= 2 && s[j - 1] == ' ' ? j - 1 : 0;
}

int st_folded_parse(const unsigned char *data, size_t len, st_strtab *strs,
                    st_evbuf *eb, char *warn, size_t warnlen, char *err,
                    size_t errlen)
{
	uint32_t kind = st_intern_cstr(strs, "stack frame");
	ffr *st = NULL;
	size_t depth = 0, cap = 0;
	uint64_t t = 0, line = 0, skipped = 0, first_bad = 0;
	int rc = 0;
	for (size_t at = 0; at < len && rc == 0;) {
		const char *s = (const char *)data + at;
		const char *nl = memchr(s, '\n', len - at);
		size_t n = nl ? (size_t)(nl - s) : len - at;
		at += n + 1;
		line++;
		if (!st_evbuf_tell(eb, at)) {
			snprintf(err, errlen, "cancelled");
			rc = -1;
			break;
		}
		while (n && s[n - 1] == '\r')
			n--;
		if (n == 0 || s[0] == '#')
			continue;
		size_t sp = count_at(s, n);
		uint64_t count = 0;
		if (sp && !st_decimal_ns(s + sp + 1, n - sp - 1, 1, &count))
			sp = 0;   /* too many digits */
		if (!sp || memchr(s, '\0', sp)) {
			if (!skipped++)
				first_bad = line;
			continue;
		}
		/* the frames: keep the prefix shared with the open stack */
		size_t k = 0, p = 0;
		uint32_t lab[1];
		for (;;) {
			size_t q = p;
			while (q < sp && s[q] != ';')
				q++;
			lab[0] = st_intern(strs, s + p, q - p);
			if (k < depth && st[k].label == lab[0]) {
				k++;
			} else {
				while (depth > k) {
					depth--;
					eb->v[st[depth].ev].end = t;
				}
				if (depth == cap) {
					cap = cap ? cap * 2 : 64;
					st = st_xreallocarray(st, cap, sizeof *st);
				}
				st_evbuf_add(eb, 0, kind, lab[0], t, t, NULL, 0, line);
				st[depth++] = (ffr){ lab[0], eb->len - 1 };
				k = depth;
			}
			if (q >= sp)
				break;
			p = q + 1;
		}
		while (depth > k) {   /* frames past this line's leaf */
			depth--;
			eb->v[st[depth].ev].end = t;
		}
		if (count > UINT64_MAX / 4 - t) {
			snprintf(err, errlen, "line %llu: counts add up to too much",
			         (unsigned long long)line);
			rc = -1;
		}
		t += count;
	}
	while (depth > 0) {
		depth--;
		eb->v[st[depth].ev].end = t;
	}
	free(st);
	if (skipped)
		snprintf(warn, warnlen, "skipped %llu line%s that %s not "
		         "\"frame;...;frame COUNT\" (the first: line %llu)",
		         (unsigned long long)skipped, skipped == 1 ? "" : "s",
		         skipped == 1 ? "is" : "are", (unsigned long long)first_bad);
	return rc;
}
