#!/usr/bin/env bash
# bench/tracker.sh — mt-tracker against opentracker, announces per second.
#
# One load generator (bench/tracker_load.c, compiled here) keeps CONNS
# announces in flight against each tracker in turn, from PEERS peers of one
# torrent, each asking for 50 compact peers.  Two modes: keep-alive (many
# announces per connection) and close (a new connection per announce, the way
# most clients announce).  Both trackers serve only the one info-hash
# (Debian's opentracker is a whitelist build; mt-tracker gets --allow), both
# are warmed up so the swarm is full, and the runs alternate ours / theirs for
# ROUNDS rounds; the medians are compared.  Goal: ratio >= 1.0.
#
# opentracker does not keep connections alive: in keep-alive mode it answers
# and closes, and the generator reconnects, as a client would.  Beside the
# wall-clock rate, announces per CPU second of each tracker process are shown:
# on a shared machine that figure moves less.
# Env: SECONDS_EACH (default 3), ROUNDS (3), CONNS (32), PEERS (1000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mt=$here/../mini_torrent
secs=${SECONDS_EACH:-3}
rounds=${ROUNDS:-3}
conns=${CONNS:-32}
peers=${PEERS:-1000}
hash=aabbccddeeff00112233445566778899aabbccdd
work=$(mktemp -d /tmp/tracker-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for t in opentracker cc python3; do
  command -v "$t" >/dev/null || { echo "bench/tracker.sh: $t is missing (run .ci/setup)" >&2; exit 1; }
done
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -o "$work/tracker_load" \
  "$here/tracker_load.c" "$here/benchlib.c"
make -s -C "$mt" mt-tracker >/dev/null

# Debian's opentracker chroots to -d (and drops to user nobody) before it
# reads -w, so the whitelist lives in a directory nobody can read.
chmod 755 "$work"
echo "$hash" > "$work/allow.txt"
chmod 644 "$work/allow.txt"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

timeout 900 "$mt/mt-tracker" -b 127.0.0.1 -p 0 --allow "$work/allow.txt" > "$work/mt.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening on' "$work/mt.out" && break; sleep 0.1; done
mt_port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/mt.out")
[ -n "$mt_port" ] || { echo "bench/tracker.sh: mt-tracker did not start: $(cat "$work/mt.out")" >&2; exit 1; }
mt_pid=$(pgrep -P "${pids[0]}" -x mt-tracker)

ot_port=$(free_port)
timeout 900 opentracker -i 127.0.0.1 -p "$ot_port" -P "$ot_port" -d "$work" -w allow.txt \
  > "$work/ot.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$ot_port") 2>/dev/null && break
  sleep 0.1
done
ot_pid=$(pgrep -P "${pids[1]}" -x opentracker)
[ -n "$ot_pid" ] || { echo "bench/tracker.sh: opentracker did not start: $(cat "$work/ot.out")" >&2; exit 1; }

# CPU ticks (user + system) a process has used so far.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# run PORT PID KEEPALIVE: prints "announces/s announces-per-cpu-second".
run() {
  local before after out rate bad
  before=$(ticks "$2")
  out=$("$work/tracker_load" 127.0.0.1 "$1" "$hash" "$secs" "$conns" "$3" "$peers")
  after=$(ticks "$2")
  read -r _ _ rate bad _ <<< "$out"
  if ((bad > 0)); then echo "bench/tracker.sh: $bad bad answers from port $1" >&2; exit 1; fi
  awk -v r="$rate" -v n="$out" -v c=$((after - before)) -v hz="$hz" -v s="$secs" \
    'BEGIN { split(n, a, " "); printf "%d %d\n", r, c ? a[1] / (c / hz) : 0 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Warm-up: every peer joins the swarm on both trackers.
"$work/tracker_load" 127.0.0.1 "$mt_port" "$hash" 1 "$conns" 1 "$peers" >/dev/null
"$work/tracker_load" 127.0.0.1 "$ot_port" "$hash" 1 "$conns" 0 "$peers" >/dev/null

echo "Announces per second, one generator, $conns connections, $peers peers, numwant 50,"
echo "median of $rounds alternating runs of ${secs}s each ($(nproc) CPUs, shared)"
printf '  %-11s %14s %14s %7s   %17s %17s %7s\n' mode "mt-tracker" opentracker ratio \
  "mt-tracker/cpu-s" "opentracker/cpu-s" ratio
for ka in 1 0; do
  : > "$work/mt.rates"; : > "$work/ot.rates"; : > "$work/mt.cpu"; : > "$work/ot.cpu"
  for _ in $(seq "$rounds"); do
    read -r r c < <(run "$mt_port" "$mt_pid" "$ka")
    echo "$r" >> "$work/mt.rates"; echo "$c" >> "$work/mt.cpu"
    read -r r c < <(run "$ot_port" "$ot_pid" "$ka")
    echo "$r" >> "$work/ot.rates"; echo "$c" >> "$work/ot.cpu"
  done
  m=$(median < "$work/mt.rates"); o=$(median < "$work/ot.rates")
  mc=$(median < "$work/mt.cpu"); oc=$(median < "$work/ot.cpu")
  printf '  %-11s %14s %14s %6sx   %17s %17s %6sx\n' "$([ "$ka" = 1 ] && echo keep-alive || echo close)" \
    "$m" "$o" "$(ratio "$m" "$o")" "$mc" "$oc" "$(ratio "$mc" "$oc")"
done
echo "(ratio = mt-tracker / opentracker; goal >= 1.0)"
