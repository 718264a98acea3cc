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
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/cargo.h"
#include "stalactite/decompress.h"
#include "stalactite/fmt.h"
#include "stalactite/formats.h"
#include "stalactite/load.h"
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
} loader;

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

/* Faults a mapping in with one call, once its structure has been checked:
 * string data is read at random, and a fault per page is costly on virtual
 * machines (0.93 s instead of 1.25 s for a 260 MB profile, +6% peak RSS;
 * see BENCHMARKS.md).  Not before the checks (as MAP_POPULATE did): a huge
 * sparse file with a bad header would be read whole first; and not for a
 * sparse file at all (rustc writes none; its holes would become gigabytes of
 * zero pages before its first bad event is reached).  Kernels before 5.14
 * lack MADV_POPULATE_READ; they get read-ahead. */
static void populate(const unsigned char *data, size_t len)
{
#ifdef MADV_POPULATE_READ
	if (madvise((void *)data, len, MADV_POPULATE_READ) == 0)
		return;
#endif
	madvise((void *)data, len, MADV_WILLNEED);
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
		              : "offset 0: not a measureme profile (no MMPD magic)";
	else if (!(p = st_mmprof_open(data, len, st_builder_strs(b), msg, sizeof msg)))
		why = msg;
	if (why) {
		snprintf(err, errlen, "%s: %s%s%s%s", name, why, cut ? " (" : "",
		         cut ? cut : "", cut ? ")" : "");
		return 1;
	}
	/* a file mapping may give back event pages once decoded; a heap copy
	 * must not */
	st_mmprof_set_mapped(p, mapped);
	if (mapped && ld->dense)
		populate(data, len);
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
	int rc = st_mmprof_feed(p, b, o->progress ? on_progress : NULL, ld, msg,
	                        sizeof msg);
	st_builder_end_source(b, info->events);
	st_mmprof_close(p);
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
	if (ld->opts->progress) {   /* a plain pipe too: it may be slow */
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
 * touches no state of the C library.) */
static struct {
	uintptr_t lo, hi, page;      /* the mapping, rounded up to whole pages */
	volatile sig_atomic_t hit;
	uint64_t at;                 /* offset of the first fault */
	struct sigaction old;
} guard;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	uintptr_t a = (uintptr_t)si->si_addr;
	if (si->si_code > 0 && a >= guard.lo && a < guard.hi) {
		uintptr_t from = a & ~(guard.page - 1);
		if (mmap((void *)from, guard.hi - from, PROT_READ,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
			if (!guard.hit)
				guard.at = a - guard.lo;
			guard.hit = 1;
			return;
		}
	}
	/* not ours: the previous action sees a fault again on return, and a
	 * signal that was sent is sent again */
	sigaction(sig, &guard.old, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

static void guard_on(const void *map, size_t len)
{
	long ps = sysconf(_SC_PAGESIZE);
	guard.page = ps > 0 ? (uintptr_t)ps : 4096;
	guard.lo = (uintptr_t)map;
	guard.hi = guard.lo + ((len + guard.page - 1) & ~(guard.page - 1));
	guard.hit = 0;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &guard.old);
}

/* True when the file shrank under the mapping; *at: where it was found. */
static bool guard_off(uint64_t *at)
{
	sigaction(SIGBUS, &guard.old, NULL);
	guard.lo = guard.hi = 0;
	*at = guard.at;
	return guard.hit;
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
	guard_on(map, len);
	int rc = c == ST_COMPRESSION_NONE
	         ? decode(ld, b, in, in->path, map, len, true, NULL, err, errlen)
	         : load_stream(ld, b, in, c, map, len, -1, err, errlen);
	uint64_t at;
	if (guard_off(&at)) {
		snprintf(err, errlen, "%s: offset %llu: file changed while being read",
		         in->path, (unsigned long long)at);
		rc = 1;
	}
	munmap(map, len);
	return rc;
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
	               ? read_head(ld, fd, head + n, STREAM_HEAD - SNIFF_LEN) : 0;
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

int st_load_paths(st_model *m, char *const *paths, int npaths,
                  const st_load_opts *opts, char *err, size_t errlen)
{
	static const st_load_opts none;
	loader ld = { .opts = opts ? opts : &none, .m = m };
	err[0] = '\0';
	int rc = input_limits(&ld, err, errlen);
	if (rc == 0)
		rc = collect(&ld, paths, npaths, err, errlen);
	for (size_t i = 0; i < ld.l.len; i++)
		ld.total += ld.l.v[i].size;
	st_builder *b = st_builder_new(m);
	if (ld.opts->hook)
		st_builder_set_hook(b, ld.opts->hook);
	for (size_t i = 0; rc == 0 && i < ld.l.len; i++) {
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
