/* load.c: command-line paths to a finished model.
 *
 * Regular files are mapped (the decoder reads them in place); standard input
 * and other non-seekable files are read whole into memory.  Directories are
 * searched recursively for *.mm_profdata, in name order so results do not
 * depend on the file system.  Formats are recognised by content. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/load.h"

typedef struct input {
	char *path;       /* as shown in messages */
	bool is_stdin;
	uint64_t size;    /* for progress; 0 when unknown */
} input;

typedef struct input_list {
	input *v;
	size_t len, cap;
} input_list;

typedef struct progress_state {
	const st_load_opts *opts;
	uint64_t base, total;
} progress_state;

static int fail(char *err, size_t errlen, const char *path, const char *fmt,
                const char *what)
{
	snprintf(err, errlen, "%s: ", path);
	size_t n = strlen(err);
	snprintf(err + n, errlen - n, fmt, what);
	return 1;
}

static void add_input(input_list *l, const char *path, bool is_stdin,
                      uint64_t size)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->len++] = (input){ strdup(path), is_stdin, size };
	if (!l->v[l->len - 1].path)
		abort();
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

/* Collects profiles below dir in name order; depth-limited against cycles
 * through symbolic links. */
static int scan_dir(input_list *l, const char *dir, int depth, char *err,
                    size_t errlen)
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
		if (e->d_name[0] == '.')
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
		if (rc == 0 && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = scan_dir(l, path, depth + 1, err, errlen);
			else if (S_ISREG(st.st_mode) && ends_with(names[i], ".mm_profdata"))
				add_input(l, path, false, (uint64_t)st.st_size);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int collect(input_list *l, char *const *paths, int npaths, char *err,
                   size_t errlen)
{
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0) {
			add_input(l, "<stdin>", true, 0);
			continue;
		}
		if (stat(paths[i], &st) != 0)
			return fail(err, errlen, paths[i], "%s", strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			size_t before = l->len;
			if (scan_dir(l, paths[i], 0, err, errlen))
				return 1;
			if (l->len == before)
				return fail(err, errlen, paths[i], "%s",
				            "no *.mm_profdata files in this directory");
		} else {
			add_input(l, paths[i], false,
			          S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
		}
	}
	return 0;
}

/* Reads a whole stream into memory (standard input, pipes, devices). */
static unsigned char *slurp(int fd, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	unsigned char *buf = malloc(cap);
	if (!buf)
		abort();
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	progress_state *ps = ctx;
	(void)total;
	ps->opts->progress(ps->opts->progress_ctx, ps->base + done, ps->total);
}

static int decode(st_builder *b, const input *in, const unsigned char *data,
                  size_t len, bool mapped, progress_state *ps, char *err,
                  size_t errlen)
{
	const st_load_opts *o = ps->opts;
	char msg[512];
	if (!st_mmprof_sniff(data, len)) {
		if (len < 4)
			return fail(err, errlen, in->path, "%s",
			            "offset 0: file too short to be a profile");
		return fail(err, errlen, in->path, "%s",
		            "offset 0: not a measureme profile (no MMPD magic)");
	}
	st_mmprof *p = st_mmprof_open(data, len, st_builder_strs(b), msg,
	                              sizeof msg);
	if (!p)
		return fail(err, errlen, in->path, "%s", msg);
	/* a file mapping may give back event pages once decoded; a heap copy
	 * must not */
	st_mmprof_set_mapped(p, mapped);
	const st_mmprof_info *info = st_mmprof_get_info(p);
	if (info->warning && o->warn) {
		snprintf(err, errlen, "%s: %s", in->path, info->warning);
		o->warn(o->warn_ctx, err);
		err[0] = '\0';
	}
	char crate[300], format[32];
	st_crate_name(info->cmd, in->path, crate, sizeof crate);
	snprintf(format, sizeof format, "mm_profdata v%u", (unsigned)info->version);
	st_builder_begin_source(b, in->path, format, crate, len);
	int rc = st_mmprof_feed(p, b, o->progress ? on_progress : NULL, ps, msg,
	                        sizeof msg);
	st_builder_end_source(b, info->events);
	st_mmprof_close(p);
	if (rc != 0)
		return fail(err, errlen, in->path, "%s", msg);
	return 0;
}

static int load_one(st_builder *b, const input *in, progress_state *ps,
                    char *err, size_t errlen)
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
			rc = decode(b, in, map, len, true, ps, err, errlen);
			munmap(map, len);
		}
	} else {
		size_t len = 0;
		unsigned char *buf = slurp(fd, &len);
		if (!buf)
			rc = fail(err, errlen, in->path, "%s", strerror(errno));
		else
			rc = decode(b, in, buf, len, false, ps, err, errlen);
		free(buf);
	}
	if (!in->is_stdin)
		close(fd);
	return rc;
}

int st_load_paths(st_model *m, char *const *paths, int npaths,
                  const st_load_opts *opts, char *err, size_t errlen)
{
	static const st_load_opts none;
	input_list l = { 0 };
	progress_state ps = { .opts = opts ? opts : &none };
	err[0] = '\0';
	int rc = collect(&l, paths, npaths, err, errlen);
	for (size_t i = 0; i < l.len; i++)
		ps.total += l.v[i].size;
	st_builder *b = st_builder_new(m);
	if (ps.opts->hook)
		st_builder_set_hook(b, ps.opts->hook);
	for (size_t i = 0; rc == 0 && i < l.len; i++) {
		rc = load_one(b, &l.v[i], &ps, err, errlen);
		ps.base += l.v[i].size;
	}
	if (rc == 0)
		st_builder_finish(b);
	st_builder_free(b);
	for (size_t i = 0; i < l.len; i++)
		free(l.v[i].path);
	free(l.v);
	return rc;
}
