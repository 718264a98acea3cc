/* report-json.h: what the two report writers (report.c, report-diff.c)
 * share for their JSON form. */
#ifndef STALACTITE_REPORT_JSON_H
#define STALACTITE_REPORT_JSON_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* Writes root as one line and deletes it; 0, or -1 when printing failed. */
int st_report_json_emit(FILE *f, cJSON *root);

#endif
