/* async-kind.c: async-aware classification of function names.
 *
 * Exact evidence.  A profile recorded with query keys prints the types it
 * works on; a closure is `Closure(DefId(K:N ~ PATH), ..)`, an async fn body or
 * async block `Coroutine(DefId(..))`, an async closure
 * `CoroutineClosure(DefId(..))`.  K is a crate index local to the printing
 * profile, 0 being its own crate, so only K = 0 is taken: a def path's kind
 * comes from the profile of the crate that defines it, and every path read
 * from a profile is bound to the crate it names first (its own).
 *
 * Coroutines directly under a fn are async fn bodies when the same profile
 * printed `{async fn body of F()}` for that fn (F as rustc prints it: the path
 * from the crate root, an impl's self type instead of `{impl#N}`, possibly
 * trimmed); otherwise async blocks.  Nested coroutines are async blocks (or
 * async closures' bodies).  A profile with coroutines but no such text at all
 * falls back to the structure: directly under a fn means an async fn body.
 *
 * Lookup.  Demangled LLVM names carry no impl index:
 * `<hyper::dns::GaiResolver as Service>::call::{closure#0}` is one of the
 * `hyper::dns::{impl#K}::call::{closure#0}`.  Keys are therefore stored with
 * impl indices erased (`hyper::dns::{impl}::call::{closure#0}`): the
 * candidates are the impls in the self type's module of the self type's crate
 * (or, when that crate has no keys loaded, the trait's module of the trait's
 * crate).  When the candidates disagree, or the crate has keys but not this
 * path, or no profile of the crate with keys is loaded, the answer is not
 * exact and the heuristic decides.  Legacy names ({{closure}}, no index) are
 * matched with closure indices erased too, under the same rule.
 *
 * Heuristic (no exact answer).  A closure path is a coroutine when the
 * build's function names show it used as a future:
 * `<X as core::future::into_future::IntoFuture>::into_future`,
 * `<X as core::future::future::Future>::poll`,
 * `core::pin::Pin<&mut X>::new_unchecked`, or a pinned box
 * `core::pin::Pin<alloc::boxed::Box<X>>` anywhere in a name (executors pin
 * the futures they own).  Drop glue alone is not enough: closures get drop
 * glue too.  A coroutine directly under a fn is then an async fn body, one
 * nested in a closure an async block.  Everything else is a plain closure.
 *
 * Generic arguments never take part: `app::f::<u8>::{closure#0}` is looked
 * up as `app::f::{closure#0}`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "stalactite/names.h"
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

static void sb_init(sbuf *b)
{
	b->p = b->small;
	b->len = 0;
	b->cap = sizeof b->small;
}

static void sb_free(sbuf *b)
{
	if (b->p != b->small)
		free(b->p);
}

static void sb_reserve(sbuf *b, size_t n)
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

static void sb_add(sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, b->len + n + 1);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* b = normalised (no disambiguators, demangled) and generic-free s. */
static void sb_def_path(sbuf *b, const char *s, size_t n)
{
	sbuf t;
	sb_init(&t);
	sb_reserve(&t, 2 * n + 64);
	size_t m = st_name_normalize(s, n, t.p, t.cap);
	sb_reserve(b, m + 1);
	b->len = st_name_strip_generics(t.p, m, b->p, b->cap);
	sb_free(&t);
}

/* ---- path syntax ---------------------------------------------------------- */

/* Legacy "{{closure}}" and v0 "{closure#N}" segments; returns the segment's
 * length at s[i] (which must be '{'), or 0. */
static size_t closure_seg(const char *s, size_t n, size_t i)
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
static bool ends_in_closure(const char *s, size_t n, size_t *parent)
{
	if (n < 13 || s[n - 1] != '}')
		return false;
	const char *c = NULL;
	for (size_t i = n - 1; i-- > 2;)
		if (s[i] == '{' && s[i - 1] == ':' && s[i - 2] == ':') {
			c = s + i;
			break;
		}
	if (!c || closure_seg(s, n, (size_t)(c - s)) != (size_t)(s + n - c))
		return false;
	*parent = (size_t)(c - s) - 2;
	return true;
}

