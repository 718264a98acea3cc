/* snapshot-check.c: a snapshot's bytes checked before anything points at
 * them.
 *
 * The checksum (a flipped bit fails there) and, at the same time, every
 * count, string id, index and tree link that a view follows without checking, so that
 * even a file with a valid checksum made by hand cannot send a walk out of
 * bounds or round in circles. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "stalactite/threads.h"
#include "stalactite/xalloc.h"
#include "snapshot-internal.h"

__attribute__((format(printf, 3, 4)))
int snap_bad(const msg *e, uint64_t off, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(e->err, e->errlen, "%s: offset %llu: %s", e->name,
	         (unsigned long long)off, what);
	return 1;
}

int snap_check_header(const msg *e, const unsigned char *p, uint64_t have)
{
	if (have < ST_SNAPSHOT_MAGIC_LEN ||
	    memcmp(p, ST_SNAPSHOT_MAGIC, ST_SNAPSHOT_MAGIC_LEN) != 0)
		return snap_bad(e, 0, "not a stalactite snapshot");
	if (have < HEADER)
		return snap_bad(e, have, "snapshot cut short (in its %d-byte header)", HEADER);
	uint32_t v = le32(p + 8);
	if (v != ST_SNAPSHOT_VERSION)
		return snap_bad(e, 8, "snapshot format version %u; this stalactite reads "
		                "version %d%s", (unsigned)v, ST_SNAPSHOT_VERSION,
		                v > ST_SNAPSHOT_VERSION ? " (written by a newer one?)"
		                : " (written by an older one: --save it again from its profiles)");
	uint64_t size = le64(p + 16);
	if (size > have)
		return snap_bad(e, have, "snapshot cut short (its header says %llu bytes)",
		                (unsigned long long)size);
	if (size < have)
		return snap_bad(e, size, "%llu bytes after the snapshot's end",
		                (unsigned long long)(have - size));
	if (size % 8 || size < HEADER + (uint64_t)S_COUNT * ENTRY)
		return snap_bad(e, 16, "impossible snapshot size %llu",
		                (unsigned long long)size);
	if (le32(p + 12) != S_COUNT)
		return snap_bad(e, 12, "%u sections; version %d has %d",
		                (unsigned)le32(p + 12), ST_SNAPSHOT_VERSION, S_COUNT);
	return 0;
}

static int check_table(const msg *e, layout *l)
{
	uint64_t end = align8(HEADER + (uint64_t)S_COUNT * ENTRY);
	bool seen[S_COUNT] = { false };
	for (int i = 0; i < S_COUNT; i++) {
		const unsigned char *t = l->p + HEADER + i * ENTRY;
		uint64_t at = HEADER + (uint64_t)i * ENTRY;
		uint32_t id = le32(t), rec = le32(t + 4);
		uint64_t off = le64(t + 8), count = le64(t + 16);
		if (id < 1 || id > S_COUNT || seen[id - 1])
			return snap_bad(e, at, "section id %u unknown or repeated", (unsigned)id);
		const section *s = &snap_sections[id - 1];
		seen[id - 1] = true;
		if (rec != s->rec)
			return snap_bad(e, at + 4, "%s: records of %u bytes, not %u", s->name,
			                (unsigned)rec, (unsigned)s->rec);
		if (off % 8 || off < end || off > l->len)
			return snap_bad(e, at + 8, "%s: impossible offset %llu", s->name,
			                (unsigned long long)off);
		/* counts are 32-bit in the model; tree ids stop below ST_NIL */
		if (count >= ST_NIL || count * rec > l->len - off)
			return snap_bad(e, at + 16, "%s: %llu records do not fit in the file",
			                s->name, (unsigned long long)count);
		end = off + count * rec;
		l->off[id - 1] = off;
		l->count[id - 1] = count;
		l->entry[id - 1] = at;
	}
	return 0;
}

/* Counts that must agree between sections. */
static int check_counts(const msg *e, layout *l)
{
	/* messages point at the count field of the section's entry */
#define AT(i) (l->entry[i] + 16)
	if (l->count[S_OFFSETS] < 2)
		return snap_bad(e, AT(S_OFFSETS), "no string table");
	l->nstr = (uint32_t)(l->count[S_OFFSETS] - 1);
	if (l->count[S_SCALARS] != 1)
		return snap_bad(e, AT(S_SCALARS), "figures: %llu records, not 1",
		                (unsigned long long)l->count[S_SCALARS]);
	uint64_t nn = l->count[S_NOTES];
	if (nn && l->p[l->off[S_NOTES] + nn - 1] != 0)
		return snap_bad(e, l->off[S_NOTES] + nn - 1,
		                "warnings: the last one has no end");
	if (l->count[S_DISPLAY] > l->nstr)
		return snap_bad(e, AT(S_DISPLAY), "more display names than strings");
	for (int i = 0; i < S_COUNT; i++) {
		const section *s = &snap_sections[i];
		if (s->same != i && l->count[i] != l->count[s->same])
			return snap_bad(e, AT(i), "%s: %llu, for %llu %s",
			                s->name, (unsigned long long)l->count[i],
			                (unsigned long long)l->count[s->same],
			                snap_sections[s->same].name);
		if (s->f == snap_sections[S_STACK].f && l->count[i] == 0)
			return snap_bad(e, AT(i), "%s: no root", s->name);
	}
#undef AT
	return 0;
}

