/* tui.c: the terminal UI's entry point and loop.
 *
 * One loop reads a key, maps it to an action through the key table, lets the
 * current view handle it (handlers only change state and say what needs a
 * redraw), then draws the whole frame into a canvas and shows it: through
 * curses on a terminal, or as text in headless mode (STALACTITE_SCRIPT),
 * which replays keys from a string and prints screens on request.
 * The terminal is restored on every exit path: q, Ctrl-C, SIGTERM/SIGHUP/
 * SIGINT (exit status 128 + the signal), errors, st_fatal (its cleanup hook),
 * exit() from anywhere (atexit), and fatal signals (SIGSEGV, SIGBUS,
 * SIGABRT, SIGQUIT, SIGFPE, SIGILL: a handler writes precomputed escapes and
 * resets the tty modes, then the signal kills the process as it would have). */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "stalactite/fmt.h"
#include "stalactite/load.h"
#include "stalactite/ui.h"
#include "stalactite/xalloc.h"
#include "tui.h"

#define MIN_W 40
#define MIN_H 10

const view_ops *const tui_views[V_COUNT] = {
	[V_ICICLE] = &tui_view_icicle, [V_TREE] = &tui_view_tree,
	[V_CODEGEN] = &tui_view_codegen, [V_SUMMARY] = &tui_view_summary,
	[V_BUILD] = &tui_view_build, [V_TABLES] = &tui_view_tables,
	[V_HELP] = &tui_view_help,
};

/* ---- terminal ----------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t curses_on;
static SCREEN *screen;
static FILE *tty_in;

/* What a fatal signal's handler needs, made while curses is still usable:
 * it may call neither curses nor stdio, only write() and tcsetattr(). */
static char undo_seq[256];
static size_t undo_len;
static struct termios saved_tty;
static bool have_tty;

static void restore_terminal(void)
{
	if (curses_on) {
		mousemask(0, NULL);
		curs_set(1);
		endwin();
		curses_on = false;
	}
}

static void on_signal(int sig)
{
	got_signal = sig;
}

/* faults (raised by the CPU) first, then the signals that are sent */
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
#define NFAULTS 4
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction fatal_old[NFATAL];

static void on_fatal_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (curses_on) {
		curses_on = false;
		ssize_t r = write(STDOUT_FILENO, undo_seq, undo_len);
		(void)r;
		if (have_tty)
			tcsetattr(STDOUT_FILENO, TCSANOW, &saved_tty);
	}
	size_t i = 0;
	while (i < NFATAL && fatal_signals[i] != sig)
		i++;
	if (i < NFATAL)
		sigaction(sig, &fatal_old[i], NULL);
	/* a fault happens again when the handler returns, now meeting the
	 * previous action (the default, or a sanitizer's report); a signal that
	 * was sent is sent again (SA_NODEFER: at once) */
	if (i >= NFAULTS || si->si_code <= 0)
		raise(sig);
}

static void add_undo(const char *s)
{
	size_t n = s && s != (const char *)-1 ? strlen(s) : 0;
	if (n && undo_len + n <= sizeof undo_seq) {
		memcpy(undo_seq + undo_len, s, n);
		undo_len += n;
	}
}

/* The escapes endwin would send, from terminfo: attributes off, keypad
 * off, mouse reporting off, cursor on, alternate screen off. */
static void prepare_undo(bool mouse)
{
	undo_len = 0;
	add_undo(tigetstr("sgr0"));
	add_undo(tigetstr("rmkx"));
	const char *km = tigetstr("kmous");
	if (mouse && km && km != (const char *)-1) {
		const char *xm = tigetstr("XM");   /* ncurses' own mouse switch */
		add_undo(xm && xm != (const char *)-1 ? tiparm(xm, 0) : "\033[?1000l");
	}
	add_undo(tigetstr("cnorm"));
	add_undo(tigetstr("rmcup"));
}

/* Signals ignored when the viewer started (nohup, a background job's
 * SIGQUIT) stay ignored. */