/* Index of the "::" that ends the first segment (skipping brackets), or n. */
static size_t first_sep(const char *s, size_t n)
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
static size_t last_sep(const char *s, size_t n)
{
	size_t last = n;
	for (size_t i = 0, j; i < n; i = j + 2) {
		j = i + first_sep(s + i, n - i);
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
		} else if (legacy && s[i] == '{' && (k = closure_seg(s, n, i))) {
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
	if (!n || x[0] == '<' || x[0] == '[' || x[0] == '(' || last_sep(x, n) == n)
		return NULL;
	*len = n;
	return x;
}

/* The lookup key of a generic-free function path p: "<X as T>::rest" and
 * "<X>::rest" become "MODULE::{impl}::rest", MODULE being X's module (or T's
 * with use_trait); impl indices are erased.  Returns false when no key can be
 * formed. */
static bool def_key(const char *p, size_t n, bool use_trait, bool legacy, sbuf *out)
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
	add_erased(out, t, last_sep(t, tl), legacy);
	sb_add(out, "::{impl}", 8);
	add_erased(out, p + e, n - e, legacy);
	return true;
}

/* ---- the evidence ------------------------------------------------------------ */

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

static uint8_t *grow_bytes(uint8_t **v, uint32_t *n, uint32_t id)
{
	if (id >= *n) {
		uint32_t m = *n ? *n : 256;
		while (m <= id)
			m *= 2;
		uint8_t *p = st_xrealloc(*v, m);
		memset(p + *n, 0, m - *n);
		*v = p;
		*n = m;
	}
	return &(*v)[id];
}

/* Key text "X:" + s, in b. */
static void make_key(sbuf *b, char ns, const char *s, size_t n)
{
	b->len = 0;
	char pre[2] = { ns, ':' };
	sb_add(b, pre, 2);
	sb_add(b, s, n);
}

static void key_or(st_async_evidence *ev, char ns, const char *s, size_t n, uint8_t bit)
{
	sbuf k;
	sb_init(&k);
	make_key(&k, ns, s, n);
	uint32_t id = st_intern(ev->keys, k.p, k.len);
	*grow_bytes(&ev->bits, &ev->nbits, id) |= bit;
	sb_free(&k);
}

static uint8_t key_get(const st_async_evidence *ev, char ns, const char *s, size_t n)
{
	sbuf k;
	sb_init(&k);
	make_key(&k, ns, s, n);
	uint32_t id = st_lookup(ev->keys, k.p, k.len);
	sb_free(&k);
	return id != ST_NOSTR && id < ev->nbits ? ev->bits[id] : 0;
}

static void reset_source(st_async_evidence *ev)
{
	st_strtab_free(ev->paths);
	st_strtab_free(ev->bodies);
	st_strtab_free(ev->tails);
	ev->paths = st_strtab_new();
	ev->bodies = st_strtab_new();
	ev->tails = st_strtab_new();
	if (ev->raw)
		memset(ev->raw, 0, ev->nraw);
}

st_async_evidence *st_async_evidence_new(void)
{
	st_async_evidence *ev = st_xcalloc(1, sizeof *ev);
	ev->keys = st_strtab_new();
	reset_source(ev);
	return ev;
}

void st_async_evidence_free(st_async_evidence *ev)
{
	if (!ev)
		return;
	st_strtab_free(ev->keys);
	st_strtab_free(ev->paths);
	st_strtab_free(ev->bodies);
	st_strtab_free(ev->tails);
	free(ev->bits);
	free(ev->raw);
	free(ev);
}

bool st_async_evidence_exact(const st_async_evidence *ev)
{
	return ev && ev->any;
}

void st_async_evidence_merge(st_async_evidence *dst,
                             const st_async_evidence *src)
{
	uint32_t n = st_strtab_count(src->keys);
	for (uint32_t id = 1; id < n; id++) {
		uint32_t d = st_intern(dst->keys, st_str(src->keys, id),
		                       st_strlen(src->keys, id));
		*grow_bytes(&dst->bits, &dst->nbits, d) |=
			id < src->nbits ? src->bits[id] : 0;
	}
	dst->any |= src->any;
}

