#!/usr/bin/env bash
# The real binary in a real terminal (tmux): drawing, keys, resize, and that
# the terminal is given back after q, Ctrl-C, SIGTERM and fatal signals
# (Ctrl-\, SIGSEGV).  Skipped (77) when tmux is missing.
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

# The viewer runs under a plain sh, without job control: an interactive bash
# puts the tty modes back itself after a job killed by a signal, which would
# hide a viewer that leaves them raw.  The viewer's pid goes to $tmp/pid.
cat >"$tmp/run" <<'EOF'
pidf=$1 after=$2; shift 2
trap : QUIT   # Ctrl-\ goes to the whole foreground group: outlive it
sh -c 'echo $$ > "$0"; exec "$@"' "$pidf" "$@"
echo "EXIT=$?"
stty -a > "$after.tmp" && mv "$after.tmp" "$after"   # whole, or not yet: never half written
EOF

start() {   # [PATH]: a shell in a 120x40 pane running stalactite on the sample
	new_session || fail "tmux: cannot start a session"
	T send-keys -t t "PS1='READY\$ '; ulimit -c 0; stty -a > $tmp/stty.before" Enter
	wait_for READY || fail "shell did not start"
	rm -f "$tmp/stty.after"
	T send-keys -t t "TERM=screen-256color sh $tmp/run $tmp/pid $tmp/stty.after $st ${1:-$sample}" Enter
}

