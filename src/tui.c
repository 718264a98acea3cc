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

static const view_ops *const views[V_COUNT] = {
	[V_ICICLE] = &tui_view_icicle, [V_TREE] = &tui_view_tree,
	[V_CODEGEN] = &tui_view_codegen, [V_SUMMARY] = &tui_view_summary,
	[V_BUILD] = &tui_view_build, [V_HELP] = &tui_view_help,
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
	[S_DIM]      = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[S_BAR]      = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[S_BOX]      = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_NORMAL },
	[S_BOX_ALT]  = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_DIM },
	[S_ASYNC]    = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[S_CLOSURE]  = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[S_PASS]     = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[S_ERROR]    = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[S_PROMPT]   = { -1, -1, A_BOLD, A_BOLD },
	[S_BOX_ASYNC]   = { COLOR_BLACK, COLOR_MAGENTA, A_NORMAL, A_BOLD },
	[S_BOX_CLOSURE] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_NORMAL },
	[S_BOX_MATCH]   = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_UNDERLINE | A_BOLD },
	/* diff: slower red, faster green; the sign says it without colour */
	[S_SLOWER]      = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[S_FASTER]      = { COLOR_GREEN, -1, A_BOLD, A_NORMAL },
	[S_BOX_SLOWER]  = { COLOR_BLACK, COLOR_RED, A_NORMAL, A_BOLD },
	[S_BOX_FASTER]  = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_NORMAL },
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

/* Next key of the script: a character, or <Name> for special keys;
 * <dump> prints the screen, <resize WxH> resizes.  -1 at the end. */
