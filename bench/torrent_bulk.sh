#!/usr/bin/env bash
# bench/torrent_bulk.sh — one seed to one leecher over loopback: mt-peer
# against real clients, in the same run, on the same bytes.
#
# SIZE (default 1 GiB) of random data in 256 KiB pieces, one torrent made by
# mt-mktorrent announcing to mt-tracker.  For each pair the seed checks the
# data first (not timed), then one leecher on another 127.0.0.X downloads it;
# the time is from the leecher's start to the line where it says it has
# everything (its start-up included, its goodbyes not):
#
#   mt-peer    -> mt-peer     (the leecher dials the seed with --peer)
#   aria2c     -> aria2c      (--file-allocation=none, as the others write
#                              sparse files)
#   ctorrent   -> ctorrent
#   libtorrent -> libtorrent  (python3-libtorrent through interop/lt_tcp.py:
#                              TCP, as the others; uTP crawls on loopback)
#   socat -b 131072 from the file into a TCP connection into a file: the
#   ceiling, the same bytes through one loopback connection.
#
# Every copy is compared with the original (not timed).  Each pair runs
# ROUNDS times (default 5, alternating).  Printed: MB/s (10^6 bytes/s) per
# pair and round, the best and the median (on a shared machine other load
# only ever slows a run down, so the best is the machine's, and the median
# says how steady that is), the CPU seconds per GiB of seed and leecher
# (median over the rounds: on a busy machine the steadier measure of cost),
# and the ratios mt-peer / socat (the headline: the same bytes through a
# bare pipe, in the same run) and mt-peer / best real client.  socat does
# nothing but move the bytes, so socat / best real client bounds what the
# second ratio can be.
#
# Before each round, once the seed is ready and just before the clock
# starts, SIZE bytes are written to the data's file system and removed
# again (not timed).  On a virtual machine with free page reporting (this
# one: virtio_balloon, page_reporting_order=11), memory left free for a
# couple of seconds goes back to the host, and the next write to it waits
# while the host backs and clears every page: 1 GiB written into /dev/shm
# right after 1 GiB was freed took 0.38-0.43 s, after waiting 10 s
# 1.08-1.99 s.  A copy lands in such memory whenever its round starts
# long after the last copy was removed (the first round: made the issue's
# 233-246 MB/s against 590-660; any round after a slow seed's check), and
# a leecher profiled there spends half its time in the page cache copy.
# The warm-up makes the copy reuse pages freed a moment before, as a
# machine without a balloon always would.

# The data lives on /dev/shm when it has room for the file and one copy (so
# that disk speed is not what is measured), else in /tmp; the script checks
# before it writes.  Env: SIZE (bytes), ROUNDS, PAIRS (default "mt aria2 ct
# lt socat").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mt=$here/../mini_torrent
export BIN_DIR=${BIN_DIR:-$mt}
make -s -C "$mt" mt-peer mt-tracker mt-mktorrent mt-info >/dev/null
# Helpers shared with the interop tests: start/stop under timeout, waits on
# log lines with deadlines, the real clients' seed starters.
source "$mt/interop/peer_lib.bash"
# Private copies of our programs: a rebuild during the run must not change
# (or, mid-link, break) what is measured.
mkdir -p "$work/bin"
cp "$BIN_DIR"/mt-peer "$BIN_DIR"/mt-tracker "$BIN_DIR"/mt-mktorrent "$BIN_DIR"/mt-info "$work/bin/"
BIN_DIR=$work/bin
need aria2c aria2
need ctorrent ctorrent
need socat socat
need /usr/bin/time time
need_libtorrent

READY_SECONDS=180	# seeds check 1 GiB before they serve; the machine may be busy
TRACKER_SECONDS=7200
SIZE=${SIZE:-1073741824}
ROUNDS=${ROUNDS:-5}
PAIRS=${PAIRS:-mt aria2 ct lt socat}

