/* load.c: command-line paths to a finished model.
 *
 * Regular files are mapped (the decoder reads them in place); standard input
 * and other non-seekable files are read whole into memory, up to
 * STALACTITE_MAX_INPUT bytes.  Every input's first bytes are checked before
 * the rest is mapped or read, so that a file of another kind is refused at
 * once, however large or endless.  gzip and zstd input, recognised by its
 * magic, is decompressed into memory (never to a temporary file).
 * Directories are searched recursively in name order, so results do not
 * depend on the file system: files named like profiles must load, every
 * other regular file is sniffed and skipped (counted, with a warning) when it
 * is no profile, and each directory is read once however many links lead to
 * it.  Formats are recognised by content.  Messages are sanitised here, so
 * that a file name cannot reach the terminal as an escape sequence. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "stalactite/cargo.h"
#include "stalactite/decompress.h"
#include "stalactite/fmt.h"
#include "stalactite/formats.h"
#include "stalactite/load.h"
#include "stalactite/threads.h"
#include "stalactite/mmprof-pipe.h"
#include "stalactite/snapshot.h"
#include "stalactite/xalloc.h"

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

/* One file loaded on a worker thread (see "several threads" below). */
typedef struct job {
	const input *in;
	st_model *m;               /* the file's own model and builder */
	st_builder *b;
	int rc;
	char err[1024];
	char **warns;              /* sanitised, in the order they arose */
	size_t nwarns;
	char *crate;               /* for note_crate, at the file's turn, */
	st_crate_kind kind;
	size_t crate_at;           /* after this many of warns */
	bool timings;              /* cargo timings: loaded at its turn instead */
	bool finished;             /* under jobs.mu, */
	uint64_t held;             /* and what it holds: see may_start */
	_Atomic uint64_t done;     /* progress: bytes of the file */
} job;

/* The files of a load and the threads loading them (see "several threads"
 * below). */
typedef struct jobs {
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* a file finished, or one was merged */
	job *v;
	size_t n, next, merged;    /* next to start, first not yet merged */
	uint64_t held;             /* what the files started and not merged hold */
	atomic_bool stop;          /* cancelled, or an earlier file failed */
	const loader *ld;          /* read-only while the workers run */
} jobs;

/* The formats stalactite reads.  sniff_format is the one place that tells
 * them apart by their first bytes (after decompression). */
typedef enum in_format { FORMAT_UNKNOWN, FORMAT_MMPROF, FORMAT_CARGO_HTML,
                         FORMAT_CARGO_LOG, FORMAT_TEXT } in_format;
/* bytes sniff_format needs at most: a folded stack's first line */
#define SNIFF_LEN ST_FORMATS_SNIFF
/* compressed bytes read from a pipe before the rest: enough for the first
 * zstd block (128 KiB at most) or deflate output, whose start is checked */
#define STREAM_HEAD ((size_t)256 << 10)
/* STALACTITE_MAX_INPUT's default: far above any real profile (the largest
 * of a large build are a few hundred MB), far below an endless stream */
#define DEFAULT_MAX_INPUT ((uint64_t)4 << 30)
/* how long a read waits for a silent pipe before telling progress again */
#define WAIT_MS 100

static in_format sniff_format(const unsigned char *data, size_t len)
{
	if (st_mmprof_sniff(data, len))
		return FORMAT_MMPROF;
	if (st_cargo_sniff_html(data, len))
		return FORMAT_CARGO_HTML;
	if (st_cargo_sniff_log(data, len))
		return FORMAT_CARGO_LOG;
	/* traces, time-passes, time-llvm-passes, folded stacks (formats.h) */
	if (st_formats_sniff(data, len) != ST_TF_NONE)
		return FORMAT_TEXT;
	return FORMAT_UNKNOWN;
}

/* True when the first bytes of an input (not compressed) can start a
 * profile: else decoding them alone gives the error the whole would. */
static bool header_ok(const unsigned char *data, size_t len)
{
	in_format f = sniff_format(data, len);
	if (f == FORMAT_CARGO_HTML || f == FORMAT_CARGO_LOG || f == FORMAT_TEXT)
		return true;   /* text: its parser gives the precise error */
	return f == FORMAT_MMPROF && st_mmprof_header_ok(data, len);
}

