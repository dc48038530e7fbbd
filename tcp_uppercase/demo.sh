#!/usr/bin/env bash
# demo.sh — a guided run of the TCP uppercase server and client (`make demo`
# runs it from this directory; about five seconds).
#
# One server, two clients connected at the same time: the poll server answers
# both.  Then the same two clients against --mode iterative: the second waits
# until the first leaves, which is the lesson on iterative versus concurrent
# servers.  Programs talk through named pipes so the script can read each
# reply as it comes; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")"
[[ -x tcp_server && -x tcp_client ]] || make -s

tmp=$(mktemp -d)
pids=()
cleanup() {
	{ exec 3>&- 4<&-; } 2>/dev/null || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf '\n'; printf '%s\n' "$@"; }
show() { printf '    %s\n' "$@"; }

# start_server ARGS...: starts tcp_server -v ARGS, sets PORT from its readiness line.
start_server() {
	mkfifo "$tmp/server.out"
	./tcp_server -b 127.0.0.1 -p 0 -v "$@" >"$tmp/server.out" 2>"$tmp/server.log" &
	pids+=($!)
	local line=
	read -r -t 10 line <"$tmp/server.out" || true
	rm -f "$tmp/server.out"
	[[ $line == "listening on "* ]] || { echo "the server did not start" >&2; exit 1; }
	show "\$ ./tcp_server -b 127.0.0.1 -p 0 -v${*:+ $*}" "$line"
	PORT=${line##*:}
}

# start_alice: a client that stays connected; lines go in on fd 3, replies come out on fd 4.
start_alice() {
	mkfifo "$tmp/alice.in" "$tmp/alice.out"
	./tcp_client 127.0.0.1 "$PORT" <"$tmp/alice.in" >"$tmp/alice.out" &
	pids+=($!)
	exec 3>"$tmp/alice.in" 4<"$tmp/alice.out"
}

alice_says() {
	local reply=
	echo "$1" >&3
	read -r -t 5 reply <&4 || reply="(no reply)"
	show "alice> $1" "      < $reply"
}

stop_alice() {
	exec 3>&- 4<&-
	wait "${pids[-1]}" || true
	rm -f "$tmp/alice.in" "$tmp/alice.out"
}

say "1. The server: a welcoming socket on a port the kernel picks (-p 0)."
start_server
say "2. Alice connects and keeps her connection open; each line comes back upper-cased."
start_alice
alice_says "hello from alice"
say "3. While Alice is still connected, Bob connects too. The poll server answers him at once:"
show "\$ echo 'hi, this is bob' | ./tcp_client 127.0.0.1 $PORT"
echo 'hi, this is bob' | ./tcp_client 127.0.0.1 "$PORT" | sed 's/^/    /'
alice_says "alice again, same connection"
stop_alice
say "   The server's log (-v): a new socket for each client, each closed when its client left."
sed 's/^/    /' "$tmp/server.log"
kill "${pids[0]}"

say "4. The same with --mode iterative: the textbook's first server serves one client at a time."
start_server --mode iterative
start_alice
alice_says "alice holds the server"
show "\$ echo 'bob waits' | ./tcp_client -t 1500 127.0.0.1 $PORT"
echo 'bob waits' | ./tcp_client -t 1500 127.0.0.1 "$PORT" 2>&1 | sed 's/^/    /' || true
say "   The kernel completed Bob's connection (it waits in the listen queue), but the server" \
    "   is busy in Alice's loop and never reads his line. Once Alice leaves, Bob is served:"
stop_alice
echo 'bob, served at last' | ./tcp_client 127.0.0.1 "$PORT" | sed 's/^/    /'
say "That is why a real server is concurrent: --mode fork (a process per client) or the" \
    "default poll mode (one process, non-blocking sockets, one poll() loop for everyone)."
