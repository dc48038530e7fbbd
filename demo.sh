#!/usr/bin/env bash
# demo.sh — the guided tour behind `make demo`.  Each part of the kit has its
# own demo.sh (run from its directory, finished in seconds, plain lines when
# not on a terminal); this runs them in teaching order.
set -euo pipefail
cd "$(dirname "$0")"

for d in udp_uppercase tcp_uppercase mux_demux mini_torrent grader; do
  if [ -x "$d/demo.sh" ]; then
    printf '\n===== %s =====\n' "$d"
    (cd "$d" && ./demo.sh)
  fi
done
printf '\nmake demo: done.\n'
