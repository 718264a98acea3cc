/* treematch.c: the match set of a tree, its figures and breakdowns.
 *
 * Strings: a node is searched by its name and its identifying argument.  By
 * default both are mapped to their normalised display form
 * (st_model_display) first; with raw matching they are used as the file
 * wrote them, and a name that is only the normalised form of the node's
 * argument (codegen and pivot trees keep the display name of a CGU or
 * function in `name` and the raw spelling in `arg`) is not searched, so raw
 * matching never sees normalised text.  Every distinct string is matched at
 * most once per cache: the cache holds one state byte per strtab id, and in
 * normalised mode the answer for a display string is also stored under each
 * raw id that maps to it, so a warm node test is two byte loads.
 *
 * Order: st_tree_add only appends, and a node is created under a parent
 * that already exists, so parent id < child id in every tree the builder
 * makes (even where siblings are not contiguous, as in the codegen trees).
 * One forward pass over the array therefore sees each parent before its
 * children; it is checked as we go, and a tree that breaks the rule falls
 * back to an explicit pre-order walk.  Ancestor flags are set by climbing
 * from each match until an already marked node, which is linear overall and
 * needs no order.
 *
 * Node 0 (the whole build) never matches: it has no name of its own.
 *
 * Measured (bench/bench-search, 1.2M-node trees, 2 shared cores): about
 * 10 ms per search, cache creation and regex matching included; the sliced
 * form (st_tree_match_step) is for trees several times larger. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/idmap.h"
#include "stalactite/treematch.h"

struct st_match_cache {
	const st_model *m;
	const st_regex *re;
	uint8_t *state;      /* strtab id -> 0 unknown, 1 no, 2 yes */
	uint32_t len;
	bool raw;
	char *pat;           /* the pattern the answers are for, or NULL */
};

static char *pattern_copy(const st_regex *re)
{
	const char *p = re ? st_regex_pattern(re) : NULL;
	return p ? strdup(p) : NULL;
}

st_match_cache *st_match_cache_new(const st_model *m, const st_regex *re,
                                   bool raw)
{
	st_match_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->m = m;
	c->re = re;
	c->raw = raw;
	c->len = st_strtab_count(m->strs);
	c->state = calloc(c->len ? c->len : 1, 1);
	if (!c->state) {
		free(c);
		return NULL;
	}
	c->pat = pattern_copy(re);
	return c;
}

/* A pattern that matches only its own text: no character PCRE2 reads as
 * an operator. */
static bool plain(const char *p)
{
	return p && !p[strcspn(p, "\\^$.|?*+()[]{}")];
}

/* What the answers for pattern from say about pattern to (both plain):
 * when to holds from, every name to matches also matches from, whatever
 * the smart case (an upper-case letter of from is in to too), so a "no"
 * stays a "no" (1); when from holds to, a "yes" stays a "yes" (2); both
 * when equal (3); 0 when neither. */
static int kept_answers(const char *from, const char *to)
{
	if (!plain(from) || !plain(to))
		return 0;
	return (strstr(to, from) ? 1 : 0) | (strstr(from, to) ? 2 : 0);
}

void st_match_cache_reset(st_match_cache *c, const st_regex *re, bool raw)
{
	size_t n = c->len ? c->len : 1;
	char *pat = pattern_copy(re);
	int keep = raw == c->raw && pat ? kept_answers(c->pat, pat) : 0;
	/* typing or erasing a letter of a plain pattern: only the answers
	 * that may change are asked again (on 120 000 names, the regular
	 * expression costs a few ms a key) */
	if (keep == 1)
		for (size_t i = 0; i < n; i++)
			c->state[i] = c->state[i] == 1;
	else if (keep == 2)
		for (size_t i = 0; i < n; i++)
			c->state[i] = c->state[i] == 2 ? 2 : 0;
	else if (keep == 0)
		memset(c->state, 0, n);
	free(c->pat);
	c->pat = pat;
	c->re = re;
	c->raw = raw;
}

