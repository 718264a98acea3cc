/* Unit tests: the UI canvas places text by display columns, crops with an
 * ellipsis (at the end, or in the middle keeping a Rust path's method and
 * a search's match), keeps wide characters whole and never lets a control byte
 * through. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "../../src/tui.h"

static const char *row(const canvas *c, int y)
{
	static char buf[512];
	size_t o = 0;
	for (int x = 0; x < c->w; x++) {
		wchar_t ch = c->cells[y * c->w + x].ch;
		if (ch == L'\0')
			continue;
		char mb[8];
		mbstate_t ps = { 0 };
		size_t n = wcrtomb(mb, ch, &ps);
		if (n == (size_t)-1 || o + n >= sizeof buf)
			break;
		memcpy(buf + o, mb, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

/* cv_text_mid on a fresh 40-column row; returns the row, trailing blanks
 * removed. */
#define E "\xe2\x80\xa6"   /* the ellipsis */

static const char *mid(canvas *c, int width, const char *s, const char *keep)
{
	static char buf[512];
	cv_clear(c);
	size_t k0 = 0, k1 = 0;
	if (keep && strstr(s, keep)) {
		k0 = (size_t)(strstr(s, keep) - s);
		k1 = k0 + strlen(keep);
	}
	cv_text_mid(c, 0, 0, width, s, k0, k1, S_NORMAL);
	snprintf(buf, sizeof buf, "%s", row(c, 0));
	size_t n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

static void test_mid(void)
{
	canvas c = { 0 };
	cv_resize(&c, 40, 1);
	const char *poll = "<hyper::proto::h2::server::H2Stream<F, B> as "
	                   "core::future::future::Future>::poll";
	/* what fits is drawn whole */
	CHECK_STR(mid(&c, 40, "hyper::proto::h1::role::Server", NULL),
	          "hyper::proto::h1::role::Server");
	/* the method (the last segment) survives, the middle goes */
	CHECK_STR(mid(&c, 30, poll, NULL), "<hyper::proto::h2::serv" E "::poll");
	/* a label's argument is its last segment: the CGU number stays */
	CHECK_STR(mid(&c, 28, "codegen_module_optimize hyper-cgu.12", NULL),
	          "codegen_module" E " hyper-cgu.12");
	/* a last segment too long for a head beside it: the end still shows */
	CHECK_STR(mid(&c, 20, "a::encode_headers_with_lower_case_and_more", NULL),
	          "a::encode_" E "_and_more");
	/* no separator at all: head and tail; in a small space the head */
	CHECK_STR(mid(&c, 12, "self_profile_alloc_query_strings", NULL),
	          "self_p" E "rings");
	CHECK_STR(mid(&c, 9, "finish_ongoing_codegen", NULL), "finish_o" E);
	/* "::" inside brackets is no separator: the qualified path's end is */
	CHECK_STR(mid(&c, 24, "<a::b::c::d::e::f as g::h::Trait>::run", NULL),
	          "<a::b::c::d::e::f " E "::run");
	/* a turbofish belongs to the segment before it */
	CHECK_STR(mid(&c, 20, "some::long::module::path::f::<u8>", NULL),
	          "some::long" E "::f::<u8>");
	/* a match the cut would lose: kept between the head and the method */
	CHECK_STR(mid(&c, 30, poll, "H2Stream"),
	          "<hyper::proto:" E "H2Stream" E "::poll");
	/* a match just past the head: a head reaching to it */
	CHECK_STR(mid(&c, 34, "aaaa::bbbb::cccc::dddd::method_with_a_long_name_here", "dddd"),
	          "aaaa::bbbb::cccc::dddd" E "g_name_here");
	/* a match near the end: a longer tail reaching back to it */
	CHECK_STR(mid(&c, 30, poll, "Future"), "<hyper::proto::h" E "Future>::poll");
	/* a match already in the head or the tail changes nothing */
	char plain[512];
	snprintf(plain, sizeof plain, "%s", mid(&c, 30, poll, NULL));
	CHECK_STR(mid(&c, 30, poll, "hyper"), plain);
	CHECK_STR(mid(&c, 30, poll, "poll"), "<hyper::proto::h2::serv" E "::poll");
	/* a match wider than the room: its start, with ellipses */
	CHECK_STR(mid(&c, 10, poll, "server::H2Stream"),
	          E "server::" E);
	/* the width returned is the columns drawn, never more than given */
	cv_clear(&c);
	CHECK_INT(cv_text_mid(&c, 0, 5, 25, poll, 0, 0, S_NORMAL), 25);
	/* wide characters are never split by the cut */
	{
		char wide[64] = "";
		for (int i = 0; i < 16; i++)
			strcat(wide, "\xe6\x9d\xb1");
		CHECK_STR(mid(&c, 12, wide, NULL), "\xe6\x9d\xb1\xe6\x9d\xb1\xe6\x9d\xb1" E
		          "\xe6\x9d\xb1\xe6\x9d\xb1");
	}
	/* control bytes are escaped before the cut is planned */
	CHECK_STR(mid(&c, 12, "a\x01" "b::c::method", NULL), "a\\x" E "::method");
	/* a name scrolled sideways: ellipses where it goes on */
	cv_clear(&c);
	CHECK_INT(cv_text_from(&c, 0, 0, 10, "abcdefghijklmnop", 4, S_NORMAL), 10);
	CHECK_STR(row(&c, 0), E "efghijkl" E "                              ");
	cv_clear(&c);
	CHECK_INT(cv_text_from(&c, 0, 0, 10, "abcdefghijklmnop", 7, S_NORMAL), 10);
	CHECK_STR(row(&c, 0), E "hijklmnop                              ");
	cv_clear(&c);
	cv_text_from(&c, 0, 0, 10, "abcdefghijklmnop", 0, S_NORMAL);
	CHECK_STR(row(&c, 0), "abcdefghi" E "                              ");
	c.ascii = true;
	CHECK_STR(mid(&c, 30, poll, NULL), "<hyper::proto::h2::serv~::poll");
	cv_free(&c);
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		printf("no C.UTF-8 locale: skipped\n");
		return 77;
	}
	canvas c = { 0 };
	cv_resize(&c, 10, 3);
	CHECK_INT(cv_text(&c, 0, 0, 10, "ab\x1b[2J", S_NORMAL), 9);
	CHECK_STR(row(&c, 0), "ab\\x1b[2J ");
	/* a wide character takes two columns and is never cut in half */
	CHECK_INT(cv_width(&c, "\xe6\x9d\xb1\xe4\xba\xac"), 4);
	CHECK_INT(cv_text(&c, 1, 0, 3, "\xe6\x9d\xb1\xe4\xba\xac", S_NORMAL), 2);
	CHECK_STR(row(&c, 1), "\xe6\x9d\xb1        ");
	/* cropping leaves room for the ellipsis */
	CHECK_INT(cv_text_crop(&c, 2, 0, 6, "abcdefghij", S_NORMAL), 6);
	CHECK_STR(row(&c, 2), "abcde\xe2\x80\xa6    ");
	/* a right-to-left override is shown, not obeyed */
	cv_clear(&c);
	CHECK_INT(cv_text(&c, 0, 0, 10, "\xe2\x80\xae" "ab", S_NORMAL), 10);
	CHECK_STR(row(&c, 0), "\\u{202e}ab");
	c.ascii = true;
	cv_clear(&c);
	cv_text_crop(&c, 2, 0, 6, "abcdefghij", S_NORMAL);
	CHECK_STR(row(&c, 2), "abcde~    ");
	CHECK_INT(cv_text(&c, 0, 0, 10, "caf\xc3\xa9", S_NORMAL), 9);
	CHECK_STR(row(&c, 0), "caf\\u{e9} ");
	/* writing outside the canvas is ignored */
	CHECK_INT(cv_text(&c, 7, 0, 10, "x", S_NORMAL), 0);
	cv_free(&c);
	test_mid();
	return check_done();
}
