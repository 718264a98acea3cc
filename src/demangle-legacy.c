/* demangle-legacy.c: legacy Rust symbols (_ZN<len><ident>...E), as
 * rustc-demangle prints them: "::" between the path's elements, $escapes$
 * decoded, and the trailing hash element left out unless ST_DEMANGLE_FULL. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "stalactite/demangle.h"
#include "demangle-internal.h"

static bool is_hash_elem(const char *s, size_t n)
{
	if (!n || s[0] != 'h')
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i] | 0x20;   /* fold case */
		if (!((s[i] >= '0' && s[i] <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* $u<hex>$: a lowercase-hex, non-control Unicode scalar. */
static bool legacy_uescape(const char *e, size_t n, uint32_t *c)
{
	uint64_t x = 0;
	if (n < 2 || e[0] != 'u')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!((e[i] >= '0' && e[i] <= '9') || (e[i] >= 'a' && e[i] <= 'f')))
			return false;
		x = x << 4 | (uint64_t)nibble(e[i]);
		if (x > UINT32_MAX)
			return false;
	}
	if (!valid_scalar(x) || x < 0x20 || (x >= 0x7f && x <= 0x9f))
		return false;
	*c = (uint32_t)x;
	return true;
}

static const char *legacy_escape(const char *e, size_t n)
{
	static const char tab[][2][3] = {
		{ "SP", "@" }, { "BP", "*" }, { "RF", "&" }, { "LT", "<" },
		{ "GT", ">" }, { "LP", "(" }, { "RP", ")" }, { "C", "," },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strlen(tab[i][0]) == n && !memcmp(tab[i][0], e, n))
			return tab[i][1];
	return NULL;
}

/* One path element: "..", "." and $escapes$; an unknown escape ends
 * decoding and the rest of the element is copied as is. */
static bool legacy_elem(v0 *v, const char *r, size_t n)
{
	const char *end = r + n, *d;
	uint32_t c;
	if (n >= 2 && r[0] == '_' && r[1] == '$')
		r++;
	while (r < end) {
		if (*r == '.') {
			bool two = r + 1 < end && r[1] == '.';
			TRY(two ? put(v, "::", 2) : put(v, ".", 1));
			r += two ? 2 : 1;
		} else if (*r == '$') {
			const char *q = memchr(r + 1, '$', (size_t)(end - r - 1));
			if (!q)
				break;
			if ((d = legacy_escape(r + 1, (size_t)(q - r - 1))))
				TRY(puts0(v, d));
			else if (legacy_uescape(r + 1, (size_t)(q - r - 1), &c))
				TRY(put_char(v, c));
			else
				break;
			r = q + 1;
		} else {
			const char *q = r;
			while (q < end && *q != '.' && *q != '$')
				q++;
			TRY(put(v, r, (size_t)(q - r)));
			r = q;
		}
	}
	return put(v, r, (size_t)(end - r));
}

/* Scans "<len><ident>"* "E"; *nel gets the count and *endp the 'E'. */
static bool legacy_scan(const char *s, size_t n, size_t *nel, size_t *endp)
{
	size_t i = 0;
	*nel = 0;
	for (;;) {
		TRY(i < n);
		if (s[i] == 'E')
			break;
		TRY(s[i] >= '0' && s[i] <= '9');
		size_t len = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			TRY(len <= (SIZE_MAX - 9) / 10);
			len = len * 10 + (size_t)(s[i++] - '0');
		}
		TRY(len < n - i);   /* the ident and one more char must follow */
		i += len;
		(*nel)++;
	}
	*endp = i;
	return true;
}

int demangle_legacy(const char *s, size_t n, v0 *v)
{
	size_t nel, end;
	if (n >= 3 && !memcmp(s, "_ZN", 3))
		s += 3, n -= 3;
	else if (n >= 2 && !memcmp(s, "ZN", 2))
		s += 2, n -= 2;
	else if (n >= 4 && !memcmp(s, "__ZN", 4))
		s += 4, n -= 4;
	else
		return 1;
	if (!all_ascii(s, n) || !legacy_scan(s, n, &nel, &end))
		return 1;
	size_t rest = n - end - 1;
	if (rest && (s[end + 1] != '.' || !symbol_like(s + end + 1, rest)))
		return 1;
	for (size_t e = 0, i = 0; e < nel; e++) {
		size_t len = 0;
		while (s[i] >= '0' && s[i] <= '9')
			len = len * 10 + (size_t)(s[i++] - '0');
		if (!v->full && e + 1 == nel && is_hash_elem(s + i, len))
			break;
		if (e && !put(v, "::", 2))
			return 2;
		if (!legacy_elem(v, s + i, len))
			return 2;
		i += len;
	}
	return put(v, s + end + 1, rest) ? 0 : 2;
}

