#!/usr/bin/env bash
# bench/tcp_uppercase.sh — our TCP uppercase server against a real one, socat
# forking `stdbuf -oL tr a-z A-Z` per connection, in the same run, same load:
#
#   1. CLIENTS (200) ping-pong clients for RUN_SECONDS (10) each: round trips
#      per second, for ours (poll, and fork for the lesson) and for socat.
#   2. HOLD (10,000) clients connected at once, one line each, all held open
#      until every one is answered or HOLD_DEADLINE (120 s) passes.
#
# Prints the ratio ours/socat.  Goals: >= 5x socat with 200 ping-pong clients;
# all 10,000 served by ours.  The load comes from bench/tcp_load.c (one epoll
# loop), compiled here into a temporary directory.  socat gets backlog=1024: with
# its default of 5, most of 200 simultaneous clients are reset or hang.
#
# socat needs two processes per connection (socat + tr): before the 10,000 run
# the script checks free process ids and memory and, if the machine cannot take
# it safely, runs socat with fewer clients and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-200}
RUN_SECONDS=${RUN_SECONDS:-10}
HOLD=${HOLD:-10000}
HOLD_DEADLINE=${HOLD_DEADLINE:-120}

command -v socat >/dev/null || { echo "socat is missing: apt-get install socat" >&2; exit 1; }
command -v stdbuf >/dev/null || { echo "stdbuf is missing: apt-get install coreutils" >&2; exit 1; }

tmp=$(mktemp -d)
pgroups=()		# process groups we started (each server runs under setsid)
stop_group() {
	local g=$1
	kill -TERM -- "-$g" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL -- "-$g" 2>/dev/null || true
}
cleanup() {
	for g in "${pgroups[@]}"; do stop_group "$g"; done
	rm -rf "$tmp"
}
trap cleanup EXIT

make -s -C tcp_uppercase tcp_server >/dev/null
cc -O2 -std=c11 -Wall -Wextra -o "$tmp/tcp_load" bench/tcp_load.c bench/benchlib.c
load=$tmp/tcp_load

ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < HOLD + 100)); then
	echo "note: open-file limit $(ulimit -n) is too low for $HOLD clients; using $(($(ulimit -n) - 100))"
	HOLD=$(($(ulimit -n) - 100))
fi

# start_ours MODE: sets PORT and PGID.
start_ours() {
	mkfifo "$tmp/ready"
	setsid ./tcp_uppercase/tcp_server -b 127.0.0.1 -p 0 --mode "$1" >"$tmp/ready" 2>"$tmp/ours.err" &
	PGID=$!
	pgroups+=("$PGID")
	local line=
	read -r -t 10 line <"$tmp/ready" || true
	rm -f "$tmp/ready"
	[[ $line == "listening on "* ]] || { echo "tcp_server did not start: $(cat "$tmp/ours.err")" >&2; exit 1; }
	PORT=${line##*:}
}

# start_socat: socat cannot report a port it chose, so pick a free one and
# retry if someone takes it first; ready once a probe connection succeeds.
start_socat() {
	for _ in 1 2 3 4 5; do
		PORT=$("$load" freeport)
		setsid socat "TCP-LISTEN:$PORT,bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
			EXEC:'stdbuf -oL tr a-z A-Z' 2>"$tmp/socat.err" &
		PGID=$!
		pgroups+=("$PGID")
		for _ in $(seq 200); do
			kill -0 "$PGID" 2>/dev/null || break	# exited: the port was taken
			if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
			sleep 0.05
		done
		stop_group "$PGID"
	done
	echo "socat did not start: $(cat "$tmp/socat.err")" >&2
	exit 1
}

# pingpong NAME: one run against the server on PORT; prints NAME's line, sets RATE.
pingpong() {
	local out
	RATE=0
	if ! out=$("$load" pingpong 127.0.0.1 "$PORT" "$CLIENTS" "$RUN_SECONDS" 2>&1); then
		printf '  %-30s failed: %s\n' "$1" "$out"
		return
	fi
	RATE=$(awk '{ print $6 }' <<<"$out")
	printf '  %-30s %9d round trips/s\n' "$1" "$RATE"
}

# hold NAME N: prints NAME's line; returns 0 if all N were served.
hold() {
	local out rc=0
	out=$("$load" hold 127.0.0.1 "$PORT" "$2" "$HOLD_DEADLINE") || rc=$?
	printf '  %-30s %s\n' "$1" "$out"
	return $rc
}

# How many socat connections this machine can take: 2 processes each, leaving
# 4,000 process ids and half the available memory (about 1 MB per pair) to others.
socat_capacity() {
	local pid_max tasks mem_mb by_pids by_mem
	pid_max=$(cat /proc/sys/kernel/pid_max)
	tasks=$(awk '{ split($4, a, "/"); print a[2] }' /proc/loadavg)
	mem_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	by_pids=$(((pid_max - tasks - 4000) / 2))
	by_mem=$((mem_mb / 2))
	echo $((by_pids < by_mem ? by_pids : by_mem))
}

echo "tcp_uppercase benchmark: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "1. $CLIENTS ping-pong clients, ${RUN_SECONDS} s each (31-byte lines):"
start_ours poll
pingpong "ours (tcp_server, poll)"
ours=$RATE
stop_group "$PGID"
start_ours fork
pingpong "ours (tcp_server --mode fork)"
fork=$RATE
stop_group "$PGID"
start_socat
pingpong "socat fork + stdbuf tr"
socat=$RATE
stop_group "$PGID"
awk -v o="$ours" -v f="$fork" -v s="$socat" 'BEGIN {
	if (s > 0) printf "  ratio ours/socat: %.1fx (goal >= 5x)  [fork mode/socat: %.1fx]\n", o / s, f / s
	else print "  ratio: socat served nothing" }'

echo
echo "2. $HOLD clients at once, one line each, all kept open (deadline ${HOLD_DEADLINE} s):"
start_ours poll
ours_ok=yes
hold "ours (tcp_server, poll)" "$HOLD" || ours_ok=no
stop_group "$PGID"
cap=$(socat_capacity)
n=$HOLD
if ((cap < n)); then
	n=$((cap > 0 ? cap : 0))
	echo "  (socat capped at $n clients: $HOLD would need $((2 * HOLD)) processes; see socat_capacity)"
fi
if ((n > 0)); then
	start_socat
	export NSTAT_HISTORY=$tmp/nstat.history
	command -v nstat >/dev/null && nstat -n
	hold "socat fork + stdbuf tr" "$n" || true
	stop_group "$PGID"
	if command -v nstat >/dev/null; then
		echo "  kernel counters meanwhile (whole machine): accept queue full, SYN cookies rejected:"
		nstat -z TcpExtListenOverflows TcpExtSyncookiesFailed 2>/dev/null | awk 'NR > 1 { printf "    %s %s\n", $1, $2 }'
	fi
	if [[ -s $tmp/socat.err ]]; then
		echo "  socat's own messages, most frequent first:"
		sed -E 's/^[0-9/]+ [0-9:]+ socat\[[0-9]+\] //; s/[0-9]+/N/g' "$tmp/socat.err" |
			sort | uniq -c | sort -rn | head -n 3 | sed 's/^/   /'
	fi
fi
echo
echo "all $HOLD served by ours: $ours_ok"
