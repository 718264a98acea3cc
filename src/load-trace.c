/* load-trace.c: Chrome trace-event JSON (rustc -Z llvm-time-trace, crox).
 *
 * These files reach hundreds of MB, so the document is never parsed whole:
 * a scanner walks the traceEvents array (or a bare top-level array) and
 * reads each element in place when it has the usual flat shape, else finds
 * its extent and hands that one element to cJSON; read pages of a mapped
 * file are given back behind it.  A large array is read in two parts at
 * once (st_trace_split_min, below), merged into what one reading gives.
 * Only X
 * (complete), B/E (begin/end, matched per thread) and M thread_name events
 * count; other phases are ignored.  µs become ns, rounded to the nearest.
 *
 * An LLVM time trace (events with args.detail and no category) becomes LLVM
 * Pass events, as -Z self-profile-events=llvm gives: the pass is the label,
 * the function (mangled; the builder demangles it for display) the first
 * argument, "(f, g)" CGSCC units several, "[module]" the module.  The thread
 * name ("opt cgu.05", "lto cgu.05") names the CGU: every such thread gets a
 * synthesised enclosing "LLVM_thread" activity whose argument is the module
 * (the full name from an OptModule event when one ends in the same
 * "-cgu.05"), which is how the builder learns a CGU.  RunPass events name a
 * machine pass: it becomes the label, and the function is that of the
 * enclosing OptFunction.  "Total ..." events are LLVM's per-name sums, not
 * intervals, and are dropped. */
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "stalactite/bigmem.h"
#include "stalactite/formats.h"
#include "stalactite/idmap.h"
#include "stalactite/json.h"
#include "stalactite/threads.h"
#include "stalactite/xalloc.h"

#define MAX_ARGS 8

typedef struct open_b {      /* a B event waiting for its E */
	uint32_t thread, kind, label, nargs;
	uint32_t args[MAX_ARGS];
	uint64_t start, at;
} open_b;

typedef struct opt_fn {      /* an OptFunction interval, for RunPass */
	uint32_t thread, fn;
	uint64_t start, end;
} opt_fn;

typedef struct tparse {
	st_strtab *strs;
	st_evbuf *eb;
	st_idmap tid_of;         /* (pid, tid) -> dense thread */
	uint32_t nthreads;
	uint32_t *tname;         /* thread -> name id, ST_NOSTR */
	uint64_t *tkey;          /* thread -> its (pid, tid) key */
	open_b *open;
	size_t nopen, capopen;
	uint32_t *detail;        /* event -> detail id or ST_NOSTR */
	size_t capdetail;
	bool any_detail, any_cat;
	uint64_t unmatched, skipped_ph;
	uint32_t s_event;
	/* The second part of a split parse (below): B/E pairs may straddle the
	 * split, so a B or an E gives the rest back to the first part. */
	bool second;
	bool gave_up;
} tparse;

static size_t ws(const unsigned char *d, size_t len, size_t i)
{
	while (i < len && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' ||
	                   d[i] == '\t'))
		i++;
	return i;
}

/* End (one past) of the JSON string starting at d[i] == '"', or 0. */
static size_t string_end(const unsigned char *d, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (d[i] == '\\')
			i++;
		else if (d[i] == '"')
			return i + 1;
	}
	return 0;
}

/* End of the value starting at d[i] (an object, array, string or scalar),
 * by bracket depth outside strings; 0 when the data ends first. */
