/* Unit tests: the Tables view's lookups are made a few CGUs at a time
 * (tb_index_step) and between keys (tui_tables_ahead_*): a walk that
 * pauses inside a tree must still find every function's pivot nodes and
 * every pass's codegen nodes exactly once, and the background work must
 * leave the first table made and its rows ready before 6 is pressed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/model.h"
#include "../../src/tui.h"
#include "../../src/tui-tables.h"

#define CGUS 8
#define FNS 12000   /* per CGU: the walk (65536 a step) pauses after the sixth */

typedef struct sink {
	st_builder *b;
	uint32_t kind_pass, kind_act, label_mod, pass[2];
	uint64_t events;
} sink;

static void emit(sink *s, uint32_t thread, uint32_t kind, uint32_t label,
                 const uint32_t *arg, uint64_t start, uint64_t end)
{
	st_event e = { .type = ST_EV_INTERVAL, .thread = thread, .kind = kind,
	               .label = label, .args = arg, .nargs = arg ? 1 : 0,
	               .start = start, .end = end };
	const char *why = NULL;
	CHECK(st_builder_event(s->b, &e, &why));
	s->events++;
}

/* One CGU per thread; its functions alternate between two passes' orders,
 * and every third is shared with the next CGU (a generic instance). */
static st_model *model(uint32_t **args)
{
	st_model *m = st_model_new();
	sink s = { .b = st_builder_new(m) };
	s.kind_pass = st_intern_cstr(m->strs, "LLVM Pass");
	s.kind_act = st_intern_cstr(m->strs, "GenericActivity");
	s.label_mod = st_intern_cstr(m->strs, "LLVM_module_optimize");
	s.pass[0] = st_intern_cstr(m->strs, "InstCombinePass");
	s.pass[1] = st_intern_cstr(m->strs, "SROAPass");
	st_builder_begin_source(s.b, "synthetic", "t", "t", 0);
	char name[128];
	for (uint32_t t = CGUS; t-- > 0;) {
		uint32_t *a = args[t] = malloc((FNS + 1) * sizeof *a);
		snprintf(name, sizeof name, "t.0123456789abcdef-cgu.%u", t);
		a[0] = st_intern_cstr(m->strs, name);
		emit(&s, t + 1, s.kind_act, s.label_mod, a, 0, (uint64_t)FNS * 100 + 10);
		for (uint32_t f = FNS; f-- > 0;) {
			uint32_t n = f % 3 == 0 ? f : f + t * FNS;
			snprintf(name, sizeof name, "t::m%u::f%u", n % 7, n);
			a[1 + f] = st_intern_cstr(m->strs, name);
			uint64_t at = (uint64_t)f * 100 + 5;
			emit(&s, t + 1, s.kind_pass, s.pass[f & 1], &a[1 + f], at + 50, at + 90);
			emit(&s, t + 1, s.kind_pass, s.pass[!(f & 1)], &a[1 + f], at, at + 40);
		}
	}
	st_builder_end_source(s.b, s.events);
	st_builder_finish(s.b);
	st_builder_free(s.b);
	return m;
}

/* Every pivot node of a function kind, found by a plain walk, must be in
 * the index under its function exactly once; the same for passes. */
static void check_index(app *a)
{
	struct tables *T = tb_st(a);
	const st_model *m = a->m;
	const st_tree *pv = &m->pivot, *cg = &m->codegen;
	uint8_t *seen = calloc(pv->len, 1);
	uint32_t found = 0;
	for (uint32_t i = 0; i < m->functions.len; i++)
		for (uint32_t k = T->fn_at[i]; k < T->fn_at[i + 1]; k++) {
			uint32_t id = T->fn_nodes[k];
			CHECK(id < pv->len && !seen[id]);
			seen[id] = 1;
			CHECK_INT(pv->nodes[id].name, m->functions.v[i].name);
			found++;
		}
	uint32_t want = 0, cgu_fns = 0;
	for (uint32_t id = 1; id < pv->len; id++)
		if (tb_is_fn_kind(st_tree_kind(pv, id)) && st_tree_depth(pv, id) == 3)
			want++;
	for (uint32_t i = 0; i < m->cgus.len; i++)
		cgu_fns += T->cgu_fns[i];
	CHECK_INT(found, want);
	CHECK_INT(cgu_fns, want);
	CHECK_INT(want, CGUS * FNS);
	free(seen);
	uint32_t passes = 0, pass_nodes = 0;
	for (uint32_t i = 0; i < m->passes.len; i++)
		passes += T->pass_at[i + 1] - T->pass_at[i];
	for (uint32_t id = 1; id < cg->len; id++)
		pass_nodes += st_tree_kind(cg, id) == ST_K_PASS && st_tree_depth(cg, id) == 3;
	CHECK_INT(passes, pass_nodes);
	CHECK_INT(pass_nodes, CGUS * 2);
	for (uint32_t i = 0; i < m->cgus.len; i++)
		CHECK(T->cgu_pivot[i] != ST_NIL && T->cgu_codegen[i] != ST_NIL);
}

int main(void)
{
	uint32_t *args[CGUS];
	st_model *m = model(args);

	/* step by step: the function walk pauses inside the pivot tree */
	app a = { .view = V_ICICLE, .headless = true, .mono = true, .w = 120, .h = 40, .m = m };
	tui_app_init(&a);
	int steps = 1;
	while (tb_index_step(&a))
		steps++;
	CHECK(steps > 4);
	CHECK(tb_st(&a)->indexed);
	CHECK(!tb_index_step(&a));
	check_index(&a);
	a.m = NULL;   /* kept for the next app */
	tui_tables_free(&a);
	for (int i = 0; i < 4; i++)
		tui_tview_free(&a.tv[i]);

	/* between keys: the index and the first table are made before 6 */
	app b = { .view = V_ICICLE, .headless = true, .mono = true, .w = 120, .h = 40, .m = m };
	tui_app_init(&b);
	CHECK(tui_background_pending(&b));
	for (int i = 0; i < 100000 && tui_background_pending(&b); i++)
		tui_background_step(&b);
	CHECK(!tui_background_pending(&b));
	struct tables *T = tb_st(&b);
	CHECK(T->indexed && T->ahead && T->rows_ok);
	CHECK(T->t[T->cur].made);
	CHECK_INT(T->nrows, m->functions.len);
	check_index(&b);
	tui_app_free(&b);   /* frees m */
	for (int t = 0; t < CGUS; t++)
		free(args[t]);
	return check_done();
}
