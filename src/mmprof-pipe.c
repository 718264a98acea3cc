/* mmprof-pipe.c: a profile decoded on other threads and built on the
 * calling one (see mmprof-pipe.h).
 *
 * Decoding takes most of a large profile's time (string expansion), so
 * several decoders share it: the events, in the order they are fed (last
 * first), are cut into chunks of CHUNK, which the decoders take in order,
 * each the next when it is done with one.  Each decoder is a twin of the
 * first (st_mmprof_open_twin: the file's layout and index, read once, are
 * shared) and interns into a strtab of its own; it fills batches of
 * events into a ring of its own, RING of them, and waits when the ring is
 * full.  The calling thread takes the chunks in order, each from its
 * decoder's ring, and builds.  An
 * event's query key is kept in place when it points into the file, else
 * copied into its batch, and so are the strings its decoder interned since
 * its previous event; argument tuples live in their decoder until
 * st_mmprof_close and are translated to model ids once per tuple.
 * Decoder errors, builder errors and cancelling come out as from
 * st_mmprof_feed, the earliest event first: every event fed before a
 * decoder error is built first. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stalactite/async-kind.h"
#include "stalactite/idmap.h"
#include "stalactite/mmprof-pipe.h"
#include "stalactite/threads.h"
#include "stalactite/xalloc.h"

#define BATCH 1024                     /* events per batch */
#define BATCH_KEYS ((size_t)256 << 10) /* or copied key bytes, whichever first */
#define CHUNK ((uint64_t)16 * BATCH)   /* events per chunk */
#define RING 32                        /* batches per decoder: two chunks */
#define WAIT_MS 40                     /* progress while decoders are slow */
#define NO_KEY SIZE_MAX
#define NO_OWNER UINT32_MAX
#define ARGS_CHUNK 65536               /* uint32_t per block of tuples */

typedef struct pev {
	st_event e;        /* kind, label and args in the decoder's ids */
	uint64_t at;       /* file offset, for the builder's errors */
	uint32_t strs;     /* the batch's strings up to here come before it */
	size_t key;        /* offset in keys, or NO_KEY: e.key (in the file) */
} pev;

typedef struct batch {
	pev *v;
	uint32_t len;
	bool last;         /* the end of its chunk */
	int rc;            /* with last: the decoder's result for the chunk */
	char *text;        /* new strings, back to back */
	size_t tlen, tcap;
	uint32_t *slen;
	uint32_t nstr, capstr;
	char *keys;
	size_t klen, kcap;
} batch;

typedef struct args_block {
	struct args_block *next;
	uint32_t used;
	uint32_t ids[ARGS_CHUNK];
} args_block;

typedef struct dec {
	struct st_mmprof_pipe *pp;
	st_mmprof *p;
	st_strtab *local;
	bool owned;                /* p and local are the pipe's */
	uint32_t index;
	/* the calling thread's side */
	uint32_t *map;             /* local id -> global id */
	uint32_t nmap, capmap;
	uint32_t **single;         /* local id -> its one-argument tuple */
	uint32_t nsingle;
	st_idmap targs;            /* tuple address -> tv index */
	const uint32_t **tv;
	uint32_t ntv, captv;
	args_block *blocks;
	/* the decoder's side */
	uint32_t shipped;          /* local ids shipped so far */
	char err[512];
	/* under pp->mu */
	batch b[RING];
	uint64_t produced, consumed;
	bool finished;
	pthread_t th;
	bool started;
} dec;

struct st_mmprof_pipe {
	st_mmprof *p;
	const unsigned char *data;
	size_t len;
	st_strtab *global;
	dec *d;
	uint32_t nd;
	uint64_t events, nchunks;
	uint32_t *owner;           /* chunk -> decoder, NO_OWNER: not taken yet */
	uint64_t next_chunk;       /* the next to take; under mu */
	uint32_t running;          /* decoders not finished; under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* a batch was handed over or given back */
	atomic_bool stop;
	atomic_uint next_run;      /* the sweep's next run to take */
	unsigned runs;
	bool inline_mode;          /* no thread: batches built as they fill */
	/* the calling thread's side */
	st_builder *bld;
	st_progress_fn progress;
	void *progress_ctx;
	uint64_t built, told;
	uint64_t released;         /* the file is given back from here on */
	bool failed, cancelled;
	char *out;
	size_t outlen;
};