__attribute__((format(printf, 2, 3)))
static void warn(const loader *ld, const char *fmt, ...)
{
	if (!ld->opts->warn)
		return;
	char msg[1024], shown[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	st_fmt_sanitize(msg, strlen(msg), shown, sizeof shown, false);
	if (ld->job) {   /* told at the file's turn, on the calling thread */
		job *j = ld->job;
		j->warns = st_xreallocarray(j->warns, j->nwarns + 1, sizeof *j->warns);
		j->warns[j->nwarns++] = st_xstrdup(shown);
		return;
	}
	ld->opts->warn(ld->opts->warn_ctx, shown);
}

static int fail(char *err, size_t errlen, const char *path, const char *fmt,
                const char *what)
{
	snprintf(err, errlen, "%s: ", path);
	size_t n = strlen(err);
	snprintf(err + n, errlen - n, fmt, what);
	return 1;
}

/* Adds an input unless st says it is a file already there (given twice, or
 * reached again through a link): that one is read once, with a warning. */
static void add_input(loader *ld, const char *path, bool is_stdin,
                      bool from_dir, const struct stat *st)
{
	input_list *l = &ld->l;
	for (size_t i = 0; st && i < l->len; i++) {
		if (l->v[i].has_id && l->v[i].dev == st->st_dev &&
		    l->v[i].ino == st->st_ino) {
			warn(ld, "%s: same file as %s, read once", path, l->v[i].path);
			return;
		}
	}
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = st_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	input in = { .path = st_xstrdup(path), .is_stdin = is_stdin,
	             .from_dir = from_dir };
	if (st) {
		in.has_id = true;
		in.dev = st->st_dev;
		in.ino = st->st_ino;
		in.size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	}
	l->v[l->len++] = in;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool named_like_profile(const char *name)
{
	return ends_with(name, ".mm_profdata") ||
	       ends_with(name, ".mm_profdata.zst") ||
	       ends_with(name, ".mm_profdata.gz");
}

static bool tell(loader *ld, uint64_t done);

/* Reads up to cap bytes (pipes return short reads); -1 on error.  With ld,
 * a pipe that sends nothing for a while is waited for in slices, telling
 * progress in between (which may cancel: -1, errno ECANCELED). */
static ssize_t read_head(loader *ld, int fd, unsigned char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int pr;
		while (ld && ld->opts->progress &&
		       ((pr = poll(&pf, 1, WAIT_MS)) == 0 || (pr < 0 && errno == EINTR)))
			if (!tell(ld, ld->base + n)) {
				errno = ECANCELED;
				return -1;
			}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* The format of a file found in a directory under another name: its first
 * bytes, decompressed first when they are gzip or zstd.  Unreadable or
 * corrupt means unknown (the file is skipped, not loaded). */
static in_format sniff_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return FORMAT_UNKNOWN;
	unsigned char head[4096];
	ssize_t n = read_head(NULL, fd, head, sizeof head);
	in_format f = FORMAT_UNKNOWN;
	st_compression c = n > 0 ? st_compression_sniff(head, (size_t)n)
	                         : ST_COMPRESSION_NONE;
	if (n > 0 && c == ST_COMPRESSION_NONE) {
		f = sniff_format(head, (size_t)n);
		/* any web page may sit in a build directory: only cargo's */
		if (f == FORMAT_CARGO_HTML &&
		    !memmem(head, (size_t)n, "Cargo Build Timings", 19))
			f = FORMAT_UNKNOWN;
	} else if (n > 0) {
		st_decompress_opts o = { .limit = SNIFF_LEN, .prefix = true };
		st_decompressed z;
		char msg[256];
		if (st_decompress(c, head, (size_t)n, fd, &o, &z, msg, sizeof msg) == 0) {
			f = sniff_format(z.data, z.len);
			free(z.data);
		}
	}
	close(fd);
	return f;
}

/* True, with a warning, when the directory st was scanned already (given
 * twice, or reached again through a link): it is read once.  Else notes it
 * as being scanned. */
static bool dir_seen_before(loader *ld, const char *dir, const struct stat *st)
{
	for (size_t i = 0; i < ld->ndirs; i++) {
		const dir_seen *s = &ld->dirs[i];
		if (s->dev != st->st_dev || s->ino != st->st_ino)
			continue;
		if (s->open)
			warn(ld, "%s: leads back to %s, which holds it (a loop), skipped",
			     dir, s->path);
		else
			warn(ld, "%s: same directory as %s, read once", dir, s->path);
		return true;
	}
	if (ld->ndirs == ld->capdirs) {
		ld->capdirs = ld->capdirs ? ld->capdirs * 2 : 16;
		ld->dirs = st_xreallocarray(ld->dirs, ld->capdirs, sizeof *ld->dirs);
	}
	ld->dirs[ld->ndirs++] = (dir_seen){ st->st_dev, st->st_ino,
	                                    st_xstrdup(dir), true };
	return false;
}

/* Collects the profiles below dir (whose dir_seen entry is number self) in
 * name order.  Counts the profiles found (read twice or not) and the other
 * files skipped; only regular files are opened, so a FIFO or a device in a
 * directory cannot block or flood the scan. */
static int scan_dir(loader *ld, const char *dir, size_t self, int depth,
                    size_t *found, size_t *skipped, char *err, size_t errlen)
{
	if (depth > 64)   /* every level holds a 4 KiB path on the stack */
		return fail(err, errlen, dir, "%s", "directories nested too deep");
	DIR *d = opendir(dir);
	if (!d)
		return fail(err, errlen, dir, "%s", strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		/* hidden files too: no file is left out in silence */
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = st_xreallocarray(names, cap, sizeof *names);
		}
		names[n++] = st_xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		bool named = named_like_profile(names[i]);
		if (rc != 0) {
			/* an earlier entry failed: only free the rest */
		} else if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
		           sizeof path) {
			rc = fail(err, errlen, dir, "%s", "a path below it is too long");
		} else if (stat(path, &st) != 0) {
			if (named)   /* e.g. a dangling link: cannot load, so fail */
				rc = fail(err, errlen, path, "%s", strerror(errno));
			else
				++*skipped;
		} else if (S_ISDIR(st.st_mode)) {
			if (!dir_seen_before(ld, path, &st))
				rc = scan_dir(ld, path, ld->ndirs - 1, depth + 1, found,
				              skipped, err, errlen);
		} else if (S_ISREG(st.st_mode) &&
		           (named || sniff_file(path) != FORMAT_UNKNOWN)) {
			++*found;
			add_input(ld, path, false, true, &st);
		} else {
			++*skipped;
		}
		free(names[i]);
	}
	free(names);
	ld->dirs[self].open = false;
	return rc;
}

