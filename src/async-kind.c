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
 * up as `app::f::{closure#0}`.
 *
 * The evidence is gathered in async-evidence.c, and paths are keyed in
 * async-paths.c; this file reads the kinds from them. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "stalactite/names.h"
#include "async-internal.h"

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
		if (!ak_def_key(p, n, use_trait, legacy, &k))
			continue;
		if (!ak_key_get(ev, 'c', k.p, ak_first_sep(k.p, k.len)))
			continue;   /* no keys of that crate: try the trait's */
		uint8_t bits = ak_key_get(ev, legacy ? 'l' : 'd', k.p, k.len);
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
	if (!ak_ends_in_closure(p, n, &parent))
		return ST_K_FN;
	if (ev && ev->any) {
		st_kind k = exact_kind(ev, p, n);
		if (k != ST_K_OTHER)
			return k;
	}
	*exact = false;
	if (!ev || !ak_key_get(ev, 'f', p, n))
		return ST_K_CLOSURE;
	return ak_ends_in_closure(p, parent, &pp) ? ST_K_ASYNC_BLOCK : ST_K_ASYNC_FN;
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
		size_t seg = ak_closure_seg(name, len, i);
		if (!seg || i < 2 || name[i - 1] != ':' || name[i - 2] != ':')
			continue;
		size_t start = path_start(name, len, i - 2), end = i + seg;
		if (!is_async(classify_text(ev, name + start, end - start, exact)))
			continue;
		/* The owner: the path without its trailing closure segments. */
		size_t o = i - 2, pl;
		while (ak_ends_in_closure(name + start, o - start, &pl))
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