static void add_string(dec *d, st_strtab *global, const char *s, size_t n)
{
	if (d->nmap == d->capmap) {
		d->capmap = d->capmap ? d->capmap * 2 : 4096;
		d->map = st_xreallocarray(d->map, d->capmap, sizeof *d->map);
	}
	d->map[d->nmap++] = st_intern(global, s, n);
}

/* What opening interned, taken over in id order (a second decoder's are
 * the first's again: no new ids). */
static void take_opened(dec *d, st_strtab *global)
{
	uint32_t n = st_strtab_count(d->local);
	for (uint32_t id = 0; id < n; id++)
		add_string(d, global, st_str(d->local, id), st_strlen(d->local, id));
	d->shipped = n;
}

st_mmprof_pipe *st_mmprof_pipe_new(st_mmprof *p, st_strtab *local,
                                   st_strtab *global, const unsigned char *data,
                                   size_t len, unsigned decoders)
{
	st_mmprof_pipe *pp = st_xcalloc(1, sizeof *pp);
	pp->p = p;
	pp->data = data;
	pp->len = len;
	pp->released = len;
	pp->global = global;
	pp->d = st_xcalloc(decoders ? decoders : 1, sizeof *pp->d);
	pp->d[0] = (dec){ .pp = pp, .p = p, .local = local };
	pp->nd = 1;
	take_opened(&pp->d[0], global);
	pp->events = st_mmprof_get_info(p)->events;
	pp->nchunks = (pp->events + CHUNK - 1) / CHUNK;
	pp->owner = st_xmalloc(((size_t)pp->nchunks + 1) * sizeof *pp->owner);
	memset(pp->owner, 0xff, ((size_t)pp->nchunks + 1) * sizeof *pp->owner);
	for (unsigned k = 1; k < decoders && (uint64_t)k * CHUNK < pp->events; k++) {
		dec *d = &pp->d[pp->nd];
		*d = (dec){ .pp = pp, .index = pp->nd, .owned = true,
		            .local = st_strtab_new() };
		d->p = st_mmprof_open_twin(p, d->local);
		take_opened(d, global);
		pp->nd++;
	}
	return pp;
}

void st_mmprof_pipe_free(st_mmprof_pipe *pp)
{
	if (!pp)
		return;
	for (uint32_t k = 0; k < pp->nd; k++) {
		dec *d = &pp->d[k];
		for (int i = 0; i < RING; i++) {
			free(d->b[i].v);
			free(d->b[i].text);
			free(d->b[i].slen);
			free(d->b[i].keys);
		}
		while (d->blocks) {
			args_block *next = d->blocks->next;
			free(d->blocks);
			d->blocks = next;
		}
		st_idmap_free(&d->targs);
		free(d->tv);
		free(d->single);
		free(d->map);
		if (d->owned) {
			st_mmprof_close(d->p);
			st_strtab_free(d->local);
		}
	}
	free(pp->d);
	free(pp->owner);
	free(pp);
}

/* ---- the calling thread: building ------------------------------------------ */

static uint32_t *args_alloc(dec *d, uint32_t n)
{
	args_block *bl = d->blocks;
	if (!bl || bl->used + n > ARGS_CHUNK) {
		bl = st_xmalloc(sizeof *bl);
		bl->used = 0;
		bl->next = d->blocks;
		d->blocks = bl;
	}
	bl->used += n;
	return bl->ids + bl->used - n;
}

static const uint32_t *translate_args(dec *d, const uint32_t *args, uint32_t n)
{
	if (n == 1) {   /* most events: a dense array instead of a hash */
		uint32_t id = args[0];
		if (id >= d->nsingle) {
			uint32_t m = d->nsingle ? d->nsingle : 1024;
			while (m <= id)
				m *= 2;
			d->single = st_xreallocarray(d->single, m, sizeof *d->single);
			memset(d->single + d->nsingle, 0,
			       (size_t)(m - d->nsingle) * sizeof *d->single);
			d->nsingle = m;
		}
		if (!d->single[id]) {
			d->single[id] = args_alloc(d, 1);
			*d->single[id] = d->map[id];
		}
		return d->single[id];
	}
	uint64_t key = (uint64_t)(uintptr_t)args;   /* a tuple never changes */
	uint32_t k = st_idmap_get(&d->targs, key);
	if (k != ST_IDMAP_NONE)
		return d->tv[k];
	uint32_t *t = args_alloc(d, n);
	for (uint32_t i = 0; i < n; i++)
		t[i] = d->map[args[i]];
	if (d->ntv == d->captv) {
		d->captv = d->captv ? d->captv * 2 : 1024;
		d->tv = st_xreallocarray(d->tv, d->captv, sizeof *d->tv);
	}
	d->tv[d->ntv] = t;
	st_idmap_put(&d->targs, key, d->ntv++);
	return t;
}