static void catch_signal(int sig, const struct sigaction *sa, struct sigaction *old)
{
	struct sigaction was;
	if (sigaction(sig, NULL, &was) == 0 && was.sa_handler != SIG_IGN)
		sigaction(sig, sa, old);
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	catch_signal(SIGTERM, &sa, NULL);
	catch_signal(SIGHUP, &sa, NULL);
	catch_signal(SIGINT, &sa, NULL);
	struct sigaction fa = { .sa_sigaction = on_fatal_signal,
	                        .sa_flags = SA_SIGINFO | SA_NODEFER };
	sigemptyset(&fa.sa_mask);
	for (size_t i = 0; i < NFATAL; i++)
		catch_signal(fatal_signals[i], &fa, &fatal_old[i]);
}

/* raw() turns every signal key off; Ctrl-\ gets SIGQUIT back, the kernel's
 * way out of a viewer that no longer reads keys (the handler above gives the
 * terminal back first).  Ctrl-C stays a key that quits normally and Ctrl-Z
 * one that does nothing. */
static void quit_key_signals(void)
{
	struct termios t;
	if (tcgetattr(STDOUT_FILENO, &t) != 0)
		return;
	t.c_lflag |= ISIG;
	t.c_cc[VINTR] = _POSIX_VDISABLE;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;
	if (tcsetattr(STDOUT_FILENO, TCSANOW, &t) == 0)
		def_prog_mode();   /* curses restores this mode, not its own */
}

/* element -> colour pair and attributes; mono uses the attributes only */
static const struct { short fg, bg; attr_t attr, mono; } theme[S_COUNT] = {
	[S_NORMAL]   = { -1, -1, A_NORMAL, A_NORMAL },
	[S_HEADER]   = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[S_STATUS]   = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[S_SELECTED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[S_MATCH]    = { COLOR_GREEN, -1, A_BOLD | A_UNDERLINE, A_UNDERLINE | A_BOLD },
	[S_ANCESTOR] = { COLOR_GREEN, -1, A_NORMAL, A_UNDERLINE },
	/* one colour per meaning: green is the search, blue a closure (in a
	 * diff, faster), magenta async, red slower or critical, yellow the
	 * selection; dim text and bars take none */
	[S_DIM]      = { -1, -1, A_DIM, A_DIM },
	[S_BAR]      = { -1, -1, A_NORMAL, A_NORMAL },
	[S_BOX]      = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_NORMAL },
	[S_BOX_ALT]  = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_DIM },
	[S_ASYNC]    = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[S_CLOSURE]  = { COLOR_BLUE, -1, A_BOLD, A_NORMAL },
	[S_PASS]     = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[S_ERROR]    = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[S_PROMPT]   = { -1, -1, A_BOLD, A_BOLD },
	[S_BOX_ASYNC]   = { COLOR_BLACK, COLOR_MAGENTA, A_NORMAL, A_BOLD },
	[S_BOX_CLOSURE] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_NORMAL },
	[S_BOX_MATCH]   = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_UNDERLINE | A_BOLD },
	/* diff: slower red, faster blue (a differential flame graph's colours,
	 * which colour-blind eyes tell apart; green is the search's); kinds
	 * are not coloured there, and the sign says it without colour */
	[S_SLOWER]      = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[S_FASTER]      = { COLOR_BLUE, -1, A_BOLD, A_NORMAL },
	[S_BOX_SLOWER]  = { COLOR_BLACK, COLOR_RED, A_NORMAL, A_BOLD },
	[S_BOX_FASTER]  = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_NORMAL },
	/* Build view: the glyphs tell frontend from codegen without colour */
	[S_FRONTEND]    = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[S_CODEGEN]     = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[S_CRITICAL]    = { COLOR_RED, -1, A_BOLD, A_BOLD },
};