uint32_t st_match_cache_known(const st_match_cache *c)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < c->len; i++)
		k += c->state[i] != 0;
	return k;
}

void st_match_cache_free(st_match_cache *c)
{
	if (!c)
		return;
	free(c->pat);
	free(c->state);
	free(c);
}

static bool match_str(const st_match_cache *c, uint32_t id)
{
	return st_regex_match(c->re, st_model_str(c->m, id),
	                      st_strlen(c->m->strs, id));
}

/* Whether string id matches: in normalised mode its display form is
 * matched (once per display id) and the answer is also remembered under
 * the raw id, so the node pass needs no display lookup once warm. */
static bool test_slow(st_match_cache *c, uint32_t id)
{
	if (c->raw) {
		bool r = match_str(c, id);
		if (id < c->len)
			c->state[id] = r ? 2 : 1;
		return r;
	}
	uint32_t d = st_model_display(c->m, id);
	bool r;
	if (d < c->len && c->state[d])
		r = c->state[d] == 2;
	else {
		r = match_str(c, d);
		if (d < c->len)
			c->state[d] = r ? 2 : 1;
	}
	if (id < c->len)
		c->state[id] = r ? 2 : 1;
	return r;
}

static inline bool test_id(st_match_cache *c, uint32_t id)
{
	if (id < c->len && c->state[id])
		return c->state[id] == 2;
	return test_slow(c, id);
}

bool st_match_cache_test(st_match_cache *c, uint32_t strid)
{
	if (strid == ST_NOSTR)
		return false;
	return test_id(c, strid);
}

/* Whether a node matches through its name or its argument (name is arg
 * normalised: raw matching tests only arg). */
static inline bool names_match(st_match_cache *c, uint32_t name, uint32_t arg)
{
	if (c->raw && arg != ST_NOSTR && arg != name &&
	    st_model_display(c->m, arg) == name)
		return test_id(c, arg);
	return test_id(c, name) || (arg != ST_NOSTR && test_id(c, arg));
}

static inline bool node_matches(st_match_cache *c, const st_node *n)
{
	return names_match(c, n->name, n->arg);
}

/* ---- computing, whole or in slices ----------------------------------------- */

struct st_tree_match_job {
	const st_tree *t;
	st_match_cache *c;
	const uint32_t *parent, *names;   /* compact columns, or NULL */
	uint32_t *hits;      /* with them: the matches of one step */
	uint32_t hits_cap;
	uint8_t *flags;
	uint32_t next;       /* next node of the current phase */
	uint8_t phase;       /* 0 forward, 1 ancestors, 2 done */
	uint32_t count;
	uint64_t total;
	int64_t self;
};

st_tree_match_job *st_tree_match_begin_into(const st_model *m, const st_tree *t,
                                            st_match_cache *c, uint8_t *flags)
{
	(void)m;
	st_tree_match_job *j = calloc(1, sizeof *j);
	if (!j) {
		free(flags);
		return NULL;
	}
	/* no clearing needed: the forward pass writes every node's flags */
	j->flags = flags ? flags : malloc(t->len ? t->len : 1);
	if (!j->flags) {
		free(j);
		return NULL;
	}
	j->flags[0] = 0;
	j->t = t;
	j->c = c;
	j->next = 1;   /* node 0, the whole build, never matches */
	return j;
}

st_tree_match_job *st_tree_match_begin(const st_model *m, const st_tree *t,
                                       st_match_cache *c)
{
	return st_tree_match_begin_into(m, t, c, NULL);
}

uint8_t *st_tree_match_job_cancel(st_tree_match_job *j)
{
	if (!j)
		return NULL;
	uint8_t *flags = j->flags;
	free(j->hits);
	free(j);
	return flags;
}

void st_tree_match_use_columns(st_tree_match_job *j, const uint32_t *parent,
                               const uint32_t *names)
{
	j->parent = parent;
	j->names = names;
}

