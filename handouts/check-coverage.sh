#!/usr/bin/env bash
# check-coverage.sh — every line of the course notes is taught and tested.
#
# handouts/course-notes.txt is the course notes, verbatim (typos included).
# handouts/README.md has a table with one row per line of the notes:
#
#   | 12 | `- the line, verbatim` | [section](handout.md#anchor) | `dir: suite/test`, `lab 01: test` |
#
# This script checks that:
#   - every line of the notes has exactly one row, numbered by its line, whose
#     second cell is the line itself in backticks, and there is no other row;
#   - each link of the third cell names a handout that exists and a heading
#     that exists in it (GitHub's anchor rules);
#   - the fourth cell names at least one test, and each one exists:
#       `DIR: SUITE/NAME`  a Criterion Test(SUITE, NAME) in DIR/tests/*.c
#       `lab NN: NAME`     a test NAME in labs/NN-*/lab.conf (the grader's)
#     or, for a line that no test can exercise, names none and starts with
#     "*taught, not tested*" followed by the reason.
#
# usage: handouts/check-coverage.sh [README.md [NOTES]]   exit 0 when complete
set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
table=${1:-handouts/README.md}
notes=${2:-handouts/course-notes.txt}
hdir=handouts
errors=0
err() { echo "$table: $*" >&2; errors=$((errors + 1)); }

[[ -r $table && -r $notes ]] || { echo "check-coverage: cannot read $table or $notes" >&2; exit 1; }
mapfile -t lines <"$notes"

# anchors FILE: the GitHub anchors of FILE's headings, one per line.
anchors() {
	awk '
	/^```/ { fence = !fence; next }
	fence || !/^#+ / { next }
	{
		h = $0
		sub(/^#+ +/, "", h)
		h = tolower(h)
		gsub(/[^a-z0-9 _-]/, "", h)
		gsub(/ /, "-", h)
		if (seen[h]++) h = h "-" (seen[h] - 1)
		print h
	}' "$1"
}

# test_exists REF: 0 when the test named by REF exists in the code.
test_exists() {
	local ref=$1 dir suite name lab conf
	if [[ $ref =~ ^lab\ ([0-9][0-9]):\ ([A-Za-z0-9_./-]+)$ ]]; then
		lab=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
		for conf in labs/"$lab"-*/lab.conf; do
			[[ -f $conf ]] && grep -Eq "(^|[^A-Za-z0-9_])$name([^A-Za-z0-9_]|$)" "$conf" && return 0
		done
		return 1
	fi
	if [[ $ref =~ ^([a-z_]+):\ ([A-Za-z0-9_]+)/([A-Za-z0-9_]+)$ ]]; then
		dir=${BASH_REMATCH[1]} suite=${BASH_REMATCH[2]} name=${BASH_REMATCH[3]}
		grep -Eqs "Test\\([[:space:]]*$suite[[:space:]]*,[[:space:]]*$name[[:space:]]*[,)]" "$dir"/tests/*.c
		return
	fi
	return 2
}

declare -A row_seen
nuntested=0
while IFS= read -r row; do
	[[ $row =~ ^\|\ *([0-9]+)\ *\|(.*)$ ]] || continue
	num=${BASH_REMATCH[1]}
	rest=${BASH_REMATCH[2]}
	if [[ -n ${row_seen[$num]:-} ]]; then err "line $num has two rows"; continue; fi
	row_seen[$num]=1
	if ((num < 1 || num > ${#lines[@]})); then err "row $num: the notes have ${#lines[@]} lines"; continue; fi
	want=${lines[num - 1]}
	# Split the remaining cells on " | " outside the backticked note.
	if [[ ${rest:0:2} != ' `' || ${rest:2:${#want}} != "$want" || ${rest:2+${#want}:4} != '` | ' ]]; then
		err "row $num: the second cell must be the notes' line $num verbatim in backticks: \`$want\`"
		continue
	fi
	rest=${rest:6+${#want}}
	taught=${rest%%|*}
	tests=${rest#*|}
	tests=${tests%|*}
	links=$(grep -oE '\]\([^)]+\)' <<<"$taught" | sed -E 's/^\]\(//; s/\)$//')
	[[ -n $links ]] || err "row $num: no handout section linked"
	for l in $links; do
		f=${l%%#*}
		a=${l#*#}
		[[ $l == *#* ]] || a=
		if [[ ! -f $hdir/$f ]]; then err "row $num: no handout $hdir/$f"; continue; fi
		if [[ -n $a ]] && ! anchors "$hdir/$f" | grep -qxF -- "$a"; then
			err "row $num: no heading #$a in $hdir/$f"
		fi
	done
	refs=$(grep -oE '`[^`]+`' <<<"$tests" | tr -d '`')
	untested=0
	[[ $tests =~ ^\ *\*taught,\ not\ tested\*:\ [^\ ] ]] && untested=1
	if ((untested)) && [[ -n $refs ]]; then
		err "row $num: names a test and says it is not tested"
	elif ((!untested)) && [[ -z $refs ]]; then
		err "row $num: no test named (nor '*taught, not tested*: why')"
	fi
	((untested)) && nuntested=$((nuntested + 1))
	while IFS= read -r ref; do
		[[ -n $ref ]] || continue
		test_exists "$ref"
		case $? in
		0) ;;
		1) err "row $num: no such test: $ref" ;;
		*) err "row $num: '$ref' is not 'DIR: SUITE/NAME' nor 'lab NN: NAME'" ;;
		esac
	done <<<"$refs"
done <"$table"

for ((i = 1; i <= ${#lines[@]}; i++)); do
	[[ -n ${row_seen[$i]:-} ]] || err "line $i of the notes has no row: ${lines[i - 1]}"
done

if ((errors)); then
	echo "check-coverage: $errors problem(s)" >&2
	exit 1
fi
echo "check-coverage: all ${#lines[@]} lines of the course notes are taught;" \
	"$((${#lines[@]} - nuntested)) are tested, $nuntested say why not"
