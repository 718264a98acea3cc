/* xalloc.c: see xalloc.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stalactite/xalloc.h"

static void (*cleanup)(void);

void st_fatal_set_cleanup(void (*fn)(void))
{
	cleanup = fn;
}

static void (*volatile signal_cleanup)(void);

void st_fatal_set_signal_cleanup(void (*fn)(void))
{
	signal_cleanup = fn;
}

static void put(const char *s)
{
	size_t n = strlen(s);   /* async-signal-safe since POSIX 2016 */
	while (n) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void st_fatal_in_signal(const char *head, uint64_t n, const char *tail)
{
	void (*fn)(void) = signal_cleanup;
	signal_cleanup = NULL;
	if (fn)
		fn();
	char num[21];
	char *p = num + sizeof num;
	*--p = 0;
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	put("stalactite: ");
	put(head);
	put(p);
	put(tail);
	put("\n");
	_exit(1);
}

void st_fatal(const char *fmt, ...)
{
	void (*fn)(void) = cleanup;
	cleanup = NULL;   /* a failure inside the hook must not run it again */
	if (fn)
		fn();
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "stalactite: %s\n", msg);
	/* _exit: atexit handlers and stdio buffers belong to a state that is
	 * gone (and a leak check at exit would only report what was live) */
	_exit(ST_EXIT_FATAL);
}

static void *check(void *p, size_t n)
{
	if (!p)
		st_fatal("out of memory (allocating %zu bytes)", n);
	return p;
}

void *st_xmalloc(size_t n)
{
	return check(malloc(n ? n : 1), n);
}

void *st_xcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		st_fatal("out of memory (allocating %zu x %zu bytes)", n, size);
	return check(calloc(n && size ? n : 1, n && size ? size : 1), n * size);
}

void *st_xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1), n);
}

void *st_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		st_fatal("out of memory (allocating %zu x %zu bytes)", n, size);
	return st_xrealloc(p, n * size);
}

char *st_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(st_xmalloc(n), s, n);
}
