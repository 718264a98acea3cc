/* The body of the libFuzzer targets for the non-mmprof loaders
 * (fuzz-trace.c, fuzz-folded.c, fuzz-timepasses.c, fuzz-llvmpasses.c): the
 * input is loaded as FUZZ_FORMAT through the builder as load.c does, then
 * both report formats are written.  Any input must end in a model or in one
 * "offset N: ..." / "line N: ..." message: no crash, overrun, leak or hang.
 *   ./configure --enable-fuzzing CC=clang && make tests/fuzz/fuzz-trace
 *   tests/fuzz/fuzz-trace tests/fuzz/trace     (tests/fuzz/run.sh: all) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/formats.h"
#include "stalactite/report.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef FUZZ_EXTRA
	FUZZ_EXTRA(data, size);   /* a target's own checks first */
#endif
	char err[512], warn[512];
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	int rc = st_formats_load(FUZZ_FORMAT, data, size, false, b, "fuzz.in", warn,
	                         sizeof warn, err, sizeof err);
	if (rc != 0)
		fuzz_check_message(err, 1);
	if (rc == 0)
		st_builder_finish(b);
	st_builder_free(b);
	if (rc == 0)
		fuzz_reports(m, NULL);
	st_model_free(m);
	return 0;
}
