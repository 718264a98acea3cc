/* tui-tables.h: internals of the Tables view, shared by its files only:
 * tui-tables.c (its state and keys), tui-tables-index.c (which tree nodes
 * belong to which item), tui-tables-rows.c (rows, their children, order
 * and what is visible) and tui-tables-draw.c (the screen and the status
 * line).
 *
 * A table is one tdef and the cases of its row kind: a further table (the
 * generic sets, say) is one more of each.  Rows are made once per model,
 * sorted once per order, children made when a row is first opened and the
 * visible list once per change, never per frame: a whole build has tens of
 * thousands of functions. */
#ifndef STALACTITE_TUI_TABLES_H
#define STALACTITE_TUI_TABLES_H

#include "stalactite/idmap.h"
#include "tui.h"

/* What a row stands for: a model item (E_FN ... E_LABEL: its index in the
 * model's vector), a function's CGU (E_FN_CGU: the pivot tree's function
 * node there) or a diff row (E_DIFF: its index in the diff table dt).  In
 * a diff the index of tree nodes (tb_make_index) is by diff row too. */
enum { E_FN, E_ASYNC, E_PASS, E_CGU, E_CRATE, E_LABEL, E_FN_CGU, E_DIFF };
enum { T_FIND, T_CODEGEN, T_PIVOT };   /* the tree Enter shows a row in */
enum { KF_ALL, KF_ASYNC, KF_CLOSURE, KF_FN, KF_COUNT };

#define NO_COUNT UINT64_MAX

typedef struct ent {
	int64_t f[3];       /* the figures its columns show; a child's f[0] is
	                       its figure where it is (in the pass, the CGU) */
	uint64_t n;         /* its count, or NO_COUNT */
	uint32_t id;
	uint32_t node;      /* the node Enter selects, or ST_NIL: found then */
	uint8_t what, tree, dt;
	/* diff: a child whose figures are its own where it is (a function in
	 * a pass, a CGU of a function): NEW's f[0], BASE's f[1], on which
	 * side it is (dstat, st_diff_status), not its row's in dt */
	uint8_t local, dstat;
} ent;

typedef struct kids {
	ent *v;
	uint32_t n;
	int sorted;         /* the order key they are in, -1 none */
} kids;

/* One table's rows and the state the user gave it. */
typedef struct table {
	bool made;
	ent *top;           /* per model item, in model order */
	uint32_t ntop;
	uint32_t *order;    /* top indices in the current order */
	int sorted;         /* the order key of order, -1 none */
	uint8_t *open;      /* per top row */
	kids *kids;         /* per top row, made when first opened */
	uint8_t *match;     /* per top row: its name matches the search */
	unsigned match_gen; /* a->search_gen + 1 when match was made */
	int sort;
	bool reverse;
	int fig;            /* diff: the figure slot shown (the one sorted by) */
	uint32_t sel_top, sel_kid;   /* the selection: a top row, a child */
	int scroll;
} table;

typedef struct vrow {
	uint32_t top, kid;  /* kid ST_NIL: the top row itself */
	bool match;
} vrow;

typedef struct tb_pairs {
	uint32_t *k, *v;
	uint32_t n, cap;
} tb_pairs;

typedef struct tb_walk {   /* tb_index_step's place in a tree's CGUs */
	bool started;
	uint32_t cr, cu;       /* the crate, the next CGU */
	tb_pairs acc;          /* what the walk found so far */
} tb_walk;

struct tables {
	int cur, kind;
	bool back;          /* opened from the Summary: Esc returns there */
	table t[TB_COUNT];
	vrow *rows;         /* the visible rows of t[cur] */
	uint32_t nrows, cap;
	bool rows_ok;
	struct { int cur, kind; unsigned gen; bool filter; int64_t min_delta; } rows_for;
	int selpos, page;
	row_hits hits;      /* where the last draw put the rows */
	/* made once per model */
	bool indexed, multi_crate;
	uint8_t index_steps;               /* of tb_index_step's, made so far */
	tb_walk walk;
	bool ahead;                        /* rows made once between keys */
	uint32_t nfn;                      /* function items */
	st_idmap fn_of, pass_of, cgu_of;   /* (crate, name), pass, (crate, cgu) */
	uint32_t *fn_at, *fn_nodes;        /* per function: its pivot nodes */
	uint32_t *pass_at, *pass_nodes;    /* per pass name: its codegen nodes */
	uint32_t *cgu_pivot, *cgu_codegen, *cgu_fns;
	uint32_t *own_at, *own_fns;        /* per async fn: its member functions */
	uint32_t *kid_of;   /* scratch for a pass's children, per function */
	/* n and N: per string id (a function's name) and per pivot node (a
	 * CGU's "crate / CGU"), 0 not tested yet, 1 no match, 2 a match; for
	 * the search of memo_gen (a->search_gen + 1) */
	uint8_t *smemo, *cmemo;
	uint32_t smemo_len;
	unsigned memo_gen;
	uint32_t *downer;   /* diff: per function row, its async fn's name */
};

