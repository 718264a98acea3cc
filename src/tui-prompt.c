/* tui-prompt.c: the search prompt, a line editor over the pattern.
 *
 * `/` opens it empty; every edit searches at once (incremental), Enter
 * keeps what is shown, Esc or Ctrl-C puts back the search, filter and
 * selection that were active when it opened.  Editing is readline's: a
 * cursor on UTF-8 character boundaries, Left/Right (Ctrl-B/Ctrl-F),
 * Home/End (Ctrl-A/Ctrl-E), Backspace and Delete (Ctrl-D) at the cursor,
 * Ctrl-U and Ctrl-K kill to the start and to the end, Ctrl-W kills the
 * word before the cursor, Up/Down (Ctrl-P/Ctrl-N) walk the history and
 * come back to the line being typed.  A word is a run of letters, digits,
 * `_` and non-ASCII characters, as for readline's backward-kill-word: in
 * a Rust path, Ctrl-W takes `spawn` off `tokio::spawn`, where a run up to
 * white space would take the whole path. */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "stalactite/fmt.h"
#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

void tui_set_pattern(app *a, const char *pat)
{
	snprintf(a->pattern, sizeof a->pattern, "%s", pat);
	a->err[0] = '\0';
	st_regex_free(a->re);
	a->re = NULL;
	/* an invalid pattern shows its error and searches nothing */
	if (*pat)
		a->re = st_regex_compile(pat, a->err, sizeof a->err);
	tui_search_apply(a);
}

void tui_prompt_open(app *a)
{
	prompt *p = &a->prompt;
	a->searching = true;
	p->buf[0] = '\0';
	p->cur = 0;
	p->edited = false;
	p->hist_pos = p->nhistory;
	snprintf(p->saved, sizeof p->saved, "%s", a->pattern);
	p->saved_filter = a->filter;
	tview *v = tui_cur_tview(a);
	p->saved_sel = v ? v->sel : 0;
	p->saved_scroll = v ? v->scroll : 0;
}

static void remember(prompt *p, const char *pat)
{
	if (!*pat || (p->nhistory && !strcmp(p->history[p->nhistory - 1], pat)))
		return;
	if (p->nhistory == PROMPT_HISTORY) {
		memmove(p->history, p->history + 1, sizeof p->history[0] * (PROMPT_HISTORY - 1));
		p->nhistory--;
	}
	snprintf(p->history[p->nhistory++], sizeof p->history[0], "%s", pat);
}

/* ---- editing ----------------------------------------------------------------- */

static size_t prev_char(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80);
	return i;
}

static size_t next_char(const char *s, size_t i)
{
	if (!s[i])
		return i;
	do
		i++;
	while (((unsigned char)s[i] & 0xc0) == 0x80);
	return i;
}

