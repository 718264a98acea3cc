/* mkbad: writes small measureme profiles, valid or corrupted on purpose,
 * built from scratch (streams, pages, strings, index, events).
 *
 *   mkbad KIND OUT     writes OUT and prints what a decoder must say:
 *                        "ok"                  loads without a message
 *                        "warning N"           incomplete-file warning at N
 *                        "error N TEXT"        "offset N: TEXT" ("*": any)
 *   mkbad --list       prints every KIND
 *
 * test-mmprof.c includes this file with MKBAD_NO_MAIN to build the same
 * profiles in memory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/mmprof.h"

typedef struct mk_bytes {
	unsigned char *p;
	size_t len, cap;
} mk_bytes;

typedef struct mk_prof {
	unsigned ver, idw;
	mk_bytes ev, sd, si, out;
	char expect[200];
	uint64_t last_rec;   /* file-independent: stream offset of the last record */
} mk_prof;

#define MK_META 100000001ull
#define MK_CONCRETE 100000003ull

static void mk_put(mk_bytes *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void mk_u8(mk_bytes *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	mk_put(b, &c, 1);
}

static void mk_le(mk_bytes *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		mk_u8(b, (unsigned)(v >> (8 * i)) & 0xFF);
}

static void mk_set32(mk_bytes *b, size_t at, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		b->p[at + i] = (unsigned char)(v >> (8 * i));
}

static void mk_init(mk_prof *p, unsigned ver)
{
	memset(p, 0, sizeof *p);
	p->ver = ver;
	p->idw = ver == 8 ? 4 : 8;
	mk_put(&p->ev, "MMES", 4);
	mk_le(&p->ev, ver, 4);
	mk_put(&p->sd, "MMSD", 4);
	mk_le(&p->sd, ver, 4);
	mk_put(&p->si, "MMSI", 4);
	mk_le(&p->si, ver, 4);
	strcpy(p->expect, "ok");
}

static void mk_free(mk_prof *p)
{
	free(p->ev.p);
	free(p->sd.p);
	free(p->si.p);
	free(p->out.p);
}

/* Appends raw bytes to the string data; returns the concrete id. */
static uint64_t mk_raw(mk_prof *p, const void *s, size_t n)
{
	uint64_t id = MK_CONCRETE + p->sd.len;
	mk_put(&p->sd, s, n);
	return id;
}

static uint64_t mk_str(mk_prof *p, const char *s)
{
	uint64_t id = mk_raw(p, s, strlen(s));
	mk_u8(&p->sd, 0xFF);
	return id;
}

static void mk_ref(mk_prof *p, uint64_t id)
{
	mk_u8(&p->sd, 0xFE);
	mk_le(&p->sd, id, p->idw);
}

/* label 0x1E arg, as references. */
static uint64_t mk_pair(mk_prof *p, uint64_t label, uint64_t arg)
{
	uint64_t id = MK_CONCRETE + p->sd.len;
	mk_ref(p, label);
	mk_u8(&p->sd, 0x1E);
	mk_ref(p, arg);
	mk_u8(&p->sd, 0xFF);
	return id;
}

static void mk_index(mk_prof *p, uint64_t id, uint64_t addr)
{
	mk_le(&p->si, id, p->idw);
	mk_le(&p->si, addr, p->idw);
}

static void mk_event(mk_prof *p, uint64_t kind, uint64_t id, uint32_t tid,
                     uint64_t v1, uint64_t v2)
{
	p->last_rec = p->ev.len;
	mk_le(&p->ev, kind, p->idw);
	mk_le(&p->ev, id, p->idw);
	mk_le(&p->ev, tid, 4);
	mk_le(&p->ev, v1 & 0xFFFFFFFFu, 4);
	mk_le(&p->ev, v2 & 0xFFFFFFFFu, 4);
	mk_le(&p->ev, (uint32_t)((v1 >> 16) & 0xFFFF0000u) | (uint32_t)((v2 >> 32) & 0xFFFF), 4);
}

static void mk_interval(mk_prof *p, uint64_t kind, uint64_t id, uint32_t tid,
                        uint64_t start, uint64_t end)
{
	mk_event(p, kind, id, tid, start, end);
}

static void mk_header(mk_prof *p)
{
	mk_put(&p->out, "MMPD", 4);
	mk_le(&p->out, p->ver, 4);
}

/* Writes one page of stream s, bytes [from, to); returns its header offset. */
static size_t mk_page(mk_prof *p, int tag, const mk_bytes *s, size_t from,
                      size_t to)
{
	size_t at = p->out.len;
	mk_u8(&p->out, (unsigned)tag);
	mk_le(&p->out, to - from, 4);
	mk_put(&p->out, s->p + from, to - from);
	return at;
}

static void mk_expect(mk_prof *p, const char *fmt, unsigned long long off,
                      const char *text)
{
	snprintf(p->expect, sizeof p->expect, fmt, off, text);
}

/* ---- the base profile --------------------------------------------------- */

typedef struct mk_ids {
	uint64_t query, generic, llvm, hit, size;   /* kinds */
	uint64_t parse, typeck_main, pass_fn, object; /* event ids */
} mk_ids;

static const char mk_meta_json[] =
	"{ \"start_time\": 1700000000123456789, \"process_id\": 4242, "
	"\"cmd\": \"rustc --crate-name demo it\\'s \\u{e9} dir/main.rs \", "
	"\"counter\": { \"name\": \"wall-time\" } }";

static void mk_strings(mk_prof *p, mk_ids *k, const char *meta)
{
	mk_index(p, MK_META, mk_str(p, meta) - MK_CONCRETE);
	k->query = mk_str(p, "Query");
	k->generic = mk_str(p, "GenericActivity");
	k->llvm = mk_str(p, "LLVM Pass");
	k->hit = mk_str(p, "QueryCacheHit");
	k->size = mk_str(p, "ArtifactSize");
	k->parse = mk_str(p, "parse_crate");
	uint64_t typeck = mk_str(p, "typeck");
	uint64_t main_ = mk_str(p, "main");
	k->typeck_main = mk_pair(p, typeck, main_);
	mk_index(p, 5, k->typeck_main - MK_CONCRETE);   /* virtual id 5 */
	k->pass_fn = mk_pair(p, mk_str(p, "InstCombinePass"),
	                     mk_str(p, "demo::main"));
	k->object = mk_pair(p, mk_str(p, "object_file"),
	                    mk_str(p, "demo.o"));
}

/* Five events: a Query nested in a GenericActivity on thread 3, an LLVM Pass
 * on thread 7, a cache-hit instant and an artifact-size integer. */
static void mk_events(mk_prof *p, const mk_ids *k)
{
	mk_interval(p, k->query, 5, 3, 2000, 3000);
	mk_interval(p, k->llvm, k->pass_fn, 7, 3100, 3500);
	mk_interval(p, k->generic, k->parse, 3, 1000, 5000);
	mk_event(p, k->hit, 5, 3, 4000, 0xFFFFFFFFFFFFull);
	mk_event(p, k->size, k->object, 3, 12345, 0xFFFFFFFFFFFEull);
}

static void mk_base(mk_prof *p, unsigned ver, mk_ids *k)
{
	mk_init(p, ver);
	mk_strings(p, k, mk_meta_json);
	mk_events(p, k);
}

/* Pages E S I, each stream whole. */
static void mk_write_esi(mk_prof *p)
{
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	mk_page(p, 1, &p->sd, 0, p->sd.len);
	mk_page(p, 2, &p->si, 0, p->si.len);
}

/* File offset of event stream offset off when the events page comes first. */
static unsigned long long mk_ev_off(size_t off)
{
	return 8 + 5 + off;
}

/* ---- kinds -------------------------------------------------------------- */

static void k_valid(mk_prof *p, unsigned ver)
{
	mk_ids k;
	mk_base(p, ver, &k);
	mk_write_esi(p);
}

static void k_valid_v9(mk_prof *p) { k_valid(p, 9); }
static void k_valid_v8(mk_prof *p) { k_valid(p, 8); }

static void k_empty(mk_prof *p)
{
	mk_init(p, 9);
	mk_expect(p, "error %llu %s", 0, "*");
}

static void k_short(mk_prof *p)
{
	mk_init(p, 9);
	mk_header(p);
	p->out.len = 6;
	mk_expect(p, "error %llu %s", 0,
	          "file too short for a profile header (6 bytes)");
}

static void k_bad_magic(mk_prof *p)
{
	k_valid(p, 9);
	p->out.p[3] = 'X';
	mk_expect(p, "error %llu %s", 0, ST_MMPROF_NOT_A_FORMAT);
}

static void k_version(mk_prof *p, unsigned v)
{
	k_valid(p, 9);
	mk_set32(&p->out, 4, v);
	char text[64];
	snprintf(text, sizeof text, "unsupported format version %u", v);
	mk_expect(p, "error %llu %s", 4, text);
}

static void k_version_7(mk_prof *p) { k_version(p, 7); }
static void k_version_10(mk_prof *p) { k_version(p, 10); }

static void k_bad_tag(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	size_t at = mk_page(p, 1, &p->sd, 0, p->sd.len);
	mk_page(p, 2, &p->si, 0, p->si.len);
	p->out.p[at] = 7;
	mk_expect(p, "error %llu %s", at, "unknown page tag 7");
}

static void k_zero_page(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	size_t at = mk_page(p, 1, &p->sd, 0, 0);
	mk_page(p, 1, &p->sd, 0, p->sd.len);
	mk_page(p, 2, &p->si, 0, p->si.len);
	mk_expect(p, "error %llu %s", at, "zero-length page");
}

/* The index page claims 100 bytes more than the file holds: the page is cut,
 * so the index stream is missing. */
static void k_page_past_eof(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	mk_page(p, 1, &p->sd, 0, p->sd.len);
	size_t at = mk_page(p, 2, &p->si, 0, p->si.len);
	mk_set32(&p->out, at + 1, (uint32_t)p->si.len + 100);
	/* the file cut in its only index page: what it holds is read */
	mk_expect(p, "warning %llu%s", at, "");
}

static void k_no_strings(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	mk_page(p, 2, &p->si, 0, p->si.len);
	mk_expect(p, "error %llu %s", p->out.len, "no string data stream");
}

static void k_no_index(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	mk_page(p, 1, &p->sd, 0, p->sd.len);
	mk_expect(p, "error %llu %s", p->out.len, "no string index stream");
}

static void k_bad_stream_magic(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	p->sd.p[2] = 'X';
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	size_t at = mk_page(p, 1, &p->sd, 0, p->sd.len);
	mk_page(p, 2, &p->si, 0, p->si.len);
	mk_expect(p, "error %llu %s", at + 5,
	          "bad string data stream magic 0x44584d4d (expected MMSD)");
}

static void k_events_not_multiple(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	size_t cut = p->ev.len;
	mk_put(&p->ev, "\1\2\3\4\5", 5);
	mk_write_esi(p);
	mk_expect(p, "error %llu %s", mk_ev_off(cut),
	          "events stream ends with a partial event record (5 of 32 bytes)");
}

static void k_string_out_of_range(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_interval(p, k.generic, MK_CONCRETE + 999999, 3, 6000, 7000);
	mk_write_esi(p);
	char text[120];
	snprintf(text, sizeof text,
	         "string address 999999 outside the string data (8..%zu)", p->sd.len);
	mk_expect(p, "error %llu %s", mk_ev_off(p->last_rec), text);
}

static void k_string_cycle(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	uint64_t self = MK_CONCRETE + p->sd.len;
	mk_ref(p, self);
	mk_u8(&p->sd, 0xFF);
	mk_interval(p, k.generic, self, 3, 6000, 7000);
	mk_write_esi(p);
	size_t sd_payload = 8 + 5 + p->ev.len + 5;
	mk_expect(p, "error %llu %s", sd_payload + (self - MK_CONCRETE),
	          "string references nest deeper than 256 (a cycle?)");
}

/* 60 levels, each referring twice to the one below: 2^60 copies of "laugh". */
static void k_string_bomb(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	uint64_t id = mk_str(p, "laugh");
	for (int i = 0; i < 60; i++) {
		uint64_t next = MK_CONCRETE + p->sd.len;
		mk_ref(p, id);
		mk_ref(p, id);
		mk_u8(&p->sd, 0xFF);
		id = next;
	}
	mk_interval(p, k.generic, id, 3, 6000, 7000);
	mk_write_esi(p);
	mk_expect(p, "error %llu %s", mk_ev_off(p->last_rec),
	          "string expands beyond 1048576 bytes");
}

static void k_no_terminator(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	uint64_t id = mk_raw(p, "unterminated", 12);
	mk_interval(p, k.generic, id, 3, 6000, 7000);
	mk_write_esi(p);
	size_t sd_payload = 8 + 5 + p->ev.len + 5;
	char text[80];
	snprintf(text, sizeof text, "string at address %llu has no terminator",
	         (unsigned long long)(id - MK_CONCRETE));
	mk_expect(p, "error %llu %s", sd_payload + (id - MK_CONCRETE), text);
}

static void k_start_after_end(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_interval(p, k.generic, k.parse, 3, 9000, 8000);
	mk_write_esi(p);
	mk_expect(p, "error %llu %s", mk_ev_off(p->last_rec),
	          "interval starts after it ends (9000 > 8000)");
}

/* [6000, 8000] then [7000, 9000] on thread 3: neither contains the other. */
static void k_partial_overlap(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	size_t first = p->ev.len;
	mk_interval(p, k.generic, k.parse, 3, 6000, 8000);
	mk_interval(p, k.generic, k.parse, 3, 7000, 9000);
	mk_write_esi(p);
	mk_expect(p, "error %llu %s", mk_ev_off(first), "*");
}

static void k_no_metadata(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_set32(&p->si, 8, 12345);   /* the metadata entry now names id 12345 */
	mk_write_esi(p);
	size_t si_payload = 8 + 5 + p->ev.len + 5 + p->sd.len + 5;
	mk_expect(p, "error %llu %s", si_payload,
	          "no metadata string (id 100000001) in the string index");
}

static void k_metadata_no_cmd(mk_prof *p)
{
	mk_ids k;
	mk_init(p, 9);
	mk_strings(p, &k, "{ \"start_time\": 1, \"process_id\": 2 }");
	mk_events(p, &k);
	mk_write_esi(p);
	mk_expect(p, "error %llu %s", 8 + 5 + p->ev.len + 5 + 8,
	          "metadata has no valid \"cmd\"");
}

/* Pages E S I E S I; the second half of the last index page is cut. */
static void mk_write_split(mk_prof *p, size_t ev_cut, size_t sd_cut,
                           size_t si_cut)
{
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, ev_cut);
	mk_page(p, 1, &p->sd, 0, sd_cut);
	mk_page(p, 2, &p->si, 0, si_cut);
	mk_page(p, 0, &p->ev, ev_cut, p->ev.len);
	mk_page(p, 1, &p->sd, sd_cut, p->sd.len);
}

