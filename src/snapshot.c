/* snapshot.c: a snapshot opened by mapping it, and its model thawed or
 * released.
 *
 * The header is read first, so that a large file of another kind is not
 * mapped; then the whole file is mapped read-only and checked
 * (snapshot-check.c), and the model's arrays point into the mapping where
 * the host's layout is the disk's (snapshot-format.c), or are decoded into
 * the heap.  A model that is to change is thawed: its borrowed arrays are
 * copied to the heap first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/bigmem.h"
#include "stalactite/fmt.h"
#include "stalactite/xalloc.h"
#include "load-guard.h"
#include "snapshot-internal.h"

/* err made safe for a terminal (a path may hold escapes). */
void snap_sanitize(char *err, size_t errlen)
{
	char *raw = st_xstrdup(err);
	st_fmt_sanitize(raw, strlen(raw), err, errlen, false);
	free(raw);
}

struct st_snapshot_map {
	void *base;            /* the file: a mapping, or a heap copy */
	size_t len;
	size_t notes, nnotes;  /* where the warnings are in it, their bytes */
	bool heap;
	uint32_t *offsets;     /* the strings' offsets decoded, or NULL */
	uint32_t borrowed;     /* a bit per section the model points into */
	/* a mapping is guarded for as long as it lives: the file shrinking
	 * under it ends the process with one line (load-guard.h) */
	int guard;
	char *guard_head;
};

static void map_free(struct st_snapshot_map *s)
{
	if (s->heap) {
		free(s->base);
	} else {
		uint64_t at;
		load_guard_off(s->guard, &at);
		munmap(s->base, s->len);
		free(s->guard_head);
	}
	free(s->offsets);
	free(s);
}

/* A new model of the checked file l, its arrays borrowed where the layout
 * allows (and copy is false). */
static st_model *build(const layout *l, struct st_snapshot_map *map, bool copy)
{
	st_model *m = st_xcalloc(1, sizeof *m);
	m->snapshot = map;
	for (int i = 0; i < S_COUNT; i++) {
		const section *s = &snap_sections[i];
		const unsigned char *p = l->p + l->off[i];
		uint64_t count = l->count[i];
		if (i == S_SCALARS || (s->ptr == NONE))
			continue;
		set_u32(m, s->len, (uint32_t)count);
		set_u32(m, s->cap, (uint32_t)count);
		if (!count)
			continue;
		if (!copy && native(s)) {
			set_ptr(m, s->ptr, p);
			map->borrowed |= 1u << i;
			continue;
		}
		size_t bytes = (size_t)count * s->mem;
		unsigned char *q = s->big ? st_big_realloc(NULL, 0, bytes) : st_xmalloc(bytes);
		memset(q, 0, bytes);
		for (uint64_t r = 0; r < count; r++)
			for (unsigned k = 0; k < s->nf; k++)
				put_mem(q + r * s->mem + s->f[k].mem, s->f[k].size,
				        get_le(p + r * s->rec + s->f[k].disk, s->f[k].size));
		set_ptr(m, s->ptr, q);
	}
	const unsigned char *sc = l->p + l->off[S_SCALARS];
	const section *ss = &snap_sections[S_SCALARS];
	for (unsigned k = 0; k < ss->nf; k++)
		put_mem((unsigned char *)m + ss->f[k].mem, ss->f[k].size,
		        get_le(sc + ss->f[k].disk, ss->f[k].size));
	const uint32_t *off = (const uint32_t *)(const void *)(l->p + l->off[S_OFFSETS]);
	if (copy || !native(&snap_sections[S_OFFSETS])) {
		map->offsets = st_xreallocarray(NULL, (size_t)l->nstr + 1, 4);
		for (uint32_t i = 0; i <= l->nstr; i++)
			map->offsets[i] = le32(l->p + l->off[S_OFFSETS] + 4 * (size_t)i);
		off = map->offsets;
	}
	m->strs = st_strtab_frozen((const char *)l->p + l->off[S_ARENA],
	                           (size_t)l->count[S_ARENA], off, l->nstr);
	/* not written: the builder makes both codegen trees split, always */
	m->codegen.split = m->pivot.split = true;
	return m;
}

/* Checks the file behind map and moves the model it holds into m. */
static int open_map(st_model *m, struct st_snapshot_map *map, bool copy,
                    const msg *e)
{
	layout l = { .p = map->base, .len = map->len };
	if (snap_check_all(e, &l)) {
		map_free(map);
		return 1;
	}
	map->notes = (size_t)l.off[S_NOTES];
	map->nnotes = (size_t)l.count[S_NOTES];
	st_model *s = build(&l, map, copy);
	st_model old = *m;   /* m's own contents go, s's come */
	*m = *s;
	*s = old;
	st_model_free(s);
	return 0;
}

