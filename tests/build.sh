#!/usr/bin/env bash
# A whole cargo build (tests/data/two-crates: async-lib with its build script,
# app downstream, cargo's probe; profiles zstd, gzip and plain): async kinds
# per defining crate, crates and their kinds, the build header.
. "$(dirname "$0")/lib.sh"
build="$data/two-crates"

(cd "$data" && "$st" --report --by function --top 0 two-crates) >"$tmp/fn" 2>"$tmp/err"
# fn_kind KIND NAME: the function table has NAME (the whole name) with KIND
fn_kind() {
	if awk -v k="$1" -v n="  $2" '$3 == k && length($0) >= length(n) &&
	    substr($0, length($0) - length(n) + 1) == n { found = 1 }
	    END { exit !found }' "$tmp/fn"; then
		ok "$2 is $1"
	else
		fail "$2 is not listed as $1: $(grep -F -- "  $2" "$tmp/fn" | head -1)"
	fi
}
# plain closures whose tails are async elsewhere (same module, other crate)
fn_kind closure '<asynclib::dns::GaiResolver>::call::{closure#0}'
fn_kind closure '<asynclib::once::OnceCell<u64>>::get_or_init::<app::main::{closure#0}>::{closure#0}'
fn_kind closure '<app::dns::Local>::call::{closure#0}'
fn_kind closure 'app::upload_photo::{closure#0}::{closure#0}'
# async fn bodies, blocks and closures
fn_kind async_fn '<app::once::Lazy>::get_or_init::{closure#0}'
fn_kind async_fn 'app::upload_photo::{closure#0}'
fn_kind async_block 'app::upload_photo::{closure#0}::{closure#1}'
fn_kind async_block 'app::main::{closure#1}'
fn_kind async_block '<asynclib::http::HttpConnector>::call::{closure#0}'
fn_kind async_closure 'asynclib::run_async_closure::{closure#0}'
fn_kind async_block 'asynclib::run_async_closure::{closure#0}::{closure#0}::<i16>'
# the upstream generic async fn, instantiated downstream: upstream's keys
fn_kind async_fn 'asynclib::fetch::<u32>::{closure#0}'
fn_kind async_fn 'asynclib::fetch::<alloc::string::String>::{closure#0}'

# The async table: exact groups unmarked; dns::{impl#0} and {impl#1} both
# have call::{closure#0}, one a closure, one an async block: heuristic.
check_report build-async --by async two-crates
contains "a disagreeing impl rests on the heuristic" "$tmp/build-async.txt" '~<asynclib::dns::Cache>::call$'
contains "an exact group is unmarked" "$tmp/build-async.txt" ' [0-9]+  <asynclib::http::HttpConnector>::call$'
contains "the heading says both sources" "$tmp/build-async.txt" 'from query keys; ~ marks the heuristic'

# Without the upstream profile, its async fn has no exact answer.
(cd "$build" && "$st" --report --by async app-*.mm_profdata*) >"$tmp/app-only" 2>&1
contains "upstream async fn without upstream keys: heuristic" "$tmp/app-only" '~asynclib::fetch$'
contains "own async fn stays exact" "$tmp/app-only" ' [0-9]+  app::upload_photo$'

# Crates: one name per package, a kind each, sorted by wall time.
check_report build-crates --by crate two-crates
"$st" --report --format json "$build" >"$tmp/json" 2>/dev/null
contains "json: crates of each kind" "$tmp/json" '"crate":"async_lib","kind":"build-script","sources":1'
contains "json: the binary" "$tmp/json" '"crate":"app","kind":"bin","sources":1'
contains "json: the library" "$tmp/json" '"crate":"asynclib","kind":"lib","sources":1'
contains "json: cargo's probe" "$tmp/json" '"crate":"___","kind":"probe"'
contains "json: build totals" "$tmp/json" '"build":\{"profiles":4,"crates":4,"wall_ns":[1-9]'
contains "json: a source with keys is exact" "$tmp/json" '"crate":"asynclib","kind":"lib","events":[0-9]+,"wall_ns":[0-9]+,"cpu_ns":[0-9]+,"async_exact":true'
contains "json: the probe has no keys" "$tmp/json" '"crate":"___","kind":"probe","events":[0-9]+,"wall_ns":[0-9]+,"cpu_ns":[0-9]+,"async_exact":false'
contains "json: async groups say exact" "$tmp/json" '"name":"<asynclib::dns::Cache>::call","llvm_ns":[0-9]+,"members":[0-9]+,"exact":false'
# crates are listed by wall time, largest first
grep -o '"crates":\[.*\]' "$tmp/json" | grep -o '"wall_ns":[0-9]*' | cut -d: -f2 >"$tmp/walls"
if [ "$(wc -l <"$tmp/walls")" -eq 4 ] && sort -nrc "$tmp/walls" 2>/dev/null; then
	ok "crates sorted by wall"
else
	fail "crates not sorted by wall: $(tr '\n' ' ' <"$tmp/walls")"
fi
finish