static void mk_late_strings(mk_prof *p, mk_ids *k, size_t *ev_cut,
                            size_t *sd_cut, size_t *si_cut)
{
	mk_base(p, 9, k);
	*ev_cut = p->ev.len;
	*sd_cut = p->sd.len;
	*si_cut = p->si.len;
	uint64_t late = mk_pair(p, mk_str(p, "late_query"), mk_str(p, "key"));
	mk_index(p, 6, late - MK_CONCRETE);
	mk_interval(p, k->query, 6, 3, 6000, 7000);
}

static void k_truncated_last_page(mk_prof *p)
{
	mk_ids k;
	size_t ev_cut, sd_cut, si_cut;
	mk_late_strings(p, &k, &ev_cut, &sd_cut, &si_cut);
	mk_write_split(p, ev_cut, sd_cut, si_cut);
	size_t at = mk_page(p, 2, &p->si, si_cut, p->si.len);
	p->out.len -= 7;
	mk_expect(p, "warning %llu%s", at, "");
}

/* E S E S I as rustc writes it, with the final index page missing. */
static void k_dropped_index_page(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	size_t half = 8 + 2 * 32;
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, half);
	mk_page(p, 1, &p->sd, 0, 40);
	mk_page(p, 0, &p->ev, half, p->ev.len);
	mk_page(p, 1, &p->sd, 40, p->sd.len);
	mk_expect(p, "error %llu %s", p->out.len, "no string index stream");
}

