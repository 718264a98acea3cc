/* load-jobs.c: the files of a load on several threads.
 *
 * Files load on worker threads, each into a model and builder of its own
 * (nothing is shared while events are read), and the calling thread merges
 * them into the build's model one by one in file order (st_builder_merge),
 * which gives the model one thread builds, whatever the thread count and
 * timing.  At each file's turn the calling thread also does what must
 * happen in file order or on its own thread: the file's warnings and crate
 * note, cargo timings (loaded there and then from the bytes the worker
 * kept: they go straight into the build's model and depend on the timings
 * before them, and a pipe cannot be read again), the first error in
 * file order.  While it waits it calls the progress callback every
 * PROGRESS_MS with the bytes all workers have done.  Cancelling, or a file
 * that failed, stops the workers at their next progress step (a MiB of
 * events).  Half the workers take the largest file not yet started, the
 * others the next in file order (see pick); a file other than the first
 * one not yet merged starts only while what the started files hold stays
 * under HELD: a file being read holds its size (its pages are mapped), a
 * file read its model until merged.  That bounds the peak memory (a whole
 * tokio+hyper build: BENCHMARKS.md), but it also keeps the largest files
 * of a build, which take most of its time, from all loading beside each
 * other: so a file of PIPE_MIN or more (or an eighth of all) that starts
 * while a core is idle (the others have no file left, or there are more
 * cores than workers) is decoded by two threads more while its worker
 * builds (mmprof-pipe.h).  Not while every core has a worker: there the
 * extra threads only took turns with the other workers (on the 65-file
 * build with two workers on two cores, 12% more wall time). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "stalactite/builder.h"
#include "stalactite/threads.h"
#include "stalactite/xalloc.h"
#include "load-internal.h"

#define PROGRESS_MS 40
/* 512 MiB lets two of a build's largest profiles (230-260 MB) load beside
 * each other: on the tokio+hyper build 9 % less wall time than 256 MiB,
 * peak RSS 400 MB instead of 368 MB (BENCHMARKS.md, "Parallel loading") */
#define HELD ((uint64_t)512 << 20)
#define PIPE_MIN ((uint64_t)64 << 20)

/* Moves pos past the files started; true when none is left. */
static bool all_started(jobs *js)
{
	while (js->pos < js->n && js->v[js->order[js->pos]].started)
		js->pos++;
	return js->pos == js->n;
}

/* The file a worker starts next, or NULL to wait.  Half the workers take
 * the largest file not yet started (the longest files must not start
 * last), the others the first in file order (so that merging, which goes
 * in file order, keeps up and the models it waits for are few), each
 * while the budget allows it; and else the first file not yet merged if
 * it has not started (what every later merge waits for: it may always
 * start, so the load always moves). */
static job *pick(jobs *js, bool largest)
{
	if (all_started(js))
		return NULL;
	while (js->first < js->n && js->v[js->first].started)
		js->first++;
	job *j = largest ? &js->v[js->order[js->pos]] : &js->v[js->first];
	if (js->held + j->in->size <= HELD)
		return j;
	if (js->merged < js->n && !js->v[js->merged].started)
		return &js->v[js->merged];
	return NULL;
}

typedef struct sized {
	uint64_t size;
	size_t i;
} sized;

