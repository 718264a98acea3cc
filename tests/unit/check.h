/* check.h: the smallest useful unit-test harness.
 *
 * CHECK(cond) records a failure with file and line and goes on; CHECK_STR and
 * CHECK_INT print both sides.  Each test program ends with
 * `return check_done();`, which prints a summary and returns 0 or 1 for the
 * automake test driver. */
#ifndef STALACTITE_CHECK_H
#define STALACTITE_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond) do { check_count++; if (!(cond)) { check_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); check_count++; \
	if (!g_ || !w_ || strcmp(g_, w_) != 0) { check_failures++; \
	fprintf(stderr, "%s:%d: got  \"%s\"\n%*s want \"%s\"\n", __FILE__, __LINE__, \
	        g_ ? g_ : "(null)", (int)strlen(__FILE__) + 6, "", w_ ? w_ : "(null)"); } } while (0)

#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
	check_count++; if (g_ != w_) { check_failures++; \
	fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)

static inline int check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