/* E S I S S E S I cut after its fifth page: the tail breaks the flush rule. */
static void k_cut_at_page(mk_prof *p)
{
	mk_ids k;
	size_t ev_cut, sd_cut, si_cut;
	mk_late_strings(p, &k, &ev_cut, &sd_cut, &si_cut);
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, ev_cut);
	mk_page(p, 1, &p->sd, 0, sd_cut);
	mk_page(p, 2, &p->si, 0, si_cut);
	mk_page(p, 1, &p->sd, sd_cut, sd_cut + 10);
	mk_page(p, 1, &p->sd, sd_cut + 10, p->sd.len);
	mk_expect(p, "warning %llu%s", p->out.len, "");
}

/* Pages cut at odd places: an event record, a string reference and an index
 * entry each straddle two pages.  Valid. */
static void k_straddle(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	size_t ev = 8 + 32 + 13, sd = p->sd.len - 3, si = 8 + 16 + 5;
	mk_header(p);
	mk_page(p, 0, &p->ev, 0, ev);
	mk_page(p, 1, &p->sd, 0, sd);
	mk_page(p, 2, &p->si, 0, si);
	mk_page(p, 0, &p->ev, ev, p->ev.len);
	mk_page(p, 1, &p->sd, sd, p->sd.len);
	mk_page(p, 2, &p->si, si, p->si.len);
}