# ---- where the data goes ----
free_kb() { df -Pk "$1" | awk 'NR == 2 { print $4 }'; }
mem_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
need_kb=$(( (2 * SIZE + (256 << 20)) / 1024 ))
if [ -d /dev/shm ] && (( $(free_kb /dev/shm) > need_kb && $(mem_kb) > need_kb + (1 << 20) )); then
  base=/dev/shm
elif (( $(free_kb /tmp) > need_kb )); then
  base=/tmp
else
  die "not enough room for $((need_kb / 1024)) MiB in /dev/shm or /tmp"
fi
data=$(mktemp -d "$base/torrent-bulk.XXXXXX")
bench_exit() { stop_all; rm -rf "$data"; }
trap bench_exit EXIT
echo "data in $data ($base), $SIZE bytes, 256 KiB pieces, $ROUNDS round(s), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$data/seed"
head -c "$SIZE" /dev/urandom > "$data/seed/bulk.bin"
mt_tracker
"$BIN_DIR/mt-mktorrent" -a "$TRACKER_URL" -l 256K -o "$work/bulk.torrent" \
  "$data/seed/bulk.bin" >/dev/null
T=$work/bulk.torrent

now() { date +%s.%N; }
# cpu_of NAME: user+system seconds used so far by the program under NAME's
# timeout (its child), or ? if it has gone.
cpu_of() {
  local kid
  kid=$(pgrep -P "${PID[$1]}" | head -1)
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
    "/proc/${kid:-none}/stat" 2>/dev/null || echo "?"
}
# CPU seconds written by /usr/bin/time -f '%U %S' into FILE (socat)
cpu_file() { awk 'END { printf "%.2f", $1 + $2 }' "$1"; }

# seed_PAIR: starts the seed and returns once it seeds.  leech_PAIR DIR:
# starts the leecher and sets DONE to "FILE PATTERN", the line it writes
# once the download is complete (processes that exit are not waited for:
# ctorrent and libtorrent linger for a while over their goodbyes).
seed_mt() {
  mt_peer mt-seed 127.0.0.61 -q -o "$data/seed" --seed "$T"
}
leech_mt() {
  start mt-leech 600 "$BIN_DIR/mt-peer" -b 127.0.0.62 -p 0 -o "$1" \
    --peer "127.0.0.61:${PORT[mt-seed]}" "$T"
  DONE="$work/mt-leech.err|download complete"
}
seed_aria2() {
  aria2_seed aria2-seed "$T" "$data/seed" 127.0.0.63
  ready aria2-seed
}
# aria2c seeds on (so it is still there to be measured); its hook for "the
# download is complete, seeding starts" writes the line we wait for.
leech_aria2() {
  printf '#!/bin/sh\necho download complete >> "%s"\n' "$work/aria2.done" > "$work/aria2-done.sh"
  chmod +x "$work/aria2-done.sh"
  start aria2-leech 600 aria2c --interface=127.0.0.64 --dir="$1" --seed-time=60 \
    --on-bt-download-complete="$work/aria2-done.sh" \
    --file-allocation=none --enable-dht=false --enable-dht6=false \
    --bt-enable-lpd=false --enable-peer-exchange=false --listen-port="$(free_port)" \
    --console-log-level=notice --summary-interval=0 --download-result=hide "$T"
  DONE="$work/aria2.done|download complete"
}
seed_ct() {
  ct_seed ct-seed "$T" "$data/seed/bulk.bin" 127.0.0.65
  ready ct-seed
}
leech_ct() {
  start ct-leech 600 ctorrent -e 0 -i 127.0.0.66 -I 127.0.0.66 -p "$(free_port)" \
    -s "$1/bulk.bin" "$T"
  DONE="$work/ct-leech.out|Download complete"
}
# libtorrent over TCP only (interop/lt_tcp.py): two libtorrents would
# otherwise talk uTP, which is built to yield and crawls over loopback.
seed_lt() {
  start lt-seed 600 "$PY" "$mt/interop/lt_tcp.py" "$T" "$data/seed" 127.0.0.67
  when_ready lt-seed "$work/lt-seed.out" "listening on" "the libtorrent seed"
  ready lt-seed
}
leech_lt() {	# it exits once complete: /usr/bin/time keeps its CPU seconds
  start lt-leech 600 /usr/bin/time -o "$work/leech.cpu" -f '%U %S' \
    "$PY" "$mt/interop/lt_tcp.py" "$T" "$1" 127.0.0.68 --leech
  DONE="$work/lt-leech.out|complete"
}
# socat: the "seed" is the receiving end (it listens and writes the copy),
# the "leecher" the sending end; the copy is complete when the receiver
# exits.  Both run under /usr/bin/time for their CPU seconds.
seed_socat() {
  PORT[socat-seed]=$(free_port)
  start socat-seed 600 /usr/bin/time -o "$work/seed.cpu" -f '%U %S' socat -u -b 131072 \
    "TCP-LISTEN:${PORT[socat-seed]},bind=127.0.0.69,reuseaddr" "CREATE:$data/socat.dl/bulk.bin"
  wait_listen 127.0.0.69 "${PORT[socat-seed]}"
}
leech_socat() {
  start socat-leech 600 /usr/bin/time -o "$work/leech.cpu" -f '%U %S' \
    socat -u -b 131072 "OPEN:$data/seed/bulk.bin" "TCP:127.0.0.69:${PORT[socat-seed]}"
  DONE=
}
# wait_listen IP PORT: socat prints nothing when it listens; ss knows.
wait_listen() {
  local deadline=$((SECONDS + 20))
  until ss -Hltn "src $1:$2" | grep -q .; do
    ((SECONDS < deadline)) || die "socat did not listen on $1:$2"
    sleep 0.05
  done
}

