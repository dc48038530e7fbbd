# handouts/lib.sh — two shell helpers the walkthroughs use, so that a whole
# client/server exchange fits in one terminal.  Load them once, from the top of
# the kit:
#
#     . handouts/lib.sh
#
#   serve CMD [ARG...]   starts the server CMD in the background, waits (at most
#                        SERVE_TIMEOUT seconds, default 10) for its readiness line
#                        "listening on ADDR:PORT", prints that line and sets
#                        $ADDR and $PORT.  The server's later output still
#                        reaches your terminal.  Returns 1 if the line never
#                        comes (and stops the server).
#   stop                 stops every server that serve started, and waits for them.
#   host NAME CMD [ARG...]
#                        starts CMD, a program that reads commands on stdin (such
#                        as mux_host), under the name NAME; waits for its
#                        "listening on" line, prints it as "NAME| listening on
#                        ...", and sets $ADDR and $PORT as serve does.
#   tell NAME LINE...    types LINE into host NAME (and shows it as "NAME< LINE").
#   upto NAME REGEX      prints NAME's output ("NAME| ...") up to and including
#                        the first line that matches the extended REGEX; fails
#                        if none comes within SERVE_TIMEOUT seconds.
#   capture FILTER N [TSHARK-OPTION...]
#                        starts tshark on the loopback interface for the first N
#                        packets that match the capture FILTER (e.g. "udp port
#                        $PORT"), and returns once it is capturing (needs root
#                        or capture rights).  Waits at most CAPTURE_TIMEOUT
#                        seconds (default 30) for tshark to start, and tshark
#                        gets twice that to see the packets.
#   capture_wait [CMD...]
#                        waits for those N packets and prints them (through CMD,
#                        e.g. a sed script, when one is given).  Call it as it
#                        is, not at the left of a pipe: a subshell cannot wait
#                        for tshark.
#
# Servers are asked for port 0, so the kernel picks a free port and two runs
# never collide; serve reads which one from the readiness line.  (make
# test-handouts loads this file before every runnable block.)

SERVE_PIDS=()
declare -A HOST_IN HOST_OUT

serve() {
	local dir fifo line fd pid rc
	dir=$(mktemp -d) || return 1
	fifo=$dir/out
	mkfifo "$fifo" || { rm -rf "$dir"; return 1; }
	"$@" >"$fifo" &
	pid=$!
	exec {fd}<"$fifo"
	rm -rf "$dir"
	SERVE_PIDS+=("$pid")
	while :; do
		rc=0
		IFS= read -r -t "${SERVE_TIMEOUT:-10}" -u "$fd" line || rc=$?
		if ((rc)); then
			if ((rc > 128)); then
				echo "serve: $1 printed no 'listening on' line within ${SERVE_TIMEOUT:-10} s" >&2
			else
				echo "serve: $1 ended before printing 'listening on'" >&2
			fi
			kill "$pid" 2>/dev/null
			exec {fd}<&-
			return 1
		fi
		echo "$line"
		[[ $line == "listening on "* ]] && break
	done
	ADDR=${line#listening on }
	PORT=${ADDR##*:}
	ADDR=${ADDR%:*}
	ADDR=${ADDR#[}
	ADDR=${ADDR%]}
	# Keep draining the server's stdout so it never blocks on a full pipe.
	cat <&"$fd" &
	exec {fd}<&-
	return 0
}

stop() {
	local pid
	for pid in "${SERVE_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${SERVE_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	SERVE_PIDS=()
}

capture() {
	local filter=$1 count=$2 dir fifo fd line
	shift 2
	dir=$(mktemp -d) || return 1
	fifo=$dir/err
	mkfifo "$fifo" || return 1
	CAPTURE_OUT=$dir/packets
	timeout "$((${CAPTURE_TIMEOUT:-30} * 2))" tshark -n -l -i lo -f "$filter" -c "$count" "$@" \
		>"$CAPTURE_OUT" 2>"$fifo" &
	CAPTURE_PID=$!
	exec {fd}<"$fifo"
	while IFS= read -r -t "${CAPTURE_TIMEOUT:-30}" -u "$fd" line; do
		[[ $line == *"Capture started"* ]] && break
	done
	if [[ $line != *"Capture started"* ]]; then
		echo "capture: tshark did not start capturing within ${CAPTURE_TIMEOUT:-30} s: $line" >&2
		exec {fd}<&-
		return 1
	fi
	cat <&"$fd" >/dev/null &
	exec {fd}<&-
}

capture_wait() {
	wait "$CAPTURE_PID" || { echo "capture: tshark did not see the packets" >&2; return 1; }
	if (($#)); then "$@" <"$CAPTURE_OUT"; else cat "$CAPTURE_OUT"; fi
	rm -rf "$(dirname "$CAPTURE_OUT")"
}

host() {
	local name=$1 dir in out line pid
	shift
	dir=$(mktemp -d) || return 1
	mkfifo "$dir/in" "$dir/out" || return 1
	"$@" <"$dir/in" >"$dir/out" &
	pid=$!
	SERVE_PIDS+=("$pid")
	exec {in}>"$dir/in" {out}<"$dir/out"
	rm -rf "$dir"
	HOST_IN[$name]=$in
	HOST_OUT[$name]=$out
	upto "$name" '^listening on ' || return 1
	ADDR=${UPTO_LINE#listening on }
	PORT=${ADDR##*:}
	ADDR=${ADDR%:*}
}

tell() {
	local name=$1
	shift
	[[ -n ${HOST_IN[$name]:-} ]] || { echo "tell: no host named $name" >&2; return 1; }
	printf '%s< %s\n' "$name" "$*"
	printf '%s\n' "$*" >&"${HOST_IN[$name]}"
}

upto() {
	local name=$1 re=$2 line
	[[ -n ${HOST_OUT[$name]:-} ]] || { echo "upto: no host named $name" >&2; return 1; }
	while IFS= read -r -t "${SERVE_TIMEOUT:-10}" -u "${HOST_OUT[$name]}" line; do
		printf '%s| %s\n' "$name" "$line"
		if [[ $line =~ $re ]]; then
			UPTO_LINE=$line
			return 0
		fi
	done
	echo "upto: $name printed no line matching /$re/ within ${SERVE_TIMEOUT:-10} s" >&2
	return 1
}
