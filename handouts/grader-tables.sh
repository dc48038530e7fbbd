#!/usr/bin/env bash
# grader-tables.sh — keep the "What the grader checks" tables of the handouts
# equal to the labs' lab.conf files.
#
# A handout marks where its lab's table goes:
#
#     <!-- grader-table 01-udp-uppercase -->
#     ...table, written by this script...
#     <!-- /grader-table -->
#
# The table comes from `grader/grade LAB --list` (so it says exactly what the
# grader will run: names, points, visibility, titles).  Without an argument
# the script rewrites the tables in place; with --check it only compares and
# fails when a handout is out of date (make test-handouts runs that).  A lab
# with no lab.conf yet gets one line saying so.
#
# usage: handouts/grader-tables.sh [--check]
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
check=0
[[ ${1:-} == --check ]] && check=1
grade=grader/grade
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# table LAB: the markdown table of LAB's tests, from the grader's --list.
table() {
	local lab=$1
	if [[ ! -f labs/$lab/lab.conf ]]; then
		echo "(The grader's tests for this lab are not written yet: \`labs/$lab/lab.conf\` does not exist.)"
		return 0
	fi
	if [[ ! -x $grade ]] || ! "$grade" "$lab" --kit "$top" --list >"$tmp/list" 2>"$tmp/err"; then
		echo "grader-tables.sh: cannot list the tests of $lab: $(cat "$tmp/err" 2>/dev/null)" >&2
		return 1
	fi
	awk '
	NR == 1 { next }
	/^  total / {
		vis = $4
		gsub(/[^0-9]/, "", vis)
		printf "| **total** | **%s** | %s of them in `make check` |\n", $2, vis
		next
	}
	/^  / {
		name = $1; pts = $2; vis = $3
		title = $0
		sub(/^  [^ ]+ +[0-9]+ +[a-z]+ +[^ ]+ +/, "", title)
		gsub(/\|/, "\\|", title)
		printf "| `%s` | %s | %s%s |\n", name, pts, (vis == "hidden" ? "*(hidden)* " : ""), title
	}' "$tmp/list" | {
		echo "| test | points | what it checks |"
		echo "|---|--:|---|"
		cat
	}
	echo
	echo "Tests marked *(hidden)* run only when your work is graded, not in \`make check\`."
}

status=0
for f in handouts/*.md; do
	grep -q '^<!-- grader-table ' "$f" || continue
	awk -v tmp="$tmp" '
	/^<!-- grader-table [^ ]+ -->$/ {
		print; lab = $3; print "@@TABLE " lab; skip = 1
		# an older table, if any, runs to the closing marker
		next
	}
	/^<!-- \/grader-table -->$/ { skip = 0; print; next }
	skip && /^$/ { next }
	skip && /^(\||\(|Tests marked)/ { next }	# a table this script wrote
	{ if (skip) { print "<!-- /grader-table -->"; print ""; skip = 0 } print }
	END { if (skip) print "<!-- /grader-table -->" }' "$f" >"$tmp/stage"
	: >"$tmp/new"
	while IFS= read -r line; do
		if [[ $line == "@@TABLE "* ]]; then
			echo >>"$tmp/new"
			table "${line#@@TABLE }" >>"$tmp/new" || status=1
			echo >>"$tmp/new"
		else
			printf '%s\n' "$line" >>"$tmp/new"
		fi
	done <"$tmp/stage"
	if cmp -s "$f" "$tmp/new"; then
		continue
	fi
	if ((check)); then
		echo "$f: its grader table differs from lab.conf: run handouts/grader-tables.sh" >&2
		diff -u "$f" "$tmp/new" | head -n 20 >&2
		status=1
	else
		cp "$tmp/new" "$f"
		echo "$f: grader table written"
	fi
done
exit "$status"
