/* model: everything loaded from one build, read-only once loading ends.
 *
 * The builder (builder.h) fills it from events; views, search and reports only
 * read it.  All times are integer nanoseconds.  Names are strtab ids; the raw
 * form is what the file said, the display form (st_model_display) is the
 * normalised one (names.h). */
#ifndef STALACTITE_MODEL_H
#define STALACTITE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stalactite/strtab.h"
#include "stalactite/tree.h"

/* What a rustc run built (crate-name.c tells it from the command line). */
typedef enum st_crate_kind {
	ST_CK_LIB, ST_CK_BIN, ST_CK_BUILD_SCRIPT, ST_CK_PROC_MACRO,
	ST_CK_PROBE,        /* cargo's `rustc - --crate-name ___ --print` */
	ST_CK_COUNT
} st_crate_kind;

/* "lib", "bin", "build-script", "proc-macro", "probe". */
const char *st_crate_kind_name(st_crate_kind k);

/* One input file. */
typedef struct st_source {
	uint32_t path;      /* as given on the command line / found in a dir */
	uint32_t format;    /* "mm_profdata v9" ... */
	uint32_t crate;     /* display name of its crate ("serde (build script)") */
	uint32_t crate_name;  /* the crate's name alone ("serde") */
	uint8_t crate_kind; /* st_crate_kind */
	uint64_t events;    /* event records read */
	uint64_t bytes;
	bool async_exact;   /* it had its own crate's closure/coroutine keys */
	uint64_t wall_ns;   /* first interval start to last interval end */
	uint64_t cpu_ns;    /* summarize's "total cpu time": per-thread spans */
	uint64_t llvm_ns;   /* LLVM Pass self time */
	int64_t overhead_ns;  /* self time of the profiler's own self_profile_* */
} st_source;

/* Per crate (name and kind), summed over its sources. */
typedef struct st_crate_stat {
	uint32_t name;      /* the crate's name alone */
	uint32_t display;   /* as the stack tree names it */
	uint8_t kind;       /* st_crate_kind */
	uint32_t sources;
	uint64_t wall_ns, cpu_ns, llvm_ns;
	int64_t overhead_ns;
	/* joined with cargo timings: the durations cargo gave its units */
	bool cargo, critical;   /* a unit is its; one is on the critical path */
	uint64_t cargo_ns;
} st_crate_stat;

/* Per event label, with exactly measureme summarize's definitions. */
typedef struct st_label_stat {
	uint32_t label;
	uint64_t count;     /* invocation_count: Query/GenericActivity/other, not
	                       QueryBlocked / Incremental* (summarize's rule) */
	int64_t  self_ns;   /* duration minus direct children, same thread */
	uint64_t total_ns;  /* summarize's "time": durations, except
	                       IncrementalResultHashing which adds none */
	uint64_t cache_hits;  /* QueryCacheHit instants + QueryCacheHitCount
	                         values (instants of a label whose count the
	                         same file gives are not counted twice) */
	uint64_t blocked_ns;  /* durations of QueryBlocked events */
	/* durations of IncrementalLoadResult / IncrementalResultHashing events
	 * minus their direct children's, as self time (so signed) */
	int64_t  incremental_load_ns;
	int64_t  incremental_hashing_ns;
} st_label_stat;

/* Per ArtifactSize label ("object_file", "linked_artifact" ...): the sizes
 * in bytes rustc reported, summed over every file. */
typedef struct st_artifact_stat {
	uint32_t label;
	uint64_t bytes;
} st_artifact_stat;

/* Per LLVM pass or analysis name, LLVM Pass events only. */
typedef struct st_pass_stat {
	uint32_t pass;
	uint32_t group;   /* -Z time-llvm-passes: the report's title; else ST_NOSTR */
	uint64_t count;
	int64_t  self_ns;
} st_pass_stat;

/* Per codegen unit (crate, normalised CGU name). */
typedef struct st_cgu_stat {
	uint32_t crate, cgu;
	int64_t  self_ns;   /* self time of every event that belongs to the CGU */
	uint64_t total_ns;  /* durations of its outermost events */
} st_cgu_stat;

/* Per (crate, normalised function name) seen as an LLVM IR unit. */
typedef struct st_fn_stat {
	uint32_t name, crate;
	uint32_t raw;       /* one raw spelling (the first seen) */
	int64_t  llvm_ns;   /* self time of LLVM Pass events on the function */
	uint64_t events;
	uint8_t  kind;      /* ST_K_FN, _CLOSURE, _ASYNC_FN, _ASYNC_BLOCK,
	                       _ASYNC_CLOSURE */
	bool     exact;     /* kind from query keys, not the heuristic */
	uint32_t owner;     /* async_fns index it is grouped under, or ST_NIL */
} st_fn_stat;

/* An async fn with everything grouped under it. */
typedef struct st_async_stat {
	uint32_t name;      /* the owning fn path, e.g. app::upload_photo */
	int64_t  llvm_ns;   /* sum of llvm_ns of its members */
	uint32_t members;   /* number of st_fn_stat grouped here */
	bool     exact;     /* every member's kind came from query keys */
} st_async_stat;

/* A generic set: the instances of one generic function in one crate's
 * profiles, their names with every generic argument list erased
 * (st_name_erase_generics: <a::S<…>>::f).  Per (crate, erased name), like
 * st_fn_stat, so a set never mixes crates' codegen.  Every function whose
 * name has an argument list belongs to exactly one set, a set of one
 * instance included (it still ranks); others belong to none. */
typedef struct st_generic_stat {
	uint32_t name;      /* the erased display name */
	uint32_t crate;     /* as st_fn_stat.crate */
	int64_t  llvm_ns;   /* sum of llvm_ns of its instances */
	uint32_t instances; /* number of st_fn_stat merged here */
	uint32_t first;     /* its instances are generic_fns.v[first ..
	                       first + instances) */
} st_generic_stat;

