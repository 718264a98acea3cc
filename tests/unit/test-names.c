/* test-names: normalisation, generic elision and erasure, and fuzzing crashers
 * replayed through every name function (async-kind's included). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "stalactite/async-kind.h"
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

/* st_name_elide_depth at height h, keeping the first occurrence of keep;
 * the kept bytes are checked to be where the result says. */
static const char *depth(const char *s, int h, const char *keep)
{
	size_t k0 = 0, k1 = 0;
	if (keep) {
		k0 = (size_t)(strstr(s, keep) - s);
		k1 = k0 + strlen(keep);
	}
	size_t n = st_name_elide_depth(s, strlen(s), buf, sizeof buf, true, h,
	                               keep ? &k0 : NULL, keep ? &k1 : NULL);
	if (n != strlen(buf))
		return "(bad length)";
	if (keep && (k1 - k0 != strlen(keep) || memcmp(buf + k0, keep, k1 - k0)))
		return "(kept bytes moved wrongly)";
	return buf;
}

static void test_elide_depth(void)
{
	const char *s = "<hyper::H2Stream<F, Box<dyn Fn(u8)>> as core::future::Future>::poll";
	CHECK_INT(st_name_generics_height(s, strlen(s)), 1);
	CHECK_INT(st_name_generics_height("a::b", 4), -1);
	CHECK_STR(depth(s, -1, NULL), s);
	/* the innermost first, then what holds them; qualified paths stay */
	CHECK_STR(depth(s, 0, NULL), "<hyper::H2Stream<F, Box<...>> as core::future::Future>::poll");
	CHECK_STR(depth(s, 1, NULL), "<hyper::H2Stream<...> as core::future::Future>::poll");
	CHECK_STR(depth(s, 9, NULL), depth(s, 1, NULL));
	/* a list holding the kept bytes stays, the ones inside it may go */
	CHECK_STR(depth(s, 1, "Box"), "<hyper::H2Stream<F, Box<...>> as core::future::Future>::poll");
	CHECK_STR(depth(s, 1, "poll"), "<hyper::H2Stream<...> as core::future::Future>::poll");
	CHECK_STR(depth("drop_glue::<Vec<u8>>::{closure#0}", 5, "closure"),
	          "drop_glue::<...>::{closure#0}");
	/* lists no wider than their elision are left */
	CHECK_STR(depth("Vec<T>::push", 0, NULL), "Vec<T>::push");
	/* an unbalanced name: the closed lists before the break only */
	CHECK_STR(depth("a<bcdefg>> x<yyyyyy>", 3, NULL), "a<...>> x<yyyyyy>");
	CHECK_STR(depth("f<a->b>", 0, NULL), "f<...>");   /* "->" closes nothing */
	size_t k0 = 3, k1 = 7;
	st_name_elide_depth("abcdefgh", 8, buf, sizeof buf, false, 0, &k0, &k1);
	CHECK_STR(buf, "abcdefgh");
	CHECK_INT(k0, 3);
	CHECK_INT(k1, 7);
	/* the offsets follow the UTF-8 ellipsis, which is 3 bytes */
	k0 = 19; k1 = 23;
	st_name_elide_depth("Vec<u8>::a::<xyz>::push", 23, buf, sizeof buf, false, 0, &k0, &k1);
	CHECK_STR(buf, "Vec<\xe2\x80\xa6>::a::<\xe2\x80\xa6>::push");
	CHECK_INT(k0, 20);   /* <u8> grew by a byte, <xyz> stayed 5 */
	CHECK_INT(memcmp(buf + k0, "push", 4), 0);
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
	/* the crate hash has no leading zeros: 15 digits here */
	CHECK_STR(norm("num_cpus.6268564f7a52e80-cgu.00"), "num_cpus-cgu.00");
	CHECK_STR(norm("a.f-cgu.1"), "a-cgu.1");
	CHECK_STR(norm("a.0123456789abcdef0-cgu.1"), "a.0123456789abcdef0-cgu.1");   /* 17 digits */
	CHECK_STR(norm("v1.2-cgu"), "v1.2-cgu");
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

#define E "\xe2\x80\xa6"

static size_t lists;

static const char *erase(const char *s)
{
	size_t n = st_name_erase_generics(s, strlen(s), buf, sizeof buf, &lists);
	return n == strlen(buf) ? buf : "(bad length)";
}

static void test_erase(void)
{
	CHECK_STR(erase("<h2::proto::connection::Connection<T, P, B>>::poll"),
	          "<h2::proto::connection::Connection<" E ">>::poll");
	CHECK_INT(lists, 1);
	CHECK_STR(erase("core::ptr::drop_in_place::<hyper::Body>"),
	          "core::ptr::drop_in_place::<" E ">");
	CHECK_STR(erase("<Vec<u8> as Clone>::clone"), "<Vec<" E "> as Clone>::clone");
	/* the trait's own arguments go too; the qualified path stays */
	CHECK_STR(erase("<X as From<Y>>::from"), "<X as From<" E ">>::from");
	CHECK_STR(erase("<X<A> as From<Y<B>>>::from"), "<X<" E "> as From<" E ">>::from");
	CHECK_INT(lists, 2);
	CHECK_STR(erase("<<a::S<u8> as T>::f as U>::g"), "<<a::S<" E "> as T>::f as U>::g");
	/* closures and shims are kept, their arguments erased */
	CHECK_STR(erase("a::f::<u8>::{closure#0}"), "a::f::<" E ">::{closure#0}");
	CHECK_STR(erase("a::f::{closure#1}::<u8, u16>"), "a::f::{closure#1}::<" E ">");
	CHECK_STR(erase("<a::S<u8> as a::T>::{shim:vtable#0}"),
	          "<a::S<" E "> as a::T>::{shim:vtable#0}");
	/* lifetimes, const args, arrows, nested qualified paths are arguments */
	CHECK_STR(erase("a::Ref<'a>::get"), "a::Ref<" E ">::get");
	CHECK_STR(erase("a::Buf<4>::new"), "a::Buf<" E ">::new");
	CHECK_STR(erase("a::f::<fn(u8) -> Vec<u8>, <X as Y>::Z>"), "a::f::<" E ">");
	CHECK_STR(erase("core::slice::<impl core::ops::index::IndexMut<I> for [T]>::index_mut"),
	          "core::slice::<impl core::ops::index::IndexMut<" E "> for [T]>::index_mut");
	CHECK_STR(erase("a::S<>::f"), "a::S<" E ">::f");
	/* no argument list: no set */
	CHECK_STR(erase("<&u8 as core::fmt::Debug>::fmt"), "<&u8 as core::fmt::Debug>::fmt");
	CHECK_INT(lists, 0);
	CHECK_STR(erase("app::main"), "app::main");
	CHECK_INT(lists, 0);
	CHECK_STR(erase(""), "");
	CHECK_INT(lists, 0);
	/* unbalanced: erased up to the bad '<', the rest kept */
	CHECK_STR(erase("a::S<u8>::f::<T"), "a::S<" E ">::f::<T");
	CHECK_INT(lists, 1);
	CHECK_STR(erase("a<b>>c>"), "a<" E ">>c>");
	CHECK_STR(erase("a::b<c<d>"), "a::b<c<d>");
	CHECK_INT(lists, 0);
	/* two instances of one generic function share one name */
	char one[256];
	snprintf(one, sizeof one, "%s",
	         erase("<alloc::vec::Vec<u8> as core::ops::drop::Drop>::drop"));
	CHECK_STR(erase("<alloc::vec::Vec<alloc::rc::Rc<app::Photo>> as core::ops::drop::Drop>::drop"),
	          one);
	/* truncation keeps the buffer terminated */
	char small[8];
	CHECK_INT(st_name_erase_generics("Vec<u8>::push", 13, small, sizeof small, NULL), 7);
	CHECK_STR(small, "Vec<" E);
	/* the worst growth fits 3 * len + 1 */
	char grow[3 * 6 + 1];
	CHECK_INT(st_name_erase_generics("a<>b<>", 6, grow, sizeof grow, &lists), 12);
	CHECK_STR(grow, "a<" E ">b<" E ">");
}

/* Nesting a million deep, balanced or not, in one linear pass. */
static void test_erase_hostile(void)
{
	size_t depth = 1000000, len = 2 * depth + 1;
	char *in = malloc(len + 1), *out = malloc(3 * len + 1);
	CHECK(in && out);
	if (!in || !out)
		return;
	in[0] = 'a';
	memset(in + 1, '<', depth);
	memset(in + 1 + depth, '>', depth);
	in[len] = '\0';
	CHECK_INT(st_name_erase_generics(in, len, out, 3 * len + 1, &lists), 6);
	CHECK_STR(out, "a<" E ">");
	in[len - 1] = 'x';   /* one '>' short */
	CHECK_INT(st_name_erase_generics(in, len, out, 3 * len + 1, &lists), len);
	CHECK_INT(lists, 0);
	for (size_t i = 0; i < len; i++)   /* "a<a<a<...": every '<' opens */
		in[i] = i % 2 ? '<' : 'a';
	CHECK_INT(st_name_erase_generics(in, len, out, 3 * len + 1, &lists), len);
	for (size_t i = 0; i + 3 <= len; i += 3)   /* "<>x<>x...": many lists */
		memcpy(in + i, "a<>", 3);
	st_name_erase_generics(in, len, out, 3 * len + 1, &lists);
	CHECK_INT(lists, len / 3);
	free(in);
	free(out);
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
		st_name_erase_generics(in, len, out, sizeof out, NULL);
		st_async_evidence_scan(ev, in, len);
		st_async_evidence_end_source(ev);
		st_async_evidence_scan(ev, in, len);
		st_async_note_name(ev, in, len);
		st_async_classify(ev, in, len, NULL);
		if (st_async_owner(ev, in, len, &off, &olen, NULL))
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
	test_elide_depth();
	test_erase();
	test_erase_hostile();
	return check_done();
}
