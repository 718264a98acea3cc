#!/usr/bin/env bash
# The program's shell: options, exit statuses, one-line errors, no terminal.
. "$(dirname "$0")/lib.sh"

expect "--help exits 0" 0 "$st" --help
contains "--help shows usage" "$tmp/out" '^Usage: stalactite'
contains "--help lists --report" "$tmp/out" '--report'
expect "--version exits 0" 0 "$st" --version
contains "--version prints the version" "$tmp/out" '^stalactite [0-9]+\.[0-9]+'

expect "unknown option is a usage error" 2 "$st" --frobnicate x
one_line "unknown option: one line" "^stalactite: unknown option: --frobnicate"
expect "missing option argument" 2 "$st" --report --top
one_line "missing argument: one line" "^stalactite: option needs an argument"
expect "bad --top" 2 "$st" --report --top=lots x
expect "bad --format" 2 "$st" --report --format=xml x
expect "bad --by" 2 "$st" --report --by=colour x
expect "no path" 2 "$st" --report
one_line "no path: one line" "no profile given"

expect "missing file is an input error" 1 "$st" --report "$tmp/nope.mm_profdata"
one_line "missing file: one line naming it" "^stalactite: $tmp/nope.mm_profdata: No such file"
printf 'hello world, not a profile\n' >"$tmp/text.txt"
expect "wrong format" 1 "$st" --report "$tmp/text.txt"
one_line "wrong format: path and offset" "^stalactite: $tmp/text.txt: offset 0: "
mkdir "$tmp/empty"
expect "directory without profiles" 1 "$st" --report "$tmp/empty"
one_line "empty directory: one line" "no \*\.mm_profdata files"
if [ "$(id -u)" -ne 0 ]; then
	cp "$sample" "$tmp/locked.mm_profdata"; chmod 000 "$tmp/locked.mm_profdata"
	expect "unreadable file" 1 "$st" --report "$tmp/locked.mm_profdata"
	one_line "unreadable: one line" "Permission denied"
fi

# Without a terminal the viewer refuses and points at --report.
expect "no tty: viewer refuses" 2 "$st" "$sample"
one_line "no tty: suggests --report" "--report"
expect "TERM=dumb: viewer refuses" 2 env TERM=dumb "$st" "$sample"
one_line "TERM=dumb: suggests --report" "--report"

# Reports from a file, a directory and standard input agree.
expect "report on the sample" 0 "$st" --report --format json "$sample"
cp "$tmp/out" "$tmp/file.json"
mkdir -p "$tmp/dir/sub" && cp "$sample" "$tmp/dir/sub/x.mm_profdata"
expect "report on a directory" 0 "$st" --report --format json "$tmp/dir"
sed 's/"path":"[^"]*"//' "$tmp/out" >"$tmp/dir.json"
expect "report on stdin" 0 sh -c "\"$st\" --report --format json - < \"$sample\""
sed 's/"path":"[^"]*"//' "$tmp/out" >"$tmp/stdin.json"
sed 's/"path":"[^"]*"//' "$tmp/file.json" >"$tmp/file2.json"
if cmp -s "$tmp/file2.json" "$tmp/dir.json" && cmp -s "$tmp/file2.json" "$tmp/stdin.json"; then
	ok "file, directory and stdin give the same report"
else
	fail "file, directory and stdin reports differ"
fi
expect "--match with an invalid pattern" 1 "$st" --report --match '(' "$sample"
one_line "invalid pattern: one line with offset" "invalid pattern.*offset [0-9]+"
expect "--match outside --report" 2 "$st" --match x "$sample"

printf 'x _RNvCs1234_7mycrate3foo y\n' >"$tmp/sym"
expect "--demangle takes no path" 2 "$st" --demangle "$tmp/sym"
finish
