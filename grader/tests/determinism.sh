#!/usr/bin/env bash
# determinism.sh — `make test-determinism`: lab 1's reference, submitted 20
# times, each copy built and graded in full as a class (--jobs 2): every copy
# must get the same points in every test.  (make test grades a timing-sensitive
# subset 20 times from one build; this is the whole thing.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d /tmp/determinism-test.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
for i in $(seq -w 1 20); do
	bash tests/mksub.sh ../udp_uppercase "udp_server udp_client" "$root/class/student$i" >/dev/null
done
"${BIN_DIR:-.}/grade" 01-udp-uppercase --class "$root/class" --jobs 2 -o "$root/grades"
rows=$(tail -n +2 "$root/grades/gradebook.csv" | cut -d, -f2- | sort | uniq -c)
echo "$rows"
if [[ $(printf '%s\n' "$rows" | wc -l) -ne 1 ]]; then
	echo "determinism: the copies were graded differently" >&2
	exit 1
fi
echo "determinism: 20 copies, one score"
