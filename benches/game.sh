#!/usr/bin/env bash
# Measures the game itself (see docs/benchmarks.md): launch to the first drawn frame, idle CPU
# with no input (reactive, as shipped, against redrawing every frame), peak memory, and frame
# time on the visit screen. Runs the real game in a virtual X display with Mesa's software
# Vulkan, as the window tests do.
#
#   cargo build --release && benches/game.sh [path/to/salesdojo]
#
# Needs: Xvfb, xdotool, ImageMagick (import), python3. Figures go to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/salesdojo}
DISPLAY_NUMBER=:91
export DISPLAY=$DISPLAY_NUMBER WGPU_BACKEND=vulkan
TICKS=$(getconf CLK_TCK)
WORK=$(mktemp -d)
Xvfb "$DISPLAY_NUMBER" -screen 0 1280x800x24 >/dev/null 2>&1 &
XVFB=$!
GAME=
cleanup() {
  [ -n "$GAME" ] && kill "$GAME" 2>/dev/null || true
  kill "$XVFB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
sleep 2

start_game() { # extra flags…
  "$BIN" --data-dir "$WORK/data" --lang en "$@" >"$WORK/game.log" 2>&1 &
  GAME=$!
}
stop_game() {
  kill "$GAME" 2>/dev/null || true
  wait "$GAME" 2>/dev/null || true
  GAME=
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$GAME/stat"; }
peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$GAME/status"; }
# A frame is drawn once the screen shows more than a handful of colours (text, buttons).
drawn() {
  timeout 2 import -window root "$WORK/shot.png" 2>/dev/null &&
    python3 - "$WORK/shot.png" <<'EOF'
import subprocess, sys
out = subprocess.run(["identify", "-format", "%k", sys.argv[1]], capture_output=True, text=True)
sys.exit(0 if out.stdout.strip().isdigit() and int(out.stdout) > 20 else 1)
EOF
}

echo "## launch to first drawn frame"
for run in 1 2 3 4 5; do
  begin=$(date +%s.%N)
  start_game
  until drawn; do sleep 0.05; done
  end=$(date +%s.%N)
  echo "run $run: $(python3 -c "print(f'{$end - $begin:.2f} s')")"
  stop_game
done

idle() { # label, extra flags…
  local label=$1; shift
  start_game "$@"
  sleep 8
  local before after
  before=$(cpu_ticks)
  sleep 10
  after=$(cpu_ticks)
  echo "$label: $(python3 -c "print(f'{($after - $before) / $TICKS / 10 * 100:.1f} % of one core')") · peak memory $(($(peak_kb) / 1024)) MB"
  stop_game
}
echo "## idle CPU over 10 s on the title screen, no input"
idle "reactive (as shipped)"
idle "continuous (redraw every frame)" --continuous

# Types a name, picks the first scenario and starts its visit: the customer's portrait on screen.
to_visit_screen() {
  local window
  window=$(xdotool search --name "Sales Dojo" | head -1)
  xdotool windowfocus "$window"
  xdotool mousemove 600 250 click 1
  sleep 0.5
  xdotool type --delay 100 "Bench"
  for key in Return 1 Return; do
    xdotool key "$key"
    sleep 2
  done
}

echo "## idle CPU over 10 s on the visit screen (the customer's portrait shown), no input"
start_game
sleep 8
to_visit_screen
sleep 4
before=$(cpu_ticks)
sleep 10
after=$(cpu_ticks)
echo "reactive (as shipped): $(python3 -c "print(f'{($after - $before) / $TICKS / 10 * 100:.1f} % of one core')")"
stop_game

echo "## frame time on the visit screen, redrawing every frame"
start_game --continuous
sleep 8
to_visit_screen
sleep 12
echo "peak memory after a visit screen: $(($(peak_kb) / 1024)) MB"
stop_game
# LogDiagnosticsPlugin prints "frame_time … ms (avg … ms)" each second; the last ten are on
# the visit screen.
grep -a "frame_time" "$WORK/game.log" | sed 's/\x1b\[[0-9;]*m//g' | tail -10 |
  python3 -c '
import re, sys
values = [float(m.group(1)) for line in sys.stdin for m in [re.search(r"frame_time\s*:\s*([0-9.]+)ms", line)] if m]
if values:
    values.sort()
    print(f"frame time: median {values[len(values)//2]:.1f} ms, worst {values[-1]:.1f} ms over {len(values)} one-second readings")
else:
    print("frame time: no readings (is the game logging diagnostics?)")
'
