/* demangle-v0.c: the v0 grammar of Rust symbols (RFC 2603).
 *
 * The v0 demangler parses and prints in one recursive-descent pass straight
 * into the caller's buffer.  Any error (bad syntax, depth over MAX_DEPTH, a
 * full buffer) abandons the whole symbol, so callers never see half-rewritten
 * text.  Backreferences always point strictly backwards and each one counts
 * as a level of depth, so no input loops; exponential expansion through
 * backrefs is bounded by the output capacity, because every branching
 * production (generic args, tuples, fn signatures ...) prints something.
 * Output follows rustc-demangle: {:#} (alternate) by default, {} with
 * ST_DEMANGLE_FULL. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "demangle-internal.h"

#define MAX_DEPTH 500

typedef struct ident {
	const char *ascii, *puny;
	size_t alen, plen;
} ident;

/* ---- output --------------------------------------------------------------- */

static bool put_u64(v0 *v, uint64_t x, bool hex)
{
	char buf[24];
	size_t i = sizeof buf;
	do {
		buf[--i] = "0123456789abcdef"[hex ? x % 16 : x % 10];
		x = hex ? x / 16 : x / 10;
	} while (x);
	return put(v, buf + i, sizeof buf - i);
}

/* ---- lexing --------------------------------------------------------------- */

static int peek(const v0 *v)
{
	return v->pos < v->n ? (unsigned char)v->s[v->pos] : -1;
}

static bool eat(v0 *v, int c)
{
	if (peek(v) != c)
		return false;
	v->pos++;
	return true;
}

static int next(v0 *v)
{
	int c = peek(v);
	if (c >= 0)
		v->pos++;
	return c;
}

static bool push_depth(v0 *v)
{
	if (++v->depth > v->peak)
		v->peak = v->depth;
	return v->depth <= MAX_DEPTH;
}

/* Base-62 digit values plus one; 0 for anything else ('_' included). */
static const unsigned char d62[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0,
	0, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 0, 0, 0, 0, 0,
	0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
	26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 0, 0, 0, 0, 0,
};

/* <base-62-number>: "_" is 0, "N_" is N + 1.  Ten digits cannot overflow
 * 64 bits, so only the digits after those pay for checks. */
static inline bool integer62(v0 *v, uint64_t *x)
{
	const char *start = v->s + v->pos, *p = start, *end = v->s + v->n;
	const char *fast = end - start > 10 ? start + 10 : end;
	uint64_t r = 0;
	unsigned d;
	for (; p < fast && (d = d62[(unsigned char)*p]); p++)
		r = r * 62 + d - 1;
	for (; p < end && (d = d62[(unsigned char)*p]); p++)
		TRY(!__builtin_mul_overflow(r, 62, &r) && !__builtin_add_overflow(r, d - 1, &r));
	TRY(p < end && *p == '_');
	v->pos = (size_t)(p + 1 - v->s);
	if (p == start) {
		*x = 0;
		return true;
	}
	TRY(r != UINT64_MAX);
	*x = r + 1;
	return true;
}

/* An optional tagged number: absent is 0, present is integer62 + 1. */
static inline bool opt_integer62(v0 *v, int tag, uint64_t *x)
{
	*x = 0;
	if (!eat(v, tag))
		return true;
	TRY(integer62(v, x) && *x != UINT64_MAX);
	(*x)++;
	return true;
}

static inline bool parse_ident(v0 *v, ident *id)
{
	bool puny = eat(v, 'u');
	const char *p = v->s + v->pos, *end = v->s + v->n;
	size_t len;
	TRY(p < end && *p >= '0' && *p <= '9');
	len = (size_t)(*p++ - '0');
	while (len && p < end && *p >= '0' && *p <= '9') {   /* no leading 0s */
		TRY(len <= (SIZE_MAX - 9) / 10);
		len = len * 10 + (size_t)(*p++ - '0');
	}
	if (p < end && *p == '_')
		p++;
	TRY(len <= (size_t)(end - p));
	v->pos = (size_t)(p + len - v->s);
	id->ascii = p;
	id->alen = len;
	id->plen = 0;
	if (!puny)
		return true;
	const char *us = len ? memrchr(p, '_', len) : NULL;
	id->alen = us ? (size_t)(us - p) : 0;
	id->puny = us ? us + 1 : p;
	id->plen = len - (size_t)(id->puny - p);
	return id->plen > 0;
}

