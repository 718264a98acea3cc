#!/bin/bash
# hostile.sh: inputs built to hurt (issue 10's reliability review): endless
# and huge input, nesting deeper than the builder takes, links that loop,
# FIFOs, escapes in file names, read errors.  Each must end at once with one
# clear line (or a warning and the data), never a crash or a hang.
. "$(dirname "$0")/lib.sh"
mkbad="$top_builddir/tests/tools/mkbad"
valid="$tmp/valid.mm_profdata"
"$mkbad" valid-v9 "$valid" >/dev/null || { fail "mkbad"; finish; }
# sanitizers reserve terabytes of address space: no ulimit -v under them
asan=false
grep -q __asan_init "$st" && asan=true

# ---- endless and huge input -------------------------------------------------

expect "/dev/zero is refused on its first bytes" 1 timeout 20 "$st" --report /dev/zero
one_line "/dev/zero: one line" '^stalactite: /dev/zero: offset 0: not a format read here'

endless() { timeout 20 bash -c "$1 | \"$st\" --report -" >"$tmp/out" 2>"$tmp/err"; }
endless 'cat /dev/zero'; got=$?
[ $got -eq 1 ] && ok "endless zeros on stdin: exit 1" || fail "endless zeros on stdin: exit $got"
one_line "endless zeros on stdin: one line" '^stalactite: <stdin>: offset 0: not a format read here'
endless 'zstd -q -c </dev/zero'; got=$?
[ $got -eq 1 ] && ok "endless zstd zeros on stdin: exit 1" || fail "endless zstd zeros: exit $got"
one_line "endless zstd zeros: refused on the decompressed start" \
	'^stalactite: <stdin> \(decompressed\): offset 0: not a format read here'
# a profile's start, then no end: bounded by STALACTITE_MAX_INPUT
export STALACTITE_MAX_INPUT=3M
endless "cat '$valid' /dev/zero"; got=$?
unset STALACTITE_MAX_INPUT
[ $got -eq 1 ] && ok "endless stream after a valid header: exit 1" || fail "endless stream: exit $got"
one_line "endless stream: the input limit" \
	'^stalactite: <stdin>: offset 3145728: more input than the limit \(3145728 bytes\); STALACTITE_MAX_INPUT raises it$'
STALACTITE_MAX_INPUT=lots expect "STALACTITE_MAX_INPUT must be a size" 1 "$st" --report "$valid"
one_line "STALACTITE_MAX_INPUT: message" '^stalactite: STALACTITE_MAX_INPUT: not a size'
STALACTITE_MAX_INPUT=1K expect "the input limit spares regular files" 0 "$st" --report "$valid"

# Huge sparse files with a bad header: refused on the header, without mapping
# (or reading) the file first: under a 512 MB address-space limit too.
sparse="$tmp/sparse.mm_profdata"
truncate -s 4G "$sparse"
check_sparse() {   # NAME MESSAGE
	local vm=""
	$asan || vm="ulimit -v 524288;"
	timeout 20 bash -c "$vm \"$st\" --report '$sparse'" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	[ $got -eq 1 ] && ok "$1: exit 1" || fail "$1: exit $got"
	one_line "$1: refused on its header" "^stalactite: $sparse: $2\$"
}
check_sparse "4 GB of zeros" "offset 0: not a format read here \\(a profile starts with MMPD; --help lists the others\\)"
printf 'MMPD\007\000\000\000' | dd of="$sparse" conv=notrunc status=none
check_sparse "4 GB, version 7" "offset 4: unsupported format version 7"
# a good header and zeros after it: mapped, refused on its first page
printf 'MMPD\011\000\000\000' | dd of="$sparse" conv=notrunc status=none
expect "4 GB, good header, zero pages" 1 timeout 20 "$st" --report "$sparse"
one_line "4 GB, good header: the first page" "^stalactite: $sparse: offset 8: zero-length page\$"
rm -f "$sparse"

# A valid profile whose events page holds 33 M zero records in a 1 GB hole:
# each zero event nests in the one before.  Refused when it passes 10,000
# levels, not after growing the builder's stack by gigabytes; and, sparse,
# the file is not faulted in whole first (rustc writes no holes).
le32() { local v=$1 s; for s in 0 8 16 24; do printf "\\$(printf %03o $(( (v >> s) & 255 )))"; done; }
elen=$(od -An -tu4 -j9 -N4 "$valid" | tr -d ' ')   # the events page's length
hole=$((1 << 30))
{ head -c 8 "$valid"; printf '\000'; le32 $((elen + hole)); tail -c +14 "$valid" | head -c 8; } >"$sparse"
truncate -s +$hole "$sparse"
{ tail -c +22 "$valid" | head -c $((elen - 8)); tail -c +$((14 + elen)) "$valid"; } >>"$sparse"
expect "1 GB of zero events" 1 timeout 60 "$st" --report "$sparse"
one_line "1 GB of zero events: the nesting bound" \
	"^stalactite: $sparse: offset [0-9]+: events nest deeper than 10000\$"
rm -f "$sparse"
# ---- nesting ------------------------------------------------------------------

"$mkbad" deep-nesting "$tmp/deep.mm_profdata" >/dev/null
# Expanding everything in the tree view lists 10,000 nested rows: with a
# 512 KB stack, recursion over them would overflow it.
(ulimit -s 512; STALACTITE_SCRIPT='2*<End><dump>' "$st" "$tmp/deep.mm_profdata") \
	>"$tmp/out" 2>"$tmp/err"
got=$?
[ $got -eq 0 ] && ok "tree view: expand all 10,000 levels on a small stack" ||
	fail "tree view: expand all 10,000 levels: exit $got"
contains "tree view: the deepest row is reached" "$tmp/out" 'row 10003 of 10003 '

