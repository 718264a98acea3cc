/* tui-actions.c: the one table of actions, their keys and help text.  The
 * help screen is generated from it and the key dispatcher reads it, so the
 * two can never disagree (tig's key tables are the model). */
#include <curses.h>
#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

const action_def tui_actions[] = {
	{ ACT_HELP,         "help",          "?",            "show this help (any key returns)" },
	{ ACT_QUIT,         "quit",          "q  Ctrl-C",    "quit" },
	{ ACT_NEXT_VIEW,    "next-view",     "Tab",          "next view" },
	{ ACT_VIEW1,        "view-icicle",   "1",            "icicle: the merged stack tree, top-down" },
	{ ACT_VIEW2,        "view-tree",     "2",            "tree: the same as a table" },
	{ ACT_VIEW3,        "view-codegen",  "3",            "codegen: crate > CGU > pass > function" },
	{ ACT_VIEW4,        "view-summary",  "4",            "summary: which pass, CGU, function dominates" },
	{ ACT_VIEW5,        "view-build",    "5",            "build: cargo's timeline of units, critical path" },
	{ ACT_UP,           "up",            "Up  k",        "move up (icicle: to the parent)" },
	{ ACT_DOWN,         "down",          "Down  j",      "move down (icicle: to the largest child)" },
	{ ACT_LEFT,         "left",          "Left  h",      "collapse or go to parent (icicle: previous sibling)" },
	{ ACT_RIGHT,        "right",         "Right  l",     "expand or go to first child (icicle: next sibling)" },
	{ ACT_PGUP,         "page-up",       "PgUp",         "page up" },
	{ ACT_PGDN,         "page-down",     "PgDn",         "page down" },
	{ ACT_HOME,         "first",         "Home  g",      "first row" },
	{ ACT_END,          "last",          "End  G",       "last row" },
	{ ACT_ZOOM,         "zoom",          "Enter",        "zoom into the selection (summary: jump to it)" },
	{ ACT_UNZOOM,       "unzoom",        "Backspace  Esc", "zoom out one level" },
	{ ACT_TOGGLE,       "toggle",        "Space",        "collapse or expand the selection" },
	{ ACT_EXPAND_ALL,   "expand-all",    "*  e",         "expand everything below the selection" },
	{ ACT_COLLAPSE_ALL, "collapse-all",  "E",            "collapse everything below the selection" },
	{ ACT_SORT_TOTAL,   "sort-total",    "t",            "sort by total time (again: reverse)" },
	{ ACT_SORT_SELF,    "sort-self",     "s",            "sort by self time (again: reverse)" },
	{ ACT_SORT_COUNT,   "sort-count",    "c",            "sort by event count (again: reverse)" },
	{ ACT_SORT_NAME,    "sort-name",     "a",            "sort by name (again: reverse)" },
	{ ACT_SORT_DELTA,   "sort-delta",    "D",            "diff: sort by change, slower first (again: faster first)" },
	{ ACT_SORT_ABS_DELTA, "sort-abs-delta", "M",         "diff: sort by size of change |delta| (again: reverse)" },
	{ ACT_MIN_DELTA,    "min-delta",     "H",            "diff: hide changes below 1ms/10ms/100ms/1s (again: next, off)" },
	{ ACT_SORT_START,   "sort-start",    "S",            "build: sort units by start (again: reverse)" },
	{ ACT_SORT_DURATION, "sort-duration", "T",           "build: sort units by duration (again: reverse)" },
	{ ACT_CRITICAL_ONLY, "critical-only", "C",           "build: only the critical path (again: all units)" },
	{ ACT_DETAIL,       "detail",        "d",            "detail pane: raw name and kind" },
	{ ACT_PIVOT,        "pivot",         "p",            "codegen: pass > function or function > pass" },
	{ ACT_SHAPE,        "shape",         "i",            "codegen: table or icicle" },
	{ ACT_SEARCH,       "search",        "/",            "search names (PCRE2, smart case)" },
	{ ACT_NEXT_MATCH,   "next-match",    "n",            "next match" },
	{ ACT_PREV_MATCH,   "prev-match",    "N",            "previous match" },
	{ ACT_FILTER,       "filter",        "f",            "show only paths with a match" },
	{ ACT_CLEAR,        "clear",         "x",            "clear search and filter" },
	{ ACT_BREAKDOWN,    "breakdown",     "b",            "matches by crate, CGU, pass (again: next, off)" },
	{ ACT_RAW,          "raw-names",     "r",            "match raw names instead of normalised ones" },
	{ ACT_NONE, NULL, NULL, NULL },
};

/* Key bindings: data, next to the table they serve. */
static const struct { int key; int act; } bindings[] = {
	{ '?', ACT_HELP }, { 'q', ACT_QUIT }, { CTRL('c'), ACT_QUIT },
	{ '\t', ACT_NEXT_VIEW }, { '1', ACT_VIEW1 }, { '2', ACT_VIEW2 },
	{ '3', ACT_VIEW3 }, { '4', ACT_VIEW4 }, { '5', ACT_VIEW5 },
	{ KEY_UP, ACT_UP }, { 'k', ACT_UP }, { KEY_DOWN, ACT_DOWN }, { 'j', ACT_DOWN },
	{ KEY_LEFT, ACT_LEFT }, { 'h', ACT_LEFT }, { KEY_RIGHT, ACT_RIGHT }, { 'l', ACT_RIGHT },
	{ KEY_PPAGE, ACT_PGUP }, { KEY_NPAGE, ACT_PGDN },
	{ KEY_HOME, ACT_HOME }, { 'g', ACT_HOME }, { KEY_END, ACT_END }, { 'G', ACT_END },
	{ '\n', ACT_ZOOM }, { '\r', ACT_ZOOM }, { KEY_ENTER, ACT_ZOOM },
	{ KEY_BACKSPACE, ACT_UNZOOM }, { 127, ACT_UNZOOM }, { '\b', ACT_UNZOOM }, { 27, ACT_UNZOOM },
	{ ' ', ACT_TOGGLE }, { '*', ACT_EXPAND_ALL }, { 'e', ACT_EXPAND_ALL },
	{ 'E', ACT_COLLAPSE_ALL },
	{ 't', ACT_SORT_TOTAL }, { 's', ACT_SORT_SELF }, { 'c', ACT_SORT_COUNT }, { 'a', ACT_SORT_NAME },
	{ 'D', ACT_SORT_DELTA }, { 'M', ACT_SORT_ABS_DELTA }, { 'H', ACT_MIN_DELTA },
	{ 'S', ACT_SORT_START }, { 'T', ACT_SORT_DURATION }, { 'C', ACT_CRITICAL_ONLY },
	{ 'd', ACT_DETAIL }, { 'p', ACT_PIVOT }, { 'i', ACT_SHAPE },
	{ '/', ACT_SEARCH }, { 'n', ACT_NEXT_MATCH }, { 'N', ACT_PREV_MATCH },
	{ 'f', ACT_FILTER }, { 'x', ACT_CLEAR }, { 'b', ACT_BREAKDOWN }, { 'r', ACT_RAW },
};

int tui_key_action(int key)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == key)
			return bindings[i].act;
	return ACT_NONE;
}
