/* Unit tests: pairing two builds (diff.c) on small synthetic models: a CGU
 * whose crate hash changed pairs by its normalised name, a function on one
 * side only is new or gone with zeros on the other side, tree paths merge,
 * sorting by |delta|, and two empty builds. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/diff.h"
#include "stalactite/load.h"

typedef struct ev {
	const char *kind, *label, *arg;
	uint64_t start, end;
} ev;

/* Builds a model of one crate from events given latest end first. */
static st_model *model(const ev *evs, size_t n)
{
	st_model *m = st_model_new();
	st_builder *b = st_builder_new(m);
	uint32_t *store = calloc(n + 1, sizeof *store);
	st_builder_begin_source(b, "x.mm_profdata", "test", "app", 0);
	for (size_t i = 0; i < n; i++) {
		uint32_t na = 0;
		if (evs[i].arg)
			store[i] = st_intern_cstr(m->strs, evs[i].arg), na = 1;
		st_event e = { .type = ST_EV_INTERVAL, .thread = 1,
		               .kind = st_intern_cstr(m->strs, evs[i].kind),
		               .label = st_intern_cstr(m->strs, evs[i].label),
		               .args = &store[i], .nargs = na,
		               .start = evs[i].start, .end = evs[i].end };
		const char *why;
		CHECK(st_builder_event(b, &e, &why));
	}
	st_builder_end_source(b, n);
	st_builder_finish(b);
	st_builder_free(b);
	free(store);
	return m;
}

static const st_diff_row *row(const st_diff *d, st_diff_table t, const char *name)
{
	for (uint32_t i = 0; i < d->tables[t].len; i++)
		if (!strcmp(st_str(d->m->strs, d->tables[t].v[i].name), name))
			return &d->tables[t].v[i];
	return NULL;
}

/* The merged stack tree's node reached by labels from the crate node. */
static uint32_t path(const st_diff *d, const char *const *labels, int n)
{
	const st_tree *t = &d->m->stack;
	uint32_t id = t->nodes[0].first_child;   /* the crate */
	for (int i = 0; i < n && id != ST_NIL; i++) {
		uint32_t c = t->nodes[id].first_child;
		while (c != ST_NIL && strcmp(st_str(d->m->strs, t->nodes[c].name), labels[i]))
			c = t->nodes[c].next_sibling;
		id = c;
	}
	return id;
}

#define CGU_A "app.00aa11bb22cc33dd-cgu.0"
#define CGU_B "app.9f8e7d6c5b4a3-cgu.0"   /* same CGU, another build's hash */

