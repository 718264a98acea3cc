/* Unit tests: regex compilation (smart case, errors) and the report-mode
 * match figures (search.h) through the builder's event hook.
 *
 * Events (thread, kind, label, argument, start..end):
 *   1 Query run_server_query               0..100  self 50
 *   1   Query run_server_query            10..50   self 40
 *   1   Query type_of  A (app[..]::run_server) 60..70  self 10
 *   2 LLVM Pass InlinerPass  H (app[..]::h)    0..40   self 40
 *   2 Query run_server_query              50..60   self 10
 *   2 GenericActivity codegen_module CGU 100..200 self 100
 *   3 Query run_server_query  A            0..5    self 5
 *
 * /run_server/: both run_server_query of thread 1 by label, type_of by its
 * normalised argument, thread 2's and thread 3's (label and argument both
 * match: once): count 5, self 50+40+10+10+5 = 115, total = the outermost
 * ones per thread, 100 + 10 + 5 = 115. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "stalactite/builder.h"
#include "stalactite/search.h"

typedef struct ev {
	uint32_t thread;
	const char *kind, *label, *a0;
	uint64_t start, end;
} ev;

#define A "app[0123456789abcdef]::run_server"
#define H "app[0123456789abcdef]::h"
#define CGU "app.0123456789abcdef-cgu.0"

static const ev events[] = {
	{ 1, "Query", "run_server_query", NULL, 0, 100 },
	{ 1, "Query", "run_server_query", NULL, 10, 50 },
	{ 1, "Query", "type_of", A, 60, 70 },
	{ 2, "LLVM Pass", "InlinerPass", H, 0, 40 },
	{ 2, "Query", "run_server_query", NULL, 50, 60 },
	{ 2, "GenericActivity", "codegen_module", CGU, 100, 200 },
	{ 3, "Query", "run_server_query", A, 0, 5 },
};
#define NEV (sizeof events / sizeof events[0])

static int by_end_desc(const void *x, const void *y)
{
	const ev *a = *(const ev *const *)x, *b = *(const ev *const *)y;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* Loads the events with a match report for pat; returns the report (and
 * the model and regex to free in *mp, *rp). */
static st_match_report *run(const char *pat, st_model **mp, st_regex **rp)
{
	char err[256];
	st_regex *re = st_regex_compile(pat, err, sizeof err);
	CHECK(re != NULL);
	st_model *m = st_model_new();
	st_match_report *r = st_match_report_new(re, m->strs);
	st_builder *b = st_builder_new(m);
	st_builder_set_hook(b, st_match_report_hook(r));
	const ev *order[NEV];
	uint32_t args[NEV];
	for (size_t i = 0; i < NEV; i++)
		order[i] = &events[i];
	qsort(order, NEV, sizeof order[0], by_end_desc);
	st_builder_begin_source(b, "x.mm_profdata", "test", "app", 0);
	for (size_t i = 0; i < NEV; i++) {
		const ev *v = order[i];
		args[i] = v->a0 ? st_intern_cstr(m->strs, v->a0) : 0;
		st_event e = { .type = ST_EV_INTERVAL, .thread = v->thread,
		               .kind = st_intern_cstr(m->strs, v->kind),
		               .label = st_intern_cstr(m->strs, v->label),
		               .args = &args[i], .nargs = v->a0 ? 1 : 0,
		               .start = v->start, .end = v->end };
		const char *why;
		CHECK(st_builder_event(b, &e, &why));
	}
	st_builder_end_source(b, NEV);
	st_builder_finish(b);
	st_builder_free(b);
	*mp = m;
	*rp = re;
	return r;
}

static void done(st_match_report *r, st_model *m, st_regex *re)
{
	st_match_report_free(r);
	st_model_free(m);
	st_regex_free(re);
}

typedef struct figs { uint64_t count, total; int64_t self; } figs;

static figs figures_of(const char *pat)
{
	st_model *m;
	st_regex *re;
	st_match_report *r = run(pat, &m, &re);
	figs f = { st_match_count(r), st_match_total_ns(r), st_match_self_ns(r) };
	done(r, m, re);
	return f;
}

static void test_run_server(void)
{
	st_model *m;
	st_regex *re;
	st_match_report *r = run("run_server", &m, &re);
	CHECK_STR(st_match_pattern(r), "run_server");
	CHECK_INT(st_match_count(r), 5);
	CHECK_INT(st_match_self_ns(r), 115);
	CHECK_INT(st_match_total_ns(r), 115);
	CHECK(st_match_self_ns(r) <= (int64_t)st_match_total_ns(r));
	uint32_t n;
	const st_match_name *names = st_match_names(r, &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		/* the label wins when label and argument both match */
		CHECK_STR(st_str(m->strs, names[0].name), "run_server_query");
		CHECK_INT(names[0].count, 4);
		CHECK_INT(names[0].self_ns, 105);
		CHECK_INT(names[0].total_ns, 115);
		/* the argument, normalised; nested in a match of another name,
		 * so in no overall total, but its own row counts it */
		CHECK_STR(st_str(m->strs, names[1].name), "app::run_server");
		CHECK_INT(names[1].count, 1);
		CHECK_INT(names[1].self_ns, 10);
		CHECK_INT(names[1].total_ns, 10);
	}
	for (uint32_t i = 0; i < n; i++)
		CHECK(names[i].self_ns <= (int64_t)names[i].total_ns);
	done(r, m, re);
}

