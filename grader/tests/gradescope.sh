#!/usr/bin/env bash
# gradescope.sh — `make test-gradescope`: the Gradescope zip of lab 1 works.
#
# Makes the zip, unpacks it the way Gradescope does (/autograder/source), runs its
# setup.sh (which builds the grader and the references from the zip's sources
# alone), then run_autograder on the reference submitted as a student would (in
# a folder, as students often upload), and checks results.json: valid JSON,
# full marks, every test present.  Then a submission that does not build: still
# a results.json, with score 0.
set -euo pipefail
cd "$(dirname "$0")/.."
lab=01-udp-uppercase
root=$(mktemp -d /tmp/gradescope-test.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
zip=$(bash gradescope/mkzip.sh "$lab" "$root")
mkdir -p "$root/source" "$root/submission/my-lab1"
(cd "$root/source" && unzip -q "$zip")
echo "== setup.sh"
bash "$root/source/setup.sh" >"$root/setup.log" 2>&1 || { cat "$root/setup.log"; exit 1; }
bash tests/mksub.sh ../udp_uppercase "udp_server udp_client" "$root/sub" >/dev/null
cp -r "$root/sub/." "$root/submission/my-lab1/"
echo "== run_autograder (the reference)"
AUTOGRADER=$root bash "$root/source/run_autograder"
python3 - "$root/results/results.json" "../labs/$lab/lab.conf" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
names = re.findall(r'^\[test ([^\]]+)\]', open(sys.argv[2]).read(), re.M)
assert len(r["tests"]) == len(names), (len(r["tests"]), len(names))
total = sum(t["max_score"] for t in r["tests"])
assert r["score"] == total, (r["score"], total)
assert all(t["status"] == "passed" for t in r["tests"])
print("results.json: %d tests, score %d/%d" % (len(names), r["score"], total))
PY
echo "== run_autograder (a submission that does not build)"
rm -rf "$root/submission" "$root/results"
mkdir -p "$root/submission"
printf 'all:\n\tfalse\n' >"$root/submission/Makefile"
AUTOGRADER=$root bash "$root/source/run_autograder"
python3 - "$root/results/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["score"] == 0, r["score"]
assert "build fail" in r["output"], r["output"]
print("results.json: score 0, the build's failure reported")
PY
echo "gradescope zip: ok"
