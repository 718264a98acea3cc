/* test-async-kind: exact classification per defining crate (keys bound to
 * the profile's own crate, impl candidates, disagreement), the heuristic,
 * and async owners. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
#include "check.h"

static char buf[4096];
static bool last_exact;

static st_kind classify(const st_async_evidence *ev, const char *s)
{
	return st_async_classify(ev, s, strlen(s), &last_exact);
}

static const char *owner(const st_async_evidence *ev, const char *s)
{
	size_t off, len;
	if (!st_async_owner(ev, s, strlen(s), &off, &len, &last_exact))
		return "(none)";
	memcpy(buf, s + off, len);
	buf[len] = '\0';
	return buf;
}

static void scan(st_async_evidence *ev, const char *s)
{
	st_async_evidence_scan(ev, s, strlen(s));
}

#define KIND(ev, name, kind, exact) do { CHECK_INT(classify(ev, name), kind); \
	CHECK_INT(last_exact, exact); } while (0)

static void test_one_crate(void)
{
	st_async_evidence *ev = st_async_evidence_new();
	scan(ev, "mir_borrowck(DefId(0:3 ~ main[2d99]::leaf))");
	CHECK(!st_async_evidence_end_source(ev));
	CHECK(!st_async_evidence_exact(ev));
	scan(ev, "type_of(Coroutine(DefId(0:16 ~ main[2d99]::process_photo::{closure#0}), []))");
	scan(ev, "x Coroutine(DefId(0:17 ~ main[2d99]::process_photo::{closure#0}::{closure#0}) "
	         "Closure(DefId(0:18 ~ main[2d99]::process_photo::{closure#0}::{closure#1}))");
	scan(ev, "Coroutine(DefId(0:30 ~ main[2d99]::{impl#0}::run::{closure#0})");
	scan(ev, "Coroutine(DefId(0:31 ~ main[2d99]::spawn_all::{closure#0})");
	scan(ev, "check_mod {async fn body of process_photo()} and {async fn body of Server::run()}");
	scan(ev, "{async block@main.rs:8:13: 8:18}");
	CHECK(st_async_evidence_end_source(ev));
	CHECK(st_async_evidence_exact(ev));
	KIND(ev, "main::process_photo::{closure#0}", ST_K_ASYNC_FN, true);
	KIND(ev, "main::process_photo::{closure#0}::{closure#0}", ST_K_ASYNC_BLOCK, true);
	KIND(ev, "main::process_photo::{closure#0}::{closure#1}", ST_K_CLOSURE, true);
	/* the crate has keys, but not for this one: the heuristic, not exact */
	KIND(ev, "main::process_photo::{closure#0}::{closure#7}", ST_K_CLOSURE, false);
	KIND(ev, "main::spawn_all::{closure#0}", ST_K_ASYNC_BLOCK, true);
	KIND(ev, "main::process_photo", ST_K_FN, true);
	KIND(ev, "<main::Server>::run::{closure#0}", ST_K_ASYNC_FN, true);
	KIND(ev, "main::process_photo::<u8>::{closure#0}", ST_K_ASYNC_FN, true);
	KIND(ev, "main::process_photo::{{closure}}", ST_K_ASYNC_FN, true);   /* legacy */
	KIND(ev, "core::ptr::drop_glue::<main::process_photo::{closure#0}>", ST_K_FN, true);
	/* the same tail in a crate with no keys proves nothing */
	KIND(ev, "other::process_photo::{closure#0}", ST_K_CLOSURE, false);
	CHECK_STR(owner(ev, "main::process_photo::{closure#0}"), "main::process_photo");
	CHECK(last_exact);
	CHECK_STR(owner(ev, "main::process_photo::{closure#0}::{closure#1}"), "main::process_photo");
	CHECK_STR(owner(ev, "core::ptr::drop_glue::<main::process_photo::{closure#0}>"),
	          "main::process_photo");
	CHECK_STR(owner(ev, "<main::process_photo::{closure#0} as core::future::into_future::IntoFuture>::into_future"),
	          "main::process_photo");
	CHECK_STR(owner(ev, "core::ptr::drop_glue::<alloc::boxed::Box<main::process_photo::<u8>::{closure#0}>>"),
	          "main::process_photo::<u8>");
	CHECK_STR(owner(ev, "<main::Server>::run::{closure#0}"), "<main::Server>::run");
	CHECK_STR(owner(ev, "main::other::{closure#0}"), "(none)");
	CHECK_STR(owner(ev, "main::process_photo"), "(none)");
	st_async_evidence_free(ev);
}

/* Two crates, as in a cargo build: lib upstream, app downstream, with
 * closures and coroutines whose tails (get_or_init::{closure#0},
 * call::{closure#0}) occur in both and disagree. */
