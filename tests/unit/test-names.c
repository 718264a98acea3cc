/* test-names: normalisation, generic elision, async evidence, classification
 * (exact and heuristic) and async owners. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/names.h"
#include "check.h"

static char buf[4096];

static const char *norm(const char *s)
{
	size_t n = st_name_normalize(s, strlen(s), buf, sizeof buf);
	return n == strlen(buf) ? buf : "(bad length)";
}

static const char *elide(const char *s, bool ascii)
{
	size_t n = st_name_elide_generics(s, strlen(s), buf, sizeof buf, ascii);
	return n == strlen(buf) ? buf : "(bad length)";
}

static void test_normalize(void)
{
	CHECK_STR(norm("core[667c7a611d73a360]::ptr"), "core::ptr");
	CHECK_STR(norm("main[2d99]::process_photo::{closure#0}"), "main::process_photo::{closure#0}");
	CHECK_STR(norm("core[667c7a611d73a360]::ptr::drop_glue::<app[1a2b]::S<[u8; 4]>>"),
	          "core::ptr::drop_glue::<app::S<[u8; 4]>>");
	CHECK_STR(norm("a::b::{{closure}}::h0123456789abcdef"), "a::b::{{closure}}");
	CHECK_STR(norm("<a::S as b::T>::f::h0123456789abcdef"), "<a::S as b::T>::f");
	CHECK_STR(norm("a::hx0123456789abcdef"), "a::hx0123456789abcdef");
	CHECK_STR(norm("a::h0123456789abcdefg"), "a::h0123456789abcdefg");
	CHECK_STR(norm("mycrate.1a2b3c4d5e6f7a8b-cgu.3"), "mycrate-cgu.3");
	CHECK_STR(norm("my_crate.1a2b3c4d5e6f7a8b-cgu.12.rcgu.o"), "my_crate-cgu.12.rcgu.o");
	CHECK_STR(norm("_RNvCs1234_4main3foo"), "main::foo");
	CHECK_STR(norm("_ZN3foo17h05af221e174051e9E"), "foo");
	CHECK_STR(norm("_Rnot a symbol"), "_Rnot a symbol");
	CHECK_STR(norm("Box<[f32]>"), "Box<[f32]>");
	CHECK_STR(norm("plain::name"), "plain::name");
	CHECK_STR(norm(""), "");
	const char *s = "core[667c7a611d73a360]::ptr::drop_glue";
	char small[8];
	CHECK_INT(st_name_normalize(s, strlen(s), small, sizeof small), 7);
	CHECK_STR(small, "core::p");
	CHECK_INT(st_name_normalize("abc", 3, small, sizeof small), 3);
}

static void test_elide(void)
{
	CHECK_STR(elide("Vec<u8>::push", false), "Vec<\xe2\x80\xa6>::push");
	CHECK_STR(elide("Vec<u8>::push", true), "Vec<...>::push");
	CHECK_STR(elide("<Vec<u8> as Drop>::drop", true), "<Vec<...> as Drop>::drop");
	CHECK_STR(elide("<alloc::vec::Vec<u8, A> as core::ops::drop::Drop>::drop", true),
	          "<alloc::vec::Vec<...> as core::ops::drop::Drop>::drop");
	CHECK_STR(elide("core::ptr::drop_glue::<app::f::{closure#0}>", true),
	          "core::ptr::drop_glue::<...>");
	CHECK_STR(elide("a::f::<fn(u8) -> Vec<u8>, u8>::g", true), "a::f::<...>::g");
	CHECK_STR(elide("<X as Trait<fn() -> u8>>::f", true), "<X as Trait<...>>::f");
	CHECK_STR(elide("<<a::S<u8> as T>::f as U>::g", true), "<<a::S<...> as T>::f as U>::g");
	CHECK_STR(elide("core::slice::<impl core::ops::index::IndexMut<I> for [T]>::index_mut", true),
	          "core::slice::<impl core::ops::index::IndexMut<...> for [T]>::index_mut");
	CHECK_STR(elide("a::b<c<d>", true), "a::b<c<d>");
	CHECK_STR(elide("plain", true), "plain");
	char small[6];
	CHECK_INT(st_name_elide_generics("Vec<u8>::push", 13, small, sizeof small, true), 5);
	CHECK_STR(small, "Vec<.");
}

static st_kind classify(const char *s, const st_async_evidence *ev)
{
	return st_name_classify(s, strlen(s), ev);
}

static const char *owner(const char *s, const st_async_evidence *ev)
{
	size_t off, len;
	if (!st_async_owner(s, strlen(s), ev, &off, &len))
		return "(none)";
	memcpy(buf, s + off, len);
	buf[len] = '\0';
	return buf;
}

static void scan(st_async_evidence *ev, const char *s)
{
	st_async_evidence_scan(ev, s, strlen(s));
}

static void test_exact(void)
{
	st_async_evidence *ev = st_async_evidence_new();
	scan(ev, "mir_borrowck(DefId(0:3 ~ main[2d99]::leaf))");
	CHECK(!st_async_evidence_exact(ev));
	scan(ev, "type_of(Coroutine(DefId(0:16 ~ main[2d99]::process_photo::{closure#0}), []))");
	scan(ev, "x Coroutine(DefId(0:17 ~ main[2d99]::process_photo::{closure#0}::{closure#0}) "
	         "Closure(DefId(0:18 ~ main[2d99]::process_photo::{closure#0}::{closure#1}))");
	scan(ev, "Coroutine(DefId(0:30 ~ main[2d99]::{impl#0}::run::{closure#0})");
	scan(ev, "Coroutine(DefId(0:31 ~ main[2d99]::spawn_all::{closure#0})");
	scan(ev, "check_mod {async fn body of process_photo()} and {async fn body of run()}");
	scan(ev, "{async block@main.rs:8:13: 8:18}");
	CHECK(st_async_evidence_exact(ev));
	CHECK_INT(classify("main::process_photo::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("main::process_photo::{closure#0}::{closure#0}", ev), ST_K_ASYNC_BLOCK);
	CHECK_INT(classify("main::process_photo::{closure#0}::{closure#1}", ev), ST_K_CLOSURE);
	CHECK_INT(classify("main::process_photo::{closure#0}::{closure#7}", ev), ST_K_CLOSURE);
	CHECK_INT(classify("main::spawn_all::{closure#0}", ev), ST_K_ASYNC_BLOCK);
	CHECK_INT(classify("main::process_photo", ev), ST_K_FN);
	CHECK_INT(classify("<main::Server>::run::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("main::process_photo::<u8>::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("main::process_photo::{{closure}}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("core::ptr::drop_glue::<main::process_photo::{closure#0}>", ev), ST_K_FN);
	CHECK_STR(owner("main::process_photo::{closure#0}", ev), "main::process_photo");
	CHECK_STR(owner("main::process_photo::{closure#0}::{closure#0}", ev), "main::process_photo");
	CHECK_STR(owner("main::process_photo::{closure#0}::{closure#1}", ev), "main::process_photo");
	CHECK_STR(owner("core::ptr::drop_glue::<main::process_photo::{closure#0}>", ev),
	          "main::process_photo");
	CHECK_STR(owner("<main::process_photo::{closure#0} as core::future::into_future::IntoFuture>::into_future", ev),
	          "main::process_photo");
	CHECK_STR(owner("core::ptr::drop_glue::<alloc::boxed::Box<main::process_photo::<u8>::{closure#0}>>", ev),
	          "main::process_photo::<u8>");
	CHECK_STR(owner("<main::Server>::run::{closure#0}", ev), "<main::Server>::run");
	CHECK_STR(owner("main::other::{closure#0}", ev), "(none)");
	CHECK_STR(owner("main::process_photo", ev), "(none)");
	st_async_evidence_free(ev);
}

static void note(st_async_evidence *ev, const char *s)
{
	st_async_note_name(ev, s, strlen(s));
}

static void test_heuristic(void)
{
	st_async_evidence *ev = st_async_evidence_new();
	note(ev, "<app::f::{closure#0} as core::future::into_future::IntoFuture>::into_future");
	note(ev, "<app::f::{closure#0}::{closure#0} as core::future::future::Future>::poll");
	note(ev, "<core::pin::Pin<&mut app::g::{closure#0}>>::new_unchecked");
	note(ev, "core::pin::Pin<&mut app::h::{{closure}}>::new_unchecked");
	note(ev, "core::ptr::drop_glue::<app::k::{closure#0}>");
	note(ev, "<<app::S>::m::{closure#0} as core::future::future::Future>::poll");
	/* boxed and pinned by an executor, with and without an allocator */
	note(ev, "core::ptr::drop_glue::<core::pin::Pin<alloc::boxed::Box<app::b::{closure#0}>>>");
	note(ev, "app::run::<core::pin::Pin<alloc::boxed::Box<app::c::{closure#0}, alloc::alloc::Global>>>");
	/* an arrow inside the boxed type is not a closing bracket */
	note(ev, "x::<core::pin::Pin<alloc::boxed::Box<app::d::<fn() -> u8>::{closure#0}, A>>>");
	CHECK_INT(classify("app::d::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK(!st_async_evidence_exact(ev));
	CHECK_INT(classify("app::b::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("app::c::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("app::f::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("app::f::{closure#0}::{closure#0}", ev), ST_K_ASYNC_BLOCK);
	CHECK_INT(classify("app::g::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("app::h::{{closure}}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("app::k::{closure#0}", ev), ST_K_CLOSURE);   /* drop glue alone */
	CHECK_INT(classify("<app::S>::m::{closure#0}", ev), ST_K_ASYNC_FN);
	CHECK_INT(classify("app::f", ev), ST_K_FN);
	CHECK_INT(classify("app::f::{closure#0}", NULL), ST_K_CLOSURE);
	CHECK_STR(owner("core::ptr::drop_glue::<app::f::{closure#0}::{closure#0}>", ev), "app::f");
	CHECK_STR(owner("<app::g::{closure#0} as core::future::future::Future>::poll", ev), "app::g");
	CHECK_STR(owner("app::k::{closure#0}", ev), "(none)");
	/* the name's own async block wins over a future in its generics */
	note(ev, "<<app::R>::route::{closure#0}::{closure#0} as core::future::future::Future>::poll");
	CHECK_STR(owner("<app::R>::route::<app::f, app::f::{closure#0}>::{closure#0}::{closure#0}", ev),
	          "<app::R>::route::<app::f, app::f::{closure#0}>");
	st_async_evidence_free(ev);
}

static void test_many(void)
{
	/* The set grows and still finds everything. */
	st_async_evidence *ev = st_async_evidence_new();
	char s[128], n[128];
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof s, "Coroutine(DefId(0:%d ~ c[ff]::f%d::{closure#0})", i, i);
		scan(ev, s);
	}
	int ok = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(n, sizeof n, "c::f%d::{closure#0}", i);
		ok += classify(n, ev) == ST_K_ASYNC_BLOCK;   /* no {async fn body of} */
	}
	CHECK_INT(ok, 0);   /* without any async-fn text the structural rule applies */
	for (int i = 0; i < 5000; i++) {
		snprintf(n, sizeof n, "c::f%d::{closure#0}", i);
		ok += classify(n, ev) == ST_K_ASYNC_FN;
	}
	CHECK_INT(ok, 5000);
	st_async_evidence_free(ev);
}

/* Fuzzing crashers (tests/data/demangle/crashers) through every function. */
static void test_crashers(void)
{
	char dir[1024], path[2048], in[1 << 16], out[1 << 12];
	const char *top = getenv("top_srcdir");
	snprintf(dir, sizeof dir, "%s/tests/data/demangle/crashers", top && *top ? top : ".");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = e->d_name[0] != '.' ? fopen(path, "rb") : NULL;
		if (!f)
			continue;
		size_t len = fread(in, 1, sizeof in, f), off, olen;
		fclose(f);
		st_async_evidence *ev = st_async_evidence_new();
		st_name_normalize(in, len, out, sizeof out);
		st_name_elide_generics(in, len, out, sizeof out, false);
		st_async_evidence_scan(ev, in, len);
		st_async_note_name(ev, in, len);
		st_name_classify(in, len, ev);
		if (st_async_owner(in, len, ev, &off, &olen))
			CHECK(off <= len && olen <= len - off);
		st_async_evidence_free(ev);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(d != NULL);
	printf("crashers: %d replayed\n", n);
}

int main(void)
{
	test_crashers();
	test_normalize();
	test_elide();
	test_exact();
	test_heuristic();
	test_many();
	return check_done();
}
