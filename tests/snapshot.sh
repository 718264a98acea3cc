#!/usr/bin/env bash
# --save FILE: a snapshot opens in place of its profiles with byte-identical
# reports (every --by table, JSON), diffs on either side and viewer screens;
# a changed byte, a cut and a future version are bad input (one line naming
# the file, exit 1).  Paths are given relative to $data, as the profiles
# were, so that the sources the reports list are the same strings.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8
keys="source crate pass cgu function generic async label artifact unit"

# same NAME CMD...: CMD's output and status with the profiles, then with
# every path P replaced by $tmp/snap/P (run from $data and from $tmp/snap).
# The load's warnings too: a snapshot repeats them.
same() {
	local name=$1; shift
	local rc=0
	(cd "$data" && "$@") >"$tmp/a" 2>&1 || rc=$?
	echo "exit $rc" >>"$tmp/a"
	rc=0
	(cd "$tmp/snap" && "$@") >"$tmp/b" 2>&1 || rc=$?
	echo "exit $rc" >>"$tmp/b"
	if cmp -s "$tmp/a" "$tmp/b"; then ok "$name"; else
		fail "$name"; diff "$tmp/a" "$tmp/b" | head -10
	fi
}

# save P: the snapshot of $data/P at $tmp/snap/P
save() {
	mkdir -p "$tmp/snap/$(dirname "$1")"
	if (cd "$data" && "$st" --save "$tmp/snap/$1" "$1") 2>"$tmp/err"; then
		ok "save $1"
	else
		fail "save $1"; head -3 "$tmp/err"
	fi
}

fixtures="lib-crate.mm_profdata measureme-test-v9.mm_profdata two-crates
	two-crates-inline cargo/tokio-hyper.html cargo/two-crates
	formats/photo_service.llvm_timings.json.zst formats/lib-crate.crox.json.gz
	formats/lib-crate.stacks_folded"
for f in $fixtures; do
	save "$f"
	for k in $keys; do
		same "$f: --by $k" "$st" --report --by "$k" --top 0 "$f"
	done
	same "$f: the default report" "$st" --report "$f"
	same "$f: json" "$st" --report --format json "$f"
done

# diffs with a snapshot on either side, or both
for f in "" "--format json"; do
	# shellcheck disable=SC2086
	(cd "$data" && "$st" --report $f --diff two-crates two-crates-inline) >"$tmp/d0" 2>&1
	(cd "$data" && "$st" --report $f --diff "$tmp/snap/two-crates" two-crates-inline) >"$tmp/d1" 2>&1
	(cd "$data" && "$st" --report $f --diff two-crates "$tmp/snap/two-crates-inline") >"$tmp/d2" 2>&1
	if cmp -s "$tmp/d0" "$tmp/d1"; then ok "diff${f:+ $f}: SNAP NEW"; else fail "diff${f:+ $f}: SNAP NEW"; diff "$tmp/d0" "$tmp/d1" | head; fi
	if cmp -s "$tmp/d0" "$tmp/d2"; then ok "diff${f:+ $f}: BASE SNAP"; else fail "diff${f:+ $f}: BASE SNAP"; diff "$tmp/d0" "$tmp/d2" | head; fi
done
same "diff of two snapshots" "$st" --report --by pass --diff two-crates two-crates-inline

# the viewer, headless: the same screens
view() {
	local name=$1 keys=$2; shift 2
	same "screens: $name" env STALACTITE_SIZE=100x30 STALACTITE_SCRIPT="$keys" "$st" "$@"
}
view "icicle" '<Down><Right><Enter>' two-crates
view "tree" '2jj<Right>j<Space>e' two-crates
view "codegen pivot" '3p<Down><Right><Down><Right>' two-crates
view "summary" '4<Down><Down><Enter>' two-crates
view "search" '2/closure<Enter>n<dump>f' two-crates
view "build" '5' cargo/two-crates
view "a warning on the status line" '' cargo/two-crates
view "diff summary" '4' --diff two-crates two-crates-inline
view "diff tree" '2jj<Right>' --diff two-crates two-crates-inline

