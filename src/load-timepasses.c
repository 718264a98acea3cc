/* load-timepasses.c: rustc -Z time-passes output (stderr).
 *
 *   time:   0.131; rss:   44MB ->   90MB (  +45MB)	expand_crate
 *
 * A line prints when its activity ends, so a parent follows its children
 * and nothing says which lines those are.  A line adopts the lines just
 * before it (not yet adopted) while their times fit in its own and their
 * RSS ranges lie within its range; the rest stay top-level, in order.  That
 * leaves activities of other threads (LLVM_passes) and ranges disturbed by
 * them flat rather than wrongly nested; rustc's last line, "total", nests
 * by time alone.  The lines are then laid out end to
 * end, children at the start of their parent, as GenericActivity intervals:
 * per name, total = the sum of its lines, count = its lines.  Other lines
 * (rustc's own messages on stderr) are skipped with a warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/formats.h"
#include "stalactite/xalloc.h"

typedef struct tp_line {
	uint64_t ns, rss_lo, rss_hi, line, start;
	uint32_t label;
	uint32_t first, next;   /* first child, next sibling (UINT32_MAX: none) */
	uint32_t last;          /* last child */
	bool laid;              /* its interval is made */
} tp_line;

#define NONE UINT32_MAX

static const char *skip_sp(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* A number (with a decimal part) at s, as ns of unit; NULL when absent. */
static const char *number(const char *s, const char *e, uint64_t unit,
                          uint64_t *out)
{
	const char *p = s;
	while (p < e && ((*p >= '0' && *p <= '9') || *p == '.'))
		p++;
	return p > s && st_decimal_ns(s, (size_t)(p - s), unit, out) ? p : NULL;
}

/* "44MB" (kB, MB, GB): bytes; NULL when malformed. */
static const char *rss(const char *s, const char *e, uint64_t *out)
{
	s = skip_sp(s, e);
	const char *p = number(s, e, 1, out);
	if (!p || e - p < 2 || p[1] != 'B')
		return NULL;
	uint64_t m = p[0] == 'k' ? 1000 : p[0] == 'M' ? 1000000 :
	             p[0] == 'G' ? 1000000000 : 0;
	if (!m || *out > UINT64_MAX / m)
		return NULL;
	*out *= m;
	return p + 2;
}

/* Parses one "time:" line; false when malformed. */
static bool parse_line(const char *s, const char *e, st_strtab *strs,
                       tp_line *l)
{
	uint64_t a = 0, b = 0;
	s = skip_sp(s + 5, e);
	if (!(s = number(s, e, 1000000000, &l->ns)) || s == e || *s != ';')
		return false;
	s = skip_sp(s + 1, e);
	if (e - s >= 4 && memcmp(s, "rss:", 4) == 0) {
		if (!(s = rss(s + 4, e, &a)))
			return false;
		s = skip_sp(s, e);
		if (e - s < 2 || memcmp(s, "->", 2) != 0 || !(s = rss(s + 2, e, &b)))
			return false;
		s = skip_sp(s, e);
		if (s < e && *s == '(') {
			const char *c = memchr(s, ')', (size_t)(e - s));
			if (!c)
				return false;
			s = c + 1;
		}
	}
	s = skip_sp(s, e);
	while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
		e--;
	if (s == e)
		return false;
	l->rss_lo = a < b ? a : b;
	l->rss_hi = a < b ? b : a;
	l->label = st_intern(strs, s, (size_t)(e - s));
	l->first = l->next = l->last = NONE;
	l->laid = false;
	return true;
}

static bool is_total(const st_strtab *strs, uint32_t label)
{
	return st_strlen(strs, label) == 5 &&
	       memcmp(st_str(strs, label), "total", 5) == 0;
}

/* Line root and the lines it holds as intervals on thread, root at start
 * and each child where its previous sibling ended. */
static void lay(tp_line *v, uint32_t root, uint64_t start, uint32_t thread,
                uint32_t *stack, uint32_t kind, st_evbuf *eb)
{
	size_t sp = 0;
	v[root].start = start;
	stack[sp++] = root;
	while (sp) {
		tp_line *p = &v[stack[--sp]];
		p->laid = true;
		st_evbuf_add(eb, thread, kind, p->label, p->start, p->start + p->ns,
		             NULL, 0, p->line);
		uint64_t c = p->start;
		for (uint32_t ch = p->first; ch != NONE; ch = v[ch].next) {
			v[ch].start = c;
			c += v[ch].ns;
			stack[sp++] = ch;
		}
	}
}

int st_timepasses_parse(const unsigned char *data, size_t len, st_strtab *strs,
                        st_evbuf *eb, char *warn, size_t warnlen, char *err,
                        size_t errlen)
{
	tp_line *v = NULL;
	uint32_t *pend = NULL;   /* top-level lines so far */
	size_t n = 0, cap = 0, np = 0;
	uint64_t line = 0, other = 0;
	int rc = 0;
	for (size_t at = 0; at < len;) {
		const char *s = (const char *)data + at;
		const char *nl = memchr(s, '\n', len - at);
		size_t ln = nl ? (size_t)(nl - s) : len - at;
		at += ln + 1;
		line++;
		if (!st_evbuf_tell(eb, at)) {
			snprintf(err, errlen, "cancelled");
			rc = -1;
			break;
		}
		if (ln < 5 || memcmp(s, "time:", 5) != 0) {
			other += ln > 0;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = st_xreallocarray(v, cap, sizeof *v);
			pend = st_xreallocarray(pend, cap, sizeof *pend);
		}
		tp_line *l = &v[n];
		if (!parse_line(s, s + ln, strs, l) || memchr(s, '\0', ln)) {
			snprintf(err, errlen, "line %llu: not \"time: SECONDS; rss: "
			         "BEFORE -> AFTER (CHANGE) ACTIVITY\"",
			         (unsigned long long)line);
			rc = -1;
			break;
		}
		l->line = line;
		/* adopt the latest top-level lines that fit, earliest first; the
		 * whole compilation's "total" by time alone (its RSS range is the
		 * process's from start to exit, after memory was given back), and
		 * past a line that does not fit in it (another thread's) */
		bool whole = is_total(strs, l->label);
		uint64_t room = l->ns;
		size_t k = np;
		while (k > 0) {
			tp_line *c = &v[pend[k - 1]];
			bool fits = c->ns <= room && (whole || (c->rss_lo >= l->rss_lo &&
			                                        c->rss_hi <= l->rss_hi));
			if (!fits && !whole)
				break;
			c->laid = fits;   /* a mark until laid out */
			room -= fits ? c->ns : 0;
			k--;
		}
		size_t keep = k;
		for (size_t j = k; j < np; j++) {
			tp_line *c = &v[pend[j]];
			if (!c->laid) {
				pend[keep++] = pend[j];
				continue;
			}
			c->laid = false;
			if (l->last == NONE)
				l->first = pend[j];
			else
				v[l->last].next = pend[j];
			l->last = pend[j];
		}
		np = keep;
		pend[np++] = (uint32_t)n++;
	}
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "line %llu: no \"time:\" lines",
		         (unsigned long long)line);
		rc = -1;
	}
	if (rc == 0) {
		uint32_t *stack = st_xreallocarray(NULL, n + 1, sizeof *stack);
		uint32_t kind = st_intern_cstr(strs, "GenericActivity");
		const tp_line *last = &v[pend[np - 1]];
		bool whole = np > 1 && is_total(strs, last->label);
		uint64_t t = 0;
		for (size_t r = whole ? np - 1 : 0; r < np; r++) {
			lay(v, pend[r], t, 0, stack, kind, eb);
			t += v[pend[r]].ns;
		}
		/* what "total" does not hold ran on other threads (LLVM_passes on
		 * the codegen threads): each on one of its own, ending where the
		 * line printed after it ends, as a line prints when it ends */
		for (size_t r = 0; whole && r < np - 1; r++) {
			uint32_t j = pend[r] + 1;
			while (j < n && !v[j].laid)
				j++;
			uint64_t end = j < n ? v[j].start + v[j].ns : last->ns;
			uint64_t ns = v[pend[r]].ns;
			lay(v, pend[r], end > ns ? end - ns : 0, (uint32_t)r + 1, stack,
			    kind, eb);
		}
		free(stack);
		if (other)
			snprintf(warn, warnlen, "skipped %llu line%s that %s not "
			         "\"time:\" lines", (unsigned long long)other,
			         other == 1 ? "" : "s", other == 1 ? "is" : "are");
	}
	free(v);
	free(pend);
	return rc;
}
