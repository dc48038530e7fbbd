#!/usr/bin/env bash
# bench/swarm_scale.sh — how large a swarm of mt-peers completes on this
# machine, and what each peer costs in memory.
#
# For each N in SIZES (default "32 64 128 256"): mt-tracker, one mt-peer seed
# and N mt-peer leechers, each on its own address (127.1.X.Y), all knowing
# only the torrent (FILE_BYTES of random data, default 4 MiB in 64 KiB
# pieces).  Leechers stay after completing (the altruistic default), so they
# keep uploading to the rest, as in a real swarm.  A size passes when every
# leecher reports its download complete within DEADLINE seconds (default 600)
# and every copy is byte-identical.  Printed per size: time until the first
# and the last leecher completed, peak resident memory (VmHWM) per leecher
# (median and max) and of the seed and the tracker, and the CPU seconds all
# peers used.  The sizes run from small to large and stop at the first
# failure; the largest that passed is the answer.  Goal: 256.
#
# Protocol timers are the textbook defaults (rechoke 10 s, optimistic unchoke
# 30 s) unless PEER_OPTS adds others.  Env: SIZES, FILE_BYTES, PIECE (64K),
# DEADLINE, PEER_OPTS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mt=$here/../mini_torrent
export BIN_DIR=${BIN_DIR:-$mt}
make -s -C "$mt" mt-peer mt-tracker mt-mktorrent mt-info >/dev/null
# start/stop under timeout, wait_line, the work dir and its cleanup.
source "$mt/interop/peer_lib.bash"
# Private copies of our programs: a rebuild during the run must not change
# (or, mid-link, break) what is measured.
mkdir -p "$work/bin"
cp "$BIN_DIR"/mt-peer "$BIN_DIR"/mt-tracker "$BIN_DIR"/mt-mktorrent "$BIN_DIR"/mt-info "$work/bin/"
BIN_DIR=$work/bin

SIZES=${SIZES:-32 64 128 256}
FILE_BYTES=${FILE_BYTES:-4194304}
PIECE=${PIECE:-64K}
DEADLINE=${DEADLINE:-600}
read -r -a peer_opts <<< "${PEER_OPTS:-}"

# Each leecher holds a few dozen descriptors; the whole swarm a few per
# connection.  Say so up front if the limits cannot take the largest size.
max_n=0
for n in $SIZES; do ((n > max_n)) && max_n=$n; done
if (( $(ulimit -u) != 0 )) && [ "$(ulimit -u)" != unlimited ] && (( $(ulimit -u) < 3 * max_n + 100 )); then
  die "ulimit -u $(ulimit -u) is too low for $max_n peers"
fi
echo "swarm of mt-peers: $FILE_BYTES bytes in $PIECE pieces; sizes: $SIZES; $(nproc) CPUs," \
  "load $(cut -d' ' -f1-3 /proc/loadavg), $(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo) MiB available"

random_file "$work/seed/s.bin" "$FILE_BYTES"

addr() { echo "127.1.$(($1 / 250)).$(($1 % 250 + 1))"; }
# kids NAME...: pids of the programs under those names' timeouts.
kids() {
  local n ps=()
  for n in "$@"; do ps+=("${PID[$n]}"); done
  pgrep -d ' ' -P "$(IFS=,; echo "${ps[*]}")" || true
}
# hwm_kb PID...: peak resident memory of each, one per line (KiB).
hwm_kb() {
  local p
  for p in "$@"; do awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null; done
}
# cpu_s PID...: user + system seconds they used, in total.
cpu_s() {
  local p
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done |
    awk -v hz="$(getconf CLK_TCK)" '{ t += $14 + $15 } END { printf "%.0f", t / hz }'
}
# done_count: leechers whose stderr says the download is complete.
done_count() { grep -l "download complete" "$work"/l*.err 2>/dev/null | wc -l; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# run_size N: one swarm; prints its result line, returns 1 if it failed.
run_size() {
  local n=$1 i t0 first= last= c names=() lk sk tk med max cpu bad=0
  stop "${!PID[@]}"
  rm -f "$work"/l*.err "$work"/l*.out "$work"/*.jsonl
  rm -rf "$work"/dl
  TRACKER_SECONDS=$((DEADLINE + 120)) mt_tracker
  "$BIN_DIR/mt-mktorrent" -a "$TRACKER_URL" -l "$PIECE" -o "$work/s.torrent" \
    "$work/seed/s.bin" >/dev/null
  MT_PEER_SECONDS=$((DEADLINE + 120)) mt_peer seed 127.0.0.81 -q -o "$work/seed" --seed \
    ${peer_opts[@]+"${peer_opts[@]}"} "$work/s.torrent"
  t0=$SECONDS
  for ((i = 0; i < n; i++)); do
    mkdir -p "$work/dl/$i"
    start "l$i" $((DEADLINE + 120)) "$BIN_DIR/mt-peer" -b "$(addr "$i")" -p 0 \
      -o "$work/dl/$i" ${peer_opts[@]+"${peer_opts[@]}"} "$work/s.torrent"
    names+=("l$i")
  done
  # Poll the leechers' stderr once a second: n waiters would cost more than
  # the peers themselves.
  while :; do
    c=$(done_count)
    [ -z "$first" ] && ((c > 0)) && first=$((SECONDS - t0))
    ((c == n)) && { last=$((SECONDS - t0)); break; }
    ((SECONDS - t0 < DEADLINE)) || break
    sleep 1
  done
  lk=$(kids "${names[@]}")
  med=$(hwm_kb $lk | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] + 0 }')
  max=$(hwm_kb $lk | sort -n | tail -1)
  sk=$(kids seed) tk=$(kids tracker)
  cpu=$(cpu_s $lk $sk)
  sk=$(hwm_kb $sk) tk=$(hwm_kb $tk)
  c=$(done_count)
  stop "${!PID[@]}"
  for ((i = 0; i < n; i++)); do
    cmp -s "$work/seed/s.bin" "$work/dl/$i/s.bin" || bad=$((bad + 1))
  done
  printf '%5d  %6s  %6s  %9s  %6s  %10s  %8s  %6s  %s\n' "$n" "${first:--}" "${last:--}" \
    "$c/$n" "$bad" "$(mib "$med")" "$(mib "${max:-0}")" "$cpu" \
    "seed $(mib "${sk:-0}"), tracker $(mib "${tk:-0}")"
  [ -n "$last" ] && ((bad == 0))
}

echo "times in seconds since the leechers started; memory: peak resident (VmHWM) per leecher"
printf '%5s  %6s  %6s  %9s  %6s  %10s  %8s  %6s  %s\n' peers first last complete \
  differ "MiB median" "MiB max" "CPU s" "MiB peak"
largest=0
for n in $SIZES; do
  if run_size "$n"; then largest=$n; else break; fi
done
echo
echo "largest swarm that completed: $largest leechers + 1 seed (goal: 256)"
