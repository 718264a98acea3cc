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