static int check_strings(const msg *e, const layout *l)
{
	const unsigned char *o = l->p + l->off[S_OFFSETS];
	const unsigned char *a = l->p + l->off[S_ARENA];
	uint64_t prev = le32(o);
	/* the loop checks its NUL */
	if (prev != 0 || le32(o + 4) != 1)
		return snap_bad(e, l->off[S_OFFSETS], "string 0 is not the empty string");
	for (uint32_t id = 1; id <= l->nstr; id++) {
		uint64_t next = le32(o + 4 * (size_t)id);
		if (next <= prev || next > l->count[S_ARENA] || a[next - 1] != 0)
			return snap_bad(e, l->off[S_OFFSETS] + 4 * (uint64_t)id,
			                "string %u: bad offset %llu", (unsigned)(id - 1),
			                (unsigned long long)next);
		prev = next;
	}
	if (prev != l->count[S_ARENA])
		return snap_bad(e, l->off[S_OFFSETS] + 4 * (uint64_t)l->nstr,
		                "the strings end at %llu, not %llu", (unsigned long long)prev,
		                (unsigned long long)l->count[S_ARENA]);
	return 0;
}

/* What field f of section i must be: below *lim or, when *has_alt, *alt.
 * False for a field that may hold anything. */
static bool field_limit(const layout *l, int i, const field *f, uint64_t *lim,
                        bool *has_alt, uint64_t *alt)
{
	*has_alt = false;
	*alt = 0;
	switch (f->type) {
	case F_ANY: return false;
	case F_BOOL: *lim = 2; break;
	case F_ENUM: *lim = f->arg; break;
	case F_STR: *lim = l->nstr; break;
	case F_OPTSTR: *lim = l->nstr, *has_alt = true, *alt = ST_NOSTR; break;
	case F_DISPLAY: *lim = l->nstr + 1ull; break;
	default:   /* F_REF, F_OPTREF */
		*lim = l->count[f->arg == SELF ? i : f->arg];
		*has_alt = f->type == F_OPTREF, *alt = ST_NIL;
		break;
	}
	return true;
}

/* Whether field f of all n records at p is below lim or, when has_alt, is
 * alt: one branch-free pass down the column, the common case.  Sizes are 1,
 * 4 or 8 (get_le). */
static bool column_ok(const unsigned char *p, uint64_t n, unsigned rec,
                      const field *f, uint64_t lim, bool has_alt, uint64_t alt)
{
	p += f->disk;
	unsigned bad = 0;
	switch (f->size) {
	case 1:
		for (uint64_t r = 0; r < n; r++, p += rec)
			bad |= (p[0] >= lim) & !(has_alt & (p[0] == alt));
		break;
	case 4:
		for (uint64_t r = 0; r < n; r++, p += rec) {
			uint32_t v = le32(p);
			bad |= (v >= lim) & !(has_alt & (v == alt));
		}
		break;
	default:
		for (uint64_t r = 0; r < n; r++, p += rec) {
			uint64_t v = le64(p);
			bad |= (v >= lim) & !(has_alt & (v == alt));
		}
		break;
	}
	return !bad;
}

/* The first record of section i with a field out of range, as an error. */
static int first_bad_field(const msg *e, const layout *l, int i)
{
	const section *s = &snap_sections[i];
	const unsigned char *p = l->p + l->off[i];
	for (uint64_t r = 0; r < l->count[i]; r++, p += s->rec) {
		for (unsigned k = 0; k < s->nf; k++) {
			const field *f = &s->f[k];
			uint64_t lim, alt;
			bool has_alt;
			if (!field_limit(l, i, f, &lim, &has_alt, &alt))
				continue;
			uint64_t v = get_le(p + f->disk, f->size);
			if (v >= lim && !(has_alt && v == alt))
				return snap_bad(e, (uint64_t)(p - l->p) + f->disk,
				                "%s: record %llu: value %llu out of range "
				                "(below %llu)", s->name, (unsigned long long)r,
				                (unsigned long long)v, (unsigned long long)lim);
		}
	}
	/* not reached: column_ok found a value this loop did not */
	return snap_bad(e, l->off[i], "%s: a value out of range", s->name);
}

