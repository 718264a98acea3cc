#!/usr/bin/env bash
# Golden tests: reports of committed fixtures compared with tests/golden/ by
# diff -u.  UPDATE=1 rewrites the expected files (review the diff before
# committing them).
. "$(dirname "$0")/lib.sh"
golden="$top_srcdir/tests/golden"

# check NAME DIR FILE ARGS...: runs the report in DIR (so paths stay relative).
check() {
	local name=$1 dir=$2 file=$3; shift 3
	local want="$golden/report-$name.txt" got="$tmp/$name.txt" rc=0
	(cd "$dir" && "$st" --report "$@" "$file") >"$got" 2>&1 || rc=$?
	echo "exit $rc" >>"$got"
	compare_golden "$name" "$want" "$got"
}

ex="$top_builddir/examples"
check sample-text "$ex" photo-service.mm_profdata --top 12
check sample-json "$ex" photo-service.mm_profdata --format json --top 8
check sample-by-async "$ex" photo-service.mm_profdata --by async
check sample-by-generic "$ex" photo-service.mm_profdata --by generic --top 15
check sample-match "$ex" photo-service.mm_profdata --match 'closure#\d+\}$' --by source
check v8-labels "$data" measureme-test-v8.mm_profdata --by label --top 15
check v9-labels "$data" measureme-test-v9.mm_profdata --by label --top 15
# every row, cache-hit-only labels included; figures checked against summarize
check lib-crate-labels "$data" lib-crate.mm_profdata --by label --top 0
check v9-artifacts "$data" measureme-test-v9.mm_profdata --by artifact
check lib-crate "$data" lib-crate.mm_profdata --top 8
check llvm-only "$data" llvm-events-only.mm_profdata --top 8
check odd-cmd "$data" odd-command-line.mm_profdata --by source
# the other formats (tests/data/formats, made by examples/regen-formats.sh)
fd="$data/formats"
for f in photo_service.llvm_timings.json.zst photo_service.time-passes.txt \
         photo_service.time-llvm-passes.txt lib-crate.stacks_folded \
         lib-crate.crox.json.gz; do
	n=${f%.zst}; n=${n%.gz}; n=${n%.txt}; n=${n%.json}; n=${n//[._]/-}
	check "fmt-$n-text" "$fd" "$f" --top 5
	check "fmt-$n-json" "$fd" "$f" --format json --top 5
done
finish
