/* ui: the interactive terminal front end (ncurses).  The only part of the
 * program that draws; it reads the model and never changes it.
 *
 * Its life: st_ui_open takes the terminal, so that the caller's load (with
 * the hooks of st_ui_load_opts) shows progress and can be abandoned with q
 * or Ctrl-C; then st_ui_run with the model, or st_ui_close when the load
 * failed or was abandoned.  Both give the terminal back before returning. */
#ifndef STALACTITE_UI_H
#define STALACTITE_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "stalactite/diff.h"
#include "stalactite/load.h"

typedef struct st_ui_opts {
	bool mouse;            /* --no-mouse turns it off */
	const char *script;    /* STALACTITE_SCRIPT: headless key script, or NULL */
	int width, height;     /* headless screen size (STALACTITE_SIZE=WxH) */
	int64_t min_delta;     /* --min-delta: diff rows changed less are hidden */
	const char *base_path, *new_path;   /* --diff: as the status line names them */
} st_ui_opts;

typedef struct st_ui st_ui;

/* Takes the terminal (or, with o->script, sets up the headless screen).
 * Exits with status 2 when the terminal cannot be used. */
st_ui *st_ui_open(const st_ui_opts *o);
/* Sets lo's progress and warning hooks: progress is drawn, and q, Esc,
 * Ctrl-C or a signal cancel the load; warnings are kept for the status
 * line and printed on exit.  what names the build being loaded ("base",
 * "new") or is NULL. */
void st_ui_load_opts(st_ui *ui, const char *what, st_load_opts *lo);
/* Runs the viewer on m, or on the diff d (which owns its models; m is then
 * NULL), until the user quits; takes ownership of them and frees ui.
 * Returns the process exit status: 0, or 128 + N when signal N (SIGTERM,
 * SIGHUP, SIGINT) ended it. */
int st_ui_run(st_ui *ui, st_model *m, st_diff *d);
/* Ends without running (the load failed or was abandoned): gives the
 * terminal back, prints the warnings, frees ui.  Returns 0, or 128 + N when
 * signal N ended it. */
int st_ui_close(st_ui *ui);

/* Writes the viewer's keys, from the one action table, as the README's
 * keys table (format "markdown") or the man page's KEYS entries ("man").
 * Returns 0, or -1 for another format or a write error. */
int st_ui_help_keys(FILE *out, const char *format);

#endif
