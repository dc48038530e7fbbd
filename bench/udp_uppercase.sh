#!/usr/bin/env bash
# bench/udp_uppercase.sh — datagrams per second answered by our udp_server and
# by socat upper-casing UDP servers, in the same run, and the ratios.
#
#   bash bench/udp_uppercase.sh            (from anywhere)
#   SECONDS_PER_RUN=10 SOCKETS=16 SIZE=512 bash bench/udp_uppercase.sh
#
# Load: bench/udp_load.c (built here with cc), N stop-and-wait clients on
# loopback, each sending its next datagram as soon as the last was answered;
# only correct answers count, a datagram unanswered for 200 ms is lost.
#
# The socat servers:
#   fork:   socat UDP-RECVFROM:PORT,fork SYSTEM:'tr a-z A-Z'
#           serves any client, like ours, with a child, a shell and tr per
#           datagram; it handles one datagram at a time and loses those that
#           arrive meanwhile.
#   stream: socat UDP-LISTEN:PORT EXEC:'stdbuf -oL tr a-z A-Z'
#           one long-lived tr, but it serves only the first client that
#           writes to it: the fastest socat can be, for one client.
# Goal: ours >= 3x socat.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${SECONDS_PER_RUN:-5}
many=${SOCKETS:-8}
size=${SIZE:-32}

command -v socat >/dev/null || { echo "socat is missing: apt-get install socat" >&2; exit 1; }
command -v stdbuf >/dev/null || { echo "stdbuf is missing: apt-get install coreutils" >&2; exit 1; }
make -s -C "$top/udp_uppercase" udp_server udp_client

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

cc -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
	-o "$work/udp_load" "$top/bench/udp_load.c" "$top/bench/benchlib.c"

# A free UDP port: our server binds port 0 and says which; we stop it.
free_port() {
	local line
	coproc PICK { exec "$top/udp_uppercase/udp_server" -b 127.0.0.1 -p 0; }
	read -r -t 10 line <&"${PICK[0]}" || { echo "udp_server did not start" >&2; exit 1; }
	kill "$PICK_PID"; wait "$PICK_PID" 2>/dev/null || true
	echo "${line##*:}"
}

# Starts our server; sets ours_port.
start_ours() {
	coproc OURS { exec "$top/udp_uppercase/udp_server" -b 127.0.0.1 -p 0; }
	pids+=("$OURS_PID")
	local line
	read -r -t 10 line <&"${OURS[0]}" || { echo "udp_server did not start" >&2; exit 1; }
	ours_port=${line##*:}
}

# Starts socat with the given addresses on port $1; waits until it logs that
# it is ready (-d -d: a few lines per client, or per datagram with fork).
start_socat() {
	local port=$1 log="$work/socat.$1.log"; shift
	socat -d -d "$@" 2>"$log" &
	pids+=($!)
	for _ in $(seq 100); do
		grep -qE "(receiving|listening) on .*127.0.0.1:$port" "$log" && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "socat did not start:" >&2; cat "$log" >&2; exit 1
}

load() { "$work/udp_load" -c "$1" -d "$secs" -s "$size" 127.0.0.1 "$2"; }
rate() { sed -n 's/.*: \([0-9]*\)\/s.*/\1/p' <<<"$1"; }
ratio() {
	local a b
	a=$(rate "$1"); b=$(rate "$2")
	if [[ -z "$b" || "$b" -eq 0 ]]; then echo "socat answered nothing"
	else awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1fx\n", a / b }'; fi
}

fork_port=$(free_port)
start_socat "$fork_port" "UDP-RECVFROM:$fork_port,bind=127.0.0.1,fork" SYSTEM:'tr a-z A-Z'
stream_port=$(free_port)
start_socat "$stream_port" "UDP-LISTEN:$stream_port,bind=127.0.0.1" EXEC:'stdbuf -oL tr a-z A-Z'
start_ours	# last: bash keeps one coproc at a time in the main shell

echo "udp_uppercase: $size-byte datagrams, ${secs} s per run, loopback, $(nproc) cores"
echo "1 client:"
ours1=$(load 1 "$ours_port");     echo "  ours (udp_server):          $ours1"
fork1=$(load 1 "$fork_port");     echo "  socat fork (SYSTEM tr):     $fork1"
stream1=$(load 1 "$stream_port"); echo "  socat stream (one tr):      $stream1"
echo "$many clients at once:"
oursn=$(load "$many" "$ours_port"); echo "  ours (udp_server):          $oursn"
forkn=$(load "$many" "$fork_port"); echo "  socat fork (SYSTEM tr):     $forkn"
echo "(socat stream serves one client only, so it has no $many-client figure)"
echo "ratio ours/socat fork,   1 client:   $(ratio "$ours1" "$fork1") (goal >= 3x)"
echo "ratio ours/socat stream, 1 client:   $(ratio "$ours1" "$stream1") (goal >= 3x)"
echo "ratio ours/socat fork,   $many clients:  $(ratio "$oursn" "$forkn")"
