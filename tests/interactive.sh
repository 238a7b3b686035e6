#!/bin/sh
# tests/interactive.sh — fadyn flow --interactive under a virtual X server
# (run by make check-interactive, part of make check):
#
#  * without a display (DISPLAY unset, or naming a display nobody serves)
#    it says so in one line and exits 2, writing nothing
#  * on Xvfb, xdotool clicks the window (left and right), presses b, c and
#    q; every click becomes one row of --out's table, in order, with the
#    direction of its button (the rows cleared by c stay), each row's class
#    is what `fadyn basin --from a0,w0` (and --backward) says, and the table
#    replays through --from-file into an image
#
# Xvfb and xdotool come from make deps (DEB_PKGS): missing, the test fails.
set -eu
BUILD=${BUILD:-build}
top=$(pwd)
fadyn="$top/$BUILD/fadyn"
fail() { echo "tests/interactive.sh: FAIL: $*" >&2; exit 1; }
for p in Xvfb xdotool gnuplot; do
    command -v "$p" >/dev/null 2>&1 || fail "$p not found (make deps installs it)"
done
tmp=$(mktemp -d)
xpid=
fpid=
cleanup() {
    [ -n "$fpid" ] && kill "$fpid" 2>/dev/null || true
    [ -n "$xpid" ] && kill "$xpid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# ---- no display: one line, exit 2, nothing written
free_display() {
    n=$1
    while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
    echo "$n"
}
dead=$(free_display 150)
for d in unset ":$dead"; do
    if [ "$d" = unset ]; then
        st=0; env -u DISPLAY "$fadyn" flow --interactive --out "$tmp/n.tsv" 2>"$tmp/err" || st=$?
    else
        st=0; DISPLAY=$d "$fadyn" flow --interactive --out "$tmp/n.tsv" 2>"$tmp/err" || st=$?
    fi
    [ "$st" -eq 2 ] || fail "DISPLAY $d: exit $st, not 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "DISPLAY $d: not one line: $(cat "$tmp/err")"
    grep -q "no X display" "$tmp/err" || fail "DISPLAY $d: $(cat "$tmp/err")"
    [ ! -e "$tmp/n.tsv" ] || fail "DISPLAY $d: wrote $tmp/n.tsv"
done

# ---- a virtual display
n=$(free_display 90)
Xvfb ":$n" -screen 0 1600x1200x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xpid=$!
i=0
until [ -e "/tmp/.X11-unix/X$n" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "Xvfb :$n did not start: $(cat "$tmp/xvfb.log")"
    sleep 0.1
done
DISPLAY=":$n"
export DISPLAY

"$fadyn" flow --interactive --grid 11x11 --basin-grid 41x41 --out "$tmp/t.tsv" \
    >"$tmp/out" 2>"$tmp/ferr" &
fpid=$!
win=$(timeout 60 xdotool search --sync --name 'fadyn flow: explore' | head -n 1) ||
    fail "no window: $(cat "$tmp/ferr")"
[ -n "$win" ] || fail "no window"

# the events fadyn has reported, each once the window shows it and waits for
# the next (lines after the first two: what it explores, the window open)
seen() { echo $(($(wc -l <"$tmp/out") - 2)); }
# wait until fadyn has reported $1 events, at most $2 tenths of a second;
# status 1 if they did not come
wait_events() {
    i=0
    while [ "$(seen)" -lt "$1" ]; do
        i=$((i + 1)); [ $i -lt "${2:-300}" ] || return 1
        kill -0 "$fpid" 2>/dev/null || [ "$(seen)" -ge "$1" ] ||
            fail "fadyn ended early: $(cat "$tmp/out" "$tmp/ferr")"
        sleep 0.1
    done
    sleep 0.4 # gnuplot_x11 may still be drawing: a click then can be lost
}
# send an event ("$@" the xdotool command) and wait for it; an event still
# unseen after 5 s was lost while the window was drawn (no row came from
# it) and is sent once more
send() {
    events=$((events + 1))
    xdotool "$@" 2>/dev/null || true # q: the window may go before the key is up
    if ! wait_events $events 50; then
        [ "$(seen)" -eq $((events - 1)) ] || fail "events out of step: $(cat "$tmp/out")"
        echo "tests/interactive.sh: note: event $events lost while drawing, sent again"
        xdotool "$@" 2>/dev/null || true
        wait_events $events || fail "event $events never came: $(cat "$tmp/out" "$tmp/ferr")"
    fi
}
click() { send mousemove --window "$win" "$1" "$2" click "$3"; } # x y button
key() { send key --window "$win" "$1"; }
wait_events 0 || fail "the window never opened: $(cat "$tmp/out" "$tmp/ferr")"
# points inside the square plot at the window's left (1200 x 900 pixels)
click 300 450 1
click 200 300 1
click 420 620 3
key b
click 250 520 3
key c
click 330 380 1
click 180 650 1
key q
i=0
while kill -0 "$fpid" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 200 ] || fail "fadyn did not end after q"
    sleep 0.1
done
st=0; wait "$fpid" || st=$?
fpid=
[ "$st" -eq 0 ] || fail "exit $st: $(cat "$tmp/ferr")"
[ ! -s "$tmp/ferr" ] || fail "stderr not empty: $(cat "$tmp/ferr")"
grep -q "basin shading off" "$tmp/out" || fail "b not seen: $(cat "$tmp/out")"
grep -q "cleared (4 starts logged)" "$tmp/out" || fail "c not seen: $(cat "$tmp/out")"
grep -q "quit after 6 starts" "$tmp/out" || fail "q not seen: $(cat "$tmp/out")"

# one row per click, in order, with its button's direction and basin's class
dirs="forward forward backward backward forward forward"
rows=$(awk 'NR > 1' "$tmp/t.tsv" | wc -l)
[ "$rows" -eq 6 ] || fail "$rows rows for 6 clicks: $(cat "$tmp/t.tsv")"
head -n 1 "$tmp/t.tsv" | grep -q "^trajectory	direction	a0	w0	class	" ||
    fail "header: $(head -n 1 "$tmp/t.tsv")"
k=0
for want in $dirs; do
    k=$((k + 1))
    row=$(awk -v r=$((k + 1)) 'NR == r' "$tmp/t.tsv")
    dir=$(echo "$row" | cut -f2)
    a0=$(echo "$row" | cut -f3)
    w0=$(echo "$row" | cut -f4)
    cls=$(echo "$row" | cut -f5)
    [ "$dir" = "$want" ] || fail "row $k: direction $dir, clicked $want"
    flag=
    [ "$dir" = backward ] && flag=--backward
    "$fadyn" basin --from "$a0,$w0" $flag --out "$tmp/b$k.tsv" --quiet 2>/dev/null ||
        fail "basin --from $a0,$w0 $flag failed"
    bcls=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "class") c = i }
        NR == 2 { print $c }' "$tmp/b$k.tsv")
    [ "$cls" = "$bcls" ] || fail "row $k ($a0, $w0, $dir): class $cls, basin --from says $bcls"
    echo "tests/interactive.sh: click $k at ($a0, $w0) $dir: $cls, as basin --from"
done
for s in -field -curves -basin -traj -heads; do
    [ -s "$tmp/t$s.tsv" ] || fail "no t$s.tsv on quit"
done

# the exploration replays into an image
"$fadyn" flow --from-file "$tmp/t.tsv" --grid 11x11 --basin-grid 41x41 --plot "$tmp/r.png" \
    --out "$tmp/r.tsv" --quiet 2>"$tmp/rerr" || fail "replay failed: $(cat "$tmp/rerr")"
[ -s "$tmp/r.png" ] || fail "replay: no image"
cmp -s "$tmp/t.tsv" "$tmp/r.tsv" || fail "the replay's table differs: $(diff "$tmp/t.tsv" "$tmp/r.tsv")"
echo "tests/interactive.sh: no display exits 2; 6 clicks, b, c and q on Xvfb :$n logged and classed as basin --from; the table replays"
