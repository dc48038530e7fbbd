# interop/peer_lib.bash — shared by the interop/peer_*.sh scripts (sourced,
# not run: `make interop` runs only *.sh).
#
# Builds on mktorrent_lib.bash (bg, wait_line, check, free_port, a $work dir
# removed on exit, every process killed on exit) and adds one starter per
# real client, as a seed and as a leecher, plus mt-peer itself and the two
# trackers.  Readiness is always an event (a line in a log, a file
# appearing) awaited with a deadline; only opentracker, which prints
# nothing, is polled until it accepts a connection.  Every client gets its
# own 127.0.0.X, because libtorrent and ctorrent treat peers that share an
# address as one.  DHT, local discovery and peer exchange are off everywhere:
# peers meet only through the tracker or an explicit dial.
#
# Names: each started program has a NAME; its output is $work/NAME.out and
# $work/NAME.err, its pid (the `timeout` wrapping it) is PID[NAME], and a
# listening port, when there is one, is PORT[NAME].  On exit everything still
# running is stopped (TERM, then KILL after 5 s) and $work removed.
source "$(dirname "${BASH_SOURCE[0]}")/mktorrent_lib.bash"
exec </dev/null		# ctorrent reads keys from stdin; give it nothing
declare -A PID PORT
[ -x "$BIN_DIR/mt-peer" ] || die "$BIN_DIR/mt-peer is not built (make -C mini_torrent)"
[ -x "$BIN_DIR/mt-tracker" ] || die "$BIN_DIR/mt-tracker is not built (make -C mini_torrent)"

# start NAME SECONDS CMD...: bg, remembering the pid.
start() {
  bg "$@"
  PID[$1]=${pids[-1]}
}

# when_ready NAME FILE PATTERN WHAT: NAME is ready once a line of FILE
# matches *PATTERN*; ready NAME... waits for that, READY_SECONDS (default 60)
# at most each.
declare -A READY_FILE READY_PAT READY_WHAT
when_ready() { READY_FILE[$1]=$2; READY_PAT[$1]=$3; READY_WHAT[$1]=$4; }
ready() {
  local n
  for n in "$@"; do
    wait_line "${READY_FILE[$n]}" "${READY_PAT[$n]}" "${READY_SECONDS:-60}" >/dev/null ||
      die "${READY_WHAT[$n]} did not get ready in ${READY_SECONDS:-60} s: $(tail -5 "$work/$n.err" 2>/dev/null)"
  done
}

# finished NAME: waits for NAME to exit (it runs under its own timeout, so
# this ends); sets RC to its exit status.  (Not in $(...): a subshell cannot
# wait for its parent's children.)
finished() {
  RC=0
  wait "${PID[$1]}" || RC=$?
  unset "PID[$1]"
}

# ---- trackers ----

