/* test-mmprof: the .mm_profdata decoder on real files (tests/data) and on
 * profiles built from scratch by tests/tools/mkbad.c (valid and corrupted).
 * Observes the decoder through its info, its messages and an event hook. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/mmprof.h"
#include "stalactite/strtab.h"

#define MKBAD_NO_MAIN
#include "../tools/mkbad.c"

typedef struct seen {
	st_strtab *strs;
	long intervals, generic, unknown, parse_error;
	char first_query[64];           /* last one fed = first in the file */
	uint64_t first_query_ns;
	size_t longest_label;
	char sig[4096];                 /* every interval, in feed order */
	char args0[64];                 /* args of "ok_label" */
	long ok_label_args;
	char bad_utf8[64];
} seen;

static bool on_enter(void *ctx, const st_event *e, bool inside, uint32_t *tag)
{
	(void)tag;
	seen *s = ctx;
	const char *kind = st_str(s->strs, e->kind);
	const char *label = st_str(s->strs, e->label);
	(void)inside;
	s->intervals++;
	s->generic += strcmp(kind, "GenericActivity") == 0;
	s->unknown += strcmp(label, "<unknown>") == 0;
	s->parse_error += strcmp(label, "<parse error>") == 0;
	if (strcmp(kind, "Query") == 0) {
		snprintf(s->first_query, sizeof s->first_query, "%s", label);
		s->first_query_ns = e->end - e->start;
	}
	if (st_strlen(s->strs, e->label) > s->longest_label)
		s->longest_label = st_strlen(s->strs, e->label);
	if (strcmp(label, "ok_label") == 0)
		s->ok_label_args = e->nargs;
	if (strncmp(label, "caf", 3) == 0)
		snprintf(s->bad_utf8, sizeof s->bad_utf8, "%s", label);
	size_t n = strlen(s->sig);
	/* a query's key arrives as text (e->key), other arguments as ids */
	char key[64];
	snprintf(key, sizeof key, "%.*s", e->key ? (int)(e->keylen < 63 ? e->keylen : 63) : 1,
	         e->key ? e->key : "-");
	snprintf(s->sig + n, sizeof s->sig - n, "%s|%.40s|%u|%s|%llu|%llu|%u;",
	         kind, label, e->thread,
	         e->nargs ? st_str(s->strs, e->args[0]) : key,
	         (unsigned long long)e->start, (unsigned long long)e->end,
	         e->nargs + (e->key != NULL));
	return false;
}

typedef struct result {
	int open_ok, feed_rc;
	char err[512];
	char warning[200];
	char cmd[400];
	st_mmprof_info info;
	seen s;
} result;

static void decode(const unsigned char *data, size_t len, result *r)
{
	memset(r, 0, sizeof *r);
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	r->s.strs = st_builder_strs(b);
	st_event_hook hook = { .ctx = &r->s, .enter = on_enter };
	st_builder_set_hook(b, &hook);
	st_mmprof *p = st_mmprof_open(data, len, st_builder_strs(b), r->err,
	                              sizeof r->err);
	r->open_ok = p != NULL;
	if (p) {
		r->info = *st_mmprof_get_info(p);
		snprintf(r->warning, sizeof r->warning, "%s",
		         r->info.warning ? r->info.warning : "");
		snprintf(r->cmd, sizeof r->cmd, "%s", r->info.cmd);
		st_builder_begin_source(b, "test", "mm_profdata", "test", len);
		r->feed_rc = st_mmprof_feed(p, b, NULL, NULL, r->err, sizeof r->err);
		st_builder_end_source(b, r->info.events);
		r->s.strs = NULL;
		st_mmprof_close(p);
	}
	st_builder_free(b);
	st_model_free(m);
	r->info.cmd = r->info.warning = NULL;
}

