#!/usr/bin/env bash
# --report --diff BASE NEW on real pairs: the two-crate build and the same
# build with a higher inline threshold (tests/data/two-crates-inline), and a
# build where a crate was added.
. "$(dirname "$0")/lib.sh"
base="two-crates" new="two-crates-inline"

check_report diff-text --diff "$base" "$new" --top 5
check_report diff-passes --diff "$base" "$new" --by pass --top 0
# one crate's labels, every row: the figures summarize diff gives (checked
# against measureme's summarize diff when this golden was made)
check_report diff-app-labels --diff "$base/app-0006256.mm_profdata.zst" \
	"$new/app-0014108.mm_profdata.zst" --by label --top 0
# without --top a text diff shows 20 rows per table, as a report does
(cd "$data" && "$st" --report --diff "$base" "$new") >"$tmp/diff-20.txt" 2>&1
contains "text diff: 20 rows by default" "$tmp/diff-20.txt" '^Functions by change of LLVM time \(top 20 of [0-9]+\)'
contains "the build line" "$tmp/diff-text.txt" '^  wall +[0-9.]+[mµ]?s -> [0-9.]+[mµ]?s \([+-]'
contains "InlinerPass changed most" "$tmp/diff-passes.txt" '^ +[0-9.]+ms +[0-9.]+ms +\+[0-9.]+ms +\+[0-9.]+%  InlinerPass$'

(cd "$data" && "$st" --report --format json --diff "$base" "$new") >"$tmp/json" 2>"$tmp/err"
contains "json: base and new sources" "$tmp/json" '"base":\{"sources":\[\{"path":"two-crates/'
contains "json: new side" "$tmp/json" '"new":\{"sources":\[\{"path":"two-crates-inline/'
contains "json: build figures" "$tmp/json" '"diff":\{"build":\{"base_wall_ns":[0-9]+,"new_wall_ns":[0-9]+'
contains "json: a label row" "$tmp/json" '\{"label":"InstCombinePass","base_self_ns":[0-9]+,"new_self_ns":[0-9]+,"base_total_ns":[0-9]+,"new_total_ns":[0-9]+,"base_count":[0-9]+,"new_count":[0-9]+,"base_cache_hits":0,"new_cache_hits":0,"status":"both"\}'
contains "json: a function row" "$tmp/json" '\{"crate":"app","name":"app::upload_photo::\{closure#0\}","kind":"async_fn","base_llvm_ns":[0-9]+,"new_llvm_ns":[0-9]+,"status":"both"\}'
contains "json: crates by name and kind" "$tmp/json" '\{"crate":"async_lib","display":"async_lib \(build script\)","kind":"build-script","base_wall_ns"'
contains "json: a generic set row" "$tmp/json" '\{"crate":"app","name":"core::ptr::drop_glue::<…>","base_llvm_ns":[0-9]+,"new_llvm_ns":[0-9]+,"base_instances":[0-9]+,"new_instances":[0-9]+,"status":"both"\}'
# every list sorted by |delta| of its first figure
for list in labels passes cgus functions async_fns crates generics; do
	# the first base_/new_ pair of each row is its first figure
	grep -o "\"$list\":\[.*" "$tmp/json" | sed 's/\],"[a-z_]*":\[.*//' |
		grep -o '"status"\|"base_[a-z_]*":-\?[0-9]*,"new_[a-z_]*":-\?[0-9]*' |
		awk -F'[:,]' '/status/ { row = 0; next } row++ == 0 { d = $4 - $2; print d < 0 ? -d : d }' \
		>"$tmp/deltas"
	if [ -s "$tmp/deltas" ] && sort -nrc "$tmp/deltas" 2>/dev/null; then ok "json: $list by |delta|"
	else fail "json: $list not sorted by |delta|"; fi
done

