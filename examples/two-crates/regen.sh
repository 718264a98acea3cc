#!/bin/sh
# Regenerate tests/data/two-crates/ (and two-crates-inline/, the same build with
# -inline-threshold=1000, a real pair for --diff) from this workspace: a cargo build of two
# crates (async-lib upstream, with a build script; app downstream), profiled
# with query keys.  Both crates have async fns, async blocks, an async closure
# and plain closures whose tail names (call::{closure#0},
# get_or_init::{closure#0}) occur in both with different kinds, and app
# instantiates the upstream generic async fn.  Needs a nightly toolchain via
# rustup, only for regenerating; the committed profiles are used as they are.
# The profiles are committed compressed (zstd and gzip) and one plain, which
# also exercises mixed directories.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../../tests/data/two-crates"
version=$(rustup run nightly rustc --version) || {
    echo "regen.sh: needs a nightly toolchain (rustup toolchain install nightly)" >&2
    exit 1
}
echo "using $version"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stalactite-two.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cp -r "$here/Cargo.toml" "$here/asynclib" "$here/app" "$tmp/"

# build DEST EXTRA_RUSTFLAGS: one profiled build into DEST
build() {
    dest=$1
    rm -rf "$tmp/prof" "$tmp/target"
    mkdir "$tmp/prof"
    (
        cd "$tmp"
        RUSTFLAGS="-Zself-profile=$tmp/prof -Zself-profile-events=default,args,llvm -Csymbol-mangling-version=v0 $2" \
            rustup run nightly cargo build --release --offline
    )
    mkdir -p "$dest"
    rm -f "$dest"/*
    for f in "$tmp"/prof/*.mm_profdata; do
        case $(basename "$f") in
        asynclib-*) gzip -9 -n -c "$f" > "$dest/$(basename "$f").gz" ;;
        ___-*) cp "$f" "$dest/" ;;
        *) zstd -19 -q -c "$f" > "$dest/$(basename "$f").zst" ;;
        esac
    done
    ls -l "$dest"
}

# the build as it is, and the same with a higher inline threshold: a real
# pair for --diff
build "$dest"
build "$dest-inline" "-Cllvm-args=-inline-threshold=1000"
