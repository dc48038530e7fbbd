#!/usr/bin/python3
"""lt_tcp.py — lt_seed.py with uTP turned off: libtorrent over TCP only.

usage: the same as lt_seed.py (TORRENT SAVE_DIR LISTEN_IP [--leech] ...).

Two libtorrents prefer uTP (BitTorrent over UDP, with delay-based
congestion control) when both speak it.  uTP is built to yield to other
traffic and moves a few MB/s over loopback, so a benchmark of libtorrent
against peers that speak only TCP would measure uTP, not libtorrent.  This
wrapper changes only the session settings and runs lt_seed.py's main().
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lt_seed  # noqa: E402  (after the path is set)

_plain_session = lt_seed.session


def tcp_session(listen_ip):
    s = _plain_session(listen_ip)
    s.apply_settings({"enable_outgoing_utp": False, "enable_incoming_utp": False})
    return s


if __name__ == "__main__":
    lt_seed.session = tcp_session
    sys.exit(lt_seed.main())