/* Room for a step's matches, made on its first step (the budget is known
 * then); false when there is none (the step then reads the nodes). */
static bool hits_room(st_tree_match_job *j, uint32_t budget)
{
	if (j->hits_cap >= budget)
		return true;
	uint32_t cap = budget < j->t->len ? budget : j->t->len;
	uint32_t *h = realloc(j->hits, (size_t)cap * sizeof *h + 1);
	if (!h)
		return false;
	j->hits = h;
	j->hits_cap = cap;
	return true;
}

void st_tree_match_job_free(st_tree_match_job *j)
{
	free(st_tree_match_job_cancel(j));
}

/* The forward pass in pre-order, for a tree whose parent ids do not all
 * precede their children's; done in one go (the builder never makes one). */
static void forward_preorder(st_tree_match_job *j)
{
	const st_tree *t = j->t;
	uint8_t *flags = j->flags;
	memset(flags, 0, t->len);
	j->count = 0;
	j->total = 0;
	j->self = 0;
	for (uint32_t i = st_tree_next_preorder(t, 0, 0); i != ST_NIL;
	     i = st_tree_next_preorder(t, 0, i)) {
		const st_node *n = &t->nodes[i];
		uint8_t f = (flags[n->parent] & (ST_TM_MATCH | ST_TM_INSIDE))
		                ? ST_TM_INSIDE : 0;
		if (node_matches(j->c, n)) {
			f |= ST_TM_MATCH;
			j->count++;
			j->self += n->self_ns;
			if (!(f & ST_TM_INSIDE))
				j->total += n->total_ns;
		}
		flags[i] = f;
	}
}

#define FLAG_AHEAD 16
#define HIT_AHEAD 16

