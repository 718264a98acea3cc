/* Unit tests: durations, shares, UTF-8 decoding and making names safe for a
 * terminal. */
#include <stdbool.h>
#include <stdlib.h>
#include "check.h"
#include "stalactite/fmt.h"

static const char *ns(int64_t v, bool ascii)
{
	static char buf[32];
	st_fmt_ns(buf, sizeof buf, v, ascii);
	return buf;
}

static const char *san(const char *s, size_t len, bool ascii)
{
	static char buf[256];
	st_fmt_sanitize(s, len, buf, sizeof buf, ascii);
	return buf;
}

int main(void)
{
	CHECK_STR(ns(0, false), "0ns");
	CHECK_STR(ns(812, false), "812ns");
	CHECK_STR(ns(4200, false), "4.20\xc2\xb5s");
	CHECK_STR(ns(4200, true), "4.20us");
	CHECK_STR(ns(13500000, false), "13.5ms");
	CHECK_STR(ns(1234000000, false), "1.23s");
	CHECK_STR(ns(125000000000, false), "2m05s");
	CHECK_STR(ns(-2500000, false), "-2.50ms");
	/* deltas keep their sign; the growing sanitiser never truncates */
	char d[32];
	st_fmt_delta_ns(d, sizeof d, 1500000, false);
	CHECK_STR(d, "+1.50ms");
	st_fmt_delta_ns(d, sizeof d, -812, false);
	CHECK_STR(d, "-812ns");
	st_fmt_delta_pct(d, sizeof d, 200, 300);
	CHECK_STR(d, "+50.0%");
	st_fmt_delta_pct(d, sizeof d, 0, 3);
	CHECK_STR(d, "new");
	st_fmt_delta_pct(d, sizeof d, 3, 0);
	CHECK_STR(d, "gone");
	st_fmt_delta_pct(d, sizeof d, 7, 7);
	CHECK_STR(d, "0.0%");
	st_fmt_scratch sc = { 0 };
	char hostile[3000];
	for (size_t i = 0; i < sizeof hostile; i++)
		hostile[i] = "\x1b\x07"[i % 2];
	const char *clean = st_fmt_sanitized(&sc, hostile, sizeof hostile);
	CHECK_INT(strlen(clean), 4 * sizeof hostile);
	CHECK(!memchr(clean, 0x1b, strlen(clean)));
	CHECK_STR(st_fmt_sanitized(&sc, "ok", 2), "ok");
	free(sc.buf);
	char col[32];
	st_fmt_ns_col(col, sizeof col, 4200, false, 9);
	CHECK_STR(col, "   4.20\xc2\xb5s");   /* 9 columns, 10 bytes */
	char pct[16];
	st_fmt_pct(pct, sizeof pct, 1, 8);
	CHECK_STR(pct, "12.5%");
	st_fmt_pct(pct, sizeof pct, 1, 0);
	CHECK_STR(pct, "-");

	uint32_t cp;
	CHECK_INT(st_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	CHECK_INT(cp, 0xe9);
	CHECK_INT(st_utf8_decode((const unsigned char *)"\xe6\x9d\xb1", 3, &cp), 3);
	CHECK_INT(st_utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 0);     /* overlong */
	CHECK_INT(st_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0); /* surrogate */
	CHECK_INT(st_utf8_decode((const unsigned char *)"\xe6\x9d", 2, &cp), 0);     /* cut */
	/* the encoder round-trips every scalar value through the decoder and
	 * turns surrogates and values past U+10FFFF into U+FFFD */
	int bad = 0;
	for (uint32_t c = 0; c <= 0x10ffff; c++) {
		char e[4];
		size_t n = st_utf8_encode(c, e);
		uint32_t back;
		bool scalar = c < 0xd800 || c > 0xdfff;
		if (st_utf8_decode((const unsigned char *)e, n, &back) != n ||
		    back != (scalar ? c : 0xfffd))
			bad++;
	}
	CHECK_INT(bad, 0);
	char e4[4];
	CHECK_INT(st_utf8_encode(0x110000, e4), 3);
	CHECK(memcmp(e4, "\xef\xbf\xbd", 3) == 0);
	CHECK_INT(st_utf8_encode(0x1f600, e4), 4);
	CHECK(memcmp(e4, "\xf0\x9f\x98\x80", 4) == 0);

	/* escape sequences and control bytes become visible text */
	CHECK_STR(san("a\x1b[2Jb", 6, false), "a\\x1b[2Jb");
	CHECK_STR(san("tab\there", 8, false), "tab\\x09here");
	CHECK_STR(san("\xc2\x9b" "31m", 5, false), "\\x9b31m");   /* C1 CSI */
	CHECK_STR(san("bad\xff", 4, false), "bad\\xff");
	CHECK_STR(san("caf\xc3\xa9", 5, false), "caf\xc3\xa9");
	CHECK_STR(san("caf\xc3\xa9", 5, true), "caf\\u{e9}");
	/* characters that reorder or hide text are escaped in UTF-8 too */
	CHECK_STR(san("a\xe2\x80\xae" "b", 5, false), "a\\u{202e}b");     /* RLO */
	CHECK_STR(san("\xe2\x81\xa6x\xe2\x81\xa9", 7, false), "\\u{2066}x\\u{2069}");
	CHECK_STR(san("zero\xe2\x80\x8bwidth", 12, false), "zero\\u{200b}width");
	CHECK_STR(san("\xe2\x80\x8f", 3, false), "\\u{200f}");             /* RLM */
	CHECK_STR(san("\xef\xbb\xbf" "bom", 6, false), "\\u{feff}bom");
	CHECK_STR(san("\xe2\x80\x94", 3, false), "\xe2\x80\x94");           /* em dash stays */
	/* truncation never splits a character or an escape */
	char small[6];
	st_fmt_sanitize("ab\x1b" "cd", 5, small, sizeof small, false);
	CHECK_STR(small, "ab");
	return check_done();
}
