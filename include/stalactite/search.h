/* search: PCRE2 patterns over names, and the "how much does X cost" figures.
 *
 * Patterns are compiled in UTF mode with smart case (caseless unless the
 * pattern has an upper-case letter) and JIT where available.  Every distinct
 * string is matched at most once: results are cached per strtab id. */
#ifndef STALACTITE_SEARCH_H
#define STALACTITE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stalactite/builder.h"
#include "stalactite/model.h"

typedef struct st_regex st_regex;

/* Compiles pattern; on error returns NULL and writes "offset N: PCRE2's
 * message" into err. */
st_regex *st_regex_compile(const char *pattern, char *err, size_t errlen);
void st_regex_free(st_regex *re);
const char *st_regex_pattern(const st_regex *re);
bool st_regex_match(const st_regex *re, const char *s, size_t len);
/* Like st_regex_match from byte from on (lookbehinds and anchors still see
 * the whole string), and sets [*start, *end) to the bytes of the first
 * match (what the viewer keeps visible when it shortens a name). */
bool st_regex_find(const st_regex *re, const char *s, size_t len, size_t from,
                   size_t *start, size_t *end);

/* ---- report mode: matches over raw events --------------------------------
 * An event matches when the pattern matches its label or one of its
 * arguments after normalisation.  count = matching events; self_ns = sum of
 * their self times; total_ns = sum of the durations of matching events not
 * nested inside another matching event on the same thread. */
typedef struct st_match_name {
	uint32_t name;      /* the matched label or argument (normalised) */
	uint64_t count;
	int64_t self_ns;
	uint64_t total_ns;  /* events not nested in another matching event of
	                       the same name on the same thread */
} st_match_name;

typedef struct st_match_report st_match_report;

st_match_report *st_match_report_new(const st_regex *re, st_strtab *strs);
void st_match_report_free(st_match_report *r);
/* The hook to give the loader (load.h's st_load_opts.hook). */
const st_event_hook *st_match_report_hook(st_match_report *r);
uint64_t st_match_count(const st_match_report *r);
int64_t st_match_self_ns(const st_match_report *r);
uint64_t st_match_total_ns(const st_match_report *r);
/* Matching names sorted by total time, longest first. */
const st_match_name *st_match_names(const st_match_report *r, uint32_t *n);
const char *st_match_pattern(const st_match_report *r);

#endif