static int script_key(script *s, app *a, canvas *c, bool *dump)
{
	static const struct { const char *name; int key; } names[] = {
		{ "Enter", '\n' }, { "Tab", '\t' }, { "Esc", 27 }, { "BS", KEY_BACKSPACE },
		{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT },
		{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },
		{ "Home", KEY_HOME }, { "End", KEY_END }, { "C-c", 3 }, { "Space", ' ' },
		{ "lt", '<' },
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
			int w, h;
			if (n > 7 && !memcmp(name, "resize ", 7) &&
			    sscanf(name + 7, "%dx%d", &w, &h) == 2) {
				a->w = w; a->h = h;
				cv_resize(c, w, h);
				return KEY_RESIZE;
			}
			for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
				if (strlen(names[i].name) == n && !memcmp(name, names[i].name, n))
					return names[i].key;
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
		if (i == V_BUILD && !tui_build_loaded(a))
			continue;   /* the tab of a view that has nothing to show */
		char tab[32];
		snprintf(tab, sizeof tab, " %d %s ", i + 1, views[i]->name);
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

static void draw_prompt(app *a, canvas *c, int y)
{
	cv_fill(c, y, 0, c->w, L' ', S_PROMPT);
	int x = cv_text(c, y, 0, c->w, "/", S_PROMPT);
	x = cv_text(c, y, x, c->w, a->pattern, S_PROMPT);
	cv_text(c, y, x, x + 1, "_", S_PROMPT);
	if (a->err[0])
		cv_text_crop(c, y, x + 2, c->w, a->err, S_ERROR);
}

static void draw_breakdown(app *a, canvas *c)
{
	tview *v = tui_cur_tview(a);
	if (!v || !a->re || !v->match.flags)
		return;
	static const char *const what[] = { "crate", "CGU", "pass" };
	int key = a->breakdown - 1;
	uint32_t n;
	st_breakdown_row *rows = st_tree_match_breakdown(&v->match, a->m, v->tree,
	                                                 (st_breakdown_key)key, &n);
	int w = c->w - 8, h = (int)n + 3;
	if (h > c->h - 6) h = c->h - 6;
	int x0 = 4, y0 = 3;
	for (int y = y0; y < y0 + h; y++)
		cv_fill(c, y, x0, x0 + w, L' ', S_NORMAL);
	char title[128];
	snprintf(title, sizeof title, " matches by %s (b: next, x: clear) ", what[key]);
	cv_fill(c, y0, x0, x0 + w, L' ', S_STATUS);
	cv_text(c, y0, x0 + 1, x0 + w, title, S_STATUS);
	for (uint32_t i = 0; i < n && (int)i < h - 2; i++) {
		char t[32], s[32], line[128];
		st_fmt_ns_col(t, sizeof t, (int64_t)rows[i].total_ns, a->ascii, 9);
		st_fmt_ns_col(s, sizeof s, rows[i].self_ns, a->ascii, 9);
		snprintf(line, sizeof line, "%s %s %7u  ", t, s, rows[i].count);
		int x = cv_text(c, y0 + 2 + (int)i, x0 + 1, x0 + w, line, S_NORMAL);
		const char *name = rows[i].name == ST_NOSTR ? "(none)"
		                   : st_str(a->m->strs, rows[i].name);
		cv_text_crop(c, y0 + 2 + (int)i, x, x0 + w - 1, name, S_NORMAL);
	}
	cv_text(c, y0 + 1, x0 + 1, x0 + w, "    total      self   count  name", S_HEADER);
	free(rows);
}

static void draw_frame(app *a, canvas *c)
{
	cv_clear(c);
	if (c->w < MIN_W || c->h < MIN_H) {
		char msg[64];
		snprintf(msg, sizeof msg, "%dx%d, need %dx%d", c->w, c->h, MIN_W, MIN_H);
		cv_text_crop(c, c->h / 2 - 1, 0, c->w, "terminal too small", S_ERROR);
		cv_text_crop(c, c->h / 2, 0, c->w, msg, S_ERROR);
		return;
	}
	draw_header(a, c);
	views[a->view]->draw(a, c, 1, c->h - 1);
	if (a->breakdown)
		draw_breakdown(a, c);
	if (a->searching)
		draw_prompt(a, c, c->h - 1);
	else
		tui_status_line(a, c, c->h - 1);
}

/* ---- search prompt ------------------------------------------------------------------ */

static void set_pattern(app *a, const char *pat)
{
	snprintf(a->pattern, sizeof a->pattern, "%s", pat);
	a->err[0] = '\0';
	st_regex_free(a->re);
	a->re = NULL;
	if (*pat) {
		a->re = st_regex_compile(pat, a->err, sizeof a->err);
		if (!a->re) {
			/* keep showing the error; the previous matches are gone only
			 * once a valid pattern replaces them */
		}
	}
	tui_search_apply(a);
}

static int hist_pos;

static void prompt_key(app *a, int key)
{
	size_t len = strlen(a->pattern);
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		a->searching = false;
		if (len && (a->nhistory == 0 || strcmp(a->history[a->nhistory - 1], a->pattern))) {
			if (a->nhistory == 16)
				memmove(a->history, a->history + 1, sizeof a->history[0] * 15), a->nhistory--;
			snprintf(a->history[a->nhistory++], sizeof a->history[0], "%s", a->pattern);
		}
		if (a->err[0])
			set_pattern(a, "");
		return;
	}
	if (key == 27 || key == 3) {
		a->searching = false;
		set_pattern(a, "");
		return;
	}
	char buf[sizeof a->pattern];
	snprintf(buf, sizeof buf, "%s", a->pattern);
	if (key == KEY_BACKSPACE || key == 127 || key == '\b') {
		while (len > 0 && (buf[len - 1] & 0xc0) == 0x80)
			len--;
		if (len)
			buf[len - 1] = '\0';
	} else if (key == KEY_UP || key == KEY_DOWN) {
		if (!a->nhistory)
			return;
		hist_pos += key == KEY_UP ? -1 : 1;
		if (hist_pos < 0) hist_pos = 0;
		if (hist_pos >= a->nhistory) hist_pos = a->nhistory - 1;
		snprintf(buf, sizeof buf, "%s", a->history[hist_pos]);
	} else if (key >= 32 && key < 0x110000 && key != 127) {
		char mb[8];
		mbstate_t ps = { 0 };
		size_t n = wcrtomb(mb, (wchar_t)key, &ps);
		if (n == (size_t)-1 || len + n + 1 >= sizeof buf)
			return;
		memcpy(buf + len, mb, n);
		buf[len + n] = '\0';
	} else {
		return;
	}
	set_pattern(a, buf);   /* incremental: every change searches */
}

/* ---- actions common to every view ----------------------------------------------- */

static redraw global_action(app *a, int act, bool *quit)
{
	switch (act) {
	case ACT_QUIT: *quit = true; return R_NONE;
	case ACT_HELP:
		if (a->view != V_HELP) {
			a->prev_view = a->view;
			a->view = V_HELP;
			a->help_scroll = 0;
		}
		return R_ALL;
	case ACT_NEXT_VIEW:
		a->view = (view_id)((a->view + 1) % V_HELP);
		if (a->view == V_BUILD && !tui_build_loaded(a))
			a->view = V_ICICLE;
		return R_ALL;
	case ACT_VIEW1: a->view = V_ICICLE; return R_ALL;
	case ACT_VIEW2: a->view = V_TREE; return R_ALL;
	case ACT_VIEW3: a->view = V_CODEGEN; return R_ALL;
	case ACT_VIEW4: a->view = V_SUMMARY; return R_ALL;
	case ACT_VIEW5:
		if (tui_build_loaded(a))
			a->view = V_BUILD;
		else
			snprintf(a->message, sizeof a->message, "no cargo timings loaded "
			         "(cargo build --timings writes target/cargo-timings/)");
		return R_ALL;
	case ACT_DETAIL: a->detail = !a->detail; return R_ALL;
	case ACT_PIVOT: if (a->view == V_CODEGEN) a->pivot = !a->pivot; return R_ALL;
	case ACT_SEARCH:
		a->searching = true;
		hist_pos = a->nhistory;
		return R_ALL;
	case ACT_FILTER:
		a->filter = !a->filter && a->re;
		tui_search_apply(a);
		return R_ALL;
	case ACT_CLEAR:
		a->filter = false;
		a->breakdown = 0;
		set_pattern(a, "");
		return R_ALL;
	case ACT_BREAKDOWN:
		a->breakdown = a->re ? (a->breakdown + 1) % 4 : 0;
		return R_ALL;
	case ACT_MIN_DELTA: return tui_diff_cycle_threshold(a);
	case ACT_RAW:
		a->raw = !a->raw;
		snprintf(a->message, sizeof a->message, "matching %s names",
		         a->raw ? "raw" : "normalised");
		tui_search_apply(a);
		return R_ALL;
	default:
		return R_NONE;
	}
}

static void on_mouse(app *a, canvas *c)
{
	MEVENT ev;
	tview *v = tui_cur_tview(a);
	if (getmouse(&ev) != OK || !v)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		views[a->view]->action(a, ev.bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN);
		return;
	}
	if (ev.y < 0 || ev.y >= c->h || ev.x < 0 || ev.x >= c->w)
		return;
	uint32_t id = c->hit[ev.y * c->w + ev.x];
	if (id == ST_NIL)
		return;
	v->sel = id;
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		views[a->view]->action(a, ACT_ZOOM);
}

