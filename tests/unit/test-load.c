/* test-load: the loader against a file that changes under it.  A profile
 * truncated while it is decoded (from the progress callback, so the moment
 * is certain) must end the load with "offset N: file changed while being
 * read", not kill the process with SIGBUS.  A FIFO without a writer does
 * not block the load where it cannot be cancelled. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "stalactite/load.h"

#define MKBAD_NO_MAIN
#include "../tools/mkbad.c"

static char path[4096];
static int truncations;

static bool cut_file(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	/* past the first progress step, with most events still to read */
	if (done > 0 && done < total / 2 && !truncations++)
		CHECK(truncate(path, 0) == 0);
	return true;
}

/* A valid profile of about 6 MB: the base events and 200,000 siblings. */
static void write_big(const char *out)
{
	mk_prof p;
	mk_ids k;
	mk_base(&p, 9, &k);
	for (uint32_t i = 0; i < 200000; i++)
		mk_interval(&p, k.generic, k.parse, 5, 10000 + 10 * (uint64_t)i,
		            10005 + 10 * (uint64_t)i);
	mk_write_esi(&p);
	FILE *f = fopen(out, "wb");
	CHECK(f && fwrite(p.out.p, 1, p.out.len, f) == p.out.len);
	if (f)
		fclose(f);
	mk_free(&p);
}

static void test_truncated_while_loading(const char *dir)
{
	snprintf(path, sizeof path, "%s/shrinks.mm_profdata", dir);
	write_big(path);
	char *paths[] = { path };
	char err[1024];
	struct sigaction before, after;
	CHECK(sigaction(SIGBUS, NULL, &before) == 0);
	st_model *m = st_model_new();
	st_load_opts o = { .progress = cut_file };
	int rc = st_load_paths(m, paths, 1, &o, err, sizeof err);
	CHECK_INT(rc, 1);
	CHECK_INT(truncations, 1);
	char want[4200];
	snprintf(want, sizeof want, "%s: offset ", path);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	CHECK(strstr(err, ": file changed while being read") != NULL);
	printf("%s\n", err);
	st_model_free(m);
	/* the guard is gone afterwards: SIGBUS has its old action again (the
	 * default, or a sanitizer's) */
	CHECK(sigaction(SIGBUS, NULL, &after) == 0 &&
	      after.sa_handler == before.sa_handler);
	unlink(path);
}

/* The same profile, unchanged, loads. */
static void test_loads(const char *dir)
{
	snprintf(path, sizeof path, "%s/stays.mm_profdata", dir);
	mk_prof p;
	CHECK(mk_build("valid-v9", &p));
	FILE *f = fopen(path, "wb");
	CHECK(f && fwrite(p.out.p, 1, p.out.len, f) == p.out.len);
	if (f)
		fclose(f);
	mk_free(&p);
	char *paths[] = { path };
	char err[1024];
	st_model *m = st_model_new();
	CHECK_INT(st_load_paths(m, paths, 1, NULL, err, sizeof err), 0);
	CHECK_INT(m->total_events, 5);
	st_model_free(m);
	unlink(path);
}

/* Stops the load at once (midway false) or at the first call past half of
 * the bytes. */
typedef struct stopper {
	bool midway;
	int calls;
	uint64_t done, total;   /* what the call that said stop was told */
} stopper;

static bool stop_at(void *ctx, uint64_t done, uint64_t total)
{
	stopper *s = ctx;
	s->calls++;
	s->done = done;
	s->total = total;
	return s->midway && done < total / 2;
}

/* A progress callback that says stop cancels the load: at once between
 * files (before the first), or during a file's events; plain or
 * compressed; a profile or a text format.  Nothing is reported as bad
 * input. */