/* The batch's strings up to number upto, from *si (*off in text). */
static void take_strings(dec *d, const batch *bt, uint32_t upto, uint32_t *si,
                         size_t *off)
{
	for (; *si < upto; ++*si) {
		add_string(d, d->pp->global, bt->text + *off, bt->slen[*si]);
		*off += bt->slen[*si];
	}
}

/* The builder's hint (st_builder_hint) for event v into h; false when v is
 * not an interval or names strings that have no model ids yet. */
static bool hint_of(const dec *d, const pev *v, st_hint *h)
{
	const st_event *e = &v->e;
	if (e->type != ST_EV_INTERVAL || e->kind >= d->nmap ||
	    e->label >= d->nmap || (e->nargs && e->args[0] >= d->nmap))
		return false;
	*h = (st_hint){ .thread = e->thread, .kind = d->map[e->kind],
	                .label = d->map[e->label], .nargs = e->nargs,
	                .arg0 = e->nargs ? d->map[e->args[0]] : 0,
	                .start = e->start, .end = e->end };
	return true;
}

static bool build_batch(dec *d, const batch *bt)
{
	st_mmprof_pipe *pp = d->pp;
	uint32_t si = 0;
	size_t off = 0;
	for (uint32_t i = 0; i < bt->len; i++) {
		const pev *v = &bt->v[i];
		take_strings(d, bt, v->strs, &si, &off);
		st_hint h[ST_HINTS];
		uint32_t nh = 0;
		while (nh < ST_HINTS && i + 1 + nh < bt->len &&
		       hint_of(d, &bt->v[i + 1 + nh], &h[nh]))
			nh++;
		st_builder_hint(pp->bld, h, nh);
		st_event e = v->e;
		e.kind = d->map[e.kind];
		e.label = d->map[e.label];
		e.args = e.nargs ? translate_args(d, e.args, e.nargs) : NULL;
		if (v->key != NO_KEY)
			e.key = bt->keys + v->key;
		const char *why = "event cannot be placed";
		if (!st_builder_event(pp->bld, &e, &why)) {
			snprintf(pp->out, pp->outlen, "offset %llu: %s",
			         (unsigned long long)v->at, why);
			pp->failed = true;
			return false;
		}
	}
	take_strings(d, bt, bt->nstr, &si, &off);
	pp->built += bt->len;
	return true;
}

/* Progress in bytes of the file, from the events built; false: cancelled. */
static bool tell(st_mmprof_pipe *pp)
{
	uint64_t done = pp->events ? (uint64_t)((double)pp->built /
	                             (double)pp->events * (double)pp->len) : 0;
	if (!pp->progress || done == pp->told)
		return true;
	pp->told = done;
	if (pp->progress(pp->progress_ctx, done, pp->len))
		return true;
	pp->cancelled = true;
	return false;
}

/* ---- the decoders' threads -------------------------------------------------- */

static void reset(batch *bt)
{
	bt->len = bt->nstr = 0;
	bt->tlen = bt->klen = 0;
	bt->last = false;
	bt->rc = 0;
}

static void grow(char **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 65536;
	while (c < need)
		c *= 2;
	*p = st_xrealloc(*p, c);
	*cap = c;
}

static batch *filling(dec *d)
{
	batch *bt = &d->b[d->pp->inline_mode ? 0 : d->produced % RING];
	if (!bt->v)
		bt->v = st_xmalloc(BATCH * sizeof *bt->v);
	return bt;
}

/* The strings interned since the last event go with the next one. */
static void ship_strings(dec *d, batch *bt)
{
	uint32_t n = st_strtab_count(d->local);
	for (; d->shipped < n; d->shipped++) {
		size_t len = st_strlen(d->local, d->shipped);
		grow(&bt->text, &bt->tcap, bt->tlen + len);
		memcpy(bt->text + bt->tlen, st_str(d->local, d->shipped), len);
		bt->tlen += len;
		if (bt->nstr == bt->capstr) {
			bt->capstr = bt->capstr ? bt->capstr * 2 : 1024;
			bt->slen = st_xreallocarray(bt->slen, bt->capstr, sizeof *bt->slen);
		}
		bt->slen[bt->nstr++] = (uint32_t)len;
	}
}

