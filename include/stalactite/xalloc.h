/* xalloc: allocation that never returns NULL, and the one fatal exit.
 *
 * Out of memory cannot be handled where it happens (a model half built is of
 * no use), so every allocation of the program goes through these, and a
 * failure ends the process through st_fatal: the registered cleanup hook runs
 * (the viewer's gives the terminal back), one line "stalactite: MESSAGE" goes
 * to standard error, and the process exits with ST_EXIT_FATAL.  Nothing else
 * runs: no atexit handlers, no stdio flush of a half-written report. */
#ifndef STALACTITE_XALLOC_H
#define STALACTITE_XALLOC_H

#include <stddef.h>
#include <stdint.h>

#define ST_EXIT_FATAL 1

/* Sizes of 0 allocate one byte, so NULL always means failure (never seen). */
void *st_xmalloc(size_t n);
void *st_xcalloc(size_t n, size_t size);
void *st_xrealloc(void *p, size_t n);
/* st_xrealloc(p, n * size), the product checked for overflow. */
void *st_xreallocarray(void *p, size_t n, size_t size);
char *st_xstrdup(const char *s);

/* Runs the cleanup hook once, prints the message and exits. */
_Noreturn void st_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The hook st_fatal runs first (NULL: none).  It must not allocate. */
void st_fatal_set_cleanup(void (*fn)(void));
/* The part of that cleanup a signal handler may run: write() and
 * tcsetattr() only, no curses or stdio (NULL: none). */
void st_fatal_set_signal_cleanup(void (*fn)(void));
/* st_fatal from a signal handler, async-signal-safe: runs the signal
 * cleanup, writes "stalactite: HEAD<N>TAIL" and a newline to standard error
 * with write() and ends the process with status 1 (bad input: the one
 * caller is a mapped file that shrank). */
_Noreturn void st_fatal_in_signal(const char *head, uint64_t n, const char *tail);

#endif