static void k_hostile_names(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	uint64_t esc = mk_str(p, "\x1b[31mred\x1b[0m\x1b]0;title\x07");
	uint64_t ctl = mk_pair(p, mk_str(p, "ok_label"), mk_str(p, "bell\x07" "arg"));
	uint64_t bad_utf8 = mk_str(p, "caf\xc3\x28 \xed\xa0\x80 \xf8!");
	uint64_t kind = mk_str(p, "Kind\x1b[2J");
	char *big = malloc(100 * 1024 + 1);
	if (!big)
		abort();
	for (size_t i = 0; i < 100 * 1024; i++)
		big[i] = (char)('a' + i % 26);
	big[100 * 1024] = '\0';
	uint64_t huge = mk_str(p, big);
	free(big);
	mk_interval(p, k.generic, esc, 3, 6000, 6100);
	mk_interval(p, k.generic, ctl, 3, 6200, 6300);
	mk_interval(p, k.generic, bad_utf8, 3, 6400, 6500);
	mk_interval(p, kind, huge, 3, 6600, 6700);
	mk_write_esi(p);
}

/* levels intervals on thread 3, each inside the one before; written inner
 * first, as rustc does (an event is recorded when it ends). */
static void mk_nest(mk_prof *p, const mk_ids *k, unsigned levels)
{
	for (unsigned i = levels; i-- > 0;)
		mk_interval(p, k->generic, k->parse, 3, 10000 + i, 100000000 - i);
}

