/* names.c: name normalisation, generic-argument elision and async-aware
 * classification of function names.
 *
 * How async code is recognised.  rustc lowers an `async fn` body and every
 * `async { }` block to a coroutine, and both get closure-like def paths:
 * `app::f::{closure#0}` (v0 / profiles) or `app::f::{{closure}}` (legacy, no
 * index; treated the same).  Plain closures look identical, so:
 *
 * With exact evidence (the profile recorded query keys): a path named in
 * `Coroutine(DefId(.. ~ PATH)` is a coroutine; a path named in
 * `Closure(DefId(.. ~ PATH)` is a closure.  A coroutine is an async fn body
 * when the last segment F of its parent path appears as
 * `{async fn body of F()}` somewhere in the profile, otherwise an async
 * block.  (If the profile has coroutines but no `{async fn body of ...}` text
 * at all, the structural rule below decides between the two.)  A
 * `{closure#N}` path in neither set is a closure.  Methods are matched too:
 * query keys spell them `crate::{impl#0}::m::{closure#0}` while symbol names
 * say `<crate::S>::m::{closure#0}`, so both are also compared from the
 * method name on.
 *
 * Without evidence (a heuristic): a `{closure#N}` path is a coroutine when
 * the profile's function names show it used as a future:
 * `<X as core::future::into_future::IntoFuture>::into_future`,
 * `<X as core::future::future::Future>::poll`,
 * `core::pin::Pin<&mut X>::new_unchecked`, or a pinned box
 * `core::pin::Pin<alloc::boxed::Box<X>>` anywhere in a name (executors pin
 * the futures they own).  Drop glue alone is not enough,
 * since closures get drop glue too.  Structural rule: a coroutine directly
 * under a non-closure segment (`a::f::{closure#0}`) is an async fn body; one
 * nested in a closure or coroutine (`a::f::{closure#0}::{closure#1}`) is an
 * async block.  Everything else is a plain closure.
 *
 * Generic arguments never take part in the match: `app::f::<u8>::{closure#0}`
 * is looked up as `app::f::{closure#0}`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/demangle.h"
#include "stalactite/names.h"

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
 * after an identifier, "::h<16 hex>" ending a segment, ".<16 hex>" before
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
	} else if (s[i] == '.' && n - i >= 22 && i && is_ident(s[i - 1])) {
		h = hex_run(s + i + 1, 16);
		if (h == 16 && !memcmp(s + i + 17, "-cgu.", 5))
			return 17;
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
		char *tmp = malloc(cap);
		if (!tmp)
			return false;
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
static size_t match_angle(const char *s, size_t n, size_t i)
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
static bool opens_generics(const char *s, size_t n, size_t i)
{
	if (!i || !(is_ident(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '}'))
		return false;
	return !(n - i > 6 && !memcmp(s + i + 1, "impl ", 5));
}

size_t st_name_elide_generics(const char *in, size_t len, char *outp, size_t cap,
                              bool ascii)
{
	out o = { outp, cap, 0 };
	size_t run = 0;
	if (cap)
		outp[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '<' || !opens_generics(in, len, i))
			continue;
		size_t end = match_angle(in, len, i);
		if (!end)
			break;   /* unbalanced: keep the rest as it is */
		emit(&o, in + run, i + 1 - run);
		emit(&o, ascii ? "..." : ELLIPSIS, 3);   /* both are 3 bytes */
		emit(&o, ">", 1);
		run = end;
		i = end - 1;
	}
	emit(&o, in + run, len - run);
	return o.len;
}

/* Removes generic argument lists and the "::" of turbofishes, keeping
 * qualified paths: "<a::S<u8>>::f::<T>::{closure#0}" -> "<a::S>::f::{closure#0}". */
size_t st_name_strip_generics(const char *in, size_t len, char *buf, size_t cap)
{
	out o = { buf, cap, 0 };
	size_t run = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '<' || !opens_generics(in, len, i))
			continue;
		size_t end = match_angle(in, len, i);
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

/* ---- string sets ------------------------------------------------------------ */

