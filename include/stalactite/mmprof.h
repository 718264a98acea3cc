/* mmprof: decoder for measureme .mm_profdata files, format versions 8 and 9.
 *
 * Works on a byte buffer (an mmap of the file, or standard input read whole):
 * validates every page, stream header, record size, string reference and
 * event, never trusts a length, never casts the buffer to a struct.  Strings
 * are resolved once each and interned into the caller's strtab.  Events are
 * fed to the builder in reverse file order (builder.h). */
#ifndef STALACTITE_MMPROF_H
#define STALACTITE_MMPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stalactite/builder.h"

typedef struct st_mmprof st_mmprof;

typedef struct st_mmprof_info {
	uint32_t version;       /* 8 or 9 */
	uint64_t start_time_ns; /* metadata start_time (ns since the epoch) */
	uint32_t pid;
	const char *cmd;        /* metadata command line, rustc escapes undone;
	                           "" when absent; owned by the decoder */
	uint64_t events;        /* event records in the file */
	const char *warning;    /* non-NULL when the file was incomplete at its
	                           end and only the readable part is used */
} st_mmprof_info;

/* What a file that is no profile (nor any other format) is told. */
#define ST_MMPROF_NOT_A_FORMAT \
	"not a format read here (a profile starts with MMPD; --help lists the others)"

/* True when data starts like a measureme profile ("MMPD"). */
bool st_mmprof_sniff(const unsigned char *data, size_t len);
/* True when data (at least 8 bytes) has the magic and a version this decoder
 * reads: what st_mmprof_open checks first, so that a loader can refuse a
 * huge file on its first bytes, before mapping or reading it whole. */
bool st_mmprof_header_ok(const unsigned char *data, size_t len);

/* Checks the page structure, stream headers, index and metadata.  On error
 * returns NULL and writes "offset N: what is wrong" into err.  data must stay
 * valid until st_mmprof_close. */
st_mmprof *st_mmprof_open(const unsigned char *data, size_t len,
                          st_strtab *strs, char *err, size_t errlen);
/* The same for a read-only file mapping: what opening reads is given back
 * as it goes, and st_mmprof_set_mapped(p, true) is set. */
st_mmprof *st_mmprof_open_mapped(const unsigned char *data, size_t len,
                                 st_strtab *strs, char *err, size_t errlen);
/* A second decoder of the file src decodes, interning into strs: it
 * shares src's page layout and string index, read-only (so the two may run
 * on threads at once), instead of reading them again; close it before
 * src. */
st_mmprof *st_mmprof_open_twin(const st_mmprof *src, st_strtab *strs);
const st_mmprof_info *st_mmprof_get_info(const st_mmprof *p);
/* Tells the decoder that data is a read-only file mapping, so st_mmprof_feed
 * may release (madvise MADV_DONTNEED) the events pages it has finished with.
 * Never set it for a heap buffer.  Default: false. */
void st_mmprof_set_mapped(st_mmprof *p, bool mapped);
bool st_mmprof_is_mapped(const st_mmprof *p);
/* With a mapping: st_mmprof_feed faults the file in ahead of where it
 * reads, a window at a time (a fault per page is costly on virtual
 * machines).  Not for a sparse file.  Default: false. */
void st_mmprof_set_populate(st_mmprof *p, bool populate);

/* Progress callback: bytes of the file processed so far and the file size.
 * Returns false to stop: the work under way then fails with "cancelled"
 * (which is how a viewer abandons a load when the user quits). */
typedef bool (*st_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Instead of feeding a builder, st_mmprof_feed hands every event to fn
 * (mmprof-pipe.h decodes on a thread of its own that way); fn returns false,
 * with *why, where st_builder_event would.  at is the event's file offset;
 * e->key is valid during the call only, e->args until st_mmprof_close. */
typedef bool (*st_mmprof_sink)(void *ctx, const st_event *e, uint64_t at,
                               const char **why);
void st_mmprof_set_sink(st_mmprof *p, st_mmprof_sink fn, void *ctx);

/* The sweep (mmprof-sweep.c): the string data read once, in order, before
 * the events, which then read neither query keys nor the event ids of
 * query invocations (their strings lie at random at the file's end).
 * Every literal that may hold async evidence goes to scan; a mapped file's
 * string pages are given back behind it.  The events then carry no key
 * (e->key NULL): not with an event hook, which is shown the keys.
 * begin sorts the index; the parts (part of parts, the string pages cut in
 * as many runs) may run on threads of their own at once, each with its
 * own scan; end frees what only the parts need.  share gives another
 * decoder of the same file (st_mmprof_feed_range) what they found, which
 * must outlive it.  progress (may be NULL) is called every few MiB with 0
 * done, only to be able to stop: a part stops when it returns false (the
 * events then stop at their first progress step). */
typedef void (*st_mmprof_text_fn)(void *ctx, const char *s, size_t n);
void st_mmprof_sweep(st_mmprof *p, st_mmprof_text_fn scan, void *ctx,
                     st_progress_fn progress, void *progress_ctx);
void st_mmprof_sweep_begin(st_mmprof *p);
void st_mmprof_sweep_part(st_mmprof *p, unsigned part, unsigned parts,
                          st_mmprof_text_fn scan, void *ctx,
                          st_progress_fn progress, void *progress_ctx);
void st_mmprof_sweep_end(st_mmprof *p);
void st_mmprof_sweep_share(st_mmprof *dst, const st_mmprof *src);

/* Decodes every event and feeds it to b (begin/end_source are the caller's).
 * Returns 0, or -1 with "offset N: what is wrong" in err, or -2 when the
 * progress callback asked to stop. */
int st_mmprof_feed(st_mmprof *p, st_builder *b, st_progress_fn progress,
                   void *progress_ctx, char *err, size_t errlen);
/* The events lo..hi-1 only (the last first), for decoding one file on
 * several threads: each thread opens the file itself and feeds ranges in
 * turn.  No final progress call, and no pages given back. */
int st_mmprof_feed_range(st_mmprof *p, st_builder *b, uint64_t lo, uint64_t hi,
                         st_progress_fn progress, void *progress_ctx,
                         char *err, size_t errlen);
/* Gives back the pages of a mapped file after the events page of event
 * and what was written after it (drop_tail in mmprof.c says why that is
 * done with once every event from event on is decoded), up to *mark (the
 * file's size at first), which it moves down. */
void st_mmprof_release_after(const st_mmprof *p, uint64_t event, uint64_t *mark);
/* Faults the whole mapping in at once (when populate is set), for ranges. */
void st_mmprof_prefault(const st_mmprof *p);
void st_mmprof_close(st_mmprof *p);

#endif
