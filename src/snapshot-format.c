/* snapshot-format.c: the snapshot format's definition and its checksum.
 *
 * Every array of the model is one section; a table of records describes
 * each section's record layout as (offset in the struct, offset on disk,
 * size, what the value must be).  The disk layouts are the structs' own on
 * LP64 hosts, so on a little-endian one the checked file is the model: its
 * arrays point into the mapping (their sections are "borrowed").  Any other
 * host decodes field by field.  HACKING.md ("Snapshot format") says the
 * same in prose; these tables are the reference. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "snapshot-internal.h"

_Static_assert(sizeof(bool) == 1, "bool fields are one byte on disk");

/* ---- record layouts ------------------------------------------------------ */

#define FLD(T, m, d, t, a) { offsetof(T, m), d, sizeof(((T *)0)->m), t, a }
#define N(a) (uint8_t)(sizeof a / sizeof *a)

static const field byte_f[] = { { 0, 0, 1, F_ANY, 0 } };
static const field u32_f[] = { { 0, 0, 4, F_ANY, 0 } };
static const field display_f[] = { { 0, 0, 4, F_DISPLAY, 0 } };
static const field kind_f[] = { { 0, 0, 1, F_ENUM, ST_K_COUNT } };
static const field gfn_f[] = { { 0, 0, 4, F_REF, S_FUNCTIONS } };
/* links are checked by the tree walk (check_tree) */
static const field node_f[] = {
	FLD(st_node, parent, 0, F_ANY, 0), FLD(st_node, first_child, 4, F_ANY, 0),
	FLD(st_node, next_sibling, 8, F_ANY, 0), FLD(st_node, name, 12, F_STR, 0),
	FLD(st_node, arg, 16, F_OPTSTR, 0), FLD(st_node, count, 20, F_ANY, 0),
	FLD(st_node, total_ns, 24, F_ANY, 0), FLD(st_node, self_ns, 32, F_ANY, 0),
};
static const field source_f[] = {
	FLD(st_source, path, 0, F_OPTSTR, 0), FLD(st_source, format, 4, F_OPTSTR, 0),
	FLD(st_source, crate, 8, F_OPTSTR, 0),
	FLD(st_source, crate_name, 12, F_OPTSTR, 0),
	FLD(st_source, crate_kind, 16, F_ENUM, ST_CK_COUNT),
	FLD(st_source, events, 24, F_ANY, 0), FLD(st_source, bytes, 32, F_ANY, 0),
	FLD(st_source, async_exact, 40, F_BOOL, 0),
	FLD(st_source, wall_ns, 48, F_ANY, 0), FLD(st_source, cpu_ns, 56, F_ANY, 0),
	FLD(st_source, llvm_ns, 64, F_ANY, 0),
	FLD(st_source, overhead_ns, 72, F_ANY, 0),
};
static const field crate_f[] = {
	FLD(st_crate_stat, name, 0, F_OPTSTR, 0),
	FLD(st_crate_stat, display, 4, F_OPTSTR, 0),
	FLD(st_crate_stat, kind, 8, F_ENUM, ST_CK_COUNT),
	FLD(st_crate_stat, sources, 12, F_ANY, 0),
	FLD(st_crate_stat, wall_ns, 16, F_ANY, 0),
	FLD(st_crate_stat, cpu_ns, 24, F_ANY, 0),
	FLD(st_crate_stat, llvm_ns, 32, F_ANY, 0),
	FLD(st_crate_stat, overhead_ns, 40, F_ANY, 0),
	FLD(st_crate_stat, cargo, 48, F_BOOL, 0),
	FLD(st_crate_stat, critical, 49, F_BOOL, 0),
	FLD(st_crate_stat, cargo_ns, 56, F_ANY, 0),
};
static const field label_f[] = {
	FLD(st_label_stat, label, 0, F_OPTSTR, 0),
	FLD(st_label_stat, count, 8, F_ANY, 0),
	FLD(st_label_stat, self_ns, 16, F_ANY, 0),
	FLD(st_label_stat, total_ns, 24, F_ANY, 0),
	FLD(st_label_stat, cache_hits, 32, F_ANY, 0),
	FLD(st_label_stat, blocked_ns, 40, F_ANY, 0),
	FLD(st_label_stat, incremental_load_ns, 48, F_ANY, 0),
	FLD(st_label_stat, incremental_hashing_ns, 56, F_ANY, 0),
};
static const field pass_f[] = {
	FLD(st_pass_stat, pass, 0, F_OPTSTR, 0),
	FLD(st_pass_stat, group, 4, F_OPTSTR, 0),
	FLD(st_pass_stat, count, 8, F_ANY, 0),
	FLD(st_pass_stat, self_ns, 16, F_ANY, 0),
};
static const field cgu_f[] = {
	FLD(st_cgu_stat, crate, 0, F_OPTSTR, 0), FLD(st_cgu_stat, cgu, 4, F_OPTSTR, 0),
	FLD(st_cgu_stat, self_ns, 8, F_ANY, 0),
	FLD(st_cgu_stat, total_ns, 16, F_ANY, 0),
};
static const field fn_f[] = {
	FLD(st_fn_stat, name, 0, F_OPTSTR, 0), FLD(st_fn_stat, crate, 4, F_OPTSTR, 0),
	FLD(st_fn_stat, raw, 8, F_OPTSTR, 0), FLD(st_fn_stat, llvm_ns, 16, F_ANY, 0),
	FLD(st_fn_stat, events, 24, F_ANY, 0),
	FLD(st_fn_stat, kind, 32, F_ENUM, ST_K_COUNT),
	FLD(st_fn_stat, exact, 33, F_BOOL, 0),
	FLD(st_fn_stat, owner, 36, F_OPTREF, S_ASYNC),
};
static const field async_f[] = {
	FLD(st_async_stat, name, 0, F_OPTSTR, 0),
	FLD(st_async_stat, llvm_ns, 8, F_ANY, 0),
	FLD(st_async_stat, members, 16, F_ANY, 0),
	FLD(st_async_stat, exact, 20, F_BOOL, 0),
};
/* first and instances: checked together (check_generics) */
static const field generic_f[] = {
	FLD(st_generic_stat, name, 0, F_OPTSTR, 0),
	FLD(st_generic_stat, crate, 4, F_OPTSTR, 0),
	FLD(st_generic_stat, llvm_ns, 8, F_ANY, 0),
	FLD(st_generic_stat, instances, 16, F_ANY, 0),
	FLD(st_generic_stat, first, 20, F_ANY, 0),
};
static const field artifact_f[] = {
	FLD(st_artifact_stat, label, 0, F_OPTSTR, 0),
	FLD(st_artifact_stat, bytes, 8, F_ANY, 0),
};
static const field unit_f[] = {
	FLD(st_unit, name, 0, F_OPTSTR, 0), FLD(st_unit, version, 4, F_OPTSTR, 0),
	FLD(st_unit, target, 8, F_OPTSTR, 0), FLD(st_unit, index, 12, F_ANY, 0),
	FLD(st_unit, kind, 16, F_ENUM, ST_UK_COUNT),
	FLD(st_unit, critical, 17, F_BOOL, 0),
	FLD(st_unit, start_ns, 24, F_ANY, 0), FLD(st_unit, duration_ns, 32, F_ANY, 0),
	FLD(st_unit, rmeta_ns, 40, F_ANY, 0), FLD(st_unit, frontend_ns, 48, F_ANY, 0),
	FLD(st_unit, codegen_ns, 56, F_ANY, 0),
	FLD(st_unit, crate, 64, F_OPTREF, S_CRATES),
};
static const field edge_f[] = {
	FLD(st_unit_edge, from, 0, F_REF, S_UNITS),
	FLD(st_unit_edge, to, 4, F_REF, S_UNITS),
	FLD(st_unit_edge, rmeta, 8, F_BOOL, 0),
};
static const field conc_f[] = {
	FLD(st_conc_sample, t_ns, 0, F_ANY, 0),
	FLD(st_conc_sample, active, 8, F_ANY, 0),
	FLD(st_conc_sample, waiting, 12, F_ANY, 0),
};
/* the model's own figures: one record, offsets in st_model */
static const field scalar_f[] = {
	FLD(st_model, total_events, 0, F_ANY, 0),
	FLD(st_model, llvm_self_ns, 8, F_ANY, 0),
	FLD(st_model, cpu_ns, 16, F_ANY, 0),
	FLD(st_model, timings.wall_ns, 24, F_ANY, 0),
	FLD(st_model, timings.critical_path_ns, 32, F_ANY, 0),
	FLD(st_model, timings.covered_ns, 40, F_ANY, 0),
	FLD(st_model, timings.path, 48, F_OPTSTR, 0),
	FLD(st_model, timings.format, 52, F_OPTSTR, 0),
	FLD(st_model, timings.joined, 56, F_ANY, 0),
	FLD(st_model, async_exact, 60, F_BOOL, 0),
	FLD(st_model, timings.slot_bound, 61, F_BOOL, 0),
};

