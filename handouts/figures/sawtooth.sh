#!/usr/bin/env bash
# handouts/figures/sawtooth.sh — the handout's two-flow sawtooth (issue 14),
# measured on the kit's own programs: two Reno senders share one bottleneck
# router, the second joining JOIN seconds after the first, and the chart of
# both flows' cwnd and ssthresh shows the newcomer grow and the two settle
# around the fair share.
#
#   mux_rhost recv --conns 2  <-  mux_router --rate 200000 --delay 20
#       --queue 16 --drop 1 --seed 7  <-  two mux_rhost send --mode sr
#       --window 20 --cc reno --cc-log ccK.jsonl
#
# The run lasts RUN seconds (the experiment's length; the file is larger than
# the link can carry in that time, so neither flow ends early).  Goodput of a
# flow over the last MEASURE seconds is the growth of its copy at the receiver
# (FILE.k) between RUN - MEASURE and RUN, over MEASURE.  Writes sawtooth.svg
# (mux_ccplot of both logs) and sawtooth.txt (goodputs, shares, load) beside
# this script.  Env: RUN (25 s), JOIN (5 s), MEASURE (10 s); KEEP=DIR copies
# the cc logs and the programs' output there, to look into a run.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUN=${RUN:-25}
JOIN=${JOIN:-5}
MEASURE=${MEASURE:-10}
RATE=200000
out=handouts/figures

make -s -C mux_demux mux_rhost mux_router mux_ccplot >/dev/null

tmp=$(mktemp -d)
pids=()
# stop: ends the programs this script started (by their ids), all at the same
# moment, so the two flows are cut off together.
stop() {
	((${#pids[@]} == 0)) || { kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; } || true
	pids=()
}
trap 'stop; rm -rf "$tmp"' EXIT
cp mux_demux/mux_rhost mux_demux/mux_router mux_demux/mux_ccplot "$tmp/"

# launch NAME PROG ARGS...: runs PROG in the background, its stdout in
# $tmp/NAME.out, and waits (10 s at most) for its "listening on" line; the
# address it names goes into HERE.
launch() {
	local name=$1 first=
	shift
	mkfifo "$tmp/$name.pipe"
	"$@" >"$tmp/$name.pipe" 2>"$tmp/$name.err" &
	pids+=("$!")
	exec 4<"$tmp/$name.pipe"
	read -r -t 10 first <&4 || true
	if [[ $first != "listening on "* ]]; then
		echo "sawtooth: $name did not start: $(cat "$tmp/$name.err")" >&2
		exit 1
	fi
	cat <&4 >"$tmp/$name.out" &
	pids+=("$!")
	exec 4<&-
	HERE=${first#listening on }
}

# size FILE: its size in bytes (0 while it does not exist).
size() {
	if [[ -e $1 ]]; then stat -c %s "$1"; else echo 0; fi
}

load=$(cat /proc/loadavg)
head -c $((RATE * (RUN + 5))) /dev/urandom >"$tmp/file"
launch recv "$tmp/mux_rhost" recv --out "$tmp/copy" --conns 2
launch router "$tmp/mux_router" --to "$HERE" --rate "$RATE" --delay 20 --queue 16 \
    --drop 1 --seed 7
router=$HERE
t0=$SECONDS
for k in 1 2; do
	((k == 2)) && sleep "$JOIN"	# the experiment's schedule, not a wait
	started[k]=${EPOCHREALTIME/[.,]/}	# microseconds
	launch "send$k" "$tmp/mux_rhost" send "$tmp/file" --to "$router" --mode sr \
	    --window 20 --cc reno --cc-log "$tmp/cc$k.jsonl"
done
left=$((RUN - MEASURE - (SECONDS - t0)))
sleep $((left > 0 ? left : 0))
a1=$(size "$tmp/copy.1") a2=$(size "$tmp/copy.2")
sleep "$MEASURE"
b1=$(size "$tmp/copy.1") b2=$(size "$tmp/copy.2")
stop
if [[ -n ${KEEP:-} ]]; then
	mkdir -p "$KEEP" && cp "$tmp"/*.jsonl "$tmp"/*.out "$tmp"/*.err "$KEEP/"
fi

# Each sender's log counts from its own start: flow 2's moves to flow 1's clock.
python3 - "$tmp/cc2.jsonl" $(((started[2] - started[1]) / 1000)) >"$tmp/cc2-moved.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    o["t_ms"] += int(sys.argv[2])
    print(json.dumps(o, separators=(",", ":")))
PY
"$tmp/mux_ccplot" -o "$out/sawtooth.svg" \
    -t "Two Reno flows, R = 200 kB/s, RTT 40 ms, queue 16: flow 2 joins at ${JOIN} s" \
    -n "flow 1" -n "flow 2" "$tmp/cc1.jsonl" "$tmp/cc2-moved.jsonl"
python3 - "$a1" "$b1" "$a2" "$b2" "$MEASURE" "$RATE" "$load" "$RUN" "$JOIN" \
    >"$out/sawtooth.txt" <<'PY'
import sys
a1, b1, a2, b2, m, r = (int(x) for x in sys.argv[1:7])
load, run, join = sys.argv[7], sys.argv[8], sys.argv[9]
g = [(b1 - a1) / m, (b2 - a2) / m]
jain = sum(g) ** 2 / (2 * sum(x * x for x in g)) if sum(g) > 0 else 0
print("two Reno flows through mux_router --rate %d --delay 20 --queue 16 --drop 1 --seed 7" % r)
print("run %s s, flow 2 joins at %s s; goodput over the last %d s (receiver's copies)" % (run, join, m))
for k, x in enumerate(g, 1):
    print("flow %d: %8.0f bytes/s  (%.2f of R/2)" % (k, x, x / (r / 2)))
print("sum:    %8.0f bytes/s  (%.2f of R, headers not counted)" % (sum(g), sum(g) / r))
print("Jain's fairness index: %.3f" % jain)
print("loadavg before the run: %s" % load)
PY
cat "$out/sawtooth.txt"
