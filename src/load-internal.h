/* load-internal.h: what the parts of the loader share (load.c, one input
 * from its first bytes to builder events, and st_load_paths; load-inputs.c,
 * the paths given and the directories searched; load-jobs.c, files on
 * several threads; load-guard.c, a mapped file that shrinks): the loader's
 * state and the few functions one part calls in another.  Private to those
 * files; the public contract is include/stalactite/load.h. */
#ifndef ST_LOAD_INTERNAL_H
#define ST_LOAD_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "stalactite/formats.h"
#include "stalactite/load.h"

typedef struct input {
	char *path;       /* as shown in messages */
	bool is_stdin;
	bool from_dir;    /* found by a directory scan: must be a regular file */
	bool has_id;      /* dev and ino are known */
	dev_t dev;
	ino_t ino;
	uint64_t size;    /* for progress; 0 when unknown */
} input;

typedef struct input_list {
	input *v;
	size_t len, cap;
} input_list;

typedef struct crate_seen {
	char *crate;
	const char *path;  /* the first profile of it (an input's path) */
	st_crate_kind kind;
	bool warned;
} crate_seen;

typedef struct dir_seen {
	dev_t dev;
	ino_t ino;
	char *path;
	bool open;             /* being scanned: reaching it again is a loop */
} dir_seen;

typedef struct loader {
	const st_load_opts *opts;
	input_list l;
	dir_seen *dirs;
	size_t ndirs, capdirs;
	size_t limit;          /* most bytes a decompressed input may have */
	uint64_t in_limit;     /* most bytes read from a pipe or a device */
	uint64_t base, total;  /* progress: bytes before this input, all bytes */
	uint64_t size;         /* this input's bytes (0: unknown) */
	uint64_t lo, span;     /* compressed: decoding covers [lo, lo + span) of
	                          them; span 0: decoder offsets are file offsets */
	crate_seen *crates;
	size_t ncrates, crates_cap;
	st_model *m;           /* cargo timings go straight into it */
	bool dense;            /* the mapped file has no holes: populate it */
	bool cancelled;        /* opts->progress said stop */
	unsigned pipe;         /* a profile decodes on this many threads */
	/* On a worker thread (several jobs): the file being loaded, into a
	 * model of its own, and the jobs it is one of.  Whatever must happen in
	 * file order on the calling thread (warnings, crate notes, cargo
	 * timings, progress) is handed to it there. */
	struct job *job;
	struct jobs *jobs;
} loader;

/* One file loaded on a worker thread (see load-jobs.c). */
typedef struct job {
	const input *in;
	st_model *m;               /* the file's own model and builder */
	st_builder *b;
	int rc;
	char err[1024];
	char **warns;              /* sanitised, in the order they arose */
	size_t nwarns;
	char *crate;               /* for load_note_crate, at the file's turn, */
	st_crate_kind kind;
	size_t crate_at;           /* after this many of warns */
	/* cargo timings: loaded at the file's turn from a copy of its bytes
	 * (a pipe cannot be read twice), named tname in messages */
	bool timings, timings_log;
	unsigned char *tdata;
	size_t tlen;
	char *tname, *tcut;
	bool spare;                /* a core was idle when it started */
	bool started, finished;    /* under jobs.mu, */
	uint64_t held;             /* and what it holds: see may_start */
	_Atomic uint64_t done;     /* progress: bytes of the file */
} job;

/* The files of a load and the threads loading them (see load-jobs.c). */
typedef struct jobs {
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* a file finished, or one was merged */
	job *v;
	size_t n, merged;          /* files, the first not yet merged */
	size_t *order, pos;        /* files by size (largest first), where in it */
	size_t first;              /* no file before it is left to start */
	unsigned workers;          /* started so far: which takes the largest */
	unsigned running;          /* files being read now */
	unsigned cores;            /* online */
	uint64_t held;             /* what the files started and not merged hold */
	atomic_bool stop;          /* cancelled, or an earlier file failed */
	const loader *ld;          /* read-only while the workers run */
} jobs;

/* The formats stalactite reads.  load_sniff_format is the one place that
 * tells them apart by their first bytes (after decompression). */
typedef enum in_format { FORMAT_UNKNOWN, FORMAT_MMPROF, FORMAT_CARGO_HTML,
                         FORMAT_CARGO_LOG, FORMAT_TEXT } in_format;
/* bytes load_sniff_format needs at most: a folded stack's first line */
#define SNIFF_LEN ST_FORMATS_SNIFF

/* load.c */
in_format load_sniff_format(const unsigned char *data, size_t len);
/* A warning through opts->warn, sanitised; on a worker, kept for the
 * file's turn. */
__attribute__((format(printf, 2, 3)))
void load_warn(const loader *ld, const char *fmt, ...);
/* err = "PATH: " and fmt with what; returns 1. */
int load_fail(char *err, size_t errlen, const char *path, const char *fmt,
              const char *what);
/* Tells progress (done bytes of all); false when the load is to stop. */
bool load_tell(loader *ld, uint64_t done);
ssize_t load_read_head(loader *ld, int fd, unsigned char *buf, size_t cap);
void load_note_crate(loader *ld, const char *crate, st_crate_kind kind,
                     const char *path);
int load_timings(loader *ld, const input *in, const char *name,
                 const unsigned char *data, size_t len, bool log,
                 const char *cut, char *err, size_t errlen);
/* Opens, reads and decodes one input into b; 0, or 1 with err. */
int load_one(loader *ld, st_builder *b, const input *in, char *err,
             size_t errlen);

/* load-inputs.c: the command-line paths as a list of inputs (ld->l),
 * directories searched in name order; 0, or 1 with err. */
int load_collect(loader *ld, char *const *paths, int npaths, char *err,
                 size_t errlen);

/* load-jobs.c */
int load_jobs(loader *ld, st_builder *b, unsigned nthreads, char *err,
              size_t errlen);

#include "load-guard.h"

#endif
