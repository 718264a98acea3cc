/* fuzz-common.h: what every libFuzzer target here checks and does with a
 * model: a refused input must end in one message that names where it went
 * wrong ("offset N: ..." or "line N: ..."), on one line, or the target
 * aborts (a finding); a model that loads is written in both report
 * formats to /dev/null, which walks every table and tree. */
#ifndef STALACTITE_FUZZ_COMMON_H
#define STALACTITE_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/report.h"

static inline FILE *fuzz_sink(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

/* Aborts unless err is one line starting "offset " or, when lines is
 * true, "line ". */
static inline void fuzz_check_message(const char *err, int lines)
{
	int where = strncmp(err, "offset ", 7) == 0 ||
	            (lines && strncmp(err, "line ", 5) == 0);
	if (!where || strchr(err, '\n'))
		abort();
}

/* Both report formats of m (with a --match report when mr is not NULL). */
static inline void fuzz_reports(const st_model *m, const st_match_report *mr)
{
	st_report_opts text = { .format = ST_REPORT_TEXT, .match = mr };
	st_report_opts json = { .format = ST_REPORT_JSON, .match = mr };
	st_report_write(fuzz_sink(), m, &text);
	st_report_write(fuzz_sink(), m, &json);
}

#endif
