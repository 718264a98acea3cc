#!/bin/sh
# Regenerate tests/data/formats/: the other timing outputs of a Rust build,
# made with nightly on examples/photo-service.rs (and, for folded stacks and
# crox's trace, from the committed tests/data/lib-crate.mm_profdata).
# Needs a nightly toolchain via rustup; the folded stacks and crox trace need
# measureme's stack_collapse and crox (STACK_COLLAPSE, CROX: their paths,
# default from PATH).  Nothing here runs in the tests: the output is
# committed.  Figures depend on the machine and the nightly: regenerating
# means updating the goldens (UPDATE=1 tests/golden.sh) and reading the diff.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../tests/data/formats"
mkdir -p "$dest"
rustup run nightly rustc --version
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stalactite-formats.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cp "$here/photo-service.rs" "$tmp/"
rc() {
	(cd "$tmp" && rustup run nightly rustc --edition 2021 -O \
		-C codegen-units=1 --crate-name photo_service "$@" photo-service.rs)
}
# one CGU keeps the trace at ~10 MB (320 KB as zstd -19)
rc -Z llvm-time-trace -o photo_service
zstd -q -19 -f "$tmp/photo_service.llvm_timings.json" \
	-o "$dest/photo_service.llvm_timings.json.zst"
rc -Z time-passes -o tp 2>"$dest/photo_service.time-passes.txt"
# LLVM prints its report only with one CGU
rc -Z time-llvm-passes -o tlp >"$dest/photo_service.time-llvm-passes.txt"
# the tools write into the current directory, from a copy of the input
cp "$here/../tests/data/lib-crate.mm_profdata" "$tmp/lib-crate.mm_profdata"
(cd "$tmp" && "${STACK_COLLAPSE:-stack_collapse}" lib-crate.mm_profdata &&
	"${CROX:-crox}" lib-crate.mm_profdata)
cp "$tmp/out.stacks_folded" "$dest/lib-crate.stacks_folded"
gzip -9 -n -c "$tmp/chrome_profiler.json" >"$dest/lib-crate.crox.json.gz"
ls -l "$dest"
