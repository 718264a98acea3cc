#!/bin/sh
# Benchmarks, run by `make bench` from the build directory (not by CI).
#
#   bench/run.sh [STALACTITE]      default: $STALACTITE, else ./stalactite
#
# 1. Load speed: `stalactite --report --format json` against `cat` of the same
#    bytes (warm page cache), with hyperfine, on the bundled sample, on
#    bench/out/big.mm_profdata (>= 100 MB) and on the directory bench/out/build/
#    (all profiles of one cargo build).  Prints both times and their ratio.
# 2. Peak memory of the report run (/usr/bin/time -f %M) as a fraction of the
#    input size.
# 2a. Threads: the same report with -j 1 and -j 2 (and -j N with JOBS=N) on
#    the whole build and on the big profile: min and median wall time over
#    RUNS runs (default 5), the ratio of the medians, peak RSS of each (the
#    issue's targets: -j 2 at most 0.6x of -j 1 on a whole build; peak RSS
#    under a third of the input).
# 2b. The Chrome trace loader on every bench/out/*.llvm_timings.json (made by
#    hand with -Z llvm-time-trace, see BENCHMARKS.md; not committed): MB/s of
#    the report run and peak RSS against the issue's targets (200 MB/s, peak
#    under half the file).
# 2c. Snapshots: --save time and size, and the short report from the
#    snapshot against the profiles (target: at most 0.05x).
# 2d. Against measureme's summarize, the tool a user runs instead (SUMMARIZE=
#    path of its binary, e.g. ../shared/peers/summarize; skipped, saying so,
#    when unset): `summarize summarize FILE` against `stalactite --report
#    FILE` on the big profile, and on the whole build summarize one file at a
#    time (it reads one profile per run) against one `stalactite --report
#    DIR`, in the same run: wall (mean) and peak RSS (for the loop, its
#    largest run).  Targets: wall 0.10x and RSS 0.40x on the profile; wall
#    0.05x on the build, its RSS under a third of the build's bytes.
# 3. Other benchmark programs: every executable bench/bench-* in the build
#    directory (bench-demangle, bench-search, ...), run with top_srcdir set.
#
# The big profiles are made by bench/make-profiles.sh when missing and nightly
# Rust is available; otherwise the benchmarks that need them are skipped.
# Environment: RUNS (hyperfine --runs; default: hyperfine decides for inputs
# under 200 MB, 3 runs above, after 1 warm-up run),
# NO_MAKE_PROFILES=1 (never build profiles), BENCH_PROGRAMS=0 (skip part 3),
# DIFF_PAIRS="BASE:NEW ..." (more pairs for the --diff benchmark).
set -u

bin=${1:-${STALACTITE:-./stalactite}}
benchdir=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$benchdir/.." && pwd)
out="$benchdir/out"
big="$out/big.mm_profdata"
builddir="$out/build"
# the sample is unpacked by make into the build directory
sample="examples/photo-service.mm_profdata"
[ -s "$sample" ] || sample="$srcdir/examples/photo-service.mm_profdata"

say() { printf '%s\n' "$*"; }
hr() { say ""; say "== $*"; }

size_of() { # bytes of a file, or of all files in a directory
    if [ -d "$1" ]; then
        find "$1" -type f -name '*.mm_profdata' -exec cat {} + | wc -c
    else
        wc -c <"$1"
    fi
}
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

# ---------------------------------------------------------------- inputs

if [ ! -s "$big" ] || [ ! -d "$builddir" ]; then
    if [ "${NO_MAKE_PROFILES:-0}" != 1 ] && rustup run nightly rustc --version >/dev/null 2>&1; then
        say "bench: making the big profiles first (bench/make-profiles.sh; takes minutes)"
        sh "$benchdir/make-profiles.sh" || say "bench: make-profiles.sh failed; using what exists"
    else
        say "bench: $big is missing and nightly Rust is not available (or NO_MAKE_PROFILES=1);"
        say "       the big-profile benchmarks are skipped. Make them with bench/make-profiles.sh."
    fi
fi