/* As deep as the builder allows (10000): valid, and a tree that deep. */
static void k_deep_nesting(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_nest(p, &k, 10000);
	mk_write_esi(p);
}

/* One level more: the innermost event (the first record of the run) is the
 * one refused. */
static void k_too_deep(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	size_t first = p->ev.len;
	mk_nest(p, &k, 10001);
	mk_write_esi(p);
	mk_expect(p, "error %llu %s", mk_ev_off(first),
	          "events nest deeper than 10000");
}

/* Names with the invisible characters that reorder or hide text: a report
 * or screen must show them escaped. */
static void k_format_chars(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	uint64_t rlo = mk_str(p, "fn_\xe2\x80\xae" "desrever");        /* U+202E */
	uint64_t iso = mk_pair(p, mk_str(p, "iso\xe2\x81\xa6late\xe2\x81\xa9"),
	                       mk_str(p, "zero\xe2\x80\x8bwidth\xef\xbb\xbf"));
	mk_interval(p, k.generic, rlo, 3, 6000, 6100);
	mk_interval(p, k.generic, iso, 3, 6200, 6300);
	mk_write_esi(p);
}

static void k_unknown_virtual_id(mk_prof *p)
{
	mk_ids k;
	mk_base(p, 9, &k);
	mk_interval(p, k.query, 77, 3, 6000, 7000);
	mk_interval(p, k.query, 100000002ull, 3, 7100, 7200);
	mk_write_esi(p);
}