/* ---- punycode (RFC 3492 with '_' as the delimiter) ------------------------ */

#define PUNY_MAX 128   /* rustc-demangle's decoding buffer, in chars */

static size_t puny_adapt(size_t delta, size_t len, bool first)
{
	size_t k = 0;
	delta /= first ? 700 : 2;
	delta += delta / len;
	while (delta > (36 - 1) * 26 / 2) {
		delta /= 36 - 1;
		k += 36;
	}
	return k + (36 * delta) / (delta + 38);
}

/* Reads one generalised variable-length integer. */
static bool puny_delta(const char **p, const char *end, size_t bias, size_t *out)
{
	size_t delta = 0, w = 1;
	for (size_t k = 36;; k += 36) {
		size_t t = k <= bias ? 1 : k - bias >= 26 ? 26 : k - bias;
		size_t d;
		TRY(*p < end);
		char c = *(*p)++;
		if (c >= 'a' && c <= 'z')
			d = (size_t)(c - 'a');
		else if (c >= '0' && c <= '9')
			d = 26 + (size_t)(c - '0');
		else
			return false;
		TRY(w == 0 || d <= (SIZE_MAX - delta) / w);
		delta += d * w;
		if (d < t)
			break;
		TRY(w <= SIZE_MAX / (36 - t));
		w *= 36 - t;
	}
	*out = delta;
	return true;
}

static bool puny_decode(const ident *id, uint32_t *cp, size_t *ncp)
{
	const char *p = id->puny, *end = id->puny + id->plen;
	size_t len = id->alen, i = 0, n = 0x80, bias = 72;
	TRY(len <= PUNY_MAX);
	for (size_t j = 0; j < len; j++)
		cp[j] = (unsigned char)id->ascii[j];
	for (bool first = true; p < end; first = false) {
		size_t delta;
		TRY(puny_delta(&p, end, bias, &delta));
		len++;
		TRY(i <= SIZE_MAX - delta);
		i += delta;
		TRY(n <= SIZE_MAX - i / len);
		n += i / len;
		i %= len;
		TRY(valid_scalar(n) && len <= PUNY_MAX);
		memmove(cp + i + 1, cp + i, (len - 1 - i) * sizeof *cp);
		cp[i++] = (uint32_t)n;
		bias = puny_adapt(delta, len, first);
	}
	*ncp = len;
	return true;
}

/* Undecodable punycode prints as punycode{ascii-code}, as rustc-demangle. */
static bool print_punycode(v0 *v, const ident *id)
{
	uint32_t cp[PUNY_MAX];
	size_t ncp;
	if (puny_decode(id, cp, &ncp)) {
		for (size_t i = 0; i < ncp; i++)
			TRY(put_char(v, cp[i]));
		return true;
	}
	TRY(PUTS(v, "punycode{"));
	if (id->alen)
		TRY(put(v, id->ascii, id->alen) && put(v, "-", 1));
	return put(v, id->puny, id->plen) && put(v, "}", 1);
}

/* Plain identifiers stay on the fast path, free of the decoding buffer. */
static inline bool print_ident(v0 *v, const ident *id)
{
	if (v->skip)
		return true;
	return id->plen ? print_punycode(v, id) : put(v, id->ascii, id->alen);
}

/* ---- grammar -------------------------------------------------------------- */

static bool path(v0 *v, bool in_value);
static bool type(v0 *v);
static bool konst(v0 *v, bool in_value);