inputs=""
[ -s "$sample" ] && inputs="$sample"
[ -s "$big" ] && inputs="$inputs $big"
[ -d "$builddir" ] && [ -n "$(ls "$builddir" 2>/dev/null)" ] && inputs="$inputs $builddir"

# ---------------------------------------------------------------- checks

report_ok=1
if [ ! -x "$bin" ]; then
    say "bench: no stalactite binary at $bin (build it, or pass its path)"
    report_ok=0
else
    err=$(mktemp)
    if ! "$bin" --report --format json "$sample" >/dev/null 2>"$err"; then
        say "bench: '$bin --report --format json' fails on the sample:"
        sed 's/^/    /' "$err" | head -n 5
        report_ok=0
    fi
    rm -f "$err"
fi

have_hyperfine=1
command -v hyperfine >/dev/null 2>&1 || {
    have_hyperfine=0
    say "bench: hyperfine not found (apt-get install hyperfine); timing with a simple best-of-5 loop"
}
timebin=/usr/bin/time
[ -x "$timebin" ] || {
    timebin=""
    say "bench: /usr/bin/time not found (apt-get install time); peak memory is skipped"
}

# ---------------------------------------------------------------- helpers

# mean seconds of a shell command, from hyperfine's JSON (warm cache);
# $2: number of runs, or empty to let hyperfine decide
hyper_mean() {
    json=$(mktemp)
    if [ -n "$2" ]; then
        hyperfine --style none --warmup 1 --runs "$2" --export-json "$json" "$1" >/dev/null 2>&1
    else
        hyperfine --style none --warmup 1 --export-json "$json" "$1" >/dev/null 2>&1
    fi
    st=$?
    if [ $st -eq 0 ]; then
        # first "mean" in the file is the command's mean
        tr ',' '\n' <"$json" | awk -F: '/"mean"/ { print $2 + 0; exit }'
    fi
    rm -f "$json"
    return $st
}

# fallback: best of 5 wall times, seconds
loop_best() {
    best=""
    for i in 1 2 3 4 5 6; do
        t0=$(date +%s%N)
        sh -c "$1" >/dev/null 2>&1 || return 1
        t1=$(date +%s%N)
        [ "$i" = 1 ] && continue # warm-up
        t=$((t1 - t0))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    awk -v n="$best" 'BEGIN { print n / 1e9 }'
}

measure() {
    if [ "$have_hyperfine" = 1 ]; then
        hyper_mean "$1" "$2"
    else
        loop_best "$1"
    fi
}

# ---------------------------------------------------------------- 1 + 2

if [ "$report_ok" = 1 ] && [ -n "$inputs" ]; then
    hr "load: stalactite --report --format json vs cat (warm cache, mean)"
    printf '%-28s %10s %10s %10s %8s %12s %8s\n' input size cat report ratio peak-RSS RSS/size
    for in in $inputs; do
        bytes=$(size_of "$in")
        if [ -d "$in" ]; then
            name="$(basename "$in")/ ($(ls "$in" | wc -l) files)"
            catcmd="cat $in/*.mm_profdata >/dev/null"
        else
            name=$(basename "$in")
            catcmd="cat $in >/dev/null"
        fi
        repcmd="$bin --report --format json $in >/dev/null"
        runs=${RUNS:-}
        [ -z "$runs" ] && [ "$bytes" -gt 200000000 ] && runs=3
        tc=$(measure "$catcmd" "$runs") || tc=""
        tr=$(measure "$repcmd" "$runs") || tr=""
        rss=""
        if [ -n "$timebin" ]; then
            rss=$($timebin -f %M "$bin" --report --format json "$in" 2>&1 >/dev/null | tail -n 1)
        fi
        awk -v name="$name" -v bytes="$bytes" -v tc="$tc" -v tr="$tr" -v rss="$rss" 'BEGIN {
            ratio = (tc > 0 && tr > 0) ? sprintf("%.1fx", tr / tc) : "-"
            frac = (rss ~ /^[0-9]+$/ && bytes > 0) ? sprintf("%.2f", rss * 1024 / bytes) : "-"
            rs = (rss ~ /^[0-9]+$/) ? sprintf("%.1f MB", rss * 1024 / 1e6) : "-"
            printf "%-28s %7.1f MB %8s %10s %8s %12s %8s\n", name, bytes / 1e6,
                tc == "" ? "failed" : sprintf("%.3f s", tc),
                tr == "" ? "failed" : sprintf("%.3f s", tr), ratio, rs, frac
        }'
    done
    say "(ratio = report time / cat time; RSS/size = peak resident memory / input bytes)"
