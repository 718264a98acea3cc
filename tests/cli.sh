#!/usr/bin/env bash
# The program's shell: options, exit statuses, one-line errors, no terminal.
. "$(dirname "$0")/lib.sh"

expect "--help exits 0" 0 "$st" --help
contains "--help shows usage" "$tmp/out" '^Usage: stalactite'
contains "--help lists --report" "$tmp/out" '--report'
# every format it reads, as the README's table lists them
for f in 'mm_profdata' '--timings HTML' 'build-analysis' 'llvm-time-trace' \
         'Chrome trace' 'time-passes' 'time-llvm-passes' 'folded stacks' \
         'snapshots' 'zstd'; do
	contains "--help names $f" "$tmp/out" "$f"
done
expect "--version exits 0" 0 "$st" --version
contains "--version prints the version" "$tmp/out" '^stalactite [0-9]+\.[0-9]+'

expect "unknown option is a usage error" 2 "$st" --frobnicate x
one_line "unknown option: one line" "^stalactite: unknown option: --frobnicate"
# options that go with another are usage errors without it
expect "--format without --report" 2 "$st" --format json x
one_line "--format without --report: says so" 'this option goes with --report: --format'
expect "--top without --report" 2 "$st" -n 5 x
expect "--full without --demangle" 2 "$st" --full x
one_line "--full without --demangle: says so" '--full goes with --demangle'
expect "--min-delta without a unit" 2 "$st" --report --diff --min-delta 5 x y
one_line "--min-delta without a unit: says so" '--min-delta needs a duration such as 5ms: 5'
expect "missing option argument" 2 "$st" --report --top
one_line "missing argument: one line" "^stalactite: option needs an argument"
expect "bad --top" 2 "$st" --report --top=lots x
expect "bad --format" 2 "$st" --report --format=xml x
expect "bad --by" 2 "$st" --report --by=colour x
expect "no path" 2 "$st" --report
one_line "no path: one line" "no profile given"

expect "missing file is an input error" 1 "$st" --report "$tmp/nope.mm_profdata"
one_line "missing file: one line naming it" "^stalactite: $tmp/nope.mm_profdata: No such file"
printf 'hello world, not a profile\n' >"$tmp/text.txt"
expect "wrong format" 1 "$st" --report "$tmp/text.txt"
one_line "wrong format: path and offset" "^stalactite: $tmp/text.txt: offset 0: "
mkdir "$tmp/empty"
expect "directory without profiles" 1 "$st" --report "$tmp/empty"
one_line "empty directory: one line" "no \*\.mm_profdata files"
if [ "$(id -u)" -ne 0 ]; then
	cp "$sample" "$tmp/locked.mm_profdata"; chmod 000 "$tmp/locked.mm_profdata"
	expect "unreadable file" 1 "$st" --report "$tmp/locked.mm_profdata"
	one_line "unreadable: one line" "Permission denied"
fi

# Without a terminal the viewer refuses and points at --report.
expect "no tty: viewer refuses" 2 "$st" "$sample"
one_line "no tty: suggests --report" "--report"
expect "TERM=dumb: viewer refuses" 2 env TERM=dumb "$st" "$sample"
one_line "TERM=dumb: suggests --report" "--report"

# Reports from a file, a directory and standard input agree.
expect "report on the sample" 0 "$st" --report --format json "$sample"
cp "$tmp/out" "$tmp/file.json"
mkdir -p "$tmp/dir/sub" && cp "$sample" "$tmp/dir/sub/x.mm_profdata"
expect "report on a directory" 0 "$st" --report --format json "$tmp/dir"
sed 's/"path":"[^"]*"//' "$tmp/out" >"$tmp/dir.json"
expect "report on stdin" 0 sh -c "\"$st\" --report --format json - < \"$sample\""
sed 's/"path":"[^"]*"//' "$tmp/out" >"$tmp/stdin.json"
sed 's/"path":"[^"]*"//' "$tmp/file.json" >"$tmp/file2.json"
if cmp -s "$tmp/file2.json" "$tmp/dir.json" && cmp -s "$tmp/file2.json" "$tmp/stdin.json"; then
	ok "file, directory and stdin give the same report"
else
	fail "file, directory and stdin reports differ"
fi
expect "--match with an invalid pattern" 1 "$st" --report --match '(' "$sample"
one_line "invalid pattern: one line with offset" "invalid pattern.*offset [0-9]+"
expect "--match outside --report" 2 "$st" --match x "$sample"

printf 'x _RNvCs1234_7mycrate3foo y\n' >"$tmp/sym"
expect "--demangle takes no path" 2 "$st" --demangle "$tmp/sym"

