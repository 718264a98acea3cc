#!/usr/bin/env bash
# Headless UI tests: key scripts replayed against committed fixtures, screens
# compared with tests/golden/ui-*.txt by diff -u.  UPDATE=1 rewrites them.
# Script syntax: characters are keys; <Enter> <Tab> <Esc> <BS> <Del> <Up>
# <Down> <Left> <Right> <PgUp> <PgDn> <Home> <End> <Space>, <C-x> for
# Ctrl-X; <dump> prints the screen; <resize WxH> resizes; <frames> prints
# the count of frames drawn; <click X,Y> and <dclick X,Y> click and double
# click column X of row Y (from 0), <wheelup> <wheeldown> turn the wheel.
# The last screen is printed at the end.
. "$(dirname "$0")/../lib.sh"
golden="$top_srcdir/tests/golden"
export LC_ALL=C.UTF-8

# ui NAME SIZE SCRIPT ARG...: one scenario (ARGs: a file, or options and
# paths such as --diff BASE NEW).
ui() {
	local name=$1 size=$2 keys=$3; shift 3
	local want="$golden/ui-$name.txt" got="$tmp/ui-$name.txt" rc=0
	STALACTITE_SIZE=$size STALACTITE_SCRIPT=$keys "$st" "$@" >"$got" 2>&1 || rc=$?
	echo "exit $rc" >>"$got"
	compare_golden "ui-$name" "$want" "$got"
}

# same_figure NAME ROW: in scenario NAME the Summary's row matching ROW (on
# its first screen) and the status line of the last screen, where Enter
# landed, show the same figure (in a diff: base, new and delta).
same_figure() {
	local f="$tmp/ui-$1.txt" row status fig n=1 missing=""
	row=$(sed '/^--$/q' "$f" | grep -E -- "$2" | head -1)
	status=$(grep -v '^exit ' "$f" | tail -1)
	case $(sed -n 1p "$f") in *"stalactite diff"*) n=3 ;; esac
	for fig in $(echo "$row" | awk -v n=$n '{ for (i = 1; i <= n; i++) print $i }'); do
		case $status in *"$fig"*) ;; *) missing="$missing $fig" ;; esac
	done
	if [ -n "$row" ] && [ -z "$missing" ]; then ok "ui-$1: Summary and landed row agree"
	else fail "ui-$1: the Summary's /$2/ and the landed status line differ:$missing"; fi
}

v9="$data/measureme-test-v9.mm_profdata"
llvm="$data/llvm-events-only.mm_profdata"
ui icicle-80x24 80x24 '' "$sample"
ui icicle-zoom 100x24 '<Down><Right><Right><Enter><dump><BS><BS>' "$sample"
ui tree-sort 100x20 '2s<dump>s<dump>a' "$sample"
ui tree-expand 100x22 '2j<Right>j<Space>e' "$sample"
# the share column names its base: the whole tree, then the zoomed node
ui tree-zoom 100x12 '2<dump>j<Enter>' "$sample"
ui codegen 100x20 '3<Down><Right><Down><Right>' "$sample"
ui codegen-pivot 100x20 '3p<Down><Right><Down><Right>' "$sample"
ui codegen-icicle 100x16 '3i' "$sample"
# Two faces of one tree share selection and folds: p finds the function
# under a pass as the pass under that function (and back; a pass above its
# functions has no node there: its CGU), i keeps a fold made in the icicle,
# and 1 and 2 show the same node
ui carry-pivot 100x16 '3jljjljj<dump>p<dump>p' "$sample"
ui carry-pivot-pass 100x12 '3jljjjl<dump>p' "$sample"
# merged across crates and CGUs too: a function under a pass is that pass
# under the function (the folds of crates and CGUs, which merged trees do
# not have, are not carried: on 2 M nodes that took minutes)
ui carry-pivot-merged 100x12 '3mjljj<dump>p' "$sample"
ui carry-shape 100x16 '3jlj<dump>i<dump>k<Space>i' "$sample"
ui carry-views 100x14 '2jjj<Right><dump>1<dump><Space>2' "$sample"
ui summary 100x40 '4' "$sample"
ui summary-jump 100x20 '4<Down><Down><Enter>' "$sample"
# two crates by crox traces, one built with fat LTO: imbalance per crate,
# the fat-LTO crate's CGUs merged
ui summary-cgus 100x30 '4' "$data/cgus"
ui summary-fat-lto 100x14 '4' "$data/cgus/fatapp.crox.json"
# a pass summed over crates and CGUs lands on a row with the same figure
ui summary-jump-build 100x16 '4<Down><Down><Enter>' "$data/cgus"
# Enter on a row of every section lands on a row with the Summary's figure
# (~ clears the notice to show the status line): a crate's wall time and
# an activity's summed self time are no tree row's, so they open their
# rows in Tables, as an async fn does; a pass and a function go to Codegen
# merged over all CGUs, a CGU to its row there, but a function whose name
# two crates have (merged, they add up) to Tables, and so does a pass
# where there is no codegen tree (-Z time-llvm-passes)
ui jump-crate 100x16 '4/^app$<Enter>nx<dump><Enter>' "$data/two-crates"
same_figure jump-crate ' app$'
ui jump-pass 100x16 '4/^InlinerPass$<Enter>nx<dump><Enter>' "$data/two-crates"
same_figure jump-pass ' InlinerPass$'
# and the same share: the Summary's % of all LLVM time is on the status line
pct=$(sed '/^--$/q' "$tmp/ui-jump-pass.txt" | grep -E ' InlinerPass$' | head -1 | awk '{ print $2 }')
grep -v '^exit ' "$tmp/ui-jump-pass.txt" | tail -1 | grep -qF -- "$pct of LLVM" &&
	ok "ui-jump-pass: the Summary's $pct of LLVM on the landed row" ||
	fail "ui-jump-pass: no '$pct of LLVM' on the landed status line"
