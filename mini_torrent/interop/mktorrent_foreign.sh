#!/usr/bin/env bash
# interop/mktorrent_foreign.sh — torrents made by other tools (mktorrent,
# transmission-create; single and multi-file, public and private) are accepted
# by mt-info, which reports the info-hash transmission-show and libtorrent
# report, and the same number of files.  mktorrent's torrent of the same
# content must also equal ours byte for byte in its info dictionary.
source "$(dirname "$0")/mktorrent_lib.bash"
need mktorrent mktorrent
need transmission-create transmission-cli
need transmission-show transmission-cli
need_libtorrent

random_file "$work/content/single.bin" 777777
sample_tree "$work/content/tree"
url=http://127.0.0.1:6969/announce

one() { # LABEL TORRENT
  local ours
  echo "== $1"
  ours=$(hash_mtinfo "$2") || die "mt-info rejected $1: $("$BIN_DIR/mt-info" "$2" 2>&1 >/dev/null)"
  check "mt-info = transmission-show" "$(hash_tshow "$2")" "$ours"
  check "mt-info = libtorrent" "$(hash_lt "$2")" "$ours"
  check "file count = libtorrent's" "$(files_lt "$2")" "$(files_mtinfo "$2")"
}

for what in single.bin tree; do
  p=$work/content/$what
  mktorrent -a "$url" -l 15 -o "$work/mk-$what.torrent" "$p" >/dev/null
  one "mktorrent, $what" "$work/mk-$what.torrent"
  mktorrent -p -a "$url" -o "$work/mkp-$what.torrent" "$p" >/dev/null
  one "mktorrent -p, $what" "$work/mkp-$what.torrent"
  transmission-create -t "$url" -o "$work/tc-$what.torrent" "$p" >/dev/null
  one "transmission-create, $what" "$work/tc-$what.torrent"
  transmission-create -p -s 64 -t "$url" -o "$work/tcp-$what.torrent" "$p" >/dev/null
  one "transmission-create -p -s 64, $what" "$work/tcp-$what.torrent"
  "$BIN_DIR/mt-mktorrent" -a "$url" -l 32K -o "$work/mt-$what.torrent" "$p" >/dev/null
  check "mt-mktorrent = mktorrent (same content, 32 KiB)" \
    "$(hash_mtinfo "$work/mk-$what.torrent")" "$(hash_mtinfo "$work/mt-$what.torrent")"
done
finish
