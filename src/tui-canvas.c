/* tui-canvas.c: the in-memory screen every frame is drawn into.
 * Text is placed by display columns (wcwidth), never by bytes, and every
 * byte that is not printable UTF-8 is shown as an escape, so a name from a
 * file can never move the cursor or change the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/fmt.h"
#include "stalactite/xalloc.h"
#include "tui.h"

void cv_resize(canvas *c, int w, int h)
{
	if (w < 1) w = 1;
	if (h < 1) h = 1;
	size_t n = (size_t)w * (size_t)h;
	c->cells = st_xreallocarray(c->cells, n, sizeof *c->cells);
	c->hit = st_xreallocarray(c->hit, n, sizeof *c->hit);
	c->w = w;
	c->h = h;
	cv_clear(c);
}

void cv_free(canvas *c)
{
	free(c->cells);
	free(c->hit);
	c->cells = NULL;
	c->hit = NULL;
}

void cv_clear(canvas *c)
{
	size_t n = (size_t)c->w * (size_t)c->h;
	for (size_t i = 0; i < n; i++) {
		c->cells[i] = (cell){ L' ', S_NORMAL };
		c->hit[i] = ST_NIL;
	}
}

void cv_fill(canvas *c, int y, int x0, int x1, wchar_t ch, style st)
{
	if (y < 0 || y >= c->h)
		return;
	if (x0 < 0) x0 = 0;
	if (x1 > c->w) x1 = c->w;
	for (int x = x0; x < x1; x++)
		c->cells[y * c->w + x] = (cell){ ch, (uint8_t)st };
}

void cv_restyle(canvas *c, int y, int x0, int x1, style st)
{
	if (y < 0 || y >= c->h)
		return;
	if (x0 < 0) x0 = 0;
	if (x1 > c->w) x1 = c->w;
	for (int x = x0; x < x1; x++)
		c->cells[y * c->w + x].st = (uint8_t)st;
}

void cv_set_hit(canvas *c, int y, int x0, int x1, uint32_t node)
{
	if (y < 0 || y >= c->h)
		return;
	if (x0 < 0) x0 = 0;
	if (x1 > c->w) x1 = c->w;
	for (int x = x0; x < x1; x++)
		c->hit[y * c->w + x] = node;
}

/* Calls fn for each displayable character of s (after sanitising) with its
 * column width; stops when fn returns false. */
typedef bool (*glyph_fn)(void *ctx, wchar_t ch, int width);

static void each_glyph(bool ascii, const char *s, glyph_fn fn, void *ctx)
{
	size_t len = strlen(s);
	char small[1024], *buf = len * 10 + 16 <= sizeof small ? small
	                                          : st_xmalloc(len * 10 + 16);
	size_t n = st_fmt_sanitize(s, len, buf, len * 10 + 16 <= sizeof small
	                                           ? sizeof small : len * 10 + 16, ascii);
	const unsigned char *p = (const unsigned char *)buf;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = st_utf8_decode(p + i, n - i, &cp);
		if (!k) { cp = '?'; k = 1; }
		i += k;
		int w = wcwidth((wchar_t)cp);
		if (w < 0)
			continue;   /* sanitising leaves none; be safe anyway */
		if (!fn(ctx, (wchar_t)cp, w))
			break;
	}
	if (buf != small)
		free(buf);
}

typedef struct put_ctx {
	canvas *c;
	int y, x, xmax;
	style st;
} put_ctx;

static bool put_glyph(void *ctx, wchar_t ch, int w)
{
	put_ctx *p = ctx;
	if (p->x + w > p->xmax)
		return false;
	if (w == 0)
		return true;   /* combining marks: dropped rather than misplaced */
	cell *row = &p->c->cells[p->y * p->c->w];
	row[p->x] = (cell){ ch, (uint8_t)p->st };
	if (w == 2)
		row[p->x + 1] = (cell){ L'\0', (uint8_t)p->st };
	p->x += w;
	return true;
}

int cv_text(canvas *c, int y, int x, int xmax, const char *s, style st)
{
	if (y < 0 || y >= c->h || x >= c->w)
		return x;
	if (xmax > c->w)
		xmax = c->w;
	put_ctx p = { c, y, x < 0 ? 0 : x, xmax, st };
	each_glyph(c->ascii, s, put_glyph, &p);
	return p.x;
}

static bool count_glyph(void *ctx, wchar_t ch, int w)
{
	(void)ch;
	*(int *)ctx += w;
	return true;
}

int cv_width(const canvas *c, const char *s)
{
	int w = 0;
	each_glyph(c->ascii, s, count_glyph, &w);
	return w;
}

int cv_text_crop(canvas *c, int y, int x, int xmax, const char *s, style st)
{
	if (xmax > c->w)
		xmax = c->w;
	if (x >= xmax)
		return x;
	if (cv_width(c, s) <= xmax - x)
		return cv_text(c, y, x, xmax, s, st);
	int end = cv_text(c, y, x, xmax - 1, s, st);
	return cv_text(c, y, end, xmax, c->ascii ? "~" : "\xe2\x80\xa6", st);
}

void cv_dump(const canvas *c, FILE *f)
{
	for (int y = 0; y < c->h; y++) {
		const cell *row = &c->cells[y * c->w];
		int last = c->w - 1;
		while (last >= 0 && row[last].ch == L' ')
			last--;
		for (int x = 0; x <= last; x++) {
			if (row[x].ch == L'\0')
				continue;
			char mb[8];
			mbstate_t ps = { 0 };
			size_t n = wcrtomb(mb, row[x].ch, &ps);
			if (n == (size_t)-1)
				fputc('?', f);
			else
				fwrite(mb, 1, n, f);
		}
		fputc('\n', f);
	}
}
