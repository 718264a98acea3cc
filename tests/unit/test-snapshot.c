/* test-snapshot: a model saved and opened again gives the same reports,
 * mapped or copied (as a big-endian host would), thawed or not; every byte
 * changed and every cut of a small snapshot is refused; structure that a
 * valid checksum covers is still checked; a snapshot cut while its model
 * is in use ends the process with one line; and the fuzz target's seeds
 * replay. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "stalactite/load.h"
#include "stalactite/report.h"
#include "stalactite/snapshot.h"
#include "../../src/snapshot-internal.h"   /* snap_sum_apart */
#include "../fuzz/fuzz-snapshot.c"
#include "replay.h"

static const char *top;
static char tmpdir[] = "/tmp/test-snapshot-XXXXXX";

/* Both report formats of m, every table whole, as one string. */
static char *reports(const st_model *m)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	st_report_opts text = { .format = ST_REPORT_TEXT, .top = 0 };
	st_report_opts json = { .format = ST_REPORT_JSON };
	for (const char *const *k = st_report_keys; *k; k++) {
		text.by = *k;
		st_report_write(f, m, &text);
	}
	st_report_write(f, m, &json);
	fclose(f);
	return s;
}

static st_model *load(const char *rel)
{
	char path[4096], err[1024];
	snprintf(path, sizeof path, "%s/%s", top, rel);
	st_model *m = st_model_new();
	if (st_load_paths(m, (char *[]){ path }, 1, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		CHECK(!"fixture loads");
	}
	return m;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	unsigned char *p = malloc(*len ? *len : 1);
	CHECK(fread(p, 1, *len, f) == *len);
	fclose(f);
	return p;
}

/* Saved, then opened by mapping, by copying and thawed: reports equal. */
static void round_trip(const char *rel)
{
	char snap[4096], err[1024];
	snprintf(snap, sizeof snap, "%s/rt.snap", tmpdir);
	st_model *m = load(rel);
	char *want = reports(m);
	CHECK_INT(st_snapshot_save(m, NULL, 0, snap, err, sizeof err), 0);

	st_model *a = st_model_new();
	CHECK_INT(st_snapshot_open(a, snap, err, sizeof err), 0);
	CHECK(a->snapshot != NULL);
	char *got = reports(a);
	CHECK_STR(got, want);
	free(got);
	/* a snapshot of the opened snapshot is the same file */
	char again[4096];
	snprintf(again, sizeof again, "%s/rt2.snap", tmpdir);
	CHECK_INT(st_snapshot_save(a, NULL, 0, again, err, sizeof err), 0);
	size_t l1, l2;
	unsigned char *b1 = slurp(snap, &l1), *b2 = slurp(again, &l2);
	CHECK(b1 && b2 && l1 == l2 && memcmp(b1, b2, l1) == 0);

	st_model *c = st_model_new();
	CHECK_INT(st_snapshot_open_mem(c, b1, l1, true, "mem", err, sizeof err), 0);
	got = reports(c);
	CHECK_STR(got, want);
	free(got);

	/* thawed, it takes new strings and still reads the same */
	st_model_thaw(a);
	CHECK(a->snapshot == NULL);
	uint32_t id = st_intern_cstr(a->strs, "a string the profile never had");
	CHECK_INT(id, st_strtab_count(a->strs) - 1);
	CHECK_INT(st_lookup(a->strs, "", 0), 0);
	got = reports(a);
	CHECK_STR(got, want);
	free(got);
	free(b1);
	free(b2);
	free(want);
	st_model_free(a);
	st_model_free(c);
	st_model_free(m);
}

static int open_bytes(unsigned char *p, size_t len, char *err, size_t errlen)
{
	st_model *m = st_model_new();
	int rc = st_snapshot_open_mem(m, p, len, false, "x.snap", err, errlen);
	st_model_free(m);
	return rc;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void reseal(unsigned char *p, size_t len)
{
	uint64_t sum = st_snapshot_checksum(p, len);
	for (int i = 0; i < 8; i++)
		p[24 + i] = (unsigned char)(sum >> (8 * i));
}

/* Section table entry of section id (1-based, in the writer's order). */
static unsigned char *entry(unsigned char *p, unsigned id)
{
	return p + 64 + (id - 1) * 24;
}

/* The snapshot of fixture rel, saved as tmpdir/name, read into memory. */
static unsigned char *saved(const char *rel, const char *name, size_t *len)
{
	char snap[4096], err[1024];
	snprintf(snap, sizeof snap, "%s/%s", tmpdir, name);
	st_model *m = load(rel);
	CHECK_INT(st_snapshot_save(m, NULL, 0, snap, err, sizeof err), 0);
	st_model_free(m);
	return slurp(snap, len);
}

/* Faults past the first block the checks read at once (32 KiB): in the
 * last record of the stack tree, a value out of range and then a link that
 * makes no tree, each named with its record or node. */
static void late_faults(void)
{
	char err[1024];
	size_t len;
	unsigned char *p = saved("tests/data/measureme-test-v9.mm_profdata",
	                         "late.snap", &len);
	if (!p)
		return;
	unsigned char *e = entry(p, 5);
	CHECK_INT(get32(e), 5);
	uint64_t off = get32(e + 8), n = get32(e + 16);
	CHECK(n * 40 > 2 * (32u << 10));   /* past the first blocks */
	unsigned char *last = p + off + (n - 1) * 40;
	uint32_t name = get32(last + 12), parent = get32(last);
	char want[128];
	for (size_t apart = 0; apart < 2; apart++) {
		size_t keep = snap_sum_apart;
		snap_sum_apart = apart ? 0 : keep;
		put32(last + 12, 99999999);
		reseal(p, len);
		CHECK_INT(open_bytes(p, len, err, sizeof err), 1);
		snprintf(want, sizeof want, "record %llu: value 99999999 out of range",
		         (unsigned long long)(n - 1));
		CHECK(strstr(err, want) != NULL);
		if (!strstr(err, want))
			fprintf(stderr, "late field: %s\n", err);
		put32(last + 12, name);
		put32(last, (uint32_t)(n - 1));   /* its own parent */
		reseal(p, len);
		CHECK_INT(open_bytes(p, len, err, sizeof err), 1);
		CHECK(strstr(err, "stack tree") != NULL);
		put32(last, parent);
		reseal(p, len);
		CHECK_INT(open_bytes(p, len, err, sizeof err), 0);
		snap_sum_apart = keep;
	}
	free(p);
}

static void corruption(void)
{
	char err[1024];
	size_t len;
	unsigned char *p = saved("tests/data/formats/photo_service.time-passes.txt",
	                         "small.snap", &len);
	if (!p)
		return;
	CHECK_INT(open_bytes(p, len, err, sizeof err), 0);
	/* every byte, every bit pattern change tried once: all refused */
	unsigned refused = 0;
	for (size_t i = 0; i < len; i++) {
		p[i] ^= 0x5a;
		refused += open_bytes(p, len, err, sizeof err) == 1 &&
		           strncmp(err, "x.snap: offset ", 15) == 0;
		p[i] ^= 0x5a;
	}
	CHECK_INT(refused, len);
	refused = 0;
	for (size_t cut = 0; cut < len; cut++)
		refused += open_bytes(p, cut, err, sizeof err) == 1;
	CHECK_INT(refused, len);

	/* a valid checksum does not make bad structure pass */
	unsigned char *q = malloc(len);
	struct { const char *what; unsigned sec; uint32_t field; uint32_t value;
	         const char *says; } cases[] = {
		{ "stack root's child out of range", 5, 4, 100000, NULL },
		{ "stack root has a parent", 5, 0, 0, NULL },
		{ "node name past the strings", 5, 12, 99999999,
		  "record 0: value 99999999 out of range" },
		{ "kind past the enum", 6, 0, 200, "record 0: value 200 out of range" },
		{ "codegen root has a parent", 7, 0, 0, "codegen tree: the root has a parent" },
		{ "pivot root's child out of range", 9, 4, 100000, "pivot tree: node 0: bad link" },
		/* two faults: the one checked first is named */
		{ "a stack name past the strings and a bad codegen root", 5, 12, 99999999,
		  "record 0: value 99999999 out of range" },
	};
	/* each case as the checks run on one thread, and with the codegen
	 * trees checked on the checksum's thread (as for a large file) */
	size_t ncases = sizeof cases / sizeof *cases;
	size_t apart = snap_sum_apart;
	for (size_t k = 0; k < 2 * ncases; k++) {
		snap_sum_apart = k < ncases ? apart : 0;
		unsigned i = (unsigned)(k % ncases);
		memcpy(q, p, len);
		unsigned char *e = entry(q, cases[i].sec);
		CHECK_INT(get32(e), cases[i].sec);
		uint64_t off = get32(e + 8);
		if (cases[i].sec == 6)
			q[off] = (unsigned char)cases[i].value;
		else
			put32(q + off + cases[i].field, cases[i].value);
		if (i == ncases - 1)   /* and the codegen root given a parent */
			put32(q + get32(entry(q, 7) + 8), 0);
		reseal(q, len);
		int rc = open_bytes(q, len, err, sizeof err);
		CHECK_INT(rc, 1);
		if (rc != 1)
			fprintf(stderr, "not refused: %s\n", cases[i].what);
		/* the first wrong record is named, whatever pass found it */
		if (cases[i].says && !strstr(err, cases[i].says))
			fprintf(stderr, "%s: %s\n", cases[i].what, err);
		CHECK(!cases[i].says || strstr(err, cases[i].says) != NULL);
		/* unsealed, the same change is a checksum mismatch, not a layout
		 * error found first by the checks that run beside the sum */
		memcpy(q, p, len);
		if (cases[i].sec == 6)
			q[off] = (unsigned char)cases[i].value;
		else
			put32(q + off + cases[i].field, cases[i].value);
		CHECK_INT(open_bytes(q, len, err, sizeof err), 1);
		CHECK(strstr(err, "checksum mismatch") != NULL);
	}
	snap_sum_apart = apart;
	/* a cycle: the root's first child made its own sibling */
	memcpy(q, p, len);
	uint64_t nodes = get32(entry(q, 5) + 8);
	uint32_t child = get32(q + nodes + 4);
	if (child != UINT32_MAX) {
		put32(q + nodes + (size_t)child * 40 + 8, child);
		reseal(q, len);
		CHECK_INT(open_bytes(q, len, err, sizeof err), 1);
	}
	/* a future version is named as such, and an older one */
	memcpy(q, p, len);
	put32(q + 8, ST_SNAPSHOT_VERSION + 1);
	CHECK_INT(open_bytes(q, len, err, sizeof err), 1);
	CHECK(strstr(err, "newer") != NULL);
	put32(q + 8, ST_SNAPSHOT_VERSION - 1);
	CHECK_INT(open_bytes(q, len, err, sizeof err), 1);
	CHECK(strstr(err, "older one: --save it again") != NULL);
	free(q);
	free(p);
}

/* A frozen table reads and looks up as any table, and thaws on intern. */
static void frozen_strtab(void)
{
	static const char arena[] = "\0abc\0de";
	static const uint32_t off[] = { 0, 1, 5, 8 };
	st_strtab *t = st_strtab_frozen(arena, sizeof arena, off, 3);
	CHECK_STR(st_str(t, 1), "abc");
	CHECK_INT(st_strlen(t, 2), 2);
	CHECK_INT(st_lookup(t, "de", 2), 2);
	CHECK_INT(st_lookup(t, "x", 1), ST_NOSTR);
	CHECK_INT(st_intern(t, "abc", 3), 1);
	CHECK_INT(st_intern(t, "x", 1), 3);
	CHECK_INT(st_lookup(t, "de", 2), 2);
	st_strtab_free(t);
}

/* The model reads the mapped file for as long as it lives: a file cut
 * under it is bad input, not a SIGBUS.  A child opens a snapshot, cuts it
 * and reads a string; it must exit 1 with the one line naming the file. */
static void cut_while_open(void)
{
	char snap[4096], errf[4096], err[1024];
	snprintf(snap, sizeof snap, "%s/cut.snap", tmpdir);
	snprintf(errf, sizeof errf, "%s/cut.err", tmpdir);
	st_model *m = load("tests/data/two-crates");
	CHECK_INT(st_snapshot_save(m, NULL, 0, snap, err, sizeof err), 0);
	st_model_free(m);
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (!freopen(errf, "w", stderr))
			_exit(9);
		st_model *a = st_model_new();
		if (st_snapshot_open(a, snap, err, sizeof err) != 0)
			_exit(8);
		if (truncate(snap, 0) != 0)
			_exit(7);
		uint32_t n = st_strtab_count(a->strs);
		volatile size_t sum = 0;
		for (uint32_t id = 0; id < n; id++)
			sum += strlen(st_str(a->strs, id));
		_exit(0);   /* read past the end without a fault: wrong */
	}
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), 1);
	size_t len = 0;
	unsigned char *got = slurp(errf, &len);
	char want[4200];
	snprintf(want, sizeof want, "stalactite: %s: offset ", snap);
	CHECK(got && len > strlen(want) && memcmp(got, want, strlen(want)) == 0);
	CHECK(got && len > 32 &&
	      memcmp(got + len - 32, ": file changed while being read\n", 32) == 0);
	free(got);
}

int main(void)
{
	top = getenv("top_srcdir");
	if (!top || !*top)
		top = ".";
	/* every field of the model must be in the snapshot: when st_model
	 * grows, add the field to src/snapshot-format.c's sections, then this */
	CHECK_INT(sizeof(st_model), 416);   /* 392 + each tree's split flag (set on open) */
	if (!mkdtemp(tmpdir))
		return 1;
	round_trip("tests/data/formats/lib-crate.stacks_folded");
	round_trip("tests/data/formats/photo_service.llvm_timings.json.zst");
	round_trip("tests/data/cargo/tokio-hyper.html");
	round_trip("tests/data/two-crates");
	corruption();
	late_faults();
	cut_while_open();
	frozen_strtab();
	char seeddir[4096];
	snprintf(seeddir, sizeof seeddir, "%s/tests/fuzz/snapshot", top);
	int seeds = replay_dir(seeddir);
	CHECK(seeds >= 3);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	printf("%d seeds replayed\n", seeds);
	return check_done();
}