static size_t value_end(const unsigned char *d, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	if (d[i] == '"')
		return string_end(d, len, i);
	if (d[i] != '{' && d[i] != '[') {
		while (i < len && d[i] != ',' && d[i] != '}' && d[i] != ']' &&
		       d[i] != ' ' && d[i] != '\n' && d[i] != '\r' && d[i] != '\t')
			i++;
		return i < len ? i : 0;
	}
	size_t depth = 0;
	for (; i < len; i++) {
		unsigned char c = d[i];
		if (c == '"') {
			size_t e = string_end(d, len, i);
			if (!e)
				return 0;
			i = e - 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

/* A pid or tid as 32 bits (any number may be there: NaN-free, but huge). */
static uint32_t id32(double v)
{
	if (v >= 0 && v < 4294967296.0)
		return (uint32_t)v;
	return v < 0 && v >= -2147483648.0 ? (uint32_t)(int32_t)v : UINT32_MAX;
}

static uint32_t thread_of_key(tparse *t, uint64_t key)
{
	uint32_t id = st_idmap_get_or_put(&t->tid_of, key, t->nthreads);
	if (id == t->nthreads) {
		t->nthreads++;
		t->tname = st_xreallocarray(t->tname, t->nthreads, sizeof *t->tname);
		t->tkey = st_xreallocarray(t->tkey, t->nthreads, sizeof *t->tkey);
		t->tname[id] = ST_NOSTR;
		t->tkey[id] = key;
	}
	return id;
}

static uint32_t thread_of(tparse *t, double pid, double tid)
{
	return thread_of_key(t, st_idmap_pair(id32(pid), id32(tid)));
}

/* The fields of one event that count, from the fast scanner or from cJSON.
 * Strings point into the document or into cJSON's nodes and are interned
 * before the element is left: nothing keeps pointers into the input. */
typedef struct jstr {
	const char *s;           /* NULL: absent or not a string */
	size_t n;
} jstr;

typedef struct rawev {
	jstr ph, name, cat;
	jstr argname;            /* args.name (the first), for M events */
	bool has_args_count;     /* args.count of any type */
	bool pid_ok, tid_ok, ts_ok, dur_ok;   /* present and numbers */
	double pid, tid, ts, dur;
	uint32_t nstr;           /* args' string members, in order */
	jstr akey[MAX_ARGS], aval[MAX_ARGS];
} rawev;

static jstr cj_str(const cJSON *s)
{
	const char *v = cJSON_GetStringValue(s);
	return (jstr){ v, v ? strlen(v) : 0 };
}

static bool cj_num(const cJSON *n, double *out)
{
	if (!cJSON_IsNumber(n))
		return false;
	*out = n->valuedouble;
	return true;
}

static void from_cjson(const cJSON *o, rawev *r)
{
	memset(r, 0, sizeof *r);
	r->ph = cj_str(cJSON_GetObjectItemCaseSensitive(o, "ph"));
	r->name = cj_str(cJSON_GetObjectItemCaseSensitive(o, "name"));
	r->cat = cj_str(cJSON_GetObjectItemCaseSensitive(o, "cat"));
	r->pid_ok = cj_num(cJSON_GetObjectItemCaseSensitive(o, "pid"), &r->pid);
	r->tid_ok = cj_num(cJSON_GetObjectItemCaseSensitive(o, "tid"), &r->tid);
	r->ts_ok = cj_num(cJSON_GetObjectItemCaseSensitive(o, "ts"), &r->ts);
	r->dur_ok = cj_num(cJSON_GetObjectItemCaseSensitive(o, "dur"), &r->dur);
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(o, "args");
	r->argname = cj_str(cJSON_GetObjectItemCaseSensitive(args, "name"));
	r->has_args_count = cJSON_GetObjectItemCaseSensitive(args, "count") != NULL;
	const cJSON *a, *obj = cJSON_IsObject(args) ? args : NULL;
	cJSON_ArrayForEach(a, obj) {
		if (!cJSON_IsString(a) || r->nstr == MAX_ARGS)
			continue;
		r->akey[r->nstr] = (jstr){ a->string, a->string ? strlen(a->string) : 0 };
		r->aval[r->nstr++] = cj_str(a);
	}
}

/* ---- the fast scanner ----------------------------------------------------
 *
 * Nearly every element is a flat object of plain strings and integers, with
 * at most a flat "args" object: those are read here in one pass, without
 * allocating.  Anything else (escapes, control bytes, fractions, exponents,
 * nested values, odd whitespace) returns 0 and goes to cJSON, so the fast
 * path accepts only what cJSON reads the same way. */

static bool sp(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The eight bytes of w with the high bit set in each that is '"', '\\' or a
 * control byte, and maybe in later ones (the classic bit tricks: a borrow
 * marks a zero byte, or one below 0x20; a byte of 0x80 or more never
 * counts).  Zero when there is none; the lowest byte marked is the first. */
static uint64_t specials(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones << 7;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) &
	       high;
}

/* A string without escapes or control bytes at d[i] == '"': its end.
 * Names are most of a trace's bytes: eight at a time. */
static size_t fast_str(const unsigned char *d, size_t len, size_t i, jstr *out)
{
	size_t j = i + 1;
	for (uint64_t w, m; len - j >= 8; j += 8) {
		memcpy(&w, d + j, sizeof w);
		if ((m = specials(w))) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			j += (size_t)__builtin_ctzll(m) / 8;
#endif
			break;
		}
	}
	while (j < len && d[j] != '"' && d[j] != '\\' && d[j] >= 0x20)
		j++;
	if (j >= len || d[j] != '"')
		return 0;
	*out = (jstr){ (const char *)d + i + 1, j - i - 1 };
	return j + 1;
}

/* A scalar: an integer of at most 19 digits (exact, rounded to double as
 * strtod rounds it), true, false or null.  Its end, or 0. */
static size_t fast_scalar(const unsigned char *d, size_t len, size_t i,
                          bool *isnum, double *v)
{
	*isnum = false;
	if (i < len && (d[i] == 't' || d[i] == 'f' || d[i] == 'n')) {
		const char *w = d[i] == 't' ? "true" : d[i] == 'f' ? "false" : "null";
		size_t n = d[i] == 'f' ? 5 : 4;
		return len - i >= n && memcmp(d + i, w, n) == 0 ? i + n : 0;
	}
	bool neg = i < len && d[i] == '-';
	size_t j = i + neg, s = j;
	uint64_t u = 0;
	while (j < len && d[j] >= '0' && d[j] <= '9' && j - s < 19)
		u = u * 10 + (uint64_t)(d[j++] - '0');
	if (j == s || j >= len || (d[j] >= '0' && d[j] <= '9') || d[j] == '.' ||
	    d[j] == 'e' || d[j] == 'E' || (d[s] == '0' && j - s > 1))
		return 0;
	*isnum = true;
	*v = neg ? -(double)u : (double)u;
	return j;
}

static size_t fast_ws(const unsigned char *d, size_t len, size_t i)
{
	while (i < len && sp(d[i]))
		i++;
	return i;
}

static bool key_is(jstr k, const char *w)
{
	size_t n = strlen(w);
	return k.n == n && memcmp(k.s, w, n) == 0;
}

/* `"KEY" :` at d[i]: the index of the value after it (spaces skipped), k
 * set; 0 when d[i] starts no key. */
static size_t fast_key(const unsigned char *d, size_t len, size_t i, jstr *k)
{
	if (i >= len || d[i] != '"' || !(i = fast_str(d, len, i, k)))
		return 0;
	i = fast_ws(d, len, i);
	if (i >= len || d[i] != ':')
		return 0;
	return fast_ws(d, len, i + 1);
}

/* The flat args object at d[i] == '{'; its end, or 0. */
static size_t fast_args(const unsigned char *d, size_t len, size_t i, rawev *r)
{
	bool seen_name = false;
	i = fast_ws(d, len, i + 1);
	if (i < len && d[i] == '}')
		return i + 1;
	for (;;) {
		jstr k, v = { NULL, 0 };
		bool isnum;
		double num;
		if (!(i = fast_key(d, len, i, &k)))
			return 0;
		if (i < len && d[i] == '"')
			i = fast_str(d, len, i, &v);
		else
			i = fast_scalar(d, len, i, &isnum, &num);
		if (!i)
			return 0;
		if (!seen_name && key_is(k, "name")) {
			seen_name = true;
			r->argname = v;
		}
		if (key_is(k, "count"))
			r->has_args_count = true;
		if (v.s && r->nstr < MAX_ARGS) {
			r->akey[r->nstr] = k;
			r->aval[r->nstr++] = v;
		}
		i = fast_ws(d, len, i);
		if (i < len && d[i] == '}')
			return i + 1;
		if (i >= len || d[i] != ',')
			return 0;
		i = fast_ws(d, len, i + 1);
	}
}

/* The element at d[i] == '{' read into r: its end, or 0 for cJSON. */
static size_t fast_event(const unsigned char *d, size_t len, size_t i, rawev *r)
{
	/* the first of a repeated key counts, as with cJSON */
	enum { K_PH = 1, K_NAME = 2, K_CAT = 4, K_PID = 8, K_TID = 16, K_TS = 32,
	       K_DUR = 64, K_ARGS = 128 };
	unsigned seen = 0;
	/* field by field: a memset of these 112 bytes is a rep stos, 1% of a
	 * trace's load */
	r->ph = r->name = r->cat = r->argname = (jstr){ NULL, 0 };
	r->has_args_count = r->pid_ok = r->tid_ok = r->ts_ok = r->dur_ok = false;
	r->pid = r->tid = r->ts = r->dur = 0;
	r->nstr = 0;
	i = fast_ws(d, len, i + 1);
	if (i < len && d[i] == '}')
		return i + 1;
	for (;;) {
		jstr k, v = { NULL, 0 };
		bool isnum = false;
		double num = 0;
		if (!(i = fast_key(d, len, i, &k)))
			return 0;
		if (i >= len)
			return 0;
		unsigned key = 0;
		switch (k.n) {
		case 2: key = key_is(k, "ph") ? K_PH : key_is(k, "ts") ? K_TS : 0; break;
		case 3: key = key_is(k, "pid") ? K_PID : key_is(k, "tid") ? K_TID :
		              key_is(k, "cat") ? K_CAT : key_is(k, "dur") ? K_DUR : 0;
		        break;
		case 4: key = key_is(k, "name") ? K_NAME : key_is(k, "args") ? K_ARGS : 0;
		        break;
		}
		bool first = key && !(seen & key);
		seen |= key;
		if (d[i] == '{') {
			if (key != K_ARGS)
				return 0;
			if (!first) {   /* a later args: skip it, still flat */
				rawev scratch;
				memset(&scratch, 0, sizeof scratch);
				i = fast_args(d, len, i, &scratch);
			} else {
				i = fast_args(d, len, i, r);
			}
		} else if (d[i] == '"') {
			i = fast_str(d, len, i, &v);
		} else if (d[i] == '[') {
			return 0;
		} else {
			i = fast_scalar(d, len, i, &isnum, &num);
		}
		if (!i)
			return 0;
		if (first) {
			switch (key) {
			case K_PH: r->ph = v; break;
			case K_NAME: r->name = v; break;
			case K_CAT: r->cat = v; break;
			case K_PID: r->pid_ok = isnum; r->pid = num; break;
			case K_TID: r->tid_ok = isnum; r->tid = num; break;
			case K_TS: r->ts_ok = isnum; r->ts = num; break;
			case K_DUR: r->dur_ok = isnum; r->dur = num; break;
			}
		}
		i = fast_ws(d, len, i);
		if (i < len && d[i] == '}')
			return i + 1;
		if (i >= len || d[i] != ',')
			return 0;
		i = fast_ws(d, len, i + 1);
	}
}

static bool key_is_js(jstr k, const char *w)
{
	return k.s && key_is(k, w);
}

static uint32_t intern_js(tparse *t, jstr s)
{
	return s.s ? st_intern(t->strs, s.s, s.n) : ST_NOSTR;
}

/* ns from a µs number; false when it is negative or absurd */
static bool us_to_ns(bool isnum, double v, uint64_t *out)
{
	if (!isnum)
		return false;
	if (!(v >= 0) || v > 9e15)   /* v * 1000 stays an int64 for llround */
		return false;
	*out = (uint64_t)llround(v * 1000.0);
	return true;
}

static void add_event(tparse *t, uint32_t thread, uint32_t kind,
                      uint32_t label, uint64_t start, uint64_t end,
                      const uint32_t *args, uint32_t nargs, uint32_t detail,
                      uint64_t at)
{
	st_evbuf_add(t->eb, thread, kind, label, start, end, args, nargs, at);
	if (t->eb->len > t->capdetail) {
		t->capdetail = t->eb->cap;
		t->detail = st_xreallocarray(t->detail, t->capdetail, sizeof *t->detail);
	}
	t->detail[t->eb->len - 1] = detail;
}

/* One element of the events array; 0, or -1 with err (offset at). */
static int one_event(tparse *t, const rawev *r, uint64_t at, char *err,
                     size_t errlen)
{
	char ph[2] = { r->ph.n == 1 ? r->ph.s[0] : 0, 0 };
	if (!ph[0] || !strchr("XBEM", ph[0])) {
		t->skipped_ph++;
		return 0;
	}
	if (t->second && (ph[0] == 'B' || ph[0] == 'E')) {
		t->gave_up = true;
		return 0;
	}
	uint32_t thread = thread_of(t, r->pid_ok ? r->pid : 0,
	                            r->tid_ok ? r->tid : 0);
	if (ph[0] == 'M') {
		if (key_is_js(r->name, "thread_name")) {
			uint32_t n = intern_js(t, r->argname);
			if (n != ST_NOSTR)
				t->tname[thread] = n;
		}
		return 0;
	}
	if (ph[0] == 'E') {
		uint64_t end;
		if (!us_to_ns(r->ts_ok, r->ts, &end)) {
			snprintf(err, errlen, "offset %llu: event without a valid \"ts\"",
			         (unsigned long long)at);
			return -1;
		}
		for (size_t i = t->nopen; i-- > 0;) {
			open_b *b = &t->open[i];
			if (b->thread != thread)
				continue;
			if (end < b->start) {
				snprintf(err, errlen, "offset %llu: \"E\" event ends before "
				         "its \"B\" begins", (unsigned long long)at);
				return -1;
			}
			add_event(t, thread, b->kind, b->label, b->start, end, b->args,
			          b->nargs, ST_NOSTR, b->at);
			memmove(b, b + 1, (t->nopen - i - 1) * sizeof *b);
			t->nopen--;
			return 0;
		}
		t->unmatched++;
		return 0;
	}
	uint64_t start, dur = 0;
	if (!us_to_ns(r->ts_ok, r->ts, &start) ||
	    (ph[0] == 'X' && !us_to_ns(r->dur_ok, r->dur, &dur))) {
		snprintf(err, errlen, "offset %llu: \"%s\" event without a valid "
		         "\"ts\"%s", (unsigned long long)at, ph, ph[0] == 'X' ?
		         " and \"dur\" (non-negative µs)" : "");
		return -1;
	}
	jstr name = r->name.s ? r->name : (jstr){ "", 0 };
	if (name.n >= 6 && memcmp(name.s, "Total ", 6) == 0 && r->has_args_count)
		return 0;   /* LLVM's per-name sums */
	bool cat = r->cat.s && r->cat.n && r->cat.s[0];
	uint32_t kind = cat ? intern_js(t, r->cat) : t->s_event;
	t->any_cat |= cat;
	uint32_t label = intern_js(t, name);
	uint32_t av[MAX_ARGS], nargs = 0, detail = ST_NOSTR;
	for (uint32_t k = 0; k < r->nstr; k++) {
		av[nargs] = intern_js(t, r->aval[k]);
		if (r->akey[k].s && key_is_js(r->akey[k], "detail"))
			detail = av[nargs];
		nargs++;
	}
	t->any_detail |= detail != ST_NOSTR;
	if (ph[0] == 'X') {
		if (start > UINT64_MAX - dur) {
			snprintf(err, errlen, "offset %llu: event ends too late",
			         (unsigned long long)at);
			return -1;
		}
		add_event(t, thread, kind, label, start, start + dur, av, nargs,
		          detail, at);
		return 0;
	}
	if (t->nopen == t->capopen) {
		t->capopen = t->capopen ? t->capopen * 2 : 64;
		t->open = st_xreallocarray(t->open, t->capopen, sizeof *t->open);
	}
	open_b *b = &t->open[t->nopen++];
	*b = (open_b){ .thread = thread, .kind = kind, .label = label,
	               .nargs = nargs, .start = start, .at = at };
	memcpy(b->args, av, nargs * sizeof *av);
	return 0;
}

/* ---- LLVM time traces ----------------------------------------------------- */

static int by_thread_start(const void *pa, const void *pb)
{
	const opt_fn *a = pa, *b = pb;
	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* The function of the OptFunction enclosing [s, e) on thread, or ST_NOSTR. */
static uint32_t enclosing_fn(const opt_fn *v, size_t n, uint32_t thread,
                             uint64_t s, uint64_t e)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {   /* first entry after (thread, s) */
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].thread < thread ||
		    (v[mid].thread == thread && v[mid].start <= s))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || v[lo - 1].thread != thread)
		return ST_NOSTR;
	const opt_fn *f = &v[lo - 1];
	/* whole µs: a child may end one past its parent */
	return e <= f->end + 1000 ? f->fn : ST_NOSTR;
}

