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

/* ---- cutting in the middle ------------------------------------------------- */

typedef struct glyphs {
	struct { wchar_t ch; int w; } *v;
	int n, cap, width;
} glyphs;

static bool add_glyph(void *ctx, wchar_t ch, int w)
{
	glyphs *g = ctx;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 128;
		g->v = st_xreallocarray(g->v, (size_t)g->cap, sizeof *g->v);
	}
	g->v[g->n].ch = ch;
	g->v[g->n++].w = w;
	g->width += w;
	return true;
}

/* Display columns of the first n bytes of s (n at a character boundary). */
static int prefix_width(const canvas *c, const char *s, size_t n)
{
	char small[512], *p = n < sizeof small ? small : st_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	int w = cv_width(c, p);
	if (p != small)
		free(p);
	return w;
}

/* Byte offset of the last separator outside brackets: "::" of a path or
 * the space before a label's argument; 0 when there is none.  The tail from
 * there (the method, "::poll"; the CGU of "codegen_module hyper-cgu.12")
 * is what a cut should keep whole. */
static size_t last_segment(const char *s)
{
	size_t best = 0;
	int depth = 0;
	for (size_t i = 0; s[i]; i++) {
		char ch = s[i];
		if (ch == '<' || ch == '(' || ch == '[' || ch == '{')
			depth++;
		else if ((ch == '>' && !(i && s[i - 1] == '-')) || ch == ')' || ch == ']' ||
		         ch == '}')
			depth -= depth > 0;
		else if (!depth && i && ((ch == ':' && s[i + 1] == ':' && s[i + 2] != '<') ||
		                         ch == ' '))
			best = i;   /* a turbofish ::<…> is no segment of its own */
	}
	return best;
}

typedef struct span { int a, b; } span;   /* columns [a, b) of the text */

/* The column ranges of a text of width w to show in avail columns (an
 * ellipsis between and around them), at most three, in order:
 * the head and the last segment when a head of at least hmin columns still
 * fits beside it, else half and half (in fewer than 12 columns the head
 * alone: two stubs say less than one word).  With a kept range [k0, k1)
 * this leaves out: a head reaching to it, or a tail reaching back to it,
 * or the head, the range and the last segment if it fits, or the range
 * alone. */
static int plan_cut(int w, int avail, int seg, bool keep, int k0, int k1, span *r)
{
	int hmin = (avail - 1) / 3 < 12 ? (avail - 1) / 3 : 12;
	if (hmin < 1) hmin = 1;
	int segw = seg ? w - seg : 0;
	int tail = segw && segw <= avail - 1 - hmin ? segw : avail < 12 ? 0 : (avail - 1) / 2;
	int head = avail - 1 - tail;
	if (!keep || k1 <= head || k0 >= w - tail) {
		r[0] = (span){ 0, head };
		r[1] = (span){ w - tail, w };
		return 2;
	}
	if (avail >= 12 && k1 <= avail - 1 - hmin) {
		r[0] = (span){ 0, k1 };
		r[1] = (span){ w - (avail - 1 - k1), w };
		return 2;
	}
	if (w - k0 <= avail - 1 - hmin) {
		r[0] = (span){ 0, avail - 1 - (w - k0) };
		r[1] = (span){ k0, w };
		return 2;
	}
	/* two ellipses around the range; the head may be short here, the match
	 * and the method say more than its first letters */
	int rest = avail - 2 - (k1 - k0), hshort = hmin < 4 ? hmin : 4;
	if (rest >= hshort) {
		int last = segw && segw <= rest - hshort ? segw : 0;
		r[0] = (span){ 0, rest - last };
		r[1] = (span){ k0, k1 };
		r[2] = (span){ w - last, w };
		return last ? 3 : 2;
	}
	/* the range alone, from its start */
	int room = avail - (k0 > 0) - 1;
	r[0] = (span){ k0, k0 + room < w ? k0 + room : w };
	if (r[0].b == w && k0 > 0)
		r[0].a = w - (avail - 1);
	return 1;
}

int cv_text_mid(canvas *c, int y, int x, int xmax, const char *s, size_t keep0,
                size_t keep1, style st)
{
	if (xmax > c->w)
		xmax = c->w;
	if (x >= xmax || y < 0 || y >= c->h)
		return x;
	int avail = xmax - x;
	glyphs g = { 0 };
	each_glyph(c->ascii, s, add_glyph, &g);
	if (g.width <= avail || avail < 3) {
		free(g.v);
		return avail < 3 ? cv_text_crop(c, y, x, xmax, s, st) : cv_text(c, y, x, xmax, s, st);
	}
	bool keep = keep0 < keep1 && keep1 <= strlen(s);
	int k0 = keep ? prefix_width(c, s, keep0) : 0, k1 = keep ? prefix_width(c, s, keep1) : 0;
	size_t segb = last_segment(s);
	int seg = segb ? prefix_width(c, s, segb) : 0;
	span r[3];
	int nr = plan_cut(g.width, avail, seg, keep, k0, k1, r);
	const char *dots = c->ascii ? "~" : "\xe2\x80\xa6";
	put_ctx p = { c, y, x, xmax, st };
	int col = 0, i = 0, shown = 0;   /* shown: columns of text drawn up to */
	for (int k = 0; k < nr; k++) {
		if (r[k].b <= r[k].a)
			continue;
		if (r[k].a > shown)
			p.x = cv_text(c, y, p.x, xmax, dots, st);
		if (r[k].a < shown)
			r[k].a = shown;   /* overlapping ranges: draw once */
		for (; i < g.n && col < r[k].b; col += g.v[i++].w)
			if (col >= r[k].a && col + g.v[i].w <= r[k].b)
				put_glyph(&p, g.v[i].ch, g.v[i].w);
		shown = r[k].b > shown ? r[k].b : shown;
	}
	if (shown < g.width)
		p.x = cv_text(c, y, p.x, xmax, dots, st);
	free(g.v);
	return p.x;
}

int cv_text_from(canvas *c, int y, int x, int xmax, const char *s, int skip, style st)
{
	if (xmax > c->w)
		xmax = c->w;
	if (x >= xmax || y < 0 || y >= c->h)
		return x;
	if (skip <= 0)
		return cv_text_crop(c, y, x, xmax, s, st);
	glyphs g = { 0 };
	each_glyph(c->ascii, s, add_glyph, &g);
	const char *dots = c->ascii ? "~" : "\xe2\x80\xa6";
	put_ctx p = { c, y, cv_text(c, y, x, xmax, dots, st), xmax, st };
	bool more = false;
	for (int i = 0, col = 0; i < g.n; col += g.v[i++].w) {
		if (col < skip)
			continue;
		/* the last column goes to an ellipsis while text remains after it */
		if (p.x + g.v[i].w > xmax - (col + g.v[i].w < g.width)) {
			more = true;
			break;
		}
		put_glyph(&p, g.v[i].ch, g.v[i].w);
	}
	if (more)
		p.x = cv_text(c, y, p.x, xmax, dots, st);
	free(g.v);
	return p.x;
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