# A crate added between the builds: new in every table, zeros for base.
mkdir "$tmp/before"
cp "$data/$base"/app-* "$data/$base"/___-* "$data/$base"/build_script_build-* "$tmp/before/"
"$st" --report --format json --diff "$tmp/before" "$data/$base" >"$tmp/added" 2>"$tmp/err"
contains "json: the added crate is new" "$tmp/added" '\{"crate":"asynclib","display":"asynclib","kind":"lib","base_wall_ns":0,"new_wall_ns":[1-9][0-9]*,"base_cpu_ns":0,"new_cpu_ns":[1-9][0-9]*,"base_llvm_ns":0,"new_llvm_ns":[0-9]+,"base_overhead_ns":0,"new_overhead_ns":[0-9]+,"status":"new"\}'
contains "json: its functions are new" "$tmp/added" '"crate":"asynclib","name":"[^"]*","kind":"[a-z_]*","base_llvm_ns":0,"new_llvm_ns":[0-9]+,"status":"new"'
"$st" --report --format json --diff "$data/$base" "$tmp/before" >"$tmp/removed" 2>"$tmp/err"
contains "json: the other way round it is gone" "$tmp/removed" '"crate":"asynclib","display":"asynclib","kind":"lib","base_wall_ns":[1-9][0-9]*,"new_wall_ns":0,.*"status":"gone"'
"$st" --report --diff "$tmp/before" "$data/$base" --by crate >"$tmp/added.txt" 2>&1
contains "text: new rows marked" "$tmp/added.txt" '  lib           \[new\] asynclib$'

# --min-delta hides small changes; --match works with --diff
expect "min-delta" 0 "$st" --report --diff --min-delta 30ms --by pass "$data/$base" "$data/$new"
[ "$(grep -c 'Pass' "$tmp/out")" -le 3 ] && ok "min-delta: few passes left" || fail "min-delta kept $(grep -c Pass "$tmp/out")"
contains "min-delta keeps InlinerPass" "$tmp/out" 'InlinerPass$'
expect "match with diff" 0 "$st" --report --diff --match 'Inliner' --by pass "$data/$base" "$data/$new"
contains "match: events base -> new" "$tmp/out" '^  events +[0-9]+ -> [0-9]+ \([+-]?[0-9]+\)$'
contains "match: total" "$tmp/out" '^  total +[0-9.]+ms -> [0-9.]+ms \(\+'

# Cargo timings on both sides (tests/data/cargo/two-crates-inline: the same
# build as two-crates with -inline-threshold=1000, its timings alone): the
# build's wall and critical path, and every unit paired by package and kind.
check_report diff-cargo --diff cargo/two-crates/cargo-timing.html \
	cargo/two-crates-inline/build-analysis.jsonl
contains "cargo diff: the build's wall" "$tmp/diff-cargo.txt" '^  cargo     1\.66s -> 935ms \(-72[0-9]ms, -43\.[0-9]%\)$'
contains "cargo diff: the critical path" "$tmp/diff-cargo.txt" '^  critical  1\.47s -> 725ms '
contains "cargo diff: the bin by its target" "$tmp/diff-cargo.txt" ' bin +on +app 0\.1\.0 \(app\)$'
(cd "$data" && "$st" --report --format json --diff cargo/two-crates/cargo-timing.html \
	cargo/two-crates-inline/build-analysis.jsonl) >"$tmp/cj" 2>"$tmp/err"
contains "cargo diff json: build figures" "$tmp/cj" '"base_cargo_wall_ns":1660000000,"base_critical_path_ns":1470000000,"base_units":4,"new_cargo_wall_ns":934826056,"new_critical_path_ns":724552837,"new_units":4'
contains "cargo diff json: a unit row" "$tmp/cj" '\{"name":"async-lib","version":"0.1.0","kind":"lib","target":null,"base_critical":true,"new_critical":true,"base_duration_ns":380000000,"new_duration_ns":143405421,"base_start_ns":420000000,"new_start_ns":544972771,"base_codegen_ns":240929523,"new_codegen_ns":61377764,"status":"both"\}'
# the HTML (no lib targets) and the log (targets) of one build pair whole,
# and a 77-unit build with itself pairs every unit with no change
"$st" --report --format json --diff "$data/cargo/two-crates/cargo-timing.html" \
	"$data/cargo/two-crates/build-analysis.jsonl" >"$tmp/cj" 2>"$tmp/err"
n=$(grep -o '"status":"both"' "$tmp/cj" | wc -l)
[ "$n" = 4 ] && ! grep -q '"status":"\(new\|gone\)"' "$tmp/cj" && ok "HTML and log of one build: 4 units paired" ||
	fail "HTML and log of one build: $n units paired"
"$st" --report --format json --diff "$data/cargo/tokio-hyper.html" "$data/cargo/tokio-hyper.html" >"$tmp/cj" 2>"$tmp/err"
n=$(grep -o '"base_duration_ns":[0-9]*,"new_duration_ns"' "$tmp/cj" | wc -l)
same=$(grep -o '"base_duration_ns":\([0-9]*\),"new_duration_ns":\1,' "$tmp/cj" | wc -l)
units=$(grep -o '"base_units":[0-9]*' "$tmp/cj" | cut -d: -f2)
[ "$n" = "$units" ] && [ "$same" = "$n" ] && [ "$n" -gt 70 ] &&
	! grep -q '"status":"\(new\|gone\)"' "$tmp/cj" && ok "a build with itself: all $n units paired, unchanged" ||
	fail "a build with itself: $n rows, $same unchanged, $units units"
