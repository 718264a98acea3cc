/* snapshot: a finished model in one file (--save), opened by mapping it.
 *
 * A snapshot holds every array of a model (string table, trees, tables,
 * cargo timings) as aligned little-endian sections behind a header with a
 * magic, a format version and a checksum of the whole file; the layout is
 * in HACKING.md ("Snapshot format").  On a little-endian host whose struct
 * layout matches the format, opening points the model's arrays into a
 * read-only private mapping of the file: no copy, no rebuild.  Elsewhere
 * the sections are decoded into the heap.  A model that needs to change
 * (the diff adds BASE's strings and nodes to NEW) is thawed first. */
#ifndef STALACTITE_SNAPSHOT_H
#define STALACTITE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include "stalactite/load.h"
#include "stalactite/model.h"

#define ST_SNAPSHOT_MAGIC "\x89STLSNAP"
#define ST_SNAPSHOT_MAGIC_LEN 8
/* 2: the stack tree keys an LLVM pass by its label alone (in 1 by its
 * function too); the layout is 1's, but a model of 1 would not pair with
 * one loaded now in a diff. */
#define ST_SNAPSHOT_VERSION 2

/* True when data starts with the snapshot magic. */
bool st_snapshot_sniff(const unsigned char *data, size_t len);

/* Writes m to path atomically (a temporary file in the same directory,
 * then rename), with the nnotes warnings its load gave (said again when
 * it is opened).  Returns 0, or 1 with "PATH: what" in err. */
int st_snapshot_save(const st_model *m, const char *const *notes, size_t nnotes,
                     const char *path, char *err, size_t errlen);

/* Opens the snapshot at path into m, replacing what m held (a new model
 * from st_model_new).  Bad input (not a snapshot, a future version, cut
 * short, corrupt) returns 1 with "PATH: offset N: what" in err.  The model
 * reads the file's mapping for as long as it lives: the file cut under it
 * (while it is checked here, or later) ends the process with "stalactite:
 * PATH: offset N: file changed while being read" and status 1, the
 * terminal given back first (load-guard.h; unguarded, as before, in the
 * unlikely case that every guard slot is taken). */
int st_snapshot_open(st_model *m, const char *path, char *err, size_t errlen);

/* The same from memory (copied first, so data need not stay); with copy,
 * every section is decoded as on a host that cannot map them (tests). */
int st_snapshot_open_mem(st_model *m, const unsigned char *data, size_t len,
                         bool copy, const char *name, char *err,
                         size_t errlen);

/* The checksum a snapshot's header must hold, of data[0..len) with its
 * checksum field taken as zeros (len at least 64): for tests and the fuzz
 * target, which change snapshots on purpose. */
uint64_t st_snapshot_checksum(const unsigned char *data, size_t len);

/* For the fuzz target: brings every 64-bit figure (times, counts) of the
 * sections the table frames into +-2^39, leaving ids and links alone.
 * Figures are not checked on opening (sums of forged ones may overflow);
 * structure is, and that is what the fuzzer should spend its time on. */
void st_snapshot_fuzz_figures(unsigned char *data, size_t len);

/* For st_load_paths: -1 when no path is a snapshot (a regular file
 * starting with the magic); else opens the one snapshot into m, gives its
 * warnings to opts->warn and returns 0, or 1 with a message: a snapshot
 * must be the only path, and it keeps no events for opts->hook (--match)
 * to see.  Messages are sanitised. */
int st_snapshot_load_paths(st_model *m, char *const *paths, int npaths,
                           const st_load_opts *opts, char *err, size_t errlen);

/* Copies every array m borrows from its snapshot to the heap and releases
 * the snapshot: m can then change like any model.  Nothing when m has no
 * snapshot. */
void st_model_thaw(st_model *m);

/* Releases m's snapshot, leaving the borrowed arrays empty (st_model_free
 * calls it). */
void st_snapshot_release(st_model *m);

#endif
