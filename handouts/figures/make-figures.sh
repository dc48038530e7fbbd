#!/usr/bin/env bash
# make-figures.sh — what `make figures` runs: the distribution-time figure of
# handouts/distribution-time.md, measured on real swarms of the kit's peers.
#
# For each N, mt-swarm runs one client-server swarm (only the seed uploads)
# and one peer-to-peer swarm (BitTorrent as usual) on loopback and records
# when the last leecher completes; it writes every run to the CSV and draws
# the SVG: measured times against the course's bounds.  The parameters follow
# the textbook's example, scaled to run in minutes: the seed uploads ten times
# faster than each peer (u_s = 10 u), downloads are not limited.  It takes
# about five minutes (the client-server runs alone add up to the sum of
# N F / u_s), longer on a loaded machine, whose load also shows in the
# measurements: run it on an otherwise idle machine.
#
# usage: handouts/figures/make-figures.sh   (the kit must be built: make)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=handouts/figures
[[ -x mini_torrent/mt-swarm ]] || { echo "make-figures.sh: build the kit first (make)" >&2; exit 1; }
./mini_torrent/mt-swarm sweep --n 1,2,4,8,16,24,32,48,64 -F 2M --us 2M --ui 200K \
	--csv "$out/distribution-time.csv.new" --svg "$out/distribution-time.svg.new"
mv "$out/distribution-time.csv.new" "$out/distribution-time.csv"
mv "$out/distribution-time.svg.new" "$out/distribution-time.svg"
echo "make-figures.sh: wrote $out/distribution-time.csv and $out/distribution-time.svg"
