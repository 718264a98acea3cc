#!/usr/bin/env bash
# Regenerates the PNG screenshots of each view from the bundled sample:
# the real program in tmux (120x36, xterm-256color), capture-pane with
# colours, aha to HTML, headless Chromium to PNG.  Run by `make screenshots`
# from the build directory: screenshots/make.sh STALACTITE SAMPLE OUTDIR.
set -euo pipefail
st=${1:-./stalactite}
sample=${2:-examples/photo-service.mm_profdata}
out=${3:-$(dirname "$0")}
for tool in tmux aha chromium; do
	command -v $tool >/dev/null || { echo "screenshots: needs $tool (apt-get install $tool)" >&2; exit 1; }
done
tmp=$(mktemp -d)
sock="$tmp/sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8

shot() {   # shot NAME KEYS...: send keys, wait, capture, render
	local name=$1; shift
	local args=${ARGS:-$sample}
	tmux -S "$sock" kill-server 2>/dev/null || true
	sleep 0.3
	tmux -S "$sock" -f /dev/null new-session -d -s s -x 120 -y 36 \
		"env TERM=xterm-256color $st $args"
	sleep 1
	for k in "$@"; do tmux -S "$sock" send-keys -t s "$k"; sleep 0.3; done
	sleep 0.5
	tmux -S "$sock" capture-pane -e -N -p -t s > "$tmp/$name.ansi"
	aha --black --title "stalactite: $name" < "$tmp/$name.ansi" > "$tmp/$name.html"
	sed -i 's|<pre>|<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 14px; line-height: 1.15; margin: 0">|' "$tmp/$name.html"
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chrome" --hide-scrollbars --window-size=1020,640 \
		--screenshot="$out/$name.png" "file://$tmp/$name.html" >/dev/null 2>&1
	echo "wrote $out/$name.png"
}

shot icicle j j
shot tree 2 j Right j j
shot codegen 3 j Right j Right j
shot pivot 3 p j Right j Right j d
shot summary 4
shot search 3 / 'closure#\d+\}$' Enter n
# the async fns table, the largest opened onto its members
shot tables 6 ] Enter
# a whole build compared with itself rebuilt at a higher inline threshold,
# and cargo's timeline of the same build (fixtures in tests/data)
data=$(cd "$(dirname "$0")/../tests/data" && pwd)
ARGS="--diff $data/two-crates $data/two-crates-inline" shot diff 4
ARGS="--diff $data/two-crates $data/two-crates-inline" shot diff-icicle j
ARGS="$data/cargo/tokio-hyper.html" shot build 5
# the same project built with fat and with thin LTO: units by size of change
ARGS="--diff $data/cargo/lto-fat.html $data/cargo/lto-thin.html" shot diff-build 5 M
