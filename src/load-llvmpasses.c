/* load-llvmpasses.c: rustc -Z time-llvm-passes output (LLVM's timer report).
 *
 *   ===-------------------------------------------------------------------===
 *                         Pass execution timing report
 *   ===-------------------------------------------------------------------===
 *     Total Execution Time: 0.4081 seconds (0.4086 wall clock)
 *      ---User Time---   --System Time--   --User+System--   ---Wall Time---  --- Name ---
 *      0.2889 ( 70.8%)   0.0241 ( 59.8%)   0.3130 ( 69.8%)   0.3125 ( 69.9%)  Global Splitting
 *      ...                                                                     Total
 *
 * Each group becomes a GenericActivity named by its title, holding one LLVM
 * Pass interval per row as long as the row's Wall Time, laid end to end: the
 * passes table gets each pass's wall time summed over its rows (" #2", a
 * second instance of a pass in the pipeline, is the same pass), the stack
 * tree the groups as parents.  The pass managers' two tables, "Pass
 * execution timing report" and "Analysis execution timing report", hold
 * disjoint times; the others (Register Allocation, Instruction Selection and
 * Scheduling, DWARF Emission) time regions inside those passes, so they go
 * on a second thread, beside rather than after them, and the builder keeps
 * them out of the LLVM total (st_llvmpasses_inner).  Which column is the
 * wall time is read from the header, since LLVM prints only the columns it
 * measured. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/formats.h"

static bool blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

static const char *find(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);
	for (; e - s >= (ptrdiff_t)n; s++)
		if (memcmp(s, w, n) == 0)
			return s;
	return NULL;
}

/* Columns before "Name" and which one is the wall time (-1: none). */
static int header(const char *s, const char *e, int *wall)
{
	static const char *const cols[] = { "User Time", "System Time",
		"User+System", "Wall Time", "Mem", "Instr" };
	const char *name = find(s, e, "Name");
	const char *w = find(s, e, "Wall Time");
	int n = 0;
	*wall = -1;
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		const char *p = find(s, e, cols[i]);
		if (p && p < name)
			n++;
	}
	if (w && w < name) {
		*wall = 0;
		for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
			const char *p = find(s, e, cols[i]);
			if (p && p < w)
				(*wall)++;
		}
	}
	return n;
}

/* A row: ncol "N.NNNN ( P%)" columns, then the name. */
static bool row(const char *s, const char *e, int ncol, int wall,
                uint64_t *wall_ns, const char **name, const char **name_end)
{
	for (int c = 0; c < ncol; c++) {
		while (s < e && *s == ' ')
			s++;
		const char *p = s;
		while (p < e && ((*p >= '0' && *p <= '9') || *p == '.'))
			p++;
		uint64_t v;
		if (p == s || !st_decimal_ns(s, (size_t)(p - s), 1000000000, &v))
			return false;
		if (c == wall)
			*wall_ns = v;
		while (p < e && *p == ' ')
			p++;
		if (p < e && *p == '(') {
			const char *q = memchr(p, ')', (size_t)(e - p));
			if (!q)
				return false;
			p = q + 1;
		}
		s = p;
	}
	while (s < e && *s == ' ')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
		e--;
	*name = s;
	*name_end = e;
	return s < e;
}

bool st_llvmpasses_inner(const char *title, size_t n)
{
	static const char w[] = "execution timing report";
	return n && !memmem(title, n, w, sizeof w - 1);   /* untitled: outer */
}

/* name without a trailing " #N" (N digits) */
static const char *instance_end(const char *name, const char *end)
{
	const char *p = end;
	while (p > name && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p < end && p - name >= 3 && p[-1] == '#' && p[-2] == ' ' ? p - 2 : end;
}

int st_llvmpasses_parse(const unsigned char *data, size_t len, st_strtab *strs,
                        st_evbuf *eb, char *warn, size_t warnlen, char *err,
                        size_t errlen)
{
	uint32_t act = st_intern_cstr(strs, "GenericActivity");
	uint32_t pass = st_intern_cstr(strs, "LLVM Pass");
	enum { OUT, TITLE, AFTER_TITLE, TABLE } state = OUT;
	uint32_t title = ST_NOSTR;
	int ncol = 0, wall = -1;
	uint64_t tt[2] = { 0, 0 }, line = 0, groups = 0, nowall = 0;
	uint32_t th = 0;    /* the group's thread: 1 for a table of inner regions */
	size_t group = 0;   /* its event, added first: it encloses its rows */
	for (size_t at = 0; at < len;) {
		const char *s = (const char *)data + at;
		const char *nl = memchr(s, '\n', len - at);
		size_t ln = nl ? (size_t)(nl - s) : len - at;
		const char *e = s + ln;
		at += ln + 1;
		line++;
		if (!st_evbuf_tell(eb, at)) {
			snprintf(err, errlen, "cancelled");
			return -1;
		}
		if (memchr(s, '\0', ln)) {
			snprintf(err, errlen, "line %llu: a NUL byte in a text report",
			         (unsigned long long)line);
			return -1;
		}
		const char *b = s;
		while (b < e && *b == ' ')
			b++;
		if (e - b >= 6 && memcmp(b, "===---", 6) == 0) {
			if (state == TABLE)   /* no Total row */
				eb->v[group].end = tt[th];
			state = state == TITLE ? AFTER_TITLE : TITLE;
			title = state == TITLE ? ST_NOSTR : title;
			continue;
		}
		if (state == TITLE && !blank(s, e)) {
			while (e > b && (e[-1] == ' ' || e[-1] == '\r'))
				e--;
			title = st_intern(strs, b, (size_t)(e - b));
			continue;
		}
		if (state == AFTER_TITLE && find(s, e, "--- Name ---")) {
			ncol = header(s, e, &wall);
			state = TABLE;
			group = eb->len;
			th = title != ST_NOSTR && st_llvmpasses_inner(st_str(strs, title),
			                                               st_strlen(strs, title));
			st_evbuf_add(eb, th, act, title == ST_NOSTR ? 0 : title, tt[th],
			             tt[th], NULL, 0, line);
			groups++;
			nowall += wall < 0;
			continue;
		}
		if (state != TABLE || blank(s, e))
			continue;
		uint64_t ns = 0;
		const char *name, *name_end;
		if (!row(s, e, ncol, wall, &ns, &name, &name_end)) {
			snprintf(err, errlen, "line %llu: not a timing row (%d time "
			         "columns, then a name)", (unsigned long long)line, ncol);
			return -1;
		}
		if (name_end - name == 5 && memcmp(name, "Total", 5) == 0) {
			eb->v[group].end = tt[th];
			state = OUT;
			continue;
		}
		if (tt[th] > UINT64_MAX / 4) {
			snprintf(err, errlen, "line %llu: times add up to too much",
			         (unsigned long long)line);
			return -1;
		}
		name_end = instance_end(name, name_end);
		st_evbuf_add(eb, th, pass, st_intern(strs, name, (size_t)(name_end - name)),
		             tt[th], tt[th] + ns, NULL, 0, line);
		tt[th] += ns;
	}
	if (state == TABLE)
		eb->v[group].end = tt[th];
	if (groups == 0) {
		snprintf(err, errlen, "line %llu: no timing table (a \"--- Name ---\" "
		         "header after a title)", (unsigned long long)line);
		return -1;
	}
	if (nowall)
		snprintf(warn, warnlen, "%llu of %llu tables have no Wall Time "
		         "column: their passes count 0", (unsigned long long)nowall,
		         (unsigned long long)groups);
	return 0;
}