elif [ "$report_ok" = 1 ]; then
    say "bench: no profiles to load; skipping the load benchmarks"
fi

# ---------------------------------------------------------------- threads

# min and median seconds of a command over $2 runs (after one warm-up)
min_median() {
    json=$(mktemp)
    if [ "$have_hyperfine" = 1 ]; then
        hyperfine --style none --warmup 1 --runs "$2" --export-json "$json" "$1" >/dev/null 2>&1 || { rm -f "$json"; return 1; }
        tr ',' '\n' <"$json" | awk -F: '/"median"/ { md = $2 + 0 } /"min"/ { mn = $2 + 0 } END { printf "%.3f %.3f\n", mn, md }'
    else
        sh -c "$1" >/dev/null 2>&1 || return 1
        for i in $(seq "$2"); do
            t0=$(date +%s%N); sh -c "$1" >/dev/null 2>&1; t1=$(date +%s%N)
            echo $((t1 - t0))
        done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f %.3f\n", v[1] / 1e9, v[int((NR + 1) / 2)] / 1e9 }'
    fi
    rm -f "$json"
}

if [ "$report_ok" = 1 ]; then
    tinputs=""
    [ -d "$builddir" ] && [ -n "$(ls "$builddir" 2>/dev/null)" ] && tinputs="$builddir"
    [ -s "$big" ] && tinputs="$tinputs $big"
    [ -z "$tinputs" ] && tinputs=$sample
    jobs="1 2"
    [ -n "${JOBS:-}" ] && [ "${JOBS}" != 2 ] && jobs="$jobs $JOBS"
    hr "threads: --report --format json with -j N (warm cache, ${RUNS:-5} runs)"
    printf '%-28s %4s %10s %10s %8s %12s %8s\n' input jobs min median "vs -j1" peak-RSS RSS/size
    for in in $tinputs; do
        bytes=$(size_of "$in")
        base=""
        for j in $jobs; do
            mm=$(min_median "$bin -j $j --report --format json $in >/dev/null" "${RUNS:-5}") || mm=""
            rss=""
            [ -n "$timebin" ] && rss=$($timebin -f %M "$bin" -j "$j" --report --format json "$in" 2>&1 >/dev/null | tail -n 1)
            md=${mm#* }
            [ "$j" = 1 ] && base=$md
            awk -v name="$(basename "$in")" -v j="$j" -v mm="$mm" -v base="$base" -v rss="$rss" -v bytes="$bytes" 'BEGIN {
                split(mm, t, " ")
                r = (base > 0 && t[2] > 0) ? sprintf("%.2fx", t[2] / base) : "-"
                rs = (rss ~ /^[0-9]+$/) ? sprintf("%.1f MB", rss * 1024 / 1e6) : "-"
                frac = (rss ~ /^[0-9]+$/ && bytes > 0) ? sprintf("%.2f", rss * 1024 / bytes) : "-"
                printf "%-28s %4s %10s %10s %8s %12s %8s\n", name, j,
                    mm == "" ? "failed" : sprintf("%.3f s", t[1]),
                    mm == "" ? "failed" : sprintf("%.3f s", t[2]), r, rs, frac
            }'
        done
    done
    say "(targets: -j 2 at most 0.60x of -j 1 on the whole build; RSS/size under 0.33)"
fi

# ---------------------------------------------------------------- traces

