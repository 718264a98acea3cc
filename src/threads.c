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
