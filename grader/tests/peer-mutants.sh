#!/usr/bin/env bash
# peer-mutants.sh — part of `make test-slow`: every mutant of the peer labs
# (mutants/05-*, mutants/06-*) graded on the whole lab: it must lose points in
# exactly the tests its MUTANT file names (`catches`, plus `may_lose`, plus
# tests skipped for a prerequisite), and keep them everywhere else.  (make test
# checks only that the catching tests fail, to stay quick.)
set -euo pipefail
cd "$(dirname "$0")/.."
grade=${BIN_DIR:-.}/grade
root=$(mktemp -d /tmp/peer-mutants.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
fail=0
# One build of the reference; each mutant starts from a copy and recompiles its patch.
bash tests/mksub.sh ../mini_torrent mt-peer "$root/template" >/dev/null
make -s -C "$root/template" >/dev/null
for dir in mutants/05-* mutants/06-*; do
	lab=$(basename "$dir")
	for m in "$dir"/*/; do
		m=${m%/}
		name=$(basename "$m")
		sub=$root/$lab-$name
		bash tests/mksub.sh ../mini_torrent mt-peer "$sub" "$m" "$root/template" >/dev/null
		"$grade" "$lab" --submission "$sub" --format tap >"$sub.tap"
		catches=" $(sed -n 's/^catches = //p' "$m/MUTANT") $(sed -n 's/^may_lose = //p' "$m/MUTANT") "
		for test in $(sed -n 's/^not ok [0-9]* - \([^ ]*\).*/\1/p' "$sub.tap"); do
			if [[ $catches != *" $test "* ]]; then
				echo "$lab/$name: $test lost points it should keep" >&2; fail=1
			fi
		done
		for t in $(sed -n 's/^catches = //p' "$m/MUTANT"); do
			grep -q "^not ok [0-9]* - $t " "$sub.tap" || { echo "$lab/$name: $t should fail" >&2; fail=1; }
		done
		echo "$lab/$name: $(grep -c '^not ok' "$sub.tap") test(s) lost"
	done
done
exit $fail
