/* fmt: number and text formatting shared by reports and the terminal UI. */
#ifndef STALACTITE_FMT_H
#define STALACTITE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A duration in ns as a short human string with three significant digits:
 * "812ns", "4.20µs" ("us" when ascii), "13.5ms", "1.23s", "2m05s". */
void st_fmt_ns(char *buf, size_t cap, int64_t ns, bool ascii);

/* st_fmt_ns right-justified to width display columns ("µs" is two bytes
 * in one column, so printf's %9s would misalign it). */
void st_fmt_ns_col(char *buf, size_t cap, int64_t ns, bool ascii, int width);

/* A change of duration with its sign always shown: "+1.23ms", "-812ns",
 * "0ns" (the sign is what tells slower from faster without colour). */
void st_fmt_delta_ns(char *buf, size_t cap, int64_t delta, bool ascii);
/* The same for counts: "+12", "-3", "0". */
void st_fmt_delta_count(char *buf, size_t cap, int64_t delta);
/* A change relative to base: "+12.3%", "-5.0%", "0.0%"; "new" when base is
 * 0 and new is not, "gone" when new is 0 and base is not. */
void st_fmt_delta_pct(char *buf, size_t cap, int64_t base, int64_t new);

/* A share as "12.3%" ("-" when whole is 0). */
void st_fmt_pct(char *buf, size_t cap, double part, double whole);

/* Copies s[0..len) into out, making it safe for a terminal: bytes that are not
 * valid UTF-8 and every control character (C0, DEL, C1) become visible
 * escapes such as "\x1b", and so do the invisible format characters that
 * reorder or hide text (bidi controls U+202A-U+202E, U+2066-U+2069, marks
 * U+200E, U+200F, U+061C, zero-width U+200B-U+200D, U+2060-U+2064, line and
 * paragraph separators, U+FEFF): "\u{202e}".  With ascii, every non-ASCII
 * character becomes "\u{e9}".  Always NUL-terminates; truncates at a
 * character boundary.  Returns the length written. */
size_t st_fmt_sanitize(const char *s, size_t len, char *out, size_t cap,
                       bool ascii);

/* A growing buffer for st_fmt_sanitized (zero-initialise; free buf). */
typedef struct st_fmt_scratch {
	char *buf;
	size_t cap;
} st_fmt_scratch;

/* s[0..len) sanitised as by st_fmt_sanitize, whole (the scratch grows to
 * the worst case); valid until the next call with the same scratch. */
const char *st_fmt_sanitized(st_fmt_scratch *sc, const char *s, size_t len);

/* Decodes one UTF-8 character at s (len > 0): stores the code point and
 * returns its byte length, or returns 0 for an invalid sequence. */
size_t st_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encodes the code point cp (a Unicode scalar value; others become
 * U+FFFD) into out; returns its byte length, 1 to 4.  The one encoder:
 * the demangler and the metadata repair use it too. */
size_t st_utf8_encode(uint32_t cp, char out[4]);

#endif