/* Hands the batch being filled over and waits for a free one. */
static void hand_over(dec *d)
{
	st_mmprof_pipe *pp = d->pp;
	if (pp->inline_mode) {
		batch *bt = &d->b[0];
		if (!pp->failed && !pp->cancelled && build_batch(d, bt))
			tell(pp);
		if (pp->failed || pp->cancelled)
			atomic_store(&pp->stop, true);
		reset(bt);
		return;
	}
	pthread_mutex_lock(&pp->mu);
	d->produced++;
	pthread_cond_broadcast(&pp->cv);
	while (d->produced - d->consumed >= RING && !atomic_load(&pp->stop))
		pthread_cond_wait(&pp->cv, &pp->mu);
	pthread_mutex_unlock(&pp->mu);
	reset(&d->b[d->produced % RING]);
}

static bool sink(void *ctx, const st_event *e, uint64_t at, const char **why)
{
	dec *d = ctx;
	st_mmprof_pipe *pp = d->pp;
	if (atomic_load(&pp->stop)) {   /* only an error or cancelling is left */
		*why = "cancelled";
		return false;
	}
	batch *bt = filling(d);
	ship_strings(d, bt);
	pev *v = &bt->v[bt->len++];
	*v = (pev){ .e = *e, .at = at, .strs = bt->nstr, .key = NO_KEY };
	const unsigned char *k = (const unsigned char *)e->key;
	/* the builder only scans a key for evidence (there is no hook): one
	 * that holds none need not go, and most do not */
	if (k && !st_async_evidence_may_hold(e->key, e->keylen))
		k = NULL;
	if (!k)
		v->e.key = NULL;
	if (k && !(k >= pp->data && k + e->keylen <= pp->data + pp->len)) {
		/* not in the file: the decoder's buffer, valid during the call */
		grow(&bt->keys, &bt->kcap, bt->klen + e->keylen + 1);
		memcpy(bt->keys + bt->klen, e->key, e->keylen);
		v->key = bt->klen;
		v->e.key = NULL;
		bt->klen += e->keylen;
	}
	if (bt->len == BATCH || bt->klen >= BATCH_KEYS)
		hand_over(d);
	return true;
}

static bool decoder_progress(void *ctx, uint64_t done, uint64_t total)
{
	dec *d = ctx;
	(void)done;
	(void)total;
	return !atomic_load(&d->pp->stop);
}

/* The next chunk for decoder d, or UINT64_MAX when none is left. */
static uint64_t take_chunk(dec *d)
{
	st_mmprof_pipe *pp = d->pp;
	uint64_t c = UINT64_MAX;
	if (pp->inline_mode)
		return pp->next_chunk < pp->nchunks ? pp->next_chunk++ : UINT64_MAX;
	pthread_mutex_lock(&pp->mu);
	if (pp->next_chunk < pp->nchunks && !atomic_load(&pp->stop)) {
		c = pp->next_chunk++;
		pp->owner[c] = d->index;
		pthread_cond_broadcast(&pp->cv);
	}
	pthread_mutex_unlock(&pp->mu);
	return c;
}

/* Chunks for decoder d, each ended by a batch marked last (with the
 * chunk's result), until none is left or one failed. */
