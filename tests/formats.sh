#!/usr/bin/env bash
# Chrome traces, -Z time-passes, -Z time-llvm-passes and folded stacks:
# figures checked on small handmade inputs, the real files of
# tests/data/formats (examples/regen-formats.sh) through a directory, stdin
# and compression, and bad input (one line naming the file and where, exit 1).
. "$(dirname "$0")/lib.sh"
fd="$data/formats"

# json NAME FILE... : the JSON report of the files into $tmp/j
json() { "$st" --report --format json --top 0 "$@" >"$tmp/j" 2>"$tmp/jerr"; }
# has NAME TEXT: the last JSON report holds TEXT verbatim
has() {
	if grep -qF -- "$2" "$tmp/j"; then ok "$1"; else
		fail "$1: no '$2' in the report"; head -c 600 "$tmp/j" | sed 's/^/     /'; fi
}

# time-passes: seconds to ns exactly, a parent's line after its children
tab=$(printf '\t')
cat >"$tmp/tp.txt" <<EOT
warning: not a time line
time:   0.570; rss:   10MB ->   20MB (  +10MB)${tab}child
time:   0.001; rss:   12MB ->   14MB (   +2MB)${tab}other
time:   0.600; rss:   10MB ->   30MB (  +20MB)${tab}parent
time:   0.029; rss:   10MB ->   30MB (  +20MB)${tab}child
EOT
json "$tmp/tp.txt"
has "time-passes: 0.570 s + 0.029 s is 599000000 ns over 2 lines" \
	'{"label":"child","count":2,"self_ns":599000000,"total_ns":599000000'
has "time-passes: the parent encloses the lines before it" \
	'{"label":"parent","count":1,"self_ns":29000000,"total_ns":600000000'
has "time-passes format named" '"format":"time-passes","crate":"tp"'
contains "time-passes: other lines counted in a warning" "$tmp/jerr" 'skipped 1 line that is not'

# rustc's last line, total, holds the run (its RSS range does not hold its
# lines'), except a line longer than what is left of it (another thread's)
cat >"$tmp/tpt.txt" <<EOT
time:   0.100; rss:   30MB ->   90MB (  +60MB)${tab}parse
time:   0.500; rss:   90MB ->  140MB (  +50MB)${tab}LLVM_passes
time:   0.450; rss:   90MB ->  140MB (  +50MB)${tab}finish_codegen
time:   0.050; rss:  140MB ->  100MB (  -40MB)${tab}link
time:   0.700; rss:   27MB ->   87MB (  +60MB)${tab}total
EOT
json "$tmp/tpt.txt"
has "time-passes: total holds the lines that fit" \
	'{"label":"total","count":1,"self_ns":100000000,"total_ns":700000000'
has "time-passes: the run's wall is total's" '"crate":"tpt","kind":"lib","sources":1,"wall_ns":700000000'
has "time-passes: another thread's line kept whole" '{"label":"LLVM_passes","count":1,"self_ns":500000000,"total_ns":500000000'

# folded stacks: a count is the leaf's self ns
printf '# comment\na;b 5\na;b;c 7\na 3\nnot a stack\nd 11\n' >"$tmp/f.folded"
json "$tmp/f.folded"
has "folded: leaf self time" '{"label":"c","count":1,"self_ns":7,"total_ns":7'
has "folded: inner frame self and total" '{"label":"b","count":1,"self_ns":5,"total_ns":12'
has "folded: root total" '{"label":"a","count":1,"self_ns":3,"total_ns":15'
contains "folded: malformed lines in one warning" "$tmp/jerr" 'skipped 1 line that is not .*line 5'
# what is folded stacks: a stack of several frames among the first two
# lines; any byte but NUL in a name; a last line without its newline
printf 'id 1\nname 2\n' >"$tmp/idname.txt"
expect "folded: two lines of one word and a number are not stacks" 1 "$st" --report "$tmp/idname.txt"
printf 'main;a\033[31mx 5\nmain;b 3\n' >"$tmp/esc.folded"
json "$tmp/esc.folded"
has "folded: an escape in a frame name loads" '{"label":"a\u001b[31mx","count":1,"self_ns":5'
printf 'main;a 5' >"$tmp/nonl.folded"
expect "folded: one stack without a newline loads" 0 "$st" --report "$tmp/nonl.folded"

# Chrome traces: µs rounded to ns, B/E pairs, unknown phases ignored
cat >"$tmp/g.json" <<'EOT'
{"traceEvents":[
 {"ph":"X","name":"outer","cat":"GenericActivity","ts":10,"dur":2.5004,"pid":1,"tid":1},
 {"ph":"B","name":"be","ts":11,"pid":1,"tid":1},{"ph":"i","name":"instant","ts":11,"pid":1,"tid":1},
 {"ph":"E","ts":12,"pid":1,"tid":1}],"displayTimeUnit":"ns"}
