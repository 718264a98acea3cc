/* demangle-filter.c: the --demangle filter, a copy of its input with every
 * mangled Rust symbol in a line demangled, as rustc-demangle's
 * demangle_line does. */
#include <sys/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/demangle.h"
#include "stalactite/xalloc.h"
#include "demangle-internal.h"

typedef struct obuf {
	char *p;
	size_t cap;
} obuf;

static bool sym_char(char c)
{
	return c == '$' || c == '.' || c == '_' || (c >= '0' && c <= '9') ||
	       (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Writes the demangled form of sym, or sym itself; grows the buffer when the
 * output does not fit, up to rustc-demangle's limit. */
static int emit_symbol(const char *sym, size_t n, obuf *b, FILE *out, int flags)
{
	size_t olen;
	for (;;) {
		int r = st_demangle_ex(sym, n, b->p, b->cap, flags, &olen);
		if (r == 0)
			return fwrite(b->p, 1, olen, out) == olen ? 0 : -1;
		if (r == ST_DEMANGLE_INVALID || b->cap > MAX_OUT)
			return fwrite(sym, 1, n, out) == n ? 0 : -1;
		b->p = st_xrealloc(b->p, b->cap * 2);
		b->cap *= 2;
	}
}

/* Like rustc-demangle's demangle_line: each "_ZN" or "_R" starts a candidate
 * that runs over [A-Za-z0-9_.$]. */
static int filter_line(const char *l, size_t n, obuf *b, FILE *out, int flags)
{
	size_t head = 0;
	while (head < n) {
		const char *zn = memmem(l + head, n - head, "_ZN", 3);
		const char *r = memmem(l + head, n - head, "_R", 2);
		const char *m = !zn ? r : !r ? zn : zn < r ? zn : r;
		size_t start = m ? (size_t)(m - l) : n, end = start;
		if (fwrite(l + head, 1, start - head, out) != start - head)
			return -1;
		while (end < n && sym_char(l[end]))
			end++;
		if (end > start && emit_symbol(l + start, end - start, b, out, flags))
			return -1;
		head = end;
	}
	return 0;
}

int st_demangle_stream(FILE *in, FILE *out, int flags)
{
	obuf b = { st_xmalloc(4096), 4096 };
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = getline(&line, &lcap, in)) > 0)
		rc = filter_line(line, (size_t)n, &b, out, flags);
	if (ferror(in) || fflush(out) != 0)
		rc = -1;
	free(line);
	free(b.p);
	return rc;
}
