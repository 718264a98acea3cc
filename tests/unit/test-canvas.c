/* Unit tests: the UI canvas places text by display columns, crops with an
 * ellipsis, keeps wide characters whole and never lets a control byte
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
	return check_done();
}