/* "Coroutine(DefId(0:16 ~ PATH)" and the like, s[i] being the '(' of
 * "(DefId(".  Returns where scanning goes on. */
static size_t scan_defid(st_async_evidence *ev, const char *s, size_t n, size_t i)
{
	size_t j = i + 7;
	uint8_t raw = 0;
	if (i >= 16 && !memcmp(s + i - 16, "CoroutineClosure", 16))
		raw = RAW_CORO_CLOSURE;
	else if (i >= 9 && !memcmp(s + i - 9, "Coroutine", 9))
		raw = RAW_CORO;
	else if (i >= 7 && !memcmp(s + i - 7, "Closure", 7))
		raw = RAW_CLOSURE;
	/* own crate only: "0:" */
	if (!raw || n - j < 3 || s[j] != '0' || s[j + 1] != ':')
		return j;
	const char *t = memmem(s + j, n - j, " ~ ", 3);
	const char *close = memchr(s + j, ')', n - j);
	if (!t || !close || t > close)
		return j;
	size_t start = (size_t)(t - s) + 3, end = start;
	for (int depth = 0; end < n; end++) {   /* up to the DefId's ')' */
		if (s[end] == '(')
			depth++;
		else if (s[end] == ')' && depth-- == 0)
			break;
	}
	if (end > start) {
		sbuf p;
		sb_init(&p);
		sb_def_path(&p, s + start, end - start);
		if (p.len) {
			uint32_t id = st_intern(ev->paths, p.p, p.len);
			*grow_bytes(&ev->raw, &ev->nraw, id) |= raw;
		}
		sb_free(&p);
	}
	return end;
}

/* "{async fn body of F()}": records F. */
static size_t scan_body(st_async_evidence *ev, const char *s, size_t n, size_t i)
{
	static const char body[] = "{async fn body of ";
	if (n - i < sizeof body - 1 || memcmp(s + i, body, sizeof body - 1))
		return i + 7;
	size_t start = i + sizeof body - 1;
	const char *e = memmem(s + start, n - start, "()}", 3);
	if (!e)
		return start;
	sbuf p;
	sb_init(&p);
	sb_def_path(&p, s + start, (size_t)(e - s) - start);
	if (p.len) {
		st_intern(ev->bodies, p.p, p.len);
		size_t ls = last_sep(p.p, p.len);
		size_t off = ls == p.len ? 0 : ls + 2;
		st_intern(ev->tails, p.p + off, p.len - off);
	}
	sb_free(&p);
	return (size_t)(e - s) + 3;
}

bool st_async_evidence_may_hold(const char *s, size_t len)
{
	return memmem(s, len, "(DefId(", 7) || memmem(s, len, "{async fn body of ", 18);
}

void st_async_evidence_scan(st_async_evidence *ev, const char *s, size_t len)
{
	/* Most strings hold neither marker: two memmem calls reject them. */
	const char *d = memmem(s, len, "(DefId(", 7);
	const char *a = memmem(s, len, "{async fn body of ", 18);
	while (d || a) {
		size_t i;
		if (d && (!a || d < a))
			i = scan_defid(ev, s, len, (size_t)(d - s));
		else
			i = scan_body(ev, s, len, (size_t)(a - s));
		if (d && d < s + i)
			d = i < len ? memmem(s + i, len - i, "(DefId(", 7) : NULL;
		if (a && a < s + i)
			a = i < len ? memmem(s + i, len - i, "{async fn body of ", 18) : NULL;
	}
}

/* Segments of a generic-free path, split at top-level "::". */
#define MAX_SEGS 64
typedef struct segs {
	const char *p[MAX_SEGS];
	size_t l[MAX_SEGS];
	int n;
} segs;

static bool split(const char *s, size_t n, segs *g)
{
	g->n = 0;
	for (size_t i = 0;;) {
		size_t j = i + first_sep(s + i, n - i);
		if (g->n == MAX_SEGS)
			return false;
		g->p[g->n] = s + i;
		g->l[g->n++] = (j < n ? j : n) - i;
		if (j >= n)
			return true;
		i = j + 2;
	}
}

static bool seg_eq(const segs *a, int i, const segs *b, int j)
{
	return a->l[i] == b->l[j] && !memcmp(a->p[i], b->p[j], a->l[i]);
}

