#!/usr/bin/env bash
# interop/peer_from_seeds.sh — mt-peer downloads from real seeds: libtorrent,
# aria2c, Enhanced CTorrent and rtorrent, found through mt-tracker.
#
# One torrent per seed (different random content, made by mt-mktorrent, all
# announcing to one mt-tracker), so each mt-peer leecher has exactly one
# possible source and its log proves who sent the bytes.  Each real seed
# checks the data against our piece hashes, then announces; an mt-peer
# leecher on its own address then announces, learns the seed from the
# tracker's answer (the only way it can), dials it, downloads, reports
# "completed" and leaves.  The four downloads run at once.  Checks: each copy
# is byte-identical, mt-peer's log shows the handshake with the expected
# client and every byte coming from it, and the tracker saw mt-peer start and
# complete.  rtorrent runs without its curses screen (system.daemon.set).
source "$(dirname "$0")/peer_lib.bash"

mt_tracker
say "mt-tracker at $TRACKER_URL"

# case NAME SIZE STARTER SEED_IP LEECH_IP CLIENT_ID_PREFIX
cases=(
  "lt 3000017 lt_seed 127.0.0.2 127.0.0.12 -LT"
  "aria2 2621440 aria2_seed 127.0.0.3 127.0.0.13 A2-"
  "ct 3145729 ct_seed 127.0.0.4 127.0.0.14 -CD"
  "rt 1000003 rt_seed 127.0.0.6 127.0.0.16 -lt"
)
for c in "${cases[@]}"; do
  read -r name size starter seed_ip _ <<< "$c"
  random_file "$work/$name.seed/$name.bin" "$size"
  "$BIN_DIR/mt-mktorrent" -a "$TRACKER_URL" -l 256K -o "$work/$name.torrent" \
    "$work/$name.seed/$name.bin" >/dev/null
  if [ "$starter" = ct_seed ]; then
    ct_seed "$name-seed" "$work/$name.torrent" "$work/$name.seed/$name.bin" "$seed_ip"
  else
    "$starter" "$name-seed" "$work/$name.torrent" "$work/$name.seed" "$seed_ip"
  fi
done
for c in "${cases[@]}"; do
  read -r name size starter seed_ip _ <<< "$c"
  ready "$name-seed"
  # ctorrent's first announce says left=(a wrong number) before its check:
  # any announce will do; the others announce left=0 once they seed.
  h=$(hash_mtinfo "$work/$name.torrent")
  wait_line "$work/tracker.err" "announce $seed_ip:* ${h:0:8} started left=" 60 >/dev/null ||
    die "the $starter seed never announced itself: $(tail -3 "$work/tracker.err")"
  say "ok   $starter: checked our torrent's data, seeds, announced from $seed_ip"
done

for c in "${cases[@]}"; do
  read -r name _ _ _ leech_ip _ <<< "$c"
  mt_peer "$name-mt" "$leech_ip" -o "$work/$name.mt" --leave-when-done \
    "$work/$name.torrent"
done

for c in "${cases[@]}"; do
  read -r name size starter seed_ip leech_ip id <<< "$c"
  echo "== mt-peer from the ${starter%_seed} seed"
  finished "$name-mt"
  check "mt-peer exited 0 after its download" 0 "$RC"
  same "the copy is byte-identical" "$work/$name.seed/$name.bin" "$work/$name.mt/$name.bin"
  check "bytes from the $id... seed (mt-peer's log)" "$size" \
    "$(peer_bytes "$work/$name-mt.jsonl" downloaded "$id")"
  grep -q "\"ev\":\"handshake\",\"peer\":\"$seed_ip:" "$work/$name-mt.jsonl" &&
    say "ok   handshake with $seed_ip, an address only the tracker gave" ||
    check "handshake with $seed_ip" seen "not seen"
  h=$(hash_mtinfo "$work/$name.torrent")
  grep -Eq "^announce ${leech_ip//./\\.}:[0-9]+ mini_torrent [0-9.]+ ${h:0:8} completed left=0:" \
    "$work/tracker.err" && say "ok   mt-peer told the tracker it completed" ||
    check "mt-peer announced completed" seen "not seen"
  stop "$name-seed"
done
if ((failures > 0)); then
  echo "--- tracker log:" >&2; cat "$work/tracker.err" >&2
  for c in "${cases[@]}"; do
    read -r name _ <<< "$c"
    echo "--- $name-mt:" >&2; tail -5 "$work/$name-mt.err" >&2
  done
fi
finish