static void start_curses(app *a, const st_ui_opts *o)
{
	tty_in = fopen("/dev/tty", "r");   /* keys even when the profile is stdin */
	have_tty = tcgetattr(STDOUT_FILENO, &saved_tty) == 0;
	screen = newterm(NULL, stdout, tty_in ? tty_in : stdin);
	if (!screen) {
		fprintf(stderr, "stalactite: cannot use this terminal (TERM=%s); use --report\n",
		        getenv("TERM") ? getenv("TERM") : "");
		exit(2);
	}
	curses_on = true;
	atexit(restore_terminal);
	st_fatal_set_cleanup(restore_terminal);
	raw();
	noecho();
	nonl();
	quit_key_signals();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(200);   /* wake up to notice signals */
	a->mono = getenv("NO_COLOR") || !has_colors();
	if (!a->mono) {
		start_color();
		use_default_colors();
		for (int i = 0; i < S_COUNT; i++)
			init_pair((short)(i + 1), theme[i].fg, theme[i].bg);
	}
	if (o->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
		          BUTTON5_PRESSED, NULL);
	prepare_undo(o->mouse);
	catch_signals();
}

static void blit(app *a, const canvas *c)
{
	for (int y = 0; y < c->h; y++)
		for (int x = 0; x < c->w; x++) {
			const cell *ce = &c->cells[y * c->w + x];
			if (ce->ch == L'\0')
				continue;
			attr_t at = a->mono ? theme[ce->st].mono : theme[ce->st].attr;
			short pair = a->mono ? 0 : (short)(ce->st + 1);
			wchar_t wc[2] = { ce->ch, L'\0' };
			cchar_t cc;
			setcchar(&cc, wc, at, pair, NULL);
			/* adding to the last cell would scroll; inserting does not */
			if (y == c->h - 1 && x == c->w - 1)
				mvins_wch(y, x, &cc);
			else
				mvadd_wch(y, x, &cc);
		}
	refresh();
}

/* ---- headless key scripts ------------------------------------------------------ */

typedef struct script {
	const char *p;
	FILE *out;
} script;

/* Next key of the script: a character, or <Name> for special keys, <C-x>
 * for Ctrl-X; <dump> prints the screen, <resize WxH> resizes, <frames>
 * prints how many frames were drawn (what the redraw flags save shows in
 * tests); <click X,Y> and <dclick X,Y> are a click and a double click on
 * column X of row Y (from 0), <wheelup> and <wheeldown> the mouse wheel.
 * -1 at the end. */
static int script_key(script *s, app *a, canvas *c, bool *dump)
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

/* ---- the frame -------------------------------------------------------------------- */

static void draw_header(app *a, canvas *c)
{
	cv_fill(c, 0, 0, c->w, L' ', S_STATUS);
	int x = cv_text(c, 0, 0, c->w, a->diff ? " stalactite diff " : " stalactite ", S_STATUS);
	for (int i = 0; i < V_HELP; i++) {
		if (tui_views[i]->available && !tui_views[i]->available(a))
			continue;   /* the tab of a view that has nothing to show */
		char tab[32];
		snprintf(tab, sizeof tab, " %d %s ", i + 1, tui_views[i]->name);
		int x1 = cv_text(c, 0, x, c->w, tab, S_STATUS);
		if ((int)a->view == i)
			cv_restyle(c, 0, x, x1, S_SELECTED);
		x = x1;
	}
	const char *hint = " ?:help  /:search  q:quit ";
	int hw = cv_width(c, hint);
	if (x + hw < c->w)
		cv_text(c, 0, c->w - hw, c->w, hint, S_STATUS);
}

/* b: the matches summed by crate, CGU or pass, over whole lines under the
 * breadcrumbs; in a diff each row's total before and after with its
 * change (BASE's figures of the same nodes summed alike). */
