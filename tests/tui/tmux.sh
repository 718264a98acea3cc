#!/usr/bin/env bash
# The real binary in a real terminal (tmux): drawing, keys, resize, and that
# the terminal is given back after q, Ctrl-C and SIGTERM.  Skipped (77) when
# tmux is missing.
. "$(dirname "$0")/../lib.sh"
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
export LC_ALL=C.UTF-8
sock="$tmp/tmux.sock"
T() { tmux -S "$sock" "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# wait_for TEXT: polls the pane until TEXT shows (5 s at most).
wait_for() {
	for _ in $(seq 50); do
		T capture-pane -p -t t >"$tmp/pane" 2>/dev/null
		grep -qF -- "$1" "$tmp/pane" && return 0
		sleep 0.1
	done
	return 1
}

new_session() {   # a fresh server: the old one may still be exiting
	T kill-server 2>/dev/null
	for _ in $(seq 20); do T has-session 2>/dev/null || break; sleep 0.1; done
	for _ in 1 2 3; do
		T -f /dev/null new-session -d -s t -x 120 -y 40 "bash --norc --noprofile" 2>/dev/null &&
			T has-session -t t 2>/dev/null && return 0
		sleep 0.3
	done
	return 1
}

start() {   # a shell in a 120x40 pane running stalactite on the sample
	new_session || fail "tmux: cannot start a session"
	T send-keys -t t "PS1='READY\$ '; stty -a > $tmp/stty.before" Enter
	wait_for READY || fail "shell did not start"
	T send-keys -t t "TERM=screen-256color $st $sample; echo EXIT=\$?; stty -a > $tmp/stty.after" Enter
}

start
if wait_for "1 Icicle"; then ok "tmux: the viewer draws"; else fail "tmux: no header"; cat "$tmp/pane"; fi
[ "$(T display -p -t t '#{alternate_on}')" = 1 ] && ok "tmux: alternate screen in use" ||
	fail "tmux: alternate screen not in use"
T send-keys -t t 2
wait_for "total      self" && ok "tmux: 2 shows the tree table" || fail "tmux: no tree table"
T send-keys -t t / c l o s u r e
wait_for "/closure" && ok "tmux: search prompt echoes" || fail "tmux: no prompt"
wait_for "matches" || true
T send-keys -t t Enter
wait_for "matches  total" && ok "tmux: search status line" || fail "tmux: no match status"
T resize-window -t t -x 70 -y 20
sleep 0.3
T capture-pane -p -t t >"$tmp/pane"
# at 70 columns the hint and the bars give way to names
if grep -q "1 Icicle" "$tmp/pane" && ! grep -q "?:help" "$tmp/pane" &&
   ! grep -q "\[█" "$tmp/pane" && grep -q "finish_ongoing_codegen" "$tmp/pane"; then
	ok "tmux: relayout after resize"
else fail "tmux: resize"; cat "$tmp/pane"; fi
T resize-window -t t -x 30 -y 6
wait_for "too small" && ok "tmux: too-small screen" || fail "tmux: no too-small screen"
T resize-window -t t -x 120 -y 40
wait_for "matches  total" && ok "tmux: state kept through resizes" || fail "tmux: state lost"
T send-keys -t t q
if wait_for "EXIT=0"; then ok "tmux: q quits with status 0"; else fail "tmux: q"; cat "$tmp/pane"; fi
[ "$(T display -p -t t '#{alternate_on}')" = 0 ] && ok "tmux: alternate screen left" ||
	fail "tmux: still in the alternate screen"
wait_for READY
if diff <(grep -o 'icanon\|echo \|-icanon\|-echo ' "$tmp/stty.before") \
        <(grep -o 'icanon\|echo \|-icanon\|-echo ' "$tmp/stty.after") >/dev/null; then
	ok "tmux: terminal modes restored after q"
else fail "tmux: terminal modes differ after q"; fi

start
wait_for "1 Icicle" || fail "tmux: second start"
T send-keys -t t C-c
wait_for "EXIT=0" && ok "tmux: Ctrl-C quits" || fail "tmux: Ctrl-C"
[ "$(T display -p -t t '#{alternate_on}')" = 0 ] && ok "tmux: restored after Ctrl-C" ||
	fail "tmux: not restored after Ctrl-C"

start
wait_for "1 Icicle" || fail "tmux: third start"
pkill -TERM -f "^$st $sample" || pkill -TERM -x stalactite
wait_for "EXIT=" && ok "tmux: SIGTERM ends it" || fail "tmux: SIGTERM"
[ "$(T display -p -t t '#{alternate_on}')" = 0 ] && ok "tmux: restored after SIGTERM" ||
	fail "tmux: not restored after SIGTERM"

# A profile on standard input: keys still come from the terminal.
T send-keys -t t "TERM=screen-256color $st - < $sample; echo EXIT=\$?" Enter
wait_for "1 Icicle" && ok "tmux: profile from stdin opens" || fail "tmux: stdin profile"
T send-keys -t t 4
wait_for "Which LLVM pass dominates" && ok "tmux: keys work with the profile on stdin" ||
	fail "tmux: keys with stdin profile"
T send-keys -t t q
wait_for "EXIT=0" || fail "tmux: quit after stdin"
finish
