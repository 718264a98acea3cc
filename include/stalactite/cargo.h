/* cargo: a cargo build's timings, from `cargo build --timings`'s HTML report
 * or the `-Zbuild-analysis` JSON Lines log, and what follows from them: the
 * critical path, the concurrency over time, the join with self-profiles. */
#ifndef STALACTITE_CARGO_H
#define STALACTITE_CARGO_H

#include <stdbool.h>
#include <stddef.h>
#include "stalactite/model.h"

/* A unit that started this long after the unit that unblocked it had
 * released it waited for a job slot (the HTML rounds times to 10 ms). */
#define ST_SLOT_SLACK_NS 50000000ull

/* True when data starts like a cargo-timing.html page / a build-analysis
 * log (their first bytes: "<html", a doctype, or {"run_id":). */
bool st_cargo_sniff_html(const unsigned char *data, size_t len);
bool st_cargo_sniff_log(const unsigned char *data, size_t len);

/* Parses one input into t (zeroed, path ST_NIL), interning names in strs.
 * Returns 0, or 1 with "offset N: ..." (HTML) or "line N: ..." (log) in err.
 * Units of a log that started and never finished (a build cut off, or a
 * log cut at a line's end) run to its last event: *unfinished counts them.
 * Analyses t (st_timings_analyse) before returning. */
int st_cargo_parse(st_build_timings *t, st_strtab *strs,
                   const unsigned char *data, size_t len, bool log,
                   uint32_t *unfinished, char *err, size_t errlen);
void st_timings_free(st_build_timings *t);

/* Parses one input into m->timings.  Given a second, keeps one of them
 * (a build log over an HTML report: it names every target and its kind) and
 * says so in note ("" otherwise). */
int st_timings_load(st_model *m, const char *path, const unsigned char *data,
                    size_t len, bool log, char *note, size_t notelen,
                    char *err, size_t errlen);

/* Sorts the units by start (edges follow), marks the critical path and sets
 * wall_ns, critical_path_ns and slot_bound; derives the concurrency from the
 * units when the input gave none.  Pure: unit-tested on hand-made graphs. */
void st_timings_analyse(st_build_timings *t);

/* Joins m's timings with its crates (once the builder has finished): units
 * gain their crate, crates cargo_ns and critical; also sets joined and
 * covered_ns. */
void st_timings_join(st_model *m);

#endif
