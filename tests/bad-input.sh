#!/bin/bash
# bad-input.sh: every profile kind that tests/tools/mkbad writes (valid ones,
# corrupted ones, incomplete ones) through `stalactite --report`.
#   error:   exit 1, stderr exactly "stalactite: PATH: offset N: TEXT"
#   warning: exit 0, stderr exactly one "stalactite: warning: PATH: offset N:
#            file is incomplete at its end ..." line, a report on stdout
#   ok:      exit 0, nothing on stderr, a report on stdout
# mkbad prints the expectation for each kind it writes.  Each kind is also
# read compressed with zstd and gzip, where the decoder's messages name
# "PATH (decompressed)": its offsets are in the decompressed data.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$PWD}
st="$top_builddir/stalactite"
mkbad="$top_builddir/tests/tools/mkbad"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bad-input.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failures=0

ok()   { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
show() { sed 's/^/     /' "$1" | head -5; }

for tool in zstd gzip; do
	command -v "$tool" >/dev/null ||
		{ fail "the $tool command is missing (./dev deps installs it)"; exit 1; }
done
for prog in "$st" "$mkbad"; do
	if [ ! -x "$prog" ]; then
		fail "missing $prog"
		exit 1
	fi
done

# No raw control bytes other than newline and tab, and none of the invisible
# characters that reorder or hide text (U+202E, U+2066..U+2069, U+200B,
# U+FEFF): hostile names are escaped.
clean_output() {
	! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1" &&
	! LC_ALL=C grep -qF -e "$(printf '\342\200\256')" -e "$(printf '\342\201\246')" \
		-e "$(printf '\342\201\251')" -e "$(printf '\342\200\213')" \
		-e "$(printf '\357\273\277')" "$1"
}

check_error() {   # KIND PATH OFFSET TEXT STATUS
	local kind=$1 path=$2 off=$3 text=$4 status=$5
	local want="stalactite: $path: offset $off: $text"
	local lines; lines=$(wc -l <"$tmp/err")
	if [ "$status" -ne 1 ]; then
		fail "$kind: exit $status, want 1"; show "$tmp/err"; return
	fi
	if [ "$lines" -ne 1 ]; then
		fail "$kind: stderr has $lines lines, want 1"; show "$tmp/err"; return
	fi
	local got; got=$(cat "$tmp/err")
	if [ "$text" = "*" ]; then
		want="stalactite: $path: offset $off: "
		got=${got:0:${#want}}
	fi
	if [ "$got" = "$want" ]; then ok "$kind: $text"; else
		fail "$kind: stderr differs"; printf '     got  %s\n     want %s\n' "$got" "$want"
	fi
}

check_warning() {   # KIND PATH OFFSET STATUS
	local kind=$1 path=$2 off=$3 status=$4
	local want="stalactite: warning: $path: offset $off: file is incomplete at its end"
	local lines; lines=$(wc -l <"$tmp/err")
	local got; got=$(head -n 1 "$tmp/err")
	if [ "$status" -ne 0 ]; then
		fail "$kind: exit $status, want 0"; show "$tmp/err"
	elif [ "$lines" -ne 1 ] || [ "${got:0:${#want}}" != "$want" ]; then
		fail "$kind: want one line starting \"$want\""; show "$tmp/err"
	elif [ ! -s "$tmp/out" ]; then
		fail "$kind: no report on stdout"
	else
		ok "$kind: warning, data used"
	fi
}

check_ok() {   # KIND STATUS
	local kind=$1 status=$2
	if [ "$status" -ne 0 ]; then
		fail "$kind: exit $status, want 0"; show "$tmp/err"
	elif [ -s "$tmp/err" ]; then
		fail "$kind: unexpected stderr"; show "$tmp/err"
	elif [ ! -s "$tmp/out" ]; then
		fail "$kind: no report on stdout"
	elif ! clean_output "$tmp/out"; then
		fail "$kind: raw control bytes in the report"
	else
		ok "$kind: loads"
	fi
}

kinds=$("$mkbad" --list) || { fail "mkbad --list"; exit 1; }
[ -n "$kinds" ] || { fail "mkbad --list printed nothing"; exit 1; }
# run_kind KIND PATH SHOWN EXPECT...: the report of PATH against mkbad's
# expectation, messages naming SHOWN.
run_kind() {
	local kind=$1 path=$2 shown=$3; shift 3
	local status=0
	"$st" --report "$path" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
	case $1 in
	error)
		local off=$2; shift 2
		check_error "$kind" "$shown" "$off" "$*" "$status" ;;
	warning)
		check_warning "$kind" "$shown" "$2" "$status" ;;
	ok)
		check_ok "$kind" "$status" ;;
	*)
		fail "$kind: mkbad printed \"$*\"" ;;
	esac
}

for kind in $kinds; do
	path="$tmp/$kind.mm_profdata"
	if ! expect=$("$mkbad" "$kind" "$path"); then
		fail "$kind: mkbad failed"; continue
	fi
	set -f
	run_kind "$kind" "$path" "$path" $expect
	zstd -q -c "$path" >"$path.zst" && gzip -c "$path" >"$path.gz" ||
		fail "$kind: compressing failed"
	run_kind "$kind.zst" "$path.zst" "$path.zst (decompressed)" $expect
	run_kind "$kind.gz" "$path.gz" "$path.gz (decompressed)" $expect
	set +f
done

# A real small profile cut inside its only string index page (the last
# page, 46 157 bytes from 344 436 on): a warning, and the names its whole
# index entries give are kept (the lost ones read <unknown>).
real="$top_srcdir/tests/data/lib-crate.mm_profdata"
head -c 346000 "$real" >"$tmp/cut-index.mm_profdata"
"$st" --report --by label --top 0 "$tmp/cut-index.mm_profdata" >"$tmp/out" 2>"$tmp/err"; got=$?
[ $got -eq 0 ] && ok "cut in the only index page: exit 0" || fail "cut in the only index page: exit $got"
if [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
   grep -q "^stalactite: warning: $tmp/cut-index.mm_profdata: offset 344436: file is incomplete at its end (last page cut)" "$tmp/err"
then ok "cut in the only index page: one warning line"; else fail "cut in the only index page: stderr $(head -c 300 "$tmp/err")"; fi
grep -q ' metadata_decode_entry_module_children$' "$tmp/out" &&
	ok "cut in the only index page: indexed names kept" || fail "cut in the only index page: names lost"

# Cut inside the string data: events name strings written after the cut
# (a string is written when first met, later events may name it), which
# read <unknown> like a lost index entry, and the load goes on.
real="$top_srcdir/tests/data/llvm-events-only.mm_profdata"
head -c 452547 "$real" >"$tmp/cut-strings.mm_profdata"
"$st" --report --by label --top 0 "$tmp/cut-strings.mm_profdata" >"$tmp/out" 2>"$tmp/err"; got=$?
[ $got -eq 0 ] && ok "cut in the string data: exit 0" || fail "cut in the string data: exit $got"
if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^stalactite: warning: $tmp/cut-strings.mm_profdata: offset [0-9]*: file is incomplete at its end" "$tmp/err"
then ok "cut in the string data: one warning line"; else fail "cut in the string data: stderr $(head -c 300 "$tmp/err")"; fi
grep -q ' <unknown>$' "$tmp/out" && ok "cut in the string data: lost names read <unknown>" ||
	fail "cut in the string data: no <unknown> label"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
exit 0
