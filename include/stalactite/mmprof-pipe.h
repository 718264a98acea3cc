/* mmprof-pipe: one profile decoded on other threads while the calling
 * thread builds, so that a single large file loads on several cores.
 *
 * Each decoder interns into a strtab of its own (nothing it touches is
 * shared) and ships, with each event, the strings it interned for it; the
 * calling thread interns them into the model's strtab just before it feeds
 * that event to the builder.  The builder thus gets the same events, and
 * the model's strtab the same ids in the same order, as with st_mmprof_feed
 * on a decoder opened on the model's strtab: the model is the same. */
#ifndef STALACTITE_MMPROF_PIPE_H
#define STALACTITE_MMPROF_PIPE_H

#include <stddef.h>
#include "stalactite/mmprof.h"

typedef struct st_mmprof_pipe st_mmprof_pipe;

/* p was opened on local (its own strtab) over data[0..len); what opening
 * interned there is interned into global now, in id order, as opening on
 * global would have.  Call right after st_mmprof_open.  decoders: threads
 * that decode (each a twin of p); fewer for a small file. */
st_mmprof_pipe *st_mmprof_pipe_new(st_mmprof *p, st_strtab *local,
                                   st_strtab *global, const unsigned char *data,
                                   size_t len, unsigned decoders);
/* st_mmprof_feed's contract, the decoding on other threads (on the calling
 * one when no thread can be started); progress is called on the calling
 * thread only. */
int st_mmprof_pipe_feed(st_mmprof_pipe *pp, st_builder *b,
                        st_progress_fn progress, void *progress_ctx,
                        char *err, size_t errlen);
/* Frees the pipe; p (closed after it) and local are the caller's. */
void st_mmprof_pipe_free(st_mmprof_pipe *pp);

#endif