/* Whether "{async fn body of X()}" names the fn at def path f (crate first,
 * "{impl#N}" for an impl): the last segments agree, an impl's self type
 * stands for "{impl#N}", the module segments agree as far as X goes (rustc
 * may trim it), and X may start with the crate's name. */
static bool body_names(const segs *x, const segs *f)
{
	int i = x->n - 1, j = f->n - 1;
	if (i < 0 || j < 1 || !seg_eq(x, i, f, j))
		return false;
	i--, j--;
	if (f->l[j] > 6 && !memcmp(f->p[j], "{impl#", 6)) {
		if (i < 0)
			return true;   /* trimmed to the method's name alone */
		i--, j--;
	}
	for (; i >= 0 && j >= 1; i--, j--)
		if (!seg_eq(x, i, f, j))
			return false;
	return i < 0 || (i == 0 && seg_eq(x, 0, f, 0));
}

static bool is_async_fn_body(const st_async_evidence *ev, const char *f, size_t n)
{
	size_t ls = last_sep(f, n);
	if (ls == n || st_lookup(ev->tails, f + ls + 2, n - ls - 2) == ST_NOSTR)
		return false;
	segs fs, xs;
	if (!split(f, n, &fs))
		return false;
	uint32_t count = st_strtab_count(ev->bodies);
	for (uint32_t id = 1; id < count; id++)
		if (split(st_str(ev->bodies, id), st_strlen(ev->bodies, id), &xs) &&
		    body_names(&xs, &fs))
			return true;
	return false;
}

/* Final kind of an own def path p from what its keys said. */
static uint8_t own_kind(const st_async_evidence *ev, const char *p, size_t n, uint8_t raw)
{
	size_t parent, pp;
	if (raw & RAW_CORO_CLOSURE)
		return B_ASYNC_CLOSURE;
	if (!(raw & RAW_CORO) || !ends_in_closure(p, n, &parent))
		return B_CLOSURE;
	if (ends_in_closure(p, parent, &pp))
		return B_ASYNC_BLOCK;
	if (st_strtab_count(ev->bodies) <= 1)
		return B_ASYNC_FN;   /* no body names printed: the structure decides */
	return is_async_fn_body(ev, p, parent) ? B_ASYNC_FN : B_ASYNC_BLOCK;
}

bool st_async_evidence_end_source(st_async_evidence *ev)
{
	uint32_t count = st_strtab_count(ev->paths);
	sbuf k;
	sb_init(&k);
	for (uint32_t id = 1; id < count; id++) {
		const char *p = st_str(ev->paths, id);
		size_t n = st_strlen(ev->paths, id);
		uint8_t kind = own_kind(ev, p, n, id < ev->nraw ? ev->raw[id] : 0);
		if (!def_key(p, n, false, false, &k))
			continue;
		key_or(ev, 'd', k.p, k.len, kind);
		def_key(p, n, false, true, &k);
		key_or(ev, 'l', k.p, k.len, kind);
		key_or(ev, 'c', p, first_sep(p, n), 1);
	}
	sb_free(&k);
	bool had = count > 1;
	ev->any |= had;
	reset_source(ev);
	return had;
}

/* ---- heuristic evidence ---------------------------------------------------- */

static void note_future(st_async_evidence *ev, const char *x, size_t n)
{
	sbuf p;
	size_t parent;
	sb_init(&p);
	sb_def_path(&p, x, n);
	if (ends_in_closure(p.p, p.len, &parent))
		key_or(ev, 'f', p.p, p.len, 1);
	sb_free(&p);
}

/* "<X as TRAIT>::METHOD" with the given trait and method: X's extent. */
static bool qualified_self(const char *s, size_t n, const char *trait,
                           const char *method, size_t *xlen)
{
	if (!n || s[0] != '<')
		return false;
	size_t e = st_name_match_angle(s, n, 0), tl = strlen(trait), ml = strlen(method);
	if (!e || e < tl + 6)
		return false;
	if (n - e != 2 + ml || memcmp(s + e, "::", 2) || memcmp(s + e + 2, method, ml))
		return false;
	size_t x = e - 1 - tl - 4;   /* "<" X " as " TRAIT ">" */
	if (memcmp(s + e - 1 - tl, trait, tl) || memcmp(s + x, " as ", 4))
		return false;
	*xlen = x - 1;
	return true;
}