EOT
json "$tmp/g.json"
has "trace: 2.5004 µs is 2500 ns" '{"label":"outer","count":1,"self_ns":1500,"total_ns":2500'
has "trace: B/E pair matched" '{"label":"be","count":1,"self_ns":1000,"total_ns":1000'

# an LLVM time trace: CGU from the thread name, functions demangled,
# Total events left out, RunPass named by its machine pass, a loop pass
# counted for its function
cat >"$tmp/app.llvm_timings.json" <<'EOT'
{"traceEvents":[{"pid":1,"tid":7,"ts":100,"ph":"X","dur":40,"name":"OptFunction","args":{"detail":"_RNvCs1234_3app4main"}},
{"pid":1,"tid":7,"ts":110,"ph":"X","dur":10,"name":"InstCombinePass","args":{"detail":"_RNvCs1234_3app4main"}},
{"pid":1,"tid":7,"ts":125,"ph":"X","dur":5,"name":"RunPass","args":{"detail":"X86 DAG->DAG Instruction Selection"}},
{"pid":1,"tid":7,"ts":131,"ph":"X","dur":6,"name":"LICMPass","args":{"detail":"loop %<unnamed loop> in function _RNvCs1234_3app4main"}},
{"pid":1,"tid":7,"ts":90,"ph":"X","dur":5,"name":"GlobalOptPass","args":{"detail":"[module]"}},
{"pid":1,"tid":8,"ph":"X","ts":0,"dur":999,"name":"Total InstCombinePass","args":{"count":1,"avg ms":0}},
{"cat":"","pid":1,"tid":7,"ts":0,"ph":"M","name":"thread_name","args":{"name":"opt cgu.3"}}],
"beginningOfTime":1}
EOT
json "$tmp/app.llvm_timings.json"
has "llvm trace: pass self time" '{"pass":"InstCombinePass","count":1,"self_ns":10000}'
has "llvm trace: RunPass by machine pass" '{"pass":"X86 DAG->DAG Instruction Selection","count":1,"self_ns":5000}'
has "llvm trace: function demangled, its passes summed" '"name":"app::main","crate":"app","llvm_ns":40000'
if grep -q '"name":"loop ' "$tmp/j"; then fail "llvm trace: a loop unit is a function"; else ok "llvm trace: no loop unit among the functions"; fi
# the CGU's self time includes its thread's untimed gaps (90-95-100 µs)
has "llvm trace: CGU from the thread, span of its events" '"cgu":"cgu.3","self_ns":50000'
has "llvm trace: crate from the file name" '"format":"chrome trace","crate":"app"'
if grep -q 'Total InstCombinePass' "$tmp/j"; then fail "llvm trace: Total events kept"; else ok "llvm trace: Total events left out"; fi

# fat LTO: rustc's main thread, named by no CGU, runs the merged module
# (its OptModule names the unit) and LLVM work before it (a unit named by
# the thread); no outermost pass makes its function a CGU.  RunLoopPass
# names a loop pass, as RunPass a machine pass.
cat >"$tmp/lto.llvm_timings.json" <<'EOT'
{"traceEvents":[{"pid":1,"tid":1,"ts":10,"ph":"X","dur":4,"name":"TargetLibraryAnalysis","args":{"detail":"llvm.memcpy.p0.p0.i64"}},
{"pid":1,"tid":1,"ts":20,"ph":"X","dur":6,"name":"InstCombinePass","args":{"detail":"_RNvCs1234_3app4main"}},
{"pid":1,"tid":1,"ts":100,"ph":"X","dur":50,"name":"OptModule","args":{"detail":"app.0123abcd-cgu.06"}},
{"pid":1,"tid":1,"ts":105,"ph":"X","dur":30,"name":"OptFunction","args":{"detail":"_RNvCs1234_3app4main"}},
{"pid":1,"tid":1,"ts":110,"ph":"X","dur":7,"name":"RunLoopPass","args":{"detail":"Loop Strength Reduction"}},
{"pid":1,"tid":1,"ts":120,"ph":"X","dur":3,"name":"TargetLibraryAnalysis","args":{"detail":"gai_strerror"}},
{"cat":"","pid":1,"tid":1,"ts":0,"ph":"M","name":"thread_name","args":{"name":"rustc"}}],
"beginningOfTime":1}
EOT
json "$tmp/lto.llvm_timings.json"
has "llvm trace: an OptModule's module is the unit of its thread's events" '"cgu":"app-cgu.06","self_ns":50000'
has "llvm trace: events outside a module: a unit named by the thread" '"cgu":"thread rustc","self_ns":16000'
if grep -qE '"cgu":"(llvm\.memcpy|gai_strerror|_RN|app::)' "$tmp/j"; then fail "llvm trace: a function became a CGU"
else ok "llvm trace: no function is a CGU"; fi
has "llvm trace: RunLoopPass by loop pass" '{"pass":"Loop Strength Reduction","count":1,"self_ns":7000}'
if grep -q '"name":"Loop Strength Reduction"' "$tmp/j"; then fail "llvm trace: a loop pass is a function"
else ok "llvm trace: a loop pass is no function"; fi