static unsigned char *slurp(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/%s", top ? top : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	size_t cap = 1 << 20, n = 0;
	unsigned char *buf = malloc(cap);
	size_t k;
	while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

static void decode_file(const char *name, result *r)
{
	size_t len = 0;
	unsigned char *data = slurp(name, &len);
	CHECK(data != NULL);
	if (!data) {
		memset(r, 0, sizeof *r);
		return;
	}
	decode(data, len, r);
	free(data);
}

static void test_real_files(void)
{
	static result r;
	decode_file("measureme-test-v8.mm_profdata", &r);
	CHECK(r.open_ok);
	CHECK_INT(r.feed_rc, 0);
	CHECK_INT(r.info.version, 8);
	CHECK_INT(r.info.events, 10922);
	CHECK_INT(r.s.generic, 6429);
	CHECK_STR(r.s.first_query, "hir_crate");
	CHECK_INT(r.s.first_query_ns, 1752900);
	CHECK_INT(r.info.pid, 11086);
	CHECK_INT(r.info.start_time_ns, 1631882200512821000ull);
	CHECK(strstr(r.cmd, "--crate-name hello_world ") != NULL);
	CHECK_STR(r.warning, "");

	decode_file("measureme-test-v9.mm_profdata", &r);
	CHECK(r.open_ok);
	CHECK_INT(r.feed_rc, 0);
	CHECK_INT(r.info.version, 9);
	CHECK_INT(r.info.events, 8870);
	CHECK_INT(r.info.pid, 1050122);
	CHECK_INT(r.info.start_time_ns, 1702602717805121827ull);
	CHECK(strstr(r.cmd, "--crate-name testbinary ") != NULL);
	CHECK(r.s.intervals > 0 && r.s.intervals <= 8870);

	decode_file("odd-command-line.mm_profdata", &r);
	CHECK(r.open_ok);
	CHECK_INT(r.feed_rc, 0);
	CHECK(strstr(r.cmd, "it's \xc3\xa9 dir/main.rs") != NULL);
	CHECK_INT(r.info.events, 24481);

	decode_file("lib-crate.mm_profdata", &r);
	CHECK(r.open_ok);
	CHECK_INT(r.feed_rc, 0);
	CHECK_INT(r.info.events, 6296);

	decode_file("llvm-events-only.mm_profdata", &r);
	CHECK(r.open_ok);
	CHECK_INT(r.feed_rc, 0);
	CHECK_INT(r.info.events, 8392);
	CHECK_INT(r.s.generic, 0);
}

/* Builds a mkbad kind and decodes it. */
static void decode_kind(const char *kind, result *r, mk_prof *p)
{
	CHECK(mk_build(kind, p));
	decode(p->out.p ? p->out.p : (const unsigned char *)"", p->out.len, r);
}

/* Every kind gives exactly the message mkbad predicts. */
static void test_expectations(void)
{
	static result r;
	for (size_t i = 0; i < MK_NKINDS; i++) {
		mk_prof p;
		decode_kind(mk_kinds[i].name, &r, &p);
		const char *err = !r.open_ok || r.feed_rc ? r.err : "";
		char want[256] = "", got[600];
		unsigned long long off = 0;
		int text_at = 0;
		if (sscanf(p.expect, "error %llu %n", &off, &text_at) == 1 && text_at) {
			snprintf(want, sizeof want, "offset %llu: %s", off, p.expect + text_at);
			if (strcmp(p.expect + text_at, "*") == 0) {
				snprintf(want, sizeof want, "offset %llu: ", off);
				snprintf(got, sizeof got, "%.*s", (int)strlen(want), err);
			} else {
				snprintf(got, sizeof got, "%s", err);
			}
			CHECK_STR(got, want);
		} else if (sscanf(p.expect, "warning %llu", &off) == 1) {
			snprintf(want, sizeof want, "offset %llu: file is incomplete at its end", off);
			snprintf(got, sizeof got, "%.*s", (int)strlen(want), r.warning);
			CHECK_STR(got, want);
			CHECK_STR(err, "");
		} else {
			CHECK_STR(p.expect, "ok");
			CHECK_STR(err, "");
			CHECK_STR(r.warning, "");
		}
		mk_free(&p);
	}
}

static void test_generated_contents(void)
{
	static result a, b;
	mk_prof p;
	decode_kind("valid-v9", &a, &p);
	mk_free(&p);
	CHECK_INT(a.info.events, 5);
	CHECK_INT(a.s.intervals, 3);
	CHECK_INT(a.info.pid, 4242);
	CHECK_INT(a.info.start_time_ns, 1700000000123456789ull);
	CHECK_STR(a.cmd, "rustc --crate-name demo it's \xc3\xa9 dir/main.rs ");
	/* reverse file order: the GenericActivity comes first */
	CHECK_STR(a.s.sig, "GenericActivity|parse_crate|3|-|1000|5000|0;"
	          "LLVM Pass|InstCombinePass|7|demo::main|3100|3500|1;"
	          "Query|typeck|3|main|2000|3000|1;");

	decode_kind("valid-v8", &b, &p);
	mk_free(&p);
	CHECK_INT(b.info.version, 8);
	CHECK_STR(b.s.sig, a.s.sig);

	decode_kind("straddle", &b, &p);
	mk_free(&p);
	CHECK_STR(b.s.sig, a.s.sig);

	decode_kind("unknown-virtual-id", &b, &p);
	mk_free(&p);
	CHECK_INT(b.s.unknown, 2);

	decode_kind("truncated-last-page", &b, &p);
	mk_free(&p);
	CHECK_INT(b.info.events, 6);
	CHECK_INT(b.s.unknown, 1);     /* its index entry was in the cut page */

	decode_kind("hostile-names", &b, &p);
	mk_free(&p);
	CHECK_INT(b.s.parse_error, 1);
	CHECK_INT(b.s.ok_label_args, 0);
	CHECK_STR(b.s.bad_utf8, "caf\xef\xbf\xbd( \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd!");
	CHECK_INT(b.s.longest_label, 100 * 1024);
}

/* Every truncation of a valid file either loads or fails cleanly. */
static void test_truncations(void)
{
	static result r;
	mk_prof p;
	CHECK(mk_build("straddle", &p));
	long loaded = 0;
	for (size_t n = 0; n <= p.out.len; n++) {
		decode(p.out.p, n, &r);
		bool ok = r.open_ok && r.feed_rc == 0;
		loaded += ok;
		CHECK(ok || strncmp(r.err, "offset ", 7) == 0);
	}
	CHECK(loaded > 0);
	mk_free(&p);
}

typedef struct progress {
	long calls;
	uint64_t last, total;
	bool monotonic;
} progress;

static bool on_progress(void *ctx, uint64_t done, uint64_t total)
{
	progress *pr = ctx;
	pr->monotonic = pr->monotonic && done >= pr->last && done <= total;
	pr->calls++;
	pr->last = done;
	pr->total = total;
	return true;
}

/* A file mapping opened as one (what opening and decoding have read is
 * given back as they go) decodes like a heap copy, and progress reaches the
 * file size. */
static void test_mapped_and_progress(void)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/data/llvm-events-only.mm_profdata",
	         top ? top : ".");
	int fd = open(path, O_RDONLY);
	struct stat st;
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	if (fd < 0)
		return;
	size_t len = (size_t)st.st_size;
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	CHECK(map != MAP_FAILED);
	if (map == MAP_FAILED)
		return;
	static result heap;
	decode_file("llvm-events-only.mm_profdata", &heap);

	seen s = { 0 };
	progress pr = { .monotonic = true };
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	s.strs = st_builder_strs(b);
	st_event_hook hook = { .ctx = &s, .enter = on_enter };
	st_builder_set_hook(b, &hook);
	char err[256] = "";
	/* opening it gives back what it read, as decoding does */
	st_mmprof *p = st_mmprof_open_mapped(map, len, s.strs, err, sizeof err);
	CHECK(p != NULL);
	if (p) {
		CHECK(st_mmprof_is_mapped(p));
		st_builder_begin_source(b, path, "mm_profdata", "x", len);
		CHECK_INT(st_mmprof_feed(p, b, on_progress, &pr, err, sizeof err), 0);
		st_builder_end_source(b, st_mmprof_get_info(p)->events);
		st_mmprof_close(p);
	}
	CHECK_STR(s.sig, heap.s.sig);
	CHECK_INT(s.intervals, heap.s.intervals);
	CHECK(pr.calls >= 1);
	CHECK(pr.monotonic);
	CHECK_INT(pr.last, len);
	CHECK_INT(pr.total, len);
	st_builder_free(b);
	st_model_free(m);
	munmap(map, len);
}


