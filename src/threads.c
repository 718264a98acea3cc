/* threads.c: the start of the loader's worker threads (threads.h). */
#include <time.h>
#include "stalactite/threads.h"

void st_sync_init(pthread_mutex_t *mu, pthread_cond_t *cv)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(mu, NULL);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

void st_sync_wait(pthread_cond_t *cv, pthread_mutex_t *mu, long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(cv, mu, &t);
}

void st_block_async_signals(sigset_t *old)
{
	static const int faults[] = { SIGBUS, SIGSEGV, SIGFPE, SIGILL, SIGTRAP,
	                              SIGSYS, SIGABRT };
	sigset_t block;
	sigfillset(&block);
	for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
		sigdelset(&block, faults[k]);
	pthread_sigmask(SIG_BLOCK, &block, old);
}