static void draw_breakdown(app *a, canvas *c)
{
	tview *v = tui_cur_tview(a);
	if (!v || !a->re || !v->match.flags)
		return;
	static const char *const what[] = { "crate", "CGU", "pass" };
	int key = a->breakdown - 1;
	uint32_t n;
	const st_diff_node *base = a->diff ? tui_diff_base(a, v->tree, 0) : NULL;
	st_breakdown_row *rows = st_tree_match_breakdown_base(&v->match, a->m, v->tree,
	                                                      (st_breakdown_key)key, base, &n);
	/* whole lines under the breadcrumbs, ended by a rule: no half row of
	 * the view shows beside or through it */
	int x0 = 0, y0 = 3, w = c->w, h = (int)n + 3;
	if (h > c->h - 1 - y0) h = c->h - 1 - y0;
	for (int y = y0; y < y0 + h; y++) {
		cv_fill(c, y, 0, c->w, L' ', S_NORMAL);
		cv_set_hit(c, y, 0, c->w, ST_NIL);
	}
	cv_fill(c, y0 + h - 1, 0, c->w, a->ascii ? L'-' : L'\x2500', S_DIM);
	char title[128];
	snprintf(title, sizeof title, " matches by %s (b: next, x: clear) ", what[key]);
	cv_fill(c, y0, x0, x0 + w, L' ', S_STATUS);
	cv_text(c, y0, x0 + 1, x0 + w, title, S_STATUS);
	bool with_base = c->w >= 64;
	for (uint32_t i = 0; i < n && (int)i < h - 3; i++) {
		char t[32], s[32], line[160];
		int y = y0 + 2 + (int)i, x;
		if (a->diff) {
			size_t span;
			style ds = tui_diff_cols(line, sizeof line, (int64_t)rows[i].base_total_ns,
			                         (int64_t)rows[i].total_ns, false, with_base, a->ascii,
			                         &span);
			x = cv_text(c, y, x0, x0 + w, line, S_NORMAL);
			line[span] = '\0';
			cv_restyle(c, y, x0 + cv_width(c, line), x, ds);
			snprintf(line, sizeof line, " %7u  ", rows[i].count);
			x = cv_text(c, y, x, x0 + w, line, S_NORMAL);
		} else {
			st_fmt_ns_col(t, sizeof t, (int64_t)rows[i].total_ns, a->ascii, 9);
			st_fmt_ns_col(s, sizeof s, rows[i].self_ns, a->ascii, 9);
			snprintf(line, sizeof line, "%s %s %7u  ", t, s, rows[i].count);
			x = cv_text(c, y, x0 + 1, x0 + w, line, S_NORMAL);
		}
		const char *name = rows[i].name == ST_NOSTR ? "(none)"
		                   : st_str(a->m->strs, rows[i].name);
		tui_draw_name(a, c, y, x, x0 + w - 1, name, 0, 0, 0, S_NORMAL);
	}
	const char *head = !a->diff ? "    total      self   count  name"
	                   : with_base ? "       base        new      delta        %   count  name  (total)"
	                   : "        new      delta        %   count  name  (total)";
	cv_text(c, y0 + 1, x0 + (a->diff ? 0 : 1), x0 + w, head, S_HEADER);
	free(rows);
}

/* Draws what r says changed: the status line alone, or the view and the
 * status line, or everything. */
static void draw_frame(app *a, canvas *c, redraw r)
{
	a->frames++;
	if (c->w < MIN_W || c->h < MIN_H) {
		char msg[64];
		cv_clear(c);
		snprintf(msg, sizeof msg, "%dx%d, need %dx%d", c->w, c->h, MIN_W, MIN_H);
		cv_text_crop(c, c->h / 2 - 1, 0, c->w, "terminal too small", S_ERROR);
		cv_text_crop(c, c->h / 2, 0, c->w, msg, S_ERROR);
		return;
	}
	if ((r & R_ALL) == R_ALL) {
		cv_clear(c);
		draw_header(a, c);
	}
	if ((r & R_VIEW) == R_VIEW) {
		for (int y = 1; y < c->h; y++) {
			cv_fill(c, y, 0, c->w, L' ', S_NORMAL);
			cv_set_hit(c, y, 0, c->w, ST_NIL);
		}
		a->hscroll_max = 0;   /* until a selected name is drawn */
		tui_views[a->view]->draw(a, c, 1, c->h - 1);
		if (a->breakdown)
			draw_breakdown(a, c);
	}
	if (a->searching)
		tui_prompt_draw(a, c, c->h - 1);
	else
		tui_status_line(a, c, c->h - 1);
}

