/* names.c: name normalisation and generic-argument elision, for grouping and
 * display.  (Which closures are async lives in async-kind.c.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/demangle.h"
#include "stalactite/names.h"
#include "stalactite/xalloc.h"

#define ELLIPSIS "\xe2\x80\xa6"

static bool is_ident(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_hex(s[i]))
		i++;
	return i;
}

/* Appends to a NUL-terminated, truncating buffer. */
typedef struct out {
	char *p;
	size_t cap, len;
} out;

static void emit(out *o, const char *s, size_t n)
{
	if (!o->cap)
		return;
	size_t room = o->cap - 1 - o->len;
	if (n > room)
		n = room;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* ---- normalisation ------------------------------------------------------ */

/* Length of what to drop at s[i], or 0: a [hex] crate disambiguator right
 * after an identifier, "::h<16 hex>" ending a segment, ".<hex>" before
 * "-cgu." in a CGU name. */
static size_t droppable(const char *s, size_t n, size_t i)
{
	size_t h;
	if (s[i] == '[' && i && is_ident(s[i - 1])) {
		h = hex_run(s + i + 1, n - i - 1);
		if (h && i + 1 + h < n && s[i + 1 + h] == ']')
			return h + 2;
	} else if (s[i] == ':' && n - i >= 19 && s[i + 1] == ':' && s[i + 2] == 'h') {
		h = hex_run(s + i + 3, 16);
		if (h == 16 && (i + 19 == n || !is_ident(s[i + 19])))
			return 19;
	} else if (s[i] == '.' && i && is_ident(s[i - 1])) {
		/* rustc prints the crate hash in base 16 without leading zeros,
		 * so it is 16 digits or fewer */
		h = hex_run(s + i + 1, n - i - 1);
		if (h && h <= 16 && n - i - 1 - h >= 5 && !memcmp(s + i + 1 + h, "-cgu.", 5))
			return h + 1;
	}
	return 0;
}

static bool looks_mangled(const char *s, size_t n)
{
	if (n > 2 && s[0] == '_' && s[1] == '_')
		s++, n--;
	return (n > 2 && !memcmp(s, "_R", 2)) || (n > 3 && !memcmp(s, "_ZN", 3));
}

/* Demangles (alternate form, so already without hashes) into o, through a
 * growing heap buffer when o is too small; false if not a Rust symbol. */
static bool demangle_into(const char *in, size_t len, out *o)
{
	size_t n, cap = o->cap * 4 + 256;
	int r = st_demangle_ex(in, len, o->p, o->cap, 0, &n);
	if (r == 0)
		o->len = n;
	while (r == ST_DEMANGLE_TOO_SMALL && cap <= (1u << 18)) {   /* names over 256 KB stay mangled */
		char *tmp = st_xmalloc(cap);
		r = st_demangle_ex(in, len, tmp, cap, 0, &n);
		if (r == 0)
			emit(o, tmp, n);
		free(tmp);
		cap *= 4;
	}
	return r == 0;
}

size_t st_name_normalize(const char *in, size_t len, char *outp, size_t cap)
{
	out o = { outp, cap, 0 };
	if (cap)
		outp[0] = '\0';
	if (looks_mangled(in, len) && demangle_into(in, len, &o))
		return o.len;
	size_t run = 0;   /* start of the pending unchanged run */
	for (size_t i = 0; i < len;) {
		while (i < len && in[i] != '[' && in[i] != ':' && in[i] != '.')
			i++;
		if (i == len)
			break;
		size_t d = droppable(in, len, i);
		if (!d) {
			i++;
			continue;
		}
		emit(&o, in + run, i - run);
		i += d;
		run = i;
	}
	emit(&o, in + run, len - run);
	return o.len;
}

/* ---- generic arguments ---------------------------------------------------- */

/* Index just past the '>' matching the '<' at s[i], or 0 when unbalanced.
 * "->" is an arrow, not a bracket. */
size_t st_name_match_angle(const char *s, size_t n, size_t i)
{
	size_t depth = 0;
	for (; i < n; i++) {
		if (s[i] == '<')
			depth++;
		else if (s[i] == '>' && !(i && s[i - 1] == '-') && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* A '<' opens generic arguments when it follows a path segment (Vec<,
 * f::<, {closure#0}<); otherwise it opens a qualified path <X as Y>, and
 * so does legacy's a::<impl X for Y>. */
bool st_name_opens_generics(const char *s, size_t n, size_t i)
{
	if (!i || !(is_ident(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '}'))
		return false;
	return !(n - i > 6 && !memcmp(s + i + 1, "impl ", 5));
}

/* One left-to-right pass: each outermost argument list is matched once and
 * skipped, so the work is linear in len and needs no stack whatever the
 * nesting.  *lists counts the lists replaced. */
static size_t elide(const char *in, size_t len, char *outp, size_t cap,
                    const char *mark, size_t *lists)
{
	out o = { outp, cap, 0 };
	size_t run = 0;
	if (cap)
		outp[0] = '\0';
	*lists = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '<' || !st_name_opens_generics(in, len, i))
			continue;
		size_t end = st_name_match_angle(in, len, i);
		if (!end)
			break;   /* unbalanced: keep the rest as it is */
		emit(&o, in + run, i + 1 - run);
		emit(&o, mark, strlen(mark));
		emit(&o, ">", 1);
		run = end;
		i = end - 1;
		++*lists;
	}
	emit(&o, in + run, len - run);
	return o.len;
}

/* The generic argument lists of s, in order of their '<', each with its
 * height: 0 when no generics are nested in it, else one more than the
 * highest inside (qualified paths <X as Y> pass heights through without
 * counting).  Stops at an unbalanced '>'; lists left open are not listed. */
typedef struct glist {
	size_t open, end;   /* s[open] == '<', s[end - 1] == '>' */
	int height;
} glist;

static int cmp_glist(const void *x, const void *y)
{
	const glist *a = x, *b = y;
	return (a->open > b->open) - (a->open < b->open);
}

static glist *generic_lists(const char *s, size_t n, size_t *count)
{
	typedef struct open { size_t pos; bool generics; int inner; } open;
	open *stk = NULL;
	glist *v = NULL;
	size_t depth = 0, scap = 0, len = 0, cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<') {
			if (depth == scap) {
				scap = scap ? scap * 2 : 16;
				stk = st_xreallocarray(stk, scap, sizeof *stk);
			}
			stk[depth++] = (open){ i, st_name_opens_generics(s, n, i), -1 };
		} else if (s[i] == '>' && !(i && s[i - 1] == '-')) {
			if (!depth)
				break;
			open o = stk[--depth];
			int h = o.inner;
			if (o.generics) {
				h = o.inner + 1;
				if (len == cap) {
					cap = cap ? cap * 2 : 16;
					v = st_xreallocarray(v, cap, sizeof *v);
				}
				v[len++] = (glist){ o.pos, i + 1, h };
			}
			if (depth && h > stk[depth - 1].inner)
				stk[depth - 1].inner = h;
		}
	}
	free(stk);
	if (len > 1)
		qsort(v, len, sizeof *v, cmp_glist);
	*count = len;
	return v;
}

int st_name_generics_height(const char *s, size_t len)
{
	size_t n;
	glist *v = generic_lists(s, len, &n);
	int h = -1;
	for (size_t i = 0; i < n; i++)
		if (v[i].height > h)
			h = v[i].height;
	free(v);
	return h;
}

size_t st_name_elide_depth(const char *in, size_t len, char *outp, size_t cap,
                           bool ascii, int height, size_t *keep0, size_t *keep1)
{
	out o = { outp, cap, 0 };
	if (cap)
		outp[0] = '\0';
	size_t k0 = keep0 ? *keep0 : 0, k1 = keep1 ? *keep1 : 0;
	size_t n, run = 0;
	int64_t cut0 = 0, cut1 = 0;   /* bytes removed before k0 and k1 */
	glist *v = generic_lists(in, len, &n);
	for (size_t i = 0; i < n; i++) {
		const glist *g = &v[i];
		/* inside an elided list, too high, holding the kept bytes, or no
		 * wider than its elision ("<T>") */
		if (g->open < run || g->height > height ||
		    (k0 < k1 && g->open < k1 && k0 < g->end) || g->end - g->open <= (ascii ? 5u : 3u))
			continue;
		emit(&o, in + run, g->open + 1 - run);
		emit(&o, ascii ? "..." : ELLIPSIS, 3);   /* both are 3 bytes */
		emit(&o, ">", 1);
		int64_t gone = (int64_t)(g->end - g->open) - 5;
		if (g->end <= k0)
			cut0 += gone;
		if (g->end <= k1)
			cut1 += gone;
		run = g->end;
	}
	free(v);
	emit(&o, in + run, len - run);
	if (keep0 && keep1) {
		int64_t a = (int64_t)k0 - cut0, b = (int64_t)k1 - cut1;
		*keep0 = a < 0 ? 0 : (uint64_t)a < o.len ? (size_t)a : o.len;
		*keep1 = b < 0 ? 0 : (uint64_t)b < o.len ? (size_t)b : o.len;
	}
	return o.len;
}

size_t st_name_elide_generics(const char *in, size_t len, char *outp, size_t cap,
                              bool ascii)
{
	size_t lists;
	return elide(in, len, outp, cap, ascii ? "..." : ELLIPSIS, &lists);
}

size_t st_name_erase_generics(const char *in, size_t len, char *outp, size_t cap,
                              size_t *lists)
{
	size_t n;
	return elide(in, len, outp, cap, ELLIPSIS, lists ? lists : &n);
}

/* Removes generic argument lists and the "::" of turbofishes, keeping
 * qualified paths: "<a::S<u8>>::f::<T>::{closure#0}" -> "<a::S>::f::{closure#0}". */
size_t st_name_strip_generics(const char *in, size_t len, char *buf, size_t cap)
{
	out o = { buf, cap, 0 };
	size_t run = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '<' || !st_name_opens_generics(in, len, i))
			continue;
		size_t end = st_name_match_angle(in, len, i);
		if (!end)
			break;
		size_t cut = i >= 2 && in[i - 1] == ':' && in[i - 2] == ':' ? i - 2 : i;
		emit(&o, in + run, cut - run);
		run = end;
		i = end - 1;
	}
	emit(&o, in + run, len - run);
	return o.len;
}
