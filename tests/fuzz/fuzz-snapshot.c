/* libFuzzer target for opening snapshots (snapshot.h).  The checksum would
 * turn away nearly every mutation at its first check, so the target writes
 * the right one into the header first (after bringing the figures, which
 * opening does not check, into a range whose sums cannot overflow): what is
 * fuzzed is the structure behind it, which must end in a model or in one
 * "offset N: ..." message.
 * A model that opens is reported in both formats, by mapping and by
 * copying, then diffed against itself, which thaws it.
 *   ./configure --enable-fuzzing CC=clang && make tests/fuzz/fuzz-snapshot
 *   tests/fuzz/fuzz-snapshot NEW_DIR tests/fuzz/snapshot
 * The unit test test-snapshot includes this file to replay the seeds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/diff.h"
#include "stalactite/report.h"
#include "stalactite/snapshot.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Opens data into a new model (NULL when it is refused). */
static st_model *fuzz_open(const uint8_t *data, size_t size, bool copy)
{
	char err[512];
	st_model *m = st_model_new();
	if (st_snapshot_open_mem(m, data, size, copy, "fuzz", err, sizeof err) == 0)
		return m;
	if (strncmp(err, "fuzz: offset ", 13) != 0 || strchr(err, '\n'))
		abort();
	st_model_free(m);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	st_snapshot_fuzz_figures(buf, size);
	if (size >= 64) {
		uint64_t sum = st_snapshot_checksum(buf, size);
		for (int i = 0; i < 8; i++)
			buf[24 + i] = (uint8_t)(sum >> (8 * i));
	}
	st_model *a = fuzz_open(buf, size, false);
	st_model *b = a ? fuzz_open(buf, size, true) : NULL;
	free(buf);
	if (a && b) {
		st_report_opts text = { .format = ST_REPORT_TEXT };
		st_report_opts json = { .format = ST_REPORT_JSON };
		st_report_write(fuzz_sink(), a, &text);
		st_report_write(fuzz_sink(), b, &json);
		st_diff *d = st_diff_build(a, b);
		st_report_diff_write(fuzz_sink(), d, &text);
		st_diff_free(d);
	} else {
		st_model_free(a);
		st_model_free(b);
	}
	return 0;
}