ui jump-cgu 100x16 '4/app-cgu\.1$<Enter>nx<dump><Enter>' "$data/two-crates"
same_figure jump-cgu 'app-cgu\.1$'
ui jump-fn 100x16 '4/^app::main$<Enter>nx<dump><Enter>~' "$data/two-crates"
same_figure jump-fn ' app::main$'
ui jump-fn-crates 120x56 '4/NOOP<Enter>nx<dump><Enter>' "$data/two-crates"
same_figure jump-fn-crates 'NOOP'
ui jump-async 100x16 '4/^app::upload_photo$<Enter>nx<dump><Enter>' "$data/two-crates"
same_figure jump-async ' app::upload_photo$'
ui jump-activity 100x16 '4/^metadata_register_crate$<Enter>nx<dump><Enter>' "$data/two-crates"
same_figure jump-activity ' metadata_register_crate$'
# a filter that would hide the row asked for goes off, and says so
ui jump-filter 100x12 '4/^app$<Enter>f<Enter><dump>~' "$data/two-crates"
ui jump-pass-nocodegen 130x12 '4<dump><Enter>' "$data/formats/photo_service.time-llvm-passes.txt"
same_figure jump-pass-nocodegen 'Instruction Selection$'
ui help 90x70 '?' "$sample"
# q on the help goes back to the view, as any key does
ui help-q 90x12 '?q' "$sample"
ui detail 100x24 '2jjd' "$sample"
# in a diff the detail pane gives both sides' total and self
ui detail-diff 100x16 '2jjd' --diff "$data/two-crates" "$data/two-crates-inline"
# functions are the codegen trees' (the stack tree keys a pass by label)
ui search 100x22 '3/closure#\d+\}$<dump><Enter>n<dump>n' "$llvm"
# a function is no name of the stack tree: the status says where it is
ui search-fn-hint 100x10 '2/upload_photo<Enter><dump>n' "$sample"
# n and N follow the rows' order: sorted by time, then (a) by name
ui search-order 100x14 '2/DevirtSCC<Enter>n<dump>an<dump>N<dump>N' "$llvm"
# past the last match (and before the first) they wrap, with a note
ui search-wrap 100x12 '2/InstCombine<Enter>N<dump>n<dump>nN' "$llvm"
# in the icicle, left to right, depth first; a folded box opens
ui icicle-next 100x12 '/InstCombine<Enter>j<Space>n<dump>n' "$llvm"
ui search-filter 100x22 '2/InstCombine<Enter>f<dump>x' "$llvm"
ui search-breakdown 100x22 '3/drop_glue<Enter>b<dump>b<dump>bb' "$llvm"
# the overlay covers whole lines: no row of the table shows beside it
ui breakdown-80x24 80x24 '3/drop_glue<Enter>eb' "$llvm"
ui search-invalid 90x12 '2/(ab' "$llvm"
# Enter on an invalid pattern keeps the search from before it, and says so
ui search-invalid-enter 90x12 '2/Inliner<Enter>/(ab<Enter><dump>n' "$llvm"
ui search-history 90x12 '/load<Enter>x/<Up><Enter>' "$llvm"
# the prompt is a line editor: Left and insert, Ctrl-A/Ctrl-E, Ctrl-W takes
# the word before the cursor, Backspace
ui prompt-edit 100x12 '2/InstCombne<Left><Left>i<dump><C-a>^<C-e>::zzz<C-w><BS><BS><Enter>' "$llvm"
# / opens empty (the active search stays until the line changes); Ctrl-U
# empties the line, Esc brings the search and the filter back
ui prompt-esc 100x12 '2/load<Enter>/<dump>Inst<dump><C-u><dump><Esc><dump>f/Inline<Esc>' "$llvm"
# Up recalls, Down comes back to the line being typed; Ctrl-C in the prompt
# cancels it and does not quit
ui prompt-history 100x12 '/load<Enter>/Inst<Up><dump><Down><Enter><dump>/x<C-c>' "$llvm"
ui icicle-folded-match 100x12 '/InstCombine<Enter>j<Space>' "$llvm"
# the icicle uses the rows: taller boxes (time, self, count) on a shallow
# subtree; a CGU its parent shows is not repeated, and 388 narrow siblings
# are one lump
ui icicle-120x40 120x40 '' "$sample"
ui icicle-fn-first 120x24 'jll<Enter>jj<Enter>' "$sample"
# a lump is selected, zoomed into (its members share the width), left
ui icicle-lump 100x24 'jlllllll<dump><Enter><dump><Down><dump><BS>' "$sample"
# the mouse: a click on a box selects it, on a lump ("+31 (1.57s)") the
# lump, not its parent; a double click zooms into it as Enter does
ui icicle-click-lump 100x24 '<click 3,5><dump><click 60,4><dump><click 45,11><dump><dclick 60,5>' "$sample"
# a click selects a table's row; the wheel moves in every view
ui mouse-wheel 100x12 '2<click 10,6><dump>4<wheeldown><wheeldown><dump>6<wheeldown><wheelup><wheeldown>' "$sample"
# in Tables and Summary a click selects the row drawn there (a Summary
# heading too: Enter on it opens the whole table) and a double click is Enter
ui tables-click 100x16 '6<click 10,9><dump><dclick 10,9>' "$sample"
# Enter on a pass or function row that does not open lands where its
# Summary row does: the Codegen tree merged over CGUs, on the row's own
# figure (IPSCCPPass: 70.9ms over 8 runs, not its largest CGU's 60.2ms)
ui tables-enter-pass 100x14 '6]]<Down><Down><Enter>' "$sample"
ui tables-enter-fn 100x14 '6<Down><Enter>' "$sample"
ui summary-click 100x16 '4<click 10,10><dump><click 10,9><dump><dclick 10,10>' "$sample"
# m: merged by label alone, InlinerPass over every function one box
ui icicle-merged-80x24 80x24 'm' "$sample"
ui icicle-merged-120x40 120x40 'm' "$sample"
# the table merged and back: the selection goes to what it merged into
ui merged-tree 100x16 '2jjjm<dump>m' "$sample"
ui codegen-merged 100x20 '3m' "$sample"
# a frame only when something changed: not for an unbound key, a key that
# changes nothing (Up at the top), or a name the script does not know
ui redraw 100x12 '2<frames>~<frames><Up><frames><Nope><frames>j<frames>x<frames>' "$sample"
# n and N in the Summary: matching rows below and above, wrapping
ui summary-next 100x24 '4/Inline<Enter>n<dump>n<dump>N' "$sample"
# The Tables view (6): every Summary table whole.  Enter on a Summary
# heading opens its table (here the passes), Enter on a pass lists its
# functions from every CGU
ui tables-heading 80x24 '4<Up><dump><Enter><dump><Enter>' "$sample"
# search and n/N among the rows, then only the matching ones (f)
ui tables-search 80x24 '6/drop_glue<Enter>n<dump>n<dump>Nf' "$sample"
# n and N reach the children of closed rows in the order they would show,
# opening the row: a CGU among a function's CGUs, a function under the
# passes that ran on it; N past the first wraps to the bottom
ui tables-next-closed 90x16 '6/cgu\.3$<Enter>n<dump>n<dump>N<dump>N' "$sample"
ui tables-next-pass 90x12 '6]]/^photo_service::main$<Enter>n<dump>n<dump>N' "$sample"
# a function in several CGUs opens onto them; Enter on one shows it in
# Codegen, function first, and says so
ui tables-fn-cgus 80x24 '6jjjjjj<Enter><Down><dump><Enter>' "$sample"
# Enter on a CGU's function while Codegen is merged over CGUs: the merged
# tree has no node of that CGU, so the merge goes off and it says so (the
# node's id was looked up in the merged tree: a wrong row, or a crash)
ui tables-enter-merged 110x14 '6]]]<Down><Enter><Down><Enter>3m6<Enter>' "$sample"
# d: the selected row's raw name, whole
ui tables-detail 80x16 '6jjjd' "$sample"
# a selection made in the Tree that the icicle cannot draw (in app's lump)
# marks the box holding it
ui icicle-holder 120x24 '2/PostDom<Enter>nx1<selected>' "$data/two-crates"
# names as every view fits them: v elides generics, > and < scroll the
# selected one
ui tables-names 110x12 '6v<dump>vv<Down><Down>><dump><' "$data/two-crates"
# a key that changes nothing draws no frame
ui tables-redraw 100x12 '6<frames><Up><frames>j<frames>K<frames>' "$sample"
# a table with nothing in it (no LLVM passes in this profile)
ui tables-empty 100x12 '6]]' "$v9"
ui resize 100x20 '2<resize 60x14><dump><resize 30x6><dump><resize 90x16>' "$sample"
ui v9 100x20 '2e' "$v9"
# Figures give way to names: at 80 columns the bar goes, at 60 self and the
# count too, unless sorted by; the sorted column is marked (again: the other
# way); the status line says which row of how many
ui columns-80x24 80x24 '2jjj<dump>s<dump>s<dump>a' "$sample"
ui columns-120x40 120x40 '2e' "$sample"
ui columns-narrow 60x10 '2<dump>c' "$sample"
# Names: too wide ones lose generics innermost first, then their middle,
# never the method; v cycles the elision (innermost, all, back to fitting)
ui names-elide 80x24 '3p<Down><Right><Down><Right><dump>v<dump>v<dump>v' "$sample"
# > and < scroll the selected name, shown whole; Right and Left do in the
# Summary, where they move nothing
ui names-scroll 80x16 '3p<Down><Right><Down><Right>j<dump>><dump>><dump><lt><lt><dump>4jjjjjjjjjjjjjjjjjjj<Right><dump><Right><Left><Left>' "$sample"
# the match stays visible in every row of a filtered search
ui names-match 80x24 '3/Range<Enter>fe' "$llvm"
ui names-match-wide 120x40 '3/Range<Enter>fe' "$llvm"
"$top_builddir/tests/tools/mkbad" hostile-names "$tmp/hostile.mm_profdata" >/dev/null
ui hostile 100x14 '2e' "$tmp/hostile.mm_profdata"
if LC_ALL=C ui_ascii=1 true; then
	export LC_ALL=C
	ui ascii 100x16 '2' "$llvm"
	ui tables-ascii 100x16 '6]]<Enter>' "$llvm"
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
# a Summary as tall as the screen; the kind filter: async only, closures,
# fns; Enter on an async fn in the Summary lists its members, Esc returns
ui summary-tall 120x40 '4' "$data/two-crates"
ui tables-kind 120x40 '6K<dump>K<dump>K' "$data/two-crates"
ui tables-async 120x40 '4/upload_photo$<Enter>n<Enter><dump><Esc>' "$data/two-crates"
# sorted by count, by name (again: reversed), by cpu
ui tables-sort 120x20 '6]]]]]c<dump>]]]]]a<dump>a<dump>]]]]s' "$data/two-crates"