/* The CGU of each thread named "opt X" / "lto X": the module name of an
 * OptModule whose detail ends in "-X", or X itself. */
static void thread_cgus(tparse *t, uint32_t *cgu)
{
	st_evbuf *eb = t->eb;
	uint32_t s_optmod = st_intern_cstr(t->strs, "OptModule");
	uint32_t *mods = NULL;
	size_t nmods = 0;
	for (size_t i = 0; i < eb->len; i++)
		if (eb->v[i].label == s_optmod && t->detail[i] != ST_NOSTR) {
			mods = st_xreallocarray(mods, nmods + 1, sizeof *mods);
			mods[nmods++] = t->detail[i];
		}
	for (uint32_t th = 0; th < t->nthreads; th++) {
		cgu[th] = ST_NOSTR;
		if (t->tname[th] == ST_NOSTR)
			continue;
		const char *n = st_str(t->strs, t->tname[th]);
		if (strncmp(n, "opt ", 4) != 0 && strncmp(n, "lto ", 4) != 0)
			continue;
		const char *x = n + 4;
		size_t xl = strlen(x);
		cgu[th] = st_intern(t->strs, x, xl);
		for (size_t i = 0; i < nmods; i++) {
			const char *m = st_str(t->strs, mods[i]);
			size_t ml = strlen(m);
			if (ml > xl && m[ml - xl - 1] == '-' && strcmp(m + ml - xl, x) == 0) {
				cgu[th] = mods[i];
				break;
			}
		}
	}
	free(mods);
}