/* Records checked at once: a block's columns are read from the cache, so
 * the section is read from memory once, not once per field (on a build's
 * snapshot the trees' five checked columns were five passes over them). */
#define BLOCK_BYTES ((size_t)32 << 10)

/* Every field's value against what it must be: each column of a block in
 * one pass, and only when one fails, the records in order to name the
 * first wrong value. */
static int check_fields(const msg *e, const layout *l, int i)
{
	const section *s = &snap_sections[i];
	struct { const field *f; uint64_t lim, alt; bool has_alt; } c[UINT8_MAX];
	_Static_assert(sizeof s->nf == 1, "c holds every field");
	unsigned nc = 0;
	for (unsigned k = 0; k < s->nf; k++) {
		c[nc].f = &s->f[k];
		nc += field_limit(l, i, &s->f[k], &c[nc].lim, &c[nc].has_alt, &c[nc].alt);
	}
	uint64_t per = BLOCK_BYTES / s->rec ? BLOCK_BYTES / s->rec : 1;
	const unsigned char *p = l->p + l->off[i];
	for (uint64_t r = 0; r < l->count[i]; r += per) {
		uint64_t n = l->count[i] - r < per ? l->count[i] - r : per;
		const unsigned char *b = p + r * s->rec;
		for (unsigned k = 0; k < nc; k++)
			if (!column_ok(b, n, s->rec, c[k].f, c[k].lim, c[k].has_alt, c[k].alt))
				return first_bad_field(e, l, i);
	}
	return 0;
}

/* The quick proof that a tree's links make one tree, in two sequential
 * passes (a walk in tree order misses the cache at every node): parents
 * come before their children, so parent chains end at the root; each child
 * list holds nodes of one parent, and its links go to older siblings, as
 * st_tree_add makes them, so it has no cycle; and every node but the root
 * is linked to exactly once, so all are reached.  False when any of it does
 * not hold: check_tree then walks the tree to tell. */
static bool tree_quick(const unsigned char *nodes, uint32_t n)
{
#define PARENT(id) le32(nodes + (size_t)(id) * 40)
	uint8_t *linked = st_xcalloc((size_t)n / 8 + 1, 1);
	bool ok = le32(nodes) == ST_NIL && le32(nodes + 8) == ST_NIL;
	uint32_t links = 0;
	for (uint32_t id = 0; ok && id < n; id++) {
		const unsigned char *p = nodes + (size_t)id * 40;
		uint32_t up = le32(p), c = le32(p + 4), s = le32(p + 8);
		ok = id == 0 || up < id;
		/* a child comes after its parent, a sibling before: both are
		 * checked against the parent a sequential read has seen or will */
		if (ok && c != ST_NIL) {
			ok = c < n && c > id && PARENT(c) == id &&
			     !(linked[c / 8] & (1u << (c % 8)));
			if (ok)
				linked[c / 8] |= (uint8_t)(1u << (c % 8));
			links++;
		}
		if (ok && s != ST_NIL && id != 0) {
			ok = s < id && PARENT(s) == up &&
			     !(linked[s / 8] & (1u << (s % 8)));
			if (ok)
				linked[s / 8] |= (uint8_t)(1u << (s % 8));
			links++;
		}
	}
#undef PARENT
	free(linked);
	return ok && links == n - 1;
}

/* A tree's links make one tree: every node is reached once from the root
 * through child lists, and names the node it is reached from as its
 * parent.  Then every walk ends (parents lead to the root) and stays in
 * bounds. */