static void test_cancelled(const char *dir)
{
	char big[4200], gz[4200], cmd[9000];
	snprintf(big, sizeof big, "%s/cancel.mm_profdata", dir);
	snprintf(gz, sizeof gz, "%s/cancel.mm_profdata.gz", dir);
	write_big(big);
	snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", big, gz);
	CHECK(system(cmd) == 0);
	const char *files[] = { big, gz };
	for (int f = 0; f < 2; f++)
		for (int i = 0; i < 2; i++) {
			char *paths[] = { (char *)files[f] };
			char err[1024];
			stopper s = { .midway = i == 1 };
			st_load_opts o = { .progress = stop_at, .progress_ctx = &s };
			st_model *m = st_model_new();
			CHECK_INT(st_load_paths(m, paths, 1, &o, err, sizeof err), 2);
			CHECK_STR(err, "cancelled");
			/* no call after the one that said stop */
			CHECK(s.calls >= 1 && (i == 0 ? s.calls == 1 : s.calls < 40));
			st_model_free(m);
		}
	unlink(big);
	unlink(gz);
	/* the text formats tell progress while they parse, not only between
	 * files: stopping at half of a 4 MB trace or folded file cancels it */
	char trace[4200], folded[4200];
	snprintf(trace, sizeof trace, "%s/cancel.json", dir);
	snprintf(folded, sizeof folded, "%s/cancel.folded", dir);
	FILE *tf = fopen(trace, "w"), *ff = fopen(folded, "w");
	CHECK(tf && ff);
	if (!tf || !ff)
		return;
	fputs("{\"traceEvents\":[", tf);
	for (int k = 0; k < 60000; k++)
		fprintf(tf, "%s{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":%d,"
		        "\"dur\":1,\"name\":\"event\"}", k ? "," : "", 2 * k);
	fputs("]}", tf);
	for (int k = 0; k < 300000; k++)
		fprintf(ff, "main;work;step%d 10\n", k % 100);
	fclose(tf);
	fclose(ff);
	const char *texts[] = { trace, folded };
	for (int f = 0; f < 2; f++) {
		char *paths[] = { (char *)texts[f] };
		char err[1024];
		stopper s = { .midway = true };
		st_load_opts o = { .progress = stop_at, .progress_ctx = &s };
		st_model *m = st_model_new();
		CHECK_INT(st_load_paths(m, paths, 1, &o, err, sizeof err), 2);
		CHECK_STR(err, "cancelled");
		CHECK(s.calls >= 2 && s.calls < 40);
		/* stopped while parsing, not at the tell after it */
		CHECK(s.done >= s.total / 2 && s.done < s.total);
		st_model_free(m);
	}
	unlink(trace);
	unlink(folded);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Says stop at its third call. */
static bool stop_third(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	return ++*(int *)ctx < 3;
}

static bool go_on(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	++*(int *)ctx;
	return true;
}

/* A FIFO no writer opens: the loader waits for one in slices that call
 * progress, so that saying stop cancels the load (at once: by the third
 * call), on the calling thread or with a worker waiting beside a file;
 * a writer that comes later is read. */
static void test_fifo(const char *dir)
{
	char fifo[4200], prof[4200];
	snprintf(fifo, sizeof fifo, "%s/lonely", dir);
	snprintf(prof, sizeof prof, "%s/beside.mm_profdata", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	alarm(30);   /* a load blocked for good fails the test, not hangs it */
	mk_prof p;
	CHECK(mk_build("valid-v9", &p));
	FILE *f = fopen(prof, "wb");
	CHECK(f && fwrite(p.out.p, 1, p.out.len, f) == p.out.len);
	if (f)
		fclose(f);
	for (unsigned jobs = 1; jobs <= 2; jobs++) {
		char *paths[] = { prof, fifo };
		char err[1024];
		int calls = 0;
		st_load_opts o = { .progress = stop_third, .progress_ctx = &calls,
		                   .jobs = jobs };
		st_model *m = st_model_new();
		double t0 = now();
		CHECK_INT(st_load_paths(m, paths + 2 - jobs, (int)jobs, &o, err,
		                        sizeof err), 2);
		CHECK_STR(err, "cancelled");
		CHECK_INT(calls, 3);
		CHECK(now() - t0 < 2);
		st_model_free(m);
	}
	pid_t w = fork();
	if (w == 0) {   /* the writer, once the load waits for it */
		usleep(300000);
		int fd = open(fifo, O_WRONLY);
		_exit(fd >= 0 && write(fd, p.out.p, p.out.len) == (ssize_t)p.out.len
		      ? 0 : 1);
	}
	CHECK(w > 0);
	char *paths[] = { fifo };
	char err[1024];
	int calls = 0;
	st_load_opts o = { .progress = go_on, .progress_ctx = &calls };
	st_model *m = st_model_new();
	CHECK_INT(st_load_paths(m, paths, 1, &o, err, sizeof err), 0);
	CHECK_INT(m->total_events, 5);
	CHECK(calls > 1);   /* between files, and while it waited */
	st_model_free(m);
	int status = 1;
	CHECK(w > 0 && waitpid(w, &status, 0) == w && status == 0);
	alarm(0);
	mk_free(&p);
	unlink(fifo);
	unlink(prof);
}

int main(void)
{
	char dir[] = "/tmp/test-load.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	test_loads(dir);
	test_truncated_while_loading(dir);
	test_cancelled(dir);
	test_fifo(dir);
	rmdir(dir);
	return check_done();
}
