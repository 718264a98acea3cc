/* demangle.c: Rust symbol demangling, v0 (RFC 2603, demangle-v0.c) and
 * legacy (_ZN...E, demangle-legacy.c): which scheme a symbol is in, the
 * ".llvm." suffix, and rustc-demangle's bound on the output.  The
 * --demangle filter is demangle-filter.c. */
#include <stddef.h>
#include <string.h>
#include "stalactite/demangle.h"
#include "demangle-internal.h"

#define FAIL ((size_t)-1)

/* ThinLTO's ".llvm.<hex>" suffix is dropped, as rustc-demangle does. */
static size_t strip_llvm(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while ((p = memchr(p, '.', (size_t)(end - p))) && (end - p < 6 || memcmp(p, ".llvm.", 6)))
		p++;
	if (!p)
		return n;
	for (const char *q = p + 6; q < s + n; q++)
		if (!((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'F') || *q == '@'))
			return n;
	return (size_t)(p - s);
}

/* 0 ok, 1 not a Rust symbol, 2 output too small. */
static int demangle_status(const char *sym, size_t len, char *out, size_t cap,
                           int flags, size_t *olen)
{
	v0 v;
	int r;
	memset(&v, 0, offsetof(v0, memo));
	v.out = out;
	v.cap = cap;
	v.full = flags & ST_DEMANGLE_FULL;
	*olen = 0;
	if (!cap)
		return ST_DEMANGLE_TOO_SMALL;
	len = strip_llvm(sym, len);
	r = demangle_legacy(sym, len, &v);
	if (r == 1) {
		v.len = 0;
		v.overflow = false;
		v.nmemo = 0;
		r = demangle_v0(sym, len, &v);
	}
	if (r == 0 && v.len > MAX_OUT)
		r = ST_DEMANGLE_INVALID;   /* rustc-demangle gives up there too */
	out[r == 0 ? v.len : 0] = '\0';
	*olen = v.len;
	return r;
}

size_t st_demangle(const char *sym, size_t len, char *out, size_t cap, int flags)
{
	size_t olen;
	return demangle_status(sym, len, out, cap, flags, &olen) ? FAIL : olen;
}

int st_demangle_ex(const char *sym, size_t len, char *out, size_t cap, int flags,
                   size_t *olen)
{
	return demangle_status(sym, len, out, cap, flags, olen);
}