typedef bool (*item_fn)(v0 *v, void *arg);

static memo *memo_find(v0 *v, size_t pos, int kind)
{
	for (unsigned j = 0; j < MEMO && j < v->nmemo; j++) {
		memo *m = &v->memo[j];
		if (m->pos == pos && m->kind == kind && m->bound == v->bound)
			return m;
	}
	return NULL;
}

static bool memo_replay(v0 *v, const memo *m, bool *open)
{
	TRY(v->depth + m->height <= MAX_DEPTH);
	if (v->depth + m->height > v->peak)
		v->peak = v->depth + m->height;
	if (open)
		*open = m->open;
	if (m->len >= v->cap - v->len) {
		v->overflow = true;
		return false;
	}
	memmove(v->out + v->len, v->out + m->off, m->len);
	v->len += m->len;
	return true;
}

/* Follows the backref at v->pos (after its 'B') to print item `kind` there;
 * when skipping, only parses it, which keeps validation linear. */
static bool backref(v0 *v, item_fn f, void *arg, int kind)
{
	size_t start = v->pos - 1, save = v->pos, off = v->len;
	uint64_t i;
	unsigned peak = v->peak;
	TRY(integer62(v, &i) && i < start);
	if (v->skip)
		return true;
	TRY(push_depth(v));
	const memo *hit = memo_find(v, (size_t)i, kind);
	if (hit) {
		TRY(memo_replay(v, hit, kind == 5 ? arg : NULL));
		v->depth--;
		return true;
	}
	save = v->pos;
	v->pos = (size_t)i;
	v->peak = v->depth;
	TRY(f(v, arg));
	v->memo[v->nmemo++ % MEMO] = (memo){ (size_t)i, off, v->len - off, v->bound,
		v->peak - v->depth, kind, kind == 5 && *(bool *)arg };
	if (v->peak < peak)
		v->peak = peak;
	v->pos = save;
	v->depth--;
	return true;
}

/* Items up to 'E' separated by sep; *count gets their number. */
static bool list(v0 *v, item_fn f, void *arg, const char *sep, size_t *count)
{
	size_t i = 0;
	for (; !eat(v, 'E'); i++) {
		TRY(peek(v) >= 0);
		if (i)
			TRY(puts0(v, sep));
		TRY(f(v, arg));
	}
	if (count)
		*count = i;
	return true;
}

static bool lifetime(v0 *v, uint64_t lt)
{
	if (v->skip)
		return true;
	TRY(put(v, "'", 1));
	if (lt == 0)
		return put(v, "_", 1);
	TRY(lt <= v->bound);
	uint64_t d = v->bound - lt;
	if (d < 26)
		return put_char(v, (uint32_t)('a' + d));
	return put(v, "_", 1) && put_u64(v, d, false);
}

/* for<'a, ...> around f, when a 'G' binder is present. */
static bool binder(v0 *v, item_fn f, void *arg)
{
	uint64_t n;
	TRY(opt_integer62(v, 'G', &n));
	if (v->skip || n == 0)
		return f(v, arg);
	TRY(n < v->cap && PUTS(v, "for<"));
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			TRY(put(v, ", ", 2));
		v->bound++;
		TRY(lifetime(v, 1));
	}
	TRY(put(v, "> ", 2) && f(v, arg));
	v->bound -= n;
	return true;
}

static bool path_item(v0 *v, void *arg)
{
	return path(v, *(bool *)arg);
}

static bool type_item(v0 *v, void *arg)
{
	(void)arg;
	return type(v);
}

static bool const_item(v0 *v, void *arg)
{
	return konst(v, *(bool *)arg);
}

static bool generic_arg(v0 *v, void *arg)
{
	uint64_t lt;
	(void)arg;
	if (eat(v, 'L'))
		return integer62(v, &lt) && lifetime(v, lt);
	if (eat(v, 'K'))
		return konst(v, false);
	return type(v);
}

