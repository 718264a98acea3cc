/* names: readable, stable names for grouping and display, and async-aware
 * classification of function names.
 *
 * Input names are what rustc writes into profiles: demangled v0 style with
 * crate disambiguators (core[667c7a611d73a360]::ptr::drop_glue::<...>),
 * legacy style with hashes (a::b::{{closure}}::h0123456789abcdef), or still
 * mangled (_R..., _ZN...E), which is demangled first. */
#ifndef STALACTITE_NAMES_H
#define STALACTITE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include "stalactite/tree.h"

/* Normalised form: mangled names demangled; [hex] crate disambiguators and
 * ::h<16 hex> hashes removed; CGU names "crate.<16 hex>-cgu.N" become
 * "crate-cgu.N".  Writes a NUL-terminated result into out (truncated to cap)
 * and returns its length.  Returns len and copies unchanged when nothing
 * applies. */
size_t st_name_normalize(const char *in, size_t len, char *out, size_t cap);

/* Elides generic arguments for narrow columns: "Vec<u8>::push" becomes
 * "Vec<…>::push" (UTF-8 ellipsis; "..." when ascii is true).  Returns the
 * length written. */
size_t st_name_elide_generics(const char *in, size_t len, char *out, size_t cap,
                              bool ascii);

/* Removes generic argument lists (and a turbofish's "::"), keeping
 * qualified paths readable: "<a::S<u8>>::f::<T>::{closure#0}" becomes
 * "<a::S>::f::{closure#0}".  Returns the length written (truncated to cap). */
size_t st_name_strip_generics(const char *in, size_t len, char *out, size_t cap);

/* Evidence gathered from query keys and other arguments of a profile, which
 * say exactly which def paths are coroutines and which async fns exist. */
typedef struct st_async_evidence st_async_evidence;

st_async_evidence *st_async_evidence_new(void);
void st_async_evidence_free(st_async_evidence *ev);
/* Scans one argument string (a query key, a mir_pass DefId ...) for
 * "Coroutine(DefId(N:M ~ PATH)", "Closure(DefId(N:M ~ PATH)",
 * "{async fn body of F()}" and "{async block@...}" and records the normalised
 * paths.  Cheap when the string contains none of them. */
void st_async_evidence_scan(st_async_evidence *ev, const char *s, size_t len);
/* True when any coroutine was recorded (the profile had query keys). */
bool st_async_evidence_exact(const st_async_evidence *ev);

/* Classifies a normalised function name as ST_K_FN, ST_K_CLOSURE,
 * ST_K_ASYNC_FN (an async fn's coroutine body) or ST_K_ASYNC_BLOCK.  With
 * exact evidence the evidence decides; otherwise the documented heuristic
 * (README) uses `futures`, the set of paths the profile shows used as futures
 * (see st_async_note_future). */
st_kind st_name_classify(const char *name, size_t len,
                         const st_async_evidence *ev);

/* Heuristic evidence: records that the profile's function names show `name`
 * (a normalised name) carrying a future, e.g. "<X as IntoFuture>::into_future",
 * "Pin<&mut X>::new_unchecked", "<X as Future>::poll".  Call for every
 * function name before classifying. */
void st_async_note_name(st_async_evidence *ev, const char *name, size_t len);

/* The async fn a function belongs to: if the name is, or mentions inside its
 * generic arguments, a path classified as an async fn body or async block
 * (F::{closure#N}...), stores the owning fn path F's offset and length within
 * name and returns true.  The first such mention wins. */
bool st_async_owner(const char *name, size_t len, const st_async_evidence *ev,
                    size_t *off, size_t *olen);

#endif
