#!/usr/bin/env bash
# interop/peer_opentracker.sh — a mixed swarm meets through opentracker, a
# tracker we did not write.
#
# Debian's opentracker is a whitelist build: it serves only the info-hash we
# list (it reads the list after chrooting to its -d directory), answers with
# compact peer lists only, and includes the asking peer itself in the list.
# Swarm: an mt-peer seed (127.0.0.41), then leechers that know nothing but the
# torrent: mt-peer (127.0.0.42), libtorrent (127.0.0.43) and Enhanced
# CTorrent (127.0.0.44).  Checks: every copy is byte-identical; both mt-peers
# parsed opentracker's compact answers (the leecher got at least the seed),
# never dialled themselves although opentracker listed them, and exchanged
# blocks with the real clients; the mt-peer leecher's "completed" announce
# was accepted.
source "$(dirname "$0")/peer_lib.bash"
need ctorrent ctorrent
need_libtorrent

size=3000017
random_file "$work/seed/o.bin" "$size"
# The info-hash does not depend on the announce URL: make the torrent once
# to learn it, start opentracker with it, then make it for real.
"$BIN_DIR/mt-mktorrent" -a http://127.0.0.1:1/announce -o "$work/o.torrent" \
  "$work/seed/o.bin" >/dev/null
h=$(hash_mtinfo "$work/o.torrent")
opentracker_start "$h"
say "opentracker at $TRACKER_URL, serving only $h"
"$BIN_DIR/mt-mktorrent" -a "$TRACKER_URL" -o "$work/o.torrent" "$work/seed/o.bin" >/dev/null
check "the torrent's info-hash does not change with the announce URL" "$h" \
  "$(hash_mtinfo "$work/o.torrent")"

mt_peer seed 127.0.0.41 -o "$work/seed" --seed "$work/o.torrent"
wait_line "$work/seed.jsonl" '"ev":"announce","event":"started"' 30 >/dev/null ||
  die "the mt-peer seed's announce to opentracker failed: $(tail -3 "$work/seed.err")"
say "ok   the mt-peer seed announced to opentracker"

mt_peer leech 127.0.0.42 -o "$work/mt" --leave-when-done "$work/o.torrent"
lt_leech lt "$work/o.torrent" "$work/lt" 127.0.0.43
ct_leech ct "$work/o.torrent" "$work/ct/o.bin" 127.0.0.44

finished leech
check "the mt-peer leecher completed and left" 0 "$RC"
finished lt
check "libtorrent completed" 0 "$RC"
finished ct
check "ctorrent completed" 0 "$RC"
same "mt-peer's copy is byte-identical" "$work/seed/o.bin" "$work/mt/o.bin"
same "libtorrent's copy is byte-identical" "$work/seed/o.bin" "$work/lt/o.bin"
same "ctorrent's copy is byte-identical" "$work/seed/o.bin" "$work/ct/o.bin"
stop seed

# peers_in LOG: the largest peer list one of its announces brought back.
peers_in() {
  grep -o '"ev":"announce","event":"[a-z]*","peers":[0-9]*' "$1" |
    sed 's/.*://' | sort -n | tail -1
}
at_least "peers in opentracker's compact answer to the mt-peer leecher" 1 \
  "$(peers_in "$work/leech.jsonl")"
grep -q '"ev":"announce","event":"completed"' "$work/leech.jsonl" &&
  say "ok   opentracker accepted the leecher's completed announce" ||
  check "opentracker accepted the completed announce" seen "not seen"
for who in seed:127.0.0.41 leech:127.0.0.42; do
  name=${who%%:*} ip=${who#*:}
  n=$(grep -c "\"ev\":\"connect\",\"peer\":\"$ip:${PORT[$name]}\"" "$work/$name.jsonl" || true)
  check "times the mt-peer $name dialled itself (opentracker lists it)" 0 "$n"
done
at_least "bytes the mt-peer seed uploaded to libtorrent" 1 \
  "$(peer_bytes "$work/seed.jsonl" uploaded -LT)"
at_least "bytes the mt-peer seed uploaded to ctorrent" 1 \
  "$(peer_bytes "$work/seed.jsonl" uploaded -CD)"
if ((failures > 0)); then
  for n in seed leech; do echo "--- $n:" >&2; grep -v rechoke "$work/$n.jsonl" | tail -20 >&2; done
fi
finish