# warm_up: SIZE bytes written and removed, so that the copy about to be made
# reuses memory the host still backs (see the top).
warm_up() {
  head -c "$SIZE" /dev/zero > "$data/warm.bin"
  rm -f "$data/warm.bin"
}

# run PAIR: one round; sets R_SECS, R_SCPU, R_LCPU (seconds, and CPU seconds
# of seed and leecher during the transfer).
run() {
  local p=$1 dl=$data/$1.dl t0 t1 c0=0 c1
  rm -rf "$dl" "$work/aria2.done"
  mkdir -p "$dl"
  "seed_$p"
  [ "$p" = socat ] || c0=$(cpu_of "$p-seed")
  # The last round's log must go first: the leecher's shell truncates it
  # only once it runs, and wait_line may read it before that, find the old
  # "complete" line and compare a copy that has barely started.
  rm -f "$work/$p-leech.out" "$work/$p-leech.err"
  warm_up
  t0=$(now)
  "leech_$p" "$dl"
  if [ -n "$DONE" ]; then
    wait_line "${DONE%%|*}" "${DONE#*|}" "${LEECH_DEADLINE:-600}" >/dev/null ||
      die "$p: the leecher did not complete: $(tail -n 3 "$work/$p-leech.err")"
    t1=$(now)
    R_LCPU=$(cpu_of "$p-leech")
    c1=$(cpu_of "$p-seed")
    if [ "$p" = lt ]; then finished lt-leech; R_LCPU=$(cpu_file "$work/leech.cpu"); fi
  else
    finished socat-seed
    t1=$(now)
    [ "$RC" = 0 ] || die "socat: the receiving end failed: $(tail -n 3 "$work/socat-seed.err")"
    finished socat-leech
    c1=$(cpu_file "$work/seed.cpu")
    R_LCPU=$(cpu_file "$work/leech.cpu")
  fi
  stop "$p-leech" "$p-seed"
  cmp "$data/seed/bulk.bin" "$dl/bulk.bin" >"$work/cmp.out" 2>&1 ||
    die "$p: the copy differs from the original: $(head -n 1 "$work/cmp.out")"
  rm -rf "$dl"
  R_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  R_SCPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { if (a b ~ /\?/) print "?"; else printf "%.2f", b - a }')
}