static int collect(loader *ld, char *const *paths, int npaths, char *err,
                   size_t errlen)
{
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0) {
			add_input(ld, "<stdin>", true, false, fstat(0, &st) == 0 ? &st : NULL);
			continue;
		}
		if (stat(paths[i], &st) != 0)
			return fail(err, errlen, paths[i], "%s", strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			size_t found = 0, skipped = 0;
			if (dir_seen_before(ld, paths[i], &st))
				continue;
			if (scan_dir(ld, paths[i], ld->ndirs - 1, 0, &found, &skipped,
			             err, errlen))
				return 1;
			if (found == 0 && skipped == 0)
				return fail(err, errlen, paths[i], "%s",
				            "no *.mm_profdata files in this directory");
			if (found == 0 && skipped == 1)
				return fail(err, errlen, paths[i], "%s", "no *.mm_profdata "
				            "files in this directory, and its one other file "
				            "is not a profile");
			if (found == 0) {
				snprintf(err, errlen, "%s: no *.mm_profdata files in this "
				         "directory, and its %zu other files are not profiles",
				         paths[i], skipped);
				return 1;
			}
			if (skipped == 1)
				warn(ld, "%s: skipped 1 file that is not a profile", paths[i]);
			else if (skipped > 1)
				warn(ld, "%s: skipped %zu files that are not profiles",
				     paths[i], skipped);
		} else {
			add_input(ld, paths[i], false, false, &st);
		}
	}
	return 0;
}

/* Progress of the decoder, in bytes of what it decodes; for a compressed
 * input mapped onto the second half of its file's bytes (decompression
 * reports the first). */
static bool tell(loader *ld, uint64_t done)
{
	if (ld->job) {   /* the calling thread sums and tells */
		atomic_store_explicit(&ld->job->done, done, memory_order_relaxed);
		return !atomic_load_explicit(&ld->jobs->stop, memory_order_relaxed);
	}
	if (ld->opts->progress && !ld->cancelled &&
	    !ld->opts->progress(ld->opts->progress_ctx, done, ld->total))
		ld->cancelled = true;
	return !ld->cancelled;
}

static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	loader *ld = ctx;
	uint64_t at = done;
	if (ld->span)
		at = ld->lo + (total ? (uint64_t)((double)done / (double)total *
		                                  (double)ld->span) : 0);
	return tell(ld, ld->base + at);
}

static bool on_unpack(void *ctx, uint64_t in_bytes)
{
	loader *ld = ctx;
	return tell(ld, ld->base + (ld->size ? in_bytes / 2 : in_bytes));
}

/* Two profiles of one crate stay two sources (they may be two builds, or a
 * crate built twice with different features), but summing them may not be
 * what the user meant: one warning per crate naming the first two files. */
static void note_crate(loader *ld, const char *crate, st_crate_kind kind,
                       const char *path)
{
	if (ld->job) {   /* noted at the file's turn: crates seen are in order */
		ld->job->crate = st_xstrdup(crate);
		ld->job->kind = kind;
		ld->job->crate_at = ld->job->nwarns;
		return;
	}
	for (size_t i = 0; i < ld->ncrates; i++) {
		crate_seen *c = &ld->crates[i];
		if (c->kind != kind || strcmp(c->crate, crate) != 0)
			continue;
		if (!c->warned) {
			char shown[300];
			st_fmt_sanitize(crate, strlen(crate), shown, sizeof shown, false);
			warn(ld, "%s: another profile of crate '%s' (the first is %s); "
			     "both kept as separate sources", path, shown, c->path);
			c->warned = true;
		}
		return;
	}
	if (ld->ncrates == ld->crates_cap) {
		ld->crates_cap = ld->crates_cap ? ld->crates_cap * 2 : 16;
		ld->crates = st_xreallocarray(ld->crates, ld->crates_cap,
		                              sizeof *ld->crates);
	}
	crate_seen c = { st_xstrdup(crate), path, kind, false };
	ld->crates[ld->ncrates++] = c;
}

/* The end of loading one input of a format other than a profile: an error
 * (with where a compressed stream was cut, if it was) or the warnings, the
 * loader's note prefixed by note_name when given. */
static int other_done(loader *ld, const input *in, const char *name, const char *cut,
                      int rc, const char *msg, const char *note_name,
                      const char *note, char *err, size_t errlen)
{
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s%s%s%s", name, msg, cut ? " (" : "",
		         cut ? cut : "", cut ? ")" : "");
		return 1;
	}
	if (cut)
		warn(ld, "%s: %s; loading what was readable", in->path, cut);
	if (*note && note_name)
		warn(ld, "%s: %s", note_name, note);
	else if (*note)
		warn(ld, "%s", note);
	return 0;
}

/* Decodes data, named name in messages ("PATH", or "PATH (decompressed)"
 * where offsets are in the decompressed data).  cut, when not NULL, says
 * where a compressed stream ended early: it replaces the decoder's own
 * "incomplete" warning, and is added to an error. */
