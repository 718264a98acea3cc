/* snapshot-save.c: the model written to a snapshot file (--save).
 *
 * Sections go out in table order, each at an 8-byte-aligned offset, a
 * native dense section as it is in memory and any other record by record;
 * the checksum is summed while writing and put into the header last.  The
 * file is written beside its destination and renamed in, so a reader never
 * sees half a snapshot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stalactite/xalloc.h"
#include "snapshot-internal.h"

typedef struct writer {
	int fd;
	unsigned char *buf;
	size_t n, cap;
	hasher h;
	int error;            /* errno of the first failed write */
} writer;

static void w_flush(writer *w)
{
	snap_hash_update(&w->h, w->buf, w->n);
	for (size_t done = 0; done < w->n && !w->error;) {
		ssize_t r = write(w->fd, w->buf + done, w->n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			w->error = errno;
		else
			done += (size_t)r;
	}
	w->n = 0;
}

static void w_bytes(writer *w, const void *p, size_t n)
{
	const unsigned char *s = p;
	while (n) {
		if (w->n == w->cap)
			w_flush(w);
		size_t k = w->cap - w->n < n ? w->cap - w->n : n;
		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
	}
}

static void w_zeros(writer *w, size_t n)
{
	static const unsigned char z[8];
	while (n) {
		size_t k = n < 8 ? n : 8;
		w_bytes(w, z, k);
		n -= k;
	}
}

/* What section i of m holds: its records in memory and their count. */
static const unsigned char *source_of(const st_model *m, const char *notes,
                                      size_t notes_len, int i, uint64_t *count)
{
	const section *s = &snap_sections[i];
	uint32_t nstr = st_strtab_count(m->strs);
	size_t arena_len;
	const char *arena = st_strtab_arena(m->strs, &arena_len);
	switch (i) {
	case S_ARENA:
		*count = arena_len;
		return (const unsigned char *)arena;
	case S_OFFSETS:
		*count = (uint64_t)nstr + 1;
		return (const unsigned char *)st_strtab_offsets(m->strs);
	case S_DISPLAY: case S_FN_KIND:
		/* entries past the strings are zeros: left out */
		*count = m->display_len < nstr ? m->display_len : nstr;
		return get_ptr(m, s->ptr);
	case S_SCALARS:
		*count = 1;
		return (const unsigned char *)m;
	case S_NOTES:
		*count = notes_len;
		return (const unsigned char *)notes;
	default:
		*count = get_u32(m, s->len);
		return get_ptr(m, s->ptr);
	}
}

static void write_section(writer *w, const section *s, const unsigned char *src,
                          uint64_t count)
{
	if (count && native(s) && dense(s)) {
		w_bytes(w, src, (size_t)count * s->rec);
	} else {
		unsigned char rec[128];
		for (uint64_t r = 0; r < count; r++, src += s->mem) {
			memset(rec, 0, s->rec);
			for (unsigned i = 0; i < s->nf; i++)
				put_le(rec + s->f[i].disk, s->f[i].size,
				       get_mem(src + s->f[i].mem, s->f[i].size));
			w_bytes(w, rec, s->rec);
		}
	}
	w_zeros(w, (size_t)(align8(count * s->rec) - count * s->rec));
}

int st_snapshot_save(const st_model *m, const char *const *notes, size_t nnotes,
                     const char *path, char *err, size_t errlen)
{
	size_t notes_len = 0;
	for (size_t i = 0; i < nnotes; i++)
		notes_len += strlen(notes[i]) + 1;
	char *blob = st_xmalloc(notes_len), *at = blob;
	for (size_t i = 0; i < nnotes; i++)
		at = stpcpy(at, notes[i]) + 1;
	unsigned char head[HEADER + S_COUNT * ENTRY] = { 0 };
	uint64_t off = align8(sizeof head), counts[S_COUNT];
	const unsigned char *src[S_COUNT];
	for (int i = 0; i < S_COUNT; i++) {
		src[i] = source_of(m, blob, notes_len, i, &counts[i]);
		unsigned char *e = head + HEADER + i * ENTRY;
		put_le(e, 4, (uint64_t)i + 1);
		put_le(e + 4, 4, snap_sections[i].rec);
		put_le(e + 8, 8, off);
		put_le(e + 16, 8, counts[i]);
		off += align8(counts[i] * snap_sections[i].rec);
	}
	memcpy(head, ST_SNAPSHOT_MAGIC, ST_SNAPSHOT_MAGIC_LEN);
	put_le(head + 8, 4, ST_SNAPSHOT_VERSION);
	put_le(head + 12, 4, S_COUNT);
	put_le(head + 16, 8, off);
	snprintf((char *)head + 32, 32, "stalactite %s", PACKAGE_VERSION);

	/* a temporary file beside it, so a reader never sees half a snapshot */
	size_t plen = strlen(path);
	char *tmp = st_xmalloc(plen + 16);
	snprintf(tmp, plen + 16, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		snap_sanitize(err, errlen);
		free(tmp);
		free(blob);
		return 1;
	}
	mode_t mask = umask(0);
	umask(mask);
	writer w = { .fd = fd, .cap = (size_t)1 << 20 };
	w.buf = st_xmalloc(w.cap);
	snap_hash_init(&w.h);
	w_bytes(&w, head, sizeof head);
	w_zeros(&w, (size_t)(align8(sizeof head) - sizeof head));
	for (int i = 0; i < S_COUNT; i++)
		write_section(&w, &snap_sections[i], src[i], counts[i]);
	w_flush(&w);
	free(w.buf);
	free(blob);
	unsigned char sum[8];
	put_le(sum, 8, snap_hash_final(&w.h));
	int e = w.error;
	ssize_t r = e ? 0 : pwrite(fd, sum, 8, SUM_AT);
	if (!e && r != 8)
		e = r < 0 ? errno : EIO;
	/* the mode a plain new file gets; on disk before it is renamed in */
	if (!e && (fchmod(fd, 0666 & ~mask) != 0 || fsync(fd) != 0))
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		snap_sanitize(err, errlen);
	}
	free(tmp);
	return e != 0;
}
