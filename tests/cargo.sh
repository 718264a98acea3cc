#!/usr/bin/env bash
# cargo timings: golden reports of cargo's HTML report, its build-analysis
# log and a directory holding both with the build's self-profiles (one
# joined build), and bad input (one line naming the file and where, exit 1).
. "$(dirname "$0")/lib.sh"
golden="$top_srcdir/tests/golden"
cd "$data/cargo"

check() {   # check NAME ARGS...: golden report, run in tests/data/cargo
	local name=$1; shift
	local got="$tmp/$name.txt" rc=0
	"$st" --report "$@" >"$got" 2>&1 || rc=$?
	echo "exit $rc" >>"$got"
	compare_golden "$name" "$golden/cargo-$name.txt" "$got"
}
check html-text two-crates/cargo-timing.html
check html-json two-crates/cargo-timing.html --format json
check log-text two-crates/build-analysis.jsonl
check log-json two-crates/build-analysis.jsonl --format json
check joined-text two-crates --by unit
check joined-crates two-crates --by crate
check joined-json two-crates --format json --top 5
check tokio-hyper tokio-hyper.html --by unit --top 0
# a log cut at a line's end (a build cut off): the unit still running runs
# to the last event, with a warning
head -30 two-crates/build-analysis.jsonl >"$tmp/cut.jsonl"
expect "a log cut at a line's end loads" 0 "$st" --report --by unit "$tmp/cut.jsonl"
contains "the unfinished unit is timed to the last event" "$tmp/out" '^ +800ms +146ms +- +146ms +- bin +\*app'
one_line "and says so" 'cut\.jsonl: 1 unit started and did not finish before the log ends'
# --by unit on profiles alone says there are no units to show
"$st" --report --by unit two-crates/*.zst >"$tmp/out" 2>&1
contains "--by unit without timings says so" "$tmp/out" 'no cargo timings loaded'

# both paths given: the same as the directory
"$st" --report --by crate two-crates/cargo-timing.html two-crates/*.zst \
	>"$tmp/out" 2>"$tmp/err" && contains "HTML and profiles joined" "$tmp/out" '\*app$'
# from standard input, and compressed
gzip -c two-crates/build-analysis.jsonl >"$tmp/log.gz"
expect "log gzip on stdin" 0 sh -c "'$st' --report - <'$tmp/log.gz'"
contains "log from stdin" "$tmp/out" 'critical path 1.47s'

# bad input
head -c 7000 two-crates/cargo-timing.html >"$tmp/cut.html"
expect "truncated HTML" 1 "$st" --report "$tmp/cut.html"
one_line "truncated HTML message" 'cut\.html: offset [0-9]+: UNIT_DATA is not valid JSON'
sed 's/UNIT_DATA/NOT_DATA/' two-crates/cargo-timing.html >"$tmp/nodata.html"
expect "HTML without UNIT_DATA" 1 "$st" --report "$tmp/nodata.html"
one_line "no UNIT_DATA message" 'nodata\.html: offset 0: an HTML page without UNIT_DATA'
sed '20s/.*/{"run_id":"x", "reason": "unit-started", oops/' \
	two-crates/build-analysis.jsonl >"$tmp/bad.jsonl"
expect "corrupt log line" 1 "$st" --report "$tmp/bad.jsonl"
one_line "corrupt log line message" 'bad\.jsonl: line 20: not a JSON object$'
sed '21s/"index":[0-9]*,//' two-crates/build-analysis.jsonl >"$tmp/noindex.jsonl"
expect "log event without index" 1 "$st" --report "$tmp/noindex.jsonl"
one_line "log event without index message" "noindex\.jsonl: line 21: unit-.* event without a valid 'index'"
finish