# ---- compressed input, directories, a file reached twice --------------------
# Compressed files are made here from the plain fixtures with the zstd and
# gzip tools (./dev deps installs them).

# quiet NAME: nothing on stderr.
quiet() {
	if [ -s "$tmp/err" ]; then fail "$1: unexpected stderr"; sed 's/^/     /' "$tmp/err" | head -5
	else ok "$1"; fi
}
# json NAME PATH...: the JSON report without its paths into $tmp/NAME.json.
json() {
	local name=$1; shift
	expect "json report of $name" 0 "$st" --report --format json "$@"
	sed 's/"path":"[^"]*"//g' "$tmp/out" >"$tmp/$name.json"
}
# same NAME A B: the JSON reports A and B agree.
same() {
	if cmp -s "$tmp/$2.json" "$tmp/$3.json"; then ok "$1"; else
		fail "$1"; cmp "$tmp/$2.json" "$tmp/$3.json" | head -3
	fi
}
# events FILE: the total event count of a JSON report.
events() { grep -o '"events":[0-9]*' "$1" | head -n 1 | cut -d: -f2; }
# sources NAME FILE N: the JSON report FILE has N sources.
sources() {
	local n; n=$(grep -o '"format":"mm_profdata' "$2" | wc -l)
	if [ "$n" -eq "$3" ]; then ok "$1"; else fail "$1: $n sources, want $3"; fi
}

for tool in zstd gzip; do
	command -v "$tool" >/dev/null || fail "the $tool command is missing (./dev deps installs it)"
done
lib="$data/lib-crate.mm_profdata"
z="$tmp/z"; mkdir "$z"
zstd -q -c "$lib" >"$z/lib.mm_profdata.zst"
gzip -c "$lib" >"$z/lib.mm_profdata.gz"
json lib "$lib"
json lib-zst "$z/lib.mm_profdata.zst"; quiet "zstd file: no message"
json lib-gz "$z/lib.mm_profdata.gz"; quiet "gzip file: no message"
same "a zstd file gives the plain file's report" lib lib-zst
same "a gzip file gives the plain file's report" lib lib-gz
expect "zstd on stdin" 0 sh -c "\"$st\" --report --format json - < \"$z/lib.mm_profdata.zst\""
sed 's/"path":"[^"]*"//g' "$tmp/out" >"$tmp/stdin-zst.json"
same "zstd on stdin gives the plain file's report" lib stdin-zst
expect "gzip through a pipe" 0 sh -c "cat \"$z/lib.mm_profdata.gz\" | \"$st\" --report --format json -"
sed 's/"path":"[^"]*"//g' "$tmp/out" >"$tmp/pipe-gz.json"
same "gzip through a pipe gives the plain file's report" lib pipe-gz

# Concatenated gzip members and zstd frames are one stream.
head -c 100000 "$lib" >"$tmp/part1"; tail -c +100001 "$lib" >"$tmp/part2"
{ gzip -c "$tmp/part1"; gzip -c "$tmp/part2"; } >"$z/members.gz"
{ zstd -q -c "$tmp/part1"; zstd -q -c "$tmp/part2"; } >"$z/frames.zst"
json members "$z/members.gz"
same "two gzip members read as one profile" lib members
json frames "$z/frames.zst"
same "two zstd frames read as one profile" lib frames

# A directory mixing plain and compressed profiles reads like the plain one.
mkdir -p "$tmp/plain/sub" "$tmp/mixed/sub"
i=0
for f in lib-crate measureme-test-v9 llvm-events-only odd-command-line; do
	i=$((i + 1))
	cp "$data/$f.mm_profdata" "$tmp/plain/$i.mm_profdata"
done
mv "$tmp/plain/4.mm_profdata" "$tmp/plain/sub/"
cp "$data/lib-crate.mm_profdata" "$tmp/mixed/1.mm_profdata"
zstd -q -c "$data/measureme-test-v9.mm_profdata" >"$tmp/mixed/2.mm_profdata.zst"
gzip -c "$data/llvm-events-only.mm_profdata" >"$tmp/mixed/3.mm_profdata.gz"
zstd -q -c "$data/odd-command-line.mm_profdata" >"$tmp/mixed/sub/4.mm_profdata.zst"
json plain-dir "$tmp/plain"
json mixed-dir "$tmp/mixed"; quiet "mixed directory: no message"
same "plain, zstd and gzip profiles in a directory read as the plain ones" plain-dir mixed-dir
sources "mixed directory: four sources" "$tmp/mixed-dir.json" 4