typedef struct strset {
	char *arena;
	size_t alen, acap;
	struct slot { uint64_t hash; size_t off, len; } *slots;
	size_t nslots, count;   /* nslots: a power of two, load <= 1/2 */
} strset;

static uint64_t hash64(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h | 1;   /* 0 marks an empty slot */
}

static bool set_has(const strset *t, const char *s, size_t n)
{
	if (!t->count)
		return false;
	uint64_t h = hash64(s, n);
	for (size_t i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
		const struct slot *sl = &t->slots[i];
		if (!sl->hash)
			return false;
		if (sl->hash == h && sl->len == n && !memcmp(t->arena + sl->off, s, n))
			return true;
	}
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort();
	return q;
}

static void set_grow(strset *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	struct slot *old = t->slots;
	size_t oldn = t->nslots;
	t->slots = calloc(n, sizeof *t->slots);
	if (!t->slots)
		abort();
	t->nslots = n;
	for (size_t j = 0; j < oldn; j++) {
		if (!old[j].hash)
			continue;
		size_t i = old[j].hash & (n - 1);
		while (t->slots[i].hash)
			i = (i + 1) & (n - 1);
		t->slots[i] = old[j];
	}
	free(old);
}

static void set_add(strset *t, const char *s, size_t n)
{
	if (!n || set_has(t, s, n))
		return;   /* an empty path says nothing */
	if (2 * (t->count + 1) > t->nslots)
		set_grow(t);
	if (t->alen + n > t->acap) {
		t->acap = (t->alen + n) * 2 + 256;
		t->arena = xrealloc(t->arena, t->acap);
	}
	memcpy(t->arena + t->alen, s, n);
	uint64_t h = hash64(s, n);
	size_t i = h & (t->nslots - 1);
	while (t->slots[i].hash)
		i = (i + 1) & (t->nslots - 1);
	t->slots[i] = (struct slot){ h, t->alen, n };
	t->alen += n;
	t->count++;
}

static void set_free(strset *t)
{
	free(t->arena);
	free(t->slots);
}

/* ---- async evidence ------------------------------------------------------- */

struct st_async_evidence {
	strset coroutines, closures;   /* def paths, generics stripped */
	strset method_coroutines;      /* "m::{closure#0}" of {impl#N} paths */
	strset legacy_coroutines;      /* coroutines spelt a::f::{{closure}} */
	strset async_fns;              /* F of {async fn body of F()} */
	strset futures;                /* heuristic: paths used as futures */
	size_t async_blocks;           /* {async block@...} seen */
	char *buf;                     /* scratch for normalised paths */
	size_t bufcap;
};

st_async_evidence *st_async_evidence_new(void)
{
	st_async_evidence *ev = calloc(1, sizeof *ev);
	if (!ev)
		abort();
	return ev;
}

void st_async_evidence_free(st_async_evidence *ev)
{
	if (!ev)
		return;
	set_free(&ev->coroutines);
	set_free(&ev->closures);
	set_free(&ev->method_coroutines);
	set_free(&ev->legacy_coroutines);
	set_free(&ev->async_fns);
	set_free(&ev->futures);
	free(ev->buf);
	free(ev);
}

bool st_async_evidence_exact(const st_async_evidence *ev)
{
	return ev && ev->coroutines.count > 0;
}

static char *scratch(st_async_evidence *ev, size_t need)
{
	if (ev->bufcap < need) {
		ev->bufcap = need * 2;
		ev->buf = xrealloc(ev->buf, ev->bufcap);
	}
	return ev->buf;
}

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

/* The last "::" segment of a path (the whole path when there is none). */
static const char *last_seg(const char *s, size_t n, size_t *len)
{
	size_t i = n;
	while (i >= 2 && !(s[i - 1] == ':' && s[i - 2] == ':'))
		i--;
	if (i < 2)
		i = 0;
	*len = n - i;
	return s + i;
}

/* From the method name on: "a::{impl#0}::m::{closure#0}" and
 * "<a::S as T>::m::{closure#0}" both give "m::{closure#0}"; NULL when the
 * path is neither. */
