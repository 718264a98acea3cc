#!/bin/sh
# Regenerate examples/photo-service.mm_profdata from examples/photo-service.rs.
# Needs a nightly Rust toolchain via rustup (only for regenerating; the
# committed profile is used as is by everything else).  The profile depends on
# the exact nightly: commit the toolchain line printed below with the result.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src="$here/photo-service.rs"
dest="$here/photo-service.mm_profdata.gz"   # committed compressed

if ! version=$(rustup run nightly rustc --version 2>/dev/null); then
    echo "regen.sh: needs a nightly toolchain: 'rustup run nightly rustc --version' failed." >&2
    echo "          install one with: rustup toolchain install nightly" >&2
    exit 1
fi
echo "using $version"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stalactite-regen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/prof"

# Thin-local LTO (the default with -C opt-level=3 and several CGUs): 4 CGUs
# optimized in parallel, then an LLVM_thinlto phase and per-CGU LTO work.
# -C lto=thin / -C lto=fat also pull std's code into the LTO phase and make
# the file two or three times larger.
(
    cd "$tmp"
    rustup run nightly rustc --edition 2021 --crate-name photo_service \
        -C opt-level=3 -C codegen-units=4 -C symbol-mangling-version=v0 \
        -Z self-profile="$tmp/prof" -Z self-profile-events=default,args,llvm \
        -o "$tmp/photo_service" "$src"
)

set -- "$tmp"/prof/photo_service-*.mm_profdata
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "regen.sh: expected exactly one profile in $tmp/prof" >&2
    exit 1
fi
gzip -9 -n -c "$1" > "$dest"
echo "wrote $dest ($(wc -c <"$dest") bytes)"
