/* tui.h: internals of the terminal UI, shared by its files only.
 *
 * Every frame is drawn into a canvas of cells in memory; the curses front
 * copies it to the terminal, and the headless mode (STALACTITE_SCRIPT) prints
 * it as text.  View code is therefore identical in both, and most UI tests
 * are "fixture in, screen text out". */
#ifndef STALACTITE_TUI_H
#define STALACTITE_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>
#include "stalactite/diff.h"
#include "stalactite/model.h"
#include "stalactite/search.h"
#include "stalactite/treematch.h"

/* ---- canvas --------------------------------------------------------------- */

typedef enum style {   /* screen elements; the theme maps them to colours */
	S_NORMAL, S_HEADER, S_STATUS, S_SELECTED, S_MATCH, S_ANCESTOR, S_DIM,
	S_BAR, S_BOX, S_BOX_ALT, S_ASYNC, S_CLOSURE, S_PASS, S_ERROR, S_PROMPT,
	S_BOX_ASYNC, S_BOX_CLOSURE, S_BOX_MATCH,
	S_SLOWER, S_FASTER, S_BOX_SLOWER, S_BOX_FASTER,   /* diff mode */
	S_FRONTEND, S_CODEGEN, S_CRITICAL,                /* the Build view */
	S_COUNT
} style;

typedef struct cell {
	wchar_t ch;        /* L'\0' for the right half of a wide character */
	uint8_t st;        /* style */
} cell;

typedef struct canvas {
	cell *cells;
	int w, h;
	bool ascii;        /* no UTF-8: ASCII drawing and escapes */
	uint32_t *hit;     /* per cell: node id under it (mouse), or ST_NIL */
} canvas;

void cv_resize(canvas *c, int w, int h);
void cv_free(canvas *c);
void cv_clear(canvas *c);
void cv_fill(canvas *c, int y, int x0, int x1, wchar_t ch, style st);
/* Writes UTF-8 text at (y, x), never past column xmax; control bytes and
 * invalid UTF-8 are shown as escapes.  Returns the column after the text. */
int cv_text(canvas *c, int y, int x, int xmax, const char *s, style st);
/* Like cv_text but crops with an ellipsis when the text is wider. */
int cv_text_crop(canvas *c, int y, int x, int xmax, const char *s, style st);
/* Like cv_text_crop but cuts in the middle, keeping the end, where a Rust
 * path names its method: the head, an ellipsis and the tail, the last path
 * segment ("::poll", or the argument after a label's space) whole when a
 * head still fits beside it.  With keep0 < keep1 the bytes [keep0, keep1)
 * of s stay visible (a search's match), ellipses around them as needed. */
int cv_text_mid(canvas *c, int y, int x, int xmax, const char *s, size_t keep0,
                size_t keep1, style st);
/* Draws s without its first skip columns (a name scrolled sideways): an
 * ellipsis for what is left of it, and one at the end when more follows. */
int cv_text_from(canvas *c, int y, int x, int xmax, const char *s, int skip, style st);
/* Display columns of UTF-8 text as cv_text would draw it. */
int cv_width(const canvas *c, const char *s);
void cv_restyle(canvas *c, int y, int x0, int x1, style st);
void cv_set_hit(canvas *c, int y, int x0, int x1, uint32_t node);
/* Prints the canvas as text lines (trailing spaces removed). */
void cv_dump(const canvas *c, FILE *f);

/* ---- application state ---------------------------------------------------- */

/* What a handler changed, and so what the loop redraws: nothing, the
 * status line, the view under the header (and the status line), or the
 * whole screen.  Bits: each level includes the ones below it.  R_KEPT: the
 * key was handled and changed nothing (a shape's key handler says so, as
 * R_NONE there means "not my key"). */
typedef enum redraw { R_NONE = 0, R_STATUS = 1, R_VIEW = 3, R_ALL = 7, R_KEPT = 8 } redraw;

typedef struct app app;
typedef struct tview tview;

/* A shape a tree view is drawn in: the ncdu-style table or the icicle.
 * key handles the keys whose meaning depends on the shape (moving, folding)
 * and returns R_NONE for the others, which tview code handles alike. */