/* list(generic_arg) without the indirect calls: this is the hot loop. */
static bool generic_args(v0 *v)
{
	for (bool first = true; !eat(v, 'E'); first = false) {
		TRY(peek(v) >= 0);
		if (!first)
			TRY(put(v, ", ", 2));
		TRY(generic_arg(v, NULL));
	}
	return true;
}

static bool nested_ns(v0 *v, int ns, const ident *id, uint64_t dis)
{
	bool named = id->alen || id->plen;
	if (ns >= 'a' && ns <= 'z')
		return !named || (PUTS(v, "::") && print_ident(v, id));
	TRY(PUTS(v, "::{"));
	if (ns == 'C')
		TRY(PUTS(v, "closure"));
	else if (ns == 'S')
		TRY(PUTS(v, "shim"));
	else
		TRY(put_char(v, (uint32_t)ns));
	if (named)
		TRY(put(v, ":", 1) && print_ident(v, id));
	return put(v, "#", 1) && put_u64(v, dis, false) && put(v, "}", 1);
}

/* M / X / Y: <Type>, <Type as Trait>; the impl's own path is not shown. */
static bool impl_path(v0 *v, int tag)
{
	uint64_t dis;
	bool ok;
	if (tag != 'Y') {
		TRY(opt_integer62(v, 's', &dis));
		v->skip++;
		ok = path(v, false);
		v->skip--;
		TRY(ok);
	}
	TRY(put(v, "<", 1) && type(v));
	if (tag != 'M')
		TRY(PUTS(v, " as ") && path(v, false));
	return put(v, ">", 1);
}

static bool path_body(v0 *v, bool in_value)
{
	int tag = next(v), ns;
	uint64_t dis;
	ident id;
	switch (tag) {
	case 'C':
		TRY(opt_integer62(v, 's', &dis) && parse_ident(v, &id));
		TRY(print_ident(v, &id));
		if (v->full && dis)
			TRY(put(v, "[", 1) && put_u64(v, dis, true) && put(v, "]", 1));
		return true;
	case 'N':
		ns = next(v);
		TRY((ns >= 'A' && ns <= 'Z') || (ns >= 'a' && ns <= 'z'));
		TRY(path(v, in_value));
		TRY(opt_integer62(v, 's', &dis) && parse_ident(v, &id));
		return nested_ns(v, ns, &id, dis);
	case 'M': case 'X': case 'Y':
		return impl_path(v, tag);
	case 'I':
		TRY(path(v, in_value));
		if (in_value)
			TRY(PUTS(v, "::"));
		return put(v, "<", 1) && generic_args(v) && put(v, ">", 1);
	case 'B':
		return backref(v, path_item, &in_value, in_value);
	default:
		return false;
	}
}

static bool path(v0 *v, bool in_value)
{
	TRY(push_depth(v) && path_body(v, in_value));
	v->depth--;
	return true;
}

static const char *basic_type(int tag)
{
	switch (tag) {
	case 'b': return "bool";
	case 'c': return "char";
	case 'e': return "str";
	case 'u': return "()";
	case 'a': return "i8";
	case 's': return "i16";
	case 'l': return "i32";
	case 'x': return "i64";
	case 'n': return "i128";
	case 'i': return "isize";
	case 'h': return "u8";
	case 't': return "u16";
	case 'm': return "u32";
	case 'y': return "u64";
	case 'o': return "u128";
	case 'j': return "usize";
	case 'f': return "f32";
	case 'd': return "f64";
	case 'z': return "!";
	case 'p': return "_";
	case 'v': return "...";
	default: return NULL;
	}
}