static void set_args(st_evbuf *eb, st_fev *e, const uint32_t *a, uint32_t n)
{
	if (n == 1 && e->nargs >= 1) {   /* in place */
		eb->args[e->arg0] = a[0];
		e->nargs = 1;
		return;
	}
	size_t at = eb->len;   /* reuse st_evbuf_add's growth, then undo it */
	st_evbuf_add(eb, 0, 0, 0, 0, 0, a, n, 0);
	e = &eb->v[e - eb->v];
	e->arg0 = eb->v[at].arg0;
	e->nargs = n;
	eb->len = at;
}

/* A loop pass's unit, "loop %<unnamed loop> in function F" (LLVM prints
 * the loop's header block): F, whose time it is, as a self-profile's loop
 * units go to their function; else ST_NOSTR. */
static uint32_t loop_fn(st_strtab *s, const char *d, size_t n)
{
	static const char head[] = "loop ", mid[] = " in function ";
	if (n < sizeof head - 1 || memcmp(d, head, sizeof head - 1) != 0)
		return ST_NOSTR;
	const char *m = memmem(d, n, mid, sizeof mid - 1);
	if (!m || m + sizeof mid - 1 == d + n)
		return ST_NOSTR;
	const char *f = m + sizeof mid - 1;
	return st_intern(s, f, (size_t)(d + n - f));
}

typedef struct opt_mod {    /* an OptModule interval on a thread */
	uint32_t thread;
	uint64_t start, end;
} opt_mod;