/* A future boxed and pinned, Pin<Box<X>>, anywhere in a name (drop glue,
 * poll of the box, a block_on instance): executors do this to every future
 * they own, and nothing pins a boxed plain closure.  (An async fn whose
 * future is only ever moved by value leaves no such trace.) */
static void note_pinned_boxes(st_async_evidence *ev, const char *name, size_t len)
{
	static const char pb[] = "core::pin::Pin<alloc::boxed::Box<";
	const size_t pbl = sizeof pb - 1;
	for (const char *p = name; (p = memmem(p, len - (size_t)(p - name), pb, pbl));
	     p += pbl) {
		size_t open = (size_t)(p - name) + pbl - 1;   /* Box's '<' */
		size_t e = st_name_match_angle(name, len, open);
		if (e > open + 2) {
			/* Box<X, A> with an allocator: keep X only */
			size_t x = open + 1, end = e - 1, depth = 0;
			for (size_t i = x; i < end; i++) {
				if (name[i] == '<') depth++;
				else if (name[i] == '>' && name[i - 1] != '-') depth--;   /* not -> */
				else if (name[i] == ',' && depth == 0) { end = i; break; }
			}
			note_future(ev, name + x, end - x);
		}
	}
}

void st_async_note_name(st_async_evidence *ev, const char *name, size_t len)
{
	static const char pin[] = "core::pin::Pin<&mut ";
	size_t xl;
	if (len < 14 || !memchr(name, '{', len))
		return;   /* no closure segment anywhere: nothing to learn */
	if (qualified_self(name, len, "core::future::into_future::IntoFuture",
	                   "into_future", &xl) ||
	    qualified_self(name, len, "core::future::future::Future", "poll", &xl)) {
		note_future(ev, name + 1, xl);
		return;
	}
	const char *p = memmem(name, len, pin, sizeof pin - 1);
	if (p) {
		size_t open = (size_t)(p - name) + sizeof pin - 1 - 6;   /* the '<' */
		size_t e = st_name_match_angle(name, len, open), x = open + 6;
		/* The inherent-impl form <core::pin::Pin<&mut X>>::new_unchecked. */
		size_t after = e + (e && e < len && name[e] == '>' && name[0] == '<');
		if (e > x + 1 && len - after == 15 &&
		    !memcmp(name + after, "::new_unchecked", 15)) {
			note_future(ev, name + x, e - 1 - x);
			return;
		}
	}
	note_pinned_boxes(ev, name, len);
}

/* ---- classification --------------------------------------------------------- */

static st_kind kind_of_bit(uint8_t bit)
{
	switch (bit) {
	case B_ASYNC_FN: return ST_K_ASYNC_FN;
	case B_ASYNC_BLOCK: return ST_K_ASYNC_BLOCK;
	case B_ASYNC_CLOSURE: return ST_K_ASYNC_CLOSURE;
	default: return ST_K_CLOSURE;
	}
}

/* The exact kind of generic-free path p, or ST_K_OTHER when keys give none. */
static st_kind exact_kind(const st_async_evidence *ev, const char *p, size_t n)
{
	bool legacy = memmem(p, n, "{{closure}}", 11) != NULL;
	sbuf k;
	sb_init(&k);
	st_kind r = ST_K_OTHER;
	for (int use_trait = 0; use_trait < 2; use_trait++) {
		if (!def_key(p, n, use_trait, legacy, &k))
			continue;
		if (!key_get(ev, 'c', k.p, first_sep(k.p, k.len)))
			continue;   /* no keys of that crate: try the trait's */
		uint8_t bits = key_get(ev, legacy ? 'l' : 'd', k.p, k.len);
		if (bits && !(bits & (bits - 1)))
			r = kind_of_bit(bits);
		break;   /* a keyed crate answers, or nothing does */
	}
	sb_free(&k);
	return r;
}

