/* demangle-internal.h: what the demangler's files share (demangle-v0.c,
 * the v0 grammar; demangle-legacy.c, _ZN...E symbols; demangle.c, which
 * scheme a symbol is in): the state both schemes print through and the
 * helpers both use.  Private to those files; the public contract is
 * include/stalactite/demangle.h. */
#ifndef ST_DEMANGLE_INTERNAL_H
#define ST_DEMANGLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "stalactite/fmt.h"

#define MAX_OUT 1000000   /* rustc-demangle's own output size limit */

#define TRY(x) do { if (!(x)) return false; } while (0)

/* A printed backref target: printing the same target again (same kind of
 * item, same lifetime binders) gives the same text, so it is copied from
 * the earlier output.  height keeps the depth bound exact. */
#define MEMO 16
typedef struct memo {
	size_t pos, off, len;
	uint64_t bound;
	unsigned height;
	int kind;     /* which item_fn and argument; -1 unused */
	bool open;    /* trait_open's result */
} memo;

/* The v0 parser's state; the legacy demangler prints through its output
 * (out, len, cap, overflow) and full, with skip 0. */
typedef struct v0 {
	const char *s;      /* the symbol after "_R" */
	size_t n, pos;
	char *out;
	size_t len, cap;
	bool full;          /* print disambiguators and const types */
	bool overflow;      /* out was too small */
	int skip;           /* > 0: parse only, don't follow backrefs */
	unsigned depth, peak;   /* peak: deepest since the current backref */
	uint64_t bound;     /* lifetimes bound by enclosing for<...> */
	unsigned nmemo;
	memo memo[MEMO];    /* last, so it is left out of initialisation */
} v0;

/* ---- output --------------------------------------------------------------- */

static inline bool put(v0 *v, const char *s, size_t n)
{
	if (v->skip)
		return true;
	if (n >= v->cap - v->len) {
		v->overflow = true;
		return false;
	}
	memcpy(v->out + v->len, s, n);
	v->len += n;
	return true;
}

static inline bool puts0(v0 *v, const char *s)
{
	return put(v, s, strlen(s));
}

#define PUTS(v, lit) put(v, lit, sizeof(lit) - 1)   /* for string literals */

static inline bool put_char(v0 *v, uint32_t c)
{
	char b[4];
	return put(v, b, st_utf8_encode(c, b));
}

static inline bool valid_scalar(uint64_t c)
{
	return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

static inline int nibble(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* ---- what either scheme accepts ------------------------------------------ */

/* rustc-demangle keeps a trailing ".suffix" of printable ASCII (LLVM's). */
static inline bool symbol_like(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static inline bool all_ascii(const char *s, size_t n)
{
	uint64_t acc = 0, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {   /* a word at a time */
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i];
	return !(acc & 0x8080808080808080ull);
}

/* Demangle s[0..n) into v (zeroed up to its memo, with out, cap and full
 * set): 0 ok, 1 not a symbol of the scheme, 2 output too small. */
int demangle_v0(const char *s, size_t n, v0 *v);
int demangle_legacy(const char *s, size_t n, v0 *v);

#endif
