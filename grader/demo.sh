#!/usr/bin/env bash
# demo.sh — the grader in a few seconds (part of `make demo`): the UDP lab's
# reference submitted as a student would, graded on two tests; then the same
# with one bug (a client that reuses one socket, so a late reply is taken for
# the next line's answer), and the feedback a student would read.
set -euo pipefail
cd "$(dirname "$0")"
say() { printf '\n>>> %s\n' "$*"; }
root=$(mktemp -d /tmp/grader-demo.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
make -s all >/dev/null
make -s -C ../udp_uppercase all >/dev/null

say "A submission is a directory that builds with make: here, the reference UDP client and server."
bash tests/mksub.sh ../udp_uppercase "udp_server udp_client" "$root/good" >/dev/null
ls "$root/good"

tests=client_uses_reference_server,client_ignores_stale_replies
say "grade 01-udp-uppercase --only $tests"
say "(each test runs sandboxed; the second puts a fault-injection proxy between client and server)"
./grade 01-udp-uppercase --submission "$root/good" --only "$tests"

say "The same client with one bug: one socket for every line, so a late reply is printed"
say "as the answer to the next line.  The grader shows what was sent, expected and received:"
bash tests/mksub.sh ../udp_uppercase "udp_server udp_client" "$root/bad" \
	mutants/01-udp-uppercase/client_one_socket >/dev/null
./grade 01-udp-uppercase --submission "$root/bad" --only "$tests" || true

say "A class: grade 01-udp-uppercase --class DIR --jobs 2 writes a report per student and a CSV."
say "Instructors: handouts/instructors.md."
