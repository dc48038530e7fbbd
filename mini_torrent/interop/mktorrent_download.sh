#!/usr/bin/env bash
# interop/mktorrent_download.sh — real clients download what mt-mktorrent
# describes, and get it byte-identical.
#
# For a single file and for a multi-file tree: mt-tracker on 127.0.0.1; a
# Transmission leecher (transmission-cli), which announces first because it
# never dials loopback peers, so the seed must dial it; a libtorrent seed on
# 127.0.0.2, which checks the content against our piece hashes before it
# seeds (a mismatch ends the run) and dials Transmission from its peer list;
# an aria2c leecher on 127.0.0.3, which finds the seed through the tracker.
# Every process runs under `timeout`; all waits are for log lines, with
# deadlines.
source "$(dirname "$0")/mktorrent_lib.bash"
need aria2c aria2
need transmission-cli transmission-cli
need_libtorrent
[ -x "$BIN_DIR/mt-tracker" ] || die "$BIN_DIR/mt-tracker is not built (make -C mini_torrent)"

bg tracker 600 "$BIN_DIR/mt-tracker" -b 127.0.0.1 -p 0 --interval 30 -v
line=$(wait_line "$work/tracker.out" "listening on" 20) || die "mt-tracker did not start: $(cat "$work/tracker.err")"
url="http://127.0.0.1:${line##*:}/announce"
say "mt-tracker at $url"

random_file "$work/content/single.bin" 3000017
sample_tree "$work/content/tree"

# transmission_leech NAME TORRENT: a passive Transmission with its own config
# (no DHT, LPD, PEX or port mapping), waiting for a seed to dial it.
transmission_leech() {
  local cfg=$work/$1.cfg
  mkdir -p "$cfg" "$work/$1.dl"
  cat > "$cfg/settings.json" <<EOF
{"dht-enabled": false, "lpd-enabled": false, "pex-enabled": false,
 "utp-enabled": false, "port-forwarding-enabled": false,
 "peer-port-random-on-start": false}
EOF
  bg "$1" 180 transmission-cli -g "$cfg" -w "$work/$1.dl" -p "$(free_port)" -et -M "$2"
}

# A grep -v pattern for "Only in DIR: NAME" lines of CONTENT's empty files.
empty_files() {
  local f pat='^$'
  while IFS= read -r -d '' f; do
    pat+="\|^Only in $(dirname "$f"): $(basename "$f")\$"
  done < <(find "$1" -type f -empty -print0)
  echo "$pat"
}

run_case() { # NAME CONTENT PIECE_LENGTH
  local name=$1 content=$2 t=$work/$1.torrent base h
  base=$(basename "$content")
  echo "== $name: $(du -sb "$content" | cut -f1) bytes, $3 pieces"
  "$BIN_DIR/mt-mktorrent" -a "$url" -l "$3" -o "$t" "$content" >/dev/null

  h=$(hash_mtinfo "$t")
  transmission_leech "$name-tr" "$t"
  # (it may say "stopped" first, then "started": wait for the second)
  wait_line "$work/tracker.err" "Transmission*${h:0:8} started" 60 >/dev/null ||
    die "transmission-cli never announced: $(tail -3 "$work/$name-tr.err")"

  mkdir -p "$work/$name.seed"
  cp -r "$content" "$work/$name.seed/"
  bg "$name-seed" 240 "$PY" "$here/lt_seed.py" "$t" "$work/$name.seed" 127.0.0.2
  wait_line "$work/$name-seed.out" "listening on" 60 >/dev/null ||
    die "libtorrent did not seed our torrent: $(cat "$work/$name-seed.err")"
  say "ok   libtorrent checked the content against our piece hashes and seeds"

  mkdir -p "$work/$name.aria"
  if timeout 120 aria2c --interface=127.0.0.3 --dir="$work/$name.aria" --seed-time=0 \
      --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
      --enable-peer-exchange=false --bt-stop-timeout=100 \
      --console-log-level=warn --summary-interval=0 --download-result=hide \
      "$t" > "$work/$name-aria.log" 2>&1; then
    check "aria2c download identical" "" "$(diff -rq "$content" "$work/$name.aria/$base" 2>&1)"
  else
    check "aria2c download" "exit 0" "exit $? ($(tail -3 "$work/$name-aria.log"))"
  fi

  if wait_line "$work/$name-tr.err" 'to "Complete"' 120 >/dev/null; then
    # Transmission 3.00 does not create zero-length files: skip those only.
    check "Transmission download identical (empty files aside)" "" \
      "$(diff -rq "$content" "$work/$name-tr.dl/$base" 2>&1 | grep -v "$(empty_files "$content")" || true)"
  else
    check "Transmission download" complete "not complete ($(tail -2 "$work/$name-tr.err"))"
  fi
}

run_case single "$work/content/single.bin" 256K
run_case multi "$work/content/tree" 32K
finish
