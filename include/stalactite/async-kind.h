/* async-kind: which functions are async fn bodies, async blocks, async
 * closures or plain closures, per defining crate.
 *
 * rustc lowers every `async fn` body and `async {}` block to a coroutine with
 * a closure-like def path (`app::f::{closure#0}`), so names alone cannot tell
 * them from closures.  The exact evidence is in the query keys of the
 * defining crate's own profile: `Coroutine(DefId(0:N ~ PATH)`,
 * `Closure(DefId(0:N ~ PATH)` and `CoroutineClosure(DefId(0:N ~ PATH)`,
 * where crate index 0 is that profile's own crate.  Keys from one profile are
 * bound to that profile's crate; a name is looked up by crate, module path,
 * method and closure indices, never by a suffix (see async-kind.c).  Names
 * with no exact answer fall back to the documented heuristic and say so. */
#ifndef STALACTITE_ASYNC_KIND_H
#define STALACTITE_ASYNC_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include "stalactite/tree.h"

typedef struct st_async_evidence st_async_evidence;

st_async_evidence *st_async_evidence_new(void);
void st_async_evidence_free(st_async_evidence *ev);

/* Scans one argument string of the current source (a query key, a mir_pass
 * DefId ...) for own-crate DefIds of closures and coroutines and for
 * "{async fn body of F()}".  Cheap when the string holds neither. */
void st_async_evidence_scan(st_async_evidence *ev, const char *s, size_t len);
/* False when st_async_evidence_scan would find nothing in s (neither
 * marker), so that a string can be left out before it is scanned. */
bool st_async_evidence_may_hold(const char *s, size_t len);
/* Adds what src's current source showed (scanned apart, on another
 * thread) to dst's current source. */
void st_async_evidence_absorb(st_async_evidence *dst,
                              const st_async_evidence *src);
/* Ends the current source: binds what it showed to its own crate.  Returns
 * true when the source had own-crate closure or coroutine keys (it was
 * profiled with query keys). */
bool st_async_evidence_end_source(st_async_evidence *ev);
/* True when some source had own-crate keys. */
bool st_async_evidence_exact(const st_async_evidence *ev);
/* Adds what src's ended sources showed to dst, as if they had been scanned
 * into dst (loading on several threads gathers evidence per file). */
void st_async_evidence_merge(st_async_evidence *dst,
                             const st_async_evidence *src);

/* Heuristic evidence: records that `name` (normalised) shows a path used as
 * a future, e.g. "<X as IntoFuture>::into_future", "Pin<&mut X>::new_unchecked",
 * "<X as Future>::poll" or a pinned box of X.  Call for every function name
 * before classifying. */
void st_async_note_name(st_async_evidence *ev, const char *name, size_t len);

/* Kind of a normalised function name: ST_K_FN, ST_K_CLOSURE, ST_K_ASYNC_FN
 * (an async fn's body), ST_K_ASYNC_BLOCK (an async block, or the body of an
 * async closure) or ST_K_ASYNC_CLOSURE.  *exact (may be NULL) tells whether
 * the kind came from query keys (or needs none: a name that ends in no
 * closure segment); otherwise it is the heuristic's guess.  ev may be NULL. */
st_kind st_async_classify(const st_async_evidence *ev, const char *name,
                          size_t len, bool *exact);

/* The async fn a function belongs to: if the name is, or mentions inside its
 * generic arguments, a path classified as an async fn body, async block or
 * async closure (F::{closure#N}...), stores the owning fn path F's offset and
 * length within name and returns true; *exact (may be NULL) tells whether
 * that classification was exact.  The name's own path is tried first, then
 * the paths in its generic arguments, first mention first. */
bool st_async_owner(const st_async_evidence *ev, const char *name, size_t len,
                    size_t *off, size_t *olen, bool *exact);

#endif
