/* match-report.c: report mode's "how much does X cost": a builder hook that
 * matches each event's label and arguments (normalised, cached per string)
 * and sums count, self and total time, overall and per matching name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/idmap.h"
#include "stalactite/names.h"
#include "stalactite/search.h"
#include "stalactite/xalloc.h"

struct st_match_report {
	const st_regex *re;
	st_strtab *strs;
	st_event_hook hook;
	uint8_t *cache;          /* strtab id -> 0 unknown, 1 no, 2 yes */
	uint32_t *norm;          /* strtab id -> normalised id + 1 */
	uint32_t cache_len;
	st_idmap name_of;        /* normalised id -> index in names */
	st_match_name *names;
	uint32_t nnames, capnames;
	st_idmap open_of;        /* (thread, name index) -> index in open */
	uint32_t *open;          /* matching events of that name open on that
	                            thread (nested ones add no total) */
	uint32_t nopen, capopen;
	uint64_t count, total_ns;
	int64_t self_ns;
	char *scratch;
	size_t scratch_cap;
	bool sorted;
};

static void grow_cache(st_match_report *r, uint32_t id)
{
	if (id < r->cache_len)
		return;
	uint32_t n = r->cache_len ? r->cache_len : 4096;
	while (n <= id)
		n *= 2;
	r->cache = st_xrealloc(r->cache, n);
	r->norm = st_xreallocarray(r->norm, n, sizeof *r->norm);
	memset(r->cache + r->cache_len, 0, n - r->cache_len);
	memset(r->norm + r->cache_len, 0, (n - r->cache_len) * sizeof *r->norm);
	r->cache_len = n;
}

/* Whether the normalised form of string id matches; each id is tried once. */
static bool id_matches(st_match_report *r, uint32_t id)
{
	grow_cache(r, id);
	if (r->cache[id])
		return r->cache[id] == 2;
	const char *s = st_str(r->strs, id);
	size_t len = st_strlen(r->strs, id);
	size_t want = len * 2 + 64, n;
	/* Demangling can grow a name past any fixed bound; a result that filled
	 * the buffer (or reports a longer length, snprintf-style) may have been
	 * cut, so retry larger rather than match a truncated name or read past
	 * the buffer. */
	for (;;) {
		if (r->scratch_cap < want) {
			r->scratch_cap = want;
			r->scratch = st_xrealloc(r->scratch, r->scratch_cap);
		}
		n = st_name_normalize(s, len, r->scratch, r->scratch_cap);
		if (n + 1 < r->scratch_cap || r->scratch_cap >= ((size_t)1 << 26))
			break;
		want = (n + 1 > r->scratch_cap ? n + 1 : r->scratch_cap) * 2;
	}
	if (n >= r->scratch_cap)
		n = r->scratch_cap - 1;
	bool m = st_regex_match(r->re, r->scratch, n);
	uint32_t norm = st_intern(r->strs, r->scratch, n);
	grow_cache(r, norm);
	r->cache[id] = m ? 2 : 1;
	r->norm[id] = norm + 1;
	return m;
}

/* The first string of the event that matches: the label, else an argument. */
static uint32_t matching_name(st_match_report *r, const st_event *e)
{
	if (id_matches(r, e->label))
		return r->norm[e->label] - 1;
	for (uint32_t i = 0; i < e->nargs; i++)
		if (id_matches(r, e->args[i]))
			return r->norm[e->args[i]] - 1;
	return ST_NOSTR;
}

static st_match_name *name_entry(st_match_report *r, uint32_t name)
{
	uint32_t i = st_idmap_get_or_put(&r->name_of, name, r->nnames);
	if (i == r->nnames) {
		if (r->nnames == r->capnames) {
			r->capnames = r->capnames ? r->capnames * 2 : 64;
			r->names = st_xreallocarray(r->names, r->capnames, sizeof *r->names);
		}
		r->names[r->nnames++] = (st_match_name){ .name = name };
	}
	return &r->names[i];
}

/* The open-event counter of a name on the event's thread.  A name's total
 * adds the events not nested in another event of the same name on the same
 * thread (so a row's self time never exceeds its total); the overall total
 * adds the events not nested in any matching event. */
