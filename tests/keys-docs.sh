#!/usr/bin/env bash
# The README's keys table and the man page's KEYS entries are generated from
# the one action table (src/tui-actions.c, through the hidden option
# --help-keys=markdown|man): fails when the committed copies, between their
# marker comments, differ from what the table generates.  UPDATE=1 (make
# update-docs) rewrites those regions instead.
. "$(dirname "$0")/lib.sh"

# region FILE BEGIN END: the lines strictly between the marker lines
region() { awk -v b="$2" -v e="$3" 'index($0, e) == 1 { f = 0 } f { print } index($0, b) == 1 { f = 1 }' "$1"; }

# splice FILE BEGIN END NEW: FILE with that region replaced by file NEW
splice() {
	awk -v b="$2" -v e="$3" -v new="$4" '
		index($0, e) == 1 { f = 0 }
		!f { print }
		index($0, b) == 1 { f = 1; while ((getline l < new) > 0) print l }' "$1"
}

# check NAME FILE BEGIN END FORMAT [BLANK]: BLANK=1 puts an empty line
# around the generated text (a Markdown table needs one before the marker
# that ends it)
check() {
	local name=$1 file=$2 b=$3 e=$4 format=$5 blank=${6:-0}
	local want="$tmp/$name.want" got="$tmp/$name.got"
	{ [ "$blank" = 1 ] && echo; "$st" --help-keys="$format"; [ "$blank" = 1 ] && echo; } >"$want"
	if ! grep -q "^$b" "$file" || ! grep -q "^$e" "$file"; then
		fail "$name: no marker lines in $file"; return
	fi
	region "$file" "$b" "$e" >"$got"
	if cmp -s "$want" "$got"; then ok "$name"; return; fi
	if [ "${UPDATE:-0}" = 1 ]; then
		splice "$file" "$b" "$e" "$want" >"$tmp/new" && cat "$tmp/new" >"$file"
		ok "$name: rewritten"
	else
		fail "$name: differs from the action table (make update-docs):"
		diff -u "$got" "$want" | sed 's/^/     /' | head -20
	fi
}

check readme "$top_srcdir/README.md" '<!-- keys: generated' '<!-- end keys -->' markdown 1
check man "$top_srcdir/man/stalactite.1" '.\\" keys: generated' '.\\" end keys' man
expect "an unknown format is a usage error" 2 "$st" --help-keys=html
finish
