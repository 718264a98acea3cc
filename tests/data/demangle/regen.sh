#!/bin/sh
# Regenerates vectors.tsv: mangled<TAB>alternate<TAB>full, where both
# demangled forms come from the real rustc-demangle crate (the copy in the
# nightly sysroot, via rustc_private), never from stalactite.  The symbols are
# those of src/*.rs built with v0 and legacy mangling, debug and optimised.
# Needs a nightly toolchain (rustup run nightly ...) and nm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc="rustup run nightly rustc"
$rc -O -o "$tmp/ref" "$here/src/refdemangle.rs"
for src in sample nightly; do
	for mv in v0 legacy; do
		for opt in 0 2; do
			$rc -C opt-level=$opt -C symbol-mangling-version=$mv -Z unstable-options \
				--edition 2021 -o "$tmp/$src-$mv-$opt" "$here/src/$src.rs" 2>/dev/null
			nm "$tmp/$src-$mv-$opt" | awk '{print $NF}' >>"$tmp/all"
		done
	done
done
# Every symbol of our own crates, plus a deterministic sample of the rest
# (std, core, alloc, hashbrown ...) to keep the file small.
grep -E '^_(R|ZN)' "$tmp/all" | sort -u >"$tmp/syms"
{
	grep -E '6sample|7nightly' "$tmp/syms"
	grep -vE '6sample|7nightly' "$tmp/syms" | awk 'NR % 3 == 0'
} | sort -u | "$tmp/ref" | grep -v '	!	!$' >"$here/vectors.tsv"
wc -l "$here/vectors.tsv"
# Hand-picked and edge-case symbols (src/extra-syms.txt, partly from the
# crate's own tests); those the crate rejects or renders with an error
# marker are left out (they belong to the malformed-input tests).
"$tmp/ref" <"$here/src/extra-syms.txt" | grep -v '	!	!$' |
	grep -v 'invalid syntax\|recursion limit\|size limit' >"$here/extra.tsv"
wc -l "$here/extra.tsv"
