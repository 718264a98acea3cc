#!/bin/sh
# run.sh [SECONDS]: builds every libFuzzer target with clang under ASan and
# UBSan in its own build directory and runs each for SECONDS (default 60),
# FUZZ_JOBS at a time, from its committed seeds, with -rss_limit_mb=2048
# -timeout=10.  Fails on any finding (crash, overrun, leak, undefined
# behaviour, timeout, memory blow-up) and prints the log's end and where the
# input is; exits 77 when clang is missing.  The seeds are copied to a
# scratch corpus, so nothing is written under tests/.
#   FUZZ_BUILD   the build directory (default _build-fuzz)
#   FUZZ_JOBS    make -j, and targets run at once (default 2)
#   FUZZ_TARGETS the targets to run (default: all of them)
# A finding is fixed in the parser, and its input is committed to
# tests/data/NAME/crashers/ (make check replays it).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${FUZZ_BUILD:-$top/_build-fuzz}
targets=${FUZZ_TARGETS:-"mmprof demangle trace folded timepasses llvmpasses snapshot cargo"}
command -v clang >/dev/null 2>&1 || { echo "run.sh: no clang: skipped"; exit 77; }
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
	clang -fsanitize=fuzzer,address -x c - -o /dev/null 2>/dev/null ||
	{ echo "run.sh: clang cannot link libFuzzer (libclang-rt-dev): skipped"; exit 77; }
[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh)
mkdir -p "$build"
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && "$top/configure" -q --enable-fuzzing --enable-asan \
	     --enable-ubsan CC=clang)
fi
jobs=${FUZZ_JOBS:-2}
progs=""
for t in $targets; do progs="$progs tests/fuzz/fuzz-$t"; done
make -s -C "$build" -j"$jobs" $progs >/dev/null

# fuzz T: one target's run, in the background; its exit status goes to rc
fuzz() {
	work="$build/fuzz-work/$1"
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/found"
	cp "$top/tests/fuzz/$1"/* "$work/corpus/"
	# inputs up to 16 KB: room for many pages, events and strings, small
	# enough for thousands of runs a second
	set -- "$1" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-max_len=16384 -print_final_stats=1 -artifact_prefix="$work/found/"
	[ -f "$top/tests/fuzz/$1.dict" ] && set -- "$@" -dict="$top/tests/fuzz/$1.dict"
	t=$1; shift
	if "$build/tests/fuzz/fuzz-$t" "$@" "$work/corpus" >"$work/log" 2>&1
	then echo 0; else echo 1; fi >"$work/rc"
}

# FUZZ_JOBS targets at a time: one per core
n=0
for t in $targets; do
	fuzz "$t" &
	n=$((n + 1))
	[ $n -lt "$jobs" ] || { wait; n=0; }
done
wait
status=0
for t in $targets; do
	work="$build/fuzz-work/$t"
	if [ "$(cat "$work/rc" 2>/dev/null)" = 0 ]; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
		cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1)
		echo "ok   fuzz-$t: $runs runs in ${secs}s, $cov, corpus $(ls "$work/corpus" | wc -l)"
	else
		status=1
		echo "FAIL fuzz-$t: $(ls "$work/found")"
		tail -n 40 "$work/log"
		echo "(log: $work/log; input: $work/found/)"
	fi
done
exit $status
