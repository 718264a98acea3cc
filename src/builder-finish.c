/* builder-finish.c: what the builder does once every source is in:
 * functions classified, async functions and generic instances grouped,
 * statistics, crates and artifacts ordered (st_builder_finish). */

#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "stalactite/bigmem.h"
#include "stalactite/names.h"
#include "builder-internal.h"

/* ---- finishing: classification, async grouping, ordering ---------------- */

static void classify_functions(st_builder *b)
{
	st_model *m = b->m;
	for (uint32_t i = 0; i < m->functions.len; i++) {
		uint32_t id = m->functions.v[i].name;
		st_async_note_name(b->evidence, st_str(m->strs, id),
		                   st_strlen(m->strs, id));
	}
	for (uint32_t i = 0; i < m->functions.len; i++) {
		st_fn_stat *f = &m->functions.v[i];
		bool exact;
		st_kind k = st_async_classify(b->evidence, st_str(m->strs, f->name),
		                              st_strlen(m->strs, f->name), &exact);
		f->kind = (uint8_t)k;
		f->exact = exact;
		bld_ensure_display(m, f->name);
		m->fn_kind[f->name] = (uint8_t)k;
	}
}

static void set_tree_kinds(st_model *m, st_tree *t)
{
	for (uint32_t id = 0; id < t->len; id++)
		if (t->kinds[id] == ST_K_FN)
			t->kinds[id] = (uint8_t)st_model_fn_kind(m, t->nodes[id].name);
}

/* Groups every function that is, or mentions, an async body or block under
 * the fn that owns it, then adds the owning fns themselves (they build the
 * future). */
static void group_async(st_builder *b)
{
	st_model *m = b->m;
	st_idmap owner_of = { 0 };
	for (uint32_t i = 0; i < m->functions.len; i++) {
		st_fn_stat *f = &m->functions.v[i];
		const char *s = st_str(m->strs, f->name);
		size_t off, len;
		bool exact;
		if (!st_async_owner(b->evidence, s, st_strlen(m->strs, f->name),
		                    &off, &len, &exact))
			continue;
		/* one group per fn, whatever its generic instances */
		if (b->scratch_cap < len + 1) {
			b->scratch_cap = len + 64;
			b->scratch = st_xrealloc(b->scratch, b->scratch_cap);
		}
		size_t n = st_name_strip_generics(s + off, len, b->scratch, b->scratch_cap);
		uint32_t owner = st_intern(m->strs, b->scratch, n);
		uint32_t a = st_idmap_get_or_put(&owner_of, owner, m->async_fns.len);
		if (a == m->async_fns.len)
			*VEC_PUSH(m->async_fns) = (st_async_stat){ .name = owner,
			                                            .exact = true };
		f->owner = a;
		m->async_fns.v[a].exact &= exact;
	}
	for (uint32_t i = 0; i < m->functions.len; i++) {
		st_fn_stat *f = &m->functions.v[i];
		uint32_t a = f->owner == ST_NIL ? st_idmap_get(&owner_of, f->name)
		                                : f->owner;
		if (a == ST_IDMAP_NONE)
			continue;
		f->owner = a;
		m->async_fns.v[a].llvm_ns += f->llvm_ns;
		m->async_fns.v[a].members++;
	}
	/* exact only when every member's kind came from query keys */
	m->async_exact = st_async_evidence_exact(b->evidence);
	for (uint32_t i = 0; i < m->async_fns.len; i++)
		m->async_exact &= m->async_fns.v[i].exact;
	st_idmap_free(&owner_of);
}

static int cmp_i64_desc(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_label(const void *x, const void *y)
{
	const st_label_stat *a = x, *b = y;
	int c = cmp_i64_desc(a->self_ns, b->self_ns);
	return c ? c : (a->label > b->label) - (a->label < b->label);
}

static int cmp_pass(const void *x, const void *y)
{
	const st_pass_stat *a = x, *b = y;
	int c = cmp_i64_desc(a->self_ns, b->self_ns);
	return c ? c : (a->pass > b->pass) - (a->pass < b->pass);
}

static int cmp_cgu(const void *x, const void *y)
{
	const st_cgu_stat *a = x, *b = y;
	int c = cmp_i64_desc(a->self_ns, b->self_ns);
	return c ? c : (a->cgu > b->cgu) - (a->cgu < b->cgu);
}

static int cmp_fn(const void *x, const void *y)
{
	const st_fn_stat *a = x, *b = y;
	int c = cmp_i64_desc(a->llvm_ns, b->llvm_ns);
	return c ? c : (a->name > b->name) - (a->name < b->name);
}

/* A generic set's sort key: text, not interning order, breaks ties. */
typedef struct gen_key {
	int64_t llvm_ns;
	const char *name, *crate;
	uint32_t set;
} gen_key;

static int cmp_gen(const void *x, const void *y)
{
	const gen_key *a = x, *b = y;
	int c = cmp_i64_desc(a->llvm_ns, b->llvm_ns);
	if (!c)
		c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->crate, b->crate);
}

