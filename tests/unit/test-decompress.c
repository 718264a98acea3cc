/* Unit tests: gzip and zstd streams (made here with zlib and libzstd) to
 * memory: whole, in members and frames, from a buffer and a descriptor, cut
 * short, corrupt, over the limit, and only their first bytes. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "check.h"
#include "stalactite/decompress.h"

typedef struct buf {
	unsigned char *p;
	size_t len;
} buf;

static void append(buf *b, const void *p, size_t n)
{
	b->p = realloc(b->p, b->len + n);
	if (!b->p)
		abort();
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Compressible but not trivial: words from a small LCG. */
static buf sample(size_t n)
{
	buf b = { malloc(n), n };
	static const char *const words[] = { "closure ", "async ", "fn ", "poll ",
		                                 "LLVM ", "pass ", "codegen\n" };
	uint32_t x = 12345;
	for (size_t i = 0; i < n;) {
		x = x * 1103515245u + 12345u;
		const char *w = words[(x >> 16) % 7];
		for (; *w && i < n; w++)
			b.p[i++] = (unsigned char)*w;
	}
	return b;
}

static buf gz(const unsigned char *p, size_t n)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	buf out = { malloc(deflateBound(&zs, n) + 64), 0 };
	zs.next_in = (unsigned char *)p;
	zs.avail_in = (unsigned)n;
	zs.next_out = out.p;
	zs.avail_out = (unsigned)(deflateBound(&zs, n) + 64);
	CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	out.len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static buf zst(const unsigned char *p, size_t n)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	buf out = { malloc(ZSTD_compressBound(n)), 0 };
	out.len = ZSTD_compress2(cc, out.p, ZSTD_compressBound(n), p, n);
	CHECK(!ZSTD_isError(out.len));
	ZSTD_freeCCtx(cc);
	return out;
}

static char err[256];

static int run(st_compression c, const buf *in, size_t limit, bool prefix,
               st_decompressed *z)
{
	st_decompress_opts o = { .limit = limit, .prefix = prefix };
	err[0] = '\0';
	return st_decompress(c, in->p, in->len, -1, &o, z, err, sizeof err);
}

static bool same(const st_decompressed *z, const buf *want, size_t n)
{
	return z->len == n && (n == 0 || memcmp(z->data, want->p, n) == 0);
}

