/* decompress.c: see decompress.h.  zlib and libzstd do the decoding; this
 * file feeds them input in pieces and grows the output buffer. */
#include <errno.h>
#include <poll.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "stalactite/decompress.h"

/* The head is fed in pieces too: zlib counts input in 32 bits, and progress
 * is reported per piece. */
#define HEAD_PIECE ((size_t)1 << 20)
#define READ_PIECE ((size_t)256 << 10)
/* how long a read waits for a silent pipe before telling progress again */
#define WAIT_MS 100
#define FIRST_OUT ((size_t)1 << 20)
/* libzstd leaves the input position unchanged when it fails, so it gets
 * small steps: an error's offset is then within ZSTD_STEP bytes of where
 * the decoder stopped (the cost is a copy of the compressed bytes) */
#define ZSTD_STEP ((size_t)4 << 10)

typedef struct input {
	const unsigned char *head;
	size_t head_len, head_pos;
	int fd;
	unsigned char *buf;     /* READ_PIECE bytes for reads from fd */
	uint64_t off;           /* compressed offset of the current piece */
	size_t piece;           /* its length */
	const st_decompress_opts *o;
} input;

typedef struct output {
	unsigned char *p;
	size_t len, cap, first;
	size_t want;            /* the most cap ever needs */
} output;

enum { DONE = 1 };          /* grow: prefix mode has all it wants */

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* The next piece of input in *p, *n (0 at the end); -1 with errno set when
 * reading fails, -3 past opts->in_limit, -4 when progress said stop.  The previous piece must have been
 * consumed whole. */
static int next_piece(input *in, const unsigned char **p, size_t *n)
{
	in->off += in->piece;
	in->piece = 0;
	if (in->o->progress && !in->o->progress(in->o->progress_ctx, in->off))
		return -4;
	*n = 0;
	if (in->head_pos < in->head_len) {
		size_t k = in->head_len - in->head_pos;
		if (k > HEAD_PIECE)
			k = HEAD_PIECE;
		*p = in->head + in->head_pos;
		in->head_pos += k;
		*n = in->piece = k;
		return 0;
	}
	if (in->fd < 0)
		return 0;
	if (!in->buf && !(in->buf = malloc(READ_PIECE))) {
		errno = ENOMEM;
		return -1;
	}
	/* a pipe that sends nothing for a while: progress is told in between
	 * (and after a signal), so that a viewer can still be quit */
	if (in->o->progress) {
		struct pollfd pf = { .fd = in->fd, .events = POLLIN };
		int pr;
		while ((pr = poll(&pf, 1, WAIT_MS)) == 0 || (pr < 0 && errno == EINTR))
			if (!in->o->progress(in->o->progress_ctx, in->off))
				return -4;
	}
	for (;;) {
		ssize_t r = read(in->fd, in->buf, READ_PIECE);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (in->o->in_limit && in->off + (uint64_t)r > in->o->in_limit)
			return -3;
		*p = in->buf;
		*n = in->piece = (size_t)r;
		return 0;
	}
}

/* Room for at least one more byte: 0; DONE when prefix mode has enough;
 * -1 out of memory; -2 past the limit.  Doubling keeps the copies (and
 * realloc's mremap moves) logarithmic in the output size. */
static int grow(output *out, const st_decompress_opts *o)
{
	if (out->len < out->cap)
		return 0;
	if (out->cap >= out->want)
		return o->prefix ? DONE : -2;
	size_t cap = out->cap ? out->cap * 2 : out->first;
	if (cap > out->want || cap <= out->cap)
		cap = out->want;
	unsigned char *q = realloc(out->p, cap);
	if (!q)
		return -1;
	out->p = q;
	out->cap = cap;
	return 0;
}

static int grow_fail(int r, uint64_t off, const st_decompress_opts *o,
                     const char *doing, char *err, size_t errlen)
{
	if (r == -1)
		snprintf(err, errlen, "offset %llu: out of memory %s", ull(off), doing);
	else
		snprintf(err, errlen, "offset %llu: more than %zu bytes of data "
		         "(the limit)", ull(off), o->limit);
	return r;
}

