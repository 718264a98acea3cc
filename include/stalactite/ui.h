/* ui: the interactive terminal front end (ncurses).  The only part of the
 * program that draws; it reads the model and never changes it. */
#ifndef STALACTITE_UI_H
#define STALACTITE_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct st_ui_opts {
	bool mouse;            /* --no-mouse turns it off */
	const char *script;    /* STALACTITE_SCRIPT: headless key script, or NULL */
	int width, height;     /* headless screen size (STALACTITE_SIZE=WxH) */
	bool diff;             /* --diff: paths are BASE and NEW */
	int64_t min_delta;     /* --min-delta: diff rows changed less are hidden */
} st_ui_opts;

/* Loads paths (showing progress) and runs the UI until the user quits.
 * Returns the process exit status: 0, 1 when loading failed (the message is
 * printed after the terminal is restored), or 128 + N when signal N
 * (SIGTERM, SIGHUP, SIGINT) ended it. */
int st_ui_run(char *const *paths, int npaths, const st_ui_opts *o);

/* Writes the viewer's keys, from the one action table, as the README's
 * keys table (format "markdown") or the man page's KEYS entries ("man").
 * Returns 0, or -1 for another format or a write error. */
int st_ui_help_keys(FILE *out, const char *format);

#endif