static void test_pairing(void)
{
	static const ev base[] = {
		{ "GenericActivity", "codegen_module_optimize", CGU_A, 0, 100 },
		{ "LLVM Pass", "InlinerPass", "app[00aa11bb22cc33dd]::gone_fn", 60, 90 },
		{ "LLVM Pass", "InstCombinePass", "app[00aa11bb22cc33dd]::kept", 10, 50 },
		{ "GenericActivity", "typeck", NULL, 100, 110 },
	};
	static const ev new[] = {
		{ "GenericActivity", "codegen_module_optimize", CGU_B, 0, 200 },
		{ "LLVM Pass", "InstCombinePass", "app[9f8e7d6c5b4a3]::new_fn", 150, 190 },
		{ "LLVM Pass", "InstCombinePass", "app[9f8e7d6c5b4a3]::kept", 10, 30 },
	};
	/* the builder takes events latest end first */
	ev b[4] = { base[3], base[0], base[1], base[2] };
	ev n[3] = { new[0], new[1], new[2] };
	st_diff *d = st_diff_build(model(b, 4), model(n, 3));

	const st_diff_row *cgu = row(d, ST_DT_CGUS, "app-cgu.0");
	CHECK(cgu != NULL);
	if (cgu) {
		CHECK_INT(cgu->status, ST_DIFF_BOTH);
		/* self time of every event in the CGU: its passes' too */
		CHECK_INT(cgu->base[0], 100);
		CHECK_INT(cgu->new[0], 200);
	}
	CHECK_INT(d->cgus_new + d->cgus_gone, 0);
	const st_diff_row *g = row(d, ST_DT_FUNCTIONS, "app::gone_fn");
	const st_diff_row *nf = row(d, ST_DT_FUNCTIONS, "app::new_fn");
	const st_diff_row *k = row(d, ST_DT_FUNCTIONS, "app::kept");
	CHECK(g && nf && k);
	if (g && nf && k) {
		CHECK_INT(g->status, ST_DIFF_GONE);
		CHECK_INT(g->base[0], 30);
		CHECK_INT(g->new[0], 0);
		CHECK_INT(nf->status, ST_DIFF_NEW);
		CHECK_INT(nf->base[0], 0);
		CHECK_INT(nf->new[0], 40);
		CHECK_INT(k->status, ST_DIFF_BOTH);
		CHECK_INT(st_diff_delta(k, 0), 20 - 40);
	}
	const st_diff_row *typeck = row(d, ST_DT_LABELS, "typeck");
	CHECK(typeck && typeck->status == ST_DIFF_GONE && typeck->base[2] == 1 &&
	      typeck->new[2] == 0);
	const st_diff_row *inl = row(d, ST_DT_PASSES, "InlinerPass");
	CHECK(inl && inl->status == ST_DIFF_GONE);
	/* sorted by |delta| of the first figure, largest first */
	for (int t = 0; t < ST_DT_COUNT; t++)
		for (uint32_t i = 1; i < d->tables[t].len; i++) {
			int64_t a = st_diff_delta(&d->tables[t].v[i - 1], 0);
			int64_t c = st_diff_delta(&d->tables[t].v[i], 0);
			CHECK((a < 0 ? -a : a) >= (c < 0 ? -c : c));
		}

	/* tree paths: the CGU node pairs across hashes, the gone pass is kept
	 * with NEW's figures 0 and BASE's beside it */
	const char *p1[] = { "codegen_module_optimize" };
	uint32_t id = path(d, p1, 1);
	CHECK(id != ST_NIL);
	if (id != ST_NIL) {
		const st_diff_node *bn = st_diff_node_of(d, &d->m->stack, id);
		CHECK_INT(bn->status, ST_DIFF_BOTH);
		CHECK_INT(bn->total_ns, 100);
		CHECK_INT(d->m->stack.nodes[id].total_ns, 200);
	}
	const char *p2[] = { "codegen_module_optimize", "InlinerPass" };
	id = path(d, p2, 2);
	CHECK(id != ST_NIL);
	if (id != ST_NIL) {
		CHECK_INT(st_diff_node_of(d, &d->m->stack, id)->status, ST_DIFF_GONE);
		CHECK_INT(st_diff_node_of(d, &d->m->stack, id)->total_ns, 30);
		CHECK_INT(d->m->stack.nodes[id].total_ns, 0);
		/* the stack tree keys a pass by label alone */
		CHECK_INT(d->m->stack.nodes[id].arg, ST_NOSTR);
	}
	/* a gone path keeps its display name: the gone function of the
	 * codegen tree, its raw name as argument */
	const st_tree *cg = &d->m->codegen;
	uint32_t gone = ST_NIL;
	for (uint32_t i = 0; i < cg->len; i++)
		if (cg->nodes[i].arg != ST_NOSTR &&
		    !strcmp(st_str(d->m->strs, st_model_display(d->m, cg->nodes[i].arg)),
		            "app::gone_fn"))
			gone = i;
	CHECK(gone != ST_NIL);
	if (gone != ST_NIL) {
		CHECK_INT(st_diff_node_of(d, cg, gone)->status, ST_DIFF_GONE);
		CHECK_INT(st_diff_node_of(d, cg, gone)->total_ns, 30);
		CHECK_INT(cg->nodes[gone].total_ns, 0);
		CHECK_STR(st_str(d->m->strs, cg->nodes[gone].name), "app::gone_fn");
	}
	/* the crate node pairs: both sides have it */
	CHECK_INT(st_diff_node_of(d, &d->m->stack, d->m->stack.nodes[0].first_child)->status,
	          ST_DIFF_BOTH);
	st_diff_free(d);
}

/* Generic sets pair by crate and erased name across instances that differ
 * between the builds. */