typedef struct mk_kind {
	const char *name;
	void (*make)(mk_prof *p);
} mk_kind;

static const mk_kind mk_kinds[] = {
	{ "valid-v9", k_valid_v9 }, { "valid-v8", k_valid_v8 },
	{ "empty", k_empty }, { "short", k_short }, { "bad-magic", k_bad_magic },
	{ "version-7", k_version_7 }, { "version-10", k_version_10 },
	{ "bad-tag", k_bad_tag }, { "zero-page", k_zero_page },
	{ "page-past-eof", k_page_past_eof }, { "no-strings", k_no_strings },
	{ "no-index", k_no_index }, { "bad-stream-magic", k_bad_stream_magic },
	{ "events-not-multiple", k_events_not_multiple },
	{ "string-out-of-range", k_string_out_of_range },
	{ "string-cycle", k_string_cycle }, { "string-bomb", k_string_bomb },
	{ "no-terminator", k_no_terminator },
	{ "start-after-end", k_start_after_end },
	{ "partial-overlap", k_partial_overlap },
	{ "no-metadata", k_no_metadata },
	{ "metadata-no-cmd", k_metadata_no_cmd },
	{ "truncated-last-page", k_truncated_last_page },
	{ "dropped-index-page", k_dropped_index_page },
	{ "cut-at-page", k_cut_at_page }, { "straddle", k_straddle },
	{ "hostile-names", k_hostile_names },
	{ "unknown-virtual-id", k_unknown_virtual_id },
	{ "deep-nesting", k_deep_nesting }, { "too-deep", k_too_deep },
	{ "format-chars", k_format_chars },
};

#define MK_NKINDS (sizeof mk_kinds / sizeof mk_kinds[0])

/* Builds kind into p (mk_free it after); false for an unknown kind. */
static int mk_build(const char *kind, mk_prof *p)
{
	for (size_t i = 0; i < MK_NKINDS; i++) {
		if (strcmp(mk_kinds[i].name, kind) == 0) {
			mk_kinds[i].make(p);
			return 1;
		}
	}
	return 0;
}

#ifndef MKBAD_NO_MAIN
int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < MK_NKINDS; i++)
			puts(mk_kinds[i].name);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: mkbad KIND OUT | mkbad --list\n");
		return 2;
	}
	mk_prof p;
	if (!mk_build(argv[1], &p)) {
		fprintf(stderr, "mkbad: unknown kind %s\n", argv[1]);
		return 2;
	}
	FILE *f = fopen(argv[2], "wb");
	if (!f || (p.out.len && fwrite(p.out.p, 1, p.out.len, f) != p.out.len) ||
	    fclose(f) != 0) {
		perror(argv[2]);
		return 2;
	}
	puts(p.expect);
	mk_free(&p);
	return 0;
}
#endif
