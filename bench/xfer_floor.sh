#!/usr/bin/env bash
# bench/xfer_floor.sh — the floor under bench/torrent_bulk.sh: what the
# same 1 GiB costs through one loopback TCP connection with nothing of a
# BitTorrent peer but its least work (bench/xfer_floor.c says what each
# sender and receiver does).  Printed: CPU seconds per GiB of each end
# (median of ROUNDS, rounds alternating, and the least in brackets: other
# load only ever adds, so the least is the machine's), and MB/s (median, and
# the best in brackets), for every pair; each round's figures are printed as
# it ends with the load average at that moment, since other work shares the
# machine.  sha1x2 and store2 are sha1 and store with the hashing (and
# writing) on a second thread, whose own CPU seconds are shown apart
# (hasher; the receiver's figure includes them): whether a second thread
# pays for itself on 2 cores.
#
# Read each end's figure with care: on loopback a packet's receive work
# (softirq) runs in the context of the process that sent it, and both ends
# send.  When the receiver is the slower end (always here), the sender's
# buffer is full and the receiver's ACKs free it: the ACK's softirq then
# transmits the sender's queued data and receives it, all charged to the
# receiver.  perf record -a -g of blocks+store, 256 MiB: softirq was 5.2%
# of all samples in the receiver (2.3% transmitting the sender's data) and
# 3.5% in the sender; big+store, 4.8% and 0.5%.  Only the sum of both ends
# is the machine's cost.
#
# A second thread (2026-12-04, 1 GiB, 5 runs of 5 rounds alternating, load
# 1.1-3.2 from other work): blocks+store2 against blocks+store, best
# 850-1005 MB/s against 652-734 (+27-41% in each run), median 601-805
# against 599-657; the receiver's CPU about the same, 1.55-1.82 s/GiB
# against 1.50-1.76 (least 1.41-1.68 and 1.45-1.64).  A socat pipe run in
# the same minutes (1154-1409 MB/s best) puts store2 at 0.65-0.78 of it,
# best against best, and store at 0.50-0.56 (copy+store2, no headers:
# 892-1033 MB/s, 0.69-0.85).  The hasher thread alone costs
# 1.03-1.49 s/GiB (SHA-1 0.61-0.67, the rest pwrite into tmpfs), so it
# cannot pass about 1 GB/s; nor can the pair, sender and receiver needing
# about 2 s/GiB on 2 cores where socat's need 1.3-1.6.  RING (cc -DRING=2
# or 8) changed nothing measurable.
#
# Env: SIZE (bytes, a multiple of 16 KiB; default 1 GiB), ROUNDS (default
# 3), SENDS (default "blocks corked mmap big copy"), RECVS (default "discard
# sha1 store"; also sha1x2 and store2).  Every stored copy is compared with
# the file.  Data in /dev/shm when it has room, else /tmp.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
make -s -C "$here/.." bench/xfer_floor
SIZE=${SIZE:-1073741824}
ROUNDS=${ROUNDS:-3}
SENDS=${SENDS:-blocks corked mmap big copy}
RECVS=${RECVS:-discard sha1 store}
base=/tmp
if [ -d /dev/shm ] && (( $(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') > 2 * SIZE / 1024 + 262144 )); then
  base=/dev/shm
fi
data=$(mktemp -d "$base/xfer-floor.XXXXXX")
trap 'rm -rf "$data"' EXIT
head -c "$SIZE" /dev/urandom > "$data/in.bin"
echo "xfer_floor: $SIZE bytes in $base, $ROUNDS round(s), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A SEND RECV HASH RATE
for ((r = 1; r <= ROUNDS; r++)); do
  for s in $SENDS; do
    for v in $RECVS; do
      out=()
      if [[ $v == store* ]]; then
        # Memory left free for a while goes back to this VM's host, and
        # writing into it then costs several times the copy (see
        # bench/torrent_bulk.sh): reuse pages freed a moment before.
        head -c "$SIZE" /dev/zero > "$data/out.bin"
        rm -f "$data/out.bin"
        out=("$data/out.bin")
      fi
      res=$("$here/xfer_floor" "$s" "$v" "$data/in.bin" "${out[@]}")
      if [[ $v == store* ]]; then
        cmp -s "$data/in.bin" "$data/out.bin" || { echo "xfer_floor: $s/$v: the copy differs" >&2; exit 1; }
        rm -f "$data/out.bin"
      fi
      hasher=$(awk '$1 == "recv" && $6 != "" { print $6 + 0 }' <<< "$res")
      echo "round $r $s/$v: $(awk '$1 == "send" { print $5 }' <<< "$res") MB/s, recv $(awk '$1 == "recv" { print $3 }' <<< "$res")${hasher:+ (hasher $hasher)} send $(awk '$1 == "send" { print $3 }' <<< "$res") cpu-s/GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
      RECV[$s.$v]+=" $(awk '$1 == "recv" { print $3 }' <<< "$res")"
      SEND[$s.$v]+=" $(awk '$1 == "send" { print $3 }' <<< "$res")"
      HASH[$s.$v]+=" $hasher"
      RATE[$s.$v]+=" $(awk '$1 == "send" { print $5 }' <<< "$res")"
    done
  done
done

median() {
  tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
least() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | head -n 1; }
most() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | tail -n 1; }
echo
printf '%-8s %-8s %15s %15s %15s %10s %12s\n' send recv "send s/GiB" "recv s/GiB" "hasher s/GiB" "sum s/GiB" "MB/s"
for s in $SENDS; do
  for v in $RECVS; do
    a=$(median "${SEND[$s.$v]}") b=$(median "${RECV[$s.$v]}") h=-
    [[ $v != *2 ]] || h="$(median "${HASH[$s.$v]}") ($(least "${HASH[$s.$v]}"))"
    printf '%-8s %-8s %15s %15s %15s %10.2f %12s\n' "$s" "$v" "$a ($(least "${SEND[$s.$v]}"))" \
      "$b ($(least "${RECV[$s.$v]}"))" "$h" "$(awk -v a="$a" -v b="$b" 'BEGIN { print a + b }')" \
      "$(median "${RATE[$s.$v]}" | cut -d. -f1) ($(most "${RATE[$s.$v]}"))"
  done
done
echo "(CPU seconds: median of $ROUNDS (least), recv's includes its hasher thread's; sum of the medians; MB/s: median (best))"
echo "load when done: $(cut -d' ' -f1-3 /proc/loadavg)"
