# interop/mktorrent_lib.bash — shared by the interop/mktorrent_*.sh scripts
# (sourced, not run: `make interop` runs only *.sh).
#
# Helpers to read the info-hash each real tool reports, to make sample
# content, and to start background processes that are always bounded by
# `timeout` and always killed when the script ends.  Waiting is done on
# events (a line appearing in a log), each with a deadline; nothing sleeps.

set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN_DIR=${BIN_DIR:-$here/..}
PY=/usr/bin/python3
work=$(mktemp -d /tmp/mt-interop.XXXXXX)
pids=()
failures=0

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

die() { echo "FAIL: $*" >&2; exit 1; }
say() { echo "  $*"; }

# need TOOL PACKAGE: a missing tool is a failure, never a silent pass.
need() {
  command -v "$1" >/dev/null 2>&1 ||
    die "$1 is not installed (Debian package $2; run 'sudo bash .ci/setup')"
}
need_libtorrent() {
  "$PY" -c 'import libtorrent' 2>/dev/null ||
    die "python3-libtorrent is not installed (run 'sudo bash .ci/setup')"
}

# check WHAT WANT GOT: counts a mismatch, keeps going so all are reported.
check() {
  if [ "$2" = "$3" ]; then
    say "ok   $1"
  else
    echo "FAIL: $1: want '$2', got '$3'" >&2
    failures=$((failures + 1))
  fi
}

finish() {
  if ((failures > 0)); then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}

hash_mtinfo() { "$BIN_DIR/mt-info" "$1" | awk '/^Hash: / { print $2 }'; }
files_mtinfo() { "$BIN_DIR/mt-info" "$1" | sed -n 's/^Files (\([0-9]*\)):$/\1/p'; }
hash_tshow() { transmission-show "$1" | awk '$1 == "Hash:" { print $2 }'; }
hash_aria2() { aria2c -S "$1" | awk '/^Info Hash: / { print $3 }'; }
hash_lt() { "$PY" -c 'import sys, libtorrent as lt; print(lt.torrent_info(sys.argv[1]).info_hash())' "$1"; }
files_lt() { "$PY" -c 'import sys, libtorrent as lt; print(lt.torrent_info(sys.argv[1]).num_files())' "$1"; }

# random_file PATH BYTES
random_file() { mkdir -p "$(dirname "$1")"; head -c "$2" /dev/urandom > "$1"; }

# sample_tree DIR: nesting, an empty file, a hidden file, spaces and UTF-8
# in names, and names whose byte order differs from per-directory order.
sample_tree() {
  random_file "$1/a/x.bin" 300000
  random_file "$1/a-b/y.bin" 1
  random_file "$1/a.txt" 16384
  random_file "$1/deep/er/still/z.bin" 1000003
  random_file "$1/.hidden" 333
  random_file "$1/naïve café.txt" 4097
  : > "$1/empty"
}

# bg NAME SECONDS CMD...: starts CMD under timeout, stdout to $work/NAME.out,
# stderr to $work/NAME.err; it is killed when the script ends.
bg() {
  local name=$1 secs=$2
  shift 2
  timeout "$secs" "$@" > "$work/$name.out" 2> "$work/$name.err" &
  pids+=($!)
}

# wait_line FILE PATTERN SECONDS: waits until a line of FILE matches the glob
# *PATTERN*.
# Prints that line.  Reads the file as it grows, with a deadline.
wait_line() {
  local file=$1 pattern=$2 deadline=$((SECONDS + $3)) line rc=1
  touch "$file"
  coproc WAITER { exec tail -n +1 -F "$file" 2>/dev/null; }
  while ((SECONDS < deadline)) &&
      read -r -t $((deadline - SECONDS)) line <&"${WAITER[0]}"; do
    # shellcheck disable=SC2053
    if [[ $line == *$pattern* ]]; then echo "$line"; rc=0; break; fi
  done
  kill "$WAITER_PID" 2>/dev/null || true
  wait "$WAITER_PID" 2>/dev/null || true
  return $rc
}

# A TCP port nobody listens on right now (for clients that need a fixed one).
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