#define OFF(f) (uint16_t)offsetof(st_model, f)
#define VEC(nm, fl, rec, vec, self) { nm, fl, N(fl), self, false, rec, \
	sizeof *((st_model *)0)->vec.v, OFF(vec.v), OFF(vec.len), OFF(vec.cap) }
#define TREE(nm, t, self) \
	{ nm, node_f, N(node_f), self, true, 40, sizeof(st_node), \
	  OFF(t.nodes), OFF(t.len), OFF(t.cap) }, \
	{ nm " kinds", kind_f, 1, self, true, 1, 1, OFF(t.kinds), OFF(t.len), NONE }

const section snap_sections[S_COUNT] = {
	[S_ARENA] = { "strings", byte_f, 1, S_ARENA, false, 1, 1, NONE, NONE, NONE },
	[S_OFFSETS] = { "string offsets", u32_f, 1, S_OFFSETS, false, 4, 4, NONE,
	                NONE, NONE },
	[S_DISPLAY] = { "display names", display_f, 1, S_DISPLAY, false, 4, 4,
	                OFF(display), OFF(display_len), NONE },
	[S_FN_KIND] = { "function kinds", kind_f, 1, S_DISPLAY, false, 1, 1,
	                OFF(fn_kind), OFF(display_len), NONE },
	TREE("stack tree", stack, S_STACK),
	TREE("codegen tree", codegen, S_CODEGEN),
	TREE("pivot tree", pivot, S_PIVOT),
	VEC("sources", source_f, 80, sources, S_SOURCES),
	VEC("crates", crate_f, 64, crates, S_CRATES),
	VEC("labels", label_f, 64, labels, S_LABELS),
	VEC("passes", pass_f, 24, passes, S_PASSES),
	VEC("codegen units", cgu_f, 24, cgus, S_CGUS),
	VEC("functions", fn_f, 40, functions, S_FUNCTIONS),
	VEC("async fns", async_f, 24, async_fns, S_ASYNC),
	VEC("generic sets", generic_f, 24, generics, S_GENERICS),
	VEC("generic instances", gfn_f, 4, generic_fns, S_GENERIC_FNS),
	VEC("artifacts", artifact_f, 16, artifacts, S_ARTIFACTS),
	VEC("units", unit_f, 72, timings.units, S_UNITS),
	VEC("unit edges", edge_f, 12, timings.edges, S_EDGES),
	VEC("concurrency", conc_f, 16, timings.concurrency, S_CONCURRENCY),
	[S_SCALARS] = { "figures", scalar_f, N(scalar_f), S_SCALARS, false, 64,
	                sizeof(st_model), NONE, NONE, NONE },
	/* the load's warnings, each NUL-terminated: said again on opening */
	[S_NOTES] = { "warnings", byte_f, 1, S_NOTES, false, 1, 1, NONE, NONE, NONE },
};