static st_kind classify_path(const st_async_evidence *ev, const char *p, size_t n,
                             bool *exact)
{
	size_t parent, pp;
	*exact = true;
	if (!ends_in_closure(p, n, &parent))
		return ST_K_FN;
	if (ev && ev->any) {
		st_kind k = exact_kind(ev, p, n);
		if (k != ST_K_OTHER)
			return k;
	}
	*exact = false;
	if (!ev || !key_get(ev, 'f', p, n))
		return ST_K_CLOSURE;
	return ends_in_closure(p, parent, &pp) ? ST_K_ASYNC_BLOCK : ST_K_ASYNC_FN;
}

/* Classifies the generic-free form of name. */
static st_kind classify_text(const st_async_evidence *ev, const char *name, size_t len,
                             bool *exact)
{
	sbuf b;
	sb_init(&b);
	sb_reserve(&b, len + 1);
	size_t m = st_name_strip_generics(name, len, b.p, len + 1);
	st_kind k = classify_path(ev, b.p, m, exact);
	sb_free(&b);
	return k;
}

st_kind st_async_classify(const st_async_evidence *ev, const char *name, size_t len,
                          bool *exact)
{
	bool ex;
	if (!exact)
		exact = &ex;
	*exact = true;
	if (len < 13 || (name[len - 1] != '}' && name[len - 1] != '>'))
		return ST_K_FN;   /* fast path: no closure segment at the end, not
		                     even one followed by generics ({closure#0}::<i16>) */
	return classify_text(ev, name, len, exact);
}

static bool is_ident(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* Index of the bracket opening the '}' or '>' at s[i - 1], or SIZE_MAX. */
static size_t match_back(const char *s, size_t i)
{
	char close = s[i - 1], open = close == '}' ? '{' : '<';
	size_t depth = 0;
	while (i-- > 0) {
		if (s[i] == close && !(close == '>' && i && s[i - 1] == '-'))
			depth++;
		else if (s[i] == open && --depth == 0)
			return i;
	}
	return SIZE_MAX;
}

/* Start of the path that ends at s[end): back over segments, "::", {..}
 * and generic arguments <..>; a qualified path <X as T> starts the path. */
static size_t path_start(const char *s, size_t n, size_t end)
{
	size_t i = end;
	while (i > 0) {
		char c = s[i - 1];
		if (is_ident(c) || c == ':' || c == '#') {
			i--;
			continue;
		}
		if (c != '}' && c != '>')
			break;
		size_t j = match_back(s, i);
		if (j == SIZE_MAX)
			break;
		i = j;
		if (c == '>' && !st_name_opens_generics(s, n, j))
			break;
	}
	return i;
}

static bool is_async(st_kind k)
{
	return k == ST_K_ASYNC_FN || k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE;
}

/* Depth of generic-argument brackets at each '{' is tracked so that the
 * name's own path (depth 0: `<Router>::route::<H>::{closure#0}`) is tried
 * before paths mentioned inside its generic arguments (`drop_glue::<X>`). */
static bool owner_at(const st_async_evidence *ev, const char *name, size_t len,
                     bool own_path_only, size_t *off, size_t *olen, bool *exact)
{
	size_t depth = 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (c == '<')
			depth++;
		else if (c == '>' && !(i && name[i - 1] == '-') && depth)
			depth--;
		if (c != '{' || (own_path_only && depth))
			continue;
		size_t seg = closure_seg(name, len, i);
		if (!seg || i < 2 || name[i - 1] != ':' || name[i - 2] != ':')
			continue;
		size_t start = path_start(name, len, i - 2), end = i + seg;
		if (!is_async(classify_text(ev, name + start, end - start, exact)))
			continue;
		/* The owner: the path without its trailing closure segments. */
		size_t o = i - 2, pl;
		while (ends_in_closure(name + start, o - start, &pl))
			o = start + pl;
		if (o == start)
			continue;
		*off = start;
		*olen = o - start;
		return true;
	}
	return false;
}

bool st_async_owner(const st_async_evidence *ev, const char *name, size_t len,
                    size_t *off, size_t *olen, bool *exact)
{
	bool ex;
	if (!exact)
		exact = &ex;
	return owner_at(ev, name, len, true, off, olen, exact) ||
	       owner_at(ev, name, len, false, off, olen, exact);
}
