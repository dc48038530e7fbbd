#!/usr/bin/python3
"""lt_seed.py — a libtorrent peer for the interop scripts.

usage: lt_seed.py TORRENT SAVE_DIR LISTEN_IP [--leech] [--connect IP:PORT]...

Adds TORRENT with its content in SAVE_DIR and lets libtorrent check it
against the torrent's piece hashes.  As a seed (the default) it prints
"listening on IP:PORT" once every piece has checked out, then keeps seeding
(announcing to the torrent's tracker) until killed; if a piece fails the
check it says so and exits 1, because then libtorrent disagrees with our
torrent.  With --leech it downloads into SAVE_DIR and exits 0 once complete.
--connect dials a peer directly (for clients that never dial loopback
addresses).  DHT, local discovery and port mapping are off: the peers here
find each other only through the tracker or --connect.
"""
import sys

import libtorrent as lt


def session(listen_ip):
    s = lt.session({
        "listen_interfaces": listen_ip + ":0",
        "outgoing_interfaces": listen_ip,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_trackers": True,
        "alert_mask": lt.alert.category_t.error_notification
                      | lt.alert.category_t.status_notification,
    })
    return s


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1], file=sys.stderr if len(args) < 3 else sys.stdout)
        return 2 if len(args) < 3 else 0
    torrent, save, ip = args[:3]
    leech = "--leech" in args
    peers = [args[i + 1] for i, a in enumerate(args) if a == "--connect" and i + 1 < len(args)]

    s = session(ip)
    info = lt.torrent_info(torrent)
    h = s.add_torrent({"ti": info, "save_path": save})
    print("info-hash %s" % info.info_hash(), file=sys.stderr, flush=True)
    announced = False
    while True:
        st = h.status()
        for a in s.pop_alerts():
            if isinstance(a, (lt.hash_failed_alert, lt.file_error_alert)):
                print("lt_seed: %s" % a.message(), file=sys.stderr, flush=True)
                if not leech:
                    return 1
        if st.errc.value() != 0:
            print("lt_seed: torrent error: %s" % st.errc.message(), file=sys.stderr)
            return 1
        checking = st.state in (lt.torrent_status.checking_files,
                                lt.torrent_status.checking_resume_data)
        if not checking and not announced:
            if not leech and st.progress < 1.0:
                print("lt_seed: content does not match the torrent (%.1f%% checked out)"
                      % (st.progress * 100), file=sys.stderr)
                return 1
            print("listening on %s:%d" % (ip, s.listen_port()), flush=True)
            for p in peers:
                host, port = p.rsplit(":", 1)
                h.connect_peer((host, int(port)), 0)
            announced = True
        if leech and st.is_seeding:
            print("complete", flush=True)
            return 0
        s.wait_for_alert(200)


if __name__ == "__main__":
    sys.exit(main())
