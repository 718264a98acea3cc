/* load.c: command-line paths to a finished model.
 *
 * Regular files are mapped (the decoder reads them in place); standard input
 * and other non-seekable files are read whole into memory.  gzip and zstd
 * input, recognised by its magic, is decompressed into memory (never to a
 * temporary file).  Directories are searched recursively in name order, so
 * results do not depend on the file system: files named like profiles must
 * load, every other file is sniffed and skipped (counted, with a warning)
 * when it is no profile.  Formats are recognised by content. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/decompress.h"
#include "stalactite/fmt.h"
#include "stalactite/load.h"

typedef struct input {
	char *path;       /* as shown in messages */
	bool is_stdin;
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

typedef struct loader {
	const st_load_opts *opts;
	input_list l;
	size_t limit;          /* most bytes a decompressed input may have */
	uint64_t base, total;  /* progress: bytes before this input, all bytes */
	uint64_t size;         /* this input's bytes (0: unknown) */
	uint64_t lo, span;     /* compressed: decoding covers [lo, lo + span) of
	                          them; span 0: decoder offsets are file offsets */
	crate_seen *crates;
	size_t ncrates, crates_cap;
} loader;

/* The formats stalactite reads.  sniff_format is the one place that tells
 * them apart by their first bytes (after decompression). */
typedef enum in_format { FORMAT_UNKNOWN, FORMAT_MMPROF } in_format;
#define SNIFF_LEN 16      /* bytes sniff_format needs at most */

static in_format sniff_format(const unsigned char *data, size_t len)
{
	if (st_mmprof_sniff(data, len))
		return FORMAT_MMPROF;
	return FORMAT_UNKNOWN;
}