/* ---- the sweep ------------------------------------------------------------ */

typedef struct swept {
	char text[4096];             /* what the sweep handed over, one per line */
	int calls;
	st_strtab *strs;
	char sig[1024];              /* label and key of each query event */
	bool cut;
} swept;

static void on_text(void *ctx, const char *s, size_t n)
{
	swept *w = ctx;
	size_t at = strlen(w->text);
	for (size_t i = 0; i < n && at + 2 < sizeof w->text; i++)   /* lead bytes may be ids */
		w->text[at++] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F ? s[i] : '.';
	w->text[at++] = '\n';
	w->text[at] = 0;
	w->calls++;
}

static bool on_sunk(void *ctx, const st_event *e, uint64_t at, const char **why)
{
	(void)at;
	(void)why;
	swept *w = ctx;
	const char *kind = st_str(w->strs, e->kind);
	if (strcmp(kind, "Query") && strcmp(kind, "QueryCacheHit"))
		return true;
	size_t n = strlen(w->sig);
	snprintf(w->sig + n, sizeof w->sig - n, "%s %s [%.*s];", kind,
	         st_str(w->strs, e->label), e->key ? (int)e->keylen : 1,
	         e->key ? e->key : "-");
	return true;
}

/* The base profile and two query invocations whose keys hold evidence
 * markers; the string data in two pages cut inside the first marker
 * (pages S E S I, as rustc writes them: its query strings come last;
 * with split_index, S I I E S I, the index cut inside its entries). */
