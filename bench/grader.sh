#!/usr/bin/env bash
# bench/grader.sh — how fast the grader grades.
#
#   1. one lab-1 submission (the reference, submitted as a student would), whole
#      lab, hidden tests included                                  goal <= 5 s
#   2. one peer-lab submission (lab 5), if the lab exists            goal <= 90 s
#   3. a class of 100 lab-1 submissions, --jobs 2, --similar       goal <= 5 min
#      and, of that, the class report and the similarity pass     goal < 10 %
#      (every copy is alike: 4950 pairs, the most work it can be)
#
# The real program it races is the floor of any grader: `make` of the same
# submission, run by hand in the same run.  It prints each time, the goal, and
# the ratio of grading to that bare build.  CLASS=N changes the class size.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -C grader all refs >/dev/null
grade=grader/grade
class_size=${CLASS:-100}
root=$(mktemp -d /tmp/bench-grader.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mksub() { (cd grader && bash tests/mksub.sh "$1" "$2" "$3" >/dev/null); }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. one lab-1 submission ------------------------------------------------
mksub ../udp_uppercase "udp_server udp_client" "$root/one"
cp -r "$root/one" "$root/bare"
t0=$(now); make -s -C "$root/bare" >/dev/null; t1=$(now)
bare=$(secs "$t0" "$t1")
t0=$(now); "$grade" 01-udp-uppercase --submission "$root/one" >"$root/one.txt"; t1=$(now)
one=$(secs "$t0" "$t1")
score=$(sed -n 's/^score: //p' "$root/one.txt")
printf 'lab 1, one submission:  %6.1f s (goal 5 s)   score %s   bare make %.1f s, ratio %.1fx\n' \
	"$one" "$score" "$bare" "$(div "$one" "$bare")"

# --- 2. one peer-lab submission ----------------------------------------------
if [[ -f labs/05-torrent-peer/lab.conf ]]; then
	mksub ../mini_torrent "mt-peer" "$root/peer"
	t0=$(now); "$grade" 05-torrent-peer --submission "$root/peer" >"$root/peer.txt"; t1=$(now)
	peer=$(secs "$t0" "$t1")
	printf 'lab 5, one submission:  %6.1f s (goal 90 s)  score %s\n' "$peer" \
		"$(sed -n 's/^score: //p' "$root/peer.txt")"
fi

# --- 3. a class of lab-1 submissions -----------------------------------------
for i in $(seq -w 1 "$class_size"); do
	cp -r "$root/one" "$root/class/student$i" 2>/dev/null || { mkdir -p "$root/class"; cp -r "$root/one" "$root/class/student$i"; }
done
t0=$(now)
"$grade" 01-udp-uppercase --class "$root/class" --jobs 2 -o "$root/grades" --similar \
	2>"$root/class.log"
t1=$(now)
class=$(secs "$t0" "$t1")
full=$(tail -n +2 "$root/grades/gradebook.csv" | awk -F, '$(NF-1) == $NF' | wc -l)
printf 'lab 1, class of %d:     %6.1f s (goal 300 s)  %d of %d with full marks   %.1f s each, ratio %.1fx a bare make\n' \
	"$class_size" "$class" "$full" "$class_size" "$(div "$class" "$class_size")" \
	"$(div "$(div "$class" "$class_size")" "$bare")"
# grade prints how long the report took, records read to page written.
report=$(sed -n 's/^class report: .* (\([0-9.]*\) s)$/\1/p' "$root/class.log")
pairs=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["similar"]["pairs"]))' \
	"$root/grades/summary.json")
printf '  class report + --similar: %6.2f s (goal < 10%% of the class)  %.1f%% added   %d pairs, page %d KiB\n' \
	"${report:-0}" "$(awk -v r="${report:-0}" -v c="$class" 'BEGIN { printf "%.1f", 100 * r / (c - r) }')" \
	"$pairs" "$(( $(stat -c %s "$root/grades/report.html") / 1024 ))"