static uint32_t *open_count(st_match_report *r, const st_event *e,
                            const st_match_name *n)
{
	uint64_t key = st_idmap_pair(e->thread, (uint32_t)(n - r->names));
	uint32_t i = st_idmap_get_or_put(&r->open_of, key, r->nopen);
	if (i == r->nopen) {
		if (r->nopen == r->capopen) {
			r->capopen = r->capopen ? r->capopen * 2 : 64;
			r->open = st_xreallocarray(r->open, r->capopen, sizeof *r->open);
		}
		r->open[r->nopen++] = 0;
	}
	return &r->open[i];
}

/* A query key (text, unique per invocation): normalised and matched, and
 * interned only when it matches. */
static uint32_t matching_key(st_match_report *r, const char *s, size_t len)
{
	if (r->scratch_cap < len * 2 + 64) {
		r->scratch_cap = len * 2 + 64;
		r->scratch = st_xrealloc(r->scratch, r->scratch_cap);
	}
	size_t n = st_name_normalize(s, len, r->scratch, r->scratch_cap);
	if (!st_regex_match(r->re, r->scratch, n))
		return ST_NOSTR;
	return st_intern(r->strs, r->scratch, n);
}

static bool hook_enter(void *ctx, const st_event *e, bool inside, uint32_t *tag)
{
	st_match_report *r = ctx;
	uint32_t name = matching_name(r, e);
	if (name == ST_NOSTR && e->key)
		name = matching_key(r, e->key, e->keylen);
	if (name == ST_NOSTR)
		return false;
	*tag = name;
	st_match_name *n = name_entry(r, name);
	n->count++;
	r->count++;
	if (!inside)
		r->total_ns += e->end - e->start;
	if ((*open_count(r, e, n))++ == 0)
		n->total_ns += e->end - e->start;
	return true;
}

static void hook_leave(void *ctx, const st_event *e, int64_t self_ns,
                       bool marked, uint32_t tag)
{
	st_match_report *r = ctx;
	if (!marked)
		return;
	r->self_ns += self_ns;
	/* the entry exists: enter() created it for this event's name (tag) */
	st_match_name *n = name_entry(r, tag);
	n->self_ns += self_ns;
	(*open_count(r, e, n))--;
}

st_match_report *st_match_report_new(const st_regex *re, st_strtab *strs)
{
	st_match_report *r = st_xcalloc(1, sizeof *r);
	r->re = re;
	r->strs = strs;
	r->hook = (st_event_hook){ r, hook_enter, hook_leave };
	return r;
}

void st_match_report_free(st_match_report *r)
{
	if (!r)
		return;
	free(r->cache);
	free(r->norm);
	free(r->names);
	free(r->open);
	free(r->scratch);
	st_idmap_free(&r->name_of);
	st_idmap_free(&r->open_of);
	free(r);
}

const st_event_hook *st_match_report_hook(st_match_report *r)
{
	return &r->hook;
}

uint64_t st_match_count(const st_match_report *r) { return r->count; }
int64_t st_match_self_ns(const st_match_report *r) { return r->self_ns; }
uint64_t st_match_total_ns(const st_match_report *r) { return r->total_ns; }
const char *st_match_pattern(const st_match_report *r)
{
	return st_regex_pattern(r->re);
}

static int cmp_names(const void *x, const void *y)
{
	const st_match_name *a = x, *b = y;
	if (a->total_ns != b->total_ns)
		return a->total_ns > b->total_ns ? -1 : 1;
	if (a->self_ns != b->self_ns)
		return a->self_ns > b->self_ns ? -1 : 1;
	return (a->name > b->name) - (a->name < b->name);
}

const st_match_name *st_match_names(const st_match_report *r, uint32_t *n)
{
	st_match_report *w = (st_match_report *)r;  /* sorting is a lazy cache */
	if (!w->sorted && w->nnames > 1)
		qsort(w->names, w->nnames, sizeof *w->names, cmp_names);
	w->sorted = true;
	*n = r->nnames;
	return r->names;
}