/* ---- loading with progress ---------------------------------------------------------- */

typedef struct progress {
	app *a;
	canvas *c;
	struct timespec last;
	const char *what;   /* "base", "new" with a diff, else NULL */
} progress;

static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	progress *p = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - p->last.tv_sec) +
	            (double)(now.tv_nsec - p->last.tv_nsec) / 1e9;
	if (dt < 0.05 && done < total)
		return true;
	p->last = now;
	char msg[128];
	snprintf(msg, sizeof msg, "Loading%s%s: %.1f of %.1f MB (%.0f%%)",
	         p->what ? " " : "", p->what ? p->what : "", (double)done / 1e6,
	         (double)total / 1e6, total ? 100.0 * (double)done / (double)total : 0.0);
	cv_clear(p->c);
	cv_text(p->c, p->c->h / 2, 2, p->c->w, msg, S_HEADER);
	blit(p->a, p->c);
	return true;
}

/* ---- entry ------------------------------------------------------------------------------ */

static void init_views(app *a)
{
	tui_tview_init(&a->tv[0], &a->m->stack, true);
	tui_tview_init(&a->tv[1], &a->m->stack, false);
	tui_tview_init(&a->tv[2], &a->m->codegen, false);
	tui_tview_init(&a->tv[3], &a->m->pivot, false);
}

static void free_app(app *a)
{
	for (int i = 0; i < 4; i++)
		tui_tview_free(&a->tv[i]);
	for (int i = 0; i < 3; i++)
		st_match_cache_free(a->cache[i]);
	st_regex_free(a->re);
	tui_summary_free(a);
	tui_build_free(a);
	if (a->diff)
		st_diff_free(a->diff);   /* owns a->m */
	else
		st_model_free(a->m);
}

static int next_key(app *a, canvas *c, script *sc, bool *dump)
{
	if (sc) {
		int k = script_key(sc, a, c, dump);
		return k;
	}
	*dump = false;
	wint_t wk;
	int r = get_wch(&wk);
	if (r == ERR)
		return got_signal ? -1 : 0;
	return (int)wk;
}

