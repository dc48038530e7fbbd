#!/usr/bin/env bash
# demo.sh — a short guided run of the mini transport layer.
#
# Starts five mux_host processes on loopback: "server" runs an upper-case
# service on port 7 (connectionless) and port 8 (connection-oriented);
# alice, bob and carol are client hosts typed at through their stdin, and
# dave, started last, has an interface that corrupts what it sends.  Each
# host's UDP socket is its network layer, so "127.0.0.1:PORT" below is a
# host's network address and "/N" a transport port on it.  The demo shows
# demultiplexing by port, by 4-tuple, a refused port, segmentation, corrupted
# segments being dropped, and ends with each host's mux/demux table.
# Everything it starts is killed on exit.  Run it from this directory.
set -euo pipefail
cd "$(dirname "$0")"

[[ -x ./mux_host ]] || make -s mux_host

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

declare -A TO FROM ADDR

say() { printf '\n== %s\n' "$*"; }

# start_host NAME ARGS...: runs a host with fifos on its stdin and stdout and
# waits (5 s at most) for its "listening on" line.
start_host() {
	local name=$1 w r line
	shift
	mkfifo "$tmp/$name.in" "$tmp/$name.out"
	./mux_host "$@" <"$tmp/$name.in" >"$tmp/$name.out" &
	pids+=($!)
	exec {w}>"$tmp/$name.in"
	exec {r}<"$tmp/$name.out"
	TO[$name]=$w
	FROM[$name]=$r
	while IFS= read -r -t 5 -u "$r" line; do
		if [[ $line == "listening on "* ]]; then
			ADDR[$name]=${line#listening on }
			printf '   %-6s| %s\n' "$name" "$line"
			return 0
		fi
	done
	echo "demo: host $name did not start" >&2
	exit 1
}

# cmd NAME LINE: types LINE into host NAME.
cmd() {
	local name=$1
	shift
	printf '   %-6s< %s\n' "$name" "$*"
	printf '%s\n' "$*" >&"${TO[$name]}"
}

# show NAME REGEX: prints NAME's output up to the first line matching REGEX.
show() {
	local name=$1 pat=$2 line
	while IFS= read -r -t 5 -u "${FROM[$name]}" line; do
		printf '   %-6s| %s\n' "$name" "$line"
		[[ $line =~ $pat ]] && return 0
	done
	echo "demo: host $name never printed /$pat/" >&2
	exit 1
}

say "Four hosts. Each owns ONE UDP socket (its network layer); every segment of every"
echo "application on that host goes through it, with our transport header in front."
start_host server -u 7 -c 8
start_host alice
start_host bob
start_host carol
srv=${ADDR[server]}

say "Connectionless: three hosts bind the SAME port 5000 and write to port 7 of server."
for h in alice bob carol; do
	cmd $h "bind 5000"
	show $h "^sock 0"
	cmd $h "sendto 0 $srv/7 hello from $h"
done
for h in alice bob carol; do show $h "^recv 0"; done
echo "Demultiplexing by destination port: all three reached the one socket on port 7."
echo "The reply names (host address, port 5000), so each came back to the right host."

say "Connection-oriented: bob and carol both connect to port 8 from source port 6000."
cmd bob "connect $srv/8 6000"
cmd carol "connect $srv/8 6000"
show bob "^connected 1"
show carol "^connected 1"
cmd bob "send 1 bob's line"
cmd carol "send 1 carol's line"
show bob "^recv 1"
show carol "^recv 1"
echo "Same destination port, same source port: only the source host differs, and the"
echo "server still has one socket per 4-tuple (see its table below)."

say "A port nobody has: the server drops the segment, counts it, and says 'unreachable'."
cmd alice "sendto 0 $srv/9 is anyone on port 9?"
show alice "^refused 0"

say "Segmentation: 5000 bytes at MSS 256 leave as 20 segments and come back whole."
cmd bob "sendto-bytes 0 $srv/7 5000"
show bob "^recv 0"

say "A bad network: dave's interface flips one bit in about half of what it sends."
start_host dave --corrupt 50 --seed 1
cmd dave "bind 5000"
show dave "^sock 0"
for i in 1 2 3 4 5 6; do cmd dave "sendto 0 $srv/7 message $i from dave"; done
cmd dave "sendto-bytes 0 $srv/7 600"
show dave "^sent 0 600"
echo "Only the messages whose every segment arrived intact were answered."
cmd server "table"
show server "^-- end of table"
echo "Read the table: one row per port (and per connection on port 8), what was"
echo "multiplexed out (seg_out/msg_out) and demultiplexed in (seg_in/msg_in), the"
echo "refused port 9, and bad_checksum: dave's damaged segments, caught and dropped."

say "dave's side: the answers he got, and impaired_corrupt = the segments his interface damaged."
cmd dave "table"
show dave "^-- end of table"

for h in server alice bob carol dave; do printf 'quit\n' >&"${TO[$h]}"; done
wait 2>/dev/null || true
pids=()
printf '\nmux_demux demo: done.\n'