static int read_fail(const input *in, int r, char *err, size_t errlen)
{
	if (r == -4) {
		snprintf(err, errlen, "cancelled");
		return -4;
	}
	if (r == -3) {
		snprintf(err, errlen, "offset %llu: more input than the limit (%llu bytes)",
		         ull(in->o->in_limit), ull(in->o->in_limit));
		return -3;
	}
	snprintf(err, errlen, "offset %llu: %s", ull(in->off), strerror(errno));
	return -1;
}

/* Done (prefix mode) or over the limit after out->len grew. */
static int check_len(const output *out, const st_decompress_opts *o)
{
	if (o->prefix)
		return out->len >= o->limit ? DONE : 0;
	return out->len > o->limit ? -2 : 0;
}

static int copy_plain(input *in, output *out, char *err, size_t errlen)
{
	const st_decompress_opts *o = in->o;
	for (;;) {
		const unsigned char *p;
		size_t n;
		int got = next_piece(in, &p, &n);
		if (got != 0)
			return read_fail(in, got, err, errlen);
		if (n == 0)
			return 0;
		for (size_t used = 0; used < n;) {
			int r = grow(out, o);
			if (r == DONE)
				return 0;
			if (r < 0)
				return grow_fail(r, in->off + used, o, "reading", err, errlen);
			size_t k = out->cap - out->len;
			if (k > n - used)
				k = n - used;
			memcpy(out->p + out->len, p + used, k);
			out->len += k;
			used += k;
			if ((r = check_len(out, o)) == DONE)
				return 0;
			if (r < 0)
				return grow_fail(r, in->off + used, o, "reading", err, errlen);
		}
	}
}

static int unzstd(input *in, output *out, bool *cut, char *err, size_t errlen)
{
	const st_decompress_opts *o = in->o;
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	if (!dc)
		return grow_fail(-1, 0, o, "decompressing", err, errlen);
	/* the whole output is kept anyway, so a long window (zstd --long=31)
	 * costs little more; the default of 128 MiB would refuse such files */
	ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax,
	                       ZSTD_dParam_getBounds(ZSTD_d_windowLogMax).upperBound);
	size_t ret = 0;   /* 0 between frames, else the frame is not finished */
	int rc = 0;
	for (;;) {
		const unsigned char *p;
		size_t n;
		int got = next_piece(in, &p, &n);
		if (got != 0) {
			rc = read_fail(in, got, err, errlen);
			break;
		}
		if (n == 0)
			break;
		size_t used = 0;
		ZSTD_inBuffer ib = { p, 0, 0 };
		/* also loop while the output is full: the decoder may hold more */
		do {
			if (ib.pos == ib.size && used < n) {
				ib.src = p + used;
				ib.size = n - used < ZSTD_STEP ? n - used : ZSTD_STEP;
				ib.pos = 0;
				used += ib.size;
			}
			uint64_t at = in->off + (used - ib.size) + ib.pos;
			int r = grow(out, o);
			if (r == DONE)
				goto out;
			if (r < 0) {
				rc = grow_fail(r, at, o, "decompressing", err, errlen);
				goto out;
			}
			ZSTD_outBuffer ob = { out->p, out->cap, out->len };
			ret = ZSTD_decompressStream(dc, &ob, &ib);
			if (ZSTD_isError(ret)) {
				snprintf(err, errlen, "offset %llu: corrupt zstd data (%s)",
				         ull(at), ZSTD_getErrorName(ret));
				rc = -1;
				goto out;
			}
			out->len = ob.pos;
			if ((r = check_len(out, o)) == DONE)
				goto out;
			if (r < 0) {
				rc = grow_fail(r, in->off + (used - ib.size) + ib.pos, o,
				               "decompressing", err, errlen);
				goto out;
			}
		} while (ib.pos < ib.size || used < n || out->len == out->cap);
	}
	*cut = ret != 0;
out:
	ZSTD_freeDCtx(dc);
	return rc;
}

