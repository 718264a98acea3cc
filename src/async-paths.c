/* async-paths.c: def paths as the async evidence keys them.
 *
 * Closure segments ({closure#N}, legacy {{closure}}), top-level "::", and
 * the lookup key of a generic-free path: impl indices erased and a
 * qualified self type's path standing for its impl (see async-kind.c,
 * "Lookup"). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "stalactite/names.h"
#include "async-internal.h"

/* Legacy "{{closure}}" and v0 "{closure#N}" segments; returns the segment's
 * length at s[i] (which must be '{'), or 0. */
size_t ak_closure_seg(const char *s, size_t n, size_t i)
{
	if (n - i >= 11 && !memcmp(s + i, "{{closure}}", 11))
		return 11;
	if (n - i < 11 || memcmp(s + i, "{closure#", 9))
		return 0;
	size_t j = i + 9;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++;
	return j > i + 9 && j < n && s[j] == '}' ? j + 1 - i : 0;
}

/* Whether the path ends with a closure segment; *parent gets the length of
 * the path before its "::". */
bool ak_ends_in_closure(const char *s, size_t n, size_t *parent)
{
	if (n < 13 || s[n - 1] != '}')
		return false;
	const char *c = NULL;
	for (size_t i = n - 1; i-- > 2;)
		if (s[i] == '{' && s[i - 1] == ':' && s[i - 2] == ':') {
			c = s + i;
			break;
		}
	if (!c || ak_closure_seg(s, n, (size_t)(c - s)) != (size_t)(s + n - c))
		return false;
	*parent = (size_t)(c - s) - 2;
	return true;
}

/* Index of the "::" that ends the first segment (skipping brackets), or n. */
size_t ak_first_sep(const char *s, size_t n)
{
	int depth = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] == '<' || s[i] == '(' || s[i] == '[')
			depth++;
		else if ((s[i] == '>' && !(i && s[i - 1] == '-')) || s[i] == ')' || s[i] == ']')
			depth--;
		else if (depth == 0 && s[i] == ':' && s[i + 1] == ':')
			return i;
	}
	return n;
}

/* Index of the last top-level "::" in s, or n when there is none. */
size_t ak_last_sep(const char *s, size_t n)
{
	size_t last = n;
	for (size_t i = 0, j; i < n; i = j + 2) {
		j = i + ak_first_sep(s + i, n - i);
		if (j >= n)
			break;
		last = j;
	}
	return last;
}

/* Appends s with every "{impl#N}" as "{impl}" and every legacy
 * "<impl X for Y>" segment as "{impl}"; with legacy, closure segments become
 * "{{closure}}". */
static void add_erased(sbuf *b, const char *s, size_t n, bool legacy)
{
	for (size_t i = 0; i < n;) {
		size_t k;
		if (s[i] == '{' && n - i > 6 && !memcmp(s + i, "{impl#", 6)) {
			const char *e = memchr(s + i, '}', n - i);
			if (e) {
				sb_add(b, "{impl}", 6);
				i = (size_t)(e - s) + 1;
				continue;
			}
		} else if (s[i] == '<' && n - i > 6 && !memcmp(s + i, "<impl ", 6) &&
		           (k = st_name_match_angle(s, n, i))) {
			sb_add(b, "{impl}", 6);
			i = k;
			continue;
		} else if (legacy && s[i] == '{' && (k = ak_closure_seg(s, n, i))) {
			sb_add(b, "{{closure}}", 11);
			i += k;
			continue;
		}
		sb_add(b, s + i, 1);
		i++;
	}
}

/* The path a qualified self type X names: references, pointers and dyn
 * dropped; NULL for types that are not paths (slices, tuples, fn types). */
static const char *type_path(const char *x, size_t n, size_t *len)
{
	static const char *const skip[] = { "&mut ", "&", "*const ", "*mut ", "dyn ", "mut " };
	for (bool again = true; again;) {
		again = false;
		for (size_t k = 0; k < sizeof skip / sizeof *skip; k++) {
			size_t l = strlen(skip[k]);
			if (n >= l && !memcmp(x, skip[k], l)) {
				x += l;
				n -= l;
				again = true;
			}
		}
	}
	if (!n || x[0] == '<' || x[0] == '[' || x[0] == '(' || ak_last_sep(x, n) == n)
		return NULL;
	*len = n;
	return x;
}

/* The lookup key of a generic-free function path p: "<X as T>::rest" and
 * "<X>::rest" become "MODULE::{impl}::rest", MODULE being X's module (or T's
 * with use_trait); impl indices are erased.  Returns false when no key can be
 * formed. */
bool ak_def_key(const char *p, size_t n, bool use_trait, bool legacy, sbuf *out)
{
	out->len = 0;
	if (!n || p[0] != '<') {
		if (use_trait)
			return false;
		add_erased(out, p, n, legacy);
		return true;
	}
	size_t e = st_name_match_angle(p, n, 0);
	if (!e || e + 2 > n || p[e] != ':' || p[e + 1] != ':')
		return false;
	const char *in = p + 1, *self = in, *trait = NULL;
	size_t inl = e - 2, selfl = inl, traitl = 0;
	int depth = 0;
	for (size_t i = 0; i + 4 <= inl; i++) {
		char c = in[i];
		if (c == '<' || c == '(' || c == '[')
			depth++;
		else if ((c == '>' && !(i && in[i - 1] == '-')) || c == ')' || c == ']')
			depth--;
		else if (depth == 0 && !memcmp(in + i, " as ", 4)) {
			selfl = i;
			trait = in + i + 4;
			traitl = inl - i - 4;
			break;
		}
	}
	size_t tl;
	const char *t = use_trait ? (trait ? type_path(trait, traitl, &tl) : NULL)
	                          : type_path(self, selfl, &tl);
	if (!t)
		return false;
	add_erased(out, t, ak_last_sep(t, tl), legacy);
	sb_add(out, "::{impl}", 8);
	add_erased(out, p + e, n - e, legacy);
	return true;
}