# Diff mode (--diff BASE NEW): the same two-crate build, then with a higher
# inline threshold.  Run from tests/data so that the paths the Summary's
# status line names are the same on every checkout.
cd "$data"
ui diff-summary 100x80 '4' --diff two-crates two-crates-inline
ui diff-summary-jump 100x14 '4<Down><Down><Down><Down><Down><Enter>' --diff two-crates two-crates-inline
# every section's row lands on a row with the Summary's base, new and delta
ui diff-jump-crate 100x16 '4/^app$<Enter>nx<dump><Enter>' --diff two-crates two-crates-inline
same_figure diff-jump-crate ' app$'
ui diff-jump-pass 100x16 '4/^InlinerPass$<Enter>nx<dump><Enter>' --diff two-crates two-crates-inline
same_figure diff-jump-pass ' InlinerPass$'
ui diff-jump-cgu 100x16 '4/app-cgu\.1$<Enter>nx<dump><Enter>' --diff two-crates two-crates-inline
same_figure diff-jump-cgu 'app-cgu\.1$'
ui diff-jump-fn 100x36 '4/block_on::<lt>app<Enter>nx<dump><Enter>~' --diff two-crates two-crates-inline
same_figure diff-jump-fn 'block_on::<'
ui diff-jump-async 100x36 '4/^app::main$<Enter>nnx<dump><Enter>' --diff two-crates two-crates-inline
same_figure diff-jump-async '%  app::main$'
ui diff-jump-activity 100x16 '4/^metadata_register_crate$<Enter>nx<dump><Enter>' --diff two-crates two-crates-inline
same_figure diff-jump-activity ' metadata_register_crate$'
# a table showing another figure (sorted by count) shows the Summary's again
ui diff-jump-figure 100x12 '6[c<dump>4/^metadata_register_crate$<Enter>nx<Enter><dump>~' --diff two-crates two-crates-inline
ui diff-tree-delta 100x22 '2jeD<dump>D<dump>M' --diff two-crates two-crates-inline
ui diff-tree-self 100x14 '2<Down><Right>s<dump>c' --diff two-crates two-crates-inline
ui diff-codegen 100x20 '3<Down><Right><Down><Right>' --diff two-crates two-crates-inline
ui diff-codegen-narrow 60x12 '3p<Down><Right>' --diff two-crates two-crates-inline
# the status line: a parent whose own time did not change, inside a
# changed tree, then a box whose self time grew (inside app: beside the
# other crates its children are one lump)
ui diff-icicle 100x16 '<Down><Enter><Down><Right><dump><Left>' --diff two-crates two-crates-inline
ui diff-threshold 100x14 '2H<dump>j<dump>HH<dump>HH' --diff two-crates two-crates-inline
# the threshold applies to the figure sorted by: t after s hides other rows
ui diff-threshold-fig 80x12 '2/drop_glue<Enter>fskDH<End><Enter>D<dump>t' --diff two-crates two-crates-inline
ui diff-min-delta 100x12 '2je' --diff --min-delta 10ms two-crates two-crates-inline
ui diff-summary-threshold 100x28 '4HHH' --diff two-crates two-crates-inline
ui diff-search 120x14 '2/InlinerPass<Enter><dump>f' --diff two-crates two-crates-inline
# b in a diff: each row's total before and after, and the change (at 60
# columns new and change only)
ui diff-breakdown 100x22 '3/drop_glue<Enter>b<dump>b<dump>b' --diff two-crates two-crates-inline
ui diff-breakdown-narrow 60x12 '2/drop_glue<Enter>b' --diff two-crates two-crates-inline
# the Tables of a diff: an async fn's members before and after, sorted by
# change, by NEW's figure; a table's H threshold
ui diff-tables 100x24 '6]<Enter><dump>D<dump>t' --diff two-crates two-crates-inline
ui diff-tables-threshold 100x16 '6HH' --diff two-crates two-crates-inline
# rows open in a diff as outside one, each child's own figures both sides:
# a pass onto the functions it ran on (Enter on one shows it in Codegen),
# a function onto its CGUs, a CGU onto its functions
ui diff-tables-pass 110x16 '6]]<Enter><dump>j<Enter>' --diff two-crates two-crates-inline
ui diff-tables-fn-cgus 110x12 '6<Enter><dump>]]]<Enter>' --diff two-crates two-crates-inline
# n reaches a function under the passes of a diff, and opens the pass
ui diff-tables-next 110x12 '6]]/^app::main$<Enter>n<dump>n' --diff two-crates two-crates-inline
# merged by label, BASE's figures merged alike
ui diff-merged 100x16 'm<Down><dump>2m' --diff two-crates two-crates-inline
cd - >/dev/null
# one crate only in NEW: BASE is three of the four profiles
mkdir "$tmp/base3"
cp "$data"/two-crates/___* "$data"/two-crates/asynclib* "$data"/two-crates/build_script* "$tmp/base3/"
ln -s "$data/two-crates-inline" "$tmp/inline"
cd "$tmp"
ui diff-new 100x14 '2<dump>4' --diff base3 inline
ui diff-gone 100x14 '2<End>e' --diff inline base3
# an async fn gone from NEW opens onto its members in BASE
ui diff-tables-gone 110x16 '6]<Enter>' --diff inline base3
# a pass's functions of a crate only NEW has are marked new
ui diff-tables-pass-new 110x12 '6]]<Enter>' --diff base3 inline
cd - >/dev/null
# sorting by change outside a diff says why it does nothing
ui diff-keys-single 90x12 '2D' "$sample"
# a diff's load error: one line, exit 1, terminal never taken
expect "diff: bad BASE" 1 env STALACTITE_SCRIPT= "$st" --diff "$tmp/nope" "$data/two-crates"
one_line "diff: one-line error" "nope"

