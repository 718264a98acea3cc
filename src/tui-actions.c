/* tui-actions.c: the one table of actions, their keys and help text.  The
 * key dispatcher reads it, and the help screen, the README's keys table and
 * the man page's KEYS section are generated from it, so none can disagree
 * (tig's key tables are the model). */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include "stalactite/ui.h"
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
	{ ACT_VIEW6,        "view-tables",   "6",            "tables: every ranked table whole (summary: Enter on a heading)" },
	{ ACT_UP,           "up",            "Up  k",        "move up (icicle: to the parent)" },
	{ ACT_DOWN,         "down",          "Down  j",      "move down (icicle: to the largest child)" },
	{ ACT_LEFT,         "left",          "Left  h",      "collapse or go to parent (icicle: previous sibling)" },
	{ ACT_RIGHT,        "right",         "Right  l",     "expand or go to first child (icicle: next sibling)" },
	{ ACT_PGUP,         "page-up",       "PgUp",         "page up" },
	{ ACT_PGDN,         "page-down",     "PgDn",         "page down" },
	{ ACT_HOME,         "first",         "Home  g",      "first row" },
	{ ACT_END,          "last",          "End  G",       "last row" },
	{ ACT_ZOOM,         "zoom",          "Enter",        "zoom into the selection (summary: jump to it; tables: open the row or show it)" },
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
	{ ACT_TIME_IN,      "time-zoom-in",  "+  =",         "build: zoom the timeline in twice, around the selected unit" },
	{ ACT_TIME_OUT,     "time-zoom-out", "-",            "build: zoom the timeline out twice" },
	{ ACT_NEXT_TABLE,   "next-table",    "]",            "tables: next table" },
	{ ACT_PREV_TABLE,   "prev-table",    "[",            "tables: previous table" },
	{ ACT_KIND_FILTER,  "kind-filter",   "K",            "tables: functions of every kind, async, closures, fns (again: next)" },
	{ ACT_DETAIL,       "detail",        "d",            "detail pane: raw name and kind" },
	{ ACT_PIVOT,        "pivot",         "p",            "codegen: pass > function or function > pass" },
	{ ACT_SHAPE,        "shape",         "i",            "codegen: table or icicle" },
	{ ACT_MERGE,        "merge",         "m",            "merge by label alone, over all CGUs in codegen (again: by path)" },
	{ ACT_SEARCH,       "search",        "/",            "search names as you type (PCRE2, smart case; Esc restores)" },
	{ ACT_NEXT_MATCH,   "next-match",    "n",            "next match below, in the order shown (wraps)" },
	{ ACT_PREV_MATCH,   "prev-match",    "N",            "previous match above (wraps)" },
	{ ACT_FILTER,       "filter",        "f",            "show only paths with a match" },
	{ ACT_CLEAR,        "clear",         "x",            "clear search and filter" },
	{ ACT_BREAKDOWN,    "breakdown",     "b",            "matches by crate, CGU, pass (again: next, off)" },
	{ ACT_RAW,          "raw-names",     "r",            "match raw names instead of normalised ones" },
	{ ACT_ELIDE,        "elide",         "v",            "names: elide generics where too wide, innermost, all (again: next)" },
	{ ACT_SCROLL_LEFT,  "scroll-left",   "<",            "scroll the selected name left (summary: also Left)" },
	{ ACT_SCROLL_RIGHT, "scroll-right",  ">",            "scroll the selected name right, shown whole (summary: also Right)" },
	{ ACT_NONE, NULL, NULL, NULL },
};

/* The names the keys strings above use, and the codes each means; any
 * other name of one character is that character.  Key names are written
 * once, in the table: the dispatcher, the help screen, the README's keys
 * table and the man page's KEYS section (st_ui_help_keys, make update-docs)
 * all read them from there. */
static const struct { const char *name; int codes[3]; } key_names[] = {
	{ "Ctrl-C", { CTRL('c') } }, { "Tab", { '\t' } },
	{ "Up", { KEY_UP } }, { "Down", { KEY_DOWN } },
	{ "Left", { KEY_LEFT } }, { "Right", { KEY_RIGHT } },
	{ "PgUp", { KEY_PPAGE } }, { "PgDn", { KEY_NPAGE } },
	{ "Home", { KEY_HOME } }, { "End", { KEY_END } },
	{ "Enter", { '\n', '\r', KEY_ENTER } },
	{ "Backspace", { KEY_BACKSPACE, 127, '\b' } }, { "Esc", { 27 } },
	{ "Space", { ' ' } },
};

/* The next key name of a keys string (names are separated by spaces):
 * its start and length, or NULL at the end. */
static const char *next_key(const char **s, size_t *len)
{
	while (**s == ' ')
		(*s)++;
	if (!**s)
		return NULL;
	const char *k = *s;
	while (**s && **s != ' ')
		(*s)++;
	*len = (size_t)(*s - k);
	return k;
}

static bool key_means(const char *k, size_t len, int key)
{
	if (len == 1)
		return (unsigned char)k[0] == key;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strlen(key_names[i].name) == len &&
		    memcmp(key_names[i].name, k, len) == 0) {
			for (int j = 0; j < 3 && key_names[i].codes[j]; j++)
				if (key_names[i].codes[j] == key)
					return true;
			return false;
		}
	return false;
}

int tui_key_action(int key)
{
	for (const action_def *d = tui_actions; d->name; d++) {
		const char *s = d->keys, *k;
		size_t len;
		while ((k = next_key(&s, &len)))
			if (key_means(k, len, key))
				return d->id;
	}
	return ACT_NONE;
}

/* ---- the keys as documentation ------------------------------------------ */

static void put_markdown(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* roff text: '-' is a hyphen unless escaped, '\' starts an escape, and a
 * line must not start with '.' or '\''. */
static void put_roff(FILE *out, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			fputs("\\-", out);
		else if (s[i] == '\\')
			fputs("\\e", out);
		else
			fputc(s[i], out);
	}
}

int st_ui_help_keys(FILE *out, const char *format)
{
	bool md = strcmp(format, "markdown") == 0;
	if (!md && strcmp(format, "man") != 0)
		return -1;
	if (md)
		fputs("| keys | action |\n|---|---|\n", out);
	for (const action_def *d = tui_actions; d->name; d++) {
		const char *s = d->keys, *k;
		size_t len;
		fputs(md ? "|" : ".TP\n.B ", out);
		for (bool first = true; (k = next_key(&s, &len)); first = false) {
			if (md) {
				fprintf(out, " `%.*s`", (int)len, k);
			} else {
				if (!first)
					fputs(", ", out);
				put_roff(out, k, len);
			}
		}
		if (md) {
			fputs(" | ", out);
			put_markdown(out, d->help);
			fputs(" |\n", out);
		} else {
			fputc('\n', out);
			put_roff(out, d->help, strlen(d->help));
			fputc('\n', out);
		}
	}
	return ferror(out) ? -1 : 0;
}
