/* libFuzzer target for the .mm_profdata decoder, fed to the builder as the
 * loader does (crate name from the command line), then both report formats
 * when it loads: with a --match hook (events decoded one by one, keys and
 * all), and without one, the strings swept first (mmprof.h) and the
 * events decoded by a twin.  Any input must end in a model or in one
 * "offset N: ..." message: no crash, no overrun, no leak, no hang.
 *   ./configure --enable-fuzzing CC=clang && make tests/fuzz/fuzz-mmprof
 *   tests/fuzz/fuzz-mmprof -dict=tests/fuzz/mmprof.dict tests/fuzz/mmprof
 * (tests/fuzz/run.sh does this under ASan and UBSan.)  The unit test
 * test-fuzz-mmprof includes this file to replay the seeds and past crashers
 * in tests/data/mmprof/crashers on every make check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/builder.h"
#include "stalactite/load.h"
#include "stalactite/mmprof.h"
#include "stalactite/report.h"
#include "stalactite/search.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The decoder and builder as load.c drives them, with mr's hook or swept;
 * 0 when it loaded. */
static int decode(const uint8_t *data, size_t size, st_model *m,
                  st_match_report *mr)
{
	char err[512], crate[300], cname[256];
	st_builder *b = st_builder_new(m);
	if (mr)
		st_builder_set_hook(b, st_match_report_hook(mr));
	st_mmprof *p = st_mmprof_open(data, size, st_builder_strs(b), err, sizeof err);
	int rc = -1;
	if (p) {
		const st_mmprof_info *info = st_mmprof_get_info(p);
		st_crate_kind kind;
		st_crate_name(info->cmd, "fuzz.mm_profdata", crate, sizeof crate);
		st_crate_info(info->cmd, "fuzz.mm_profdata", cname, sizeof cname, &kind);
		st_builder_begin_source(b, "fuzz.mm_profdata", "mm_profdata", crate, size);
		st_builder_set_crate(b, cname, (uint8_t)kind);
		/* swept, the events are decoded by a twin, as the pipe's
		 * decoders are: the shared layout and index read by another */
		st_mmprof *t = p;
		if (!mr) {
			st_mmprof_sweep(p, st_builder_scan_text, b, NULL, NULL);
			t = st_mmprof_open_twin(p, st_builder_strs(b));
			st_mmprof_sweep_share(t, p);
		}
		rc = st_mmprof_feed(t, b, NULL, NULL, err, sizeof err);
		st_builder_end_source(b, info->events);
		if (t != p)
			st_mmprof_close(t);
		st_mmprof_close(p);
	}
	if (rc != 0)
		fuzz_check_message(err, 0);
	if (rc == 0)
		st_builder_finish(b);
	st_builder_free(b);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static st_regex *re;
	char err[256];
	if (!re)   /* names a closure, an LLVM pass or a query touches */
		re = st_regex_compile("closure|Pass|typeck|main", err, sizeof err);
	st_model *m = st_model_new();
	st_match_report *mr = st_match_report_new(re, m->strs);
	if (decode(data, size, m, mr) == 0)
		fuzz_reports(m, mr);
	st_match_report_free(mr);
	st_model_free(m);
	m = st_model_new();
	if (decode(data, size, m, NULL) == 0)
		fuzz_reports(m, NULL);
	st_model_free(m);
	return 0;
}