/* Generic sets (model.h) from the sorted functions: one pass to erase and
 * sum, a sort of the sets, then their members laid out contiguously in
 * function order, so each set lists its instances by LLVM time. */
static void group_generics(st_builder *b)
{
	st_model *m = b->m;
	uint32_t nf = m->functions.len;
	uint32_t *set_of = st_xmalloc(((size_t)nf + 1) * sizeof *set_of);
	st_idmap of = { 0 };
	for (uint32_t i = 0; i < nf; i++) {
		const st_fn_stat *f = &m->functions.v[i];
		size_t len = st_strlen(m->strs, f->name), lists;
		if (b->scratch_cap < 3 * len + 1) {
			b->scratch_cap = 3 * len + 64;
			b->scratch = st_xrealloc(b->scratch, b->scratch_cap);
		}
		size_t n = st_name_erase_generics(st_str(m->strs, f->name), len,
		                                  b->scratch, b->scratch_cap, &lists);
		set_of[i] = ST_NIL;
		if (!lists)
			continue;
		uint32_t name = st_intern(m->strs, b->scratch, n);
		uint32_t g = st_idmap_get_or_put(&of, st_idmap_pair(f->crate, name),
		                                 m->generics.len);
		if (g == m->generics.len)
			*VEC_PUSH(m->generics) = (st_generic_stat){ .name = name,
			                                             .crate = f->crate };
		m->generics.v[g].llvm_ns += f->llvm_ns;
		m->generics.v[g].instances++;
		set_of[i] = g;
	}
	st_idmap_free(&of);

	uint32_t ng = m->generics.len;
	gen_key *keys = st_xmalloc(((size_t)ng + 1) * sizeof *keys);
	uint32_t *rank = st_xmalloc(((size_t)ng + 1) * sizeof *rank);
	for (uint32_t g = 0; g < ng; g++)
		keys[g] = (gen_key){ m->generics.v[g].llvm_ns,
		                     st_str(m->strs, m->generics.v[g].name),
		                     st_str(m->strs, m->generics.v[g].crate), g };
	if (ng > 1)
		qsort(keys, ng, sizeof *keys, cmp_gen);
	st_generic_stat *sorted = st_xmalloc(((size_t)ng + 1) * sizeof *sorted);
	uint32_t members = 0;
	for (uint32_t g = 0; g < ng; g++) {
		sorted[g] = m->generics.v[keys[g].set];
		sorted[g].first = members;
		members += sorted[g].instances;
		rank[keys[g].set] = g;
	}
	free(m->generics.v);
	m->generics.v = sorted;
	m->generics.cap = ng;

	/* first is each set's next free slot while filling, then restored */
	m->generic_fns.v = st_xmalloc(((size_t)members + 1) * sizeof *m->generic_fns.v);
	m->generic_fns.len = m->generic_fns.cap = members;
	for (uint32_t i = 0; i < nf; i++)
		if (set_of[i] != ST_NIL)
			m->generic_fns.v[sorted[rank[set_of[i]]].first++] = i;
	for (uint32_t g = 0; g < ng; g++)
		sorted[g].first -= sorted[g].instances;
	free(keys);
	free(rank);
	free(set_of);
}

