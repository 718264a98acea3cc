/* model.c: the loaded build's lifetime and its read-only accessors. */
#include <stdlib.h>
#include <string.h>
#include "stalactite/model.h"
#include "stalactite/snapshot.h"
#include "stalactite/xalloc.h"

st_model *st_model_new(void)
{
	st_model *m = st_xcalloc(1, sizeof *m);
	m->strs = st_strtab_new();
	st_tree_init(&m->stack);
	st_tree_init(&m->codegen);
	st_tree_init(&m->pivot);
	m->timings.path = ST_NIL;
	return m;
}

void st_model_free(st_model *m)
{
	if (!m)
		return;
	st_snapshot_release(m);   /* borrowed arrays become empty ones */
	st_tree_free(&m->stack);
	st_tree_free(&m->codegen);
	st_tree_free(&m->pivot);
	free(m->display);
	free(m->fn_kind);
	free(m->sources.v);
	free(m->crates.v);
	free(m->labels.v);
	free(m->passes.v);
	free(m->cgus.v);
	free(m->functions.v);
	free(m->async_fns.v);
	free(m->generics.v);
	free(m->generic_fns.v);
	free(m->artifacts.v);
	free(m->timings.units.v);
	free(m->timings.edges.v);
	free(m->timings.concurrency.v);
	st_strtab_free(m->strs);
	free(m);
}

const char *st_crate_kind_name(st_crate_kind k)
{
	static const char *const names[ST_CK_COUNT] = {
		[ST_CK_LIB] = "lib", [ST_CK_BIN] = "bin",
		[ST_CK_BUILD_SCRIPT] = "build-script",
		[ST_CK_PROC_MACRO] = "proc-macro", [ST_CK_PROBE] = "probe",
	};
	return (unsigned)k < ST_CK_COUNT ? names[k] : "lib";
}

const char *st_unit_kind_name(st_unit_kind k)
{
	static const char *const names[ST_UK_COUNT] = {
		[ST_UK_LIB] = "lib", [ST_UK_BIN] = "bin",
		[ST_UK_BUILD_SCRIPT] = "build-script",
		[ST_UK_BUILD_SCRIPT_RUN] = "build-script-run",
		[ST_UK_PROC_MACRO] = "proc-macro", [ST_UK_TEST] = "test",
		[ST_UK_EXAMPLE] = "example",
	};
	return (unsigned)k < ST_UK_COUNT ? names[k] : "lib";
}

uint32_t st_model_display(const st_model *m, uint32_t id)
{
	if (id < m->display_len && m->display[id])
		return m->display[id] - 1;
	return id;
}

st_kind st_model_fn_kind(const st_model *m, uint32_t id)
{
	id = st_model_display(m, id);
	if (id < m->display_len && m->fn_kind[id])
		return (st_kind)m->fn_kind[id];
	return ST_K_OTHER;
}

/* Grows the id-indexed name arrays to hold id. */
static void reserve_names(st_model *m, uint32_t id)
{
	st_model_thaw(m);   /* display may be a snapshot's, read-only */
	if (id < m->display_len)
		return;
	uint32_t n = m->display_len ? m->display_len : 1024;
	while (n <= id)
		n *= 2;
	uint32_t *d = st_xreallocarray(m->display, n, sizeof *d);
	uint8_t *k = st_xrealloc(m->fn_kind, n);
	memset(d + m->display_len, 0, (size_t)(n - m->display_len) * sizeof *d);
	memset(k + m->display_len, 0, n - m->display_len);
	m->display = d;
	m->fn_kind = k;
	m->display_len = n;
}

void st_model_set_display(st_model *m, uint32_t id, uint32_t display)
{
	reserve_names(m, id > display ? id : display);
	m->display[id] = display + 1;
	m->display[display] = display + 1;
}

void st_model_set_fn_kind(st_model *m, uint32_t id, st_kind kind)
{
	reserve_names(m, id);
	m->fn_kind[id] = (uint8_t)kind;
}

st_build_totals st_model_totals(const st_model *m)
{
	st_build_totals t = { .profiles = m->sources.len, .crates = m->crates.len,
	                      .cpu_ns = m->cpu_ns, .llvm_ns = m->llvm_self_ns };
	for (uint32_t i = 0; i < m->sources.len; i++) {
		t.wall_ns += m->sources.v[i].wall_ns;
		t.overhead_ns += m->sources.v[i].overhead_ns;
	}
	return t;
}

size_t st_model_bytes(const st_model *m)
{
	return st_strtab_bytes(m->strs) + st_tree_bytes(&m->stack) +
	       st_tree_bytes(&m->codegen) + st_tree_bytes(&m->pivot) +
	       (size_t)m->display_len * 5 +
	       m->labels.cap * sizeof *m->labels.v +
	       m->passes.cap * sizeof *m->passes.v +
	       m->cgus.cap * sizeof *m->cgus.v +
	       m->functions.cap * sizeof *m->functions.v +
	       m->async_fns.cap * sizeof *m->async_fns.v +
	       m->generics.cap * sizeof *m->generics.v +
	       m->generic_fns.cap * sizeof *m->generic_fns.v +
	       m->artifacts.cap * sizeof *m->artifacts.v;
}
