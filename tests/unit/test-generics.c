/* test-generics: generic sets (model.h st_generic_stat) on a synthetic
 * profile worked out by hand, and their invariants on the committed
 * fixtures: every set's time is its instances' sum, every function with a
 * generic argument list is in exactly one set, the order is the documented
 * one. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/load.h"
#include "stalactite/names.h"

#define E "\xe2\x80\xa6"
#define CGU "app.0123456789abcdef-cgu.0"

static void pass(st_builder *b, const char *fn, uint64_t start, uint64_t end)
{
	st_strtab *s = st_builder_strs(b);
	static uint32_t store[64];
	static unsigned next;
	uint32_t *arg = &store[next++ % 64];   /* kept until the source ends */
	*arg = st_intern_cstr(s, fn);
	st_event e = { .type = ST_EV_INTERVAL, .thread = 1,
	               .kind = st_intern_cstr(s, "LLVM Pass"),
	               .label = st_intern_cstr(s, "InstCombinePass"), .args = arg,
	               .nargs = 1, .start = start, .end = end };
	const char *why;
	CHECK(st_builder_event(b, &e, &why));
}

static void module(st_builder *b, uint64_t end)
{
	st_strtab *s = st_builder_strs(b);
	static uint32_t arg;
	arg = st_intern_cstr(s, CGU);
	st_event e = { .type = ST_EV_INTERVAL, .thread = 1,
	               .kind = st_intern_cstr(s, "GenericActivity"),
	               .label = st_intern_cstr(s, "LLVM_module_optimize"),
	               .args = &arg, .nargs = 1, .start = 0, .end = end };
	const char *why;
	CHECK(st_builder_event(b, &e, &why));
}

static const char *str(const st_model *m, uint32_t id)
{
	return st_str(m->strs, id);
}

/* Two crates; app's S::f in two instances (one of them in two events),
 * its drop glue, a non-generic main; lib's S::f in one. */
static void test_by_hand(void)
{
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	st_builder_begin_source(b, "a", "test", "app", 0);
	/* reverse file order: latest end first, the parent first */
	module(b, 200);
	pass(b, "<app[0123]::S<u8>>::f", 165, 170);
	pass(b, "app[0123]::main", 65, 165);
	pass(b, "core[667c7a611d73a360]::ptr::drop_glue::<app[0123]::S<u8>>", 60, 65);
	pass(b, "<app[0123]::S<u16>>::f", 40, 60);
	pass(b, "<app[0123]::S<u8>>::f", 10, 40);
	st_builder_end_source(b, 6);
	st_builder_begin_source(b, "b", "test", "lib", 0);
	module(b, 100);
	pass(b, "<app[0123]::S<u32>>::f", 0, 12);
	st_builder_end_source(b, 2);
	st_builder_finish(b);
	st_builder_free(b);

	CHECK_INT(m->functions.len, 5);
	CHECK_INT(m->generics.len, 3);
	CHECK_INT(m->generic_fns.len, 4);
	if (m->generics.len != 3 || m->generic_fns.len != 4) {
		st_model_free(m);
		return;
	}
	const st_generic_stat *g = m->generics.v;
	CHECK_STR(str(m, g[0].name), "<app::S<" E ">>::f");
	CHECK_STR(str(m, g[0].crate), "app");
	CHECK_INT(g[0].llvm_ns, 35 + 20);
	CHECK_INT(g[0].instances, 2);
	CHECK_STR(str(m, g[1].name), "<app::S<" E ">>::f");
	CHECK_STR(str(m, g[1].crate), "lib");
	CHECK_INT(g[1].llvm_ns, 12);
	CHECK_INT(g[1].instances, 1);
	CHECK_STR(str(m, g[2].name), "core::ptr::drop_glue::<" E ">");
	CHECK_INT(g[2].llvm_ns, 5);
	/* a set's instances by LLVM time */
	const st_fn_stat *f = m->functions.v;
	CHECK_STR(str(m, f[m->generic_fns.v[g[0].first]].name), "<app::S<u8>>::f");
	CHECK_INT(f[m->generic_fns.v[g[0].first]].llvm_ns, 35);
	CHECK_STR(str(m, f[m->generic_fns.v[g[0].first + 1]].name), "<app::S<u16>>::f");
	CHECK_STR(str(m, f[m->generic_fns.v[g[1].first]].name), "<app::S<u32>>::f");
	CHECK_STR(str(m, f[m->generic_fns.v[g[2].first]].crate), "app");
	st_model_free(m);
}

