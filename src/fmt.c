/* fmt.c: see fmt.h. */
#include <stdio.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/xalloc.h"

void st_fmt_ns(char *buf, size_t cap, int64_t ns, bool ascii)
{
	const char *sign = ns < 0 ? "-" : "";
	double v = ns < 0 ? -(double)ns : (double)ns;
	const char *us = ascii ? "us" : "\xc2\xb5s";
	if (v < 1e3)
		snprintf(buf, cap, "%s%.0fns", sign, v);
	else if (v < 1e6)
		snprintf(buf, cap, "%s%.*f%s", sign, v < 1e4 ? 2 : v < 1e5 ? 1 : 0,
		         v / 1e3, us);
	else if (v < 1e9)
		snprintf(buf, cap, "%s%.*fms", sign, v < 1e7 ? 2 : v < 1e8 ? 1 : 0,
		         v / 1e6);
	else if (v < 60e9)
		snprintf(buf, cap, "%s%.*fs", sign, v < 1e10 ? 2 : 1, v / 1e9);
	else {
		long long s = (long long)(v / 1e9 + 0.5);
		snprintf(buf, cap, "%s%lldm%02llds", sign, s / 60, s % 60);
	}
}

void st_fmt_ns_col(char *buf, size_t cap, int64_t ns, bool ascii, int width)
{
	char s[32];
	st_fmt_ns(s, sizeof s, ns, ascii);
	int cols = 0;
	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xc0) != 0x80;
	int pad = width > cols ? width - cols : 0;
	snprintf(buf, cap, "%*s%s", pad, "", s);
}

void st_fmt_delta_ns(char *buf, size_t cap, int64_t delta, bool ascii)
{
	char s[32];
	st_fmt_ns(s, sizeof s, delta, ascii);
	snprintf(buf, cap, "%s%s", delta > 0 ? "+" : "", s);
}

void st_fmt_delta_count(char *buf, size_t cap, int64_t delta)
{
	snprintf(buf, cap, "%s%lld", delta > 0 ? "+" : "", (long long)delta);
}

void st_fmt_delta_pct(char *buf, size_t cap, int64_t base, int64_t new)
{
	if (base == new)   /* "0.0%", as documented: no sign for no change */
		snprintf(buf, cap, "0.0%%");
	else if (base == 0)
		snprintf(buf, cap, "new");
	else if (new == 0)
		snprintf(buf, cap, "gone");
	else
		snprintf(buf, cap, "%+.1f%%", 100.0 * ((double)new - (double)base) /
		                              (base < 0 ? -(double)base : (double)base));
}

const char *st_fmt_sanitized(st_fmt_scratch *sc, const char *s, size_t len)
{
	/* an escape is at most 4 output bytes per input byte ("\x1b" for
	 * one byte, "\u{202e}" for three): 8 per byte is ample */
	if (sc->cap < len * 8 + 16) {
		sc->cap = len * 8 + 16;
		sc->buf = st_xrealloc(sc->buf, sc->cap);
	}
	st_fmt_sanitize(s, len, sc->buf, sc->cap, false);
	return sc->buf;
}

void st_fmt_pct(char *buf, size_t cap, double part, double whole)
{
	if (whole <= 0)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.1f%%", 100.0 * part / whole);
}

size_t st_utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		out[i] = (char)(0x80 | (cp & 0x3f));
	out[0] = (char)(lead[n] | cp);
	return n;
}

size_t st_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* What must not reach a terminal raw: C0, DEL and C1 controls, and the
 * invisible format characters that reorder the text after them (bidi
 * embeddings, overrides, isolates and marks: "Trojan Source") or hide text
 * (zero-width characters, the byte order mark). */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	       cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) ||
	       cp == 0xfeff;
}

size_t st_fmt_sanitize(const char *s, size_t len, char *out, size_t cap,
                       bool ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	if (!cap)
		return 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = st_utf8_decode(p + i, len - i, &cp);
		char esc[16];
		const char *piece;
		size_t plen;
		if (n == 0) {
			snprintf(esc, sizeof esc, "\\x%02x", p[i]);
			piece = esc; plen = 4; n = 1;
		} else if (is_control(cp)) {
			if (cp < 0x100)
				snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
			else
				snprintf(esc, sizeof esc, "\\u{%x}", (unsigned)cp);
			piece = esc; plen = strlen(esc);
		} else if (ascii && cp >= 0x80) {
			snprintf(esc, sizeof esc, "\\u{%x}", (unsigned)cp);
			piece = esc; plen = strlen(esc);
		} else {
			piece = s + i; plen = n;
		}
		if (o + plen >= cap)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		i += n;
	}
	out[o] = '\0';
	return o;
}
