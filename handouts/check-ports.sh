#!/usr/bin/env bash
# check-ports.sh — a command in a handout reaches the port its server listens on.
#
# A student types the shell blocks of a handout in order.  When one block
# starts a server and a later one talks to it, the port must be the one the
# server has: a server asked for port 0 prints "listening on ADDR:PORT" and the
# handout must use that port ($PORT, set by lib.sh's serve or by the reader),
# never a number written in advance; a server on a fixed port (or its default
# one) must be reached on that port.  The runnable blocks catch a wrong port by
# failing; this catches it in the blocks that are only read.
#
# The check reads every ```sh / ```bash / ```console block.  Plain blocks share
# one scope per file (the reader's terminal); a runnable block ("sh run") has a
# scope of its own, as it runs in a fresh shell.  In a scope:
#   - a server is started by udp_server, tcp_server (default port 12000),
#     mt-tracker (6969), mt-peer (6881) with -p N, or socat *-LISTEN:N;
#     -p 0 (or -p $VAR) is a port the server will print;
#   - a port is used by udp_client/tcp_client/nc HOST PORT, /dev/tcp/HOST/PORT,
#     URL-style HOST:PORT, --peer HOST:PORT, socat TCP:HOST:PORT, a capture
#     filter "port N" or "tcp.port==N", and ss's ":N";
#   - once a server has started, a literal port used must be the fixed port of
#     a server started before it in the scope.  A line that means to reach a
#     port where nothing listens says so in a comment containing "no server".
#
# usage: handouts/check-ports.sh [FILE.md...]   (default: every handout)
# Prints one line per wrong port; exit status 1 if there is one.
set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
files=("$@")
if ((${#files[@]} == 0)); then
	mapfile -t files < <(ls handouts/*.md handouts/walkthroughs/*.md 2>/dev/null)
fi

awk '
function reset_scope(s) { nsrv[s] = 0; zero[s] = ""; ports[s] = ""; delete_known(s) }
function delete_known(s,   k) { for (k in known) if (index(k, s SUBSEP) == 1) delete known[k] }

# server_port(LINE, PROG): the port PROG on LINE listens on: a number, "printed"
# (-p 0 or a variable), or "" when LINE does not start PROG.
function server_port(line, prog, dflt,   rest, p) {
	if (!match(line, "(^|[ /;|&(])" prog "([ ]|$)"))
		return ""
	rest = substr(line, RSTART + RLENGTH)
	if (match(rest, /(^|[ ])(-p|--port)[ =]?[^ ]+/)) {
		p = substr(rest, RSTART, RLENGTH)
		sub(/^[ ]*(-p|--port)[ =]?/, "", p)
		gsub(/"/, "", p)
		return p ~ /^[0-9]+$/ && p + 0 != 0 ? p + 0 : "printed"
	}
	return dflt
}

# start(S, PORT, WHERE): a server started at WHERE in scope S listens on PORT.
function start(s, port, where) {
	nsrv[s]++
	zero[s] = port == "printed" ? where : ""
	if (port != "printed") {
		known[s, port] = 1
		ports[s] = ports[s] " " port
	}
}

# use(S, PORT, WHAT): a literal PORT used on this line, in scope S.
function use(s, port, what) {
	if (port !~ /^[0-9]+$/ || nsrv[s] == 0 || ((s, port + 0) in known))
		return
	printf "%s:%d: %s uses port %s, where no server started above listens", FILENAME, lineno, what, port
	if (zero[s] != "")
		printf ": the server of %s was asked for port 0, use the port it printed ($PORT)\n", zero[s]
	else
		printf " (they listen on:%s)\n", ports[s]
	bad++
}

# client_port(LINE, PROG): the PORT of "PROG [options] HOST PORT" on LINE, or "".
function client_port(line, prog,   rest, n, t, i, pos) {
	if (!match(line, "(^|[ /;|&(])" prog " "))
		return ""
	rest = substr(line, RSTART + RLENGTH)
	sub(/[|;&>].*/, "", rest)
	n = split(rest, t, " ")
	pos = 0
	for (i = 1; i <= n; i++) {
		if (t[i] ~ /^-/) {
			if (t[i] ~ /^-[trwsqiWpb]$/) i++
			continue
		}
		if (++pos == 2) { gsub(/"/, "", t[i]); return t[i] }
	}
	return ""
}

function check_line(s, line, comment,   p, rest, prog) {
	if (comment ~ /no server/)
		return
	# ports used (before the servers this line starts)
	for (prog in clients)
		if ((p = client_port(line, prog)) != "") use(s, p, prog)
	rest = line
	while (match(rest, /\/dev\/(tcp|udp)\/[^\/ ]+\/[0-9]+/)) {
		p = substr(rest, RSTART, RLENGTH); sub(/.*\//, "", p)
		use(s, p, "/dev/tcp"); rest = substr(rest, RSTART + RLENGTH)
	}
	rest = line
	while (match(rest, /(:\/\/|--peer |TCP[46]?:|UDP[46]?:)[A-Za-z0-9.:\[\]-]*:[0-9]+/)) {
		p = substr(rest, RSTART, RLENGTH); sub(/.*:/, "", p)
		use(s, p, "an address"); rest = substr(rest, RSTART + RLENGTH)
	}
	rest = line
	while (match(rest, /(port |port==|port == |[sd]port = :)[0-9]+/)) {
		p = substr(rest, RSTART, RLENGTH); sub(/.*[ =:]/, "", p)
		use(s, p, "a filter"); rest = substr(rest, RSTART + RLENGTH)
	}
	# servers started
	for (prog in servers)
		if ((p = server_port(line, prog, servers[prog])) != "")
			start(s, p, FILENAME ":" lineno)
	if (match(line, /(TCP|UDP)[46]?-LISTEN:[0-9]+/)) {
		p = substr(line, RSTART, RLENGTH); sub(/.*:/, "", p)
		start(s, p + 0, FILENAME ":" lineno)
	}
}

BEGIN {
	servers["udp_server"] = 12000; servers["tcp_server"] = 12000
	servers["mt-tracker"] = 6969; servers["mt-peer"] = 6881
	clients["udp_client"] = 1; clients["tcp_client"] = 1
	clients["nc"] = 1; clients["ncat"] = 1; clients["netcat"] = 1
}
FNR == 1 { infence = 0; reset_scope("file"); cont = "" }
{
	if (!infence && match($0, /^```+/)) {
		fence = substr($0, 1, RLENGTH)
		info = substr($0, RLENGTH + 1)
		sub(/^[ \t]+/, "", info)
		infence = 1
		shell = info ~ /^(sh|bash|console)( |$)/
		scope = info ~ /^sh run( |$)/ ? "block" : "file"
		if (scope == "block") reset_scope("block")
		next
	}
	if (infence && $0 == fence) { infence = 0; next }
	if (!infence || !shell) next
	line = $0
	if (cont == "") lineno = FNR
	if (line ~ /\\$/) { cont = cont substr(line, 1, length(line) - 1) " "; next }
	line = cont line
	cont = ""
	comment = ""
	if (match(line, /(^|[ \t])#/)) {
		comment = substr(line, RSTART)
		line = substr(line, 1, RSTART - 1)
	}
	sub(/^\$ /, "", line)
	gsub(/\t/, " ", line)
	check_line(scope, line, comment)
}
END { exit bad > 0 }
' "${files[@]}"
