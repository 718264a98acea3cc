#!/usr/bin/env bash
# stalactite --report --match on committed fixtures: the JSON match object's
# fields and their consistency with the rest of the report, the text Matches
# section, smart case, normalised arguments, invalid patterns.  The Matches
# sections of two runs are also compared with tests/golden/match-* (UPDATE=1
# rewrites them; review the diff before committing).
. "$(dirname "$0")/lib.sh"
golden="$top_srcdir/tests/golden"
llvm="$data/llvm-events-only.mm_profdata"
lib="$data/lib-crate.mm_profdata"

# ---- invalid patterns: exit 1, one line with PCRE2's offset ---------------
expect "invalid pattern (" 1 "$st" --report --match '(' "$llvm"
one_line "( : one line with the offset" "^stalactite: invalid pattern.*offset 1: .*parenthes"
expect "invalid pattern in JSON mode" 1 "$st" --report --format json --match 'a{2,1}' "$llvm"
one_line "a{2,1}: one line with the offset" "^stalactite: invalid pattern.*offset [0-9]+: "
if [ -s "$tmp/out" ]; then fail "invalid pattern: something on stdout"; else
	ok "invalid pattern: nothing on stdout"; fi

# ---- text -----------------------------------------------------------------
expect "text report with --match" 0 "$st" --report --top 5 --match 'InlinerPass|closure' "$llvm"
contains "text: Matches section" "$tmp/out" '^Matches for /InlinerPass\|closure/: [0-9]+ events, total '
contains "text: names table header" "$tmp/out" '^ +self +total +count +name$'
contains "text: a closure among the names" "$tmp/out" '\{closure#[0-9]+\}'
expect "text report, no match" 0 "$st" --report --match 'no_such_name_at_all' "$lib"
contains "text: zero matches reported" "$tmp/out" '^Matches for /no_such_name_at_all/: 0 events'

# golden: the Matches section only (the other tables have golden.sh)
golden_check() {
	local name=$1 got=$2 want="$golden/match-$1"
	if [ "${UPDATE:-}" = 1 ]; then cp "$got" "$want"; ok "golden $name (updated)"; return; fi
	if [ ! -f "$want" ]; then fail "golden $name: no $want (run with UPDATE=1)"; return; fi
	if diff -u "$want" "$got" >"$tmp/diff"; then ok "golden $name"; else
		fail "golden $name"; head -30 "$tmp/diff"
	fi
}
expect "text for golden" 0 "$st" --report --by pass --top 6 --match 'InlinerPass|closure' "$llvm"
sed -n '/^Matches for /,$p' "$tmp/out" >"$tmp/section.txt"
golden_check llvm-only.txt "$tmp/section.txt"

# ---- JSON ---------------------------------------------------------------------
if ! command -v jq >/dev/null 2>&1; then
	echo "jq not found: JSON checks skipped"
	finish
fi

# json NAME PATTERN FILE: the report's JSON in $tmp/$NAME.json
json() {
	expect "json $1" 0 "$st" --report --format json --match "$2" "$3"
	cp "$tmp/out" "$tmp/$1.json"
}
# jcheck NAME FILE JQ-EXPR: the expression is true
jcheck() {
	if jq -e "$3" "$2" >/dev/null 2>&1; then ok "$1"; else
		fail "$1: $3 is not true"; jq -c '.match | del(.names)' "$2" | head -3
	fi
}

json inliner InlinerPass "$llvm"
j="$tmp/inliner.json"
jcheck "match object has its fields" "$j" \
	'.match | has("pattern") and has("count") and has("self_ns") and has("total_ns") and has("names")'
jcheck "pattern echoed" "$j" '.match.pattern == "InlinerPass"'
jcheck "InlinerPass matches" "$j" '.match.count > 0'
jcheck "self <= total <= cpu" "$j" \
	'.match.self_ns >= 0 and .match.self_ns <= .match.total_ns and .match.total_ns <= .cpu_ns'
jcheck "names: every row self <= total, count > 0" "$j" \
	'all(.match.names[]; .count > 0 and .self_ns <= .total_ns)'
jcheck "names: counts add up" "$j" '([.match.names[].count] | add) == .match.count'
jcheck "names: self times add up" "$j" '([.match.names[].self_ns] | add) == .match.self_ns'
jcheck "names: sorted by self time" "$j" \
	'[.match.names[].self_ns] as $s | $s == ($s | sort | reverse)'
# an LLVM pass matched by label: the same events the pass and label tables
# count (a label's total adds every duration, the match nested ones once)
json inliner_exact '^InlinerPass$' "$llvm"
jcheck "agrees with the pass table" "$tmp/inliner_exact.json" \
	'(.passes[] | select(.pass == "InlinerPass")) as $p |
	 $p.count == .match.count and $p.self_ns == .match.self_ns'
jcheck "agrees with the label table" "$tmp/inliner_exact.json" \
	'(.labels[] | select(.label == "InlinerPass")) as $l |
	 .match.total_ns <= $l.total_ns and .match.total_ns > 0'
jcheck "substring match: AlwaysInlinerPass too" "$j" \
	'any(.match.names[]; .name == "AlwaysInlinerPass")'

# smart case
json lower inlinerpass "$llvm"
if [ "$(jq .match.count "$tmp/lower.json")" = "$(jq .match.count "$j")" ]; then
	ok "smart case: lower-case pattern is caseless"
else fail "smart case: inlinerpass and InlinerPass differ"; fi
json upper INLINERPASS "$llvm"
jcheck "smart case: upper-case pattern is case-sensitive" "$tmp/upper.json" '.match.count == 0'

# arguments are matched after normalisation: the file has raw names with
# [hash] disambiguators, the match sees none of them
if grep -aq '\[[0-9a-f]\{16\}\]' "$llvm"; then ok "fixture has raw disambiguators"; else
	fail "fixture has no [hash] disambiguators"; fi
json hash '\[[0-9a-f]{16}\]' "$llvm"
jcheck "normalised arguments: no disambiguator matches" "$tmp/hash.json" '.match.count == 0'
json closure '\{closure#\d+\}$' "$llvm"
jcheck "closures by argument" "$tmp/closure.json" \
	'.match.count > 0 and any(.match.names[]; .name | test("\\{closure#[0-9]+\\}$"))'
jcheck "closures: self <= total" "$tmp/closure.json" '.match.self_ns <= .match.total_ns'

# everything matches: nesting counted once makes total the sum of all
# self times
json all '' "$lib"
jcheck "match-all: self == total" "$tmp/all.json" \
	'.match.count > 0 and .match.self_ns == .match.total_ns'
jcheck "match-all: total <= cpu time" "$tmp/all.json" '.match.total_ns <= .cpu_ns'
json none 'no_such_name_at_all' "$lib"
jcheck "no match: zeros and no names" "$tmp/none.json" \
	'.match.count == 0 and .match.self_ns == 0 and .match.total_ns == 0 and (.match.names | length) == 0'
json nested 'codegen|LLVM' "$lib"
jcheck "nested matches: self <= total" "$tmp/nested.json" \
	'.match.count > 0 and .match.self_ns <= .match.total_ns'
# the outermost events only: never more than every match's duration
jcheck "nested matches: total <= sum of names' totals" "$tmp/nested.json" \
	'.match.total_ns <= ([.match.names[].total_ns] | add)'

jq -S '.match | .names |= .[:10]' "$tmp/closure.json" >"$tmp/closure-match.json"
golden_check llvm-only-closure.json "$tmp/closure-match.json"
finish