static int by_size_desc(const void *a, const void *b)
{
	const sized *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void run_job(jobs *js, job *j)
{
	const loader *ld = js->ld;
	loader w = { .opts = ld->opts, .limit = ld->limit, .in_limit = ld->in_limit,
	             .total = ld->total, .size = j->in->size, .job = j, .jobs = js };
	/* and a file with an eighth of the build's bytes: without it the other
	 * files would wait for it at the end */
	w.pipe = j->spare && (j->in->size >= PIPE_MIN || j->in->size >= ld->total / 8)
	         ? 2 : 0;
	j->m = w.m = st_model_new();
	j->b = st_builder_new(j->m);
	j->rc = load_one(&w, j->b, j->in, j->err, sizeof j->err);
	st_builder_trim(j->b);   /* it may wait a while for its turn */
}

static void *worker(void *arg)
{
	jobs *js = arg;
	pthread_mutex_lock(&js->mu);
	bool largest = js->workers++ % 2 == 1;
	for (;;) {
		job *j = NULL;
		while (!atomic_load(&js->stop) && !all_started(js) &&
		       !(j = pick(js, largest)))
			pthread_cond_wait(&js->cv, &js->mu);
		if (atomic_load(&js->stop) || !j)
			break;
		j->started = true;
		j->spare = ++js->running < js->cores;
		j->held = j->in->size;   /* its pages, mapped */
		js->held += j->held;
		pthread_mutex_unlock(&js->mu);
		run_job(js, j);
		pthread_mutex_lock(&js->mu);
		js->running--;
		js->held -= j->held;
		/* now its model, or the timings it keeps */
		j->held = (j->m ? st_model_bytes(j->m) : 0) + j->tlen;
		js->held += j->held;
		j->finished = true;
		pthread_cond_broadcast(&js->cv);
	}
	pthread_mutex_unlock(&js->mu);
	return NULL;
}

static void free_job(job *j)
{
	st_builder_free(j->b);
	st_model_free(j->m);
	for (size_t k = 0; k < j->nwarns; k++)
		free(j->warns[k]);
	free(j->warns);
	free(j->crate);
	free(j->tdata);
	free(j->tname);
	free(j->tcut);
	j->b = NULL;
	j->m = NULL;
	j->warns = NULL;
	j->crate = NULL;
	j->nwarns = 0;
	j->tdata = NULL;
	j->tname = j->tcut = NULL;
}

/* A finished file at its turn: what it told, then its model merged. */
static int take_job(loader *ld, st_builder *b, job *j, char *err,
                    size_t errlen)
{
	for (size_t k = 0; k <= j->nwarns; k++) {
		if (j->crate && k == j->crate_at)
			load_note_crate(ld, j->crate, j->kind, j->in->path);
		if (k < j->nwarns)
			ld->opts->warn(ld->opts->warn_ctx, j->warns[k]);
	}
	if (j->rc != 0) {
		snprintf(err, errlen, "%s", j->err);
		return 1;
	}
	if (j->timings)
		return load_timings(ld, j->in, j->tname, j->tdata, j->tlen,
		                    j->timings_log, j->tcut, err, errlen);
	/* each builder checked its own sum; the build's is checked here */
	if (st_builder_time(j->b) > ST_MAX_LOAD_NS - st_builder_time(b)) {
		snprintf(err, errlen, "%s: the load's events add up to more than "
		         "2^61 ns", j->in->path);
		return 1;
	}
	st_builder_merge(b, j->b);
	return 0;
}

/* Bytes done: base (the files merged) and how far the others are. */
static uint64_t jobs_done(jobs *js, uint64_t base)
{
	for (size_t i = js->merged; i < js->n; i++)
		base += atomic_load_explicit(&js->v[i].done, memory_order_relaxed);
	return base;
}

/* Loads every input with nthreads workers into b; returns as the loop
 * over files would, or -1 when no thread could be started. */
int load_jobs(loader *ld, st_builder *b, unsigned nthreads, char *err,
              size_t errlen)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	jobs js = { .n = ld->l.len, .ld = ld,
	            .cores = cores > 0 && cores < 4096 ? (unsigned)cores : 1 };
	js.v = st_xcalloc(js.n, sizeof *js.v);
	js.order = st_xmalloc(js.n * sizeof *js.order);
	sized *by = st_xmalloc(js.n * sizeof *by);
	for (size_t i = 0; i < js.n; i++) {
		js.v[i].in = &ld->l.v[i];
		atomic_init(&js.v[i].done, 0);
		by[i] = (sized){ ld->l.v[i].size, i };
	}
	/* largest first, so that the longest files do not start last */
	qsort(by, js.n, sizeof *by, by_size_desc);
	for (size_t i = 0; i < js.n; i++)
		js.order[i] = by[i].i;
	free(by);
	atomic_init(&js.stop, false);
	st_sync_init(&js.mu, &js.cv);
	/* signals sent to the process go to the calling thread, as without
	 * workers (the viewer's handlers); faults stay with the faulting one */
	sigset_t old;
	st_block_async_signals(&old);
	pthread_t th[ST_LOAD_MAX_JOBS];
	unsigned started = 0;
	for (unsigned k = 0; k < nthreads; k++)
		if (pthread_create(&th[started], NULL, worker, &js) == 0)
			started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	int rc = started ? 0 : -1;
	uint64_t base = 0, told = 0;
	for (size_t i = 0; started && rc == 0 && i < js.n; i++) {
		job *j = &js.v[i];
		pthread_mutex_lock(&js.mu);
		while (!j->finished && rc == 0) {
			st_sync_wait(&js.cv, &js.mu, PROGRESS_MS);
			uint64_t d = jobs_done(&js, base);
			told = d > told ? d : told;   /* a pipe's size is unknown */
			pthread_mutex_unlock(&js.mu);
			rc = load_tell(ld, told) ? 0 : 1;
			pthread_mutex_lock(&js.mu);
		}
		pthread_mutex_unlock(&js.mu);
		if (rc != 0)   /* j may still be running: freed after the join */
			break;
		rc = take_job(ld, b, j, err, errlen);
		free_job(j);
		base += j->in->size;
		told = base > told ? base : told;
		pthread_mutex_lock(&js.mu);
		js.held -= j->held;
		js.merged = i + 1;
		pthread_cond_broadcast(&js.cv);
		pthread_mutex_unlock(&js.mu);
		if (rc == 0 && !load_tell(ld, told))
			rc = 1;
	}
	atomic_store(&js.stop, true);
	pthread_mutex_lock(&js.mu);
	pthread_cond_broadcast(&js.cv);
	pthread_mutex_unlock(&js.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (size_t i = 0; i < js.n; i++)
		free_job(&js.v[i]);
	pthread_cond_destroy(&js.cv);
	pthread_mutex_destroy(&js.mu);
	free(js.v);
	free(js.order);
	return rc;
}