bool st_tree_match_step(st_tree_match_job *j, uint32_t budget,
                        st_tree_match *tm)
{
	const st_node *nodes = j->t->nodes;
	uint8_t *flags = j->flags;
	uint32_t len = j->t->len;
	if (j->phase == 2)
		return true;
	if (!budget)
		budget = 1;
	if (j->phase == 0) {
		/* locals, since flags (uint8_t) may alias anything */
		uint32_t count = j->count, id = j->next, start = id;
		uint64_t total = j->total;
		int64_t self = j->self;
		uint32_t stop = len - id > budget ? id + budget : len;
		if (j->names && hits_room(j, stop - id)) {   /* the same from the columns */
			const uint32_t *par = j->parent, *nm = j->names;
			uint32_t nhits = 0;
			for (; id < stop; id++) {
				uint32_t p = par[id];
				if (p >= id)
					break;
				if (id + FLAG_AHEAD < stop)
					__builtin_prefetch(&flags[par[id + FLAG_AHEAD]]);
				uint8_t f = (flags[p] & (ST_TM_MATCH | ST_TM_INSIDE))
				                ? ST_TM_INSIDE : 0;
				if (names_match(j->c, nm[2 * id], nm[2 * id + 1])) {
					f |= ST_TM_MATCH;
					j->hits[nhits++] = id;
				}
				flags[id] = f;
			}
			/* the matches' figures after the pass, their nodes fetched
			 * ahead: read as they were found, each sparse match was a
			 * cache miss of its own (120 000 of them: 12 ms) */
			count += nhits;
			for (uint32_t k = 0; k < nhits; k++) {
				if (k + HIT_AHEAD < nhits)
					__builtin_prefetch(&nodes[j->hits[k + HIT_AHEAD]]);
				const st_node *n = &nodes[j->hits[k]];
				self += n->self_ns;
				if (!(flags[j->hits[k]] & ST_TM_INSIDE))
					total += n->total_ns;
			}
		}
		for (; id < stop; id++) {
			const st_node *n = &nodes[id];
			uint32_t p = n->parent;
			if (p >= id)
				break;
			/* a node's parent may be far behind it (threads' events
			 * interleave): its flag is fetched a few nodes ahead */
			if (id + FLAG_AHEAD < stop)
				__builtin_prefetch(&flags[nodes[id + FLAG_AHEAD].parent]);
			uint8_t f = (flags[p] & (ST_TM_MATCH | ST_TM_INSIDE))
			                ? ST_TM_INSIDE : 0;
			if (node_matches(j->c, n)) {
				f |= ST_TM_MATCH;
				count++;
				self += n->self_ns;
				if (!(f & ST_TM_INSIDE))
					total += n->total_ns;
			}
			flags[id] = f;
		}
		j->count = count;
		j->total = total;
		j->self = self;
		if (id < stop) {
			forward_preorder(j);   /* a parent after its child */
			stop = id = len;
		}
		j->next = id;
		if (id < len)
			return false;
		j->phase = 1;
		j->next = 1;
		/* what is left for the next phase (none after the fallback,
		 * which did the whole pass at once) */
		budget = stop - start < budget ? budget - (stop - start) : 0;
		if (!budget)
			return false;
	}
	if (j->phase == 1) {
		/* ancestors: climb from each match to the first marked node */
		uint32_t id = j->next;
		uint32_t stop = len - id > budget ? id + budget : len;
		for (; id < stop; id++) {
			if (!(flags[id] & ST_TM_MATCH))
				continue;
			if (j->parent) {
				for (uint32_t p = j->parent[id];
				     p != ST_NIL && !(flags[p] & ST_TM_ANCESTOR);
				     p = j->parent[p])
					flags[p] |= ST_TM_ANCESTOR;
				continue;
			}
			for (uint32_t p = nodes[id].parent;
			     p != ST_NIL && !(flags[p] & ST_TM_ANCESTOR);
			     p = nodes[p].parent)
				flags[p] |= ST_TM_ANCESTOR;
		}
		j->next = id;
		if (id < len)
			return false;
		j->phase = 2;
	}
	/* a split tree holds only self time, which its total counts once */
	*tm = (st_tree_match){ .flags = flags, .len = len, .count = j->count,
	                       .total_ns = j->total,
	                       .self_ns = j->t->split ? (int64_t)j->total : j->self };
	j->flags = NULL;   /* now tm's */
	return true;
}

bool st_tree_match_compute(st_tree_match *tm, const st_model *m,
                           const st_tree *t, st_match_cache *c)
{
	*tm = (st_tree_match){ 0 };
	st_tree_match_job *j = st_tree_match_begin(m, t, c);
	if (!j)
		return false;
	while (!st_tree_match_step(j, UINT32_MAX, tm))
		;
	st_tree_match_job_free(j);
	return true;
}

static bool relevant(const st_tree_match *tm, uint32_t id)
{
	return id < tm->len && (tm->flags[id] & (ST_TM_MATCH | ST_TM_ANCESTOR));
}

/* The next sibling of id (or of its ancestors below top) that holds a
 * match, in pre-order after id's subtree; ST_NIL when none. */
static uint32_t skip_subtree(const st_tree_match *tm, const st_tree *t,
                             uint32_t top, uint32_t id)
{
	while (id != top) {
		for (uint32_t s = t->nodes[id].next_sibling; s != ST_NIL;
		     s = t->nodes[s].next_sibling)
			if (relevant(tm, s))
				return s;
		id = t->nodes[id].parent;
	}
	return ST_NIL;
}

