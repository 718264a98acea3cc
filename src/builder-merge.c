/* builder-merge.c: one builder's sources moved into another's model
 * (st_builder_merge), for loading files on several threads.
 *
 * The result must be what feeding the same sources to dst would have given,
 * down to string ids, node ids and the order of rows, because reports break
 * ties by id and order.  Everything src made is visited in the order it was
 * made (strings, tree nodes, rows and codegen entries by index), and looked
 * up or added in dst in that order: what is new to dst is then added in the
 * order dst would have added it while reading the same events. */
#include <stdlib.h>
#include "stalactite/async-kind.h"
#include "stalactite/bigmem.h"
#include "builder-internal.h"

/* src id -> dst id, ST_NOSTR kept */
static inline uint32_t sid(const uint32_t *map, uint32_t id)
{
	return id == ST_NOSTR ? ST_NOSTR : map[id];
}

static void merge_display(st_model *d, const st_model *s, const uint32_t *str)
{
	uint32_t n = st_strtab_count(s->strs);
	for (uint32_t id = 0; id < s->display_len && id < n; id++) {
		if (!s->display[id])
			continue;
		uint32_t g = str[id], gd = str[s->display[id] - 1];
		bld_ensure_display(d, g > gd ? g : gd);
		if (!d->display[g])
			d->display[g] = gd + 1;
	}
}

static void note_graft(st_builder *dst, uint32_t crate, uint32_t id)
{
	graft *last = dst->ngrafts ? &dst->grafts[dst->ngrafts - 1] : NULL;
	if (last && last->crate == crate && last->hi == id) {
		last->hi++;
		return;
	}
	if (dst->ngrafts == dst->capgrafts) {
		dst->capgrafts = dst->capgrafts ? dst->capgrafts * 2 : 16;
		dst->grafts = st_xreallocarray(dst->grafts, dst->capgrafts,
		                               sizeof *dst->grafts);
	}
	dst->grafts[dst->ngrafts++] = (struct graft){ crate, id, id + 1 };
}

static inline uint32_t moved(uint32_t id, uint32_t base)
{
	return id == ST_NIL ? ST_NIL : id + base;
}

/* When every crate of src is new to dst, so is every node: src's nodes
 * 1.. become dst's base + 1.., linked as the lookups and st_tree_add
 * would have linked them, in one pass (the node-by-node way took 0.17 s
 * of the serial end of a whole build for its 1.6 M-node profile).  Only
 * the crate nodes join the root's list and its lookup; the rest are
 * grafts, as below. */
static void graft_whole(st_builder *dst, const st_model *s, const uint32_t *str)
{
	st_tree *d = &dst->m->stack;
	const st_tree *t = &s->stack;
	uint32_t n = t->len, base = d->len - 1;
	if ((uint64_t)d->len + n >= ST_NIL)
		st_fatal("more than %u tree nodes", (unsigned)(ST_NIL - 1));
	st_tree_reserve(d, d->len + n - 1);
	uint32_t *crate = st_xmalloc((size_t)n * sizeof *crate);
	for (uint32_t i = 1; i < n; i++) {
		const st_node *sn = &t->nodes[i];
		st_node *dn = &d->nodes[base + i];
		*dn = *sn;
		dn->parent = moved(sn->parent, sn->parent ? base : 0);
		dn->first_child = moved(sn->first_child, base);
		dn->next_sibling = moved(sn->next_sibling, base);
		dn->name = str[sn->name];
		dn->arg = sid(str, sn->arg);
		d->kinds[base + i] = t->kinds[i];
		crate[i] = sn->parent ? crate[sn->parent] : base + i;
		if (sn->parent)
			note_graft(dst, crate[i], base + i);
	}
	d->len += n - 1;
	/* the crates in the order they were made, as the lookup made them */
	uint32_t ncr = st_tree_nchildren(t, 0), k = ncr;
	uint32_t *cr = st_xmalloc(((size_t)ncr + 1) * sizeof *cr);
	for (uint32_t c = t->nodes[0].first_child; c != ST_NIL;
	     c = t->nodes[c].next_sibling)
		cr[--k] = c + base;
	for (k = 0; k < ncr; k++) {
		d->nodes[cr[k]].next_sibling = d->nodes[0].first_child;
		d->nodes[0].first_child = cr[k];
		bld_adopt(d, &dst->idx_stack, cr[k]);
	}
	d->nodes[0].total_ns += t->nodes[0].total_ns;
	d->nodes[0].self_ns += t->nodes[0].self_ns;
	d->nodes[0].count += t->nodes[0].count;
	free(cr);
	free(crate);
}

