#!/usr/bin/env bash
# audit.sh — which test stands for each TODO of a lab.
#
# For every SOLUTION block a lab strips (every TODO of its starter), the
# reference workspace is graded with that one block back as the starter has
# it, on every test, hidden ones included.  The tests that copy fails are the
# ones that stand for that TODO; a TODO that fails no test is a blind spot of
# the grader, and the audit says so and exits 1.
#
# The result is a table in the lab's handout, between
#
#     <!-- todo-audit LAB -->
#     <!-- /todo-audit -->
#
# so an instructor sees what each test stands for.  Grading takes a while (a
# minute or so per TODO), so CI does not run it: `--check` only compares each
# table's rows with the TODOs the lab has now (a TODO added, removed or
# reworded since the last audit fails it), and `make audit` redoes the tables.
#
# usage: labs/audit.sh [--write | --check] [LAB...]
#   (no option)  grade and print each lab's table
#   --write      grade and put each table into the lab's handout
#   --check      no grading: every handout's table lists its lab's TODOs now
# HANDOUTS=DIR reads and writes DIR/LAB.md instead of handouts/LAB.md.
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=print
case ${1:-} in
--write) mode=write; shift ;;
--check) mode=check; shift ;;
-*) echo "usage: labs/audit.sh [--write | --check] [LAB...]" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