static uint32_t first_relevant_child(const st_tree_match *tm,
                                     const st_tree *t, uint32_t id)
{
	for (uint32_t c = t->nodes[id].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		if (relevant(tm, c))
			return c;
	return ST_NIL;
}

/* Figures within the zoom: nesting is judged inside the subtree, so a match
 * whose only matching ancestors lie above top counts as outermost, and the
 * total never exceeds top's own total. */
void st_tree_match_within(const st_tree_match *tm, const st_tree *t,
                          uint32_t top, uint64_t *total_ns, int64_t *self_ns,
                          uint32_t *count)
{
	uint64_t total = 0;
	int64_t self = 0;
	uint32_t cnt = 0;
	if (tm->flags && top < tm->len && top < t->len) {
		/* outermost matches in the zoom, found by a walk pruned to the
		 * paths that hold a match */
		uint32_t n = relevant(tm, top) ? top : ST_NIL;
		while (n != ST_NIL) {
			if (tm->flags[n] & ST_TM_MATCH) {
				total += t->nodes[n].total_ns;
				/* every match in n's subtree, n included */
				for (uint32_t d = n; d != ST_NIL;) {
					if (tm->flags[d] & ST_TM_MATCH) {
						cnt++;
						self += t->nodes[d].self_ns;
					}
					uint32_t c = first_relevant_child(tm, t, d);
					d = c != ST_NIL ? c : skip_subtree(tm, t, n, d);
				}
				n = skip_subtree(tm, t, top, n);
			} else {
				uint32_t c = first_relevant_child(tm, t, n);
				n = c != ST_NIL ? c : skip_subtree(tm, t, top, n);
			}
		}
	}
	if (total_ns)
		*total_ns = total;
	if (self_ns)
		*self_ns = t->split ? (int64_t)total : self;
	if (count)
		*count = cnt;
}

void st_tree_match_free(st_tree_match *tm)
{
	if (!tm)
		return;
	free(tm->flags);
	*tm = (st_tree_match){ 0 };
}

/* ---- breakdown -------------------------------------------------------------
 * The value a node is grouped by, or ST_NOSTR when the node does not define
 * one itself (it then takes its parent's):
 *   crate  the crate node on its path (depth 1 in every tree);
 *   CGU    the nearest CGU node (codegen and pivot trees), or in the stack
 *          tree the nearest codegen activity whose argument names the module
 *          (codegen_module, LLVM_module_optimize ... keep it as their arg);
 *   pass   the nearest LLVM pass node (in the stack tree the innermost pass
 *          of nested pass managers), or in the codegen tree the activity at
 *          the pass level under a CGU (LLVM_module_codegen_emit_obj ...).
 * Matches with no such node on their path (a query outside codegen grouped
 * by CGU, say) fall in one row whose name is ST_NOSTR.  A row's total counts
 * a match unless a matching ancestor falls in the same row, so each row is
 * "the time of the matches within this crate / CGU / pass". */
static uint32_t own_key(const st_model *m, const st_tree *t, uint32_t id,
                        st_breakdown_key key)
{
	const st_node *n = &t->nodes[id];
	st_kind k = st_tree_kind(t, id);
	switch (key) {
	case ST_BY_CRATE:
		return k == ST_K_CRATE ? n->name : ST_NOSTR;
	case ST_BY_CGU:
		if (k == ST_K_CGU)
			return st_model_display(m, n->name);
		if (k == ST_K_ACTIVITY && n->arg != ST_NOSTR)
			return st_model_display(m, n->arg);
		return ST_NOSTR;
	case ST_BY_PASS:
		if (k == ST_K_PASS)
			return n->name;
		if (k == ST_K_ACTIVITY && n->parent != ST_NIL &&
		    st_tree_kind(t, n->parent) == ST_K_CGU)
			return n->name;
		return ST_NOSTR;
	}
	return ST_NOSTR;
}

typedef struct bframe {
	uint32_t node, key, row;   /* row: ST_NIL when the node is no match */
} bframe;

static uint64_t larger_total(const st_breakdown_row *r)
{
	return r->total_ns > r->base_total_ns ? r->total_ns : r->base_total_ns;
}

static int cmp_rows(const void *x, const void *y)
{
	const st_breakdown_row *a = x, *b = y;
	if (larger_total(a) != larger_total(b))
		return larger_total(a) > larger_total(b) ? -1 : 1;
	if (a->total_ns != b->total_ns)
		return a->total_ns > b->total_ns ? -1 : 1;
	if (a->self_ns != b->self_ns)
		return a->self_ns > b->self_ns ? -1 : 1;
	return (a->name > b->name) - (a->name < b->name);
}

st_breakdown_row *st_tree_match_breakdown(const st_tree_match *tm,
                                          const st_model *m, const st_tree *t,
                                          st_breakdown_key key, uint32_t *n)
{
	return st_tree_match_breakdown_base(tm, m, t, key, NULL, n);
}

st_breakdown_row *st_tree_match_breakdown_base(const st_tree_match *tm,
                                               const st_model *m, const st_tree *t,
                                               st_breakdown_key key,
                                               const st_diff_node *base, uint32_t *n)
{
	*n = 0;
	if (!tm->flags || tm->count == 0 || t->len == 0)
		return NULL;
	st_idmap row_of = { 0 };
	st_breakdown_row *rows = NULL;
	uint32_t *open = NULL;            /* per row: matches on the path */
	uint32_t nrows = 0, caprows = 0;
	bframe *stk = NULL;
	uint32_t depth = 0, capstk = 0;
	bool oom = false;

	uint32_t id = 0;
	for (;;) {
		/* enter id */
		if (depth == capstk) {
			uint32_t cap = capstk ? capstk * 2 : 64;
			bframe *s = realloc(stk, cap * sizeof *s);
			if (!s) { oom = true; break; }
			stk = s;
			capstk = cap;
		}
		uint32_t k = own_key(m, t, id, key);
		if (k == ST_NOSTR && depth)
			k = stk[depth - 1].key;
		bframe *f = &stk[depth++];
		*f = (bframe){ .node = id, .key = k, .row = ST_NIL };
		if (tm->flags[id] & ST_TM_MATCH) {
			uint32_t r = st_idmap_get_or_put(&row_of, k, nrows);
			if (r == nrows) {
				if (nrows == caprows) {
					uint32_t cap = caprows ? caprows * 2 : 16;
					st_breakdown_row *nr = realloc(rows, cap * sizeof *nr);
					if (nr)
						rows = nr;
					uint32_t *no = realloc(open, cap * sizeof *no);
					if (no)
						open = no;
					if (!nr || !no) { oom = true; break; }
					caprows = cap;
				}
				rows[nrows] = (st_breakdown_row){ .name = k };
				open[nrows] = 0;
				nrows++;
			}
			f->row = r;
			rows[r].count++;
			rows[r].self_ns += t->nodes[id].self_ns;
			if (base)
				rows[r].base_self_ns += base[id].self_ns;
			if (open[r]++ == 0) {
				rows[r].total_ns += t->nodes[id].total_ns;
				if (base)
					rows[r].base_total_ns += base[id].total_ns;
			}
		}
		uint32_t c = first_relevant_child(tm, t, id);
		if (c != ST_NIL) {
			id = c;
			continue;
		}
		/* leave frames until one has a relevant next sibling */
		uint32_t next = ST_NIL;
		while (depth) {
			bframe *top = &stk[--depth];
			if (top->row != ST_NIL)
				open[top->row]--;
			if (depth == 0)
				break;
			for (uint32_t s = t->nodes[top->node].next_sibling;
			     s != ST_NIL; s = t->nodes[s].next_sibling)
				if (relevant(tm, s)) {
					next = s;
					break;
				}
			if (next != ST_NIL)
				break;
		}
		if (next == ST_NIL)
			break;
		id = next;
	}
	free(stk);
	free(open);
	st_idmap_free(&row_of);
	if (oom) {
		free(rows);
		return NULL;
	}
	for (uint32_t r = 0; t->split && r < nrows; r++) {
		rows[r].self_ns = (int64_t)rows[r].total_ns;
		rows[r].base_self_ns = (int64_t)rows[r].base_total_ns;
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof *rows, cmp_rows);
	*n = nrows;
	return rows;
}
