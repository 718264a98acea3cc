#!/bin/sh
# Regenerate tests/data/cargo/two-crates/: one release build of this
# workspace with cargo's HTML timings report (-Zsection-timings adds the
# frontend/codegen/link sections), its -Zbuild-analysis log and the
# self-profiles of the same build (zstd -19), i.e. a directory that is one
# joined build.  Needs a nightly toolchain via rustup, only for regenerating.
#
#   regen-cargo.sh          both directories below
#   regen-cargo.sh inline   only tests/data/cargo/two-crates-inline/: the same
#                           build with -C llvm-args=-inline-threshold=1000,
#                           its timings alone (the pair for --diff of cargo
#                           timings; no profiles, to keep it small)
#
# tests/data/cargo/tokio-hyper.html is a copy of a real report of a larger
# build (tokio + hyper, 77 units, 2 jobs), made the same way by hand.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data="$here/../../tests/data/cargo"
rustup run nightly cargo --version >/dev/null || {
    echo "regen-cargo.sh: needs a nightly toolchain" >&2; exit 1; }

# one_build DEST EXTRA_RUSTFLAGS PROFILES(yes|no)
one_build() {
    dest=$1 extra=$2 profiles=$3
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/stalactite-cargo.XXXXXX")
    cp -r "$here/Cargo.toml" "$here/asynclib" "$here/app" "$tmp/"
    mkdir "$tmp/prof" "$tmp/home"
    # the log lands in $CARGO_HOME/log/: a private CARGO_HOME finds it
    [ -f "${CARGO_HOME:-$HOME/.cargo}/config.toml" ] &&
        cp "${CARGO_HOME:-$HOME/.cargo}/config.toml" "$tmp/home/"
    (
        cd "$tmp"
        CARGO_HOME="$tmp/home" \
        RUSTFLAGS="-Zself-profile=$tmp/prof -Zself-profile-events=default,args,llvm -Csymbol-mangling-version=v0 $extra" \
            rustup run nightly cargo build --release --offline --timings \
            -Zsection-timings -Zbuild-analysis --config build.analysis.enabled=true
    )
    mkdir -p "$dest"
    rm -f "$dest"/*
    cp "$tmp/target/cargo-timings/cargo-timing.html" "$dest/"
    cp "$tmp"/home/log/*.jsonl "$dest/build-analysis.jsonl"
    if [ "$profiles" = yes ]; then
        for f in "$tmp"/prof/*.mm_profdata; do
            zstd -19 -q -c "$f" > "$dest/$(basename "$f").zst"
        done
    fi
    rm -rf "$tmp"
    ls -l "$dest"
}

[ "${1:-}" = inline ] || one_build "$data/two-crates" "" yes
one_build "$data/two-crates-inline" "-Cllvm-args=-inline-threshold=1000" no