static void test_patterns(void)
{
	figs f = figures_of("InlinerPass");
	CHECK_INT(f.count, 1);
	CHECK_INT(f.total, 40);
	CHECK_INT(f.self, 40);
	/* arguments are matched after normalisation */
	f = figures_of("^app-cgu\\.0$");
	CHECK_INT(f.count, 1);
	CHECK_INT(f.total, 100);
	f = figures_of("^app::h$");
	CHECK_INT(f.count, 1);
	CHECK_INT(f.total, 40);
	f = figures_of("\\[");
	CHECK_INT(f.count, 0);
	f = figures_of("0123456789abcdef");
	CHECK_INT(f.count, 0);
	/* smart case */
	f = figures_of("inlinerpass");
	CHECK_INT(f.count, 1);
	f = figures_of("Inlinerpass");
	CHECK_INT(f.count, 0);
	f = figures_of("RUN_SERVER");
	CHECK_INT(f.count, 0);
	/* nested matches of one thread: the outer one's duration only */
	f = figures_of("^run_server_query$");
	CHECK_INT(f.count, 4);
	CHECK_INT(f.total, 115);
	CHECK_INT(f.self, 105);
	f = figures_of("nothing at all");
	CHECK_INT(f.count, 0);
	CHECK_INT(f.total, 0);
	CHECK_INT(f.self, 0);
}

static void test_regex(void)
{
	char err[256];
	st_regex *re = st_regex_compile("(", err, sizeof err);
	CHECK(re == NULL);
	CHECK(strncmp(err, "offset 1: ", 10) == 0);
	CHECK(strchr(err, '\n') == NULL);
	re = st_regex_compile("ab)", err, sizeof err);
	CHECK(re == NULL);
	CHECK(strncmp(err, "offset 2: ", 10) == 0);

	re = st_regex_compile("foo", err, sizeof err);
	CHECK(st_regex_match(re, "Foo::bar", 8));
	st_regex_free(re);
	re = st_regex_compile("Foo", err, sizeof err);
	CHECK(!st_regex_match(re, "foo::bar", 8));
	CHECK(st_regex_match(re, "a::Foo", 6));
	st_regex_free(re);
	/* escapes, properties, group names and verbs are no upper-case text */
	re = st_regex_compile("\\Sfoo", err, sizeof err);
	CHECK(st_regex_match(re, "::FOO", 5));
	st_regex_free(re);
	re = st_regex_compile("(?<Name>x)\\p{Lu}", err, sizeof err);
	CHECK(re != NULL);
	CHECK(st_regex_match(re, "XA", 2));   /* caseless x; \p{Lu} stays upper */
	st_regex_free(re);
	re = st_regex_compile("(*UCP)\\x{41}b", err, sizeof err);
	CHECK(re != NULL);
	CHECK(st_regex_match(re, "aB", 2));
	st_regex_free(re);
	/* literal upper case after an escape still counts */
	re = st_regex_compile("\\.B", err, sizeof err);
	CHECK(!st_regex_match(re, ".b", 2));
	st_regex_free(re);
	/* UTF mode: one character, not one byte */
	re = st_regex_compile("^.$", err, sizeof err);
	CHECK(st_regex_match(re, "\xc3\xa9", 2));
	st_regex_free(re);
	/* past JIT's default stack: the same answer as the interpreter */
	re = st_regex_compile("^(a|b)*c$", err, sizeof err);
	{
		static char longname[20002];
		memset(longname, 'a', 20000);
		longname[20000] = 'c';
		CHECK(st_regex_match(re, longname, 20001));
		longname[20000] = 'd';
		CHECK(!st_regex_match(re, longname, 20001));
	}
	st_regex_free(re);
	re = st_regex_compile("\\{closure#\\d+\\}$", err, sizeof err);
	CHECK(st_regex_match(re, "a::b::{closure#12}", 18));
	CHECK(!st_regex_match(re, "a::b::{closure#12}::c", 21));
	/* where the first match is: what the viewer keeps visible */
	size_t b = 99, e = 99;
	CHECK(st_regex_find(re, "a::b::{closure#12}", 18, 0, &b, &e));
	CHECK_INT(b, 6);
	CHECK_INT(e, 18);
	CHECK(!st_regex_find(re, "a::b", 4, 0, &b, &e));
	st_regex_free(re);
	re = st_regex_compile("run_server", err, sizeof err);
	CHECK(st_regex_find(re, "<app::Run_Server as X>::run_server", 34, 0, &b, &e));
	CHECK_INT(b, 1 + 5);   /* caseless: the first, not the exact one */
	CHECK_INT(e, 16);
	CHECK(st_regex_find(re, "<app::Run_Server as X>::run_server", 34, e, &b, &e));
	CHECK_INT(b, 24);   /* the next one */
	CHECK_INT(e, 34);
	CHECK(!st_regex_find(re, "<app::Run_Server as X>::run_server", 34, e, &b, &e));
	st_regex_free(re);
	re = st_regex_compile("x*", err, sizeof err);
	CHECK(st_regex_find(re, "abc", 3, 0, &b, &e));   /* an empty match */
	CHECK_INT(b, 0);
	CHECK_INT(e, 0);
	st_regex_free(re);
	/* an anchor still means the start of the name, not of the search */
	re = st_regex_compile("^a", err, sizeof err);
	CHECK(!st_regex_find(re, "aba", 3, 1, &b, &e));
	st_regex_free(re);
}

int main(void)
{
	test_regex();
	test_run_server();
	test_patterns();
	return check_done();
}
