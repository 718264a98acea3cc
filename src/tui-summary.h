/* tui-summary.h: the Summary's rows, shared by its files only: the rows
 * are made in tui-summary-rows.c (its sections, plain and diff) and
 * shown, moved through and jumped from in tui-summary.c. */
#ifndef STALACTITE_TUI_SUMMARY_H
#define STALACTITE_TUI_SUMMARY_H

#include "tui.h"

typedef struct row {
	char text[512];
	int name_off;          /* where the part a search is matched against
	                          starts in text, or -1 (an offset: rows move
	                          when the array grows) */
	style st;
	unsigned short d0, d1; /* diff: the delta's bytes in text, styled dst */
	style dst;
	/* Where Enter leads: a row that shows the same figure.  A tree's row
	 * when it has one (view >= 0, checked against fig and bfig when
	 * Enter is pressed), else the row of its item in Tables, whose
	 * figures are the Summary's own (table >= 0; a heading: the table). */
	int view;              /* view to jump to, or -1 */
	const st_tree *tree;
	bool merged;           /* in the tree merged by label (over all CGUs):
	                          where passes and functions have the figures
	                          the Summary gives, summed over CGUs */
	uint32_t name_id;      /* node name to look for */
	uint32_t crate;        /* in this crate (a CGU's), or ST_NOSTR */
	int kind;              /* node kind wanted, or -1 */
	bool self;             /* the figure is the node's self time, not total */
	int64_t fig, bfig;     /* the figure, NEW's and (diff) BASE's */
	int table;             /* Enter opens this Tables table (TB_*), or -1 */
	uint32_t item;         /* at this item of it, or ST_NIL */
	uint32_t crates;       /* a function: the crates with one of its name */
	bool match;            /* its name matches the search */
} row;

typedef struct rows {
	row *v;
	int n, cap;
} rows;

/* A row the cursor stops on: one of figures, or a heading that opens a
 * table. */
static inline bool tui_summary_selectable(const row *w)
{
	return w->view >= 0 || w->table >= 0;
}

/* The Summary's rows for the screen's height and a diff's threshold, into
 * r (emptied first by the caller). */
void tui_summary_rows(app *a, rows *r);
/* The crates that have a function of this name (both sides in a diff). */
uint32_t tui_summary_fn_crates(const app *a, uint32_t name);
/* Shows the node row w leads to (tui-summary.c): R_ALL, or R_NONE with
 * *why when its tree has none or, when exact, none showing w's figure. */
redraw tui_summary_land(app *a, const row *w, bool exact, const char **why);

#endif