typedef struct shape_ops {
	const char *name;
	void (*draw)(app *a, tview *v, canvas *c, int top, int bottom);
	redraw (*key)(app *a, tview *v, int act);
	/* the node drawn at (y, x) in the last frame, or ST_NIL (the mouse),
	 * and in *cut the lump's cut when it is an icicle's lump (else 0) */
	uint32_t (*at)(const tview *v, const canvas *c, int y, int x, uint64_t *cut);
} shape_ops;

extern const shape_ops tui_shape_table, tui_shape_icicle;

/* A table's figure columns: the plain ones, or a diff's base / new / change
 * (tui-diff.c).  header draws the heading row and returns where names
 * start; row draws one node's figures. */
typedef struct columns_ops {
	int (*header)(app *a, tview *v, canvas *c, int y);
	void (*row)(app *a, tview *v, canvas *c, int y, uint32_t id);
} columns_ops;

extern const columns_ops tui_columns_diff;

/* Per-tree view state: expansion, zoom, selection, order, search. */
struct tview {
	const st_tree *tree;
	const shape_ops *shape;
	uint8_t *collapsed;      /* per node: 1 when the user collapsed it */
	uint8_t *expanded;       /* per node: 1 when open in the table; change it
	                            with tui_tview_expand, which keeps the counts */
	uint32_t zoom[64];       /* zoom stack; zoom[nzoom-1] is the top */
	int nzoom;
	uint32_t sel;
	/* the icicle's lumps (tui-icicle.c): a level of the zoom that is a
	 * lump shows its node's children below zoom_cut[level] in time; the
	 * selection is the lump of sel's children below sel_cut; 0: none */
	uint64_t zoom_cut[64];
	uint64_t sel_cut;
	int scroll;              /* first table row shown */
	int sort;                /* SORT_* */
	bool reverse;
	/* search (tui-tview.c) */
	st_tree_match match;     /* flags per node, when searching */
	st_tree_match_job *job;  /* the next match set, made in slices */
	uint8_t *spare;          /* a flags buffer for the next job */
	bool match_stale;        /* the search changed since match was made */
	bool filt_stale;         /* the filter was switched since filt was made */
	bool filtered;           /* the filter applies to the match set shown */
	uint64_t *filt;          /* per node: matched total (filter on), or NULL;
	                            read through tui_value, which fills it */
	uint32_t *fgen;          /* per node: filt_gen when filt was made */
	uint32_t filt_gen, filt_work;   /* filt_work: nodes its walks looked at */
	bool filt_all;           /* every node's filt is made */
	struct { bool ok; uint32_t top, count; uint64_t total; int64_t self; }
	    within;              /* the matches' figures in the zoom, once per match */
	/* display order (tui-tview.c) and the table's rows (tui-table.c) */
	struct kids_slot *kids;  /* sorted visible children, cached per node */
	unsigned order_gen;      /* bumped when the order or what is visible changes */
	uint32_t *below;         /* per node: the rows under it when it is open */
	uint32_t *bgen;          /* per node: count_gen when below was counted */
	uint32_t below_len;      /* nodes below was made for */
	uint32_t count_gen;
	bool count_all;          /* every node's below is counted */
	bool count_big;          /* much of the tree is open: count it all */
	bool rows_ok;            /* below is valid; false: count again (and the
	                            order may have changed) */
	uint8_t warm;            /* per-node arrays faulted in (bits: below, bgen,
	                            filt, fgen), and how far each is */
	size_t warm_at[4];
	uint32_t *shown;         /* table: the nodes drawn in the last frame */
	int nshown;
	int top;                 /* table: screen row of shown[0] */
	/* diff mode (tui-diff.c) */
	int fig;                 /* FIG_*: the figure a diff table shows */
	uint64_t *bfilt;         /* per node: BASE's matched total (filter on) */
	uint64_t *dmax;          /* per node: largest |change| in its subtree */
	int dmax_fig;            /* the figure dmax was made for */
	uint64_t mbase_total;    /* BASE's figures of the matches */
	int64_t mbase_self;
};

enum { SORT_TOTAL, SORT_SELF, SORT_COUNT, SORT_NAME, SORT_DELTA, SORT_ABS_DELTA };
enum { FIG_TOTAL, FIG_SELF, FIG_COUNT };

/* A tree merged by label alone (m: treemerge.h), made from one of the
 * model's trees when first shown: the stack tree, or a codegen tree merged
 * across crates and CGUs too. */
