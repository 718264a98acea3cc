/* Unit tests: the critical path and concurrency of hand-worked unit graphs
 * (times in ms; units given out of start order, so edges are renumbered). */
#include <stdlib.h>
#include "check.h"
#include "stalactite/cargo.h"
#include "stalactite/xalloc.h"

#define MS 1000000ull

static st_build_timings t;

static void reset(void)
{
	st_timings_free(&t);
}

/* unit INDEX starting at START ms, DUR ms long, rmeta at RMETA ms (or -1) */
static void unit(uint32_t index, uint64_t start, uint64_t dur, long rmeta)
{
	if (t.units.len == t.units.cap) {
		t.units.cap = t.units.cap ? t.units.cap * 2 : 8;
		t.units.v = st_xreallocarray(t.units.v, t.units.cap, sizeof *t.units.v);
	}
	t.units.v[t.units.len++] = (st_unit){
		.index = index, .start_ns = start * MS, .duration_ns = dur * MS,
		.rmeta_ns = rmeta < 0 ? ST_NO_TIME : (uint64_t)rmeta * MS,
		.frontend_ns = ST_NO_TIME, .codegen_ns = ST_NO_TIME,
		.target = ST_NIL, .crate = ST_NIL };
}

/* from and to are positions in the order given */
static void edge(uint32_t from, uint32_t to, bool rmeta)
{
	if (t.edges.len == t.edges.cap) {
		t.edges.cap = t.edges.cap ? t.edges.cap * 2 : 8;
		t.edges.v = st_xreallocarray(t.edges.v, t.edges.cap, sizeof *t.edges.v);
	}
	t.edges.v[t.edges.len++] = (st_unit_edge){ from, to, rmeta };
}

static bool critical(uint32_t index)
{
	for (uint32_t i = 0; i < t.units.len; i++)
		if (t.units.v[i].index == index)
			return t.units.v[i].critical;
	return false;
}

int main(void)
{
	/* B (build script, 0-500) -> C (its run, 500-600) -> D (600-2600) -> F
	 * (2600-3600); A (0-1000) -> E (1000-1900) -> F too, released earlier.
	 * Given out of order: F first. */
	unit(5, 2600, 1000, -1);   /* F, position 0 */
	unit(0, 0, 1000, 400);     /* A, 1 */
	unit(1, 0, 500, -1);       /* B, 2 */
	unit(2, 500, 100, -1);     /* C, 3 */
	unit(3, 600, 2000, -1);    /* D, 4 */
	unit(4, 1000, 900, -1);    /* E, 5 */
	edge(2, 3, false); edge(3, 4, false); edge(4, 0, false);
	edge(1, 5, false); edge(5, 0, false);
	st_timings_analyse(&t);
	CHECK_INT(t.wall_ns, 3600 * MS);
	CHECK_INT(t.critical_path_ns, 3600 * MS);
	CHECK(!t.slot_bound);
	CHECK(critical(5) && critical(3) && critical(2) && critical(1));
	CHECK(!critical(0) && !critical(4));
	CHECK_INT(t.units.v[0].start_ns, 0);   /* sorted by start, then index */
	CHECK_INT(t.units.v[0].index, 0);
	CHECK_INT(t.units.v[5].index, 5);
	/* derived concurrency: two running from 0 */
	CHECK(t.concurrency.len > 0);
	CHECK_INT(t.concurrency.v[0].t_ns, 0);
	CHECK_INT(t.concurrency.v[0].active, 2);
	reset();

	/* An rmeta edge: A's metadata at 400 ms released E; B (0-450) released
	 * E at 450 too, later: B is on the path, not A, whose end (1000 ms) is
	 * later still but not what E waited for. */
	unit(0, 0, 1000, 400);     /* A */
	unit(1, 0, 450, -1);       /* B */
	unit(2, 450, 3450, -1);    /* E: ends 3900 */
	edge(0, 2, true); edge(1, 2, false);
	st_timings_analyse(&t);
	CHECK(critical(2) && critical(1) && !critical(0));
	CHECK_INT(t.critical_path_ns, 3900 * MS);
	reset();
	/* ... and without B, through the rmeta edge to A */
	unit(0, 0, 1000, 400);
	unit(2, 400, 3500, -1);
	edge(0, 1, true);
	st_timings_analyse(&t);
	CHECK(critical(0) && critical(2));
	CHECK(!t.slot_bound);
	CHECK_INT(t.critical_path_ns, 3900 * MS);
	reset();

	/* A unit that waited for a job slot: G was released at 1000 ms (A's
	 * end) but started at 3000 ms, after H and I held both slots; the
	 * chain starts at G and the build is bound by cores. */
	unit(0, 0, 1000, -1);      /* A */
	unit(7, 0, 3000, -1);      /* H */
	unit(8, 1000, 2000, -1);   /* I: released by A too, got the slot */
	unit(6, 3000, 1000, -1);   /* G: ends last, 4000 */
	edge(0, 3, false); edge(0, 2, false);
	st_timings_analyse(&t);
	CHECK_INT(t.wall_ns, 4000 * MS);
	CHECK(t.slot_bound);
	CHECK(critical(6) && !critical(0) && !critical(7) && !critical(8));
	CHECK_INT(t.critical_path_ns, 1000 * MS);
	/* G waited from 1000 to 3000 ms */
	bool waited = false;
	for (uint32_t i = 0; i < t.concurrency.len; i++)
		if (t.concurrency.v[i].t_ns == 1000 * MS)
			waited = t.concurrency.v[i].waiting == 1 &&
			         t.concurrency.v[i].active == 2;
	CHECK(waited);
	reset();

	/* no units: nothing to say, nothing to crash on */
	st_timings_analyse(&t);
	CHECK_INT(t.wall_ns, 0);
	reset();
	return check_done();
}
