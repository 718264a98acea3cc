/* threads: what the loader's worker threads share in how they start.
 *
 * Loading runs on workers (load-jobs.c: one file each; mmprof-pipe.c: decoders
 * of one large file) that wait and wake on a mutex and a condition
 * variable with timeouts, and that must not take the signals sent to the
 * process: those belong to the calling thread, whose handlers (the
 * viewer's) restore the terminal.  Faults stay with the thread that
 * causes them (a SIGBUS from a truncated mapping is handled where it
 * happens). */
#ifndef STALACTITE_THREADS_H
#define STALACTITE_THREADS_H

#include <pthread.h>
#include <signal.h>

/* A mutex and a condition variable whose timed waits use CLOCK_MONOTONIC
 * (a clock change never stretches a progress wait). */
void st_sync_init(pthread_mutex_t *mu, pthread_cond_t *cv);
/* Waits on cv (mu held) for a signal or at most ms milliseconds. */
void st_sync_wait(pthread_cond_t *cv, pthread_mutex_t *mu, long ms);
/* Blocks in the calling thread every signal but the faults, so that the
 * threads it starts next inherit that mask; *old gets the mask to put back
 * (pthread_sigmask(SIG_SETMASK, old, NULL)) once they are started. */
void st_block_async_signals(sigset_t *old);

#endif