#define NTREES 6   /* the model's trees, and each merged by label */

typedef struct merged_tree {
	st_tree tree;
	uint32_t *from;          /* per node of the source: its merged node */
	st_diff_node *base;      /* diff: BASE's figures per merged node */
	bool made;
	struct st_tree_merge_job *job;   /* being made between keys */
} merged_tree;

typedef enum view_id {
	V_ICICLE, V_TREE, V_CODEGEN, V_SUMMARY, V_BUILD, V_TABLES, V_HELP, V_COUNT
} view_id;

/* A view: one entry of tui_views, which the loop, the header's tabs and
 * the status line go through. */
typedef struct view_ops {
	const char *name;
	void (*draw)(app *a, canvas *c, int top, int bottom);
	redraw (*action)(app *a, int act);      /* returns what changed */
	void (*status)(app *a, canvas *c, int y);
	/* the search pattern changed (a->re); NULL: nothing of its own to do */
	void (*search)(app *a);
	/* the tree view state it shows; NULL for views of no tree */
	tview *(*tview)(app *a);
	/* offered only when it has something to show; NULL: always */
	bool (*available)(const app *a);
	/* a click (MOUSE_CLICK, MOUSE_DOUBLE) on cell (y, x); NULL: ignored */
	redraw (*click)(app *a, canvas *c, int y, int x, int what);
} view_ops;

/* Where a list view drew its rows, for clicks: screen row y0 shows row
 * first, then n rows in all (set by each draw). */
typedef struct row_hits { int y0, first, n; } row_hits;
/* The row drawn at screen row y, or -1. */
static inline int tui_row_at(const row_hits *h, int y)
{
	return y >= h->y0 && y < h->y0 + h->n ? h->first + (y - h->y0) : -1;
}

extern const view_ops *const tui_views[V_COUNT];

/* Actions: one table (tui-actions.c) with names, keys and help text. */
enum action {
	ACT_NONE, ACT_QUIT, ACT_HELP, ACT_NEXT_VIEW, ACT_VIEW1, ACT_VIEW2, ACT_VIEW3, ACT_VIEW4,
	ACT_UP, ACT_DOWN, ACT_LEFT, ACT_RIGHT, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
	ACT_ZOOM, ACT_UNZOOM, ACT_TOGGLE, ACT_EXPAND_ALL, ACT_COLLAPSE_ALL,
	ACT_SORT_TOTAL, ACT_SORT_SELF, ACT_SORT_COUNT, ACT_SORT_NAME,
	ACT_SORT_DELTA, ACT_SORT_ABS_DELTA, ACT_MIN_DELTA,
	ACT_DETAIL, ACT_PIVOT, ACT_SHAPE,
	ACT_SEARCH, ACT_NEXT_MATCH, ACT_PREV_MATCH, ACT_FILTER, ACT_CLEAR, ACT_BREAKDOWN,
	ACT_RAW, ACT_VIEW5, ACT_SORT_START, ACT_SORT_DURATION, ACT_CRITICAL_ONLY,
	ACT_VIEW6, ACT_NEXT_TABLE, ACT_PREV_TABLE, ACT_KIND_FILTER,
	ACT_MERGE,
	ACT_ELIDE, ACT_SCROLL_LEFT, ACT_SCROLL_RIGHT, ACT_TIME_IN, ACT_TIME_OUT,
	ACT_COUNT_ACTIONS
};

/* Mouse events (tui.c), from the terminal or a key script. */
enum { MOUSE_CLICK, MOUSE_DOUBLE, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };

typedef struct action_def {
	int id;
	const char *name;
	const char *keys;        /* as shown in help */
	const char *help;
} action_def;

extern const action_def tui_actions[];
/* The action bound to a key code (curses KEY_* or a character). */
int tui_key_action(int key);

/* The search prompt's line and history (tui-prompt.c). */
#define PROMPT_HISTORY 16
typedef struct prompt {
	char buf[512];           /* the line being edited */
	size_t cur;              /* the cursor: a byte offset on a UTF-8 boundary */
	bool edited;             /* the line was changed since / opened it */
	char saved[512];         /* the search active when / opened, for Esc */
	bool saved_filter;
	uint32_t saved_sel;      /* and the current tree view's selection */
	int saved_scroll;
	char history[PROMPT_HISTORY][512];
	int nhistory, hist_pos;  /* hist_pos == nhistory: the line being typed */
	char draft[512];         /* the line being typed, while Up shows history */
} prompt;

