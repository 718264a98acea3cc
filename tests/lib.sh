# lib.sh: shared helpers for the shell tests (sourced, not run).
# The automake harness sets top_srcdir and top_builddir; tests also run by hand
# from a build directory.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$PWD}
st="$top_builddir/stalactite"
data="$top_srcdir/tests/data"
sample="$top_builddir/examples/photo-service.mm_profdata"   # unpacked by make
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

ok()   { printf 'ok   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }

# expect NAME STATUS CMD...: runs CMD, checks its exit status; keeps its
# output in $tmp/out and $tmp/err.
expect() {
	local name=$1 want=$2; shift 2
	local got=0
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null || got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		fail "$name: exit $got, want $want"; sed 's/^/     /' "$tmp/err" | head -5
	fi
}

# one_line NAME REGEX: stderr is exactly one line matching REGEX.
one_line() {
	local name=$1 re=$2
	local n; n=$(wc -l <"$tmp/err")
	if [ "$n" -eq 1 ] && grep -Eq -- "$re" "$tmp/err"; then ok "$name"; else
		fail "$name: stderr is not one line matching /$re/:"; sed 's/^/     /' "$tmp/err" | head -5
	fi
}

# contains NAME FILE REGEX
contains() {
	if grep -Eq -- "$3" "$2"; then ok "$1"; else fail "$1: no /$3/ in $2"; fi
}

# compare_golden NAME WANT GOT: GOT against the expected file WANT with
# diff -u; with UPDATE=1 GOT becomes the expected file (review it).
compare_golden() {
	local name=$1 want=$2 got=$3
	if [ "${UPDATE:-}" = 1 ]; then cp "$got" "$want"; ok "$name (updated)"; return; fi
	if [ ! -f "$want" ]; then fail "$name: no $want (UPDATE=1 makes it)"; return; fi
	if diff -u "$want" "$got" >"$tmp/diff"; then ok "$name"; else
		fail "$name"; head -60 "$tmp/diff"
	fi
}

# check_report NAME ARGS...: `stalactite --report ARGS` run in $data (so
# paths stay relative), its output and exit status compared with
# tests/golden/report-NAME.txt; the output stays in $tmp/NAME.txt.
check_report() {
	local name=$1; shift
	local got="$tmp/$name.txt" rc=0
	(cd "$data" && "$st" --report "$@") >"$got" 2>&1 || rc=$?
	echo "exit $rc" >>"$got"
	compare_golden "$name" "$top_srcdir/tests/golden/report-$name.txt" "$got"
}

finish() {
	[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
	exit 0
}
