/* formats: the timing outputs other than .mm_profdata.
 *
 * Chrome trace-event JSON (rustc -Z llvm-time-trace, crox, other tools),
 * rustc -Z time-passes and -Z time-llvm-passes text, and folded stacks.  Each
 * loader turns its input into intervals, which the shared event buffer
 * (formats.c) nests per thread and feeds to the builder in the order it
 * needs (builder.h).  Errors are "offset N: ..." (JSON) or "line N: ..."
 * (text); warnings go to the caller's buffer. */
#ifndef STALACTITE_FORMATS_H
#define STALACTITE_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include "stalactite/builder.h"
#include "stalactite/mmprof.h"   /* st_progress_fn */

typedef enum st_text_format {
	ST_TF_NONE, ST_TF_TRACE, ST_TF_TIMEPASSES, ST_TF_LLVMPASSES, ST_TF_FOLDED
} st_text_format;

/* Bytes st_formats_sniff looks at, at most (a folded stack's first line must
 * end within them). */
#define ST_FORMATS_SNIFF 4096

/* The format of data from its first bytes; ST_TF_NONE when it is none. */
st_text_format st_formats_sniff(const unsigned char *data, size_t len);
/* "chrome trace", "time-passes", "time-llvm-passes", "folded stacks". */
const char *st_formats_name(st_text_format f);

/* The crate a file of these formats is about, from its name alone:
 * "dir/app-0123456789abcdef.llvm_timings.json" is "app". */
void st_formats_crate(const char *path, char *out, size_t cap);

/* Loads data as one source of b (begin to end).  Returns 0, or -1 with the
 * message in err.  warn gets "" or one warning (what was skipped or cut).
 * mapped: data is a read-only private file mapping (page-aligned) whose
 * pages the loader may give back once read; nothing keeps pointers into
 * data after the call either way. */
int st_formats_load(st_text_format f, const unsigned char *data, size_t len,
                    bool mapped, st_builder *b, const char *path, char *warn, size_t warnlen,
                    char *err, size_t errlen);
/* The same, telling progress (bytes of data parsed, of len) about every
 * MiB and once more before the events are fed; progress returning false
 * stops the load: -1 with "cancelled" in err.  progress may be NULL.
 * threads: how many the parser may read on (0 or 1: the caller's alone). */
int st_formats_load_progress(st_text_format f, const unsigned char *data,
                             size_t len, bool mapped, unsigned threads,
                             st_builder *b,
                             const char *path, st_progress_fn progress,
                             void *progress_ctx, char *warn, size_t warnlen,
                             char *err, size_t errlen);

/* ---- for the loaders ----------------------------------------------------- */

typedef struct st_fev {
	uint64_t start, end;   /* ns */
	uint64_t at;           /* byte offset or line, for messages */
	uint32_t thread, kind, label;
	uint32_t arg0, nargs;  /* into the buffer's args */
	union {                /* one word: 48 bytes an event, not 56 */
		uint32_t seq;      /* order added, from 1: of equal intervals the
		                      first added encloses the others (0: first);
		                      read only by the sort before nesting */
		uint32_t depth;    /* set by nesting, for the builder's order */
	};
} st_fev;

typedef struct st_evbuf {
	st_fev *v;
	size_t len, cap;
	uint32_t *args;
	size_t nargs, argcap;
	const char *at_unit;   /* "offset" or "line" */
	uint64_t clipped;      /* events cut to fit their parent */
	bool mapped;           /* the input may be given back as it is read */
	st_progress_fn progress;   /* NULL: none (st_evbuf_tell) */
	void *progress_ctx;
	uint64_t total, next_tell;
	unsigned threads;      /* a parser may read on this many (0, 1: one) */
	unsigned parts;        /* set by st_trace_parse: 2 when it kept a
	                          second part read at once, else 1 */
	uint64_t fed;          /* events fed so far (st_evbuf_feed) */
} st_evbuf;

/* For the parsers' loops: tells progress when done has passed the next
 * MiB; false when it said stop (the parser then fails with "cancelled"). */
static inline bool st_evbuf_tell(st_evbuf *eb, uint64_t done)
{
	if (!eb->progress || done < eb->next_tell)
		return true;
	if (done > eb->total)   /* a last line without its newline */
		done = eb->total;
	eb->next_tell = done + ((uint64_t)1 << 20);
	return eb->progress(eb->progress_ctx, done, eb->total);
}

void st_evbuf_add(st_evbuf *eb, uint32_t thread, uint32_t kind, uint32_t label,
                  uint64_t start, uint64_t end, const uint32_t *args,
                  uint32_t nargs, uint64_t at);
/* Nests the events per thread (an event that overlaps its parent partly is
 * cut at the parent's end, as rounding to whole microseconds makes them) and
 * feeds them to b, telling progress (all bytes done) every 65 536 events:
 * it may stop the feed there ("cancelled").  Returns 0, or -1 with the
 * message in err. */
int st_evbuf_feed(st_evbuf *eb, st_builder *b, char *err, size_t errlen);
void st_evbuf_free(st_evbuf *eb);

/* Each loader fills eb (whose strings go into strs); 0 or -1 with err.
 * st_trace_parse reads an events array of st_trace_split_min bytes or more
 * in two parts at once when eb->threads allows (the same events, strings
 * and threads as one reading; tests lower the size). */
extern size_t st_trace_split_min;
int st_trace_parse(const unsigned char *data, size_t len, st_strtab *strs,
                   st_evbuf *eb, char *warn, size_t warnlen, char *err,
                   size_t errlen);
int st_folded_parse(const unsigned char *data, size_t len, st_strtab *strs,
                    st_evbuf *eb, char *warn, size_t warnlen, char *err,
                    size_t errlen);
int st_timepasses_parse(const unsigned char *data, size_t len, st_strtab *strs,
                        st_evbuf *eb, char *warn, size_t warnlen, char *err,
                        size_t errlen);
/* A time-llvm-passes table of regions timed inside passes (titled, but not
 * "... execution timing report" as the pass managers' are): not LLVM time
 * again. */
bool st_llvmpasses_inner(const char *title, size_t n);
int st_llvmpasses_parse(const unsigned char *data, size_t len, st_strtab *strs,
                        st_evbuf *eb, char *warn, size_t warnlen, char *err,
                        size_t errlen);

/* Rounds a non-negative count of unit (1e3 for µs, 1e9 for s) to integer ns,
 * from its decimal text, exactly; false when s[0..n) is no such number. */
int st_decimal_ns(const char *s, size_t n, uint64_t unit_ns, uint64_t *out);

#endif