static int check_tree(const msg *e, const layout *l, int i)
{
	const unsigned char *nodes = l->p + l->off[i];
	uint32_t n = (uint32_t)l->count[i];
	if (tree_quick(nodes, n))
		return 0;
#define LINK(id, at) le32(nodes + (size_t)(id) * 40 + (at))
	if (LINK(0, 0) != ST_NIL || LINK(0, 8) != ST_NIL)
		return snap_bad(e, l->off[i], "%s: the root has a parent or a sibling",
		                snap_sections[i].name);
	uint8_t *seen = st_xcalloc((size_t)n / 8 + 1, 1);
	uint32_t id = 0, reached = 1, to = ST_NIL, from = 0;
	seen[0] = 1;
	for (;;) {
		uint32_t c = LINK(id, 4);
		if (c == ST_NIL) {   /* climb to the first ancestor with a sibling */
			while (id != 0 && (c = LINK(id, 8)) == ST_NIL)
				id = LINK(id, 0);
			if (id == 0)
				break;
			from = LINK(id, 0);
		} else {
			from = id;
		}
		if (c >= n || seen[c / 8] & (1u << (c % 8)) || LINK(c, 0) != from) {
			to = c;
			break;
		}
		seen[c / 8] |= (uint8_t)(1u << (c % 8));
		reached++;
		id = c;
	}
	free(seen);
	if (to != ST_NIL)
		return snap_bad(e, l->off[i] + (uint64_t)id * 40,
		                "%s: node %u: bad link to %u", snap_sections[i].name,
		                (unsigned)id, (unsigned)to);
	if (reached != n)
		return snap_bad(e, l->off[i], "%s: %u of %u nodes unreachable",
		                snap_sections[i].name, (unsigned)(n - reached), (unsigned)n);
#undef LINK
	return 0;
}

static int check_generics(const msg *e, const layout *l)
{
	const unsigned char *p = l->p + l->off[S_GENERICS];
	for (uint64_t r = 0; r < l->count[S_GENERICS]; r++, p += 24)
		if ((uint64_t)le32(p + 16) + le32(p + 20) > l->count[S_GENERIC_FNS])
			return snap_bad(e, (uint64_t)(p - l->p) + 16, "generic sets: record %llu: "
			                "instances past the end", (unsigned long long)r);
	return 0;
}

/* The checks that need no checksum: the layout and every value, on
 * whatever bytes the file holds (they read nothing out of bounds), in
 * three parts: the table and counts first (the others need them), then
 * the rest but the codegen and pivot trees, then those two (which the
 * checksum's thread checks beside it). */
static int check_front(const msg *e, layout *l)
{
	return check_table(e, l) || check_counts(e, l);
}

static int check_middle(const msg *e, const layout *l)
{
	if (check_strings(e, l) || check_generics(e, l))
		return 1;
	for (int i = 0; i < S_COUNT; i++)
		if (i != S_OFFSETS && check_fields(e, l, i))
			return 1;
	return check_tree(e, l, S_STACK);
}

static int check_back(const msg *e, const layout *l)
{
	return check_tree(e, l, S_CODEGEN) || check_tree(e, l, S_PIVOT);
}

/* The checksum's thread: the sum, and the last checks when the layout
 * they read was found sound. */
typedef struct summing {
	const layout *l;
	bool back;
	msg m;
	int rc;
	uint64_t sum;
} summing;

static void *sum_thread(void *arg)
{
	summing *s = arg;
	s->sum = snap_file_sum(s->l->p, s->l->len);
	if (s->back)
		s->rc = check_back(&s->m, s->l);
	return NULL;
}

/* Below this many bytes the checksum is summed where the checks run: a
 * thread costs more than it saves.  A variable so that tests can take the
 * threaded path with a small file. */
size_t snap_sum_apart = (size_t)1 << 20;

static char *msg_buf(const msg *e, msg *out)
{
	size_t cap = e->errlen ? e->errlen : 1;
	char *why = st_xmalloc(cap);
	why[0] = 0;
	*out = (msg){ e->name, why, cap };
	return why;
}

/* The header, then the checksum and the layout at once (the checksum and
 * the codegen trees on a thread of its own for a large file: together
 * they are most of a reopen).  A changed byte is reported as a checksum
 * mismatch whatever the layout checks made of it; else the first check
 * that fails in the order above, however the work was split. */
int snap_check_all(const msg *e, layout *l)
{
	if (snap_check_header(e, l->p, l->len))
		return 1;
	msg mine;
	char *why = msg_buf(e, &mine);
	int rc = check_front(&mine, l);
	summing s = { .l = l, .back = rc == 0 };
	char *back_why = msg_buf(e, &s.m);
	pthread_t t;
	bool apart = false;
	if (l->len >= snap_sum_apart) {
		sigset_t old;
		st_block_async_signals(&old);
		apart = pthread_create(&t, NULL, sum_thread, &s) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (rc == 0)
		rc = check_middle(&mine, l);
	if (apart)
		pthread_join(t, NULL);
	else
		sum_thread(&s);
	if (rc == 0 && s.rc) {
		rc = s.rc;
		memcpy(why, back_why, mine.errlen);
	}
	if (le64(l->p + SUM_AT) != s.sum)
		rc = snap_bad(e, SUM_AT, "checksum mismatch: the snapshot is corrupt");
	else if (rc && e->errlen)
		snprintf(e->err, e->errlen, "%s", why);
	free(why);
	free(back_why);
	return rc;
}