static int gunzip(input *in, output *out, bool *cut, char *err, size_t errlen)
{
	const st_decompress_opts *o = in->o;
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 15 + 16) != Z_OK)   /* 16: gzip wrapper only */
		return grow_fail(-1, 0, o, "decompressing", err, errlen);
	int zr = Z_OK, rc = 0;
	for (;;) {
		const unsigned char *p;
		size_t n;
		int got = next_piece(in, &p, &n);
		if (got != 0) {
			rc = read_fail(in, got, err, errlen);
			break;
		}
		if (n == 0)
			break;
		zs.next_in = (unsigned char *)p;   /* zlib does not write to it */
		zs.avail_in = (unsigned)n;
		for (;;) {
			if (zr == Z_STREAM_END) {
				if (zs.avail_in == 0)
					break;
				inflateReset(&zs);   /* another member follows */
				zr = Z_OK;
			}
			uint64_t at = in->off + (n - zs.avail_in);
			int r = grow(out, o);
			if (r == DONE)
				goto out;
			if (r < 0) {
				rc = grow_fail(r, at, o, "decompressing", err, errlen);
				goto out;
			}
			size_t room = out->cap - out->len;
			zs.next_out = out->p + out->len;
			zs.avail_out = room > UINT_MAX ? UINT_MAX : (unsigned)room;
			zr = inflate(&zs, Z_NO_FLUSH);
			out->len = (size_t)(zs.next_out - out->p);
			at = in->off + (n - zs.avail_in);
			/* no progress: all input used and nothing held back */
			if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
				zr = Z_OK;
				break;
			}
			if (zr == Z_MEM_ERROR) {
				rc = grow_fail(-1, at, o, "decompressing", err, errlen);
				goto out;
			}
			if (zr != Z_OK && zr != Z_STREAM_END) {
				snprintf(err, errlen, "offset %llu: corrupt gzip data (%s)", ull(at),
				         zs.msg ? zs.msg : zr == Z_NEED_DICT ? "needs a dictionary"
				                                             : zError(zr));
				rc = -1;
				goto out;
			}
			if ((r = check_len(out, o)) == DONE)
				goto out;
			if (r < 0) {
				rc = grow_fail(r, at, o, "decompressing", err, errlen);
				goto out;
			}
			if (zr == Z_OK && zs.avail_in == 0 && zs.avail_out > 0)
				break;
		}
	}
	*cut = zr != Z_STREAM_END;
out:
	inflateEnd(&zs);
	return rc;
}

st_compression st_compression_sniff(const unsigned char *data, size_t len)
{
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return ST_COMPRESSION_GZIP;
	if (len >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f &&
	    data[3] == 0xfd)
		return ST_COMPRESSION_ZSTD;
	return ST_COMPRESSION_NONE;
}

int st_decompress(st_compression c, const unsigned char *head, size_t head_len,
                  int fd, const st_decompress_opts *opts, st_decompressed *res,
                  char *err, size_t errlen)
{
	input in = { .head = head, .head_len = head_len, .fd = fd, .o = opts };
	output out = { 0 };
	/* profiles compress about 4:1 or better; a first guess near the final
	 * size saves doublings (untouched pages cost nothing) */
	out.first = head_len > SIZE_MAX / 4 ? SIZE_MAX : head_len * 4;
	if (out.first < FIRST_OUT)
		out.first = FIRST_OUT;
	/* one byte past the limit tells "exactly the limit" from "more" */
	out.want = opts->prefix || opts->limit == SIZE_MAX ? opts->limit
	                                                    : opts->limit + 1;
	bool cut = false;
	int rc;
	if (c == ST_COMPRESSION_GZIP)
		rc = gunzip(&in, &out, &cut, err, errlen);
	else if (c == ST_COMPRESSION_ZSTD)
		rc = unzstd(&in, &out, &cut, err, errlen);
	else
		rc = copy_plain(&in, &out, err, errlen);
	free(in.buf);
	if (rc != 0) {
		free(out.p);
		memset(res, 0, sizeof *res);
		return rc;
	}
	if (out.len == 0) {
		free(out.p);
		out.p = NULL;
	}
	*res = (st_decompressed){ out.p, out.len, in.off + in.piece, cut };
	return 0;
}