# Cut short: a warning, exit 0, the readable part loaded.
zstd -q -c "$sample" >"$z/sample.zst"; gzip -c "$sample" >"$z/sample.gz"
json sample "$sample"
full=$(events "$tmp/sample.json")
for c in zst gz; do
	size=$(wc -c <"$z/sample.$c")
	head -c $((size - 3000)) "$z/sample.$c" >"$z/cut.$c"
	json "cut-$c" "$z/cut.$c"
	one_line "$c cut short: one warning" \
		"^stalactite: warning: $z/cut.$c: compressed stream cut short at offset $((size - 3000)); loading what was readable\$"
	got=$(events "$tmp/cut-$c.json")
	if [ -n "$got" ] && [ "$got" -gt 0 ]; then ok "$c cut short: $got events loaded"
	else fail "$c cut short: no events"; fi
done
# Cut inside the header of a second member or frame: exactly the first
# member's data is readable, a profile cut short as the decoder sees it
# once the compressed stream ends: the same events as that plain file.
keep=$(( $(wc -c <"$sample") - 1000000 ))
head -c "$keep" "$sample" >"$z/head.mm_profdata"
tail -c +$((keep + 1)) "$sample" >"$z/tail"
json plain-cut "$z/head.mm_profdata"
want=$(events "$tmp/plain-cut.json")
for c in zst gz; do
	if [ $c = zst ]; then
		zstd -q -c "$z/head.mm_profdata" >"$z/first.$c"; zstd -q -c "$z/tail" | head -c 5 >"$z/second"
	else
		gzip -c "$z/head.mm_profdata" >"$z/first.$c"; gzip -c "$z/tail" | head -c 5 >"$z/second"
	fi
	cat "$z/first.$c" "$z/second" >"$z/cut2.$c"
	json "cut2-$c" "$z/cut2.$c"
	one_line "$c cut in a second member: one warning" \
		"^stalactite: warning: $z/cut2.$c: compressed stream cut short at offset $(( $(wc -c <"$z/first.$c") + 5 )); loading what was readable\$"
	got=$(events "$tmp/cut2-$c.json")
	if [ "$got" = "$want" ] && [ "$got" -lt "$full" ]; then
		ok "$c cut short: the readable $got of $full events"
	else
		fail "$c cut short: ${got:-no} events, want $want of $full"
	fi
done
head -c 4 "$z/sample.zst" >"$z/magic-only.zst"
expect "zstd magic only" 1 "$st" --report "$z/magic-only.zst"
one_line "zstd magic only: one line naming the file" \
	"^stalactite: $z/magic-only.zst \(decompressed\): offset 0: file too short to be a profile \(compressed stream cut short at offset 4\)\$"

# Corrupt in the middle: bad input, one line with the compressed offset.
for c in zst gz; do
	cp "$z/sample.$c" "$z/bad.$c"
	printf 'corrupt!corrupt!corrupt!' | dd of="$z/bad.$c" bs=1 seek=400000 conv=notrunc 2>/dev/null
	name=zstd; [ $c = gz ] && name=gzip
	expect "corrupt $name" 1 "$st" --report "$z/bad.$c"
	one_line "corrupt $name: one line" "^stalactite: $z/bad.$c: offset [0-9]+: corrupt $name data \(.+\)\$"
done
{ cat "$z/lib.mm_profdata.gz"; printf 'trailing junk'; } >"$z/junk.gz"
expect "gzip with trailing junk" 1 "$st" --report "$z/junk.gz"
one_line "trailing junk: one line" "^stalactite: $z/junk.gz: offset [0-9]+: corrupt gzip data"
printf 'hello, no profile\n' | gzip >"$z/hello.gz"
expect "compressed text" 1 "$st" --report "$z/hello.gz"
one_line "compressed text: not a profile, naming the file" \
	"^stalactite: $z/hello.gz \(decompressed\): offset 0: not a format read here"

# The limit on decompressed data (against bombs and endless streams).
expect "over the decompression limit" 1 env STALACTITE_MAX_DECOMPRESSED=1M "$st" --report "$z/sample.zst"
one_line "over the limit: one line" \
	"^stalactite: $z/sample.zst: offset [0-9]+: more than 1048576 bytes of data \(the limit\); STALACTITE_MAX_DECOMPRESSED raises it\$"
expect "plain stdin over the limit" 1 sh -c "cat \"$lib\" | STALACTITE_MAX_DECOMPRESSED=100k \"$st\" --report -"
one_line "plain stdin over the limit: one line" "^stalactite: <stdin>: offset [0-9]+: more than 102400 bytes"
expect "under the limit" 0 env STALACTITE_MAX_DECOMPRESSED=100M "$st" --report "$z/sample.zst"
expect "a bad limit" 1 env STALACTITE_MAX_DECOMPRESSED=lots "$st" --report "$z/sample.zst"
one_line "a bad limit: one line" "^stalactite: STALACTITE_MAX_DECOMPRESSED: not a size"

