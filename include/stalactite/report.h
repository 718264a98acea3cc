/* report: the model as text or JSON for scripts and terminals without a UI.
 * The JSON fields and their definitions are documented in the README. */
#ifndef STALACTITE_REPORT_H
#define STALACTITE_REPORT_H

#include <stdio.h>
#include "stalactite/model.h"
#include "stalactite/search.h"

typedef enum st_report_format { ST_REPORT_TEXT, ST_REPORT_JSON } st_report_format;

typedef struct st_report_opts {
	st_report_format format;
	const char *by;        /* text: the one table to print; NULL for all */
	unsigned top;          /* rows per table; 0 = all (text default 20) */
	const st_match_report *match;  /* may be NULL; with a diff, NEW's */
	const st_match_report *match_base;  /* a diff's BASE side, or NULL */
	int64_t min_delta;     /* a diff shows rows that changed at least this */
} st_report_opts;

/* The accepted --by keys, NULL-terminated. */
extern const char *const st_report_keys[];

/* Heading of the async fn table: whether its kinds came from query keys,
 * the heuristic, or both (then "~" marks the heuristic groups). */
const char *st_report_async_heading(const st_model *m);

/* Writes the report; returns 0, or -1 on a write error. */
int st_report_write(FILE *out, const st_model *m, const st_report_opts *o);

struct st_diff;
/* Writes the comparison of two builds (--diff): the paired tables with
 * base, new, delta and delta %; returns 0, or -1 on a write error. */
int st_report_diff_write(FILE *out, const struct st_diff *d, const st_report_opts *o);

#endif