typedef struct tdef {
	const char *tab;       /* in the tab line */
	const char *title;     /* in the status line */
	const char *figs[3];   /* figure column titles (diff: slot names) */
	const char *count;     /* the count column, or NULL */
	const char *kind;      /* the kind column, or NULL */
	const char *name;
	const char *base;      /* what % is a share of */
	int tfig, sfig;        /* the figures t and s sort by */
	int sort0;             /* the model's own order */
	st_diff_table dt;
	int dcount;            /* diff: the count slot, or -1 */
} tdef;

extern const tdef tb_defs[TB_COUNT];              /* tui-tables.c */
extern const char *const tb_kind_names[KF_COUNT];  /* K's names (tui-tables-rows.c) */

#define CHILDREN(t, id, c) \
	for (uint32_t c = (t)->nodes[id].first_child; c != ST_NIL; c = (t)->nodes[c].next_sibling)

static inline bool tb_is_fn_kind(st_kind k)
{
	return k == ST_K_FN || k == ST_K_CLOSURE || k == ST_K_ASYNC_FN ||
	       k == ST_K_ASYNC_BLOCK || k == ST_K_ASYNC_CLOSURE;
}

/* tui-tables.c: the view's state (made on first use), the table shown */
struct tables *tb_st(app *a);
table *tb_cur(app *a);
const tdef *tb_def(app *a);

/* tui-tables-index.c: the lookups, made once per model; of best and id
 * the node with more time (in a diff on either side; best may be ST_NIL);
 * the heaviest node of t with this display name, a crate's or any. */
void tb_make_index(app *a);
/* One step of tb_make_index; true while steps are left. */
bool tb_index_step(app *a);
uint32_t tb_heavier(const app *a, const st_tree *t, uint32_t best, uint32_t id);
uint32_t tb_find_node(const app *a, const st_tree *t, bool crate, uint32_t name);

/* tui-tables-rows.c.  A row: its diff row; table tb's rows (once); its
 * function's kind (ST_K_OTHER: none); whether K lets it show; its name;
 * whether the search matches it; BASE's and NEW's figure of slot; which
 * side it is on; the slot it shows; what it holds whatever the mode
 * (E_FN ... E_LABEL); the children top opens onto (made on first use,
 * sorted as the table) and their dropping; whether it opens; whether a
 * diff's threshold hides it. */
const st_diff_row *tb_drow(const app *a, const ent *e);
void tb_make_table(app *a, int tb);
st_kind tb_ent_fn_kind(const app *a, const ent *e);
bool tb_kind_passes(const app *a, const ent *e);
void tb_ent_name(const app *a, const ent *e, char *buf, size_t cap);
bool tb_ent_matches(const app *a, const ent *e);
void tb_ent_sides(const app *a, const ent *e, int slot, int64_t *base, int64_t *new);
int tb_ent_status(const app *a, const ent *e);
int tb_shown_slot(const app *a, const table *t, const ent *e);
int tb_row_kind(const ent *e);
kids *tb_kids_of(app *a, table *t, uint32_t top);
void tb_drop_kids(table *t, uint32_t top);
bool tb_opens(app *a, table *t, uint32_t top);
bool tb_diff_small(const app *a, const table *t, const ent *e);
/* The visible rows of the table shown (T->rows), made again only after a
 * change, the selection kept; a visible row's entry. */
void tb_make_rows(app *a);
const ent *tb_row_ent(app *a, const vrow *r);

/* tui-tables-draw.c: the view's draw and status hooks */
void tb_draw(app *a, canvas *c, int top, int bottom);
void tb_status(app *a, canvas *c, int y);

#endif