static int decode(loader *ld, st_builder *b, const input *in, const char *name,
                  const unsigned char *data, size_t len, bool mapped,
                  const char *cut, char *err, size_t errlen)
{
	const st_load_opts *o = ld->opts;
	char msg[512];
	const char *why = NULL;
	st_mmprof *p = NULL;
	in_format f = sniff_format(data, len);
	if (f == FORMAT_CARGO_HTML || f == FORMAT_CARGO_LOG) {
		if (ld->job) {   /* they go straight into the build's model */
			ld->job->timings = true;
			return 0;
		}
		char note[1024] = "";
		int rc = st_timings_load(ld->m, in->path, data, len, f == FORMAT_CARGO_LOG,
		                         note, sizeof note, msg, sizeof msg);
		/* the timings loader's notes name the file themselves */
		return other_done(ld, in, name, cut, rc, msg, NULL, note, err, errlen);
	}
	if (f == FORMAT_TEXT) {
		char note[512] = "";
		int rc = st_formats_load(st_formats_sniff(data, len), data, len, mapped, b,
		                         in->path, note, sizeof note, msg, sizeof msg);
		return other_done(ld, in, name, cut, rc, msg, name, note, err, errlen);
	}
	if (f != FORMAT_MMPROF)
		why = len < 4 ? "offset 0: file too short to be a profile"
		      : st_snapshot_sniff(data, len)   /* piped, compressed, in a dir */
		      ? "offset 0: a snapshot opens only as a file given on its own"
		      : "offset 0: not a measureme profile (no MMPD magic)";
	/* one large file on several threads: decoded on others, built here */
	st_strtab *own = ld->pipe && f == FORMAT_MMPROF ? st_strtab_new() : NULL;
	if (!why && !(p = st_mmprof_open(data, len, own ? own : st_builder_strs(b),
	                                 msg, sizeof msg)))
		why = msg;
	if (why) {
		st_strtab_free(own);
		snprintf(err, errlen, "%s: %s%s%s%s", name, why, cut ? " (" : "",
		         cut ? cut : "", cut ? ")" : "");
		return 1;
	}
	st_mmprof_pipe *pipe = own ? st_mmprof_pipe_new(p, own, st_builder_strs(b),
	                                                data, len, ld->pipe) : NULL;
	/* a file mapping may give back event pages once decoded; a heap copy
	 * must not */
	st_mmprof_set_mapped(p, mapped);
	/* not a sparse file: rustc writes none, and its holes would become
	 * gigabytes of zero pages before its first bad event is reached */
	st_mmprof_set_populate(p, mapped && ld->dense);
	const st_mmprof_info *info = st_mmprof_get_info(p);
	if (cut)
		warn(ld, "%s: %s; loading what was readable", in->path, cut);
	else if (info->warning)
		warn(ld, "%s: %s", name, info->warning);
	char crate[300], cname[256], format[32];
	st_crate_kind kind;
	st_crate_name(info->cmd, in->path, crate, sizeof crate);
	st_crate_info(info->cmd, in->path, cname, sizeof cname, &kind);
	if (kind != ST_CK_PROBE)   /* cargo probes the compiler many times */
		note_crate(ld, crate, kind, in->path);
	snprintf(format, sizeof format, "mm_profdata v%u", (unsigned)info->version);
	st_builder_begin_source(b, in->path, format, crate, len);
	st_builder_set_crate(b, cname, (uint8_t)kind);
	/* a worker is told to stop through progress */
	st_progress_fn progress = o->progress || ld->job ? on_progress : NULL;
	int rc = pipe ? st_mmprof_pipe_feed(pipe, b, progress, ld, msg, sizeof msg)
	              : st_mmprof_feed(p, b, progress, ld, msg, sizeof msg);
	st_builder_end_source(b, info->events);
	st_mmprof_pipe_free(pipe);
	st_mmprof_close(p);
	st_strtab_free(own);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", name, msg);
		return 1;
	}
	return 0;
}

/* Reads head[0..n) and then fd (when >= 0) to the end into memory,
 * decompressing it as c says, and decodes the result. */
static int load_stream(loader *ld, st_builder *b, const input *in,
                       st_compression c, const unsigned char *head, size_t n,
                       int fd, char *err, size_t errlen)
{
	/* what is held in memory is bounded, and so is what a stream may send */
	st_decompress_opts o = { .limit = ld->limit,
	                         .in_limit = fd >= 0 ? ld->in_limit : 0 };
	if (ld->opts->progress || ld->job) {   /* a plain pipe too: it may be slow */
		o.progress = on_unpack;
		o.progress_ctx = ld;
	}
	if (ld->opts->progress && c != ST_COMPRESSION_NONE) {
		ld->lo = ld->size / 2;
		ld->span = ld->size - ld->lo;
	}
	st_decompressed z;
	char msg[512], name[4200], cut[96];
	if (c == ST_COMPRESSION_NONE)
		snprintf(name, sizeof name, "%s", in->path);
	else
		snprintf(name, sizeof name, "%s (decompressed)", in->path);
	/* the head (a mapped file, or a pipe's first bytes) is decompressed
	 * twice: a large archive given by mistake fails on its first bytes, not
	 * after all of it is decompressed */
	st_decompress_opts first = { .limit = SNIFF_LEN, .prefix = true };
	if (c != ST_COMPRESSION_NONE &&
	    st_decompress(c, head, n, -1, &first, &z, msg, sizeof msg) == 0) {
		bool other = z.len == SNIFF_LEN && !header_ok(z.data, z.len);
		int rc = other ? decode(ld, b, in, name, z.data, z.len, false, NULL,
		                        err, errlen) : 0;
		free(z.data);
		if (other)
			return rc;
	}
	int r = st_decompress(c, head, n, fd, &o, &z, msg, sizeof msg);
	if (r != 0) {
		snprintf(err, errlen, "%s: %s%s", in->path, msg,
		         r == -2 ? "; STALACTITE_MAX_DECOMPRESSED raises it"
		         : r == -3 ? "; STALACTITE_MAX_INPUT raises it" : "");
		return 1;
	}
	snprintf(cut, sizeof cut, "compressed stream cut short at offset %llu",
	         (unsigned long long)z.in_bytes);
	int rc = decode(ld, b, in, name, z.data ? z.data : (const unsigned char *)"",
	                z.len, false, z.cut ? cut : NULL, err, errlen);
	free(z.data);
	return rc;
}