# time-llvm-passes: the Wall Time column
json "$fd/photo_service.time-llvm-passes.txt"
w=$(grep -E ' Global Splitting$' "$fd/photo_service.time-llvm-passes.txt" | head -1 |
    awk '{print $7}' | tr -d .)
has "time-llvm-passes: Global Splitting's wall time and group" "{\"pass\":\"Global Splitting\",\"group\":\"Register Allocation\",\"count\":1,\"self_ns\":$((10#$w * 100000))}"
# a pass in two groups is a row in each (group = the table's title)
sep='===-------------------------------------------------------------------------==='
cols='   ---User Time---   --System Time--   --User+System--   ---Wall Time---  --- Name ---'
{ for g in "Group One:0.0300" "Group Two:0.0200"; do
	printf '%s\n  %s\n%s\n  Total Execution Time: 0.1 seconds (0.1 wall clock)\n\n%s\n' \
	    "$sep" "${g%%:*}" "$sep" "$cols"
	printf '   0.0010 ( 10.0%%)   0.0000 (  0.0%%)   0.0010 ( 10.0%%)   %s ( 10.0%%)  SharedPass\n' "${g#*:}"
	printf '   0.0010 (100.0%%)   0.0000 (  0.0%%)   0.0010 (100.0%%)   %s (100.0%%)  Total\n\n' "${g#*:}"
done; } >"$tmp/two.time-llvm-passes.txt"
json "$tmp/two.time-llvm-passes.txt"
has "time-llvm-passes: a pass in its first group" '{"pass":"SharedPass","group":"Group One","count":1,"self_ns":30000000}'
has "time-llvm-passes: the same pass in another group" '{"pass":"SharedPass","group":"Group Two","count":1,"self_ns":20000000}'
# the pass manager's table holds the LLVM time; a table of regions inside
# passes (Register Allocation) is listed, not added again; " #2" is the
# pass's second instance
row() { printf '   0.0010 ( 10.0%%)   0.0000 (  0.0%%)   0.0010 ( 10.0%%)   %s ( 10.0%%)  %s\n' "$1" "$2"; }
{ printf '%s\n  Register Allocation\n%s\n  Total Execution Time: 0.05 seconds\n\n%s\n' "$sep" "$sep" "$cols"
  row 0.0500 'Global Splitting'; row 0.0500 Total; echo
  printf '%s\n  Pass execution timing report\n%s\n  Total Execution Time: 0.6 seconds\n\n%s\n' "$sep" "$sep" "$cols"
  row 0.3000 APass; row 0.2000 BPass; row 0.1000 'APass #2'; row 0.6000 Total
} >"$tmp/inner.time-llvm-passes.txt"
json "$tmp/inner.time-llvm-passes.txt"
has "time-llvm-passes: the wall is the pass table's" '"build":{"profiles":1,"crates":1,"wall_ns":600000000,'
has "time-llvm-passes: LLVM time from the pass table alone" '"llvm_ns":600000000,"overhead_ns"'
has "time-llvm-passes: cpu time from the pass table alone" '"wall_ns":600000000,"cpu_ns":600000000,'
has "time-llvm-passes: #2 is the same pass" '{"pass":"APass","group":"Pass execution timing report","count":2,"self_ns":400000000}'
has "time-llvm-passes: an inner table's rows listed" '{"pass":"Global Splitting","group":"Register Allocation","count":1,"self_ns":50000000}'

# the real files: a directory of them, compressed ones, standard input
expect "formats directory loads" 0 "$st" --report --by source "$fd"
for f in 'chrome trace' time-passes time-llvm-passes 'folded stacks'; do
	contains "directory: $f loaded" "$tmp/out" "^  $f "
done
expect "time-passes on stdin, gzip" 0 sh -c "gzip -c '$fd/photo_service.time-passes.txt' | '$st' --report -"
contains "stdin crate" "$tmp/out" 'time-passes .* stdin'