# mt_tracker: mt-tracker on 127.0.0.1 for TRACKER_SECONDS (default 600);
# sets TRACKER_URL.  Its -v log ($work/tracker.err) has one line per announce.
mt_tracker() {
  local line
  start tracker "${TRACKER_SECONDS:-600}" "$BIN_DIR/mt-tracker" -b 127.0.0.1 -p 0 --interval 30 -v
  line=$(wait_line "$work/tracker.out" "listening on" 20) ||
    die "mt-tracker did not start: $(cat "$work/tracker.err")"
  PORT[tracker]=${line##*:}
  TRACKER_URL="http://127.0.0.1:${PORT[tracker]}/announce"
}

# opentracker HASH...: Debian's opentracker (a whitelist build) serving the
# given info-hashes on 127.0.0.1; sets TRACKER_URL.  It chroots to -d (and
# drops to nobody) before it reads -w, so the list lives in a world-readable
# directory of its own.  It prints nothing when ready: wait until it answers.
opentracker_start() {
  local p dir=$work/ot deadline=$((SECONDS + 20))
  need opentracker opentracker
  mkdir -p "$dir"
  chmod 755 "$work" "$dir"
  printf '%s\n' "$@" > "$dir/allow.txt"
  chmod 644 "$dir/allow.txt"
  p=$(free_port)
  start opentracker 600 opentracker -i 127.0.0.1 -p "$p" -P "$p" -d "$dir" -w allow.txt
  until (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
    ((SECONDS < deadline)) || die "opentracker did not start: $(cat "$work/opentracker.err")"
    kill -0 "${PID[opentracker]}" 2>/dev/null ||
      die "opentracker exited: $(cat "$work/opentracker.err")"
    sleep 0.1	# poll: it has no readiness line to wait for
  done
  PORT[opentracker]=$p
  TRACKER_URL="http://127.0.0.1:$p/announce"
}

# ---- mt-peer ----

# mt_peer NAME IP [OPTION...] TORRENT: mt-peer listening on IP (any port),
# logging JSON Lines to $work/NAME.jsonl; returns once it listens.
mt_peer() {
  local name=$1 ip=$2 line
  shift 2
  start "$name" "${MT_PEER_SECONDS:-180}" "$BIN_DIR/mt-peer" -b "$ip" -p 0 \
    --log "$work/$name.jsonl" "$@"
  line=$(wait_line "$work/$name.out" "listening on" "${READY_SECONDS:-60}") ||
    die "mt-peer $name did not start: $(tail -5 "$work/$name.err")"
  PORT[$name]=${line##*:}
}

# peer_bytes LOG downloaded|uploaded ID_PREFIX: block bytes that mt-peer's
# log says it moved with peers whose peer_id starts with ID_PREFIX (matched
# through the handshake event of the same address).
peer_bytes() {
  "$PY" - "$@" <<'EOF'
import json, sys
log, field, prefix = sys.argv[1:4]
ids, total = {}, 0
for line in open(log):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("ev") == "handshake":
        ids[e["peer"]] = e["peer_id"]
    elif e.get("ev") == "disconnect" and ids.get(e["peer"], "").startswith(prefix):
        total += e.get(field, 0)
print(total)
EOF
}

# handshakes LOG ID_PREFIX: "ADDR DIR" of each handshake mt-peer's log shows
# with a peer whose peer_id starts with ID_PREFIX (DIR: in = it dialled us).
handshakes() {
  "$PY" - "$@" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("ev") == "handshake" and e["peer_id"].startswith(sys.argv[2]):
        print(e["peer"], e["dir"])
EOF
}

# ---- real clients as seeds: each starts the client; `ready NAME` waits until
# it has checked the data and seeds ----

# lt_seed NAME TORRENT DIR IP: libtorrent, after checking every piece.
lt_seed() {
  need_libtorrent
  start "$1" 300 "$PY" "$here/lt_seed.py" "$2" "$3" "$4"
  when_ready "$1" "$work/$1.out" "listening on" "the libtorrent seed"
}

# aria2_seed NAME TORRENT DIR IP: aria2c, after checking the data (-V).
aria2_seed() {
  need aria2c aria2
  PORT[$1]=$(free_port)
  start "$1" 300 aria2c -V --interface="$4" --dir="$3" --seed-ratio=0.0 \
    --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
    --enable-peer-exchange=false --listen-port="${PORT[$1]}" \
    --console-log-level=warn --summary-interval=0 --log="$work/$1.log" \
    --log-level=notice "$2"
  when_ready "$1" "$work/$1.log" "IPv4 BitTorrent: listening on TCP port" "the aria2c seed"
}

# ct_seed NAME TORRENT FILE IP: Enhanced CTorrent, after checking the data.
ct_seed() {
  need ctorrent ctorrent
  PORT[$1]=$(free_port)
  start "$1" 300 ctorrent -e 1 -i "$4" -I "$4" -p "${PORT[$1]}" -s "$3" "$2"
  when_ready "$1" "$work/$1.out" "Seed for others" "the ctorrent seed"
}

# rt_seed NAME TORRENT DIR IP: rtorrent without its curses screen
# (system.daemon.set), configured only from the command line (-n: no
# ~/.rtorrent.rc); a hash_done hook writes a file once the data is checked.
rt_seed() {
  local d=$work/$1.rt
  need rtorrent rtorrent
  mkdir -p "$d/session"
  PORT[$1]=$(free_port)
  cat > "$d/rtorrent.rc" <<EOF
system.daemon.set = true
network.bind_address.set = $4
network.local_address.set = $4
network.port_range.set = ${PORT[$1]}-${PORT[$1]}
network.port_random.set = no
directory.default.set = $3
session.path.set = $d/session
dht.mode.set = disable
protocol.pex.set = no
trackers.use_udp.set = no
method.set_key = event.download.hash_done, mt_ready, "execute2={sh,-c,\"echo hash_done >> $d/events\"}"
load.start_verbose = $2
EOF
  start "$1" 300 rtorrent -n -o "import=$d/rtorrent.rc"
  when_ready "$1" "$d/events" "hash_done" "the rtorrent seed"
}

# ---- real clients as leechers: each starts downloading into DIR, under a
# timeout of LEECH_SECONDS (default 180) ----

# lt_leech NAME TORRENT DIR IP: exits 0 once complete.
lt_leech() {
  need_libtorrent
  mkdir -p "$3"
  start "$1" "${LEECH_SECONDS:-180}" "$PY" "$here/lt_seed.py" "$2" "$3" "$4" --leech
}

# aria2_leech NAME TORRENT DIR IP: exits 0 once complete.
aria2_leech() {
  need aria2c aria2
  mkdir -p "$3"
  start "$1" "${LEECH_SECONDS:-180}" aria2c --interface="$4" --dir="$3" --seed-time=0 \
    --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
    --enable-peer-exchange=false --bt-stop-timeout=150 \
    --listen-port="$(free_port)" --console-log-level=warn \
    --summary-interval=0 --download-result=hide "$2"
}

# ct_leech NAME TORRENT FILE IP: exits 0 once complete (-e 0: no seeding).
ct_leech() {
  need ctorrent ctorrent
  mkdir -p "$(dirname "$3")"
  start "$1" "${LEECH_SECONDS:-180}" ctorrent -e 0 -i "$4" -I "$4" -p "$(free_port)" -s "$3" "$2"
}

# tr_leech NAME TORRENT DIR: transmission-cli with its own configuration (no
# DHT, LPD, PEX, uTP or port mapping).  It never dials 127/8 peers, so a seed
# must dial it: it announces to the tracker (wait for that), and logs
# 'to "Complete"' on stderr once done (it then seeds on; kill it).
tr_leech() {
  local cfg=$work/$1.cfg
  need transmission-cli transmission-cli
  mkdir -p "$cfg" "$3"
  cat > "$cfg/settings.json" <<EOF
{"dht-enabled": false, "lpd-enabled": false, "pex-enabled": false,
 "utp-enabled": false, "port-forwarding-enabled": false,
 "peer-port-random-on-start": false}
EOF
  PORT[$1]=$(free_port)
  start "$1" "${LEECH_SECONDS:-180}" transmission-cli -g "$cfg" -w "$3" -p "${PORT[$1]}" -et -M "$2"
}

# stop NAME...: ends programs that would run on (seeds) and reaps them:
# TERM, then KILL whatever is still there after 5 s (ctorrent sometimes
# lingers over its "stopped" announce).
stop() {
  local n t kid left deadline=$((SECONDS + 5)) ts=()
  for n in "$@"; do
    t=${PID[$n]:-}
    [ -n "$t" ] || continue
    ts+=("$t")
    unset "PID[$n]"
    kill "$t" 2>/dev/null || true
  done
  while ((SECONDS < deadline)); do
    left=0
    for t in "${ts[@]}"; do kill -0 "$t" 2>/dev/null && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for t in "${ts[@]}"; do
    if kill -0 "$t" 2>/dev/null; then
      for kid in $(pgrep -P "$t"); do kill -KILL "$kid" 2>/dev/null || true; done
      kill -KILL "$t" 2>/dev/null || true
    fi
    wait "$t" 2>/dev/null || true
  done
}

# On exit, stop everything still running, then the shared cleanup (which
# would otherwise wait on a lingering program for as long as its timeout).
# INTEROP_KEEP=DIR keeps a copy of every log and file there, for debugging.
stop_all() {
  stop "${!PID[@]}"
  if [ -n "${INTEROP_KEEP:-}" ]; then
    mkdir -p "$INTEROP_KEEP" && cp -r "$work/." "$INTEROP_KEEP/" &&
      echo "kept $work in $INTEROP_KEEP" >&2
  fi
  cleanup
}
trap stop_all EXIT

# same WHAT A B: the two files are byte-identical.
same() { check "$1" "" "$(cmp "$2" "$3" 2>&1)"; }

# at_least WHAT MIN GOT: a number is at least MIN.
at_least() {
  if [[ $3 =~ ^[0-9]+$ ]] && (($3 >= $2)); then say "ok   $1 ($3)"; else check "$1" ">= $2" "$3"; fi
}