labs=("$@")
if ((${#labs[@]} == 0)); then
	mapfile -t labs < <(sed -n 's/^\[\([^]]*\)\].*/\1/p' labs/manifest.txt)
fi

# strips LAB: the files LAB strips, "PATH<TAB>PATTERN" a line (from the
# manifest; PATTERN is empty when every block of PATH is stripped).
strips() {
	awk -v lab="[$1]" '
	/^\[/ { inlab = ($1 == lab); next }
	inlab && $1 == "strip" {
		pat = ""
		if (match($0, /\/.*\//))
			pat = substr($0, RSTART + 1, RLENGTH - 2)
		printf "%s\t%s\n", $2, pat
	}' labs/manifest.txt
}

# todos FILE PATTERN: the hint of each block FILE strips, one line each, in
# order (a hint over several lines joined, the comment's stars dropped).
todos() {
	awk -v mode=strip -v only="$2" -f labs/markers.awk "$1" | awk '
	/\/\* TODO:/ { hint = $0; open = !index($0, "*/") }
	open && !/\/\* TODO:/ { hint = hint " " $0; open = !index($0, "*/") }
	hint != "" && !open {
		gsub(/[ \t]+/, " ", hint)
		sub(/^ *\/\* TODO: */, "", hint)
		gsub(/ \* /, " ", hint)
		sub(/ *\*\/.*$/, "", hint)
		print hint
		hint = ""
	}'
}

# cell TEXT: TEXT made safe for a table cell.
cell() {
	local s=${1%%. *}
	s=${s//|/\\|}
	((${#s} > 110)) && s="${s:0:107}..."
	printf '%s' "$s"
}

# failures OUT HIDDEN: what a grading output says failed: "`name` (-N)" for
# each test that lost points ("a hidden test (-N)" for the tests named in the
# file HIDDEN: a handout goes to the class and must not name them), then how
# many tests it made skip and the points the copy lost in all.  Empty when
# nothing failed.
failures() {
	awk '
	FILENAME == ARGV[1] { hidden[$1] = 1; next }
	/^\[(FAIL|ERROR)\] build / { print "the build fails (a stub that does not compile)"; done = 1; exit }
	/^\[(FAIL|ERROR|SKIP)\] +[0-9]+\/ *[0-9]+ / {
		split($2, pm, "/"); lost = pm[2] - pm[1]; total += lost
		if ($1 == "[SKIP]") { skipped++; next }
		name = ($3 in hidden) ? "a hidden test" : "`" $3 "`"
		out = out sep name " (-" lost ")"; sep = ", "
	}
	END {
		if (done || out == "")
			exit
		if (skipped)
			out = out "; " skipped " that require it skipped"
		print out "; -" total " in all"
	}' "$2" "$1"
}

# audit_lab LAB: prints LAB's table; returns 1 when a TODO fails no test.
audit_lab() {
	local lab=$1 path pat base k hint got work rc=0
	rm -rf "$tmp/solved"
	bash labs/mkstarters.sh --solved "$tmp/solved" "$lab" >/dev/null || return 1
	grader/grade "$lab" --kit "$top" --list | awk '$3 == "hidden" { print $1 }' >"$tmp/hidden"
	echo "| file | TODO | with only this TODO left as in the starter, it fails |"
	echo "|---|---|---|"
	while IFS=$'\t' read -r path pat; do
		base=$(basename "$path")
		k=0
		while IFS= read -r hint; do
			k=$((k + 1))
			work=$tmp/work
			rm -rf "$work"
			cp -R "$tmp/solved/$lab" "$work"
			awk -v mode=strip -v only="$pat" -v nth="$k" -f labs/markers.awk \
				"$tmp/solved/$lab/$base" >"$work/$base" || return 1
			timeout -k 5 600 grader/grade "$lab" --kit "$top" --submission "$work" \
				--tests all >"$tmp/out" 2>&1
			got=$(failures "$tmp/out" "$tmp/hidden")
			if [[ -z $got ]]; then
				got="**no test fails: a blind spot**"
				echo "audit.sh: $lab: $base TODO $k ($hint) fails no test" >&2
				rc=1
			fi
			echo "| \`$base\` | $(cell "$hint") | $got |"
		done < <(todos "$tmp/solved/$lab/$base" "$pat")
	done < <(strips "$lab")
	return $rc
}

# rows FILE LAB: the file and TODO columns of LAB's table in FILE.
rows() {
	awk -v lab="$2" '
	$0 == "<!-- todo-audit " lab " -->" { on = 1; next }
	/^<!-- \/todo-audit -->/ { on = 0 }
	on && /^\| `/ { split($0, c, " \\| "); print c[1] " | " c[2] }' "$1"
}

# wanted LAB: the file and TODO columns LAB's table must have now.
wanted() {
	local path pat base hint
	bash labs/mkstarters.sh --solved "$tmp/solved" "$1" >/dev/null || return 1
	while IFS=$'\t' read -r path pat; do
		base=$(basename "$path")
		while IFS= read -r hint; do
			echo "| \`$base\` | $(cell "$hint")"
		done < <(todos "$tmp/solved/$1/$base" "$pat")
	done < <(strips "$1")
}

# put TABLE_FILE HANDOUT LAB: replaces the table between LAB's markers.
put() {
	awk -v lab="$3" -v table="$1" '
	$0 == "<!-- todo-audit " lab " -->" {
		print; print ""
		while ((getline line < table) > 0) print line
		print ""; skip = 1; next
	}
	skip && /^<!-- \/todo-audit -->/ { skip = 0 }
	!skip' "$2" >"$tmp/handout" && cat "$tmp/handout" >"$2"
}

# section HANDOUT LAB: gives HANDOUT the section that holds LAB's table,
# before its "Common mistakes" (or at its end), with empty markers.
section() {
	awk -v lab="$2" '
	function put() {
		print "### Which test stands for each TODO"
		print ""
		print "Each row is the reference solution with that one TODO put back as the starter has it,"
		print "graded on every test, hidden ones included: the tests it fails are the ones that stand"
		print "for that TODO. `make audit` redoes this table (`labs/audit.sh`); a TODO that no test"
		print "fails is a blind spot of the grader, and the audit fails on it."
		print ""
		print "<!-- todo-audit " lab " -->"
		print "<!-- /todo-audit -->"
		print ""
		done = 1
	}
	/^## Common mistakes/ && !done { put() }
	{ print }
	END { if (!done) { print ""; put() } }' "$1" >"$tmp/handout" && cat "$tmp/handout" >"$1"
}

for lab in "${labs[@]}"; do
	handout=${HANDOUTS:-handouts}/$lab.md
	if [[ $mode == write && -f $handout ]] && ! grep -qx "<!-- todo-audit $lab -->" "$handout"; then
		section "$handout" "$lab"
	fi
	if [[ $mode != print ]] && ! grep -qx "<!-- todo-audit $lab -->" "$handout" 2>/dev/null; then
		echo "audit.sh: $handout has no '<!-- todo-audit $lab -->' table" >&2
		status=1
		continue
	fi
	if [[ $mode == check ]]; then
		if ! diff <(wanted "$lab") <(rows "$handout" "$lab") >"$tmp/diff"; then
			echo "audit.sh: $handout: its TODO table does not list the lab's TODOs now (run make audit):" >&2
			cat "$tmp/diff" >&2
			status=1
		fi
		continue
	fi
	echo "== $lab" >&2
	audit_lab "$lab" >"$tmp/table" || status=1
	if [[ $mode == write ]]; then
		put "$tmp/table" "$handout" "$lab"
	else
		cat "$tmp/table"
	fi
done
exit $status
