/* load.c: command-line paths to a finished model, one input at a time.
 *
 * Regular files are mapped (the decoder reads them in place); standard input
 * and other non-seekable files are read whole into memory, up to
 * STALACTITE_MAX_INPUT bytes.  Every input's first bytes are checked before
 * the rest is mapped or read, so that a file of another kind is refused at
 * once, however large or endless.  gzip and zstd input, recognised by its
 * magic, is decompressed into memory (never to a temporary file).  Formats
 * are recognised by content.  Messages are sanitised here, so that a file
 * name cannot reach the terminal as an escape sequence.  The inputs come
 * from load-inputs.c (directories searched), several files load at once
 * through load-jobs.c, and load-guard.c turns a mapped file that shrinks
 * into bad input. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/bigmem.h"
#include "stalactite/cargo.h"
#include "stalactite/decompress.h"
#include "stalactite/fmt.h"
#include "stalactite/formats.h"
#include "stalactite/load.h"
#include "stalactite/mmprof-pipe.h"
#include "stalactite/mmprof.h"
#include "stalactite/snapshot.h"
#include "stalactite/xalloc.h"
#include "load-internal.h"

/* compressed bytes read from a pipe before the rest: enough for the first
 * zstd block (128 KiB at most) or deflate output, whose start is checked */
#define STREAM_HEAD ((size_t)256 << 10)
/* STALACTITE_MAX_INPUT's default: far above any real profile (the largest
 * of a large build are a few hundred MB), far below an endless stream */
#define DEFAULT_MAX_INPUT ((uint64_t)4 << 30)
/* how long a read waits for a silent pipe before telling progress again */
#define WAIT_MS 100

in_format load_sniff_format(const unsigned char *data, size_t len)
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
	in_format f = load_sniff_format(data, len);
	if (f == FORMAT_CARGO_HTML || f == FORMAT_CARGO_LOG || f == FORMAT_TEXT)
		return true;   /* text: its parser gives the precise error */
	return f == FORMAT_MMPROF && st_mmprof_header_ok(data, len);
}

__attribute__((format(printf, 2, 3)))
void load_warn(const loader *ld, const char *fmt, ...)
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

int load_fail(char *err, size_t errlen, const char *path, const char *fmt,
              const char *what)
{
	snprintf(err, errlen, "%s: ", path);
	size_t n = strlen(err);
	snprintf(err + n, errlen - n, fmt, what);
	return 1;
}

/* Reads up to cap bytes (pipes return short reads); -1 on error.  With ld,
 * a pipe that sends nothing for a while is waited for in slices, telling
 * progress in between (which may cancel: -1, errno ECANCELED). */