/* Nodes under a node this merge made are new too, and nothing looks them
 * up again during it: appended without a lookup (most of a crate's tree,
 * as a crate is mostly in one file), and entered in dst's lookup only when
 * a later merge brings the same crate. */
static void merge_stack(st_builder *dst, const st_model *s, const uint32_t *str)
{
	st_model *d = dst->m;
	uint32_t n = s->stack.len;
	bool all_new = true;
	for (uint32_t c = s->stack.nodes[0].first_child; c != ST_NIL;
	     c = s->stack.nodes[c].next_sibling) {
		const st_node *cn = &s->stack.nodes[c];
		uint32_t g = bld_find_child(&d->stack, &dst->idx_stack, 0, str[cn->name],
		                            sid(str, cn->arg));
		if (g != ST_NIL) {
			bld_index_grafts(&d->stack, &dst->idx_stack, dst->grafts,
			                 dst->ngrafts, g);
			all_new = false;
		}
	}
	if (all_new) {
		graft_whole(dst, s, str);
		return;
	}
	uint32_t *node = st_xmalloc((size_t)n * sizeof *node);
	uint32_t *crate = st_xmalloc((size_t)n * sizeof *crate);
	uint8_t *made = st_xcalloc(n, 1);
	node[0] = 0;
	/* a node's parent was made before it: ids ascend from the root */
	for (uint32_t i = 0; i < n; i++) {
		const st_node *sn = &s->stack.nodes[i];
		uint32_t p = sn->parent, name = str[sn->name], arg = sid(str, sn->arg);
		st_kind kind = (st_kind)s->stack.kinds[i];
		if (i > 0 && made[p]) {
			node[i] = st_tree_add(&d->stack, node[p], name, arg, kind);
			made[i] = 1;
			note_graft(dst, crate[p], node[i]);
		} else if (i > 0) {
			uint32_t before = d->stack.len;
			node[i] = bld_child(&d->stack, &dst->idx_stack, node[p], name, arg,
			                    kind);
			made[i] = d->stack.len > before;
		}
		crate[i] = i == 0 || p == 0 ? node[i] : crate[p];
		st_node *t = &d->stack.nodes[node[i]];
		t->total_ns += sn->total_ns;
		t->self_ns += sn->self_ns;
		t->count += sn->count;
	}
	free(node);
	free(crate);
	free(made);
}

static void merge_rows(st_builder *dst, const st_builder *src,
                       const uint32_t *str)
{
	st_model *d = dst->m;
	const st_model *s = src->m;
	for (uint32_t i = 0; i < s->sources.len; i++) {
		st_source v = s->sources.v[i];
		v.path = str[v.path];
		v.format = str[v.format];
		v.crate = str[v.crate];
		v.crate_name = str[v.crate_name];
		*VEC_PUSH(d->sources) = v;
	}
	for (uint32_t i = 0; i < s->labels.len; i++) {
		const st_label_stat *l = &s->labels.v[i];
		uint32_t at = bld_label_stat(dst, str[l->label]);   /* may move v */
		st_label_stat *t = &d->labels.v[at];
		t->count += l->count;
		t->self_ns += l->self_ns;
		t->total_ns += l->total_ns;
		t->cache_hits += l->cache_hits;
		t->blocked_ns += l->blocked_ns;
		t->incremental_load_ns += l->incremental_load_ns;
		t->incremental_hashing_ns += l->incremental_hashing_ns;
	}
	for (uint32_t i = 0; i < s->passes.len; i++) {
		const st_pass_stat *p = &s->passes.v[i];
		uint32_t at = bld_pass_stat(dst, str[p->pass], sid(str, p->group));
		st_pass_stat *t = &d->passes.v[at];
		t->count += p->count;
		t->self_ns += p->self_ns;
	}
	for (uint32_t i = 0; i < s->artifacts.len; i++) {
		const st_artifact_stat *a = &s->artifacts.v[i];
		uint32_t at = bld_artifact_stat(dst, str[a->label]);
		d->artifacts.v[at].bytes += a->bytes;
	}
	d->total_events += s->total_events;
	d->llvm_self_ns += s->llvm_self_ns;
	d->cpu_ns += s->cpu_ns;
}