static int by_mod(const void *pa, const void *pb)
{
	const opt_mod *a = pa, *b = pb;
	if (a->thread != b->thread)
		return a->thread < b->thread ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* Threads not named by a CGU (rustc's main thread runs a fat LTO module
 * there, and other LLVM work before it): inside an OptModule the module
 * is the unit; the events outside one get a unit named by the thread,
 * "thread rustc", one for each stretch between modules.  Otherwise each
 * outermost pass would make its own function a CGU (5 924 of them on a
 * fat-LTO build).  events: how many of eb's events are the file's. */
static void unit_threads(tparse *t, size_t events, const uint32_t *cgu,
                         uint32_t act, uint32_t lab)
{
	st_evbuf *eb = t->eb;
	uint32_t s_optmod = st_intern_cstr(t->strs, "OptModule");
	opt_mod *mods = NULL;
	size_t nmods = 0, cap = 0;
	for (size_t i = 0; i < events; i++)
		if (eb->v[i].label == s_optmod && cgu[eb->v[i].thread] == ST_NOSTR) {
			if (nmods == cap) {
				cap = cap ? cap * 2 : 16;
				mods = st_xreallocarray(mods, cap, sizeof *mods);
			}
			mods[nmods++] = (opt_mod){ eb->v[i].thread, eb->v[i].start, eb->v[i].end };
		}
	if (nmods > 1)
		qsort(mods, nmods, sizeof *mods, by_mod);
	/* per thread, its modules mods[first[th] .. first[th + 1]) and its
	 * stretches span[first[th] + th ..], one more than its modules */
	uint32_t nt = t->nthreads;
	size_t *first = st_xcalloc((size_t)nt + 1, sizeof *first);
	for (size_t k = 0; k < nmods; k++)
		first[mods[k].thread + 1]++;
	for (uint32_t th = 0; th < nt; th++)
		first[th + 1] += first[th];
	size_t nspans = nmods + nt;
	uint64_t *span = st_xreallocarray(NULL, nspans * 2 + 2, sizeof *span);
	for (size_t k = 0; k < nspans; k++) {
		span[2 * k] = UINT64_MAX;
		span[2 * k + 1] = 0;
	}
	for (size_t i = 0; i < events; i++) {
		const st_fev *e = &eb->v[i];
		if (cgu[e->thread] != ST_NOSTR || e->label == s_optmod)
			continue;
		size_t lo = first[e->thread], hi = first[e->thread + 1];
		while (lo < hi) {   /* the modules that start at or before e */
			size_t mid = lo + (hi - lo) / 2;
			if (mods[mid].start <= e->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* whole µs: a child may end one past its module */
		if (lo > first[e->thread] && e->end <= mods[lo - 1].end + 1000)
			continue;
		uint64_t *sp = &span[2 * (lo + e->thread)];
		sp[0] = e->start < sp[0] ? e->start : sp[0];
		sp[1] = e->end > sp[1] ? e->end : sp[1];
	}
	for (uint32_t th = 0; th < nt; th++) {
		uint32_t unit = ST_NOSTR;
		for (size_t k = first[th] + th; k <= first[th + 1] + th; k++) {
			if (span[2 * k] > span[2 * k + 1])
				continue;
			if (unit == ST_NOSTR) {
				char name[300];
				if (t->tname[th] != ST_NOSTR)
					snprintf(name, sizeof name, "thread %.256s", st_str(t->strs, t->tname[th]));
				else
					snprintf(name, sizeof name, "thread %u", (unsigned)(t->tkey[th] & 0xffffffffu));
				unit = st_intern_cstr(t->strs, name);
			}
			st_evbuf_add(eb, th, act, lab, span[2 * k], span[2 * k + 1], &unit, 1, 0);
			eb->v[eb->len - 1].seq = 0;   /* encloses an equal event */
		}
	}
	free(span);
	free(first);
	free(mods);
}

static void to_llvm(tparse *t)
{
	st_evbuf *eb = t->eb;
	st_strtab *s = t->strs;
	uint32_t kind = st_intern_cstr(s, "LLVM Pass");
	uint32_t s_module = st_intern_cstr(s, "[module]");
	uint32_t s_runpass = st_intern_cstr(s, "RunPass");
	uint32_t s_runloop = st_intern_cstr(s, "RunLoopPass");
	uint32_t s_optfn = st_intern_cstr(s, "OptFunction");
	uint32_t s_optmod = st_intern_cstr(s, "OptModule");
	uint32_t *cgu = st_xcalloc(t->nthreads + 1, sizeof *cgu);
	thread_cgus(t, cgu);
	opt_fn *fns = NULL;
	size_t nfns = 0, capfns = 0;
	for (size_t i = 0; i < eb->len; i++) {
		if (eb->v[i].label != s_optfn || t->detail[i] == ST_NOSTR)
			continue;
		if (nfns == capfns) {
			capfns = capfns ? capfns * 2 : 256;
			fns = st_xreallocarray(fns, capfns, sizeof *fns);
		}
		fns[nfns++] = (opt_fn){ eb->v[i].thread, t->detail[i],
		                        eb->v[i].start, eb->v[i].end };
	}
	if (nfns > 1)
		qsort(fns, nfns, sizeof *fns, by_thread_start);
	size_t n = eb->len;
	for (size_t i = 0; i < n; i++) {
		st_fev *e = &eb->v[i];
		uint32_t d = t->detail[i], c = cgu[e->thread];
		e->kind = kind;
		if (d == ST_NOSTR)
			continue;
		const char *ds = st_str(s, d);
		size_t dl = st_strlen(s, d);
		uint32_t f;
		if (e->label == s_runpass || e->label == s_runloop) {
			f = enclosing_fn(fns, nfns, e->thread, e->start, e->end);
			e->label = d;
			f = f != ST_NOSTR ? f : c;
			set_args(eb, e, &f, f != ST_NOSTR);
		} else if (d == s_module || (e->label == s_optmod && c != ST_NOSTR)) {
			set_args(eb, e, &c, c != ST_NOSTR);
		} else if ((f = loop_fn(s, ds, dl)) != ST_NOSTR) {
			set_args(eb, e, &f, 1);
		} else if (dl >= 2 && ds[0] == '(' && ds[dl - 1] == ')') {
			uint32_t av[64], na = 0;
			for (size_t p = 1; p < dl - 1 && na < 64;) {
				size_t q = p;
				while (q < dl - 1 && ds[q] != ',')
					q++;
				av[na++] = st_intern(s, ds + p, q - p);
				p = q + 1;
				while (p < dl - 1 && ds[p] == ' ')
					p++;
			}
			set_args(eb, e, av, na);
			e = &eb->v[i];
		} else {
			set_args(eb, e, &d, 1);
		}
	}
	/* the enclosing activity that names each CGU thread's module */
	uint32_t act = st_intern_cstr(s, "GenericActivity");
	uint32_t lab = st_intern_cstr(s, "LLVM_thread");
	uint64_t *span = st_xcalloc((size_t)t->nthreads * 2 + 2, sizeof *span);
	for (uint32_t th = 0; th < t->nthreads; th++)
		span[2 * th] = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		uint64_t *sp = &span[2 * eb->v[i].thread];
		sp[0] = eb->v[i].start < sp[0] ? eb->v[i].start : sp[0];
		sp[1] = eb->v[i].end > sp[1] ? eb->v[i].end : sp[1];
	}
	for (uint32_t th = 0; th < t->nthreads; th++)
		if (cgu[th] != ST_NOSTR && span[2 * th] <= span[2 * th + 1])
{
			st_evbuf_add(eb, th, act, lab, span[2 * th], span[2 * th + 1],
			             &cgu[th], 1, 0);
			eb->v[eb->len - 1].seq = 0;   /* encloses an equal event */
		}
	free(span);
	unit_threads(t, n, cgu, act, lab);
	free(fns);
	free(cgu);
}

/* ---- the document --------------------------------------------------------- */

/* Gives back the mapped pages of data[*done, upto) once 1 MiB has been read
 * past *done: they are clean pages of a private file mapping, so the kernel
 * can drop them (and would read them again if touched), and peak memory no
 * longer grows with the file.  Every string kept has been interned. */
static void release_read(const unsigned char *data, size_t *done, size_t upto)
{
	if (upto - *done < ((size_t)1 << 20))
		return;
	long p = sysconf(_SC_PAGESIZE);
	size_t page = p > 0 ? (size_t)p : 4096;
	size_t from = (*done + page - 1) / page * page, to = upto / page * page;
	if (to > from)
		madvise((void *)(data + from), to - from, MADV_DONTNEED);
	*done = to;
}

/* Offset of the document's first byte, past a byte order mark. */
static size_t doc_start(const unsigned char *d, size_t len)
{
	size_t i = ws(d, len, 0);
	if (len - i >= 3 && memcmp(d + i, "\xef\xbb\xbf", 3) == 0)
		i = ws(d, len, i + 3);
	return i;
}

/* Offset of the events array's '[', or 0 (with err) when there is none. */
static size_t find_events(const unsigned char *d, size_t len, char *err,
                          size_t errlen)
{
	size_t i = doc_start(d, len);
	if (i < len && d[i] == '[')
		return i;
	for (i = ws(d, len, i + 1); i < len && d[i] == '"';) {
		size_t ke = string_end(d, len, i);
		bool events = ke && ke - i == 13 && memcmp(d + i, "\"traceEvents\"", 13) == 0;
		size_t v = ke ? ws(d, len, ke) : len;
		if (v >= len || d[v] != ':')
			break;
		v = ws(d, len, v + 1);
		if (events && v < len && d[v] == '[')
			return v;
		size_t ve = value_end(d, len, v);
		if (!ve)
			break;
		i = ws(d, len, ve);
		if (i < len && d[i] == ',')
			i = ws(d, len, i + 1);
	}
	snprintf(err, errlen, "offset %zu: no \"traceEvents\" array in this trace",
	         i < len ? i : len);
	return 0;
}

/* What follows the events array's ']' at d[i]: the other members of the
 * object holding it (when it is one), then nothing but white space.  0:
 * so; 1: the data ends first (a file cut short); -1: something else there
 * (a second document: two traces concatenated, say).  *at: where. */
static int doc_tail(const unsigned char *d, size_t len, size_t i, bool object,
                    size_t *at)
{
	i = ws(d, len, i + 1);
	while (object && i < len && d[i] != '}') {
		size_t k = d[i] == ',' ? ws(d, len, i + 1) : i;
		if (d[i] != ',' || (k < len && d[k] != '"')) {
			*at = d[i] != ',' ? i : k;
			return -1;
		}
		size_t ke = string_end(d, len, k);
		size_t c = ke ? ws(d, len, ke) : len;
		if (c < len && d[c] != ':') {
			*at = c;
			return -1;
		}
		size_t v = c < len ? ws(d, len, c + 1) : len;
		size_t ve = value_end(d, len, v);
		if (!ve) {
			*at = len;
			return 1;
		}
		i = ws(d, len, ve);
	}
	if (object && i >= len) {
		*at = len;
		return 1;
	}
	i = object ? ws(d, len, i + 1) : i;
	*at = i;
	return i < len ? -1 : 0;
}

/* ---- the events array, in one part or two ------------------------------ */

/* Below it one thread reads a trace in about a tenth of a second (h2's 46
 * MB: 0.10 s), and the second part's copy, absorbed at the end, raised
 * its peak by a third (16.8 -> 22.0 MB, above half the file). */
size_t st_trace_split_min = (size_t)48 << 20;

/* Where a walk over elements stopped. */
typedef struct walk {
	size_t next;       /* the offset it stopped at */
	uint64_t events;   /* elements read */
	size_t released;   /* mapped pages given back below this */
	bool closed;       /* it met the array's ']' */
	bool at_stop;      /* it reached an element at or after stop_at */
} walk;

/* The second part, read on a thread of its own. */
typedef struct part {
	tparse t;
	st_evbuf eb;
	st_strtab *strs;
	const unsigned char *data;
	size_t len;
	walk w;
	int rc;
	char err[256];
	atomic_size_t done;       /* how far it has read, for progress */
	atomic_bool stop;         /* the first part asks it to end */
	bool finished;            /* under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
} part;

/* A NUL escaped in a string (\u0000) would end the C string cJSON makes of
 * it, and with it the name: the element's copy, with each such escape
 * written as U+FFFD (as wide, so offsets in messages stay true), or NULL
 * when it has none. */
static char *without_nul_escapes(const unsigned char *d, size_t n)
{
	char *copy = NULL;
	bool in_str = false;
	if (!memchr(d, '\\', n))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '"') {
			in_str = !in_str;
		} else if (in_str && d[i] == '\\' && i + 1 < n) {
			if (d[i + 1] == 'u' && n - i >= 6 && memcmp(d + i + 2, "0000", 4) == 0) {
				if (!copy) {
					copy = st_xmalloc(n);
					memcpy(copy, d, n);
				}
				memcpy(copy + i + 2, "FFFD", 4);
			}
			i++;   /* the escaped byte: a quote there does not end it */
		}
	}
	return copy;
}

static int parse_elements(tparse *t, const unsigned char *data, size_t len,
                          size_t stop_at, part *other, walk *w, char *err,
                          size_t errlen)
{
	st_evbuf *eb = t->eb;
	size_t i = w->next;
	int rc = 0;
	while (i < len) {
		if (data[i] == ']') {
			w->closed = true;
			break;
		}
		if (i >= stop_at) {
			w->at_stop = true;
			break;
		}
		if (data[i] != '{') {
			snprintf(err, errlen, "offset %zu: trace event is not an object", i);
			rc = -1;
			break;
		}
		/* with a second part reading on, progress counts its bytes too */
		size_t told = other ? i + (atomic_load(&other->done) - stop_at) : i;
		if (!st_evbuf_tell(eb, told)) {
			snprintf(err, errlen, "cancelled");
			rc = -1;
			break;
		}
		rawev r;
		size_t e = fast_event(data, len, i, &r);
		if (e) {
			rc = one_event(t, &r, i, err, errlen);
			goto next;
		}
		e = value_end(data, len, i);
		if (!e)
			break;   /* cut inside the last event */
		const char *p = NULL;
		char *fixed = without_nul_escapes(data + i, e - i);
		const char *src = fixed ? fixed : (const char *)data + i;
		cJSON *o = st_json_parse(src, e - i, &p);
		size_t at = !o && p && p >= src && p <= src + (e - i) ? i + (size_t)(p - src) : i;
		free(fixed);
		if (!o) {
			snprintf(err, errlen, "offset %zu: bad JSON in a trace event", at);
			rc = -1;
			break;
		}
		from_cjson(o, &r);
		rc = one_event(t, &r, i, err, errlen);
		cJSON_Delete(o);
	next:
		if (rc || t->gave_up)
			break;
		w->events++;
		if (eb->mapped)
			release_read(data, &w->released, e);
		i = ws(data, len, e);
		if (i < len && data[i] == ',')
			i = ws(data, len, i + 1);
		else if (i < len && data[i] != ']') {
			snprintf(err, errlen, "offset %zu: expected ',' or ']' after a "
			         "trace event", i);
			rc = -1;
			break;
		}
	}
	w->next = i < len ? i : len;
	return rc;
}

static bool part_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)total;
	part *pt = ctx;
	atomic_store(&pt->done, (size_t)done);
	return !atomic_load(&pt->stop);
}