static void sweep_profile(mk_prof *p, bool cut_short, bool split_index)
{
	mk_ids k;
	mk_init(p, 9);
	mk_strings(p, &k, mk_meta_json);
	static const char k1[] = "PseudoCanonicalInput { args: [Coroutine(DefId(0:7 ~ "
	                         "demo[1]::f::{closure#0}), [])] }";
	static const char k2[] = "value: <{async fn body of demo::g()} as Future>";
	uint64_t typeck = mk_str(p, "typeck");
	uint64_t key1 = mk_str(p, k1);
	size_t cut = (size_t)(key1 - MK_CONCRETE) + strlen("PseudoCanonicalInput { args: [Coroutine(De");
	mk_index(p, 6, mk_pair(p, typeck, key1) - MK_CONCRETE);
	mk_index(p, 7, mk_pair(p, typeck, mk_str(p, k2)) - MK_CONCRETE);
	mk_events(p, &k);
	mk_interval(p, k.query, 6, 3, 1100, 1200);
	mk_interval(p, k.query, 7, 3, 1300, 1400);
	mk_header(p);
	mk_page(p, 1, &p->sd, 0, cut);
	size_t si = 0;
	if (split_index) {   /* entries of 16 bytes cut by page boundaries */
		mk_page(p, 2, &p->si, 0, 13);
		mk_page(p, 2, &p->si, 13, 45);
		si = 45;
	}
	mk_page(p, 0, &p->ev, 0, p->ev.len);
	mk_page(p, 1, &p->sd, cut, p->sd.len);
	mk_page(p, 2, &p->si, si, p->si.len);
	if (cut_short) {   /* one more strings page, cut by the file's end */
		mk_page(p, 1, &p->sd, 8, 40);
		p->out.len -= 3;
	}
}

/* twin: the events are decoded by a twin of the decoder that swept */
static void sweep_decode(const mk_prof *p, bool sweep, bool twin, swept *w)
{
	memset(w, 0, sizeof *w);
	w->strs = st_strtab_new();
	st_strtab *first = twin ? st_strtab_new() : w->strs;
	char err[256] = "";
	st_mmprof *m = st_mmprof_open(p->out.p, p->out.len, first, err, sizeof err);
	CHECK_STR(err, "");
	if (!m)
		return;
	w->cut = st_mmprof_get_info(m)->warning != NULL;
	if (sweep)
		st_mmprof_sweep(m, on_text, w, NULL, NULL);
	st_mmprof *t = twin ? st_mmprof_open_twin(m, w->strs) : m;
	if (twin) {
		st_mmprof_sweep_share(t, m);
		CHECK_INT(st_mmprof_get_info(t)->events, st_mmprof_get_info(m)->events);
		CHECK_STR(st_mmprof_get_info(t)->cmd, st_mmprof_get_info(m)->cmd);
	}
	st_mmprof_set_sink(t, on_sunk, w);
	CHECK_INT(st_mmprof_feed(t, NULL, NULL, NULL, err, sizeof err), 0);
	if (twin) {
		st_mmprof_close(t);
		st_strtab_free(first);
	}
	st_mmprof_close(m);
	st_strtab_free(w->strs);
	w->strs = NULL;
}

static bool stop_now(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	++*(int *)ctx;
	return false;
}

/* Cancelling stops the sweep within a few pages: forty pages of strings,
 * each with a marker, the progress callback saying stop at once. */