/* CGU rows, then the codegen contributions that refer to them. */
static void merge_codegen(st_builder *dst, const st_builder *src,
                          const uint32_t *str)
{
	st_model *d = dst->m;
	const st_model *s = src->m;
	uint32_t *cgu = st_xmalloc(((size_t)s->cgus.len + 1) * sizeof *cgu);
	uint8_t *made = st_xcalloc((size_t)s->cgus.len + 1, 1);
	uint32_t first = d->cgus.len;   /* CGUs from here on are new */
	bool again = false;
	for (uint32_t i = 0; i < s->cgus.len; i++) {
		const st_cgu_stat *c = &s->cgus.v[i];
		cgu[i] = bld_cgu_stat(dst, str[c->crate], str[c->cgu],
		                      str[src->cgu_raw[i]]);
		made[i] = cgu[i] >= first;
		again |= !made[i];
		d->cgus.v[cgu[i]].self_ns += c->self_ns;
		d->cgus.v[cgu[i]].total_ns += c->total_ns;
	}
	if (again) {   /* their entries may have been appended by earlier merges */
		uint8_t *need = st_xcalloc((size_t)d->cgus.len + 1, 1);
		for (uint32_t i = 0; i < s->cgus.len; i++)
			if (!made[i])
				need[cgu[i]] = 1;
		bld_cg_index_cgus(&dst->cg, need);
		free(need);
	}
	/* a CGU's entries are unique: those of a CGU made here are new, and
	 * only a later merge of the same CGU (the crate's other profile) looks
	 * them up, after entering them */
	for (uint32_t i = 0; i < src->cg.len; i++) {
		const cg_entry *e = &src->cg.v[i];
		(made[e->cgu_idx] ? bld_cg_append : bld_cg_add)(&dst->cg,
			cgu[e->cgu_idx], str[e->label], sid(str, e->fn_raw), e->pass,
			e->count, e->lead, e->self_ns);
	}
	free(cgu);
	free(made);
}

void st_builder_merge(st_builder *dst, st_builder *src)
{
	const st_model *s = src->m;
	uint32_t n = st_strtab_count(s->strs);
	uint32_t *str = st_xmalloc(((size_t)n + 1) * sizeof *str);
	for (uint32_t id = 0; id < n; id++)   /* in the order src interned them */
		str[id] = st_intern(dst->m->strs, st_str(s->strs, id),
		                    st_strlen(s->strs, id));
	merge_display(dst->m, s, str);
	merge_stack(dst, s, str);
	merge_rows(dst, src, str);
	merge_codegen(dst, src, str);
	st_async_evidence_merge(dst->evidence, src->evidence);
	dst->time += src->time;
	free(str);
}

void st_builder_trim(st_builder *b)
{
	/* the codegen contributions (read by index), the CGUs' raw names and
	 * the evidence are what a merge needs besides the model */
	cg_table cg = b->cg;
	uint32_t *cgu_raw = b->cgu_raw;
	st_async_evidence *ev = b->evidence;
	b->cg = (cg_table){ 0 };
	b->cgu_raw = NULL;
	b->evidence = NULL;
	bld_free_lookups(b);
	st_idtab_free(&cg.index);
	b->cg = cg;
	b->cgu_raw = cgu_raw;
	b->evidence = ev;
}
