#!/bin/sh
# make-seeds.sh MKBAD: regenerates the committed seed corpora.
#   tests/fuzz/mmprof/    every kind tests/tools/mkbad writes (valid,
#                         corrupted, incomplete), but for the costly ones
#                         (two of 320 KB nesting 10,000 deep, one with a
#                         100 KB name, the string bomb that expands to the
#                         1 MB limit: the fuzzer would spend its time on
#                         them), and cargo's small probe profile
#   tests/fuzz/demangle/  every 8th symbol of tests/data/demangle/vectors.tsv
#                         (v0 and legacy), and the extra vectors
# MKBAD is the built tests/tools/mkbad (make check builds it).  The fuzzers
# never write here: tests/fuzz/run.sh copies the seeds to a scratch corpus.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"
mkbad=$1
rm -f "$here"/mmprof/*.mm_profdata "$here"/demangle/*.txt
for kind in $("$mkbad" --list); do
	case $kind in deep-nesting|too-deep|hostile-names|string-bomb) continue ;; esac
	"$mkbad" "$kind" "$here/mmprof/mkbad-$kind.mm_profdata" >/dev/null
done
cp "$data/two-crates/___-0006220.mm_profdata" "$here/mmprof/cargo-probe.mm_profdata"
awk -F '\t' -v dir="$here/demangle" 'NR % 8 == 1 {
	printf "%s", $1 > (dir "/vector-" NR ".txt") }' "$data/demangle/vectors.tsv"
awk -F '\t' -v dir="$here/demangle" '!/^#/ && NF {
	printf "%s", $1 > (dir "/extra-" NR ".txt") }' "$data/demangle/extra.tsv"
# symbols inside text, as --demangle filters them
printf '%s\n' 'at _ZN4core3ptr13drop_in_place17h0123456789abcdefE+0x1c in' \
	'_RNvCs1234_5hello4main, _RINvNtCs8NwYtU1Mohg_4core3ptr13drop_in_placeNCNvCsbuPyvVllzEf_6sample4main0EB2_' \
	>"$here/demangle/stream-text.txt"