declare -A SECS SCPU LCPU ALL
for ((r = 1; r <= ROUNDS; r++)); do
  for p in $PAIRS; do
    run "$p"
    ALL[$p]+=" $(awk -v s="$SIZE" -v t="$R_SECS" 'BEGIN { printf "%.0f", s / t / 1e6 }')"
    SECS[$p]+=" $R_SECS" SCPU[$p]+=" $R_SCPU" LCPU[$p]+=" $R_LCPU"
  done
done

# best LIST / median LIST: of numbers (? where unknown: median then ?)
best() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | head -n 1; }
median() {
  case $1 in *"?"*) echo "?"; return ;; esac
  tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
mbs() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.0f", s / t / 1e6 }'; }
per_gib() {	# CPU seconds for SIZE bytes -> per GiB
  awk -v s="$SIZE" -v c="$1" 'BEGIN { if (c == "?") print "?"; else printf "%.2f", c * 1073741824 / s }'
}
declare -A LABEL=([mt]="mt-peer -> mt-peer" [aria2]="aria2c -> aria2c"
  [ct]="ctorrent -> ctorrent" [lt]="libtorrent -> libtorrent" [socat]="socat -b 131072 pipe")
declare -A B M
echo
echo "MB/s: wall clock, best and median of $ROUNDS; CPU s/GiB: seed / leecher, median over the"
echo "rounds (what each end costs, whatever else runs); then MB/s of each round."
printf '%-26s %9s %11s   %-21s   %s\n' pair "best MB/s" "median MB/s" "CPU s/GiB seed/leech" \
  "MB/s per round"
for p in $PAIRS; do
  B[$p]=$(best "${SECS[$p]}") M[$p]=$(median "${SECS[$p]}")
  printf '%-26s %9s %11s   %-21s   %s\n' "${LABEL[$p]}" "$(mbs "${B[$p]}")" "$(mbs "${M[$p]}")" \
    "$(per_gib "$(median "${SCPU[$p]}")") / $(per_gib "$(median "${LCPU[$p]}")")" "${ALL[$p]# }"
done
echo "load when done: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${B[mt]:-}" ]; then
  echo
  if [ -n "${B[socat]:-}" ]; then
    printf 'mt-peer / socat pipe: %.2f best, %.2f median   (goal: best >= 0.8)\n' \
      "$(awk -v a="${B[socat]}" -v b="${B[mt]}" 'BEGIN { print a / b }')" \
      "$(awk -v a="${M[socat]}" -v b="${M[mt]}" 'BEGIN { print a / b }')"
  fi
  printf 'mt-peer median / best: %.2f   (goal >= 0.8); CPU s/GiB goals: seed <= 0.25, leecher <= 1.1\n' \
    "$(awk -v a="${B[mt]}" -v b="${M[mt]}" 'BEGIN { print a / b }')"
  best_real= best_name=
  for p in aria2 ct lt; do
    [ -n "${B[$p]:-}" ] || continue
    if [ -z "$best_real" ] || awk -v a="${B[$p]}" -v b="$best_real" 'BEGIN { exit !(a < b) }'; then
      best_real=${B[$p]} best_name=${LABEL[$p]}
    fi
  done
  if [ -n "$best_real" ]; then
    printf 'mt-peer / best real client (%s): %.2fx\n' "$best_name" \
      "$(awk -v a="$best_real" -v b="${B[mt]}" 'BEGIN { print a / b }')"
    if [ -n "${B[socat]:-}" ]; then
      printf 'socat pipe / best real client: %.2fx   (no peer can beat the bare pipe: this bounds the ratio above)\n' \
        "$(awk -v a="$best_real" -v b="${B[socat]}" 'BEGIN { print a / b }')"
    fi
  fi
fi