/* ---- a mapped file that shrinks ------------------------------------------- */

/* Reading a mapping past the end of its file raises SIGBUS: the file was
 * truncated while being read.  That is bad input, not a crash.  While a
 * mapping is decoded, a SIGBUS handler maps zero pages over the rest of it
 * and notes where the first fault was; decoding runs on over zeros (it fails
 * soon, or its result is thrown away) and the load fails with "offset N:
 * file changed while being read".  Not siglongjmp out of the handler: that
 * would leave the decoder and builder halfway through an update, and leak
 * what they hold.  Not pread instead of mmap: a copy of every profile for
 * the sake of a rare race.  (mmap is not on POSIX's list of
 * async-signal-safe functions; on Linux it is a plain system call that
 * touches no state of the C library.)
 *
 * Several threads decode mappings at once: each guarded mapping has a slot
 * in a fixed table, which the handler reads with lock-free atomics only
 * (async-signal-safe); the handler is installed while any slot is in use. */
#define GUARD_SLOTS (ST_LOAD_MAX_JOBS + 8)   /* workers and the calling thread */
static struct guard_slot {
	_Atomic uintptr_t lo, hi;    /* the mapping in whole pages; hi 0: free */
	atomic_bool hit;
	_Atomic uint64_t at;         /* offset of the first fault */
} guards[GUARD_SLOTS];
static _Atomic uintptr_t guard_page;
static struct sigaction guard_old;
static unsigned guard_users;   /* slots in use, under guard_mu */
static pthread_mutex_t guard_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	uintptr_t a = (uintptr_t)si->si_addr, page = atomic_load(&guard_page);
	for (int i = 0; si->si_code > 0 && i < GUARD_SLOTS; i++) {
		struct guard_slot *g = &guards[i];
		uintptr_t lo = atomic_load(&g->lo), hi = atomic_load(&g->hi);
		if (a < lo || a >= hi)
			continue;
		uintptr_t from = a & ~(page - 1);
		if (mmap((void *)from, hi - from, PROT_READ,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		if (!atomic_load(&g->hit))
			atomic_store(&g->at, a - lo);
		atomic_store(&g->hit, true);
		return;
	}
	/* not ours: the previous action sees a fault again on return, and a
	 * signal that was sent is sent again */
	sigaction(sig, &guard_old, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/* The slot guarding [map, map + len), or -1 when none is free (more
 * threads than ST_LOAD_MAX_JOBS: not done). */
static int guard_on(const void *map, size_t len)
{
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
	pthread_mutex_lock(&guard_mu);
	int i = 0;
	while (i < GUARD_SLOTS && atomic_load(&guards[i].hi))
		i++;
	if (i < GUARD_SLOTS) {
		struct guard_slot *g = &guards[i];
		atomic_store(&guard_page, page);
		atomic_store(&g->hit, false);
		atomic_store(&g->at, 0);
		atomic_store(&g->lo, (uintptr_t)map);
		atomic_store(&g->hi, (uintptr_t)map + ((len + page - 1) & ~(page - 1)));
		if (guard_users++ == 0) {
			struct sigaction sa = { .sa_sigaction = on_sigbus,
			                        .sa_flags = SA_SIGINFO };
			sigemptyset(&sa.sa_mask);
			sigaction(SIGBUS, &sa, &guard_old);
		}
	}
	pthread_mutex_unlock(&guard_mu);
	return i < GUARD_SLOTS ? i : -1;
}

/* True when the file shrank under the mapping; *at: where it was found. */
static bool guard_off(int slot, uint64_t *at)
{
	*at = 0;
	if (slot < 0)
		return false;
	struct guard_slot *g = &guards[slot];
	pthread_mutex_lock(&guard_mu);
	bool hit = atomic_load(&g->hit);
	*at = atomic_load(&g->at);
	atomic_store(&g->lo, 0);
	atomic_store(&g->hi, 0);
	if (--guard_users == 0)
		sigaction(SIGBUS, &guard_old, NULL);
	pthread_mutex_unlock(&guard_mu);
	return hit;
}

/* A regular file: its first bytes are read and checked before anything is
 * mapped, so that a huge file of another kind is refused at once; then it is
 * mapped and decoded under the SIGBUS guard. */
static int load_mapped(loader *ld, st_builder *b, const input *in, int fd,
                       const struct stat *st, char *err, size_t errlen)
{
	size_t len = (size_t)st->st_size;
	ld->dense = (uint64_t)st->st_blocks * 512 >= (uint64_t)st->st_size;
	unsigned char head[SNIFF_LEN];
	ssize_t n = read_head(NULL, fd, head, sizeof head);
	if (n < 0)
		return fail(err, errlen, in->path, "%s", strerror(errno));
	st_compression c = st_compression_sniff(head, (size_t)n);
	if (c == ST_COMPRESSION_NONE && !header_ok(head, (size_t)n))
		return decode(ld, b, in, in->path, head, (size_t)n, false, NULL, err,
		              errlen);
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return fail(err, errlen, in->path, "%s", strerror(errno));
	madvise(map, len, MADV_SEQUENTIAL);
	int slot = guard_on(map, len);
	int rc = c == ST_COMPRESSION_NONE
	         ? decode(ld, b, in, in->path, map, len, true, NULL, err, errlen)
	         : load_stream(ld, b, in, c, map, len, -1, err, errlen);
	uint64_t at;
	if (guard_off(slot, &at)) {
		snprintf(err, errlen, "%s: offset %llu: file changed while being read",
		         in->path, (unsigned long long)at);
		rc = 1;
	}
	munmap(map, len);
	return rc;
}

/* More of a compressed pipe's head, after its first n bytes: only as much
 * as decompressing its start needs (up to STREAM_HEAD), in doubling steps.
 * Zeros compress a thousand to one, so a fixed head of 256 KiB would wait
 * for gigabytes of an endless stream before it could be refused.  Returns
 * the bytes added, or -1. */
static ssize_t read_compressed_head(loader *ld, int fd, st_compression c,
                                    unsigned char *head, size_t n)
{
	size_t have = n;
	for (size_t want = 2 * n; have < STREAM_HEAD; want *= 2) {
		st_decompress_opts first = { .limit = SNIFF_LEN, .prefix = true };
		st_decompressed z;
		char msg[256];
		if (st_decompress(c, head, have, -1, &first, &z, msg, sizeof msg) == 0) {
			bool enough = z.len == SNIFF_LEN;
			free(z.data);
			if (enough)
				break;
		}
		size_t to = want < STREAM_HEAD ? want : STREAM_HEAD;
		ssize_t r = read_head(ld, fd, head + have, to - have);
		if (r < 0)
			return -1;
		have += (size_t)r;
		if (have < to)
			break;   /* the end of the stream */
	}
	return (ssize_t)(have - n);
}

/* A pipe or a device: its first bytes must start a profile (or compressed
 * data whose start does), then it is read on from where they end. */
static int load_pipe(loader *ld, st_builder *b, const input *in, int fd,
                     char *err, size_t errlen)
{
	unsigned char *head = st_xmalloc(STREAM_HEAD);
	ssize_t n = read_head(ld, fd, head, SNIFF_LEN);
	st_compression c = n > 0 ? st_compression_sniff(head, (size_t)n)
	                         : ST_COMPRESSION_NONE;
	ssize_t more = n == SNIFF_LEN && c != ST_COMPRESSION_NONE
	               ? read_compressed_head(ld, fd, c, head, (size_t)n) : 0;
	int rc;
	if (n < 0 || more < 0)
		rc = fail(err, errlen, in->path, "%s", strerror(errno));
	else if (c == ST_COMPRESSION_NONE && !header_ok(head, (size_t)n))
		rc = decode(ld, b, in, in->path, head, (size_t)n, false, NULL, err,
		            errlen);
	else
		rc = load_stream(ld, b, in, c, head, (size_t)(n + more), fd, err, errlen);
	free(head);
	return rc;
}

static int load_one(loader *ld, st_builder *b, const input *in, char *err,
                    size_t errlen)
{
	/* a directory's entry was a regular file when scanned; O_NONBLOCK
	 * keeps a FIFO swapped in since from blocking the open */
	int fd = in->is_stdin ? 0 : open(in->path, O_RDONLY |
	                                 (in->from_dir ? O_NONBLOCK : 0));
	if (fd < 0)
		return fail(err, errlen, in->path, "%s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		if (!in->is_stdin)
			close(fd);
		return fail(err, errlen, in->path, "%s", strerror(e));
	}
	int rc;
	if (S_ISDIR(st.st_mode))
		rc = fail(err, errlen, in->path, "%s", "is a directory");
	else if (in->from_dir && !S_ISREG(st.st_mode))
		rc = fail(err, errlen, in->path, "%s", "file changed while being read");
	else if (S_ISREG(st.st_mode) && st.st_size > 0)
		rc = load_mapped(ld, b, in, fd, &st, err, errlen);
	else
		rc = load_pipe(ld, b, in, fd, err, errlen);
	if (!in->is_stdin)
		close(fd);
	return rc;
}

/* The size in the environment variable var (bytes, or with a K, M or G
 * suffix), or dflt when it is unset. */
static int env_size(const char *var, size_t dflt, size_t *out, char *err,
                    size_t errlen)
{
	const char *s = getenv(var);
	*out = dflt;
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (s[0] < '0' || s[0] > '9' || *end || errno || v == 0 ||
	    v > (SIZE_MAX >> shift))
		return fail(err, errlen, var, "%s",
		            "not a size (bytes, or with a K, M or G suffix)");
	*out = (size_t)v << shift;
	return 0;
}

/* Decompressed data is held in memory: more than the machine has is a
 * decompression bomb, not a profile.  A pipe or a device may send at most
 * STALACTITE_MAX_INPUT bytes (4 GiB): beyond that it is an endless stream.
 * The variables move the limits (down, to test them, or up, where swap is
 * meant to help). */
static int input_limits(loader *ld, char *err, size_t errlen)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	size_t mem = SIZE_MAX, in;
	if (pages > 0 && page > 0 && (size_t)pages <= SIZE_MAX / (size_t)page)
		mem = (size_t)pages * (size_t)page;
	if (env_size("STALACTITE_MAX_DECOMPRESSED", mem, &ld->limit, err, errlen) ||
	    env_size("STALACTITE_MAX_INPUT", (size_t)DEFAULT_MAX_INPUT, &in, err,
	             errlen))
		return 1;
	ld->in_limit = in;
	return 0;
}

/* ---- several threads -------------------------------------------------------- */

/* Files load on worker threads, each into a model and builder of its own
 * (nothing is shared while events are read), and the calling thread merges
 * them into the build's model one by one in file order (st_builder_merge),
 * which gives the model one thread builds, whatever the thread count and
 * timing.  At each file's turn the calling thread also does what must
 * happen in file order or on its own thread: the file's warnings and crate
 * note, cargo timings (loaded there and then: they go straight into the
 * build's model and depend on the timings before them), the first error in
 * file order.  While it waits it calls the progress callback every
 * PROGRESS_MS with the bytes all workers have done.  Cancelling, or a file
 * that failed, stops the workers at their next progress step (a MiB of
 * events).  Workers take files in order; a file other than the first one
 * not yet merged starts only while what the started files hold stays under
 * HELD: a file being read holds its size (its pages are mapped), a file
 * read its model until merged.  That bounds the peak memory (a whole
 * tokio+hyper build: BENCHMARKS.md), but it also keeps the largest files
 * of a build, which take most of its time, from loading beside each other:
 * so a file of PIPE_MIN or more (or an eighth of all) is decoded by two
 * threads more while its worker builds (mmprof-pipe.h), which puts it on
 * every core. */
#define PROGRESS_MS 40
#define HELD ((uint64_t)256 << 20)
#define PIPE_MIN ((uint64_t)64 << 20)
/* decoders of one file: string expansion scales, the one builder not */
#define PIPE_DECODERS 4

static atomic_uint default_jobs = 1;

void st_load_set_jobs(unsigned n)
{
	atomic_store(&default_jobs, n ? n : 1);
}

static bool may_start(const jobs *js)
{
	return js->next == js->merged ||
	       js->held + js->v[js->next].in->size <= HELD;
}

static void run_job(jobs *js, job *j)
{
	const loader *ld = js->ld;
	loader w = { .opts = ld->opts, .limit = ld->limit, .in_limit = ld->in_limit,
	             .total = ld->total, .size = j->in->size, .job = j, .jobs = js };
	/* and a file with an eighth of the build's bytes: without it the other
	 * files would wait for it at the end */
	w.pipe = j->in->size >= PIPE_MIN || j->in->size >= ld->total / 8 ? 2 : 0;
	j->m = w.m = st_model_new();
	j->b = st_builder_new(j->m);
	j->rc = load_one(&w, j->b, j->in, j->err, sizeof j->err);
	st_builder_trim(j->b);   /* it may wait a while for its turn */
}

static void *worker(void *arg)
{
	jobs *js = arg;
	pthread_mutex_lock(&js->mu);
	for (;;) {
		while (!atomic_load(&js->stop) && js->next < js->n && !may_start(js))
			pthread_cond_wait(&js->cv, &js->mu);
		if (atomic_load(&js->stop) || js->next >= js->n)
			break;
		job *j = &js->v[js->next++];
		j->held = j->in->size;   /* its pages, mapped */
		js->held += j->held;
		pthread_mutex_unlock(&js->mu);
		run_job(js, j);
		pthread_mutex_lock(&js->mu);
		js->held -= j->held;
		j->held = j->m ? st_model_bytes(j->m) : 0;   /* now its model */
		js->held += j->held;
		j->finished = true;
		pthread_cond_broadcast(&js->cv);
	}
	pthread_mutex_unlock(&js->mu);
	return NULL;
}

static void free_job(job *j)
{
	st_builder_free(j->b);
	st_model_free(j->m);
	for (size_t k = 0; k < j->nwarns; k++)
		free(j->warns[k]);
	free(j->warns);
	free(j->crate);
	j->b = NULL;
	j->m = NULL;
	j->warns = NULL;
	j->crate = NULL;
	j->nwarns = 0;
}

/* A finished file at its turn: what it told, then its model merged. */
static int take_job(loader *ld, st_builder *b, job *j, uint64_t base,
                    char *err, size_t errlen)
{
	if (j->timings) {   /* everything again, here */
		ld->base = base;
		ld->size = j->in->size;
		ld->lo = ld->span = 0;
		return load_one(ld, b, j->in, err, errlen);
	}
	for (size_t k = 0; k <= j->nwarns; k++) {
		if (j->crate && k == j->crate_at)
			note_crate(ld, j->crate, j->kind, j->in->path);
		if (k < j->nwarns)
			ld->opts->warn(ld->opts->warn_ctx, j->warns[k]);
	}
	if (j->rc != 0) {
		snprintf(err, errlen, "%s", j->err);
		return 1;
	}
	st_builder_merge(b, j->b);
	return 0;
}

/* Bytes done: base (the files merged) and how far the others are. */
static uint64_t jobs_done(jobs *js, uint64_t base)
{
	for (size_t i = js->merged; i < js->n; i++)
		base += atomic_load_explicit(&js->v[i].done, memory_order_relaxed);
	return base;
}

/* Loads every input with nthreads workers into b; returns as the loop
 * over files would, or -1 when no thread could be started. */
static int load_jobs(loader *ld, st_builder *b, unsigned nthreads, char *err,
                     size_t errlen)
{
	jobs js = { .n = ld->l.len, .ld = ld };
	js.v = st_xcalloc(js.n, sizeof *js.v);
	for (size_t i = 0; i < js.n; i++) {
		js.v[i].in = &ld->l.v[i];
		atomic_init(&js.v[i].done, 0);
	}
	atomic_init(&js.stop, false);
	st_sync_init(&js.mu, &js.cv);
	/* signals sent to the process go to the calling thread, as without
	 * workers (the viewer's handlers); faults stay with the faulting one */
	sigset_t old;
	st_block_async_signals(&old);
	pthread_t th[ST_LOAD_MAX_JOBS];
	unsigned started = 0;
	for (unsigned k = 0; k < nthreads; k++)
		if (pthread_create(&th[started], NULL, worker, &js) == 0)
			started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	int rc = started ? 0 : -1;
	uint64_t base = 0, told = 0;
	for (size_t i = 0; started && rc == 0 && i < js.n; i++) {
		job *j = &js.v[i];
		pthread_mutex_lock(&js.mu);
		while (!j->finished && rc == 0) {
			st_sync_wait(&js.cv, &js.mu, PROGRESS_MS);
			uint64_t d = jobs_done(&js, base);
			told = d > told ? d : told;   /* a pipe's size is unknown */
			pthread_mutex_unlock(&js.mu);
			rc = tell(ld, told) ? 0 : 1;
			pthread_mutex_lock(&js.mu);
		}
		pthread_mutex_unlock(&js.mu);
		if (rc != 0)   /* j may still be running: freed after the join */
			break;
		rc = take_job(ld, b, j, base, err, errlen);
		free_job(j);
		base += j->in->size;
		told = base > told ? base : told;
		pthread_mutex_lock(&js.mu);
		js.held -= j->held;
		js.merged = i + 1;
		pthread_cond_broadcast(&js.cv);
		pthread_mutex_unlock(&js.mu);
		if (rc == 0 && !tell(ld, told))
			rc = 1;
	}
	atomic_store(&js.stop, true);
	pthread_mutex_lock(&js.mu);
	pthread_cond_broadcast(&js.cv);
	pthread_mutex_unlock(&js.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (size_t i = 0; i < js.n; i++)
		free_job(&js.v[i]);
	pthread_cond_destroy(&js.cv);
	pthread_mutex_destroy(&js.mu);
	free(js.v);
	return rc;
}

int st_load_paths(st_model *m, char *const *paths, int npaths,
                  const st_load_opts *opts, char *err, size_t errlen)
{
	static const st_load_opts none;
	loader ld = { .opts = opts ? opts : &none, .m = m };
	err[0] = '\0';
	/* a snapshot is a finished model: nothing to read or build */
	int snap = st_snapshot_load_paths(m, paths, npaths, ld.opts, err, errlen);
	if (snap >= 0)
		return snap;
	int rc = input_limits(&ld, err, errlen);
	if (rc == 0)
		rc = collect(&ld, paths, npaths, err, errlen);
	for (size_t i = 0; i < ld.l.len; i++)
		ld.total += ld.l.v[i].size;
	st_builder *b = st_builder_new(m);
	if (ld.opts->hook)
		st_builder_set_hook(b, ld.opts->hook);
	/* a hook sees every event in order: one thread */
	unsigned nj = ld.opts->jobs ? ld.opts->jobs : atomic_load(&default_jobs);
	nj = nj < ST_LOAD_MAX_JOBS ? nj : ST_LOAD_MAX_JOBS;
	int par = rc == 0 && nj > 1 && ld.l.len > 1 && !ld.opts->hook
	          ? load_jobs(&ld, b, nj < ld.l.len ? nj : (unsigned)ld.l.len,
	                      err, errlen)
	          : -1;
	if (par >= 0)
		rc = par;
	ld.pipe = nj > 1 && ld.l.len == 1 && !ld.opts->hook
	          ? (nj < PIPE_DECODERS ? nj : PIPE_DECODERS) : 0;
	for (size_t i = 0; par < 0 && rc == 0 && i < ld.l.len; i++) {
		ld.size = ld.l.v[i].size;
		ld.lo = ld.span = 0;
		/* also between files: a text format has no progress of its own */
		rc = tell(&ld, ld.base) ? load_one(&ld, b, &ld.l.v[i], err, errlen) : 1;
		ld.base += ld.l.v[i].size;
	}
	if (ld.cancelled) {   /* whatever failed, it failed because of that */
		snprintf(err, errlen, "cancelled");
		rc = 2;
	}
	if (rc == 0) {
		st_builder_finish(b);
		st_timings_join(m);   /* needs the finished crates */
	}
	st_builder_free(b);
	for (size_t i = 0; i < ld.l.len; i++)
		free(ld.l.v[i].path);
	free(ld.l.v);
	for (size_t i = 0; i < ld.ncrates; i++)
		free(ld.crates[i].crate);
	free(ld.crates);
	for (size_t i = 0; i < ld.ndirs; i++)
		free(ld.dirs[i].path);
	free(ld.dirs);
	if (rc != 0) {   /* paths and file contents may hold escape sequences */
		char *raw = st_xstrdup(err);
		st_fmt_sanitize(raw, strlen(raw), err, errlen, false);
		free(raw);
	}
	return rc;
}