# In a directory, files named like profiles must load; other files are
# sniffed: profiles under other names load, the rest are counted, once.
mkdir -p "$tmp/stray/sub"
cp "$lib" "$tmp/stray/a.mm_profdata"
cp "$data/measureme-test-v9.mm_profdata" "$tmp/stray/profile.bin"
zstd -q -c "$data/llvm-events-only.mm_profdata" >"$tmp/stray/sub/data.zst"
printf 'about these profiles\n' >"$tmp/stray/README.txt"
expect "stray file in a directory" 0 "$st" --report --format json "$tmp/stray"
one_line "stray file: one warning counting it" \
	"^stalactite: warning: $tmp/stray: skipped 1 file that is not a profile\$"
sources "sniffed profiles under other names load" "$tmp/out" 3
printf 'notes\n' | gzip >"$tmp/stray/sub/notes.gz"
: >"$tmp/stray/.hidden"
expect "three stray files" 0 "$st" --report "$tmp/stray"
one_line "three stray files: one warning counting them" \
	"^stalactite: warning: $tmp/stray: skipped 3 files that are not profiles\$"
mkdir "$tmp/only-readme" && cp "$tmp/stray/README.txt" "$tmp/only-readme/"
expect "directory with no profile, one other file" 1 "$st" --report "$tmp/only-readme"
one_line "no profile, one other file: one line" \
	"^stalactite: $tmp/only-readme: no \*\.mm_profdata files in this directory, and its one other file is not a profile\$"
mkdir "$tmp/named" && cp "$lib" "$tmp/named/a.mm_profdata"
printf 'not zstd at all' >"$tmp/named/b.mm_profdata.zst"
expect "named like a profile but not one" 1 "$st" --report "$tmp/named"
one_line "named like a profile: bad input naming it" \
	"^stalactite: $tmp/named/b.mm_profdata.zst: offset 0: not a format read here"
rm "$tmp/named/b.mm_profdata.zst"; ln -s nowhere "$tmp/named/c.mm_profdata"
expect "dangling link named like a profile" 1 "$st" --report "$tmp/named"
one_line "dangling link: one line naming it" "^stalactite: $tmp/named/c.mm_profdata: No such file"

# The same file twice (given twice, through a link) is read once.
json twice "$lib" "$lib"
one_line "same file twice: one warning" "^stalactite: warning: $lib: same file as $lib, read once\$"
same "same file twice: read once" lib twice
ln -s "$lib" "$tmp/link.mm_profdata"
json via-link "$lib" "$tmp/link.mm_profdata"
one_line "through a link: one warning" \
	"^stalactite: warning: $tmp/link.mm_profdata: same file as $lib, read once\$"
same "through a link: read once" lib via-link
mkdir "$tmp/linkdir" && cp "$lib" "$tmp/linkdir/a.mm_profdata"
ln -s a.mm_profdata "$tmp/linkdir/b.mm_profdata"
json linkdir "$tmp/linkdir"
one_line "link in a directory: one warning" \
	"^stalactite: warning: $tmp/linkdir/b.mm_profdata: same file as $tmp/linkdir/a.mm_profdata, read once\$"
same "link in a directory: read once" lib linkdir
expect "the file also on stdin" 0 sh -c "\"$st\" --report --format json \"$lib\" - < \"$lib\""
one_line "the file also on stdin: one warning" "^stalactite: warning: <stdin>: same file as $lib, read once\$"

# Two different profiles of one crate stay two sources, with one warning.
mkbad="$top_builddir/tests/tools/mkbad"
"$mkbad" valid-v9 "$tmp/demo-1.mm_profdata" >/dev/null
"$mkbad" valid-v8 "$tmp/demo-2.mm_profdata" >/dev/null
cp "$tmp/demo-1.mm_profdata" "$tmp/demo-3.mm_profdata"
expect "two profiles of one crate" 0 "$st" --report --format json \
	"$tmp/demo-1.mm_profdata" "$tmp/demo-2.mm_profdata" "$tmp/demo-3.mm_profdata"
one_line "one crate twice: one warning naming both" \
	"^stalactite: warning: $tmp/demo-2.mm_profdata: another profile of crate 'demo' \(the first is $tmp/demo-1.mm_profdata\); both kept as separate sources\$"
sources "one crate twice: all sources kept" "$tmp/out" 3
finish
