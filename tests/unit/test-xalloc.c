/* test-xalloc: allocation failure ends the process through st_fatal: the
 * cleanup hook first, then one line on stderr, exit status ST_EXIT_FATAL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "stalactite/xalloc.h"

/* AddressSanitizer would report the huge requests below instead of letting
 * malloc fail; this asks it to fail as the C library does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void hook(void)
{
	static const char msg[] = "hook ran\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)r;
}

/* Runs fn in a child with its stderr in a pipe; returns the exit status
 * (-1: it did not exit) and the child's stderr in out. */
static int in_child(void (*fn)(void), char *out, size_t cap)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		st_fatal_set_cleanup(hook);
		fn();
		_exit(0);   /* not reached when fn fails as it should */
	}
	close(fds[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(fds[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	/* drop a sanitizer's own notes ("==PID==WARNING: ...") */
	char *w = out;
	for (char *line = out; *line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
		if (strncmp(line, "==", 2) != 0) {
			memmove(w, line, len);
			w += len;
		}
		line += len;
	}
	*w = '\0';
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void huge_malloc(void) { st_xmalloc(SIZE_MAX / 2); }
static void huge_realloc(void) { free(st_xrealloc(st_xmalloc(8), SIZE_MAX / 2)); }
static void overflow_array(void) { st_xreallocarray(NULL, SIZE_MAX / 4, 8); }
static void overflow_calloc(void) { st_xcalloc(SIZE_MAX / 4, 8); }
static void fatal_message(void) { st_fatal("cannot go on: %d", 42); }

static void expect_fatal(void (*fn)(void), const char *line)
{
	char out[512], want[512];
	CHECK_INT(in_child(fn, out, sizeof out), ST_EXIT_FATAL);
	snprintf(want, sizeof want, "hook ran\nstalactite: %s\n", line);
	CHECK_STR(out, want);
}

int main(void)
{
	char line[128];
	snprintf(line, sizeof line, "out of memory (allocating %zu bytes)", SIZE_MAX / 2);
	expect_fatal(huge_malloc, line);
	expect_fatal(huge_realloc, line);
	snprintf(line, sizeof line, "out of memory (allocating %zu x 8 bytes)", SIZE_MAX / 4);
	expect_fatal(overflow_array, line);
	expect_fatal(overflow_calloc, line);
	expect_fatal(fatal_message, "cannot go on: 42");

	/* what succeeds: zero sizes give a block, strdup copies */
	void *p = st_xmalloc(0), *q = st_xcalloc(0, 8);
	CHECK(p && q);
	free(p);
	free(q);
	char *s = st_xstrdup("stalactite");
	CHECK_STR(s, "stalactite");
	free(s);
	int *v = st_xreallocarray(NULL, 1000, sizeof *v);
	v[999] = 7;
	v = st_xreallocarray(v, 2000, sizeof *v);
	CHECK_INT(v[999], 7);
	free(v);
	return check_done();
}