#define ST_VEC(T) struct { T *v; uint32_t len, cap; }

/* What a cargo unit built or ran. */
typedef enum st_unit_kind {
	ST_UK_LIB, ST_UK_BIN, ST_UK_BUILD_SCRIPT, ST_UK_BUILD_SCRIPT_RUN,
	ST_UK_PROC_MACRO, ST_UK_TEST, ST_UK_EXAMPLE, ST_UK_COUNT
} st_unit_kind;
/* "lib", "bin", "build-script", "build-script-run", "proc-macro", "test",
 * "example". */
const char *st_unit_kind_name(st_unit_kind k);

#define ST_NO_TIME UINT64_MAX   /* a unit time the input does not give */

/* One cargo unit (cargo timings): times in ns, start from the build's start,
 * the others from the unit's start. */
typedef struct st_unit {
	uint32_t name, version;  /* strtab ids: the package, as cargo names it */
	uint32_t target;         /* the target's own name, or ST_NIL */
	uint32_t index;          /* cargo's unit index */
	uint8_t kind;            /* st_unit_kind */
	bool critical;           /* on the critical path */
	uint64_t start_ns, duration_ns;
	uint64_t rmeta_ns, frontend_ns, codegen_ns;   /* or ST_NO_TIME */
	uint32_t crate;          /* m->crates index of its profile, or ST_NIL */
} st_unit;

/* from's end (its rmeta point when rmeta) unblocked to: units indices. */
typedef struct st_unit_edge {
	uint32_t from, to;
	bool rmeta;
} st_unit_edge;

/* Units running and waiting for a job slot from t_ns on. */
typedef struct st_conc_sample {
	uint64_t t_ns;
	uint32_t active, waiting;
} st_conc_sample;

/* A cargo build's timings (cargo-timing.html or the build-analysis log). */
typedef struct st_build_timings {
	uint32_t path, format;   /* strtab ids; path ST_NIL: none loaded */
	ST_VEC(st_unit) units;   /* by start, then cargo's index */
	ST_VEC(st_unit_edge) edges;
	ST_VEC(st_conc_sample) concurrency;
	uint64_t wall_ns;        /* the end of the unit that ends last */
	uint64_t critical_path_ns;  /* first critical unit's start to wall_ns */
	bool slot_bound;         /* the chain starts with a unit that waited
	                            for a job slot: the build is bound by cores */
	uint32_t joined;         /* units with a profile */
	uint64_t covered_ns;     /* wall time during which one of those ran */
} st_build_timings;

typedef struct st_model {
	st_strtab *strs;
	uint32_t *display;      /* strtab id -> normalised id + 1 (0: itself) */
	uint8_t *fn_kind;       /* normalised id -> st_kind of a function name */
	uint32_t display_len;   /* entries in display and fn_kind */

	st_tree stack;          /* build -> crate -> merged event stacks */
	st_tree codegen;        /* build -> crate -> CGU -> pass -> function */
	st_tree pivot;          /* build -> crate -> CGU -> function -> pass */

	ST_VEC(st_source) sources;
	ST_VEC(st_crate_stat) crates;   /* by wall time, descending */
	ST_VEC(st_label_stat) labels;
	ST_VEC(st_pass_stat) passes;
	ST_VEC(st_cgu_stat) cgus;
	ST_VEC(st_fn_stat) functions;
	ST_VEC(st_async_stat) async_fns;
	ST_VEC(st_generic_stat) generics;   /* llvm_ns desc, then name, crate */
	ST_VEC(uint32_t) generic_fns;  /* functions indices, grouped by set, by
	                                  llvm_ns desc within each */
	ST_VEC(st_artifact_stat) artifacts;  /* bytes desc, then label text */
	st_build_timings timings;

	bool async_exact;       /* every async group is exact (async-kind.h) */
	uint64_t total_events;
	uint64_t llvm_self_ns;  /* sum of all LLVM Pass self time */
	uint64_t cpu_ns;        /* summarize's "total cpu time" over all files */

	/* Not NULL while arrays above point into an opened snapshot
	 * (snapshot.h): st_model_free gives it back instead of freeing them,
	 * and whatever changes the model calls st_model_thaw first. */
	struct st_snapshot_map *snapshot;
} st_model;

st_model *st_model_new(void);
void st_model_free(st_model *m);

/* Normalised display id of a raw strtab id (identity when nothing changes). */
uint32_t st_model_display(const st_model *m, uint32_t id);
/* Kind of a function name (raw or normalised id): ST_K_FN, ST_K_CLOSURE,
 * ST_K_ASYNC_FN or ST_K_ASYNC_BLOCK; ST_K_OTHER when it names no function. */
st_kind st_model_fn_kind(const st_model *m, uint32_t id);
static inline const char *st_model_str(const st_model *m, uint32_t id)
{
	return st_str(m->strs, id);
}
/* The whole build in one line's worth of figures. */
typedef struct st_build_totals {
	uint32_t profiles, crates;
	uint64_t wall_ns;     /* sum of the profiles' wall spans */
	uint64_t cpu_ns, llvm_ns;
	int64_t overhead_ns;  /* the profiler's own activities, part of cpu */
} st_build_totals;
st_build_totals st_model_totals(const st_model *m);

/* Records display as the normalised form of id, and a function kind (both
 * for building models: the builder, the diff). */
void st_model_set_display(st_model *m, uint32_t id, uint32_t display);
void st_model_set_fn_kind(st_model *m, uint32_t id, st_kind kind);

/* Memory held by the model, for benchmarks. */
size_t st_model_bytes(const st_model *m);

#endif
