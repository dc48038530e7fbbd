#!/usr/bin/env bash
# demo.sh — a small BitTorrent swarm on this machine (`make demo` runs it
# from this directory; about fifteen seconds).
#
# A tracker, one seed and five leechers, all on loopback, uploads capped so
# that the seed alone would be slow: the leechers must trade pieces among
# themselves.  While they do, the script prints each peer's progress once a
# second (the tracker's page at the printed URL shows the same live), then
# reads the peers' JSON Lines logs to show the course's ideas at work:
# rarest-first picks, tit-for-tat unchokes driven by measured rates, and how
# much of the file the leechers gave each other.  Everything started here is
# stopped on exit.
set -euo pipefail
cd "$(dirname "$0")"
[[ -x mt-peer && -x mt-tracker && -x mt-mktorrent ]] || make -s

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf '\n'; printf '%s\n' "$@"; }
show() { printf '    %s\n' "$@"; }

# start NAME CMD...: runs CMD in the background, its stdout through a pipe we
# read the readiness line from; sets LINE.
start() {
	local name=$1
	shift
	mkfifo "$tmp/$name.fifo"
	"$@" >"$tmp/$name.fifo" 2>"$tmp/$name.err" &
	pids+=($!)
	LINE=
	read -r -t 20 LINE <"$tmp/$name.fifo" || true
	rm -f "$tmp/$name.fifo"
	[[ $LINE == "listening on "* ]] || { echo "$name did not start: $(cat "$tmp/$name.err")" >&2; exit 1; }
}

pieces_of() { grep -c '"ev":"piece".*"ok":1' "$tmp/$1.log" 2>/dev/null || true; }

say "1. A tracker knows who is in the swarm (not who has what)."
start tracker ./mt-tracker -b 127.0.0.1 -p 0 --interval 5
tport=${LINE##*:}
show "\$ ./mt-tracker -b 127.0.0.1 -p 0" "$LINE" \
	"live page: http://127.0.0.1:$tport/  (open it in a browser while this runs)"

say "2. An 8 MiB file in 256 KiB pieces, and its torrent."
mkdir -p "$tmp/seed"
head -c 8388608 /dev/urandom >"$tmp/seed/file.bin"
./mt-mktorrent -a "http://127.0.0.1:$tport/announce" -o "$tmp/file.torrent" \
	"$tmp/seed/file.bin" | sed 's/^/    /'

say "3. One seed (uploads capped at 1.5 MiB/s: alone it would need 27 s to send" \
	"   five copies) and five leechers (768 KiB/s each)," \
	"   rechoking every 2 s, optimistic unchoke every 4 s."
start seed ./mt-peer -q -b 127.0.0.1 -p 0 -o "$tmp/seed" --seed --upload-rate 1536K \
	--log "$tmp/seed.log" "$tmp/file.torrent"
show "seed: $LINE"
for i in 1 2 3 4 5; do
	mkdir -p "$tmp/leech$i"
	start "leech$i" ./mt-peer -q -b 127.0.0.1 -p 0 -o "$tmp/leech$i" \
		--upload-rate 768K --rechoke-interval 2s --optimistic-interval 4s \
		--seed-for 30 --log "$tmp/leech$i.log" "$tmp/file.torrent"
	show "leech$i: $LINE"
done

say "4. Pieces each leecher has verified (of 32), once a second:"
start_s=$SECONDS
while :; do
	line=$(printf 't=%2ds ' $((SECONDS - start_s)))
	done_n=0
	for i in 1 2 3 4 5; do
		n=$(pieces_of "leech$i")
		line+=$(printf '  leech%d %2d' "$i" "$n")
		[[ $n -ge 32 ]] && done_n=$((done_n + 1))
	done
	show "$line"
	[[ $done_n -eq 5 ]] && break
	((SECONDS - start_s < 60)) || { echo "the swarm did not finish in 60 s" >&2; exit 1; }
	sleep 1
done
for i in 1 2 3 4 5; do
	cmp -s "$tmp/seed/file.bin" "$tmp/leech$i/file.bin" ||
		{ echo "leech$i's copy differs" >&2; exit 1; }
done
show "every copy is byte-identical to the seed's"

say "5. Rarest first: once it has 4 (random) pieces, a leecher starts the piece" \
	"   fewest of its neighbours have.  leech1's first such picks:"
grep '"ev":"pick".*"mode":"rarest"' "$tmp/leech1.log" | sed -n '1,6p' |
	sed -E 's/.*"piece":([0-9]+),"avail":([0-9]+),"min_avail":([0-9]+),"mode":"([a-z]+)".*/    piece \1: held by \2 neighbours (rarest held by \3), \4/'

say "6. Tit-for-tat: at each rechoke a leecher unchokes the 4 interested peers" \
	"   that send it data fastest, plus one optimistic unchoke.  leech1 half-way:"
n=$(grep -c '"ev":"rechoke","seeding":0' "$tmp/leech1.log" || true)
grep '"ev":"rechoke","seeding":0' "$tmp/leech1.log" | sed -n "$(((n + 1) / 2))p" |
	grep -o '{"peer":[^}]*}' |
	sed -E 's/\{"peer":"([^"]+)","interested":([01]),"rate_from":([0-9]+),"rate_to":([0-9]+),"snubbed":[01],"unchoke":([01]),"optimistic":([01])\}/    \1  sends us \3 B\/s, interested \2 -> unchoke \5 (optimistic \6)/'

say "7. Who uploaded what (peer to peer is what makes this scale):"
seed_up=$(grep -o '"uploaded":[0-9]*' "$tmp/seed.log" | awk -F: '{ s += $2 } END { print s + 0 }')
show "seed sent $((seed_up / 1024)) KiB so far"
for i in 1 2 3 4 5; do
	up=$(grep '"ev":"disconnect"' "$tmp/leech$i.log" | grep -o '"uploaded":[0-9]*' |
		awk -F: '{ s += $2 } END { print s + 0 }')
	show "leech$i sent $((up / 1024)) KiB to others (connections closed so far)"
done
say "Done: every process is stopped now."
