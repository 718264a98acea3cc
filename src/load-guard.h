/* load-guard.h: guards over mapped files that may shrink (load-guard.c). */
#ifndef STALACTITE_LOAD_GUARD_H
#define STALACTITE_LOAD_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A slot guarding [map, map + len) while it is decoded, or -1 when none is
 * free: a fault there maps zeros over the rest, and load_guard_off says
 * whether (and at which offset) one happened. */
int load_guard_on(const void *map, size_t len);
bool load_guard_off(int slot, uint64_t *at);
/* A guard whose fault ends the process: "stalactite: HEAD<offset>: file
 * changed while being read", exit 1, the terminal given back first.  head
 * must live until load_guard_off. */
int load_guard_fatal(const void *map, size_t len, const char *head);

#endif