static void decode(dec *d)
{
	st_mmprof_pipe *pp = d->pp;
	for (uint64_t c; (c = take_chunk(d)) != UINT64_MAX;) {
		uint64_t hi = pp->events - c * CHUNK;
		uint64_t lo = hi > CHUNK ? hi - CHUNK : 0;
		int rc = st_mmprof_feed_range(d->p, NULL, lo, hi, decoder_progress, d,
		                              d->err, sizeof d->err);
		batch *bt = filling(d);
		ship_strings(d, bt);
		bt->last = true;
		bt->rc = rc;
		if (pp->inline_mode && rc != 0) {   /* as the batch would say it */
			if (!pp->failed && !pp->cancelled && build_batch(d, bt)) {
				snprintf(pp->out, pp->outlen, "%s", d->err);
				pp->failed = true;
			}
			return;
		}
		hand_over(d);
		if (rc != 0 || atomic_load(&pp->stop))
			break;
	}
	if (pp->inline_mode)
		return;
	pthread_mutex_lock(&pp->mu);
	d->finished = true;
	pp->running--;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

static void *decoder(void *arg)
{
	decode(arg);
	return NULL;
}

/* ---- feeding ------------------------------------------------------------------ */

/* Waits for decoder d's next batch, telling progress meanwhile; NULL when
 * cancelled, or when d stopped (only after a stop). */
static batch *next_batch(st_mmprof_pipe *pp, dec *d)
{
	pthread_mutex_lock(&pp->mu);
	while (d->consumed == d->produced && !d->finished) {
		st_sync_wait(&pp->cv, &pp->mu, WAIT_MS);
		pthread_mutex_unlock(&pp->mu);
		bool ok = tell(pp);
		pthread_mutex_lock(&pp->mu);
		if (!ok)
			break;
	}
	batch *bt = d->consumed < d->produced && !pp->cancelled
	            ? &d->b[d->consumed % RING] : NULL;
	pthread_mutex_unlock(&pp->mu);
	return bt;
}

static void given_back(st_mmprof_pipe *pp, dec *d)
{
	pthread_mutex_lock(&pp->mu);
	d->consumed++;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/* The decoder of chunk c once one took it; NULL when cancelled or when
 * none will (only after a stop). */
static dec *owner_of(st_mmprof_pipe *pp, uint64_t c)
{
	pthread_mutex_lock(&pp->mu);
	while (pp->owner[c] == NO_OWNER && pp->running > 0 && !pp->cancelled) {
		st_sync_wait(&pp->cv, &pp->mu, WAIT_MS);
		pthread_mutex_unlock(&pp->mu);
		tell(pp);
		pthread_mutex_lock(&pp->mu);
	}
	dec *d = pp->owner[c] != NO_OWNER && !pp->cancelled ? &pp->d[pp->owner[c]]
	                                                    : NULL;
	pthread_mutex_unlock(&pp->mu);
	return d;
}

/* Builds the chunks in order; false on an error or when cancelled. */
static bool build_all(st_mmprof_pipe *pp)
{
	for (uint64_t c = 0; c < pp->nchunks; c++) {
		dec *d = owner_of(pp, c);
		if (!d)
			return false;
		for (;;) {
			batch *bt = next_batch(pp, d);
			if (!bt)
				return false;
			bool ok = build_batch(d, bt) && tell(pp);
			bool last = bt->last;
			int rc = bt->rc;
			given_back(pp, d);
			if (!ok)
				return false;
			if (last && rc != 0) {   /* every event before it is built */
				snprintf(pp->out, pp->outlen, "%s", d->err);
				pp->failed = true;
				return false;
			}
			if (last)
				break;
		}
		/* every decoder is on a later chunk: all after it is done with */
		if (c + 1 < pp->nchunks)
			st_mmprof_release_after(pp->p, pp->events - (c + 1) * CHUNK - 1,
			                        &pp->released);
	}
	return true;
}

/* ---- the sweep ---------------------------------------------------------------- */

typedef struct sweeper {
	st_mmprof_pipe *pp;
	st_async_evidence *ev;
	pthread_t th;
} sweeper;

/* The string pages are cut in SLICES runs per thread, taken in turn by
 * whichever thread is free: the runs are not alike (the calling thread
 * also sorted the index first). */
#define SLICES 8

static void scan_into(void *ctx, const char *s, size_t n)
{
	st_async_evidence_scan(ctx, s, n);
}

/* The other threads stop when the calling thread was told to. */
static bool sweep_go(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	return !atomic_load(&((st_mmprof_pipe *)ctx)->stop);
}

/* The calling thread's runs: progress says whether to go on. */
static bool sweep_tell(void *ctx, uint64_t done, uint64_t total)
{
	st_mmprof_pipe *pp = ctx;
	if (!pp->progress || pp->progress(pp->progress_ctx, done, total))
		return true;
	atomic_store(&pp->stop, true);
	pp->cancelled = true;
	return false;
}

/* Sweeps runs until none is left or the sweep was stopped. */
static void sweep_runs(st_mmprof_pipe *pp, st_mmprof_text_fn scan, void *ctx,
                       st_progress_fn go)
{
	for (unsigned k; !atomic_load(&pp->stop) &&
	     (k = atomic_fetch_add(&pp->next_run, 1)) < pp->runs;)
		st_mmprof_sweep_part(pp->p, k, pp->runs, scan, ctx, go, pp);
}

static void *sweep_thread(void *arg)
{
	sweeper *w = arg;
	sweep_runs(w->pp, scan_into, w->ev, sweep_go);
	return NULL;
}

/* The file's strings swept before its events are decoded (mmprof.h), on
 * as many threads as there are decoders, the others with evidence of their
 * own, added to the builder's after (a union: the same whichever thread
 * swept which run); then every decoder has the labels. */
static void sweep(st_mmprof_pipe *pp, st_builder *b)
{
	st_mmprof_sweep_begin(pp->p);
	sweeper *w = st_xcalloc(pp->nd, sizeof *w);
	sigset_t old;
	st_block_async_signals(&old);
	unsigned started = 0;
	pp->runs = pp->nd > 1 ? pp->nd * SLICES : 1;
	atomic_store(&pp->next_run, 0);
	for (unsigned k = 1; k < pp->nd; k++) {
		w[k] = (sweeper){ .pp = pp, .ev = st_async_evidence_new() };
		if (pthread_create(&w[k].th, NULL, sweep_thread, &w[k]) != 0) {
			st_async_evidence_free(w[k].ev);
			break;
		}
		started = k;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* runs no thread took are swept here */
	sweep_runs(pp, st_builder_scan_text, b, sweep_tell);
	for (unsigned k = 1; k <= started; k++) {
		pthread_join(w[k].th, NULL);
		st_builder_add_evidence(b, w[k].ev);
		st_async_evidence_free(w[k].ev);
	}
	free(w);
	st_mmprof_sweep_end(pp->p);
	for (uint32_t k = 1; k < pp->nd; k++)
		st_mmprof_sweep_share(pp->d[k].p, pp->p);
}

int st_mmprof_pipe_feed(st_mmprof_pipe *pp, st_builder *b,
                        st_progress_fn progress, void *progress_ctx,
                        char *err, size_t errlen)
{
	pp->bld = b;
	pp->progress = progress;
	pp->progress_ctx = progress_ctx;
	pp->out = err;
	pp->outlen = errlen;
	for (uint32_t k = 0; k < pp->nd; k++)
		st_mmprof_set_sink(pp->d[k].p, sink, &pp->d[k]);
	if (!st_builder_has_hook(b))
		sweep(pp, b);
	else
		st_mmprof_prefault(pp->p);   /* keys at random; ranges give no pages back */
	if (pp->cancelled) {
		snprintf(err, errlen, "cancelled");
		return -2;
	}
	st_sync_init(&pp->mu, &pp->cv);
	/* signals sent to the process stay with the calling thread */
	sigset_t old;
	st_block_async_signals(&old);
	uint32_t started = 0;
	pthread_mutex_lock(&pp->mu);   /* running counts before any can end */
	for (uint32_t k = 0; k < pp->nd; k++) {
		if (pthread_create(&pp->d[k].th, NULL, decoder, &pp->d[k]) != 0)
			break;
		pp->d[k].started = true;
		pp->running = ++started;
	}
	pthread_mutex_unlock(&pp->mu);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	bool ok;
	if (started) {   /* those that did not start take no chunk */
		ok = build_all(pp);
		pthread_mutex_lock(&pp->mu);
		if (!ok)
			atomic_store(&pp->stop, true);
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		for (uint32_t k = 0; k < started; k++)
			pthread_join(pp->d[k].th, NULL);
	} else {         /* no thread: decoded and built here, batch by batch */
		pp->inline_mode = true;
		decode(&pp->d[0]);
		ok = !pp->failed && !pp->cancelled;
	}
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
	for (uint32_t k = 0; k < pp->nd; k++)
		st_mmprof_set_sink(pp->d[k].p, NULL, NULL);
	if (pp->failed)
		return -1;
	if (!pp->cancelled && ok && pp->progress &&
	    !pp->progress(pp->progress_ctx, pp->len, pp->len))
		pp->cancelled = true;   /* the last call, as st_mmprof_feed makes */
	if (pp->cancelled) {
		snprintf(err, errlen, "cancelled");
		return -2;
	}
	return 0;
}
