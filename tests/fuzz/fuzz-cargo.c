/* libFuzzer target for the cargo timings loader: the HTML report and the
 * build-analysis log (src/load-cargo.c), sniffed as load.c sniffs them
 * (anything that is not the HTML report is read as a log), then the
 * critical path and both report formats.  Any input must end in timings
 * or in one "offset N: ..." / "line N: ..." message: no crash, overrun,
 * leak or hang.  Seeds: tests/fuzz/cargo/ (a cut-down HTML report of
 * tokio + hyper, the two-crate build's report and log). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/cargo.h"
#include "stalactite/report.h"
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], note[1024];
	st_model *m = st_model_new();
	bool log = !st_cargo_sniff_html(data, size);
	int rc = st_timings_load(m, "fuzz.in", data, size, log, note, sizeof note,
	                         err, sizeof err);
	if (rc != 0)
		fuzz_check_message(err, 1);
	else
		fuzz_reports(m, NULL);
	st_model_free(m);
	return 0;
}
