/* tui.c: the viewer's loop.
 *
 * One loop reads a key, maps it to an action through the key table, lets the
 * current view handle it (handlers only change state and say what needs a
 * redraw), then draws the frame into a canvas and shows it: through curses
 * on a terminal (tui-term.c), or as text in headless mode (STALACTITE_SCRIPT,
 * tui-script.c), which replays keys from a string and prints screens on
 * request.  The views are the table of view_ops below; the viewer's life
 * around the loop (terminal, load, warnings) is tui-session.c. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tui.h"

#define MIN_W 40
#define MIN_H 10

const view_ops *const tui_views[V_COUNT] = {
	[V_ICICLE] = &tui_view_icicle, [V_TREE] = &tui_view_tree,
	[V_CODEGEN] = &tui_view_codegen, [V_SUMMARY] = &tui_view_summary,
	[V_BUILD] = &tui_view_build, [V_TABLES] = &tui_view_tables,
	[V_HELP] = &tui_view_help,
};

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
			tui_draw_breakdown(a, c);
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
 * wheel moves as Up and Down do (in any view); a click is the view's to
 * place (it selects what was drawn there, a double click also opens it). */
static redraw mouse_event(app *a, canvas *c, int y, int x, int what)
{
	const view_ops *ops = tui_views[a->view];
	if (what == MOUSE_WHEEL_UP || what == MOUSE_WHEEL_DOWN)
		return ops->action(a, what == MOUSE_WHEEL_UP ? ACT_UP : ACT_DOWN);
	if (!ops->click || y < 0 || y >= c->h || x < 0 || x >= c->w)
		return R_NONE;
	return ops->click(a, c, y, x, what);
}

static redraw on_mouse(app *a, canvas *c)
{
	int y, x, what;
	return tui_term_mouse(&y, &x, &what) ? mouse_event(a, c, y, x, what) : R_NONE;
}

/* One key: what it changed. */
static redraw handle_key(app *a, canvas *c, int key, bool *quit)
{
	if (key == KEY_RESIZE) {
		if (!a->headless) {
			tui_term_size(&a->w, &a->h);
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
	/* q leaves the help as any key does (as in less); Ctrl-C still quits */
	if (a->view == V_HELP && (act != ACT_QUIT || key == 'q'))
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
		tui_term_blit(a, c);
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
	while (!quit && !tui_term_signal()) {
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
		int key = io->sc ? tui_script_key(io->sc, a, c, &dump) : tui_term_read_key(!busy);
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

void tui_app_init(app *a)
{
	a->cols = a->diff ? &tui_columns_diff : &tui_columns_plain;
	tui_tview_init(&a->tv[0], &a->m->stack, &tui_shape_icicle);
	tui_tview_init(&a->tv[1], &a->m->stack, &tui_shape_table);
	tui_tview_init(&a->tv[2], &a->m->codegen, &tui_shape_table);
	tui_tview_init(&a->tv[3], &a->m->pivot, &tui_shape_table);
	/* cargo timings alone: the Build view is all there is to see */
	if (a->m->total_events == 0 && tui_views[V_BUILD]->available(a))
		show_view(a, V_BUILD);
}

void tui_app_free(app *a)
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
	tui_app_init(&a);
	script sc = { keys, NULL };
	loop_io io = { &sc, on_key ? on_key : no_output, on_settle, ctx };
	run_loop(&a, &c, &io);
	tui_app_free(&a);
	cv_free(&c);
}

bool tui_run(app *a, canvas *c, script *sc)
{
	loop_io io = { sc, NULL, NULL, NULL };
	return run_loop(a, c, &io);
}
