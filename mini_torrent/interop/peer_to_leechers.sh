#!/usr/bin/env bash
# interop/peer_to_leechers.sh — mt-peer seeds to real leechers: libtorrent,
# aria2c, Enhanced CTorrent and Transmission, through mt-tracker.
#
# One torrent per leecher (different random content, made by mt-mktorrent),
# each with its own mt-peer seed on its own address, so each seed's log shows
# exactly what it uploaded to whom.  libtorrent, aria2c and ctorrent learn the
# seed from the tracker and dial it (mt-peer accepts).  Transmission never
# dials 127/8 peers, so it starts first and announces; the mt-peer seed then
# learns Transmission's address from the tracker and dials it (mt-peer is the
# active side, Transmission the passive one).  Checks: each download is
# complete and byte-identical, and each seed's log shows the handshake with
# the expected client, in the expected direction, and uploaded at least the
# whole file to it.
source "$(dirname "$0")/peer_lib.bash"

mt_tracker
say "mt-tracker at $TRACKER_URL"

# case NAME SIZE SEED_IP LEECH_IP CLIENT_ID_PREFIX DIRECTION
cases=(
  "lt 3000017 127.0.0.22 127.0.0.32 -LT in"
  "aria2 2621440 127.0.0.23 127.0.0.33 A2- in"
  "ct 3145729 127.0.0.24 127.0.0.34 -CD in"
  "tr 2000001 127.0.0.25 127.0.0.1 -TR out"
)
for c in "${cases[@]}"; do
  read -r name size _ <<< "$c"
  random_file "$work/$name.seed/$name.bin" "$size"
  "$BIN_DIR/mt-mktorrent" -a "$TRACKER_URL" -l 256K -o "$work/$name.torrent" \
    "$work/$name.seed/$name.bin" >/dev/null
done

# Transmission first: the seed must find it in the tracker's answer.
h=$(hash_mtinfo "$work/tr.torrent")
tr_leech tr-leech "$work/tr.torrent" "$work/tr.dl"
# (it says "stopped" first, then "started": wait for the second)
wait_line "$work/tracker.err" "Transmission*${h:0:8} started" 60 >/dev/null ||
  die "transmission-cli never announced: $(tail -3 "$work/tr-leech.err")"
say "ok   Transmission announced (it will wait to be dialled)"

for c in "${cases[@]}"; do
  read -r name _ seed_ip _ <<< "$c"
  mt_peer "$name-mt" "$seed_ip" -o "$work/$name.seed" --seed "$work/$name.torrent"
  h=$(hash_mtinfo "$work/$name.torrent")
  wait_line "$work/tracker.err" "announce $seed_ip:${PORT[$name-mt]} mini_torrent * ${h:0:8} started left=0:" 30 >/dev/null ||
    die "the mt-peer seed never announced: $(tail -3 "$work/tracker.err")"
done
say "ok   four mt-peer seeds announced"

LEECH_SECONDS=90
lt_leech lt-leech "$work/lt.torrent" "$work/lt.dl" 127.0.0.32
aria2_leech aria2-leech "$work/aria2.torrent" "$work/aria2.dl" 127.0.0.33
ct_leech ct-leech "$work/ct.torrent" "$work/ct.dl/ct.bin" 127.0.0.34

for c in "${cases[@]}"; do
  read -r name size seed_ip leech_ip id dir <<< "$c"
  echo "== mt-peer seeding to ${id}... ($name)"
  if [ "$name" = tr ]; then
    wait_line "$work/tr-leech.err" 'to "Complete"' 120 >/dev/null &&
      say "ok   Transmission says the download is complete" ||
      check "Transmission completes" complete "not complete ($(tail -2 "$work/tr-leech.err"))"
  else
    finished "$name-leech"
    check "the leecher exited 0 once complete" 0 "$RC"
  fi
  same "the copy is byte-identical" "$work/$name.seed/$name.bin" "$work/$name.dl/$name.bin"
  stop "$name-mt" "$name-leech"	# mt-peer logs what it uploaded to whom
  # (ctorrent dials from 127.0.0.1 whatever its -i says: match the id only)
  seen=$(handshakes "$work/$name-mt.jsonl" "$id")
  if [[ $'\n'$seen$'\n' == *" $dir"$'\n'* ]]; then
    say "ok   handshake with $id... ($([ "$dir" = in ] && echo "it dialled mt-peer" || echo "mt-peer dialled it"))"
  else
    check "handshake with $id... ($dir)" seen "not seen"
  fi
  # aria2c sends its first bitfield late (after other messages) when it
  # started with no pieces; a peer that drops it for that gets one piece
  # through per connection.
  check "connections mt-peer dropped for 'bitfield not first'" 0 \
    "$(grep -c '"reason":"bitfield not first"' "$work/$name-mt.jsonl" || true)"
  at_least "bytes mt-peer uploaded to it (its log)" "$size" \
    "$(peer_bytes "$work/$name-mt.jsonl" uploaded "$id")"
done
if ((failures > 0)); then
  echo "--- tracker log:" >&2; cat "$work/tracker.err" >&2
  for c in "${cases[@]}"; do
    read -r name _ <<< "$c"
    echo "--- $name-mt:" >&2; tail -5 "$work/$name-mt.err" >&2
    echo "--- $name-leech:" >&2
    tail -n 5 "$work/$name-leech.err" >&2; tail -c 300 "$work/$name-leech.out" >&2; echo >&2
  done
fi
finish