static bool word_byte(unsigned char c)
{
	return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Removes [from, to) from the line; the cursor goes to from. */
static void cut(prompt *p, size_t from, size_t to)
{
	memmove(p->buf + from, p->buf + to, strlen(p->buf + to) + 1);
	p->cur = from;
}

static bool insert(prompt *p, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t ps = { 0 };
	size_t n = wcrtomb(mb, (wchar_t)key, &ps), len = strlen(p->buf);
	if (n == (size_t)-1 || len + n >= sizeof p->buf)
		return false;
	memmove(p->buf + p->cur + n, p->buf + p->cur, len - p->cur + 1);
	memcpy(p->buf + p->cur, mb, n);
	p->cur += n;
	return true;
}

/* A bounded copy between the prompt's own buffers (memmove: gcc cannot
 * tell them apart and warns about snprintf from one into another). */
static void copy_line(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memmove(dst, src, n);
	dst[n] = '\0';
}

static void recall(prompt *p, int delta)
{
	int to = p->hist_pos + delta;
	if (to < 0 || to > p->nhistory)
		return;
	if (p->hist_pos == p->nhistory)   /* leaving the line being typed */
		copy_line(p->draft, sizeof p->draft, p->buf);
	p->hist_pos = to;
	copy_line(p->buf, sizeof p->buf, to == p->nhistory ? p->draft : p->history[to]);
	p->cur = strlen(p->buf);
}

/* Ends the prompt.  keep: what is shown stays; else the search from
 * before it opened comes back. */
static redraw close_prompt(app *a, bool keep)
{
	prompt *p = &a->prompt;
	a->searching = false;
	if (keep) {
		remember(p, a->pattern);   /* to be mended from the history */
		if (!a->err[0])
			return R_STATUS;
		/* nothing to keep of an invalid pattern: the search from before */
		char why[sizeof a->err];
		memcpy(why, a->err, sizeof why);
		close_prompt(a, false);
		snprintf(a->message, sizeof a->message, "not searched: %.180s (the "
		         "search before is kept)", why);
		return R_VIEW;
	}
	if (!p->edited)
		return R_STATUS;
	a->filter = p->saved_filter;
	tui_set_pattern(a, p->saved);
	tview *v = tui_cur_tview(a);
	if (v && p->saved_sel < v->tree->len) {
		tui_tview_select(a, v, p->saved_sel);
		v->scroll = p->saved_scroll;
	}
	return R_VIEW;
}

redraw tui_prompt_key(app *a, int key)
{
	prompt *p = &a->prompt;
	size_t len = strlen(p->buf);
	char before[sizeof p->buf];
	memcpy(before, p->buf, len + 1);
	size_t cur = p->cur;
	switch (key) {
	case '\n': case '\r': case KEY_ENTER: return close_prompt(a, true);
	case 27: case CTRL('c'): return close_prompt(a, false);
	case KEY_LEFT: case CTRL('b'): p->cur = prev_char(p->buf, p->cur); break;
	case KEY_RIGHT: case CTRL('f'): p->cur = next_char(p->buf, p->cur); break;
	case KEY_HOME: case CTRL('a'): p->cur = 0; break;
	case KEY_END: case CTRL('e'): p->cur = len; break;
	case KEY_BACKSPACE: case 127: case '\b':
		cut(p, prev_char(p->buf, p->cur), p->cur);
		break;
	case KEY_DC: case CTRL('d'): cut(p, p->cur, next_char(p->buf, p->cur)); break;
	case CTRL('u'): cut(p, 0, p->cur); break;
	case CTRL('k'): p->buf[p->cur] = '\0'; break;
	case CTRL('w'): {
		size_t i = p->cur;
		while (i > 0 && !word_byte((unsigned char)p->buf[i - 1]))
			i--;
		while (i > 0 && word_byte((unsigned char)p->buf[i - 1]))
			i--;
		cut(p, i, p->cur);
		break;
	}
	case KEY_UP: case CTRL('p'): recall(p, -1); break;
	case KEY_DOWN: case CTRL('n'): recall(p, 1); break;
	default:
		if (key < 32 || key == 127 || key >= 0x110000 || !insert(p, key))
			return R_KEPT;
	}
	if (!strcmp(before, p->buf))
		return p->cur == cur ? R_KEPT : R_STATUS;
	p->edited = true;
	/* incremental: every change of the line searches */
	tui_set_pattern(a, p->buf);
	return R_VIEW;
}

/* ---- drawing ------------------------------------------------------------------- */

/* "/pattern" with the cursor as a highlighted cell; a line wider than the
 * screen scrolls to keep the cursor on it, and an invalid pattern's error
 * follows the text. */
void tui_prompt_draw(app *a, canvas *c, int y)
{
	const prompt *p = &a->prompt;
	cv_fill(c, y, 0, c->w, L' ', S_PROMPT);
	int room = c->w - 2;   /* the slash and the cursor cell */
	char head[sizeof p->buf];
	size_t start = 0;
	for (;;) {
		memcpy(head, p->buf + start, p->cur - start);
		head[p->cur - start] = '\0';
		if (cv_width(c, head) <= room || start >= p->cur)
			break;
		start = next_char(p->buf, start);
	}
	int x = cv_text(c, y, 0, c->w, start ? "<" : "/", S_PROMPT);
	int cx = cv_text(c, y, x, c->w, head, S_PROMPT);
	int end = cv_text(c, y, cx, c->w, p->buf + p->cur, S_PROMPT);
	/* the cursor: the character under it, or a cell after the text */
	size_t k = next_char(p->buf, p->cur) - p->cur;
	if (k) {
		char one[8] = { 0 };
		memcpy(one, p->buf + p->cur, k < sizeof one ? k : sizeof one - 1);
		cv_restyle(c, y, cx, cx + (cv_width(c, one) ? cv_width(c, one) : 1), S_SELECTED);
	} else {
		cv_restyle(c, y, cx, cx + 1, S_SELECTED);
		end = cx + 1;
	}
	if (a->err[0])
		cv_text_crop(c, y, end + 1, c->w, a->err, S_ERROR);
}
