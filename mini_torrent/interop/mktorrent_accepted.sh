#!/usr/bin/env bash
# interop/mktorrent_accepted.sh — torrents made by mt-mktorrent are read the
# same way by Transmission, aria2c and libtorrent: each reports the info-hash
# mt-info reports (so all agree on the exact info dictionary) and libtorrent
# lists the same number of files.
source "$(dirname "$0")/mktorrent_lib.bash"
need transmission-show transmission-cli
need aria2c aria2
need_libtorrent

random_file "$work/content/single.bin" 1000123
sample_tree "$work/content/tree"

cases=(
  "single, default 256 KiB pieces|single.bin"
  "single, 1 MiB pieces, private|single.bin -l 1M --private"
  "multi-file tree, 16 KiB pieces|tree -l 16K"
  "multi-file tree, private, with comment|tree --private -c hello"
)
n=0
for c in "${cases[@]}"; do
  label=${c%%|*}
  read -r -a args <<< "${c#*|}"
  path=$work/content/${args[0]}
  t=$work/t$((n++)).torrent
  echo "== $label"
  "$BIN_DIR/mt-mktorrent" -a http://127.0.0.1:6969/announce -o "$t" "${args[@]:1}" "$path" >/dev/null
  ours=$(hash_mtinfo "$t")
  [ ${#ours} -eq 40 ] || die "mt-info printed no info-hash for $t"
  check "transmission-show info-hash" "$ours" "$(hash_tshow "$t")"
  check "aria2c -S info-hash" "$ours" "$(hash_aria2 "$t")"
  check "libtorrent info-hash" "$ours" "$(hash_lt "$t")"
  check "libtorrent file count" "$(files_mtinfo "$t")" "$(files_lt "$t")"
done
finish