/* ---- checksum ------------------------------------------------------------ */

/* Four independent lanes of 64-bit words, so the multiplies overlap; each
 * step is a bijection of the lane for any word and of the word for any
 * lane, so a change confined to one aligned 8-byte word always changes the
 * result (other changes: with probability 1 - 2^-64). */
#define K1 0x9c2b9d9f2ae75e2full
#define K2 0x02ff349d4f876aa3ull
#define K3 0xe06c85afbaec4ef7ull
#define K4 0xe7158a8021f64545ull

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t step(uint64_t acc, uint64_t w)
{
	return rotl(acc + w * K2, 27) * K1;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 31;
	h *= K3;
	h ^= h >> 29;
	h *= K4;
	return h ^ (h >> 32);
}

void snap_hash_init(hasher *h)
{
	*h = (hasher){ { K1, K2, K3, K4 }, { 0 }, 0, 0 };
}

static void hash_blocks(hasher *h, const unsigned char *p, size_t nblocks)
{
	uint64_t a = h->lane[0], b = h->lane[1], c = h->lane[2], d = h->lane[3];
	for (size_t i = 0; i < nblocks; i++, p += 32) {
		a = step(a, le64(p));
		b = step(b, le64(p + 8));
		c = step(c, le64(p + 16));
		d = step(d, le64(p + 24));
	}
	h->lane[0] = a, h->lane[1] = b, h->lane[2] = c, h->lane[3] = d;
}

