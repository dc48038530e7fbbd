#!/usr/bin/env bash
# interop/peer_wireshark.sh — Wireshark's BitTorrent dissector reads mt-peer's
# traffic as BitTorrent, message by message.
#
# An mt-peer seed and an mt-peer leecher (which dials the seed with --peer;
# the torrent names no tracker, so no other traffic) move a small file while
# tshark captures only the seed's port on lo.  Then tshark decodes the
# capture with the port mapped to its BitTorrent dissector and we check what
# it saw: both handshakes carry our info-hash and peer ids; the seed sent a
# bitfield, an unchoke and one piece message per 16 KiB block; the leecher
# sent interested, one request per block and haves; the piece indexes, offsets and
# lengths the dissector read are the ones the torrent implies; nothing is
# malformed.  tshark runs under `timeout`; we wait for its "Capture started"
# line (it is slow to start on a busy machine) before the transfer, and for
# the closing FIN in its live packet list before we stop it.
source "$(dirname "$0")/peer_lib.bash"
need tshark tshark

size=600001	# 10 pieces of 64 KiB, the last one short, 37 blocks
plen=65536
random_file "$work/seed/w.bin" "$size"
"$BIN_DIR/mt-mktorrent" -l 64K -o "$work/w.torrent" "$work/seed/w.bin" >/dev/null
h=$(hash_mtinfo "$work/w.torrent")
blocks=$(( (size + 16383) / 16384 ))
say "torrent $h: $size bytes, 64 KiB pieces, $blocks blocks, no tracker"

mt_peer seed 127.0.0.51 -o "$work/seed" --seed "$work/w.torrent"
sp=${PORT[seed]}

# -P -l: also print each packet's summary as it is written, so we can tell
# when the capture holds the end of the connection.
start tshark 120 tshark -n -l -P -i lo -f "tcp port $sp" -w "$work/bt.pcap"
wait_line "$work/tshark.err" "Capture started" 60 >/dev/null ||
  die "tshark did not start capturing: $(tail -3 "$work/tshark.err")"
say "ok   tshark captures tcp port $sp on lo"

mt_peer leech 127.0.0.52 -o "$work/leech" --peer "127.0.0.51:$sp" --leave-when-done \
  "$work/w.torrent"
finished leech
check "the mt-peer leecher completed and left" 0 "$RC"
same "the copy is byte-identical" "$work/seed/w.bin" "$work/leech/w.bin"
# The leecher closed its connection when it left: once tshark has shown
# that FIN, the capture file holds the whole transfer.
wait_line "$work/tshark.out" "FIN" 60 >/dev/null ||
  die "tshark never saw the connection close: $(tail -3 "$work/tshark.err")"
stop seed tshark
[ -s "$work/bt.pcap" ] || die "tshark wrote no capture: $(tail -3 "$work/tshark.err")"

# One decoding pass (tshark is slow to start): per frame, the direction and
# every BitTorrent field we check, summarised by a few lines of Python into
# KEY VALUE lines ($work/seen).
tshark -n -r "$work/bt.pcap" -d "tcp.port==$sp,bittorrent" -T fields \
  -E occurrence=a -E aggregator=, -e tcp.srcport -e bittorrent.msg.type \
  -e bittorrent.info_hash -e bittorrent.peer_id -e bittorrent.msg.bitfield \
  -e bittorrent.piece.index -e bittorrent.piece.begin -e bittorrent.msg.length \
  -e _ws.malformed > "$work/fields" 2>"$work/tshark-read.err" ||
  die "tshark could not read the capture: $(tail -3 "$work/tshark-read.err")"
"$PY" - "$sp" "$work/fields" > "$work/seen" <<'PYEOF'
import collections, sys
port, path = sys.argv[1], sys.argv[2]
out = collections.defaultdict(list)
types = {"seed": collections.Counter(), "leech": collections.Counter()}
malformed = 0
for line in open(path):
    f = (line.rstrip("\n").split("\t") + [""] * 9)[:9]
    who = "seed" if f[0] == port else "leech"
    split = lambda s: [x for x in s.split(",") if x]
    if f[2]:
        out[who + ".hash"].append(f[2].replace(":", ""))
    if f[3]:
        out[who + ".id"].append(bytes.fromhex(f[3].replace(":", ""))[:8].decode("latin-1"))
    if f[4]:
        out[who + ".bitfield"].append(f[4].replace(":", ""))
    mtypes, lens = split(f[1]), split(f[7])
    idx, beg = split(f[5]), split(f[6])
    # bittorrent.msg.length is in every message; the handshake has none.
    for t, n in zip(mtypes, lens[len(lens) - len(mtypes):]):
        t = int(t, 0)
        types[who][t] += 1
        if t in (4, 6, 7, 8):
            i = int(idx.pop(0), 0)
            if t == 4:
                continue
            b = int(beg.pop(0), 0)
            if t == 7:
                out["blocks"].append("%d %d %d" % (i, b, int(n, 0) - 9))
    malformed += bool(f[8])
for who in types:
    for t, n in sorted(types[who].items()):
        print("%s.type%d %d" % (who, t, n))
for k, v in out.items():
    for x in (sorted(v) if k == "blocks" else v):
        print(k, x)
print("malformed", malformed)
PYEOF
seen() { awk -v k="$1" '$1 == k { $1 = ""; print substr($0, 2) }' "$work/seen"; }

check "the seed's handshake, as decoded, carries our info-hash" "$h" "$(seen seed.hash)"
check "the leecher's handshake, as decoded, carries our info-hash" "$h" "$(seen leech.hash)"
check "the seed's peer id, as decoded" "-MT0100-" "$(seen seed.id)"
check "bitfield messages from the seed" 1 "$(seen seed.type5)"
check "the bitfield decoded: 10 pieces set, spare bits clear" "ffc0" "$(seen seed.bitfield)"
check "unchoke messages from the seed" 1 "$(seen seed.type1)"
check "piece messages from the seed (one per block)" "$blocks" "$(seen seed.type7)"
check "interested messages from the leecher" 1 "$(seen leech.type2)"
check "request messages from the leecher (one per block)" "$blocks" "$(seen leech.type6)"
# (not one per piece: the leecher drops the seed as soon as it completes,
# before the haves of the last pieces go out)
at_least "have messages from the leecher" 1 "$(seen leech.type4)"
# Every block once, at the offset and with the length the torrent implies.
want=$(for ((b = 0; b < blocks; b++)); do
  off=$((b * 16384)); len=$((size - off < 16384 ? size - off : 16384))
  echo "$((off / plen)) $((off % plen)) $len"; done | sort)
check "pieces decoded: (index, begin, length) of every block" "$want" "$(seen blocks)"
check "frames tshark found malformed" 0 "$(seen malformed)"
if ((failures > 0)); then
  tshark -n -r "$work/bt.pcap" -d "tcp.port==$sp,bittorrent" 2>/dev/null | head -40 >&2
fi
finish
