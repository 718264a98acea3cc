/* async-evidence.c: what the profiles and the function names show about
 * closures and coroutines.
 *
 * Exact evidence comes from a source's query keys (own-crate DefIds of
 * closures and coroutines, "{async fn body of F()}"), bound to the source's
 * crate when it ends; heuristic evidence from function names that show a
 * path used as a future.  async-kind.c says what each means. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/names.h"
#include "stalactite/strtab.h"
#include "stalactite/xalloc.h"
#include "async-internal.h"

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

/* ---- the evidence ------------------------------------------------------------ */

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

uint8_t ak_key_get(const st_async_evidence *ev, char ns, const char *s, size_t n)
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

/* Every string of src in dst, its byte (when sbits) ORed into dbits. */
static void union_into(st_strtab *dst, uint8_t **dbits, uint32_t *dn,
                       const st_strtab *src, const uint8_t *sbits, uint32_t sn)
{
	uint32_t n = st_strtab_count(src);
	for (uint32_t id = 1; id < n; id++) {
		uint32_t d = st_intern(dst, st_str(src, id), st_strlen(src, id));
		if (dbits)
			*grow_bytes(dbits, dn, d) |= id < sn ? sbits[id] : 0;
	}
}

void st_async_evidence_merge(st_async_evidence *dst,
                             const st_async_evidence *src)
{
	union_into(dst->keys, &dst->bits, &dst->nbits, src->keys, src->bits,
	           src->nbits);
	dst->any |= src->any;
}

void st_async_evidence_absorb(st_async_evidence *dst,
                              const st_async_evidence *src)
{
	union_into(dst->paths, &dst->raw, &dst->nraw, src->paths, src->raw,
	           src->nraw);
	union_into(dst->bodies, NULL, NULL, src->bodies, NULL, 0);
	union_into(dst->tails, NULL, NULL, src->tails, NULL, 0);
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
		size_t ls = ak_last_sep(p.p, p.len);
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
		size_t j = i + ak_first_sep(s + i, n - i);
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
	size_t ls = ak_last_sep(f, n);
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
	if (!(raw & RAW_CORO) || !ak_ends_in_closure(p, n, &parent))
		return B_CLOSURE;
	if (ak_ends_in_closure(p, parent, &pp))
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
		if (!ak_def_key(p, n, false, false, &k))
			continue;
		key_or(ev, 'd', k.p, k.len, kind);
		ak_def_key(p, n, false, true, &k);
		key_or(ev, 'l', k.p, k.len, kind);
		key_or(ev, 'c', p, ak_first_sep(p, n), 1);
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
	if (ak_ends_in_closure(p.p, p.len, &parent))
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
