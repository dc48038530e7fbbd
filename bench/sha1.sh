#!/usr/bin/env bash
# bench/sha1.sh — mini_torrent's SHA-1 against openssl and sha1sum, same run.
#
# All figures use CPU time (openssl speed's default), not wall time, so that
# other load on a shared machine does not skew the ratios.
# 1. In memory, the way `openssl speed -evp sha1` measures: one message of
#    16 KiB (a BitTorrent block) and of 256 KiB (a default piece) hashed over
#    and over.  Goal: ours >= 0.9x openssl.
# 2. On the same file (in the page cache): our streaming hash, sha1sum,
#    `openssl sha1`, and whole torrent makers: mt-mktorrent vs mktorrent.
# Env: SECONDS_EACH (default 3), FILE_MB (default 512).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mt=$here/../mini_torrent
secs=${SECONDS_EACH:-3}
mb=${FILE_MB:-512}
work=$(mktemp -d /tmp/sha1-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

for t in openssl sha1sum mktorrent; do
  command -v "$t" >/dev/null || { echo "bench/sha1.sh: $t is missing (run .ci/setup)" >&2; exit 1; }
done
cc -O2 -std=c11 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -I"$mt" -o "$work/sha1_speed" \
  "$here/sha1_speed.c" "$here/benchlib.c" "$mt/sha1.c"
make -s -C "$mt" mt-mktorrent >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# openssl speed prints "sha1  <k bytes/s for each size>"; k = 1000 bytes.
openssl_mbs() {
  openssl speed -evp sha1 -seconds "$secs" -bytes "$1" 2>/dev/null |
    awk '$1 == "sha1" { sub(/k$/, "", $2); printf "%.1f", $2 / 1000 }'
}

echo "SHA-1 in memory (MB/s, 10^6 bytes; ${secs}s each)"
printf '  %-10s %12s %12s %12s %8s\n' size ours ours-portable openssl ratio
for size in 16384 262144; do
  read -r impl ours < <("$work/sha1_speed" mem "$size" "$secs")
  read -r _ port < <("$work/sha1_speed" mem "$size" "$secs" portable)
  ossl=$(openssl_mbs "$size")
  printf '  %-10s %12s %12s %12s %8s   (ours: %s)\n' "$size" "$ours" "$port" "$ossl" \
    "$(ratio "$ours" "$ossl")x" "$impl"
done

# CPU seconds (user + system) a command takes: like openssl speed, CPU time
# rather than wall time, so that other load on the machine does not count.
timed() {
  local TIMEFORMAT='%3U %3S' out
  out=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  awk -v t="$out" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}
mbs() { awk -v m="$mb" -v s="$1" 'BEGIN { printf "%.1f", m * 1048576 / s / 1e6 }'; }

f=$work/data.bin
head -c "${mb}M" /dev/urandom > "$f"
cat "$f" > /dev/null   # into the page cache
echo
echo "SHA-1 of one ${mb} MiB file in the page cache (MB/s)"
read -r impl ours digest < <("$work/sha1_speed" file "$f")
want=$(sha1sum "$f" | cut -d' ' -f1)
[ "$digest" = "$want" ] || { echo "bench/sha1.sh: digests differ: ours $digest, sha1sum $want" >&2; exit 1; }
s_sum=$(timed sha1sum "$f")
s_ossl=$(timed openssl sha1 "$f")
printf '  %-22s %10s\n' "ours ($impl)" "$ours" "sha1sum" "$(mbs "$s_sum")" "openssl sha1" "$(mbs "$s_ossl")"
echo "  ratio ours/sha1sum: $(ratio "$ours" "$(mbs "$s_sum")")x   ours/openssl: $(ratio "$ours" "$(mbs "$s_ossl")")x"

echo
echo "Making a torrent of the same file, 256 KiB pieces (CPU seconds)"
s_mt=$(timed "$mt/mt-mktorrent" -o "$work/a.torrent" "$f")
s_mk=$(timed mktorrent -t 1 -o "$work/b.torrent" "$f")
s_mk2=$(timed mktorrent -o "$work/c.torrent" "$f")
printf '  %-26s %8ss\n' "mt-mktorrent" "$s_mt" "mktorrent -t 1" "$s_mk" "mktorrent (default threads)" "$s_mk2"
echo "  ratio mktorrent -t 1 / mt-mktorrent: $(ratio "$s_mk" "$s_mt")x (above 1: we are faster)"
