#!/usr/bin/env bash
# browser/tracker_page.sh — mt-tracker's live page in a real browser.
#
# Starts mt-tracker, announces four peers of different clients to it (one
# seed, leechers at different progress), then loads http://127.0.0.1:PORT/ in
# headless Chromium and checks the rendered DOM: the page fetches /stats.json
# with its own script, so the peers only appear if the script, the JSON and
# the tracker all work.  Chromium's --dump-dom prints the DOM once the page
# has settled; --virtual-time-budget lets the fetch finish first.
set -euo pipefail

BIN_DIR=${BIN_DIR:-.}
command -v chromium >/dev/null || {
	echo "chromium is missing: apt-get install chromium (or run 'sudo bash .ci/setup')" >&2
	exit 1
}
tmp=$(mktemp -d)
tracker_pid=
cleanup() {
	[[ -n $tracker_pid ]] && kill "$tracker_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

coproc TRACKER { exec timeout 300 "$BIN_DIR/mt-tracker" -b 127.0.0.1 -p 0 --interval 60; }
tracker_pid=$TRACKER_PID
read -r -t 10 line <&"${TRACKER[0]}" || { echo "FAIL: mt-tracker did not start" >&2; exit 1; }
port=${line##*:}
[[ $line == "listening on "* && $port =~ ^[0-9]+$ ]] || { echo "FAIL: odd first line: $line" >&2; exit 1; }

# One HTTP/1.0 GET over bash's /dev/tcp; prints the body.
http_get() {
	local reply
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
	reply=$(timeout 10 cat <&3)
	exec 3<&-
	printf '%s' "${reply#*$'\r\n\r\n'}"
}

hash='%12%34%56%78%9a%bc%de%f0%12%34%56%78%9a%bc%de%f0%12%34%56%78'
announce() {	# peer_id ip port left
	local body
	body=$(http_get "/announce?info_hash=$hash&peer_id=$1&port=$3&uploaded=1048576&downloaded=524288&left=$4&ip=$2&event=started&numwant=0")
	[[ $body == d8:complete* ]] || { echo "FAIL: announce of $1 refused: $body" >&2; exit 1; }
}
announce -TR3000-abcdefghijkl 127.0.0.2 51413 1000000
announce -LT2080-abcdefghijkl 127.0.0.3 6881 0
announce -MT0100-abcdefghijkl 127.0.0.4 7000 250000
announce A2-1-36-0-abcdefghij 127.0.0.5 6890 1000000

timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$tmp/profile" --virtual-time-budget=5000 \
	--dump-dom "http://127.0.0.1:$port/" >"$tmp/dom.html" 2>"$tmp/chromium.log" || {
	echo "FAIL: chromium failed:" >&2
	tail -n 20 "$tmp/chromium.log" >&2
	exit 1
}

fail=0
expect() {
	if grep -qF -- "$1" "$tmp/dom.html"; then
		echo "ok: the page shows $1"
	else
		echo "FAIL: the page does not show $1" >&2
		fail=1
	fi
}
expect '127.0.0.2:51413'
expect '127.0.0.3:6881'
expect '127.0.0.4:7000'
expect '127.0.0.5:6890'
expect 'Transmission 3.00'
expect 'libtorrent 2.0.8.0'
expect 'mini_torrent 0.1.0.0'
expect 'aria2 1.36.0'
expect '>seed<'
expect '>leecher<'
expect '75.0 %'
expect '1 seeds, 3 leechers'
expect '1 swarm(s), 4 peer(s)'
if ((fail)); then
	echo "--- DOM:" >&2
	cat "$tmp/dom.html" >&2
	exit 1
fi
echo "browser test passed"
