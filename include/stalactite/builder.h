/* builder: the one place that turns events into the model.
 *
 * Loaders only emit events; the builder owns every tree and statistic.  Events
 * of one source must arrive in REVERSE file order (for rustc profiles: per
 * thread, latest end first, so a parent comes before its children), which is
 * the walk measureme's summarize does; the builder keeps one stack per thread
 * and derives nesting, self time, the merged stack tree, the codegen trees and
 * every per-label / per-pass / per-CGU / per-function figure from it. */
#ifndef STALACTITE_BUILDER_H
#define STALACTITE_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include "stalactite/async-kind.h"
#include "stalactite/model.h"

typedef enum st_event_type {
	ST_EV_INTERVAL,
	ST_EV_INSTANT,
	ST_EV_INTEGER,
} st_event_type;

typedef struct st_event {
	uint8_t type;          /* st_event_type */
	uint32_t thread;
	uint32_t kind;         /* strtab id of the kind text ("Query", "LLVM Pass") */
	uint32_t label;        /* strtab id */
	const uint32_t *args;  /* strtab ids (raw); valid until the source ends */
	uint32_t nargs;
	uint64_t start, end;   /* ns; interval: start <= end; instant: start */
	uint64_t value;        /* integer events */
	/* A query key given as text instead of in args: with query keys every
	 * query invocation has its own (long) key, which the model never keeps.
	 * Valid only during st_builder_event; NULL when absent.  It is scanned
	 * for async evidence and shown to the event hook's enter(). */
	const char *key;
	size_t keylen;
} st_event;

/* Optional observer of every interval event, used by report --match.
 * enter() is called once the event's parent is known; `inside` is true when
 * an ancestor on the same thread was marked; the return value marks this
 * event, and *tag (0 on entry) is handed back to leave(), which is called
 * when the event's self time is known (its key is gone by then). */
typedef struct st_event_hook {
	void *ctx;
	bool (*enter)(void *ctx, const st_event *e, bool inside, uint32_t *tag);
	void (*leave)(void *ctx, const st_event *e, int64_t self_ns, bool marked,
	              uint32_t tag);
} st_event_hook;

typedef struct st_builder st_builder;

st_builder *st_builder_new(st_model *m);
void st_builder_set_hook(st_builder *b, const st_event_hook *hook);
/* Whether an event hook is set (it is shown query keys: see st_event). */
bool st_builder_has_hook(const st_builder *b);
/* Text of the current source that may hold async evidence, read apart from
 * its events (a profile's strings, mmprof.h's sweep), as if a key of one;
 * or already scanned into ev on another thread.  builder is an st_builder:
 * void *, so that the function is the sweep's callback itself. */
void st_builder_scan_text(void *builder, const char *s, size_t n);
void st_builder_add_evidence(st_builder *b, const st_async_evidence *ev);
/* The strtab loaders intern into (the model's). */
st_strtab *st_builder_strs(st_builder *b);

/* Starts a source whose events follow.  crate is its display crate name. */
void st_builder_begin_source(st_builder *b, const char *path, const char *format,
                             const char *crate, uint64_t bytes);
/* The crate of the current source, when known: the crate's name alone
 * ("proc_macro2") and an st_crate_kind.  Defaults: the display name, a lib. */
void st_builder_set_crate(st_builder *b, const char *name, uint8_t kind);
/* The deepest nesting of intervals on one thread accepted: far above real
 * profiles, low enough that walks over the trees stay cheap. */
#define ST_MAX_NESTING 10000
#define ST_STR_(x) #x
#define ST_STR(x) ST_STR_(x)

/* The most event time accepted, in ns: one source's intervals summed over
 * every nesting level, plus what its threads' spans and its own span add
 * beyond them (2^53 ns, 104 days: real profiles hold hours), and a whole
 * load's (2^61).  Every figure of the model is a sum of such times, so no
 * sum, and no difference of two in a diff, can overflow. */
#define ST_MAX_SOURCE_NS ((uint64_t)1 << 53)
#define ST_MAX_SOURCE_DAYS "104"
#define ST_MAX_LOAD_NS ((uint64_t)1 << 61)

/* Feeds one event.  Returns false, with *why set to a static message, when
 * the event cannot be placed (an interval that partly overlaps its parent on
 * the same thread, nests deeper than ST_MAX_NESTING, or takes the time past
 * ST_MAX_SOURCE_NS or ST_MAX_LOAD_NS); the caller reports it with the file
 * offset. */
bool st_builder_event(st_builder *b, const st_event *e, const char **why);
/* What the builder looks up for an interval: for st_builder_hint. */
typedef struct st_hint {
	uint32_t thread, kind, label;
	uint32_t nargs, arg0;   /* arg0: the first argument, when nargs > 0 */
	uint64_t start, end;    /* which open event encloses it */
} st_hint;
/* Hints read per event: the next event's parent is found exactly from the
 * open frames (99.99% of the slots fetched were the ones probed, on a
 * fat-LTO profile); two, fetching the one after too when its parent is
 * open already, were no faster there. */
#define ST_HINTS 1
/* The intervals likely to come after the next one fed, in order (at most
 * ST_HINTS are read): while building the next one, the builder fetches
 * into the cache what they will look up.  A hint only, used by the next
 * st_builder_event call and then forgotten; it changes nothing in the
 * model. */
void st_builder_hint(st_builder *b, const st_hint *next, uint32_t n);
void st_builder_end_source(st_builder *b, uint64_t events);
/* The event time (as ST_MAX_SOURCE_NS counts it) of every source b took,
 * merged ones included: a load that merges builders checks the sum. */
uint64_t st_builder_time(const st_builder *b);

/* Moves everything src's sources gave (src builds a model of its own) into
 * dst's model, as if those sources had been fed to dst after its own: the
 * same string ids, tree nodes and rows in the same order, so that a load
 * split over threads gives byte-identical reports.  Neither builder may be
 * inside a source or finished; src and its model are then only fit to be
 * freed.  Not with an event hook on src (its tags mean nothing to dst). */
void st_builder_merge(st_builder *dst, st_builder *src);
/* Frees what only reading events needs, keeping what st_builder_merge
 * reads: a builder waiting to be merged then holds little beyond its
 * model.  It takes no events afterwards. */
void st_builder_trim(st_builder *b);

/* Ends loading: classifies functions, groups async fns, sorts statistics,
 * frees every lookup structure.  The model is read-only afterwards. */
/* Threads st_builder_finish may use (default 1): with two, the codegen
 * tree and its pivot are built at once. */
void st_builder_set_threads(st_builder *b, unsigned n);
void st_builder_finish(st_builder *b);
void st_builder_free(st_builder *b);

#endif
