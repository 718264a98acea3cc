/* load: from command-line paths to a finished model.
 *
 * A path is a file, a directory (searched recursively for *.mm_profdata,
 * .zst and .gz, and for other files whose content is a profile) or "-" for
 * standard input.  Formats and zstd or gzip compression are sniffed from
 * content.  Every error names the path and the offset: "PATH: offset N: what
 * is wrong" ("PATH (decompressed): ..." for offsets inside a compressed
 * file).  Warnings go to opts->warn: a compressed stream cut short, files
 * skipped in a directory, a file reached twice, two profiles of one crate. */
#ifndef STALACTITE_LOAD_H
#define STALACTITE_LOAD_H

#include <stddef.h>
#include "stalactite/builder.h"
#include "stalactite/mmprof.h"

typedef struct st_load_opts {
	/* may be NULL; total is all files' bytes.  Called between files and
	 * during each; returning false cancels the load. */
	st_progress_fn progress;
	void *progress_ctx;
	void (*warn)(void *ctx, const char *msg);  /* "PATH: ..."; may be NULL */
	void *warn_ctx;
	const st_event_hook *hook;   /* may be NULL */
	/* Threads that load files at once (at most ST_LOAD_MAX_JOBS; 1: the
	 * calling thread alone); 0: st_load_set_jobs's count.  The model and
	 * every callback are the same whatever the count: callbacks run on the
	 * calling thread only, in file order.  With a hook, loading stays on
	 * the calling thread. */
	unsigned jobs;
} st_load_opts;

#define ST_LOAD_MAX_JOBS 64

/* The thread count of every load whose opts->jobs is 0 (initially 1); the
 * program sets it once from -j, STALACTITE_JOBS or the cores online, for
 * the viewer's loads too. */
void st_load_set_jobs(unsigned jobs);
/* That count (for the work after a load that may use threads too). */
unsigned st_load_jobs(void);

/* Loads every path into m and finishes it.  Returns 0; 1 with a one-line
 * message (without the "stalactite: " prefix) in err; or 2 when
 * opts->progress cancelled the load (err: "cancelled"; m is then only fit
 * to be freed). */
int st_load_paths(st_model *m, char *const *paths, int npaths,
                  const st_load_opts *opts, char *err, size_t errlen);

/* The crate a profile belongs to, from its command line (--crate-name, build
 * scripts, proc-macros, the source file) or else its file name: the crate's
 * name alone ("proc_macro2" for its library and its build script alike) and
 * what the run built. */
void st_crate_info(const char *cmd, const char *path, char *name, size_t cap,
                   st_crate_kind *kind);
/* The display name: "tokio", "serde (build script)", "syn_derive
 * (proc-macro)", "___ (cargo probe)". */
void st_crate_name(const char *cmd, const char *path, char *out, size_t cap);

#endif