static void test_generics(void)
{
	static const ev base[] = {
		{ "GenericActivity", "codegen_module_optimize", CGU_A, 0, 100 },
		{ "LLVM Pass", "InstCombinePass", "<app[00aa11bb22cc33dd]::S<u16>>::f", 60, 70 },
		{ "LLVM Pass", "InstCombinePass", "<app[00aa11bb22cc33dd]::S<u8>>::f", 10, 40 },
		{ "LLVM Pass", "InstCombinePass", "app[00aa11bb22cc33dd]::g::<u8>", 0, 5 },
	};
	static const ev new[] = {
		{ "GenericActivity", "codegen_module_optimize", CGU_B, 0, 100 },
		{ "LLVM Pass", "InstCombinePass", "<app[9f8e7d6c5b4a3]::S<u32>>::f", 50, 75 },
		{ "LLVM Pass", "InstCombinePass", "<app[9f8e7d6c5b4a3]::S<u8>>::f", 10, 30 },
	};
	st_diff *d = st_diff_build(model(base, 4), model(new, 3));
	const st_diff_row *s = row(d, ST_DT_GENERICS, "<app::S<\xe2\x80\xa6>>::f");
	const st_diff_row *g = row(d, ST_DT_GENERICS, "app::g::<\xe2\x80\xa6>");
	CHECK(s && g);
	if (s && g) {
		CHECK_INT(s->status, ST_DIFF_BOTH);
		CHECK_STR(st_str(d->m->strs, s->crate), "app");
		CHECK_INT(s->base[0], 30 + 10);
		CHECK_INT(s->new[0], 20 + 25);
		CHECK_INT(s->base[1], 2);
		CHECK_INT(s->new[1], 2);
		CHECK_INT(g->status, ST_DIFF_GONE);
		CHECK_INT(g->base[0], 5);
	}
	CHECK_INT(d->tables[ST_DT_GENERICS].len, 2);
	st_diff_free(d);
}

static void test_empty(void)
{
	st_model *a = st_model_new(), *b = st_model_new();
	st_builder *x = st_builder_new(a), *y = st_builder_new(b);
	st_builder_finish(x);
	st_builder_finish(y);
	st_builder_free(x);
	st_builder_free(y);
	st_diff *d = st_diff_build(a, b);
	for (int t = 0; t < ST_DT_COUNT; t++)
		CHECK_INT(d->tables[t].len, 0);
	CHECK_INT(d->m->stack.len, 1);
	CHECK_INT(st_diff_node_of(d, &d->m->stack, 0)->status, ST_DIFF_BOTH);
	st_diff_free(d);
}

static const ev thr_base[] = {
	{ "GenericActivity", "codegen_module_optimize", CGU_A, 0, 100 },
	{ "LLVM Pass", "InlinerPass", "app[00aa11bb22cc33dd]::gone_fn", 60, 90 },
	{ "LLVM Pass", "GVNPass", "app[00aa11bb22cc33dd]::kept", 55, 58 },
	{ "LLVM Pass", "InstCombinePass", "app[00aa11bb22cc33dd]::kept", 10, 50 },
	{ "GenericActivity", "typeck", NULL, 100, 110 },
};
static const ev thr_new[] = {
	{ "GenericActivity", "codegen_module_optimize", CGU_B, 0, 200 },
	{ "LLVM Pass", "InstCombinePass", "app[9f8e7d6c5b4a3]::new_fn", 150, 190 },
	{ "LLVM Pass", "GVNPass", "app[9f8e7d6c5b4a3]::kept", 40, 45 },
	{ "LLVM Pass", "InstCombinePass", "app[9f8e7d6c5b4a3]::kept", 10, 30 },
};

/* The codegen and pivot trees merged on a second thread give the diff one
 * thread gives: every node of the three merged trees and BASE's figures. */
static void test_threads(void)
{
	st_diff *d[2];
	unsigned keep = st_diff_thread_min;
	for (int i = 0; i < 2; i++) {
		st_load_set_jobs(i ? 2 : 1);
		st_diff_thread_min = i ? 0 : keep;
		d[i] = st_diff_build(model(thr_base, 5), model(thr_new, 4));
	}
	st_load_set_jobs(1);
	st_diff_thread_min = keep;
	const st_tree *t[2][3] = { { &d[0]->m->stack, &d[0]->m->codegen, &d[0]->m->pivot },
	                           { &d[1]->m->stack, &d[1]->m->codegen, &d[1]->m->pivot } };
	for (int k = 0; k < 3; k++) {
		CHECK_INT(t[0][k]->len, t[1][k]->len);
		CHECK(t[0][k]->len > 3);
		for (uint32_t id = 0; id < t[0][k]->len && id < t[1][k]->len; id++) {
			const st_node *a = &t[0][k]->nodes[id], *b = &t[1][k]->nodes[id];
			CHECK(a->parent == b->parent && a->name == b->name && a->arg == b->arg &&
			      a->total_ns == b->total_ns && a->self_ns == b->self_ns);
			const st_diff_node *x = st_diff_node_of(d[0], t[0][k], id);
			const st_diff_node *y = st_diff_node_of(d[1], t[1][k], id);
			CHECK(x->total_ns == y->total_ns && x->self_ns == y->self_ns &&
			      x->count == y->count && x->status == y->status);
		}
	}
	st_diff_free(d[0]);
	st_diff_free(d[1]);
}

int main(void)
{
	test_threads();
	test_pairing();
	test_generics();
	test_empty();
	return check_done();
}
