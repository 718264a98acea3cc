/* libFuzzer target for the trace loader (fuzz-formats.h).  Each input is
 * also read by st_trace_parse once and in two parts at once (the split
 * size lowered to nothing): both readings must agree on the outcome and,
 * when they succeed, on every event and string. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/formats.h"
#include "stalactite/strtab.h"

static void split_agrees(const unsigned char *data, size_t size)
{
	st_trace_split_min = 0;
	char warn[2][512], err[2][512];
	st_strtab *strs[2];
	st_evbuf eb[2];
	int rc[2];
	for (int k = 0; k < 2; k++) {
		warn[k][0] = err[k][0] = '\0';
		strs[k] = st_strtab_new();
		eb[k] = (st_evbuf){ .at_unit = "offset", .threads = 1u + (unsigned)k,
		                    .total = size };
		rc[k] = st_trace_parse(data, size, strs[k], &eb[k], warn[k],
		                       sizeof warn[k], err[k], sizeof err[k]);
	}
	if (rc[0] != rc[1] || (rc[0] && strcmp(err[0], err[1])))
		abort();
	if (rc[0] == 0) {
		if (strcmp(warn[0], warn[1]) || eb[0].len != eb[1].len ||
		    eb[0].nargs != eb[1].nargs ||
		    st_strtab_count(strs[0]) != st_strtab_count(strs[1]))
			abort();
		for (uint32_t i = 0; i < st_strtab_count(strs[0]); i++)
			if (strcmp(st_str(strs[0], i), st_str(strs[1], i)))
				abort();
		for (size_t i = 0; i < eb[0].len; i++) {
			const st_fev *x = &eb[0].v[i], *y = &eb[1].v[i];
			if (x->start != y->start || x->end != y->end || x->at != y->at ||
			    x->thread != y->thread || x->kind != y->kind ||
			    x->label != y->label || x->nargs != y->nargs ||
			    x->seq != y->seq || (x->nargs &&
			    memcmp(eb[0].args + x->arg0, eb[1].args + y->arg0,
			           x->nargs * sizeof *eb[0].args)))
				abort();
		}
	}
	for (int k = 0; k < 2; k++) {
		st_evbuf_free(&eb[k]);
		st_strtab_free(strs[k]);
	}
}

#define FUZZ_FORMAT ST_TF_TRACE
#define FUZZ_EXTRA split_agrees
#include "fuzz-formats.h"
