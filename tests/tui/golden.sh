#!/usr/bin/env bash
# Headless UI tests: key scripts replayed against committed fixtures, screens
# compared with tests/golden/ui-*.txt by diff -u.  UPDATE=1 rewrites them.
# Script syntax: characters are keys; <Enter> <Tab> <Esc> <BS> <Up> <Down>
# <Left> <Right> <PgUp> <PgDn> <Home> <End> <C-c> <Space>; <dump> prints the
# screen; <resize WxH> resizes.  The last screen is printed at the end.
. "$(dirname "$0")/../lib.sh"
golden="$top_srcdir/tests/golden"
export LC_ALL=C.UTF-8

# ui NAME SIZE SCRIPT FILE: one scenario.
ui() {
	local name=$1 size=$2 keys=$3 file=$4
	local want="$golden/ui-$name.txt" got="$tmp/ui-$name.txt" rc=0
	STALACTITE_SIZE=$size STALACTITE_SCRIPT=$keys "$st" "$file" >"$got" 2>&1 || rc=$?
	echo "exit $rc" >>"$got"
	compare_golden "ui-$name" "$want" "$got"
}

v9="$data/measureme-test-v9.mm_profdata"
llvm="$data/llvm-events-only.mm_profdata"
ui icicle-80x24 80x24 '' "$sample"
ui icicle-zoom 100x24 '<Down><Right><Right><Enter><dump><BS><BS>' "$sample"
ui tree-sort 100x20 '2s<dump>s<dump>a' "$sample"
ui tree-expand 100x22 '2j<Right>j<Space>e' "$sample"
ui codegen 100x20 '3<Down><Right><Down><Right>' "$sample"
ui codegen-pivot 100x20 '3p<Down><Right><Down><Right>' "$sample"
ui codegen-icicle 100x16 '3i' "$sample"
ui summary 100x40 '4' "$sample"
ui summary-jump 100x20 '4<Down><Down><Enter>' "$sample"
ui help 90x48 '?' "$sample"
ui detail 100x24 '2jjd' "$sample"
ui search 100x22 '2/closure#\d+\}$<dump><Enter>n<dump>n' "$llvm"
ui search-filter 100x22 '2/InstCombine<Enter>f<dump>x' "$llvm"
ui search-breakdown 100x22 '3/drop_glue<Enter>b<dump>b<dump>bb' "$llvm"
ui search-invalid 90x12 '2/(ab' "$llvm"
ui search-history 90x12 '/load<Enter>x/<Up><Enter>' "$llvm"
ui icicle-folded-match 100x12 '/InstCombine<Enter>j<Space>' "$llvm"
ui resize 100x20 '2<resize 60x14><dump><resize 30x6><dump><resize 90x16>' "$sample"
ui v9 100x20 '2e' "$v9"
"$top_builddir/tests/tools/mkbad" hostile-names "$tmp/hostile.mm_profdata" >/dev/null
ui hostile 100x14 '2e' "$tmp/hostile.mm_profdata"
if LC_ALL=C ui_ascii=1 true; then
	export LC_ALL=C
	ui ascii 100x16 '2' "$llvm"
	export LC_ALL=C.UTF-8
fi

# No escape byte from a name may reach the screen.
STALACTITE_SIZE=100x14 STALACTITE_SCRIPT='2e' "$st" "$tmp/hostile.mm_profdata" >"$tmp/h.txt"
if grep -q $'\x1b' "$tmp/h.txt"; then fail "hostile names: raw ESC on screen"; else ok "hostile names: no raw ESC"; fi
# Loading errors are reported after the UI has let go of the terminal.
expect "headless: bad file" 1 env STALACTITE_SCRIPT= "$st" "$tmp/nope.mm_profdata"
one_line "headless: one-line error" "nope.mm_profdata"
# Load warnings reach the viewer's status line, and stderr on exit.
mkdir "$tmp/warn"
cp "$llvm" "$tmp/warn/"
echo 'not a profile' >"$tmp/warn/README.txt"
(cd "$tmp" && STALACTITE_SIZE=100x12 STALACTITE_SCRIPT='' "$st" warn) >"$tmp/ui-warning.txt" 2>&1
echo "exit $?" >>"$tmp/ui-warning.txt"
compare_golden ui-warning "$golden/ui-warning.txt" "$tmp/ui-warning.txt"
# a whole build opens on its root, crates ordered by time
ui build-tree 100x12 '2' "$data/two-crates"
finish