int st_snapshot_open_mem(st_model *m, const unsigned char *data, size_t len,
                         bool copy, const char *name, char *err, size_t errlen)
{
	msg e = { name, err, errlen };
	struct st_snapshot_map *map = st_xcalloc(1, sizeof *map);
	/* the heap copy is aligned for the records, whatever data's alignment */
	map->base = st_xmalloc(len);
	memcpy(map->base, data, len);
	map->len = len;
	map->heap = true;
	return open_map(m, map, copy, &e);
}

int st_snapshot_open(st_model *m, const char *path, char *err, size_t errlen)
{
	msg e = { path, err, errlen };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	/* the header first: a large file of another kind is not read */
	unsigned char head[HEADER] = { 0 };
	ssize_t n = pread(fd, head, sizeof head, 0);
	int rc;
	if (n < 0)
		rc = snap_bad(&e, 0, "%s", strerror(errno));
	else if (n < HEADER && (uint64_t)n < (uint64_t)st.st_size)   /* shrank */
		rc = snap_bad(&e, (uint64_t)n, "snapshot cut short");
	else
		rc = snap_check_header(&e, head, (uint64_t)st.st_size);
	void *p = MAP_FAILED;
	if (rc == 0) {
		/* every page is read for the checksum: fault them in in one go */
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		         fd, 0);
		if (p == MAP_FAILED)
			rc = snap_bad(&e, 0, "%s", strerror(errno));
	}
	close(fd);
	if (rc)
		return rc;
	struct st_snapshot_map *map = st_xcalloc(1, sizeof *map);
	map->base = p;
	map->len = (size_t)st.st_size;
	size_t n_head = 4 * strlen(path) + 16;   /* room for escapes */
	map->guard_head = st_xmalloc(n_head);
	snprintf(map->guard_head, n_head, "%s: offset ", path);
	snap_sanitize(map->guard_head, n_head);
	map->guard = load_guard_fatal(p, map->len, map->guard_head);
	return open_map(m, map, false, &e);
}

bool st_snapshot_sniff(const unsigned char *data, size_t len)
{
	return len >= ST_SNAPSHOT_MAGIC_LEN &&
	       memcmp(data, ST_SNAPSHOT_MAGIC, ST_SNAPSHOT_MAGIC_LEN) == 0;
}

/* Whether path is a regular file that starts like a snapshot. */
static bool is_snapshot(const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < ST_SNAPSHOT_MAGIC_LEN)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	unsigned char head[ST_SNAPSHOT_MAGIC_LEN];
	bool r = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
	         st_snapshot_sniff(head, sizeof head);
	close(fd);
	return r;
}

int st_snapshot_load_paths(st_model *m, char *const *paths, int npaths,
                           const st_load_opts *opts, char *err, size_t errlen)
{
	bool hooked = opts && opts->hook;
	int at = -1;
	for (int i = 0; i < npaths && at < 0; i++)
		if (is_snapshot(paths[i]))
			at = i;
	if (at < 0)
		return -1;
	int rc;
	if (npaths > 1) {
		snprintf(err, errlen, "%s: a snapshot is opened on its own (it cannot "
		         "be merged with other paths)", paths[at]);
		rc = 1;
	} else if (hooked) {
		snprintf(err, errlen, "%s: a snapshot keeps no events to match; "
		         "--match needs the profiles", paths[at]);
		rc = 1;
	} else {
		rc = st_snapshot_open(m, paths[at], err, errlen);
	}
	if (rc) {
		snap_sanitize(err, errlen);
		return rc;
	}
	/* what loading the profiles said, as if they were loaded again */
	const struct st_snapshot_map *map = m->snapshot;
	for (size_t i = 0; opts && opts->warn && i < map->nnotes;) {
		const char *note = (const char *)map->base + map->notes + i;
		opts->warn(opts->warn_ctx, note);
		i += strlen(note) + 1;
	}
	return 0;
}
/* ---- thawing and releasing ----------------------------------------------- */

void st_model_thaw(st_model *m)
{
	struct st_snapshot_map *map = m->snapshot;
	if (!map)
		return;
	st_strtab_thaw(m->strs);
	for (int i = 0; i < S_COUNT; i++) {
		if (!(map->borrowed & (1u << i)))
			continue;
		const section *s = &snap_sections[i];
		size_t bytes = (size_t)get_u32(m, s->len) * s->mem;
		void *q = s->big ? st_big_realloc(NULL, 0, bytes) : st_xmalloc(bytes);
		memcpy(q, get_ptr(m, s->ptr), bytes);
		set_ptr(m, s->ptr, q);
	}
	m->snapshot = NULL;
	map_free(map);
}

void st_snapshot_release(st_model *m)
{
	struct st_snapshot_map *map = m->snapshot;
	if (!map)
		return;
	for (int i = 0; i < S_COUNT; i++) {
		if (!(map->borrowed & (1u << i)))
			continue;
		set_ptr(m, snap_sections[i].ptr, NULL);
		set_u32(m, snap_sections[i].len, 0);
		set_u32(m, snap_sections[i].cap, 0);
	}
	m->snapshot = NULL;
	map_free(map);
}