static void *part_main(void *arg)
{
	part *pt = arg;
	pt->rc = parse_elements(&pt->t, pt->data, pt->len, SIZE_MAX, NULL, &pt->w,
	                        pt->err, sizeof pt->err);
	atomic_store(&pt->done, pt->w.next);
	pthread_mutex_lock(&pt->mu);
	pt->finished = true;
	pthread_cond_signal(&pt->cv);
	pthread_mutex_unlock(&pt->mu);
	return NULL;
}

/* Where a second part may start: the element after the first "}," past
 * the middle of [from, len), or 0.  A guess (the bytes may lie inside a
 * string): the first part confirms it by reaching exactly that offset. */
static size_t split_point(const unsigned char *d, size_t len, size_t from)
{
	size_t i = from + (len - from) / 2, limit = i + ((size_t)1 << 20);
	for (limit = limit < len ? limit : len; i < limit; i++) {
		const unsigned char *c = memchr(d + i, '}', limit - i);
		if (!c)
			return 0;
		size_t j = ws(d, len, (size_t)(c - d) + 1);
		i = (size_t)(c - d);
		if (j < len && d[j] == ',') {
			j = ws(d, len, j + 1);
			if (j < len && d[j] == '{')
				return j;
		}
	}
	return 0;
}

static bool part_start(part *pt, pthread_t *th, const unsigned char *data,
                       size_t len, size_t at, bool mapped)
{
	memset(pt, 0, sizeof *pt);
	pt->strs = st_strtab_new();
	pt->eb = (st_evbuf){ .at_unit = "offset", .mapped = mapped,
	                     .progress = part_progress, .progress_ctx = pt,
	                     .total = len };
	pt->t = (tparse){ .strs = pt->strs, .eb = &pt->eb, .second = true,
	                  .s_event = st_intern_cstr(pt->strs, "Event") };
	pt->data = data;
	pt->len = len;
	pt->w.next = at;
	pt->w.released = at;
	atomic_init(&pt->done, at);
	atomic_init(&pt->stop, false);
	st_sync_init(&pt->mu, &pt->cv);
	sigset_t old;
	st_block_async_signals(&old);
	bool ok = pthread_create(th, NULL, part_main, pt) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ok) {
		st_strtab_free(pt->strs);
		pthread_mutex_destroy(&pt->mu);
		pthread_cond_destroy(&pt->cv);
	}
	return ok;
}