/* Inside a binder: [U] [K abi] args E ret */
static bool fn_sig(v0 *v, void *arg)
{
	bool unsafe_ = eat(v, 'U');
	ident abi = { 0 };
	bool has_abi = eat(v, 'K');
	(void)arg;
	if (has_abi && eat(v, 'C'))
		abi = (ident){ "C", NULL, 1, 0 };
	else if (has_abi)
		TRY(parse_ident(v, &abi) && abi.alen && !abi.plen);
	if (unsafe_)
		TRY(PUTS(v, "unsafe "));
	if (has_abi) {
		TRY(PUTS(v, "extern \""));
		for (size_t i = 0; i < abi.alen; i++)  /* '-' was mangled as '_' */
			TRY(put(v, abi.ascii[i] == '_' ? "-" : abi.ascii + i, 1));
		TRY(PUTS(v, "\" "));
	}
	TRY(PUTS(v, "fn(") && list(v, type_item, NULL, ", ", NULL) && put(v, ")", 1));
	if (eat(v, 'u'))
		return true;
	return PUTS(v, " -> ") && type(v);
}

/* A trait path whose <...> stays open when it had generic arguments, so
 * associated type bindings can join them: dyn Trait<T, Assoc = X>. */
static bool trait_open(v0 *v, void *arg)
{
	bool *open = arg;
	*open = false;
	if (eat(v, 'B'))
		return backref(v, trait_open, arg, 5);
	if (!eat(v, 'I'))
		return path(v, false);
	TRY(path(v, false) && put(v, "<", 1));
	*open = true;
	return generic_args(v);
}

static bool dyn_trait(v0 *v, void *arg)
{
	bool open = false;
	ident id;
	(void)arg;
	TRY(trait_open(v, &open));
	while (eat(v, 'p')) {
		TRY(puts0(v, open ? ", " : "<"));
		open = true;
		TRY(parse_ident(v, &id) && print_ident(v, &id) && PUTS(v, " = "));
		if (eat(v, 'K'))
			TRY(konst(v, false));
		else
			TRY(type(v));
	}
	return !open || put(v, ">", 1);
}

static bool dyn_bounds(v0 *v, void *arg)
{
	(void)arg;
	return list(v, dyn_trait, NULL, " + ", NULL);
}

static bool pattern(v0 *v)
{
	switch (next(v)) {
	case 'R':
		return konst(v, false) && PUTS(v, "..=") && konst(v, false);
	case 'O':
		TRY(push_depth(v) && pattern(v));
		while (!eat(v, 'E'))
			TRY(peek(v) >= 0 && PUTS(v, " | ") && pattern(v));
		v->depth--;
		return true;
	case 'N':
		return PUTS(v, "!null");
	default:
		return false;
	}
}

static bool type_body(v0 *v, int tag)
{
	uint64_t lt;
	size_t count;
	switch (tag) {
	case 'R': case 'Q':
		TRY(put(v, "&", 1));
		if (eat(v, 'L')) {
			TRY(integer62(v, &lt));
			if (lt)
				TRY(lifetime(v, lt) && put(v, " ", 1));
		}
		return (tag == 'R' || PUTS(v, "mut ")) && type(v);
	case 'P': case 'O':
		return puts0(v, tag == 'P' ? "*const " : "*mut ") && type(v);
	case 'A': case 'S':
		TRY(put(v, "[", 1) && type(v));
		if (tag == 'A')
			TRY(put(v, "; ", 2) && konst(v, true));
		return put(v, "]", 1);
	case 'T':
		TRY(put(v, "(", 1) && list(v, type_item, NULL, ", ", &count));
		return (count != 1 || put(v, ",", 1)) && put(v, ")", 1);
	case 'F':
		return binder(v, fn_sig, NULL);
	case 'D':
		TRY(PUTS(v, "dyn ") && binder(v, dyn_bounds, NULL));
		TRY(eat(v, 'L') && integer62(v, &lt));
		return !lt || (PUTS(v, " + ") && lifetime(v, lt));
	case 'B':
		return backref(v, type_item, NULL, 2);
	case 'W':
		return type(v) && PUTS(v, " is ") && pattern(v);
	default:
		v->pos--;   /* the tag starts a path */
		return path(v, false);
	}
}

