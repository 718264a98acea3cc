/* names: readable, stable names for grouping and display.
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
 * ::h<16 hex> hashes removed; CGU names "crate.<hex hash>-cgu.N" become
 * "crate-cgu.N".  Writes a NUL-terminated result into out (truncated to cap)
 * and returns its length.  Returns len and copies unchanged when nothing
 * applies. */
size_t st_name_normalize(const char *in, size_t len, char *out, size_t cap);

/* Elides generic arguments for narrow columns: "Vec<u8>::push" becomes
 * "Vec<…>::push" (UTF-8 ellipsis; "..." when ascii is true).  Returns the
 * length written. */
size_t st_name_elide_generics(const char *in, size_t len, char *out, size_t cap,
                              bool ascii);

/* Elision by depth, so that a name is shortened only as much as it must
 * be: every generic argument list with at most `height` levels of generics
 * nested inside it becomes <…> (0, the innermost: "Vec<Option<u8>>" gives
 * "Vec<Option<…>>"; from st_name_generics_height on, every list, as
 * st_name_elide_generics).  With keep0 and keep1 (may be NULL), a list that
 * holds any of the bytes [*keep0, *keep1) of in stays (the lists inside it
 * may go) and both offsets are moved to where those bytes are in out.
 * Returns the length written (truncated to cap). */
size_t st_name_elide_depth(const char *in, size_t len, char *out, size_t cap,
                           bool ascii, int height, size_t *keep0, size_t *keep1);
/* The height of s's highest generic argument list (see above), -1 when it
 * has none. */
int st_name_generics_height(const char *s, size_t len);
/* The generic set of a display (normalised) function name: every generic
 * argument list becomes "<…>" (UTF-8 ellipsis), so all instances of one
 * generic function share one name:
 *   <h2::proto::connection::Connection<T, P, B>>::poll
 *                       -> <h2::proto::connection::Connection<…>>::poll
 *   core::ptr::drop_in_place::<hyper::Body> -> core::ptr::drop_in_place::<…>
 *   <Vec<u8> as Clone>::clone               -> <Vec<…> as Clone>::clone
 *   <X as From<Y>>::from                    -> <X as From<…>>::from
 * A list is "<" after a path segment (an identifier, "::" or "}") to its
 * matching ">", whatever it holds: types, lifetimes, const values.  The
 * trait of a qualified path <X as T<A>> loses its arguments like any
 * other path (so impls of one trait differing only in its arguments, such
 * as From<&str> and From<char> for String, are one set: a demangled name
 * cannot tell impls apart anyway); the "<X as T>" structure, closures
 * ({closure#0}) and shims ({shim:vtable#0}) stay.  Types without an
 * argument list stay as written: <&u8 as Debug>::fmt and <&str as
 * Debug>::fmt are two sets although one generic impl made both.  From an
 * unbalanced '<' on, the name is kept as it is.  Linear time, no recursion.
 * *lists (may be NULL) gets the number of lists erased: 0 means the name
 * is in no set.  Returns the length written; cap >= 3 * len + 1 never
 * truncates ("<>" grows to "<…>"). */
size_t st_name_erase_generics(const char *in, size_t len, char *out, size_t cap,
                              size_t *lists);

/* Removes generic argument lists (and a turbofish's "::"), keeping
 * qualified paths readable: "<a::S<u8>>::f::<T>::{closure#0}" becomes
 * "<a::S>::f::{closure#0}".  Returns the length written (truncated to cap). */
size_t st_name_strip_generics(const char *in, size_t len, char *out, size_t cap);

/* Index just past the '>' matching the '<' at s[i], or 0 when unbalanced
 * ("->" is an arrow, not a bracket). */
size_t st_name_match_angle(const char *s, size_t n, size_t i);
/* Whether the '<' at s[i] opens generic arguments (it follows a path
 * segment) rather than a qualified path <X as Y> or legacy <impl X for Y>. */
bool st_name_opens_generics(const char *s, size_t n, size_t i);

#endif
