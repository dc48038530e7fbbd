#!/usr/bin/env bash
# peer-mutants.sh — part of `make test-slow`: every mutant of the peer labs
# and of labs 7 and 8 (mutants/05-* .. 08-*) graded on the whole lab: it must lose points in
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
# One build of each reference; each mutant starts from a copy and recompiles its patch.
bash tests/mksub.sh ../mini_torrent mt-peer "$root/template-mt-peer" >/dev/null
make -s -C "$root/template-mt-peer" >/dev/null
bash tests/mksub.sh ../mux_demux mux_rhost "$root/template-mux_rhost" >/dev/null
make -s -C "$root/template-mux_rhost" >/dev/null
# MUTANT_LABS="07-reliable-transfer": only those labs' mutants.
dirs=(mutants/05-* mutants/06-* mutants/07-* mutants/08-*)
[[ -z ${MUTANT_LABS:-} ]] || read -r -a dirs <<<"$(printf 'mutants/%s ' $MUTANT_LABS)"
for dir in "${dirs[@]}"; do
	lab=$(basename "$dir")
	case $lab in
	07-* | 08-*) ref=../mux_demux prog=mux_rhost ;;
	*) ref=../mini_torrent prog=mt-peer ;;
	esac
	for m in "$dir"/*/; do
		m=${m%/}
		name=$(basename "$m")
		sub=$root/$lab-$name
		bash tests/mksub.sh "$ref" "$prog" "$sub" "$m" "$root/template-$prog" >/dev/null
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