static const char *method_tail(const char *s, size_t n, size_t *len)
{
	const char *p = NULL;
	if (n && s[0] == '<') {
		size_t e = match_angle(s, n, 0);
		if (e && e + 2 <= n && s[e] == ':' && s[e + 1] == ':')
			p = s + e + 2;
	} else {
		for (const char *q = s; (q = memmem(q, (size_t)(s + n - q), "{impl#", 6)); q++) {
			const char *r = memmem(q, (size_t)(s + n - q), "}::", 3);
			if (r)
				p = r + 3;
		}
	}
	if (p)
		*len = (size_t)(s + n - p);
	return p;
}

/* Normalises PATH (disambiguators off, generics stripped) into ev->buf. */
static size_t def_path(st_async_evidence *ev, const char *s, size_t n)
{
	char *b = scratch(ev, 2 * n + 64);
	size_t m = st_name_normalize(s, n, b, ev->bufcap / 2);
	return st_name_strip_generics(b, m, b + ev->bufcap / 2, ev->bufcap / 2);
}

/* The legacy spelling: every {closure#N} becomes {{closure}}. */
static size_t legacy_spelling(const char *s, size_t n, char *b)
{
	size_t o = 0, k;
	for (size_t i = 0; i < n;) {
		if (s[i] == '{' && (k = closure_seg(s, n, i))) {
			memcpy(b + o, "{{closure}}", 11);
			o += 11;
			i += k;
		} else {
			b[o++] = s[i++];
		}
	}
	return o;
}

static void record_defid(st_async_evidence *ev, const char *s, size_t n, bool coroutine)
{
	size_t m = def_path(ev, s, n), tl;
	char *p = ev->buf + ev->bufcap / 2;
	set_add(coroutine ? &ev->coroutines : &ev->closures, p, m);
	if (!coroutine)
		return;
	const char *t = method_tail(p, m, &tl);
	if (t)
		set_add(&ev->method_coroutines, t, tl);
	/* {closure#N} (>= 11 bytes) only ever shrinks to {{closure}} (11). */
	size_t lm = legacy_spelling(p, m, ev->buf);
	if (lm != m || memcmp(ev->buf, p, m))
		set_add(&ev->legacy_coroutines, ev->buf, lm);
}

/* "Coroutine(DefId(0:16 ~ PATH)" / "Closure(DefId(...)" at or after s[i],
 * where s[i] is the '(' of "(DefId(". Returns where scanning goes on. */
static size_t scan_defid(st_async_evidence *ev, const char *s, size_t n, size_t i)
{
	bool co = i >= 9 && !memcmp(s + i - 9, "Coroutine", 9);
	bool cl = !co && i >= 7 && !memcmp(s + i - 7, "Closure", 7);
	size_t j = i + 7;
	if (!co && !cl)
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
	if (end > start)
		record_defid(ev, s + start, end - start, co);
	return end;
}

/* "{async fn body of F()}" records F's last segment. */
static size_t scan_async(st_async_evidence *ev, const char *s, size_t n, size_t i)
{
	static const char body[] = "{async fn body of ";
	static const char block[] = "{async block@";
	if (n - i >= sizeof block - 1 && !memcmp(s + i, block, sizeof block - 1)) {
		ev->async_blocks++;
		return i + sizeof block - 1;
	}
	if (n - i < sizeof body - 1 || memcmp(s + i, body, sizeof body - 1))
		return i + 7;
	size_t start = i + sizeof body - 1, end = start, sl;
	while (end < n && s[end] != '(' && s[end] != '}')
		end++;
	if (end > start && end < n && s[end] == '(') {
		size_t m = def_path(ev, s + start, end - start);
		const char *seg = last_seg(ev->buf + ev->bufcap / 2, m, &sl);
		set_add(&ev->async_fns, seg, sl);
	}
	return end;
}