# bad input: one line naming the file and where, exit 1
printf '{"traceEvents":[{"ph":"X","ts":1,"dur":1},{"ph":"X",,}]}' >"$tmp/bad.json"
expect "trace: bad JSON fails" 1 "$st" --report "$tmp/bad.json"
one_line "trace: bad JSON names the offset" 'bad\.json: offset [0-9]+: bad JSON in a trace event'
printf '{"traceEvents":[{"ph":"X","ts":-1,"dur":1}]}' >"$tmp/neg.json"
expect "trace: negative ts fails" 1 "$st" --report "$tmp/neg.json"
one_line "trace: negative ts names the offset" 'neg\.json: offset 16: "X" event without a valid "ts"'
# times a profile cannot hold: every figure is a sum of event times, so
# the builder bounds them (a fuzzed trace once overflowed a self time): one
# event longer than 104 days; events of 92 days each, fine alone, on two
# threads (the second crosses the bound); folded frames of 46 days, nested
# two deep and three (each level counts, as totals sum them)
printf '{"traceEvents":[{"ph":"X","ts":1,"dur":9e15}]}' >"$tmp/long.json"
expect "trace: an event longer than 104 days fails" 1 "$st" --report "$tmp/long.json"
one_line "trace: an event longer than 104 days names it" 'long\.json: offset 16: events add up to more than 104 days'
printf '{"traceEvents":[{"ph":"X","tid":1,"ts":0,"dur":8e12}]}' >"$tmp/one.json"
expect "trace: one event of 92 days loads" 0 "$st" --report "$tmp/one.json"
printf '{"traceEvents":[{"ph":"X","tid":1,"ts":0,"dur":8e12},{"ph":"X","tid":2,"ts":0,"dur":8e12}]}' >"$tmp/sum.json"
expect "trace: two events summing past 104 days fail" 1 "$st" --report "$tmp/sum.json"
one_line "trace: the sum names the second event" 'sum\.json: offset 53: events add up to more than 104 days'
printf 'a;b 4000000000000000\n' >"$tmp/one.folded"
expect "folded: frames of 46 days nested two deep load" 0 "$st" --report "$tmp/one.folded"
printf 'a;b;c 4000000000000000\n' >"$tmp/big.folded"
expect "folded: frames nested past 104 days fail" 1 "$st" --report "$tmp/big.folded"
one_line "folded: names the line" 'big\.folded: line 1: events add up to more than 104 days'
zstd -q -d -c "$fd/photo_service.llvm_timings.json.zst" | head -c 5000000 >"$tmp/cut.json"
expect "trace: cut short loads" 0 "$st" --report "$tmp/cut.json"
contains "trace: cut short warns" "$tmp/err" 'cut\.json: offset [0-9]+: trace cut short; loading the [0-9]+ events'
# what no reader takes: named as such, compressors not read named
printf 'hello\n' >"$tmp/hello.txt"
expect "unknown text fails" 1 "$st" --report "$tmp/hello.txt"
one_line "unknown text: not a format read here" 'hello\.txt: offset 0: not a format read here'
printf '\3757zXZ\0\0\4' >"$tmp/x.xz"
expect "xz fails" 1 "$st" --report "$tmp/x.xz"
one_line "xz: named" 'x\.xz: offset 0: compressed with xz, which is not read here'
printf 'BZh91AY&SY' >"$tmp/x.bz2"
expect "bzip2 fails" 1 "$st" --report "$tmp/x.bz2"
one_line "bzip2: named" 'x\.bz2: offset 0: compressed with bzip2'
# what follows the events array: the object's other members, then nothing
printf '{"traceEvents":[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1}],"x":{"y":[1]},"z":2}\n' >"$tmp/t1.json"
expect "trace: members after the events load" 0 "$st" --report "$tmp/t1.json"
cat "$tmp/t1.json" "$tmp/t1.json" >"$tmp/t2.json"
expect "trace: two documents in one file fail" 1 "$st" --report "$tmp/t2.json"
one_line "trace: names where the second begins" 't2\.json: offset 91: data after the end of the trace'
printf '[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1}] x' >"$tmp/t3.json"
expect "trace: data after a bare array fails" 1 "$st" --report "$tmp/t3.json"
one_line "trace: names the data" 't3\.json: offset 55: data after the end of the trace'
head -c 80 "$tmp/t1.json" >"$tmp/t4.json"
expect "trace: cut after its events loads" 0 "$st" --report "$tmp/t4.json"
contains "trace: cut after its events warns" "$tmp/err" 't4\.json: offset 80: trace cut short; loading the 1 events'
printf 'time:   0.1; rss: 1MB -> 2MB (+1MB)\tok\ntime: x; rss\n' >"$tmp/badtp.txt"
expect "time-passes: bad line fails" 1 "$st" --report "$tmp/badtp.txt"
one_line "time-passes: names the line" 'badtp\.txt: line 2: not "time: SECONDS'
sed '8s/.*/   0.0032 ( 66.0%)   zzz/' "$fd/photo_service.time-llvm-passes.txt" >"$tmp/badlp.txt"
expect "time-llvm-passes: bad row fails" 1 "$st" --report "$tmp/badlp.txt"
one_line "time-llvm-passes: names the line" 'badlp\.txt: line 8: not a timing row'
finish
