#!/usr/bin/env bash
# interop/tracker_swarm.sh — real clients find each other through mt-tracker
# and complete a download.
#
# mt-tracker on 127.0.0.1; a torrent made by Debian's mktorrent announcing to
# it; a libtorrent seed on 127.0.0.2; an aria2c leecher on 127.0.0.3 and an
# Enhanced CTorrent leecher on 127.0.0.4.  Each client has its own address
# because libtorrent and ctorrent treat peers sharing an IP as one.  Nobody is
# told about anybody: the leechers only learn the seed (and each other) from
# the tracker's answers (DHT, local discovery and peer exchange are off).
# Then: both downloads are byte-identical, the tracker's log shows each client
# announcing from its own address and being given peers, and the seed shows
# in its scrape and /stats.json.  Every process runs
# under `timeout`; every wait is for a log line or an exit, with a deadline.
source "$(dirname "$0")/mktorrent_lib.bash"
need aria2c aria2
need ctorrent ctorrent
need mktorrent mktorrent
need_libtorrent
[ -x "$BIN_DIR/mt-tracker" ] || die "$BIN_DIR/mt-tracker is not built (make -C mini_torrent)"

bg tracker 600 "$BIN_DIR/mt-tracker" -b 127.0.0.1 -p 0 --interval 120 -v
line=$(wait_line "$work/tracker.out" "listening on" 20) || die "mt-tracker did not start: $(cat "$work/tracker.err")"
port=${line##*:}
url="http://127.0.0.1:$port/announce"
say "mt-tracker at $url"

random_file "$work/seed/swarm.bin" 4000037
mktorrent -a "$url" -l 18 -o "$work/swarm.torrent" "$work/seed/swarm.bin" >/dev/null
h=$(hash_lt "$work/swarm.torrent")
say "torrent $h made by mktorrent"

# one GET to the tracker over bash's /dev/tcp; prints the body
http_get() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.0\r\n\r\n' "$1" >&3
  reply=$(timeout 10 cat <&3 | tr -d '\0')
  exec 3<&-
  printf '%s' "${reply#*$'\r\n\r\n'}"
}

bg seed 300 "$PY" "$here/lt_seed.py" "$work/swarm.torrent" "$work/seed" 127.0.0.2
wait_line "$work/seed.out" "listening on" 60 >/dev/null ||
  die "libtorrent did not start seeding: $(cat "$work/seed.err")"
wait_line "$work/tracker.err" "announce 127.0.0.2:* libtorrent * ${h:0:8} * left=0:" 60 >/dev/null ||
  die "the libtorrent seed never announced: $(tail -5 "$work/tracker.err")"
say "ok   the libtorrent seed announced itself (127.0.0.2)"

mkdir -p "$work/aria" "$work/ct"
timeout 180 aria2c --interface=127.0.0.3 --bt-external-ip=127.0.0.3 --dir="$work/aria" \
  --seed-time=0 --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
  --enable-peer-exchange=false --bt-stop-timeout=150 --listen-port="$(free_port)" \
  --console-log-level=warn --summary-interval=0 --download-result=hide \
  "$work/swarm.torrent" > "$work/aria.log" 2>&1 &
aria=$!
pids+=($aria)
(cd "$work/ct" && exec timeout 180 ctorrent -e 0 -i 127.0.0.4 -I 127.0.0.4 \
  -p "$(free_port)" -s "$work/ct/swarm.bin" "$work/swarm.torrent") \
  > "$work/ct.log" 2>&1 < /dev/null &
ct=$!
pids+=($ct)

wait "$aria" && rc=0 || rc=$?
check "aria2c finished its download" 0 "$rc"
wait "$ct" && rc=0 || rc=$?
check "ctorrent finished its download" 0 "$rc"
check "aria2c's copy is byte-identical" "" "$(cmp "$work/seed/swarm.bin" "$work/aria/swarm.bin" 2>&1)"
check "ctorrent's copy is byte-identical" "" "$(cmp "$work/seed/swarm.bin" "$work/ct/swarm.bin" 2>&1)"

# tracker_saw WHAT REGEX: the tracker's -v log has a line matching REGEX.
tracker_saw() {
  if grep -Eq "$2" "$work/tracker.err"; then say "ok   $1"; else check "$1" seen "not seen"; fi
}
ann='^announce 127\.0\.0\.'
tracker_saw "libtorrent announced from 127.0.0.2 as a seed" "${ann}2:[0-9]+ libtorrent [0-9.]+ ${h:0:8} started left=0:"
tracker_saw "aria2c announced from 127.0.0.3 and was given peers" \
  "${ann}3:[0-9]+ aria2 [0-9.]+ ${h:0:8} started left=4000037: [1-9][0-9]* peer"
tracker_saw "ctorrent announced from 127.0.0.4 and was given peers" \
  "${ann}4:[0-9]+ Enhanced CTorrent [0-9.]+ ${h:0:8} started left=4000037: [1-9][0-9]* peer"
tracker_saw "aria2c reported it had everything (left=0)" "${ann}3:.* (completed|stopped) left=0:"
tracker_saw "ctorrent reported it had everything (left=0)" "${ann}4:.* (completed|stopped) left=0:"

# The leechers have left (stopped); the seed is still in the swarm.
scrape=$(http_get "/scrape")
[[ $scrape == *"8:completei1e"* ]] && say "ok   scrape shows the seed still there" ||
  check "scrape shows one seed" "8:completei1e" "$scrape"
stats=$(http_get "/stats.json")
[[ $stats == *'"ip":"127.0.0.2"'*'"seed":true'* ]] && say "ok   /stats.json lists the seed" ||
  check "/stats.json lists the seed" listed "$stats"
if ((failures > 0)); then
  echo "--- tracker log:" >&2; cat "$work/tracker.err" >&2
  echo "--- aria2c:" >&2; tail -20 "$work/aria.log" >&2
  echo "--- ctorrent:" >&2; tail -20 "$work/ct.log" >&2
fi
finish