/* Waits for the second part, telling progress meanwhile; false when
 * progress said stop (the part is stopped and joined either way). */
static bool part_wait(part *pt, pthread_t th, st_evbuf *eb)
{
	bool go = true;
	pthread_mutex_lock(&pt->mu);
	while (!pt->finished) {
		st_sync_wait(&pt->cv, &pt->mu, 50);
		pthread_mutex_unlock(&pt->mu);
		if (go && !st_evbuf_tell(eb, atomic_load(&pt->done))) {
			go = false;
			atomic_store(&pt->stop, true);
		}
		pthread_mutex_lock(&pt->mu);
	}
	pthread_mutex_unlock(&pt->mu);
	pthread_join(th, NULL);
	return go;
}

static void part_free(part *pt)
{
	st_idmap_free(&pt->t.tid_of);
	free(pt->t.tname);
	free(pt->t.tkey);
	free(pt->t.open);
	free(pt->t.detail);
	st_evbuf_free(&pt->eb);
	st_strtab_free(pt->strs);
	pthread_mutex_destroy(&pt->mu);
	pthread_cond_destroy(&pt->cv);
}

/* Appends the second part's events to the first's, with the string and
 * thread ids one reading of the whole array would have given: its strings
 * interned in the order it first met them, its threads too. */