/* ---- actions common to every view ----------------------------------------------- */

static void show_view(app *a, view_id v)
{
	const view_ops *o = tui_views[v];
	if (o->available && !o->available(a))
		return;
	tui_tview_carry(a, a->view, v);
	a->view = v;
	if (o->search)   /* it may have missed changes of the search */
		o->search(a);
}

/* The actions every view shares.  Returns false for the others. */
static bool global_action(app *a, int act, bool *quit, redraw *r)
{
	*r = R_ALL;
	switch (act) {
	case ACT_QUIT: *quit = true; *r = R_NONE; return true;
	case ACT_HELP:
		if (a->view != V_HELP) {
			a->prev_view = a->view;
			a->view = V_HELP;
			a->help_scroll = 0;
		}
		return true;
	case ACT_NEXT_VIEW: {
		view_id v = a->view;
		do
			v = (view_id)((v + 1) % V_HELP);
		while (tui_views[v]->available && !tui_views[v]->available(a));
		show_view(a, v);
		return true;
	}
	case ACT_VIEW1: show_view(a, V_ICICLE); return true;
	case ACT_VIEW2: show_view(a, V_TREE); return true;
	case ACT_VIEW3: show_view(a, V_CODEGEN); return true;
	case ACT_VIEW4: show_view(a, V_SUMMARY); return true;
	case ACT_VIEW5:
		show_view(a, V_BUILD);
		if (a->view != V_BUILD)
			snprintf(a->message, sizeof a->message, "no cargo timings loaded "
			         "(cargo build --timings writes target/cargo-timings/)");
		return true;
	case ACT_VIEW6: show_view(a, V_TABLES); return true;
	case ACT_DETAIL: a->detail = !a->detail; *r = R_VIEW; return true;
	case ACT_SEARCH:
		tui_prompt_open(a);
		*r = R_STATUS;
		return true;
	case ACT_FILTER:
		a->filter = !a->filter && a->re;
		tui_search_refilter(a);   /* the matches stay */
		*r = R_VIEW;
		return true;
	case ACT_CLEAR:
		a->filter = false;
		a->breakdown = 0;
		tui_set_pattern(a, "");
		*r = R_VIEW;
		return true;
	case ACT_BREAKDOWN:
		a->breakdown = a->re ? (a->breakdown + 1) % 4 : 0;
		*r = R_VIEW;
		return true;
	case ACT_MIN_DELTA: *r = tui_diff_cycle_threshold(a); return true;
	case ACT_ELIDE: *r = tui_name_cycle_elision(a); return true;
	case ACT_SCROLL_LEFT: case ACT_SCROLL_RIGHT:
		*r = tui_name_scroll(a, act == ACT_SCROLL_LEFT ? -1 : 1);
		return true;
	case ACT_RAW:
		a->raw = !a->raw;
		snprintf(a->message, sizeof a->message, "matching %s names",
		         a->raw ? "raw" : "normalised");
		tui_search_apply(a);
		*r = R_VIEW;
		return true;
	default:
		return false;
	}
}

/* A mouse event at cell (y, x), from the terminal or a key script: the
 * wheel moves as Up and Down do (in any view), a click selects what was
 * drawn there in a tree view (an icicle's lump too), a double click also
 * zooms into it. */
static redraw mouse_event(app *a, canvas *c, int y, int x, int what)
{
	if (what == MOUSE_WHEEL_UP || what == MOUSE_WHEEL_DOWN)
		return tui_views[a->view]->action(a, what == MOUSE_WHEEL_UP ? ACT_UP : ACT_DOWN);
	tview *v = tui_cur_tview(a);
	if (!v || y < 0 || y >= c->h || x < 0 || x >= c->w)
		return R_NONE;
	uint64_t cut;
	uint32_t id = v->shape->at(v, c, y, x, &cut);
	if (id == ST_NIL)
		return R_NONE;
	v->sel = id;
	v->sel_cut = cut;
	if (what == MOUSE_DOUBLE)
		tui_views[a->view]->action(a, ACT_ZOOM);
	return R_VIEW;
}