# The Build view (5) on cargo timings.  Run from tests/data/cargo so that
# the paths a warning names are the same on every checkout.
cd "$data/cargo"
# the joined build (log, HTML and profiles): Enter on a build script run
# says why it has no profile, on the bin opens its crate in the Tree view
ui build-joined 120x16 '5' two-crates
ui build-enter 120x16 '5j<Enter><dump><End><Enter>' two-crates
# 77 units of a real tokio+hyper build, bound by cores: the first screen,
# the critical path alone, sorted by duration (again: reversed), by start
ui build-tokio 120x40 '5' tokio-hyper.html
# cargo timings alone open on the Build view (the profile views are empty)
ui build-first 100x12 '' tokio-hyper.html
# a timings file claiming billions of running units: the concurrency line
# still picks its glyphs from the eight there are (a fuzz finding)
ui build-huge-concurrency 100x12 '5' crashers/huge-concurrency.html
ui build-critical 120x20 '5C<End>' tokio-hyper.html
ui build-sort 100x20 '5T<dump>T<dump>S<dump>a' tokio-hyper.html
# a click on a unit's row selects it, a double click opens it as Enter does
ui build-click 100x20 '5<click 10,9><dump><dclick 10,9>' tokio-hyper.html
# + and - zoom the timeline around the selected unit (units outside it get
# a < or > at the edge); f keeps the units whose name matches
ui build-zoom 100x20 '5<End><Up><Up>+++<dump><Up>-<dump>---' tokio-hyper.html
# zoomed in as far as it goes (0.1 ms a column): ticks that differ, a unit
# longer than the window drawn across it, and - acting at the first press
ui build-deep-zoom 160x14 '5<End><Up><Up>++++++++++++++++++++<dump>-' tokio-hyper.html
ui build-filter 100x16 '5/tokio<Enter>f<dump>/^zzz<Enter>' tokio-hyper.html
ui build-search 100x14 '5/^h<Enter>n<dump>nN' tokio-hyper.html
# --diff of two builds' timings: a change column, the base's wall and
# critical path, D and M sort by change; the new build without timings
ui build-diff 130x12 '5<dump>M<dump>Dj' --diff two-crates/build-analysis.jsonl two-crates-inline/build-analysis.jsonl
ui build-diff-none 100x10 '5' --diff two-crates-inline/build-analysis.jsonl ../two-crates
# units of the base only are counted on the top line (the rows are NEW's)
ui build-diff-gone 200x12 '5' --diff tokio-hyper.html two-crates/build-analysis.jsonl
# and the Summary of such a diff gives cargo's wall time and critical path
ui summary-diff-cargo 110x14 '4' --diff two-crates two-crates-inline/build-analysis.jsonl
ui build-narrow 80x24 '5<PgDn><dump><End><dump><resize 40x10><dump><resize 80x24><Home>' tokio-hyper.html
if LC_ALL=C true; then
	export LC_ALL=C
	ui build-ascii 100x16 '5' two-crates
	export LC_ALL=C.UTF-8
fi
cd - >/dev/null
# profiles for some units only: the others are marked `?`
mkdir "$tmp/partial"
cp "$data"/cargo/two-crates/build-analysis.jsonl "$data"/cargo/two-crates/app-* "$tmp/partial/"
(cd "$tmp" && ui build-partial 120x14 '5jj<Enter>' partial)
# without cargo timings there is no Build tab; 5 says why, Tab skips it
ui build-none 100x12 '5<dump>4<Tab>' "$sample"
finish