/* Crates by (name, kind), their sources' figures summed. */
static void build_crates(st_model *m)
{
	st_idmap of = { 0 };
	for (uint32_t i = 0; i < m->sources.len; i++) {
		const st_source *s = &m->sources.v[i];
		uint64_t key = st_idmap_pair(s->crate_name, s->crate_kind);
		uint32_t c = st_idmap_get_or_put(&of, key, m->crates.len);
		if (c == m->crates.len)
			*VEC_PUSH(m->crates) = (st_crate_stat){
				.name = s->crate_name, .display = s->crate,
				.kind = s->crate_kind };
		st_crate_stat *k = &m->crates.v[c];
		k->sources++;
		k->wall_ns += s->wall_ns;
		k->cpu_ns += s->cpu_ns;
		k->llvm_ns += s->llvm_ns;
		k->overhead_ns += s->overhead_ns;
	}
	st_idmap_free(&of);
}

static int cmp_crate(const void *x, const void *y)
{
	const st_crate_stat *a = x, *b = y;
	int c = cmp_i64_desc((int64_t)a->wall_ns, (int64_t)b->wall_ns);
	if (!c)
		c = cmp_i64_desc((int64_t)a->cpu_ns, (int64_t)b->cpu_ns);
	return c ? c : (a->display > b->display) - (a->display < b->display);
}

/* Sorts async fns by time and renumbers the functions' owner indices. */
static void sort_async(st_model *m)
{
	uint32_t n = m->async_fns.len;
	uint32_t *order = st_xmalloc((n + 1) * sizeof *order);
	uint32_t *rank = st_xmalloc((n + 1) * sizeof *rank);
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort by (llvm_ns desc, name): async fns are few */
	for (uint32_t i = 1; i < n; i++) {
		uint32_t v = order[i], j = i;
		while (j > 0) {
			const st_async_stat *p = &m->async_fns.v[order[j - 1]];
			const st_async_stat *q = &m->async_fns.v[v];
			int c = cmp_i64_desc(q->llvm_ns, p->llvm_ns);
			if (c > 0 || (c == 0 && q->name >= p->name))
				break;
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	st_async_stat *sorted = st_xmalloc((n + 1) * sizeof *sorted);
	for (uint32_t i = 0; i < n; i++) {
		sorted[i] = m->async_fns.v[order[i]];
		rank[order[i]] = i;
	}
	for (uint32_t i = 0; i < m->functions.len; i++)
		if (m->functions.v[i].owner != ST_NIL)
			m->functions.v[i].owner = rank[m->functions.v[i].owner];
	free(m->async_fns.v);
	m->async_fns.v = sorted;
	m->async_fns.cap = n + 1;
	free(order);
	free(rank);
}

/* Artifact kinds are a handful: insertion sort by (bytes desc, label text),
 * so the order does not depend on interning order. */
static void sort_artifacts(st_model *m)
{
	st_artifact_stat *v = m->artifacts.v;
	for (uint32_t i = 1; i < m->artifacts.len; i++) {
		st_artifact_stat x = v[i];
		uint32_t j = i;
		while (j > 0 && (v[j - 1].bytes < x.bytes ||
		                 (v[j - 1].bytes == x.bytes &&
		                  strcmp(st_str(m->strs, v[j - 1].label),
		                         st_str(m->strs, x.label)) > 0))) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

void st_builder_finish(st_builder *b)
{
	st_model *m = b->m;
	/* what only loading looks up goes before the codegen trees are made,
	 * which would otherwise add to it at the peak */
	bld_index_free(&b->idx_stack);
	st_idtab_free(&b->cg.index);
	bld_build_codegen(b);
	classify_functions(b);
	set_tree_kinds(m, &m->codegen);
	set_tree_kinds(m, &m->pivot);
	group_async(b);
	/* qsort's array argument must not be NULL, even for no elements */
	if (m->labels.len > 1)
		qsort(m->labels.v, m->labels.len, sizeof *m->labels.v, cmp_label);
	if (m->passes.len > 1)
		qsort(m->passes.v, m->passes.len, sizeof *m->passes.v, cmp_pass);
	if (m->cgus.len > 1)
		qsort(m->cgus.v, m->cgus.len, sizeof *m->cgus.v, cmp_cgu);
	if (m->functions.len > 1)
		qsort(m->functions.v, m->functions.len, sizeof *m->functions.v,
		      cmp_fn);
	sort_async(m);
	group_generics(b);
	sort_artifacts(m);
	build_crates(m);
	if (m->crates.len > 1)
		qsort(m->crates.v, m->crates.len, sizeof *m->crates.v, cmp_crate);
	bld_free_lookups(b);
}