static redraw on_mouse(app *a, canvas *c)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return R_NONE;
	int what = ev.bstate & BUTTON4_PRESSED ? MOUSE_WHEEL_UP
	           : ev.bstate & BUTTON5_PRESSED ? MOUSE_WHEEL_DOWN
	           : ev.bstate & BUTTON1_DOUBLE_CLICKED ? MOUSE_DOUBLE : MOUSE_CLICK;
	return mouse_event(a, c, ev.y, ev.x, what);
}

/* One key: what it changed. */
static redraw handle_key(app *a, canvas *c, int key, bool *quit)
{
	if (key == KEY_RESIZE) {
		if (!a->headless) {
			getmaxyx(stdscr, a->h, a->w);
			cv_resize(c, a->w, a->h);
		}
		return R_ALL;
	}
	if (key == KEY_MOUSE)
		return a->headless ? mouse_event(a, c, a->script_mouse.y, a->script_mouse.x,
		                                 a->script_mouse.what)
		                   : on_mouse(a, c);
	/* a notice lasts until the next key */
	redraw r = a->message[0] ? R_STATUS : R_NONE;
	a->message[0] = '\0';
	if (a->searching)
		return r | (tui_prompt_key(a, key) & R_ALL);
	int act = tui_key_action(key);
	if (act == ACT_NONE)
		return r;
	if (a->view == V_HELP && act != ACT_QUIT)
		return r | tui_views[V_HELP]->action(a, act);
	redraw g;
	if (global_action(a, act, quit, &g))
		return r | g;
	return r | tui_views[a->view]->action(a, act);
}

/* ---- the loop --------------------------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A key from the terminal; 0 when none came (in time: the timeout lets the
 * loop notice signals; at once without wait), -1 once a signal ended the
 * viewer. */
static int read_key(bool wait)
{
	wint_t wk;
	if (!wait)
		timeout(0);
	int rc = get_wch(&wk);
	if (!wait)
		timeout(200);
	if (rc == ERR)
		return got_signal ? -1 : 0;
	return (int)wk;
}

typedef struct loop_io {
	script *sc;           /* headless: keys from a script; NULL: the terminal */
	/* the replay benchmark: each key's time from reading it to its frame,
	 * and to the frame with its search's matches when they came later */
	void (*on_key)(void *ctx, double ms);
	void (*on_settle)(void *ctx, double ms);
	void *ctx;
} loop_io;

static void show(app *a, canvas *c, redraw r)
{
	draw_frame(a, c, r);
	if (!a->headless)
		blit(a, c);
}

/* The one loop, live and scripted: a key, the handlers' word on what it
 * changed, and a frame of only that (none when nothing changed).  Work
 * between keys (the search of a large tree, whose matches are drawn when
 * done) goes on in slices while no key is waiting; a script lets it finish
 * before its next key, as someone typing slower than it would.  Returns
 * true when the quit key ended it. */
static bool run_loop(app *a, canvas *c, const loop_io *io)
{
	show(a, c, R_ALL);
	bool quit = false;
	double t0 = 0;
	while (!quit && !got_signal) {
		bool busy = tui_background_pending(a);
		if (busy && io->sc) {
			bool searched = tui_search_busy(a);
			redraw r = R_NONE;
			while (tui_search_busy(a))
				r |= tui_background_step(a);
			if (r & R_ALL)
				show(a, c, r);
			if (searched && io->on_settle)
				io->on_settle(io->ctx, now_ms() - t0);
			while (tui_background_pending(a))
				tui_background_step(a);
			continue;
		}
		double t = now_ms();
		bool dump = false;
		int key = io->sc ? script_key(io->sc, a, c, &dump) : read_key(!busy);
		if (key < 0)
			break;
		if (dump) {
			if (io->sc->out) {
				cv_dump(c, io->sc->out);
				fputs("--\n", io->sc->out);
			}
			continue;
		}
		if (!key) {
			redraw r = busy ? tui_background_step(a) : R_NONE;
			if (r & R_ALL)
				show(a, c, r);
			continue;
		}
		t0 = t;
		redraw r = handle_key(a, c, key, &quit);
		if ((r & R_ALL) && !quit)
			show(a, c, r);
		if (io->on_key)
			io->on_key(io->ctx, now_ms() - t0);
	}
	return quit;
}

