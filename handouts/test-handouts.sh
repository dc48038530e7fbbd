#!/usr/bin/env bash
# test-handouts.sh — what `make test-handouts` runs (the programs must be built):
#   1. the block runner's own tests, on the fixtures in handouts/tests/;
#   2. check-ports.sh on its fixtures, then on every handout: a command never
#      reaches a port other than the one its server listens on (or printed);
#   3. every runnable block of the handouts and walkthroughs (run-blocks.sh);
#   4. the course-notes coverage table (check-coverage.sh), and that the check
#      notices a missing row and a row that names no test without saying why;
#   5. the "What the grader checks" tables equal the labs' lab.conf
#      (grader-tables.sh --check).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== the block runner on its fixtures"
out=$(bash handouts/run-blocks.sh handouts/tests/pass.md 2>&1)
if [[ $out != *"3 passed, 0 failed, 1 skipped"* ]]; then
	echo "FAIL runner: pass.md should give 3 passed, 1 skipped:"; echo "$out"; status=1
fi
out=$(bash handouts/run-blocks.sh handouts/tests/fail.md 2>&1)
if [[ $out != *"0 passed, 6 failed, 0 skipped"* ]]; then
	echo "FAIL runner: fail.md should give 6 failed:"; echo "$out"; status=1
fi

echo "== ports: every command reaches the port its server listens on"
out=$(bash handouts/check-ports.sh handouts/tests/ports-bad.md 2>&1)
if [[ $(grep -c '^handouts/tests/ports-bad.md:[0-9]*: ' <<<"$out") != 7 ]]; then
	echo "FAIL check-ports: ports-bad.md should give 7 wrong ports:"; echo "$out"; status=1
fi
if ! out=$(bash handouts/check-ports.sh handouts/tests/ports-good.md 2>&1); then
	echo "FAIL check-ports: ports-good.md should pass:"; echo "$out"; status=1
fi
bash handouts/check-ports.sh || status=1

echo "== runnable blocks of the handouts and walkthroughs"
bash handouts/run-blocks.sh || status=1

echo "== course notes coverage"
bash handouts/check-coverage.sh || status=1
grep -v '^| 42 |' handouts/README.md >"$tmp/README.md"
if bash handouts/check-coverage.sh "$tmp/README.md" >/dev/null 2>&1; then
	echo "FAIL check-coverage: a table without the row of line 42 passes"; status=1
fi
# A row whose test cell is emptied, or says "taught, not tested" without a
# reason, or says it while naming a test, must fail.
for cell in ' ' ' *taught, not tested* ' ' *taught, not tested*: no reason `lab 01: client_gives_up` '; do
	awk -v cell="$cell" -F'|' 'BEGIN { OFS = "|" } $2 == " 42 " { $5 = cell } 1' \
		handouts/README.md >"$tmp/README.md"
	if bash handouts/check-coverage.sh "$tmp/README.md" >/dev/null 2>&1; then
		echo "FAIL check-coverage: row 42 with the test cell '$cell' passes"; status=1
	fi
done

echo "== every program answers --help (README: exit 0, usage on stdout)"
for mk in */Makefile; do
	for p in $(sed -n 's/^PROGS *+*= *//p' "$mk"); do
		bin=$(dirname "$mk")/$p
		if ! out=$("$bin" --help 2>/dev/null </dev/null) || ! grep -qi '^usage' <<<"$out"; then
			echo "FAIL $bin --help: exit status or no usage line on stdout"; status=1
		fi
	done
done

echo "== grader tables"
bash handouts/grader-tables.sh --check || status=1

echo "== which test stands for each TODO"
bash labs/audit.sh --check || status=1
# A table that lost a row, or whose TODO was reworded, must fail the check.
mkdir -p "$tmp/audit"
for edit in 'on && /^\| `/{if (!n++) next}' 'on && /^\| `/{if (!n++) sub(/\| [a-z]/, "| X")}'; do
	cp handouts/0*.md "$tmp/audit/"
	awk "/todo-audit 04/{on = 1} $edit 1" handouts/04-torrent-tracker.md >"$tmp/audit/04-torrent-tracker.md"
	if HANDOUTS=$tmp/audit bash labs/audit.sh --check 04-torrent-tracker >/dev/null 2>&1; then
		echo "FAIL audit.sh --check: a TODO table edited with '$edit' passes"; status=1
	fi
done

((status == 0)) && echo "test-handouts: all passed"
exit "$status"