struct app {
	st_model *m;             /* with a diff: d->m, the merged model */
	st_diff *diff;           /* --diff BASE NEW, else NULL; owns m */
	const char *diff_paths[2];
	int64_t min_delta;       /* diff rows changed less are hidden (H) */
	bool ascii, mono, headless;
	const columns_ops *cols;  /* the tables' figure columns */
	view_id view, prev_view;
	tview tv[4];             /* icicle, tree (stack); codegen, pivot */
	bool pivot;              /* codegen view shows function before pass */
	/* m: the icicle, tree and codegen views show their tree merged by
	 * label; the merged trees (stack, codegen, pivot) and a tview over
	 * them for each of tv, made when first shown */
	bool merged[3];
	merged_tree mtree[3];
	tview mtv[4];
	bool mtv_made[4];
	bool detail;             /* detail pane */
	int summary_sel, summary_scroll, summary_rows;
	row_hits summary_hits;
	struct { int view; const st_tree *tree; uint32_t node; } *summary_targets;
	int help_scroll;
	/* search */
	st_regex *re;
	/* per tree: stack, codegen, pivot, then their merged trees */
	st_match_cache *cache[NTREES];
	uint32_t *parents[NTREES];  /* each node's parent, compact */
	uint32_t parents_len[NTREES];   /* how many are filled in */
	size_t parents_size[NTREES];    /* bytes mapped for it */
	uint32_t *names[NTREES];    /* name and arg of each node, compact, for
	                               the search of trees over a slice */
	size_t names_size[NTREES];
	char pattern[512];
	unsigned search_gen;        /* counts changes of the search */
	char err[256];
	bool raw, filter, searching;
	int breakdown;              /* 0 off, else 1 + st_breakdown_key */
	prompt prompt;              /* the search prompt (tui-prompt.c) */
	char message[256];          /* one-line notice in the status line */
	struct {                    /* the Build view (tui-build.c) */
		uint32_t sel;           /* selected unit: m->timings.units index */
		int scroll, page, sort;
		bool reverse, critical; /* critical: the critical path only */
		uint32_t *rows, nrows;  /* units shown, in order; made on draw */
		row_hits hits;
		int zoom;               /* the timeline shows the wall time / 2^zoom */
	} build;
	struct tables *tables;      /* the Tables view (tui-tables.c), made when shown */
	/* names (tui-name.c) */
	int elide;                  /* ELIDE_*, cycled by v */
	int hscroll;                /* columns the selected name is scrolled by */
	uint64_t hscroll_key;       /* whose name that is: a new one starts at 0 */
	int hscroll_max, hscroll_step;  /* as far as it goes, and a step: from the last frame */
	int w, h;
	unsigned long frames;       /* drawn so far (tests count them) */
	struct { int x, y, what; } script_mouse;   /* a key script's mouse event */
};

/* tui-name.c: names fitted into their columns.  Elision levels of generic
 * arguments: only as far as a name does not fit (innermost first), always
 * the innermost lists, always all of them. */
enum { ELIDE_FIT, ELIDE_INNER, ELIDE_ALL, ELIDE_LEVELS };
redraw tui_name_cycle_elision(app *a);
/* The selected name scrolled sideways by half its column (dir -1 or 1). */
redraw tui_name_scroll(app *a, int dir);
/* Draws name in [x, xmax): elided as a->elide says, then cut in the middle
 * (cv_text_mid), the bytes [k0, k1) kept visible (k0 == k1: none).  A
 * nonzero scroll_key marks the selected name (it names view and node):
 * it is the one a->hscroll scrolls.  Returns the column after the name. */
int tui_draw_name(app *a, canvas *c, int y, int x, int xmax, const char *name,
                  size_t k0, size_t k1, uint64_t scroll_key, style st);
/* Where the search matches s, to keep visible: the last match outside
 * generic arguments, else the first; false when none (or no search). */
bool tui_match_span(app *a, const char *s, size_t *k0, size_t *k1);
/* Where the search matched in a node's label (as tui_node_label made it,
 * perhaps with a prefix): the bytes [*k0, *k1); false when it did not. */