int main(void)
{
	buf data = sample((size_t)3 << 20);   /* more than one growth and piece */
	buf g = gz(data.p, data.len), s = zst(data.p, data.len);
	st_decompressed z;

	CHECK(st_compression_sniff(g.p, g.len) == ST_COMPRESSION_GZIP);
	CHECK(st_compression_sniff(s.p, s.len) == ST_COMPRESSION_ZSTD);
	CHECK(st_compression_sniff(data.p, data.len) == ST_COMPRESSION_NONE);
	CHECK(st_compression_sniff(s.p, 3) == ST_COMPRESSION_NONE);

	/* whole streams */
	CHECK_INT(run(ST_COMPRESSION_GZIP, &g, SIZE_MAX, false, &z), 0);
	CHECK(same(&z, &data, data.len) && !z.cut && z.in_bytes == g.len);
	free(z.data);
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &s, SIZE_MAX, false, &z), 0);
	CHECK(same(&z, &data, data.len) && !z.cut && z.in_bytes == s.len);
	free(z.data);
	CHECK_INT(run(ST_COMPRESSION_NONE, &data, SIZE_MAX, false, &z), 0);
	CHECK(same(&z, &data, data.len));
	free(z.data);

	/* two gzip members; two zstd frames with a skippable one between */
	size_t half = data.len / 2;
	buf g1 = gz(data.p, half), g2 = gz(data.p + half, data.len - half);
	buf gg = { 0 };
	append(&gg, g1.p, g1.len);
	append(&gg, g2.p, g2.len);
	CHECK_INT(run(ST_COMPRESSION_GZIP, &gg, SIZE_MAX, false, &z), 0);
	CHECK(same(&z, &data, data.len) && !z.cut);
	free(z.data);
	buf s1 = zst(data.p, half), s2 = zst(data.p + half, data.len - half);
	static const unsigned char skip[] = { 0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0,
	                                      'a', 'b', 'c' };
	buf ss = { 0 };
	append(&ss, s1.p, s1.len);
	append(&ss, skip, sizeof skip);
	append(&ss, s2.p, s2.len);
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &ss, SIZE_MAX, false, &z), 0);
	CHECK(same(&z, &data, data.len) && !z.cut);
	free(z.data);

	/* cut short: what was readable, a prefix of the data */
	buf cut = { g.p, g.len - 1000 };
	CHECK_INT(run(ST_COMPRESSION_GZIP, &cut, SIZE_MAX, false, &z), 0);
	CHECK(z.cut && z.len > 0 && z.len < data.len && same(&z, &data, z.len));
	CHECK(z.in_bytes == cut.len);
	free(z.data);
	cut = (buf){ s.p, s.len - 1000 };
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &cut, SIZE_MAX, false, &z), 0);
	CHECK(z.cut && z.len < data.len && same(&z, &data, z.len));
	free(z.data);
	cut = (buf){ gg.p, g1.len + 5 };   /* inside the second member's header */
	CHECK_INT(run(ST_COMPRESSION_GZIP, &cut, SIZE_MAX, false, &z), 0);
	CHECK(z.cut && same(&z, &data, half));
	free(z.data);
	cut = (buf){ ss.p, s1.len };       /* at a frame's end: complete */
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &cut, SIZE_MAX, false, &z), 0);
	CHECK(!z.cut && same(&z, &data, half));
	free(z.data);

	/* corrupt in the middle: an error with the offset, nothing to free */
	buf bad = { malloc(s.len), s.len };
	memcpy(bad.p, s.p, s.len);
	memset(bad.p + s.len / 2, 0xff, 64);
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &bad, SIZE_MAX, false, &z), -1);
	CHECK(strncmp(err, "offset ", 7) == 0 && strstr(err, ": corrupt zstd data ("));
	CHECK(z.data == NULL);
	bad.p = realloc(bad.p, g.len);
	memcpy(bad.p, g.p, g.len);
	bad.len = g.len;
	memset(bad.p + bad.len / 2, 0xff, 64);
	CHECK_INT(run(ST_COMPRESSION_GZIP, &bad, SIZE_MAX, false, &z), -1);
	CHECK(strstr(err, ": corrupt gzip data ("));
	unsigned long long at = strtoull(err + 7, NULL, 10);
	CHECK(at >= bad.len / 2 && at <= bad.len);
	buf junk = { 0 };
	append(&junk, g1.p, g1.len);
	append(&junk, "junk", 4);
	CHECK_INT(run(ST_COMPRESSION_GZIP, &junk, SIZE_MAX, false, &z), -1);
	CHECK(strtoull(err + 7, NULL, 10) >= g1.len && strstr(err, "corrupt gzip data"));

	/* the limit: exactly it is fine, one byte more is not */
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &s, data.len, false, &z), 0);
	CHECK(same(&z, &data, data.len));
	free(z.data);
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &s, data.len - 1, false, &z), -2);
	CHECK(strstr(err, "more than") != NULL);
	CHECK_INT(run(ST_COMPRESSION_GZIP, &g, 1000, false, &z), -2);
	CHECK_INT(run(ST_COMPRESSION_NONE, &data, 1000, false, &z), -2);

	/* prefix mode: only the first bytes, to sniff */
	CHECK_INT(run(ST_COMPRESSION_GZIP, &g, 16, true, &z), 0);
	CHECK(same(&z, &data, 16));
	free(z.data);
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &s, 16, true, &z), 0);
	CHECK(same(&z, &data, 16));
	free(z.data);

	/* an empty stream decompresses to nothing */
	buf e = zst(data.p, 0);
	CHECK_INT(run(ST_COMPRESSION_ZSTD, &e, SIZE_MAX, false, &z), 0);
	CHECK(z.len == 0 && z.data == NULL && !z.cut);
	free(e.p);

	/* a head read to sniff, the rest from a descriptor */
	char path[] = "/tmp/test-decompress.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		unlink(path);
		CHECK(write(fd, s.p, s.len) == (ssize_t)s.len);
		CHECK(lseek(fd, 7, SEEK_SET) == 7);
		st_decompress_opts o = { .limit = SIZE_MAX };
		CHECK_INT(st_decompress(ST_COMPRESSION_ZSTD, s.p, 7, fd, &o, &z, err,
		                        sizeof err), 0);
		CHECK(same(&z, &data, data.len) && !z.cut && z.in_bytes == s.len);
		free(z.data);
		close(fd);
	}

	free(bad.p);
	free(junk.p);
	free(gg.p);
	free(ss.p);
	free(g1.p);
	free(g2.p);
	free(s1.p);
	free(s2.p);
	free(g.p);
	free(s.p);
	free(data.p);
	return check_done();
}
