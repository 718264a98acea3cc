/* tui-help.c: the help view, generated from the action table, with the
 * views and the colours each drawn in the colour it explains. */
#include "tui.h"

/* The colours, each word drawn in the colour it explains. */
static const struct { const char *text; style st; } legend[][8] = {
	{ { "Colours: ", S_NORMAL }, { "async fn or block", S_ASYNC }, { "  ", S_NORMAL },
	  { "closure", S_CLOSURE }, { "  ", S_NORMAL }, { "matches the search", S_MATCH },
	  { "  ", S_NORMAL }, { "holds a match", S_ANCESTOR } },
	{ { "         ", S_NORMAL }, { "selection", S_SELECTED }, { "  diff: ", S_NORMAL },
	  { "+slower", S_SLOWER }, { " ", S_NORMAL }, { "-faster", S_FASTER },
	  { "  build: ", S_NORMAL }, { "critical path", S_CRITICAL } },
};

static void draw_help(app *a, canvas *c, int top, int bottom)
{
	static const char *const intro[] = {
		"stalactite shows where rustc spent its time.  Views:",
		"  1 Icicle   the merged stack tree of the build, widths by inclusive time",
		"             (m: merged by label alone; +N lumps siblings too narrow to label)",
		"  2 Tree     the same tree as a table: total, self, count, share",
		"  3 Codegen  crate > codegen unit > LLVM pass > function (p: function first;",
		"             m: passes and functions over all crates and CGUs)",
		"  4 Summary  which pass, CGU, function and async fn dominate; Enter jumps",
		"  5 Build    cargo's timeline (with cargo timings): units over time, the",
		"             critical path (*), concurrency; Enter opens a unit's profile",
		"  6 Tables   each Summary table whole: [ ] switch, K kinds, Enter opens a row",
		NULL, NULL,   /* the colours */
		"Scrolling: the view follows the selection (Up/Down, PgUp/PgDn, Home/End,",
		"  the mouse wheel); a click selects, a double click is Enter;",
		"  < and > scroll a long name, v elides its generics.",
		"--diff BASE NEW: base, new, change (+slower, -faster) and %; boxes by own change.",
		"",
	};
	int y = top - a->help_scroll, n = (int)(sizeof intro / sizeof intro[0]);
	for (int i = 0, l = 0; i < n; l += !intro[i], i++, y++) {
		if (y < top || y >= bottom)
			continue;
		if (intro[i])
			cv_text_crop(c, y, 1, c->w, intro[i], i == 0 ? S_HEADER : S_NORMAL);
		else   /* the legend's line l */
			for (int k = 0, x = 1; k < 8 && legend[l][k].text; k++)
				x = cv_text(c, y, x, c->w, legend[l][k].text, legend[l][k].st);
	}
	for (const action_def *d = tui_actions; d->name; d++, y++) {
		if (y < top || y >= bottom)
			continue;
		cv_text(c, y, 2, 20, d->keys, S_HEADER);
		cv_text_crop(c, y, 20, c->w, d->help, S_NORMAL);
	}
}

static redraw help_action(app *a, int act)
{
	if (act == ACT_DOWN || act == ACT_PGDN) a->help_scroll += act == ACT_DOWN ? 1 : 10;
	else if (act == ACT_UP || act == ACT_PGUP) a->help_scroll -= act == ACT_UP ? 1 : 10;
	else if (act == ACT_HOME) a->help_scroll = 0;
	else {
		a->view = a->prev_view;   /* any other key leaves the help */
		return R_ALL;
	}
	if (a->help_scroll < 0) a->help_scroll = 0;
	return R_VIEW;
}

static void help_status(app *a, canvas *c, int y)
{
	(void)a;
	cv_text_crop(c, y, 0, c->w, "Up/Down, PgUp/PgDn, Home: scroll this help  any other "
	             "key: back to the view", S_STATUS);
}

const view_ops tui_view_help = {
	"Help", draw_help, help_action, help_status, NULL, NULL, NULL, NULL,
};
