/* demangle: Rust symbol demangling (v0 and legacy schemes), our own.
 *
 * Output follows the rustc-demangle crate: the alternate form ({:#}) leaves
 * out hashes and crate disambiguators and is what stalactite displays; the
 * full form keeps them.  Malformed input is never partly rewritten: the
 * functions report failure and callers keep the input as it was.  Recursion
 * and output are bounded, so hostile input cannot exhaust the stack. */
#ifndef STALACTITE_DEMANGLE_H
#define STALACTITE_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
	ST_DEMANGLE_FULL = 1,   /* keep hashes and [disambiguators] */
};

/* Demangles the symbol sym[0..len) (with or without a leading '_' / '__' /
 * '.llvm.' suffix as rustc-demangle accepts).  Writes a NUL-terminated
 * result into out and returns its length, or returns (size_t)-1 when sym is
 * not a valid Rust symbol or out is too small. */
size_t st_demangle(const char *sym, size_t len, char *out, size_t cap, int flags);

/* As st_demangle, but tells the two failures apart: returns 0 with the
 * length in *olen, ST_DEMANGLE_INVALID when sym is not a Rust symbol, or
 * ST_DEMANGLE_TOO_SMALL when it is but out cannot hold the result. */
enum { ST_DEMANGLE_INVALID = 1, ST_DEMANGLE_TOO_SMALL = 2 };
int st_demangle_ex(const char *sym, size_t len, char *out, size_t cap, int flags,
                   size_t *olen);

/* Filter mode (--demangle): copies in to out line by line, replacing every
 * mangled Rust symbol found inside a line with its demangled form.  Returns 0,
 * or -1 on a read/write error. */
int st_demangle_stream(FILE *in, FILE *out, int flags);

#endif
