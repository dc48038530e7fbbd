#!/usr/bin/env bash
# test-labs.sh — what `make test-labs` runs: the lab workspaces are what the
# references and the manifest make, and each one works for a student.
#
#   1. the generator's own tests (labs/tests/test-generator.sh);
#   2. labs/ equals what labs/mkstarters.sh makes now (else: run make starters);
#   3. for every lab, the thin workspace (only the student's files: the given
#      ones are read from the kit), in a copy moved out of the kit, as a
#      self-learner might (make KIT=...):
#      - the pristine starter builds with no warning (make STRICT=1);
#      - once the lab has a lab.conf: its `make check` ends within two
#        minutes (a hang detector: lab 6's starter takes 47-60 s, its rechoke
#        tests watch nine intervals each), grades, scores less than full
#        marks, and gives hints for the failures;
#      - graded on every test, hidden ones included, the starter scores 0;
#      - with the reference code put back into the marked places
#        (mkstarters.sh --solved), the workspace builds with no warning and the
#        grader gives it full marks on every test, hidden ones included;
#   4. every lab's bundle, as a class receives it (labs/tests/test-bundles.sh).
#
# usage: labs/test-labs.sh [LAB...]     (the kit's programs must be built)
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CHECK_SECONDS=${CHECK_SECONDS:-120}
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

echo "== the generator's own tests"
bash labs/tests/test-generator.sh || fail "generator tests"

echo "== labs/ is up to date with the references"
bash labs/mkstarters.sh --check || fail "starters out of date"

labs=("$@")
if ((${#labs[@]} == 0)); then
	mapfile -t labs < <(sed -n 's/^\[\([^]]*\)\].*/\1/p' labs/manifest.txt)
fi

# builds DIR: make STRICT=1 in DIR, with no warning.  Prints why not.
builds() {
	local out
	if ! out=$(make -C "$1" STRICT=1 KIT="$top" 2>&1); then
		echo "$out" | tail -n 20
		return 1
	fi
	if grep -q 'warning:' <<<"$out"; then
		grep 'warning:' <<<"$out"
		return 1
	fi
}

have_grader=0
if [[ -f grader/Makefile ]] && make -s -C grader >/dev/null 2>&1 && [[ -x grader/grade ]]; then
	have_grader=1
fi

for lab in "${labs[@]}"; do
	echo "== $lab"
	work=$tmp/student/$lab
	mkdir -p "$tmp/student"
	cp -R "labs/$lab" "$work"
	rm -rf "$work/build" "$work"/results*
	if builds "$work"; then ok "$lab: the starter builds with no warning"
	else fail "$lab: the starter does not build cleanly"; continue; fi

	bash labs/mkstarters.sh --solved "$tmp/solved" "$lab" >/dev/null || { fail "$lab: --solved"; continue; }
	if builds "$tmp/solved/$lab"; then ok "$lab: with the reference code back it builds with no warning"
	else fail "$lab: with the reference code back it does not build cleanly"; continue; fi

	if [[ ! -f labs/$lab/lab.conf ]]; then
		echo "skip $lab: no lab.conf yet, so nothing to grade"
		continue
	fi
	if ((!have_grader)); then
		fail "$lab: has a lab.conf but the grader does not build"
		continue
	fi

	start=$(date +%s)
	out=$(cd "$work" && timeout -k 5 "$CHECK_SECONDS" make -s check KIT="$top" 2>&1)
	rc=$?
	took=$(($(date +%s) - start))
	score=$(sed -n 's/^score: \([0-9]*\/[0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
	if ((rc == 124 || rc == 137)); then
		fail "$lab: make check on the starter still running after $CHECK_SECONDS s"
	elif [[ -z $score ]]; then
		fail "$lab: make check on the starter printed no score (exit $rc)"
		echo "$out" | tail -n 20
	elif [[ ${score%/*} == "${score#*/}" ]]; then
		fail "$lab: the pristine starter gets full marks ($score): its tests cannot fail"
	elif ((rc != 2)); then
		fail "$lab: make check below full marks exits $rc (make's 2 expected: a script must tell)"
	elif ! grep -q '^\[FAIL\]' <<<"$out" || ! grep -q 'hint: ' <<<"$out"; then
		fail "$lab: make check on the starter shows no failed test with a hint"
	else
		ok "$lab: make check on the starter: $score in ${took} s, with hints"
	fi

	# Every point is for what the student writes: the starter, its gaps
	# stubs, earns none, hidden tests included (a test of given code is a
	# sanity check with no points, or requires one of the student's work).
	out=$(timeout -k 5 300 grader/grade "$lab" --kit "$top" --submission "$work" --tests all 2>&1)
	score=$(sed -n 's/^score: \([0-9]*\/[0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
	if [[ -n $score && ${score%/*} == 0 ]]; then
		ok "$lab: the starter earns no points, hidden tests included ($score)"
	else
		fail "$lab: the starter earns ${score:-nothing} with its gaps unfilled"
		grep -E '^\[PASS\]' <<<"$out" | head -n 10
	fi

	out=$(timeout -k 5 300 grader/grade "$lab" --kit "$top" --submission "$tmp/solved/$lab" --tests all 2>&1)
	score=$(sed -n 's/^score: \([0-9]*\/[0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
	if [[ -n $score && ${score%/*} == "${score#*/}" && ${score#*/} != 0 ]]; then
		ok "$lab: the reference code back in the starter: full marks ($score, hidden tests included)"
	else
		fail "$lab: the reference code back in the starter scores ${score:-nothing}"
		grep -E '^\[(FAIL|ERROR|SKIP)\]' <<<"$out" | head -n 10
	fi
done

echo "== the bundles"
bash labs/tests/test-bundles.sh "${labs[@]}" || fail "bundles"

if ((fails)); then
	echo "test-labs: $fails failure(s)"
	exit 1
fi
echo "test-labs: all passed"