static void test_two_crates(void)
{
	st_async_evidence *ev = st_async_evidence_new();
	scan(ev, "Closure(DefId(0:1 ~ lib[aa01]::once::{impl#0}::get_or_init::{closure#0}), [T])");
	scan(ev, "Closure(DefId(0:3 ~ lib[aa01]::dns::{impl#0}::call::{closure#0}), [])");
	scan(ev, "Coroutine(DefId(0:2 ~ lib[aa01]::dns::{impl#1}::call::{closure#0}), [])");
	scan(ev, "Coroutine(DefId(0:4 ~ lib[aa01]::http::{impl#0}::call::{closure#0}), [])");
	scan(ev, "Coroutine(DefId(0:5 ~ lib[aa01]::fetch::{closure#0}), [T])");
	scan(ev, "CoroutineClosure(DefId(0:6 ~ lib[aa01]::run::{closure#0}), [])");
	scan(ev, "Coroutine(DefId(0:7 ~ lib[aa01]::run::{closure#0}::{closure#0}), [])");
	scan(ev, "layout_of({async fn body of fetch<T>()})");
	CHECK(st_async_evidence_end_source(ev));
	/* app: its own get_or_init is async; it prints lib's types with
	 * another crate index, which must not count */
	scan(ev, "Coroutine(DefId(0:7 ~ app[bb02]::once::{impl#0}::get_or_init::{closure#0}), [])");
	scan(ev, "{async fn body of once::Lazy::get_or_init()}");
	scan(ev, "Coroutine(DefId(3:1 ~ lib[aa01]::once::{impl#0}::get_or_init::{closure#0}), [])");
	scan(ev, "Coroutine(DefId(3:9 ~ lib[aa01]::sync::wait::{closure#0}), [])");
	scan(ev, "Closure(DefId(0:8 ~ app[bb02]::dns::{impl#0}::call::{closure#0}), [])");
	scan(ev, "Closure(DefId(0:9 ~ app[bb02]::{impl#3}::m::{closure#0}), [])");
	CHECK(st_async_evidence_end_source(ev));

	KIND(ev, "<lib::once::OnceCell<u8>>::get_or_init::<F>::{closure#0}", ST_K_CLOSURE, true);
	KIND(ev, "<app::once::Lazy>::get_or_init::{closure#0}", ST_K_ASYNC_FN, true);
	KIND(ev, "lib::fetch::<alloc::string::String>::{closure#0}", ST_K_ASYNC_FN, true);
	KIND(ev, "<lib::http::HttpConnector>::call::{closure#0}", ST_K_ASYNC_BLOCK, true);
	KIND(ev, "<app::dns::Local>::call::{closure#0}", ST_K_CLOSURE, true);
	KIND(ev, "lib::run::{closure#0}", ST_K_ASYNC_CLOSURE, true);
	KIND(ev, "lib::run::{closure#0}::{closure#0}", ST_K_ASYNC_BLOCK, true);
	KIND(ev, "lib::run::{closure#0}::{closure#0}::<i16>", ST_K_ASYNC_BLOCK, true);
	/* two impls of lib::dns have call::{closure#0}, one async: not exact */
	KIND(ev, "<lib::dns::Cache>::call::{closure#0}", ST_K_CLOSURE, false);
	KIND(ev, "<lib::dns::GaiResolver as tower::Service<u8>>::call::{closure#0}", ST_K_CLOSURE, false);
	/* a downstream profile's print of an upstream path is not evidence */
	KIND(ev, "lib::sync::wait::{closure#0}", ST_K_CLOSURE, false);
	/* a primitive self type: the trait's crate and module */
	KIND(ev, "<u64 as app::Tr>::m::{closure#0}", ST_K_CLOSURE, true);
	KIND(ev, "<&mut app::once::Lazy as core::fmt::Debug>::get_or_init::{closure#0}",
	     ST_K_ASYNC_FN, true);
	CHECK_STR(owner(ev, "core::ptr::drop_glue::<lib::fetch::<u32>::{closure#0}>"),
	          "lib::fetch::<u32>");
	CHECK(last_exact);
	CHECK_STR(owner(ev, "<lib::once::OnceCell<u8>>::get_or_init::<F>::{closure#0}"), "(none)");
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
	CHECK(!st_async_evidence_exact(ev));
	KIND(ev, "app::d::{closure#0}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::b::{closure#0}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::c::{closure#0}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::f::{closure#0}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::f::{closure#0}::{closure#0}", ST_K_ASYNC_BLOCK, false);
	KIND(ev, "app::g::{closure#0}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::h::{{closure}}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::k::{closure#0}", ST_K_CLOSURE, false);   /* drop glue alone */
	KIND(ev, "<app::S>::m::{closure#0}", ST_K_ASYNC_FN, false);
	KIND(ev, "app::f", ST_K_FN, true);
	KIND(NULL, "app::f::{closure#0}", ST_K_CLOSURE, false);
	CHECK_STR(owner(ev, "core::ptr::drop_glue::<app::f::{closure#0}::{closure#0}>"), "app::f");
	CHECK(!last_exact);
	CHECK_STR(owner(ev, "<app::g::{closure#0} as core::future::future::Future>::poll"), "app::g");
	CHECK_STR(owner(ev, "app::k::{closure#0}"), "(none)");
	/* the name's own async block wins over a future in its generics */
	note(ev, "<<app::R>::route::{closure#0}::{closure#0} as core::future::future::Future>::poll");
	CHECK_STR(owner(ev, "<app::R>::route::<app::f, app::f::{closure#0}>::{closure#0}::{closure#0}"),
	          "<app::R>::route::<app::f, app::f::{closure#0}>");
	st_async_evidence_free(ev);
}

static void test_many(void)
{
	/* Many keys of one crate; without any async-fn text the structure
	 * decides (directly under a fn: an async fn body). */
	st_async_evidence *ev = st_async_evidence_new();
	char s[128];
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof s, "Coroutine(DefId(0:%d ~ c[ff]::f%d::{closure#0})", i, i);
		scan(ev, s);
	}
	st_async_evidence_end_source(ev);
	int ok = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof s, "c::f%d::{closure#0}", i);
		ok += classify(ev, s) == ST_K_ASYNC_FN && last_exact;
	}
	CHECK_INT(ok, 5000);
	st_async_evidence_free(ev);
}

int main(void)
{
	test_one_crate();
	test_two_crates();
	test_heuristic();
	test_many();
	return check_done();
}