void st_async_evidence_scan(st_async_evidence *ev, const char *s, size_t len)
{
	/* Most strings hold neither marker: two memmem calls reject them. */
	const char *d = memmem(s, len, "(DefId(", 7);
	const char *a = memmem(s, len, "{async ", 7);
	while (d || a) {
		size_t i;
		if (d && (!a || d < a)) {
			i = scan_defid(ev, s, len, (size_t)(d - s));
			d = i < len ? memmem(s + i, len - i, "(DefId(", 7) : NULL;
		} else {
			i = scan_async(ev, s, len, (size_t)(a - s));
			a = i < len ? memmem(s + i, len - i, "{async ", 7) : NULL;
		}
		if (d && d < s + i)
			d = i < len ? memmem(s + i, len - i, "(DefId(", 7) : NULL;
		if (a && a < s + i)
			a = i < len ? memmem(s + i, len - i, "{async ", 7) : NULL;
	}
}

/* ---- heuristic evidence ---------------------------------------------------- */

static void note_future(st_async_evidence *ev, const char *x, size_t n)
{
	size_t m = def_path(ev, x, n), parent;
	const char *p = ev->buf + ev->bufcap / 2;
	if (ends_in_closure(p, m, &parent))
		set_add(&ev->futures, p, m);
}

/* "<X as TRAIT>::METHOD" with the given trait and method: X's extent. */
static bool qualified_self(const char *s, size_t n, const char *trait,
                           const char *method, size_t *xlen)
{
	if (!n || s[0] != '<')
		return false;
	size_t e = match_angle(s, n, 0), tl = strlen(trait), ml = strlen(method);
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
		size_t e = match_angle(name, len, open);
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
		size_t e = match_angle(name, len, open), x = open + 6;
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

static bool is_coroutine(const st_async_evidence *ev, const char *p, size_t n)
{
	size_t tl;
	const char *t;
	if (!st_async_evidence_exact(ev))
		return set_has(&ev->futures, p, n);
	if (set_has(&ev->coroutines, p, n) || set_has(&ev->legacy_coroutines, p, n))
		return true;
	t = method_tail(p, n, &tl);
	return t && set_has(&ev->method_coroutines, t, tl);
}

/* Kind of a def path (generics already stripped). */
static st_kind classify_path(const st_async_evidence *ev, const char *p, size_t n)
{
	size_t parent, pp, sl;
	if (!ends_in_closure(p, n, &parent))
		return ST_K_FN;
	if (!ev || !is_coroutine(ev, p, n))
		return ST_K_CLOSURE;
	if (st_async_evidence_exact(ev) && ev->async_fns.count) {
		const char *seg = last_seg(p, parent, &sl);
		return set_has(&ev->async_fns, seg, sl) ? ST_K_ASYNC_FN : ST_K_ASYNC_BLOCK;
	}
	return ends_in_closure(p, parent, &pp) ? ST_K_ASYNC_BLOCK : ST_K_ASYNC_FN;
}

/* Generic-free copy of name in a small stack buffer or on the heap. */
static st_kind classify_text(const char *name, size_t len, const st_async_evidence *ev)
{
	char small[512], *b = len + 1 <= sizeof small ? small : malloc(len + 1);
	if (!b)
		return ST_K_FN;
	size_t m = st_name_strip_generics(name, len, b, len + 1);
	st_kind k = classify_path(ev, b, m);
	if (b != small)
		free(b);
	return k;
}

st_kind st_name_classify(const char *name, size_t len, const st_async_evidence *ev)
{
	if (len < 13 || name[len - 1] != '}')
		return ST_K_FN;   /* fast path: no closure segment at the end */
	return classify_text(name, len, ev);
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
		if (c == '>' && !opens_generics(s, n, j))
			break;
	}
	return i;
}

/* Depth of generic-argument brackets at each '{' is tracked so that the
 * name's own path (depth 0: `<Router>::route::<H>::{closure#0}`) is tried
 * before paths mentioned inside its generic arguments (`drop_glue::<X>`). */
static bool owner_at(const char *name, size_t len, const st_async_evidence *ev,
                     bool own_path_only, size_t *off, size_t *olen)
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
		st_kind k = classify_text(name + start, end - start, ev);
		if (k != ST_K_ASYNC_FN && k != ST_K_ASYNC_BLOCK)
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

bool st_async_owner(const char *name, size_t len, const st_async_evidence *ev,
                    size_t *off, size_t *olen)
{
	return owner_at(name, len, ev, true, off, olen) ||
	       owner_at(name, len, ev, false, off, olen);
}
