/* bigmem: growable arrays for the model's large tables (tree nodes, lookup
 * slots), mapped directly and marked for transparent huge pages.
 *
 * A profile of 100 MB builds tens of megabytes of tables; on virtual
 * machines every first touch of a 4 KiB page is an expensive fault, and huge
 * pages cut their number by 512.  Small arrays stay on the ordinary heap
 * (the first growth from NULL below the threshold uses malloc). */
#ifndef STALACTITE_BIGMEM_H
#define STALACTITE_BIGMEM_H

#include <stddef.h>

/* Grows the block p (NULL for a new one) of old_size bytes to new_size
 * bytes (blocks never shrink), keeping its contents; never returns NULL
 * (st_fatal when out of memory).  Only blocks obtained from st_big_realloc may be passed in, with
 * their exact current size. */
void *st_big_realloc(void *p, size_t old_size, size_t new_size);
/* A new zeroed block of size bytes (free it with st_big_free).  Large
 * blocks are fresh mappings, zero already: their pages are touched only
 * where they are written, which an array filled on demand wants. */
void *st_big_calloc(size_t size);
void st_big_free(void *p, size_t size);
/* Gives back the whole pages of bytes [from, to) of block p (of size bytes)
 * when it is a mapping: the caller is done with them, and they read as
 * zeros if touched again.  Nothing for a heap block. */
void st_big_release(void *p, size_t size, size_t from, size_t to);
/* Huge pages only for mappings of at least bytes from now on (0: for
 * all).  An array's last huge page is resident whole however little of it
 * is used: on a small load, a dozen such tails are a large share of the
 * peak, while the faults they save matter on a large one. */
void st_big_set_huge_min(size_t bytes);

#endif