# ---- directories --------------------------------------------------------------

d="$tmp/build"
mkdir -p "$d/a" "$d/sub"
cp "$valid" "$d/a/demo.mm_profdata"
ln -s a "$d/b"          # the same directory twice
ln -s .. "$d/sub/up"    # a loop back to the top
expect "a directory with a link loop and a duplicate loads" 0 "$st" --report --format json "$d"
contains "the profile is read once" "$tmp/out" '"build":\{"profiles":1,'
grep -q "^stalactite: warning: $d/b: same directory as $d/a, read once\$" "$tmp/err" &&
	ok "a directory reached twice: one warning" || { fail "no warning for $d/b"; cat "$tmp/err"; }
grep -q "^stalactite: warning: $d/sub/up: leads back to $d, which holds it (a loop), skipped\$" \
	"$tmp/err" && ok "a link loop: skipped with a warning" || { fail "no loop warning"; cat "$tmp/err"; }
[ "$(wc -l <"$tmp/err")" -eq 2 ] && ok "two warnings in all" || fail "warnings: $(cat "$tmp/err")"
expect "a directory given twice" 0 "$st" --report --format json "$d/a" "$d/a"
contains "given twice: read once" "$tmp/out" '"build":\{"profiles":1,'

# FIFOs in a directory (no writer: opening one would block) are skipped.
f="$tmp/fifos"
mkdir -p "$f"
cp "$valid" "$f/demo.mm_profdata"
mkfifo "$f/pipe.mm_profdata" "$f/other"
expect "FIFOs in a directory do not block" 0 timeout 20 "$st" --report "$f"
one_line "FIFOs in a directory: skipped" "^stalactite: warning: $f: skipped 2 files that are not profiles\$"

# A FIFO given by name is waited for as cat would wait (in the viewer the
# wait can be abandoned: tests/tui/tmux.sh), then read: a writer that comes
# later is loaded, one that sends nothing is an empty input, and Ctrl-C
# (SIGINT) ends the wait.
late="$tmp/late"
mkfifo "$late"
timeout 20 sh -c "sleep 0.5; cat '$valid' >'$late'" &
expect "a FIFO whose writer comes later loads" 0 timeout 20 "$st" --report "$late"
"$st" --report "$valid" 2>&1 | sed "s|$valid|$late|g" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/out" && ok "a FIFO's late writer: the same report as the file" ||
	fail "a FIFO's late writer: the report differs from the file's"
wait
timeout 20 sh -c ": >'$late'" &
expect "a FIFO whose writer sends nothing" 1 timeout 20 "$st" --report "$late"
one_line "a FIFO whose writer sends nothing: empty input" \
	"^stalactite: $late: offset 0: file too short to be a profile\$"
wait
# SIGINT is ignored here when the suite runs in the background: nothing to see
if grep -q '^SigIgn:.*[2367abef]$' /proc/$$/status 2>/dev/null; then
	ok "Ctrl-C while waiting for a FIFO's writer: skipped (SIGINT ignored)"
else
	expect "Ctrl-C ends a report waiting for a FIFO's writer" 124 \
		timeout -s INT -k 5 1 "$st" --report "$late"
fi

# ---- names and errors ---------------------------------------------------------

evil="$tmp/$(printf 'evil\033[31m\342\200\256.mm_profdata')"
printf 'not a profile at all' >"$evil"
expect "a file name with escapes: bad input" 1 "$st" --report "$evil"
one_line "a file name with escapes: escaped in the message" \
	'evil\\x1b\[31m\\u\{202e\}\.mm_profdata: offset 0: not a format read here'
! LC_ALL=C grep -q "$(printf '\033')" "$tmp/err" && ok "no raw escape on stderr" ||
	fail "a raw escape reached stderr"
w="$tmp/$(printf 'dir\033[1m')"
mkdir -p "$w"
cp "$valid" "$w/a.mm_profdata"
cp "$evil" "$w/$(printf 'not\033[2J')"
expect "warnings escape file names too" 0 "$st" --report "$w"
one_line "a warning naming a directory with escapes" 'dir\\x1b\[1m: skipped 1 file that is not a profile$'
! LC_ALL=C grep -q "$(printf '\033')" "$tmp/err" && ok "no raw escape in warnings" ||
	fail "a raw escape reached a warning"

"$st" --demangle </ >"$tmp/out" 2>"$tmp/err"; got=$?
[ $got -eq 1 ] && ok "--demangle < a directory: exit 1" || fail "--demangle < a directory: exit $got"
one_line "--demangle: the read error named" \
	'^stalactite: --demangle: error reading standard input: Is a directory$'
# Names sharing a 2 MB prefix, sorted by name in Tables (the sort takes a
# run of alike names on without a deeper call): within a 1 MiB stack.
prefix=$(head -c 2000000 /dev/zero | tr '\0' x)
{
	printf 'main;a;b 1\nmain;a;c 2\n'
	for i in 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19; do
		printf 'main;%s%s 1\n' "$prefix" "$i"
	done
} >"$tmp/long.folded"
unset prefix
stack="ulimit -s 1024;"
$asan && stack=""   # sanitizers need their own stack room
timeout 60 bash -c "$stack STALACTITE_SIZE=100x20 STALACTITE_SCRIPT='6]]]]]aa' \"$st\" '$tmp/long.folded'" >"$tmp/out" 2>"$tmp/err"; got=$?
[ $got -eq 0 ] && ok "2 MB shared name prefixes sort by name: exit 0" || fail "2 MB shared prefixes: exit $got"
[ "$(grep -c '^ .*1   xxx' "$tmp/out")" -ge 15 ] && ok "2 MB shared prefixes: the rows drawn" || fail "2 MB shared prefixes: rows missing"

finish