bool tui_label_match(app *a, const st_tree *t, uint32_t id, const char *label,
                     size_t *k0, size_t *k1);
/* tui_draw_name for a node of v: its match kept when it is one. */
int tui_draw_label(app *a, tview *v, canvas *c, int y, int x, int xmax, uint32_t id,
                   const char *label, uint64_t scroll_key, style st);

extern const view_ops tui_view_icicle, tui_view_tree, tui_view_codegen,
	tui_view_summary, tui_view_build, tui_view_tables, tui_view_help;

/* tui-tview.c: state and keys the tree views share, whatever their shape */
tview *tui_cur_tview(app *a);             /* NULL when the view shows no tree */
const st_tree *tui_codegen_tree(const app *a);
void tui_tview_init(tview *v, const st_tree *t, const shape_ops *shape);
void tui_tview_free(tview *v);
void tui_tview_select(app *a, tview *v, uint32_t node);
/* Shows view with node of src selected (src: a model tree, or the merged
 * tree the view shows; a node of a model tree goes to the node it merged
 * into when the view shows that tree merged).  Returns the view's state. */
tview *tui_show_node(app *a, view_id view, const st_tree *src, uint32_t node);
void tui_search_apply(app *a);            /* the pattern changed */
/* tui-search.c: brings v's match set up to date with the search (wait:
 * now, not in slices between keys); n and N from v's selection. */
void tui_refresh_match(app *a, tview *v, bool wait);
void tui_next_match(app *a, tview *v, bool backwards);
/* What to add to "no matches" in v: the stack tree keys an LLVM pass by
 * its label alone, so a search for a function finds it in Codegen only. */
const char *tui_no_match_hint(const app *a, const tview *v);
/* tui-merge.c: the merged twin of tv[i], made on first use; m in the view
 * shown (the selection and zoom go to what they merged into, or back). */
tview *tui_twin(app *a, int i);
/* The view state m would show next from the view on screen, made when
 * its merged tree is (between keys, so that its arrays can be faulted in
 * before the key); NULL when there is none yet or the view is merged. */
tview *tui_twin_ahead(app *a);
/* The table shape's per-node arrays of v, allocated for its tree. */
void tui_table_arrays(tview *v);
redraw tui_toggle_merge(app *a);
/* The tree view states that exist (tv, and the merged ones made so far)
 * into out; returns how many. */
int tui_tviews(app *a, tview *out[8]);
/* The merged tree of a model tree (m->stack, codegen or pivot), made on
 * first use; whether t is one of the merged trees. */
merged_tree *tui_merged_of(app *a, const st_tree *src);
bool tui_is_merged(const app *a, const st_tree *t);
/* BASE's figures of node id of t (a model tree or a merged one). */
const st_diff_node *tui_diff_base(const app *a, const st_tree *t, uint32_t id);
void tui_free_merged(app *a);
/* The merged twin of the tree on screen, made between keys before m asks
 * for it: whether some is left to make, and one slice of it. */
bool tui_merge_pending(app *a);
void tui_merge_step(app *a);
/* Leaving view from for view to: when both show one tree (Icicle and
 * Tree), to takes over from's selection and folds. */
void tui_tview_carry(app *a, view_id from, view_id to);
void tui_node_label(app *a, const st_tree *t, uint32_t id, char *buf, size_t cap);
/* A node's time as the view ranks it (its matches' alone with the filter
 * on), whether the view shows it, the style of its kind. */
uint64_t tui_value(const app *a, const tview *v, uint32_t id);
/* Self time as the Tree shows it (0 for what only leads to matches, filtered). */
int64_t tui_self(const app *a, const tview *v, uint32_t id);
bool tui_visible(const app *a, const tview *v, uint32_t id);
style tui_kind_style(const app *a, const st_tree *t, uint32_t id);
/* The visible children of id with at least min_value of time, in display
 * order; *n set; the caller frees. */
uint32_t *tui_children(app *a, tview *v, uint32_t id, uint64_t min_value,
                       uint32_t *n);
/* The visible children below cut in time: their sum, count, and whether
 * one matches the search or holds a match (an icicle's lump). */