/* The invariants of any finished model. */
static void check_sets(const st_model *m, const char *what)
{
	uint32_t nf = m->functions.len;
	uint8_t *seen = calloc(nf + 1, 1);
	int64_t in_sets = 0, summed = 0;
	uint32_t generic = 0, members = 0;
	size_t cap = 1024;
	char *buf = malloc(cap);
	for (uint32_t i = 0; i < nf; i++) {
		const st_fn_stat *f = &m->functions.v[i];
		size_t len = st_strlen(m->strs, f->name), lists;
		if (cap < 3 * len + 1)
			buf = realloc(buf, cap = 3 * len + 1);
		st_name_erase_generics(str(m, f->name), len, buf, cap, &lists);
		if (lists) {
			in_sets += f->llvm_ns;
			generic++;
		}
	}
	for (uint32_t g = 0; g < m->generics.len; g++) {
		const st_generic_stat *s = &m->generics.v[g];
		int64_t sum = 0;
		CHECK(s->instances >= 1 && s->first == members);
		for (uint32_t k = 0; k < s->instances && s->first + k < m->generic_fns.len; k++) {
			uint32_t i = m->generic_fns.v[s->first + k];
			CHECK(i < nf && !seen[i]);
			if (i >= nf || seen[i])
				continue;
			seen[i] = 1;
			const st_fn_stat *f = &m->functions.v[i];
			size_t len = st_strlen(m->strs, f->name);
			if (cap < 3 * len + 1)
				buf = realloc(buf, cap = 3 * len + 1);
			st_name_erase_generics(str(m, f->name), len, buf, cap, NULL);
			CHECK_STR(buf, str(m, s->name));
			CHECK(f->crate == s->crate);
			if (k)   /* instances in function order */
				CHECK(m->generic_fns.v[s->first + k - 1] < i);
			sum += f->llvm_ns;
		}
		CHECK_INT(s->llvm_ns, sum);
		summed += s->llvm_ns;
		members += s->instances;
		if (g) {
			const st_generic_stat *p = s - 1;
			CHECK(p->llvm_ns > s->llvm_ns ||
			      (p->llvm_ns == s->llvm_ns &&
			       strcmp(str(m, p->name), str(m, s->name)) <= 0));
		}
	}
	CHECK_INT(summed, in_sets);
	CHECK_INT(members, generic);
	CHECK_INT(m->generic_fns.len, generic);
	printf("%s: %u functions, %u in %u sets\n", what, nf, generic, m->generics.len);
	free(buf);
	free(seen);
}

static void test_fixture(const char *dir, const char *file, uint32_t min_sets)
{
	char path[4096], err[1024];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : ".", file);
	char *paths[] = { path };
	st_model *m = st_model_new();
	CHECK_INT(st_load_paths(m, paths, 1, NULL, err, sizeof err), 0);
	check_sets(m, file);
	CHECK(m->generics.len >= min_sets);
	st_model_free(m);
}

int main(void)
{
	test_by_hand();
	const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");
	char data[4096];
	snprintf(data, sizeof data, "%s/tests/data", src && *src ? src : ".");
	test_fixture(build, "examples/photo-service.mm_profdata", 50);
	test_fixture(data, "lib-crate.mm_profdata", 0);   /* no LLVM events */
	test_fixture(data, "llvm-events-only.mm_profdata", 1);
	test_fixture(data, "two-crates", 1);
	return check_done();
}
