#!/usr/bin/env bash
# -j N / STALACTITE_JOBS: files load on several threads and the reports,
# warnings and errors are byte-identical whatever the thread count.
. "$(dirname "$0")/lib.sh"

# same NAME ARGS...: `stalactite --report ARGS` in $data with -j1, -j2, -j4,
# -j8 and STALACTITE_JOBS=3, stdout, stderr and exit status compared with
# -j1's, whose exit status must be $status (default 0).
same() {
	local name=$1; shift
	local rc=0
	(cd "$data" && "$st" -j 1 --report "$@") >"$tmp/want" 2>"$tmp/want.err" || rc=$?
	echo "exit $rc" >>"$tmp/want.err"
	[ "$rc" -eq "${status:-0}" ] || fail "$name: -j1 exits $rc"
	for how in "-j 2" "-j 4" "--jobs=8" "env"; do
		rc=0
		if [ "$how" = env ]; then
			(cd "$data" && STALACTITE_JOBS=3 "$st" --report "$@")
		else
			# shellcheck disable=SC2086
			(cd "$data" && "$st" $how --report "$@")
		fi >"$tmp/got" 2>"$tmp/got.err" || rc=$?
		echo "exit $rc" >>"$tmp/got.err"
		if cmp -s "$tmp/want" "$tmp/got" && cmp -s "$tmp/want.err" "$tmp/got.err"; then
			ok "$name ($how)"
		else
			fail "$name ($how) differs from -j1"
			diff -u "$tmp/want" "$tmp/got" | head -20
			diff -u "$tmp/want.err" "$tmp/got.err" | head -10
		fi
	done
}

# multi-file builds: directories, several paths, every format, compressed
same "two crates, text" two-crates --top 0
same "two crates, json" two-crates --format json
same "two builds as one, json" --format json two-crates two-crates-inline
same "with cargo timings (html and log), json" --format json cargo/two-crates
same "timings given first, text" cargo/tokio-hyper.html two-crates --top 3
same "every format at once, json" --format json formats two-crates \
	lib-crate.mm_profdata llvm-events-only.mm_profdata measureme-test-v8.mm_profdata \
	measureme-test-v9.mm_profdata odd-command-line.mm_profdata
same "by function" two-crates two-crates-inline --by function --top 0
same "diff of two directories" --format json --diff two-crates two-crates-inline
same "match (one thread)" --match 'Inliner' two-crates

# cargo timings on standard input or a FIFO beside profiles: the worker
# that reads them keeps their bytes for the calling thread, since a pipe
# cannot be read twice
c="$data/cargo/two-crates"
"$st" -j 1 --report --format json "$c"/*.zst - <"$c/cargo-timing.html" >"$tmp/want" 2>&1
for j in 2 4; do
	"$st" -j $j --report --format json "$c"/*.zst - <"$c/cargo-timing.html" >"$tmp/got" 2>&1
	cmp -s "$tmp/want" "$tmp/got" && ok "cargo timings on stdin beside profiles (-j $j)" ||
		{ fail "cargo timings on stdin beside profiles (-j $j) differ from -j 1"; head -3 "$tmp/got"; }
	mkfifo "$tmp/timings"
	timeout 20 sh -c "cat '$c/build-analysis.jsonl' >'$tmp/timings'" &
	timeout 20 "$st" -j $j --report "$c"/*.zst "$tmp/timings" >"$tmp/got" 2>&1
	"$st" -j 1 --report "$c"/*.zst "$c/build-analysis.jsonl" 2>&1 |
		sed "s|$c/build-analysis.jsonl|$tmp/timings|g" >"$tmp/want.fifo"
	cmp -s "$tmp/want.fifo" "$tmp/got" && ok "cargo timings from a FIFO beside profiles (-j $j)" ||
		{ fail "cargo timings from a FIFO beside profiles (-j $j)"; diff "$tmp/want.fifo" "$tmp/got" | head -5; }
	wait
	rm -f "$tmp/timings"
done
contains "the timings on stdin were loaded" "$tmp/want" '"build":\{'

# one file: decoded on a thread of its own, built on the calling one
same "one profile, json" --format json lib-crate.mm_profdata
same "one compressed profile, text" two-crates/app-0006256.mm_profdata.zst --top 0
data=$(dirname "$sample") same "the sample, json" --format json "$(basename "$sample")"
same "a text format alone" --format json formats/lib-crate.stacks_folded

# the sample and its copies under other names: warnings in file order
mkdir "$tmp/dup"
for i in 1 2 3 4 5; do cp "$sample" "$tmp/dup/copy$i.mm_profdata"; done
cp "$data/two-crates/"* "$tmp/dup/"
printf 'not a profile\n' >"$tmp/dup/notes.txt"
data=$tmp same "copies of one crate: warnings" --format json dup
contains "copies warned about" "$tmp/got.err" "another profile of crate"

# the first bad file in file order is the error, whichever thread got there
cp -r "$tmp/dup" "$tmp/bad"
head -c 5000 "$sample" >"$tmp/bad/copy2.mm_profdata"
printf 'MMPD\011\000\000\000garbage' >"$tmp/bad/copy4.mm_profdata"
data=$tmp status=1 same "first bad file wins" dup bad
contains "the error names copy2" "$tmp/got.err" 'bad/copy2\.mm_profdata'
data=$tmp status=1 same "one bad file" bad/copy4.mm_profdata

# usage
for bad in 0 -1 x 2x ""; do
	expect "-j '$bad' is a usage error" 2 "$st" -j "$bad" --report "$sample"
	one_line "-j '$bad': one line" '-j needs a number of threads'
done
expect "--jobs=0 is a usage error" 2 "$st" --jobs=0 --report "$sample"
expect "-j without a count" 2 "$st" --report "$sample" -j
expect "STALACTITE_JOBS=junk" 2 env STALACTITE_JOBS=junk "$st" --report "$sample"
one_line "STALACTITE_JOBS=junk: one line" 'STALACTITE_JOBS must be a number'
expect "-j wins over STALACTITE_JOBS" 0 env STALACTITE_JOBS=junk "$st" -j 2 --report "$sample"
expect "a large -j is taken as the most" 0 "$st" -j 100000 --report "$data/two-crates"
"$st" --help >"$tmp/help"
contains "help names -j" "$tmp/help" '^  -j, --jobs=N'

finish