typedef struct tui_lump {
	uint64_t cut, sum;
	uint32_t n;
	bool match;
} tui_lump;
/* tui_children that also fills *lump (lump->cut set by the caller) in the
 * same walk. */
uint32_t *tui_children_lump(app *a, tview *v, uint32_t id, uint64_t min_value,
                            tui_lump *lump, uint32_t *n);
/* The same for min_value 0, cached: valid until the next call. */
const uint32_t *tui_sorted_children(app *a, tview *v, uint32_t id, uint32_t *n);
/* The order of children changed (a sort): drops the cached orders. */
void tui_tview_reorder(tview *v);
/* What is visible changed: the rows are counted again, the orders dropped. */
void tui_tview_invalidate(tview *v);
/* The filter was switched on or off (the matches stay). */
void tui_search_refilter(app *a);
/* Work done between keys, a slice (a few ms) at a time: searches of large
 * trees, then caches of the tree on screen.  Whether a search is under
 * way, whether any work is; a slice returns R_VIEW when the view on screen
 * got its new matches. */
bool tui_search_busy(const app *a);
bool tui_background_pending(const app *a);
redraw tui_background_step(app *a);
/* The matches' figures within the zoom (made once per match and zoom). */
void tui_match_within(tview *v, uint64_t *total, int64_t *self, uint32_t *count);
/* Each node's parent in a compact array, made once per tree, for passes
 * over every node (5x less memory to stream than the nodes themselves);
 * NULL for a tree whose parent ids do not all precede their children's. */
const uint32_t *tui_tree_parents(app *a, const st_tree *t);
/* Frees the match caches and parent arrays. */
void tui_search_free(app *a);

/* tui-prompt.c: the search prompt.  set_pattern searches for pat (empty:
 * no search); prompt_key edits the line and says what to redraw. */
void tui_set_pattern(app *a, const char *pat);
void tui_prompt_open(app *a);
redraw tui_prompt_key(app *a, int key);
void tui_prompt_draw(app *a, canvas *c, int y);

/* tui-table.c: where a table's selection is: its row (from 0) and the
 * rows there are, once counted; false when it shows no row */
bool tui_table_position(app *a, tview *v, long *row, uint32_t *total);
/* tui-table.c: the plain figure columns */
extern const columns_ops tui_columns_plain;
/* Columns a table keeps for names at width w; figures get the rest. */
int tui_name_room(int w);
/* Opens or closes id in the table, keeping the rows' counts; and id with
 * everything below it, in both shapes (e, E). */
void tui_tview_expand(app *a, tview *v, uint32_t id, bool open);
void tui_tview_expand_all(app *a, tview *v, uint32_t id, bool open);

/* The node a tree view is zoomed into; whether it shows a search. */
static inline uint32_t tui_zoom_root(const tview *v)
{
	return v->zoom[v->nzoom - 1];
}

static inline bool tui_searching(const tview *v)
{
	return v->match.flags != NULL;
}

/* tui-icicle.c: the selected lump's status line and crumb; false (nothing
 * drawn) when no lump is selected */
bool tui_icicle_lump_status(app *a, tview *v, canvas *c, int y);
bool tui_icicle_lump_crumb(app *a, tview *v, char *buf, size_t cap);

/* tui-status.c */
void tui_status_line(app *a, canvas *c, int y);   /* the message, or the view's */
void tui_tview_status(app *a, canvas *c, int y);  /* the tree views' */
void tui_totals_line(app *a, canvas *c, int y);   /* the build's totals */
void tui_breadcrumbs(app *a, tview *v, canvas *c, int y);   /* path to the selection */
int tui_draw_detail(app *a, tview *v, canvas *c, int bottom);  /* returns its top row */

/* tui-term.c: the terminal.  start takes it (mono set when it has no
 * colours; mouse: report the mouse), end gives it back for good, restore
 * gives it back (also the cleanup hook of st_fatal and atexit); a key (0:
 * none in time, -1: a signal ended the viewer; wait: up to the timeout
 * that lets signals be noticed); the signal that ended it, or 0; its size;
 * the mouse event a KEY_MOUSE brought (MOUSE_*), false when none. */
void tui_term_start(app *a, bool mouse);
void tui_term_end(void);
void tui_term_restore(void);
void tui_term_blit(app *a, const canvas *c);
int tui_term_read_key(bool wait);
int tui_term_signal(void);
void tui_term_size(int *w, int *h);
bool tui_term_mouse(int *y, int *x, int *what);

