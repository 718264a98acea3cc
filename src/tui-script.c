/* tui-script.c: headless key scripts (STALACTITE_SCRIPT, the tests' and
 * the latency benchmark's replays): the keys of a string, special keys and
 * mouse events by name, and the requests to print what is on screen. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "stalactite/fmt.h"
#include "tui.h"

/* Next key of the script: a character, or <Name> for special keys, <C-x>
 * for Ctrl-X; <dump> prints the screen, <resize WxH> resizes, <frames>
 * prints how many frames were drawn (what the redraw flags save shows in
 * tests), <selected> what is drawn in the selection's style, row by row;
 * <click X,Y> and <dclick X,Y> are a click and a double click on
 * column X of row Y (from 0), <wheelup> and <wheeldown> the mouse wheel.
 * -1 at the end. */
/* Each run of cells in the selection's style: "selected ROW X0-X1: TEXT". */
static void print_selected(const canvas *c, FILE *f)
{
	for (int y = 0; y < c->h; y++)
		for (int x = 0; x < c->w;) {
			const cell *row = &c->cells[y * c->w];
			if (row[x].st != S_SELECTED) {
				x++;
				continue;
			}
			int x0 = x;
			fprintf(f, "selected %d %d-", y, x0);
			char text[4096];
			size_t o = 0;
			for (; x < c->w && row[x].st == S_SELECTED; x++) {
				char mb[8];
				mbstate_t ps = { 0 };
				size_t n = row[x].ch ? wcrtomb(mb, row[x].ch, &ps) : 0;
				if (n != (size_t)-1 && o + n < sizeof text) {
					memcpy(text + o, mb, n);
					o += n;
				}
			}
			text[o] = '\0';
			fprintf(f, "%d: %s\n", x - 1, text);
		}
}

int tui_script_key(script *s, app *a, canvas *c, bool *dump)
{
	static const struct { const char *name; int key; } names[] = {
		{ "Enter", '\n' }, { "Tab", '\t' }, { "Esc", 27 }, { "BS", KEY_BACKSPACE },
		{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT },
		{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },
		{ "Home", KEY_HOME }, { "End", KEY_END }, { "Space", ' ' },
		{ "lt", '<' }, { "Del", KEY_DC },
	};
	*dump = false;
	if (!*s->p)
		return -1;
	if (*s->p == '<') {
		const char *end = strchr(s->p, '>');
		if (end) {
			size_t n = (size_t)(end - s->p - 1);
			const char *name = s->p + 1;
			s->p = end + 1;
			if (n == 4 && !memcmp(name, "dump", 4)) {
				*dump = true;
				return 0;
			}
			if (n == 8 && !memcmp(name, "selected", 8)) {
				if (s->out)
					print_selected(c, s->out);
				return 0;
			}
			if (n == 6 && !memcmp(name, "frames", 6)) {
				if (s->out)
					fprintf(s->out, "frames %lu\n", a->frames);
				return 0;
			}
			int w, h;
			static const struct { const char *name; int what; } mouse[] = {
				{ "click ", MOUSE_CLICK }, { "dclick ", MOUSE_DOUBLE },
				{ "wheelup", MOUSE_WHEEL_UP }, { "wheeldown", MOUSE_WHEEL_DOWN },
			};
			for (size_t i = 0; i < sizeof mouse / sizeof mouse[0]; i++) {
				size_t k = strlen(mouse[i].name);
				if (n >= k && !memcmp(name, mouse[i].name, k)) {
					w = h = 0;
					if (mouse[i].name[k - 1] == ' ' &&
					    sscanf(name + k, "%d,%d", &w, &h) != 2)
						return 0;
					a->script_mouse.x = w;
					a->script_mouse.y = h;
					a->script_mouse.what = mouse[i].what;
					return KEY_MOUSE;
				}
			}
			if (n > 7 && !memcmp(name, "resize ", 7) &&
			    sscanf(name + 7, "%dx%d", &w, &h) == 2) {
				a->w = w; a->h = h;
				cv_resize(c, w, h);
				return KEY_RESIZE;
			}
			for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
				if (strlen(names[i].name) == n && !memcmp(name, names[i].name, n))
					return names[i].key;
			if (n == 3 && name[0] == 'C' && name[1] == '-')   /* <C-u>: Ctrl-U */
				return name[2] & 0x1f;
			return 0;
		}
	}
	/* one UTF-8 character */
	uint32_t cp;
	size_t k = st_utf8_decode((const unsigned char *)s->p, strlen(s->p), &cp);
	if (!k) { cp = (unsigned char)*s->p; k = 1; }
	s->p += k;
	return (int)cp;
}