static void absorb(tparse *t, part *pt)
{
	tparse *u = &pt->t;
	uint32_t ns = st_strtab_count(pt->strs);
	uint32_t *sid = st_xreallocarray(NULL, ns ? ns : 1, sizeof *sid);
	for (uint32_t i = 0; i < ns; i++)
		sid[i] = st_intern(t->strs, st_str(pt->strs, i), st_strlen(pt->strs, i));
	uint32_t *tid = st_xreallocarray(NULL, u->nthreads ? u->nthreads : 1,
	                                 sizeof *tid);
	for (uint32_t i = 0; i < u->nthreads; i++) {
		tid[i] = thread_of_key(t, u->tkey[i]);
		if (u->tname[i] != ST_NOSTR)
			t->tname[tid[i]] = sid[u->tname[i]];
	}
	/* the copied events are given back behind, so that both copies of the
	 * second half are not held at once (for a trace of few paths, the
	 * events are the peak) */
	st_evbuf *ub = &pt->eb;
	size_t bytes = ub->cap * sizeof *ub->v, given = 0;
	size_t abytes = ub->argcap * sizeof *ub->args, agiven = 0;
	uint32_t av[MAX_ARGS];
	for (size_t i = 0; i < ub->len; i++) {
		const st_fev *f = &ub->v[i];
		for (uint32_t k = 0; k < f->nargs; k++)
			av[k] = sid[ub->args[f->arg0 + k]];
		uint32_t d = u->detail[i];
		add_event(t, tid[f->thread], sid[f->kind], sid[f->label], f->start,
		          f->end, av, f->nargs, d == ST_NOSTR ? ST_NOSTR : sid[d], f->at);
		if (i * sizeof *f - given >= ((size_t)4 << 20)) {
			st_big_release(ub->v, bytes, given, i * sizeof *f);
			given = i * sizeof *f;
			size_t a = (size_t)f->arg0 * sizeof *ub->args;
			st_big_release(ub->args, abytes, agiven, a);
			agiven = a;
		}
	}
	t->any_detail |= u->any_detail;
	t->any_cat |= u->any_cat;
	t->skipped_ph += u->skipped_ph;
	free(tid);
	free(sid);
}

int st_trace_parse(const unsigned char *data, size_t len, st_strtab *strs,
                   st_evbuf *eb, char *warn, size_t warnlen, char *err,
                   size_t errlen)
{
	size_t i = find_events(data, len, err, errlen), j = ws(data, len, 0);
	if (i == 0 && (j >= len || data[j] != '['))
		return -1;
	tparse t = { .strs = strs, .eb = eb,
	             .s_event = st_intern_cstr(strs, "Event") };
	walk w = { .next = ws(data, len, i + 1) };
	eb->parts = 1;
	/* A large array is read in two parts at once; the second is kept when
	 * the first ends exactly where it began and it gave nothing up, else
	 * the first reads on. */
	part pt;
	pthread_t th;
	size_t split = eb->threads > 1 && len - w.next >= st_trace_split_min
	               ? split_point(data, len, w.next) : 0;
	bool two = split && part_start(&pt, &th, data, len, split, eb->mapped);
	int rc = parse_elements(&t, data, len, two ? split : SIZE_MAX,
	                        two ? &pt : NULL, &w, err, errlen);
	if (two) {
		bool joined = rc == 0 && w.at_stop && w.next == split;
		if (!joined)
			atomic_store(&pt.stop, true);
		if (!part_wait(&pt, th, eb) && rc == 0) {
			snprintf(err, errlen, "cancelled");
			rc = -1;
		}
		if (rc == 0 && joined && pt.rc != 0 && !pt.t.gave_up) {
			snprintf(err, errlen, "%s", pt.err);
			rc = -1;
			eb->parts = 2;
		} else if (rc == 0 && joined && !pt.t.gave_up) {
			absorb(&t, &pt);
			eb->parts = 2;
			w.next = pt.w.next;
			w.closed = pt.w.closed;
			w.events += pt.w.events;
		}
		part_free(&pt);
		/* not joined, or the second part gave up: the first reads on */
		if (rc == 0 && !w.closed && w.next < len)
			rc = parse_elements(&t, data, len, SIZE_MAX, NULL, &w, err, errlen);
	}
	size_t tail_at = 0;
	int tail = rc == 0 && w.closed
	           ? doc_tail(data, len, w.next, doc_start(data, len) != i, &tail_at)
	           : 0;
	if (tail < 0) {
		snprintf(err, errlen, "offset %zu: data after the end of the trace "
		         "(one JSON document per file)", tail_at);
		rc = -1;
	}
	if (rc == 0) {
		if (!w.closed || tail > 0)
			snprintf(warn, warnlen, "offset %zu: trace cut short; loading "
			         "the %llu events before it",
			         w.closed ? tail_at : w.next, (unsigned long long)w.events);
		else if (t.nopen || t.unmatched)
			snprintf(warn, warnlen, "%llu \"B\" events without an \"E\" and "
			         "%llu \"E\" without a \"B\" skipped",
			         (unsigned long long)t.nopen,
			         (unsigned long long)t.unmatched);
		if (t.any_detail && !t.any_cat)
			to_llvm(&t);
	}
	st_idmap_free(&t.tid_of);
	free(t.tname);
	free(t.tkey);
	free(t.open);
	free(t.detail);
	return rc;
}