void snap_hash_update(hasher *h, const unsigned char *p, size_t n)
{
	h->total += n;
	if (h->npend) {
		size_t k = 32 - h->npend < n ? 32 - h->npend : n;
		memcpy(h->pend + h->npend, p, k);
		h->npend += k;
		p += k;
		n -= k;
		if (h->npend < 32)
			return;
		hash_blocks(h, h->pend, 1);
		h->npend = 0;
	}
	hash_blocks(h, p, n / 32);
	memcpy(h->pend, p + n / 32 * 32, n % 32);
	h->npend = n % 32;
}

/* Files are whole words: the tail is at most three words. */
uint64_t snap_hash_final(const hasher *h)
{
	uint64_t r = h->total * K1;
	for (int i = 0; i < 4; i++)
		r = (r ^ mix(h->lane[i])) * K3 + K4;
	for (size_t i = 0; i + 8 <= h->npend; i += 8)
		r = step(r, le64(h->pend + i));
	return mix(r);
}

/* The checksum of a whole file, its checksum field taken as zeros. */
uint64_t snap_file_sum(const unsigned char *p, size_t len)
{
	unsigned char head[HEADER];
	memcpy(head, p, HEADER);
	memset(head + SUM_AT, 0, 8);
	hasher h;
	snap_hash_init(&h);
	snap_hash_update(&h, head, HEADER);
	snap_hash_update(&h, p + HEADER, len - HEADER);
	return snap_hash_final(&h);
}

uint64_t st_snapshot_checksum(const unsigned char *data, size_t len)
{
	return len < HEADER ? 0 : snap_file_sum(data, len);
}

/* ---- for the fuzz target ------------------------------------------------- */

void st_snapshot_fuzz_figures(unsigned char *data, size_t len)
{
	if (len < HEADER + (size_t)S_COUNT * ENTRY)
		return;
	for (int i = 0; i < S_COUNT; i++) {
		const unsigned char *t = data + HEADER + i * ENTRY;
		uint32_t id = le32(t);
		uint64_t off = le64(t + 8), count = le64(t + 16);
		if (id < 1 || id > S_COUNT || snap_sections[id - 1].rec != le32(t + 4) ||
		    off > len || count > (len - off) / snap_sections[id - 1].rec)
			continue;
		const section *s = &snap_sections[id - 1];
		for (uint64_t r = 0; r < count; r++)
			for (unsigned k = 0; k < s->nf; k++) {
				if (s->f[k].type != F_ANY || s->f[k].size != 8)
					continue;
				unsigned char *p = data + off + r * s->rec + s->f[k].disk;
				uint64_t low = ((uint64_t)1 << 40) - 1, v = le64(p) & low;
				if (v >> 39)   /* sign-extended from 40 bits */
					v |= ~low;
				put_le(p, 8, v);
			}
	}
}