__attribute__((format(printf, 2, 3)))
static void warn(const loader *ld, const char *fmt, ...)
{
	if (!ld->opts->warn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ld->opts->warn(ld->opts->warn_ctx, msg);
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
                      const struct stat *st)
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
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	input in = { .path = strdup(path), .is_stdin = is_stdin };
	if (!in.path)
		abort();
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

/* Reads up to cap bytes (pipes return short reads); -1 on error. */
static ssize_t read_head(int fd, unsigned char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
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
	ssize_t n = read_head(fd, head, sizeof head);
	in_format f = FORMAT_UNKNOWN;
	st_compression c = n > 0 ? st_compression_sniff(head, (size_t)n)
	                         : ST_COMPRESSION_NONE;
	if (n > 0 && c == ST_COMPRESSION_NONE) {
		f = sniff_format(head, (size_t)n);
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

/* Collects profiles below dir in name order; depth-limited against cycles
 * through symbolic links.  Counts the profiles found (read twice or not) and
 * the other files skipped. */
static int scan_dir(loader *ld, const char *dir, int depth, size_t *found,
                    size_t *skipped, char *err, size_t errlen)
{
	if (depth > 64)
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
			names = realloc(names, cap * sizeof *names);
			if (!names)
				abort();
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		bool named = named_like_profile(names[i]);
		if (rc != 0) {
			/* an earlier entry failed: only free the rest */
		} else if (stat(path, &st) != 0) {
			if (named)   /* e.g. a dangling link: cannot load, so fail */
				rc = fail(err, errlen, path, "%s", strerror(errno));
			else
				++*skipped;
		} else if (S_ISDIR(st.st_mode)) {
			rc = scan_dir(ld, path, depth + 1, found, skipped, err, errlen);
		} else if (S_ISREG(st.st_mode) &&
		           (named || sniff_file(path) != FORMAT_UNKNOWN)) {
			++*found;
			add_input(ld, path, false, &st);
		} else {
			++*skipped;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int collect(loader *ld, char *const *paths, int npaths, char *err,
                   size_t errlen)
{
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0) {
			add_input(ld, "<stdin>", true, fstat(0, &st) == 0 ? &st : NULL);
			continue;
		}
		if (stat(paths[i], &st) != 0)
			return fail(err, errlen, paths[i], "%s", strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			size_t found = 0, skipped = 0;
			if (scan_dir(ld, paths[i], 0, &found, &skipped, err, errlen))
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
			add_input(ld, paths[i], false, &st);
		}
	}
	return 0;
}

/* Progress of the decoder, in bytes of what it decodes; for a compressed
 * input mapped onto the second half of its file's bytes (decompression
 * reports the first). */
static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	loader *ld = ctx;
	uint64_t at = done;
	if (ld->span)
		at = ld->lo + (total ? (uint64_t)((double)done / (double)total *
		                                  (double)ld->span) : 0);
	ld->opts->progress(ld->opts->progress_ctx, ld->base + at, ld->total);
}

static void on_unpack(void *ctx, uint64_t in_bytes)
{
	loader *ld = ctx;
	ld->opts->progress(ld->opts->progress_ctx,
	                   ld->base + (ld->size ? in_bytes / 2 : in_bytes), ld->total);
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
		ld->crates = realloc(ld->crates, ld->crates_cap * sizeof *ld->crates);
		if (!ld->crates)
			abort();
	}
	crate_seen c = { strdup(crate), path, kind, false };
	if (!c.crate)
		abort();
	ld->crates[ld->ncrates++] = c;
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
	if (sniff_format(data, len) != FORMAT_MMPROF)
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
	st_decompress_opts o = { .limit = ld->limit };
	if (ld->opts->progress && c != ST_COMPRESSION_NONE) {
		o.progress = on_unpack;
		o.progress_ctx = ld;
		ld->lo = ld->size / 2;
		ld->span = ld->size - ld->lo;
	}
	st_decompressed z;
	char msg[512], name[4200], cut[96];
	if (c == ST_COMPRESSION_NONE)
		snprintf(name, sizeof name, "%s", in->path);
	else
		snprintf(name, sizeof name, "%s (decompressed)", in->path);
	/* a mapped file can be read twice: a large archive given by mistake
	 * fails on its first bytes, not after all of it is decompressed */
	st_decompress_opts first = { .limit = SNIFF_LEN, .prefix = true };
	if (fd < 0 && c != ST_COMPRESSION_NONE &&
	    st_decompress(c, head, n, -1, &first, &z, msg, sizeof msg) == 0) {
		bool other = z.len == SNIFF_LEN && sniff_format(z.data, z.len) ==
		                                       FORMAT_UNKNOWN;
		int rc = other ? decode(ld, b, in, name, z.data, z.len, false, NULL,
		                        err, errlen) : 0;
		free(z.data);
		if (other)
			return rc;
	}
	int r = st_decompress(c, head, n, fd, &o, &z, msg, sizeof msg);
	if (r != 0) {
		snprintf(err, errlen, "%s: %s%s", in->path, msg, r == -2 ?
		         "; STALACTITE_MAX_DECOMPRESSED raises it" : "");
		return 1;
	}
	snprintf(cut, sizeof cut, "compressed stream cut short at offset %llu",
	         (unsigned long long)z.in_bytes);
	int rc = decode(ld, b, in, name, z.data ? z.data : (const unsigned char *)"",
	                z.len, false, z.cut ? cut : NULL, err, errlen);
	free(z.data);
	return rc;
}

static int load_one(loader *ld, st_builder *b, const input *in, char *err,
                    size_t errlen)
{
	int fd = in->is_stdin ? 0 : open(in->path, O_RDONLY);
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
	if (S_ISDIR(st.st_mode)) {
		rc = fail(err, errlen, in->path, "%s", "is a directory");
	} else if (S_ISREG(st.st_mode) && st.st_size > 0) {
		size_t len = (size_t)st.st_size;
		/* MAP_POPULATE maps the (page-cached) file in one call instead of
		 * one fault per page touched: string data is read at random, and
		 * faults are costly on virtual machines (0.93 s instead of 1.25 s
		 * for a 260 MB profile, +6% peak RSS; see BENCHMARKS.md) */
		void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (map == MAP_FAILED) {
			rc = fail(err, errlen, in->path, "%s", strerror(errno));
		} else {
			madvise(map, len, MADV_SEQUENTIAL);
			st_compression c = st_compression_sniff(map, len);
			if (c == ST_COMPRESSION_NONE)
				rc = decode(ld, b, in, in->path, map, len, true, NULL, err,
				            errlen);
			else
				rc = load_stream(ld, b, in, c, map, len, -1, err, errlen);
			munmap(map, len);
		}
	} else {
		/* a pipe: sniff its first bytes, then read on from where they end */
		unsigned char head[SNIFF_LEN];
		ssize_t n = read_head(fd, head, sizeof head);
		if (n < 0)
			rc = fail(err, errlen, in->path, "%s", strerror(errno));
		else
			rc = load_stream(ld, b, in, st_compression_sniff(head, (size_t)n),
			                 head, (size_t)n, fd, err, errlen);
	}
	if (!in->is_stdin)
		close(fd);
	return rc;
}

/* Decompressed data is held in memory: more than the machine has is a
 * decompression bomb or an endless stream, not a profile.  The variable
 * moves the limit (down, to test it, or up, where swap is meant to help). */
static int decompress_limit(size_t *limit, char *err, size_t errlen)
{
	const char *s = getenv("STALACTITE_MAX_DECOMPRESSED");
	if (!s || !*s) {
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		*limit = SIZE_MAX;
		if (pages > 0 && page > 0 && (size_t)pages <= SIZE_MAX / (size_t)page)
			*limit = (size_t)pages * (size_t)page;
		return 0;
	}
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
		return fail(err, errlen, "STALACTITE_MAX_DECOMPRESSED", "%s",
		            "not a size (bytes, or with a K, M or G suffix)");
	*limit = (size_t)v << shift;
	return 0;
}

int st_load_paths(st_model *m, char *const *paths, int npaths,
                  const st_load_opts *opts, char *err, size_t errlen)
{
	static const st_load_opts none;
	loader ld = { .opts = opts ? opts : &none };
	err[0] = '\0';
	int rc = decompress_limit(&ld.limit, err, errlen);
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
		rc = load_one(&ld, b, &ld.l.v[i], err, errlen);
		ld.base += ld.l.v[i].size;
	}
	if (rc == 0)
		st_builder_finish(b);
	st_builder_free(b);
	for (size_t i = 0; i < ld.l.len; i++)
		free(ld.l.v[i].path);
	free(ld.l.v);
	for (size_t i = 0; i < ld.ncrates; i++)
		free(ld.crates[i].crate);
	free(ld.crates);
	return rc;
}
