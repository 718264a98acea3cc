/* load-guard.c: a mapped file that shrinks while it is decoded.
 *
 * Reading a mapping past the end of its file raises SIGBUS: the file was
 * truncated while being read.  That is bad input, not a crash.  While a
 * mapping is decoded, a SIGBUS handler maps zero pages over the rest of it
 * and notes where the first fault was; decoding runs on over zeros (it fails
 * soon, or its result is thrown away) and the load fails with "offset N:
 * file changed while being read".  Not siglongjmp out of the handler: that
 * would leave the decoder and builder halfway through an update, and leak
 * what they hold.  Not pread instead of mmap: a copy of every profile for
 * the sake of a rare race.  (mmap is not on POSIX's list of
 * async-signal-safe functions; on Linux it is a plain system call that
 * touches no state of the C library.)
 *
 * A snapshot's mapping is different: the model points into it for as long
 * as it is viewed, so there is nothing to run on to.  Its slot is fatal: a
 * fault there gives the terminal back (the signal-safe cleanup), prints the
 * same one line and exits 1 from the handler (st_fatal_in_signal).
 *
 * Several threads decode mappings at once: each guarded mapping has a slot
 * in a fixed table, which the handler reads with lock-free atomics only
 * (async-signal-safe); the handler is installed while any slot is in use. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "stalactite/xalloc.h"
#include "load-internal.h"

#define GUARD_SLOTS (ST_LOAD_MAX_JOBS + 8)   /* workers and the calling thread */
static struct guard_slot {
	_Atomic uintptr_t lo, hi;    /* the mapping in whole pages; hi 0: free */
	atomic_bool hit;
	_Atomic uint64_t at;         /* offset of the first fault */
	_Atomic(const char *) fatal; /* "PATH: offset " of a fatal slot, or NULL */
} guards[GUARD_SLOTS];
static _Atomic uintptr_t guard_page;
static struct sigaction guard_old;
static unsigned guard_users;   /* slots in use, under guard_mu */
static pthread_mutex_t guard_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	uintptr_t a = (uintptr_t)si->si_addr, page = atomic_load(&guard_page);
	for (int i = 0; si->si_code > 0 && i < GUARD_SLOTS; i++) {
		struct guard_slot *g = &guards[i];
		uintptr_t lo = atomic_load(&g->lo), hi = atomic_load(&g->hi);
		if (a < lo || a >= hi)
			continue;
		const char *fatal = atomic_load(&g->fatal);
		if (fatal)
			st_fatal_in_signal(fatal, a - lo, ": file changed while being read");
		uintptr_t from = a & ~(page - 1);
		if (mmap((void *)from, hi - from, PROT_READ,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		if (!atomic_load(&g->hit))
			atomic_store(&g->at, a - lo);
		atomic_store(&g->hit, true);
		return;
	}
	/* not ours: the previous action sees a fault again on return, and a
	 * signal that was sent is sent again */
	sigaction(sig, &guard_old, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/* The slot guarding [map, map + len), or -1 when none is free (more
 * threads than ST_LOAD_MAX_JOBS: not done). */
int load_guard_on(const void *map, size_t len)
{
	return load_guard_fatal(map, len, NULL);
}

int load_guard_fatal(const void *map, size_t len, const char *head)
{
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
	pthread_mutex_lock(&guard_mu);
	int i = 0;
	while (i < GUARD_SLOTS && atomic_load(&guards[i].hi))
		i++;
	if (i < GUARD_SLOTS) {
		struct guard_slot *g = &guards[i];
		atomic_store(&guard_page, page);
		atomic_store(&g->hit, false);
		atomic_store(&g->at, 0);
		atomic_store(&g->fatal, head);
		atomic_store(&g->lo, (uintptr_t)map);
		atomic_store(&g->hi, (uintptr_t)map + ((len + page - 1) & ~(page - 1)));
		if (guard_users++ == 0) {
			struct sigaction sa = { .sa_sigaction = on_sigbus,
			                        .sa_flags = SA_SIGINFO };
			sigemptyset(&sa.sa_mask);
			sigaction(SIGBUS, &sa, &guard_old);
		}
	}
	pthread_mutex_unlock(&guard_mu);
	return i < GUARD_SLOTS ? i : -1;
}

/* True when the file shrank under the mapping; *at: where it was found. */
bool load_guard_off(int slot, uint64_t *at)
{
	*at = 0;
	if (slot < 0)
		return false;
	struct guard_slot *g = &guards[slot];
	pthread_mutex_lock(&guard_mu);
	bool hit = atomic_load(&g->hit);
	*at = atomic_load(&g->at);
	atomic_store(&g->hi, 0);
	atomic_store(&g->lo, 0);
	atomic_store(&g->fatal, NULL);
	if (--guard_users == 0)
		sigaction(SIGBUS, &guard_old, NULL);
	pthread_mutex_unlock(&guard_mu);
	return hit;
}