static void test_sweep_cancel(void)
{
	mk_prof p;
	mk_ids k;
	mk_init(&p, 9);
	mk_strings(&p, &k, mk_meta_json);
	size_t cuts[41];
	int n = 0;
	cuts[n++] = 0;
	for (int i = 0; i < 40; i++) {
		char key[64];
		snprintf(key, sizeof key, "Closure(DefId(0:%d ~ demo[1]::f::{closure#0}), [])", i);
		mk_str(&p, key);
		cuts[n++] = p.sd.len;
	}
	mk_events(&p, &k);
	mk_header(&p);
	for (int i = 0; i + 1 < n; i++)
		mk_page(&p, 1, &p.sd, cuts[i], cuts[i + 1]);
	mk_page(&p, 0, &p.ev, 0, p.ev.len);
	mk_page(&p, 2, &p.si, 0, p.si.len);
	for (int cancel = 0; cancel < 2; cancel++) {
		static swept w;
		memset(&w, 0, sizeof w);
		st_strtab *strs = st_strtab_new();
		char err[256] = "";
		int asked = 0;
		st_mmprof *m = st_mmprof_open(p.out.p, p.out.len, strs, err, sizeof err);
		CHECK_STR(err, "");
		if (m)
			st_mmprof_sweep(m, on_text, &w, cancel ? stop_now : NULL, &asked);
		st_mmprof_close(m);
		st_strtab_free(strs);
		if (cancel) {
			CHECK_INT(asked, 1);
			CHECK(w.calls > 0 && w.calls < 40);
		} else {
			CHECK_INT(w.calls, 40);
		}
	}
	mk_free(&p);
}

/* The sweep hands over each marker's literal whole (the one cut by a page
 * boundary joined, with the bytes before it that tell a Coroutine from a
 * Closure), and the query events then come with their labels and no key. */
static void test_sweep(void)
{
	static swept with, without;
	mk_prof p;
	sweep_profile(&p, false, false);
	sweep_decode(&p, true, false, &with);
	sweep_decode(&p, false, false, &without);
	CHECK(strstr(with.text, "Coroutine(DefId(0:7 ~ demo[1]::f::{closure#0}), [])] }\n") != NULL);
	CHECK(strstr(with.text, "{async fn body of demo::g()} as Future>\n") != NULL);
	CHECK_INT(with.calls, 2);
	CHECK_STR(without.sig, "Query typeck [value: <{async fn body of demo::g()} as Future>];"
	          "Query typeck [PseudoCanonicalInput { args: [Coroutine(DefId(0:7 ~ "
	          "demo[1]::f::{closure#0}), [])] }];"
	          "QueryCacheHit typeck [main];Query typeck [main];");
	CHECK_STR(with.sig, "Query typeck [-];Query typeck [-];"
	          "QueryCacheHit typeck [-];Query typeck [-];");
	mk_free(&p);

	/* a file cut short is decoded event by event, keys and all */
	sweep_profile(&p, true, false);
	sweep_decode(&p, true, false, &with);
	sweep_decode(&p, false, false, &without);
	CHECK(with.cut);
	CHECK_INT(with.calls, 0);
	CHECK_STR(with.sig, without.sig);
	CHECK(strstr(with.sig, "[main]") != NULL);
	mk_free(&p);
}

/* A twin decodes what its source would, with the source's sweep; and an
 * index whose entries straddle pages reads as one in a single page. */
static void test_twin_and_split_index(void)
{
	static swept plain, twin, split, split_twin;
	mk_prof p;
	sweep_profile(&p, false, false);
	sweep_decode(&p, true, false, &plain);
	sweep_decode(&p, true, true, &twin);
	mk_free(&p);
	sweep_profile(&p, false, true);
	sweep_decode(&p, true, false, &split);
	sweep_decode(&p, true, true, &split_twin);
	mk_free(&p);
	CHECK_STR(plain.sig, "Query typeck [-];Query typeck [-];"
	          "QueryCacheHit typeck [-];Query typeck [-];");
	CHECK_STR(twin.sig, plain.sig);
	CHECK_STR(split.sig, plain.sig);
	CHECK_STR(split_twin.sig, plain.sig);
	CHECK_STR(split.text, plain.text);
	/* unswept, the twin reads the keys through the shared index */
	sweep_profile(&p, false, true);
	sweep_decode(&p, false, true, &split_twin);
	mk_free(&p);
	CHECK(strstr(split_twin.sig, "Query typeck [value: <{async fn body of demo::g()} as Future>]") != NULL);
}

int main(void)
{
	test_real_files();
	test_expectations();
	test_generated_contents();
	test_truncations();
	test_mapped_and_progress();
	test_sweep();
	test_sweep_cancel();
	test_twin_and_split_index();
	return check_done();
}
