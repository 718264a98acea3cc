/* tui-session.c: the viewer's life (stalactite/ui.h): it takes the
 * terminal (or reads a key script), gives a load its progress screen,
 * warnings and cancelling keys, runs the loop on the model and gives the
 * terminal back, printing the load's warnings and returning the exit
 * status a signal from outside asks for. */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stalactite/load.h"
#include "stalactite/ui.h"
#include "stalactite/xalloc.h"
#include "tui.h"

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
	bool go_on = true;
	for (int k; go_on && (k = tui_term_read_key(false)) > 0;) {
		if (k == 'q' || k == 'Q' || k == 27 || k == 3)
			go_on = false;
		else if (k == KEY_RESIZE) {
			tui_term_size(&ui->a.w, &ui->a.h);
			cv_resize(&ui->c, ui->a.w, ui->a.h);
		}
	}
	return go_on && !tui_term_signal();
}

/* Progress of a load, drawn at most 20 times a second; the keys are read
 * as often, so that quitting takes effect at once. */
static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	st_ui *ui = ctx;
	struct timespec now;
	if (tui_term_signal())
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
	tui_term_blit(&ui->a, c);
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
		tui_term_start(a, o->mouse);
		tui_term_size(&a->w, &a->h);
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
	tui_term_end();
	flush_warnings(&ui->warns);
	if (ui->a.m)
		tui_app_free(&ui->a);
	cv_free(&ui->c);
	free(ui);
	/* a signal from outside ends the viewer as the shell expects of it */
	return tui_term_signal() ? 128 + tui_term_signal() : 0;
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
	tui_app_init(a);
	warnings *w = &ui->warns;
	if (w->n)
		snprintf(a->message, sizeof a->message, "warning: %s%s", w->v[0],
		         w->n > 1 ? " (all warnings are printed on exit)" : "");
	script sc = { ui->o.script, stdout };
	bool quit = tui_run(a, &ui->c, a->headless ? &sc : NULL);
	if (a->headless && !quit)
		cv_dump(&ui->c, stdout);   /* the script's end shows the last screen */
	return finish(ui);
}