static bool type(v0 *v)
{
	int tag = next(v);
	const char *b = basic_type(tag);
	if (b)
		return puts0(v, b);
	TRY(tag >= 0 && push_depth(v) && type_body(v, tag));
	v->depth--;
	return true;
}

/* ---- constants ------------------------------------------------------------ */

typedef struct hex {
	const char *p;
	size_t n;
} hex;

static bool hex_nibbles(v0 *v, hex *h)
{
	h->p = v->s + v->pos;
	for (;;) {
		int c = next(v);
		if (c == '_')
			break;
		TRY((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
	}
	h->n = (size_t)(v->s + v->pos - 1 - h->p);
	return true;
}

/* The value when it fits in a u64. */
static bool hex_uint(hex h, uint64_t *x)
{
	while (h.n && *h.p == '0')
		h.p++, h.n--;
	TRY(h.n <= 16);
	*x = 0;
	for (size_t i = 0; i < h.n; i++)
		*x = *x << 4 | (uint64_t)nibble(h.p[i]);
	return true;
}

static bool const_uint(v0 *v, int tag)
{
	hex h;
	uint64_t x;
	TRY(hex_nibbles(v, &h));
	if (hex_uint(h, &x))
		TRY(put_u64(v, x, false));
	else
		TRY(put(v, "0x", 2) && put(v, h.p, h.n));
	return !v->full || puts0(v, basic_type(tag));
}

/* Rust's char::escape_debug, except that printability of non-ASCII chars is
 * approximated (controls, format and combining chars are escaped). */
static bool needs_unicode_escape(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad ||
	       (c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
	       c == 0xfeff || (c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000;
}

static bool put_escaped(v0 *v, uint32_t c, char quote)
{
	switch (c) {
	case 0: return put(v, "\\0", 2);
	case '\t': return put(v, "\\t", 2);
	case '\r': return put(v, "\\r", 2);
	case '\n': return put(v, "\\n", 2);
	case '\\': return put(v, "\\\\", 2);
	case '"': case '\'':
		return c == (uint32_t)quote ? put(v, "\\", 1) && put_char(v, c) : put_char(v, c);
	}
	if (needs_unicode_escape(c))
		return PUTS(v, "\\u{") && put_u64(v, c, true) && put(v, "}", 1);
	return put_char(v, c);
}

/* Decodes one UTF-8 sequence from hex byte pairs; strict like str::from_utf8. */
static bool utf8_from_hex(const char **p, const char *end, uint32_t *cp)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned b = (unsigned)(nibble((*p)[0]) << 4 | nibble((*p)[1]));
	size_t n = b < 0x80 ? 1 : b < 0xc0 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf8 ? 4 : 0;
	TRY(n && (size_t)(end - *p) >= 2 * n);
	uint32_t c = n == 1 ? b : b & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		unsigned cb = (unsigned)(nibble((*p)[2 * i]) << 4 | nibble((*p)[2 * i + 1]));
		TRY((cb & 0xc0) == 0x80);
		c = c << 6 | (cb & 0x3f);
	}
	TRY(c >= min[n] && valid_scalar(c));
	*p += 2 * n;
	*cp = c;
	return true;
}

static bool const_str(v0 *v)
{
	hex h;
	uint32_t c;
	TRY(hex_nibbles(v, &h) && h.n % 2 == 0);
	const char *p = h.p, *end = h.p + h.n;
	TRY(put(v, "\"", 1));
	while (p < end)
		TRY(utf8_from_hex(&p, end, &c) && put_escaped(v, c, '"'));
	return put(v, "\"", 1);
}

static bool field_item(v0 *v, void *arg)
{
	uint64_t dis;
	ident id;
	(void)arg;
	TRY(opt_integer62(v, 's', &dis) && parse_ident(v, &id));
	return print_ident(v, &id) && PUTS(v, ": ") && konst(v, true);
}

/* V: an ADT value, Path, Path(..) or Path { .. } */
static bool const_adt(v0 *v)
{
	bool t = true;
	TRY(path(v, true));
	switch (next(v)) {
	case 'U':
		return true;
	case 'T':
		return put(v, "(", 1) && list(v, const_item, &t, ", ", NULL) && put(v, ")", 1);
	case 'S':
		return PUTS(v, " { ") && list(v, field_item, NULL, ", ", NULL) && PUTS(v, " }");
	default:
		return false;
	}
}

static bool const_body(v0 *v, int tag, bool in_value, bool *brace);

static bool konst(v0 *v, bool in_value)
{
	int tag = next(v);
	bool brace = false;
	TRY(tag >= 0 && push_depth(v));
	TRY(const_body(v, tag, in_value, &brace));
	if (brace)
		TRY(put(v, "}", 1));
	v->depth--;
	return true;
}

/* Composite values need braces in generic argument position. */
static bool open_brace(v0 *v, bool in_value, bool *brace)
{
	if (in_value)
		return true;
	*brace = true;
	return put(v, "{", 1);
}

static bool const_body(v0 *v, int tag, bool in_value, bool *brace)
{
	bool t = true;
	hex h;
	uint64_t x;
	size_t count;
	switch (tag) {
	case 'p':
		return put(v, "_", 1);
	case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
		return const_uint(v, tag);
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
		return (!eat(v, 'n') || put(v, "-", 1)) && const_uint(v, tag);
	case 'b':
		TRY(hex_nibbles(v, &h) && hex_uint(h, &x) && x <= 1);
		return puts0(v, x ? "true" : "false");
	case 'c':
		TRY(hex_nibbles(v, &h) && hex_uint(h, &x) && valid_scalar(x));
		return put(v, "'", 1) && put_escaped(v, (uint32_t)x, '\'') && put(v, "'", 1);
	case 'e':
		return open_brace(v, in_value, brace) && put(v, "*", 1) && const_str(v);
	case 'R': case 'Q':
		if (tag == 'R' && eat(v, 'e'))
			return const_str(v);
		TRY(open_brace(v, in_value, brace) && put(v, "&", 1));
		return (tag == 'R' || PUTS(v, "mut ")) && konst(v, true);
	case 'A':
		TRY(open_brace(v, in_value, brace) && put(v, "[", 1));
		return list(v, const_item, &t, ", ", NULL) && put(v, "]", 1);
	case 'T':
		TRY(open_brace(v, in_value, brace) && put(v, "(", 1));
		TRY(list(v, const_item, &t, ", ", &count));
		return (count != 1 || put(v, ",", 1)) && put(v, ")", 1);
	case 'V':
		return open_brace(v, in_value, brace) && const_adt(v);
	case 'B':
		return backref(v, const_item, &in_value, 3 + in_value);
	default:
		return false;
	}
}

/* ---- entry point ---------------------------------------------------------- */

/* 0 ok, 1 not a symbol, 2 output too small. */
int demangle_v0(const char *s, size_t n, v0 *v)
{
	if (n > 2 && !memcmp(s, "_R", 2))
		s += 2, n -= 2;
	else if (n > 1 && s[0] == 'R')
		s += 1, n -= 1;
	else if (n > 3 && !memcmp(s, "__R", 3))
		s += 3, n -= 3;
	else
		return 1;
	if (s[0] < 'A' || s[0] > 'Z' || !all_ascii(s, n))
		return 1;
	v->s = s;
	v->n = n;
	if (!path(v, true))
		return v->overflow ? 2 : 1;
	if (peek(v) >= 'A' && peek(v) <= 'Z') {   /* instantiating crate */
		v->skip++;
		bool ok = path(v, false);
		v->skip--;
		if (!ok)
			return 1;
	}
	size_t rest = n - v->pos;
	if (rest && (s[v->pos] != '.' || !symbol_like(s + v->pos, rest)))
		return 1;
	return put(v, s + v->pos, rest) ? 0 : 2;
}
