/* tui-term.c: the terminal, through curses: taken and given back, keys
 * and mouse events read, frames copied to it.
 *
 * The terminal is restored on every exit path: q, Ctrl-C, SIGTERM/SIGHUP/
 * SIGINT (exit status 128 + the signal), errors, st_fatal (its cleanup hook),
 * exit() from anywhere (atexit), and fatal signals (SIGSEGV, SIGBUS,
 * SIGABRT, SIGQUIT, SIGFPE, SIGILL: a handler writes precomputed escapes and
 * resets the tty modes, then the signal kills the process as it would have). */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "stalactite/xalloc.h"
#include "tui.h"

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

void tui_term_restore(void)
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

/* The terminal given back from a signal handler: write() and tcsetattr()
 * only.  Also the cleanup of st_fatal_in_signal. */
static void restore_in_signal(void)
{
	if (curses_on) {
		curses_on = false;
		ssize_t r = write(STDOUT_FILENO, undo_seq, undo_len);
		(void)r;
		if (have_tty)
			tcsetattr(STDOUT_FILENO, TCSANOW, &saved_tty);
	}
}

static void on_fatal_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	restore_in_signal();
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

void tui_term_start(app *a, bool mouse)
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
	atexit(tui_term_restore);
	st_fatal_set_cleanup(tui_term_restore);
	st_fatal_set_signal_cleanup(restore_in_signal);
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
	if (mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
		          BUTTON5_PRESSED, NULL);
	prepare_undo(mouse);
	catch_signals();
}

void tui_term_blit(app *a, const canvas *c)
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

/* A key from the terminal; 0 when none came (in time: the timeout lets the
 * loop notice signals; at once without wait), -1 once a signal ended the
 * viewer. */
int tui_term_read_key(bool wait)
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

int tui_term_signal(void)
{
	return got_signal;
}

void tui_term_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

bool tui_term_mouse(int *y, int *x, int *what)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return false;
	*y = ev.y;
	*x = ev.x;
	*what = ev.bstate & BUTTON4_PRESSED ? MOUSE_WHEEL_UP
	        : ev.bstate & BUTTON5_PRESSED ? MOUSE_WHEEL_DOWN
	        : ev.bstate & BUTTON1_DOUBLE_CLICKED ? MOUSE_DOUBLE : MOUSE_CLICK;
	return true;
}

void tui_term_end(void)
{
	tui_term_restore();
	st_fatal_set_cleanup(NULL);
	st_fatal_set_signal_cleanup(NULL);
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	if (tty_in) {
		fclose(tty_in);
		tty_in = NULL;
	}
}
