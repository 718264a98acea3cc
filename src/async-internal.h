/* async-internal.h: what the parts of the async classifier share
 * (async-paths.c, def paths as the keys spell them; async-evidence.c, what
 * the profiles and the function names show; async-kind.c, the kinds read
 * from it): the evidence's state, the key bits, a small string buffer, and
 * the few functions one part calls in another.  Private to those files;
 * the public contract is include/stalactite/async-kind.h. */
#ifndef ST_ASYNC_INTERNAL_H
#define ST_ASYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "stalactite/strtab.h"
#include "stalactite/xalloc.h"

/* Final kinds, as bits so that disagreeing candidates can be seen. */
enum { B_CLOSURE = 1, B_ASYNC_FN = 2, B_ASYNC_BLOCK = 4, B_ASYNC_CLOSURE = 8 };
/* What a key said of a path. */
enum { RAW_CLOSURE = 1, RAW_CORO = 2, RAW_CORO_CLOSURE = 4 };

/* A growable byte buffer with room on the stack for short names. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
	char small[256];
} sbuf;

static inline void sb_init(sbuf *b)
{
	b->p = b->small;
	b->len = 0;
	b->cap = sizeof b->small;
}

static inline void sb_free(sbuf *b)
{
	if (b->p != b->small)
		free(b->p);
}

static inline void sb_reserve(sbuf *b, size_t n)
{
	if (n <= b->cap)
		return;
	size_t cap = n * 2;
	char *p = b->p == b->small ? st_xmalloc(cap) : st_xrealloc(b->p, cap);
	if (b->p == b->small)
		memcpy(p, b->small, b->len);
	b->p = p;
	b->cap = cap;
}

static inline void sb_add(sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, b->len + n + 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

struct st_async_evidence {
	/* Keys with a one-letter namespace: "d:" erased def path (v0), "l:"
	 * the same in legacy spelling, "c:" a crate with keys, "f:" a path the
	 * heuristic saw used as a future.  bits[id] holds B_* (or 1). */
	st_strtab *keys;
	uint8_t *bits;
	uint32_t nbits;
	bool any;               /* some source had own-crate keys */
	/* The current source: its own def paths and async fn body names. */
	st_strtab *paths;
	uint8_t *raw;           /* path id -> RAW_* */
	uint32_t nraw;
	st_strtab *bodies;      /* F of {async fn body of F()}, generic-free */
	st_strtab *tails;       /* last segments of those */
};

/* async-paths.c */
size_t ak_closure_seg(const char *s, size_t n, size_t i);
bool ak_ends_in_closure(const char *s, size_t n, size_t *parent);
size_t ak_first_sep(const char *s, size_t n);
size_t ak_last_sep(const char *s, size_t n);
bool ak_def_key(const char *p, size_t n, bool use_trait, bool legacy, sbuf *out);

/* async-evidence.c: the B_* bits key ns:s has (0 for none). */
uint8_t ak_key_get(const st_async_evidence *ev, char ns, const char *s, size_t n);

#endif
