#!/usr/bin/env bash
# demo.sh — a short guided run of the UDP upper-case server and client.
#
# Starts udp_server on a free port, waits for its "listening on" line, sends
# a few lines through udp_client, shows what the server logged, then shows the
# client giving up on a port where nobody answers.  Everything it starts is
# killed on exit.  Run it from this directory (make demo does).
set -euo pipefail
cd "$(dirname "$0")"

[[ -x ./udp_server && -x ./udp_client ]] || make -s

log=$(mktemp)
cleanup() {
	if [[ -n "${SERVER_PID:-}" ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -f "$log"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

say "Starting the server on any free port (-p 0), logging each datagram (-v)."
coproc SERVER { exec ./udp_server -b 127.0.0.1 -p 0 -v 2>"$log"; }
read -r -t 10 ready <&"${SERVER[0]}" || { echo "the server did not start" >&2; exit 1; }
echo "$ready"
port=${ready##*:}

say "Sending three lines; each becomes one datagram, each reply is printed."
lines=$'hello, udp\n\nCaf\xc3\xa9 au lait: 2 sugars\n'
printf '%s' "$lines" | sed 's/^/  sent:  /'
printf '%s' "$lines" | ./udp_client 127.0.0.1 "$port" | sed 's/^/  reply: /'
echo "Only a-z changed: the empty line came back empty, digits and the UTF-8 'é' kept."

say "What the server logged (stderr): one line per datagram, with the sender's address and port."
sed 's/^/  /' "$log"
echo "Each line came from a different port: the client uses a fresh socket per line,"
echo "so a late reply to an earlier line can never be taken for the answer to this one."

say "Stopping the server, then asking its port again: 300 ms per try, 2 retries."
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
start=$(date +%s%N)
set +e
echo "anyone there?" | ./udp_client -t 300 -r 2 127.0.0.1 "$port" 2>&1 | sed 's/^/  /'
status=${PIPESTATUS[1]}
set -e
echo "Exit status $status after $(( ($(date +%s%N) - start) / 1000000 )) ms. UDP has no connection"
echo "to fail, so silence is the only sign: the client tried 3 times, then said so and stopped."
[[ $status -eq 1 ]]