# saving is deterministic, and a snapshot saved again is the same file
(cd "$data" && "$st" --save "$tmp/again.snap" two-crates) 2>/dev/null
cmp -s "$tmp/again.snap" "$tmp/snap/two-crates" && ok "saved twice: same bytes" || fail "saved twice: bytes differ"
"$st" --save "$tmp/resaved.snap" "$tmp/snap/two-crates" 2>/dev/null
cmp -s "$tmp/resaved.snap" "$tmp/snap/two-crates" && ok "snapshot of a snapshot: same bytes" || fail "snapshot of a snapshot differs"
ls "$tmp"/again.snap.tmp-* >/dev/null 2>&1 && fail "a temporary file was left" || ok "no temporary file left"

# bad input: one line naming the file, exit 1
snap="$tmp/snap/two-crates"
size=$(wc -c <"$snap")
for at in 9 20 70 700 $((size / 2)) $((size - 1)); do
	cp "$snap" "$tmp/bad.snap"
	printf '\x5a' | dd of="$tmp/bad.snap" bs=1 seek="$at" conv=notrunc 2>/dev/null
	expect "byte $at changed" 1 "$st" --report "$tmp/bad.snap"
	one_line "byte $at changed: one line" "bad\.snap: offset [0-9]+: "
done
contains "a changed byte fails the checksum" "$tmp/err" "checksum mismatch"
# a snapshot of a megabyte or more is summed on a thread beside the layout
# checks: a changed byte is still a checksum mismatch, wherever it is
"$st" --save "$tmp/big.snap" "$top_builddir/examples/photo-service.mm_profdata" 2>/dev/null
bsize=$(wc -c <"$tmp/big.snap")
[ "$bsize" -ge 1048576 ] && ok "the sample's snapshot is over 1 MiB" ||
	fail "the sample's snapshot is $bsize bytes: the threaded sum is not tested"
"$st" --report --by crate -n 3 "$tmp/big.snap" >"$tmp/big.out" 2>&1 &&
	ok "the sample's snapshot opens" || fail "the sample's snapshot does not open"
for at in 100 $((bsize / 3)) $((bsize / 2)) $((bsize - 1)); do
	cp "$tmp/big.snap" "$tmp/bad.snap"
	printf '\x5a' | dd of="$tmp/bad.snap" bs=1 seek="$at" conv=notrunc 2>/dev/null
	expect "large snapshot, byte $at changed" 1 "$st" --report "$tmp/bad.snap"
	contains "large snapshot, byte $at: the checksum" "$tmp/err" "checksum mismatch"
done
for len in 30 640 $((size / 2)) $((size - 8)); do
	head -c "$len" "$snap" >"$tmp/cut.snap"
	expect "cut to $len bytes" 1 "$st" --report "$tmp/cut.snap"
	one_line "cut to $len bytes: one line" "cut\.snap: offset [0-9]+: snapshot cut short"
done
cp "$snap" "$tmp/future.snap"
printf '\x03' | dd of="$tmp/future.snap" bs=1 seek=8 conv=notrunc 2>/dev/null
expect "future version" 1 "$st" --report "$tmp/future.snap"
one_line "future version: one line" "future\.snap: offset 8: snapshot format version 3; .*newer"
expect "future version, viewer" 1 env STALACTITE_SCRIPT= "$st" "$tmp/future.snap"
one_line "future version, viewer: one line" "future\.snap: offset 8: "

# usage and what a snapshot cannot do
expect "--save with --report" 2 "$st" --save "$tmp/x.snap" --report "$data/two-crates"
expect "--save with --diff" 2 "$st" --save "$tmp/x.snap" --diff "$data/two-crates" "$data/two-crates-inline"
expect "--save without paths" 2 "$st" --save "$tmp/x.snap"
expect "--save of bad input" 1 "$st" --save "$tmp/x.snap" "$tmp/nope.mm_profdata"
[ -e "$tmp/x.snap" ] && fail "bad input left a snapshot" || ok "bad input writes no snapshot"
expect "--save into a missing directory" 1 "$st" --save "$tmp/no/dir/x.snap" "$data/lib-crate.mm_profdata"
one_line "--save into a missing directory: one line" "no/dir/x\.snap: "
expect "a snapshot with another path" 1 "$st" --report "$snap" "$data/lib-crate.mm_profdata"
one_line "a snapshot with another path: one line" "two-crates: a snapshot is opened on its own"
expect "--match on a snapshot" 1 "$st" --report --match Inliner "$snap"
one_line "--match on a snapshot: one line" "--match needs the profiles"
finish