traces=$(ls "$out"/*.llvm_timings.json 2>/dev/null)
if [ "$report_ok" = 1 ] && [ -n "$traces" ]; then
    hr "chrome trace loader: --report --format json (warm cache, mean)"
    printf '%-36s %10s %10s %8s %12s %8s\n' trace size report MB/s peak-RSS RSS/size
    for in in $traces; do
        bytes=$(size_of "$in")
        runs=${RUNS:-}
        [ -z "$runs" ] && [ "$bytes" -gt 200000000 ] && runs=3
        tr=$(measure "$bin --report --format json $in >/dev/null" "$runs") || tr=""
        rss=""
        [ -n "$timebin" ] && rss=$($timebin -f %M "$bin" --report --format json "$in" 2>&1 >/dev/null | tail -n 1)
        awk -v name="$(basename "$in")" -v bytes="$bytes" -v tr="$tr" -v rss="$rss" 'BEGIN {
            mbs = tr > 0 ? sprintf("%.0f", bytes / 1e6 / tr) : "-"
            frac = (rss ~ /^[0-9]+$/) ? sprintf("%.2f", rss * 1024 / bytes) : "-"
            rs = (rss ~ /^[0-9]+$/) ? sprintf("%.1f MB", rss * 1024 / 1e6) : "-"
            printf "%-36s %7.1f MB %10s %8s %12s %8s\n", name, bytes / 1e6,
                tr == "" ? "failed" : sprintf("%.3f s", tr), mbs, rs, frac
        }'
    done
    say "(targets: 200 MB/s or more, RSS/size under 0.50)"
fi

# ---------------------------------------------------------------- diff

# --diff BASE NEW against loading BASE and NEW one after the other: the
# pairing itself should cost little next to the two loads.
if [ "$report_ok" = 1 ]; then
    pairs="$sample:$sample"
    [ -s "$big" ] && pairs="$pairs $big:$big"
    two="$srcdir/tests/data/two-crates"
    [ -d "$two" ] && [ -d "$two-inline" ] && pairs="$pairs $two:$two-inline"
    # DIFF_PAIRS="BASE:NEW ...": more pairs, e.g. two real builds of one crate
    pairs="$pairs ${DIFF_PAIRS:-}"
    hr "diff: --report --format json --diff BASE NEW vs loading both (warm cache, mean)"
    printf '%-40s %12s %12s %8s\n' pair "load both" diff ratio
    for pair in $pairs; do
        a=${pair%%:*} b=${pair#*:}
        both="$bin --report --format json $a >/dev/null && $bin --report --format json $b >/dev/null"
        diffcmd="$bin --report --format json --diff $a $b >/dev/null"
        t2=$(measure "$both" "${RUNS:-}") || t2=""
        td=$(measure "$diffcmd" "${RUNS:-}") || td=""
        awk -v name="$(basename "$a") vs $(basename "$b")" -v t2="$t2" -v td="$td" 'BEGIN {
            printf "%-40s %12s %12s %8s\n", name,
                t2 == "" ? "failed" : sprintf("%.3f s", t2),
                td == "" ? "failed" : sprintf("%.3f s", td),
                (t2 > 0 && td > 0) ? sprintf("%.2fx", td / t2) : "-"
        }'
    done
    say "(ratio = diff time / time to load both; at most 1.0x is the target)"
fi

# ---------------------------------------------------------------- snapshot

# --save FILE, then the same short report from the snapshot and from the
# profiles: the reopen should take at most 0.05x the load.  The save is
# timed once (it writes and fsyncs the file).
if [ "$report_ok" = 1 ] && [ -n "$inputs" ]; then
    hr "snapshot: --save; --report --by crate -n 5 from the profiles vs from the snapshot (warm cache, mean)"
    printf '%-28s %10s %10s %10s %10s %8s\n' input save size load reopen ratio
    snapdir=$(mktemp -d)
    for in in $inputs; do
        snap="$snapdir/$(basename "$in").snap"
        t0=$(date +%s%N)
        if "$bin" --save "$snap" "$in" 2>/dev/null; then
            t1=$(date +%s%N)
            ts=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f s", n / 1e9 }')
            sz=$(mb "$(wc -c <"$snap")")
        else
            ts=failed sz=-
        fi
        runs=${RUNS:-}
        [ -z "$runs" ] && [ "$(size_of "$in")" -gt 200000000 ] && runs=3
        tl=$(measure "$bin --report --by crate -n 5 $in >/dev/null 2>&1" "$runs") || tl=""
        to=$(measure "$bin --report --by crate -n 5 $snap >/dev/null" "") || to=""
        if [ -d "$in" ]; then name="$(basename "$in")/"; else name=$(basename "$in"); fi
        awk -v name="$name" -v ts="$ts" -v sz="$sz" -v tl="$tl" -v to="$to" 'BEGIN {
            printf "%-28s %10s %10s %10s %10s %8s\n", name, ts, sz,
                tl == "" ? "failed" : sprintf("%.3f s", tl),
                to == "" ? "failed" : sprintf("%.4f s", to),
                (tl > 0 && to > 0) ? sprintf("%.3fx", to / tl) : "-"
        }'
        rm -f "$snap"
    done
    rmdir "$snapdir" 2>/dev/null
    say "(ratio = reopen time / load time; at most 0.05x is the target)"
fi

# ---------------------------------------------------------------- summarize

if [ "$report_ok" = 1 ] && [ -z "${SUMMARIZE:-}" ]; then
    hr "summarize: SUMMARIZE is not set; the comparison with measureme's summarize is skipped"
    say "(SUMMARIZE=/path/to/summarize make bench runs it)"
elif [ "$report_ok" = 1 ] && [ ! -x "$SUMMARIZE" ]; then
    hr "summarize: $SUMMARIZE is not an executable; comparison skipped"
elif [ "$report_ok" = 1 ]; then
    hr "vs summarize: the same files in the same run (warm cache, mean; peak RSS)"
    printf '%-28s %10s %11s %11s %8s %10s %10s %8s %8s\n' input size summarize stalactite ratio \
        "RSS sum." "RSS st." ratio RSS/size
    for in in $big $builddir; do
        [ -e "$in" ] || continue
        bytes=$(size_of "$in")
        if [ -d "$in" ]; then
            name="$(basename "$in")/ ($(ls "$in" | wc -l) files)"
            scmd="for f in $in/*.mm_profdata; do $SUMMARIZE summarize \$f >/dev/null || exit 1; done"
        else
            name=$(basename "$in")
            scmd="$SUMMARIZE summarize $in >/dev/null"
        fi
        stcmd="$bin --report $in >/dev/null"
        ts=$(measure "$scmd" 3) || ts=""
        tt=$(measure "$stcmd" 3) || tt=""
        rs="" rt=""
        if [ -n "$timebin" ]; then
            rs=$($timebin -f %M sh -c "$scmd" 2>&1 >/dev/null | tail -n 1)
            rt=$($timebin -f %M sh -c "$stcmd" 2>&1 >/dev/null | tail -n 1)
        fi
        awk -v name="$name" -v bytes="$bytes" -v ts="$ts" -v tt="$tt" -v rs="$rs" -v rt="$rt" 'BEGIN {
            num = "^[0-9]+$"
            printf "%-28s %7.1f MB %11s %11s %8s %10s %10s %8s %8s\n", name, bytes / 1e6,
                ts == "" ? "failed" : sprintf("%.3f s", ts),
                tt == "" ? "failed" : sprintf("%.3f s", tt),
                (ts > 0 && tt > 0) ? sprintf("%.3fx", tt / ts) : "-",
                rs ~ num ? sprintf("%.0f MB", rs * 1024 / 1e6) : "-",
                rt ~ num ? sprintf("%.0f MB", rt * 1024 / 1e6) : "-",
                (rs ~ num && rt ~ num) ? sprintf("%.2fx", rt / rs) : "-",
                rt ~ num ? sprintf("%.2f", rt * 1024 / bytes) : "-"
        }'
    done
    say "(ratio = stalactite / summarize; targets: profile wall 0.10x, RSS 0.40x;"
    say " build wall 0.05x, RSS/size under 0.33)"
fi

# ---------------------------------------------------------------- 3

if [ "${BENCH_PROGRAMS:-1}" != 0 ]; then
    for prog in bench/bench-*; do
        [ -f "$prog" ] && [ -x "$prog" ] || continue
        case $prog in *.c | *.o | *.h | *.sh) continue ;; esac
        hr "$prog"
        top_srcdir=$srcdir "./$prog" || say "bench: $prog exited with status $?"
    done
fi
