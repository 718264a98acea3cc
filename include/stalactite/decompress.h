/* decompress: gzip and zstd input, inflated into memory.
 *
 * The profile decoder needs the whole profile in memory, so a compressed one
 * is decompressed into a heap buffer that grows geometrically; nothing goes
 * to disk.  The input is a byte range (a mapped file, or the first bytes read
 * to sniff a pipe) followed, optionally, by the rest of a file descriptor.
 * Concatenated gzip members and zstd frames form one stream, as with
 * gzip -d and zstd -d.  Errors are "offset N: what is wrong", N being the
 * compressed byte offset where reading or decoding failed. */
#ifndef STALACTITE_DECOMPRESS_H
#define STALACTITE_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum st_compression {
	ST_COMPRESSION_NONE,   /* plain bytes: copied as they are */
	ST_COMPRESSION_GZIP,
	ST_COMPRESSION_ZSTD,
} st_compression;

/* The compression of a stream from its first bytes (magic 1f 8b for gzip,
 * 28 b5 2f fd for zstd); ST_COMPRESSION_NONE for anything else. */
st_compression st_compression_sniff(const unsigned char *data, size_t len);

typedef struct st_decompress_opts {
	size_t limit;      /* most output bytes; more is an error (returns -2) */
	bool prefix;       /* instead: stop without error once limit bytes are out
	                      (to sniff what a stream holds) */
	uint64_t in_limit; /* most bytes read from fd, 0: no limit; more is an
	                      error (returns -3) */
	/* may be NULL: compressed bytes consumed so far; returning false stops
	 * the work (st_decompress returns -4) */
	bool (*progress)(void *ctx, uint64_t in_bytes);
	void *progress_ctx;
} st_decompress_opts;

typedef struct st_decompressed {
	unsigned char *data;   /* malloc'd, the caller frees it; NULL when len 0 */
	size_t len;
	uint64_t in_bytes;     /* compressed bytes read */
	bool cut;              /* the input ended inside a gzip member or zstd
	                          frame: data is what was readable */
} st_decompressed;

/* Decompresses head[0..head_len) followed, when fd >= 0, by the rest of fd
 * up to its end.  Returns 0; or -1 (bad data, a read error, out of memory),
 * -2 (more than opts->limit bytes of output), -3 (more than
 * opts->in_limit bytes read from fd) or -4 (the progress callback said stop)
 * with the message in err and nothing to free in out. */
int st_decompress(st_compression c, const unsigned char *head, size_t head_len,
                  int fd, const st_decompress_opts *opts, st_decompressed *out,
                  char *err, size_t errlen);

#endif