static void handle_key(app *a, canvas *c, int key, bool *quit)
{
	if (key == KEY_RESIZE) {
		if (!a->headless) {
			getmaxyx(stdscr, a->h, a->w);
			cv_resize(c, a->w, a->h);
		}
		return;
	}
	if (key == KEY_MOUSE && !a->headless) {
		on_mouse(a, c);
		return;
	}
	a->message[0] = '\0';
	if (a->searching) {
		prompt_key(a, key);
		return;
	}
	int act = tui_key_action(key);
	if (act == ACT_NONE)
		return;
	if (a->view == V_HELP && act != ACT_QUIT) {
		views[V_HELP]->action(a, act);
		return;
	}
	if (global_action(a, act, quit) == R_NONE && !*quit)
		views[a->view]->action(a, act);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void tui_replay(st_model *m, const char *keys, int w, int h,
                void (*on_key)(void *ctx, double ms), void *ctx)
{
	app a = { .view = V_ICICLE, .headless = true, .mono = true, .w = w, .h = h, .m = m };
	canvas c = { 0 };
	cv_resize(&c, w, h);
	init_views(&a);
	draw_frame(&a, &c);
	script sc = { keys, NULL };
	bool quit = false, dump;
	for (;;) {
		double t0 = now_ms();
		int key = script_key(&sc, &a, &c, &dump);
		if (key < 0 || quit)
			break;
		if (key)
			handle_key(&a, &c, key, &quit);
		draw_frame(&a, &c);
		on_key(ctx, now_ms() - t0);
	}
	free_app(&a);
	cv_free(&c);
}

/* Load warnings: the first is shown in the status line, all are printed
 * on standard error once the terminal is back. */
typedef struct warnings {
	char **v;
	size_t n;
} warnings;

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

int st_ui_run(char *const *paths, int npaths, const st_ui_opts *o)
{
	warnings warns = { 0 };
	app a = { .view = V_ICICLE, .headless = o->script != NULL };
	canvas c = { 0 };
	setlocale(LC_ALL, "");
	a.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	c.ascii = a.ascii;
	if (a.headless) {
		a.w = o->width;
		a.h = o->height;
		a.mono = true;
	} else {
		start_curses(&a, o);
		getmaxyx(stdscr, a.h, a.w);
	}
	cv_resize(&c, a.w, a.h);
	progress pr = { &a, &c, { 0, 0 }, NULL };
	st_load_opts lo = { .progress = a.headless ? NULL : on_progress, .progress_ctx = &pr,
	                    .warn = on_warn, .warn_ctx = &warns };
	char err[1024];
	int rc = 0;
	st_model *base = NULL;
	if (o->diff) {   /* main.c checked: paths are BASE and NEW */
		a.diff_paths[0] = paths[0];
		a.diff_paths[1] = paths[1];
		pr.what = "base";
		base = st_model_new();
		rc = st_load_paths(base, paths, 1, &lo, err, sizeof err);
		pr.what = "new";
		paths++;
		npaths--;
	}
	a.m = st_model_new();
	if (rc == 0)
		rc = st_load_paths(a.m, paths, npaths, &lo, err, sizeof err);
	if (rc != 0) {
		restore_terminal();
		flush_warnings(&warns);
		fprintf(stderr, "stalactite: %s\n", err);
		st_model_free(base);
		free_app(&a);
		cv_free(&c);
		return 1;
	}
	if (base) {
		a.diff = st_diff_build(base, a.m);
		a.m = a.diff->m;
		a.min_delta = o->min_delta;
	}
	init_views(&a);
	if (warns.n)
		snprintf(a.message, sizeof a.message, "warning: %s%s", warns.v[0],
		         warns.n > 1 ? " (all warnings are printed on exit)" : "");
	script sc = { o->script, stdout }, *scp = a.headless ? &sc : NULL;
	bool quit = false;
	while (!quit && !got_signal) {
		draw_frame(&a, &c);
		if (!a.headless)
			blit(&a, &c);
		bool dump;
		int key = next_key(&a, &c, scp, &dump);
		if (key < 0)
			break;
		if (dump) {
			draw_frame(&a, &c);
			cv_dump(&c, stdout);
			puts("--");
			continue;
		}
		if (key)
			handle_key(&a, &c, key, &quit);
	}
	if (a.headless && !quit) {
		draw_frame(&a, &c);   /* the script's end shows the last screen */
		cv_dump(&c, stdout);
	}
	restore_terminal();
	st_fatal_set_cleanup(NULL);
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	if (tty_in)
		fclose(tty_in);
	flush_warnings(&warns);
	free_app(&a);
	cv_free(&c);
	/* a signal from outside ends the viewer as the shell expects of it */
	return got_signal ? 128 + got_signal : 0;
}