# modes_restored NAME: after the viewer ended, the pane is as before it:
# normal screen, cursor shown, no mouse reporting, the same tty modes.
modes_restored() {
	local flags
	for _ in $(seq 20); do [ -f "$tmp/stty.after" ] && break; sleep 0.1; done
	flags=$(T display -p -t t '#{alternate_on} #{cursor_flag} #{mouse_any_flag}')
	[ "$flags" = "0 1 0" ] && ok "$1: screen, cursor and mouse restored" ||
		fail "$1: alternate screen, cursor, mouse = $flags, want 0 1 0"
	local re='-\?icanon\|-\?echo \|-\?isig\|-\?icrnl\|-\?opost'
	if [ -f "$tmp/stty.after" ] &&
	   diff <(grep -o -- "$re" "$tmp/stty.before") <(grep -o -- "$re" "$tmp/stty.after") >/dev/null
	then ok "$1: tty modes restored"
	else fail "$1: tty modes differ"; fi
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
modes_restored "tmux: q"

start
wait_for "1 Icicle" || fail "tmux: second start"
T send-keys -t t C-c
wait_for "EXIT=0" && ok "tmux: Ctrl-C quits with status 0" || fail "tmux: Ctrl-C"
modes_restored "tmux: Ctrl-C"

# Ctrl-\ is SIGQUIT from the tty driver: the fatal-signal handler gives the
# terminal back, then the signal ends the process (128 + 3).
start
wait_for "1 Icicle" || fail "tmux: start for Ctrl-\\"
T send-keys -t t 'C-\'
wait_for "EXIT=131" && ok "tmux: Ctrl-\\ ends it by SIGQUIT" || { fail "tmux: Ctrl-\\"; cat "$tmp/pane"; }
modes_restored "tmux: Ctrl-\\"

# signal_ends SIG STATUS: the signal sent from outside ends the viewer with
# STATUS and the terminal is restored.
signal_ends() {
	start
	wait_for "1 Icicle" || fail "tmux: start for SIG$1"
	kill "-$1" "$(cat "$tmp/pid")"
	if wait_for "EXIT=$2"; then ok "tmux: SIG$1 ends it with status $2"
	else fail "tmux: SIG$1: want EXIT=$2"; grep EXIT "$tmp/pane"; fi
	modes_restored "tmux: SIG$1"
}
signal_ends TERM 143
signal_ends HUP 129
signal_ends INT 130
# under AddressSanitizer its own handler reports the SIGSEGV and exits 1
if grep -q __asan_init "$st"; then signal_ends SEGV 1; else signal_ends SEGV 139; fi

# Quitting during a load: a profile whose writer stalls (the first 100 kB,
# then nothing for a minute) keeps the viewer loading; q, Ctrl-C and Esc
# abandon it at once with status 0, a SIGTERM with 143, and each time the
# terminal is given back.
load_start() {   # the viewer loading from a FIFO that stalls
	new_session || fail "tmux: cannot start a session"
	T send-keys -t t "PS1='READY\$ '; ulimit -c 0; stty -a > $tmp/stty.before" Enter
	wait_for READY || fail "shell did not start"
	rm -f "$tmp/stty.after" "$tmp/slow"
	mkfifo "$tmp/slow"
	(head -c 100000 "$sample"; sleep 60) >"$tmp/slow" &
	writer=$!
	T send-keys -t t "TERM=screen-256color sh $tmp/run $tmp/pid $tmp/stty.after $st $tmp/slow" Enter
	wait_for "Loading: 0.1 MB read" || { fail "tmux: no progress while loading"; cat "$tmp/pane"; }
}
load_ends() {   # KEY STATUS NAME
	load_start
	local t0=$SECONDS
	if [ "$1" = TERM ]; then kill -TERM "$(cat "$tmp/pid")"; else T send-keys -t t "$1"; fi
	if wait_for "EXIT=$2" && [ $((SECONDS - t0)) -le 3 ]; then ok "tmux: $3 during a load ends it at once with status $2"
	else fail "tmux: $3 during a load: want EXIT=$2 at once"; cat "$tmp/pane"; fi
	modes_restored "tmux: $3 during a load"
	kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
}
load_ends q 0 q
load_ends C-c 0 Ctrl-C
load_ends Escape 0 Esc
load_ends TERM 143 SIGTERM

# A FIFO no writer has opened: the open does not wait for one, so the
# viewer shows its loading screen and reads keys meanwhile; q and Ctrl-C
# end it at once with status 0, SIGTERM with 143, the terminal given back
# each time.  With two threads and a profile beside it too (the worker
# waiting for the writer stops).  A writer that comes later is read.
lonely_start() {   # [ENV...]: the viewer on a FIFO without a writer
	new_session || fail "tmux: cannot start a session"
	T send-keys -t t "PS1='READY\$ '; ulimit -c 0; stty -a > $tmp/stty.before" Enter
	wait_for READY || fail "shell did not start"
	rm -f "$tmp/stty.after" "$tmp/lonely"
	mkfifo "$tmp/lonely"
	T send-keys -t t "TERM=screen-256color $* sh $tmp/run $tmp/pid $tmp/stty.after $st $tmp/lonely" Enter
	wait_for "Loading: 0.0 MB read" || { fail "tmux: no loading screen without a writer"; cat "$tmp/pane"; }
}
lonely_ends() {   # KEY STATUS NAME
	lonely_start
	local t0=$SECONDS
	if [ "$1" = TERM ]; then kill -TERM "$(cat "$tmp/pid")"; else T send-keys -t t "$1"; fi
	if wait_for "EXIT=$2" && [ $((SECONDS - t0)) -le 3 ]; then
		ok "tmux: $3 while a FIFO has no writer ends it at once with status $2"
	else fail "tmux: $3 while a FIFO has no writer: want EXIT=$2 at once"; cat "$tmp/pane"; fi
	modes_restored "tmux: $3 while a FIFO has no writer"
}
lonely_ends q 0 q
lonely_ends C-c 0 Ctrl-C
lonely_ends TERM 143 SIGTERM
new_session || fail "tmux: cannot start a session"
rm -f "$tmp/lonely"
mkfifo "$tmp/lonely"
T send-keys -t t "clear; TERM=screen-256color STALACTITE_JOBS=2 $st $sample $tmp/lonely; echo JOBSEXIT=\$?" Enter
wait_for "Loading:" || { fail "tmux: no loading screen (two threads, no writer)"; cat "$tmp/pane"; }
t0=$SECONDS
T send-keys -t t q
if wait_for "JOBSEXIT=0" && [ $((SECONDS - t0)) -le 3 ]; then
	ok "tmux: q while a worker waits for a FIFO's writer ends it at once"
else fail "tmux: q while a worker waits for a writer"; cat "$tmp/pane"; fi
lonely_start
sleep 0.3   # still waiting: then the writer comes
cat "$sample" >"$tmp/lonely" &
writer=$!
wait_for "1 Icicle" && ok "tmux: a FIFO whose writer comes later loads" ||
	{ fail "tmux: a FIFO's late writer"; cat "$tmp/pane"; }
T send-keys -t t q
wait_for "EXIT=0" && ok "tmux: q after a late writer's profile" || fail "tmux: q after a late writer"
modes_restored "tmux: q after a late writer's profile"
wait "$writer" 2>/dev/null

# A profile on standard input: keys still come from the terminal.
T send-keys -t t "TERM=screen-256color $st - < $sample; echo EXIT=\$?" Enter
wait_for "1 Icicle" && ok "tmux: profile from stdin opens" || fail "tmux: stdin profile"
T send-keys -t t 4
wait_for "Which LLVM pass dominates" && ok "tmux: keys work with the profile on stdin" ||
	fail "tmux: keys with stdin profile"
T send-keys -t t q
wait_for "EXIT=0" || fail "tmux: quit after stdin"

# --diff BASE NEW: both builds load, the viewer opens on the comparison,
# keys work and q gives the terminal back.
T send-keys -t t "clear; TERM=screen-256color $st --diff $data/two-crates $data/two-crates-inline; echo DIFFEXIT=\$?" Enter
wait_for "stalactite diff" && ok "tmux: --diff opens the viewer" || fail "tmux: --diff viewer"
T send-keys -t t 4
wait_for "What changed from base to new" && ok "tmux: --diff summary" || fail "tmux: --diff summary"
T send-keys -t t q
if wait_for "DIFFEXIT=0"; then ok "tmux: --diff quits with status 0"; else fail "tmux: --diff q"; cat "$tmp/pane"; fi
[ "$(T display -p -t t '#{alternate_on}')" = 0 ] && ok "tmux: restored after --diff" ||
	fail "tmux: not restored after --diff"

# cargo timings: 5 opens the Build view (timeline and critical path), T
# re-sorts it, a resize redraws it, q gives the terminal back.
T send-keys -t t "clear; TERM=screen-256color $st $data/cargo/tokio-hyper.html; echo BUILDEXIT=\$?" Enter
wait_for "5 Build" && ok "tmux: cargo timings offer the Build view" || fail "tmux: no Build tab"
T send-keys -t t 5
wait_for "critical path 30.2s" && ok "tmux: 5 draws the Build view" || { fail "tmux: Build view"; cat "$tmp/pane"; }
T send-keys -t t T
wait_for "tokio 1.24.2               lib    55.3s" && ok "tmux: T sorts units by duration" ||
	{ fail "tmux: Build sort"; cat "$tmp/pane"; }
T resize-window -t t -x 60 -y 14
wait_for "unit (by duration)   took" && ok "tmux: Build view after resize" || { fail "tmux: Build resize"; cat "$tmp/pane"; }
T resize-window -t t -x 120 -y 40
T send-keys -t t q
if wait_for "BUILDEXIT=0"; then ok "tmux: q quits the Build view with status 0"; else fail "tmux: Build q"; cat "$tmp/pane"; fi
[ "$(T display -p -t t '#{alternate_on}')" = 0 ] && ok "tmux: restored after the Build view" ||
	fail "tmux: not restored after the Build view"

# A snapshot truncated while it is viewed: the model reads its pages, so
# the next key that draws a name faults; that is bad input, not a crash:
# one line naming the file and offset, status 1, the terminal given back.
"$st" --save "$tmp/view.stsnap" "$sample" || fail "tmux: --save for the truncation"
start "$tmp/view.stsnap"
wait_for "1 Icicle" || fail "tmux: start on a snapshot"
truncate -s 0 "$tmp/view.stsnap"
T send-keys -t t 2 e
if wait_for "EXIT=1" && grep -q "view.stsnap: offset [0-9]*: file changed while being read" "$tmp/pane"
then ok "tmux: a snapshot truncated while viewed ends it with one line and status 1"
else fail "tmux: a snapshot truncated while viewed"; cat "$tmp/pane"; fi
modes_restored "tmux: a snapshot truncated while viewed"

# "-" with the terminal as standard input: refused at once (a load would
# wait for input typed there, the keys that stop a load going to it)
start -
if wait_for "EXIT=2" && grep -q "standard input is a terminal" "$tmp/pane"
then ok "tmux: - on a terminal is refused with status 2"
else fail "tmux: - on a terminal"; cat "$tmp/pane"; fi
finish