static void init_views(app *a)
{
	a->cols = a->diff ? &tui_columns_diff : &tui_columns_plain;
	tui_tview_init(&a->tv[0], &a->m->stack, &tui_shape_icicle);
	tui_tview_init(&a->tv[1], &a->m->stack, &tui_shape_table);
	tui_tview_init(&a->tv[2], &a->m->codegen, &tui_shape_table);
	tui_tview_init(&a->tv[3], &a->m->pivot, &tui_shape_table);
}

static void free_app(app *a)
{
	for (int i = 0; i < 4; i++)
		tui_tview_free(&a->tv[i]);
	tui_free_merged(a);
	tui_search_free(a);
	st_regex_free(a->re);
	tui_summary_free(a);
	tui_build_free(a);
	tui_tables_free(a);
	if (a->diff)
		st_diff_free(a->diff);   /* owns a->m */
	else
		st_model_free(a->m);
}

static void no_output(void *ctx, double ms)
{
	(void)ctx;
	(void)ms;
}

void tui_replay(st_model *m, const char *keys, int w, int h,
                void (*on_key)(void *ctx, double ms), void *ctx)
{
	tui_replay_settled(m, keys, w, h, on_key, NULL, ctx);
}

void tui_replay_settled(st_model *m, const char *keys, int w, int h,
                        void (*on_key)(void *ctx, double ms),
                        void (*on_settle)(void *ctx, double ms), void *ctx)
{
	app a = { .view = V_ICICLE, .headless = true, .mono = true, .w = w, .h = h, .m = m };
	canvas c = { 0 };
	cv_resize(&c, w, h);
	init_views(&a);
	script sc = { keys, NULL };
	loop_io io = { &sc, on_key ? on_key : no_output, on_settle, ctx };
	run_loop(&a, &c, &io);
	free_app(&a);
	cv_free(&c);
}

/* ---- the viewer's life: open, load (with progress), run, close ---------------------- */

/* Load warnings: the first is shown in the status line, all are printed
 * on standard error once the terminal is back. */
typedef struct warnings {
	char **v;
	size_t n;
} warnings;

struct st_ui {
	app a;
	canvas c;
	st_ui_opts o;
	warnings warns;
	struct timespec last;    /* when progress was last drawn */
	const char *what;        /* "base", "new" with a diff, else NULL */
};

static void on_warn(void *ctx, const char *msg)
{
	warnings *w = ctx;
	char **v = realloc(w->v, (w->n + 1) * sizeof *v);
	char *s = strdup(msg);
	if (!v || !s) {
		free(s);
		if (v)
			w->v = v;
		return;   /* a warning is not worth failing the load for */
	}
	w->v = v;
	w->v[w->n++] = s;
}

