/* test-jobs: loading on several threads (st_load_opts.jobs).  Callbacks run
 * on the calling thread only; a progress callback that says stop cancels
 * every worker; files truncated while workers decode them are bad input on
 * any thread, not SIGBUS; the model is the one a single thread builds. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "stalactite/load.h"
#include "stalactite/report.h"

#define MKBAD_NO_MAIN
#include "../tools/mkbad.c"

#define NFILES 4

static char paths_buf[NFILES][4200];
static char *paths[NFILES];
static pthread_t main_thread;

/* A valid profile: the base events and n siblings. */
static void write_prof(const char *out, uint32_t n)
{
	mk_prof p;
	mk_ids k;
	mk_base(&p, 9, &k);
	for (uint32_t i = 0; i < n; i++)
		mk_interval(&p, k.generic, k.parse, 5, 10000 + 10 * (uint64_t)i,
		            10005 + 10 * (uint64_t)i);
	mk_write_esi(&p);
	FILE *f = fopen(out, "wb");
	CHECK(f && fwrite(p.out.p, 1, p.out.len, f) == p.out.len);
	if (f)
		fclose(f);
	mk_free(&p);
}

typedef struct calls {
	int progress, warns, off_thread;
	uint64_t last;
	bool backwards;
	char first_warn[512];
	int stop_after;       /* > 0: say stop at that call */
	bool truncate;        /* truncate every file at the first progress */
} calls;

static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	calls *c = ctx;
	(void)total;
	c->off_thread += !pthread_equal(pthread_self(), main_thread);
	c->backwards |= done < c->last;
	c->last = done;
	if (c->truncate && done > 0 && c->progress == 0)
		for (int i = 0; i < NFILES; i++)
			CHECK(truncate(paths[i], 4096) == 0);
	if (c->truncate && done == 0)
		return true;   /* not counted: before any worker read events */
	return ++c->progress != c->stop_after;
}

static void on_warn(void *ctx, const char *msg)
{
	calls *c = ctx;
	c->off_thread += !pthread_equal(pthread_self(), main_thread);
	if (c->warns++ == 0)
		snprintf(c->first_warn, sizeof c->first_warn, "%s", msg);
}

static char *report_of(st_model *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	st_report_opts ro = { .format = ST_REPORT_JSON };
	CHECK(st_report_write(f, m, &ro) == 0);
	fclose(f);
	return text;
}

/* One thread and four give the same report, the same warnings, every
 * callback on the calling thread, progress never going back. */
static void test_same(void)
{
	char *want = NULL;
	for (unsigned jobs = 1; jobs <= 4; jobs += 3) {
		calls c = { 0 };
		st_load_opts o = { .progress = on_progress, .progress_ctx = &c,
		                   .warn = on_warn, .warn_ctx = &c, .jobs = jobs };
		st_model *m = st_model_new();
		char err[1024];
		CHECK_INT(st_load_paths(m, paths, NFILES, &o, err, sizeof err), 0);
		CHECK_INT(c.off_thread, 0);
		CHECK(!c.backwards);
		CHECK(c.progress > 0);
		/* four profiles of one crate: one warning, naming the first two */
		CHECK_INT(c.warns, 1);
		CHECK(strstr(c.first_warn, paths[1]) == c.first_warn);
		CHECK(strstr(c.first_warn, paths[0]) != NULL);
		char *got = report_of(m);
		if (!want)
			want = got;
		else {
			CHECK(strcmp(want, got) == 0);
			free(got);
		}
		st_model_free(m);
	}
	free(want);
}

/* Stop at the second progress call: every worker stops, nothing is
 * called after it. */
static void test_cancelled(void)
{
	calls c = { .stop_after = 2 };
	st_load_opts o = { .progress = on_progress, .progress_ctx = &c, .jobs = 3 };
	st_model *m = st_model_new();
	char err[1024];
	CHECK_INT(st_load_paths(m, paths, NFILES, &o, err, sizeof err), 2);
	CHECK_STR(err, "cancelled");
	CHECK_INT(c.progress, 2);
	CHECK_INT(c.off_thread, 0);
	st_model_free(m);
}