# Two versions of one package pair version by version, whatever their
# order of start; a proc-macro pairs with the same unit called lib (as
# cargo's HTML report calls it).  Hand-made logs: log OUT writes the units
# of the array units, each "package version kind start duration" (seconds).
log() {
	local i=0 u
	{
		printf '{"run_id":"t","reason":"build-started","timestamp":"2026-12-03T00:00:00Z"}\n'
		for u in "${units[@]}"; do
			set -- $u
			printf '{"reason":"unit-registered","package_id":"registry+x#%s@%s","target":{"name":"%s","kind":"%s"},"mode":"build","index":%d,"dependencies":[]}\n' \
				"$1" "$2" "$1" "$3" $i
			i=$((i + 1))
		done
		i=0
		for u in "${units[@]}"; do
			set -- $u
			printf '{"reason":"unit-started","index":%d,"elapsed":%s}\n' $i "$4"
			printf '{"reason":"unit-finished","index":%d,"elapsed":%s,"unblocked":[]}\n' \
				$i "$(awk -v a="$4" -v b="$5" 'BEGIN { print a + b }')"
			i=$((i + 1))
		done
	} >"$1"
}
units=("syn 1.0.0 lib 0 1" "syn 2.0.0 lib 0.5 2" "macros 0.1.0 lib 0 0.5")
log "$tmp/base.jsonl"
units=("syn 2.0.0 lib 0 1.5" "syn 1.0.0 lib 0.2 1" "macros 0.1.0 proc-macro 0 0.4")
log "$tmp/new.jsonl"
expect "two versions: diff of hand-made logs" 0 "$st" --report --diff --by unit "$tmp/base.jsonl" "$tmp/new.jsonl"
contains "two versions: syn 2 with syn 2" "$tmp/out" '^ +2\.00s +1\.50s +-500ms +-25\.0%  lib +on +syn 2\.0\.0$'
contains "two versions: syn 1 with syn 1" "$tmp/out" '^ +1\.00s +1\.00s +0ns +0\.0%  lib +syn 1\.0\.0$'
contains "lib and proc-macro: one unit" "$tmp/out" '^ +500ms +400ms +-100ms +-20\.0%  proc-macro +macros 0\.1\.0$'
if grep -q '\[new\]\|\[gone\]' "$tmp/out"; then fail "hand-made logs: a unit unpaired"; else ok "hand-made logs: every unit paired"; fi

# A real pair: the tokio+hyper build (77 units) with fat LTO and with thin
# LTO (CARGO_PROFILE_RELEASE_LTO=thin), cargo's HTML reports: every unit
# pairs
check_report diff-cargo-lto --diff cargo/lto-fat.html cargo/lto-thin.html --top 12
"$st" --report --format json --diff "$data/cargo/lto-fat.html" "$data/cargo/lto-thin.html" >"$tmp/cj" 2>"$tmp/err"
n=$(grep -o '"status":"both"' "$tmp/cj" | wc -l)
[ "$n" = 77 ] && ! grep -q '"status":"\(new\|gone\)"' "$tmp/cj" && ok "fat vs thin LTO: 77 units paired" ||
	fail "fat vs thin LTO: $n units paired"

# one side without timings: its units are new (or gone), and said so
check_report diff-cargo-one --diff two-crates cargo/two-crates-inline --by unit
contains "timings on one side: said" "$tmp/diff-cargo-one.txt" '^Cargo timings: only the new build has them'
expect "by unit without timings: says why" 0 "$st" --report --diff --by unit "$data/$base" "$data/$new"
contains "by unit without timings: the reason" "$tmp/out" 'no cargo timings loaded on either side'

# usage
expect "diff needs two paths" 2 "$st" --report --diff "$data/$base"
one_line "diff with one path: one line" 'give BASE and NEW'
expect "diff with three paths" 2 "$st" --report --diff a b c
expect "min-delta without diff" 2 "$st" --report --min-delta 5ms "$data/$base"
expect "bad min-delta" 2 "$st" --report --diff --min-delta 5parsecs a b
expect "missing side is bad input" 1 "$st" --report --diff "$tmp/nope" "$data/$base"
one_line "missing side: one line naming it" "$tmp/nope"
finish