/* tui-script.c: a key script being replayed, its screens printed to out
 * (NULL: nowhere).  The next key (KEY_MOUSE for a mouse event, put in
 * a->script_mouse; KEY_RESIZE after resizing a and c); 0 and *dump for
 * <dump>, 0 for what is no key; -1 at the end. */
typedef struct script {
	const char *p;
	FILE *out;
} script;
int tui_script_key(script *s, app *a, canvas *c, bool *dump);

/* tui-breakdown.c: the b overlay over the view drawn in c */
void tui_draw_breakdown(app *a, canvas *c);

/* tui.c: the views' states made for a's model, and everything freed (the
 * model or diff too); the loop on the terminal or a script (sc), true
 * when the quit key ended it. */
void tui_app_init(app *a);
void tui_app_free(app *a);
bool tui_run(app *a, canvas *c, script *sc);

/* tui.c: replays a key script headlessly on a loaded model (which it then
 * owns and frees), calling on_key with the milliseconds each key took from
 * reading it to a finished frame.  For the latency benchmark. */
void tui_replay(st_model *m, const char *keys, int w, int h,
                void (*on_key)(void *ctx, double ms), void *ctx);
/* The same, with on_settle called after a key whose search was made in
 * slices: the milliseconds from the key to the frame with its matches. */
void tui_replay_settled(st_model *m, const char *keys, int w, int h,
                        void (*on_key)(void *ctx, double ms),
                        void (*on_settle)(void *ctx, double ms), void *ctx);

/* tui-summary.c */
void tui_summary_free(app *a);

/* tui-build.c: the Build view is offered only when cargo timings are loaded. */
bool tui_build_loaded(const app *a);
void tui_build_free(app *a);

/* tui-tables.c: the Tables view, one whole ranked table at a time.  Open
 * shows table tb (TB_*) with its row for model item (the index in the
 * model's vector, a diff's row index), or ST_NIL, selected and opened. */
enum { TB_FUNCTIONS, TB_ASYNC, TB_PASSES, TB_CGUS, TB_CRATES, TB_LABELS, TB_COUNT };
redraw tui_tables_open(app *a, int tb, uint32_t item);
void tui_tables_free(app *a);
/* Between keys: the Tables' lookups and first rows, made a step at a
 * time before 6 asks for them (once per model). */
bool tui_tables_ahead_pending(app *a);
void tui_tables_ahead_step(app *a);

/* tui-diff.c: diff mode in the tree views.  Figures of node id: BASE's and
 * NEW's of fig (FIG_TOTAL is the matched time with the filter on). */
void tui_diff_fig(const app *a, const tview *v, uint32_t id, int fig,
                  int64_t *base, int64_t *new);
/* "base new delta %" columns (base left out without with_base), right-
 * aligned; *span is the byte offset of the delta, whose style is returned. */
style tui_diff_cols(char *out, size_t cap, int64_t base, int64_t new, bool count,
                    bool with_base, bool ascii, size_t *span);
/* "base -> new (delta, %)" of a figure (count: not a time). */
void tui_diff_both(char *buf, size_t cap, int64_t base, int64_t new, bool count, bool ascii);
int tui_diff_cmp(const app *a, const tview *v, uint32_t x, uint32_t y);
void tui_diff_prepare(app *a, tview *v);  /* before rows are made */
bool tui_diff_visible(const app *a, const tview *v, uint32_t id);
int tui_diff_mark(app *a, tview *v, canvas *c, int y, int x, uint32_t id);
style tui_diff_box_style(const app *a, const tview *v, uint32_t id, int shade);
style tui_diff_sliver_style(const app *a, const tview *v, uint32_t id);
void tui_diff_box_label(const app *a, const tview *v, uint32_t id, char *label,
                        size_t cap);
void tui_diff_match(app *a, tview *v);   /* after the match set changed */
/* The tree views' status line in a diff, from column x0. */
void tui_diff_status(app *a, tview *v, canvas *c, int y, int x0);
redraw tui_diff_cycle_threshold(app *a);
void tui_diff_fmt_threshold(char *buf, size_t cap, int64_t ns, bool ascii);

#endif