/* Every file truncated while the workers decode them: the load fails with
 * "file changed" for the first file being decoded then (a file read whole
 * before is fine, one opened after is cut short), not with SIGBUS, and the
 * SIGBUS action is the one before the load. */
static void test_truncated(void)
{
	struct sigaction before, after;
	CHECK(sigaction(SIGBUS, NULL, &before) == 0);
	calls c = { .truncate = true };
	st_load_opts o = { .progress = on_progress, .progress_ctx = &c, .jobs = 2 };
	st_model *m = st_model_new();
	char err[1024];
	CHECK_INT(st_load_paths(m, paths, NFILES, &o, err, sizeof err), 1);
	/* a file opened after the truncation is merely cut short */
	CHECK(strstr(err, ": file changed while being read") != NULL ||
	      strstr(err, "(file is incomplete at its end)") != NULL);
	CHECK(strncmp(err, paths[0], strlen(paths[0]) - strlen("0.mm_profdata")) == 0);
	CHECK(sigaction(SIGBUS, NULL, &after) == 0);
	CHECK(after.sa_handler == before.sa_handler);
	st_model_free(m);
}

/* One file on two threads (decoded on one, built on the calling one): the
 * same report as on one, progress on the calling thread, cancelling, and a
 * truncation found by the decoding thread. */
static void test_one_file(void)
{
	char *want = NULL;
	for (unsigned jobs = 1; jobs <= 2; jobs++) {
		calls c = { 0 };
		st_load_opts o = { .progress = on_progress, .progress_ctx = &c,
		                   .jobs = jobs };
		st_model *m = st_model_new();
		char err[1024];
		CHECK_INT(st_load_paths(m, paths, 1, &o, err, sizeof err), 0);
		CHECK_INT(c.off_thread, 0);
		CHECK(!c.backwards && c.progress > 0);
		char *got = report_of(m);
		if (!want)
			want = got;
		else {
			CHECK(strcmp(want, got) == 0);
			free(got);
		}
		st_model_free(m);
	}
	free(want);

	calls c = { .stop_after = 2 };
	st_load_opts o = { .progress = on_progress, .progress_ctx = &c, .jobs = 2 };
	st_model *m = st_model_new();
	char err[1024];
	CHECK_INT(st_load_paths(m, paths, 1, &o, err, sizeof err), 2);
	CHECK_STR(err, "cancelled");
	CHECK_INT(c.progress, 2);
	st_model_free(m);

	c = (calls){ .truncate = true };
	m = st_model_new();
	CHECK_INT(st_load_paths(m, paths, 1, &o, err, sizeof err), 1);
	CHECK(strstr(err, ": file changed while being read") != NULL);
	CHECK(strncmp(err, paths[0], strlen(paths[0])) == 0);
	st_model_free(m);
}

int main(void)
{
	char dir[] = "/tmp/test-jobs.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	main_thread = pthread_self();
	for (int i = 0; i < NFILES; i++) {
		snprintf(paths_buf[i], sizeof paths_buf[i], "%s/p%d.mm_profdata", dir, i);
		paths[i] = paths_buf[i];
		write_prof(paths[i], 400000);
	}
	mk_prof probe;   /* mkbad's valid profile loads too, on its own */
	CHECK(mk_build("valid-v9", &probe));
	mk_free(&probe);
	test_same();
	test_cancelled();
	test_truncated();
	for (int i = 0; i < NFILES; i++)   /* truncated: made again */
		write_prof(paths[i], 400000);
	test_one_file();
	for (int i = 0; i < NFILES; i++)
		unlink(paths[i]);
	rmdir(dir);
	return check_done();
}