ssize_t load_read_head(loader *ld, int fd, unsigned char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int pr;
		while (ld && ld->opts->progress &&
		       ((pr = poll(&pf, 1, WAIT_MS)) == 0 || (pr < 0 && errno == EINTR)))
			if (!load_tell(ld, ld->base + n)) {
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

/* Progress of the decoder, in bytes of what it decodes; for a compressed
 * input mapped onto the second half of its file's bytes (decompression
 * reports the first). */
bool load_tell(loader *ld, uint64_t done)
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
	return load_tell(ld, ld->base + at);
}

static bool on_unpack(void *ctx, uint64_t in_bytes)
{
	loader *ld = ctx;
	return load_tell(ld, ld->base + (ld->size ? in_bytes / 2 : in_bytes));
}

/* Two profiles of one crate stay two sources (they may be two builds, or a
 * crate built twice with different features), but summing them may not be
 * what the user meant: one warning per crate naming the first two files. */
void load_note_crate(loader *ld, const char *crate, st_crate_kind kind,
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
			load_warn(ld, "%s: another profile of crate '%s' (the first is "
			          "%s); both kept as separate sources", path, shown,
			          c->path);
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
		load_warn(ld, "%s: %s; loading what was readable", in->path, cut);
	if (*note && note_name)
		load_warn(ld, "%s: %s", note_name, note);
	else if (*note)
		load_warn(ld, "%s", note);
	return 0;
}

/* Cargo timings, which go straight into the build's model and depend on
 * the timings before them: on the calling thread, in file order. */
int load_timings(loader *ld, const input *in, const char *name,
                 const unsigned char *data, size_t len, bool log,
                 const char *cut, char *err, size_t errlen)
{
	char msg[512], note[1024] = "";
	int rc = st_timings_load(ld->m, in->path, data, len, log, note, sizeof note,
	                         msg, sizeof msg);
	/* the timings loader's notes name the file themselves */
	return other_done(ld, in, name, cut, rc, msg, NULL, note, err, errlen);
}

/* Why data, which no reader takes, is bad input. */
static const char *unread_format(const unsigned char *data, size_t len)
{
	if (len < 4)
		return "offset 0: file too short to be a profile";
	if (st_snapshot_sniff(data, len))   /* piped, compressed, in a dir */
		return "offset 0: a snapshot opens only as a file given on its own";
	if (len >= 6 && memcmp(data, "\xfd" "7zXZ\0", 6) == 0)
		return "offset 0: compressed with xz, which is not read here (zstd "
		       "and gzip are): unxz it first";
	if (memcmp(data, "BZh", 3) == 0 && data[3] >= '1' && data[3] <= '9')
		return "offset 0: compressed with bzip2, which is not read here "
		       "(zstd and gzip are): bunzip2 it first";
	return "offset 0: " ST_MMPROF_NOT_A_FORMAT;
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
	in_format f = load_sniff_format(data, len);
	if (f == FORMAT_CARGO_HTML || f == FORMAT_CARGO_LOG) {
		if (ld->job) {   /* kept for the file's turn (load_timings) */
			job *j = ld->job;
			j->timings = true;
			j->timings_log = f == FORMAT_CARGO_LOG;
			j->tdata = st_xmalloc(len ? len : 1);
			memcpy(j->tdata, data, len);
			j->tlen = len;
			j->tname = st_xstrdup(name);
			j->tcut = cut ? st_xstrdup(cut) : NULL;
			return 0;
		}
		return load_timings(ld, in, name, data, len, f == FORMAT_CARGO_LOG, cut,
		                    err, errlen);
	}
	if (f == FORMAT_TEXT) {
		char note[512] = "";
		/* a worker is told to stop through progress, as for profiles */
		st_progress_fn progress = ld->opts->progress || ld->job ? on_progress : NULL;
		int rc = st_formats_load_progress(st_formats_sniff(data, len), data, len,
		                                  mapped, ld->pipe, b, in->path, progress,
		                                  ld, note,
		                                  sizeof note, msg, sizeof msg);
		return other_done(ld, in, name, cut, rc, msg, name, note, err, errlen);
	}
	if (f != FORMAT_MMPROF)
		why = unread_format(data, len);
	/* one large file on several threads: decoded on others, built here */
	st_strtab *own = ld->pipe && f == FORMAT_MMPROF ? st_strtab_new() : NULL;
	if (!why && !(p = (mapped ? st_mmprof_open_mapped : st_mmprof_open)(
	                      data, len, own ? own : st_builder_strs(b), msg, sizeof msg)))
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
		load_warn(ld, "%s: %s; loading what was readable", in->path, cut);
	else if (info->warning)
		load_warn(ld, "%s: %s", name, info->warning);
	char crate[300], cname[256], format[32];
	st_crate_kind kind;
	st_crate_name(info->cmd, in->path, crate, sizeof crate);
	st_crate_info(info->cmd, in->path, cname, sizeof cname, &kind);
	if (kind != ST_CK_PROBE)   /* cargo probes the compiler many times */
		load_note_crate(ld, crate, kind, in->path);
	snprintf(format, sizeof format, "mm_profdata v%u", (unsigned)info->version);
	st_builder_begin_source(b, in->path, format, crate, len);
	st_builder_set_crate(b, cname, (uint8_t)kind);
	/* a worker is told to stop through progress */
	st_progress_fn progress = o->progress || ld->job ? on_progress : NULL;
	if (!pipe && !st_builder_has_hook(b))
		st_mmprof_sweep(p, st_builder_scan_text, b, progress, ld);
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

/* A regular file: its first bytes are read and checked before anything is
 * mapped, so that a huge file of another kind is refused at once; then it is
 * mapped and decoded under the SIGBUS guard. */
static int load_mapped(loader *ld, st_builder *b, const input *in, int fd,
                       const struct stat *st, char *err, size_t errlen)
{
	size_t len = (size_t)st->st_size;
	ld->dense = (uint64_t)st->st_blocks * 512 >= (uint64_t)st->st_size;
	unsigned char head[SNIFF_LEN];
	ssize_t n = load_read_head(NULL, fd, head, sizeof head);
	if (n < 0)
		return load_fail(err, errlen, in->path, "%s", strerror(errno));
	st_compression c = st_compression_sniff(head, (size_t)n);
	if (c == ST_COMPRESSION_NONE && !header_ok(head, (size_t)n))
		return decode(ld, b, in, in->path, head, (size_t)n, false, NULL, err,
		              errlen);
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return load_fail(err, errlen, in->path, "%s", strerror(errno));
	madvise(map, len, MADV_SEQUENTIAL);
	int slot = load_guard_on(map, len);
	int rc = c == ST_COMPRESSION_NONE
	         ? decode(ld, b, in, in->path, map, len, true, NULL, err, errlen)
	         : load_stream(ld, b, in, c, map, len, -1, err, errlen);
	uint64_t at;
	if (load_guard_off(slot, &at)) {
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
		ssize_t r = load_read_head(ld, fd, head + have, to - have);
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
	ssize_t n = load_read_head(ld, fd, head, SNIFF_LEN);
	st_compression c = n > 0 ? st_compression_sniff(head, (size_t)n)
	                         : ST_COMPRESSION_NONE;
	ssize_t more = n == SNIFF_LEN && c != ST_COMPRESSION_NONE
	               ? read_compressed_head(ld, fd, c, head, (size_t)n) : 0;
	int rc;
	if (n < 0 || more < 0)
		rc = load_fail(err, errlen, in->path, "%s", strerror(errno));
	else if (c == ST_COMPRESSION_NONE && !header_ok(head, (size_t)n))
		rc = decode(ld, b, in, in->path, head, (size_t)n, false, NULL, err,
		            errlen);
	else
		rc = load_stream(ld, b, in, c, head, (size_t)(n + more), fd, err, errlen);
	free(head);
	return rc;
}

/* A pipe or a device opened by name, with O_NONBLOCK: a FIFO is waited
 * for until a writer has opened it, in WAIT_MS slices that tell progress
 * (which may cancel), or for good when nothing can cancel (as cat waits;
 * a signal still ends the process); then reads block again.  On Linux such
 * a FIFO polls as nothing at all, not even POLLHUP, until a writer has
 * come: then POLLIN for data, or POLLHUP for a writer gone without writing
 * (read gives EOF, as it would to cat).  Before that read would give EOF at
 * once, so it is not tried.  0, or -1 with errno (ECANCELED: progress said
 * stop). */
static int ready_for_reads(loader *ld, int fd, const struct stat *st)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	int slice = ld->opts->progress || ld->job ? WAIT_MS : -1;
	for (int pr; S_ISFIFO(st->st_mode) && (pr = poll(&pf, 1, slice)) <= 0;) {
		if (pr < 0 && errno != EINTR)
			return -1;
		if (!load_tell(ld, ld->base)) {
			errno = ECANCELED;
			return -1;
		}
	}
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

int load_one(loader *ld, st_builder *b, const input *in, char *err,
             size_t errlen)
{
	/* O_NONBLOCK: the open of a FIFO does not wait for a writer
	 * (ready_for_reads does), nor that of a directory's entry, a regular file
	 * when scanned, that a FIFO has replaced since */
	int fd = in->is_stdin ? 0 : open(in->path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return load_fail(err, errlen, in->path, "%s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		if (!in->is_stdin)
			close(fd);
		return load_fail(err, errlen, in->path, "%s", strerror(e));
	}
	int rc;
	if (S_ISDIR(st.st_mode))
		rc = load_fail(err, errlen, in->path, "%s", "is a directory");
	else if (in->from_dir && !S_ISREG(st.st_mode))
		rc = load_fail(err, errlen, in->path, "%s",
		               "file changed while being read");
	else if (S_ISREG(st.st_mode) && st.st_size > 0)
		rc = load_mapped(ld, b, in, fd, &st, err, errlen);
	else if (!in->is_stdin && ready_for_reads(ld, fd, &st) != 0)
		rc = load_fail(err, errlen, in->path, "%s", strerror(errno));
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
		return load_fail(err, errlen, var, "%s",
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

/* decoders of one file: string expansion scales, the one builder not */
#define PIPE_DECODERS 4
#define LARGE_LOAD ((uint64_t)128 << 20)       /* input bytes */
#define SMALL_LOAD_HUGE_MIN ((size_t)16 << 20)  /* array bytes */

static atomic_uint default_jobs = 1;

void st_load_set_jobs(unsigned n)
{
	atomic_store(&default_jobs, n ? n : 1);
}

unsigned st_load_jobs(void)
{
	return atomic_load(&default_jobs);
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
		rc = load_collect(&ld, paths, npaths, err, errlen);
	for (size_t i = 0; i < ld.l.len; i++)
		ld.total += ld.l.v[i].size;
	/* h2's 46 MB trace peaked at 22.8 MB with huge pages for every array,
	 * 17.9 MB with them for 16 MB ones only; a load of 128 MB or more
	 * keeps them for all (4 KiB pages cost the 65-profile build 12%) */
	st_big_set_huge_min(ld.total >= LARGE_LOAD ? 0 : SMALL_LOAD_HUGE_MIN);
	st_builder *b = st_builder_new(m);
	if (ld.opts->hook)
		st_builder_set_hook(b, ld.opts->hook);
	/* a hook sees every event in order: one thread */
	unsigned nj = ld.opts->jobs ? ld.opts->jobs : atomic_load(&default_jobs);
	nj = nj < ST_LOAD_MAX_JOBS ? nj : ST_LOAD_MAX_JOBS;
	st_builder_set_threads(b, nj);
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
		/* also between files (an empty one tells nothing) */
		rc = load_tell(&ld, ld.base)
		     ? load_one(&ld, b, &ld.l.v[i], err, errlen) : 1;
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
