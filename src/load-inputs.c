/* load-inputs.c: the command-line paths as the list of inputs a load reads.
 *
 * A path is a file, "-" (standard input) or a directory.  Directories are
 * searched recursively in name order, so results do not depend on the file
 * system: files named like profiles must load, every other regular file is
 * sniffed and skipped (counted, with a warning) when it is no profile, and
 * each directory is read once however many links lead to it.  A file
 * reached twice is read once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/decompress.h"
#include "stalactite/xalloc.h"
#include "load-internal.h"

/* Adds an input unless st says it is a file already there (given twice, or
 * reached again through a link): that one is read once, with a warning. */
static void add_input(loader *ld, const char *path, bool is_stdin,
                      bool from_dir, const struct stat *st)
{
	input_list *l = &ld->l;
	for (size_t i = 0; st && i < l->len; i++) {
		if (l->v[i].has_id && l->v[i].dev == st->st_dev &&
		    l->v[i].ino == st->st_ino) {
			load_warn(ld, "%s: same file as %s, read once", path,
			          l->v[i].path);
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

/* The format of a file found in a directory under another name: its first
 * bytes, decompressed first when they are gzip or zstd.  Unreadable or
 * corrupt means unknown (the file is skipped, not loaded). */
static in_format sniff_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return FORMAT_UNKNOWN;
	unsigned char head[4096];
	ssize_t n = load_read_head(NULL, fd, head, sizeof head);
	in_format f = FORMAT_UNKNOWN;
	st_compression c = n > 0 ? st_compression_sniff(head, (size_t)n)
	                         : ST_COMPRESSION_NONE;
	if (n > 0 && c == ST_COMPRESSION_NONE) {
		f = load_sniff_format(head, (size_t)n);
		/* any web page may sit in a build directory: only cargo's */
		if (f == FORMAT_CARGO_HTML &&
		    !memmem(head, (size_t)n, "Cargo Build Timings", 19))
			f = FORMAT_UNKNOWN;
	} else if (n > 0) {
		st_decompress_opts o = { .limit = SNIFF_LEN, .prefix = true };
		st_decompressed z;
		char msg[256];
		if (st_decompress(c, head, (size_t)n, fd, &o, &z, msg, sizeof msg) == 0) {
			f = load_sniff_format(z.data, z.len);
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
			load_warn(ld, "%s: leads back to %s, which holds it (a loop), "
			          "skipped", dir, s->path);
		else
			load_warn(ld, "%s: same directory as %s, read once", dir,
			          s->path);
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
		return load_fail(err, errlen, dir, "%s", "directories nested too deep");
	DIR *d = opendir(dir);
	if (!d)
		return load_fail(err, errlen, dir, "%s", strerror(errno));
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
			rc = load_fail(err, errlen, dir, "%s",
			               "a path below it is too long");
		} else if (stat(path, &st) != 0) {
			if (named)   /* e.g. a dangling link: cannot load, so fail */
				rc = load_fail(err, errlen, path, "%s", strerror(errno));
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

int load_collect(loader *ld, char *const *paths, int npaths, char *err,
                 size_t errlen)
{
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") == 0) {
			add_input(ld, "<stdin>", true, false, fstat(0, &st) == 0 ? &st : NULL);
			continue;
		}
		if (stat(paths[i], &st) != 0)
			return load_fail(err, errlen, paths[i], "%s", strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			size_t found = 0, skipped = 0;
			if (dir_seen_before(ld, paths[i], &st))
				continue;
			if (scan_dir(ld, paths[i], ld->ndirs - 1, 0, &found, &skipped,
			             err, errlen))
				return 1;
			if (found == 0 && skipped == 0)
				return load_fail(err, errlen, paths[i], "%s", "no "
				                 "*.mm_profdata files in this directory");
			if (found == 0 && skipped == 1)
				return load_fail(err, errlen, paths[i], "%s", "no "
				                 "*.mm_profdata files in this directory, and "
				                 "its one other file is not a profile");
			if (found == 0) {
				snprintf(err, errlen, "%s: no *.mm_profdata files in this "
				         "directory, and its %zu other files are not profiles",
				         paths[i], skipped);
				return 1;
			}
			if (skipped == 1)
				load_warn(ld, "%s: skipped 1 file that is not a profile",
				          paths[i]);
			else if (skipped > 1)
				load_warn(ld, "%s: skipped %zu files that are not profiles",
				          paths[i], skipped);
		} else {
			add_input(ld, paths[i], false, false, &st);
		}
	}
	return 0;
}