static void flush_warnings(warnings *w)
{
	for (size_t i = 0; i < w->n; i++) {
		fprintf(stderr, "stalactite: warning: %s\n", w->v[i]);
		free(w->v[i]);
	}
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Keys typed while loading: q, Esc and Ctrl-C abandon the load; a resize
 * is followed.  Returns false to abandon. */
static bool load_keys(st_ui *ui)
{
	timeout(0);
	bool go_on = true;
	for (int k; go_on && (k = read_key(true)) > 0;) {
		if (k == 'q' || k == 'Q' || k == 27 || k == 3)
			go_on = false;
		else if (k == KEY_RESIZE) {
			getmaxyx(stdscr, ui->a.h, ui->a.w);
			cv_resize(&ui->c, ui->a.w, ui->a.h);
		}
	}
	timeout(200);
	return go_on && !got_signal;
}

/* Progress of a load, drawn at most 20 times a second; the keys are read
 * as often, so that quitting takes effect at once. */
static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	st_ui *ui = ctx;
	struct timespec now;
	if (got_signal)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - ui->last.tv_sec) +
	            (double)(now.tv_nsec - ui->last.tv_nsec) / 1e9;
	if (dt < 0.05 && done < total)
		return true;
	ui->last = now;
	if (!load_keys(ui))
		return false;
	char msg[160];
	const char *sp = ui->what ? " " : "", *what = ui->what ? ui->what : "";
	if (total)
		snprintf(msg, sizeof msg, "Loading%s%s: %.1f of %.1f MB (%.0f%%)", sp, what,
		         (double)done / 1e6, (double)total / 1e6,
		         100.0 * (double)done / (double)total);
	else
		snprintf(msg, sizeof msg, "Loading%s%s: %.1f MB read", sp, what,
		         (double)done / 1e6);
	canvas *c = &ui->c;
	cv_clear(c);
	cv_text_crop(c, c->h / 2, 2, c->w, msg, S_HEADER);
	cv_text_crop(c, c->h / 2 + 2, 2, c->w, "q: stop and quit", S_DIM);
	blit(&ui->a, c);
	return true;
}

st_ui *st_ui_open(const st_ui_opts *o)
{
	st_ui *ui = st_xcalloc(1, sizeof *ui);
	app *a = &ui->a;
	ui->o = *o;
	a->view = V_ICICLE;
	a->headless = o->script != NULL;
	setlocale(LC_ALL, "");
	a->ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	ui->c.ascii = a->ascii;
	if (a->headless) {
		a->w = o->width;
		a->h = o->height;
		a->mono = true;
	} else {
		start_curses(a, o);
		getmaxyx(stdscr, a->h, a->w);
	}
	cv_resize(&ui->c, a->w, a->h);
	return ui;
}

void st_ui_load_opts(st_ui *ui, const char *what, st_load_opts *lo)
{
	ui->what = what;
	/* headless runs are scripted: no progress screens in their output */
	lo->progress = ui->a.headless ? NULL : on_progress;
	lo->progress_ctx = ui;
	lo->warn = on_warn;
	lo->warn_ctx = &ui->warns;
}

/* Gives the terminal back, prints the warnings, frees everything. */
static int finish(st_ui *ui)
{
	restore_terminal();
	st_fatal_set_cleanup(NULL);
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	if (tty_in) {
		fclose(tty_in);
		tty_in = NULL;
	}
	flush_warnings(&ui->warns);
	if (ui->a.m)
		free_app(&ui->a);
	cv_free(&ui->c);
	free(ui);
	/* a signal from outside ends the viewer as the shell expects of it */
	return got_signal ? 128 + got_signal : 0;
}

int st_ui_close(st_ui *ui)
{
	return finish(ui);
}

int st_ui_run(st_ui *ui, st_model *m, st_diff *d)
{
	app *a = &ui->a;
	a->diff = d;
	a->m = d ? d->m : m;
	a->min_delta = ui->o.min_delta;
	a->diff_paths[0] = ui->o.base_path;
	a->diff_paths[1] = ui->o.new_path;
	init_views(a);
	warnings *w = &ui->warns;
	if (w->n)
		snprintf(a->message, sizeof a->message, "warning: %s%s", w->v[0],
		         w->n > 1 ? " (all warnings are printed on exit)" : "");
	script sc = { ui->o.script, stdout };
	loop_io io = { a->headless ? &sc : NULL, NULL, NULL, NULL };
	bool quit = run_loop(a, &ui->c, &io);
	if (a->headless && !quit)
		cv_dump(&ui->c, stdout);   /* the script's end shows the last screen */
	return finish(ui);
}
